/**
 * Facebook (§1.4, §2.1, §3.1): built-in OAuth 2.0 provider `graph.facebook.com`, used with
 * `ProviderId`. Keys `app_id` (the audience) and `id` (the user).
 */
import { matchesAny, str } from './keys.js';
import type { ProviderModule } from './types.js';

export const facebook: ProviderModule = {
  id: 'facebook',
  displayName: 'Facebook',
  builtIn: true,
  oauth: true,
  shared: false,
  requiredKeys: [],
  matchesHostPath: (hostPath) => matchesAny([/^graph\.facebook\.com$/i], hostPath),
  claimKeys: () => [str('app_id'), str('id')],
  oauthRequiredClaims: ['app_id', 'id'],
  knownUnexposedClaims: [],
  absentKeyNotes: {
    aud: 'for Facebook the audience key is `{P}:app_id`',
    sub: 'for Facebook the user key is `{P}:id`',
    user_id: 'for Facebook the user key is `{P}:id`',
  },
};
