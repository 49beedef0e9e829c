/**
 * Keys and signed tokens made at test time with node:crypto (never committed private keys): an
 * RSA or EC key pair, its public JWK with a kid, and a compact JWT signed with it as an issuer
 * would sign it (RFC 7515; ECDSA signatures in the JOSE r||s form).
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export interface TestKey {
  kid: string;
  privateKey: KeyObject;
  /** The public JWK, with kid (and whatever `extra` adds). */
  jwk: Record<string, unknown>;
}

export type KeySpec =
  { kty: 'RSA'; bits?: number } | { kty: 'EC'; crv: 'P-256' | 'P-384' | 'P-521' };

const cache = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>();

/** A key pair per (spec, name): generated once per test process. */
export function testKey(kid: string, spec: KeySpec = { kty: 'RSA' }, extra = {}): TestKey {
  const id = `${JSON.stringify(spec)}|${kid}`;
  let pair = cache.get(id);
  if (!pair) {
    pair =
      spec.kty === 'RSA'
        ? generateKeyPairSync('rsa', { modulusLength: spec.bits ?? 2048 })
        : generateKeyPairSync('ec', { namedCurve: spec.crv });
    cache.set(id, pair);
  }
  return {
    kid,
    privateKey: pair.privateKey,
    jwk: { ...pair.publicKey.export({ format: 'jwk' }), kid, ...extra },
  };
}

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

/** A compact JWT: `header` (alg, kid, …) and `claims`, signed with `key` (unsigned for alg none). */
export function signJwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  key: TestKey | undefined,
): string {
  const input = `${b64(header)}.${b64(claims)}`;
  const alg = String(header['alg']);
  if (!key || alg === 'none') return `${input}.`;
  const hash = HASH[alg.slice(2)] ?? 'sha256';
  const sig = sign(hash, Buffer.from(input), {
    key: key.privateKey,
    ...(alg.startsWith('ES') ? { dsaEncoding: 'ieee-p1363' as const } : {}),
  });
  return `${input}.${sig.toString('base64url')}`;
}

/** A JWKS text of these keys' public JWKs. */
export function jwksText(...keys: TestKey[]): string {
  return JSON.stringify({ keys: keys.map((k) => k.jwk) }, null, 2);
}

/** GitHub Actions-shaped claims (trimmed), valid at 2026-06-01T00:00:00Z. */
export const GITHUB_CLAIMS = {
  iss: 'https://token.actions.githubusercontent.com',
  aud: 'sts.amazonaws.com',
  sub: 'repo:acme/app:ref:refs/heads/main',
  repository: 'acme/app',
  ref: 'refs/heads/main',
  iat: 1780271700,
  nbf: 1780271700,
  exp: 1780272300,
};
