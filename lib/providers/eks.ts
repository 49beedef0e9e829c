/**
 * Amazon EKS IAM roles for service accounts (§2.1, §7.2): one issuer per cluster,
 * `oidc.eks.REGION.amazonaws.com/id/ID` (`.amazonaws.com.cn` in China). Private issuer.
 */
import { GENERIC_OIDC_KEYS, matchesAny } from './keys.js';
import type { ProviderModule } from './types.js';

/** An EKS cluster's issuer host/path: region and OIDC id are captured. */
const EKS_ISSUER = /^oidc\.eks\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/id\/([A-Za-z0-9]+)$/i;

/** The EKS cluster behind an issuer host/path: region and OIDC id. */
export function eksCluster(hostPath: string): { region: string; id: string } | undefined {
  const m = EKS_ISSUER.exec(hostPath);
  return m ? { region: m[1] as string, id: m[2] as string } : undefined;
}

/** The partition an issuer lives in, when its name says so (EKS GovCloud and China regions). */
export function issuerPartition(hostPath: string): string | undefined {
  const host = hostPath.split('/')[0] ?? '';
  if (/\.amazonaws\.com\.cn$/i.test(host)) return 'aws-cn';
  if (/^oidc\.eks\.us-gov-/i.test(host)) return 'aws-us-gov';
  return undefined;
}

export const eks: ProviderModule = {
  id: 'eks',
  displayName: 'Amazon EKS (IRSA)',
  builtIn: false,
  oauth: false,
  shared: false,
  requiredKeys: [],
  matchesHostPath: (hostPath) => matchesAny([EKS_ISSUER], hostPath),
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
