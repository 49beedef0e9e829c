/** trustspec's public library API. */
export type { Finding, Position, Span, Severity } from './diagnostics.js';
export type * from './policy/model.js';
export { parsePolicy } from './policy/parse.js';
export { compilePolicy, type CompiledPolicy } from './sts/compile.js';
export { simulate, decide, ASSUME_ACTION } from './sts/simulate.js';
export type * from './sts/types.js';
export type { ClauseTrace, Comparison, ClauseRule } from './conditions/trace.js';
export type { ContextEntry } from './conditions/context.js';
export type { ProviderEntry, Claims, ProviderId } from './providers/types.js';

// Scenario files, the runner, diagnoses and reporters: what `trustspec test` is made of.
export { loadAndRun, loadScenarioFile, runScenarios, scenarioInput } from './scenarios/index.js';
export type {
  Diagnosis,
  Expectation,
  FileError,
  RunReport,
  Scenario,
  ScenarioResult,
} from './scenarios/types.js';
export { diagnose } from './explain/index.js';
export { REPORTERS, formatDecision, type ReporterName } from './report/index.js';
