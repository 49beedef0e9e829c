/**
 * Findings of a policy's shape are shown on every run — passing ones included — once per policy
 * in every reporter, with the same count everywhere; `--strict` makes them fail the run; AWS's
 * documented Cognito pattern is not warned about. In-process through main(argv, io).
 */
import t, { type Test } from 'tap';
import { XMLParser } from 'fast-xml-parser';
import { Parser } from 'tap-parser';
import {
  GITLAB_DEPLOYS,
  GITLAB_OPEN,
  MAIN_DEPLOYS,
  OTHER_REFUSED,
  SHAPED,
  SOUND,
  cli,
  lineOf,
  policy,
  scenarioFile,
} from './findings-harness.js';

type Obj = Record<string, unknown>;

/** Two scenario files share the shaped policy; a third uses the open GitLab policy. */
function shapedDir(t: Test): string {
  return t.testdir({
    'shaped.trust.json': SHAPED,
    'gitlab.trust.json': GITLAB_OPEN,
    'a.trustspec.yaml': scenarioFile('./shaped.trust.json', MAIN_DEPLOYS + OTHER_REFUSED),
    'b.trustspec.yaml': scenarioFile('./shaped.trust.json', MAIN_DEPLOYS),
    'c.trustspec.yaml': scenarioFile('./gitlab.trust.json', GITLAB_DEPLOYS),
  });
}

/** The findings of shapedDir: code → [file, line]. */
const EXPECTED: Record<string, [string, number]> = {
  'policy-for-all-values-single-valued': ['shaped.trust.json', lineOf(SHAPED, 'ForAllValues')],
  'policy-condition-key-absent': ['shaped.trust.json', lineOf(SHAPED, ':iss')],
  'policy-tenancy-condition-missing': ['gitlab.trust.json', lineOf(GITLAB_OPEN, 'AnyProject')],
};
const CODES = Object.keys(EXPECTED).sort();

t.test(
  'a passing run shows each finding once, in every reporter, with the same count',
  async (t) => {
    const dir = shapedDir(t);

    const human = await cli(['test'], dir);
    t.equal(human.code, 0, 'warnings alone do not fail the run');
    t.equal(human.stderr, '');
    for (const code of CODES) {
      const hits = human.stdout.split('\n').filter((l) => l.includes(`[${code}]`));
      t.equal(hits.length, 1, `human: ${code} once, although two files use the policy`);
      const [file, line] = EXPECTED[code] as [string, number];
      t.match(hits[0], new RegExp(`^ {2}${file.replace('.', '\\.')}:${line}:\\d+: warning: `));
    }
    t.match(human.stdout, /^4 passed, 0 failed, 0 skipped, 0 errors, 3 warnings · 3 files$/m);
    t.match(human.stdout, /`token\.actions\.githubusercontent\.com:iss` is not a condition key/);
    t.match(human.stdout, /any project or organisation, not only yours — can assume this role/);

    const json = JSON.parse((await cli(['test', '--reporter', 'json'], dir)).stdout) as Obj;
    const warnings = json['warnings'] as Obj[];
    t.same(warnings.map((w) => w['code']).sort(), CODES, 'json: the warnings list');
    t.match(json['summary'], { warnings: 3, errors: 0, passed: 4, strict: false });
    t.match(
      warnings.find((w) => w['code'] === 'policy-condition-key-absent'),
      { file: 'shaped.trust.json', sid: 'Deploy', severity: 'warning' },
    );

    const tap = (await cli(['test', '--reporter', 'tap'], dir)).stdout;
    const comments = tap.split('\n').filter((l) => l.startsWith('# warning: '));
    t.same(
      comments.map((c) => /\[([a-z-]+)\]$/.exec(c)?.[1]).sort(),
      CODES,
      'tap: one comment each',
    );

    const xml = (await cli(['test', '--reporter', 'junit'], dir)).stdout;
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml) as {
      testsuites: { testsuite: Obj[] };
    };
    const props = doc.testsuites.testsuite.flatMap((s) => {
      const p = (s['properties'] as Obj | undefined)?.['property'];
      return p === undefined ? [] : Array.isArray(p) ? (p as Obj[]) : [p as Obj];
    });
    t.same(
      props.map((p) => /\[([a-z-]+)\]$/.exec(String(p['@value']))?.[1]).sort(),
      CODES,
      'junit: a property each, in one suite only',
    );
    t.equal(
      doc.testsuites.testsuite.filter((s) => String(s['system-out'] ?? '').includes('warning:'))
        .length,
      2,
      'and in <system-out> of the first suite using each policy',
    );

    const github = (await cli(['test', '--reporter', 'github'], dir)).stdout.split('\n');
    t.same(
      github
        .filter((l) => l.startsWith('::warning'))
        .map((l) => /title=trustspec%3A ([a-z-]+)/.exec(l)?.[1])
        .sort(),
      CODES,
      'github: one ::warning each',
    );
    t.match(github.at(-2), /^::notice title=trustspec::4 passed, .*3 warnings/);
  },
);

t.test('--strict: warnings fail the run in every reporter (exit 1)', async (t) => {
  const dir = shapedDir(t);
  const human = await cli(['test', '--strict'], dir);
  t.equal(human.code, 1);
  t.match(human.stdout, /^--strict: 3 warnings fail the run$/m);

  const tap = await cli(['test', '--strict', '--reporter', 'tap'], dir);
  t.equal(tap.code, 1);
  const parsed = await new Promise<{ fail: number; count: number }>((done) => {
    const p = new Parser((r) => done({ fail: r.fail, count: r.count }));
    p.end(tap.stdout);
  });
  t.same(parsed, { fail: 3, count: 7 }, 'tap: a failing point per warning');

  const junit = (await cli(['test', '--strict', '--reporter', 'junit'], dir)).stdout;
  t.match(junit, /<testsuites name="trustspec" tests="7" failures="3" errors="0"/);

  const github = (await cli(['test', '--strict', '--reporter', 'github'], dir)).stdout;
  t.notMatch(github, /^::warning/m);
  t.equal(github.split('\n').filter((l) => l.startsWith('::error')).length, 3);

  const json = JSON.parse((await cli(['test', '--strict', '--reporter', 'json'], dir)).stdout);
  t.match(json.summary, { strict: true, warnings: 3 });

  const sound = t.testdir({
    'p.json': SOUND,
    'a.trustspec.yaml': scenarioFile('./p.json', MAIN_DEPLOYS),
  });
  t.equal((await cli(['test', '--strict'], sound)).code, 0, 'no warning: strict passes');
});

t.test("AWS's documented Cognito pattern is not warned about", async (t) => {
  // Amazon Cognito Developer Guide, "Role trust and permissions" and "Using role-based access
  // control" (docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html):
  // the trust policy of an identity-pool role is written with "ForAnyValue:StringLike":
  // {"cognito-identity.amazonaws.com:amr": "authenticated"} — a value without a wildcard.
  const documented = (amr: string, operator = 'ForAnyValue:StringLike'): string =>
    policy([
      {
        Sid: '',
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            'cognito-identity.amazonaws.com:aud': 'us-east-1:12345678-corner-cafe-123456790ab',
          },
          [operator]: { 'cognito-identity.amazonaws.com:amr': amr },
        },
      },
    ]);
  const scenario =
    "  - name: a signed-in user\n    cognito: { identityPoolId: 'us-east-1:12345678-corner-cafe-123456790ab', identityId: 'us-east-1:0000', authenticated: true }\n    expect: allow\n";
  for (const [name, text, warned] of [
    ['authenticated', documented('authenticated'), false],
    ['unauthenticated', documented('unauthenticated'), false],
    ['a login provider', documented('graph.facebook.com'), false],
    ['without the set operator', documented('authenticated', 'StringLike'), true],
  ] as const) {
    const dir = t.testdir({
      'p.json': text,
      'a.trustspec.yaml': scenarioFile('./p.json', scenario),
    });
    const json = JSON.parse((await cli(['test', '--reporter', 'json'], dir)).stdout) as Obj;
    const codes = (json['warnings'] as Obj[]).map((w) => w['code']);
    if (warned) t.ok(codes.includes('policy-like-without-wildcard'), `${name}: warned`);
    else t.same(codes, [], `${name}: no warning at all`);
  }
});
