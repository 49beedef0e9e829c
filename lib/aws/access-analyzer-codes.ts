/**
 * Which Access Analyzer policy checks say the same thing as a trustspec finding: the table the
 * merge uses to show a finding both tools report once, under both names.
 *
 * AWS documents its checks by title and anchor (IAM User Guide, "IAM policy validation check
 * reference", access-analyzer-reference-policy-checks.html), not by `issueCode`. Every code seen in
 * a real ValidatePolicy answer is the title in upper snake case (`Mismatched action for principal`
 * → `MISMATCHED_ACTION_FOR_PRINCIPAL`, `ForAllValues with single valued key` →
 * `FORALLVALUES_WITH_SINGLE_VALUED_KEY`), so the rest are derived by that rule and marked so. A
 * finding is matched by its `issueCode` or, failing that, by the code its `learnMoreLink` anchor
 * spells: a derived code that turns out wrong still matches through the documented anchor.
 */

/** `observed`: seen in a real ValidatePolicy answer; `derived`: the check's title, upper-snake-cased. */
export type CodeEvidence = 'observed' | 'derived';

export interface EquivalentCodes {
  /** Access Analyzer's `issueCode`. */
  issueCode: string;
  evidence: CodeEvidence;
  /** trustspec finding codes (and explain trap ids, which lint reports) of the same meaning. */
  trustspec: readonly string[];
}

const JSON_SYNTAX = [
  'json-unexpected-char',
  'json-unexpected-end',
  'json-trailing-comma',
  'json-trailing-content',
  'json-unterminated-string',
  'json-invalid-escape',
  'json-invalid-number',
  'json-control-char',
];

/**
 * Observed codes: `MISMATCHED_ACTION_FOR_PRINCIPAL`, `EMPTY_SID_VALUE` (the AWS CLI's
 * validate-policy example output, aws/aws-cli awscli/examples/accessanalyzer/validate-policy.rst);
 * `FORALLVALUES_WITH_SINGLE_VALUED_KEY`, `INVALID_ACTION`, `MISSING_PRINCIPAL` (a public tool's
 * recorded output); `MISSING_VERSION`, `MISSING_STATEMENT` (AWS's cfn-policy-validator test
 * fixtures); `WILDCARD_WITHOUT_LIKE_OPERATOR` (quoted from a run in a public project's notes).
 */
export const EQUIVALENT_CODES: readonly EquivalentCodes[] = [
  { issueCode: 'JSON_SYNTAX_ERROR', evidence: 'derived', trustspec: JSON_SYNTAX },
  { issueCode: 'MISSING_VERSION', evidence: 'observed', trustspec: ['missing-version'] },
  {
    issueCode: 'MISMATCHED_ACTION_FOR_PRINCIPAL',
    evidence: 'observed',
    trustspec: ['action-not-web-identity'],
  },
  { issueCode: 'INVALID_VERSION', evidence: 'derived', trustspec: ['invalid-version'] },
  { issueCode: 'MISSING_STATEMENT', evidence: 'observed', trustspec: ['missing-statement'] },
  { issueCode: 'MISSING_EFFECT', evidence: 'derived', trustspec: ['missing-effect'] },
  { issueCode: 'INVALID_EFFECT', evidence: 'derived', trustspec: ['invalid-effect'] },
  { issueCode: 'MISSING_PRINCIPAL', evidence: 'observed', trustspec: ['missing-principal'] },
  { issueCode: 'MISSING_ACTION', evidence: 'derived', trustspec: ['missing-action'] },
  { issueCode: 'INVALID_ACTION', evidence: 'observed', trustspec: ['invalid-action'] },
  { issueCode: 'INVALID_POLICY_ELEMENT', evidence: 'derived', trustspec: ['unknown-element'] },
  {
    issueCode: 'INVALID_PRINCIPAL_KEY',
    evidence: 'derived',
    trustspec: ['unknown-principal-type'],
  },
  { issueCode: 'INVALID_PRINCIPAL_FORMAT', evidence: 'derived', trustspec: ['invalid-principal'] },
  {
    issueCode: 'INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY',
    evidence: 'derived',
    trustspec: ['invalid-federated-principal', 'federated-principal-scheme'],
  },
  {
    issueCode: 'ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL',
    evidence: 'derived',
    trustspec: ['principal-wildcard', 'invalid-principal-wildcard', 'principal-partial-wildcard'],
  },
  {
    issueCode: 'ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL',
    evidence: 'derived',
    trustspec: ['not-principal-in-trust-policy'],
  },
  {
    issueCode: 'ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE',
    evidence: 'derived',
    trustspec: ['resource-in-trust-policy'],
  },
  {
    issueCode: 'UNSUPPORTED_ELEMENT_COMBINATION',
    evidence: 'derived',
    trustspec: ['action-and-not-action'],
  },
  {
    issueCode: 'INVALID_CONDITION_OPERATOR',
    evidence: 'derived',
    trustspec: ['unknown-operator', 'unknown-set-operator'],
  },
  { issueCode: 'NULL_WITH_IF_EXISTS', evidence: 'derived', trustspec: ['null-if-exists'] },
  {
    issueCode: 'INVALID_CONDITION_KEY_FORMAT',
    evidence: 'derived',
    trustspec: ['invalid-condition-key'],
  },
  {
    issueCode: 'DUPLICATE_KEYS_WITH_DIFFERENT_CASE',
    evidence: 'derived',
    trustspec: ['duplicate-condition-key'],
  },
  { issueCode: 'UNIQUE_SIDS_REQUIRED', evidence: 'derived', trustspec: ['duplicate-sid'] },
  { issueCode: 'UNIQUE_SIDS_RECOMMENDED', evidence: 'derived', trustspec: ['duplicate-sid'] },
  { issueCode: 'UNSUPPORTED_SID', evidence: 'derived', trustspec: ['sid-not-alphanumeric'] },
  { issueCode: 'EMPTY_ARRAY_ACTION', evidence: 'derived', trustspec: ['empty-list'] },
  { issueCode: 'EMPTY_ARRAY_PRINCIPAL', evidence: 'derived', trustspec: ['empty-list'] },
  { issueCode: 'EMPTY_ARRAY_CONDITION', evidence: 'derived', trustspec: ['empty-list'] },
  {
    issueCode: 'WILDCARD_WITHOUT_LIKE_OPERATOR',
    evidence: 'observed',
    trustspec: ['wildcard-without-like', 'wildcard-under-string-equals'],
  },
  {
    issueCode: 'FORALLVALUES_WITH_SINGLE_VALUED_KEY',
    evidence: 'observed',
    trustspec: ['for-all-values-single-valued'],
  },
  {
    issueCode: 'POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA',
    evidence: 'derived',
    trustspec: ['policy-size-quota'],
  },
  {
    issueCode: 'MISSING_GITHUB_REPO_CONDITION_KEY',
    evidence: 'derived',
    trustspec: ['idp-control-missing'],
  },
];

const ANCHOR_PREFIX = 'access-analyzer-reference-policy-checks-';
/** The finding types as the anchors spell them, longest first (`security-warning` before `warning`). */
const ANCHOR_TYPES = ['security-warning-', 'general-warning-', 'suggestion-', 'error-'];

/**
 * The issue code a `learnMoreLink` names by its anchor, by the title rule:
 * `…#access-analyzer-reference-policy-checks-security-warning-forallvalues-with-single-valued-key`
 * → `FORALLVALUES_WITH_SINGLE_VALUED_KEY`. Undefined for a link without such an anchor.
 */
export function issueCodeOfLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  const hash = link.indexOf('#');
  if (hash < 0) return undefined;
  const anchor = link.slice(hash + 1).toLowerCase();
  if (!anchor.startsWith(ANCHOR_PREFIX)) return undefined;
  const rest = anchor.slice(ANCHOR_PREFIX.length);
  const type = ANCHOR_TYPES.find((t) => rest.startsWith(t));
  if (!type || rest.length === type.length) return undefined;
  return rest.slice(type.length).replace(/-/g, '_').toUpperCase();
}

const BY_CODE = new Map(EQUIVALENT_CODES.map((e) => [e.issueCode, e]));

/** The trustspec codes of the same meaning as an Access Analyzer finding (empty: none). */
export function trustspecCodesFor(issueCode: string, learnMoreLink?: string): readonly string[] {
  const entry = BY_CODE.get(issueCode) ?? BY_CODE.get(issueCodeOfLink(learnMoreLink) ?? '');
  return entry ? entry.trustspec : [];
}
