/** trace: 'failures' must judge every scenario exactly as trace: 'all', tracing only the failures. */
import t from 'tap';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { isMap, isSeq, parseDocument } from 'yaml';
import { testCommand } from '../../lib/cli/test.js';
import {
  discoverFiles,
  loadAndRunAsync,
  loadScenarioFileAsync,
  runScenarios,
} from '../../lib/scenarios/index.js';
import type { Expectation, Scenario, ScenarioResult } from '../../lib/scenarios/types.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NOW = Date.UTC(2026, 5, 1);
const diagnose = () => [{ cause: 'x', title: 'x', detail: 'x', fix: 'x' }];
/**
 * Scenarios on the shapes where decide() once took a path of its own (test-audit §1.2): NotAction,
 * Principal "*" and lists, statements whose later clauses decide, Denies on sts:TagSession and
 * sts:SetSourceIdentity, multivalued keys, nbf = now. Every expectation in them is right.
 */
const TRAPS = join('test', 'fixtures', 'decide-traps');

function key(r: ScenarioResult): string {
  const d = r.decision;
  return JSON.stringify([
    r.file,
    r.name,
    r.ok,
    r.skipped,
    r.mismatch,
    d?.decision,
    d?.stage,
    d?.code,
    d?.failedCheck,
  ]);
}

for (const target of ['spec-examples', join('test', 'fixtures', 'cli'), TRAPS]) {
  t.test(`the same judgement in both modes: ${target}`, async (t) => {
    const paths = [join(REPO, target)];
    const all = await loadAndRunAsync(paths, {
      cwd: REPO,
      defaultNow: NOW,
      diagnose,
      trace: 'all',
    });
    const lean = await loadAndRunAsync(paths, {
      cwd: REPO,
      defaultNow: NOW,
      diagnose,
      trace: 'failures',
    });
    t.ok(all.results.length > 0, 'scenarios ran');
    t.same(
      lean.results.map(key),
      all.results.map(key),
      'ok, mismatch, decision, stage, code alike',
    );
    for (const r of lean.results) {
      // A proven property has no decision to trace (test/scenarios/properties.test.ts).
      if (r.skipped || r.property?.result === 'proven') continue;
      if (r.ok && !(r.expected.decision === 'deny' && r.expected.because)) {
        t.same(r.decision?.statements, [], `${r.name}: passed without a trace`);
        t.same(r.diagnoses, [], `${r.name}: not diagnosed`);
      } else if (!r.ok) {
        t.ok((r.decision?.checks.length ?? 0) > 1, `${r.name}: failed, so fully traced`);
        t.ok(r.diagnoses.length > 0, `${r.name}: failed, so diagnosed`);
      }
    }
  });
}

t.test('the decide traps: every expectation is met, in both modes', async (t) => {
  for (const trace of ['failures', 'all'] as const) {
    const r = await loadAndRunAsync([join(REPO, TRAPS)], {
      cwd: REPO,
      defaultNow: NOW,
      diagnose,
      trace,
    });
    t.same(r.errors, [], `${trace}: the files load`);
    t.ok(r.results.length >= 20, `${trace}: ${r.results.length} scenarios ran`);
    t.same(
      r.results.filter((x) => !x.ok || x.skipped).map((x) => `${x.name}: ${x.mismatch}`),
      [],
      `${trace}: every scenario passed`,
    );
  }
});

async function load(target: string): Promise<Scenario[]> {
  const found = discoverFiles([join(REPO, target)], REPO);
  const out: Scenario[] = [];
  for (const file of found.files) {
    const loaded = await loadScenarioFileAsync(file, { cwd: REPO, defaultNow: NOW });
    if (loaded.errors.length > 0) throw new Error(`${file}: ${JSON.stringify(loaded.errors)}`);
    out.push(...loaded.scenarios);
  }
  return out;
}

/** The same scenario expecting the other decision (a deny at any stage, for a former allow). */
function inverted(s: Scenario): Scenario {
  const copy = Object.create(
    Object.getPrototypeOf(s) as object,
    Object.getOwnPropertyDescriptors(s),
  ) as Scenario;
  const expect: Expectation =
    s.expect.decision === 'allow' ? { decision: 'deny' } : { decision: 'allow' };
  copy.expect = expect;
  return copy;
}

/*
 * With every expectation inverted, every scenario must fail. A passing scenario is judged by
 * decide() alone in the default mode, so a decide() that wrongly agreed with the inverted
 * expectation would show here as a false pass that the full mode does not have (test-audit §1.3).
 */
for (const target of ['spec-examples', TRAPS]) {
  t.test(
    `inverted expectations fail in the default mode as with --verbose: ${target}`,
    async (t) => {
      const scenarios = (await load(target)).filter((s) => !s.skip).map(inverted);
      t.ok(scenarios.length >= 20, `${scenarios.length} scenarios`);
      const lean = runScenarios(scenarios, { diagnose, trace: 'failures' });
      const all = runScenarios(scenarios, { diagnose, trace: 'all' });
      t.same(
        lean.filter((r) => r.ok).map((r) => `${r.file}: ${r.name}`),
        [],
        'no false pass in the default (lean) mode',
      );
      t.same(
        all.filter((r) => r.ok).map((r) => `${r.file}: ${r.name}`),
        [],
        'no pass in the full mode',
      );
      t.same(lean.map(key), all.map(key), 'the same judgement, decision, stage and code');
    },
  );
}

/**
 * `trustspec test --reporter json [--verbose] .` in this process (the command behind the bin,
 * which reads its version from the built package); the exit code and what it printed.
 */
async function trustspecTest(
  verbose: boolean,
  cwd: string,
): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = (keep: boolean) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        if (keep) out += chunk.toString();
        done();
      },
    });
  const code = await testCommand(
    ['.'],
    { reporter: 'json', output: [], verbose },
    { stdout: sink(true), stderr: sink(false), cwd, env: {} },
  );
  return { code, out };
}

interface JsonReport {
  summary: { scenarios: number; passed: number; failed: number; errors: number };
}

t.test('trustspec test with and without --verbose: no false pass on inverted traps', async (t) => {
  const dir = t.testdir();
  cpSync(join(REPO, TRAPS), dir, { recursive: true });
  let flipped = 0;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.trustspec.yaml'))) {
    const doc = parseDocument(readFileSync(join(dir, name), 'utf8'));
    const scenarios = doc.get('scenarios');
    if (!isSeq(scenarios)) throw new Error(`${name}: no scenarios`);
    for (const item of scenarios.items) {
      if (!isMap(item)) continue;
      item.set('expect', item.get('expect') === 'allow' ? 'deny' : 'allow');
      flipped++;
    }
    writeFileSync(join(dir, name), String(doc));
  }
  t.ok(flipped >= 20, `${flipped} expectations inverted`);
  for (const verbose of [false, true]) {
    const r = await trustspecTest(verbose, dir);
    const report = JSON.parse(r.out) as JsonReport;
    const mode = verbose ? '--verbose' : 'default mode';
    t.equal(r.code, 1, `${mode}: exit code 1`);
    t.match(
      report.summary,
      { scenarios: flipped, passed: 0, failed: flipped, errors: 0 },
      `${mode}: every inverted scenario fails`,
    );
  }
});

/**
 * `loadDiagnose` (what trustspec test passes) loads the explainer only when some result wants a
 * diagnosis, and then gives every result exactly what `diagnose` given inline gives.
 */
t.test('diagnoses loaded on demand equal diagnoses given inline', async (t) => {
  const { diagnose: explain } = await import('../../lib/explain/index.js');
  const inline = (d: Parameters<typeof explain>[0], s: Scenario) =>
    explain(d, s.input, { policyFile: s.role.policyFile });
  const cases = [
    { target: 'spec-examples', trace: 'failures', loads: false },
    { target: 'spec-examples', trace: 'all', loads: true },
    // One wrong expectation (a pull request expected to deploy); alone, not beside focus.trustspec.yaml.
    {
      target: join('test', 'fixtures', 'cli', 'failing.trustspec.yaml'),
      trace: 'failures',
      loads: true,
    },
    {
      target: join('test', 'fixtures', 'cli', 'failing.trustspec.yaml'),
      trace: 'all',
      loads: true,
    },
  ] as const;
  for (const { target, trace, loads } of cases) {
    const paths = [join(REPO, target)];
    const given = await loadAndRunAsync(paths, {
      cwd: REPO,
      defaultNow: NOW,
      diagnose: inline,
      trace,
    });
    let calls = 0;
    const lazy = await loadAndRunAsync(paths, {
      cwd: REPO,
      defaultNow: NOW,
      trace,
      loadDiagnose: () => {
        calls++;
        return Promise.resolve(inline);
      },
    });
    t.equal(calls, loads ? 1 : 0, `${target}, trace ${trace}: loaded ${loads ? 'once' : 'never'}`);
    const diagnosed = given.results.filter((r) => r.diagnoses.length > 0).length;
    t.equal(diagnosed > 0, loads, `${target}, trace ${trace}: ${diagnosed} results diagnosed`);
    t.same(
      lazy.results.map((r) => [r.name, r.diagnoses]),
      given.results.map((r) => [r.name, r.diagnoses]),
      `${target}, trace ${trace}: the same diagnoses, in the same order`,
    );
  }
});
