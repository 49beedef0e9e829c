/**
 * Every code `trustspec lint` reports about a trust policy, with its severity and what it means:
 * the README's lint table is this list (a test keeps them equal), and SARIF rules take their
 * descriptions from it. Codes are shown with the `policy-` prefix, as every reporter prints them.
 */
import type { Severity } from '../diagnostics.js';

export interface LintCode {
  code: string;
  severity: Severity;
  /** Which part of trustspec reports it. */
  from: 'lint' | 'explain' | 'parser' | 'compiler';
  /** One line, in the user's terms. */
  what: string;
  /** Access Analyzer's ValidatePolicy check of the same meaning, when there is one. */
  accessAnalyzer?: string;
}

const L = (
  code: string,
  severity: Severity,
  from: LintCode['from'],
  what: string,
  accessAnalyzer?: string,
): LintCode => ({
  code: `policy-${code}`,
  severity,
  from,
  what,
  ...(accessAnalyzer ? { accessAnalyzer } : {}),
});

export const LINT_CODES: readonly LintCode[] = [
  // lint's own checks (lib/lint/checks.ts)
  L(
    'action-not-web-identity',
    'error',
    'lint',
    'a statement for a web-identity provider whose Action is not `sts:AssumeRoleWithWebIdentity` (e.g. `sts:AssumeRole`): the provider can never use it',
    'MISMATCHED_ACTION_FOR_PRINCIPAL',
  ),
  L(
    'principal-other-account',
    'error',
    'lint',
    "an OIDC provider ARN in another account than the role's (scenario files): STS looks the provider up in the role's account",
  ),
  L(
    'principal-other-partition',
    'error',
    'lint',
    "an OIDC provider ARN in another partition (`aws`, `aws-us-gov`, `aws-cn`) than the role's",
  ),
  L(
    'key-prefix-with-scheme',
    'warning',
    'lint',
    'a condition key written with `https://`: keys carry the host/path only, so it is never in the request',
  ),
  L(
    'key-of-another-issuer',
    'warning',
    'lint',
    'a key of an issuer no Federated principal of the statement names (another EKS cluster, a GitHub enterprise slug left out): never set',
  ),
  L(
    'key-never-set',
    'warning',
    'lint',
    'a key AWS never sets on AssumeRoleWithWebIdentity (`aws:PrincipalArn`, `aws:PrincipalTag/…`, `aws:SourceAccount`, …)',
  ),
  L(
    'github-sub-any-owner',
    'warning',
    'lint',
    'a GitHub `sub` pattern that admits every owner (`repo:*`, `repo:*/app:*`): any repository on GitHub can assume the role',
  ),
  L(
    'github-sub-owner-prefix',
    'warning',
    'lint',
    'a GitHub `sub` pattern whose owner ends in a wildcard (`repo:acme*`): `acme-evil` matches too',
  ),
  L('eks-aud-missing', 'warning', 'lint', 'an EKS (IRSA) statement without an `aud` condition'),
  L(
    'eks-sub-any-namespace',
    'warning',
    'lint',
    'an EKS statement without a `sub` condition, or with a wildcard in the namespace of `system:serviceaccount:NS:SA`',
  ),
  L(
    'cognito-aud-missing',
    'warning',
    'lint',
    'a Cognito identity-pool statement without an `aud` condition: any identity pool in any account',
  ),
  L(
    'cognito-amr-missing',
    'warning',
    'lint',
    'a Cognito identity-pool statement without an `amr` condition: authenticated users and guests alike',
  ),
  L(
    'google-aud-missing',
    'warning',
    'lint',
    'a Google statement without an `aud` (or `oaud`) condition: a token of any OAuth client',
  ),
  L(
    'aws-outbound-issuer',
    'error',
    'lint',
    "an Allow for an account's AWS outbound identity federation issuer (`….tokens.sts.global.api.aws`): AWS documents that its tokens cannot be used with AssumeRoleWithWebIdentity",
  ),
  L(
    'statement-never-applies',
    'warning',
    'lint',
    'two conditions on one key that no value meets both of (`StringEquals` and a `StringLike` it does not match; `Null: true` and a value test)',
  ),
  L(
    'deny-shadows-allow',
    'warning',
    'lint',
    'a Deny without conditions that covers every principal of the Allow statements: nobody can assume the role',
  ),
  // explain's shape findings (lib/explain/lint.ts)
  L(
    'condition-key-absent',
    'warning',
    'explain',
    "a key of the statement's own provider that AWS never sets (`…:iss`, GitHub's `…:repository_owner`), or a typo of one",
  ),
  L(
    'for-all-values-single-valued',
    'warning',
    'explain',
    '`ForAllValues:` on a single-valued key (`sub`, `aud`, …): true when the key is absent, so it restricts nothing',
    'FORALLVALUES_WITH_SINGLE_VALUED_KEY',
  ),
  L(
    'key-written-with-provider-arn',
    'warning',
    'explain',
    'a key spelled with the provider ARN (`arn:aws:iam::…:oidc-provider/HOST:sub`): never in the request',
  ),
  L(
    'tenancy-condition-missing',
    'warning',
    'explain',
    'an Allow for a shared issuer (gitlab.com, HCP Terraform, …) without a `sub` condition: any of its users',
  ),
  // the compiler's (lib/sts/compile.ts, lib/sts/write-checks.ts)
  L(
    'idp-control-missing',
    'error',
    'compiler',
    "IAM's write-time refusal: a GitHub statement that does not pin `sub` (or `job_workflow_ref`) with StringEquals/StringLike to anything but `*`",
    'MISSING_GITHUB_REPO_CONDITION_KEY',
  ),
  L(
    'like-without-wildcard',
    'warning',
    'compiler',
    "`StringLike` whose values have no `*` or `?`: it compares exactly (AWS's documented `ForAnyValue:StringLike` on Cognito's `amr` excepted)",
  ),
  L(
    'wildcard-without-like',
    'warning',
    'compiler',
    'a `*` or `?` under `StringEquals`: compared literally',
    'WILDCARD_WITHOUT_LIKE_OPERATOR',
  ),
  L(
    'variable-not-allowed',
    'warning',
    'compiler',
    'a policy variable where IAM does not substitute one',
  ),
  L('ambiguous-date', 'warning', 'compiler', 'a date value IAM may read otherwise than intended'),
  L('cidr-host-bits', 'info', 'compiler', 'an IP range with host bits set'),
  L('invalid-date', 'error', 'compiler', 'a value a Date operator cannot read'),
  L('invalid-number', 'error', 'compiler', 'a value a Numeric operator cannot read'),
  L('invalid-bool', 'error', 'compiler', 'a value `Bool` cannot read'),
  L('invalid-cidr', 'error', 'compiler', 'a value `IpAddress` cannot read'),
  L(
    'invalid-arn',
    'warning',
    'compiler',
    'a value an Arn operator cannot read as an ARN: it never matches',
  ),
  L('invalid-base64', 'error', 'compiler', 'a value `BinaryEquals` cannot read'),
  L('invalid-null-value', 'error', 'compiler', '`Null` with a value other than true or false'),
  L('invalid-variable', 'error', 'compiler', 'a malformed policy variable `${…}`'),
  L('unterminated-variable', 'error', 'compiler', 'a `${` without its `}`'),
  L('invalid-string', 'error', 'compiler', 'a String operator value that is not a string'),
  // the parser's (lib/policy): IAM's refusals and the shape of the document
  L(
    'empty-statement-list',
    'error',
    'parser',
    '`"Statement": []`: IAM most likely refuses to store it; simulated, it allows nobody',
  ),
  L(
    'resource-in-trust-policy',
    'error',
    'parser',
    '`Resource` in a trust policy (IAM refuses it)',
    'ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE',
  ),
  L(
    'not-principal-in-trust-policy',
    'error',
    'parser',
    '`NotPrincipal` in a trust policy (IAM refuses it)',
    'ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL',
  ),
  L(
    'unknown-operator',
    'error',
    'parser',
    'a condition operator IAM does not know (with the nearest one)',
    'INVALID_CONDITION_OPERATOR',
  ),
  L(
    'unknown-set-operator',
    'error',
    'parser',
    'a set operator other than ForAnyValue/ForAllValues',
  ),
  L(
    'null-if-exists',
    'error',
    'parser',
    '`NullIfExists`, which IAM refuses',
    'NULL_WITH_IF_EXISTS',
  ),
  L(
    'invalid-federated-principal',
    'error',
    'parser',
    'a Federated value that is neither a built-in provider nor a full OIDC/SAML provider ARN (e.g. a bare host)',
  ),
  L(
    'federated-principal-scheme',
    'error',
    'parser',
    'a Federated principal written with `https://`',
  ),
  L(
    'federated-principal-trailing-slash',
    'error',
    'parser',
    'an OIDC provider ARN ending with two slashes or more',
  ),
  L(
    'federated-principal-case',
    'warning',
    'parser',
    'a built-in provider name in other letter case: matched exactly, so never',
  ),
  L(
    'oidc-provider-trailing-slash',
    'info',
    'parser',
    'an OIDC provider whose URL ends with `/` (Auth0, Entra ID v1): the slash stays in keys and `iss`',
  ),
  L('cognito-cn-principal', 'info', 'parser', "Cognito's China principal and key spelling"),
  L('saml-principal', 'warning', 'parser', 'a SAML provider: not a web-identity caller'),
  L(
    'principal-wildcard',
    'warning',
    'parser',
    'a wildcard principal in a trust policy',
    'ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL',
  ),
  L('principal-partial-wildcard', 'error', 'parser', 'a principal with a `*` inside it'),
  L('invalid-principal-wildcard', 'error', 'parser', 'a `*` principal IAM does not accept'),
  L('invalid-principal', 'error', 'parser', 'a `Principal` that is not a mapping or `*`'),
  L('invalid-principal-value', 'error', 'parser', 'a principal value that is not a string'),
  L(
    'unknown-principal-type',
    'error',
    'parser',
    'a principal type other than AWS, Federated, Service, CanonicalUser',
  ),
  L('missing-principal', 'error', 'parser', 'a statement without `Principal`', 'MISSING_PRINCIPAL'),
  L('missing-action', 'error', 'parser', 'a statement without `Action`', 'MISSING_ACTION'),
  L('missing-effect', 'error', 'parser', 'a statement without `Effect`', 'MISSING_EFFECT'),
  L('missing-statement', 'error', 'parser', 'a policy without `Statement`', 'MISSING_STATEMENT'),
  L(
    'missing-version',
    'warning',
    'parser',
    'no `Version`: 2008-10-17, without policy variables',
    'MISSING_VERSION',
  ),
  L(
    'invalid-version',
    'error',
    'parser',
    'a `Version` other than 2012-10-17 or 2008-10-17',
    'INVALID_VERSION',
  ),
  L('invalid-effect', 'error', 'parser', 'an `Effect` other than Allow or Deny', 'INVALID_EFFECT'),
  L('invalid-action', 'error', 'parser', 'an action that is not `service:Name`', 'INVALID_ACTION'),
  L('action-and-not-action', 'error', 'parser', 'both `Action` and `NotAction`'),
  L(
    'not-action',
    'warning',
    'parser',
    '`NotAction` in a trust policy: it allows every other action',
  ),
  L('invalid-statement', 'error', 'parser', 'a statement that is not a mapping'),
  L('unknown-element', 'error', 'parser', 'an element IAM does not know', 'INVALID_POLICY_ELEMENT'),
  L('invalid-condition', 'error', 'parser', 'a `Condition` that is not a mapping'),
  L('invalid-condition-block', 'error', 'parser', 'an operator block that is not a mapping'),
  L('invalid-condition-key', 'error', 'parser', 'a condition key IAM does not accept'),
  L(
    'invalid-condition-value',
    'error',
    'parser',
    'a condition value that is not a string, number, boolean or list of them',
  ),
  L(
    'non-string-condition-value',
    'warning',
    'parser',
    'a number or boolean written as a condition value',
  ),
  L(
    'duplicate-condition-key',
    'error',
    'parser',
    'one key twice under one operator (keys are case-insensitive)',
  ),
  L('empty-condition-block', 'warning', 'parser', 'an operator with no keys'),
  L('empty-list', 'error', 'parser', 'an empty list where IAM needs a value'),
  L('duplicate-sid', 'error', 'parser', 'two statements with one Sid'),
  L('invalid-sid', 'error', 'parser', 'a Sid that is not a string'),
  L(
    'sid-not-alphanumeric',
    'warning',
    'parser',
    'a Sid with characters other than letters and digits',
  ),
  L('invalid-id', 'error', 'parser', 'an `Id` that is not a string'),
  L(
    'policy-variable-literal',
    'warning',
    'parser',
    'a `${…}` under Version 2008-10-17, where it is literal text',
  ),
  L(
    'policy-size-quota',
    'error',
    'parser',
    "more than the role trust policy quota's characters (2,048 by default)",
    'POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA',
  ),
  L('invalid-character', 'error', 'parser', 'a character IAM does not accept in a policy'),
  L('byte-order-mark', 'warning', 'parser', 'a byte-order mark before the document'),
  L('duplicate-key', 'error', 'parser', 'one key twice in a JSON/YAML mapping'),
  L('non-json-value', 'error', 'parser', 'a YAML value JSON cannot hold (a date, a tag, …)'),
  L('yaml-invalid-key', 'error', 'parser', 'a YAML key that is not a string'),
  L('yaml-warning', 'warning', 'parser', "the YAML reader's warning"),
];

const BY_CODE = new Map(LINT_CODES.map((c) => [c.code, c]));

/** The catalogue entry of a code (`policy-` prefix optional). */
export function lintCode(code: string): LintCode | undefined {
  return BY_CODE.get(code.startsWith('policy-') ? code : `policy-${code}`);
}
