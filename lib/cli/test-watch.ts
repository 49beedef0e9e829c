/**
 * `trustspec test --watch`: run, then run again whenever a file the run read changes (scenario
 * files, policies, templates, plans, workflows, manifests, keys, the config) or a scenario file
 * appears in a folder discovery listed; until interrupted (Ctrl-C), when the last run's exit code
 * is returned. Each run starts afresh: nothing read is kept from one run to the next.
 *
 * Folders are watched one by one (not recursively): only those the run listed or read a file in,
 * so a repository's node_modules costs nothing. A folder created later is picked up by the run its
 * first scenario file triggers in a watched parent.
 */
import { watch as fsWatch } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { CONFIG_FILES } from '../scenarios/index.js';
import {
  EXIT,
  UsageError,
  type FolderWatcher,
  type Io,
  type WatchFolder,
  type WatchHooks,
} from './io.js';
import { testCommand, type RunInputs, type TestOptions } from './test.js';

/** Scenario files discovery picks up in a folder (as lib/scenarios/discover.ts names them). */
const SCENARIO_NAME = /\.trustspec\.ya?ml$/i;
/** Editors write a file in a burst of events: a run starts once they have settled. */
const SETTLE_MS = 150;

const nodeWatchFolder: WatchFolder = (folder, onEvent, onError) => {
  const w = fsWatch(folder, { persistent: true }, (_type, name) =>
    onEvent(name === null ? undefined : String(name)),
  );
  w.on('error', onError);
  return w;
};

/** The signal that ends the watch: the given one, or the process's SIGINT / SIGTERM. */
function stopSignal(hooks: WatchHooks): { signal: AbortSignal; dispose(): void } {
  if (hooks.signal) return { signal: hooks.signal, dispose: () => undefined };
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

/** Does a change to `name` in `folder` concern the run (its inputs, a scenario file, the config)? */
function concerns(folder: string, name: string | undefined, files: ReadonlySet<string>): boolean {
  if (name === undefined) return true; // the platform did not say which: assume it does
  const base = basename(name);
  return (
    files.has(join(folder, name)) ||
    SCENARIO_NAME.test(base) ||
    (CONFIG_FILES as readonly string[]).includes(base)
  );
}

/** The folders watched between runs, and the changes seen (exported for its tests). */
export class Watch {
  private watchers = new Map<string, FolderWatcher>();
  private files = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private changed: string | undefined;
  /** Events settled with nobody waiting (a change during a run): the next wait ends at once. */
  private ready = false;

  constructor(
    private readonly io: Io,
    private readonly watchFolder: WatchFolder,
    private readonly settleMs: number,
  ) {}

  /** Watches the folders of `inputs` (and those listed), and no others. */
  follow(inputs: RunInputs): void {
    // A run stopped before it read anything (a usage error): keep watching what the last one read.
    if (inputs.files.length === 0 && inputs.folders.length === 0 && this.watchers.size > 0) return;
    const cwd = this.io.cwd;
    this.files = new Set(inputs.files.map((f) => resolve(cwd, f)));
    const folders = new Set([
      ...inputs.folders.map((f) => resolve(cwd, f)),
      ...[...this.files].map((f) => dirname(f)),
    ]);
    for (const [folder, w] of this.watchers) {
      if (folders.has(folder)) continue;
      w.close();
      this.watchers.delete(folder);
    }
    for (const folder of folders) {
      if (this.watchers.has(folder)) continue;
      try {
        const w = this.watchFolder(
          folder,
          (name) => this.event(folder, name),
          // A folder that went away is noticed by the run its removal triggers.
          () => this.event(folder, undefined),
        );
        this.watchers.set(folder, w);
      } catch {
        // Gone or unreadable since the run: the next run reports what it cannot read.
      }
    }
  }

  private event(folder: string, name: string | undefined): void {
    if (!concerns(folder, name, this.files)) return;
    this.changed ??= name === undefined ? folder : join(folder, name);
    this.ready = false;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.ready = true;
      this.wake?.();
    }, this.settleMs);
  }

  /** Resolves with the first changed path once events have settled, or undefined when stopped. */
  next(signal: AbortSignal): Promise<string | undefined> {
    return new Promise((done) => {
      const finish = (): void => {
        signal.removeEventListener('abort', onAbort);
        this.wake = undefined;
        this.ready = false;
        const changed = this.changed;
        this.changed = undefined;
        done(changed);
      };
      const onAbort = (): void => {
        clearTimeout(this.timer);
        this.changed = undefined;
        finish();
      };
      if (signal.aborted) return onAbort();
      if (this.ready) return finish();
      signal.addEventListener('abort', onAbort, { once: true });
      this.wake = finish;
    });
  }

  close(): void {
    clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}

/** One run; a usage error after the first run is shown and the watch goes on. */
async function runOnce(
  args: string[],
  opts: TestOptions,
  io: Io,
  first: boolean,
): Promise<{ code: number; inputs: RunInputs }> {
  const inputs: RunInputs = { files: [], folders: [] };
  try {
    return { code: await testCommand(args, opts, io, inputs), inputs };
  } catch (e) {
    if (first || !(e instanceof UsageError)) throw e;
    io.stderr.write(`trustspec: ${e.message}\n${e.hint ? `  ${e.hint}\n` : ''}`);
    return { code: EXIT.usage, inputs };
  }
}

export async function watchTests(
  args: string[],
  opts: TestOptions,
  io: Io,
  hooks: WatchHooks = {},
): Promise<number> {
  if (opts.crossCheck || opts.requireCrossCheck)
    throw new UsageError(
      '--watch and --cross-check: Access Analyzer would be called (and charged) on every change',
      'run the cross-check once, without --watch',
    );
  const watch = new Watch(io, hooks.watchFolder ?? nodeWatchFolder, hooks.settleMs ?? SETTLE_MS);
  const stop = stopSignal(hooks);
  try {
    let first = true;
    let code: number = EXIT.ok;
    for (;;) {
      const run = await runOnce(args, opts, io, first);
      first = false;
      code = run.code;
      watch.follow(run.inputs);
      hooks.onRun?.(code, [...run.inputs.files]);
      if (stop.signal.aborted) return code;
      io.stderr.write(
        `\ntrustspec: watching ${run.inputs.files.length} files for changes (Ctrl-C to stop)\n`,
      );
      const changed = await watch.next(stop.signal);
      if (changed === undefined) return code;
      io.stderr.write(
        `\ntrustspec: ${relative(io.cwd, changed) || changed} changed: running again\n\n`,
      );
    }
  } finally {
    watch.close();
    stop.dispose();
  }
}
