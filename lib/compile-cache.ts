/**
 * Starting the command (and the library) fast. A start of `trustspec test` spent about a third of its time making
 * V8 compile our code (the bundle's text, then every function on its first call). Node 22 can
 * keep that work between runs (module.enableCompileCache); Node 20 cannot for ES modules, so the
 * build bundles the command into one CommonJS script (dist/bin/trustspec.cjs) and this module runs
 * it with `vm.Script` and V8's code cache: the first run of a build writes the cache, later runs
 * start from it. The cache only saves time: V8 checks it against the script and the engine and
 * falls back to compiling, and anything wrong with the folder or the file means no cache, never
 * an error.
 *
 * Where: `TRUSTSPEC_COMPILE_CACHE` names the folder (relative: from the working folder; `off`,
 * `0`, `false` or empty: no cache);
 * unset, `$XDG_CACHE_HOME/trustspec`, else `~/.cache/trustspec` (`%LOCALAPPDATA%\trustspec` on
 * Windows). A folder is used only when it is the user's own and nobody else can write to it, and
 * a cache file only when it is a regular file of the user's: code read from it runs as the user.
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';

/** The first line of a bundle: this, then ID, the hash of the bundle's text (scripts/bundle.mjs). */
export const BUILD_PREFIX = '// trustspec build ';
export const BUILD_LINE = new RegExp(`^${BUILD_PREFIX}([0-9a-f]{16})\n`);

/** A cache file larger than this is not read (a code cache of the whole bundle is ~1.5 MB). */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;

/** What became of the cache in one run. */
export type CacheOutcome =
  /** No cache: turned off, no folder, or a bundle without a build id. */
  | 'off'
  /** Compiled from the cache V8 accepted. */
  | 'used'
  /**
   * Compiled from the cache V8 accepted, and the run compiled much that it did not hold: a cache
   * with both was written for the next run.
   */
  | 'refreshed'
  /** No usable cache was there; one was written for the next run. */
  | 'written'
  /** V8 refused the cache file (another engine, a damaged file); a new one was written. */
  | 'replaced'
  /** No usable cache, and none could be written (a read-only or foreign folder). */
  | 'unwritable'
  /** No bundle beside the loader: the fallback ran. */
  | 'no-bundle';

/** The cache folder the environment asks for, or undefined for none. */
export function cacheFolder(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
  home: () => string = homedir,
  cwd: () => string = process.cwd,
): string | undefined {
  const set = env['TRUSTSPEC_COMPILE_CACHE'];
  if (set !== undefined) {
    if (/^(|0|off|false|no)$/i.test(set.trim())) return undefined;
    if (isAbsolute(set)) return set;
    // A relative folder is taken from the working folder (none when that is gone).
    try {
      return resolve(cwd(), set);
    } catch {
      return undefined;
    }
  }
  if (platform === 'win32') {
    const local = env['LOCALAPPDATA'];
    return local && isAbsolute(local) ? join(local, 'trustspec') : undefined;
  }
  const xdg = env['XDG_CACHE_HOME'];
  // The XDG spec: a relative value is invalid and is ignored.
  if (xdg && isAbsolute(xdg)) return join(xdg, 'trustspec');
  let h: string;
  try {
    h = home();
  } catch {
    return undefined;
  }
  return h && isAbsolute(h) ? join(h, '.cache', 'trustspec') : undefined;
}

const uid = (): number | undefined => process.getuid?.();

/** A folder this user owns and that nobody else can write to (on POSIX). */
export function usableFolder(folder: string): boolean {
  try {
    const st = statSync(folder);
    if (!st.isDirectory()) return false;
    const me = uid();
    return me === undefined || (st.uid === me && (st.mode & 0o022) === 0);
  } catch {
    return false;
  }
}

/** The bytes of a cache file: a regular file of this user's, not through a symbolic link. */
export function readCache(file: string): Buffer | undefined {
  let fd: number;
  try {
    // No following a link, and no waiting for a writer should the name be a FIFO.
    fd = openSync(
      file,
      constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0),
    );
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    const me = uid();
    if (!st.isFile() || st.size === 0 || st.size > MAX_CACHE_BYTES) return undefined;
    if (me !== undefined && st.uid !== me) return undefined;
    const buf = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, buf, got, st.size - got, got);
      if (n === 0) return undefined;
      got += n;
    }
    return buf;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a cache file atomically (a new file renamed over the old one), creating the folder
 * (mode 700). Nothing but a regular file at `file` is ever replaced. False when it could not.
 */
export function writeCache(
  folder: string,
  file: string,
  data: Buffer,
  now: number = Date.now(),
): boolean {
  const tmp = join(folder, `.${process.pid}-${now.toString(36)}.tmp`);
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (!usableFolder(folder)) return false;
    try {
      if (!lstatSync(file).isFile()) return false;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return false;
    }
    writeFileSync(tmp, data, { flag: 'wx', mode: 0o600 });
    renameSync(tmp, file);
    prune(folder, file, now);
    return true;
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // Never created.
    }
    return false;
  }
}

/**
 * The commands (lib/cli/main.ts registers them; a test keeps the two lists equal). Each has a
 * cache of its own: V8's cache holds the functions a run compiled, and `who` compiles others than
 * `test`. Anything else (help, --version, a typo) shares one.
 */
export const COMMANDS = [
  'test',
  'explain',
  'resolve',
  'who',
  'diff',
  'lint',
  'init',
  'from-cloudtrail',
] as const;

/** The cache a command line uses: its command's, or the one of everything else. */
export function cacheKey(argv: readonly string[]): string {
  const first = argv[0] ?? '';
  return (COMMANDS as readonly string[]).includes(first) ? first : 'other';
}

/** A cache file of another build is removed once it has not been written for this long. */
export const STALE_CACHE_MS = 30 * 24 * 3600 * 1000;
/** A temporary file left by an interrupted write is removed after this long. */
const STALE_TMP_MS = 24 * 3600 * 1000;

/**
 * Removes what would otherwise pile up in the folder: cache files of other builds (or other Node
 * versions) not written for 30 days, and temporary files of writes that did not finish. A cache
 * in use is rewritten only when V8 refuses it or a run outgrows it, so one still in use may go
 * too: it is written again by its next run. Only regular files with trustspec's names are touched.
 */
function prune(folder: string, keep: string, now: number): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(folder, name);
    const age = CACHE_NAME.test(name) ? STALE_CACHE_MS : TMP_NAME.test(name) ? STALE_TMP_MS : 0;
    if (age === 0 || path === keep) continue;
    try {
      const st = lstatSync(path);
      if (st.isFile() && now - st.mtimeMs > age) unlinkSync(path);
    } catch {
      // Gone already, or not ours to remove.
    }
  }
}

const CACHE_NAME = /^[0-9a-f]{16}-[a-z-]+-v[\d.]+-\w+\.v8$/;
const TMP_NAME = /^\.\d+-[0-9a-z]+\.tmp$/;

/** What a bundle exports: the command, run on this process's arguments. */
interface Bundle {
  start(): Promise<void>;
}

/**
 * The global through which the bundle imports packages (scripts/bundle.mjs): V8 loses a vm
 * script's `import()` callback in functions compiled from a code cache (Node 20), so the bundle
 * calls this module's own `import()` instead.
 */
export const IMPORT_HOOK_KEY = 'trustspec.import';
export const IMPORT_HOOK = Symbol.for(IMPORT_HOOK_KEY);

/** Where a bundle's cache lives and, when there is a usable one, its bytes. */
interface CacheFile {
  folder: string;
  file: string;
  cached: Buffer | undefined;
}

/** The cache `key` of the bundle `source` (undefined: none, turned off or no build line). */
function cacheFileOf(source: string, key: string, env: NodeJS.ProcessEnv): CacheFile | undefined {
  const id = BUILD_LINE.exec(source)?.[1];
  const folder = id !== undefined ? cacheFolder(env) : undefined;
  if (folder === undefined) return undefined;
  const file = join(folder, `${id}-${key}-${process.version}-${process.arch}.v8`);
  return { folder, file, cached: usableFolder(folder) ? readCache(file) : undefined };
}

/** Compiles the bundle (from `cached` when V8 takes it) and runs it as a CommonJS module. */
function runScript<T>(
  file: string,
  source: string,
  cached: Buffer | undefined,
): { exports: T; script: vm.Script } {
  // The wrapper CommonJS puts around a module, on the script's first line: positions in stack
  // traces and source maps stay the bundle's.
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: file, ...(cached ? { cachedData: cached } : {}) },
  );
  (globalThis as Record<symbol, unknown>)[IMPORT_HOOK] = (name: string): Promise<unknown> =>
    import(name);
  const mod = { exports: {} as T };
  (script.runInThisContext() as (...args: unknown[]) => void).call(
    mod.exports,
    mod.exports,
    createRequire(file),
    mod,
    file,
    dirname(file),
  );
  return { exports: mod.exports, script };
}

/** Bytecode V8 holds for the whole process (its heap statistics: a cheap read). */
function bytecodeBytes(): number {
  return v8.getHeapCodeStatistics().bytecode_and_metadata_size;
}

/**
 * A cache V8 accepted is checked again after the run when the run compiled this much bytecode:
 * functions the cache did not hold (the first run of a build used only part of the code). The
 * check costs a `createCachedData()` (~5 ms for the library); the file is rewritten only when the
 * new cache holds a tenth more than it, so caches converge on what the runs use.
 */
export const REFRESH_BYTECODE = 32 * 1024;

/**
 * Keeps what V8 compiled of the script — every function run so far, not only the top: a new cache
 * when none was taken; when one was, a fuller one if the run compiled much beyond it (`compiled`:
 * bytecode bytes since the script ran).
 */
function save(script: vm.Script, c: CacheFile, compiled: number): CacheOutcome {
  if (c.cached && !script.cachedDataRejected) {
    if (compiled < REFRESH_BYTECODE) return 'used';
    const data = script.createCachedData();
    if (data.length <= c.cached.length * 1.1) return 'used';
    return writeCache(c.folder, c.file, data) ? 'refreshed' : 'used';
  }
  if (!writeCache(c.folder, c.file, script.createCachedData())) return 'unwritable';
  return c.cached ? 'replaced' : 'written';
}

/**
 * Runs the CommonJS bundle `bundleUrl` (its `start()`) for the command line `argv`, with V8's
 * code cache when the environment allows one; runs `fallback` when there is no bundle. Says what
 * became of the cache. The cache holds what the command's first run compiled; later runs compile
 * the rest on first use, as without a cache.
 */
export async function runBundle(
  bundleUrl: URL,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  fallback: () => Promise<void>,
): Promise<CacheOutcome> {
  const file = fileURLToPath(bundleUrl);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    await fallback();
    return 'no-bundle';
  }
  const c = cacheFileOf(source, cacheKey(argv), env);
  if (c === undefined) {
    await (createRequire(file)(file) as Bundle).start();
    return 'off';
  }
  const { exports, script } = runScript<Bundle>(file, source, c.cached);
  const before = bytecodeBytes();
  await exports.start();
  // After the run: the cache then holds every function the command compiled.
  return save(script, c, bytecodeBytes() - before);
}

/** The library, loaded: its exports and what became of its cache. */
export interface LoadedLibrary<T> {
  exports: T;
  /**
   * `off`: no cache; `used`: compiled from the cache; `pending`: none usable. Unless off, `save`
   * (registered to run when the process exits) writes one, or a fuller one than was used.
   */
  cache: 'off' | 'used' | 'pending';
  save?: () => CacheOutcome;
}

/** Runs `write` when the process (or the worker) exits. */
function onExit(write: () => void): void {
  process.once('exit', () => write());
}

/**
 * trustspec's library (`import … from 'trustspec'`) as the command starts: the build bundles
 * dist/lib/index.js into one CommonJS script (dist/lib/library.cjs; dist/lib/main.js, the
 * package's entry, re-exports it), run here through V8's code cache. Loading the library's ES
 * modules took 150–245 ms on our machines, the bundle 47–67 ms and from its cache 20–33 ms; a
 * first call then starts from compiled code (`node bench/symbolic.mjs`). The cache is written when
 * the process exits — then it holds every function the process used — by the first process of a
 * build that finds none (or one V8 refuses), and again by one that used much code the cache lacked
 * (REFRESH_BYTECODE); the same folder and rules as the command's, under the key `library`.
 * Synchronous, so that the entry needs no top-level await.
 */
export function loadLibrary<T>(
  bundleUrl: URL,
  env: NodeJS.ProcessEnv,
  atExit: (write: () => void) => void = onExit,
): LoadedLibrary<T> {
  const file = fileURLToPath(bundleUrl);
  const source = readFileSync(file, 'utf8');
  const c = cacheFileOf(source, 'library', env);
  if (c === undefined) return { exports: createRequire(file)(file) as T, cache: 'off' };
  const { exports, script } = runScript<T>(file, source, c.cached);
  const before = bytecodeBytes();
  let outcome: CacheOutcome | undefined;
  const write = (): CacheOutcome => (outcome ??= save(script, c, bytecodeBytes() - before));
  atExit(write);
  const used = c.cached !== undefined && !script.cachedDataRejected;
  return { exports, cache: used ? 'used' : 'pending', save: write };
}
