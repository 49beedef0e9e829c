/**
 * A pure function of one string, remembered. A run evaluates many requests against few roles,
 * issuers and keys, so each distinct input is worked out once. The table is bounded: past `limit`
 * entries it starts again, so an unbounded stream of inputs cannot grow memory without bound.
 */
export function memoize<R>(fn: (key: string) => R, limit = 4096): (key: string) => R {
  const table = new Map<string, R>();
  return (key: string): R => {
    let value = table.get(key);
    if (value === undefined && !table.has(key)) {
      if (table.size >= limit) table.clear();
      value = fn(key);
      table.set(key, value);
    }
    return value as R;
  };
}
