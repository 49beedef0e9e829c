/**
 * The fault classification as a table, on the error shapes the SDK produces (each one also driven
 * end to end through the real client in access-analyzer.test.ts), plus the shapes a loopback test
 * cannot provoke: DNS failures, an SDK that cannot be loaded, anything thrown that is not an Error.
 */
import t from 'tap';
import { classifyFault, oneLine, type CallContext } from '../../lib/aws/unavailable.js';
import { pathElements } from '../../lib/aws/access-analyzer-findings.js';
import { validateTrustPolicy, type AccessAnalyzerSdk } from '../../lib/aws/access-analyzer.js';
import { crossCheck } from '../../lib/aws/cross-check.js';

const CTX: CallContext = {
  action: 'access-analyzer:ValidatePolicy',
  deadlineMs: 45_000,
  requestTimeoutMs: 10_000,
};

const sdkError = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), { name, ...extra });
const meta = (httpStatusCode: number | undefined, attempts: number) => ({
  $metadata: { ...(httpStatusCode ? { httpStatusCode } : {}), attempts },
});

t.test('classifyFault: table', (t) => {
  const rows: [string, unknown, Partial<CallContext>, string, string][] = [
    [
      'no credentials',
      sdkError('CredentialsProviderError'),
      {},
      'no AWS credentials found',
      'session',
    ],
    [
      'no credentials for a profile',
      sdkError('Error', {
        message:
          'Could not resolve credentials using profile: [ci] in configuration/credentials file(s).',
      }),
      { profile: 'ci' },
      'no AWS credentials found for profile ci',
      'session',
    ],
    [
      'no region',
      sdkError('Error', { message: 'Region is missing' }),
      {},
      'no AWS region configured',
      'session',
    ],
    [
      'denied',
      sdkError('AccessDeniedException', meta(403, 1)),
      {},
      'access denied: access-analyzer:ValidatePolicy',
      'action',
    ],
    [
      'denied (query protocol name)',
      sdkError('AccessDenied', meta(403, 1)),
      {},
      'access denied: access-analyzer:ValidatePolicy',
      'action',
    ],
    [
      'expired token',
      sdkError('ExpiredTokenException', meta(403, 1)),
      {},
      'AWS did not accept the credentials (ExpiredTokenException)',
      'session',
    ],
    [
      'throttled',
      sdkError('ThrottlingException', meta(429, 3)),
      {},
      'throttled after 3 attempts',
      'call',
    ],
    [
      'throttled by status only',
      sdkError('Unknown', meta(429, 2)),
      {},
      'throttled after 2 attempts',
      'call',
    ],
    [
      'throttled once',
      sdkError('TooManyRequestsException', meta(429, 1)),
      {},
      'throttled after 1 attempt',
      'call',
    ],
    [
      'deadline',
      sdkError('AbortError', meta(undefined, 1)),
      { deadlineMs: 1_500 },
      'no answer within the 1.5 s deadline',
      'call',
    ],
    [
      'timeout',
      sdkError('TimeoutError', { code: 'ETIMEDOUT', ...meta(undefined, 3) }),
      {},
      'timed out after 3 attempts (10 s each)',
      'call',
    ],
    [
      'refused',
      sdkError('Error', { code: 'ECONNREFUSED', ...meta(undefined, 3) }),
      {},
      'could not reach Access Analyzer (ECONNREFUSED) after 3 attempts',
      'call',
    ],
    [
      'DNS',
      sdkError('Error', { code: 'ENOTFOUND', ...meta(undefined, 3) }),
      {},
      'could not reach Access Analyzer (ENOTFOUND) after 3 attempts',
      'call',
    ],
    [
      'dropped',
      sdkError('TimeoutError', { code: 'ECONNRESET', ...meta(undefined, 3) }),
      {},
      'the connection was dropped (ECONNRESET) after 3 attempts',
      'call',
    ],
    [
      '5xx',
      sdkError('InternalServerException', meta(500, 3)),
      {},
      'service error (HTTP 500 InternalServerException) after 3 attempts',
      'call',
    ],
    [
      'HTML 503',
      sdkError('SyntaxError', meta(503, 3)),
      {},
      'service error (HTTP 503) after 3 attempts',
      'call',
    ],
    [
      'another 4xx',
      sdkError('ConflictException', meta(409, 1)),
      {},
      'unexpected answer (HTTP 409 ConflictException): ConflictException happened',
      'call',
    ],
    [
      'a plain Error',
      new Error('first line\nsecond line'),
      {},
      'unexpected error Error: first line',
      'call',
    ],
    ['a string thrown', 'boom', {}, 'unexpected error Error: boom', 'call'],
    ['null thrown', null, {}, 'unexpected error Error: null', 'call'],
  ];
  for (const [name, err, ctx, reason, scope] of rows) {
    const out = classifyFault(err, { ...CTX, ...ctx });
    t.equal(out.reason, reason, name);
    t.equal(out.scope, scope, `${name}: scope`);
    t.equal(out.status, 'unavailable');
    t.notMatch(out.reason, /\n/, `${name}: one line`);
  }
  t.end();
});

t.test('oneLine: first line, without padding, at most 160 characters', (t) => {
  t.equal(oneLine('  a  \nb'), 'a');
  t.equal(oneLine('x'.repeat(200)).length, 160);
  t.match(oneLine('x'.repeat(200)), /\.\.\.$/);
  t.end();
});

t.test('path elements: the four kinds; anything else is dropped', (t) => {
  t.same(
    pathElements([
      { value: 'Statement' },
      { index: 0 },
      { key: 'Resource' },
      { substring: { start: 2, length: 3 } },
      { substring: { start: -1, length: 3 } },
      { index: 1.5 },
      { other: true },
      {},
    ]),
    [
      { value: 'Statement' },
      { index: 0 },
      { key: 'Resource' },
      { substring: { start: 2, length: 3 } },
    ],
  );
  t.same(pathElements(undefined), []);
  t.end();
});

t.test('an SDK that cannot be loaded: unavailable for every policy, nothing thrown', async (t) => {
  const loadSdk = () =>
    Promise.reject(new Error("Cannot find package '@aws-sdk/client-accessanalyzer'"));
  const one = await validateTrustPolicy('{}', { loadSdk });
  t.match(one, {
    status: 'unavailable',
    reason: 'the AWS SDK for Access Analyzer could not be loaded',
    hint: /Cannot find package/,
    scope: 'session',
  });
  const report = await crossCheck(
    [
      { file: 'a.json', text: '{}' },
      { file: 'b.json', text: '{"Version": "2012-10-17"}' },
    ],
    { loadSdk },
  );
  t.same(
    report.policies.map((p) => [p.file, p.status, p.unavailable.map((u) => u.check)]),
    [
      ['a.json', 'unavailable', ['validate', 'public']],
      ['b.json', 'unavailable', ['validate', 'public']],
    ],
  );
  t.equal(
    report.summary,
    'cross-check unavailable for 2 of 2 policies: the AWS SDK for Access Analyzer could not be loaded',
  );
  t.same([report.calls, report.charged, report.unavailableCount], [0, 0, 2]);
});

t.test('a client that cannot be set up: unavailable, nothing thrown', async (t) => {
  const loadSdk = async () =>
    ({
      AccessAnalyzerClient: class {
        constructor() {
          throw new Error('Invalid configuration: bad endpoint');
        }
      },
    }) as unknown as AccessAnalyzerSdk;
  t.match(await validateTrustPolicy('{}', { loadSdk }), {
    status: 'unavailable',
    reason: 'the AWS SDK for Access Analyzer could not be set up',
    hint: 'Invalid configuration: bad endpoint',
    error: 'ClientSetupError',
  });
});
