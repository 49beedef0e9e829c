/**
 * lintPaths on policy files: IAM's write-time refusals and the parser's errors are findings of a
 * usable policy (exit 1), a text that is not a policy document is unusable input (exit 2), and
 * each case has its clean counterpart. Also: YAML policies, Sids for `ignore: {sid}`, order.
 */
import t from 'tap';
import { exitCodeOfLint, lintPaths } from '../../lib/lint/run.js';

const GH = 'token.actions.githubusercontent.com';
const GH_ARN = `arn:aws:iam::111122223333:oidc-provider/${GH}`;
const SUB = { [`${GH}:sub`]: 'repo:acme/app:ref:refs/heads/main' };

const doc = (statement: Record<string, unknown> | Record<string, unknown>[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statement }, null, 2);
const st = (extra: Record<string, unknown> = {}) => ({
  Sid: 'Deploy',
  Effect: 'Allow',
  Principal: { Federated: GH_ARN },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: { StringEquals: SUB },
  ...extra,
});

const ROWS: { name: string; text: string; codes: string[]; exit: number }[] = [
  { name: 'a sound policy', text: doc([st()]), codes: [], exit: 0 },
  {
    name: 'Resource in a trust policy',
    text: doc([st({ Resource: '*' })]),
    codes: ['policy-resource-in-trust-policy'],
    exit: 1,
  },
  {
    name: 'an unknown operator',
    text: doc([st({ Condition: { StringEqualz: SUB } })]),
    codes: ['policy-unknown-operator'],
    exit: 1,
  },
  {
    name: '"Statement": []',
    text: doc([]),
    codes: ['policy-empty-statement-list'],
    exit: 1,
  },
  {
    name: 'GitHub without sub (IAM refuses it)',
    text: doc([st({ Condition: { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' } } })]),
    codes: ['policy-idp-control-missing'],
    exit: 1,
  },
  {
    name: 'a principal that is not a full ARN',
    text: doc([st({ Principal: { Federated: GH } })]),
    codes: ['policy-invalid-federated-principal'],
    exit: 1,
  },
  {
    name: 'a built-in provider by its domain is a full principal',
    text: doc([
      st({
        Principal: { Federated: 'accounts.google.com' },
        Condition: { StringEquals: { 'accounts.google.com:aud': 'x.apps.googleusercontent.com' } },
      }),
    ]),
    codes: [],
    exit: 0,
  },
];

t.test('refusals are findings (exit 1); their absence is clean', async (t) => {
  for (const row of ROWS) {
    const dir = t.testdir({ 'p.trust.json': row.text });
    const r = await lintPaths(['p.trust.json'], { cwd: dir });
    t.same(r.errors, [], `${row.name}: usable input`);
    t.same(
      r.findings.map((f) => f.code),
      row.codes,
      row.name,
    );
    t.equal(exitCodeOfLint(r, false), row.exit, `${row.name}: exit ${row.exit}`);
    for (const f of r.findings) t.ok(f.line > 0 && f.column > 0, `${row.name}: placed`);
  }
});

t.test('unusable input: exit 2, never a finding', async (t) => {
  for (const [name, text, code] of [
    ['not JSON', '{"Version": ', 'policy-json-unexpected-end'],
    ['a JSON list', '[1, 2]', 'policy-policy-not-object'],
    ['YAML that does not parse', 'Version: "2012-10-17"\nStatement: [\n', 'policy-yaml-syntax'],
    ['an empty file', '', 'policy-empty-input'],
  ] as const) {
    const file = name.startsWith('YAML') ? 'p.trust.yaml' : 'p.trust.json';
    const dir = t.testdir({ [file]: text });
    const r = await lintPaths([file], { cwd: dir });
    t.same(r.findings, [], `${name}: no finding`);
    t.ok(
      r.errors.some((e) => e.code === code || e.code === code.replace('policy-policy-', 'policy-')),
      `${name}: ${r.errors.map((e) => e.code).join(', ')}`,
    );
    t.equal(exitCodeOfLint(r, false), 2, `${name}: exit 2`);
  }
});

t.test('a YAML policy file, with Sids on its findings', async (t) => {
  const yaml = `Version: "2012-10-17"
Statement:
  - Sid: Legacy
    Effect: Allow
    Principal: { Federated: ${GH_ARN} }
    Action: sts:AssumeRole
    Condition:
      StringEquals: { "${GH}:sub": "repo:acme/app:ref:refs/heads/main" }
  - Sid: Wide
    Effect: Allow
    Principal: { Federated: ${GH_ARN} }
    Action: sts:AssumeRoleWithWebIdentity
    Condition:
      StringLike: { "${GH}:sub": "repo:*" }
`;
  const dir = t.testdir({ 'legacy.trust.yaml': yaml });
  const r = await lintPaths(['.'], { cwd: dir });
  t.same(
    r.findings.map((f) => [f.code, f.line, f.column, f.sid]),
    [
      ['policy-action-not-web-identity', 6, 13, 'Legacy'],
      [
        'policy-github-sub-any-owner',
        14,
        (yaml.split('\n')[13] ?? '').indexOf('"repo:*"') + 1,
        'Wide',
      ],
    ],
  );
});

t.test(
  'a policy file a scenario file names that does not exist: one error, at the scenario file',
  async (t) => {
    const dir = t.testdir({
      'a.trustspec.yaml': [
        'version: 1',
        'role:',
        '  arn: arn:aws:iam::111122223333:role/deploy',
        '  trustPolicy: ./missing.trust.json',
        'now: 2026-06-01T00:00:00Z',
        'scenarios:',
        '  - name: main',
        '    github: { repository: acme/app }',
        '    expect: allow',
        '',
      ].join('\n'),
    });
    const r = await lintPaths([], { cwd: dir });
    t.same(
      r.errors.map((e) => [e.file, e.line, e.code]),
      [['a.trustspec.yaml', 4, 'policy-file-not-found']],
    );
    t.equal(exitCodeOfLint(r, false), 2);
  },
);
