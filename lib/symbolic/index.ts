/**
 * Reasoning about all tokens (issue #10, design note shared/notes/symbolic-analysis.md): the
 * allowed set of a role as a finite partition of every claim's values, built on the core (the
 * parser's model, the compiler's clauses, the simulator's evaluator as the semantics). Answers
 * are exact or `unknown`, never a guess; every example token is replayed through `simulate()`.
 *
 * The entry points:
 * - `allowedRegions(role)` — per provider, the allowed set as disjoint boxes of regions;
 * - `whoCanAssume(role)` — the same, described in the policy's terms, with examples;
 * - `difference(oldRole, newRole)` — newly allowed and newly denied regions, with tokens.
 * Properties (`only`/`never`/`always`) and coverage are the same machinery: a property's
 * patterns join the partition as one more role's statements (`analyseProvider` takes any number
 * of roles), and an inclusion is an empty `Boxes.difference`.
 */
import { analyseProvider, type ProviderAnalysis } from './engine.js';
import { providerIdentities, type AnalysisRole } from './providers.js';
import type { SpaceOptions } from './space.js';

export { analyseProvider, contains, type ProviderAnalysis, type SideSets } from './engine.js';
export { Boxes, mergeBoxes, type Box, type BoxList } from './boxes.js';
export { providerIdentities, type AnalysisRole, type ProviderIdentity } from './providers.js';
export { buildSpace, signatureOf, type Space, type SpaceOptions, type Variable } from './space.js';
export {
  partition,
  DEFAULT_BUDGET,
  type Partition,
  type StringRegion,
  type Tokens,
} from './partition.js';
export {
  describeBox,
  describeMask,
  constraintText,
  type Constraint,
  type Term,
} from './describe.js';
export { exampleIn, inputFor, replay, InternalError, type Example } from './witness.js';
export { whoCanAssume, type WhoResult, type WhoProvider, type WhoOptions } from './who.js';
export {
  difference,
  type DiffResult,
  type DiffReport,
  type DiffEntry,
  type DiffOptions,
} from './diff.js';
export { whoText, diffText, diffMarkdown } from './render.js';
export type { Seeds } from './realism.js';

/** Per provider that may present a token, the role's allowed set (and why not, when unknown). */
export function allowedRegions(role: AnalysisRole, options: SpaceOptions): ProviderAnalysis[] {
  return providerIdentities([role]).map((id) => analyseProvider([role], id, options));
}
