/**
 * The batch cross-check through the real SDK and the loopback fake: one call per distinct policy
 * text and check, results per file, calls stopped by a cause that reaches further than one call,
 * and the summary that never counts an unanswered check as a pass.
 */
import t, { type Test } from 'tap';
import type { Span } from '../../lib/diagnostics.js';
import { openAccessAnalyzer } from '../../lib/aws/access-analyzer.js';
import {
  crossCheck,
  summarize,
  type CrossCheckOptions,
  type PolicyCrossCheck,
  type PolicyToCheck,
} from '../../lib/aws/cross-check.js';
import { awsTestEnv, noWaitRetries } from '../helpers/aws-env.js';
import {
  startFakeAccessAnalyzer,
  type FakeAccessAnalyzer,
  type FakeReply,
  type FakeRequest,
} from '../helpers/fake-access-analyzer.js';

const doc = (sub: string) =>
  JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: {
            Federated:
              'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
          },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': sub } },
        },
      ],
    },
    null,
    2,
  );

const A = doc('repo:octo-org/app:*');
const B = doc('repo:octo-org/*');
const POLICIES: PolicyToCheck[] = [
  { file: 'roles/app.json', text: A },
  { file: 'roles/org.json', text: B },
  { file: 'copies/app.json', text: A },
];

/** No waits between retries; a timeout generous enough that a busy machine causes no retry. */
const FAST: CrossCheckOptions = { retryStrategy: noWaitRetries(), requestTimeoutMs: 10_000 };
const THROTTLED: FakeReply = {
  error: 'ThrottlingException',
  status: 429,
  message: 'Rate exceeded',
};

const textOf = (r: FakeRequest) => (r.body as { policyDocument: string }).policyDocument;
const count = (f: FakeAccessAnalyzer, op: FakeRequest['operation'], text?: string) =>
  f.requests.filter((r) => r.operation === op && (text === undefined || textOf(r) === text)).length;

async function fake(t: Test, env: Record<string, string | undefined> = {}) {
  const f = await startFakeAccessAnalyzer();
  t.teardown(() => f.close());
  awsTestEnv(t, f.url, env);
  return f;
}

/** The wildcard warning for policy B, at the `sub` value, as Access Analyzer would place it. */
function wildcardFinding(text: string) {
  const at = text.indexOf('"repo:octo-org/*"');
  const line = text.slice(0, at).split('\n').length;
  const column = at - (text.lastIndexOf('\n', at) + 1);
  return {
    findingDetails:
      'Using a wildcard (*) in token.actions.githubusercontent.com:sub can allow requests from more sources than you intended.',
    findingType: 'WARNING',
    issueCode: 'SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED',
    learnMoreLink:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-specific-github-repo-and-branch-recommended',
    locations: [
      {
        path: [
          { value: 'Statement' },
          { index: 0 },
          { value: 'Condition' },
          { value: 'StringLike' },
          { value: 'token.actions.githubusercontent.com:sub' },
        ],
        span: {
          start: { line, column, offset: at },
          end: { line, column: column + 17, offset: at + 17 },
        },
      },
    ],
  };
}

const shape = (p: PolicyCrossCheck) => [
  p.file,
  p.status,
  p.findings.map((x) => x.code),
  p.publicAccess ?? '-',
];

t.test('every policy checked; a repeated text is asked once and placed in each file', async (t) => {
  const f = await fake(t);
  f.route('ValidatePolicy', (r) =>
    textOf(r) === B ? { body: { findings: [wildcardFinding(B)] } } : undefined,
  );
  const report = await crossCheck(POLICIES, FAST);
  t.same(report.policies.map(shape), [
    ['roles/app.json', 'ok', [], 'PASS'],
    [
      'roles/org.json',
      'ok',
      ['access-analyzer/SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED'],
      'PASS',
    ],
    ['copies/app.json', 'ok', [], 'PASS'],
  ]);
  t.same(report.policies[1]?.findings[0]?.span?.start, {
    line: 12,
    column: 54,
    offset: B.indexOf('"repo:octo-org/*"'),
  });
  t.equal(report.policies[1]?.findings[0]?.file, 'roles/org.json');
  t.equal(count(f, 'ValidatePolicy', A), 1, 'the copy reuses the answer');
  t.equal(count(f, 'CheckNoPublicAccess', A), 1);
  t.equal(count(f, 'ValidatePolicy', B), 1);
  t.equal(count(f, 'CheckNoPublicAccess', B), 1);
  t.same(
    [report.calls, report.charged, report.unavailableCount, report.summary],
    [4, 2, 0, undefined],
  );
});

t.test('the same text from two sources: each placed by its own locator', async (t) => {
  const f = await fake(t);
  f.queue('ValidatePolicy', { body: { findings: [wildcardFinding(B)] } });
  const at = (line: number): Span => ({
    start: { line, column: 1, offset: line * 10 },
    end: { line, column: 5, offset: line * 10 + 4 },
  });
  const report = await crossCheck(
    [
      { file: 'one.yaml', text: B, locate: (path) => (path.length === 5 ? at(7) : undefined) },
      { file: 'two.yaml', text: B, locate: (path) => (path.length === 5 ? at(30) : undefined) },
    ],
    { ...FAST, checks: ['validate'] },
  );
  t.same(
    report.policies.map((p) => [p.file, p.findings[0]?.span?.start.line]),
    [
      ['one.yaml', 7],
      ['two.yaml', 30],
    ],
  );
  t.equal(f.requests.length, 1);
  t.same([report.calls, report.charged], [1, 0], 'ValidatePolicy is not a charged check');
});

t.test('throttled for one policy: that one is unavailable, the others stand', async (t) => {
  const f = await fake(t);
  f.route('ValidatePolicy', (r) => (textOf(r) === B ? THROTTLED : undefined));
  const report = await crossCheck(POLICIES, FAST);
  t.same(report.policies.map(shape), [
    ['roles/app.json', 'ok', [], 'PASS'],
    ['roles/org.json', 'unavailable', [], 'PASS'],
    ['copies/app.json', 'ok', [], 'PASS'],
  ]);
  t.same(report.policies[1]?.unavailable, [
    { check: 'validate', reason: 'throttled after 3 attempts' },
  ]);
  t.equal(
    report.summary,
    'cross-check unavailable for 1 of 3 policies: throttled after 3 attempts',
  );
  t.equal(report.unavailableCount, 1);
  t.equal(count(f, 'ValidatePolicy', B), 3, 'the SDK retried');
  t.equal(count(f, 'CheckNoPublicAccess', B), 1, 'a throttled call does not stop the other check');
});

t.test('no credentials: every policy unavailable, not one request', async (t) => {
  const f = await fake(t, { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
  const report = await crossCheck(POLICIES, FAST);
  t.same(
    report.policies.map((p) => p.status),
    ['unavailable', 'unavailable', 'unavailable'],
  );
  t.same(
    report.policies[0]?.unavailable.map((u) => [u.check, u.reason]),
    [
      ['validate', 'no AWS credentials found'],
      ['public', 'no AWS credentials found'],
    ],
  );
  t.match(report.policies[0]?.unavailable[0]?.hint, /AWS_PROFILE/);
  t.equal(report.summary, 'cross-check unavailable for 3 of 3 policies: no AWS credentials found');
  t.same([report.calls, report.charged], [0, 0]);
  t.equal(f.requests.length, 0);
});

t.test('access denied for one check: it stops; the other check goes on', async (t) => {
  const f = await fake(t);
  f.route('CheckNoPublicAccess', () => ({
    error: 'AccessDeniedException',
    status: 403,
    message: 'not authorized',
  }));
  const report = await crossCheck(
    [
      ...POLICIES,
      { file: 'roles/other.json', text: doc('repo:octo-org/other:ref:refs/heads/main') },
    ],
    { ...FAST, concurrency: 1 },
  );
  t.equal(count(f, 'CheckNoPublicAccess'), 1, 'asked once, then stopped');
  t.equal(count(f, 'ValidatePolicy'), 3, 'every distinct text validated');
  t.same(
    report.policies.map((p) => p.status),
    ['unavailable', 'unavailable', 'unavailable', 'unavailable'],
  );
  t.equal(
    report.summary,
    'cross-check unavailable for 4 of 4 policies: access denied: access-analyzer:CheckNoPublicAccess',
  );
  t.same([report.calls, report.charged], [3, 0]);
});

t.test(
  'different reasons are listed with their counts; a refusal is a finding, not an outage',
  async (t) => {
    const f = await fake(t);
    const C = doc('repo:octo-org/c:*');
    f.route('ValidatePolicy', (r) =>
      textOf(r) === B
        ? THROTTLED
        : textOf(r) === C
          ? { error: 'InternalServerException', status: 500, message: 'boom' }
          : {
              error: 'ValidationException',
              status: 400,
              message: 'Invalid policy',
              extra: { reason: 'cannotParse' },
            },
    );
    const report = await crossCheck(
      [POLICIES[0] as PolicyToCheck, POLICIES[1] as PolicyToCheck, { file: 'c.json', text: C }],
      { ...FAST, checks: ['validate'] },
    );
    t.same(report.policies.map(shape), [
      ['roles/app.json', 'ok', ['access-analyzer/validation-exception'], '-'],
      ['roles/org.json', 'unavailable', [], '-'],
      ['c.json', 'unavailable', [], '-'],
    ]);
    t.equal(
      report.summary,
      'cross-check unavailable for 2 of 3 policies: throttled after 3 attempts (1); service error (HTTP 500 InternalServerException) after 3 attempts (1)',
    );
    t.same(
      [report.calls, report.charged],
      [1, 0],
      'the refusal was an answer; the outages were not',
    );
  },
);

t.test('CheckNoPublicAccess FAIL: the answer and the finding, in the file', async (t) => {
  const f = await fake(t);
  f.route('CheckNoPublicAccess', (r) =>
    textOf(r) === B
      ? {
          body: {
            result: 'FAIL',
            message: 'public',
            reasons: [{ description: 'grants public access', statementIndex: 0 }],
          },
        }
      : undefined,
  );
  const report = await crossCheck(POLICIES.slice(0, 2), { ...FAST, checks: ['public'] });
  t.same(report.policies.map(shape), [
    ['roles/app.json', 'ok', [], 'PASS'],
    ['roles/org.json', 'ok', ['access-analyzer/check-no-public-access'], 'FAIL'],
  ]);
  t.equal(report.policies[1]?.findings[0]?.span?.start.line, 4, 'at the statement');
  t.equal(count(f, 'ValidatePolicy'), 0);
  t.same([report.calls, report.charged], [2, 2]);
});

t.test('a session given by the caller is used and left open', async (t) => {
  const f = await fake(t);
  const session = await openAccessAnalyzer({ retryStrategy: noWaitRetries() });
  if ('status' in session) throw new Error(session.reason);
  t.teardown(() => session.close());
  const one = await crossCheck(POLICIES.slice(0, 1), { session, checks: ['validate'] });
  const two = await crossCheck(POLICIES.slice(1, 2), { session, checks: ['validate'] });
  t.same([one.policies[0]?.status, two.policies[0]?.status], ['ok', 'ok']);
  t.equal(f.requests.length, 2);
});

t.test('summarize: wording', (t) => {
  const p = (status: 'ok' | 'unavailable', ...reasons: string[]): PolicyCrossCheck => ({
    file: 'x',
    status,
    findings: [],
    unavailable: reasons.map((reason) => ({ check: 'validate', reason })),
  });
  t.equal(summarize([]), undefined);
  t.equal(summarize([p('ok')]), undefined);
  t.equal(summarize([p('unavailable', 'r')]), 'cross-check unavailable for 1 of 1 policy: r');
  t.equal(
    summarize([p('unavailable', 'r', 'r'), p('unavailable', 'r'), p('ok')]),
    'cross-check unavailable for 2 of 3 policies: r',
    'one reason twice in a policy counts once',
  );
  t.equal(
    summarize([p('unavailable', 'r', 's'), p('unavailable', 'r')]),
    'cross-check unavailable for 2 of 2 policies: r; s (1)',
    'a reason shared by all needs no count',
  );
  t.end();
});
