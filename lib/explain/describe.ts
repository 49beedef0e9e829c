/**
 * Sentences rendered from the simulator's typed trace: a check's message with the values it
 * compared, a principal's and an action's match. The core records data only; every reporter and
 * `explain` render through these functions, so one check always reads the same way.
 */
import { numericDateProblem } from '../token.js';
import { compareIssuer } from '../providers/index.js';
import { requestCheckMessage } from '../sts/stages/request.js';
import type {
  ActionTrace,
  Check,
  PrincipalDifference,
  PrincipalTrace,
  StatementRef,
  TimeCheckData,
  TokenCheck,
} from '../sts/types.js';
import {
  CLOCK_SKEW_SECONDS,
  formatEpoch,
  statementLabel,
  TOKEN_ALGORITHMS,
} from '../sts/vocabulary.js';

import { awsIssuedText, signatureText } from './signature.js';

export { clauseReason } from './describe-clause.js';

/** A check in words: one line with the values compared, and what was expected of what was found. */
export interface CheckText {
  message: string;
  expected?: string;
  actual?: string;
}

function labels(refs: readonly StatementRef[]): string {
  return refs.map(statementLabel).join(', ');
}

function sessionNameText(c: Extract<Check, { id: 'request.role-session-name' }>): CheckText {
  const { name, constraint, badCharacters } = c.data;
  if (c.ok)
    return {
      message: `RoleSessionName "${name}" is 2–64 characters of [\\w+=,.@-]`,
      actual: name as string,
    };
  const message = requestCheckMessage(c) ?? '';
  if (name === undefined)
    return { message, expected: '2–64 characters of [\\w+=,.@-]', actual: '(missing)' };
  if (badCharacters === undefined || constraint?.includes('length'))
    return { message, expected: '2–64 characters', actual: `${name.length} characters` };
  return {
    message,
    expected: 'letters, digits and _+=,.@- only (no spaces, no ":" or "/")',
    actual: name,
  };
}

function requestText(c: Extract<Check, { stage: 'request' }>): CheckText {
  const failed = requestCheckMessage(c);
  switch (c.id) {
    case 'request.role-arn': {
      const r = c.data.role;
      return {
        message:
          c.ok && r
            ? `RoleArn names role "${r.name}" (path ${r.path}) in account ${r.account}, partition ${r.partition}`
            : (failed ?? ''),
        actual: c.data.arn,
      };
    }
    case 'request.role-session-name':
      return sessionNameText(c);
    case 'request.duration-seconds':
      return {
        message: failed ?? `DurationSeconds ${c.data.seconds} is within 900–43200`,
        expected: '900–43200',
        actual: String(c.data.seconds),
      };
    case 'request.provider-id':
      return {
        message: failed ?? `ProviderId "${c.data.providerId}" names an OAuth 2.0 provider`,
        expected: c.data.accepted.join(' or '),
        actual: c.data.providerId,
      };
    case 'request.policy':
      return { message: failed ?? `session Policy is ${c.data.length} characters (1–2048)` };
    case 'request.policy-arns':
      return { message: failed ?? `${c.data.count} managed session policy ARN(s)` };
    case 'request.web-identity-token':
      return {
        message: failed ?? `WebIdentityToken is ${c.data.length} characters (4–20,000)`,
      };
    case 'request.max-session-duration':
      return {
        message:
          failed ??
          `DurationSeconds ${c.data.requested} is within the role's MaxSessionDuration ${c.data.maximum}`,
        expected: `≤ ${c.data.maximum}`,
        actual: String(c.data.requested),
      };
  }
}

function providerText(c: Extract<TokenCheck, { id: 'token.provider' }>): CheckText {
  const d = c.data;
  if (d.kind === 'oauth')
    return {
      message: `ProviderId ${d.hostPath}: STS validates the OAuth 2.0 access token with ${d.displayName}`,
    };
  if (d.kind === 'built-in')
    return {
      message: `${d.hostPath} is a built-in identity provider: no IAM OIDC provider is needed`,
    };
  if (c.ok)
    return {
      message: c.assumed
        ? `assumed registered: ${d.arn} (no providers were given; the trust policy names this issuer)`
        : `${d.issuer} is registered as ${d.arn}`,
    };
  const head = `No OpenIDConnect provider found in your account for ${d.issuer}`;
  const near = d.near ? compareIssuer(d.issuer ?? '', d.near.url) : undefined;
  const registered = d.registered ?? [];
  return {
    message:
      d.registered === undefined
        ? `${head}: no providers were given and no Federated principal of the trust policy names ${d.hostPath}`
        : near && !near.match
          ? `${head}: ${near.message}`
          : `${head}: the account's providers are ${registered.length ? registered.join(', ') : '(none)'}`,
    expected: `an IAM OIDC provider with URL https://${d.hostPath} in account ${d.account}`,
    actual: registered.join(', ') || '(none)',
  };
}

function timeText(d: TimeCheckData, ok: boolean): CheckText {
  const { claim, now } = d;
  if (d.problem === 'not-integer')
    return {
      message: `The token's ${numericDateProblem(claim, d.value) ?? `"${claim}" is not a NumericDate`}`,
    };
  if (d.value === undefined) return { message: `the token has no ${claim}: treated as fresh` };
  const v = d.value as number;
  const skew = d.skew === CLOCK_SKEW_SECONDS ? ' (5 minutes of clock skew allowed)' : '';
  if (claim === 'exp')
    return {
      message: !ok
        ? `Token expired: current date/time ${now} must be before the expiration date/time ${v}`
        : now < v
          ? `the token expires at ${formatEpoch(v)}, after now (${formatEpoch(now)})`
          : `the token expired at ${formatEpoch(v)}, ${now - v} seconds before now, within the ${d.skew} seconds STS allows past exp for clock skew`,
      expected: `now < ${formatEpoch(v + d.skew)}${skew}`,
      actual: formatEpoch(now),
    };
  return {
    message: ok
      ? `the token is valid from ${formatEpoch(v)}, before now${now < v ? ` (within the ${d.skew} seconds of clock skew allowed)` : ''}`
      : `Token is not yet valid: current date/time ${now} is before the not-before date/time ${v}`,
    expected: `now ≥ ${formatEpoch(v - d.skew)}${skew}`,
    actual: formatEpoch(now),
  };
}

function tokenText(c: TokenCheck): CheckText {
  switch (c.id) {
    case 'token.provider':
      return providerText(c);
    case 'token.required-claims':
      return {
        message: `${c.data.provider}: the provider did not return ${c.data.missing.join(' and ')} for this access token`,
        expected: c.data.missing.join(', '),
      };
    case 'token.algorithm':
      return {
        message: c.ok
          ? `token is signed with ${String(c.data.alg)}`
          : `the token's signing algorithm ${JSON.stringify(c.data.alg)} is not accepted: STS takes RS256, RS384, RS512, ES256, ES384 or ES512`,
        expected: TOKEN_ALGORITHMS.join(', '),
        actual: String(c.data.alg),
      };
    case 'token.signature':
      return signatureText(c);
    case 'token.aws-issued':
      return awsIssuedText(c);
    case 'token.issuer':
      return c.data.problem === undefined
        ? { message: 'Missing a required claim: iss' }
        : {
            message: `The token's issuer "${String(c.data.iss)}" is not a valid OpenID Connect issuer: ${c.data.problem}`,
            actual: String(c.data.iss),
          };
    case 'token.claim-aud':
    case 'token.claim-sub':
      return { message: `Missing a required claim: ${c.data.claim}` };
    case 'token.audience': {
      const { audiences, clientIds, accepted, multiple } = c.data;
      const auds = audiences.map((a) => `"${a}"`).join(', ');
      return {
        message: c.ok
          ? `aud "${accepted}" is in the provider's client-ID list`
          : multiple
            ? `Incorrect token audience: aud lists ${audiences.length} audiences (${auds}); STS is taken to refuse a token with several audiences`
            : `Incorrect token audience: aud ${auds} is not in the provider's client-ID list [${clientIds.join(', ')}]`,
        expected: clientIds.join(', '),
        actual: audiences.join(', '),
      };
    }
    case 'token.exp':
    case 'token.nbf':
    case 'token.iat':
      return timeText(c.data, c.ok);
    case 'token.session-tags':
      return { message: c.data.problem };
    case 'token.source-identity':
      return {
        message: `the source identity ${JSON.stringify(c.data.value)} must be 2–64 characters of [\\w+=,.@-]`,
      };
  }
}

export function describeCheck(c: Check): CheckText {
  if (c.stage === 'request') return requestText(c);
  if (c.stage === 'token') return tokenText(c);
  const { action, allowedBy, deniedBy, caller, neededFor } = c.data;
  return {
    message: c.ok
      ? `${action} is allowed by statement ${labels(allowedBy)}`
      : deniedBy.length > 0
        ? `${action} is explicitly denied by statement ${labels(deniedBy)}`
        : neededFor === undefined
          ? `no statement allows ${action} for ${caller}`
          : `the token carries ${neededFor === 'session-tags' ? 'session tags' : 'a source identity'}, so the trust policy must also allow ${action}, and no statement does`,
  };
}

function differenceText(d: PrincipalDifference): string {
  if (d.kind === 'not-the-provider') return `Federated "${d.value}" is not the token's provider`;
  const diffs: string[] = [];
  if (d.partition)
    diffs.push(`partition "${d.partition.written}" instead of the role's "${d.partition.caller}"`);
  if (d.account)
    diffs.push(
      `account ${d.account.written} instead of the role's account ${d.account.caller} (the provider must be in the role's account)`,
    );
  const h = d.host;
  if (h) {
    diffs.push(
      h.how === 'missing-path'
        ? `provider "${h.written}" misses the path part "${h.caller.slice(h.written.length)}" of the token's issuer`
        : h.how === 'letter-case'
          ? `provider "${h.written}" differs from the token's issuer "${h.caller}" in letter case`
          : `provider "${h.written}" instead of the token's issuer "${h.caller}"`,
    );
  }
  return `Federated "${d.value}": ${diffs.join('; ')}`;
}

/** Why the statement's Principal names the caller, or does not (§2.1). */
export function principalReason(p: PrincipalTrace): string {
  if (p.via === 'star') return 'Principal "*" matches every caller (a high-risk trust policy)';
  if (p.via === 'federated') return `Federated "${p.caller}" names the token's provider`;
  if (p.noFederated)
    return `the statement names no Federated principal; a web-identity caller (${p.caller}) is never an AWS, Service or CanonicalUser principal`;
  return `${p.differences.map(differenceText).join('. ')} — the caller is ${p.caller}`;
}

/** Whether the statement's Action/NotAction covers the action. */
export function actionReason(a: ActionTrace): string {
  const list = a.patterns.map((p) => `"${p}"`).join(', ');
  if (a.negated)
    return a.matched
      ? `NotAction [${list}] does not cover ${a.action}`
      : `NotAction "${a.hit}" covers ${a.action}`;
  return a.matched
    ? `Action "${a.hit}" covers ${a.action}`
    : `Action [${list}] does not cover ${a.action}`;
}
