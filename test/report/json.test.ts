import t from 'tap';
import { jsonReport } from '../../lib/report/json.js';
import { CWD, EMPTY, FILE_ERROR, MIXED, NASTY, mixedReport } from './fixtures.js';

const opts = { color: true, cwd: CWD };
type Obj = Record<string, unknown>;

const CONTRACT_RESULT = [
  'file',
  'line',
  'name',
  'expected',
  'decision',
  'stage',
  'code',
  'ok',
  'explanation',
];
const EXPLANATION = [
  'checks',
  'provider',
  'statements',
  'context',
  'actions',
  'diagnoses',
  'unconfirmed',
  'findings',
];

t.test('the document has the contract shape, fields in the contract order', async (t) => {
  const text = jsonReport(mixedReport(), opts);
  t.ok(text.endsWith('}\n'), 'ends with a newline');
  t.match(text, /^\{\n {2}"version": 1,\n/, 'pretty-printed');
  const doc = JSON.parse(text) as Obj;
  t.same(Object.keys(doc).slice(0, 4), ['version', 'summary', 'results', 'errors']);
  t.equal(doc['version'], 1);
  const summary = doc['summary'] as Obj;
  t.same(Object.keys(summary).slice(0, 5), ['files', 'scenarios', 'passed', 'failed', 'errors']);
  t.match(summary, {
    files: MIXED.files,
    scenarios: MIXED.scenarios,
    passed: MIXED.passed,
    failed: MIXED.failed,
    errors: MIXED.errors,
    skipped: MIXED.skipped,
  });
  const results = doc['results'] as Obj[];
  t.equal(results.length, MIXED.scenarios);
  for (const r of results) {
    t.same(
      Object.keys(r).slice(0, CONTRACT_RESULT.length),
      CONTRACT_RESULT,
      `keys of ${String(r['name'])}`,
    );
    t.type(r['file'], 'string');
    t.type(r['line'], 'number');
    t.type(r['name'], 'string');
    t.ok(r['expected'] === 'allow' || r['expected'] === 'deny', 'expected is a string');
    t.type(r['ok'], 'boolean');
    if (r['skipped'] === true) {
      t.equal(r['decision'], null);
      t.equal(r['explanation'], null);
    } else {
      t.ok(r['decision'] === 'allow' || r['decision'] === 'deny');
      // Like the human reporter: a trace for what did not meet its expectation (all with verbose).
      if (r['ok'] === true) t.equal(r['explanation'], null, 'no trace for a scenario that passed');
      else t.same(Object.keys(r['explanation'] as Obj), EXPLANATION);
    }
    if (r['decision'] !== 'deny') {
      t.equal(r['stage'], null, 'stage null unless denied');
      t.equal(r['code'], null, 'code null unless denied');
    }
  }
  const errors = doc['errors'] as Obj[];
  t.equal(errors.length, 1);
  t.same(Object.keys(errors[0] as Obj).slice(0, 4), ['file', 'line', 'column', 'message']);
  t.match(errors[0], {
    file: 'policies/broken.trustspec.yaml',
    line: 3,
    column: 5,
    message: FILE_ERROR.message,
    code: 'unknown-field',
    hint: FILE_ERROR.hint,
  });
});

t.test('results carry what STS did, whatever was expected', async (t) => {
  const results = (JSON.parse(jsonReport(mixedReport(), { ...opts, verbose: true })) as Obj)[
    'results'
  ] as Obj[];
  t.match(results[0], {
    file: 'policies/gha-deploy.trustspec.yaml',
    line: 21,
    expected: 'allow',
    decision: 'allow',
    ok: true,
    mismatch: null,
  });
  t.match(results[1], {
    name: 'pull requests deploy',
    expected: 'allow',
    decision: 'deny',
    stage: 'trust-policy',
    code: 'AccessDenied',
    ok: false,
    stsMessage: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
    failedCheck: 'trust-policy.sts:AssumeRoleWithWebIdentity',
    mismatch: 'expected allow, but STS denied at trust-policy (AccessDenied)',
    policyFile: 'policies/gha-deploy.trust.json',
  });
  t.equal(results[2]?.['name'], NASTY, 'names are kept exactly');
  t.match(results[3], {
    name: 'work in progress',
    skipped: true,
    decision: null,
    stage: null,
    code: null,
  });
  t.match(results[4], {
    file: 'policies/eks.trustspec.yml',
    expected: 'deny',
    expectedStage: 'token',
    because: 'token.audience',
    decision: 'deny',
    stage: 'token',
    code: 'InvalidIdentityToken',
    ok: true,
  });
  t.match(results[5], { stage: 'request', code: 'ValidationError' });

  const ex = results[1]?.['explanation'] as Obj;
  const checks = ex['checks'] as Obj[];
  t.same(Object.keys(checks[0] as Obj).slice(0, 4), ['stage', 'id', 'ok', 'message']);
  t.equal((checks.at(-1) as Obj)['ok'], false);
  t.match(ex['provider'], {
    id: 'github',
    hostPath: 'token.actions.githubusercontent.com',
    registered: true,
  });
  const sub = ((ex['statements'] as Obj[])[0]?.['conditions'] as Obj[])[1] as Obj;
  t.match(sub, {
    operator: 'StringLike',
    key: 'token.actions.githubusercontent.com:sub',
    requestValues: ['repo:acme/app:pull_request'],
    policyValues: ['repo:acme/app:ref:refs/heads/*'],
    result: false,
    rule: 'compare',
    span: { start: { line: 13, column: 9 } },
  });
  t.match((ex['diagnoses'] as Obj[])[0], {
    cause: 'github-pull-request-subject',
    at: { file: 'policies/gha-deploy.trust.json', line: 13, column: 9 },
  });
  // The raw note becomes its line in the user's terms, pointing at the README.
  t.equal((ex['unconfirmed'] as string[]).length, 1);
  t.match(
    (ex['unconfirmed'] as string[])[0],
    /^UNCONFIRMED \[bare-multivalued\]: .*How exact is it\?/,
  );
  t.notMatch(JSON.stringify(ex), /§/, "no section number of trustspec's notes anywhere");
  t.match((ex['findings'] as Obj[])[0], { code: 'condition-key-absent', severity: 'warning' });
  t.match((ex['context'] as Obj[])[0], {
    key: 'token.actions.githubusercontent.com:sub',
    source: 'token claim "sub"',
  });
  t.match((ex['actions'] as Obj[])[0], { action: 'sts:AssumeRoleWithWebIdentity', allowed: false });
  t.equal((results[4]?.['explanation'] as Obj)['statements'] instanceof Array, true);
});

t.test('output is deterministic and independent of the trace objects key order', async (t) => {
  const a = mixedReport();
  const b = mixedReport();
  // Rebuild every check with its keys in reverse order: the output must not change.
  for (const r of b.results) {
    if (r.decision) {
      r.decision.checks = r.decision.checks.map(
        (c) => Object.fromEntries(Object.entries(c).reverse()) as typeof c,
      );
    }
  }
  t.equal(jsonReport(a, opts), jsonReport(b, opts));
});

t.test('an empty run', async (t) => {
  const doc = JSON.parse(jsonReport(EMPTY, opts)) as Obj;
  t.same(doc['summary'], {
    files: 0,
    scenarios: 0,
    passed: 0,
    failed: 0,
    errors: 0,
    skipped: 0,
    warnings: 0,
    blocked: 0,
    suppressed: 0,
    strict: false,
  });
  t.same(doc['results'], []);
  t.same(doc['errors'], []);
});

t.test('without cwd, paths are kept as given', async (t) => {
  const doc = JSON.parse(jsonReport(mixedReport(), { color: false })) as Obj;
  t.equal((doc['results'] as Obj[])[0]?.['file'], '/repo/policies/gha-deploy.trustspec.yaml');
});

t.test('expected code and skip reason are added fields', async (t) => {
  const report = mixedReport();
  const skipped = report.results[3];
  if (skipped) skipped.skipReason = 'other scenarios are marked only';
  const denied = report.results[4];
  if (denied && denied.expected.decision === 'deny') denied.expected.code = 'InvalidIdentityToken';
  const results = (JSON.parse(jsonReport(report, opts)) as Obj)['results'] as Obj[];
  t.match(results[3], { skipped: true, skipReason: 'other scenarios are marked only' });
  t.match(results[4], { expectedCode: 'InvalidIdentityToken', skipReason: null });
  t.match(results[0], { expectedStage: null, expectedCode: null, because: null });
});
