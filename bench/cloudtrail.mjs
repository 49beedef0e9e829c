#!/usr/bin/env node
// CloudTrail benchmark: microseconds per event to read a trail log file ({"Records": [...]}) and
// the output of `aws cloudtrail lookup-events` (each event an embedded JSON string), and to replay
// each recorded AssumeRoleWithWebIdentity call against a policy (simulate + compare). The events
// are a mix of GitHub Actions, EKS and Cognito calls, allowed and AccessDenied, with one event of
// another API in ten. Each figure is the median of several timed rounds.
// Run on the build:  npm run build && node bench/cloudtrail.mjs [--events N] [--rounds N]
import { performance } from 'node:perf_hooks';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const EVENTS = Number(option('events', 5000));
const ROUNDS = Number(option('rounds', 7));

const dist = new URL('../dist/', import.meta.url);
const { readCloudTrail } = await import(new URL('lib/explain/cloudtrail.js', dist));
const { replayInput, compareOutcome, replayOutcome } = await import(
  new URL('lib/explain/cloudtrail-replay.js', dist)
);
const { simulate } = await import(new URL('lib/sts/simulate.js', dist));
const { parsePolicy } = await import(new URL('lib/policy/parse.js', dist));
const { compilePolicy } = await import(new URL('lib/sts/compile.js', dist));

const A = '111122223333';
const GH = 'token.actions.githubusercontent.com';
const EKS = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const GH_ARN = `arn:aws:iam::${A}:oidc-provider/${GH}`;
const EKS_ARN = `arn:aws:iam::${A}:oidc-provider/${EKS}`;
const ROLE = `arn:aws:iam::${A}:role/deploy/ci`;

function event(i) {
  if (i % 10 === 9)
    return {
      eventName: 'GetCallerIdentity',
      eventSource: 'sts.amazonaws.com',
      eventTime: '2026-05-20T09:00:00Z',
    };
  const kind = i % 3;
  const [provider, aud, sub] =
    kind === 0
      ? [
          GH_ARN,
          'sts.amazonaws.com',
          i % 2 ? `repo:acme/app:ref:refs/heads/main` : `repo:acme/app${i}:pull_request`,
        ]
      : kind === 1
        ? [EKS_ARN, 'sts.amazonaws.com', `system:serviceaccount:ns${i % 7}:api`]
        : [
            'cognito-identity.amazonaws.com',
            'us-east-1:11111111-2222-3333-4444-555555555555',
            `us-east-1:aaaaaaaa-bbbb-cccc-dddd-${String(i).padStart(12, '0')}`,
          ];
  // Recorded as the policy below decides: the bench replays the policy that ran.
  const denied = kind === 0 ? i % 2 === 0 : kind === 1 ? i % 7 !== 1 : true;
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'WebIdentityUser',
      principalId: `${provider}:${aud}:${sub}`,
      userName: sub,
      identityProvider: provider,
    },
    eventTime: '2026-05-20T09:00:00Z',
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRoleWithWebIdentity',
    awsRegion: 'us-east-1',
    ...(denied ? { errorCode: 'AccessDenied', errorMessage: 'An unknown error occurred' } : {}),
    requestParameters: { roleArn: ROLE, roleSessionName: `s${i}`, durationSeconds: 3600 },
    responseElements: denied ? null : { subjectFromWebIdentityToken: sub, audience: aud, provider },
    eventID: `e${i}`,
  };
}

const events = Array.from({ length: EVENTS }, (_, i) => event(i));
const trail = JSON.stringify({ Records: events }, null, 2);
const lookup = JSON.stringify(
  { Events: events.map((e) => ({ EventId: e.eventID, CloudTrailEvent: JSON.stringify(e) })) },
  null,
  2,
);
const policy = compilePolicy(
  parsePolicy(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: GH_ARN },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
            StringLike: { [`${GH}:sub`]: 'repo:acme/app:ref:refs/heads/*' },
          },
        },
        {
          Effect: 'Allow',
          Principal: { Federated: EKS_ARN },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${EKS}:sub`]: 'system:serviceaccount:ns1:api' } },
        },
      ],
    }),
  ).policy,
);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn) {
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    fn();
    rounds.push(performance.now() - t0);
  }
  return median(rounds);
}

const read = readCloudTrail(trail);
if (read.errors.length > 0) throw new Error(read.errors[0].message);
const calls = read.calls;
const rows = [
  ['JSON.parse of the trail (floor)', time(() => JSON.parse(trail)), EVENTS],
  ['read a trail file', time(() => readCloudTrail(trail)), EVENTS],
  ['read lookup-events output', time(() => readCloudTrail(lookup)), EVENTS],
  [
    'replay + compare (from-cloudtrail)',
    time(() => {
      for (const c of calls) replayOutcome(c, policy, { now: 0 });
    }),
    calls.length,
  ],
  [
    'replay with full trace (explain)',
    time(() => {
      for (const c of calls) compareOutcome(c, simulate(replayInput(c, policy, { now: 0 })));
    }),
    calls.length,
  ],
];
console.log(
  `${EVENTS} events (${calls.length} AssumeRoleWithWebIdentity), ${(trail.length / 1e6).toFixed(1)} MB trail, median of ${ROUNDS} rounds`,
);
for (const [name, ms, n] of rows)
  console.log(
    `${name.padEnd(36)} ${ms.toFixed(1).padStart(8)} ms  ${((ms * 1000) / n).toFixed(1).padStart(7)} µs/event`,
  );
