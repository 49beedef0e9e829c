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
  /** The verb negated: `does not equal`, `does not match`, `is absent`, … */
  negated: string;
  value?: string;
}

/**
 * A set of one variable's values: those satisfying every term of `allOf`, some term of `anyOf`
 * (every value when it is empty) and no term of `noneOf`. `examples` instead when no combination
 * of terms is exact.
 */
export interface Constraint {
  /** Terms every value satisfies (often none). */
  allOf?: Term[];
  anyOf: Term[];
  noneOf: Term[];
  examples?: string[];
}

interface Atom {
  term: Term;
  mask: bigint;
  /** popcount(mask), counted once. */
  count: number;
  /** `mask` as 32-bit words, low first (made when first covered with). */
  words?: Uint32Array;
}

/** Set bits of a non-negative bigint: 64 bits at a time, each half counted as a 32-bit word. */
export function popcount(m: bigint): number {
  let n = 0;
  for (; m > 0n; m >>= 64n) {
    const w = BigInt.asUintN(64, m);
    n += count32(Number(w & 0xffffffffn)) + count32(Number(w >> 32n));
  }
  return n;
}

function count32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
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
  const seen = new Set<string>();
  const add = (term: Term, mask: bigint): void => {
    const id = `${mask.toString(16)}|${JSON.stringify(term)}`;
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ term, mask, count: popcount(mask) });
  };
  const all = (1n << BigInt(v.regions.length)) - 1n;
  v.tests.forEach((t, i) => {
    const mask = testMask(v, i);
    if (t.kind === 'value' && t.value) {
      const [verb, negated] = familyWords(t.value.operator).verbs;
      add(
        {
          key: displayKey(v, t.value.keyLower),
          verb: t.value.anyValue ? `has a value that ${verb}` : verb,
          negated: t.value.anyValue ? `has no value that ${verb}` : negated,
          value: t.value.value,
        },
        mask,
      );
    } else if (t.kind === 'present' && t.atom !== undefined) {
      const atom = v.atoms[t.atom];
      const key =
        v.keys.find((k) => k.atoms.length === 1 && k.atoms[0]?.id === atom?.id)?.key ??
        (atom ? atomLabel(atom) : '?');
      add({ key, verb: 'is present', negated: 'is absent' }, mask);
      add({ key, verb: 'is absent', negated: 'is present' }, all & ~mask);
    } else if (t.kind === 'accept') {
      const aud = v.keys.find((k) => k.atoms.some((a) => a.id === 'claim:aud'))?.key ?? 'aud';
      const whose =
        sideNames.length > 1 ? `the ${sideNames[t.side] ?? ''} role's provider` : 'the provider';
      add(
        { key: aud, verb: `is a client ID of ${whose}`, negated: `is not a client ID of ${whose}` },
        mask,
      );
    } else if (clauses && t.kind === 'clause' && t.clause) {
      const c = t.clause.clause;
      add(
        {
          key: displayKey(v, c.keyLower),
          verb: `satisfies ${c.operator.raw}`,
          negated: `does not satisfy ${c.operator.raw}`,
          value: c.values.map((x) => x.value).join(' | '),
        },
        mask,
      );
    }
  });
  void space;
  return out;
}

/** The terms of a variable, made once per variable and naming of the roles. */
const atomCache = new WeakMap<Variable, Map<string, Atom[]>>();
function cachedAtoms(
  space: Space,
  v: Variable,
  clauses: boolean,
  sideNames: readonly string[],
): Atom[] {
  let table = atomCache.get(v);
  if (!table) atomCache.set(v, (table = new Map()));
  const key = `${clauses}|${sideNames.join('|')}`;
  let atoms = table.get(key);
  if (!atoms) table.set(key, (atoms = atomsOf(space, v, clauses, sideNames)));
  return atoms;
}

/** The low `length` 32-bit words of a non-negative bigint, low first. */
function wordsOf(m: bigint, length: number): Uint32Array {
  const out = new Uint32Array(length);
  const hex = m.toString(16);
  for (let w = 0; w < length; w++) {
    const end = hex.length - 8 * w;
    if (end <= 0) break;
    out[w] = parseInt(hex.slice(Math.max(0, end - 8), end), 16);
  }
  return out;
}

/** Set bits of `a & b`, word by word (no bigint made). */
function countAnd(a: Uint32Array, b: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    const x = (a[i] as number) & (b[i] as number);
    if (x !== 0) n += count32(x);
  }
  return n;
}

/**
 * Greedy cover of `target` by atoms; undefined when they cannot cover it. Counted on 32-bit
 * words: bigint operations allocate, and this loop runs atoms × chosen terms times.
 */
function cover(target: bigint, candidates: readonly Atom[]): Atom[] | undefined {
  if (target === 0n) return [];
  let length = Math.ceil(target.toString(16).length / 8);
  for (const a of candidates) length = Math.max(length, a.words?.length ?? 0);
  const left = wordsOf(target, length);
  const chosen: Atom[] = [];
  let remaining = popcount(target);
  while (remaining > 0) {
    let best: Atom | undefined;
    let gain = 0;
    for (const a of candidates) {
      // No more of `left` than its own bits: an atom that cannot beat the best is not counted.
      if (a.count <= gain) continue;
      if (!a.words || a.words.length < length) a.words = wordsOf(a.mask, length);
      const g = countAnd(a.words, left);
      if (g > gain) {
        gain = g;
        best = a;
      }
    }
    if (!best) return undefined;
    chosen.push(best);
    const w = best.words as Uint32Array;
    for (let i = 0; i < length; i++) left[i] = (left[i] as number) & ~(w[i] as number);
    remaining -= gain;
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
  const maskOf = (term: Term): bigint => atoms.find((a) => a.term === term)?.mask ?? 0n;
  const mask = (terms: readonly Term[]): bigint => terms.reduce((m, term) => m | maskOf(term), 0n);
  const all = (c.allOf ?? []).reduce((m, term) => m & maskOf(term), care);
  const any = c.anyOf.length === 0 ? care : mask(c.anyOf);
  return all & any & ~mask(c.noneOf) & care;
}

/**
 * A description, with terms every value of the set satisfies (`allOf`) added one by one, most
 * restrictive first, when "any of … but none of …" alone cannot say it exactly.
 */
function searchWithAll(
  atoms: readonly Atom[],
  target: bigint,
  care: bigint,
): Constraint | undefined {
  const direct = search(atoms, target, care);
  if (direct) return direct;
  const t = target & care;
  const necessary = atoms
    .filter((a) => (a.mask & t) === t && (a.mask & care) !== care)
    .map((a) => ({ a, n: popcount(a.mask & care) }))
    .sort((x, y) => x.n - y.n)
    .map((x) => x.a);
  const allOf: Atom[] = [];
  let within = care;
  for (const a of necessary) {
    if ((within & ~a.mask) === 0n) continue;
    allOf.push(a);
    within &= a.mask;
    const terms = allOf.map((x) => x.term);
    if (within === t) return { allOf: terms, anyOf: [], noneOf: [] };
    const rest = search(atoms, t, within);
    if (rest) return { ...rest, allOf: terms };
  }
  return undefined;
}

/** How a free atom is named when no condition key reads it alone. */
export function atomLabel(atom: { kind: string; name: string }): string {
  if (atom.kind === 'source-identity') return 'sts:SourceIdentity';
  if (atom.kind === 'tags') return 'aws:TagKeys';
  return atom.name;
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
    const atoms = cachedAtoms(space, v, clauses, sideNames);
    const c = searchWithAll(atoms, target, care);
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

function termText(t: Term, hostPath: string, verb: string): string {
  const key = shortKey(t.key, hostPath);
  return t.value === undefined ? `${key} ${verb}` : `${key} ${verb} ${JSON.stringify(t.value)}`;
}

/** Terms joined, the key and verb said once when they repeat: `sub matches "a" or "b"`. */
function joinTerms(terms: readonly Term[], hostPath: string, negated: boolean): string {
  const parts: string[] = [];
  terms.forEach((t, i) => {
    const prev = terms[i - 1];
    const same =
      prev !== undefined && prev.key === t.key && prev.verb === t.verb && t.value !== undefined;
    parts.push(
      same ? JSON.stringify(t.value) : termText(t, hostPath, negated ? t.negated : t.verb),
    );
  });
  return parts.join(negated ? ' nor ' : ' or ');
}

/** One constraint in words: `sub matches "repo:acme/*" but not "repo:acme/app:*"`. */
export function constraintText(c: Constraint, hostPath: string): string {
  if (c.examples)
    return `one of ${c.examples.length} kinds of value, e.g. ${c.examples.slice(0, 3).join(', ')}`;
  const all = (c.allOf ?? []).map((t) => termText(t, hostPath, t.verb)).join(' and ');
  if (all !== '') {
    const rest =
      c.anyOf.length + c.noneOf.length > 0
        ? constraintText({ anyOf: c.anyOf, noneOf: c.noneOf }, hostPath)
        : '';
    return rest === '' ? all : `${all} and ${rest}`;
  }
  if (c.anyOf.length === 0) return joinTerms(c.noneOf, hostPath, true);
  const any = joinTerms(c.anyOf, hostPath, false);
  if (c.noneOf.length === 0) return any;
  const first = c.anyOf[0] as Term;
  // The same key and verb throughout: "matches A but not B or C".
  if (
    c.noneOf.every((t) => t.key === first.key && t.verb === first.verb && t.value !== undefined)
  ) {
    const values = c.noneOf.map((t) => JSON.stringify(t.value));
    return values.length === 1
      ? `${any} but not ${values[0]}`
      : `${any} but none of ${values.join(', ')}`;
  }
  const sameKey = c.noneOf.every((t) => t.key === first.key);
  const none = sameKey
    ? joinTerms(c.noneOf, hostPath, true).slice(shortKey(first.key, hostPath).length + 1)
    : joinTerms(c.noneOf, hostPath, true);
  return `${any} but ${none}`;
}
