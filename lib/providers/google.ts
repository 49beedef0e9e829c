/**
 * Google (§1.3, §3.1): built-in provider `accounts.google.com`. Keys `aud`, `oaud`, `sub` and
 * `google/organization_number` (Numeric, SAR since 2026-07-15). The azp rule: with an `azp` claim,
 * `accounts.google.com:aud` carries azp and `:oaud` the token's aud; without, both carry aud.
 */
import { matchesAny, str } from './keys.js';
import type { ClaimKey, ClaimRead, Claims, ProviderModule } from './types.js';

export const GOOGLE_HOST = 'accounts.google.com';

function own(claims: Claims, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(claims, name) && claims[name] !== undefined;
}

const ORG_NUMBER_UNCONFIRMED =
  '§3.1: AWS names the key but not the claim that feeds it; read from `google.organization_number` (or a flat `google/organization_number` claim)';

export const google: ProviderModule = {
  id: 'google',
  displayName: 'Google',
  builtIn: true,
  oauth: false,
  shared: false,
  requiredKeys: [],
  matchesHostPath: (hostPath) => matchesAny([/^accounts\.google\.com$/i], hostPath),
  claimKeys: () => [
    str('aud'),
    str('oaud', 'aud'),
    str('sub'),
    {
      name: 'google/organization_number',
      type: 'Numeric',
      multiValued: false,
      unconfirmed: ORG_NUMBER_UNCONFIRMED,
    },
  ],
  claimValue(key: ClaimKey, claims: Claims): ClaimRead | undefined {
    if (key.name === 'aud') {
      if (own(claims, 'azp')) return { claim: 'azp', value: claims['azp'] };
      return own(claims, 'aud') ? { claim: 'aud', value: claims['aud'] } : undefined;
    }
    if (key.name === 'google/organization_number') {
      const nested = claims['google'];
      if (
        own(claims, 'google') &&
        typeof nested === 'object' &&
        nested !== null &&
        !Array.isArray(nested) &&
        Object.prototype.hasOwnProperty.call(nested, 'organization_number')
      ) {
        return {
          claim: 'google.organization_number',
          value: (nested as Record<string, unknown>)['organization_number'],
        };
      }
      return own(claims, key.name) ? { claim: key.name, value: claims[key.name] } : undefined;
    }
    const claim = key.claim ?? key.name;
    return own(claims, claim) ? { claim, value: claims[claim] } : undefined;
  },
  knownUnexposedClaims: [
    'azp',
    'email',
    'email_verified',
    'hd',
    'name',
    'given_name',
    'family_name',
    'picture',
    'locale',
    'nonce',
    'at_hash',
  ],
  absentKeyNotes: {
    azp: 'when the token has azp, `{P}:aud` carries it (and `{P}:oaud` the token aud); use `{P}:aud`',
    email: 'restrict by `{P}:sub` (the stable Google account id)',
    hd: 'restrict by `{P}:google/organization_number` or `{P}:sub`',
  },
};
