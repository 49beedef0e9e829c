/**
 * ARN matching for `ArnEquals` / `ArnLike` / `ArnNotEquals` / `ArnNotLike` (§5.4): both sides are
 * split into the six `:`-separated fields (`arn:partition:service:region:account:resource`, the
 * resource keeping any further colons), and each field is wildcard-matched on its own,
 * case-sensitively, so a `*` never crosses a `:` between fields.
 */
import { WildcardPattern, splitPattern, type PatternPart } from './wildcard.js';

export const ARN_FIELDS = 6;

/** Split an ARN into its six fields, or undefined when it has fewer than five colons. */
export function splitArn(value: string): string[] | undefined {
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < ARN_FIELDS - 1; i++) {
    const colon = value.indexOf(':', start);
    if (colon < 0) return undefined;
    fields.push(value.slice(start, colon));
    start = colon + 1;
  }
  fields.push(value.slice(start));
  return fields;
}

export interface ArnPattern {
  /** The pattern as text. */
  readonly source: string;
  readonly fields: readonly WildcardPattern[];
}

/**
 * Compile an ARN pattern from pieces: `wild` pieces have active `*`/`?`, the others (text from a
 * policy variable or a `${*}` escape) are literal. Colons split fields in every piece. Returns
 * undefined when there are fewer than six fields.
 */
export function compileArnPattern(
  pieces: ReadonlyArray<{ readonly text: string; readonly wild: boolean }>,
): ArnPattern | undefined {
  const fields: PatternPart[][] = [[]];
  let source = '';
  const current = (): PatternPart[] => fields[fields.length - 1] as PatternPart[];
  for (const piece of pieces) {
    source += piece.text;
    let start = 0;
    const flush = (end: number): void => {
      if (end > start) {
        const text = piece.text.slice(start, end);
        current().push(...(piece.wild ? splitPattern(text) : [{ lit: text }]));
      }
    };
    for (let i = 0; i < piece.text.length; i++) {
      if (piece.text.charCodeAt(i) === 58 /* : */ && fields.length < ARN_FIELDS) {
        flush(i);
        fields.push([]);
        start = i + 1;
      }
    }
    flush(piece.text.length);
  }
  if (fields.length < ARN_FIELDS) return undefined;
  return { source, fields: fields.map((f) => new WildcardPattern(f)) };
}

/** Compile ARN pattern text where every `*`/`?` is a wildcard. */
export function compileArnPatternText(pattern: string): ArnPattern | undefined {
  return compileArnPattern([{ text: pattern, wild: true }]);
}

/** Does an ARN (already split with `splitArn`) match the pattern field by field? */
export function arnMatches(pattern: ArnPattern, fields: readonly string[]): boolean {
  for (let i = 0; i < ARN_FIELDS; i++) {
    if (!(pattern.fields[i] as WildcardPattern).test(fields[i] as string)) return false;
  }
  return true;
}

/** True when the ARN matches but some field needs a `*` to match the empty string. */
export function arnMatchesOnlyViaEmptyStar(
  pattern: ArnPattern,
  fields: readonly string[],
): boolean {
  if (!arnMatches(pattern, fields)) return false;
  for (let i = 0; i < ARN_FIELDS; i++) {
    if ((pattern.fields[i] as WildcardPattern).matchesOnlyViaEmptyStar(fields[i] as string))
      return true;
  }
  return false;
}
