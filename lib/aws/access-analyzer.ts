/**
 * IAM Access Analyzer for trust policies, through `@aws-sdk/client-accessanalyzer`, which is
 * imported only when a check runs (nothing else in trustspec loads the SDK).
 *
 * - `validateTrustPolicy`: ValidatePolicy with `policyType: RESOURCE_POLICY` and
 *   `validatePolicyResourceType: AWS::IAM::AssumeRolePolicyDocument`, every page.
 * - `checkNoPublicAccess`: CheckNoPublicAccess with `resourceType:
 *   AWS::IAM::AssumeRolePolicyDocument` (a custom policy check: AWS charges for each call).
 *
 * The client uses the standard credential chain (or `profile`), the region from the options, the
 * environment or the profile, and the standard endpoint overrides (`AWS_ENDPOINT_URL_ACCESSANALYZER`,
 * `AWS_ENDPOINT_URL`). Retries are the SDK's standard ones (3 attempts); each attempt has its own
 * timeout (`throwOnRequestTimeout`, else the SDK only logs a warning and waits on), and the whole
 * call an overall deadline. An answer that is not about the policy (throttled, 5xx, timed out, no
 * credentials, access denied) is `unavailable` with a one-line reason, never a pass; a
 * ValidationException is a finding about the policy (`refused`). Nothing here throws.
 */
import type {
  AccessAnalyzerClient,
  AccessAnalyzerClientConfig,
  ReasonSummary,
  ValidatePolicyFinding,
} from '@aws-sdk/client-accessanalyzer';
import { getMember, type AstNode } from '../policy/ast.js';
import { parseJson } from '../policy/json.js';
import {
  fromValidatePolicy,
  locatePath,
  type AccessAnalyzerFinding,
  type Locator,
  type Placement,
} from './access-analyzer-findings.js';
import { classifyFault, oneLine, type Unavailable } from './unavailable.js';

export type { Unavailable } from './unavailable.js';

export const TRUST_POLICY_RESOURCE_TYPE = 'AWS::IAM::AssumeRolePolicyDocument';
export const VALIDATE_ACTION = 'access-analyzer:ValidatePolicy';
export const PUBLIC_ACCESS_ACTION = 'access-analyzer:CheckNoPublicAccess';

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_CONNECTION_TIMEOUT_MS = 5_000;
export const DEFAULT_DEADLINE_MS = 45_000;
/** A guard against a service that keeps answering with a next page. */
const MAX_PAGES = 100;

export interface AccessAnalyzerOptions {
  /** A profile of the shared config/credentials files (else AWS_PROFILE, else the default chain). */
  profile?: string;
  /** Else AWS_REGION, or the profile's region. */
  region?: string;
  /** Attempts per request, retries included (the SDK's default and AWS_MAX_ATTEMPTS otherwise: 3). */
  maxAttempts?: number;
  /** Per attempt (default 10 s). */
  requestTimeoutMs?: number;
  /** To open the connection (default 5 s). */
  connectionTimeoutMs?: number;
  /** For the whole call, every page and retry included (default 45 s). */
  deadlineMs?: number;
  /** The SDK's retry strategy (tests: `new ConfiguredRetryStrategy(3, 0)`, standard retries without the waits). */
  retryStrategy?: AccessAnalyzerClientConfig['retryStrategy'];
  /** A session to share one client between calls (see `openAccessAnalyzer`). */
  session?: AccessAnalyzerSession;
  /** How the SDK module is loaded (default: a dynamic import, on first use). */
  loadSdk?: () => Promise<AccessAnalyzerSdk>;
}

export type AccessAnalyzerSdk = typeof import('@aws-sdk/client-accessanalyzer');

const importSdk = (): Promise<AccessAnalyzerSdk> => import('@aws-sdk/client-accessanalyzer');

/** One client and the settings its calls run with. */
export interface AccessAnalyzerSession {
  client: AccessAnalyzerClient;
  commands: AccessAnalyzerSdk;
  settings: { deadlineMs: number; requestTimeoutMs: number; profile?: string };
  /** Closes the client's connections. */
  close(): void;
}

/** Access Analyzer answered: findings about the policy (none: it found nothing). */
export interface ValidateAnswer {
  status: 'ok';
  findings: AccessAnalyzerFinding[];
  /** Pages read (each a ValidatePolicy call). */
  pages: number;
}

/** Access Analyzer refused the policy as input (ValidationException and kin): one error finding. */
export interface Refused {
  status: 'refused';
  findings: AccessAnalyzerFinding[];
}

export type ValidateOutcome = ValidateAnswer | Refused | Unavailable;

export interface PublicAccessAnswer {
  status: 'ok';
  result: 'PASS' | 'FAIL';
  message?: string;
  reasons: ReasonSummary[];
  /** FAIL: one error finding per reason (at its statement), or one for the policy. */
  findings: AccessAnalyzerFinding[];
}

export type PublicAccessOutcome = PublicAccessAnswer | Refused | Unavailable;

/** Access Analyzer's errors that are about the input, not the call. */
export const INPUT_ERRORS = new Set([
  'ValidationException',
  'InvalidParameterException',
  'UnprocessableEntityException',
]);

/** A client for these options, or why none can be had (the SDK cannot be loaded or set up). */
export async function openAccessAnalyzer(
  opts: AccessAnalyzerOptions = {},
): Promise<AccessAnalyzerSession | Unavailable> {
  const requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const settings = {
    deadlineMs: opts.deadlineMs ?? DEFAULT_DEADLINE_MS,
    requestTimeoutMs,
    ...(opts.profile ? { profile: opts.profile } : {}),
  };
  let step = 'loaded';
  try {
    const commands = await (opts.loadSdk ?? importSdk)();
    step = 'set up';
    const client = new commands.AccessAnalyzerClient({
      ...(opts.region ? { region: opts.region } : {}),
      ...(opts.profile ? { profile: opts.profile } : {}),
      ...(opts.maxAttempts !== undefined ? { maxAttempts: opts.maxAttempts } : {}),
      ...(opts.retryStrategy ? { retryStrategy: opts.retryStrategy } : {}),
      requestHandler: {
        requestTimeout: requestTimeoutMs,
        connectionTimeout: opts.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
        throwOnRequestTimeout: true,
      },
    });
    return { client, commands, settings, close: () => client.destroy() };
  } catch (err) {
    const detail = oneLine(err instanceof Error ? err.message : String(err));
    return {
      status: 'unavailable',
      reason: `the AWS SDK for Access Analyzer could not be ${step}`,
      hint: step === 'loaded' ? `reinstall trustspec (${detail})` : detail,
      error: step === 'loaded' ? 'ModuleLoadError' : 'ClientSetupError',
      attempts: 0,
      scope: 'session',
    };
  }
}

/** Runs `work` with the given session, or one opened (and closed) for it. */
export async function withSession<T>(
  opts: AccessAnalyzerOptions,
  work: (s: AccessAnalyzerSession) => Promise<T | Unavailable>,
): Promise<T | Unavailable> {
  if (opts.session) return work(opts.session);
  const session = await openAccessAnalyzer(opts);
  if ('status' in session) return session;
  try {
    return await work(session);
  } finally {
    session.close();
  }
}

/** Runs `call` under the session's overall deadline. */
export async function underDeadline<T>(
  s: AccessAnalyzerSession,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), s.settings.deadlineMs);
  try {
    return await call(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

/** `ValidationException` → `validation-exception`. */
const kebab = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

export function errorName(err: unknown): string {
  const name = (err as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : '';
}

/** Access Analyzer's refusal of the input, as read from its error. */
export interface RefusalData {
  /** `ValidationException`, `InvalidParameterException`, `UnprocessableEntityException`. */
  name: string;
  message: string;
  /** `ValidationException.reason`, e.g. `fieldValidationFailed`. */
  reason?: string;
  /** `name: message` of each field AWS named. */
  fields: string[];
}

export function refusalData(err: unknown): RefusalData {
  const name = errorName(err);
  const e = err as { message?: unknown; reason?: unknown; fieldList?: unknown };
  const fields = Array.isArray(e.fieldList)
    ? (e.fieldList as { name?: unknown; message?: unknown }[]).map(
        (f) => `${String(f.name)}: ${String(f.message)}`,
      )
    : [];
  return {
    name,
    message: typeof e.message === 'string' ? oneLine(e.message) : name,
    ...(typeof e.reason === 'string' ? { reason: e.reason } : {}),
    fields,
  };
}

/** Access Analyzer's refusal of the input as an error finding about the policy. */
function refusal(r: RefusalData, operation: string, file: string | undefined): Refused {
  return {
    status: 'refused',
    findings: [
      {
        tool: 'access-analyzer',
        code: `access-analyzer/${kebab(r.name)}`,
        severity: 'error',
        message: `Access Analyzer could not analyze this policy: ${r.message}${r.reason ? ` (${r.reason})` : ''}`,
        hint: r.fields.length
          ? `${operation} refused the input: ${r.fields.join('; ')}`
          : `${operation} refused the input: check that it is a JSON trust policy within IAM's limits`,
        issueCode: r.name,
        findingType: 'ERROR',
        locations: [],
        ...(file !== undefined ? { file } : {}),
      },
    ],
  };
}

/** What ValidatePolicy brought back, before its findings are placed. */
export type ValidateReply =
  | { status: 'ok'; findings: ValidatePolicyFinding[]; pages: number }
  | { status: 'refused'; refusal: RefusalData }
  | Unavailable;

/** ValidatePolicy on a trust policy's text, every page, under the session's deadline. */
export async function requestValidation(
  text: string,
  s: AccessAnalyzerSession,
): Promise<ValidateReply> {
  const findings: ValidatePolicyFinding[] = [];
  const tokens = new Set<string>();
  let pages = 0;
  try {
    return await underDeadline(s, async (abortSignal) => {
      let nextToken: string | undefined;
      do {
        const out = await s.client.send(
          new s.commands.ValidatePolicyCommand({
            policyDocument: text,
            policyType: 'RESOURCE_POLICY',
            validatePolicyResourceType: TRUST_POLICY_RESOURCE_TYPE,
            ...(nextToken !== undefined ? { nextToken } : {}),
          }),
          { abortSignal },
        );
        pages++;
        findings.push(...(out.findings ?? []));
        nextToken = out.nextToken || undefined;
        if (nextToken !== undefined && (tokens.has(nextToken) || pages >= MAX_PAGES)) {
          return {
            status: 'unavailable',
            reason: `Access Analyzer kept returning pages (${pages} read)`,
            error: 'Pagination',
            attempts: pages,
            scope: 'call',
          } satisfies Unavailable;
        }
        if (nextToken !== undefined) tokens.add(nextToken);
      } while (nextToken !== undefined);
      return { status: 'ok', findings, pages } as const;
    });
  } catch (err) {
    if (INPUT_ERRORS.has(errorName(err))) return { status: 'refused', refusal: refusalData(err) };
    return classifyFault(err, { action: VALIDATE_ACTION, ...s.settings });
  }
}

/** A ValidatePolicy reply with its findings placed in the source. */
export function placeValidation(reply: ValidateReply, place: Placement = {}): ValidateOutcome {
  switch (reply.status) {
    case 'ok':
      return {
        status: 'ok',
        findings: reply.findings.map((f) => fromValidatePolicy(f, place)),
        pages: reply.pages,
      };
    case 'refused':
      return refusal(reply.refusal, 'ValidatePolicy', place.file);
    default:
      return reply;
  }
}

/**
 * ValidatePolicy on a trust policy's text, every page. Findings are placed by Access Analyzer's
 * spans (the text is the file's text) or, with `locate`, by their paths in the source file.
 */
export async function validateTrustPolicy(
  text: string,
  opts: AccessAnalyzerOptions & Placement = {},
): Promise<ValidateOutcome> {
  const reply = await withSession<ValidateReply>(opts, (s) => requestValidation(text, s));
  return placeValidation(reply, opts);
}

/**
 * Places paths in a JSON policy text by reading it with trustspec's JSON reader (undefined: the
 * text does not read as JSON). CheckNoPublicAccess reasons name statements by index only.
 */
export function jsonTextLocator(text: string): Locator | undefined {
  const { ast } = parseJson(text);
  if (!ast) return undefined;
  return (path, part) => {
    let node: AstNode | undefined = ast;
    let keySpan: AstNode['span'] | undefined;
    for (const step of path) {
      if (!node) return undefined;
      if (typeof step === 'number') {
        node = node.kind === 'array' ? node.items[step] : undefined;
        keySpan = undefined;
      } else {
        const member = node.kind === 'object' ? getMember(node, step) : undefined;
        node = member?.value;
        keySpan = member?.keySpan;
      }
    }
    return part === 'key' ? keySpan : node?.span;
  };
}

function publicAccessFindings(
  message: string | undefined,
  reasons: readonly ReasonSummary[],
  locate: Locator | undefined,
  file: string | undefined,
): AccessAnalyzerFinding[] {
  const base = {
    tool: 'access-analyzer' as const,
    code: 'access-analyzer/check-no-public-access',
    severity: 'error' as const,
    hint: "add conditions on the provider's keys (audience, subject) so that only your identities can assume the role",
    issueCode: 'CheckNoPublicAccess',
    findingType: 'ERROR',
    ...(file !== undefined ? { file } : {}),
  };
  const summary = message || 'Access Analyzer found that this trust policy grants public access';
  if (reasons.length === 0) return [{ ...base, message: summary, locations: [] }];
  return reasons.map((r) => {
    const index = typeof r.statementIndex === 'number' ? r.statementIndex : undefined;
    const path = index !== undefined ? [{ value: 'Statement' }, { index }] : [];
    const span = locate && index !== undefined ? locatePath(path, locate) : undefined;
    const which = r.statementId
      ? ` (Sid ${r.statementId})`
      : index !== undefined
        ? ` (statement ${index + 1})`
        : '';
    return {
      ...base,
      message: `${r.description || summary}${which}`,
      ...(span ? { span } : {}),
      locations: [span ? { path, span } : { path }],
    };
  });
}

/** What CheckNoPublicAccess brought back, before its reasons are placed. */
/** A check that answered neither PASS nor FAIL: unavailable, never a pass. */
export function neitherPassNorFail(
  operation: string,
  out: { result?: string | undefined; $metadata: { attempts?: number | undefined } },
): Unavailable {
  return {
    status: 'unavailable',
    reason: `${operation} answered neither PASS nor FAIL (${String(out.result)})`,
    error: 'UnexpectedResult',
    attempts: out.$metadata.attempts ?? 1,
    scope: 'call',
  };
}

export type PublicAccessReply =
  | { status: 'ok'; result: 'PASS' | 'FAIL'; message?: string; reasons: ReasonSummary[] }
  | { status: 'refused'; refusal: RefusalData }
  | Unavailable;

/** CheckNoPublicAccess on a trust policy's text, under the session's deadline. */
export async function requestPublicAccessCheck(
  text: string,
  s: AccessAnalyzerSession,
): Promise<PublicAccessReply> {
  try {
    const out = await underDeadline(s, (abortSignal) =>
      s.client.send(
        new s.commands.CheckNoPublicAccessCommand({
          policyDocument: text,
          resourceType: TRUST_POLICY_RESOURCE_TYPE,
        }),
        { abortSignal },
      ),
    );
    if (out.result !== 'PASS' && out.result !== 'FAIL')
      return neitherPassNorFail('CheckNoPublicAccess', out);
    return {
      status: 'ok',
      result: out.result,
      ...(out.message ? { message: out.message } : {}),
      reasons: out.reasons ?? [],
    };
  } catch (err) {
    if (INPUT_ERRORS.has(errorName(err))) return { status: 'refused', refusal: refusalData(err) };
    return classifyFault(err, { action: PUBLIC_ACCESS_ACTION, ...s.settings });
  }
}

/**
 * A CheckNoPublicAccess reply as an outcome: FAIL gives an error finding per reason, at its
 * statement (placed with `locate`, else by reading `text` as JSON).
 */
export function placePublicAccess(
  reply: PublicAccessReply,
  text: string,
  place: Placement = {},
): PublicAccessOutcome {
  switch (reply.status) {
    case 'ok': {
      const findings =
        reply.result === 'FAIL'
          ? publicAccessFindings(
              reply.message,
              reply.reasons,
              place.locate ?? jsonTextLocator(text),
              place.file,
            )
          : [];
      return { ...reply, findings };
    }
    case 'refused':
      return refusal(reply.refusal, 'CheckNoPublicAccess', place.file);
    default:
      return reply;
  }
}

/**
 * CheckNoPublicAccess on a trust policy's text. FAIL gives an error finding per reason, at its
 * statement (placed with `locate`, else by reading the text as JSON).
 */
export async function checkNoPublicAccess(
  text: string,
  opts: AccessAnalyzerOptions & Placement = {},
): Promise<PublicAccessOutcome> {
  const reply = await withSession<PublicAccessReply>(opts, (s) =>
    requestPublicAccessCheck(text, s),
  );
  return placePublicAccess(reply, text, opts);
}
