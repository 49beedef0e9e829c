/**
 * Reading a JWKS (lib/scenarios/jwks.ts): provider-shaped sets are read; every set STS could not
 * use is refused with its line and column. Fixtures: test/fixtures/jwks (README there names the
 * public sources). The 100-keys-per-type limit and "at least one key" are from the IAM User Guide
 * (Create an OIDC identity provider in IAM); kids are required as STS picks the key by kid.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJwks } from '../../lib/scenarios/jwks.js';

const DIR = fileURLToPath(new URL('../fixtures/jwks/', import.meta.url));
const fixture = (name: string) => readFileSync(join(DIR, name), 'utf8');

t.test('provider-shaped sets are read, kids and key types kept', async (t) => {
  const rows: [string, string[], string[]][] = [
    [
      'github-actions.jwks.json',
      ['cc413527-173f-5a05-976e-9c52b1d7b431', '38826b17-6a30-5f9b-b169-8beb8202f723'],
      ['RSA', 'RSA'],
    ],
    ['eks-cluster.jwks.json', ['2f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c'], ['RSA']],
    ['aws-outbound.jwks.json', ['RSA_0', 'EC_0'], ['RSA', 'EC']],
  ];
  for (const [file, kids, types] of rows) {
    const r = readJwks(fixture(file), file);
    t.equal(r.ok, true, file);
    if (!r.ok) continue;
    t.same(
      r.set.keys.map((k) => k.kid),
      kids,
    );
    t.same(
      r.set.keys.map((k) => k.kty),
      types,
    );
    t.same(r.warnings, []);
    for (const k of r.set.keys.filter((x) => x.kty === 'RSA')) t.equal(k.bits, 2048);
  }
});

t.test('bad sets: one positioned error each', async (t) => {
  const rows: {
    name: string;
    text: string;
    code: string;
    line: number;
    column: number;
    message: RegExp;
  }[] = [
    {
      name: 'a key without kid (fixture)',
      text: fixture('no-kid.jwks.json'),
      code: 'jwks-key-without-kid',
      line: 11,
      column: 5,
      message: /^keys\[1\] has no "kid": STS picks the key .* by the kid in the token's header$/,
    },
    {
      name: 'a symmetric secret (fixture)',
      text: fixture('symmetric.jwks.json'),
      code: 'jwks-private-key',
      line: 7,
      column: 7,
      message: /holds private key material \("k"\)/,
    },
    {
      name: 'an Ed25519 key (fixture)',
      text: fixture('ed25519.jwks.json'),
      code: 'jwks-key-type',
      line: 4,
      column: 14,
      message: /kty "OKP": STS verifies tokens only with RSA .* and EC .* keys/,
    },
    {
      name: 'one JWK, not a set (fixture)',
      text: fixture('single-key.json'),
      code: 'jwks-shape',
      line: 1,
      column: 1,
      message: /one JSON Web Key, not a key set/,
    },
    {
      name: 'an HTML page saved as the JWKS (fixture)',
      text: fixture('html-error-page.jwks.txt'),
      code: 'jwks-not-json',
      line: 1,
      column: 1,
      message: /^the JWKS is not JSON: /,
    },
    {
      name: 'a cut-off download (fixture)',
      text: fixture('truncated.jwks.txt'),
      code: 'jwks-not-json',
      line: 6,
      column: 12,
      message: /^the JWKS is not JSON: /,
    },
    {
      name: 'no keys list',
      text: '{"issuer": "https://example.com"}',
      code: 'jwks-shape',
      line: 1,
      column: 1,
      message: /has no "keys" list/,
    },
    {
      name: 'keys not a list',
      text: '{\n  "keys": {"kty": "RSA"}\n}',
      code: 'jwks-shape',
      line: 2,
      column: 11,
      message: /"keys" must be a list/,
    },
    {
      name: 'an empty set',
      text: '{"keys": []}',
      code: 'jwks-empty',
      line: 1,
      column: 10,
      message: /at least one/,
    },
    {
      name: 'a kid that is not a string',
      text: '{"keys": [{"kty": "RSA", "kid": 7, "n": "AQAB", "e": "AQAB"}]}',
      code: 'jwks-bad-member',
      line: 1,
      column: 33,
      message: /"kid" must be a non-empty string/,
    },
    {
      name: 'an RSA key without n',
      text: '{"keys": [{"kty": "RSA", "kid": "a", "e": "AQAB"}]}',
      code: 'jwks-missing-member',
      line: 1,
      column: 11,
      message: /keys\[0\] \(kid "a"\) has no "n"/,
    },
    {
      name: 'a modulus in standard base64',
      text: '{"keys": [{"kty": "RSA", "kid": "a", "n": "ab+/==", "e": "AQAB"}]}',
      code: 'jwks-bad-member',
      line: 1,
      column: 43,
      message: /"n" is not base64url/,
    },
    {
      name: 'an EC key on secp256k1',
      text: '{"keys": [{"kty": "EC", "kid": "a", "crv": "secp256k1", "x": "AQAB", "y": "AQAB"}]}',
      code: 'jwks-key-type',
      line: 1,
      column: 44,
      message: /curve "secp256k1"/,
    },
    {
      name: 'a private RSA key pasted by mistake',
      text: '{"keys": [{"kty": "RSA", "kid": "a", "n": "AQAB", "e": "AQAB", "d": "AQAB"}]}',
      code: 'jwks-private-key',
      line: 1,
      column: 64,
      message: /public keys only/,
    },
    {
      name: 'a key that is not an object',
      text: '{"keys": ["RSA"]}',
      code: 'jwks-bad-key',
      line: 1,
      column: 11,
      message: /keys\[0\] is not an object/,
    },
  ];
  for (const r of rows) {
    const got = readJwks(r.text, 'keys.json');
    t.equal(got.ok, false, r.name);
    if (got.ok) continue;
    const [e] = got.errors;
    t.match(e, { code: r.code, line: r.line, column: r.column }, r.name);
    t.match(e?.message, r.message, r.name);
  }
});

t.test('every problem of a set is reported, not only the first', async (t) => {
  const got = readJwks(
    '{"keys": [\n {"kty": "RSA", "n": "AQAB", "e": "AQAB"},\n {"kty": "oct", "kid": "s"}\n]}',
    'keys.json',
  );
  t.equal(got.ok, false);
  if (!got.ok)
    t.same(
      got.errors.map((e) => [e.code, e.line]),
      [
        ['jwks-key-without-kid', 2],
        ['jwks-key-type', 3],
      ],
    );
});
