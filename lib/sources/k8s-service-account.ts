/**
 * Kubernetes ServiceAccount manifests for EKS IAM roles for service accounts (IRSA): one
 * manifest, a multi-document YAML (`---`), a `kind: List` (what `kubectl get sa -o yaml` prints),
 * or its JSON. Each ServiceAccount gives its namespace, its name and the annotations the Amazon
 * EKS Pod Identity Webhook reads (aws/amazon-eks-pod-identity-webhook, README "EKS Walkthrough"
 * step 3, and pkg/cache/cache.go `addSA`):
 *
 * - `eks.amazonaws.com/role-arn`: the role the pod's SDK assumes (`AWS_ROLE_ARN`). Without it the
 *   webhook does not mutate the pod: no token is projected and no web-identity call is made.
 * - `eks.amazonaws.com/audience`: the projected token's `aud`; default `sts.amazonaws.com`.
 * - `eks.amazonaws.com/token-expiration`: the token's `expirationSeconds`, parsed as a base-10
 *   integer; a value that does not parse is ignored (the default, 86400, is used) and one below
 *   600 is raised to 600 (pkg/validation.go `ValidateMinTokenExpiration`).
 * - `eks.amazonaws.com/sts-regional-endpoints`: `"true"` makes the webhook set
 *   `AWS_STS_REGIONAL_ENDPOINTS=regional`, so the SDK calls the regional STS endpoint; parsed as a
 *   Go boolean, a value that does not parse is ignored.
 *
 * Neither the lifetime nor the endpoint changes what the trust policy decides; both are read,
 * checked and shown. Everything found carries its place in the manifest; nothing here throws
 * for bad input, and nothing reads a file except `readServiceAccountManifest`.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Document, Node as YamlNode, YAMLMap } from 'yaml';
import { yaml } from '../packages.js';
import type { Position, Span } from '../diagnostics.js';
import { pathExists, readText } from '../files.js';
import { parseRoleArn } from '../providers/arn.js';
import type { SourceFinding } from './types.js';

export const ANNOTATION_PREFIX = 'eks.amazonaws.com/';
export const ROLE_ARN_ANNOTATION = `${ANNOTATION_PREFIX}role-arn`;
export const AUDIENCE_ANNOTATION = `${ANNOTATION_PREFIX}audience`;
export const TOKEN_EXPIRATION_ANNOTATION = `${ANNOTATION_PREFIX}token-expiration`;
export const REGIONAL_STS_ANNOTATION = `${ANNOTATION_PREFIX}sts-regional-endpoints`;
const KNOWN_ANNOTATIONS = [
  ROLE_ARN_ANNOTATION,
  AUDIENCE_ANNOTATION,
  TOKEN_EXPIRATION_ANNOTATION,
  REGIONAL_STS_ANNOTATION,
];

/** The webhook's defaults (its `--token-audience` and `--token-expiration` flags) and minimum. */
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';
export const DEFAULT_TOKEN_EXPIRATION = 86400;
export const MIN_TOKEN_EXPIRATION = 600;

/** A DNS-1123 subdomain (a ServiceAccount's name) and label (a namespace), as Kubernetes checks. */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A file name that reads as a manifest. */
const MANIFEST_EXTENSION = /\.(ya?ml|json)$/i;

export type Place = Pick<Position, 'line' | 'column'>;

/** One ServiceAccount of a manifest, with the places of what it says. */
export interface K8sServiceAccount {
  name: string;
  /** Absent when the manifest has none (`kubectl apply -n NS` would put it in NS). */
  namespace?: string;
  /** `eks.amazonaws.com/role-arn` as written (absent: the webhook leaves its pods alone). */
  roleArn?: string;
  /** The token's audience: the annotation, else the webhook's default. */
  audience: string;
  audienceAnnotated: boolean;
  /** The token's lifetime in seconds, as the webhook computes it. */
  tokenExpiration: number;
  /** Whether the SDK calls the regional STS endpoint (the annotation, when it parses). */
  regionalSts?: boolean;
  /** The object (its `kind:`), its `metadata.name` and each annotation's value. */
  at: Place;
  nameAt: Place;
  annotationAt: Record<string, Place>;
}

export interface ServiceAccountManifest {
  accounts: K8sServiceAccount[];
  /** Errors (the manifest is unusable) and warnings (an annotation the webhook ignores, …). */
  findings: SourceFinding[];
  /** Objects of other kinds, by kind, with where the first one is (for "not a ServiceAccount"). */
  otherKinds: { kind: string; at: Place }[];
}

const START: Place = { line: 1, column: 1 };

function spanAt(p: Place): Span {
  const at = { line: p.line, column: p.column, offset: 0 };
  return { start: at, end: at };
}

class ManifestReader {
  readonly accounts: K8sServiceAccount[] = [];
  readonly findings: SourceFinding[] = [];
  readonly otherKinds: { kind: string; at: Place }[] = [];
  private readonly lc = new (yaml().LineCounter)();

  constructor(
    private readonly text: string,
    private readonly file: string | undefined,
  ) {}

  private place(node: unknown): Place {
    const range = (node as { range?: readonly number[] } | null | undefined)?.range;
    if (!range) return START;
    const p = this.lc.linePos(range[0] as number);
    return { line: p.line, column: p.col };
  }

  private finding(
    severity: 'error' | 'warning',
    code: string,
    message: string,
    at: Place,
    hint: string,
  ): void {
    this.findings.push({
      code,
      severity,
      message,
      hint,
      span: spanAt(at),
      ...(this.file !== undefined ? { file: this.file } : {}),
    });
  }

  error(code: string, message: string, at: Place, hint: string): void {
    this.finding('error', code, message, at, hint);
  }

  private warn(code: string, message: string, at: Place, hint: string): void {
    this.finding('warning', code, message, at, hint);
  }

  read(): void {
    // The yaml package reports bad input, deep nesting included, as errors: it does not throw.
    const docs: readonly Document.Parsed[] = yaml().parseAllDocuments(this.text, {
      lineCounter: this.lc,
      prettyErrors: false,
    });
    for (const doc of docs) {
      for (const err of doc.errors) {
        const p = this.lc.linePos(err.pos[0]);
        const deep = err.code === 'RESOURCE_EXHAUSTION';
        this.error(
          deep ? 'k8s-yaml-too-deep' : 'k8s-yaml-syntax',
          deep
            ? 'the manifest is nested too deeply to read'
            : `YAML syntax error in the manifest: ${(err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?\s*$/, '')}`,
          { line: p.line, column: p.col },
          deep
            ? 'a ServiceAccount manifest nests a few levels'
            : 'check the indentation, the colons and the quotes here or just before',
        );
        if (deep) break;
      }
    }
    if (this.findings.length > 0) return;
    for (const doc of docs) {
      // An empty document (a trailing `---`, a file of comments) holds nothing.
      if (doc.contents === null || (yaml().isScalar(doc.contents) && doc.contents.value === null))
        continue;
      this.object(doc.contents, 'the document');
    }
  }

  /** One Kubernetes object: a ServiceAccount, a List of objects (not of Lists), or another kind. */
  private object(node: YamlNode | null, what: string, inList = false): void {
    if (!yaml().isMap(node)) {
      this.error(
        'k8s-not-an-object',
        `${what} is not a Kubernetes object (a mapping with apiVersion, kind and metadata)`,
        this.place(node),
        'give a ServiceAccount manifest, or what `kubectl get serviceaccount NAME -o yaml` prints',
      );
      return;
    }
    const kindNode = node.get('kind', true);
    const kind = yaml().isScalar(kindNode) ? kindNode.value : undefined;
    if (typeof kind !== 'string') {
      this.error(
        'k8s-no-kind',
        `${what} has no kind`,
        this.place(node),
        'a ServiceAccount manifest starts with apiVersion: v1 and kind: ServiceAccount',
      );
      return;
    }
    if (kind === 'List' || kind === 'ServiceAccountList') {
      if (inList) {
        this.error(
          'k8s-list-in-list',
          `${what} is a ${kind} inside a List`,
          this.place(kindNode),
          'kubectl prints one List of objects: give its items, not Lists of Lists',
        );
        return;
      }
      const items = node.get('items', true);
      if (!yaml().isSeq(items)) {
        this.error(
          'k8s-list-items',
          `a ${kind} needs items: a list of objects`,
          this.place(kindNode),
          '`kubectl get serviceaccounts -o yaml` prints kind: List with items:',
        );
        return;
      }
      items.items.forEach((item, i) =>
        this.object(item as YamlNode, `item ${i + 1} of the ${kind}`, true),
      );
      return;
    }
    if (kind !== 'ServiceAccount') {
      this.otherKinds.push({ kind, at: this.place(kindNode) });
      return;
    }
    const apiNode = node.get('apiVersion', true);
    const api = yaml().isScalar(apiNode) ? apiNode.value : undefined;
    if (api !== undefined && api !== 'v1') {
      this.error(
        'k8s-api-version',
        `a ServiceAccount is in the core API group, apiVersion v1, not ${JSON.stringify(api)}`,
        this.place(apiNode),
        'write apiVersion: v1',
      );
      return;
    }
    this.serviceAccount(node, this.place(kindNode));
  }

  private serviceAccount(node: YAMLMap, at: Place): void {
    const meta = node.get('metadata', true);
    if (!yaml().isMap(meta)) {
      this.error(
        'k8s-no-metadata',
        'the ServiceAccount has no metadata (name, namespace, annotations)',
        at,
        'add metadata: {name: NAME, namespace: NAMESPACE, annotations: {eks.amazonaws.com/role-arn: ARN}}',
      );
      return;
    }
    const nameNode = meta.get('name', true);
    const name = this.dnsName(nameNode, meta, 'name', at);
    if (name === undefined) return;
    const nsNode = meta.get('namespace', true);
    let namespace: string | undefined;
    if (nsNode !== undefined && !(yaml().isScalar(nsNode) && nsNode.value === null)) {
      namespace = this.dnsName(nsNode, meta, 'namespace', at);
      if (namespace === undefined) return;
    }
    const annotations = this.annotations(meta.get('annotations', true), name);
    if (annotations === undefined) return;
    const sa: K8sServiceAccount = {
      name,
      ...(namespace !== undefined ? { namespace } : {}),
      audience: DEFAULT_AUDIENCE,
      audienceAnnotated: false,
      tokenExpiration: DEFAULT_TOKEN_EXPIRATION,
      at,
      nameAt: this.place(nameNode),
      annotationAt: {},
    };
    for (const [key, { value, at: vAt }] of annotations) {
      if (!key.startsWith(ANNOTATION_PREFIX)) continue;
      sa.annotationAt[key] = vAt;
      this.annotation(sa, key, value, vAt);
    }
    this.accounts.push(sa);
  }

  /** `metadata.name` or `metadata.namespace`: a string Kubernetes would accept. */
  private dnsName(
    node: unknown,
    meta: YamlNode,
    field: 'name' | 'namespace',
    at: Place,
  ): string | undefined {
    const value = yaml().isScalar(node) ? node.value : undefined;
    if (node === undefined) {
      const generated = yaml().isMap(meta) && meta.get('generateName') !== undefined;
      this.error(
        'k8s-no-name',
        generated
          ? 'the ServiceAccount has generateName but no name: the API server picks the name, so its subject cannot be known'
          : 'the ServiceAccount has no metadata.name',
        at,
        'write metadata.name: the name pods give as serviceAccountName',
      );
      return undefined;
    }
    const rule = field === 'name' ? DNS1123_SUBDOMAIN : DNS1123_LABEL;
    const max = field === 'name' ? 253 : 63;
    if (typeof value !== 'string' || value.length > max || !rule.test(value)) {
      this.error(
        `k8s-bad-${field}`,
        `metadata.${field} ${JSON.stringify(value ?? null)} is not a valid Kubernetes ${field}: ${field === 'name' ? 'a DNS-1123 subdomain' : 'a DNS-1123 label'} (lower-case letters, digits, "-"${field === 'name' ? ' and "."' : ''}; at most ${max} characters)`,
        this.place(node),
        'kubectl would refuse this manifest: write the name as the cluster has it',
      );
      return undefined;
    }
    return value;
  }

  /** The annotations, as strings with their places; undefined when one is not a string. */
  private annotations(
    node: unknown,
    name: string,
  ): Map<string, { value: string; at: Place }> | undefined {
    const out = new Map<string, { value: string; at: Place }>();
    if (node === undefined || (yaml().isScalar(node) && node.value === null)) return out;
    if (!yaml().isMap(node)) {
      this.error(
        'k8s-bad-annotations',
        `metadata.annotations of the ServiceAccount "${name}" is not a mapping`,
        this.place(node),
        'write annotations: {eks.amazonaws.com/role-arn: ARN}',
      );
      return undefined;
    }
    let ok = true;
    for (const pair of node.items) {
      const key = yaml().isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) continue;
      const v = pair.value;
      const at = this.place(v ?? pair.key);
      if (!yaml().isScalar(v) || typeof v.value !== 'string') {
        // Kubernetes annotations are map[string]string: kubectl refuses a number or a boolean.
        const shown = yaml().isScalar(v) ? String(v.value) : 'a non-string value';
        this.error(
          'k8s-annotation-not-string',
          `the annotation ${key} is ${shown}, not a string: Kubernetes annotation values are strings, so kubectl would refuse this manifest`,
          at,
          yaml().isScalar(v) ? `quote it: ${key}: "${shown}"` : `write ${key} as a string`,
        );
        ok = false;
        continue;
      }
      out.set(key, { value: v.value, at });
    }
    return ok ? out : undefined;
  }

  private annotation(sa: K8sServiceAccount, key: string, value: string, at: Place): void {
    switch (key) {
      case ROLE_ARN_ANNOTATION:
        sa.roleArn = value;
        return;
      case AUDIENCE_ANNOTATION:
        sa.audience = value;
        sa.audienceAnnotated = true;
        return;
      case TOKEN_EXPIRATION_ANNOTATION: {
        const n = goParseInt(value);
        if (n === undefined) {
          this.warn(
            'k8s-token-expiration-ignored',
            `${key} "${value}" is not a whole number of seconds: the pod identity webhook ignores it and gives tokens its default lifetime (${DEFAULT_TOKEN_EXPIRATION} s)`,
            at,
            'write the lifetime in seconds, e.g. "3600"',
          );
        } else if (n < MIN_TOKEN_EXPIRATION) {
          sa.tokenExpiration = MIN_TOKEN_EXPIRATION;
          this.warn(
            'k8s-token-expiration-raised',
            `${key} "${value}" is below the webhook's minimum: tokens live ${MIN_TOKEN_EXPIRATION} s`,
            at,
            `write at least "${MIN_TOKEN_EXPIRATION}"`,
          );
        } else {
          sa.tokenExpiration = n;
        }
        return;
      }
      case REGIONAL_STS_ANNOTATION: {
        const b = goParseBool(value);
        if (b === undefined) {
          this.warn(
            'k8s-regional-sts-ignored',
            `${key} "${value}" is not a boolean: the pod identity webhook ignores it`,
            at,
            'write "true" (the regional STS endpoint) or "false"',
          );
        } else {
          sa.regionalSts = b;
        }
        return;
      }
      default: {
        const near = KNOWN_ANNOTATIONS.find((k) => squash(k) === squash(key));
        this.warn(
          'k8s-unknown-annotation',
          `the pod identity webhook reads no annotation ${key}`,
          at,
          near !== undefined ? `did you mean ${near}?` : `it reads ${KNOWN_ANNOTATIONS.join(', ')}`,
        );
      }
    }
  }
}

/** Letters and digits only, lower case: `role_arn`, `roleArn` and `role-arn` compare equal. */
function squash(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9/.]/g, '');
}

/** Go's `strconv.ParseInt(s, 10, 64)`: an optional sign and decimal digits, within int64. */
export function goParseInt(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return undefined;
  return Number(n);
}

/** Go's `strconv.ParseBool`. */
export function goParseBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

/**
 * The ServiceAccounts of a manifest's text. `file` names the manifest in findings. A manifest
 * with no ServiceAccount at all is an error (naming the kinds it has).
 */
export function parseServiceAccountManifest(text: string, file?: string): ServiceAccountManifest {
  const r = new ManifestReader(text, file);
  r.read();
  const errors = r.findings.some((f) => f.severity === 'error');
  if (!errors && r.accounts.length === 0) {
    const first = r.otherKinds[0];
    const kinds = [...new Set(r.otherKinds.map((k) => k.kind))];
    r.error(
      'k8s-no-service-account',
      first !== undefined
        ? `the manifest holds no ServiceAccount, only ${kinds.join(', ')}`
        : 'the manifest holds no ServiceAccount (it is empty)',
      first?.at ?? START,
      'give the ServiceAccount the pods run as (kubectl get serviceaccount NAME -n NAMESPACE -o yaml)',
    );
  }
  return { accounts: r.accounts, findings: r.findings, otherKinds: r.otherKinds };
}

export type ManifestRead =
  | { ok: true; manifest: ServiceAccountManifest; text: string }
  | { ok: false; code: string; message: string; hint?: string };

/** Reads and parses a manifest (a regular file of at most 5 MB, as every input). */
export function readServiceAccountManifest(path: string, file?: string): ManifestRead {
  const read = readText(path);
  if (!read.ok) return read;
  return { ok: true, manifest: parseServiceAccountManifest(read.text, file), text: read.text };
}

/**
 * What `eks.serviceAccount` names. Kubernetes names are DNS-1123 subdomains, which never hold
 * `/`, so a value with `/` is a file. A value without `/` ending in .yaml, .yml or .json is a
 * file name too when such a file exists beside the scenario file, and also a valid name:
 * `ambiguous` (write `./sa.yaml`). Otherwise it is a name (`name-like-file` when it looks like a
 * file name, so the caller can say it found no such file).
 */
export type ServiceAccountRef =
  | { kind: 'file'; path: string }
  | { kind: 'name' }
  | { kind: 'name-like-file'; looked: string }
  | { kind: 'ambiguous'; path: string };

export function serviceAccountRef(value: string, baseDir: string): ServiceAccountRef {
  const path = isAbsolute(value) ? value : resolve(baseDir, value);
  if (value.includes('/') || value.includes('\\')) return { kind: 'file', path };
  if (!MANIFEST_EXTENSION.test(value)) return { kind: 'name' };
  if (!pathExists(path)) return { kind: 'name-like-file', looked: path };
  return DNS1123_SUBDOMAIN.test(value) ? { kind: 'ambiguous', path } : { kind: 'file', path };
}

export type Selection =
  | { ok: true; account: K8sServiceAccount }
  | { ok: false; code: string; message: string; hint: string };

function label(sa: K8sServiceAccount): string {
  return `${sa.namespace ?? '(no namespace)'}/${sa.name} (line ${sa.at.line})`;
}

/**
 * The ServiceAccount a scenario means: the only one, or the one `name` and `namespace` pick (an
 * account without a namespace matches any). Several left, or none, is an error listing them.
 */
export function selectServiceAccount(
  manifest: ServiceAccountManifest,
  want: { name?: string; namespace?: string },
): Selection {
  const all = manifest.accounts;
  const hits = all.filter(
    (sa) =>
      (want.name === undefined || sa.name === want.name) &&
      (want.namespace === undefined ||
        sa.namespace === undefined ||
        sa.namespace === want.namespace),
  );
  const listed = all.slice(0, 20).map(label).join(', ') + (all.length > 20 ? ', …' : '');
  if (hits.length === 1) return { ok: true, account: hits[0] as K8sServiceAccount };
  if (hits.length === 0) {
    const asked = [
      want.namespace !== undefined ? `namespace "${want.namespace}"` : '',
      want.name !== undefined ? `name "${want.name}"` : '',
    ]
      .filter((s) => s !== '')
      .join(' and ');
    return {
      ok: false,
      code: 'k8s-service-account-not-found',
      message: `the manifest has no ServiceAccount with ${asked}; it has ${listed}`,
      hint: 'give name: (and namespace:) beside serviceAccount: as the manifest writes them',
    };
  }
  return {
    ok: false,
    code: 'k8s-several-service-accounts',
    message: `the manifest has ${hits.length} ServiceAccounts${want.name !== undefined || want.namespace !== undefined ? ' that match' : ''}: ${hits
      .slice(0, 20)
      .map(label)
      .join(', ')}`,
    hint: 'pick one with name: (and namespace:) beside serviceAccount:, or a matrix over the names for one scenario each',
  };
}

/** Why an annotated role ARN is not one STS accepts (the troubleshooting guide's ValidationError). */
export function roleArnProblem(arn: string): string | undefined {
  const parsed = parseRoleArn(arn);
  return parsed.ok ? undefined : parsed.message;
}
