/**
 * The code cache the command and the library start from (lib/compile-cache.ts): where it lives,
 * which folders and files it trusts, that it is written atomically and never over something else,
 * and that a bundle runs alike with and without it — including `import()` of a package, which V8
 * loses in functions compiled from a cache unless the bundle goes through the loader's hook. The
 * package's entry (dist/lib/main.js) is the library's: the same names, the same answers.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import {
  BUILD_LINE,
  BUILD_PREFIX,
  cacheFolder,
  cacheKey,
  COMMANDS,
  IMPORT_HOOK_KEY,
  loadLibrary,
  readCache,
  runBundle,
  usableFolder,
  writeCache,
} from '../lib/compile-cache.js';
import { cleanEnv, cli } from './cli/helpers.js';
import { mkfifo } from './cli/hostile-harness.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const posix = process.platform !== 'win32';

t.test('the folder: TRUSTSPEC_COMPILE_CACHE, then XDG_CACHE_HOME, then ~/.cache', (t) => {
  const home = () => '/home/u';
  const rows: [NodeJS.ProcessEnv, NodeJS.Platform, string | undefined][] = [
    [{}, 'linux', '/home/u/.cache/trustspec'],
    [{ XDG_CACHE_HOME: '/var/cache/u' }, 'linux', '/var/cache/u/trustspec'],
    // A relative XDG_CACHE_HOME is invalid (the XDG spec): ignored.
    [{ XDG_CACHE_HOME: 'cache' }, 'linux', '/home/u/.cache/trustspec'],
    [{ TRUSTSPEC_COMPILE_CACHE: '/tmp/tc', XDG_CACHE_HOME: '/x' }, 'linux', '/tmp/tc'],
    // A relative folder: from the working folder (here /home/u/project).
    [{ TRUSTSPEC_COMPILE_CACHE: 'cache' }, 'linux', '/home/u/project/cache'],
    [{ TRUSTSPEC_COMPILE_CACHE: '../c' }, 'linux', '/home/u/c'],
    [{ TRUSTSPEC_COMPILE_CACHE: 'off' }, 'linux', undefined],
    [{ TRUSTSPEC_COMPILE_CACHE: 'OFF' }, 'linux', undefined],
    [{ TRUSTSPEC_COMPILE_CACHE: '0' }, 'linux', undefined],
    [{ TRUSTSPEC_COMPILE_CACHE: 'false' }, 'linux', undefined],
    [{ TRUSTSPEC_COMPILE_CACHE: '' }, 'linux', undefined],
    [{ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', undefined],
    [{}, 'win32', undefined],
  ];
  for (const [env, platform, want] of rows) {
    t.equal(
      cacheFolder(env, platform, home, () => '/home/u/project'),
      want,
      `${platform} ${JSON.stringify(env)}`,
    );
  }
  t.equal(
    cacheFolder({ TRUSTSPEC_COMPILE_CACHE: 'cache' }, 'linux', home, () => {
      throw new Error('ENOENT: the working folder was deleted');
    }),
    undefined,
    'a relative folder without a working folder: no cache',
  );
  t.equal(
    cacheFolder({}, 'linux', () => {
      throw new Error('no home');
    }),
    undefined,
    'no home folder: no cache',
  );
  t.equal(
    cacheFolder({}, 'linux', () => ''),
    undefined,
    'an empty home: no cache',
  );
  t.end();
});

t.test('each command has a cache of its own; anything else shares one', async (t) => {
  const rows: [string[], string][] = [
    [['test', 'spec-examples'], 'test'],
    [['who', 'x.json'], 'who'],
    [['from-cloudtrail', 'trail.json'], 'from-cloudtrail'],
    [[], 'other'],
    [['--version'], 'other'],
    [['help'], 'other'],
    [['tset'], 'other'],
    [['../../etc'], 'other'],
  ];
  for (const [argv, want] of rows) t.equal(cacheKey(argv), want, JSON.stringify(argv));
  // The list is the commands main.ts registers, as `--help` lists them.
  const help = await cli(['--help']);
  const listed = [...help.stdout.split('Commands:')[1]!.matchAll(/^ {2}([a-z][a-z-]*) /gm)]
    .map((m) => m[1])
    .filter((name) => name !== 'help');
  t.same([...COMMANDS].sort(), listed.sort());
  t.end();
});

t.test('only a folder of the user, writable by nobody else, is used', { skip: !posix }, (t) => {
  const dir = t.testdir({ own: {}, open: {}, file: 'x' });
  chmodSync(join(dir, 'own'), 0o700);
  chmodSync(join(dir, 'open'), 0o777);
  t.ok(usableFolder(join(dir, 'own')), 'mode 700');
  t.notOk(usableFolder(join(dir, 'open')), 'mode 777: anyone could plant code');
  chmodSync(join(dir, 'open'), 0o770);
  t.notOk(usableFolder(join(dir, 'open')), 'mode 770: the group could');
  t.notOk(usableFolder(join(dir, 'file')), 'a file');
  t.notOk(usableFolder(join(dir, 'missing')), 'nothing there');
  t.end();
});

t.test('a cache file is read only when it is a regular file, not through a link', (t) => {
  const dir = t.testdir({ good: 'bytes', empty: '' });
  t.same(readCache(join(dir, 'good')), Buffer.from('bytes'));
  t.equal(readCache(join(dir, 'empty')), undefined, 'empty');
  t.equal(readCache(join(dir, 'missing')), undefined, 'missing');
  mkdirSync(join(dir, 'folder'));
  t.equal(readCache(join(dir, 'folder')), undefined, 'a folder');
  if (posix) {
    symlinkSync(join(dir, 'good'), join(dir, 'link'));
    t.equal(readCache(join(dir, 'link')), undefined, 'a symbolic link');
    mkfifo(join(dir, 'fifo'));
    t.equal(readCache(join(dir, 'fifo')), undefined, 'a FIFO, without waiting for a writer');
  }
  t.end();
});

t.test('the cache is written atomically, and never over anything but a file', (t) => {
  const dir = t.testdir({});
  const folder = join(dir, 'a', 'b');
  t.ok(writeCache(folder, join(folder, 'c.v8'), Buffer.from('one')), 'writes, making folders');
  t.equal(readFileSync(join(folder, 'c.v8'), 'utf8'), 'one');
  if (posix) {
    t.equal(statSync(folder).mode & 0o777, 0o700, 'the folder is the user’s alone');
    t.equal(statSync(join(folder, 'c.v8')).mode & 0o777, 0o600, 'and so is the file');
  }
  t.ok(writeCache(folder, join(folder, 'c.v8'), Buffer.from('two')), 'replaces a cache file');
  t.equal(readFileSync(join(folder, 'c.v8'), 'utf8'), 'two');
  t.same(readdirSync(folder), ['c.v8'], 'no temporary file left');
  mkdirSync(join(folder, 'dir.v8'));
  t.notOk(writeCache(folder, join(folder, 'dir.v8'), Buffer.from('x')), 'not over a folder');
  if (posix) {
    writeFileSync(join(dir, 'target'), 'keep');
    symlinkSync(join(dir, 'target'), join(folder, 'link.v8'));
    t.notOk(writeCache(folder, join(folder, 'link.v8'), Buffer.from('x')), 'not over a link');
    t.equal(readFileSync(join(dir, 'target'), 'utf8'), 'keep', 'the link’s target untouched');
    mkfifo(join(folder, 'fifo.v8'));
    t.notOk(writeCache(folder, join(folder, 'fifo.v8'), Buffer.from('x')), 'not over a FIFO');
    t.ok(statSync(join(folder, 'fifo.v8')).isFIFO(), 'the FIFO is still there');
    const open = join(dir, 'open');
    mkdirSync(open, { mode: 0o777 });
    chmodSync(open, 0o777);
    t.notOk(writeCache(open, join(open, 'c.v8'), Buffer.from('x')), 'not in a shared folder');
    t.notOk(existsSync(join(open, 'c.v8')));
  }
  t.end();
});

t.test('old caches of other builds and leftover temporary files are removed', (t) => {
  const dir = t.testdir({});
  const folder = join(dir, 'c');
  const now = Date.UTC(2026, 11, 1);
  const day = 24 * 3600 * 1000;
  mkdirSync(folder, { mode: 0o700 });
  chmodSync(folder, 0o700);
  const files: [string, number, boolean][] = [
    ['aaaaaaaaaaaaaaaa-test-v20.20.2-x64.v8', 31 * day, false], // another build, a month old
    ['bbbbbbbbbbbbbbbb-who-v20.20.2-x64.v8', 29 * day, true], // another build, recent
    ['cccccccccccccccc-other-v22.1.0-arm64.v8', 40 * day, false], // another Node
    ['.123-abc.tmp', 2 * day, false], // an interrupted write
    ['.456-def.tmp', 3600 * 1000, true], // a write that may still be going on
    ['notes.txt', 400 * day, true], // not ours
    ['dddddddddddddddd-test-v20.20.2-x64.v8.bak', 400 * day, true], // not a cache name
  ];
  for (const [name, age] of files) {
    writeFileSync(join(folder, name), 'x');
    utimesSync(join(folder, name), (now - age) / 1000, (now - age) / 1000);
  }
  mkdirSync(join(folder, 'eeeeeeeeeeeeeeee-test-v20.20.2-x64.v8'));
  utimesSync(join(folder, 'eeeeeeeeeeeeeeee-test-v20.20.2-x64.v8'), 0, 0);
  const mine = join(folder, 'ffffffffffffffff-test-v20.20.2-x64.v8');
  t.ok(writeCache(folder, mine, Buffer.from('new'), now));
  const left = new Set(readdirSync(folder));
  for (const [name, , kept] of files)
    t.equal(left.has(name), kept, `${name}: ${kept ? 'kept' : 'removed'}`);
  t.ok(
    left.has('eeeeeeeeeeeeeeee-test-v20.20.2-x64.v8'),
    'a folder with a cache name is left alone',
  );
  t.ok(left.has('ffffffffffffffff-test-v20.20.2-x64.v8'), 'the cache just written');
  t.end();
});

/** A bundle as scripts/bundle.mjs shapes one: a build line, then a CommonJS module. */
function fakeBundle(dir: string, body: string, id = '0123456789abcdef'): URL {
  const file = join(dir, `${id}.cjs`);
  writeFileSync(
    file,
    `${BUILD_PREFIX}${id}\n"use strict";\n` +
      `var __trustspec_import = globalThis[Symbol.for("${IMPORT_HOOK_KEY}")] ?? ((s) => import(s));\n` +
      body,
  );
  return pathToFileURL(file);
}

const BODY = `
module.exports.start = async function start() {
  const path = await __trustspec_import('node:path');
  globalThis.__bundleRuns = [...(globalThis.__bundleRuns ?? []), path.posix.join('a', 'b')];
};
`;

t.test('a bundle runs alike from no cache, its own cache, and a damaged one', async (t) => {
  const dir = t.testdir({ cache: {} });
  const folder = join(dir, 'cache');
  if (posix) chmodSync(folder, 0o700);
  const url = fakeBundle(dir, BODY);
  const env = { TRUSTSPEC_COMPILE_CACHE: folder };
  const g = globalThis as { __bundleRuns?: string[] };
  g.__bundleRuns = [];
  const never = () => Promise.reject(new Error('the fallback must not run'));
  t.equal(
    await runBundle(url, ['test'], env, never),
    'written',
    'first run: compiled, cache written',
  );
  const [cacheFile] = readdirSync(folder);
  t.match(
    cacheFile,
    /^0123456789abcdef-test-v\d+\.\d+\.\d+-\w+\.v8$/,
    'named by build, Node, arch',
  );
  t.equal(await runBundle(url, ['test'], env, never), 'used', 'second run: from the cache');
  // import() in a function compiled from the cache: through the hook, it still works.
  t.equal(await runBundle(url, ['test'], env, never), 'used');
  // A damaged cache, for a text V8 has not compiled in this process (it would reuse its own).
  const other = fakeBundle(dir, `${BODY}// another build\n`, 'fedcba9876543210');
  const damaged = cacheFile!.replace('0123456789abcdef', 'fedcba9876543210');
  writeFileSync(join(folder, damaged), Buffer.from('not a code cache at all'));
  t.equal(
    await runBundle(other, ['test'], env, never),
    'replaced',
    'V8 refuses garbage: compiled, rewritten',
  );
  t.not(readFileSync(join(folder, damaged), 'utf8'), 'not a code cache at all');
  t.same(g.__bundleRuns, ['a/b', 'a/b', 'a/b', 'a/b'], 'every run ran, with its import');
  t.equal(
    await runBundle(url, ['test'], { TRUSTSPEC_COMPILE_CACHE: 'off' }, never),
    'off',
    'turned off: run without the cache',
  );
  t.equal(g.__bundleRuns.length, 5);
  t.end();
});

t.test('without a build line or a bundle: no cache; without a bundle: the fallback', async (t) => {
  const dir = t.testdir({ cache: {} });
  const folder = join(dir, 'cache');
  const g = globalThis as { __bundleRuns?: string[] };
  g.__bundleRuns = [];
  const file = join(dir, 'plain.cjs');
  writeFileSync(file, BODY.replace(/__trustspec_import/g, '((s) => import(s))'));
  const env = { TRUSTSPEC_COMPILE_CACHE: folder };
  t.equal(
    await runBundle(pathToFileURL(file), ['test'], env, () => Promise.reject(new Error('no'))),
    'off',
  );
  t.same(readdirSync(folder), [], 'nothing written for a bundle that names no build');
  let fell = 0;
  const missing = pathToFileURL(join(dir, 'missing.cjs'));
  t.equal(
    await runBundle(missing, ['test'], env, () => {
      fell++;
      return Promise.resolve();
    }),
    'no-bundle',
  );
  t.equal(fell, 1, 'the fallback ran once');
  t.same(g.__bundleRuns, ['a/b']);
  t.end();
});

t.test(
  'an unusable folder: the bundle still runs, nothing is written',
  { skip: !posix },
  async (t) => {
    const dir = t.testdir({ shared: {} });
    const shared = join(dir, 'shared');
    chmodSync(shared, 0o777);
    const url = fakeBundle(dir, BODY);
    t.equal(
      await runBundle(url, ['test'], { TRUSTSPEC_COMPILE_CACHE: shared }, () => Promise.resolve()),
      'unwritable',
    );
    t.same(readdirSync(shared), []);
    t.end();
  },
);

/** The built bundle (npm test builds first): its build line names its own text. */
t.test('the built bundle names its build by the hash of its text', (t) => {
  const text = readFileSync(join(REPO, 'dist', 'bin', 'trustspec.cjs'), 'utf8');
  const id = BUILD_LINE.exec(text)?.[1];
  t.ok(id, 'a build line');
  const without = text.replace(`${BUILD_PREFIX}${id}`, BUILD_PREFIX);
  t.equal(createHash('sha256').update(without).digest('hex').slice(0, 16), id);
  t.notMatch(text, /\bimport\(\s*["'`]/, 'every import() of a package goes through the hook');
  t.end();
});

t.test('the command gives the same output from a cold start and from its cache', (t) => {
  const folder = join(t.testdir({}), 'cache');
  const run = () =>
    spawnSync(
      process.execPath,
      [join(REPO, 'dist', 'bin', 'trustspec.js'), 'test', 'spec-examples'],
      {
        cwd: REPO,
        env: cleanEnv({ TRUSTSPEC_COMPILE_CACHE: folder }),
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
  const first = run();
  t.equal(first.status, 0, first.stderr);
  t.equal(readdirSync(folder).length, 1, 'the first run wrote the cache');
  const [name] = readdirSync(folder);
  const before = statSync(join(folder, name as string));
  const second = run();
  t.equal(second.status, 0, second.stderr);
  // V8 accepted it: a refused cache would have been written anew.
  const after = statSync(join(folder, name as string));
  t.same([after.ino, after.mtimeMs], [before.ino, before.mtimeMs], 'the second run used the cache');
  t.equal(second.stdout, first.stdout, 'the same report');
  t.equal(second.stderr, first.stderr);
  t.end();
});

const LIBRARY = `
module.exports.twice = (x) => x * 2;
module.exports.join = () => __trustspec_import('node:path').then((p) => p.posix.join('a', 'b'));
`;
interface FakeLibrary {
  twice(x: number): number;
  join(): Promise<string>;
}

t.test(
  'the library: from no cache (written at exit, once), its own cache, a damaged one',
  async (t) => {
    const dir = t.testdir({ cache: {} });
    const folder = join(dir, 'cache');
    if (posix) chmodSync(folder, 0o700);
    const env = { TRUSTSPEC_COMPILE_CACHE: folder };
    const exits: Array<() => void> = [];
    const atExit = (save: () => void) => void exits.push(save);
    const url = fakeBundle(dir, LIBRARY, 'aaaaaaaaaaaaaaaa');

    const first = loadLibrary<FakeLibrary>(url, env, atExit);
    t.equal(first.cache, 'pending');
    t.equal(exits.length, 1, 'a write registered for the exit');
    t.same(readdirSync(folder), [], 'nothing written before the exit');
    t.equal(first.exports.twice(21), 42);
    t.equal(await first.exports.join(), 'a/b');
    exits[0]!();
    const written = readdirSync(folder);
    t.match(written, [/^a{16}-library-v\d+\.\d+\.\d+-\w+\.v8$/], 'named by build, Node, arch');
    const file = join(folder, written[0]!);
    const before = statSync(file);
    t.equal(first.save?.(), 'written', 'asked again: the same answer');
    t.same(
      [statSync(file).ino, statSync(file).mtimeMs],
      [before.ino, before.mtimeMs],
      'written once',
    );

    const second = loadLibrary<FakeLibrary>(url, env, atExit);
    t.equal(second.cache, 'used');
    t.equal(exits.length, 2, 'a check registered for the exit');
    t.equal(second.exports.twice(4), 8);
    t.equal(await second.exports.join(), 'a/b', 'import() in a function compiled from the cache');
    t.equal(second.save?.(), 'used', 'little compiled beyond the cache: nothing written');
    t.same([statSync(file).ino, statSync(file).mtimeMs], [before.ino, before.mtimeMs]);

    // A damaged cache, for a text V8 has not compiled in this process (it would reuse its own).
    const other = fakeBundle(dir, `${LIBRARY}// another build\n`, 'bbbbbbbbbbbbbbbb');
    const damaged = join(folder, written[0]!.replace(/^a{16}/, 'b'.repeat(16)));
    writeFileSync(damaged, 'not a code cache at all');
    const third = loadLibrary<FakeLibrary>(other, env, atExit);
    t.equal(third.cache, 'pending', 'V8 refuses garbage: compiled');
    t.equal(exits.length, 3);
    t.equal(third.save?.(), 'replaced');
    t.not(readFileSync(damaged, 'utf8'), 'not a code cache at all');

    const off = loadLibrary<FakeLibrary>(url, { TRUSTSPEC_COMPILE_CACHE: 'off' }, atExit);
    t.equal(off.cache, 'off');
    t.equal(off.exports.twice(1), 2);
    t.equal(exits.length, 3, 'turned off: nothing to write');
    t.end();
  },
);

/** Four hundred functions that only `all()` runs: far more bytecode than REFRESH_BYTECODE. */
const MORE =
  Array.from(
    { length: 400 },
    (_, i) =>
      `function f${i}(x) { let s = 0; for (let k = 0; k < 3; k++) { s += x * ${i} + k; if (s > ${i * 7}) s -= ${i}; } return s; }\n`,
  ).join('') +
  `module.exports.all = () => ${Array.from({ length: 400 }, (_, i) => `f${i}(1)`).join(' + ')};\n`;
interface BigLibrary extends FakeLibrary {
  all(): number;
}
/** The same build with another text of the same length: V8 compiles it anew in this process. */
const bigBundle = (dir: string, run: number) =>
  fakeBundle(dir, `${LIBRARY}${MORE}// run ${run}\n`, 'dddddddddddddddd');

t.test('a cache that lacks what a later process used is written again, once', (t) => {
  const dir = t.testdir({ cache: {} });
  const folder = join(dir, 'cache');
  if (posix) chmodSync(folder, 0o700);
  const env = { TRUSTSPEC_COMPILE_CACHE: folder };
  const none = () => undefined;
  const first = loadLibrary<BigLibrary>(bigBundle(dir, 1), env, none);
  t.equal(first.exports.twice(1), 2, 'the first process uses only a little');
  t.equal(first.save?.(), 'written');
  const [name] = readdirSync(folder);
  const file = join(folder, name!);
  const small = statSync(file).size;

  const second = loadLibrary<BigLibrary>(bigBundle(dir, 2), env, none);
  t.equal(second.cache, 'used');
  const total = second.exports.all();
  t.equal(second.save?.(), 'refreshed', 'it compiled much the cache lacked: written again');
  const written = statSync(file);
  t.ok(written.size > small * 1.1, `a fuller cache (${small} → ${written.size} bytes)`);

  const third = loadLibrary<BigLibrary>(bigBundle(dir, 3), env, none);
  t.equal(third.cache, 'used');
  t.equal(third.exports.all(), total);
  t.equal(third.save?.(), 'used', 'everything came from the cache: left alone');
  t.same([statSync(file).ino, statSync(file).mtimeMs], [written.ino, written.mtimeMs]);

  // Much compiled, but none of it the library's (the program's own code): checked, left alone.
  const fourth = loadLibrary<BigLibrary>(bigBundle(dir, 4), env, none);
  t.equal(fourth.exports.all(), total);
  const own = vm.runInThisContext(
    `(() => { ${MORE.replace('module.exports.all', 'const all')} return all(); })`,
  ) as () => number;
  t.equal(own(), total, 'as much code again, outside the library');
  t.equal(fourth.save?.(), 'used', 'the cache would not hold more: left alone');
  t.same([statSync(file).ino, statSync(file).mtimeMs], [written.ino, written.mtimeMs]);
  t.end();
});

t.test('the command: a cache that lacks what a later run used is written again', async (t) => {
  const dir = t.testdir({ cache: {} });
  const folder = join(dir, 'cache');
  if (posix) chmodSync(folder, 0o700);
  const env = { TRUSTSPEC_COMPILE_CACHE: folder };
  const never = () => Promise.reject(new Error('the fallback must not run'));
  const g = globalThis as { __bundleRuns?: string[]; __all?: boolean };
  g.__bundleRuns = [];
  // A run that reaches code the first did not: start() then all(), as a flag says. (Not by the
  // text: V8 takes a cache for any text of the same length, and runs the cached code.)
  const bundle = (run: number) =>
    fakeBundle(
      dir,
      `${BODY}${MORE}const start = module.exports.start;\n` +
        `module.exports.start = async () => { await start(); if (globalThis.__all) module.exports.all(); };\n// run ${run}\n`,
      'eeeeeeeeeeeeeeee',
    );
  g.__all = false;
  t.equal(await runBundle(bundle(1), ['test'], env, never), 'written');
  g.__all = true;
  t.equal(await runBundle(bundle(2), ['test'], env, never), 'refreshed');
  t.equal(await runBundle(bundle(3), ['test'], env, never), 'used');
  t.same(g.__bundleRuns, ['a/b', 'a/b', 'a/b']);
  t.end();
});

t.test(
  'the library in a folder others can write: it loads, nothing is written',
  { skip: !posix },
  (t) => {
    const dir = t.testdir({ shared: {} });
    const shared = join(dir, 'shared');
    chmodSync(shared, 0o777);
    const lib = loadLibrary<FakeLibrary>(
      fakeBundle(dir, LIBRARY, 'cccccccccccccccc'),
      { TRUSTSPEC_COMPILE_CACHE: shared },
      () => undefined,
    );
    t.equal(lib.exports.twice(2), 4);
    t.equal(lib.save?.(), 'unwritable');
    t.same(readdirSync(shared), []);
    t.end();
  },
);

/**
 * The package's entry as a user imports it, in fresh processes: the library's names and answers
 * (a policy decided, who can assume a role, a diff) are those of the ES modules it is built from,
 * from a cold start and from the cache the first process wrote as it exited; no AWS SDK loaded.
 */
t.test('the package entry: the library, from a cold start and from its cache', (t) => {
  const folder = join(t.testdir({ cache: {} }), 'cache');
  if (posix) chmodSync(folder, 0o700);
  const CHILD = `
const lib = await import(process.env.ENTRY);
const { createRequire } = await import('node:module');
const policy = (subs) => lib.compilePolicy(lib.parsePolicy(JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity',
    Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com' },
    Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      StringLike: { 'token.actions.githubusercontent.com:sub': subs } } }],
})).policy);
const role = (subs) => ({ role: { arn: 'arn:aws:iam::111122223333:role/deploy', policy: policy(subs) } });
const now = Date.UTC(2026, 5, 1);
const who = lib.whoText(lib.whoCanAssume(role(['repo:acme/app:ref:refs/heads/*']), { now }));
const diff = lib.difference(role(['repo:acme/app:*']), role(['repo:acme/*']), { now }).result;
const loaded = Object.keys(createRequire(import.meta.url).cache);
const aws = loaded.filter((f) => f.includes('@aws-sdk'));
// Read on first use only (lib/packages.ts): nothing here reads YAML or globs paths.
const packagesIn = (files) =>
  ['yaml', 'minimatch'].filter((p) => files.some((f) => f.includes(\`/node_modules/\${p}/\`)));
const packages = packagesIn(loaded);
// Then a scenario file is read: yaml comes in (the check above can fail).
lib.loadScenarioFile('spec-examples/github-actions/branch-deploy.trustspec.yaml', { defaultNow: now });
const afterYaml = packagesIn(Object.keys(createRequire(import.meta.url).cache));
console.log(JSON.stringify({ names: Object.keys(lib).sort(), who, diff, aws, packages, afterYaml }));
`;
  const run = (entry: string) =>
    spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], {
      cwd: REPO,
      env: cleanEnv({ TRUSTSPEC_COMPILE_CACHE: folder, ENTRY: pathToFileURL(entry).href }),
      encoding: 'utf8',
      timeout: 120_000,
    });
  const modules = run(join(REPO, 'dist', 'lib', 'index.js'));
  t.equal(modules.status, 0, modules.stderr);
  t.same(readdirSync(folder), [], 'the ES modules write no cache');
  const entry = join(REPO, 'dist', 'lib', 'main.js');
  const first = run(entry);
  t.equal(first.status, 0, first.stderr);
  const written = readdirSync(folder);
  t.match(written, [/-library-/], 'the first process wrote the cache as it exited');
  const before = statSync(join(folder, written[0]!));
  const second = run(entry);
  t.equal(second.status, 0, second.stderr);
  const after = statSync(join(folder, written[0]!));
  // V8 accepted it: a refused cache would have been written anew.
  t.same([after.ino, after.mtimeMs], [before.ino, before.mtimeMs], 'the second used the cache');
  const out = JSON.parse(modules.stdout) as {
    names: string[];
    diff: { newlyAllowed: unknown[] };
    aws: string[];
    packages: string[];
    afterYaml: string[];
  };
  t.ok(out.names.includes('difference') && out.diff.newlyAllowed.length > 0, 'the child ran');
  t.same(out.aws, [], 'no AWS SDK loaded');
  t.same(out.packages, [], 'neither yaml nor minimatch loaded: no YAML read, no paths globbed');
  t.same(out.afterYaml, ['yaml'], 'yaml, once a scenario file is read');
  t.equal(first.stdout, modules.stdout, 'the entry: the names and answers of the modules');
  t.equal(second.stdout, modules.stdout, 'the same from the cache');
  t.equal(first.stderr + second.stderr, '');
  t.end();
});

/**
 * `trustspec/core` is its own ES modules, `trustspec` the bundle: what one compiles the other
 * evaluates alike — an ARN that can never match is a sentinel symbol in the compiled policy (a
 * module's own Symbol() made the bundle's evaluator fail on the core's policy).
 */
t.test('a policy compiled by trustspec/core is evaluated alike by trustspec', (t) => {
  const CHILD = `
const core = await import(process.env.CORE);
const lib = await import(process.env.ENTRY);
const arn = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';
const text = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow',
  Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: arn },
  Condition: {
    StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
    StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' },
    ArnLike: { 'aws:SourceArn': ['not an arn', 'arn:aws:s3:::bucket'] } } }] });
const request = (policy, sub) => ({
  role: { arn: 'arn:aws:iam::111122223333:role/deploy', policy },
  providers: [{ url: 'https://token.actions.githubusercontent.com', clientIds: ['sts.amazonaws.com'] }],
  token: { claims: { iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub } },
  request: { roleSessionName: 'GitHubActions' },
  context: { 'aws:SourceArn': 'arn:aws:s3:::bucket' },
  now: Date.UTC(2026, 5, 1),
});
const out = [];
for (const compiler of [core, lib]) {
  const policy = compiler.compilePolicy(compiler.parsePolicy(text).policy);
  for (const sub of ['repo:acme/app:ref:refs/heads/main', 'repo:other/app:ref:refs/heads/main'])
    for (const simulator of [core, lib]) out.push(JSON.stringify(simulator.simulate(request(policy, sub))));
}
console.log(JSON.stringify(out));
`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], {
    cwd: REPO,
    env: cleanEnv({
      CORE: pathToFileURL(join(REPO, 'dist', 'lib', 'core.js')).href,
      ENTRY: pathToFileURL(join(REPO, 'dist', 'lib', 'main.js')).href,
    }),
    encoding: 'utf8',
    timeout: 120_000,
  });
  t.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as string[];
  t.equal(out.length, 8);
  const decisions = out.map((x) => (JSON.parse(x) as { decision: string }).decision);
  t.same(decisions, ['allow', 'allow', 'deny', 'deny', 'allow', 'allow', 'deny', 'deny']);
  t.match(out[0], /"dead":\["not an arn"\]/, 'the ARN that never matches is in the trace');
  for (const [i, like] of [
    [1, 0],
    [4, 0],
    [5, 0],
    [3, 2],
    [6, 2],
    [7, 2],
  ] as const)
    t.equal(out[i], out[like], `result ${i} is result ${like}`);
  t.end();
});

t.test('package.json: the entry is the library bundle, its types those of the modules', (t) => {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
    main: string;
    exports: Record<string, { types: string; default: string }>;
  };
  t.equal(pkg.main, 'dist/lib/main.js');
  t.same(pkg.exports['.'], { types: './dist/lib/index.d.ts', default: './dist/lib/main.js' });
  const text = readFileSync(join(REPO, 'dist', 'lib', 'library.cjs'), 'utf8');
  const id = BUILD_LINE.exec(text)?.[1];
  t.ok(id, 'the library bundle names its build');
  t.equal(
    createHash('sha256')
      .update(text.replace(`${BUILD_PREFIX}${id}`, BUILD_PREFIX))
      .digest('hex')
      .slice(0, 16),
    id,
  );
  t.end();
});
