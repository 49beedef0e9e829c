/**
 * Cases added by the December 2026 mutation audit (docs/test-audit-2026-12.md) for choosing and
 * checking a token's key (lib/token-verify.ts), reading a JWKS (lib/scenarios/jwks.ts) and the
 * simulator's signature stage (lib/sts/stages/signature.ts): each fails with a deliberate bug the
 * other tests let through. Sources:
 * - "a maximum of 100 RSA keys and 100 EC keys" (IAM User Guide, Create an OIDC identity provider);
 * - `alg` is a case-sensitive string (RFC 7515 §4.1.1); key numbers are base64url without padding
 *   (RFC 7518 §6.3.1, RFC 7515 §2); RSA keys for RS* are at least 2048 bits (RFC 7518 §3.3).
 */
import t from 'tap';
import {
  MAX_KEYS_PER_TYPE,
  selectKey,
  verifySignature,
  type JwkEntry,
  type KeySet,
  type SignatureProblem,
  type SignatureVerdict,
} from '../lib/token-verify.js';
import { PendingSignatures, readJwks } from '../lib/scenarios/jwks.js';
import type { Scenario } from '../lib/scenarios/types.js';
import { NO_KEY_MESSAGE } from '../lib/sts/stages/signature.js';
import { simulate } from '../lib/sts/simulate.js';
import { decodeCompactJwt } from '../lib/token.js';
import { githubInput, githubPolicy } from './helpers/policy.js';
import { GITHUB_CLAIMS, jwksText, signJwt, testKey } from './helpers/signing.js';

const rsa = testKey('rsa-2026');
const other = testKey('rsa-other');

function entry(i: number, kty: 'RSA' | 'EC' = 'RSA'): JwkEntry {
  return {
    index: i,
    kid: `k${i}`,
    kty,
    ...(kty === 'RSA' ? { bits: 2048 } : { crv: 'P-256' }),
    jwk: {},
  };
}

t.test('the key limit is per type and 100 is still allowed', async (t) => {
  t.equal(MAX_KEYS_PER_TYPE, 100);
  const rows: [string, number, number, boolean][] = [
    ['99 RSA', 99, 0, true],
    ['100 RSA', 100, 0, true],
    ['101 RSA', 101, 0, false],
    ['100 RSA and 100 EC', 100, 100, true],
    ['100 RSA and 101 EC (an RS256 token)', 100, 101, true],
  ];
  for (const [name, nRsa, nEc, ok] of rows) {
    const keys = [
      ...Array.from({ length: nRsa }, (_, i) => entry(i)),
      ...Array.from({ length: nEc }, (_, i) => entry(nRsa + i, 'EC')),
    ];
    const r = selectKey({ alg: 'RS256', kid: 'k0' }, { source: 'keys.json', keys });
    t.equal(r.ok, ok, name);
    if (!r.ok) t.equal(r.verdict.problem, 'too-many-keys', name);
  }
});

t.test('alg is case-sensitive (RFC 7515 §4.1.1)', async (t) => {
  const keys: KeySet = { source: 'keys.json', keys: [entry(0)] };
  for (const alg of ['rs256', 'Rs256', 'es256', 'RS256 ']) {
    const r = selectKey({ alg, kid: 'k0' }, keys);
    t.equal(r.ok, false, alg);
    if (!r.ok) t.equal(r.verdict.problem, 'alg-not-allowed', alg);
  }
  t.equal(selectKey({ alg: 'RS256', kid: 'k0' }, keys).ok, true);
});

t.test('a token jose cannot read is an unusable-key problem, not a bad signature', async (t) => {
  const r = readJwks(jwksText(rsa), 'keys.json');
  if (!r.ok) throw new Error('jwks');
  const good = signJwt({ alg: 'RS256', kid: rsa.kid }, GITHUB_CLAIMS, rsa);
  const [h, p] = good.split('.');
  const rows: [string, string, SignatureProblem | undefined][] = [
    ['as signed', good, undefined],
    [
      'signed by another key',
      signJwt({ alg: 'RS256', kid: rsa.kid }, GITHUB_CLAIMS, other),
      'bad-signature',
    ],
    ['a signature that is not base64url', `${h}.${p}.@@@@`, 'unusable-key'],
  ];
  for (const [name, jwt, problem] of rows) {
    const d = decodeCompactJwt(good);
    if (!d.ok) throw new Error(d.message);
    const v = await verifySignature(jwt, d.header, r.set);
    t.equal(v.problem, problem, name);
    t.equal(v.ok, problem === undefined, `${name}: ok`);
  }
});

t.test('each signature problem: the message STS gives and the note it rests on', async (t) => {
  const rows: [SignatureProblem, 'no-key' | 'signature', 'keys' | 'signature'][] = [
    ['too-many-keys', 'no-key', 'signature'],
    ['kid-not-found', 'no-key', 'signature'],
    ['no-kid-several-keys', 'no-key', 'keys'],
    ['no-key', 'no-key', 'signature'],
    ['key-not-for-signing', 'signature', 'keys'],
    ['rsa-key-too-small', 'signature', 'keys'],
    ['key-type-mismatch', 'signature', 'signature'],
    ['curve-mismatch', 'signature', 'signature'],
    ['bad-signature', 'signature', 'signature'],
    ['unusable-key', 'signature', 'signature'],
    ['alg-not-allowed', 'signature', 'signature'],
  ];
  const base = githubInput(githubPolicy('repo:acme/app:*'));
  for (const [problem, message, note] of rows) {
    const verdict: SignatureVerdict = {
      ok: false,
      source: 'keys.json',
      alg: 'RS256',
      kids: [],
      problem,
    };
    const d = simulate({ ...base, token: { ...base.token, signature: verdict } });
    t.equal(d.decision, 'deny', problem);
    t.equal(d.code, 'InvalidIdentityToken', problem);
    if (message === 'no-key') t.equal(d.message, NO_KEY_MESSAGE, `${problem}: message`);
    else t.equal(d.message, "The token's signature could not be verified", `${problem}: message`);
    const check = d.checks.find((c) => c.id === 'token.signature');
    t.match(
      check?.unconfirmed,
      note === 'keys' ? /UNCONFIRMED \[jwks-keys\]/ : /UNCONFIRMED 5/,
      `${problem}: note`,
    );
  }
});

t.test('JWKS reading: modulus size, padding, duplicate members and kids', async (t) => {
  const n = (bytes: number[]): string => Buffer.from(bytes).toString('base64url');
  const modulus = (first: number[], length: number): string =>
    n([...first, ...Array.from({ length: length - first.length }, () => 0xab)]);
  const bits: [string, string, number][] = [
    ['2048 bits', modulus([0x80], 256), 2048],
    ['2047 bits', modulus([0x7f], 256), 2047],
    ['2041 bits', modulus([0x01], 256), 2041],
    ['a leading zero byte', modulus([0x00, 0x80], 257), 2048],
  ];
  for (const [name, mod, want] of bits) {
    const r = readJwks(
      JSON.stringify({ keys: [{ kty: 'RSA', kid: 'a', n: mod, e: 'AQAB' }] }),
      'k',
    );
    t.ok(r.ok, name);
    if (r.ok) {
      t.equal(r.set.keys[0]?.bits, want, name);
      const s = selectKey({ alg: 'RS256', kid: 'a' }, r.set);
      t.equal(s.ok, want >= 2048, `${name}: usable`);
    }
  }
  for (const e of ['AQAB=', 'AQ==', 'AQ+B', 'AQ/B']) {
    const r = readJwks(
      JSON.stringify({ keys: [{ kty: 'RSA', kid: 'a', n: modulus([0x80], 256), e }] }),
      'k',
    );
    t.notOk(r.ok, `e ${e}`);
    if (!r.ok)
      t.match(r.errors[0], { code: 'jwks-bad-member', message: /not base64url/ }, `e ${e}`);
  }
  // Three keys sharing a kid: each later one is named against the first.
  const three = readJwks(jwksText(rsa, rsa, rsa), 'keys.json');
  t.ok(three.ok);
  if (three.ok)
    t.same(
      three.warnings.map((w) => w.message.replace(/^keys\[(\d)\].*of keys\[(\d)\].*$/, '$1<$2')),
      ['1<0', '2<0'],
    );
});

t.test('a member written twice is refused at the second one', async (t) => {
  const mod = Buffer.from([0x80, ...Array.from({ length: 255 }, () => 1)]).toString('base64url');
  const text = `{"keys": [{"kty": "RSA", "kid": "first", "kid": "last", "n": "${mod}", "e": "AQAB"}]}`;
  const r = readJwks(text, 'keys.json');
  t.notOk(r.ok);
  if (!r.ok)
    t.match(r.errors[0], {
      code: 'jwks-not-json',
      line: 1,
      column: text.indexOf('"kid": "last"') + 1,
      message: /duplicate key "kid"/,
    });
});

t.test('the same token checked against two key sets gets two verdicts', async (t) => {
  const jwt = signJwt({ alg: 'RS256', kid: 'shared' }, GITHUB_CLAIMS, rsa);
  const d = decodeCompactJwt(jwt);
  if (!d.ok) throw new Error(d.message);
  const setOf = (key: typeof rsa, source: string): KeySet => {
    const r = readJwks(jwksText({ ...key, jwk: { ...key.jwk, kid: 'shared' } }), source);
    if (!r.ok) throw new Error('jwks');
    return r.set;
  };
  const pending = new PendingSignatures();
  const right = {} as Scenario;
  const wrong = {} as Scenario;
  pending.add(right, {
    jwt,
    header: d.header,
    set: setOf(rsa, 'right.json'),
    place: { line: 1, column: 1 },
  });
  pending.add(wrong, {
    jwt,
    header: d.header,
    set: setOf(other, 'wrong.json'),
    place: { line: 2, column: 1 },
  });
  await pending.verifyAll();
  t.equal(right.signature?.ok, true);
  t.equal(wrong.signature?.problem, 'bad-signature');
});
