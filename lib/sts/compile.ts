/**
 * A trust policy compiled once for any number of simulations: condition values pre-parsed,
 * action patterns and principals pre-matched into fast forms.
 */
import type { Finding } from '../diagnostics.js';
import type { Statement, TrustPolicy } from '../policy/model.js';
import { compileClause, type CompiledClause } from '../conditions/evaluate.js';
import { parseFederatedPrincipal } from '../providers/arn.js';
import { compileWildcard, wildcardMatch, type Wildcard } from '../conditions/wildcard.js';
import { writeTimeFindings } from './write-checks.js';

export interface CompiledStatement {
  statement: Statement;
  /** Action patterns compiled case-insensitively (action names are case-insensitive, §3.6). */
  actions: { text: string; pattern: Wildcard }[];
  clauses: CompiledClause[];
  /** The Federated principal values, for an exact lookup of the caller. */
  federated: ReadonlySet<string>;
}

export interface CompiledPolicy {
  policy: TrustPolicy;
  statements: CompiledStatement[];
  /** Issuers (host/path) that the policy's OIDC Federated principals name. */
  federatedIssuers: ReadonlySet<string>;
  /** Findings from compiling condition values (errors mean the policy cannot be simulated). */
  findings: Finding[];
  ok: boolean;
}

export function compilePolicy(policy: TrustPolicy): CompiledPolicy {
  const findings: Finding[] = [];
  const statements = policy.statements.map((statement): CompiledStatement => {
    const clauses: CompiledClause[] = [];
    for (const clause of statement.conditions) {
      const r = compileClause(clause, policy.version);
      findings.push(...r.findings);
      if (r.compiled) clauses.push(r.compiled);
    }
    return {
      statement,
      actions: statement.action.patterns.map((p) => ({
        text: p.value,
        pattern: compileWildcard(p.value, { ignoreCase: true }),
      })),
      clauses,
      federated: new Set(statement.principal.federated.map((f) => f.value)),
    };
  });
  const federatedIssuers = new Set<string>();
  for (const s of policy.statements) {
    for (const f of s.principal.federated) {
      const p = parseFederatedPrincipal(f.value);
      if (p.kind === 'oidc') federatedIssuers.add(p.hostPath);
    }
  }
  findings.push(...writeTimeFindings(policy));
  return {
    policy,
    statements,
    federatedIssuers,
    findings,
    ok: !findings.some((f) => f.severity === 'error' && !f.writeTime),
  };
}

/** Does the statement's Action/NotAction cover `action`? Returns the matching pattern, if any. */
export function actionMatch(s: CompiledStatement, action: string): string | undefined {
  for (const a of s.actions) if (wildcardMatch(a.pattern, action)) return a.text;
  return undefined;
}
