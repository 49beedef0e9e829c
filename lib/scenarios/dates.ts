/**
 * Dates in scenario files: epoch seconds, or an ISO 8601 date-time (`2026-06-01T00:00:00Z`,
 * `2026-06-01T00:00:00+02:00`, `2026-06-01` = midnight UTC; a time without a zone is UTC so that
 * results never depend on the machine's zone).
 */

export type DateResult = { ok: true; ms: number } | { ok: false; message: string; hint: string };

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const HINT =
  'write epoch seconds (e.g. 1780272000) or an ISO 8601 date-time (e.g. 2026-06-01T00:00:00Z)';

/** Epoch milliseconds of a date given as epoch seconds or ISO text. */
export function parseDate(value: unknown): DateResult {
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      return { ok: false, message: `${value} is not a date`, hint: HINT };
    if (Math.abs(value) >= 1e11) {
      return {
        ok: false,
        message: `${value} is too large for epoch seconds (is it milliseconds?)`,
        hint: `epoch seconds: ${Math.floor(value / 1000)}`,
      };
    }
    return { ok: true, ms: value * 1000 };
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms)
      ? { ok: false, message: 'not a valid date', hint: HINT }
      : { ok: true, ms };
  }
  if (typeof value !== 'string') {
    return { ok: false, message: `${JSON.stringify(value)} is not a date`, hint: HINT };
  }
  const text = value.trim();
  const m = ISO.exec(text);
  if (!m) return { ok: false, message: `"${value}" is not a date`, hint: HINT };
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const daysIn = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysIn ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return { ok: false, message: `"${value}" is not a real date or time`, hint: HINT };
  }
  const z =
    zone === undefined
      ? 'Z'
      : zone.toUpperCase() === 'Z'
        ? 'Z'
        : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac.slice(0, 4)}${z}`);
  if (Number.isNaN(ms)) return { ok: false, message: `"${value}" is not a date`, hint: HINT };
  return { ok: true, ms };
}

/**
 * A token time claim (`exp`, `iat`, `nbf`) written in a scenario: a number is kept as written, ISO
 * text becomes epoch seconds. Anything else is not a NumericDate (RFC 7519 §2), and says so.
 */
export function claimTime(
  value: unknown,
): { ok: true; value: unknown } | { ok: false; message: string; hint: string } {
  if (typeof value === 'number') return { ok: true, value };
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) {
    return {
      ok: false,
      message: `the string "${value}" is not a NumericDate: a token's time claims are JSON numbers`,
      hint: `write the number without quotes (${value.trim()}), or an ISO 8601 date-time`,
    };
  }
  if (typeof value !== 'string') {
    return {
      ok: false,
      message: `${JSON.stringify(value)} is not a NumericDate (a number of seconds since the epoch)`,
      hint: HINT,
    };
  }
  const r = parseDate(value);
  if (!r.ok) return r;
  return { ok: true, value: Math.floor(r.ms / 1000) };
}
