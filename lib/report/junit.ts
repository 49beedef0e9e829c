/**
 * JUnit XML as GitLab and Jenkins read it: one `<testsuite>` a scenario file, one `<testcase>` a
 * scenario (names unique in their suite). A scenario a file error blocked is a test case with an
 * `<error>`; a file error that blocked no scenario is a test case of its own. Warnings (each
 * policy's findings once) are `<properties>` and `<system-out>` of the suites whose scenarios use
 * the policy — or, with `strict`, test cases with a `<failure>`.
 */
import type { FileError, ScenarioResult, RunReport } from '../scenarios/types.js';
import {
  blockedText,
  errorKey,
  groupByFile,
  isFailure,
  mismatchText,
  oneLine,
  skipReason,
  unattachedErrors,
  userError,
  type FileGroup,
  type ReporterOptions,
  errorPlace,
  displayPath,
} from './common.js';
import { explainResult } from './explain-text.js';

export function junitReport(report: RunReport, opts: ReporterOptions): string {
  const own = new Set(unattachedErrors(report).map(errorKey));
  const suites = suiteGroups(report, opts).map((g) => suite(g, opts, own));
  const sum = (k: keyof Counts): number => suites.reduce((n, s) => n + s.counts[k], 0);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="trustspec" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" skipped="${sum('skipped')}" time="0">`,
    ...suites.flatMap((s) => s.lines),
    '</testsuites>',
  ];
  return `${out.join('\n')}\n`;
}

/**
 * One group a scenario file. A policy file's warnings go into the first scenario file that uses
 * the policy (once, however many use it), not into a suite of their own with no test case.
 */
function suiteGroups(report: RunReport, opts: ReporterOptions): FileGroup[] {
  const groups = groupByFile(report, opts.cwd);
  const out: FileGroup[] = [];
  for (const g of groups) {
    const warningsOnly = g.results.length === 0 && g.errors.length === 0 && g.warnings.length > 0;
    const users = warningsOnly
      ? groups.filter((u) => u.results.some((r) => displayPath(r.policyFile, opts.cwd) === g.file))
      : [];
    // Once per policy: in the first suite that uses it.
    const first = users[0];
    if (first === undefined) out.push(g);
    else first.warnings.push(...g.warnings);
  }
  return out;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/** `policies/gha-deploy.trustspec.yaml` → `policies.gha-deploy`. */
export function classnameFor(file: string): string {
  const parts = file
    .replace(/(\.trustspec)?\.(ya?ml|json)$/i, '')
    .split(/[\\/]+/)
    .filter((p) => p !== '' && p !== '.' && p !== '..');
  return parts.join('.') || 'trustspec';
}

function suite(
  g: FileGroup,
  opts: ReporterOptions,
  own: ReadonlySet<string>,
): { lines: string[]; counts: Counts } {
  const classname = classnameFor(g.file);
  const names = new Names();
  const counts: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const cases: string[] = [];
  for (const r of g.results) {
    counts.tests++;
    const attrs = caseAttrs(names.take(r.name, r.line), classname, g.file, r.line);
    if (r.blockedBy !== undefined) {
      counts.errors++;
      cases.push(
        `    <testcase ${attrs}>`,
        `      ${errorElement(r.blockedBy, displayPath(r.blockedBy.file, opts.cwd), blockedText(r, opts.cwd))}`,
        '    </testcase>',
      );
    } else if (r.skipped) {
      counts.skipped++;
      cases.push(
        `    <testcase ${attrs}>`,
        `      <skipped message="${attr(oneLine(skipReason(r)))}"/>`,
        '    </testcase>',
      );
    } else if (isFailure(r)) {
      counts.failures++;
      cases.push(`    <testcase ${attrs}>`, `      ${failure(r, opts)}`, '    </testcase>');
    } else {
      cases.push(`    <testcase ${attrs}/>`);
    }
  }
  for (const e of g.errors) {
    if (!own.has(errorKey(e))) continue;
    counts.tests++;
    counts.errors++;
    const name = names.take(`${errorPlace(g.file, e)}: ${oneLine(e.message)}`, e.line);
    cases.push(
      `    <testcase ${caseAttrs(name, classname, g.file, e.line)}>`,
      `      ${errorElement(e, g.file)}`,
      '    </testcase>',
    );
  }
  const warnings = g.warnings.map((w) => {
    const e = userError(w);
    const place = errorPlace(displayPath(e.file, opts.cwd), e);
    return { e, place, text: `${place}: warning: ${e.message} [${e.code}]` };
  });
  if (opts.strict === true) {
    for (const w of warnings) {
      counts.tests++;
      counts.failures++;
      cases.push(
        `    <testcase ${caseAttrs(names.take(`${w.place}: ${oneLine(w.e.message)}`, w.e.line), classname, g.file, w.e.line)}>`,
        `      <failure message="${attr(oneLine(w.e.message))}" type="${attr(w.e.code || 'warning')}">${text_(w.text)}</failure>`,
        '    </testcase>',
      );
    }
  }
  const head =
    `  <testsuite name="${attr(g.file)}" tests="${counts.tests}" failures="${counts.failures}" ` +
    `errors="${counts.errors}" skipped="${counts.skipped}" time="0" file="${attr(g.file)}"`;
  if (cases.length === 0 && warnings.length === 0) return { lines: [`${head}/>`], counts };
  const lines = [`${head}>`];
  if (warnings.length > 0) {
    lines.push(
      '    <properties>',
      ...warnings.map((w) => `      <property name="warning" value="${attr(oneLine(w.text))}"/>`),
      '    </properties>',
    );
  }
  lines.push(...cases);
  if (warnings.length > 0) {
    const text = warnings
      .map((w) => `${w.text}${w.e.hint ? `\nhint: ${w.e.hint}` : ''}`)
      .join('\n');
    lines.push(`    <system-out>${text_(text)}</system-out>`);
  }
  lines.push('  </testsuite>');
  return { lines, counts };
}

function caseAttrs(name: string, classname: string, file: string, line: number): string {
  return `name="${attr(name)}" classname="${attr(classname)}" file="${attr(file)}" line="${line}" time="0"`;
}

function failure(r: ScenarioResult, opts: ReporterOptions): string {
  const message = mismatchText(r);
  const type = r.decision === undefined ? 'no-decision' : (r.decision.code ?? 'allow');
  const body = [message];
  const explanation = explainResult(r, { ...opts, color: false });
  if (explanation !== undefined) body.push('', explanation);
  return `<failure message="${attr(oneLine(message))}" type="${attr(type)}">${text_(body.join('\n'))}</failure>`;
}

function errorElement(raw: FileError, file: string, lead?: string): string {
  const e = userError(raw);
  const body = [lead ?? `${errorPlace(file, e)}: ${e.message}`];
  if (e.hint !== undefined && e.hint !== '') body.push(`hint: ${e.hint}`);
  if (e.frame !== undefined && e.frame !== '') body.push('', e.frame);
  return `<error message="${attr(oneLine(e.message))}" type="${attr(e.code || 'error')}">${text_(body.join('\n'))}</error>`;
}

/** Test-case names made unique in their suite: ` (line N)`, then ` (2)`, ` (3)`… when needed. */
class Names {
  private readonly used = new Set<string>();

  take(wanted: string, line: number): string {
    const base = legal(wanted);
    let name = base;
    if (this.used.has(name)) name = `${base} (line ${line})`;
    for (let i = 2; this.used.has(name); i++) name = `${base} (line ${line}) (${i})`;
    this.used.add(name);
    return name;
  }
}

/**
 * Drop what XML 1.0 cannot carry at all: C0 controls other than tab, LF, CR; lone surrogates;
 * U+FFFE and U+FFFF.
 */
export function legal(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    const ok =
      c === 0x09 ||
      c === 0x0a ||
      c === 0x0d ||
      (c >= 0x20 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd) ||
      c >= 0x10000;
    if (ok) out += ch;
  }
  return out;
}

/** An attribute value: quotes and markup escaped, and tab/LF/CR as references so they survive attribute-value normalisation. */
function attr(s: string): string {
  return legal(s).replace(/[&<>"'\t\n\r]/g, (c) => ATTR_ESCAPES[c] as string);
}

const ATTR_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** Character data: markup escaped; CR as a reference so a parser does not fold it into LF. */
function text_(s: string): string {
  return legal(s).replace(/[&<>\r]/g, (c) => (c === '\r' ? '&#13;' : (ATTR_ESCAPES[c] as string)));
}
