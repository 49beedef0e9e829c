/** Stage 5: DurationSeconds against the role's MaxSessionDuration, checked after the trust policy (§1.6, §1.8). */
import type { Recorder } from '../trace.js';
import type { Decision, RequestCheck, SimulationInput } from '../types.js';
import { DEFAULT_DURATION_SECONDS } from '../vocabulary.js';
import { requestCheckMessage } from './request.js';

export function durationStage(input: SimulationInput, rec: Recorder): Decision | undefined {
  const maximum = input.role.maxSessionDuration ?? DEFAULT_DURATION_SECONDS;
  const requested = input.request.durationSeconds ?? DEFAULT_DURATION_SECONDS;
  const ok = requested <= maximum;
  if (ok && !rec.trace) return undefined;
  const check: RequestCheck = {
    id: 'request.max-session-duration',
    stage: 'request',
    ok,
    data: { requested, maximum },
  };
  if (ok) {
    rec.record(check);
    return undefined;
  }
  rec.add(false, () => check);
  return rec.deny('request', 'ValidationError', requestCheckMessage(check) as string, check.id);
}
