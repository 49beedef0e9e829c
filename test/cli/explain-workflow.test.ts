/** `trustspec explain --workflow FILE --job ID --repository OWNER/REPO [--policy FILE]`. */
import t from 'tap';
import { join } from 'node:path';
import { REPO, STACK_LINE, cli } from './helpers.js';

const ACME = join(REPO, 'test', 'fixtures', 'workflows', 'acme-app');
const CI = ['explain', '--workflow', '.github/workflows/ci.yml', '--job', 'integration'];
const REPOSITORY = ['--repository', 'acme/app'];
const POLICY = ['--policy', 'deploy.trust.json'];

t.test('event → subject → allowed/denied, with the diagnosis of each denial', async (t) => {
  const r = await cli([...CI, ...REPOSITORY, ...POLICY], { cwd: ACME });
  t.equal(r.status, 1, 'some events are denied: exit 1');
  t.equal(r.stderr, '');
  const lines = r.stdout.split('\n');
  t.match(lines[0], 'workflow .github/workflows/ci.yml, job integration, repository acme/app');
  t.match(
    r.stdout,
    /role-to-assume: arn:aws:iam::111122223333:role\/gha-ci {3}tested: arn:aws:iam::111122223333:role\/gha-ci/,
  );
  t.match(r.stdout, /aud: sts\.amazonaws\.com {3}session: ci-1234567890 {3}duration: 1800 s/);
  t.match(
    r.stdout,
    /^pull_request +repo:acme\/app:pull_request +denied \(trust-policy, AccessDenied\)$/m,
  );
  t.match(r.stdout, /^ {4}why: Pull-request jobs present a pull_request subject$/m);
  t.match(r.stdout, /^push refs\/heads\/main +repo:acme\/app:ref:refs\/heads\/main +allowed$/m);
  t.match(r.stdout, /note: "release\/\*\*" is a branch pattern/);
  t.match(r.stdout, /1 of 3 subjects allowed\./);
});

t.test('all allowed: exit 0; --json gives the same rows as data', async (t) => {
  const r = await cli(
    [
      'explain',
      '--workflow',
      '.github/workflows/deploy.yml',
      '--job',
      'deploy',
      ...REPOSITORY,
      ...POLICY,
      '--secret',
      'AWS_ROLE_ARN=arn:aws:iam::111122223333:role/gha-deploy',
      '--json',
    ],
    { cwd: ACME },
  );
  t.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as {
    roleArn: string;
    request: { audience: string; idToken: boolean };
    subjects: { event: string; sub: string; decision: string; claims: Record<string, unknown> }[];
  };
  t.equal(out.roleArn, 'arn:aws:iam::111122223333:role/gha-deploy', 'the role from the secret');
  t.match(out.request, { audience: 'sts.amazonaws.com', idToken: true });
  t.same(
    out.subjects.map((s) => [s.event, s.sub, s.decision]),
    [
      ['push', 'repo:acme/app:environment:production', 'allow'],
      ['workflow_dispatch', 'repo:acme/app:environment:production', 'allow'],
    ],
  );
  t.match(out.subjects[0]?.claims, { environment: 'production', workflow: 'Deploy' });
});

t.test('without --policy: the subjects alone, exit 0', async (t) => {
  const r = await cli(
    [
      'explain',
      '--workflow',
      'matrix.yml',
      '--job',
      'deploy',
      ...REPOSITORY,
      '--sub-template',
      'repo,context',
    ],
    { cwd: ACME },
  );
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^EVENT +SUBJECT$/m);
  t.match(
    r.stdout,
    /environment staging, push refs\/heads\/main +repo:acme\/app:environment:staging/,
  );
  t.notMatch(r.stdout, /allowed|denied/);
});

t.test('reusable workflows from the command line', async (t) => {
  const r = await cli(
    [
      'explain',
      '--workflow',
      '.github/workflows/release.yml',
      '--job',
      'shared',
      ...REPOSITORY,
      '--called-workflow',
      'shared-oidc.yml',
      '--secret',
      'SHARED_ROLE_ARN=arn:aws:iam::111122223333:role/gha-shared',
      '--json',
    ],
    { cwd: ACME },
  );
  t.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { subjects: { claims: Record<string, unknown> }[] };
  t.equal(
    out.subjects[0]?.claims['job_workflow_ref'],
    'acme/shared/.github/workflows/oidc.yml@refs/heads/main',
  );
});

t.test('a job that cannot request a token fails even when the policy would allow it', async (t) => {
  const dir = t.testdir({
    'w.yml':
      'on:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: x\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: arn:aws:iam::111122223333:role/gha-deploy\n',
  });
  const r = await cli(
    [
      'explain',
      '--workflow',
      'w.yml',
      '--job',
      'deploy',
      ...REPOSITORY,
      '--policy',
      join(ACME, 'deploy.trust.json'),
    ],
    { cwd: dir },
  );
  t.equal(r.status, 1);
  t.match(r.stdout, /id-token: NOT granted/);
  t.match(r.stdout, /1 of 1 subjects allowed/);
  t.match(r.stderr, /^w\.yml:4:1: warning: job "deploy" cannot request an OIDC token/m);
});

t.test('bad input: a positioned error and exit 2, never a stack trace', async (t) => {
  const bad = join(REPO, 'test', 'fixtures', 'workflows', 'bad');
  const cases: Array<[string, string[], RegExp]> = [
    [
      'the job is not in the workflow',
      ['--workflow', join(ACME, '.github/workflows/ci.yml'), '--job', 'deploy'],
      /ci\.yml:8:1: the workflow .* has no job "deploy" \[workflow-job-not-found\]\n {2}its jobs: integration/,
    ],
    [
      'not a workflow',
      ['--workflow', 'not-a-workflow.yml', '--job', 'web'],
      /^not-a-workflow\.yml:1:1: not-a-workflow\.yml is not a GitHub Actions workflow/,
    ],
    [
      'unreadable YAML',
      ['--workflow', 'broken.yml', '--job', 'deploy'],
      /^broken\.yml:5:1: Flow sequence .* \[yaml-syntax\]\n[^]*> 5 \| jobs:/,
    ],
    [
      'an environment that cannot be resolved',
      ['--workflow', 'expression-env.yml', '--job', 'deploy'],
      /^expression-env\.yml:8:18: the job's environment .* cannot be resolved/,
    ],
    [
      'a missing file',
      ['--workflow', 'nope.yml', '--job', 'deploy'],
      /^nope\.yml:1:1: the workflow "nope\.yml" does not exist/,
    ],
  ];
  for (const [name, args, message] of cases) {
    const r = await cli(['explain', ...args, ...REPOSITORY], { cwd: bad });
    t.equal(r.status, 2, `${name}: exit 2`);
    t.match(r.stderr, message, name);
    t.notMatch(r.stderr, STACK_LINE, `${name}: no stack trace`);
    t.equal(r.stdout, '', `${name}: nothing on stdout`);
  }
  const override = await cli(
    [
      'explain',
      '--workflow',
      'expression-env.yml',
      '--job',
      'deploy',
      ...REPOSITORY,
      '--environment',
      'production',
    ],
    { cwd: bad },
  );
  t.equal(override.status, 0, '--environment resolves it');
});

t.test('usage errors: exit 2 with what would be right', async (t) => {
  const cases: Array<[string, string[], RegExp]> = [
    ['no --job', ['explain', '--workflow', 'matrix.yml', ...REPOSITORY], /--workflow needs --job/],
    [
      'no --repository',
      ['explain', '--workflow', 'matrix.yml', '--job', 'deploy'],
      /--workflow needs --repository/,
    ],
    [
      'a bad repository',
      ['explain', '--workflow', 'matrix.yml', '--job', 'deploy', '--repository', 'acme'],
      /"acme" is not OWNER\/REPO/,
    ],
    [
      'a bad --secret',
      [...CI, ...REPOSITORY, '--secret', 'NOVALUE'],
      /--secret "NOVALUE" must be NAME=VALUE/,
    ],
    [
      'token flags',
      [...CI, ...REPOSITORY, '--sub', 'repo:acme/app:pull_request'],
      /--sub describes the token or request, and --workflow derives them/,
    ],
    [
      'other request flags',
      [
        ...CI,
        ...REPOSITORY,
        '--session-name',
        'x',
        '--context',
        'aws:SourceIp=203.0.113.5',
        '--no-providers',
      ],
      /--session-name, --context, --providers \/ --no-providers describe the token or request/,
    ],
    [
      'a scenario file too',
      [
        'explain',
        'deploy.trustspec.yaml',
        '--workflow',
        'matrix.yml',
        '--job',
        'deploy',
        ...REPOSITORY,
      ],
      /--workflow and a scenario file are two ways/,
    ],
    [
      'a missing policy',
      [...CI, ...REPOSITORY, '--policy', 'nope.json'],
      /--policy: no file "nope\.json"/,
    ],
  ];
  for (const [name, args, message] of cases) {
    const r = await cli(args, { cwd: ACME });
    t.equal(r.status, 2, `${name}: exit 2`);
    t.match(r.stderr, message, name);
    t.notMatch(r.stderr, STACK_LINE, name);
  }
  const dir = t.testdir({ 'bad.trust.json': '{"Version": "2012-10-17", "Statement": [' });
  const badPolicy = await cli(
    [
      ...CI.slice(0, 2),
      join(ACME, '.github/workflows/ci.yml'),
      '--job',
      'integration',
      ...REPOSITORY,
      '--policy',
      'bad.trust.json',
    ],
    { cwd: dir },
  );
  t.equal(badPolicy.status, 2, 'a policy that does not parse');
  t.match(badPolicy.stderr, /^bad\.trust\.json:1:\d+: /m);
});

t.test("the README's example, as written, from the repository's root", async (t) => {
  const run = await cli(['test', 'examples/github-workflow'], { cwd: REPO });
  t.equal(run.status, 0, run.stdout + run.stderr);
  t.match(run.stdout, /2 passed, 0 failed/);
  const r = await cli(
    [
      'explain',
      '--workflow',
      'examples/github-workflow/.github/workflows/ci.yml',
      '--job',
      'integration',
      '--repository',
      'acme/app',
      '--policy',
      'examples/github-workflow/deploy.trust.json',
    ],
    { cwd: REPO },
  );
  t.equal(r.status, 1);
  t.equal(r.stderr, '');
  t.match(r.stdout, /^pull_request +repo:acme\/app:pull_request +denied/m);
  t.match(r.stdout, /^push refs\/heads\/main +repo:acme\/app:ref:refs\/heads\/main +allowed$/m);
});
