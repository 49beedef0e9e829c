/** Causes found in the token stage (§1.3): provider registration, audience, time claims. */
import type { CheckId, CheckWithId } from '../sts/types.js';
import { describeCheck } from './describe.js';
import { diag, fmtEpoch, quoteList, tokenAudiences, type Facts } from './facts.js';
import { policyPrincipalDiagnoses } from './principal.js';
import type { ExplainedDiagnosis } from './types.js';

/** The failed token check with this id, when it is the one that refused. */
export function failedCheck<I extends CheckId>(f: Facts, id: I): CheckWithId<I> | undefined {
  if (f.decision.failedCheck !== id) return undefined;
  return f.decision.checks.find((c): c is CheckWithId<I> => c.id === id && !c.ok);
}

export function providerNotRegistered(f: Facts): ExplainedDiagnosis[] {
  const check = failedCheck(f, 'token.provider');
  if (!check) return [];
  const url = `https://${f.hostPath ?? 'HOST'}`;
  const account = f.role?.account ?? 'ACCOUNT_ID';
  const auds = tokenAudiences(f.claims['aud']);
  const create = `aws iam create-open-id-connect-provider --url ${url} --client-id-list ${auds[0] ?? 'sts.amazonaws.com'}`;
  const own = diag(
    'provider-not-registered',
    "The token's issuer is not an IAM OIDC provider in the role's account",
    `${describeCheck(check).message}. STS looks the token's iss up among the IAM OIDC providers of account ${account} (the role's account) and refuses the token before reading the trust policy.`,
    check.assumed
      ? `name the issuer in the trust policy as "Federated": "${f.caller ?? `arn:aws:iam::${account}:oidc-provider/${f.hostPath ?? 'HOST'}`}", and make sure that provider exists in account ${account} (${create})`
      : `register ${url} in account ${account} exactly as the token's iss spells it (${create}), or list it under the scenario's providers if it already exists`,
  );
  // With providers omitted, a provider is "registered" when the policy names it: a wrong Federated
  // principal is then the likelier cause, so it goes first.
  const principals = policyPrincipalDiagnoses(f);
  return check.assumed ? [...principals, own] : [own, ...principals];
}

function multipleAudiences(f: Facts, auds: readonly string[]): ExplainedDiagnosis {
  return diag(
    'token-multiple-audiences',
    'The token lists several audiences',
    `the token's aud is an array of ${auds.length} audiences (${quoteList(auds)}). STS is taken to refuse such a token with InvalidIdentityToken even when one of them is a client ID of the provider: an Auth0 access token whose aud listed the API and the /userinfo URL was refused (2023), while ID tokens with one audience worked. AWS documents nothing here (UNCONFIRMED [aud-array]).`,
    `request a token with a single audience (for Auth0, an ID token, or an access token for one API) that is a client ID of ${f.caller ?? 'the provider'}`,
  );
}

export function audienceNotInClientIds(f: Facts): ExplainedDiagnosis[] {
  const check = failedCheck(f, 'token.audience');
  if (!check) return [];
  const { audiences: auds, clientIds, multiple } = check.data;
  if (multiple) return [multipleAudiences(f, auds)];
  const arn = f.caller ?? 'PROVIDER_ARN';
  const usual = f.module?.defaultAudience;
  const request =
    usual && !auds.includes(usual) && clientIds.includes(usual)
      ? `; or have the workload request a token for "${usual}"${f.module?.id === 'github' ? ' (aws-actions/configure-aws-credentials sends "sts.amazonaws.com" by default; its input is `audience`)' : ''}`
      : clientIds.length > 0
        ? `; or have the workload request a token for one of ${quoteList(clientIds)}`
        : '';
  return [
    diag(
      'audience-not-in-client-ids',
      "The token's audience is not one of the provider's client IDs",
      `the token's aud ${quoteList(auds)} is not in the client-ID list ${quoteList(clientIds)} of ${arn}; STS refuses it with InvalidIdentityToken ("Incorrect token audience") before the trust policy is read.`,
      `add "${auds[0] ?? 'AUDIENCE'}" to the provider's client IDs (aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${arn} --client-id ${auds[0] ?? 'AUDIENCE'})${request}`,
    ),
  ];
}

export function tokenExpired(f: Facts): ExplainedDiagnosis[] {
  const check = failedCheck(f, 'token.exp');
  if (!check || check.data.problem !== undefined) return [];
  const exp = check.data.value as number;
  const now = check.data.now;
  return [
    diag(
      'token-expired',
      'The token has expired',
      `the token expired at ${fmtEpoch(exp)} (exp ${exp}), ${now - exp} seconds before now (${fmtEpoch(now)}); STS accepts a token up to ${check.data.skew} seconds past exp for clock skew, and no longer. STS answers: ${f.decision.message}`,
      `use a fresh token (request it just before calling STS; CI tokens live minutes); in a scenario, set \`now\` before ${fmtEpoch(exp + check.data.skew)} or raise the token's exp`,
    ),
  ];
}

export function tokenNotYetValid(f: Facts): ExplainedDiagnosis[] {
  const check = failedCheck(f, 'token.nbf');
  if (!check || check.data.problem !== undefined) return [];
  const nbf = check.data.value as number;
  const now = check.data.now;
  return [
    diag(
      'token-not-yet-valid',
      'The token is not valid yet',
      `the token is valid only from ${fmtEpoch(nbf)} (nbf ${nbf}), ${nbf - now} seconds after now (${fmtEpoch(now)}), beyond the ${check.data.skew} seconds of clock skew allowed. ${describeCheck(check).message}`,
      `check the clock of the machine that minted or uses the token; in a scenario, set \`now\` at or after ${fmtEpoch(nbf - check.data.skew)}, or lower the token's nbf`,
    ),
  ];
}

/** What the token must have for the check that refused it, when the check says. */
function tokenFix(f: Facts): string {
  const check = f.decision.checks.find((c) => c.id === f.decision.failedCheck && !c.ok);
  if (check?.id === 'token.claim-aud' || check?.id === 'token.claim-sub')
    return `the token must carry a non-empty "${check.data.claim}" claim`;
  const expected = check ? describeCheck(check).expected : undefined;
  return expected ? `the token must have ${expected}` : 'fix the token as the message says';
}

/** Checks whose failure another detector explains (a time claim that is not an integer is not). */
function explainedElsewhere(f: Facts): boolean {
  const id = f.decision.failedCheck;
  if (id === 'token.provider' || id === 'token.audience') return true;
  // Explained in ./signature.ts.
  if (id === 'token.signature' || id === 'token.aws-issued' || id === 'token.algorithm')
    return true;
  const check = failedCheck(f, 'token.exp') ?? failedCheck(f, 'token.nbf');
  return check !== undefined && check.data.problem === undefined;
}

/** Any other refused token check (issuer, signing algorithm, a missing sub/aud, …). */
export function otherToken(f: Facts): ExplainedDiagnosis[] {
  const d = f.decision;
  if (d.decision !== 'deny' || d.stage !== 'token' || explainedElsewhere(f)) return [];
  const check = d.checks.find((c) => c.id === d.failedCheck);
  return [
    diag(
      'token-invalid',
      `The token failed the check ${d.failedCheck}`,
      check ? describeCheck(check).message : d.message,
      tokenFix(f),
    ),
  ];
}
