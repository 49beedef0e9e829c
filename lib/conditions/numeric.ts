/**
 * Numbers for the `Numeric…` operators (§5.4): integers or decimals, with an optional sign and an
 * optional exponent (`1e3`, as a JSON number may be stringified). Compared exactly as decimals,
 * not as binary floating point, so `9007199254740993` and `9007199254740992` differ and `0.10`
 * equals `0.1`. No whitespace, hex, `Infinity` or `NaN`.
 */

export interface Decimal {
  /** -1, 0 or 1. */
  readonly sign: number;
  /** Significant digits without leading or trailing zeros ("" for zero). */
  readonly digits: string;
  /** The value is 0.DIGITS × 10^exp. */
  readonly exp: number;
}

const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,9}))?$/;
const ZERO: Decimal = { sign: 0, digits: '', exp: 0 };

export function parseDecimal(s: string): Decimal | undefined {
  const m = NUMBER.exec(s);
  if (!m) return undefined;
  const intPart = m[2] ?? '';
  const frac = m[3] ?? '';
  if (intPart === '' && frac === '') return undefined;
  const all = intPart + frac;
  let start = 0;
  while (start < all.length && all.charCodeAt(start) === 48) start++;
  if (start === all.length) return ZERO;
  let end = all.length;
  while (all.charCodeAt(end - 1) === 48) end--;
  return {
    sign: m[1] === '-' ? -1 : 1,
    digits: all.slice(start, end),
    exp: intPart.length - start + (m[4] ? Number(m[4]) : 0),
  };
}

/** -1, 0 or 1 as a is less than, equal to or greater than b. */
export function compareDecimal(a: Decimal, b: Decimal): number {
  if (a.sign !== b.sign) return a.sign < b.sign ? -1 : 1;
  if (a.sign === 0) return 0;
  let mag: number;
  if (a.exp !== b.exp) mag = a.exp < b.exp ? -1 : 1;
  else mag = a.digits === b.digits ? 0 : a.digits < b.digits ? -1 : 1;
  return a.sign * mag;
}
