/**
 * `explain --cloudtrail` and `--principal-id` replay against a policy where it lives: a
 * CloudFormation template with one role (its statements placed in the template) and a deployed
 * role read with iam:GetRole through the real IAM client against the loopback fake. The verdicts
 * are the ones the same policy gives as a file.
 */
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../cli/helpers.js';
import {
  errorXml,
  fakeEnv,
  getRoleXml,
  isolateProcessEnv,
  roleArn,
  startFakeIam,
  type FakeRole,
} from '../helpers/fake-iam.js';

isolateProcessEnv(fakeEnv('http://127.0.0.1:9'));

const FX = join(process.cwd(), 'test/fixtures/cloudtrail');
const DOC = readFileSync(join(FX, 'policies/github.trust.json'), 'utf8');
const EDITED = readFileSync(join(FX, 'policies/github-edited.trust.json'), 'utf8');
const NOW = '2026-06-01T00:00:00Z';

/** A template whose one role trusts `doc` (written inline as JSON, which YAML reads). */
function template(doc: string): string {
  const body = JSON.stringify(JSON.parse(doc));
  return `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: gha-deploy
      Path: /deploy/
      AssumeRolePolicyDocument: ${body}
`;
}

async function explain(args: string[], cwd: string, env?: NodeJS.ProcessEnv) {
  return cli(['explain', ...args, '--now', NOW], { cwd, ...(env ? { env } : {}) });
}

t.test('--policy TEMPLATE: the same verdicts as the policy file', async (t) => {
  const dir = t.testdir({ 'stack.yaml': template(DOC), 'edited.yaml': template(EDITED) });
  const cases: Array<[string, string, number, RegExp]> = [
    ['event-success.json', 'stack.yaml', 0, /✓ matches CloudTrail/],
    ['event-access-denied.json', 'stack.yaml', 0, /✓ matches CloudTrail/],
    ['trail.json', 'edited.yaml', 1, /✗ MISMATCH/],
  ];
  for (const [events, policy, code, said] of cases) {
    const viaFile = await explain(
      [
        '--cloudtrail',
        join(FX, events),
        '--policy',
        join(FX, policy === 'stack.yaml' ? 'policies/github.trust.json' : EDITED_PATH),
      ],
      dir,
    );
    const viaTemplate = await explain(['--cloudtrail', join(FX, events), '--policy', policy], dir);
    t.equal(viaTemplate.status, code, `${events} against ${policy}: ${viaTemplate.stderr}`);
    t.equal(viaTemplate.status, viaFile.status, `${events}: the file's verdict`);
    t.match(viaTemplate.stdout, said, events);
    t.match(viaTemplate.stdout, /trust policy \(stack\.yaml|trust policy \(edited\.yaml/);
  }
  const id = await explain(
    [
      '--policy',
      'stack.yaml',
      '--principal-id',
      'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com:sts.amazonaws.com:repo:acme/app:pull_request',
    ],
    dir,
  );
  t.equal(id.status, 1, 'a pull request is denied by the template role');
  t.match(id.stdout, /stack\.yaml:\d+/, 'the statement is placed in the template');
});

const EDITED_PATH = 'policies/github-edited.trust.json';

t.test('--policy ROLE-ARN: read with iam:GetRole (the real client, loopback IAM)', async (t) => {
  const role: FakeRole = { name: 'gha-deploy', path: '/deploy/', document: DOC };
  const fake = await startFakeIam((req) =>
    req.action === 'GetRole'
      ? getRoleXml(role)
      : errorXml(400, 'InvalidAction', `unexpected ${req.action}`),
  );
  t.teardown(fake.close);
  const dir = t.testdir({});
  const r = await explain(
    ['--cloudtrail', join(FX, 'event-success.json'), '--policy', roleArn(role)],
    dir,
    fakeEnv(fake.url),
  );
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /✓ matches CloudTrail/);
  t.same(
    fake.requests.map((q) => q.action),
    ['GetRole'],
  );
  const missing = await startFakeIam(() =>
    errorXml(404, 'NoSuchEntity', 'The role with name gha-deploy cannot be found.'),
  );
  t.teardown(missing.close);
  const gone = await explain(
    ['--cloudtrail', join(FX, 'event-success.json'), '--policy', roleArn(role)],
    dir,
    fakeEnv(missing.url),
  );
  t.equal(gone.status, 2, 'an unreadable role is an input error');
  t.notMatch(gone.stderr, /^\s+at /m, 'no stack');
});

t.test('from-cloudtrail --policy TEMPLATE: the file names the template, and passes', async (t) => {
  const examples = join(process.cwd(), 'spec-examples/cloudtrail');
  const dir = t.testdir({
    'stack.yaml': template(readFileSync(join(examples, 'deploy.trust.json'), 'utf8')),
  });
  writeFileSync(join(dir, 'events.json'), readFileSync(join(examples, 'events.json')));
  const w = await cli(
    ['from-cloudtrail', 'events.json', '--policy', 'stack.yaml', '-o', 'traffic.trustspec.yaml'],
    { cwd: dir },
  );
  t.equal(w.status, 0, w.stderr);
  const text = readFileSync(join(dir, 'traffic.trustspec.yaml'), 'utf8');
  t.match(text, /cloudformation: '\.\/stack\.yaml'|cloudformation: \.\/stack\.yaml/);
  t.match(text, /arn: '?arn:aws:iam::111122223333:role\/deploy\/gha-deploy/);
  t.notMatch(text, /trustPolicy:/, 'no copy of the policy');
  const run = await cli(['test', 'traffic.trustspec.yaml', '--reporter', 'json'], { cwd: dir });
  t.equal(run.status, 0, run.stdout + run.stderr);
  const report = JSON.parse(run.stdout) as { results: Array<{ status: string }> };
  t.equal(report.results.length, 3);
  t.ok(report.results.every((r) => r.status === 'passed'));
});
