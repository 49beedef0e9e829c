/** Good scenario files: every field of the contract, defaults, shorthands, matrices, JWTs, the policy cache. */
import t from 'tap';
import { join } from 'node:path';
import { loadAndRun, loadScenarioFile, type PolicyCache } from '../../lib/scenarios/index.js';
import type { Scenario } from '../../lib/scenarios/types.js';
import { FIXTURES, GH, GHA_POLICY, HEAD, makeJwt, NOW, NOW_SEC, ROLE_ARN } from './helpers.js';

function byName(scenarios: Scenario[], name: string): Scenario {
  const s = scenarios.find((x) => x.name === name);
  if (!s) throw new Error(`no scenario "${name}" in ${scenarios.map((x) => x.name).join(', ')}`);
  return s;
}

function load(dir: string, file = 'x.trustspec.yaml', now?: number) {
  return loadScenarioFile(file, {
    cwd: dir,
    defaultNow: NOW,
    ...(now !== undefined ? { now } : {}),
    policyCache: new Map(),
  });
}

t.test('every field of the contract', (t) => {
  const loaded = loadScenarioFile(join(FIXTURES, 'good/deploy.trustspec.yaml'), {
    defaultNow: 0,
    policyCache: new Map(),
  });
  t.same(loaded.errors, []);
  t.same(loaded.warnings, []);
  t.equal(loaded.scenarios.length, 8);

  const main = byName(loaded.scenarios, 'main branch deploys');
  t.equal(main.file, join(FIXTURES, 'good/deploy.trustspec.yaml'), 'file as given when no cwd');
  t.equal(main.line, 23);
  t.equal(main.column, 5);
  t.equal(main.now, NOW, "the file's now (an ISO date) is used");
  t.equal(main.role.arn, ROLE_ARN);
  t.equal(main.role.maxSessionDuration, 7200);
  t.equal(main.role.policyFile, join(FIXTURES, 'policies/gha-deploy.trust.json'));
  t.same(main.providers, [{ url: `https://${GH}`, clientIds: ['sts.amazonaws.com'] }]);
  t.same(main.claims, {
    iss: `https://${GH}`,
    aud: 'sts.amazonaws.com',
    sub: 'repo:acme/app:ref:refs/heads/main',
  });
  t.same(main.request, { roleSessionName: 'ci' });
  t.same(main.expect, { decision: 'allow' });
  t.equal(main.skip, false);
  t.equal(main.only, false);

  const pr = byName(loaded.scenarios, 'pull requests are refused by the sub condition');
  t.same(pr.expect, { decision: 'deny', stage: 'trust-policy', because: `${GH}:sub` });

  const jwt = byName(loaded.scenarios, 'a real token from a workflow run');
  t.equal(
    jwt.claims['sub'],
    'repo:acme/app:ref:refs/heads/main',
    'claims decoded from the JWT file',
  );
  t.equal(jwt.claims['iss'], `https://${GH}`);
  t.equal(jwt.claims['exp'], NOW_SEC + 300);
  t.equal(jwt.header?.['alg'], 'RS256', 'the header is kept');
  t.ok((jwt.tokenLength ?? 0) > 100, 'the compact length is kept');
  t.same(jwt.request, { roleSessionName: 'GitHubActions', durationSeconds: 3600 });
  t.same(jwt.context, { 'aws:SourceIp': '203.0.113.5' });

  const env = byName(loaded.scenarios, 'the prod environment, written as a shorthand');
  t.equal(env.claims['sub'], 'repo:acme/app:environment:prod');
  t.equal(env.claims['environment'], 'prod');

  const expired = byName(loaded.scenarios, 'an expired token');
  t.equal(expired.claims['exp'], NOW_SEC - 3600, 'ISO exp → epoch seconds');
  t.equal(expired.claims['iat'], NOW_SEC - 3900);
  t.same(expired.expect, {
    decision: 'deny',
    stage: 'token',
    because: 'exp',
    code: 'ExpiredTokenException',
  });

  const aud = byName(loaded.scenarios, 'an unregistered audience');
  t.equal(aud.claims['aud'], 'other', "the scenario's claim wins over defaults");
  t.equal(aud.description, 'the provider lists only sts.amazonaws.com');

  const skipped = byName(loaded.scenarios, 'a feature branch is refused');
  t.equal(skipped.skip, true);
  t.equal(skipped.skipReason, 'waiting for the feature-branch role');
  t.end();
});

t.test('the input getter is the simulation input, and is not enumerable', (t) => {
  const loaded = loadScenarioFile(join(FIXTURES, 'good/deploy.trustspec.yaml'), {
    policyCache: new Map(),
  });
  const s = byName(loaded.scenarios, 'a real token from a workflow run');
  t.equal(s.input.role.arn, ROLE_ARN);
  t.equal(s.input.role.maxSessionDuration, 7200);
  t.equal(s.input.token.header?.['alg'], 'RS256');
  t.equal(s.input.token.length, s.tokenLength);
  t.equal(s.input.now, NOW);
  t.same(s.input.context, { 'aws:SourceIp': '203.0.113.5' });
  t.notOk(Object.keys(s).includes('input'));
  t.end();
});

t.test('the clock: --now wins over the file, the file over the default', (t) => {
  const file = join(FIXTURES, 'good/deploy.trustspec.yaml');
  const cli = loadScenarioFile(file, { now: 5_000, defaultNow: 7_000 });
  t.ok(cli.scenarios.every((s) => s.now === 5_000));
  const fromFile = loadScenarioFile(file, { defaultNow: 7_000 });
  t.ok(fromFile.scenarios.every((s) => s.now === NOW));
  const dir = t.testdir({
    'policy.json': GHA_POLICY,
    'x.trustspec.yaml': HEAD.replace(/now: .*\n/, '') + '  - name: a\n    expect: deny\n',
  });
  const fallback = loadScenarioFile('x.trustspec.yaml', { cwd: dir, defaultNow: 7_000 });
  t.same(fallback.errors, []);
  t.equal(fallback.scenarios[0]?.now, 7_000);
  const epoch = t.testdir({
    'policy.json': GHA_POLICY,
    'x.trustspec.yaml':
      HEAD.replace(/now: .*\n/, 'now: 1780272000\n') + '  - name: a\n    expect: deny\n',
  });
  t.equal(
    loadScenarioFile('x.trustspec.yaml', { cwd: epoch }).scenarios[0]?.now,
    NOW,
    'epoch seconds',
  );
  t.end();
});

t.test('defaults are deep-merged under every scenario', (t) => {
  const dir = t.testdir({
    'policy.json': GHA_POLICY,
    'x.trustspec.yaml': `role:
  arn: ${ROLE_ARN}
  trustPolicy: ./policy.json
defaults:
  token:
    iss: https://${GH}
    aud: [sts.amazonaws.com, other]
    nested: { a: 1, b: { c: 2 } }
  request: { roleSessionName: ci, policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess] }
  context: { 'aws:RequestedRegion': us-east-1 }
  expect: deny
scenarios:
  - name: plain
  - name: overriding
    token:
      aud: sts.amazonaws.com
      nested: { b: { d: 3 } }
    request: { policyArns: [], durationSeconds: 900 }
    context: { 'aws:SourceIp': [203.0.113.5, 198.51.100.1] }
    expect: allow
`,
  });
  const { scenarios, errors } = load(dir);
  t.same(errors, []);
  const plain = byName(scenarios, 'plain');
  t.same(plain.claims, {
    iss: `https://${GH}`,
    aud: ['sts.amazonaws.com', 'other'],
    nested: { a: 1, b: { c: 2 } },
  });
  t.same(plain.request, {
    roleSessionName: 'ci',
    policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
  });
  t.same(plain.expect, { decision: 'deny' }, 'expect from defaults');
  const over = byName(scenarios, 'overriding');
  t.same(
    over.claims,
    { iss: `https://${GH}`, aud: 'sts.amazonaws.com', nested: { a: 1, b: { c: 2, d: 3 } } },
    'mappings merge recursively, scalars from the scenario win',
  );
  t.same(
    over.request,
    { roleSessionName: 'ci', durationSeconds: 900, policyArns: [] },
    'lists from the scenario win',
  );
  t.same(over.context, {
    'aws:RequestedRegion': 'us-east-1',
    'aws:SourceIp': ['203.0.113.5', '198.51.100.1'],
  });
  t.same(over.expect, { decision: 'allow' });
  t.end();
});

t.test('YAML anchors and merge keys work, and errors inside them point at the anchor', (t) => {
  const dir = t.testdir({
    'policy.json': GHA_POLICY,
    'x.trustspec.yaml': `${HEAD}  - &main
    name: main
    token: { sub: 'repo:acme/app:ref:refs/heads/main' }
    expect: allow
  - <<: *main
    name: main again
`,
  });
  const { scenarios, errors } = load(dir);
  t.same(errors, []);
  t.same(
    scenarios.map((s) => [s.name, s.claims['sub']]),
    [
      ['main', 'repo:acme/app:ref:refs/heads/main'],
      ['main again', 'repo:acme/app:ref:refs/heads/main'],
    ],
  );
  const bad = t.testdir({
    'policy.json': GHA_POLICY,
    'x.trustspec.yaml': `${HEAD}  - &main
    name: main
    token: { exp: someday }
    expect: allow
  - <<: *main
    name: main again
`,
  });
  const errs = load(bad).errors;
  t.ok(errs.length >= 1);
  t.ok(
    errs.every((e) => e.line === 11 && e.code === 'bad-date'),
    'both copies point at the anchored value',
  );
  t.end();
});

t.test('shorthands', (t) => {
  const dir = t.testdir({
    'policy.json': GHA_POLICY,
    'x.trustspec.yaml': `role:
  arn: ${ROLE_ARN}
  trustPolicy: ./policy.json
defaults:
  request: { roleSessionName: ci }
  expect: deny
scenarios:
  - name: github ref
    github: { repository: acme/app, ref: refs/heads/main }
  - name: github environment
    github: { repository: acme/app, environment: prod }
  - name: github pull request
    github: { repository: acme/app, event: pull_request }
  - name: github immutable
    github: { repository: acme/app, ref: main, immutable: true, ownerId: 1, repositoryId: 2 }
  - name: eks
    eks: { issuer: https://oidc.eks.us-east-1.amazonaws.com/id/ABC, namespace: web, serviceAccount: api }
  - name: gitlab
    gitlab: { projectPath: group/project, ref: v1, refType: tag, audience: https://gitlab.example }
  - name: terraform
    terraform: { organization: acme, workspace: prod, runPhase: plan }
  - name: cognito
    cognito: { identityPoolId: 'us-east-1:1234', identityId: 'us-east-1:abcd', loginProviders: [accounts.google.com] }
  - name: explicit claims win
    github: { repository: acme/app }
    token: { aud: other, extra: 1 }
`,
  });
  const { scenarios, errors } = load(dir);
  t.same(errors, []);
  const claims = (name: string) => byName(scenarios, name).claims;
  t.match(claims('github ref'), {
    iss: `https://${GH}`,
    aud: 'sts.amazonaws.com',
    sub: 'repo:acme/app:ref:refs/heads/main',
    repository: 'acme/app',
    ref: 'refs/heads/main',
  });
  t.equal(claims('github environment')['sub'], 'repo:acme/app:environment:prod');
  t.equal(claims('github pull request')['sub'], 'repo:acme/app:pull_request');
  t.equal(claims('github immutable')['sub'], 'repo:acme@1/app@2:ref:refs/heads/main');
  t.match(claims('eks'), {
    iss: 'https://oidc.eks.us-east-1.amazonaws.com/id/ABC',
    sub: 'system:serviceaccount:web:api',
    aud: ['sts.amazonaws.com'],
  });
  t.match(claims('gitlab'), {
    iss: 'https://gitlab.com',
    aud: 'https://gitlab.example',
    sub: 'project_path:group/project:ref_type:tag:ref:v1',
  });
  t.match(claims('terraform'), {
    sub: 'organization:acme:project:Default Project:workspace:prod:run_phase:plan',
  });
  t.match(claims('cognito'), {
    aud: 'us-east-1:1234',
    sub: 'us-east-1:abcd',
    amr: ['authenticated', 'accounts.google.com'],
  });
  t.match(claims('explicit claims win'), {
    aud: 'other',
    extra: 1,
    sub: 'repo:acme/app:ref:refs/heads/main',
  });
  t.end();
});

t.test('a shorthand spread over defaults and the scenario', (t) => {
  const loaded = loadScenarioFile(join(FIXTURES, 'good/shorthands.trustspec.yaml'), {
    defaultNow: NOW,
    policyCache: new Map(),
  });
  t.same(loaded.errors, []);
  const s = byName(loaded.scenarios, 'explicit token claims win over the shorthand');
  t.equal(s.claims['repository'], 'acme/app', 'repository from defaults.github');
  t.equal(s.claims['ref'], 'refs/heads/main', "ref from the scenario's github");
  t.equal(s.claims['sub'], 'repo:acme/app:pull_request', 'token wins over the shorthand');
  t.end();
});

t.test('matrix naming and substitution', (t) => {
  const loaded = loadScenarioFile(join(FIXTURES, 'good/shorthands.trustspec.yaml'), {
    defaultNow: NOW,
    policyCache: new Map(),
  });
  t.same(loaded.errors, []);
  t.same(
    loaded.scenarios.map((s) => s.name),
    [
      'branch main',
      'branch dev',
      'none of these may assume [repo=acme/app, ref=refs/heads/dev]',
      'none of these may assume [repo=acme/app, ref=refs/tags/v1]',
      'none of these may assume [repo=evil/app, ref=refs/heads/dev]',
      'none of these may assume [repo=evil/app, ref=refs/tags/v1]',
      'a session of 900 seconds',
      'a session of 7200 seconds',
      'explicit token claims win over the shorthand',
    ],
  );
  const dev = byName(loaded.scenarios, 'branch dev');
  t.equal(dev.claims['ref'], 'refs/heads/dev');
  t.same(dev.expect, { decision: 'deny' }, 'expect from a matrix value');
  t.same(dev.matrix, { branch: 'dev', expected: 'deny' });
  t.equal(dev.line, byName(loaded.scenarios, 'branch main').line, "copies share the entry's place");
  const long = byName(loaded.scenarios, 'a session of 7200 seconds');
  t.equal(long.request.durationSeconds, 7200, 'a whole-string placeholder keeps the number type');
  const evil = byName(
    loaded.scenarios,
    'none of these may assume [repo=evil/app, ref=refs/tags/v1]',
  );
  t.equal(evil.claims['sub'], 'repo:evil/app:ref:refs/tags/v1');
  t.end();
});

t.test('matrix values inside longer strings, and in request, context and token', (t) => {
  const dir = t.testdir({
    'policy.json': GHA_POLICY,
    'x.trustspec.yaml': `${HEAD}  - name: \${{ matrix.who }} from \${{ matrix.ip }}
    token: { sub: 'repo:\${{ matrix.who }}:ref:refs/heads/main', n: '\${{ matrix.n }}', flag: '\${{ matrix.flag }}' }
    request: { roleSessionName: 'ci-\${{ matrix.n }}' }
    context: { 'aws:SourceIp': '\${{ matrix.ip }}' }
    matrix:
      who: [acme/app]
      ip: [203.0.113.5, 198.51.100.1]
      n: [7]
      flag: [true]
    expect: allow
`,
  });
  const { scenarios, errors } = load(dir);
  t.same(errors, []);
  t.same(
    scenarios.map((s) => s.name),
    ['acme/app from 203.0.113.5', 'acme/app from 198.51.100.1'],
  );
  const s = scenarios[0] as Scenario;
  t.same(s.claims, {
    iss: `https://${GH}`,
    aud: 'sts.amazonaws.com',
    sub: 'repo:acme/app:ref:refs/heads/main',
    n: 7,
    flag: true,
  });
  t.same(s.request, { roleSessionName: 'ci-7' });
  t.same(s.context, { 'aws:SourceIp': '203.0.113.5' });
  t.end();
});

t.test('JWTs: inline, from a file, and with claims overriding the decoded ones', (t) => {
  const claims = {
    iss: `https://${GH}`,
    aud: 'sts.amazonaws.com',
    sub: 'repo:acme/app:ref:refs/heads/main',
    exp: NOW_SEC + 60,
  };
  const inline = makeJwt(claims, { alg: 'ES256', kid: 'k' });
  const dir = t.testdir({
    'policy.json': GHA_POLICY,
    tokens: { 'main.jwt': `${makeJwt({ ...claims, sub: 'from-file' })}\n` },
    'x.trustspec.yaml': `${HEAD}  - name: inline
    token: { jwt: ${inline} }
    expect: allow
  - name: from a file
    token: { jwt: tokens/main.jwt }
    expect: deny
  - name: overridden
    token: { jwt: ${inline}, exp: 2026-05-01T00:00:00Z, sub: other }
    expect: deny
  - name: defaults lie under the JWT
    token: { jwt: ${makeJwt({ sub: 'x', aud: 'from-jwt' })} }
    expect: deny
`,
  });
  const { scenarios, errors } = load(dir);
  t.same(errors, []);
  const a = byName(scenarios, 'inline');
  t.same(a.claims, claims);
  t.same(a.header, { alg: 'ES256', kid: 'k' });
  t.equal(a.tokenLength, inline.length);
  const b = byName(scenarios, 'from a file');
  t.equal(b.claims['sub'], 'from-file');
  t.equal(
    b.tokenLength,
    makeJwt({ ...claims, sub: 'from-file' }).length,
    'the trimmed compact length',
  );
  const d = byName(scenarios, 'defaults lie under the JWT');
  t.equal(d.claims['aud'], 'from-jwt', "the JWT's claims win over defaults.token");
  t.equal(d.claims['iss'], `https://${GH}`, 'defaults fill in what the JWT lacks');
  const c = byName(scenarios, 'overridden');
  t.equal(c.claims['exp'], Date.UTC(2026, 4, 1) / 1000);
  t.equal(c.claims['sub'], 'other');
  t.equal(c.header?.['alg'], 'ES256');
  t.end();
});

t.test('dates: ISO forms and epoch seconds in time claims', (t) => {
  const dir = t.testdir({
    'policy.json': GHA_POLICY,
    'x.trustspec.yaml': `${HEAD}  - name: a
    token:
      exp: 2026-06-01T02:00:00+02:00
      iat: 2026-06-01
      nbf: 1780271000
    expect: allow
  - name: b
    token: { exp: '2026-06-01T00:10:00', iat: 2026-06-01 00:00:30.999Z }
    expect: allow
`,
  });
  const { scenarios, errors } = load(dir);
  t.same(errors, []);
  t.match(byName(scenarios, 'a').claims, { exp: NOW_SEC, iat: NOW_SEC, nbf: 1780271000 });
  t.match(byName(scenarios, 'b').claims, { exp: NOW_SEC + 600, iat: NOW_SEC + 30 });
  t.end();
});

t.test('providers: omitted, empty, per scenario', (t) => {
  const dir = t.testdir({
    'policy.json': GHA_POLICY,
    'x.trustspec.yaml': `${HEAD}  - name: omitted
    expect: deny
  - name: empty
    providers: []
    expect: deny
`,
  });
  const { scenarios } = load(dir);
  t.equal(byName(scenarios, 'omitted').providers, undefined);
  t.notOk('providers' in byName(scenarios, 'omitted'));
  t.same(byName(scenarios, 'empty').providers, []);
  t.end();
});

t.test('request fields: providerId, a session policy as a mapping', (t) => {
  const dir = t.testdir({
    'policy.json': GHA_POLICY,
    'x.trustspec.yaml': `${HEAD}  - name: facebook
    request:
      providerId: graph.facebook.com
      policy: { Version: '2012-10-17', Statement: [] }
      policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]
    token: { app_id: '1', id: '2' }
    expect: deny
  - name: text policy
    request: { policy: '{"Version":"2012-10-17"}' }
    expect: deny
`,
  });
  const { scenarios, errors } = load(dir);
  t.same(errors, []);
  t.same(byName(scenarios, 'facebook').request, {
    roleSessionName: 'ci',
    providerId: 'graph.facebook.com',
    policy: '{"Version":"2012-10-17","Statement":[]}',
    policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
  });
  t.equal(byName(scenarios, 'text policy').request.policy, '{"Version":"2012-10-17"}');
  t.end();
});

t.test('role tags and an inline policy', (t) => {
  const loaded = loadScenarioFile('good/nested/eks.trustspec.yml', {
    cwd: FIXTURES,
    policyCache: new Map(),
  });
  t.same(loaded.errors, []);
  t.equal(loaded.scenarios[0]?.file, 'good/nested/eks.trustspec.yml', 'file names relative to cwd');
  const inline = byName(loaded.scenarios, 'an inline policy');
  t.equal(
    inline.role.policyFile,
    join(FIXTURES, 'good/nested/eks.trustspec.yml'),
    'an inline policy lives in the scenario file',
  );
  t.equal(inline.role.policy.policy.statements.length, 1);
  t.equal(
    inline.role.policy.policy.statements[0]?.span.start.line,
    39,
    'spans point into the scenario file',
  );
  const dir = t.testdir({
    'policy.json': GHA_POLICY,
    'x.trustspec.yaml': `role:
  arn: ${ROLE_ARN}
  trustPolicy: ./policy.json
  tags: { team: web }
now: 1780272000
scenarios:
  - name: a
    expect: deny
`,
  });
  t.same(load(dir).scenarios[0]?.role.tags, { team: 'web' });
  t.end();
});

t.test("policy warnings are collected with the policy file's places", (t) => {
  const dir = t.testdir({
    'policy.json': GHA_POLICY.replace(
      '"StringEquals": {\n          "token.actions',
      '"StringLike": {\n          "token.actions',
    ),
    'x.trustspec.yaml': `${HEAD}  - name: a\n    expect: deny\n`,
  });
  const { errors, warnings, scenarios } = load(dir);
  t.same(errors, []);
  t.equal(scenarios.length, 1);
  t.ok(warnings.length > 0);
  t.ok(
    warnings.every(
      (w) => w.file === 'policy.json' && w.severity === 'warning' && w.code.startsWith('policy-'),
    ),
  );
  t.end();
});

t.test('a policy file shared by many scenarios and files is parsed once', (t) => {
  const scenarios = Array.from(
    { length: 20 },
    (_, i) => `  - name: s${i}\n    expect: deny\n`,
  ).join('');
  const dir = t.testdir({
    policies: { 'shared.json': GHA_POLICY },
    a: {
      'one.trustspec.yaml': HEAD.replace('./policy.json', '../policies/shared.json') + scenarios,
    },
    b: {
      'two.trustspec.yaml':
        HEAD.replace('./policy.json', '../policies/shared.json') +
        scenarios +
        `  - name: own role\n    role: { arn: ${ROLE_ARN}, trustPolicy: ../policies/shared.json }\n    expect: deny\n`,
    },
  });
  const cache: PolicyCache = new Map();
  const report = loadAndRun([], { cwd: dir, defaultNow: NOW, policyCache: cache });
  t.same(report.errors, []);
  t.equal(report.results.length, 41);
  t.equal(cache.size, 1);
  const entry = cache.get(join(dir, 'policies/shared.json'));
  t.equal(entry?.parses, 1, 'read and parsed once');
  t.ok(entry?.compiled);
  const direct = loadScenarioFile(join(dir, 'a/one.trustspec.yaml'), {
    defaultNow: NOW,
    policyCache: cache,
  });
  t.equal(
    direct.scenarios[0]?.role.policy,
    entry?.compiled,
    'the compiled policy object is shared',
  );
  t.equal(entry?.parses, 1, 'still once');
  t.end();
});

t.test('skip and only are read', (t) => {
  const dir = t.testdir({
    'policy.json': GHA_POLICY,
    'x.trustspec.yaml': `${HEAD}  - name: a
    skip: true
    expect: deny
  - name: b
    only: true
    expect: deny
`,
  });
  const { scenarios } = load(dir);
  t.match(byName(scenarios, 'a'), { skip: true, only: false });
  t.notOk('skipReason' in byName(scenarios, 'a'));
  t.match(byName(scenarios, 'b'), { skip: false, only: true });
  t.end();
});

t.test('an empty scenario list is a warning, not an error', (t) => {
  const dir = t.testdir({
    'policy.json': GHA_POLICY,
    'x.trustspec.yaml': `${HEAD.replace('scenarios:\n', 'scenarios: []\n')}`,
  });
  const { errors, warnings, scenarios } = load(dir);
  t.same(errors, []);
  t.same(scenarios, []);
  t.match(warnings, [{ code: 'no-scenarios', line: 8 }]);
  t.end();
});

t.test('the $schema key and comments are accepted', (t) => {
  const dir = t.testdir({
    'policy.json': GHA_POLICY,
    'x.trustspec.yaml': `# yaml-language-server: $schema=../schema/scenario.schema.json\n$schema: ../schema/scenario.schema.json\nversion: 1\n${HEAD}  - name: a\n    expect: deny\n`,
  });
  t.same(load(dir).errors, []);
  t.end();
});
