/** Stage 1: the static shape of the request parameters (§1.2). */
import type { Check, RequestInput } from './types.js';

const SESSION_NAME = /^[\w+=,.@-]*$/;
const POLICY_CHARS = /^[\t\n\r\u0020-\u00ff]*$/;
export const OAUTH_PROVIDER_IDS = ['graph.facebook.com', 'www.amazon.com'] as const;

function validation(field: string, value: string, constraint: string): string {
  return `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`;
}

/** Checks in STS's order; the first failing one decides (ValidationError). Without `trace`, only the failed ones. */
export function requestChecks(
  req: RequestInput,
  tokenLength: number | undefined,
  trace = true,
): Check[] {
  const checks: Check[] = [];
  // A passing check's details are built only when a trace is wanted.
  const add = (ok: boolean, make: () => Check): void => {
    if (!ok || trace) checks.push(make());
  };
  const name = req.roleSessionName;
  if (name === undefined) {
    add(false, () => ({
      stage: 'request',
      id: 'request.role-session-name',
      ok: false,
      message: validation('roleSessionName', 'null', 'Member must not be null'),
      expected: '2–64 characters of [\\w+=,.@-]',
      actual: '(missing)',
    }));
  } else if (name.length < 2 || name.length > 64) {
    add(false, () => ({
      stage: 'request',
      id: 'request.role-session-name',
      ok: false,
      message: validation(
        'roleSessionName',
        name,
        name.length < 2
          ? 'Member must have length greater than or equal to 2'
          : 'Member must have length less than or equal to 64',
      ),
      expected: '2–64 characters',
      actual: `${name.length} characters`,
    }));
  } else if (!SESSION_NAME.test(name)) {
    // \w is read as ASCII [A-Za-z0-9_] (§1.2, UNCONFIRMED 1).
    const nonAscii = [...name].some((ch) => ch.charCodeAt(0) > 0x7f);
    add(false, () => ({
      stage: 'request',
      id: 'request.role-session-name',
      ok: false,
      message: validation(
        'roleSessionName',
        name,
        'Member must satisfy regular expression pattern: [\\w+=,.@-]*',
      ),
      expected: 'letters, digits and _+=,.@- only (no spaces, no ":" or "/")',
      actual: name,
      ...(nonAscii
        ? { unconfirmed: '§1.2 (UNCONFIRMED 1): \\w is taken as ASCII letters, digits and _' }
        : {}),
    }));
  } else {
    add(true, () => ({
      stage: 'request',
      id: 'request.role-session-name',
      ok: true,
      message: `RoleSessionName "${name}" is 2–64 characters of [\\w+=,.@-]`,
      actual: name,
    }));
  }

  const d = req.durationSeconds;
  if (d !== undefined) {
    const bad = !Number.isInteger(d)
      ? 'Member must be an integer'
      : d < 900
        ? 'Member must have value greater than or equal to 900'
        : d > 43200
          ? 'Member must have value less than or equal to 43200'
          : undefined;
    add(bad === undefined, () => ({
      stage: 'request',
      id: 'request.duration-seconds',
      ok: bad === undefined,
      message: bad
        ? validation('durationSeconds', String(d), bad)
        : `DurationSeconds ${d} is within 900–43200`,
      expected: '900–43200',
      actual: String(d),
    }));
  }

  if (req.providerId !== undefined) {
    const ok = (OAUTH_PROVIDER_IDS as readonly string[]).includes(req.providerId);
    add(ok, () => ({
      stage: 'request',
      id: 'request.provider-id',
      ok,
      message: ok
        ? `ProviderId "${req.providerId}" names an OAuth 2.0 provider`
        : `ProviderId "${req.providerId}" is not accepted: only graph.facebook.com and www.amazon.com take a ProviderId; omit it for OpenID Connect tokens`,
      expected: OAUTH_PROVIDER_IDS.join(' or '),
      actual: req.providerId,
    }));
  }

  const policy = req.policy;
  if (policy !== undefined) {
    const len = policy.length;
    const bad =
      len < 1 || len > 2048
        ? `Member must have length ${len < 1 ? 'greater than or equal to 1' : 'less than or equal to 2048'}`
        : !POLICY_CHARS.test(policy)
          ? 'Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+'
          : undefined;
    add(bad === undefined, () => ({
      stage: 'request',
      id: 'request.policy',
      ok: bad === undefined,
      message: bad
        ? validation('policy', policy.length > 40 ? policy.slice(0, 40) + '…' : policy, bad)
        : `session Policy is ${len} characters (1–2048)`,
    }));
  }

  const arns = req.policyArns;
  if (arns !== undefined) {
    const tooMany = arns.length > 10;
    const badArn = arns.find(
      (a) => a.length < 20 || a.length > 2048 || !/^arn:[\w-]+:iam::(\d{12}|aws):policy\//.test(a),
    );
    add(!tooMany && badArn === undefined, () => ({
      stage: 'request',
      id: 'request.policy-arns',
      ok: !tooMany && badArn === undefined,
      message: tooMany
        ? validation(
            'policyArns',
            `${arns.length} ARNs`,
            'Member must have length less than or equal to 10',
          )
        : badArn !== undefined
          ? validation(
              'policyArns',
              badArn,
              'Member must be a managed policy ARN (arn:PARTITION:iam::ACCOUNT:policy/NAME)',
            )
          : `${arns.length} managed session policy ARN(s)`,
    }));
  }

  if (tokenLength !== undefined) {
    const ok = tokenLength >= 4 && tokenLength <= 20000;
    add(ok, () => ({
      stage: 'request',
      id: 'request.web-identity-token',
      ok,
      message: ok
        ? `WebIdentityToken is ${tokenLength} characters (4–20,000)`
        : validation(
            'webIdentityToken',
            '***',
            tokenLength < 4
              ? 'Member must have length greater than or equal to 4'
              : 'Member must have length less than or equal to 20000',
          ),
    }));
  }
  return checks;
}
