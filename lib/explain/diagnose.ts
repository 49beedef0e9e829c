/**
 * `diagnose`: name the cause(s) of a denial in the user's terms, with the fix, most likely first —
 * then the policy-shape traps the trace shows, as warnings. Reads the decision's trace (and the
 * token claims and role of the input); never re-evaluates the policy.
 */
import type { Decision, SimulationInput } from '../sts/types.js';
import { gatherFacts, type Facts } from './facts.js';
import { durationMaximum, durationRange, otherRequest, sessionName } from './request.js';
import { allowedBy, explicitDeny, refusedActions } from './statements.js';
import {
  audienceNotInClientIds,
  otherToken,
  providerNotRegistered,
  tokenExpired,
  tokenNotYetValid,
} from './token.js';
import { algorithmRefused, awsIssuedRefused, signatureRefused } from './signature.js';
import { findTraps, placeKey } from './traps.js';
import type { DiagnoseOptions, ExplainedDiagnosis } from './types.js';

export type Detector = (f: Facts) => ExplainedDiagnosis[];

/** One cause family a detector, in the order STS applies its checks; each returns [] when it does not apply. */
export const DENIAL_DETECTORS: readonly Detector[] = [
  sessionName,
  durationRange,
  otherRequest,
  awsIssuedRefused,
  algorithmRefused,
  providerNotRegistered,
  signatureRefused,
  audienceNotInClientIds,
  tokenExpired,
  tokenNotYetValid,
  otherToken,
  explicitDeny,
  refusedActions,
  durationMaximum,
];

function unique(list: ExplainedDiagnosis[]): ExplainedDiagnosis[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${placeKey(d.cause, d)}|${d.detail}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * The causes of a denial (severity `error`, most likely first), then the traps in the policy's
 * shape (severity `warning`, cause ids `trap:…`). An allowed request gets the statements that
 * allowed it (severity `info`, `allowed-by-statement`), then the traps.
 */
export function diagnose(
  decision: Decision,
  input: SimulationInput,
  opts: DiagnoseOptions = {},
): ExplainedDiagnosis[] {
  const f = gatherFacts(decision, input, opts);
  const causes =
    decision.decision === 'deny'
      ? unique(DENIAL_DETECTORS.flatMap((detect) => detect(f)))
      : allowedBy(f);
  const reported = new Set(causes.map((d) => placeKey(d.cause, d)));
  return [...causes, ...unique(findTraps(f, reported))];
}
