/**
 * The EKS service-account family (§7.2): `sub` is `system:serviceaccount:NAMESPACE:NAME`; the pod
 * runs in another namespace or under another service account than the policy allows.
 */
import { diag, quote, quoteList } from './facts.js';
import { describeClause, positiveString, satisfies, type ClauseFacts } from './clause.js';
import type { ExplainedDiagnosis } from './types.js';

const SA_SUB = /^system:serviceaccount:([^:]*):(.*)$/;

export interface ServiceAccount {
  namespace: string;
  name: string;
}

export function parseServiceAccountSub(sub: string): ServiceAccount | undefined {
  const m = SA_SUB.exec(sub);
  return m ? { namespace: m[1] as string, name: m[2] as string } : undefined;
}

export function eksSubject(cf: ClauseFacts): ExplainedDiagnosis[] {
  if (!positiveString(cf) || cf.suffix.toLowerCase() !== 'sub') return [];
  const raw = cf.c.requestValues[0];
  const t = raw === undefined ? undefined : parseServiceAccountSub(raw);
  if (!t || raw === undefined) return [];
  const patterns = cf.c.policyValues
    .map((text) => ({ text, sa: parseServiceAccountSub(text) }))
    .filter((p): p is { text: string; sa: ServiceAccount } => p.sa !== undefined);
  if (patterns.length === 0) return [];
  const sameNs = patterns.filter((p) => satisfies(cf, p.sa.namespace, t.namespace));
  if (sameNs.length === 0) {
    const names = patterns.filter((p) => satisfies(cf, p.sa.name, t.name));
    return [
      diag(
        'eks-namespace-mismatch',
        `The pod runs in namespace "${t.namespace}", which the policy does not allow`,
        `${describeClause(cf)}: the token's sub is ${quote(raw)} (namespace ${quote(t.namespace)}, service account ${quote(t.name)}); the policy allows namespaces ${quoteList([...new Set(patterns.map((p) => p.sa.namespace))])}${names.length > 0 ? ' — the service account name matches, only the namespace differs' : ''}`,
        `run the workload in namespace ${quoteList([...new Set(patterns.map((p) => p.sa.namespace))])}, or, if namespace ${quote(t.namespace)} should assume this role, allow ${quote(raw)}`,
        cf.where,
      ),
    ];
  }
  return [
    diag(
      'eks-service-account-mismatch',
      `The pod uses service account "${t.name}", which the policy does not allow`,
      `${describeClause(cf)}: the token's sub is ${quote(raw)}; in namespace ${quote(t.namespace)} the policy allows the service accounts ${quoteList(sameNs.map((p) => p.sa.name))}`,
      `set the pod's serviceAccountName to ${quoteList(sameNs.map((p) => p.sa.name))} (annotated with eks.amazonaws.com/role-arn), or, if ${quote(t.name)} should assume this role, allow ${quote(raw)}`,
      cf.where,
    ),
  ];
}
