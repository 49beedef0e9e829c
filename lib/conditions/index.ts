/** Public API of the condition engine (§5): operators, context, wildcard matching, evaluation. */
// The operator grammar belongs to the parser: values in lib/policy/operators.ts, types here too.
export type {
  BaseOperatorInfo,
  OperatorFamily,
  OperatorParse,
  OperatorSpec,
  SetOperator,
} from '../policy/operators.js';
export {
  makeContext,
  type ContextEntry,
  type ContextValueType,
  type RequestContext,
} from './context.js';
export type { ClauseRule, ClauseTrace, Comparison } from './trace.js';
export {
  WildcardPattern,
  compilePattern,
  compileWildcard,
  hasWildcard,
  splitPattern,
  wildcardMatch,
  type PatternOptions,
  type PatternPart,
  type Wildcard,
} from './wildcard.js';
export {
  joinParts,
  parseTemplate,
  resolveTemplate,
  staticParts,
  substitute,
  type PolicyTemplate,
  type Resolution,
  type ResolvedPart,
  type TemplateIssue,
  type TemplatePart,
} from './variables.js';
export { cidrContains, parseCidr, parseIp, type CidrBlock, type IpAddress } from './ip.js';
export {
  ARN_FIELDS,
  arnMatches,
  arnMatchesOnlyViaEmptyStar,
  compileArnPattern,
  compileArnPatternText,
  splitArn,
  type ArnPattern,
} from './arn.js';
export { compareDecimal, parseDecimal, type Decimal } from './numeric.js';
export { parseDate, parseInstant } from './date.js';
export { parseBool } from './bool.js';
export { bytesEqual, parseBase64 } from './binary.js';
export {
  MAX_COMPARISONS,
  NOTE_BARE_MULTIVALUED,
  NOTE_BOOL_VARIABLES,
  NOTE_CLAIM_VARIABLE,
  NOTE_EMPTY_STAR,
  NOTE_EMPTY_VALUES,
  NOTE_NON_STRING_VALUES,
  compileClause,
  evaluateClause,
  testClause,
  type ClausePlan,
  type CompiledClause,
  type Family,
  type PolicySlot,
} from './evaluate.js';
