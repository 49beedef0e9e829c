/**
 * Example values that look real (design note §5): inside a region the proof selected, prefer the
 * values of the file's own scenarios, then values shaped by the provider's subject grammar and
 * filled from the policy's own literals (`repo:acme/app2:ref:refs/heads/main` rather than the
 * shortest witness `repo:acme/`), then each pattern instantiated, and only then the region's
 * shortest witness. Realism never changes a verdict: a value is used only when its signature
 * puts it in the region asked for.
 */
import type { AtomValue } from './bindings.js';
import type { Atom, Variable } from './space.js';

/** Concrete values known to be realistic: the tokens, requests and contexts of scenarios. */
export interface Seeds {
  claims: ReadonlyArray<Readonly<Record<string, unknown>>>;
  sessionNames: readonly string[];
  contexts: ReadonlyArray<Readonly<Record<string, unknown>>>;
}

export const NO_SEEDS: Seeds = { claims: [], sessionNames: [], contexts: [] };

const MAX_CANDIDATES = 400;

/** The policy's literal texts for one atom: every value of every clause on a key it feeds. */
export function literalsOf(v: Variable, atom: Atom): string[] {
  const keys = new Set(
    v.keys.filter((k) => k.atoms.some((a) => a.id === atom.id)).map((k) => k.keyLower),
  );
  const out = new Set<string>();
  for (const t of v.tests) {
    if (t.kind === 'value' && t.value && keys.has(t.value.keyLower)) out.add(t.value.value);
  }
  return [...out];
}

/** A `*` in a pattern, filled with what usually follows the text before it. */
function filler(before: string): string {
  if (/refs\/heads\/$/.test(before)) return 'main';
  if (/refs\/tags\/v$/.test(before)) return '1.0.0';
  if (/refs\/tags\/$/.test(before)) return 'v1.0.0';
  if (/environment:$/.test(before)) return 'prod';
  if (/workspace:$/.test(before)) return 'prod';
  if (/run_phase:$/.test(before)) return 'apply';
  if (/repo:[^/:]*\/$/.test(before)) return 'app:ref:refs/heads/main';
  if (/repo:$/.test(before)) return 'acme/app:ref:refs/heads/main';
  if (/serviceaccount:$/.test(before)) return 'default:app';
  if (/serviceaccount:[^:]+:$/.test(before)) return 'app';
  return 'x';
}

/** A pattern with each `*` filled and each `?` made `x`. */
export function instantiate(pattern: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c !== 42 && c !== 63) continue;
    out += pattern.slice(from, i);
    out += c === 42 ? filler(out) : 'x';
    from = i + 1;
  }
  return from === 0 ? pattern : out + pattern.slice(from);
}

const NAME = '[A-Za-z0-9_.-]+';

function uniq(list: readonly string[]): string[] {
  return [...new Set(list.filter((x) => x !== ''))];
}

function harvest(literals: readonly string[], re: RegExp, group = 1): string[] {
  const out: string[] = [];
  for (const l of literals) {
    const m = re.exec(l);
    if (m && m[group] !== undefined) out.push(m[group] as string);
  }
  return uniq(out);
}

/**
 * GitHub subjects: `repo:OWNER/REPO:` + a branch, tag, environment or pull request (§7.1); the
 * first `limit` of them (no more can be used: candidates stop at MAX_CANDIDATES).
 */
function githubSubjects(literals: readonly string[], limit = Infinity): string[] {
  const owners = uniq([...harvest(literals, new RegExp(`^repo:(${NAME})/`)), 'acme']);
  const named = harvest(literals, new RegExp(`^repo:${NAME}/(${NAME}):`));
  // Each named repository, then a sibling whose name only starts like it (`app2`).
  const repos = uniq([...named.flatMap((r) => [r, `${r}2`]), 'app', 'other-repo']);
  const contexts = uniq([
    'ref:refs/heads/main',
    ...harvest(literals, /:((?:ref|environment):[^*?]*[^*?:/])(?:$|\*)/),
    'environment:prod',
    'ref:refs/tags/v1.0.0',
    'pull_request',
    'ref:refs/heads/feature',
  ]);
  const immutable = literals
    .map((l) => /^repo:([^@/:]+@\d+\/[^@:/]+@\d+):/.exec(l)?.[1])
    .filter((x): x is string => x !== undefined);
  const out: string[] = [];
  for (const who of uniq([...immutable, ...owners.flatMap((o) => repos.map((r) => `${o}/${r}`))])) {
    if (out.length >= limit) return out;
    for (const c of contexts) out.push(`repo:${who}:${c}`);
  }
  for (const o of owners) out.push(`repo:${o}-other/app:ref:refs/heads/main`);
  return out;
}

function eksSubjects(literals: readonly string[]): string[] {
  const ns = uniq([...harvest(literals, /^system:serviceaccount:([^:*?]+):/), 'default']);
  const sa = uniq([
    ...harvest(literals, /^system:serviceaccount:[^:*?]+:([^:*?]+)$/),
    'app',
    'other-sa',
  ]);
  return ns.flatMap((n) => sa.map((s) => `system:serviceaccount:${n}:${s}`));
}

function gitlabSubjects(literals: readonly string[]): string[] {
  const projects = uniq([...harvest(literals, /^project_path:([^:*?]+):/), 'acme/app']);
  const refs = uniq([...harvest(literals, /:ref:([^:*?]+)$/), 'main']);
  return projects.flatMap((p) =>
    refs.flatMap((r) => [
      `project_path:${p}:ref_type:branch:ref:${r}`,
      `project_path:${p}:ref_type:tag:ref:${r}`,
    ]),
  );
}

function terraformSubjects(literals: readonly string[]): string[] {
  const orgs = uniq([...harvest(literals, /^organization:([^:*?]+):/), 'acme']);
  const projects = uniq([...harvest(literals, /:project:([^:*?]+):/), 'default']);
  const workspaces = uniq([...harvest(literals, /:workspace:([^:*?]+):/), 'prod']);
  const out: string[] = [];
  for (const o of orgs)
    for (const p of projects)
      for (const w of workspaces)
        for (const phase of ['apply', 'plan'])
          out.push(`organization:${o}:project:${p}:workspace:${w}:run_phase:${phase}`);
  return out;
}

/** Typical values of a claim, by provider and claim name. */
function grammar(provider: string, claim: string, literals: readonly string[]): string[] {
  const repos = (): string[] =>
    githubSubjects(literals)
      .map((s) => /^repo:([^:]+):/.exec(s)?.[1] ?? '')
      .filter((r) => !r.includes('@'));
  switch (`${provider}:${claim}`) {
    case 'github:sub':
      return githubSubjects(literals, MAX_CANDIDATES);
    case 'github:repository':
      return uniq([...literals.map(instantiate), ...repos()]);
    case 'github:ref':
      return ['refs/heads/main', 'refs/tags/v1.0.0', 'refs/heads/feature'];
    case 'github:environment':
      return ['prod', 'staging'];
    case 'github:job_workflow_ref':
      return repos().map((r) => `${r}/.github/workflows/deploy.yml@refs/heads/main`);
    case 'github:actor':
      return ['octocat'];
    case 'github:workflow':
      return ['deploy'];
    case 'eks:sub':
      return eksSubjects(literals);
    case 'gitlab:sub':
      return gitlabSubjects(literals);
    case 'terraform:sub':
      return terraformSubjects(literals);
    case 'cognito:aud':
      return ['us-east-1:00000000-0000-4000-8000-000000000000'];
    case 'cognito:sub':
      return ['us-east-1:11111111-1111-4111-8111-111111111111'];
    case 'google:aud':
    case 'google:azp':
      return ['123456789012-example.apps.googleusercontent.com'];
    case 'google:sub':
      return ['110169484474386276334'];
    default:
      if (/_id$/.test(claim)) return ['1234567'];
      if (claim === 'aud') return ['sts.amazonaws.com'];
      return ['example'];
  }
}

const ELEMENTS: Readonly<Record<string, readonly string[]>> = {
  amr: ['authenticated', 'unauthenticated', 'graph.facebook.com', 'accounts.google.com'],
};

/**
 * A ranked list of values: `head`, then each of `literals` instantiated, then `tail`, at most
 * `limit` of them. The literals are instantiated when the list is read that far (an example is
 * mostly found among the first grammar values).
 */
export class ValueList {
  private readonly items: AtomValue[];
  /** Where the instantiated literals start in `items`. */
  private readonly first: number;
  /** Literals instantiated so far. */
  private made = 0;
  readonly length: number;

  constructor(
    head: AtomValue[],
    private readonly literals: readonly string[] = [],
    private readonly tail: readonly AtomValue[] = [],
    limit = Infinity,
  ) {
    this.items = head;
    this.length = Math.min(limit, head.length + literals.length + tail.length);
    this.first = head.length;
  }

  /** The value at `i` (`i` < `length`). */
  at(i: number): AtomValue {
    if (i < this.first) return this.items[i];
    const k = i - this.first;
    if (k >= this.literals.length) return this.tail[k - this.literals.length];
    while (this.made <= k) {
      this.items.push(instantiate(this.literals[this.made] as string));
      this.made++;
    }
    return this.items[i];
  }
}

/** Ranked candidate values of an atom: seeds, grammar, instantiated patterns. */
export function realisticValues(
  v: Variable,
  atom: Atom,
  provider: string,
  seeds: Seeds,
  now: number,
  defaultAudience: string | undefined,
): ValueList {
  const literals = literalsOf(v, atom);
  const out: AtomValue[] = [];
  switch (atom.kind) {
    case 'clock':
      return new ValueList([Math.floor(now / 1000)]);
    case 'tags':
      return new ValueList([undefined]);
    case 'session':
      return new ValueList([...seeds.sessionNames, 'trustspec', 'GitHubActions'], literals);
    case 'source-identity':
      return new ValueList(
        [undefined, ...seeds.claims.map((c) => c[atom.name] as AtomValue)],
        literals,
        ['trustspec'],
      );
    case 'context':
      // (Instantiated literals are strings: only the seeds' values need the filter.)
      return new ValueList(
        seeds.contexts.map((c) => c[atom.name]).filter((x): x is string => typeof x === 'string'),
        literals,
      );
    default:
      break;
  }
  for (const c of seeds.claims) out.push(c[atom.name] as AtomValue);
  if (atom.multiValued) {
    const elements = uniq([...literals.map(instantiate), ...(ELEMENTS[atom.name] ?? ['example'])]);
    for (const e of elements) out.push([e]);
    for (const e of elements.slice(1)) out.push([elements[0] as string, e]);
    return new ValueList(out);
  }
  if (atom.name === 'aud' && defaultAudience !== undefined) out.push(defaultAudience);
  // The first grammar values, then each pattern instantiated, then the rest of the grammar.
  const g = grammar(provider, atom.name, literals);
  for (let i = 0; i < g.length && i < 24; i++) out.push(g[i]);
  return new ValueList(out, literals, g.slice(24), MAX_CANDIDATES);
}
