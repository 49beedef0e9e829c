/**
 * Instants for the `Date…` operators (§5.4): W3C ISO-8601 forms or epoch seconds, compared as
 * exact instants: seconds since 1970-01-01T00:00:00Z as a decimal with every fraction digit kept
 * (`…23:59:59.999999999Z` is before midnight; a binary floating-point number of milliseconds would
 * round it to midnight).
 *
 * Accepted:
 * - epoch seconds: `1780000000`, `-5`, `1780000000.25` — a string of digits is always epoch
 *   seconds, so a bare year such as `2026` is read as 2026 seconds after the epoch;
 * - `YYYY-MM`, `YYYY-MM-DD` (the start of that month / day, UTC);
 * - `YYYY-MM-DDThh:mm`, `…:ss`, `…:ss.fraction`, followed by `Z` or an offset `±hh:mm` / `±hhmm` /
 *   `±hh`; without a zone designator the time is taken as UTC.
 * Fields are range-checked (month 1–12, day within the month, hour 0–23, minute/second 0–59).
 */

import { parseDecimal, type Decimal } from './numeric.js';

const EPOCH = /^[+-]?\d+(?:\.\d+)?$/;
const ISO =
  /^(\d{4})-(\d{2})(?:-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?)?$/;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days from 1970-01-01 to the proleptic Gregorian date y-m-d. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** An ISO date as whole seconds since the epoch and the digits of its fraction of a second. */
function isoFields(s: string): { seconds: number; fraction: string } | undefined {
  const m = ISO.exec(s);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = m[3] === undefined ? 1 : Number(m[3]);
  if (month < 1 || month > 12) return undefined;
  const dim = month === 2 && isLeap(year) ? 29 : (MONTH_DAYS[month - 1] as number);
  if (day < 1 || day > dim) return undefined;
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const days = daysFromCivil(year, month, day);
  return {
    seconds: ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60 + second,
    fraction: (m[7] ?? '').replace(/0+$/, ''),
  };
}

/** Parse a date value to epoch milliseconds, or undefined when it is not a valid date. */
export function parseDate(s: string): number | undefined {
  if (EPOCH.test(s)) return Number(s) * 1000;
  const f = isoFields(s);
  return f && f.seconds * 1000 + Number(`0.${f.fraction || '0'}`) * 1000;
}

/**
 * Parse a date value to an exact instant (seconds since the epoch, as a decimal), or undefined
 * when it is not a valid date. Compare instants with `compareDecimal`.
 */
export function parseInstant(s: string): Decimal | undefined {
  if (EPOCH.test(s)) return parseDecimal(s);
  const f = isoFields(s);
  if (!f) return undefined;
  const { seconds, fraction } = f;
  if (fraction === '') return parseDecimal(String(seconds));
  if (seconds >= 0) return parseDecimal(`${seconds}.${fraction}`);
  // Before 1970: -S + 0.F is -((S - 1) + (1 - 0.F)), and 1 - 0.F has the digits 10^n - F.
  const rest = (10n ** BigInt(fraction.length) - BigInt(fraction))
    .toString()
    .padStart(fraction.length, '0');
  return parseDecimal(`-${-seconds - 1}.${rest}`);
}
