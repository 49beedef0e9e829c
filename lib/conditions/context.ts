/** The request context a condition is evaluated against: keys → values, with where each came from. */
import { memoize } from '../memo.js';

export type ContextValueType =
  'String' | 'Numeric' | 'Date' | 'Bool' | 'IpAddress' | 'Arn' | 'Binary';

export interface ContextEntry {
  /** The key's canonical spelling, e.g. `token.actions.githubusercontent.com:sub`. */
  key: string;
  /** Always strings; a single-valued key has exactly one value. A multivalued key may have 0..n. */
  values: string[];
  multiValued: boolean;
  type: ContextValueType;
  /** Where the value came from, for the trace: `token claim "sub"`, `request RoleSessionName`, `now`, `scenario context`. */
  source: string;
  /** Set when the key's presence or value rests on an UNCONFIRMED spec rule: says which (with §). */
  unconfirmed?: string;
}

/** Keyed by the lower-cased key name: key names are case-insensitive (§3.6). */
export interface RequestContext {
  /**
   * The entry of a key, by its lower-cased name; `undefined` when the request does not have it.
   * `slot` (a compiled clause's, ≥ 0) numbers the key within one policy: a context built for one
   * request of that policy may remember the answer under it.
   */
  get(keyLower: string, slot?: number): ContextEntry | undefined;
}

/** Lower-cased key names, remembered: the same few keys recur in every request of a run. */
export const lowerKey = memoize((key) => key.toLowerCase(), 8192);

export function makeContext(entries: Iterable<ContextEntry>): Map<string, ContextEntry> {
  const map = new Map<string, ContextEntry>();
  for (const e of entries) map.set(lowerKey(e.key), e);
  return map;
}
