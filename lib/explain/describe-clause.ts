/**
 * One sentence saying why a condition clause was true or false, rendered from its trace's data
 * (operator, outcomes per request value, unresolved variables, the rule that decided).
 */
import { familyWords } from '../conditions/evaluate.js';
import type { ClauseTrace, ValueOutcome } from '../conditions/trace.js';

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

/** The sentence for the rules that decide without comparing values (absent key, Null, …). */
function ruleReason(c: ClauseTrace): string | undefined {
  const op = c.op;
  const name = c.operator;
  const key = `key ${q(c.key)}`;
  const verdict = `${name} is ${c.result}`;
  const absence = c.given ? `${key} has no values` : `${key} is absent`;
  switch (c.rule) {
    case 'null-check': {
      const expect = (c.nullExpect ?? []).map((b) => q(String(b))).join(' or ');
      return `${c.present ? `${key} is present` : absence}, so Null ${expect} is ${c.result} ("true" means the key is absent, "false" that it is present)`;
    }
    case 'if-exists-missing':
      return `${absence}, so ${verdict} (…IfExists is true when the key is missing)`;
    case 'for-all-values-vacuous':
      return `${absence}, so ${name} is vacuously true`;
    case 'for-any-value-empty':
      return `${absence}, so ${verdict} (ForAnyValue needs at least one value)`;
    case 'missing-key':
      return op.base.negated
        ? `${absence}, so the negated operator ${verdict}`
        : `${absence}, so ${verdict}`;
    case 'bare-operator-multivalued':
      return `${key} is multivalued (${c.requestValues.length} values: ${list(c.requestValues)}) but ${name} has no ForAnyValue:/ForAllValues: prefix, so the simulator evaluates it as false (UNCONFIRMED [bare-multivalued])`;
    default:
      return undefined;
  }
}

/** Why the clause has its result, with the values compared. */
export function clauseReason(c: ClauseTrace): string {
  const byRule = ruleReason(c);
  if (byRule !== undefined) return byRule;
  const op = c.op;
  const verdict = `${c.operator} is ${c.result}`;
  const { what, verbs } = familyWords(op);
  const [pos, neg] = verbs;
  const negated = op.base.negated;
  const P = c.policyValues;
  const outcomes = c.outcomes;
  const extras: string[] = [];
  const invalid = outcomes.filter((o) => o.invalid).map((o) => o.value);
  if (invalid.length) {
    extras.push(
      `request value ${list(invalid)} is not ${what}, so it satisfies no comparison` +
        (negated ? ' and counts as differing from every policy value (simulator choice)' : ''),
    );
  }
  if (c.unresolved.length) {
    extras.push(`${c.unresolved.join(', ')} cannot be resolved, so a value using it never matches`);
  }
  if (c.dead.length) {
    extras.push(`${list(c.dead)} is not ${what} after substitution, so it never matches`);
  }
  const one = (o: ValueOutcome): string =>
    o.match >= 0
      ? `request value ${q(o.value)} ${pos} ${q(P[o.match] as string)}`
      : `request value ${q(o.value)} ${neg} ${anyOf(P)}`;

  let main: string;
  if (P.length === 0) {
    main = `the clause lists no values, so ${verdict} (UNCONFIRMED [empty-values])`;
  } else if (!op.setOperator) {
    const o = outcomes[0] as ValueOutcome;
    const v = q(o.value);
    if (o.match >= 0) main = `${v} ${pos} ${q(P[o.match] as string)}, so ${verdict}`;
    else main = `${v} ${neg} ${anyOf(P)}, so ${verdict}`;
    if (negated && P.length > 1)
      main += ' (a negated operator needs the value to differ from every listed value)';
  } else {
    const all = list(outcomes.map((o) => o.value));
    const first = outcomes.find((o) => (op.setOperator === 'ForAnyValue') === o.satisfied);
    if (op.setOperator === 'ForAnyValue') {
      if (c.result && first) main = `${one(first)}, so ${verdict}`;
      else if (negated)
        main = `every request value (${all}) ${pos} some policy value, so ${verdict}`;
      else main = `none of the request values ${all} ${pos} ${anyOf(P)}, so ${verdict}`;
    } else if (!c.result && first) {
      main = `${one(first)}, so ${verdict}`;
    } else if (negated) {
      main = `none of the request values ${all} ${pos} ${anyOf(P)}, so ${verdict}`;
    } else {
      main = `every request value (${all}) ${pos} ${P.length === 1 ? q(P[0] as string) : `one of ${list(P)}`}, so ${verdict}`;
    }
  }
  return extras.length ? `${main}; ${extras.join('; ')}` : main;
}
