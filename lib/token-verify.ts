/**
 * Verifying a compact JWT's signature against a JSON Web Key Set, choosing the key as STS does:
 * by the token's `kid`, or the one key of the set when the token names none. The verdict is data
 * (never an exception) that the simulator's token stage turns into the InvalidIdentityToken STS
 * would answer. The `jose` library is loaded only when a token is verified, so nothing that does
 * not verify pays for it.
 *
 * What AWS documents: tokens are signed with RS256/384/512 or ES256/384/512 (AssumeRoleWithWebIdentity
 * API reference, WebIdentityToken); a provider's JWKS "must contain at least one key and can have
 * a maximum of 100 RSA keys and 100 EC keys" (IAM User Guide, Create an OIDC identity provider).
 * The key-selection rules (kid required in the set; no kid only with one key; `use: enc` and
 * `key_ops` keys unusable; duplicate kids: the last wins) were observed by a public third-party
 * probe of STS in 2026 and are not documented: the simulator marks them UNCONFIRMED.
 *
 * Verification never looks at exp, nbf or iat: the simulator's own clock decides those.
 */

/** One public key of a set, as read from the JWKS (see lib/scenarios/jwks.ts). */
export interface JwkEntry {
  /** Its place in `keys`, 0-based. */
  index: number;
  kid: string;
  kty: 'RSA' | 'EC';
  use?: string;
  alg?: string;
  crv?: string;
  keyOps?: unknown;
  /** The RSA modulus size in bits. */
  bits?: number;
  /** The public members jose imports (kty, n, e or kty, crv, x, y). */
  jwk: Readonly<Record<string, string>>;
}

export interface KeySet {
  /** Where the set came from, as the user named it (a file or a URL). */
  source: string;
  keys: readonly JwkEntry[];
}

/** Why a signature STS would check does not verify. */
export type SignatureProblem =
  | 'alg-not-allowed'
  | 'too-many-keys'
  | 'kid-not-found'
  | 'no-kid-several-keys'
  | 'no-key'
  | 'key-not-for-signing'
  | 'key-type-mismatch'
  | 'curve-mismatch'
  | 'rsa-key-too-small'
  | 'bad-signature'
  | 'unusable-key';

/** The key a verification used (or would have used). */
export interface VerdictKey {
  index: number;
  kid: string;
  kty: string;
  crv?: string;
  bits?: number;
  use?: string;
}

export interface SignatureVerdict {
  ok: boolean;
  /** The JWKS, as the user named it. */
  source: string;
  /** The token header's alg and kid (kid undefined when the token has none). */
  alg: unknown;
  kid?: unknown;
  /** Every kid of the set, in order. */
  kids: string[];
  key?: VerdictKey;
  problem?: SignatureProblem;
  /** More about the problem, in the user's terms. */
  detail?: string;
}

/** Per algorithm: the key type and, for ECDSA, the curve (RFC 7518 §3.1, §3.4). */
const ALG_KEYS: Readonly<Record<string, { kty: 'RSA' | 'EC'; crv?: string }>> = {
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256' },
  ES384: { kty: 'EC', crv: 'P-384' },
  ES512: { kty: 'EC', crv: 'P-521' },
};

/** AWS: "a maximum of 100 RSA keys and 100 EC keys" per provider's JWKS. */
export const MAX_KEYS_PER_TYPE = 100;
/** RFC 7518 §3.3: RSA keys for RS* are 2048 bits or larger (jose enforces it too). */
export const MIN_RSA_BITS = 2048;

function keyOf(k: JwkEntry): VerdictKey {
  return {
    index: k.index,
    kid: k.kid,
    kty: k.kty,
    ...(k.crv !== undefined ? { crv: k.crv } : {}),
    ...(k.bits !== undefined ? { bits: k.bits } : {}),
    ...(k.use !== undefined ? { use: k.use } : {}),
  };
}

/**
 * The key STS would verify this token with, or why there is none — everything but the
 * signature itself (synchronous, no jose).
 */
export function selectKey(
  header: Readonly<Record<string, unknown>>,
  set: KeySet,
): { ok: true; key: JwkEntry; base: SignatureVerdict } | { ok: false; verdict: SignatureVerdict } {
  const alg = header['alg'];
  const kid = header['kid'];
  const base: SignatureVerdict = {
    ok: false,
    source: set.source,
    alg,
    ...(kid !== undefined ? { kid } : {}),
    kids: set.keys.map((k) => k.kid),
  };
  const fail = (problem: SignatureProblem, detail: string, key?: JwkEntry) => ({
    ok: false as const,
    verdict: { ...base, problem, detail, ...(key ? { key: keyOf(key) } : {}) },
  });
  const want = typeof alg === 'string' ? ALG_KEYS[alg] : undefined;
  if (want === undefined) {
    return fail(
      'alg-not-allowed',
      alg === 'none'
        ? 'the token is not signed at all (alg "none")'
        : typeof alg === 'string' && /^HS/.test(alg)
          ? `${alg} is an HMAC with a shared secret, which no public key set can verify`
          : `${JSON.stringify(alg)} is not one of RS256, RS384, RS512, ES256, ES384, ES512`,
    );
  }
  const sameType = set.keys.filter((k) => k.kty === want.kty).length;
  if (sameType > MAX_KEYS_PER_TYPE) {
    return fail(
      'too-many-keys',
      `the set holds ${sameType} ${want.kty} keys; AWS takes at most ${MAX_KEYS_PER_TYPE} RSA and ${MAX_KEYS_PER_TYPE} EC keys`,
    );
  }
  let key: JwkEntry | undefined;
  if (kid !== undefined) {
    // Of keys sharing a kid, the last is used.
    key = typeof kid === 'string' ? set.keys.filter((k) => k.kid === kid).pop() : undefined;
    if (!key) {
      return fail(
        'kid-not-found',
        `no key of the set has kid ${JSON.stringify(kid)}; its kids are ${base.kids.map((k) => JSON.stringify(k)).join(', ') || '(none)'}`,
      );
    }
  } else {
    if (set.keys.length > 1) {
      return fail(
        'no-kid-several-keys',
        `the token's header has no kid, and the set holds ${set.keys.length} keys: STS takes a token without kid only when the set has one key`,
      );
    }
    key = set.keys[0];
    if (!key) return fail('no-key', 'the set holds no key');
  }
  if (key.use === 'enc' || key.keyOps !== undefined) {
    return fail(
      'key-not-for-signing',
      key.use === 'enc'
        ? `key "${key.kid}" is marked "use": "enc" (encryption), so it does not verify signatures`
        : `key "${key.kid}" has "key_ops", which STS is observed to refuse`,
      key,
    );
  }
  if (key.kty !== want.kty) {
    return fail(
      'key-type-mismatch',
      `the token is signed with ${alg as string} (an ${want.kty} signature), and key "${key.kid}" is an ${key.kty} key`,
      key,
    );
  }
  if (want.crv !== undefined && key.crv !== want.crv) {
    return fail(
      'curve-mismatch',
      `${alg as string} needs a ${want.crv} key, and key "${key.kid}" is on ${key.crv ?? 'no curve'}`,
      key,
    );
  }
  if (key.kty === 'RSA' && key.bits !== undefined && key.bits < MIN_RSA_BITS) {
    return fail(
      'rsa-key-too-small',
      `key "${key.kid}" is a ${key.bits}-bit RSA key; RS256/384/512 keys are ${MIN_RSA_BITS} bits or more (RFC 7518)`,
      key,
    );
  }
  return { ok: true, key, base: { ...base, key: keyOf(key) } };
}

type Jose = typeof import('jose');
let jose: Promise<Jose> | undefined;
/** jose, loaded on first use only. */
function loadJose(): Promise<Jose> {
  jose ??= import('jose');
  return jose;
}

type ImportedKey = Awaited<ReturnType<Jose['importJWK']>>;
/** Imported keys by entry and algorithm: a key set verifies many tokens, each key is read once. */
const importedKeys = new WeakMap<JwkEntry, Map<string, Promise<ImportedKey>>>();
function importedKey(j: Jose, key: JwkEntry, alg: string): Promise<ImportedKey> {
  let byAlg = importedKeys.get(key);
  if (!byAlg) importedKeys.set(key, (byAlg = new Map()));
  let p = byAlg.get(alg);
  if (!p) {
    p = j.importJWK({ ...key.jwk }, alg);
    byAlg.set(alg, p);
  }
  return p;
}

/**
 * Verifies `jwt` (compact, as received) with the key STS would choose from `set`. Never throws:
 * every failure is a verdict with its problem.
 */
export async function verifySignature(
  jwt: string,
  header: Readonly<Record<string, unknown>>,
  set: KeySet,
): Promise<SignatureVerdict> {
  const chosen = selectKey(header, set);
  if (!chosen.ok) return chosen.verdict;
  const { key, base } = chosen;
  const alg = header['alg'] as string;
  const j = await loadJose();
  let imported: ImportedKey;
  try {
    imported = await importedKey(j, key, alg);
  } catch (e) {
    return {
      ...base,
      problem: 'unusable-key',
      detail: `key "${key.kid}" could not be read as an ${key.kty} public key: ${(e as Error).message}`,
    };
  }
  try {
    await j.compactVerify(jwt.trim(), imported, { algorithms: [alg] });
    return { ...base, ok: true };
  } catch (e) {
    const bad = e instanceof j.errors.JWSSignatureVerificationFailed;
    return {
      ...base,
      problem: bad ? 'bad-signature' : 'unusable-key',
      detail: bad
        ? `the signature does not verify with key "${key.kid}": the token was changed after it was signed, or another key was used under that kid`
        : `the token could not be checked with key "${key.kid}": ${(e as Error).message}`,
    };
  }
}
