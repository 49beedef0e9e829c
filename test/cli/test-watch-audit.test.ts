/**
 * Cases added by the December 2026 mutation audit (docs/test-audit-2026-12.md) for the folders
 * `trustspec test --watch` follows and the changes it reacts to (lib/cli/test-watch.ts `Watch`):
 * each fails with a deliberate bug the other watch tests let through. Events come from a fake
 * watcher the test fires; no test measures time (the 1 s race only ends a wait that would hang).
 */
import t from 'tap';
import { join } from 'node:path';
import type { WatchFolder } from '../../lib/cli/io.js';
import { Watch } from '../../lib/cli/test-watch.js';
import { main } from '../../lib/cli/main.js';
import { Capture, cleanEnv, NOW } from './helpers.js';

class FakeFs {
  readonly folders = new Map<string, (name: string | undefined) => void>();
  readonly watchFolder: WatchFolder = (folder, onEvent) => {
    this.folders.set(folder, onEvent);
    return { close: () => this.folders.delete(folder) };
  };
  fire(folder: string, name: string | undefined): void {
    const on = this.folders.get(folder);
    if (!on) throw new Error(`${folder} is not watched`);
    on(name);
  }
}

const HUNG = 'no change reported';

function setup(dir: string) {
  const fs = new FakeFs();
  const io = { stdout: new Capture(), stderr: new Capture(), cwd: dir, env: {} };
  const watch = new Watch(io, fs.watchFolder, 0);
  /** The change the next wait reports, or HUNG when none comes (ended by a signal). */
  const next = async (): Promise<string | undefined> => {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), 1000);
    const got = await watch.next(stop.signal);
    clearTimeout(timer);
    return stop.signal.aborted ? HUNG : got;
  };
  return { fs, watch, next };
}

t.test('which events start a run', async (t) => {
  const dir = t.testdir({ 'policy.json': '{}', 'a.trustspec.yaml': '' });
  const rows: [string, string | undefined, string][] = [
    ['a file the run read', 'policy.json', join(dir, 'policy.json')],
    ['a new scenario file', 'b.trustspec.yml', join(dir, 'b.trustspec.yml')],
    ['a config file appears', 'trustspec.config.yaml', join(dir, 'trustspec.config.yaml')],
    ['the other config spelling', 'trustspec.config.yml', join(dir, 'trustspec.config.yml')],
    ['an event that names no file', undefined, dir],
    ['a file the run did not read', 'notes.txt', HUNG],
  ];
  for (const [name, event, want] of rows) {
    const { fs, watch, next } = setup(dir);
    watch.follow({ files: [join(dir, 'policy.json'), join(dir, 'a.trustspec.yaml')], folders: [] });
    fs.fire(dir, event);
    t.equal(await next(), want, name);
    watch.close();
  }
});

t.test('of several events before a run, the first is the one reported', async (t) => {
  const dir = t.testdir({ 'policy.json': '{}' });
  const { fs, watch, next } = setup(dir);
  watch.follow({ files: [join(dir, 'policy.json')], folders: [] });
  fs.fire(dir, 'policy.json');
  fs.fire(dir, 'new.trustspec.yaml');
  t.equal(await next(), join(dir, 'policy.json'));
  watch.close();
});

t.test('the folders watched follow what each run read', async (t) => {
  const dir = t.testdir({ a: { 'p.json': '{}' }, b: { 'q.json': '{}' } });
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const { fs, watch } = setup(dir);
  watch.follow({ files: [join(a, 'p.json')], folders: [] });
  t.same([...fs.folders.keys()], [a]);
  // The next run read only b: a is no longer watched.
  watch.follow({ files: [join(b, 'q.json')], folders: [] });
  t.same([...fs.folders.keys()], [b], 'a closed, b watched');
  // A run stopped before it read anything keeps what the last one watched.
  watch.follow({ files: [], folders: [] });
  t.same([...fs.folders.keys()], [b], 'b still watched');
  // A folder listed by discovery is watched even when no file in it was read.
  watch.follow({ files: [join(b, 'q.json')], folders: [a] });
  t.same([...fs.folders.keys()].sort(), [a, b]);
  watch.close();
  t.equal(fs.folders.size, 0);
});

t.test('--watch is refused with either cross-check flag, before any run', async (t) => {
  const dir = t.testdir({ 'a.trustspec.yaml': 'scenarios: []\n' });
  for (const flag of ['--cross-check', '--require-cross-check']) {
    const fs = new FakeFs();
    let runs = 0;
    const stderr = new Capture();
    const code = await main(['test', '--watch', flag], {
      stdout: new Capture(),
      stderr,
      cwd: dir,
      env: cleanEnv(),
      now: () => Date.parse(NOW),
      watch: {
        watchFolder: fs.watchFolder,
        signal: new AbortController().signal,
        settleMs: 0,
        onRun: () => runs++,
      },
    });
    t.equal(code, 2, `${flag}: exit 2`);
    t.match(stderr.text, /--watch and --cross-check: Access Analyzer would be called/, flag);
    t.equal(runs, 0, `${flag}: no run`);
    t.equal(fs.folders.size, 0, `${flag}: nothing watched`);
  }
});
