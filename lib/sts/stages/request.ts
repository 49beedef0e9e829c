/** Stage 1: the request parameters, in STS's order (§1.2); the first failing one decides (ValidationError). */
import { memoize } from '../../memo.js';
import { parseRoleArn, type RoleArnResult } from '../../providers/index.js';
import type { Recorder } from '../trace.js';
import type {
  Decision,
  RequestCheck,
  RequestInput,
  RoleArnParts,
  SimulationInput,
} from '../types.js';
import {
  MAX_DURATION_SECONDS,
  MIN_DURATION_SECONDS,
  OAUTH_PROVIDER_IDS,
  SESSION_NAME_CHARS,
  SESSION_NAME_MAX,
  SESSION_NAME_MIN,
  validationMessage,
} from '../vocabulary.js';

const POLICY_CHARS = /^[\t\n\r\u0020-\u00ff]*$/;
const POLICY_ARN = /^arn:[\w-]+:iam::(\d{12}|aws):policy\//;
const NON_ASCII_NOTE = '§1.2 (UNCONFIRMED 1): \\w is taken as ASCII letters, digits and _';

/** Parsed once per distinct ARN (see lib/memo.ts): the parts object is the same for every call. */
const roleOf = memoize(
  (arn): { ok: true; role: RoleArnParts } | Extract<RoleArnResult, { ok: false }> => {
    const r = parseRoleArn(arn);
    return r.ok
      ? {
          ok: true,
          role: { partition: r.partition, account: r.account, path: r.path, name: r.name },
        }
      : r;
  },
);

/** The last session name checked and its verdict: a run uses one name for many requests. */
let lastName: { name: string; valid: boolean } | undefined;

function validSessionName(name: string): boolean {
  if (lastName?.name === name) return lastName.valid;
  const valid =
    name.length >= SESSION_NAME_MIN &&
    name.length <= SESSION_NAME_MAX &&
    SESSION_NAME_CHARS.test(name);
  lastName = { name, valid };
  return valid;
}

/** The STS ValidationError message of a failed request check (AWS's text, from the check's data). */
export function requestCheckMessage(c: RequestCheck): string | undefined {
  switch (c.id) {
    case 'request.role-arn':
      return `1 validation error detected: Value '${c.data.arn}' at 'roleArn' failed to satisfy constraint: ${c.data.problem ?? ''}`;
    case 'request.role-session-name':
      return c.data.constraint === undefined
        ? undefined
        : validationMessage('roleSessionName', c.data.name ?? 'null', c.data.constraint);
    case 'request.duration-seconds':
      return c.data.constraint === undefined
        ? undefined
        : validationMessage('durationSeconds', String(c.data.seconds), c.data.constraint);
    case 'request.policy':
      return c.data.constraint === undefined
        ? undefined
        : validationMessage('policy', c.data.text, c.data.constraint);
    case 'request.policy-arns':
      return c.data.constraint === undefined
        ? undefined
        : validationMessage(
            'policyArns',
            c.data.badArn ?? `${c.data.count} ARNs`,
            c.data.constraint,
          );
    case 'request.web-identity-token':
      return c.data.constraint === undefined
        ? undefined
        : validationMessage('webIdentityToken', '***', c.data.constraint);
    case 'request.max-session-duration':
      return c.ok
        ? undefined
        : 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.';
    case 'request.provider-id':
      return c.ok
        ? undefined
        : `ProviderId "${c.data.providerId}" is not accepted: only graph.facebook.com and www.amazon.com take a ProviderId; omit it for OpenID Connect tokens`;
  }
}

function sessionNameCheck(name: string | undefined): RequestCheck {
  const id = 'request.role-session-name';
  if (name === undefined) {
    return {
      id,
      stage: 'request',
      ok: false,
      data: { name, constraint: 'Member must not be null' },
    };
  }
  if (name.length < SESSION_NAME_MIN || name.length > SESSION_NAME_MAX) {
    const constraint =
      name.length < SESSION_NAME_MIN
        ? `Member must have length greater than or equal to ${SESSION_NAME_MIN}`
        : `Member must have length less than or equal to ${SESSION_NAME_MAX}`;
    return { id, stage: 'request', ok: false, data: { name, constraint } };
  }
  if (!SESSION_NAME_CHARS.test(name)) {
    const badCharacters = [...new Set(name.replace(/[\w+=,.@-]/g, ''))];
    const nonAscii = [...name].some((ch) => ch.charCodeAt(0) > 0x7f);
    return {
      id,
      stage: 'request',
      ok: false,
      data: {
        name,
        badCharacters,
        constraint: 'Member must satisfy regular expression pattern: [\\w+=,.@-]*',
      },
      ...(nonAscii ? { unconfirmed: NON_ASCII_NOTE } : {}),
    };
  }
  return { id, stage: 'request', ok: true, data: { name } };
}

function durationConstraint(d: number): string | undefined {
  if (!Number.isInteger(d)) return 'Member must be an integer';
  if (d < MIN_DURATION_SECONDS)
    return `Member must have value greater than or equal to ${MIN_DURATION_SECONDS}`;
  if (d > MAX_DURATION_SECONDS)
    return `Member must have value less than or equal to ${MAX_DURATION_SECONDS}`;
  return undefined;
}

function policyConstraint(policy: string): string | undefined {
  const len = policy.length;
  if (len < 1) return 'Member must have length greater than or equal to 1';
  if (len > 2048) return 'Member must have length less than or equal to 2048';
  if (!POLICY_CHARS.test(policy))
    return 'Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+';
  return undefined;
}

/** Records a check (built only when traced or failed); returns it when it failed. */
function record(rec: Recorder, ok: boolean, make: () => RequestCheck): RequestCheck | undefined {
  if (ok) {
    if (rec.trace) rec.record(make());
    return undefined;
  }
  const check = make();
  rec.add(false, () => check);
  return check;
}

/** The optional parameters, each checked only when given. */
function optionalChecks(
  req: RequestInput,
  tokenLength: number | undefined,
  rec: Recorder,
): RequestCheck | undefined {
  const d = req.durationSeconds;
  if (d !== undefined) {
    const constraint = durationConstraint(d);
    const ok = constraint === undefined;
    const make = (): RequestCheck => ({
      id: 'request.duration-seconds',
      stage: 'request',
      ok,
      data: { seconds: d, ...(ok ? {} : { constraint }) },
    });
    const refused = record(rec, ok, make);
    if (refused) return refused;
  }
  const providerId = req.providerId;
  if (providerId !== undefined) {
    const ok = (OAUTH_PROVIDER_IDS as readonly string[]).includes(providerId);
    const make = (): RequestCheck => ({
      id: 'request.provider-id',
      stage: 'request',
      ok,
      data: { providerId, accepted: OAUTH_PROVIDER_IDS },
    });
    const refused = record(rec, ok, make);
    if (refused) return refused;
  }
  const policy = req.policy;
  if (policy !== undefined) {
    const constraint = policyConstraint(policy);
    const ok = constraint === undefined;
    const make = (): RequestCheck => ({
      id: 'request.policy',
      stage: 'request',
      ok,
      data: {
        length: policy.length,
        text: policy.length > 40 ? policy.slice(0, 40) + '…' : policy,
        ...(ok ? {} : { constraint }),
      },
    });
    const refused = record(rec, ok, make);
    if (refused) return refused;
  }
  const arns = req.policyArns;
  if (arns !== undefined) {
    const tooMany = arns.length > 10;
    const badArn = arns.find((a) => a.length < 20 || a.length > 2048 || !POLICY_ARN.test(a));
    const ok = !tooMany && badArn === undefined;
    const make = (): RequestCheck => ({
      id: 'request.policy-arns',
      stage: 'request',
      ok,
      data: {
        count: arns.length,
        ...(tooMany
          ? { constraint: 'Member must have length less than or equal to 10' }
          : badArn !== undefined
            ? {
                badArn,
                constraint:
                  'Member must be a managed policy ARN (arn:PARTITION:iam::ACCOUNT:policy/NAME)',
              }
            : {}),
      },
    });
    const refused = record(rec, ok, make);
    if (refused) return refused;
  }
  if (tokenLength !== undefined) {
    const ok = tokenLength >= 4 && tokenLength <= 20000;
    const make = (): RequestCheck => ({
      id: 'request.web-identity-token',
      stage: 'request',
      ok,
      data: {
        length: tokenLength,
        ...(ok
          ? {}
          : {
              constraint:
                tokenLength < 4
                  ? 'Member must have length greater than or equal to 4'
                  : 'Member must have length less than or equal to 20000',
            }),
      },
    });
    const refused = record(rec, ok, make);
    if (refused) return refused;
  }
  return undefined;
}

export type RequestStageResult =
  { ok: true; role: RoleArnParts } | { ok: false; decision: Decision };

function refuse(rec: Recorder, c: RequestCheck): RequestStageResult {
  const message = requestCheckMessage(c) ?? '';
  return { ok: false, decision: rec.deny('request', 'ValidationError', message, c.id) };
}

/** The session-name check, recorded (apart from requestStage: its closure is built only here). */
function sessionNameRecord(
  rec: Recorder,
  valid: boolean,
  name: string | undefined,
): RequestCheck | undefined {
  return record(rec, valid, () => sessionNameCheck(name));
}

export function requestStage(input: SimulationInput, rec: Recorder): RequestStageResult {
  const arn = input.role.arn;
  const parsed = roleOf(arn);
  if (!parsed.ok) {
    const check: RequestCheck = {
      id: 'request.role-arn',
      stage: 'request',
      ok: false,
      data: { arn, problem: parsed.message, ...(parsed.hint ? { hint: parsed.hint } : {}) },
    };
    rec.add(false, () => check);
    return refuse(rec, check);
  }
  const role = parsed.role;
  if (rec.trace)
    rec.record({ id: 'request.role-arn', stage: 'request', ok: true, data: { arn, role } });
  const name = input.request.roleSessionName;
  const valid = name !== undefined && validSessionName(name);
  const failed =
    (valid && !rec.trace ? undefined : sessionNameRecord(rec, valid, name)) ??
    optionalChecks(input.request, input.token.length, rec);
  // (The parsed ARN is the result as it is: one object per distinct ARN, nothing allocated.)
  return failed ? refuse(rec, failed) : parsed;
}
