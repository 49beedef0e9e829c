/**
 * Decoding a compact JWT (no signature check: the simulator trusts the claims it is given). Every
 * way a token can be malformed gets its own message, naming the part (header, payload, signature)
 * and the character of the token where it goes wrong.
 */

export type JwtDecode =
  | { ok: true; claims: Record<string, unknown>; header: Record<string, unknown>; length: number }
  | {
      ok: false;
      message: string;
      /** The character of the (trimmed) token that is wrong, 0-based, when one is. */
      at?: number;
    };

const PART_NAMES = ['header', 'payload', 'signature'] as const;
const BASE64URL_CHAR = /[^A-Za-z0-9_-]/;

export function looksLikeJwt(text: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(text.trim());
}

/**
 * A value meant as a compact JWT rather than a file name: three base64url parts, or a JSON header's
 * `eyJ…`, or three long parts with no path separator.
 */
export function jwtShaped(text: string): boolean {
  const t = text.trim();
  return (
    looksLikeJwt(t) ||
    t.startsWith('ey') ||
    (t.split('.').length === 3 && t.length > 40 && !/[\s/\\]/.test(t))
  );
}

function describeChar(c: string): string {
  if (c === '+' || c === '/') return `"${c}" (standard base64; base64url writes - and _)`;
  if (c === '=') return '"=" (padding, which base64url leaves out)';
  if (/\s/.test(c)) return 'white space';
  return JSON.stringify(c);
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The JSON object a header or payload part holds, or why it holds none. */
function decodePart(
  part: string,
  index: 0 | 1,
): { ok: true; value: Record<string, unknown> } | { ok: false; message: string } {
  const name = `the ${PART_NAMES[index]} (part ${index + 1})`;
  if (part === '') return { ok: false, message: `${name} is empty` };
  if (part.length % 4 === 1) {
    return {
      ok: false,
      message: `${name} is not base64url: ${part.length} characters is one too many or too few (no base64url text is 4n+1 long)`,
    };
  }
  let text: string;
  try {
    text = decoder.decode(Buffer.from(part, 'base64url'));
  } catch {
    return { ok: false, message: `${name} decodes to bytes that are not UTF-8 text` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    return {
      ok: false,
      message: `${name} decodes to text that is not JSON: ${JSON.stringify(shown)}`,
    };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      ok: false,
      message: `${name} is JSON but not an object: ${text.slice(0, 40)}`,
    };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

export function decodeCompactJwt(text: string): JwtDecode {
  const token = text.trim();
  const parts = token.split('.');
  if (token === '' || parts.length !== 3) {
    const what =
      token === ''
        ? 'it is empty'
        : parts.length === 5
          ? 'it has five parts, as an encrypted token (JWE) has'
          : `it has ${parts.length} part${parts.length === 1 ? '' : 's'}`;
    return {
      ok: false,
      message: `not a compact JWT: ${what}, where a JWT has three base64url parts joined by "." (header.payload.signature)`,
    };
  }
  let start = 0;
  for (const [i, part] of parts.entries()) {
    const bad = BASE64URL_CHAR.exec(part);
    if (bad) {
      return {
        ok: false,
        message: `the ${PART_NAMES[i]} (part ${i + 1}) is not base64url: ${describeChar(bad[0])} at character ${start + bad.index + 1} of the token`,
        at: start + bad.index,
      };
    }
    start += part.length + 1;
  }
  const header = decodePart(parts[0] as string, 0);
  if (!header.ok) return header;
  const claims = decodePart(parts[1] as string, 1);
  if (!claims.ok) return claims;
  return { ok: true, claims: claims.value, header: header.value, length: token.length };
}

/**
 * Why a time claim (exp, nbf, iat) is not a NumericDate (RFC 7519 §2: a JSON number of seconds
 * since the epoch), or undefined when it is one or is absent. A fraction is a NumericDate to the
 * RFC, but AWS documents time claims as integers, so STS refuses it: that is said too.
 */
export function numericDateProblem(claim: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) {
    return Number.isInteger(value)
      ? undefined
      : `"${claim}" is ${value}: a NumericDate with a fraction of a second, which STS refuses (it takes whole seconds)`;
  }
  const shown =
    typeof value === 'string'
      ? `the string ${JSON.stringify(value)}`
      : typeof value === 'number'
        ? String(value)
        : JSON.stringify(value);
  return `"${claim}" must be a NumericDate (a JSON number of seconds since the epoch), not ${shown}`;
}
