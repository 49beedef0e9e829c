/** Scenario files: discover, load (with their places for every error), expand and run them. */
import type { Finding } from '../diagnostics.js';
import { policyFindings } from '../explain/lint.js';
import type { TrustPolicy } from '../policy/model.js';
import type { CompiledPolicy } from '../sts/compile.js';
import { discoverFiles, displayPath } from './discover.js';
import {
  loadScenarioFile,
  loadScenarioFileAsync,
  type LoadOptions,
  type LoadResult,
} from './load.js';
import { RoleSources } from './role-source.js';
import { findingsToFileErrors, readText, type PolicyCache } from './policy.js';
import {
  addDiagnoses,
  blockedResults,
  runScenarios,
  wantsDiagnoses,
  type Diagnoser,
  type RunOptions,
} from './run.js';
import { applyIgnores, type ScopedRule } from './suppress.js';
import type { Seeds } from '../symbolic/realism.js';
import type {
  BlockedScenario,
  Property,
  FileError,
  IgnoreRule,
  RunReport,
  Scenario,
  ScenarioResult,
} from './types.js';

export type * from './types.js';
export { codeFrame } from './frame.js';
export { discoverFiles, displayPath, SCENARIO_FILE, type Discovery } from './discover.js';
export {
  loadScenarioFile,
  loadScenarioFileAsync,
  MAX_ALIAS_COUNT,
  type LoadOptions,
  type LoadResult,
} from './load.js';
export { RoleSources, SOURCE_KEYS, type RoleSourcesOptions } from './role-source.js';
export {
  addDiagnoses,
  blockedResults,
  becauseMatches,
  denialSources,
  describeExpectation,
  judge,
  runScenarios,
  scenarioInput,
  wantsDiagnoses,
  type DenialSources,
  type Diagnoser,
  type RunOptions,
} from './run.js';
export { loadPolicyFile, readText, type PolicyCache, type PolicyEntry } from './policy.js';
export { parseDate } from './dates.js';
export { SCHEMA, schemaJson, formatJson } from './schema.js';
export {
  CONFIG_FILES,
  configSchema,
  configSchemaJson,
  findConfig,
  loadConfig,
  type Config,
  type ConfigLoad,
} from './config.js';
export {
  applyIgnores,
  ignoreRules,
  sameCode,
  type ScopedRule,
  type Suppression,
} from './suppress.js';

export interface LoadAndRunOptions extends LoadOptions, RunOptions {
  /** Where relative paths start and what reported file names are relative to (default: the process's). */
  cwd?: string;
  /** `ignore:` rules for every file of the run (trustspec.config.yaml's). */
  ignore?: IgnoreRule[];
  /**
   * The findings of a policy's shape, given the ARNs of the roles that use it (default: those of
   * lib/explain/lint.ts; `trustspec test` passes lib/lint's, so that test shows what lint shows).
   */
  policyLint?: PolicyLint;
  /**
   * Loads the explainer when some result wants diagnoses (`loadAndRunAsync` only; `diagnose`, when
   * given, wins): a run where every scenario passes never loads lib/explain's diagnoses.
   */
  loadDiagnose?: () => Promise<Diagnoser>;
}

export type PolicyLint = (policy: TrustPolicy, ctx: { roleArns: readonly string[] }) => Finding[];

function dedupe<T extends FileError>(list: T[]): T[] {
  const seen = new Set<string>();
  return list.filter((e) => {
    const id = `${e.file}|${e.line}|${e.column}|${e.code}|${e.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** Is (line, column) inside the span? */
function within(span: { start: Place; end: Place }, at: Place): boolean {
  const after = (a: Place, b: Place): boolean =>
    a.line > b.line || (a.line === b.line && a.column >= b.column);
  return after(at, span.start) && after(span.end, at);
}

interface Place {
  line: number;
  column: number;
}

/** Each trust policy of the run once: its file as shown, its text when known, its model. */
interface RunPolicy {
  file: string;
  text?: string;
  policy: CompiledPolicy;
  /** The ARNs of the roles whose scenarios use it. */
  roleArns: string[];
}

function runPolicies(cache: PolicyCache, scenarios: Scenario[], cwd: string): RunPolicy[] {
  const out = new Map<CompiledPolicy, RunPolicy>();
  for (const entry of cache.values()) {
    if (entry.compiled) {
      out.set(entry.compiled, {
        file: entry.file,
        policy: entry.compiled,
        roleArns: [],
        ...(entry.text !== undefined ? { text: entry.text } : {}),
      });
    }
  }
  for (const s of scenarios) {
    const known = out.get(s.role.policy);
    if (known) {
      if (!known.roleArns.includes(s.role.arn)) known.roleArns.push(s.role.arn);
      continue;
    }
    // An inline policy: its findings point into the scenario file.
    const read = readText(s.role.policyFile);
    out.set(s.role.policy, {
      file: displayPath(s.role.policyFile, cwd),
      policy: s.role.policy,
      roleArns: [s.role.arn],
      ...(read.ok ? { text: read.text } : {}),
    });
  }
  return [...out.values()];
}

/** The policy-level findings (the shape of each policy, lib/explain/lint.ts), once per policy. */
function lintPolicies(policies: RunPolicy[], lint?: PolicyLint): FileError[] {
  const out: FileError[] = [];
  for (const p of policies) {
    const found = lint
      ? lint(p.policy.policy, { roleArns: p.roleArns })
      : policyFindings(p.policy.policy);
    if (found.length === 0) continue;
    // A finding is never a file error here: the policy compiled, so the scenarios ran.
    const { errors, warnings } = findingsToFileErrors(found, p.file, p.text ?? '');
    out.push(...warnings, ...errors);
  }
  return out;
}

/** The Sid of the statement each policy finding sits in, for `ignore: {sid}`. */
function withSids(warnings: FileError[], policies: RunPolicy[]): FileError[] {
  const byFile = new Map<string, RunPolicy[]>();
  for (const p of policies) {
    const list = byFile.get(p.file);
    if (list) list.push(p);
    else byFile.set(p.file, [p]);
  }
  return warnings.map((w) => {
    if (w.sid !== undefined) return w;
    for (const p of byFile.get(w.file) ?? []) {
      const st = p.policy.policy.statements.find((s) => within(s.span, w));
      if (st?.sid !== undefined) return { ...w, sid: st.sid.value };
    }
    return w;
  });
}

/** Run results and blocked scenarios in file order, then line order. */
function inFileOrder(files: string[], results: ScenarioResult[]): ScenarioResult[] {
  const rank = new Map(files.map((f, i) => [f, i]));
  return results
    .map((r, i) => ({ r, i }))
    .sort(
      (a, b) =>
        (rank.get(a.r.file) ?? 0) - (rank.get(b.r.file) ?? 0) || a.r.line - b.r.line || a.i - b.i,
    )
    .map((x) => x.r);
}

function noScenarioFiles(paths: string[]): FileError {
  const searched = paths.length === 0 ? ['.'] : paths;
  return {
    file: searched[0] as string,
    line: 0,
    column: 0,
    code: 'no-scenario-files',
    severity: 'error',
    message: `no scenario files (*.trustspec.yaml or *.trustspec.yml) in ${searched.map((p) => `"${p}"`).join(', ')}`,
    hint: 'name scenario files *.trustspec.yaml, or give the files or folders that hold them',
  };
}

function nothingToRun(files: string[]): FileError {
  return {
    file: files[0] as string,
    line: 0,
    column: 0,
    code: 'no-scenarios-to-run',
    severity: 'error',
    message:
      files.length === 1
        ? 'the scenario file holds no scenario: nothing was tested'
        : `the ${files.length} scenario files hold no scenario: nothing was tested`,
    hint: 'write the calls to test under scenarios:',
  };
}

/** A run being assembled: the files discovered, then each file's load result, then the report. */
class Run {
  readonly cwd: string;
  readonly policyCache: PolicyCache;
  readonly discovery: ReturnType<typeof discoverFiles>;
  private readonly errors: FileError[];
  private readonly warnings: FileError[];
  private readonly scenarios: Scenario[] = [];
  private readonly blocked: BlockedScenario[] = [];
  private readonly rules: ScopedRule[];
  /** The files' properties, and the results they were given (by `decideProperties`). */
  readonly properties: Property[] = [];
  private propertyResults: ScenarioResult[] | undefined;

  constructor(
    private readonly paths: string[],
    private readonly opts: LoadAndRunOptions,
  ) {
    this.cwd = opts.cwd ?? process.cwd();
    this.policyCache = opts.policyCache ?? new Map();
    this.discovery = discoverFiles(paths, this.cwd);
    this.errors = [...this.discovery.errors];
    if (this.discovery.files.length === 0 && this.errors.length === 0)
      this.errors.push(noScenarioFiles(paths));
    this.warnings = [...this.discovery.warnings];
    this.rules = (opts.ignore ?? []).map((rule) => ({ rule }));
  }

  /** What every file is loaded with. */
  get loadOptions(): LoadOptions {
    return { ...this.opts, cwd: this.cwd, policyCache: this.policyCache };
  }

  add(file: string, loaded: LoadResult): void {
    this.errors.push(...loaded.errors);
    this.warnings.push(...loaded.warnings);
    this.scenarios.push(...loaded.scenarios);
    this.blocked.push(...loaded.blocked);
    this.properties.push(...(loaded.properties ?? []));
    const scope = new Set([
      displayPath(file, this.cwd),
      ...loaded.scenarios.map((s) => displayPath(s.role.policyFile, this.cwd)),
    ]);
    for (const rule of loaded.ignore) this.rules.push({ rule, files: scope });
  }

  /** Decides the properties (loading the symbolic engine only when there are some). */
  async decideProperties(): Promise<void> {
    if (this.properties.length === 0) return;
    const { propertyResults } = await import('./property-run.js');
    const byFile = new Map<string, Scenario[]>();
    for (const s of this.scenarios) {
      const list = byFile.get(s.file);
      if (list) list.push(s);
      else byFile.set(s.file, [s]);
    }
    const seeds = new Map<string, Seeds>();
    for (const [file, list] of byFile) {
      seeds.set(file, {
        claims: list.map((s) => s.claims),
        sessionNames: list.flatMap((s) =>
          s.request.roleSessionName !== undefined ? [s.request.roleSessionName] : [],
        ),
        contexts: list.map((s) => s.context ?? {}),
      });
    }
    this.propertyResults = propertyResults(this.properties, {
      ...this.runOptions(),
      seeds,
      anyOnly: this.scenarios.some((s) => s.only),
    });
  }

  private runOptions(): RunOptions {
    const { opts } = this;
    return {
      ...(opts.filter !== undefined ? { filter: opts.filter } : {}),
      ...(opts.diagnose ? { diagnose: opts.diagnose } : {}),
      ...(opts.trace ? { trace: opts.trace } : {}),
    };
  }

  /** Properties not decided (the synchronous run): each blocked, saying where they are decided. */
  private undecided(): ScenarioResult[] {
    return blockedResults(
      this.properties.map((p) => ({
        file: p.file,
        line: p.line,
        column: p.column,
        name: p.name,
        error: {
          file: p.file,
          line: p.line,
          column: p.column,
          code: 'property-not-decided',
          severity: 'error',
          message: `property "${p.name}" is decided by the asynchronous runner, and this run was synchronous`,
          hint: 'use loadAndRunAsync (trustspec test does)',
        },
      })),
      this.opts.filter,
    );
  }

  finish(): RunReport {
    const { opts, cwd, discovery, scenarios, blocked, errors } = this;
    if (
      discovery.files.length > 0 &&
      scenarios.length + blocked.length + this.properties.length === 0 &&
      errors.length === 0
    ) {
      // A run that tests nothing must not pass.
      errors.push(nothingToRun(discovery.files.map((f) => displayPath(f, cwd))));
    }
    const run = runScenarios(scenarios, this.runOptions());
    const shown = discovery.files.map((f) => displayPath(f, cwd));
    const results = inFileOrder(shown, [
      ...run,
      ...blockedResults(blocked, opts.filter),
      ...(this.propertyResults ?? this.undecided()),
    ]);
    const files =
      opts.filter === undefined ? shown : shown.filter((f) => results.some((r) => r.file === f));
    const policies = runPolicies(this.policyCache, scenarios, cwd);
    const all = withSids(
      dedupe([...this.warnings, ...lintPolicies(policies, opts.policyLint)]),
      policies,
    ).sort(
      (a, b) =>
        (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column,
    );
    const split = applyIgnores(all, this.rules);
    return {
      files,
      results,
      errors: dedupe(errors),
      warnings: dedupe([...split.warnings, ...split.unused]),
      suppressed: split.suppressed,
    };
  }
}

/**
 * Discovers the scenario files named by `paths` (none: everything under `cwd`), loads them all
 * with one shared policy cache (a policy file used by many is parsed once), and runs them.
 * A bad file adds its errors and never stops the others; a scenario it stops is reported as
 * blocked. Each policy's findings are reported once; `ignore:` rules move them to `suppressed`.
 * Finding no scenario file at all, or no scenario in the files found, is an error.
 * Role sources (`cloudformation:`, …) are not read here: a file naming one gets an error that
 * says so. `loadAndRunAsync` reads them.
 */
export function loadAndRun(paths: string[], opts: LoadAndRunOptions = {}): RunReport {
  const run = new Run(paths, opts);
  for (const file of run.discovery.files) run.add(file, loadScenarioFile(file, run.loadOptions));
  return run.finish();
}

/**
 * As `loadAndRun`, reading the role sources the files name (templates, plans, cloud assemblies,
 * the live account): each distinct source once per run, the files loaded concurrently.
 */
export async function loadAndRunAsync(
  paths: string[],
  opts: LoadAndRunOptions = {},
): Promise<RunReport> {
  const run = new Run(paths, opts);
  const sources = opts.sources ?? new RoleSources({ cwd: run.cwd });
  const files = run.discovery.files;
  const loaded = await Promise.all(
    files.map((file) => loadScenarioFileAsync(file, { ...run.loadOptions, sources })),
  );
  files.forEach((file, i) => run.add(file, loaded[i] as LoadResult));
  await run.decideProperties();
  const report = run.finish();
  if (
    opts.loadDiagnose &&
    !opts.diagnose &&
    report.results.some((r) => wantsDiagnoses(r, opts.trace))
  )
    addDiagnoses(report.results, await opts.loadDiagnose(), opts.trace);
  return report;
}
