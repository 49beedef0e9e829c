/**
 * Compact failures: every scenario of spec-examples with its expectation flipped (so each fails,
 * in every way a scenario can: request, token and trust-policy denials, explicit Denys, unexpected
 * allows, a wrong `because`) is printed by the human reporter in at most MAX_ROWS rows of a
 * 120-column terminal — the failing check, the values compared, the decision, the diagnosis and
 * its fix — then listed again under `failed:` with file:line. `verbose` prints the whole trace.
 */
import t from 'tap';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diagnose } from '../../lib/explain/index.js';
import { humanReport } from '../../lib/report/human.js';
import { MAX_ROWS, rows, shortList } from '../../lib/report/compact.js';
import { discoverFiles } from '../../lib/scenarios/discover.js';
import { loadScenarioFileAsync } from '../../lib/scenarios/load.js';
import { runScenarios, scenarioInput } from '../../lib/scenarios/run.js';
import type { Expectation, RunReport, Scenario } from '../../lib/scenarios/types.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function flipped(e: Expectation): Expectation {
  if (e.decision === 'allow') return { decision: 'deny' };
  // A denial with a stage or a reason: expect the same denial for another reason, or an allow.
  if (e.because !== undefined) return { ...e, because: 'no-such-key' };
  return { decision: 'allow' };
}

/** Every scenario of spec-examples, each expecting what it does not get. */
async function failingReport(): Promise<RunReport> {
  const { files } = discoverFiles(['spec-examples'], REPO);
  const cache = new Map();
  const scenarios: Scenario[] = [];
  for (const f of files) {
    const loaded = await loadScenarioFileAsync(f, { cwd: REPO, policyCache: cache });
    for (const s of loaded.scenarios) scenarios.push({ ...s, expect: flipped(s.expect) });
  }
  const results = runScenarios(scenarios, {
    trace: 'failures',
    diagnose: (d, s) => diagnose(d, scenarioInput(s), { policyFile: s.role.policyFile }),
  });
  return { files: files.map((f) => f.slice(REPO.length + 1)), results, errors: [], warnings: [] };
}

/** The block of each failure: its `✗` line and what follows up to the blank line. */
function blocks(text: string): string[][] {
  const lines = text.split('\n');
  const out: string[][] = [];
  lines.forEach((l, i) => {
    if (!l.startsWith('  ✗ ')) return;
    const end = lines.indexOf('', i);
    out.push(lines.slice(i, end));
  });
  return out;
}

const report = await failingReport();
const failing = report.results.filter((r) => !r.ok && !r.skipped);

t.test('every failure fits in the row budget, colored or not', async (t) => {
  t.ok(failing.length >= 130, `${failing.length} failing scenarios`);
  for (const color of [false, true]) {
    // Colors take no room on the terminal: the blocks are found and measured without them.
    // eslint-disable-next-line no-control-regex
    const text = humanReport(report, { color, cwd: REPO }).replace(/\u001b\[[0-9;]*m/g, '');
    const all = blocks(text);
    t.equal(all.length, failing.length, 'a block per failure');
    const sizes = all.map((b) => b.reduce((n, l) => n + rows(l), 0));
    const over = all.filter((_b, i) => (sizes[i] as number) > MAX_ROWS);
    t.same(over, [], `at most ${MAX_ROWS} rows at 120 columns (largest ${Math.max(...sizes)})`);
  }
});

t.test('each block: the mismatch, the values compared, the decision, the diagnosis', async (t) => {
  const all = blocks(humanReport(report, { color: false, cwd: REPO }));
  const problems: string[] = [];
  for (const b of all) {
    const name = b[0] as string;
    if (!/^ {4}expected /.test(b[1] ?? '')) problems.push(`${name}: no mismatch line`);
    // A clause with its request and policy values, or the failed check (its sentence names them).
    const compared = b.some((l) => / vs policy \[/.test(l) || /^ {4}[✗✓] /.test(l));
    if (!compared) problems.push(`${name}: no values compared`);
    if (!b.some((l) => /^ {4}decision: (ALLOW|DENY)/.test(l)))
      problems.push(`${name}: no decision`);
    if (!b.some((l) => /^ {4}diagnosis: /.test(l))) problems.push(`${name}: no diagnosis`);
  }
  t.same(problems, []);
  const fixes = all.filter((b) => b.some((l) => /^ {6}fix: /.test(l))).length;
  t.ok(fixes >= all.length * 0.9, `${fixes} of ${all.length} show a fix`);
});

t.test('failed: lists every failure with file:line, after the blocks', async (t) => {
  const text = humanReport(report, { color: false, cwd: REPO });
  const start = text.lastIndexOf('\nfailed:\n');
  t.ok(start > text.lastIndexOf('  ✗ '), 'the list closes the report');
  const listed = text
    .slice(start)
    .split('\n')
    .filter((l) => /^ {2}\S+:\d+ /.test(l));
  t.same(
    listed,
    failing.map((r) => `  ${r.file}:${r.line} ${r.name}`),
  );
});

t.test('verbose prints the whole trace instead', async (t) => {
  const compact = humanReport(report, { color: false, cwd: REPO });
  const verbose = humanReport(report, { color: false, cwd: REPO, verbose: true });
  const count = (s: string): number => s.split('\n').length;
  t.ok(count(verbose) > 3 * count(compact), `${count(verbose)} lines against ${count(compact)}`);
  t.match(verbose, /request context/);
  t.notMatch(compact, /request context/);
});

t.test('long values are cut, long lists shortened', async (t) => {
  t.equal(shortList(['a', 'b']), '["a", "b"]');
  t.equal(shortList(['a', 'b', 'c', 'd', 'e']), '["a", "b", "c", … (+2)]');
  const long = shortList(['x'.repeat(200)]);
  t.ok(long.length < 70, long);
  t.match(long, /…"\]$/);
  t.equal(rows('x'.repeat(120)), 1);
  t.equal(rows('x'.repeat(121)), 2);
  t.equal(rows(`\u001b[31m${'x'.repeat(120)}\u001b[39m`), 1, 'colors take no room');
  t.equal(rows(''), 1);
});

t.test('the budget holds for a scenario in a deep folder with a long name', async (t) => {
  const r = failing[0];
  if (!r) throw new Error('no failure');
  const deep = {
    ...r,
    file: join('a'.repeat(60), 'b'.repeat(60), 'c.trustspec.yaml'),
    name: 'n'.repeat(150),
    policyFile: join('/x', 'p'.repeat(100), 'policy.json'),
  };
  const text = humanReport({ ...report, files: [deep.file], results: [deep] }, { color: false });
  const [b] = blocks(text);
  t.ok(b !== undefined && b.reduce((n, l) => n + rows(l), 0) <= MAX_ROWS);
});
