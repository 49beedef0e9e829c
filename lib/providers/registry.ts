/** Which provider module handles an issuer, an OAuth `ProviderId`, or a provider id. */
import { amazon } from './amazon.js';
import { awsOutbound } from './aws-outbound.js';
import { bitbucket } from './bitbucket.js';
import { buildkite } from './buildkite.js';
import { circleci } from './circleci.js';
import { cognito } from './cognito.js';
import { eks } from './eks.js';
import { facebook } from './facebook.js';
import { github } from './github.js';
import { gitlab } from './gitlab.js';
import { google } from './google.js';
import { oidc } from './oidc.js';
import { terraform } from './terraform.js';
import type { ProviderId, ProviderModule, Tenancy } from './types.js';

/** Every module; the generic `oidc` module is last and matches any issuer. */
export const ALL_PROVIDERS: readonly ProviderModule[] = [
  github,
  eks,
  gitlab,
  terraform,
  bitbucket,
  circleci,
  buildkite,
  cognito,
  google,
  facebook,
  amazon,
  awsOutbound,
  oidc,
];

/** The module for an issuer host[/path] (no scheme); falls back to the generic `oidc` module. */
export function providerForHostPath(hostPath: string): ProviderModule {
  return ALL_PROVIDERS.find((m) => m !== oidc && m.matchesHostPath(hostPath)) ?? oidc;
}

/**
 * The module for an OAuth 2.0 `ProviderId` (§1.4): `graph.facebook.com` → Facebook,
 * `www.amazon.com` → Login with Amazon. Any other value is not accepted by STS; the generic
 * module is returned so callers always get a module (the request check reports the error).
 */
export function providerForOAuthId(providerId: string): ProviderModule {
  return [facebook, amazon].find((m) => m.matchesHostPath(providerId)) ?? oidc;
}

export function providerById(id: ProviderId): ProviderModule {
  return ALL_PROVIDERS.find((m) => m.id === id) ?? oidc;
}

/** Is this issuer shared between tenants, and which keys must its roles check (§8.2)? */
export function tenancyFor(
  hostPath: string,
  module: ProviderModule = providerForHostPath(hostPath),
): Tenancy {
  if (module.tenancy) return module.tenancy(hostPath);
  return { shared: module.shared, requiredKeys: module.shared ? [...module.requiredKeys] : [] };
}
