/** What a command needs from the outside world, passed in so commands stay testable. */
import { randomBytes } from 'node:crypto';
import {
  fchmodSync,
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  type BigIntStats,
} from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileKind, identityOf, readStdinText, type FileIdentity, type TextRead } from '../files.js';
import { parseDate } from '../scenarios/dates.js';

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The clock when neither --now nor a file gives one, in epoch ms (default: the wall clock). */
  now?: () => number;
  /** Standard input, read whole, for `--jwt -` (default: file descriptor 0). */
  readStdin?: () => string;
  /** `test --watch`: the file system's events and the stop signal, when a test drives them. */
  watch?: WatchHooks;
}

export interface FolderWatcher {
  close(): void;
}

/** Watches one folder; `onEvent` gets the name of the entry that changed (or undefined). */
export type WatchFolder = (
  folder: string,
  onEvent: (name: string | undefined) => void,
  onError: (e: Error) => void,
) => FolderWatcher;

/** What a test drives instead of the file system and the process's signals. */
export interface WatchHooks {
  watchFolder?: WatchFolder;
  /** Stops the watch (the command returns the last run's code). Default: SIGINT / SIGTERM. */
  signal?: AbortSignal;
  /** Called after each run with its exit code and the files it will wait on. */
  onRun?: (code: number, watched: readonly string[]) => void;
  /** How long events settle before a run (default 150 ms). */
  settleMs?: number;
}

/** The time a command takes as "now" when nothing else gives one. */
export const clockOf = (io: Io): number => (io.now ? io.now() : Date.now());

/** The whole of standard input, through the capped reader unless `io` brings its own. */
export const stdinOf = (io: Io): TextRead =>
  io.readStdin ? { ok: true, text: io.readStdin() } : readStdinText();

/** Exit codes of the contract: 0 all met, 1 some did not, 2 input could not be used. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A user-facing error: printed as its message alone, exit code 2, never a stack trace. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * Colors on a TTY; never when NO_COLOR is set to a non-empty value (no-color.org); FORCE_COLOR
 * decides otherwise (any value but "0" forces them on, also into a pipe); a terminal that says it
 * is dumb (TERM=dumb) gets none.
 */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined) return env['FORCE_COLOR'] !== '0';
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

/**
 * Write a file atomically: a temporary file beside it, flushed, then renamed over it. `mode` is
 * the new file's permissions (an existing file's are kept by the caller passing them).
 */
export function writeFileAtomic(path: string, data: string, mode = 0o644): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    // The umask narrowed the mode of the new file: give it the old file's exactly.
    if (mode !== 0o644) fchmodSync(fd, mode);
    writeSync(fd, data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Parse `--now` (and the other time flags): ISO 8601 or epoch seconds, by the same rules as a
 * scenario file's `now:` — an impossible date or a number in milliseconds is an error, not a clock.
 * Returns epoch milliseconds.
 */
export function parseNow(text: string, flag = '--now'): number {
  const r = parseDate(/^\d+$/.test(text) ? Number(text) : text);
  if (!r.ok) throw new UsageError(`${flag}: ${r.message}`, r.hint);
  return r.ms;
}

// ── report files (--output) ─────────────────────────────────────────────────────────────

/**
 * Where a report goes. `replace`: a regular file, or none yet, written as a temporary file renamed
 * over it (a link to a regular file keeps being a link: its target is replaced). `through`: a named
 * pipe or a character device (/dev/null, a terminal), opened and written as it is, never replaced.
 * `stdout`/`stderr`: what this process's standard output or error is (`/dev/stdout`, `/dev/fd/2`,
 * or the file they are redirected to), written on that stream after what is already there.
 */
export interface OutputFile {
  /** The path as the user wrote it. */
  file: string;
  /** The absolute path written. */
  path: string;
  how: 'replace' | 'through' | 'stdout' | 'stderr';
  /** `dev:ino` of a target that exists. */
  id?: string;
  /** Permissions of an existing regular file, kept on replacing it. */
  mode?: number;
}

function statBig(path: string): BigIntStats | undefined {
  try {
    return statSync(path, { bigint: true });
  } catch {
    return undefined;
  }
}

/** `dev:ino` of what this process's standard output and error are (file, pipe, socket, tty). */
function stdioIds(): Map<string, 'stdout' | 'stderr'> {
  const ids = new Map<string, 'stdout' | 'stderr'>();
  for (const [fd, name] of [
    [2, 'stderr'],
    [1, 'stdout'],
  ] as const) {
    try {
      ids.set(identityOf(fstatSync(fd, { bigint: true })), name);
    } catch {
      // Not open: nothing to write through.
    }
  }
  return ids;
}

/** Where and how one `--output` file is written; refuses what must not be written to. */
function planOne(
  spec: { file: string; reporter?: string },
  cwd: string,
  stdio: Map<string, 'stdout' | 'stderr'>,
): OutputFile {
  const file = spec.file;
  if (file === '') throw new UsageError('--output needs a file name');
  const abs = resolve(cwd, file);
  const st = statBig(abs);
  if (!st) {
    let link = false;
    try {
      link = lstatSync(abs).isSymbolicLink();
    } catch {
      // Nothing there: the usual case.
    }
    if (link) {
      throw new UsageError(
        `--output "${file}" is a symbolic link to nothing: trustspec does not replace a link`,
        'name the file the link should lead to, or remove the link',
      );
    }
    const parent = dirname(abs);
    if (!statBig(parent)?.isDirectory()) {
      const folder = relative(cwd, parent) || parent;
      throw new UsageError(
        `cannot write the ${spec.reporter ?? 'output'} report to ${file}: the folder ${folder} does not exist (ENOENT)`,
        'trustspec creates no folder: make it first',
      );
    }
    return { file, path: join(realpathSync(parent), basename(abs)), how: 'replace' };
  }
  const id = identityOf(st);
  const stream = stdio.get(id);
  if (stream !== undefined) return { file, path: abs, how: stream, id };
  const kind = fileKind(st);
  if (kind === undefined) {
    return { file, path: realpathSync(abs), how: 'replace', id, mode: Number(st.mode) & 0o7777 };
  }
  if (st.isFIFO() || st.isCharacterDevice()) return { file, path: abs, how: 'through', id };
  throw new UsageError(
    `--output "${file}" is ${kind}: trustspec writes a report to a regular file (replacing it), or through a named pipe or character device`,
    kind === 'a folder' ? `give a file name, e.g. ${join(file, 'report.xml')}` : undefined,
  );
}

/**
 * The `--output` files of a run, checked before anything runs: each names a file (not an empty
 * path), none names the same file as another (after `..`, links and hard links), and none is a
 * folder, socket or block device.
 */
export function planOutputs<T extends { file: string; reporter?: string }>(
  specs: readonly T[],
  cwd: string,
): (T & OutputFile)[] {
  const stdio = stdioIds();
  const seen = new Map<string, string>();
  return specs.map((spec) => {
    const out = { ...spec, ...planOne(spec, cwd, stdio) };
    const key = out.id ?? out.path;
    const before = seen.get(key);
    if (before !== undefined) {
      throw new UsageError(
        `--output names the same file twice ("${before}" and "${spec.file}"): one report would be lost`,
        'give each --output its own file',
      );
    }
    seen.set(key, spec.file);
    return out;
  });
}

/** Refuses an output that is one of the files the run read (a policy, a scenario file, a JWT). */
export function refuseInputs(
  outputs: readonly OutputFile[],
  inputs: readonly FileIdentity[],
  cwd: string,
): void {
  for (const o of outputs) {
    const input = o.id !== undefined ? inputs.find((i) => i.id === o.id) : undefined;
    if (input) {
      const shown = relative(cwd, input.path) || input.path;
      throw new UsageError(
        `--output "${o.file}" is ${shown === o.file ? 'an input' : `${shown}, an input`} of this run: the report would overwrite it`,
        'write the report to a file of its own',
      );
    }
  }
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** How long a write through a pipe waits for its reader to take more, before giving up. */
const STALL_MS = 30_000;

/** Writes `data` to a pipe or device without replacing it (non-blocking: a pipe nobody reads fails). */
function writeThrough(o: OutputFile, data: string): void {
  const flags = constants.O_WRONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);
  let fd: number;
  try {
    fd = openSync(o.path, flags);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENXIO')
      throw new Error('no process is reading from the named pipe');
    throw e;
  }
  try {
    const bytes = Buffer.from(data, 'utf8');
    let done = 0;
    let waited = 0;
    while (done < bytes.length) {
      try {
        done += writeSync(fd, bytes, done, bytes.length - done);
        waited = 0;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN' || waited >= STALL_MS) throw e;
        pause(5);
        waited += 5;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Writes one planned report file; any failure is a UsageError naming the file. */
export function writeOutput(o: OutputFile & { reporter: string }, data: string, io: Io): void {
  try {
    if (o.how === 'stdout' || o.how === 'stderr') io[o.how].write(data);
    else if (o.how === 'through') writeThrough(o, data);
    else writeFileAtomic(o.path, data, o.mode);
  } catch (e) {
    throw new UsageError(
      `cannot write the ${o.reporter} report to ${o.file}: ${(e as Error).message}`,
    );
  }
}

// ── the process ─────────────────────────────────────────────────────────────────────────

/** What bin/trustspec.ts hands over: `process`, or a stand-in in tests. */
export interface Proc {
  stdout: Io['stdout'];
  stderr: Io['stderr'];
  env: NodeJS.ProcessEnv;
  cwd(): string;
  exitCode?: number | string | undefined;
}

type Main = (argv: string[], io: Io) => Promise<number>;

/**
 * Runs `main` as the process: the working directory is looked up once (a deleted one is a one-line
 * error, exit 2), and a standard output that fails is never a stack trace. When the reader went
 * away (EPIPE: `| head`) the run ends quietly with its own exit code; any other failure (ENOSPC:
 * `> /dev/full`, EBADF, EIO) is one line on standard error and exit code 2, also when it surfaces
 * after `main` returned.
 */
export async function runCli(main: Main, argv: string[], proc: Proc): Promise<void> {
  let cwd: string;
  try {
    cwd = proc.cwd();
  } catch (e) {
    proc.stderr.write(
      `trustspec: the working directory cannot be used (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): it was deleted or is not readable; cd to an existing folder\n`,
    );
    proc.exitCode = EXIT.usage;
    return;
  }
  let broken = false;
  let done = false;
  proc.stderr.on('error', (e: NodeJS.ErrnoException) => {
    // Nowhere left to say it; a lost error message is still a failure unless the reader left.
    if (e.code !== 'EPIPE') broken = true;
    if (done && broken) proc.exitCode = EXIT.usage;
  });
  let said = false;
  proc.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || said) return;
    said = true;
    broken = true;
    proc.stderr.write(`trustspec: cannot write to standard output: ${e.message}\n`);
    if (done) proc.exitCode = EXIT.usage;
  });
  const code = await main(argv, { stdout: proc.stdout, stderr: proc.stderr, cwd, env: proc.env });
  done = true;
  proc.exitCode = broken ? EXIT.usage : code;
}
