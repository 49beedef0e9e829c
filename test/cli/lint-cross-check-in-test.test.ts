/**
 * `trustspec test --cross-check`: Access Analyzer's findings join the run's warnings (one both
 * tools report keeps trustspec's place and names Access Analyzer's code in its hint; one of its
 * own is labelled as Access Analyzer's), its line goes to standard error, an unanswered check is
 * "cross-check unavailable …" (exit 2 with --require-cross-check), and scenarios are judged as
 * without it. Through the real SDK client and the loopback Access Analyzer.
 */
import t, { type Test } from 'tap';
import { awsTestEnv } from '../helpers/aws-env.js';
import {
  startFakeAccessAnalyzer,
  type FakeAccessAnalyzer,
} from '../helpers/fake-access-analyzer.js';
import { cli } from './helpers.js';

const GH = 'token.actions.githubusercontent.com';
const GH_ARN = `arn:aws:iam::111122223333:oidc-provider/${GH}`;
const POLICY =
  JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: GH_ARN },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
            'ForAllValues:StringLike': { [`${GH}:sub`]: 'repo:acme/app:*' },
          },
        },
      ],
    },
    null,
    2,
  ) + '\n';

const SCENARIOS = `version: 1
role:
  arn: arn:aws:iam::111122223333:role/deploy
  trustPolicy: ./deploy.trust.json
now: 2026-06-01T00:00:00Z
scenarios:
  - name: main deploys
    github: { repository: acme/app }
    expect: allow
`;

function span(text: string, needle: string) {
  const offset = text.indexOf(needle);
  const before = text.slice(0, offset).split('\n');
  const column = (before[before.length - 1] as string).length;
  return {
    start: { line: before.length, column, offset },
    end: { line: before.length, column: column + needle.length, offset: offset + needle.length },
  };
}

const KEYS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_REGION',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_ENDPOINT_URL_ACCESSANALYZER',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
];

async function setup(
  t: Test,
): Promise<{ aa: FakeAccessAnalyzer; dir: string; env: Record<string, string | undefined> }> {
  const aa = await startFakeAccessAnalyzer();
  t.teardown(() => aa.close());
  awsTestEnv(t, aa.url);
  const env = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
  const dir = t.testdir({ 'deploy.trust.json': POLICY, 'deploy.trustspec.yaml': SCENARIOS });
  return { aa, dir, env };
}

type Obj = Record<string, unknown>;

t.test('findings joined to the run, the line on stderr', async (t) => {
  const { aa, dir, env } = await setup(t);
  aa.queue('ValidatePolicy', {
    body: {
      findings: [
        {
          findingType: 'SECURITY_WARNING',
          issueCode: 'FORALLVALUES_WITH_SINGLE_VALUED_KEY',
          findingDetails: 'ForAllValues with a single-valued key is overly permissive.',
          locations: [{ path: [], span: span(POLICY, `"${GH}:sub"`) }],
        },
        {
          findingType: 'WARNING',
          issueCode: 'SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED',
          findingDetails: 'Use a specific repository and branch.',
          locations: [{ path: [], span: span(POLICY, '"repo:acme/app:*"') }],
        },
        {
          findingType: 'SUGGESTION',
          issueCode: 'CONFIRM_AUDIENCE_CLAIM_TYPE',
          findingDetails: 'Confirm the audience claim type.',
          locations: [{ path: [], span: span(POLICY, `"${GH}:aud"`) }],
        },
      ],
    },
  });
  const r = await cli(['test', '--cross-check', '--reporter', 'json'], { cwd: dir, env });
  t.equal(r.status, 0, 'the scenario passes; warnings do not fail without --strict');
  const doc = JSON.parse(r.stdout) as Obj;
  const warnings = doc['warnings'] as Obj[];
  t.same(
    warnings.map((w) => w['code']),
    [
      'policy-for-all-values-single-valued',
      'access-analyzer/SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED',
    ],
    "the shared finding once; Access Analyzer's own beside it",
  );
  t.match(
    warnings[0]?.['hint'],
    /also reported by Access Analyzer as access-analyzer\/FORALLVALUES_WITH_SINGLE_VALUED_KEY/,
  );
  t.match(warnings[1]?.['message'], /^Access Analyzer: /);
  t.match(
    r.stderr,
    /^cross-check: Access Analyzer checked 1 policy: 1 finding of its own; 1 suggestion not shown/m,
  );
  const strict = await cli(['test', '--cross-check', '--strict'], { cwd: dir, env });
  t.equal(strict.status, 1, '--strict: the warnings fail the run');
});

t.test('unavailable: said, never a pass; --require-cross-check exits 2', async (t) => {
  const { aa, dir, env } = await setup(t);
  aa.route('ValidatePolicy', () => ({
    error: 'AccessDeniedException',
    status: 403,
    message: 'no',
  }));
  aa.route('CheckNoPublicAccess', () => ({
    error: 'AccessDeniedException',
    status: 403,
    message: 'no',
  }));
  const r = await cli(['test', '--cross-check'], { cwd: dir, env });
  t.equal(r.status, 0, 'the local result stands');
  t.match(
    r.stderr,
    /cross-check unavailable for 1 of 1 policy: access denied: access-analyzer:ValidatePolicy/,
  );
  const required = await cli(['test', '--require-cross-check'], { cwd: dir, env });
  t.equal(required.status, 2);
  const plain = await cli(['test'], { cwd: dir, env });
  t.equal(plain.stderr, '', 'without the flag: no cross-check');
  t.equal(aa.requests.length, 4, 'the plain run sent nothing');
});
