/**
 * Login with Amazon (§1.4, §2.1, §3.1): built-in OAuth 2.0 provider `www.amazon.com`, used with
 * `ProviderId`. Keys `app_id` (the audience) and `user_id`.
 */
import { matchesAny, str } from './keys.js';
import type { ProviderModule } from './types.js';

export const amazon: ProviderModule = {
  id: 'amazon',
  displayName: 'Login with Amazon',
  builtIn: true,
  oauth: true,
  shared: false,
  requiredKeys: [],
  matchesHostPath: (hostPath) => matchesAny([/^www\.amazon\.com$/i], hostPath),
  claimKeys: () => [str('app_id'), str('user_id')],
  oauthRequiredClaims: ['app_id', 'user_id'],
  knownUnexposedClaims: [],
  absentKeyNotes: {
    aud: 'for Login with Amazon the audience key is `{P}:app_id`',
    sub: 'for Login with Amazon the user key is `{P}:user_id`',
    id: 'for Login with Amazon the user key is `{P}:user_id`',
  },
};
