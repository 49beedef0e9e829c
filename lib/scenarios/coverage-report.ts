/**
 * `trustspec test --coverage`, put together: the concrete coverage of every policy of a run
 * (coverage.ts), its allowed regions (coverage-regions.ts, the symbolic engine), the totals, and
 * the thresholds. Loaded only when coverage is asked for.
 */
import { concreteCoverage, ranScenarios, totals, type CoverageReport } from './coverage.js';
import type { Threshold } from './coverage-threshold.js';
import { regionCoverage } from './coverage-regions.js';
import type { RunReport } from './types.js';

export function computeCoverage(
  report: RunReport,
  opts: { cwd?: string; thresholds?: readonly Threshold[] },
): CoverageReport {
  const scenarios = ranScenarios(report);
  const policies = concreteCoverage(scenarios, opts.cwd);
  regionCoverage(scenarios, policies);
  const list = [...policies.values()];
  const t = totals(list);
  return {
    policies: list,
    totals: t,
    thresholds: (opts.thresholds ?? []).map((x) => ({
      metric: x.metric,
      minimum: x.minimum,
      actual: t[x.metric].percent,
      met: t[x.metric].percent >= x.minimum,
    })),
  };
}
