/**
 * `trustspec lint`: the findings of trust policies read by themselves (issue #9). `lintPolicy` is
 * what both `lint` and `test` report for a policy's shape; `lintPaths` reads files, folders and
 * globs (policy files and scenario files) into a `LintReport`.
 */
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
export { lintPolicy } from './policy.js';
