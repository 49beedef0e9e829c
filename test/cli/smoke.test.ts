/**
 * The real binary, spawned: a handful of cases for what the in-process tests cannot see — the bin
 * file's wiring (argv, process.exitCode, the real stdout, stderr and stdin), the built dist/, and
 * package.json found from there. Everything else about the CLI runs in process (`cli()`).
 */
import t from 'tap';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FIXTURES,
  NOW,
  REPO,
  SPEC_EXAMPLES,
  STACK_LINE,
  compactJwt,
  spawnCount,
  summaryOf,
  trustspec,
} from './helpers.js';

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
const GITHUB = 'https://token.actions.githubusercontent.com';

t.test('--version', async (t) => {
  const r = trustspec(['--version']);
  t.equal(r.status, 0);
  t.equal(r.stdout, `${pkg.version}\n`);
  t.equal(r.stderr, '');
});

t.test('spec-examples: every scenario meets its expectation, exit 0', async (t) => {
  const r = trustspec(['test', 'spec-examples']);
  t.equal(r.status, 0);
  t.equal(r.stderr, '');
  t.match(summaryOf(r.stdout), { passed: 152, failed: 0, skipped: 0, errors: 0, files: 45 });
});

t.test('a spec-example whose policy was loosened: its scenarios catch it, exit 1', async (t) => {
  // README's walk-through: the sub condition "simplified" to StringLike repo:acme/*.
  const dir = t.testdir({});
  cpSync(join(SPEC_EXAMPLES, 'github-actions'), dir, { recursive: true });
  const policy = join(dir, 'branch-deploy.trust.json');
  const loose = readFileSync(policy, 'utf8')
    .replace('"StringEquals"', '"StringLike"')
    .replace('"repo:acme/app:ref:refs/heads/main"', '"repo:acme/*"');
  t.not(loose, readFileSync(policy, 'utf8'), 'the policy was edited');
  writeFileSync(policy, loose);
  const r = trustspec(['test', 'branch-deploy.trustspec.yaml'], { cwd: dir });
  t.equal(r.status, 1, 'exit 1: scenarios did not meet their expectation');
  t.equal(r.stderr, '');
  t.match(r.stdout, /^ {2}✗ a pull request is refused branch-deploy\.trustspec\.yaml:\d+$/m);
  t.match(r.stdout, /but STS would allow/);
  t.match(summaryOf(r.stdout), { passed: 6, failed: 6, errors: 0, files: 1 });
});

t.test('a usage error: exit 2, one message, no stack trace', async (t) => {
  const r = trustspec(['test', '--reporter', 'xml', 'spec-examples']);
  t.equal(r.status, 2);
  t.equal(r.stdout, '');
  t.match(r.stderr, /^trustspec: .*argument 'xml' is invalid/);
  t.notMatch(r.stderr, STACK_LINE);
});

t.test('--jwt - reads the token from standard input', async (t) => {
  const now = Date.parse(NOW) / 1000;
  const jwt = compactJwt({
    iss: GITHUB,
    sub: 'repo:acme/app:ref:refs/heads/main',
    aud: 'sts.amazonaws.com',
    exp: now + 300,
  });
  const args = ['explain', '--policy', 'deploy.trust.json', '--jwt', '-', '--now', NOW];
  const r = trustspec(args, { cwd: FIXTURES, input: `${jwt}\n` });
  t.equal(r.status, 0, 'allowed');
  t.equal(r.stderr, '');
  t.match(r.stdout, /^decision: ALLOW$/m);

  const empty = trustspec(args, { cwd: FIXTURES, input: '' });
  t.equal(empty.status, 2, 'an empty standard input is no token');
  t.match(empty.stderr, /^trustspec: --jwt: /);
  t.notMatch(empty.stderr, STACK_LINE);
});

t.test('a handful of spawns, no more', async (t) => {
  t.equal(spawnCount(), 6, 'each spawn costs a node start: the rest of the CLI runs in process');
});
