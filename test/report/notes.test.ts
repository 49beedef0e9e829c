/**
 * Notes in the user's terms: no section number of trustspec's own notes (`§5.5`) in any output,
 * and every UNCONFIRMED rule named by an id that the README's "How exact is it?" lists, shown only
 * when the result rests on it.
 */
import t from 'tap';
import ts from 'typescript';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  UNCONFIRMED_RULES,
  unconfirmedLine,
  unconfirmedRule,
  userSpec,
  userText,
} from '../../lib/explain/notes.js';
import { REPORTERS, REPORTER_NAMES } from '../../lib/report/index.js';
import { diagnose } from '../../lib/explain/index.js';
import { loadAndRunAsync } from '../../lib/scenarios/index.js';
import { runScenarios, scenarioInput } from '../../lib/scenarios/run.js';
import type { Expectation, RunReport } from '../../lib/scenarios/types.js';
import { cli, policy, scenarioFile } from '../cli/findings-harness.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (name.endsWith('.ts') && !name.endsWith('.generated.ts')) yield path;
  }
}

/** Every string and template literal piece of lib/ (comments are not output). */
function literals(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const file of sources(join(REPO, 'lib'))) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node): void => {
      if (
        ts.isStringLiteral(n) ||
        ts.isNoSubstitutionTemplateLiteral(n) ||
        ts.isTemplateHead(n) ||
        ts.isTemplateMiddle(n) ||
        ts.isTemplateTail(n)
      ) {
        out.push({ file: file.slice(REPO.length + 1), text: n.text });
      }
      n.getChildren(sf).forEach(visit);
    };
    visit(sf);
  }
  return out;
}

const ALL = literals();

t.test('every message and template of lib/ reaches users without a section number', async (t) => {
  const marked = ALL.filter((l) => l.text.includes('§') && l.file !== 'lib/explain/notes.ts');
  t.ok(marked.length > 100, `${marked.length} literals carry a section number`);
  const left = marked.filter((l) => userText(l.text).includes('§'));
  t.same(left, [], 'userText removes every one');
  const spec = marked.filter((l) => /^§[\d.]+(, §[\d.]+)*$/.test(l.text));
  t.same(
    spec.filter((l) => userSpec(l.text) !== undefined),
    [],
    'a finding source that is only a section of our notes is not printed',
  );
  t.equal(
    userSpec('IAM User Guide, identity-provider controls'),
    'IAM User Guide, identity-provider controls',
  );
});

t.test('userText: the reference goes, the sentence stays', async (t) => {
  const cases: [string, string][] = [
    ['the provider URL is case-sensitive (§1.3)', 'the provider URL is case-sensitive'],
    ['so Null is true (§5.2: "true" means absent)', 'so Null is true ("true" means absent)'],
    ['(a high-risk trust policy, §4.1)', '(a high-risk trust policy)'],
    ['true (§5.2, §5.5)', 'true'],
    ['false (§5.5, UNCONFIRMED 24)', 'false (UNCONFIRMED [bare-multivalued])'],
    ['§5.3 (UNCONFIRMED 21): `*` matches ""', 'UNCONFIRMED [empty-star]: `*` matches ""'],
    ['§3.1: AWS names the key', 'AWS names the key'],
    ['§8.1 items 6, 7 and 9: traps', 'traps'],
    ['accepted is UNCONFIRMED (18)', 'accepted is UNCONFIRMED [not-action-star]'],
    ['no section here', 'no section here'],
  ];
  for (const [raw, want] of cases) t.equal(userText(raw), want, raw);
  for (const [raw] of cases) t.equal(userText(userText(raw)), userText(raw), 'idempotent');
});

t.test('every UNCONFIRMED rule of lib/ has an id, a reading and what is unsure', async (t) => {
  const numbers = new Set<string>();
  for (const l of ALL) {
    for (const m of l.text.matchAll(/UNCONFIRMED \(?(\d+)/g)) numbers.add(m[1] as string);
  }
  t.ok(numbers.size >= 15, `${numbers.size} numbered rules in lib/`);
  for (const n of numbers) t.ok(UNCONFIRMED_RULES[n], `UNCONFIRMED ${n} has a rule`);
  // The notes that carry no number, as recorded: `§x.y: text` values of UNCONFIRMED notes.
  const unnumbered = ALL.filter(
    (l) => /^§[\d.]+: /.test(l.text) && /providers\/(google|context-from-claims)\.ts$/.test(l.file),
  );
  t.equal(unnumbered.length, 2);
  for (const l of unnumbered) t.ok(unconfirmedRule(l.text), `${l.file}: ${l.text.slice(0, 40)}`);
  const line = unconfirmedLine('§1.3 (UNCONFIRMED 4): a token whose aud lists several audiences');
  t.match(
    line,
    /^UNCONFIRMED \[aud-array\]: an `aud` array .* — observed once \(Auth0\), not documented \(see "How exact is it\?" in the README\)$/,
  );
  t.notMatch(line, /\n/, 'one line');
});

t.test("the README's How exact is it? lists each rule, and nothing else", async (t) => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('## How exact is it?');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const rows = section
    .split('\n')
    .filter((l) => /^\| `[a-z-]+` /.test(l))
    .map((l) => l.split('|').map((c) => c.trim().replace(/\\([_*\\])/g, '$1')));
  const ids = Object.values(UNCONFIRMED_RULES).map((r) => r.id);
  t.same(
    rows.map((r) => r[1]?.replace(/`/g, '')),
    ids,
    'one row per rule, in the same order',
  );
  for (const r of Object.values(UNCONFIRMED_RULES)) {
    const row = rows.find((x) => x[1] === `\`${r.id}\``);
    t.equal(row?.[2], r.reading, `${r.id}: the reading`);
    t.equal(row?.[3], r.unsure, `${r.id}: what is unsure`);
  }
});

function flip(e: Expectation): Expectation {
  return e.decision === 'allow' ? { decision: 'deny' } : { decision: 'allow' };
}

t.test('no § in any reporter, verbose or not, passing or failing', async (t) => {
  const passing = await loadAndRunAsync(['spec-examples'], {
    cwd: REPO,
    trace: 'all',
    diagnose: (d, s) => diagnose(d, scenarioInput(s), { policyFile: s.role.policyFile }),
  });
  const failing: RunReport = { ...passing, results: [] };
  // Every scenario again, each expecting what it does not get, so every trace and diagnosis shows.
  const { loadScenarioFileAsync } = await import('../../lib/scenarios/load.js');
  const { discoverFiles } = await import('../../lib/scenarios/discover.js');
  for (const f of discoverFiles(['spec-examples'], REPO).files) {
    const loaded = await loadScenarioFileAsync(f, { cwd: REPO });
    failing.results.push(
      ...runScenarios(
        loaded.scenarios.map((s) => ({ ...s, expect: flip(s.expect) })),
        { diagnose: (d, s) => diagnose(d, scenarioInput(s), { policyFile: s.role.policyFile }) },
      ),
    );
  }
  t.ok(failing.results.filter((r) => !r.ok).length >= 130);
  for (const report of [passing, failing]) {
    for (const name of REPORTER_NAMES) {
      for (const verbose of [false, true]) {
        const text = REPORTERS[name](report, { color: false, cwd: REPO, verbose });
        const at = text.indexOf('§');
        t.equal(
          at,
          -1,
          `${name}${verbose ? ' --verbose' : ''}: ${at < 0 ? '' : text.slice(at - 80, at + 40)}`,
        );
      }
    }
  }
});

const OIDC = 'auth.example.com';
function oidcPolicy(extra: Record<string, string>): string {
  return policy([
    {
      Sid: 'App',
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${OIDC}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${OIDC}:aud`]: 'app', [`${OIDC}:sub`]: 'user1', ...extra } },
    },
  ]);
}
const REFUSED = `  - name: another user is refused\n    token: { iss: 'https://${OIDC}', aud: app, sub: user2 }\n    expect: allow\n`;

t.test('UNCONFIRMED only when the result rests on it: oaud', async (t) => {
  const plain = t.testdir({
    'p.json': oidcPolicy({}),
    'a.trustspec.yaml': scenarioFile('./p.json', REFUSED),
  });
  for (const argv of [
    ['test'],
    ['test', '--verbose'],
    ['test', '--verbose', '--reporter', 'json'],
  ]) {
    const r = await cli(argv, plain);
    t.equal(r.code, 1);
    t.notMatch(r.stdout, /generic-oidc-keys|UNCONFIRMED/, `${argv.join(' ')}: nothing reads oaud`);
  }
  const explained = await cli(
    ['explain', 'a.trustspec.yaml', '--scenario', 'another', '--verbose'],
    plain,
  );
  t.notMatch(explained.stdout, /UNCONFIRMED/, 'explain --verbose: neither');
  t.notMatch(explained.stdout, /§/);
  const json = await cli(['explain', 'a.trustspec.yaml', '--scenario', 'another', '--json'], plain);
  t.notMatch(json.stdout, /UNCONFIRMED|§/, 'explain --json: neither');

  const reads = t.testdir({
    'p.json': oidcPolicy({ [`${OIDC}:oaud`]: 'app' }),
    'a.trustspec.yaml': scenarioFile('./p.json', REFUSED),
  });
  const r = await cli(['test'], reads);
  const lines = r.stdout.split('\n').filter((l) => l.includes('UNCONFIRMED'));
  t.same(
    lines.map((l) => l.trim()),
    [unconfirmedLine('UNCONFIRMED 15')],
    'the policy reads oaud: one line, pointing at the README',
  );
  const verbose = await cli(['test', '--verbose'], reads);
  t.match(verbose.stdout, /:oaud +"app" +token claim "aud" \(UNCONFIRMED\)/, 'the context row too');
  t.notMatch(verbose.stdout, /:email .*\(UNCONFIRMED\)/, 'not the keys nothing reads');
});
