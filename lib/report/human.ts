/** The terminal report: one line a scenario grouped by file, failures explained, a summary. */
import type { FileError, RunReport, ScenarioResult } from '../scenarios/types.js';
import {
  groupByFile,
  indent,
  isFailure,
  mismatchText,
  multiLine,
  oneLine,
  paint,
  summaryLine,
  tally,
  type Paint,
  type ReporterOptions,
  errorPlace,
} from './common.js';
import { explainResult } from './explain-text.js';

export function humanReport(report: RunReport, opts: ReporterOptions): string {
  const p = paint(opts.color);
  const out: string[] = [];
  for (const g of groupByFile(report, opts.cwd)) {
    if (g.results.length === 0 && g.errors.length === 0 && g.warnings.length === 0) continue;
    out.push(p.bold(oneLine(g.file)));
    for (const r of g.results) out.push(...scenario(r, g.file, p, opts));
    for (const e of g.errors) out.push(...fileProblem(e, g.file, 'error', p));
    for (const w of g.warnings)
      out.push(...fileProblem(w, g.file, w.severity === 'error' ? 'error' : 'warning', p));
    out.push('');
  }
  const t = tally(report);
  if (t.scenarios === 0 && t.errors === 0) out.push(p.warn('no scenarios found'), '');
  const line = summaryLine(t);
  out.push(t.failed > 0 || t.errors > 0 ? p.fail(line) : p.ok(line));
  return `${out.join('\n')}\n`;
}

function scenario(r: ScenarioResult, file: string, p: Paint, opts: ReporterOptions): string[] {
  const name = oneLine(r.name);
  if (r.skipped) {
    const why =
      r.skipReason !== undefined && r.skipReason !== '' ? `: ${oneLine(r.skipReason)}` : '';
    return [p.dim(`  - ${name} (skipped${why})`)];
  }
  const failed = isFailure(r);
  const lines = [
    failed ? `  ${p.fail('✗')} ${name} ${p.dim(`${file}:${r.line}`)}` : `  ${p.ok('✓')} ${name}`,
  ];
  if (failed) lines.push(`    ${p.fail(oneLine(mismatchText(r)))}`);
  const block = failed || opts.verbose === true ? explainResult(r, opts) : undefined;
  if (block !== undefined) lines.push(indent(block, 4), '');
  return lines;
}

function fileProblem(e: FileError, file: string, kind: 'error' | 'warning', p: Paint): string[] {
  const label = kind === 'error' ? p.fail('error:') : p.warn('warning:');
  const code = e.code !== '' ? ` ${p.dim(`[${oneLine(e.code)}]`)}` : '';
  const lines = [`  ${oneLine(errorPlace(file, e))}: ${label} ${oneLine(e.message)}${code}`];
  if (e.hint !== undefined && e.hint !== '') lines.push(`    hint: ${oneLine(e.hint)}`);
  if (e.frame !== undefined && e.frame !== '') lines.push(indent(multiLine(e.frame), 4));
  return lines;
}
