/**
 * `trustspec test --cross-check`: Access Analyzer's findings on the trust policies of a test run,
 * folded into the run's report. The policies are read as `lint` reads them (the same units, the
 * same `ignore:` rules), so both commands show the same merged findings: one both tools report
 * keeps trustspec's line and says Access Analyzer's name in its hint; one only Access Analyzer
 * reports is added at its place, labelled as Access Analyzer's. Suggestions (info) have no place
 * among a test run's warnings: they are counted in the cross-check's line, never dropped silently.
 */
import type { FileError, RunReport } from '../scenarios/types.js';
import { lintPaths, type LintOptions } from './run.js';

export interface TestCrossCheck {
  /** One line for the end of the run: what answered, or "cross-check unavailable for K of M …". */
  line: string;
  /** Policies Access Analyzer could not check. */
  unavailable: number;
}

const place = (f: { file: string; line: number; column: number }): string =>
  `${f.file}:${f.line}:${f.column}`;

/** Cross-checks the policies of `paths` and adds Access Analyzer's findings to `report.warnings`. */
export async function crossCheckTestRun(
  report: RunReport,
  paths: string[],
  opts: LintOptions & { crossCheck: NonNullable<LintOptions['crossCheck']> },
): Promise<TestCrossCheck> {
  const linted = await lintPaths(paths, opts);
  const cc = linted.crossCheck;
  let suggestions = 0;
  let added = 0;
  for (const f of linted.findings) {
    if (f.names && f.names.length > 1) {
      const ours = report.warnings.find((w) => place(w) === place(f) && w.code === f.names?.[0]);
      if (ours) ours.hint = f.hint;
      continue;
    }
    if (f.tool !== 'access-analyzer') continue;
    if (f.severity === 'info') {
      suggestions++;
      continue;
    }
    const w: FileError = {
      file: f.file,
      line: f.line,
      column: f.column,
      code: f.code,
      severity: f.severity,
      message: `Access Analyzer: ${f.message}`,
      ...(f.hint ? { hint: f.hint } : {}),
      ...(f.sid !== undefined ? { sid: f.sid } : {}),
    };
    report.warnings.push(w);
    added++;
  }
  report.warnings.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column,
  );
  const note =
    suggestions > 0
      ? `; ${suggestions} ${suggestions === 1 ? 'suggestion' : 'suggestions'} not shown (trustspec lint --cross-check lists them)`
      : '';
  if (!cc) return { line: 'cross-check: no trust policy to check', unavailable: 0 };
  const line =
    cc.summary ??
    `cross-check: Access Analyzer checked ${cc.policies} ${cc.policies === 1 ? 'policy' : 'policies'}: ${added} ${added === 1 ? 'finding' : 'findings'} of its own${note}`;
  return { line: cc.summary ? `${cc.summary}${note}` : line, unavailable: cc.unavailable };
}
