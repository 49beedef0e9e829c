/**
 * Properties in scenario files (issue #10 item 3): `only:`, `never:`, `always:` decided over all
 * tokens by the symbolic engine. A table of policies and properties, each with the verdict and,
 * for a refutation, the counterexample's subject — replayed through the simulator, so the
 * decision shown is the one STS would give. An undecidable property blocks (exit 2), never passes;
 * bad predicates are positioned errors; the engine is loaded only for files with properties.
 */
import t from 'tap';
import { loadAndRun, loadAndRunAsync, type ScenarioResult } from '../../lib/scenarios/index.js';
import { parsePolicy } from '../../lib/policy/parse.js';
import { compilePolicy } from '../../lib/sts/compile.js';
import { simulate } from '../../lib/sts/simulate.js';
import { checkProperty, parsePredicate } from '../../lib/symbolic/properties.js';
import { runMain } from '../cli/helpers.js';

const GH = 'token.actions.githubusercontent.com';
const PRINCIPAL = `arn:aws:iam::111122223333:oidc-provider/${GH}`;

function policy(sub: string | string[], deny?: string): string {
  const statements: unknown[] = [
    {
      Effect: 'Allow',
      Principal: { Federated: PRINCIPAL },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
        StringLike: { [`${GH}:sub`]: sub },
      },
    },
  ];
  if (deny)
    statements.push({
      Effect: 'Deny',
      Principal: { Federated: PRINCIPAL },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringLike: { [`${GH}:sub`]: deny } },
    });
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function file(properties: string): string {
  return `version: 1
role:
  arn: arn:aws:iam::111122223333:role/deploy
  trustPolicy: ./p.json
providers:
  - url: https://${GH}
    clientIds: [sts.amazonaws.com]
now: 2026-06-01T00:00:00Z
scenarios:
  - name: a scenario
    github: { repository: acme/app, ref: refs/heads/main }
    expect: allow
properties:
${properties}`;
}

interface Row {
  name: string;
  sub: string | string[];
  deny?: string;
  property: string;
  verdict: 'proven' | 'refuted';
  /** The counterexample's sub must match this. */
  example?: RegExp;
}

const ROWS: Row[] = [
  {
    name: 'only: the owner, proven',
    sub: 'repo:acme/*',
    property: "only: { github: { repository: 'acme/*' } }",
    verdict: 'proven',
  },
  {
    name: 'only: one repository of an owner-wide policy, refuted',
    sub: 'repo:acme/*',
    property: "only: { sub: 'repo:acme/app:*' }",
    verdict: 'refuted',
    example: /^repo:acme\/(?!app:)/,
  },
  {
    name: 'never: pull requests, refuted by a policy that lets them in',
    sub: 'repo:acme/app:*',
    property: "never: { github: { repository: '*', event: pull_request } }",
    verdict: 'refuted',
    example: /^repo:acme\/app:pull_request$/,
  },
  {
    name: 'never: pull requests, proven once a Deny carves them out',
    sub: 'repo:acme/app:*',
    deny: 'repo:*:pull_request',
    property: "never: { github: { repository: '*', event: pull_request } }",
    verdict: 'proven',
  },
  {
    name: 'always: the release tags of a repository, proven',
    sub: ['repo:acme/app:ref:refs/tags/v*', 'repo:acme/app:ref:refs/heads/main'],
    property: "always: { github: { repository: acme/app, ref: 'refs/tags/v*' } }",
    verdict: 'proven',
  },
  {
    name: 'always: every branch, refuted by a main-only policy',
    sub: 'repo:acme/app:ref:refs/heads/main',
    property: "always: { github: { repository: acme/app, ref: 'refs/heads/*' } }",
    verdict: 'refuted',
    example: /^repo:acme\/app:ref:refs\/heads\/(?!main$)/,
  },
  {
    name: 'only: a full condition key, a list means any of them',
    sub: ['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:environment:prod'],
    property: `only: { '${GH}:sub': ['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:environment:*'] }`,
    verdict: 'proven',
  },
  {
    name: 'never: another provider, proven (the role trusts only GitHub)',
    sub: 'repo:acme/*',
    property: "never: { 'accounts.google.com:aud': '*' }",
    verdict: 'proven',
  },
  {
    name: 'always: tokens of a provider the role does not trust, refuted',
    sub: 'repo:acme/*',
    property: "always: { 'accounts.google.com:aud': 'my-web-client' }",
    verdict: 'refuted',
  },
];

t.test('a table of properties: verdicts and counterexamples', async (t) => {
  for (const row of ROWS) {
    const dir = t.testdir({
      'p.json': policy(row.sub, row.deny),
      'f.trustspec.yaml': file(`  - name: the property\n    ${row.property}\n`),
    });
    const run = await loadAndRunAsync([dir], { cwd: dir, trace: 'failures' });
    t.same(run.errors, [], `${row.name}: loads`);
    const r = run.results.find((x) => x.name === 'the property') as ScenarioResult;
    t.equal(r?.property?.result, row.verdict, row.name);
    t.equal(r?.ok, row.verdict === 'proven', `${row.name}: ok`);
    if (row.verdict === 'refuted') {
      const sub = String(r.property?.example?.token['sub']);
      t.match(sub, row.example ?? /./, `${row.name}: counterexample ${sub}`);
      // The decision shown is the simulator's own, and it breaks the property.
      const kind = /^\s*(only|never|always)/.exec(row.property)?.[1];
      t.equal(r.decision?.decision, kind === 'always' ? 'deny' : 'allow', `${row.name}: decision`);
      t.match(r.mismatch, /^property refuted — /);
    }
  }
});

t.test(
  'every counterexample is what the simulator decides (replayed, independent check)',
  async (t) => {
    const parsed = parsePolicy(policy('repo:acme/*', 'repo:acme/secret:*'));
    if (!parsed.ok) throw new Error('policy');
    const role = {
      role: { arn: 'arn:aws:iam::111122223333:role/deploy', policy: compilePolicy(parsed.policy) },
      providers: [{ url: `https://${GH}`, clientIds: ['sts.amazonaws.com'] }],
    };
    const cases: ['only' | 'never' | 'always', unknown][] = [
      ['only', { sub: 'repo:acme/app:*' }],
      ['never', { sub: 'repo:acme/*:pull_request' }],
      ['always', { sub: 'repo:acme/*' }],
    ];
    for (const [kind, raw] of cases) {
      const p = parsePredicate(raw);
      if (!p.predicate) throw new Error('predicate');
      const out = checkProperty(role, kind, p.predicate, { now: Date.UTC(2026, 5, 1) });
      t.equal(out.result, 'refuted', `${kind} ${JSON.stringify(raw)}`);
      if (out.result !== 'refuted' || !out.example) continue;
      const d = simulate({
        ...role,
        token: { claims: out.example.token as Record<string, string> },
        request: out.example.request,
        now: Date.UTC(2026, 5, 1),
      });
      t.equal(d.decision, kind === 'always' ? 'deny' : 'allow', `${kind}: the simulator agrees`);
    }
    const tight = parsePredicate({ sub: 'repo:acme/*' });
    const unknown = checkProperty(role, 'only', tight.predicate!, {
      now: Date.UTC(2026, 5, 1),
      budget: 1,
    });
    t.equal(unknown.result, 'unknown', 'an exhausted budget is unknown, never proven');
  },
);

t.test('bad properties: positioned errors', async (t) => {
  const cases: [string, string, string][] = [
    ['  - name: x\n', 'property-kind', 'says neither only, never nor always'],
    [
      "  - name: x\n    only: { sub: 'a' }\n    never: { sub: 'b' }\n",
      'property-kind',
      'gives only and never',
    ],
    ["  - name: x\n    only: { iss: 'a' }\n", 'bad-property', '"iss" is not a condition key'],
    [
      '  - name: x\n    only: { github: { repository: a/b, ref: x, event: pull_request } }\n',
      'bad-property',
      'one of ref, environment and event',
    ],
    ['  - name: x\n    only: { github: { repo: a/b } }\n', 'bad-property', 'unknown field "repo"'],
    [
      '  - name: x\n    never: { github: { repository: a/b, event: pull_request_target } }\n',
      'bad-property',
      'event "pull_request_target" does not appear in the subject',
    ],
    ["  - name: x\n    only: { eks: { issuer: 'oidc.eks' } }\n", 'bad-property', 'issuer URL'],
    ['  - name: x\n    only: { sub: [] }\n', 'bad-value', 'a predicate value is a pattern'],
  ];
  for (const [text, code, message] of cases) {
    const dir = t.testdir({ 'p.json': policy('repo:acme/*'), 'f.trustspec.yaml': file(text) });
    const run = await loadAndRunAsync([dir], { cwd: dir });
    const e = run.errors.find((x) => x.code === code);
    t.ok(e, `${text.trim()}: ${code} (got ${run.errors.map((x) => x.code).join(', ')})`);
    t.match(e?.message, message, `${text.trim()}: message`);
    t.ok((e?.line ?? 0) >= 14, `${text.trim()}: placed in the property (line ${e?.line})`);
    t.ok(
      run.results.some((r) => r.name === 'x' && r.blockedBy !== undefined),
      `${text.trim()}: the property is reported as not run`,
    );
  }
  // pull_request_target presents the pull_request subject: the hint says which event to write.
  const dir = t.testdir({
    'p.json': policy('repo:acme/*'),
    'f.trustspec.yaml': file(
      '  - name: x\n    never: { github: { repository: a/b, event: pull_request_target } }\n',
    ),
  });
  const run = await loadAndRunAsync([dir], { cwd: dir });
  t.match(
    run.errors.find((x) => x.code === 'bad-property')?.hint,
    /UNCONFIRMED \[pull-request-target\]\): event: pull_request covers both/,
  );
});

t.test('through the CLI: exit codes, reporters, the synchronous runner', async (t) => {
  const dir = t.testdir({
    'p.json': policy('repo:acme/*'),
    'ok.trustspec.yaml': file("  - name: only acme\n    only: { sub: 'repo:acme/*' }\n"),
  });
  const ok = await runMain(['test', dir, '--reporter', 'json'], { cwd: dir, env: {} });
  t.equal(ok.status, 0, ok.stderr);
  const report = JSON.parse(ok.stdout) as { results: { name: string; status: string }[] };
  t.same(
    report.results.map((r) => `${r.status} ${r.name}`),
    ['passed a scenario', 'passed only acme'],
  );
  const tap = await runMain(['test', dir, '--reporter', 'tap'], { cwd: dir, env: {} });
  t.match(tap.stdout, /^ok 2 - .*only acme/m);

  const bad = t.testdir({
    'p.json': policy('repo:acme/*'),
    'bad.trustspec.yaml': file("  - name: only app\n    only: { sub: 'repo:acme/app:*' }\n"),
  });
  const refuted = await runMain(['test', bad], { cwd: bad, env: {} });
  t.equal(refuted.status, 1, 'a refuted property fails the run');
  t.match(refuted.stdout, /✗ only app/);
  t.match(
    refuted.stdout,
    /property refuted — this token is allowed, and it is not one the property names: sub "repo:acme\//,
  );

  const sync = loadAndRun([bad], { cwd: bad });
  t.same(
    sync.results.filter((r) => r.blockedBy).map((r) => r.blockedBy?.code),
    ['property-not-decided'],
    'the synchronous runner does not pass a property it did not decide',
  );
});
