/**
 * Stage 2: the token (§1.3, §1.4): issuer → provider, the provider's client IDs against `aud`, the
 * time claims, session tags and source identity. Provider-specific facts come from the provider
 * modules (`lib/providers`); this file holds only STS's order and answers.
 */
import { memoize } from '../../memo.js';
import { numericDateProblem } from '../../token.js';
import {
  compareIssuer,
  hostPathFromIssuer,
  hostPathFromProviderUrl,
  oidcProviderArn,
  preparedKeys,
  type PreparedKeys,
  providerForHostPath,
  providerForOAuthId,
} from '../../providers/index.js';
import type { ProviderEntry, ProviderModule } from '../../providers/types.js';
import { parseSessionTags, SOURCE_IDENTITY_CLAIM, type SessionTags } from '../context.js';
import type { Recorder } from '../trace.js';
import { awsIssued, signature } from './signature.js';
import type {
  Decision,
  ProviderCheckData,
  ProviderFacts,
  RoleArnParts,
  SimulationInput,
  TimeClaim,
  TokenCheck,
} from '../types.js';
import {
  CLOCK_SKEW_SECONDS,
  formatEpoch,
  TOKEN_ALGORITHMS,
  TOKEN_OLD_WARNING_SECONDS,
} from '../vocabulary.js';

const ALG_NOTE = '§1.3 (UNCONFIRMED 2): the error STS returns for an unsupported alg';
const MULTI_AUD_NOTE =
  '§1.3 (UNCONFIRMED 4): a token whose aud lists several audiences is refused (observed with Auth0 access tokens; AWS documents nothing)';
const NBF_NOTE =
  '§1.3 (UNCONFIRMED 3): STS is taken to enforce nbf with the same 5-minute clock-skew allowance as exp; the message is the simulator’s own';
const TAGS_NOTE = '§3.2 (UNCONFIRMED 17): the error for a malformed tags claim';

/** What the token stage found, for the context and trust-policy stages. */
export interface TokenFacts {
  module: ProviderModule;
  hostPath: string;
  /** The principal a statement must name: the provider ARN, or a built-in provider's domain. */
  caller: string;
  /** The provider's condition keys for this issuer, when the token stage has them at hand. */
  keys?: PreparedKeys | undefined;
  /** The registered provider's client IDs (OIDC providers only). */
  clientIds: readonly string[] | undefined;
  tags: SessionTags | undefined;
  sourceIdentity: string | undefined;
}

export type TokenStageResult = { ok: true; facts: TokenFacts } | { ok: false; decision: Decision };

type Refusal = { ok: false; decision: Decision };

/**
 * An issuer: its host/path and provider module, and what the last request with this issuer
 * looked up (the registered provider in a providers list, the provider ARN in a role's account),
 * so that requests of one run with the same issuer look nothing up again.
 */
interface Issuer {
  ok: true;
  hostPath: string;
  module: ProviderModule;
  providers?: readonly ProviderEntry[];
  entry?: ProviderEntry | undefined;
  role?: RoleArnParts;
  arn?: string;
  keys?: PreparedKeys;
  /**
   * The provider facts and the lookup's result for the last registered entry and provider ARN:
   * the same for every token of this issuer against one role and one account's providers.
   */
  registered?: { entry: ProviderEntry; arn: string; facts: ProviderFacts; found: Found };
  /** The same for a built-in provider (no registration, no ARN). */
  builtIn?: { facts: ProviderFacts; found: Found };
}

/** An issuer's host/path and provider module, worked out once per distinct `iss`. */
const issuerOf = memoize((iss) => {
  const hp = hostPathFromIssuer(iss);
  return hp.ok
    ? ({ ok: true, hostPath: hp.hostPath, module: providerForHostPath(hp.hostPath) } as Issuer)
    : hp;
});
/** The account's providers by issuer host/path, indexed once per providers list. */
const providerIndex = new WeakMap<readonly ProviderEntry[], Map<string, ProviderEntry>>();
/** A run evaluates many requests against one account's providers: the last list is kept at hand. */
let lastProviders:
  { list: readonly ProviderEntry[]; index: Map<string, ProviderEntry> } | undefined;
function registeredEntry(
  providers: readonly ProviderEntry[],
  hostPath: string,
): ProviderEntry | undefined {
  if (lastProviders?.list === providers) return lastProviders.index.get(hostPath);
  let index = providerIndex.get(providers);
  if (!index) {
    index = new Map();
    for (const p of providers) {
      const r = hostPathFromProviderUrl(p.url);
      // The first registration of an issuer wins, as a lookup in the list would find it.
      if (r.ok && !index.has(r.hostPath)) index.set(r.hostPath, p);
    }
    providerIndex.set(providers, index);
  }
  lastProviders = { list: providers, index };
  return index.get(hostPath);
}
/** Provider ARNs per role (the role's parts object is stable per ARN) and issuer, built once. */
const providerArns = new WeakMap<RoleArnParts, Map<string, string>>();
let lastRole: { role: RoleArnParts; byHost: Map<string, string> } | undefined;
function providerArn(role: RoleArnParts, hostPath: string): string {
  let byHost = lastRole?.role === role ? lastRole.byHost : providerArns.get(role);
  if (!byHost) providerArns.set(role, (byHost = new Map()));
  if (lastRole?.role !== role) lastRole = { role, byHost };
  let arn = byHost.get(hostPath);
  if (arn === undefined) {
    if (byHost.size >= 1024) byHost.clear();
    arn = oidcProviderArn(role.partition, role.account, hostPath);
    byHost.set(hostPath, arn);
  }
  return arn;
}

/** The token's audiences: a string or the strings of an array. */
export function tokenAudiences(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === 'string');
  return [];
}

function refuse(
  rec: Recorder,
  check: TokenCheck,
  code: 'InvalidIdentityToken' | 'ExpiredTokenException' | 'IDPRejectedClaim',
  message: string,
): Refusal {
  rec.add(false, () => check);
  return { ok: false, decision: rec.deny('token', code, message, check.id) };
}

/** The provider's keys for the issuer, kept on its record. */
function keysOf(issuer: Issuer): PreparedKeys {
  return (issuer.keys ??= preparedKeys(issuer.module, issuer.hostPath));
}

interface Found {
  ok: true;
  keys?: PreparedKeys;
  module: ProviderModule;
  hostPath: string;
  caller: string;
  clientIds: readonly string[] | undefined;
  /**
   * The token stage's result for a token of this provider without session tags or a source
   * identity (the usual token), built once: a found provider is kept per issuer.
   */
  accepted?: TokenStageResult;
}

/** OAuth 2.0 (Facebook, Amazon): the provider validates the access token and returns its claims. */
function oauthProvider(input: SimulationInput, rec: Recorder): Found | Refusal {
  const providerId = input.request.providerId as string;
  const module = providerForOAuthId(providerId);
  const claims = input.token.claims;
  rec.provider = { id: module.id, hostPath: providerId, registered: true, assumed: false };
  rec.caller = providerId;
  if (rec.trace)
    rec.record({
      id: 'token.provider',
      stage: 'token',
      ok: true,
      data: { kind: 'oauth', hostPath: providerId, displayName: module.displayName },
    });
  const missing = (module.oauthRequiredClaims ?? []).filter((c) => claims[c] === undefined);
  if (missing.length > 0) {
    const message = `${providerId}: the provider did not return ${missing.join(' and ')} for this access token`;
    const check: TokenCheck = {
      id: 'token.required-claims',
      stage: 'token',
      ok: false,
      data: { provider: providerId, missing },
    };
    return refuse(rec, check, 'IDPRejectedClaim', message);
  }
  return { ok: true, module, hostPath: providerId, caller: providerId, clientIds: undefined };
}

/** The registered provider for an OIDC issuer, or why there is none (§1.3). */
function registeredProvider(
  input: SimulationInput,
  rec: Recorder,
  iss: string,
  issuer: Issuer,
  role: RoleArnParts,
): Found | Refusal {
  const { hostPath, module } = issuer;
  if (issuer.role !== role) {
    issuer.arn = providerArn(role, hostPath);
    issuer.role = role;
  }
  const arn = issuer.arn as string;
  rec.caller = arn;
  let entry: ProviderEntry | undefined;
  let assumed = false;
  const providers = input.providers;
  if (providers === undefined) {
    if (input.role.policy.federatedIssuers.has(hostPath)) {
      assumed = true;
      entry = { url: `https://${hostPath}`, clientIds: tokenAudiences(input.token.claims['aud']) };
    }
  } else {
    if (issuer.providers !== providers) {
      issuer.entry = registeredEntry(providers, hostPath);
      issuer.providers = providers;
    }
    entry = issuer.entry;
  }
  if (!entry) {
    const near = nearMiss(input.providers, iss);
    const check: TokenCheck = {
      id: 'token.provider',
      stage: 'token',
      ok: false,
      data: { ...checkData(input, iss, issuer, arn, role), ...(near ? { near } : {}) },
      ...(near ? { unconfirmed: near.unconfirmed } : {}),
      ...(input.providers === undefined ? { assumed: true } : {}),
    };
    const message = `No OpenIDConnect provider found in your account for ${iss}`;
    return refuse(rec, check, 'InvalidIdentityToken', message);
  }
  let found: Found;
  if (assumed) {
    rec.provider = { id: module.id, hostPath, arn, registered: true, assumed };
    found = registeredFound(issuer, arn, entry);
  } else {
    let known = issuer.registered;
    if (known === undefined || known.entry !== entry || known.arn !== arn) {
      const facts = Object.freeze({ id: module.id, hostPath, arn, registered: true, assumed });
      issuer.registered = known = { entry, arn, facts, found: registeredFound(issuer, arn, entry) };
    }
    rec.provider = known.facts;
    found = known.found;
  }
  if (rec.trace)
    rec.record({
      id: 'token.provider',
      stage: 'token',
      ok: true,
      data: checkData(input, iss, issuer, arn, role),
      ...(assumed ? { assumed: true } : {}),
    });
  return found;
}

/** The lookup's result for a registered (or assumed) provider of the issuer. */
function registeredFound(issuer: Issuer, arn: string, entry: ProviderEntry): Found {
  const { module, hostPath } = issuer;
  return {
    ok: true,
    module,
    hostPath,
    caller: arn,
    clientIds: entry.clientIds,
    keys: keysOf(issuer),
  };
}

/** The data of the provider check of an OIDC issuer with a registered provider. */
function checkData(
  input: SimulationInput,
  iss: string,
  issuer: Issuer,
  arn: string,
  role: RoleArnParts,
): ProviderCheckData {
  return {
    kind: 'oidc',
    hostPath: issuer.hostPath,
    displayName: issuer.module.displayName,
    issuer: iss,
    arn,
    account: role.account,
    ...(input.providers ? { registered: input.providers.map((p) => p.url) } : {}),
  };
}

/** A registered URL that differs from `iss` only by a trailing "/" or by letter case. */
function nearMiss(
  providers: readonly ProviderEntry[] | undefined,
  iss: string,
): (ProviderCheckData['near'] & { unconfirmed?: string }) | undefined {
  for (const p of providers ?? []) {
    const c = compareIssuer(iss, p.url);
    if (!c.match && (c.reason === 'trailing-slash' || c.reason === 'letter-case')) {
      return {
        url: p.url,
        reason: c.reason,
        issuerHasSlash: iss.endsWith('/'),
        ...(c.unconfirmed ? { unconfirmed: c.unconfirmed } : {}),
      };
    }
  }
  return undefined;
}

/** OpenID Connect: the signing algorithm, the issuer, and the provider it names. */
function oidcProvider(input: SimulationInput, rec: Recorder, role: RoleArnParts): Found | Refusal {
  const { header, claims } = input.token;
  if (header !== undefined) {
    const alg = header['alg'];
    const ok = typeof alg === 'string' && (TOKEN_ALGORITHMS as readonly string[]).includes(alg);
    const check = (): TokenCheck => ({
      id: 'token.algorithm',
      stage: 'token',
      ok,
      data: { alg, accepted: TOKEN_ALGORITHMS },
      ...(ok ? {} : { unconfirmed: ALG_NOTE }),
    });
    if (!ok)
      return refuse(
        rec,
        check(),
        'InvalidIdentityToken',
        'The token is not signed with a supported algorithm',
      );
    if (rec.trace) rec.record(check());
  }
  const iss = claims['iss'];
  if (typeof iss !== 'string' || iss === '') {
    const check: TokenCheck = { id: 'token.issuer', stage: 'token', ok: false, data: { iss } };
    return refuse(rec, check, 'InvalidIdentityToken', 'Missing a required claim: iss');
  }
  const hp = issuerOf(iss);
  if (!hp.ok) {
    const check: TokenCheck = {
      id: 'token.issuer',
      stage: 'token',
      ok: false,
      data: { iss, problem: hp.message },
    };
    const message = `The token's issuer "${iss}" is not a valid OpenID Connect issuer: ${hp.message}`;
    return refuse(rec, check, 'InvalidIdentityToken', message);
  }
  const hostPath = hp.hostPath;
  const module = hp.module;
  if (!module.builtIn) return registeredProvider(input, rec, iss, hp, role);
  // A built-in provider's facts and lookup are the same for every token of its issuer.
  const known = (hp.builtIn ??= {
    facts: Object.freeze({ id: module.id, hostPath, registered: true, assumed: false }),
    found: { ok: true, module, hostPath, caller: hostPath, clientIds: undefined, keys: keysOf(hp) },
  });
  rec.provider = known.facts;
  rec.caller = hostPath;
  if (rec.trace)
    rec.record({
      id: 'token.provider',
      stage: 'token',
      ok: true,
      data: { kind: 'built-in', hostPath, displayName: module.displayName, issuer: iss },
    });
  return known.found;
}

/** A non-empty string, or a non-empty array. */
function present(v: unknown): boolean {
  return typeof v === 'string' ? v !== '' : Array.isArray(v) && v.length > 0;
}

/** `aud` and `sub` must be present, and one audience must be a client ID of the provider. */
function audience(input: SimulationInput, rec: Recorder, found: Found): Refusal | undefined {
  const claims = input.token.claims;
  const aud = claims['aud'];
  const sub = claims['sub'];
  if (!present(aud) || !present(sub)) {
    const claim = !present(aud) ? 'aud' : 'sub';
    const check = {
      id: `token.claim-${claim}`,
      stage: 'token',
      ok: false,
      data: { claim },
    } as TokenCheck;
    return refuse(rec, check, 'InvalidIdentityToken', `Missing a required claim: ${claim}`);
  }
  const clientIds = found.clientIds;
  if (clientIds === undefined) return undefined;
  const single =
    typeof aud === 'string' ? aud : Array.isArray(aud) && aud.length === 1 ? aud[0] : undefined;
  if (!rec.trace && typeof single === 'string' && clientIds.includes(single)) return undefined;
  return audienceCheck(rec, aud, clientIds);
}

/** The audience check, built (traced, or failed); apart so the fast path allocates no closure. */
function audienceCheck(
  rec: Recorder,
  aud: unknown,
  clientIds: readonly string[],
): Refusal | undefined {
  const audiences = tokenAudiences(aud);
  const multiple = audiences.length > 1;
  const accepted = multiple ? undefined : audiences.find((a) => clientIds.includes(a));
  const ok = accepted !== undefined;
  const check = (): TokenCheck => ({
    id: 'token.audience',
    stage: 'token',
    ok,
    data: {
      audiences,
      clientIds: [...clientIds],
      ...(accepted !== undefined ? { accepted } : {}),
      multiple,
    },
    ...(multiple ? { unconfirmed: MULTI_AUD_NOTE } : {}),
    ...(rec.provider?.assumed ? { assumed: true } : {}),
  });
  if (!ok) return refuse(rec, check(), 'InvalidIdentityToken', 'Incorrect token audience');
  if (rec.trace) rec.record(check());
  return undefined;
}

function timeCheck(claim: TimeClaim, value: unknown, now: number, ok: boolean): TokenCheck {
  const skew = claim === 'iat' ? 0 : CLOCK_SKEW_SECONDS;
  const integer = value === undefined || (typeof value === 'number' && Number.isInteger(value));
  return {
    id: `token.${claim}`,
    stage: 'token',
    ok,
    data: { claim, value, now, skew, ...(integer ? {} : { problem: 'not-integer' as const }) },
    ...(claim === 'nbf' && !ok && integer ? { unconfirmed: NBF_NOTE } : {}),
  } as TokenCheck;
}

/** exp, nbf and iat: integers; exp and nbf with five minutes of clock skew (§1.3). */
function timeClaims(input: SimulationInput, rec: Recorder, oauth: boolean): Refusal | undefined {
  const claims = input.token.claims;
  const now = Math.floor(input.now / 1000);
  // Each claim read once, by name: this runs for every request.
  const exp = claims['exp'];
  const nbf = claims['nbf'];
  const iat = claims['iat'];
  if (!timeClaim(exp) || !timeClaim(nbf) || !timeClaim(iat)) {
    const claim = !timeClaim(exp) ? 'exp' : !timeClaim(nbf) ? 'nbf' : 'iat';
    const v = claims[claim];
    const message = `The token's ${numericDateProblem(claim, v) ?? `"${claim}" is not a NumericDate`}`;
    return refuse(rec, timeCheck(claim, v, now, false), 'InvalidIdentityToken', message);
  }
  return expiry(rec, exp, nbf, iat, now, oauth);
}

/** Absent, or an integer number of seconds. */
function timeClaim(v: unknown): v is number | undefined {
  return v === undefined || (typeof v === 'number' && Number.isInteger(v));
}

function expiry(
  rec: Recorder,
  exp: number | undefined,
  nbf: number | undefined,
  iat: number | undefined,
  now: number,
  oauth: boolean,
): Refusal | undefined {
  if (exp === undefined) {
    if (rec.trace) rec.record(timeCheck('exp', undefined, now, true));
  } else {
    const ok = now < exp + CLOCK_SKEW_SECONDS;
    if (!ok) {
      const message = `Token expired: current date/time ${now} must be before the expiration date/time ${exp}`;
      const code = oauth ? 'IDPRejectedClaim' : 'ExpiredTokenException';
      return refuse(rec, timeCheck('exp', exp, now, false), code, message);
    }
    if (rec.trace) rec.record(timeCheck('exp', exp, now, true));
  }
  if (nbf !== undefined) {
    const ok = nbf <= now + CLOCK_SKEW_SECONDS;
    if (!ok) {
      const message = `Token is not yet valid: current date/time ${now} is before the not-before date/time ${nbf}`;
      return refuse(rec, timeCheck('nbf', nbf, now, false), 'ExpiredTokenException', message);
    }
    if (rec.trace) rec.record(timeCheck('nbf', nbf, now, true));
  }
  if (iat !== undefined) iatFindings(rec, iat, now);
  return undefined;
}

function iatFindings(rec: Recorder, iat: number, now: number): void {
  if (iat > now) {
    rec.findings.push({
      code: 'token-issued-in-future',
      severity: 'warning',
      message: `the token's iat (${formatEpoch(iat)}) is after now (${formatEpoch(now)})`,
      hint: 'check the scenario\'s "now" and the token\'s time claims',
    });
  } else if (now - iat >= TOKEN_OLD_WARNING_SECONDS) {
    rec.findings.push({
      code: 'token-old',
      severity: 'warning',
      message: `the token was issued ${now - iat} seconds (${Math.floor((now - iat) / 3600)} hours) before now; STS refuses tokens issued too long ago with ExpiredTokenException "Token too old: <seconds>", at a limit AWS does not publish (refusals were observed from about 42 hours)`,
      hint: 'use a freshly issued token',
      spec: '§1.3 (UNCONFIRMED 3)',
    });
  }
}

interface Extra {
  ok: true;
  tags: SessionTags | undefined;
  sourceIdentity: string | undefined;
}
/** A token without session tags or a source identity (the usual token). */
const NO_EXTRA: Extra = Object.freeze({ ok: true, tags: undefined, sourceIdentity: undefined });

/** Session tags and source identity travel in the token (§3.2, §3.3). */
function tagsAndSourceIdentity(input: SimulationInput, rec: Recorder): Refusal | Extra {
  const claims = input.token.claims;
  const tags = parseSessionTags(claims);
  if (!tags.ok) {
    const check: TokenCheck = {
      id: 'token.session-tags',
      stage: 'token',
      ok: false,
      data: { problem: tags.message },
      unconfirmed: TAGS_NOTE,
    };
    return refuse(rec, check, 'InvalidIdentityToken', tags.message);
  }
  for (const u of tags.unconfirmed) rec.note(u);
  const si = claims[SOURCE_IDENTITY_CLAIM];
  if (si !== undefined && !(typeof si === 'string' && /^[\w+=,.@-]{2,64}$/.test(si))) {
    const message = `the source identity ${JSON.stringify(si)} must be 2–64 characters of [\\w+=,.@-]`;
    const check: TokenCheck = {
      id: 'token.source-identity',
      stage: 'token',
      ok: false,
      data: { value: si },
    };
    return refuse(rec, check, 'InvalidIdentityToken', message);
  }
  if (tags.value === undefined && si === undefined) return NO_EXTRA;
  return { ok: true, tags: tags.value, sourceIdentity: si as string | undefined };
}

export function tokenStage(
  input: SimulationInput,
  rec: Recorder,
  role: RoleArnParts,
): TokenStageResult {
  const oauth = input.request.providerId !== undefined;
  const aws = oauth ? undefined : awsIssued(input, rec);
  if (aws) return aws;
  const found = oauth ? oauthProvider(input, rec) : oidcProvider(input, rec, role);
  if (!found.ok) return found;
  if (!oauth) {
    const refused = signature(input, rec) ?? audience(input, rec, found);
    if (refused) return refused;
  }
  const timeRefused = timeClaims(input, rec, oauth);
  if (timeRefused) return timeRefused;
  const extra = tagsAndSourceIdentity(input, rec);
  if (!extra.ok) return extra;
  if (extra === NO_EXTRA && found.accepted) return found.accepted;
  const facts: TokenFacts = {
    module: found.module,
    hostPath: found.hostPath,
    caller: found.caller,
    clientIds: found.clientIds,
    keys: found.keys,
    tags: extra.tags,
    sourceIdentity: extra.sourceIdentity,
  };
  const result: TokenStageResult = { ok: true, facts };
  if (extra === NO_EXTRA) found.accepted = result;
  return result;
}
