/**
 * `token.jwks` in scenario files (issue #11, part 2): the JWT's signature is verified as STS would
 * verify it, also with the keys given once in defaults.token; bad key sets and misplaced `jwks:`
 * are positioned errors (exit 2); jose is loaded only when a file verifies a signature.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadScenarioFile, loadScenarioFileAsync } from '../../lib/scenarios/index.js';
import { cli, STACK_LINE } from '../cli/helpers.js';
import { hookedChild } from '../helpers/module-hook.js';
import { GITHUB_CLAIMS, jwksText, signJwt, testKey } from '../helpers/signing.js';

const current = testKey('gh-2026-06');
const rotated = testKey('gh-2026-03');
const ec = testKey('gh-ec', { kty: 'EC', crv: 'P-256' });

const TRUST = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
 "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
 "Action": "sts:AssumeRoleWithWebIdentity",
 "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
   "token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}}}]}`;

const HEAD = `version: 1
role:
  arn: arn:aws:iam::111122223333:role/deploy
  trustPolicy: ./trust.json
providers:
  - url: https://token.actions.githubusercontent.com
    clientIds: [sts.amazonaws.com]
now: 2026-06-01T00:00:00Z
`;

function files(extra: Record<string, string> = {}) {
  return {
    'trust.json': TRUST,
    'keys.json': jwksText(current, ec),
    'main.jwt': signJwt({ alg: 'RS256', kid: current.kid, typ: 'JWT' }, GITHUB_CLAIMS, current),
    'ec.jwt': signJwt({ alg: 'ES256', kid: ec.kid, typ: 'JWT' }, GITHUB_CLAIMS, ec),
    'old.jwt': signJwt({ alg: 'RS256', kid: rotated.kid, typ: 'JWT' }, GITHUB_CLAIMS, rotated),
    ...extra,
  };
}

t.test('signatures verified per scenario, keys from defaults.token', async (t) => {
  const dir = t.testdir(
    files({
      'a.trustspec.yaml': `${HEAD}defaults:
  token: { jwks: ./keys.json }
scenarios:
  - name: RS256 from the current key
    token: { jwt: ./main.jwt }
    expect: allow
  - name: ES256 from the EC key
    token: { jwt: ./ec.jwt }
    expect: allow
  - name: a token signed with a key rotated away
    token: { jwt: ./old.jwt }
    expect: { deny: { stage: token, code: InvalidIdentityToken, because: token.signature } }
  - name: claims without a JWT need no keys
    token: { jwks: null, iss: https://token.actions.githubusercontent.com, aud: sts.amazonaws.com, sub: 'repo:acme/app:ref:refs/heads/main' }
    expect: allow
`,
    }),
  );
  const r = await cli(['test', dir, '--reporter', 'tap'], { cwd: dir });
  t.equal(r.status, 0, r.stdout + r.stderr);
  t.match(r.stdout, /# 4 passed|ok 4/);
  const loaded = await loadScenarioFileAsync(`${dir}/a.trustspec.yaml`);
  t.same(loaded.errors, []);
  t.same(
    loaded.scenarios.map((s) => [s.signature?.ok, s.signature?.problem]),
    [
      [true, undefined],
      [true, undefined],
      [false, 'kid-not-found'],
      [undefined, undefined],
    ],
  );
  t.notOk('jwks' in (loaded.scenarios[0]?.claims ?? {}), 'jwks is not a claim');
});

t.test('a wrong expectation about a signature fails the scenario', async (t) => {
  const dir = t.testdir(
    files({
      'b.trustspec.yaml': `${HEAD}scenarios:
  - name: expects the rotated-away token to pass
    token: { jwt: ./old.jwt, jwks: ./keys.json }
    expect: allow
`,
    }),
  );
  const r = await cli(['test', dir], { cwd: dir });
  t.equal(r.status, 1);
  t.match(r.stdout, /Couldn't retrieve verification key/);
});

t.test('bad input: positioned errors, exit 2', async (t) => {
  const rows: { name: string; yaml: string; extra?: Record<string, string>; err: RegExp }[] = [
    {
      name: 'jwks without jwt',
      yaml: `scenarios:\n  - name: x\n    token: { sub: a, jwks: ./keys.json }\n    expect: allow\n`,
      err: /c\.trustspec\.yaml:11:28: token\.jwks verifies the signature of token\.jwt, and this token has no jwt/,
    },
    {
      name: 'no such JWKS file',
      yaml: `scenarios:\n  - name: x\n    token: { jwt: ./main.jwt, jwks: ./missing.json }\n    expect: allow\n`,
      err: /c\.trustspec\.yaml:11:37: token\.jwks: no file "missing\.json"/,
    },
    {
      name: 'a JWKS key without kid, placed in the JWKS',
      yaml: `defaults:\n  token: { jwks: ./nokid.json }\nscenarios:\n  - name: x\n    token: { jwt: ./main.jwt }\n    expect: allow\n`,
      extra: { 'nokid.json': '{"keys": [\n  {"kty": "RSA", "n": "AQAB", "e": "AQAB"}\n]}' },
      err: /nokid\.json:2:3: keys\[0\] has no "kid"/,
    },
    {
      name: 'a JWKS that is not JSON',
      yaml: `scenarios:\n  - name: x\n    token: { jwt: ./main.jwt, jwks: ./page.json }\n    expect: allow\n`,
      extra: { 'page.json': '<html>Not Found</html>' },
      err: /page\.json:1:1: the JWKS is not JSON/,
    },
    {
      name: 'a JWKS with a secret',
      yaml: `scenarios:\n  - name: x\n    token: { jwt: ./main.jwt, jwks: ./oct.json }\n    expect: allow\n`,
      extra: { 'oct.json': '{"keys": [{"kty": "oct", "kid": "s", "k": "c2VjcmV0"}]}' },
      err: /oct\.json:1:38: (?:error: )?keys\[0\] \(kid "s"\) holds private key material/,
    },
  ];
  for (const row of rows) {
    const dir = t.testdir(files({ 'c.trustspec.yaml': HEAD + row.yaml, ...(row.extra ?? {}) }));
    const r = await cli(['test', dir], { cwd: dir });
    t.equal(r.status, 2, row.name);
    t.match(r.stdout + r.stderr, row.err, row.name);
    t.notMatch(r.stdout + r.stderr, STACK_LINE, row.name);
    t.notMatch(r.stdout + r.stderr, /c2VjcmV0/, `${row.name}: a secret is never quoted`);
  }
});

t.test('the synchronous loader says it does not verify', async (t) => {
  const dir = t.testdir(
    files({
      'd.trustspec.yaml': `${HEAD}scenarios:\n  - name: x\n    token: { jwt: ./main.jwt, jwks: ./keys.json }\n    expect: allow\n`,
    }),
  );
  const r = loadScenarioFile(`${dir}/d.trustspec.yaml`);
  t.match(r.errors, [{ code: 'jwks-not-verified', line: 11, column: 37 }]);
});

const MAIN = fileURLToPath(new URL('../../dist/lib/cli/main.js', import.meta.url));
const CHILD = hookedChild(`
import { Writable } from 'node:stream';
const { main } = await import(pathToFileURL(process.env.MAIN).href);
const sink = () => new Writable({ write(_c, _e, cb) { cb(); } });
globalThis.result = await main(['test', process.env.DIR], {
  stdout: sink(), stderr: sink(), cwd: process.env.DIR, env: process.env, now: () => 0,
});
`);

function loads(dir: string): { code: number; jose: boolean } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { PATH: process.env['PATH'] ?? '', MAIN, DIR: dir },
  });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { result: number; seen: string[] };
  return { code: out.result, jose: out.seen.some((u) => /\/node_modules\/jose\//.test(u)) };
}

t.test('jose is loaded only by a file that verifies a signature', async (t) => {
  const plain = t.testdir(
    files({
      'p.trustspec.yaml': `${HEAD}scenarios:\n  - name: x\n    token: { jwt: ./main.jwt }\n    expect: allow\n`,
    }),
  );
  const a = loads(plain);
  t.equal(a.code, 0);
  t.equal(a.jose, false, 'no jwks: no jose');
  const signed = t.testdir(
    files({
      's.trustspec.yaml': `${HEAD}scenarios:\n  - name: x\n    token: { jwt: ./main.jwt, jwks: ./keys.json }\n    expect: allow\n`,
    }),
  );
  const b = loads(signed);
  t.equal(b.code, 0);
  t.equal(b.jose, true, 'jwks: jose (the check above can fail)');
});
