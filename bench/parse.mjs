#!/usr/bin/env node
// Parse/compile benchmark: microseconds per trust policy for parsePolicy (from JSON text and from
// an already-parsed object), compilePolicy, and parse + compile, on a realistic mix (GitHub
// Actions, EKS IRSA, Cognito, GitLab; 1–5 statements; some Deny statements). Each figure is the
// median of several timed rounds. Run on the build:  npm run build && node bench/parse.mjs
// JSON.parse of the same text is timed too, as a yardstick of the machine's speed at the time.
// Options: --rounds N (default 9), --ms N (minimum milliseconds per round, default 40).
import { performance } from 'node:perf_hooks';
import { parsePolicy } from '../dist/lib/policy/parse.js';
import { compilePolicy } from '../dist/lib/sts/compile.js';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const ROUNDS = option('rounds', 9);
const ROUND_MS = option('ms', 40);

const ACCOUNT = '111122223333';
const GH = 'token.actions.githubusercontent.com';
const EKS = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const GL = 'gitlab.com';
const COGNITO = 'cognito-identity.amazonaws.com';
const oidc = (host) => ({ Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}` });
const stmt = (sid, effect, principal, condition, action = 'sts:AssumeRoleWithWebIdentity') => ({
  Sid: sid,
  Effect: effect,
  Principal: principal,
  Action: action,
  Condition: condition,
});
const policy = (...statements) => ({ Version: '2012-10-17', Statement: statements });

function github(n) {
  const out = [
    stmt('GitHubDeployMain', 'Allow', oidc(GH), {
      StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
      StringLike: {
        [`${GH}:sub`]: [
          'repo:acme/payments:ref:refs/heads/main',
          'repo:acme/payments:environment:production',
        ],
      },
    }),
  ];
  for (let i = 1; i < n; i++) {
    if (i === 2) {
      out.push(
        stmt('DenyPullRequests', 'Deny', oidc(GH), {
          StringLike: { [`${GH}:sub`]: 'repo:acme/*:pull_request' },
        }),
      );
      continue;
    }
    out.push(
      stmt(
        `Service${i}`,
        'Allow',
        oidc(GH),
        {
          StringEquals: {
            [`${GH}:aud`]: 'sts.amazonaws.com',
            ...(i % 2 ? { [`${GH}:repository_owner_id`]: '1234567' } : {}),
          },
          StringLike: { [`${GH}:sub`]: `repo:acme/service-${i}:ref:refs/heads/*` },
        },
        i % 2 ? ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'] : undefined,
      ),
    );
  }
  return policy(...out);
}

function eks(n) {
  return policy(
    ...Array.from({ length: n }, (_, i) =>
      stmt(`Irsa${i}`, 'Allow', oidc(EKS.replace('EXAMPLE', `EXAMPLE${i}`)), {
        StringEquals: {
          [`${EKS}:aud`]: 'sts.amazonaws.com',
          [`${EKS}:sub`]: `system:serviceaccount:payments:payments-api-${i}`,
        },
      }),
    ),
  );
}

function cognito(n) {
  const out = [
    stmt(
      'CognitoAuthenticated',
      'Allow',
      { Federated: COGNITO },
      {
        StringEquals: { [`${COGNITO}:aud`]: 'us-east-1:12345678-abcd-4321-abcd-1234567890ab' },
        'ForAnyValue:StringLike': { [`${COGNITO}:amr`]: 'authenticated' },
      },
    ),
  ];
  for (let i = 1; i < n; i++) {
    out.push(
      stmt(
        i % 2 ? 'DenyUnauthenticated' : `CognitoPool${i}`,
        i % 2 ? 'Deny' : 'Allow',
        { Federated: COGNITO },
        {
          StringEquals: { [`${COGNITO}:aud`]: `us-east-1:12345678-abcd-4321-abcd-12345678900${i}` },
          'ForAnyValue:StringLike': {
            [`${COGNITO}:amr`]: i % 2 ? 'unauthenticated' : ['authenticated', 'cognito-idp.*'],
          },
        },
      ),
    );
  }
  return policy(...out);
}

function gitlab(n) {
  return policy(
    ...Array.from({ length: n }, (_, i) =>
      stmt(i === 1 ? 'DenyFeatureBranches' : `GitLab${i}`, i === 1 ? 'Deny' : 'Allow', oidc(GL), {
        StringEquals: { [`${GL}:aud`]: `https://${GL}` },
        StringLike: {
          [`${GL}:sub`]:
            i === 1
              ? 'project_path:acme/*:ref_type:branch:ref:feature/*'
              : `project_path:acme/group-${i}/*:ref_type:branch:ref:main`,
        },
      }),
    ),
  );
}

// Every policy fits IAM's default trust-policy quota of 2,048 characters (checked below).
const MIX = [
  ['github-1', github(1)],
  ['github-3', github(3)],
  ['github-5', github(5)],
  ['eks-1', eks(1)],
  ['eks-2', eks(2)],
  ['cognito-1', cognito(1)],
  ['cognito-3', cognito(3)],
  ['gitlab-2', gitlab(2)],
  ['gitlab-4', gitlab(4)],
];

// Before parsePolicy took objects, the object figure falls back to JSON.stringify + parse.
let objectMode = 'direct';
function parseObject(doc) {
  if (objectMode === 'direct') return parsePolicy(doc);
  return parsePolicy(JSON.stringify(doc));
}
{
  let r;
  try {
    r = parsePolicy(MIX[0][1]);
  } catch {
    r = { ok: false };
  }
  if (!r.ok) objectMode = 'via JSON.stringify';
}

let sink = 0;
/** Process CPU time in µs: unlike wall time, it does not grow while other processes hold the CPU. */
function cpu() {
  const u = process.cpuUsage();
  return u.user + u.system;
}
/**
 * Every (policy, measure) cell is timed once per round, rounds one after the other, so that a
 * burst of load elsewhere spreads over all cells instead of spoiling one; each figure is the
 * median over the rounds of µs per call, as CPU time and as wall time (on a loaded machine the
 * wall figure also counts the time spent waiting for a core).
 */
function calibrate(fn) {
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) sink += fn();
    if (performance.now() - t0 >= ROUND_MS / 4) return n * 4;
    n *= 2;
  }
}

const cases = MIX.map(([name, doc]) => {
  const text = JSON.stringify(doc, null, 2);
  const parsed = parsePolicy(text);
  if (!parsed.ok) throw new Error(`${name}: ${JSON.stringify(parsed.findings)}`);
  const compiled = compilePolicy(parsed.policy);
  if (!compiled.ok) throw new Error(`${name}: ${JSON.stringify(compiled.findings)}`);
  if (parsed.findings.some((f) => f.code === 'policy-size-quota'))
    throw new Error(`${name} is over the default quota: not a realistic policy`);
  return { name, doc, text, policy: parsed.policy };
});
// Warm up: let the JIT settle on every path before anything is timed.
for (const end = performance.now() + 1500; performance.now() < end;) {
  for (const c of cases) {
    sink += parsePolicy(c.text).findings.length + parseObject(c.doc).findings.length;
    sink += compilePolicy(c.policy).statements.length;
  }
}

const MEASURES = {
  text: (c) => () => parsePolicy(c.text).findings.length,
  object: (c) => () => parseObject(c.doc).findings.length,
  compile: (c) => () => compilePolicy(c.policy).statements.length,
  both: (c) => () => {
    const r = parsePolicy(c.text);
    return r.ok ? compilePolicy(r.policy).statements.length : 0;
  },
  json: (c) => () => (JSON.parse(c.text).Statement ? 1 : 0),
};
const cells = [];
for (const c of cases) {
  for (const [measure, make] of Object.entries(MEASURES)) {
    const fn = make(c);
    cells.push({ name: c.name, measure, fn, n: calibrate(fn), cpu: [], wall: [] });
  }
}
for (let r = 0; r < ROUNDS; r++) {
  for (const cell of cells) {
    const { fn, n } = cell;
    const c0 = cpu();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) sink += fn();
    cell.wall.push(((performance.now() - t0) * 1000) / n);
    cell.cpu.push((cpu() - c0) / n);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const rows = cases.map((c) => {
  const row = { name: c.name, statements: c.policy.statements.length, bytes: c.text.length };
  for (const cell of cells.filter((x) => x.name === c.name)) {
    row[cell.measure] = { cpu: median(cell.cpu), wall: median(cell.wall) };
  }
  return row;
});

const f = (x) => x.cpu.toFixed(1).padStart(7);
console.log(
  `parse/compile µs of CPU time per policy (median of ${ROUNDS} rounds; object parse ${objectMode})`,
);
console.log(
  'policy       stmts  bytes  parse(text) parse(obj)  compile  parse+compile  (wall)  JSON.parse',
);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(12)} ${String(r.statements).padStart(5)} ${String(r.bytes).padStart(6)}  ${f(r.text)}     ${f(r.object)}   ${f(r.compile)}  ${f(r.both)}   ${r.both.wall.toFixed(1).padStart(8)}  ${f(r.json)}`,
  );
}
const pick = (k, m) => rows.map((r) => r[k][m]).sort((a, b) => a - b);
const mid = (k, m = 'cpu') => pick(k, m)[rows.length >> 1].toFixed(1);
const max = (k, m = 'cpu') => pick(k, m)[rows.length - 1].toFixed(1);
if (sink === -1) console.log('');
console.log(
  `summary: parse+compile median ${mid('both')} µs, max ${max('both')} µs CPU ` +
    `(parse text ${mid('text')}, parse object ${mid('object')}, compile ${mid('compile')}; ` +
    `wall median ${mid('both', 'wall')}, max ${max('both', 'wall')}; JSON.parse of the same texts ${mid('json')}) ` +
    `over ${rows.length} policies of 1–5 statements`,
);
