/**
 * Policy-shape traps found in the trace whatever the decision (warnings, `trap:` ids), and the
 * negative rows: allowed requests get no denial diagnosis, correct policies no trap.
 */
import t from 'tap';
import { TRAP_PREFIX } from '../../lib/explain/index.js';
import {
  ACCOUNT,
  allow,
  EKS_CLAIMS,
  eksPolicy,
  GH,
  GH_ARN,
  GH_CLAIMS,
  githubPolicy,
  NOW_SEC,
  policyText,
  run,
  type Case,
} from './helpers.js';

const MAIN = 'repo:acme/app:ref:refs/heads/main';
const AUD = { [`${GH}:aud`]: 'sts.amazonaws.com' };

interface TrapRow {
  name: string;
  case: Case;
  trap: string;
  decision: 'allow' | 'deny';
  fix?: string[];
}

const traps: TrapRow[] = [
  {
    name: 'ForAllValues on sub',
    case: {
      policy: policyText(
        allow(GH_ARN, {
          StringEquals: AUD,
          'ForAllValues:StringLike': { [`${GH}:sub`]: 'repo:acme/*' },
        }),
      ),
    },
    trap: 'for-all-values-single-valued',
    decision: 'allow',
    fix: ['"StringLike"'],
  },
  {
    name: 'ForAllValues on a misspelt sub: vacuously true, and the request is allowed',
    case: {
      policy: policyText(
        allow(GH_ARN, { StringEquals: AUD, 'ForAllValues:StringEquals': { [`${GH}:sbu`]: MAIN } }),
      ),
      claims: { ...GH_CLAIMS, sub: 'repo:evil/x:ref:refs/heads/main' },
    },
    trap: 'for-all-values-single-valued',
    decision: 'allow',
    fix: ['"StringEquals"'],
  },
  {
    name: 'ForAllValues on aud',
    case: {
      policy: policyText(
        allow(GH_ARN, {
          'ForAllValues:StringEquals': AUD,
          StringLike: { [`${GH}:sub`]: 'repo:acme/*' },
        }),
      ),
    },
    trap: 'for-all-values-single-valued',
    decision: 'allow',
  },
  {
    name: 'StringLike without a wildcard',
    case: { policy: githubPolicy(MAIN, 'StringLike') },
    trap: 'like-without-wildcard',
    decision: 'allow',
    fix: ['"StringEquals"'],
  },
  {
    name: 'a * under StringEquals next to a value that matches',
    case: { policy: githubPolicy([MAIN, 'repo:acme/app:environment:*'], 'StringEquals') },
    trap: 'wildcard-under-string-equals',
    decision: 'allow',
    fix: ['"StringLike"'],
  },
  {
    name: 'a negated condition on a claim AWS never exposes restricts nothing',
    case: {
      policy: policyText(
        allow(GH_ARN, {
          StringEquals: { ...AUD, [`${GH}:sub`]: MAIN },
          StringNotEquals: { [`${GH}:event_name`]: 'pull_request' },
        }),
      ),
    },
    trap: 'condition-on-unexposed-claim',
    decision: 'allow',
    fix: [`${GH}:sub`],
  },
  {
    name: 'a provider-ARN key under a negated operator restricts nothing',
    case: {
      policy: policyText(
        allow(GH_ARN, {
          StringEquals: { ...AUD, [`${GH}:sub`]: MAIN },
          StringNotLike: { [`${GH_ARN}:sub`]: '*:pull_request' },
        }),
      ),
    },
    trap: 'key-written-with-provider-arn',
    decision: 'allow',
    fix: [`"${GH}:sub"`],
  },
  {
    name: 'a trap is reported on a denied request too',
    case: {
      policy: policyText(
        allow(GH_ARN, { 'ForAllValues:StringEquals': AUD, StringEquals: { [`${GH}:sub`]: MAIN } }),
      ),
      claims: { ...GH_CLAIMS, sub: 'repo:acme/app:ref:refs/heads/dev' },
    },
    trap: 'for-all-values-single-valued',
    decision: 'deny',
  },
];

for (const row of traps) {
  t.test(`trap: ${row.name}`, async (t) => {
    const { decision, diagnoses } = run(row.case);
    t.equal(decision.decision, row.decision);
    const d = diagnoses.find((x) => x.cause === TRAP_PREFIX + row.trap);
    t.ok(
      d,
      `${TRAP_PREFIX}${row.trap} is reported (got ${diagnoses.map((x) => x.cause).join(', ') || 'nothing'})`,
    );
    if (!d) return;
    t.equal(d.severity, 'warning');
    t.ok(d.at, 'it points to the key');
    for (const s of row.fix ?? []) t.ok(d.fix.includes(s), `the fix mentions ${s}: ${d.fix}`);
    if (row.decision === 'allow') {
      t.notOk(
        diagnoses.some((x) => x.severity === 'error'),
        'an allowed request has no denial diagnosis',
      );
    } else {
      t.equal(diagnoses[0]?.severity, 'error', 'the causes come before the traps');
    }
  });
}

interface CleanRow {
  name: string;
  case: Case;
}

const clean: CleanRow[] = [
  {
    name: 'GitHub: aud and sub pinned exactly',
    case: { policy: githubPolicy(MAIN, 'StringEquals') },
  },
  {
    name: 'GitHub: a branch pattern under StringLike',
    case: { policy: githubPolicy('repo:acme/app:ref:refs/heads/*') },
  },
  {
    name: 'GitHub: an environment subject allowed',
    case: {
      policy: githubPolicy('repo:acme/app:environment:prod', 'StringEquals'),
      claims: { ...GH_CLAIMS, sub: 'repo:acme/app:environment:prod' },
    },
  },
  {
    name: 'EKS: aud and sub pinned',
    case: { policy: eksPolicy('system:serviceaccount:web:api'), claims: EKS_CLAIMS },
  },
  {
    name: 'providers omitted, taken as registered',
    case: { policy: githubPolicy(MAIN, 'StringEquals'), providers: null },
  },
  {
    name: 'Cognito: ForAnyValue on the multivalued amr',
    case: {
      policy: policyText(
        allow('cognito-identity.amazonaws.com', {
          StringEquals: {
            'cognito-identity.amazonaws.com:aud': 'us-east-1:11111111-2222-3333-4444-555555555555',
          },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
        }),
      ),
      claims: {
        iss: 'https://cognito-identity.amazonaws.com',
        aud: 'us-east-1:11111111-2222-3333-4444-555555555555',
        sub: 'us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
        amr: ['authenticated', 'accounts.google.com'],
        exp: NOW_SEC + 600,
      },
    },
  },
  {
    name: 'Cognito: ForAllValues on amr is not a single-valued trap',
    case: {
      policy: policyText(
        allow('cognito-identity.amazonaws.com', {
          StringEquals: {
            'cognito-identity.amazonaws.com:aud': 'us-east-1:11111111-2222-3333-4444-555555555555',
          },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
          'ForAllValues:StringLike': {
            'cognito-identity.amazonaws.com:amr': ['authenticated', 'accounts.google.com'],
          },
        }),
      ),
      claims: {
        iss: 'https://cognito-identity.amazonaws.com',
        aud: 'us-east-1:11111111-2222-3333-4444-555555555555',
        sub: 'us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
        amr: ['authenticated', 'accounts.google.com'],
        exp: NOW_SEC + 600,
      },
    },
  },
  {
    name: 'a deliberate Deny that does not apply',
    case: {
      policy: policyText(
        allow(GH_ARN, { StringEquals: AUD, StringLike: { [`${GH}:sub`]: 'repo:acme/*' } }),
        {
          Effect: 'Deny',
          Principal: { Federated: GH_ARN },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringLike: { [`${GH}:sub`]: '*:pull_request' } },
        },
      ),
    },
  },
  {
    name: 'a generic OIDC issuer',
    case: {
      policy: policyText(
        allow(`arn:aws:iam::${ACCOUNT}:oidc-provider/idp.example.com`, {
          StringEquals: { 'idp.example.com:sub': 'user-1' },
        }),
      ),
      claims: {
        iss: 'https://idp.example.com',
        aud: 'sts.amazonaws.com',
        sub: 'user-1',
        exp: NOW_SEC + 60,
      },
    },
  },
];

for (const row of clean) {
  t.test(`clean: ${row.name}`, async (t) => {
    const { decision, diagnoses } = run(row.case);
    t.equal(decision.decision, 'allow');
    const problems = diagnoses.filter((d) => d.severity !== 'info');
    t.same(problems, [], `no problem diagnosed (got ${problems.map((d) => d.cause).join(', ')})`);
    t.same(
      diagnoses.map((d) => d.cause),
      ['allowed-by-statement'],
      'only the statement that allowed it, as info',
    );
  });
}

t.test('a trap that is the cause is reported once, as the cause', async (t) => {
  const { diagnoses } = run({ policy: githubPolicy('repo:acme/app:*', 'StringEquals') });
  t.same(
    diagnoses.map((d) => d.cause),
    ['wildcard-under-string-equals'],
  );
});

t.test('a key written with the provider ARN: the cause, not also the trap', async (t) => {
  const { diagnoses } = run({
    policy: policyText(allow(GH_ARN, { StringEquals: { [`${GH_ARN}:sub`]: MAIN } })),
  });
  t.same(
    diagnoses.map((d) => d.cause),
    ['key-written-with-provider-arn'],
  );
});

t.test(
  'an allow names the statement that let the token in, with the values that matched',
  async (t) => {
    const { decision, diagnoses } = run({
      policy: policyText({
        ...allow(GH_ARN, { StringLike: { [`${GH}:sub`]: 'repo:acme/*' } }),
        Sid: 'WholeOrg',
      }),
      claims: { ...GH_CLAIMS, sub: 'repo:acme/app:pull_request' },
    });
    t.equal(decision.decision, 'allow');
    const d = diagnoses.find((x) => x.cause === 'allowed-by-statement');
    t.ok(d, 'present');
    t.equal(d?.severity, 'info');
    t.match(d?.title, /"WholeOrg"/);
    t.match(d?.detail, /repo:acme\/app:pull_request/);
    t.match(d?.detail, /repo:acme\/\*/);
  },
);
