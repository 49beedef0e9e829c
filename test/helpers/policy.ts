/** Test helpers: build a compiled policy and a simulation input with little noise. */
import { parsePolicy } from '../../lib/policy/parse.js';
import { compilePolicy, type CompiledPolicy } from '../../lib/sts/compile.js';
import type { SimulationInput } from '../../lib/sts/types.js';

export const ACCOUNT = '111122223333';
export const GH = 'token.actions.githubusercontent.com';
export const GH_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}`;
export const EKS = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
export const EKS_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${EKS}`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/deploy/gha-deploy`;
/** 2026-06-01T00:00:00Z — the fixed clock of every test. */
export const NOW = Date.UTC(2026, 5, 1);
export const NOW_SEC = NOW / 1000;

export function compile(doc: unknown): CompiledPolicy {
  const parsed = parsePolicy(typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  if (!parsed.ok) throw new Error(`policy does not parse: ${JSON.stringify(parsed.findings)}`);
  const compiled = compilePolicy(parsed.policy);
  if (!compiled.ok)
    throw new Error(`policy does not compile: ${JSON.stringify(compiled.findings)}`);
  return compiled;
}

export function allow(
  principal: unknown,
  condition?: unknown,
  extra: Record<string, unknown> = {},
) {
  return {
    Effect: 'Allow',
    Principal: principal,
    Action: 'sts:AssumeRoleWithWebIdentity',
    ...(condition ? { Condition: condition } : {}),
    ...extra,
  };
}

export function policy(...statements: unknown[]) {
  return { Version: '2012-10-17', Statement: statements };
}

/** The usual GitHub deploy role: aud and sub pinned. */
export function githubPolicy(sub: string | string[], op = 'StringLike') {
  return policy(
    allow(
      { Federated: GH_ARN },
      // Merge, so that op = StringEquals keeps the aud condition beside the sub one.
      op === 'StringEquals'
        ? { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [`${GH}:sub`]: sub } }
        : { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' }, [op]: { [`${GH}:sub`]: sub } },
    ),
  );
}

export function githubInput(
  doc: unknown,
  claims: Record<string, unknown> = {},
  over: Partial<SimulationInput> = {},
): SimulationInput {
  return {
    role: { arn: ROLE_ARN, policy: compile(doc) },
    providers: [{ url: `https://${GH}`, clientIds: ['sts.amazonaws.com'] }],
    token: {
      claims: {
        iss: `https://${GH}`,
        aud: 'sts.amazonaws.com',
        sub: 'repo:acme/app:ref:refs/heads/main',
        exp: NOW_SEC + 300,
        iat: NOW_SEC - 60,
        ...claims,
      },
    },
    request: { roleSessionName: 'GitHubActions' },
    now: NOW,
    ...over,
  };
}
