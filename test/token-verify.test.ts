/**
 * Choosing the key and verifying the signature as STS would (lib/token-verify.ts), with keys made
 * at test time. Sources of the rules pinned here:
 * - algorithms: AssumeRoleWithWebIdentity API reference, WebIdentityToken — "Tokens must be signed
 *   using either RSA keys (RS256, RS384, or RS512) or ECDSA keys (ES256, ES384, or ES512)"
 *   (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html);
 * - key count: IAM User Guide, Create an OIDC identity provider in IAM — the JWKS "must contain at
 *   least one key and can have a maximum of 100 RSA keys and 100 EC keys"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html);
 * - kid rules (no kid only with one key, `use: enc` and `key_ops` keys unusable, the last of keys
 *   sharing a kid): observed by a public third-party probe of STS (2026), not documented —
 *   UNCONFIRMED [jwks-keys].
 */
import t from 'tap';
import { selectKey, verifySignature, type KeySet } from '../lib/token-verify.js';
import { readJwks } from '../lib/scenarios/jwks.js';
import { decodeCompactJwt } from '../lib/token.js';
import { GITHUB_CLAIMS, jwksText, signJwt, testKey, type TestKey } from './helpers/signing.js';

function set(...keys: TestKey[]): KeySet {
  const r = readJwks(jwksText(...keys), 'keys.json');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.set;
}

async function verify(jwt: string, keys: KeySet) {
  const d = decodeCompactJwt(jwt);
  if (!d.ok) throw new Error(d.message);
  return verifySignature(jwt, d.header, keys);
}

const rsa = testKey('rsa-2026');
const rsaOld = testKey('rsa-2025');
const p256 = testKey('ec-256', { kty: 'EC', crv: 'P-256' });
const p384 = testKey('ec-384', { kty: 'EC', crv: 'P-384' });
const p521 = testKey('ec-521', { kty: 'EC', crv: 'P-521' });

t.test('every algorithm STS documents verifies with its key', async (t) => {
  const rows: [string, TestKey][] = [
    ['RS256', rsa],
    ['RS384', rsa],
    ['RS512', rsa],
    ['ES256', p256],
    ['ES384', p384],
    ['ES512', p521],
  ];
  const keys = set(rsa, p256, p384, p521);
  for (const [alg, key] of rows) {
    const v = await verify(signJwt({ alg, kid: key.kid, typ: 'JWT' }, GITHUB_CLAIMS, key), keys);
    t.equal(v.ok, true, `${alg} with ${key.kid}`);
    t.equal(v.key?.kid, key.kid);
    t.equal(v.problem, undefined);
  }
});

t.test('refusals, one problem each', async (t) => {
  const h = (alg: string, kid?: string) => ({ alg, ...(kid ? { kid } : {}), typ: 'JWT' });
  const enc = testKey('enc-1', { kty: 'RSA' }, { use: 'enc' });
  const ops = testKey('ops-1', { kty: 'RSA' }, { key_ops: ['verify'] });
  const small = testKey('rsa-1024', { kty: 'RSA', bits: 1024 });
  const rows: { name: string; jwt: string; keys: KeySet; problem: string; detail: RegExp }[] = [
    {
      name: 'the key was rotated away: the kid is no longer published',
      jwt: signJwt(h('RS256', rsaOld.kid), GITHUB_CLAIMS, rsaOld),
      keys: set(rsa),
      problem: 'kid-not-found',
      detail: /no key of the set has kid "rsa-2025"; its kids are "rsa-2026"/,
    },
    {
      name: 'no kid and several keys',
      jwt: signJwt(h('RS256'), GITHUB_CLAIMS, rsa),
      keys: set(rsa, rsaOld),
      problem: 'no-kid-several-keys',
      detail: /has no kid, and the set holds 2 keys/,
    },
    {
      name: 'alg none: not signed',
      jwt: signJwt(h('none', rsa.kid), GITHUB_CLAIMS, undefined),
      keys: set(rsa),
      problem: 'alg-not-allowed',
      detail: /not signed at all/,
    },
    {
      name: 'HS256: a shared secret',
      jwt: signJwt(h('HS256', rsa.kid), GITHUB_CLAIMS, rsa),
      keys: set(rsa),
      problem: 'alg-not-allowed',
      detail: /HMAC/,
    },
    {
      name: 'PS256 is not among the six',
      jwt: signJwt(h('PS256', rsa.kid), GITHUB_CLAIMS, rsa),
      keys: set(rsa),
      problem: 'alg-not-allowed',
      detail: /not one of RS256/,
    },
    {
      name: 'an RS256 token whose kid names an EC key',
      jwt: signJwt(h('RS256', p256.kid), GITHUB_CLAIMS, rsa),
      keys: set(rsa, p256),
      problem: 'key-type-mismatch',
      detail: /an RSA signature\), and key "ec-256" is an EC key/,
    },
    {
      name: 'ES384 against a P-256 key',
      jwt: signJwt(h('ES384', p256.kid), GITHUB_CLAIMS, p384),
      keys: set(p256),
      problem: 'curve-mismatch',
      detail: /needs a P-384 key, and key "ec-256" is on P-256/,
    },
    {
      name: 'a key marked for encryption',
      jwt: signJwt(h('RS256', enc.kid), GITHUB_CLAIMS, enc),
      keys: set(enc),
      problem: 'key-not-for-signing',
      detail: /"use": "enc"/,
    },
    {
      name: 'a key with key_ops (observed refused even as ["verify"])',
      jwt: signJwt(h('RS256', ops.kid), GITHUB_CLAIMS, ops),
      keys: set(ops),
      problem: 'key-not-for-signing',
      detail: /key_ops/,
    },
    {
      name: 'a 1024-bit RSA key',
      jwt: signJwt(h('RS256', small.kid), GITHUB_CLAIMS, small),
      keys: set(small),
      problem: 'rsa-key-too-small',
      detail: /1024-bit RSA key/,
    },
    {
      name: 'a changed claim: the signature no longer verifies',
      jwt: (() => {
        const [hh, , s] = signJwt(h('RS256', rsa.kid), GITHUB_CLAIMS, rsa).split('.');
        const forged = Buffer.from(
          JSON.stringify({ ...GITHUB_CLAIMS, sub: 'repo:evil/app:ref:refs/heads/main' }),
        ).toString('base64url');
        return `${hh}.${forged}.${s}`;
      })(),
      keys: set(rsa),
      problem: 'bad-signature',
      detail: /does not verify with key "rsa-2026"/,
    },
    {
      name: 'signed by another key published under the same kid',
      jwt: signJwt(h('RS256', rsa.kid), GITHUB_CLAIMS, { ...rsaOld, kid: rsa.kid }),
      keys: set(rsa),
      problem: 'bad-signature',
      detail: /another key was used under that kid/,
    },
  ];
  for (const r of rows) {
    const v = await verify(r.jwt, r.keys);
    t.equal(v.ok, false, r.name);
    t.equal(v.problem, r.problem, `${r.name}: ${v.detail}`);
    t.match(v.detail ?? '', r.detail, r.name);
    t.equal(v.source, 'keys.json');
  }
});

t.test('no kid and one key: that key is used', async (t) => {
  const v = await verify(signJwt({ alg: 'RS256' }, GITHUB_CLAIMS, rsa), set(rsa));
  t.equal(v.ok, true);
  t.equal(v.kid, undefined, 'the token has no kid');
  t.equal(v.key?.kid, 'rsa-2026');
});

t.test('keys sharing a kid: the last one is used', async (t) => {
  const first = { ...rsaOld, kid: 'shared', jwk: { ...rsaOld.jwk, kid: 'shared' } };
  const last = { ...rsa, kid: 'shared', jwk: { ...rsa.jwk, kid: 'shared' } };
  const r = readJwks(jwksText(first, last), 'keys.json');
  t.ok(r.ok);
  if (!r.ok) return;
  t.match(r.warnings, [{ code: 'jwks-duplicate-kid' }]);
  t.equal(
    (await verify(signJwt({ alg: 'RS256', kid: 'shared' }, GITHUB_CLAIMS, last), r.set)).ok,
    true,
  );
  const byFirst = await verify(
    signJwt({ alg: 'RS256', kid: 'shared' }, GITHUB_CLAIMS, first),
    r.set,
  );
  t.equal(byFirst.problem, 'bad-signature');
  t.equal(byFirst.key?.index, 1);
});

t.test('more than 100 keys of the token type: refused; the other type still works', async (t) => {
  const many = Array.from({ length: 101 }, (_, i) => ({
    ...rsa,
    kid: `r${i}`,
    jwk: { ...rsa.jwk, kid: `r${i}` },
  }));
  const keys = set(...many, p256);
  const v = await verify(signJwt({ alg: 'RS256', kid: 'r0' }, GITHUB_CLAIMS, rsa), keys);
  t.equal(v.problem, 'too-many-keys');
  t.match(v.detail, /101 RSA keys; AWS takes at most 100 RSA and 100 EC keys/);
  const ec = await verify(signJwt({ alg: 'ES256', kid: 'ec-256' }, GITHUB_CLAIMS, p256), keys);
  t.equal(ec.ok, true, 'an EC token is verified');
});

t.test('verification never reads the clock: a long-expired token still verifies', async (t) => {
  const old = { ...GITHUB_CLAIMS, iat: 1000, nbf: 1000, exp: 2000 };
  const v = await verify(signJwt({ alg: 'ES256', kid: p256.kid }, old, p256), set(p256));
  t.equal(v.ok, true, 'exp is the simulator’s business, at its own now');
});

t.test('selectKey is synchronous and names the kids', async (t) => {
  const r = selectKey({ alg: 'RS256', kid: 'nope' }, set(rsa, p256));
  t.equal(r.ok, false);
  if (!r.ok) t.same(r.verdict.kids, ['rsa-2026', 'ec-256']);
});
