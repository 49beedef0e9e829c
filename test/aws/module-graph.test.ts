/**
 * The AWS SDK is loaded only when a cross-check runs, seen at run time: a child process imports
 * the built modules (dist/, which `npm test` builds first) with a module hook that records every
 * module Node resolves. Importing trustspec/core, the library with its scenario runner, the
 * Access Analyzer adapter, the cross-check or the SARIF writer loads no `@aws-sdk/*` or
 * `@smithy/*` module; opening an Access Analyzer client does (so the check can fail).
 * test/core-graph.test.ts checks the same from the sources, statically.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hookedChild } from '../helpers/module-hook.js';

const DIST = fileURLToPath(new URL('../../dist/lib/', import.meta.url));

/** Imports MODULES (JSON list of paths); with OPEN set, then opens and closes a client. */
const CHILD = hookedChild(`
for (const m of JSON.parse(process.env.MODULES)) await import(pathToFileURL(m).href);
if (process.env.LINT) {
  const lint = await import(pathToFileURL(process.env.LINT).href);
  const cross = process.env.LINT_CROSS
    ? { crossCheck: { region: 'us-east-1', maxAttempts: 1, deadlineMs: 2000 } }
    : {};
  await lint.lintPaths([process.env.LINT_PATH], { cwd: process.env.LINT_CWD, ...cross });
}
if (process.env.OPEN) {
  const aa = await import(pathToFileURL(process.env.OPEN).href);
  const session = await aa.openAccessAnalyzer({ region: 'us-east-1' });
  if ('status' in session) throw new Error(session.reason);
  session.close();
}
`);

function loaded(modules: string[], open?: string, extra: Record<string, string> = {}): string[] {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], {
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...process.env,
      MODULES: JSON.stringify(modules.map((m) => `${DIST}${m}`)),
      ...(open ? { OPEN: `${DIST}${open}` } : {}),
      ...extra,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as string[];
}

const packages = (urls: string[]) =>
  [
    ...new Set(urls.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? [])),
  ].sort();

t.test('the built modules are there', (t) => {
  t.ok(existsSync(`${DIST}index.js`), 'dist/ is built (npm test builds it first)');
  t.end();
});

const ENTRIES = [
  'core.js',
  'index.js',
  'scenarios/index.js',
  'aws/access-analyzer.js',
  'aws/cross-check.js',
  'lint/sarif.js',
  'lint/index.js',
  'report/lint.js',
  'cli/lint.js',
];

t.test('importing trustspec, its core, the runner, the adapter or SARIF loads no AWS SDK', (t) => {
  const urls = loaded(ENTRIES);
  for (const entry of ENTRIES)
    t.ok(
      urls.some((u) => u.endsWith(`/dist/lib/${entry}`)),
      `${entry} was imported`,
    );
  const pkgs = packages(urls);
  // (yaml is loaded on first use now: commander, which cli/lint.js imports, shows the hook works.)
  t.ok(pkgs.includes('commander'), `the hook sees packages (${pkgs.join(', ')})`);
  const sdk = pkgs.filter((p) => p.startsWith('@aws-sdk/') || p.startsWith('@smithy/'));
  t.same(sdk, [], 'no @aws-sdk/* or @smithy/* module');
  t.end();
});

t.test('opening an Access Analyzer client loads the SDK (the check above can fail)', (t) => {
  const pkgs = packages(loaded(['aws/access-analyzer.js'], 'aws/access-analyzer.js'));
  t.ok(pkgs.includes('@aws-sdk/client-accessanalyzer'), pkgs.join(', '));
  t.end();
});

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sdkOf = (urls: string[]) =>
  packages(urls).filter((p) => p.startsWith('@aws-sdk/') || p.startsWith('@smithy/'));

t.test('trustspec lint loads the SDK only with --cross-check', (t) => {
  const run = { LINT: `${DIST}lint/run.js`, LINT_PATH: 'spec-examples', LINT_CWD: REPO_ROOT };
  t.same(sdkOf(loaded([], undefined, run)), [], 'lint without the cross-check: no SDK module');
  // The cross-check against an endpoint nobody listens on: the SDK is loaded, the call fails.
  const cross = sdkOf(
    loaded([], undefined, {
      ...run,
      LINT_PATH: 'spec-examples/cognito',
      LINT_CROSS: '1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLETRUSTSPEC',
      AWS_SECRET_ACCESS_KEY: 'fake',
      AWS_ENDPOINT_URL_ACCESSANALYZER: 'http://127.0.0.1:9',
    }),
  );
  t.ok(cross.includes('@aws-sdk/client-accessanalyzer'), cross.join(', '));
  t.end();
});
