/**
 * `--output` against hostile targets (issue #7): pipes, devices, the run's own inputs, the same
 * file twice, an empty name — never replacing what is not a regular file, never overwriting an
 * input, never losing a report silently.
 */
import t, { type Test } from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BIN,
  childEnv,
  isRoot,
  jwt,
  mkfifo,
  POLICY,
  run,
  scenarioFile,
  STACK_LINE,
} from './hostile-harness.js';

const SCENARIOS = scenarioFile('./role.trust.json');

function project(t: Test): string {
  return t.testdir({ 'role.trust.json': POLICY, 'deploy.trustspec.yaml': SCENARIOS });
}

/** The JSON report's summary, to recognise a report wherever it landed. */
const SUMMARY = /"summary": \{\s*"files": 1,\s*"scenarios": 1,\s*"passed": 1/;

t.test('a FIFO with a reader gets the report written through it, and stays a FIFO', async (t) => {
  const dir = project(t);
  const fifo = join(dir, 'report.fifo');
  mkfifo(fifo);
  // The reader is another process: this one writes synchronously.
  const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
  let received = '';
  reader.stdout.on('data', (d: Buffer) => (received += d.toString()));
  const closed = new Promise<void>((done) => reader.on('close', () => done()));
  // cat opens the FIFO for reading once it runs: wait until it has (a writer's open then succeeds).
  let r = await run(['test', '--output', `json:${fifo}`], { cwd: dir });
  for (
    let tries = 0;
    r.status === 2 && /no process is reading/.test(r.stderr) && tries < 200;
    tries++
  ) {
    await new Promise((ok) => setTimeout(ok, 25));
    r = await run(['test', '--output', `json:${fifo}`], { cwd: dir });
  }
  // A build that replaced the FIFO leaves the reader waiting for ever: stop it.
  if (r.status !== 0 || !lstatSync(fifo).isFIFO()) reader.kill();
  await closed;
  t.equal(r.status, 0, r.stderr);
  t.match(received, SUMMARY, 'the reader got the JSON report');
  t.ok(lstatSync(fifo).isFIFO(), 'still a FIFO');
  t.same(
    readdirSync(dir).sort(),
    ['deploy.trustspec.yaml', 'report.fifo', 'role.trust.json'],
    'no temporary file left',
  );
});

t.test('a FIFO nobody reads: exit 2 at once, and it stays a FIFO', async (t) => {
  const dir = project(t);
  mkfifo(join(dir, 'report.fifo'));
  const r = await run(['test', '--output', 'junit:report.fifo'], { cwd: dir });
  t.equal(r.status, 2);
  t.match(
    r.stderr,
    /^trustspec: cannot write the junit report to report\.fifo: no process is reading from the named pipe\n$/,
  );
  t.ok(lstatSync(join(dir, 'report.fifo')).isFIFO());
});

/**
 * A null and a full device. Under root they are nodes made in the test folder: a build that
 * replaced its --output target would otherwise replace the machine's /dev/null. Other users cannot
 * replace anything in /dev, so the real ones serve.
 */
function devices(dir: string): { nul: string; full: string } {
  if (!isRoot) return { nul: '/dev/null', full: '/dev/full' };
  spawnSync('mknod', [join(dir, 'null'), 'c', '1', '3']);
  spawnSync('mknod', [join(dir, 'full'), 'c', '1', '7']);
  return { nul: join(dir, 'null'), full: join(dir, 'full') };
}

t.test('character devices are written through, never replaced', async (t) => {
  const dir = project(t);
  const { nul, full } = devices(dir);
  t.ok(lstatSync(nul).isCharacterDevice() && lstatSync(full).isCharacterDevice(), 'devices');
  const ok = await run(['test', '--output', `json:${nul}`], { cwd: dir });
  t.equal(ok.status, 0, 'the null device takes the report');
  t.ok(lstatSync(nul).isCharacterDevice(), 'and is still a device');

  const failed = await run(['test', '--output', `json:${full}`], { cwd: dir });
  t.equal(failed.status, 2, 'the full device: exit 2');
  t.match(
    failed.stderr,
    /^trustspec: cannot write the json report to \S+full: ENOSPC: no space left on device, write\n$/,
  );
  t.ok(lstatSync(full).isCharacterDevice(), 'and is still a device');
  if (!isRoot) t.comment('device nodes of its own need root (mknod): /dev/null and /dev/full used');
});

t.test('folders, sockets and block devices are refused before anything runs', async (t) => {
  const dir = project(t);
  mkdirSync(join(dir, 'reports'));
  // A socket's path is at most 108 bytes: the test folder's is too long for one.
  const short = mkdtempSync(join(tmpdir(), 'ts-'));
  const sock = join(short, 'sock');
  const server = createServer();
  await new Promise<void>((done) => server.listen(sock, done));
  t.teardown(() => {
    server.close();
    rmSync(short, { recursive: true, force: true });
  });
  const cases: [string, RegExp][] = [
    [
      'reports',
      /--output "reports" is a folder: .*\n {2}give a file name, e\.g\. reports\/report\.xml/,
    ],
    [`json:${sock}`, /--output ".*sock" is a socket: /],
  ];
  if (isRoot) {
    spawnSync('mknod', [join(dir, 'blk'), 'b', '7', '250']);
    cases.push(['json:blk', /--output "blk" is a block device: /]);
  }
  for (const [spec, message] of cases) {
    const r = await run(['test', '--output', spec], { cwd: dir });
    t.equal(r.status, 2, spec);
    t.match(r.stderr, message);
    t.equal(r.stdout, '', `${spec}: refused before the run`);
  }
  t.ok(lstatSync(sock).isSocket(), 'the socket is still a socket');
  if (isRoot) t.ok(lstatSync(join(dir, 'blk')).isBlockDevice(), 'the block device too');
});

t.test('an input of the run is never overwritten by a report', async (t) => {
  const dir = t.testdir({
    'role.trust.json': POLICY,
    'deploy.trustspec.yaml': scenarioFile(
      './role.trust.json',
      [
        '  - name: main deploys',
        '    github: { repository: acme/app, ref: refs/heads/main }',
        '    expect: allow',
        '  - name: from a file',
        '    token: { jwt: ./main.jwt }',
        '    expect: allow',
      ].join('\n'),
    ),
    'main.jwt': jwt({
      iss: 'https://token.actions.githubusercontent.com',
      sub: 'repo:acme/app:ref:refs/heads/main',
      aud: 'sts.amazonaws.com',
    }),
  });
  const control = await run(['test', '--output', 'json:report.json'], { cwd: dir });
  t.equal(control.status, 0, 'the run itself is fine: another file takes the report');
  t.match(readFileSync(join(dir, 'report.json'), 'utf8'), /"passed": 2/);
  linkSync(join(dir, 'role.trust.json'), join(dir, 'hard-link.json'));
  symlinkSync('role.trust.json', join(dir, 'soft-link.json'));
  const before = readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]);
  const cases: [string, string][] = [
    ['json:role.trust.json', 'an input'],
    ['role.trust.json', 'an input'],
    ['deploy.trustspec.yaml', 'an input'],
    ['tap:main.jwt', 'an input'],
    ['json:hard-link.json', 'role.trust.json, an input'],
    ['json:soft-link.json', 'role.trust.json, an input'],
    [`json:${join(dir, 'sub', '..', 'role.trust.json')}`, 'role.trust.json, an input'],
  ];
  for (const [spec, input] of cases) {
    const r = await run(['test', '--output', spec], { cwd: dir });
    t.equal(r.status, 2, `${spec}: exit 2`);
    t.match(r.stderr, `is ${input} of this run: the report would overwrite it`, spec);
  }
  t.same(
    readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
    before,
    'every file as it was, no file added',
  );
});

t.test('the same file named twice: exit 2, nothing written', async (t) => {
  const dir = project(t);
  mkdirSync(join(dir, 'out'));
  symlinkSync('out', join(dir, 'linked'));
  writeFileSync(join(dir, 'out', 'old.xml'), 'old');
  linkSync(join(dir, 'out', 'old.xml'), join(dir, 'out', 'other-name.xml'));
  for (const pair of [
    ['a.json', 'json:./a.json'],
    ['out/r.xml', 'junit:out/../out/r.xml'],
    ['out/r.xml', 'linked/r.xml'],
    ['junit:out/old.xml', 'junit:out/other-name.xml'],
  ]) {
    const r = await run(['test', '--output', pair[0] as string, '--output', pair[1] as string], {
      cwd: dir,
    });
    t.equal(r.status, 2, pair.join(' + '));
    t.match(r.stderr, /--output names the same file twice .*: one report would be lost/);
    t.equal(r.stdout, '', 'refused before the run');
  }
  t.notOk(existsSync(join(dir, 'a.json')));
  t.notOk(existsSync(join(dir, 'out', 'r.xml')));
  t.equal(readFileSync(join(dir, 'out', 'old.xml'), 'utf8'), 'old');
});

t.test('an empty file name: exit 2, no file named "junit:"', async (t) => {
  const dir = project(t);
  for (const spec of ['junit:', 'json:', 'human:', '']) {
    const r = await run(['test', '--output', spec], { cwd: dir });
    t.equal(r.status, 2, JSON.stringify(spec));
    t.match(r.stderr, /^trustspec: --output .*needs a file name/);
  }
  t.same(readdirSync(dir).sort(), ['deploy.trustspec.yaml', 'role.trust.json']);
});

t.test(
  'a regular file is replaced atomically; a link to one stays a link; modes are kept',
  async (t) => {
    const dir = project(t);
    mkdirSync(join(dir, 'reports'));
    writeFileSync(join(dir, 'reports', 'real.json'), 'old', { mode: 0o600 });
    symlinkSync('reports/real.json', join(dir, 'link.json'));
    const r = await run(['test', '--output', 'link.json', '--output', 'junit:new.xml'], {
      cwd: dir,
    });
    t.equal(r.status, 0, r.stderr);
    t.ok(lstatSync(join(dir, 'link.json')).isSymbolicLink(), 'the link is still a link');
    t.match(
      readFileSync(join(dir, 'reports', 'real.json'), 'utf8'),
      SUMMARY,
      'its target holds the report',
    );
    t.equal(statSync(join(dir, 'reports', 'real.json')).mode & 0o777, 0o600, 'with its mode');
    t.match(readFileSync(join(dir, 'new.xml'), 'utf8'), /^<\?xml/);
    t.same(readdirSync(join(dir, 'reports')), ['real.json'], 'no temporary file left');

    symlinkSync('nowhere.json', join(dir, 'dangling.json'));
    const dangling = await run(['test', '--output', 'dangling.json'], { cwd: dir });
    t.equal(dangling.status, 2);
    t.match(dangling.stderr, /"dangling\.json" is a symbolic link to nothing/);
    t.ok(lstatSync(join(dir, 'dangling.json')).isSymbolicLink());

    const noFolder = await run(['test', '--output', 'missing/r.json'], { cwd: dir });
    t.equal(noFolder.status, 2);
    t.match(
      noFolder.stderr,
      /^trustspec: cannot write the json report to missing\/r\.json: the folder missing does not exist \(ENOENT\)\n/,
    );
    t.equal(noFolder.stdout, '', 'refused before the run');
  },
);

// /dev/stdout is a link to /dev/fd/1 (/proc/self/fd/1). The tests name the latter: a build that
// replaced its target, run as root, would replace the machine's /dev/stdout; /proc refuses that.

t.test('--output /dev/fd/1 or /dev/fd/2: the report follows on that stream', async (t) => {
  const dir = project(t);
  const r = await run(['test', '--output', 'json:/dev/fd/1', '--output', 'tap:/proc/self/fd/2'], {
    cwd: dir,
  });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^deploy\.trustspec\.yaml\n[\s\S]*1 passed[\s\S]*\{\n[\s\S]*"summary"/);
  t.match(r.stderr, /^TAP version 14\n/, 'the TAP report on stderr');
  const twice = await run(['test', '--output', 'json:/dev/fd/1', '--output', '/proc/self/fd/1'], {
    cwd: dir,
  });
  t.equal(twice.status, 2, 'the same stream twice');
});

t.test('--output /dev/fd/1 in a real process: whatever stdout is', (t) => {
  const dir = project(t);
  // A socket (spawnSync's stdout): written on the stream.
  const piped = spawnSync(process.execPath, [BIN, 'test', '--output', 'json:/dev/fd/1'], {
    cwd: dir,
    env: childEnv(),
    encoding: 'utf8',
  });
  t.equal(piped.status, 0, piped.stderr);
  t.match(piped.stdout, /^deploy\.trustspec\.yaml\n[\s\S]*1 passed[\s\S]*\{\n[\s\S]*"summary"/);
  // A regular file: written after the human report, not over it.
  const script = `"$0" "$1" test --output json:/dev/fd/1 > out.txt`;
  const redirected = spawnSync('sh', ['-c', script, process.execPath, BIN], {
    cwd: dir,
    env: childEnv(),
    encoding: 'utf8',
  });
  t.equal(redirected.status, 0, redirected.stderr);
  const text = readFileSync(join(dir, 'out.txt'), 'utf8');
  t.match(text, /^deploy\.trustspec\.yaml\n/, 'the human report is still there');
  t.match(text, SUMMARY, 'followed by the JSON one');
  t.notMatch(piped.stderr + redirected.stderr, STACK_LINE);
  t.end();
});

t.test('--filter matching nothing is exit 2 with a message', async (t) => {
  const dir = project(t);
  const none = await run(['test', '--filter', 'no such scenario'], { cwd: dir });
  t.equal(none.status, 2);
  t.match(none.stderr, /^trustspec: --filter "no such scenario" matches no scenario\n/);
  const some = await run(['test', '--filter', 'MAIN'], { cwd: dir });
  t.equal(some.status, 0, 'a filter that matches runs as before');
});
