/**
 * The reporters of `trustspec lint`: human, json, github and sarif, each a pure function of one
 * LintReport. Every reporter shows the same findings and the same counts: errors, warnings and
 * notes among the findings shown, suppressed ones counted apart, unusable input apart.
 */
import type { Severity, Span } from '../diagnostics.js';
import {
  exitCodeOfLint,
  lintCode,
  toSarif,
  type LintFinding,
  type LintReport,
  type SarifItem,
} from '../lint/index.js';
import { errorPlace, oneLine, paint, userError, type Paint } from './common.js';
import { escapeData, escapeProperty } from './github.js';
import { fileErrorText } from './human.js';

export const LINT_REPORTER_NAMES = ['human', 'json', 'github', 'sarif'] as const;
export type LintReporterName = (typeof LINT_REPORTER_NAMES)[number];

export interface LintReporterOptions {
  color: boolean;
  strict: boolean;
  verbose?: boolean;
  /** trustspec's version, for SARIF's tool. */
  version?: string;
}

export interface LintCounts {
  files: number;
  policies: number;
  errors: number;
  warnings: number;
  notes: number;
  suppressed: number;
  /** Input that could not be used. */
  unusable: number;
}

export function lintCounts(r: LintReport): LintCounts {
  const n = (s: Severity) => r.findings.filter((f) => f.severity === s).length;
  return {
    files: r.files.length,
    policies: r.policies,
    errors: n('error'),
    warnings: n('warning'),
    notes: n('info'),
    suppressed: r.suppressed.length,
    unusable: r.errors.length,
  };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** `1 error, 2 warnings, 0 notes, 1 suppressed · 3 files, 2 policies` (+ unusable input). */
export function lintSummaryLine(r: LintReport): string {
  const c = lintCounts(r);
  const parts = [
    plural(c.errors, 'error'),
    plural(c.warnings, 'warning'),
    plural(c.notes, 'note'),
    ...(c.suppressed > 0 ? [`${c.suppressed} suppressed`] : []),
    ...(c.unusable > 0 ? [plural(c.unusable, 'unusable input')] : []),
  ];
  return `${parts.join(', ')} · ${plural(c.files, 'file')}, ${plural(c.policies, 'policy', 'policies')}`;
}

/** The cross-check's line: what answered, what did not (never a pass it did not get). */
function crossCheckLine(r: LintReport): string | undefined {
  const cc = r.crossCheck;
  if (!cc) return undefined;
  if (cc.summary) return cc.summary + (cc.required ? ' (--require-cross-check: exit 2)' : '');
  const aa = r.findings.filter((f) => f.tool === 'access-analyzer' || f.names).length;
  return `cross-check: Access Analyzer checked ${plural(cc.policies, 'policy', 'policies')} (${plural(cc.calls, 'call')}, ${cc.charged} charged): ${plural(aa, 'finding')} of its own or shared`;
}

const label = (s: Severity, p: Paint): string =>
  s === 'error' ? p.fail('error:') : s === 'warning' ? p.warn('warning:') : p.dim('note:');

function findingLines(raw: LintFinding, p: Paint): string[] {
  const f = userError({ ...raw, severity: raw.severity === 'info' ? undefined : raw.severity });
  const codes = raw.names ? raw.names.join(', ') : f.code;
  const by = raw.tool === 'access-analyzer' ? 'Access Analyzer: ' : '';
  const lines = [
    `  ${oneLine(errorPlace(f.file, f))}: ${label(raw.severity, p)} ${by}${oneLine(f.message)} ${p.dim(`[${oneLine(codes)}]`)}`,
  ];
  if (f.hint) lines.push(`    hint: ${oneLine(f.hint)}`);
  return lines;
}

export function lintHumanReport(r: LintReport, opts: LintReporterOptions): string {
  const p = paint(opts.color);
  const out: string[] = [];
  for (const e of r.errors) out.push(fileErrorText(e, opts.color).trimEnd());
  if (r.errors.length > 0) out.push('');
  let file: string | undefined;
  for (const f of r.findings) {
    if (f.file !== file) {
      if (file !== undefined) out.push('');
      file = f.file;
      out.push(p.bold(oneLine(f.file)));
    }
    out.push(...findingLines(f, p));
    if (opts.verbose && f.frame) out.push(...f.frame.split('\n').map((l) => `    ${l}`));
  }
  if (r.findings.length > 0) out.push('');
  if (r.suppressed.length > 0) {
    out.push(p.dim(`${plural(r.suppressed.length, 'finding')} suppressed by ignore:`));
    if (opts.verbose) {
      for (const s of r.suppressed) {
        const why = s.ignoredBy.reason ? ` (${s.ignoredBy.reason})` : '';
        out.push(
          p.dim(
            `  ${oneLine(errorPlace(s.file, s))}: [${s.code}] — ignored at ${s.ignoredBy.file}:${s.ignoredBy.line}${oneLine(why)}`,
          ),
        );
      }
    }
    out.push('');
  }
  const cc = crossCheckLine(r);
  if (cc) out.push(r.crossCheck?.summary ? p.warn(cc) : cc, '');
  const failed = exitCodeOfLint(r, opts.strict) !== 0;
  const line = lintSummaryLine(r);
  out.push(failed ? p.fail(line) : p.ok(line));
  return `${out.join('\n')}\n`;
}

function findingJson(f: LintFinding): Record<string, unknown> {
  return {
    file: f.file,
    line: f.line,
    column: f.column,
    ...(f.span ? { endLine: f.span.end.line, endColumn: f.span.end.column } : {}),
    severity: f.severity,
    code: f.code,
    message: f.message,
    ...(f.hint ? { hint: f.hint } : {}),
    ...(f.sid !== undefined ? { sid: f.sid } : {}),
    tool: f.tool,
    ...(f.names ? { names: f.names } : {}),
    ...(f.learnMoreLink ? { learnMoreLink: f.learnMoreLink } : {}),
  };
}

export function lintJsonReport(r: LintReport, opts: LintReporterOptions): string {
  const c = lintCounts(r);
  const doc = {
    version: 1,
    summary: { ...c, strict: opts.strict, exitCode: exitCodeOfLint(r, opts.strict) },
    findings: r.findings.map(findingJson),
    suppressed: r.suppressed.map((s) => ({
      ...findingJson(s),
      ignoredBy: {
        file: s.ignoredBy.file,
        line: s.ignoredBy.line,
        ...(s.ignoredBy.reason ? { reason: s.ignoredBy.reason } : {}),
      },
    })),
    errors: r.errors.map((e) => ({
      file: e.file,
      line: e.line,
      column: e.column,
      code: e.code,
      message: e.message,
      ...(e.hint ? { hint: e.hint } : {}),
    })),
    ...(r.crossCheck ? { crossCheck: r.crossCheck } : {}),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function githubCommand(
  kind: 'error' | 'warning' | 'notice',
  f: { file?: string; line?: number; column?: number },
  title: string,
  message: string,
): string {
  const props: string[] = [];
  if (f.file !== undefined) props.push(`file=${escapeProperty(f.file)}`);
  if (f.line !== undefined && f.line > 0) {
    props.push(`line=${f.line}`);
    if (f.column !== undefined) props.push(`col=${f.column}`);
  }
  props.push(`title=${escapeProperty(title)}`);
  return `::${kind} ${props.join(',')}::${escapeData(message)}`;
}

export function lintGithubReport(r: LintReport, opts: LintReporterOptions): string {
  const out: string[] = [];
  for (const e of r.errors) {
    const u = userError(e);
    out.push(
      githubCommand(
        'error',
        u,
        `trustspec: ${u.code}`,
        u.hint ? `${u.message}\nhint: ${u.hint}` : u.message,
      ),
    );
  }
  for (const raw of r.findings) {
    const f = userError({ ...raw, severity: undefined });
    const kind =
      raw.severity === 'error' || (opts.strict && raw.severity === 'warning')
        ? 'error'
        : raw.severity === 'warning'
          ? 'warning'
          : 'notice';
    const codes = raw.names ? raw.names.join(', ') : raw.code;
    out.push(
      githubCommand(
        kind,
        f,
        `trustspec: ${codes}`,
        f.hint ? `${f.message}\nhint: ${f.hint}` : f.message,
      ),
    );
  }
  const cc = crossCheckLine(r);
  if (cc)
    out.push(
      githubCommand(r.crossCheck?.summary ? 'warning' : 'notice', {}, 'trustspec cross-check', cc),
    );
  out.push(githubCommand('notice', {}, 'trustspec lint', lintSummaryLine(r)));
  return `${out.join('\n')}\n`;
}

/** A one-character region at a place known by line and column only (a scenario file's finding). */
const pointAt = (line: number, column: number): Span => ({
  start: { line, column, offset: 0 },
  end: { line, column: column + 1, offset: 0 },
});

/** SARIF 2.1.0 for GitHub code scanning: one rule per code (help from the codes table). */
export function lintSarifReport(r: LintReport, opts: LintReporterOptions): string {
  const items: SarifItem[] = r.findings.map((f) => ({
    file: f.file,
    finding: {
      code: f.code,
      severity: f.severity,
      message: f.message,
      ...(f.span ? { span: f.span } : f.line > 0 ? { span: pointAt(f.line, f.column) } : {}),
      ...(f.hint ? { hint: f.hint } : {}),
      ...(f.names ? { names: f.names } : {}),
      ...(f.learnMoreLink ? { learnMoreLink: f.learnMoreLink } : {}),
      ...(f.findingType ? { findingType: f.findingType } : {}),
    },
  }));
  const log = toSarif(items, {
    name: 'trustspec',
    version: opts.version ?? '0.0.0',
    describe: (code) => {
      const c = lintCode(code);
      if (!c) return undefined;
      const what = c.what.replace(/`/g, '');
      const aa = c.accessAnalyzer
        ? ` Access Analyzer's check of the same meaning: ${c.accessAnalyzer}.`
        : '';
      return {
        short: what.length > 120 ? `${what.slice(0, 117)}...` : what,
        full: what,
        help: `${what}. The fix is in each result's message; the README's lint codes table lists every code.${aa}`,
      };
    },
  });
  return `${JSON.stringify(log, null, 2)}\n`;
}

export const LINT_REPORTERS: Record<
  LintReporterName,
  (r: LintReport, opts: LintReporterOptions) => string
> = {
  human: lintHumanReport,
  json: lintJsonReport,
  github: lintGithubReport,
  sarif: lintSarifReport,
};
