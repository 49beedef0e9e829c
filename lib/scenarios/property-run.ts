/**
 * Deciding a run's properties (`properties:` of scenario files) and reporting them as results,
 * beside the scenarios: a proven property passes; a refuted one fails as its counterexample does —
 * the token that breaks it, run as a scenario expecting the decision the property promises, with
 * its trace and diagnosis; a property the analysis cannot decide blocks (exit 2), never passes.
 * This module loads the symbolic engine: the runner imports it only when a file has properties.
 */
import { checkProperty, type PropertyOutcome } from '../symbolic/properties.js';
import type { Seeds } from '../symbolic/realism.js';
import type { Claims } from '../providers/types.js';
import { parseDate } from './dates.js';
import { runScenarios, scenarioInput, type RunOptions } from './run.js';
import type { Expectation, Property, Scenario, ScenarioResult } from './types.js';

/** What a property promises of its counterexample's decision. */
function promise(p: Property): Expectation {
  return p.kind === 'always' ? { decision: 'allow' } : { decision: 'deny' };
}

function claimsText(token: Record<string, unknown>): string {
  return Object.entries(token)
    .filter(([k]) => k !== 'iss' && k !== 'iat' && k !== 'exp')
    .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
    .join(', ');
}

function counterexample(
  p: Property,
  outcome: Extract<PropertyOutcome, { result: 'refuted' }>,
  opts: RunOptions,
): ScenarioResult {
  const base = {
    file: p.file,
    line: p.line,
    column: p.column,
    name: p.name,
    expected: promise(p),
    policyFile: p.role.policyFile,
  };
  const verdict = {
    kind: p.kind,
    result: 'refuted' as const,
    provider: outcome.provider,
    ...(outcome.example ? { example: outcome.example } : {}),
  };
  const ex = outcome.example;
  if (!ex) {
    return {
      ...base,
      skipped: false,
      ok: false,
      mismatch: `property refuted: ${outcome.explanation}`,
      diagnoses: [],
      property: verdict,
    };
  }
  const when = ex.now !== undefined ? parseDate(ex.now) : undefined;
  const scenario = {
    file: p.file,
    line: p.line,
    column: p.column,
    name: p.name,
    role: p.role,
    ...(p.providers ? { providers: p.providers } : {}),
    claims: ex.token as Claims,
    request: { ...ex.request },
    ...(Object.keys(ex.context).length > 0 ? { context: { ...ex.context } } : {}),
    now: when?.ok === true ? when.ms : p.now,
    expect: promise(p),
    skip: false,
    only: false,
  } as Omit<Scenario, 'input'> as Scenario;
  Object.defineProperty(scenario, 'input', { get: () => scenarioInput(scenario) });
  const [run] = runScenarios([scenario], {
    ...opts,
    filter: undefined,
    trace: 'all',
  } as RunOptions);
  return {
    ...(run as ScenarioResult),
    ok: false,
    mismatch: `property refuted — ${outcome.explanation}: ${claimsText(ex.token)}${
      Object.keys(ex.context).length > 0 ? ` (context ${JSON.stringify(ex.context)})` : ''
    }`,
    property: verdict,
  };
}

/**
 * The results of the properties (in the order given), each decided over all tokens. `seeds`
 * (by file: the claims of its scenarios) make counterexamples look like the file's own tokens.
 */
export function propertyResults(
  properties: readonly Property[],
  opts: RunOptions & { seeds?: ReadonlyMap<string, Seeds>; anyOnly?: boolean } = {},
): ScenarioResult[] {
  const needle = opts.filter?.toLowerCase();
  const chosen = needle
    ? properties.filter((p) => p.name.toLowerCase().includes(needle))
    : properties;
  return chosen.map((p): ScenarioResult => {
    const base = {
      file: p.file,
      line: p.line,
      column: p.column,
      name: p.name,
      expected: promise(p),
      policyFile: p.role.policyFile,
    };
    if (p.skip || opts.anyOnly) {
      const skipReason = p.skip ? p.skipReason : 'other scenarios are marked only';
      return {
        ...base,
        skipped: true,
        ok: true,
        diagnoses: [],
        ...(skipReason ? { skipReason } : {}),
      };
    }
    const role = {
      role: {
        arn: p.role.arn,
        policy: p.role.policy,
        ...(p.role.maxSessionDuration !== undefined
          ? { maxSessionDuration: p.role.maxSessionDuration }
          : {}),
        ...(p.role.tags ? { tags: p.role.tags } : {}),
      },
      ...(p.providers ? { providers: p.providers } : {}),
    };
    const seeds = opts.seeds?.get(p.file);
    const outcome = checkProperty(role, p.kind, p.predicate, {
      now: p.now,
      ...(seeds ? { seeds } : {}),
    });
    if (outcome.result === 'refuted') return counterexample(p, outcome, opts);
    if (outcome.result === 'unknown') {
      return {
        ...base,
        skipped: false,
        ok: false,
        diagnoses: [],
        property: { kind: p.kind, result: 'unknown' },
        blockedBy: {
          file: p.file,
          line: p.line,
          column: p.column,
          code: 'property-unknown',
          severity: 'error',
          message: `property "${p.name}" could not be decided: ${outcome.reason}`,
          hint: 'an undecided property is never a pass: narrow its patterns, or write it about fewer keys',
        },
      };
    }
    return {
      ...base,
      skipped: false,
      ok: true,
      diagnoses: [],
      property: { kind: p.kind, result: 'proven' },
    };
  });
}
