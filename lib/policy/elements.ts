/**
 * Rules on policy element values that both readers of a trust policy apply: the full reader
 * (parse.ts, every finding) and the clean-policy fast path (clean.ts, which accepts only what the
 * full reader accepts without a finding).
 */

/** An action as IAM accepts it: service prefix, colon, name; `*` and `?` as wildcards. */
export const ACTION_PATTERN = /^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/;
export const ASSUME = 'sts:AssumeRoleWithWebIdentity';
/** A Sid IAM takes without a warning: letters and digits only (§4.1). */
export const SID_PATTERN = /^[A-Za-z0-9]*$/;

const lowerKeys = new Map<string, string>();

/**
 * A condition key in lower case (§3.6), one shared flat string per distinct key. The JSON
 * parser's keys are slices of the policy text, on which V8's `===`, `Map` lookups and
 * `toLowerCase` cost several times what they cost on a flat string; the compiler and every
 * evaluation compare and look up these keys, so each distinct key is lowered and copied once.
 */
export function lowerKey(key: string): string {
  let lower = lowerKeys.get(key);
  if (lower === undefined) {
    if (lowerKeys.size >= 1024) lowerKeys.clear(); // bounded, whatever the input stream
    lower = key.toLowerCase().split('').join('');
    // Kept under a copy: a slice would keep the whole text it was cut from alive.
    lowerKeys.set(key.split('').join(''), lower);
  }
  return lower;
}
