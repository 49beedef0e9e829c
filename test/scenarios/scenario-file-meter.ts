/**
 * A deterministic measure of work, for tests that show an algorithm is linear without a clock:
 * while `fn` runs, the built-in array and string methods that walk their receiver count what they
 * walk (callback calls, elements copied, characters scanned). The same input always gives the same
 * count, whatever the machine's load; a loop that rescans everything seen so far makes the count
 * grow with the square of the input.
 */

type Method = (this: unknown, ...args: unknown[]) => unknown;

const CALLBACK_METHODS = [
  'filter',
  'map',
  'forEach',
  'some',
  'every',
  'find',
  'findIndex',
  'reduce',
  'flatMap',
] as const;
const COPYING_METHODS = ['concat', 'slice'] as const;
const SCANNING_STRING_METHODS = [
  'split',
  'replace',
  'replaceAll',
  'match',
  'matchAll',
  'trim',
  'toLowerCase',
] as const;

export function measureWork(fn: () => void): number {
  let work = 0;
  const saved: Array<[object, string, Method]> = [];
  const wrap = (proto: object, name: string, make: (orig: Method) => Method): void => {
    const table = proto as Record<string, Method>;
    const orig = table[name] as Method;
    saved.push([proto, name, orig]);
    table[name] = make(orig);
  };
  for (const name of CALLBACK_METHODS) {
    wrap(
      Array.prototype,
      name,
      (orig) =>
        function (this: unknown, cb: unknown, ...rest: unknown[]) {
          const counted = function (this: unknown, ...args: unknown[]): unknown {
            work++;
            return (cb as Method).apply(this, args);
          };
          return orig.call(this, counted, ...rest);
        },
    );
  }
  for (const name of ['indexOf', 'includes']) {
    wrap(
      Array.prototype,
      name,
      (orig) =>
        function (this: unknown, ...args: unknown[]) {
          work += (this as unknown[]).length;
          return orig.apply(this, args);
        },
    );
  }
  for (const name of COPYING_METHODS) {
    wrap(
      Array.prototype,
      name,
      (orig) =>
        function (this: unknown, ...args: unknown[]) {
          const out = orig.apply(this, args) as unknown[];
          work += out.length;
          return out;
        },
    );
  }
  wrap(
    Array.prototype,
    'join',
    (orig) =>
      function (this: unknown, ...args: unknown[]) {
        work += (this as unknown[]).length;
        return orig.apply(this, args);
      },
  );
  for (const name of SCANNING_STRING_METHODS) {
    wrap(
      String.prototype,
      name,
      (orig) =>
        function (this: unknown, ...args: unknown[]) {
          work += (this as string).length;
          return orig.apply(this, args);
        },
    );
  }
  wrap(
    String.prototype,
    'indexOf',
    (orig) =>
      function (this: unknown, needle: unknown, from: unknown = 0) {
        const at = orig.call(this, needle, from) as number;
        const start = Math.max(0, Number(from) || 0);
        work += (at === -1 ? (this as string).length : at + String(needle).length) - start;
        return at;
      },
  );
  try {
    fn();
  } finally {
    for (const [proto, name, orig] of saved.reverse())
      (proto as Record<string, Method>)[name] = orig;
  }
  return work;
}

/** How much more work `size * 4` takes than `size`: about 4 when linear, about 16 when quadratic. */
export function growth(work: (size: number) => number, size: number): number {
  work(size); // the first call also loads modules and fills caches
  return work(size * 4) / work(size);
}
