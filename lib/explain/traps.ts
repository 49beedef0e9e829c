/**
 * Policy-shape traps (§5.5, §8.1 items 6, 7, 9), read from the trace whatever the decision: reported
 * as warnings with `trap:` cause ids, unless the same clause is already named as a cause.
 */
import { hasActiveWildcard } from '../conditions/compile.js';
import { explainAbsentKey } from '../providers/index.js';
import { diag, quote, quoteList, writtenValues, type Facts } from './facts.js';
import {
  clauseFacts,
  describeClause,
  keyWithoutArn,
  unexposedAdvice,
  tokenKey,
  unexposedClaim,
  type ClauseFacts,
  spellOperator,
} from './clause.js';
import { TRAP_PREFIX, type ExplainedDiagnosis } from './types.js';

/** Keys that carry several values (test them with ForAnyValue:/ForAllValues:). */
const MULTIVALUED_KEYS = new Set([
  'aws:tagkeys',
  'sts:transitivetagkeys',
  'aws:principalservicenameslist',
  'aws:calledvia',
  'aws:principalorgpaths',
]);

/** True when the key is known to be single-valued (unknown keys are not flagged). */
export function singleValued(cf: ClauseFacts): boolean {
  const lower = cf.c.key.toLowerCase();
  if (MULTIVALUED_KEYS.has(lower)) return false;
  const entry = cf.f.decision.context.find((e) => e.key.toLowerCase() === lower);
  const suffix = cf.suffix.toLowerCase();
  if (suffix === 'sub' || suffix === 'aud') return true;
  if (entry) return !entry.multiValued;
  if (tokenKey(cf) && cf.f.module && cf.f.hostPath !== undefined) {
    // A claim key is single-valued unless the provider says otherwise; an unknown one (a typo) is absent.
    const k = cf.f.module.claimKeys(cf.f.hostPath).find((x) => x.name.toLowerCase() === suffix);
    return k === undefined || !k.multiValued;
  }
  return false;
}

function trap(
  cause: string,
  title: string,
  detail: string,
  fix: string,
  cf: ClauseFacts,
): ExplainedDiagnosis {
  return diag(TRAP_PREFIX + cause, title, detail, fix, cf.where, 'warning');
}

function forAllValuesSingleValued(cf: ClauseFacts): ExplainedDiagnosis[] {
  if (cf.op.setOperator !== 'ForAllValues' || !singleValued(cf)) return [];
  const bare = spellOperator(cf.op, { setOperator: null });
  return [
    trap(
      'for-all-values-single-valued',
      'ForAllValues on a single-valued key restricts nothing when the key is absent',
      `${describeClause(cf)}: "${cf.c.key}" has one value; ForAllValues is true when the key is absent or empty, so a typo in the key or a token without the claim passes this condition${cf.c.present ? '' : ' — as it does now: the key is absent'}`,
      `use "${bare}" (no set operator) for a single-valued key`,
      cf,
    ),
  ];
}

function likeWithoutWildcard(cf: ClauseFacts): ExplainedDiagnosis[] {
  // With a set operator (e.g. Cognito's `ForAnyValue:StringLike` on amr) it is AWS's documented form.
  if (cf.op.base.family !== 'String' || !cf.op.base.like || cf.op.setOperator !== undefined)
    return [];
  const values = writtenValues(cf.c);
  const version = cf.f.input.role.policy.policy.version;
  if (values.length === 0 || values.some((v) => hasActiveWildcard(v, version))) return [];
  const equals = spellOperator(cf.op, {
    base: cf.op.base.negated ? 'StringNotEquals' : 'StringEquals',
  });
  return [
    trap(
      'like-without-wildcard',
      `${cf.op.base.name} without a wildcard compares exactly`,
      `${describeClause(cf)}: no value has "*" or "?", so it behaves as ${equals}; if a prefix match was meant (e.g. ${quote(`${values[0] ?? ''}*`)}), it does not happen`,
      `write "${equals}" if exact values are meant, or add the wildcard where a pattern is meant`,
      cf,
    ),
  ];
}

function wildcardUnderStringEquals(cf: ClauseFacts): ExplainedDiagnosis[] {
  if (cf.op.base.family !== 'String' || cf.op.base.like) return [];
  const version = cf.f.input.role.policy.policy.version;
  const starred = writtenValues(cf.c).filter((v) => hasActiveWildcard(v, version, true));
  if (starred.length === 0) return [];
  const like = spellOperator(cf.op, {
    base: cf.op.base.negated ? 'StringNotLike' : 'StringLike',
  });
  return [
    trap(
      'wildcard-under-string-equals',
      `A "*" under ${cf.op.base.name} is a literal asterisk`,
      `${describeClause(cf)}: ${quoteList(starred)} ${starred.length > 1 ? 'contain' : 'contains'} "*", which ${cf.op.base.name} compares literally: only a value with an actual "*" matches`,
      `use "${like}" if a pattern is meant`,
      cf,
    ),
  ];
}

function unexposedClaimTrap(cf: ClauseFacts): ExplainedDiagnosis[] {
  if (!unexposedClaim(cf)) return [];
  const why = explainAbsentKey(cf.c.key, {
    ...(cf.f.hostPath !== undefined ? { hostPath: cf.f.hostPath } : {}),
    claims: cf.f.claims,
  });
  const negated =
    cf.op.base.negated === true || cf.op.ifExists === true || cf.op.setOperator === 'ForAllValues';
  return [
    trap(
      'condition-on-unexposed-claim',
      'The condition tests a claim AWS never exposes as a key',
      `${describeClause(cf)} never sees a value, so it is always ${negated ? 'true — it restricts nothing' : 'false'}: ${why ?? `"${cf.c.key}" is not a key AWS sets`}`,
      unexposedAdvice(cf),
      cf,
    ),
  ];
}

function providerArnKeyTrap(cf: ClauseFacts): ExplainedDiagnosis[] {
  const bare = keyWithoutArn(cf.c.key);
  if (bare === undefined) return [];
  return [
    trap(
      'key-written-with-provider-arn',
      'The condition key is written with the provider ARN',
      `${describeClause(cf)}: a key written with the provider ARN is never in the request, so this condition is always ${cf.c.result ? 'true — it restricts nothing' : 'false'}`,
      `write the key as "${bare}"`,
      cf,
    ),
  ];
}

const TRAP_DETECTORS = [
  providerArnKeyTrap,
  forAllValuesSingleValued,
  wildcardUnderStringEquals,
  likeWithoutWildcard,
  unexposedClaimTrap,
];

/** Every trap in the evaluated statements; `reported` holds `cause@line:column` of the causes. */
export function findTraps(f: Facts, reported: ReadonlySet<string>): ExplainedDiagnosis[] {
  const out: ExplainedDiagnosis[] = [];
  for (const st of f.decision.statements) {
    st.conditions.forEach((_c, ci) => {
      const cf = clauseFacts(f, st, ci);
      if (!cf) return;
      for (const detect of TRAP_DETECTORS) {
        for (const d of detect(cf)) {
          if (!reported.has(placeKey(d.cause.slice(TRAP_PREFIX.length), d))) out.push(d);
        }
      }
    });
  }
  return out;
}

export function placeKey(cause: string, d: ExplainedDiagnosis): string {
  return `${cause}@${d.at ? `${d.at.line}:${d.at.column}` : '-'}`;
}
