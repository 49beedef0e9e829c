/**
 * Stage 4: the trust policy (§4). One evaluator decides whether a statement applies; given a trace
 * to fill it records principal, actions and every condition, and without one it stops at the first
 * part that fails — the same code path, so `decide` and `simulate` cannot disagree.
 */
import type { RequestContext } from '../../conditions/context.js';
import { evaluateClause, testClause } from '../../conditions/evaluate.js';
import { explainAbsentKey, federatedDifference } from '../../providers/index.js';
import { actionMatch, type CompiledStatement } from '../compile.js';
import type { Recorder } from '../trace.js';
import type {
  ActionDecision,
  ActionTrace,
  AuthorizedAction,
  Decision,
  PolicyCheck,
  PrincipalTrace,
  StatementRef,
  StatementTrace,
} from '../types.js';
import { ASSUME_ACTION, SET_SOURCE_IDENTITY, TAG_SESSION } from '../vocabulary.js';
import type { TokenFacts } from './token.js';
import type { SimulationInput } from '../types.js';

const TAG_SESSION_NOTE =
  '§1.5 (UNCONFIRMED 8): STS is taken to answer AccessDenied when sts:TagSession / sts:SetSourceIdentity is not allowed';

function principalTrace(cs: CompiledStatement, caller: string): PrincipalTrace {
  const p = cs.statement.principal;
  const federated = p.federated.map((f) => f.value);
  const via = p.star ? 'star' : cs.federated.has(caller) ? 'federated' : 'none';
  return {
    matched: via !== 'none',
    caller,
    written: [
      ...(p.star ? ['*'] : []),
      ...federated,
      ...p.other.flatMap((o) => o.values.map((v) => `${o.type}: ${v.value}`)),
    ],
    via,
    noFederated: federated.length === 0,
    differences: via === 'none' ? federated.map((f) => federatedDifference(f, caller)) : [],
    span: p.span,
  };
}

function actionTrace(cs: CompiledStatement, action: AuthorizedAction): ActionTrace {
  const hit = actionMatch(cs, action);
  const negated = cs.statement.action.negated;
  return {
    action,
    matched: negated ? hit === undefined : hit !== undefined,
    negated,
    ...(hit !== undefined ? { hit } : {}),
    patterns: cs.actions.map((a) => a.text),
    span: cs.statement.action.span,
  };
}

/** Does the Action/NotAction element cover `action`? */
function covers(cs: CompiledStatement, action: AuthorizedAction): boolean {
  const hit = actionMatch(cs, action) !== undefined;
  return cs.statement.action.negated ? !hit : hit;
}

/**
 * The actions among `required` that the statement applies to: its principal names the caller, all
 * of its conditions hold and its Action/NotAction covers the action. With `trace`, the statement's
 * full trace is filled in (every part evaluated); without, the first failing part ends it.
 */
export function statementApplies(
  cs: CompiledStatement,
  caller: string,
  required: readonly AuthorizedAction[],
  ctx: RequestContext,
  trace: StatementTrace | null,
): AuthorizedAction[] {
  const s = cs.statement;
  const principalOk = s.principal.star || cs.federated.has(caller);
  if (trace) trace.principal = principalTrace(cs, caller);
  else if (!principalOk) return [];
  let met = true;
  for (const c of cs.clauses) {
    if (trace) {
      const t = evaluateClause(c, ctx);
      trace.conditions.push(t);
      if (!t.result) met = false;
    } else if (!testClause(c, ctx)) return [];
  }
  const out: AuthorizedAction[] = [];
  for (const action of required) {
    if (trace) {
      const a = actionTrace(cs, action);
      trace.actions.push(a);
      if (a.matched) out.push(action);
    } else if (covers(cs, action)) out.push(action);
  }
  if (trace) {
    trace.conditionsMet = met;
    trace.appliesTo = principalOk && met ? out : [];
    return trace.appliesTo;
  }
  return out;
}

function emptyTrace(cs: CompiledStatement, caller: string): StatementTrace {
  const s = cs.statement;
  return {
    index: s.index,
    ...(s.sid ? { sid: s.sid.value } : {}),
    effect: s.effect.value,
    span: s.span,
    statement: s,
    principal: {
      matched: false,
      caller,
      written: [],
      via: 'none',
      noFederated: true,
      differences: [],
      span: s.principal.span,
    },
    actions: [],
    conditions: [],
    conditionsMet: false,
    appliesTo: [],
  };
}

/** Warnings for condition keys that are absent because the provider never sets them. */
function absentKeyFindings(rec: Recorder, st: StatementTrace, hostPath: string): void {
  for (const c of st.conditions) {
    if (c.present) continue;
    const why = explainAbsentKey(c.key, { hostPath });
    if (why) {
      rec.findings.push({
        code: 'condition-key-absent',
        severity: 'warning',
        message: why,
        span: c.clause.keySpan,
        spec: '§3.1',
      });
    }
  }
}

const NOT_AUTHORIZED = `Not authorized to perform ${ASSUME_ACTION}`;
const ASSUME_CHECK = `trust-policy.${ASSUME_ACTION}` as const;

/** The statements of these indexes, for a check that is recorded (failed, or traced). */
function refs(statements: readonly CompiledStatement[], ids: number[]): StatementRef[] {
  return ids.map((i) =>
    ref(statements.find((cs) => cs.statement.index === i) as CompiledStatement),
  );
}

function ref(cs: CompiledStatement): StatementRef {
  const sid = cs.statement.sid?.value;
  return sid ? { index: cs.statement.index, sid } : { index: cs.statement.index };
}

/**
 * The trust policy alone, as IAM's authorizer combines it (§4.3): for each required action, the
 * statements that allow it and those that explicitly deny it. With `traces`, every statement's
 * trace is appended to it.
 */
export function authorize(
  statements: readonly CompiledStatement[],
  caller: string,
  required: readonly AuthorizedAction[],
  ctx: RequestContext,
  traces: StatementTrace[] | null,
): ActionDecision[] {
  const applies: AuthorizedAction[][] = [];
  for (const cs of statements) {
    const st = traces ? emptyTrace(cs, caller) : null;
    applies.push(statementApplies(cs, caller, required, ctx, st));
    if (st) traces?.push(st);
  }
  return required.map((action) => {
    const allowedBy: number[] = [];
    const deniedBy: number[] = [];
    for (let i = 0; i < statements.length; i++) {
      if (!applies[i]?.includes(action)) continue;
      const s = (statements[i] as CompiledStatement).statement;
      (s.effect.value === 'Allow' ? allowedBy : deniedBy).push(s.index);
    }
    return { action, allowed: allowedBy.length > 0 && deniedBy.length === 0, allowedBy, deniedBy };
  });
}

/** What a token without session tags or a source identity needs (shared, frozen). */
const ONLY_ASSUME: readonly AuthorizedAction[] = Object.freeze([ASSUME_ACTION]);

/** The actions the call needs allowed: session tags and a source identity add their own (§3.2, §3.3). */
export function requiredActions(
  t: Pick<TokenFacts, 'tags' | 'sourceIdentity'>,
): readonly AuthorizedAction[] {
  const tags = t.tags !== undefined && t.tags.tags.length > 0;
  if (!tags && t.sourceIdentity === undefined) return ONLY_ASSUME;
  const required: AuthorizedAction[] = [ASSUME_ACTION];
  if (tags) required.push(TAG_SESSION);
  if (t.sourceIdentity !== undefined) required.push(SET_SOURCE_IDENTITY);
  return required;
}

/** The check id of each action (built once, not per check). */
const CHECK_IDS: Readonly<Record<AuthorizedAction, PolicyCheck['id']>> = {
  [ASSUME_ACTION]: ASSUME_CHECK,
  [TAG_SESSION]: `trust-policy.${TAG_SESSION}`,
  [SET_SOURCE_IDENTITY]: `trust-policy.${SET_SOURCE_IDENTITY}`,
};

/**
 * The check of one required action (built when it failed or is traced). Optional members are set
 * only when they apply, without spreading object literals: a denial builds this per request.
 */
function actionCheck(
  a: ActionDecision,
  caller: string,
  statements: readonly CompiledStatement[],
): PolicyCheck {
  const data: PolicyCheck['data'] = {
    action: a.action,
    caller,
    allowedBy: refs(statements, a.allowedBy),
    deniedBy: refs(statements, a.deniedBy),
  };
  if (a.action === TAG_SESSION) data.neededFor = 'session-tags';
  else if (a.action === SET_SOURCE_IDENTITY) data.neededFor = 'source-identity';
  const check: PolicyCheck = {
    id: CHECK_IDS[a.action],
    stage: 'trust-policy',
    ok: a.allowed,
    data,
  };
  if (a.action !== ASSUME_ACTION && !a.allowed) check.unconfirmed = TAG_SESSION_NOTE;
  return check;
}

/** Stage 4: authorize, record a check per required action, and deny on the first refused one. */
export function policyStage(
  input: SimulationInput,
  rec: Recorder,
  t: TokenFacts,
  ctx: RequestContext,
): Decision | undefined {
  const statements = input.role.policy.statements;
  const actions = authorize(
    statements,
    t.caller,
    requiredActions(t),
    ctx,
    rec.trace ? rec.statements : null,
  );
  // (Statement traces exist only with a trace: `decide` skips the loops over them.)
  if (rec.trace) for (const st of rec.statements) absentKeyFindings(rec, st, t.hostPath);
  rec.actions = actions;
  for (const a of actions)
    if (!a.allowed || rec.trace) rec.record(actionCheck(a, t.caller, statements));
  let refused: ActionDecision | undefined;
  for (const a of actions) if (!a.allowed && refused === undefined) refused = a;
  // The conditions' UNCONFIRMED rules count when their statement could decide: on a denial, every
  // statement; on an allow, the statements that applied.
  if (rec.trace)
    for (const st of rec.statements) {
      if (refused || st.appliesTo.length > 0)
        for (const c of st.conditions) for (const u of c.unconfirmed) rec.note(u);
    }
  if (!refused) return undefined;
  return rec.deny('trust-policy', 'AccessDenied', NOT_AUTHORIZED, CHECK_IDS[refused.action]);
}
