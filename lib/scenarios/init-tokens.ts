/**
 * Tokens as a scenario file writes them (for `trustspec init`): a provider's shorthand where one
 * builds the same claims (`github: {repository, ref}`, `eks: {issuer, namespace, serviceAccount}`,
 * `gitlab:`, `terraform:`), with the claims the shorthand does not build under `token:`; and the
 * near misses of an allowed token — the same job from another branch, a pull request, another
 * owner, repository, namespace or service account, the wrong audience — each named in words.
 */
import { parseGithubSub } from '../providers/builders.js';
import { shorthandClaims } from './load.js';

export type ShorthandKind = 'github' | 'eks' | 'gitlab' | 'terraform';

/** A token written for a scenario: an optional shorthand, then the claims `token:` adds or removes. */
export interface WrittenToken {
  shorthand?: { kind: ShorthandKind; fields: Record<string, string> };
  /** Claims over the shorthand's (`null`: remove the shorthand's claim). */
  token: Record<string, unknown>;
  /** The claims the loader builds from the two. */
  claims: Record<string, unknown>;
}

/** A token of the same provider that differs from an allowed one in one way a reviewer names. */
export interface NearMiss {
  /** What differs, in words: "a pull request", "another owner". */
  why: string;
  written: WrittenToken;
}

type Claims = Record<string, unknown>;

/** Equal claims; a one-element list is its element (an EKS `aud` is a list, §7.2). */
function same(a: unknown, b: unknown): boolean {
  const one = (v: unknown): unknown => (Array.isArray(v) && v.length === 1 ? v[0] : v);
  return JSON.stringify(one(a)) === JSON.stringify(one(b));
}

/** The shorthand's claims (as the scenario loader builds them), or undefined when these fields build none. */
function build(kind: ShorthandKind, f: Record<string, string>): Claims | undefined {
  try {
    return shorthandClaims(kind, f) as Claims;
  } catch {
    return undefined;
  }
}

/**
 * The shorthand plus the `token:` claims that differ from what it builds. The shorthand also
 * builds claims `claims` lacks (`repository`, `ref`, …), as the platform would: the caller replays
 * the result, and writes the raw claims instead when those change the decision.
 */
function written(
  kind: ShorthandKind,
  fields: Record<string, string>,
  claims: Claims,
): WrittenToken {
  const built = build(kind, fields);
  if (!built) return { token: claims, claims };
  const token: Claims = {};
  for (const [k, v] of Object.entries(claims)) if (!same(built[k], v)) token[k] = v;
  return { shorthand: { kind, fields }, token, claims: { ...built, ...token } };
}

/** A written token whose shorthand fields changed: the claims the shorthand builds follow them. */
function rewritten(base: WrittenToken, fields: Record<string, string>): WrittenToken | undefined {
  const kind = base.shorthand?.kind;
  if (!kind) return undefined;
  const built = build(kind, fields);
  const before = build(kind, base.shorthand?.fields ?? {}) ?? {};
  if (!built) return undefined;
  // Keep what the scenario adds beyond the shorthand (e.g. job_workflow_ref).
  const token: Claims = {};
  for (const [k, v] of Object.entries(base.token)) if (!(k in before)) token[k] = v;
  return { shorthand: { kind, fields }, token, claims: { ...built, ...token } };
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  return undefined;
}

function githubFields(claims: Claims): Record<string, string> | undefined {
  const sub = str(claims['sub']);
  const p = sub === undefined ? undefined : parseGithubSub(sub);
  if (!p?.ok || p.immutable || p.owner === undefined || p.repo === undefined) return undefined;
  const fields: Record<string, string> = { repository: `${p.owner}/${p.repo}` };
  if (p.kind === 'ref') fields['ref'] = p.value as string;
  else if (p.kind === 'environment') fields['environment'] = p.value as string;
  else if (p.kind === 'pull_request') fields['event'] = 'pull_request';
  else return undefined;
  const iss = str(claims['iss']);
  if (iss !== undefined && iss !== 'https://token.actions.githubusercontent.com')
    fields['issuer'] = iss;
  const aud = str(claims['aud']);
  if (aud !== undefined && aud !== 'sts.amazonaws.com') fields['audience'] = aud;
  return fields;
}

function eksFields(claims: Claims): Record<string, string> | undefined {
  const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(str(claims['sub']) ?? '');
  const iss = str(claims['iss']);
  if (!m || iss === undefined) return undefined;
  const fields: Record<string, string> = {
    issuer: iss,
    namespace: m[1] as string,
    serviceAccount: m[2] as string,
  };
  const aud = str(claims['aud']);
  if (aud !== undefined && aud !== 'sts.amazonaws.com') fields['audience'] = aud;
  return fields;
}

function gitlabFields(claims: Claims): Record<string, string> | undefined {
  const m = /^project_path:([^:]+\/[^:]+):ref_type:(branch|tag):ref:([^:]+)$/.exec(
    str(claims['sub']) ?? '',
  );
  const iss = str(claims['iss']);
  if (!m || iss === undefined || !iss.startsWith('https://')) return undefined;
  const host = iss.slice('https://'.length);
  const fields: Record<string, string> = { projectPath: m[1] as string, ref: m[3] as string };
  if (m[2] === 'tag') fields['refType'] = 'tag';
  if (host !== 'gitlab.com') fields['host'] = host;
  const aud = str(claims['aud']);
  if (aud !== undefined && aud !== iss) fields['audience'] = aud;
  return fields;
}

function terraformFields(claims: Claims): Record<string, string> | undefined {
  const m = /^organization:([^:]+):project:([^:]+):workspace:([^:]+):run_phase:([^:]+)$/.exec(
    str(claims['sub']) ?? '',
  );
  if (!m || str(claims['iss']) !== 'https://app.terraform.io') return undefined;
  const fields: Record<string, string> = {
    organization: m[1] as string,
    workspace: m[3] as string,
  };
  if (m[2] !== 'Default Project') fields['project'] = m[2] as string;
  if (m[4] !== 'apply') fields['runPhase'] = m[4] as string;
  const aud = str(claims['aud']);
  if (aud !== undefined && aud !== 'aws.workload.identity') fields['audience'] = aud;
  return fields;
}

const FIELDS: Record<ShorthandKind, (c: Claims) => Record<string, string> | undefined> = {
  github: githubFields,
  eks: eksFields,
  gitlab: gitlabFields,
  terraform: terraformFields,
};

/** The token of `claims` as a scenario writes it: with the provider's shorthand when it has one. */
export function writeToken(moduleId: string, claims: Claims): WrittenToken {
  const kind = moduleId in FIELDS ? (moduleId as ShorthandKind) : undefined;
  const fields = kind ? FIELDS[kind](claims) : undefined;
  return kind && fields ? written(kind, fields, claims) : { token: claims, claims };
}

/** A token in words, for a scenario's name. */
export function tokenWords(w: WrittenToken): string {
  const f = w.shorthand?.fields;
  const aud = str(w.claims['aud']);
  switch (w.shorthand?.kind) {
    case 'github': {
      const repo = f?.['repository'];
      if (f?.['event'] === 'pull_request') return `a pull request of ${repo}`;
      if (f?.['environment'] !== undefined)
        return `a job of ${repo} in environment ${f['environment']}`;
      const ref = f?.['ref'] ?? 'refs/heads/main';
      if (ref.startsWith('refs/tags/')) return `tag ${ref.slice('refs/tags/'.length)} of ${repo}`;
      return `branch ${ref.replace(/^refs\/heads\//, '')} of ${repo}`;
    }
    case 'eks':
      return `service account ${f?.['serviceAccount']} in namespace ${f?.['namespace']}`;
    case 'gitlab':
      return `${f?.['refType'] ?? 'branch'} ${f?.['ref']} of ${f?.['projectPath']}`;
    case 'terraform':
      return `a ${f?.['runPhase'] ?? 'apply'} of workspace ${f?.['workspace']} in organization ${f?.['organization']}`;
    default: {
      const amr = w.claims['amr'];
      if (w.claims['iss'] === 'https://cognito-identity.amazonaws.com' && Array.isArray(amr)) {
        const how = amr.includes('authenticated')
          ? `an authenticated identity${amr.length > 1 ? ` (${amr.slice(1).join(', ')})` : ''}`
          : 'an unauthenticated identity';
        return `${how} of identity pool ${aud}`;
      }
      const sub = str(w.claims['sub']);
      const parts = [
        ...(sub !== undefined ? [`sub ${sub}`] : []),
        ...(aud !== undefined ? [`aud ${aud}`] : []),
      ];
      if (Array.isArray(amr)) parts.push(`amr ${amr.join(', ')}`);
      return parts.length > 0 ? parts.join(', ') : 'a token';
    }
  }
}

function withFields(
  base: WrittenToken,
  change: Record<string, string | undefined>,
): WrittenToken | undefined {
  const fields: Record<string, string> = { ...(base.shorthand?.fields ?? {}) };
  for (const [k, v] of Object.entries(change)) {
    if (v === undefined) delete fields[k];
    else fields[k] = v;
  }
  return rewritten(base, fields);
}

function githubMisses(base: WrittenToken): NearMiss[] {
  const f = base.shorthand?.fields ?? {};
  const [owner, repo] = (f['repository'] ?? '/').split('/') as [string, string];
  const out: Array<[string, Record<string, string | undefined>]> = [
    ['a pull request', { event: 'pull_request', ref: undefined, environment: undefined }],
    [
      'another branch',
      { ref: 'refs/heads/feature/unreviewed', event: undefined, environment: undefined },
    ],
    ['a tag', { ref: 'refs/tags/v0.0.0-unreviewed', event: undefined, environment: undefined }],
    ['another repository of the owner', { repository: `${owner}/other-repo` }],
    ['a repository whose name only starts the same', { repository: `${owner}/${repo}-fork` }],
    ['another owner', { repository: `another-owner/${repo}` }],
    ['an owner whose name only starts the same', { repository: `${owner}-evil/${repo}` }],
    [
      "the wrong audience: GitHub's default, the owner's URL",
      { audience: `https://github.com/${owner}` },
    ],
  ];
  if (f['environment'] !== undefined) {
    const other = f['environment'] === 'staging' ? 'dev' : 'staging';
    out.push(['another environment', { environment: other }]);
    out.push(['the same job without its environment', { environment: undefined }]);
  }
  return misses(base, out);
}

function misses(
  base: WrittenToken,
  changes: ReadonlyArray<[string, Record<string, string | undefined>]>,
): NearMiss[] {
  const out: NearMiss[] = [];
  for (const [why, change] of changes) {
    const w = withFields(base, change);
    if (w) out.push({ why, written: w });
  }
  return out;
}

function eksMisses(base: WrittenToken): NearMiss[] {
  const f = base.shorthand?.fields ?? {};
  const ns = f['namespace'] ?? 'default';
  const otherNs = ns === 'default' ? 'other-namespace' : 'default';
  const otherSa = f['serviceAccount'] === 'default' ? 'other-sa' : 'default';
  const issuer = (f['issuer'] ?? '').replace(/\/id\/[^/]+$/, '/id/0THERC1USTER0000000000000000000');
  return misses(base, [
    ['another namespace', { namespace: otherNs }],
    ['another service account of the namespace', { serviceAccount: otherSa }],
    [
      'the wrong audience: the Kubernetes API server default',
      { audience: 'https://kubernetes.default.svc' },
    ],
    ...(issuer !== f['issuer']
      ? ([['another cluster', { issuer }]] as Array<[string, Record<string, string>]>)
      : []),
  ]);
}

function gitlabMisses(base: WrittenToken): NearMiss[] {
  const f = base.shorthand?.fields ?? {};
  const path = f['projectPath'] ?? 'group/project';
  const slash = path.lastIndexOf('/');
  const group = path.slice(0, slash);
  const project = path.slice(slash + 1);
  return misses(base, [
    ['another branch', { ref: 'feature-unreviewed', refType: undefined }],
    ['a tag', { ref: 'v0.0.0-unreviewed', refType: 'tag' }],
    ['another project of the group', { projectPath: `${group}/other-project` }],
    ['another group', { projectPath: `another-group/${project}` }],
    ['the wrong audience', { audience: 'https://example.com/another-audience' }],
  ]);
}

function terraformMisses(base: WrittenToken): NearMiss[] {
  const f = base.shorthand?.fields ?? {};
  return misses(base, [
    ['another organization', { organization: 'another-organization' }],
    ['another workspace', { workspace: `${f['workspace'] ?? 'prod'}-other` }],
    ['a plan instead of an apply', { runPhase: f['runPhase'] === 'plan' ? 'apply' : 'plan' }],
    ['the wrong audience', { audience: 'another.audience' }],
  ]);
}

function rawMiss(base: WrittenToken, why: string, change: Claims): NearMiss {
  const claims = { ...base.claims, ...change };
  return { why, written: { token: claims, claims } };
}

/** Near misses of an allowed token, by provider. */
export function nearMisses(moduleId: string, base: WrittenToken): NearMiss[] {
  switch (base.shorthand?.kind) {
    case 'github':
      return githubMisses(base);
    case 'eks':
      return eksMisses(base);
    case 'gitlab':
      return gitlabMisses(base);
    case 'terraform':
      return terraformMisses(base);
    default:
      break;
  }
  const out: NearMiss[] = [];
  const sub = str(base.claims['sub']);
  if (moduleId === 'cognito') {
    out.push(
      rawMiss(base, 'another identity pool', {
        aud: 'us-east-1:00000000-0000-4000-8000-0000000000ff',
      }),
      rawMiss(base, 'an unauthenticated identity', { amr: ['unauthenticated'] }),
    );
    return out;
  }
  if (sub !== undefined) out.push(rawMiss(base, 'another subject', { sub: `${sub}-other` }));
  if (base.claims['aud'] !== undefined)
    out.push(rawMiss(base, 'the wrong audience', { aud: 'https://example.com/another-audience' }));
  return out;
}
