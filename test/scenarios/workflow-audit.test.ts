/**
 * Cases added by the December 2026 mutation audit (docs/test-audit-2026-12.md) for
 * `github: {workflow, job, repository}` in scenario files (lib/scenarios/workflow.ts): each fails
 * with a deliberate bug the other workflow tests let through.
 */
import t, { type Test } from 'tap';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioFile } from '../../lib/scenarios/index.js';
import { REPO } from '../cli/helpers.js';

const ACME = join(REPO, 'test', 'fixtures', 'workflows', 'acme-app');
const ROLE = 'arn:aws:iam::111122223333:role/gha-deploy';

/** A scenario file beside copies of the acme-app fixtures; its scenarios start on line 8. */
function load(t: Test, scenarios: string, files: Record<string, string> = {}) {
  const dir = t.testdir({});
  cpSync(ACME, dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const text = `role:
  arn: ${ROLE}
  trustPolicy: ./deploy.trust.json
providers:
  - { url: https://token.actions.githubusercontent.com, clientIds: [sts.amazonaws.com] }
now: 2026-06-01T00:00:00Z
scenarios:
${scenarios}`;
  const file = join(dir, 'w.trustspec.yaml');
  writeFileSync(file, text);
  return loadScenarioFile(file, { cwd: dir });
}

const entry = (name: string, github: string, role = ROLE): string =>
  `  - name: ${name}\n    github: { workflow: .github/workflows/deploy.yml, repository: acme/app, secrets: { AWS_ROLE_ARN: ${role} }, ${github} }\n    expect: allow\n`;

t.test('every token field the triggers decide is refused beside workflow:', async (t) => {
  for (const field of ['ref', 'event', 'sub', 'jobWorkflowRef']) {
    const r = load(t, entry('deploy', `job: deploy, ${field}: x`));
    t.match(
      r.errors,
      [
        {
          code: 'workflow-derived-field',
          line: 9,
          message: new RegExp(`github\\.${field} is derived`),
        },
      ],
      field,
    );
    t.same(r.scenarios, [], `${field}: not run`);
  }
});

t.test('two jobs of one workflow file: each its own subjects', async (t) => {
  const r = load(t, entry('deploy', 'job: deploy') + entry('test', 'job: test'));
  t.same(r.errors, []);
  const subs = (prefix: string): unknown[] =>
    r.scenarios.filter((s) => s.name.startsWith(`${prefix} [`)).map((s) => s.claims['sub']);
  t.ok(subs('deploy').length > 0 && subs('test').length > 0);
  t.ok(
    subs('deploy').every((s) => s === 'repo:acme/app:environment:production'),
    'deploy: its environment',
  );
  t.ok(
    subs('test').every((s) => typeof s === 'string' && !s.includes(':environment:')),
    'test: no environment',
  );
});

t.test('a workflow named as a .yaml file without job: the warning', async (t) => {
  const deploy = readFileSync(join(ACME, '.github', 'workflows', 'deploy.yml'), 'utf8');
  for (const name of ['deploy.yml', 'deploy.yaml', 'Deploy.YAML']) {
    const r = load(
      t,
      `  - name: claim only\n    github: { workflow: ${name}, repository: acme/app, ref: refs/heads/main }\n    expect: allow\n`,
      { [name]: deploy },
    );
    t.match(r.warnings, [{ code: 'workflow-without-job', line: 9 }], name);
  }
});

t.test('role-to-assume written as the role’s name is no mismatch', async (t) => {
  const rows: [string, boolean][] = [
    ['gha-deploy', false],
    [ROLE, false],
    ['other-role', true],
  ];
  for (const [written, warned] of rows) {
    const r = load(t, entry('deploy', 'job: deploy', written));
    t.same(r.errors, [], written);
    t.equal(
      r.warnings.some((w) => w.code === 'workflow-role-mismatch'),
      warned,
      `${written}: ${warned ? 'warned' : 'no warning'}`,
    );
  }
});

t.test('a github field written empty (null) is left out, not passed on', async (t) => {
  const r = load(t, entry('deploy', 'job: deploy, audience: ~, environment: ~'));
  t.same(r.errors, []);
  t.ok(r.scenarios.length > 0);
  for (const s of r.scenarios) {
    t.equal(s.claims['aud'], 'sts.amazonaws.com', `${s.name}: the workflow's audience`);
    t.equal(
      s.claims['sub'],
      'repo:acme/app:environment:production',
      `${s.name}: the job's environment`,
    );
  }
});
