/** Helpers shared by the reporters: paths, counts, grouping, wording, text hygiene and colors. */
import { isAbsolute, relative, sep } from 'node:path';
import type {
  Diagnosis,
  Expectation,
  FileError,
  RunReport,
  ScenarioResult,
} from '../scenarios/types.js';
import type { Decision } from '../sts/types.js';

/** What every reporter takes. The CLI decides colors; reporters never look at the terminal. */
export interface ReporterOptions {
  color: boolean;
  /** Absolute paths in the report are shown relative to this folder. */
  cwd?: string;
  /** Show every statement's details and the request context. */
  verbose?: boolean;
}

/** A path as users see it: relative to `cwd` when both are absolute, `/`-separated. */
export function displayPath(file: string, cwd?: string): string {
  if (cwd === undefined || !isAbsolute(file) || !isAbsolute(cwd)) return file;
  const rel = relative(cwd, file);
  if (rel === '') return file;
  return sep === '\\' ? rel.split(sep).join('/') : rel;
}

export interface Tally {
  /** Scenario files: those the run found plus any a result names. */
  files: number;
  scenarios: number;
  passed: number;
  failed: number;
  skipped: number;
  errors: number;
  warnings: number;
}

export function tally(report: RunReport): Tally {
  const files = new Set<string>([...report.files, ...report.results.map((r) => r.file)]);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const r of report.results) {
    if (r.skipped) skipped++;
    else if (r.ok) passed++;
    else failed++;
  }
  return {
    files: files.size,
    scenarios: report.results.length,
    passed,
    failed,
    skipped,
    errors: report.errors.length,
    warnings: report.warnings.length,
  };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `3 passed, 1 failed, 1 skipped, 0 errors · 2 files` (warnings only when there are some). */
export function summaryLine(t: Tally): string {
  const parts = [
    `${t.passed} passed`,
    `${t.failed} failed`,
    `${t.skipped} skipped`,
    plural(t.errors, 'error'),
  ];
  if (t.warnings > 0) parts.push(plural(t.warnings, 'warning'));
  return `${parts.join(', ')} · ${plural(t.files, 'file')}`;
}

/** Why a scenario was skipped, in a few words. */
export function skipReason(r: ScenarioResult): string {
  return r.skipReason !== undefined && r.skipReason !== ''
    ? r.skipReason
    : 'skipped in the scenario file';
}

/** A scenario did not meet its expectation (skipped scenarios never fail). */
export function isFailure(r: ScenarioResult): boolean {
  return !r.skipped && !r.ok;
}

export interface FileGroup {
  /** The path as shown (relative to cwd); also the grouping key. */
  file: string;
  results: ScenarioResult[];
  errors: FileError[];
  warnings: FileError[];
}

/**
 * Results, errors and warnings grouped by file: the run's files in their order first, then any
 * other file in the order it is first named.
 */
export function groupByFile(report: RunReport, cwd?: string): FileGroup[] {
  const groups = new Map<string, FileGroup>();
  const group = (file: string): FileGroup => {
    const key = displayPath(file, cwd);
    let g = groups.get(key);
    if (!g) {
      g = { file: key, results: [], errors: [], warnings: [] };
      groups.set(key, g);
    }
    return g;
  };
  for (const f of report.files) group(f);
  for (const r of report.results) group(r.file).results.push(r);
  for (const e of report.errors) group(e.file).errors.push(e);
  for (const w of report.warnings) group(w.file).warnings.push(w);
  return [...groups.values()];
}

/** `allow`, `deny`, `deny at trust-policy because "…:sub"`. */
export function expectationText(e: Expectation): string {
  if (e.decision === 'allow') return 'allow';
  let s = 'deny';
  if (e.stage !== undefined) s += ` at ${e.stage}`;
  if (e.code !== undefined) s += ` with ${e.code}`;
  if (e.because !== undefined) s += ` because "${e.because}"`;
  return s;
}

/** `allow`, `deny at trust-policy (AccessDenied)`. */
export function decisionText(d: Decision): string {
  if (d.decision === 'allow') return 'allow';
  const at = d.stage !== undefined ? ` at ${d.stage}` : '';
  const code = d.code !== undefined ? ` (${d.code})` : '';
  return `deny${at}${code}`;
}

/** The one sentence saying what differed from `expect`; the runner's when it gave one. */
export function mismatchText(r: ScenarioResult): string {
  if (r.mismatch !== undefined && r.mismatch !== '') return r.mismatch;
  if (r.decision === undefined)
    return `expected ${expectationText(r.expected)}, but there is no decision`;
  return `expected ${expectationText(r.expected)}, got ${decisionText(r.decision)}`;
}

/**
 * One line of plain text: line breaks, tabs and other control characters (ESC included, so data
 * can never drive the terminal) become visible escapes.
 */
export function oneLine(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return out;
}

/** Several lines of plain text: each line kept, control characters other than `\n` escaped. */
export function multiLine(s: string): string {
  return s
    .split(/\r\n|\r|\n/)
    .map((line) => oneLine(line))
    .join('\n');
}

/** Indent every non-empty line. */
export function indent(text: string, by: number): string {
  const pad = ' '.repeat(by);
  return text
    .split('\n')
    .map((line) => (line === '' ? line : pad + line))
    .join('\n');
}

export interface Paint {
  ok(s: string): string;
  fail(s: string): string;
  warn(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  accent(s: string): string;
}

const ESC = '\u001b[';
const wrap =
  (on: number, off: number) =>
  (s: string): string =>
    s === '' ? s : `${ESC}${on}m${s}${ESC}${off}m`;

const COLORS: Paint = {
  ok: wrap(32, 39),
  fail: wrap(31, 39),
  warn: wrap(33, 39),
  dim: wrap(2, 22),
  bold: wrap(1, 22),
  accent: wrap(36, 39),
};
const identity = (s: string): string => s;
const PLAIN: Paint = {
  ok: identity,
  fail: identity,
  warn: identity,
  dim: identity,
  bold: identity,
  accent: identity,
};

export function paint(color: boolean): Paint {
  return color ? COLORS : PLAIN;
}

/** Diagnoses with their `at.file` shown relative to cwd. */
export function relativeDiagnoses(diagnoses: Diagnosis[], cwd?: string): Diagnosis[] {
  return diagnoses.map((d) =>
    d.at?.file !== undefined ? { ...d, at: { ...d.at, file: displayPath(d.at.file, cwd) } } : d,
  );
}

/** `file:line:column` of a file error; a path error has no place in a file (line 0), so just `file`. */
export function errorPlace(file: string, e: { line: number; column: number }): string {
  return e.line > 0 ? `${file}:${e.line}:${e.column}` : file;
}
