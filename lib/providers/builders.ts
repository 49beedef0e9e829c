/**
 * Claim builders for scenario shorthands, and the GitHub subject parser (§7.1–§7.4, §7.6).
 * Pure: no time claims are added (`exp`/`iat` come from the scenario's clock), no randomness.
 * Inputs that cannot describe a real token (e.g. `immutable` without ids) throw a `TypeError`
 * whose message says what is missing; scenario loaders validate before calling.
 */
// ── GitHub ──────────────────────────────────────────────────────────────────────────────

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

export interface GithubSubInput {
  /** `OWNER/REPO`. */
  repository: string;
  /** `refs/heads/B`, `refs/tags/T`, or a bare branch name (taken as `refs/heads/NAME`). Default `refs/heads/main`. */
  ref?: string;
  /** The job's environment; wins over every other rule. */
  environment?: string;
  /** `event_name`, default `push`; `pull_request` gives `repo:O/R:pull_request`. */
  event?: string;
  ownerId?: string | number;
  repositoryId?: string | number;
  /** Immutable subject `repo:OWNER@OWNER_ID/REPO@REPO_ID:…` (needs both ids). */
  immutable?: boolean;
}

export interface GithubClaimsInput extends GithubSubInput {
  /** Default `https://token.actions.githubusercontent.com`. */
  issuer?: string;
  /** Default `sts.amazonaws.com` (what configure-aws-credentials requests). */
  audience?: string | string[];
  /** A customised subject replaces the default one (§7.1 subject customisation). */
  sub?: string;
  actor?: string;
  actorId?: string | number;
  workflow?: string;
  jobWorkflowRef?: string;
  enterprise?: string;
  enterpriseId?: string | number;
  runnerEnvironment?: string;
  repositoryVisibility?: string;
  /** Extra claims, merged last. */
  extra?: Readonly<Record<string, unknown>>;
}

/** GitHub percent-encodes `:` inside subject values (§7.1). */
function encode(value: string): string {
  return value.replaceAll(':', '%3A');
}

function decode(value: string): string {
  return value.replace(/%3A/gi, ':');
}

function splitRepository(repository: string): [string, string] {
  const parts = repository.split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw new TypeError(`repository must be OWNER/REPO, got ${JSON.stringify(repository)}`);
  }
  return [parts[0] as string, parts[1] as string];
}

/**
 * GitHub documents the `repo:O/R:pull_request` subject for "a pull request event" without naming
 * `pull_request_target`; public CI logs show such runs presenting it (tokio-rs/toasty#721, 2026),
 * with `ref` the base branch (kyma-project/test-infra#9976, 2024).
 */
export const PULL_REQUEST_TARGET_NOTE =
  'UNCONFIRMED [pull-request-target]: a pull_request_target run is taken to present the pull_request subject (repo:O/R:pull_request), its ref the base branch';

function normaliseRef(ref: string | undefined, event: string): string {
  if (ref === undefined) return event === 'pull_request' ? 'refs/pull/1/merge' : 'refs/heads/main';
  return ref.startsWith('refs/') ? ref : `refs/heads/${ref}`;
}

function immutableIds(input: GithubSubInput): [string, string] | undefined {
  if (!input.immutable) return undefined;
  if (input.ownerId === undefined || input.repositoryId === undefined) {
    throw new TypeError('an immutable GitHub subject needs ownerId and repositoryId');
  }
  return [String(input.ownerId), String(input.repositoryId)];
}

/**
 * GitHub's default `sub` (§7.1), first rule that applies: environment →
 * `repo:O/R:environment:E`; `pull_request` event → `repo:O/R:pull_request`; else
 * `repo:O/R:ref:REF`. Immutable form `repo:O@OID/R@RID:…` when `immutable` is set.
 * A `pull_request_target` run is taken to present the pull_request subject too
 * (`PULL_REQUEST_TARGET_NOTE`).
 */
export function githubSub(input: GithubSubInput): string {
  const [owner, repo] = splitRepository(input.repository);
  const ids = immutableIds(input);
  const subject = ids
    ? `${encode(owner)}@${ids[0]}/${encode(repo)}@${ids[1]}`
    : `${encode(owner)}/${encode(repo)}`;
  const event = input.event ?? 'push';
  let context: string;
  if (input.environment !== undefined) context = `environment:${encode(input.environment)}`;
  else if (event === 'pull_request' || event === 'pull_request_target') context = 'pull_request';
  else context = `ref:${encode(normaliseRef(input.ref, event))}`;
  return `repo:${subject}:${context}`;
}

/** A full GitHub Actions token claim set (no time claims) for a job (§7.1). */
export function githubClaims(input: GithubClaimsInput): Record<string, unknown> {
  const [owner] = splitRepository(input.repository);
  const event = input.event ?? 'push';
  const ref = normaliseRef(input.ref, event);
  const claims: Record<string, unknown> = {
    iss: input.issuer ?? GITHUB_ISSUER,
    aud: input.audience ?? 'sts.amazonaws.com',
    sub: input.sub ?? githubSub(input),
    repository: input.repository,
    repository_owner: owner,
    ref,
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    event_name: event,
  };
  const optional: Array<[string, string | number | undefined]> = [
    ['environment', input.environment],
    ['repository_id', input.repositoryId],
    ['repository_owner_id', input.ownerId],
    ['actor', input.actor],
    ['actor_id', input.actorId],
    ['workflow', input.workflow],
    ['job_workflow_ref', input.jobWorkflowRef],
    ['enterprise', input.enterprise],
    ['enterprise_id', input.enterpriseId],
    ['runner_environment', input.runnerEnvironment],
    ['repository_visibility', input.repositoryVisibility],
  ];
  for (const [name, value] of optional) {
    if (value !== undefined) claims[name] = String(value);
  }
  return { ...claims, ...(input.extra ?? {}) };
}

export type GithubSubKind = 'ref' | 'environment' | 'pull_request' | 'custom';

export type GithubSubParts =
  | {
      ok: true;
      kind: GithubSubKind;
      /** Undefined only for customised subjects that do not start with `repo:`. */
      owner?: string;
      repo?: string;
      /** Set for immutable subjects `repo:OWNER@ID/REPO@ID:…`. */
      ownerId?: string;
      repositoryId?: string;
      immutable: boolean;
      /** The ref or environment, `%3A` decoded; the text after the repository for `custom`. */
      value?: string;
      /** For `custom`: the `key:value` pairs when the subject splits into pairs (`repo`, `context` are pseudo-keys). */
      pairs?: Array<[string, string]>;
    }
  | { ok: false; message: string };

function pairsOf(text: string): Array<[string, string]> | undefined {
  const parts = text.split(':');
  if (parts.length % 2 !== 0) return undefined;
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < parts.length; i += 2)
    pairs.push([parts[i] as string, decode(parts[i + 1] as string)]);
  return pairs;
}

/**
 * Split a GitHub `sub` into its parts (§7.1), to diagnose e.g. "the job uses an environment".
 * Default forms round-trip with {@link githubSub}. A subject whose context is not one of GitHub's
 * defaults (customised with `include_claim_keys`) is `custom`.
 */
export function parseGithubSub(sub: string): GithubSubParts {
  if (typeof sub !== 'string' || sub === '') return { ok: false, message: 'the subject is empty' };
  if (!sub.startsWith('repo:')) {
    const pairs = pairsOf(sub);
    return { ok: true, kind: 'custom', immutable: false, value: sub, ...(pairs ? { pairs } : {}) };
  }
  const rest = sub.slice('repo:'.length);
  const colon = rest.indexOf(':');
  if (colon < 0) {
    return {
      ok: false,
      message: `"${sub}" has no context after the repository (…:ref:…, …:environment:…, …:pull_request)`,
    };
  }
  const ident = rest.slice(0, colon);
  const context = rest.slice(colon + 1);
  const slash = ident.indexOf('/');
  if (slash <= 0 || slash === ident.length - 1 || ident.indexOf('/', slash + 1) >= 0) {
    return { ok: false, message: `"${sub}": "${ident}" is not OWNER/REPO` };
  }
  const ownerPart = ident.slice(0, slash);
  const repoPart = ident.slice(slash + 1);
  const idRe = /^(.+)@(\d+)$/;
  const o = idRe.exec(ownerPart);
  const r = idRe.exec(repoPart);
  if ((o === null) !== (r === null) || (o === null && /@/.test(ident))) {
    return {
      ok: false,
      message: `"${sub}": an immutable subject carries ids on both parts (repo:OWNER@OWNER_ID/REPO@REPO_ID:…)`,
    };
  }
  const base =
    o && r
      ? {
          owner: decode(o[1] as string),
          repo: decode(r[1] as string),
          ownerId: o[2] as string,
          repositoryId: r[2] as string,
          immutable: true,
        }
      : { owner: decode(ownerPart), repo: decode(repoPart), immutable: false };
  if (context === 'pull_request') return { ok: true, kind: 'pull_request', ...base };
  const simple = /^(ref|environment):([^:]+)$/.exec(context);
  if (simple) {
    return {
      ok: true,
      kind: simple[1] as 'ref' | 'environment',
      ...base,
      value: decode(simple[2] as string),
    };
  }
  const pairs = pairsOf(`repo:${ident}:${context}`);
  return { ok: true, kind: 'custom', ...base, value: context, ...(pairs ? { pairs } : {}) };
}

// ── EKS ─────────────────────────────────────────────────────────────────────────────────

export interface EksClaimsInput {
  /** `https://oidc.eks.REGION.amazonaws.com/id/ID` (the scheme may be omitted). */
  issuer: string;
  namespace: string;
  serviceAccount: string;
  /** Default `sts.amazonaws.com`. */
  audience?: string;
}

export function eksSub(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

/** An EKS service-account token (§7.2): `aud` is an array, as EKS issues it. */
export function eksClaims(input: EksClaimsInput): Record<string, unknown> {
  return {
    iss: /^[a-z]+:\/\//i.test(input.issuer) ? input.issuer : `https://${input.issuer}`,
    aud: [input.audience ?? 'sts.amazonaws.com'],
    sub: eksSub(input.namespace, input.serviceAccount),
    'kubernetes.io': { namespace: input.namespace, serviceaccount: { name: input.serviceAccount } },
  };
}

// ── GitLab ──────────────────────────────────────────────────────────────────────────────

export interface GitlabClaimsInput {
  /** `GROUP[/SUBGROUP…]/PROJECT`. */
  projectPath: string;
  /** Branch or tag name, default `main`. */
  ref?: string;
  /** Default `branch`. */
  refType?: 'branch' | 'tag';
  /** Instance host, default `gitlab.com`. */
  host?: string;
  /** The `id_tokens` audience; default the instance URL (see the note on {@link gitlabClaims}). */
  aud?: string | string[];
  /** Default `push`. */
  pipelineSource?: string;
  projectId?: string | number;
  namespaceId?: string | number;
  refProtected?: boolean;
  environment?: string;
  userLogin?: string;
  userId?: string | number;
  userEmail?: string;
  userAccessLevel?: string;
  runnerEnvironment?: string;
  sub?: string;
  extra?: Readonly<Record<string, unknown>>;
}

/** GitLab's default subject (§7.3): `project_path:G/P:ref_type:branch:ref:main`. */
export function gitlabSub(
  projectPath: string,
  refType: 'branch' | 'tag' = 'branch',
  ref = 'main',
): string {
  return `project_path:${projectPath}:ref_type:${refType}:ref:${ref}`;
}

/**
 * A GitLab CI `id_tokens` token (§7.3). GitLab has no platform default audience (the job sets it);
 * when `aud` is omitted it defaults to the instance URL (`https://gitlab.com`), the value GitLab's
 * former `CI_JOB_JWT_V2` carried and the one AWS examples register as the client id.
 */
export function gitlabClaims(input: GitlabClaimsInput): Record<string, unknown> {
  const host = input.host ?? 'gitlab.com';
  const issuer = `https://${host}`;
  const ref = input.ref ?? 'main';
  const refType = input.refType ?? 'branch';
  const slash = input.projectPath.lastIndexOf('/');
  if (slash <= 0 || slash === input.projectPath.length - 1) {
    throw new TypeError(
      `projectPath must be GROUP/PROJECT, got ${JSON.stringify(input.projectPath)}`,
    );
  }
  const claims: Record<string, unknown> = {
    iss: issuer,
    aud: input.aud ?? issuer,
    sub: input.sub ?? gitlabSub(input.projectPath, refType, ref),
    project_path: input.projectPath,
    namespace_path: input.projectPath.slice(0, slash),
    ref,
    ref_type: refType,
    ref_path: `${refType === 'tag' ? 'refs/tags/' : 'refs/heads/'}${ref}`,
    pipeline_source: input.pipelineSource ?? 'push',
  };
  const optional: Array<[string, string | number | boolean | undefined]> = [
    ['project_id', input.projectId],
    ['namespace_id', input.namespaceId],
    ['ref_protected', input.refProtected],
    ['environment', input.environment],
    ['user_login', input.userLogin],
    ['user_id', input.userId],
    ['user_email', input.userEmail],
    ['user_access_level', input.userAccessLevel],
    ['runner_environment', input.runnerEnvironment],
  ];
  for (const [name, value] of optional) {
    if (value !== undefined) claims[name] = String(value);
  }
  return { ...claims, ...(input.extra ?? {}) };
}

// ── HCP Terraform ───────────────────────────────────────────────────────────────────────

export interface TerraformClaimsInput {
  organization: string;
  /** Default `Default Project`. */
  project?: string;
  workspace: string;
  /** Default `apply`. */
  runPhase?: 'plan' | 'apply' | (string & {});
  /** Default `aws.workload.identity`. */
  audience?: string;
}

/** `organization:O:project:P:workspace:W:run_phase:PHASE` (§7.4, UNCONFIRMED 30). */
export function terraformSub(
  organization: string,
  project: string,
  workspace: string,
  runPhase: string,
): string {
  return `organization:${organization}:project:${project}:workspace:${workspace}:run_phase:${runPhase}`;
}

export function terraformClaims(input: TerraformClaimsInput): Record<string, unknown> {
  const project = input.project ?? 'Default Project';
  const runPhase = input.runPhase ?? 'apply';
  return {
    iss: 'https://app.terraform.io',
    aud: input.audience ?? 'aws.workload.identity',
    sub: terraformSub(input.organization, project, input.workspace, runPhase),
    terraform_organization_name: input.organization,
    terraform_project_name: project,
    terraform_workspace_name: input.workspace,
    terraform_full_workspace: `organization:${input.organization}:project:${project}:workspace:${input.workspace}`,
    terraform_run_phase: runPhase,
  };
}

// ── Cognito ─────────────────────────────────────────────────────────────────────────────

export interface CognitoClaimsInput {
  /** e.g. `us-east-1:12345678-…`; becomes `aud`. */
  identityPoolId: string;
  /** becomes `sub`. */
  identityId: string;
  /** Default: true when `loginProviders` is non-empty, else false. */
  authenticated?: boolean;
  /** e.g. `accounts.google.com`, `graph.facebook.com`; listed in `amr` after `authenticated`. */
  loginProviders?: string[];
}

/** A Cognito identity-pool token (§7.6): `amr` is `['unauthenticated']` or `['authenticated', …providers]`. */
export function cognitoClaims(input: CognitoClaimsInput): Record<string, unknown> {
  const providers = input.loginProviders ?? [];
  const authenticated = input.authenticated ?? providers.length > 0;
  if (!authenticated && providers.length > 0) {
    throw new TypeError('an unauthenticated Cognito identity has no login providers');
  }
  return {
    iss: 'https://cognito-identity.amazonaws.com',
    aud: input.identityPoolId,
    sub: input.identityId,
    amr: authenticated ? ['authenticated', ...providers] : ['unauthenticated'],
  };
}
