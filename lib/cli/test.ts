/** `trustspec test`: discover scenario files, run them, report, and exit 0/1/2. */
import { extname, resolve } from 'node:path';
import { loadAndRun } from '../scenarios/index.js';
import { diagnose } from '../explain/index.js';
import { REPORTER_NAMES, REPORTERS, type ReporterName } from '../report/index.js';
import { clockOf, EXIT, parseNow, UsageError, useColor, writeFileAtomic, type Io } from './io.js';

export interface TestOptions {
  reporter?: ReporterName;
  filter?: string;
  now?: string;
  output: string[];
  verbose?: boolean;
}

const BY_EXTENSION: Record<string, ReporterName> = {
  '.xml': 'junit',
  '.json': 'json',
  '.tap': 'tap',
};

const OUTPUT_SPEC = new RegExp(`^(${REPORTER_NAMES.join('|')}):(.+)$`);

/** `junit:report.xml` → junit; `report.xml` → junit by extension; anything else → human. */
export function parseOutput(spec: string): { reporter: ReporterName; file: string } {
  const m = OUTPUT_SPEC.exec(spec);
  if (m) return { reporter: m[1] as ReporterName, file: m[2] as string };
  if (spec === '') throw new UsageError('--output needs a file name');
  return { reporter: BY_EXTENSION[extname(spec).toLowerCase()] ?? 'human', file: spec };
}

export async function testCommand(paths: string[], opts: TestOptions, io: Io): Promise<number> {
  const now = opts.now !== undefined ? parseNow(opts.now) : undefined;
  const outputs = opts.output.map(parseOutput);
  const report = loadAndRun(paths, {
    cwd: io.cwd,
    ...(now !== undefined ? { now } : {}),
    defaultNow: clockOf(io),
    ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
    // Reports show traces and diagnoses for failures only, unless --verbose.
    trace: opts.verbose ? 'all' : 'failures',
    diagnose: (decision, scenario) =>
      diagnose(decision, scenario.input, { policyFile: scenario.role.policyFile }),
  });
  const reporter = opts.reporter ?? 'human';
  const base = { cwd: io.cwd, verbose: opts.verbose === true };
  io.stdout.write(
    REPORTERS[reporter](report, {
      ...base,
      color: reporter === 'human' && useColor(io.stdout, io.env),
    }),
  );
  for (const o of outputs) {
    const path = resolve(io.cwd, o.file);
    try {
      writeFileAtomic(path, REPORTERS[o.reporter](report, { ...base, color: false }));
    } catch (e) {
      throw new UsageError(
        `cannot write the ${o.reporter} report to ${o.file}: ${(e as Error).message}`,
      );
    }
  }
  if (report.errors.length > 0) return EXIT.usage;
  return report.results.some((r) => !r.ok && !r.skipped) ? EXIT.failed : EXIT.ok;
}
