/**
 * `trustspec diff --base GIT_REF [PATHS]`: every policy file and every scenario file's role under
 * PATHS that changed since GIT_REF, compared with its version in that commit. The old versions
 * are read through git (no checkout: the work tree and the index are left alone) into a temporary
 * folder; an added file is compared with a role that allows nothing (everything it allows is
 * newly allowed), a removed one the other way round.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { yaml } from '../packages.js';
import { SCENARIO_FILE } from '../scenarios/index.js';
import type { AnalysisRole } from '../symbolic/providers.js';
import { Git, type Change } from './diff-git.js';
import { policyJson } from './diff-output.js';
import { UsageError, type Io } from './io.js';
import { loadRole, type LoadedRole, type RoleOptions } from './roles.js';

/** One role to compare: where its two versions are (undefined: the file is absent there). */
export interface BasePair {
  /** The file, from the top of the repository. */
  path: string;
  kind: 'policy' | 'scenario';
  status: Change['status'];
}

/** A pair loaded: the two roles, or why it could not be. */
export interface LoadedPair {
  pair: BasePair;
  before?: LoadedRole;
  after?: LoadedRole;
  /** The policies as JSON texts, for the cross-check (undefined: absent, or not a document). */
  texts?: [string | undefined, string | undefined];
  error?: string;
}

const POLICY_EXT = /\.(json|ya?ml)$/i;

/** Does the text read as a policy document (an object with a `Statement`)? */
export function looksLikePolicy(text: string, path: string): boolean {
  try {
    const doc: unknown = /\.json$/i.test(path) ? JSON.parse(text) : yaml().parse(text);
    return doc !== null && typeof doc === 'object' && !Array.isArray(doc) && 'Statement' in doc;
  } catch {
    return false;
  }
}

function readIf(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The pairs to compare: changed scenario files, scenario files that name a changed file (their
 * policy may be it), and changed policy files.
 */
export function findPairs(git: Git, specs: readonly string[]): BasePair[] {
  const changes = git.changes(specs);
  const changed = new Map(changes.map((c) => [c.path, c]));
  const pairs: BasePair[] = [];
  const names = [...new Set(changes.map((c) => basename(c.path)))];
  const scenarioFiles = new Set([
    ...git.files(specs).filter((p) => SCENARIO_FILE.test(p)),
    ...changes.filter((c) => SCENARIO_FILE.test(c.path)).map((c) => c.path),
  ]);
  for (const path of [...scenarioFiles].sort()) {
    const c = changed.get(path);
    if (c) {
      pairs.push({ path, kind: 'scenario', status: c.status });
      continue;
    }
    const text = readIf(join(git.top, path)) ?? '';
    if (names.some((n) => text.includes(n)))
      pairs.push({ path, kind: 'scenario', status: 'modified' });
  }
  for (const c of changes) {
    if (SCENARIO_FILE.test(c.path) || !POLICY_EXT.test(c.path)) continue;
    const now = c.status === 'removed' ? undefined : readIf(join(git.top, c.path));
    const old = c.status === 'added' ? undefined : git.show(c.path);
    if ([now, old].some((t) => t !== undefined && looksLikePolicy(t, c.path)))
      pairs.push({ path: c.path, kind: 'policy', status: c.status });
  }
  return pairs;
}

/** A role that allows nothing: the other version of an added or removed file. */
function nothing(role: LoadedRole, label: string): LoadedRole {
  const analysis: AnalysisRole = {
    ...role.analysis,
    role: {
      ...role.analysis.role,
      policy: { ...role.analysis.role.policy, statements: [] },
    },
  };
  return {
    ...role,
    analysis,
    source: label,
    seeds: { claims: [], sessionNames: [], contexts: [] },
  };
}

/** The folder of old versions, filled on first need. */
class OldTree {
  private dir: string | undefined;
  private full = false;
  constructor(private readonly git: Git) {}

  /** Where the old version of `path` is; the whole commit is written for a scenario file. */
  place(path: string, kind: BasePair['kind']): { root: string; file: string } {
    this.dir ??= mkdtempSync(join(tmpdir(), 'trustspec-diff-'));
    const file = join(this.dir, ...path.split('/'));
    if (kind === 'scenario' && !this.full) {
      this.git.materialize(this.dir);
      this.full = true;
    } else if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, this.git.show(path));
    }
    return { root: this.dir, file };
  }

  dispose(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

function load(arg: string, io: Io, opts: RoleOptions, kind: BasePair['kind']): Promise<LoadedRole> {
  // --role-arn and --provider are for the policy files; scenario files name their own.
  const o = kind === 'scenario' ? { provider: [], ...(opts.now ? { now: opts.now } : {}) } : opts;
  return loadRole(arg, io, o);
}

/** Loads the two versions of every pair; a version that cannot be used is the pair's error. */
export async function loadPairs(
  git: Git,
  pairs: readonly BasePair[],
  io: Io,
  opts: RoleOptions,
): Promise<{ loaded: LoadedPair[]; dispose: () => void }> {
  const tree = new OldTree(git);
  // Names from the real folder, as git gives its top (a temporary folder may be behind a link).
  const real = { ...io, cwd: realpathSync(io.cwd) };
  // A policy file that a compared scenario file uses is compared there, with its role.
  const covered = new Set<string>();
  const loaded: LoadedPair[] = [];
  for (const pair of pairs) {
    if (pair.kind === 'policy' && covered.has(pair.path)) continue;
    const one = await loadPair(pair);
    for (const r of [one.before, one.after])
      if (r) covered.add(relative(git.top, resolve(real.cwd, r.policyFile)).split(sep).join('/'));
    loaded.push(one);
  }
  return { loaded, dispose: () => tree.dispose() };

  async function loadPair(pair: BasePair): Promise<LoadedPair> {
    const shown = relative(real.cwd, join(git.top, ...pair.path.split('/'))) || pair.path;
    const oldName = `${git.ref}:${pair.path}`;
    let side = 'new';
    try {
      const after =
        pair.status === 'removed'
          ? undefined
          : await load(join(git.top, pair.path), real, opts, pair.kind);
      side = 'old';
      let before: LoadedRole | undefined;
      const texts: [string | undefined, string | undefined] = [
        undefined,
        after ? policyJson(resolve(real.cwd, after.policyFile)) : undefined,
      ];
      if (pair.status !== 'added') {
        const at = tree.place(pair.path, pair.kind);
        const role = await load(at.file, { ...real, cwd: at.root }, opts, pair.kind);
        const policyFile = relative(real.cwd, join(git.top, role.policyFile)) || role.policyFile;
        before = { ...role, source: oldName, policyFile };
        texts[0] = policyJson(resolve(at.root, role.policyFile));
      }
      if (after) after.source = shown;
      return {
        pair,
        before: before ?? nothing(after as LoadedRole, `${oldName} (absent)`),
        after: after ?? nothing(before as LoadedRole, `${shown} (removed)`),
        texts,
      };
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      const where = side === 'old' ? oldName : shown;
      return { pair, error: `${where}: ${e.message}${e.hint ? ` (${e.hint})` : ''}` };
    }
  }
}

/** Opens the repository and lists the pairs; git problems are usage errors. */
export function basePairs(
  io: Io,
  ref: string,
  paths: readonly string[],
): { git: Git; pairs: BasePair[] } {
  const git = Git.open(io.cwd, ref);
  return { git, pairs: findPairs(git, git.pathspecs(io.cwd, paths)) };
}
