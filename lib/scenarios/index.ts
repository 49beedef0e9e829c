/** Scenario files: discover, load (with their places for every error), expand and run them. */
import { discoverFiles, displayPath } from './discover.js';
import { loadScenarioFile, type LoadOptions } from './load.js';
import type { PolicyCache } from './policy.js';
import { runScenarios, type RunOptions } from './run.js';
import type { FileError, RunReport, Scenario } from './types.js';

export type * from './types.js';
export { codeFrame } from './frame.js';
export { discoverFiles, displayPath, SCENARIO_FILE, type Discovery } from './discover.js';
export { loadScenarioFile, MAX_ALIAS_COUNT, type LoadOptions, type LoadResult } from './load.js';
export {
  becauseMatches,
  denialSources,
  describeExpectation,
  judge,
  runScenarios,
  scenarioInput,
  type DenialSources,
  type RunOptions,
} from './run.js';
export { loadPolicyFile, readText, type PolicyCache, type PolicyEntry } from './policy.js';
export { parseDate } from './dates.js';
export { SCHEMA, schemaJson, formatJson } from './schema.js';

export interface LoadAndRunOptions extends LoadOptions, RunOptions {
  /** Where relative paths start and what reported file names are relative to (default: the process's). */
  cwd?: string;
}

function dedupe(list: FileError[]): FileError[] {
  const seen = new Set<string>();
  return list.filter((e) => {
    const id = `${e.file}|${e.line}|${e.column}|${e.code}|${e.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * Discovers the scenario files named by `paths` (none: everything under `cwd`), loads them all
 * with one shared policy cache (a policy file used by many is parsed once), and runs them.
 * A bad file adds its errors and never stops the others.
 */
export function loadAndRun(paths: string[], opts: LoadAndRunOptions = {}): RunReport {
  const cwd = opts.cwd ?? process.cwd();
  const policyCache: PolicyCache = opts.policyCache ?? new Map();
  const discovery = discoverFiles(paths, cwd);
  const errors: FileError[] = [...discovery.errors];
  const warnings: FileError[] = [...discovery.warnings];
  const scenarios: Scenario[] = [];
  for (const file of discovery.files) {
    const loaded = loadScenarioFile(file, { ...opts, cwd, policyCache });
    errors.push(...loaded.errors);
    warnings.push(...loaded.warnings);
    scenarios.push(...loaded.scenarios);
  }
  const results = runScenarios(scenarios, {
    ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
    ...(opts.diagnose ? { diagnose: opts.diagnose } : {}),
    ...(opts.trace ? { trace: opts.trace } : {}),
  });
  const shown = discovery.files.map((f) => displayPath(f, cwd));
  const files =
    opts.filter === undefined ? shown : shown.filter((f) => results.some((r) => r.file === f));
  return { files, results, errors: dedupe(errors), warnings: dedupe(warnings) };
}
