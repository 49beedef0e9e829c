/**
 * The command line in-process for the findings tests: `main(argv, io)` with an injected Io that
 * collects what is written. No child process, no terminal, an empty environment (no colors).
 * Also the small policies and scenario files these tests build folders from.
 */
import { runMain } from './helpers.js';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** `trustspec ARGV` in `cwd`, with only `env` as the environment (no colors, no terminal). */
export async function cli(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const r = await runMain(argv, { cwd, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const ARN = 'arn:aws:iam::111122223333';
export const GHA = 'token.actions.githubusercontent.com';

/** A policy document as JSON text, one statement a line (so findings have distinct lines). */
export function policy(statements: object[]): string {
  return `{\n  "Version": "2012-10-17",\n  "Statement": [\n${statements.map((s) => `    ${JSON.stringify(s)}`).join(',\n')}\n  ]\n}\n`;
}

/** A sound GitHub deploy policy: nothing to warn about. */
export const SOUND = policy([
  {
    Sid: 'Deploy',
    Effect: 'Allow',
    Principal: { Federated: `${ARN}:oidc-provider/${GHA}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringEquals: {
        [`${GHA}:aud`]: 'sts.amazonaws.com',
        [`${GHA}:sub`]: 'repo:acme/app:ref:refs/heads/main',
      },
    },
  },
]);

/**
 * A GitHub policy that works for `main` but has two findings of its shape: ForAllValues on the
 * single-valued sub, and a condition on `:iss`, which is never a condition key.
 */
export const SHAPED = policy([
  {
    Sid: 'Deploy',
    Effect: 'Allow',
    Principal: { Federated: `${ARN}:oidc-provider/${GHA}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringEquals: { [`${GHA}:aud`]: 'sts.amazonaws.com' },
      'ForAllValues:StringEquals': { [`${GHA}:sub`]: 'repo:acme/app:ref:refs/heads/main' },
      StringNotEquals: { [`${GHA}:iss`]: 'https://evil.example.com' },
    },
  },
]);

/** GitLab.com with no sub condition: any project on gitlab.com can assume it. */
export const GITLAB_OPEN = policy([
  {
    Sid: 'AnyProject',
    Effect: 'Allow',
    Principal: { Federated: `${ARN}:oidc-provider/gitlab.com` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { 'gitlab.com:aud': 'https://gitlab.com' } },
  },
]);

/** A scenario file for `policyFile`, its scenarios as YAML list items. */
export function scenarioFile(policyFile: string, scenarios: string, extra = ''): string {
  return [
    'version: 1',
    'role:',
    `  arn: ${ARN}:role/deploy`,
    `  trustPolicy: ${policyFile}`,
    'now: 2026-06-01T00:00:00Z',
    'defaults:',
    '  request: { roleSessionName: ci }',
    extra,
    'scenarios:',
    scenarios,
  ]
    .filter((l) => l !== '')
    .join('\n');
}

export const MAIN_DEPLOYS =
  '  - name: main deploys\n    github: { repository: acme/app, ref: refs/heads/main }\n    expect: allow\n';
export const OTHER_REFUSED =
  '  - name: another repository is refused\n    github: { repository: evil/app, ref: refs/heads/main }\n    expect: deny\n';
export const GITLAB_DEPLOYS =
  '  - name: a project deploys\n    gitlab: { projectPath: acme/app, ref: main }\n    expect: allow\n';

/** The line of `needle` in `text` (1-based). */
export function lineOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`"${needle}" not in the text`);
  return text.slice(0, i).split('\n').length;
}
