import type { Span } from '../diagnostics.js';
import type { ConditionClause } from '../policy/model.js';
import type { OperatorSpec } from '../policy/operators.js';

/** One comparison of a request value with a policy value. */
export interface Comparison {
  request: string;
  policy: string;
  matched: boolean;
}

/**
 * Which rule decided a clause, when it was not a plain value comparison. Reporters and `explain`
 * key their wording and diagnoses on these.
 */
export type ClauseRule =
  | 'compare' // values compared normally
  | 'missing-key' // key absent: positive operator false, negated true (§5.2)
  | 'if-exists-missing' // …IfExists with the key absent: true (§5.2)
  | 'null-check' // the Null operator (§5.2)
  | 'for-all-values-vacuous' // ForAllValues with the key absent or empty: true (§5.5)
  | 'for-any-value-empty' // ForAnyValue with the key absent or empty: false (§5.5)
  | 'bare-operator-multivalued' // plain operator on a multivalued key: false (§5.5, UNCONFIRMED 24)
  | 'unresolved-variable' // a ${var} could not be resolved (§5.6)
  | 'invalid-request-value'; // the request value is not of the operator's type (e.g. not a number)

/** How one request value fared against the clause's policy values. */
export interface ValueOutcome {
  value: string;
  /** Index of the first policy value it matched, or -1. */
  match: number;
  /** The value satisfies the operator (for a negated operator: it matched none). */
  satisfied: boolean;
  /** The value is not of the operator's type (e.g. not a number), so it matches nothing. */
  invalid: boolean;
  /** It matched nothing while some policy value had an unresolved variable. */
  unresolved: boolean;
  /** Its only matches rest on `*` matching the empty string (UNCONFIRMED 21). */
  emptyStarOnly: boolean;
}

export interface ClauseTrace {
  /** Operator as written, e.g. `ForAnyValue:StringLike`. */
  operator: string;
  /** The parsed operator: set qualifier, base operator, IfExists. */
  op: OperatorSpec;
  /** The clause of the policy model this trace is of (a stable reference into the AST). */
  clause: ConditionClause;
  /** Key as written in the policy. */
  key: string;
  span: Span;
  /** The key has at least one value in the request context. */
  present: boolean;
  /** The key is in the context at all (a multivalued key may be given with no values). */
  given: boolean;
  requestValues: string[];
  /** Policy values after variable substitution; an unresolved variable shows as written. */
  policyValues: string[];
  result: boolean;
  rule: ClauseRule;
  /** Per request value compared, in order (empty when no comparison was made). */
  outcomes: ValueOutcome[];
  /** The Null operator's expectations (`true`: the key is absent); only for Null. */
  nullExpect?: readonly boolean[];
  /** Variables that could not be resolved, e.g. `${aws:x} (key absent)`. */
  unresolved: string[];
  /** Policy values that can never match (not of the operator's type after substitution). */
  dead: string[];
  /** The pairs compared (at most a few dozen are kept). */
  comparisons: Comparison[];
  /** Descriptions of UNCONFIRMED spec rules this result rests on, each with its § number. */
  unconfirmed: string[];
}
