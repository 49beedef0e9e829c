/**
 * ServiceAccount manifests on the command line: the README's examples, `explain
 * --service-account`, `explain FILE --scenario` with a manifest, and bad manifests (exit 2, a
 * positioned error, never a stack trace).
 */
import t from 'tap';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, REPO, SPEC_EXAMPLES, STACK_LINE } from '../cli/helpers.js';

const PAYMENTS = 'arn:aws:iam::111122223333:role/eks/prod-east-payments';
const POLICY = 'spec-examples/eks-irsa/payments.trust.json';
const LIST = 'examples/k8s/payments-serviceaccounts.yaml';
const FIXTURES = join(REPO, 'test', 'fixtures', 'k8s');

t.test('the README examples', async (t) => {
  const run = await cli(['test', 'examples/k8s/service-accounts.trustspec.yaml']);
  t.equal(run.status, 0, run.stdout + run.stderr);
  t.match(run.stdout, /4 passed, 0 failed/);
  const explain = await cli([
    'explain',
    '--policy',
    POLICY,
    '--service-account',
    `${LIST}#payments/ledger-reports`,
    '--role-arn',
    PAYMENTS,
  ]);
  t.equal(explain.status, 1, 'annotated with another role: exit 1');
  t.match(
    explain.stdout,
    /diagnosis: The ServiceAccount payments\/ledger-reports is annotated with another role: its pods assume arn:aws:iam::111122223333:role\/eks\/prod-east-reports/,
  );
  t.match(explain.stdout, /at examples\/k8s\/payments-serviceaccounts\.yaml:33:35/);
});

t.test('explain --service-account', async (t) => {
  const ok = await cli([
    'explain',
    '--policy',
    POLICY,
    '--service-account',
    `${LIST}#payments-api`,
  ]);
  t.equal(ok.status, 0, 'the annotated role is the role simulated');
  t.match(ok.stdout, /RoleArn names role "prod-east-payments"/);
  t.match(ok.stdout, /decision: ALLOW/);
  t.match(ok.stdout, /is taken from the trust policy, which trusts that one EKS cluster/);

  const json = await cli([
    'explain',
    '--policy',
    POLICY,
    '--service-account',
    `${LIST}#default`,
    '--json',
  ]);
  t.equal(json.status, 1);
  const doc = JSON.parse(json.stdout) as { diagnoses: { cause: string }[] };
  t.same(
    doc.diagnoses.map((d) => d.cause).slice(0, 2),
    ['eks-role-arn-annotation-missing', 'eks-issuer-from-policy'],
    'no annotation: the pod never asks; the issuer note',
  );

  const iss = await cli([
    'explain',
    '--policy',
    POLICY,
    '--service-account',
    `${LIST}#payments-api`,
    '--iss',
    'https://oidc.eks.us-east-1.amazonaws.com/id/3F9B2D7E1A5C4B8D6E0F2A4C6E8B0D13',
  ]);
  t.equal(iss.status, 1, '--iss wins over the policy: another cluster, refused');
  t.notMatch(iss.stdout, /taken from the trust policy/);

  const sub = await cli([
    'explain',
    '--policy',
    POLICY,
    '--service-account',
    `${LIST}#payments-api`,
    '--sub',
    'system:serviceaccount:payments:intruder',
  ]);
  t.equal(sub.status, 1, '--sub wins over the manifest');
});

t.test('explain FILE --scenario shows the annotation', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trustspec-k8s-cli-'));
  cpSync(join(SPEC_EXAMPLES, 'eks-irsa', 'payments.trust.json'), join(dir, 'p.json'));
  cpSync(FIXTURES, join(dir, 'k8s'), { recursive: true });
  writeFileSync(
    join(dir, 'a.trustspec.yaml'),
    `role: { arn: '${PAYMENTS}', trustPolicy: ./p.json }
now: 2026-06-01T00:00:00Z
scenarios:
  - name: worker
    eks: { serviceAccount: ./k8s/kubectl-get-sa-list.yaml, name: ledger-worker }
    expect: allow
  - name: broken
    eks: { serviceAccount: ./k8s/bad/deployment.yaml }
    expect: allow
`,
  );
  const r = await cli(['explain', 'a.trustspec.yaml', '--scenario', 'worker'], { cwd: dir });
  t.equal(r.status, 2, 'the file has an error (the broken scenario): nothing is explained');
  t.match(r.stderr, /k8s\/bad\/deployment\.yaml:2:7: the manifest holds no ServiceAccount/);
  writeFileSync(
    join(dir, 'b.trustspec.yaml'),
    `role: { arn: '${PAYMENTS}', trustPolicy: ./p.json }
now: 2026-06-01T00:00:00Z
scenarios:
  - name: worker
    eks: { serviceAccount: ./k8s/kubectl-get-sa-list.yaml, name: ledger-worker }
    expect: allow
`,
  );
  const b = await cli(['explain', 'b.trustspec.yaml', '--scenario', 'worker'], { cwd: dir });
  t.equal(b.status, 1, 'STS allows, but the pod assumes another role');
  t.match(b.stdout, /decision: ALLOW/);
  t.match(b.stdout, /annotated with another role: its pods assume .*prod-east-ledger/);
  t.match(b.stdout, /at k8s\/kubectl-get-sa-list\.yaml:27:35/);
  const refused = await cli(
    ['explain', 'b.trustspec.yaml', '--service-account', 'k8s/webhook-walkthrough.yaml'],
    { cwd: dir },
  );
  t.equal(refused.status, 2, 'a request flag beside a scenario file is refused');
  t.match(refused.stderr, /--service-account describes the request/);
  const test = await cli(['test', 'b.trustspec.yaml'], { cwd: dir });
  t.equal(test.status, 1);
  t.match(
    test.stdout,
    /expected allow, but the ServiceAccount payments\/ledger-worker is annotated/,
  );
});

t.test('bad manifests: exit 2, file:line:column, no stack trace', async (t) => {
  const rows: { name: string; args: string[]; stderr: RegExp }[] = [
    {
      name: 'no namespace',
      args: ['--service-account', 'test/fixtures/k8s/bad/no-namespace.yaml'],
      stderr:
        /^test\/fixtures\/k8s\/bad\/no-namespace\.yaml:3:7: the ServiceAccount "payments-api" has no metadata\.namespace/,
    },
    {
      name: 'another kind',
      args: ['--service-account', 'test/fixtures/k8s/bad/deployment.yaml'],
      stderr:
        /^test\/fixtures\/k8s\/bad\/deployment\.yaml:2:7: the manifest holds no ServiceAccount/,
    },
    {
      name: 'broken YAML',
      args: ['--service-account', 'test/fixtures/k8s/bad/broken.yaml'],
      stderr: /^test\/fixtures\/k8s\/bad\/broken\.yaml:8:1: YAML syntax error/,
    },
    {
      name: 'several, none picked',
      args: ['--service-account', LIST],
      stderr: /the manifest has 4 ServiceAccounts: payments\/default \(line 6\)/,
    },
    {
      name: 'a name it does not have',
      args: ['--service-account', `${LIST}#web/payments-api`],
      stderr: /no ServiceAccount with namespace "web" and name "payments-api"/,
    },
    {
      name: 'no such file',
      args: ['--service-account', 'test/fixtures/k8s/nope.yaml'],
      stderr: /--service-account: no file "test\/fixtures\/k8s\/nope\.yaml"/,
    },
    {
      name: 'a folder',
      args: ['--service-account', 'test/fixtures/k8s/bad'],
      stderr: /--service-account: the file "test\/fixtures\/k8s\/bad" is a folder/,
    },
    {
      name: 'no cluster to take the issuer from',
      args: [
        '--service-account',
        'test/fixtures/k8s/kubectl-get-sa-name.yaml',
        '--policy',
        'spec-examples/github-actions/branch-deploy.trust.json',
      ],
      stderr:
        /--iss is needed: the manifest does not say which cluster, and the policy names no EKS cluster/,
    },
  ];
  for (const row of rows) {
    const args = row.args.includes('--policy') ? row.args : [...row.args, '--policy', POLICY];
    const r = await cli(['explain', ...args]);
    t.equal(r.status, 2, `${row.name}: exit 2`);
    t.match(r.stderr, row.stderr, row.name);
    t.notMatch(r.stderr, STACK_LINE, `${row.name}: no stack trace`);
    t.equal(r.stdout, '', `${row.name}: nothing on standard output`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'trustspec-k8s-cli-'));
  writeFileSync(
    join(dir, 'two.json'),
    JSON.stringify({
      Version: '2012-10-17',
      Statement: ['7C1E5A3B9D2F4E6A8B0C2D4E6F8A0B1C', '3F9B2D7E1A5C4B8D6E0F2A4C6E8B0D13'].map(
        (id) => ({
          Effect: 'Allow',
          Principal: {
            Federated: `arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/${id}`,
          },
          Action: 'sts:AssumeRoleWithWebIdentity',
        }),
      ),
    }),
  );
  writeFileSync(
    join(dir, 'sa.yaml'),
    'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  namespace: web\n  annotations:\n    eks.amazonaws.com/token-expiration: "60"\n',
  );
  const two = await cli(['explain', '--policy', 'two.json', '--service-account', 'sa.yaml'], {
    cwd: dir,
  });
  t.equal(two.status, 2);
  t.match(
    two.stderr,
    /^sa\.yaml:7:41: warning: eks\.amazonaws\.com\/token-expiration "60" is below/,
  );
  t.match(two.stderr, /--iss is needed: .* the policy names 2 EKS clusters/);
  const warned = await cli([
    'explain',
    '--policy',
    POLICY,
    '--service-account',
    'test/fixtures/k8s/webhook-walkthrough.yaml',
  ]);
  t.equal(warned.stderr, '', 'a clean manifest: nothing on standard error');
});
