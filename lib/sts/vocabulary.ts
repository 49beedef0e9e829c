/**
 * The few names, limits and formats that the pipeline, `explain` and the reporters share. Each is
 * defined here once and imported everywhere (spec §1.2–§1.6).
 */
import type { AuthorizedAction } from './types.js';

export const ASSUME_ACTION = 'sts:AssumeRoleWithWebIdentity' satisfies AuthorizedAction;
export const TAG_SESSION = 'sts:TagSession' satisfies AuthorizedAction;
export const SET_SOURCE_IDENTITY = 'sts:SetSourceIdentity' satisfies AuthorizedAction;

/** Signing algorithms STS accepts for web-identity tokens (botocore sts model, 2026-08). */
export const TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'] as const;

/** DurationSeconds bounds and the default of both DurationSeconds and MaxSessionDuration (§1.2, §1.6). */
export const MIN_DURATION_SECONDS = 900;
export const MAX_DURATION_SECONDS = 43200;
export const DEFAULT_DURATION_SECONDS = 3600;

/** RoleSessionName: 2–64 characters of `[\w+=,.@-]` (§1.2; \w read as ASCII, UNCONFIRMED 1). */
export const SESSION_NAME_CHARS = /^[\w+=,.@-]*$/;
export const SESSION_NAME_MIN = 2;
export const SESSION_NAME_MAX = 64;

/** The OAuth 2.0 providers that take a ProviderId (§1.4). */
export const OAUTH_PROVIDER_IDS = ['graph.facebook.com', 'www.amazon.com'] as const;

/**
 * IAM gives a five-minute window past the token's `exp` for clock skew (IAM User Guide, "Create an
 * OpenID Connect (OIDC) identity provider in IAM": tokens received within five minutes after exp
 * are accepted). The same allowance is applied to `nbf` (UNCONFIRMED 3).
 */
export const CLOCK_SKEW_SECONDS = 300;

/**
 * From this age (seconds since `iat`) trustspec warns that STS may answer "Token too old": AWS
 * publishes no limit; the smallest refusal observed was a token 153,938 s old (mozilla-aws-cli#155).
 */
export const TOKEN_OLD_WARNING_SECONDS = 24 * 3600;

/** STS's ValidationError message for a request parameter (observed form, §1.2). */
export function validationMessage(field: string, value: string, constraint: string): string {
  return `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`;
}

/** Epoch seconds → `2026-06-01T00:00:00Z`. */
export function formatEpoch(sec: number): string {
  return new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `"Sid"` when the statement has one, else `#N` (1-based): how trustspec names a statement. */
export function statementLabel(st: { index: number; sid?: string | undefined }): string {
  return st.sid ? `"${st.sid}"` : `#${st.index + 1}`;
}
