/**
 * What IAM refuses when a trust policy is written (CreateRole, UpdateAssumeRolePolicy), although
 * the policy reads fine: findings of severity `error` marked `writeTime`. The simulation still
 * evaluates such a policy — a role that exists was stored before the rule, or the rule is ours.
 */
import type { Finding } from '../diagnostics.js';
import type { ConditionClause, Statement, TrustPolicy } from '../policy/model.js';
import { memoize } from '../memo.js';
import { isSharedGithubIssuer, parseFederatedPrincipal } from '../providers/index.js';

/** The operators IAM accepts for the identity-provider control (its own error message lists them). */
const CONTROL_OPERATORS = new Set(['StringEquals', 'StringLike', 'StringEqualsIgnoreCase']);
const GITHUB_ISSUER = 'token.actions.githubusercontent.com';

/**
 * The issuer (host/path) and its key prefix `host/path:` in lower case, when a Federated principal
 * names one of GitHub's shared issuers. Remembered per value: policies repeat their principals,
 * and most are not GitHub's.
 */
interface GithubIssuer {
  hostPath: string;
  /** The two keys that scope it, lower-cased: `host/path:sub`, `host/path:job_workflow_ref`. */
  sub: string;
  jobWorkflowRef: string;
}

const githubIssuer = memoize((value: string): GithubIssuer | null => {
  if (!value.toLowerCase().includes(GITHUB_ISSUER)) return null;
  const p = parseFederatedPrincipal(value);
  if (p.kind !== 'oidc' || !isSharedGithubIssuer(p.hostPath)) return null;
  const prefix = `${p.hostPath.toLowerCase()}:`;
  // Flattened once (a concatenation is a rope): compared with every clause's key.
  const flat = (s: string): string => s.split('').join('');
  return {
    hostPath: p.hostPath,
    sub: flat(`${prefix}sub`),
    jobWorkflowRef: flat(`${prefix}job_workflow_ref`),
  };
}, 1024);

/**
 * Does the clause scope `HOST:sub` / `HOST:job_workflow_ref` to something narrower than `*`?
 * Whole keys are compared (`===` stops at a length difference), not a prefix: `startsWith`
 * costs several times more on the keys the JSON parser cuts out of the text.
 */
function scopes(clause: ConditionClause, issuer: GithubIssuer): boolean {
  const key = clause.keyLower;
  if (key !== issuer.sub && key !== issuer.jobWorkflowRef) return false;
  if (!CONTROL_OPERATORS.has(clause.operator.base.name)) return false;
  for (const v of clause.values) if (v.value !== '*') return true;
  return false;
}

function githubControl(s: Statement, out: Finding[]): void {
  if (s.effect.value !== 'Allow') return;
  for (const f of s.principal.federated) {
    const issuer = githubIssuer(f.value);
    if (issuer === null || s.conditions.some((c) => scopes(c, issuer))) continue;
    const hostPath = issuer.hostPath;
    out.push({
      code: 'idp-control-missing',
      severity: 'error',
      writeTime: true,
      message: `IAM would refuse to store this trust policy: "MalformedPolicyDocument: Trust policy with trusted principal ${f.value} must evaluate, using StringEquals, StringLike or StringEqualsIgnoreCase, ${hostPath}:sub or ${hostPath}:job_workflow_ref which is not scoped to all."`,
      span: f.span,
      hint: `add a condition such as "StringLike": {"${hostPath}:sub": "repo:OWNER/REPO:*"} (any value but "*"); without one, every repository on GitHub could assume the role`,
      spec: 'IAM User Guide, identity-provider controls for shared OIDC providers',
    });
  }
}

/** The write-time findings of a policy: today the identity-provider control for GitHub's shared issuers. */
export function writeTimeFindings(policy: TrustPolicy): Finding[] {
  const out: Finding[] = [];
  for (const s of policy.statements) githubControl(s, out);
  return out;
}
