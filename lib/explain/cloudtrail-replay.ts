/**
 * A recorded `AssumeRoleWithWebIdentity` call, replayed: the simulation input it stands for, and
 * whether the simulated outcome is the one CloudTrail recorded. A disagreement means the policy
 * under test is not the one that ran (or the call depended on something CloudTrail does not keep).
 *
 * CloudTrail keeps the provider, the audience and the subject of the token, not the token: its
 * other claims, signature and expiry are gone. So a call STS refused for its token
 * (InvalidIdentityToken, ExpiredTokenException, IDPRejectedClaim, IDPCommunicationError) cannot
 * be re-checked, and a policy that reads other claims (a GitHub `repository`, a Cognito `amr`)
 * sees them absent; both cases are said, never counted as agreement.
 */
import type { Claims, ProviderEntry } from '../providers/index.js';
import type { CompiledPolicy } from '../sts/compile.js';
import { decide, simulate } from '../sts/simulate.js';
import type { Decision, SimulationInput } from '../sts/types.js';
import type { RecordedCall } from './cloudtrail.js';

/** The error codes STS returns for the token itself, before the trust policy (§1.3–§1.4). */
export const TOKEN_ERROR_CODES: readonly string[] = [
  'InvalidIdentityToken',
  'ExpiredTokenException',
  'IDPRejectedClaim',
  'IDPCommunicationError',
];

/** The claims of the token, as far as CloudTrail tells them. */
export function recordedClaims(call: RecordedCall): Claims {
  const p = call.provider;
  const claims: Record<string, unknown> =
    p.provider === 'facebook'
      ? { app_id: call.aud, id: call.sub }
      : p.provider === 'amazon'
        ? { app_id: call.aud, user_id: call.sub }
        : { iss: `https://${p.hostPath}`, aud: call.aud, sub: call.sub };
  if (call.sourceIdentity !== undefined)
    claims['https://aws.amazon.com/source_identity'] = call.sourceIdentity;
  if (call.principalTags !== undefined) {
    claims['https://aws.amazon.com/tags'] = {
      principal_tags: Object.fromEntries(
        Object.entries(call.principalTags).map(([k, v]) => [k, [v]]),
      ),
      ...(call.transitiveTagKeys ? { transitive_tag_keys: call.transitiveTagKeys } : {}),
    };
  }
  return claims;
}

/** The OAuth 2.0 providers are named by the request's ProviderId (§1.4). */
export function recordedProviderId(call: RecordedCall): string | undefined {
  if (call.providerId !== undefined) return call.providerId;
  const id = call.provider.provider;
  return id === 'facebook' || id === 'amazon' ? call.provider.hostPath : undefined;
}

/**
 * The IAM OIDC provider the call shows registered in the role's account, with the call's audience
 * as a client ID: STS found both before it reached the trust policy. Built-in providers need none.
 */
export function recordedProviders(call: RecordedCall): ProviderEntry[] {
  return call.provider.kind === 'oidc'
    ? [{ url: `https://${call.provider.hostPath}`, clientIds: [call.aud] }]
    : [];
}

export function replayInput(
  call: RecordedCall,
  policy: CompiledPolicy,
  opts: { now: number; maxSessionDuration?: number },
): SimulationInput {
  const providerId = recordedProviderId(call);
  return {
    role: {
      arn: call.roleArn,
      policy,
      ...(opts.maxSessionDuration !== undefined
        ? { maxSessionDuration: opts.maxSessionDuration }
        : {}),
    },
    providers: recordedProviders(call),
    token: { claims: recordedClaims(call) },
    request: {
      ...(call.roleSessionName !== undefined ? { roleSessionName: call.roleSessionName } : {}),
      ...(call.durationSeconds !== undefined ? { durationSeconds: call.durationSeconds } : {}),
      ...(providerId !== undefined ? { providerId } : {}),
    },
    now: call.time ?? opts.now,
  };
}

export type Verdict = 'match' | 'mismatch' | 'unverifiable';

export interface Comparison {
  verdict: Verdict;
  /** `allowed`, or the recorded error code. */
  recorded: string;
  /** `allowed`, or `denied (CODE at STAGE)`. */
  simulated: string;
  /** One sentence: why the verdict. */
  reason: string;
  /** Condition keys of the token's provider that the policy reads and CloudTrail does not record. */
  unrecordedKeys: string[];
}

/** Keys the policy compared that would come from claims CloudTrail does not keep. */
function unrecordedKeys(call: RecordedCall, decision: Decision): string[] {
  const prefix = `${call.provider.hostPath.toLowerCase()}:`;
  const kept = new Set(['sub', 'aud', 'app_id', 'id', 'user_id']);
  const keys = new Set<string>();
  for (const s of decision.statements) {
    for (const c of s.conditions) {
      const key = c.key.toLowerCase();
      if (!c.present && key.startsWith(prefix) && !kept.has(key.slice(prefix.length)))
        keys.add(c.key);
    }
  }
  return [...keys];
}

function simulatedText(d: Decision): string {
  return d.decision === 'allow' ? 'allowed' : `denied (${d.code} at the ${d.stage} stage)`;
}

/** Does the simulated decision agree with what CloudTrail recorded? */
export function compareOutcome(call: RecordedCall, decision: Decision): Comparison {
  const recorded = call.outcome.kind === 'allow' ? 'allowed' : call.outcome.code;
  const simulated = simulatedText(decision);
  const unrecorded = unrecordedKeys(call, decision);
  const base = { recorded, simulated, unrecordedKeys: unrecorded };
  const code = call.outcome.kind === 'error' ? call.outcome.code : undefined;
  if (code !== undefined && TOKEN_ERROR_CODES.includes(code)) {
    return {
      ...base,
      verdict: 'unverifiable',
      reason: `STS refused the token itself (${code}) before the trust policy; CloudTrail keeps no token, so this cannot be re-checked (with a valid token the policy would have ${decision.decision === 'allow' ? 'allowed' : 'denied'} the call)`,
    };
  }
  if (code !== undefined && code !== 'AccessDenied' && code !== 'ValidationError') {
    return {
      ...base,
      verdict: 'unverifiable',
      reason: `${code} is not decided by the trust policy, the token or the request parameters trustspec simulates`,
    };
  }
  const agrees =
    code === undefined
      ? decision.decision === 'allow'
      : decision.decision === 'deny' && decision.code === code;
  if (agrees) return { ...base, verdict: 'match', reason: 'the simulation agrees with CloudTrail' };
  if (unrecorded.length > 0) {
    return {
      ...base,
      verdict: 'unverifiable',
      reason: `the policy reads ${unrecorded.join(', ')}, from claims CloudTrail does not record (taken as absent here)`,
    };
  }
  return {
    ...base,
    verdict: 'mismatch',
    reason: `CloudTrail recorded ${recorded === 'allowed' ? 'an allowed call' : recorded}, the simulation is ${simulated}: the policy under test is not the one that ran`,
  };
}

/**
 * The comparison alone, for many calls: the decision without the trace first, the full trace only
 * when the outcome disagrees (the trace is what tells a mismatch from what CloudTrail does not keep).
 */
export function replayOutcome(
  call: RecordedCall,
  policy: CompiledPolicy,
  opts: { now: number; maxSessionDuration?: number },
): Comparison {
  const input = replayInput(call, policy, opts);
  const quick = compareOutcome(call, decide(input));
  return quick.verdict === 'mismatch' ? compareOutcome(call, simulate(input)) : quick;
}
