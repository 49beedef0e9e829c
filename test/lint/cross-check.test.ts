/**
 * `lint --cross-check` through the real SDK client against the loopback Access Analyzer
 * (test/helpers/fake-access-analyzer.ts): findings placed in the source (JSON by AWS's spans,
 * YAML and inline policies by their paths), a finding both tools report shown once with both
 * names, Access Analyzer's own findings labelled as its, every page read, and each fault —
 * throttled until retries run out, 500, a hang past the deadline, AccessDenied, no credentials —
 * reported as "cross-check unavailable for K of M policies: <reason>", never as a pass, with the
 * local findings standing and `require` turning it into exit 2. No request leaves 127.0.0.1.
 */
import t, { type Test } from 'tap';
import { lintPaths, exitCodeOfLint, type LintOptions } from '../../lib/lint/run.js';
import { awsTestEnv, noWaitRetries } from '../helpers/aws-env.js';
import {
  startFakeAccessAnalyzer,
  type FakeAccessAnalyzer,
  type FakeRequest,
} from '../helpers/fake-access-analyzer.js';
import { cli } from '../cli/helpers.js';

const GH = 'token.actions.githubusercontent.com';
const GH_ARN = `arn:aws:iam::111122223333:oidc-provider/${GH}`;
const LINK =
  'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-forallvalues-with-single-valued-key';

const JSON_POLICY =
  JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Deploy',
          Effect: 'Allow',
          Principal: { Federated: GH_ARN },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { [`${GH}:sub`]: 'repo:acme/app:ref:refs/heads/main' },
            'ForAllValues:StringEquals': { [`${GH}:aud`]: 'sts.amazonaws.com' },
          },
        },
      ],
    },
    null,
    2,
  ) + '\n';

const YAML_POLICY = `Version: "2012-10-17"
Statement:
  - Sid: Deploy
    Effect: Allow
    Principal:
      Federated: ${GH_ARN}
    Action: sts:AssumeRoleWithWebIdentity
    Condition:
      StringEquals:
        ${GH}:sub: repo:acme/app:ref:refs/heads/main
        ${GH}:aud: sts.amazonaws.com
`;

/** The span of `needle` in `text`, as ValidatePolicy writes it (column and offset from 0). */
function awsSpan(text: string, needle: string) {
  const offset = text.indexOf(needle);
  const before = text.slice(0, offset).split('\n');
  const line = before.length;
  const column = (before[before.length - 1] as string).length;
  return {
    start: { line, column, offset },
    end: { line, column: column + needle.length, offset: offset + needle.length },
  };
}

const forAllValues = (text: string) => ({
  findingType: 'SECURITY_WARNING',
  issueCode: 'FORALLVALUES_WITH_SINGLE_VALUED_KEY',
  findingDetails:
    'Using ForAllValues qualifier with the single-valued condition key is overly permissive.',
  learnMoreLink: LINK,
  locations: [
    {
      path: [
        { value: 'Statement' },
        { index: 0 },
        { value: 'Condition' },
        { value: 'ForAllValues:StringEquals' },
        { key: `${GH}:aud` },
      ],
      span: awsSpan(text, `"${GH}:aud"`),
    },
  ],
});

const suggestion = {
  findingType: 'SUGGESTION',
  issueCode: 'CONFIRM_AUDIENCE_CLAIM_TYPE',
  findingDetails: 'Confirm the audience claim type.',
  locations: [
    {
      path: [
        { value: 'Statement' },
        { index: 0 },
        { value: 'Condition' },
        { value: 'StringEquals' },
        { key: `${GH}:aud` },
      ],
      span: { start: { line: 1, column: 0, offset: 0 }, end: { line: 1, column: 1, offset: 1 } },
    },
  ],
};

async function fake(
  t: Test,
  set: Record<string, string | undefined> = {},
): Promise<FakeAccessAnalyzer> {
  const aa = await startFakeAccessAnalyzer();
  t.teardown(() => aa.close());
  awsTestEnv(t, aa.url, set);
  return aa;
}

const FAST: NonNullable<LintOptions['crossCheck']> = {
  retryStrategy: noWaitRetries(),
  requestTimeoutMs: 10_000,
};

t.test(
  "findings merged: one shown once with both names, Access Analyzer's own labelled, every page read",
  async (t) => {
    const aa = await fake(t);
    aa.queue(
      'ValidatePolicy',
      { body: { findings: [forAllValues(JSON_POLICY)], nextToken: 'page-2' } },
      { body: { findings: [suggestion] } },
    );
    const dir = t.testdir({ 'deploy.trust.json': JSON_POLICY });
    const r = await lintPaths(['deploy.trust.json'], { cwd: dir, crossCheck: FAST });
    const shown = r.findings.map((f) => [f.code, f.severity, f.tool, f.names ?? [], f.line]);
    const line = JSON_POLICY.split('\n').findIndex((l) => l.includes(`"${GH}:aud"`)) + 1;
    t.same(shown, [
      ['access-analyzer/CONFIRM_AUDIENCE_CLAIM_TYPE', 'info', 'access-analyzer', [], 1],
      [
        'policy-for-all-values-single-valued',
        'warning',
        'trustspec',
        [
          'policy-for-all-values-single-valued',
          'access-analyzer/FORALLVALUES_WITH_SINGLE_VALUED_KEY',
        ],
        line,
      ],
    ]);
    const validate = aa.requests.filter((q) => q.operation === 'ValidatePolicy');
    t.equal(validate.length, 2, 'both pages');
    t.equal(validate[1]?.query['nextToken'], 'page-2');
    t.same(
      (validate[0]?.body as Record<string, unknown>)['validatePolicyResourceType'],
      'AWS::IAM::AssumeRolePolicyDocument',
    );
    t.equal((validate[0]?.body as Record<string, unknown>)['policyType'], 'RESOURCE_POLICY');
    const pub = aa.requests.filter((q) => q.operation === 'CheckNoPublicAccess');
    t.equal(
      (pub[0]?.body as Record<string, unknown>)['resourceType'],
      'AWS::IAM::AssumeRolePolicyDocument',
    );
    t.equal(r.crossCheck?.unavailable, 0);
    t.equal(r.crossCheck?.summary, undefined);
    t.equal(r.crossCheck?.results[0]?.publicAccess, 'PASS');
    t.equal(exitCodeOfLint(r, false), 0);
  },
);

t.test(
  'a YAML policy is sent as JSON; findings are placed by their paths in the YAML',
  async (t) => {
    const aa = await fake(t);
    aa.route('ValidatePolicy', (q: FakeRequest) => {
      const text = (q.body as { policyDocument: string }).policyDocument;
      JSON.parse(text); // JSON, not the YAML
      return {
        body: {
          findings: [
            {
              ...suggestion,
              locations: [{ ...suggestion.locations[0], span: awsSpan(text, `"${GH}:aud"`) }],
            },
          ],
        },
      };
    });
    const dir = t.testdir({ 'deploy.trust.yaml': YAML_POLICY });
    const r = await lintPaths(['deploy.trust.yaml'], { cwd: dir, crossCheck: FAST });
    const f = r.findings.find((x) => x.code === 'access-analyzer/CONFIRM_AUDIENCE_CLAIM_TYPE');
    t.equal(f?.line, 11, 'the line of the key in the YAML file');
    t.equal(f?.column, 9);
  },
);

t.test('CheckNoPublicAccess FAIL is an error finding at its statement', async (t) => {
  const aa = await fake(t);
  aa.queue('CheckNoPublicAccess', {
    body: {
      result: 'FAIL',
      message: 'grants public access',
      reasons: [{ description: 'Anyone with a GitHub token', statementIndex: 0 }],
    },
  });
  const dir = t.testdir({ 'deploy.trust.json': JSON_POLICY });
  const r = await lintPaths(['deploy.trust.json'], { cwd: dir, crossCheck: FAST });
  const f = r.findings.find((x) => x.code === 'access-analyzer/check-no-public-access');
  t.equal(f?.severity, 'error');
  t.equal(f?.line, 4, 'the statement');
  t.equal(exitCodeOfLint(r, false), 1);
});

const FAULTS: {
  name: string;
  set?: Record<string, string | undefined>;
  reply?: Parameters<FakeAccessAnalyzer['queue']>[1];
  reason: RegExp;
  requests?: number;
  opts?: Partial<NonNullable<LintOptions['crossCheck']>>;
}[] = [
  {
    name: '429 until the retries run out',
    reply: { error: 'ThrottlingException', status: 429, message: 'Rate exceeded' },
    reason: /throttled after 3 attempts/,
  },
  {
    name: '500',
    reply: { error: 'InternalServerException', status: 500, message: 'oops' },
    reason: /service error \(HTTP 500/,
  },
  {
    name: 'a hang past the deadline',
    reply: { hang: true },
    reason: /timed out|no answer within/,
    opts: { requestTimeoutMs: 150, deadlineMs: 2_000 },
  },
  {
    name: 'AccessDenied',
    reply: { error: 'AccessDeniedException', status: 403, message: 'not allowed' },
    reason: /access denied: access-analyzer:ValidatePolicy/,
  },
  {
    name: 'no credentials',
    set: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
    reason: /no AWS credentials found/,
    requests: 0,
  },
];

t.test(
  'faults: "cross-check unavailable for K of M policies", never a pass; local findings stand',
  async (t) => {
    for (const row of FAULTS) {
      await t.test(row.name, async (t) => {
        const aa = await fake(t, row.set ?? {});
        const fault = row.reply;
        if (fault) {
          aa.route('ValidatePolicy', () => fault);
          aa.route('CheckNoPublicAccess', () => fault);
        }
        const dir = t.testdir({
          'a.trust.json': JSON_POLICY,
          'b.trust.json': JSON_POLICY.replace('Deploy', 'Other'),
        });
        const opts = { ...FAST, ...(row.opts ?? {}) };
        const r = await lintPaths(['.'], { cwd: dir, crossCheck: opts });
        t.match(r.crossCheck?.summary, /^cross-check unavailable for 2 of 2 policies: /);
        t.match(r.crossCheck?.summary, row.reason);
        t.equal(r.crossCheck?.unavailable, 2);
        t.same(
          r.findings.map((f) => f.code),
          ['policy-for-all-values-single-valued', 'policy-for-all-values-single-valued'],
          'the local findings stand',
        );
        t.equal(exitCodeOfLint(r, false), 0, 'unavailable is not a failure of the policy');
        const required = await lintPaths(['.'], {
          cwd: dir,
          crossCheck: { ...opts, require: true },
        });
        t.equal(exitCodeOfLint(required, false), 2, 'require: exit 2');
        if (row.requests !== undefined)
          t.equal(aa.requests.length, row.requests, 'no request sent');
      });
    }
  },
);

t.test('a ValidationException is a finding about the policy', async (t) => {
  const aa = await fake(t);
  aa.queue('ValidatePolicy', {
    error: 'ValidationException',
    status: 400,
    message: 'Policy document is too large',
    extra: { reason: 'other', fieldList: [] },
  });
  const dir = t.testdir({ 'a.trust.json': JSON_POLICY });
  const r = await lintPaths(['a.trust.json'], { cwd: dir, crossCheck: FAST });
  const f = r.findings.find((x) => x.code === 'access-analyzer/validation-exception');
  t.equal(f?.severity, 'error');
  t.match(f?.message, /could not analyze this policy/);
  t.equal(exitCodeOfLint(r, false), 1);
});

t.test('the command: labels, the summary line, --require-cross-check', async (t) => {
  const aa = await fake(t);
  aa.queue('ValidatePolicy', { body: { findings: [forAllValues(JSON_POLICY), suggestion] } });
  const dir = t.testdir({ 'deploy.trust.json': JSON_POLICY });
  const env = Object.fromEntries(
    [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_REGION',
      'AWS_CONFIG_FILE',
      'AWS_SHARED_CREDENTIALS_FILE',
      'AWS_EC2_METADATA_DISABLED',
      'AWS_ENDPOINT_URL_ACCESSANALYZER',
    ].map((k) => [k, process.env[k]]),
  );
  const r = await cli(['lint', 'deploy.trust.json', '--cross-check'], { cwd: dir, env });
  t.equal(r.status, 0, r.stderr);
  t.match(
    r.stdout,
    /\[policy-for-all-values-single-valued, access-analyzer\/FORALLVALUES_WITH_SINGLE_VALUED_KEY\]/,
  );
  t.match(
    r.stdout,
    /note: Access Analyzer: Confirm the audience claim type\. \[access-analyzer\/CONFIRM_AUDIENCE_CLAIM_TYPE\]/,
  );
  t.match(r.stdout, /cross-check: Access Analyzer checked 1 policy \(2 calls, 1 charged\)/);
  aa.queue('ValidatePolicy', { error: 'AccessDeniedException', status: 403, message: 'no' });
  aa.queue('CheckNoPublicAccess', { error: 'AccessDeniedException', status: 403, message: 'no' });
  const denied = await cli(['lint', 'deploy.trust.json', '--require-cross-check'], {
    cwd: dir,
    env,
  });
  t.equal(denied.status, 2);
  t.match(
    denied.stdout,
    /cross-check unavailable for 1 of 1 policy: access denied: access-analyzer:ValidatePolicy/,
  );
  const gh = await cli(['lint', 'deploy.trust.json', '--cross-check', '--reporter', 'github'], {
    cwd: dir,
    env,
  });
  t.match(gh.stdout, /::notice title=trustspec cross-check::cross-check: Access Analyzer checked/);
});

t.test(
  'a policy resolved from a role source is sent as resolved; findings are placed in the template',
  async (t) => {
    const aa = await fake(t);
    let sent: unknown;
    aa.route('ValidatePolicy', (q: FakeRequest) => {
      const text = (q.body as { policyDocument: string }).policyDocument;
      sent = JSON.parse(text);
      return { body: { findings: [suggestion] } };
    });
    const dir = t.testdir({
      'template.yaml': `Resources:
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: deploy
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: Deploy
            Effect: Allow
            Principal:
              Federated: !Sub arn:aws:iam::\${AWS::AccountId}:oidc-provider/${GH}
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                ${GH}:sub: repo:acme/app:ref:refs/heads/main
                ${GH}:aud: sts.amazonaws.com
`,
      'deploy.trustspec.yaml': `version: 1
role:
  cloudformation: ./template.yaml
  account: '111122223333'
  region: us-east-1
now: 2026-06-01T00:00:00Z
scenarios:
  - name: main
    github: { repository: acme/app, ref: refs/heads/main }
    expect: allow
`,
    });
    const r = await lintPaths(['deploy.trustspec.yaml'], { cwd: dir, crossCheck: FAST });
    t.equal(r.crossCheck?.unavailable, 0, 'the resolved policy was checked');
    t.match(
      sent,
      {
        Statement: [{ Principal: { Federated: GH_ARN }, Sid: 'Deploy' }],
      },
      'the policy as resolved (!Sub evaluated)',
    );
    const f = r.findings.find((x) => x.code === 'access-analyzer/CONFIRM_AUDIENCE_CLAIM_TYPE');
    t.equal(f?.file, 'template.yaml', 'placed in the template');
    t.equal(f?.line, 17, 'on the line of the aud key in the template');
  },
);
