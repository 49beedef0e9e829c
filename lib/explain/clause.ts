/**
 * What a failing condition clause tells about the cause: shared pieces for the clause detectors,
 * and the key and value families (a key written with the provider ARN, a key of another provider,
 * a claim AWS does not expose, letter case, a `*` under StringEquals, the audience).
 */
import type { ClauseTrace } from '../conditions/trace.js';
import type { OperatorSpec, SetOperator } from '../policy/operators.js';
import { wildcardMatch } from '../conditions/wildcard.js';
import { explainAbsentKey } from '../providers/index.js';
import type { StatementTrace } from '../sts/types.js';
import { clauseReason } from './describe-clause.js';
import {
  at,
  diag,
  quote,
  quoteList,
  splitKey,
  statementLabel,
  writtenValues,
  type Facts,
} from './facts.js';
import { eksCluster } from '../providers/eks.js';
import type { Diagnosis, ExplainedDiagnosis } from './types.js';

export interface ClauseFacts {
  f: Facts;
  st: StatementTrace;
  /** Position of the clause in the statement. */
  ci: number;
  c: ClauseTrace;
  op: OperatorSpec;
  prefix: string;
  suffix: string;
  where: Diagnosis['at'];
  /** The statement, as the simulator names it. */
  label: string;
}

export type ClauseDetector = (cf: ClauseFacts) => ExplainedDiagnosis[];

export function clauseFacts(f: Facts, st: StatementTrace, ci: number): ClauseFacts | undefined {
  const c = st.conditions[ci];
  if (!c) return undefined;
  return {
    f,
    st,
    ci,
    c,
    op: c.op,
    ...splitKey(c.key),
    where: at(f, c.clause.keySpan),
    label: statementLabel(st),
  };
}

/** An operator's name with its base or set operator replaced, e.g. `StringLike` → `StringEquals`. */
export function spellOperator(
  op: OperatorSpec,
  change: { base?: string; setOperator?: SetOperator | null } = {},
): string {
  const set = change.setOperator === null ? undefined : (change.setOperator ?? op.setOperator);
  return `${set ? `${set}:` : ''}${change.base ?? op.base.name}${op.ifExists ? 'IfExists' : ''}`;
}

/** `StringLike {"k": ["a", "b"]} in statement #1`. */
export function describeClause(cf: ClauseFacts): string {
  return `${cf.c.operator} {${quote(cf.c.key)}: [${cf.c.policyValues.map(quote).join(', ')}]} in statement ${cf.label}`;
}

/** A positive String operator (StringEquals, StringLike, their IgnoreCase/IfExists/set forms). */
export function positiveString(cf: ClauseFacts): boolean {
  return cf.op.base.family === 'String' && !cf.op.base.negated;
}

/** Would `value` satisfy the clause's base operator against `pattern`? (For what-ifs only.) */
export function satisfies(
  cf: ClauseFacts,
  pattern: string,
  value: string,
  ignoreCase = cf.op.base.ignoreCase,
): boolean {
  if (cf.op.base.like) return wildcardMatch(pattern, value, { ignoreCase: ignoreCase === true });
  return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
}

/** Is the key one of the token's provider (prefix = the issuer's host/path)? */
export function tokenKey(cf: ClauseFacts): boolean {
  return cf.f.hostPath !== undefined && cf.prefix.toLowerCase() === cf.f.hostPath.toLowerCase();
}

const PROVIDER_ARN_KEY = /^arn:[^:]*:iam::[^:]*:oidc-provider\/(.+)$/;

/** `arn:aws:iam::1:oidc-provider/host:sub` → `host:sub`. */
export function keyWithoutArn(key: string): string | undefined {
  const m = PROVIDER_ARN_KEY.exec(key);
  return m ? (m[1] as string) : undefined;
}

export function keyWrittenWithProviderArn(cf: ClauseFacts): ExplainedDiagnosis[] {
  const bare = keyWithoutArn(cf.c.key);
  if (bare === undefined || cf.c.present) return [];
  const { prefix, suffix } = splitKey(bare);
  const right = cf.f.hostPath !== undefined ? `${cf.f.hostPath}:${suffix}` : bare;
  return [
    diag(
      'key-written-with-provider-arn',
      'The condition key is written with the provider ARN',
      `${describeClause(cf)} names the provider by its ARN; condition keys carry the provider's host/path ("${prefix}:"), so "${cf.c.key}" is never in the request and the condition never matches`,
      `write the key as "${right}"`,
      cf.where,
    ),
  ];
}

function hostOpt(f: Facts): { hostPath?: string; claims: Facts['claims'] } {
  return f.hostPath !== undefined
    ? { hostPath: f.hostPath, claims: f.claims }
    : { claims: f.claims };
}

/** The key's prefix is a host/path, but not the token's issuer (another cluster, a typo, another IdP). */
export function keyOfOtherProvider(cf: ClauseFacts): ExplainedDiagnosis[] {
  const hostPath = cf.f.hostPath;
  if (cf.c.present || hostPath === undefined || !cf.prefix.includes('.') || tokenKey(cf)) return [];
  if (keyWithoutArn(cf.c.key) !== undefined) return [];
  const right = `${hostPath}:${cf.suffix}`;
  const why = explainAbsentKey(cf.c.key, hostOpt(cf.f)) ?? '';
  const a = eksCluster(cf.prefix);
  const b = eksCluster(hostPath);
  if (a && b) {
    return [
      diag(
        'eks-cluster-mismatch',
        "The condition key names another EKS cluster's issuer",
        `${describeClause(cf)} uses cluster OIDC id ${a.id} (${a.region}) in its key, but the token comes from cluster ${b.id} (${b.region}), whose keys start with "${hostPath}:"; the key is absent, so the condition fails`,
        `write the key as "${right}" (and the Federated principal for the same cluster)`,
        cf.where,
      ),
    ];
  }
  return [
    diag(
      'condition-key-other-provider',
      "The condition key's prefix is not the token's issuer",
      `${describeClause(cf)}: ${why || `the token's keys start with "${hostPath}:"`}`,
      `write the key as "${right}"`,
      cf.where,
    ),
  ];
}

/** Is `suffix` a claim AWS turns into a key for the token's provider? */
export function exposedClaim(f: Facts, suffix: string): boolean {
  if (!f.module || f.hostPath === undefined) return true;
  return f.module.claimKeys(f.hostPath).some((k) => k.name.toLowerCase() === suffix.toLowerCase());
}

/** A condition on a claim AWS never puts in the request context: always absent. */
export function unexposedClaim(cf: ClauseFacts): boolean {
  return !cf.c.present && tokenKey(cf) && !exposedClaim(cf.f, cf.suffix);
}

export function conditionOnUnexposedClaim(cf: ClauseFacts): ExplainedDiagnosis[] {
  if (!unexposedClaim(cf)) return [];
  const why =
    explainAbsentKey(cf.c.key, hostOpt(cf.f)) ?? `"${cf.c.key}" is not a condition key AWS sets`;
  return [
    diag(
      'condition-on-unexposed-claim',
      'The condition tests a claim AWS never exposes as a key',
      `${describeClause(cf)} can never match: ${why}`,
      unexposedAdvice(cf),
      cf.where,
    ),
  ];
}

/** The provider's own advice for the claim (e.g. GitHub's repository_owner → repository_owner_id), else `sub`. */
export function unexposedAdvice(cf: ClauseFacts): string {
  const notes = cf.f.module?.absentKeyNotes ?? {};
  const hit = Object.keys(notes).find((k) => k.toLowerCase() === cf.suffix.toLowerCase());
  const note = hit === undefined ? undefined : notes[hit]?.replaceAll('{P}', cf.prefix);
  return note !== undefined
    ? `remove the condition on "${cf.c.key}": ${note}`
    : `remove the condition on "${cf.c.key}" and test a key AWS sets instead, e.g. "${cf.f.hostPath}:sub"`;
}

/** Pairs (request value, policy value) that would match if the letter case were ignored. */
function casePairs(cf: ClauseFacts): Array<[string, string]> {
  if (!positiveString(cf) || cf.op.base.ignoreCase) return [];
  const pairs: Array<[string, string]> = [];
  for (const r of cf.c.requestValues) {
    for (const p of cf.c.policyValues) {
      if (!satisfies(cf, p, r, false) && satisfies(cf, p, r, true)) pairs.push([r, p]);
    }
  }
  return pairs;
}

/** The pattern with its letters in the case of `value` (it matches case-insensitively), if found. */
export function recasePattern(pattern: string, value: string): string | undefined {
  const segs = pattern.split('*');
  const lower = value.toLowerCase();
  const out: string[] = [];
  let pos = 0;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i] as string;
    const last = i === segs.length - 1 && segs.length > 1;
    const start =
      i === 0 ? 0 : last ? value.length - seg.length : findSeg(lower, seg.toLowerCase(), pos);
    if (start < pos || start < 0) return undefined;
    out.push([...seg].map((ch, k) => (ch === '?' ? '?' : (value[start + k] ?? ch))).join(''));
    pos = start + seg.length;
  }
  const result = out.join('*');
  return wildcardMatch(result, value) ? result : undefined;
}

function findSeg(lower: string, seg: string, from: number): number {
  for (let p = from; p + seg.length <= lower.length; p++) {
    if ([...seg].every((ch, k) => ch === '?' || lower[p + k] === ch)) return p;
  }
  return -1;
}

export function valueCaseMismatch(cf: ClauseFacts): ExplainedDiagnosis[] {
  const pair = casePairs(cf)[0];
  if (!pair) return [];
  const [r, p] = pair;
  const base = cf.op.base.name ?? 'the operator';
  const like = cf.op.base.like === true;
  const right = like ? recasePattern(p, r) : r;
  return [
    diag(
      'value-case-mismatch',
      'A value differs from the policy only in letter case',
      `${describeClause(cf)}: the request value ${quote(r)} and the policy value ${quote(p)} differ only in letter case, and ${base} compares case-sensitively. GitHub and most IdPs send owner and repository names spelled as they are now.`,
      like
        ? `change the policy value ${quote(p)} to ${right !== undefined ? quote(right) : `the letter case of ${quote(r)}`} (StringLike has no IgnoreCase form)`
        : `change the policy value ${quote(p)} to ${quote(r)} (or use ${base}IgnoreCase, only if every spelling is really meant to pass)`,
      cf.where,
    ),
  ];
}

/** A `*` or `?` under StringEquals is literal: when StringLike would have matched, that is the cause. */
export function wildcardUnderEquals(cf: ClauseFacts): ExplainedDiagnosis[] {
  if (!positiveString(cf) || cf.op.base.like) return [];
  const values = writtenValues(cf.c).filter((v) => v.includes('*'));
  const hit = values.find((p) =>
    cf.c.requestValues.some((r) =>
      wildcardMatch(p, r, { ignoreCase: cf.op.base.ignoreCase === true }),
    ),
  );
  if (hit === undefined) return [];
  const like = spellOperator(cf.op, { base: 'StringLike' });
  return [
    diag(
      'wildcard-under-string-equals',
      'A wildcard under StringEquals is a literal "*"',
      `${describeClause(cf)}: ${quote(hit)} contains "*", which StringEquals compares literally; the request value ${quoteList(cf.c.requestValues)} would match it as a StringLike pattern`,
      `use "${like}" for this key (keep StringEquals for exact values)`,
      cf.where,
    ),
  ];
}

const AUDIENCE_KEYS = ['aud', 'oaud', 'app_id'];

export function audienceConditionMismatch(cf: ClauseFacts): ExplainedDiagnosis[] {
  if (!positiveString(cf) || !cf.c.present || !tokenKey(cf)) return [];
  if (!AUDIENCE_KEYS.includes(cf.suffix.toLowerCase())) return [];
  const r = cf.c.requestValues;
  const p = cf.c.policyValues;
  const usual = cf.f.module?.defaultAudience;
  const github = cf.f.module?.id === 'github' && p.includes('sts.amazonaws.com');
  return [
    diag(
      'audience-condition-mismatch',
      'The condition expects another audience',
      `${describeClause(cf)}: the token's audience ${quoteList(r)} is not among ${quoteList(p)}`,
      `if ${quoteList(r)} is the intended audience, add it to the condition's values; otherwise have the workload request a token for ${quote(p[0] ?? usual ?? 'AUDIENCE')}${github ? ' (aws-actions/configure-aws-credentials: input `audience`, default "sts.amazonaws.com")' : ''}`,
      cf.where,
    ),
  ];
}

/** The catch-all: the failing condition, the request value and the policy values. */
export function conditionMismatch(cf: ClauseFacts): ExplainedDiagnosis[] {
  const c = cf.c;
  const negated = cf.op.base.negated === true;
  const values = quoteList(c.policyValues);
  const request = c.present ? quoteList(c.requestValues) : 'absent';
  const fix = !c.present
    ? `the request has no "${c.key}": ${explainAbsentKey(c.key, hostOpt(cf.f)) ?? 'give the token the claim (or the scenario the context key) it comes from'}`
    : negated
      ? `the value is excluded on purpose by ${c.operator}; if ${request} should pass, remove the matching value from ${values}`
      : `if ${request} should be allowed, add it to the values ${values} of ${c.operator} "${c.key}" (or change the request)`;
  return [
    diag(
      'condition-mismatch',
      `The condition on ${c.key} is not met`,
      `${describeClause(cf)} is false: request value ${request}. ${clauseReason(c)}`,
      fix,
      cf.where,
    ),
  ];
}
