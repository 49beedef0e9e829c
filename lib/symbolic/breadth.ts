/**
 * Breadth warnings (design note §5.3; Datadog Security Labs' "IAM role can be assumed by any
 * GitHub Action"): a token of a tenant the policy never names — an owner, a repository, a
 * namespace, a service account, an identity pool, an OAuth client — is put to the role. Each
 * warning is a fact, not a guess: its example token was found inside the allowed set and replayed
 * through the simulator, and it names the statement that allowed it.
 */
import type { AtomValue } from './bindings.js';
import { Boxes, type Box } from './boxes.js';
import type { ProviderAnalysis } from './engine.js';
import { literalsOf } from './realism.js';
import { exampleIn, regionIndex, replay, type Example, type ExampleOptions } from './witness.js';
import type { Variable } from './space.js';

export interface Probe {
  code: string;
  severity: 'warning' | 'info';
  /** What a hit means, e.g. "any repository of any owner". */
  message: string;
  /** Claim values of the probe token. */
  claims: Record<string, string>;
}

export interface BreadthFinding {
  code: string;
  severity: 'warning' | 'info';
  message: string;
  /** The statements that allowed the probe token. */
  statements: number[];
  example: Example;
}

/** A name the policy never writes: not inside any of its literals. */
function fresh(base: string, literals: readonly string[]): string {
  for (let i = 0; ; i++) {
    const name = i === 0 ? base : `${base}${i}`;
    if (!literals.some((l) => l.includes(name))) return name;
  }
}

const CONTEXTS = [
  'ref:refs/heads/main',
  'pull_request',
  'environment:prod',
  'ref:refs/tags/v1.0.0',
];

function githubProbes(literals: readonly string[]): Probe[] {
  const owner = fresh('another-owner', literals);
  const repo = fresh('any-repo', literals);
  const out: Probe[] = CONTEXTS.map((c) => ({
    code: 'any-owner',
    severity: 'warning',
    message: 'any repository of any owner on GitHub',
    claims: { sub: `repo:${owner}/${repo}:${c}` },
  }));
  const owners = [
    ...new Set(
      literals
        .map((l) => /^repo:([A-Za-z0-9_.-]+)[/*]/.exec(l)?.[1])
        .filter((o): o is string => !!o),
    ),
  ];
  for (const o of owners) {
    for (const c of CONTEXTS)
      out.push({
        code: 'any-repository',
        severity: 'warning',
        message: `any repository of ${o}`,
        claims: { sub: `repo:${o}/${repo}:${c}` },
      });
    out.push({
      code: 'owner-prefix',
      severity: 'warning',
      message: `owners whose name merely starts with "${o}" (e.g. ${o}-evil)`,
      claims: { sub: `repo:${o}-evil/app:ref:refs/heads/main` },
    });
  }
  const repos = [
    ...new Set(
      literals
        .map((l) => /^repo:([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)[:*]/.exec(l)?.[1])
        .filter((r): r is string => !!r),
    ),
  ];
  for (const r of repos) {
    out.push({
      code: 'pull-requests',
      severity: 'info',
      message: `pull requests of ${r}`,
      claims: { sub: `repo:${r}:pull_request` },
    });
    out.push({
      code: 'any-branch',
      severity: 'info',
      message: `any branch of ${r}`,
      claims: { sub: `repo:${r}:ref:refs/heads/${fresh('any-branch', literals)}` },
    });
  }
  return out;
}

function eksProbes(literals: readonly string[]): Probe[] {
  const ns = fresh('another-namespace', literals);
  const sa = fresh('any-service-account', literals);
  const out: Probe[] = [
    {
      code: 'any-namespace',
      severity: 'warning',
      message: 'any service account in any namespace',
      claims: { sub: `system:serviceaccount:${ns}:${sa}` },
    },
  ];
  const named = [
    ...new Set(
      literals
        .map((l) => /^system:serviceaccount:([^:*?]+):/.exec(l)?.[1])
        .filter((n): n is string => !!n),
    ),
  ];
  for (const n of named)
    out.push({
      code: 'any-service-account',
      severity: 'warning',
      message: `any service account in namespace ${n}`,
      claims: { sub: `system:serviceaccount:${n}:${sa}` },
    });
  return out;
}

function probes(module: string, literals: readonly string[]): Probe[] {
  switch (module) {
    case 'github':
      return githubProbes(literals);
    case 'eks':
      return eksProbes(literals);
    case 'gitlab': {
      const g = fresh('another-group', literals);
      return [
        {
          code: 'any-project',
          severity: 'warning',
          message: 'any project of any GitLab group',
          claims: { sub: `project_path:${g}/any-project:ref_type:branch:ref:main` },
        },
      ];
    }
    case 'terraform': {
      const o = fresh('another-org', literals);
      return [
        {
          code: 'any-organization',
          severity: 'warning',
          message: 'any workspace of any HCP Terraform organization',
          claims: { sub: `organization:${o}:project:default:workspace:prod:run_phase:apply` },
        },
      ];
    }
    case 'cognito':
      return [
        {
          code: 'any-identity-pool',
          severity: 'warning',
          message: 'any identity pool',
          claims: { aud: 'us-east-1:99999999-9999-4999-8999-999999999999' },
        },
      ];
    case 'google':
      return [
        {
          code: 'any-client',
          severity: 'warning',
          message: 'any Google OAuth client (any app can sign its users in)',
          claims: { aud: '999999999999-another-app.apps.googleusercontent.com' },
        },
      ];
    case 'facebook':
    case 'amazon':
      return [
        {
          code: 'any-app',
          severity: 'warning',
          message: `any ${module === 'facebook' ? 'Facebook' : 'Login with Amazon'} app`,
          claims: { app_id: fresh('another-app', literals) },
        },
      ];
    default:
      return [
        {
          code: 'any-subject',
          severity: 'warning',
          message: 'any subject of this issuer',
          claims: { sub: fresh('another-subject', literals) },
        },
      ];
  }
}

/** The part of the allowed set where the probe's claims hold, or undefined when they do not fit. */
function probeBoxes(
  analysis: ProviderAnalysis,
  allowed: readonly Box[],
  claims: Record<string, string>,
): Box[] | undefined {
  const { space } = analysis;
  let out: Box[] = [...allowed];
  for (const v of space.variables) {
    const values: AtomValue[] = v.atoms.map((a) =>
      a.kind === 'claim' ? claims[a.name] : undefined,
    );
    if (values.every((x) => x === undefined)) continue;
    const r = regionIndex(v, values, space.sides);
    if (r === undefined) return undefined;
    const cut = [...analysis.boxes.universe];
    cut[v.index] = 1n << BigInt(r);
    out = out.map((b) => Boxes.intersect(b, cut)).filter((b): b is Box => b !== undefined);
  }
  return out;
}

function literalsOfClaim(analysis: ProviderAnalysis, claim: string): string[] {
  const v = analysis.space.variables.find((x: Variable) =>
    x.atoms.some((a) => a.kind === 'claim' && a.name === claim),
  );
  const atom = v?.atoms.find((a) => a.kind === 'claim' && a.name === claim);
  return v && atom ? literalsOf(v, atom) : [];
}

/** The breadth findings of one role's allowed set (side 0 of the analysis). */
export function breadth(analysis: ProviderAnalysis, opts: ExampleOptions): BreadthFinding[] {
  const side = analysis.sides[0];
  if (!side || side.allowed.length === 0) return [];
  const literals = ['sub', 'aud', 'app_id'].flatMap((c) => literalsOfClaim(analysis, c));
  const out: BreadthFinding[] = [];
  for (const p of probes(analysis.space.provider.module.id, literals)) {
    if (out.some((f) => f.code === p.code && f.message === p.message)) continue;
    // A hit on "any owner" already says "any repository of acme".
    if (p.code !== 'any-owner' && out.some((f) => f.code === 'any-owner')) continue;
    const where = probeBoxes(analysis, side.allowed, p.claims);
    if (!where || where.length === 0) continue;
    const ex = exampleIn(analysis, where[0] as Box, {
      ...opts,
      seeds: {
        claims: [p.claims, ...(opts.seeds?.claims ?? [])],
        sessionNames: opts.seeds?.sessionNames ?? [],
        contexts: opts.seeds?.contexts ?? [],
      },
    });
    for (const [k, v] of Object.entries(p.claims)) ex.claims[k] = v;
    const [decision] = replay(analysis, ex, { trace: false });
    out.push({
      code: p.code,
      severity: p.severity,
      message: p.message,
      statements: decision?.actions[0]?.allowedBy ?? [],
      example: ex,
    });
  }
  return out;
}
