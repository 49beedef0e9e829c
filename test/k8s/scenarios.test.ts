/**
 * `eks: {serviceAccount: FILE}` in scenario files: the token built from a manifest, the issuer
 * taken from the trust policy when it trusts one cluster, the annotation judged against the
 * scenario's role, and every bad input an error at file:line:column.
 */
import t from 'tap';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAndRun, loadScenarioFile } from '../../lib/scenarios/index.js';
import type { ScenarioResult } from '../../lib/scenarios/types.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/k8s/', import.meta.url));
const POLICY = fileURLToPath(
  new URL('../../spec-examples/eks-irsa/payments.trust.json', import.meta.url),
);
const NOW = Date.UTC(2026, 5, 1);
const CLUSTER = 'oidc.eks.us-east-1.amazonaws.com/id/7C1E5A3B9D2F4E6A8B0C2D4E6F8A0B1C';
const STAGING = 'oidc.eks.us-east-1.amazonaws.com/id/3F9B2D7E1A5C4B8D6E0F2A4C6E8B0D13';
const PAYMENTS = 'arn:aws:iam::111122223333:role/eks/prod-east-payments';

/** A folder with the payments policy, the fixtures under k8s/, and `files`. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'trustspec-k8s-'));
  cpSync(POLICY, join(dir, 'payments.trust.json'));
  cpSync(FIXTURES, join(dir, 'k8s'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The head of a scenario file: 5 lines, so the first scenario is on line 6. */
const HEAD = `role:
  arn: ${PAYMENTS}
  trustPolicy: ./payments.trust.json
now: 2026-06-01T00:00:00Z
scenarios:
`;

function run(yaml: string, extra: Record<string, string> = {}, verbose = false) {
  const dir = folder({ 'a.trustspec.yaml': yaml, ...extra });
  return loadAndRun(['a.trustspec.yaml'], {
    cwd: dir,
    defaultNow: NOW,
    ...(verbose ? {} : { trace: 'failures' as const }),
    diagnose: () => [],
  });
}

const byName = (results: ScenarioResult[], name: string): ScenarioResult | undefined =>
  results.find((r) => r.name === name);

t.test('scenarios built from realistic manifests', async (t) => {
  const report = run(`${HEAD}  - name: api (kubectl get sa NAME -o yaml)
    eks: { serviceAccount: ./k8s/kubectl-get-sa-name.yaml }
    expect: allow
  - name: api (kubectl get sa -o json)
    eks: { serviceAccount: k8s/kubectl-get-sa-list.json, issuer: https://${CLUSTER} }
    expect: allow
  - name: 'helm \${{ matrix.sa }}'
    matrix: { sa: [payments-api, ledger-worker] }
    eks: { serviceAccount: ./k8s/helm-rendered.yaml, name: '\${{ matrix.sa }}' }
    expect: allow
  - name: the namespace's default account (kubectl get sa -o yaml) is refused
    eks: { serviceAccount: ./k8s/kubectl-get-sa-list.yaml, name: default, namespace: payments }
    expect: { deny: { because: '${CLUSTER}:sub' } }
  - name: a plain name still works
    eks: { issuer: https://${CLUSTER}, namespace: payments, serviceAccount: payments-api }
    expect: allow
  - name: the staging cluster's token is refused
    eks: { serviceAccount: ./k8s/kubectl-get-sa-name.yaml, issuer: https://${STAGING} }
    expect: { deny: { stage: token } }
`);
  t.same(report.errors, []);
  t.same(
    report.results.map((r) => [r.name, r.ok ? 'passed' : 'failed']),
    [
      ['api (kubectl get sa NAME -o yaml)', 'passed'],
      ['api (kubectl get sa -o json)', 'passed'],
      ['helm payments-api', 'passed'],
      ['helm ledger-worker', 'passed'],
      ["the namespace's default account (kubectl get sa -o yaml) is refused", 'passed'],
      ['a plain name still works', 'passed'],
      ["the staging cluster's token is refused", 'passed'],
    ],
  );
  const loaded = loadScenarioFile('a.trustspec.yaml', {
    cwd: folder({
      'a.trustspec.yaml': `${HEAD}  - name: walkthrough
    role: { arn: 'arn:aws:iam::111122223333:role/s3-reader', trustPolicy: ./payments.trust.json }
    eks: { serviceAccount: ./k8s/webhook-walkthrough.yaml }
    expect: deny
`,
    }),
    defaultNow: NOW,
  });
  const s = loaded.scenarios[0];
  t.same(s?.claims['sub'], 'system:serviceaccount:default:my-serviceaccount');
  t.same(s?.claims['aud'], ['sts.amazonaws.com']);
  t.same(s?.claims['iss'], `https://${CLUSTER}`, 'the issuer of the one cluster the policy trusts');
  t.match(s?.serviceAccount, {
    file: 'k8s/webhook-walkthrough.yaml',
    line: 2,
    column: 7,
    roleArn: 'arn:aws:iam::111122223333:role/s3-reader',
    roleArnAt: { line: 7, column: 33 },
    tokenExpiration: 86400,
    regionalSts: true,
    issuerFromPolicy: `https://${CLUSTER}`,
  });
});

t.test('the annotation against the scenario role', async (t) => {
  const yaml = `${HEAD}  - name: annotated with another role
    eks: { serviceAccount: ./k8s/bad/other-role.yaml }
    expect: allow
  - name: not annotated
    eks: { serviceAccount: ./k8s/bad/no-annotation.yaml }
    expect: allow
  - name: an invalid ARN
    eks: { serviceAccount: ./k8s/invalid-arn.yaml, namespace: payments }
    expect: allow
  - name: another role, expected to be refused anyway
    eks: { serviceAccount: ./k8s/bad/other-role.yaml, issuer: https://${STAGING} }
    expect: deny
  - name: the right role
    eks: { serviceAccount: ./k8s/kubectl-get-sa-name.yaml }
    expect: allow
`;
  for (const verbose of [false, true]) {
    const report = run(yaml, {}, verbose);
    t.same(report.errors, [], `verbose ${verbose}: no file errors`);
    const other = byName(report.results, 'annotated with another role');
    // STS itself would allow this token for the scenario's role: the annotation fails it.
    t.equal(other?.decision?.decision, 'allow');
    t.equal(other?.ok, false);
    t.match(
      other?.mismatch,
      /expected allow, but the ServiceAccount payments\/payments-api is annotated with another role: its pods assume arn:aws:iam::111122223333:role\/eks\/prod-east-ledger/,
    );
    t.match(other?.diagnoses[0], {
      cause: 'eks-role-arn-annotation',
      at: { file: 'k8s/bad/other-role.yaml', line: 7, column: 33 },
      fix: /annotate the ServiceAccount with eks\.amazonaws\.com\/role-arn: arn:aws:iam::111122223333:role\/eks\/prod-east-payments/,
    });
    const none = byName(report.results, 'not annotated');
    t.match(none, {
      ok: false,
      mismatch: /no eks\.amazonaws\.com\/role-arn annotation: its pods get no web identity token/,
      diagnoses: [{ cause: 'eks-role-arn-annotation-missing', at: { line: 2, column: 7 } }],
    });
    const invalid = byName(report.results, 'an invalid ARN');
    t.match(invalid, {
      ok: false,
      mismatch: /invalid role ARN: STS answers ValidationError \(Request ARN is invalid\)/,
    });
    const deny = byName(report.results, 'another role, expected to be refused anyway');
    t.equal(deny?.ok, true, 'an expected denial is not failed by the annotation');
    t.equal(
      deny?.diagnoses.some((d) => d.cause === 'eks-role-arn-annotation'),
      verbose,
      'and the annotation is shown when the trace is',
    );
    t.equal(byName(report.results, 'the right role')?.ok, true);
  }
});

interface BadRow {
  name: string;
  scenario: string;
  extra?: Record<string, string>;
  errors: { code: string; file?: string; line: number; column: number; message?: RegExp }[];
  warnings?: { code: string; line: number; column: number }[];
}

t.test('bad inputs: positioned errors, the scenario not run', async (t) => {
  const rows: BadRow[] = [
    {
      name: 'a manifest without a namespace',
      scenario: `    eks: { serviceAccount: ./k8s/bad/no-namespace.yaml }`,
      errors: [
        {
          code: 'k8s-no-namespace',
          line: 7,
          column: 28,
          message: /"payments-api" at k8s\/bad\/no-namespace\.yaml:3:7 has no metadata\.namespace/,
        },
      ],
    },
    {
      name: 'a manifest of another kind',
      scenario: `    eks: { serviceAccount: ./k8s/bad/deployment.yaml }`,
      errors: [
        { code: 'k8s-no-service-account', file: 'k8s/bad/deployment.yaml', line: 2, column: 7 },
        { code: 'k8s-manifest-unusable', line: 7, column: 28 },
      ],
    },
    {
      name: 'unreadable YAML',
      scenario: `    eks: { serviceAccount: ./k8s/bad/broken.yaml }`,
      errors: [
        { code: 'k8s-yaml-syntax', file: 'k8s/bad/broken.yaml', line: 8, column: 1 },
        { code: 'k8s-manifest-unusable', line: 7, column: 28 },
      ],
    },
    {
      name: 'a manifest that does not exist',
      scenario: `    eks: { serviceAccount: ./k8s/nope.yaml }`,
      errors: [{ code: 'k8s-manifest-not-found', line: 7, column: 28 }],
    },
    {
      name: 'a folder',
      scenario: `    eks: { serviceAccount: ./k8s/bad }`,
      errors: [{ code: 'k8s-manifest-not-a-file', line: 7, column: 28 }],
    },
    {
      name: 'several ServiceAccounts and none chosen',
      scenario: `    eks: { serviceAccount: ./k8s/kubectl-get-sa-list.yaml }`,
      errors: [
        {
          code: 'k8s-several-service-accounts',
          line: 7,
          column: 28,
          message: /payments\/default \(line 4\), payments\/payments-api \(line 12\)/,
        },
      ],
    },
    {
      name: 'a name the manifest does not have',
      scenario: `    eks: { serviceAccount: ./k8s/kubectl-get-sa-list.yaml, name: payments-ap }`,
      errors: [{ code: 'k8s-service-account-not-found', line: 7, column: 66 }],
    },
    {
      name: 'sa.yaml is both a name and a file beside the scenario file',
      scenario: `    eks: { serviceAccount: sa.yaml, issuer: https://${CLUSTER}, namespace: payments }`,
      extra: { 'sa.yaml': 'apiVersion: v1\n' },
      errors: [{ code: 'k8s-service-account-ambiguous', line: 7, column: 28 }],
    },
    {
      name: 'name: beside a service-account name',
      scenario: `    eks: { serviceAccount: payments-api, name: payments-api, issuer: https://${CLUSTER}, namespace: payments }`,
      errors: [{ code: 'k8s-manifest-not-found', line: 7, column: 48 }],
    },
    {
      name: 'name: beside a file name that does not exist',
      scenario: `    eks: { serviceAccount: payments.yaml, name: api, issuer: https://${CLUSTER}, namespace: payments }`,
      errors: [
        {
          code: 'k8s-manifest-not-found',
          line: 7,
          column: 28,
          message: /\(looked for .*payments\.yaml\)/,
        },
      ],
    },
    {
      name: 'no serviceAccount at all: the shorthand says what it needs',
      scenario: `    eks: { issuer: https://${CLUSTER}, namespace: payments }`,
      errors: [{ code: 'missing-field', line: 7, column: 10 }],
    },
    {
      name: 'a role that cannot be loaded: only its error, no issuer error',
      scenario: `    role: { arn: '${PAYMENTS}', trustPolicy: ./missing.json }
    eks: { serviceAccount: ./k8s/kubectl-get-sa-name.yaml }`,
      errors: [{ code: 'policy-file-not-found', line: 7, column: 88 }],
    },
    {
      name: 'no issuer and a policy naming two clusters',
      scenario: `    role: { arn: '${PAYMENTS}', trustPolicy: ./two-clusters.json }
    eks: { serviceAccount: ./k8s/kubectl-get-sa-name.yaml }`,
      extra: {
        'two-clusters.json': JSON.stringify({
          Version: '2012-10-17',
          Statement: [CLUSTER, STAGING].map((c) => ({
            Effect: 'Allow',
            Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${c}` },
            Action: 'sts:AssumeRoleWithWebIdentity',
          })),
        }),
      },
      errors: [
        {
          code: 'k8s-issuer-needed',
          line: 8,
          column: 28,
          message: /names 2 EKS clusters \(oidc\.eks\.us-east-1\.amazonaws\.com\/id\/3F9B/,
        },
      ],
    },
    {
      name: 'no issuer and a policy naming no cluster',
      scenario: `    role: { arn: '${PAYMENTS}', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: Allow, Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }] } }
    eks: { serviceAccount: ./k8s/kubectl-get-sa-name.yaml }`,
      errors: [{ code: 'k8s-issuer-needed', line: 8, column: 28, message: /names no EKS/ }],
    },
  ];
  for (const row of rows) {
    const report = run(
      `${HEAD}  - name: the scenario\n${row.scenario}\n    expect: allow\n`,
      row.extra ?? {},
    );
    const order = (a: { file: string }, b: { file: string }): number =>
      a.file.localeCompare(b.file);
    t.same(
      report.errors
        .map((e) => ({
          code: e.code,
          file: e.file,
          line: e.line,
          column: e.column,
        }))
        .sort(order),
      row.errors
        .map((e) => ({
          code: e.code,
          file: e.file ?? 'a.trustspec.yaml',
          line: e.line,
          column: e.column,
        }))
        .sort(order),
      row.name,
    );
    for (const e of row.errors) {
      const found = report.errors.find((f) => f.code === e.code);
      if (e.message) t.match(found?.message, e.message, `${row.name}: message`);
    }
    t.match(
      report.results,
      [{ name: 'the scenario', ok: false, blockedBy: { file: 'a.trustspec.yaml' } }],
      `${row.name}: the scenario is not run, and names the error`,
    );
  }
});

t.test('warnings: visible, the scenario still runs', async (t) => {
  const report = run(`${HEAD}  - name: a name that looks like a missing file
    eks: { serviceAccount: payments.yaml, issuer: https://${CLUSTER}, namespace: payments }
    expect: deny
  - name: an audience written over the manifest's
    eks: { serviceAccount: ./k8s/webhook-walkthrough.yaml, audience: other, name: my-serviceaccount }
    role: { arn: 'arn:aws:iam::111122223333:role/s3-reader', trustPolicy: ./payments.trust.json }
    expect: deny
`);
  t.same(report.errors, []);
  t.match(
    report.warnings.filter((w) => w.code.startsWith('k8s-')),
    [
      {
        code: 'k8s-name-like-file',
        line: 7,
        column: 28,
        message: /taken as the service account's name/,
      },
      { code: 'k8s-audience-override', line: 10, column: 70 },
    ],
  );
  t.same(
    report.results.map((r) => r.ok),
    [true, true],
  );
});

t.test('manifest warnings are reported once per manifest', async (t) => {
  const report = run(
    `${HEAD}  - name: one
    eks: { serviceAccount: ./odd.yaml }
    expect: deny
  - name: two
    eks: { serviceAccount: ./odd.yaml }
    expect: deny
`,
    {
      'odd.yaml': `apiVersion: v1
kind: ServiceAccount
metadata:
  name: payments-api
  namespace: payments
  annotations:
    eks.amazonaws.com/role-arn: ${PAYMENTS}
    eks.amazonaws.com/token-expiration: "30"
`,
    },
  );
  t.match(
    report.warnings.filter((w) => w.code.startsWith('k8s-')),
    [{ code: 'k8s-token-expiration-raised', file: 'odd.yaml', line: 8, column: 41 }],
  );
  t.equal(report.warnings.filter((w) => w.code.startsWith('k8s-')).length, 1);
});

t.test('defaults: the manifest for every scenario', async (t) => {
  const report = run(`role:
  arn: ${PAYMENTS}
  trustPolicy: ./payments.trust.json
now: 2026-06-01T00:00:00Z
defaults:
  eks: { serviceAccount: ./k8s/kubectl-get-sa-list.yaml }
scenarios:
  - name: api
    eks: { name: payments-api }
    expect: allow
  - name: worker
    eks: { name: ledger-worker }
    expect: allow
  - name: no choice
    expect: allow
`);
  t.match(report.errors, [{ code: 'k8s-several-service-accounts', line: 6, column: 26 }]);
  t.same(
    report.results.map((r) => [r.name, r.ok]),
    [
      ['api', true],
      ['worker', false],
      ['no choice', false],
    ],
  );
  t.match(byName(report.results, 'worker')?.mismatch, /prod-east-ledger/);
});
