/**
 * A scenario whose expectation is wrong (test/fixtures/cli/failing.trustspec.yaml: "pull requests
 * deploy" expects allow, the NoPullRequests Deny refuses it): exit 1 in every reporter; reports
 * written with --output; colors.
 */
import t from 'tap';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ANSI,
  CONTRACT_RESULT_KEYS,
  FIXTURES,
  SGR,
  STACK_LINE,
  fixtureDir,
  parseJunit,
  parseTap,
  scenarioPlace,
  summaryOf,
  cli,
  type JsonReport,
} from './helpers.js';

const FILE = 'failing.trustspec.yaml';
const WRONG = 'pull requests deploy';
const at = scenarioPlace(join(FIXTURES, FILE), WRONG);
const MISMATCH =
  'expected allow, but STS would deny at trust-policy (AccessDenied): Not authorized to perform sts:AssumeRoleWithWebIdentity';

t.test('human, with junit, json and tap reports written beside it', async (t) => {
  const dir = fixtureDir(t);
  // A stale report is replaced whole.
  writeFileSync(join(dir, 'report.json'), '{"stale": true}\n');
  const r = await cli(
    [
      'test',
      FILE,
      '--output',
      'junit:junit-report.txt',
      '--output',
      'report.json',
      '--output',
      'results.tap',
    ],
    { cwd: dir },
  );
  t.equal(r.status, 1, 'exit 1: a scenario did not meet its expectation');
  t.equal(r.stderr, '');

  t.test('the human report names the failure, the mismatch and a diagnosis', async (t) => {
    const out = r.stdout;
    t.notMatch(out, ANSI, 'no colors on a pipe');
    t.match(out, /^failing\.trustspec\.yaml$/m, 'the file heading');
    t.match(out, /^ {2}✓ main branch deploys$/m);
    t.match(out, /^ {2}✓ another repository is refused$/m);
    t.ok(out.includes(`\n  ✗ ${WRONG} ${FILE}:${at.line}\n`), 'the failure, with file:line');
    t.ok(out.includes(`\n    ${MISMATCH}\n`), 'the mismatch, under it');
    t.match(out, /^ {4}decision: DENY — trust-policy · AccessDenied/m);
    t.match(out, /^ {4}diagnosis: Deny statement "NoPullRequests" applies to this request$/m);
    t.match(out, /^ {6}fix: .*narrow the Deny's condition/m);
    t.match(out, /^ {6}at deploy\.trust\.json:\d+:\d+$/m, 'where to fix it, in the policy');
    t.match(summaryOf(out), { passed: 2, failed: 1, skipped: 0, errors: 0, files: 1 });
  });

  t.test('the reports were written whole, atomically, and agree', async (t) => {
    const written = readdirSync(dir).sort();
    t.same(
      written.filter((f) => !readdirSync(FIXTURES).includes(f)),
      ['junit-report.txt', 'report.json', 'results.tap'],
      'the three reports and nothing else: no temporary file left',
    );
    t.same(
      written.filter((f) => f.startsWith('.') || f.endsWith('.tmp')),
      [],
      'no hidden or .tmp file',
    );

    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as JsonReport;
    t.notOk('stale' in json, 'the stale report was replaced');
    t.match(json.summary, { files: 1, scenarios: 3, passed: 2, failed: 1, errors: 0 });
    t.same(
      json.results.map((x) => [x.name, x.ok]),
      [
        ['main branch deploys', true],
        [WRONG, false],
        ['another repository is refused', true],
      ],
    );

    // junit: from the prefix, whatever the extension.
    const junit = parseJunit(readFileSync(join(dir, 'junit-report.txt'), 'utf8'));
    const suites = junit.testsuites.testsuite ?? [];
    t.equal(suites.length, 1);
    t.equal(suites[0]?.['@name'], FILE);
    t.equal(suites[0]?.['@failures'], '1');
    const cases = suites[0]?.testcase ?? [];
    t.same(
      cases.map((c) => c['@name']),
      json.results.map((x) => x.name),
    );
    const failed = cases.filter((c) => c.failure !== undefined);
    t.equal(failed.length, 1);
    t.equal(failed[0]?.['@name'], WRONG);
    t.equal(failed[0]?.['@line'], String(at.line));
    t.equal(failed[0]?.failure?.['@type'], 'AccessDenied');
    t.equal(failed[0]?.failure?.['@message'], MISMATCH);

    // tap: from the .tap extension.
    const tap = parseTap(readFileSync(join(dir, 'results.tap'), 'utf8'));
    t.same(tap.extra, []);
    t.match(tap.final, { count: 3, pass: 2, fail: 1, plan: { start: 1, end: 3 } });
    t.equal(tap.final.failures[0]?.name, `${FILE} › ${WRONG}`);
  });
});

t.test('github: an ::error annotation at the scenario line', async (t) => {
  const dir = fixtureDir(t);
  const r = await cli(['test', FILE, '--reporter', 'github'], { cwd: dir });
  t.equal(r.status, 1);
  t.equal(r.stderr, '');
  const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error'));
  t.equal(errors.length, 1, 'one annotation: the one failure');
  const line = errors[0] ?? '';
  t.ok(
    line.startsWith(
      `::error file=${FILE},line=${at.line},col=${at.column},title=trustspec%3A ${WRONG}::`,
    ),
    `points at ${FILE}:${at.line}:${at.column}`,
  );
  const message = line.slice(line.indexOf('::', 2) + 2).split('%0A');
  t.equal(message[0], MISMATCH, 'the mismatch first');
  t.ok(
    message.includes('STS: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity'),
  );
  t.ok(
    message.includes('Deny statement "NoPullRequests" applies to this request'),
    'the diagnosis',
  );
  t.ok(
    message.some((m) => m.startsWith('fix: ')),
    'the fix',
  );
  t.match(
    r.stdout,
    /^::notice title=trustspec::2 passed, 1 failed, 0 skipped, 0 errors · 1 file$/m,
  );
});

t.test('json: ok false, with what STS did', async (t) => {
  const dir = fixtureDir(t);
  // FORCE_COLOR must not color a machine-readable report.
  const r = await cli(['test', FILE, '--reporter', 'json'], {
    cwd: dir,
    env: { FORCE_COLOR: '1' },
  });
  t.equal(r.status, 1);
  t.equal(r.stderr, '');
  t.notMatch(r.stdout, ANSI);
  const doc = JSON.parse(r.stdout) as JsonReport;
  t.match(doc.summary, { files: 1, scenarios: 3, passed: 2, failed: 1, errors: 0 });
  t.same(doc.errors, []);
  const wrong = doc.results.find((x) => x.name === WRONG);
  t.ok(wrong, 'the failing scenario is reported');
  t.same(Object.keys(wrong ?? {}).slice(0, CONTRACT_RESULT_KEYS.length), CONTRACT_RESULT_KEYS);
  t.match(wrong, {
    file: FILE,
    line: at.line,
    expected: 'allow',
    decision: 'deny',
    stage: 'trust-policy',
    code: 'AccessDenied',
    ok: false,
  });
  t.ok((wrong?.explanation?.diagnoses.length ?? 0) > 0, 'the explanation carries a diagnosis');
  t.match(
    doc.results.find((x) => x.name === 'another repository is refused'),
    {
      expected: 'deny',
      decision: 'deny',
      stage: 'trust-policy',
      code: 'AccessDenied',
      ok: true,
    },
  );
});

t.test('--output into a folder that does not exist: exit 2 and a clear message', async (t) => {
  const dir = fixtureDir(t);
  const r = await cli(['test', 'passing.trustspec.yaml', '--output', 'junit:nowhere/junit.xml'], {
    cwd: dir,
  });
  t.equal(r.status, 2);
  t.match(r.stderr, /^trustspec: cannot write the junit report to nowhere\/junit\.xml: .*ENOENT/);
  t.notMatch(r.stderr, STACK_LINE, 'no stack trace');
  t.same(
    readdirSync(dir).filter((f) => !readdirSync(FIXTURES).includes(f)),
    [],
    'no folder created, no file left behind',
  );
});

// ── colors: lib/cli/io.ts useColor — a non-empty NO_COLOR wins, then FORCE_COLOR (0 = off, any
// other value on), then whether stdout is a TTY. ────────────────────────────────────────────────

t.test('colors follow NO_COLOR and FORCE_COLOR', async (t) => {
  // A plain pipe without either variable has no colors: see the first test.
  const dir = fixtureDir(t);
  const run = async (env: Record<string, string>): Promise<string> => {
    const r = await cli(['test', FILE], { cwd: dir, env });
    t.equal(r.status, 1, `${JSON.stringify(env)}: exit 1 still`);
    return r.stdout;
  };
  const noColor = await run({ NO_COLOR: '1', FORCE_COLOR: '1' });
  t.notMatch(noColor, ANSI, 'NO_COLOR wins over FORCE_COLOR');
  t.match(noColor, /^ {2}✗ pull requests deploy /m, 'the same report, plain');

  const forced = await run({ FORCE_COLOR: '1' });
  t.match(forced, ANSI, 'FORCE_COLOR=1 colors a pipe');
  t.ok(forced.includes('\u001b[31m✗\u001b[39m'), 'the ✗ is red');
  t.ok(forced.includes('\u001b[32m✓\u001b[39m'), 'the ✓ is green');
  t.equal(forced.replace(SGR, ''), noColor, 'colors are all that differ');

  const emptyNoColor = await run({ NO_COLOR: '', FORCE_COLOR: '1' });
  t.equal(emptyNoColor, forced, 'an empty NO_COLOR counts as unset (no-color.org)');

  t.equal(await run({ FORCE_COLOR: '0' }), noColor, 'FORCE_COLOR=0: no colors');
});

t.test('a terminal gets colors unless NO_COLOR or FORCE_COLOR=0 says no', async (t) => {
  const dir = fixtureDir(t);
  const cases: { env: Record<string, string>; isTTY: boolean; colors: boolean }[] = [
    { env: {}, isTTY: true, colors: true },
    { env: {}, isTTY: false, colors: false },
    { env: { NO_COLOR: '1' }, isTTY: true, colors: false },
    { env: { NO_COLOR: '' }, isTTY: true, colors: true },
    { env: { FORCE_COLOR: '0' }, isTTY: true, colors: false },
  ];
  const plain = (await cli(['test', FILE], { cwd: dir })).stdout;
  for (const c of cases) {
    const r = await cli(['test', FILE], { cwd: dir, env: c.env, isTTY: c.isTTY });
    const what = `${JSON.stringify(c.env)}, ${c.isTTY ? 'a terminal' : 'a pipe'}`;
    t.equal(r.status, 1, `${what}: exit 1 still`);
    if (c.colors) t.match(r.stdout, ANSI, `${what}: colors`);
    else t.notMatch(r.stdout, ANSI, `${what}: no colors`);
    t.equal(r.stdout.replace(SGR, ''), plain, `${what}: the same report otherwise`);
  }
});
