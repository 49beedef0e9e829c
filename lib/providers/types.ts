/** What every identity-provider module tells the simulator. */
import type { ContextEntry } from '../conditions/context.js';
import type { Finding } from '../diagnostics.js';

export type Partition = 'aws' | 'aws-us-gov' | 'aws-cn' | (string & {});

/** An IAM OIDC identity provider registered in the role's account (`url` exactly as registered). */
export interface ProviderEntry {
  url: string;
  clientIds: string[];
}

/** Token claims as decoded from a JWT (or written in a scenario). */
export type Claims = Readonly<Record<string, unknown>>;

export type ProviderId =
  | 'github'
  | 'eks'
  | 'gitlab'
  | 'terraform'
  | 'bitbucket'
  | 'circleci'
  | 'buildkite'
  | 'cognito'
  | 'google'
  | 'facebook'
  | 'amazon'
  | 'aws-outbound'
  | 'oidc';

/** How one claim becomes a condition key `PREFIX:name`. */
export interface ClaimKey {
  /** Key suffix after `PREFIX:`, e.g. `sub`, `repository_owner_id`, `oidc.circleci.com/project-id`. */
  name: string;
  /** Token claim read (defaults to `name`). */
  claim?: string;
  type: 'String' | 'Numeric' | 'Bool';
  multiValued: boolean;
  /** Set when AWS's documentation of this key is UNCONFIRMED: the reason, with §. */
  unconfirmed?: string;
}

export interface ProviderModule {
  id: ProviderId;
  displayName: string;
  /** Built-in providers (Google, Facebook, Amazon, Cognito) need no IAM provider entity (§1.3). */
  builtIn: boolean;
  /** OAuth 2.0 access-token providers that need `ProviderId` (Facebook, Amazon) (§1.4). */
  oauth: boolean;
  /** A shared issuer: AWS requires a tenancy condition (usually `sub`) on its roles (§8.2). */
  shared: boolean;
  /** Condition-key suffixes AWS requires for shared issuers (§8.2), e.g. `['sub']`. */
  requiredKeys: string[];
  /** Does an issuer host[/path] (no scheme) belong to this provider? */
  matchesHostPath(hostPath: string): boolean;
  /** The claims AWS exposes as condition keys for this provider. */
  claimKeys(hostPath: string): ClaimKey[];
  /**
   * Claims AWS documents for the provider's tokens but does NOT expose as keys, to explain an
   * absent key (e.g. GitHub's `repository_owner`, `event_name`).
   */
  knownUnexposedClaims: string[];
  /** The audience AWS/the vendor uses by default, when there is one (e.g. `sts.amazonaws.com`). */
  defaultAudience?: string;
  /**
   * OAuth 2.0 providers: the claims the provider must return for an access token, else STS answers
   * IDPRejectedClaim (§1.4), e.g. Facebook `app_id` and `id`.
   */
  oauthRequiredClaims?: readonly string[];

  // ── optional hooks, added by the providers module (all pure) ──
  /**
   * Per-issuer tenancy when it differs from the module-wide `shared`/`requiredKeys` (e.g. GitHub's
   * public issuer is shared, an enterprise issuer is not) (§8.2).
   */
  tenancy?(hostPath: string): Tenancy;
  /**
   * Derived keys: which claim feeds `key` and its raw value (e.g. Google's `aud` carries `azp` when
   * present, §3.1). `undefined` when the claim is absent. Without this hook the claim read is
   * `key.claim ?? key.name`.
   */
  claimValue?(key: ClaimKey, claims: Claims): ClaimRead | undefined;
  /**
   * Advice for an absent key, by key suffix; `{P}` stands for the key prefix. E.g. GitHub's
   * `repository_owner` → "use `{P}:repository_owner_id` or `{P}:sub`".
   */
  absentKeyNotes?: Readonly<Record<string, string>>;
}

/** Whether one issuer is shared between tenants, and the keys AWS then requires (§8.2). */
export interface Tenancy {
  shared: boolean;
  /** Condition-key suffixes, e.g. `['sub']`; empty for a private issuer. */
  requiredKeys: string[];
  /** Set when the classification rests on an UNCONFIRMED list: the reason, with §. */
  unconfirmed?: string;
}

/** A claim read for one condition key: which claim fed it, and its raw value. */
export interface ClaimRead {
  claim: string;
  value: unknown;
}

/** What `contextFromClaims` returns: the claim-derived entries and what it noticed on the way. */
export interface ClaimContext {
  entries: ContextEntry[];
  findings: Finding[];
}
