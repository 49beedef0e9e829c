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
  /**
   * The region mask as 32-bit words, low first: the searches below run on words (bigint
   * operations allocate, and they run atoms × chosen terms times).
   */
  words: Uint32Array;
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
  // The atoms made so far by their term's text: an atom is left out when one of the same term
  // has the same mask (compared by words: no mask made text).
  const seen = new Map<string, Atom[]>();
  const width = widthOf(v);
  const known = v.words !== undefined && v.words.length === v.tests.length ? v.words : undefined;
  let words: Uint32Array | undefined;
  const add = (term: Term, mask: bigint | undefined): void => {
    const w = words && words.length === width ? words : wordsOf(mask ?? 0n, width);
    words = undefined;
    const id = `${term.key}\u0000${term.verb}\u0000${term.negated}\u0000${term.value === undefined ? '\u0001' : term.value}`;
    const same = seen.get(id);
    if (same?.some((a) => sameWords(a.words, w))) return;
    const atom = { term, words: w };
    if (same) same.push(atom);
    else seen.set(id, [atom]);
    out.push(atom);
  };
  const all = (1n << BigInt(v.regions.length)) - 1n;
  v.tests.forEach((t, i) => {
    words = known?.[i];
    const mask = words ? undefined : testMask(v, i);
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
      const present = mask ?? testMask(v, i);
      add({ key, verb: 'is present', negated: 'is absent' }, present);
      add({ key, verb: 'is absent', negated: 'is present' }, all & ~present);
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

/** 32-bit words for a variable's region masks. */
function widthOf(v: Variable): number {
  return Math.max(1, Math.ceil(v.regions.length / 32));
}

/** The low `length` 32-bit words of a non-negative bigint, low first. */
function wordsOf(m: bigint, length: number): Uint32Array {
  const out = new Uint32Array(length);
  if (m === 0n) return out;
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

function countWords(a: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) n += count32(a[i] as number);
  return n;
}

/** Does `a & b` have a bit set? */
function meets(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (((a[i] as number) & (b[i] as number)) !== 0) return true;
  return false;
}

/**
 * Does `a & ~c` have a bit set? (Apart from `meets`: one function reading an optional third
 * list was optimised by V8 before it had seen one, then thrown away and optimised again.)
 */
function meetsNot(a: Uint32Array, c: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (((a[i] as number) & ~(c[i] as number)) !== 0) return true;
  return false;
}

/** `a & ~b` (`b` optional: a copy), as new words. */
function andNot(a: Uint32Array, b?: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) & ~(b ? (b[i] as number) : 0);
  return out;
}

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Greedy cover of `target` by atoms (each step the atom covering most of what is left, the first
 * of them on a tie); undefined when they cannot cover it. Gains are kept exact and lowered only
 * for the atoms that hold a newly covered region (few: an atom is mostly a value or two), instead
 * of counting every atom against what is left at every step.
 */
function cover(
  target: Uint32Array,
  candidates: readonly Atom[],
  limit = Infinity,
): Atom[] | undefined {
  const left = andNot(target);
  const chosen: Atom[] = [];
  let remaining = countWords(left);
  if (remaining === 0) return chosen;
  const gains: number[] = [];
  // The candidates holding each region of the target.
  const holders: number[][] = [];
  for (let i = 0; i < candidates.length; i++) {
    const words = (candidates[i] as Atom).words;
    let g = 0;
    for (let w = 0; w < left.length; w++) {
      let x = (words[w] as number) & (left[w] as number);
      while (x !== 0) {
        const low = x & -x;
        x ^= low;
        const bit = w * 32 + 31 - Math.clz32(low);
        (holders[bit] ??= []).push(i);
        g++;
      }
    }
    gains.push(g);
  }
  // Gains only fall: while the best gain stays `top`, the first atom with it is at or after the
  // one chosen last (those before it had less, and still have), so the scan resumes there; only
  // when no atom has `top` any more is every atom scanned for the new best.
  let top = Infinity;
  let from = 0;
  while (remaining > 0) {
    // More atoms than `limit`: the caller has no use for the cover.
    if (chosen.length >= limit) return undefined;
    let best = -1;
    let gain = 0;
    for (let i = from; i < gains.length; i++) {
      if (gains[i] === top) {
        best = i;
        gain = top;
        break;
      }
    }
    if (best < 0) {
      for (let i = 0; i < gains.length; i++) {
        if ((gains[i] as number) > gain) {
          gain = gains[i] as number;
          best = i;
        }
      }
    }
    if (best < 0) return undefined;
    top = gain;
    from = best;
    const words = (candidates[best] as Atom).words;
    chosen.push(candidates[best] as Atom);
    for (let w = 0; w < left.length; w++) {
      let x = (words[w] as number) & (left[w] as number);
      left[w] = (left[w] as number) & ~(words[w] as number);
      while (x !== 0) {
        const low = x & -x;
        x ^= low;
        for (const i of holders[w * 32 + 31 - Math.clz32(low)] ?? [])
          gains[i] = (gains[i] as number) - 1;
      }
    }
    remaining -= gain;
  }
  return chosen;
}

/**
 * The greedy cover of `target` by `masks` over `regions` regions, as indexes, or undefined when
 * there is none of at most `limit` masks (for tests).
 */
export function greedyCover(
  target: bigint,
  masks: readonly bigint[],
  regions: number,
  limit = Infinity,
): number[] | undefined {
  const width = Math.max(1, Math.ceil(regions / 32));
  const atoms: Atom[] = masks.map((mask, i) => ({
    term: { key: String(i), verb: '', negated: '' },
    words: wordsOf(mask, width),
  }));
  return cover(wordsOf(target, width), atoms, limit)?.map((a) => atoms.indexOf(a));
}

/**
 * `t`: the target within `care` (t ⊆ care); `inT`: which atoms meet `t` (the same for every
 * `care` a description tries).
 */
function search(
  atoms: readonly Atom[],
  t: Uint32Array,
  care: Uint32Array,
  inT: Uint8Array,
): Constraint | undefined {
  const outside = andNot(care, t);
  const negatives: Atom[] = [];
  for (let i = 0; i < atoms.length; i++) {
    const a = atoms[i] as Atom;
    if (inT[i] === 0 && meets(a.words, care)) negatives.push(a);
  }
  const removable = new Uint32Array(t.length);
  for (const a of negatives)
    for (let i = 0; i < t.length; i++)
      removable[i] = (removable[i] as number) | (a.words[i] as number);
  // A positive term may reach outside the target only where a negative term can take it back.
  const unreachable = andNot(outside, removable);
  const positives: Atom[] = [];
  for (let i = 0; i < atoms.length; i++) {
    const a = atoms[i] as Atom;
    if (inT[i] === 1 && !meets(a.words, unreachable)) positives.push(a);
  }
  const pos = cover(t, positives);
  let best: Constraint | undefined;
  if (pos) {
    const excess = new Uint32Array(t.length);
    for (const a of pos)
      for (let i = 0; i < t.length; i++) excess[i] = (excess[i] as number) | (a.words[i] as number);
    for (let i = 0; i < t.length; i++) excess[i] = (excess[i] as number) & (outside[i] as number);
    const neg = cover(excess, negatives);
    if (neg) best = { anyOf: pos.map((a) => a.term), noneOf: neg.map((a) => a.term) };
  }
  // "Any value but …": no positive term — kept when it needs fewer terms (the greedy cover is
  // the same whether it is stopped early or not, so it stops once it cannot be shorter).
  const limit = best ? best.anyOf.length + best.noneOf.length - 1 : Infinity;
  const onlyNeg = limit < 0 ? undefined : cover(outside, negatives, limit);
  if (onlyNeg) best = { anyOf: [], noneOf: onlyNeg.map((a) => a.term) };
  return best;
}

/** Each atom by its term, per list of atoms (made once per list). */
const termMasks = new WeakMap<readonly Atom[], Map<Term, Atom>>();

/** The regions a constraint denotes within `care`, as words. */
function denotes(atoms: readonly Atom[], c: Constraint, care: Uint32Array): Uint32Array {
  let byTerm = termMasks.get(atoms);
  if (!byTerm) {
    byTerm = new Map();
    // The first atom of a term, as a search from the start would find it.
    for (let i = atoms.length - 1; i >= 0; i--) {
      const a = atoms[i] as Atom;
      byTerm.set(a.term, a);
    }
    termMasks.set(atoms, byTerm);
  }
  // Word by word (no mask made for each term).
  const out = andNot(care);
  const none = new Uint32Array(care.length);
  for (const term of c.allOf ?? []) {
    const w = byTerm.get(term)?.words ?? none;
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) & (w[i] as number);
  }
  if (c.anyOf.length > 0) {
    const any = new Uint32Array(care.length);
    for (const term of c.anyOf) {
      const w = byTerm.get(term)?.words ?? none;
      for (let i = 0; i < any.length; i++) any[i] = (any[i] as number) | (w[i] as number);
    }
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) & (any[i] as number);
  }
  for (const term of c.noneOf) {
    const w = byTerm.get(term)?.words ?? none;
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) & ~(w[i] as number);
  }
  return out;
}

/**
 * A description, with terms every value of the set satisfies (`allOf`) added one by one, most
 * restrictive first, when "any of … but none of …" alone cannot say it exactly. `t` ⊆ `care`.
 */
function searchWithAll(
  atoms: readonly Atom[],
  t: Uint32Array,
  care: Uint32Array,
): Constraint | undefined {
  const inT = new Uint8Array(atoms.length);
  for (let i = 0; i < atoms.length; i++) inT[i] = meets((atoms[i] as Atom).words, t) ? 1 : 0;
  const direct = search(atoms, t, care, inT);
  if (direct) return direct;
  const necessary = atoms
    .filter((a) => !meetsNot(t, a.words) && meetsNot(care, a.words))
    .map((a) => ({ a, n: countAnd(a.words, care) }))
    .sort((x, y) => x.n - y.n)
    .map((x) => x.a);
  const allOf: Atom[] = [];
  const within = andNot(care);
  for (const a of necessary) {
    if (!meetsNot(within, a.words)) continue;
    allOf.push(a);
    for (let i = 0; i < within.length; i++)
      within[i] = (within[i] as number) & (a.words[i] as number);
    const terms = allOf.map((x) => x.term);
    if (sameWords(within, t)) return { allOf: terms, anyOf: [], noneOf: [] };
    const rest = search(atoms, t, andNot(within), inT);
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
  const width = widthOf(v);
  const t = wordsOf(target & care, width);
  const careWords = wordsOf(care, width);
  for (const clauses of [false, true]) {
    const atoms = cachedAtoms(space, v, clauses, sideNames);
    const c = searchWithAll(atoms, t, careWords);
    if (c && sameWords(denotes(atoms, c, careWords), t)) return c;
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
