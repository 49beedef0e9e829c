/**
 * Compile and evaluate one condition clause (one key under one operator), §5.
 *
 * `compileClause` parses every policy value once (patterns, numbers, dates, CIDRs, base64,
 * variables); `evaluateClause` compares the request values with them and says why in a
 * `ClauseTrace`. `testClause` gives the same result without building a trace.
 *
 * Decisions where the spec is silent or UNCONFIRMED (the trace's `unconfirmed` names the
 * UNCONFIRMED ones when a result rests on them):
 * - A request value that is not of the operator's type (e.g. `aws:SourceIp` = "abc") satisfies no
 *   positive operator; for a negated operator it counts as differing from every policy value, so
 *   the negated operator is satisfied (the negation of "matches none"). Rule `invalid-request-value`.
 * - A multivalued key with an empty value list counts as absent everywhere (missing-key rules,
 *   `…IfExists`, set operators and `Null`).
 * - `…IfExists` wins over the set operators when the key is absent: `ForAnyValue:XIfExists` on an
 *   absent key is true.
 * - A policy value list that is empty (UNCONFIRMED 20): positive operators are false (OR over
 *   nothing), negated true (AND over nothing).
 * - `Null` ignores a set-operator prefix: it only tests presence.
 * - A variable's substituted value is literal (its `*`/`?` are not wildcards); in ARN values its
 *   colons still separate fields.
 * - A value that resolves to something invalid for its operator at evaluation time (a `Bool`
 *   variable that is not true/false, an ARN variable that leaves fewer than six fields) never
 *   matches, like an unresolved variable.
 */
import type { ContextEntry, RequestContext } from './context.js';
import type { ClauseRule, ClauseTrace, Comparison } from './trace.js';
import { resolveTemplate } from './variables.js';
import {
  DEAD,
  UNRESOLVED,
  displayOf,
  type ClausePlan,
  type CompiledClause,
  type Family,
  type PolicySlot,
} from './compile.js';
export {
  NOTE_BOOL_VARIABLES,
  NOTE_EMPTY_VALUES,
  NOTE_NON_STRING_VALUES,
  compileClause,
  type ClausePlan,
  type CompiledClause,
  type Family,
  type PolicySlot,
} from './compile.js';

/** At most this many comparisons are kept in a trace. */
export const MAX_COMPARISONS = 32;

export const NOTE_EMPTY_STAR = '§5.3 (UNCONFIRMED 21): `*` matches the empty string';
export const NOTE_BARE_MULTIVALUED =
  '§5.5 (UNCONFIRMED 24): a bare (non-set) operator on a multivalued key is evaluated as false';
export const NOTE_CLAIM_VARIABLE =
  '§5.6 (UNCONFIRMED 25): a token-claim variable inside a trust policy';

// ---------------------------------------------------------------------------------------------
// Evaluation

const SAT = 1;
const INVALID = 2;
const UNRES = 4;
const EMPTY_ONLY = 8;
const MATCH = 16;

interface ValueOutcome {
  value: string;
  flags: number;
  /** Index of the first policy value it matched, or -1. */
  match: number;
}

/** What a traced evaluation collects. */
interface Recorder {
  policyValues: string[];
  comparisons: Comparison[];
  notes: string[];
  /** Unresolved variables, e.g. `${aws:x} (key absent)`. */
  unresolved: string[];
  /** Policy values that can never match (invalid after substitution, invalid ARN). */
  dead: string[];
  outcomes: ValueOutcome[];
  rule: ClauseRule;
}

function addNote(notes: string[], note: string | undefined): void {
  if (note && !notes.includes(note)) notes.push(note);
}

function addEntryNotes(notes: string[], entry: ContextEntry): void {
  addNote(notes, entry.unconfirmed);
}

/** Policy values for this request: static ones as compiled, variable ones built now. */
function policyValues(
  plan: ClausePlan,
  ctx: RequestContext,
  rec: Recorder | null,
): readonly unknown[] {
  const fam = plan.family as Family<unknown, unknown>;
  if (plan.staticValues) {
    if (rec) {
      for (const s of plan.slots) {
        rec.policyValues.push(s.display);
        if (s.value === DEAD) rec.dead.push(s.display);
      }
    }
    return plan.staticValues;
  }
  const out: unknown[] = new Array<unknown>(plan.slots.length);
  for (let i = 0; i < plan.slots.length; i++) {
    const s = plan.slots[i] as PolicySlot;
    if (!s.template) {
      out[i] = s.value;
      if (rec) {
        rec.policyValues.push(s.display);
        if (s.value === DEAD) rec.dead.push(s.display);
      }
      continue;
    }
    const r = resolveTemplate(s.template, ctx);
    if (!r.ok) {
      out[i] = UNRESOLVED;
      if (rec) {
        rec.policyValues.push(s.raw);
        const why = r.why === 'absent' ? 'key absent' : 'key is multivalued';
        addNote(rec.unresolved, `${r.variable} (${why})`);
      }
      continue;
    }
    const built = fam.build(r.parts);
    out[i] = built === undefined ? DEAD : built;
    if (rec) {
      const display = displayOf(s.template, r.parts, fam.wildcards);
      rec.policyValues.push(display);
      if (built === undefined) rec.dead.push(display);
      for (const e of r.used) {
        addEntryNotes(rec.notes, e);
        if (e.source.startsWith('token claim')) addNote(rec.notes, NOTE_CLAIM_VARIABLE);
      }
    }
  }
  return out;
}

/** Compare one request value with every policy value; flags say how it went. */
function checkValue(
  fam: Family<unknown, unknown>,
  negated: boolean,
  request: string,
  values: readonly unknown[],
  rec: Recorder | null,
): number {
  const r = fam.prepare(request);
  let flags = 0;
  let match = -1;
  let sawUnresolved = false;
  let strict = false;
  for (let i = 0; i < values.length; i++) {
    const p = values[i];
    let m = false;
    if (p === UNRESOLVED) sawUnresolved = true;
    else if (p !== DEAD && r !== undefined) m = fam.test(r, p);
    if (rec && rec.comparisons.length < MAX_COMPARISONS) {
      rec.comparisons.push({ request, policy: rec.policyValues[i] as string, matched: m });
    }
    if (m) {
      flags |= MATCH;
      if (match < 0) match = i;
      if (!rec) break;
      if (!strict && !(fam.emptyStarOnly?.(r, p) ?? false)) strict = true;
    }
  }
  if (r === undefined) flags |= INVALID;
  if (flags & MATCH) {
    if (rec && !strict) flags |= EMPTY_ONLY;
  } else if (sawUnresolved) flags |= UNRES;
  if (negated ? !(flags & MATCH) : flags & MATCH) flags |= SAT;
  if (rec) rec.outcomes.push({ value: request, flags, match });
  return flags;
}

interface Outcome {
  result: boolean;
  present: boolean;
  entry: ContextEntry | undefined;
}

/** The outcome of a clause, and its rule in the trace (a plain function: no closure per clause). */
function finish(
  rec: Recorder | null,
  result: boolean,
  rule: ClauseRule,
  present: boolean,
  entry: ContextEntry | undefined,
): Outcome {
  if (rec) rec.rule = rule;
  return { result, present, entry };
}

function run(c: CompiledClause, ctx: RequestContext, rec: Recorder | null): Outcome {
  const { clause, plan } = c;
  const op = clause.operator;
  const base = op.base;
  const entry = ctx.get(clause.keyLower);
  const present = entry !== undefined && !(entry.multiValued && entry.values.length === 0);

  if (!plan.family) {
    // Null: "true" = the key is absent, "false" = present; several values: OR.
    const result = plan.nullExpect.some((absent) => absent === !present);
    if (rec) {
      for (const s of plan.slots) rec.policyValues.push(s.display);
    }
    return finish(rec, result, 'null-check', present, entry);
  }
  if (!present) {
    if (rec) policyValues(plan, ctx, rec);
    if (op.ifExists) return finish(rec, true, 'if-exists-missing', present, entry);
    if (op.setOperator === 'ForAllValues')
      return finish(rec, true, 'for-all-values-vacuous', present, entry);
    if (op.setOperator === 'ForAnyValue')
      return finish(rec, false, 'for-any-value-empty', present, entry);
    return finish(rec, base.negated, 'missing-key', present, entry);
  }
  if (!op.setOperator && entry.multiValued) {
    if (rec) {
      policyValues(plan, ctx, rec);
      addNote(rec.notes, NOTE_BARE_MULTIVALUED);
    }
    return finish(rec, false, 'bare-operator-multivalued', present, entry);
  }

  const fam = plan.family;
  const values = policyValues(plan, ctx, rec);
  const negated = base.negated;
  const reqs = entry.values;
  let result: boolean;
  if (!op.setOperator) {
    result = (checkValue(fam, negated, reqs[0] as string, values, rec) & SAT) !== 0;
  } else if (op.setOperator === 'ForAnyValue') {
    result = false;
    for (const v of reqs) {
      if (checkValue(fam, negated, v, values, rec) & SAT) {
        result = true;
        if (!rec) break;
      }
    }
  } else {
    result = true;
    for (const v of reqs) {
      if (!(checkValue(fam, negated, v, values, rec) & SAT)) {
        result = false;
        if (!rec) break;
      }
    }
  }

  if (rec) {
    // The request values the result rests on: the satisfying ones when one sufficed
    // (ForAnyValue true), the failing ones when one sufficed (ForAllValues false), else all.
    const deciding = decidingOutcomes(rec.outcomes, op.setOperator, result);
    let rule: ClauseRule = 'compare';
    if (deciding.some((o) => o.flags & INVALID)) rule = 'invalid-request-value';
    else if (deciding.some((o) => o.flags & UNRES)) rule = 'unresolved-variable';
    rec.rule = rule;
    if (result === !negated && deciding.some((o) => o.flags & EMPTY_ONLY)) {
      addNote(rec.notes, NOTE_EMPTY_STAR);
    }
  }
  return { result, present, entry };
}

function decidingOutcomes(
  outcomes: readonly ValueOutcome[],
  setOperator: string | undefined,
  result: boolean,
): ValueOutcome[] {
  if (setOperator === 'ForAnyValue' && result) return outcomes.filter((o) => o.flags & SAT);
  if (setOperator === 'ForAllValues' && !result) return outcomes.filter((o) => !(o.flags & SAT));
  return outcomes.slice();
}

/** The clause's result without building a trace (same answer as `evaluateClause(...).result`). */
export function testClause(c: CompiledClause, ctx: RequestContext): boolean {
  return run(c, ctx, null).result;
}

export function evaluateClause(c: CompiledClause, ctx: RequestContext): ClauseTrace {
  const rec: Recorder = {
    policyValues: [],
    comparisons: [],
    notes: [],
    unresolved: [],
    dead: [],
    outcomes: [],
    rule: 'compare',
  };
  const { result, present, entry } = run(c, ctx, rec);
  const notes: string[] = [];
  if (entry) addEntryNotes(notes, entry);
  for (const n of c.plan.notes) addNote(notes, n);
  for (const n of rec.notes) addNote(notes, n);
  return {
    operator: c.clause.operator.raw,
    key: c.clause.key,
    span: c.clause.keySpan,
    present,
    requestValues: entry ? [...entry.values] : [],
    policyValues: rec.policyValues,
    result,
    rule: rec.rule,
    reason: reasonFor(c, entry, present, result, rec),
    comparisons: rec.comparisons,
    unconfirmed: notes,
  };
}

// ---------------------------------------------------------------------------------------------
// Reasons

function q(s: string): string {
  return JSON.stringify(s);
}

function list(values: readonly string[]): string {
  const shown = values.slice(0, 8).map(q);
  if (values.length > 8) shown.push(`… (${values.length} in all)`);
  return shown.join(', ');
}

/** `"a"` for one policy value, `any of "a", "b"` for several. */
function anyOf(values: readonly string[]): string {
  return values.length === 1 ? q(values[0] as string) : `any of ${list(values)}`;
}

function reasonFor(
  c: CompiledClause,
  entry: ContextEntry | undefined,
  present: boolean,
  result: boolean,
  rec: Recorder,
): string {
  const clause = c.clause;
  const op = clause.operator;
  const name = op.raw;
  const key = `key ${q(clause.key)}`;
  const verdict = `${name} is ${result}`;
  const absence = entry ? `${key} has no values` : `${key} is absent`;

  switch (rec.rule) {
    case 'null-check': {
      const expect = c.plan.nullExpect.map((b) => q(String(b))).join(' or ');
      return `${present ? `${key} is present` : absence}, so Null ${expect} is ${result} (§5.2: "true" means the key is absent, "false" that it is present)`;
    }
    case 'if-exists-missing':
      return `${absence}, so ${verdict} (§5.2: …IfExists is true when the key is missing)`;
    case 'for-all-values-vacuous':
      return `${absence}, so ${name} is vacuously true (§5.5)`;
    case 'for-any-value-empty':
      return `${absence}, so ${verdict} (§5.5: ForAnyValue needs at least one value)`;
    case 'missing-key':
      return op.base.negated
        ? `${absence}, so the negated operator ${verdict} (§5.2)`
        : `${absence}, so ${verdict} (§5.2)`;
    case 'bare-operator-multivalued':
      return `${key} is multivalued (${entry?.values.length ?? 0} values: ${list(entry?.values ?? [])}) but ${name} has no ForAnyValue:/ForAllValues: prefix, so the simulator evaluates it as false (§5.5, UNCONFIRMED 24)`;
    default:
      break;
  }

  const fam = c.plan.family as Family<unknown, unknown>;
  const [pos, neg] = fam.verbs;
  const negated = op.base.negated;
  const P = rec.policyValues;
  const outcomes = rec.outcomes;
  const extras: string[] = [];
  const invalid = outcomes.filter((o) => o.flags & INVALID).map((o) => o.value);
  if (invalid.length) {
    extras.push(
      `request value ${list(invalid)} is not ${fam.what}, so it satisfies no comparison` +
        (negated ? ' and counts as differing from every policy value (simulator choice)' : ''),
    );
  }
  if (rec.unresolved.length) {
    extras.push(
      `${rec.unresolved.join(', ')} cannot be resolved, so a value using it never matches (§5.6)`,
    );
  }
  if (rec.dead.length) {
    extras.push(`${list(rec.dead)} is not ${fam.what} after substitution, so it never matches`);
  }

  let main: string;
  if (P.length === 0) {
    main = `the clause lists no values, so ${verdict} (UNCONFIRMED 20)`;
  } else if (!op.setOperator) {
    const o = outcomes[0] as ValueOutcome;
    const v = q(o.value);
    if (o.flags & MATCH) main = `${v} ${pos} ${q(P[o.match] as string)}, so ${verdict}`;
    else main = `${v} ${neg} ${anyOf(P)}, so ${verdict}`;
    if (negated && P.length > 1)
      main += ' (§5.1: a negated operator needs the value to differ from every listed value)';
  } else {
    const all = list(outcomes.map((o) => o.value));
    const first = outcomes.find(
      (o) => (op.setOperator === 'ForAnyValue') === ((o.flags & SAT) !== 0),
    );
    const one = (o: ValueOutcome): string =>
      o.flags & MATCH
        ? `request value ${q(o.value)} ${pos} ${q(P[o.match] as string)}`
        : `request value ${q(o.value)} ${neg} ${anyOf(P)}`;
    if (op.setOperator === 'ForAnyValue') {
      if (result && first) main = `${one(first)}, so ${verdict}`;
      else if (negated)
        main = `every request value (${all}) ${pos} some policy value, so ${verdict}`;
      else main = `none of the request values ${all} ${pos} ${anyOf(P)}, so ${verdict}`;
    } else if (!result && first) {
      main = `${one(first)}, so ${verdict}`;
    } else if (negated) {
      main = `none of the request values ${all} ${pos} ${anyOf(P)}, so ${verdict}`;
    } else {
      main = `every request value (${all}) ${pos} ${P.length === 1 ? q(P[0] as string) : `one of ${list(P)}`}, so ${verdict}`;
    }
  }
  return extras.length ? `${main}; ${extras.join('; ')}` : main;
}
