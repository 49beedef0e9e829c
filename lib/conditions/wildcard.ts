/**
 * The IAM wildcard matcher (§5.3): `*` is any run of zero or more characters, crossing `/` and
 * `:`; `?` is exactly one character; everything else is literal (no escapes, no classes, no
 * braces, no special `**`); the whole value must match.
 *
 * A pattern is compiled once into segments (the literal-and-`?` runs between stars) and then
 * matched with anchored prefix/suffix checks plus a leftmost search for each middle segment. That
 * is correct for `*`/`?` globbing (the leftmost placement of a middle segment never rules out a
 * match that a later placement would allow) and costs O(|pattern|·|value|) at worst, never
 * exponential backtracking.
 *
 * "One character" for `?` means one Unicode code point: a value holding characters outside the
 * Basic Multilingual Plane (surrogate pairs) is matched code point by code point.
 */

/** One piece of a pattern: literal text, a `*`, or a `?`. */
export type PatternPart =
  { readonly lit: string } | { readonly star: true } | { readonly one: true };

export interface PatternOptions {
  /** Compare literals case-insensitively (Unicode lower-case mapping of both sides). */
  readonly ignoreCase?: boolean;
}

/** Placeholder for `?` inside a segment's text; the `ones` mask says which positions are `?`. */
const ONE_PLACEHOLDER = '\u0000';
const STAR_TOKEN = -1;
const ONE_TOKEN = -2;
const SURROGATE = /[\uD800-\uDFFF]/;
const NO_ONES: readonly number[] = Object.freeze([]);

interface Segment {
  /** Literal text with `?` positions holding a placeholder. */
  readonly text: string;
  /** Positions of `?` in `text`, or undefined when the segment is all literal. */
  readonly ones: Uint8Array | undefined;
}

/** True when the text has a `*` or `?`, i.e. would act as a wildcard pattern under a `…Like` operator. */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** Split pattern text into parts: every `*` and `?` is a wildcard, the rest literal. */
export function splitPattern(pattern: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charCodeAt(i);
    if (ch === 42 /* * */ || ch === 63 /* ? */) {
      if (i > start) parts.push({ lit: pattern.slice(start, i) });
      parts.push(ch === 42 ? { star: true } : { one: true });
      start = i + 1;
    }
  }
  if (start < pattern.length) parts.push({ lit: pattern.slice(start) });
  return parts;
}

/** A compiled wildcard pattern: compile once, test many values. Immutable apart from a lazy cache. */
export class WildcardPattern {
  /** The pattern as text (`*`/`?` for wildcard parts; a literal `*` part also shows as `*`). */
  readonly source: string;
  readonly hasStar: boolean;
  readonly hasOne: boolean;
  readonly ignoreCase: boolean;
  /** The parts, when built from parts; from text they are split only if needed. */
  private partList: readonly PatternPart[] | undefined;
  /** Segments between stars; there are (number of star runs + 1) of them. */
  private readonly segs: readonly Segment[];
  /** Minimum value length in UTF-16 units (literals plus one unit per `?`). */
  private readonly minLength: number;
  private tokens: Int32Array | undefined;
  private strict: WildcardPattern | undefined;

  /** From parts, or from pattern text where every `*` and `?` is a wildcard. */
  constructor(parts: readonly PatternPart[] | string, options: PatternOptions = {}) {
    this.ignoreCase = options.ignoreCase === true;
    if (typeof parts === 'string') {
      // Pattern text: the same segments as from its parts, without making the parts.
      const t = parts;
      const segs: Segment[] = [];
      let text = '';
      let ones: number[] | undefined;
      let minLength = 0;
      let hasStar = false;
      let hasOne = false;
      let lastWasStar = false;
      let start = 0;
      // Jump from wildcard to wildcard (indexOf scans natively); -1 stands for the end.
      let star = t.indexOf('*');
      let one = t.indexOf('?');
      for (;;) {
        const i = star < 0 ? (one < 0 ? t.length : one) : one < 0 || star < one ? star : one;
        const c = i === t.length ? -1 : t.charCodeAt(i);
        if (c === 42) star = t.indexOf('*', i + 1);
        else if (c === 63) one = t.indexOf('?', i + 1);
        if (i > start) {
          const lit = this.ignoreCase ? t.slice(start, i).toLowerCase() : t.slice(start, i);
          text += lit;
          minLength += lit.length;
          lastWasStar = false;
        }
        start = i + 1;
        if (c === 42) {
          hasStar = true;
          if (lastWasStar) continue;
          segs.push(makeSegment(text, ones ?? NO_ONES));
          text = '';
          ones = undefined;
          lastWasStar = true;
        } else if (c === 63) {
          hasOne = true;
          lastWasStar = false;
          (ones ??= []).push(text.length);
          text += ONE_PLACEHOLDER;
          minLength++;
        } else break;
      }
      segs.push(makeSegment(text, ones ?? NO_ONES));
      this.partList = undefined;
      this.source = t;
      this.hasStar = hasStar;
      this.hasOne = hasOne;
      this.segs = segs;
      this.minLength = minLength;
      return;
    }
    this.partList = parts;
    let source = '';
    let hasStar = false;
    let hasOne = false;
    let minLength = 0;
    const segs: Segment[] = [];
    let text = '';
    let ones: number[] = [];
    let lastWasStar = false;
    for (const p of parts) {
      if ('star' in p) {
        source += '*';
        hasStar = true;
        if (lastWasStar) continue; // `**` is the same as `*`
        segs.push(makeSegment(text, ones));
        text = '';
        ones = [];
        lastWasStar = true;
        continue;
      }
      lastWasStar = false;
      if ('one' in p) {
        source += '?';
        hasOne = true;
        ones.push(text.length);
        text += ONE_PLACEHOLDER;
        minLength++;
      } else {
        source += p.lit;
        const lit = this.ignoreCase ? p.lit.toLowerCase() : p.lit;
        text += lit;
        minLength += lit.length;
      }
    }
    segs.push(makeSegment(text, ones));
    this.source = source;
    this.hasStar = hasStar;
    this.hasOne = hasOne;
    this.segs = segs;
    this.minLength = minLength;
  }

  /** Compile pattern text, where every `*` and `?` is a wildcard. */
  static fromText(pattern: string, options: PatternOptions = {}): WildcardPattern {
    return new WildcardPattern(pattern, options);
  }

  /** The parts (split from the source when the pattern was made from text). */
  private get parts(): readonly PatternPart[] {
    return (this.partList ??= splitPattern(this.source));
  }

  /** Does the whole value match? */
  test(value: string): boolean {
    const v = this.ignoreCase ? value.toLowerCase() : value;
    if (this.hasOne && SURROGATE.test(v)) return this.testCodePoints(v);
    return this.testUnits(v);
  }

  /**
   * True when the value matches, but only because some `*` matches the empty string: with every
   * `*` required to take at least one character it would not match (§5.3, UNCONFIRMED 21).
   */
  matchesOnlyViaEmptyStar(value: string): boolean {
    if (!this.hasStar || !this.test(value)) return false;
    return !this.strictPattern().test(value);
  }

  private strictPattern(): WildcardPattern {
    if (!this.strict) {
      const parts: PatternPart[] = [];
      for (const p of this.parts) {
        if ('star' in p) parts.push({ one: true }, p);
        else parts.push(p);
      }
      this.strict = new WildcardPattern(parts, { ignoreCase: this.ignoreCase });
    }
    return this.strict;
  }

  /** The fast path: UTF-16 units, correct whenever `?` cannot meet a surrogate pair. */
  private testUnits(v: string): boolean {
    const segs = this.segs;
    const first = segs[0] as Segment;
    if (segs.length === 1) return v.length === this.minLength && segmentAt(first, v, 0);
    if (v.length < this.minLength) return false;
    const last = segs[segs.length - 1] as Segment;
    if (!segmentAt(first, v, 0)) return false;
    const end = v.length - last.text.length;
    if (!segmentAt(last, v, end)) return false;
    let pos = first.text.length;
    for (let i = 1; i < segs.length - 1; i++) {
      const seg = segs[i] as Segment;
      if (seg.text.length === 0) continue;
      const at = findSegment(seg, v, pos, end);
      if (at < 0) return false;
      pos = at + seg.text.length;
    }
    return true;
  }

  /** The general path: code points, classic star-backtracking two-pointer, O(n·m) worst case. */
  private testCodePoints(v: string): boolean {
    const tok = this.codePointTokens();
    const val: number[] = [];
    for (const ch of v) val.push(ch.codePointAt(0) as number);
    let p = 0;
    let i = 0;
    let starP = -1;
    let starI = 0;
    while (i < val.length) {
      const t = p < tok.length ? (tok[p] as number) : undefined;
      if (t !== undefined && (t === ONE_TOKEN || t === val[i])) {
        p++;
        i++;
      } else if (t === STAR_TOKEN) {
        starP = p++;
        starI = i;
      } else if (starP >= 0) {
        p = starP + 1;
        i = ++starI;
      } else {
        return false;
      }
    }
    while (p < tok.length && tok[p] === STAR_TOKEN) p++;
    return p === tok.length;
  }

  private codePointTokens(): Int32Array {
    if (!this.tokens) {
      const out: number[] = [];
      for (const p of this.parts) {
        if ('star' in p) out.push(STAR_TOKEN);
        else if ('one' in p) out.push(ONE_TOKEN);
        else {
          const lit = this.ignoreCase ? p.lit.toLowerCase() : p.lit;
          for (const ch of lit) out.push(ch.codePointAt(0) as number);
        }
      }
      this.tokens = Int32Array.from(out);
    }
    return this.tokens;
  }
}

function makeSegment(text: string, ones: readonly number[]): Segment {
  if (ones.length === 0) return { text, ones: undefined };
  const mask = new Uint8Array(text.length);
  for (const i of ones) mask[i] = 1;
  return { text, ones: mask };
}

/** Does the segment match the value at position `at` (which the caller keeps in range)? */
function segmentAt(seg: Segment, v: string, at: number): boolean {
  const ones = seg.ones;
  if (!ones) return v.startsWith(seg.text, at);
  const t = seg.text;
  if (at < 0 || at + t.length > v.length) return false;
  for (let k = 0; k < t.length; k++) {
    if (ones[k] === 0 && t.charCodeAt(k) !== v.charCodeAt(at + k)) return false;
  }
  return true;
}

/** Leftmost position p in [from, to - len] where the segment matches, or -1. */
function findSegment(seg: Segment, v: string, from: number, to: number): number {
  const len = seg.text.length;
  if (!seg.ones) {
    const at = v.indexOf(seg.text, from);
    return at >= 0 && at + len <= to ? at : -1;
  }
  for (let p = from; p + len <= to; p++) if (segmentAt(seg, v, p)) return p;
  return -1;
}

/** Compile a pattern from text (`*`/`?` are wildcards) or from pre-split parts. */
export function compilePattern(
  pattern: string | readonly PatternPart[],
  options: PatternOptions = {},
): WildcardPattern {
  return typeof pattern === 'string'
    ? WildcardPattern.fromText(pattern, options)
    : new WildcardPattern(pattern, options);
}

/** A compiled pattern (alias of `WildcardPattern`). */
export type Wildcard = WildcardPattern;

/** Alias of `compilePattern`. */
export const compileWildcard = compilePattern;

/**
 * Test a value against a compiled pattern, or (one-off) against pattern text compiled with
 * `options`. Prefer compiling once when testing many values.
 */
export function wildcardMatch(
  pattern: string | WildcardPattern,
  value: string,
  options: PatternOptions = {},
): boolean {
  return (typeof pattern === 'string' ? WildcardPattern.fromText(pattern, options) : pattern).test(
    value,
  );
}
