/**
 * Reading a repository for `trustspec diff --base REF`: which files changed between REF and the
 * work tree, and their old versions — through git's plumbing (`git diff`, `ls-files`, `ls-tree`,
 * `cat-file`), spawned with execFile (no shell), never touching the work tree or the index.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from './io.js';

/** A changed file, by its path from the top of the repository (with `/`). */
export interface Change {
  status: 'added' | 'removed' | 'modified';
  path: string;
}

/** Bytes of old files `materialize` writes at most (then the answer is an error, not a guess). */
const MAX_TREE_BYTES = 256 * 1024 * 1024;
/** Old files bigger than this are not written (trustspec reads no input over 5 MiB anyway). */
const MAX_BLOB_BYTES = 5 * 1024 * 1024;

export class Git {
  private constructor(
    /** The top of the work tree (a real path). */
    readonly top: string,
    /** The commit REF names. */
    readonly commit: string,
    readonly ref: string,
  ) {}

  /** The repository around `cwd` and the commit `ref` names; a usage error when either is not. */
  static open(cwd: string, ref: string): Git {
    const top = run(cwd, ['rev-parse', '--show-toplevel'], undefined, () =>
      usage(`--base needs a git repository, and ${cwd} is not inside one`),
    ).trim();
    if (ref === '' || ref.startsWith('-'))
      throw usage(`--base "${ref}" is not a git revision`, 'e.g. --base origin/main');
    const commit = run(
      top,
      ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`],
      undefined,
      () =>
        usage(
          `--base ${ref}: no such commit in ${top}`,
          'fetch it first (e.g. git fetch origin main), or name a branch, tag or commit',
        ),
    ).trim();
    return new Git(realpathSync(top), commit, ref);
  }

  /** `paths` (relative to `cwd`) as pathspecs from the top; a path outside the repository is an error. */
  pathspecs(cwd: string, paths: readonly string[]): string[] {
    const base = realpathSync(cwd);
    return (paths.length === 0 ? ['.'] : paths).map((p) => {
      const rel = relative(this.top, resolve(base, p));
      if (rel.startsWith('..') || isAbsolute(rel))
        throw usage(`${p} is outside the git repository ${this.top}`);
      return rel === '' ? '.' : rel.split(sep).join('/');
    });
  }

  /** Files that differ between the commit and the work tree (untracked ones count as added). */
  changes(specs: readonly string[]): Change[] {
    const out = new Map<string, Change>();
    const diff = this.git([
      'diff',
      '--name-status',
      '-z',
      '--no-renames',
      this.commit,
      '--',
      ...specs,
    ]);
    const parts = diff.split('\0');
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const code = (parts[i] as string).charAt(0);
      const path = parts[i + 1] as string;
      const status = code === 'A' ? 'added' : code === 'D' ? 'removed' : 'modified';
      out.set(path, { status, path });
    }
    const untracked = this.git([
      'ls-files',
      '--others',
      '--exclude-standard',
      '-z',
      '--full-name',
      '--',
      ...specs,
    ]);
    for (const path of untracked.split('\0').filter(Boolean))
      out.set(path, { status: 'added', path });
    return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Files of the work tree under `specs` that git sees (tracked or not ignored), from the top. */
  files(specs: readonly string[]): string[] {
    const out = this.git([
      'ls-files',
      '--cached',
      '--others',
      '--exclude-standard',
      '-z',
      '--full-name',
      '--',
      ...specs,
    ]);
    return [...new Set(out.split('\0').filter(Boolean))].sort();
  }

  /** The text of `path` in the commit. */
  show(path: string): string {
    return this.git(['show', `${this.commit}:${path}`]);
  }

  /**
   * Writes the commit's files (regular files and executables; no links, no submodules, none over
   * 5 MiB) under `dir`, so that an old scenario file finds its old policy and fixtures.
   */
  materialize(dir: string): void {
    const listing = this.git(['ls-tree', '-r', '-l', '-z', '--full-tree', this.commit]);
    const blobs: Array<{ oid: string; path: string }> = [];
    let total = 0;
    for (const line of listing.split('\0').filter(Boolean)) {
      const tab = line.indexOf('\t');
      const [mode, type, oid, size] = line.slice(0, tab).split(/\s+/);
      const bytes = Number(size);
      if (type !== 'blob' || (mode !== '100644' && mode !== '100755') || bytes > MAX_BLOB_BYTES)
        continue;
      total += bytes;
      if (total > MAX_TREE_BYTES)
        throw usage(`--base ${this.ref}: the files of that commit exceed 256 MiB`, 'give PATHS');
      blobs.push({ oid: oid as string, path: line.slice(tab + 1) });
    }
    if (blobs.length === 0) return;
    const batch = run(
      this.top,
      ['cat-file', '--batch'],
      `${blobs.map((b) => b.oid).join('\n')}\n`,
      (m) => usage(`git cat-file failed: ${m}`),
      'buffer',
    ) as unknown as Buffer;
    let at = 0;
    for (const b of blobs) {
      const nl = batch.indexOf(10, at);
      const size = Number(batch.subarray(at, nl).toString('latin1').split(' ')[2]);
      const file = join(dir, ...b.path.split('/'));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, batch.subarray(nl + 1, nl + 1 + size));
      at = nl + 1 + size + 1;
    }
  }

  private git(args: string[]): string {
    return run(this.top, args, undefined, (m) => usage(`git ${args[0]} failed: ${m}`));
  }
}

function usage(message: string, hint?: string): UsageError {
  return new UsageError(message, hint);
}

/** Runs git with literal pathspecs and unquoted names; `fail` makes the error from its stderr. */
function run(
  cwd: string,
  args: string[],
  input: string | undefined,
  fail: (message: string) => Error,
  encoding: 'utf8' | 'buffer' = 'utf8',
): string {
  try {
    return execFileSync(
      'git',
      ['--literal-pathspecs', '-c', 'core.quotePath=false', '--no-pager', ...args],
      {
        cwd,
        ...(input !== undefined ? { input } : {}),
        encoding: encoding === 'utf8' ? 'utf8' : null,
        maxBuffer: MAX_TREE_BYTES * 2,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
        windowsHide: true,
      },
    ) as unknown as string;
  } catch (e) {
    const err = e as { code?: string; stderr?: Buffer | string; message?: string };
    if (err.code === 'ENOENT') throw usage('--base needs git, and no git command was found');
    const text =
      String(err.stderr ?? err.message ?? '')
        .trim()
        .split('\n')[0] ?? '';
    throw fail(text);
  }
}
