/** `trustspec test`: discover scenario files, run them, report, and exit 0/1/2. */
import { extname, relative } from 'node:path';
import { recordReads } from '../files.js';
import {
  loadAndRunAsync,
  loadConfig,
  RoleSources,
  type Config,
  type RunReport,
} from '../scenarios/index.js';
import { diagnose } from '../explain/index.js';
import { lintPolicy } from '../lint/index.js';
import {
  REPORTER_NAMES,
  REPORTERS,
  exitCodeOf,
  fileErrorText,
  tally,
  type ReporterName,
} from '../report/index.js';
import {
  clockOf,
  EXIT,
  parseNow,
  planOutputs,
  refuseInputs,
  UsageError,
  useColor,
  writeOutput,
  type Io,
} from './io.js';

export interface TestOptions {
  reporter?: ReporterName;
  filter?: string;
  now?: string;
  output: string[];
  verbose?: boolean;
  /** `--strict` / `--no-strict`; default: the config file's `strict`, else false. */
  strict?: boolean;
  /** Access Analyzer's findings too (`--cross-check`; `--require-cross-check`: unavailable is exit 2). */
  crossCheck?: boolean;
  requireCrossCheck?: boolean;
  profile?: string;
  region?: string;
}

const BY_EXTENSION: Record<string, ReporterName> = {
  '.xml': 'junit',
  '.json': 'json',
  '.tap': 'tap',
};

const OUTPUT_SPEC = new RegExp(`^(${REPORTER_NAMES.join('|')}):(.*)$`);

/** `junit:report.xml` → junit; `report.xml` → junit by extension; anything else → human. */
export function parseOutput(spec: string): { reporter: ReporterName; file: string } {
  const m = OUTPUT_SPEC.exec(spec);
  if (m?.[2] === '')
    throw new UsageError(
      `--output ${spec} needs a file name after the colon`,
      `e.g. ${spec}report`,
    );
  if (m) return { reporter: m[1] as ReporterName, file: m[2] as string };
  if (spec === '') throw new UsageError('--output needs a file name');
  return { reporter: BY_EXTENSION[extname(spec).toLowerCase()] ?? 'human', file: spec };
}

/** The nearest trustspec.config.yaml; its errors end the command (exit 2) before anything runs. */
function config(io: Io): Config | undefined {
  const { config: found, errors } = loadConfig(io.cwd, REPORTER_NAMES);
  if (errors.length === 0) return found;
  for (const e of errors) io.stderr.write(fileErrorText(e, useColor(io.stderr, io.env)));
  return undefined;
}

export async function testCommand(args: string[], opts: TestOptions, io: Io): Promise<number> {
  const now = opts.now !== undefined ? parseNow(opts.now) : undefined;
  const outputs = planOutputs(opts.output.map(parseOutput), io.cwd);
  // Every file read, the config included, is an input no report may be written over.
  const reads = recordReads();
  const cfg = config(io);
  if (cfg === undefined) {
    reads.stop();
    return EXIT.usage;
  }
  // The config's paths are relative to its folder; shown (and searched) relative to the cwd.
  const paths = args.length > 0 ? args : (cfg.paths ?? []).map((p) => relative(io.cwd, p) || '.');
  const strict = opts.strict ?? cfg.strict ?? false;
  const report = await loadAndRunAsync(paths, {
    cwd: io.cwd,
    sources: new RoleSources({ cwd: io.cwd, env: io.env }),
    ignore: cfg.ignore,
    // Each policy's shape findings are lint's: test shows what lint shows.
    policyLint: lintPolicy,
    ...(now !== undefined ? { now } : {}),
    defaultNow: clockOf(io),
    ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
    // Reports show traces and diagnoses for failures only, unless --verbose.
    trace: opts.verbose ? 'all' : 'failures',
    diagnose: (decision, scenario) =>
      diagnose(decision, scenario.input, { policyFile: scenario.role.policyFile }),
  });
  const inputs = reads.stop();
  if (opts.filter !== undefined && report.results.length === 0 && report.errors.length === 0) {
    throw new UsageError(
      `--filter "${opts.filter}" matches no scenario`,
      'it keeps scenarios whose name contains the text (case-insensitive)',
    );
  }
  const cross = await crossCheck(report, paths, cfg, opts, io);
  refuseInputs(outputs, inputs, io.cwd);
  const reporter = opts.reporter ?? (cfg.reporter as ReporterName | undefined) ?? 'human';
  const base = { cwd: io.cwd, verbose: opts.verbose === true, strict };
  io.stdout.write(
    REPORTERS[reporter](report, {
      ...base,
      color: reporter === 'human' && useColor(io.stdout, io.env),
    }),
  );
  for (const o of outputs)
    writeOutput(o, REPORTERS[o.reporter](report, { ...base, color: false }), io);
  if (cross) io.stderr.write(`${cross.line}\n`);
  if (opts.requireCrossCheck && cross && cross.unavailable > 0) return EXIT.usage;
  return exitCodeOf(tally(report), strict);
}

/** `--cross-check`: Access Analyzer's findings added to the report (its modules loaded only then). */
async function crossCheck(
  report: RunReport,
  paths: string[],
  cfg: Config,
  opts: TestOptions,
  io: Io,
): Promise<{ line: string; unavailable: number } | undefined> {
  if (!opts.crossCheck && !opts.requireCrossCheck) return undefined;
  const { crossCheckTestRun } = await import('../lint/test-cross-check.js');
  return crossCheckTestRun(report, paths, {
    cwd: io.cwd,
    scenariosOnly: true,
    ignore: cfg.ignore,
    defaultNow: clockOf(io),
    crossCheck: {
      require: opts.requireCrossCheck === true,
      ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
      ...(opts.region !== undefined ? { region: opts.region } : {}),
    },
  });
}
