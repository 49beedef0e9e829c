/**
 * `--reporter json`: the contract's document (scenario-format.md). Every field the contract names
 * is always present, in the contract's order; added fields follow. Key order is fixed, so the same
 * report always prints the same bytes.
 */
import type { ContextEntry } from '../conditions/context.js';
import type { ClauseTrace, Comparison } from '../conditions/trace.js';
import { actionReason, clauseReason, describeCheck, principalReason } from '../explain/describe.js';
import type { Finding, Span } from '../diagnostics.js';
import type { Diagnosis, FileError, RunReport, ScenarioResult } from '../scenarios/types.js';
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
  mismatchText,
  relativeDiagnoses,
  tally,
  type ReporterOptions,
} from './common.js';

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
    },
    results: report.results.map((r) => result(r, opts.cwd, opts.verbose === true)),
    errors: report.errors.map((e) => fileError(e, opts.cwd)),
    warnings: report.warnings.map((w) => fileError(w, opts.cwd)),
  };
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
  return {
    file: displayPath(r.file, cwd),
    line: r.line,
    name: r.name,
    expected: exp.decision,
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
    mismatch: r.ok || r.skipped ? null : mismatchText(r),
    policyFile: displayPath(r.policyFile, cwd),
  };
}

function fileError(e: FileError, cwd?: string): JsonObject {
  return {
    file: displayPath(e.file, cwd),
    line: e.line,
    column: e.column,
    message: e.message,
    code: e.code,
    hint: e.hint ?? null,
    frame: e.frame ?? null,
    severity: e.severity ?? null,
  };
}

/** The trace as data: the same things the human reporter prints. */
function explanation(d: Decision, diagnoses: Diagnosis[]): JsonObject {
  return {
    checks: d.checks.map(check),
    provider:
      d.provider !== undefined
        ? ordered(d.provider, ['id', 'hostPath', 'arn', 'registered', 'assumed'])
        : null,
    statements: d.statements.map(statement),
    context: d.context.map(contextEntry),
    actions: d.actions.map(action),
    diagnoses: diagnoses.map(diagnosis),
    unconfirmed: [...d.unconfirmed],
    findings: d.findings.map(finding),
  };
}

const check = (c: Check): JsonObject =>
  ordered({ ...c, ...describeCheck(c) }, [
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
    { ...c, reason: clauseReason({ clause: _clause, op: _op, ...c }) },
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

const contextEntry = (e: ContextEntry): JsonObject =>
  ordered(e, ['key', 'values', 'multiValued', 'type', 'source', 'unconfirmed']);

const action = (a: ActionDecision): JsonObject =>
  ordered(a, ['action', 'allowed', 'allowedBy', 'deniedBy']);

const diagnosis = (g: Diagnosis): JsonObject =>
  ordered(g, ['cause', 'title', 'detail', 'fix', 'at'], {
    at: (at: NonNullable<Diagnosis['at']>) => ordered(at, ['file', 'line', 'column']),
  });

const finding = (f: Finding): JsonObject =>
  ordered(f, ['code', 'severity', 'message', 'hint', 'spec', 'span'], { span });

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
