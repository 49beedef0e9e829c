#!/usr/bin/env node
// Core benchmark: simulated AssumeRoleWithWebIdentity evaluations per second on one core, on a
// realistic mix (GitHub Actions, EKS IRSA, GitLab, Cognito; 1–5 statements); the cost of
// decide() against the trust-policy evaluation alone on the same inputs; and the IAM wildcard
// matcher's worst case. Run: npm run bench   (builds first, then runs this on dist/).
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { parsePolicy } from '../dist/lib/policy/parse.js';
import { compilePolicy } from '../dist/lib/sts/compile.js';
import { decide, simulate } from '../dist/lib/sts/simulate.js';
import { Recorder } from '../dist/lib/sts/trace.js';
import { requestStage } from '../dist/lib/sts/stages/request.js';
import { tokenStage } from '../dist/lib/sts/stages/token.js';
import { makeContext } from '../dist/lib/conditions/context.js';
import { authorize, requiredActions } from '../dist/lib/sts/stages/policy.js';
import { compileWildcard, wildcardMatch } from '../dist/lib/conditions/wildcard.js';

const ACCOUNT = '111122223333';
const GH = 'token.actions.githubusercontent.com';
const EKS = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const GL = 'gitlab.com';
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
const gitlab = (n) =>
  compile({
    Version: '2012-10-17',
    Statement: Array.from({ length: n }, (_, i) =>
      stmt(oidc(GL), {
        StringEquals: { [`${GL}:aud`]: 'https://gitlab.com' },
        StringLike: { [`${GL}:sub`]: `project_path:acme/app${i}:ref_type:branch:ref:*` },
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
  { url: `https://${GL}`, clientIds: ['https://gitlab.com'] },
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
  const gl = role(gitlab(n));
  for (const i of [0, n - 1, n + 3]) {
    cases.push({
      role: gl,
      providers,
      request,
      now: NOW,
      token: {
        claims: {
          iss: `https://${GL}`,
          aud: 'https://gitlab.com',
          sub: `project_path:acme/app${i}:ref_type:branch:ref:main`,
          exp,
        },
      },
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

/**
 * Each case prepared up to the trust policy: the caller, the required actions and the request
 * context, as the pipeline builds them. `authorize()` on these is the policy evaluation alone.
 */
const prepared = cases.map((c) => {
  const rec = new Recorder(false);
  const req = requestStage(c, rec);
  if (!req.ok) throw new Error('bench case refused at the request stage');
  const tok = tokenStage(c, rec, req.role);
  if (!tok.ok) throw new Error('bench case refused at the token stage');
  // The context as a plain map of every key the request has (what simulate() lists).
  const ctx = makeContext(simulate(c).context);
  return {
    statements: c.role.policy.statements,
    caller: tok.facts.caller,
    required: requiredActions(tok.facts),
    ctx,
  };
});
const policyOnly = (i) => {
  const p = prepared[i];
  return authorize(p.statements, p.caller, p.required, p.ctx, null).length;
};

const ROUNDS = 11;
const N = 100000;
/** Process CPU time in ms: unlike wall time, it does not grow while other processes hold the CPU. */
function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
/**
 * Nanoseconds of CPU time per call, one entry per round; the functions' rounds are interleaved,
 * so that a burst of load elsewhere spreads over all of them.
 */
function measure(fns) {
  const out = fns.map(() => []);
  for (const fn of fns) for (let i = 0; i < 20000; i++) sink += fn(i % cases.length);
  for (let r = 0; r < ROUNDS; r++) {
    fns.forEach((fn, k) => {
      const t0 = cpuMs();
      for (let i = 0; i < N; i++) sink += fn(i % cases.length);
      out[k].push(((cpuMs() - t0) * 1e6) / N);
    });
  }
  return out.map((xs) => xs.sort((a, b) => a - b));
}
const median = (xs) => xs[Math.floor(xs.length / 2)];
const [decideNs, policyNs, simulateNs] = measure([
  (i) => decide(cases[i]).checks.length,
  policyOnly,
  (i) => simulate(cases[i]).checks.length,
]);
const ratios = decideNs.map((d, r) => d / policyNs[r]).sort((a, b) => a - b);

/**
 * Bytes allocated per call, garbage included, by V8's sampling heap profiler (one sample per 256
 * bytes on average): unlike time, it hardly moves with the machine's load, so it shows what a
 * change saved when the timings are too noisy to.
 */
async function allocatedPerCall(fn, n = 100000) {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 256,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  for (let i = 0; i < n; i++) sink += fn(i % cases.length);
  const { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  let total = 0;
  const walk = (node) => {
    total += node.selfSize;
    for (const c of node.children) walk(c);
  };
  walk(profile.head);
  return total / n;
}
const [decideBytes, policyBytes] = [
  await allocatedPerCall((i) => decide(cases[i]).checks.length),
  await allocatedPerCall(policyOnly),
];
const fmt = (x) => Math.round(x).toLocaleString('en-US');
const perSec = (ns) => fmt(1e9 / ns);

const pattern = compileWildcard('*a'.repeat(24) + '*b');
const value = 'a'.repeat(20000);
const w0 = performance.now();
const matched = wildcardMatch(pattern, value);
const wildcardMs = performance.now() - w0;

console.log(
  `cases in the mix: ${cases.length} (${decisions.allow} allow, ${decisions.deny} deny), 1–5 statements`,
);
const span = (ns) => `${perSec(median(ns))}/s (${perSec(ns[ns.length - 1])}–${perSec(ns[0])})`;
console.log(
  `rounds: ${ROUNDS} × ${fmt(N)} per function, interleaved; CPU time; medians, range in brackets`,
);
console.log(
  `decide(), the decision only: ${span(decideNs)}, ${median(decideNs).toFixed(0)} ns each`,
);
console.log(
  `trust policy alone (authorize): ${span(policyNs)}, ${median(policyNs).toFixed(0)} ns each`,
);
console.log(
  `simulate(), with the full trace: ${span(simulateNs)}, ${median(simulateNs).toFixed(0)} ns each`,
);
console.log(
  `decide() / trust policy alone: ${median(ratios).toFixed(2)}× (rounds ${ratios[0].toFixed(2)}–${ratios[ratios.length - 1].toFixed(2)}; aim ≤ 1.5×)`,
);
console.log(
  `allocated per call: decide() ${fmt(decideBytes)} bytes, trust policy alone ${fmt(policyBytes)} bytes (sampled, garbage included)`,
);
console.log(
  `wildcard worst case (25 '*' pattern vs 20,000 characters, no match=${!matched}): ${wildcardMs.toFixed(2)} ms`,
);
if (sink < 0) console.log(sink);
