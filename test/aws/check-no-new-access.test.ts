/**
 * CheckNoNewAccess with the real SDK client against a loopback stand-in for Access Analyzer's
 * REST-JSON API (`POST /policy/check-no-new-access`, errors named by `x-amzn-errortype`): the
 * request as AWS documents it for trust policies (policyType RESOURCE_POLICY, no resource type),
 * PASS, FAIL with reasons, and the fault model — throttled, server error, a hung server, no
 * credentials, a refused input — each `unavailable` or `refused`, never a pass. Also `trustspec
 * diff --cross-check` and `--require-cross-check`. No test asserts a duration.
 */
import t, { type Test } from 'tap';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkNoNewAccess, type NoNewAccessOutcome } from '../../lib/aws/check-no-new-access.js';
import { awsTestEnv, noWaitRetries } from '../helpers/aws-env.js';
import { runMain } from '../cli/helpers.js';

type Reply =
  { body: unknown } | { error: string; status: number; message?: string } | { hang: true };

interface Fake {
  url: string;
  requests: Array<{ path: string; body: Record<string, unknown>; signed: boolean }>;
  replies: Reply[];
}

async function fake(t: Test): Promise<Fake> {
  const f: Fake = { url: '', requests: [], replies: [] };
  const sockets = new Set<Socket>();
  const server = createServer((req, res: ServerResponse) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString('utf8')));
    req.on('end', () => {
      f.requests.push({
        path: req.url ?? '',
        body: JSON.parse(data || '{}') as Record<string, unknown>,
        signed: typeof req.headers.authorization === 'string',
      });
      const reply = f.replies.length > 1 ? (f.replies.shift() as Reply) : f.replies[0];
      if (!reply || 'hang' in reply) return;
      if ('error' in reply) {
        res.writeHead(reply.status, {
          'content-type': 'application/json',
          'x-amzn-errortype': reply.error,
        });
        res.end(JSON.stringify({ message: reply.message ?? reply.error }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  f.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.teardown(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return f;
}

const OLD = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow' }] });
const NEW = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Sid: 'x' }] });
const FAST = { retryStrategy: noWaitRetries(), requestTimeoutMs: 10_000, deadlineMs: 60_000 };

t.test('the request as documented, PASS and FAIL with reasons', async (t) => {
  const f = await fake(t);
  awsTestEnv(t, f.url);
  f.replies.push({ body: { result: 'PASS', message: 'no new access', reasons: [] } });
  const pass = await checkNoNewAccess(OLD, NEW, FAST);
  t.same(pass, { status: 'ok', result: 'PASS', message: 'no new access', reasons: [] });
  t.equal(f.requests[0]?.path, '/policy/check-no-new-access');
  t.same(f.requests[0]?.body, {
    existingPolicyDocument: OLD,
    newPolicyDocument: NEW,
    policyType: 'RESOURCE_POLICY',
  });
  t.ok(f.requests[0]?.signed, 'the request is signed');
  f.replies.splice(0, 1, {
    body: {
      result: 'FAIL',
      message: 'new access',
      reasons: [{ description: 'widened', statementIndex: 0, statementId: 'x' }],
    },
  });
  const fail = await checkNoNewAccess(OLD, NEW, FAST);
  t.same(fail, {
    status: 'ok',
    result: 'FAIL',
    message: 'new access',
    reasons: [{ description: 'widened', statementIndex: 0, statementId: 'x' }],
  });
});

t.test('faults: unavailable (never a pass) or refused', async (t) => {
  const cases: Array<{
    name: string;
    reply: Reply;
    want: { status: NoNewAccessOutcome['status']; reason?: RegExp };
  }> = [
    {
      name: '429',
      reply: { error: 'ThrottlingException', status: 429 },
      want: { status: 'unavailable', reason: /throttled after 3 attempts/ },
    },
    {
      name: '500',
      reply: { error: 'InternalServerException', status: 500 },
      want: { status: 'unavailable', reason: /service error \(HTTP 500/ },
    },
    {
      name: 'access denied',
      reply: { error: 'AccessDeniedException', status: 403 },
      want: { status: 'unavailable', reason: /access denied: access-analyzer:CheckNoNewAccess/ },
    },
    {
      name: 'validation',
      reply: { error: 'ValidationException', status: 400, message: 'bad policy' },
      want: { status: 'refused' },
    },
    {
      name: 'neither PASS nor FAIL',
      reply: { body: { result: 'MAYBE' } },
      want: { status: 'unavailable', reason: /neither PASS nor FAIL/ },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const f = await fake(t);
      awsTestEnv(t, f.url);
      f.replies.push(c.reply);
      const out = await checkNoNewAccess(OLD, NEW, FAST);
      t.equal(out.status, c.want.status);
      if (c.want.reason && out.status === 'unavailable') t.match(out.reason, c.want.reason);
    });
  }
});

t.test('a hung server: timed out after 3 attempts', async (t) => {
  const f = await fake(t);
  awsTestEnv(t, f.url);
  f.replies.push({ hang: true });
  const out = await checkNoNewAccess(OLD, NEW, { ...FAST, requestTimeoutMs: 200 });
  t.equal(out.status, 'unavailable');
  if (out.status === 'unavailable') t.match(out.reason, /timed out after 3 attempts/);
  t.equal(f.requests.length, 3);
});

t.test('no credentials: no request is made', async (t) => {
  const f = await fake(t);
  awsTestEnv(t, f.url, { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
  const out = await checkNoNewAccess(OLD, NEW, FAST);
  t.equal(out.status, 'unavailable');
  if (out.status === 'unavailable') t.match(out.reason, /no AWS credentials found/);
  t.equal(f.requests.length, 0);
});

const GH = 'token.actions.githubusercontent.com';
function policy(sub: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${GH}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${GH}:sub`]: sub },
        },
      },
    ],
  });
}

t.test('trustspec diff --cross-check: beside our answer; --require-cross-check', async (t) => {
  const f = await fake(t);
  awsTestEnv(t, f.url);
  const dir = mkdtempSync(join(tmpdir(), 'trustspec-cnna-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'old.json'), policy('repo:acme/app:*'));
  writeFileSync(join(dir, 'new.json'), policy('repo:acme/*'));
  const args = ['diff', 'old.json', 'new.json', '--cross-check'];
  const env = { ...process.env } as Record<string, string>;
  const cases: Array<{ reply: Reply; extra: string[]; code: number; out: RegExp }> = [
    {
      reply: { body: { result: 'FAIL', message: 'new access' } },
      extra: [],
      code: 1,
      out: /CheckNoNewAccess: FAIL — agrees: new access/,
    },
    {
      reply: { body: { result: 'PASS' } },
      extra: [],
      code: 1,
      out: /CheckNoNewAccess: PASS — DISAGREES/,
    },
    {
      reply: { error: 'AccessDeniedException', status: 403 },
      extra: [],
      code: 1,
      out: /CheckNoNewAccess: unavailable — access denied.*\(not a pass\)/,
    },
  ];
  for (const c of cases) {
    f.replies.splice(0, f.replies.length, c.reply);
    const r = await runMain([...args, ...c.extra], { cwd: dir, env });
    t.equal(r.status, c.code, r.stderr);
    t.match(r.stdout, c.out);
  }
  // The same policy on both sides: no new access; an unavailable check is then exit 2 when required.
  writeFileSync(join(dir, 'same.json'), policy('repo:acme/app:*'));
  f.replies.splice(0, f.replies.length, { error: 'AccessDeniedException', status: 403 });
  const plain = await runMain(['diff', 'old.json', 'same.json', '--cross-check'], {
    cwd: dir,
    env,
  });
  t.equal(plain.status, 0);
  const required = await runMain(
    ['diff', 'old.json', 'same.json', '--cross-check', '--require-cross-check', '--json'],
    { cwd: dir, env },
  );
  t.equal(required.status, 2);
  const doc = JSON.parse(required.stdout) as { crossCheck: { status: string } };
  t.equal(doc.crossCheck.status, 'unavailable');
  const misuse = await runMain(['diff', 'old.json', 'same.json', '--require-cross-check'], {
    cwd: dir,
    env,
  });
  t.equal(misuse.status, 2);
  t.match(misuse.stderr, /--require-cross-check needs --cross-check/);
});
