/**
 * The predicate of a property (`only:`, `never:`, `always:` in a scenario file): keys and IAM
 * wildcard patterns, or the `github:` / `eks:` shorthands for the subject. Parsed here, apart
 * from the engine, so that the scenario loader can check a property without loading the
 * symbolic modules (they load when a property is decided).
 */
import { hostPathFromProviderUrl } from '../providers/arn.js';

export type PropertyKind = 'only' | 'never' | 'always';
export const PROPERTY_KINDS: readonly PropertyKind[] = ['only', 'never', 'always'];

/** One condition of a predicate: a key (a claim name, or a full condition key) and its patterns. */
export interface PredicateCondition {
  /** `sub` (a claim of whichever provider presents the token) or `host/path:sub`, `aws:SourceIp`. */
  key: string;
  /** Any of them (IAM wildcards for strings, CIDRs for `aws:SourceIp`). */
  patterns: string[];
}

export interface Predicate {
  conditions: PredicateCondition[];
  /** The providers (host/path) the predicate names; empty: any. */
  providers: string[];
}

/** A predicate problem, at the path (inside the predicate) it is about. */
export interface PredicateProblem {
  path: (string | number)[];
  message: string;
  hint?: string;
}

const GITHUB = 'token.actions.githubusercontent.com';
const GITHUB_FIELDS = ['repository', 'ref', 'environment', 'event'];
const EKS_FIELDS = ['issuer', 'namespace', 'serviceAccount'];

function patternsOf(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string'))
    return v as string[];
  return undefined;
}

/** `github: {repository, ref | environment | event}` → the `sub` patterns it stands for. */
function githubSub(g: Record<string, unknown>, problems: PredicateProblem[]): string | undefined {
  for (const k of Object.keys(g)) {
    if (!GITHUB_FIELDS.includes(k))
      problems.push({
        path: ['github', k],
        message: `unknown field "${k}" in the github shorthand of a property`,
        hint: `its fields are ${GITHUB_FIELDS.join(', ')}`,
      });
  }
  const str = (k: string): string | undefined => (typeof g[k] === 'string' ? g[k] : undefined);
  const repo = str('repository') ?? '*';
  const given = ['ref', 'environment', 'event'].filter((k) => g[k] !== undefined);
  if (given.length > 1) {
    problems.push({
      path: ['github', given[1] as string],
      message: `a GitHub subject has one of ref, environment and event, not ${given.join(' and ')}`,
      hint: 'write two properties, or a list of subject patterns: sub: [...]',
    });
    return undefined;
  }
  if (str('event') !== undefined && str('event') !== 'pull_request') {
    problems.push({
      path: ['github', 'event'],
      message: `event "${str('event')}" does not appear in the subject: only pull_request does`,
      hint:
        str('event') === 'pull_request_target'
          ? 'a pull_request_target run presents the pull_request subject (UNCONFIRMED [pull-request-target]): event: pull_request covers both'
          : 'for a push, a tag or a schedule, give ref: (e.g. refs/heads/main, refs/tags/v*)',
    });
    return undefined;
  }
  if (str('event') === 'pull_request') return `repo:${repo}:pull_request`;
  if (str('environment') !== undefined) return `repo:${repo}:environment:${str('environment')}`;
  if (str('ref') !== undefined) return `repo:${repo}:ref:${str('ref')}`;
  // A repository pattern ending in * already covers the rest of the subject.
  return repo.endsWith('*') ? `repo:${repo}` : `repo:${repo}:*`;
}

/** `eks: {issuer, namespace, serviceAccount}` → the `sub` condition (of that cluster, if given). */
function eksCondition(
  e: Record<string, unknown>,
  problems: PredicateProblem[],
): PredicateCondition | undefined {
  for (const k of Object.keys(e)) {
    if (!EKS_FIELDS.includes(k))
      problems.push({
        path: ['eks', k],
        message: `unknown field "${k}" in the eks shorthand of a property`,
        hint: `its fields are ${EKS_FIELDS.join(', ')}`,
      });
  }
  const ns = typeof e['namespace'] === 'string' ? e['namespace'] : '*';
  const sa = typeof e['serviceAccount'] === 'string' ? e['serviceAccount'] : '*';
  const sub = `system:serviceaccount:${ns}:${sa}`;
  if (e['issuer'] === undefined) return { key: 'sub', patterns: [sub] };
  const issuer =
    typeof e['issuer'] === 'string' && e['issuer'].startsWith('https://')
      ? hostPathFromProviderUrl(e['issuer'])
      : undefined;
  if (!issuer?.ok) {
    problems.push({
      path: ['eks', 'issuer'],
      message: "the issuer is the cluster's OIDC issuer URL, starting with https://",
      hint: 'e.g. https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
    });
    return undefined;
  }
  return { key: `${issuer.hostPath}:sub`, patterns: [sub] };
}

/** A predicate as written in a scenario file → its conditions, or the problems that stop it. */
export function parsePredicate(raw: unknown): {
  predicate?: Predicate;
  problems: PredicateProblem[];
} {
  const problems: PredicateProblem[] = [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      problems: [
        {
          path: [],
          message: 'a property names the tokens it is about as a mapping of keys to patterns',
          hint: "e.g. { sub: 'repo:acme/*' } or { github: { repository: 'acme/*', ref: refs/heads/main } }",
        },
      ],
    };
  }
  const conditions: PredicateCondition[] = [];
  const providers = new Set<string>();
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key === 'github' || key === 'eks') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        problems.push({ path: [key], message: `"${key}" is a mapping of the shorthand's fields` });
        continue;
      }
      const v = value as Record<string, unknown>;
      if (key === 'github') {
        const sub = githubSub(v, problems);
        if (sub !== undefined) conditions.push({ key: `${GITHUB}:sub`, patterns: [sub] });
        providers.add(GITHUB);
      } else {
        const c = eksCondition(v, problems);
        if (c) {
          conditions.push(c);
          if (c.key !== 'sub') providers.add(c.key.slice(0, c.key.lastIndexOf(':')));
        }
      }
      continue;
    }
    const patterns = patternsOf(value);
    if (!patterns) {
      problems.push({
        path: [key],
        message: `"${key}" takes a pattern or a non-empty list of patterns (any of them)`,
        hint: "IAM wildcards: * any run of characters, ? one character, e.g. 'repo:acme/*'",
      });
      continue;
    }
    if (/^(iss|exp|iat|nbf)$/.test(key)) {
      problems.push({
        path: [key],
        message: `"${key}" is not a condition key: a property can name only what a policy can test`,
        hint: 'name the provider with a full key (host/path:sub), or a github:/eks: shorthand',
      });
      continue;
    }
    const colon = key.lastIndexOf(':');
    if (colon > 0 && !key.toLowerCase().startsWith('aws:')) providers.add(key.slice(0, colon));
    conditions.push({ key, patterns });
  }
  if (problems.length > 0) return { problems };
  return { predicate: { conditions, providers: [...providers] }, problems };
}
