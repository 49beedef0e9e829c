/**
 * `trustspec lint [PATHS...]`: trust policies reviewed by themselves. Reads policy files (JSON or
 * YAML) and scenario files (through the scenario loader, so every role source it knows comes with
 * them), from files, folders and globs; each policy once, however many scenario files name it.
 *
 * A policy's findings are the parser's and the compiler's (IAM's write-time refusals among them),
 * explain's shape findings and lint's own checks (lintPolicy). A file that cannot be read or does
 * not parse as JSON/YAML is unusable input (exit 2), never a finding. `ignore:` rules of scenario
 * files and of trustspec.config.yaml move findings to `suppressed`, as in `trustspec test`.
 * With a cross-check, Access Analyzer's findings are merged in (one finding both tools report is
 * shown once, with both names) and a policy it could not check is counted, never passed.
 */
import { extname } from 'node:path';
import type { Finding, Severity, Span } from '../diagnostics.js';
import type { ParseResult, TrustPolicy } from '../policy/model.js';
import { parsePolicy } from '../policy/parse.js';
import { compilePolicy } from '../sts/compile.js';
import type { Locator } from '../aws/access-analyzer-findings.js';
import type { CrossCheckOptions, PolicyCrossCheck, PolicyToCheck } from '../aws/cross-check.js';
import {
  applyIgnores,
  codeFrame,
  discoverFiles,
  displayPath,
  loadPolicyFile,
  loadScenarioFileAsync,
  RoleSources,
  readText,
  SCENARIO_FILE,
  type FileError,
  type IgnoreRule,
  type PolicyCache,
  type ScopedRule,
} from '../scenarios/index.js';
import { framesAllowed } from '../scenarios/frame.js';
import { policyFindings } from '../explain/lint.js';
import { lintChecks } from './checks.js';
import { yamlPolicy } from './locate.js';

/** What folders and globs yield: scenario files and `*.trust.json|yaml|yml` policy files. */
export const LINT_FILE = /(\.trustspec\.ya?ml|\.trust\.json|\.trust\.ya?ml)$/i;

/** One finding as reports show it. */
export interface LintFinding {
  file: string;
  line: number;
  column: number;
  code: string;
  severity: Severity;
  message: string;
  hint?: string;
  frame?: string;
  /** The Sid of the statement it is in (what `ignore: {sid}` matches). */
  sid?: string;
  span?: Span;
  /** `trustspec` or `access-analyzer`: who reported it (both: `names` has both codes). */
  tool: 'trustspec' | 'access-analyzer';
  /** A finding both tools report: trustspec's code, then Access Analyzer's. */
  names?: string[];
  learnMoreLink?: string;
  findingType?: string;
}

export interface SuppressedLintFinding extends LintFinding {
  ignoredBy: IgnoreRule;
}

/** One policy of the run: where it is, its model, what trustspec found and what would be sent. */
export interface PolicyUnit {
  file: string;
  text?: string;
  policy?: TrustPolicy;
  roleArns: string[];
  findings: Finding[];
  /** The JSON text the cross-check sends (with a locator when it is not the file's text), or why not. */
  send: { text: string; locate?: Locator } | { reason: string };
  frames: boolean;
}

export interface CrossCheckSummary {
  /** Policies of the run, and of them those with at least one check unanswered. */
  policies: number;
  unavailable: number;
  /** "cross-check unavailable for K of M policies: <reason>"; absent when all answered. */
  summary?: string;
  calls: number;
  charged: number;
  required: boolean;
  /** Per policy file: `ok`/`unavailable`, CheckNoPublicAccess's PASS/FAIL, the reasons. */
  results: {
    file: string;
    status: 'ok' | 'unavailable';
    publicAccess?: 'PASS' | 'FAIL';
    unavailable: string[];
  }[];
}

export interface LintReport {
  /** Files read: scenario files and policy files, as shown. */
  files: string[];
  policies: number;
  findings: LintFinding[];
  suppressed: SuppressedLintFinding[];
  /** Input that could not be used (exit 2). */
  errors: FileError[];
  crossCheck?: CrossCheckSummary;
}

export interface LintOptions {
  cwd?: string;
  /** trustspec.config.yaml's `ignore:` rules. */
  ignore?: IgnoreRule[];
  /** The clock for scenario files without `now` (they are loaded, not run). */
  defaultNow?: number;
  /** Folders and globs yield scenario files only, as `trustspec test` reads them. */
  scenariosOnly?: boolean;
  /** Cross-check with Access Analyzer (lib/aws/cross-check.ts, loaded only then). */
  crossCheck?: CrossCheckOptions & { require?: boolean };
  /** The run's role sources (templates, plans, live roles), read once; default: a new set. */
  sources?: RoleSources;
  /** The environment of live role sources (credentials, endpoints); default: the process's. */
  env?: NodeJS.ProcessEnv;
}

/** Codes of a text that is not JSON/YAML, or not a mapping: the input is unusable, not a policy. */
const UNUSABLE = new Set([
  'yaml-syntax',
  'yaml-internal-error',
  'yaml-multiple-documents',
  'yaml-too-deep',
  'json-too-deep',
  'empty-input',
  'internal-error',
  'policy-not-object',
  'policy-file-not-found',
  'file-not-found',
]);

const bare = (code: string): string => code.replace(/^policy-/, '');
const unusable = (code: string): boolean =>
  bare(code).startsWith('json-') ||
  UNUSABLE.has(bare(code)) ||
  UNUSABLE.has(code) ||
  /^policy-(file-too-large|not-a-file|not-a-regular-file|unreadable-file|binary-file|invalid-utf8)$/.test(
    code,
  );

const shownCode = (code: string): string =>
  code.startsWith('policy-') || code.startsWith('access-analyzer/') ? code : `policy-${code}`;

/** The shape findings of a policy: explain's and lint's checks, given the roles using it. */
function shapeFindings(policy: TrustPolicy, roleArns: readonly string[]): Finding[] {
  return [...policyFindings(policy), ...lintChecks(policy, { roleArns })];
}

/** A policy file: read, parsed and compiled; undefined (and its errors) when it is not a policy document. */
function policyFileUnit(
  abs: string,
  file: string,
  text: string,
  roleArns: string[],
  errors: FileError[],
): PolicyUnit | undefined {
  const ext = extname(abs).toLowerCase();
  const format = ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : 'auto';
  const parsed: ParseResult = parsePolicy(text, { format });
  const frames = framesAllowed(
    text,
    parsed.findings.map((f) => f.code),
  );
  const unit: PolicyUnit = { file, text, roleArns, findings: [], send: { text }, frames };
  if (parsed.findings.some((f) => f.severity === 'error' && unusable(f.code))) {
    for (const f of parsed.findings) {
      if (f.severity !== 'error') continue;
      errors.push(toLint(f, unit, 'trustspec') as FileError);
    }
    return undefined;
  }
  unit.findings.push(...parsed.findings);
  if (parsed.ok) {
    unit.policy = parsed.policy;
    unit.findings.push(...compilePolicy(parsed.policy).findings);
  }
  if (format === 'yaml' || (format === 'auto' && !text.trimStart().startsWith('{'))) {
    const y = yamlPolicy(text);
    unit.send = y ? { text: y.json, locate: y.locate } : { reason: 'the YAML could not be sent' };
  }
  return unit;
}

function sidAt(policy: TrustPolicy | undefined, span: Span | undefined): string | undefined {
  if (!policy || !span) return undefined;
  const at = span.start.offset;
  const st = policy.statements.find((s) => s.span.start.offset <= at && at <= s.span.end.offset);
  return st?.sid?.value;
}

function toLint(
  f: Finding & { names?: string[]; learnMoreLink?: string; findingType?: string },
  unit: PolicyUnit,
  tool: LintFinding['tool'],
): LintFinding {
  const line = f.span?.start.line ?? 1;
  const column = f.span?.start.column ?? 1;
  const sid = sidAt(unit.policy, f.span);
  return {
    file: unit.file,
    line,
    column,
    code: shownCode(f.code),
    severity: f.severity,
    message: f.message,
    ...(f.hint ? { hint: f.hint } : {}),
    ...(unit.frames && unit.text !== undefined && f.span
      ? { frame: codeFrame(unit.text, line, column) }
      : {}),
    ...(sid !== undefined ? { sid } : {}),
    ...(f.span ? { span: f.span } : {}),
    tool,
    ...(f.names ? { names: f.names.map(shownCode) } : {}),
    ...(f.learnMoreLink ? { learnMoreLink: f.learnMoreLink } : {}),
    ...(f.findingType ? { findingType: f.findingType } : {}),
  };
}

const errorKey = (e: FileError): string => `${e.file}|${e.line}|${e.column}|${e.code}|${e.message}`;

/** A file error of the scenario loader as a lint finding (a warning, or an inline policy's error). */
function fromFileError(e: FileError): LintFinding {
  return { ...e, severity: e.severity ?? 'warning', tool: 'trustspec' };
}

interface Collected {
  files: string[];
  units: PolicyUnit[];
  errors: FileError[];
  findings: LintFinding[];
  rules: ScopedRule[];
  /** The ARNs of the roles using each policy file (by absolute path). */
  roleArns: Map<string, string[]>;
  /** Policies resolved from role sources, by their compiled policy. */
  resolved: Map<object, PolicyUnit>;
  /** File errors already reported (a role source named by several scenario files). */
  seen: Set<string>;
}

/** The inline `role.trustPolicy` of a scenario file, as JSON with a locator into the file. */
function inlineSend(text: string | undefined): PolicyUnit['send'] {
  const y = text !== undefined ? yamlPolicy(text, ['role', 'trustPolicy']) : undefined;
  return y
    ? { text: y.json, locate: y.locate }
    : { reason: "an inline policy other than the file's role.trustPolicy is not sent" };
}

async function loadScenarios(
  abs: string,
  opts: LintOptions & { sources: RoleSources },
  cache: PolicyCache,
  out: Collected,
): Promise<void> {
  const cwd = opts.cwd ?? process.cwd();
  const file = displayPath(abs, cwd);
  const loaded = await loadScenarioFileAsync(abs, {
    cwd,
    policyCache: cache,
    sources: opts.sources,
    ...(opts.defaultNow !== undefined ? { defaultNow: opts.defaultNow } : {}),
  });
  // Policy files report their own findings (once, as units); the scenario file's (and a role
  // source's) are kept here, once however many scenario files name them.
  const policyFiles = new Set([...cache.values()].map((e) => e.file));
  const own = (e: FileError): boolean => !policyFiles.has(e.file) && !out.seen.has(errorKey(e));
  for (const e of loaded.errors) {
    if (!own(e)) continue;
    out.seen.add(errorKey(e));
    if (e.code.startsWith('policy-') && !unusable(e.code))
      out.findings.push({ ...fromFileError(e), severity: 'error' });
    else out.errors.push(e);
  }
  for (const w of loaded.warnings) {
    if (!own(w)) continue;
    out.seen.add(errorKey(w));
    out.findings.push(fromFileError(w));
  }
  const policies = new Set<string>([file]);
  const inline = new Map<object, PolicyUnit>();
  const text = readText(abs);
  for (const s of loaded.scenarios) {
    policies.add(displayPath(s.role.policyFile, cwd));
    if (s.role.policyFile !== abs) continue;
    const known = inline.get(s.role.policy);
    if (known) {
      if (!known.roleArns.includes(s.role.arn)) known.roleArns.push(s.role.arn);
      continue;
    }
    inline.set(s.role.policy, {
      file,
      ...(text.ok ? { text: text.text } : {}),
      policy: s.role.policy.policy,
      roleArns: [s.role.arn],
      findings: [],
      send: inline.size === 0 ? inlineSend(text.ok ? text.text : undefined) : { reason: '' },
      frames: true,
    });
  }
  if (inline.size > 1) {
    for (const u of inline.values())
      u.send = { reason: 'a scenario file with several inline policies is not sent' };
  }
  out.units.push(...inline.values());
  for (const rule of loaded.ignore) out.rules.push({ rule, files: policies });
  // The roles that use each policy file, for the account and partition checks.
  const cached = new Set([...cache.values()].map((e) => e.compiled));
  for (const s of loaded.scenarios) {
    if (s.role.policyFile === abs) continue;
    if (!cached.has(s.role.policy)) {
      // Neither a policy file nor inline: resolved from a role source (a template, a plan, IAM).
      const known = out.resolved.get(s.role.policy);
      if (known) {
        if (!known.roleArns.includes(s.role.arn)) known.roleArns.push(s.role.arn);
      } else {
        const from = readText(s.role.policyFile);
        const tp = opts.sources.trustPolicyOf(s.role.policy);
        out.resolved.set(s.role.policy, {
          file: displayPath(s.role.policyFile, cwd),
          ...(from.ok ? { text: from.text } : {}),
          policy: s.role.policy.policy,
          roleArns: [s.role.arn],
          findings: [],
          // Sent as the source resolved it; Access Analyzer's findings are placed back in the
          // template, plan or IAM answer by the path of each value.
          send: tp
            ? {
                text: JSON.stringify(tp.document, null, 2),
                ...(tp.spanOf ? { locate: tp.spanOf } : {}),
              }
            : { reason: 'a policy resolved from a role source could not be sent' },
          frames: false,
        });
      }
      continue;
    }
    const arns = out.roleArns.get(s.role.policyFile) ?? [];
    if (!arns.includes(s.role.arn)) arns.push(s.role.arn);
    out.roleArns.set(s.role.policyFile, arns);
  }
}

async function collect(paths: string[], opts: LintOptions): Promise<Collected> {
  const cwd = opts.cwd ?? process.cwd();
  // A glob that names files itself (`iam/*.json`) yields them whatever their name, JSON or YAML.
  const discovery = opts.scenariosOnly
    ? discoverFiles(paths, cwd)
    : discoverFiles(paths, cwd, LINT_FILE, /\.(json|ya?ml)$/i);
  const out: Collected = {
    files: [],
    units: [],
    errors: discovery.errors.map((e) =>
      e.code === 'glob-no-match'
        ? {
            ...e,
            message: `no policy or scenario file matches "${e.file}"`,
            hint: 'a glob names *.trust.json, *.trust.yaml or *.trustspec.yaml files, or folders holding them',
          }
        : e,
    ),
    findings: discovery.warnings.map(fromFileError),
    rules: (opts.ignore ?? []).map((rule) => ({ rule })),
    roleArns: new Map(),
    resolved: new Map(),
    seen: new Set(),
  };
  const cache: PolicyCache = new Map();
  const sources = opts.sources ?? new RoleSources({ cwd, ...(opts.env ? { env: opts.env } : {}) });
  const direct: string[] = [];
  for (const abs of discovery.files) {
    if (SCENARIO_FILE.test(abs)) await loadScenarios(abs, { ...opts, sources }, cache, out);
    else direct.push(abs);
  }
  for (const abs of direct) loadPolicyFile(abs, displayPath(abs, cwd), cache);
  for (const entry of cache.values()) {
    if (entry.readError) {
      // A scenario file's policy that cannot be read is its error already, at its trustPolicy.
      if (!direct.includes(entry.path)) continue;
      out.errors.push({
        file: entry.file,
        line: 0,
        column: 0,
        code: `policy-${entry.readError.code}`,
        severity: 'error',
        message: `the policy file "${entry.file}" ${entry.readError.message}`,
        ...(entry.readError.hint ? { hint: entry.readError.hint } : {}),
      });
      continue;
    }
    const unit = policyFileUnit(
      entry.path,
      entry.file,
      entry.text ?? '',
      out.roleArns.get(entry.path) ?? [],
      out.errors,
    );
    if (unit) out.units.push(unit);
  }
  out.units.push(...out.resolved.values());
  for (const u of out.units) {
    if (u.policy) u.findings.push(...shapeFindings(u.policy, u.roleArns));
  }
  out.files = [
    ...new Set([
      ...discovery.files.map((f) => displayPath(f, cwd)),
      ...out.units.map((u) => u.file),
    ]),
  ].sort();
  if (discovery.files.length === 0 && out.errors.length === 0) {
    const searched = paths.length === 0 ? ['.'] : paths;
    out.errors.push({
      file: searched[0] as string,
      line: 0,
      column: 0,
      code: 'nothing-to-lint',
      severity: 'error',
      message: `no trust policy (*.trust.json, *.trust.yaml) or scenario file (*.trustspec.yaml) in ${searched.map((p) => `"${p}"`).join(', ')}`,
      hint: 'name policy files directly (any name), or folders and globs holding *.trust.json or *.trustspec.yaml files',
    });
  }
  return out;
}

/** Runs the cross-check on every unit; the lib/aws modules (and the SDK) are loaded only here. */
async function crossCheckUnits(
  units: PolicyUnit[],
  opts: NonNullable<LintOptions['crossCheck']>,
): Promise<{ results: Map<PolicyUnit, PolicyCrossCheck>; summary: CrossCheckSummary }> {
  const { crossCheck, summarize } = await import('../aws/cross-check.js');
  const sendable = units.filter((u) => 'text' in u.send);
  const toCheck: PolicyToCheck[] = sendable.map((u) => {
    const send = u.send as { text: string; locate?: Locator };
    return { file: u.file, text: send.text, ...(send.locate ? { locate: send.locate } : {}) };
  });
  const report = toCheck.length > 0 ? await crossCheck(toCheck, opts) : undefined;
  const results = new Map<PolicyUnit, PolicyCrossCheck>();
  sendable.forEach((u, i) => {
    const r = report?.policies[i];
    if (r) results.set(u, r);
  });
  for (const u of units) {
    if ('reason' in u.send) {
      results.set(u, {
        file: u.file,
        status: 'unavailable',
        findings: [],
        unavailable: [{ check: 'validate', reason: u.send.reason }],
      });
    }
  }
  const all = units.map((u) => results.get(u) as PolicyCrossCheck);
  const summary = summarize(all);
  return {
    results,
    summary: {
      policies: units.length,
      unavailable: all.filter((r) => r.status === 'unavailable').length,
      ...(summary ? { summary } : {}),
      calls: report?.calls ?? 0,
      charged: report?.charged ?? 0,
      required: opts.require === true,
      results: all.map((r) => ({
        file: r.file,
        status: r.status,
        ...(r.publicAccess ? { publicAccess: r.publicAccess } : {}),
        unavailable: [...new Set(r.unavailable.map((x) => `${x.check}: ${x.reason}`))],
      })),
    },
  };
}

const bySeverity: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function order(a: LintFinding, b: LintFinding): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    bySeverity[a.severity] - bySeverity[b.severity] ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)
  );
}

/** Reads, checks (and cross-checks) every policy the paths name. Never throws on bad input. */
export async function lintPaths(paths: string[], opts: LintOptions = {}): Promise<LintReport> {
  const c = await collect(paths, opts);
  let cross: Awaited<ReturnType<typeof crossCheckUnits>> | undefined;
  if (opts.crossCheck && c.units.length > 0)
    cross = await crossCheckUnits(c.units, opts.crossCheck);
  const findings = [...c.findings];
  const { mergeFindings } = cross
    ? await import('../aws/access-analyzer-findings.js')
    : { mergeFindings: undefined };
  for (const u of c.units) {
    const theirs = cross?.results.get(u)?.findings ?? [];
    if (!mergeFindings || theirs.length === 0) {
      findings.push(...u.findings.map((f) => toLint(f, u, 'trustspec')));
      continue;
    }
    for (const f of mergeFindings(u.findings, theirs)) {
      findings.push(toLint(f, u, 'tool' in f ? 'access-analyzer' : 'trustspec'));
    }
  }
  const split = applyIgnores(findings as unknown as FileError[], c.rules);
  const shown = [
    ...(split.warnings as unknown as LintFinding[]),
    ...split.unused.map(fromFileError),
  ];
  return {
    files: c.files,
    policies: c.units.length,
    findings: shown.sort(order),
    suppressed: (split.suppressed as unknown as SuppressedLintFinding[]).sort(order),
    errors: c.errors,
    ...(cross ? { crossCheck: cross.summary } : {}),
  };
}

/** 0: no error finding (and no warning under `strict`); 1: some; 2: unusable input, or a required cross-check unanswered. */
export function exitCodeOfLint(report: LintReport, strict: boolean): number {
  if (report.errors.length > 0) return 2;
  if (report.crossCheck?.required && report.crossCheck.unavailable > 0) return 2;
  const failing = report.findings.some(
    (f) => f.severity === 'error' || (strict && f.severity === 'warning'),
  );
  return failing ? 1 : 0;
}
