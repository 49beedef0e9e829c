/**
 * Exit codes that protect CI: no scenario file found is exit 2 with the paths searched; a
 * --filter that matches nothing is exit 2; scenarios a file error blocked are counted as errors in
 * every reporter, never dropped. And `explain --scenario` takes what `test --filter` takes.
 * In-process through main(argv, io).
 */
import t, { type Test } from 'tap';
import { XMLParser } from 'fast-xml-parser';
import { Parser } from 'tap-parser';
import {
  MAIN_DEPLOYS,
  OTHER_REFUSED,
  SOUND,
  cli,
  lineOf,
  scenarioFile,
} from './findings-harness.js';

type Obj = Record<string, unknown>;

t.test('no scenario file: exit 2, naming the paths searched', async (t) => {
  const dir = t.testdir({ docs: { 'readme.md': '# nothing here' }, 'policy.json': SOUND });
  for (const [args, searched] of [
    [[], '"."'],
    [['docs'], '"docs"'],
    [['docs', '.'], '"docs", "."'],
  ] as const) {
    const r = await cli(['test', ...args], dir);
    t.equal(r.code, 2, `${args.join(' ') || '(no paths)'}: exit 2`);
    t.match(
      r.stdout,
      `error: no scenario files (*.trustspec.yaml or *.trustspec.yml) in ${searched} [no-scenario-files]`,
    );
    t.match(r.stdout, /^0 passed, 0 failed, 0 skipped, 1 error · 0 files$/m);
  }
  const json = JSON.parse((await cli(['test', 'docs', '--reporter', 'json'], dir)).stdout) as Obj;
  t.match((json['errors'] as Obj[])[0], { code: 'no-scenario-files', file: 'docs', line: 0 });
  t.match(json['summary'], { errors: 1, scenarios: 0 });
  const junit = (await cli(['test', 'docs', '--reporter', 'junit'], dir)).stdout;
  t.match(junit, /<testsuites name="trustspec" tests="1" failures="0" errors="1"/);
});

t.test('scenario files that hold no scenario: exit 2, nothing was tested', async (t) => {
  const dir = t.testdir({
    'policy.json': SOUND,
    'a.trustspec.yaml': scenarioFile('./policy.json', '').replace(/scenarios:$/, 'scenarios: []'),
  });
  const r = await cli(['test'], dir);
  t.equal(r.code, 2);
  t.match(
    r.stdout,
    'a.trustspec.yaml: error: the scenario file holds no scenario: nothing was tested',
  );
  t.match(r.stdout, /warning: the file has no scenarios \[no-scenarios\]/, 'and the file says so');
});

t.test('--filter matching no scenario: exit 2', async (t) => {
  const dir = t.testdir({
    'policy.json': SOUND,
    'a.trustspec.yaml': scenarioFile('./policy.json', MAIN_DEPLOYS),
  });
  const r = await cli(['test', '--filter', 'nothing like it'], dir);
  t.equal(r.code, 2);
  t.equal(r.stdout, '');
  t.match(r.stderr, /^trustspec: --filter "nothing like it" matches no scenario\n/);
  t.equal((await cli(['test', '--filter', 'MAIN'], dir)).code, 0, 'any letter case');
});

/** A policy that does not parse, used by three scenarios of one file; a good file beside it. */
function blockedDir(t: Test): string {
  return t.testdir({
    'broken.json': '{"Version": "2012-10-17", "Statement": [',
    'policy.json': SOUND,
    'a.trustspec.yaml': scenarioFile(
      './broken.json',
      MAIN_DEPLOYS +
        OTHER_REFUSED +
        '  - name: pull requests are refused\n    github: { repository: acme/app, event: pull_request }\n    expect: deny\n',
    ),
    'b.trustspec.yaml': scenarioFile('./policy.json', MAIN_DEPLOYS),
  });
}

t.test('scenarios a broken policy blocks are counted as errors in every reporter', async (t) => {
  const dir = blockedDir(t);
  const file = scenarioFile('./broken.json', MAIN_DEPLOYS + OTHER_REFUSED);
  const first = lineOf(file, '- name: main deploys');

  const human = await cli(['test'], dir);
  t.equal(human.code, 2);
  t.match(human.stdout, /^1 passed, 0 failed, 0 skipped, 3 errors · 2 files$/m);
  t.match(human.stdout, `  ! main deploys a.trustspec.yaml:${first}\n    not run: broken.json:1:`);
  t.match(
    human.stdout,
    /^not run:\n {2}a\.trustspec\.yaml:\d+ main deploys\n {2}a\.trustspec\.yaml:\d+ another/m,
  );

  const json = JSON.parse((await cli(['test', '--reporter', 'json'], dir)).stdout) as Obj;
  t.match(json['summary'], { scenarios: 4, passed: 1, errors: 3, blocked: 3 });
  const blocked = (json['results'] as Obj[]).filter((r) => r['status'] === 'error');
  t.equal(blocked.length, 3);
  t.match(blocked[0], {
    file: 'a.trustspec.yaml',
    line: first,
    name: 'main deploys',
    ok: false,
    decision: null,
    expected: null,
    error: { file: 'broken.json', line: 1 },
  });
  t.equal((json['errors'] as Obj[]).length, 1, 'the policy error itself, once');

  const xml = (await cli(['test', '--reporter', 'junit'], dir)).stdout;
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml) as {
    testsuites: Obj & { testsuite: Obj[] };
  };
  t.match(doc.testsuites, { '@tests': '4', '@errors': '3', '@failures': '0' });
  const suite = doc.testsuites.testsuite.find((s) => s['@name'] === 'a.trustspec.yaml') as Obj;
  t.match(suite, { '@tests': '3', '@errors': '3' }, 'not tests="0"');
  const cases = suite['testcase'] as Obj[];
  t.ok(
    cases.every((c) => String((c['error'] as Obj)['#text']).startsWith('not run: broken.json:1:')),
    'an <error> per scenario',
  );

  const tap = (await cli(['test', '--reporter', 'tap'], dir)).stdout;
  const final = await new Promise<{ count: number; fail: number }>((done) => {
    const p = new Parser((r) => done({ count: r.count, fail: r.fail }));
    p.end(tap);
  });
  t.same(final, { count: 4, fail: 3 }, 'tap: a failing point per blocked scenario');

  const github = (await cli(['test', '--reporter', 'github'], dir)).stdout.split('\n');
  const errors = github.filter((l) => l.startsWith('::error file=a.trustspec.yaml'));
  t.equal(errors.length, 3, 'github: an ::error at each blocked scenario');
  t.match(errors[0], `line=${first},`);
  t.match(github.at(-2), /::notice title=trustspec::1 passed, 0 failed, 0 skipped, 3 errors/);

  const filtered = JSON.parse(
    (await cli(['test', '--filter', 'refused', '--reporter', 'json'], dir)).stdout,
  ) as Obj;
  t.match(filtered['summary'], { scenarios: 2, errors: 2 }, '--filter applies to them too');
});

t.test('a scenario blocked by its own error names that error', async (t) => {
  const file = scenarioFile(
    './policy.json',
    MAIN_DEPLOYS +
      '  - name: bad expectation\n    github: { repository: a/b }\n    expect: maybe\n',
  );
  const dir = t.testdir({ 'policy.json': SOUND, 'a.trustspec.yaml': file });
  const json = JSON.parse((await cli(['test', '--reporter', 'json'], dir)).stdout) as Obj;
  const bad = (json['results'] as Obj[]).find((r) => r['name'] === 'bad expectation');
  t.match(bad, { status: 'error', error: { line: lineOf(file, 'expect: maybe') } });
  t.match(json['summary'], { passed: 1, errors: 1 });
});

const MATRIX = `${MAIN_DEPLOYS}  - name: main deploys a tag too
    github: { repository: acme/app, ref: refs/tags/v1 }
    expect: deny
  - name: 'no other repository: \${{ matrix.repo }}'
    matrix: { repo: [acme/other, evil/app] }
    github: { repository: '\${{ matrix.repo }}', ref: refs/heads/main }
    expect: deny
`;

t.test('explain --scenario takes a part of the name, like test --filter', async (t) => {
  const dir = t.testdir({
    'policy.json': SOUND,
    'a.trustspec.yaml': scenarioFile('./policy.json', MATRIX),
  });
  const explain = (name: string): Promise<{ code: number; stdout: string; stderr: string }> =>
    cli(['explain', 'a.trustspec.yaml', '--scenario', name], dir);

  const evil = await explain('EVIL');
  t.equal(evil.code, 1, 'one matrix copy, in any letter case: explained (denied)');
  t.match(evil.stdout, /repo:evil\/app:ref:refs\/heads\/main/);

  const exact = await explain('main deploys');
  t.equal(exact.code, 0, 'the exact full name wins over "main deploys a tag too"');
  t.match(exact.stdout, /decision: ALLOW/);

  const several = await explain('other repository');
  t.equal(several.code, 2);
  t.match(
    several.stderr,
    /2 scenarios of a\.trustspec\.yaml have "other repository" in their name/,
  );
  t.match(
    several.stderr,
    'candidates: "no other repository: acme/other", "no other repository: evil/app"',
  );

  const none = await explain('staging');
  t.equal(none.code, 2);
  t.match(none.stderr, /no scenario of a\.trustspec\.yaml has "staging" in its name/);
  t.match(none.stderr, /scenarios: "main deploys", "main deploys a tag too", "no other/);

  const missing = await cli(['explain', 'a.trustspec.yaml'], dir);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /has 4 scenarios: name one with --scenario/);
});
