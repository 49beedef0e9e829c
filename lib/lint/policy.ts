/**
 * The findings of one trust policy's shape, as both `lint` and `test` report them. Its own module so
 * that `trustspec test` loads the checks without lint's file walking and SARIF output.
 */
import type { Finding } from '../diagnostics.js';
import type { TrustPolicy } from '../policy/model.js';
import { policyFindings } from '../explain/lint.js';
import { lintChecks, type LintContext } from './checks.js';

const byPlace = (a: Finding, b: Finding): number =>
  (a.span?.start.offset ?? -1) - (b.span?.start.offset ?? -1);

/**
 * Every shape finding of one trust policy (explain's traps that need no token, and lint's own
 * checks), in source order. `ctx.roleArns`: the roles that use the policy, when known.
 */
export function lintPolicy(policy: TrustPolicy, ctx: LintContext = {}): Finding[] {
  return [...policyFindings(policy), ...lintChecks(policy, ctx)].sort(byPlace);
}
