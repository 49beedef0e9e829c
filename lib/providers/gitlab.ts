/**
 * GitLab (§2.1, §3.1, §7.3, §8.2). Only `gitlab.com` is recognised by host: a self-managed instance
 * has its own host and cannot be told apart from any other issuer, so callers that know better pick
 * this module themselves. The GitLab-specific keys are listed in the SAR for the `gitlab.com:`
 * prefix only; for other hosts only the generic OIDC keys are exposed.
 */
import { GENERIC_OIDC_KEYS, matchesAny, str } from './keys.js';
import type { ClaimKey, ProviderModule, Tenancy } from './types.js';

export const GITLAB_COM = 'gitlab.com';

const GITLAB_KEYS: readonly ClaimKey[] = [
  'namespace_id',
  'pipeline_source',
  'project_id',
  'ref_protected',
  'runner_environment',
  'user_access_level',
  'user_email',
  'user_id',
  'user_login',
].map((n) => str(n));

export const gitlab: ProviderModule = {
  id: 'gitlab',
  displayName: 'GitLab',
  builtIn: false,
  oauth: false,
  shared: true,
  requiredKeys: ['sub'],
  matchesHostPath: (hostPath) => matchesAny([/^gitlab\.com$/i], hostPath),
  claimKeys: (hostPath) =>
    hostPath.toLowerCase() === GITLAB_COM
      ? [...GENERIC_OIDC_KEYS, ...GITLAB_KEYS].map((k) => ({ ...k }))
      : GENERIC_OIDC_KEYS.map((k) => ({ ...k })),
  knownUnexposedClaims: [
    'project_path',
    'namespace_path',
    'ref',
    'ref_type',
    'ref_path',
    'environment',
    'environment_protected',
    'deployment_tier',
    'environment_action',
    'pipeline_id',
    'job_id',
    'sha',
    'ci_config_ref_uri',
    'ci_config_sha',
    'project_visibility',
    'runner_id',
    'groups_direct',
    'user_identities',
  ],
  tenancy: (hostPath): Tenancy =>
    hostPath.toLowerCase() === GITLAB_COM
      ? { shared: true, requiredKeys: ['sub'] }
      : { shared: false, requiredKeys: [] },
  absentKeyNotes: {
    project_path: 'use `{P}:project_id` or `{P}:sub` (`project_path:GROUP/PROJECT:…`)',
    namespace_path: 'use `{P}:namespace_id` or `{P}:sub` (`project_path:GROUP/*`)',
    ref: 'the ref is in `{P}:sub` (`…:ref_type:branch:ref:main`)',
    ref_type: 'the ref type is in `{P}:sub` (`…:ref_type:branch:ref:main`)',
    environment: 'no key carries it; restrict by `{P}:sub` or `{P}:ref_protected`',
  },
};
