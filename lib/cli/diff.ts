/**
 * `trustspec diff OLD NEW`: every token whose decision differs between two trust policies (or the
 * roles of two scenario files) — newly allowed and newly denied regions, each with a token — and
 * a proof that no other token changed. Exit 0: no newly allowed token; 1: some (with
 * `--fail-on any`, any change); 2: unusable input, or a part of the answer is unknown.
 */
import { Option, type Command } from 'commander';
import { EXIT, UsageError, type Io } from './io.js';

export const DIFF_REPORTERS = ['human', 'json', 'github', 'markdown'] as const;
export type DiffReporter = (typeof DIFF_REPORTERS)[number];

export interface DiffCommandOptions {
  reporter?: DiffReporter;
  json?: boolean;
  failOn?: 'new-access' | 'any';
  roleArn?: string;
  provider: string[];
  now?: string;
}

/** The exit code: known new access first; then unknown; then any change when asked. */
export function diffExitCode(
  r: { newlyAllowed: unknown[]; newlyDenied: unknown[]; unknown: unknown[] },
  failOn: 'new-access' | 'any',
): number {
  if (r.newlyAllowed.length > 0) return EXIT.failed;
  if (r.unknown.length > 0) return EXIT.usage;
  if (failOn === 'any' && r.newlyDenied.length > 0) return EXIT.failed;
  return EXIT.ok;
}

export async function diffCommand(
  oldFile: string,
  newFile: string,
  opts: DiffCommandOptions,
  io: Io,
): Promise<number> {
  if (opts.json && opts.reporter !== undefined && opts.reporter !== 'json')
    throw new UsageError(`--json and --reporter ${opts.reporter} ask for two formats`);
  const reporter: DiffReporter = opts.json ? 'json' : (opts.reporter ?? 'human');
  const { loadRole } = await import('./roles.js');
  const symbolic = await import('../symbolic/index.js');
  const before = await loadRole(oldFile, io, opts);
  const after = await loadRole(newFile, io, opts);
  const report = symbolic.difference(before.analysis, after.analysis, {
    now: after.now,
    seeds: {
      claims: [...after.seeds.claims, ...before.seeds.claims],
      sessionNames: [...after.seeds.sessionNames, ...before.seeds.sessionNames],
      contexts: [...after.seeds.contexts, ...before.seeds.contexts],
    },
    files: [before.source, after.source],
  });
  if (reporter === 'json') io.stdout.write(`${JSON.stringify(report.result, null, 2)}\n`);
  else if (reporter === 'markdown') io.stdout.write(symbolic.diffMarkdown(report));
  else if (reporter === 'github') {
    const { githubDiff } = await import('./diff-github.js');
    io.stdout.write(githubDiff(report, before.policyFile, after.policyFile));
  } else io.stdout.write(symbolic.diffText(report));
  return diffExitCode(report.result, opts.failOn ?? 'new-access');
}

/** Registers `trustspec diff`; its code (and the symbolic engine) load only when it runs. */
export function addDiff(cli: Command, io: Io, out: { code: number }): void {
  cli
    .command('diff')
    .description(
      'compare two trust policies (or the roles of two scenario files) for all tokens: newly allowed and newly denied tokens, each with an example, and a proof that nothing else changed',
    )
    .argument('<old>', 'the policy or scenario file before the change')
    .argument('<new>', 'the policy or scenario file after the change')
    .addOption(new Option('-r, --reporter <name>', 'output format').choices(DIFF_REPORTERS))
    .option('--json', 'the same as --reporter json')
    .addOption(
      new Option('--fail-on <what>', 'exit 1 on newly allowed tokens (default) or on any change')
        .choices(['new-access', 'any'])
        .default('new-access'),
    )
    .option(
      '--role-arn <arn>',
      'the role ARN, for policy files (default: the account of the Federated principal)',
    )
    .option(
      '--provider <url[=clientId,...]>',
      "for policy files: an IAM OIDC provider registered in the role's account; repeatable. Without any, issuers the policies name are assumed registered with any audience",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option(
      '--now <iso>',
      "the clock of the example tokens (default: the new scenario file's now, else the wall clock)",
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 no newly allowed token, 1 some (or any change with --fail-on any), 2 the input could not be used or part of the answer is unknown.\n' +
        'Examples:\n  trustspec diff old.trust.json new.trust.json\n  trustspec diff before.trustspec.yaml after.trustspec.yaml --reporter markdown',
    )
    .action(async (oldFile: string, newFile: string, opts: DiffCommandOptions) => {
      out.code = await diffCommand(oldFile, newFile, opts, io);
    });
}
