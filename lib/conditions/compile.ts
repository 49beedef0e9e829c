/**
 * Compiling condition clauses (§5): every policy value of a clause is parsed once, by its
 * operator family (patterns, numbers, dates, CIDRs, base64, ARNs, variables), into a plan that
 * `evaluateClause` and `testClause` (evaluate.ts) run against request contexts. Compile-time
 * findings (invalid values, Like/Equals mix-ups, variables where none are substituted) carry the
 * span of the value at fault.
 */
import type { Finding, Severity, Span } from '../diagnostics.js';
import type { ConditionClause, PolicyVersion } from '../policy/model.js';
import type { BaseOperatorInfo } from '../policy/operators.js';
import { WildcardPattern, hasWildcard, splitPattern, type PatternPart } from './wildcard.js';
import {
  parseTemplate,
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
import { parseInstant } from './date.js';
import { parseBool } from './bool.js';
import { parseBase64, bytesEqual } from './binary.js';

export const NOTE_EMPTY_VALUES =
  '§5.1 (UNCONFIRMED 20): a condition key with an empty value list (positive operators false, negated true)';
export const NOTE_BOOL_VARIABLES = '§5.4 (UNCONFIRMED 22): policy variables in a Bool value';
export const NOTE_NON_STRING_VALUES =
  '§5.4 (UNCONFIRMED 23): unquoted JSON booleans/numbers as condition values (taken as their text)';

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
  /** `build` of a value written without variables (one text part): the usual case, made fast. */
  buildText?(text: string): P | undefined;
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
    buildText: ignoreCase ? (text) => text.toLowerCase() : (text) => text,
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
  const options = { ignoreCase };
  return {
    what: 'a string',
    verbs: ignoreCase
      ? ['matches (ignoring case)', 'does not match (ignoring case)']
      : ['matches', 'does not match'],
    invalid: STRING_INVALID,
    wildcards: true,
    build: (parts) => new WildcardPattern(likeParts(parts), options),
    buildText: (text) => new WildcardPattern(text, options),
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

function date(kind: CompareKind): Family<Decimal, Decimal> {
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
    build: (parts) => parseInstant(joinParts(parts)),
    prepare: parseInstant,
    test: (r, p) => holds(compareDecimal(r, p), kind),
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

function makeFamily(base: BaseOperatorInfo): Family<unknown, unknown> | undefined {
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
  return made as Family<unknown, unknown>;
}

/**
 * The family of each base operator, made on first use: base operators are the static objects of
 * the operator table, so this holds at most one family per operator.
 */
const FAMILIES = new WeakMap<BaseOperatorInfo, Family<unknown, unknown> | null>();

/** The family of an operator (undefined for `Null`). */
export function familyFor(base: BaseOperatorInfo): Family<unknown, unknown> | undefined {
  let fam = FAMILIES.get(base);
  if (fam === undefined) {
    fam = makeFamily(base) ?? null;
    FAMILIES.set(base, fam);
  }
  return fam ?? undefined;
}

// ---------------------------------------------------------------------------------------------
// Compilation

// Registered symbols: a policy compiled by one load of trustspec is evaluated alike by another
// (`trustspec/core`'s modules and the bundle `trustspec` loads; two installed copies).
/** A policy value that never matches: invalid after variable substitution (or an invalid ARN). */
export const DEAD: unique symbol = Symbol.for('trustspec.policy-value.dead');
/** A policy value whose variable cannot be resolved in this request. */
export const UNRESOLVED: unique symbol = Symbol.for('trustspec.policy-value.unresolved');

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
  /**
   * The clause's key as a number, the same for every clause of one policy that reads that key
   * (case-insensitively), from 0 up: a request context may cache what it worked out for a key
   * under it. -1 when the clause was compiled alone.
   */
  readonly slot: number;
  /**
   * The clause's lower-cased key, as the context is asked for it: within one policy, the same
   * string for every clause of a slot, so a context checks a slot's key by identity.
   */
  readonly keyLower: string;
}

/** A value for display: `${*}`-style escapes stay visible where `*` and `?` are wildcards. */
export function displayOf(
  t: PolicyTemplate,
  parts: readonly ResolvedPart[],
  wildcards: boolean,
): string {
  let s = '';
  for (let i = 0; i < t.parts.length; i++) {
    const tp = t.parts[i];
    s += tp && tp.kind === 'escape' && wildcards ? tp.raw : (parts[i] as ResolvedPart).text;
  }
  return s;
}

/** The text parts (wildcards active) of a template, for the Like/Equals warnings. */
function textHasWildcard(t: PolicyTemplate, star = false): boolean {
  return t.parts.some(
    (p) => p.kind === 'text' && (star ? p.text.includes('*') : hasWildcard(p.text)),
  );
}

/**
 * Does a written String value hold an active wildcard (`*`, or `*`/`?` unless `star`), outside
 * the `${*}` `${?}` `${$}` escapes of policy variables? The one rule behind the compile warnings
 * and the traps `explain` reports.
 */
export function hasActiveWildcard(
  text: string,
  version: PolicyVersion | undefined,
  star = false,
): boolean {
  return textHasWildcard(parseTemplate(text, version === '2012-10-17').template, star);
}

/**
 * Compiles one clause: each policy value parsed once by its family. `compiled` is undefined when
 * a value is invalid for its operator (an error finding says which).
 */
export function compileClause(
  clause: ConditionClause,
  version: PolicyVersion | undefined,
): { compiled: CompiledClause | undefined; findings: Finding[] } {
  const findings: Finding[] = [];
  return { compiled: compileClauseInto(clause, version, findings), findings };
}

const NO_NOTES: readonly string[] = Object.freeze([]);
const NO_BOOLS: readonly boolean[] = Object.freeze([]);

/** `compileClause`, adding its findings to `findings` (for compiling a whole policy). */
export function compileClauseInto(
  clause: ConditionClause,
  version: PolicyVersion | undefined,
  findings: Finding[],
  slot = -1,
  keyLower = clause.keyLower,
): CompiledClause | undefined {
  const base = clause.operator.base;
  const fam = familyFor(base);
  const versionOk = version === '2012-10-17';
  const varsEnabled = base.variables && versionOk;
  let notes: string[] | undefined;
  if (clause.nonStringValues) (notes ??= []).push(NOTE_NON_STRING_VALUES);
  if (clause.values.length === 0) (notes ??= []).push(NOTE_EMPTY_VALUES);
  const slots: PolicySlot[] = [];
  let nullExpect: boolean[] | undefined;
  let failed = false;
  let allStatic = true;

  for (const v of clause.values) {
    const text = v.value;
    const span = v.span;
    const hasDollarBrace = text.includes('${');
    if (hasDollarBrace && !varsEnabled) findings.push(variableNotAllowed(base, text, span));
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
      } else (nullExpect ??= []).push(b);
      slots.push({ raw: text, display: text, template: undefined, value: b });
      continue;
    }
    let built: unknown;
    let display: string;
    if (!hasDollarBrace || !varsEnabled) {
      // No variables: the value is one text part (the usual case, without a template).
      if (base.family === 'String') likeWarning(base, text, hasWildcard(text), span, findings);
      display = text;
      built = fam.buildText
        ? fam.buildText(text)
        : fam.build(text === '' ? [] : [{ text, wild: true }]);
    } else {
      const { template, issues } = parseTemplate(text, true);
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
      if (base.family === 'String')
        likeWarning(base, text, textHasWildcard(template), span, findings);
      if (template.hasVariables) {
        allStatic = false;
        if (base.family === 'Bool' && !notes?.includes(NOTE_BOOL_VARIABLES))
          (notes ??= []).push(NOTE_BOOL_VARIABLES);
        slots.push({ raw: text, display: text, template, value: undefined });
        continue;
      }
      const parts = staticParts(template);
      display = displayOf(template, parts, fam.wildcards);
      built = fam.build(parts);
    }
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
    if (fam.check) for (const f of fam.check(built, text)) findings.push({ ...f, span });
    slots.push({ raw: text, display, template: undefined, value: built });
  }

  if (failed) return undefined;
  let staticValues: unknown[] | undefined;
  if (allStatic) {
    staticValues = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) staticValues[i] = (slots[i] as PolicySlot).value;
  }
  const plan: ClausePlan = {
    family: fam,
    slots,
    staticValues,
    nullExpect: nullExpect ?? NO_BOOLS,
    notes: notes ?? NO_NOTES,
  };
  return { clause, plan, slot, keyLower };
}

function variableNotAllowed(base: BaseOperatorInfo, text: string, span: Span): Finding {
  return {
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
  };
}

/** A Like operator without a wildcard, or a wildcard under an Equals operator (§5.3). */
function likeWarning(
  base: BaseOperatorInfo,
  text: string,
  wildcard: boolean,
  span: Span,
  findings: Finding[],
): void {
  if (base.like && !wildcard) {
    findings.push({
      code: 'like-without-wildcard',
      severity: 'warning',
      message: `"${text}" has no * or ? wildcard, so ${base.name} acts like ${base.negated ? 'StringNotEquals' : 'StringEquals'}`,
      span,
      hint: `use ${base.negated ? 'StringNotEquals' : 'StringEquals'}, or add the wildcard you meant`,
      spec: '§5.3',
    });
  } else if (!base.like && wildcard) {
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
