/**
 * Cases added by the December 2026 mutation audit (docs/test-audit-2026-12.md) for reading a
 * workflow job (lib/sources/github-workflow.ts): each fails with a deliberate bug the other
 * workflow tests let through, or pins a fix the audit made. Sources:
 * - GitHub, "Evaluate expressions in workflows and actions", Operators: "GitHub ignores case when
 *   comparing strings" (so `if: github.ref == 'refs/heads/Main'` runs on refs/heads/main);
 * - aws-actions/configure-aws-credentials, src/assumeRole.ts: a role-to-assume that does not start
 *   with `arn:aws` becomes `arn:aws:iam::ACCOUNT:role/${roleToAssume}`, so it may hold the path;
 * - GitHub OIDC reference, "Customizing the subject claims": `:` in a value is written `%3A`.
 */
import t, { type Test } from 'tap';
import { join } from 'node:path';
import {
  readWorkflowJob,
  roleMatches,
  type WorkflowSpec,
} from '../../lib/sources/github-workflow.js';

const ROLE = 'arn:aws:iam::111122223333:role/gha-deploy';
const STEP = (
  role = ROLE,
  aud = 'sts.amazonaws.com',
  uses = 'aws-actions/configure-aws-credentials@v4',
): string =>
  `      - uses: ${uses}\n        with:\n          role-to-assume: ${role}\n          audience: ${aud}\n`;

function inline(
  t: Test,
  files: Record<string, string>,
  extra: Partial<WorkflowSpec> = {},
): ReturnType<typeof readWorkflowJob> {
  const dir = t.testdir({ '.github': { workflows: files } });
  return readWorkflowJob({
    file: join(dir, '.github', 'workflows', 'w.yml'),
    shown: '.github/workflows/w.yml',
    cwd: dir,
    job: 'deploy',
    repository: 'acme/app',
    ...extra,
  });
}

const workflow = (on: string, jobExtra: string, steps = STEP()): string =>
  `on:\n${on}\npermissions:\n  id-token: write\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n${jobExtra}    steps:\n${steps}`;

t.test('a job if: compares strings ignoring case, as GitHub does', async (t) => {
  const on = '  pull_request:\n  push:\n    branches: [main, dev]';
  const rows: [string, string[]][] = [
    ["github.ref == 'refs/heads/MAIN'", ['push refs/heads/main']],
    ["github.event_name == 'PUSH'", ['push refs/heads/main', 'push refs/heads/dev']],
    ["github.event_name != 'Pull_Request'", ['push refs/heads/main', 'push refs/heads/dev']],
    [
      "github.ref == 'Refs/Heads/Dev' || github.event_name == 'PULL_REQUEST'",
      ['pull_request', 'push refs/heads/dev'],
    ],
    ["github.ref == 'refs/heads/main'", ['push refs/heads/main']],
  ];
  for (const [condition, labels] of rows) {
    const j = inline(t, { 'w.yml': workflow(on, `    if: ${JSON.stringify(condition)}\n`) });
    t.same(
      j.subjects.map((s) => s.label),
      labels,
      condition,
    );
  }
});

t.test('role-to-assume names the role: an ARN, a name, or a path and name', async (t) => {
  const PATHED = 'arn:aws:iam::111122223333:role/deploy/gha-deploy';
  const rows: [string, string, boolean][] = [
    [ROLE, ROLE, true],
    ['gha-deploy', ROLE, true],
    ['deploy/gha-deploy', PATHED, true],
    ['gha-deploy', PATHED, true],
    [PATHED, PATHED, true],
    ['other/gha-deploy', PATHED, false],
    ['deploy', PATHED, false],
    ['arn:aws:iam::111122223333:role/other', ROLE, false],
    ['arn:aws:iam::999999999999:role/gha-deploy', ROLE, false],
    ['other', ROLE, false],
  ];
  for (const [written, arn, want] of rows)
    t.equal(roleMatches(written, arn), want, `${written} → ${arn}`);
});

t.test('of several steps for the role under test, the first of those is read', async (t) => {
  const other = 'arn:aws:iam::111122223333:role/other';
  const steps = STEP(other, 'aud-other') + STEP(ROLE, 'first') + STEP(ROLE, 'second');
  const j = inline(t, { 'w.yml': workflow('  push:', '', steps) }, { roleArn: ROLE });
  t.equal(j.request.audience, 'first');
  t.match(j.findings, [
    { code: 'workflow-several-credentials-steps', span: { start: { line: 17 } } },
  ]);
});

t.test('uses: names the action in any case (GitHub owner and repository names)', async (t) => {
  const j = inline(t, {
    'w.yml': workflow(
      '  push:',
      '',
      STEP(ROLE, 'mixed', 'Aws-Actions/Configure-AWS-Credentials@v4'),
    ),
  });
  t.equal(j.request.audience, 'mixed');
  t.equal(j.request.roleToAssume, ROLE);
});

t.test('a template value holding ":" is written %3A', async (t) => {
  const j = inline(
    t,
    { 'w.yml': `name: "Deploy: prod"\n${workflow('  push:\n    branches: [main]', '')}` },
    { subTemplate: ['repo', 'workflow'] },
  );
  t.equal(j.subjects[0]?.sub, 'repo:acme/app:workflow:Deploy%3A prod');
});

t.test('a called workflow whose job denies id-token cannot request a token', async (t) => {
  const caller = `on: push\npermissions:\n  id-token: write\njobs:\n  deploy:\n    uses: ./.github/workflows/called.yml\n`;
  const called = (perms: string): string =>
    `on: workflow_call\njobs:\n  inner:\n    runs-on: ubuntu-latest\n${perms}    steps:\n${STEP()}`;
  const rows: [string, string, boolean][] = [
    ['no permissions in the called job: the caller’s', '', true],
    ['the called job grants id-token', '    permissions:\n      id-token: write\n', true],
    ['the called job keeps contents only', '    permissions:\n      contents: read\n', false],
  ];
  for (const [name, perms, want] of rows) {
    const j = inline(t, { 'w.yml': caller, 'called.yml': called(perms) });
    t.equal(j.request.idToken, want, name);
    t.equal(
      j.findings.some((f) => f.code === 'workflow-no-id-token'),
      !want,
      `${name}: warning`,
    );
  }
});

t.test(
  'role-duration-seconds: read as the action reads it, a warning when not plain digits',
  async (t) => {
    // aws-actions/configure-aws-credentials, src/index.ts:
    // Number.parseInt(core.getInput('role-duration-seconds')) || DEFAULT_ROLE_DURATION (3600).
    const rows: [string, number, boolean][] = [
      ['3600', 3600, false],
      ['"900"', 900, false],
      ['"1e3"', 1, true],
      ['"0x10"', 16, true],
      ['"3600s"', 3600, true],
      ['" 900"', 900, true],
      ['"-900"', -900, true],
      ['"0"', 3600, true],
      ['"an hour"', 3600, true],
    ];
    for (const [value, want, warned] of rows) {
      const steps = `${STEP()}          role-duration-seconds: ${value}\n`;
      const j = inline(t, { 'w.yml': workflow('  push:', '', steps) });
      t.ok(j.ok, value);
      t.equal(j.request.durationSeconds, want, value);
      const found = j.findings.filter((f) => f.code === 'workflow-odd-duration');
      t.equal(found.length, warned ? 1 : 0, `${value}: ${warned ? 'a warning' : 'no warning'}`);
      if (warned)
        t.match(found, [{ severity: 'warning', span: { start: { line: 13, column: 34 } } }], value);
    }
  },
);
