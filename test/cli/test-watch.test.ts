/**
 * `trustspec test --watch`, in process: the file system's events come from a fake watcher the
 * test fires (no timing involved), and the watch stops on an AbortSignal. One test uses the real
 * fs.watch and waits for the event itself, never for a time.
 */
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../lib/cli/main.js';
import type { WatchFolder, WatchHooks } from '../../lib/cli/io.js';
import { Capture, cleanEnv, NOW } from './helpers.js';

const GH = 'token.actions.githubusercontent.com';
const ROLE = 'arn:aws:iam::111122223333:role/deploy';

/** A policy that allows the given subject. */
const policy = (sub: string): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${GH}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [`${GH}:sub`]: sub },
        },
      },
    ],
  });

const scenarioFile = (name: string): string => `role:
  arn: ${ROLE}
  trustPolicy: ./policy.json
providers:
  - { url: https://${GH}, clientIds: [sts.amazonaws.com] }
now: 2026-06-01T00:00:00Z
scenarios:
  - name: ${name}
    github: { repository: acme/app, ref: refs/heads/main }
    expect: allow
`;

const MAIN = 'repo:acme/app:ref:refs/heads/main';

/** A fake file system watcher: which folders are watched, and events fired by the test. */
class FakeFs {
  readonly folders = new Map<string, (name: string | undefined) => void>();
  closed = 0;
  readonly watchFolder: WatchFolder = (folder, onEvent) => {
    this.folders.set(folder, onEvent);
    return {
      close: () => {
        this.closed++;
        this.folders.delete(folder);
      },
    };
  };
  fire(folder: string, name: string | undefined): void {
    const on = this.folders.get(folder);
    if (!on) throw new Error(`${folder} is not watched (watched: ${[...this.folders.keys()]})`);
    on(name);
  }
}

/** Starts `trustspec test --watch …`; each run's code arrives on `runs`, in order. */
function start(cwd: string, args: string[], hooks: Partial<WatchHooks> = {}) {
  const fs = new FakeFs();
  const controller = new AbortController();
  const codes: number[] = [];
  const waiters: Array<() => void> = [];
  const stdout = new Capture();
  const stderr = new Capture();
  const done = main(['test', '--watch', ...args], {
    stdout,
    stderr,
    cwd,
    env: cleanEnv(),
    now: () => Date.parse(NOW),
    watch: {
      watchFolder: fs.watchFolder,
      signal: controller.signal,
      settleMs: 0,
      onRun: (code) => {
        codes.push(code);
        waiters.shift()?.();
      },
      ...hooks,
    },
  });
  let consumed = 0;
  /** The next run's exit code (runs happen one at a time). */
  const nextRun = async (): Promise<number> => {
    if (codes.length <= consumed) await new Promise<void>((resolve) => waiters.push(resolve));
    return codes[consumed++] as number;
  };
  return { fs, controller, codes, nextRun, done, stdout, stderr };
}

t.test(
  'runs, waits, runs again on a change to what it read; Ctrl-C returns the last code',
  async (t) => {
    const dir = t.testdir({
      'policy.json': policy(MAIN),
      'deploy.trustspec.yaml': scenarioFile('main deploys'),
    });
    const w = start(dir, ['.']);
    t.equal(await w.nextRun(), 0, 'first run: the scenario passes');
    t.ok(w.fs.folders.has(dir), 'the folder of the files read is watched');
    t.match(w.stderr.text, /watching 2 files for changes \(Ctrl-C to stop\)/);

    // The policy no longer allows main: the run after the change fails.
    writeFileSync(join(dir, 'policy.json'), policy('repo:acme/app:ref:refs/heads/release'));
    w.fs.fire(dir, 'policy.json');
    t.equal(await w.nextRun(), 1, 'the edited policy is read afresh');
    t.match(w.stderr.text, /policy\.json changed: running again/);

    // A file the run never read, nor a scenario file: no run.
    w.fs.fire(dir, 'notes.txt');
    w.fs.fire(dir, '.policy.json.swp');
    // Had they scheduled a run, its 0 ms timer would fire (and say so) before this one.
    await new Promise((resolve) => setTimeout(resolve, 20));
    t.notMatch(w.stderr.text, /notes\.txt|\.swp/, 'no run for files the run did not read');
    // A new scenario file in a listed folder: a run, which picks it up.
    writeFileSync(join(dir, 'policy.json'), policy(MAIN));
    writeFileSync(join(dir, 'more.trustspec.yaml'), scenarioFile('another'));
    w.fs.fire(dir, 'more.trustspec.yaml');
    t.equal(await w.nextRun(), 0);
    t.equal(w.codes.length, 3, 'the unrelated files started no run');
    t.match(w.stdout.text, /another/, 'the new file ran');

    w.controller.abort();
    t.equal(await w.done, 0, 'the last run’s code');
    t.equal(w.fs.folders.size, 0, 'every watcher closed');
  },
);

t.test('a burst of events makes one run', async (t) => {
  const dir = t.testdir({
    'policy.json': policy(MAIN),
    'deploy.trustspec.yaml': scenarioFile('main deploys'),
  });
  const w = start(dir, ['.'], { settleMs: 5 });
  t.equal(await w.nextRun(), 0);
  for (let i = 0; i < 5; i++) w.fs.fire(dir, 'policy.json');
  w.fs.fire(dir, 'deploy.trustspec.yaml');
  t.equal(await w.nextRun(), 0);
  w.controller.abort();
  await w.done;
  t.equal(w.codes.length, 2, 'six events, one run');
});

t.test('a usage error after the first run is shown, and the watch goes on', async (t) => {
  const dir = t.testdir({
    'policy.json': policy(MAIN),
    'deploy.trustspec.yaml': scenarioFile('main deploys'),
  });
  const w = start(dir, ['.', '--filter', 'main']);
  t.equal(await w.nextRun(), 0);
  writeFileSync(join(dir, 'deploy.trustspec.yaml'), scenarioFile('renamed'));
  w.fs.fire(dir, 'deploy.trustspec.yaml');
  t.equal(await w.nextRun(), 2, '--filter matches nothing now: exit 2 for this run');
  t.match(w.stderr.text, /trustspec: --filter "main" matches no scenario/);
  writeFileSync(join(dir, 'deploy.trustspec.yaml'), scenarioFile('main again'));
  w.fs.fire(dir, 'deploy.trustspec.yaml');
  t.equal(await w.nextRun(), 0, 'and the run after the fix passes');
  w.controller.abort();
  t.equal(await w.done, 0);
});

t.test('a bad scenario file is a run with exit 2, still watched', async (t) => {
  const dir = t.testdir({
    'policy.json': policy(MAIN),
    'deploy.trustspec.yaml': scenarioFile('main deploys'),
  });
  const w = start(dir, []);
  t.equal(await w.nextRun(), 0);
  writeFileSync(join(dir, 'deploy.trustspec.yaml'), 'scenarios: [\n');
  w.fs.fire(dir, 'deploy.trustspec.yaml');
  t.equal(await w.nextRun(), 2);
  t.match(w.stdout.text + w.stderr.text, /deploy\.trustspec\.yaml:\d+:\d+/, 'positioned');
  writeFileSync(join(dir, 'deploy.trustspec.yaml'), scenarioFile('main deploys'));
  w.fs.fire(dir, 'deploy.trustspec.yaml');
  t.equal(await w.nextRun(), 0);
  w.controller.abort();
  t.equal(await w.done, 0);
});

t.test('refused at once: --cross-check, and flags the first run cannot use', async (t) => {
  const dir = t.testdir({
    'policy.json': policy(MAIN),
    'deploy.trustspec.yaml': scenarioFile('main deploys'),
  });
  const rows: Array<[string, string[], RegExp]> = [
    ['cross-check', ['--cross-check'], /--watch and --cross-check/],
    ['bad --now', ['--now', 'yesterday'], /--now/],
  ];
  for (const [name, args, message] of rows) {
    const w = start(dir, args);
    t.equal(await w.done, 2, `${name}: exit 2`);
    t.match(w.stderr.text, message, `${name}: says why`);
    t.equal(w.codes.length, 0, `${name}: no watch`);
    t.equal(w.fs.folders.size, 0, `${name}: nothing watched`);
  }
});

t.test('the real fs.watch: an edit to the policy starts a run', async (t) => {
  const dir = t.testdir({
    'policy.json': policy(MAIN),
    'deploy.trustspec.yaml': scenarioFile('main deploys'),
  });
  const controller = new AbortController();
  const codes: number[] = [];
  let second: (() => void) | undefined;
  const ran = new Promise<void>((resolve) => (second = resolve));
  let first: (() => void) | undefined;
  const started = new Promise<void>((resolve) => (first = resolve));
  const done = main(['test', '--watch'], {
    stdout: new Capture(),
    stderr: new Capture(),
    cwd: dir,
    env: cleanEnv(),
    now: () => Date.parse(NOW),
    watch: {
      signal: controller.signal,
      settleMs: 10,
      onRun: (code) => {
        codes.push(code);
        if (codes.length === 1) first?.();
        else second?.();
      },
    },
  });
  await started;
  writeFileSync(join(dir, 'policy.json'), policy('repo:acme/app:ref:refs/heads/release'));
  await ran;
  controller.abort();
  t.equal(await done, 1);
  t.same(codes.slice(0, 2), [0, 1], 'passed, then failed after the edit');
});

t.test('a change while a run is going on is not lost: the next wait ends at once', async (t) => {
  const { Watch } = await import('../../lib/cli/test-watch.js');
  const fs = new FakeFs();
  const dir = t.testdir({ 'policy.json': '{}' });
  const io = { stdout: new Capture(), stderr: new Capture(), cwd: dir, env: {} };
  const watch = new Watch(io, fs.watchFolder, 0);
  watch.follow({ files: [join(dir, 'policy.json')], folders: [] });
  fs.fire(dir, 'policy.json');
  // The settle timer fires with nobody waiting, as it does while a run is going on.
  await new Promise((resolve) => setTimeout(resolve, 10));
  const signal = new AbortController().signal;
  const hung = Symbol('hung');
  const next = await Promise.race([
    watch.next(signal),
    new Promise((resolve) => setTimeout(() => resolve(hung), 1000)),
  ]);
  t.equal(next, join(dir, 'policy.json'), 'the change is reported to the next wait');
  // And a wait with no change pending ends only on the signal.
  const controller = new AbortController();
  const waiting = watch.next(controller.signal);
  controller.abort();
  t.equal(await waiting, undefined, 'stopped: no change');
  watch.close();
  t.equal(fs.folders.size, 0);
});
