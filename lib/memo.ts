/**
 * A pure function of one string, remembered. A run evaluates many requests against few roles,
 * issuers and keys, so each distinct input is worked out once. The table is bounded: past `limit`
 * entries it starts again, so an unbounded stream of inputs cannot grow memory without bound.
 * The last input and its answer are kept at hand too: requests mostly come in runs of one role
 * and one issuer, and comparing with the last input is cheaper than a lookup.
 */
export function memoize<R>(fn: (key: string) => R, limit = 4096): (key: string) => R {
  const table = new Map<string, R>();
  let lastKey: string | undefined;
  let lastValue: R | undefined;
  return (key: string): R => {
    if (key === lastKey) return lastValue as R;
    let value = table.get(key);
    if (value === undefined && !table.has(key)) {
      if (table.size >= limit) table.clear();
      value = fn(key);
      table.set(key, value);
    }
    lastKey = key;
    lastValue = value;
    return value as R;
  };
}
