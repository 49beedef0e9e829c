/**
 * The JSON Schema of a scenario file: the single definition. The loader validates with it, and
 * `schema/scenario.schema.json` (what editors read) is `schemaJson()` written out; a test keeps the
 * two equal. `title` names each object in messages ("unknown field … in a scenario");
 * `errorMessage` is what an editor (and the loader) says when a value fits none of the forms.
 */

import { STAGES, STS_ERROR_CODES } from '../sts/types.js';
import { OAUTH_PROVIDER_IDS } from '../sts/vocabulary.js';

/** A JSON Schema node, as far as this file uses it. */
export interface SchemaNode {
  [keyword: string]: unknown;
}

/** `${{ matrix.NAME }}`: substituted in every string of a scenario copy (see `matrix`). */
export const PLACEHOLDER_SOURCE = '\\$\\{\\{\\s*matrix\\.([A-Za-z_][A-Za-z0-9_-]*)\\s*\\}\\}';
const WHOLE_PLACEHOLDER = `^${PLACEHOLDER_SOURCE}$`;

// The stages, error codes and OAuth provider ids a scenario may name are the simulator's own lists.
export { STAGES, STS_ERROR_CODES } from '../sts/types.js';
export { OAUTH_PROVIDER_IDS } from '../sts/vocabulary.js';

const placeholder: SchemaNode = {
  type: 'string',
  pattern: WHOLE_PLACEHOLDER,
  description: 'A matrix value, `${{ matrix.NAME }}`, replaced in each copy of the scenario.',
};

const str = (description: string, extra: SchemaNode = {}): SchemaNode => ({
  type: 'string',
  description,
  ...extra,
});

const idValue = (description: string): SchemaNode => ({
  type: ['string', 'integer'],
  description,
});

const epochOrDate = (field: string, description: string): SchemaNode => ({
  type: ['integer', 'string'],
  description: `${description} Epoch seconds, or an ISO 8601 date-time (a time without a zone is UTC), e.g. 2026-06-01T00:00:00Z.`,
  errorMessage: `"${field}" must be whole epoch seconds (a NumericDate) or an ISO 8601 date-time`,
});

/** The RoleSessionName of a scenario that gives none: the same as `trustspec explain`'s default. */
export const DEFAULT_ROLE_SESSION_NAME = 'trustspec';

/**
 * The node, with `null` allowed too: a field written as null removes what `defaults` (or, for a
 * claim, a shorthand or the JWT) would give.
 */
function nullable(node: SchemaNode): SchemaNode {
  const out: SchemaNode = { ...node };
  if (Array.isArray(node['anyOf'])) out['anyOf'] = [...node['anyOf'], { type: 'null' }];
  else if (node['type'] !== undefined)
    out['type'] = [...(Array.isArray(node['type']) ? node['type'] : [node['type']]), 'null'];
  if (Array.isArray(node['enum'])) out['enum'] = [...node['enum'], null];
  return out;
}

function nullableFields(fields: Record<string, SchemaNode>): Record<string, SchemaNode> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, nullable(v)]));
}

/** What null means in a shorthand, for its description. */
const SHORTHAND_NULL =
  ' A field written as null takes its default (it drops a value from defaults); the shorthand written as null drops one given in defaults.';

const stringMap = (description: string): SchemaNode => ({
  type: 'object',
  description,
  additionalProperties: {
    anyOf: [
      { type: ['string', 'number', 'boolean'] },
      { type: 'array', items: { type: ['string', 'number', 'boolean'] } },
    ],
    errorMessage: 'a parameter value is a string, or a list of strings',
    description: 'The value (a list for a CommaDelimitedList or List<…> parameter).',
  },
});

const anyMap = (description: string): SchemaNode => ({
  type: 'object',
  description,
  additionalProperties: { description: 'The value.' },
});

const role: SchemaNode = {
  title: 'the role',
  type: 'object',
  description:
    'The role being assumed: its ARN and trust policy written here (arn + trustPolicy), or read from where it lives: a CloudFormation template (cloudformation:), a CDK cloud assembly (cdk:), a Terraform plan or state (terraform:) or the account (live:). With a source, arn, maxSessionDuration and tags written here override what the source says (a warning says so when they differ).',
  additionalProperties: false,
  properties: {
    arn: str(
      'The role ARN, arn:PARTITION:iam::ACCOUNT:role[/PATH]/NAME. Partition, account and path matter: the account is where the IAM OIDC providers must be registered. Required with trustPolicy; with a source, it overrides the ARN the source gives (or supplies one the source cannot know).',
    ),
    trustPolicy: {
      description:
        "The role's trust policy: a path to a JSON or YAML file (relative to this file; a regular file of at most 5 MB), or the policy written inline as a mapping.",
      type: ['string', 'object'],
      errorMessage: '"trustPolicy" must be a path to a policy file or an inline policy mapping',
    },
    maxSessionDuration: {
      type: 'integer',
      minimum: 3600,
      maximum: 43200,
      default: 3600,
      description: "The role's MaxSessionDuration in seconds, 3600–43200 (default 3600).",
    },
    tags: {
      type: 'object',
      description:
        'Tags on the role, for the aws:ResourceTag/KEY and iam:ResourceTag/KEY condition keys.',
      additionalProperties: { type: 'string', description: 'The tag value.' },
    },
    cloudformation: str(
      'A CloudFormation template (JSON or YAML, short-form tags such as !Sub and !Ref), relative to this file: the role is its AWS::IAM::Role, intrinsics resolved.',
    ),
    cdk: str(
      'A CDK cloud assembly folder (cdk.out, as `cdk synth` writes it), relative to this file; pick the role with stack and construct (or logicalId).',
    ),
    terraform: str(
      'The JSON of a Terraform plan or state (`terraform show -json plan.out > plan.json`), relative to this file; pick the role with address.',
    ),
    live: str(
      'The ARN of a deployed role, read with iam:GetRole through the standard AWS credential chain (profile and region optional).',
    ),
    logicalId: str(
      'cloudformation/cdk: the logical id of the AWS::IAM::Role resource (optional when the template has exactly one).',
    ),
    stack: str('cdk: the stack (its id or artifact id in manifest.json; optional with one stack).'),
    construct: str(
      'cdk: the construct path of the role, e.g. PipelineStack/DeployRole (or give logicalId).',
    ),
    address: str(
      'terraform: the resource address, e.g. module.ci.aws_iam_role.this[0] (optional with one role).',
    ),
    parameters: stringMap(
      'cloudformation/cdk: template parameter values by name (parameters without a Default need one).',
    ),
    parametersFile: str(
      "cloudformation/cdk: a parameters file (the CLI's [{ParameterKey, ParameterValue}], the console's, or CodePipeline's {Parameters: {…}}), relative to this file.",
    ),
    account: {
      type: ['string', 'integer'],
      pattern: '^[0-9]{12}$',
      errorMessage: '"account" must be a 12-digit account ID (quoted when it starts with 0)',
      description:
        'cloudformation/cdk/terraform: the account the stack or plan is deployed in (AWS::AccountId; builds the role ARN when the source does not know it).',
    },
    region: str(
      'cloudformation/cdk: AWS::Region (the partition follows from it); live: the region for the AWS SDK.',
    ),
    partition: str(
      'cloudformation/cdk/terraform: aws, aws-cn, aws-us-gov, … (default: from region, else aws).',
    ),
    stackName: str('cloudformation: AWS::StackName, when the template refers to it.'),
    resources: anyMap(
      'cloudformation/cdk/terraform: values known only after deployment, by the key the error names: LogicalId.Attribute (CloudFormation, CDK) or ADDRESS.attribute (Terraform).',
    ),
    imports: anyMap('cloudformation/cdk: Fn::ImportValue export name → value.'),
    profile: str('live: the AWS profile of the credentials (default: the standard chain).'),
  },
};

const provider: SchemaNode = {
  title: 'a provider',
  type: 'object',
  description: "An IAM OIDC identity provider registered in the role's account.",
  required: ['url', 'clientIds'],
  additionalProperties: false,
  properties: {
    url: str(
      "The provider URL exactly as registered in IAM, starting with https:// (e.g. https://token.actions.githubusercontent.com). STS compares it with the token's iss.",
      {
        pattern: '^https://',
        errorMessage:
          '"url" must start with https://, exactly as the provider is registered in IAM',
      },
    ),
    clientIds: {
      type: 'array',
      description:
        "The provider's client-ID list (audiences): the token's aud must be one of them.",
      items: { type: 'string', description: 'A client ID (audience), e.g. sts.amazonaws.com.' },
    },
  },
};

const providers: SchemaNode = {
  description:
    "The IAM OIDC identity providers that exist in the role's account: a list, or `live` to read them from the account (iam:ListOpenIDConnectProviders and iam:GetOpenIDConnectProvider, the role's credentials). Omitted: the providers the role's source defines (a template or plan), else every issuer that a Federated principal of the policy names is taken as registered, with the token's aud as a client ID (the report says so). An empty list means the account has none. The built-in providers (accounts.google.com, graph.facebook.com, www.amazon.com, cognito-identity.amazonaws.com) need no entry.",
  anyOf: [
    // The provider schema inline (not a $ref), so that an error in an entry is seen as this
    // alternative's and reported as it is, rather than as "not a list or live".
    { type: 'array', items: provider },
    { type: 'string', enum: ['live'] },
  ],
  errorMessage: '"providers" must be a list of {url, clientIds}, or live',
};

const now: SchemaNode = epochOrDate(
  'now',
  "The clock for the token's exp/iat/nbf and for aws:CurrentTime/aws:EpochTime. The command line's --now overrides it; with neither, the wall clock of the run is used.",
);

const token: SchemaNode = {
  title: 'the token',
  type: 'object',
  description:
    "The web identity token: its claims as a mapping (any claim may be given), or `jwt:` a compact JWT or a path to a file holding one (relative to this file), whose claims are decoded (and, with `jwks:`, its signature verified). Precedence, lowest first: a shorthand's claims (github, eks, …), claims from defaults.token, the JWT's claims, claims written in the scenario's own token. A claim written as null is removed from the token, whatever gave it. exp, iat and nbf may be epoch seconds or ISO 8601 date-times.",
  additionalProperties: { description: 'A token claim (null: the token has no such claim).' },
  properties: nullableFields({
    jwt: str(
      'A compact JWT (header.payload.signature), or the path of a file holding one (relative to this file; a regular file of at most 5 MB). Its header is kept for the alg check and its length for the 4–20,000 character limit.',
    ),
    jwks: str(
      "The issuer's JSON Web Key Set, a path to a JSON file (relative to this file) as the provider serves it at its jwks_uri: the signature of `jwt`, its kid and its alg are then verified as STS does, and a token STS could not verify is refused (InvalidIdentityToken). Needs `jwt`; never fetched over the network.",
    ),
    iss: str('Issuer, e.g. https://token.actions.githubusercontent.com.'),
    sub: str('Subject, e.g. repo:acme/app:ref:refs/heads/main.'),
    aud: {
      description: 'Audience: a string or a list of strings.',
      type: ['string', 'array'],
      items: { type: 'string', description: 'An audience.' },
    },
    exp: epochOrDate('exp', 'Expiry. Without exp the token is treated as fresh.'),
    iat: epochOrDate('iat', 'Issued at.'),
    nbf: epochOrDate('nbf', 'Not before.'),
    amr: {
      description:
        'Authentication methods (Cognito: unauthenticated, or authenticated and the login providers).',
      type: ['string', 'array'],
      items: { type: 'string', description: 'An authentication method.' },
    },
    azp: str('Authorized party (Google: the client the token was issued to).'),
    'https://aws.amazon.com/tags': {
      type: 'object',
      description:
        'Session tags: {principal_tags: {KEY: [VALUE]}, transitive_tag_keys: [KEY]}. The trust policy must then also allow sts:TagSession.',
    },
    'https://aws.amazon.com/source_identity': str(
      'Source identity; the trust policy must then also allow sts:SetSourceIdentity.',
    ),
  }),
};

const request: SchemaNode = {
  title: 'the request',
  type: 'object',
  description:
    'The other AssumeRoleWithWebIdentity parameters. Values are passed as written, so invalid ones can be tested (STS answers ValidationError). A field written as null is absent (it drops a value from defaults).',
  additionalProperties: false,
  properties: nullableFields({
    roleSessionName: str(
      `RoleSessionName: 2–64 characters of [\\w+=,.@-]. Default "${DEFAULT_ROLE_SESSION_NAME}" (as trustspec explain's --session-name); null: the call has none, and STS answers ValidationError.`,
    ),
    durationSeconds: {
      description:
        "DurationSeconds: 900–43200 and at most the role's maxSessionDuration; default 3600.",
      anyOf: [{ type: 'integer' }, placeholder],
      errorMessage: '"durationSeconds" must be an integer number of seconds',
    },
    providerId: {
      type: 'string',
      enum: [...OAUTH_PROVIDER_IDS],
      description:
        'ProviderId, only for OAuth 2.0 access tokens: graph.facebook.com or www.amazon.com. `token` then holds what STS learns from the provider (app_id and id for Facebook, app_id and user_id for Login with Amazon).',
    },
    policy: {
      description:
        'An inline session policy: JSON text, or a mapping (written out as JSON). Only its size and characters are checked.',
      type: ['string', 'object'],
    },
    policyArns: {
      type: 'array',
      description: 'PolicyArns: up to 10 managed-policy ARNs for the session.',
      items: { type: 'string', description: 'A managed-policy ARN.' },
    },
  }),
};

const contextScalar: SchemaNode = { type: ['string', 'number', 'boolean'] };

const context: SchemaNode = {
  title: 'the context',
  type: 'object',
  description:
    "Request-context keys that do not come from the token (aws:SourceIp, aws:SourceVpc, aws:RequestedRegion, …). A list is a multivalued key. A key given nowhere is absent; a key written as null is absent (it drops one from defaults). Keys are case-insensitive, as in policies: the same key twice is an error. Keys the token, the request, the clock or the role determine (an identity provider's claim keys such as token.actions.githubusercontent.com:sub, sts:RoleSessionName, sts:SourceIdentity, aws:RequestTag/…, aws:CurrentTime, aws:EpochTime, aws:ResourceTag/…) cannot be set here: write the claim, the request field, now or the role's tags.",
  additionalProperties: {
    description:
      'A context value: a string, number or boolean, or a list of them (null: the key is absent).',
    anyOf: [contextScalar, { type: 'array', items: contextScalar }, { type: 'null' }],
    errorMessage: 'a context value must be a string, number or boolean, or a list of them',
  },
};

const expect: SchemaNode = {
  description:
    'What STS should decide: `allow`, `deny`, or `{deny: {stage, because, code}}` to say where and why. May be a matrix value `${{ matrix.NAME }}`.',
  anyOf: [
    { type: 'string', enum: ['allow', 'deny'] },
    {
      title: 'the expectation',
      type: 'object',
      required: ['deny'],
      additionalProperties: false,
      properties: {
        deny: {
          title: 'the expected denial',
          description: 'The denial expected; each field narrows it.',
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            stage: {
              type: 'string',
              enum: [...STAGES],
              description: 'The stage that must refuse: request, token or trust-policy.',
            },
            because: str(
              "Why: a condition key (e.g. token.actions.githubusercontent.com:sub) of a condition that failed in a statement that could have allowed, or that held in a Deny statement that applied; that statement's Sid; or the id of the failed check (e.g. token.audience, or just audience).",
            ),
            code: {
              type: 'string',
              enum: [...STS_ERROR_CODES],
              description: 'The error code STS must return.',
            },
          },
        },
      },
    },
    placeholder,
  ],
  errorMessage: '"expect" must be allow, deny, or {deny: {stage, because}}',
};

/** Values a workflow's `${{ KIND.NAME }}` expressions take, by NAME. */
const workflowValues = (kind: string, example: string): SchemaNode => ({
  type: 'object',
  description: `Values of \${{ ${kind}.NAME }} in the workflow (${example}), by NAME.`,
  additionalProperties: {
    type: ['string', 'number', 'boolean'],
    description: `The value of \${{ ${kind}.NAME }}.`,
  },
});

/** `github: {workflow, job}`: the subjects a job of a workflow file presents (lib/scenarios/workflow.ts). */
const workflowFields: Record<string, SchemaNode> = {
  job: str(
    'With job, workflow names a GitHub Actions workflow file (relative to this file) and job its key under jobs:: the scenario becomes one copy per subject the job can present (environment, else one per trigger), with aud, role-session-name and role-duration-seconds from its aws-actions/configure-aws-credentials step.',
  ),
  secrets: workflowValues('secrets', 'e.g. the role-to-assume'),
  vars: workflowValues('vars', 'e.g. the role-to-assume'),
  inputs: workflowValues('inputs', 'of a reusable workflow, or of workflow_dispatch'),
  subTemplate: {
    type: 'array',
    items: { type: 'string' },
    description:
      "The repository's OIDC subject customisation (include_claim_keys), e.g. [repo, context, job_workflow_ref].",
  },
  defaultBranch: str('The default branch (ref of schedule, workflow_dispatch, …); default main.'),
  calledWorkflow: str(
    'A local copy of the reusable workflow the job calls with uses: OWNER/REPO/.github/workflows/FILE@REF.',
  ),
  calledJob: str('The job of the called workflow that requests credentials, when it has several.'),
};

const github: SchemaNode = {
  title: 'the github shorthand',
  type: ['object', 'null'],
  description:
    'GitHub Actions token claims: iss https://token.actions.githubusercontent.com, aud sts.amazonaws.com, sub built as GitHub does (environment → repo:O/R:environment:E; event pull_request → repo:O/R:pull_request; else repo:O/R:ref:REF), and the matching repository, ref, … claims. `repository` is required (here or in defaults).' +
    SHORTHAND_NULL,
  additionalProperties: false,
  properties: nullableFields({
    repository: str('OWNER/REPO.'),
    ref: str('refs/heads/BRANCH, refs/tags/TAG, or a bare branch name. Default refs/heads/main.'),
    environment: str("The job's environment; the sub is then repo:O/R:environment:E."),
    event: str(
      'event_name, default push; pull_request gives the sub repo:O/R:pull_request, and so does pull_request_target (UNCONFIRMED pull-request-target; ref is then the base branch).',
    ),
    ownerId: idValue('repository_owner_id.'),
    repositoryId: idValue('repository_id.'),
    immutable: {
      type: 'boolean',
      description:
        'Use the immutable subject repo:OWNER@OWNER_ID/REPO@REPO_ID:… (needs ownerId and repositoryId).',
    },
    issuer: str(
      'The issuer; default https://token.actions.githubusercontent.com (enterprise: …/SLUG).',
    ),
    audience: {
      description: 'The aud claim; default sts.amazonaws.com.',
      type: ['string', 'array'],
      items: { type: 'string' },
    },
    sub: str('A customised subject, replacing the default one.'),
    actor: str('actor.'),
    actorId: idValue('actor_id.'),
    workflow: str(
      'The workflow claim (its name); with job, the workflow file whose job gives the subjects.',
    ),
    jobWorkflowRef: str(
      'job_workflow_ref, e.g. acme/shared/.github/workflows/deploy.yml@refs/heads/main.',
    ),
    enterprise: str('enterprise.'),
    enterpriseId: idValue('enterprise_id.'),
    runnerEnvironment: str('runner_environment: github-hosted or self-hosted.'),
    repositoryVisibility: str('repository_visibility: public, private or internal.'),
    ...workflowFields,
  }),
};

const eks: SchemaNode = {
  title: 'the eks shorthand',
  type: ['object', 'null'],
  description:
    "An EKS service-account token (IRSA): iss the cluster's issuer, sub system:serviceaccount:NAMESPACE:NAME, aud [sts.amazonaws.com]. `issuer`, `namespace` and `serviceAccount` are required (here or in defaults), except that `serviceAccount` may name a ServiceAccount manifest, which gives the namespace, the name, the audience and the role it is annotated with." +
    SHORTHAND_NULL,
  additionalProperties: false,
  properties: nullableFields({
    issuer: str("The cluster's OIDC issuer, https://oidc.eks.REGION.amazonaws.com/id/ID."),
    namespace: str(
      'The Kubernetes namespace; with a manifest, it picks the ServiceAccount, and gives the namespace of one written without metadata.namespace (as kubectl apply -n would).',
    ),
    serviceAccount: str(
      'The service account name, or a ServiceAccount manifest (YAML or JSON: one object, several `---` documents, or the `kind: List` that `kubectl get serviceaccount -o yaml` prints), relative to this file: a path with "/" (./sa.yaml), or a .yaml/.yml/.json file name that exists beside this file and is not also a valid name. Its metadata.namespace and metadata.name build the subject; eks.amazonaws.com/audience the aud; eks.amazonaws.com/role-arn must name the scenario\'s role, or a scenario that expects allow fails. issuer, when not given, is the one EKS cluster the trust policy trusts.',
    ),
    name: str(
      'With a manifest: the ServiceAccount to use (metadata.name), when the manifest has several.',
    ),
    audience: str(
      "The audience; default the manifest's eks.amazonaws.com/audience, else sts.amazonaws.com.",
    ),
  }),
};

const gitlab: SchemaNode = {
  title: 'the gitlab shorthand',
  type: ['object', 'null'],
  description:
    'A GitLab CI id_tokens token: iss https://HOST, sub project_path:GROUP/PROJECT:ref_type:TYPE:ref:REF, and the matching claims. `projectPath` is required (here or in defaults).' +
    SHORTHAND_NULL,
  additionalProperties: false,
  properties: nullableFields({
    projectPath: str('GROUP[/SUBGROUP…]/PROJECT.'),
    ref: str('Branch or tag name; default main.'),
    refType: { type: 'string', enum: ['branch', 'tag'], description: 'branch (default) or tag.' },
    host: str('The GitLab instance host; default gitlab.com.'),
    audience: {
      description: 'The aud the job sets in id_tokens; default the instance URL.',
      type: ['string', 'array'],
      items: { type: 'string' },
    },
    pipelineSource: str('pipeline_source; default push.'),
    projectId: idValue('project_id.'),
    namespaceId: idValue('namespace_id.'),
    refProtected: { type: 'boolean', description: 'ref_protected.' },
    environment: str('environment.'),
    userLogin: str('user_login.'),
    userId: idValue('user_id.'),
    userEmail: str('user_email.'),
    userAccessLevel: str('user_access_level.'),
    runnerEnvironment: str('runner_environment.'),
    sub: str('A customised subject, replacing the default one.'),
  }),
};

const terraform: SchemaNode = {
  title: 'the terraform shorthand',
  type: ['object', 'null'],
  description:
    'An HCP Terraform workload-identity token: iss https://app.terraform.io, aud aws.workload.identity, sub organization:O:project:P:workspace:W:run_phase:PHASE. `organization` and `workspace` are required (here or in defaults).' +
    SHORTHAND_NULL,
  additionalProperties: false,
  properties: nullableFields({
    organization: str('The organization.'),
    project: str('The project; default Default Project.'),
    workspace: str('The workspace.'),
    runPhase: str('plan or apply (default).'),
    audience: str('The audience; default aws.workload.identity.'),
  }),
};

const cognito: SchemaNode = {
  title: 'the cognito shorthand',
  type: ['object', 'null'],
  description:
    'A Cognito identity-pool token: iss https://cognito-identity.amazonaws.com, aud the pool id, sub the identity id, amr [unauthenticated] or [authenticated, …loginProviders]. `identityPoolId` and `identityId` are required (here or in defaults).' +
    SHORTHAND_NULL,
  additionalProperties: false,
  properties: nullableFields({
    identityPoolId: str(
      'The identity pool id, e.g. us-east-1:12345678-1234-1234-1234-123456789012.',
    ),
    identityId: str('The identity id.'),
    authenticated: {
      type: 'boolean',
      description: 'Authenticated identity; default true when loginProviders is given.',
    },
    loginProviders: {
      type: 'array',
      description: 'Login providers listed in amr after authenticated, e.g. accounts.google.com.',
      items: { type: 'string' },
    },
  }),
};

const matrix: SchemaNode = {
  description:
    'Multiplies the scenario: either a mapping NAME → list of values (every combination), or a list of mappings NAME → value (one copy each). In each copy `${{ matrix.NAME }}` is replaced in every string of the scenario except `role` (a string that is only the placeholder takes the value with its type). A copy is named by its name with the placeholders replaced, or, when the name has none, "NAME [a=1, b=x]".',
  anyOf: [
    {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' },
      additionalProperties: {
        type: 'array',
        minItems: 1,
        description: 'The values this matrix variable takes.',
      },
    },
    {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        minProperties: 1,
        propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' },
        description: 'The matrix values of one copy.',
      },
    },
  ],
  errorMessage:
    '"matrix" must be a mapping of NAME to a non-empty list of values, or a non-empty list of mappings of NAME to a value (names are letters, digits, "_" and "-")',
};

/** A finding code as reports print it (`[like-without-wildcard]`), kebab-case. */
const findingCode: SchemaNode = {
  type: 'string',
  pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
  description:
    'A finding code, as reports print it in [brackets], e.g. like-without-wildcard (the policy- prefix is optional).',
};

/**
 * `ignore:` — findings accepted. Shared by scenario files and `trustspec.config.yaml`
 * (lib/scenarios/config.ts).
 */
export const IGNORE: SchemaNode = {
  type: 'array',
  description:
    'Findings accepted: each a finding code, or {code, reason, sid}. Suppressed findings are counted as suppressed, not shown one by one.',
  items: {
    anyOf: [
      findingCode,
      {
        title: 'an ignore entry',
        type: 'object',
        required: ['code'],
        additionalProperties: false,
        properties: {
          code: findingCode,
          reason: str('Why the finding is accepted (shown with the suppressed findings).'),
          sid: str('Only findings in the trust-policy statement with this Sid.'),
        },
      },
    ],
    errorMessage: 'an ignore entry is a finding code, or {code, reason, sid}',
  },
};

/** Fields shared by a scenario and `defaults`. */
const scenarioFields: Record<string, SchemaNode> = {
  token: { $ref: '#/definitions/token' },
  github: { $ref: '#/definitions/github' },
  eks: { $ref: '#/definitions/eks' },
  gitlab: { $ref: '#/definitions/gitlab' },
  terraform: { $ref: '#/definitions/terraform' },
  cognito: { $ref: '#/definitions/cognito' },
  request: { $ref: '#/definitions/request' },
  context: { $ref: '#/definitions/context' },
  expect: { $ref: '#/definitions/expect' },
};

const scenario: SchemaNode = {
  title: 'a scenario',
  type: 'object',
  description:
    'One AssumeRoleWithWebIdentity call and the decision expected. `defaults` are deep-merged under it.',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: str('The scenario name, unique in the file. May use ${{ matrix.NAME }}.', {
      minLength: 1,
    }),
    description: str('What the scenario shows (shown in reports).'),
    now: epochOrDate(
      'now',
      "This scenario's clock, instead of the file's now; the command line's --now overrides both.",
    ),
    ...scenarioFields,
    role: {
      $ref: '#/definitions/role',
      description: "A role for this scenario only, replacing the file's role.",
    },
    providers: {
      $ref: '#/definitions/providers',
      description: "The account's IAM OIDC providers for this scenario only, replacing the file's.",
    },
    matrix: { $ref: '#/definitions/matrix' },
    skip: {
      type: ['boolean', 'string'],
      description: 'Skip this scenario: true, or the reason as a string.',
    },
    only: {
      type: 'boolean',
      description: 'Run only the scenarios marked only (in the whole run).',
    },
  },
};

const predicate = (kind: string, description: string): SchemaNode => ({
  type: 'object',
  title: `the ${kind} predicate`,
  description: `${description} Keys: a claim name of the presenting provider (sub, aud, repository, …), a full condition key (token.actions.githubusercontent.com:sub, aws:SourceIp as CIDRs), or the shorthands github: {repository, ref | environment | event} and eks: {issuer, namespace, serviceAccount}. Values are IAM wildcard patterns (* and ?); a list is any of them; several keys must all match.`,
  additionalProperties: {
    anyOf: [
      { type: 'string' },
      { type: 'array', minItems: 1, items: { type: 'string' } },
      { type: 'object' },
    ],
    errorMessage:
      'a predicate value is a pattern, a non-empty list of patterns, or a shorthand mapping',
  },
});

const property: SchemaNode = {
  title: 'a property',
  type: 'object',
  description:
    'A statement about every token, proven or refuted by reasoning over all of them (not by examples): exactly one of only, never and always. A refutation shows a token that breaks it; an answer the analysis cannot reach is an error (exit 2), never a pass. The clock is free unless now is given.',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: str('What the property says, e.g. "only acme\'s main branch deploys".'),
    description: str('Why the property matters (shown nowhere else).'),
    only: predicate('only', 'Every token the role allows matches this.'),
    never: predicate('never', 'No token the role allows matches this.'),
    always: predicate(
      'always',
      'Every token that matches this (and that STS accepts, without session tags or a source identity) is allowed.',
    ),
    now: epochOrDate(
      'now',
      "The clock of the property's counterexample, and of time conditions: without it the property must hold at all times.",
    ),
    skip: {
      type: ['boolean', 'string'],
      description: 'Skip this property: true, or the reason as a string.',
    },
  },
};

const defaults: SchemaNode = {
  title: 'defaults',
  type: 'object',
  description:
    'Deep-merged under every scenario: mappings merge key by key; strings, numbers and lists written in the scenario win.',
  additionalProperties: false,
  properties: { ...scenarioFields },
};

export const SCHEMA: SchemaNode = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'the file',
  description:
    'A trustspec scenario file (*.trustspec.yaml): a role, its trust policy, and AssumeRoleWithWebIdentity calls with the decision each should get.',
  type: 'object',
  required: ['scenarios'],
  additionalProperties: false,
  properties: {
    $schema: str('The schema editors use for this file.'),
    version: {
      type: 'integer',
      const: 1,
      default: 1,
      description: 'The scenario format version: 1 (the default when omitted).',
    },
    role: {
      $ref: '#/definitions/role',
      description:
        'The role every scenario assumes (a scenario may name its own). Required unless every scenario has a role.',
    },
    providers: { $ref: '#/definitions/providers' },
    now,
    defaults: { $ref: '#/definitions/defaults' },
    ignore: {
      ...IGNORE,
      description:
        'Findings this file accepts, for itself and the trust policies its scenarios use: each a finding code, or {code, reason, sid}. Suppressed findings are counted as suppressed, not shown one by one.',
    },
    scenarios: {
      type: 'array',
      description: 'The scenarios.',
      items: { $ref: '#/definitions/scenario' },
    },
    properties: {
      type: 'array',
      description:
        "Properties of the file's role over all tokens: only (every allowed token matches), never (no allowed token matches), always (every matching token is allowed). They run with the scenarios and are reported like them.",
      items: { $ref: '#/definitions/property' },
    },
  },
  definitions: {
    property,
    role,
    providers,
    token,
    request,
    context,
    expect,
    github,
    eks,
    gitlab,
    terraform,
    cognito,
    matrix,
    scenario,
    defaults,
  },
};

/**
 * JSON text as Prettier prints it (printWidth 100): objects one member a line, arrays of scalars
 * on one line when they fit. Keeps `schema/scenario.schema.json` stable under `prettier --check`.
 */
export function formatJson(value: unknown, printWidth = 100): string {
  return `${fmt(value, 0, printWidth, 0)}\n`;
}

function fmt(value: unknown, indent: number, width: number, used: number): string {
  const pad = ' '.repeat(indent + 2);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const scalars = value.every((v) => v === null || typeof v !== 'object');
    if (scalars) {
      const flat = `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
      // `used` is what precedes the value on its line; a following "," counts too.
      if (used + flat.length + 1 <= width) return flat;
    }
    const items = value.map((v) => `${pad}${fmt(v, indent + 2, width, pad.length)}`);
    return `[\n${items.join(',\n')}\n${' '.repeat(indent)}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const lines = entries.map(([k, v]) => {
      const head = `${pad}${JSON.stringify(k)}: `;
      return `${head}${fmt(v, indent + 2, width, head.length)}`;
    });
    return `{\n${lines.join(',\n')}\n${' '.repeat(indent)}}`;
  }
  return JSON.stringify(value);
}

/** The text of `schema/scenario.schema.json`. */
export function schemaJson(): string {
  return formatJson(SCHEMA);
}
