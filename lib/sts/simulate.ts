/**
 * The AssumeRoleWithWebIdentity pipeline: request → token → context → trust policy → duration,
 * in the order of spec §1.8 (our order: AWS does not document its own, UNCONFIRMED 10).
 * Pure: everything, including `now`, comes in as arguments; a Decision comes out.
 */
import type { ContextEntry } from '../conditions/context.js';
import { memoize } from '../memo.js';
import { makeContext } from '../conditions/context.js';
import { evaluateClause, testClause } from '../conditions/evaluate.js';
import type { ClauseTrace } from '../conditions/trace.js';
import type { Finding } from '../diagnostics.js';
import {
  compareIssuer,
  contextFromClaims,
  hostPathFromProviderUrl,
  explainAbsentKey,
  hostPathFromIssuer,
  oidcProviderArn,
  parseFederatedPrincipal,
  parseRoleArn,
  providerForHostPath,
  providerForOAuthId,
} from '../providers/index.js';
import type { ProviderEntry, ProviderModule } from '../providers/types.js';
import { actionMatch, type CompiledStatement } from './compile.js';
import {
  callerEntries,
  globalEntries,
  parseSessionTags,
  SOURCE_IDENTITY_CLAIM,
  tagEntries,
} from './context.js';
import { requestChecks } from './request.js';
import type {
  ActionDecision,
  Check,
  Decision,
  PrincipalTrace,
  SimulationInput,
  Stage,
  StatementTrace,
  StsErrorCode,
} from './types.js';

export const ASSUME_ACTION = 'sts:AssumeRoleWithWebIdentity';
export const TAG_SESSION = 'sts:TagSession';
export const SET_SOURCE_IDENTITY = 'sts:SetSourceIdentity';
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];
const TIME_CLAIMS = ['exp', 'nbf', 'iat'] as const;
const ORDER_NOTE =
  '§1.8 (UNCONFIRMED 10): the order of STS checks is ours; AWS does not document it';

class Run {
  checks: Check[] = [];
  findings: Finding[] = [];
  unconfirmed = new Set<string>();
  context: ContextEntry[] = [];
  statements: StatementTrace[] = [];
  actions: ActionDecision[] = [];
  provider: Decision['provider'];

  constructor(readonly trace: boolean) {}

  /**
   * Record a check. Its details are built only when a trace is wanted or the check failed, so a
   * decision-only run (`decide`) spends nothing on explaining checks that passed.
   */
  add(ok: boolean, make: () => Check): boolean {
    if (!ok || this.trace) {
      const check = make();
      this.checks.push(check);
      if (check.unconfirmed) this.unconfirmed.add(check.unconfirmed);
    }
    return ok;
  }

  deny(stage: Stage, code: StsErrorCode, message: string, failedCheck: string): Decision {
    return this.result({ decision: 'deny', stage, code, message, failedCheck });
  }

  result(
    head: Pick<Decision, 'decision' | 'stage' | 'code' | 'message' | 'failedCheck'>,
  ): Decision {
    let failed = 0;
    for (const c of this.checks) if (!c.ok) failed++;
    if (failed > 1) this.unconfirmed.add(ORDER_NOTE);
    // One literal with every key, so that every Decision has the same shape (fast to build and read).
    return {
      decision: head.decision,
      stage: head.stage,
      code: head.code,
      message: head.message,
      failedCheck: head.failedCheck,
      checks: this.checks,
      provider: this.provider,
      context: this.context,
      statements: this.statements,
      actions: this.actions,
      unconfirmed: this.unconfirmed.size === 0 ? [] : [...this.unconfirmed],
      findings: this.findings,
    };
  }
}

function fmtTime(sec: number): string {
  return new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Parsed once per distinct string (see lib/memo.ts). */
const hostPathFromIssuerCached = memoize(hostPathFromIssuer);
const parseRoleArnCached = memoize(parseRoleArn);
/** A registered provider URL's host/path (with or without `https://`); undefined when invalid. */
const providerHostPath = memoize((url) => {
  const r = hostPathFromProviderUrl(url);
  return r.ok ? r.hostPath : undefined;
});

/** Provider ARNs built once per partition, account and issuer. */
const providerArnCache = new Map<string, Map<string, string>>();
function providerArnCached(partition: string, account: string, hostPath: string): string {
  const scope = `${partition}:${account}`;
  let byHost = providerArnCache.get(scope);
  if (!byHost) {
    if (providerArnCache.size >= 1024) providerArnCache.clear();
    byHost = new Map();
    providerArnCache.set(scope, byHost);
  }
  let arn = byHost.get(hostPath);
  if (arn === undefined) {
    arn = oidcProviderArn(partition, account, hostPath);
    byHost.set(hostPath, arn);
  }
  return arn;
}

/** Simulate one AssumeRoleWithWebIdentity call, with the full trace of every check. */
export function simulate(input: SimulationInput): Decision {
  return run(input, true);
}

/**
 * The same decision as `simulate` — decision, stage, code, message and failed check — without the
 * trace: `checks` holds only the failed check, `statements` and `context` are empty. For bulk
 * evaluation (a property test pins it to `simulate`).
 */
export function decide(input: SimulationInput): Decision {
  return run(input, false);
}

function run(input: SimulationInput, trace: boolean): Decision {
  const run = new Run(trace);
  const { role, token, request } = input;
  const claims = token.claims;

  // ── 1. request parameters ───────────────────────────────────────────────────────────
  const roleArn = parseRoleArnCached(role.arn);
  if (!roleArn.ok) {
    const msg = `1 validation error detected: Value '${role.arn}' at 'roleArn' failed to satisfy constraint: ${roleArn.message}`;
    run.add(false, () => ({
      stage: 'request',
      id: 'request.role-arn',
      ok: false,
      message: msg,
      actual: role.arn,
    }));
    return run.deny('request', 'ValidationError', msg, 'request.role-arn');
  }
  run.add(true, () => ({
    stage: 'request',
    id: 'request.role-arn',
    ok: true,
    message: `RoleArn names role "${roleArn.name}" (path ${roleArn.path}) in account ${roleArn.account}, partition ${roleArn.partition}`,
    actual: role.arn,
  }));
  for (const c of requestChecks(request, token.length, run.trace)) {
    if (!run.add(c.ok, () => c)) return run.deny('request', 'ValidationError', c.message, c.id);
  }

  // ── 2. token ────────────────────────────────────────────────────────────────────────
  let module: ProviderModule;
  let hostPath: string;
  let callerPrincipal: string;
  let clientIds: string[] | undefined;
  const oauth = request.providerId !== undefined;
  if (oauth) {
    module = providerForOAuthId(request.providerId as string);
    hostPath = request.providerId as string;
    callerPrincipal = hostPath;
    run.provider = { id: module.id, hostPath, registered: true, assumed: false };
    run.add(true, () => ({
      stage: 'token',
      id: 'token.provider',
      ok: true,
      message: `ProviderId ${hostPath}: STS validates the OAuth 2.0 access token with ${module.displayName}`,
    }));
    const missing = (module.id === 'facebook' ? ['app_id', 'id'] : ['app_id', 'user_id']).filter(
      (c) => claims[c] === undefined,
    );
    if (missing.length > 0) {
      const msg = `${hostPath}: the provider did not return ${missing.join(' and ')} for this access token`;
      run.add(false, () => ({
        stage: 'token',
        id: 'token.required-claims',
        ok: false,
        message: msg,
        expected: missing.join(', '),
      }));
      return run.deny('token', 'IDPRejectedClaim', msg, 'token.required-claims');
    }
  } else {
    if (token.header !== undefined) {
      const alg = token.header['alg'];
      const ok = typeof alg === 'string' && ALGORITHMS.includes(alg);
      run.add(ok, () => ({
        stage: 'token',
        id: 'token.algorithm',
        ok,
        message: ok
          ? `token is signed with ${alg}`
          : `the token's signing algorithm ${JSON.stringify(alg)} is not accepted: STS takes RS256, RS384, RS512, ES256, ES384 or ES512`,
        expected: ALGORITHMS.join(', '),
        actual: String(alg),
        ...(ok
          ? {}
          : { unconfirmed: '§1.3 (UNCONFIRMED 2): the error STS returns for an unsupported alg' }),
      }));
      if (!ok)
        return run.deny(
          'token',
          'InvalidIdentityToken',
          'The token is not signed with a supported algorithm',
          'token.algorithm',
        );
    }
    const iss = claims['iss'];
    if (typeof iss !== 'string' || iss === '') {
      const msg = 'Missing a required claim: iss';
      run.add(false, () => ({ stage: 'token', id: 'token.issuer', ok: false, message: msg }));
      return run.deny('token', 'InvalidIdentityToken', msg, 'token.issuer');
    }
    // Google's ID tokens may carry iss without a scheme.
    const hp =
      iss === 'accounts.google.com'
        ? { ok: true as const, hostPath: iss }
        : hostPathFromIssuerCached(iss);
    if (!hp.ok) {
      const msg = `The token's issuer "${iss}" is not a valid OpenID Connect issuer: ${hp.message}`;
      run.add(false, () => ({
        stage: 'token',
        id: 'token.issuer',
        ok: false,
        message: msg,
        actual: iss,
      }));
      return run.deny('token', 'InvalidIdentityToken', msg, 'token.issuer');
    }
    hostPath = hp.hostPath;
    module = providerForHostPath(hostPath);
    if (module.builtIn) {
      callerPrincipal = hostPath;
      run.provider = { id: module.id, hostPath, registered: true, assumed: false };
      run.add(true, () => ({
        stage: 'token',
        id: 'token.provider',
        ok: true,
        message: `${hostPath} is a built-in identity provider: no IAM OIDC provider is needed`,
      }));
    } else {
      const arn = providerArnCached(roleArn.partition, roleArn.account, hostPath);
      callerPrincipal = arn;
      let entry: ProviderEntry | undefined;
      let assumed = false;
      if (input.providers === undefined) {
        if (role.policy.federatedIssuers.has(hostPath)) {
          assumed = true;
          entry = { url: `https://${hostPath}`, clientIds: audiences(claims['aud']) };
        }
      } else {
        entry = input.providers.find((p) => providerHostPath(p.url) === hostPath);
      }
      if (!entry) {
        // Why no registered provider matched: a trailing "/" or letter case is told apart (§1.3).
        const near = input.providers
          ?.map((p) => compareIssuer(iss, p.url))
          .find((c) => !c.match && (c.reason === 'trailing-slash' || c.reason === 'letter-case'));
        const registered = input.providers?.map((p) => p.url) ?? [];
        const msg = `No OpenIDConnect provider found in your account for ${iss}`;
        run.add(false, () => ({
          stage: 'token',
          id: 'token.provider',
          ok: false,
          message:
            input.providers === undefined
              ? `${msg}: no providers were given and no Federated principal of the trust policy names ${hostPath}`
              : near && !near.match
                ? `${msg}: ${near.message}`
                : `${msg}: the account's providers are ${registered.length ? registered.join(', ') : '(none)'}`,
          expected: `an IAM OIDC provider with URL https://${hostPath} in account ${roleArn.account}`,
          actual: registered.join(', ') || '(none)',
          ...(near && !near.match && near.unconfirmed ? { unconfirmed: near.unconfirmed } : {}),
          ...(input.providers === undefined ? { assumed: true } : {}),
        }));
        return run.deny('token', 'InvalidIdentityToken', msg, 'token.provider');
      }
      clientIds = entry.clientIds;
      run.provider = { id: module.id, hostPath, arn, registered: true, assumed };
      run.add(true, () => ({
        stage: 'token',
        id: 'token.provider',
        ok: true,
        message: assumed
          ? `assumed registered: ${arn} (no providers were given; the trust policy names this issuer)`
          : `${iss} is registered as ${arn}`,
        ...(assumed ? { assumed: true } : {}),
      }));
    }
  }

  if (!oauth) {
    for (const claim of ['aud', 'sub'] as const) {
      const v = claims[claim];
      const present = typeof v === 'string' ? v !== '' : Array.isArray(v) && v.length > 0;
      if (!present) {
        const msg = `Missing a required claim: ${claim}`;
        run.add(false, () => ({
          stage: 'token',
          id: `token.claim-${claim}`,
          ok: false,
          message: msg,
        }));
        return run.deny('token', 'InvalidIdentityToken', msg, `token.claim-${claim}`);
      }
    }
    if (clientIds !== undefined) {
      const auds = audiences(claims['aud']);
      const hit = auds.find((a) => clientIds.includes(a));
      const ok = hit !== undefined;
      const multi = auds.length > 1;
      run.add(ok, () => ({
        stage: 'token',
        id: 'token.audience',
        ok,
        message: ok
          ? `aud "${hit}" is in the provider's client-ID list`
          : `Incorrect token audience: aud ${auds.map((a) => `"${a}"`).join(', ')} is not in the provider's client-ID list [${clientIds.join(', ')}]`,
        expected: clientIds.join(', '),
        actual: auds.join(', '),
        ...(multi
          ? {
              unconfirmed:
                '§1.3 (UNCONFIRMED 4): a token whose aud lists several audiences is accepted when any of them is a client ID',
            }
          : {}),
        ...(run.provider?.assumed ? { assumed: true } : {}),
      }));
      if (!ok)
        return run.deny(
          'token',
          'InvalidIdentityToken',
          'Incorrect token audience',
          'token.audience',
        );
    }
  }

  // Time claims must be integers (§1.3).
  const nowSec = Math.floor(input.now / 1000);
  for (const claim of TIME_CLAIMS) {
    const v = claims[claim];
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v))) {
      const msg = `The token's "${claim}" claim must be an integer (seconds since the epoch), not ${JSON.stringify(v)}`;
      run.add(false, () => ({ stage: 'token', id: `token.${claim}`, ok: false, message: msg }));
      return run.deny('token', 'InvalidIdentityToken', msg, `token.${claim}`);
    }
  }
  const exp = claims['exp'] as number | undefined;
  if (exp === undefined) {
    run.add(true, () => ({
      stage: 'token',
      id: 'token.exp',
      ok: true,
      message: 'the token has no exp: treated as fresh',
    }));
  } else {
    const ok = nowSec < exp;
    const expired = (): string =>
      `Token expired: current date/time ${nowSec} must be before the expiration date/time${exp}`;
    run.add(ok, () => ({
      stage: 'token',
      id: 'token.exp',
      ok,
      message: ok
        ? `the token expires at ${fmtTime(exp)}, after now (${fmtTime(nowSec)})`
        : expired(),
      expected: `now < ${fmtTime(exp)}`,
      actual: fmtTime(nowSec),
    }));
    if (!ok)
      return run.deny(
        'token',
        oauth ? 'IDPRejectedClaim' : 'ExpiredTokenException',
        expired(),
        'token.exp',
      );
  }
  const nbf = claims['nbf'] as number | undefined;
  if (nbf !== undefined) {
    const ok = nowSec >= nbf;
    const early = (): string =>
      `Token is not yet valid: current date/time ${nowSec} is before the not-before date/time ${nbf}`;
    run.add(ok, () => ({
      stage: 'token',
      id: 'token.nbf',
      ok,
      message: ok ? `the token is valid from ${fmtTime(nbf)}, before now` : early(),
      expected: `now ≥ ${fmtTime(nbf)}`,
      actual: fmtTime(nowSec),
      ...(ok
        ? {}
        : {
            unconfirmed:
              '§1.3 (UNCONFIRMED 3): STS is taken to enforce nbf, with no clock-skew tolerance',
          }),
    }));
    if (!ok) return run.deny('token', 'ExpiredTokenException', early(), 'token.nbf');
  }
  const iat = claims['iat'] as number | undefined;
  if (iat !== undefined && iat > nowSec) {
    run.findings.push({
      code: 'token-issued-in-future',
      severity: 'warning',
      message: `the token's iat (${fmtTime(iat)}) is after now (${fmtTime(nowSec)})`,
      hint: 'check the scenario\'s "now" and the token\'s time claims',
    });
  } else if (iat !== undefined && nowSec - iat > 7 * 24 * 3600) {
    run.findings.push({
      code: 'token-old',
      severity: 'warning',
      message: `the token was issued ${Math.floor((nowSec - iat) / 86400)} days before now; STS refuses tokens issued too long ago ("Token too old"), at a limit AWS does not publish`,
      spec: '§1.3 (UNCONFIRMED 3)',
    });
  }

  // Session tags and source identity travel in the token (§3.2, §3.3).
  const tags = parseSessionTags(claims);
  if (!tags.ok) {
    run.add(false, () => ({
      stage: 'token',
      id: 'token.session-tags',
      ok: false,
      message: tags.message,
      unconfirmed: '§3.2 (UNCONFIRMED 17): the error for a malformed tags claim',
    }));
    return run.deny('token', 'InvalidIdentityToken', tags.message, 'token.session-tags');
  }
  for (const u of tags.unconfirmed) run.unconfirmed.add(u);
  const sourceIdentity = claims[SOURCE_IDENTITY_CLAIM];
  if (sourceIdentity !== undefined) {
    const ok = typeof sourceIdentity === 'string' && /^[\w+=,.@-]{2,64}$/.test(sourceIdentity);
    if (!ok) {
      const msg = `the source identity ${JSON.stringify(sourceIdentity)} must be 2–64 characters of [\\w+=,.@-]`;
      run.add(false, () => ({
        stage: 'token',
        id: 'token.source-identity',
        ok: false,
        message: msg,
      }));
      return run.deny('token', 'InvalidIdentityToken', msg, 'token.source-identity');
    }
  }

  // ── 3. request context ──────────────────────────────────────────────────────────────
  const fromClaims = contextFromClaims(module, hostPath, claims, clientIds);
  run.findings.push(...fromClaims.findings);
  const entries: ContextEntry[] = [...fromClaims.entries];
  if (tags.value) entries.push(...tagEntries(tags.value));
  if (typeof sourceIdentity === 'string') {
    entries.push({
      key: 'sts:SourceIdentity',
      values: [sourceIdentity],
      multiValued: false,
      type: 'String',
      source: `token claim "${SOURCE_IDENTITY_CLAIM}"`,
    });
  }
  if (request.roleSessionName !== undefined) {
    entries.push({
      key: 'sts:RoleSessionName',
      values: [request.roleSessionName],
      multiValued: false,
      type: 'String',
      source: 'request RoleSessionName',
    });
  }
  entries.push(...globalEntries(input.now));
  if (role.tags)
    for (const [k, v] of Object.entries(role.tags)) {
      entries.push({
        key: `aws:ResourceTag/${k}`,
        values: [v],
        multiValued: false,
        type: 'String',
        source: 'role tag',
      });
      entries.push({
        key: `iam:ResourceTag/${k}`,
        values: [v],
        multiValued: false,
        type: 'String',
        source: 'role tag',
      });
    }
  const derived = makeContext(entries);
  if (input.context) {
    for (const e of callerEntries(input.context, run.findings)) {
      const prior = derived.get(e.key.toLowerCase());
      if (prior && prior.source.startsWith('token claim')) {
        run.findings.push({
          code: 'context-overrides-token',
          severity: 'warning',
          message: `the scenario context sets "${e.key}", which the token already sets (${prior.source}); the context value is used`,
          hint: 'put token claims under token:, so the simulation derives the key as AWS does',
        });
      }
      derived.set(e.key.toLowerCase(), e);
    }
  }
  if (run.trace) {
    run.context = [...derived.values()];
    for (const e of run.context) if (e.unconfirmed) run.unconfirmed.add(e.unconfirmed);
  }

  // ── 4. trust policy ─────────────────────────────────────────────────────────────────
  const required = [ASSUME_ACTION];
  if (tags.value && tags.value.tags.length > 0) required.push(TAG_SESSION);
  if (typeof sourceIdentity === 'string') required.push(SET_SOURCE_IDENTITY);
  const ctx = derived;

  const applied: Applied[] = [];
  for (const cs of role.policy.statements) {
    if (run.trace) {
      const st = evaluateStatement(cs, callerPrincipal, required, ctx, hostPath, run);
      run.statements.push(st);
      applied.push(st);
    } else {
      applied.push(appliesFast(cs, callerPrincipal, required, ctx));
    }
  }
  for (const action of required) {
    const allowedBy: number[] = [];
    const deniedBy: number[] = [];
    for (const a of applied) {
      if (a.appliesTo.includes(action)) (a.effect === 'Allow' ? allowedBy : deniedBy).push(a.index);
    }
    const allowed = allowedBy.length > 0 && deniedBy.length === 0;
    run.actions.push({ action, allowed, allowedBy, deniedBy });
    const label = (ids: number[]) =>
      ids
        .map((i) => {
          const s = applied[i];
          return s?.sid ? `"${s.sid}"` : `#${i + 1}`;
        })
        .join(', ');
    run.add(allowed, () => ({
      stage: 'trust-policy',
      id: `trust-policy.${action}`,
      ok: allowed,
      message: allowed
        ? `${action} is allowed by statement ${label(allowedBy)}`
        : deniedBy.length > 0
          ? `${action} is explicitly denied by statement ${label(deniedBy)}`
          : action === ASSUME_ACTION
            ? `no statement allows ${action} for ${callerPrincipal}`
            : `the token carries ${action === TAG_SESSION ? 'session tags' : 'a source identity'}, so the trust policy must also allow ${action}, and no statement does`,
      ...(action !== ASSUME_ACTION && !allowed
        ? {
            unconfirmed:
              '§1.5 (UNCONFIRMED 8): STS is taken to answer AccessDenied when sts:TagSession / sts:SetSourceIdentity is not allowed',
          }
        : {}),
    }));
  }
  const refused = run.actions.find((a) => !a.allowed);
  if (refused) {
    for (const s of run.statements)
      for (const c of s.conditions) for (const u of c.unconfirmed) run.unconfirmed.add(u);
    return run.deny(
      'trust-policy',
      'AccessDenied',
      `Not authorized to perform ${ASSUME_ACTION}`,
      `trust-policy.${refused.action}`,
    );
  }
  for (const s of run.statements) {
    if (s.appliesTo.length > 0)
      for (const c of s.conditions) for (const u of c.unconfirmed) run.unconfirmed.add(u);
  }

  // ── 5. duration against the role's maximum (checked after the trust policy, §1.8) ──────
  const max = role.maxSessionDuration ?? 3600;
  const duration = request.durationSeconds ?? 3600;
  const ok = duration <= max;
  const msg = ok
    ? `DurationSeconds ${duration} is within the role's MaxSessionDuration ${max}`
    : 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.';
  run.add(ok, () => ({
    stage: 'request',
    id: 'request.max-session-duration',
    ok,
    message: msg,
    expected: `≤ ${max}`,
    actual: String(duration),
  }));
  if (!ok) return run.deny('request', 'ValidationError', msg, 'request.max-session-duration');

  return run.result({ decision: 'allow' });
}

function audiences(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === 'string');
  return [];
}

/** What the decision needs of a statement: whether, and for which actions, it applies. */
interface Applied {
  index: number;
  sid?: string | undefined;
  effect: 'Allow' | 'Deny';
  appliesTo: string[];
}

/** A statement's applicability without its trace: first failing part wins, nothing is explained. */
function appliesFast(
  cs: CompiledStatement,
  callerPrincipal: string,
  required: string[],
  ctx: ReturnType<typeof makeContext>,
): Applied {
  const s = cs.statement;
  const out: Applied = { index: s.index, sid: s.sid?.value, effect: s.effect.value, appliesTo: [] };
  if (!s.principal.star && !cs.federated.has(callerPrincipal)) {
    return out;
  }
  for (const c of cs.clauses) if (!testClause(c, ctx)) return out;
  for (const action of required) {
    const hit = actionMatch(cs, action);
    if (s.action.negated ? hit === undefined : hit !== undefined) out.appliesTo.push(action);
  }
  return out;
}

function evaluateStatement(
  cs: CompiledStatement,
  callerPrincipal: string,
  required: string[],
  ctx: ReturnType<typeof makeContext>,
  hostPath: string,
  run: Run,
): StatementTrace {
  const s = cs.statement;
  const principal = matchPrincipal(
    s.principal.federated.map((f) => f.value),
    s.principal.star,
    s.principal.other,
    callerPrincipal,
  );
  const trace: PrincipalTrace = { ...principal, caller: callerPrincipal, span: s.principal.span };
  const actions = required.map((action) => {
    const hit = actionMatch(cs, action);
    const matched = s.action.negated ? hit === undefined : hit !== undefined;
    const list = cs.actions.map((a) => `"${a.text}"`).join(', ');
    return {
      action,
      matched,
      reason: s.action.negated
        ? matched
          ? `NotAction [${list}] does not cover ${action}`
          : `NotAction "${hit}" covers ${action}`
        : matched
          ? `Action "${hit}" covers ${action}`
          : `Action [${list}] does not cover ${action}`,
      span: s.action.span,
    };
  });
  const conditions: ClauseTrace[] = cs.clauses.map((c) => evaluateClause(c, ctx));
  for (const c of conditions) {
    if (!c.present) {
      const why = explainAbsentKey(c.key, { hostPath });
      if (why) {
        run.findings.push({
          code: 'condition-key-absent',
          severity: 'warning',
          message: why,
          span: cs.clauses[conditions.indexOf(c)]?.clause.keySpan,
          spec: '§3.1',
        });
      }
    }
  }
  const conditionsMet = conditions.every((c) => c.result);
  const appliesTo =
    principal.matched && conditionsMet ? actions.filter((a) => a.matched).map((a) => a.action) : [];
  return {
    index: s.index,
    ...(s.sid ? { sid: s.sid.value } : {}),
    effect: s.effect.value,
    span: s.span,
    principal: trace,
    actions,
    conditions,
    conditionsMet,
    appliesTo,
  };
}

/** Does the Principal element name the caller? Exact, case-sensitive (§2.1; UNCONFIRMED 6). */
function matchPrincipal(
  federated: string[],
  star: boolean,
  other: { type: string; values: { value: string }[] }[],
  caller: string,
): { matched: boolean; written: string[]; reason: string } {
  const written = [
    ...(star ? ['*'] : []),
    ...federated,
    ...other.flatMap((o) => o.values.map((v) => `${o.type}: ${v.value}`)),
  ];
  if (star)
    return {
      matched: true,
      written,
      reason: 'Principal "*" matches every caller (a high-risk trust policy, §4.1)',
    };
  if (federated.includes(caller))
    return { matched: true, written, reason: `Federated "${caller}" names the token's provider` };
  if (federated.length === 0) {
    return {
      matched: false,
      written,
      reason: `the statement names no Federated principal; a web-identity caller (${caller}) is never an AWS, Service or CanonicalUser principal`,
    };
  }
  return { matched: false, written, reason: principalMismatch(federated, caller) };
}

function principalMismatch(federated: string[], caller: string): string {
  const want = parseFederatedPrincipal(caller);
  const reasons: string[] = [];
  for (const f of federated) {
    const p = parseFederatedPrincipal(f);
    if (p.kind === 'oidc' && want.kind === 'oidc') {
      const diffs: string[] = [];
      if (p.partition !== want.partition)
        diffs.push(`partition "${p.partition}" instead of the role's "${want.partition}"`);
      if (p.account !== want.account)
        diffs.push(
          `account ${p.account} instead of the role's account ${want.account} (the provider must be in the role's account)`,
        );
      if (p.hostPath !== want.hostPath) {
        if (want.hostPath.startsWith(p.hostPath + '/'))
          diffs.push(
            `provider "${p.hostPath}" misses the path part "${want.hostPath.slice(p.hostPath.length)}" of the token's issuer`,
          );
        else if (p.hostPath.toLowerCase() === want.hostPath.toLowerCase())
          diffs.push(
            `provider "${p.hostPath}" differs from the token's issuer "${want.hostPath}" in letter case`,
          );
        else
          diffs.push(`provider "${p.hostPath}" instead of the token's issuer "${want.hostPath}"`);
      }
      reasons.push(`Federated "${f}": ${diffs.join('; ')}`);
    } else {
      reasons.push(`Federated "${f}" is not the token's provider`);
    }
  }
  return `${reasons.join('. ')} — the caller is ${caller}`;
}
