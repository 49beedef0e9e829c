/**
 * The Access Analyzer adapter with the real SDK client against the loopback fake: what is sent,
 * how findings are placed, pagination, and every fault of the fault model. Credentials come from
 * the environment, the endpoint from AWS_ENDPOINT_URL_ACCESSANALYZER (test/helpers/aws-env.ts).
 * No test asserts a duration; timeouts are short only so that the hang cases end soon.
 */
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import {
  checkNoPublicAccess,
  jsonTextLocator,
  validateTrustPolicy,
  type AccessAnalyzerOptions,
  type PublicAccessOutcome,
  type ValidateOutcome,
} from '../../lib/aws/access-analyzer.js';
import { awsTestEnv, noWaitRetries } from '../helpers/aws-env.js';
import {
  startFakeAccessAnalyzer,
  type FakeAccessAnalyzer,
  type FakeReply,
} from '../helpers/fake-access-analyzer.js';

const FIXTURES = new URL('../fixtures/access-analyzer/', import.meta.url);
const COGNITO_TEXT = readFileSync(new URL('cognito-trust.json', FIXTURES), 'utf8');
const COGNITO_ANSWER = JSON.parse(
  readFileSync(new URL('cognito-validate-policy.json', FIXTURES), 'utf8'),
) as { findings: { locations: { path: Record<string, unknown>[] }[] }[] };

const GITHUB_TEXT = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": { "StringEquals": { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } }
    }
  ]
}
`;

/**
 * No waits between retries. The timeouts are generous, so that a busy machine does not turn an
 * answer into a retry; only the hang cases set short ones, to end soon.
 */
const FAST: AccessAnalyzerOptions = {
  retryStrategy: noWaitRetries(),
  requestTimeoutMs: 10_000,
  deadlineMs: 60_000,
};

async function fake(t: Test): Promise<FakeAccessAnalyzer> {
  const f = await startFakeAccessAnalyzer();
  t.teardown(() => f.close());
  awsTestEnv(t, f.url);
  return f;
}

const finding = (issueCode: string, findingType = 'WARNING', extra: object = {}) => ({
  findingDetails: `details of ${issueCode}`,
  findingType,
  issueCode,
  learnMoreLink: `https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#x-${issueCode}`,
  locations: [],
  ...extra,
});

t.test('ValidatePolicy: the request as AWS documents it for a trust policy', async (t) => {
  const f = await fake(t);
  const out = await validateTrustPolicy(GITHUB_TEXT, FAST);
  t.same(out, { status: 'ok', findings: [], pages: 1 });
  t.equal(f.requests.length, 1);
  const [req] = f.requests;
  t.equal(req?.method, 'POST');
  t.equal(req?.path, '/policy/validation');
  t.same(req?.query, {}, 'no page token on the first page');
  t.match(req?.headers['content-type'], /^application\/json/);
  t.match(
    req?.headers.authorization,
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLETRUSTSPEC\/\d{8}\/us-east-1\/access-analyzer\/aws4_request/,
  );
  t.same(req?.body, {
    policyDocument: GITHUB_TEXT,
    policyType: 'RESOURCE_POLICY',
    validatePolicyResourceType: 'AWS::IAM::AssumeRolePolicyDocument',
  });
});

t.test("AWS's own example: findings with spans land on the values they name", async (t) => {
  const f = await fake(t);
  f.queue('ValidatePolicy', { body: COGNITO_ANSWER });
  const out = await validateTrustPolicy(COGNITO_TEXT, { ...FAST, file: 'roles/cognito.json' });
  if (out.status !== 'ok') throw new Error(`unexpected ${JSON.stringify(out)}`);
  t.same(
    out.findings.map((x) => [x.code, x.severity, x.findingType, x.file]),
    [
      ['access-analyzer/EMPTY_SID_VALUE', 'info', 'SUGGESTION', 'roles/cognito.json'],
      ['access-analyzer/MISMATCHED_ACTION_FOR_PRINCIPAL', 'error', 'ERROR', 'roles/cognito.json'],
      [
        'access-analyzer/UNSUPPORTED_ACTION_FOR_CONDITION_KEY',
        'error',
        'ERROR',
        'roles/cognito.json',
      ],
    ],
  );
  const mismatched = out.findings[1];
  t.match(
    mismatched?.message,
    /^The sts:AssumeRole action is invalid with the following principal/,
  );
  t.match(
    mismatched?.hint,
    /#access-analyzer-reference-policy-checks-error-mismatched-action-for-principal$/,
  );
  t.same(
    mismatched?.locations.map((l) => l.path),
    [
      [{ value: 'Statement' }, { index: 0 }, { value: 'Action' }, { index: 0 }],
      [{ value: 'Statement' }, { index: 0 }, { value: 'Principal' }, { value: 'Federated' }],
    ],
  );
  // AWS counts columns from 0, trustspec from 1: the same character either way.
  t.same(mismatched?.span, {
    start: { line: 11, column: 17, offset: 258 },
    end: { line: 11, column: 33, offset: 274 },
  });
  // Every span is the span trustspec's JSON reader gives the node at the finding's path (the
  // last location's end aside: see test/fixtures/access-analyzer/SOURCE.md).
  const locate = jsonTextLocator(COGNITO_TEXT);
  if (!locate) throw new Error('the fixture reads as JSON');
  const steps = (path: Record<string, unknown>[]) =>
    path.map((e) => (typeof e.index === 'number' ? e.index : (e.value as string)));
  const all = out.findings.flatMap((x) => x.locations);
  t.equal(all.length, 5);
  for (const [i, loc] of all.entries()) {
    const ours = locate(steps(loc.path as Record<string, unknown>[]), 'value');
    if (i === 4) t.same(loc.span?.start, ours?.start, 'the condition value starts where AWS says');
    else
      t.same(
        loc.span,
        ours,
        `location ${i}: ${COGNITO_TEXT.slice(ours?.start.offset, ours?.end.offset)}`,
      );
  }
});

t.test(
  'with a locator, findings are placed by their path, not by the span in the text sent',
  async (t) => {
    const f = await fake(t);
    f.queue('ValidatePolicy', { body: COGNITO_ANSWER });
    const asked: string[] = [];
    const at = (line: number) => ({
      start: { line, column: 3, offset: line * 100 },
      end: { line, column: 9, offset: line * 100 + 6 },
    });
    const out = await validateTrustPolicy(JSON.stringify(JSON.parse(COGNITO_TEXT)), {
      ...FAST,
      file: 'template.yaml',
      locate: (path, part) => {
        asked.push(`${path.join('.')}:${part}`);
        return path[2] === 'Sid'
          ? at(40)
          : path[2] === 'Action'
            ? at(50 + Number(path[3]))
            : undefined;
      },
    });
    if (out.status !== 'ok') throw new Error(`unexpected ${JSON.stringify(out)}`);
    t.same(out.findings[0]?.span, at(40), 'Sid');
    t.same(out.findings[1]?.span, at(50), 'Action[0]: the first placed location');
    t.same(
      out.findings[1]?.locations[1]?.span,
      undefined,
      'Principal.Federated: neither it nor an ancestor is placed',
    );
    t.same(
      out.findings[2]?.locations.map((l) => l.span),
      [at(51), undefined],
    );
    t.ok(asked.includes('Statement.0.Principal.Federated:value'));
    t.ok(asked.includes('Statement.0.Principal:value'), 'the nearest ancestor is tried next');
  },
);

t.test('pagination: every page, each asked with the previous nextToken', async (t) => {
  const f = await fake(t);
  f.queue(
    'ValidatePolicy',
    { body: { findings: [finding('A')], nextToken: 'page-2' } },
    { body: { findings: [finding('B'), finding('C')], nextToken: 'page-3' } },
    { body: { findings: [finding('D', 'SECURITY_WARNING')] } },
  );
  const out = await validateTrustPolicy(GITHUB_TEXT, FAST);
  if (out.status !== 'ok') throw new Error(`unexpected ${JSON.stringify(out)}`);
  t.equal(out.pages, 3);
  t.same(
    out.findings.map((x) => [x.issueCode, x.severity]),
    [
      ['A', 'warning'],
      ['B', 'warning'],
      ['C', 'warning'],
      ['D', 'warning'],
    ],
  );
  t.same(
    f.requests.map((r) => r.query.nextToken),
    [undefined, 'page-2', 'page-3'],
  );
  t.ok(
    f.requests.every((r) => (r.body as { policyDocument: string }).policyDocument === GITHUB_TEXT),
  );
});

t.test('a page token that comes back again ends the call as unavailable', async (t) => {
  const f = await fake(t);
  const page = { body: { findings: [finding('A')], nextToken: 'same' } };
  f.queue('ValidatePolicy', page, page, page);
  const out = await validateTrustPolicy(GITHUB_TEXT, FAST);
  t.match(out, { status: 'unavailable', reason: 'Access Analyzer kept returning pages (2 read)' });
  t.equal(f.requests.length, 2);
});

t.test(
  'finding types map to severities; an unknown type is a warning, never dropped',
  async (t) => {
    const f = await fake(t);
    const types = ['ERROR', 'SECURITY_WARNING', 'WARNING', 'SUGGESTION', 'NEW_KIND'];
    f.queue('ValidatePolicy', { body: { findings: types.map((x) => finding(`C_${x}`, x)) } });
    const out = await validateTrustPolicy(GITHUB_TEXT, FAST);
    if (out.status !== 'ok') throw new Error(`unexpected ${JSON.stringify(out)}`);
    t.same(
      out.findings.map((x) => x.severity),
      ['error', 'warning', 'warning', 'info', 'warning'],
    );
  },
);

const THROTTLED: FakeReply = {
  error: 'ThrottlingException',
  status: 429,
  message: 'Rate exceeded',
};

t.test("the SDK's standard retries (real waits): 429 then an answer is an answer", async (t) => {
  const f = await fake(t);
  f.queue('ValidatePolicy', THROTTLED, { body: { findings: [finding('A')] } });
  const out = await validateTrustPolicy(GITHUB_TEXT, { requestTimeoutMs: 10_000 });
  t.match(out, { status: 'ok', pages: 1 });
  t.equal(f.requests.length, 2, 'one retry');
});

t.test("the SDK's standard retries (real waits): 429 three times is unavailable", async (t) => {
  const f = await fake(t);
  f.queue('ValidatePolicy', THROTTLED, THROTTLED, THROTTLED, { body: { findings: [] } });
  const out = await validateTrustPolicy(GITHUB_TEXT, { requestTimeoutMs: 10_000 });
  t.same(out, {
    status: 'unavailable',
    reason: 'throttled after 3 attempts',
    error: 'ThrottlingException',
    attempts: 3,
    scope: 'call',
  });
  t.equal(f.requests.length, 3, 'three attempts, the default');
});

interface FaultCase {
  name: string;
  replies: FakeReply[];
  opts?: AccessAnalyzerOptions;
  reason: string;
  requests: number;
  scope?: 'call' | 'action' | 'session';
}

const FAULTS: FaultCase[] = [
  {
    name: 'throttled until retries run out',
    replies: [THROTTLED, THROTTLED, THROTTLED],
    reason: 'throttled after 3 attempts',
    requests: 3,
  },
  {
    name: 'HTTP 500 InternalServerException',
    replies: Array(3).fill({
      error: 'InternalServerException',
      status: 500,
      message: 'Internal failure',
    }),
    reason: 'service error (HTTP 500 InternalServerException) after 3 attempts',
    requests: 3,
  },
  {
    name: 'an HTML 503 from a load balancer',
    replies: Array(3).fill({
      raw: '<html><body>503 Service Unavailable</body></html>',
      status: 503,
      contentType: 'text/html',
    }),
    reason: 'service error (HTTP 503) after 3 attempts',
    requests: 3,
  },
  {
    name: 'a connection dropped every time',
    replies: Array(3).fill({ destroy: true }),
    reason: 'the connection was dropped (ECONNRESET) after 3 attempts',
    requests: 3,
  },
  {
    name: 'a hang: each attempt times out',
    replies: Array(3).fill({ hang: true }),
    opts: { requestTimeoutMs: 200 },
    reason: 'timed out after 3 attempts (0.2 s each)',
    requests: 3,
  },
  {
    name: 'a hang past the overall deadline',
    replies: [{ hang: true }],
    opts: { requestTimeoutMs: 30_000, deadlineMs: 2_000 },
    reason: 'no answer within the 2 s deadline',
    requests: 1,
  },
  {
    name: 'AccessDeniedException (not retried)',
    replies: [
      {
        error: 'AccessDeniedException',
        status: 403,
        message:
          'User: arn:aws:iam::111122223333:user/ci is not authorized to perform: access-analyzer:ValidatePolicy',
      },
    ],
    reason: 'access denied: access-analyzer:ValidatePolicy',
    requests: 1,
    scope: 'action',
  },
  {
    name: 'credentials AWS does not know',
    replies: [
      {
        error: 'UnrecognizedClientException',
        status: 403,
        message: 'The security token included in the request is invalid.',
      },
    ],
    reason: 'AWS did not accept the credentials (UnrecognizedClientException)',
    requests: 1,
    scope: 'session',
  },
];

for (const c of FAULTS) {
  t.test(`fault: ${c.name} → unavailable, never a pass`, async (t) => {
    const f = await fake(t);
    f.queue('ValidatePolicy', ...c.replies);
    const out = await validateTrustPolicy(GITHUB_TEXT, { ...FAST, ...c.opts });
    t.match(out, { status: 'unavailable', reason: c.reason, scope: c.scope ?? 'call' });
    t.equal(f.requests.length, c.requests, 'requests made');
  });
}

t.test('the deadline also bounds CheckNoPublicAccess', async (t) => {
  const f = await fake(t);
  f.queue('CheckNoPublicAccess', { hang: true });
  const out = await checkNoPublicAccess(GITHUB_TEXT, {
    ...FAST,
    requestTimeoutMs: 30_000,
    deadlineMs: 2_000,
  });
  t.match(out, { status: 'unavailable', reason: 'no answer within the 2 s deadline' });
});

t.test('ValidationException is a finding about the policy, not an outage', async (t) => {
  const f = await fake(t);
  f.queue('ValidatePolicy', {
    error: 'ValidationException',
    status: 400,
    message: 'Invalid policy document: Unexpected character',
    extra: { reason: 'cannotParse' },
  });
  const out = await validateTrustPolicy('{"Version": "2012-10-17", "Statement": [', {
    ...FAST,
    file: 'broken.json',
  });
  t.equal(out.status, 'refused');
  if (out.status !== 'refused') return;
  t.same(
    out.findings.map((x) => [x.code, x.severity, x.file]),
    [['access-analyzer/validation-exception', 'error', 'broken.json']],
  );
  t.equal(
    out.findings[0]?.message,
    'Access Analyzer could not analyze this policy: Invalid policy document: Unexpected character (cannotParse)',
  );
  t.equal(f.requests.length, 1, 'not retried');
});

t.test(
  "the fake refuses what the service refuses: a missing member is AWS's ValidationException",
  async (t) => {
    const f = await fake(t);
    f.queue('CheckNoPublicAccess', {
      error: 'InvalidParameterException',
      status: 400,
      message: 'Unsupported resource type',
    });
    const out = await checkNoPublicAccess(GITHUB_TEXT, FAST);
    t.match(out, {
      status: 'refused',
      findings: [{ code: 'access-analyzer/invalid-parameter-exception', severity: 'error' }],
    });
    const empty = await validateTrustPolicy('', FAST);
    t.match(empty, {
      status: 'refused',
      findings: [
        {
          code: 'access-analyzer/validation-exception',
          hint: /policyDocument: Member must not be null/,
        },
      ],
    });
  },
);

t.test('no credentials anywhere: unavailable, and no request is made', async (t) => {
  const f = await startFakeAccessAnalyzer();
  t.teardown(() => f.close());
  awsTestEnv(t, f.url, { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
  const outs: (ValidateOutcome | PublicAccessOutcome)[] = [
    await validateTrustPolicy(GITHUB_TEXT, FAST),
    await checkNoPublicAccess(GITHUB_TEXT, FAST),
  ];
  for (const out of outs) {
    t.match(out, {
      status: 'unavailable',
      reason: 'no AWS credentials found',
      hint: /AWS_PROFILE/,
      error: 'CredentialsProviderError',
      attempts: 0,
      scope: 'session',
    });
  }
  const named = await validateTrustPolicy(GITHUB_TEXT, { ...FAST, profile: 'ci' });
  t.match(named, { status: 'unavailable', reason: 'no AWS credentials found for profile ci' });
  t.equal(f.requests.length, 0);
});

t.test('no region anywhere: unavailable, no request', async (t) => {
  const f = await startFakeAccessAnalyzer();
  t.teardown(() => f.close());
  awsTestEnv(t, f.url, { AWS_REGION: undefined });
  const out = await validateTrustPolicy(GITHUB_TEXT, FAST);
  t.match(out, { status: 'unavailable', reason: 'no AWS region configured', scope: 'session' });
  t.equal(f.requests.length, 0);
  const given = await validateTrustPolicy(GITHUB_TEXT, { ...FAST, region: 'eu-west-1' });
  t.match(given, { status: 'ok' });
  t.match(
    f.requests[0]?.headers.authorization,
    /\/eu-west-1\/access-analyzer\//,
    'signed for the region given',
  );
});

t.test('a profile from the shared files gives the credentials and the region', async (t) => {
  const f = await startFakeAccessAnalyzer();
  t.teardown(() => f.close());
  const env = awsTestEnv(t, f.url, {
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_REGION: undefined,
  });
  process.env.AWS_CONFIG_FILE = env.file('config', '[profile ci]\nregion = ap-southeast-2\n');
  process.env.AWS_SHARED_CREDENTIALS_FILE = env.file(
    'credentials',
    '[ci]\naws_access_key_id = AKIDPROFILECI\naws_secret_access_key = fake-profile-secret\n',
  );
  const out = await validateTrustPolicy(GITHUB_TEXT, { ...FAST, profile: 'ci' });
  t.match(out, { status: 'ok' });
  t.match(
    f.requests[0]?.headers.authorization,
    /Credential=AKIDPROFILECI\/\d{8}\/ap-southeast-2\//,
  );
});

t.test(
  'endpoint overrides: the service-specific variable wins over AWS_ENDPOINT_URL',
  async (t) => {
    const used = await startFakeAccessAnalyzer();
    const other = await startFakeAccessAnalyzer();
    t.teardown(() => Promise.all([used.close(), other.close()]));
    awsTestEnv(t, used.url, { AWS_ENDPOINT_URL: other.url });
    t.match(await validateTrustPolicy(GITHUB_TEXT, FAST), { status: 'ok' });
    t.equal(used.requests.length, 1);
    t.equal(other.requests.length, 0);
    delete process.env.AWS_ENDPOINT_URL_ACCESSANALYZER;
    t.match(await validateTrustPolicy(GITHUB_TEXT, FAST), { status: 'ok' });
    t.equal(other.requests.length, 1, 'AWS_ENDPOINT_URL alone is used too');
  },
);

t.test('nothing listening at the endpoint: unavailable after the retries', async (t) => {
  const f = await startFakeAccessAnalyzer();
  const url = f.url;
  await f.close();
  awsTestEnv(t, url);
  const out = await validateTrustPolicy(GITHUB_TEXT, FAST);
  t.match(out, {
    status: 'unavailable',
    reason: 'could not reach Access Analyzer (ECONNREFUSED) after 3 attempts',
  });
});

t.test(
  'CheckNoPublicAccess: the request, PASS, and FAIL with reasons at their statements',
  async (t) => {
    const f = await fake(t);
    const pass = await checkNoPublicAccess(GITHUB_TEXT, FAST);
    t.same(pass, {
      status: 'ok',
      result: 'PASS',
      message: 'The resource policy does not grant public access for the given resource type.',
      reasons: [],
      findings: [],
    });
    t.same(f.requests[0]?.path, '/policy/check-no-public-access');
    t.same(f.requests[0]?.body, {
      policyDocument: GITHUB_TEXT,
      resourceType: 'AWS::IAM::AssumeRolePolicyDocument',
    });

    f.queue('CheckNoPublicAccess', {
      body: {
        result: 'FAIL',
        message: 'The resource policy grants public access for the given resource type.',
        reasons: [
          {
            description: 'One or more statements grant public access.',
            statementIndex: 0,
            statementId: 'GitHub',
          },
        ],
      },
    });
    const fail = await checkNoPublicAccess(GITHUB_TEXT, { ...FAST, file: 'gh.json' });
    if (fail.status !== 'ok') throw new Error(`unexpected ${JSON.stringify(fail)}`);
    t.equal(fail.result, 'FAIL');
    t.same(
      fail.findings.map((x) => [
        x.code,
        x.severity,
        x.message,
        x.file,
        x.span?.start.line,
        x.span?.end.line,
      ]),
      [
        [
          'access-analyzer/check-no-public-access',
          'error',
          'One or more statements grant public access. (Sid GitHub)',
          'gh.json',
          4,
          9,
        ],
      ],
    );
  },
);

t.test('CheckNoPublicAccess FAIL: one statement not in a list, and no reasons', async (t) => {
  const f = await fake(t);
  const single =
    '{"Version": "2012-10-17",\n "Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity"}}';
  f.queue(
    'CheckNoPublicAccess',
    {
      body: {
        result: 'FAIL',
        message: 'public',
        reasons: [{ description: 'grants public access', statementIndex: 0 }],
      },
    },
    { body: { result: 'FAIL', message: 'The policy grants public access.' } },
  );
  const one = await checkNoPublicAccess(single, FAST);
  t.match(one, {
    status: 'ok',
    result: 'FAIL',
    findings: [
      { message: 'grants public access (statement 1)', span: { start: { line: 2, column: 15 } } },
    ],
  });
  const bare = await checkNoPublicAccess(single, FAST);
  t.match(bare, {
    status: 'ok',
    findings: [{ message: 'The policy grants public access.', locations: [] }],
  });
  t.notOk(
    bare.status === 'ok' && bare.findings[0]?.span,
    'no reasons: the finding is about the whole file',
  );
});

t.test('CheckNoPublicAccess answering neither PASS nor FAIL is not a pass', async (t) => {
  const f = await fake(t);
  f.queue('CheckNoPublicAccess', { body: { result: 'MAYBE' } });
  t.match(await checkNoPublicAccess(GITHUB_TEXT, FAST), {
    status: 'unavailable',
    reason: 'CheckNoPublicAccess answered neither PASS nor FAIL (MAYBE)',
  });
  t.match(await checkNoPublicAccess(GITHUB_TEXT, { ...FAST, file: 'x' }), {
    status: 'ok',
    result: 'PASS',
  });
});

t.test('AccessDenied names the action of the check that was denied', async (t) => {
  const f = await fake(t);
  f.queue('CheckNoPublicAccess', {
    error: 'AccessDeniedException',
    status: 403,
    message: 'denied',
  });
  t.match(await checkNoPublicAccess(GITHUB_TEXT, FAST), {
    status: 'unavailable',
    reason: 'access denied: access-analyzer:CheckNoPublicAccess',
    hint: 'allow access-analyzer:CheckNoPublicAccess to the identity the credentials belong to',
  });
});
