/**
 * `trustspec explain --service-account FILE[#[NAMESPACE/]NAME]`: the token an EKS pod running as
 * that ServiceAccount presents (lib/sources/k8s-service-account.ts), and the role its
 * `eks.amazonaws.com/role-arn` annotation names. The issuer is `--iss`, else the one EKS cluster
 * the policy trusts; `--aud` and `--sub` still win over what the manifest gives.
 */
import { resolve } from 'node:path';
import { eksClaims } from '../providers/builders.js';
import { eksCluster } from '../providers/eks.js';
import {
  readServiceAccountManifest,
  selectServiceAccount,
} from '../sources/k8s-service-account.js';
import type { CompiledPolicy } from '../sts/compile.js';
import type { ExplainedDiagnosis } from '../explain/types.js';
import { serviceAccountDiagnoses, serviceAccountFacts } from '../scenarios/k8s-service-account.js';
import { codeFrame } from '../scenarios/frame.js';
import { displayPath } from '../scenarios/discover.js';
import type { ServiceAccountFacts } from '../scenarios/types.js';
import { userText } from '../explain/index.js';
import { pathExists } from '../files.js';
import { UsageError, type Io } from './io.js';

export type ServiceAccountOption =
  | {
      ok: true;
      claims: Record<string, unknown>;
      /** The annotated role, when the manifest names one. */
      roleArn?: string;
      facts: ServiceAccountFacts;
    }
  | { ok: false; text: string };

/** `FILE`, `FILE#NAME` or `FILE#NAMESPACE/NAME` (a file whose name holds `#` is taken whole). */
function split(value: string, io: Io): { path: string; name?: string; namespace?: string } {
  const hash = value.lastIndexOf('#');
  if (hash < 0 || pathExists(resolve(io.cwd, value))) return { path: value };
  const pick = value.slice(hash + 1);
  const slash = pick.indexOf('/');
  return {
    path: value.slice(0, hash),
    ...(slash >= 0
      ? { namespace: pick.slice(0, slash), name: pick.slice(slash + 1) }
      : { name: pick }),
  };
}

export function serviceAccountOption(
  value: string,
  io: Io,
  policy: CompiledPolicy,
  iss: string | undefined,
): ServiceAccountOption {
  const want = split(value, io);
  const abs = resolve(io.cwd, want.path);
  const file = displayPath(abs, io.cwd);
  const read = readServiceAccountManifest(abs, file);
  if (!read.ok) {
    if (read.code === 'file-not-found')
      throw new UsageError(`--service-account: no file "${want.path}"`);
    throw new UsageError(`--service-account: the file "${want.path}" ${read.message}`, read.hint);
  }
  const errors = read.manifest.findings.filter((f) => f.severity === 'error');
  const shown = errors.length > 0 ? errors : read.manifest.findings;
  const text = shown
    .map((f) => {
      const line = f.span?.start.line ?? 1;
      const column = f.span?.start.column ?? 1;
      const what = f.severity === 'warning' ? 'warning: ' : '';
      return `${file}:${line}:${column}: ${what}${userText(f.message)}\n${f.hint ? `  ${userText(f.hint)}\n` : ''}${codeFrame(read.text, line, column)}\n`;
    })
    .join('');
  if (errors.length > 0) return { ok: false, text };
  io.stderr.write(text);
  const picked = selectServiceAccount(read.manifest, want);
  if (!picked.ok) {
    throw new UsageError(
      `--service-account ${value}: ${picked.message}`,
      `pick one: --service-account ${want.path}#NAMESPACE/NAME`,
    );
  }
  const sa = picked.account;
  const namespace = sa.namespace ?? want.namespace;
  if (namespace === undefined) {
    return {
      ok: false,
      text: `${file}:${sa.at.line}:${sa.at.column}: the ServiceAccount "${sa.name}" has no metadata.namespace\n  a manifest applied with kubectl apply -n NAMESPACE goes to that namespace: give it as --service-account ${want.path}#NAMESPACE/${sa.name}, or add metadata.namespace\n${codeFrame(read.text, sa.at.line, sa.at.column)}\n`,
    };
  }
  const issuers = [...policy.federatedIssuers].filter((i) => eksCluster(i) !== undefined);
  const fromPolicy =
    iss === undefined && issuers.length === 1 ? `https://${issuers[0] as string}` : undefined;
  const issuer = iss ?? fromPolicy;
  if (issuer === undefined) {
    throw new UsageError(
      `--iss is needed: the manifest does not say which cluster, and the policy names ${issuers.length === 0 ? 'no EKS cluster' : `${issuers.length} EKS clusters`}`,
      'give --iss https://oidc.eks.REGION.amazonaws.com/id/ID (aws eks describe-cluster --query cluster.identity.oidc.issuer)',
    );
  }
  return {
    ok: true,
    claims: eksClaims({ issuer, namespace, serviceAccount: sa.name, audience: sa.audience }),
    ...(sa.roleArn !== undefined ? { roleArn: sa.roleArn } : {}),
    facts: serviceAccountFacts(file, sa, namespace, sa.audience, fromPolicy),
  };
}

/** The annotation's diagnosis (first) and the notes, for `print`. */
export function serviceAccountExplained(
  facts: ServiceAccountFacts,
  roleArn: string,
): ExplainedDiagnosis[] {
  const { annotation, notes } = serviceAccountDiagnoses(facts, roleArn);
  return [
    ...(annotation ? [{ ...annotation, severity: 'error' as const }] : []),
    ...notes.map((n) => ({ ...n, severity: 'info' as const })),
  ];
}
