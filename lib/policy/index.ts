/** Public API of the trust-policy parser: text or a YAML node → TrustPolicy + findings (data). */
export type {
  ConditionClause,
  Effect,
  Located,
  ParseResult,
  PolicyVersion,
  PrincipalSpec,
  Statement,
  TrustPolicy,
} from './model.js';
export type {
  AstArray,
  AstBoolean,
  AstKind,
  AstMember,
  AstNode,
  AstNull,
  AstNumber,
  AstObject,
  AstString,
} from './ast.js';
export { astToValue, describeKind, getMember, LineIndex } from './ast.js';
export { MAX_JSON_DEPTH, parseJson, type JsonParseOptions, type JsonParseResult } from './json.js';
export {
  aliasTargets,
  firstTooDeep,
  MAX_YAML_DEPTH,
  MAX_YAML_NODES,
  parseYaml,
  yamlDocumentToAst,
  yamlErrorFinding,
  yamlNodeToAst,
  yamlPosition,
  type YamlAstResult,
  type YamlConvertOptions,
  type YamlParseResult,
} from './yaml.js';
export {
  detectFormat,
  parsePolicy,
  policyFromAst,
  policyFromYamlNode,
  type ParsePolicyOptions,
  type PolicyFormat,
} from './parse.js';
export {
  BUILT_IN_FEDERATED,
  BUILT_IN_PROVIDERS,
  COGNITO_CN,
  PARTITIONS,
  isPartition,
  parseFederatedPrincipal,
  type BuiltInDomain,
  type BuiltInProviderId,
  type FederatedParse,
  type FederatedPrincipal,
  type Issue,
  type Partition,
} from './principal.js';
export {
  TRUST_POLICY_DEFAULT_QUOTA,
  TRUST_POLICY_MAX_QUOTA,
  invalidCharacterFindings,
  isAllowedPolicyChar,
  nonWhitespaceLength,
  serializedSize,
} from './limits.js';
export { valueToAst, type ValueAstResult, type ValuePath, type ValueSpanOptions } from './value.js';
export {
  BASE_OPERATORS,
  nearestOperator,
  parseOperator,
  type BaseOperatorInfo,
  type OperatorFamily,
  type OperatorParse,
  type OperatorSpec,
  type SetOperator,
} from './operators.js';
