/**
 * Compile and evaluate one condition clause (one key under one operator), §5.
 *
 * `compileClause` parses every policy value once (patterns, numbers, dates, CIDRs, base64,
 * variables); `evaluateClause` compares the request values with them and says why in a
 * `ClauseTrace`. `testClause` gives the same result without building a trace.
 *
 * Decisions where the spec is silent or UNCONFIRMED (the trace's `unconfirmed` names the
 * UNCONFIRMED ones when a result rests on them):
 * - A request value that is not of the operator's type (e.g. `aws:SourceIp` = "abc") satisfies no
 *   positive operator; for a negated operator it counts as differing from every policy value, so
 *   the negated operator is satisfied (the negation of "matches none"). Rule `invalid-request-value`.
 * - A multivalued key with an empty value list counts as absent everywhere (missing-key rules,
 *   `…IfExists`, set operators and `Null`).
 * - `…IfExists` wins over the set operators when the key is absent: `ForAnyValue:XIfExists` on an
 *   absent key is true.
 * - A policy value list that is empty (UNCONFIRMED 20): positive operators are false (OR over
 *   nothing), negated true (AND over nothing).
 * - `Null` ignores a set-operator prefix: it only tests presence.
 * - A variable's substituted value is literal (its `*`/`?` are not wildcards); in ARN values its
 *   colons still separate fields.
 * - A value that resolves to something invalid for its operator at evaluation time (a `Bool`
 *   variable that is not true/false, an ARN variable that leaves fewer than six fields) never
 *   matches, like an unresolved variable.
 */
import type { Finding, Severity } from '../diagnostics.js';
import type { ConditionClause, PolicyVersion } from '../policy/model.js';
import type { BaseOperatorInfo, OperatorSpec } from './operators.js';
import type { ContextEntry, RequestContext } from './context.js';
import type { ClauseRule, ClauseTrace, Comparison, ValueOutcome } from './trace.js';
import { WildcardPattern, hasWildcard, splitPattern, type PatternPart } from './wildcard.js';
import {
  parseTemplate,
  resolveTemplate,
  staticParts,
  joinParts,
  type PolicyTemplate,
  type ResolvedPart,
} from './variables.js';
import { parseCidr, parseIp, cidrContains, type CidrBlock, type IpAddress } from './ip.js';
import {
  compileArnPattern,
  splitArn,
  arnMatches,
  arnMatchesOnlyViaEmptyStar,
  type ArnPattern,
} from './arn.js';
import { parseDecimal, compareDecimal, type Decimal } from './numeric.js';
import { parseDate } from './date.js';
import { parseBool } from './bool.js';
import { parseBase64, bytesEqual } from './binary.js';

/** At most this many comparisons are kept in a trace. */
export const MAX_COMPARISONS = 32;

export const NOTE_EMPTY_STAR = '§5.3 (UNCONFIRMED 21): `*` matches the empty string';
export const NOTE_BARE_MULTIVALUED =
  '§5.5 (UNCONFIRMED 24): a bare (non-set) operator on a multivalued key is evaluated as false';
export const NOTE_EMPTY_VALUES =
  '§5.1 (UNCONFIRMED 20): a condition key with an empty value list (positive operators false, negated true)';
export const NOTE_BOOL_VARIABLES = '§5.4 (UNCONFIRMED 22): policy variables in a Bool value';
export const NOTE_NON_STRING_VALUES =
  '§5.4 (UNCONFIRMED 23): unquoted JSON booleans/numbers as condition values (taken as their text)';
export const NOTE_CLAIM_VARIABLE =
  '§5.6 (UNCONFIRMED 25): a token-claim variable inside a trust policy';

// ---------------------------------------------------------------------------------------------
// Value families

type CompareKind = NonNullable<BaseOperatorInfo['compare']>;

/** How one operator family parses and compares values. P: a policy value, R: a request value. */
export interface Family<P, R> {
  /** What a valid value is, for messages: "a number". */
  readonly what: string;
  /** Verb phrases for a comparison that holds / does not hold: ["equals", "does not equal"]. */
  readonly verbs: readonly [string, string];
  /** Finding code and severity for a policy value that is not valid. */
  readonly invalid: { readonly code: string; readonly severity: Severity; readonly hint: string };
  /** Under this family `*`/`?` are wildcards, so `${*}` stays visible in displayed values. */
  readonly wildcards: boolean;
  build(parts: readonly ResolvedPart[]): P | undefined;
  prepare(request: string): R | undefined;
  test(request: R, policy: P): boolean;
  emptyStarOnly?(request: R, policy: P): boolean;
  /** Extra findings for a valid static policy value. */
  check?(policy: P, text: string): Array<Omit<Finding, 'span'>>;
}

function holds(c: number, kind: CompareKind): boolean {
  switch (kind) {
    case 'eq':
      return c === 0;
    case 'lt':
      return c < 0;
    case 'lte':
      return c <= 0;
    case 'gt':
      return c > 0;
    case 'gte':
      return c >= 0;
  }
}

const STRING_INVALID = { code: 'invalid-string', severity: 'error', hint: '' } as const;

function stringEquals(ignoreCase: boolean): Family<string, string> {
  return {
    what: 'a string',
    verbs: ignoreCase
      ? ['equals (ignoring case)', 'does not equal (ignoring case)']
      : ['equals', 'does not equal'],
    invalid: STRING_INVALID,
    wildcards: false,
    build: (parts) => (ignoreCase ? joinParts(parts).toLowerCase() : joinParts(parts)),
    prepare: ignoreCase ? (r) => r.toLowerCase() : (r) => r,
    test: (r, p) => r === p,
  };
}

function likeParts(parts: readonly ResolvedPart[]): PatternPart[] {
  const out: PatternPart[] = [];
  for (const p of parts) {
    if (p.text === '') continue;
    if (p.wild) out.push(...splitPattern(p.text));
    else out.push({ lit: p.text });
  }
  return out;
}

function stringLike(ignoreCase: boolean): Family<WildcardPattern, string> {
  return {
    what: 'a string',
    verbs: ignoreCase
      ? ['matches (ignoring case)', 'does not match (ignoring case)']
      : ['matches', 'does not match'],
    invalid: STRING_INVALID,
    wildcards: true,
    build: (parts) => new WildcardPattern(likeParts(parts), { ignoreCase }),
    prepare: (r) => r,
    test: (r, p) => p.test(r),
    emptyStarOnly: (r, p) => p.matchesOnlyViaEmptyStar(r),
  };
}

function numeric(kind: CompareKind): Family<Decimal, Decimal> {
  const verbs: Record<CompareKind, [string, string]> = {
    eq: ['equals', 'does not equal'],
    lt: ['is less than', 'is not less than'],
    lte: ['is less than or equal to', 'is greater than'],
    gt: ['is greater than', 'is not greater than'],
    gte: ['is greater than or equal to', 'is less than'],
  };
  return {
    what: 'a number',
    verbs: verbs[kind],
    invalid: {
      code: 'invalid-number',
      severity: 'error',
      hint: 'write an integer or decimal such as "10" or "2.5"',
    },
    wildcards: false,
    build: (parts) => parseDecimal(joinParts(parts)),
    prepare: parseDecimal,
    test: (r, p) => holds(compareDecimal(r, p), kind),
  };
}

function date(kind: CompareKind): Family<number, number> {
  const verbs: Record<CompareKind, [string, string]> = {
    eq: ['is the same instant as', 'is not the same instant as'],
    lt: ['is before', 'is not before'],
    lte: ['is at or before', 'is after'],
    gt: ['is after', 'is not after'],
    gte: ['is at or after', 'is before'],
  };
  return {
    what: 'a date',
    verbs: verbs[kind],
    invalid: {
      code: 'invalid-date',
      severity: 'error',
      hint: 'write a W3C ISO-8601 date such as "2026-06-01T00:00:00Z" or epoch seconds such as "1780272000"',
    },
    wildcards: false,
    build: (parts) => parseDate(joinParts(parts)),
    prepare: parseDate,
    test: (r, p) => holds(r < p ? -1 : r > p ? 1 : 0, kind),
    check: (_p, text) =>
      /^\d{1,4}$/.test(text)
        ? [
            {
              code: 'ambiguous-date',
              severity: 'warning',
              message: `"${text}" is read as epoch seconds, not as a year`,
              hint: 'write a full date such as "2026-01-01T00:00:00Z"',
              spec: '§5.4',
            },
          ]
        : [],
  };
}

const BOOL: Family<boolean, boolean> = {
  what: 'a boolean ("true" or "false")',
  verbs: ['equals', 'does not equal'],
  invalid: { code: 'invalid-bool', severity: 'error', hint: 'write "true" or "false"' },
  wildcards: false,
  build: (parts) => parseBool(joinParts(parts)),
  prepare: parseBool,
  test: (r, p) => r === p,
};

const BINARY: Family<Uint8Array, Uint8Array> = {
  what: 'base64 data',
  verbs: ['has the same bytes as', 'does not have the same bytes as'],
  invalid: {
    code: 'invalid-base64',
    severity: 'error',
    hint: 'write standard base64 with padding, e.g. "QmluYXJ5VmFsdWU="',
  },
  wildcards: false,
  build: (parts) => parseBase64(joinParts(parts)),
  prepare: parseBase64,
  test: (r, p) => bytesEqual(r, p),
};

const IP: Family<CidrBlock, IpAddress> = {
  what: 'an IP address',
  verbs: ['is in', 'is not in'],
  invalid: {
    code: 'invalid-cidr',
    severity: 'error',
    hint: 'write an IPv4 or IPv6 address or CIDR block, e.g. "203.0.113.0/24" or "2001:db8::/32"',
  },
  wildcards: false,
  build: (parts) => parseCidr(joinParts(parts)),
  prepare: parseIp,
  test: (r, p) => cidrContains(p, r),
  check: (p, text) =>
    p.hostBitsSet
      ? [
          {
            code: 'cidr-host-bits',
            severity: 'info',
            message: `"${text}" has address bits set beyond /${p.prefix}; they are ignored`,
            hint: 'write the network address of the block',
            spec: '§5.4',
          },
        ]
      : [],
};

const ARN: Family<ArnPattern, string[]> = {
  what: 'an ARN (six colon-separated fields)',
  verbs: ['matches', 'does not match'],
  invalid: {
    code: 'invalid-arn',
    severity: 'warning',
    hint: 'write a whole ARN, arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, with wildcards in the fields',
  },
  wildcards: true,
  build: (parts) => compileArnPattern(parts),
  prepare: splitArn,
  test: (r, p) => arnMatches(p, r),
  emptyStarOnly: (r, p) => arnMatchesOnlyViaEmptyStar(p, r),
};

const familyCache = new Map<string, Family<unknown, unknown>>();

function familyFor(base: BaseOperatorInfo): Family<unknown, unknown> | undefined {
  const cacheKey = `${base.family}/${base.like}/${base.ignoreCase}/${base.compare ?? ''}`;
  let fam = familyCache.get(cacheKey);
  if (fam) return fam;
  let made: unknown;
  switch (base.family) {
    case 'String':
      made = base.like ? stringLike(base.ignoreCase) : stringEquals(base.ignoreCase);
      break;
    case 'Numeric':
      made = numeric(base.compare ?? 'eq');
      break;
    case 'Date':
      made = date(base.compare ?? 'eq');
      break;
    case 'Bool':
      made = BOOL;
      break;
    case 'Binary':
      made = BINARY;
      break;
    case 'IpAddress':
      made = IP;
      break;
    case 'Arn':
      made = ARN;
      break;
    case 'Null':
      return undefined;
  }
  fam = made as Family<unknown, unknown>;
  familyCache.set(cacheKey, fam);
  return fam;
}

// ---------------------------------------------------------------------------------------------
// Compilation

/** A policy value that never matches: invalid after variable substitution (or an invalid ARN). */
const DEAD: unique symbol = Symbol('dead');
/** A policy value whose variable cannot be resolved in this request. */
const UNRESOLVED: unique symbol = Symbol('unresolved');

/** One policy value, pre-parsed. */
export interface PolicySlot {
  /** As written. */
  readonly raw: string;
  /** For display when static (variables need the context). */
  readonly display: string;
  /** Present when the value has variables: it is built at evaluation time. */
  readonly template: PolicyTemplate | undefined;
  /** The pre-parsed value when static (`DEAD` when it can never match). */
  readonly value: unknown;
}

/** The evaluation plan of a clause. Internal: its shape may change. */
export interface ClausePlan {
  /** Undefined for `Null`. */
  readonly family: Family<unknown, unknown> | undefined;
  readonly slots: readonly PolicySlot[];
  /** The pre-parsed values when no slot has variables (no per-evaluation work). */
  readonly staticValues: readonly unknown[] | undefined;
  /** For `Null`: the expected "is absent" of each value. */
  readonly nullExpect: readonly boolean[];
  /** UNCONFIRMED notes that hold for every evaluation of this clause. */
  readonly notes: readonly string[];
}

export interface CompiledClause {
  readonly clause: ConditionClause;
  /** Pre-parsed policy values and the family comparator. */
  readonly plan: ClausePlan;
}

function displayOf(t: PolicyTemplate, parts: readonly ResolvedPart[], wildcards: boolean): string {
  let s = '';
  for (let i = 0; i < t.parts.length; i++) {
    const tp = t.parts[i];
    s += tp && tp.kind === 'escape' && wildcards ? tp.raw : (parts[i] as ResolvedPart).text;
  }
  return s;
}

/** The text parts (wildcards active) of a template, for the Like/Equals warnings. */
function textHasWildcard(t: PolicyTemplate): boolean {
  return t.parts.some((p) => p.kind === 'text' && hasWildcard(p.text));
}

export function compileClause(
  clause: ConditionClause,
  version: PolicyVersion | undefined,
): { compiled: CompiledClause | undefined; findings: Finding[] } {
  const findings: Finding[] = [];
  const base = clause.operator.base;
  const fam = familyFor(base);
  const versionOk = version === '2012-10-17';
  const varsEnabled = base.variables && versionOk;
  const notes: string[] = [];
  if (clause.nonStringValues) notes.push(NOTE_NON_STRING_VALUES);
  if (clause.values.length === 0) notes.push(NOTE_EMPTY_VALUES);
  const slots: PolicySlot[] = [];
  const nullExpect: boolean[] = [];
  let failed = false;
  let allStatic = true;

  for (const v of clause.values) {
    const text = v.value;
    const span = v.span;
    if (text.includes('${') && !varsEnabled) {
      findings.push({
        code: 'variable-not-allowed',
        severity: 'warning',
        message: !base.variables
          ? `${base.name} does not substitute policy variables, so "${text}" is compared literally`
          : `policy variables need "Version": "2012-10-17"; without it "${text}" is literal text`,
        span,
        hint: !base.variables
          ? 'policy variables work only in String, Arn and Bool operator values'
          : 'set "Version": "2012-10-17" in the policy',
        spec: '§5.6',
      });
    }
    if (!fam) {
      // Null
      const b = parseBool(text);
      if (b === undefined) {
        failed = true;
        findings.push({
          code: 'invalid-null-value',
          severity: 'error',
          message: `Null takes "true" (the key is absent) or "false" (the key is present), not "${text}"`,
          span,
          hint: 'write "true" or "false"',
          spec: '§5.2',
        });
      } else nullExpect.push(b);
      slots.push({ raw: text, display: text, template: undefined, value: b });
      continue;
    }
    const { template, issues } = parseTemplate(text, varsEnabled);
    for (const issue of issues) {
      findings.push({
        code: issue.code,
        severity: 'warning',
        message: issue.message,
        span,
        hint:
          issue.code === 'unterminated-variable'
            ? 'close the variable with "}"'
            : "write ${key} or ${key, 'default'}; ${*} ${?} ${$} give a literal * ? $",
        spec: '§5.6',
      });
    }
    if (base.family === 'String') {
      if (base.like && !textHasWildcard(template)) {
        findings.push({
          code: 'like-without-wildcard',
          severity: 'warning',
          message: `"${text}" has no * or ? wildcard, so ${base.name} acts like ${base.negated ? 'StringNotEquals' : 'StringEquals'}`,
          span,
          hint: `use ${base.negated ? 'StringNotEquals' : 'StringEquals'}, or add the wildcard you meant`,
          spec: '§5.3',
        });
      } else if (!base.like && textHasWildcard(template)) {
        findings.push({
          code: 'wildcard-without-like',
          severity: 'warning',
          message: `${base.name} compares "${text}" literally: its * or ? only matches that same character`,
          span,
          hint: `use ${base.negated ? 'StringNotLike' : 'StringLike'} for wildcard matching`,
          spec: '§5.3',
        });
      }
    }
    if (template.hasVariables) {
      allStatic = false;
      if (base.family === 'Bool' && !notes.includes(NOTE_BOOL_VARIABLES))
        notes.push(NOTE_BOOL_VARIABLES);
      slots.push({ raw: text, display: text, template, value: undefined });
      continue;
    }
    const parts = staticParts(template);
    const display = displayOf(template, parts, fam.wildcards);
    const built = fam.build(parts);
    if (built === undefined) {
      findings.push({
        code: fam.invalid.code,
        severity: fam.invalid.severity,
        message: `"${text}" is not ${fam.what}, as ${base.name} needs${fam.invalid.severity === 'error' ? '' : ', so it never matches'}`,
        span,
        hint: fam.invalid.hint,
        spec: '§5.4',
      });
      if (fam.invalid.severity === 'error') failed = true;
      slots.push({ raw: text, display, template: undefined, value: DEAD });
      continue;
    }
    for (const f of fam.check?.(built, text) ?? []) findings.push({ ...f, span });
    slots.push({ raw: text, display, template: undefined, value: built });
  }

  if (failed) return { compiled: undefined, findings };
  const plan: ClausePlan = {
    family: fam,
    slots,
    staticValues: allStatic ? slots.map((s) => s.value) : undefined,
    nullExpect,
    notes,
  };
  return { compiled: { clause, plan }, findings };
}

// ---------------------------------------------------------------------------------------------
// Evaluation

const SAT = 1;
const INVALID = 2;
const UNRES = 4;
const EMPTY_ONLY = 8;
const MATCH = 16;

interface RawOutcome {
  value: string;
  flags: number;
  /** Index of the first policy value it matched, or -1. */
  match: number;
}

/** What a traced evaluation collects. */
interface Recorder {
  policyValues: string[];
  comparisons: Comparison[];
  notes: string[];
  /** Unresolved variables, e.g. `${aws:x} (key absent)`. */
  unresolved: string[];
  /** Policy values that can never match (invalid after substitution, invalid ARN). */
  dead: string[];
  outcomes: RawOutcome[];
  rule: ClauseRule;
}

function addNote(notes: string[], note: string | undefined): void {
  if (note && !notes.includes(note)) notes.push(note);
}

function addEntryNotes(notes: string[], entry: ContextEntry): void {
  addNote(notes, entry.unconfirmed);
}

/** Policy values for this request: static ones as compiled, variable ones built now. */
function policyValues(
  plan: ClausePlan,
  ctx: RequestContext,
  rec: Recorder | null,
): readonly unknown[] {
  const fam = plan.family as Family<unknown, unknown>;
  if (plan.staticValues) {
    if (rec) {
      for (const s of plan.slots) {
        rec.policyValues.push(s.display);
        if (s.value === DEAD) rec.dead.push(s.display);
      }
    }
    return plan.staticValues;
  }
  const out: unknown[] = new Array<unknown>(plan.slots.length);
  for (let i = 0; i < plan.slots.length; i++) {
    const s = plan.slots[i] as PolicySlot;
    if (!s.template) {
      out[i] = s.value;
      if (rec) {
        rec.policyValues.push(s.display);
        if (s.value === DEAD) rec.dead.push(s.display);
      }
      continue;
    }
    const r = resolveTemplate(s.template, ctx);
    if (!r.ok) {
      out[i] = UNRESOLVED;
      if (rec) {
        rec.policyValues.push(s.raw);
        const why = r.why === 'absent' ? 'key absent' : 'key is multivalued';
        addNote(rec.unresolved, `${r.variable} (${why})`);
      }
      continue;
    }
    const built = fam.build(r.parts);
    out[i] = built === undefined ? DEAD : built;
    if (rec) {
      const display = displayOf(s.template, r.parts, fam.wildcards);
      rec.policyValues.push(display);
      if (built === undefined) rec.dead.push(display);
      for (const e of r.used) {
        addEntryNotes(rec.notes, e);
        if (e.source.startsWith('token claim')) addNote(rec.notes, NOTE_CLAIM_VARIABLE);
      }
    }
  }
  return out;
}

/** Compare one request value with every policy value; flags say how it went. */
function checkValue(
  fam: Family<unknown, unknown>,
  negated: boolean,
  request: string,
  values: readonly unknown[],
  rec: Recorder | null,
): number {
  const r = fam.prepare(request);
  let flags = 0;
  let match = -1;
  let sawUnresolved = false;
  let strict = false;
  for (let i = 0; i < values.length; i++) {
    const p = values[i];
    let m = false;
    if (p === UNRESOLVED) sawUnresolved = true;
    else if (p !== DEAD && r !== undefined) m = fam.test(r, p);
    if (rec && rec.comparisons.length < MAX_COMPARISONS) {
      rec.comparisons.push({ request, policy: rec.policyValues[i] as string, matched: m });
    }
    if (m) {
      flags |= MATCH;
      if (match < 0) match = i;
      if (!rec) break;
      if (!strict && !(fam.emptyStarOnly?.(r, p) ?? false)) strict = true;
    }
  }
  if (r === undefined) flags |= INVALID;
  if (flags & MATCH) {
    if (rec && !strict) flags |= EMPTY_ONLY;
  } else if (sawUnresolved) flags |= UNRES;
  if (negated ? !(flags & MATCH) : flags & MATCH) flags |= SAT;
  if (rec) rec.outcomes.push({ value: request, flags, match });
  return flags;
}

interface Outcome {
  result: boolean;
  present: boolean;
  entry: ContextEntry | undefined;
}

/** The outcome of a clause, and its rule in the trace (a plain function: no closure per clause). */
function finish(
  rec: Recorder | null,
  result: boolean,
  rule: ClauseRule,
  present: boolean,
  entry: ContextEntry | undefined,
): Outcome {
  if (rec) rec.rule = rule;
  return { result, present, entry };
}

function run(c: CompiledClause, ctx: RequestContext, rec: Recorder | null): Outcome {
  const { clause, plan } = c;
  const op = clause.operator;
  const base = op.base;
  const entry = ctx.get(clause.keyLower);
  const present = entry !== undefined && !(entry.multiValued && entry.values.length === 0);

  if (!plan.family) {
    // Null: "true" = the key is absent, "false" = present; several values: OR.
    const result = plan.nullExpect.some((absent) => absent === !present);
    if (rec) {
      for (const s of plan.slots) rec.policyValues.push(s.display);
    }
    return finish(rec, result, 'null-check', present, entry);
  }
  if (!present) {
    if (rec) policyValues(plan, ctx, rec);
    if (op.ifExists) return finish(rec, true, 'if-exists-missing', present, entry);
    if (op.setOperator === 'ForAllValues')
      return finish(rec, true, 'for-all-values-vacuous', present, entry);
    if (op.setOperator === 'ForAnyValue')
      return finish(rec, false, 'for-any-value-empty', present, entry);
    return finish(rec, base.negated, 'missing-key', present, entry);
  }
  if (!op.setOperator && entry.multiValued) {
    if (rec) {
      policyValues(plan, ctx, rec);
      addNote(rec.notes, NOTE_BARE_MULTIVALUED);
    }
    return finish(rec, false, 'bare-operator-multivalued', present, entry);
  }

  const fam = plan.family;
  const values = policyValues(plan, ctx, rec);
  const negated = base.negated;
  const reqs = entry.values;
  let result: boolean;
  if (!op.setOperator) {
    result = (checkValue(fam, negated, reqs[0] as string, values, rec) & SAT) !== 0;
  } else if (op.setOperator === 'ForAnyValue') {
    result = false;
    for (const v of reqs) {
      if (checkValue(fam, negated, v, values, rec) & SAT) {
        result = true;
        if (!rec) break;
      }
    }
  } else {
    result = true;
    for (const v of reqs) {
      if (!(checkValue(fam, negated, v, values, rec) & SAT)) {
        result = false;
        if (!rec) break;
      }
    }
  }

  if (rec) {
    // The request values the result rests on: the satisfying ones when one sufficed
    // (ForAnyValue true), the failing ones when one sufficed (ForAllValues false), else all.
    const deciding = decidingOutcomes(rec.outcomes, op.setOperator, result);
    let rule: ClauseRule = 'compare';
    if (deciding.some((o) => o.flags & INVALID)) rule = 'invalid-request-value';
    else if (deciding.some((o) => o.flags & UNRES)) rule = 'unresolved-variable';
    rec.rule = rule;
    if (result === !negated && deciding.some((o) => o.flags & EMPTY_ONLY)) {
      addNote(rec.notes, NOTE_EMPTY_STAR);
    }
  }
  return { result, present, entry };
}

function decidingOutcomes(
  outcomes: readonly RawOutcome[],
  setOperator: string | undefined,
  result: boolean,
): RawOutcome[] {
  if (setOperator === 'ForAnyValue' && result) return outcomes.filter((o) => o.flags & SAT);
  if (setOperator === 'ForAllValues' && !result) return outcomes.filter((o) => !(o.flags & SAT));
  return outcomes.slice();
}

/** The clause's result without building a trace (same answer as `evaluateClause(...).result`). */
export function testClause(c: CompiledClause, ctx: RequestContext): boolean {
  return run(c, ctx, null).result;
}

export function evaluateClause(c: CompiledClause, ctx: RequestContext): ClauseTrace {
  const rec: Recorder = {
    policyValues: [],
    comparisons: [],
    notes: [],
    unresolved: [],
    dead: [],
    outcomes: [],
    rule: 'compare',
  };
  const { result, present, entry } = run(c, ctx, rec);
  const notes: string[] = [];
  if (entry) addEntryNotes(notes, entry);
  for (const n of c.plan.notes) addNote(notes, n);
  for (const n of rec.notes) addNote(notes, n);
  return {
    operator: c.clause.operator.raw,
    op: c.clause.operator,
    clause: c.clause,
    key: c.clause.key,
    span: c.clause.keySpan,
    present,
    given: entry !== undefined,
    requestValues: entry ? [...entry.values] : [],
    policyValues: rec.policyValues,
    result,
    rule: rec.rule,
    outcomes: rec.outcomes.map(publicOutcome),
    unresolved: rec.unresolved,
    dead: rec.dead,
    ...(c.plan.family ? {} : { nullExpect: c.plan.nullExpect }),
    comparisons: rec.comparisons,
    unconfirmed: notes,
  };
}

function publicOutcome(o: RawOutcome): ValueOutcome {
  return {
    value: o.value,
    match: o.match,
    satisfied: (o.flags & SAT) !== 0,
    invalid: (o.flags & INVALID) !== 0,
    unresolved: (o.flags & UNRES) !== 0,
    emptyStarOnly: (o.flags & EMPTY_ONLY) !== 0,
  };
}

/** What a valid value of the operator's family is, and its verbs, for sentences about a clause. */
export function familyWords(op: OperatorSpec): { what: string; verbs: readonly [string, string] } {
  const fam = familyFor(op.base);
  return fam
    ? { what: fam.what, verbs: fam.verbs }
    : { what: '"true" or "false"', verbs: ['is', 'is not'] };
}
