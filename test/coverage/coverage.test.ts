/**
 * `trustspec test --coverage`: what counts as covered (a table of small policies and scenarios,
 * each case pinning the statement, clause and value counts of the definitions in
 * lib/scenarios/coverage.ts), the allowed regions no scenario reaches, the thresholds and exit
 * codes, the JSON object, lcov, and that nothing of it runs without --coverage.
 */
import t, { type Test } from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { cli, NOW, STACK_LINE } from '../cli/helpers.js';

const GH = 'token.actions.githubusercontent.com';
const GH_ARN = `arn:aws:iam::111122223333:oidc-provider/${GH}`;

interface Ratio {
  covered: number;
  total: number;
  percent: number;
}
interface Value {
  value: string;
  line: number;
  hits: number;
}
interface Coverage {
  totals: Record<'statements' | 'clauses' | 'values' | 'regions', Ratio>;
  thresholds: Array<{ metric: string; minimum: number; actual: number; met: boolean }>;
  policies: Array<{
    file: string;
    scenarios: number;
    statements: Array<{
      sid: string | null;
      evaluated: number;
      applied: number;
      clauses: Array<{ key: string; trueHits: number; falseHits: number; values: Value[] }>;
    }>;
    regions: Array<{
      provider: string;
      description: string;
      hits: number;
      example: { token: Record<string, unknown> } | null;
    }>;
    unknown: string[];
  }>;
}

function statement(
  sid: string,
  condition: Record<string, Record<string, string | string[]>>,
  effect = 'Allow',
) {
  return {
    Sid: sid,
    Effect: effect,
    Principal: { Federated: GH_ARN },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: condition,
  };
}

const AUD = { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' } };

/** A folder with one policy and one scenario file testing it. */
function fixture(t: Test, statements: unknown[], scenarios: unknown[]): string {
  const file = {
    version: 1,
    role: { arn: 'arn:aws:iam::111122223333:role/deploy', trustPolicy: './p.trust.json' },
    providers: [{ url: `https://${GH}`, clientIds: ['sts.amazonaws.com'] }],
    now: NOW,
    scenarios,
  };
  return t.testdir({
    'p.trust.json': JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2),
    'p.trustspec.yaml': stringify(file),
  });
}

async function coverage(dir: string, extra: string[] = []) {
  const r = await cli(['test', '--coverage', '--reporter', 'json', ...extra], { cwd: dir });
  const doc = JSON.parse(r.stdout) as { coverage?: Coverage };
  return { ...r, coverage: doc.coverage as Coverage };
}

const push = (repository: string, more: Record<string, unknown> = {}) => ({
  github: { repository, ...more },
});

interface Case {
  name: string;
  statements: unknown[];
  scenarios: unknown[];
  /** [statement][clause] → [trueHits, falseHits, hits per value...] */
  want: Array<Array<number[]>>;
  applied: number[];
}

const CASES: Case[] = [
  {
    name: 'a value counts when it is the one that matched; an untested value does not',
    statements: [
      statement('Deploy', {
        ...AUD,
        StringEquals: {
          [`${GH}:aud`]: 'sts.amazonaws.com',
          [`${GH}:sub`]: ['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:environment:prod'],
        },
      }),
    ],
    scenarios: [
      { name: 'main', ...push('acme/app'), expect: 'allow' },
      { name: 'other', ...push('acme/other'), expect: 'deny' },
    ],
    // aud: true in "main"; never the only false. sub: true in main, the only false in other.
    want: [
      [
        [1, 0, 1],
        [1, 1, 1, 0],
      ],
    ],
    applied: [1],
  },
  {
    name: 'a negated operator: the value that matched made the clause false',
    statements: [
      statement('NoPullRequests', {
        ...AUD,
        StringNotLike: { [`${GH}:sub`]: 'repo:*:pull_request' },
      }),
    ],
    scenarios: [
      { name: 'main', ...push('acme/app'), expect: 'allow' },
      { name: 'pr', ...push('acme/app', { event: 'pull_request' }), expect: 'deny' },
    ],
    want: [
      [
        [1, 0, 1],
        [1, 1, 1],
      ],
    ],
    applied: [1],
  },
  {
    name: 'two values that both match: neither alone decides',
    statements: [
      statement('Both', {
        StringLike: { [`${GH}:sub`]: ['repo:acme/*', 'repo:acme/app:*'] },
      }),
    ],
    scenarios: [
      { name: 'app', ...push('acme/app'), expect: 'allow' },
      { name: 'lib', ...push('acme/lib'), expect: 'allow' },
    ],
    // "lib" matches only the first value: it decides there.
    want: [[[2, 0, 1, 0]]],
    applied: [2],
  },
  {
    name: '…IfExists on an absent key: the value decides nothing',
    statements: [
      statement('Env', {
        ...AUD,
        StringEqualsIfExists: { [`${GH}:environment`]: 'prod' },
      }),
    ],
    scenarios: [{ name: 'no environment', ...push('acme/app'), expect: 'allow' }],
    want: [
      [
        [1, 0, 1],
        [1, 0, 0],
      ],
    ],
    applied: [1],
  },
  {
    name: 'another clause false: this clause decides nothing, its values neither',
    statements: [
      statement('Deploy', {
        StringEquals: {
          [`${GH}:sub`]: 'repo:acme/app:ref:refs/heads/main',
          [`${GH}:repository`]: 'acme/app',
        },
      }),
    ],
    scenarios: [
      // Both clauses false: neither is the only one.
      { name: 'other', ...push('evil/app'), expect: 'deny' },
    ],
    want: [
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
    ],
    applied: [0],
  },
  {
    name: 'refused before the policy (audience), or skipped: not counted',
    statements: [statement('Deploy', AUD)],
    scenarios: [
      {
        name: 'wrong audience',
        ...push('acme/app', { audience: 'https://github.com/acme' }),
        expect: 'deny',
      },
      { name: 'skipped', ...push('acme/app'), expect: 'allow', skip: 'later' },
    ],
    want: [[[0, 0, 0]]],
    applied: [0],
  },
];

t.test('what counts as covered', async (t) => {
  for (const c of CASES) {
    const dir = fixture(t, c.statements, c.scenarios);
    const r = await coverage(dir);
    t.equal(r.status, 0, `${c.name}: exit 0\n${r.stderr}`);
    const p = r.coverage.policies[0];
    const got = p?.statements.map((s) =>
      s.clauses.map((cl) => [cl.trueHits, cl.falseHits, ...cl.values.map((v) => v.hits)]),
    );
    t.same(got, c.want, c.name);
    t.same(
      p?.statements.map((s) => s.applied),
      c.applied,
      `${c.name}: applied`,
    );
  }
});

t.test('totals, and the allowed regions no scenario reaches with a token for each', async (t) => {
  const dir = fixture(
    t,
    [
      statement('Main', {
        ...AUD,
        StringEquals: {
          [`${GH}:aud`]: 'sts.amazonaws.com',
          [`${GH}:sub`]: 'repo:acme/app:ref:refs/heads/main',
        },
      }),
      statement('Prod', {
        StringEquals: { [`${GH}:sub`]: 'repo:acme/app:environment:prod' },
      }),
    ],
    [
      { name: 'main', ...push('acme/app'), expect: 'allow' },
      { name: 'other', ...push('acme/other'), expect: 'deny' },
    ],
  );
  const r = await coverage(dir);
  const c = r.coverage;
  t.same(c.totals.statements, { covered: 1, total: 2, percent: 50 });
  // Main's sub is covered both ways; its aud is never the only false one; Prod's never true.
  t.same(c.totals.clauses, { covered: 1, total: 3, percent: 33.3 });
  // Prod's value decides nothing: no scenario's sub is the prod environment (percent rounds down).
  t.same(c.totals.values, { covered: 2, total: 3, percent: 66.6 });
  t.same(c.totals.regions, { covered: 1, total: 2, percent: 50 });
  const [main, prod] = c.policies[0]?.regions ?? [];
  t.equal(main?.hits, 1);
  t.equal(main?.example, null, 'a reached region needs no example');
  t.match(
    main?.description,
    /via "Main" \(#1\): sub equals "repo:acme\/app:ref:refs\/heads\/main"/,
  );
  t.equal(prod?.hits, 0);
  t.same(prod?.example?.token['sub'], 'repo:acme/app:environment:prod');

  const human = await cli(['test', '--coverage'], { cwd: dir });
  t.equal(human.status, 0);
  t.match(
    human.stdout,
    /coverage {2}statements 1\/2 \(50%\) {2}clauses 1\/3 \(33\.3%\) {2}values 2\/3 \(66\.6%\) {2}regions 1\/2 \(50%\)/,
  );
  t.match(human.stdout, /#2 "Prod" Allow :\d+ {2}never applied/);
  t.match(human.stdout, /scenarios that would reach the rest:/);
  t.match(human.stdout, /github: \{ repository: acme\/app, environment: prod \}\n\s+expect: allow/);
});

t.test('thresholds: below one the run exits 1 and says which', async (t) => {
  const dir = fixture(
    t,
    [
      statement('Deploy', {
        StringEquals: {
          [`${GH}:sub`]: ['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:environment:prod'],
        },
      }),
    ],
    [{ name: 'main', ...push('acme/app'), expect: 'allow' }],
  );
  const cases: Array<[string, number, RegExp | null]> = [
    ['50', 0, null],
    ['51', 1, /coverage of values is 50%, below the threshold of 51%/],
    ['values=50,statements=100', 0, null],
    ['statements=100,clauses=100', 1, /coverage of clauses is 0%, below the threshold of 100%/],
    ['regions=100', 0, null],
  ];
  for (const [threshold, code, message] of cases) {
    const r = await cli(['test', '--coverage-threshold', threshold], { cwd: dir });
    t.equal(r.status, code, `${threshold}: exit ${code}`);
    if (message) t.match(r.stdout, message, `${threshold}: said in the table`);
    const j = await cli(['test', '--reporter', 'json', '--coverage-threshold', threshold], {
      cwd: dir,
    });
    t.equal(j.status, code, `${threshold}: exit ${code} with json`);
    if (message) t.match(j.stderr, message, `${threshold}: said on stderr with json`);
    const doc = JSON.parse(j.stdout) as { coverage: Coverage };
    t.equal(doc.coverage.thresholds.length, threshold.split(',').length);
  }
  for (const bad of ['lots', '101', 'branches=80', 'values=50,values=60', '']) {
    const r = await cli(['test', '--coverage-threshold', bad], { cwd: dir });
    t.equal(r.status, 2, `"${bad}": exit 2`);
    t.match(r.stderr, /--coverage-threshold/);
    t.notMatch(r.stderr, STACK_LINE);
  }
  // A failing scenario keeps exit 1; a met threshold does not hide it.
  const failing = fixture(
    t,
    [statement('Deploy', AUD)],
    [{ name: 'wrong', ...push('acme/app'), expect: 'deny' }],
  );
  t.equal((await cli(['test', '--coverage-threshold', '0'], { cwd: failing })).status, 1);
});

t.test(
  'coverageThreshold in trustspec.config.yaml: coverage on, the command line wins',
  async (t) => {
    const dir = fixture(
      t,
      [
        statement('Deploy', {
          StringEquals: {
            [`${GH}:sub`]: ['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:environment:prod'],
          },
        }),
      ],
      [{ name: 'main', ...push('acme/app'), expect: 'allow' }],
    );
    writeFileSync(join(dir, 'trustspec.config.yaml'), 'coverageThreshold: "values=51"\n');
    const r = await cli(['test'], { cwd: dir });
    t.equal(r.status, 1, 'below the config threshold: exit 1');
    t.match(r.stdout, /coverage of values is 50%, below the threshold of 51%/);
    const over = await cli(['test', '--coverage-threshold', '50'], { cwd: dir });
    t.equal(over.status, 0, 'the command line wins');
    writeFileSync(join(dir, 'trustspec.config.yaml'), 'coverageThreshold: 50\n');
    const met = await cli(['test'], { cwd: dir });
    t.equal(met.status, 0);
    t.match(met.stdout, /coverage {2}statements 1\/1/, 'the table is shown');
    writeFileSync(join(dir, 'trustspec.config.yaml'), 'strict: false\ncoverageThreshold: lots\n');
    const bad = await cli(['test'], { cwd: dir });
    t.equal(bad.status, 2);
    t.match(
      bad.stderr,
      /trustspec\.config\.yaml:2:20: error: "coverageThreshold": "lots" is not a threshold/,
    );
    t.notMatch(bad.stderr, STACK_LINE);
  },
);

t.test('tap, junit and github keep their format: the table goes to stderr', async (t) => {
  const dir = fixture(
    t,
    [statement('Deploy', AUD)],
    [{ name: 'main', ...push('acme/app'), expect: 'allow' }],
  );
  for (const reporter of ['tap', 'junit', 'github']) {
    const r = await cli(['test', '--coverage', '--reporter', reporter], { cwd: dir });
    t.equal(r.status, 0);
    t.notMatch(r.stdout, /coverage {2}statements/, `${reporter}: not on stdout`);
    t.match(r.stderr, /coverage {2}statements 1\/1/, `${reporter}: on stderr`);
  }
});

t.test('lcov: lines and branches of the policy file', async (t) => {
  const dir = fixture(
    t,
    [
      statement('Deploy', {
        StringEquals: {
          [`${GH}:sub`]: ['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:environment:prod'],
        },
      }),
    ],
    [
      { name: 'main', ...push('acme/app'), expect: 'allow' },
      { name: 'other', ...push('acme/other'), expect: 'deny' },
    ],
  );
  const r = await cli(['test', '--coverage-output', 'lcov:out/policies.lcov'], { cwd: dir });
  t.equal(r.status, 2, 'no such folder: refused before running');
  const ok = await cli(['test', '--coverage-output', 'lcov:policies.lcov'], { cwd: dir });
  t.equal(ok.status, 0, ok.stderr);
  const lcov = readFileSync(join(dir, 'policies.lcov'), 'utf8');
  const policy = readFileSync(join(dir, 'p.trust.json'), 'utf8').split('\n');
  const lineOf = (text: string): number => policy.findIndex((l) => l.includes(text)) + 1;
  t.match(lcov, /^TN:\nSF:p\.trust\.json\n/);
  t.match(lcov, new RegExp(`DA:${lineOf('"Sid"') - 1},1\n`), 'the statement applied once');
  t.match(lcov, new RegExp(`DA:${lineOf('refs/heads/main')},1\n`), 'main covered once');
  t.match(lcov, new RegExp(`DA:${lineOf('environment:prod')},0\n`), 'prod never');
  t.match(lcov, /BRDA:\d+,\d+,0,1\nBRDA:\d+,\d+,1,1\n/, 'sub: true once, false once');
  t.match(lcov, /BRF:2\nBRH:2\n/);
  t.match(lcov, /end_of_record\n$/);
  for (const bad of ['lcov:p.trust.json', 'lcov:', 'junit:x.xml']) {
    const r2 = await cli(['test', '--coverage-output', bad], { cwd: dir });
    t.equal(r2.status, 2, `${bad}: exit 2`);
    t.notMatch(r2.stderr, STACK_LINE);
  }
  t.equal(
    readFileSync(join(dir, 'p.trust.json'), 'utf8'),
    policy.join('\n'),
    'the policy is never overwritten',
  );
});

t.test('without --coverage: no coverage object, no table', async (t) => {
  const dir = fixture(
    t,
    [statement('Deploy', AUD)],
    [{ name: 'main', ...push('acme/app'), expect: 'allow' }],
  );
  const j = await cli(['test', '--reporter', 'json'], { cwd: dir });
  t.notOk('coverage' in (JSON.parse(j.stdout) as object));
  const h = await cli(['test'], { cwd: dir });
  t.notMatch(h.stdout, /coverage/);
});

t.test('a provider whose allowed tokens are unknown: said, its regions not counted', async (t) => {
  const dir = fixture(
    t,
    [
      {
        ...statement('Tagged', { StringEquals: { 'aws:RequestTag/team': 'ci' } }),
        Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
      },
    ],
    [
      {
        name: 'tagged',
        ...push('acme/app'),
        token: { 'https://aws.amazon.com/tags': { principal_tags: { team: ['ci'] } } },
        expect: 'allow',
      },
    ],
  );
  const r = await coverage(dir);
  t.equal(r.status, 0, r.stderr);
  t.match(r.coverage.policies[0]?.unknown, [/aws:RequestTag\/team reads the session tags/]);
  t.same(r.coverage.totals.regions, { covered: 0, total: 0, percent: 100 });
  t.same(r.coverage.totals.values, { covered: 1, total: 1, percent: 100 });
  const human = await cli(['test', '--coverage'], { cwd: dir });
  t.match(human.stdout, /regions unknown: token\.actions\.githubusercontent\.com: /);
});
