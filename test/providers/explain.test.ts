import t from 'tap';
import { editDistance, explainAbsentKey, providerById } from '../../lib/providers/index.js';
import type { AbsentKeyContext } from '../../lib/providers/index.js';

const GH = 'token.actions.githubusercontent.com';
const EKS = 'oidc.eks.us-east-1.amazonaws.com/id/ABC123';

interface Row {
  why: string;
  spec: string;
  key: string;
  ctx: AbsentKeyContext;
  /** Every pattern must match the explanation. */
  says: RegExp[];
  /** None of these may appear. */
  not?: RegExp[];
}

const ROWS: Row[] = [
  // a claim AWS does not expose for the provider
  {
    why: 'GitHub repository_owner is not a key; suggests repository_owner_id or sub',
    spec: '§3.1, §8.1 item 9, test vector 7/8',
    key: `${GH}:repository_owner`,
    ctx: { hostPath: GH },
    says: [
      /^`token\.actions\.githubusercontent\.com:repository_owner` is not a condition key: AWS exposes only /,
      /for GitHub/,
      /use `token\.actions\.githubusercontent\.com:repository_owner_id` or `token\.actions\.githubusercontent\.com:sub`/,
      /repository_owner_id/,
      /§3\.1/,
    ],
  },
  {
    why: 'GitHub event_name → sub shows pull_request',
    spec: '§3.1, §7.1',
    key: `${GH}:event_name`,
    ctx: {},
    says: [/not a condition key/, /repo:OWNER\/REPO:pull_request/],
  },
  {
    why: 'GitHub ref_type → use ref',
    spec: '§3.1, §8.1 item 9',
    key: `${GH}:ref_type`,
    ctx: { hostPath: GH },
    says: [/not a condition key/, /use `token\.actions\.githubusercontent\.com:ref`/],
  },
  {
    why: 'GitHub workflow_ref → job_workflow_ref',
    spec: '§3.1',
    key: `${GH}:workflow_ref`,
    ctx: { hostPath: GH },
    says: [/job_workflow_ref/],
  },
  {
    why: 'GitHub repo_property_* pattern',
    spec: '§3.1, §7.1',
    key: `${GH}:repo_property_team`,
    ctx: { hostPath: GH },
    says: [/not a condition key/, /not mapped to a key/],
  },
  {
    why: 'key names are case-insensitive: REPOSITORY_OWNER still explained',
    spec: '§3.6',
    key: `${GH}:REPOSITORY_OWNER`,
    ctx: { hostPath: GH },
    says: [/repository_owner_id/],
  },
  {
    why: 'GitLab project_path → project_id or sub',
    spec: '§3.1',
    key: 'gitlab.com:project_path',
    ctx: { hostPath: 'gitlab.com' },
    says: [/not a condition key/, /gitlab\.com:project_id/],
  },
  {
    why: 'Terraform workspace name → sub pattern',
    spec: '§3.1, §7.4',
    key: 'app.terraform.io:terraform_workspace_name',
    ctx: {},
    says: [/not a condition key/, /app\.terraform\.io:sub/],
  },
  {
    why: 'EKS namespace → sub',
    spec: '§7.2',
    key: `${EKS}:namespace`,
    ctx: { hostPath: EKS },
    says: [/system:serviceaccount:NAMESPACE:NAME/],
  },
  {
    why: 'EKS nested kubernetes.io claim',
    spec: '§3.1 nested claims',
    key: `${EKS}:kubernetes.io/namespace`,
    ctx: { hostPath: EKS },
    says: [/not mapped to a key/],
  },
  {
    why: 'Facebook aud → app_id',
    spec: '§1.4, §3.1',
    key: 'graph.facebook.com:aud',
    ctx: {},
    says: [/app_id/],
  },
  {
    why: 'Amazon sub → user_id',
    spec: '§1.4, §3.1',
    key: 'www.amazon.com:sub',
    ctx: {},
    says: [/www\.amazon\.com:user_id/],
  },
  {
    why: 'Google azp feeds aud',
    spec: '§3.1 azp rule',
    key: 'accounts.google.com:azp',
    ctx: {},
    says: [/accounts\.google\.com:aud` carries it/],
  },
  {
    why: 'JWT registered claims are checked by STS, not keys',
    spec: '§1.3, §3.1',
    key: `${GH}:exp`,
    ctx: { hostPath: GH },
    says: [/STS checks the token's "exp" itself/],
  },
  {
    why: 'generic provider: any other claim is absent',
    spec: '§3.1',
    key: 'server.example.com:groups',
    ctx: {},
    says: [
      /AWS exposes only aud, sub, amr, oaud, email, azp for server\.example\.com \(a generic OpenID Connect provider\)/,
    ],
  },
  {
    why: 'self-managed GitLab with the gitlab module: GitLab keys only on gitlab.com',
    spec: '§3.1',
    key: 'gitlab.example.com:project_id',
    ctx: { hostPath: 'gitlab.example.com', module: providerById('gitlab') },
    says: [/not a condition key/, /for GitLab/],
  },
  // the key written with the provider ARN
  {
    why: 'key written with the provider ARN',
    spec: 'field notes, §1.3',
    key: `arn:aws:iam::123456789012:oidc-provider/${GH}:sub`,
    ctx: { hostPath: GH },
    says: [/names the provider by its ARN/, /write `token\.actions\.githubusercontent\.com:sub`/],
    not: [/token's issuer is/],
  },
  {
    why: 'ARN-written key for a different issuer than the token',
    spec: 'field notes, §1.3',
    key: 'arn:aws-us-gov:iam::123456789012:oidc-provider/gitlab.com:sub',
    ctx: { hostPath: GH },
    says: [/write `gitlab\.com:sub`/, /token's issuer is token\.actions\.githubusercontent\.com/],
  },
  {
    why: 'a bare provider ARN as key',
    spec: '§1.3',
    key: `arn:aws:iam::123456789012:oidc-provider/${EKS}`,
    ctx: {},
    says: [
      /is a provider ARN, not a condition key/,
      new RegExp(`${EKS.replaceAll('.', '\\.')}:CLAIM`),
    ],
  },
  {
    why: 'key written with https://',
    spec: '§1.3',
    key: `https://${GH}:sub`,
    ctx: {},
    says: [/keeps the URL scheme/, /write `token\.actions\.githubusercontent\.com:sub`/],
  },
  // a prefix that is another provider than the token's issuer
  {
    why: 'GitLab key, GitHub token',
    spec: '§1.3, §2.1',
    key: 'gitlab.com:sub',
    ctx: { hostPath: GH },
    says: [
      /is a key of GitLab \(gitlab\.com\)/,
      /issued by token\.actions\.githubusercontent\.com \(GitHub Actions\)/,
      /write `token\.actions\.githubusercontent\.com:sub`/,
    ],
  },
  {
    why: 'GitHub key, EKS token: no such key for EKS',
    spec: '§1.3',
    key: `${GH}:repository`,
    ctx: { hostPath: EKS },
    says: [/is a key of GitHub Actions/, /its keys are `oidc\.eks/],
  },
  {
    why: 'unknown issuer prefix, token from another',
    spec: '§1.3',
    key: 'idp.example.com:sub',
    ctx: { hostPath: 'other.example.org' },
    says: [/is a key of the issuer idp\.example\.com/, /issued by other\.example\.org, so/],
  },
  {
    why: 'EKS prefix missing /id/ID',
    spec: 'field notes, §7.2',
    key: 'oidc.eks.us-east-1.amazonaws.com:sub',
    ctx: { hostPath: EKS },
    says: [
      /lacks the path part "\/id\/ABC123"/,
      /write `oidc\.eks\.us-east-1\.amazonaws\.com\/id\/ABC123:sub`/,
    ],
  },
  {
    why: 'prefix with a trailing slash',
    spec: '§1.3 UNCONFIRMED 6',
    key: `${GH}/:sub`,
    ctx: { hostPath: GH },
    says: [/trailing "\/"/],
  },
  {
    why: 'prefix typo against the token issuer',
    spec: '§1.3',
    key: 'token.actions.githubusercontent.co:sub',
    ctx: { hostPath: GH },
    says: [/a typo\?/, /write `token\.actions\.githubusercontent\.com:sub`/],
  },
  {
    why: 'prefix typo without a token issuer',
    spec: '§1.3',
    key: 'gitlab.co:sub',
    ctx: {},
    says: [/did you mean `gitlab\.com:sub`\?/],
  },
  // a typo close to a known key
  {
    why: 'sbu → sub (test vector 6)',
    spec: '§8.1 item 7, §9 vector 6',
    key: `${GH}:sbu`,
    ctx: { hostPath: GH },
    says: [/did you mean `token\.actions\.githubusercontent\.com:sub`\?/, /ForAllValues true/],
  },
  {
    why: 'repositry → repository',
    spec: '§8.1 item 7',
    key: `${GH}:repositry`,
    ctx: { hostPath: GH },
    says: [/did you mean `token\.actions\.githubusercontent\.com:repository`\?/],
  },
  {
    why: 'aud typo on Cognito',
    spec: '§8.1 item 7',
    key: 'cognito-identity.amazonaws.com:adu',
    ctx: {},
    says: [/did you mean `cognito-identity\.amazonaws\.com:aud`\?/],
  },
  {
    why: 'no typo beyond distance 2',
    spec: '§8.1 item 7',
    key: `${GH}:subject`,
    ctx: { hostPath: GH },
    says: [/not a condition key: AWS exposes only/],
    not: [/did you mean/],
  },
  // exposed keys that are absent because the token lacks the claim
  {
    why: 'environment key but no environment claim',
    spec: '§3.1, §8.1 item 12',
    key: `${GH}:environment`,
    ctx: { hostPath: GH, claims: { sub: 'repo:o/r:ref:refs/heads/main' } },
    says: [/is a condition key for GitHub Actions, but the token carries no "environment" claim/],
  },
  {
    why: 'exposed key fed by an object',
    spec: '§3.1',
    key: `${GH}:environment`,
    ctx: { hostPath: GH, claims: { environment: { name: 'x' } } },
    says: [/claim is an object/],
  },
  {
    why: 'Google aud fed by azp (claimValue hook)',
    spec: '§3.1',
    key: 'accounts.google.com:aud',
    ctx: { claims: { azp: null } },
    says: [/"azp" claim is null/],
  },
  {
    why: 'no prefix at all',
    spec: '§1.3',
    key: 'sub',
    ctx: { hostPath: GH },
    says: [/has no provider prefix/, /token\.actions\.githubusercontent\.com:sub/],
  },
];

for (const r of ROWS) {
  t.test(`${r.why} (${r.spec})`, async (t) => {
    const got = explainAbsentKey(r.key, r.ctx);
    t.type(got, 'string', 'explained');
    for (const re of r.says) t.match(got, re);
    for (const re of r.not ?? []) t.notMatch(got ?? '', re);
  });
}

t.test('keys that are not web-identity claim keys are not explained (§3.5)', async (t) => {
  t.equal(explainAbsentKey('aws:SourceIp', { hostPath: GH }), undefined);
  t.equal(explainAbsentKey('sts:RoleSessionName', { hostPath: GH }), undefined);
  t.equal(explainAbsentKey('aws:RequestTag/team', {}), undefined);
  t.equal(
    explainAbsentKey('nonsense', { hostPath: GH }),
    undefined,
    'no prefix and not a claim key',
  );
  t.equal(explainAbsentKey('sub'), undefined, 'no prefix and no token issuer');
});

t.test('editDistance: optimal string alignment (§8.1 item 7)', async (t) => {
  const rows: Array<[string, string, number]> = [
    ['sub', 'sub', 0],
    ['sbu', 'sub', 1],
    ['SUB', 'sub', 0],
    ['sub', 'sb', 1],
    ['aud', 'adu', 1],
    ['repositry', 'repository', 1],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
  ];
  for (const [a, b, d] of rows) t.equal(editDistance(a, b), d, `${a} ↔ ${b} = ${d}`);
});

t.test('an exposed key whose claim does give it a value is not explained (§3.1)', async (t) => {
  t.equal(
    explainAbsentKey(`${GH}:sub`, { hostPath: GH, claims: { sub: 'repo:o/r:pull_request' } }),
    undefined,
  );
  t.equal(explainAbsentKey(`${GH}:sub`, { hostPath: GH, claims: { sub: ['one'] } }), undefined);
  t.equal(
    explainAbsentKey('cognito-identity.amazonaws.com:amr', { claims: { amr: ['a', 'b'] } }),
    undefined,
  );
  t.match(
    explainAbsentKey(`${GH}:sub`, { hostPath: GH, claims: { sub: ['a', 'b'] } }),
    /claim is an array of 2/,
  );
});
