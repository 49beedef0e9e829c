/**
 * The file a command writes with `-o` (`trustspec init`, `trustspec from-cloudtrail`): a new file
 * is created atomically without ever replacing one that appears meanwhile; an existing one is
 * replaced only with --force, only when it is a regular file (a link is followed to one), and
 * never when it is the command's own input.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  realpathSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError, writeFileAtomic } from './io.js';

export interface Target {
  /** The path written (a link's target). */
  path: string;
  exists: boolean;
  mode?: number;
}

/**
 * Where the file goes; refuses what is not a regular file, the input itself (`input.path`,
 * named `input.what` in the error), and an existing file without --force.
 */
export function outputTarget(
  file: string,
  shown: string,
  force: boolean,
  command: string,
  input?: { path: string; what: string },
): Target {
  let link;
  try {
    link = lstatSync(file);
  } catch {
    let folder;
    try {
      folder = statSync(dirname(file));
    } catch {
      folder = undefined;
    }
    if (!folder?.isDirectory())
      throw new UsageError(`-o ${shown}: the folder ${dirname(shown)} does not exist`);
    return { path: file, exists: false };
  }
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new UsageError(`-o ${shown} is a link to nothing: not replaced`);
  }
  if (!st.isFile()) {
    const what = st.isDirectory()
      ? 'a folder'
      : st.isFIFO()
        ? 'a named pipe'
        : 'not a regular file';
    throw new UsageError(
      `-o ${shown} is ${link.isSymbolicLink() ? `a link to ${what}` : what}: ${command} writes only regular files`,
    );
  }
  const real = realpathSync(file);
  if (input !== undefined && real === realpathSync(input.path))
    throw new UsageError(`-o ${shown} is ${input.what} itself`);
  if (!force)
    throw new UsageError(
      `${shown} exists: not replaced`,
      'give --force to replace it, or -o another file (-o - prints it)',
    );
  return { path: real, exists: true, mode: Number(st.mode) & 0o7777 };
}

/** Writes a new file atomically without ever replacing one: a temporary file, linked into place. */
function writeNew(path: string, text: string, shown: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST')
      throw new UsageError(`${shown} was created meanwhile: not replaced`);
    throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Writes `text` where `outputTarget` said: replaced atomically (its mode kept), or created. */
export function writeTarget(where: Target, text: string, shown: string): void {
  if (where.exists) writeFileAtomic(where.path, text, where.mode);
  else writeNew(where.path, text, shown);
}
