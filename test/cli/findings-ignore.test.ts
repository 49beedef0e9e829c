/**
 * Suppression in the user's files: `ignore:` in a scenario file (a code, a reason, a statement
 * Sid) and trustspec.config.yaml (reporter, strict, ignore, paths), found by walking up from the
 * working directory to the repository root. Suppressed findings are counted, never dropped
 * silently; an entry that suppresses nothing is a warning; a bad entry or key is an error at its
 * place (exit 2). In-process through main(argv, io).
 */
import t, { type Test } from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GITLAB_DEPLOYS,
  GITLAB_OPEN,
  MAIN_DEPLOYS,
  SHAPED,
  cli,
  lineOf,
  scenarioFile,
} from './findings-harness.js';

type Obj = Record<string, unknown>;

async function json(argv: string[], cwd: string): Promise<{ code: number; doc: Obj }> {
  const r = await cli([...argv, '--reporter', 'json'], cwd);
  return { code: r.code, doc: JSON.parse(r.stdout) as Obj };
}

const codes = (doc: Obj, key = 'warnings'): string[] =>
  (doc[key] as Obj[]).map((w) => String(w['code'])).sort();

t.test('ignore: in a scenario file, by code, reason and Sid', async (t) => {
  const ignore = [
    'ignore:',
    '  - for-all-values-single-valued',
    '  - { code: policy-condition-key-absent, reason: "kept for the audit trail", sid: Deploy }',
  ].join('\n');
  const file = scenarioFile('./shaped.trust.json', MAIN_DEPLOYS, ignore);
  const dir = t.testdir({ 'shaped.trust.json': SHAPED, 'a.trustspec.yaml': file });

  const { code, doc } = await json(['test'], dir);
  t.equal(code, 0);
  t.same(codes(doc), [], 'nothing left to show');
  t.same(codes(doc, 'suppressed'), [
    'policy-condition-key-absent',
    'policy-for-all-values-single-valued',
  ]);
  t.match(doc['summary'], { warnings: 0, suppressed: 2 });
  const byReason = (doc['suppressed'] as Obj[]).find(
    (s) => s['code'] === 'policy-condition-key-absent',
  );
  t.match(byReason?.['ignoredBy'], {
    file: 'a.trustspec.yaml',
    line: lineOf(file, '{ code: policy-condition-key-absent'),
    reason: 'kept for the audit trail',
    sid: 'Deploy',
  });

  const human = await cli(['test'], dir);
  t.match(human.stdout, /^2 warnings suppressed by ignore: \(a\.trustspec\.yaml: 2\)$/m);
  t.match(human.stdout, /^1 passed, 0 failed, 0 skipped, 0 errors, 2 suppressed · 1 file$/m);
  t.notMatch(human.stdout, /\[policy-for-all-values-single-valued\]/, 'not shown one by one');
  const verbose = await cli(['test', '--verbose'], dir);
  t.match(
    verbose.stdout,
    /shaped\.trust\.json:\d+:\d+: .* \[policy-condition-key-absent\] — ignored at a\.trustspec\.yaml:\d+:\d+ \(kept for the audit trail\)/,
    'verbose lists each, with where and why it was accepted',
  );
  t.match((await cli(['test', '--reporter', 'tap'], dir)).stdout, /^# 2 warnings suppressed/m);
  t.equal(
    (await cli(['test', '--strict'], dir)).code,
    0,
    'suppressed warnings do not fail --strict',
  );
});

t.test('an entry that matches nothing is a warning at its place', async (t) => {
  const ignore = [
    'ignore:',
    '  - { code: condition-key-absent, sid: SomeOtherStatement }',
    '  - like-without-wildcrd',
  ].join('\n');
  const file = scenarioFile('./shaped.trust.json', MAIN_DEPLOYS, ignore);
  const dir = t.testdir({ 'shaped.trust.json': SHAPED, 'a.trustspec.yaml': file });
  const { doc } = await json(['test'], dir);
  const unused = (doc['warnings'] as Obj[]).filter((w) => w['code'] === 'unused-ignore');
  t.same(
    unused.map((w) => [w['file'], w['line'], w['column']]),
    [
      ['a.trustspec.yaml', lineOf(file, '{ code: condition-key-absent'), 5],
      ['a.trustspec.yaml', lineOf(file, 'like-without-wildcrd'), 5],
    ],
  );
  t.match(unused[0]?.['message'], /"condition-key-absent" in statement "SomeOtherStatement"/);
  t.ok(codes(doc).includes('policy-condition-key-absent'), 'the Sid did not match: still shown');
});

t.test("one file's ignore covers its own policies, not another file's", async (t) => {
  const dir = t.testdir({
    'shaped.trust.json': SHAPED,
    'gitlab.trust.json': GITLAB_OPEN,
    'a.trustspec.yaml': scenarioFile(
      './shaped.trust.json',
      MAIN_DEPLOYS,
      'ignore: [for-all-values-single-valued, condition-key-absent]',
    ),
    'c.trustspec.yaml': scenarioFile('./gitlab.trust.json', GITLAB_DEPLOYS),
  });
  const { doc } = await json(['test'], dir);
  t.same(codes(doc), ['policy-tenancy-condition-missing']);
});

t.test('a bad ignore entry is an error at its place: exit 2', async (t) => {
  const file = scenarioFile(
    './shaped.trust.json',
    MAIN_DEPLOYS,
    'ignore:\n  - { code: like-without-wildcard, why: generated }\n  - Not A Code',
  );
  const dir = t.testdir({ 'shaped.trust.json': SHAPED, 'a.trustspec.yaml': file });
  const r = await cli(['test'], dir);
  t.equal(r.code, 2);
  t.match(
    r.stdout,
    new RegExp(
      `a\\.trustspec\\.yaml:${lineOf(file, 'why:')}:\\d+: error: an ignore entry is a finding code, or \\{code, reason, sid\\}`,
    ),
  );
  t.match(r.stdout, new RegExp(`a\\.trustspec\\.yaml:${lineOf(file, 'Not A Code')}:\\d+: error: `));
});

/** A repository: .git at the root, the config there, policies and scenarios in a subfolder. */
function repo(t: Test, config: string): string {
  const root = t.testdir({
    '.git': { HEAD: 'ref: refs/heads/main\n' },
    'trustspec.config.yaml': config,
    policies: {
      'shaped.trust.json': SHAPED,
      'a.trustspec.yaml': scenarioFile('./shaped.trust.json', MAIN_DEPLOYS),
    },
    docs: { deep: {} },
  });
  return root;
}

t.test('trustspec.config.yaml: found from a subfolder, its defaults applied', async (t) => {
  const root = repo(
    t,
    [
      '# yaml-language-server: $schema=../schema/config.schema.json',
      'reporter: json',
      'strict: true',
      'paths: [policies]',
      'ignore:',
      '  - { code: condition-key-absent, reason: "module-generated" }',
    ].join('\n'),
  );
  const cwd = join(root, 'docs', 'deep');
  const r = await cli(['test'], cwd);
  const doc = JSON.parse(r.stdout) as Obj;
  t.equal(r.code, 1, 'strict from the config: the warning left fails the run');
  t.match(doc['summary'], { passed: 1, warnings: 1, suppressed: 1, strict: true });
  t.same(codes(doc), ['policy-for-all-values-single-valued']);
  t.match((doc['suppressed'] as Obj[])[0]?.['ignoredBy'], {
    file: '../../trustspec.config.yaml',
    line: 6,
    reason: 'module-generated',
  });
  t.equal((doc['results'] as Obj[])[0]?.['file'], '../../policies/a.trustspec.yaml');

  const human = await cli(['test', '--reporter', 'human', '--no-strict'], cwd);
  t.equal(human.code, 0, 'the command line wins: --no-strict');
  t.match(human.stdout, /^1 passed, 0 failed, 0 skipped, 0 errors, 1 warning, 1 suppressed/m);

  const args = await cli(['test', '../../policies/a.trustspec.yaml', '--reporter', 'human'], cwd);
  t.match(args.stdout, /1 passed/, 'paths given on the command line replace the config paths');
});

t.test('the walk stops at the repository root', async (t) => {
  const outer = t.testdir({
    'trustspec.config.yaml': 'strict: true\nreporter: json\n',
    repo: {
      '.git': {},
      'shaped.trust.json': SHAPED,
      'a.trustspec.yaml': scenarioFile('./shaped.trust.json', MAIN_DEPLOYS),
    },
  });
  const r = await cli(['test'], join(outer, 'repo'));
  t.equal(r.code, 0, "the config above the repository is not this repository's");
  t.match(r.stdout, /^1 passed/m, 'the human reporter: the default');
});

t.test('a bad config file: exit 2, each problem at its place, nothing run', async (t) => {
  for (const [name, text, line, column, message] of [
    [
      'an unknown key',
      'strict: true\nstrickt: false\n',
      2,
      1,
      /unknown key "strickt".*\n.*did you mean "strict"/,
    ],
    [
      'a reporter that does not exist',
      'reporter: xml\n',
      1,
      11,
      /"reporter" must be one of human, tap/,
    ],
    ['strict not a boolean', 'strict: yes please\n', 1, 9, /"strict" must be true or false/],
    [
      'an ignore entry with an unknown key',
      'ignore:\n  - { code: x, because: y }\n',
      2,
      5,
      /unknown key "because" in an ignore entry/,
    ],
    ['paths not a list', 'paths: policies\n', 1, 8, /"paths" must be a list/],
    ['YAML that does not parse', 'strict: [true\n', 2, 1, /YAML syntax error/],
    ['not a mapping', '- strict\n', 1, 1, /must be a mapping/],
  ] as const) {
    const root = repo(t, text);
    const r = await cli(['test'], root);
    t.equal(r.code, 2, `${name}: exit 2`);
    t.equal(r.stdout, '', `${name}: nothing ran`);
    t.match(r.stderr, new RegExp(`^trustspec\\.config\\.yaml:${line}:${column}: error: `), name);
    t.match(r.stderr, message, name);
    t.notMatch(r.stderr, /^\s+at /m, 'no stack trace');
  }
  const folder = t.testdir({ '.git': {}, 'trustspec.config.yaml': {} });
  const r = await cli(['test'], folder);
  t.equal(r.code, 2, 'a folder named like the config: exit 2');
  t.match(r.stderr, /trustspec\.config\.yaml:1:1: error: the config file is not a regular file/);
});

t.test('a config that names a folder without scenario files', async (t) => {
  const root = t.testdir({ '.git': {}, 'trustspec.config.yaml': 'paths: [docs]\n', docs: {} });
  mkdirSync(join(root, 'sub'));
  writeFileSync(join(root, 'sub', 'note.txt'), 'not a scenario');
  const r = await cli(['test'], join(root, 'sub'));
  t.equal(r.code, 2);
  t.match(
    r.stdout,
    /no scenario files \(\*\.trustspec\.yaml or \*\.trustspec\.yml\) in "\.\.\/docs"/,
  );
});
