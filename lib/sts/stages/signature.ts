/**
 * Stage 2, the token's signature and issuer kind (§1.3): a token AWS itself issued for outbound
 * federation is refused before any provider is looked up (AWS documents it cannot be used here),
 * and a token whose signature was checked against the provider's keys (lib/token-verify.ts) is
 * refused when STS could not verify it. A token given without keys is not checked: the simulator
 * then trusts its claims, as it always has.
 */
import { AWS_OUTBOUND_NOTE, isAwsOutboundIssuer } from '../../providers/index.js';
import type { SignatureProblem } from '../../token-verify.js';
import type { Recorder } from '../trace.js';
import type { Decision, SimulationInput, TokenCheck } from '../types.js';

type Refusal = { ok: false; decision: Decision };

/** The message STS is observed to give when it finds no key for the token. */
export const NO_KEY_MESSAGE =
  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";
const SIGNATURE_MESSAGE = "The token's signature could not be verified";

/** Problems that leave STS without a key (as opposed to a key that does not verify). */
const NO_KEY: ReadonlySet<SignatureProblem> = new Set([
  'too-many-keys',
  'kid-not-found',
  'no-kid-several-keys',
  'no-key',
]);
/** Problems that rest on the observed (undocumented) key-selection rules. */
const OBSERVED_RULE: ReadonlySet<SignatureProblem> = new Set([
  'no-kid-several-keys',
  'key-not-for-signing',
  'rsa-key-too-small',
]);
const SIGNATURE_NOTE = '§1.3 (UNCONFIRMED 5): the code and message for a signature STS rejects';
const KEYS_NOTE =
  'UNCONFIRMED [jwks-keys]: JWKS key selection as observed by a third-party probe of STS, not documented';

function refuse(rec: Recorder, check: TokenCheck, message: string): Refusal {
  rec.add(false, () => check);
  return { ok: false, decision: rec.deny('token', 'InvalidIdentityToken', message, check.id) };
}

/** A token of AWS outbound identity federation (GetWebIdentityToken). */
export function awsIssued(input: SimulationInput, rec: Recorder): Refusal | undefined {
  const iss = input.token.claims['iss'];
  if (!isAwsOutboundIssuer(iss)) return undefined;
  const check: TokenCheck = {
    id: 'token.aws-issued',
    stage: 'token',
    ok: false,
    data: { iss, sub: input.token.claims['sub'] },
    unconfirmed: AWS_OUTBOUND_NOTE,
  };
  return refuse(
    rec,
    check,
    'Tokens issued by GetWebIdentityToken cannot be used with AssumeRoleWithWebIdentity',
  );
}

/** The signature, when it was checked against the provider's keys. */
export function signature(input: SimulationInput, rec: Recorder): Refusal | undefined {
  const verdict = input.token.signature;
  if (verdict === undefined) return undefined;
  const problem = verdict.problem;
  if (!verdict.ok) {
    const message =
      problem !== undefined && NO_KEY.has(problem) ? NO_KEY_MESSAGE : SIGNATURE_MESSAGE;
    return refuse(rec, signatureCheck(verdict), message);
  }
  if (rec.trace) rec.record(signatureCheck(verdict));
  return undefined;
}

function signatureCheck(verdict: NonNullable<SimulationInput['token']['signature']>): TokenCheck {
  const problem = verdict.problem;
  return {
    id: 'token.signature',
    stage: 'token',
    ok: verdict.ok,
    data: verdict,
    ...(problem === undefined
      ? {}
      : { unconfirmed: OBSERVED_RULE.has(problem) ? KEYS_NOTE : SIGNATURE_NOTE }),
  };
}
