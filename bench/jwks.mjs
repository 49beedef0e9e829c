#!/usr/bin/env node
// What verifying signatures costs (issue #11, part 2): verifySignature per token for RS256 and
// ES256 (CPU time, after warm-up), and `trustspec test` on one file of N scenarios with distinct
// signed tokens, with `jwks:` against the same file without it (each run a new process; the two
// are spawned in turn and the medians compared). Keys are generated here; nothing is kept.
// Run: npm run build && node bench/jwks.mjs [--scenarios 200] [--runs 7]
import { generateKeyPairSync, sign } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, d) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const N = arg('--scenarios', 200);
const RUNS = arg('--runs', 7);
const { verifySignature } = await import(join(root, 'dist/lib/token-verify.js'));
const { readJwks } = await import(join(root, 'dist/lib/scenarios/jwks.js'));

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const keys = {
  RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
};
const jwk = (alg) => ({ ...keys[alg].publicKey.export({ format: 'jwk' }), kid: alg });
const jwksText = JSON.stringify({ keys: [jwk('RS256'), jwk('ES256')] });
const set = readJwks(jwksText, 'bench').set;
function token(alg, sub) {
  const header = { alg, kid: alg, typ: 'JWT' };
  const input = `${b64(header)}.${b64({ iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub, exp: 1780272300 })}`;
  const opts =
    alg === 'ES256'
      ? { key: keys[alg].privateKey, dsaEncoding: 'ieee-p1363' }
      : keys[alg].privateKey;
  return {
    header,
    jwt: `${input}.${sign('sha256', Buffer.from(input), opts).toString('base64url')}`,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const alg of ['RS256', 'ES256']) {
  const t = token(alg, 'repo:acme/app:ref:refs/heads/main');
  for (let i = 0; i < 200; i++) await verifySignature(t.jwt, t.header, set);
  const per = [];
  for (let r = 0; r < 5; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < 1000; i++) await verifySignature(t.jwt, t.header, set);
    const u = process.cpuUsage(start);
    per.push((u.user + u.system) / 1000);
  }
  console.log(
    `verifySignature ${alg}: ${median(per).toFixed(1)} µs CPU per token (median of 5 × 1000)`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'trustspec-jwks-bench-'));
try {
  writeFileSync(join(dir, 'keys.json'), jwksText);
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: {
          Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
        },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } },
      },
    ],
  };
  writeFileSync(join(dir, 'trust.json'), JSON.stringify(trust));
  const rows = Array.from(
    { length: N },
    (_, i) => token(i % 2 ? 'ES256' : 'RS256', `repo:acme/app${i}:ref:refs/heads/main`).jwt,
  );
  const file = (withKeys) =>
    `version: 1\nrole: { arn: 'arn:aws:iam::111122223333:role/r', trustPolicy: ../trust.json }\nnow: 2026-06-01T00:00:00Z\n${withKeys ? 'defaults: { token: { jwks: ./keys.json } }\n' : ''}scenarios:\n` +
    rows.map((jwt, i) => `  - { name: s${i}, token: { jwt: '${jwt}' }, expect: allow }\n`).join('');
  mkdir(join(dir, 'with'), file(true));
  mkdir(join(dir, 'without'), file(false));
  const run = (sub) => {
    const start = performance.now();
    const r = spawnSync(process.execPath, [join(root, 'dist/bin/trustspec.js'), 'test', sub], {
      cwd: dir,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(r.stdout + r.stderr);
    return performance.now() - start;
  };
  const a = [];
  const b = [];
  for (let r = 0; r < RUNS; r++) {
    a.push(run('without'));
    b.push(run('with'));
  }
  console.log(
    `trustspec test, ${N} scenarios with distinct tokens: ${median(a).toFixed(0)} ms without jwks, ${median(b).toFixed(0)} ms with jwks (median of ${RUNS})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function mkdir(sub, text) {
  spawnSync('mkdir', ['-p', sub]);
  writeFileSync(join(sub, 'a.trustspec.yaml'), text);
  writeFileSync(join(sub, 'keys.json'), jwksText);
}
