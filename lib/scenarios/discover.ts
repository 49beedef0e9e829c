/**
 * Finding scenario files: files, folders (recursive) and globs, as `trustspec test` takes them.
 * A search never leaves the folder it was given: a symbolic link to a folder is not followed (one
 * inside the tree is searched as itself; one leading out of it is reported), a link to a file outside
 * it is reported and not run, and a folder is entered once by identity (no loops through bind mounts).
 * A folder that cannot be read is reported, never skipped silently.
 */
import { readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { isAbsolute, join, posix as posixPath, relative, resolve, sep } from 'node:path';
import { minimatch } from '../packages.js';
import { noteFolderListed } from '../files.js';
import type { FileError } from './types.js';

/** `*.trustspec.yaml` / `*.trustspec.yml`. */
export const SCENARIO_FILE = /\.trustspec\.ya?ml$/i;

export interface Discovery {
  /** Absolute paths, sorted, each file once (also when links name it twice). */
  files: string[];
  /** Arguments that name nothing (line and column 0: no place in a file). */
  errors: FileError[];
  /**
   * What the search could not look into or would not follow: unreadable folders, links out of the
   * tree. Unreadable folders are errors instead when no scenario file was found at all.
   */
  warnings: FileError[];
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

function problem(
  arg: string,
  code: string,
  message: string,
  hint?: string,
  severity: 'error' | 'warning' = 'error',
): FileError {
  return {
    file: arg,
    line: 0,
    column: 0,
    code,
    message,
    severity,
    ...(hint ? { hint } : {}),
  };
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (e as Error).message;
}

/** One search: the files found (by real path), the folders entered, the problems met. */
class Search {
  /** Real path → the path the file was first found under. */
  private readonly found = new Map<string, string>();
  readonly errors: FileError[] = [];
  readonly warnings: FileError[] = [];

  constructor(
    private readonly cwd: string,
    /** The names folders and globs yield (`trustspec lint` adds policy files). */
    readonly pattern: RegExp = SCENARIO_FILE,
    /** The names of files a glob matches itself that it yields (default: `pattern`). */
    readonly globPattern: RegExp = pattern,
  ) {}

  shown(path: string): string {
    return displayPath(path, this.cwd);
  }

  add(path: string): void {
    const real = realOf(path);
    if (!this.found.has(real)) this.found.set(real, path);
  }

  warn(path: string, code: string, message: string, hint?: string): void {
    this.warnings.push(problem(this.shown(path), code, message, hint, 'warning'));
  }

  /** The entries of a folder, sorted by name; undefined (and a warning) when it cannot be read. */
  entries(dir: string): Dirent[] | undefined {
    noteFolderListed(dir);
    try {
      return readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      );
    } catch (e) {
      this.warn(
        dir,
        'unreadable-folder',
        `cannot read the folder "${this.shown(dir)}" (${reason(e)}): its scenario files, if any, were not run`,
        'give trustspec read access to the folder, or leave it out of the paths tested',
      );
      return undefined;
    }
  }

  /**
   * What a symbolic link in the tree `root` (a real path) leads to: its target's stats when it stays
   * in the tree; undefined, with a warning when the link could matter, otherwise.
   */
  followLink(path: string, name: string, root: string): Stats | undefined {
    const st = statOf(path);
    if (!st) {
      if (this.pattern.test(name))
        this.warn(path, 'broken-link', `"${this.shown(path)}" is a symbolic link to nothing`);
      return undefined;
    }
    if (st.isDirectory() && skipped(name)) return undefined;
    const real = realOf(path);
    if (real === root || real.startsWith(root.endsWith(sep) ? root : root + sep)) return st;
    if (st.isDirectory() || this.pattern.test(name)) {
      this.warn(
        path,
        'link-outside-tree',
        `"${this.shown(path)}" is a symbolic link to ${st.isDirectory() ? 'a folder' : 'a file'} outside "${this.shown(root)}" (${real}): not followed`,
        'trustspec searches only inside the folders given; name the target itself to test it',
      );
    }
    return undefined;
  }

  /**
   * Adds every scenario file under `dir`, a folder of the tree whose real path is `root`; returns
   * how many it met (also those found before).
   */
  walk(dir: string, root: string, seen = new Set<string>()): number {
    const st = statOf(dir);
    const id = st ? `${st.dev}:${st.ino}` : dir;
    if (seen.has(id)) return 0;
    seen.add(id);
    let met = 0;
    for (const entry of this.entries(dir) ?? []) {
      const path = join(dir, entry.name);
      let isDir = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        const target = this.followLink(path, entry.name, root);
        // A folder inside the tree is searched under its own name, not through the link.
        if (!target || target.isDirectory()) continue;
        isDir = false;
      }
      if (isDir) {
        if (!skipped(entry.name)) met += this.walk(path, root, seen);
      } else if (this.pattern.test(entry.name)) {
        // A FIFO or device with a scenario file's name is handed on: the reader refuses it by name.
        this.add(path);
        met++;
      }
    }
    return met;
  }

  files(): string[] {
    return [...this.found.values()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
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

/** One argument: a file, a folder, or a glob. */
function discoverOne(arg: string, cwd: string, search: Search): void {
  const abs = resolve(cwd, arg);
  const st = statOf(abs);
  if (st?.isFile()) {
    search.add(abs);
    return;
  }
  if (st?.isDirectory()) {
    // A folder without scenario files is not an error: it simply contributes none.
    search.walk(abs, realOf(abs));
    return;
  }
  if (st) {
    search.errors.push(problem(arg, 'not-a-file', `"${arg}" is neither a file nor a folder`));
    return;
  }
  if (!isGlob(arg)) {
    search.errors.push(
      problem(
        arg,
        'path-not-found',
        `"${arg}" does not exist`,
        'give scenario files (*.trustspec.yaml), folders holding them, or globs',
      ),
    );
    return;
  }
  if (!matchGlob(arg, cwd, search)) {
    search.errors.push(
      problem(
        arg,
        'glob-no-match',
        `no scenario file matches "${arg}"`,
        'a glob names *.trustspec.yaml files, or folders holding them; quote it so the shell does not expand it',
      ),
    );
  }
}

/**
 * Scenario files named by `args`, relative to `cwd`. No arguments: everything under `cwd`. A file
 * named directly is taken whatever its name; folders and globs yield `*.trustspec.yaml|yml` files
 * (or the names `pattern` matches),
 * skipping `node_modules` and dot-folders (unless a glob names them).
 */
export function discoverFiles(
  args: string[],
  cwd: string,
  pattern: RegExp = SCENARIO_FILE,
  globPattern: RegExp = pattern,
): Discovery {
  const search = new Search(cwd, pattern, globPattern);
  const targets = args.length === 0 ? ['.'] : args;
  for (const arg of targets) discoverOne(arg, cwd, search);
  const files = search.files();
  // Nothing else ran: a folder that could not be read is why, so it fails the run.
  const fatal = files.length === 0;
  const warnings: FileError[] = [];
  for (const w of search.warnings) {
    if (fatal && w.code === 'unreadable-folder') search.errors.push({ ...w, severity: 'error' });
    else warnings.push(w);
  }
  return { files, errors: search.errors, warnings };
}

/** Adds the files matching a glob (and scenario files in folders matching it); whether any did. */
function matchGlob(pattern: string, cwd: string, search: Search): boolean {
  // `./a/*.yaml` and `a/b/../*.yaml` match as written: normalise before matching.
  const posix = posixPath.normalize(pattern.split(sep).join('/'));
  const base = resolve(cwd, globBase(posix));
  const root = realOf(base);
  const absPattern = isAbsolute(posix)
    ? posix
    : posixPath.join(resolve(cwd).split(sep).join('/'), posix);
  const names = posix.split('/');
  // A glob that names a dot-folder or node_modules itself may enter it.
  const entersSkipped = names.some(
    (n) => n === 'node_modules' || (n.startsWith('.') && n !== '.' && n !== '..'),
  );
  let matched = false;
  const visit = (dir: string, seen: Set<string>): void => {
    const st = statOf(dir);
    const id = st ? `${st.dev}:${st.ino}` : dir;
    if (seen.has(id)) return;
    seen.add(id);
    for (const entry of search.entries(dir) ?? []) {
      const path = join(dir, entry.name);
      let isDir = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        const target = search.followLink(path, entry.name, root);
        if (!target || target.isDirectory()) continue;
        isDir = false;
      }
      const hit = minimatch().minimatch(path.split(sep).join('/'), absPattern, {
        dot: entersSkipped,
      });
      if (isDir) {
        if (hit) {
          if (search.walk(path, root) > 0) matched = true;
        } else if (!skipped(entry.name) || entersSkipped) {
          visit(path, seen);
        }
      } else if (hit && search.globPattern.test(entry.name)) {
        search.add(path);
        matched = true;
      }
    }
  };
  if (statOf(base)?.isDirectory()) visit(base, new Set());
  return matched;
}

/** A path as reports show it: relative to `cwd` when given, else as it is. */
export function displayPath(path: string, cwd: string | undefined): string {
  if (cwd === undefined) return path;
  const rel = relative(cwd, path);
  if (rel === '' || isAbsolute(rel)) return path;
  return rel.split(sep).join('/');
}
