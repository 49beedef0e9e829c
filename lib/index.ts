/** trustspec's public library API: the pure core (also `trustspec/core`) and `trustspec test`. */
export * from './core.js';

// Scenario files, the runner, diagnoses and reporters: what `trustspec test` is made of.
export {
  loadAndRun,
  loadAndRunAsync,
  loadScenarioFile,
  loadScenarioFileAsync,
  RoleSources,
  runScenarios,
  scenarioInput,
} from './scenarios/index.js';
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
// Sentences rendered from the typed trace, as every reporter prints them.
export {
  actionReason,
  clauseReason,
  describeCheck,
  principalReason,
  type CheckText,
} from './explain/describe.js';

// Role sources read where the role lives: a Terraform plan or state, the live account (the AWS SDK
// is loaded only when a live source is resolved).
export { resolveTerraform } from './sources/terraform.js';
export { resolveLive, resolveLiveProviders, type ProvidersResult } from './sources/live.js';
export type * from './sources/types.js';
// For all tokens (issue #10): who can assume a role, and which tokens a change lets in or out.
export {
  allowedRegions,
  difference,
  diffMarkdown,
  diffText,
  whoCanAssume,
  whoText,
} from './symbolic/index.js';
export type { AnalysisRole, DiffReport, DiffResult, WhoResult } from './symbolic/index.js';
