/** What a command needs from the outside world, passed in so commands stay testable. */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  cwd: string;
  env: NodeJS.ProcessEnv;
}

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

/** Colors only on a TTY, and never when NO_COLOR is set (any value) or FORCE_COLOR=0. */
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

/** Parse `--now`: an ISO 8601 date-time (or date), or epoch seconds. Returns epoch milliseconds. */
export function parseNow(text: string): number {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const iso = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
  // A date-time without a zone is read as UTC, so results never depend on the machine's zone.
  const m = iso.exec(text);
  const utc = !m ? '' : text.length === 10 ? `${text}T00:00:00Z` : m[4] ? text : `${text}Z`;
  const ms = m ? Date.parse(utc) : NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `--now "${text}" is not a date`,
      'write an ISO 8601 date-time such as 2026-06-01T00:00:00Z, or epoch seconds',
    );
  }
  return ms;
}
