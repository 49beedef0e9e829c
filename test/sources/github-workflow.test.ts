/**
 * GitHub Actions workflow → the subjects a job presents. The subject formats are GitHub's
 * ("OpenID Connect reference", https://docs.github.com/en/actions/reference/security/oidc,
 * sections "Example subject claims" and "Customizing the subject claims for an organization or
 * repository"); the step inputs and their defaults are configure-aws-credentials' action.yml
 * (audience sts.amazonaws.com, role-session-name GitHubActions, role-duration-seconds 3600).
 */
import t, { type Test } from 'tap';
import { join } from 'node:path';
import {
  readWorkflowJob,
  representative,
  resolveText,
  type WorkflowSpec,
} from '../../lib/sources/github-workflow.js';
import { REPO } from '../cli/helpers.js';

const DIR = join(REPO, 'test', 'fixtures', 'workflows');
const ROLE = 'arn:aws:iam::111122223333:role/gha-deploy';

function job(
  file: string,
  jobId: string,
  extra: Partial<WorkflowSpec> = {},
  dir = DIR,
): ReturnType<typeof readWorkflowJob> {
  return readWorkflowJob({
    file: join(dir, file),
    shown: file,
    cwd: dir,
    job: jobId,
    repository: 'acme/app',
    ...extra,
  });
}

const subs = (j: ReturnType<typeof readWorkflowJob>): string[][] =>
  j.subjects.map((s) => [s.label, s.sub]);

/** A workflow written to a temporary folder, read as job `deploy` (or `jobId`). */
function inline(
  t: Test,
  text: string,
  extra: Partial<WorkflowSpec> = {},
  jobId = 'deploy',
): ReturnType<typeof readWorkflowJob> {
  const dir = t.testdir({ '.github': { workflows: { 'w.yml': text } } });
  return job('.github/workflows/w.yml', jobId, extra, dir);
}

const STEP = `      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: ${ROLE}
          aws-region: us-east-1
`;

function workflow(on: string, jobExtra = ''): string {
  return `on:
${on}
permissions:
  id-token: write
jobs:
  deploy:
    runs-on: ubuntu-latest
${jobExtra}    steps:
${STEP}`;
}

t.test('a job with an environment presents repo:O/R:environment:E for every trigger', async (t) => {
  // GitHub: "Filtering for a specific environment": repo:ORG/REPO:environment:NAME.
  const j = job('acme-app/.github/workflows/deploy.yml', 'deploy', {
    secrets: { AWS_ROLE_ARN: ROLE },
  });
  t.ok(j.ok);
  t.same(subs(j), [
    ['environment production, push refs/heads/main', 'repo:acme/app:environment:production'],
    [
      'environment production, workflow_dispatch refs/heads/main',
      'repo:acme/app:environment:production',
    ],
  ]);
  t.equal(j.request.roleToAssume, ROLE, 'role-to-assume from ${{ secrets.AWS_ROLE_ARN }}');
  t.equal(j.request.audience, 'sts.amazonaws.com', "the action's default audience");
  t.equal(j.request.roleSessionName, 'GitHubActions', "the action's default session name");
  t.equal(j.request.durationSeconds, 3600);
  t.equal(j.request.idToken, true, 'permissions: id-token: write at the workflow level');
  t.same(j.findings, []);
  t.equal(j.subjects[0]?.jobWorkflowRef, 'acme/app/.github/workflows/deploy.yml@refs/heads/main');
  t.equal(j.subjects[0]?.workflow, 'Deploy', 'the workflow claim is its name:');
});

t.test('pull_request + push to two branches: one subject each', async (t) => {
  // GitHub: "Filtering for pull_request events" (repo:ORG/REPO:pull_request) and "Filtering for
  // a specific branch" (repo:ORG/REPO:ref:refs/heads/BRANCH).
  const j = job('acme-app/.github/workflows/ci.yml', 'integration');
  t.same(subs(j), [
    ['pull_request', 'repo:acme/app:pull_request'],
    ['push refs/heads/main', 'repo:acme/app:ref:refs/heads/main'],
    [
      'push refs/heads/release/example (branch pattern release/**)',
      'repo:acme/app:ref:refs/heads/release/example',
    ],
  ]);
  t.match(j.subjects[2]?.notes[0], /"release\/\*\*" is a branch pattern/);
  t.equal(j.request.roleToAssume, 'arn:aws:iam::111122223333:role/gha-ci');
  t.equal(j.request.roleSessionName, 'ci-1234567890', '${{ github.run_id }} by a representative');
  t.equal(j.request.durationSeconds, 1800);
  t.equal(j.request.idToken, true, 'permissions: id-token: write at the job level');
});

t.test('triggers: each event and filter gives the refs GitHub runs it on', async (t) => {
  const cases: Array<[string, string, string[]]> = [
    [
      'push, no filter: any branch and any tag',
      '  push:',
      ['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:ref:refs/tags/v1.0.0'],
    ],
    [
      'push, branches only: tags do not trigger',
      '  push:\n    branches: [main, dev]',
      ['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:ref:refs/heads/dev'],
    ],
    [
      'push, tags only: branches do not trigger',
      "  push:\n    tags: ['v*.*']",
      ['repo:acme/app:ref:refs/tags/v1.1'],
    ],
    [
      'push, a negated pattern is an exclusion, not a subject',
      "  push:\n    branches: ['**', '!wip']",
      ['repo:acme/app:ref:refs/heads/example'],
    ],
    [
      'push, branches-ignore: any other branch',
      '  push:\n    branches-ignore: [wip]',
      ['repo:acme/app:ref:refs/heads/main'],
    ],
    [
      'schedule runs on the default branch',
      "  schedule:\n    - cron: '0 3 * * *'",
      ['repo:acme/app:ref:refs/heads/main'],
    ],
    [
      'release runs on its tag',
      '  release:\n    types: [published]',
      ['repo:acme/app:ref:refs/tags/v1.0.0'],
    ],
    [
      'pull_request_target (UNCONFIRMED: the pull_request subject)',
      '  pull_request_target:',
      ['repo:acme/app:pull_request'],
    ],
    [
      'workflow_call: the caller decides; the default branch stands for it',
      '  workflow_call:',
      ['repo:acme/app:ref:refs/heads/main'],
    ],
    [
      'any other event: the default branch',
      '  issue_comment:',
      ['repo:acme/app:ref:refs/heads/main'],
    ],
  ];
  for (const [name, on, want] of cases) {
    const j = inline(t, workflow(on));
    t.same(
      j.subjects.map((s) => s.sub),
      want,
      name,
    );
  }
  const list = inline(t, workflow('  [push, pull_request]').replace('on:\n  [', 'on: ['));
  t.same(
    list.subjects.map((s) => s.event),
    ['push', 'push', 'pull_request'],
    'on: [push, pull_request]',
  );
  const one = inline(t, workflow('').replace('on:\n', 'on: workflow_dispatch\n'));
  t.same(
    one.subjects.map((s) => s.label),
    ['workflow_dispatch refs/heads/main'],
    'on: EVENT',
  );
  const dev = inline(t, workflow('  schedule:'), { defaultBranch: 'develop' });
  t.same(
    dev.subjects.map((s) => s.ref),
    ['refs/heads/develop'],
    'defaultBranch',
  );
  const target = inline(t, workflow('  pull_request_target:'));
  t.equal(target.subjects[0]?.event, 'pull_request_target', 'event_name stays as it is');
  t.match(target.subjects[0]?.notes[0], /^UNCONFIRMED/);
});

t.test(
  'a colon inside a value is written %3A (GitHub: "Filtering for metadata containing :")',
  async (t) => {
    const j = inline(
      t,
      workflow('  push:\n    branches: [main]', '    environment: Production:V1\n'),
    );
    t.equal(j.subjects[0]?.sub, 'repo:acme/app:environment:Production%3AV1');
  },
);

t.test('representative names for GitHub filter patterns', async (t) => {
  const cases: Array<[string, string]> = [
    ['main', 'main'],
    ['release/**', 'release/example'],
    ['feature/*', 'feature/example'],
    ['v*', 'v1'],
    ['v[12].[0-9]+.*', 'v1.0.1'],
    ['releases/??', 'releases/xx'],
    ['\\*literal', '*literal'],
    ['**', 'example'],
  ];
  for (const [pattern, name] of cases) t.equal(representative(pattern), name, pattern);
});

t.test('expressions: secrets, vars, inputs and matrix values resolve; others do not', async (t) => {
  const lookup = (kind: string, name: string): string | undefined =>
    ({ secrets: { A: 'sa' }, vars: { B: 'vb' }, inputs: { C: 'ic' } })[kind]?.[name as 'A'];
  const matrix = (name: string): string[] | undefined => (name === 'env' ? ['x', 'y'] : undefined);
  const cases: Array<[string, unknown]> = [
    ['plain', { values: ['plain'] }],
    ['${{ secrets.A }}', { values: ['sa'] }],
    ['${{vars.B}}-${{ inputs.C }}', { values: ['vb-ic'] }],
    ['${{ github.event.inputs.C }}', { values: ['ic'] }],
    ['prod-${{ matrix.env }}', { values: ['prod-x', 'prod-y'] }],
    ['${{ secrets.MISSING }}', { unresolved: '${{ secrets.MISSING }}' }],
    ['${{ matrix.other }}', { unresolved: '${{ matrix.other }}' }],
    [
      "${{ github.ref_name == 'main' && 'a' || 'b' }}",
      { unresolved: "${{ github.ref_name == 'main' && 'a' || 'b' }}" },
    ],
    ['${{ github.ref_name }}', { unresolved: '${{ github.ref_name }}' }],
  ];
  for (const [text, want] of cases) t.same(resolveText(text, lookup, matrix), want, text);
});

t.test('a matrix environment gives one subject per value', async (t) => {
  const j = job('acme-app/matrix.yml', 'deploy');
  t.same(
    j.subjects.map((s) => s.sub),
    ['repo:acme/app:environment:staging', 'repo:acme/app:environment:production'],
  );
});

t.test('custom subject templates (include_claim_keys)', async (t) => {
  // GitHub's example: [repo, context, job_workflow_ref] →
  // repo:ORG/REPO:environment:NAME:job_workflow_ref:PATH@REF.
  const cases: Array<[string[], string]> = [
    [
      ['repo', 'context', 'job_workflow_ref'],
      'repo:acme/app:environment:staging:job_workflow_ref:acme/app/.github/workflows/matrix.yml@refs/heads/main',
    ],
    [['repository_owner'], 'repository_owner:acme'],
    [['repo'], 'repo:acme/app'],
    [
      ['job_workflow_ref'],
      'job_workflow_ref:acme/app/.github/workflows/matrix.yml@refs/heads/main',
    ],
  ];
  for (const [template, sub] of cases) {
    const j = job('acme-app/matrix.yml', 'deploy', { subTemplate: template });
    t.equal(j.subjects[0]?.sub, sub, template.join(','));
  }
  const visibility = job('acme-app/matrix.yml', 'deploy', {
    subTemplate: ['repository_owner', 'repository_visibility'],
    claims: { repositoryVisibility: 'private' },
  });
  t.equal(visibility.subjects[0]?.sub, 'repository_owner:acme:repository_visibility:private');
  const missing = job('acme-app/matrix.yml', 'deploy', {
    subTemplate: ['repository_visibility'],
  });
  t.notOk(missing.ok, 'a template claim the token lacks is an error');
  t.match(missing.findings, [{ code: 'workflow-template-claim-unknown', severity: 'error' }]);
  const immutable = job('acme-app/matrix.yml', 'deploy', {
    subTemplate: ['repo', 'context'],
    claims: { immutable: true, ownerId: 123456, repositoryId: 456789 },
  });
  t.equal(
    immutable.subjects[0]?.sub,
    'repo:acme@123456/app@456789:environment:staging',
    'immutable ids stay in the repo segment (GitHub: "You can\'t remove these IDs")',
  );
});

t.test(
  'reusable workflows: the caller gives the subject, the callee job_workflow_ref',
  async (t) => {
    // GitHub, "Using OpenID Connect with reusable workflows": job_workflow_ref names the called
    // workflow, e.g. octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main.
    const local = job('acme-app/.github/workflows/release.yml', 'deploy', {
      secrets: { AWS_ROLE_ARN: ROLE },
    });
    t.ok(local.ok);
    t.same(subs(local), [
      [
        'environment production, push refs/tags/v1 (tag pattern v*)',
        'repo:acme/app:environment:production',
      ],
    ]);
    t.equal(
      local.subjects[0]?.jobWorkflowRef,
      'acme/app/.github/workflows/deploy-reusable.yml@refs/tags/v1',
      'a local reusable workflow runs at the caller ref',
    );
    t.equal(local.request.roleToAssume, ROLE, 'secrets: inherit passes the caller secret');
    t.equal(local.request.roleWritten?.file, 'acme-app/.github/workflows/deploy-reusable.yml');

    const remote = job('acme-app/.github/workflows/release.yml', 'shared', {
      calledWorkflow: join(DIR, 'acme-app/shared-oidc.yml'),
      secrets: { SHARED_ROLE_ARN: ROLE },
    });
    t.ok(remote.ok);
    t.equal(
      remote.subjects[0]?.jobWorkflowRef,
      'acme/shared/.github/workflows/oidc.yml@refs/heads/main',
      '@main is the branch refs/heads/main',
    );
    t.equal(remote.subjects[0]?.sub, 'repo:acme/app:ref:refs/tags/v1', 'the caller subject');
    t.equal(remote.request.roleToAssume, ROLE, 'secrets: {role: ${{ secrets.SHARED_ROLE_ARN }}}');

    const unread = job('acme-app/.github/workflows/release.yml', 'shared');
    t.ok(unread.ok, 'a remote callee not given still yields the subjects');
    t.match(unread.findings, [{ code: 'workflow-called-not-read', severity: 'warning' }]);
  },
);

t.test('uses: refs and SHAs in job_workflow_ref', async (t) => {
  const cases: Array<[string, string]> = [
    ['o/r/.github/workflows/x.yml@v2', 'o/r/.github/workflows/x.yml@refs/heads/v2'],
    ['o/r/.github/workflows/x.yml@refs/tags/v2', 'o/r/.github/workflows/x.yml@refs/tags/v2'],
    [
      'o/r/.github/workflows/x.yml@0123456789abcdef0123456789abcdef01234567',
      'o/r/.github/workflows/x.yml@0123456789abcdef0123456789abcdef01234567',
    ],
  ];
  for (const [uses, ref] of cases) {
    const j = inline(
      t,
      `on: push\npermissions:\n  id-token: write\njobs:\n  deploy:\n    uses: ${uses}\n`,
    );
    t.equal(j.subjects[0]?.jobWorkflowRef, ref, uses);
  }
});

t.test('configure-aws-credentials inputs', async (t) => {
  const withInputs = (inputs: string): ReturnType<typeof readWorkflowJob> =>
    inline(
      t,
      `on: push\npermissions: write-all\njobs:\n  deploy:\n    runs-on: x\n    steps:\n      - uses: aws-actions/configure-aws-credentials@main\n        with:\n${inputs}`,
    );
  const custom = withInputs(
    `          role-to-assume: deploy-role\n          audience: \${{ vars.AUD }}\n          role-duration-seconds: '900'\n`,
  );
  t.match(custom.findings, [{ code: 'workflow-unresolved-input', severity: 'error' }]);
  t.notOk(custom.ok, 'an audience that cannot be resolved stops the job');
  const ok = readWorkflowJob({
    ...{ file: '', shown: '', job: 'deploy', repository: 'acme/app' },
    file: join(
      t.testdir({
        'w.yml': `on: push\npermissions: write-all\njobs:\n  deploy:\n    runs-on: x\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: deploy-role\n          audience: \${{ vars.AUD }}\n          role-duration-seconds: 900\n`,
      }),
      'w.yml',
    ),
    shown: 'w.yml',
    vars: { AUD: 'https://github.com/acme' },
  });
  t.equal(ok.request.audience, 'https://github.com/acme');
  t.equal(ok.request.durationSeconds, 900);
  t.equal(ok.request.roleToAssume, 'deploy-role', 'a role name as written');
  t.equal(ok.request.idToken, true, 'permissions: write-all');
  const bad = withInputs(`          role-to-assume: r\n          role-duration-seconds: an hour\n`);
  // The action reads it with parseInt and falls back to 3600: a warning, the default used.
  t.match(bad.findings, [{ code: 'workflow-odd-duration', span: { start: { line: 10 } } }]);
  t.equal(bad.request.durationSeconds, 3600);
  const keys = withInputs(
    `          aws-access-key-id: \${{ secrets.KEY }}\n          aws-secret-access-key: \${{ secrets.SECRET }}\n`,
  );
  t.match(
    keys.findings.map((f) => f.code).sort(),
    ['workflow-no-role', 'workflow-static-keys'],
    'static keys: no web identity',
  );
  const two = inline(t, workflow('  push:').replace(STEP, STEP + STEP));
  t.match(two.findings, [{ code: 'workflow-several-credentials-steps', severity: 'warning' }]);
});

t.test('of several credentials steps, the one naming the role under test is read', async (t) => {
  const OTHER = 'arn:aws:iam::111122223333:role/other';
  const step = (role: string, aud: string): string =>
    `      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: ${role}\n          audience: ${aud}\n`;
  const steps = step(OTHER, 'aud-other') + step(ROLE, 'aud-deploy');
  const text = workflow('  push:').replace(STEP, steps);
  const rows: Array<[string, Partial<WorkflowSpec>, string, boolean]> = [
    ['the role under test is the second step', { roleArn: ROLE }, 'aud-deploy', false],
    ['the other role: its step', { roleArn: OTHER }, 'aud-other', false],
    ['no role known: the first, with a warning', {}, 'aud-other', true],
    [
      'a role no step names: the first, with a warning',
      { roleArn: 'arn:aws:iam::111122223333:role/nobody' },
      'aud-other',
      true,
    ],
  ];
  for (const [name, extra, aud, warned] of rows) {
    const j = inline(t, text, extra);
    t.equal(j.request.audience, aud, `${name}: audience`);
    t.equal(
      j.findings.some((f) => f.code === 'workflow-several-credentials-steps'),
      warned,
      `${name}: ${warned ? 'warned' : 'no warning'}`,
    );
  }
  // A role name (as the action also takes it) names the role too.
  const byName = inline(
    t,
    workflow('  push:').replace(STEP, step(OTHER, 'aud-other') + step('gha-deploy', 'by-name')),
    { roleArn: ROLE },
  );
  t.equal(byName.request.audience, 'by-name', 'role-to-assume: a role name');
  // Two steps for the same role: the first of them, with a warning.
  const twice = inline(
    t,
    workflow('  push:').replace(STEP, step(ROLE, 'first') + step(ROLE, 'second')),
    { roleArn: ROLE },
  );
  t.equal(twice.request.audience, 'first');
  t.match(twice.findings, [{ code: 'workflow-several-credentials-steps' }]);
});

t.test('permissions decide whether the job can request a token at all', async (t) => {
  const cases: Array<[string, string, boolean]> = [
    ['workflow id-token: write', 'permissions:\n  id-token: write\n', true],
    ['workflow write-all', 'permissions: write-all\n', true],
    ['workflow read-all', 'permissions: read-all\n', false],
    ['id-token: read', 'permissions:\n  id-token: read\n', false],
    ['none written: the default token has no id-token', '', false],
  ];
  for (const [name, perms, want] of cases) {
    const j = inline(t, `on: push\n${perms}jobs:\n  deploy:\n    runs-on: x\n    steps:\n${STEP}`);
    t.equal(j.request.idToken, want, name);
    t.equal(
      j.findings.some((f) => f.code === 'workflow-no-id-token'),
      !want,
      `${name}: warning`,
    );
  }
  const jobLevel = inline(
    t,
    `on: push\npermissions: read-all\njobs:\n  deploy:\n    runs-on: x\n    permissions:\n      id-token: write\n    steps:\n${STEP}`,
  );
  t.equal(jobLevel.request.idToken, true, "the job's permissions replace the workflow's");
});

t.test('bad inputs: one positioned error each', async (t) => {
  const cases: Array<
    [string, string, string, { line: number; column: number } | undefined, RegExp]
  > = [
    ['bad/broken.yml', 'deploy', 'yaml-syntax', { line: 5, column: 1 }, /Flow sequence/],
    [
      'bad/not-a-workflow.yml',
      'web',
      'not-a-workflow',
      { line: 1, column: 1 },
      /not a GitHub Actions workflow: it has no "on:"/,
    ],
    [
      'acme-app/.github/workflows/ci.yml',
      'deploy',
      'workflow-job-not-found',
      { line: 8, column: 1 },
      /has no job "deploy"/,
    ],
    [
      'bad/expression-env.yml',
      'deploy',
      'workflow-unresolved-environment',
      { line: 8, column: 18 },
      /cannot be resolved/,
    ],
    ['bad/missing.yml', 'deploy', 'workflow-not-found', undefined, /does not exist/],
  ];
  for (const [file, id, code, at, message] of cases) {
    const j = job(file, id);
    t.notOk(j.ok, file);
    const f = j.findings.find((x) => x.severity === 'error');
    t.equal(f?.code, code, `${file}: code`);
    t.match(f?.message, message, `${file}: message`);
    t.equal(f?.file, file, `${file}: names the file`);
    if (at) t.match(f?.span?.start, at, `${file}: place`);
  }
  const notFound = job('acme-app/.github/workflows/ci.yml', 'deploy');
  t.match(notFound.findings[0]?.hint, /its jobs: integration/);
  const override = job('bad/expression-env.yml', 'deploy', { environment: 'production' });
  t.ok(override.ok, 'the environment given in the scenario resolves it');
  t.equal(override.subjects[0]?.sub, 'repo:acme/app:environment:production');
  const noStep = job('bad/no-step.yml', 'lint');
  t.ok(noStep.ok, 'no configure-aws-credentials step: a warning, the subjects still derived');
  t.match(
    noStep.findings.map((f) => f.code),
    ['workflow-no-credentials-step', 'workflow-no-id-token'],
  );
  const notReusable = inline(
    t,
    `on: push\npermissions:\n  id-token: write\njobs:\n  deploy:\n    uses: ./.github/workflows/w.yml\n`,
  );
  t.match(notReusable.findings, [{ code: 'workflow-not-reusable' }]);
  const badUses = inline(t, `on: push\njobs:\n  deploy:\n    uses: somewhere\n`);
  t.match(badUses.findings, [{ code: 'workflow-bad-uses', span: { start: { line: 4 } } }]);
  const badEnv = inline(t, workflow('  push:', '    environment: [a, b]\n'));
  t.match(badEnv.findings, [{ code: 'workflow-bad-environment' }]);
  const noTriggers = inline(t, workflow('  {}').replace('on:\n  {}', 'on: {}'));
  t.match(noTriggers.findings, [{ code: 'workflow-no-triggers' }]);
});

t.test(
  "a job's if: on github.event_name or github.ref drops the triggers it excludes",
  async (t) => {
    const on = '  pull_request:\n  push:\n    branches: [main, dev]';
    const cases: Array<[string, string[]]> = [
      ["github.event_name != 'pull_request'", ['push refs/heads/main', 'push refs/heads/dev']],
      [
        "${{ github.event_name == 'push' && github.ref == 'refs/heads/main' }}",
        ['push refs/heads/main'],
      ],
      [
        "github.ref == 'refs/heads/dev' || github.event_name == 'pull_request'",
        ['pull_request', 'push refs/heads/dev'],
      ],
    ];
    for (const [condition, labels] of cases) {
      const j = inline(t, workflow(on, `    if: ${JSON.stringify(condition)}\n`));
      t.same(
        j.subjects.map((s) => s.label),
        labels,
        condition,
      );
      t.same(j.findings, [], `${condition}: no warning`);
    }
    const other = inline(
      t,
      workflow(on, '    if: "contains(github.event.head_commit.message, \'deploy\')"\n'),
    );
    t.equal(other.subjects.length, 3, 'another condition keeps every trigger');
    t.match(other.findings, [
      { code: 'workflow-if-not-evaluated', severity: 'warning', span: { start: { line: 10 } } },
    ]);
    const mixed = inline(
      t,
      workflow(
        on,
        "    if: \"github.event_name == 'push' && github.ref == 'a' || github.ref == 'b'\"\n",
      ),
    );
    t.match(
      mixed.findings,
      [{ code: 'workflow-if-not-evaluated' }],
      '&& and || together are not read',
    );
    const none = inline(t, workflow(on, "    if: github.event_name == 'schedule'\n"));
    t.notOk(none.ok);
    t.match(none.findings, [
      { code: 'workflow-no-subjects', severity: 'error', span: { start: { line: 10 } } },
    ]);
  },
);
