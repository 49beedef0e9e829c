/**
 * IAM through `@aws-sdk/client-iam`: GetRole, ListRoles, ListOpenIDConnectProviders and
 * GetOpenIDConnectProvider. The SDK is imported when a call is made (dynamic `import()`), never
 * when this module is loaded, so a program that calls no AWS API loads none of it.
 *
 * Every call has a bounded life: standard retries (3 attempts), a per-attempt request timeout with
 * `throwOnRequestTimeout` (without it the SDK only logs a warning and waits), and an overall
 * deadline through an `AbortSignal`. No call throws: a fault comes back as data with a one-line
 * message ("throttled after 3 attempts"), never as a stale or empty answer.
 */

/** How to reach IAM and how long to wait. */
export interface IamCallOptions {
  /** A named profile of the shared config files; default: `AWS_PROFILE`, else the default chain. */
  profile?: string;
  /**
   * The client's region. IAM is one endpoint per partition, so this only picks the partition;
   * default: the partition's own IAM region (us-east-1 for `aws`).
   */
  region?: string;
  /** The partition of the account asked about, when no region is given (from the role ARN). */
  partition?: string;
  /** Where `AWS_ENDPOINT_URL(_IAM)`, `AWS_PROFILE`, `AWS_REGION` and static credentials are read. */
  env?: NodeJS.ProcessEnv;
  /** Per attempt, in ms (default 10 000). */
  requestTimeoutMs?: number;
  /** For the whole call with its retries, in ms (default 45 000). */
  deadlineMs?: number;
  /** Attempts including the first (default 3). */
  maxAttempts?: number;
  /** A fixed wait between attempts in ms instead of the SDK's backoff (tests: 0). */
  retryDelayMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_DEADLINE_MS = 45_000;
export const DEFAULT_MAX_ATTEMPTS = 3;

/** What went wrong, sorted by what the user can do about it. */
export type AwsFaultKind =
  | 'not-found'
  | 'throttled'
  | 'timeout'
  | 'deadline'
  | 'service'
  | 'network'
  | 'no-credentials'
  | 'credentials-rejected'
  | 'access-denied'
  | 'bad-input'
  | 'bad-answer'
  | 'other';

export interface AwsFault {
  kind: AwsFaultKind;
  /** The API action, e.g. `iam:GetRole`. */
  action: string;
  /** Attempts made (0: no request was sent, e.g. without credentials). */
  attempts: number;
  /** The service's error code or the SDK's error name, e.g. `Throttling`, `TimeoutError`. */
  code?: string;
  /** The HTTP status, when there was an answer. */
  status?: number;
  /** One line: "throttled after 3 attempts (Throttling: Rate exceeded)". */
  message: string;
}

export type AwsResult<T> =
  { ok: true; value: T; attempts: number } | { ok: false; fault: AwsFault };

export interface IamRole {
  arn: string;
  name: string;
  path: string;
  roleId?: string;
  maxSessionDuration?: number;
  tags: Record<string, string>;
  /** The trust policy, URL-decoded (IAM returns it percent-encoded, RFC 3986). */
  assumeRolePolicyDocument: string;
}

export interface IamOidcProvider {
  arn: string;
  /** As IAM returns it: without `https://`. */
  url: string;
  clientIds: string[];
  thumbprints: string[];
}

/** A role ARN taken apart: `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`. */
export interface RoleArn {
  partition: string;
  account: string;
  /** `/` or `/a/b/`. */
  path: string;
  name: string;
}

/**
 * `arn:aws:iam::111122223333:role/ci/deploy` → its parts; undefined for anything else. GetRole
 * takes the name only, which is the last segment: a role name cannot contain `/`.
 */
export function parseRoleArn(arn: string): RoleArn | undefined {
  const m =
    /^arn:([a-z][a-z0-9-]*):iam::(\d{12}):role(\/(?:[\x21-\x7e]*\/)?)([\w+=,.@-]{1,64})$/.exec(arn);
  if (!m) return undefined;
  return {
    partition: m[1] as string,
    account: m[2] as string,
    path: m[3] as string,
    name: m[4] as string,
  };
}

/**
 * Each partition's IAM signing region, from the SDK's IAM endpoint rules (client-iam 3.1169.0,
 * dist-es/endpoint/bdd.js): IAM is global within a partition.
 */
export const IAM_REGION_OF_PARTITION: Readonly<Record<string, string>> = {
  aws: 'us-east-1',
  'aws-cn': 'cn-north-1',
  'aws-us-gov': 'us-gov-west-1',
  'aws-iso': 'us-iso-east-1',
  'aws-iso-b': 'us-isob-east-1',
  'aws-iso-e': 'eu-isoe-west-1',
  'aws-iso-f': 'us-isof-south-1',
  'aws-eusc': 'eusc-de-east-1',
};

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);
const REJECTED_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'IncompleteSignature',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

interface SdkError {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $retryable?: { throttling?: boolean };
  $response?: { statusCode?: number };
}

function oneLine(s: string): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 197)}…` : line;
}

function attemptsText(n: number): string {
  return n === 1 ? '1 attempt' : `${n} attempts`;
}

/** An SDK error → what kind of fault it is, with one line for the user. */
export function classifyAwsError(
  err: unknown,
  action: string,
  opts: IamCallOptions = {},
): AwsFault {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkError;
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const raw = typeof e.message === 'string' ? oneLine(e.message) : oneLine(String(err));
  const code = typeof e.code === 'string' ? e.code : undefined;
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const attempts = e.$metadata?.attempts ?? (status === undefined ? 0 : 1);
  const base = { action, attempts, code: name, ...(status !== undefined ? { status } : {}) };
  const said = raw !== '' && raw !== name ? `${name}: ${raw}` : name;
  const after = attempts > 0 ? ` after ${attemptsText(attempts)}` : '';
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(raw)) {
    const profile = opts.profile || (opts.env ?? process.env)['AWS_PROFILE'];
    return {
      ...base,
      attempts: 0,
      kind: 'no-credentials',
      message: profile
        ? `no AWS credentials for profile "${profile}" (${raw}); check the profile in the shared config files`
        : `no AWS credentials (${raw}); set a profile or the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY environment`,
    };
  }
  if (name === 'NoSuchEntityException' || name === 'NoSuchEntity') {
    return { ...base, kind: 'not-found', message: `not found (${said})` };
  }
  if (e.$retryable?.throttling === true || THROTTLING.has(name)) {
    return { ...base, kind: 'throttled', message: `throttled${after} (${said})` };
  }
  if (name === 'AbortError' || name === 'DeadlineError') {
    const ms = opts.deadlineMs ?? DEFAULT_DEADLINE_MS;
    return {
      ...base,
      kind: 'deadline',
      message: `no answer within the deadline of ${ms / 1000} s${after}`,
    };
  }
  if (code !== undefined && NETWORK_CODES.has(code)) {
    return { ...base, code, kind: 'network', message: `could not reach IAM${after} (${code})` };
  }
  if (name === 'TimeoutError' || code === 'ETIMEDOUT' || name === 'RequestTimeout') {
    const ms = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    return {
      ...base,
      kind: 'timeout',
      message: `timed out${after} (each attempt limited to ${ms / 1000} s)`,
    };
  }
  if (name === 'AccessDenied' || name === 'AccessDeniedException' || status === 403) {
    if (!REJECTED_CREDENTIALS.has(name))
      return {
        ...base,
        kind: 'access-denied',
        message: `access denied: the credentials lack ${action} (${said})`,
      };
  }
  if (REJECTED_CREDENTIALS.has(name)) {
    return { ...base, kind: 'credentials-rejected', message: `credentials rejected (${said})` };
  }
  if (e.$fault === 'server' || (status !== undefined && status >= 500)) {
    const what = status !== undefined ? `HTTP ${status}` : 'server fault';
    return { ...base, kind: 'service', message: `IAM service error${after} (${what}, ${said})` };
  }
  if (e.$fault === 'client') {
    return { ...base, kind: 'bad-input', message: `refused (${said})` };
  }
  return { ...base, kind: 'other', message: `failed${after} (${said})` };
}

/** The endpoint the standard variables name: `AWS_ENDPOINT_URL_IAM`, then `AWS_ENDPOINT_URL`. */
export function configuredEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  if ((env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] ?? '').toLowerCase() === 'true') return undefined;
  const url = env['AWS_ENDPOINT_URL_IAM'] || env['AWS_ENDPOINT_URL'];
  return url ? url : undefined;
}

/** The client region: given, else the partition's IAM region, else the environment's. */
export function clientRegion(opts: IamCallOptions): string | undefined {
  const env = opts.env ?? process.env;
  if (opts.region) return opts.region;
  if (opts.partition && IAM_REGION_OF_PARTITION[opts.partition])
    return IAM_REGION_OF_PARTITION[opts.partition];
  return env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] || undefined;
}

type IamModule = typeof import('@aws-sdk/client-iam');
type IamClient = InstanceType<IamModule['IAMClient']>;

interface Session {
  sdk: IamModule;
  client: IamClient;
  signal: AbortSignal;
  done(): void;
}

/** A client with the retry, timeout and credential settings above, and the deadline's signal. */
async function openSession(opts: IamCallOptions, action: string): Promise<Session | AwsFault> {
  const env = opts.env ?? process.env;
  const region = clientRegion(opts);
  if (!region) {
    return {
      kind: 'bad-input',
      action,
      attempts: 0,
      message: `no region for the IAM client: the partition "${opts.partition ?? '?'}" is not one trustspec knows; set region (or AWS_REGION)`,
    };
  }
  const sdk = await import('@aws-sdk/client-iam');
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const profile = opts.profile || env['AWS_PROFILE'] || undefined;
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  // Like the SDK's chain: a chosen profile wins over static keys in the environment.
  const credentials =
    !profile && accessKeyId && secretAccessKey
      ? {
          accessKeyId,
          secretAccessKey,
          ...(env['AWS_SESSION_TOKEN'] ? { sessionToken: env['AWS_SESSION_TOKEN'] } : {}),
        }
      : undefined;
  const endpoint = configuredEndpoint(env);
  let retry: { retryStrategy: unknown } | { retryMode: 'standard' };
  if (opts.retryDelayMs !== undefined) {
    const { ConfiguredRetryStrategy } = await import('@smithy/core/retry');
    retry = { retryStrategy: new ConfiguredRetryStrategy(maxAttempts, opts.retryDelayMs) };
  } else retry = { retryMode: 'standard' };
  const client = new sdk.IAMClient({
    region,
    maxAttempts,
    ...(retry as object),
    ...(profile ? { profile } : {}),
    ...(credentials ? { credentials } : {}),
    ...(endpoint ? { endpoint } : {}),
    requestHandler: {
      requestTimeout: opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      connectionTimeout: opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    },
  });
  const controller = new AbortController();
  const timer = setTimeout(() => {
    const e = new Error('the overall deadline passed');
    e.name = 'AbortError';
    controller.abort(e);
  }, opts.deadlineMs ?? DEFAULT_DEADLINE_MS);
  timer.unref();
  return {
    sdk,
    client,
    signal: controller.signal,
    done() {
      clearTimeout(timer);
      client.destroy();
    },
  };
}

/** What a session body reports as it goes: attempts made, and the call under way. */
interface Progress {
  action: string;
  attempts: number;
  count(n: number | undefined): void;
}

/** Runs `body` with a session; any thrown SDK error becomes a fault of the call under way. */
async function withSession<T>(
  opts: IamCallOptions,
  action: string,
  body: (s: Session, p: Progress) => Promise<T | AwsFault>,
): Promise<AwsResult<T>> {
  let session: Session | AwsFault;
  try {
    session = await openSession(opts, action);
  } catch (err) {
    return { ok: false, fault: classifyAwsError(err, action, opts) };
  }
  if ('kind' in session) return { ok: false, fault: session };
  const progress: Progress = {
    action,
    attempts: 0,
    count(n) {
      this.attempts += n ?? 1;
    },
  };
  try {
    const value = await body(session, progress);
    if (isFault(value)) return { ok: false, fault: value };
    return { ok: true, value, attempts: progress.attempts };
  } catch (err) {
    const fault = classifyAwsError(err, progress.action, opts);
    // An abort leaves no $metadata: count the attempts of the calls that were answered.
    if (fault.kind === 'deadline' && fault.attempts === 0) fault.attempts = progress.attempts;
    return { ok: false, fault };
  } finally {
    session.done();
  }
}

function isFault(v: unknown): v is AwsFault {
  return typeof v === 'object' && v !== null && 'kind' in v && 'action' in v && 'message' in v;
}

function badAnswer(action: string, attempts: number, message: string): AwsFault {
  return { kind: 'bad-answer', action, attempts, message };
}

function tagsOf(
  tags: readonly { Key?: string; Value?: string }[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

/** Percent-decoding as botocore's `unquote` does it (a `+` stays a `+`); undefined if malformed. */
export function decodePolicyDocument(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

/** GetRole by the ARN's name; the answer's ARN must be the one asked for. */
export async function getRole(arn: string, opts: IamCallOptions = {}): Promise<AwsResult<IamRole>> {
  const action = 'iam:GetRole';
  const parts = parseRoleArn(arn);
  if (!parts) {
    return {
      ok: false,
      fault: {
        kind: 'bad-input',
        action,
        attempts: 0,
        message: `"${arn}" is not a role ARN (arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME)`,
      },
    };
  }
  return withSession({ partition: parts.partition, ...opts }, action, async (s, p) => {
    const out = await s.client.send(new s.sdk.GetRoleCommand({ RoleName: parts.name }), {
      abortSignal: s.signal,
    });
    p.count(out.$metadata.attempts);
    const attempts = out.$metadata.attempts ?? 1;
    const role = out.Role;
    if (!role?.Arn || role.AssumeRolePolicyDocument === undefined) {
      return badAnswer(action, attempts, 'the answer has no Role, Arn or AssumeRolePolicyDocument');
    }
    if (role.Arn !== arn) {
      return badAnswer(
        action,
        attempts,
        `asked for ${arn}, IAM answered with ${role.Arn} (same name, another path or account: check the ARN and the credentials' account)`,
      );
    }
    const document = decodePolicyDocument(role.AssumeRolePolicyDocument);
    if (document === undefined) {
      return badAnswer(
        action,
        attempts,
        'the AssumeRolePolicyDocument is not valid percent-encoding',
      );
    }
    return {
      arn: role.Arn,
      name: role.RoleName ?? parts.name,
      path: role.Path ?? parts.path,
      ...(role.RoleId ? { roleId: role.RoleId } : {}),
      ...(role.MaxSessionDuration !== undefined
        ? { maxSessionDuration: role.MaxSessionDuration }
        : {}),
      tags: tagsOf(role.Tags),
      assumeRolePolicyDocument: document,
    };
  });
}

/** A role as ListRoles gives it (no tags there: GetRole has them). */
export interface IamListedRole {
  arn: string;
  name: string;
  path: string;
  maxSessionDuration?: number;
  assumeRolePolicyDocument: string;
}

/** ListRoles under a path prefix (`/` for all), following `IsTruncated`/`Marker` to the last page. */
export async function listRoles(
  pathPrefix: string,
  opts: IamCallOptions & { partition: string },
): Promise<AwsResult<IamListedRole[]>> {
  const action = 'iam:ListRoles';
  return withSession(opts, action, async (s, p) => {
    const roles: IamListedRole[] = [];
    let marker: string | undefined;
    do {
      const page = await s.client.send(
        new s.sdk.ListRolesCommand({
          PathPrefix: pathPrefix,
          ...(marker ? { Marker: marker } : {}),
        }),
        { abortSignal: s.signal },
      );
      p.count(page.$metadata.attempts);
      for (const r of page.Roles ?? []) {
        const document = decodePolicyDocument(r.AssumeRolePolicyDocument ?? '');
        if (!r.Arn || !r.RoleName || document === undefined) {
          return badAnswer(
            action,
            p.attempts,
            `a listed role has no Arn, RoleName or a readable document`,
          );
        }
        roles.push({
          arn: r.Arn,
          name: r.RoleName,
          path: r.Path ?? '/',
          ...(r.MaxSessionDuration !== undefined
            ? { maxSessionDuration: r.MaxSessionDuration }
            : {}),
          assumeRolePolicyDocument: document,
        });
      }
      if (page.IsTruncated && !page.Marker) {
        return badAnswer(action, p.attempts, 'IsTruncated without a Marker');
      }
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    return roles;
  });
}

/**
 * ListOpenIDConnectProviders, then GetOpenIDConnectProvider for each: the providers of the
 * credentials' account, under one deadline.
 */
export async function listOidcProviders(
  opts: IamCallOptions & { partition: string },
): Promise<AwsResult<IamOidcProvider[]>> {
  return withSession(opts, 'iam:ListOpenIDConnectProviders', async (s, p) => {
    const list = await s.client.send(new s.sdk.ListOpenIDConnectProvidersCommand({}), {
      abortSignal: s.signal,
    });
    p.count(list.$metadata.attempts);
    const providers: IamOidcProvider[] = [];
    for (const entry of list.OpenIDConnectProviderList ?? []) {
      const arn = entry.Arn ?? '';
      p.action = 'iam:GetOpenIDConnectProvider';
      const out = await s.client.send(
        new s.sdk.GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }),
        { abortSignal: s.signal },
      );
      p.count(out.$metadata.attempts);
      if (!out.Url) return badAnswer(p.action, p.attempts, `${arn} has no Url`);
      providers.push({
        arn,
        url: out.Url,
        clientIds: out.ClientIDList ?? [],
        thumbprints: out.ThumbprintList ?? [],
      });
    }
    return providers;
  });
}
