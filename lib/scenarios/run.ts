/** Running loaded scenarios through the simulator and judging each decision against `expect`. */
import { decide, simulate } from '../sts/simulate.js';
import type { Decision, SimulationInput } from '../sts/types.js';
import type { BlockedScenario, Diagnosis, Expectation, Scenario, ScenarioResult } from './types.js';
import { serviceAccountVerdict } from './k8s-service-account.js';

/** Explains one decision of one scenario (lib/explain's `diagnose`). */
export type Diagnoser = (decision: Decision, scenario: Scenario) => Diagnosis[];

export interface RunOptions {
  /** Keep only scenarios whose name contains this text (case-insensitive). */
  filter?: string;
  /** Explains a denial or a mismatch (lib/explain); called only then. */
  diagnose?: Diagnoser;
  /**
   * `all` (default): every result carries the full trace and denials their diagnoses.
   * `failures`: a scenario that meets its expectation is decided without building a trace (its
   * `decision` holds the decision, stage and code only), and only failures are traced and
   * diagnosed — what a report shows, at a fraction of the cost.
   */
  trace?: 'all' | 'failures';
}

/** The simulation input a scenario describes. */
export function scenarioInput(s: Scenario): SimulationInput {
  return {
    role: {
      arn: s.role.arn,
      policy: s.role.policy,
      ...(s.role.maxSessionDuration !== undefined
        ? { maxSessionDuration: s.role.maxSessionDuration }
        : {}),
      ...(s.role.tags !== undefined ? { tags: s.role.tags } : {}),
    },
    ...(s.providers !== undefined ? { providers: s.providers } : {}),
    token: {
      claims: s.claims,
      ...(s.header !== undefined ? { header: s.header } : {}),
      ...(s.tokenLength !== undefined ? { length: s.tokenLength } : {}),
      ...(s.signature !== undefined ? { signature: s.signature } : {}),
    },
    request: s.request,
    ...(s.context !== undefined ? { context: s.context } : {}),
    now: s.now,
  };
}

/** The decision with the readings the scenario's token was built on among its UNCONFIRMED rules. */
function withAssumptions(decision: Decision, s: Scenario): Decision {
  if (!s.assumptions) return decision;
  return { ...decision, unconfirmed: [...new Set([...decision.unconfirmed, ...s.assumptions])] };
}

/** What a denial can be attributed to, for `expect: {deny: {because}}`. */
export interface DenialSources {
  /** The failed check's id, e.g. `token.audience`, `trust-policy.sts:AssumeRoleWithWebIdentity`. */
  check?: string;
  /** Condition keys as written: failed in a statement that could have allowed, or met in a Deny that applied. */
  keys: string[];
  /** Sids of those statements. */
  sids: string[];
}

export function denialSources(d: Decision): DenialSources {
  const out: DenialSources = {
    ...(d.failedCheck ? { check: d.failedCheck } : {}),
    keys: [],
    sids: [],
  };
  if (d.decision !== 'deny' || d.stage !== 'trust-policy') return out;
  const refusal = d.actions.find((a) => !a.allowed);
  const refused = refusal?.action;
  // An explicit Deny decides on its own: then only the Deny statements that applied are causes,
  // never an Allow statement that held but was overridden.
  const explicit = (refusal?.deniedBy.length ?? 0) > 0;
  const add = (list: string[], v: string): void => {
    if (!list.includes(v)) list.push(v);
  };
  for (const s of d.statements) {
    const actionMatched = s.actions.some(
      (a) => a.matched && (refused === undefined || a.action === refused),
    );
    if (!explicit && s.effect === 'Allow' && s.principal.matched && actionMatched) {
      const failed = s.conditions.filter((c) => !c.result);
      for (const c of failed) add(out.keys, c.key);
      if (s.sid !== undefined && failed.length > 0) add(out.sids, s.sid);
    } else if (
      explicit &&
      s.effect === 'Deny' &&
      refused !== undefined &&
      s.appliesTo.includes(refused)
    ) {
      for (const c of s.conditions) if (c.result) add(out.keys, c.key);
      if (s.sid !== undefined) add(out.sids, s.sid);
    }
  }
  return out;
}

/** Does `because` name the check, a condition key or a Sid the denial came from? */
export function becauseMatches(because: string, sources: DenialSources): boolean {
  const want = because.trim().toLowerCase();
  if (want === '') return true;
  if (sources.check !== undefined) {
    const check = sources.check.toLowerCase();
    const last = check.slice(check.lastIndexOf('.') + 1);
    if (want === check || want === last) return true;
  }
  if (sources.keys.some((k) => k.toLowerCase() === want)) return true;
  return sources.sids.some((s) => s.toLowerCase() === want);
}

function quoteList(values: string[]): string {
  const q = values.map((v) => `"${v}"`);
  return q.length <= 1 ? (q[0] ?? '') : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

function describeSources(s: DenialSources): string {
  if (s.keys.length > 0) return quoteList(s.keys);
  if (s.sids.length > 0) return `statement ${quoteList(s.sids)}`;
  return s.check !== undefined ? `the check "${s.check}"` : 'an unnamed check';
}

export function describeExpectation(e: Expectation): string {
  if (e.decision === 'allow') return 'allow';
  const parts = ['deny'];
  if (e.stage) parts.push(`at ${e.stage}`);
  if (e.code) parts.push(`with ${e.code}`);
  if (e.because) parts.push(`because "${e.because}"`);
  return parts.join(' ');
}

/** `undefined` when the decision meets the expectation; else one sentence saying how it differs. */
export function judge(expect: Expectation, d: Decision): string | undefined {
  const denied = `STS would deny at ${d.stage ?? 'an unknown stage'} (${d.code ?? 'no code'})`;
  if (expect.decision === 'allow') {
    if (d.decision === 'allow') return undefined;
    return `expected allow, but ${denied}${d.message ? `: ${d.message}` : ''}`;
  }
  const wanted = describeExpectation(expect);
  if (d.decision === 'allow') return `expected ${wanted}, but STS would allow`;
  if (expect.stage !== undefined && expect.stage !== d.stage)
    return `expected ${wanted}, but ${denied}`;
  if (expect.code !== undefined && expect.code !== d.code)
    return `expected ${wanted}, but ${denied}`;
  if (expect.because !== undefined) {
    const sources = denialSources(d);
    if (!becauseMatches(expect.because, sources)) {
      return `expected deny because "${expect.because}", but the denial came from ${describeSources(sources)}`;
    }
  }
  return undefined;
}

/**
 * Runs the scenarios in order. With `filter`, only matching names run (the others leave no
 * result). When any remaining scenario is marked `only`, the rest are reported as skipped.
 */
export function runScenarios(scenarios: Scenario[], opts: RunOptions = {}): ScenarioResult[] {
  const needle = opts.filter?.toLowerCase();
  const chosen = needle
    ? scenarios.filter((s) => s.name.toLowerCase().includes(needle))
    : scenarios;
  const anyOnly = chosen.some((s) => s.only);
  const results = chosen.map((s): ScenarioResult => {
    const base = {
      file: s.file,
      line: s.line,
      column: s.column,
      name: s.name,
      expected: s.expect,
      policyFile: s.role.policyFile,
    };
    if (s.skip || (anyOnly && !s.only)) {
      const skipReason = s.skip ? s.skipReason : 'other scenarios are marked only';
      return {
        ...base,
        skipped: true,
        ok: true,
        diagnoses: [],
        ...(skipReason ? { skipReason } : {}),
      };
    }
    let decision: Decision;
    const sa = serviceAccountVerdict(s);
    try {
      const input = scenarioInput(s);
      // `because` is judged on the trace; anything else can be judged on the decision alone.
      const lean = opts.trace === 'failures' && !(s.expect.decision === 'deny' && s.expect.because);
      if (lean) {
        const quick = withAssumptions(decide(input), s);
        if (judge(s.expect, quick) === undefined && sa?.mismatch === undefined) {
          return { ...base, skipped: false, decision: quick, ok: true, diagnoses: [] };
        }
      }
      decision = withAssumptions(simulate(input), s);
    } catch (e) {
      // A bug in the simulator fails this scenario, not the run.
      const mismatch = `the simulator failed on this scenario: ${e instanceof Error ? e.message : String(e)}`;
      return { ...base, skipped: false, ok: false, mismatch, diagnoses: [] };
    }
    // A ServiceAccount annotated with another role fails an expected allow whatever STS decides.
    const mismatch = sa?.mismatch ?? judge(s.expect, decision);
    const ok = mismatch === undefined;
    const diagnoses = sa && (!ok || opts.trace !== 'failures') ? [...sa.diagnoses] : [];
    return { ...base, skipped: false, decision, ok, ...(mismatch ? { mismatch } : {}), diagnoses };
  });
  results.forEach((r, i) => RAN.set(r, chosen[i] as Scenario));
  if (opts.diagnose) addDiagnoses(results, opts.diagnose, opts.trace);
  return results;
}

/**
 * The results of `runScenarios` that get diagnoses: failures, and with the full trace every
 * denial too. A skipped scenario, or one the simulator failed on, has no decision to explain.
 */
export function wantsDiagnoses(r: ScenarioResult, trace: RunOptions['trace']): boolean {
  if (r.skipped || r.decision === undefined || !RAN.has(r)) return false;
  return trace === 'failures' ? !r.ok : !r.ok || r.decision.decision === 'deny';
}

/**
 * Adds `diagnose`'s explanations to the results that want them (after a ServiceAccount's own
 * notes). `runScenarios` calls it when given `diagnose`; a caller that loads the explainer only
 * when some result wants it (trustspec test) calls it afterwards with the same effect.
 */
export function addDiagnoses(
  results: readonly ScenarioResult[],
  diagnose: Diagnoser,
  trace: RunOptions['trace'],
): void {
  for (const r of results) {
    if (!wantsDiagnoses(r, trace)) continue;
    try {
      r.diagnoses = [...r.diagnoses, ...diagnose(r.decision as Decision, RAN.get(r) as Scenario)];
    } catch {
      // Diagnoses are advice: without them the result still stands.
    }
  }
}

/** The scenario each result of `runScenarios` was run from (what coverage reads). */
const RAN = new WeakMap<ScenarioResult, Scenario>();
export const scenarioOf = (r: ScenarioResult): Scenario | undefined => RAN.get(r);

/**
 * Results for scenarios a file error stopped: neither passed nor failed, each naming the error
 * (counted as errors by every reporter). With `filter`, only those whose name matches.
 */
export function blockedResults(blocked: BlockedScenario[], filter?: string): ScenarioResult[] {
  const needle = filter?.toLowerCase();
  return blocked
    .filter((b) => needle === undefined || b.name.toLowerCase().includes(needle))
    .map((b) => ({
      file: b.file,
      line: b.line,
      column: b.column,
      name: b.name,
      // The expectation could not be read either: an empty deny says nothing about it.
      expected: { decision: 'deny' },
      skipped: false,
      ok: false,
      diagnoses: [],
      policyFile: b.file,
      blockedBy: b.error,
    }));
}
