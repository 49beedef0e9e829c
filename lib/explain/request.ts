/** Causes found in the request parameters (§1.2, §1.6): session name, duration. */
import type { Check } from '../sts/types.js';
import { diag, type Facts } from './facts.js';
import type { ExplainedDiagnosis } from './types.js';

const MAX_DURATION = 43200;

function failed(f: Facts, id: string): Check | undefined {
  return f.decision.failedCheck === id
    ? f.decision.checks.find((c) => c.id === id && !c.ok)
    : undefined;
}

/** A session name STS would accept, built from the one given. */
export function suggestSessionName(name: string | undefined): string {
  const cleaned = (name ?? '').replace(/[^\w+=,.@-]+/g, '-').slice(0, 64);
  return cleaned.length >= 2 ? cleaned : `${cleaned}session`.slice(0, 64);
}

export function sessionName(f: Facts): ExplainedDiagnosis[] {
  const check = failed(f, 'request.role-session-name');
  if (!check) return [];
  const name = f.input.request.roleSessionName;
  const what =
    name === undefined
      ? 'no RoleSessionName was given; STS requires one'
      : name.length < 2 || name.length > 64
        ? `RoleSessionName "${name}" has ${name.length} characters; STS takes 2–64`
        : `RoleSessionName "${name}" contains ${[...new Set(name.replace(/[\w+=,.@-]/g, ''))].map((c) => JSON.stringify(c)).join(', ')}; STS takes only letters, digits and _+=,.@-`;
  return [
    diag(
      'session-name-invalid',
      'The role session name is not valid',
      `${what}. STS answers: ${check.message}`,
      `use 2–64 characters of [A-Za-z0-9_+=,.@-], e.g. "${suggestSessionName(name)}" (aws-actions/configure-aws-credentials: input role-session-name)`,
    ),
  ];
}

export function durationRange(f: Facts): ExplainedDiagnosis[] {
  const check = failed(f, 'request.duration-seconds');
  if (!check) return [];
  const d = f.input.request.durationSeconds;
  const near =
    d === undefined || !Number.isFinite(d)
      ? 3600
      : Math.min(MAX_DURATION, Math.max(900, Math.round(d)));
  return [
    diag(
      'duration-out-of-range',
      'DurationSeconds is outside 900–43200',
      `DurationSeconds ${String(d)} is not an integer from 900 to 43200 seconds. STS answers: ${check.message}`,
      `request DurationSeconds between 900 and 43200, e.g. ${near}`,
    ),
  ];
}

export function durationMaximum(f: Facts): ExplainedDiagnosis[] {
  const check = failed(f, 'request.max-session-duration');
  if (!check) return [];
  const max = f.input.role.maxSessionDuration ?? 3600;
  const d = f.input.request.durationSeconds ?? 3600;
  const roleName = f.role?.name ?? 'ROLE';
  return [
    diag(
      'duration-exceeds-role-maximum',
      "DurationSeconds exceeds the role's MaxSessionDuration",
      `the request asks for ${d} seconds but the role allows at most ${max} (MaxSessionDuration). The trust policy allowed the caller; STS then refuses the duration: ${check.message}`,
      `request at most ${max} seconds (DurationSeconds ${max}), or raise the role's maximum to ${Math.min(d, MAX_DURATION)}: aws iam update-role --role-name ${roleName} --max-session-duration ${Math.min(d, MAX_DURATION)}`,
    ),
  ];
}

/** Any other refused request parameter: the check's own message says what and why. */
export function otherRequest(f: Facts): ExplainedDiagnosis[] {
  if (f.decision.stage !== 'request') return [];
  const known = [
    'request.role-session-name',
    'request.duration-seconds',
    'request.max-session-duration',
  ];
  if (f.decision.failedCheck === undefined || known.includes(f.decision.failedCheck)) return [];
  const check = f.decision.checks.find((c) => c.id === f.decision.failedCheck);
  return [
    diag(
      'request-invalid',
      `The request parameter check ${f.decision.failedCheck} failed`,
      check?.message ?? f.decision.message ?? 'STS refused a request parameter',
      check?.expected ? `give ${check.expected}` : 'correct the request parameter named above',
    ),
  ];
}
