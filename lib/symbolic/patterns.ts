/**
 * Condition values as the symbolic engine reads them: each value of a string-like clause (String,
 * Arn, Bool) becomes a token pattern for the product search, built from the same template parts
 * the compiler builds its matcher from (lib/conditions/compile.ts), so the two cannot drift; and
 * each value of any clause becomes a "value atom", a one-value positive clause compiled by the
 * simulator's own compiler, whose truth on a region is asked of the simulator's own evaluator.
 */
import { parseBool } from '../conditions/bool.js';
import type { RequestContext } from '../conditions/context.js';
import { compileClause, type CompiledClause } from '../conditions/evaluate.js';
import {
  parseTemplate,
  resolveTemplate,
  staticParts,
  type PolicyTemplate,
  type ResolvedPart,
} from '../conditions/variables.js';
import type { ConditionClause, PolicyVersion } from '../policy/model.js';
import { parseOperator, type BaseOperatorInfo, type OperatorSpec } from '../policy/operators.js';
import { COLON, FOLD, ONE, ONE_NO_COLON, STAR, STAR_NO_COLON } from './alphabet.js';
import type { Tokens } from './partition.js';

/** What the engine does with a clause's values, by operator family. */
export type ValueKind = 'string' | 'numeric' | 'date' | 'ip' | 'binary' | 'null';

export function valueKind(base: BaseOperatorInfo): ValueKind {
  switch (base.family) {
    case 'String':
    case 'Arn':
    case 'Bool':
      return 'string';
    case 'Numeric':
      return 'numeric';
    case 'Date':
      return 'date';
    case 'IpAddress':
      return 'ip';
    case 'Binary':
      return 'binary';
    case 'Null':
      return 'null';
  }
}

/** Policy variables are substituted for this operator in this policy version (§5.6). */
export function variablesOn(base: BaseOperatorInfo, version: PolicyVersion | undefined): boolean {
  return base.variables && version === '2012-10-17';
}

const templates = [new Map<string, PolicyTemplate>(), new Map<string, PolicyTemplate>()];

/** The template of a value, parsed as the compiler parses it (remembered: values recur). */
export function valueTemplate(raw: string, enabled: boolean): PolicyTemplate {
  const table = templates[enabled ? 1 : 0] as Map<string, PolicyTemplate>;
  let t = table.get(raw);
  if (!t) {
    if (table.size >= 4096) table.clear();
    t = parseTemplate(raw, enabled).template;
    table.set(raw, t);
  }
  return t;
}

/** The keys (lower-cased) that a clause's values read through policy variables. */
export function variableKeys(c: CompiledClause, version: PolicyVersion | undefined): string[] {
  const base = c.clause.operator.base;
  if (!variablesOn(base, version)) return [];
  const out: string[] = [];
  for (const v of c.clause.values) {
    for (const p of valueTemplate(v.value, true).parts) if (p.kind === 'var') out.push(p.keyLower);
  }
  return out;
}

/**
 * The code point at `i` of `text` (a surrogate pair joined, as `for…of` over a string reads it).
 * Index loops: a string iterator makes a string per character, and these loops run over every
 * character of every value before the engine's code is optimised.
 */
function codePointAt(text: string, i: number): number {
  const hi = text.charCodeAt(i);
  if (hi >= 0xd800 && hi <= 0xdbff && i + 1 < text.length) {
    const lo = text.charCodeAt(i + 1);
    if (lo >= 0xdc00 && lo <= 0xdfff) return (hi - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
  }
  return hi;
}

function codePoints(text: string, into: number[], offset = 0): void {
  for (let i = 0; i < text.length;) {
    const cp = codePointAt(text, i);
    into.push(cp + offset);
    i += cp > 0xffff ? 2 : 1;
  }
}

/** `…Like` parts: `*`/`?` in written text are wildcards, substituted and escaped text literal. */
function likeTokens(parts: readonly ResolvedPart[]): number[] {
  const out: number[] = [];
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k] as ResolvedPart;
    const text = p.text;
    for (let i = 0; i < text.length;) {
      const cp = codePointAt(text, i);
      i += cp > 0xffff ? 2 : 1;
      if (p.wild && cp === 42) out.push(STAR);
      else if (p.wild && cp === 63) out.push(ONE);
      else out.push(cp);
    }
  }
  return out;
}

/**
 * ARN parts (lib/conditions/arn.ts): the first five colons, wherever they come from, separate the
 * six fields; a `*`/`?` in the first five fields never matches `:`. Fewer than six fields: the
 * value never matches (undefined).
 */
function arnTokens(parts: readonly ResolvedPart[]): number[] | undefined {
  const out: number[] = [];
  let colons = 0;
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k] as ResolvedPart;
    const text = p.text;
    for (let i = 0; i < text.length;) {
      const cp = codePointAt(text, i);
      i += cp > 0xffff ? 2 : 1;
      if (cp === COLON && colons < 5) {
        colons++;
        out.push(COLON);
      } else if (p.wild && (cp === 42 || cp === 63)) {
        const inField = colons < 5;
        out.push(cp === 42 ? (inField ? STAR_NO_COLON : STAR) : inField ? ONE_NO_COLON : ONE);
      } else out.push(cp);
    }
  }
  return colons < 5 ? undefined : out;
}

/** The value's text parts with the constant variables substituted; undefined: never matches. */
export type Resolver = (t: PolicyTemplate) => readonly ResolvedPart[] | undefined;

/** A resolver over a context of constant keys (role tags, `aws:SecureTransport`, …). */
export function constantResolver(ctx: RequestContext): Resolver {
  return (t) => {
    const r = resolveTemplate(t, ctx);
    return r.ok ? r.parts : undefined;
  };
}

/**
 * The token pattern of one value of a String/Arn/Bool clause, or undefined when the value can
 * never match (an unresolved variable, an ARN of fewer than six fields, a Bool that is neither
 * true nor false).
 */
export function valueTokens(
  clause: ConditionClause,
  raw: string,
  version: PolicyVersion | undefined,
  resolve: Resolver,
): Tokens | undefined {
  const base = clause.operator.base;
  const enabled = variablesOn(base, version);
  // A value without variables has one pattern whatever the role and the clause: made once (the
  // two roles of a diff mostly write the same values).
  const id = `${base.family}${base.like ? 1 : 0}${base.ignoreCase ? 1 : 0}${enabled ? 1 : 0}${raw}`;
  if (staticTokens.has(id)) return staticTokens.get(id);
  const template = valueTemplate(raw, enabled);
  if (template.hasVariables) return tokensOf(base, resolve(template));
  const tokens = tokensOf(base, staticParts(template));
  if (staticTokens.size >= 4096) staticTokens.clear();
  staticTokens.set(id, tokens);
  return tokens;
}

const staticTokens = new Map<string, Tokens | undefined>();

function tokensOf(
  base: ConditionClause['operator']['base'],
  parts: readonly ResolvedPart[] | undefined,
): Tokens | undefined {
  if (!parts) return undefined;
  const text = parts.map((p) => p.text).join('');
  switch (base.family) {
    case 'Arn':
      return arnTokens(parts);
    case 'Bool': {
      const b = parseBool(text);
      if (b === undefined) return undefined;
      const out: number[] = [];
      codePoints(b ? 'true' : 'false', out, FOLD);
      return out;
    }
    default: {
      if (base.like) return likeTokens(parts);
      const out: number[] = [];
      if (base.ignoreCase) codePoints(text.toLowerCase(), out, FOLD);
      else codePoints(text, out);
      return out;
    }
  }
}

const tokenKeys = new WeakMap<Tokens, string>();

/** A pattern's tokens as one string, to compare patterns (remembered: token lists recur). */
export function tokensKey(t: Tokens): string {
  let key = tokenKeys.get(t);
  if (key === undefined) tokenKeys.set(t, (key = t.join(',')));
  return key;
}

/** The positive operator of a negated one: `StringNotLike` → `StringLike`, `NotIpAddress` → `IpAddress`. */
export function positiveName(base: BaseOperatorInfo): string {
  if (!base.negated) return base.name;
  return base.name === 'NotIpAddress' ? 'IpAddress' : base.name.replace('Not', '');
}

/** One value of one clause, as a positive one-value clause: "KEY matches VALUE". */
export interface ValueAtom {
  /** The clause it comes from, and the value's position in it. */
  clause: ConditionClause;
  index: number;
  keyLower: string;
  compiled: CompiledClause;
  /** The operator of `compiled` (known without compiling it). */
  operator: OperatorSpec;
  /** The value as written. */
  value: string;
  /** A multivalued key: "has a value that …" (ForAnyValue). */
  anyValue: boolean;
}

/** The value atoms of a clause (none for Null, which only tests presence). */
export function valueAtoms(
  clause: ConditionClause,
  version: PolicyVersion | undefined,
  multiValued: boolean,
): ValueAtom[] {
  const base = clause.operator.base;
  if (base.family === 'Null') return [];
  // Compiled once per clause (a policy is compiled once; its clauses are kept).
  let cache = atomCache.get(clause);
  const id = `${version ?? ''}|${multiValued}`;
  const known = cache?.get(id);
  if (known) return known;
  const made = makeValueAtoms(clause, version, multiValued);
  if (!cache) atomCache.set(clause, (cache = new Map()));
  cache.set(id, made);
  return made;
}

const atomCache = new WeakMap<ConditionClause, Map<string, ValueAtom[]>>();

function makeValueAtoms(
  clause: ConditionClause,
  version: PolicyVersion | undefined,
  multiValued: boolean,
): ValueAtom[] {
  const base = clause.operator.base;
  const name = `${multiValued ? 'ForAnyValue:' : ''}${positiveName(base)}`;
  const op = parseOperator(name);
  if (!op.ok) throw new Error(`no positive operator for ${base.name}`);
  const atoms: ValueAtom[] = [];
  for (let index = 0; index < clause.values.length; index++)
    atoms.push(new LazyValueAtom(clause, index, op.spec, version, multiValued));
  return atoms;
}

/**
 * A value atom whose clause is compiled when first read: a value whose test is a bit of a
 * partition key is never run. (A class, not an object literal with a getter: such literals are
 * built one property at a time.)
 */
class LazyValueAtom implements ValueAtom {
  readonly keyLower: string;
  readonly value: string;
  private made: CompiledClause | undefined = undefined;

  constructor(
    readonly clause: ConditionClause,
    readonly index: number,
    readonly operator: OperatorSpec,
    private readonly version: PolicyVersion | undefined,
    readonly anyValue: boolean,
  ) {
    this.keyLower = clause.keyLower;
    this.value = (clause.values[index] as ConditionClause['values'][number]).value;
  }

  get compiled(): CompiledClause {
    if (this.made) return this.made;
    const v = this.clause.values[this.index] as ConditionClause['values'][number];
    const single: ConditionClause = { ...this.clause, operator: this.operator, values: [v] };
    const made = compileClause(single, this.version).compiled;
    if (!made)
      throw new Error(`value ${JSON.stringify(v.value)} of ${this.clause.key} did not compile`);
    return (this.made = made);
  }
}

/**
 * What makes two clauses the same wherever they are written — the same operator, key and values,
 * none with a policy variable (then no role's constants nor policy version can make the two
 * read differently) — or undefined.
 */
export function clauseKey(compiled: CompiledClause): string | undefined {
  const c = compiled.clause;
  let values = '';
  for (const v of c.values) {
    if (v.value.includes('$')) return undefined;
    values += `\u0000${v.value}`;
  }
  return `${c.operator.raw}|${c.keyLower}|${c.values.length}${values}`;
}
