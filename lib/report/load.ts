/**
 * The reporters by name, each module loaded only when a run asks for its format: a plain
 * `trustspec test` loads the human reporter alone.
 */
import type { RunReport } from '../scenarios/types.js';
import type { ReporterOptions } from './common.js';
import { humanReport } from './human.js';
import type { ReporterName } from './names.js';

export type Reporter = (report: RunReport, opts: ReporterOptions) => string;

const LOADERS: Record<ReporterName, () => Promise<Reporter>> = {
  human: () => Promise.resolve(humanReport),
  tap: async () => (await import('./tap.js')).tapReport,
  junit: async () => (await import('./junit.js')).junitReport,
  json: async () => (await import('./json.js')).jsonReport,
  github: async () => (await import('./github.js')).githubReport,
};

/** The reporters of `names` (each loaded once, whatever the repeats). */
export async function loadReporters(
  names: Iterable<ReporterName>,
): Promise<Map<ReporterName, Reporter>> {
  const wanted = [...new Set(names)];
  const loaded = await Promise.all(wanted.map((name) => LOADERS[name]()));
  return new Map(wanted.map((name, i) => [name, loaded[i] as Reporter]));
}
