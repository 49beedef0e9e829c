/**
 * The fake's own wire format, read with plain HTTP (no SDK): errors carry `x-amzn-errortype` and a
 * JSON `{message}` (without the header the SDK could not name them, and a fault test would pass
 * for the wrong reason), unsigned requests and missing members are refused as the service refuses
 * them, answers are JSON.
 */
import t from 'tap';
import { request } from 'node:http';
import { startFakeAccessAnalyzer } from '../helpers/fake-access-analyzer.js';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

function post(
  url: string,
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const SIGNED = {
  'content-type': 'application/json',
  authorization:
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/us-east-1/access-analyzer/aws4_request, SignedHeaders=host, Signature=0',
};
const VALID = JSON.stringify({ policyDocument: '{}', policyType: 'RESOURCE_POLICY' });

t.test('the wire format of answers and errors', async (t) => {
  const f = await startFakeAccessAnalyzer();
  t.teardown(() => f.close());
  const rows: [
    string,
    string,
    string,
    Record<string, string>,
    number,
    string | undefined,
    object,
  ][] = [
    ['an answer', '/policy/validation', VALID, SIGNED, 200, undefined, { findings: [] }],
    [
      'unsigned',
      '/policy/validation',
      VALID,
      { 'content-type': 'application/json' },
      403,
      'MissingAuthenticationTokenException',
      { message: 'Missing Authentication Token' },
    ],
    ['unknown path', '/policy/nothing', VALID, SIGNED, 404, 'UnknownOperationException', {}],
    [
      'not JSON',
      '/policy/validation',
      '{',
      SIGNED,
      400,
      'ValidationException',
      { reason: 'cannotParse' },
    ],
    [
      'no policyType',
      '/policy/validation',
      JSON.stringify({ policyDocument: '{}' }),
      SIGNED,
      400,
      'ValidationException',
      { reason: 'fieldValidationFailed', fieldList: [{ name: 'policyType' }] },
    ],
    [
      'an unknown policyType',
      '/policy/validation',
      JSON.stringify({ policyDocument: '{}', policyType: 'TRUST' }),
      SIGNED,
      400,
      'ValidationException',
      {},
    ],
    [
      'no resourceType',
      '/policy/check-no-public-access',
      JSON.stringify({ policyDocument: '{}' }),
      SIGNED,
      400,
      'ValidationException',
      { fieldList: [{ name: 'resourceType' }] },
    ],
  ];
  for (const [name, path, body, headers, status, type, match] of rows) {
    const r = await post(f.url, path, body, headers);
    t.equal(r.status, status, `${name}: status`);
    t.equal(r.headers['x-amzn-errortype'], type, `${name}: x-amzn-errortype`);
    t.match(r.body, match, `${name}: body`);
    if (type) t.type((r.body as { message?: unknown }).message, 'string', `${name}: a message`);
  }
  f.queue('ValidatePolicy', {
    error: 'ThrottlingException',
    status: 429,
    message: 'Rate exceeded',
  });
  const throttled = await post(f.url, '/policy/validation', VALID, SIGNED);
  t.same(
    [
      throttled.status,
      throttled.headers['x-amzn-errortype'],
      throttled.headers['content-type'],
      throttled.body,
    ],
    [429, 'ThrottlingException', 'application/json', { message: 'Rate exceeded' }],
  );
  t.same(
    f.requests.map((r) => r.operation),
    [
      'ValidatePolicy',
      'ValidatePolicy',
      undefined,
      'ValidatePolicy',
      'ValidatePolicy',
      'ValidatePolicy',
      'CheckNoPublicAccess',
      'ValidatePolicy',
    ],
    'every request is logged, refused ones too',
  );
});
