/**
 * Region sets in the policy's own terms (design note §6.1): a variable's set of regions is
 * written as "KEY matches P₁ or P₂ but not N₁", where every P and N is a value the policies
 * themselves wrote (or the key being present/absent). A description is searched among those terms
 * and kept only when it denotes *exactly* the region set on the regions that matter (checked
 * region by region, which by the partition lemma is checking every value); otherwise the clauses
 * as written are tried, and last the regions are listed by example.
 */
import { familyWords } from '../conditions/evaluate.js';
import type { Box } from './boxes.js';
import { testMask } from './engine.js';
import type { Space, Variable } from './space.js';

/** One thing a value can satisfy: "KEY VERB VALUE", or KEY's presence. */
export interface Term {
  key: string;
  /** `equals`, `matches`, `is less than`, … — or `is present` / `is absent` (then no value). */
  verb: string;
  value?: string;
}

/**
 * A set of one variable's values: those satisfying some term of `anyOf` (every value when it is
 * empty) and no term of `noneOf`. `examples` instead when no combination of terms is exact.
 */
export interface Constraint {
  anyOf: Term[];
  noneOf: Term[];
  examples?: string[];
}

interface Atom {
  term: Term;
  mask: bigint;
}

function popcount(m: bigint): number {
  let n = 0;
  for (; m > 0n; m >>= 1n) if (m & 1n) n++;
  return n;
}

function displayKey(v: Variable, keyLower: string): string {
  return v.keys.find((k) => k.keyLower === keyLower)?.key ?? keyLower;
}

/** The terms of a variable: every value of every clause on it, and each atom's presence. */
function atomsOf(
  space: Space,
  v: Variable,
  clauses: boolean,
  sideNames: readonly string[],
): Atom[] {
  const out: Atom[] = [];
  const add = (term: Term, mask: bigint): void => {
    if (!out.some((a) => a.mask === mask && JSON.stringify(a.term) === JSON.stringify(term)))
      out.push({ term, mask });
  };
  const all = (1n << BigInt(v.regions.length)) - 1n;
  v.tests.forEach((t, i) => {
    const mask = testMask(v, i);
    if (t.kind === 'value' && t.value) {
      const verb = familyWords(t.value.compiled.clause.operator).verbs[0];
      add(
        {
          key: displayKey(v, t.value.keyLower),
          verb: t.value.anyValue ? `has a value that ${verb}` : verb,
          value: t.value.value,
        },
        mask,
      );
    } else if (t.kind === 'present' && t.atom !== undefined) {
      const atom = v.atoms[t.atom];
      const key =
        v.keys.find((k) => k.atoms.length === 1 && k.atoms[0]?.id === atom?.id)?.key ??
        atom?.name ??
        '?';
      add({ key, verb: 'is present' }, mask);
      add({ key, verb: 'is absent' }, all & ~mask);
    } else if (t.kind === 'accept') {
      const aud = v.keys.find((k) => k.atoms.some((a) => a.id === 'claim:aud'))?.key ?? 'aud';
      const whose =
        sideNames.length > 1 ? `the ${sideNames[t.side] ?? ''} role's provider` : 'the provider';
      add({ key: aud, verb: `is a client ID of ${whose}` }, mask);
    } else if (clauses && t.kind === 'clause' && t.clause) {
      const c = t.clause.clause;
      add(
        {
          key: displayKey(v, c.keyLower),
          verb: c.operator.raw,
          value: c.values.map((x) => x.value).join(' | '),
        },
        mask,
      );
    }
  });
  void space;
  return out;
}

/** Greedy cover of `target` by atoms; undefined when they cannot cover it. */
function cover(target: bigint, candidates: readonly Atom[]): Atom[] | undefined {
  const chosen: Atom[] = [];
  let left = target;
  while (left !== 0n) {
    let best: Atom | undefined;
    let gain = 0;
    for (const a of candidates) {
      const g = popcount(a.mask & left);
      if (g > gain) {
        gain = g;
        best = a;
      }
    }
    if (!best) return undefined;
    chosen.push(best);
    left &= ~best.mask;
  }
  return chosen;
}

function search(atoms: readonly Atom[], target: bigint, care: bigint): Constraint | undefined {
  const t = target & care;
  const outside = care & ~t;
  const negatives = atoms.filter((a) => (a.mask & t) === 0n && (a.mask & care) !== 0n);
  const removable = negatives.reduce((m, a) => m | a.mask, 0n);
  // "Any value but …": no positive term.
  const onlyNeg = cover(outside, negatives);
  const positives = atoms.filter(
    (a) => (a.mask & t) !== 0n && (a.mask & care & ~t & ~removable) === 0n,
  );
  const pos = cover(t, positives);
  let best: Constraint | undefined;
  if (pos) {
    const excess = pos.reduce((m, a) => m | a.mask, 0n) & outside;
    const neg = cover(excess, negatives);
    if (neg) best = { anyOf: pos.map((a) => a.term), noneOf: neg.map((a) => a.term) };
  }
  if (onlyNeg && (!best || onlyNeg.length < best.anyOf.length + best.noneOf.length)) {
    best = { anyOf: [], noneOf: onlyNeg.map((a) => a.term) };
  }
  return best;
}

function denotes(atoms: readonly Atom[], c: Constraint, care: bigint): bigint {
  const mask = (terms: readonly Term[]): bigint =>
    terms.reduce((m, term) => m | (atoms.find((a) => a.term === term)?.mask ?? 0n), 0n);
  const any = c.anyOf.length === 0 ? care : mask(c.anyOf);
  return any & ~mask(c.noneOf) & care;
}

/**
 * The constraint a region set puts on a variable, or undefined when it puts none (it holds every
 * region that matters). `care`: the regions that matter (others may fall either way).
 */
export function describeMask(
  space: Space,
  v: Variable,
  target: bigint,
  care: bigint,
  sideNames: readonly string[] = [],
): Constraint | undefined {
  if ((care & ~target) === 0n) return undefined;
  for (const clauses of [false, true]) {
    const atoms = atomsOf(space, v, clauses, sideNames);
    const c = search(atoms, target, care);
    if (c && denotes(atoms, c, care) === (target & care)) return c;
  }
  const examples: string[] = [];
  v.regions.forEach((r, i) => {
    if (((target & care) >> BigInt(i)) & 1n)
      examples.push(r.values.map((x) => JSON.stringify(x ?? null)).join(' + '));
  });
  return { anyOf: [], noneOf: [], examples };
}

/** The constraints of a box, per variable that it constrains within `care`. */
export function describeBox(
  space: Space,
  box: Box,
  care: Box,
  sideNames: readonly string[] = [],
): Constraint[] {
  const out: Constraint[] = [];
  for (const v of space.variables) {
    const c = describeMask(space, v, box[v.index] as bigint, care[v.index] as bigint, sideNames);
    if (c) out.push(c);
  }
  return out;
}

/** `sub` for `token.actions.githubusercontent.com:sub`: keys of the provider drop its prefix. */
export function shortKey(key: string, hostPath: string): string {
  return key.toLowerCase().startsWith(`${hostPath.toLowerCase()}:`)
    ? key.slice(hostPath.length + 1)
    : key;
}

function termText(t: Term, hostPath: string, withKey: boolean): string {
  const key = withKey ? `${shortKey(t.key, hostPath)} ` : '';
  return t.value === undefined ? `${key}${t.verb}` : `${key}${t.verb} ${JSON.stringify(t.value)}`;
}

/** Terms joined, the key and verb said once when they repeat: `sub matches "a" or "b"`. */
function joinTerms(terms: readonly Term[], hostPath: string, word: string): string {
  const parts: string[] = [];
  terms.forEach((t, i) => {
    const prev = terms[i - 1];
    const same =
      prev !== undefined && prev.key === t.key && prev.verb === t.verb && t.value !== undefined;
    parts.push(same ? JSON.stringify(t.value) : termText(t, hostPath, true));
  });
  return parts.join(` ${word} `);
}

/** One constraint in words. */
export function constraintText(c: Constraint, hostPath: string): string {
  if (c.examples)
    return `one of ${c.examples.length} kinds of value, e.g. ${c.examples.slice(0, 3).join(', ')}`;
  const any = c.anyOf.length > 0 ? joinTerms(c.anyOf, hostPath, 'or') : '';
  if (c.noneOf.length === 0) return any;
  const first = c.noneOf[0] as Term;
  const sameKey = c.anyOf.length > 0 && c.anyOf.every((t) => t.key === first.key);
  const none = c.noneOf.map((t) =>
    sameKey && t.key === first.key && t.value !== undefined
      ? `${t.verb === c.anyOf[0]?.verb ? '' : `${t.verb} `}${JSON.stringify(t.value)}`
      : termText(t, hostPath, true),
  );
  if (any === '') return `not (${none.join(' or ')})`;
  return `${any} but not ${none.join(' or ')}`;
}
