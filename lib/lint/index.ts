/**
 * `trustspec lint`: the findings of trust policies read by themselves (issue #9). `lintPolicy` is
 * what both `lint` and `test` report for a policy's shape; `lintPaths` reads files, folders and
 * globs (policy files and scenario files) into a `LintReport`.
 */
import type { Finding } from '../diagnostics.js';
import type { TrustPolicy } from '../policy/model.js';
import { policyFindings } from '../explain/lint.js';
import { lintChecks, type LintContext } from './checks.js';

export { lintChecks, type LintContext } from './checks.js';
export { LINT_CODES, lintCode, type LintCode } from './codes.js';
export {
  lintPaths,
  exitCodeOfLint,
  LINT_FILE,
  type LintFinding,
  type LintOptions,
  type LintReport,
  type SuppressedLintFinding,
  type CrossCheckSummary,
  type PolicyUnit,
} from './run.js';
export { toSarif, SARIF_SCHEMA, FINGERPRINT_KEY, type SarifItem, type SarifLog } from './sarif.js';

const byPlace = (a: Finding, b: Finding): number =>
  (a.span?.start.offset ?? -1) - (b.span?.start.offset ?? -1);

/**
 * Every shape finding of one trust policy (explain's traps that need no token, and lint's own
 * checks), in source order. `ctx.roleArns`: the roles that use the policy, when known.
 */
export function lintPolicy(policy: TrustPolicy, ctx: LintContext = {}): Finding[] {
  return [...policyFindings(policy), ...lintChecks(policy, ctx)].sort(byPlace);
}
