/** trace: 'failures' must judge every scenario exactly as trace: 'all', tracing only the failures. */
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { loadAndRun } from '../../lib/scenarios/index.js';
import type { ScenarioResult } from '../../lib/scenarios/types.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NOW = Date.UTC(2026, 5, 1);
const diagnose = () => [{ cause: 'x', title: 'x', detail: 'x', fix: 'x' }];

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

for (const target of ['spec-examples', join('test', 'fixtures', 'cli')]) {
  t.test(`the same judgement in both modes: ${target}`, async (t) => {
    const paths = [join(REPO, target)];
    const all = loadAndRun(paths, { cwd: REPO, defaultNow: NOW, diagnose, trace: 'all' });
    const lean = loadAndRun(paths, { cwd: REPO, defaultNow: NOW, diagnose, trace: 'failures' });
    t.ok(all.results.length > 0, 'scenarios ran');
    t.same(
      lean.results.map(key),
      all.results.map(key),
      'ok, mismatch, decision, stage, code alike',
    );
    for (const r of lean.results) {
      if (r.skipped) continue;
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
