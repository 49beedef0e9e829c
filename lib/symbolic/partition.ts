/**
 * The exact finite partition of one string variable (design note §4.1): a breadth-first search
 * over the product of the patterns' automata, on the character classes of an `Alphabet`. Every
 * acceptance vector (which patterns match) that some string of the domain reaches is a region,
 * found with a shortest witness; a vector the search never reaches is proven empty. Two strings
 * with the same vector are treated alike by every clause that reads the variable, because each
 * clause's result is a function of which of its values match.
 *
 * Two things keep the search small without changing its answer: the patterns' literal heads are
 * one trie (a configuration steps one node, not every pattern reading the same literal), and a
 * pattern that matches every continuation (a trailing `*` reached) is set aside — the vectors
 * beyond are its own joined to those of the rest, whose search is shared by every configuration
 * with that rest. Regions, their order and their witnesses are those of the plain product search.
 */
import { Alphabet, FOLD, ONE, ONE_NO_COLON, STAR, STAR_NO_COLON, type Domain } from './alphabet.js';

/** A pattern as tokens: code points (< FOLD), FOLD + lower-cased code point, or a wildcard. */
export type Tokens = readonly number[];

export interface StringRegion {
  /** Which patterns match: their indexes, comma-separated (empty: none). */
  key: string;
  /** A shortest string of the region (first in the preferred character order). */
  witness: string;
}

export interface Partition {
  regions: StringRegion[];
  /** False when the search budget ran out: the regions found are real, but some may be missing. */
  complete: boolean;
  /** Product configurations found (the searches of set-aside rests included). */
  configurations: number;
  /** The acceptance vector of a string, or undefined when the domain excludes it. */
  keyOf(value: string): string | undefined;
}

/** Configurations visited before a variable's answer is `unknown` (note §4.1: ≈0.5 s). */
export const DEFAULT_BUDGET = 200_000;

interface Matcher {
  /** 0 literal, 1 `?`, 2 `*`. */
  kind: number;
  classes: number[];
  /** The class a wildcard does not match (`:` in ARN fields), or -1. */
  except: number;
}

/**
 * The automata of the patterns' tails (their tokens after the literal head), determinised
 * lazily and numbered together: a state is a set of positions in one tail's tokens, and all
 * states share one transition table, so a step is one array read — one shape at every call site
 * of the search, whatever the pattern. (Plain arrays, not typed arrays: they grow as states are
 * found.)
 */
class Tails {
  /** Per state, per class: the next state, -2 not computed yet, -1 dead (read by `stepInto`). */
  readonly next: number[] = [];
  /** Per state: does the tail match when the value ends here? */
  readonly accept: boolean[] = [];
  /** Per state: the classes its positions name (literals, a wildcard's exception). */
  readonly relevant: number[][] = [];
  /**
   * Per state: does the tail match every continuation? (A position whose tokens to the end are
   * all `*` that match every character: it stays, and the end is always in reach.)
   */
  readonly forever: boolean[] = [];
  private readonly tailOf: number[] = [];
  private readonly positions: number[][] = [];
  private readonly matchers: Matcher[][] = [];
  private readonly ids: Array<Map<string, number>> = [];

  constructor(readonly classes: number) {}

  /** Adds a tail; returns its start state. */
  add(ms: Matcher[]): number {
    const t = this.matchers.length;
    this.matchers.push(ms);
    this.ids.push(new Map());
    return this.intern(t, this.closure(t, [0]));
  }

  step(state: number, cls: number): number {
    const i = state * this.classes + cls;
    const known = this.next[i] as number;
    return known !== -2 ? known : this.compute(state, cls, i);
  }

  /** Works out `next[i]`, the successor of `state` by `cls` (i = state × classes + cls). */
  compute(state: number, cls: number, i: number): number {
    const t = this.tailOf[state] as number;
    const ms = this.matchers[t] as Matcher[];
    const out: number[] = [];
    for (const p of this.positions[state] as number[]) {
      const m = ms[p];
      if (!m) continue;
      const hit = m.kind === 0 ? m.classes.includes(cls) : cls !== m.except;
      if (hit) out.push(m.kind === 2 ? p : p + 1);
    }
    const next = out.length === 0 ? -1 : this.intern(t, this.closure(t, out));
    this.next[i] = next;
    return next;
  }

  /** The positions, with every position after a `*` (which may match nothing), sorted. */
  private closure(t: number, positions: number[]): number[] {
    const ms = this.matchers[t] as Matcher[];
    const set = new Set<number>();
    const stack = [...positions];
    while (stack.length > 0) {
      const p = stack.pop() as number;
      if (set.has(p)) continue;
      set.add(p);
      if (p < ms.length && (ms[p] as Matcher).kind === 2) stack.push(p + 1);
    }
    return [...set].sort((a, b) => a - b);
  }

  private intern(t: number, positions: number[]): number {
    const ids = this.ids[t] as Map<string, number>;
    const key = positions.join(',');
    const known = ids.get(key);
    if (known !== undefined) return known;
    const ms = this.matchers[t] as Matcher[];
    const relevant = new Set<number>();
    for (const p of positions) {
      const m = ms[p];
      if (!m) continue;
      if (m.kind === 0) for (const c of m.classes) relevant.add(c);
      else if (m.except >= 0) relevant.add(m.except);
    }
    const id = this.accept.length;
    this.accept.push(positions.includes(ms.length));
    this.forever.push(
      positions.some(
        (p) => p < ms.length && ms.slice(p).every((m) => m.kind === 2 && m.except === -1),
      ),
    );
    this.relevant.push([...relevant]);
    this.tailOf.push(t);
    this.positions.push(positions);
    for (let c = 0; c < this.classes; c++) this.next.push(-2);
    ids.set(key, id);
    return id;
  }
}

function matchersOf(tokens: Tokens, alphabet: Alphabet): Matcher[] {
  const out: Matcher[] = [];
  for (const t of tokens) {
    const kind = t === STAR || t === STAR_NO_COLON ? 2 : t === ONE || t === ONE_NO_COLON ? 1 : 0;
    // `**` is `*`.
    if (kind === 2 && out.length > 0 && (out[out.length - 1] as Matcher).kind === 2) continue;
    const cls = alphabet.tokenClasses(t);
    out.push(
      Array.isArray(cls)
        ? { kind, classes: cls, except: -1 }
        : { kind, classes: [], except: cls.except },
    );
  }
  return out;
}

/** The code points of the patterns' literals and folds (`:` too when an ARN field needs it). */
export function alphabetFor(patterns: readonly Tokens[], domain: Domain): Alphabet {
  const lits = new Set<number>();
  const folds = new Set<number>();
  for (let i = 0; i < patterns.length; i++) {
    const p = patterns[i] as Tokens;
    for (let k = 0; k < p.length; k++) {
      const t = p[k] as number;
      if (t >= FOLD) folds.add(t - FOLD);
      else if (t >= 0) lits.add(t);
      else if (t === ONE_NO_COLON || t === STAR_NO_COLON) lits.add(58);
    }
  }
  return new Alphabet(lits, folds, domain);
}

/**
 * The patterns' literal heads — the code points before a pattern's first wildcard or IgnoreCase
 * literal — as a trie over classes (a literal code point is a class of its own, so the trie is
 * deterministic). Trust-policy patterns mostly share long heads (`repo:acme/svc-`): a
 * configuration steps one trie node instead of every pattern reading the same literal. A pattern
 * leaves the trie where its head ends, as its tail's automaton in its start state. Node 0 is the
 * root; a node without children is never kept in a configuration (-1), so configurations are
 * exactly those of a search that steps every pattern on its own.
 */
class HeadTrie {
  /**
   * Per node: its first child, its next sibling (-1: none), the class that leads to it, and how
   * many children it has — flat typed arrays of `capacity` nodes, no array per node (a policy's
   * trie has a node per character of its heads) and none grown node by node.
   */
  readonly firstKid: Int32Array;
  readonly sibling: Int32Array;
  readonly label: Int32Array;
  readonly kidCount: Int32Array;
  /**
   * Per node: the patterns whose head ends there and their tails' start states, by pattern, as
   * an index into `spawns` (-1: none).
   */
  readonly spawnOf: Int32Array;
  readonly spawns: number[][] = [];
  /** Nodes made (node 0, the root, included). */
  private size = 1;

  /** `capacity`: at least one more than the heads' classes together (each makes a node at most). */
  constructor(capacity: number) {
    this.firstKid = new Int32Array(capacity).fill(-1);
    this.sibling = new Int32Array(capacity).fill(-1);
    this.label = new Int32Array(capacity).fill(-1);
    this.kidCount = new Int32Array(capacity);
    this.spawnOf = new Int32Array(capacity).fill(-1);
  }

  /** The last head added and the node after each of its classes (heads mostly share prefixes). */
  private readonly lastHead: number[] = [];
  private lastLength = 0;
  private readonly lastNodes: number[] = [0];

  /** Adds a head (the first `length` classes of `head`) for pattern `p`, in ascending order. */
  add(head: readonly number[], length: number, p: number, start: number): void {
    // Resume where the head parts from the previous one.
    let k = 0;
    const shared = Math.min(length, this.lastLength);
    while (k < shared && head[k] === this.lastHead[k]) k++;
    let node = this.lastNodes[k] as number;
    for (; k < length; k++) {
      const cls = head[k] as number;
      let next = this.child(node, cls);
      if (next < 0) {
        next = this.size++;
        this.sibling[next] = this.firstKid[node] as number;
        this.label[next] = cls;
        this.firstKid[node] = next;
        this.kidCount[node] = (this.kidCount[node] as number) + 1;
      }
      node = next;
      this.lastHead[k] = cls;
      this.lastNodes[k + 1] = node;
    }
    this.lastLength = length;
    let list = this.spawnOf[node] as number;
    if (list < 0) {
      list = this.spawns.length;
      this.spawns.push([]);
      this.spawnOf[node] = list;
    }
    (this.spawns[list] as number[]).push(p, start);
  }

  /** The child of `node` by class `cls`, or -1. */
  child(node: number, cls: number): number {
    for (let k = this.firstKid[node] as number; k >= 0; k = this.sibling[k] as number)
      if (this.label[k] === cls) return k;
    return -1;
  }

  /** The patterns spawned at `node` (pattern, start state pairs), or undefined. */
  spawned(node: number): number[] | undefined {
    const list = this.spawnOf[node] as number;
    return list < 0 ? undefined : this.spawns[list];
  }
}

/**
 * The classes of a pattern's literal head into `head` (its code points before the first wildcard
 * or IgnoreCase literal); returns how many. `literals`: the classes of ASCII literals met so far
 * (-2: not looked up yet), one lookup each instead of one per token.
 */
function headOf(p: Tokens, alphabet: Alphabet, literals: Int32Array, head: number[]): number {
  let length = 0;
  for (let k = 0; k < p.length; k++) {
    const t = p[k] as number;
    // A literal the domain excludes is left to the tail, which dies on it.
    let cls: number;
    if (t >= 0 && t < 128) {
      cls = literals[t] as number;
      if (cls === -2) literals[t] = cls = alphabet.literal(t);
    } else cls = t >= 0 && t < FOLD ? alphabet.literal(t) : -1;
    if (cls < 0) break;
    head[length++] = cls;
  }
  return length;
}

/** The tokens of the patterns together. */
function tokenCount(patterns: readonly Tokens[]): number {
  let n = 0;
  for (let i = 0; i < patterns.length; i++) n += (patterns[i] as Tokens).length;
  return n;
}

/**
 * The regions of a string variable constrained by `patterns`, over `domain`. Throws
 * `FoldUnsupported` (alphabet.ts) for IgnoreCase literals outside the per-code-point fragment.
 */
export function partition(
  patterns: readonly Tokens[],
  domain: Domain,
  budget = DEFAULT_BUDGET,
  options: { shareExits?: boolean; shareRests?: boolean } = {},
): Partition {
  const alphabet = alphabetFor(patterns, domain);
  if (patterns.length === 0) {
    const trivial = unconstrained(alphabet, domain, budget);
    if (trivial) return trivial;
  }
  const trie = new HeadTrie(1 + tokenCount(patterns));
  const head: number[] = [];
  // Tails recur (`*`, `*:pull_request` after each repository's head): one automaton per tail.
  const tails = new Tails(alphabet.size);
  const starts = new Map<string, number>();
  const literals = new Int32Array(128).fill(-2);
  for (let i = 0; i < patterns.length; i++) {
    const p = patterns[i] as Tokens;
    const length = headOf(p, alphabet, literals, head);
    const tail = length === 0 ? p : p.slice(length);
    const id = tail.join(',');
    let start = starts.get(id);
    if (start === undefined) starts.set(id, (start = tails.add(matchersOf(tail, alphabet))));
    trie.add(head, length, i, start);
  }
  const ctx: SearchContext = {
    tails,
    trie,
    alphabet,
    maxLength: domain.maxLength,
    budget,
    expanded: 0,
    configurations: 0,
    memo: new Map(),
    rests: new Set(),
    toRoot: undefined,
    events: [],
    partial: new Map(),
    renamed: new Map(),
    shareExits: options.shareExits ?? true,
    shareRests: options.shareRests ?? true,
  };
  const root = search(ctx, startConfig(trie), domain.minLength);
  // Regions in the order of their witnesses (shortest first, then preference order): class ids
  // as UTF-16 units compare in that order natively (there are never more than 65,535 classes in
  // a policy's size, but the comparison says so).
  const regions = orderedRegions(root.found, alphabet);
  const complete = root.complete && ctx.expanded <= budget;
  const keys = new Map<number, string>();
  // The last value placed, with the node and length after each of its code units: values are
  // placed in runs that share long prefixes (`repo:acme/app:` + each context), so a value
  // resumes where it parts from the previous one.
  let last = '';
  const nodes: Array<number | undefined> = [0];
  const lengths: number[] = [0];
  // Entries past `reached` are stale (the lists are not cut: they would be grown again).
  let reached = 0;
  const ascii = alphabet.ascii;
  return {
    regions,
    complete,
    configurations: complete ? ctx.configurations : ctx.expanded,
    keyOf(value: string): string | undefined {
      let i = 0;
      const shared = Math.min(value.length, last.length);
      while (i < shared && value.charCodeAt(i) === last.charCodeAt(i)) i++;
      // Never resume inside a surrogate pair, nor past a node the previous value did not reach.
      if (i > 0 && i < value.length && isLowSurrogate(value.charCodeAt(i))) i--;
      while (i > 0 && (i > reached || nodes[i] === undefined)) i--;
      last = value;
      reached = i;
      let node = nodes[i] as number;
      let length = lengths[i] as number;
      // Past a factored node the walk goes on in the rest's search (not remembered).
      let at: Searched = root;
      let absorbed: number[] | undefined;
      // The patterns of the search walked, by their numbers in it (undefined: the root's own).
      let slots: number[] | undefined;
      for (;;) {
        const f = at.factored[node];
        if (f) {
          absorbed = joinAbsorbed(absorbed, f.absorbed, slots);
          if (f.slots) slots = compose(slots, f.slots);
          at = f.sub;
          node = 0;
          continue;
        }
        if (i >= value.length) break;
        const cp = value.codePointAt(i) as number;
        i += cp > 0xffff ? 2 : 1;
        length++;
        if (length > domain.maxLength) return undefined;
        // The class and the step written out (a call each per character of every value placed).
        let cls = cp < 128 ? (ascii[cp] as number) : -2;
        if (cls === -2) cls = alphabet.classOf(cp);
        if (cls < 0) return undefined;
        const graph = at.graph;
        const end = graph.start[node + 1] ?? graph.edges.length;
        let to = graph.fallback[node];
        for (let e = graph.start[node] as number; e < end; e += 2) {
          if (graph.edges[e] === cls) {
            to = graph.edges[e + 1];
            break;
          }
        }
        if (to === undefined || to < 0) return undefined;
        node = to;
        if (at === root) {
          if (cp > 0xffff) nodes[i - 1] = undefined;
          nodes[i] = node;
          lengths[i] = length;
          reached = i;
        }
      }
      if (length < domain.minLength) return undefined;
      const config = at.graph.configs[node] as Config;
      if (absorbed) {
        const key = vectorKey(tails, config);
        return withAbsorbed(absorbed, slots ? renamedKey(key, slots) : key);
      }
      let key = keys.get(node);
      if (key === undefined) keys.set(node, (key = vectorKey(tails, config)));
      return key;
    },
  };
}

/**
 * The regions in the order of their witnesses: shortest first, then first in preference order
 * (class ids are in preference order; as UTF-16 units they compare in that order natively —
 * there are never more than 65,535 classes in a policy's size, but the test says so).
 */
function orderedRegions(found: Map<string, number[]>, alphabet: Alphabet): StringRegion[] {
  const entries = [...found];
  let order: number[];
  if (alphabet.size <= 0xffff && entries.length <= 0xffff) {
    // Each witness as UTF-16 units after its length and before its entry's index (two units
    // each): the strings sort natively in that order, with no comparator called.
    const sortKeys: string[] = [];
    for (let i = 0; i < entries.length; i++) {
      const w = (entries[i] as [string, number[]])[1];
      const length = String.fromCharCode(w.length >>> 16, w.length & 0xffff);
      sortKeys.push(length + String.fromCharCode(...w) + String.fromCharCode(i >>> 16, i & 0xffff));
    }
    sortKeys.sort();
    order = [];
    for (let i = 0; i < sortKeys.length; i++) {
      const k = sortKeys[i] as string;
      order.push(k.charCodeAt(k.length - 2) * 0x10000 + k.charCodeAt(k.length - 1));
    }
  } else {
    order = entries.map((_, i) => i);
    order.sort((a, b) => {
      const x = (entries[a] as [string, number[]])[1];
      const y = (entries[b] as [string, number[]])[1];
      return before(x, y) ? -1 : before(y, x) ? 1 : 0;
    });
  }
  const reps = alphabet.reps;
  const out: StringRegion[] = [];
  // The witnesses' code points in one buffer, grown as needed (no array per witness).
  let points = new Uint32Array(64);
  for (let j = 0; j < order.length; j++) {
    const entry = entries[order[j] as number] as [string, number[]];
    const key = entry[0];
    const w = entry[1];
    if (w.length > points.length) points = new Uint32Array(w.length * 2);
    let bmp = true;
    for (let k = 0; k < w.length; k++) {
      const cp = reps[w[k] as number] as number;
      points[k] = cp;
      if (cp > 0xffff) bmp = false;
    }
    const units = points.subarray(0, w.length) as unknown as number[];
    out.push({
      key,
      witness: bmp
        ? String.fromCharCode.apply(null, units)
        : String.fromCodePoint.apply(null, units),
    });
  }
  return out;
}

/**
 * The partition of a variable no pattern constrains, without a search (a second, tiny search
 * would also make V8 compile the search's code again): one region, the domain's shortest string
 * of the preferred character, and the configurations the search would count — one per length
 * up to the minimum. Undefined when the budget would stop that search (the search says so).
 */
function unconstrained(alphabet: Alphabet, domain: Domain, budget: number): Partition | undefined {
  const rep = alphabet.reps[0];
  const configurations = rep === undefined ? 1 : Math.min(domain.minLength, domain.maxLength) + 1;
  if (configurations >= budget) return undefined;
  const regions: StringRegion[] = [];
  if (domain.minLength === 0) regions.push({ key: '', witness: '' });
  else if (rep !== undefined && domain.minLength <= domain.maxLength)
    regions.push({ key: '', witness: String.fromCodePoint(rep).repeat(domain.minLength) });
  return {
    regions,
    complete: true,
    configurations,
    keyOf(value: string): string | undefined {
      let length = 0;
      for (const ch of value) {
        if (++length > domain.maxLength) return undefined;
        if (alphabet.classOf(ch.codePointAt(0) as number) < 0) return undefined;
      }
      return length < domain.minLength ? undefined : '';
    },
  };
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/**
 * A product configuration, sparse: the trie node (-1: none), then (pattern, state) pairs of the
 * patterns alive past their heads, in pattern order. Most patterns of a trust policy die within a
 * few characters.
 */
type Config = number[];

/** The trie node, or -1 when it has no children (its patterns all left it). */
function keptNode(trie: HeadTrie, node: number): number {
  return node >= 0 && (trie.kidCount[node] as number) > 0 ? node : -1;
}

function startConfig(trie: HeadTrie): Config {
  return [keptNode(trie, 0), ...(trie.spawned(0) ?? [])];
}

/** The successor of a configuration into `out` (reused); returns its length. */
function stepInto(
  tails: Tails,
  trie: HeadTrie,
  config: Config,
  cls: number,
  out: number[],
  merge: number[],
): number {
  // The trie's child and the tails' steps written out (calls cost, run before V8 optimises).
  const node = config[0] as number;
  let child = -1;
  if (node >= 0)
    for (let k = trie.firstKid[node] as number; k >= 0; k = trie.sibling[k] as number)
      if (trie.label[k] === cls) {
        child = k;
        break;
      }
  let n = 1;
  const next = tails.next;
  const classes = tails.classes;
  for (let j = 1; j < config.length; j += 2) {
    const state = config[j + 1] as number;
    const i = state * classes + cls;
    const known = next[i] as number;
    const s = known !== -2 ? known : tails.compute(state, cls, i);
    if (s >= 0) {
      out[n++] = config[j] as number;
      out[n++] = s;
    }
  }
  if (child < 0) {
    out[0] = -1;
    return n;
  }
  out[0] = (trie.kidCount[child] as number) > 0 ? child : -1;
  const list = trie.spawnOf[child] as number;
  const spawn = list < 0 ? undefined : trie.spawns[list];
  if (!spawn || spawn.length === 0) return n;
  return joinSpawned(out, n, spawn, merge);
}

/** Patterns whose head ends at the new node join the live ones in `out`, in pattern order. */
function joinSpawned(out: number[], n: number, spawn: readonly number[], merge: number[]): number {
  let m = 0;
  let a = 1;
  let b = 0;
  while (a < n || b < spawn.length) {
    if (b >= spawn.length || (a < n && (out[a] as number) < (spawn[b] as number))) {
      merge[m++] = out[a++] as number;
      merge[m++] = out[a++] as number;
    } else {
      merge[m++] = spawn[b++] as number;
      merge[m++] = spawn[b++] as number;
    }
  }
  for (let i = 0; i < m; i++) out[1 + i] = merge[i] as number;
  return 1 + m;
}

/** Which patterns accept: their indexes, comma-separated. */
function vectorKey(tails: Tails, config: Config): string {
  let key = '';
  for (let j = 1; j < config.length; j += 2) {
    const p = config[j] as number;
    if (tails.accept[config[j + 1] as number]) key += key === '' ? `${p}` : `,${p}`;
  }
  return key;
}

function sameConfig(a: Config, b: Config, n: number): boolean {
  if (a.length !== n) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Configurations seen so far, by a numeric hash (no key strings: they dominated the time). The
 * entries of one hash are chained through `chain` (no array per bucket).
 */
class Seen {
  private readonly first = new Map<number, number>();
  private readonly chain: number[] = [];
  constructor(
    private readonly configs: Config[],
    private readonly clamps: number[],
  ) {}

  /**
   * Takes `index` for a configuration known to be new: one on a trie node, which only its node's
   * literal prefix reaches (once per search, at one length), so it is never looked up.
   */
  fresh(index: number): void {
    this.chain[index] = -1;
  }

  /** The index of the first `n` numbers of `config` at `clamp`, added as `index` when new. */
  indexOf(config: Config, n: number, clamp: number, index: number): number {
    let h = clamp | 0;
    for (let i = 0; i < n; i++) h = (Math.imul(h, 31) + (config[i] as number)) | 0;
    const head = this.first.get(h);
    for (let j = head ?? -1; j >= 0; j = this.chain[j] as number) {
      if (this.clamps[j] === clamp && sameConfig(this.configs[j] as Config, config, n)) return j;
    }
    this.chain[index] = head ?? -1;
    this.first.set(h, index);
    return index;
  }
}

/**
 * The live-tail parts of configurations (everything after the trie node), numbered: leaving the
 * trie, a configuration's successor depends only on them and the class read — so it is worked out
 * once per tail part and class, not once per trie node that carries the same tails (`*:pull_request`
 * of a `repo:*` Deny is live under every literal of every repository).
 */
class TailParts {
  private readonly first = new Map<number, number>();
  private readonly chain: number[] = [];
  private readonly reps: Config[] = [];

  /** The number of `config`'s tail part (`config` is kept as its representative when new). */
  idOf(config: Config): number {
    let h = 7;
    const n = config.length;
    for (let i = 1; i < n; i++) h = (Math.imul(h, 31) + (config[i] as number)) | 0;
    const head = this.first.get(h);
    for (let j = head ?? -1; j >= 0; j = this.chain[j] as number) {
      const rep = this.reps[j] as Config;
      if (rep.length !== n) continue;
      let same = true;
      for (let i = 1; i < n && same; i++) same = rep[i] === config[i];
      if (same) return j;
    }
    const id = this.reps.length;
    this.reps.push(config);
    this.chain.push(head ?? -1);
    this.first.set(h, id);
    return id;
  }
}

/**
 * The search's graph, for placing concrete strings: per node, its successors by the classes its
 * live positions name (flat, `edges` from `start[node]` to `start[node + 1]`, as class and
 * target pairs); any other class goes to `fallback` (every such class behaves alike).
 */
class Graph {
  readonly configs: Config[] = [];
  readonly start: number[] = [];
  readonly edges: number[] = [];
  readonly fallback: number[] = [];
}

/** One search from a start configuration (the whole partition's, or a factored rest's). */
interface Searched {
  graph: Graph;
  /** Configurations found and expanded by this search itself (not the searches it started). */
  own: { configurations: number; expanded: number };
  /** The rests off the trie it set aside, in its pattern numbers, with their patterns. */
  events: Array<{ rest: Config; slots: number[] }>;
  /** Per acceptance vector: its shortest continuation from the start (class ids), first in order. */
  found: Map<string, number[]>;
  complete: boolean;
  /** Per node where patterns accept every continuation: those patterns and the rest's search. */
  factored: Array<Factored | undefined>;
}

interface Factored {
  absorbed: number[];
  sub: Searched;
  /**
   * The patterns the rest's search numbers 0, 1, …: their numbers here (undefined: the search
   * numbers them as here).
   */
  slots: number[] | undefined;
  /** The rest's vectors and shortest continuations, in the numbers of patterns here. */
  found: Map<string, number[]>;
}

interface SearchContext {
  tails: Tails;
  trie: HeadTrie;
  alphabet: Alphabet;
  maxLength: number;
  budget: number;
  /** Configurations expanded so far, every search together (the budget's count). */
  expanded: number;
  /** Configurations found so far, every search together. */
  configurations: number;
  /** Searches of rests by their configuration; null while one is under way. */
  memo: Map<string, Searched | null>;
  /** The rests off the trie met so far, in the root's pattern numbers. */
  rests: Set<string>;
  /** The pattern numbers of the search under way in the root's (undefined: the root's own). */
  toRoot: number[] | undefined;
  /** The rests set aside by the search under way. */
  events: Array<{ rest: Config; slots: number[] }>;
  /** Searches of rests not shared because the budget stopped them, by their root numbers. */
  partial: Map<string, Searched>;
  /** A shared search's vectors in one rest's pattern numbers, by the rest's configuration. */
  renamed: Map<string, Map<string, number[]>>;
  /** Remember successors that leave the trie by tail part (off: the plain search, for tests). */
  shareExits: boolean;
  /** One search per rest off the trie of the same states (off: one per rest, for tests). */
  shareRests: boolean;
}

/** Shorter, or as long and first in preference order (class ids are in preference order). */
function before(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return a.length < b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
  return false;
}

function offer(found: Map<string, number[]>, key: string, witness: number[]): void {
  const known = found.get(key);
  if (!known || before(witness, known)) found.set(key, witness);
}

/** The union of pattern indexes (ascending) and a vector key, as a vector key. */
function withAbsorbed(absorbed: readonly number[], key: string): string {
  if (key === '') return absorbed.join(',');
  const rest = key.split(',');
  let out = '';
  let a = 0;
  let b = 0;
  while (a < absorbed.length || b < rest.length) {
    const x = a < absorbed.length ? (absorbed[a] as number) : Infinity;
    const y = b < rest.length ? Number(rest[b]) : Infinity;
    const next = x < y ? absorbed[a++] : rest[b++];
    out += out === '' ? `${next}` : `,${next}`;
  }
  return out;
}

/**
 * Patterns that accept every continuation from here on (a trailing `*` reached) are set aside:
 * the vectors reachable from the configuration are theirs joined to those reachable from the
 * rest, and the rest's search is shared by every configuration with the same rest (the
 * `repo:*:pull_request` states after each `…/heads/*` of a policy). Only where the domain sets
 * no maximum length (a continuation's length then never matters). Undefined: nothing to set
 * aside, or the rest's search is under way (then the configuration is expanded as usual).
 */
function factor(ctx: SearchContext, config: Config): Factored | undefined {
  let absorbed: number[] | undefined;
  for (let j = 1; j < config.length; j += 2) {
    if (ctx.tails.forever[config[j + 1] as number]) (absorbed ??= []).push(config[j] as number);
  }
  if (!absorbed) return undefined;
  const rest: Config = [config[0] as number];
  for (let j = 1; j < config.length; j += 2) {
    if (!ctx.tails.forever[config[j + 1] as number])
      rest.push(config[j] as number, config[j + 1] as number);
  }
  const id = rest.join(',');
  if (rest[0] !== -1 || !ctx.shareRests) {
    let sub = ctx.memo.get(id);
    if (sub === null) return undefined;
    if (sub === undefined) {
      ctx.memo.set(id, null);
      sub = search(ctx, rest, 0);
      ctx.memo.set(id, sub);
    }
    return { absorbed, sub, slots: undefined, found: sub.found };
  }
  // Off the trie nothing joins a configuration: the rest's search depends only on its tails'
  // states, in order, and its patterns' numbers only name them. One search, with the patterns
  // numbered 0, 1, … in order, serves every rest of the same states (each service's
  // `repo:acme/svc-N-*:pull_request` beside a `repo:*:pull_request` Deny); its vectors are read
  // back in each rest's numbers (an order-keeping renaming: vectors stay sorted).
  const slots: number[] = [];
  const shape: Config = [-1];
  for (let j = 1; j < rest.length; j += 2) {
    shape.push(slots.length, rest[j + 1] as number);
    slots.push(rest[j] as number);
  }
  const shapeId = `s${shape.join(',')}`;
  // The rest in the root's pattern numbers: what the plain search memoises by (and counts once).
  const rootId = ctx.toRoot ? renamedRest(rest, ctx.toRoot).join(',') : id;
  let sub = ctx.memo.get(shapeId);
  if (sub === null) return undefined;
  ctx.events.push({ rest, slots });
  if (sub === undefined) {
    ctx.memo.set(shapeId, null);
    sub = searchRenamed(ctx, shape, slots);
    ctx.memo.set(shapeId, sub);
    ctx.rests.add(rootId);
  } else if (!ctx.rests.has(rootId)) {
    // The configurations the plain search would count for this rest: the shared search's own,
    // and those of each rest it met that was new in the root's numbers. When the budget would
    // stop that search part of the way, it is made (and not shared).
    const fresh = new Set<string>([rootId]);
    const count = { configurations: 0, expanded: 0 };
    tally(ctx, sub, compose(ctx.toRoot, slots), fresh, count);
    if (ctx.expanded + count.expanded > ctx.budget) {
      const own = searchRenamed(ctx, shape, slots);
      ctx.rests.add(rootId);
      ctx.partial.set(rootId, own);
      return { absorbed, sub: own, slots, found: renamedFound(own.found, slots) };
    }
    ctx.configurations += count.configurations;
    ctx.expanded += count.expanded;
    for (const x of fresh) ctx.rests.add(x);
  } else {
    const own = ctx.partial.get(rootId);
    if (own) return { absorbed, sub: own, slots, found: renamedFound(own.found, slots) };
  }
  let found = ctx.renamed.get(id);
  if (!found) ctx.renamed.set(id, (found = renamedFound(sub.found, slots)));
  return { absorbed, sub, slots, found };
}

/** Patterns set aside so far and those of a factored node (numbered `slots`), sorted. */
function joinAbsorbed(
  known: number[] | undefined,
  more: readonly number[],
  slots: readonly number[] | undefined,
): number[] {
  const mine = slots ? more.map((x) => slots[x] as number) : (more as number[]);
  return known ? [...known, ...mine].sort((x, y) => x - y) : mine;
}

/** A search of a rest whose patterns are numbered by their positions in `slots`. */
function searchRenamed(ctx: SearchContext, shape: Config, slots: readonly number[]): Searched {
  const outer = ctx.toRoot;
  ctx.toRoot = compose(outer, slots);
  try {
    return search(ctx, shape, 0);
  } finally {
    ctx.toRoot = outer;
  }
}

/** `slots` (positions → numbers of a search) then `toRoot` (→ the root's numbers). */
function compose(toRoot: readonly number[] | undefined, slots: readonly number[]): number[] {
  return toRoot ? slots.map((x) => toRoot[x] as number) : [...slots];
}

/** A rest configuration with its pattern numbers renamed. */
function renamedRest(rest: Config, names: readonly number[]): Config {
  const out: Config = [rest[0] as number];
  for (let j = 1; j < rest.length; j += 2)
    out.push(names[rest[j] as number] as number, rest[j + 1] as number);
  return out;
}

/**
 * Adds to `count` the configurations a search like `sub` counts when its patterns are numbered
 * `toRoot` in the root: its own, and those of the rests it met that are not in `fresh` nor
 * searched before (each counted once, as the plain search's memo counts them).
 */
function tally(
  ctx: SearchContext,
  sub: Searched,
  toRoot: readonly number[],
  fresh: Set<string>,
  count: { configurations: number; expanded: number },
): void {
  count.configurations += sub.own.configurations;
  count.expanded += sub.own.expanded;
  for (const e of sub.events) {
    const id = renamedRest(e.rest, toRoot).join(',');
    if (fresh.has(id) || ctx.rests.has(id)) continue;
    fresh.add(id);
    const shape: Config = [-1];
    for (let j = 1; j < e.rest.length; j += 2) shape.push((j - 1) / 2, e.rest[j + 1] as number);
    const nested = ctx.memo.get(`s${shape.join(',')}`);
    if (nested) tally(ctx, nested, compose(toRoot, e.slots), fresh, count);
  }
}

/** A vector key whose pattern numbers are positions in `slots`, in the numbers of `slots`. */
function renamedKey(key: string, slots: readonly number[]): string {
  if (key === '') return '';
  let out = '';
  let x = 0;
  for (let c = 0; c <= key.length; c++) {
    const ch = c < key.length ? key.charCodeAt(c) : 44;
    if (ch !== 44) x = x * 10 + (ch - 48);
    else {
      out += out === '' ? `${slots[x] as number}` : `,${slots[x] as number}`;
      x = 0;
    }
  }
  return out;
}

function renamedFound(
  found: Map<string, number[]>,
  slots: readonly number[],
): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [key, w] of found) out.set(renamedKey(key, slots), w);
  return out;
}

/**
 * The classes a configuration steps on (the first `count` of `items`, reused from one
 * configuration to the next), and which of them stands for every other one.
 */
interface Classes {
  items: number[];
  count: number;
  fallback: number;
}

/**
 * The classes to step a configuration on, in preference order, into `out`: the trie node's
 * children (marked `-generation`), the classes the live tails name (marked `generation`), and one
 * class for all others (`out.fallback`, -1 when none is left). Returns the number of children.
 */
function classesOf(
  ctx: SearchContext,
  config: Config,
  mark: Int32Array,
  generation: number,
  out: Classes,
): number {
  const items = out.items;
  let n = 0;
  let kids = 0;
  const node = config[0] as number;
  if (node >= 0) {
    const trie = ctx.trie;
    for (let k = trie.firstKid[node] as number; k >= 0; k = trie.sibling[k] as number) {
      const c = trie.label[k] as number;
      mark[c] = -generation;
      items[n++] = c;
      kids++;
    }
  }
  for (let j = 1; j < config.length; j += 2) {
    const relevant = ctx.tails.relevant[config[j + 1] as number] as number[];
    for (let k = 0; k < relevant.length; k++) {
      const c = relevant[k] as number;
      if (mark[c] !== generation && mark[c] !== -generation) {
        mark[c] = generation;
        items[n++] = c;
      }
    }
  }
  // Every class no live position names behaves alike: one of them stands for all.
  out.fallback = -1;
  const size = ctx.alphabet.size;
  for (let c = 0; c < size; c++) {
    if (mark[c] !== generation && mark[c] !== -generation) {
      out.fallback = c;
      items[n++] = c;
      break;
    }
  }
  // In preference order: the first witness of a region is the one to keep. (Insertion sort:
  // the list is a handful of classes, and Array#sort with a comparator was the search's
  // hottest line.)
  for (let i = 1; i < n; i++) {
    const c = items[i] as number;
    let j = i - 1;
    for (; j >= 0 && (items[j] as number) > c; j--) items[j + 1] = items[j] as number;
    items[j + 1] = c;
  }
  out.count = n;
  return kids;
}

/**
 * Breadth-first search over the product of the trie and the live tails from `start`, in
 * preference order of the classes: the first path to a configuration is its shortest string,
 * first in order. `minLength`: strings shorter than it are outside the domain (none are regions).
 */
function search(ctx: SearchContext, start: Config, minLength: number): Searched {
  const { tails, trie, alphabet } = ctx;
  const events: Array<{ rest: Config; slots: number[] }> = [];
  const outerEvents = ctx.events;
  ctx.events = events;
  let expandedHere = 0;
  const direct = new Map<string, number>();
  const found = new Map<string, number[]>();
  const factored: Array<Factored | undefined> = [];
  const clamps: number[] = [];
  const parents: number[] = [];
  const via: number[] = [];
  const lengths: number[] = [];
  const graph = new Graph();
  const configs = graph.configs;
  const seen = new Seen(configs, clamps);
  const push = (config: Config, n: number, parent: number, cls: number, length: number): number => {
    const clamp = length < minLength ? length : minLength;
    let index = configs.length;
    if (config[0] === -1 || index === 0) index = seen.indexOf(config, n, clamp, index);
    else seen.fresh(index);
    if (index < configs.length) return index;
    configs.push(config.slice(0, n));
    clamps.push(clamp);
    parents.push(parent);
    via.push(cls);
    lengths.push(length);
    ctx.configurations++;
    return index;
  };
  const path = (i: number): number[] => {
    const out: number[] = [];
    for (let j = i; j > 0; j = parents[j] as number) out.push(via[j] as number);
    return out.reverse();
  };
  push(start, start.length, -1, -1, 0);
  const scratch: number[] = [];
  const merge: number[] = [];
  const mark = new Int32Array(alphabet.size);
  const classes: Classes = { items: [], count: 0, fallback: -1 };
  const parts = new TailParts();
  const exits = new Map<number, number>();
  const size = alphabet.size;
  let generation = 0;
  let complete = true;
  for (let head = 0; head < configs.length; head++) {
    if (ctx.expanded >= ctx.budget) {
      complete = false;
      break;
    }
    ctx.expanded++;
    expandedHere++;
    const config = configs[head] as Config;
    const length = lengths[head] as number;
    graph.start[head] = graph.edges.length;
    graph.fallback[head] = -1;
    // (The factoring's first test written out: most configurations have nothing to set aside.)
    let forever = false;
    if (length >= minLength && ctx.maxLength === Infinity)
      for (let j = 2; j < config.length && !forever; j += 2)
        forever = tails.forever[config[j] as number] === true;
    if (forever) {
      const f = factor(ctx, config);
      if (f) {
        factored[head] = f;
        // The path here is read only for a vector it may give a witness to (one no shorter
        // than what is known: most are longer, found earlier).
        let prefix: number[] | undefined;
        for (const [key, rest] of f.found) {
          const vector = withAbsorbed(f.absorbed, key);
          const known = found.get(vector);
          if (known && known.length < length + rest.length) continue;
          prefix ??= path(head);
          offer(found, vector, prefix.concat(rest));
        }
        if (!f.sub.complete) complete = false;
        continue;
      }
    }
    if (length >= minLength) {
      const key = vectorKey(tails, config);
      if (!direct.has(key)) direct.set(key, head);
    }
    if (length >= ctx.maxLength) continue;
    generation++;
    const kids = classesOf(ctx, config, mark, generation, classes);
    // Past the minimum length every successor has one clamp: a successor of a trie node's
    // configuration that leaves the trie is the one found before for the same tail part and
    // class. (Configurations off the trie are expanded once each: nothing to share there.)
    const part =
      ctx.shareExits && config[0] !== -1 && length + 1 >= minLength ? parts.idOf(config) : -1;
    for (let i = 0; i < classes.count; i++) {
      const c = classes.items[i] as number;
      const exit = part >= 0 && (kids === 0 || mark[c] !== -generation) ? part * size + c : -1;
      let to = exit >= 0 ? exits.get(exit) : undefined;
      if (to === undefined) {
        const n = stepInto(tails, trie, config, c, scratch, merge);
        to = push(scratch, n, head, c, length + 1);
        if (exit >= 0) exits.set(exit, to);
      }
      if (c === classes.fallback) graph.fallback[head] = to;
      else graph.edges.push(c, to);
    }
  }
  for (const [key, head] of direct) {
    const known = found.get(key);
    if (!known || known.length >= (lengths[head] as number)) offer(found, key, path(head));
  }
  ctx.events = outerEvents;
  const own = { configurations: configs.length, expanded: expandedHere };
  return { graph, found, complete, factored, own, events };
}
