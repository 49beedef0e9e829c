/**
 * The token's signature and issuer kind in the user's terms: which key STS would pick, why it
 * could not verify the token (a key rotated away, another key type, an algorithm STS does not
 * take), and what to do about it.
 */
import type { CheckWithId } from '../sts/types.js';
import type { SignatureVerdict } from '../token-verify.js';
import type { CheckText } from './describe.js';
import { diag, type Facts } from './facts.js';
import type { ExplainedDiagnosis } from './types.js';

function kidText(v: SignatureVerdict): string {
  return v.kid === undefined ? 'no kid' : `kid ${JSON.stringify(v.kid)}`;
}

export function signatureText(c: CheckWithId<'token.signature'>): CheckText {
  const v = c.data;
  if (c.ok) {
    const k = v.key;
    return {
      message: `the signature (${String(v.alg)}) verifies with key "${k?.kid}" of ${v.source}`,
      actual: `${kidText(v)}, ${String(v.alg)}`,
    };
  }
  return {
    message: `the token's signature (${String(v.alg)}, ${kidText(v)}) is not verified by ${v.source}: ${v.detail ?? v.problem}`,
    expected: v.kids.length > 0 ? `a key of ${v.source}: ${v.kids.join(', ')}` : 'a key',
    actual: kidText(v),
  };
}

export function awsIssuedText(c: CheckWithId<'token.aws-issued'>): CheckText {
  return {
    message: `the token was issued by AWS itself (outbound identity federation, GetWebIdentityToken: iss "${c.data.iss}"), and AWS documents that such tokens cannot be used with AssumeRoleWithWebIdentity`,
    actual: c.data.iss,
  };
}

/** What to do, per problem; `{src}` is the JWKS. */
const FIXES: Readonly<Record<NonNullable<SignatureVerdict['problem']>, [string, string]>> = {
  'alg-not-allowed': [
    'The token is signed with an algorithm STS does not take',
    'have the issuer sign with RS256, RS384, RS512, ES256, ES384 or ES512',
  ],
  'too-many-keys': [
    "The provider's key set is larger than AWS reads",
    'publish at most 100 RSA and 100 EC keys: retire old keys from the set',
  ],
  'kid-not-found': [
    "No key of the provider's key set has the token's kid",
    "if the provider rotated its keys, the token was signed with a key it no longer publishes: get a fresh token; if {src} is an old copy, take the current JWKS from the jwks_uri of the issuer's /.well-known/openid-configuration; a kid from another issuer means the token is not from this provider",
  ],
  'no-kid-several-keys': [
    "The token names no key, and the provider's key set has several",
    'have the issuer put the kid of its signing key in the token header, or publish only that key',
  ],
  'no-key': ["The provider's key set is empty", 'publish the signing key in the JWKS'],
  'key-not-for-signing': [
    'The key the token names is not a signing key',
    'publish the signing key with "use": "sig" (or without "use") and without "key_ops"',
  ],
  'key-type-mismatch': [
    "The key the token names is of another type than the token's signature",
    "the token must be signed with the key its kid names: check the issuer's signing configuration, or the JWKS copy in {src}",
  ],
  'curve-mismatch': [
    "The key the token names is on another curve than the token's algorithm",
    'sign ES256 with a P-256 key, ES384 with P-384, ES512 with P-521',
  ],
  'rsa-key-too-small': [
    'The RSA key is shorter than 2048 bits',
    'sign with an RSA key of 2048 bits or more',
  ],
  'bad-signature': [
    "The token's signature does not verify",
    'use the token exactly as the issuer gave it (no edited claims); if the issuer reuses a kid for a new key, get the current JWKS',
  ],
  'unusable-key': [
    'The key the token names could not be used',
    "check the key in {src} against the provider's published JWKS",
  ],
};

export function signatureRefused(f: Facts): ExplainedDiagnosis[] {
  const d = f.decision;
  if (d.decision !== 'deny' || d.failedCheck !== 'token.signature') return [];
  const check = d.checks.find(
    (c): c is CheckWithId<'token.signature'> => c.id === 'token.signature' && !c.ok,
  );
  const v = check?.data;
  if (!check || !v?.problem) return [];
  const [title, fix] = FIXES[v.problem];
  return [
    diag(
      `signature-${v.problem}`,
      title,
      `${signatureText(check).message}. STS verifies the token with the provider's published keys before it reads the trust policy, and answers InvalidIdentityToken: ${d.message}`,
      fix.replace('{src}', v.source),
    ),
  ];
}

/** Another way in: AssumeRole within a partition; across partitions, no AWS principal is trusted. */
function awsIssuedFix(sub: unknown, rolePartition: string | undefined): string {
  const from = typeof sub === 'string' ? /^arn:([^:]+):/.exec(sub)?.[1] : undefined;
  if (from === undefined)
    return "call sts:AssumeRole with the calling principal's own credentials instead";
  if (rolePartition === undefined || from === rolePartition)
    return `let ${sub as string} call sts:AssumeRole instead: name it as an AWS principal in this role's trust policy, and allow sts:AssumeRole in its own policy`;
  return `${sub as string} is in partition ${from} and the role in ${rolePartition}: no AWS principal is trusted across partitions, so the workload needs a credential the ${rolePartition} partition accepts (an identity provider of your own registered there, or IAM Roles Anywhere)`;
}

export function awsIssuedRefused(f: Facts): ExplainedDiagnosis[] {
  const d = f.decision;
  if (d.decision !== 'deny' || d.failedCheck !== 'token.aws-issued') return [];
  const sub = f.claims['sub'];
  return [
    diag(
      'aws-issued-token',
      'The token was issued by AWS for outbound federation',
      `iss is an account's outbound identity federation issuer (…tokens.sts.global.api.aws): the token came from sts:GetWebIdentityToken${typeof sub === 'string' ? ` for ${sub}` : ''}. AWS documents that these tokens are for external services and "cannot be used for OpenID Connect (OIDC) federation into AWS (via the AssumeRoleWithWebIdentity API)", in another account or partition alike.`,
      awsIssuedFix(sub, f.role?.partition),
    ),
  ];
}

export function algorithmRefused(f: Facts): ExplainedDiagnosis[] {
  const d = f.decision;
  if (d.decision !== 'deny' || d.failedCheck !== 'token.algorithm') return [];
  const alg = f.input.token.header?.['alg'];
  const why =
    alg === 'none'
      ? 'the header says alg "none": the token is not signed at all, and anyone could have written it'
      : typeof alg === 'string' && /^HS/.test(alg)
        ? `${alg} is an HMAC: it is signed with a shared secret, which STS cannot check against the provider's public keys`
        : `${JSON.stringify(alg)} is not an algorithm STS verifies`;
  return [
    diag(
      'token-algorithm',
      'The token is signed with an algorithm STS does not take',
      `${why}. STS takes tokens signed with RSA (RS256, RS384, RS512) or ECDSA (ES256, ES384, ES512) keys (AssumeRoleWithWebIdentity API reference) and refuses others with InvalidIdentityToken.`,
      'have the issuer sign its ID tokens with RS256 (the usual choice) or another of those algorithms; a token from a test tool with alg "none" shows what a real one would claim, not whether STS takes it',
    ),
  ];
}
