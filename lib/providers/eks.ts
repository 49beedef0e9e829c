/**
 * Amazon EKS IAM roles for service accounts (§2.1, §7.2): one issuer per cluster,
 * `oidc.eks.REGION.amazonaws.com/id/ID` (`.amazonaws.com.cn` in China). Private issuer.
 */
import { GENERIC_OIDC_KEYS, matchesAny } from './keys.js';
import type { ProviderModule } from './types.js';

const HOST_PATTERNS: readonly RegExp[] = [
  /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/id\/[A-Za-z0-9]+$/i,
];

export const eks: ProviderModule = {
  id: 'eks',
  displayName: 'Amazon EKS (IRSA)',
  builtIn: false,
  oauth: false,
  shared: false,
  requiredKeys: [],
  matchesHostPath: (hostPath) => matchesAny(HOST_PATTERNS, hostPath),
  claimKeys: () => GENERIC_OIDC_KEYS.map((k) => ({ ...k })),
  knownUnexposedClaims: ['kubernetes.io'],
  defaultAudience: 'sts.amazonaws.com',
  absentKeyNotes: {
    'kubernetes.io':
      'the namespace and service account are in `{P}:sub` as `system:serviceaccount:NAMESPACE:NAME`',
    namespace: 'the namespace is in `{P}:sub` as `system:serviceaccount:NAMESPACE:NAME`',
    serviceaccount: 'the service account is in `{P}:sub` as `system:serviceaccount:NAMESPACE:NAME`',
  },
};
