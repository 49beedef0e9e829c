/**
 * `eks: {serviceAccount: ./k8s/sa.yaml}`: the eks shorthand read from a Kubernetes ServiceAccount
 * manifest (lib/sources/k8s-service-account.ts). The loader calls `resolveServiceAccount` before
 * it builds a scenario's claims: a manifest becomes the plain shorthand (issuer, namespace,
 * serviceAccount, audience) plus the facts the run needs to judge the annotation
 * (`serviceAccountVerdict`).
 */
import { eksCluster } from '../providers/eks.js';
import {
  readServiceAccountManifest,
  roleArnProblem,
  ROLE_ARN_ANNOTATION,
  selectServiceAccount,
  serviceAccountRef,
  type K8sServiceAccount,
  type ManifestRead,
  type ServiceAccountRef,
} from '../sources/k8s-service-account.js';
import type { Diagnosis } from '../explain/types.js';
import { displayPath } from './discover.js';
import { codeFrame } from './frame.js';
import type { Place } from './nodes.js';
import type { FileError, LoadedRole, Scenario, ServiceAccountFacts } from './types.js';

type Obj = Record<string, unknown>;

/** What the loader lends: its folder, its problems, and the places of the eks: fields. */
export interface ServiceAccountContext {
  /** The scenario file's folder (manifests are relative to it). */
  dir: string;
  cwd: string | undefined;
  /** The place of `eks.FIELD` of this scenario (written in it, else in defaults). */
  at(field: string): Place;
  error(code: string, message: string, place: Place, hint: string): void;
  warn(code: string, message: string, place: Place, hint: string): void;
  /** A finding placed in another file (the manifest). */
  push(fe: FileError): void;
  /** Manifests read by this loader, by absolute path (each is read and reported once). */
  manifests: Map<string, ManifestRead>;
}

/** The issuers of the EKS clusters whose providers the role's trust policy names. */
function eksIssuers(role: LoadedRole): string[] {
  return [...role.policy.federatedIssuers].filter((i) => eksCluster(i) !== undefined).sort();
}

function manifestErrors(
  read: Extract<ManifestRead, { ok: true }>,
  file: string,
  ctx: ServiceAccountContext,
): void {
  for (const f of read.manifest.findings) {
    const line = f.span?.start.line ?? 1;
    const column = f.span?.start.column ?? 1;
    ctx.push({
      file,
      line,
      column,
      message: f.message,
      code: f.code,
      ...(f.hint !== undefined ? { hint: f.hint } : {}),
      frame: codeFrame(read.text, line, column),
      severity: f.severity === 'error' ? 'error' : 'warning',
    });
  }
}

/** The issuer: written, else the only EKS cluster the trust policy trusts (`fromPolicy`). */
function issuerOf(
  eks: Obj,
  role: LoadedRole | undefined,
  ctx: ServiceAccountContext,
): { issuer: string; fromPolicy: boolean } | undefined {
  if (typeof eks['issuer'] === 'string') return { issuer: eks['issuer'], fromPolicy: false };
  if (!role) return undefined;
  const issuers = eksIssuers(role);
  if (issuers.length === 1) return { issuer: `https://${issuers[0] as string}`, fromPolicy: true };
  ctx.error(
    'k8s-issuer-needed',
    issuers.length === 0
      ? "eks.issuer is needed: the manifest does not say which cluster, and the role's trust policy names no EKS cluster's OIDC provider to take it from"
      : `eks.issuer is needed: the manifest does not say which cluster, and the role's trust policy names ${issuers.length} EKS clusters (${issuers.join(', ')})`,
    ctx.at('serviceAccount'),
    'write issuer: https://oidc.eks.REGION.amazonaws.com/id/ID beside serviceAccount: (aws eks describe-cluster --query cluster.identity.oidc.issuer)',
  );
  return undefined;
}

/**
 * `serviceAccount` is a name: the shorthand as it is, unless `name:` (which picks among a
 * manifest's accounts) says a manifest was meant. A name that looks like a missing file warns.
 */
function asName(
  value: string,
  ref: ServiceAccountRef,
  named: boolean,
  ctx: ServiceAccountContext,
): false | undefined {
  const looked = ref.kind === 'name-like-file' ? ref.looked : undefined;
  if (named) {
    ctx.error(
      'k8s-manifest-not-found',
      `eks.name picks a ServiceAccount of a manifest, but eks.serviceAccount "${value}" is not a manifest file${looked !== undefined ? ` (looked for ${looked})` : ''}`,
      ctx.at(looked !== undefined ? 'serviceAccount' : 'name'),
      'give the path of the manifest (with "/", e.g. ./k8s/sa.yaml), or drop name:',
    );
    return false;
  }
  if (looked !== undefined) {
    ctx.warn(
      'k8s-name-like-file',
      `eks.serviceAccount "${value}" looks like a file name, but there is no such file (looked for ${looked}): it is taken as the service account's name`,
      ctx.at('serviceAccount'),
      `give the manifest's path with "/" (e.g. ./k8s/${value}) if you meant a file`,
    );
  }
  return undefined;
}

/**
 * The eks shorthand `eks` with its `serviceAccount` read from a manifest: the shorthand to build
 * the claims from and the facts of the ServiceAccount; `undefined` when `serviceAccount` is a
 * name (the shorthand as it is); `false` when a problem was reported.
 */
export function resolveServiceAccount(
  eks: Obj,
  role: LoadedRole | undefined,
  ctx: ServiceAccountContext,
): { eks: Obj; facts: ServiceAccountFacts } | false | undefined {
  const value = eks['serviceAccount'];
  if (typeof value !== 'string') return undefined;
  const ref = serviceAccountRef(value, ctx.dir);
  const named = typeof eks['name'] === 'string';
  if (ref.kind === 'ambiguous') {
    ctx.error(
      'k8s-service-account-ambiguous',
      `eks.serviceAccount "${value}" is both a valid service-account name and a file beside this scenario file`,
      ctx.at('serviceAccount'),
      `write ./${value} to read the manifest; a service account with that name needs its file renamed or moved`,
    );
    return false;
  }
  if (ref.kind !== 'file') return asName(value, ref, named, ctx);
  const file = displayPath(ref.path, ctx.cwd);
  let read = ctx.manifests.get(ref.path);
  const first = read === undefined;
  if (!read) {
    read = readServiceAccountManifest(ref.path, file);
    ctx.manifests.set(ref.path, read);
  }
  if (!read.ok) {
    const missing = read.code === 'file-not-found';
    ctx.error(
      missing ? 'k8s-manifest-not-found' : `k8s-manifest-${read.code}`,
      missing
        ? `eks.serviceAccount: the manifest "${value}" does not exist (looked for ${ref.path})`
        : `eks.serviceAccount: the manifest "${value}" ${read.message}`,
      ctx.at('serviceAccount'),
      missing
        ? 'the path is relative to this scenario file'
        : (read.hint ?? 'give the path of a ServiceAccount manifest (YAML or JSON)'),
    );
    return false;
  }
  // The manifest's own findings are reported once, however many scenarios read it.
  const broken = read.manifest.findings.find((f) => f.severity === 'error');
  if (first) manifestErrors(read, file, ctx);
  if (broken) {
    // Placed in the scenario too, so that the scenario it stops names it.
    const p = broken.span?.start ?? { line: 1, column: 1 };
    ctx.error(
      'k8s-manifest-unusable',
      `eks.serviceAccount: the manifest "${value}" cannot be used: ${file}:${p.line}:${p.column}: ${broken.message}`,
      ctx.at('serviceAccount'),
      broken.hint ?? 'fix the manifest',
    );
    return false;
  }
  const want = {
    ...(named ? { name: eks['name'] as string } : {}),
    ...(typeof eks['namespace'] === 'string' ? { namespace: eks['namespace'] } : {}),
  };
  const picked = selectServiceAccount(read.manifest, want);
  if (!picked.ok) {
    ctx.error(
      picked.code,
      `eks.serviceAccount "${value}": ${picked.message}`,
      ctx.at(named ? 'name' : 'serviceAccount'),
      picked.hint,
    );
    return false;
  }
  const sa = picked.account;
  const namespace = sa.namespace ?? want.namespace;
  if (namespace === undefined) {
    ctx.error(
      'k8s-no-namespace',
      `eks.serviceAccount: the ServiceAccount "${sa.name}" at ${file}:${sa.at.line}:${sa.at.column} has no metadata.namespace, and the scenario gives no namespace: its subject system:serviceaccount:NAMESPACE:${sa.name} cannot be built`,
      ctx.at('serviceAccount'),
      'a manifest applied with kubectl apply -n NAMESPACE goes to that namespace, which the file does not say: add metadata.namespace, or write namespace: beside serviceAccount:',
    );
    return false;
  }
  let audience = sa.audience;
  if (typeof eks['audience'] === 'string') {
    if (sa.audienceAnnotated && eks['audience'] !== sa.audience) {
      ctx.warn(
        'k8s-audience-override',
        `eks.audience "${eks['audience']}" overrides the manifest's eks.amazonaws.com/audience "${sa.audience}": the scenario tests a token the pods do not get`,
        ctx.at('audience'),
        'remove audience: to test the token the webhook projects',
      );
    }
    audience = eks['audience'];
  }
  const issuer = issuerOf(eks, role, ctx);
  if (issuer === undefined) return false;
  return {
    eks: { issuer: issuer.issuer, namespace, serviceAccount: sa.name, audience },
    facts: serviceAccountFacts(
      file,
      sa,
      namespace,
      audience,
      issuer.fromPolicy ? issuer.issuer : undefined,
    ),
  };
}

/**
 * What a ServiceAccount's annotation says about `roleArn`: a pod uses the role its
 * `eks.amazonaws.com/role-arn` names (the webhook sets AWS_ROLE_ARN from it), so an annotation
 * naming another role, an invalid one or none means its pods never ask this role for
 * credentials (`annotation`, the diagnosis). `notes` say where the issuer came from.
 */
/** What a scenario or `explain --service-account` shows of the ServiceAccount it runs as. */
export function serviceAccountFacts(
  file: string,
  sa: K8sServiceAccount,
  namespace: string,
  audience: string,
  issuerFromPolicy: string | undefined,
): ServiceAccountFacts {
  const roleArnAt = sa.annotationAt[ROLE_ARN_ANNOTATION];
  return {
    file,
    line: sa.at.line,
    column: sa.at.column,
    name: sa.name,
    namespace,
    ...(sa.roleArn !== undefined ? { roleArn: sa.roleArn } : {}),
    ...(roleArnAt !== undefined ? { roleArnAt } : {}),
    audience,
    tokenExpiration: sa.tokenExpiration,
    ...(sa.regionalSts !== undefined ? { regionalSts: sa.regionalSts } : {}),
    ...(issuerFromPolicy !== undefined ? { issuerFromPolicy } : {}),
  };
}

export function serviceAccountDiagnoses(
  sa: ServiceAccountFacts,
  roleArn: string,
): { annotation?: Diagnosis; notes: Diagnosis[] } {
  const notes: Diagnosis[] = [];
  if (sa.issuerFromPolicy !== undefined) {
    notes.push({
      cause: 'eks-issuer-from-policy',
      title: `The issuer ${sa.issuerFromPolicy} is taken from the trust policy, which trusts that one EKS cluster`,
      detail: 'the manifest does not say which cluster it belongs to, and no issuer is given',
      fix: 'give the issuer to test a token of another cluster',
    });
  }
  if (sa.roleArn === roleArn) return { notes };
  const where = `${sa.namespace}/${sa.name}`;
  const invalid = sa.roleArn !== undefined ? roleArnProblem(sa.roleArn) : undefined;
  const title =
    sa.roleArn === undefined
      ? `The ServiceAccount ${where} has no ${ROLE_ARN_ANNOTATION} annotation: its pods get no web identity token and never call AssumeRoleWithWebIdentity`
      : invalid !== undefined
        ? `The ServiceAccount ${where} is annotated with an invalid role ARN: STS answers ValidationError (Request ARN is invalid)`
        : `The ServiceAccount ${where} is annotated with another role: its pods assume ${sa.roleArn}, not ${roleArn}`;
  const annotation: Diagnosis = {
    cause: sa.roleArn === undefined ? 'eks-role-arn-annotation-missing' : 'eks-role-arn-annotation',
    title,
    detail: `${ROLE_ARN_ANNOTATION}: ${sa.roleArn === undefined ? '(none)' : JSON.stringify(sa.roleArn)}${invalid !== undefined ? ` (${invalid})` : ''}; the role under test is ${roleArn}. Confirm that the IAM role ARN is the one you want to assume (EKS IRSA troubleshooting).`,
    fix: `annotate the ServiceAccount with ${ROLE_ARN_ANNOTATION}: ${roleArn} (and restart its pods), or test the role it names`,
    at: { file: sa.file, ...(sa.roleArnAt ?? { line: sa.line, column: sa.column }) },
  };
  return { annotation, notes };
}

/**
 * A scenario's ServiceAccount judged: an annotation that does not name the scenario's role fails
 * a scenario that expects `allow` (`mismatch`); for an expected denial it is only shown.
 */
export function serviceAccountVerdict(
  s: Scenario,
): { mismatch?: string; diagnoses: Diagnosis[] } | undefined {
  if (!s.serviceAccount) return undefined;
  const { annotation, notes } = serviceAccountDiagnoses(s.serviceAccount, s.role.arn);
  if (!annotation) return { diagnoses: notes };
  const t = annotation.title;
  return {
    ...(s.expect.decision === 'allow'
      ? { mismatch: `expected allow, but ${t.charAt(0).toLowerCase()}${t.slice(1)}` }
      : {}),
    diagnoses: [annotation, ...notes],
  };
}
