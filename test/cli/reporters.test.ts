/**
 * `trustspec test spec-examples` with every reporter, each output read back by a real consumer.
 * The JSON run is the reference the others are compared with.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ANSI,
  CONTRACT_RESULT_KEYS,
  CONTRACT_SUMMARY_KEYS,
  CONTRACT_TOP_KEYS,
  FIXTURES,
  NOW,
  REPO,
  parseJunit,
  parseTap,
  summaryOf,
  cli,
  type JsonReport,
} from './helpers.js';

const FILES = 45;
const SCENARIOS = 152;

// Every spec-example file carries its own `now:`, so no --now is given.
const json = await cli(['test', 'spec-examples', '--reporter', 'json']);
const report = JSON.parse(json.stdout) as JsonReport;
const files = [...new Set(report.results.map((r) => r.file))];
const byFile = new Map<string, string[]>(files.map((f) => [f, []]));
for (const r of report.results) byFile.get(r.file)?.push(r.name);

t.test('json: the contract document, every scenario met', async (t) => {
  t.equal(json.status, 0);
  t.equal(json.stderr, '');
  t.same(Object.keys(report).slice(0, 4), CONTRACT_TOP_KEYS, 'top-level keys in contract order');
  t.equal(report.version, 1);
  t.same(Object.keys(report.summary).slice(0, 5), CONTRACT_SUMMARY_KEYS);
  t.match(report.summary, {
    files: FILES,
    scenarios: SCENARIOS,
    passed: SCENARIOS,
    failed: 0,
    errors: 0,
  });
  t.same(report.errors, []);
  t.equal(report.results.length, SCENARIOS);
  t.equal(files.length, FILES, 'results come from 45 files');
  const texts = new Map<string, string[]>();
  const problems: string[] = [];
  for (const r of report.results) {
    const where = `${r.file} › ${r.name}`;
    const keys = Object.keys(r).slice(0, CONTRACT_RESULT_KEYS.length);
    if (JSON.stringify(keys) !== JSON.stringify(CONTRACT_RESULT_KEYS))
      problems.push(`${where}: keys ${keys.join(',')}`);
    if (!r.file.startsWith('spec-examples/') || !r.file.endsWith('.trustspec.yaml'))
      problems.push(`${where}: file shown as ${r.file}`);
    if (r.ok !== true) problems.push(`${where}: not ok`);
    // A proven property has no single decision: its verdict says it passed.
    if (r.property !== null) {
      if (r.property?.result !== 'proven' || r.decision !== null)
        problems.push(`${where}: property ${JSON.stringify(r.property)}`);
    } else if (r.decision !== r.expected) problems.push(`${where}: ${r.decision} vs ${r.expected}`);
    if (r.decision === 'deny' && (r.stage === null || r.code === null))
      problems.push(`${where}: a denial without stage or code`);
    if (r.decision === 'allow' && (r.stage !== null || r.code !== null))
      problems.push(`${where}: an allow with a stage or code`);
    // A scenario that met its expectation has no explanation unless --verbose (like human).
    if (r.explanation !== null) problems.push(`${where}: an explanation for a passing scenario`);
    // The line is the scenario's own (matrix copies share theirs): the `- name:` line.
    let lines = texts.get(r.file);
    if (!lines) {
      lines = readFileSync(join(REPO, r.file), 'utf8').split('\n');
      texts.set(r.file, lines);
    }
    if (!/^\s*- name:/.test(lines[r.line - 1] ?? ''))
      problems.push(`${where}: line ${r.line} is not a "- name:" line`);
  }
  t.same(problems, [], 'every result is complete and consistent');
  for (const [file, names] of byFile)
    t.equal(new Set(names).size, names.length, `names unique in ${file}`);
});

t.test('human: one ✓ per scenario, grouped by file, and the summary', async (t) => {
  const r = await cli(['test', 'spec-examples']);
  t.equal(r.status, 0);
  t.equal(r.stderr, '');
  t.notMatch(r.stdout, ANSI, 'no colors on a pipe');
  const lines = r.stdout.split('\n');
  t.equal(lines.filter((l) => l.startsWith('  ✓ ')).length, SCENARIOS);
  t.equal(lines.filter((l) => l.includes('✗')).length, 0);
  const headings = lines.filter((l) => l.startsWith('spec-examples/'));
  t.same(
    headings.filter((l) => l.endsWith('.trustspec.yaml')),
    files,
    'a heading per scenario file, in the order of the JSON report',
  );
  // Policy files with warnings get a group of their own, holding only those warnings.
  t.same(
    headings.filter((l) => !l.endsWith('.trustspec.yaml')),
    [...new Set((report.warnings ?? []).map((w) => w.file))],
    'the other headings are the policy files that have warnings',
  );
  // A write-time error (IAM would refuse to store the policy) is listed with the warnings: it does
  // not stop the scenarios, but it is labelled an error.
  t.equal(
    lines.filter((l) => / (warning|error): /.test(l)).length,
    report.summary.warnings,
    'each warning printed once',
  );
  t.match(summaryOf(r.stdout), {
    passed: SCENARIOS,
    failed: 0,
    skipped: 0,
    errors: 0,
    files: FILES,
  });
});

t.test('tap: tap-parser reads 152 passing points and a matching plan', async (t) => {
  // FORCE_COLOR must not leak escapes into a machine-readable format.
  const r = await cli(['test', 'spec-examples', '--reporter', 'tap'], {
    env: { FORCE_COLOR: '1' },
  });
  t.equal(r.status, 0);
  t.equal(r.stderr, '');
  t.notMatch(r.stdout, ANSI);
  const p = parseTap(r.stdout);
  t.equal(p.version, 14);
  t.same(p.extra, [], 'no line outside TAP');
  t.same(p.final.failures, [], 'no failures and no parse errors');
  t.equal(p.final.ok, true);
  t.match(p.final.plan, { start: 1, end: SCENARIOS });
  t.equal(p.final.count, SCENARIOS);
  t.equal(p.final.pass, SCENARIOS);
  t.equal(p.final.fail, 0);
  t.equal(p.final.skip, 0);
  t.equal(p.asserts.length, SCENARIOS, 'leaf points only, no subtests');
  t.same(
    p.asserts.map((a) => a.id),
    Array.from({ length: SCENARIOS }, (_, i) => i + 1),
    'points numbered 1..152 in order',
  );
  t.same(
    p.asserts.map((a) => a.name),
    report.results.map((x) => `${x.file} › ${x.name}`),
    'one point per scenario, named file › scenario',
  );
});

t.test('junit: fast-xml-parser reads one suite per file and no failures', async (t) => {
  const r = await cli(['test', 'spec-examples', '--reporter', 'junit']);
  t.equal(r.status, 0);
  t.equal(r.stderr, '');
  const doc = parseJunit(r.stdout);
  const all = doc.testsuites.testsuite ?? [];
  const suites = all.filter((s) => (s.testcase ?? []).length > 0);
  t.same(
    suites.map((s) => s['@name']),
    files,
    'one testsuite with test cases per scenario file, in order',
  );
  t.equal(all.length, FILES, 'exactly one testsuite per scenario file (45), nothing else');
  t.equal(doc.testsuites['@tests'], String(SCENARIOS));
  t.equal(doc.testsuites['@failures'], '0');
  t.equal(doc.testsuites['@errors'], '0');
  let cases = 0;
  const problems: string[] = [];
  for (const s of suites) {
    const name = s['@name'];
    const names = (s.testcase ?? []).map((c) => c['@name']);
    cases += names.length;
    if (s['@tests'] !== String(names.length)) problems.push(`${name}: tests="${s['@tests']}"`);
    if (s['@failures'] !== '0' || s['@errors'] !== '0') problems.push(`${name}: failures`);
    if (new Set(names).size !== names.length) problems.push(`${name}: testcase names repeat`);
    if (JSON.stringify(names) !== JSON.stringify(byFile.get(name)))
      problems.push(`${name}: testcases ${JSON.stringify(names)}`);
    if ((s.testcase ?? []).some((c) => c.failure !== undefined || c.error !== undefined))
      problems.push(`${name}: a <failure> or <error>`);
  }
  t.same(problems, [], 'each suite: its scenarios, unique names, no failure');
  t.equal(cases, SCENARIOS, '152 testcases');
});

t.test(
  'github: workflow commands, ::error only for write-time errors, a closing notice',
  async (t) => {
    const r = await cli(['test', 'spec-examples', '--reporter', 'github']);
    t.equal(r.status, 0);
    t.equal(r.stderr, '');
    const lines = r.stdout.trimEnd().split('\n');
    t.same(
      lines.filter((l) => !/^::(error|warning|notice)( [^:]*)?::/.test(l)),
      [],
      'every line is a workflow command',
    );
    // The only errors: two misconfiguration examples have no sub condition, which IAM refuses to
    // store for GitHub's shared issuer (write-time, idp-control-missing), and three name the OIDC
    // provider of another account or partition than the role's (lint's error findings, which test
    // shows too); their scenarios still run.
    const errors = lines.filter((l) => l.startsWith('::error'));
    t.equal(errors.length, 5, 'an ::error per policy IAM would refuse or that never applies');
    t.equal(errors.filter((e) => /MalformedPolicyDocument/.test(e)).length, 2);
    t.equal(errors.filter((e) => /policy-principal-other-(account|partition)/.test(e)).length, 3);
    t.match(
      lines[lines.length - 1],
      /^::notice title=trustspec::152 passed, 0 failed, 0 skipped, 0 errors\b.* · 45 files$/,
    );
  },
);

t.test('json: passing scenarios carry their explanation only with --verbose', async (t) => {
  const file = join(FIXTURES, 'passing.trustspec.yaml');
  const plain = JSON.parse((await cli(['test', file, '--reporter', 'json', '--now', NOW])).stdout);
  const verbose = JSON.parse(
    (await cli(['test', file, '--reporter', 'json', '--verbose', '--now', NOW])).stdout,
  );
  t.ok(plain.results.length > 0);
  t.ok(
    plain.results.every(
      (r: { ok: boolean; explanation: unknown }) => r.ok && r.explanation === null,
    ),
    'no trace for a scenario that met its expectation',
  );
  t.ok(
    verbose.results.every(
      (r: { explanation: { checks: unknown[] } | null }) =>
        r.explanation !== null && r.explanation.checks.length > 0,
    ),
    '--verbose: every result has its trace',
  );
});
