/**
 * The input space of one provider for a question about one or more roles (design note §2, §4):
 * the free atoms the policies read, grouped into variables (atoms a key reads together, and the
 * network keys, which one call path sets together), and each variable's finite partition into
 * regions. A region is a set of atom values that every clause, every one-value atom of a clause,
 * the presence of each atom and the token stage's audience check treat alike — its *signature*.
 * Candidates that cover every cell of every atom are evaluated with the simulator's own clause
 * evaluator (`testClause`) and grouped by signature, so the semantics are never re-implemented.
 */
import type { RequestContext, ContextEntry } from '../conditions/context.js';
import { testClause, type CompiledClause } from '../conditions/evaluate.js';
import type { CompiledStatement } from '../sts/compile.js';
import { FoldUnsupported } from './alphabet.js';
import {
  bindKey,
  constantContext,
  NETWORK_KEYS,
  SOURCE_IDENTITY_ATOM,
  TAGS_ATOM,
  UNDOCUMENTED_KEYS,
  type AtomRef,
  type AtomValue,
  type AtomsBinding,
  type Binding,
} from './bindings.js';
import { atomCandidates, Unknown, type AtomReader, type Candidates } from './candidates.js';
import type { Partition } from './partition.js';
import {
  clauseKey,
  constantResolver,
  tokensKey,
  valueAtoms,
  valueTokens,
  variableKeys,
  type ValueAtom,
} from './patterns.js';
import {
  statementsFor,
  type AnalysisRole,
  type ProviderIdentity,
  type SideProvider,
} from './providers.js';

export interface SpaceOptions {
  /** The preferred clock (epoch ms): examples use it when the policy does not constrain time. */
  now: number;
  /** Product configurations per string atom before its answer is `unknown`. */
  budget?: number;
  /** Cells of one variable (a product of atoms) before the answer is `unknown`. */
  maxCells?: number;
}

export interface Atom extends AtomRef {
  /** One value per cell of the atom; `undefined` is "absent". */
  values: AtomValue[];
  /** Is a concrete value inside the atom's domain? */
  inDomain(v: AtomValue): boolean;
  /** String atoms: the partition, to place a concrete value without evaluating every test. */
  partition?: Partition;
  /** String atoms: each candidate value's partition key, parallel to `values`. */
  keys?: string[];
  /** String atoms: the index of each pattern in the partition, by its tokens joined with `,`. */
  patternIndex?: Map<string, number>;
}

/** One test of a region's signature. */
export interface Test {
  kind: 'present' | 'accept' | 'value' | 'clause';
  /** The role it belongs to (-1: every role). */
  side: number;
  /** `present`: the atom's index in the variable. */
  atom?: number;
  clause?: CompiledClause;
  value?: ValueAtom;
  /**
   * A value of a key that reads a single string atom: its pattern's index in the atom's
   * partition (-1: it never matches). The test is then a bit of the value's partition key.
   */
  pattern?: number;
  /** A clause on a single string atom: its values' pattern indexes, and results by their bits. */
  patterns?: number[];
  /** `patterns` inverted: for each pattern index, its positions among the clause's values. */
  positions?: Map<number, number[]>;
  memo?: Map<string, boolean>;
  /**
   * A clause: the index of an earlier clause test of the variable that is the same clause — the
   * same operator, key and values, none with a policy variable — so that its result is the same
   * on every region (the two roles of a diff mostly write the same statements).
   */
  twin?: number;
  run(ctx: RequestContext, values: readonly AtomValue[]): boolean;
}

export interface Region {
  /** One value per atom of the variable, in the variable's atom order. */
  values: AtomValue[];
  signature: string;
}

export interface Variable {
  index: number;
  /** A single string atom: its regions by partition key (a value's key decides its signature). */
  byKey?: Map<string, number>;
  /**
   * Each test's mask of regions, when the variable was built from partition keys alone (then a
   * region's `signature` is worked out only when read): made from `words` when first read.
   */
  masks?: Array<bigint | undefined>;
  /** Each test's mask as 32-bit words, low first (at least one word), when `masks` is set. */
  words?: Uint32Array[];
  atoms: Atom[];
  /** The keys the policies read from these atoms. */
  keys: AtomsBinding[];
  tests: Test[];
  regions: Region[];
  bySignature: Map<string, number>;
}

export interface SideSpace {
  index: number;
  analysis: AnalysisRole;
  provider: SideProvider;
  /** Statements whose principal names the caller (none when the provider is not registered). */
  statements: CompiledStatement[];
  constants: RequestContext;
}

export interface Space {
  provider: ProviderIdentity;
  sides: SideSpace[];
  variables: Variable[];
  /** Why the answer for this provider cannot be exact; empty when it is. */
  unknown: string[];
  /** Keys read as absent because AWS does not document them for this call. */
  assumptions: string[];
  /** For each key a clause reads: its binding (by lower-cased key). */
  bindings: Map<string, Binding>;
  /** Which variable an atom id belongs to. */
  variableOf: Map<string, number>;
  stats: { configurations: number; cells: number };
}

const DEFAULT_MAX_CELLS = 100_000;

/**
 * A variable, every field present from the start (one object shape for every variable: the
 * engine reads them in its hottest loops). `bySignature` is worked out when first read for a
 * variable built from partition keys alone.
 */
class SpaceVariable implements Variable {
  byKey: Map<string, number> | undefined = undefined;
  masks: Array<bigint | undefined> | undefined = undefined;
  words: Uint32Array[] | undefined = undefined;
  /** `bySignature` is to be made from the regions' signatures when first read. */
  private lazySignatures = false;
  private signatures: Map<string, number> | undefined = undefined;

  constructor(
    readonly index: number,
    readonly atoms: Atom[],
    readonly keys: AtomsBinding[],
    readonly tests: Test[],
    readonly regions: Region[],
  ) {}

  /** Every region by its signature (filled as regions are made, or made from them when read). */
  get bySignature(): Map<string, number> {
    if (this.signatures === undefined) {
      this.signatures = this.lazySignatures
        ? new Map(this.regions.map((region, r) => [region.signature, r]))
        : new Map();
    }
    return this.signatures;
  }

  /** The regions are complete and their signatures lazy: `bySignature` is made from them. */
  signaturesFromRegions(): void {
    this.lazySignatures = true;
    this.signatures = undefined;
  }
}

/** The entries of a variable's keys for concrete atom values, worked out on first read. */
class RegionEntries {
  private readonly entries = new Map<string, ContextEntry | undefined>();
  constructor(
    private readonly keys: ReadonlyMap<string, { binding: AtomsBinding; positions: number[] }>,
    private readonly values: readonly AtomValue[],
  ) {}

  /** The entry of one of the variable's keys; `null` when the key is not the variable's. */
  get(keyLower: string): ContextEntry | undefined | null {
    if (this.entries.has(keyLower)) return this.entries.get(keyLower);
    const k = this.keys.get(keyLower);
    if (!k) return null;
    const e = k.binding.entry(k.positions.map((i) => this.values[i]));
    this.entries.set(keyLower, e);
    return e;
  }
}

/** The context of one region on one role: the variable's keys, then the role's constants. */
function regionContext(entries: RegionEntries, constants: RequestContext): RequestContext {
  return {
    get(keyLower: string): ContextEntry | undefined {
      const e = entries.get(keyLower);
      return e === null ? constants.get(keyLower) : e;
    },
  };
}

/** A variable's keys by lower-cased name, with the positions of their atoms (built once). */
const keyTables = new WeakMap<
  readonly AtomsBinding[],
  Map<string, { binding: AtomsBinding; positions: number[] }>
>();
function keyTable(
  v: Pick<Variable, 'atoms' | 'keys'>,
): Map<string, { binding: AtomsBinding; positions: number[] }> {
  let table = keyTables.get(v.keys);
  if (!table) {
    const ids = v.atoms.map((a) => a.id);
    table = new Map(
      v.keys.map((b) => [
        b.keyLower,
        { binding: b, positions: b.atoms.map((a) => ids.indexOf(a.id)) },
      ]),
    );
    keyTables.set(v.keys, table);
  }
  return table;
}

const NO_CONSTANTS: RequestContext = { get: () => undefined };

function present(v: AtomValue): boolean {
  return v !== undefined && !(Array.isArray(v) && v.length === 0);
}

interface Collected {
  bindings: Map<string, Binding>;
  /** Clauses by the key they read, with their role. */
  readers: Map<string, Array<{ side: number; clause: CompiledClause }>>;
  atoms: Map<string, AtomRef>;
  unknown: string[];
  assumptions: string[];
}

function collect(provider: ProviderIdentity, sides: readonly SideSpace[]): Collected {
  const bindings = new Map<string, Binding>();
  const readers = new Map<string, Array<{ side: number; clause: CompiledClause }>>();
  const atoms = new Map<string, AtomRef>();
  const unknown: string[] = [];
  const assumptions: string[] = [];
  const bind = (keyLower: string): Binding => {
    let b = bindings.get(keyLower);
    if (!b) {
      b = bindKey(keyLower, provider.module, provider.hostPath);
      bindings.set(keyLower, b);
    }
    return b;
  };
  for (const side of sides) {
    const version = side.analysis.role.policy.policy.version;
    for (const s of side.statements) {
      for (const c of s.clauses) {
        const b = bind(c.clause.keyLower);
        if (b.kind === 'tag-key') {
          note(unknown, `${c.clause.key} reads the session tags, which are not analysed`);
        } else if (b.kind === 'atoms') {
          for (const a of b.atoms) atoms.set(a.id, a);
          const list = readers.get(b.keyLower) ?? [];
          list.push({ side: side.index, clause: c });
          readers.set(b.keyLower, list);
        } else if (UNDOCUMENTED_KEYS.has(c.clause.keyLower)) {
          note(
            assumptions,
            `${c.clause.key} is taken as absent: AWS does not document it for AssumeRoleWithWebIdentity (§3.5)`,
          );
        }
        for (const k of variableKeys(c, version)) {
          if (bind(k).kind !== 'constant') {
            note(
              unknown,
              `a value of ${c.clause.key} refers to \${${k}}, a value of the request itself (relational policy variables are not analysed, note C7)`,
            );
          }
        }
      }
    }
  }
  // A source identity or session tags in the token need their own action allowed (§3.2, §3.3):
  // whether the token carries them is always part of the space.
  atoms.set(SOURCE_IDENTITY_ATOM.id, SOURCE_IDENTITY_ATOM);
  atoms.set(TAGS_ATOM.id, TAGS_ATOM);
  // The token stage checks aud against a registered provider's client IDs (§1.3).
  if (sides.some((s) => s.provider.registered && s.provider.clientIds !== undefined)) {
    atoms.set('claim:aud', { id: 'claim:aud', kind: 'claim', name: 'aud', multiValued: false });
  }
  return { bindings, readers, atoms, unknown, assumptions };
}

function note(list: string[], text: string): void {
  if (!list.includes(text)) list.push(text);
}

/** Atoms read together by one key, and the network keys, share a variable. */
function groupAtoms(c: Collected): AtomRef[][] {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let p = parent.get(id) ?? id;
    while (p !== (parent.get(p) ?? p)) p = parent.get(p) ?? p;
    return p;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  for (const b of c.bindings.values()) {
    if (b.kind !== 'atoms') continue;
    for (const a of b.atoms.slice(1)) union((b.atoms[0] as AtomRef).id, a.id);
  }
  const network = [...c.atoms.values()].filter(
    (a) => a.kind === 'context' && Object.values(NETWORK_KEYS).includes(a.name),
  );
  for (const a of network.slice(1)) union((network[0] as AtomRef).id, a.id);
  const groups = new Map<string, AtomRef[]>();
  for (const a of c.atoms.values()) {
    const r = find(a.id);
    const g = groups.get(r) ?? [];
    g.push(a);
    groups.set(r, g);
  }
  return [...groups.values()];
}

/** The cells of a variable: the product of its atoms' values, the network coupling applied. */
function cells(atoms: readonly Atom[], max: number): AtomValue[][] {
  const isNetwork = atoms.some((a) => a.kind === 'context' && a.name in invert(NETWORK_KEYS));
  let out: AtomValue[][] = [[]];
  for (const a of atoms) {
    const next: AtomValue[][] = [];
    for (const prefix of out) for (const v of a.values) next.push([...prefix, v]);
    if (next.length > max)
      throw new Unknown(`too many combinations of ${atoms.map((x) => x.name).join(', ')}`);
    out = next;
  }
  if (!isNetwork) return out;
  // Over the internet aws:SourceIp is set and no VPC key; through a VPC endpoint the reverse (§3.5).
  return out.filter(
    (cell) =>
      atoms.every((a, i) => (a.name === 'aws:SourceIp') === (cell[i] !== undefined)) ||
      atoms.every((a, i) => (a.name === 'aws:SourceIp') !== (cell[i] !== undefined)),
  );
}

function invert(r: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [v, k]));
}

function testsFor(
  atoms: readonly Atom[],
  keys: readonly AtomsBinding[],
  c: Collected,
  sides: readonly SideSpace[],
): Test[] {
  const tests: Test[] = [];
  atoms.forEach((a, i) => {
    tests.push({ kind: 'present', side: -1, atom: i, run: (_ctx, v) => present(v[i]) });
  });
  const audIndex = atoms.findIndex((a) => a.id === 'claim:aud');
  if (audIndex >= 0) {
    for (const s of sides) {
      const ids = s.provider.clientIds;
      if (!s.provider.registered || ids === undefined) continue;
      tests.push({
        kind: 'accept',
        side: s.index,
        run: (_ctx, v) => typeof v[audIndex] === 'string' && ids.includes(v[audIndex] as string),
      });
    }
  }
  const twins = new Set<string>();
  const clauseTwins = new Map<string, number>();
  for (const k of keys) {
    for (const r of c.readers.get(k.keyLower) ?? []) {
      const twinKey = clauseKey(r.clause);
      const twin = twinKey === undefined ? undefined : clauseTwins.get(twinKey);
      if (twin !== undefined) {
        // Its values are the twin's, each the same value test (left out), on the same patterns.
        const of = tests[twin] as Test;
        tests.push({
          kind: 'clause',
          side: r.side,
          clause: r.clause,
          twin,
          ...(of.patterns ? { patterns: of.patterns, positions: of.positions, memo: of.memo } : {}),
          run: (ctx) => testClause(r.clause, ctx),
        });
        continue;
      }
      const version = (sides[r.side] as SideSpace).analysis.role.policy.policy.version;
      const single = k.atoms.length === 1 ? atoms.find((a) => a.id === k.atoms[0]?.id) : undefined;
      const resolve = constantResolver((sides[r.side] as SideSpace).constants);
      const patterns: Array<number | undefined> = [];
      for (const value of valueAtoms(r.clause.clause, version, k.multiValued)) {
        const tokens = single?.patternIndex
          ? valueTokens(value.clause, value.value, version, resolve)
          : undefined;
        const pattern = single?.patternIndex
          ? tokens === undefined
            ? -1
            : single.patternIndex.get(tokensKey(tokens))
          : undefined;
        patterns.push(pattern);
        // The same value under the same operator on the same pattern (both roles of a diff
        // mostly write the same ones) is one test; so is the same value of the same key
        // elsewhere (every statement's `aud` clause), when no policy variable can make the two
        // read differently.
        const same =
          pattern !== undefined
            ? `${pattern}|${value.operator.raw}|${value.value}`
            : value.value.includes('$')
              ? undefined
              : `|${k.keyLower}|${value.operator.raw}|${value.value}`;
        if (same !== undefined && twins.has(same)) continue;
        if (same !== undefined) twins.add(same);
        tests.push({
          kind: 'value',
          side: r.side,
          value,
          ...(pattern !== undefined ? { pattern } : {}),
          run: (ctx) => testClause(value.compiled, ctx),
        });
      }
      if (twinKey !== undefined) clauseTwins.set(twinKey, tests.length);
      tests.push({
        kind: 'clause',
        side: r.side,
        clause: r.clause,
        ...(single?.patternIndex && patterns.every((x) => x !== undefined)
          ? {
              patterns: patterns as number[],
              positions: positionsOf(patterns as number[]),
              memo: new Map<string, boolean>(),
            }
          : {}),
        run: (ctx) => testClause(r.clause, ctx),
      });
    }
  }
  return tests;
}

function positionsOf(patterns: readonly number[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  patterns.forEach((p, i) => {
    const list = out.get(p);
    if (list) list.push(i);
    else out.set(p, [i]);
  });
  return out;
}

function buildVariable(
  index: number,
  refs: readonly AtomRef[],
  c: Collected,
  sides: readonly SideSpace[],
  candidates: Map<string, Candidates>,
  maxCells: number,
): Variable {
  const atoms: Atom[] = refs.map((r) => ({ ...r, ...(candidates.get(r.id) as Candidates) }));
  const ids = atoms.map((a) => a.id);
  const keys = [...c.bindings.values()].filter(
    (b): b is AtomsBinding => b.kind === 'atoms' && b.atoms.some((a) => ids.includes(a.id)),
  );
  const tests = testsFor(atoms, keys, c, sides);
  const regions: Region[] = [];
  const variable = new SpaceVariable(index, atoms, keys, tests, regions);
  const partitionKeys = atoms.length === 1 ? atoms[0]?.keys : undefined;
  if (partitionKeys && byKeysAlone(tests)) {
    fromKeys(variable, atoms[0] as Atom, partitionKeys, sides);
    return variable;
  }
  const bySignature = variable.bySignature;
  if (partitionKeys) variable.byKey = new Map();
  cells(atoms, maxCells).forEach((values, i) => {
    // The partition already knows each candidate's key: no need to place the witness again.
    const signature = signatureOf(variable, values, sides, partitionKeys?.[i]);
    if (!bySignature.has(signature)) {
      bySignature.set(signature, regions.length);
      regions.push({ values, signature });
    }
    if (partitionKeys)
      variable.byKey?.set(partitionKeys[i] as string, bySignature.get(signature) as number);
  });
  return variable;
}

/** Are all of a single string atom's tests functions of its values' partition keys? */
function byKeysAlone(tests: readonly Test[]): boolean {
  return tests.every(
    (t) =>
      (t.kind === 'present' && t.atom === 0) ||
      (t.kind === 'value' && t.pattern !== undefined) ||
      (t.kind === 'clause' && t.positions !== undefined && t.memo !== undefined),
  );
}

/** The words of a mask with the given bits set (positions below `n`), low first, at least one. */
function wordsOf(bits: readonly number[], n: number): Uint32Array {
  const words = new Uint32Array(Math.max(1, Math.ceil(n / 32)));
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i] as number;
    words[b >>> 5] = (words[b >>> 5] as number) | (1 << (b & 31));
  }
  return words;
}

/** The mask of words (low first). */
export function maskOfWords(words: Uint32Array): bigint {
  let last = words.length - 1;
  while (last > 0 && words[last] === 0) last--;
  // A mask within 32 bits (a value test's few regions, mostly): no hex text.
  if (last === 0) return BigInt(words[0] as number);
  let hex = '';
  for (let w = last; w >= 0; w--) hex += (words[w] as number).toString(16).padStart(8, '0');
  return BigInt(`0x${hex}`);
}

/**
 * A single string atom's regions and test masks from its candidates' partition keys, with no
 * signature per region: a value test is a bit of the key, a clause's result depends only on which
 * of its values' patterns the key holds (worked out once per distinct set, through the clause
 * evaluator, sharing signatureOf's memo), and presence on whether the value is absent. Two keys
 * are one region when they agree on presence and on the patterns the value tests read — exactly
 * when their signatures agree. The cost grows with the keys and the clauses' touched regions, not
 * with regions × tests. `signature` and `bySignature` are worked out only when read.
 */
function fromKeys(
  v: SpaceVariable,
  atom: Atom,
  keys: readonly string[],
  sides: readonly SideSpace[],
): void {
  const tests = v.tests;
  const valueTests = new Map<number, number[]>();
  tests.forEach((t, i) => {
    if (t.kind !== 'value' || t.pattern === undefined) return;
    const list = valueTests.get(t.pattern);
    if (list) list.push(i);
    else valueTests.set(t.pattern, [i]);
  });
  // The clause tests each pattern appears in, with its positions among the clause's values.
  const clausesOf = new Map<number, Array<{ t: number; at: number[] }>>();
  tests.forEach((t, i) => {
    // A clause's twin reads the clause's results.
    if (t.kind !== 'clause' || !t.positions || t.twin !== undefined) return;
    for (const [pattern, at] of t.positions) {
      const list = clausesOf.get(pattern);
      if (list) list.push({ t: i, at });
      else clausesOf.set(pattern, [{ t: i, at }]);
    }
  });
  const byKey = new Map<string, number>();
  const byCanonical = new Map<string, number>();
  const bits: number[][] = tests.map(() => []);
  const presentBits: number[] = [];
  const absentBits: number[] = [];
  /** Per clause test: the regions some of its patterns touch, with their hit positions. */
  const touched = new Map<number, Array<{ r: number; hits: number[] }>>();
  // The patterns of each key that some value test reads (reused from one key to the next).
  const matching: number[] = [];
  // The clause tests a new region's patterns appear in, with their hit positions (one map, reused
  // from one region to the next), recorded in `touched` for `region`.
  const regionHits = new Map<number, number[]>();
  let region = -1;
  const record = (h: number[], t: number): void => {
    const list = touched.get(t);
    if (list) list.push({ r: region, hits: h });
    else touched.set(t, [{ r: region, hits: h }]);
  };
  for (let i = 0; i < atom.values.length; i++) {
    const value = atom.values[i];
    const key = keys[i] as string;
    const absent = value === undefined;
    const m = absent ? 0 : readPatterns(key, valueTests, matching);
    let canonical = absent ? '0:' : '1:';
    for (let j = 0; j < m; j++) canonical += j === 0 ? `${matching[j]}` : `,${matching[j]}`;
    let r = byCanonical.get(canonical);
    if (r === undefined) {
      r = v.regions.length;
      byCanonical.set(canonical, r);
      v.regions.push(lazyRegion(v, [value], key, sides));
      (absent ? absentBits : presentBits).push(r);
      regionHits.clear();
      for (let j = 0; j < m; j++) {
        const x = matching[j] as number;
        const valueOf = valueTests.get(x) as number[];
        for (let k = 0; k < valueOf.length; k++) (bits[valueOf[k] as number] as number[]).push(r);
        const clauses = clausesOf.get(x);
        for (let k = 0; clauses !== undefined && k < clauses.length; k++) {
          const { t, at } = clauses[k] as { t: number; at: number[] };
          const h = regionHits.get(t);
          if (h) h.push(...at);
          else regionHits.set(t, [...at]);
        }
      }
      region = r;
      regionHits.forEach(record);
    }
    byKey.set(key, r);
  }
  const n = v.regions.length;
  // One value against a clause's values: every string operator (with or without a set
  // operator, negated or not) answers by whether any of them matches it — so a clause is
  // evaluated once for "some match", not once per distinct set of matching values.
  const oneValue = !atom.multiValued && v.keys.every((k) => !k.multiValued);
  const presentWords = wordsOf(presentBits, n);
  const absentWords = wordsOf(absentBits, n);
  const words: Uint32Array[] = [];
  const testWords = (t: Test, i: number): Uint32Array => {
    if (t.kind === 'present') return presentWords;
    if (t.kind === 'value') return wordsOf(bits[i] as number[], n);
    if (t.twin !== undefined) return words[t.twin] as Uint32Array;
    // A clause: its result on the regions it touches, and on those it does not (by presence).
    const list = touched.get(i) ?? [];
    const out = new Uint32Array(presentWords.length);
    for (const { r, hits } of list) {
      const key = oneValue ? '1:some' : `1:${hits.sort((x, y) => x - y).join(',')}`;
      if (clauseResult(v, t, r, key, sides))
        out[r >>> 5] = (out[r >>> 5] as number) | (1 << (r & 31));
    }
    const hit = new Set(list.map((x) => x.r));
    const free = presentBits.find((r) => !hit.has(r));
    if (free !== undefined && clauseResult(v, t, free, '1:', sides)) {
      // Every present region it does not touch.
      const touchedWords = wordsOf([...hit], n);
      for (let w = 0; w < out.length; w++)
        out[w] = (out[w] as number) | ((presentWords[w] as number) & ~(touchedWords[w] as number));
    }
    const none = absentBits[0];
    if (none !== undefined && clauseResult(v, t, none, '0:', sides))
      for (let w = 0; w < out.length; w++) out[w] = (out[w] as number) | (absentWords[w] as number);
    return out;
  };
  for (let i = 0; i < tests.length; i++) words.push(testWords(tests[i] as Test, i));
  // The masks are made from the words when first read (engine.ts `testMask`): most tests'
  // masks are never read as bigints.
  v.words = words;
  v.masks = [];
  v.byKey = byKey;
  v.signaturesFromRegions();
}

/**
 * The patterns of a partition key (`3,17,40`) that some value test reads, in order, into `out`;
 * returns how many. (Read digit by digit: the key of every candidate value is read.)
 */
function readPatterns(key: string, valueTests: Map<number, number[]>, out: number[]): number {
  let m = 0;
  if (key === '') return 0;
  let x = 0;
  for (let c = 0; c <= key.length; c++) {
    const ch = c < key.length ? key.charCodeAt(c) : 44;
    if (ch !== 44) x = x * 10 + (ch - 48);
    else {
      if (valueTests.has(x)) out[m++] = x;
      x = 0;
    }
  }
  return m;
}

/** A clause test's result on a region, memoised by `key` (presence and hit positions). */
function clauseResult(
  v: Variable,
  t: Test,
  r: number,
  key: string,
  sides: readonly SideSpace[],
): boolean {
  let res = t.memo?.get(key);
  if (res === undefined) {
    const values = (v.regions[r] as Region).values;
    const entries = new RegionEntries(keyTable(v), values);
    const ctx = regionContext(
      entries,
      t.side < 0 ? NO_CONSTANTS : (sides[t.side] as SideSpace).constants,
    );
    res = t.run(ctx, values);
    t.memo?.set(key, res);
  }
  return res;
}

/** A region whose signature is worked out when first read. */
function lazyRegion(
  v: Variable,
  values: AtomValue[],
  key: string,
  sides: readonly SideSpace[],
): Region {
  return new LazyRegion(v, values, key, sides);
}

/** (A class, not an object literal with a getter: such literals are built one property at a time.) */
class LazyRegion implements Region {
  private known: string | undefined = undefined;
  constructor(
    private readonly v: Variable,
    readonly values: AtomValue[],
    private readonly key: string,
    private readonly sides: readonly SideSpace[],
  ) {}

  get signature(): string {
    return (this.known ??= signatureOf(this.v, this.values, this.sides, this.key));
  }
}

/**
 * The signature of concrete atom values: one '0'/'1' per test of the variable. `knownKey` is the
 * value's partition key when the caller already has it (`absent` for an absent value).
 */
export function signatureOf(
  v: Pick<Variable, 'atoms' | 'keys' | 'tests'>,
  values: readonly AtomValue[],
  sides: readonly SideSpace[],
  knownKey?: string,
): string {
  const entries = new RegionEntries(keyTable(v), values);
  const contexts = sides.map((s) => regionContext(entries, s.constants));
  const shared = regionContext(entries, NO_CONSTANTS);
  // A single string atom: its values' tests are bits of the partition key, found once.
  const p = v.atoms.length === 1 ? v.atoms[0]?.partition : undefined;
  const value = values[0];
  let accepting: boolean[] | undefined;
  const matching: number[] = [];
  if (p && (typeof value === 'string' || value === undefined)) {
    const key =
      typeof value !== 'string'
        ? ''
        : knownKey !== undefined && knownKey !== 'absent'
          ? knownKey
          : (p.keyOf(value) ?? '');
    accepting = [];
    if (key !== '') for (const x of key.split(',')) matching.push(Number(x));
    for (const x of matching) accepting[x] = true;
  }
  const bits: string[] = [];
  for (const t of v.tests) {
    const ctx = t.side < 0 ? shared : (contexts[t.side] as RequestContext);
    if (t.twin !== undefined) {
      bits.push(bits[t.twin] as string);
    } else if (accepting && t.pattern !== undefined) {
      bits.push(accepting[t.pattern] === true ? '1' : '0');
    } else if (accepting && t.positions && t.memo) {
      // The clause's result depends on which of its values match: their positions, in order.
      let hit: number[] | undefined;
      for (const x of matching) {
        const at = t.positions.get(x);
        if (at) (hit ??= []).push(...at);
      }
      const key = `${value === undefined ? 0 : 1}:${hit ? hit.sort((a, b) => a - b).join(',') : ''}`;
      let r = t.memo.get(key);
      if (r === undefined) t.memo.set(key, (r = t.run(ctx, values)));
      bits.push(r ? '1' : '0');
    } else bits.push(t.run(ctx, values) ? '1' : '0');
  }
  return bits.join('');
}

/** The clauses, per role, that read keys of an atom (for its kind and its constants). */
function readersOf(atom: AtomRef, c: Collected): AtomReader[] {
  const out: AtomReader[] = [];
  for (const b of c.bindings.values()) {
    if (b.kind !== 'atoms' || !b.atoms.some((a) => a.id === atom.id)) continue;
    for (const r of c.readers.get(b.keyLower) ?? []) out.push({ ...r, keyLower: b.keyLower });
  }
  return out;
}

/** The space of one provider for the roles of a question. */
export function buildSpace(
  roles: readonly AnalysisRole[],
  provider: ProviderIdentity,
  options: SpaceOptions,
): Space {
  const sides: SideSpace[] = roles.map((analysis, index) => {
    const p = provider.sides[index] as SideProvider;
    return {
      index,
      analysis,
      provider: p,
      statements: p.registered ? statementsFor(analysis.role.policy.statements, p.caller) : [],
      constants: constantContext(analysis.role),
    };
  });
  const c = collect(provider, sides);
  const space: Space = {
    provider,
    sides,
    variables: [],
    unknown: c.unknown,
    assumptions: c.assumptions,
    bindings: c.bindings,
    variableOf: new Map(),
    stats: { configurations: 0, cells: 0 },
  };
  if (c.unknown.length > 0) return space;
  try {
    const candidates = new Map<string, Candidates>();
    for (const atom of c.atoms.values()) {
      const found = atomCandidates(atom, readersOf(atom, c), { provider, sides, options });
      space.stats.configurations += found.configurations;
      candidates.set(atom.id, found);
    }
    groupAtoms(c).forEach((refs) => {
      const v = buildVariable(
        space.variables.length,
        refs,
        c,
        sides,
        candidates,
        options.maxCells ?? DEFAULT_MAX_CELLS,
      );
      for (const a of v.atoms) space.variableOf.set(a.id, v.index);
      space.stats.cells += v.regions.length;
      space.variables.push(v);
    });
  } catch (e) {
    if (e instanceof Unknown) space.unknown.push(e.message);
    else if (e instanceof FoldUnsupported)
      space.unknown.push(
        'an IgnoreCase value holds U+0307, σ or ς, whose case folding is not per character (note C3)',
      );
    else throw e;
  }
  return space;
}

export { Unknown };
