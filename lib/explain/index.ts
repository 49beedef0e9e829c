/** Diagnoses: the causes of a denial in the user's terms, with fixes, and policy-shape traps. */
export { diagnose, DENIAL_DETECTORS, type Detector } from './diagnose.js';
export {
  TRAP_PREFIX,
  type DiagnoseOptions,
  type DiagnosisSeverity,
  type ExplainedDiagnosis,
} from './types.js';
export { parseServiceAccountSub } from './eks.js';
export { parseSubPattern, parseTokenSub } from './github.js';
export { policyFindings } from './lint.js';
export {
  UNCONFIRMED_RULES,
  UNCONFIRMED_SEE,
  unconfirmedLine,
  unconfirmedLines,
  unconfirmedRule,
  userDecision,
  userDiagnosis,
  userFinding,
  userSpec,
  userText,
  type UnconfirmedRule,
} from './notes.js';
