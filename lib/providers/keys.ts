/** Shared pieces of the provider modules: claim-key constructors and the generic OIDC key set. */
import type { ClaimKey } from './types.js';

/** A single-valued String key read from the claim of the same name. */
export function str(name: string, claim?: string): ClaimKey {
  return claim === undefined
    ? { name, type: 'String', multiValued: false }
    : { name, claim, type: 'String', multiValued: false };
}

/** A multivalued String key (test it with `ForAnyValue:`/`ForAllValues:`, §3.1, §5.5). */
export function multi(name: string, claim?: string): ClaimKey {
  return { ...str(name, claim), multiValued: true };
}

export function unconfirmed(key: ClaimKey, reason: string): ClaimKey {
  return { ...key, unconfirmed: reason };
}

const UNCONFIRMED_15 =
  '§3.1 (UNCONFIRMED 15): listed for generic OIDC providers only in secondary summaries of the current AWS key page';

/**
 * Keys AWS documents for any IAM OIDC provider (§3.1): `aud`, `sub`, `amr` (multivalued), plus
 * `oaud` (taken to carry the token's `aud`), `email` and `azp`, each UNCONFIRMED.
 */
export const GENERIC_OIDC_KEYS: readonly ClaimKey[] = [
  str('aud'),
  str('sub'),
  multi('amr'),
  unconfirmed(str('oaud', 'aud'), `${UNCONFIRMED_15}; taken to carry the token's aud`),
  unconfirmed(str('email'), UNCONFIRMED_15),
  unconfirmed(
    str('azp'),
    `${UNCONFIRMED_15} (AWS's page names azp only as the Google field feeding accounts.google.com:aud)`,
  ),
];

/** Registered claims of every JWT that STS checks itself and never exposes as keys (§1.3, §3.1). */
export const JWT_REGISTERED_CLAIMS: readonly string[] = ['iss', 'exp', 'iat', 'nbf', 'jti'];

/** Case-insensitive host[/path] test against anchored patterns. */
export function matchesAny(patterns: readonly RegExp[], hostPath: string): boolean {
  return patterns.some((re) => re.test(hostPath));
}
