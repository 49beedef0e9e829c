/** Causes found in the request parameters (§1.2, §1.6): session name, duration. */
import {
  DEFAULT_DURATION_SECONDS,
  MAX_DURATION_SECONDS,
  MIN_DURATION_SECONDS,
} from '../sts/vocabulary.js';
import { describeCheck } from './describe.js';
import { diag, type Facts } from './facts.js';
import { failedCheck } from './token.js';
import type { ExplainedDiagnosis } from './types.js';

/** A session name STS would accept, built from the one given. */
export function suggestSessionName(name: string | undefined): string {
  const cleaned = (name ?? '').replace(/[^\w+=,.@-]+/g, '-').slice(0, 64);
  return cleaned.length >= 2 ? cleaned : `${cleaned}session`.slice(0, 64);
}

export function sessionName(f: Facts): ExplainedDiagnosis[] {
  const check = failedCheck(f, 'request.role-session-name');
  if (!check) return [];
  const { name, badCharacters } = check.data;
  const what =
    name === undefined
      ? 'no RoleSessionName was given; STS requires one'
      : badCharacters === undefined
        ? `RoleSessionName "${name}" has ${name.length} characters; STS takes 2–64`
        : `RoleSessionName "${name}" contains ${badCharacters.map((c) => JSON.stringify(c)).join(', ')}; STS takes only letters, digits and _+=,.@-`;
  return [
    diag(
      'session-name-invalid',
      'The role session name is not valid',
      `${what}. STS answers: ${f.decision.message}`,
      `use 2–64 characters of [A-Za-z0-9_+=,.@-], e.g. "${suggestSessionName(name)}" (aws-actions/configure-aws-credentials: input role-session-name)`,
    ),
  ];
}

export function durationRange(f: Facts): ExplainedDiagnosis[] {
  const check = failedCheck(f, 'request.duration-seconds');
  if (!check) return [];
  const d = check.data.seconds;
  const near = !Number.isFinite(d)
    ? DEFAULT_DURATION_SECONDS
    : Math.min(MAX_DURATION_SECONDS, Math.max(MIN_DURATION_SECONDS, Math.round(d)));
  return [
    diag(
      'duration-out-of-range',
      `DurationSeconds is outside ${MIN_DURATION_SECONDS}–${MAX_DURATION_SECONDS}`,
      `DurationSeconds ${String(d)} is not an integer from ${MIN_DURATION_SECONDS} to ${MAX_DURATION_SECONDS} seconds. STS answers: ${f.decision.message}`,
      `request DurationSeconds between ${MIN_DURATION_SECONDS} and ${MAX_DURATION_SECONDS}, e.g. ${near}`,
    ),
  ];
}

export function durationMaximum(f: Facts): ExplainedDiagnosis[] {
  const check = failedCheck(f, 'request.max-session-duration');
  if (!check) return [];
  const { maximum: max, requested: d } = check.data;
  const roleName = f.role?.name ?? 'ROLE';
  const raise = Math.min(d, MAX_DURATION_SECONDS);
  return [
    diag(
      'duration-exceeds-role-maximum',
      "DurationSeconds exceeds the role's MaxSessionDuration",
      `the request asks for ${d} seconds but the role allows at most ${max} (MaxSessionDuration). The trust policy allowed the caller; STS then refuses the duration: ${f.decision.message}`,
      `request at most ${max} seconds (DurationSeconds ${max}), or raise the role's maximum to ${raise}: aws iam update-role --role-name ${roleName} --max-session-duration ${raise}`,
    ),
  ];
}

/** Any other refused request parameter: the check's own message says what and why. */
export function otherRequest(f: Facts): ExplainedDiagnosis[] {
  const d = f.decision;
  if (d.decision !== 'deny' || d.stage !== 'request') return [];
  const known = [
    'request.role-session-name',
    'request.duration-seconds',
    'request.max-session-duration',
  ];
  if (known.includes(d.failedCheck)) return [];
  const check = d.checks.find((c) => c.id === d.failedCheck);
  const text = check ? describeCheck(check) : undefined;
  return [
    diag(
      'request-invalid',
      `The request parameter check ${d.failedCheck} failed`,
      text?.message ?? d.message,
      text?.expected ? `give ${text.expected}` : 'correct the request parameter named above',
    ),
  ];
}
