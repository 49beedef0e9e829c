/**
 * Reading a JSON Web Key Set (RFC 7517 §5) as an identity provider publishes it at its `jwks_uri`,
 * with every problem placed at its line and column in the JWKS text. Only what STS can use is
 * accepted: public RSA and EC keys, each with a `kid` (the key STS picks is named by the token's
 * kid). A set STS could not use is bad input (exit 2), not a denial: the token is never looked at.
 */
import { parseJson } from '../policy/json.js';
import type { AstMember, AstNode, AstObject } from '../policy/ast.js';
import type { Span } from '../diagnostics.js';
import { readText } from '../files.js';
import {
  verifySignature,
  type JwkEntry,
  type KeySet,
  type SignatureVerdict,
} from '../token-verify.js';
import { codeFrame } from './frame.js';
import type { FileError, Scenario } from './types.js';

export interface JwksProblem {
  code: string;
  line: number;
  column: number;
  message: string;
  hint?: string;
}

export type JwksRead =
  { ok: true; set: KeySet; warnings: JwksProblem[] } | { ok: false; errors: JwksProblem[] };

const CURVES = ['P-256', 'P-384', 'P-521'];
/** Members that only a private key (or a symmetric secret) has (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const HINT_SHAPE =
  'a JWKS is {"keys": [{"kty": "RSA", "kid": "…", "n": "…", "e": "AQAB"}, …]}, as the provider serves it at the jwks_uri of its /.well-known/openid-configuration';

function member(o: AstObject, key: string): AstMember | undefined {
  return o.members.filter((m) => m.key === key).pop();
}

/** The bit length of an RSA modulus given in base64url. */
function modulusBits(n: string): number {
  const bytes = Buffer.from(n, 'base64url');
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i] as number));
}

class KeyReader {
  readonly errors: JwksProblem[] = [];
  readonly warnings: JwksProblem[] = [];

  problem(code: string, span: Span, message: string, hint?: string): void {
    this.errors.push({
      code,
      line: span.start.line,
      column: span.start.column,
      message,
      ...(hint ? { hint } : {}),
    });
  }

  /** A string member, or an error naming it; `undefined` when absent and not required. */
  str(o: AstObject, key: string, what: string, required: boolean): string | undefined {
    const m = member(o, key);
    if (!m) {
      if (required) this.problem('jwks-missing-member', o.span, `${what} has no "${key}"`);
      return undefined;
    }
    if (m.value.kind !== 'string' || m.value.value === '') {
      this.problem('jwks-bad-member', m.value.span, `${what}: "${key}" must be a non-empty string`);
      return undefined;
    }
    return m.value.value;
  }

  b64(o: AstObject, key: string, what: string): string | undefined {
    const v = this.str(o, key, what, true);
    if (v === undefined) return undefined;
    if (!BASE64URL.test(v)) {
      const m = member(o, key) as AstMember;
      this.problem(
        'jwks-bad-member',
        m.value.span,
        `${what}: "${key}" is not base64url (RFC 7518 writes key numbers as base64url without padding)`,
      );
      return undefined;
    }
    return v;
  }

  key(node: AstNode, index: number): JwkEntry | undefined {
    const at = `keys[${index}]`;
    if (node.kind !== 'object') {
      this.problem('jwks-bad-key', node.span, `${at} is not an object (a JSON Web Key)`);
      return undefined;
    }
    const before = this.errors.length;
    const kid = this.str(node, 'kid', at, false);
    const what = kid !== undefined ? `${at} (kid "${kid}")` : at;
    if (member(node, 'kid') === undefined) {
      this.problem(
        'jwks-key-without-kid',
        node.span,
        `${at} has no "kid": STS picks the key that verifies a token by the kid in the token's header`,
        'give every key the kid its tokens carry in their header (copy the JWKS exactly as the provider serves it)',
      );
    }
    const kty = this.str(node, 'kty', what, true);
    const secret = PRIVATE_MEMBERS.find((p) => member(node, p) !== undefined);
    if (secret !== undefined) {
      this.problem(
        'jwks-private-key',
        (member(node, secret) as AstMember).keySpan,
        `${what} holds private key material ("${secret}"): a JWKS publishes public keys only`,
        'remove the private members; never share a private key or a symmetric secret',
      );
    }
    if (kty !== undefined && kty !== 'RSA' && kty !== 'EC') {
      this.problem(
        'jwks-key-type',
        (member(node, 'kty') as AstMember).value.span,
        `${what} has kty "${kty}": STS verifies tokens only with RSA (RS256, RS384, RS512) and EC (ES256, ES384, ES512) keys`,
        kty === 'oct'
          ? 'an "oct" key is a shared secret (HS256…): STS takes only public-key signatures'
          : 'keep the RSA or EC keys the provider signs with',
      );
    }
    const rest = this.material(node, kty, what);
    if (this.errors.length > before || kid === undefined || rest === undefined) return undefined;
    const use = member(node, 'use');
    const alg = member(node, 'alg');
    const ops = member(node, 'key_ops');
    return {
      index,
      kid,
      kty: kty as 'RSA' | 'EC',
      ...(use?.value.kind === 'string' ? { use: use.value.value } : {}),
      ...(alg?.value.kind === 'string' ? { alg: alg.value.value } : {}),
      ...(ops !== undefined ? { keyOps: true } : {}),
      ...rest,
    };
  }

  /** The public numbers of an RSA or EC key. */
  material(
    o: AstObject,
    kty: string | undefined,
    what: string,
  ): Pick<JwkEntry, 'jwk' | 'bits' | 'crv'> | undefined {
    if (kty === 'RSA') {
      const n = this.b64(o, 'n', what);
      const e = this.b64(o, 'e', what);
      if (n === undefined || e === undefined) return undefined;
      return { jwk: { kty, n, e }, bits: modulusBits(n) };
    }
    if (kty === 'EC') {
      const crv = this.str(o, 'crv', what, true);
      if (crv !== undefined && !CURVES.includes(crv)) {
        this.problem(
          'jwks-key-type',
          (member(o, 'crv') as AstMember).value.span,
          `${what} is on curve "${crv}": ES256, ES384 and ES512 use P-256, P-384 and P-521`,
        );
        return undefined;
      }
      const x = this.b64(o, 'x', what);
      const y = this.b64(o, 'y', what);
      if (crv === undefined || x === undefined || y === undefined) return undefined;
      return { jwk: { kty, crv, x, y }, crv };
    }
    return undefined;
  }
}

/** The keys of a JWKS text (`source`: the file or URL, for messages and verdicts). */
export function readJwks(text: string, source: string): JwksRead {
  const parsed = parseJson(text);
  const syntax = parsed.findings.filter((f) => f.severity === 'error');
  if (!parsed.ast || syntax.length > 0) {
    const f = syntax[0];
    return {
      ok: false,
      errors: [
        {
          code: 'jwks-not-json',
          line: f?.span?.start.line ?? 1,
          column: f?.span?.start.column ?? 1,
          message: `the JWKS is not JSON: ${f?.message ?? 'no value'}`,
          hint: HINT_SHAPE,
        },
      ],
    };
  }
  const top = parsed.ast;
  const keysMember = top.kind === 'object' ? member(top, 'keys') : undefined;
  if (top.kind !== 'object' || !keysMember || keysMember.value.kind !== 'array') {
    const single = top.kind === 'object' && member(top, 'kty') !== undefined;
    return {
      ok: false,
      errors: [
        {
          code: 'jwks-shape',
          line: (keysMember?.value ?? top).span.start.line,
          column: (keysMember?.value ?? top).span.start.column,
          message: single
            ? 'this is one JSON Web Key, not a key set: a JWKS lists its keys under "keys"'
            : keysMember
              ? '"keys" must be a list of keys'
              : 'the JWKS has no "keys" list',
          hint: HINT_SHAPE,
        },
      ],
    };
  }
  const items = keysMember.value.items;
  const reader = new KeyReader();
  if (items.length === 0) {
    reader.problem(
      'jwks-empty',
      keysMember.value.span,
      'the JWKS has no key: AWS requires at least one',
      HINT_SHAPE,
    );
  }
  const keys = items.flatMap((node, i) => reader.key(node, i) ?? []);
  if (reader.errors.length > 0) return { ok: false, errors: reader.errors };
  const seen = new Map<string, number>();
  for (const k of keys) {
    const first = seen.get(k.kid);
    if (first !== undefined) {
      const span = (items[k.index] as AstNode).span;
      reader.warnings.push({
        code: 'jwks-duplicate-kid',
        line: span.start.line,
        column: span.start.column,
        message: `keys[${k.index}] has the kid "${k.kid}" of keys[${first}]: a token with that kid is checked against the last of them`,
      });
    } else seen.set(k.kid, k.index);
  }
  return { ok: true, set: { source, keys }, warnings: reader.warnings };
}

// ── scenario files: `token: {jwt: …, jwks: ./keys.json}` ─────────────────────────────────

/** A JWKS file as read once per run of a loader: its keys, or its problems as file errors. */
export type JwksFileRead =
  | { ok: true; set: KeySet; warnings: FileError[] }
  | { ok: false; errors: FileError[]; missing?: boolean; message?: string; hint?: string };

/**
 * The key set in the JWKS file `abs` (shown as `shown`): problems inside it are placed in that
 * file; a file that cannot be read is answered with a message for the place that names it.
 */
export function readJwksFile(abs: string, shown: string): JwksFileRead {
  const read = readText(abs);
  if (!read.ok) {
    return {
      ok: false,
      errors: [],
      missing: read.code === 'file-not-found',
      message:
        read.code === 'file-not-found'
          ? `token.jwks: no file "${shown}"`
          : `token.jwks: the file "${shown}" ${read.message}`,
      hint: read.hint ?? 'give the path of a JWKS file (relative to this scenario file)',
    };
  }
  const r = readJwks(read.text, shown);
  const secret = !r.ok && r.errors.some((e) => e.code === 'jwks-private-key');
  const fe = (p: JwksProblem, severity: 'error' | 'warning'): FileError => ({
    file: shown,
    line: p.line,
    column: p.column,
    message: p.message,
    code: p.code,
    ...(p.hint ? { hint: p.hint } : {}),
    // A file holding a private key is never quoted back.
    ...(secret ? {} : { frame: codeFrame(read.text, p.line, p.column) }),
    severity,
  });
  if (!r.ok) return { ok: false, errors: r.errors.map((p) => fe(p, 'error')) };
  return { ok: true, set: r.set, warnings: r.warnings.map((p) => fe(p, 'warning')) };
}

/** A token to verify once the file is built: the JWT as written, its header, and the keys. */
export interface Signing {
  jwt: string;
  header: Readonly<Record<string, unknown>>;
  set: KeySet;
  /** Where `jwks:` is written, for an error of the synchronous loader. */
  place: { line: number; column: number };
}

/**
 * Signatures to verify for the scenarios of one file. Verification is asynchronous (jose), so the
 * loader collects them while it builds the scenarios and verifies them all at the end; each
 * distinct token and key set once.
 */
export class PendingSignatures {
  private readonly jobs: { scenario: Scenario; signing: Signing }[] = [];

  add(scenario: Scenario, signing: Signing): void {
    this.jobs.push({ scenario, signing });
  }

  /** Where each unverified `jwks:` is written (the synchronous loader reports them). */
  places(): Signing['place'][] {
    return this.jobs.map((j) => j.signing.place);
  }

  async verifyAll(): Promise<void> {
    const done = new Map<string, Promise<SignatureVerdict>>();
    await Promise.all(
      this.jobs.map(async ({ scenario, signing }) => {
        const key = `${signing.set.source}\n${signing.jwt}`;
        let verdict = done.get(key);
        if (!verdict) {
          verdict = verifySignature(signing.jwt, signing.header, signing.set);
          done.set(key, verdict);
        }
        (scenario as { signature?: SignatureVerdict }).signature = await verdict;
      }),
    );
  }
}
