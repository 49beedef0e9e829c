/** Causes found in the token stage (§1.3): provider registration, audience, time claims. */
import type { Check } from '../sts/types.js';
import { diag, fmtEpoch, quoteList, tokenAudiences, type Facts } from './facts.js';
import { policyPrincipalDiagnoses } from './principal.js';
import type { ExplainedDiagnosis } from './types.js';

function failedToken(f: Facts, id: string): Check | undefined {
  return f.decision.stage === 'token' && f.decision.failedCheck === id
    ? f.decision.checks.find((c) => c.id === id && !c.ok)
    : undefined;
}

export function providerNotRegistered(f: Facts): ExplainedDiagnosis[] {
  const check = failedToken(f, 'token.provider');
  if (!check) return [];
  const url = `https://${f.hostPath ?? 'HOST'}`;
  const account = f.role?.account ?? 'ACCOUNT_ID';
  const auds = tokenAudiences(f.claims);
  const create = `aws iam create-open-id-connect-provider --url ${url} --client-id-list ${auds[0] ?? 'sts.amazonaws.com'}`;
  const own = diag(
    'provider-not-registered',
    "The token's issuer is not an IAM OIDC provider in the role's account",
    `${check.message}. STS looks the token's iss up among the IAM OIDC providers of account ${account} (the role's account) and refuses the token before reading the trust policy.`,
    check.assumed
      ? `name the issuer in the trust policy as "Federated": "${f.caller ?? `arn:aws:iam::${account}:oidc-provider/${f.hostPath ?? 'HOST'}`}", and make sure that provider exists in account ${account} (${create})`
      : `register ${url} in account ${account} exactly as the token's iss spells it (${create}), or list it under the scenario's providers if it already exists`,
  );
  // With providers omitted, a provider is "registered" when the policy names it: a wrong Federated
  // principal is then the likelier cause, so it goes first.
  const principals = policyPrincipalDiagnoses(f);
  return check.assumed ? [...principals, own] : [own, ...principals];
}

export function audienceNotInClientIds(f: Facts): ExplainedDiagnosis[] {
  const check = failedToken(f, 'token.audience');
  if (!check) return [];
  const auds = tokenAudiences(f.claims);
  const clientIds = check.expected ? check.expected.split(', ').filter((s) => s !== '') : [];
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

function timeClaim(f: Facts, claim: string): number | undefined {
  const v = f.claims[claim];
  return typeof v === 'number' ? v : undefined;
}

export function tokenExpired(f: Facts): ExplainedDiagnosis[] {
  const check = failedToken(f, 'token.exp');
  const exp = timeClaim(f, 'exp');
  if (!check || exp === undefined) return [];
  const now = Math.floor(f.input.now / 1000);
  return [
    diag(
      'token-expired',
      'The token has expired',
      `the token expired at ${fmtEpoch(exp)} (exp ${exp}), ${now - exp} seconds before now (${fmtEpoch(now)}). STS answers: ${check.message}`,
      `use a fresh token (request it just before calling STS; CI tokens live minutes); in a scenario, set \`now\` before ${fmtEpoch(exp)} or raise the token's exp`,
    ),
  ];
}

export function tokenNotYetValid(f: Facts): ExplainedDiagnosis[] {
  const check = failedToken(f, 'token.nbf');
  const nbf = timeClaim(f, 'nbf');
  if (!check || nbf === undefined) return [];
  const now = Math.floor(f.input.now / 1000);
  return [
    diag(
      'token-not-yet-valid',
      'The token is not valid yet',
      `the token is valid only from ${fmtEpoch(nbf)} (nbf ${nbf}), ${nbf - now} seconds after now (${fmtEpoch(now)}). ${check.message}`,
      `check the clock of the machine that minted or uses the token; in a scenario, set \`now\` at or after ${fmtEpoch(nbf)}, or lower the token's nbf`,
    ),
  ];
}

/** Any other refused token check (issuer, signing algorithm, a missing sub/aud, …). */
export function otherToken(f: Facts): ExplainedDiagnosis[] {
  if (f.decision.stage !== 'token' || f.decision.failedCheck === undefined) return [];
  const known = ['token.provider', 'token.audience', 'token.exp', 'token.nbf'];
  if (known.includes(f.decision.failedCheck)) return [];
  const check = f.decision.checks.find((c) => c.id === f.decision.failedCheck);
  const claim = /^token\.claim-(\w+)$/.exec(f.decision.failedCheck)?.[1];
  return [
    diag(
      'token-invalid',
      `The token failed the check ${f.decision.failedCheck}`,
      check?.message ?? f.decision.message ?? 'STS refused the token',
      claim
        ? `the token must carry a non-empty "${claim}" claim`
        : check?.expected
          ? `the token must have ${check.expected}`
          : 'fix the token as the message says',
    ),
  ];
}
