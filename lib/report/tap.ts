/**
 * TAP version 14: a plan, one test point a scenario, a YAML diagnostic block under each failure;
 * a scenario a file error blocked fails with that error; file errors that blocked no scenario are
 * failing test points of their own. Warnings (each policy's findings once) are comments, or
 * failing points with `strict`; suppressed warnings are counted in a comment.
 */
import type { FileError, RunReport, ScenarioResult } from '../scenarios/types.js';
import {
  blockedText,
  decisionText,
  displayPath,
  errorKey,
  expectationText,
  groupByFile,
  isFailure,
  mismatchText,
  oneLine,
  relativeDiagnoses,
  skipReason,
  unattachedErrors,
  userError,
  type ReporterOptions,
  errorPlace,
} from './common.js';
import { explainResult } from './explain-text.js';

export function tapReport(report: RunReport, opts: ReporterOptions): string {
  const out = ['TAP version 14'];
  const groups = groupByFile(report, opts.cwd);
  const own = new Set(unattachedErrors(report).map(errorKey));
  const strict = opts.strict === true;
  const total = report.results.length + own.size + (strict ? report.warnings.length : 0);
  out.push(total === 0 ? '1..0 # SKIP no scenarios found' : `1..${total}`);
  let n = 0;
  for (const g of groups) {
    for (const r of g.results) {
      out.push(
        ...(r.blockedBy ? blockedPoint(++n, r, g.file, opts) : testPoint(++n, r, g.file, opts)),
      );
    }
    for (const e of g.errors) if (own.has(errorKey(e))) out.push(...errorPoint(++n, e, g.file));
    if (strict) for (const w of g.warnings) out.push(...errorPoint(++n, w, g.file, 'warning'));
  }
  for (const g of groups) {
    if (strict) break;
    for (const raw of g.warnings) {
      const w = userError(raw);
      out.push(`# warning: ${oneLine(`${errorPlace(g.file, w)}: ${w.message} [${w.code}]`)}`);
    }
  }
  const suppressed = report.suppressed?.length ?? 0;
  if (suppressed > 0) {
    out.push(`# ${suppressed} ${suppressed === 1 ? 'warning' : 'warnings'} suppressed by ignore:`);
  }
  return `${out.join('\n')}\n`;
}

/** A scenario that did not run: it fails, with the file error that stopped it. */
function blockedPoint(n: number, r: ScenarioResult, file: string, opts: ReporterOptions): string[] {
  const e = userError(r.blockedBy as FileError);
  const diag: YamlMap = {
    message: blockedText(r, opts.cwd),
    severity: 'error',
    code: e.code,
    at: `${file}:${r.line}`,
    error: errorPlace(displayPath(e.file, opts.cwd), e),
  };
  if (e.hint !== undefined) diag['hint'] = e.hint;
  return [`not ok ${n} - ${description(`${file} › ${r.name}`)}`, ...yamlBlock(diag)];
}

function testPoint(n: number, r: ScenarioResult, file: string, opts: ReporterOptions): string[] {
  const desc = description(`${file} › ${r.name}`);
  if (r.skipped) return [`ok ${n} - ${desc} # SKIP ${description(skipReason(r))}`];
  if (!isFailure(r)) return [`ok ${n} - ${desc}`];
  const d = r.decision;
  const diag: YamlMap = {
    message: mismatchText(r),
    severity: 'fail',
    expected: r.expected.decision,
    ...(r.expected.decision === 'deny' && r.expected.stage !== undefined
      ? { expectedStage: r.expected.stage }
      : {}),
    ...(r.expected.decision === 'deny' && r.expected.code !== undefined
      ? { expectedCode: r.expected.code }
      : {}),
    ...(r.expected.decision === 'deny' && r.expected.because !== undefined
      ? { because: r.expected.because }
      : {}),
    wanted: expectationText(r.expected),
    found: d !== undefined ? decisionText(d) : null,
    decision: d?.decision ?? null,
    stage: d?.stage ?? null,
    code: d?.code ?? null,
    ...(d?.message !== undefined ? { stsMessage: d.message } : {}),
    at: `${file}:${r.line}`,
    diagnoses: relativeDiagnoses(r.diagnoses, opts.cwd).map((g) => ({
      cause: g.cause,
      title: g.title,
      detail: g.detail,
      fix: g.fix,
      ...(g.at !== undefined
        ? { at: `${g.at.file ?? displayPath(r.policyFile, opts.cwd)}:${g.at.line}:${g.at.column}` }
        : {}),
    })),
  };
  const explanation = explainResult(r, { ...opts, color: false });
  if (explanation !== undefined) diag['explanation'] = explanation;
  return [`not ok ${n} - ${desc}`, ...yamlBlock(diag)];
}

function errorPoint(
  n: number,
  raw: FileError,
  file: string,
  severity: 'error' | 'warning' = 'error',
): string[] {
  const e = userError(raw);
  const diag: YamlMap = {
    message: e.message,
    severity,
    code: e.code,
    at: errorPlace(file, e),
  };
  if (e.hint !== undefined) diag['hint'] = e.hint;
  if (e.frame !== undefined) diag['frame'] = e.frame;
  return [
    `not ok ${n} - ${description(`${errorPlace(file, e)}: ${e.message}`)}`,
    ...yamlBlock(diag),
  ];
}

/**
 * A test-point description: one line (line breaks and control characters shown as escapes), `\`
 * and `#` escaped as TAP 14 requires. A trailing `{` would open a buffered subtest, so a
 * zero-width space follows it.
 */
export function description(text: string): string {
  let s = oneLine(text).trim().replace(/\\/g, '\\\\').replace(/#/g, '\\#');
  if (s.endsWith('{')) s += '\u200b';
  return s;
}

// ── a small YAML writer, enough for diagnostics (YAML 1.2, what tap-parser reads) ─────────────

type YamlValue = string | number | boolean | null | YamlValue[] | YamlMap;
interface YamlMap {
  [key: string]: YamlValue;
}

/** The `---` … `...` block, indented two spaces under its test point. */
function yamlBlock(map: YamlMap): string[] {
  return ['---', ...yamlMapping(map, 0), '...'].map((l) => `  ${l}`);
}

function yamlMapping(map: YamlMap, at: number): string[] {
  const pad = ' '.repeat(at);
  const out: string[] = [];
  for (const [key, value] of Object.entries(map)) {
    const k = /^[A-Za-z_][\w-]*$/.test(key) ? key : yamlQuote(key);
    out.push(...yamlEntry(`${pad}${k}:`, value, at));
  }
  return out;
}

/** `head` is `key:` or `-`; nested content goes two spaces deeper than `at`. */
function yamlEntry(head: string, value: YamlValue, at: number): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${head} []`];
    return [head, ...yamlSequence(value, at + 2)];
  }
  if (value !== null && typeof value === 'object') {
    if (Object.keys(value).length === 0) return [`${head} {}`];
    return [head, ...yamlMapping(value, at + 2)];
  }
  if (typeof value === 'string' && literalSafe(value)) {
    const pad = ' '.repeat(at + 2);
    return [`${head} |-`, ...value.split('\n').map((l) => (l === '' ? '' : pad + l))];
  }
  return [`${head} ${yamlScalar(value)}`];
}

function yamlSequence(items: YamlValue[], at: number): string[] {
  const pad = ' '.repeat(at);
  const out: string[] = [];
  for (const item of items) {
    if (
      item !== null &&
      typeof item === 'object' &&
      !Array.isArray(item) &&
      Object.keys(item).length > 0
    ) {
      // The first key sits on the `- ` line; the rest line up under it.
      const lines = yamlMapping(item, at + 2);
      lines[0] = `${pad}- ${(lines[0] as string).slice(at + 2)}`;
      out.push(...lines);
    } else {
      out.push(...yamlEntry(`${pad}-`, item, at));
    }
  }
  return out;
}

function yamlScalar(v: string | number | boolean | null): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : yamlQuote(String(v));
  if (typeof v === 'boolean') return String(v);
  return yamlQuote(v);
}

/**
 * A double-quoted YAML scalar. JSON's escapes are YAML's; characters YAML may not carry raw (DEL,
 * C1 controls, line and paragraph separators, noncharacters) are escaped as well.
 */
function yamlQuote(s: string): string {
  return JSON.stringify(s).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Can the text go in a `|-` literal block unchanged? Several lines of printable characters, the
 * first not indented (the block's indentation is read from it), no trailing line break or
 * whitespace.
 */
function literalSafe(s: string): boolean {
  if (!s.includes('\n') || s.endsWith('\n') || /^[ \t\n]/.test(s)) return false;
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c === 0x0a || c === 0x09) continue;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) return false;
    if ((c >= 0xd800 && c <= 0xdfff) || c === 0xfeff || c === 0xfffe || c === 0xffff) return false;
  }
  return s.split('\n').every((l) => l === l.trimEnd());
}
