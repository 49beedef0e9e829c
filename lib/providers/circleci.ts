/**
 * CircleCI (§2.1, §3.1, §7.5): one issuer per organisation, `oidc.circleci.com/org/ORG_ID`; extra key
 * `oidc.circleci.com/project-id` (SAR). Private issuer.
 */
import { GENERIC_OIDC_KEYS, matchesAny, str } from './keys.js';
import type { ProviderModule } from './types.js';

export const circleci: ProviderModule = {
  id: 'circleci',
  displayName: 'CircleCI',
  builtIn: false,
  oauth: false,
  shared: false,
  requiredKeys: [],
  matchesHostPath: (hostPath) =>
    matchesAny([/^oidc\.circleci\.com\/org\/[A-Za-z0-9-]+$/i], hostPath),
  claimKeys: () =>
    [...GENERIC_OIDC_KEYS, str('oidc.circleci.com/project-id')].map((k) => ({ ...k })),
  knownUnexposedClaims: [
    'oidc.circleci.com/context-ids',
    'oidc.circleci.com/vcs-origin',
    'oidc.circleci.com/vcs-ref',
    'oidc.circleci.com/ssh-rerun',
  ],
  absentKeyNotes: {
    'oidc.circleci.com/vcs-ref':
      'no key carries the branch; restrict by `{P}:oidc.circleci.com/project-id` or `{P}:sub`',
    'oidc.circleci.com/context-ids': 'restrict by `{P}:sub` or `{P}:oidc.circleci.com/project-id`',
    'project-id': 'write `{P}:oidc.circleci.com/project-id`',
  },
};
