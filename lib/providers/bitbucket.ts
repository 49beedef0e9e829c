/**
 * Bitbucket Pipelines (§2.1, §7.5): one issuer per workspace,
 * `api.bitbucket.org/2.0/workspaces/WORKSPACE/pipelines-config/identity/oidc`; audience
 * `ari:cloud:bitbucket::workspace/UUID`. Private issuer. `sub` format UNCONFIRMED (30).
 */
import { GENERIC_OIDC_KEYS, matchesAny } from './keys.js';
import type { ProviderModule } from './types.js';

export const bitbucket: ProviderModule = {
  id: 'bitbucket',
  displayName: 'Bitbucket Pipelines',
  builtIn: false,
  oauth: false,
  shared: false,
  requiredKeys: [],
  matchesHostPath: (hostPath) =>
    matchesAny(
      [/^api\.bitbucket\.org\/2\.0\/workspaces\/[^/]+\/pipelines-config\/identity\/oidc$/i],
      hostPath,
    ),
  claimKeys: () => GENERIC_OIDC_KEYS.map((k) => ({ ...k })),
  knownUnexposedClaims: [
    'workspaceUuid',
    'repositoryUuid',
    'pipelineUuid',
    'stepUuid',
    'deploymentEnvironmentUuid',
    'branchName',
    'accountUuid',
  ],
  absentKeyNotes: {
    repositoryUuid: 'the repository UUID is in `{P}:sub`',
    deploymentEnvironmentUuid: 'the deployment environment is in `{P}:sub` for deployment steps',
  },
};
