/** What `diagnose` returns: causes in the user's terms, each with the fix and how serious it is. */

/** One cause of a denial, named in the user's terms, with the fix. */
export interface Diagnosis {
  /** Stable id, e.g. `key-written-with-provider-arn`, `github-environment-subject`. */
  cause: string;
  title: string;
  detail: string;
  fix: string;
  /** Where to fix it, when it is a place in the policy. */
  at?: { file?: string; line: number; column: number };
}

/**
 * `error`: a cause of this denial. `warning`: a trap in the policy's shape that did not decide this
 * request (its cause id then starts with `trap:`). `info`: on an allow, what let the token in
 * (`allowed-by-statement`) — the answer to "why was this not refused?".
 */
export type DiagnosisSeverity = 'error' | 'warning' | 'info';

export interface ExplainedDiagnosis extends Diagnosis {
  severity: DiagnosisSeverity;
}

export interface DiagnoseOptions {
  /** The policy file, for `at.file`. */
  policyFile?: string;
}

/** Prefix of the cause ids of policy-shape traps reported as warnings. */
export const TRAP_PREFIX = 'trap:';
