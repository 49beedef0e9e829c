/**
 * The AssumeRoleWithWebIdentity pipeline: request → token → context → trust policy → duration,
 * in the order of spec §1.8 (our order: AWS does not document its own, UNCONFIRMED 10). Each stage
 * is a module of `./stages`; all of them write to one `Recorder`.
 * Pure: everything, including `now`, comes in as arguments; a Decision comes out.
 */
import { contextStage } from './stages/context.js';
import { durationStage } from './stages/duration.js';
import { policyStage } from './stages/policy.js';
import { requestStage } from './stages/request.js';
import { tokenStage } from './stages/token.js';
import { Recorder } from './trace.js';
import type { Decision, SimulationInput } from './types.js';

export { ASSUME_ACTION, SET_SOURCE_IDENTITY, TAG_SESSION } from './vocabulary.js';

/** Simulate one AssumeRoleWithWebIdentity call, with the full trace of every check. */
export function simulate(input: SimulationInput): Decision {
  return evaluate(input, new Recorder(true));
}

/**
 * The same decision as `simulate` — decision, stage, code, message, failed check, caller and the
 * per-action Allow/Deny — without the trace: `checks` holds only the failed check, `statements`
 * and `context` are empty. For bulk evaluation; both run the same stages and the same statement
 * evaluator, and differ only in what they record.
 */
export function decide(input: SimulationInput): Decision {
  return evaluate(input, new Recorder(false));
}

function evaluate(input: SimulationInput, rec: Recorder): Decision {
  const request = requestStage(input, rec);
  if (!request.ok) return request.decision;
  const token = tokenStage(input, rec, request.role);
  if (!token.ok) return token.decision;
  const ctx = contextStage(input, rec, token.facts);
  return policyStage(input, rec, token.facts, ctx) ?? durationStage(input, rec) ?? rec.allow();
}
