/**
 * Any other OpenID Connect issuer (§3.1): the generic keys `aud`, `sub`, `amr` (multivalued), and
 * `oaud`, `email`, `azp` marked UNCONFIRMED (15). Also knows the shared issuers of §8.2's list
 * (a third-party transcription of AWS's table, UNCONFIRMED 28).
 */
import { GENERIC_OIDC_KEYS } from './keys.js';
import type { ProviderModule, Tenancy } from './types.js';

const UNCONFIRMED_28 =
  "§8.2 (UNCONFIRMED 28): AWS's list of shared identity providers is known only from a third-party transcription";

/** Shared issuers from §8.2 that no dedicated module covers, with their tenancy key. */
export const OTHER_SHARED_ISSUERS: Readonly<Record<string, string>> = {
  'vstoken.actions.githubusercontent.com': 'sub',
  'oidc-configuration.audit-log.githubusercontent.com': 'sub',
  'oidc.codefresh.io': 'sub',
  'studio.datachain.ai/api': 'sub',
  'scalr.io': 'sub',
  'tokens.cloud.shisho.dev': 'sub',
  'proidc.upbound.io': 'sub',
  'oidc.vercel.com': 'aud',
  'api.pulumi.com/oidc': 'aud',
  'sandboxes.cloud': 'aud',
};

export const oidc: ProviderModule = {
  id: 'oidc',
  displayName: 'OpenID Connect provider',
  builtIn: false,
  oauth: false,
  shared: false,
  requiredKeys: [],
  matchesHostPath: () => true,
  claimKeys: () => GENERIC_OIDC_KEYS.map((k) => ({ ...k })),
  knownUnexposedClaims: [],
  tenancy(hostPath): Tenancy {
    const lower = hostPath.toLowerCase();
    const key = Object.prototype.hasOwnProperty.call(OTHER_SHARED_ISSUERS, lower)
      ? OTHER_SHARED_ISSUERS[lower]
      : undefined;
    return key === undefined
      ? { shared: false, requiredKeys: [] }
      : { shared: true, requiredKeys: [key], unconfirmed: UNCONFIRMED_28 };
  },
};
