/**
 * GitHub Actions (§2.1, §3.1, §7.1, §8.2). Issuers: the public `token.actions.githubusercontent.com`,
 * an enterprise's `token.actions.githubusercontent.com/<slug>`, data residency
 * `token.actions.<sub>.ghe.com`, and `github.com/enterprises/<name>` — the four prefixes the SAR
 * lists for the GitHub keys. GHES issuers (`HOST/_services/token`) are not in the SAR and fall back
 * to the generic OIDC module.
 */
import { matchesAny, str } from './keys.js';
import type { ClaimKey, ProviderModule, Tenancy } from './types.js';

export const GITHUB_PUBLIC_ISSUER_HOST = 'token.actions.githubusercontent.com';

const HOST_PATTERNS: readonly RegExp[] = [
  /^token\.actions\.githubusercontent\.com$/i,
  /^token\.actions\.githubusercontent\.com\/[A-Za-z0-9_.-]+$/i,
  /^token\.actions\.[A-Za-z0-9-]+\.ghe\.com$/i,
  /^github\.com\/enterprises\/[A-Za-z0-9_.-]+$/i,
];

/** The public issuer, or an enterprise's `token.actions.githubusercontent.com/<slug>` issuer. */
export function isSharedGithubIssuer(hostPath: string): boolean {
  const lower = hostPath.toLowerCase();
  return (
    lower === GITHUB_PUBLIC_ISSUER_HOST ||
    (lower.startsWith(`${GITHUB_PUBLIC_ISSUER_HOST}/`) &&
      (HOST_PATTERNS[1] as RegExp).test(hostPath))
  );
}

/** `sub`, `aud` and the keys the SAR lists since 2026-02 (§3.1). All single-valued Strings. */
const KEYS: readonly ClaimKey[] = [
  'sub',
  'aud',
  'actor',
  'actor_id',
  'enterprise_id',
  'environment',
  'job_workflow_ref',
  'ref',
  'repository',
  'repository_id',
  'repository_owner_id',
  'workflow',
].map((n) => str(n));

export const github: ProviderModule = {
  id: 'github',
  displayName: 'GitHub Actions',
  builtIn: false,
  oauth: false,
  shared: true,
  requiredKeys: ['sub'],
  matchesHostPath: (hostPath) => matchesAny(HOST_PATTERNS, hostPath),
  claimKeys: () => KEYS.map((k) => ({ ...k })),
  knownUnexposedClaims: [
    'repository_owner',
    'event_name',
    'workflow_ref',
    'workflow_sha',
    'job_workflow_sha',
    'head_ref',
    'base_ref',
    'ref_type',
    'ref_protected',
    'runner_environment',
    'repository_visibility',
    'run_id',
    'run_number',
    'run_attempt',
    'check_run_id',
    'enterprise',
    'sha',
    'repo_property_*',
  ],
  defaultAudience: 'sts.amazonaws.com',
  // The public issuer and an enterprise's `/<slug>` issuer are shared: IAM refuses a role trusting
  // them without a sub (or, since 2026, job_workflow_ref) condition (fidelity note, item 8).
  tenancy: (hostPath): Tenancy =>
    isSharedGithubIssuer(hostPath)
      ? { shared: true, requiredKeys: ['sub'] }
      : { shared: false, requiredKeys: [] },
  absentKeyNotes: {
    repository_owner: 'use `{P}:repository_owner_id` or `{P}:sub` (`repo:OWNER/*`)',
    event_name:
      'pull-request jobs show in `{P}:sub` as `repo:OWNER/REPO:pull_request`; use `{P}:sub`',
    workflow_ref: 'use `{P}:job_workflow_ref` or `{P}:workflow`',
    workflow_sha: 'use `{P}:job_workflow_ref` (pinned to a ref) instead',
    job_workflow_sha: 'use `{P}:job_workflow_ref` instead',
    head_ref: 'use `{P}:sub` (`repo:OWNER/REPO:pull_request`) or `{P}:ref`',
    base_ref: 'use `{P}:sub` (`repo:OWNER/REPO:pull_request`) or `{P}:ref`',
    ref_type: 'use `{P}:ref` (`refs/heads/…` for branches, `refs/tags/…` for tags)',
    repository_visibility: 'restrict by `{P}:repository_id` or `{P}:sub` instead',
    enterprise: 'use `{P}:enterprise_id`',
  },
};
