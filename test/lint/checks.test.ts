/**
 * lint's own checks (lib/lint/checks.ts): a table of policies, each check with a case that must
 * fire and one that must not — AWS's documented patterns among the latter (IRSA from the EKS User
 * Guide, Cognito's `ForAnyValue:StringLike` on amr from the Amazon Cognito Developer Guide, "Role
 * trust and permissions"). Each row pins the codes of lintChecks and of lintPolicy (with explain's
 * shape findings), and where the finding points.
 */
import t from 'tap';
import { lintChecks } from '../../lib/lint/checks.js';
import { lintPolicy } from '../../lib/lint/index.js';
import { parsePolicy } from '../../lib/policy/parse.js';
import { ACCOUNT, EKS, EKS_ARN, GH, GH_ARN, ROLE_ARN } from '../helpers/policy.js';

const EKS_OLD = 'oidc.eks.us-east-1.amazonaws.com/id/0LDC1USTER000000000000000000000';
const COGNITO = 'cognito-identity.amazonaws.com';
const GOOGLE = 'accounts.google.com';
const POOL = 'us-east-1:6f1c8e2a-3b7d-4c95-a0e4-9d2b5f7c1a38';
const GH_SUB = { [`${GH}:sub`]: 'repo:acme/app:ref:refs/heads/main' };
const EKS_OK = {
  [`${EKS}:aud`]: 'sts.amazonaws.com',
  [`${EKS}:sub`]: 'system:serviceaccount:payments:api',
};

function st(
  federated: string | string[],
  condition?: object,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    Effect: 'Allow',
    Principal: { Federated: federated },
    Action: 'sts:AssumeRoleWithWebIdentity',
    ...(condition ? { Condition: condition } : {}),
    ...extra,
  };
}

interface Row {
  name: string;
  statements: Record<string, unknown>[];
  /** lintChecks's codes, in order. */
  codes: string[];
  roleArns?: string[];
  /** The text the first finding points at (its span), when it matters. */
  at?: string;
}

const ROWS: Row[] = [
  // action-not-web-identity
  {
    name: 'sts:AssumeRole with a Federated principal (CDK FederatedPrincipal default)',
    statements: [st(GH_ARN, { StringEquals: GH_SUB }, { Action: 'sts:AssumeRole' })],
    codes: ['action-not-web-identity'],
    at: '"sts:AssumeRole"',
  },
  {
    name: 'NotAction that excludes the web-identity call',
    statements: [
      st(GH_ARN, { StringEquals: GH_SUB }, { Action: undefined, NotAction: 'sts:Assume*' }),
    ],
    codes: ['action-not-web-identity'],
  },
  {
    name: 'sts:AssumeRole* covers the web-identity call',
    statements: [st(GH_ARN, { StringEquals: GH_SUB }, { Action: ['sts:AssumeRole*'] })],
    codes: [],
  },
  {
    name: 'a Deny with sts:AssumeRole is not an Allow that can never apply',
    statements: [
      st(GH_ARN, { StringEquals: GH_SUB }),
      st(GH_ARN, { StringEquals: GH_SUB }, { Effect: 'Deny', Action: 'sts:AssumeRole' }),
    ],
    codes: [],
  },
  // principal-other-account / -partition
  {
    name: 'an OIDC provider of another account than the role',
    statements: [st(GH_ARN.replace(ACCOUNT, '444455556666'), { StringEquals: GH_SUB })],
    roleArns: [ROLE_ARN],
    codes: ['principal-other-account'],
  },
  {
    name: 'an OIDC provider of another partition than the role',
    statements: [st(GH_ARN.replace('arn:aws:', 'arn:aws-us-gov:'), { StringEquals: GH_SUB })],
    roleArns: [ROLE_ARN],
    codes: ['principal-other-partition'],
  },
  {
    name: "the role's own account and partition",
    statements: [st(GH_ARN, { StringEquals: GH_SUB })],
    roleArns: [ROLE_ARN],
    codes: [],
  },
  {
    name: 'no role known (a policy file by itself): no account check',
    statements: [st(GH_ARN.replace(ACCOUNT, '444455556666'), { StringEquals: GH_SUB })],
    codes: [],
  },
  // key-prefix-with-scheme
  {
    name: 'a key written with https://',
    statements: [
      st(GH_ARN, { StringEquals: { ...GH_SUB, [`https://${GH}:aud`]: 'sts.amazonaws.com' } }),
    ],
    codes: ['key-prefix-with-scheme'],
    at: `"https://${GH}:aud"`,
  },
  // key-of-another-issuer
  {
    name: 'EKS keys naming another cluster than the principal',
    statements: [
      st(EKS_ARN, {
        StringEquals: {
          [`${EKS_OLD}:aud`]: 'sts.amazonaws.com',
          [`${EKS_OLD}:sub`]: 'system:serviceaccount:payments:api',
        },
      }),
    ],
    codes: ['key-of-another-issuer', 'key-of-another-issuer'],
  },
  {
    name: 'GitHub keys under a GitHub Enterprise issuer with a slug',
    statements: [
      st(`${GH_ARN}/acme`, {
        StringEquals: { [`${GH}:sub`]: 'repo:acme/app:ref:refs/heads/main' },
      }),
    ],
    codes: ['key-of-another-issuer'],
  },
  {
    name: 'gitlab.com keys in a statement for GitHub',
    statements: [
      st(GH_ARN, { StringEquals: { ...GH_SUB, 'gitlab.com:sub': 'project_path:acme/app' } }),
    ],
    codes: ['key-of-another-issuer'],
  },
  {
    name: 'keys of both principals of a two-provider statement',
    statements: [
      st([GH_ARN, 'arn:aws:iam::111122223333:oidc-provider/gitlab.com'], {
        StringLike: { ...GH_SUB, 'gitlab.com:sub': 'project_path:acme/*' },
      }),
    ],
    codes: [],
  },
  {
    name: 'aws: keys AWS sets (SourceIp) are not another issuer',
    statements: [
      st(GH_ARN, { StringEquals: GH_SUB, IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }),
    ],
    codes: [],
  },
  // key-never-set
  {
    name: 'aws:PrincipalTag on a web-identity statement',
    statements: [st(GH_ARN, { StringEquals: { ...GH_SUB, 'aws:PrincipalTag/team': 'platform' } })],
    codes: ['key-never-set'],
  },
  {
    name: 'aws:SourceAccount beside an AWS service principal is not flagged',
    statements: [
      {
        Effect: 'Allow',
        Principal: { Federated: GH_ARN, Service: 'ec2.amazonaws.com' },
        Action: ['sts:AssumeRoleWithWebIdentity', 'sts:AssumeRole'],
        Condition: { StringEquals: { ...GH_SUB, 'aws:SourceAccount': ACCOUNT } },
      },
    ],
    codes: [],
  },
  // GitHub
  {
    name: 'a GitHub sub pattern that admits any owner',
    statements: [st(GH_ARN, { StringLike: { [`${GH}:sub`]: 'repo:*/app:*' } })],
    codes: ['github-sub-any-owner'],
    at: '"repo:*/app:*"',
  },
  {
    name: 'a GitHub sub pattern starting with a wildcard',
    statements: [st(GH_ARN, { StringLike: { [`${GH}:sub`]: '*:ref:refs/heads/main' } })],
    codes: ['github-sub-any-owner'],
  },
  {
    name: 'an owner prefix: acme* admits acme-evil',
    statements: [st(GH_ARN, { StringLike: { [`${GH}:sub`]: 'repo:acme*' } })],
    codes: ['github-sub-owner-prefix'],
  },
  {
    name: 'every repository of one owner is a choice, not a finding',
    statements: [st(GH_ARN, { StringLike: { [`${GH}:sub`]: 'repo:acme/*' } })],
    codes: [],
  },
  {
    name: 'any owner in sub, but repository_owner_id pinned',
    statements: [
      st(GH_ARN, {
        StringLike: { [`${GH}:sub`]: 'repo:*' },
        StringEquals: { [`${GH}:repository_owner_id`]: '1234567' },
      }),
    ],
    codes: [],
  },
  {
    name: 'a wildcard under StringEquals is literal: not any owner (wildcard-without-like says it)',
    statements: [st(GH_ARN, { StringEquals: { [`${GH}:sub`]: 'repo:*/app:*' } })],
    codes: [],
  },
  // EKS
  {
    name: "AWS's IRSA trust policy (EKS User Guide): aud and sub pinned",
    statements: [st(EKS_ARN, { StringEquals: EKS_OK })],
    codes: [],
  },
  {
    name: 'EKS without aud',
    statements: [
      st(EKS_ARN, { StringEquals: { [`${EKS}:sub`]: 'system:serviceaccount:payments:api' } }),
    ],
    codes: ['eks-aud-missing'],
  },
  {
    name: 'EKS without sub',
    statements: [st(EKS_ARN, { StringEquals: { [`${EKS}:aud`]: 'sts.amazonaws.com' } })],
    codes: ['eks-sub-any-namespace'],
  },
  {
    name: 'EKS sub with a wildcard namespace',
    statements: [
      st(EKS_ARN, {
        StringEquals: { [`${EKS}:aud`]: 'sts.amazonaws.com' },
        StringLike: { [`${EKS}:sub`]: 'system:serviceaccount:*:api' },
      }),
    ],
    codes: ['eks-sub-any-namespace'],
  },
  {
    name: 'EKS sub with a namespace prefix (pay* admits payments-evil)',
    statements: [
      st(EKS_ARN, {
        StringEquals: { [`${EKS}:aud`]: 'sts.amazonaws.com' },
        StringLike: { [`${EKS}:sub`]: 'system:serviceaccount:pay*:api' },
      }),
    ],
    codes: ['eks-sub-any-namespace'],
  },
  {
    name: 'EKS sub with a wildcard service account in a named namespace',
    statements: [
      st(EKS_ARN, {
        StringEquals: { [`${EKS}:aud`]: 'sts.amazonaws.com' },
        StringLike: { [`${EKS}:sub`]: 'system:serviceaccount:payments:*' },
      }),
    ],
    codes: [],
  },
  // Cognito
  {
    name: "Cognito's documented trust policy: aud, and ForAnyValue:StringLike on amr",
    statements: [
      st(COGNITO, {
        StringEquals: { [`${COGNITO}:aud`]: POOL },
        'ForAnyValue:StringLike': { [`${COGNITO}:amr`]: 'authenticated' },
      }),
    ],
    codes: [],
  },
  {
    name: 'Cognito without aud',
    statements: [
      st(COGNITO, { 'ForAnyValue:StringLike': { [`${COGNITO}:amr`]: 'authenticated' } }),
    ],
    codes: ['cognito-aud-missing'],
  },
  {
    name: 'Cognito without amr',
    statements: [st(COGNITO, { StringEquals: { [`${COGNITO}:aud`]: POOL } })],
    codes: ['cognito-amr-missing'],
  },
  // Google
  {
    name: 'Google with aud',
    statements: [
      st(GOOGLE, { StringEquals: { [`${GOOGLE}:aud`]: '1234.apps.googleusercontent.com' } }),
    ],
    codes: [],
  },
  {
    name: 'Google with only sub',
    statements: [st(GOOGLE, { StringEquals: { [`${GOOGLE}:sub`]: '110169484474386276334' } })],
    codes: ['google-aud-missing'],
  },
  // AWS outbound identity federation (IAM User Guide, "Getting started with outbound identity
  // federation": its tokens cannot be used with AssumeRoleWithWebIdentity)
  {
    name: 'an AWS outbound issuer as the Federated principal',
    statements: [
      st(
        'arn:aws:iam::111122223333:oidc-provider/a1b2c3d4-0000-4e5f-9a8b-123456789abc.tokens.sts.global.api.aws',
      ),
    ],
    codes: ['aws-outbound-issuer'],
  },
  {
    name: 'a look-alike host is another OIDC provider',
    statements: [
      st('arn:aws:iam::111122223333:oidc-provider/tokens.sts.global.api.aws.example.com', {
        StringEquals: { 'tokens.sts.global.api.aws.example.com:aud': 'x' },
      }),
    ],
    codes: [],
  },
  // statement-never-applies
  {
    name: 'StringEquals and a StringLike no such value matches',
    statements: [
      st(GH_ARN, {
        StringEquals: GH_SUB,
        StringLike: { [`${GH}:sub`]: 'repo:acme/app:environment:*' },
      }),
    ],
    codes: ['statement-never-applies'],
  },
  {
    name: 'StringEquals and a StringLike it matches',
    statements: [
      st(GH_ARN, { StringEquals: GH_SUB, StringLike: { [`${GH}:sub`]: 'repo:acme/*' } }),
    ],
    codes: [],
  },
  {
    name: 'Null true and a value test on the same key',
    statements: [
      st(GH_ARN, {
        StringEquals: GH_SUB,
        Null: { [`${GH}:environment`]: 'true' },
        StringLike: { [`${GH}:environment`]: 'prod*' },
      }),
    ],
    codes: ['statement-never-applies'],
  },
  {
    name: 'Null false and a value test on the same key',
    statements: [
      st(GH_ARN, {
        StringEquals: GH_SUB,
        Null: { [`${GH}:environment`]: 'false' },
        StringLike: { [`${GH}:environment`]: 'prod*' },
      }),
    ],
    codes: [],
  },
  // deny-shadows-allow
  {
    name: 'a Deny without conditions for the same principal',
    statements: [st(GH_ARN, { StringEquals: GH_SUB }), st(GH_ARN, undefined, { Effect: 'Deny' })],
    codes: ['deny-shadows-allow'],
  },
  {
    name: 'a Deny with a condition shadows only some tokens',
    statements: [
      st(GH_ARN, { StringLike: { [`${GH}:sub`]: 'repo:acme/*' } }),
      st(
        GH_ARN,
        { StringLike: { [`${GH}:sub`]: 'repo:acme/app:pull_request' } },
        { Effect: 'Deny' },
      ),
    ],
    codes: [],
  },
  {
    name: 'a Deny for another provider does not shadow',
    statements: [st(GH_ARN, { StringEquals: GH_SUB }), st(EKS_ARN, undefined, { Effect: 'Deny' })],
    codes: [],
  },
];

function parse(statements: Record<string, unknown>[]) {
  const text = JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);
  const parsed = parsePolicy(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.findings));
  return { text, policy: parsed.policy };
}

t.test('each check fires where it should, and only there', async (t) => {
  for (const row of ROWS) {
    const { text, policy } = parse(row.statements);
    const found = lintChecks(policy, row.roleArns ? { roleArns: row.roleArns } : {});
    t.same(
      found.map((f) => f.code),
      row.codes,
      row.name,
    );
    for (const f of found) {
      t.ok(f.span, `${row.name}: ${f.code} has a place`);
      t.ok(f.hint && f.hint.length > 0, `${row.name}: ${f.code} has a fix`);
    }
    if (row.at !== undefined && found[0]?.span) {
      const s = found[0].span;
      t.equal(text.slice(s.start.offset, s.end.offset), row.at, `${row.name}: where`);
    }
  }
});

t.test('every check of the table has a case that fires and one that does not', async (t) => {
  const fired = new Set(ROWS.flatMap((r) => r.codes));
  const clean = ROWS.filter((r) => r.codes.length === 0).length;
  for (const code of [
    'action-not-web-identity',
    'principal-other-account',
    'principal-other-partition',
    'key-prefix-with-scheme',
    'key-of-another-issuer',
    'key-never-set',
    'github-sub-any-owner',
    'github-sub-owner-prefix',
    'eks-aud-missing',
    'eks-sub-any-namespace',
    'cognito-aud-missing',
    'cognito-amr-missing',
    'google-aud-missing',
    'aws-outbound-issuer',
    'statement-never-applies',
    'deny-shadows-allow',
  ]) {
    t.ok(fired.has(code), `${code} fires in some row`);
  }
  t.ok(clean >= 15, 'negative rows');
});

t.test(
  'lintPolicy: explain shape findings and lint checks together, in source order',
  async (t) => {
    const { policy } = parse([
      st(EKS_ARN, {
        StringEquals: { [`${EKS}:aud`]: 'sts.amazonaws.com' },
        'ForAllValues:StringEquals': { [`${EKS}:sub`]: 'system:serviceaccount:a:b' },
      }),
    ]);
    const found = lintPolicy(policy);
    t.same(
      found.map((f) => f.code),
      ['eks-sub-any-namespace', 'for-all-values-single-valued'],
    );
    const offsets = found.map((f) => f.span?.start.offset ?? 0);
    t.same(
      offsets,
      [...offsets].sort((a, b) => a - b),
    );
  },
);

t.test('the absent-key effect follows the operator', async (t) => {
  const pos = lintChecks(
    parse([st(GH_ARN, { StringEquals: { ...GH_SUB, [`https://${GH}:aud`]: 'x' } })]).policy,
  );
  t.match(pos[0]?.message, /the statement never applies/);
  const neg = lintChecks(
    parse([st(GH_ARN, { StringEquals: GH_SUB, StringNotEquals: { [`https://${GH}:aud`]: 'x' } })])
      .policy,
  );
  t.match(neg[0]?.message, /restricts nothing/);
});
