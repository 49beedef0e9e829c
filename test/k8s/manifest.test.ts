/**
 * Reading ServiceAccount manifests (lib/sources/k8s-service-account.ts): the shapes kubectl and
 * helm print, the annotations as the Amazon EKS Pod Identity Webhook reads them
 * (aws/amazon-eks-pod-identity-webhook: README "EKS Walkthrough" step 3, pkg/cache/cache.go
 * `addSA`, pkg/validation.go `ValidateMinTokenExpiration`), and every bad input placed.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  goParseBool,
  goParseInt,
  parseServiceAccountManifest,
  readServiceAccountManifest,
  roleArnProblem,
  selectServiceAccount,
  serviceAccountRef,
  type K8sServiceAccount,
} from '../../lib/sources/k8s-service-account.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/k8s/', import.meta.url));
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

const PAYMENTS = 'arn:aws:iam::111122223333:role/eks/prod-east-payments';
const LEDGER = 'arn:aws:iam::111122223333:role/eks/prod-east-ledger';

type Seen = Pick<
  K8sServiceAccount,
  'name' | 'namespace' | 'roleArn' | 'audience' | 'tokenExpiration' | 'regionalSts'
> & { line: number };

function seen(sa: K8sServiceAccount): Seen {
  return {
    name: sa.name,
    ...(sa.namespace !== undefined ? { namespace: sa.namespace } : {}),
    ...(sa.roleArn !== undefined ? { roleArn: sa.roleArn } : {}),
    audience: sa.audience,
    tokenExpiration: sa.tokenExpiration,
    ...(sa.regionalSts !== undefined ? { regionalSts: sa.regionalSts } : {}),
    line: sa.at.line,
  };
}

const plain = { audience: 'sts.amazonaws.com', tokenExpiration: 86400 };

t.test('realistic manifests give their ServiceAccounts', async (t) => {
  const rows: { file: string; accounts: Seen[] }[] = [
    {
      // The webhook README's walkthrough, every optional annotation set.
      file: 'webhook-walkthrough.yaml',
      accounts: [
        {
          name: 'my-serviceaccount',
          namespace: 'default',
          roleArn: 'arn:aws:iam::111122223333:role/s3-reader',
          audience: 'sts.amazonaws.com',
          tokenExpiration: 86400,
          regionalSts: true,
          line: 2,
        },
      ],
    },
    {
      file: 'kubectl-get-sa-list.yaml',
      accounts: [
        { name: 'default', namespace: 'payments', ...plain, line: 4 },
        { name: 'payments-api', namespace: 'payments', roleArn: PAYMENTS, ...plain, line: 12 },
        {
          name: 'ledger-worker',
          namespace: 'payments',
          roleArn: LEDGER,
          audience: 'sts.amazonaws.com',
          tokenExpiration: 3600,
          line: 24,
        },
      ],
    },
    {
      file: 'kubectl-get-sa-list.json',
      accounts: [
        { name: 'payments-api', namespace: 'payments', roleArn: PAYMENTS, ...plain, line: 6 },
      ],
    },
    {
      file: 'kubectl-get-sa-name.yaml',
      accounts: [
        { name: 'payments-api', namespace: 'payments', roleArn: PAYMENTS, ...plain, line: 2 },
      ],
    },
    {
      // Two ServiceAccounts and a Deployment, as helm template renders a chart.
      file: 'helm-rendered.yaml',
      accounts: [
        {
          name: 'payments-api',
          namespace: 'payments',
          roleArn: PAYMENTS,
          ...plain,
          regionalSts: true,
          line: 4,
        },
        { name: 'ledger-worker', namespace: 'payments', roleArn: PAYMENTS, ...plain, line: 17 },
      ],
    },
    {
      file: 'invalid-arn.yaml',
      accounts: [
        {
          name: 'example',
          namespace: 'payments',
          roleArn: 'arn:aws:iam::::1234567890:role/example',
          ...plain,
          line: 2,
        },
      ],
    },
  ];
  for (const row of rows) {
    const m = parseServiceAccountManifest(fixture(row.file), row.file);
    t.same(m.findings, [], `${row.file}: no findings`);
    t.same(m.accounts.map(seen), row.accounts, row.file);
  }
  const helm = parseServiceAccountManifest(fixture('helm-rendered.yaml'));
  t.same(
    helm.otherKinds.map((k) => k.kind),
    ['Deployment'],
    'the Deployment beside them is noted, not read',
  );
});

interface Bad {
  name: string;
  text: string;
  code: string;
  line: number;
  column: number;
  severity?: 'error' | 'warning';
  message?: RegExp;
  hint?: RegExp;
}

const SA = (meta: string): string => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n${meta}`;
const ANNOTATED = (annotations: string): string =>
  SA(
    `  name: api\n  namespace: web\n  annotations:\n    eks.amazonaws.com/role-arn: ${PAYMENTS}\n${annotations}`,
  );

t.test('bad manifests: one positioned finding each', async (t) => {
  const rows: Bad[] = [
    {
      name: 'fixture: another kind only',
      text: fixture('bad/deployment.yaml'),
      code: 'k8s-no-service-account',
      line: 2,
      column: 7,
      message: /no ServiceAccount, only Deployment/,
    },
    {
      name: 'fixture: unterminated quote',
      text: fixture('bad/broken.yaml'),
      code: 'k8s-yaml-syntax',
      line: 8,
      column: 1,
    },
    {
      name: 'fixture: a number as an annotation value',
      text: fixture('bad/number-annotation.yaml'),
      code: 'k8s-annotation-not-string',
      line: 8,
      column: 41,
      hint: /quote it: eks\.amazonaws\.com\/token-expiration: "3600"/,
    },
    {
      name: 'an empty file',
      text: '',
      code: 'k8s-no-service-account',
      line: 1,
      column: 1,
      message: /it is empty/,
    },
    {
      name: 'comments and an empty document only',
      text: '# nothing\n---\n',
      code: 'k8s-no-service-account',
      line: 1,
      column: 1,
    },
    {
      name: 'an empty List (kubectl get sa in a namespace without any)',
      text: 'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n',
      code: 'k8s-no-service-account',
      line: 1,
      column: 1,
    },
    {
      name: 'a List without items',
      text: 'apiVersion: v1\nkind: List\n',
      code: 'k8s-list-items',
      line: 2,
      column: 7,
    },
    {
      name: 'a list at the top',
      text: '- a\n- b\n',
      code: 'k8s-not-an-object',
      line: 1,
      column: 1,
    },
    {
      name: 'an item of a List that is a string',
      text: 'kind: List\nitems:\n  - just text\n',
      code: 'k8s-not-an-object',
      line: 3,
      column: 5,
      message: /item 1 of the List/,
    },
    {
      name: 'a List inside a List',
      text: 'kind: List\nitems:\n  - kind: List\n    items: []\n',
      code: 'k8s-list-in-list',
      line: 3,
      column: 11,
    },
    {
      name: 'nesting deeper than the YAML reader goes',
      text: '['.repeat(20000) + ']'.repeat(20000),
      code: 'k8s-yaml-too-deep',
      line: 1,
      // Where the reader gives up depends on the stack it has: only the line is pinned.
      column: 0,
    },
    {
      name: 'no kind',
      text: 'apiVersion: v1\nmetadata:\n  name: api\n',
      code: 'k8s-no-kind',
      line: 1,
      column: 1,
    },
    {
      name: 'a ServiceAccount of another API version',
      text: 'apiVersion: v2\nkind: ServiceAccount\nmetadata:\n  name: api\n',
      code: 'k8s-api-version',
      line: 1,
      column: 13,
    },
    {
      name: 'no metadata',
      text: 'apiVersion: v1\nkind: ServiceAccount\n',
      code: 'k8s-no-metadata',
      line: 2,
      column: 7,
    },
    {
      name: 'no name',
      text: SA('  namespace: web\n'),
      code: 'k8s-no-name',
      line: 2,
      column: 7,
    },
    {
      name: 'generateName instead of a name',
      text: SA('  generateName: api-\n  namespace: web\n'),
      code: 'k8s-no-name',
      line: 2,
      column: 7,
      message: /generateName/,
    },
    {
      name: 'a name Kubernetes refuses (upper case)',
      text: SA('  name: PaymentsAPI\n  namespace: web\n'),
      code: 'k8s-bad-name',
      line: 4,
      column: 9,
    },
    {
      name: 'a namespace with a dot (a label, not a subdomain)',
      text: SA('  name: api\n  namespace: web.prod\n'),
      code: 'k8s-bad-namespace',
      line: 5,
      column: 14,
    },
    {
      name: 'a number as the name',
      text: SA('  name: 42\n  namespace: web\n'),
      code: 'k8s-bad-name',
      line: 4,
      column: 9,
    },
    {
      name: 'annotations as a list',
      text: SA('  name: api\n  namespace: web\n  annotations:\n    - eks.amazonaws.com/role-arn\n'),
      code: 'k8s-bad-annotations',
      line: 7,
      column: 5,
    },
    {
      name: 'an annotation value that is a mapping',
      text: SA(
        '  name: api\n  namespace: web\n  annotations:\n    eks.amazonaws.com/role-arn:\n      arn: x\n',
      ),
      code: 'k8s-annotation-not-string',
      line: 8,
      column: 7,
    },
    {
      name: 'duplicate keys (kubectl refuses them too)',
      text: SA('  name: api\n  name: web\n'),
      code: 'k8s-yaml-syntax',
      line: 5,
      column: 3,
    },
    {
      name: 'token-expiration that is not a number: ignored by the webhook',
      text: ANNOTATED('    eks.amazonaws.com/token-expiration: "1h"\n'),
      code: 'k8s-token-expiration-ignored',
      severity: 'warning',
      line: 8,
      column: 41,
      message: /default lifetime \(86400 s\)/,
    },
    {
      name: 'token-expiration below the minimum: raised to 600',
      text: ANNOTATED('    eks.amazonaws.com/token-expiration: "0"\n'),
      code: 'k8s-token-expiration-raised',
      severity: 'warning',
      line: 8,
      column: 41,
    },
    {
      name: 'sts-regional-endpoints that is not a Go boolean',
      text: ANNOTATED('    eks.amazonaws.com/sts-regional-endpoints: "yes"\n'),
      code: 'k8s-regional-sts-ignored',
      severity: 'warning',
      line: 8,
      column: 47,
    },
    {
      name: 'a misspelt annotation',
      text: SA(
        '  name: api\n  namespace: web\n  annotations:\n    eks.amazonaws.com/role_arn: x\n',
      ),
      code: 'k8s-unknown-annotation',
      severity: 'warning',
      line: 7,
      column: 33,
      hint: /did you mean eks\.amazonaws\.com\/role-arn\?/,
    },
    {
      name: 'another annotation of the prefix',
      text: ANNOTATED('    eks.amazonaws.com/compute-type: ec2\n'),
      code: 'k8s-unknown-annotation',
      severity: 'warning',
      line: 8,
      column: 37,
      hint: /it reads eks\.amazonaws\.com\/role-arn/,
    },
  ];
  for (const row of rows) {
    const m = parseServiceAccountManifest(row.text, 'sa.yaml');
    const f = m.findings[0];
    t.equal(m.findings.length, 1, `${row.name}: one finding`);
    t.match(
      {
        code: f?.code,
        severity: f?.severity,
        line: f?.span?.start.line,
        column: f?.span?.start.column,
        file: f?.file,
      },
      {
        code: row.code,
        severity: row.severity ?? 'error',
        line: row.line,
        column: row.column === 0 ? Number : row.column,
        file: 'sa.yaml',
      },
      row.name,
    );
    if (row.message) t.match(f?.message, row.message, `${row.name}: message`);
    if (row.hint) t.match(f?.hint, row.hint, `${row.name}: hint`);
    if ((row.severity ?? 'error') === 'warning')
      t.equal(m.accounts.length, 1, `${row.name}: a warning keeps the account`);
  }
});

t.test('annotation values as the webhook reads them', async (t) => {
  const cases: [string, string, Partial<K8sServiceAccount>][] = [
    ['a long lifetime', 'eks.amazonaws.com/token-expiration: "43200"', { tokenExpiration: 43200 }],
    ['the minimum exactly', 'eks.amazonaws.com/token-expiration: "600"', { tokenExpiration: 600 }],
    ['below: raised', 'eks.amazonaws.com/token-expiration: "599"', { tokenExpiration: 600 }],
    ['a sign', 'eks.amazonaws.com/token-expiration: "+3600"', { tokenExpiration: 3600 }],
    ['regional off', 'eks.amazonaws.com/sts-regional-endpoints: "False"', { regionalSts: false }],
    ['regional 1', 'eks.amazonaws.com/sts-regional-endpoints: "1"', { regionalSts: true }],
    [
      'another audience',
      'eks.amazonaws.com/audience: "sts.cn-north-1.amazonaws.com.cn"',
      { audience: 'sts.cn-north-1.amazonaws.com.cn', audienceAnnotated: true },
    ],
  ];
  for (const [name, line, want] of cases) {
    const m = parseServiceAccountManifest(ANNOTATED(`    ${line}\n`));
    t.match(m.accounts[0], want, name);
  }
  const none = parseServiceAccountManifest(SA('  name: api\n  namespace: web\n  annotations:\n'));
  t.same([none.findings, none.accounts[0]?.roleArn], [[], undefined], 'empty annotations');
});

t.test('Go number and boolean parsing', async (t) => {
  const ints: [string, number | undefined][] = [
    ['3600', 3600],
    ['-5', -5],
    ['+7', 7],
    ['007', 7],
    ['', undefined],
    ['1h', undefined],
    ['3600.0', undefined],
    [' 3600', undefined],
    ['9223372036854775807', Number('9223372036854775807')],
    ['9223372036854775808', undefined],
  ];
  for (const [s, n] of ints) t.equal(goParseInt(s), n, `ParseInt(${JSON.stringify(s)})`);
  const bools: [string, boolean | undefined][] = [
    ['true', true],
    ['TRUE', true],
    ['t', true],
    ['0', false],
    ['F', false],
    ['yes', undefined],
    ['tRUE', undefined],
  ];
  for (const [s, b] of bools) t.equal(goParseBool(s), b, `ParseBool(${JSON.stringify(s)})`);
});

t.test('a name or a file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trustspec-k8s-ref-'));
  writeFileSync(join(dir, 'sa.yaml'), fixture('kubectl-get-sa-name.yaml'));
  writeFileSync(join(dir, 'SA.yml'), fixture('kubectl-get-sa-name.yaml'));
  const rows: [string, string][] = [
    ['payments-api', 'name'],
    ['api.v2', 'name'],
    ['./sa.yaml', 'file'],
    ['k8s/sa.yaml', 'file'],
    ['k8s\\sa.yaml', 'file'],
    [join(dir, 'sa.yaml'), 'file'],
    ['sa.yaml', 'ambiguous'],
    ['SA.yml', 'file'],
    ['other.json', 'name-like-file'],
  ];
  for (const [value, kind] of rows) t.equal(serviceAccountRef(value, dir).kind, kind, value);
});

t.test('choosing the ServiceAccount of a manifest', async (t) => {
  const list = parseServiceAccountManifest(fixture('kubectl-get-sa-list.yaml'));
  const pick = (want: { name?: string; namespace?: string }): string => {
    const r = selectServiceAccount(list, want);
    return r.ok ? r.account.name : r.code;
  };
  t.equal(pick({ name: 'ledger-worker' }), 'ledger-worker');
  t.equal(pick({ name: 'ledger-worker', namespace: 'payments' }), 'ledger-worker');
  t.equal(pick({}), 'k8s-several-service-accounts');
  t.equal(pick({ namespace: 'payments' }), 'k8s-several-service-accounts');
  t.equal(pick({ name: 'ledger-worker', namespace: 'web' }), 'k8s-service-account-not-found');
  t.equal(pick({ name: 'nobody' }), 'k8s-service-account-not-found');
  const several = selectServiceAccount(list, {});
  t.match(several, {
    ok: false,
    message:
      /payments\/default \(line 4\), payments\/payments-api \(line 12\), payments\/ledger-worker \(line 24\)/,
  });
  const missing = selectServiceAccount(list, { name: 'nobody', namespace: 'web' });
  t.match(missing, { ok: false, message: /namespace "web" and name "nobody"; it has/ });
  t.match(selectServiceAccount(list, { namespace: 'web' }), {
    ok: false,
    message: /no ServiceAccount with namespace "web"; it has/,
  });
  // A long manifest is listed in part.
  const many = parseServiceAccountManifest(
    Array.from({ length: 25 }, (_, i) => SA(`  name: sa-${i}\n  namespace: web\n`)).join('---\n'),
  );
  t.match(selectServiceAccount(many, {}), {
    ok: false,
    message:
      /^the manifest has 25 ServiceAccounts: web\/sa-0 \(line 2\), .*web\/sa-19 \(line \d+\)$/,
  });
  t.match(selectServiceAccount(many, { name: 'x' }), {
    ok: false,
    message: /web\/sa-19 \(line \d+\), …$/,
  });
  // A ServiceAccount without a namespace matches any namespace asked for.
  const bare = parseServiceAccountManifest(fixture('bad/no-namespace.yaml'));
  t.equal(selectServiceAccount(bare, { namespace: 'payments' }).ok, true);
});

t.test('reading a manifest file', async (t) => {
  const ok = readServiceAccountManifest(join(FIXTURES, 'kubectl-get-sa-name.yaml'), 'x.yaml');
  t.equal(ok.ok && ok.manifest.accounts.length, 1);
  const missing = readServiceAccountManifest(join(FIXTURES, 'nope.yaml'));
  t.match(missing, { ok: false, code: 'file-not-found' });
  const folder = readServiceAccountManifest(join(FIXTURES, 'bad'));
  t.match(folder, { ok: false, code: 'not-a-file' });
});

t.test('role ARNs STS refuses', async (t) => {
  t.equal(roleArnProblem(PAYMENTS), undefined);
  // The knowledge-center example: an extra colon makes the ARN invalid (ValidationError).
  t.match(roleArnProblem('arn:aws:iam::::1234567890:role/example'), /./);
  t.match(roleArnProblem('payments-role'), /not a well-formed ARN/);
});
