/**
 * A trust policy compiled once for any number of simulations: condition values pre-parsed,
 * action patterns and principals pre-matched into fast forms.
 */
import { isBlocking, type Finding } from '../diagnostics.js';
import type { ConditionClause, Located, Statement, TrustPolicy } from '../policy/model.js';
import { compileClauseInto, type CompiledClause } from '../conditions/compile.js';
import { parseFederatedPrincipal } from '../policy/principal.js';
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
  /** No finding is an error, write-time findings (`Finding.writeTime`) aside. */
  ok: boolean;
  /** How many distinct condition keys the clauses read: their `slot`s are 0 … keySlots - 1. */
  keySlots: number;
}

const IGNORE_CASE = { ignoreCase: true } as const;

/**
 * AWS's own documented form for Cognito identity pools: `"ForAnyValue:StringLike":
 * {"cognito-identity.amazonaws.com:amr": "authenticated"}` (Amazon Cognito Developer Guide, "Role
 * trust and permissions" and "Using role-based access control"). Its value has no wildcard, and
 * that is not a mistake to warn about.
 */
function documentedPattern(clause: ConditionClause): boolean {
  return (
    clause.operator.setOperator === 'ForAnyValue' &&
    clause.operator.base.name === 'StringLike' &&
    /^cognito-identity\.amazonaws\.com(\.cn)?:amr$/.test(clause.keyLower)
  );
}

export function compilePolicy(policy: TrustPolicy): CompiledPolicy {
  const findings: Finding[] = [];
  const statements: CompiledStatement[] = [];
  const federatedIssuers = new Set<string>();
  // Statements of one policy repeat their actions and principals: each distinct one is read once
  // (a short list: a policy names a few).
  const actionsSeen: CompiledStatement['actions'] = [];
  const principals: string[] = [];
  let previous: Set<string> | undefined;
  let previousWritten: readonly Located<string>[] = [];
  // Each distinct key's slot, and the first clause's spelling of it, which all its clauses share.
  const slots = new Map<string, { slot: number; key: string }>();
  for (const statement of policy.statements) {
    const clauses: CompiledClause[] = [];
    for (const clause of statement.conditions) {
      let slot = slots.get(clause.keyLower);
      if (slot === undefined)
        slots.set(clause.keyLower, (slot = { slot: slots.size, key: clause.keyLower }));
      const before = findings.length;
      const compiled = compileClauseInto(clause, policy.version, findings, slot.slot, slot.key);
      if (compiled) clauses.push(compiled);
      if (documentedPattern(clause)) dropFrom(findings, before, 'like-without-wildcard');
    }
    const actions: CompiledStatement['actions'] = [];
    for (const p of statement.action.patterns) {
      let action = actionsSeen.find((a) => a.text === p.value);
      if (!action) {
        action = { text: p.value, pattern: compileWildcard(p.value, IGNORE_CASE) };
        if (actionsSeen.length < 32) actionsSeen.push(action);
      }
      actions.push(action);
    }
    const written = statement.principal.federated;
    let federated = previous;
    if (!federated || !sameValues(written, previousWritten)) {
      federated = new Set<string>();
      for (const f of written) {
        federated.add(f.value);
        if (principals.includes(f.value)) continue;
        if (principals.length < 32) principals.push(f.value);
        const p = parseFederatedPrincipal(f.value);
        if (p.ok && p.principal.kind === 'oidc') federatedIssuers.add(p.principal.provider);
      }
    }
    // The next statement often names the same principals: it then shares this (read-only) set.
    previous = federated;
    previousWritten = written;
    statements.push({ statement, actions, clauses, federated });
  }
  findings.push(...writeTimeFindings(policy));
  return {
    policy,
    statements,
    federatedIssuers,
    findings,
    ok: !findings.some(isBlocking),
    keySlots: slots.size,
  };
}

/** Removes the findings of `code` added since `from`. */
function dropFrom(findings: Finding[], from: number, code: string): void {
  for (let i = findings.length - 1; i >= from; i--) {
    if (findings[i]?.code === code) findings.splice(i, 1);
  }
}

function sameValues(a: readonly Located<string>[], b: readonly Located<string>[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]?.value !== b[i]?.value) return false;
  return true;
}

/** Does the statement's Action/NotAction cover `action`? Returns the matching pattern, if any. */
export function actionMatch(s: CompiledStatement, action: string): string | undefined {
  for (const a of s.actions) if (wildcardMatch(a.pattern, action)) return a.text;
  return undefined;
}
