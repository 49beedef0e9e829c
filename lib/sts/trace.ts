/**
 * The recorder one simulation writes to. With `trace` on it keeps every check; off (`decide`), a
 * passing check costs one call and allocates nothing: its data is built only when it failed.
 */
import type { ContextEntry } from '../conditions/context.js';
import type { Finding } from '../diagnostics.js';
import type {
  ActionDecision,
  Check,
  CheckId,
  Decision,
  ProviderFacts,
  Stage,
  StatementTrace,
  StsErrorCode,
} from './types.js';

const ORDER_NOTE =
  '§1.8 (UNCONFIRMED 10): the order of STS checks is ours; AWS does not document it';

/**
 * Empty lists shared by the decisions that have nothing to put in them (frozen: never written to):
 * the actions of a request refused before the trust policy, the context and statement traces of
 * `decide`, the checks of a decision `decide` allows, and a decision that rests on no UNCONFIRMED
 * rule.
 */
function none<T>(): T[] {
  return Object.freeze([]) as unknown as T[];
}
const NO_ACTIONS = none<ActionDecision>();
const NO_CONTEXT = none<ContextEntry>();
const NO_STATEMENTS = none<StatementTrace>();
const NO_NOTES = none<string>();
const NO_CHECKS = none<Check>();

export class Recorder {
  /** The checks kept, in order (allocated with the first: `decide` keeps none on an allow). */
  private kept: Check[] = NO_CHECKS;
  readonly findings: Finding[] = [];
  /** Allocated on the first note: most requests rest on no UNCONFIRMED rule. */
  private unconfirmed: Set<string> | undefined;
  /** Filled by the context stage with a trace (`decide` lists none). */
  context: ContextEntry[] = NO_CONTEXT;
  /** Filled by the trust-policy stage with a trace. */
  readonly statements: StatementTrace[];
  /** The trust policy's verdict per required action (set by that stage: none before it). */
  actions: ActionDecision[] = NO_ACTIONS;
  provider: ProviderFacts | undefined;
  caller: string | undefined;

  constructor(readonly trace: boolean) {
    this.statements = trace ? [] : NO_STATEMENTS;
  }

  /** Record a check; `make` runs only when a trace is wanted or the check failed. Returns `ok`. */
  add(ok: boolean, make: () => Check): boolean {
    if (!ok || this.trace) this.record(make());
    return ok;
  }

  /**
   * Record a check the caller built: a failed one always, a passed one only under
   * `if (rec.trace)`, so that `decide` builds neither the check nor a closure for it.
   */
  record(check: Check): void {
    if (this.kept === NO_CHECKS) this.kept = [check];
    else this.kept.push(check);
    this.note(check.unconfirmed);
  }

  /** The checks kept so far. */
  get checks(): readonly Check[] {
    return this.kept;
  }

  note(unconfirmed: string | undefined): void {
    if (unconfirmed !== undefined) (this.unconfirmed ??= new Set()).add(unconfirmed);
  }

  deny(stage: Stage, code: StsErrorCode, message: string, failedCheck: CheckId): Decision {
    return this.finish('deny', stage, code, message, failedCheck) as Decision;
  }

  allow(): Decision {
    return this.finish('allow', undefined, undefined, undefined, undefined) as Decision;
  }

  /** One literal with every key, so every Decision has the same shape (fast to build and read). */
  private finish(
    decision: Decision['decision'],
    stage: Stage | undefined,
    code: StsErrorCode | undefined,
    message: string | undefined,
    failedCheck: CheckId | undefined,
  ): unknown {
    const checks = this.kept;
    if (checks.length > 1) {
      let failed = 0;
      for (let i = 0; i < checks.length; i++) if (!(checks[i] as Check).ok) failed++;
      if (failed > 1) this.note(ORDER_NOTE);
    }
    return {
      decision,
      stage,
      code,
      message,
      failedCheck,
      checks,
      provider: this.provider,
      caller: this.caller,
      context: this.context,
      statements: this.statements,
      actions: this.actions,
      unconfirmed: this.unconfirmed ? [...this.unconfirmed] : NO_NOTES,
      findings: this.findings,
    };
  }
}
