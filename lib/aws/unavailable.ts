/**
 * An AWS call that gave no answer about the policy: why, in one line. Throttling, server errors,
 * timeouts, missing credentials or region, and permissions make a check *unavailable* — never a
 * pass and never a finding about the policy. The shapes read here are the SDK v3 errors as seen
 * through the real client (test/aws/access-analyzer.test.ts drives each one): `name`, `$fault`,
 * `$metadata.httpStatusCode` and `$metadata.attempts`, Node's `code` for network errors.
 */

export interface Unavailable {
  status: 'unavailable';
  /** One line: `throttled after 3 attempts`, `no AWS credentials found`, … */
  reason: string;
  /** What would make it work, when there is something to say. */
  hint?: string;
  /** The SDK's error name (`ThrottlingException`, `TimeoutError`, …). */
  error: string;
  /** Requests made before giving up (0: none was sent). */
  attempts: number;
  /**
   * How far the cause reaches: `session` (credentials, region, the SDK itself: every call of the
   * session would fail alike), `action` (a permission: every call of this action), `call` (this
   * call: throttling, timeouts, server errors).
   */
  scope: 'session' | 'action' | 'call';
}

/** What the classification needs to know about the call. */
export interface CallContext {
  /** The IAM action the call needs, e.g. `access-analyzer:ValidatePolicy`. */
  action: string;
  /** The overall deadline, for its message. */
  deadlineMs: number;
  /** The per-attempt timeout, for its message. */
  requestTimeoutMs: number;
  profile?: string;
}

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown; attempts?: unknown };
}

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
]);

/** Errors that say the credentials were read but AWS does not accept them. */
const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'ExpiredToken',
  'MissingAuthenticationTokenException',
]);

/** No connection could be made. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/** The connection broke before an answer (the SDK names these `TimeoutError` too). */
const DROPPED = new Set(['ECONNRESET', 'EPIPE']);

/** The first line of a message, without the SDK's deserialization appendix, kept short. */
export function oneLine(text: string): string {
  const line = (text.split(/\r?\n/)[0] ?? '').trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

function attemptsOf(e: SdkErrorShape): number {
  const n = e.$metadata?.attempts;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 0;
}

const times = (n: number): string => (n === 1 ? '1 attempt' : `${n} attempts`);

/** An SDK error (or anything thrown) as the reason the call is unavailable. */
export function classifyFault(err: unknown, ctx: CallContext): Unavailable {
  const e: SdkErrorShape = typeof err === 'object' && err !== null ? err : { message: String(err) };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = typeof e.message === 'string' ? oneLine(e.message) : '';
  const code = typeof e.code === 'string' ? e.code : undefined;
  const status =
    typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const attempts = attemptsOf(e);
  const out = (
    reason: string,
    hint?: string,
    scope: Unavailable['scope'] = 'call',
  ): Unavailable => ({
    status: 'unavailable',
    reason,
    ...(hint ? { hint } : {}),
    error: name,
    attempts,
    scope,
  });

  if (
    name === 'CredentialsProviderError' ||
    /could not (load|resolve) credentials/i.test(message)
  ) {
    return out(
      ctx.profile
        ? `no AWS credentials found for profile ${ctx.profile}`
        : 'no AWS credentials found',
      'set a profile (--profile or AWS_PROFILE) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
      'session',
    );
  }
  if (/region is missing/i.test(message)) {
    return out(
      'no AWS region configured',
      'set --region, AWS_REGION, or a region in the profile',
      'session',
    );
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    return out(
      `access denied: ${ctx.action}`,
      `allow ${ctx.action} to the identity the credentials belong to`,
      'action',
    );
  }
  if (BAD_CREDENTIALS.has(name)) {
    return out(
      `AWS did not accept the credentials (${name})`,
      'check the credentials, the profile and the clock',
      'session',
    );
  }
  if (THROTTLING.has(name) || status === 429) return out(`throttled after ${times(attempts)}`);
  if (name === 'AbortError') {
    return out(`no answer within the ${seconds(ctx.deadlineMs)} deadline`);
  }
  if (code && UNREACHABLE.has(code)) {
    return out(
      `could not reach Access Analyzer (${code}) after ${times(attempts)}`,
      'check the network, the region and any endpoint override (AWS_ENDPOINT_URL_ACCESSANALYZER, AWS_ENDPOINT_URL)',
    );
  }
  if (code && DROPPED.has(code)) {
    return out(`the connection was dropped (${code}) after ${times(attempts)}`);
  }
  if (name === 'TimeoutError' || code === 'ETIMEDOUT') {
    return out(
      `timed out after ${times(attempts)} (${seconds(ctx.requestTimeoutMs)} each)`,
      'Access Analyzer did not answer in time: try again later, or raise the timeout',
    );
  }
  if (status !== undefined && status >= 500) {
    const what = name === 'SyntaxError' || name === 'Error' ? '' : ` ${name}`;
    return out(`service error (HTTP ${status}${what}) after ${times(attempts)}`);
  }
  const detail = message ? `: ${message}` : '';
  return out(
    status !== undefined
      ? `unexpected answer (HTTP ${status} ${name})${detail}`
      : `unexpected error ${name}${detail}`,
  );
}
