/**
 * The hostile-input tests' own harness: `main(argv, io)` in this process with capturing streams,
 * a small policy and scenario file to build trees from, and the few spawn helpers the process
 * rows need (closed stdout, deleted working directory).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { BIN, runMain } from './helpers.js';

export { ANSI, BIN, Capture, REPO, STACK_LINE } from './helpers.js';

export interface Ran {
  status: number;
  stdout: string;
  stderr: string;
}

/** `trustspec ARGV` in this process, in `cwd`, with only `env` as the environment. */
export function run(
  argv: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; tty?: boolean },
): Promise<Ran> {
  return runMain(argv, { cwd: opts.cwd, env: opts.env ?? {}, isTTY: opts.tty === true });
}

/** 1-based line and column of the first `needle` in `text`. */
export function placeOf(text: string, needle: string): { line: number; column: number } {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`"${needle}" is not in the text`);
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: (before[before.length - 1] as string).length + 1 };
}

/** Only a push to acme/app's main branch may assume the role. */
export const POLICY = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: {
          Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
        },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            'token.actions.githubusercontent.com:sub': 'repo:acme/app:ref:refs/heads/main',
          },
        },
      },
    ],
  },
  null,
  2,
);

/** A scenario file whose role's policy is `trustPolicy` (written as given), with `scenarios`. */
export function scenarioFile(trustPolicy: string, scenarios = PASSING): string {
  return [
    'version: 1',
    'role:',
    '  arn: arn:aws:iam::111122223333:role/deploy',
    `  trustPolicy: ${trustPolicy}`,
    'providers:',
    '  - url: https://token.actions.githubusercontent.com',
    '    clientIds: [sts.amazonaws.com]',
    'now: 2026-06-01T00:00:00Z',
    'defaults:',
    '  request: { roleSessionName: ci }',
    'scenarios:',
    scenarios,
    '',
  ].join('\n');
}

export const PASSING = [
  '  - name: main deploys',
  '    github: { repository: acme/app, ref: refs/heads/main }',
  '    expect: allow',
].join('\n');

export const FAILING = [
  '  - name: a fork deploys',
  '    github: { repository: evil/app, ref: refs/heads/main }',
  '    expect: allow',
].join('\n');

/** A compact JWT (unsigned) holding `claims`. */
export function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2ln`;
}

export function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

export const isRoot = process.getuid?.() === 0;

/** The environment a spawned CLI gets: none of the test runner's variables. */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    TZ: 'UTC',
    // No code cache in the user's folders (test/compile-cache.test.ts tests it).
    TRUSTSPEC_COMPILE_CACHE: 'off',
  };
  return { ...env, ...extra };
}

/** Runs the built CLI in a child process (the rows that need a real process). */
export function spawnCli(args: string[], opts: { cwd: string; uid?: number; gid?: number }): Ran {
  // Another user cannot write the test runner's process records: its hook is left out for one.
  const [command, argv] =
    opts.uid !== undefined
      ? ['env', ['-u', 'NODE_OPTIONS', process.execPath, BIN, ...args]]
      : [process.execPath, [BIN, ...args]];
  const r = spawnSync(command, argv, {
    cwd: opts.cwd,
    env: childEnv(),
    encoding: 'utf8',
    timeout: 120_000,
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid ?? opts.uid } : {}),
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
