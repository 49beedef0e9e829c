/**
 * AWS as the issuer: IAM outbound identity federation (EnableOutboundWebIdentityFederation, then
 * STS GetWebIdentityToken, late 2025). Each account gets its own issuer URL,
 * `https://<unique id>.tokens.sts.global.api.aws`, serving /.well-known/openid-configuration and
 * /.well-known/jwks.json; tokens are signed RS256 or ES384; `sub` is the ARN of the calling
 * principal, `aud` the audience(s) asked for, and AWS claims sit under the
 * `https://sts.amazonaws.com/` namespace (aws_account, source_region, org_id, ou_path,
 * principal_tags, request_tags, …). Sources: IAM User Guide, "Understanding token claims" and
 * "Getting started with outbound identity federation"; IAM API reference,
 * EnableOutboundWebIdentityFederation; STS API reference, GetWebIdentityToken.
 *
 * The getting-started page says: the JWTs GetWebIdentityToken generates "cannot be used for OpenID
 * Connect (OIDC) federation into AWS (via the AssumeRoleWithWebIdentity API)" — with no exception
 * for another account or partition. So the simulator refuses such a token with
 * InvalidIdentityToken; which code and message STS really returns is not documented (UNCONFIRMED).
 * The condition keys AWS documents for this feature (sts:IdentityTokenAudience,
 * sts:SigningAlgorithm, sts:DurationSeconds) govern who may call GetWebIdentityToken, not a role's
 * trust policy.
 */
import { GENERIC_OIDC_KEYS, matchesAny } from './keys.js';
import type { ProviderModule } from './types.js';

/** An account's outbound issuer host: a unique id under tokens.sts.global.api.aws. */
const HOST = String.raw`[a-z0-9][a-z0-9-]*\.tokens\.sts\.global\.api\.aws`;
const ISSUER_HOST = new RegExp(`^${HOST}$`, 'i');
/** The issuer URL of such a host (`https://` already checked, in lower case), a `/` allowed at the end. */
const ISSUER_URL = new RegExp(`^https://${HOST}/?$`, 'i');

/** The namespace claim holding AWS's identity and session claims. */
export const AWS_OUTBOUND_NAMESPACE = 'https://sts.amazonaws.com/';

export const AWS_OUTBOUND_NOTE =
  'UNCONFIRMED [aws-outbound]: AWS documents that GetWebIdentityToken tokens cannot be used with AssumeRoleWithWebIdentity; the error STS returns is not documented';

export const awsOutbound: ProviderModule = {
  id: 'aws-outbound',
  displayName: 'AWS outbound identity federation (GetWebIdentityToken)',
  builtIn: false,
  oauth: false,
  shared: false,
  requiredKeys: [],
  matchesHostPath: (hostPath) => matchesAny([ISSUER_HOST], hostPath),
  claimKeys: () => GENERIC_OIDC_KEYS.map((k) => ({ ...k })),
  knownUnexposedClaims: [AWS_OUTBOUND_NAMESPACE, 'jti'],
};

/** Is this `iss` an account's outbound identity federation issuer? */
export function isAwsOutboundIssuer(iss: unknown): iss is string {
  // Asked of every token the simulator sees: the last character (`s`, `S` or `/`) rules out
  // nearly every other issuer, then one regex test on the URL.
  if (typeof iss !== 'string') return false;
  const last = iss.charCodeAt(iss.length - 1);
  if (last !== 0x73 && last !== 0x53 && last !== 0x2f) return false;
  return iss.startsWith('https://') && ISSUER_URL.test(iss);
}
