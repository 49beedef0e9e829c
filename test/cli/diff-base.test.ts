/**
 * `trustspec diff --base GIT_REF [PATHS]` on a temporary git repository (fixed author and
 * committer dates): changed, added and removed policy files, a scenario file whose policy
 * changed, files outside PATHS, the JSON document, the exit codes, and the git errors.
 */
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain } from './helpers.js';

const GH = 'token.actions.githubusercontent.com';
const GH_ARN = `arn:aws:iam::111122223333:oidc-provider/${GH}`;

function policy(sub: string): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Deploy',
          Effect: 'Allow',
          Principal: { Federated: GH_ARN },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
            StringLike: { [`${GH}:sub`]: sub },
          },
        },
      ],
    },
    null,
    2,
  );
}

const SCENARIOS = `version: 1
role:
  arn: arn:aws:iam::111122223333:role/deploy/app
  trustPolicy: ./app.trust.json
providers:
  - url: https://${GH}
    clientIds: [sts.amazonaws.com]
now: 2026-06-01T00:00:00Z
defaults:
  token: { iss: https://${GH}, aud: sts.amazonaws.com }
scenarios:
  - name: main deploys
    token: { sub: 'repo:acme/app:ref:refs/heads/main' }
    expect: allow
`;

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_AUTHOR_DATE: '2026-06-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-06-01T00:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1',
};

function git(dir: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
    cwd: dir,
    env: { ...process.env, ...GIT_ENV, HOME: dir },
    stdio: 'pipe',
  });
}

/** A repository with roles/app (scenario + policy), roles/ci.trust.json, roles/old.trust.json, docs/other.json. */
function repo(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'trustspec-base-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'roles'));
  mkdirSync(join(dir, 'docs'));
  writeFileSync(join(dir, 'roles', 'app.trust.json'), policy('repo:acme/app:ref:refs/heads/main'));
  writeFileSync(join(dir, 'roles', 'app.trustspec.yaml'), SCENARIOS);
  writeFileSync(join(dir, 'roles', 'ci.trust.json'), policy('repo:acme/ci:*'));
  writeFileSync(join(dir, 'roles', 'old.trust.json'), policy('repo:acme/old:*'));
  writeFileSync(join(dir, 'docs', 'other.json'), '{"name": "not a policy"}');
  git(dir, 'init', '-q');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'base');
  return dir;
}

async function run(cwd: string, args: string[]) {
  const r = await runMain(['diff', ...args], { cwd, env: {} });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

t.test('nothing changed: exit 0 and a line that says so', async (t) => {
  const dir = repo(t);
  const r = await run(dir, ['--base', 'HEAD']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /no policy or scenario file under \. changed since HEAD/);
});

t.test('a widened policy behind a scenario file is compared once, with its role', async (t) => {
  const dir = repo(t);
  writeFileSync(join(dir, 'roles', 'app.trust.json'), policy('repo:acme/app:*'));
  writeFileSync(join(dir, 'docs', 'other.json'), '{"name": "still not a policy"}');
  const r = await run(dir, ['--base', 'HEAD', '--json']);
  t.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout) as {
    base: string;
    diffs: Array<{ old: string; new: string; newlyAllowed: Array<{ token: { sub: string } }> }>;
    errors: string[];
  };
  t.equal(doc.base, 'HEAD');
  t.equal(doc.diffs.length, 1, 'the policy file is not compared a second time on its own');
  const d = doc.diffs[0];
  t.equal(d?.old, 'HEAD:roles/app.trustspec.yaml');
  t.equal(d?.new, 'roles/app.trustspec.yaml');
  t.match(d?.newlyAllowed[0]?.token.sub, /^repo:acme\/app:/);
  t.same(doc.errors, []);
});

t.test('added and removed policy files; PATHS limit the search', async (t) => {
  const dir = repo(t);
  writeFileSync(join(dir, 'roles', 'new.trust.json'), policy('repo:acme/new:*'));
  unlinkSync(join(dir, 'roles', 'old.trust.json'));
  const r = await run(dir, ['--base', 'HEAD', 'roles', '--json']);
  t.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout) as {
    diffs: Array<{ old: string; new: string; newlyAllowed: unknown[]; newlyDenied: unknown[] }>;
  };
  const byNew = new Map(doc.diffs.map((d) => [d.new, d]));
  const added = byNew.get('roles/new.trust.json');
  t.equal(added?.old, 'HEAD:roles/new.trust.json (absent)');
  t.ok((added?.newlyAllowed.length ?? 0) > 0, 'everything a new policy allows is newly allowed');
  t.same(added?.newlyDenied, []);
  const removed = byNew.get('roles/old.trust.json (removed)');
  t.same(removed?.newlyAllowed, []);
  t.ok(
    (removed?.newlyDenied.length ?? 0) > 0,
    'everything a removed policy allowed is newly denied',
  );
  const outside = await run(dir, ['--base', 'HEAD', 'docs']);
  t.equal(outside.code, 0);
  t.match(outside.stdout, /no policy or scenario file under docs changed/);
});

t.test('a narrowed policy: exit 0, or 1 with --fail-on any; markdown heading', async (t) => {
  const dir = repo(t);
  writeFileSync(join(dir, 'roles', 'ci.trust.json'), policy('repo:acme/ci:ref:refs/heads/main'));
  const r = await run(dir, ['--base', 'HEAD', '--reporter', 'markdown']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^## trustspec diff since `HEAD`/);
  t.match(r.stdout, /#### Newly denied/);
  const any = await run(dir, ['--base', 'HEAD', '--fail-on', 'any']);
  t.equal(any.code, 1);
  // The contract (scenario-format.md) names the default new-allow; new-access is read the same.
  for (const word of ['new-allow', 'new-access']) {
    const r2 = await run(dir, ['--base', 'HEAD', '--fail-on', word]);
    t.equal(r2.code, 0, word);
  }
  const bad = await run(dir, ['--base', 'HEAD', '--fail-on', 'new-deny']);
  t.equal(bad.code, 2);
});

t.test('--fail-on new-allow exits 1 on a widened policy', async (t) => {
  const dir = repo(t);
  writeFileSync(join(dir, 'roles', 'ci.trust.json'), policy('repo:acme/*'));
  for (const word of ['new-allow', 'new-access', 'any']) {
    const r = await run(dir, ['--base', 'HEAD', '--fail-on', word]);
    t.equal(r.code, 1, word);
  }
});

t.test(
  'github reporter: a newly denied token is annotated in the new file, never at an old line',
  async (t) => {
    // The old text is a commit's: its line numbers would land on other lines of the new file in a
    // pull request. With a Deny added, the annotation points at the Deny; with an Allow narrowed,
    // at the new file without a line.
    const dir = repo(t);
    const doc = JSON.parse(policy('repo:acme/ci:*')) as { Statement: unknown[] };
    // Blank lines push the Deny well below the old file's Allow statement.
    const deny = {
      Sid: 'NoPullRequests',
      Effect: 'Deny',
      Principal: { Federated: GH_ARN },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringLike: { [`${GH}:sub`]: 'repo:acme/ci:pull_request' } },
    };
    doc.Statement.push(deny);
    const text = JSON.stringify(doc, null, 2);
    writeFileSync(join(dir, 'roles', 'ci.trust.json'), text);
    const denyLine = text.split('\n').findIndex((l) => l.includes('"NoPullRequests"'));
    const r = await run(dir, ['--base', 'HEAD', '--reporter', 'github', 'roles/ci.trust.json']);
    t.equal(r.code, 0, r.stderr);
    const denied = r.stdout
      .split('\n')
      .filter((l) => l.includes('title=trustspec diff%3A newly denied'));
    t.equal(denied.length, 1, r.stdout);
    t.match(denied[0], /^::notice file=roles\/ci\.trust\.json,line=(\d+),/);
    const line = Number(/line=(\d+)/.exec(denied[0] ?? '')?.[1]);
    // The Deny statement opens a line or two above its Sid.
    t.ok(
      line <= denyLine + 1 && line >= denyLine - 1,
      `line ${line} is the Deny's (Sid on ${denyLine + 1})`,
    );

    writeFileSync(join(dir, 'roles', 'ci.trust.json'), policy('repo:acme/ci:ref:refs/heads/main'));
    const narrowed = await run(dir, [
      '--base',
      'HEAD',
      '--reporter',
      'github',
      'roles/ci.trust.json',
    ]);
    const lines = narrowed.stdout
      .split('\n')
      .filter((l) => l.includes('title=trustspec diff%3A newly denied'));
    t.ok(lines.length > 0, narrowed.stdout);
    for (const l of lines)
      t.match(l, /^::notice file=roles\/ci\.trust\.json,title=/, 'no old line');
  },
);

t.test('the work tree and the index are left alone', async (t) => {
  const dir = repo(t);
  writeFileSync(join(dir, 'roles', 'ci.trust.json'), policy('repo:acme/*'));
  await run(dir, ['--base', 'HEAD']);
  const status = execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' });
  t.equal(status, ' M roles/ci.trust.json\n');
});

t.test('git problems are one line, exit 2, no stack', async (t) => {
  const dir = repo(t);
  const cases: Array<[string[], RegExp]> = [
    [['--base', 'no-such-branch'], /--base no-such-branch: no such commit/],
    [['--base', '--help-me'], /is not a git revision/],
    [['--base', 'HEAD', '../elsewhere'], /outside the git repository/],
    [['a.json'], /diff needs two files, OLD and NEW \(got 1\)/],
  ];
  for (const [args, message] of cases) {
    const r = await run(dir, args);
    t.equal(r.code, 2, args.join(' '));
    t.match(r.stderr, message);
    t.notMatch(r.stderr, /^\s+at /m);
  }
  const bare = mkdtempSync(join(tmpdir(), 'trustspec-nogit-'));
  t.teardown(() => rmSync(bare, { recursive: true, force: true }));
  const r = await run(bare, ['--base', 'HEAD']);
  t.equal(r.code, 2);
  t.match(r.stderr, /needs a git repository/);
});

t.test(
  'a file that cannot be used is reported and the others still compared (exit 2)',
  async (t) => {
    const dir = repo(t);
    writeFileSync(join(dir, 'roles', 'ci.trust.json'), '{"Statement": [ {"Effect": "Allow" ');
    writeFileSync(join(dir, 'roles', 'new.trust.json'), policy('repo:acme/new:main'));
    const r = await run(dir, ['--base', 'HEAD', '--json']);
    t.equal(r.code, 1, 'new access found elsewhere still says 1');
    const doc = JSON.parse(r.stdout) as { diffs: unknown[]; errors: string[] };
    t.equal(doc.diffs.length, 1);
    t.match(doc.errors[0], /^roles\/ci\.trust\.json: /);
    t.match(r.stderr, /trustspec diff: roles\/ci\.trust\.json/);
  },
);
