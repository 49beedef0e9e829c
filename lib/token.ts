/** Decoding a compact JWT (no signature check: the simulator trusts the claims it is given). */
// The two decoders by their own entry points: jose's barrel loads some 46 modules at start-up.
import { decodeJwt } from 'jose/jwt/decode';
import { decodeProtectedHeader } from 'jose/decode/protected_header';

export type JwtDecode =
  | { ok: true; claims: Record<string, unknown>; header: Record<string, unknown>; length: number }
  | { ok: false; message: string };

export function looksLikeJwt(text: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(text.trim());
}

export function decodeCompactJwt(text: string): JwtDecode {
  const token = text.trim();
  if (!looksLikeJwt(token)) {
    return {
      ok: false,
      message:
        'not a compact JWT: expected three base64url parts joined by "." (header.payload.signature)',
    };
  }
  try {
    const header = decodeProtectedHeader(token) as Record<string, unknown>;
    const claims = decodeJwt(token) as Record<string, unknown>;
    return { ok: true, claims, header, length: token.length };
  } catch (e) {
    return { ok: false, message: `the JWT cannot be decoded: ${(e as Error).message}` };
  }
}
