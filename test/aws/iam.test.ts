/**
 * lib/aws/iam.ts with the real `@aws-sdk/client-iam` client against a loopback fake of IAM's
 * query protocol (test/helpers/fake-iam.ts): the wire format, percent-decoding, pagination and
 * every fault the adapter must turn into one line. Nothing leaves 127.0.0.1; retries wait 0 ms
 * (ConfiguredRetryStrategy) except where the SDK's own backoff is the thing tested; no assertion
 * reads a clock.
 */
import t from 'tap';
import {
  classifyAwsError,
  clientRegion,
  configuredEndpoint,
  decodePolicyDocument,
  getRole,
  listOidcProviders,
  listRoles,
  parseRoleArn,
  type IamCallOptions,
} from '../../lib/aws/iam.js';
import {
  errorXml,
  fakeEnv,
  getProviderXml,
  getRoleXml,
  html503,
  isolateProcessEnv,
  listProvidersXml,
  listRolesXml,
  rfc3986,
  roleArn,
  startFakeIam,
  type FakeRole,
  type FakeScript,
} from '../helpers/fake-iam.js';

isolateProcessEnv(fakeEnv('http://127.0.0.1:9'));

const DOC = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: {
        Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
      },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
        StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/app+x y:*' },
      },
    },
  ],
});
const ROLE: FakeRole = {
  name: 'gha-deploy',
  path: '/ci/',
  document: DOC,
  maxSessionDuration: 7200,
  tags: { team: 'platform', 'cost-center': 'a&b' },
};
const ARN = roleArn(ROLE);

/** Fast settings for tests: no waits between attempts, a short per-attempt timeout. */
function fast(url: string, extra: Partial<IamCallOptions> = {}): IamCallOptions {
  return {
    env: fakeEnv(url),
    retryDelayMs: 0,
    // Generous for a busy machine; the hung-server cases set 300 ms.
    requestTimeoutMs: 5000,
    deadlineMs: 20_000,
    ...extra,
  };
}

async function withFake<T>(
  script: FakeScript,
  run: (url: string, requests: import('../helpers/fake-iam.js').FakeRequest[]) => Promise<T>,
): Promise<T> {
  const fake = await startFakeIam(script);
  try {
    return await run(fake.url, fake.requests);
  } finally {
    await fake.close();
  }
}

t.test('parseRoleArn', (t) => {
  const cases: [string, ReturnType<typeof parseRoleArn>][] = [
    [
      'arn:aws:iam::111122223333:role/deploy',
      { partition: 'aws', account: '111122223333', path: '/', name: 'deploy' },
    ],
    [
      'arn:aws-cn:iam::111122223333:role/ci/gha/deploy',
      { partition: 'aws-cn', account: '111122223333', path: '/ci/gha/', name: 'deploy' },
    ],
    ['arn:aws:iam::111122223333:user/deploy', undefined],
    ['arn:aws:iam::1111:role/deploy', undefined],
    ['arn:aws:sts::111122223333:assumed-role/deploy/s', undefined],
    ['deploy', undefined],
  ];
  for (const [arn, want] of cases) t.same(parseRoleArn(arn), want, arn);
  t.end();
});

t.test('the endpoint and region come from the standard settings', (t) => {
  t.equal(
    configuredEndpoint({ AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_IAM: 'http://b' }),
    'http://b',
  );
  t.equal(configuredEndpoint({ AWS_ENDPOINT_URL: 'http://a' }), 'http://a');
  t.equal(
    configuredEndpoint({
      AWS_ENDPOINT_URL: 'http://a',
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
    }),
    undefined,
  );
  t.equal(configuredEndpoint({}), undefined);
  t.equal(clientRegion({ partition: 'aws', env: {} }), 'us-east-1');
  t.equal(clientRegion({ partition: 'aws-cn', env: {} }), 'cn-north-1');
  t.equal(clientRegion({ partition: 'aws-us-gov', env: {} }), 'us-gov-west-1');
  t.equal(clientRegion({ partition: 'aws', region: 'eu-west-1', env: {} }), 'eu-west-1');
  t.equal(clientRegion({ partition: 'aws-new', env: { AWS_REGION: 'xx-1' } }), 'xx-1');
  t.equal(clientRegion({ partition: 'aws-new', env: {} }), undefined);
  t.end();
});

t.test('percent-decoding keeps a + (botocore unquote, not form decoding)', (t) => {
  t.equal(decodePolicyDocument('%7B%22a%22%3A%22x%2By%20z+w%22%7D'), '{"a":"x+y z+w"}');
  t.equal(decodePolicyDocument('%E0%A4%A'), undefined, 'malformed');
  t.end();
});

t.test('GetRole: a signed query request, the answer decoded', async (t) => {
  await withFake(
    (req) => (req.action === 'GetRole' ? getRoleXml(ROLE) : errorXml(400, 'InvalidAction', 'no')),
    async (url, requests) => {
      const r = await getRole(ARN, fast(url));
      t.ok(r.ok);
      if (!r.ok) return;
      t.same(r.value, {
        arn: ARN,
        name: 'gha-deploy',
        path: '/ci/',
        roleId: 'AROADBQP57FF2AEXAMPLE',
        maxSessionDuration: 7200,
        tags: { team: 'platform', 'cost-center': 'a&b' },
        assumeRolePolicyDocument: DOC,
      });
      t.equal(r.attempts, 1);
      const req = requests[0];
      t.equal(req?.method, 'POST');
      t.equal(req?.path, '/');
      t.match(req?.contentType, /^application\/x-www-form-urlencoded/);
      t.same(req?.params, { Action: 'GetRole', Version: '2010-05-08', RoleName: 'gha-deploy' });
      t.match(
        req?.authorization,
        /^AWS4-HMAC-SHA256 Credential=testAKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/iam\/aws4_request/,
      );
    },
  );
});

t.test('the fake sends the document percent-encoded, as IAM does', (t) => {
  t.match(rfc3986(DOC), /^%7B%22Version%22%3A%222012-10-17%22%2C/);
  t.notMatch(rfc3986(DOC), /[{}"+ ]/);
  t.end();
});

t.test('GetRole answering another ARN (same name, another path) is refused', async (t) => {
  await withFake(
    () => getRoleXml({ ...ROLE, path: '/other/' }),
    async (url) => {
      const r = await getRole(ARN, fast(url));
      t.notOk(r.ok);
      if (r.ok) return;
      t.equal(r.fault.kind, 'bad-answer');
      t.match(
        r.fault.message,
        /IAM answered with arn:aws:iam::111122223333:role\/other\/gha-deploy/,
      );
    },
  );
});

t.test('a malformed percent-encoding is a bad answer, never a document', async (t) => {
  await withFake(
    () => okRole('<AssumeRolePolicyDocument>%7B%22Version%2</AssumeRolePolicyDocument>'),
    async (url) => {
      const r = await getRole(ARN, fast(url));
      t.notOk(r.ok);
      if (!r.ok) t.equal(r.fault.kind, 'bad-answer');
    },
  );
});

function okRole(documentXml: string) {
  const base = getRoleXml(ROLE) as {
    status: number;
    body: string;
    headers: Record<string, string>;
  };
  return {
    ...base,
    body: base.body.replace(
      /<AssumeRolePolicyDocument>[^<]*<\/AssumeRolePolicyDocument>/,
      documentXml,
    ),
  };
}

t.test('not a role ARN: no request at all', async (t) => {
  await withFake(
    () => getRoleXml(ROLE),
    async (url, requests) => {
      const r = await getRole('arn:aws:iam::111122223333:user/x', fast(url));
      t.notOk(r.ok);
      if (!r.ok) t.equal(r.fault.kind, 'bad-input');
      t.equal(requests.length, 0);
    },
  );
});

interface FaultCase {
  name: string;
  script: FakeScript;
  kind: string;
  message: RegExp;
  requests: number;
  attempts: number;
  extra?: Partial<IamCallOptions>;
}

const FAULTS: FaultCase[] = [
  {
    name: 'NoSuchEntity (404) is not retried',
    script: () => errorXml(404, 'NoSuchEntity', 'The role with name gha-deploy cannot be found.'),
    kind: 'not-found',
    message:
      /^not found \(NoSuchEntityException: The role with name gha-deploy cannot be found\.\)$/,
    requests: 1,
    attempts: 1,
  },
  {
    name: 'throttled until the retries run out',
    script: () => errorXml(400, 'Throttling', 'Rate exceeded'),
    kind: 'throttled',
    message: /^throttled after 3 attempts \(Throttling: Rate exceeded\)$/,
    requests: 3,
    attempts: 3,
  },
  {
    name: 'HTTP 500 ServiceFailure, retried',
    script: () =>
      errorXml(
        500,
        'ServiceFailure',
        'The request processing has failed because of an unknown error.',
        'Receiver',
      ),
    kind: 'service',
    message: /^IAM service error after 3 attempts \(HTTP 500, ServiceFailure/,
    requests: 3,
    attempts: 3,
  },
  {
    name: 'an HTML 503 from a load balancer, retried',
    script: () => html503(),
    kind: 'service',
    message: /^IAM service error after 3 attempts \(HTTP 503/,
    requests: 3,
    attempts: 3,
  },
  {
    name: 'a server that never answers: each attempt times out, then the call',
    script: () => ({ hang: true }),
    kind: 'timeout',
    message: /^timed out after 3 attempts \(each attempt limited to 0\.3 s\)$/,
    requests: 3,
    attempts: 3,
    extra: { requestTimeoutMs: 300 },
  },
  {
    name: 'a dropped connection, retried',
    script: () => ({ drop: true }),
    kind: 'network',
    message: /^could not reach IAM after 3 attempts \(ECONNRESET\)$/,
    requests: 3,
    attempts: 3,
  },
  {
    name: 'AccessDenied names the missing permission',
    script: () =>
      errorXml(
        403,
        'AccessDenied',
        'User: arn:aws:iam::111122223333:user/ci is not authorized to perform: iam:GetRole',
      ),
    kind: 'access-denied',
    message: /^access denied: the credentials lack iam:GetRole/,
    requests: 1,
    attempts: 1,
  },
  {
    name: 'rejected credentials',
    script: () =>
      errorXml(
        403,
        'InvalidClientTokenId',
        'The security token included in the request is invalid.',
      ),
    kind: 'credentials-rejected',
    message: /^credentials rejected \(InvalidClientTokenId/,
    requests: 1,
    attempts: 1,
  },
  {
    name: 'the overall deadline ends a hung call before its attempts run out',
    script: () => ({ hang: true }),
    kind: 'deadline',
    message: /^no answer within the deadline of 1\.5 s after 1 attempt$/,
    requests: 1,
    attempts: 1,
    extra: { requestTimeoutMs: 10_000, deadlineMs: 1500 },
  },
];

for (const c of FAULTS) {
  t.test(`fault: ${c.name}`, async (t) => {
    await withFake(c.script, async (url, requests) => {
      const r = await getRole(ARN, fast(url, c.extra));
      t.notOk(r.ok, 'never a result');
      if (r.ok) return;
      t.equal(r.fault.kind, c.kind);
      t.match(r.fault.message, c.message);
      t.notMatch(r.fault.message, /\n/, 'one line');
      t.equal(r.fault.action, 'iam:GetRole');
      t.equal(r.fault.attempts, c.attempts, 'attempts');
      t.equal(requests.length, c.requests, 'requests the fake saw');
    });
  });
}

t.test('throttled once, then answered: the retry gets the role', async (t) => {
  await withFake(
    (req) => (req.n === 1 ? errorXml(400, 'Throttling', 'Rate exceeded') : getRoleXml(ROLE)),
    async (url, requests) => {
      const r = await getRole(ARN, fast(url));
      t.ok(r.ok);
      if (r.ok) t.equal(r.value.assumeRolePolicyDocument, DOC);
      t.equal(requests.length, 2);
    },
  );
});

t.test("the SDK's own standard backoff (no fixed delay) retries a throttle too", async (t) => {
  await withFake(
    (req) => (req.n === 1 ? errorXml(400, 'Throttling', 'Rate exceeded') : getRoleXml(ROLE)),
    async (url, requests) => {
      const r = await getRole(ARN, { env: fakeEnv(url), requestTimeoutMs: 5000 });
      t.ok(r.ok);
      if (r.ok) t.equal(r.attempts, 2);
      t.equal(requests.length, 2);
    },
  );
});

t.test('no credentials at all: no request, one line', async (t) => {
  await withFake(
    () => getRoleXml(ROLE),
    async (url, requests) => {
      const env = fakeEnv(url, { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
      const saved = { ...process.env };
      isolateProcessEnv(env);
      try {
        const r = await getRole(ARN, fast(url, { env }));
        t.notOk(r.ok);
        if (r.ok) return;
        t.equal(r.fault.kind, 'no-credentials');
        t.equal(r.fault.attempts, 0);
        t.match(
          r.fault.message,
          /^no AWS credentials \(.*\); set a profile or the AWS_ACCESS_KEY_ID/,
        );
      } finally {
        isolateProcessEnv(saved);
      }
      t.equal(requests.length, 0, 'nothing was sent');
    },
  );
});

t.test('a named profile that does not exist: no request', async (t) => {
  await withFake(
    () => getRoleXml(ROLE),
    async (url, requests) => {
      const r = await getRole(ARN, fast(url, { profile: 'ci-readonly' }));
      t.notOk(r.ok);
      if (!r.ok) t.equal(r.fault.kind, 'no-credentials');
      t.equal(requests.length, 0);
    },
  );
});

t.test('ListRoles follows Marker/IsTruncated to the last page', async (t) => {
  const roles: FakeRole[] = [1, 2, 3, 4, 5].map((i) => ({
    name: `r${i}`,
    path: '/ci/',
    document: DOC,
    maxSessionDuration: 3600,
  }));
  await withFake(
    (req) => {
      if (req.action !== 'ListRoles') return errorXml(400, 'InvalidAction', 'no');
      if (!req.params['Marker']) return listRolesXml(roles.slice(0, 2), 'page2');
      if (req.params['Marker'] === 'page2') return listRolesXml(roles.slice(2, 4), 'page3');
      return listRolesXml(roles.slice(4));
    },
    async (url, requests) => {
      const r = await listRoles('/ci/', { ...fast(url), partition: 'aws' });
      t.ok(r.ok);
      if (!r.ok) return;
      t.same(
        r.value.map((x) => x.name),
        ['r1', 'r2', 'r3', 'r4', 'r5'],
      );
      t.equal(r.value[0]?.assumeRolePolicyDocument, DOC);
      t.same(
        requests.map((q) => [q.params['PathPrefix'], q.params['Marker']]),
        [
          ['/ci/', undefined],
          ['/ci/', 'page2'],
          ['/ci/', 'page3'],
        ],
      );
    },
  );
});

t.test('ListRoles: a fault on a later page is a fault, not a short list', async (t) => {
  await withFake(
    (req) =>
      req.params['Marker']
        ? errorXml(400, 'Throttling', 'Rate exceeded')
        : listRolesXml([ROLE], 'p2'),
    async (url) => {
      const r = await listRoles('/', { ...fast(url), partition: 'aws' });
      t.notOk(r.ok);
      if (!r.ok) t.equal(r.fault.kind, 'throttled');
    },
  );
});

const GITHUB_ARN = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';
const EKS_ARN =
  'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';

t.test('ListOpenIDConnectProviders + GetOpenIDConnectProvider', async (t) => {
  await withFake(
    (req) => {
      if (req.action === 'ListOpenIDConnectProviders')
        return listProvidersXml([GITHUB_ARN, EKS_ARN]);
      if (req.params['OpenIDConnectProviderArn'] === GITHUB_ARN)
        return getProviderXml({
          url: 'token.actions.githubusercontent.com',
          clientIds: ['sts.amazonaws.com'],
          thumbprints: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
        });
      return getProviderXml({
        url: 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
        clientIds: ['sts.amazonaws.com'],
      });
    },
    async (url, requests) => {
      const r = await listOidcProviders({ ...fast(url), partition: 'aws' });
      t.ok(r.ok);
      if (!r.ok) return;
      t.same(r.value, [
        {
          arn: GITHUB_ARN,
          url: 'token.actions.githubusercontent.com',
          clientIds: ['sts.amazonaws.com'],
          thumbprints: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
        },
        {
          arn: EKS_ARN,
          url: 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
          clientIds: ['sts.amazonaws.com'],
          thumbprints: [],
        },
      ]);
      t.same(
        requests.map((q) => q.action),
        ['ListOpenIDConnectProviders', 'GetOpenIDConnectProvider', 'GetOpenIDConnectProvider'],
      );
      t.equal(r.attempts, 3);
    },
  );
});

t.test('a provider call that fails names that call', async (t) => {
  await withFake(
    (req) =>
      req.action === 'ListOpenIDConnectProviders'
        ? listProvidersXml([GITHUB_ARN])
        : errorXml(403, 'AccessDenied', 'not authorized to perform: iam:GetOpenIDConnectProvider'),
    async (url) => {
      const r = await listOidcProviders({ ...fast(url), partition: 'aws' });
      t.notOk(r.ok);
      if (r.ok) return;
      t.equal(r.fault.action, 'iam:GetOpenIDConnectProvider');
      t.match(r.fault.message, /lack iam:GetOpenIDConnectProvider/);
    },
  );
});

t.test('classifyAwsError on shapes the wire tests do not reach', (t) => {
  const cases: [unknown, string, RegExp][] = [
    [
      {
        name: 'SomethingElse',
        message: 'odd',
        $fault: 'client',
        $metadata: { attempts: 1, httpStatusCode: 400 },
      },
      'bad-input',
      /^refused \(SomethingElse: odd\)$/,
    ],
    [{ name: 'Weird', message: 'x' }, 'other', /^failed \(Weird: x\)$/],
    ['a string', 'other', /^failed \(Error: a string\)$/],
    [
      { name: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' },
      'network',
      /could not reach IAM \(ECONNREFUSED\)/,
    ],
    [
      {
        name: 'ThrottlingException',
        message: 'Rate exceeded',
        $metadata: { attempts: 1, httpStatusCode: 400 },
      },
      'throttled',
      /^throttled after 1 attempt /,
    ],
    [{ name: 'Unknown', $fault: 'server', message: 'Unknown' }, 'service', /server fault/],
  ];
  for (const [err, kind, message] of cases) {
    const f = classifyAwsError(err, 'iam:GetRole');
    t.equal(f.kind, kind, String(kind));
    t.match(f.message, message);
  }
  t.end();
});

t.test('answers that lack what was asked for are bad answers, never partial results', async (t) => {
  const cases: {
    name: string;
    script: FakeScript;
    run: (url: string) => Promise<{ ok: boolean; fault?: { kind: string; message: string } }>;
    message: RegExp;
  }[] = [
    {
      name: 'GetRole without a document',
      script: () => okRole(''),
      run: (url) => getRole(ARN, fast(url)) as never,
      message: /no Role, Arn or AssumeRolePolicyDocument/,
    },
    {
      name: 'ListRoles: truncated without a Marker',
      script: () => {
        const r = listRolesXml([ROLE], 'm') as { status: number; body: string };
        return { ...r, body: r.body.replace('<Marker>m</Marker>', '') };
      },
      run: (url) => listRoles('/', { ...fast(url), partition: 'aws' }) as never,
      message: /IsTruncated without a Marker/,
    },
    {
      name: 'ListRoles: a role whose document is not percent-encoding',
      script: () => {
        const r = listRolesXml([ROLE]) as { status: number; body: string };
        return {
          ...r,
          body: r.body.replace(
            /<AssumeRolePolicyDocument>[^<]*</,
            '<AssumeRolePolicyDocument>%E0%A4%A<',
          ),
        };
      },
      run: (url) => listRoles('/', { ...fast(url), partition: 'aws' }) as never,
      message: /a listed role has no Arn, RoleName or a readable document/,
    },
    {
      name: 'GetOpenIDConnectProvider without a Url',
      script: (req) =>
        req.action === 'ListOpenIDConnectProviders'
          ? listProvidersXml([GITHUB_ARN])
          : getProviderXml({ url: '', clientIds: [] }),
      run: (url) => listOidcProviders({ ...fast(url), partition: 'aws' }) as never,
      message: /token\.actions\.githubusercontent\.com has no Url/,
    },
  ];
  for (const c of cases) {
    await withFake(c.script, async (url) => {
      const r = await c.run(url);
      t.notOk(r.ok, c.name);
      t.equal(r.fault?.kind, 'bad-answer', c.name);
      t.match(r.fault?.message, c.message, c.name);
    });
  }
});

t.test(
  'a partition without a known IAM region and no region anywhere: no client, no request',
  async (t) => {
    const r = await getRole('arn:aws-new:iam::111122223333:role/x', {
      env: fakeEnv('http://127.0.0.1:9', { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined }),
    });
    t.notOk(r.ok);
    if (!r.ok) {
      t.equal(r.fault.kind, 'bad-input');
      t.match(r.fault.message, /partition "aws-new" is not one trustspec knows; set region/);
    }
  },
);

t.test('a session token in the environment is sent; a chosen region signs', async (t) => {
  await withFake(
    () => getRoleXml(ROLE),
    async (url, requests) => {
      const env = fakeEnv(url, { AWS_SESSION_TOKEN: 'testSessionToken' });
      const r = await getRole(ARN, { ...fast(url), env, region: 'eu-west-1' });
      t.ok(r.ok);
      t.match(requests[0]?.authorization, /\/eu-west-1\/iam\/aws4_request/);
      t.equal(requests[0]?.securityToken, 'testSessionToken');
    },
  );
});
