/** Running scenarios: expectation matching (with every form of `because`), skip, only, filter. */
import t from 'tap';
import {
  becauseMatches,
  denialSources,
  judge,
  loadAndRun,
  loadScenarioFile,
  runScenarios,
  scenarioInput,
} from '../../lib/scenarios/index.js';
import type { Decision } from '../../lib/sts/types.js';
import type { Scenario, ScenarioResult } from '../../lib/scenarios/types.js';
import { FIXTURES, GH, GHA_POLICY, HEAD, NOW } from './helpers.js';

const MAIN = 'repo:acme/app:ref:refs/heads/main';
const FEATURE = 'repo:acme/app:ref:refs/heads/feature';
const PR = 'repo:acme/app:pull_request';

/** Loads scenario entries written after HEAD (with providers registered). */
function scenarios(t: Tap, entries: string): Scenario[] {
  const dir = t.testdir({
    'policy.json': GHA_POLICY,
    'x.trustspec.yaml': `${HEAD}${entries}providers:\n  - url: https://${GH}\n    clientIds: [sts.amazonaws.com]\n`,
  });
  const loaded = loadScenarioFile('x.trustspec.yaml', {
    cwd: dir,
    defaultNow: NOW,
    policyCache: new Map(),
  });
  if (loaded.errors.length > 0) throw new Error(JSON.stringify(loaded.errors, null, 2));
  return loaded.scenarios;
}

type Tap = Pick<typeof t, 'testdir'>;

function one(t: Tap, sub: string, expect: string, extra = ''): ScenarioResult {
  const [s] = scenarios(
    t,
    `  - name: s\n    token: { sub: '${sub}'${extra} }\n    expect: ${expect}\n`,
  );
  const [r] = runScenarios([s as Scenario]);
  return r as ScenarioResult;
}

interface Row {
  name: string;
  sub: string;
  /** Extra token claims, written after sub. */
  extra?: string;
  expect: string;
  ok: boolean;
  mismatch?: RegExp | string;
}

const rows: Row[] = [
  { name: 'allow, allowed', sub: MAIN, expect: 'allow', ok: true },
  { name: 'deny, denied', sub: FEATURE, expect: 'deny', ok: true },
  {
    name: 'allow, denied',
    sub: FEATURE,
    expect: 'allow',
    ok: false,
    mismatch: 'expected allow, but STS would deny at trust-policy (AccessDenied): Not authorized',
  },
  {
    name: 'deny, allowed',
    sub: MAIN,
    expect: 'deny',
    ok: false,
    mismatch: 'expected deny, but STS would allow',
  },
  {
    name: 'the stage matches',
    sub: FEATURE,
    expect: '{ deny: { stage: trust-policy } }',
    ok: true,
  },
  {
    name: 'another stage',
    sub: FEATURE,
    expect: '{ deny: { stage: token } }',
    ok: false,
    mismatch: 'expected deny at token, but STS would deny at trust-policy (AccessDenied)',
  },
  { name: 'the code matches', sub: FEATURE, expect: '{ deny: { code: AccessDenied } }', ok: true },
  {
    name: 'another code',
    sub: FEATURE,
    expect: '{ deny: { code: InvalidIdentityToken } }',
    ok: false,
    mismatch:
      'expected deny with InvalidIdentityToken, but STS would deny at trust-policy (AccessDenied)',
  },
  {
    name: 'because: the key of a failed condition of an Allow that could have allowed',
    sub: FEATURE,
    expect: `{ deny: { stage: trust-policy, because: '${GH}:sub' } }`,
    ok: true,
  },
  {
    name: 'because: condition keys are compared without case',
    sub: FEATURE,
    expect: `{ deny: { because: '${GH.toUpperCase()}:SUB' } }`,
    ok: true,
  },
  {
    name: 'because: the Sid of the Allow statement',
    sub: FEATURE,
    expect: '{ deny: { because: GitHubDeploy } }',
    ok: true,
  },
  {
    name: 'because: a met condition of a Deny that applied',
    sub: PR,
    expect: `{ deny: { because: '${GH}:sub' } }`,
    ok: true,
  },
  {
    name: 'because: the Sid of the Deny',
    sub: PR,
    expect: '{ deny: { because: NoPullRequests } }',
    ok: true,
  },
  {
    name: 'because: the failed check id',
    sub: MAIN,
    extra: ', aud: other',
    expect: '{ deny: { stage: token, because: token.audience } }',
    ok: true,
  },
  {
    name: 'because: the last segment of the failed check id',
    sub: MAIN,
    extra: ', aud: other',
    expect: '{ deny: { because: audience } }',
    ok: true,
  },
  {
    name: 'because: the trust-policy check',
    sub: FEATURE,
    expect: '{ deny: { because: trust-policy.sts:AssumeRoleWithWebIdentity } }',
    ok: true,
  },
  {
    name: 'because: a condition that did not fail',
    sub: FEATURE,
    expect: `{ deny: { because: '${GH}:aud' } }`,
    ok: false,
    mismatch: `expected deny because "${GH}:aud", but the denial came from "${GH}:sub"`,
  },
  {
    name: 'because: a key, when the token stage refused',
    sub: MAIN,
    extra: ', aud: other',
    expect: `{ deny: { because: '${GH}:aud' } }`,
    ok: false,
    mismatch: `expected deny because "${GH}:aud", but the denial came from the check "token.audience"`,
  },
  {
    name: 'because: the Sid of an Allow that held but was overridden by a Deny is not a cause',
    sub: PR,
    expect: '{ deny: { because: GitHubDeploy } }',
    ok: false,
    mismatch: 'but the denial came from',
  },
  {
    name: 'because: a Sid that is not involved',
    sub: FEATURE,
    expect: '{ deny: { because: NoPullRequests } }',
    ok: false,
    mismatch: 'but the denial came from',
  },
];

for (const row of rows) {
  t.test(row.name, (t) => {
    const r = one(t, row.sub, row.expect, row.extra);
    t.equal(r.ok, row.ok, 'ok');
    t.equal(r.skipped, false);
    t.ok(r.decision, 'has the decision');
    if (row.mismatch) t.match(r.mismatch ?? '', row.mismatch, 'mismatch');
    else t.equal(r.mismatch, undefined, 'no mismatch');
    t.end();
  });
}

t.test('result fields', (t) => {
  const r = one(t, FEATURE, 'deny');
  t.match(r, {
    file: 'x.trustspec.yaml',
    line: 9,
    column: 5,
    name: 's',
    expected: { decision: 'deny' },
    skipped: false,
    ok: true,
    diagnoses: [],
  });
  t.ok(r.policyFile.endsWith('policy.json'));
  t.equal(r.decision?.code, 'AccessDenied');
  t.end();
});

t.test('skip', (t) => {
  const list = scenarios(
    t,
    `  - name: plain skip\n    skip: true\n    expect: allow\n  - name: with a reason\n    skip: not ready\n    expect: allow\n  - name: runs\n    token: { sub: '${MAIN}' }\n    expect: allow\n`,
  );
  const results = runScenarios(list);
  t.same(
    results.map((r) => [r.name, r.skipped, r.ok, r.decision === undefined, r.skipReason]),
    [
      ['plain skip', true, true, true, undefined],
      ['with a reason', true, true, true, 'not ready'],
      ['runs', false, true, false, undefined],
    ],
  );
  t.end();
});

t.test('only: when any scenario of the run has only, the others are skipped', (t) => {
  const a = scenarios(t, `  - name: a\n    token: { sub: '${MAIN}' }\n    expect: allow\n`);
  const b = scenarios(
    t,
    `  - name: b\n    only: true\n    token: { sub: '${MAIN}' }\n    expect: allow\n  - name: c\n    token: { sub: '${MAIN}' }\n    expect: allow\n`,
  );
  const results = runScenarios([...a, ...b]);
  t.same(
    results.map((r) => [r.name, r.skipped]),
    [
      ['a', true],
      ['b', false],
      ['c', true],
    ],
  );
  t.equal(results[0]?.skipReason, 'other scenarios are marked only');
  t.same(
    runScenarios(a).map((r) => r.skipped),
    [false],
    'without only everything runs',
  );
  t.end();
});

t.test('filter: a case-insensitive substring of the name', (t) => {
  const list = scenarios(
    t,
    `  - name: Main deploys\n    token: { sub: '${MAIN}' }\n    expect: allow\n  - name: feature refused\n    token: { sub: '${FEATURE}' }\n    expect: deny\n  - name: only not in filter\n    only: true\n    expect: deny\n`,
  );
  t.same(
    runScenarios(list, { filter: 'MAIN' }).map((r) => [r.name, r.skipped]),
    [['Main deploys', false]],
    'only outside the filter does not count',
  );
  t.same(runScenarios(list, { filter: 'nothing' }), []);
  t.end();
});

t.test('filter across files: files without a match contribute nothing', (t) => {
  const dir = t.testdir({
    'policy.json': GHA_POLICY,
    'a.trustspec.yaml': `${HEAD}  - name: main deploys\n    token: { sub: '${MAIN}' }\n    expect: allow\n`,
    'b.trustspec.yaml': `${HEAD}  - name: feature refused\n    token: { sub: '${FEATURE}' }\n    expect: deny\n`,
  });
  const report = loadAndRun([], { cwd: dir, defaultNow: NOW, filter: 'deploys' });
  t.same(report.files, ['a.trustspec.yaml']);
  t.same(
    report.results.map((r) => r.name),
    ['main deploys'],
  );
  t.same(loadAndRun([], { cwd: dir, defaultNow: NOW }).files, [
    'a.trustspec.yaml',
    'b.trustspec.yaml',
  ]);
  t.end();
});

t.test('diagnose is asked about denials and mismatches only', (t) => {
  const list = scenarios(
    t,
    `  - name: allowed as expected\n    token: { sub: '${MAIN}' }\n    expect: allow\n  - name: denied as expected\n    token: { sub: '${FEATURE}' }\n    expect: deny\n  - name: allowed unexpectedly\n    token: { sub: '${MAIN}' }\n    expect: deny\n`,
  );
  const asked: string[] = [];
  const results = runScenarios(list, {
    diagnose: (d: Decision, s: Scenario) => {
      asked.push(`${s.name}:${d.decision}`);
      return [{ cause: 'test', title: s.name, detail: '', fix: '' }];
    },
  });
  t.same(asked, ['denied as expected:deny', 'allowed unexpectedly:allow']);
  t.same(
    results.map((r) => r.diagnoses.length),
    [0, 1, 1],
  );
  t.end();
});

t.test('a failing simulator or diagnose fails one scenario, not the run', (t) => {
  const list = scenarios(
    t,
    `  - name: broken\n    token: { sub: '${FEATURE}' }\n    expect: deny\n  - name: fine\n    token: { sub: '${FEATURE}' }\n    expect: deny\n`,
  );
  const broken = { ...list[0], role: { ...list[0]?.role, policy: null } } as unknown as Scenario;
  const results = runScenarios([broken, list[1] as Scenario], {
    diagnose: () => {
      throw new Error('diagnose broke');
    },
  });
  t.match(results[0], {
    name: 'broken',
    ok: false,
    mismatch: /^the simulator failed on this scenario/,
  });
  t.match(results[1], { name: 'fine', ok: true, diagnoses: [] });
  t.end();
});

t.test('scenarioInput maps a scenario to the simulator input', (t) => {
  const [s] = scenarios(
    t,
    `  - name: a\n    token: { sub: '${MAIN}' }\n    context: { 'aws:SourceIp': 203.0.113.5 }\n    expect: allow\n`,
  );
  const input = scenarioInput(s as Scenario);
  t.same(input.token, { claims: { iss: `https://${GH}`, aud: 'sts.amazonaws.com', sub: MAIN } });
  t.same(input.providers, [{ url: `https://${GH}`, clientIds: ['sts.amazonaws.com'] }]);
  t.same(input.request, { roleSessionName: 'ci' });
  t.same(input.context, { 'aws:SourceIp': '203.0.113.5' });
  t.equal(input.now, NOW);
  t.notOk('maxSessionDuration' in input.role, 'absent, not undefined');
  t.end();
});

t.test('denialSources and becauseMatches on their own', (t) => {
  const [s] = scenarios(t, `  - name: a\n    token: { sub: '${PR}' }\n    expect: deny\n`);
  const [r] = runScenarios([s as Scenario]);
  const d = r?.decision as Decision;
  const sources = denialSources(d);
  t.same(
    sources.sids,
    ['NoPullRequests'],
    'the Deny decided: the overridden Allow is not a source',
  );
  t.same(sources.keys, [`${GH}:sub`]);
  t.ok(becauseMatches('', sources), 'an empty because names nothing in particular');
  t.notOk(becauseMatches('nope', sources));
  t.equal(
    judge({ decision: 'deny', because: 'nopullrequests' }, d),
    undefined,
    'Sids without case',
  );
  t.end();
});

t.test('the good fixtures all meet their expectations', (t) => {
  const report = loadAndRun(['good'], { cwd: FIXTURES, defaultNow: NOW });
  t.same(report.errors, []);
  t.same(report.files, [
    'good/deploy.trustspec.yaml',
    'good/nested/eks.trustspec.yml',
    'good/shorthands.trustspec.yaml',
  ]);
  t.equal(report.results.length, 21);
  for (const r of report.results) t.ok(r.ok, `${r.name}${r.mismatch ? `: ${r.mismatch}` : ''}`);
  t.equal(report.results.filter((r) => r.skipped).length, 1);
  t.end();
});
