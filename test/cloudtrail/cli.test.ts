/**
 * `trustspec explain --cloudtrail`, `--principal-id` and `trustspec from-cloudtrail`, in process:
 * exit codes, positioned errors, the agreement with CloudTrail, and a written scenario file that
 * loads and passes `trustspec test` when the policy is the one that ran.
 */
import t, { type Test } from 'tap';
import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cli, REPO, STACK_LINE } from '../cli/helpers.js';
import { mkfifo } from '../cli/hostile-harness.js';

const FX = 'test/fixtures/cloudtrail';
const POLICY = `${FX}/policies/github.trust.json`;
const SEED =
  'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com:sts.amazonaws.com:repo:reponame-rn/new-repo:environment:dev';

t.test('explain --cloudtrail: agreement gives exit 0, a mismatch exit 1', async (t) => {
  const cases: [string, string, number, RegExp][] = [
    ['event-success.json', POLICY, 0, /✓ matches CloudTrail/],
    ['event-access-denied.json', POLICY, 0, /recorded {3}AccessDenied: An unknown error occurred/],
    [
      'trail.json',
      `${FX}/policies/github-edited.trust.json`,
      1,
      /✗ MISMATCH: CloudTrail recorded AccessDenied, the simulation is allowed/,
    ],
    [
      'errors.json',
      POLICY,
      0,
      /6 AssumeRoleWithWebIdentity events: 1 match CloudTrail, 0 mismatch, 5 not verifiable/,
    ],
    [
      'cognito.json',
      `${FX}/policies/cognito.trust.json`,
      0,
      /\? not verifiable: the policy reads cognito-identity.amazonaws.com:amr/,
    ],
    [
      'cross-partition.json',
      `${FX}/policies/cross-partition.trust.json`,
      0,
      /federated {2}across partitions from arn:aws:iam::111122223333:role\/exporter in us-east-1/,
    ],
    ['govcloud-eks.json', `${FX}/policies/govcloud-eks.trust.json`, 0, /1 match CloudTrail/],
  ];
  for (const [file, policy, code, out] of cases) {
    const r = await cli(['explain', '--cloudtrail', `${FX}/${file}`, '--policy', policy]);
    t.equal(r.status, code, `${file}: exit`);
    t.match(r.stdout, out, file);
    t.notMatch(r.stderr, STACK_LINE);
  }
});

t.test('skipped events of other APIs are named at their place', async (t) => {
  const r = await cli(['explain', '--cloudtrail', `${FX}/trail.json`, '--policy', POLICY]);
  t.equal(r.status, 0);
  t.match(
    r.stderr,
    /^test\/fixtures\/cloudtrail\/trail\.json:\d+:5: skipped event 3: GetCallerIdentity \(sts\.amazonaws\.com\) is not AssumeRoleWithWebIdentity$/m,
  );
  t.match(r.stdout, /1 event of other APIs skipped/);
});

t.test('lookup-events output from standard input, and --json', async (t) => {
  const input = readFileSync(join(REPO, FX, 'lookup-events.json'), 'utf8');
  const r = await cli(['explain', '--cloudtrail', '-', '--policy', POLICY, '--json'], { input });
  t.equal(r.status, 0);
  const out = JSON.parse(r.stdout) as {
    input: string;
    skipped: unknown[];
    events: { call: { sub: string }; decision: string; comparison: { verdict: string } }[];
    summary: Record<string, number>;
  };
  t.equal(out.input, 'lookup-events');
  t.equal(out.skipped.length, 1);
  t.same(
    out.events.map((e) => [e.call.sub, e.decision, e.comparison.verdict]),
    [
      ['repo:reponame-rn/new-repo:environment:dev', 'allow', 'match'],
      ['repo:acme/app:pull_request', 'deny', 'match'],
    ],
  );
  t.same(out.summary, { events: 2, match: 2, mismatch: 0, unverifiable: 0 });
  t.match(r.stderr, /^<stdin>:\d+:\d+: skipped event 3/m);
});

t.test('bad inputs: file:line:col, what is wrong, exit 2, no stack', async (t) => {
  const cases: [string[], RegExp, string?][] = [
    [
      ['--cloudtrail', `${FX}/bad-other-api.json`, '--policy', POLICY],
      /^test\/fixtures\/cloudtrail\/bad-other-api\.json:1:1: no AssumeRoleWithWebIdentity event: the event is of GetCallerIdentity$/m,
    ],
    [
      ['--cloudtrail', `${FX}/bad-missing-role.json`, '--policy', POLICY],
      /bad-missing-role\.json:\d+:\d+: requestParameters has no "roleArn"/,
    ],
    [
      ['--cloudtrail', `${FX}/bad-lookup-embedded.json`, '--policy', POLICY],
      /bad-lookup-embedded\.json:16:\d+: Events\[0\]\.CloudTrailEvent is not valid JSON/,
    ],
    [['--cloudtrail', '-', '--policy', POLICY], /^<stdin>:1:\d+: not valid JSON/m, '{"Records": ['],
    [
      ['--cloudtrail', `${FX}/nothing.json`, '--policy', POLICY],
      /--cloudtrail: no file "test\/fixtures\/cloudtrail\/nothing\.json"/,
    ],
    [['--cloudtrail', `${FX}/trail.json`], /--cloudtrail needs the trust policy/],
    [['--cloudtrail', `${FX}/trail.json`, '--policy', `${FX}/nothing.json`], /--policy: no file/],
    [
      ['--cloudtrail', `${FX}/trail.json`, '--policy', `${FX}/bad-other-api.json`],
      /bad-other-api\.json:\d+:\d+: /,
    ],
    [
      ['--cloudtrail', `${FX}/trail.json`, '--policy', POLICY, '--sub', 'x'],
      /--sub cannot be given with --cloudtrail: the event records the call/,
    ],
    [
      [
        '--cloudtrail',
        `${FX}/trail.json`,
        '--policy',
        POLICY,
        '--role-arn',
        'arn:aws:iam::111122223333:role/x',
        '--duration',
        '900',
      ],
      /--role-arn, --duration cannot be given with --cloudtrail/,
    ],
    [
      ['--cloudtrail', `${FX}/trail.json`, '--principal-id', SEED, '--policy', POLICY],
      /give --cloudtrail or --principal-id, not both/,
    ],
    [
      ['some.trustspec.yaml', '--cloudtrail', `${FX}/trail.json`, '--policy', POLICY],
      /replays against --policy FILE, not a scenario file/,
    ],
    [
      ['--cloudtrail', `${FX}/trail.json`, '--policy', POLICY, '--max-session-duration', '60'],
      /--max-session-duration "60"/,
    ],
  ];
  for (const [args, err, input] of cases) {
    const r = await cli(['explain', ...args], input !== undefined ? { input } : {});
    t.equal(r.status, 2, args.join(' '));
    t.match(r.stderr, err, args.join(' '));
    t.notMatch(r.stderr, STACK_LINE);
  }
});

t.test('--principal-id: the seed example, its account, and the readings', async (t) => {
  // The policy trusts account 111122223333's provider; the principal id is account 123456789012's.
  const other = await cli(['explain', '--principal-id', SEED, '--policy', POLICY]);
  t.equal(other.status, 1);
  t.match(
    other.stdout,
    /aud {8}sts\.amazonaws\.com\n {2}sub {8}repo:reponame-rn\/new-repo:environment:dev/,
  );
  t.match(other.stdout, /account 111122223333 instead of the role's account 123456789012/);
  const same = SEED.replace('123456789012', '111122223333');
  const ok = await cli([
    'explain',
    '--principal-id',
    same,
    '--policy',
    POLICY,
    '--session-name',
    'GitHubActions',
    '--duration',
    '3600',
  ]);
  t.equal(ok.status, 0, ok.stderr);
  t.match(ok.stdout, /principal id \(the default audience, a subject of the provider’s form\)/);
  t.match(ok.stdout, /session {4}name GitHubActions, duration 3600s/);
  const json = await cli(['explain', '--principal-id', same, '--policy', POLICY, '--json']);
  t.equal(json.status, 0);
  t.equal(
    (JSON.parse(json.stdout) as { events: { decision: string }[] }).events[0]?.decision,
    'allow',
  );
  const ambiguous = await cli([
    'explain',
    '--principal-id',
    'arn:aws:iam::111122223333:oidc-provider/auth.example.com:https://app.example:8443:user',
    '--policy',
    POLICY,
  ]);
  t.match(
    ambiguous.stdout,
    /ambiguous {2}the principal id also reads as aud "https:\/\/app\.example(:8443)?", sub "(8443:)?user"/,
  );
  const built = await cli([
    'explain',
    '--principal-id',
    'cognito-identity.amazonaws.com:us-east-1:11111111-2222-3333-4444-555555555555:us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    '--policy',
    `${FX}/policies/cognito.trust.json`,
  ]);
  t.equal(
    built.status,
    2,
    'a built-in provider and a policy without an account: the role is needed',
  );
  t.match(built.stderr, /--role-arn is needed/);
  const withRole = await cli([
    'explain',
    '--principal-id',
    'cognito-identity.amazonaws.com:us-east-1:11111111-2222-3333-4444-555555555555:us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    '--policy',
    `${FX}/policies/cognito.trust.json`,
    '--role-arn',
    'arn:aws:iam::111122223333:role/Cognito_AppAuth_Role',
  ]);
  t.equal(withRole.status, 1, 'amr is absent from a principal id: the policy denies');
  const policyAccount = await cli([
    'explain',
    '--principal-id',
    'accounts.google.com:1234-example.apps.googleusercontent.com:109876543210',
    '--policy',
    POLICY,
  ]);
  t.match(policyAccount.stdout, /role {7}arn:aws:iam::111122223333:role\/simulated-role/);
  for (const [args, err] of [
    [
      ['--principal-id', 'nobody:a:b', '--policy', POLICY],
      /--principal-id: "nobody:a:b" does not start/,
    ],
    [['--principal-id', SEED], /--principal-id needs the trust policy/],
    [['--principal-id', SEED, '--policy', POLICY, '--duration', 'x'], /--duration "x"/],
    [
      ['--principal-id', SEED, '--policy', POLICY, '--aud', 'x'],
      /--aud cannot be given with --principal-id/,
    ],
  ] as [string[], RegExp][]) {
    const r = await cli(['explain', ...args]);
    t.equal(r.status, 2, args.join(' '));
    t.match(r.stderr, err);
  }
});

/** A fresh folder with the fixtures (events and policies). */
function folder(t: Test): string {
  const dir = t.testdir({});
  cpSync(join(REPO, FX), dir, { recursive: true });
  return dir;
}

t.test('from-cloudtrail: the file written loads and passes trustspec test', async (t) => {
  const dir = folder(t);
  const r = await cli(['from-cloudtrail', 'trail.json', '--policy', 'policies/github.trust.json'], {
    cwd: dir,
  });
  t.equal(r.status, 0, r.stderr);
  t.match(
    r.stdout,
    /^wrote trail\.trustspec\.yaml: 2 scenarios for 1 role; run trustspec test trail\.trustspec\.yaml$/m,
  );
  const doc = parse(readFileSync(join(dir, 'trail.trustspec.yaml'), 'utf8')) as {
    role: { arn: string; trustPolicy: string };
    providers: unknown[];
    scenarios: { name: string; expect: unknown; now: string }[];
  };
  t.same(doc.role, {
    arn: 'arn:aws:iam::111122223333:role/deploy/gha-deploy',
    trustPolicy: './policies/github.trust.json',
  });
  t.same(
    doc.scenarios.map((s) => s.expect),
    ['allow', { deny: { stage: 'trust-policy', code: 'AccessDenied' } }],
  );
  t.equal(doc.scenarios[0]?.now, '2026-05-20T09:03:00Z');
  const test = await cli(['test', 'trail.trustspec.yaml'], { cwd: dir });
  t.equal(test.status, 0, test.stdout + test.stderr);
  t.match(test.stdout, /2 passed, 0 failed/);
  // An edited policy: the pinned recorded outcomes fail, and the writer warned.
  const edited = await cli(
    [
      'from-cloudtrail',
      'trail.json',
      '--policy',
      'policies/github-edited.trust.json',
      '-o',
      'edited.trustspec.yaml',
    ],
    { cwd: dir },
  );
  t.equal(edited.status, 0);
  t.match(
    edited.stderr,
    /warning: event 2: CloudTrail recorded AccessDenied, the simulation is allowed/,
  );
  const failing = await cli(['test', 'edited.trustspec.yaml'], { cwd: dir });
  t.equal(failing.status, 1);
});

t.test(
  'from-cloudtrail: several roles, a ValidationError, and the calls it cannot pin',
  async (t) => {
    const dir = folder(t);
    const mixed = await cli(
      [
        'from-cloudtrail',
        'mixed-roles.json',
        '-p',
        'gha-deploy=policies/github.trust.json',
        '-p',
        'arn:aws-us-gov:iam::444455556666:role/payments-api=policies/govcloud-eks.trust.json',
        '-o',
        '-',
      ],
      { cwd: dir },
    );
    t.equal(mixed.status, 0, mixed.stderr);
    const doc = parse(mixed.stdout) as {
      role?: unknown;
      scenarios: { role: Record<string, string> }[];
    };
    t.equal(doc.role, undefined, 'no file-level role with several roles');
    t.same(
      doc.scenarios.map((s) => Object.keys(s.role)),
      [['arn', 'trustPolicy'], ['arn', 'trustPolicy'], ['live']],
    );
    // The two roles with a policy: written to a file and tested.
    const two = JSON.parse(readFileSync(join(dir, 'mixed-roles.json'), 'utf8')) as {
      Records: unknown[];
    };
    writeFileSync(join(dir, 'two.json'), JSON.stringify({ Records: two.Records.slice(0, 2) }));
    const w = await cli(
      [
        'from-cloudtrail',
        'two.json',
        '-p',
        'gha-deploy=policies/github.trust.json',
        '-p',
        'payments-api=policies/govcloud-eks.trust.json',
      ],
      { cwd: dir },
    );
    t.equal(w.status, 0, w.stderr);
    const tested = await cli(['test', 'two.trustspec.yaml'], { cwd: dir });
    t.equal(tested.status, 0, tested.stdout);
    const errors = await cli(
      ['from-cloudtrail', 'errors.json', '-p', 'policies/github.trust.json'],
      { cwd: dir },
    );
    t.equal(errors.status, 0, errors.stderr);
    t.match(
      errors.stderr,
      /errors\.json:\d+:5: not pinned: event 1 \(InvalidIdentityToken: STS refused the token itself/,
    );
    t.match(
      errors.stderr,
      /not pinned: event 6 \(PackedPolicyTooLarge: not decided by what a scenario describes\)/,
    );
    const text = readFileSync(join(dir, 'errors.trustspec.yaml'), 'utf8');
    t.match(text, /^# Not pinned: event 2 at 2026-05-20T09:02:00Z \(ExpiredTokenException/m);
    const tested2 = await cli(['test', 'errors.trustspec.yaml'], { cwd: dir });
    t.equal(tested2.status, 0, tested2.stdout);
    t.match(tested2.stdout, /1 passed, 0 failed/);
  },
);

t.test('from-cloudtrail: never clobbers, never writes what is not a regular file', async (t) => {
  const dir = folder(t);
  const args = ['from-cloudtrail', 'trail.json', '-p', 'policies/github.trust.json'];
  t.equal((await cli(args, { cwd: dir })).status, 0);
  writeFileSync(join(dir, 'trail.trustspec.yaml'), 'mine\n');
  const again = await cli(args, { cwd: dir });
  t.equal(again.status, 2);
  t.match(again.stderr, /trail\.trustspec\.yaml exists: not replaced/);
  t.equal(readFileSync(join(dir, 'trail.trustspec.yaml'), 'utf8'), 'mine\n');
  const forced = await cli([...args, '--force'], { cwd: dir });
  t.equal(forced.status, 0);
  t.match(
    readFileSync(join(dir, 'trail.trustspec.yaml'), 'utf8'),
    /^# Made by trustspec from-cloudtrail/,
  );
  mkfifo(join(dir, 'pipe'));
  symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
  const cases: [string[], RegExp][] = [
    [
      ['-o', 'policies'],
      /-o policies is a folder: trustspec from-cloudtrail writes only regular files/,
    ],
    [['-o', 'pipe', '--force'], /-o pipe is a named pipe/],
    [['-o', 'dangling', '--force'], /-o dangling is a link to nothing: not replaced/],
    [['-o', 'no/such/out.yaml'], /the folder no\/such does not exist/],
    [['-o', 'trail.json', '--force'], /-o trail\.json is the CloudTrail file itself/],
  ];
  for (const [extra, err] of cases) {
    const r = await cli([...args, ...extra], { cwd: dir });
    t.equal(r.status, 2, extra.join(' '));
    t.match(r.stderr, err);
  }
});

t.test('from-cloudtrail: bad inputs exit 2 with their place', async (t) => {
  const dir = folder(t);
  const cases: [string[], RegExp][] = [
    [['bad-other-api.json'], /^bad-other-api\.json:1:1: no AssumeRoleWithWebIdentity event/m],
    [
      ['bad-missing-role.json'],
      /^bad-missing-role\.json:\d+:\d+: requestParameters has no "roleArn"/m,
    ],
    [['missing.json'], /from-cloudtrail: no file "missing\.json"/],
    [
      ['mixed-roles.json', '-p', 'policies/github.trust.json'],
      /--policy policies\/github\.trust\.json: the events name 3 roles, say which/,
    ],
    [
      ['mixed-roles.json', '-p', 'nobody=policies/github.trust.json'],
      /no recorded call assumes "nobody"/,
    ],
    [['trail.json', '-p', 'policies/missing.json'], /--policy: no file/],
    [
      ['trail.json', '-p', 'bad-other-api.json'],
      /--policy for arn:aws:iam::111122223333:role\/deploy\/gha-deploy: the policy cannot be used/,
    ],
  ];
  for (const [args, err] of cases) {
    const r = await cli(['from-cloudtrail', ...args, '-o', '-'], { cwd: dir });
    t.equal(r.status, 2, args.join(' '));
    t.match(r.stderr, err, args.join(' '));
    t.notMatch(r.stderr, STACK_LINE);
  }
  const only = await cli(['from-cloudtrail', '-'], {
    cwd: dir,
    input: JSON.stringify({
      Records: [JSON.parse(readFileSync(join(dir, 'errors.json'), 'utf8')).Records[0]],
    }),
  });
  t.equal(only.status, 2);
  t.match(only.stderr, /no call of <stdin> can be pinned: nothing written/);
});

t.test(
  'from-cloudtrail: claims with quotes, control characters, tags and source identity round-trip',
  async (t) => {
    const dir = folder(t);
    const e = JSON.parse(readFileSync(join(dir, 'event-success.json'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    const sub = "repo:o'brien/app:environment:it's\tdev";
    const provider = e['userIdentity']?.['identityProvider'] as string;
    Object.assign(e['userIdentity'] as object, {
      principalId: `${provider}:sts.amazonaws.com:${sub}`,
      userName: sub,
    });
    e['responseElements'] = null as unknown as Record<string, unknown>;
    Object.assign(e['requestParameters'] as object, {
      sourceIdentity: 'alice',
      principalTags: { 'cost-center': '24680' },
      transitiveTagKeys: ['cost-center'],
    });
    const r = await cli(['from-cloudtrail', '-', '-o', '-'], {
      cwd: dir,
      input: JSON.stringify(e),
    });
    t.equal(r.status, 0, r.stderr);
    const doc = parse(r.stdout) as {
      role: Record<string, string>;
      scenarios: { token: unknown }[];
    };
    t.same(
      doc.role,
      { live: 'arn:aws:iam::111122223333:role/deploy/gha-deploy' },
      'no policy: read live',
    );
    t.same(doc.scenarios[0]?.token, {
      iss: 'https://token.actions.githubusercontent.com',
      aud: 'sts.amazonaws.com',
      sub,
      'https://aws.amazon.com/source_identity': 'alice',
      'https://aws.amazon.com/tags': {
        principal_tags: { 'cost-center': ['24680'] },
        transitive_tag_keys: ['cost-center'],
      },
    });
  },
);
