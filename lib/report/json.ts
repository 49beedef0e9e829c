/**
 * `--reporter json`: the contract's document (scenario-format.md). Every field the contract names
 * is always present, in the contract's order; added fields follow. Key order is fixed, so the same
 * report always prints the same bytes.
 */
import type { ContextEntry } from '../conditions/context.js';
import type { ClauseTrace, Comparison } from '../conditions/trace.js';
import { unconfirmedLines, userSpec, userText } from '../explain/notes.js';
import type { Finding, Span } from '../diagnostics.js';
import type {
  Diagnosis,
  FileError,
  RunReport,
  ScenarioResult,
  SuppressedFinding,
} from '../scenarios/types.js';
import type {
  ActionDecision,
  ActionTrace,
  Check,
  Decision,
  PrincipalTrace,
  StatementTrace,
} from '../sts/types.js';
import {
  displayPath,
  isBlocked,
  isFailure,
  mismatchText,
  relativeDiagnoses,
  tally,
  userError,
  type ReporterOptions,
} from './common.js';
import { coverageJson } from './coverage.js';
import { actionReason, clauseReason, describeCheck, principalReason } from './words.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export function jsonReport(report: RunReport, opts: ReporterOptions): string {
  return `${JSON.stringify(jsonDocument(report, opts), null, 2)}\n`;
}

/** The document as data (what `jsonReport` prints). */
export function jsonDocument(report: RunReport, opts: ReporterOptions): JsonObject {
  const t = tally(report);
  return {
    version: 1,
    summary: {
      files: t.files,
      scenarios: t.scenarios,
      passed: t.passed,
      failed: t.failed,
      errors: t.errors,
      skipped: t.skipped,
      warnings: t.warnings,
      blocked: t.blocked,
      suppressed: t.suppressed,
      strict: opts.strict === true,
    },
    results: report.results.map((r) => result(r, opts.cwd, opts.verbose === true)),
    errors: report.errors.map((e) => fileError(e, opts.cwd)),
    warnings: report.warnings.map((w) => fileError(w, opts.cwd)),
    suppressed: (report.suppressed ?? []).map((s) => suppressed(s, opts.cwd)),
    // `test --coverage` only.
    ...(report.coverage ? { coverage: coverageJson(report.coverage) } : {}),
  };
}

function status(r: ScenarioResult): string {
  if (isBlocked(r)) return 'error';
  if (r.skipped) return 'skipped';
  return isFailure(r) ? 'failed' : 'passed';
}

/**
 * `explanation` is the trace the human reporter prints: for a scenario that met its expectation
 * that is nothing (null) unless `verbose` — a run of 20,000 passing scenarios would otherwise
 * write hundreds of megabytes of traces nobody asked for.
 */
function result(r: ScenarioResult, cwd: string | undefined, verbose: boolean): JsonObject {
  const d = r.decision;
  const explain = d !== undefined && (verbose || !r.ok);
  const exp = r.expected;
  const blocked = r.blockedBy !== undefined;
  return {
    file: displayPath(r.file, cwd),
    line: r.line,
    name: r.name,
    expected: blocked ? null : exp.decision,
    decision: d?.decision ?? null,
    stage: d?.stage ?? null,
    code: d?.code ?? null,
    ok: r.ok,
    explanation: explain ? explanation(d, relativeDiagnoses(r.diagnoses, cwd)) : null,
    // ── added to the contract ──
    column: r.column,
    skipped: r.skipped,
    expectedStage: exp.decision === 'deny' ? (exp.stage ?? null) : null,
    expectedCode: exp.decision === 'deny' ? (exp.code ?? null) : null,
    because: exp.decision === 'deny' ? (exp.because ?? null) : null,
    skipReason: r.skipped ? (r.skipReason ?? null) : null,
    stsMessage: d?.message ?? null,
    failedCheck: d?.failedCheck ?? null,
    mismatch: r.ok || r.skipped || blocked ? null : mismatchText(r),
    policyFile: displayPath(r.policyFile, cwd),
    status: status(r),
    error: r.blockedBy !== undefined ? fileError(r.blockedBy, cwd) : null,
    // A property's verdict (`properties:`): {kind, result, provider, example}; null for a scenario.
    property: r.property ? (JSON.parse(JSON.stringify(r.property)) as JsonObject) : null,
  };
}

function fileError(raw: FileError, cwd?: string): JsonObject {
  const e = userError(raw);
  return {
    file: displayPath(e.file, cwd),
    line: e.line,
    column: e.column,
    message: e.message,
    code: e.code,
    hint: e.hint ?? null,
    frame: e.frame ?? null,
    severity: e.severity ?? null,
    ...(e.sid !== undefined ? { sid: e.sid } : {}),
  };
}

function suppressed(s: SuppressedFinding, cwd?: string): JsonObject {
  const by = s.ignoredBy;
  return {
    ...fileError(s, cwd),
    ignoredBy: {
      file: displayPath(by.file, cwd),
      line: by.line,
      column: by.column,
      code: by.code,
      reason: by.reason ?? null,
      sid: by.sid ?? null,
    },
  };
}

/** The trace as data: the same things the human reporter prints. */
function explanation(d: Decision, diagnoses: Diagnosis[]): JsonObject {
  const read = new Set<string>();
  for (const s of d.statements) for (const c of s.conditions) read.add(c.key.toLowerCase());
  return {
    checks: d.checks.map(check),
    provider:
      d.provider !== undefined
        ? ordered(d.provider, ['id', 'hostPath', 'arn', 'registered', 'assumed'])
        : null,
    statements: d.statements.map(statement),
    context: d.context.map((e) => contextEntry(e, read)),
    actions: d.actions.map(action),
    diagnoses: diagnoses.map(diagnosis),
    unconfirmed: unconfirmedLines(d.unconfirmed),
    findings: d.findings.map(finding),
  };
}

const check = (c: Check): JsonObject =>
  ordered({ ...c, ...describeCheck(c), unconfirmed: note(c.unconfirmed) }, [
    'stage',
    'id',
    'ok',
    'message',
    'expected',
    'actual',
    'assumed',
    'unconfirmed',
    'data',
  ]);

const span = (s: Span): JsonObject => ({
  start: ordered(s.start, ['line', 'column', 'offset']),
  end: ordered(s.end, ['line', 'column', 'offset']),
});

const principal = (p: PrincipalTrace): JsonObject =>
  ordered(
    { ...p, reason: principalReason(p) },
    ['matched', 'caller', 'written', 'reason', 'span'],
    {
      span,
    },
  );

const actionTrace = (a: ActionTrace): JsonObject =>
  ordered({ ...a, reason: actionReason(a) }, ['action', 'matched', 'reason', 'span'], { span });

const comparison = (c: Comparison): JsonObject => ordered(c, ['request', 'policy', 'matched']);

/** The trace's references into the policy model (`clause`, `op`) are not output: `span` places it. */
const clause = ({ clause: _clause, op: _op, ...c }: ClauseTrace): JsonObject =>
  ordered(
    {
      ...c,
      reason: clauseReason({ clause: _clause, op: _op, ...c }),
      unconfirmed: unconfirmedLines(c.unconfirmed),
    },
    [
      'operator',
      'key',
      'present',
      'requestValues',
      'policyValues',
      'result',
      'rule',
      'reason',
      'comparisons',
      'unconfirmed',
      'span',
    ],
    { span, comparisons: (v: Comparison[]) => v.map(comparison) },
  );

const statement = ({ statement: _statement, ...s }: StatementTrace): JsonObject =>
  ordered(
    s,
    [
      'index',
      'sid',
      'effect',
      'appliesTo',
      'principal',
      'actions',
      'conditionsMet',
      'conditions',
      'span',
    ],
    {
      span,
      principal,
      actions: (v: ActionTrace[]) => v.map(actionTrace),
      conditions: (v: ClauseTrace[]) => v.map(clause),
    },
  );

/** A key's UNCONFIRMED reading is shown only when a condition reads the key. */
const contextEntry = (e: ContextEntry, read: ReadonlySet<string>): JsonObject =>
  ordered(
    {
      ...e,
      unconfirmed: read.has(e.key.toLowerCase()) ? note(e.unconfirmed) : undefined,
    },
    ['key', 'values', 'multiValued', 'type', 'source', 'unconfirmed'],
  );

/** A raw UNCONFIRMED note as its one line for users. */
function note(u: string | undefined): string | undefined {
  return u === undefined ? undefined : unconfirmedLines([u])[0];
}

const action = (a: ActionDecision): JsonObject =>
  ordered(a, ['action', 'allowed', 'allowedBy', 'deniedBy']);

const diagnosis = (g: Diagnosis): JsonObject =>
  ordered(
    { ...g, title: userText(g.title), detail: userText(g.detail), fix: userText(g.fix) },
    ['cause', 'title', 'detail', 'fix', 'at'],
    {
      at: (at: NonNullable<Diagnosis['at']>) => ordered(at, ['file', 'line', 'column']),
    },
  );

const finding = (f: Finding): JsonObject =>
  ordered(
    {
      ...f,
      message: userText(f.message),
      hint: f.hint !== undefined ? userText(f.hint) : undefined,
      spec: userSpec(f.spec),
    },
    ['code', 'severity', 'message', 'hint', 'spec', 'span'],
    { span },
  );

/**
 * A copy of `obj` with the listed keys first, in that order, then any other key sorted (fields
 * the trace gains later still print, deterministically). Undefined values are left out;
 * `convert` shapes nested values.
 */
function ordered<T extends object>(
  obj: T,
  first: string[],
  convert: Record<string, (v: never) => Json> = {},
): JsonObject {
  const src = obj as Record<string, unknown>;
  const keys = [
    ...first,
    ...Object.keys(src)
      .filter((k) => !first.includes(k))
      .sort(),
  ];
  const out: JsonObject = {};
  for (const k of keys) {
    const v = src[k];
    if (v === undefined) continue;
    const conv = convert[k];
    out[k] = conv !== undefined ? (conv as (x: unknown) => Json)(v) : plain(v);
  }
  return out;
}

/** Any value as JSON data, object keys sorted. */
function plain(v: unknown): Json {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : plain(x)));
  if (typeof v === 'object') return ordered(v, []);
  return String(v);
}
