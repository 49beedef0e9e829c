/**
 * Hostile process conditions (issue #7): standard output closed or full, a deleted working
 * directory, a dumb terminal, and nonsense numbers on explain's command line.
 */
import t, { type Test } from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCli, type Proc } from '../../dist/lib/cli/io.js';
import {
  ANSI,
  BIN,
  Capture,
  childEnv,
  FAILING,
  PASSING,
  POLICY,
  run,
  scenarioFile,
  STACK_LINE,
} from './hostile-harness.js';

/** A standard output that fails its first write with `code`, as a closed pipe or full disk does. */
class Failing extends Writable {
  writes = 0;
  constructor(readonly code: string) {
    super();
  }
  override _write(_chunk: unknown, _enc: BufferEncoding, done: (e?: Error) => void): void {
    this.writes++;
    const e = Object.assign(new Error(`${this.code}: simulated, write`), { code: this.code });
    done(e);
  }
}

function proc(stdout: Proc['stdout'], cwd: () => string = () => '/'): Proc & { stderr: Capture } {
  return { stdout, stderr: new Capture(), env: {}, cwd };
}

/** A main that writes twice and answers `code`, or writes after it answered. */
const writer =
  (code: number) =>
  async (_argv: string[], io: { stdout: NodeJS.WritableStream }): Promise<number> => {
    io.stdout.write('first line\n');
    await new Promise((ok) => setImmediate(ok));
    io.stdout.write('second line\n');
    return code;
  };

t.test('runCli: EPIPE ends quietly with the run’s own exit code', async (t) => {
  for (const code of [0, 1]) {
    const p = proc(new Failing('EPIPE'));
    await runCli(writer(code), [], p);
    await new Promise((ok) => setImmediate(ok));
    t.equal(p.exitCode, code, `the run said ${code}`);
    t.equal(p.stderr.text, '', 'nothing said');
  }
});

t.test('runCli: ENOSPC, EBADF, EIO are one line and exit 2', async (t) => {
  for (const code of ['ENOSPC', 'EBADF', 'EIO']) {
    const p = proc(new Failing(code));
    await runCli(writer(0), [], p);
    await new Promise((ok) => setImmediate(ok));
    t.equal(p.exitCode, 2, code);
    t.equal(
      p.stderr.text,
      `trustspec: cannot write to standard output: ${code}: simulated, write\n`,
    );
  }
});

t.test('runCli: a failure that surfaces after main returned still exits 2', async (t) => {
  const out = new Capture();
  const p = proc(out);
  await runCli(async () => 0, [], p);
  t.equal(p.exitCode, 0);
  out.emit('error', Object.assign(new Error('ENOSPC: late'), { code: 'ENOSPC' }));
  t.equal(p.exitCode, 2);
  t.equal(p.stderr.text, 'trustspec: cannot write to standard output: ENOSPC: late\n');
  p.stderr.emit('error', Object.assign(new Error('EIO: late'), { code: 'EIO' }));
  t.equal(p.exitCode, 2, 'a broken stderr too');
});

t.test('runCli: a working directory that is gone is one line and exit 2', async (t) => {
  let ran = false;
  const p = proc(new Capture(), () => {
    throw Object.assign(new Error('ENOENT: no such file or directory, uv_cwd'), { code: 'ENOENT' });
  });
  await runCli(
    async () => {
      ran = true;
      return 0;
    },
    ['test'],
    p,
  );
  t.equal(p.exitCode, 2);
  t.notOk(ran, 'the command did not run');
  t.match(p.stderr.text, /^trustspec: the working directory cannot be used \(ENOENT\): .*\n$/);
  t.equal(p.stderr.text.split('\n').length, 2, 'one line');
});

// ── the real process: a few spawns ─────────────────────────────────────────────────────────

function failingProject(t: Test): string {
  const lines = [PASSING, FAILING].join('\n');
  const scenarios = Array.from({ length: 40 }, (_, i) =>
    lines.replace(/name: (.*)/g, `name: $1 ${i}`),
  ).join('\n');
  return t.testdir({
    'role.trust.json': POLICY,
    'many.trustspec.yaml': scenarioFile('./role.trust.json', scenarios),
  });
}

t.test(
  'stdout closed after 100 bytes (| head -c 100): no stack trace, the run’s exit code',
  async (t) => {
    const dir = failingProject(t);
    const child = spawn(process.execPath, [BIN, 'test', '--verbose'], {
      cwd: dir,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let got = 0;
    child.stdout.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= 100) child.stdout.destroy();
    });
    const status = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    t.equal(status, 1, 'scenarios failed: exit 1, as without the pipe closing');
    t.equal(stderr, '', 'nothing on stderr');
  },
);

t.test('stdout is /dev/full: one line, exit 2', (t) => {
  const dir = failingProject(t);
  const full = openSync('/dev/full', 'w');
  try {
    const r = spawnSync(process.execPath, [BIN, 'test'], {
      cwd: dir,
      env: childEnv(),
      stdio: ['ignore', full, 'pipe'],
      encoding: 'utf8',
    });
    t.equal(r.status, 2);
    t.match(
      r.stderr,
      /^trustspec: cannot write to standard output: ENOSPC: no space left on device, write\n$/,
    );
    t.notMatch(r.stderr, STACK_LINE);
  } finally {
    closeSync(full);
  }
  t.end();
});

t.test('run from a deleted working directory: one line, exit 2', (t) => {
  const dir = t.testdir({ gone: {} });
  const gone = join(dir, 'gone');
  // The shell enters the folder, removes it, and starts trustspec there (without the test
  // runner's hook, which cannot start in a deleted folder either).
  const r = spawnSync(
    'sh',
    [
      '-c',
      'cd "$0" && rmdir "$0" && unset NODE_OPTIONS && exec "$1" "$2" test',
      gone,
      process.execPath,
      BIN,
    ],
    {
      env: childEnv(),
      encoding: 'utf8',
    },
  );
  t.equal(r.status, 2);
  t.match(
    r.stderr,
    /^trustspec: the working directory cannot be used \(ENOENT\): it was deleted or is not readable; cd to an existing folder\n$/,
  );
  t.equal(r.stdout, '');
  mkdirSync(gone);
  t.end();
});

// ── colours ────────────────────────────────────────────────────────────────────────────────

t.test('TERM=dumb: no colour on a terminal; other terminals get it', async (t) => {
  const dir = t.testdir({
    'role.trust.json': POLICY,
    'x.trustspec.yaml': scenarioFile('./role.trust.json', FAILING),
  });
  const cases: [NodeJS.ProcessEnv, boolean][] = [
    [{ TERM: 'dumb' }, false],
    [{ TERM: 'xterm-256color' }, true],
    [{}, true],
    [{ TERM: 'dumb', FORCE_COLOR: '1' }, true],
    [{ TERM: 'xterm', NO_COLOR: '1' }, false],
  ];
  for (const [env, colour] of cases) {
    const r = await run(['test'], { cwd: dir, env, tty: true });
    t.equal(r.status, 1);
    t.equal(ANSI.test(r.stdout), colour, `test ${JSON.stringify(env)}: colour ${colour}`);
    const e = await run(
      [
        'explain',
        '--policy',
        'role.trust.json',
        '--iss',
        'https://token.actions.githubusercontent.com',
        '--sub',
        'x',
        '--aud',
        'sts.amazonaws.com',
      ],
      { cwd: dir, env, tty: true },
    );
    t.equal(e.status, 1);
    t.equal(ANSI.test(e.stdout), colour, `explain ${JSON.stringify(env)}: colour ${colour}`);
  }
});

// ── explain's numbers ──────────────────────────────────────────────────────────────────────

t.test('explain --max-session-duration: an integer from 3600 to 43200, else exit 2', async (t) => {
  const dir = t.testdir({ 'role.trust.json': POLICY });
  const base = [
    'explain',
    '--policy',
    'role.trust.json',
    '--iss',
    'https://token.actions.githubusercontent.com',
    '--sub',
    'repo:acme/app:ref:refs/heads/main',
    '--aud',
    'sts.amazonaws.com',
  ];
  for (const bad of ['-5', '99999999', '3599', '43201', '0', 'abc', '1.5', '3600s', '', '1e4']) {
    const r = await run([...base, '--max-session-duration', bad], { cwd: dir });
    t.equal(r.status, 2, JSON.stringify(bad));
    t.match(
      r.stderr,
      `trustspec: --max-session-duration "${bad}" is not a whole number of seconds from 3600 to 43200\n`,
    );
    t.equal(r.stdout, '', 'no decision, no advice');
  }
  for (const good of ['3600', '43200', '7200']) {
    const r = await run([...base, '--max-session-duration', good], { cwd: dir });
    t.equal(r.status, 0, `${good}: decided`);
  }
});

t.test('explain --duration: nonsense is exit 2; a number STS refuses is simulated', async (t) => {
  const dir = t.testdir({ 'role.trust.json': POLICY });
  const base = [
    'explain',
    '--policy',
    'role.trust.json',
    '--iss',
    'https://token.actions.githubusercontent.com',
    '--sub',
    'repo:acme/app:ref:refs/heads/main',
    '--aud',
    'sts.amazonaws.com',
    '--json',
  ];
  for (const bad of ['-5', 'abc', '1.5', '1e3', '', '99999999999', String(2 ** 31)]) {
    const r = await run([...base, '--duration', bad], { cwd: dir });
    t.equal(r.status, 2, JSON.stringify(bad));
    t.match(r.stderr, `--duration "${bad}" is not a whole number of seconds`);
    t.equal(r.stdout, '');
  }
  const refused = await run([...base, '--duration', '60'], { cwd: dir });
  t.equal(refused.status, 1, '60 s: STS refuses it, and the simulation says so');
  t.match(JSON.parse(refused.stdout), { decision: 'deny', code: 'ValidationError' });
  const fine = await run([...base, '--duration', '3600'], { cwd: dir });
  t.equal(fine.status, 0);
});
