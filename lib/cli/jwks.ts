/**
 * `explain --jwks FILE` and `explain --fetch-jwks [URL]`: the provider's keys, to verify the
 * token's signature as STS would (lib/token-verify.ts). The network is used only with
 * --fetch-jwks: from the URL given, or from the jwks_uri of the token issuer's
 * /.well-known/openid-configuration, as STS finds it.
 */
import { relative, resolve } from 'node:path';
import { readText } from '../files.js';
import { codeFrame } from '../scenarios/frame.js';
import { readJwks } from '../scenarios/jwks.js';
import { verifySignature, type KeySet, type SignatureVerdict } from '../token-verify.js';
import { UsageError, type Io } from './io.js';

export interface JwksOptions {
  jwks?: string;
  fetchJwks?: string | boolean;
}

/** What a fetch may read: far more than any provider's key set. */
const MAX_FETCH_BYTES = 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const FETCH_HINT =
  'STS itself answers IDPCommunicationError when it cannot reach the provider; check the URL, or save the JWKS to a file and give --jwks FILE';

/** The keys of a JWKS text, or a UsageError placing every problem at its line and column. */
function keySet(text: string, shown: string): KeySet {
  const read = readJwks(text, shown);
  if (read.ok) return read.set;
  // A file holding a private key is never quoted back.
  const secret = read.errors.some((e) => e.code === 'jwks-private-key');
  const lines = read.errors.map((e) => {
    const frame = secret ? '' : `\n${codeFrame(text, e.line, e.column)}`;
    return `${shown}:${e.line}:${e.column}: ${e.message}${e.hint ? `\n  ${e.hint}` : ''}${frame}`;
  });
  throw new UsageError(`--jwks: the key set cannot be used\n${lines.join('\n')}`);
}

function checkUrl(url: string, what: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`${what}: "${url}" is not a URL`);
  }
  if (u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname))) return u;
  throw new UsageError(
    `${what}: "${url}" is not an https:// URL`,
    'providers serve their keys over HTTPS (plain http only to this machine, for testing)',
  );
}

async function fetchText(url: string, what: string): Promise<string> {
  const u = checkUrl(url, what);
  let res: Response;
  try {
    res = await fetch(u, {
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      headers: { accept: 'application/json' },
    });
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message;
    throw new UsageError(`${what}: could not fetch ${url}: ${cause}`, FETCH_HINT);
  }
  if (!res.ok) throw new UsageError(`${what}: ${url} answered HTTP ${res.status}`, FETCH_HINT);
  const text = await res.text();
  if (text.length > MAX_FETCH_BYTES)
    throw new UsageError(`${what}: ${url} sent more than ${MAX_FETCH_BYTES} bytes`);
  return text;
}

/** The jwks_uri of the issuer's discovery document. */
async function discover(iss: unknown): Promise<string> {
  if (typeof iss !== 'string' || !iss.startsWith('https://')) {
    throw new UsageError(
      `--fetch-jwks: the token's iss ${JSON.stringify(iss)} is not an https:// issuer to discover keys from`,
      'give the JWKS URL: --fetch-jwks URL',
    );
  }
  const url = `${iss.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const text = await fetchText(url, '--fetch-jwks');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UsageError(`--fetch-jwks: ${url} is not JSON`, FETCH_HINT);
  }
  const uri = (doc as { jwks_uri?: unknown } | null)?.jwks_uri;
  if (typeof uri !== 'string')
    throw new UsageError(`--fetch-jwks: ${url} names no jwks_uri`, FETCH_HINT);
  return uri;
}

/**
 * The signature verdict for the token given with --jwt, when --jwks or --fetch-jwks asks for one.
 * Bad keys or a failed fetch are a UsageError (exit 2).
 */
export async function signatureFromOptions(
  opts: JwksOptions,
  io: Io,
  token: { jwt?: string; header?: Record<string, unknown>; claims: Record<string, unknown> },
): Promise<SignatureVerdict | undefined> {
  const fetching = opts.fetchJwks !== undefined && opts.fetchJwks !== false;
  if (opts.jwks === undefined && !fetching) return undefined;
  if (opts.jwks !== undefined && fetching)
    throw new UsageError('give --jwks FILE or --fetch-jwks, not both');
  if (token.jwt === undefined || token.header === undefined) {
    throw new UsageError(
      `${opts.jwks !== undefined ? '--jwks' : '--fetch-jwks'} verifies a signed token: give it with --jwt`,
    );
  }
  let set: KeySet;
  if (opts.jwks !== undefined) {
    const path = resolve(io.cwd, opts.jwks);
    const read = readText(path);
    if (!read.ok) {
      throw new UsageError(
        read.code === 'file-not-found'
          ? `--jwks: no file "${opts.jwks}"`
          : `--jwks: the file "${opts.jwks}" ${read.message}`,
        "save the provider's JWKS (the jwks_uri of its /.well-known/openid-configuration) to a file",
      );
    }
    set = keySet(read.text, relative(io.cwd, path) || path);
  } else {
    const url =
      typeof opts.fetchJwks === 'string' ? opts.fetchJwks : await discover(token.claims['iss']);
    set = keySet(await fetchText(url, '--fetch-jwks'), url);
  }
  return verifySignature(token.jwt, token.header, set);
}
