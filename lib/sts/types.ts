/**
 * Inputs and outputs of the AssumeRoleWithWebIdentity simulation. Everything is plain data: a check
 * carries the values it compared, never a sentence. Sentences are rendered from this data by
 * `lib/explain/describe.ts`; the only text here is what STS itself returns (`DenyDecision.message`).
 */
import type { Finding, Span } from '../diagnostics.js';
import type { ClauseTrace } from '../conditions/trace.js';
import type { ContextEntry } from '../conditions/context.js';
import type { Statement } from '../policy/model.js';
import type { PrincipalDifference } from '../providers/principal-diff.js';
import type { Claims, ProviderEntry, ProviderId } from '../providers/types.js';
import type { SignatureVerdict } from '../token-verify.js';

export type { PrincipalDifference };
import type { CompiledPolicy } from './compile.js';

export const STAGES = ['request', 'token', 'trust-policy'] as const;
export type Stage = (typeof STAGES)[number];

export const STS_ERROR_CODES = [
  'ValidationError',
  'InvalidIdentityToken',
  'ExpiredTokenException',
  'IDPRejectedClaim',
  'AccessDenied',
] as const;
export type StsErrorCode = (typeof STS_ERROR_CODES)[number];

/** The actions a web-identity call may need the trust policy to allow (§1.5, §3.2, §3.3). */
export type AuthorizedAction =
  'sts:AssumeRoleWithWebIdentity' | 'sts:TagSession' | 'sts:SetSourceIdentity';

export interface RoleInput {
  /** `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`. */
  arn: string;
  policy: CompiledPolicy;
  /** Seconds, 3600–43200; default 3600. */
  maxSessionDuration?: number;
  /** Tags on the role, for `aws:ResourceTag/*` and `iam:ResourceTag/*`. */
  tags?: Record<string, string>;
}

export interface RequestInput {
  /** Required by STS; when omitted the simulator reports a ValidationError. */
  roleSessionName?: string;
  durationSeconds?: number;
  /** Only for OAuth 2.0 providers: `graph.facebook.com`, `www.amazon.com`. */
  providerId?: string;
  /** Inline session policy text (only its size and characters are checked). */
  policy?: string;
  policyArns?: string[];
}

/** A caller-given request-context value: a string, a list (multivalued), a number or a boolean. */
export type ContextInputValue = string | number | boolean | Array<string | number | boolean>;

export interface SimulationInput {
  role: RoleInput;
  /**
   * IAM OIDC providers in the role's account. `undefined`: each issuer named by a Federated
   * principal of the policy is taken as registered with the token's aud as a client id, and the
   * decision says so. `[]`: the account has none. Read as immutable: the list is indexed by issuer
   * the first time it is seen.
   */
  providers?: ProviderEntry[];
  token: {
    claims: Claims;
    /** JWT header, when the token came as a compact JWT (alg is checked, §1.3). */
    header?: Readonly<Record<string, unknown>>;
    /** Length of the compact token, when known (STS allows 4–20,000 characters). */
    length?: number;
    /**
     * The signature checked against the provider's keys (a JWKS), when they were given: the
     * token stage refuses a token whose signature STS could not verify (lib/token-verify.ts).
     */
    signature?: SignatureVerdict;
  };
  request: RequestInput;
  /** Extra request-context keys, e.g. `aws:SourceIp`. A key given nowhere is absent. */
  context?: Readonly<Record<string, ContextInputValue>>;
  /** The simulated clock, epoch milliseconds. Required: the core never reads the wall clock. */
  now: number;
}

// ── checks ─────────────────────────────────────────────────────────────────────────────────

interface CheckOf<I extends string, S extends Stage, D> {
  id: I;
  stage: S;
  ok: boolean;
  /** The values the check compared; what a renderer or a detector reads. */
  data: D;
  /** UNCONFIRMED rule this check's result rests on, with §. */
  unconfirmed?: string;
  /** True when the check's input was assumed rather than given (e.g. providers omitted). */
  assumed?: boolean;
}

/** A request parameter refused with AWS's validation constraint (`Member must …`). */
interface Constraint {
  /** AWS's constraint text; set only when the check failed. */
  constraint?: string;
}

export interface RoleArnParts {
  partition: string;
  account: string;
  path: string;
  name: string;
}

export type RequestCheck =
  | CheckOf<
      'request.role-arn',
      'request',
      { arn: string; role?: RoleArnParts; problem?: string; hint?: string }
    >
  | CheckOf<
      'request.role-session-name',
      'request',
      Constraint & {
        name: string | undefined;
        /** Characters outside ASCII letters, digits and `_+=,.@-` (when that is the fault). */
        badCharacters?: string[];
      }
    >
  | CheckOf<'request.duration-seconds', 'request', Constraint & { seconds: number }>
  | CheckOf<'request.provider-id', 'request', { providerId: string; accepted: readonly string[] }>
  | CheckOf<'request.policy', 'request', Constraint & { length: number; text: string }>
  | CheckOf<'request.policy-arns', 'request', Constraint & { count: number; badArn?: string }>
  | CheckOf<'request.web-identity-token', 'request', Constraint & { length: number }>
  | CheckOf<'request.max-session-duration', 'request', { requested: number; maximum: number }>;

/** How the token's issuer (or ProviderId) was found among the providers STS knows. */
export interface ProviderCheckData {
  kind: 'oauth' | 'built-in' | 'oidc';
  /** Issuer without `https://`, or the OAuth ProviderId. */
  hostPath: string;
  displayName: string;
  /** The token's `iss`, for OpenID Connect tokens. */
  issuer?: string;
  /** The provider ARN STS looked up (IAM OIDC providers). */
  arn?: string;
  account?: string;
  /** The provider URLs given for the account; `undefined` when providers were omitted. */
  registered?: string[];
  /** A registered URL that differs from `iss` only in a trailing `/` or in letter case. */
  near?: { url: string; reason: 'trailing-slash' | 'letter-case'; issuerHasSlash: boolean };
}

export type TimeClaim = 'exp' | 'nbf' | 'iat';

export interface TimeCheckData {
  claim: TimeClaim;
  /** The claim as given (not an integer when `problem` is `not-integer`). */
  value: unknown;
  /** Simulated clock, epoch seconds. */
  now: number;
  /** Clock-skew allowance applied, in seconds. */
  skew: number;
  problem?: 'not-integer';
}

export type TokenCheck =
  | CheckOf<'token.provider', 'token', ProviderCheckData>
  | CheckOf<'token.required-claims', 'token', { provider: string; missing: string[] }>
  | CheckOf<'token.algorithm', 'token', { alg: unknown; accepted: readonly string[] }>
  | CheckOf<'token.issuer', 'token', { iss: unknown; problem?: string }>
  | CheckOf<'token.signature', 'token', SignatureVerdict>
  | CheckOf<'token.aws-issued', 'token', { iss: string; sub: unknown }>
  | CheckOf<'token.claim-aud', 'token', { claim: 'aud' }>
  | CheckOf<'token.claim-sub', 'token', { claim: 'sub' }>
  | CheckOf<
      'token.audience',
      'token',
      {
        audiences: string[];
        clientIds: string[];
        /** The audience that matched a client ID. */
        accepted?: string;
        /** Refused because `aud` lists several audiences (UNCONFIRMED). */
        multiple: boolean;
      }
    >
  | CheckOf<'token.exp', 'token', TimeCheckData>
  | CheckOf<'token.nbf', 'token', TimeCheckData>
  | CheckOf<'token.iat', 'token', TimeCheckData>
  | CheckOf<'token.session-tags', 'token', { problem: string }>
  | CheckOf<'token.source-identity', 'token', { value: unknown }>;

export interface StatementRef {
  index: number;
  sid?: string;
}

export type PolicyCheck = CheckOf<
  `trust-policy.${AuthorizedAction}`,
  'trust-policy',
  {
    action: AuthorizedAction;
    caller: string;
    allowedBy: StatementRef[];
    deniedBy: StatementRef[];
    /** Why the action was needed: session tags or a source identity in the token. */
    neededFor?: 'session-tags' | 'source-identity';
  }
>;

/** One check in the pipeline, in the order STS applies them; `id` tells the shape of `data`. */
export type Check = RequestCheck | TokenCheck | PolicyCheck;
export type CheckId = Check['id'];
/** The check with id `I`. */
export type CheckWithId<I extends CheckId> = Extract<Check, { id: I }>;

// ── statements ─────────────────────────────────────────────────────────────────────────────

export interface PrincipalTrace {
  matched: boolean;
  /** The provider identity derived from the token, e.g. `arn:aws:iam::1:oidc-provider/h` or `accounts.google.com`. */
  caller: string;
  /** The principal values written in the statement (`*`, Federated values, `Type: value`). */
  written: string[];
  /** `star`: Principal "*"; `federated`: a Federated value names the caller; `none`: no match. */
  via: 'star' | 'federated' | 'none';
  /** The statement names no Federated principal at all (only AWS/Service/CanonicalUser). */
  noFederated: boolean;
  /** Per written Federated value, how it differs from the caller (when none matched). */
  differences: PrincipalDifference[];
  span: Span;
}

export interface ActionTrace {
  action: AuthorizedAction;
  matched: boolean;
  /** `Action` or `NotAction`. */
  negated: boolean;
  /** The pattern that covers the action, if any. */
  hit?: string;
  /** Every pattern written in the statement's Action/NotAction. */
  patterns: string[];
  span: Span;
}

export interface StatementTrace {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  span: Span;
  /** The statement in the policy model this trace is of. */
  statement: Statement;
  principal: PrincipalTrace;
  /** One entry per action authorised (the web-identity action, plus TagSession/SetSourceIdentity when needed). */
  actions: ActionTrace[];
  /** One per compiled clause, in policy order; each points at its clause in the model. */
  conditions: ClauseTrace[];
  conditionsMet: boolean;
  /** Principal, the action and the conditions all match, per authorised action. */
  appliesTo: AuthorizedAction[];
}

export interface ActionDecision {
  action: AuthorizedAction;
  allowed: boolean;
  /** Indexes of the statements that allowed / explicitly denied it. */
  allowedBy: number[];
  deniedBy: number[];
}

// ── decisions ──────────────────────────────────────────────────────────────────────────────

/** The identity provider STS found for the token's issuer (or ProviderId). */
export interface ProviderFacts {
  id: ProviderId;
  hostPath: string;
  arn?: string;
  registered: boolean;
  assumed: boolean;
}

interface DecisionBase {
  /** Every check with `simulate`; only the failed one with `decide`. */
  checks: Check[];
  provider?: ProviderFacts;
  /**
   * The principal the trust policy must name for this caller: the provider ARN in the role's
   * partition and account, or a built-in provider's domain. Unset when the request or token was
   * refused before the provider was known.
   */
  caller?: string;
  context: ContextEntry[];
  statements: StatementTrace[];
  actions: ActionDecision[];
  /** The UNCONFIRMED rules the result rests on, deduplicated, each with §. */
  unconfirmed: string[];
  /** Findings met while simulating (e.g. a condition on a claim AWS does not expose). */
  findings: Finding[];
}

export interface AllowDecision extends DecisionBase {
  decision: 'allow';
  stage?: undefined;
  code?: undefined;
  message?: undefined;
  failedCheck?: undefined;
}

export interface DenyDecision extends DecisionBase {
  decision: 'deny';
  /** The stage that refused. */
  stage: Stage;
  code: StsErrorCode;
  /** The message STS would return (observed forms, §1.2–§1.7). */
  message: string;
  /** Id of the check that refused. */
  failedCheck: CheckId;
}

export type Decision = AllowDecision | DenyDecision;
