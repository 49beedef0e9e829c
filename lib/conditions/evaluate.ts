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
import type { OperatorSpec } from '../policy/operators.js';
import type { ContextEntry, RequestContext } from './context.js';
import type { ClauseRule, ClauseTrace, Comparison, ValueOutcome } from './trace.js';
import { resolveTemplate } from './variables.js';
import {
  DEAD,
  UNRESOLVED,
  displayOf,
  familyFor,
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

interface RawOutcome {
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
  outcomes: RawOutcome[];
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
  const entry = ctx.get(c.keyLower, c.slot);
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
  outcomes: readonly RawOutcome[],
  setOperator: string | undefined,
  result: boolean,
): RawOutcome[] {
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
    op: c.clause.operator,
    clause: c.clause,
    key: c.clause.key,
    span: c.clause.keySpan,
    present,
    given: entry !== undefined,
    requestValues: entry ? [...entry.values] : [],
    policyValues: rec.policyValues,
    result,
    rule: rec.rule,
    outcomes: rec.outcomes.map(publicOutcome),
    unresolved: rec.unresolved,
    dead: rec.dead,
    ...(c.plan.family ? {} : { nullExpect: c.plan.nullExpect }),
    comparisons: rec.comparisons,
    unconfirmed: notes,
  };
}

function publicOutcome(o: RawOutcome): ValueOutcome {
  return {
    value: o.value,
    match: o.match,
    satisfied: (o.flags & SAT) !== 0,
    invalid: (o.flags & INVALID) !== 0,
    unresolved: (o.flags & UNRES) !== 0,
    emptyStarOnly: (o.flags & EMPTY_ONLY) !== 0,
  };
}

/** What a valid value of the operator's family is, and its verbs, for sentences about a clause. */
export function familyWords(op: OperatorSpec): { what: string; verbs: readonly [string, string] } {
  const fam = familyFor(op.base);
  return fam
    ? { what: fam.what, verbs: fam.verbs }
    : { what: '"true" or "false"', verbs: ['is', 'is not'] };
}
