import type { Span } from '../diagnostics.js';

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

export interface ClauseTrace {
  /** Operator as written, e.g. `ForAnyValue:StringLike`. */
  operator: string;
  /** Key as written in the policy. */
  key: string;
  span: Span;
  present: boolean;
  requestValues: string[];
  /** Policy values after variable substitution; an unresolved variable shows as written. */
  policyValues: string[];
  result: boolean;
  rule: ClauseRule;
  /** One sentence saying why, with the values, e.g. `"repo:a/b:pull_request" does not match "repo:a/b:ref:*"`. */
  reason: string;
  /** The pairs compared (at most a few dozen are kept). */
  comparisons: Comparison[];
  /** Descriptions of UNCONFIRMED spec rules this result rests on, each with its § number. */
  unconfirmed: string[];
}
