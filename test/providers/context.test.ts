import t from 'tap';
import {
  cognitoClaims,
  contextFromClaims,
  eksClaims,
  githubClaims,
  gitlabClaims,
  providerById,
  providerForHostPath,
  terraformClaims,
} from '../../lib/providers/index.js';
import type { ContextEntry } from '../../lib/conditions/context.js';
import type { ProviderId } from '../../lib/providers/index.js';

type Want = Record<
  string,
  { values: string[]; type?: string; multiValued?: boolean; source?: string; unconfirmed?: RegExp }
>;

interface Row {
  name: string;
  spec: string;
  hostPath: string;
  provider: ProviderId;
  claims: Record<string, unknown>;
  clientIds?: string[];
  /** Entries expected, by key suffix. */
  want: Want;
  /** Key suffixes that must NOT be present. */
  absent: string[];
  /** Finding codes expected (in any order). */
  findings?: string[];
}

const GH = 'token.actions.githubusercontent.com';
const EKS = 'oidc.eks.us-east-1.amazonaws.com/id/ABC123';

const ROWS: Row[] = [
  {
    name: 'GitHub: SAR keys become keys; repository_owner, event_name, ref_type, workflow_ref … do not',
    spec: '§3.1 (SAR 2026-02), §8.1 item 9',
    hostPath: GH,
    provider: 'github',
    claims: {
      ...githubClaims({
        repository: 'octo-org/octo-repo',
        ref: 'refs/heads/main',
        ownerId: 123456,
        repositoryId: 456789,
        actor: 'octocat',
        actorId: 583231,
        workflow: 'deploy',
        jobWorkflowRef: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
        enterpriseId: 77,
        runnerEnvironment: 'github-hosted',
        repositoryVisibility: 'private',
      }),
      workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
      head_ref: '',
      base_ref: '',
      run_id: '1',
      repo_property_team: 'infra',
      exp: 1700000000,
      iat: 1699999000,
      jti: 'x',
    },
    want: {
      sub: { values: ['repo:octo-org/octo-repo:ref:refs/heads/main'], source: 'token claim "sub"' },
      aud: { values: ['sts.amazonaws.com'] },
      actor: { values: ['octocat'] },
      actor_id: { values: ['583231'] },
      enterprise_id: { values: ['77'] },
      job_workflow_ref: {
        values: ['octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main'],
      },
      ref: { values: ['refs/heads/main'] },
      repository: { values: ['octo-org/octo-repo'] },
      repository_id: { values: ['456789'] },
      repository_owner_id: { values: ['123456'] },
      workflow: { values: ['deploy'] },
    },
    absent: [
      'repository_owner',
      'event_name',
      'ref_type',
      'workflow_ref',
      'head_ref',
      'base_ref',
      'runner_environment',
      'repository_visibility',
      'run_id',
      'repo_property_team',
      'iss',
      'exp',
      'iat',
      'jti',
      'amr',
      'oaud',
      'email',
      'azp',
    ],
  },
  {
    name: 'GitHub environment job: environment key present',
    spec: '§3.1, §7.1',
    hostPath: GH,
    provider: 'github',
    claims: githubClaims({ repository: 'o/r', environment: 'prod' }),
    want: { sub: { values: ['repo:o/r:environment:prod'] }, environment: { values: ['prod'] } },
    absent: ['environment_url'],
  },
  {
    name: 'EKS: aud array of one, sub; kubernetes.io object is not a key',
    spec: '§3.1, §7.2',
    hostPath: EKS,
    provider: 'eks',
    claims: eksClaims({ issuer: `https://${EKS}`, namespace: 'web', serviceAccount: 'api' }),
    want: {
      aud: { values: ['sts.amazonaws.com'] },
      sub: { values: ['system:serviceaccount:web:api'] },
      oaud: { values: ['sts.amazonaws.com'], unconfirmed: /UNCONFIRMED 15/ },
    },
    absent: ['kubernetes.io', 'kubernetes.io/namespace', 'namespace'],
  },
  {
    name: 'gitlab.com: GitLab SAR keys; project_path, ref, ref_type are not keys',
    spec: '§3.1 (SAR 2026-07-15), §7.3',
    hostPath: 'gitlab.com',
    provider: 'gitlab',
    claims: gitlabClaims({
      projectPath: 'mygroup/myproject',
      aud: 'https://gitlab.com',
      projectId: 42,
      namespaceId: 7,
      refProtected: true,
      userLogin: 'alice',
      userId: 9,
      userEmail: 'alice@example.com',
      userAccessLevel: 'maintainer',
      runnerEnvironment: 'gitlab-hosted',
    }),
    want: {
      sub: { values: ['project_path:mygroup/myproject:ref_type:branch:ref:main'] },
      aud: { values: ['https://gitlab.com'] },
      project_id: { values: ['42'] },
      namespace_id: { values: ['7'] },
      ref_protected: { values: ['true'] },
      pipeline_source: { values: ['push'] },
      user_login: { values: ['alice'] },
      user_id: { values: ['9'] },
      user_email: { values: ['alice@example.com'] },
      user_access_level: { values: ['maintainer'] },
      runner_environment: { values: ['gitlab-hosted'] },
    },
    absent: ['project_path', 'namespace_path', 'ref', 'ref_type', 'ref_path'],
  },
  {
    name: 'self-managed GitLab (module chosen by the caller): only the generic keys',
    spec: '§3.1 (GitLab keys are listed for gitlab.com only), §7.3',
    hostPath: 'gitlab.example.com',
    provider: 'gitlab',
    claims: gitlabClaims({ projectPath: 'g/p', host: 'gitlab.example.com', projectId: 1 }),
    want: {
      sub: { values: ['project_path:g/p:ref_type:branch:ref:main'] },
      aud: { values: ['https://gitlab.example.com'] },
    },
    absent: ['project_id', 'pipeline_source'],
  },
  {
    name: 'Terraform: sub and aud; terraform_* claims are not keys',
    spec: '§3.1, §7.4',
    hostPath: 'app.terraform.io',
    provider: 'terraform',
    claims: terraformClaims({
      organization: 'acme',
      project: 'infra',
      workspace: 'prod',
      runPhase: 'apply',
    }),
    want: {
      sub: { values: ['organization:acme:project:infra:workspace:prod:run_phase:apply'] },
      aud: { values: ['aws.workload.identity'] },
    },
    absent: ['terraform_organization_name', 'terraform_workspace_name', 'terraform_run_phase'],
  },
  {
    name: 'Bitbucket: generic keys only',
    spec: '§3.1, §7.5',
    hostPath: 'api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc',
    provider: 'bitbucket',
    claims: {
      sub: '{repo-uuid}:{step-uuid}',
      aud: 'ari:cloud:bitbucket::workspace/uuid',
      repositoryUuid: '{repo-uuid}',
      branchName: 'main',
    },
    want: {
      sub: { values: ['{repo-uuid}:{step-uuid}'] },
      aud: { values: ['ari:cloud:bitbucket::workspace/uuid'] },
    },
    absent: ['repositoryUuid', 'branchName'],
  },
  {
    name: 'CircleCI: oidc.circleci.com/project-id is a key; vcs-ref is not',
    spec: '§3.1 (SAR), §7.5',
    hostPath: 'oidc.circleci.com/org/ORG1',
    provider: 'circleci',
    claims: {
      sub: 'org/ORG1/project/PRJ1/user/U1',
      aud: 'ORG1',
      'oidc.circleci.com/project-id': 'PRJ1',
      'oidc.circleci.com/vcs-ref': 'refs/heads/main',
      'oidc.circleci.com/context-ids': ['c1', 'c2'],
    },
    want: {
      sub: { values: ['org/ORG1/project/PRJ1/user/U1'] },
      aud: { values: ['ORG1'] },
      'oidc.circleci.com/project-id': {
        values: ['PRJ1'],
        source: 'token claim "oidc.circleci.com/project-id"',
      },
    },
    absent: ['oidc.circleci.com/vcs-ref', 'oidc.circleci.com/context-ids'],
  },
  {
    name: 'Buildkite: SAR keys; build_number is not a key',
    spec: '§3.1 (SAR), §7.5',
    hostPath: 'agent.buildkite.com',
    provider: 'buildkite',
    claims: {
      sub: 'organization:acme:pipeline:deploy:ref:refs/heads/main:commit:abc:step:build',
      aud: 'sts.amazonaws.com',
      organization_slug: 'acme',
      organization_id: 'o-1',
      pipeline_slug: 'deploy',
      pipeline_id: 'p-1',
      build_branch: 'main',
      cluster_id: 'c-1',
      cluster_name: 'default',
      build_number: 12,
      step_key: 'build',
    },
    want: {
      organization_slug: { values: ['acme'] },
      organization_id: { values: ['o-1'] },
      pipeline_slug: { values: ['deploy'] },
      pipeline_id: { values: ['p-1'] },
      build_branch: { values: ['main'] },
      cluster_id: { values: ['c-1'] },
      cluster_name: { values: ['default'] },
    },
    absent: ['build_number', 'step_key'],
  },
  {
    name: 'Cognito unauthenticated: amr MULTIVALUED',
    spec: '§3.1, §7.6',
    hostPath: 'cognito-identity.amazonaws.com',
    provider: 'cognito',
    claims: cognitoClaims({ identityPoolId: 'us-east-1:pool', identityId: 'us-east-1:id' }),
    want: {
      aud: { values: ['us-east-1:pool'], multiValued: false },
      sub: { values: ['us-east-1:id'], multiValued: false },
      amr: { values: ['unauthenticated'], multiValued: true },
    },
    absent: ['oaud', 'email'],
  },
  {
    name: 'Cognito authenticated with login providers: every amr value kept',
    spec: '§3.1, §7.6',
    hostPath: 'cognito-identity.amazonaws.com',
    provider: 'cognito',
    claims: cognitoClaims({
      identityPoolId: 'p',
      identityId: 'i',
      loginProviders: ['graph.facebook.com', 'accounts.google.com'],
    }),
    want: {
      amr: {
        values: ['authenticated', 'graph.facebook.com', 'accounts.google.com'],
        multiValued: true,
      },
    },
    absent: [],
  },
  {
    name: 'Cognito: a lone amr string is one value',
    spec: '§3.1',
    hostPath: 'cognito-identity.amazonaws.com',
    provider: 'cognito',
    claims: { aud: 'p', sub: 'i', amr: 'authenticated' },
    want: { amr: { values: ['authenticated'], multiValued: true } },
    absent: [],
  },
  {
    name: 'Cognito: empty amr is an empty multivalued entry',
    spec: '§3.1, §5.5',
    hostPath: 'cognito-identity.amazonaws.com',
    provider: 'cognito',
    claims: { aud: 'p', sub: 'i', amr: [] },
    want: { amr: { values: [], multiValued: true } },
    absent: [],
  },
  {
    name: 'Google with azp: aud = azp, oaud = token aud',
    spec: '§3.1 azp rule',
    hostPath: 'accounts.google.com',
    provider: 'google',
    claims: {
      iss: 'https://accounts.google.com',
      azp: 'client-a.apps.googleusercontent.com',
      aud: 'client-b.apps.googleusercontent.com',
      sub: '1101',
      email: 'a@example.com',
      hd: 'example.com',
    },
    want: {
      aud: { values: ['client-a.apps.googleusercontent.com'], source: 'token claim "azp"' },
      oaud: { values: ['client-b.apps.googleusercontent.com'], source: 'token claim "aud"' },
      sub: { values: ['1101'] },
    },
    absent: ['azp', 'email', 'hd', 'google/organization_number'],
  },
  {
    name: 'Google without azp: aud = oaud = token aud',
    spec: '§3.1 azp rule',
    hostPath: 'accounts.google.com',
    provider: 'google',
    claims: { aud: 'client-b', sub: '1101' },
    want: {
      aud: { values: ['client-b'], source: 'token claim "aud"' },
      oaud: { values: ['client-b'], source: 'token claim "aud"' },
    },
    absent: ['azp'],
  },
  {
    name: 'Google organization_number: Numeric, from google.organization_number',
    spec: '§3.1 (SAR 2026-07-15)',
    hostPath: 'accounts.google.com',
    provider: 'google',
    claims: { aud: 'c', sub: 's', google: { organization_number: 123456789 } },
    want: {
      'google/organization_number': {
        values: ['123456789'],
        type: 'Numeric',
        source: 'token claim "google.organization_number"',
        unconfirmed: /claim that feeds it/,
      },
    },
    absent: ['google'],
  },
  {
    name: 'Google organization_number from a flat claim; a non-number is flagged',
    spec: '§3.1, §5.4',
    hostPath: 'accounts.google.com',
    provider: 'google',
    claims: { aud: 'c', sub: 's', 'google/organization_number': 'acme' },
    want: { 'google/organization_number': { values: ['acme'], type: 'Numeric' } },
    absent: [],
    findings: ['claim-not-numeric'],
  },
  {
    name: 'Facebook (OAuth): app_id and id',
    spec: '§1.4, §3.1',
    hostPath: 'graph.facebook.com',
    provider: 'facebook',
    claims: { app_id: '1234', id: '5678', aud: 'x', sub: 'y' },
    want: { app_id: { values: ['1234'] }, id: { values: ['5678'] } },
    absent: ['aud', 'sub', 'user_id'],
  },
  {
    name: 'Login with Amazon (OAuth): app_id and user_id',
    spec: '§1.4, §3.1',
    hostPath: 'www.amazon.com',
    provider: 'amazon',
    claims: { app_id: 'amzn1.application.1', user_id: 'amzn1.account.2' },
    want: { app_id: { values: ['amzn1.application.1'] }, user_id: { values: ['amzn1.account.2'] } },
    absent: ['aud', 'sub', 'id'],
  },
  {
    name: 'generic OIDC: aud, sub, amr (multivalued); oaud, email, azp unconfirmed; others absent',
    spec: '§3.1, UNCONFIRMED 15',
    hostPath: 'server.example.com',
    provider: 'oidc',
    claims: {
      aud: 'app',
      sub: 'u1',
      amr: ['pwd', 'mfa'],
      email: 'u1@example.com',
      azp: 'app',
      groups: ['admins'],
      tenant: { id: 1 },
    },
    want: {
      aud: { values: ['app'] },
      sub: { values: ['u1'] },
      amr: { values: ['pwd', 'mfa'], multiValued: true },
      oaud: { values: ['app'], unconfirmed: /UNCONFIRMED 15/ },
      email: { values: ['u1@example.com'], unconfirmed: /UNCONFIRMED 15/ },
      azp: { values: ['app'], unconfirmed: /UNCONFIRMED 15/ },
    },
    absent: ['groups', 'tenant', 'tenant.id', 'tenant/id'],
  },
  {
    name: 'numbers and booleans are stringified',
    spec: '§3.1 (values are strings), §5.4 UNCONFIRMED 23',
    hostPath: 'server.example.com',
    provider: 'oidc',
    claims: { aud: 12, sub: true, amr: [1, false, 'x'] },
    want: {
      aud: { values: ['12'] },
      sub: { values: ['true'] },
      amr: { values: ['1', 'false', 'x'] },
    },
    absent: [],
  },
  {
    name: 'aud array of one = the string',
    spec: '§3.1 UNCONFIRMED 4',
    hostPath: 'server.example.com',
    provider: 'oidc',
    claims: { aud: ['only'], sub: 's' },
    want: { aud: { values: ['only'], multiValued: false } },
    absent: [],
    findings: [],
  },
  {
    name: 'aud array of several: the first that is a client id',
    spec: '§3.1 UNCONFIRMED 4',
    hostPath: 'server.example.com',
    provider: 'oidc',
    claims: { aud: ['other', 'mine', 'third'], sub: 's' },
    clientIds: ['mine', 'third'],
    want: {
      aud: { values: ['mine'], multiValued: false, unconfirmed: /UNCONFIRMED 4/ },
      oaud: { values: ['mine'], unconfirmed: /UNCONFIRMED 4/ },
    },
    absent: [],
    findings: ['aud-multiple-values', 'aud-multiple-values'],
  },
  {
    name: 'aud array of several, no client id given: the first',
    spec: '§3.1 UNCONFIRMED 4',
    hostPath: 'server.example.com',
    provider: 'oidc',
    claims: { aud: ['first', 'second'], sub: 's' },
    want: { aud: { values: ['first'], unconfirmed: /UNCONFIRMED 4/ } },
    absent: [],
    findings: ['aud-multiple-values', 'aud-multiple-values'],
  },
  {
    name: 'aud array of several, none a client id: the first',
    spec: '§3.1 UNCONFIRMED 4',
    hostPath: 'server.example.com',
    provider: 'oidc',
    claims: { aud: ['first', 'second'], sub: 's' },
    clientIds: ['nope'],
    want: { aud: { values: ['first'] } },
    absent: [],
    findings: ['aud-multiple-values', 'aud-multiple-values'],
  },
  {
    name: 'empty aud array: key absent',
    spec: '§3.1 UNCONFIRMED 4',
    hostPath: 'server.example.com',
    provider: 'oidc',
    claims: { aud: [], sub: 's' },
    want: { sub: { values: ['s'] } },
    absent: ['aud', 'oaud'],
    findings: ['aud-empty', 'aud-empty'],
  },
  {
    name: 'aud object: absent',
    spec: '§3.1',
    hostPath: 'server.example.com',
    provider: 'oidc',
    claims: { aud: { a: 1 }, sub: 's' },
    want: {},
    absent: ['aud', 'oaud'],
    findings: ['claim-object-for-single-valued-key', 'claim-object-for-single-valued-key'],
  },
  {
    name: 'aud array with a non-string element: ignored with a warning',
    spec: '§3.1',
    hostPath: 'server.example.com',
    provider: 'oidc',
    claims: { aud: ['a', { x: 1 }] },
    want: { aud: { values: ['a'] } },
    absent: [],
    findings: ['claim-array-non-scalar', 'claim-array-non-scalar'],
  },
  {
    name: 'single-valued key given a one-element array: unwrapped, warned',
    spec: '§3.1',
    hostPath: GH,
    provider: 'github',
    claims: { sub: ['repo:o/r:ref:refs/heads/main'] },
    want: {
      sub: {
        values: ['repo:o/r:ref:refs/heads/main'],
        multiValued: false,
        unconfirmed: /arrays or objects/,
      },
    },
    absent: [],
    findings: ['claim-array-for-single-valued-key'],
  },
  {
    name: 'single-valued key given several values or an object: absent, warned',
    spec: '§3.1',
    hostPath: GH,
    provider: 'github',
    claims: { sub: ['a', 'b'], repository: { owner: 'o' }, ref: [] },
    want: {},
    absent: ['sub', 'repository', 'ref'],
    findings: [
      'claim-array-for-single-valued-key',
      'claim-object-for-single-valued-key',
      'claim-array-for-single-valued-key',
    ],
  },
  {
    name: 'null claims: absent, warned; undefined claims: silently absent',
    spec: '§3.1',
    hostPath: GH,
    provider: 'github',
    claims: { sub: null, aud: undefined },
    want: {},
    absent: ['sub', 'aud'],
    findings: ['claim-null'],
  },
  {
    name: 'multivalued key given an object: absent; object elements dropped',
    spec: '§3.1',
    hostPath: 'cognito-identity.amazonaws.com',
    provider: 'cognito',
    claims: { aud: 'p', amr: { a: 1 } },
    want: { aud: { values: ['p'] } },
    absent: ['amr'],
    findings: ['claim-object-for-multivalued-key'],
  },
  {
    name: 'multivalued key with a non-scalar element: the rest kept',
    spec: '§3.1',
    hostPath: 'cognito-identity.amazonaws.com',
    provider: 'cognito',
    claims: { amr: ['authenticated', ['x']] },
    want: { amr: { values: ['authenticated'] } },
    absent: [],
    findings: ['claim-array-non-scalar'],
  },
  {
    name: 'a claim named like an Object.prototype member is not read from the prototype',
    spec: '§3.1',
    hostPath: 'server.example.com',
    provider: 'oidc',
    claims: {},
    want: {},
    absent: ['aud', 'sub', 'amr', 'constructor', 'toString'],
    findings: [],
  },
];

function byKey(entries: ContextEntry[]): Map<string, ContextEntry> {
  return new Map(entries.map((e) => [e.key, e]));
}

for (const r of ROWS) {
  t.test(`${r.name} (${r.spec})`, async (t) => {
    const module = providerById(r.provider);
    const { entries, findings } = contextFromClaims(module, r.hostPath, r.claims, r.clientIds);
    const got = byKey(entries);
    const types = new Map(module.claimKeys(r.hostPath).map((k) => [k.name, k]));
    for (const [name, w] of Object.entries(r.want)) {
      const key = `${r.hostPath}:${name}`;
      const e = got.get(key);
      t.ok(e, `${key} present`);
      if (!e) continue;
      t.same(e.values, w.values, `${key} = ${JSON.stringify(w.values)}`);
      t.equal(e.type, w.type ?? types.get(name)?.type ?? 'String', `${key} type`);
      t.equal(
        e.multiValued,
        w.multiValued ?? types.get(name)?.multiValued ?? false,
        `${key} multiValued`,
      );
      t.equal(
        e.source,
        w.source ?? `token claim "${types.get(name)?.claim ?? name}"`,
        `${key} source`,
      );
      if (w.unconfirmed) t.match(e.unconfirmed, w.unconfirmed, `${key} unconfirmed note`);
      if (!e.multiValued) t.equal(e.values.length, 1, `${key} single-valued has exactly one value`);
    }
    for (const name of r.absent)
      t.notOk(got.has(`${r.hostPath}:${name}`), `${r.hostPath}:${name} absent`);
    if (r.findings) t.same(findings.map((f) => f.code).sort(), [...r.findings].sort(), 'findings');
    for (const f of findings) {
      t.equal(f.severity, 'warning', `${f.code} is a warning`);
      t.match(f.spec, /^§/, `${f.code} cites the spec`);
    }
    for (const e of entries)
      t.ok(e.key.startsWith(`${r.hostPath}:`), `${e.key} carries the issuer prefix`);
  });
}

t.test('keys use the hostPath as written (trailing slash, enterprise path) (§1.3)', async (t) => {
  const slash = contextFromClaims(providerForHostPath('example.com/'), 'example.com/', {
    sub: 's',
  });
  t.same(
    slash.entries.map((e) => e.key),
    ['example.com/:sub'],
  );
  const ent = 'token.actions.githubusercontent.com/octo-ent';
  const gh = contextFromClaims(providerForHostPath(ent), ent, {
    sub: 's',
    repository_owner_id: '1',
  });
  t.same(gh.entries.map((e) => e.key).sort(), [`${ent}:repository_owner_id`, `${ent}:sub`]);
});

t.test('claim-key tables: types and multi-valuedness (§3.1)', async (t) => {
  const rows: Array<{
    provider: ProviderId;
    hostPath: string;
    keys: string[];
    multi: string[];
    numeric?: string[];
  }> = [
    {
      provider: 'github',
      hostPath: GH,
      keys: [
        'actor',
        'actor_id',
        'aud',
        'enterprise_id',
        'environment',
        'job_workflow_ref',
        'ref',
        'repository',
        'repository_id',
        'repository_owner_id',
        'sub',
        'workflow',
      ],
      multi: [],
    },
    {
      provider: 'eks',
      hostPath: EKS,
      keys: ['amr', 'aud', 'azp', 'email', 'oaud', 'sub'],
      multi: ['amr'],
    },
    {
      provider: 'gitlab',
      hostPath: 'gitlab.com',
      keys: [
        'amr',
        'aud',
        'azp',
        'email',
        'namespace_id',
        'oaud',
        'pipeline_source',
        'project_id',
        'ref_protected',
        'runner_environment',
        'sub',
        'user_access_level',
        'user_email',
        'user_id',
        'user_login',
      ],
      multi: ['amr'],
    },
    {
      provider: 'gitlab',
      hostPath: 'gitlab.example.com',
      keys: ['amr', 'aud', 'azp', 'email', 'oaud', 'sub'],
      multi: ['amr'],
    },
    {
      provider: 'terraform',
      hostPath: 'app.terraform.io',
      keys: ['amr', 'aud', 'azp', 'email', 'oaud', 'sub'],
      multi: ['amr'],
    },
    {
      provider: 'circleci',
      hostPath: 'oidc.circleci.com/org/O',
      keys: ['amr', 'aud', 'azp', 'email', 'oaud', 'oidc.circleci.com/project-id', 'sub'],
      multi: ['amr'],
    },
    {
      provider: 'buildkite',
      hostPath: 'agent.buildkite.com',
      keys: [
        'amr',
        'aud',
        'azp',
        'build_branch',
        'cluster_id',
        'cluster_name',
        'email',
        'oaud',
        'organization_id',
        'organization_slug',
        'pipeline_id',
        'pipeline_slug',
        'sub',
      ],
      multi: ['amr'],
    },
    {
      provider: 'cognito',
      hostPath: 'cognito-identity.amazonaws.com',
      keys: ['amr', 'aud', 'sub'],
      multi: ['amr'],
    },
    {
      provider: 'google',
      hostPath: 'accounts.google.com',
      keys: ['aud', 'google/organization_number', 'oaud', 'sub'],
      multi: [],
      numeric: ['google/organization_number'],
    },
    { provider: 'facebook', hostPath: 'graph.facebook.com', keys: ['app_id', 'id'], multi: [] },
    { provider: 'amazon', hostPath: 'www.amazon.com', keys: ['app_id', 'user_id'], multi: [] },
    {
      provider: 'oidc',
      hostPath: 'server.example.com',
      keys: ['amr', 'aud', 'azp', 'email', 'oaud', 'sub'],
      multi: ['amr'],
    },
  ];
  for (const r of rows) {
    const keys = providerById(r.provider).claimKeys(r.hostPath);
    t.same(keys.map((k) => k.name).sort(), r.keys, `${r.provider} @ ${r.hostPath}: keys`);
    t.same(
      keys
        .filter((k) => k.multiValued)
        .map((k) => k.name)
        .sort(),
      r.multi,
      `${r.provider}: multivalued`,
    );
    t.same(
      keys
        .filter((k) => k.type === 'Numeric')
        .map((k) => k.name)
        .sort(),
      r.numeric ?? [],
      `${r.provider}: Numeric`,
    );
    for (const k of keys) {
      if (['oaud', 'email', 'azp'].includes(k.name) && r.provider !== 'google')
        t.match(k.unconfirmed, /UNCONFIRMED 15/, `${r.provider}:${k.name} unconfirmed`);
    }
  }
  const keys = providerById('github').claimKeys(GH);
  keys[0]!.name = 'mutated';
  t.equal(providerById('github').claimKeys(GH)[0]?.name, 'sub', 'claimKeys returns fresh copies');
});

t.test('a provider module with a Bool key (extension point, §5.4)', async (t) => {
  const base = providerById('oidc');
  const custom = {
    ...base,
    claimKeys: () => [{ name: 'email_verified', type: 'Bool' as const, multiValued: false }],
  };
  const ok = contextFromClaims(custom, 'idp.example.com', { email_verified: true });
  t.same(ok.entries[0]?.values, ['true']);
  t.equal(ok.entries[0]?.type, 'Bool');
  t.same(ok.findings, []);
  const bad = contextFromClaims(custom, 'idp.example.com', { email_verified: 'yes' });
  t.same(
    bad.findings.map((f) => f.code),
    ['claim-not-bool'],
  );
});

t.test('Google: no aud and no azp → no aud/oaud keys (§3.1)', async (t) => {
  const { entries } = contextFromClaims(providerById('google'), 'accounts.google.com', {
    sub: 's',
  });
  t.same(
    entries.map((e) => e.key),
    ['accounts.google.com:sub'],
  );
});
