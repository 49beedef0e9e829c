/**
 * `trustspec explain --jwks FILE` and `--fetch-jwks [URL]` (issue #11, part 2), and AWS-issued
 * tokens (part 5), in process. Keys are made at test time (test/helpers/signing.ts); the only
 * network is a loopback HTTP server started here. STS's rules are cited in test/token-verify.test.ts.
 */
import t, { type Test } from 'tap';
import { createServer, type Server } from 'node:http';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli, NOW, STACK_LINE } from './helpers.js';
import { POLICY } from './hostile-harness.js';
import { GITHUB_CLAIMS, jwksText, signJwt, testKey } from '../helpers/signing.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/jwks/', import.meta.url));

/** Only a push to acme/app's main branch (the policy the hostile-input tests use). */
const TRUST = POLICY;

const current = testKey('gh-2026-06');
const rotated = testKey('gh-2026-03');
const PROVIDER = ['--provider', 'https://token.actions.githubusercontent.com=sts.amazonaws.com'];

function dir(t: Test) {
  const d = t.testdir({
    'trust.json': TRUST,
    'jwks.json': jwksText(current),
    'token.jwt': signJwt({ alg: 'RS256', kid: current.kid, typ: 'JWT' }, GITHUB_CLAIMS, current),
    'old.jwt': signJwt({ alg: 'RS256', kid: rotated.kid, typ: 'JWT' }, GITHUB_CLAIMS, rotated),
    'none.jwt': signJwt({ alg: 'none', typ: 'JWT' }, GITHUB_CLAIMS, undefined),
  });
  copyFileSync(join(FIXTURES, 'no-kid.jwks.json'), join(d, 'no-kid.jwks.json'));
  return d;
}

const explain = (cwd: string, ...args: string[]) =>
  cli(['explain', '--policy', 'trust.json', ...PROVIDER, '--now', NOW, ...args], { cwd });

interface Shown {
  decision: string;
  code?: string;
  message?: string;
  failedCheck?: string;
  checks: { id: string; ok: boolean; data: Record<string, unknown> }[];
  diagnoses: { cause: string; detail: string; fix: string }[];
  unconfirmed: string[];
}

t.test('a token its provider signed verifies, and the check is in the trace', async (t) => {
  const cwd = dir(t);
  const r = await explain(cwd, '--jwt', 'token.jwt', '--jwks', 'jwks.json', '--json');
  t.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Shown;
  t.equal(out.decision, 'allow');
  t.match(
    out.checks.find((c) => c.id === 'token.signature'),
    {
      ok: true,
      data: { source: 'jwks.json', alg: 'RS256', kid: current.kid, key: { kid: current.kid } },
    },
  );
  const text = await explain(cwd, '--jwt', 'token.jwt', '--jwks', 'jwks.json');
  t.match(
    text.stdout,
    /✓ the signature \(RS256\) verifies with key "gh-2026-06" of jwks\.json \[token\.signature\]/,
  );
});

t.test('refused signatures: InvalidIdentityToken, explained', async (t) => {
  const cwd = dir(t);
  const rows: {
    name: string;
    args: string[];
    check: string;
    message: RegExp;
    cause: string;
    fix: RegExp;
  }[] = [
    {
      name: 'the key was rotated away',
      args: ['--jwt', 'old.jwt', '--jwks', 'jwks.json'],
      check: 'token.signature',
      message: /^Couldn't retrieve verification key from your identity provider/,
      cause: 'signature-kid-not-found',
      fix: /rotated its keys.*get a fresh token/,
    },
    {
      name: 'alg none',
      args: ['--jwt', 'none.jwt', '--jwks', 'jwks.json'],
      check: 'token.algorithm',
      message: /not signed with a supported algorithm/,
      cause: 'token-algorithm',
      fix: /RS256/,
    },
  ];
  for (const row of rows) {
    const r = await explain(cwd, ...row.args, '--json');
    t.equal(r.status, 1, row.name);
    const out = JSON.parse(r.stdout) as Shown;
    t.match(
      out,
      { decision: 'deny', code: 'InvalidIdentityToken', failedCheck: row.check },
      row.name,
    );
    t.match(out.message, row.message, row.name);
    const d = out.diagnoses.find((x) => x.cause === row.cause);
    t.ok(d, `${row.name}: ${out.diagnoses.map((x) => x.cause).join(', ')}`);
    t.match(d?.fix, row.fix);
  }
  const text = await explain(cwd, '--jwt', 'old.jwt', '--jwks', 'jwks.json');
  t.match(text.stdout, /no key of the set has kid "gh-2026-03"; its kids are "gh-2026-06"/);
  t.match(text.stdout, /UNCONFIRMED \[signature-error\]/);
});

t.test('bad key sets and option mistakes: one error, exit 2, no stack', async (t) => {
  const cwd = dir(t);
  const rows: [string, string[], RegExp][] = [
    [
      'a key without kid',
      ['--jwt', 'token.jwt', '--jwks', 'no-kid.jwks.json'],
      /^trustspec: --jwks: the key set cannot be used\nno-kid\.jwks\.json:11:5: keys\[1\] has no "kid"/,
    ],
    ['no such file', ['--jwt', 'token.jwt', '--jwks', 'nope.json'], /--jwks: no file "nope\.json"/],
    [
      'keys without a token to verify',
      ['--sub', 'x', '--jwks', 'jwks.json'],
      /--jwks verifies a signed token: give it with --jwt/,
    ],
    [
      'both ways of giving keys',
      ['--jwt', 'token.jwt', '--jwks', 'jwks.json', '--fetch-jwks', 'https://example.com/k'],
      /give --jwks FILE or --fetch-jwks, not both/,
    ],
    [
      'a plain-http URL off this machine',
      ['--jwt', 'token.jwt', '--fetch-jwks', 'http://example.com/jwks'],
      /--fetch-jwks: "http:\/\/example\.com\/jwks" is not an https:\/\/ URL/,
    ],
  ];
  for (const [name, args, err] of rows) {
    const r = await explain(cwd, ...args);
    t.equal(r.status, 2, name);
    t.match(r.stderr, err, name);
    t.notMatch(r.stderr, STACK_LINE, name);
    t.equal(r.stdout, '', name);
  }
  const scenario = await cli(['explain', 'x.trustspec.yaml', '--jwks', 'jwks.json'], { cwd });
  t.equal(scenario.status, 2);
});

function serve(routes: Record<string, string>): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const body = routes[req.url ?? ''];
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(body ?? '{"message": "not found"}');
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address() as { port: number };
      done({ server, base: `http://127.0.0.1:${a.port}` });
    }),
  );
}

t.test('--fetch-jwks URL reads the keys from the network (a loopback server)', async (t) => {
  const cwd = dir(t);
  const { server, base } = await serve({ '/.well-known/jwks': jwksText(current, rotated) });
  t.teardown(() => server.close());
  const ok = await explain(
    cwd,
    '--jwt',
    'token.jwt',
    '--fetch-jwks',
    `${base}/.well-known/jwks`,
    '--json',
  );
  t.equal(ok.status, 0, ok.stderr);
  t.match(JSON.parse(ok.stdout) as Shown, {
    checks: [
      {},
      {},
      {},
      {},
      {},
      { id: 'token.signature', ok: true, data: { source: `${base}/.well-known/jwks` } },
    ],
  });
  const old = await explain(cwd, '--jwt', 'old.jwt', '--fetch-jwks', `${base}/.well-known/jwks`);
  t.equal(old.status, 0, 'the older key is still published: the token verifies');
  const missing = await explain(cwd, '--jwt', 'token.jwt', '--fetch-jwks', `${base}/gone`);
  t.equal(missing.status, 2);
  t.match(
    missing.stderr,
    /--fetch-jwks: http:\/\/127\.0\.0\.1:\d+\/gone answered HTTP 404\n {2}STS itself answers IDPCommunicationError/,
  );
});

t.test('--fetch-jwks without URL discovers from an https issuer only', async (t) => {
  const cwd = t.testdir({
    'trust.json': TRUST,
    'local.jwt': signJwt(
      { alg: 'RS256', kid: current.kid },
      { ...GITHUB_CLAIMS, iss: 'http://issuer.internal' },
      current,
    ),
  });
  const r = await explain(cwd, '--jwt', 'local.jwt', '--fetch-jwks');
  t.equal(r.status, 2);
  t.match(r.stderr, /the token's iss "http:\/\/issuer\.internal" is not an https:\/\/ issuer/);
});

t.test('a token AWS issued for outbound federation is refused as AWS documents', async (t) => {
  // Claims as in the IAM User Guide's "Understanding token claims" sample (trimmed, fake ids).
  const claims = {
    iss: 'https://a1b2c3d4-0000-4000-8000-000000000001.tokens.sts.global.api.aws',
    aud: 'sts.amazonaws.com',
    sub: 'arn:aws:iam::444455556666:role/DataProcessingRole',
    iat: 1780271700,
    exp: 1780272000,
    'https://sts.amazonaws.com/': { aws_account: '444455556666', source_region: 'us-east-1' },
  };
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: {
          Federated:
            'arn:aws-us-gov:iam::111122223333:oidc-provider/a1b2c3d4-0000-4000-8000-000000000001.tokens.sts.global.api.aws',
        },
        Action: 'sts:AssumeRoleWithWebIdentity',
      },
    ],
  });
  const cwd = t.testdir({ 'trust.json': trust, 'claims.json': JSON.stringify(claims) });
  const r = await cli(
    ['explain', '--policy', 'trust.json', '--claims', 'claims.json', '--now', NOW, '--json'],
    { cwd },
  );
  t.equal(r.status, 1, r.stderr);
  const out = JSON.parse(r.stdout) as Shown;
  t.match(out, { decision: 'deny', code: 'InvalidIdentityToken', failedCheck: 'token.aws-issued' });
  const d = out.diagnoses.find((x) => x.cause === 'aws-issued-token');
  t.match(d?.detail, /cannot be used for OpenID Connect \(OIDC\) federation into AWS/);
  t.match(
    d?.fix,
    /is in partition aws and the role in aws-us-gov: no AWS principal is trusted across partitions/,
  );
  t.match(out.unconfirmed, [/^UNCONFIRMED \[aws-outbound\]/]);
});
