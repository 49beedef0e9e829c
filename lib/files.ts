/**
 * The one way trustspec reads an input file (scenario files, policies, JWT files, claims and
 * providers files): the path is looked at before it is opened, and only a regular file of at most
 * MAX_INPUT_BYTES is read. A named pipe, a device, a socket or a folder is refused with a reason
 * (a FIFO would block for ever, /dev/zero would never end), and a file is opened non-blocking, so
 * a path swapped for a pipe between the look and the open cannot block either.
 */
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  statSync,
  type BigIntStats,
} from 'node:fs';

/** The largest input file read: 5 MiB, far above any real scenario file, policy or token. */
export const MAX_INPUT_BYTES = 5 * 1024 * 1024;

/** Why a file was not read. */
export type ReadCode =
  | 'file-not-found'
  | 'not-a-file'
  | 'not-a-regular-file'
  | 'file-too-large'
  | 'unreadable-file'
  | 'binary-file'
  | 'invalid-utf8';

export type ReadFailure = { ok: false; code: ReadCode; message: string; hint?: string };
export type TextRead = { ok: true; text: string } | ReadFailure;

/** A file as the filesystem knows it: the same `id` is the same file, whatever path names it. */
export interface FileIdentity {
  path: string;
  id: string;
}

export function identityOf(st: BigIntStats): string {
  return `${st.dev}:${st.ino}`;
}

/** What a non-regular file is, in words; undefined for a regular file. */
export function fileKind(st: {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** "5 MB", "10.3 MB", "812 bytes". */
export function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${n} bytes`;
  const mb = n / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

function tooLarge(size: number | undefined, limit: number): ReadFailure {
  return {
    ok: false,
    code: 'file-too-large',
    message:
      size !== undefined
        ? `is ${formatBytes(size)}: larger than the limit of ${formatBytes(limit)} per file`
        : `is larger than the limit of ${formatBytes(limit)} per file`,
    hint: `trustspec reads input files of at most ${formatBytes(limit)}; split a larger scenario file into several`,
  };
}

function notRegular(kind: string): ReadFailure {
  if (kind === 'a folder')
    return { ok: false, code: 'not-a-file', message: 'is a folder, not a file' };
  return {
    ok: false,
    code: 'not-a-regular-file',
    message: `is ${kind}, not a regular file`,
    hint: 'trustspec reads only regular files; save the content to a file and give its path',
  };
}

function errnoFailure(e: unknown): ReadFailure {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return { ok: false, code: 'file-not-found', message: 'no such file' };
  if (code === 'EISDIR') return notRegular('a folder');
  if (code === 'ELOOP') {
    return {
      ok: false,
      code: 'unreadable-file',
      message: 'cannot be read: a loop of symbolic links',
    };
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return { ok: false, code: 'unreadable-file', message: 'cannot be read: permission denied' };
  }
  const text = (e as Error).message;
  return { ok: false, code: 'unreadable-file', message: `cannot be read: ${text}` };
}

/** Files opened since `recordReads()` (the loaders are synchronous: one run at a time). */
let recording: FileIdentity[] | undefined;
/** Folders listed since `recordReads()` (scenario-file discovery), for `test --watch`. */
let folderRecording: string[] | undefined;

/**
 * Starts a list of every regular file the reader opens, until `stop()` returns it, so that a
 * command can refuse to write its output over one of its own inputs (and `test --watch` knows
 * what to watch: those files, and in `folders` the folders discovery listed). A new call starts
 * afresh.
 */
export function recordReads(): { stop(): FileIdentity[]; readonly folders: string[] } {
  const files: FileIdentity[] = [];
  const folders: string[] = [];
  recording = files;
  folderRecording = folders;
  return {
    stop(): FileIdentity[] {
      if (recording === files) recording = undefined;
      if (folderRecording === folders) folderRecording = undefined;
      return files;
    },
    folders,
  };
}

/** Notes a folder whose entries were listed (while reads are recorded). */
export function noteFolderListed(path: string): void {
  folderRecording?.push(path);
}

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** The bytes of a regular file, at most `limit` of them. */
function readBytes(path: string, limit: number): { ok: true; bytes: Buffer } | ReadFailure {
  let before: BigIntStats;
  try {
    before = statSync(path, { bigint: true });
  } catch (e) {
    return errnoFailure(e);
  }
  const kind = fileKind(before);
  if (kind !== undefined) return notRegular(kind);
  if (before.size > BigInt(limit)) return tooLarge(Number(before.size), limit);
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (e) {
    return errnoFailure(e);
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    // Replaced between the look and the open: judge what was opened.
    const openedKind = fileKind(st);
    if (openedKind !== undefined) return notRegular(openedKind);
    if (st.size > BigInt(limit)) return tooLarge(Number(st.size), limit);
    recording?.push({ path, id: identityOf(st) });
    const chunks: Buffer[] = [];
    let total = 0;
    // One byte more than the limit tells a file that grew past it since fstat.
    for (;;) {
      const room = limit + 1 - total;
      if (room <= 0) return tooLarge(undefined, limit);
      const buf = Buffer.allocUnsafe(
        Math.min(room, Math.max(Number(st.size) + 1 - total, 64 * 1024)),
      );
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
      total += n;
    }
    return { ok: true, bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks) };
  } catch (e) {
    return errnoFailure(e);
  } finally {
    closeSync(fd);
  }
}

/**
 * The bytes of a regular file of at most `limit` bytes (role sources: templates and plans may be
 * larger than policies), through the same checks as `readText`: no FIFO, device or folder is
 * opened for reading, and the file is recorded as an input of the run.
 */
export function readFileBytes(
  path: string,
  limit: number,
): { ok: true; bytes: Buffer } | ReadFailure {
  return readBytes(path, limit);
}

/** UTF-8 text from bytes, refusing binary data (NUL bytes) and invalid UTF-8 with a reason. */
export function decodeText(bytes: Buffer): TextRead {
  if (bytes.includes(0)) {
    return {
      ok: false,
      code: 'binary-file',
      message: 'holds binary data (NUL bytes), not text',
      hint: 'scenario and policy files are UTF-8 text',
    };
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return {
      ok: false,
      code: 'invalid-utf8',
      message: 'is not valid UTF-8 text',
      hint: 'save the file as UTF-8',
    };
  }
}

/**
 * Reads a UTF-8 text file. Never throws and never blocks: anything but a regular file of at most
 * `limit` bytes holding UTF-8 text is refused with a code, a message that completes "the file …"
 * ("is a named pipe (FIFO), not a regular file") and, where it helps, a hint.
 */
export function readText(path: string, limit = MAX_INPUT_BYTES): TextRead {
  const read = readBytes(path, limit);
  return read.ok ? decodeText(read.bytes) : read;
}

/** Whether something exists at `path` (a dangling link does not; an unreadable file does). */
export function pathExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return !(code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG');
  }
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Standard input as UTF-8 text, at most `limit` bytes (`--jwt -`). A pipe or a terminal is what
 * standard input is for, so it is read whatever it is, but never past the limit.
 */
export function readStdinText(fd = 0, limit = MAX_INPUT_BYTES): TextRead {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.alloc(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        pause(10);
        continue;
      }
      if (code === 'EOF') break;
      return errnoFailure(e);
    }
    if (n === 0) break;
    total += n;
    if (total > limit) return tooLarge(undefined, limit);
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return decodeText(Buffer.concat(chunks));
}
