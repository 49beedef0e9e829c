/**
 * Properties of a role over all tokens (design note §6.2): `only: Q` — every allowed token
 * matches Q; `never: X` — no allowed token matches X; `always: Y` — every token that matches Y
 * (and that STS accepts, without session tags or a source identity) is allowed.
 *
 * A predicate is decided exactly like a policy: it becomes the trust policy of a second role
 * (`Principal: "*"`, its patterns as `StringLike` / `IpAddress` conditions), both roles join one
 * partition, and the property is an empty difference or intersection of the two allowed sets:
 * only ⇔ Allowed ∖ Q = ∅, never ⇔ Allowed ∩ X = ∅, always ⇔ Y ∖ Allowed = ∅. A refutation is a
 * token of the offending region, replayed through `simulate()`; an exhausted budget is `unknown`.
 */
import { parsePolicy } from '../policy/parse.js';
import { BUILT_IN_PRINCIPALS } from '../providers/index.js';
import { compilePolicy } from '../sts/compile.js';
import type { Decision } from '../sts/types.js';
import { Boxes, mergeBoxes, type Box } from './boxes.js';
import { Unknown } from './candidates.js';
import { analyseProvider } from './engine.js';
import { providerIdentities, type AnalysisRole } from './providers.js';
import type { Seeds } from './realism.js';
import { exampleIn, replay } from './witness.js';
import { scenarioExample, timeMatters, type ScenarioExample } from './who.js';

import { type Predicate, type PropertyKind } from './predicate.js';

export {
  parsePredicate,
  PROPERTY_KINDS,
  type Predicate,
  type PredicateCondition,
  type PredicateProblem,
  type PropertyKind,
} from './predicate.js';

const IP_KEYS = new Set(['aws:sourceip']);

/** The predicate as the trust policy of a role (for the provider at `hostPath`). */
function predicatePolicy(
  p: Predicate,
  hostPath: string,
  kind: PropertyKind,
  principal: unknown,
): object {
  const like: Record<string, string[]> = {};
  const ip: Record<string, string[]> = {};
  for (const c of p.conditions) {
    const key = c.key.includes(':') ? c.key : `${hostPath}:${c.key}`;
    const target = IP_KEYS.has(key.toLowerCase()) ? ip : like;
    target[key] = [...(target[key] ?? []), ...c.patterns];
  }
  const condition: Record<string, Record<string, string[]>> = {};
  if (Object.keys(like).length > 0) condition['StringLike'] = like;
  if (Object.keys(ip).length > 0) condition['IpAddress'] = ip;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: principal,
        // `always` speaks of plain tokens; `only`/`never` of every allowed one, tags included.
        Action:
          kind === 'always'
            ? 'sts:AssumeRoleWithWebIdentity'
            : ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:SetSourceIdentity'],
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
      },
    ],
  };
}

export interface PropertyOptions {
  /** Epoch ms: the clock of a counterexample when the policy does not constrain time. */
  now: number;
  seeds?: Seeds;
  budget?: number;
}

export type PropertyOutcome =
  | { result: 'proven'; providers: string[] }
  | {
      result: 'refuted';
      provider: string;
      /** Why the example refutes the property, in one sentence. */
      explanation: string;
      /** A token (and request, context, clock) that refutes it: a scenario to paste. */
      example?: ScenarioExample;
      /** The role's decision on the example (its trace included). */
      decision?: Decision;
    }
  | { result: 'unknown'; reason: string };

const EXPLANATION: Record<PropertyKind, string> = {
  only: 'this token is allowed, and it is not one the property names',
  never: 'this token is allowed, and it is one the property names',
  always: 'this token is one the property names, and it is refused',
};

function offending(kind: PropertyKind, boxes: Boxes, role: Box[], pred: Box[]): Box[] {
  if (kind === 'only') return boxes.difference(role, pred);
  if (kind === 'never') return boxes.intersection(role, pred);
  return boxes.difference(pred, role);
}

/**
 * The principal of the predicate's role: the role's own Federated principals, so that with the
 * account's providers omitted both roles see the same issuers as registered (each issuer a
 * principal names is taken as registered); `*` when the role names none.
 */
function principalOf(role: AnalysisRole, p: Predicate): unknown {
  const named = new Set<string>();
  for (const s of role.role.policy.policy.statements)
    for (const f of s.principal.federated) named.add(f.value);
  if (named.size === 0) return '*';
  // The providers the predicate names, so that `always` about a provider the role does not
  // trust is about its tokens, not about nothing.
  const arn = /^arn:([^:]+):iam::(\d{12}):/.exec(role.role.arn);
  for (const hostPath of p.providers) {
    if (Object.hasOwn(BUILT_IN_PRINCIPALS, hostPath)) named.add(hostPath);
    else if (arn) named.add(`arn:${arn[1]}:iam::${arn[2]}:oidc-provider/${hostPath}`);
  }
  return { Federated: [...named] };
}

/** The providers a property is decided for. */
function providersFor(kind: PropertyKind, role: AnalysisRole, p: Predicate): string[] {
  const trusted = providerIdentities([role]).map((id) => id.hostPath);
  if (kind !== 'always' || p.providers.length === 0) return trusted;
  return p.providers;
}

/** Decides one property for a role, over all tokens of every provider it concerns. */
export function checkProperty(
  role: AnalysisRole,
  kind: PropertyKind,
  predicate: Predicate,
  opts: PropertyOptions,
): PropertyOutcome {
  const decided: string[] = [];
  for (const hostPath of providersFor(kind, role, predicate)) {
    const parsed = parsePolicy(
      predicatePolicy(predicate, hostPath, kind, principalOf(role, predicate)),
    );
    if (!parsed.ok) {
      return {
        result: 'unknown',
        reason: `the property's patterns do not make a policy: ${parsed.findings[0]?.message ?? '?'}`,
      };
    }
    const other: AnalysisRole = {
      role: { arn: role.role.arn, policy: compilePolicy(parsed.policy) },
      ...(role.providers ? { providers: role.providers } : {}),
    };
    const id = providerIdentities([role, other]).find((x) => x.hostPath === hostPath);
    if (!id) {
      return {
        result: 'refuted',
        provider: hostPath,
        explanation: `the role's account does not accept tokens from ${hostPath} at all, so none of them is allowed`,
      };
    }
    try {
      const a = analyseProvider([role, other], id, {
        now: opts.now,
        ...(opts.budget !== undefined ? { budget: opts.budget } : {}),
      });
      if (a.unknown.length > 0) return { result: 'unknown', reason: a.unknown.join('; ') };
      const [mine, theirs] = a.sides;
      if (!mine || !theirs) continue;
      const bad = mergeBoxes(offending(kind, a.boxes, mine.allowed, theirs.allowed));
      const box = bad[0];
      if (box) {
        const ex = exampleIn(a, box, {
          now: opts.now,
          ...(opts.seeds ? { seeds: opts.seeds } : {}),
        });
        const [decision] = replay(a, ex);
        return {
          result: 'refuted',
          provider: hostPath,
          explanation: EXPLANATION[kind],
          example: scenarioExample(ex, timeMatters(a)),
          ...(decision ? { decision } : {}),
        };
      }
      decided.push(hostPath);
    } catch (e) {
      if (e instanceof Unknown) return { result: 'unknown', reason: e.message };
      throw e;
    }
  }
  return { result: 'proven', providers: decided };
}
