/**
 * Buildkite (§2.1, §3.1, §7.5, §8.2): `agent.buildkite.com` (shared: AWS requires `sub`) and the
 * other hosts the SAR lists (`agent.DOMAIN.buildkite.dev`, `….buildkite.site`), with the
 * Buildkite keys of the SAR.
 */
import { GENERIC_OIDC_KEYS, matchesAny, str } from './keys.js';
import type { ClaimKey, ProviderModule, Tenancy } from './types.js';

export const BUILDKITE_HOST = 'agent.buildkite.com';

const HOST_PATTERNS: readonly RegExp[] = [
  /^agent\.buildkite\.com$/i,
  /^agent(\.[A-Za-z0-9-]+)+\.buildkite\.(dev|site)$/i,
];

const BUILDKITE_KEYS: readonly ClaimKey[] = [
  'build_branch',
  'cluster_id',
  'cluster_name',
  'organization_id',
  'organization_slug',
  'pipeline_id',
  'pipeline_slug',
].map((n) => str(n));

export const buildkite: ProviderModule = {
  id: 'buildkite',
  displayName: 'Buildkite',
  builtIn: false,
  oauth: false,
  shared: true,
  requiredKeys: ['sub'],
  matchesHostPath: (hostPath) => matchesAny(HOST_PATTERNS, hostPath),
  claimKeys: () => [...GENERIC_OIDC_KEYS, ...BUILDKITE_KEYS].map((k) => ({ ...k })),
  knownUnexposedClaims: [
    'build_number',
    'build_tag',
    'build_commit',
    'build_source',
    'step_key',
    'job_id',
    'agent_id',
    'queue_id',
    'queue_key',
    'agent_tag:*',
  ],
  tenancy: (hostPath): Tenancy =>
    hostPath.toLowerCase() === BUILDKITE_HOST
      ? { shared: true, requiredKeys: ['sub'] }
      : { shared: false, requiredKeys: [] },
  absentKeyNotes: {
    build_tag: 'use `{P}:build_branch` or `{P}:sub`',
    step_key: 'restrict by `{P}:pipeline_slug` or `{P}:sub`',
  },
};
