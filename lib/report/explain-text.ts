/**
 * The explanation users read: a Decision, stage by stage in the order STS applies its checks,
 * with the values each check compared. Reads the trace; never re-evaluates.
 */
import type { ContextEntry } from '../conditions/context.js';
import type { ClauseRule, ClauseTrace } from '../conditions/trace.js';
import type { Finding, Span } from '../diagnostics.js';
import type { Diagnosis, ScenarioResult } from '../scenarios/types.js';
import type { Check, Decision, Stage, StatementTrace } from '../sts/types.js';
import { displayPath, oneLine, paint, relativeDiagnoses, type Paint } from './common.js';
import { unconfirmedLine, unconfirmedLines, userSpec, userText } from '../explain/notes.js';
import { actionReason, clauseReason, describeCheck, principalReason } from './words.js';

/** The keys the policy's conditions read: only their UNCONFIRMED notes bear on the result. */
function readKeys(d: Decision): Set<string> {
  const keys = new Set<string>();
  for (const s of d.statements) for (const c of s.conditions) keys.add(c.key.toLowerCase());
  return keys;
}

export interface ExplainOptions {
  color: boolean;
  /** The trust-policy file as shown to the user; statements are placed as `file:line`. */
  policyFile?: string;
  diagnoses?: Diagnosis[];
  /** Everything: passing statements' details, expected/actual of passing checks, the context. */
  verbose?: boolean;
}

const STAGE_TITLE: Record<Stage, string> = {
  request: 'request',
  token: 'token',
  'trust-policy': 'trust policy',
};

/** How a clause was decided when it was not a plain comparison, as a short mark. */
const RULE_NOTE: Record<ClauseRule, string> = {
  compare: '',
  'missing-key': '(key absent)',
  'if-exists-missing': '(IfExists, key absent)',
  'null-check': '(Null check)',
  'for-all-values-vacuous': '(ForAllValues: vacuously true)',
  'for-any-value-empty': '(ForAnyValue: no values, false)',
  'bare-operator-multivalued': '(plain operator on a multivalued key: false)',
  'unresolved-variable': '(unresolved policy variable)',
  'invalid-request-value': "(request value not of the operator's type)",
};

const quote = (s: string): string => JSON.stringify(s);
const valueList = (values: string[]): string => `[${values.map(quote).join(', ')}]`;

/** Render one Decision as plain lines (ANSI colors only when `opts.color`). */
export function formatDecision(decision: Decision, opts: ExplainOptions): string {
  return new Writer(decision, opts).render();
}

class Writer {
  private readonly lines: string[] = [];
  private readonly p: Paint;
  private readonly verbose: boolean;
  private readonly file: string | undefined;

  constructor(
    private readonly d: Decision,
    private readonly opts: ExplainOptions,
  ) {
    this.p = paint(opts.color);
    this.verbose = opts.verbose === true;
    this.file = opts.policyFile !== undefined ? oneLine(opts.policyFile) : undefined;
  }

  render(): string {
    let stage: Stage | undefined;
    let policyShown = false;
    for (const check of this.d.checks) {
      if (check.stage === 'trust-policy' && !policyShown) {
        this.policySection();
        policyShown = true;
        stage = 'trust-policy';
      }
      if (check.stage !== stage) {
        this.lines.push(this.p.bold(STAGE_TITLE[check.stage]));
        stage = check.stage;
      }
      this.check(check);
    }
    if (!policyShown && this.d.statements.length > 0) this.policySection();
    this.decisionLine();
    this.diagnoses();
    this.unconfirmed();
    this.findings();
    return this.lines.map((l) => l.trimEnd()).join('\n');
  }

  private mark(ok: boolean): string {
    return ok ? this.p.ok('✓') : this.p.fail('✗');
  }

  private place(span: Span, column = false): string {
    const at = column ? `${span.start.line}:${span.start.column}` : `${span.start.line}`;
    return this.file !== undefined ? `${this.file}:${at}` : `line ${at}`;
  }

  private check(c: Check): void {
    const notes: string[] = [];
    if (c.assumed === true) notes.push(this.p.warn('(assumed)'));
    notes.push(this.p.dim(`[${oneLine(c.id)}]`));
    const text = describeCheck(c);
    this.lines.push(`  ${this.mark(c.ok)} ${oneLine(text.message)} ${notes.join(' ')}`);
    if (!c.ok || this.verbose) {
      if (text.expected !== undefined) this.lines.push(`      expected: ${oneLine(text.expected)}`);
      if (text.actual !== undefined) this.lines.push(`      actual:   ${oneLine(text.actual)}`);
    }
    if (c.unconfirmed !== undefined && this.verbose) {
      this.lines.push(this.p.dim(`      ${oneLine(unconfirmedLine(c.unconfirmed))}`));
    }
  }

  /** The trust policy: the context (verbose), then each statement. */
  private policySection(): void {
    if (this.verbose) this.context();
    const title = this.file !== undefined ? `trust policy (${this.file})` : 'trust policy';
    this.lines.push(this.p.bold(title));
    const shown = this.detailed();
    let hidden = 0;
    for (const s of this.d.statements) {
      const full = this.verbose || shown.has(s.index);
      this.statement(s, full);
      if (!full) hidden++;
    }
    if (hidden > 0) {
      const what = hidden === 1 ? '1 statement' : `${hidden} statements`;
      this.lines.push(
        this.p.dim(
          `    (details hidden for ${what} not bearing on the decision; verbose shows them)`,
        ),
      );
    }
  }

  /**
   * Statements whose details bear on a trust-policy denial: the explicit Deny statements that
   * refused an action, or else the Allow statements that failed to allow it. On an allow, the
   * statements that allowed it.
   */
  private detailed(): Set<number> {
    const out = new Set<number>();
    if (this.d.decision === 'allow') {
      // What let the token in is what a reader of an allow needs to see.
      for (const a of this.d.actions) for (const i of a.allowedBy) out.add(i);
      return out;
    }
    if (this.d.stage !== 'trust-policy') return out;
    for (const a of this.d.actions) {
      if (a.allowed) continue;
      if (a.deniedBy.length > 0) {
        for (const i of a.deniedBy) out.add(i);
        continue;
      }
      for (const s of this.d.statements) {
        if (s.effect === 'Allow' && !s.appliesTo.includes(a.action)) out.add(s.index);
      }
    }
    return out;
  }

  private statement(s: StatementTrace, full: boolean): void {
    const p = this.p;
    const name = s.sid !== undefined ? quote(s.sid) : `#${s.index + 1}`;
    const applies = s.appliesTo.length > 0;
    let status: string;
    if (applies) {
      const not = s.actions.map((a) => a.action).filter((a) => !s.appliesTo.includes(a));
      status = `applies to ${s.appliesTo.join(', ')}${not.length > 0 ? `; not to ${not.join(', ')}` : ''}`;
    } else {
      const why: string[] = [];
      if (!s.principal.matched) why.push('principal does not match');
      if (s.actions.length > 0 && s.actions.every((a) => !a.matched)) {
        why.push('action does not match');
      }
      if (!s.conditionsMet) why.push('conditions not met');
      status = `does not apply${why.length > 0 ? `: ${why.join(', ')}` : ''}`;
    }
    // An Allow is good news when it applies; a Deny is when it does not.
    const mark = s.effect === 'Allow' ? this.mark(applies) : applies ? p.fail('✗') : p.dim('-');
    const effect = s.effect === 'Deny' ? p.warn(s.effect) : s.effect;
    const head = `  ${mark} ${effect} ${oneLine(name)} ${p.dim(this.place(s.span))} — ${status}`;
    this.lines.push(head);
    if (!full) return;
    const pr = s.principal;
    this.lines.push(`      ${this.mark(pr.matched)} principal: ${oneLine(principalReason(pr))}`);
    if (this.verbose || !pr.matched) {
      this.lines.push(`          written: ${oneLine(valueList(pr.written))}`);
      this.lines.push(`          caller:  ${oneLine(pr.caller)}`);
    }
    for (const a of s.actions) {
      this.lines.push(
        `      ${this.mark(a.matched)} action ${oneLine(a.action)}: ${oneLine(actionReason(a))}`,
      );
    }
    if (s.conditions.length === 0) {
      this.lines.push(p.dim('      (no conditions)'));
    }
    for (const c of s.conditions) this.clause(c);
  }

  /** `✗ OPERATOR KEY: request [values] vs policy [values] → reason (rule) file:line` */
  private clause(c: ClauseTrace): void {
    const request = c.present ? valueList(c.requestValues) : '(absent)';
    const rule = RULE_NOTE[c.rule] ?? `(${c.rule})`;
    const parts = [
      `      ${this.mark(c.result)} ${oneLine(c.operator)} ${oneLine(c.key)}:`,
      `request ${oneLine(request)} vs policy ${oneLine(valueList(c.policyValues))}`,
      `→ ${oneLine(clauseReason(c))}`,
    ];
    if (rule !== '') parts.push(this.p.accent(rule));
    parts.push(this.p.dim(this.place(c.span)));
    this.lines.push(parts.join(' '));
    if (this.verbose) {
      for (const u of unconfirmedLines(c.unconfirmed))
        this.lines.push(this.p.dim(`          ${oneLine(u)}`));
    }
  }

  /** The request context as a table: key, values, source (verbose only). */
  private context(): void {
    const pv = this.d.provider;
    if (pv !== undefined) {
      const how = pv.assumed
        ? 'assumed registered'
        : pv.registered
          ? 'registered'
          : 'not registered';
      const arn = pv.arn !== undefined ? ` ${oneLine(pv.arn)}` : '';
      this.lines.push(this.p.bold('provider'));
      this.lines.push(`  ${oneLine(pv.id)} ${oneLine(pv.hostPath)}${arn} (${how})`);
    }
    if (this.d.context.length === 0) return;
    this.lines.push(this.p.bold('request context'));
    // A key's UNCONFIRMED reading matters only when a condition reads the key.
    const read = readKeys(this.d);
    const rows = this.d.context.map((e) => [
      oneLine(e.key),
      contextValues(e),
      oneLine(e.source) +
        (e.unconfirmed !== undefined && read.has(e.key.toLowerCase()) ? ' (UNCONFIRMED)' : ''),
    ]);
    const header = ['key', 'values', 'source'];
    const width = (i: number): number =>
      Math.min(56, Math.max(...[header, ...rows].map((r) => (r[i] ?? '').length)));
    const w0 = width(0);
    const w1 = width(1);
    const row = (r: string[]): string =>
      `  ${(r[0] ?? '').padEnd(w0)}  ${(r[1] ?? '').padEnd(w1)}  ${r[2] ?? ''}`;
    this.lines.push(this.p.dim(row(header)));
    for (const r of rows) this.lines.push(row(r));
  }

  private decisionLine(): void {
    const d = this.d;
    if (d.decision === 'allow') {
      this.lines.push(`${this.p.bold('decision:')} ${this.p.ok('ALLOW')}`);
      return;
    }
    this.lines.push(
      `${this.p.bold('decision:')} ${this.p.fail('DENY')} — ${d.stage} · ${d.code}: ${oneLine(d.message)}`,
    );
  }

  private diagnoses(): void {
    for (const g of this.opts.diagnoses ?? []) {
      this.lines.push(`${this.p.warn('diagnosis:')} ${oneLine(userText(g.title))}`);
      if (g.detail !== '') this.lines.push(`  ${oneLine(userText(g.detail))}`);
      if (g.fix !== '') this.lines.push(`  ${this.p.ok('fix:')} ${oneLine(userText(g.fix))}`);
      if (g.at !== undefined) {
        const file = g.at.file !== undefined ? oneLine(g.at.file) : this.file;
        const at = `${g.at.line}:${g.at.column}`;
        this.lines.push(this.p.dim(`  at ${file !== undefined ? `${file}:${at}` : `line ${at}`}`));
      }
    }
  }

  private unconfirmed(): void {
    if (this.d.unconfirmed.length === 0) return;
    this.lines.push(this.p.warn('rests on UNCONFIRMED rules:'));
    for (const u of unconfirmedLines(this.d.unconfirmed)) this.lines.push(`  - ${oneLine(u)}`);
  }

  private findings(): void {
    for (const f of this.d.findings) {
      if (f.severity === 'info' && !this.verbose) continue;
      this.finding(f);
    }
  }

  private finding(f: Finding): void {
    const label = f.severity === 'error' ? this.p.fail('error:') : this.p.warn(`${f.severity}:`);
    this.lines.push(
      `${label} ${oneLine(userText(f.message))} ${this.p.dim(`[${oneLine(f.code)}]`)}`,
    );
    if (f.hint !== undefined) this.lines.push(`  hint: ${oneLine(userText(f.hint))}`);
    const spec = userSpec(f.spec);
    if (spec !== undefined) this.lines.push(this.p.dim(`  source: ${oneLine(spec)}`));
    if (f.span !== undefined) this.lines.push(this.p.dim(`  at ${this.place(f.span, true)}`));
  }
}

function contextValues(e: ContextEntry): string {
  if (!e.multiValued && e.values.length === 1) return oneLine(quote(e.values[0] as string));
  return oneLine(valueList(e.values));
}

/** The explanation of one scenario's result, paths relative to cwd; `undefined` when skipped. */
export function explainResult(
  r: ScenarioResult,
  opts: { color: boolean; cwd?: string; verbose?: boolean },
): string | undefined {
  if (r.decision === undefined) return undefined;
  return formatDecision(r.decision, {
    color: opts.color,
    policyFile: displayPath(r.policyFile, opts.cwd),
    diagnoses: relativeDiagnoses(r.diagnoses, opts.cwd),
    verbose: opts.verbose === true,
  });
}
