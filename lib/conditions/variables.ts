/**
 * Policy variables (§5.6): `${key}`, `${key, 'default'}`, and the escapes `${*}` `${?}` `${$}`
 * that stand for a literal `*`, `?`, `$`. Only with policy Version `2012-10-17`; otherwise `${…}`
 * is plain text. A policy value is parsed once into a template; it is resolved against a request
 * context at evaluation time.
 */
import type { ContextEntry, RequestContext } from './context.js';

/** A piece of a policy value. */
export type TemplatePart =
  /** Text as written: under a `…Like` operator its `*` and `?` are wildcards. */
  | { readonly kind: 'text'; readonly text: string }
  /** `${*}`, `${?}` or `${$}`: always the literal character. */
  | { readonly kind: 'escape'; readonly char: '*' | '?' | '$'; readonly raw: string }
  /** `${key}` or `${key, 'default'}`. */
  | {
      readonly kind: 'var';
      /** Key as written inside `${}`. */
      readonly key: string;
      /** Lower-cased key for lookup: names inside `${}` are case-insensitive (§5.6). */
      readonly keyLower: string;
      readonly defaultValue: string | undefined;
      /** The whole `${…}` as written. */
      readonly raw: string;
    };

export interface PolicyTemplate {
  /** The value as written. */
  readonly raw: string;
  readonly parts: readonly TemplatePart[];
  /** True when some part is a `var` (needs the request context). */
  readonly hasVariables: boolean;
}

/** Something odd in the `${…}` syntax; the affected text is kept literally. */
export interface TemplateIssue {
  readonly code: 'unterminated-variable' | 'invalid-variable';
  /** 0-based offset of the `${` in the value. */
  readonly offset: number;
  readonly message: string;
}

/** A resolved piece: `wild` is true for text as written (wildcards active under `…Like`). */
export interface ResolvedPart {
  readonly text: string;
  readonly wild: boolean;
}

export type Resolution =
  | {
      readonly ok: true;
      readonly parts: readonly ResolvedPart[];
      /** Context entries the variables were read from (for trace notes). */
      readonly used: readonly ContextEntry[];
    }
  | {
      readonly ok: false;
      /** The first variable that could not be resolved, as written. */
      readonly variable: string;
      readonly why: 'absent' | 'multivalued';
    };

const KEY_CHAR = /[^\s${}',"]/;

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/**
 * Parse a policy value. With `enabled` false (policy Version not `2012-10-17`, or an operator
 * that takes no variables) the whole value is one text part.
 */
export function parseTemplate(
  value: string,
  enabled: boolean,
): { template: PolicyTemplate; issues: TemplateIssue[] } {
  const issues: TemplateIssue[] = [];
  if (!enabled || !value.includes('${')) {
    return {
      template: {
        raw: value,
        parts: value === '' ? [] : [{ kind: 'text', text: value }],
        hasVariables: false,
      },
      issues,
    };
  }
  const parts: TemplatePart[] = [];
  let text = '';
  let hasVariables = false;
  let i = 0;
  while (i < value.length) {
    const start = value.indexOf('${', i);
    if (start < 0) {
      text += value.slice(i);
      break;
    }
    text += value.slice(i, start);
    const parsed = parseVariable(value, start);
    if (parsed.kind === 'unterminated') {
      issues.push({
        code: 'unterminated-variable',
        offset: start,
        message: `"\${" at offset ${start} has no closing "}", so the rest of the value is literal text`,
      });
      text += value.slice(start);
      break;
    }
    if (parsed.kind === 'invalid') {
      issues.push({
        code: 'invalid-variable',
        offset: start,
        message: `"${value.slice(start, parsed.end)}" is not a valid policy variable, so it is literal text`,
      });
      text += value.slice(start, parsed.end);
      i = parsed.end;
      continue;
    }
    if (text) parts.push({ kind: 'text', text });
    text = '';
    parts.push(parsed.part);
    if (parsed.part.kind === 'var') hasVariables = true;
    i = parsed.end;
  }
  if (text) parts.push({ kind: 'text', text });
  return { template: { raw: value, parts, hasVariables }, issues };
}

type VariableParse =
  | { kind: 'ok'; part: TemplatePart; end: number }
  | { kind: 'invalid'; end: number }
  | { kind: 'unterminated' };

/** Parse the `${…}` that starts at `start`. */
function parseVariable(value: string, start: number): VariableParse {
  const invalid = (): VariableParse => {
    const close = value.indexOf('}', start + 2);
    return close < 0 ? { kind: 'unterminated' } : { kind: 'invalid', end: close + 1 };
  };
  let i = start + 2;
  const skip = (): void => {
    while (isSpace(value[i])) i++;
  };
  skip();
  const first = value[i];
  if (first === '*' || first === '?' || first === '$') {
    i++;
    skip();
    if (value[i] !== '}') return invalid();
    return {
      kind: 'ok',
      part: { kind: 'escape', char: first, raw: value.slice(start, i + 1) },
      end: i + 1,
    };
  }
  const keyStart = i;
  while (i < value.length && KEY_CHAR.test(value[i] as string)) i++;
  const key = value.slice(keyStart, i);
  if (!key) return invalid();
  skip();
  let defaultValue: string | undefined;
  if (value[i] === ',') {
    i++;
    skip();
    if (value[i] !== "'") return invalid();
    const close = value.indexOf("'", i + 1);
    if (close < 0) return invalid();
    defaultValue = value.slice(i + 1, close);
    i = close + 1;
    skip();
  }
  if (value[i] !== '}') return invalid();
  return {
    kind: 'ok',
    part: {
      kind: 'var',
      key,
      keyLower: key.toLowerCase(),
      defaultValue,
      raw: value.slice(start, i + 1),
    },
    end: i + 1,
  };
}

/** The parts of a template that needs no context (no `var` parts). */
export function staticParts(t: PolicyTemplate): ResolvedPart[] {
  const out: ResolvedPart[] = [];
  for (const p of t.parts) {
    if (p.kind === 'text') out.push({ text: p.text, wild: true });
    else if (p.kind === 'escape') out.push({ text: p.char, wild: false });
    else out.push({ text: p.raw, wild: true });
  }
  return out;
}

const NO_ENTRIES: readonly ContextEntry[] = [];

/**
 * Resolve a template against the request context. A variable takes the value of a present,
 * single-valued key; a multivalued key cannot be used (even with a default); an absent key (or an
 * empty multivalued one) gives the default when there is one. Substituted values are literal:
 * a `*` inside a claim value is never a wildcard.
 */
export function resolveTemplate(t: PolicyTemplate, ctx: RequestContext): Resolution {
  const parts: ResolvedPart[] = [];
  let used: ContextEntry[] | undefined;
  for (const p of t.parts) {
    if (p.kind === 'text') parts.push({ text: p.text, wild: true });
    else if (p.kind === 'escape') parts.push({ text: p.char, wild: false });
    else {
      const entry = ctx.get(p.keyLower);
      const present = entry !== undefined && entry.values.length > 0;
      if (present && entry.multiValued) return { ok: false, variable: p.raw, why: 'multivalued' };
      if (present) {
        parts.push({ text: entry.values[0] as string, wild: false });
        (used ??= []).push(entry);
      } else if (p.defaultValue !== undefined) {
        parts.push({ text: p.defaultValue, wild: false });
      } else {
        return { ok: false, variable: p.raw, why: 'absent' };
      }
    }
  }
  return { ok: true, parts, used: used ?? NO_ENTRIES };
}

/** Join resolved parts into plain text (wildcards and literals alike). */
export function joinParts(parts: readonly ResolvedPart[]): string {
  if (parts.length === 1) return (parts[0] as ResolvedPart).text;
  let s = '';
  for (const p of parts) s += p.text;
  return s;
}

/**
 * Substitute the variables of a value as a string (`${*}` etc. become their character). Returns
 * undefined when a variable cannot be resolved.
 */
export function substitute(t: PolicyTemplate, ctx: RequestContext): string | undefined {
  const r = resolveTemplate(t, ctx);
  return r.ok ? joinParts(r.parts) : undefined;
}
