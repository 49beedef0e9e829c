/**
 * The GitHub subject family (§7.1, §8.1 items 11–12): the job's `sub` has another shape than the
 * policy expects — an environment, a pull request, a tag instead of a branch, an immutable
 * `repo:OWNER@ID/REPO@ID:…` subject — or names another branch.
 */
import { parseGithubSub } from '../providers/index.js';
import { diag, quote, quoteList } from './facts.js';
import { positiveString, satisfies, describeClause, type ClauseFacts } from './clause.js';
import type { ExplainedDiagnosis } from './types.js';

type Kind = 'ref' | 'environment' | 'pull_request' | 'custom' | 'any';

/** A policy value read as `repo:REPO_PATTERN:CONTEXT_PATTERN`. */
interface SubPattern {
  text: string;
  repo: string;
  context: string;
  kind: Kind;
  /** The ref or environment pattern. */
  value?: string;
}

/** The token's subject, as written and in its name-based form. */
interface TokenSub {
  sub: string;
  /** `OWNER/REPO` or `OWNER@ID/REPO@ID`, as written in the sub. */
  ident: string;
  /** `OWNER/REPO`. */
  names: string;
  ids?: { owner: string; repo: string };
  context: string;
  kind: Exclude<Kind, 'any'>;
  value?: string;
}

function contextKind(context: string): { kind: Kind; value?: string } {
  if (context === '' || context.startsWith('*')) return { kind: 'any' };
  if (context === 'pull_request') return { kind: 'pull_request' };
  const m = /^(ref|environment):(.*)$/.exec(context);
  if (m) return { kind: m[1] as 'ref' | 'environment', value: m[2] as string };
  return { kind: 'custom' };
}

export function parseSubPattern(text: string): SubPattern | undefined {
  const m = /^repo:([^:]*)(?::(.*))?$/.exec(text);
  if (!m) return undefined;
  const context = m[2] ?? '';
  return { text, repo: m[1] as string, context, ...contextKind(context) };
}

export function parseTokenSub(sub: string): TokenSub | undefined {
  const parts = parseGithubSub(sub);
  if (!parts.ok || parts.owner === undefined || parts.repo === undefined) return undefined;
  const ident = sub.slice('repo:'.length, sub.indexOf(':', 'repo:'.length));
  const context = sub.slice(`repo:${ident}:`.length);
  const names = parts.immutable ? ident.replace(/@\d+(?=\/|$)/g, '') : ident;
  return {
    sub,
    ident,
    names,
    ...(parts.immutable && parts.ownerId && parts.repositoryId
      ? { ids: { owner: parts.ownerId, repo: parts.repositoryId } }
      : {}),
    context,
    kind: parts.kind,
    ...(parts.kind === 'ref' || parts.kind === 'environment'
      ? { value: context.slice(context.indexOf(':') + 1) }
      : {}),
  };
}

interface GhCtx {
  cf: ClauseFacts;
  t: TokenSub;
  patterns: SubPattern[];
}

function repoMatches(g: GhCtx, p: SubPattern, ident: string): boolean {
  return satisfies(g.cf, `repo:${p.repo}:`, `repo:${ident}:`);
}

/** The immutable form of a name-based pattern: `repo:acme/app:…` → `repo:acme@1/app@2:…`. */
function immutableForm(p: SubPattern, ids: { owner: string; repo: string }): string {
  const [owner = '', repo = ''] = p.repo.split('/');
  const withId = (name: string, id: string): string => (/[*?]/.test(name) ? name : `${name}@${id}`);
  return `repo:${withId(owner, ids.owner)}/${withId(repo, ids.repo)}:${p.context}`;
}

function immutableSubject(g: GhCtx): ExplainedDiagnosis[] {
  const { t, cf } = g;
  if (!t.ids) return [];
  const nameForm = `repo:${t.names}:${t.context}`;
  const hits = g.patterns.filter((p) => satisfies(cf, p.text, nameForm));
  if (hits.length === 0) return [];
  const add = hits.map((p) => immutableForm(p, t.ids as { owner: string; repo: string }));
  return [
    diag(
      'github-immutable-subject',
      'The repository uses immutable GitHub subjects',
      `${describeClause(cf)}: the token's sub ${quote(t.sub)} carries the owner and repository ids (repositories created after 2026-07-15, renamed or transferred ones, and opted-in ones get "repo:OWNER@ID/REPO@ID:…"); the name-based ${quoteList(hits.map((p) => p.text))} would match ${quote(nameForm)} but not this form`,
      `add the immutable form ${quoteList(add)} to the condition's values (keep the name-based one while older tokens are in use)`,
      cf.where,
    ),
  ];
}

function environmentSubject(g: GhCtx): ExplainedDiagnosis[] {
  const { t, cf } = g;
  if (t.kind !== 'environment') return [];
  const expects = g.patterns.filter((p) => p.kind === 'ref' || p.kind === 'pull_request');
  if (expects.length === 0) return [];
  const want = `repo:${t.ident}:environment:${t.value ?? ''}`;
  return [
    diag(
      'github-environment-subject',
      'The job uses a GitHub environment, so its sub names the environment, not the branch',
      `${describeClause(cf)}: the token's sub is ${quote(t.sub)} — a job with \`environment: ${t.value ?? ''}\` gets an environment subject with no branch in it — while the policy expects ${quoteList(expects.map((p) => p.text))}`,
      `allow ${quote(want)} (protect that environment with branch rules, or also check "${cf.prefix}:ref"), or drop \`environment:\` from the job`,
      cf.where,
    ),
  ];
}

function pullRequestSubject(g: GhCtx): ExplainedDiagnosis[] {
  const { t, cf } = g;
  if (t.kind !== 'pull_request') return [];
  const expects = g.patterns.filter((p) => p.kind === 'ref' || p.kind === 'environment');
  if (expects.length === 0) return [];
  const want = `repo:${t.ident}:pull_request`;
  return [
    diag(
      'github-pull-request-subject',
      'Pull-request jobs present a pull_request subject',
      `${describeClause(cf)}: the token comes from a pull_request event, so its sub is ${quote(t.sub)}, with no branch; the policy expects ${quoteList(expects.map((p) => p.text))}`,
      `if pull requests may assume this role, allow ${quote(want)}; otherwise this denial is the intended one`,
      cf.where,
    ),
  ];
}

function refKind(ref: string): 'branch' | 'tag' | 'other' {
  return ref.startsWith('refs/heads/') ? 'branch' : ref.startsWith('refs/tags/') ? 'tag' : 'other';
}

/** Shared by the sub and the `…:ref` key: the token's ref against the refs the policy allows. */
export function refDiagnosis(
  cf: ClauseFacts,
  tokenRef: string,
  allowed: string[],
  subOf: (ref: string) => string,
): ExplainedDiagnosis[] {
  if (allowed.length === 0) return [];
  const kind = refKind(tokenRef);
  const kinds = new Set(allowed.map(refKind));
  const name = tokenRef.replace(/^refs\/(heads|tags)\//, '');
  if (
    (kind === 'tag' || kind === 'branch') &&
    !kinds.has(kind) &&
    kinds.has(kind === 'tag' ? 'branch' : 'tag')
  ) {
    const pattern = kind === 'tag' ? 'refs/tags/*' : 'refs/heads/*';
    return [
      diag(
        'github-tag-vs-branch',
        kind === 'tag'
          ? 'The job runs for a tag, the policy allows branches'
          : 'The job runs for a branch, the policy allows tags',
        `${describeClause(cf)}: the token's ref is ${quote(tokenRef)} (a ${kind}), but the policy only allows ${quoteList(allowed)}`,
        `allow ${quote(subOf(tokenRef))}${cf.op?.base.like ? ` (or ${quote(subOf(pattern))} for every ${kind})` : ''} if ${kind === 'tag' ? 'tag' : 'branch'} runs should assume this role`,
        cf.where,
      ),
    ];
  }
  return [
    diag(
      'github-branch-mismatch',
      `The job runs for ${kind === 'tag' ? 'tag' : 'branch'} "${name}", which the policy does not allow`,
      `${describeClause(cf)}: the token's ref is ${quote(tokenRef)}; the policy allows ${quoteList(allowed)}`,
      `run the job from an allowed ref, or, if ${quote(tokenRef)} should assume this role, add ${quote(subOf(tokenRef))} to the condition's values`,
      cf.where,
    ),
  ];
}

function refSubject(g: GhCtx): ExplainedDiagnosis[] {
  const { t, cf } = g;
  if (t.kind !== 'ref' || t.value === undefined) return [];
  const refs = g.patterns.filter((p) => p.kind === 'ref').map((p) => p.value as string);
  return refDiagnosis(cf, t.value, refs, (ref) => `repo:${t.ident}:ref:${ref}`);
}

const SUBJECT_DETECTORS = [immutableSubject, environmentSubject, pullRequestSubject, refSubject];

/** The GitHub `…:sub` detector: the first subject-shape cause that explains the failure. */
export function githubSubject(cf: ClauseFacts): ExplainedDiagnosis[] {
  if (!positiveString(cf) || cf.suffix.toLowerCase() !== 'sub' || cf.f.module?.id !== 'github')
    return [];
  const raw = cf.c.requestValues[0];
  const t = raw === undefined ? undefined : parseTokenSub(raw);
  if (!t) return [];
  const all = cf.c.policyValues
    .map(parseSubPattern)
    .filter((p): p is SubPattern => p !== undefined);
  const g: GhCtx = { cf, t, patterns: [] };
  // Only the patterns for this repository say what shape the policy expects.
  g.patterns = all.filter((p) => repoMatches(g, p, t.ident) || repoMatches(g, p, t.names));
  if (g.patterns.length === 0) return [];
  const immutable = immutableSubject(g);
  if (immutable.length > 0) return immutable;
  for (const detect of SUBJECT_DETECTORS.slice(1)) {
    const found = detect(g);
    if (found.length > 0) return found;
  }
  return [];
}

/** The GitHub `…:ref` key (since 2026-02): a tag against branches, or another branch. */
export function githubRefKey(cf: ClauseFacts): ExplainedDiagnosis[] {
  if (!positiveString(cf) || cf.suffix.toLowerCase() !== 'ref' || cf.f.module?.id !== 'github')
    return [];
  const ref = cf.c.requestValues[0];
  if (ref === undefined) return [];
  return refDiagnosis(cf, ref, cf.c.policyValues, (r) => r);
}
