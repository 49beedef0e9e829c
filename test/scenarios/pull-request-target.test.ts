/**
 * `pull_request_target` runs: GitHub documents the `repo:O/R:pull_request` subject for "a pull
 * request event" without naming pull_request_target; public CI logs show such runs presenting it
 * (tokio-rs/toasty#721), with `ref` the base branch (kyma-project/test-infra#9976). The shorthand
 * and workflow expansion build that subject, and a result that rests on it says so — only when the
 * policy reads `sub`.
 */
import t from 'tap';
import { loadScenarioFile, runScenarios } from '../../lib/scenarios/index.js';
import { cli } from '../cli/helpers.js';
import { GH, GHA_POLICY, HEAD, NOW } from './helpers.js';

const NOTE = 'UNCONFIRMED [pull-request-target]';

/** A policy that reads only the audience and the repository claim, never `sub`. */
const REPOSITORY_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${GH}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [`${GH}:repository`]: 'acme/app' },
      },
    },
  ],
});

type Tap = Pick<typeof t, 'testdir' | 'same'>;

function run(tt: Tap, policy: string, entries: string) {
  const dir = tt.testdir({
    'policy.json': policy,
    'x.trustspec.yaml': `${HEAD}${entries}`,
  });
  const loaded = loadScenarioFile('x.trustspec.yaml', {
    cwd: dir,
    defaultNow: NOW,
    policyCache: new Map(),
  });
  tt.same(loaded.errors, [], 'the file loads');
  return { loaded, results: runScenarios(loaded.scenarios, { trace: 'failures' }) };
}

const entry = (name: string, github: string, expect: string): string =>
  `  - name: ${name}\n    github: ${github}\n    expect: ${expect}\n`;

t.test('the shorthand builds the pull_request subject, the base branch as ref', async (t) => {
  const { loaded } = run(
    t,
    GHA_POLICY,
    entry('target', '{ repository: acme/app, event: pull_request_target }', 'deny'),
  );
  const claims = loaded.scenarios[0]?.claims;
  t.equal(claims?.['sub'], 'repo:acme/app:pull_request');
  t.equal(claims?.['ref'], 'refs/heads/main');
  t.equal(claims?.['event_name'], 'pull_request_target');
});

t.test('the result names the reading when the policy reads sub, and only then', async (t) => {
  const rows: { name: string; policy: string; github: string; expect: string; noted: boolean }[] = [
    {
      name: 'denied by the pull-request Deny: rests on the subject',
      policy: GHA_POLICY,
      github: '{ repository: acme/app, event: pull_request_target }',
      expect: 'deny',
      noted: true,
    },
    {
      name: 'the policy reads only repository: the subject does not matter',
      policy: REPOSITORY_POLICY,
      github: '{ repository: acme/app, event: pull_request_target }',
      expect: 'allow',
      noted: false,
    },
    {
      name: 'a plain pull_request rests on documented behaviour',
      policy: GHA_POLICY,
      github: '{ repository: acme/app, event: pull_request }',
      expect: 'deny',
      noted: false,
    },
    {
      name: 'an explicit ref subject is the user’s, not the reading',
      policy: GHA_POLICY,
      github:
        "{ repository: acme/app, event: pull_request_target, sub: 'repo:acme/app:ref:refs/heads/main' }",
      expect: 'allow',
      noted: false,
    },
    {
      name: 'an environment subject does not rest on it',
      policy: GHA_POLICY,
      github: '{ repository: acme/app, event: pull_request_target, environment: prod }',
      expect: 'allow',
      noted: false,
    },
  ];
  for (const row of rows) {
    const { results } = run(t, row.policy, entry('s', row.github, row.expect));
    const r = results[0];
    t.equal(r?.ok, true, `${row.name}: the expectation holds`);
    const notes = r?.decision?.unconfirmed ?? [];
    t.equal(
      notes.some((n) => n.startsWith(NOTE)),
      row.noted,
      `${row.name}: ${row.noted ? 'noted' : 'not noted'}`,
    );
  }
});

t.test('the reporters show it on a failure (trustspec test, in process)', async (t) => {
  // Expecting an allow fails: the report says what the denial rests on.
  const dir = t.testdir({
    'policy.json': GHA_POLICY,
    'x.trustspec.yaml': `${HEAD}${entry('target', '{ repository: acme/app, event: pull_request_target }', 'allow')}`,
  });
  for (const reporter of ['human', 'json', 'tap', 'junit']) {
    const r = await cli(['test', 'x.trustspec.yaml', '--reporter', reporter], { cwd: dir });
    t.equal(r.status, 1, `${reporter}: the scenario fails`);
    t.match(r.stdout, /UNCONFIRMED \[pull-request-target\]/, `${reporter}: the reading is named`);
  }
});
