/**
 * Scenario-file fields: the default RoleSessionName, a scenario's own `now` (under --now), `null`
 * removing what defaults, a shorthand or a JWT gave, and a `context` that can neither contradict
 * the token, the request or the clock nor give one key twice in different case. The command line
 * is driven in-process through main(argv, io).
 */
import t, { type Test } from 'tap';
import { runMain } from '../cli/helpers.js';
import { loadScenarioFile } from '../../lib/scenarios/index.js';
import type { Scenario } from '../../lib/scenarios/types.js';
import { decide } from '../../lib/sts/simulate.js';
import { GH, GHA_POLICY, makeJwt, NOW, NOW_SEC, ROLE_ARN } from './helpers.js';

/** A file with the GitHub deploy policy, `head` lines after `now`, then `scenarios:`. */
function file(scenarios: string, head = ''): string {
  return `role:\n  arn: ${ROLE_ARN}\n  trustPolicy: ./policy.json\nnow: 2026-06-01T00:00:00Z\n${head}scenarios:\n${scenarios}`;
}

function load(t: Test, yaml: string, opts: { now?: number; clock?: boolean } = {}) {
  const dir = t.testdir({ 'policy.json': GHA_POLICY, 'x.trustspec.yaml': yaml });
  return loadScenarioFile('x.trustspec.yaml', {
    cwd: dir,
    ...(opts.clock === false ? {} : { defaultNow: NOW }),
    ...(opts.now !== undefined ? { now: opts.now } : {}),
    policyCache: new Map(),
  });
}

function byName(list: Scenario[], name: string): Scenario {
  const s = list.find((x) => x.name === name);
  if (!s) throw new Error(`no scenario ${name} in ${list.map((x) => x.name).join(', ')}`);
  return s;
}

/**
 * The built command line's main(argv, io): lib/cli/main.ts reads package.json relative to dist/,
 * so it is loaded from there (npm test builds first).
 */
/** Runs the CLI in-process in `dir`; returns the exit code and what it printed. */
async function cli(dir: string, argv: string[]) {
  const r = await runMain(argv, { cwd: dir, env: {} });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const MAIN = `    github: { repository: acme/app }\n`;

t.test('RoleSessionName: "trustspec" unless written; null means none', (t) => {
  const { errors, scenarios } = load(
    t,
    file(
      `  - name: none written\n${MAIN}    expect: allow\n` +
        `  - name: written\n${MAIN}    request: { roleSessionName: deploy }\n    expect: allow\n` +
        `  - name: 'null'\n${MAIN}    request: { roleSessionName: null }\n    expect: deny\n`,
    ),
  );
  t.same(errors, []);
  const none = byName(scenarios, 'none written');
  t.equal(none.request.roleSessionName, 'trustspec');
  t.equal(decide(none.input).decision, 'allow', 'the first scenario of a file just works');
  t.equal(byName(scenarios, 'written').request.roleSessionName, 'deploy');
  const absent = byName(scenarios, 'null');
  t.notOk('roleSessionName' in absent.request);
  t.match(decide(absent.input), { decision: 'deny', stage: 'request', code: 'ValidationError' });
  t.end();
});

t.test('test and explain use the same default session name', async (t) => {
  const dir = t.testdir({
    'policy.json': GHA_POLICY,
    'x.trustspec.yaml': file(`  - name: main\n${MAIN}    expect: allow\n`),
  });
  const test = await cli(dir, ['test', 'x.trustspec.yaml', '--reporter', 'json', '--verbose']);
  t.equal(test.code, 0, test.err);
  t.match(test.out, '"id": "request.role-session-name"');
  t.match(test.out, '"name": "trustspec"');
  const explain = await cli(dir, ['explain', 'x.trustspec.yaml', '--json']);
  t.equal(explain.code, 0, explain.err);
  t.match(explain.out, 'RoleSessionName');
  t.match(JSON.parse(explain.out), { decision: 'allow' });
  t.match(explain.out, '"trustspec"');
});

t.test("a scenario's own now: over the file's, under --now", async (t) => {
  const yaml = file(
    `  - name: file clock\n${MAIN}    token: { exp: 2026-12-01T00:00:00Z }\n    expect: allow\n` +
      `  - name: own clock\n    now: 2027-01-01T00:00:00Z\n${MAIN}    token: { exp: 2026-12-01T00:00:00Z }\n    expect: { deny: { stage: token, because: exp } }\n` +
      `  - name: 'clock \${{ matrix.when }}'\n    matrix: { when: [1780272000, 1798761600] }\n    now: '\${{ matrix.when }}'\n${MAIN}    token: { exp: 2027-06-01T00:00:00Z }\n    expect: allow\n`,
  );
  const { errors, scenarios } = load(t, yaml);
  t.same(errors, []);
  t.equal(byName(scenarios, 'file clock').now, NOW);
  const own = byName(scenarios, 'own clock');
  t.equal(own.now, Date.UTC(2027, 0, 1));
  t.match(decide(own.input), { decision: 'deny', code: 'ExpiredTokenException' });
  t.equal(byName(scenarios, 'clock 1780272000').now, NOW, 'a matrix value as the clock');
  t.equal(byName(scenarios, 'clock 1798761600').now, 1798761600_000);

  const cliNow = load(t, yaml, { now: 5_000 });
  t.same(
    cliNow.scenarios.map((s) => s.now),
    [5_000, 5_000, 5_000, 5_000],
    '--now overrides every clock',
  );

  const dir = t.testdir({ 'policy.json': GHA_POLICY, 'x.trustspec.yaml': yaml });
  const run = await cli(dir, ['test', '--reporter', 'json']);
  t.equal(run.code, 0, run.err);
  const overridden = await cli(dir, [
    'test',
    '--now',
    '2026-06-01T00:00:00Z',
    '--reporter',
    'json',
  ]);
  t.equal(overridden.code, 1, 'with --now, the own-clock scenario is not expired');
});

t.test('without a clock in the file, a scenario with its own still runs', (t) => {
  const yaml = file(`  - name: own\n    now: 1780272000\n${MAIN}    expect: allow\n`).replace(
    'now: 2026-06-01T00:00:00Z\n',
    '',
  );
  const own = load(t, yaml, { clock: false });
  t.same(own.errors, []);
  t.equal(own.scenarios[0]?.now, NOW);
  const missing = load(t, yaml + `  - name: none\n${MAIN}    expect: allow\n`, { clock: false });
  t.match(missing.errors, [{ code: 'no-clock', line: 5, column: 3 }]);
  const bad = load(t, file(`  - name: a\n    now: next week\n${MAIN}    expect: allow\n`));
  t.match(bad.errors, [{ code: 'bad-date', line: 7, column: 10, message: '"now": "next week"' }]);
  t.end();
});

t.test('null removes what defaults, a shorthand or the JWT gave', (t) => {
  const jwt = makeJwt({
    iss: `https://${GH}`,
    aud: 'sts.amazonaws.com',
    sub: 'repo:acme/app:ref:refs/heads/main',
    azp: 'from-jwt',
    exp: NOW_SEC + 300,
  });
  const head = `defaults:
  github: { repository: acme/app, environment: prod, jobWorkflowRef: acme/ci/.github/workflows/d.yml@main }
  token: { azp: from-defaults, job_workflow_ref: null }
  request: { roleSessionName: ci, durationSeconds: 900 }
  context: { 'aws:SourceIp': 203.0.113.5, 'aws:RequestedRegion': eu-west-1 }
`;
  const yaml = file(
    `  - name: defaults
    expect: allow
  - name: claim removed
    token: { azp: null }
    expect: allow
  - name: shorthand field back to its default
    github: { environment: null }
    expect: allow
  - name: shorthand removed
    github: null
    eks: { issuer: https://oidc.eks.us-east-1.amazonaws.com/id/X, namespace: web, serviceAccount: api }
    expect: deny
  - name: from the JWT
    token: { jwt: ${jwt}, azp: null, exp: null }
    expect: allow
  - name: request and context fields
    request: { durationSeconds: null }
    context: { 'AWS:SOURCEIP': null, 'aws:requestedregion': us-east-1 }
    expect: allow
`,
    head,
  );
  const { errors, scenarios } = load(t, yaml);
  t.same(errors, []);
  const base = byName(scenarios, 'defaults');
  t.equal(base.claims['azp'], 'from-defaults');
  t.equal(base.claims['sub'], 'repo:acme/app:environment:prod');
  t.notOk('job_workflow_ref' in base.claims, "defaults' null removes the shorthand's claim");
  t.notOk('azp' in byName(scenarios, 'claim removed').claims);
  t.equal(
    byName(scenarios, 'shorthand field back to its default').claims['sub'],
    'repo:acme/app:ref:refs/heads/main',
  );
  const eks = byName(scenarios, 'shorthand removed');
  t.equal(
    eks.claims['sub'],
    'system:serviceaccount:web:api',
    'no conflict with the default github',
  );
  const fromJwt = byName(scenarios, 'from the JWT');
  t.notOk('azp' in fromJwt.claims, "a JWT's claim removed");
  t.notOk('exp' in fromJwt.claims);
  const fields = byName(scenarios, 'request and context fields');
  t.same(fields.request, { roleSessionName: 'ci' });
  t.same(
    fields.context,
    { 'aws:requestedregion': 'us-east-1' },
    'keys replaced whatever their case',
  );
  t.same(base.context, { 'aws:SourceIp': '203.0.113.5', 'aws:RequestedRegion': 'eu-west-1' });
  t.end();
});

t.test('null where no value can be absent is still an error', (t) => {
  const { errors } = load(t, file(`  - name: a\n${MAIN}    expect: null\n`));
  t.match(errors, [{ code: 'bad-expect', line: 8, column: 13 }]);
  const name = load(t, file(`  - name: a\n    github: { repository: null }\n    expect: allow\n`));
  t.match(name.errors, [
    { code: 'missing-field', message: 'the github shorthand needs "repository"' },
  ]);
  t.end();
});

// prettier-ignore
const derived: Array<[key: string, by: string]> = [
  [`${GH}:sub`, `the token (a claim key of the identity provider ${GH}) determines it`],
  [`${GH.toUpperCase()}:SUB`, 'the token (a claim key of the identity provider'],
  ['oidc.eks.us-east-1.amazonaws.com/id/X:sub', 'a claim key of the identity provider oidc.eks.us-east-1.amazonaws.com/id/X'],
  ['accounts.google.com:aud', 'the identity provider accounts.google.com'],
  ['sts:RoleSessionName', 'the request determines it'],
  ['aws:CurrentTime', 'the clock determines it'],
  ['AWS:EPOCHTIME', 'the clock determines it'],
  ['aws:SecureTransport', 'the call itself'],
  ['sts:SourceIdentity', 'https://aws.amazon.com/source_identity'],
  ['aws:RequestTag/team', 'session tags'],
  ['aws:TagKeys', 'session tags'],
  ['aws:ResourceTag/env', "the role's tags"],
];

t.test('context cannot set a key the token, the request or the clock determines', (t) => {
  for (const [key, by] of derived) {
    const { errors, scenarios } = load(
      t,
      file(`  - name: a\n${MAIN}    context: { '${key}': x }\n    expect: allow\n`),
    );
    t.match(
      errors,
      [
        {
          code: 'context-key-derived',
          line: 8,
          column: 16,
          message: `context cannot set "${key}": `,
        },
      ],
      key,
    );
    t.match(errors[0]?.message, by, `${key}: says who determines it`);
    t.ok(errors[0]?.hint, `${key}: says what to write instead`);
    t.same(scenarios, []);
  }
  for (const key of ['aws:SourceIp', 'aws:SourceVpc', 'aws:RequestedRegion', 'custom']) {
    const { errors } = load(
      t,
      file(`  - name: a\n${MAIN}    context: { '${key}': x }\n    expect: allow\n`),
    );
    t.same(errors, [], `${key} is the context's to give`);
  }
  t.end();
});

t.test('an evil repository cannot pass by setting the sub in context', async (t) => {
  const yaml = file(
    `  - name: evil
    github: { repository: evil/app }
    context: { '${GH}:sub': 'repo:acme/app:ref:refs/heads/main' }
    expect: allow
  - name: b
${MAIN}    expect: allow
  - name: c
${MAIN}    expect: allow
`,
    `defaults:\n  context: { 'aws:CurrentTime': 2020-01-01T00:00:00Z }\n`,
  );
  const { errors } = load(t, yaml);
  t.same(
    errors.map((e) => `${e.code}@${e.line}:${e.column}`),
    ['context-key-derived@6:14', 'context-key-derived@10:16'],
    "the defaults' key once, at its place",
  );
  const dir = t.testdir({ 'policy.json': GHA_POLICY, 'x.trustspec.yaml': yaml });
  const run = await cli(dir, ['test', '--reporter', 'json']);
  t.equal(run.code, 2, 'exit 2: the input cannot be used');
  t.match(JSON.parse(run.out), {
    summary: { passed: 0 },
    errors: [
      { line: 6, column: 14, message: 'context cannot set "aws:CurrentTime"' },
      { line: 10, column: 16, message: `context cannot set "${GH}:sub"` },
    ],
  });
  t.notMatch(run.out + run.err, /^\s+at /m, 'no stack trace');
});

t.test('one context key twice in different case is an error', (t) => {
  const own = load(
    t,
    file(
      `  - name: a\n${MAIN}    context: { 'aws:SourceIp': 1.2.3.4, 'AWS:SOURCEIP': 5.6.7.8 }\n    expect: allow\n`,
    ),
  );
  t.match(own.errors, [
    {
      code: 'duplicate-context-key',
      line: 8,
      column: 41,
      message:
        'the context key "AWS:SOURCEIP" is "aws:SourceIp" again: condition keys are case-insensitive',
    },
  ]);
  const inDefaults = load(
    t,
    file(
      `  - name: a\n${MAIN}    expect: allow\n`,
      `defaults:\n  context:\n    aws:SourceIp: 1.2.3.4\n    Aws:SourceIP: 5.6.7.8\n`,
    ),
  );
  t.match(inDefaults.errors, [{ code: 'duplicate-context-key', line: 8, column: 5 }]);
  t.same(inDefaults.scenarios, []);
  t.end();
});
