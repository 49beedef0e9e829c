/**
 * A scenario file's role read from where it lives (issue #8): `role: {cloudformation|cdk|
 * terraform|live}` and `providers: live`. The role's ARN, MaxSessionDuration, tags and trust
 * policy come from the source, a field written beside it overrides it (with a warning when they
 * differ), the providers a template or plan defines become the scenarios' providers unless the
 * file gives its own, and every unresolvable value is a positioned error that blocks the
 * scenarios needing it — never a guess. Live roles go through the real IAM client against the
 * loopback fake (test/helpers/fake-iam.ts).
 */
import t, { type Test } from 'tap';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  loadAndRun,
  loadAndRunAsync,
  loadScenarioFileAsync,
  RoleSources,
  type FileError,
  type RunReport,
} from '../../lib/scenarios/index.js';
import { runMain } from '../cli/helpers.js';
import { mkfifo } from '../cli/hostile-harness.js';
import {
  errorXml,
  fakeEnv,
  getProviderXml,
  getRoleXml,
  isolateProcessEnv,
  listProvidersXml,
  roleArn,
  startFakeIam,
  type FakeRole,
  type FakeScript,
} from '../helpers/fake-iam.js';

isolateProcessEnv(fakeEnv('http://127.0.0.1:9'));

const SOURCES = fileURLToPath(new URL('../fixtures/sources/', import.meta.url));
const NOW = 'now: 2026-06-01T00:00:00Z\n';
const GH = 'token.actions.githubusercontent.com';

/** A folder with the source fixtures copied in (as `cloudformation/`, `cdk/`, `terraform/`). */
function workspace(t: Test, files: Record<string, string>): string {
  const dir = t.testdir(files);
  for (const kind of ['cloudformation', 'cdk', 'terraform'])
    cpSync(join(SOURCES, kind), join(dir, kind), { recursive: true });
  return dir;
}

const summary = (r: RunReport) =>
  r.results.map((x) => `${x.ok ? 'ok' : x.blockedBy ? 'blocked' : 'FAIL'} ${x.name}`);

const at = (e: FileError) => `${e.file}:${e.line}:${e.column} ${e.code}`;

t.test('CloudFormation: the role, its facts and the providers the template creates', async (t) => {
  const dir = workspace(t, {
    'deploy.trustspec.yaml': `version: 1
role:
  cloudformation: cloudformation/github-actions-role-long-form.yaml
  account: '111122223333'
  region: us-east-1
${NOW}scenarios:
  - name: the org's main branch deploys
    github: { repository: simplydemo/app, ref: refs/heads/main }
    expect: allow
  - name: another owner is refused
    github: { repository: evil/app, ref: refs/heads/main }
    expect: { deny: { because: '${GH}:sub' } }
  - name: the template's MaxSessionDuration (21600) bounds the duration
    github: { repository: simplydemo/app }
    request: { durationSeconds: 43200 }
    expect: { deny: { stage: request } }
  - name: an audience the template's provider does not list is refused
    github: { repository: simplydemo/app }
    token: { aud: not-a-client-id }
    expect: { deny: { stage: token } }
`,
  });
  const loaded = await loadScenarioFileAsync(join(dir, 'deploy.trustspec.yaml'), { cwd: dir });
  t.same(loaded.errors, []);
  const s = loaded.scenarios[0];
  t.equal(s?.role.arn, 'arn:aws:iam::111122223333:role/simplydemoGithubActionsRole');
  t.equal(s?.role.maxSessionDuration, 21600, 'MaxSessionDuration: !Ref of a Number parameter');
  t.same(s?.role.tags, { ManagedBy: 'CF', Name: 'simplydemoGithubActionsRole' });
  t.same(s?.providers, [{ url: `https://${GH}`, clientIds: ['sts.amazonaws.com'] }]);
  t.equal(s?.role.policyFile, join(dir, 'cloudformation/github-actions-role-long-form.yaml'));
  const run = await loadAndRunAsync([dir], { cwd: dir });
  t.same(run.errors, []);
  t.same(summary(run), [
    "ok the org's main branch deploys",
    'ok another owner is refused',
    "ok the template's MaxSessionDuration (21600) bounds the duration",
    "ok an audience the template's provider does not list is refused",
  ]);
  t.ok(
    run.results.every(
      (r) => r.policyFile === join(dir, 'cloudformation/github-actions-role-long-form.yaml'),
    ),
    'results name the template as the policy file',
  );
  t.same(run.warnings, [], 'no warning: the template is complete with account and region');
});

t.test('CDK: a native GitHub provider, and an EKS role whose condition is CfnJson', async (t) => {
  const dir = workspace(t, {
    'gh.trustspec.yaml': `version: 1
role:
  cdk: cdk/github-oidc
  stack: GithubOidcIntegStack
  account: '111122223333'
  region: us-east-1
${NOW}scenarios:
  - name: main of octo-repo
    github: { repository: octo-org/octo-repo, ref: refs/heads/main }
    expect: allow
  - name: another branch
    github: { repository: octo-org/octo-repo, ref: refs/heads/dev }
    expect: deny
`,
    'eks.trustspec.yaml': `version: 1
role:
  cdk: cdk/eks-service-account
  logicalId: ClustermyserviceaccountRole11FFD0A4
  arn: arn:aws:iam::111122223333:role/eks-my-service-account
  account: '111122223333'
  region: us-east-1
  resources:
    Cluster9EE0221C.OpenIdConnectIssuerUrl: https://oidc.eks.us-east-1.amazonaws.com/id/5C5D0E5F
${NOW}scenarios:
  - name: the service account
    eks:
      issuer: https://oidc.eks.us-east-1.amazonaws.com/id/5C5D0E5F
      namespace: default
      serviceAccount: awseksserviceaccountsdkcallstestclustermyserviceaccount6d090a02
    expect: allow
  - name: another service account
    eks:
      issuer: https://oidc.eks.us-east-1.amazonaws.com/id/5C5D0E5F
      namespace: default
      serviceAccount: other
    expect: deny
`,
  });
  const run = await loadAndRunAsync([dir], { cwd: dir });
  t.same(run.errors, []);
  t.same(summary(run), [
    'ok the service account',
    'ok another service account',
    'ok main of octo-repo',
    'ok another branch',
  ]);
});

t.test('Terraform: a module plan (arn supplied) and a state with for_each modules', async (t) => {
  const dir = workspace(t, {
    'plan.trustspec.yaml': `version: 1
role:
  terraform: terraform/github-oidc-module.plan.json
  address: module.github_oidc_role.aws_iam_role.this[0]
  arn: arn:aws:iam::111122223333:role/gha-20260601
${NOW}scenarios:
  - name: main deploys
    github: { repository: acme/app, ref: refs/heads/main }
    expect: allow
  - name: a tag does not
    github: { repository: acme/app, ref: refs/tags/v1 }
    expect: deny
`,
    'state.trustspec.yaml': `version: 1
role:
  terraform: terraform/eks-irsa.state.json
  address: module.irsa["app"].aws_iam_role.this[0]
${NOW}scenarios:
  - name: app/web
    eks:
      issuer: https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE
      namespace: app
      serviceAccount: web
    request: { durationSeconds: 43200 }
    expect: allow
`,
  });
  const run = await loadAndRunAsync([dir], { cwd: dir });
  t.same(run.errors, []);
  t.same(summary(run), ['ok main deploys', 'ok a tag does not', 'ok app/web']);
  const state = await loadScenarioFileAsync(join(dir, 'state.trustspec.yaml'), { cwd: dir });
  t.equal(state.scenarios[0]?.role.arn, 'arn:aws:iam::111122223333:role/irsa/app-web');
  t.equal(state.scenarios[0]?.role.maxSessionDuration, 43200);
});

t.test('what is written beside the source, and what the file says of providers', async (t) => {
  const dir = workspace(t, {
    'o.trustspec.yaml': `version: 1
role:
  cloudformation: cloudformation/github-actions-role-long-form.yaml
  account: '111122223333'
  region: us-east-1
  maxSessionDuration: 3600
  tags: { ManagedBy: CF, Name: simplydemoGithubActionsRole }
${NOW}scenarios:
  - name: own providers replace the template's
    providers: []
    github: { repository: simplydemo/app }
    expect: { deny: { stage: token } }
  - name: the template's providers
    github: { repository: simplydemo/app }
    expect: allow
`,
  });
  const loaded = await loadScenarioFileAsync(join(dir, 'o.trustspec.yaml'), { cwd: dir });
  t.same(loaded.errors, []);
  t.same(
    loaded.warnings.map((w) => `${w.line}:${w.column} ${w.code}`),
    ['6:23 role-source-override'],
    'a differing value warns (maxSessionDuration); an equal one (tags) does not',
  );
  t.match(loaded.warnings[0]?.message, /role\.maxSessionDuration written here overrides 21600/);
  t.equal(loaded.scenarios[0]?.role.maxSessionDuration, 3600);
  t.same(loaded.scenarios[0]?.providers, []);
  t.equal(loaded.scenarios[1]?.providers?.[0]?.url, `https://${GH}`);
});

interface BadCase {
  name: string;
  role: string;
  /** `file:line:column code` of each error, in order. */
  errors: string[];
  message?: RegExp;
  hint?: RegExp;
}

const BAD: BadCase[] = [
  {
    name: 'two sources',
    role: '  cloudformation: cloudformation/gha-federation-and-role.yml\n  cdk: cdk/github-oidc\n',
    errors: ['s.trustspec.yaml:4:3 role-sources-conflict'],
    message: /the role names two sources, cloudformation: and cdk:/,
  },
  {
    name: 'a source and a trust policy',
    role: '  terraform: terraform/service-role.plan.json\n  trustPolicy: ./p.json\n',
    errors: ['s.trustspec.yaml:4:3 role-source-and-policy'],
    hint: /remove trustPolicy to test the policy terraform: defines/,
  },
  {
    name: "a field of another kind's source",
    role: '  terraform: terraform/service-role.plan.json\n  logicalId: Role\n',
    errors: ['s.trustspec.yaml:4:3 role-field-not-for-source'],
    message: /"logicalId" is for a role read from cloudformation: or cdk:, not from terraform:/,
  },
  {
    name: 'a source field without a source',
    role: '  arn: arn:aws:iam::111122223333:role/r\n  trustPolicy: ./p.json\n  address: x\n',
    errors: ['s.trustspec.yaml:5:3 role-field-not-for-source'],
  },
  {
    name: 'neither a source nor a trust policy',
    role: '  arn: arn:aws:iam::111122223333:role/r\n',
    errors: ['s.trustspec.yaml:3:3 missing-field'],
    message: /missing required field "trustPolicy" in the role/,
    hint: /cloudformation:, cdk:, terraform:, live:/,
  },
  {
    name: 'a parameter without a value: placed in the template, with the key that supplies it',
    role: '  cloudformation: cloudformation/gha-federation-and-role.yml\n  account: "111122223333"\n  region: us-east-1\n',
    errors: [
      'cloudformation/gha-federation-and-role.yml:48:35 unresolved-parameter',
      'cloudformation/gha-federation-and-role.yml:58:17 unresolved-parameter',
      'cloudformation/gha-federation-and-role.yml:70:68 unresolved-parameter',
    ],
    hint: /supply it: parameters: \{ (GitHubOrganization|RoleName): … \}/,
  },
  {
    name: 'a value known only after deployment',
    role: '  cdk: cdk/eks-service-account\n  logicalId: ClustermyserviceaccountRole11FFD0A4\n  arn: arn:aws:iam::111122223333:role/r\n',
    errors: [
      'cdk/eks-service-account/aws-eks-service-account-sdk-calls-test.template.json:118:25 unresolved-resource-attribute',
      'cdk/eks-service-account/aws-eks-service-account-sdk-calls-test.template.json:127:22 unresolved-resource-attribute',
      'cdk/eks-service-account/aws-eks-service-account-sdk-calls-test.template.json:149:12 unresolved-resource-attribute',
    ],
    hint: /resources: \{ Cluster9EE0221C\.OpenIdConnectIssuerUrl: … \}/,
  },
  {
    name: 'an ARN the source cannot know (no account), and none written',
    role: '  terraform: terraform/service-role.plan.json\n',
    errors: ['s.trustspec.yaml:3:14 role-arn-unknown'],
    hint: /give account:/,
  },
  {
    name: 'a template that does not exist: placed at the source key',
    role: '  cloudformation: ./nope.yaml\n',
    errors: ['s.trustspec.yaml:3:19 source-not-found'],
  },
  {
    name: 'a Terraform value known only after apply',
    role: '  terraform: terraform/provider-and-role-same-apply.plan.json\n  account: "111122223333"\n',
    errors: ['terraform/provider-and-role-same-apply.plan.json:126:11 tf-unknown-value'],
    hint: /aws_iam_role\.deploy\.assume_role_policy/,
  },
  {
    name: 'providers: live without a known account',
    role: '  terraform: terraform/service-role.plan.json\nproviders: live\n',
    errors: [
      's.trustspec.yaml:3:14 role-arn-unknown',
      's.trustspec.yaml:4:12 live-providers-no-account',
    ],
  },
  {
    name: 'providers: live of a role that could not be read: the role error only',
    role: '  terraform: terraform/provider-and-role-same-apply.plan.json\nproviders: live\n',
    errors: ['terraform/provider-and-role-same-apply.plan.json:126:11 tf-unknown-value'],
  },
];

t.test('sources that cannot be used: positioned errors, the scenarios blocked', async (t) => {
  for (const c of BAD) {
    const dir = workspace(t, {
      's.trustspec.yaml': `version: 1\nrole:\n${c.role}${NOW}scenarios:\n  - name: a\n    github: { repository: acme/app }\n    expect: allow\n`,
    });
    const run = await loadAndRunAsync([dir], { cwd: dir });
    t.same(run.errors.map(at), c.errors, c.name);
    t.same(summary(run), ['blocked a'], `${c.name}: the scenario is blocked, not run`);
    if (c.message) t.match(run.errors[0]?.message, c.message, `${c.name}: message`);
    if (c.hint) t.match(run.errors.map((e) => e.hint).join('\n'), c.hint, `${c.name}: hint`);
    t.ok(
      run.errors.every((e) => e.frame !== undefined),
      `${c.name}: each error shows its place`,
    );
  }
});

t.test('the synchronous loader says it does not read sources', async (t) => {
  const dir = workspace(t, {
    's.trustspec.yaml': `version: 1\nrole:\n  cloudformation: cloudformation/github-actions-role-long-form.yaml\n${NOW}scenarios:\n  - name: a\n    github: { repository: acme/app }\n    expect: allow\n`,
  });
  const run = loadAndRun([dir], { cwd: dir });
  t.same(run.errors.map(at), ['s.trustspec.yaml:3:19 role-source-not-read']);
  t.match(run.errors[0]?.hint, /loadAndRunAsync/);
});

t.test('each source is read once per run, however many files and scenarios name it', async (t) => {
  const file = (n: number) =>
    `version: 1\n${NOW}scenarios:\n` +
    Array.from(
      { length: 3 },
      (_, i) =>
        `  - name: s${n}-${i}\n    role: { cdk: cdk/github-oidc, stack: GithubOidcIntegStack, account: '111122223333', region: us-east-1 }\n    github: { repository: octo-org/octo-repo, ref: refs/heads/main }\n    expect: allow\n`,
    ).join('');
  const dir = workspace(t, { 'a.trustspec.yaml': file(1), 'b.trustspec.yaml': file(2) });
  const sources = new RoleSources({ cwd: dir });
  let reads = 0;
  const read = sources.read.bind(sources);
  sources.read = (spec, baseDir) => {
    reads++;
    return read(spec, baseDir);
  };
  const run = await loadAndRunAsync([dir], { cwd: dir, sources });
  t.same(run.errors, []);
  t.equal(run.results.filter((r) => r.ok).length, 6);
  t.equal(reads, 6, 'asked once per scenario role…');
  const policies = new Set(
    (
      await Promise.all(
        ['a', 'b'].map((f) =>
          loadScenarioFileAsync(join(dir, `${f}.trustspec.yaml`), { cwd: dir, sources }),
        ),
      )
    ).flatMap((l) => l.scenarios.map((s) => s.role.policy)),
  );
  t.equal(policies.size, 1, '…and read, parsed and compiled once: one policy object for all');
});

// ── live ──────────────────────────────────────────────────────────────────────────────

const DOC = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${GH}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
        StringLike: { [`${GH}:sub`]: 'repo:acme/app:ref:refs/heads/*' },
      },
    },
  ],
});
const ROLE: FakeRole = {
  name: 'gha-deploy',
  path: '/deploy/',
  document: DOC,
  maxSessionDuration: 7200,
  tags: { team: 'platform' },
};
const PROVIDER = `arn:aws:iam::111122223333:oidc-provider/${GH}`;

const LIVE_FILE = `version: 1
role:
  live: ${roleArn(ROLE)}
providers: live
${NOW}scenarios:
  - name: a branch of acme/app
    github: { repository: acme/app, ref: refs/heads/feature }
    expect: allow
  - name: 7200 s is the role's limit
    github: { repository: acme/app }
    request: { durationSeconds: 10800 }
    expect: { deny: { stage: request } }
  - name: an audience IAM does not list
    github: { repository: acme/app }
    token: { aud: sigstore }
    expect: { deny: { stage: token } }
`;

const liveScript =
  (fault?: (action: string) => ReturnType<FakeScript> | undefined): FakeScript =>
  (req) => {
    const f = fault?.(req.action);
    if (f) return f;
    if (req.action === 'GetRole') return getRoleXml(ROLE);
    if (req.action === 'ListOpenIDConnectProviders') return listProvidersXml([PROVIDER]);
    return getProviderXml({ url: GH, clientIds: ['sts.amazonaws.com'] });
  };

t.test('live: the role and the providers as IAM has them, through `trustspec test`', async (t) => {
  const fake = await startFakeIam(liveScript());
  t.teardown(fake.close);
  const dir = t.testdir({ 'live.trustspec.yaml': LIVE_FILE });
  const r = await runMain(['test', dir, '--reporter', 'json'], {
    cwd: dir,
    env: fakeEnv(fake.url),
  });
  t.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as {
    results: { name: string; status: string; policyFile?: string }[];
  };
  t.same(
    report.results.map((x) => `${x.status} ${x.name}`),
    [
      'passed a branch of acme/app',
      "passed 7200 s is the role's limit",
      'passed an audience IAM does not list',
    ],
  );
  t.same(
    fake.requests.map((q) => q.action).sort(),
    ['GetOpenIDConnectProvider', 'GetRole', 'ListOpenIDConnectProviders'],
    'each call once',
  );
});

t.test(
  'live faults are input errors of the scenarios that need them, never a result',
  async (t) => {
    const cases: {
      name: string;
      fault: (a: string) => ReturnType<FakeScript> | undefined;
      code: string;
      message: RegExp;
      line: number;
    }[] = [
      {
        name: 'throttled until the retries run out',
        fault: (a) => (a === 'GetRole' ? errorXml(400, 'Throttling', 'Rate exceeded') : undefined),
        code: 'live-unavailable',
        message:
          /could not read role arn:aws:iam::111122223333:role\/deploy\/gha-deploy: throttled after 3 attempts/,
        line: 3,
      },
      {
        name: 'no such role',
        fault: (a) =>
          a === 'GetRole'
            ? errorXml(404, 'NoSuchEntity', 'The role with name gha-deploy cannot be found.')
            : undefined,
        code: 'live-role-not-found',
        message: /could not read role/,
        line: 3,
      },
      {
        name: 'the providers cannot be listed',
        fault: (a) =>
          a === 'ListOpenIDConnectProviders' ? errorXml(500, 'ServiceFailure', 'boom') : undefined,
        code: 'live-unavailable',
        message: /could not read the OIDC providers of account 111122223333/,
        line: 4,
      },
    ];
    for (const c of cases) {
      const fake = await startFakeIam(liveScript(c.fault));
      const dir = t.testdir({ 'live.trustspec.yaml': LIVE_FILE });
      const sources = new RoleSources({
        cwd: dir,
        env: fakeEnv(fake.url),
        aws: { retryDelayMs: 0, requestTimeoutMs: 5000, deadlineMs: 20_000 },
      });
      const run = await loadAndRunAsync([dir], { cwd: dir, sources });
      await fake.close();
      const e = run.errors.find((x) => x.code === c.code);
      t.ok(e, `${c.name}: ${c.code} (got ${run.errors.map((x) => x.code).join(', ')})`);
      t.match(e?.message, c.message, `${c.name}: message`);
      t.equal(e?.file, 'live.trustspec.yaml', `${c.name}: placed in the scenario file`);
      t.equal(e?.line, c.line, `${c.name}: at the line that asks for it`);
      t.ok(
        run.results.every((r) => r.blockedBy !== undefined),
        `${c.name}: every scenario blocked`,
      );
    }
  },
);

t.test('an unresolved source through the CLI: exit 2, the place, no stack trace', async (t) => {
  const dir = workspace(t, {
    's.trustspec.yaml': `version: 1\nrole:\n  cloudformation: cloudformation/gha-federation-and-role.yml\n  account: "111122223333"\n  region: us-east-1\n  parameters: { GitHubOrganization: acme }\n${NOW}scenarios:\n  - name: a\n    github: { repository: acme/app }\n    expect: allow\n`,
  });
  writeFileSync(join(dir, 'unused.txt'), '');
  const r = await runMain(['test', dir], { cwd: dir, env: fakeEnv('http://127.0.0.1:9') });
  t.equal(r.status, 2);
  t.match(
    r.stdout + r.stderr,
    /cloudformation\/gha-federation-and-role\.yml:58:17: error: RoleGithubActions\.RoleName: parameter RoleName has no Default/,
  );
  t.notMatch(r.stdout + r.stderr, /^\s+at /m);
});

t.test('explain and who read a scenario file whose role has a source', async (t) => {
  const dir = workspace(t, {
    'gh.trustspec.yaml': `version: 1
role:
  cdk: cdk/github-oidc
  stack: GithubOidcIntegStack
  account: '111122223333'
  region: us-east-1
${NOW}scenarios:
  - name: another branch
    github: { repository: octo-org/octo-repo, ref: refs/heads/dev }
    expect: allow
`,
  });
  const env = fakeEnv('http://127.0.0.1:9');
  const explained = await runMain(['explain', 'gh.trustspec.yaml'], { cwd: dir, env });
  t.equal(explained.status, 1, `the call is denied: ${explained.stderr}`);
  t.match(explained.stdout, /DENY/);
  t.match(explained.stdout, /cdk\/github-oidc\/GithubOidcIntegStack\.template\.json/);
  const who = await runMain(['who', 'gh.trustspec.yaml'], { cwd: dir, env });
  t.equal(who.status, 0, who.stderr);
  t.match(who.stdout, /repo:octo-org\/octo-repo:ref:refs\/heads\/main/);
});

t.test(
  'a source that is a FIFO or a symlink loop: one error at the source key, nothing read',
  async (t) => {
    const cases: [string, string, RegExp][] = [
      [
        'cloudformation: ./pipe.yaml',
        's.trustspec.yaml:3:19 source-not-a-file',
        /^the template .*pipe\.yaml is a named pipe \(FIFO\)/,
      ],
      [
        'terraform: ./pipe.yaml',
        's.trustspec.yaml:3:14 tf-file-unreadable',
        /^the Terraform plan or state \.\/pipe\.yaml is a named pipe \(FIFO\)/,
      ],
      [
        'cloudformation: ./loop1',
        's.trustspec.yaml:3:19 source-unreadable',
        /a loop of symbolic links/,
      ],
    ];
    for (const [source, where, message] of cases) {
      const dir = t.testdir({
        's.trustspec.yaml': `version: 1\nrole:\n  ${source}\n  arn: arn:aws:iam::111122223333:role/r\n${NOW}scenarios:\n  - name: a\n    github: { repository: acme/app }\n    expect: allow\n`,
        loop1: t.fixture('symlink', 'loop2'),
        loop2: t.fixture('symlink', 'loop1'),
      });
      mkfifo(join(dir, 'pipe.yaml'));
      const run = await loadAndRunAsync([dir], { cwd: dir });
      t.same(run.errors.map(at), [where], source);
      t.match(run.errors[0]?.message, message, `${source}: said once, in the user's terms`);
    }
  },
);
