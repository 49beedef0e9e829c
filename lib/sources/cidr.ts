/**
 * `Fn::Cidr [ipBlock, count, cidrBits]` for IPv4: `count` consecutive blocks of `cidrBits` host
 * bits (a mask of 32 − cidrBits) from the start of `ipBlock`. "Specifying a value "8" for this
 * parameter will create a CIDR with a mask of "/24""; count is 1 to 256 (AWS CloudFormation
 * Template Reference, Fn::Cidr). IPv6 is refused rather than formatted by a guess.
 */

export type CidrResult = { ok: true; blocks: string[] } | { ok: false; message: string };

function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function show(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export function cidr(block: string, count: number, cidrBits: number): CidrResult {
  if (block.includes(':')) {
    return {
      ok: false,
      message: 'IPv6 blocks are not evaluated by trustspec; supply the value instead',
    };
  }
  const m = /^(.+)\/(\d{1,2})$/.exec(block);
  const ip = m ? ipv4(m[1] as string) : undefined;
  const prefix = m ? Number(m[2]) : NaN;
  if (ip === undefined || !(prefix >= 0 && prefix <= 32)) {
    return { ok: false, message: `"${block}" is not an IPv4 CIDR block` };
  }
  if (!Number.isInteger(count) || count < 1 || count > 256) {
    return { ok: false, message: `count must be a whole number from 1 to 256, not ${count}` };
  }
  if (!Number.isInteger(cidrBits) || cidrBits < 1 || cidrBits > 32 - prefix) {
    return {
      ok: false,
      message: `cidrBits must be from 1 to ${32 - prefix} for a /${prefix} block`,
    };
  }
  const size = 2 ** cidrBits;
  if (count * size > 2 ** (32 - prefix)) {
    return {
      ok: false,
      message: `${count} blocks of /${32 - cidrBits} do not fit in a /${prefix}`,
    };
  }
  const base = ip - (ip % 2 ** (32 - prefix));
  const blocks: string[] = [];
  for (let i = 0; i < count; i++) blocks.push(`${show(base + i * size)}/${32 - cidrBits}`);
  return { ok: true, blocks };
}
