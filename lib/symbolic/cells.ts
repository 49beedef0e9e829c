/**
 * Ordered values (numbers, dates, IP addresses, the clock) are split at the policy's constants
 * (design note §3, §4.2): every value lies in a point cell {c} or in an open gap between two
 * neighbouring constants, and every comparison a condition makes is constant on a cell. These
 * functions return one candidate value per cell (more is harmless: the engine groups candidates by
 * how the clauses treat them). Atom-level independence from the policy text is kept: nothing here
 * knows an operator, only constants.
 */
import { parseCidr } from '../conditions/ip.js';
import { parseDecimal } from '../conditions/numeric.js';
import { parseDate } from '../conditions/date.js';

/** A value that no numeric, date or IP operator accepts: it takes the "invalid value" cell. */
export const INVALID_VALUE = 'not-a-value';

/** Constants past this exponent are not split (the answer is `unknown`). */
const MAX_EXPONENT = 40;

function scaled(text: string, scale: number): bigint | undefined {
  const d = parseDecimal(text);
  if (!d) return undefined;
  if (d.sign === 0) return 0n;
  // value = 0.DIGITS × 10^exp; as an integer × 10^-scale.
  const shift = d.exp - d.digits.length + scale;
  const digits = BigInt(d.digits);
  const magnitude = shift >= 0 ? digits * 10n ** BigInt(shift) : digits / 10n ** BigInt(-shift);
  return d.sign < 0 ? -magnitude : magnitude;
}

function fractionDigits(text: string): number | undefined {
  const d = parseDecimal(text);
  if (!d) return undefined;
  if (Math.abs(d.exp) > MAX_EXPONENT) return undefined;
  return Math.max(0, d.digits.length - d.exp);
}

function formatScaled(v: bigint, scale: number): string {
  const neg = v < 0n;
  let s = (neg ? -v : v).toString().padStart(scale + 1, '0');
  if (scale > 0) {
    const int = s.slice(0, s.length - scale);
    const frac = s.slice(s.length - scale).replace(/0+$/, '');
    s = frac === '' ? int : `${int}.${frac}`;
  }
  return neg ? `-${s}` : s;
}

/**
 * Candidates for a numeric value compared with `constants` (decimal texts): each constant, a value
 * in every gap, one below and one above, and a value that is not a number. Undefined when a
 * constant is out of the supported range.
 */
export function numericCandidates(constants: readonly string[]): string[] | undefined {
  let scale = 0;
  for (const c of constants) {
    const f = fractionDigits(c);
    if (f === undefined) return undefined;
    scale = Math.max(scale, f);
  }
  scale += 1;
  const points = [...new Set(constants.map((c) => scaled(c, scale) as bigint))].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const unit = 10n ** BigInt(scale);
  const out: bigint[] = [];
  if (points.length === 0) out.push(unit);
  points.forEach((p, i) => {
    if (i === 0) out.push(p - unit);
    out.push(p);
    const next = points[i + 1];
    out.push(next === undefined ? p + unit : (p + next) / 2n);
  });
  return [...new Set(out.map((v) => formatScaled(v, scale))), INVALID_VALUE];
}

/** Candidates for a date value (epoch seconds texts): each constant, gaps, beyond, and invalid. */
export function dateCandidates(constants: readonly string[]): string[] | undefined {
  const ms = [...new Set(constants.map((c) => parseDate(c)))].filter(
    (v): v is number => v !== undefined,
  );
  ms.sort((a, b) => a - b);
  const out: number[] = [];
  if (ms.length === 0) out.push(Date.UTC(2026, 5, 1));
  ms.forEach((p, i) => {
    if (i === 0) out.push(p - 1000);
    out.push(p);
    const next = ms[i + 1];
    out.push(next === undefined ? p + 1000 : (p + next) / 2);
  });
  const texts = out.map((v) =>
    Number.isInteger(v) && Math.abs(v) < 8.64e15 ? new Date(v).toISOString() : String(v / 1000),
  );
  // A point cell is only covered if its candidate parses back to the very constant.
  for (const p of ms) if (!texts.some((t) => parseDate(t) === p)) return undefined;
  return [...new Set(texts), INVALID_VALUE];
}

/** Seconds on the simulated clock: Date objects hold ±8.64e15 ms. */
const CLOCK_LIMIT = 8.64e12;

/**
 * Candidate clock readings (integer epoch seconds) for `aws:CurrentTime` / `aws:EpochTime`:
 * around every breakpoint (date constants in ms, numeric constants in seconds), and `preferred`.
 */
export function clockCandidates(
  dateConstantsMs: readonly number[],
  epochConstants: readonly number[],
  preferred: number,
): number[] {
  const out = new Set<number>([preferred]);
  const breaks = [...dateConstantsMs.map((ms) => ms / 1000), ...epochConstants];
  for (const b of breaks) {
    if (!Number.isFinite(b)) continue;
    for (const v of [Math.floor(b) - 1, Math.floor(b), Math.ceil(b), Math.ceil(b) + 1]) {
      if (v >= -CLOCK_LIMIT && v <= CLOCK_LIMIT) out.add(v);
    }
  }
  return [...out].sort((a, b) => a - b);
}

const V4_MAX = (1n << 32n) - 1n;
const V6_MAX = (1n << 128n) - 1n;

function toBig(words: readonly number[]): bigint {
  let v = 0n;
  for (const w of words) v = (v << 32n) | BigInt(w >>> 0);
  return v;
}

export function formatIp(v: bigint, v6: boolean): string {
  if (!v6) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  // The longest run of two or more zero groups becomes `::`.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]): string => g.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(groups);
  return `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

/** Documentation addresses, preferred in examples (RFC 5737, RFC 3849). */
const NICE_IPS = ['203.0.113.10', '198.51.100.10', '2001:db8::10'];

/**
 * Candidate IP addresses for CIDR `constants`: every block's first address and the address after
 * its last, the lowest address of each family, and the documentation addresses.
 */
export function ipCandidates(constants: readonly string[]): string[] {
  const out: string[] = [...NICE_IPS, '0.0.0.0', '::'];
  for (const c of constants) {
    const block = parseCidr(c);
    if (!block) continue;
    const max = block.v6 ? V6_MAX : V4_MAX;
    const start = toBig(block.network);
    const hostBits = BigInt((block.v6 ? 128 : 32) - block.prefix);
    const end = start + (1n << hostBits) - 1n;
    out.push(formatIp(start, block.v6));
    if (end < max) out.push(formatIp(end + 1n, block.v6));
  }
  return [...new Set(out)];
}
