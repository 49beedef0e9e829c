/**
 * `trustspec test` loads the AWS SDK only for files that use a live source (issue #8), seen at run
 * time: a child process runs the built command line (dist/, which `npm test` builds first) in
 * process with a module hook that records every module Node resolves. Files with policy files,
 * CloudFormation, CDK and Terraform sources load no `@aws-sdk/*` or `@smithy/*` module; a file
 * with `role: {live: …}` does (so the check can fail). Likewise the symbolic engine loads only for
 * a file with `properties:`.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hookedChild } from '../helpers/module-hook.js';

const MAIN = fileURLToPath(new URL('../../dist/lib/cli/main.js', import.meta.url));
const SOURCES = fileURLToPath(new URL('../fixtures/sources/', import.meta.url));

/** Runs `trustspec test DIR` in a child with a resolve hook; prints the code and the URLs. */
const CHILD = hookedChild(`
import { Writable } from 'node:stream';
const { main } = await import(pathToFileURL(process.env.MAIN).href);
const sink = () => new Writable({ write(_c, _e, cb) { cb(); } });
globalThis.result = await main(['test', process.env.DIR], {
  stdout: sink(), stderr: sink(), cwd: process.env.DIR, env: process.env, now: () => 0,
});
`);

function run(dir: string): { code: number; packages: string[]; modules: string[] } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], {
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      PATH: process.env['PATH'] ?? '',
      MAIN,
      DIR: dir,
      // No credentials anywhere: a live source fails at once, without a network call.
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent/trustspec-test/config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/trustspec-test/credentials',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  const parsed = JSON.parse(r.stdout) as { result: number; seen: string[] };
  const out = { code: parsed.result, seen: parsed.seen };
  const packages = [
    ...new Set(
      out.seen.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []),
    ),
  ].sort();
  const modules = out.seen.flatMap((u) => /\/dist\/(lib\/.*)$/.exec(u)?.[1] ?? []);
  return { code: out.code, packages, modules };
}

const sdk = (pkgs: string[]) =>
  pkgs.filter((p) => p.startsWith('@aws-sdk/') || p.startsWith('@smithy/'));

const scenario = (role: string) =>
  `version: 1\nrole:\n${role}now: 2026-06-01T00:00:00Z\nscenarios:\n  - name: a\n    github: { repository: octo-org/octo-repo, ref: refs/heads/main }\n    expect: allow\n`;

t.test('template, assembly and plan sources load no AWS SDK', (t) => {
  const dir = t.testdir({
    'cfn.trustspec.yaml': scenario(
      "  cloudformation: cloudformation/github-actions-role-long-form.yaml\n  account: '111122223333'\n  region: us-east-1\n",
    ),
    'cdk.trustspec.yaml': scenario(
      "  cdk: cdk/github-oidc\n  stack: GithubOidcIntegStack\n  account: '111122223333'\n  region: us-east-1\n",
    ),
    'tf.trustspec.yaml': scenario(
      '  terraform: terraform/github-oidc-module.plan.json\n  arn: arn:aws:iam::111122223333:role/r\n',
    ),
  });
  for (const kind of ['cloudformation', 'cdk', 'terraform'])
    cpSync(join(SOURCES, kind), join(dir, kind), { recursive: true });
  const r = run(dir);
  t.equal(r.code, 1, 'the files ran (the CloudFormation scenario fails: another owner)');
  // (yaml is required on first use, which an ES module hook does not see; commander is imported.)
  t.ok(r.packages.includes('commander'), `the hook sees packages (${r.packages.join(', ')})`);
  t.same(sdk(r.packages), [], 'no @aws-sdk/* or @smithy/* module');
  t.notOk(
    r.modules.some((m) => m.startsWith('lib/symbolic/') && m !== 'lib/symbolic/predicate.js'),
    'no file has properties: the symbolic engine is not loaded',
  );
  t.end();
});

t.test('a file with properties loads the symbolic engine (the check above can fail)', (t) => {
  const dir = t.testdir({
    'p.trustspec.yaml':
      scenario(
        "  arn: arn:aws:iam::111122223333:role/r\n  trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: Allow, Principal: { Federated: arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com }, Action: sts:AssumeRoleWithWebIdentity, Condition: { StringLike: { token.actions.githubusercontent.com:sub: 'repo:octo-org/*' } } }] }\n",
      ) + "properties:\n  - name: only octo-org\n    only: { sub: 'repo:octo-org/*' }\n",
  });
  const r = run(dir);
  t.equal(r.code, 0);
  t.ok(
    r.modules.includes('lib/symbolic/engine.js'),
    r.modules.filter((m) => m.includes('symbolic')).join(', '),
  );
  t.end();
});

t.test('a live source loads the IAM client (the check above can fail)', (t) => {
  const dir = t.testdir({
    'live.trustspec.yaml': scenario('  live: arn:aws:iam::111122223333:role/deploy/gha-deploy\n'),
  });
  const r = run(dir);
  t.equal(r.code, 2, 'no credentials: an input error');
  t.ok(r.packages.includes('@aws-sdk/client-iam'), r.packages.join(', '));
  t.end();
});
