/**
 * Access Analyzer's ValidatePolicy findings as trustspec findings: the code, severity, message,
 * the place in the source file, and the merge that shows a finding both tools report once.
 *
 * Places: a ValidatePolicy location has a `path` into the policy (`{value: "Statement"}`,
 * `{index: 0}`, `{key: …}`, `{substring: …}`) and a `span` in the text that was sent, whose line
 * counts from 1 and whose column and offset count from 0, end exclusive (API reference: Position,
 * Span). trustspec counts columns from 1, so a column moves by one; lines and offsets stay. When
 * the text sent is not the source file's text (a policy from a template or plan, sent as JSON), the
 * path is placed in the source through a locator instead.
 */
import type { Finding, Severity, Span } from '../diagnostics.js';
import type { ValuePath } from '../policy/value.js';
import { trustspecCodesFor } from './access-analyzer-codes.js';

/** One step of a ValidatePolicy location path (a union: exactly one member is set). */
export type AccessAnalyzerPathElement =
  | { index: number }
  | { key: string }
  | { value: string }
  | { substring: { start: number; length: number } };

/** A position as Access Analyzer writes it: line from 1, column and offset from 0. */
export interface AccessAnalyzerPosition {
  line: number;
  column: number;
  offset: number;
}

/** A ValidatePolicy finding as the API returns it (fields the SDK types leave optional). */
export interface ValidatePolicyFindingData {
  findingDetails?: string;
  findingType?: string;
  issueCode?: string;
  learnMoreLink?: string;
  locations?: {
    path?: readonly object[];
    span?: { start?: Partial<AccessAnalyzerPosition>; end?: Partial<AccessAnalyzerPosition> };
  }[];
}

/**
 * Places a path of the policy that was sent in the source file: `part` 'key' asks for the key of
 * an object member, 'value' for the value (the `spanOf` of a resolved source fits as it is).
 */
export type Locator = (path: ValuePath, part: 'key' | 'value') => Span | undefined;

export type FindingType = 'ERROR' | 'SECURITY_WARNING' | 'WARNING' | 'SUGGESTION';

export interface AccessAnalyzerLocation {
  path: AccessAnalyzerPathElement[];
  /** In the source file (trustspec's 1-based columns); absent when it could not be placed. */
  span?: Span;
}

/** A finding that came from Access Analyzer. */
export interface AccessAnalyzerFinding extends Finding {
  tool: 'access-analyzer';
  /** Access Analyzer's own code (`MISSING_GITHUB_REPO_CONDITION_KEY`), or the API outcome's name. */
  issueCode: string;
  /** ERROR, SECURITY_WARNING, WARNING or SUGGESTION as Access Analyzer said it. */
  findingType: string;
  learnMoreLink?: string;
  /** Every location Access Analyzer gave, with its path; `span` is the first placed one. */
  locations: AccessAnalyzerLocation[];
  /** The source file the finding is about, when the caller named it. */
  file?: string;
}

/** ERROR → error; SECURITY_WARNING and WARNING → warning; SUGGESTION → info. */
export function severityOf(findingType: string): Severity {
  switch (findingType) {
    case 'ERROR':
      return 'error';
    case 'SECURITY_WARNING':
    case 'WARNING':
      return 'warning';
    case 'SUGGESTION':
      return 'info';
    default:
      // A type added after this was written: shown, never hidden.
      return 'warning';
  }
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

function position(p: Partial<AccessAnalyzerPosition> | undefined): Span['start'] | undefined {
  if (!p || !isCount(p.line) || p.line < 1 || !isCount(p.column) || !isCount(p.offset)) {
    return undefined;
  }
  return { line: p.line, column: p.column + 1, offset: p.offset };
}

/** A ValidatePolicy span (0-based columns) as a trustspec span (1-based columns); undefined if malformed. */
export function spanFromAccessAnalyzer(span: {
  start?: Partial<AccessAnalyzerPosition>;
  end?: Partial<AccessAnalyzerPosition>;
}): Span | undefined {
  const start = position(span.start);
  const end = position(span.end);
  if (!start || !end || end.offset < start.offset) return undefined;
  return { start, end };
}

/** The path elements the API defines; anything else is dropped. */
export function pathElements(raw: readonly object[] | undefined): AccessAnalyzerPathElement[] {
  const out: AccessAnalyzerPathElement[] = [];
  for (const e of (raw ?? []) as readonly Record<string, unknown>[]) {
    if (isCount(e.index)) out.push({ index: e.index });
    else if (typeof e.key === 'string') out.push({ key: e.key });
    else if (typeof e.value === 'string') out.push({ value: e.value });
    else if (e.substring && typeof e.substring === 'object') {
      const s = e.substring as { start?: unknown; length?: unknown };
      if (isCount(s.start) && isCount(s.length)) {
        out.push({ substring: { start: s.start, length: s.length } });
      }
    }
  }
  return out;
}

/**
 * A location path as trustspec's value path: `{value: K}` and `{index: N}` step into the document,
 * `{key: K}` names the key of a member (part 'key'); a substring stays within its string.
 */
export function valuePathOf(path: readonly AccessAnalyzerPathElement[]): {
  path: (string | number)[];
  part: 'key' | 'value';
} {
  const out: (string | number)[] = [];
  let part: 'key' | 'value' = 'value';
  for (const e of path) {
    if ('index' in e) out.push(e.index);
    else if ('value' in e) out.push(e.value);
    else if ('key' in e) {
      out.push(e.key);
      part = 'key';
    }
  }
  return { path: out, part };
}

/** The span of the path, or of its nearest placed ancestor. */
export function locatePath(
  path: readonly AccessAnalyzerPathElement[],
  locate: Locator,
): Span | undefined {
  const { path: steps, part } = valuePathOf(path);
  const exact = locate(steps, part);
  if (exact) return exact;
  for (let n = steps.length - 1; n >= 0; n--) {
    const span = locate(steps.slice(0, n), 'value');
    if (span) return span;
  }
  return undefined;
}

/** How a finding is placed: by AWS's span (the text sent is the file's text) or by its path. */
export interface Placement {
  locate?: Locator;
  file?: string;
}

/** One ValidatePolicy finding as a trustspec finding, code `access-analyzer/<issueCode>`. */
export function fromValidatePolicy(
  raw: ValidatePolicyFindingData,
  place: Placement = {},
): AccessAnalyzerFinding {
  const issueCode = raw.issueCode || 'UNKNOWN';
  const findingType = raw.findingType || 'WARNING';
  const locations: AccessAnalyzerLocation[] = (raw.locations ?? []).map((loc) => {
    const path = pathElements(loc.path);
    const span = place.locate
      ? locatePath(path, place.locate)
      : loc.span
        ? spanFromAccessAnalyzer(loc.span)
        : undefined;
    return span ? { path, span } : { path };
  });
  const span = locations.find((l) => l.span)?.span;
  const link = raw.learnMoreLink || undefined;
  return {
    tool: 'access-analyzer',
    code: `access-analyzer/${issueCode}`,
    severity: severityOf(findingType),
    message: raw.findingDetails || `Access Analyzer reported ${issueCode}`,
    ...(span ? { span } : {}),
    hint: link
      ? `Access Analyzer's explanation and fix: ${link}`
      : `Access Analyzer check ${issueCode}`,
    issueCode,
    findingType,
    ...(link ? { learnMoreLink: link } : {}),
    locations,
    ...(place.file !== undefined ? { file: place.file } : {}),
  };
}

/** A trustspec finding that Access Analyzer reported too, under its own name. */
export interface MergedFinding extends Finding {
  /** Both tools' names: trustspec's code first, then `access-analyzer/<issueCode>`. */
  names: string[];
  /** The Access Analyzer findings folded into this one. */
  accessAnalyzer: AccessAnalyzerFinding[];
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Spans overlap (an empty span: lies inside the other). */
export function samePlace(a: Span, b: Span): boolean {
  const [as, ae, bs, be] = [a.start.offset, a.end.offset, b.start.offset, b.end.offset];
  if (as === ae) return bs <= as && as <= be;
  if (bs === be) return as <= bs && bs <= ae;
  return Math.max(as, bs) < Math.min(ae, be);
}

function matches(ours: Finding, theirs: AccessAnalyzerFinding): boolean {
  if (
    !ours.span ||
    !trustspecCodesFor(theirs.issueCode, theirs.learnMoreLink).includes(ours.code)
  ) {
    return false;
  }
  const span = ours.span;
  return theirs.locations.some((l) => l.span !== undefined && samePlace(span, l.span));
}

/**
 * trustspec's findings and Access Analyzer's for one policy, with each finding both report (an
 * equivalent code in EQUIVALENT_CODES, at overlapping places in the same file) shown once: the
 * trustspec finding, named by both codes, at the higher of the two severities, with AWS's link
 * added to the hint. Order: trustspec's findings, then Access Analyzer's that matched none.
 */
export function mergeFindings(
  ours: readonly Finding[],
  theirs: readonly AccessAnalyzerFinding[],
): (Finding | MergedFinding | AccessAnalyzerFinding)[] {
  const used = new Set<AccessAnalyzerFinding>();
  const out: (Finding | MergedFinding | AccessAnalyzerFinding)[] = ours.map((f) => {
    const same = theirs.filter((t) => !used.has(t) && matches(f, t));
    if (same.length === 0) return f;
    for (const t of same) used.add(t);
    const severity = same.reduce<Severity>(
      (s, t) => (RANK[t.severity] > RANK[s] ? t.severity : s),
      f.severity,
    );
    const links = [...new Set(same.map((t) => t.learnMoreLink).filter((l) => l !== undefined))];
    const names = [f.code, ...new Set(same.map((t) => t.code))];
    const also = `also reported by Access Analyzer as ${names.slice(1).join(', ')}`;
    const hint = [f.hint, links.length ? `${also}: ${links.join(' ')}` : also]
      .filter((h) => h !== undefined)
      .join('; ');
    const merged: MergedFinding = { ...f, severity, hint, names, accessAnalyzer: same };
    return merged;
  });
  for (const t of theirs) if (!used.has(t)) out.push(t);
  return out;
}
