#!/usr/bin/env node
// Parse/compile benchmark: microseconds per trust policy for parsePolicy (from JSON text and from
// an already-parsed object), compilePolicy, and parse + compile, on a realistic mix (GitHub
// Actions, EKS IRSA, Cognito, GitLab; 1–5 statements; some Deny statements). Each figure is the
// median of several timed rounds. Run on the build:  npm run build && node bench/parse.mjs
// JSON.parse of the same text is timed too, as a yardstick of the machine's speed at the time,
// and so is one charCodeAt pass over the text (counting white space, as the size check must): a
// floor for any parser written in JavaScript that reads the text character by character.
// Options: --rounds N (default 9), --ms N (minimum milliseconds per cell, default 40),
// --compare DIR (also time the build in DIR/dist, e.g. a checkout of an older commit, in the same
// process, cell by cell with this one, so that both see the same machine).
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const ROUNDS = Number(option('rounds', 9));
const ROUND_MS = Number(option('ms', 40));

async function loadBuild(label, dist) {
  const url = (p) => pathToFileURL(resolve(dist, p)).href;
  const { parsePolicy } = await import(url('lib/policy/parse.js'));
  const { compilePolicy } = await import(url('lib/sts/compile.js'));
  return { label, parsePolicy, compilePolicy };
}
const builds = [await loadBuild('this build', new URL('../dist/', import.meta.url).pathname)];
const compare = option('compare', undefined);
if (compare) builds.push(await loadBuild(`${compare}`, resolve(compare, 'dist')));

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

let sink = 0;

/** One pass over the text, reading each character once: the floor of a character-level parser. */
function whiteSpace(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) n++;
  }
  return n;
}
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
  const parsed = builds[0].parsePolicy(text);
  if (!parsed.ok) throw new Error(`${name}: ${JSON.stringify(parsed.findings)}`);
  if (!builds[0].compilePolicy(parsed.policy).ok) throw new Error(`${name} does not compile`);
  if (parsed.findings.some((f) => f.code === 'policy-size-quota'))
    throw new Error(`${name} is over the default quota: not a realistic policy`);
  return { name, doc, text, statements: parsed.policy.statements.length };
});

// Before parsePolicy took objects, the object figure falls back to JSON.stringify + parse.
for (const b of builds) {
  let direct;
  try {
    direct = b.parsePolicy(MIX[0][1]).ok === true;
  } catch {
    direct = false;
  }
  b.objectMode = direct ? 'direct' : 'via JSON.stringify';
  b.parseObject = direct
    ? (doc) => b.parsePolicy(doc)
    : (doc) => b.parsePolicy(JSON.stringify(doc));
  b.policies = new Map(cases.map((c) => [c.name, b.parsePolicy(c.text).policy]));
}

// Warm up: let the JIT settle on every path before anything is timed.
for (const end = performance.now() + 1500 * builds.length; performance.now() < end;) {
  for (const b of builds) {
    for (const c of cases) {
      sink += b.parsePolicy(c.text).findings.length + b.parseObject(c.doc).findings.length;
      sink += b.compilePolicy(b.policies.get(c.name)).statements.length;
    }
  }
}

const MEASURES = {
  text: (b, c) => () => b.parsePolicy(c.text).findings.length,
  object: (b, c) => () => b.parseObject(c.doc).findings.length,
  compile: (b, c) => () => b.compilePolicy(b.policies.get(c.name)).statements.length,
  both: (b, c) => () => {
    const r = b.parsePolicy(c.text);
    return r.ok ? b.compilePolicy(r.policy).statements.length : 0;
  },
  json: (_b, c) => () => (JSON.parse(c.text).Statement ? 1 : 0),
  scan: (_b, c) => () => whiteSpace(c.text),
};
const cells = [];
for (const c of cases) {
  for (const b of builds) {
    for (const [measure, make] of Object.entries(MEASURES)) {
      const fn = make(b, c);
      cells.push({ build: b, name: c.name, measure, fn, n: calibrate(fn), cpu: [], wall: [] });
    }
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

const f = (x) => x.cpu.toFixed(1).padStart(7);
if (sink === -1) console.log('');
for (const b of builds) {
  const rows = cases.map((c) => {
    const row = { name: c.name, statements: c.statements, bytes: c.text.length };
    for (const cell of cells.filter((x) => x.build === b && x.name === c.name)) {
      row[cell.measure] = { cpu: median(cell.cpu), wall: median(cell.wall) };
    }
    return row;
  });
  console.log(
    `${b.label}: parse/compile µs of CPU time per policy (median of ${ROUNDS} rounds; object parse ${b.objectMode})`,
  );
  console.log(
    'policy       stmts  bytes  parse(text) parse(obj)  compile  parse+compile  (wall)  JSON.parse  char scan',
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(12)} ${String(r.statements).padStart(5)} ${String(r.bytes).padStart(6)}  ${f(r.text)}     ${f(r.object)}   ${f(r.compile)}  ${f(r.both)}   ${r.both.wall.toFixed(1).padStart(8)}  ${f(r.json)}     ${f(r.scan)}`,
    );
  }
  const pick = (k, m) => rows.map((r) => r[k][m]).sort((x, y) => x - y);
  const mid = (k, m = 'cpu') => pick(k, m)[rows.length >> 1].toFixed(1);
  const max = (k, m = 'cpu') => pick(k, m)[rows.length - 1].toFixed(1);
  console.log(
    `summary (${b.label}): parse+compile median ${mid('both')} µs, max ${max('both')} µs CPU ` +
      `(parse text ${mid('text')}, parse object ${mid('object')}, compile ${mid('compile')}; ` +
      `wall median ${mid('both', 'wall')}, max ${max('both', 'wall')}; JSON.parse of the same texts ${mid('json')}, ` +
      `one character pass ${mid('scan')}) ` +
      `over ${rows.length} policies of 1–5 statements`,
  );
}
