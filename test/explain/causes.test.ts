/**
 * End to end: a trust policy JSON string → parsePolicy → compilePolicy → simulate (fixed now) →
 * diagnose. Each row names the cause that must be reported (first, when it is THE cause) and what
 * its fix must mention.
 */
import t from 'tap';
import {
  ACCOUNT,
  allow,
  EKS,
  EKS_ARN,
  EKS_CLAIMS,
  EKS_OTHER,
  eksPolicy,
  GH,
  GH_ARN,
  GH_CLAIMS,
  githubPolicy,
  NOW_SEC,
  policyText,
  POLICY_FILE,
  run,
  type Case,
} from './helpers.js';

interface Row {
  name: string;
  case: Case;
  cause: string;
  /** The cause must be the first diagnosis (default true). */
  first?: boolean;
  /** Substrings the cause's fix must contain. */
  fix?: string[];
  /** Substrings its detail must contain. */
  detail?: string[];
  /** Cause ids that must not be reported. */
  not?: string[];
}

const MAIN = 'repo:acme/app:ref:refs/heads/main';
const GOV_EKS = 'oidc.eks.us-gov-west-1.amazonaws.com/id/5C9D1B3F0A8E7D6C5B4A39281706F5E4';
const gh = (claims: Record<string, unknown>) => ({ ...GH_CLAIMS, ...claims });
const eksClaims = (claims: Record<string, unknown>) => ({ ...EKS_CLAIMS, ...claims });

const rows: Row[] = [
  // ── 1. key written with the provider ARN ──
  {
    name: 'a condition key written with the provider ARN',
    case: {
      policy: policyText(allow(GH_ARN, { StringEquals: { [`${GH_ARN}:sub`]: MAIN } })),
    },
    cause: 'key-written-with-provider-arn',
    fix: [`"${GH}:sub"`],
  },
  // ── 2. letter case ──
  {
    name: 'the org and repo differ in letter case (StringEquals)',
    case: { policy: githubPolicy('repo:Acme/App:ref:refs/heads/main', 'StringEquals') },
    cause: 'value-case-mismatch',
    fix: ['"repo:Acme/App:ref:refs/heads/main"', '"repo:acme/app:ref:refs/heads/main"'],
    not: ['condition-mismatch'],
  },
  {
    name: 'the org differs in letter case (StringLike pattern)',
    case: { policy: githubPolicy('repo:ACME/*') },
    cause: 'value-case-mismatch',
    fix: ['"repo:acme/*"'],
  },
  {
    name: 'the org differs in letter case (pattern with a middle wildcard)',
    case: { policy: githubPolicy('repo:ACME/*:ref:refs/heads/*') },
    cause: 'value-case-mismatch',
    fix: ['"repo:acme/*:ref:refs/heads/*"'],
  },
  // ── 3. GitHub subject shapes ──
  {
    name: 'the job uses an environment',
    case: { policy: githubPolicy(MAIN), claims: gh({ sub: 'repo:acme/app:environment:prod' }) },
    cause: 'github-environment-subject',
    fix: ['"repo:acme/app:environment:prod"'],
  },
  {
    name: 'a pull request presents pull_request',
    case: {
      policy: githubPolicy('repo:acme/app:ref:refs/heads/*'),
      claims: gh({ sub: 'repo:acme/app:pull_request' }),
    },
    cause: 'github-pull-request-subject',
    fix: ['"repo:acme/app:pull_request"'],
  },
  {
    name: 'a tag run against a branch pattern',
    case: {
      policy: githubPolicy('repo:acme/app:ref:refs/heads/*'),
      claims: gh({ sub: 'repo:acme/app:ref:refs/tags/v1.2.0' }),
    },
    cause: 'github-tag-vs-branch',
    fix: ['"repo:acme/app:ref:refs/tags/v1.2.0"', 'refs/tags/*'],
  },
  {
    name: 'a branch run against a tag pattern',
    case: { policy: githubPolicy('repo:acme/app:ref:refs/tags/v*'), claims: gh({ sub: MAIN }) },
    cause: 'github-tag-vs-branch',
    fix: [`"${MAIN}"`],
  },
  {
    name: 'an immutable subject against a name-based pattern',
    case: {
      policy: githubPolicy('repo:acme/app:*'),
      claims: gh({ sub: 'repo:acme@123456/app@456789:ref:refs/heads/main' }),
    },
    cause: 'github-immutable-subject',
    fix: ['"repo:acme@123456/app@456789:*"'],
  },
  {
    name: 'an immutable subject against an exact name-based value',
    case: {
      policy: githubPolicy(MAIN, 'StringEquals'),
      claims: gh({ sub: 'repo:acme@1/app@2:ref:refs/heads/main' }),
    },
    cause: 'github-immutable-subject',
    fix: ['"repo:acme@1/app@2:ref:refs/heads/main"'],
  },
  {
    name: 'another branch',
    case: {
      policy: githubPolicy(MAIN, 'StringEquals'),
      claims: gh({ sub: 'repo:acme/app:ref:refs/heads/dev' }),
    },
    cause: 'github-branch-mismatch',
    fix: ['"repo:acme/app:ref:refs/heads/dev"'],
    detail: [`"${MAIN}"`],
  },
  {
    name: 'the GitHub ref key: a tag against a branch',
    case: {
      policy: policyText(
        allow(GH_ARN, {
          StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [`${GH}:ref`]: 'refs/heads/main' },
        }),
      ),
      claims: gh({ ref: 'refs/tags/v1', sub: 'repo:acme/app:ref:refs/tags/v1' }),
    },
    cause: 'github-tag-vs-branch',
    fix: ['"refs/tags/v1"'],
  },
  // ── 4. EKS ──
  {
    name: 'EKS: another namespace',
    case: { policy: eksPolicy('system:serviceaccount:default:api'), claims: EKS_CLAIMS },
    cause: 'eks-namespace-mismatch',
    fix: ['"default"', '"system:serviceaccount:web:api"'],
  },
  {
    name: 'EKS: another service account',
    case: { policy: eksPolicy('system:serviceaccount:web:worker'), claims: EKS_CLAIMS },
    cause: 'eks-service-account-mismatch',
    fix: ['"worker"', '"system:serviceaccount:web:api"'],
  },
  {
    name: 'EKS: a wildcard service-account pattern in another namespace',
    case: { policy: eksPolicy('system:serviceaccount:batch:*', 'StringLike'), claims: EKS_CLAIMS },
    cause: 'eks-namespace-mismatch',
    fix: ['"batch"'],
  },
  {
    name: "EKS: the principal names another cluster's provider",
    case: {
      policy: eksPolicy(
        'system:serviceaccount:web:api',
        'StringEquals',
        `arn:aws:iam::${ACCOUNT}:oidc-provider/${EKS_OTHER}`,
      ),
      claims: EKS_CLAIMS,
    },
    cause: 'eks-cluster-mismatch',
    fix: [EKS_ARN],
  },
  {
    name: "EKS: the condition keys name another cluster's issuer",
    case: {
      policy: eksPolicy('system:serviceaccount:web:api', 'StringEquals', EKS_ARN, EKS_OTHER),
      claims: EKS_CLAIMS,
    },
    cause: 'eks-cluster-mismatch',
    fix: [`"${EKS}:`],
  },
  {
    name: 'EKS: another cluster with providers omitted: the principal comes before the registration',
    case: {
      policy: eksPolicy(
        'system:serviceaccount:web:api',
        'StringEquals',
        `arn:aws:iam::${ACCOUNT}:oidc-provider/${EKS_OTHER}`,
        EKS_OTHER,
      ),
      claims: EKS_CLAIMS,
      providers: null,
    },
    cause: 'eks-cluster-mismatch',
    fix: [EKS_ARN],
  },
  // ── 5. Federated principal ──
  {
    name: 'the principal names another account',
    case: {
      policy: policyText(
        allow(`arn:aws:iam::999999999999:oidc-provider/${GH}`, {
          StringEquals: { [`${GH}:sub`]: MAIN },
        }),
      ),
    },
    cause: 'principal-other-account',
    fix: [GH_ARN, ACCOUNT],
  },
  {
    name: 'the principal names another partition',
    case: {
      policy: policyText(
        allow(`arn:aws-us-gov:iam::${ACCOUNT}:oidc-provider/${GH}`, {
          StringEquals: { [`${GH}:sub`]: MAIN },
        }),
      ),
    },
    cause: 'principal-other-partition',
    fix: [GH_ARN],
    not: ['partition-mismatch'],
  },
  {
    name: 'the role is in another partition than its GovCloud cluster and provider',
    case: {
      policy: eksPolicy(
        'system:serviceaccount:web:api',
        'StringEquals',
        `arn:aws-us-gov:iam::${ACCOUNT}:oidc-provider/${GOV_EKS}`,
        GOV_EKS,
      ),
      claims: eksClaims({ iss: `https://${GOV_EKS}` }),
    },
    cause: 'partition-mismatch',
    fix: [`arn:aws-us-gov:iam::${ACCOUNT}:role/deploy`],
    not: ['principal-other-partition'],
  },
  {
    name: 'the EKS principal misses /id/…',
    case: {
      policy: eksPolicy(
        'system:serviceaccount:web:api',
        'StringEquals',
        `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com`,
      ),
      claims: EKS_CLAIMS,
    },
    cause: 'principal-missing-path',
    fix: [EKS_ARN],
    detail: ['/id/5C9D1B3F0A8E7D6C5B4A39281706F5E4'],
  },
  {
    name: 'a typo in the principal host',
    case: {
      policy: policyText(
        allow(`arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.co`, {
          StringEquals: { [`${GH}:sub`]: MAIN },
        }),
      ),
    },
    cause: 'principal-other-provider',
    fix: [GH_ARN],
  },
  {
    name: 'a built-in provider named by an ARN',
    case: {
      policy: policyText(
        allow(`arn:aws:iam::${ACCOUNT}:oidc-provider/accounts.google.com`, {
          StringEquals: { 'accounts.google.com:aud': 'client-1' },
        }),
      ),
      claims: {
        iss: 'https://accounts.google.com',
        aud: 'client-1',
        sub: '1234567890',
        exp: NOW_SEC + 60,
      },
      providers: [],
    },
    cause: 'principal-other-provider',
    fix: ['"accounts.google.com"'],
  },
  {
    name: 'the account has no provider for the issuer',
    case: { policy: githubPolicy(MAIN), providers: [] },
    cause: 'provider-not-registered',
    fix: [`https://${GH}`, ACCOUNT],
  },
  {
    name: 'the registered provider differs in a trailing slash',
    case: {
      policy: githubPolicy(MAIN),
      providers: [{ url: `https://${GH}/`, clientIds: ['sts.amazonaws.com'] }],
    },
    cause: 'provider-not-registered',
    detail: ['trailing'],
  },
  // ── 6. audience ──
  {
    name: "aud is not in the provider's client IDs",
    case: { policy: githubPolicy(MAIN), claims: gh({ aud: 'https://github.com/acme' }) },
    cause: 'audience-not-in-client-ids',
    fix: ['https://github.com/acme', 'sts.amazonaws.com'],
  },
  {
    name: 'the condition expects another aud',
    case: {
      policy: githubPolicy(MAIN),
      claims: gh({ aud: 'api://deploy' }),
      providers: [{ url: `https://${GH}`, clientIds: ['sts.amazonaws.com', 'api://deploy'] }],
    },
    cause: 'audience-condition-mismatch',
    fix: ['"api://deploy"', '"sts.amazonaws.com"'],
  },
  // ── 7. time ──
  {
    name: 'the token expired',
    // STS accepts a token up to 300 s past exp (IAM User Guide, OIDC providers: clock skew).
    case: { policy: githubPolicy(MAIN), claims: gh({ exp: NOW_SEC - 600 }) },
    cause: 'token-expired',
    fix: ['2026-05-31T23:55:00Z'],
    detail: ['300 seconds past exp'],
  },
  {
    name: 'the token is not valid yet',
    case: { policy: githubPolicy(MAIN), claims: gh({ nbf: NOW_SEC + 3600 }) },
    cause: 'token-not-yet-valid',
    // nbf gets the same 300 s of skew as exp (UNCONFIRMED 3).
    fix: ['2026-06-01T00:55:00Z'],
  },
  // ── 8. extra actions ──
  {
    name: 'session tags without sts:TagSession',
    case: {
      policy: githubPolicy(MAIN),
      claims: gh({ 'https://aws.amazon.com/tags': { principal_tags: { team: ['web'] } } }),
    },
    cause: 'missing-tag-session',
    fix: ['"sts:TagSession"'],
  },
  {
    name: 'a source identity without sts:SetSourceIdentity',
    case: {
      policy: githubPolicy(MAIN),
      claims: gh({ 'https://aws.amazon.com/source_identity': 'alice' }),
    },
    cause: 'missing-set-source-identity',
    fix: ['"sts:SetSourceIdentity"'],
  },
  // ── 9. request ──
  {
    name: 'a session name with a space',
    case: { policy: githubPolicy(MAIN), request: { roleSessionName: 'my session' } },
    cause: 'session-name-invalid',
    fix: ['"my-session"'],
  },
  {
    name: 'no session name',
    case: { policy: githubPolicy(MAIN), request: {} },
    cause: 'session-name-invalid',
    fix: ['2–64'],
  },
  {
    name: 'DurationSeconds below 900',
    case: { policy: githubPolicy(MAIN), request: { roleSessionName: 'ci', durationSeconds: 120 } },
    cause: 'duration-out-of-range',
    fix: ['900'],
  },
  {
    name: "DurationSeconds over the role's maximum",
    case: {
      policy: githubPolicy(MAIN),
      request: { roleSessionName: 'ci', durationSeconds: 7200 },
      maxSessionDuration: 3600,
    },
    cause: 'duration-exceeds-role-maximum',
    fix: ['3600', '--max-session-duration 7200'],
  },
  // ── 10. traps that decide the request ──
  {
    name: 'a condition on a claim AWS never exposes',
    case: {
      policy: policyText(
        allow(GH_ARN, {
          StringEquals: { [`${GH}:repository_owner`]: 'acme' },
          StringLike: { [`${GH}:sub`]: 'repo:acme/*' },
        }),
      ),
    },
    cause: 'condition-on-unexposed-claim',
    fix: [`${GH}:sub`],
    detail: ['repository_owner'],
    not: ['trap:condition-on-unexposed-claim'],
  },
  {
    name: 'a wildcard under StringEquals is the cause',
    case: { policy: githubPolicy('repo:acme/app:*', 'StringEquals') },
    cause: 'wildcard-under-string-equals',
    fix: ['"StringLike"'],
    not: ['trap:wildcard-under-string-equals', 'condition-mismatch'],
  },
  {
    name: 'an explicit Deny',
    case: {
      policy: policyText(allow(GH_ARN, { StringLike: { [`${GH}:sub`]: 'repo:acme/*' } }), {
        Sid: 'NoPullRequests',
        Effect: 'Deny',
        Principal: { Federated: GH_ARN },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringLike: { [`${GH}:sub`]: '*:pull_request' } },
      }),
      claims: gh({ sub: 'repo:acme/app:pull_request' }),
    },
    cause: 'explicit-deny',
    detail: ['"NoPullRequests"', `${GH}:sub`, 'repo:acme/app:pull_request'],
  },
  // ── 11. catch-alls ──
  {
    name: 'a typo in the condition key prefix',
    case: {
      policy: policyText(
        allow(GH_ARN, { StringEquals: { 'token.actions.githubusercontent.co:sub': MAIN } }),
      ),
    },
    cause: 'condition-key-other-provider',
    fix: [`"${GH}:sub"`],
  },
  {
    name: 'a ProviderId on an OpenID Connect token',
    case: {
      policy: githubPolicy(MAIN),
      request: { roleSessionName: 'ci', providerId: 'token.actions.githubusercontent.com' },
    },
    cause: 'request-invalid',
    detail: ['ProviderId'],
  },
  {
    name: 'a token without sub',
    case: {
      policy: githubPolicy(MAIN),
      claims: { iss: `https://${GH}`, aud: 'sts.amazonaws.com', exp: NOW_SEC + 60 },
    },
    cause: 'token-invalid',
    fix: ['"sub"'],
  },
  {
    name: 'another repository: the condition, the request value and the policy values',
    case: {
      policy: githubPolicy(MAIN, 'StringEquals'),
      claims: gh({ sub: 'repo:other/thing:ref:refs/heads/main' }),
    },
    cause: 'condition-mismatch',
    fix: ['"repo:other/thing:ref:refs/heads/main"', `"${MAIN}"`],
  },
  {
    name: 'a generic OIDC issuer with another subject',
    case: {
      policy: policyText(
        allow(`arn:aws:iam::${ACCOUNT}:oidc-provider/idp.example.com`, {
          StringEquals: { 'idp.example.com:sub': 'user-2' },
        }),
      ),
      claims: {
        iss: 'https://idp.example.com',
        aud: 'sts.amazonaws.com',
        sub: 'user-1',
        exp: NOW_SEC + 60,
      },
    },
    cause: 'condition-mismatch',
    fix: ['"user-1"', '"user-2"'],
  },
  {
    name: "no statement names the token's provider",
    case: {
      policy: eksPolicy('system:serviceaccount:web:api'),
      providers: [{ url: `https://${GH}`, clientIds: ['sts.amazonaws.com'] }],
    },
    cause: 'no-matching-statement',
    fix: [GH_ARN],
    not: ['principal-other-provider'],
  },
  {
    // EKS User Guide, "Create the EKS Pod Identity role": the trust policy names the service
    // pods.eks.amazonaws.com with sts:AssumeRole and sts:TagSession (fidelity note, item 8).
    name: 'an EKS Pod Identity role is not a web-identity role',
    case: {
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'pods.eks.amazonaws.com' },
            Action: ['sts:AssumeRole', 'sts:TagSession'],
          },
        ],
      }),
      claims: EKS_CLAIMS,
    },
    cause: 'eks-pod-identity-role',
    fix: ['create-pod-identity-association', EKS_ARN],
    not: ['no-matching-statement'],
  },
  {
    name: 'the statement allows sts:AssumeRole',
    case: {
      policy: policyText(
        allow(GH_ARN, { StringEquals: { [`${GH}:sub`]: MAIN } }, { Action: 'sts:AssumeRole' }),
      ),
    },
    cause: 'action-not-allowed',
    fix: ['"sts:AssumeRoleWithWebIdentity"'],
  },
];

for (const row of rows) {
  t.test(row.name, async (t) => {
    const { decision, diagnoses } = run(row.case);
    t.equal(decision.decision, 'deny', 'the request is denied');
    const ids = diagnoses.map((d) => d.cause);
    const d = diagnoses.find((x) => x.cause === row.cause);
    t.ok(d, `${row.cause} is reported (got ${ids.join(', ') || 'nothing'})`);
    if (!d) return;
    if (row.first !== false)
      t.equal(ids[0], row.cause, `${row.cause} comes first (got ${ids.join(', ')})`);
    t.equal(d.severity, 'error', 'a cause of the denial is an error');
    for (const s of row.fix ?? []) t.ok(d.fix.includes(s), `the fix mentions ${s}: ${d.fix}`);
    for (const s of row.detail ?? [])
      t.ok(d.detail.includes(s), `the detail mentions ${s}: ${d.detail}`);
    for (const id of row.not ?? []) t.notOk(ids.includes(id), `${id} is not reported`);
    t.ok(d.title.length > 0 && d.detail.length > 0, 'title and detail are written');
  });
}

t.test('at points to the key in the policy file', async (t) => {
  const policy = policyText(allow(GH_ARN, { StringEquals: { [`${GH_ARN}:sub`]: MAIN } }));
  const { diagnoses } = run({ policy });
  const d = diagnoses[0];
  const lines = policy.split('\n');
  const line = lines.findIndex((l) => l.includes(`"${GH_ARN}:sub"`)) + 1;
  t.same(d?.at, { file: POLICY_FILE, line, column: (lines[line - 1] ?? '').indexOf('"') + 1 });
});

t.test('at points to the Federated principal', async (t) => {
  const policy = policyText(
    allow(`arn:aws:iam::999999999999:oidc-provider/${GH}`, {
      StringEquals: { [`${GH}:sub`]: MAIN },
    }),
  );
  const { diagnoses } = run({ policy });
  const line = policy.split('\n').findIndex((l) => l.includes('999999999999')) + 1;
  t.equal(diagnoses[0]?.at?.line, line);
  t.equal(diagnoses[0]?.at?.file, POLICY_FILE);
});

t.test('several failing conditions: each is named, in policy order', async (t) => {
  const policy = policyText(
    allow(GH_ARN, { StringEquals: { [`${GH}:aud`]: 'api://other', [`${GH}:sub`]: MAIN } }),
  );
  const { diagnoses } = run({ policy, claims: gh({ sub: 'repo:acme/app:environment:prod' }) });
  t.same(
    diagnoses.filter((d) => d.severity === 'error').map((d) => d.cause),
    ['audience-condition-mismatch', 'github-environment-subject'],
  );
});

t.test('the statement closest to allowing the request is diagnosed first', async (t) => {
  const policy = policyText(
    allow(EKS_ARN, { StringEquals: { [`${EKS}:sub`]: 'system:serviceaccount:web:api' } }),
    allow(GH_ARN, {
      StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
      StringLike: { [`${GH}:sub`]: 'repo:acme/app:ref:refs/heads/*' },
    }),
  );
  const { diagnoses } = run({ policy, claims: gh({ sub: 'repo:acme/app:pull_request' }) });
  t.equal(diagnoses[0]?.cause, 'github-pull-request-subject');
  t.notOk(
    diagnoses.some((d) => d.cause.startsWith('principal-') || d.cause === 'no-matching-statement'),
  );
});

t.test(
  'an explicit Deny on a misspelt key under a negated operator says why it applies',
  async (t) => {
    const policy = policyText(allow(GH_ARN, { StringLike: { [`${GH}:sub`]: 'repo:acme/*' } }), {
      Effect: 'Deny',
      Principal: { Federated: GH_ARN },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringNotEquals: { [`${GH}:audience`]: 'sts.amazonaws.com' } },
    });
    const { diagnoses } = run({ policy });
    t.equal(diagnoses[0]?.cause, 'explicit-deny');
    t.match(diagnoses[0]?.detail, /#2/);
    t.match(diagnoses[0]?.fix, /absent/);
  },
);
