/**
 * `trustspec diff OLD NEW` and `trustspec diff --base GIT_REF [PATHS]`: every token whose decision
 * differs between two trust policies (or the roles of two scenario files, or every role changed
 * since a commit) — newly allowed and newly denied regions, each with a token — and a proof that
 * no other token changed; with `--cross-check`, Access Analyzer's CheckNoNewAccess beside it.
 * Exit 0: no newly allowed token; 1: some (with `--fail-on any`, any change); 2: unusable input,
 * a part of the answer unknown, or (with `--require-cross-check`) no answer from Access Analyzer.
 */
import { Option, type Command } from 'commander';
import {
  compareRoles,
  DIFF_REPORTERS,
  exitOf,
  policyJson,
  render,
  type DiffCommandOptions,
  type DiffReporter,
} from './diff-output.js';
import { UsageError, type Io } from './io.js';
import { timer } from './timing.js';
import { resolve } from 'node:path';

export {
  DIFF_REPORTERS,
  diffExitCode,
  type DiffCommandOptions,
  type DiffReporter,
} from './diff-output.js';

/** The two roles of `diff OLD NEW`, compared and printed. */
async function diffFiles(
  files: readonly string[],
  opts: DiffCommandOptions,
  reporter: DiffReporter,
  io: Io,
): Promise<number> {
  if (files.length !== 2)
    throw new UsageError(
      `diff needs two files, OLD and NEW (got ${files.length})`,
      'or --base GIT_REF [PATHS] to compare what changed since a commit',
    );
  const { loadRole } = await import('./roles.js');
  const before = await loadRole(files[0] as string, io, opts);
  const after = await loadRole(files[1] as string, io, opts);
  const texts: [string | undefined, string | undefined] = [
    policyJson(resolve(io.cwd, before.policyFile)),
    policyJson(resolve(io.cwd, after.policyFile)),
  ];
  const out = await compareRoles([{ before, after, texts }], opts, timer(io));
  io.stdout.write(await render(out, reporter, undefined));
  return exitOf(out, opts);
}

export async function diffCommand(
  files: readonly string[],
  opts: DiffCommandOptions,
  io: Io,
): Promise<number> {
  if (opts.json && opts.reporter !== undefined && opts.reporter !== 'json')
    throw new UsageError(`--json and --reporter ${opts.reporter} ask for two formats`);
  if (opts.requireCrossCheck && !opts.crossCheck)
    throw new UsageError('--require-cross-check needs --cross-check');
  const reporter: DiffReporter = opts.json ? 'json' : (opts.reporter ?? 'human');
  if (opts.base === undefined) return diffFiles(files, opts, reporter, io);
  const base = await import('./diff-base.js');
  const { git, pairs } = base.basePairs(io, opts.base, files);
  const { loaded, dispose } = await base.loadPairs(git, pairs, io, opts);
  try {
    const ready = loaded.flatMap((l) =>
      l.before && l.after ? [{ before: l.before, after: l.after, texts: l.texts }] : [],
    );
    const out = await compareRoles(ready, opts, timer(io));
    out.errors = loaded.flatMap((l) => (l.error ? [l.error] : []));
    for (const e of out.errors) io.stderr.write(`trustspec diff: ${e}\n`);
    io.stdout.write(
      await render(out, reporter, { ref: opts.base, commit: git.commit, paths: files }),
    );
    return exitOf(out, opts);
  } finally {
    dispose();
  }
}

/** Registers `trustspec diff`; its code (and the symbolic engine) load only when it runs. */
export function addDiff(cli: Command, io: Io, out: { code: number }): void {
  cli
    .command('diff')
    .description(
      'compare two trust policies (or the roles of two scenario files, or every role changed since a git commit) for all tokens: newly allowed and newly denied tokens, each with an example, and a proof that nothing else changed',
    )
    .argument(
      '[files...]',
      'OLD and NEW: policy or scenario files; with --base, the PATHS to look in (default: the current folder)',
    )
    .addOption(new Option('-r, --reporter <name>', 'output format').choices(DIFF_REPORTERS))
    .option('--json', 'the same as --reporter json')
    .addOption(
      new Option(
        '--fail-on <what>',
        'exit 1 on newly allowed tokens (new-allow, the default) or on any change (any); new-access is read as new-allow',
      )
        .choices(['new-allow', 'new-access', 'any'])
        .default('new-allow'),
    )
    .option(
      '--base <git-ref>',
      'compare every policy file and scenario-file role under PATHS that changed since this commit (read through git, no checkout)',
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
    .option(
      '--cross-check',
      "also ask IAM Access Analyzer's CheckNoNewAccess (needs AWS credentials; a charged call per comparison)",
    )
    .option(
      '--require-cross-check',
      'exit 2 when Access Analyzer gives no answer (by default that is reported, never a pass)',
    )
    .option('--profile <name>', 'the AWS profile for --cross-check')
    .option('--region <region>', 'the AWS region for --cross-check')
    .addHelpText(
      'after',
      '\nExit codes: 0 no newly allowed token, 1 some (or any change with --fail-on any), 2 the input could not be used or part of the answer is unknown.\n' +
        'Examples:\n  trustspec diff old.trust.json new.trust.json\n  trustspec diff before.trustspec.yaml after.trustspec.yaml --reporter markdown\n  trustspec diff --base origin/main roles/ --reporter markdown',
    )
    .action(async (files: string[], opts: DiffCommandOptions) => {
      out.code = await diffCommand(files, opts, io);
    });
}
