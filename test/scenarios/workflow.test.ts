/** `github: {workflow, job, repository}` in a scenario file: one scenario per subject of the job. */
import t, { type Test } from 'tap';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioFile } from '../../lib/scenarios/index.js';
import { REPO } from '../cli/helpers.js';

const ACME = join(REPO, 'test', 'fixtures', 'workflows', 'acme-app');
const ROLE = 'arn:aws:iam::111122223333:role/gha-deploy';

/** A scenario file beside copies of the acme-app fixtures; its scenarios start on line 9. */
function load(t: Test, scenarios: string) {
  const dir = t.testdir({});
  cpSync(ACME, dir, { recursive: true });
  const text = `role:
  arn: ${ROLE}
  trustPolicy: ./deploy.trust.json
providers:
  - { url: https://token.actions.githubusercontent.com, clientIds: [sts.amazonaws.com] }
now: 2026-06-01T00:00:00Z
defaults: { request: { roleSessionName: from-defaults } }
scenarios:
${scenarios}`;
  const file = join(dir, 'w.trustspec.yaml');
  writeFileSync(file, text);
  return loadScenarioFile(file, { cwd: dir });
}

const DEPLOY = `  - name: deploy
    github:
      workflow: .github/workflows/deploy.yml
      job: deploy
      repository: acme/app
      secrets: { AWS_ROLE_ARN: ${ROLE} }
    expect: allow
`;

t.test('the fixture file: one scenario per subject, named by its event', async (t) => {
  const r = loadScenarioFile(join(ACME, 'deploy.trustspec.yaml'), { cwd: ACME });
  t.same(r.errors, []);
  t.same(
    r.scenarios.map((s) => [s.name, s.claims['sub']]),
    [
      [
        'the deploy job [environment production, push refs/heads/main]',
        'repo:acme/app:environment:production',
      ],
      [
        'the deploy job [environment production, workflow_dispatch refs/heads/main]',
        'repo:acme/app:environment:production',
      ],
      ['CI [pull_request]', 'repo:acme/app:pull_request'],
      ['CI [push refs/heads/main]', 'repo:acme/app:ref:refs/heads/main'],
      [
        'CI [push refs/heads/release/example (branch pattern release/**)]',
        'repo:acme/app:ref:refs/heads/release/example',
      ],
    ],
  );
  const ci = r.scenarios[2];
  t.match(ci?.claims, {
    iss: 'https://token.actions.githubusercontent.com',
    aud: 'sts.amazonaws.com',
    event_name: 'pull_request',
    ref: 'refs/pull/1/merge',
    workflow: 'CI',
    job_workflow_ref: 'acme/app/.github/workflows/ci.yml@refs/pull/1/merge',
  });
  t.same(ci?.request, { roleSessionName: 'ci-1234567890', durationSeconds: 1800 });
  t.match(r.warnings, [
    {
      code: 'workflow-role-mismatch',
      file: '.github/workflows/ci.yml',
      line: 18,
      column: 27,
      message: /the job assumes arn:aws:iam::111122223333:role\/gha-ci, not the scenario's role/,
    },
  ]);
});

t.test('request: defaults < the workflow < the scenario', async (t) => {
  const plain = load(t, DEPLOY);
  t.same(plain.errors, []);
  t.equal(
    plain.scenarios[0]?.request.roleSessionName,
    'GitHubActions',
    'the workflow over defaults',
  );
  const own = load(
    t,
    DEPLOY.replace('    expect', '    request: { roleSessionName: mine }\n    expect'),
  );
  t.equal(own.scenarios[0]?.request.roleSessionName, 'mine', 'the scenario over the workflow');
  t.equal(own.scenarios[0]?.request.durationSeconds, 3600);
  const aud = load(
    t,
    DEPLOY.replace('      job: deploy', '      job: deploy\n      audience: custom'),
  );
  t.equal(aud.scenarios[0]?.claims['aud'], 'custom', 'github.audience over the step');
  const env = load(
    t,
    DEPLOY.replace('      job: deploy', '      job: deploy\n      environment: staging'),
  );
  t.equal(env.scenarios[0]?.claims['sub'], 'repo:acme/app:environment:staging');
});

t.test('a custom sub template in the scenario', async (t) => {
  const r = load(
    t,
    DEPLOY.replace(
      '      job: deploy',
      '      job: deploy\n      subTemplate: [repo, context, job_workflow_ref]',
    ),
  );
  t.equal(
    r.scenarios[0]?.claims['sub'],
    'repo:acme/app:environment:production:job_workflow_ref:acme/app/.github/workflows/deploy.yml@refs/heads/main',
  );
  const missing = load(
    t,
    DEPLOY.replace(
      '      job: deploy',
      '      job: deploy\n      subTemplate: [repository_visibility]',
    ),
  );
  t.match(missing.errors, [
    { code: 'workflow-template-claim-unknown', file: 'w.trustspec.yaml', line: 13, column: 20 },
  ]);
});

t.test('bad inputs: positioned errors, in the workflow or in the scenario', async (t) => {
  const cases: Array<
    [string, string, { file: string; line: number; column: number; code: string }]
  > = [
    [
      'the job is not in the workflow',
      DEPLOY.replace('job: deploy', 'job: release'),
      { file: '.github/workflows/deploy.yml', line: 11, column: 1, code: 'workflow-job-not-found' },
    ],
    [
      'a field the triggers decide',
      DEPLOY.replace('      job: deploy', '      job: deploy\n      ref: refs/heads/dev'),
      { file: 'w.trustspec.yaml', line: 13, column: 12, code: 'workflow-derived-field' },
    ],
    [
      'the workflow file is missing',
      DEPLOY.replace('deploy.yml', 'nope.yml'),
      { file: 'w.trustspec.yaml', line: 11, column: 17, code: 'workflow-not-found' },
    ],
  ];
  for (const [name, scenarios, want] of cases) {
    const r = load(t, scenarios);
    t.match(r.errors, [want], name);
    t.same(r.scenarios, [], `${name}: no scenario`);
    t.match(r.blocked, [{ name: 'deploy' }], `${name}: the entry is blocked`);
  }
  const noRepo = load(t, DEPLOY.replace('      repository: acme/app\n', ''));
  t.match(noRepo.errors, [{ code: 'missing-field', message: /needs "repository"/ }]);
  const noJob = load(t, DEPLOY.replace('      job: deploy\n', ''));
  t.same(noJob.errors, [], 'without job, workflow is the workflow claim (as before)');
  t.equal(noJob.scenarios[0]?.claims['workflow'], '.github/workflows/deploy.yml');
  t.match(noJob.warnings, [
    { code: 'workflow-without-job', file: 'w.trustspec.yaml', line: 11, column: 17 },
  ]);
  const claim = load(
    t,
    DEPLOY.replace('      job: deploy\n', '').replace('.github/workflows/deploy.yml', 'Deploy'),
  );
  t.same(
    [claim.errors, claim.warnings.filter((w) => w.code.startsWith('workflow'))],
    [[], []],
    'a workflow name: no warning',
  );
  t.equal(claim.scenarios[0]?.claims['workflow'], 'Deploy');
});

t.test('a job with two credentials steps: the step for the scenario’s role is read', async (t) => {
  const step = (role: string, aud: string): string =>
    `      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: ${role}\n          audience: ${aud}\n`;
  const dir = t.testdir({
    'two.yml': `on: { push: { branches: [main] } }\npermissions: { id-token: write }\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n${step('arn:aws:iam::111122223333:role/other', 'other-aud')}${step(ROLE, 'sts.amazonaws.com')}`,
    'two.trustspec.yaml': `role:\n  arn: ${ROLE}\n  trustPolicy: ./p.json\nnow: 2026-06-01T00:00:00Z\nscenarios:\n  - name: two\n    github: { workflow: two.yml, job: deploy, repository: acme/app }\n    expect: allow\n`,
  });
  cpSync(join(ACME, 'deploy.trust.json'), join(dir, 'p.json'));
  const r = loadScenarioFile(join(dir, 'two.trustspec.yaml'), { cwd: dir });
  t.same(r.errors, []);
  t.same(
    r.scenarios.map((s) => s.claims['aud']),
    ['sts.amazonaws.com'],
    'the second step, which names the scenario’s role',
  );
  t.notOk(
    r.warnings.some((w) => w.code === 'workflow-several-credentials-steps'),
    'no warning: the step was chosen by its role',
  );
});
