/**
 * `trustspec lint` in process through main(argv, io): what it reads (policy files, scenario
 * files, folders, globs), exit codes 0/1/2, `--strict`, `ignore:` (scenario file and config), the
 * four reporters with the same counts, SARIF valid against the SARIF 2.1.0 schema, and the
 * spec-examples: clean except the deliberately broken ones, whose files say what lint reports.
 */
import t from 'tap';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { cli, REPO, SPEC_EXAMPLES, STACK_LINE } from './helpers.js';

type Obj = Record<string, unknown>;
const GH = 'token.actions.githubusercontent.com';
const GH_ARN = `arn:aws:iam::111122223333:oidc-provider/${GH}`;

const policy = (condition: object, extra: Obj = {}) =>
  JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Deploy',
          Effect: 'Allow',
          Principal: { Federated: GH_ARN },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: condition,
          ...extra,
        },
      ],
    },
    null,
    2,
  ) + '\n';

const CLEAN = policy({
  StringEquals: {
    [`${GH}:aud`]: 'sts.amazonaws.com',
    [`${GH}:sub`]: 'repo:acme/app:ref:refs/heads/main',
  },
});
/** One warning: StringLike without a wildcard. */
const WARNS = policy({
  StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
  StringLike: { [`${GH}:sub`]: 'repo:acme/app:ref:refs/heads/main' },
});
/** One error: sts:AssumeRole for a Federated principal. */
const ERRS = policy(
  { StringEquals: { [`${GH}:sub`]: 'repo:acme/app:ref:refs/heads/main' } },
  { Action: 'sts:AssumeRole' },
);

async function lintJson(args: string[], cwd: string): Promise<{ status: number; doc: Obj }> {
  const r = await cli(['lint', ...args, '--reporter', 'json'], { cwd });
  return { status: r.status ?? -1, doc: JSON.parse(r.stdout) as Obj };
}
const codesOf = (doc: Obj, key = 'findings'): string[] =>
  (doc[key] as Obj[]).map((f) => String(f['code']));

t.test(
  'exit codes: 0 clean or warnings, 1 errors (or warnings with --strict), 2 unusable',
  async (t) => {
    const dir = t.testdir({
      'clean.trust.json': CLEAN,
      'warns.trust.json': WARNS,
      'errs.trust.json': ERRS,
      'broken.trust.json': '{"Version": "2012-10-17", "Statement": [\n',
      'notes.txt': 'not a policy',
    });
    const rows: [string, string[], number, string[]][] = [
      ['a clean policy', ['clean.trust.json'], 0, []],
      ['a warning', ['warns.trust.json'], 0, ['policy-like-without-wildcard']],
      [
        'a warning under --strict',
        ['warns.trust.json', '--strict'],
        1,
        ['policy-like-without-wildcard'],
      ],
      ['--no-strict', ['warns.trust.json', '--no-strict'], 0, ['policy-like-without-wildcard']],
      ['an error finding', ['errs.trust.json'], 1, ['policy-action-not-web-identity']],
    ];
    for (const [name, args, code, codes] of rows) {
      const { status, doc } = await lintJson(args, dir);
      t.equal(status, code, `${name}: exit ${code}`);
      t.same(codesOf(doc), codes, `${name}: codes`);
    }
    for (const [name, args, code] of [
      ['JSON that does not parse', ['broken.trust.json'], 'policy-json-unexpected-end'],
      ['a path that does not exist', ['nope.trust.json'], 'path-not-found'],
      ['a glob matching nothing', ['**/*.none.json'], 'glob-no-match'],
    ] as const) {
      const r = await cli(['lint', ...args], { cwd: dir });
      t.equal(r.status, 2, `${name}: exit 2`);
      t.match(r.stdout, code, `${name}: ${code}`);
      t.notMatch(r.stdout + r.stderr, STACK_LINE, `${name}: no stack trace`);
    }
    const broken = await cli(['lint', 'broken.trust.json'], { cwd: dir });
    t.match(broken.stdout, /^broken\.trust\.json:2:\d+: error: /m, 'file:line:column');
    const empty = t.testdir({ 'README.md': '# nothing here\n' });
    const none = await cli(['lint'], { cwd: empty });
    t.equal(none.status, 2);
    t.match(none.stdout, /nothing-to-lint/);
  },
);

t.test(
  'folders yield *.trust.* and scenario files; a file named directly is read whatever its name',
  async (t) => {
    const dir = t.testdir({
      roles: { 'a.trust.json': WARNS, 'b.trust.yaml': 'Version: "2012-10-17"\nStatement: []\n' },
      'other.json': ERRS,
      'package.json': '{"name": "x"}',
    });
    const { doc } = await lintJson(['roles'], dir);
    t.same(doc['findings'] && (doc['findings'] as Obj[]).map((f) => `${f['file']}:${f['code']}`), [
      'roles/a.trust.json:policy-like-without-wildcard',
      'roles/b.trust.yaml:policy-empty-statement-list',
    ]);
    t.equal((doc['summary'] as Obj)['policies'], 2, 'package.json is not read');
    const named = await lintJson(['other.json'], dir);
    t.same(codesOf(named.doc), ['policy-action-not-web-identity']);
  },
);

t.test('a scenario file: its policy file once, inline policies, the role ARN checks', async (t) => {
  const other = policy(
    { StringEquals: { [`${GH}:sub`]: 'repo:acme/app:ref:refs/heads/main' } },
    { Principal: { Federated: GH_ARN.replace('111122223333', '444455556666') } },
  );
  const scenario = (trust: string) =>
    [
      'version: 1',
      'role:',
      '  arn: arn:aws:iam::111122223333:role/deploy',
      `  trustPolicy: ${trust}`,
      'now: 2026-06-01T00:00:00Z',
      'scenarios:',
      '  - name: main',
      '    github: { repository: acme/app }',
      '    expect: deny',
      '',
    ].join('\n');
  const dir = t.testdir({
    'other.trust.json': other,
    'a.trustspec.yaml': scenario('./other.trust.json'),
    'b.trustspec.yaml': scenario('./other.trust.json'),
    'inline.trustspec.yaml': scenario(
      `{Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Federated: "${GH_ARN}"}, Action: "sts:AssumeRole", Condition: {StringEquals: {"${GH}:sub": "repo:a/b:ref:refs/heads/main"}}}]}`,
    ),
  });
  const { status, doc } = await lintJson([], dir);
  t.equal(status, 1);
  t.same(
    (doc['findings'] as Obj[]).map((f) => `${f['file']}:${f['line']}:${f['code']}`),
    [
      'inline.trustspec.yaml:4:policy-action-not-web-identity',
      'other.trust.json:8:policy-principal-other-account',
    ],
    'the shared policy once; the inline policy placed in the scenario file',
  );
  t.equal((doc['summary'] as Obj)['policies'], 2);
});

t.test(
  'ignore: in a scenario file and in trustspec.config.yaml; unused entries warn',
  async (t) => {
    const scenario = [
      'version: 1',
      'role:',
      '  arn: arn:aws:iam::111122223333:role/deploy',
      '  trustPolicy: ./warns.trust.json',
      'now: 2026-06-01T00:00:00Z',
      'ignore:',
      '  - { code: like-without-wildcard, reason: generated, sid: Deploy }',
      '  - key-never-set',
      'scenarios:',
      '  - name: main',
      '    github: { repository: acme/app }',
      '    expect: allow',
      '',
    ].join('\n');
    const dir = t.testdir({
      '.git': {},
      'warns.trust.json': WARNS,
      'errs.trust.json': ERRS,
      'a.trustspec.yaml': scenario,
      'trustspec.config.yaml':
        'ignore:\n  - { code: policy-action-not-web-identity, reason: a test role }\n',
    });
    const { status, doc } = await lintJson([], dir);
    t.equal(status, 0, 'the error is suppressed by the config');
    t.same(codesOf(doc), ['unused-ignore'], 'the unused entry of the scenario file warns');
    t.same(codesOf(doc, 'suppressed').sort(), [
      'policy-action-not-web-identity',
      'policy-like-without-wildcard',
    ]);
    const s = (doc['suppressed'] as Obj[]).find(
      (x) => x['code'] === 'policy-like-without-wildcard',
    );
    t.same(s?.['ignoredBy'], { file: 'a.trustspec.yaml', line: 7, reason: 'generated' });
    t.equal((doc['summary'] as Obj)['suppressed'], 2);
    const human = await cli(['lint', '--verbose'], { cwd: dir });
    t.match(human.stdout, /2 findings suppressed by ignore:/);
    t.match(human.stdout, /ignored at a\.trustspec\.yaml:7 \(generated\)/);
  },
);

/** Every finding of the spec-examples: only in deliberately broken examples. */
t.test(
  'spec-examples: clean except the deliberately broken examples, which say what lint reports',
  async (t) => {
    const { status, doc } = await lintJson(['spec-examples'], REPO);
    t.equal(status, 1, 'the broken examples include error findings');
    t.same(doc['errors'], [], 'every file is usable');
    const BROKEN = /^spec-examples\/(misconfigurations\/|govcloud\/gov-deploy-commercial-arn\.)/;
    const outside = (doc['findings'] as Obj[]).filter((f) => !BROKEN.test(String(f['file'])));
    t.same(outside, [], 'no finding outside the broken examples');
    // The commercial-partition copy in govcloud/ is broken on purpose too (its scenario file says so).
    t.same(
      (doc['findings'] as Obj[])
        .filter((f) => String(f['file']).startsWith('spec-examples/govcloud/'))
        .map((f) => f['code']),
      ['policy-principal-other-partition'],
    );
    const dir = join(SPEC_EXAMPLES, 'misconfigurations');
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith('.trustspec.yaml'))
      .sort()) {
      const text = readFileSync(join(dir, name), 'utf8');
      const said = /^# trustspec lint reports: (.*)$/m.exec(text)?.[1] ?? '';
      const expected = [...new Set(said.match(/policy-[a-z-]+/g) ?? [])].sort();
      const r = await lintJson([join('spec-examples/misconfigurations', name)], REPO);
      const got = [...new Set(codesOf(r.doc))].sort();
      t.same(got, expected, `${name}: ${expected.join(', ') || 'clean'}`);
    }
  },
);

t.test('the four reporters show the same findings and counts', async (t) => {
  const json = await lintJson(['spec-examples'], REPO);
  const s = json.doc['summary'] as Obj;
  const findings = json.doc['findings'] as Obj[];
  t.equal(s['errors'], findings.filter((f) => f['severity'] === 'error').length);
  t.equal(s['warnings'], findings.filter((f) => f['severity'] === 'warning').length);

  const human = await cli(['lint', 'spec-examples'], { cwd: REPO });
  t.equal(human.status, 1);
  const lines = human.stdout.split('\n');
  t.equal(lines.filter((l) => /^ {2}\S+:\d+:\d+: error: /.test(l)).length, s['errors']);
  t.equal(lines.filter((l) => /^ {2}\S+:\d+:\d+: warning: /.test(l)).length, s['warnings']);
  t.match(
    human.stdout,
    new RegExp(
      `${s['errors']} errors, ${s['warnings']} warnings, 0 notes, ${s['suppressed'] ?? 0} suppressed · \\d+ files, ${s['policies']} policies\\n$`,
    ),
  );

  const gh = await cli(['lint', 'spec-examples', '--reporter', 'github'], { cwd: REPO });
  const cmds = gh.stdout.trimEnd().split('\n');
  t.same(
    cmds.filter((l) => !/^::(error|warning|notice) /.test(l)),
    [],
    'only workflow commands',
  );
  t.equal(cmds.filter((l) => l.startsWith('::error file=')).length, s['errors']);
  t.equal(cmds.filter((l) => l.startsWith('::warning file=')).length, s['warnings']);
  t.match(
    cmds[0],
    /^::(error|warning) file=spec-examples\/[^,]+,line=\d+,col=\d+,title=trustspec%3A policy-/,
  );
  const strict = await cli(['lint', 'spec-examples', '--reporter', 'github', '--strict'], {
    cwd: REPO,
  });
  t.equal(
    strict.stdout.split('\n').filter((l) => l.startsWith('::error file=')).length,
    Number(s['errors']) + Number(s['warnings']),
    '--strict: warnings are ::error',
  );

  const sarif = await cli(['lint', 'spec-examples', '--reporter', 'sarif'], { cwd: REPO });
  const log = JSON.parse(sarif.stdout) as {
    runs: { results: Obj[]; tool: { driver: { rules: Obj[] } } }[];
  };
  const results = log.runs[0]?.results ?? [];
  t.equal(results.length, findings.length, 'one SARIF result per finding');
  t.equal(results.filter((r) => r['level'] === 'error').length, s['errors']);
  const rules = log.runs[0]?.tool.driver.rules ?? [];
  t.same(
    rules.map((r) => r['id']).sort(),
    [...new Set(findings.map((f) => f['code']))].sort(),
    'one rule per code',
  );
  for (const r of rules) t.ok((r['help'] as Obj)['text'], `${r['id']}: help text`);
  const again = await cli(['lint', 'spec-examples', '--reporter', 'sarif'], { cwd: REPO });
  t.equal(again.stdout, sarif.stdout, 'the same log (fingerprints included) on every run');
});

t.test('SARIF output validates against the SARIF 2.1.0 schema', async (t) => {
  const schema = JSON.parse(
    readFileSync(join(REPO, 'test/fixtures/sarif/sarif-schema-2.1.0.draft-07.json'), 'utf8'),
  ) as Obj;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('uri', (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s));
  ajv.addFormat('uri-reference', () => true);
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  const validate = ajv.compile(schema);
  const r = await cli(['lint', 'spec-examples', '--reporter', 'sarif'], { cwd: REPO });
  const ok = validate(JSON.parse(r.stdout));
  t.ok(ok, JSON.stringify(validate.errors?.slice(0, 3)));
});

t.test('--output writes another report atomically; an input is never overwritten', async (t) => {
  const dir = t.testdir({ 'warns.trust.json': WARNS });
  const r = await cli(
    ['lint', 'warns.trust.json', '--output', 'sarif:out.sarif', '--output', 'r.json'],
    {
      cwd: dir,
    },
  );
  t.equal(r.status, 0);
  const log = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')) as Obj;
  t.equal(log['version'], '2.1.0');
  t.equal((JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as Obj)['version'], 1);
  writeFileSync(join(dir, 'x.trust.json'), WARNS);
  const clobber = await cli(['lint', 'x.trust.json', '--output', 'json:x.trust.json'], {
    cwd: dir,
  });
  t.equal(clobber.status, 2);
  t.match(clobber.stderr, /an input of this run/);
  t.equal(readFileSync(join(dir, 'x.trust.json'), 'utf8'), WARNS, 'the policy is intact');
});

t.test('test shows the findings lint shows, once per policy', async (t) => {
  const json = await lintJson(['spec-examples'], REPO);
  const r = await cli(['test', 'spec-examples', '--reporter', 'json'], { cwd: REPO });
  const doc = JSON.parse(r.stdout) as Obj;
  const place = (f: Obj) => `${f['file']}:${f['line']}:${f['column']}:${f['code']}`;
  t.same(
    (doc['warnings'] as Obj[]).map(place).sort(),
    (json.doc['findings'] as Obj[]).map(place).sort(),
  );
});

t.test('a glob yields the JSON and YAML files it matches, whatever their name', async (t) => {
  const dir = t.testdir({
    iam: { 'deploy.json': ERRS, 'ci.yaml': 'not: a policy\n', 'notes.md': '#' },
  });
  const { status, doc } = await lintJson(['iam/*.json'], dir);
  t.equal(status, 1);
  t.same(codesOf(doc), ['policy-action-not-web-identity']);
  const folder = await lintJson(['iam'], dir);
  t.equal(folder.status, 2, 'a folder yields only *.trust.* names: nothing to lint here');
});

t.test('SARIF: a finding of a scenario file keeps its line', async (t) => {
  const dir = t.testdir({
    'warns.trust.json': WARNS,
    'a.trustspec.yaml': [
      'version: 1',
      'role:',
      '  arn: arn:aws:iam::111122223333:role/deploy',
      '  trustPolicy: ./warns.trust.json',
      'now: 2026-06-01T00:00:00Z',
      'ignore:',
      '  - no-such-code',
      'scenarios:',
      '  - name: main',
      '    github: { repository: acme/app }',
      '    expect: allow',
      '',
    ].join('\n'),
  });
  const r = await cli(['lint', '--reporter', 'sarif'], { cwd: dir });
  const results = (JSON.parse(r.stdout) as { runs: { results: Obj[] }[] }).runs[0]?.results ?? [];
  const unused = results.find((x) => x['ruleId'] === 'unused-ignore') as
    { locations: { physicalLocation: { region: Obj; artifactLocation: Obj } }[] } | undefined;
  t.same(unused?.locations[0]?.physicalLocation.region, {
    startLine: 7,
    startColumn: 5,
    endLine: 7,
    endColumn: 6,
  });
  t.equal(unused?.locations[0]?.physicalLocation.artifactLocation['uri'], 'a.trustspec.yaml');
});
