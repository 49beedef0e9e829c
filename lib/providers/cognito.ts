/**
 * Amazon Cognito identity pools (§1.3, §3.1, §7.6, §8.2): built-in provider
 * `cognito-identity.amazonaws.com` (`cognito-identity.amazonaws.com.cn` taken as the aws-cn form,
 * UNCONFIRMED 13). Keys `aud` (pool id), `sub` (identity id), `amr` (MULTIVALUED). Shared issuer
 * whose tenancy key is `aud`.
 */
import { matchesAny, multi, str } from './keys.js';
import type { ProviderModule } from './types.js';

export const COGNITO_HOST = 'cognito-identity.amazonaws.com';

export const cognito: ProviderModule = {
  id: 'cognito',
  displayName: 'Amazon Cognito identity pools',
  builtIn: true,
  oauth: false,
  shared: true,
  requiredKeys: ['aud'],
  matchesHostPath: (hostPath) =>
    matchesAny([/^cognito-identity\.amazonaws\.com(\.cn)?$/i], hostPath),
  claimKeys: () => [str('aud'), str('sub'), multi('amr')],
  knownUnexposedClaims: ['https://cognito-identity.amazonaws.com/identity-pool-arn'],
  absentKeyNotes: {
    identity_pool_id: 'the identity-pool id is `{P}:aud`',
    identity_id: 'the identity id is `{P}:sub`',
  },
};
