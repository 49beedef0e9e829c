/**
 * Hostile input files (issue #7): FIFOs, devices, huge files, files that are not policies, links
 * out of the tree and unreadable folders — each refused or reported by name, none blocking the
 * run, read for ever, quoted into a log or walked outside the folder given.
 */
import t, { type Test } from 'tap';
import {
  chmodSync,
  closeSync,
  mkdirSync,
  openSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { MAX_INPUT_BYTES, readStdinText, readText } from '../../lib/files.js';
import {
  FAILING,
  isRoot,
  jwt,
  mkfifo,
  placeOf,
  POLICY,
  run,
  scenarioFile,
  spawnCli,
  STACK_LINE,
  type Ran,
} from './hostile-harness.js';

interface JsonProblem {
  file: string;
  line: number;
  column: number;
  code: string;
  message: string;
  frame?: string | null;
}
interface Json {
  results: { file: string; name: string; status: string }[];
  errors: JsonProblem[];
  warnings: JsonProblem[];
}

const json = (r: Ran): Json => JSON.parse(r.stdout) as Json;

/** A folder with a good scenario file beside the file under test (which must not stop it). */
function tree(t: Test, files: Record<string, string>): string {
  return t.testdir({
    'role.trust.json': POLICY,
    'good.trustspec.yaml': scenarioFile('./role.trust.json'),
    ...files,
  });
}

t.test(
  'a FIFO named as trustPolicy or token.jwt: exit 2 at the line naming it; other files run',
  async (t) => {
    const cases = [
      {
        field: 'trustPolicy',
        text: scenarioFile('./pipe'),
        needle: './pipe',
        code: /^policy-not-a-regular-file$/,
      },
      {
        field: 'token.jwt',
        text: scenarioFile(
          './role.trust.json',
          ['  - name: from a pipe', '    token: { jwt: ./pipe }', '    expect: allow'].join('\n'),
        ),
        needle: './pipe',
        code: /^bad-jwt$/,
      },
    ];
    for (const c of cases) {
      const dir = tree(t, { 'bad.trustspec.yaml': c.text });
      mkfifo(join(dir, 'pipe'));
      const r = await run(['test', '--reporter', 'json'], { cwd: dir });
      t.equal(r.status, 2, `${c.field}: exit 2`);
      const report = json(r);
      const place = placeOf(c.text, c.needle);
      t.match(
        report.errors,
        [
          {
            file: 'bad.trustspec.yaml',
            ...place,
            code: c.code,
            message: /"\.\/pipe".*a named pipe \(FIFO\), not a regular file/,
          },
        ],
        `${c.field}: the error names the pipe at the field's value`,
      );
      t.same(
        report.results.filter((x) => x.status !== 'error').map((x) => x.name),
        ['main deploys'],
        `${c.field}: the other file still ran`,
      );
      t.ok(
        report.results.some((x) => x.status === 'error'),
        `${c.field}: the blocked file's scenarios are counted as blocked`,
      );
    }
  },
);

t.test('a FIFO or device with a scenario file name: refused by name, the others run', async (t) => {
  const dir = tree(t, {});
  mkfifo(join(dir, 'pipe.trustspec.yaml'));
  const found = await run(['test', '--reporter', 'json'], { cwd: dir });
  t.equal(found.status, 2);
  t.match(json(found).errors, [
    { file: 'pipe.trustspec.yaml', code: 'not-a-regular-file', message: /named pipe \(FIFO\)/ },
  ]);
  t.equal(json(found).results.length, 1, 'good.trustspec.yaml ran');

  const named = await run(['test', 'pipe.trustspec.yaml', '/dev/null'], { cwd: dir });
  t.equal(named.status, 2);
  t.match(named.stdout, /"pipe\.trustspec\.yaml" is neither a file nor a folder/);
  t.match(named.stdout, /"\/dev\/null" is neither a file nor a folder/);
});

t.test('trustPolicy: /dev/zero or /dev/urandom is refused before it is opened', async (t) => {
  for (const device of ['/dev/zero', '/dev/urandom']) {
    const text = scenarioFile(device);
    const dir = tree(t, { 'dev.trustspec.yaml': text });
    const r = await run(['test', 'dev.trustspec.yaml', '--reporter', 'json'], { cwd: dir });
    t.equal(r.status, 2, device);
    t.match(json(r).errors, [
      {
        ...placeOf(text, device),
        code: 'policy-not-a-regular-file',
        message: `the trust policy file "${device}" is a character device, not a regular file`,
      },
    ]);
  }
});

t.test('explain: --policy, --jwt, --claims, --providers naming a FIFO or device', async (t) => {
  const dir = t.testdir({ 'role.trust.json': POLICY });
  mkfifo(join(dir, 'pipe'));
  const token = jwt({
    iss: 'https://token.actions.githubusercontent.com',
    sub: 'repo:acme/app:ref:refs/heads/main',
    aud: 'sts.amazonaws.com',
  });
  const cases: { args: string[]; message: RegExp }[] = [
    {
      args: ['--policy', 'pipe', '--jwt', token],
      message:
        /^trustspec: --policy: the file "pipe" is a named pipe \(FIFO\), not a regular file\n/,
    },
    {
      args: ['--policy', '/dev/zero', '--jwt', token],
      message: /^trustspec: --policy: the file "\/dev\/zero" is a character device/,
    },
    {
      args: ['--policy', 'role.trust.json', '--jwt', 'pipe'],
      message: /^trustspec: --jwt: the file "pipe" is a named pipe/,
    },
    {
      args: ['--policy', 'role.trust.json', '--claims', 'pipe'],
      message: /^trustspec: --claims: the file "pipe" is a named pipe/,
    },
    {
      args: ['--policy', 'role.trust.json', '--jwt', token, '--providers', 'pipe'],
      message: /^trustspec: --providers: the file "pipe" is a named pipe/,
    },
    {
      args: ['--policy', '.', '--jwt', token],
      message: /^trustspec: --policy: the file "\." is a folder, not a file/,
    },
  ];
  for (const c of cases) {
    const r = await run(['explain', ...c.args], { cwd: dir });
    t.equal(r.status, 2, c.args.join(' '));
    t.match(r.stderr, c.message);
    t.equal(r.stdout, '', 'no decision printed');
  }
  const fine = await run(['explain', '--policy', 'role.trust.json', '--jwt', token], { cwd: dir });
  t.equal(fine.status, 0, 'the same call with regular files decides');
});

t.test(
  'the size cap: refused from the file size, before reading; stated in the message',
  async (t) => {
    const text = scenarioFile('./big.trust.json');
    const dir = t.testdir({ 'policy.trustspec.yaml': text, 'big.trustspec.yaml': '' });
    // Sparse files: the size is real, nothing is written to disk, and nothing is read.
    truncateSync(join(dir, 'big.trustspec.yaml'), 10 * 1024 * 1024);
    writeFileSync(join(dir, 'big.trust.json'), '');
    truncateSync(join(dir, 'big.trust.json'), MAX_INPUT_BYTES + 1);
    const r = await run(['test', '--reporter', 'json'], { cwd: dir });
    t.equal(r.status, 2);
    t.match(json(r).errors, [
      {
        file: 'big.trustspec.yaml',
        line: 1,
        column: 1,
        code: 'file-too-large',
        message: 'the file is 10 MB: larger than the limit of 5 MB per file',
      },
      {
        file: 'policy.trustspec.yaml',
        ...placeOf(text, './big.trust.json'),
        code: 'policy-file-too-large',
        message: /"\.\/big\.trust\.json" is 5\.0 MB: larger than the limit of 5 MB per file/,
      },
    ]);
  },
);

t.test('readText: the limit is inclusive, and a file never reads past it', (t) => {
  const dir = t.testdir({ 'ten.txt': '0123456789', 'eleven.txt': '0123456789a' });
  t.same(readText(join(dir, 'ten.txt'), 10), { ok: true, text: '0123456789' });
  t.match(readText(join(dir, 'eleven.txt'), 10), { ok: false, code: 'file-too-large' });
  t.match(readText(join(dir, 'missing.txt')), { ok: false, code: 'file-not-found' });
  t.match(readText(dir), { ok: false, code: 'not-a-file', message: 'is a folder, not a file' });
  writeFileSync(join(dir, 'exact.txt'), 'a'.repeat(MAX_INPUT_BYTES));
  const exact = readText(join(dir, 'exact.txt'));
  t.equal(exact.ok && exact.text.length, MAX_INPUT_BYTES, 'a file of exactly the cap is read');
  t.end();
});

t.test('standard input (--jwt -) is capped too', (t) => {
  const dir = t.testdir({ 'small.jwt': 'a.b.c' });
  const big = join(dir, 'big');
  writeFileSync(big, '');
  truncateSync(big, MAX_INPUT_BYTES + 1);
  for (const [file, want] of [
    [big, { ok: false, code: 'file-too-large' }],
    [join(dir, 'small.jwt'), { ok: true, text: 'a.b.c' }],
  ] as const) {
    const fd = openSync(file, 'r');
    try {
      t.match(readStdinText(fd), want, file);
    } finally {
      closeSync(fd);
    }
  }
  t.end();
});

// ── code frames: only of files that are policies ─────────────────────────────────────────

const SECRETS: Record<string, string> = {
  id_ed25519: [
    '-----BEGIN OPENSSH PRIVATE KEY-----',
    'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
    'SECRET-KEY-MATERIAL-0000000000000000000000000000000000000000000000000',
    '-----END OPENSSH PRIVATE KEY-----',
    '',
  ].join('\n'),
  'config.yaml': ['database:', '  user: app', '  password: SECRET-hunter2', ''].join('\n'),
  'creds.json': '{\n  "aws_secret_access_key": "SECRET-wJalrXUtnFEMI",\n  oops\n}\n',
  '.env': 'TOKEN=SECRET-ghp_000000\n',
};

t.test(
  'a file that is not a policy named as trustPolicy: the error, never its lines',
  async (t) => {
    for (const [name, content] of Object.entries(SECRETS)) {
      const text = scenarioFile(`./${name}`);
      const dir = t.testdir({ [name]: content, 'leak.trustspec.yaml': text });
      for (const reporter of ['human', 'json', 'tap', 'junit', 'github']) {
        const r = await run(['test', '--reporter', reporter], { cwd: dir });
        t.equal(r.status, 2, `${name} (${reporter}): exit 2`);
        t.notMatch(
          r.stdout + r.stderr,
          /SECRET/,
          `${name} (${reporter}): no line of the file is shown`,
        );
      }
      const r = await run(['test', '--reporter', 'json'], { cwd: dir });
      t.ok(json(r).errors.length > 0, `${name}: still an error with a place`);
      t.ok(
        json(r).errors.every((e) => e.frame === null && e.line > 0),
        `${name}: a place, no frame`,
      );
      const explained = await run(['explain', '--policy', name, '--iss', 'https://x.example'], {
        cwd: dir,
      });
      t.equal(explained.status, 2, `${name}: explain exit 2`);
      t.notMatch(explained.stderr, /SECRET/, `${name}: explain shows no line either`);
      t.match(
        explained.stderr,
        new RegExp(`^${name.replace('.', '\\.')}:\\d+:\\d+: `),
        `${name}: explain names the place`,
      );
    }
  },
);

t.test('a policy with an error keeps its code frame', async (t) => {
  const bad = POLICY.replace('StringEquals', 'StringEqualz');
  const dir = t.testdir({
    'role.trust.json': bad,
    'role.trust.yaml':
      'Version: "2012-10-17"\nStatement:\n  - Effect: Allow\n    Principal: "*"\n    Action: sts:AssumeRoleWithWebIdentity\n    Condition: { StringEqualz: { a: b } }\n',
    'a.trustspec.yaml': scenarioFile('./role.trust.json'),
    'b.trustspec.yaml': scenarioFile('./role.trust.yaml'),
  });
  const r = await run(['test', '--reporter', 'json'], { cwd: dir });
  t.equal(r.status, 2);
  const frames = json(r).errors.filter((e) => e.file.startsWith('role.trust.'));
  t.equal(frames.length, 2, 'one error in each policy');
  for (const e of frames) t.match(e.frame, /StringEqualz/, `${e.file}: the frame shows the line`);
  const explained = await run(
    ['explain', '--policy', 'role.trust.json', '--iss', 'https://x.example'],
    {
      cwd: dir,
    },
  );
  t.match(explained.stderr, /> +\d+ \|.*StringEqualz/, 'explain shows it too');
});

// ── discovery never leaves the tree given ─────────────────────────────────────────────────

t.test('links to .. and / inside the tested folder are not followed out of it', async (t) => {
  const dir = t.testdir({
    'role.trust.json': POLICY,
    'outside.trustspec.yaml': scenarioFile('./role.trust.json', FAILING),
    tree: {
      'role.trust.json': POLICY,
      'inside.trustspec.yaml': scenarioFile('./role.trust.json'),
      sub: { 'deep.trustspec.yaml': scenarioFile('../role.trust.json') },
    },
  });
  symlinkSync('..', join(dir, 'tree', 'up'));
  symlinkSync('/', join(dir, 'tree', 'root'));
  symlinkSync('.', join(dir, 'tree', 'sub', 'loop'));
  symlinkSync('../../outside.trustspec.yaml', join(dir, 'tree', 'sub', 'linked.trustspec.yaml'));
  symlinkSync('deep.trustspec.yaml', join(dir, 'tree', 'sub', 'again.trustspec.yaml'));
  for (const arg of ['tree', 'tree/**/*.trustspec.yaml']) {
    const r = await run(['test', arg, '--reporter', 'json'], { cwd: dir });
    t.equal(r.status, 0, `${arg}: only the tree's own scenarios ran, and passed`);
    const report = json(r);
    t.same(
      report.results.map((x) => x.file),
      ['tree/inside.trustspec.yaml', 'tree/sub/again.trustspec.yaml'],
      `${arg}: each file once (a link inside the tree is the same file), nothing from outside`,
    );
    t.match(
      report.warnings.map((w) => [w.file, w.code]).sort(),
      [
        ['tree/root', 'link-outside-tree'],
        ['tree/sub/linked.trustspec.yaml', 'link-outside-tree'],
        ['tree/up', 'link-outside-tree'],
      ],
      `${arg}: the links leading out are named`,
    );
  }
});

t.test(
  'a link to the folder itself, or to a folder in the tree, is not walked twice',
  async (t) => {
    const dir = t.testdir({
      'role.trust.json': POLICY,
      a: { 'x.trustspec.yaml': scenarioFile('../role.trust.json') },
    });
    symlinkSync('..', join(dir, 'a', 'loop'));
    symlinkSync('a', join(dir, 'b'));
    const r = await run(['test', '--reporter', 'json'], { cwd: dir });
    t.equal(r.status, 0);
    t.same(
      json(r).results.map((x) => x.file),
      ['a/x.trustspec.yaml'],
    );
    t.same(json(r).warnings, [], 'links inside the tree are no news');
  },
);

/** The same run as a user who cannot read `locked`: in this process, or as nobody under root. */
async function asUser(args: string[], cwd: string): Promise<Ran> {
  if (!isRoot) return run(args, { cwd });
  // Root reads every folder: the row needs a user the permissions apply to.
  return spawnCli(args, { cwd, uid: 65534 });
}

t.test('an unreadable sub-folder is named; exit 2 only when nothing else ran', async (t) => {
  const dir = t.testdir({
    'role.trust.json': POLICY,
    'good.trustspec.yaml': scenarioFile('./role.trust.json'),
    locked: { 'hidden.trustspec.yaml': scenarioFile('../role.trust.json') },
    only: { locked: { 'x.trustspec.yaml': '' } },
  });
  const locked = [join(dir, 'locked'), join(dir, 'only', 'locked')];
  for (const d of locked) chmodSync(d, 0o000);
  let r: Ran;
  let nothing: Ran;
  try {
    r = await asUser(['test', '--reporter', 'json'], dir);
    nothing = await asUser(['test', 'only', '--reporter', 'json'], dir);
  } finally {
    // Before the test folder is removed: it must be readable to be.
    for (const d of locked) chmodSync(d, 0o755);
  }
  t.equal(r.status, 0, 'the readable scenarios ran and passed');
  t.match(json(r).warnings, [
    {
      file: 'locked',
      code: 'unreadable-folder',
      message: /cannot read the folder "locked" \(permission denied\)/,
    },
  ]);
  t.same(
    json(r).results.map((x) => x.name),
    ['main deploys'],
  );
  t.match(r.stdout, /"only\/locked"/, 'each unreadable folder is named');

  t.equal(nothing.status, 2, 'nothing else ran: exit 2');
  t.match(json(nothing).errors, [{ file: 'only/locked', code: 'unreadable-folder' }]);
  t.notMatch(nothing.stderr, STACK_LINE);
});

t.test('the reader never reads the bytes of a file it refuses', async (t) => {
  // A FIFO with no writer: opening it for reading would block for ever, reading it too.
  const dir = t.testdir({});
  mkfifo(join(dir, 'p'));
  t.match(readText(join(dir, 'p')), { ok: false, code: 'not-a-regular-file' });
  mkdirSync(join(dir, 'd'));
  t.match(readText(join(dir, 'd')), { ok: false, code: 'not-a-file' });
});
