/**
 * IP addresses and CIDR blocks for `IpAddress` / `NotIpAddress` (§5.4). IPv4 is one 32-bit word,
 * IPv6 four. A bare address in a policy is a /32 (IPv4) or /128 (IPv6) block. IPv4 and IPv6 never
 * match each other (an IPv4-mapped IPv6 address such as `::ffff:192.0.2.1` is an IPv6 address).
 * Dotted-quad parts with leading zeros (`010.0.0.1`) are rejected as ambiguous.
 */

export interface IpAddress {
  readonly v6: boolean;
  /** One word (IPv4) or four words (IPv6), each an unsigned 32-bit integer. */
  readonly words: readonly number[];
}

export interface CidrBlock {
  readonly v6: boolean;
  readonly prefix: number;
  /** The network address (host bits cleared). */
  readonly network: readonly number[];
  readonly mask: readonly number[];
  /** True when the written address had bits set beyond the prefix (e.g. `203.0.113.5/24`). */
  readonly hostBitsSet: boolean;
}

const V4_PART = /^(?:0|[1-9]\d{0,2})$/;
const V6_GROUP = /^[0-9a-fA-F]{1,4}$/;
const PREFIX = /^(?:0|[1-9]\d{0,2})$/;

function parseV4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!V4_PART.test(p)) return undefined;
    const b = Number(p);
    if (b > 255) return undefined;
    n = n * 256 + b;
  }
  return n;
}

/** 16-bit groups of one side of `::`; an IPv4 tail counts as two groups. */
function parseGroups(s: string, allowV4Tail: boolean): number[] | undefined {
  if (s === '') return [];
  const parts = s.split(':');
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    if (allowV4Tail && i === parts.length - 1 && p.includes('.')) {
      const v4 = parseV4(p);
      if (v4 === undefined) return undefined;
      out.push(Math.floor(v4 / 65536), v4 % 65536);
    } else if (V6_GROUP.test(p)) {
      out.push(parseInt(p, 16));
    } else {
      return undefined;
    }
  }
  return out;
}

function parseV6(s: string): number[] | undefined {
  const dbl = s.indexOf('::');
  let groups: number[] | undefined;
  if (dbl < 0) {
    groups = parseGroups(s, true);
    if (!groups || groups.length !== 8) return undefined;
  } else {
    if (s.indexOf('::', dbl + 1) >= 0) return undefined;
    const head = parseGroups(s.slice(0, dbl), false);
    const tail = parseGroups(s.slice(dbl + 2), true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const words: number[] = [];
  for (let i = 0; i < 8; i += 2)
    words.push((groups[i] as number) * 65536 + (groups[i + 1] as number));
  return words;
}

/** Parse a bare IPv4 or IPv6 address (no prefix, no zone id). */
export function parseIp(s: string): IpAddress | undefined {
  if (s.includes(':')) {
    const words = parseV6(s);
    return words ? { v6: true, words } : undefined;
  }
  const v4 = parseV4(s);
  return v4 === undefined ? undefined : { v6: false, words: [v4] };
}

function maskWord(prefix: number, word: number): number {
  const bits = Math.min(32, Math.max(0, prefix - 32 * word));
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/** Parse `ADDRESS` or `ADDRESS/PREFIX` (IPv4 prefix 0–32, IPv6 0–128). */
export function parseCidr(s: string): CidrBlock | undefined {
  const slash = s.indexOf('/');
  const addrText = slash < 0 ? s : s.slice(0, slash);
  const addr = parseIp(addrText);
  if (!addr) return undefined;
  const max = addr.v6 ? 128 : 32;
  let prefix = max;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!PREFIX.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > max) return undefined;
  }
  const mask = addr.words.map((_, i) => maskWord(prefix, i));
  const network = addr.words.map((w, i) => (w & (mask[i] as number)) >>> 0);
  const hostBitsSet = network.some((w, i) => w !== addr.words[i]);
  return { v6: addr.v6, prefix, network, mask, hostBitsSet };
}

/** Is the address inside the block? Different IP versions never match. */
export function cidrContains(block: CidrBlock, ip: IpAddress): boolean {
  if (block.v6 !== ip.v6) return false;
  const { network, mask } = block;
  for (let i = 0; i < network.length; i++) {
    if (((ip.words[i] as number) & (mask[i] as number)) >>> 0 !== network[i]) return false;
  }
  return true;
}
