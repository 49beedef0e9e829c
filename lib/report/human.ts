/**
 * The terminal report: one line a scenario grouped by file, each failure in a few lines (the whole
 * trace with `verbose`), then the findings of each policy once, the failures and the scenarios
 * that did not run listed again with `file:line`, and the counts.
 */
import type { FileError, RunReport, ScenarioResult } from '../scenarios/types.js';
import {
  blockedText,
  errorPlace,
  groupByFile,
  ignoredByText,
  indent,
  isBlocked,
  isFailure,
  mismatchText,
  multiLine,
  oneLine,
  paint,
  summaryLine,
  tally,
  userError,
  type Paint,
  type ReporterOptions,
  type Tally,
} from './common.js';
import { compactFailure } from './compact.js';
import { explainResult } from './explain-text.js';

export function humanReport(report: RunReport, opts: ReporterOptions): string {
  const p = paint(opts.color);
  const out: string[] = [];
  for (const g of groupByFile(report, opts.cwd)) {
    if (g.results.length === 0 && g.errors.length === 0 && g.warnings.length === 0) continue;
    out.push(p.bold(oneLine(g.file)));
    for (const r of g.results) out.push(...scenario(r, g.file, p, opts));
    for (const e of g.errors) out.push(...fileProblem(e, g.file, 'error', p, true));
    for (const w of g.warnings) {
      const kind = w.severity === 'error' ? 'error' : 'warning';
      out.push(...fileProblem(w, g.file, kind, p, opts.verbose === true));
    }
    if (out[out.length - 1] !== '') out.push('');
  }
  const t = tally(report);
  out.push(...suppressedBlock(report, t, p, opts));
  out.push(...listed(report, 'failed', isFailure, p), ...listed(report, 'not run', isBlocked, p));
  if (opts.strict === true && t.warnings > 0) {
    const what = t.warnings === 1 ? '1 warning fails' : `${t.warnings} warnings fail`;
    out.push(p.fail(`--strict: ${what} the run`), '');
  }
  const line = summaryLine(t);
  const bad = t.failed > 0 || t.errors > 0 || (opts.strict === true && t.warnings > 0);
  out.push(bad ? p.fail(line) : p.ok(line));
  return `${out.join('\n')}\n`;
}

function scenario(r: ScenarioResult, file: string, p: Paint, opts: ReporterOptions): string[] {
  const name = oneLine(r.name);
  if (isBlocked(r)) {
    return [
      `  ${p.fail('!')} ${name} ${p.dim(`${file}:${r.line}`)}`,
      `    ${p.fail(oneLine(blockedText(r, opts.cwd)))}`,
    ];
  }
  if (r.skipped) {
    const why =
      r.skipReason !== undefined && r.skipReason !== '' ? `: ${oneLine(r.skipReason)}` : '';
    return [p.dim(`  - ${name} (skipped${why})`)];
  }
  const failed = isFailure(r);
  if (!failed) {
    const head = `  ${p.ok('✓')} ${name}`;
    const block = opts.verbose === true ? explainResult(r, opts) : undefined;
    return block !== undefined ? [head, indent(block, 4), ''] : [head];
  }
  const head = `  ${p.fail('✗')} ${name} ${p.dim(`${file}:${r.line}`)}`;
  if (opts.verbose !== true) {
    return [
      head,
      ...compactFailure(r, { p, header: head, ...(opts.cwd ? { cwd: opts.cwd } : {}) }),
      '',
    ];
  }
  const block = explainResult(r, opts);
  const lines = [head, `    ${p.fail(oneLine(mismatchText(r)))}`];
  if (block !== undefined) lines.push(indent(block, 4));
  return [...lines, ''];
}

function fileProblem(
  raw: FileError,
  file: string,
  kind: 'error' | 'warning',
  p: Paint,
  frame: boolean,
): string[] {
  const e = userError(raw);
  const label = kind === 'error' ? p.fail('error:') : p.warn('warning:');
  const code = e.code !== '' ? ` ${p.dim(`[${oneLine(e.code)}]`)}` : '';
  const lines = [`  ${oneLine(errorPlace(file, e))}: ${label} ${oneLine(e.message)}${code}`];
  if (e.hint !== undefined && e.hint !== '') lines.push(`    hint: ${oneLine(e.hint)}`);
  if (frame && e.frame !== undefined && e.frame !== '') lines.push(indent(multiLine(e.frame), 4));
  return lines;
}

/** One file error as the human report prints it (`file:line:col: error: … [code]`, hint, frame). */
export function fileErrorText(e: FileError, color: boolean): string {
  return `${fileProblem(e, e.file, 'error', paint(color), true)
    .map((l) => l.replace(/^ {2}/, ''))
    .join('\n')}\n`;
}

/** How many warnings `ignore:` accepted, and where; each one with `verbose`. */
function suppressedBlock(report: RunReport, t: Tally, p: Paint, opts: ReporterOptions): string[] {
  const list = report.suppressed ?? [];
  if (list.length === 0) return [];
  const by = new Map<string, number>();
  for (const s of list) by.set(s.ignoredBy.file, (by.get(s.ignoredBy.file) ?? 0) + 1);
  const where = [...by].map(([f, n]) => `${oneLine(f)}: ${n}`).join(', ');
  const head = `${t.suppressed} ${t.suppressed === 1 ? 'warning' : 'warnings'} suppressed by ignore: (${where})`;
  const out = [p.dim(head)];
  if (opts.verbose === true) {
    for (const s of list) {
      const e = userError(s);
      out.push(
        p.dim(
          `  ${oneLine(errorPlace(e.file, e))}: ${oneLine(e.message)} [${oneLine(e.code)}] — ignored at ${oneLine(ignoredByText(s))}`,
        ),
      );
    }
  }
  return [...out, ''];
}

/** `failed:` / `not run:` and one `file:line name` line each. */
function listed(
  report: RunReport,
  title: string,
  pick: (r: ScenarioResult) => boolean,
  p: Paint,
): string[] {
  const picked = report.results.filter(pick);
  if (picked.length === 0) return [];
  return [
    p.bold(`${title}:`),
    ...picked.map((r) => `  ${p.fail(`${oneLine(r.file)}:${r.line}`)} ${oneLine(r.name)}`),
    '',
  ];
}
