/** Test helpers for lib/explain: a policy JSON string through the real core, then diagnose. */
import { diagnose } from '../../lib/explain/index.js';
import type { ExplainedDiagnosis } from '../../lib/explain/index.js';
import { parsePolicy } from '../../lib/policy/parse.js';
import type { ProviderEntry } from '../../lib/providers/types.js';
import { compilePolicy } from '../../lib/sts/compile.js';
import { simulate } from '../../lib/sts/simulate.js';
import type { Decision, RequestInput, SimulationInput } from '../../lib/sts/types.js';

export const ACCOUNT = '123456789012';
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/deploy`;
export const GH = 'token.actions.githubusercontent.com';
export const GH_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}`;
export const EKS = 'oidc.eks.us-east-1.amazonaws.com/id/5C9D1B3F0A8E7D6C5B4A39281706F5E4';
export const EKS_OTHER = 'oidc.eks.us-east-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9';
export const EKS_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${EKS}`;
/** 2026-06-01T00:00:00Z. */
export const NOW = Date.UTC(2026, 5, 1);
export const NOW_SEC = NOW / 1000;
export const POLICY_FILE = 'policies/deploy.trust.json';

/** A trust policy as the JSON text a user writes. */
export function policyText(...statements: unknown[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);
}

export function allow(
  federated: string,
  condition?: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  return {
    Effect: 'Allow',
    Principal: { Federated: federated },
    Action: 'sts:AssumeRoleWithWebIdentity',
    ...(condition ? { Condition: condition } : {}),
    ...extra,
  };
}

/** The usual GitHub role: aud pinned, sub under `op`. */
export function githubPolicy(sub: string | string[], op = 'StringLike'): string {
  return policyText(
    allow(GH_ARN, {
      StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
      [op]: { [`${GH}:sub`]: sub },
    }),
  );
}

export function eksPolicy(
  sub: string | string[],
  op = 'StringEquals',
  principal = EKS_ARN,
  prefix = EKS,
): string {
  return policyText(
    allow(principal, { [op]: { [`${prefix}:aud`]: 'sts.amazonaws.com', [`${prefix}:sub`]: sub } }),
  );
}

export interface Case {
  policy: string;
  claims?: Record<string, unknown>;
  /** `null`: omit `providers` (each issuer the policy names is taken as registered). */
  providers?: ProviderEntry[] | null;
  request?: RequestInput;
  roleArn?: string;
  maxSessionDuration?: number;
}

export const GH_CLAIMS = {
  iss: `https://${GH}`,
  aud: 'sts.amazonaws.com',
  sub: 'repo:acme/app:ref:refs/heads/main',
  exp: NOW_SEC + 300,
  iat: NOW_SEC - 60,
};

export const EKS_CLAIMS = {
  iss: `https://${EKS}`,
  aud: ['sts.amazonaws.com'],
  sub: 'system:serviceaccount:web:api',
  exp: NOW_SEC + 3600,
  iat: NOW_SEC - 60,
};

export function input(c: Case): SimulationInput {
  const parsed = parsePolicy(c.policy);
  if (!parsed.ok) throw new Error(`policy does not parse: ${JSON.stringify(parsed.findings)}`);
  const compiled = compilePolicy(parsed.policy);
  if (!compiled.ok)
    throw new Error(`policy does not compile: ${JSON.stringify(compiled.findings)}`);
  const claims = c.claims ?? GH_CLAIMS;
  const iss = String(claims['iss']);
  return {
    role: {
      arn: c.roleArn ?? ROLE,
      policy: compiled,
      ...(c.maxSessionDuration !== undefined ? { maxSessionDuration: c.maxSessionDuration } : {}),
    },
    ...(c.providers === null
      ? {}
      : { providers: c.providers ?? [{ url: iss, clientIds: ['sts.amazonaws.com'] }] }),
    token: { claims },
    request: c.request ?? { roleSessionName: 'ci' },
    now: NOW,
  };
}

export function run(c: Case): { decision: Decision; diagnoses: ExplainedDiagnosis[] } {
  const i = input(c);
  const decision = simulate(i);
  return { decision, diagnoses: diagnose(decision, i, { policyFile: POLICY_FILE }) };
}
