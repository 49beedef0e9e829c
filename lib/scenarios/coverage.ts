/**
 * `trustspec test --coverage`: which parts of each trust policy the scenarios exercised. Computed
 * from the scenarios that ran (not skipped, not stopped by a file error, passed or failed), each
 * evaluated once more with the simulator's own stages and clause evaluator (`testClause`) — the
 * trace is not used, since it keeps at most 32 comparisons per clause. Definitions:
 *
 * - A statement is *evaluated* by a scenario whose token passed the request and token stages when
 *   its principal names the token's provider and its Action covers an action the call needs; it
 *   *applies* when, besides, every condition holds (it is then among the statements that allowed,
 *   or explicitly denied, the call). A statement is covered when it applied in some scenario.
 * - A condition clause (one operator on one key) is covered *true* when its statement applied in
 *   some scenario, and *false* when in some scenario it was the only condition of its evaluated
 *   statement that did not hold — so that scenario shows the clause decides. A clause is covered
 *   when both are.
 * - A condition value is covered when some scenario's decision depended on it: its statement was
 *   evaluated, every other clause of the statement held (so this clause alone decided whether the
 *   statement applied), and the clause's result changes when that value is taken out of its list
 *   (evaluated by the simulator with the same operator on the remaining values). For a positive
 *   operator that is "the only value that matched"; for a negated one, "the only value that
 *   matched, and so made the clause false". A value no scenario depends on is either untested or
 *   redundant (another value of the clause always matches with it).
 */
import type { RequestContext } from '../conditions/context.js';
import { compileClause, testClause, type CompiledClause } from '../conditions/evaluate.js';
import type { PolicyVersion } from '../policy/model.js';
import type { CompiledPolicy, CompiledStatement } from '../sts/compile.js';
import { actionMatch } from '../sts/compile.js';
import { contextStage } from '../sts/stages/context.js';
import { requiredActions } from '../sts/stages/policy.js';
import { requestStage } from '../sts/stages/request.js';
import { tokenStage, type TokenFacts } from '../sts/stages/token.js';
import { Recorder } from '../sts/trace.js';
import type { AuthorizedAction, SimulationInput } from '../sts/types.js';
import { displayPath } from './discover.js';
import { scenarioInput, scenarioOf } from './run.js';
import type { RunReport, Scenario } from './types.js';
import type { Metric } from './coverage-threshold.js';

export interface ValueCoverage {
  value: string;
  line: number;
  column: number;
  /** Scenarios whose decision depended on the value. */
  hits: number;
}

export interface ClauseCoverage {
  operator: string;
  key: string;
  line: number;
  column: number;
  /** Scenarios where the clause held and its statement applied. */
  trueHits: number;
  /** Scenarios where it was the only condition of its statement that did not hold. */
  falseHits: number;
  values: ValueCoverage[];
}

export interface StatementCoverage {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  line: number;
  column: number;
  evaluated: number;
  applied: number;
  clauses: ClauseCoverage[];
}

/** An allowed region (per provider and Allow statement, as `trustspec who` lists them). */
export interface RegionCoverage {
  provider: string;
  /** The provider module's id (`github`, `eks`, …). */
  module: string;
  statement: { index: number; sid?: string };
  description: string;
  /** Scenarios whose request falls in it. */
  hits: number;
  /** A token in it (replayed through the simulator), when no scenario falls in it. */
  example?: {
    token: Record<string, unknown>;
    request: Record<string, unknown>;
    context: Record<string, string>;
  };
}

export interface PolicyCoverage {
  file: string;
  /** Scenarios that ran against it. */
  scenarios: number;
  statements: StatementCoverage[];
  regions: RegionCoverage[];
  /** Why regions could not be listed exactly for a provider (the symbolic answer is unknown). */
  unknown: string[];
}

export interface Ratio {
  covered: number;
  total: number;
  /** 100 when total is 0. */
  percent: number;
}

export type { Metric } from './coverage-threshold.js';

export interface CoverageReport {
  policies: PolicyCoverage[];
  totals: Record<Metric, Ratio>;
  /** Each threshold asked for, and whether it was met. */
  thresholds: Array<{ metric: Metric; minimum: number; actual: number; met: boolean }>;
}

/** What one scenario's request gives the policy stage; undefined when it stopped before it. */
export interface PolicyRequest {
  facts: TokenFacts;
  ctx: RequestContext;
  required: readonly AuthorizedAction[];
}

export function policyRequest(input: SimulationInput): PolicyRequest | undefined {
  const rec = new Recorder(false);
  const request = requestStage(input, rec);
  if (!request.ok) return undefined;
  const token = tokenStage(input, rec, request.role);
  if (!token.ok) return undefined;
  const ctx = contextStage(input, rec, token.facts);
  return { facts: token.facts, ctx, required: requiredActions(token.facts) };
}

function covers(s: CompiledStatement, action: AuthorizedAction): boolean {
  const hit = actionMatch(s, action) !== undefined;
  return s.statement.action.negated ? !hit : hit;
}

/** The clause without its value `i` (the same operator on the other values), compiled once. */
const withoutCache = new WeakMap<CompiledClause, Array<CompiledClause | undefined>>();
function without(c: CompiledClause, i: number, version: PolicyVersion | undefined) {
  let list = withoutCache.get(c);
  if (!list) {
    list = c.clause.values.map(
      (_, j) =>
        compileClause({ ...c.clause, values: c.clause.values.filter((_v, k) => k !== j) }, version)
          .compiled,
    );
    withoutCache.set(c, list);
  }
  return list[i];
}

class PolicyTally {
  readonly statements: StatementCoverage[];
  scenarios = 0;

  constructor(
    readonly policy: CompiledPolicy,
    readonly file: string,
  ) {
    this.statements = policy.statements.map((cs) => {
      const st = cs.statement;
      return {
        index: st.index,
        ...(st.sid ? { sid: st.sid.value } : {}),
        effect: st.effect.value,
        line: st.span.start.line,
        column: st.span.start.column,
        evaluated: 0,
        applied: 0,
        clauses: cs.clauses.map((c) => ({
          operator: c.clause.operator.raw,
          key: c.clause.key,
          line: c.clause.keySpan.start.line,
          column: c.clause.keySpan.start.column,
          trueHits: 0,
          falseHits: 0,
          values: c.clause.values.map((v) => ({
            value: v.value,
            line: v.span.start.line,
            column: v.span.start.column,
            hits: 0,
          })),
        })),
      };
    });
  }

  add(req: PolicyRequest): void {
    this.scenarios++;
    const version = this.policy.policy.version;
    this.policy.statements.forEach((cs, si) => {
      const st = cs.statement;
      if (!(st.principal.star || cs.federated.has(req.facts.caller))) return;
      if (!req.required.some((a) => covers(cs, a))) return;
      const out = this.statements[si] as StatementCoverage;
      out.evaluated++;
      const results = cs.clauses.map((c) => testClause(c, req.ctx));
      const failed = results.filter((r) => !r).length;
      if (failed === 0) out.applied++;
      cs.clauses.forEach((c, ci) => {
        const cc = out.clauses[ci] as ClauseCoverage;
        const r = results[ci] as boolean;
        if (failed === 0) cc.trueHits++;
        else if (failed === 1 && !r) cc.falseHits++;
        // This clause alone decides whether the statement applies.
        if (failed > 1 || (failed === 1 && r)) return;
        c.clause.values.forEach((_, vi) => {
          const rest = without(c, vi, version);
          if (rest && testClause(rest, req.ctx) !== r) (cc.values[vi] as ValueCoverage).hits++;
        });
      });
    });
  }
}

function ratio(covered: number, total: number): Ratio {
  const percent = total === 0 ? 100 : Math.floor((covered / total) * 1000) / 10;
  return { covered, total, percent };
}

/** The totals over every policy. */
export function totals(policies: readonly PolicyCoverage[]): Record<Metric, Ratio> {
  let st = 0;
  let stC = 0;
  let cl = 0;
  let clC = 0;
  let va = 0;
  let vaC = 0;
  let re = 0;
  let reC = 0;
  for (const p of policies) {
    for (const s of p.statements) {
      st++;
      if (s.applied > 0) stC++;
      for (const c of s.clauses) {
        cl++;
        if (c.trueHits > 0 && c.falseHits > 0) clC++;
        for (const v of c.values) {
          va++;
          if (v.hits > 0) vaC++;
        }
      }
    }
    for (const r of p.regions) {
      re++;
      if (r.hits > 0) reC++;
    }
  }
  return {
    statements: ratio(stC, st),
    clauses: ratio(clC, cl),
    values: ratio(vaC, va),
    regions: ratio(reC, re),
  };
}

/** The scenarios of a run that ran (passed or failed), with the policy each used. */
export function ranScenarios(report: RunReport): Scenario[] {
  const out: Scenario[] = [];
  for (const r of report.results) {
    if (r.skipped || r.blockedBy !== undefined) continue;
    const s = scenarioOf(r);
    if (s) out.push(s);
  }
  return out;
}

/** Statement, clause and value coverage per trust policy of the run, in the order first used. */
export function concreteCoverage(
  scenarios: readonly Scenario[],
  cwd: string | undefined,
): Map<CompiledPolicy, PolicyCoverage> {
  const tallies = new Map<CompiledPolicy, PolicyTally>();
  for (const s of scenarios) {
    let t = tallies.get(s.role.policy);
    if (!t)
      tallies.set(
        s.role.policy,
        (t = new PolicyTally(s.role.policy, displayPath(s.role.policyFile, cwd))),
      );
    const req = policyRequest(scenarioInput(s));
    if (req) t.add(req);
  }
  const out = new Map<CompiledPolicy, PolicyCoverage>();
  for (const [policy, t] of tallies) {
    out.set(policy, {
      file: t.file,
      scenarios: t.scenarios,
      statements: t.statements,
      regions: [],
      unknown: [],
    });
  }
  return out;
}
