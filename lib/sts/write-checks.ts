/**
 * What IAM refuses when a trust policy is written (CreateRole, UpdateAssumeRolePolicy), although
 * the policy reads fine: findings of severity `error` marked `writeTime`. The simulation still
 * evaluates such a policy — a role that exists was stored before the rule, or the rule is ours.
 */
import type { Finding } from '../diagnostics.js';
import type { ConditionClause, Statement, TrustPolicy } from '../policy/model.js';
import { isSharedGithubIssuer, parseFederatedPrincipal } from '../providers/index.js';

/** The operators IAM accepts for the identity-provider control (its own error message lists them). */
const CONTROL_OPERATORS = new Set(['StringEquals', 'StringLike', 'StringEqualsIgnoreCase']);
const GITHUB_CONTROL_KEYS = ['sub', 'job_workflow_ref'];
const GITHUB_ISSUER = 'token.actions.githubusercontent.com';

/** Does the clause scope `HOST:sub` / `HOST:job_workflow_ref` to something narrower than `*`? */
function scopes(clause: ConditionClause, prefix: string): boolean {
  if (!CONTROL_OPERATORS.has(clause.operator.base.name)) return false;
  if (!clause.keyLower.startsWith(prefix)) return false;
  if (!GITHUB_CONTROL_KEYS.includes(clause.keyLower.slice(prefix.length))) return false;
  return clause.values.some((v) => v.value !== '*');
}

function githubControl(s: Statement): Finding[] {
  if (s.effect.value !== 'Allow') return [];
  const out: Finding[] = [];
  for (const f of s.principal.federated) {
    // Most principals are not GitHub's: skip them before parsing.
    if (!f.value.toLowerCase().includes(GITHUB_ISSUER)) continue;
    const p = parseFederatedPrincipal(f.value);
    if (p.kind !== 'oidc' || !isSharedGithubIssuer(p.hostPath)) continue;
    const prefix = `${p.hostPath.toLowerCase()}:`;
    if (s.conditions.some((c) => scopes(c, prefix))) continue;
    out.push({
      code: 'idp-control-missing',
      severity: 'error',
      writeTime: true,
      message: `IAM would refuse to store this trust policy: "MalformedPolicyDocument: Trust policy with trusted principal ${f.value} must evaluate, using StringEquals, StringLike or StringEqualsIgnoreCase, ${p.hostPath}:sub or ${p.hostPath}:job_workflow_ref which is not scoped to all."`,
      span: f.span,
      hint: `add a condition such as "StringLike": {"${p.hostPath}:sub": "repo:OWNER/REPO:*"} (any value but "*"); without one, every repository on GitHub could assume the role`,
      spec: 'IAM User Guide, identity-provider controls for shared OIDC providers',
    });
  }
  return out;
}

/** The write-time findings of a policy: today the identity-provider control for GitHub's shared issuers. */
export function writeTimeFindings(policy: TrustPolicy): Finding[] {
  return policy.statements.flatMap(githubControl);
}
