/**
 * Bad scenario files: every problem is an error with its code, its place (file:line:column), a
 * message in the user's terms and a code frame — never an exception, never a silent default.
 */
import t, { type Test } from 'tap';
import { join } from 'node:path';
import { loadAndRun, loadScenarioFile } from '../../lib/scenarios/index.js';
import type { FileError } from '../../lib/scenarios/types.js';
import { GHA_POLICY, HEAD, makeJwt, NOW } from './helpers.js';

interface Expected {
  code: string;
  line: number;
  column: number;
  message: string;
  /** The file the error is in, when not the scenario file. */
  file?: string;
  hint?: string;
}

interface Row {
  name: string;
  /** The scenario file's content (`x.trustspec.yaml`). */
  yaml: string | Buffer;
  /** Other files beside it (default: policy.json, the GitHub deploy policy). */
  files?: Record<string, string | Buffer | Record<string, string>>;
  errors: Expected[];
  /** Load without a default clock. */
  noClock?: boolean;
}

const ONE = `${HEAD}  - name: main
    token: { sub: 'repo:acme/app:ref:refs/heads/main' }
    expect: allow
`;

/** An alias bomb ("billion laughs"): each level multiplies the previous one by nine. */
function aliasBomb(): string {
  let text = 'a: &a [x, x, x, x, x, x, x, x, x]\n';
  const names = 'abcdefgh';
  for (let i = 1; i < names.length; i++) {
    const prev = names[i - 1] as string;
    text += `${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(', ')}]\n`;
  }
  return text;
}

const rows: Row[] = [
  {
    name: 'YAML syntax error',
    yaml: `${HEAD}  - name: a\n    token: { sub: x\n    expect: allow\n`,
    errors: [{ code: 'yaml-syntax', line: 11, column: 5, message: 'YAML syntax error' }],
  },
  {
    name: 'a key written twice (YAML)',
    yaml: `${HEAD}  - name: a\n    expect: allow\n    expect: deny\n`,
    errors: [
      { code: 'duplicate-key', line: 11, column: 5, message: 'the key "expect" is written twice' },
    ],
  },
  {
    name: 'unknown field at the top level',
    yaml: `${ONE}provider: []\n`,
    errors: [
      {
        code: 'unknown-field',
        line: 12,
        column: 1,
        message: 'unknown field "provider" in the file — did you mean "providers"?',
      },
    ],
  },
  {
    name: 'a scenario field at the top level',
    yaml: `${ONE}expect: allow\n`,
    errors: [
      {
        code: 'unknown-field',
        line: 12,
        column: 1,
        message: 'unknown field "expect" in the file',
        hint: 'under "scenarios:"',
      },
    ],
  },
  {
    name: 'unknown field in a scenario',
    yaml: `${HEAD}  - name: a\n    tokn: { sub: x }\n    expect: allow\n`,
    errors: [
      {
        code: 'unknown-field',
        line: 10,
        column: 5,
        message: 'unknown field "tokn" in a scenario — did you mean "token"?',
      },
    ],
  },
  {
    name: 'unknown field in request',
    yaml: `${HEAD}  - name: a\n    request: { roleSessionName: x, durationSecond: 900 }\n    expect: allow\n`,
    errors: [
      {
        code: 'unknown-field',
        line: 10,
        column: 36,
        message: 'unknown field "durationSecond" in the request — did you mean "durationSeconds"?',
      },
    ],
  },
  {
    name: 'unknown field in defaults',
    yaml: `${HEAD.replace('defaults:\n', 'defaults:\n  name: x\n')}  - name: a\n    expect: allow\n`,
    errors: [
      { code: 'unknown-field', line: 6, column: 3, message: 'unknown field "name" in defaults' },
    ],
  },
  {
    name: 'wrong type',
    yaml: `${HEAD}  - name: a\n    token: abc\n    expect: allow\n`,
    errors: [
      {
        code: 'wrong-type',
        line: 10,
        column: 12,
        message: '"token" must be a mapping, not the string "abc"',
      },
    ],
  },
  {
    name: 'wrong type of durationSeconds',
    yaml: `${HEAD}  - name: a\n    request: { durationSeconds: one hour }\n    expect: allow\n`,
    errors: [
      {
        code: 'bad-value',
        line: 10,
        column: 33,
        message: '"durationSeconds" must be an integer number of seconds',
      },
    ],
  },
  {
    name: 'missing name',
    yaml: `${HEAD}  - token: { sub: x }\n    expect: allow\n`,
    errors: [
      {
        code: 'missing-field',
        line: 9,
        column: 5,
        message: 'missing required field "name" in a scenario',
      },
    ],
  },
  {
    name: 'empty name',
    yaml: `${HEAD}  - name: ''\n    expect: allow\n`,
    errors: [{ code: 'empty-value', line: 9, column: 11, message: '"name" must not be empty' }],
  },
  {
    name: 'duplicate name',
    yaml: `${ONE}  - name: main\n    expect: deny\n`,
    errors: [
      {
        code: 'duplicate-name',
        line: 12,
        column: 11,
        message: 'duplicate scenario name "main" — already used on line 9',
      },
    ],
  },
  {
    name: 'bad expect: an unknown word',
    yaml: `${HEAD}  - name: a\n    expect: maybe\n`,
    errors: [
      {
        code: 'bad-expect',
        line: 10,
        column: 13,
        message: '"expect" must be allow, deny, or {deny: {stage, because}}',
      },
    ],
  },
  {
    name: 'bad expect: an unknown stage',
    yaml: `${HEAD}  - name: a\n    expect: { deny: { stage: policy } }\n`,
    errors: [
      {
        code: 'bad-expect',
        line: 10,
        column: 30,
        message: '"stage" must be request, token, or trust-policy, not the string "policy"',
      },
    ],
  },
  {
    name: 'bad expect: a misspelt field',
    yaml: `${HEAD}  - name: a\n    expect: { deny: { becuase: x } }\n`,
    errors: [
      {
        code: 'bad-expect',
        line: 10,
        column: 23,
        message: 'unknown field "becuase" in the expected denial — did you mean "because"?',
      },
    ],
  },
  {
    name: 'bad expect: allow as a mapping',
    yaml: `${HEAD}  - name: a\n    expect: { allow: true }\n`,
    errors: [{ code: 'bad-expect', line: 10, column: 13, message: '"expect" must be allow, deny' }],
  },
  {
    name: 'missing expect',
    yaml: `${HEAD}  - name: a\n    token: { sub: x }\n`,
    errors: [
      { code: 'missing-expect', line: 9, column: 5, message: 'missing required field "expect"' },
    ],
  },
  {
    name: 'missing policy file',
    yaml: ONE.replace('./policy.json', './missing.json'),
    errors: [
      {
        code: 'policy-file-not-found',
        line: 3,
        column: 16,
        message: 'the trust policy file "./missing.json" does not exist',
        hint: 'relative to this scenario file',
      },
    ],
  },
  {
    name: 'policy JSON with a duplicate key: the place is in the policy file',
    yaml: ONE,
    files: {
      'policy.json': `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "Federated": "accounts.google.com" },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Effect": "Deny"
    }
  ]
}
`,
    },
    errors: [
      {
        file: 'policy.json',
        code: 'policy-duplicate-key',
        line: 8,
        column: 7,
        message: 'duplicate key "Effect"',
      },
    ],
  },
  {
    name: 'policy YAML file with an unknown operator',
    yaml: ONE.replace('./policy.json', './policy.yaml'),
    files: {
      'policy.yaml': `Version: '2012-10-17'
Statement:
  - Effect: Allow
    Principal: { Federated: accounts.google.com }
    Action: sts:AssumeRoleWithWebIdentity
    Condition:
      StringEqualz: { 'accounts.google.com:aud': x }
`,
    },
    errors: [
      {
        file: 'policy.yaml',
        code: 'policy-unknown-operator',
        line: 7,
        column: 7,
        message: 'unknown condition operator "StringEqualz"',
      },
    ],
  },
  {
    name: 'inline policy error: the place is in the scenario file',
    yaml: `role:
  arn: arn:aws:iam::111122223333:role/google
  trustPolicy:
    Version: '2012-10-17'
    Statement:
      - Effect: Allow
        Principal: { Federated: accounts.google.com }
        Action: sts:AssumeRoleWithWebIdentity
        Resource: '*'
now: 2026-06-01T00:00:00Z
scenarios:
  - name: a
    token: { iss: https://accounts.google.com, aud: x, sub: y }
    expect: allow
`,
    errors: [{ code: 'policy-resource-in-trust-policy', line: 9, column: 9, message: 'Resource' }],
  },
  {
    name: 'bad JWT inline',
    yaml: `${HEAD}  - name: a\n    token: { jwt: abc.def.ghi }\n    expect: allow\n`,
    errors: [
      {
        code: 'bad-jwt',
        line: 10,
        column: 19,
        message: 'token.jwt: the header (part 1) decodes to bytes',
      },
    ],
  },
  {
    name: 'JWT file that holds no JWT',
    yaml: `${HEAD}  - name: a\n    token: { jwt: ./token.jwt }\n    expect: allow\n`,
    files: { 'token.jwt': 'not a token\n' },
    errors: [{ code: 'bad-jwt', line: 10, column: 19, message: 'holds no usable JWT' }],
  },
  {
    name: 'JWT file that does not exist',
    yaml: `${HEAD}  - name: a\n    token: { jwt: ./missing.jwt }\n    expect: allow\n`,
    errors: [
      {
        code: 'jwt-file-not-found',
        line: 10,
        column: 19,
        message: '"./missing.jwt" is neither a compact JWT nor an existing file',
      },
    ],
  },
  {
    name: 'JWT with a payload that is not JSON',
    yaml: `${HEAD}  - name: a\n    token: { jwt: ${makeJwt({}).split('.')[0]}.bm90IGpzb24.c2ln }\n    expect: allow\n`,
    errors: [{ code: 'bad-jwt', line: 10, column: 19, message: 'token.jwt' }],
  },
  {
    name: 'bad date in now',
    yaml: ONE.replace('now: 2026-06-01T00:00:00Z', 'now: 2026-02-30'),
    errors: [
      { code: 'bad-date', line: 4, column: 6, message: '"now": "2026-02-30" is not a real date' },
    ],
  },
  {
    name: 'bad date in a token claim',
    yaml: `${HEAD}  - name: a\n    token: { sub: x, exp: next tuesday }\n    expect: allow\n`,
    errors: [
      {
        code: 'bad-date',
        line: 10,
        column: 27,
        message: 'token.exp: "next tuesday" is not a date',
      },
    ],
  },
  {
    name: 'epoch milliseconds instead of seconds',
    yaml: ONE.replace('now: 2026-06-01T00:00:00Z', 'now: 1780272000000'),
    errors: [{ code: 'bad-date', line: 4, column: 6, message: 'is it milliseconds?' }],
  },
  {
    name: 'bad role ARN',
    yaml: ONE.replace(
      /arn: arn:aws:iam::111122223333:role\/deploy\/gha-deploy/,
      'arn: arn:aws:iam::1111:role/x',
    ),
    errors: [
      { code: 'bad-role-arn', line: 2, column: 8, message: 'the account "1111" is not 12 digits' },
    ],
  },
  {
    name: 'an assumed-role ARN instead of a role ARN',
    yaml: ONE.replace(
      /arn: arn:aws:iam::111122223333:role\/deploy\/gha-deploy/,
      'arn: arn:aws:sts::111122223333:assumed-role/gha-deploy/ci',
    ),
    errors: [
      {
        code: 'bad-role-arn',
        line: 2,
        column: 8,
        message: 'assumed-role session ARN',
        hint: 'arn:aws:iam::111122223333:role/gha-deploy',
      },
    ],
  },
  {
    name: 'maxSessionDuration out of range',
    yaml: ONE.replace(
      '  trustPolicy: ./policy.json\n',
      '  trustPolicy: ./policy.json\n  maxSessionDuration: 60\n',
    ),
    errors: [
      {
        code: 'out-of-range',
        line: 4,
        column: 23,
        message: '"maxSessionDuration" must be between 3600 and 43200, not the number 60',
      },
    ],
  },
  {
    name: 'a provider URL without https://',
    yaml: `${ONE}providers:\n  - url: token.actions.githubusercontent.com\n    clientIds: [sts.amazonaws.com]\n`,
    errors: [
      { code: 'bad-value', line: 13, column: 10, message: '"url" must start with https://' },
    ],
  },
  {
    name: 'unsupported version',
    yaml: `version: 2\n${ONE}`,
    errors: [{ code: 'unsupported-version', line: 1, column: 10, message: '"version" must be 1' }],
  },
  {
    name: 'empty file',
    yaml: '',
    errors: [{ code: 'empty-file', line: 1, column: 1, message: 'the file is empty' }],
  },
  {
    name: 'a file of comments only',
    yaml: '# nothing here\n',
    errors: [{ code: 'empty-file', line: 1, column: 1, message: 'no YAML content' }],
  },
  {
    name: 'a top level that is a list',
    yaml: '- name: a\n  expect: allow\n',
    errors: [{ code: 'not-a-mapping', line: 1, column: 1, message: 'must be a mapping' }],
  },
  {
    name: 'alias bomb',
    yaml: aliasBomb(),
    errors: [{ code: 'yaml-alias-bomb', line: 2, column: 8, message: 'alias bomb' }],
  },
  {
    name: 'binary garbage (NUL bytes)',
    yaml: Buffer.from([0x72, 0x6f, 0x00, 0x01, 0xff, 0x10]),
    errors: [{ code: 'binary-file', line: 1, column: 1, message: 'binary data' }],
  },
  {
    name: 'invalid UTF-8',
    yaml: Buffer.concat([Buffer.from('scenarios: '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]),
    errors: [{ code: 'invalid-utf8', line: 1, column: 1, message: 'not valid UTF-8' }],
  },
  {
    name: 'a binary YAML value',
    yaml: `${HEAD}  - name: a\n    token: { sub: !!binary aGVsbG8= }\n    expect: allow\n`,
    errors: [{ code: 'yaml-non-json-value', line: 10, column: 28, message: 'binary' }],
  },
  {
    name: 'bad matrix: a variable without values',
    yaml: `${HEAD}  - name: a\n    matrix: { ref: [] }\n    expect: allow\n`,
    errors: [
      {
        code: 'bad-matrix',
        line: 10,
        column: 20,
        message: 'the matrix variable "ref" has no values',
      },
    ],
  },
  {
    name: 'bad matrix: not a list of values',
    yaml: `${HEAD}  - name: a\n    matrix: main\n    expect: allow\n`,
    errors: [
      { code: 'bad-matrix', line: 10, column: 13, message: '"matrix" must be a mapping of NAME' },
    ],
  },
  {
    name: 'bad matrix: a placeholder naming no matrix value',
    yaml: `${HEAD}  - name: a \${{ matrix.ref }}\n    matrix: { branch: [main] }\n    expect: allow\n`,
    errors: [
      {
        code: 'unknown-matrix-value',
        line: 9,
        column: 11,
        message: 'the matrix has no value "ref" (it has branch)',
      },
    ],
  },
  {
    name: 'bad matrix: copies with the same name',
    yaml: `${HEAD}  - name: a\n    matrix: [{ r: 1 }, { r: 1 }]\n    expect: allow\n`,
    errors: [
      {
        code: 'duplicate-name',
        line: 10,
        column: 13,
        message: 'two matrix copies are both named "a [r=1]"',
      },
    ],
  },
  {
    name: 'bad matrix: a value of the wrong type for its field',
    yaml: `${HEAD}  - name: a \${{ matrix.d }}\n    request: { durationSeconds: '\${{ matrix.d }}' }\n    matrix: { d: [900, soon] }\n    expect: allow\n`,
    errors: [
      {
        code: 'bad-value',
        line: 10,
        column: 33,
        message: 'in the matrix copy "a soon": "durationSeconds" must be an integer',
      },
    ],
  },
  {
    name: 'bad matrix: too many copies',
    yaml: `${HEAD}  - name: a\n    matrix: { x: [${Array.from({ length: 30 }, (_, i) => i).join(', ')}], y: [${Array.from({ length: 30 }, (_, i) => i).join(', ')}], z: [${Array.from({ length: 30 }, (_, i) => i).join(', ')}] }\n    expect: allow\n`,
    errors: [
      { code: 'matrix-too-large', line: 10, column: 13, message: 'the matrix makes 27000 copies' },
    ],
  },
  {
    name: 'bad matrix: a copy named like another scenario',
    yaml: `${ONE}  - name: \${{ matrix.b }}\n    matrix: { b: [main] }\n    expect: allow\n`,
    errors: [
      {
        code: 'duplicate-name',
        line: 12,
        column: 11,
        message: 'the matrix copy "main" has the name of the scenario on line 9',
      },
    ],
  },
  {
    name: 'a bad value in defaults points into defaults',
    yaml: `${HEAD.replace('defaults:\n', 'defaults:\n  expect: { deny: { stage: nowhere } }\n')}  - name: a\n`,
    errors: [
      {
        code: 'bad-expect',
        line: 6,
        column: 28,
        message: '"stage" must be request, token, or trust-policy',
      },
    ],
  },
  {
    name: 'a bad date in defaults, found while building a scenario',
    yaml: `${HEAD.replace('defaults:\n', 'defaults:\n  github: { repository: acme/app }\n').replace('  token: {', '  token: { exp: soon,')}  - name: a\n    expect: allow\n`,
    errors: [{ code: 'bad-date', line: 7, column: 17, message: 'token.exp: "soon" is not a date' }],
  },
  {
    name: 'a JWT path that is a folder',
    yaml: `${HEAD}  - name: a\n    token: { jwt: ./tokens }\n    expect: allow\n`,
    files: { tokens: { 'a.jwt': 'x' } },
    errors: [{ code: 'bad-jwt', line: 10, column: 19, message: 'the file "./tokens" is a folder' }],
  },
  {
    name: 'a policy path that is a folder',
    yaml: ONE.replace('./policy.json', './policies'),
    files: { policies: { 'a.json': '{}' } },
    errors: [
      {
        code: 'policy-not-a-file',
        line: 3,
        column: 16,
        message: 'the trust policy file "./policies" is a folder',
      },
    ],
  },
  {
    name: 'a binary policy file',
    yaml: ONE,
    files: { 'policy.json': Buffer.from([0x7b, 0x00, 0x7d]) },
    errors: [{ code: 'policy-binary-file', line: 3, column: 16, message: 'holds binary data' }],
  },
  {
    name: 'more than one YAML document',
    yaml: `${ONE}---\nscenarios: []\n`,
    errors: [
      {
        code: 'yaml-multiple-documents',
        line: 12,
        column: 1,
        message: 'more than one YAML document',
      },
    ],
  },
  {
    name: 'an infinite number',
    yaml: `${HEAD}  - name: a\n    token: { sub: x, n: .inf }\n    expect: allow\n`,
    errors: [
      { code: 'yaml-non-json-value', line: 10, column: 25, message: '.inf is not a number' },
    ],
  },
  {
    name: 'a placeholder without a matrix',
    yaml: `${HEAD}  - name: a\n    token: { sub: '\${{ matrix.sub }}' }\n    expect: allow\n`,
    errors: [
      {
        code: 'placeholder-without-matrix',
        line: 10,
        column: 19,
        message: 'the scenario has no matrix',
      },
    ],
  },
  {
    name: 'a placeholder that is not a matrix value',
    yaml: `${HEAD}  - name: a\n    token: { sub: '\${{ github.sub }}' }\n    matrix: { x: [1] }\n    expect: allow\n`,
    errors: [
      { code: 'bad-placeholder', line: 10, column: 19, message: 'is not a matrix placeholder' },
    ],
  },
  {
    name: 'a placeholder in the role',
    yaml: `${HEAD}  - name: a \${{ matrix.env }}\n    matrix: { env: [dev] }\n    role: { arn: ${'arn:aws:iam::111122223333:role/x'}, trustPolicy: './\${{ matrix.env }}.json' }\n    expect: allow\n`,
    errors: [
      { code: 'placeholder-in-role', line: 11, column: 65, message: 'not replaced in role' },
      { code: 'policy-file-not-found', line: 11, column: 65, message: 'does not exist' },
    ],
  },
  {
    name: 'two shorthands',
    yaml: `${HEAD}  - name: a\n    github: { repository: acme/app }\n    eks: { issuer: https://x, namespace: a, serviceAccount: b }\n    expect: allow\n`,
    errors: [
      {
        code: 'conflicting-shorthands',
        line: 11,
        column: 10,
        message: 'one token shorthand, but has github and eks',
      },
    ],
  },
  {
    name: 'a shorthand missing a field',
    yaml: `${HEAD}  - name: a\n    eks: { namespace: a }\n    expect: allow\n`,
    errors: [
      {
        code: 'missing-field',
        line: 10,
        column: 10,
        message: 'the eks shorthand needs "issuer" and "serviceAccount"',
      },
    ],
  },
  {
    name: 'a shorthand the builder refuses',
    yaml: `${HEAD}  - name: a\n    github: { repository: acme }\n    expect: allow\n`,
    errors: [
      {
        code: 'bad-shorthand',
        line: 10,
        column: 13,
        message: 'github: repository must be OWNER/REPO',
      },
    ],
  },
  {
    name: 'a scenario without a role',
    yaml: 'now: 2026-06-01T00:00:00Z\nscenarios:\n  - name: a\n    expect: allow\n',
    errors: [{ code: 'missing-role', line: 3, column: 5, message: 'scenario "a" has no role' }],
  },
  {
    name: 'no clock at all',
    yaml: ONE.replace('now: 2026-06-01T00:00:00Z\n', ''),
    noClock: true,
    errors: [{ code: 'no-clock', line: 8, column: 3, message: 'no clock' }],
  },
  {
    name: 'several problems in one file are all reported',
    yaml: `${HEAD}  - name: a\n    tokn: {}\n    expect: allow\n  - name: b\n    expect: sometimes\n  - name: c\n    token: { exp: yesterday }\n    expect: allow\n`,
    errors: [
      { code: 'unknown-field', line: 10, column: 5, message: '"tokn"' },
      { code: 'bad-expect', line: 13, column: 13, message: '"expect" must be' },
      { code: 'bad-date', line: 15, column: 19, message: 'token.exp' },
    ],
  },
];

function check(t: Test, errors: FileError[], expected: Expected[]): void {
  t.equal(errors.length, expected.length, 'error count');
  expected.forEach((want, i) => {
    const got = errors[i];
    if (!got) {
      t.fail(`missing error ${want.code}`);
      return;
    }
    t.equal(got.code, want.code, 'code');
    t.equal(got.file, want.file ?? 'x.trustspec.yaml', 'file');
    t.equal(
      `${got.line}:${got.column}`,
      `${want.line}:${want.column}`,
      `place (got ${got.line}:${got.column})`,
    );
    t.match(got.message, want.message, 'message');
    if (want.hint) t.match(got.hint ?? '', want.hint, 'hint');
    t.ok(got.hint, `${got.code} has a hint`);
    t.equal(got.severity, 'error');
    if (got.code !== 'binary-file' && got.code !== 'invalid-utf8' && got.code !== 'empty-file') {
      t.match(got.frame ?? '', new RegExp(`^> +${got.line} \\|`, 'm'), 'frame marks the line');
      t.match(got.frame ?? '', /\^$/m, 'frame has a caret');
    }
  });
}

for (const row of rows) {
  t.test(row.name, (t) => {
    const dir = t.testdir({
      'policy.json': GHA_POLICY,
      ...(row.files ?? {}),
      'x.trustspec.yaml': row.yaml,
    });
    const loaded = loadScenarioFile('x.trustspec.yaml', {
      cwd: dir,
      ...(row.noClock ? {} : { defaultNow: NOW }),
      policyCache: new Map(),
    });
    check(t, loaded.errors, row.errors);
    t.end();
  });
}

t.test('loading never throws, whatever the bytes', (t) => {
  const samples: Array<string | Buffer> = [
    '{',
    ':',
    '[[[[[[[[[[',
    '- - - -',
    '!!binary x',
    'scenarios: *nope',
    'scenarios:\n  - &a [*a]\n',
    'role: {arn: 1, trustPolicy: 2}\nscenarios: [1, null, "x"]\n',
    'scenarios:\n  - name: a\n    token: { __proto__: { polluted: true } }\n    expect: allow\n',
    Buffer.from([0xef, 0xbb, 0xbf, 0x7b]),
  ];
  for (const [i, sample] of samples.entries()) {
    const dir = t.testdir({ 'x.trustspec.yaml': sample });
    let result;
    t.doesNotThrow(() => {
      result = loadScenarioFile(join(dir, 'x.trustspec.yaml'), { defaultNow: NOW });
    }, `sample ${i}`);
    t.ok(result, `sample ${i} has a result`);
  }
  t.equal(({} as Record<string, unknown>)['polluted'], undefined, 'no prototype pollution');
  t.end();
});

t.test('several bad files are reported together, and the good ones still run', (t) => {
  const dir = t.testdir({
    'policy.json': GHA_POLICY,
    'a-syntax.trustspec.yaml': `${HEAD}  - name: a\n    token: [1\n`,
    'b-unknown.trustspec.yaml': `${HEAD}  - name: b\n    expct: allow\n`,
    'c-missing-policy.trustspec.yaml': ONE.replace('./policy.json', './nope.json'),
    'd-good.trustspec.yaml': ONE,
  });
  const report = loadAndRun([], { cwd: dir, defaultNow: NOW });
  t.same(report.files, [
    'a-syntax.trustspec.yaml',
    'b-unknown.trustspec.yaml',
    'c-missing-policy.trustspec.yaml',
    'd-good.trustspec.yaml',
  ]);
  t.same(
    report.errors.map((e) => [e.file, e.code]),
    [
      ['a-syntax.trustspec.yaml', 'yaml-syntax'],
      ['b-unknown.trustspec.yaml', 'unknown-field'],
      ['c-missing-policy.trustspec.yaml', 'policy-file-not-found'],
    ],
  );
  // The scenarios a file error stopped are results too, each naming that error.
  t.same(
    report.results.map((r) => [r.file, r.name, r.ok, r.blockedBy?.code ?? null]),
    [
      ['b-unknown.trustspec.yaml', 'b', false, 'unknown-field'],
      ['c-missing-policy.trustspec.yaml', 'main', false, 'policy-file-not-found'],
      ['d-good.trustspec.yaml', 'main', true, null],
    ],
  );
  t.end();
});

t.test('a broken policy shared by two files is reported once', (t) => {
  const dir = t.testdir({
    'policy.json': '{"Version": "2012-10-17", "Statement": []',
    'a.trustspec.yaml': ONE,
    'b.trustspec.yaml': ONE,
  });
  const report = loadAndRun([], { cwd: dir, defaultNow: NOW });
  t.ok(report.errors.length > 0);
  t.ok(
    report.errors.every((e) => e.file === 'policy.json'),
    'the errors are in the policy file',
  );
  const ids = report.errors.map((e) => `${e.line}:${e.column}:${e.code}`);
  t.same(ids, [...new Set(ids)], 'no error twice');
  t.same(
    report.results.map((r) => [r.file, r.name, r.blockedBy?.file]),
    [
      ['a.trustspec.yaml', 'main', 'policy.json'],
      ['b.trustspec.yaml', 'main', 'policy.json'],
    ],
    'each scenario blocked by the policy error, none run',
  );
  t.end();
});

t.test('a path that does not exist is an error', (t) => {
  const dir = t.testdir({ 'a.trustspec.yaml': ONE, 'policy.json': GHA_POLICY });
  const report = loadAndRun(['a.trustspec.yaml', 'nope'], { cwd: dir, defaultNow: NOW });
  t.same(
    report.errors.map((e) => [e.file, e.code]),
    [['nope', 'path-not-found']],
  );
  t.equal(report.results.length, 1, 'the file that exists still runs');
  t.end();
});
