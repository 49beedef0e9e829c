/**
 * A failing scenario in a few lines, as the human reporter prints it by default: what differed
 * from `expect`, the check that decided with the values it compared, the decision, and the main
 * diagnosis with its fix — at most `MAX_ROWS` rows of a 120-column terminal, header included.
 * `--verbose` prints the whole trace instead (explain-text.ts).
 */
import type { ClauseTrace } from '../conditions/trace.js';
import { unconfirmedLines, userText } from '../explain/notes.js';
import type { Diagnosis, ScenarioResult } from '../scenarios/types.js';
import type { Decision, StatementTrace } from '../sts/types.js';
import { displayPath, mismatchText, oneLine, relativeDiagnoses, type Paint } from './common.js';
import { actionReason, describeCheck, principalReason } from './words.js';

/** Terminal width the budget is counted in. */
export const COLUMNS = 120;
/** Rows a failing scenario may take, its header line included. */
export const MAX_ROWS = 12;
/** Values shown of a long list, and characters shown of a long value. */
const MAX_VALUES = 3;
const MAX_VALUE_CHARS = 60;

/** Rows a line takes at `COLUMNS` columns (ANSI colors take none). */
export function rows(line: string): number {
  // eslint-disable-next-line no-control-regex
  const width = [...line.replace(/\u001b\[[0-9;]*m/g, '')].length;
  return Math.max(1, Math.ceil(width / COLUMNS));
}

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** `["a", "b", … (+3)]`, each value cut to a readable length. */
export function shortList(values: readonly string[]): string {
  const shown = values.slice(0, MAX_VALUES).map((v) => JSON.stringify(cut(v, MAX_VALUE_CHARS)));
  const more = values.length > MAX_VALUES ? `, … (+${values.length - MAX_VALUES})` : '';
  return `[${shown.join(', ')}${more}]`;
}

interface Ctx {
  p: Paint;
  policyFile: string;
}

/** One line per clause: `✗ StringEquals KEY: request [..] vs policy [..] file:line`. */
function clauseLine(c: ClauseTrace, ctx: Ctx): string {
  const mark = c.result ? ctx.p.ok('✓') : ctx.p.fail('✗');
  const request = c.present ? shortList(c.requestValues) : '(absent)';
  const place = ctx.p.dim(`${ctx.policyFile}:${c.span.start.line}`);
  return `${mark} ${oneLine(c.operator)} ${oneLine(c.key)}: request ${oneLine(request)} vs policy ${oneLine(shortList(c.policyValues))} ${place}`;
}

function statementName(s: StatementTrace): string {
  return s.sid !== undefined ? JSON.stringify(s.sid) : `#${s.index + 1}`;
}

/** The statements a trust-policy denial turned on, with the clauses that decided. */
function denialLines(d: Decision, ctx: Ctx): string[] {
  const refused = d.actions.find((a) => !a.allowed);
  if (refused === undefined) return [];
  if (refused.deniedBy.length > 0) {
    const s = d.statements.find((x) => x.index === refused.deniedBy[0]);
    if (s === undefined) return [];
    const where = ctx.p.dim(`${ctx.policyFile}:${s.span.start.line}`);
    return [
      `${ctx.p.fail('✗')} Deny ${oneLine(statementName(s))} ${where} applies to ${refused.action}`,
      ...s.conditions.filter((c) => c.result).map((c) => `  ${clauseLine(c, ctx)}`),
    ];
  }
  const allows = d.statements.filter((s) => s.effect === 'Allow');
  const named = allows.filter((s) => s.principal.matched);
  if (named.length === 0) {
    const s = allows[0];
    if (s === undefined) return [`${ctx.p.fail('✗')} no Allow statement in the policy`];
    return [
      `${ctx.p.fail('✗')} principal of ${oneLine(statementName(s))}: ${oneLine(principalReason(s.principal))}`,
    ];
  }
  const failing = (s: StatementTrace): number => s.conditions.filter((c) => !c.result).length;
  const closest = [...named].sort((a, b) => failing(a) - failing(b))[0] as StatementTrace;
  const action = closest.actions.find((a) => a.action === refused.action);
  if (action !== undefined && !action.matched) {
    return [`${ctx.p.fail('✗')} action ${refused.action}: ${oneLine(actionReason(action))}`];
  }
  return closest.conditions.filter((c) => !c.result).map((c) => clauseLine(c, ctx));
}

/** On an allow: the statement that let the token in and the conditions that held. */
function allowLines(d: Decision, ctx: Ctx): string[] {
  const id = d.actions[0]?.allowedBy[0];
  const s = d.statements.find((x) => x.index === id);
  if (s === undefined) return [];
  const where = ctx.p.dim(`${ctx.policyFile}:${s.span.start.line}`);
  const head = `${ctx.p.ok('✓')} Allow ${oneLine(statementName(s))} ${where} lets the token in`;
  if (s.conditions.length === 0) return [`${head}: it has no conditions`];
  return [head, ...s.conditions.map((c) => `  ${clauseLine(c, ctx)}`)];
}

/** The check that decided, with the values it compared. */
export function comparedLines(d: Decision, ctx: Ctx): string[] {
  if (d.decision === 'allow') return allowLines(d, ctx);
  if (d.stage === 'trust-policy') return denialLines(d, ctx);
  const c = d.checks.find((x) => x.id === d.failedCheck) ?? d.checks.find((x) => !x.ok);
  if (c === undefined) return [];
  const text = describeCheck(c);
  const out = [`${ctx.p.fail('✗')} ${oneLine(text.message)} ${ctx.p.dim(`[${oneLine(c.id)}]`)}`];
  if (text.expected !== undefined) out.push(`  expected: ${oneLine(text.expected)}`);
  if (text.actual !== undefined) out.push(`  actual:   ${oneLine(text.actual)}`);
  return out;
}

function decisionLine(d: Decision, p: Paint): string {
  if (d.decision === 'allow') return `${p.bold('decision:')} ${p.ok('ALLOW')}`;
  return `${p.bold('decision:')} ${p.fail('DENY')} — ${d.stage} · ${d.code}: ${oneLine(d.message)}`;
}

/** The diagnosis to show: the first cause (traps are reported once per policy, not here). */
function mainDiagnosis(diagnoses: Diagnosis[]): { main?: Diagnosis; more: number } {
  const causes = diagnoses.filter((g) => !g.cause.startsWith('trap:'));
  const main = causes[0];
  return main !== undefined ? { main, more: causes.length - 1 } : { more: 0 };
}

/** A line cut to `maxRows` rows, with an ellipsis (a line cut loses its colors). */
function fit(line: string, maxRows: number): string {
  if (rows(line) <= maxRows) return line;
  // eslint-disable-next-line no-control-regex
  return cut(line.replace(/\u001b\[[0-9;]*m/g, ''), COLUMNS * maxRows - 1);
}

/**
 * The block under `✗ name file:line`, each line indented by 4, within the row budget: the check
 * lines are cut first (from the end), then every line is held to one row.
 */
export function compactFailure(
  r: ScenarioResult,
  opts: { p: Paint; cwd?: string; header: string },
): string[] {
  const p = opts.p;
  const d = r.decision;
  const pad = (l: string, n = 4): string => ' '.repeat(n) + l;
  const head = [pad(p.fail(oneLine(mismatchText(r))))];
  let compared: string[] = [];
  const tail: string[] = [];
  if (d !== undefined) {
    const ctx = { p, policyFile: oneLine(displayPath(r.policyFile, opts.cwd)) };
    compared = comparedLines(d, ctx).map((l) => pad(l));
    tail.push(pad(decisionLine(d, p)));
    const { main, more } = mainDiagnosis(relativeDiagnoses(r.diagnoses, opts.cwd));
    if (main !== undefined) {
      tail.push(pad(`${p.warn('diagnosis:')} ${oneLine(main.title)}`));
      if (main.fix !== '') tail.push(pad(`${p.ok('fix:')} ${oneLine(main.fix)}`, 6));
      if (main.at !== undefined) {
        const file = main.at.file ?? displayPath(r.policyFile, opts.cwd);
        tail.push(pad(p.dim(`at ${oneLine(file)}:${main.at.line}:${main.at.column}`), 6));
      }
      if (more > 0) tail.push(pad(p.dim(`(${more} more ${more === 1 ? 'cause' : 'causes'})`), 6));
    }
    for (const u of unconfirmedLines(d.unconfirmed)) tail.push(pad(p.dim(oneLine(userText(u)))));
  }
  return withinBudget(rows(opts.header), head, compared, tail);
}

/**
 * Fits the block in the rows left after the header, giving up the least useful first: long lines
 * are held to two rows; then the check lines and the sentences around them to one row; then check
 * lines beyond two; then every line to one row; then check lines beyond the first; last, the tail
 * from its end (how many more causes, where, the fix).
 */
function withinBudget(used: number, head: string[], compared: string[], tail: string[]): string[] {
  const budget = MAX_ROWS - used;
  let h = head.map((l) => fit(l, 2));
  let c = compared.map((l) => fit(l, 2));
  let t = tail.map((l) => fit(l, 2));
  const over = (): boolean => [...h, ...c, ...t].reduce((n, l) => n + rows(l), 0) > budget;
  if (over()) {
    h = h.map((l) => fit(l, 1));
    c = c.map((l) => fit(l, 1));
  }
  if (over()) c = c.slice(0, 2);
  if (over()) t = t.map((l) => fit(l, 1));
  while (over() && c.length > 1) c = c.slice(0, -1);
  while (over() && t.length > 0) t = t.slice(0, -1);
  return [...h, ...c, ...t];
}
