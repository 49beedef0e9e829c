/** What a command needs from the outside world, passed in so commands stay testable. */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
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
}

/** The time a command takes as "now" when nothing else gives one. */
export const clockOf = (io: Io): number => (io.now ? io.now() : Date.now());

/** The whole of standard input. */
export const stdinOf = (io: Io): string =>
  io.readStdin ? io.readStdin() : readFileSync(0, 'utf8');

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
 * decides otherwise (any value but "0" forces them on, also into a pipe).
 */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined) return env['FORCE_COLOR'] !== '0';
  return stream.isTTY === true;
}

/** Write a file atomically: a temporary file beside it, flushed, then renamed over it. */
export function writeFileAtomic(path: string, data: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
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
