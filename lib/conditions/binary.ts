/**
 * Bytes for `BinaryEquals` (§5.4): standard base64 (RFC 4648 alphabet with `+` `/`, padding
 * required, no whitespace, no URL-safe alphabet), compared byte for byte.
 */
import { Buffer } from 'node:buffer';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function parseBase64(s: string): Uint8Array | undefined {
  if (!BASE64.test(s)) return undefined;
  return new Uint8Array(Buffer.from(s, 'base64'));
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
