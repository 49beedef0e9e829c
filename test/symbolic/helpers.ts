/** Test helpers for lib/symbolic: roles from policy documents, and the cell of a concrete request. */
import { compile, GH, GH_ARN, NOW, ROLE_ARN } from '../helpers/policy.js';
import type { ProviderEntry } from '../../lib/providers/types.js';
import { SOURCE_IDENTITY_CLAIM, TAGS_CLAIM, type AtomValue } from '../../lib/symbolic/bindings.js';
import type { ProviderAnalysis } from '../../lib/symbolic/engine.js';
import type { AnalysisRole } from '../../lib/symbolic/providers.js';
import { regionIndex } from '../../lib/symbolic/witness.js';
import type { SimulationInput } from '../../lib/sts/types.js';

export { GH, GH_ARN, NOW, ROLE_ARN };

export const GH_PROVIDER: ProviderEntry = {
  url: `https://${GH}`,
  clientIds: ['sts.amazonaws.com'],
};

export function role(
  document: unknown,
  providers: ProviderEntry[] | undefined = [GH_PROVIDER],
  extra: Partial<AnalysisRole['role']> = {},
): AnalysisRole {
  return {
    role: { arn: ROLE_ARN, policy: compile(document), ...extra },
    ...(providers ? { providers } : {}),
  };
}

export function statement(
  effect: 'Allow' | 'Deny',
  condition?: Record<string, Record<string, unknown>>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    Effect: effect,
    Principal: { Federated: GH_ARN },
    Action: 'sts:AssumeRoleWithWebIdentity',
    ...(condition ? { Condition: condition } : {}),
    ...extra,
  };
}

export function doc(...statements: unknown[]): Record<string, unknown> {
  return { Version: '2012-10-17', Statement: statements };
}

/** A GitHub request with these claims (iss added), session name and context. */
export function request(
  r: AnalysisRole,
  claims: Record<string, unknown>,
  more: { roleSessionName?: string; context?: Record<string, string>; now?: number } = {},
): SimulationInput {
  return {
    role: r.role,
    ...(r.providers ? { providers: r.providers } : {}),
    token: { claims: { iss: `https://${GH}`, ...claims } },
    request: { roleSessionName: more.roleSessionName ?? 'trustspec' },
    ...(more.context ? { context: more.context } : {}),
    now: more.now ?? NOW,
  };
}

/**
 * The cell (region per variable) of a concrete request, or undefined when some atom's value is
 * outside its domain (then the token or request stage refuses it).
 */
export function cellOf(a: ProviderAnalysis, input: SimulationInput): number[] | undefined {
  const claims = input.token.claims as Record<string, unknown>;
  const cell: number[] = [];
  for (const v of a.space.variables) {
    const values: AtomValue[] = v.atoms.map((atom) => {
      switch (atom.kind) {
        case 'claim':
          return claims[atom.name] as AtomValue;
        case 'session':
          return input.request.roleSessionName;
        case 'source-identity':
          return claims[SOURCE_IDENTITY_CLAIM] as AtomValue;
        case 'tags':
          return claims[TAGS_CLAIM] === undefined ? undefined : true;
        case 'clock':
          return Math.floor(input.now / 1000);
        case 'context':
          return input.context?.[atom.name] as AtomValue;
      }
    });
    const r = regionIndex(v, values, a.space.sides);
    if (r === undefined) return undefined;
    cell.push(r);
  }
  return cell;
}
