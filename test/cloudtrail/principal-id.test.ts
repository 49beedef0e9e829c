/**
 * A CloudTrail WebIdentityUser principal id, PROVIDER:AUD:SUB, split back into its parts. Source:
 * CloudTrail User Guide, "CloudTrail userIdentity element" (principalId is "a combination of the
 * issuer, application ID, and user ID"); the first case is issue 11's troubleshooting example.
 */
import t from 'tap';
import { parsePrincipalId, readProvider } from '../../lib/explain/cloudtrail-principal.js';

const GH = 'token.actions.githubusercontent.com';
const POOL = 'us-east-1:11111111-2222-3333-4444-555555555555';
const IDENTITY = 'us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

interface Case {
  id: string;
  provider: string;
  aud: string;
  sub: string;
  partition?: string;
  account?: string;
}

const CASES: Case[] = [
  {
    id: `arn:aws:iam::123456789012:oidc-provider/${GH}:sts.amazonaws.com:repo:reponame-rn/new-repo:environment:dev`,
    provider: `arn:aws:iam::123456789012:oidc-provider/${GH}`,
    aud: 'sts.amazonaws.com',
    sub: 'repo:reponame-rn/new-repo:environment:dev',
    partition: 'aws',
    account: '123456789012',
  },
  {
    // GitHub with a custom audience that is a URL (the audience holds ':').
    id: `arn:aws:iam::111122223333:oidc-provider/${GH}:https://github.com/acme:repo:acme/app:ref:refs/heads/main`,
    provider: `arn:aws:iam::111122223333:oidc-provider/${GH}`,
    aud: 'https://github.com/acme',
    sub: 'repo:acme/app:ref:refs/heads/main',
  },
  {
    // GitHub Enterprise issuer with a path.
    id: `arn:aws:iam::111122223333:oidc-provider/${GH}/acme-corp:sts.amazonaws.com:repo:acme/app:pull_request`,
    provider: `arn:aws:iam::111122223333:oidc-provider/${GH}/acme-corp`,
    aud: 'sts.amazonaws.com',
    sub: 'repo:acme/app:pull_request',
  },
  {
    // An EKS service account (shape of a published AccessDenied event).
    id: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/A8242F25BFBB8F98F5321B2AE63C8B5C:sts.amazonaws.com:system:serviceaccount:argo:awf-aws-executor-plugin',
    provider:
      'arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/A8242F25BFBB8F98F5321B2AE63C8B5C',
    aud: 'sts.amazonaws.com',
    sub: 'system:serviceaccount:argo:awf-aws-executor-plugin',
  },
  {
    id: 'arn:aws-us-gov:iam::444455556666:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sts.amazonaws.com:system:serviceaccount:payments:api',
    provider:
      'arn:aws-us-gov:iam::444455556666:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
    aud: 'sts.amazonaws.com',
    sub: 'system:serviceaccount:payments:api',
    partition: 'aws-us-gov',
    account: '444455556666',
  },
  {
    id: 'arn:aws-cn:iam::777788889999:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/EXAMPLE1:sts.amazonaws.com:system:serviceaccount:default:reports',
    provider:
      'arn:aws-cn:iam::777788889999:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/EXAMPLE1',
    aud: 'sts.amazonaws.com',
    sub: 'system:serviceaccount:default:reports',
    partition: 'aws-cn',
  },
  {
    // Cognito: the audience (pool id) and the subject (identity id) both hold ':'.
    id: `cognito-identity.amazonaws.com:${POOL}:${IDENTITY}`,
    provider: 'cognito-identity.amazonaws.com',
    aud: POOL,
    sub: IDENTITY,
  },
  {
    // The CloudTrail User Guide's spelling of Cognito's provider.
    id: `cognito-identity.amazon.com:${POOL}:${IDENTITY}`,
    provider: 'cognito-identity.amazonaws.com',
    aud: POOL,
    sub: IDENTITY,
  },
  {
    // The CloudTrail User Guide's example userIdentity.
    id: 'accounts.google.com:1234-example.apps.googleusercontent.com:109876543210',
    provider: 'accounts.google.com',
    aud: '1234-example.apps.googleusercontent.com',
    sub: '109876543210',
  },
  {
    id: 'graph.facebook.com:1111222233334444:1234567890',
    provider: 'graph.facebook.com',
    aud: '1111222233334444',
    sub: '1234567890',
  },
  {
    // GitLab's default audience is its URL.
    id: 'arn:aws:iam::111122223333:oidc-provider/gitlab.com:https://gitlab.com:project_path:acme/infra:ref_type:branch:ref:main',
    provider: 'arn:aws:iam::111122223333:oidc-provider/gitlab.com',
    aud: 'https://gitlab.com',
    sub: 'project_path:acme/infra:ref_type:branch:ref:main',
  },
  {
    id: 'arn:aws:iam::111122223333:oidc-provider/app.terraform.io:aws.workload.identity:organization:acme:project:infra:workspace:prod:run_phase:apply',
    provider: 'arn:aws:iam::111122223333:oidc-provider/app.terraform.io',
    aud: 'aws.workload.identity',
    sub: 'organization:acme:project:infra:workspace:prod:run_phase:apply',
  },
  {
    // Any other issuer: an audience without ':' is preferred, the other reading is kept.
    id: 'arn:aws:iam::111122223333:oidc-provider/auth.example.com:client-1:user:42',
    provider: 'arn:aws:iam::111122223333:oidc-provider/auth.example.com',
    aud: 'client-1',
    sub: 'user:42',
  },
];

t.test('each provider’s principal id splits into provider, audience and subject', async (t) => {
  for (const c of CASES) {
    const r = parsePrincipalId(c.id);
    if (!r.ok) {
      t.fail(`${c.id}: ${r.message}`);
      continue;
    }
    t.same(
      { provider: r.provider.value, aud: r.aud, sub: r.sub, ambiguous: r.ambiguous.length },
      { provider: c.provider, aud: c.aud, sub: c.sub, ambiguous: 0 },
      c.id,
    );
    if (c.partition) t.equal(r.provider.partition, c.partition, `${c.id}: partition`);
    if (c.account) t.equal(r.provider.account, c.account, `${c.id}: account`);
  }
});

t.test('the seed example names the GitHub provider module', async (t) => {
  const r = parsePrincipalId(CASES[0]?.id as string);
  t.ok(r.ok);
  if (r.ok) {
    t.equal(r.provider.provider, 'github');
    t.equal(r.provider.kind, 'oidc');
    t.equal(r.provider.hostPath, GH);
    t.match(r.basis, /default audience/);
  }
});

t.test('a split the shapes cannot decide is ambiguous, with every reading listed', async (t) => {
  // An audience URL with a port: "https://app.example" + "8443:user", or "https://app.example:8443" + "user".
  const r = parsePrincipalId(
    'arn:aws:iam::111122223333:oidc-provider/auth.example.com:https://app.example:8443:user',
  );
  t.ok(r.ok);
  if (!r.ok) return;
  const readings = [
    { aud: r.aud, sub: r.sub },
    ...r.ambiguous.map((a) => ({ aud: a.aud, sub: a.sub })),
  ];
  t.same(
    readings.sort((a, b) => a.aud.localeCompare(b.aud)),
    [
      { aud: 'https://app.example', sub: '8443:user' },
      { aud: 'https://app.example:8443', sub: 'user' },
    ],
  );
});

t.test('a less likely reading is kept as another possibility', async (t) => {
  const r = parsePrincipalId(
    'arn:aws:iam::111122223333:oidc-provider/auth.example.com:client-1:user:42',
  );
  t.ok(r.ok);
  if (r.ok)
    t.same(
      r.others.map((o) => [o.aud, o.sub]),
      [['client-1:user', '42']],
    );
});

t.test('what the event says elsewhere pins the split', async (t) => {
  const id =
    'arn:aws:iam::111122223333:oidc-provider/auth.example.com:https://app.example:8443:user';
  const bySub = parsePrincipalId(id, { sub: '8443:user' });
  t.same(bySub.ok && [bySub.aud, bySub.sub, bySub.ambiguous.length], [
    'https://app.example',
    '8443:user',
    0,
  ]);
  const byAud = parsePrincipalId(id, { aud: 'https://app.example:8443' });
  t.same(byAud.ok && [byAud.aud, byAud.sub], ['https://app.example:8443', 'user']);
  // A userName that does not end the principal id is not taken.
  const other = parsePrincipalId(id, { sub: 'someone-else' });
  t.ok(other.ok && other.ambiguous.length === 1);
});

t.test('what is not a principal id is refused, saying what would be right', async (t) => {
  const cases: [string, RegExp][] = [
    ['repo:acme/app:ref:refs/heads/main', /does not start with an IAM OIDC provider ARN/],
    [`arn:aws:iam::111122223333:oidc-provider/${GH}`, /has no audience and subject/],
    ['accounts.google.com', /has no audience and subject/],
    ['accounts.google.com:onlyone', /does not split into an audience and a subject/],
    ['accounts.google.com::', /does not split/],
    [
      `arn:aws:iam::12345:oidc-provider/${GH}:sts.amazonaws.com:repo:a/b:pull_request`,
      /does not start/,
    ],
  ];
  for (const [id, message] of cases) {
    const r = parsePrincipalId(id);
    t.notOk(r.ok, id);
    if (!r.ok) {
      t.match(r.message, message, id);
      t.ok(r.hint, `${id}: a hint`);
    }
  }
});

t.test('readProvider reads an identityProvider field alone', async (t) => {
  const r = readProvider(`arn:aws:iam::111122223333:oidc-provider/${GH}`);
  t.ok(!('message' in r) && r.rest === '' && r.provider.provider === 'github');
  const bad = readProvider('arn:aws:iam::111122223333:oidc-provider/');
  t.ok('message' in bad);
});
