/** What `diagnose` returns: the scenario module's `Diagnosis`, plus how serious it is. */
import type { Diagnosis } from '../scenarios/types.js';

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
