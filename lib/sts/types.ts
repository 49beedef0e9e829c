/** Inputs and outputs of the AssumeRoleWithWebIdentity simulation. Everything is plain data. */
import type { Finding, Span } from '../diagnostics.js';
import type { ClauseTrace } from '../conditions/trace.js';
import type { ContextEntry } from '../conditions/context.js';
import type { Claims, ProviderEntry, ProviderId } from '../providers/types.js';
import type { CompiledPolicy } from './compile.js';

export type Stage = 'request' | 'token' | 'trust-policy';

export type StsErrorCode =
  | 'ValidationError'
  | 'InvalidIdentityToken'
  | 'ExpiredTokenException'
  | 'IDPRejectedClaim'
  | 'AccessDenied';

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
   * decision says so. `[]`: the account has none.
   */
  providers?: ProviderEntry[];
  token: {
    claims: Claims;
    /** JWT header, when the token came as a compact JWT (alg is checked, §1.3). */
    header?: Readonly<Record<string, unknown>>;
    /** Length of the compact token, when known (STS allows 4–20,000 characters). */
    length?: number;
  };
  request: RequestInput;
  /** Extra request-context keys, e.g. `aws:SourceIp`. A key given nowhere is absent. */
  context?: Readonly<Record<string, ContextInputValue>>;
  /** The simulated clock, epoch milliseconds. Required: the core never reads the wall clock. */
  now: number;
}

/** One check in the pipeline, in the order STS applies them. */
export interface Check {
  stage: Stage;
  /** Stable id, e.g. `request.role-session-name`, `token.audience`, `trust-policy.decision`. */
  id: string;
  ok: boolean;
  /** One line, with the values compared. */
  message: string;
  expected?: string;
  actual?: string;
  /** UNCONFIRMED rule this check rests on, with §. */
  unconfirmed?: string;
  /** True when the check's input was assumed rather than given (e.g. providers omitted). */
  assumed?: boolean;
}

export interface PrincipalTrace {
  matched: boolean;
  /** The provider identity derived from the token, e.g. `arn:aws:iam::1:oidc-provider/h` or `accounts.google.com`. */
  caller: string;
  /** The principal values written in the statement. */
  written: string[];
  reason: string;
  span: Span;
}

export interface ActionTrace {
  /** The action being authorised: `sts:AssumeRoleWithWebIdentity`, `sts:TagSession`, `sts:SetSourceIdentity`. */
  action: string;
  matched: boolean;
  reason: string;
  span: Span;
}

export interface StatementTrace {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  span: Span;
  principal: PrincipalTrace;
  /** One entry per action authorised (the web-identity action, plus TagSession/SetSourceIdentity when needed). */
  actions: ActionTrace[];
  conditions: ClauseTrace[];
  conditionsMet: boolean;
  /** Principal, the action and the conditions all match, per authorised action. */
  appliesTo: string[];
}

export interface ActionDecision {
  action: string;
  allowed: boolean;
  /** Sids/indexes of the statements that allowed / explicitly denied it. */
  allowedBy: number[];
  deniedBy: number[];
}

export interface Decision {
  decision: 'allow' | 'deny';
  /** The stage that refused; `undefined` on allow. */
  stage?: Stage;
  code?: StsErrorCode;
  /** The message STS would return (observed forms, §1.2–§1.7). */
  message?: string;
  /** Id of the check that refused. */
  failedCheck?: string;
  checks: Check[];
  /** Provider identified from the token's issuer (or ProviderId). */
  provider?: {
    id: ProviderId;
    hostPath: string;
    arn?: string;
    registered: boolean;
    assumed: boolean;
  };
  context: ContextEntry[];
  statements: StatementTrace[];
  actions: ActionDecision[];
  /** The UNCONFIRMED rules the result rests on, deduplicated, each with §. */
  unconfirmed: string[];
  /** Findings met while simulating (e.g. a condition on a claim AWS does not expose). */
  findings: Finding[];
}
