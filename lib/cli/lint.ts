/** `trustspec lint`: review trust policies by themselves (and, with --cross-check, with Access Analyzer). */
import { Option, type Command } from 'commander';
import { extname, relative } from 'node:path';
import { recordReads } from '../files.js';
import {
  EXIT,
  planOutputs,
  refuseInputs,
  UsageError,
  useColor,
  writeOutput,
  clockOf,
  type Io,
} from './io.js';

const LINT_REPORTERS = ['human', 'json', 'github', 'sarif'] as const;
type LintReporter = (typeof LINT_REPORTERS)[number];

export interface LintCommandOptions {
  reporter?: LintReporter;
  output: string[];
  strict?: boolean;
  verbose?: boolean;
  crossCheck?: boolean;
  requireCrossCheck?: boolean;
  profile?: string;
  region?: string;
}

const BY_EXTENSION: Record<string, LintReporter> = { '.sarif': 'sarif', '.json': 'json' };

function parseOutput(spec: string): { reporter: LintReporter; file: string } {
  const m = /^(human|json|github|sarif):(.*)$/.exec(spec);
  if (m?.[2] === '')
    throw new UsageError(
      `--output ${spec} needs a file name after the colon`,
      `e.g. ${spec}report`,
    );
  if (m) return { reporter: m[1] as LintReporter, file: m[2] as string };
  if (spec === '') throw new UsageError('--output needs a file name');
  return { reporter: BY_EXTENSION[extname(spec).toLowerCase()] ?? 'human', file: spec };
}

export async function lintCommand(
  args: string[],
  opts: LintCommandOptions,
  io: Io,
  version = 'unknown',
): Promise<number> {
  const { loadConfig } = await import('../scenarios/config.js');
  const { REPORTER_NAMES, fileErrorText } = await import('../report/index.js');
  const { lintPaths } = await import('../lint/run.js');
  const { LINT_REPORTERS: REPORTERS } = await import('../report/lint.js');
  const outputs = planOutputs(opts.output.map(parseOutput), io.cwd);
  const reads = recordReads();
  const { config: cfg, errors } = loadConfig(io.cwd, REPORTER_NAMES);
  if (errors.length > 0) {
    reads.stop();
    for (const e of errors) io.stderr.write(fileErrorText(e, useColor(io.stderr, io.env)));
    return EXIT.usage;
  }
  const paths = args.length > 0 ? args : (cfg.paths ?? []).map((p) => relative(io.cwd, p) || '.');
  const strict = opts.strict ?? cfg.strict ?? false;
  const cross = opts.crossCheck === true || opts.requireCrossCheck === true;
  const report = await lintPaths(paths, {
    cwd: io.cwd,
    env: io.env,
    ignore: cfg.ignore,
    defaultNow: clockOf(io),
    ...(cross
      ? {
          crossCheck: {
            require: opts.requireCrossCheck === true,
            ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
            ...(opts.region !== undefined ? { region: opts.region } : {}),
          },
        }
      : {}),
  });
  refuseInputs(outputs, reads.stop(), io.cwd);
  const fromConfig = LINT_REPORTERS.find((r) => r === cfg.reporter);
  const reporter = opts.reporter ?? fromConfig ?? 'human';
  const base = { strict, verbose: opts.verbose === true, version };
  io.stdout.write(
    REPORTERS[reporter](report, {
      ...base,
      color: reporter === 'human' && useColor(io.stdout, io.env),
    }),
  );
  for (const o of outputs)
    writeOutput(o, REPORTERS[o.reporter](report, { ...base, color: false }), io);
  const { exitCodeOfLint } = await import('../lint/run.js');
  return exitCodeOfLint(report, strict);
}

/** Registers `trustspec lint`; its code loads only when it runs. */
export function addLint(cli: Command, io: Io, out: { code: number }, version: string): void {
  cli
    .command('lint')
    .description(
      'review trust policies by themselves: every finding with a code, its place and a fix (no scenarios needed)',
    )
    .argument(
      '[paths...]',
      'policy files (any name), scenario files, folders or globs (folders yield *.trust.json|yaml|yml and *.trustspec.yaml|yml; default: the current folder)',
    )
    .addOption(new Option('-r, --reporter <name>', 'output format').choices(LINT_REPORTERS))
    .option(
      '-o, --output <[reporter:]file>',
      'also write a report to FILE (reporter from the prefix, or the extension: .sarif sarif, .json json); repeatable',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--strict', 'warnings fail the run (exit code 1)')
    .option('--no-strict', 'warnings do not fail the run, whatever trustspec.config.yaml says')
    .option('-v, --verbose', 'show code frames and where each suppressed finding was accepted')
    .option(
      '--cross-check',
      "also run IAM Access Analyzer's ValidatePolicy and CheckNoPublicAccess on each policy (AWS credentials; CheckNoPublicAccess is charged per call)",
    )
    .option(
      '--require-cross-check',
      'as --cross-check, and a policy Access Analyzer could not check makes the run exit 2',
    )
    .option('--profile <name>', 'the AWS profile for the cross-check')
    .option('--region <region>', 'the AWS region for the cross-check')
    .addHelpText(
      'after',
      '\nExit codes: 0 no error finding (and, with --strict, no warning), 1 otherwise, 2 the input could not be used (or, with --require-cross-check, Access Analyzer could not check a policy).\n' +
        'Defaults (reporter, strict, ignore, paths) come from the nearest trustspec.config.yaml.\n' +
        'Examples:\n  trustspec lint\n  trustspec lint policies/ --reporter sarif --output sarif:trustspec.sarif\n  trustspec lint role.trust.json --cross-check --region us-east-1',
    )
    .action(async (paths: string[], opts: LintCommandOptions) => {
      out.code = await lintCommand(paths, opts, io, version);
    });
}
