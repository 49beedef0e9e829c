/**
 * Input that cannot be used: one run over a folder of bad scenario files, a good file and a path
 * that does not exist. Exit 2; each problem reported at file:line:column; the good file still runs.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CONTRACT_ERROR_KEYS,
  STACK_LINE,
  fixtureDir,
  parseJunit,
  parseTap,
  placeOf,
  summaryOf,
  cli,
  type JsonReport,
} from './helpers.js';

const HEAD = `version: 1
role:
  arn: arn:aws:iam::111122223333:role/deploy/gha-deploy
  trustPolicy: ../deploy.trust.json
providers:
  - url: https://token.actions.githubusercontent.com
    clientIds: [sts.amazonaws.com]
now: 2026-06-01T00:00:00Z
defaults:
  token: { iss: 'https://token.actions.githubusercontent.com', aud: sts.amazonaws.com }
  request: { roleSessionName: ci }
scenarios:
`;

const withPolicy = (policy: string): string => HEAD.replace('../deploy.trust.json', policy);

const DUP_KEY_POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
      },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Action": "sts:TagSession"
    }
  ]
}
`;

interface Bad {
  file: string;
  text: string | Buffer;
  /** Where the error is: a needle in `text` (the error's column is where it starts), or 1:1. */
  at?: string;
  /** The file the error is reported in, when not `file` (an error of the policy file). */
  in?: { file: string; text: string };
  code: string;
  message: RegExp;
}

const BAD: Bad[] = [
  {
    file: 'bad/syntax.trustspec.yaml',
    text: `${HEAD}  - name: unclosed
    token: { sub: 'repo:acme/app:ref:refs/heads/main'
    expect: allow
`,
    at: 'expect: allow',
    code: 'yaml-syntax',
    message: /^YAML syntax error: /,
  },
  {
    file: 'bad/unknown-field.trustspec.yaml',
    text: `${HEAD}  - name: misspelt
    token: { sub: 'repo:acme/app:ref:refs/heads/main' }
    expext: allow
`,
    at: 'expext',
    code: 'unknown-field',
    message: /unknown field "expext".*did you mean "expect"\?/,
  },
  {
    file: 'bad/missing-policy.trustspec.yaml',
    text: `${withPolicy('./no-such.trust.json')}  - name: main
    token: { sub: 'repo:acme/app:ref:refs/heads/main' }
    expect: allow
`,
    at: './no-such.trust.json',
    code: 'policy-file-not-found',
    message: /the trust policy file "\.\/no-such\.trust\.json" does not exist/,
  },
  {
    file: 'bad/dup-key-policy.trustspec.yaml',
    text: `${withPolicy('./dup-key.trust.json')}  - name: main
    token: { sub: 'repo:acme/app:ref:refs/heads/main' }
    expect: allow
`,
    in: { file: 'bad/dup-key.trust.json', text: DUP_KEY_POLICY },
    at: '"Action": "sts:TagSession"',
    code: 'policy-duplicate-key',
    message: /duplicate key "Action"/,
  },
  {
    file: 'bad/bad-jwt.trustspec.yaml',
    text: `${HEAD}  - name: garbled token
    token: { jwt: 'abcd.efgh.ijkl' }
    expect: allow
`,
    at: "'abcd.efgh.ijkl'",
    code: 'bad-jwt',
    message: /^token\.jwt: /,
  },
  {
    file: 'bad/duplicate-name.trustspec.yaml',
    text: `${HEAD}  - name: twice
    token: { sub: 'repo:acme/app:ref:refs/heads/main' }
    expect: allow
  - name: twice
    token: { sub: 'repo:acme/app:pull_request' }
    expect: deny
`,
    at: "twice\n    token: { sub: 'repo:acme/app:pull_request",
    code: 'duplicate-name',
    message: /duplicate scenario name "twice" — already used on line 13/,
  },
  {
    file: 'bad/empty.trustspec.yaml',
    text: '',
    code: 'empty-file',
    message: /the file is empty/,
  },
  {
    file: 'bad/binary.trustspec.yaml',
    text: Buffer.from([0x76, 0x3a, 0x20, 0x31, 0x0a, 0x00, 0x01, 0xff, 0xfe, 0x00, 0x0a]),
    code: 'binary-file',
    message: /binary data/,
  },
  {
    file: 'bad/alias-bomb.trustspec.yaml',
    text: `version: 1
a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
`,
    at: '*a',
    code: 'yaml-alias-bomb',
    message: /alias bomb/,
  },
];

/** Where each bad file's error is expected: file shown, line, column. */
function expected(b: Bad): { file: string; line: number; column: number } {
  const file = b.in?.file ?? b.file;
  const text = b.in?.text ?? b.text;
  if (b.at === undefined) return { file, line: 1, column: 1 };
  return { file, ...placeOf(String(text), b.at) };
}

t.test('one run: every bad file reported in place, the good files still run', async (t) => {
  // Folders are nested objects for t.testdir.
  const bad: Record<string, string | Buffer> = {};
  for (const b of BAD) {
    bad[b.file.slice('bad/'.length)] = b.text;
    if (b.in) bad[b.in.file.slice('bad/'.length)] = b.in.text;
  }
  const dir = fixtureDir(t, { bad });
  const r = await cli(
    [
      'test',
      'bad',
      'passing.trustspec.yaml',
      'failing.trustspec.yaml',
      'no-such-folder',
      '--output',
      'json:report.json',
      '--output',
      'github:annotations.txt',
      '--output',
      'junit:junit.xml',
      '--output',
      'tap:results.tap',
    ],
    { cwd: dir },
  );
  t.equal(r.status, 2, 'exit 2: input could not be used');
  t.equal(r.stderr, '', 'the problems are in the report, not on stderr');
  t.notMatch(r.stderr, STACK_LINE);
  t.notMatch(r.stdout, /internal error/);

  const human = r.stdout;
  const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as JsonReport;
  const github = readFileSync(join(dir, 'annotations.txt'), 'utf8');

  for (const b of BAD) {
    const e = expected(b);
    t.test(`${b.code} in ${b.file}`, async (t) => {
      const place = `${e.file}:${e.line}:${e.column}`;
      const line = human.split('\n').find((l) => l.startsWith(`  ${place}: error: `));
      t.ok(line, `the human report has "${place}: error: …"`);
      t.match(line?.slice(`  ${place}: error: `.length), b.message);
      t.ok(line?.endsWith(`[${b.code}]`), 'with its code');
      const errors = json.errors.filter((x) => x.file === e.file && x.code === b.code);
      t.equal(errors.length, 1, 'one JSON error');
      t.match(errors[0], { line: e.line, column: e.column, message: b.message });
      t.same(Object.keys(errors[0] ?? {}).slice(0, 4), CONTRACT_ERROR_KEYS);
      if (typeof b.text === 'string' && b.text !== '') {
        t.match(errors[0]?.frame, new RegExp(`^\\s*> ${e.line} \\|`, 'm'), 'a code frame');
      }
      t.match(
        github,
        new RegExp(
          `^::error file=${e.file.replace(/\./g, '\\.')},line=${e.line},col=${e.column},title=trustspec%3A ${b.code}::`,
          'm',
        ),
        'a github annotation at the place',
      );
    });
  }

  t.test('the path that does not exist', async (t) => {
    t.match(human, /^ {2}no-such-folder: error: "no-such-folder" does not exist/m);
    t.match(
      json.errors.find((x) => x.file === 'no-such-folder'),
      {
        line: 0,
        column: 0,
        code: 'path-not-found',
      },
    );
  });

  t.test('the good files still ran, and the counts add up', async (t) => {
    t.match(
      human,
      /^passing\.trustspec\.yaml\n {2}✓ main branch deploys\n {2}✓ the prod environment deploys\n {2}✓ a feature branch is refused by the sub condition\n/m,
    );
    t.match(human, /^ {2}✗ pull requests deploy failing\.trustspec\.yaml:\d+$/m, 'a failure too');
    const good = json.results.filter((x) => x.file === 'passing.trustspec.yaml');
    t.same(
      good.map((x) => [x.name, x.ok, x.decision]),
      [
        ['main branch deploys', true, 'allow'],
        ['the prod environment deploys', true, 'allow'],
        ['a feature branch is refused by the sub condition', true, 'deny'],
      ],
    );
    t.same(
      json.results.filter((x) => x.file === 'failing.trustspec.yaml').map((x) => x.ok),
      [true, false, true],
    );
    t.equal(json.errors.length, BAD.length + 1, 'one error per bad file, and the missing path');
    t.equal(json.summary.errors, json.errors.length);
    t.equal(json.summary.failed, 1, 'the one failing scenario: exit 2 still wins over 1');
    t.equal(summaryOf(human).errors, json.errors.length);

    const junit = parseJunit(readFileSync(join(dir, 'junit.xml'), 'utf8'));
    t.equal(junit.testsuites['@errors'], String(json.errors.length), 'junit: an <error> each');
    const tap = parseTap(readFileSync(join(dir, 'results.tap'), 'utf8'));
    t.same(tap.extra, [], 'the TAP report still parses');
    t.equal(tap.final.fail, json.errors.length + 1, 'TAP: a failing point per error and failure');
    // A point per result (blocked scenarios included) and per error that blocked no scenario.
    t.equal(
      tap.final.count,
      json.results.length +
        json.summary.errors -
        ((json.summary as { blocked?: number }).blocked ?? 0),
    );
  });
});
