/** Finding scenario files: files, folders (recursive) and globs, as `trustspec test` takes them. */
import { readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, posix as posixPath, relative, resolve, sep } from 'node:path';
import { minimatch } from 'minimatch';
import type { FileError } from './types.js';

/** `*.trustspec.yaml` / `*.trustspec.yml`. */
export const SCENARIO_FILE = /\.trustspec\.ya?ml$/i;

export interface Discovery {
  /** Absolute paths, sorted, each once. */
  files: string[];
  /** Arguments that name nothing (line and column 0: no place in a file). */
  errors: FileError[];
}

/** Folders never searched: dependencies and dot-folders (.git, .terraform, …). */
function skipped(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.');
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function realOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Every file under `dir` (not entering skipped folders), following links once. */
function* walk(dir: string, seen: Set<string>): Generator<string> {
  const real = realOf(dir);
  if (seen.has(real)) return;
  seen.add(real);
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    const st = statOf(path);
    if (!st) continue;
    if (st.isDirectory()) {
      if (!skipped(name)) yield* walk(path, seen);
    } else if (st.isFile()) {
      yield path;
    }
  }
}

function isGlob(arg: string): boolean {
  return /[*?[\]{}!]/.test(arg);
}

/** The folder a glob starts from: its leading segments without magic characters. */
function globBase(pattern: string): string {
  const parts = pattern.split('/');
  const fixed: string[] = [];
  for (const p of parts.slice(0, -1)) {
    if (isGlob(p)) break;
    fixed.push(p);
  }
  if (fixed.length === 0) return '.';
  if (fixed.length === 1 && fixed[0] === '') return '/';
  return fixed.join('/');
}

function problem(arg: string, code: string, message: string, hint?: string): FileError {
  return {
    file: arg,
    line: 0,
    column: 0,
    code,
    message,
    severity: 'error',
    ...(hint ? { hint } : {}),
  };
}

/**
 * Scenario files named by `args`, relative to `cwd`. No arguments: everything under `cwd`. A file
 * named directly is taken whatever its name; folders and globs yield `*.trustspec.yaml|yml` files,
 * skipping `node_modules` and dot-folders (unless a glob names them).
 */
export function discoverFiles(args: string[], cwd: string): Discovery {
  const found = new Set<string>();
  const errors: FileError[] = [];
  const targets = args.length === 0 ? ['.'] : args;
  for (const arg of targets) {
    const abs = resolve(cwd, arg);
    const st = statOf(abs);
    if (st?.isFile()) {
      found.add(abs);
      continue;
    }
    if (st?.isDirectory()) {
      // A folder without scenario files is not an error: it simply contributes none.
      for (const file of walk(abs, new Set())) if (SCENARIO_FILE.test(file)) found.add(file);
      continue;
    }
    if (st) {
      errors.push(problem(arg, 'not-a-file', `"${arg}" is neither a file nor a folder`));
      continue;
    }
    if (!isGlob(arg)) {
      errors.push(
        problem(
          arg,
          'path-not-found',
          `"${arg}" does not exist`,
          'give scenario files (*.trustspec.yaml), folders holding them, or globs',
        ),
      );
      continue;
    }
    const matched = matchGlob(arg, cwd);
    if (matched.length === 0) {
      errors.push(
        problem(
          arg,
          'glob-no-match',
          `no scenario file matches "${arg}"`,
          'a glob names *.trustspec.yaml files, or folders holding them; quote it so the shell does not expand it',
        ),
      );
    }
    for (const f of matched) found.add(f);
  }
  const files = [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { files, errors };
}

/** Files matching a glob (and scenario files in folders matching it). */
function matchGlob(pattern: string, cwd: string): string[] {
  // `./a/*.yaml` and `a/b/../*.yaml` match as written: normalise before matching.
  const posix = posixPath.normalize(pattern.split(sep).join('/'));
  const base = resolve(cwd, globBase(posix));
  const absPattern = isAbsolute(posix)
    ? posix
    : posixPath.join(resolve(cwd).split(sep).join('/'), posix);
  const names = posix.split('/');
  // A glob that names a dot-folder or node_modules itself may enter it.
  const entersSkipped = names.some(
    (n) => n === 'node_modules' || (n.startsWith('.') && n !== '.' && n !== '..'),
  );
  const out: string[] = [];
  const visit = (dir: string, seen: Set<string>): void => {
    const real = realOf(dir);
    if (seen.has(real)) return;
    seen.add(real);
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of entries) {
      const path = join(dir, name);
      const st = statOf(path);
      if (!st) continue;
      const asPosix = path.split(sep).join('/');
      const hit = minimatch(asPosix, absPattern, { dot: entersSkipped });
      if (st.isDirectory()) {
        if (hit) {
          for (const f of walk(path, new Set())) if (SCENARIO_FILE.test(f)) out.push(f);
        } else if (!skipped(name) || entersSkipped) {
          visit(path, seen);
        }
      } else if (st.isFile() && hit && SCENARIO_FILE.test(name)) {
        out.push(path);
      }
    }
  };
  if (statOf(base)?.isDirectory()) visit(base, new Set());
  return out;
}

/** A path as reports show it: relative to `cwd` when given, else as it is. */
export function displayPath(path: string, cwd: string | undefined): string {
  if (cwd === undefined) return path;
  const rel = relative(cwd, path);
  if (rel === '' || isAbsolute(rel)) return path;
  return rel.split(sep).join('/');
}
