#!/usr/bin/env node
// Core benchmark: simulated AssumeRoleWithWebIdentity evaluations per second on one core, on a
// realistic mix (GitHub Actions, EKS IRSA, Cognito; 1–5 statements), and the IAM wildcard
// matcher's worst case. Run: npm run bench   (builds first, then runs this on dist/).
import { performance } from 'node:perf_hooks';
import { parsePolicy } from '../dist/lib/policy/parse.js';
import { compilePolicy } from '../dist/lib/sts/compile.js';
import { decide, simulate } from '../dist/lib/sts/simulate.js';
import { compileWildcard, wildcardMatch } from '../dist/lib/conditions/wildcard.js';

const ACCOUNT = '111122223333';
const GH = 'token.actions.githubusercontent.com';
const EKS = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const NOW = Date.UTC(2026, 5, 1);
const exp = NOW / 1000 + 3600;

function compile(doc) {
  const r = parsePolicy(JSON.stringify(doc));
  if (!r.ok) throw new Error(JSON.stringify(r.findings));
  const c = compilePolicy(r.policy);
  if (!c.ok) throw new Error(JSON.stringify(c.findings));
  return c;
}
const oidc = (host) => ({ Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}` });
const stmt = (principal, condition, effect = 'Allow') => ({
  Effect: effect,
  Principal: principal,
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: condition,
});

const github = (n) =>
  compile({
    Version: '2012-10-17',
    Statement: [
      stmt(oidc(GH), {
        StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
        StringLike: {
          [`${GH}:sub`]: ['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:environment:prod'],
        },
      }),
      ...Array.from({ length: n - 1 }, (_, i) =>
        stmt(
          oidc(GH),
          {
            StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
            StringLike: { [`${GH}:sub`]: `repo:acme/svc-${i}:*` },
            ...(i % 2 ? { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } } : {}),
          },
          i === 2 ? 'Deny' : 'Allow',
        ),
      ),
    ],
  });
const eks = (n) =>
  compile({
    Version: '2012-10-17',
    Statement: Array.from({ length: n }, (_, i) =>
      stmt(oidc(EKS), {
        StringEquals: {
          [`${EKS}:aud`]: 'sts.amazonaws.com',
          [`${EKS}:sub`]: `system:serviceaccount:ns${i}:sa${i}`,
        },
      }),
    ),
  });
const cognito = compile({
  Version: '2012-10-17',
  Statement: [
    stmt(
      { Federated: 'cognito-identity.amazonaws.com' },
      {
        StringEquals: {
          'cognito-identity.amazonaws.com:aud': 'us-east-1:11111111-2222-3333-4444-555555555555',
        },
        'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
      },
    ),
  ],
});

const role = (policy) => ({ arn: `arn:aws:iam::${ACCOUNT}:role/ci/deploy`, policy });
const providers = [
  { url: `https://${GH}`, clientIds: ['sts.amazonaws.com'] },
  { url: `https://${EKS}`, clientIds: ['sts.amazonaws.com'] },
];
const request = { roleSessionName: 'bench-session' };
const cases = [];
for (let n = 1; n <= 5; n++) {
  const gh = role(github(n));
  const ek = role(eks(n));
  for (const sub of [
    'repo:acme/app:ref:refs/heads/main',
    'repo:acme/app:pull_request',
    `repo:acme/svc-${n}:ref:refs/heads/x`,
  ]) {
    cases.push({
      role: gh,
      providers,
      request,
      now: NOW,
      token: { claims: { iss: `https://${GH}`, aud: 'sts.amazonaws.com', sub, exp } },
    });
  }
  for (const i of [0, n - 1, n + 3]) {
    cases.push({
      role: ek,
      providers,
      request,
      now: NOW,
      token: {
        claims: {
          iss: `https://${EKS}`,
          aud: ['sts.amazonaws.com'],
          sub: `system:serviceaccount:ns${i}:sa${i}`,
          exp,
        },
      },
    });
  }
}
for (const amr of [['authenticated', 'accounts.google.com'], ['unauthenticated']]) {
  cases.push({
    role: role(cognito),
    request,
    now: NOW,
    token: {
      claims: {
        iss: 'https://cognito-identity.amazonaws.com',
        aud: 'us-east-1:11111111-2222-3333-4444-555555555555',
        sub: 'us-east-1:abcd',
        amr,
        exp,
      },
    },
  });
}

let sink = 0;
const decisions = { allow: 0, deny: 0 };
for (const c of cases) {
  const full = simulate(c);
  const fast = decide(c);
  if (full.decision !== fast.decision || full.code !== fast.code) {
    throw new Error('decide() disagrees with simulate()');
  }
  decisions[full.decision]++;
}

/** Evaluations per second of 5 rounds of 200,000, after a warm-up, sorted. */
function rate(fn) {
  for (let i = 0; i < 20000; i++) sink += fn(cases[i % cases.length]).checks.length;
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const n = 200000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) sink += fn(cases[i % cases.length]).checks.length;
    runs.push(n / ((performance.now() - t0) / 1000));
  }
  return runs.sort((a, b) => a - b);
}
const fast = rate(decide);
const full = rate(simulate);
const fmt = (x) => Math.round(x).toLocaleString('en-US');

const pattern = compileWildcard('*a'.repeat(24) + '*b');
const value = 'a'.repeat(20000);
const w0 = performance.now();
const matched = wildcardMatch(pattern, value);
const wildcardMs = performance.now() - w0;

console.log(
  `cases in the mix: ${cases.length} (${decisions.allow} allow, ${decisions.deny} deny), 1–5 statements`,
);
console.log(
  `decide(), the decision only — evaluations/s on one core, median of 5 × 200,000: ${fmt(fast[2])} (min ${fmt(fast[0])}, max ${fmt(fast[4])})`,
);
console.log(
  `simulate(), with the full trace — evaluations/s on one core, median of 5 × 200,000: ${fmt(full[2])} (min ${fmt(full[0])}, max ${fmt(full[4])})`,
);
console.log(
  `wildcard worst case (25 '*' pattern vs 20,000 characters, no match=${!matched}): ${wildcardMs.toFixed(2)} ms`,
);
if (sink < 0) console.log(sink);
