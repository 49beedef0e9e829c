import t from 'tap';
import fc from 'fast-check';
import {
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
} from '../../lib/providers/index.js';
import type { GithubSubInput } from '../../lib/providers/index.js';

t.test('githubSub: default subject rules, first match wins (§7.1)', async (t) => {
  const rows: Array<{ input: GithubSubInput; sub: string; why: string }> = [
    {
      input: { repository: 'octo-org/octo-repo' },
      sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
      why: 'default ref refs/heads/main',
    },
    {
      input: { repository: 'o/r', ref: 'refs/heads/dev' },
      sub: 'repo:o/r:ref:refs/heads/dev',
      why: 'branch',
    },
    {
      input: { repository: 'o/r', ref: 'dev' },
      sub: 'repo:o/r:ref:refs/heads/dev',
      why: 'bare branch name → refs/heads/',
    },
    {
      input: { repository: 'o/r', ref: 'refs/tags/v1.2.3' },
      sub: 'repo:o/r:ref:refs/tags/v1.2.3',
      why: 'tag',
    },
    {
      input: { repository: 'o/r', environment: 'prod' },
      sub: 'repo:o/r:environment:prod',
      why: 'environment',
    },
    {
      input: { repository: 'o/r', environment: 'prod', event: 'pull_request' },
      sub: 'repo:o/r:environment:prod',
      why: 'environment beats pull_request',
    },
    {
      input: { repository: 'o/r', event: 'pull_request', ref: 'refs/pull/7/merge' },
      sub: 'repo:o/r:pull_request',
      why: 'pull_request',
    },
    {
      input: { repository: 'o/r', event: 'pull_request_target' },
      sub: 'repo:o/r:pull_request',
      why: 'pull_request_target taken as a pull request event (UNCONFIRMED [pull-request-target]: tokio-rs/toasty#721)',
    },
    {
      input: { repository: 'o/r', environment: 'prod', event: 'pull_request_target' },
      sub: 'repo:o/r:environment:prod',
      why: 'environment beats pull_request_target',
    },
    {
      input: { repository: 'o/r', environment: 'Production:V1' },
      sub: 'repo:o/r:environment:Production%3AV1',
      why: '":" encoded as %3A',
    },
    {
      input: { repository: 'o/r', ref: 'refs/heads/feat:x' },
      sub: 'repo:o/r:ref:refs/heads/feat%3Ax',
      why: '":" in a ref encoded',
    },
    {
      input: {
        repository: 'octo-org/octo-repo',
        ownerId: 123456,
        repositoryId: 456789,
        immutable: true,
      },
      sub: 'repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main',
      why: 'immutable subject',
    },
    {
      input: {
        repository: 'o/r',
        ownerId: '1',
        repositoryId: '2',
        immutable: true,
        environment: 'prod',
      },
      sub: 'repo:o@1/r@2:environment:prod',
      why: 'immutable + environment',
    },
    {
      input: { repository: 'o/r', ownerId: 1, repositoryId: 2 },
      sub: 'repo:o/r:ref:refs/heads/main',
      why: 'ids without immutable: name-based',
    },
  ];
  for (const r of rows) t.equal(githubSub(r.input), r.sub, `${r.why}: ${r.sub}`);
  t.throws(
    () => githubSub({ repository: 'o/r', immutable: true, ownerId: 1 }),
    /ownerId and repositoryId/,
  );
  t.throws(() => githubSub({ repository: 'just-a-name' }), /OWNER\/REPO/);
  t.throws(() => githubSub({ repository: 'a/b/c' }), /OWNER\/REPO/);
});

t.test('githubClaims: a full claim set (§7.1)', async (t) => {
  t.same(githubClaims({ repository: 'acme/app', ref: 'refs/heads/main' }), {
    iss: 'https://token.actions.githubusercontent.com',
    aud: 'sts.amazonaws.com',
    sub: 'repo:acme/app:ref:refs/heads/main',
    repository: 'acme/app',
    repository_owner: 'acme',
    ref: 'refs/heads/main',
    ref_type: 'branch',
    event_name: 'push',
  });
  const tag = githubClaims({ repository: 'acme/app', ref: 'refs/tags/v1' });
  t.equal(tag.ref_type, 'tag');
  const pr = githubClaims({ repository: 'acme/app', event: 'pull_request' });
  t.match(pr, {
    sub: 'repo:acme/app:pull_request',
    event_name: 'pull_request',
    ref: 'refs/pull/1/merge',
    ref_type: 'branch',
  });
  const env = githubClaims({
    repository: 'acme/app',
    environment: 'prod',
    ownerId: 10,
    repositoryId: 20,
    actor: 'me',
    actorId: 3,
  });
  t.match(env, {
    sub: 'repo:acme/app:environment:prod',
    environment: 'prod',
    repository_owner_id: '10',
    repository_id: '20',
    actor: 'me',
    actor_id: '3',
  });
  const imm = githubClaims({
    repository: 'acme/app',
    ownerId: 10,
    repositoryId: 20,
    immutable: true,
  });
  t.equal(imm.sub, 'repo:acme@10/app@20:ref:refs/heads/main');
  t.equal(imm.repository, 'acme/app', 'the repository claim keeps the name');
  const custom = githubClaims({
    repository: 'acme/app',
    issuer: 'https://token.actions.githubusercontent.com/acme-ent',
    audience: ['sts.amazonaws.com', 'other'],
    sub: 'repository_owner:acme:repository_visibility:private',
    extra: { run_id: '99' },
  });
  t.match(custom, {
    iss: 'https://token.actions.githubusercontent.com/acme-ent',
    aud: ['sts.amazonaws.com', 'other'],
    sub: 'repository_owner:acme:repository_visibility:private',
    run_id: '99',
  });
});

t.test('parseGithubSub: default forms (§7.1)', async (t) => {
  const rows: Array<{ sub: string; want: Record<string, unknown> }> = [
    {
      sub: 'repo:o/r:ref:refs/heads/main',
      want: {
        ok: true,
        kind: 'ref',
        owner: 'o',
        repo: 'r',
        immutable: false,
        value: 'refs/heads/main',
      },
    },
    { sub: 'repo:o/r:ref:refs/tags/v1', want: { ok: true, kind: 'ref', value: 'refs/tags/v1' } },
    { sub: 'repo:o/r:environment:prod', want: { ok: true, kind: 'environment', value: 'prod' } },
    {
      sub: 'repo:o/r:environment:Production%3AV1',
      want: { ok: true, kind: 'environment', value: 'Production:V1' },
    },
    {
      sub: 'repo:o/r:pull_request',
      want: { ok: true, kind: 'pull_request', owner: 'o', repo: 'r' },
    },
    {
      sub: 'repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main',
      want: {
        ok: true,
        kind: 'ref',
        owner: 'octo-org',
        repo: 'octo-repo',
        ownerId: '123456',
        repositoryId: '456789',
        immutable: true,
      },
    },
    {
      sub: 'repo:o/r:environment:prod:job_workflow_ref:o/w/.github/workflows/d.yml@refs/heads/main',
      want: {
        ok: true,
        kind: 'custom',
        owner: 'o',
        repo: 'r',
        pairs: [
          ['repo', 'o/r'],
          ['environment', 'prod'],
          ['job_workflow_ref', 'o/w/.github/workflows/d.yml@refs/heads/main'],
        ],
      },
    },
    {
      sub: 'repository_owner:monalisa:repository_visibility:private',
      want: {
        ok: true,
        kind: 'custom',
        pairs: [
          ['repository_owner', 'monalisa'],
          ['repository_visibility', 'private'],
        ],
      },
    },
    { sub: 'repo:o/r:ref:a:b:c', want: { ok: true, kind: 'custom', value: 'ref:a:b:c' } },
  ];
  for (const r of rows) t.match(parseGithubSub(r.sub), r.want, r.sub);
  const custom = parseGithubSub('something-odd');
  t.match(custom, { ok: true, kind: 'custom', value: 'something-odd' });
  t.notOk(custom.ok && 'owner' in custom && custom.owner, 'no owner for a subject without repo:');
  t.notOk(custom.ok && custom.pairs, 'no pairs for an odd number of segments');
});

t.test('parseGithubSub: malformed (§7.1)', async (t) => {
  const rows: Array<[string, RegExp]> = [
    ['', /empty/],
    ['repo:o/r', /no context/],
    ['repo:or:ref:refs/heads/main', /not OWNER\/REPO/],
    ['repo:/r:pull_request', /not OWNER\/REPO/],
    ['repo:o/:pull_request', /not OWNER\/REPO/],
    ['repo:o/r/x:pull_request', /not OWNER\/REPO/],
    ['repo:o@1/r:pull_request', /ids on both parts/],
    ['repo:o@x/r@y:pull_request', /ids on both parts/],
  ];
  for (const [sub, re] of rows) {
    const got = parseGithubSub(sub);
    t.equal(got.ok, false, `${JSON.stringify(sub)} is malformed`);
    if (!got.ok) t.match(got.message, re);
  }
});

t.test('parseGithubSub round-trips githubSub (property, §7.1)', async (t) => {
  const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/);
  const value = fc.stringMatching(/^[A-Za-z0-9/._:-]{1,30}$/).filter((s) => !/%3A/i.test(s));
  const id = fc.integer({ min: 1, max: 2 ** 40 });
  const input = fc.record({
    owner: name,
    repo: name,
    kind: fc.constantFrom('ref', 'environment', 'pull_request'),
    value,
    immutable: fc.boolean(),
    ownerId: id,
    repositoryId: id,
  });
  fc.assert(
    fc.property(input, (i) => {
      const sub = githubSub({
        repository: `${i.owner}/${i.repo}`,
        ...(i.kind === 'ref' ? { ref: `refs/heads/${i.value}` } : {}),
        ...(i.kind === 'environment' ? { environment: i.value } : {}),
        ...(i.kind === 'pull_request' ? { event: 'pull_request' } : {}),
        ...(i.immutable
          ? { immutable: true, ownerId: i.ownerId, repositoryId: i.repositoryId }
          : {}),
      });
      const p = parseGithubSub(sub);
      if (!p.ok) return false;
      if (
        p.owner !== i.owner ||
        p.repo !== i.repo ||
        p.kind !== i.kind ||
        p.immutable !== i.immutable
      )
        return false;
      if (
        i.immutable &&
        (p.ownerId !== String(i.ownerId) || p.repositoryId !== String(i.repositoryId))
      )
        return false;
      if (i.kind === 'ref' && p.value !== `refs/heads/${i.value}`) return false;
      if (i.kind === 'environment' && p.value !== i.value) return false;
      const back = githubSub({
        repository: `${p.owner}/${p.repo}`,
        ...(p.kind === 'ref' ? { ref: p.value } : {}),
        ...(p.kind === 'environment' ? { environment: p.value } : {}),
        ...(p.kind === 'pull_request' ? { event: 'pull_request' } : {}),
        ...(p.immutable
          ? { immutable: true, ownerId: p.ownerId, repositoryId: p.repositoryId }
          : {}),
      });
      return back === sub;
    }),
    { numRuns: 300, seed: 20261122 },
  );
  t.pass('300 generated subjects round-trip');
});

t.test('eksClaims (§7.2)', async (t) => {
  t.same(
    eksClaims({
      issuer: 'https://oidc.eks.us-east-1.amazonaws.com/id/ABC',
      namespace: 'web',
      serviceAccount: 'api',
    }),
    {
      iss: 'https://oidc.eks.us-east-1.amazonaws.com/id/ABC',
      aud: ['sts.amazonaws.com'],
      sub: 'system:serviceaccount:web:api',
      'kubernetes.io': { namespace: 'web', serviceaccount: { name: 'api' } },
    },
  );
  t.equal(
    eksClaims({
      issuer: 'oidc.eks.eu-west-1.amazonaws.com/id/X',
      namespace: 'a',
      serviceAccount: 'b',
    }).iss,
    'https://oidc.eks.eu-west-1.amazonaws.com/id/X',
    'scheme added',
  );
  t.same(
    eksClaims({ issuer: 'https://x', namespace: 'a', serviceAccount: 'b', audience: 'custom' }).aud,
    ['custom'],
  );
  t.equal(eksSub('kube-system', 'aws-node'), 'system:serviceaccount:kube-system:aws-node');
});

t.test('gitlabClaims (§7.3)', async (t) => {
  t.same(gitlabClaims({ projectPath: 'mygroup/myproject' }), {
    iss: 'https://gitlab.com',
    aud: 'https://gitlab.com',
    sub: 'project_path:mygroup/myproject:ref_type:branch:ref:main',
    project_path: 'mygroup/myproject',
    namespace_path: 'mygroup',
    ref: 'main',
    ref_type: 'branch',
    ref_path: 'refs/heads/main',
    pipeline_source: 'push',
  });
  const tag = gitlabClaims({
    projectPath: 'g/sub/p',
    ref: 'v1',
    refType: 'tag',
    host: 'gitlab.example.com',
    aud: 'sts.amazonaws.com',
    projectId: 5,
    refProtected: false,
  });
  t.match(tag, {
    iss: 'https://gitlab.example.com',
    aud: 'sts.amazonaws.com',
    sub: 'project_path:g/sub/p:ref_type:tag:ref:v1',
    namespace_path: 'g/sub',
    ref_path: 'refs/tags/v1',
    project_id: '5',
    ref_protected: 'false',
  });
  t.equal(gitlabSub('a/b'), 'project_path:a/b:ref_type:branch:ref:main');
  t.throws(() => gitlabClaims({ projectPath: 'nogroup' }), /GROUP\/PROJECT/);
});

t.test('terraformClaims (§7.4, UNCONFIRMED 30)', async (t) => {
  t.same(
    terraformClaims({
      organization: 'acme',
      project: 'infra',
      workspace: 'prod',
      runPhase: 'plan',
    }),
    {
      iss: 'https://app.terraform.io',
      aud: 'aws.workload.identity',
      sub: 'organization:acme:project:infra:workspace:prod:run_phase:plan',
      terraform_organization_name: 'acme',
      terraform_project_name: 'infra',
      terraform_workspace_name: 'prod',
      terraform_full_workspace: 'organization:acme:project:infra:workspace:prod',
      terraform_run_phase: 'plan',
    },
  );
  t.equal(
    terraformClaims({ organization: 'a', workspace: 'w' }).sub,
    'organization:a:project:Default Project:workspace:w:run_phase:apply',
  );
  t.equal(
    terraformSub('a', 'p', 'w', 'apply'),
    'organization:a:project:p:workspace:w:run_phase:apply',
  );
});

t.test('cognitoClaims: amr (§7.6)', async (t) => {
  t.same(cognitoClaims({ identityPoolId: 'us-east-1:pool', identityId: 'us-east-1:id' }), {
    iss: 'https://cognito-identity.amazonaws.com',
    aud: 'us-east-1:pool',
    sub: 'us-east-1:id',
    amr: ['unauthenticated'],
  });
  t.same(cognitoClaims({ identityPoolId: 'p', identityId: 'i', authenticated: true }).amr, [
    'authenticated',
  ]);
  t.same(
    cognitoClaims({ identityPoolId: 'p', identityId: 'i', loginProviders: ['graph.facebook.com'] })
      .amr,
    ['authenticated', 'graph.facebook.com'],
  );
  t.throws(
    () =>
      cognitoClaims({
        identityPoolId: 'p',
        identityId: 'i',
        authenticated: false,
        loginProviders: ['x'],
      }),
    /unauthenticated/,
  );
});
