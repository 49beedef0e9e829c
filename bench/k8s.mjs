#!/usr/bin/env node
// ServiceAccount manifests: milliseconds to read a `kubectl get serviceaccounts -A -o yaml` of a
// large cluster (a kind: List of N accounts, each with the fields kubectl prints and an IRSA
// annotation), and to load and run a scenario file whose matrix picks M of them by name from
// that manifest (the manifest is read once per scenario file). Medians of --rounds (default 7) of
// the CPU time of this process (user + system), which a machine shared with other work inflates
// less than the wall clock.
// Run on the build:  npm run build && node bench/k8s.mjs [--accounts 5000] [--scenarios 500]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const ROUNDS = option('rounds', 7);
const ACCOUNTS = option('accounts', 5000);
const SCENARIOS = option('scenarios', 500);

const dist = new URL('../dist/', import.meta.url);
const { parseServiceAccountManifest } = await import(
  new URL('lib/sources/k8s-service-account.js', dist).href
);
const { loadAndRun } = await import(new URL('lib/scenarios/index.js', dist).href);

const CLUSTER = 'oidc.eks.us-east-1.amazonaws.com/id/7C1E5A3B9D2F4E6A8B0C2D4E6F8A0B1C';
const ROLE = 'arn:aws:iam::111122223333:role/eks/bench';

function manifest(n) {
  const items = [];
  for (let i = 0; i < n; i++) {
    items.push(`- apiVersion: v1
  kind: ServiceAccount
  metadata:
    annotations:
      eks.amazonaws.com/role-arn: ${ROLE}
      eks.amazonaws.com/token-expiration: "3600"
    creationTimestamp: "2026-03-02T09:20:07Z"
    name: sa-${i}
    namespace: ns-${i % 40}
    resourceVersion: "${1000 + i}"
    uid: 0d7f3b9e-21c4-4c55-8f0a-${String(i).padStart(12, '0')}`);
  }
  return `apiVersion: v1\nitems:\n${items.join('\n')}\nkind: List\nmetadata:\n  resourceVersion: ""\n`;
}

/** CPU milliseconds of this process so far. */
function cpu() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function median(list) {
  const s = [...list].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const text = manifest(ACCOUNTS);
const parse = [];
for (let r = 0; r < ROUNDS; r++) {
  const t0 = cpu();
  const m = parseServiceAccountManifest(text);
  parse.push(cpu() - t0);
  if (m.accounts.length !== ACCOUNTS || m.findings.length > 0) throw new Error('bad manifest');
}

const dir = mkdtempSync(join(tmpdir(), 'trustspec-bench-k8s-'));
writeFileSync(join(dir, 'sa.yaml'), text);
writeFileSync(
  join(dir, 'policy.json'),
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${CLUSTER}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringLike: { [`${CLUSTER}:sub`]: 'system:serviceaccount:ns-*:sa-*' } },
      },
    ],
  }),
);
const names = Array.from({ length: SCENARIOS }, (_, i) => `sa-${(i * 7) % ACCOUNTS}`);
writeFileSync(
  join(dir, 'bench.trustspec.yaml'),
  `role: { arn: '${ROLE}', trustPolicy: ./policy.json }
now: 2026-06-01T00:00:00Z
scenarios:
  - name: '\${{ matrix.sa }}'
    matrix: { sa: [${names.join(', ')}] }
    eks: { serviceAccount: ./sa.yaml, name: '\${{ matrix.sa }}' }
    expect: allow
`,
);
const run = [];
for (let r = 0; r < ROUNDS; r++) {
  const t0 = cpu();
  const report = loadAndRun(['bench.trustspec.yaml'], { cwd: dir, trace: 'failures' });
  run.push(cpu() - t0);
  if (report.errors.length > 0 || report.results.some((x) => !x.ok)) throw new Error('bad run');
}
rmSync(dir, { recursive: true, force: true });

console.log(
  `manifest of ${ACCOUNTS} ServiceAccounts (${(text.length / 1e6).toFixed(2)} MB): parse ${median(parse).toFixed(1)} ms`,
);
console.log(
  `${SCENARIOS} scenarios picking accounts from it: load + run ${median(run).toFixed(1)} ms (${((median(run) / SCENARIOS) * 1000).toFixed(0)} µs a scenario, the manifest read once)`,
);
