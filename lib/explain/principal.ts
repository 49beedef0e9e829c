/**
 * The Federated principal family (§1.3, §2.1): the statement names another account, partition,
 * provider, or misses the issuer's path part. Compares the written principals with the one that
 * names the token's provider; never re-evaluates the policy.
 */
import type { Located, Statement } from '../policy/model.js';
import { eksCluster, issuerPartition } from '../providers/eks.js';
import {
  editDistance,
  federatedDifference,
  parseFederatedPrincipal,
  type PrincipalDifference,
} from '../providers/index.js';
import { at, diag, statementLabel, type Facts } from './facts.js';
import type { ExplainedDiagnosis } from './types.js';

/** A diagnosis with how close the written principal is to the right one (lower is closer). */
export interface Scored {
  d: ExplainedDiagnosis;
  score: number;
}

interface Ctx {
  f: Facts;
  caller: string;
  written: Located<string>;
  label: string;
}

function principalDiag(
  c: Ctx,
  cause: string,
  title: string,
  detail: string,
  fix: string,
): ExplainedDiagnosis {
  return diag(
    cause,
    title,
    `statement ${c.label} names "Federated": "${c.written.value}", but the token's provider is ${c.caller}: ${detail}`,
    fix,
    at(c.f, c.written.span),
  );
}

function partitionCause(c: Ctx, written: string, wanted: string, hostPath: string): Scored {
  const implied = issuerPartition(hostPath);
  const role = c.f.role;
  if (implied !== undefined && implied === written && role && role.partition !== implied) {
    return {
      score: 1,
      d: principalDiag(
        c,
        'partition-mismatch',
        'The role and the identity provider are in different partitions',
        `the role ARN ${c.f.input.role.arn} is in partition "${role.partition}", while the provider (and the issuer ${hostPath}) is in "${implied}"; trust cannot cross partitions`,
        `use a role in partition "${implied}" (arn:${implied}:iam::${role.account}:role/${role.name}); the role and its OIDC provider must be in the same partition`,
      ),
    };
  }
  return {
    score: 1,
    d: principalDiag(
      c,
      'principal-other-partition',
      'The Federated principal names another partition',
      `partition "${written}" instead of the role's "${wanted}"; the provider ARN is always in the role's partition`,
      `write "Federated": "${c.caller}" (partition ${wanted}), or correct the role ARN if the role really is in ${written}`,
    ),
  };
}

type HostDifference = NonNullable<Extract<PrincipalDifference, { kind: 'oidc' }>['host']>;

function hostCause(c: Ctx, host: HostDifference): Scored | undefined {
  const { written, caller: wanted } = host;
  if (host.how === 'missing-path') {
    return {
      score: 1,
      d: principalDiag(
        c,
        'principal-missing-path',
        "The Federated principal misses the issuer's path",
        `the provider "${written}" lacks the path part "${wanted.slice(written.length)}" of the token's issuer ${wanted}`,
        `write "Federated": "${c.caller}" — the provider ARN ends with the issuer's full host and path`,
      ),
    };
  }
  const a = eksCluster(written);
  const b = eksCluster(wanted);
  if (a && b) {
    return {
      score: 2,
      d: principalDiag(
        c,
        'eks-cluster-mismatch',
        "The Federated principal names another EKS cluster's OIDC provider",
        `the principal names cluster OIDC id ${a.id} (${a.region}), the token comes from cluster ${b.id} (${b.region}); every cluster has its own issuer and provider`,
        `write "Federated": "${c.caller}", and register that cluster's issuer https://${wanted} in the account if it is not (eksctl utils associate-iam-oidc-provider --cluster CLUSTER --approve)`,
      ),
    };
  }
  const sameHost = written.split('/')[0]?.toLowerCase() === wanted.split('/')[0]?.toLowerCase();
  const distance = editDistance(written, wanted);
  if (!sameHost && distance > Math.max(3, Math.floor(wanted.length / 10))) return undefined;
  const how =
    host.how === 'letter-case'
      ? 'they differ only in letter case, and principals are matched exactly'
      : sameHost
        ? 'the same host with another path'
        : 'a different host (a typo?)';
  return {
    score: distance === 0 ? 2 : 3,
    d: principalDiag(
      c,
      'principal-other-provider',
      'The Federated principal names another identity provider',
      `"${written}" is not the token's issuer "${wanted}": ${how}`,
      `write "Federated": "${c.caller}"`,
    ),
  };
}

/** What is wrong with one written Federated value, closest cause first; empty when unrelated. */
export function comparePrincipal(c: Ctx): Scored[] {
  const diff = federatedDifference(c.written.value, c.caller);
  if (diff.kind === 'oidc') {
    const host = diff.host ? hostCause(c, diff.host) : undefined;
    if (diff.host && !host) return [];
    const out: Scored[] = [];
    if (diff.partition) {
      const hostPath = diff.host?.caller ?? hostPathOf(c.caller);
      out.push(partitionCause(c, diff.partition.written, diff.partition.caller, hostPath));
    }
    if (diff.account) {
      const { written, caller } = diff.account;
      out.push({
        score: 1,
        d: principalDiag(
          c,
          'principal-other-account',
          'The Federated principal names a provider in another account',
          `account ${written} instead of the role's account ${caller}; STS only uses the IAM OIDC provider in the role's own account`,
          `write "Federated": "${c.caller}" and register the provider in account ${caller} if it is not there (or correct the role ARN if the role is in ${written})`,
        ),
      });
    }
    if (host) out.push(host);
    return out;
  }
  const want = parseFederatedPrincipal(c.caller);
  const got = parseFederatedPrincipal(c.written.value);
  const wantHost = want.kind === 'builtin' ? want.hostPath : c.caller;
  const related =
    (got.kind === 'oidc' && got.hostPath === wantHost) ||
    (got.kind === 'invalid' && c.written.value.includes(wantHost));
  if (!related) return [];
  return [
    {
      score: 2,
      d: principalDiag(
        c,
        'principal-other-provider',
        'The Federated principal does not name the provider the way STS does',
        want.kind === 'builtin'
          ? `${wantHost} is a built-in provider: it is named by its domain, not by an ARN`
          : 'the written value is not the provider ARN',
        `write "Federated": "${c.caller}"`,
      ),
    },
  ];
}

/** The issuer host/path of a provider ARN. */
function hostPathOf(arn: string): string {
  const p = parseFederatedPrincipal(arn);
  return p.kind === 'oidc' ? p.hostPath : arn;
}

/** The scored principal causes of one statement of the policy model. */
export function statementPrincipal(f: Facts, s: Statement): Scored[] {
  if (f.caller === undefined) return [];
  const caller = f.caller;
  const label = statementLabel({ index: s.index, ...(s.sid ? { sid: s.sid.value } : {}) });
  return s.principal.federated.flatMap((written) =>
    comparePrincipal({ f, caller, written, label }),
  );
}

/** The best principal causes over the policy's Allow statements (closest first). */
export function bestPrincipalCauses(f: Facts, statements: readonly Statement[]): Scored[] {
  const scored = statements
    .filter((s) => s.effect.value === 'Allow')
    .flatMap((s) => statementPrincipal(f, s));
  if (scored.length === 0) return [];
  const best = Math.min(...scored.map((s) => s.score));
  return scored.filter((s) => s.score <= best + 1).sort((a, b) => a.score - b.score);
}

export function policyPrincipalDiagnoses(f: Facts): ExplainedDiagnosis[] {
  return bestPrincipalCauses(f, f.input.role.policy.policy.statements).map((s) => s.d);
}
