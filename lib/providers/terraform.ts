/**
 * HCP Terraform / Terraform Cloud (§2.1, §7.4, §8.2): shared issuer `app.terraform.io`, default
 * audience `aws.workload.identity`, `sub` `organization:O:project:P:workspace:W:run_phase:PHASE`.
 */
import { GENERIC_OIDC_KEYS, matchesAny } from './keys.js';
import type { ProviderModule } from './types.js';

export const terraform: ProviderModule = {
  id: 'terraform',
  displayName: 'HCP Terraform',
  builtIn: false,
  oauth: false,
  shared: true,
  requiredKeys: ['sub'],
  matchesHostPath: (hostPath) => matchesAny([/^app\.terraform\.io$/i], hostPath),
  claimKeys: () => GENERIC_OIDC_KEYS.map((k) => ({ ...k })),
  knownUnexposedClaims: [
    'terraform_organization_id',
    'terraform_organization_name',
    'terraform_project_id',
    'terraform_project_name',
    'terraform_workspace_id',
    'terraform_workspace_name',
    'terraform_full_workspace',
    'terraform_run_id',
    'terraform_run_phase',
  ],
  defaultAudience: 'aws.workload.identity',
  absentKeyNotes: {
    terraform_organization_name: 'use `{P}:sub` (`organization:ORG:*`)',
    terraform_project_name: 'use `{P}:sub` (`organization:ORG:project:PROJECT:*`)',
    terraform_workspace_name: 'use `{P}:sub` (`…:workspace:WORKSPACE:*`)',
    terraform_full_workspace:
      'use `{P}:sub` (`organization:ORG:project:PROJECT:workspace:WORKSPACE:*`)',
    terraform_run_phase: 'use `{P}:sub` (`…:run_phase:apply`)',
  },
};
