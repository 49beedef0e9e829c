/** The typed model of a role trust policy, every element carrying its place in the source. */
import type { Finding, Span } from '../diagnostics.js';
import type { OperatorSpec } from './operators.js';

export interface Located<T> {
  value: T;
  span: Span;
}

/** `2012-10-17` enables policy variables; `2008-10-17` (AWS's default when absent) does not (§4.1, §5.6). */
export type PolicyVersion = '2012-10-17' | '2008-10-17';

export interface TrustPolicy {
  /** As written; `undefined` when the element is absent (then AWS uses 2008-10-17). */
  version: PolicyVersion | undefined;
  id?: string;
  statements: Statement[];
  span: Span;
  /** Where `Version` is written, when it is. */
  versionSpan?: Span;
  /** Non-whitespace characters, as IAM counts them against the trust-policy quota (§5.7). */
  size?: number;
}

export type Effect = 'Allow' | 'Deny';

export interface Statement {
  /** 0-based position in the Statement array (0 when Statement is a single object). */
  index: number;
  sid?: Located<string>;
  effect: Located<Effect>;
  principal: PrincipalSpec;
  /** `Action` (negated=false) or `NotAction` (negated=true); patterns as written. */
  action: { negated: boolean; patterns: Located<string>[]; span: Span };
  conditions: ConditionClause[];
  span: Span;
}

/**
 * `Principal` element. `star` is `"*"` (or `{"AWS": "*"}`); `federated` lists the `Federated`
 * values; `other` keeps `AWS`, `Service`, `CanonicalUser` values, which never match a web-identity
 * caller but are kept for the trace.
 */
export interface PrincipalSpec {
  star: boolean;
  federated: Located<string>[];
  other: { type: string; values: Located<string>[] }[];
  span: Span;
}

/** One key under one operator: `"StringLike": {"KEY": [values]}`. */
export interface ConditionClause {
  operator: OperatorSpec;
  operatorSpan: Span;
  /** The key as written (its case kept for display). */
  key: string;
  /** Lower-cased key for lookup: key names are case-insensitive (§3.6). */
  keyLower: string;
  keySpan: Span;
  /** Values stringified (JSON true/10 become "true"/"10", §5.4 UNCONFIRMED 23). */
  values: Located<string>[];
  /** True when a value was written as a JSON boolean/number rather than a string. */
  nonStringValues: boolean;
}

/**
 * The result of parsing: the policy when no finding is an error (write-time findings, which IAM
 * would refuse to store but the simulation evaluates, aside), and every finding either way.
 */
export type ParseResult =
  | { ok: true; policy: TrustPolicy; findings: Finding[] }
  | { ok: false; policy?: undefined; findings: Finding[] };
