/** Finding the YAML node behind a path into the loaded value, to give every problem its place. */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

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

function resolve(node: unknown, doc: Document): unknown {
  let cur = node;
  for (let i = 0; i < 32 && isAlias(cur); i++) {
    try {
      cur = cur.resolve(doc);
    } catch {
      return undefined;
    }
  }
  return cur;
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (key.source === '<<' || typeof key.value === 'symbol');
}

function keyText(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
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
  if (!isMap(map) || depth > 8) return undefined;
  for (const pair of map.items) {
    if (isPair(pair) && keyText(pair.key) === name) return { key: pair.key, value: pair.value };
  }
  for (const pair of map.items) {
    if (!isPair(pair) || !isMergeKey(pair.key)) continue;
    const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
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
    if (typeof step === 'number' && isSeq(here)) {
      next = step < here.items.length ? { value: here.items[step] } : undefined;
    } else if (isMap(here)) {
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
    if (isAlias(node)) {
      found = node;
      return;
    }
    if (isMap(node)) {
      for (const p of node.items) {
        if (isPair(p)) {
          visit(p.key, depth + 1);
          visit(p.value, depth + 1);
        }
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item, depth + 1);
    }
  };
  visit(doc.contents, 0);
  return found;
}
