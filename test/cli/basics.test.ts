/** The command line itself: version, help, and usage errors (exit 2, one message, no stack). */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, REPO, STACK_LINE, cli } from './helpers.js';

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };

t.test('--version prints the version of package.json', async (t) => {
  const r = await cli(['--version']);
  t.equal(r.status, 0);
  t.equal(r.stdout, `${pkg.version}\n`);
  t.equal(r.stderr, '');
});

t.test('--help names the commands and the global options', async (t) => {
  const r = await cli(['--help']);
  t.equal(r.status, 0);
  t.equal(r.stderr, '');
  t.match(r.stdout, /^Usage: trustspec \[options\] \[command\]/);
  t.match(r.stdout, /^\s+test \[options\] \[paths\.\.\.\]/m, 'the test command');
  t.match(r.stdout, /^\s+explain \[options\] \[scenario-file\]/m, 'the explain command');
  t.match(r.stdout, /-V, --version/);
  t.match(r.stdout, /-h, --help/);
});

t.test('test --help lists its options and the exit codes', async (t) => {
  const r = await cli(['test', '--help']);
  t.equal(r.status, 0);
  t.equal(r.stderr, '');
  t.match(r.stdout, /^Usage: trustspec test \[options\] \[paths\.\.\.\]/);
  for (const option of [
    '--reporter <name>',
    '--filter <text>',
    '--now <iso>',
    '--output',
    '--verbose',
  ])
    t.ok(r.stdout.includes(option), `mentions ${option}`);
  // Help text wraps long lines, so the choices are checked with any whitespace between them.
  t.match(r.stdout, /"human",\s+"tap",\s+"junit",\s+"json",\s+"github"/, 'the reporter choices');
  t.match(r.stdout, /Exit codes: 0 .*, 1 .*, 2 /);
});

t.test('explain --help lists its options and the exit codes', async (t) => {
  const r = await cli(['explain', '--help']);
  t.equal(r.status, 0);
  t.equal(r.stderr, '');
  t.match(r.stdout, /^Usage: trustspec explain \[options\] \[scenario-file\]/);
  for (const option of [
    '--scenario <name>',
    '--policy <file>',
    '--role-arn <arn>',
    '--jwt <file|token>',
    '--claims <file|json>',
    '--iss <url>',
    '--sub <sub>',
    '--aud <aud>',
    '--provider <url[=clientId,...]>',
    '--no-providers',
    '--context <key=value>',
    '--now <iso>',
    '--json',
  ])
    t.ok(r.stdout.includes(option), `mentions ${option}`);
  t.match(r.stdout, /Exit codes: 0 allowed, 1 denied, 2 /);
});

t.test('no arguments: the help, and exit 2', async (t) => {
  const r = await cli([]);
  t.equal(r.status, 2);
  const all = r.stdout + r.stderr;
  t.match(all, /Usage: trustspec \[options\] \[command\]/);
  t.match(all, /Commands:/);
  t.notMatch(r.stderr, STACK_LINE);
});

const usageErrors: { name: string; args: string[]; message: RegExp }[] = [
  {
    name: 'an unknown command',
    args: ['tset'],
    message: /^trustspec: unknown command 'tset'\n?.*Did you mean test\?/,
  },
  {
    name: 'an unknown option',
    args: ['test', '--bogus', join(FIXTURES, 'passing.trustspec.yaml')],
    message: /^trustspec: unknown option '--bogus'/,
  },
  {
    name: 'a reporter that does not exist',
    args: ['test', '--reporter', 'xml', join(FIXTURES, 'passing.trustspec.yaml')],
    message: /^trustspec: .*argument 'xml' is invalid.*human, tap, junit, json, github/,
  },
  {
    name: 'a --now that is not a date',
    args: ['test', '--now', 'yesterday', join(FIXTURES, 'passing.trustspec.yaml')],
    message: /^trustspec: --now: "yesterday" is not a date\n\s+.*ISO 8601/,
  },
  {
    // The file's `now:` refuses this date ("not a real date or time"); --now rolls it over to
    // 2026-03-02 and runs.
    name: 'a --now that is no real date',
    args: ['test', '--now', '2026-02-30T00:00:00Z', join(FIXTURES, 'passing.trustspec.yaml')],
    message: /^trustspec: --now: "2026-02-30T00:00:00Z" is not a real date or time/,
  },
  {
    // Milliseconds by mistake: the file's `now:` refuses them ("too large for epoch seconds");
    // --now takes them as the year 58383 and every token without exp passes.
    name: 'a --now in milliseconds',
    args: ['test', '--now', '1780272000000', join(FIXTURES, 'passing.trustspec.yaml')],
    message:
      /^trustspec: --now: 1780272000000 is too large for epoch seconds \(is it milliseconds\?\)/,
  },
];

for (const u of usageErrors) {
  t.test(`${u.name}: exit 2, one message on stderr, no stack trace`, async (t) => {
    const r = await cli(u.args);
    t.equal(r.status, 2, 'exit 2');
    t.match(r.stderr, u.message, 'the message');
    t.notMatch(r.stderr, STACK_LINE, 'no stack trace');
    t.notMatch(r.stderr, /internal error/);
    t.equal(r.stdout, '', 'nothing on stdout: no report was run');
  });
}
