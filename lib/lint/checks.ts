/**
 * `trustspec lint`'s own checks of a trust policy's shape (issue #9), beside the shape findings of
 * lib/explain/lint.ts and the parser's and compiler's: what can be seen from the policy alone (and,
 * for a scenario file, the role's ARN), never from one request. Each check is a pure function of
 * the policy model and returns findings with a stable code, the place and a fix.
 */
import type { Finding, Span } from '../diagnostics.js';
import type { ConditionClause, Statement, TrustPolicy } from '../policy/model.js';
import { wildcardMatch } from '../conditions/wildcard.js';
import { NEVER_SET_KEYS } from '../sts/context.js';
import { ASSUME_ACTION } from '../sts/vocabulary.js';
import {
  parseFederatedPrincipal,
  parseRoleArn,
  providerForHostPath as findProvider,
} from '../providers/index.js';
import { memoize } from '../memo.js';
import type { ProviderModule } from '../providers/types.js';
import { keyWithoutArn } from '../explain/clause.js';
import { splitKey } from '../explain/facts.js';

/** What is known of the role besides its policy: the ARNs of the roles that use it (scenario files). */
export interface LintContext {
  roleArns?: readonly string[];
}

/** The provider module of a key prefix, worked out once per distinct prefix. */
const providerForHostPath = memoize((hostPath: string) => findProvider(hostPath), 1024);

/** Does an action pattern cover sts:AssumeRoleWithWebIdentity? Once per distinct pattern. */
const coversAssume = memoize(
  (pattern: string) => wildcardMatch(pattern, ASSUME_ACTION, { ignoreCase: true }),
  1024,
);

/** A web-identity principal of a statement: its key prefix and provider module. */
interface Issuer {
  hostPath: string;
  module: ProviderModule;
  span: Span;
  value: string;
}

function issuersOf(s: Statement): Issuer[] {
  const out: Issuer[] = [];
  for (const f of s.principal.federated) {
    const p = parseFederatedPrincipal(f.value);
    if (p.kind !== 'oidc' && p.kind !== 'builtin') continue;
    if (out.some((o) => o.hostPath === p.hostPath)) continue;
    out.push({
      hostPath: p.hostPath,
      module: providerForHostPath(p.hostPath),
      span: f.span,
      value: f.value,
    });
  }
  return out;
}

/** An absent key makes these true, so a condition with them restricts nothing. */
function trueWhenAbsent(c: ConditionClause): boolean {
  return (
    c.operator.base.negated ||
    c.operator.ifExists ||
    c.operator.setOperator === 'ForAllValues' ||
    c.operator.base.name === 'Null'
  );
}

const absentEffect = (c: ConditionClause): string =>
  trueWhenAbsent(c)
    ? `${c.operator.raw} is true when its key is absent: this condition restricts nothing`
    : `${c.operator.raw} is false when its key is absent: the statement never applies`;

/** A clause that pins the key to values (positive String operator, values other than `*`). */
function scopes(c: ConditionClause): boolean {
  const b = c.operator.base;
  return (
    b.family === 'String' &&
    !b.negated &&
    !c.operator.ifExists &&
    c.operator.setOperator !== 'ForAllValues' &&
    c.values.some((v) => v.value !== '*')
  );
}

function clausesOn(s: Statement, hostPath: string, name: string): ConditionClause[] {
  const key = `${hostPath}:${name}`.toLowerCase();
  return s.conditions.filter((c) => c.keyLower === key);
}

/**
 * Is the claim `name` tested at all, also under a key of another issuer of the same provider (its
 * own finding, key-of-another-issuer, says what is wrong there: no second "missing" finding).
 */
function tested(s: Statement, i: Issuer, name: string, pins: boolean): boolean {
  return s.conditions.some((c) => {
    if (pins && !scopes(c)) return false;
    const { prefix, suffix } = splitKey(c.key);
    if (suffix.toLowerCase() !== name) return false;
    if (prefix.toLowerCase() === i.hostPath.toLowerCase()) return true;
    return prefix.includes('.') && providerForHostPath(prefix).id === i.module.id;
  });
}

/** Does the statement's Action (or NotAction) cover sts:AssumeRoleWithWebIdentity? */
function coversWebIdentity(s: Statement): boolean {
  const hit = s.action.patterns.some((p) => coversAssume(p.value));
  return s.action.negated ? !hit : hit;
}

// ── keys ────────────────────────────────────────────────────────────────────────────────

const SCHEME = /^https?:\/\//i;

function keyFindings(s: Statement, issuers: Issuer[]): Finding[] {
  const out: Finding[] = [];
  const webOnly = issuers.length > 0 && !s.principal.star && s.principal.other.length === 0;
  for (const c of s.conditions) {
    if (keyWithoutArn(c.key) !== undefined) continue; // key-written-with-provider-arn says it
    const { prefix, suffix } = splitKey(c.key);
    if (SCHEME.test(c.key)) {
      const bare = c.key.replace(SCHEME, '');
      out.push({
        code: 'key-prefix-with-scheme',
        severity: 'warning',
        message: `"${c.key}" starts with the issuer URL's scheme: condition keys are written with the provider's host/path, so this key is never in the request (${absentEffect(c)})`,
        span: c.keySpan,
        hint: `write the key as "${bare}"`,
      });
      continue;
    }
    const base = c.keyLower.includes('/') ? c.keyLower.slice(0, c.keyLower.indexOf('/')) : '';
    if (webOnly && (NEVER_SET_KEYS.has(c.keyLower) || NEVER_SET_KEYS.has(base))) {
      out.push({
        code: 'key-never-set',
        severity: 'warning',
        message: `AWS never sets "${c.key}" on AssumeRoleWithWebIdentity, an unsigned call (${absentEffect(c)})`,
        span: c.keySpan,
        hint: "test the token's own keys (e.g. the provider's sub and aud) instead",
      });
      continue;
    }
    if (issuers.length === 0 || !prefix.includes('.') || prefix.includes('*')) continue;
    const lower = prefix.toLowerCase();
    if (issuers.some((i) => i.hostPath.toLowerCase() === lower)) continue;
    const module = providerForHostPath(prefix);
    // A built-in provider's keys under another spelling of its domain (Cognito in China) are its own.
    if (issuers.some((i) => i.module.builtIn && i.module.id === module.id)) continue;
    const same = issuers.find((i) => i.module.id === module.id && module.id !== 'oidc');
    const named = issuers.map((i) => `"${i.hostPath}"`).join(', ');
    const first = issuers[0] as Issuer;
    out.push({
      code: 'key-of-another-issuer',
      severity: 'warning',
      message: same
        ? `"${c.key}" names the ${module.displayName} issuer "${prefix}", but the Federated principal is "${same.hostPath}": AWS sets only the keys of the token's own issuer (${absentEffect(c)})`
        : `"${c.key}" is a key of "${prefix}", which no Federated principal of this statement names (${named}): AWS never sets it for their tokens (${absentEffect(c)})`,
      span: c.keySpan,
      hint: `write the key with the principal's host/path, e.g. "${(same ?? first).hostPath}:${suffix}"${same ? '' : ', or add the provider of that issuer as a Federated principal'}`,
    });
  }
  return out;
}

// ── principal and action ───────────────────────────────────────────────────────────────────

function actionFindings(s: Statement, issuers: Issuer[]): Finding[] {
  if (s.effect.value !== 'Allow' || issuers.length === 0 || coversWebIdentity(s)) return [];
  const written = s.action.patterns.map((p) => `"${p.value}"`).join(', ');
  const elem = s.action.negated ? 'NotAction' : 'Action';
  return [
    {
      code: 'action-not-web-identity',
      severity: 'error',
      message: `${elem} ${written || '(none)'} ${s.action.negated ? 'excludes' : 'does not include'} ${ASSUME_ACTION}, the call a web-identity token makes: the Federated principal ${issuers.map((i) => `"${i.value}"`).join(', ')} can never use this statement${s.action.patterns.some((p) => p.value.toLowerCase() === 'sts:assumerole') ? " (sts:AssumeRole is for IAM principals; CDK's FederatedPrincipal defaults to it)" : ''}`,
      span: s.action.span,
      hint: `"Action": "${ASSUME_ACTION}"`,
    },
  ];
}

function accountFindings(s: Statement, ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  const roles = (ctx.roleArns ?? []).map((a) => parseRoleArn(a)).filter((r) => r.ok === true);
  for (const f of s.principal.federated) {
    const p = parseFederatedPrincipal(f.value);
    if (p.kind !== 'oidc') continue;
    const partition = roles.find((r) => r.partition !== p.partition);
    if (partition) {
      out.push({
        code: 'principal-other-partition',
        severity: 'error',
        message: `the OIDC provider "${f.value}" is in partition ${p.partition}, the role ${partition.arn} in ${partition.partition}: STS looks the provider up in the role's own account, so this principal never matches`,
        span: f.span,
        hint: `arn:${partition.partition}:iam::${partition.account}:oidc-provider/${p.hostPath}`,
      });
      continue;
    }
    const account = roles.find((r) => r.account !== p.account);
    if (account) {
      out.push({
        code: 'principal-other-account',
        severity: 'error',
        message: `the OIDC provider "${f.value}" is in account ${p.account}, the role ${account.arn} in ${account.account}: STS looks the provider up in the role's own account, so this principal never matches`,
        span: f.span,
        hint: `arn:${account.partition}:iam::${account.account}:oidc-provider/${p.hostPath} (register the provider in the role's account)`,
      });
    }
  }
  return out;
}

// ── per provider ─────────────────────────────────────────────────────────────────────────

/** Whether the owner part of a GitHub subject pattern admits any owner (`repo:*`, `repo:?x/app`). */
function ownerOf(v: string): { any: boolean; prefix?: string } {
  if (!v.toLowerCase().startsWith('repo:')) return { any: /^[^*?]{0,4}[*?]/.test(v) };
  const rest = v.slice(5);
  const end = rest.search(/[/:]/);
  const owner = end < 0 ? rest : rest.slice(0, end);
  const star = owner.search(/[*?]/);
  if (star < 0) return { any: false };
  if (star === 0) return { any: true };
  return { any: false, prefix: owner.slice(0, star) };
}

const GITHUB_OWNER_KEYS = [
  'repository_owner_id',
  'repository_id',
  'repository',
  'job_workflow_ref',
];

function githubFindings(s: Statement, i: Issuer): Finding[] {
  const pinned = GITHUB_OWNER_KEYS.some((k) =>
    clausesOn(s, i.hostPath, k).some(
      (c) => scopes(c) && c.values.every((v) => !/^[*?]/.test(v.value)),
    ),
  );
  if (pinned) return [];
  const out: Finding[] = [];
  for (const c of clausesOn(s, i.hostPath, 'sub')) {
    if (!scopes(c) || !c.operator.base.like) continue;
    for (const v of c.values) {
      if (v.value === '*') continue; // IAM refuses it: idp-control-missing
      const o = ownerOf(v.value);
      if (o.any) {
        out.push({
          code: 'github-sub-any-owner',
          severity: 'warning',
          message: `the subject pattern "${v.value}" admits every owner on GitHub: any repository of any user or organisation can assume this role`,
          span: v.span,
          hint: 'name your organisation and repository, e.g. "repo:OWNER/REPO:ref:refs/heads/main" or "repo:OWNER/*"',
        });
      } else if (o.prefix !== undefined) {
        out.push({
          code: 'github-sub-owner-prefix',
          severity: 'warning',
          message: `the subject pattern "${v.value}" admits every owner whose name starts with "${o.prefix}" (e.g. "${o.prefix}-evil"), not only "${o.prefix}"`,
          span: v.span,
          hint: `end the owner with "/": "repo:${o.prefix}/*"`,
        });
      }
    }
  }
  return out;
}

/** `system:serviceaccount:NS:SA` patterns whose namespace is a wildcard. */
function anyNamespace(v: string): boolean {
  const prefix = 'system:serviceaccount:';
  if (!v.toLowerCase().startsWith(prefix)) return /^[^*?]{0,21}[*?]/.test(v);
  // IAM's `*` also matches ":", so a wildcard anywhere in the namespace part reaches other namespaces.
  const namespace = v.slice(prefix.length).split(':')[0] ?? '';
  return /[*?]/.test(namespace);
}

/** "every namespace", or "every namespace whose name starts with "pay"". */
function namespaceReach(v: string): string {
  const rest = v.toLowerCase().startsWith('system:serviceaccount:') ? v.slice(22) : '';
  const star = rest.search(/[*?]/);
  return star > 0 && !rest.slice(0, star).includes(':')
    ? `every namespace whose name starts with "${rest.slice(0, star)}"`
    : 'every namespace of the cluster';
}

function eksFindings(s: Statement, i: Issuer): Finding[] {
  const out: Finding[] = [];
  if (!tested(s, i, 'aud', true)) {
    out.push({
      code: 'eks-aud-missing',
      severity: 'warning',
      message: `no "${i.hostPath}:aud" condition: a token the cluster issues for any audience its provider accepts can assume this role`,
      span: i.span,
      hint: `add "StringEquals": {"${i.hostPath}:aud": "sts.amazonaws.com"}, as the EKS User Guide's IRSA trust policy does`,
    });
  }
  const subs = clausesOn(s, i.hostPath, 'sub').filter(scopes);
  if (!tested(s, i, 'sub', true)) {
    out.push({
      code: 'eks-sub-any-namespace',
      severity: 'warning',
      message: `no "${i.hostPath}:sub" condition: every service account in every namespace of the cluster can assume this role`,
      span: i.span,
      hint: `add "StringEquals": {"${i.hostPath}:sub": "system:serviceaccount:NAMESPACE:SERVICE_ACCOUNT"}`,
    });
  }
  for (const c of subs) {
    if (!c.operator.base.like) continue;
    for (const v of c.values) {
      if (!anyNamespace(v.value)) continue;
      out.push({
        code: 'eks-sub-any-namespace',
        severity: 'warning',
        message: `the subject pattern "${v.value}" admits service accounts of ${namespaceReach(v.value)}, so whoever can create a service account there can assume this role`,
        span: v.span,
        hint: 'name the namespace: "system:serviceaccount:NAMESPACE:SERVICE_ACCOUNT" (a wildcard only for the service account, if at all)',
      });
    }
  }
  return out;
}

const COGNITO_DOCS =
  'the Amazon Cognito Developer Guide ("Security best practices for Amazon Cognito identity pools") asks for both aud and amr';

function cognitoFindings(s: Statement, i: Issuer): Finding[] {
  const out: Finding[] = [];
  if (!tested(s, i, 'aud', true)) {
    out.push({
      code: 'cognito-aud-missing',
      severity: 'warning',
      message: `no "${i.hostPath}:aud" condition: identities of any identity pool, in any AWS account, can assume this role; ${COGNITO_DOCS}`,
      span: i.span,
      hint: `add "StringEquals": {"${i.hostPath}:aud": "REGION:IDENTITY_POOL_ID"}`,
    });
  }
  if (!tested(s, i, 'amr', false)) {
    out.push({
      code: 'cognito-amr-missing',
      severity: 'warning',
      message: `no "${i.hostPath}:amr" condition: both authenticated users and unauthenticated guests of the pool can assume this role; ${COGNITO_DOCS}`,
      span: i.span,
      hint: `add "ForAnyValue:StringLike": {"${i.hostPath}:amr": "authenticated"} (or "unauthenticated" for the guest role)`,
    });
  }
  return out;
}

function googleFindings(s: Statement, i: Issuer): Finding[] {
  if (['aud', 'oaud'].some((k) => tested(s, i, k, true))) return [];
  return [
    {
      code: 'google-aud-missing',
      severity: 'warning',
      message: `no "${i.hostPath}:aud" condition: a Google ID token issued to any OAuth client — any app, not only yours — can assume this role`,
      span: i.span,
      hint: `add "StringEquals": {"${i.hostPath}:aud": "CLIENT_ID.apps.googleusercontent.com"} (the key carries the token's azp when it has one, else its aud)`,
    },
  ];
}

function awsOutboundFindings(i: Issuer): Finding[] {
  return [
    {
      code: 'aws-outbound-issuer',
      severity: 'error',
      message: `"${i.hostPath}" is an AWS outbound identity federation issuer: AWS documents that the tokens GetWebIdentityToken issues "cannot be used for OpenID Connect (OIDC) federation into AWS (via the AssumeRoleWithWebIdentity API)", so no token of it can use this statement`,
      span: i.span,
      hint: 'within a partition, trust the calling role itself (Principal {"AWS": ROLE_ARN}, Action sts:AssumeRole); across partitions, the workload needs a credential the target partition accepts',
    },
  ];
}

function providerFindings(s: Statement, issuers: Issuer[]): Finding[] {
  if (s.effect.value !== 'Allow' || !coversWebIdentity(s)) return [];
  const out: Finding[] = [];
  for (const i of issuers) {
    if (i.module.id === 'aws-outbound') out.push(...awsOutboundFindings(i));
    else if (i.module.id === 'github') out.push(...githubFindings(s, i));
    else if (i.module.id === 'eks') out.push(...eksFindings(s, i));
    else if (i.module.id === 'cognito') out.push(...cognitoFindings(s, i));
    else if (i.module.id === 'google') out.push(...googleFindings(s, i));
  }
  return out;
}

// ── statements ────────────────────────────────────────────────────────────────────────────

const plainString = (c: ConditionClause, like: boolean): boolean =>
  c.operator.base.family === 'String' &&
  !c.operator.base.negated &&
  !c.operator.ifExists &&
  c.operator.setOperator === undefined &&
  c.operator.base.like === like &&
  !c.operator.base.ignoreCase;

/** Two conditions on one key that no single value meets both of. */
function contradiction(s: Statement): { c: ConditionClause; why: string } | undefined {
  for (const c of s.conditions) {
    const others = s.conditions.filter((o) => o !== c && o.keyLower === c.keyLower);
    if (
      c.operator.base.name === 'Null' &&
      c.operator.setOperator === undefined &&
      c.values.every((v) => v.value.toLowerCase() === 'true')
    ) {
      const positive = others.find(
        (o) =>
          o.operator.base.name !== 'Null' &&
          !trueWhenAbsent(o) &&
          o.operator.setOperator === undefined,
      );
      if (positive) {
        return {
          c,
          why: `Null {"${c.key}": "true"} requires the key to be absent, and ${positive.operator.raw} on the same key requires a value`,
        };
      }
    }
    if (!plainString(c, false)) continue;
    for (const o of others) {
      if (!plainString(o, true) && !plainString(o, false)) continue;
      const meets = c.values.some((e) =>
        o.values.some((p) =>
          o.operator.base.like ? wildcardMatch(p.value, e.value) : p.value === e.value,
        ),
      );
      if (!meets) {
        return {
          c,
          why: `"${c.key}" must equal ${c.values.map((v) => `"${v.value}"`).join(' or ')} (${c.operator.raw}), and no such value meets ${o.operator.raw} ${o.values.map((v) => `"${v.value}"`).join(', ')}`,
        };
      }
    }
  }
  return undefined;
}

function neverApplies(s: Statement): Finding[] {
  const found = contradiction(s);
  if (!found) return [];
  return [
    {
      code: 'statement-never-applies',
      severity: 'warning',
      message: `${s.effect.value} statement ${s.sid ? `"${s.sid.value}"` : `#${s.index + 1}`} can never apply: ${found.why}`,
      span: found.c.keySpan,
      hint: 'remove the condition that cannot hold, or correct the value it expects',
    },
  ];
}

/** The Deny applies to every caller an Allow admits: no condition, every principal, the action. */
function shadowsAll(deny: Statement, allows: Statement[]): boolean {
  if (deny.conditions.length > 0 || !coversWebIdentity(deny)) return false;
  return allows.every(
    (a) =>
      deny.principal.star ||
      a.principal.federated.every((f) => deny.principal.federated.some((d) => d.value === f.value)),
  );
}

function shadowFindings(policy: TrustPolicy): Finding[] {
  const allows = policy.statements.filter(
    (s) => s.effect.value === 'Allow' && s.principal.federated.length > 0 && coversWebIdentity(s),
  );
  if (allows.length === 0) return [];
  const deny = policy.statements.find((s) => s.effect.value === 'Deny' && shadowsAll(s, allows));
  if (!deny) return [];
  return [
    {
      code: 'deny-shadows-allow',
      severity: 'warning',
      message: `Deny statement ${deny.sid ? `"${deny.sid.value}"` : `#${deny.index + 1}`} has no condition and covers every principal of the Allow statements: an explicit Deny wins, so no web-identity token can assume this role`,
      span: deny.effect.span,
      hint: 'add the conditions that say which tokens to refuse, or remove the Deny',
    },
  ];
}

/** The lint checks of one trust policy, in statement order. */
export function lintChecks(policy: TrustPolicy, ctx: LintContext = {}): Finding[] {
  const out: Finding[] = [];
  for (const s of policy.statements) {
    const issuers = issuersOf(s);
    out.push(...accountFindings(s, ctx));
    out.push(...actionFindings(s, issuers));
    out.push(...providerFindings(s, issuers));
    out.push(...neverApplies(s));
    out.push(...keyFindings(s, issuers));
  }
  out.push(...shadowFindings(policy));
  return out;
}
