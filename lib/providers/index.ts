/**
 * Identity providers: issuer ↔ ARN ↔ key prefix, which claims become condition keys, claim
 * builders for scenario shorthands, and explanations for absent keys (spec §1.3, §2.1, §3.1, §7, §8.2).
 */
export * from './types.js';
export {
  AWS_OUTBOUND_NAMESPACE,
  AWS_OUTBOUND_NOTE,
  awsOutbound,
  isAwsOutboundIssuer,
} from './aws-outbound.js';
export {
  BUILT_IN_PRINCIPALS,
  compareIssuer,
  federatedPrincipalFor,
  hostPathFromIssuer,
  hostPathFromProviderUrl,
  oidcProviderArn,
  parseFederatedPrincipal,
  parseRoleArn,
} from './arn.js';
export type { HostPathResult, IssuerComparison, ProviderPrincipal, RoleArnResult } from './arn.js';
export { federatedDifference, type PrincipalDifference } from './principal-diff.js';
export {
  ALL_PROVIDERS,
  providerById,
  providerForHostPath,
  providerForOAuthId,
  tenancyFor,
} from './registry.js';
export {
  claimEntry,
  contextFromClaims,
  preparedKeys,
  type PreparedKey,
  type PreparedKeys,
} from './context-from-claims.js';
export { editDistance, explainAbsentKey } from './explain.js';
export type { AbsentKeyContext } from './explain.js';
export {
  GITHUB_ISSUER,
  PULL_REQUEST_TARGET_NOTE,
  cognitoClaims,
  eksClaims,
  eksSub,
  githubClaims,
  githubSub,
  gitlabClaims,
  gitlabSub,
  parseGithubSub,
  terraformClaims,
  terraformSub,
} from './builders.js';
export type {
  CognitoClaimsInput,
  EksClaimsInput,
  GithubClaimsInput,
  GithubSubInput,
  GithubSubKind,
  GithubSubParts,
  GitlabClaimsInput,
  TerraformClaimsInput,
} from './builders.js';
export { GENERIC_OIDC_KEYS, JWT_REGISTERED_CLAIMS } from './keys.js';
export { amazon } from './amazon.js';
export { bitbucket } from './bitbucket.js';
export { buildkite } from './buildkite.js';
export { circleci } from './circleci.js';
export { cognito } from './cognito.js';
export { eks } from './eks.js';
export { facebook } from './facebook.js';
export { github, isSharedGithubIssuer } from './github.js';
export { gitlab } from './gitlab.js';
export { google } from './google.js';
export { oidc, OTHER_SHARED_ISSUERS } from './oidc.js';
export { terraform } from './terraform.js';
