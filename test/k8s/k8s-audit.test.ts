/**
 * Cases added by the December 2026 mutation audit (docs/test-audit-2026-12.md) for ServiceAccount
 * manifests and the eks shorthand that reads them: each fails with a deliberate bug the other k8s
 * tests let through. Sources:
 * - Go `strconv.ParseBool` accepts 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False (Go
 *   standard library documentation); the webhook parses sts-regional-endpoints with it;
 * - names: a ServiceAccount name is a DNS-1123 subdomain of at most 253 characters, a namespace a
 *   DNS-1123 label of at most 63 (Kubernetes documentation, "Object Names and IDs");
 * - the token lifetime is raised to 600 s only below 600 (amazon-eks-pod-identity-webhook,
 *   pkg/validation.go `ValidateMinTokenExpiration`);
 * - the API server lists ServiceAccounts as `kind: ServiceAccountList` (GET
 *   /api/v1/namespaces/NS/serviceaccounts); kubectl prints `kind: List`.
 */
import t from 'tap';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goParseBool, parseServiceAccountManifest } from '../../lib/sources/k8s-service-account.js';
import { loadAndRun, loadScenarioFile } from '../../lib/scenarios/index.js';

const PAYMENTS = 'arn:aws:iam::111122223333:role/eks/prod-east-payments';
const CLUSTER = 'oidc.eks.us-east-1.amazonaws.com/id/7C1E5A3B9D2F4E6A8B0C2D4E6F8A0B1C';
const NOW = Date.UTC(2026, 5, 1);
const FIXTURES = fileURLToPath(new URL('../fixtures/k8s/', import.meta.url));
const POLICY = fileURLToPath(
  new URL('../../spec-examples/eks-irsa/payments.trust.json', import.meta.url),
);

const sa = (meta: string): string => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n${meta}`;
const annotated = (line: string): string =>
  sa(
    `  name: api\n  namespace: web\n  annotations:\n    eks.amazonaws.com/role-arn: ${PAYMENTS}\n    ${line}\n`,
  );

t.test('token-expiration at and around the webhook minimum', async (t) => {
  const rows: [string, number, string[]][] = [
    ['599', 600, ['k8s-token-expiration-raised']],
    ['600', 600, []],
    ['601', 601, []],
    ['0', 600, ['k8s-token-expiration-raised']],
    ['-1', 600, ['k8s-token-expiration-raised']],
    ['1h', 86400, ['k8s-token-expiration-ignored']],
  ];
  for (const [value, lifetime, codes] of rows) {
    const m = parseServiceAccountManifest(
      annotated(`eks.amazonaws.com/token-expiration: "${value}"`),
    );
    t.equal(m.accounts[0]?.tokenExpiration, lifetime, `${value}: lifetime`);
    t.same(
      m.findings.map((f) => f.code),
      codes,
      `${value}: findings`,
    );
  }
});

t.test('Go ParseBool: every spelling it takes, and near misses', async (t) => {
  const rows: [string, boolean | undefined][] = [
    ['1', true],
    ['t', true],
    ['T', true],
    ['TRUE', true],
    ['true', true],
    ['True', true],
    ['0', false],
    ['f', false],
    ['F', false],
    ['FALSE', false],
    ['false', false],
    ['False', false],
    ['tRUE', undefined],
    ['yes', undefined],
    [' true', undefined],
    ['', undefined],
  ];
  for (const [s, want] of rows) t.equal(goParseBool(s), want, JSON.stringify(s));
  const m = parseServiceAccountManifest(
    annotated('eks.amazonaws.com/sts-regional-endpoints: "True"'),
  );
  t.equal(m.accounts[0]?.regionalSts, true);
  t.same(m.findings, []);
});

t.test('names and namespaces at their length limits', async (t) => {
  const label = (n: number): string => 'a'.repeat(n);
  const rows: [string, string, string, string | undefined][] = [
    ['a name of 253', label(253), 'web', undefined],
    ['a name of 254', label(254), 'web', 'k8s-bad-name'],
    ['a dotted name of 253', `${label(126)}.${label(126)}`, 'web', undefined],
    ['a namespace of 63', 'api', label(63), undefined],
    ['a namespace of 64', 'api', label(64), 'k8s-bad-namespace'],
  ];
  for (const [name, n, ns, code] of rows) {
    const m = parseServiceAccountManifest(sa(`  name: ${n}\n  namespace: ${ns}\n`));
    t.same(
      m.findings.map((f) => f.code),
      code ? [code] : [],
      name,
    );
    if (!code) t.equal(m.accounts[0]?.name, n, `${name}: read`);
  }
});

t.test('the API server’s ServiceAccountList is read like kubectl’s List', async (t) => {
  for (const kind of ['List', 'ServiceAccountList']) {
    const m = parseServiceAccountManifest(`apiVersion: v1
kind: ${kind}
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata: { name: api, namespace: web }
  - apiVersion: v1
    kind: ServiceAccount
    metadata: { name: worker, namespace: web }
`);
    t.same(m.findings, [], kind);
    t.same(
      m.accounts.map((a) => a.name),
      ['api', 'worker'],
      kind,
    );
  }
});

/** A scenario file beside the payments policy and the k8s fixtures. */
function folder(yaml: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'trustspec-k8s-audit-'));
  cpSync(POLICY, join(dir, 'payments.trust.json'));
  cpSync(FIXTURES, join(dir, 'k8s'), { recursive: true });
  writeFileSync(join(dir, 'a.trustspec.yaml'), yaml);
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);
  return dir;
}

const HEAD = `role:
  arn: ${PAYMENTS}
  trustPolicy: ./payments.trust.json
now: 2026-06-01T00:00:00Z
scenarios:
`;

t.test('an audience written in the scenario warns only over an annotated one', async (t) => {
  const annotatedAud = sa(
    `  name: payments-api\n  namespace: payments\n  annotations:\n    eks.amazonaws.com/role-arn: ${PAYMENTS}\n    eks.amazonaws.com/audience: custom\n`,
  );
  const rows: [string, string, string, boolean][] = [
    ['no annotation, an audience written', './k8s/kubectl-get-sa-name.yaml', 'other', false],
    ['annotated, the same audience written', './annotated.yaml', 'custom', false],
    ['annotated, another audience written', './annotated.yaml', 'other', true],
  ];
  for (const [name, file, aud, warns] of rows) {
    const dir = folder(
      `${HEAD}  - name: s
    eks: { serviceAccount: ${file}, audience: ${aud} }
    expect: deny
`,
      { 'annotated.yaml': annotatedAud },
    );
    const report = loadAndRun(['a.trustspec.yaml'], {
      cwd: dir,
      defaultNow: NOW,
      diagnose: () => [],
    });
    t.same(report.errors, [], `${name}: no errors`);
    t.equal(
      report.warnings.some((w) => w.code === 'k8s-audience-override'),
      warns,
      name,
    );
  }
});

t.test('the issuer is said to come from the policy only when it does', async (t) => {
  const dir = folder(`${HEAD}  - name: written
    eks: { serviceAccount: ./k8s/kubectl-get-sa-name.yaml, issuer: https://${CLUSTER} }
    expect: allow
  - name: from the policy
    eks: { serviceAccount: ./k8s/kubectl-get-sa-name.yaml }
    expect: allow
`);
  const loaded = loadScenarioFile('a.trustspec.yaml', { cwd: dir, defaultNow: NOW });
  t.same(loaded.errors, []);
  t.equal(loaded.scenarios[0]?.serviceAccount?.issuerFromPolicy, undefined, 'written');
  t.equal(
    loaded.scenarios[1]?.serviceAccount?.issuerFromPolicy,
    `https://${CLUSTER}`,
    'from the policy',
  );
});
