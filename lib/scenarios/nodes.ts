/** Finding the YAML node behind a path into the loaded value, to give every problem its place. */
import type { Document, LineCounter, Scalar, YAMLMap } from 'yaml';
import { yaml } from '../packages.js';
import { aliasTargets } from '../policy/yaml.js';

export { firstTooDeep } from '../policy/yaml.js';

export type Path = readonly (string | number)[];

export interface Place {
  line: number;
  column: number;
}

export interface NodeLookup {
  /** The node at the full path, when the path exists. */
  value?: unknown;
  /** The key node of the last step, when it was a mapping key. */
  key?: unknown;
  /** The deepest node reached (the whole document at worst). */
  deepest: unknown;
  complete: boolean;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: readonly number[] | null } | null | undefined)?.range;
  return range ? range[0] : undefined;
}

/** 1-based line and column of a node's start (1:1 when it has no range). */
export function placeOf(node: unknown, lc: LineCounter): Place {
  const start = rangeStart(node);
  return start === undefined ? { line: 1, column: 1 } : placeAt(start, lc);
}

export function placeAt(offset: number, lc: LineCounter): Place {
  const { line, col } = lc.linePos(offset);
  return line === 0 ? { line: 1, column: offset + 1 } : { line, column: col };
}

/** The node an alias stands for (found once per document: see `aliasTargets`). */
function resolve(node: unknown, doc: Document): unknown {
  let cur = node;
  for (let i = 0; i < 32 && yaml().isAlias(cur); i++) cur = aliasTargets(doc).get(cur);
  return cur;
}

function isMergeKey(key: unknown): boolean {
  return yaml().isScalar(key) && (key.source === '<<' || typeof key.value === 'symbol');
}

function keyText(key: unknown): string | undefined {
  if (!yaml().isScalar(key)) return undefined;
  const v = key.value;
  return v === null || v === undefined ? '' : typeof v === 'symbol' ? undefined : String(v);
}

/** The pair for `name` in a mapping, looking into `<<` merges when it is not written directly. */
function findPair(
  map: unknown,
  name: string,
  doc: Document,
  depth = 0,
): { key: unknown; value: unknown } | undefined {
  if (!yaml().isMap(map) || depth > 8) return undefined;
  for (const pair of map.items) {
    if (yaml().isPair(pair) && keyText(pair.key) === name)
      return { key: pair.key, value: pair.value };
  }
  for (const pair of map.items) {
    if (!yaml().isPair(pair) || !isMergeKey(pair.key)) continue;
    const sources = yaml().isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const s of sources) {
      const hit = findPair(resolve(s, doc), name, doc, depth + 1);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** Walks `path` from the document's root, through aliases and merge keys. */
export function lookup(doc: Document, path: Path): NodeLookup {
  let cur: unknown = doc.contents;
  let key: unknown;
  for (const step of path) {
    const here = resolve(cur, doc);
    let next: { key?: unknown; value: unknown } | undefined;
    if (typeof step === 'number' && yaml().isSeq(here)) {
      next = step < here.items.length ? { value: here.items[step] } : undefined;
    } else if (yaml().isMap(here)) {
      next = findPair(here, String(step), doc);
    }
    if (!next) return { deepest: cur, complete: false };
    key = next.key;
    // `key:` with nothing after it: the key stands for the missing value.
    cur = next.value ?? next.key;
  }
  return { value: cur, key, deepest: cur, complete: true };
}

/** The place of the key `name` in the mapping at `path` (or of the mapping when absent). */
export function keyPlace(doc: Document, lc: LineCounter, path: Path, name: string): Place {
  const at = lookup(doc, path);
  const pair = at.complete ? findPair(resolve(at.value, doc), name, doc) : undefined;
  return placeOf(pair?.key ?? at.deepest, lc);
}

/** The first alias in the document (where an alias bomb is reported). */
export function firstAlias(doc: Document): unknown {
  let found: unknown;
  const visit = (node: unknown, depth: number): void => {
    if (found !== undefined || depth > 200) return;
    if (yaml().isAlias(node)) {
      found = node;
      return;
    }
    if (yaml().isMap(node)) {
      for (const p of node.items) {
        if (yaml().isPair(p)) {
          visit(p.key, depth + 1);
          visit(p.value, depth + 1);
        }
      }
    } else if (yaml().isSeq(node)) {
      for (const item of node.items) visit(item, depth + 1);
    }
  };
  visit(doc.contents, 0);
  return found;
}

/** How many nodes the document has as written (aliases count once), without recursion. */
function writtenNodes(root: unknown): number {
  let count = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || node === undefined) continue;
    count++;
    if (yaml().isMap(node) || yaml().isSeq(node)) {
      for (const item of node.items as unknown[]) {
        if (yaml().isPair(item)) stack.push(item.key, item.value);
        else stack.push(item);
      }
    }
  }
  return count;
}

export interface ValueProblem {
  code:
    | 'duplicate-key'
    | 'yaml-alias-bomb'
    | 'yaml-alias-cycle'
    | 'yaml-unknown-alias'
    | 'yaml-too-deep'
    | 'yaml-merge'
    | 'yaml-invalid-key'
    | 'yaml-non-json-value';
  message: string;
  hint: string;
  /** The node at fault (its place is the problem's place). */
  node: unknown;
}

export interface ValueLimits {
  /** Lists and mappings may nest this deep, aliases expanded. */
  maxDepth: number;
  /** Aliases may make at most this many times the nodes written. */
  maxGrowth: number;
}

class TooMuch {}

const SET_TAG = 'tag:yaml.org,2002:set';
const PAIRS_TAGS = new Set(['tag:yaml.org,2002:omap', 'tag:yaml.org,2002:pairs']);

type Problem = ValueProblem['code'];

/** Reads a document's value: see `documentValue`. */
class ValueReader {
  readonly problems: ValueProblem[] = [];
  private readonly targets: ReadonlyMap<unknown, unknown>;
  private readonly budget: number;
  private made = 0;
  /** Collections being read (an alias to one of them is a cycle). */
  private readonly expanding = new Set<unknown>();
  /** The alias whose copy is being read, if any: where a copy's own problem is placed. */
  private copyOf: unknown;

  constructor(
    doc: Document,
    private readonly limits: ValueLimits,
  ) {
    this.targets = aliasTargets(doc);
    this.budget = limits.maxGrowth * Math.max(writtenNodes(doc.contents), 1);
  }

  private problem(code: Problem, node: unknown, message: string, hint: string): void {
    this.problems.push({ code, node, message, hint });
  }

  /** `copy`: the node is read through an alias (it counts against the budget). */
  read(node: unknown, depth: number, copy: boolean): unknown {
    if (node === null || node === undefined) return null;
    if (copy && ++this.made > this.budget) throw new TooMuch();
    if (yaml().isAlias(node)) return this.alias(node, depth);
    if (yaml().isScalar(node)) return this.scalar(node);
    if (!yaml().isMap(node) && !yaml().isSeq(node)) return this.notData(node);
    if (depth >= this.limits.maxDepth) {
      this.problem(
        'yaml-too-deep',
        this.copyOf ?? node,
        `the YAML is nested too deeply: more than ${this.limits.maxDepth} levels of lists and mappings`,
        'a scenario file nests a few levels: write the data flatter',
      );
      return null;
    }
    const tag = (node as { tag?: string }).tag;
    if (tag === SET_TAG || (tag !== undefined && PAIRS_TAGS.has(tag))) return this.notData(node);
    this.expanding.add(node);
    const out = yaml().isSeq(node)
      ? (node.items as unknown[]).map((item) => this.read(item, depth + 1, copy))
      : this.mapping(node, depth, copy);
    this.expanding.delete(node);
    return out;
  }

  private alias(node: { source: string }, depth: number): unknown {
    const target = this.targets.get(node);
    if (target === undefined) {
      this.problem(
        'yaml-unknown-alias',
        node,
        `the alias *${node.source} refers to no anchor defined before it`,
        `write &${node.source} on the value before using *${node.source}`,
      );
      return null;
    }
    if (this.expanding.has(target)) {
      this.problem(
        'yaml-alias-cycle',
        node,
        `the alias *${node.source} refers to a value that contains it`,
        'an alias may not point into the value that holds it',
      );
      return null;
    }
    const outer = this.copyOf;
    this.copyOf ??= node;
    const value = this.read(target, depth, true);
    this.copyOf = outer;
    return value;
  }

  private mapping(node: YAMLMap, depth: number, copy: boolean): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    const merges: unknown[] = [];
    for (const pair of node.items) {
      if (yaml().isScalar(pair.key) && typeof pair.key.value === 'symbol') {
        merges.push(...(this.mergeSources(pair.value) ?? []));
        continue;
      }
      const key = this.key(pair.key);
      if (key === undefined) continue;
      if (Object.hasOwn(obj, key)) {
        // Reported where it is written, not again in each copy an alias makes of it.
        if (!copy)
          this.problem(
            'duplicate-key',
            pair.key,
            `the key "${key}" is written twice in one mapping`,
            'remove one of them; YAML keeps only one value per key',
          );
        continue;
      }
      setOwn(obj, key, this.read(pair.value, depth + 1, copy));
    }
    // Keys written in the mapping win over merged ones; an earlier source wins over a later one.
    for (const source of merges) {
      const merged = this.read(source, depth, copy || yaml().isAlias(source));
      if (merged === null || typeof merged !== 'object') continue;
      for (const [k, v] of Object.entries(merged)) if (!Object.hasOwn(obj, k)) setOwn(obj, k, v);
    }
    return obj;
  }

  /** The mappings a merge key's value names, or undefined (a problem) when it is not one. */
  private mergeSources(value: unknown): unknown[] | undefined {
    const resolved = yaml().isAlias(value) ? this.targets.get(value) : value;
    const list = yaml().isSeq(resolved) ? (resolved.items as unknown[]) : [value];
    for (const item of list) {
      const source = yaml().isAlias(item) ? this.targets.get(item) : item;
      if (!yaml().isMap(source)) {
        this.problem(
          'yaml-merge',
          item ?? value,
          'a merge key (<<) takes a mapping, an alias of one, or a list of them',
          'write <<: *name with &name on a mapping, or write the keys themselves',
        );
        return undefined;
      }
    }
    return list;
  }

  /** A key as the data has it: its text (`1` and "1" are the same key); a collection is refused. */
  private key(key: unknown): string | undefined {
    const node = yaml().isAlias(key) ? this.targets.get(key) : key;
    if (yaml().isScalar(node)) {
      const v = node.value;
      if (v === null || v === undefined) return '';
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
      if (typeof v !== 'object') return String(v);
    }
    this.problem(
      'yaml-invalid-key',
      key,
      'a mapping key must be a plain value (a string, number or boolean), not a list or mapping',
      'write the key as text, e.g. sub:',
    );
    return undefined;
  }

  private scalar(node: Scalar): unknown {
    const v = node.value;
    if (v === null || v === undefined) return null;
    if (typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'bigint') return Number(v);
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
    if (typeof v === 'number') {
      if (Number.isFinite(v)) return v;
      this.problem(
        'yaml-non-json-value',
        node,
        `${node.source ?? String(v)} is not a number a scenario can hold`,
        'quote it if a string is meant',
      );
      return null;
    }
    return this.notData(node);
  }

  private notData(node: unknown): null {
    this.problem(
      'yaml-non-json-value',
      node,
      'a binary, a set or another tagged value that is not plain data',
      'write a string, number, boolean, list or mapping',
    );
    return null;
  }
}

/**
 * The plain data (JSON values) a document holds, with aliases and merge keys (`<<`) expanded.
 * Each alias is resolved through `aliasTargets` (one walk of the document for all of them), so the
 * work is linear in the nodes made, where the yaml library's own `toJS` rescans the anchors for
 * every alias. Whatever is not plain data is a problem placed at its node, never an exception.
 */
export function documentValue(
  doc: Document,
  limits: ValueLimits,
): { value: unknown; problems: ValueProblem[] } {
  const reader = new ValueReader(doc, limits);
  try {
    return { value: reader.read(doc.contents, 0, false), problems: reader.problems };
  } catch (e) {
    if (!(e instanceof TooMuch)) throw e;
    return {
      value: undefined,
      problems: [
        {
          code: 'yaml-alias-bomb',
          node: firstAlias(doc) ?? doc.contents,
          message: `the YAML aliases expand the file more than ${limits.maxGrowth}-fold: this looks like an alias bomb`,
          hint: 'write the values out, or share them through defaults: instead of aliases',
        },
      ],
    };
  }
}

/** Sets an own property, even one named `__proto__`. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
