/**
 * What a trust policy's shape says whatever the token: findings reported once per policy on every
 * run, not only under a failing scenario. Each is read from the policy model and the provider
 * modules of the statement's Federated principals — never from one request's trace — so the same
 * policy always gets the same findings:
 *
 * - `condition-key-absent`: a key of the statement's own provider that AWS never sets (`…:iss`);
 * - `key-written-with-provider-arn`: a key spelled with the provider ARN, which never matches;
 * - `for-all-values-single-valued`: `ForAllValues:` on a single-valued key, true when it is absent;
 * - `tenancy-condition-missing`: an Allow for a shared issuer (gitlab.com, HCP Terraform, …) with
 *   no condition on the key that names the tenant, so any of its users can assume the role. GitHub's
 *   shared issuer is left to the write-time check (`idp-control-missing`), which IAM enforces.
 */
import type { Finding } from '../diagnostics.js';
import type { ConditionClause, Statement, TrustPolicy } from '../policy/model.js';
import {
  explainAbsentKey,
  isSharedGithubIssuer,
  parseFederatedPrincipal,
  providerForHostPath,
  tenancyFor,
} from '../providers/index.js';
import type { ProviderModule } from '../providers/types.js';
import { keyWithoutArn, spellOperator } from './clause.js';
import { splitKey } from './facts.js';

/** The issuers (key prefixes) a statement's Federated principals name, with their modules. */
function issuersOf(s: Statement): { hostPath: string; module: ProviderModule }[] {
  const out: { hostPath: string; module: ProviderModule }[] = [];
  for (const f of s.principal.federated) {
    const p = parseFederatedPrincipal(f.value);
    if (p.kind !== 'oidc' && p.kind !== 'builtin') continue;
    if (out.some((o) => o.hostPath === p.hostPath)) continue;
    out.push({ hostPath: p.hostPath, module: providerForHostPath(p.hostPath) });
  }
  return out;
}

/** An absent key makes these operators true, so the condition restricts nothing. */
function trueWhenAbsent(c: ConditionClause): boolean {
  return (
    c.operator.base.negated || c.operator.ifExists || c.operator.setOperator === 'ForAllValues'
  );
}

function clauseFindings(
  c: ConditionClause,
  issuers: { hostPath: string; module: ProviderModule }[],
): Finding[] {
  const bare = keyWithoutArn(c.key);
  if (bare !== undefined) {
    const only = issuers.length === 1 ? issuers[0]?.hostPath : undefined;
    return [
      {
        code: 'key-written-with-provider-arn',
        severity: 'warning',
        message:
          explainAbsentKey(c.key, only !== undefined ? { hostPath: only } : {}) ??
          `"${c.key}" names the provider by its ARN, so it never matches`,
        span: c.keySpan,
        hint: `write the key as "${bare}"`,
      },
    ];
  }
  const { prefix, suffix } = splitKey(c.key);
  const issuer = issuers.find((i) => i.hostPath.toLowerCase() === prefix.toLowerCase());
  if (issuer === undefined) return [];
  const key = issuer.module
    .claimKeys(issuer.hostPath)
    .find((k) => k.name.toLowerCase() === suffix.toLowerCase());
  if (key === undefined) {
    const why = explainAbsentKey(c.key, { hostPath: issuer.hostPath });
    if (why === undefined) return [];
    return [
      {
        code: 'condition-key-absent',
        severity: 'warning',
        message: why,
        span: c.keySpan,
        hint: trueWhenAbsent(c)
          ? `${c.operator.raw} is true when its key is absent, so this condition restricts nothing: test a key AWS sets, e.g. "${issuer.hostPath}:sub"`
          : `${c.operator.raw} is false when its key is absent, so the statement never applies: test a key AWS sets, e.g. "${issuer.hostPath}:sub"`,
      },
    ];
  }
  if (c.operator.setOperator === 'ForAllValues' && !key.multiValued) {
    return [
      {
        code: 'for-all-values-single-valued',
        severity: 'warning',
        message: `${c.operator.raw} on "${c.key}", a single-valued key: ForAllValues is true when the key is absent or empty, so a token without the claim (or a typo in the key) passes this condition`,
        span: c.keySpan,
        hint: `use "${spellOperator(c.operator, { setOperator: null })}" (no set operator) for a single-valued key`,
      },
    ];
  }
  return [];
}

/** `StringEquals`/`StringLike`/`StringEqualsIgnoreCase` on `HOST:KEY` with a value other than `*`. */
function scopes(c: ConditionClause, hostPath: string, keys: readonly string[]): boolean {
  const base = c.operator.base;
  if (base.family !== 'String' || base.negated || c.operator.ifExists) return false;
  const { prefix, suffix } = splitKey(c.key);
  if (prefix.toLowerCase() !== hostPath.toLowerCase()) return false;
  if (!keys.some((k) => k.toLowerCase() === suffix.toLowerCase())) return false;
  return c.values.some((v) => v.value !== '*');
}

function tenancyFindings(s: Statement): Finding[] {
  if (s.effect.value !== 'Allow') return [];
  const out: Finding[] = [];
  for (const f of s.principal.federated) {
    const p = parseFederatedPrincipal(f.value);
    if (p.kind !== 'oidc' || isSharedGithubIssuer(p.hostPath)) continue;
    const module = providerForHostPath(p.hostPath);
    const tenancy = tenancyFor(p.hostPath, module);
    if (!tenancy.shared || tenancy.requiredKeys.length === 0) continue;
    if (s.conditions.some((c) => scopes(c, p.hostPath, tenancy.requiredKeys))) continue;
    const keys = tenancy.requiredKeys.map((k) => `"${p.hostPath}:${k}"`).join(' or ');
    const who = module.id === 'oidc' ? p.hostPath : `${module.displayName} (${p.hostPath})`;
    out.push({
      code: 'tenancy-condition-missing',
      severity: 'warning',
      message: `no ${keys} condition: ${who} issues tokens to all of its users, so any of them — any project or organisation, not only yours — can assume this role`,
      span: f.span,
      hint: `add "StringEquals" or "StringLike" on ${keys} with a value naming your own projects (any value but "*")`,
    });
  }
  return out;
}

/** The findings of a trust policy's shape, in statement order. */
export function policyFindings(policy: TrustPolicy): Finding[] {
  const out: Finding[] = [];
  for (const s of policy.statements) {
    const issuers = issuersOf(s);
    out.push(...tenancyFindings(s));
    for (const c of s.conditions) out.push(...clauseFindings(c, issuers));
  }
  return out;
}
