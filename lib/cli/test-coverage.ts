/**
 * `trustspec test --coverage`: what `test` loads only when coverage is asked for — the coverage of
 * the run (lib/scenarios/coverage-report.ts, with the symbolic engine for the allowed regions) and
 * its reports (lib/report/coverage.ts).
 */
import { computeCoverage } from '../scenarios/coverage-report.js';
import type { Threshold } from '../scenarios/coverage-threshold.js';
import type { CoverageReport } from '../scenarios/coverage.js';
import type { RunReport } from '../scenarios/types.js';
import { coverageLcov, coverageText, thresholdMessage } from '../report/coverage.js';

export function compute(
  report: RunReport,
  cwd: string,
  thresholds: readonly Threshold[],
): CoverageReport {
  return computeCoverage(report, { cwd, thresholds });
}

export const text = (report: RunReport, color: boolean): string =>
  report.coverage ? coverageText(report.coverage, color) : '';

export const lcov = (report: RunReport): string =>
  report.coverage ? coverageLcov(report.coverage) : '';

/** The thresholds missed, each as a sentence. */
export const missed = (report: RunReport): string[] =>
  (report.coverage?.thresholds ?? []).filter((x) => !x.met).map(thresholdMessage);
