/**
 * Causes found in the trust-policy stage: an explicit Deny, a statement that does not name the
 * caller, an action the statement does not cover (sts:TagSession, sts:SetSourceIdentity), and the
 * failing conditions of the statements that come closest to allowing the request.
 */
import type { ActionDecision, StatementTrace } from '../sts/types.js';
import { ASSUME_ACTION as ASSUME, TAG_SESSION } from '../sts/vocabulary.js';
import { actionReason, clauseReason, principalReason } from './describe.js';
import { at, diag, quoteList, statementLabel, type Facts } from './facts.js';
import {
  audienceConditionMismatch,
  clauseFacts,
  conditionMismatch,
  conditionOnUnexposedClaim,
  describeClause,
  keyOfOtherProvider,
  keyWrittenWithProviderArn,
  valueCaseMismatch,
  wildcardUnderEquals,
  type ClauseDetector,
} from './clause.js';
import { eksSubject } from './eks.js';
import { githubRefKey, githubSubject } from './github.js';
import { bestPrincipalCauses } from './principal.js';
import type { ExplainedDiagnosis } from './types.js';

const EXTRA_ACTION_CAUSES: Readonly<Record<string, { cause: string; why: string }>> = {
  'sts:TagSession': {
    cause: 'missing-tag-session',
    why: 'the token carries session tags (https://aws.amazon.com/tags)',
  },
  'sts:SetSourceIdentity': {
    cause: 'missing-set-source-identity',
    why: 'the token carries a source identity (https://aws.amazon.com/source_identity)',
  },
};

/** Most specific first; the first detector with an answer names the clause's cause. */
const CLAUSE_DETECTORS: readonly ClauseDetector[] = [
  keyWrittenWithProviderArn,
  keyOfOtherProvider,
  conditionOnUnexposedClaim,
  wildcardUnderEquals,
  valueCaseMismatch,
  audienceConditionMismatch,
  githubSubject,
  githubRefKey,
  eksSubject,
];

/** The causes of one failing clause: the most specific detector's, else the catch-all. */
export function clauseCauses(f: Facts, st: StatementTrace, ci: number): ExplainedDiagnosis[] {
  const cf = clauseFacts(f, st, ci);
  if (!cf || cf.c.result) return [];
  for (const detect of CLAUSE_DETECTORS) {
    const found = detect(cf);
    if (found.length > 0) return found;
  }
  return conditionMismatch(cf);
}

function failingClauses(st: StatementTrace): number[] {
  return st.conditions.flatMap((c, ci) => (c.result ? [] : [ci]));
}

function statementCauses(f: Facts, st: StatementTrace): ExplainedDiagnosis[] {
  return failingClauses(st).flatMap((ci) => clauseCauses(f, st, ci));
}

function actionTrace(st: StatementTrace, action: string) {
  return st.actions.find((a) => a.action === action);
}

function denyClause(f: Facts, st: StatementTrace): string {
  if (st.conditions.length === 0)
    return 'it has no Condition, so it applies to every request from this principal';
  return st.conditions
    .map((c, ci) => {
      const cf = clauseFacts(f, st, ci);
      const shown = cf ? describeClause(cf) : `${c.operator} "${c.key}"`;
      const value = c.present ? `request value ${quoteList(c.requestValues)}` : `the key is absent`;
      return `${shown} is true (${value}; ${clauseReason(c)})`;
    })
    .join('; ');
}

export function explicitDeny(f: Facts): ExplainedDiagnosis[] {
  const denying = new Set(f.decision.actions.flatMap((a) => a.deniedBy));
  return f.decision.statements
    .filter((st) => st.effect === 'Deny' && denying.has(st.index))
    .map((st) => {
      const actions = f.decision.actions
        .filter((a) => a.deniedBy.includes(st.index))
        .map((a) => a.action);
      const absentNegated = st.conditions.some((c) => !c.present && c.rule === 'missing-key');
      return diag(
        'explicit-deny',
        `Deny statement ${statementLabel(st)} applies to this request`,
        `statement ${statementLabel(st)} (Effect Deny) denies ${actions.join(', ')}, and an explicit Deny wins over every Allow: ${denyClause(f, st)}`,
        absentNegated
          ? `a negated operator is true when its key is absent: check the key's spelling, or add "Null": {"KEY": "false"} to the Deny only if an absent key should not deny`
          : `if this caller should be allowed, narrow the Deny's condition so that it no longer matches (today it matches ${quoteList(st.conditions.flatMap((c) => c.requestValues))}); otherwise this denial is intended`,
        at(f, st.conditions[0]?.clause.keySpan ?? st.span),
      );
    });
}

/** The service principal of EKS Pod Identity, which trusts AssumeRole + TagSession, not web identity. */
const POD_IDENTITY = 'pods.eks.amazonaws.com';

/**
 * An EKS Pod Identity role (EKS User Guide, "Create the EKS Pod Identity role": Service
 * pods.eks.amazonaws.com with sts:AssumeRole and sts:TagSession) is never assumed with a token.
 */
function podIdentityRole(f: Facts): ExplainedDiagnosis[] {
  const st = f.input.role.policy.policy.statements.find((s) =>
    s.principal.other.some(
      (o) => o.type === 'Service' && o.values.some((v) => v.value === POD_IDENTITY),
    ),
  );
  if (!st) return [];
  return [
    diag(
      'eks-pod-identity-role',
      'This is an EKS Pod Identity role, not a web-identity (IRSA) role',
      `statement ${statementLabel({ index: st.index, ...(st.sid ? { sid: st.sid.value } : {}) })} trusts the service ${POD_IDENTITY}: EKS Pod Identity assumes the role with sts:AssumeRole and sts:TagSession through the EKS Auth API, never with ${ASSUME} and a token`,
      `for IRSA, trust "Federated": "${f.caller ?? 'arn:aws:iam::ACCOUNT_ID:oidc-provider/oidc.eks.REGION.amazonaws.com/id/ID'}" with ${ASSUME} and conditions on :aud and :sub; for Pod Identity, create a pod identity association (aws eks create-pod-identity-association) instead of annotating the service account`,
      at(f, st.principal.span),
    ),
  ];
}

function noMatchingStatement(f: Facts, allows: StatementTrace[]): ExplainedDiagnosis[] {
  const podIdentity = podIdentityRole(f);
  if (podIdentity.length > 0) return podIdentity;
  const written = [...new Set(allows.flatMap((s) => s.principal.written))];
  return [
    diag(
      'no-matching-statement',
      "No Allow statement names the token's provider",
      `the token's provider is ${f.caller ?? 'unknown'}, but ${allows.length === 0 ? 'the policy has no Allow statement' : `the Allow statements name ${quoteList(written)}`}; a web-identity caller must be named by "Federated"`,
      `add a statement with "Effect": "Allow", "Principal": {"Federated": "${f.caller ?? 'PROVIDER'}"}, "Action": "${ASSUME}" and the conditions that pin the caller (e.g. "${f.hostPath ?? 'HOST'}:sub")`,
      at(f, allows[0]?.principal.span ?? f.input.role.policy.policy.span),
    ),
  ];
}

/** No Allow statement's principal matched: the closest written principals, with their conditions. */
function principalPath(f: Facts, allows: StatementTrace[]): ExplainedDiagnosis[] {
  const model = f.input.role.policy.policy.statements;
  const scored = bestPrincipalCauses(
    f,
    model.filter((s) => allows.some((a) => a.index === s.index)),
  );
  if (scored.length === 0) return noMatchingStatement(f, allows);
  const near = new Set(scored.map((s) => s.d.at?.line));
  const nearStatements = allows.filter((st) =>
    model
      .find((s) => s.index === st.index)
      ?.principal.federated.some((v) => near.has(v.span.start.line)),
  );
  return [...scored.map((s) => s.d), ...nearStatements.flatMap((st) => statementCauses(f, st))];
}

function actionNotCovered(f: Facts, st: StatementTrace, action: string): ExplainedDiagnosis {
  const extra = EXTRA_ACTION_CAUSES[action];
  const trace = actionTrace(st, action);
  if (extra) {
    return diag(
      extra.cause,
      `The trust policy does not allow ${action}`,
      `${extra.why}, so STS also authorises ${action}; statement ${statementLabel(st)} names the caller but ${trace ? actionReason(trace) : `does not cover ${action}`}`,
      `add "${action}" to the Action of statement ${statementLabel(st)} (e.g. "Action": ["${ASSUME}", "${action}"])${action === TAG_SESSION ? ', or stop the IdP from sending session tags' : ''}`,
      at(f, trace?.span ?? st.span),
    );
  }
  return diag(
    'action-not-allowed',
    `Statement ${statementLabel(st)} does not allow ${action}`,
    `statement ${statementLabel(st)} names the caller, but ${trace ? actionReason(trace) : `does not cover ${action}`}`,
    `write "Action": "${action}" in statement ${statementLabel(st)} (web-identity roles are assumed with ${ASSUME}, not sts:AssumeRole)`,
    at(f, trace?.span ?? st.span),
  );
}

/** Why one action was refused without an explicit Deny. */
function refusedAction(f: Facts, a: ActionDecision): ExplainedDiagnosis[] {
  if (a.allowed || a.deniedBy.length > 0) return [];
  const allows = f.decision.statements.filter((st) => st.effect === 'Allow');
  const named = allows.filter((st) => st.principal.matched);
  if (named.length === 0) return a.action === ASSUME ? principalPath(f, allows) : [];
  const covering = named.filter((st) => actionTrace(st, a.action)?.matched);
  if (covering.length === 0) {
    const closest = [...named].sort((x, y) => failingClauses(x).length - failingClauses(y).length);
    return a.action === ASSUME
      ? closest.map((st) => actionNotCovered(f, st, a.action))
      : closest.slice(0, 1).map((st) => actionNotCovered(f, st, a.action));
  }
  const ranked = [...covering].sort((x, y) => failingClauses(x).length - failingClauses(y).length);
  return ranked.flatMap((st) => statementCauses(f, st));
}

export function refusedActions(f: Facts): ExplainedDiagnosis[] {
  if (f.decision.stage !== 'trust-policy') return [];
  return f.decision.actions.flatMap((a) => refusedAction(f, a));
}

/**
 * On an allow: each statement that allowed the call, with the conditions that held and their
 * values — what a scenario expecting a denial needs to see.
 */
export function allowedBy(f: Facts): ExplainedDiagnosis[] {
  const d = f.decision;
  if (d.decision !== 'allow') return [];
  const ids = d.actions.find((a) => a.action === ASSUME)?.allowedBy ?? [];
  return ids.flatMap((i) => {
    const st = d.statements.find((s) => s.index === i);
    if (!st) return [];
    const held = st.conditions.map((c) => `${c.operator} ${c.key}: ${clauseReason(c)}`);
    const detail =
      `statement ${statementLabel(st)} allows the call: ${principalReason(st.principal)}` +
      (held.length > 0
        ? `; its conditions hold — ${held.join('; ')}`
        : '; it has no conditions at all');
    return [
      diag(
        'allowed-by-statement',
        `Allowed by statement ${statementLabel(st)}`,
        detail,
        held.length > 0
          ? 'if this token must be refused, narrow the condition that let it in (pin sub to the exact repository and branch or environment), or add a Deny statement for it'
          : 'add conditions that pin the token: for a shared issuer at least aud and sub',
        at(f, st.span),
        'info',
      ),
    ];
  });
}
