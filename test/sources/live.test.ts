/**
 * resolveLive / resolveLiveProviders: the role as IAM answers it, through the real SDK client and
 * the loopback fake of IAM (test/helpers/fake-iam.ts). Faults are findings with one line and a
 * hint, and never a result.
 */
import t from 'tap';
import { parsePolicy } from '../../lib/policy/parse.js';
import { resolveLive, resolveLiveProviders } from '../../lib/sources/live.js';
import type { SourceOptions } from '../../lib/sources/types.js';
import {
  errorXml,
  fakeEnv,
  getProviderXml,
  getRoleXml,
  isolateProcessEnv,
  listProvidersXml,
  roleArn,
  startFakeIam,
  type FakeRequest,
  type FakeRole,
  type FakeScript,
} from '../helpers/fake-iam.js';

isolateProcessEnv(fakeEnv('http://127.0.0.1:9'));

const DOC = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/app:ref:refs/heads/*"}}}]}`;
const ROLE: FakeRole = {
  name: 'gha-deploy',
  path: '/ci/',
  document: DOC,
  maxSessionDuration: 7200,
  tags: { team: 'platform' },
};
const ARN = roleArn(ROLE);
const GITHUB = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';

function opts(url: string, requestTimeoutMs = 5000): SourceOptions {
  return {
    baseDir: '.',
    env: fakeEnv(url),
    aws: { retryDelayMs: 0, requestTimeoutMs, deadlineMs: 20_000 },
  };
}

async function withFake(
  script: FakeScript,
  run: (url: string, requests: FakeRequest[]) => Promise<void>,
): Promise<void> {
  const fake = await startFakeIam(script);
  try {
    await run(fake.url, fake.requests);
  } finally {
    await fake.close();
  }
}

const providersScript: FakeScript = (req) => {
  if (req.action === 'GetRole') return getRoleXml(ROLE);
  if (req.action === 'ListOpenIDConnectProviders') return listProvidersXml([GITHUB]);
  return getProviderXml({
    url: 'token.actions.githubusercontent.com',
    clientIds: ['sts.amazonaws.com'],
  });
};

t.test('a live role: document, facts and provenance from GetRole', async (t) => {
  await withFake(providersScript, async (url, requests) => {
    const r = await resolveLive({ kind: 'live', arn: ARN }, opts(url));
    t.ok(r.ok);
    if (!r.ok) return;
    t.equal(r.role.arn, ARN);
    t.equal(r.role.maxSessionDuration, 7200);
    t.same(r.role.tags, { team: 'platform' });
    t.same(r.role.trustPolicy.document, JSON.parse(DOC));
    t.equal(r.role.trustPolicy.file, `${ARN} (iam:GetRole)`);
    t.equal(r.providers, undefined, 'providers only when asked');
    t.same(r.provenance['arn'], { kind: 'api', api: 'iam:GetRole', note: ARN });
    t.equal(r.provenance['trustPolicy']?.api, 'iam:GetRole');
    t.same(r.findings, []);
    t.same(
      requests.map((q) => q.action),
      ['GetRole'],
    );
    // The document parses, and a node's span points into the text IAM returned.
    const parsed = parsePolicy(r.role.trustPolicy.document as object, {
      spanOf: r.role.trustPolicy.spanOf,
    });
    t.ok(parsed.ok);
    const span = r.role.trustPolicy.spanOf?.(['Statement', 0, 'Action'], 'value');
    t.equal(DOC.slice(span?.start.offset, span?.end.offset), '"sts:AssumeRoleWithWebIdentity"');
    const key = r.role.trustPolicy.spanOf?.(['Statement', 0, 'Condition', 'StringLike'], 'key');
    t.equal(DOC.slice(key?.start.offset, key?.end.offset), '"StringLike"');
    t.equal(r.role.trustPolicy.spanOf?.(['Statement', 3], 'value'), undefined);
  });
});

t.test('providers: live — the account’s providers, with https:// put back', async (t) => {
  await withFake(providersScript, async (url, requests) => {
    const r = await resolveLive({ kind: 'live', arn: ARN, providers: true }, opts(url));
    t.ok(r.ok);
    if (!r.ok) return;
    t.same(r.providers, [
      { url: 'https://token.actions.githubusercontent.com', clientIds: ['sts.amazonaws.com'] },
    ]);
    t.match(r.provenance['providers[0]'], {
      kind: 'api',
      api: 'iam:GetOpenIDConnectProvider',
      note: /without https:\/\//,
    });
    t.same(
      requests.map((q) => q.action),
      ['GetRole', 'ListOpenIDConnectProviders', 'GetOpenIDConnectProvider'],
    );
  });
});

t.test('providers of another account are refused, not used', async (t) => {
  await withFake(
    (req) =>
      req.action === 'ListOpenIDConnectProviders'
        ? listProvidersXml([GITHUB.replace('111122223333', '444455556666')])
        : getProviderXml({ url: 'token.actions.githubusercontent.com', clientIds: ['x'] }),
    async (url) => {
      const r = await resolveLiveProviders('111122223333', opts(url));
      t.notOk(r.ok);
      t.match(r.findings, [
        {
          code: 'live-providers-wrong-account',
          message: /account 444455556666, not of 111122223333/,
        },
      ]);
    },
  );
});

t.test('an account without providers: an empty list and a warning', async (t) => {
  await withFake(
    () => listProvidersXml([]),
    async (url) => {
      const r = await resolveLiveProviders('111122223333', opts(url));
      t.ok(r.ok);
      if (!r.ok) return;
      t.same(r.providers, []);
      t.match(r.findings, [{ code: 'live-no-providers', severity: 'warning' }]);
    },
  );
});

interface FaultCase {
  name: string;
  script: FakeScript;
  code: string;
  message: RegExp;
  hint?: RegExp;
  providers?: boolean;
  timeoutMs?: number;
}

const FAULTS: FaultCase[] = [
  {
    name: 'no such role',
    script: () => errorXml(404, 'NoSuchEntity', 'The role with name gha-deploy cannot be found.'),
    code: 'live-role-not-found',
    message: /^could not read role arn:aws:iam::111122223333:role\/ci\/gha-deploy: not found/,
    hint: /credentials are for account 111122223333/,
  },
  {
    name: 'throttled until the retries run out',
    script: () => errorXml(400, 'Throttling', 'Rate exceeded'),
    code: 'live-unavailable',
    message:
      /^could not read role arn:aws:iam::111122223333:role\/ci\/gha-deploy: throttled after 3 attempts \(Throttling: Rate exceeded\)$/,
  },
  {
    name: 'a hung server',
    script: () => ({ hang: true }),
    timeoutMs: 300,
    code: 'live-unavailable',
    message: /: timed out after 3 attempts/,
  },
  {
    name: 'no permission',
    script: () => errorXml(403, 'AccessDenied', 'not authorized to perform: iam:GetRole'),
    code: 'live-access-denied',
    message: /access denied/,
    hint: /need iam:GetRole/,
  },
  {
    name: 'rejected credentials',
    script: () => errorXml(403, 'InvalidClientTokenId', 'The security token is invalid.'),
    code: 'live-credentials-rejected',
    message: /credentials rejected/,
  },
  {
    name: 'an answer for another role',
    script: () => getRoleXml({ ...ROLE, path: '/' }),
    code: 'live-bad-answer',
    message: /IAM answered with arn:aws:iam::111122223333:role\/gha-deploy/,
  },
  {
    name: 'the provider list fails after the role was read',
    script: (req) =>
      req.action === 'GetRole' ? getRoleXml(ROLE) : errorXml(400, 'Throttling', 'Rate exceeded'),
    code: 'live-unavailable',
    message:
      /^could not read the OIDC providers of account 111122223333: throttled after 3 attempts/,
    providers: true,
  },
];

for (const c of FAULTS) {
  t.test(`fault: ${c.name}`, async (t) => {
    await withFake(c.script, async (url) => {
      const r = await resolveLive(
        { kind: 'live', arn: ARN, ...(c.providers ? { providers: true } : {}) },
        opts(url, c.timeoutMs),
      );
      t.notOk(r.ok, 'never a result');
      t.equal(r.findings.length, 1);
      const f = r.findings[0];
      t.equal(f?.code, c.code);
      t.equal(f?.severity, 'error');
      t.match(f?.message, c.message);
      if (c.hint) t.match(f?.hint, c.hint);
    });
  });
}

t.test('no credentials: an error before any request', async (t) => {
  await withFake(
    () => getRoleXml(ROLE),
    async (url, requests) => {
      const env = fakeEnv(url, { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
      const saved = { ...process.env };
      isolateProcessEnv(env);
      try {
        const r = await resolveLive({ kind: 'live', arn: ARN }, { ...opts(url), env });
        t.notOk(r.ok);
        t.match(r.findings, [{ code: 'live-no-credentials', hint: /role\.profile/ }]);
      } finally {
        isolateProcessEnv(saved);
      }
      t.equal(requests.length, 0);
    },
  );
});

t.test('not a role ARN', async (t) => {
  const r = await resolveLive({ kind: 'live', arn: 'gha-deploy' }, { baseDir: '.' });
  t.notOk(r.ok);
  t.match(r.findings, [{ code: 'live-role-arn', message: /"gha-deploy" is not a role ARN/ }]);
});

t.test('a document IAM returned that is not JSON is an error, not a policy', async (t) => {
  await withFake(
    () => getRoleXml({ ...ROLE, document: '{"Version": ' }),
    async (url) => {
      const r = await resolveLive({ kind: 'live', arn: ARN }, opts(url));
      t.notOk(r.ok);
      t.match(r.findings[0], {
        message: /^the trust policy IAM returned is not JSON/,
        file: `${ARN} (iam:GetRole)`,
      });
    },
  );
});

t.test('a profile that is not configured: an error naming it, before any request', async (t) => {
  await withFake(providersScript, async (url, requests) => {
    const r = await resolveLive(
      { kind: 'live', arn: ARN, profile: 'ci-readonly', region: 'eu-west-1', providers: true },
      opts(url),
    );
    t.notOk(r.ok);
    t.match(r.findings, [{ code: 'live-no-credentials', message: /ci-readonly/ }]);
    const p = await resolveLiveProviders('111122223333', {
      ...opts(url),
      profile: 'ci-readonly',
      region: 'eu-west-1',
    });
    t.notOk(p.ok);
    t.match(p.findings, [{ code: 'live-no-credentials' }]);
    t.equal(requests.length, 0);
  });
});

t.test('the region and providers together: one role, its account’s providers', async (t) => {
  await withFake(providersScript, async (url, requests) => {
    const r = await resolveLive(
      { kind: 'live', arn: ARN, region: 'eu-west-1', providers: true },
      opts(url),
    );
    t.ok(r.ok);
    t.equal(requests.length, 3);
    t.match(requests[0]?.authorization, /\/eu-west-1\/iam\//);
  });
});

t.test(
  'the endpoint variables: AWS_ENDPOINT_URL alone, and the process environment by default',
  async (t) => {
    await withFake(providersScript, async (url, requests) => {
      const generic = fakeEnv('', { AWS_ENDPOINT_URL_IAM: undefined, AWS_ENDPOINT_URL: url });
      const r = await resolveLive({ kind: 'live', arn: ARN }, { ...opts(url), env: generic });
      t.ok(r.ok, 'AWS_ENDPOINT_URL reaches the fake');
      const saved = { ...process.env };
      isolateProcessEnv(fakeEnv(url));
      try {
        const fromProcess = await resolveLive(
          { kind: 'live', arn: ARN },
          { baseDir: '.', aws: { retryDelayMs: 0 } },
        );
        t.ok(fromProcess.ok, 'no env option: process.env is read');
      } finally {
        isolateProcessEnv(saved);
      }
      t.equal(requests.length, 2);
    });
  },
);
