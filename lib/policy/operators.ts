/**
 * The condition operators IAM knows (§5), parsed once from their written name. The operator grammar
 * belongs to the policy parser, which refuses unknown operators; conditions/ evaluates them.
 */

export type OperatorFamily =
  'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'IpAddress' | 'Arn' | 'Null';

export interface BaseOperatorInfo {
  /** Canonical spelling, e.g. `StringNotEqualsIgnoreCase`. */
  name: string;
  family: OperatorFamily;
  /** Negated operators: a missing key is true and several values combine with AND (§5.1, §5.2). */
  negated: boolean;
  /** String family: `Like` semantics (IAM wildcards). Arn family is always field-wise like. */
  like: boolean;
  ignoreCase: boolean;
  /** Numeric/Date comparison kind. */
  compare?: 'eq' | 'lt' | 'lte' | 'gt' | 'gte';
  /** Whether policy variables `${...}` are substituted in values (§5.6). */
  variables: boolean;
}

const table: BaseOperatorInfo[] = [];
function add(
  name: string,
  family: OperatorFamily,
  opts: Partial<Omit<BaseOperatorInfo, 'name' | 'family'>> = {},
): void {
  table.push({
    name,
    family,
    negated: opts.negated ?? false,
    like: opts.like ?? false,
    ignoreCase: opts.ignoreCase ?? false,
    variables: opts.variables ?? false,
    ...(opts.compare ? { compare: opts.compare } : {}),
  });
}

add('StringEquals', 'String', { variables: true });
add('StringNotEquals', 'String', { negated: true, variables: true });
add('StringEqualsIgnoreCase', 'String', { ignoreCase: true, variables: true });
add('StringNotEqualsIgnoreCase', 'String', { negated: true, ignoreCase: true, variables: true });
add('StringLike', 'String', { like: true, variables: true });
add('StringNotLike', 'String', { negated: true, like: true, variables: true });
add('NumericEquals', 'Numeric', { compare: 'eq' });
add('NumericNotEquals', 'Numeric', { compare: 'eq', negated: true });
add('NumericLessThan', 'Numeric', { compare: 'lt' });
add('NumericLessThanEquals', 'Numeric', { compare: 'lte' });
add('NumericGreaterThan', 'Numeric', { compare: 'gt' });
add('NumericGreaterThanEquals', 'Numeric', { compare: 'gte' });
add('DateEquals', 'Date', { compare: 'eq' });
add('DateNotEquals', 'Date', { compare: 'eq', negated: true });
add('DateLessThan', 'Date', { compare: 'lt' });
add('DateLessThanEquals', 'Date', { compare: 'lte' });
add('DateGreaterThan', 'Date', { compare: 'gt' });
add('DateGreaterThanEquals', 'Date', { compare: 'gte' });
// Bool: the operators page allows variables, the variables page does not (UNCONFIRMED 22); we allow.
add('Bool', 'Bool', { variables: true });
add('BinaryEquals', 'Binary');
add('IpAddress', 'IpAddress');
add('NotIpAddress', 'IpAddress', { negated: true });
add('ArnEquals', 'Arn', { like: true, variables: true });
add('ArnLike', 'Arn', { like: true, variables: true });
add('ArnNotEquals', 'Arn', { like: true, negated: true, variables: true });
add('ArnNotLike', 'Arn', { like: true, negated: true, variables: true });
add('Null', 'Null');

/** Base operators by exact (case-sensitive) name. */
export const BASE_OPERATORS: ReadonlyMap<string, BaseOperatorInfo> = new Map(
  table.map((op) => [op.name, op]),
);

export type SetOperator = 'ForAnyValue' | 'ForAllValues';

export interface OperatorSpec {
  /** As written in the policy, e.g. `ForAnyValue:StringLikeIfExists`. */
  raw: string;
  setOperator?: SetOperator;
  base: BaseOperatorInfo;
  ifExists: boolean;
}

export type OperatorParse =
  | { ok: true; spec: OperatorSpec }
  | {
      ok: false;
      code: 'unknown-operator' | 'unknown-set-operator' | 'null-if-exists';
      message: string;
      hint?: string;
    };

/**
 * Every valid operator name (with or without a set-operator prefix and `IfExists`) → its spec:
 * the grammar is finite, so it is spelled out once. Specs are frozen and shared.
 */
const SPECS: ReadonlyMap<string, OperatorParse> = (() => {
  const specs = new Map<string, OperatorParse>();
  for (const base of table) {
    for (const setOperator of [undefined, 'ForAnyValue', 'ForAllValues'] as const) {
      for (const ifExists of base.name === 'Null' ? [false] : [false, true]) {
        const raw = `${setOperator ? setOperator + ':' : ''}${base.name}${ifExists ? 'IfExists' : ''}`;
        const spec: OperatorSpec = Object.freeze({
          raw,
          ...(setOperator ? { setOperator } : {}),
          base: Object.freeze(base),
          ifExists,
        });
        specs.set(raw, Object.freeze({ ok: true as const, spec }));
      }
    }
  }
  return specs;
})();

/** Every valid spelling, in the table's order (for suggestions). */
const SPELLINGS: readonly string[] = [...SPECS.keys()];

/** Levenshtein distance of two strings, or `limit + 1` once it is sure to exceed `limit`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const d = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      row.push(d);
      if (d < best) best = d;
    }
    if (best > limit) return limit + 1;
    prev = row;
  }
  return prev[b.length] as number;
}

/**
 * The valid operator nearest to `raw`, letter case ignored, when it is near enough to be a typo
 * (a few edits, more for a longer name): `ForAllValue:StringEquals` → `ForAllValues:StringEquals`,
 * `StringEqualsIfExist` → `StringEqualsIfExists`. The first in the table wins a tie.
 */
export function nearestOperator(raw: string): string | undefined {
  const lower = raw.toLowerCase();
  // A few edits for a long name, but never half of the operator's own part (`Foo` is not `Bool`).
  const own = raw.length - raw.indexOf(':') - 1;
  const limit = Math.min(Math.max(2, Math.floor(raw.length / 6)), Math.ceil(own / 2) - 1);
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const name of SPELLINGS) {
    const d = distance(lower, name.toLowerCase(), bestDistance - 1);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
      if (d === 0) break;
    }
  }
  return best;
}

/** The hint for a name that is not an operator: the nearest one, or where to look. */
function suggestion(raw: string, otherwise: string): string {
  const near = nearestOperator(raw);
  if (near === undefined) return otherwise;
  return near.toLowerCase() === raw.toLowerCase()
    ? `operator names are case-sensitive: did you mean "${near}"?`
    : `did you mean "${near}"?`;
}

/**
 * Parse an operator name. Operator names are matched case-sensitively, as IAM does; a name that
 * differs only in case, or by a typo, gets a hint with the nearest operator.
 */
export function parseOperator(raw: string): OperatorParse {
  return SPECS.get(raw) ?? explainOperator(raw);
}

/** Why `raw` is not an operator (or, for a name the table lacks, its spec all the same). */
function explainOperator(raw: string): OperatorParse {
  let rest = raw;
  let setOperator: SetOperator | undefined;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const prefix = rest.slice(0, colon);
    if (prefix !== 'ForAnyValue' && prefix !== 'ForAllValues') {
      return {
        ok: false,
        code: 'unknown-set-operator',
        message: `unknown set operator "${prefix}" in "${raw}"`,
        hint: suggestion(raw, 'the set operators are "ForAnyValue:" and "ForAllValues:"'),
      };
    }
    setOperator = prefix;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  let base = BASE_OPERATORS.get(rest);
  if (!base && rest.endsWith('IfExists')) {
    base = BASE_OPERATORS.get(rest.slice(0, -'IfExists'.length));
    ifExists = base !== undefined;
  }
  if (!base) {
    return {
      ok: false,
      code: 'unknown-operator',
      message: `unknown condition operator "${raw}"`,
      hint: suggestion(
        raw,
        'see the IAM condition operators: String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn*, Null',
      ),
    };
  }
  if (ifExists && base.name === 'Null') {
    return {
      ok: false,
      code: 'null-if-exists',
      message: `"${raw}": the Null operator cannot take IfExists`,
      hint: 'use "Null" alone: it already tests whether the key exists',
    };
  }
  return { ok: true, spec: { raw, ...(setOperator ? { setOperator } : {}), base, ifExists } };
}
