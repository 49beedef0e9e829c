/** `trustspec test`: discover scenario files, run them, report, and exit 0/1/2. */
import { extname, relative } from 'node:path';
import { recordReads, type FileIdentity } from '../files.js';
import {
  loadAndRunAsync,
  loadConfig,
  RoleSources,
  type Config,
  type RunReport,
} from '../scenarios/index.js';
import { parseThresholds, type Threshold } from '../scenarios/coverage-threshold.js';
import { lintPolicy } from '../lint/policy.js';
import { REPORTER_NAMES, type ReporterName } from '../report/names.js';
import { exitCodeOf, tally } from '../report/common.js';
import { fileErrorText } from '../report/human.js';
import { loadReporters, type Reporter } from '../report/load.js';
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
  /** `--watch`: run again on every change (lib/cli/test-watch.ts). */
  watch?: boolean;
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
  coverage?: boolean;
  /** `80` (values) or `values=80,statements=100`. */
  coverageThreshold?: string;
  /** `lcov:FILE` (or FILE). */
  coverageOutput?: string;
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

/** `lcov:FILE`, or FILE: where `--coverage-output` writes. */
function coverageOutput(spec: string): { reporter: 'lcov'; file: string } {
  const file = spec.startsWith('lcov:') ? spec.slice('lcov:'.length) : spec;
  if (file === '' || (/^[a-z]+:/.test(file) && !spec.startsWith('lcov:')))
    throw new UsageError(
      `--coverage-output ${spec}: give lcov:FILE`,
      'e.g. --coverage-output lcov:coverage/policies.lcov',
    );
  return { reporter: 'lcov', file };
}

/** What a run read (filled by `testCommand` for `--watch`): its files, and the folders listed. */
export interface RunInputs {
  files: string[];
  folders: string[];
}

export async function testCommand(
  args: string[],
  opts: TestOptions,
  io: Io,
  seen?: RunInputs,
): Promise<number> {
  const now = opts.now !== undefined ? parseNow(opts.now) : undefined;
  let coverage = coverageOptions(opts);
  const outputs = planOutputs(
    [
      ...opts.output.map(parseOutput),
      ...(opts.coverageOutput !== undefined ? [coverageOutput(opts.coverageOutput)] : []),
    ],
    io.cwd,
  );
  // Every file read, the config included, is an input no report may be written over.
  const reads = recordReads();
  const stop = (): FileIdentity[] => {
    const files = reads.stop();
    if (seen) {
      seen.files = files.map((f) => f.path);
      seen.folders = [...reads.folders];
    }
    return files;
  };
  const cfg = config(io);
  if (cfg === undefined) {
    stop();
    return EXIT.usage;
  }
  // The config's threshold turns coverage on; the command line's wins over it.
  if (opts.coverageThreshold === undefined && cfg.coverageThreshold !== undefined)
    coverage = { on: true, thresholds: cfg.coverageThreshold };
  // The config's paths are relative to its folder; shown (and searched) relative to the cwd.
  const paths = args.length > 0 ? args : (cfg.paths ?? []).map((p) => relative(io.cwd, p) || '.');
  const strict = opts.strict ?? cfg.strict ?? false;
  // One set of role sources for the run and its cross-check: each is read once.
  const sources = new RoleSources({ cwd: io.cwd, env: io.env });
  const report = await loadAndRunAsync(paths, {
    cwd: io.cwd,
    sources,
    ignore: cfg.ignore,
    // Each policy's shape findings are lint's: test shows what lint shows.
    policyLint: lintPolicy,
    ...(now !== undefined ? { now } : {}),
    defaultNow: clockOf(io),
    ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
    // Reports show traces and diagnoses for failures only, unless --verbose.
    trace: opts.verbose ? 'all' : 'failures',
    // lib/explain's diagnoses load only when a result wants one (a failure, or -v's denials).
    loadDiagnose: async () => {
      const { diagnose } = await import('../explain/index.js');
      return (decision, scenario) =>
        diagnose(decision, scenario.input, { policyFile: scenario.role.policyFile });
    },
  });
  const inputs = stop();
  if (opts.filter !== undefined && report.results.length === 0 && report.errors.length === 0) {
    throw new UsageError(
      `--filter "${opts.filter}" matches no scenario`,
      'it keeps scenarios whose name contains the text (case-insensitive)',
    );
  }
  const cross = await crossCheck(report, paths, cfg, opts, io, sources);
  refuseInputs(outputs, inputs, io.cwd);
  const reporter = opts.reporter ?? (cfg.reporter as ReporterName | undefined) ?? 'human';
  const base = { cwd: io.cwd, verbose: opts.verbose === true, strict };
  // Coverage, and the symbolic engine its regions need, load only when asked for.
  const cov = coverage.on ? await import('./test-coverage.js') : undefined;
  if (cov) report.coverage = cov.compute(report, io.cwd, coverage.thresholds);
  const reporters = await loadReporters(
    [reporter, ...outputs.map((o) => o.reporter)].filter(
      (name): name is ReporterName => name !== 'lcov',
    ),
  );
  const render = (name: ReporterName | 'lcov', color: boolean): string => {
    if (name === 'lcov') return cov?.lcov(report) ?? '';
    const text = (reporters.get(name) as Reporter)(report, { ...base, color });
    return cov && name === 'human' ? text + cov.text(report, color) : text;
  };
  io.stdout.write(render(reporter, reporter === 'human' && useColor(io.stdout, io.env)));
  // Reporters for machines keep their format: the table goes to standard error beside them.
  if (cov && reporter !== 'human' && reporter !== 'json')
    io.stderr.write(cov.text(report, useColor(io.stderr, io.env)));
  for (const o of outputs) writeOutput(o, render(o.reporter, false), io);
  if (cross) io.stderr.write(`${cross.line}\n`);
  if (opts.requireCrossCheck && cross && cross.unavailable > 0) return EXIT.usage;
  const code = exitCodeOf(tally(report), strict);
  const missed = cov?.missed(report) ?? [];
  if (reporter !== 'human') for (const m of missed) io.stderr.write(`trustspec: ${m}\n`);
  return code === EXIT.ok && missed.length > 0 ? EXIT.failed : code;
}

function coverageOptions(opts: TestOptions): { on: boolean; thresholds: Threshold[] } {
  let thresholds: Threshold[] = [];
  if (opts.coverageThreshold !== undefined) {
    const parsed = parseThresholds(opts.coverageThreshold);
    if (typeof parsed === 'string')
      throw new UsageError(
        `--coverage-threshold ${opts.coverageThreshold}: ${parsed}`,
        'e.g. --coverage-threshold 80, or --coverage-threshold values=80,statements=100',
      );
    thresholds = parsed;
  }
  const on =
    opts.coverage === true ||
    opts.coverageThreshold !== undefined ||
    opts.coverageOutput !== undefined;
  return { on, thresholds };
}

/** `--cross-check`: Access Analyzer's findings added to the report (its modules loaded only then). */
async function crossCheck(
  report: RunReport,
  paths: string[],
  cfg: Config,
  opts: TestOptions,
  io: Io,
  sources: RoleSources,
): Promise<{ line: string; unavailable: number } | undefined> {
  if (!opts.crossCheck && !opts.requireCrossCheck) return undefined;
  const { crossCheckTestRun } = await import('../lint/test-cross-check.js');
  return crossCheckTestRun(report, paths, {
    cwd: io.cwd,
    scenariosOnly: true,
    sources,
    env: io.env,
    ignore: cfg.ignore,
    defaultNow: clockOf(io),
    crossCheck: {
      require: opts.requireCrossCheck === true,
      ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
      ...(opts.region !== undefined ? { region: opts.region } : {}),
    },
  });
}
