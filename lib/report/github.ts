/**
 * GitHub Actions workflow commands: an `::error` annotation at each failing scenario, each
 * scenario a file error blocked and each file error; `::warning` for each warning (each policy's
 * findings once; `::error` with `strict`); a closing `::notice` with the counts.
 */
import type { FileError, RunReport, ScenarioResult } from '../scenarios/types.js';
import {
  blockedText,
  displayPath,
  isFailure,
  mismatchText,
  relativeDiagnoses,
  summaryLine,
  tally,
  userError,
  type ReporterOptions,
} from './common.js';

/**
 * A command's message: `%`, CR and LF escaped as the runner expects. Other control characters
 * (ESC above all: the log would obey it) are shown as `\uXXXX` instead.
 */
export function escapeData(s: string): string {
  return visibleControls(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** C0 controls other than tab, LF and CR, DEL and C1 controls as `\uXXXX`. */
export function visibleControls(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    const control =
      (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f);
    out += control ? `\\u${c.toString(16).padStart(4, '0')}` : ch;
  }
  return out;
}

/** A command's property value: as a message, and also `:` and `,`. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

interface Place {
  file?: string;
  line?: number;
  col?: number;
  title: string;
}

function command(kind: 'error' | 'warning' | 'notice', at: Place, message: string): string {
  const props: string[] = [];
  if (at.file !== undefined) props.push(`file=${escapeProperty(at.file)}`);
  // Line 0 means no place in the file (e.g. a path that does not exist).
  if (at.line !== undefined && at.line > 0) {
    props.push(`line=${at.line}`);
    if (at.col !== undefined) props.push(`col=${at.col}`);
  }
  props.push(`title=${escapeProperty(at.title)}`);
  return `::${kind} ${props.join(',')}::${escapeData(message)}`;
}

export function githubReport(report: RunReport, opts: ReporterOptions): string {
  const out: string[] = [];
  for (const r of report.results) {
    if (isFailure(r))
      out.push(command('error', scenarioPlace(r, opts.cwd), failureMessage(r, opts.cwd)));
    else if (r.blockedBy !== undefined)
      out.push(command('error', scenarioPlace(r, opts.cwd), blockedText(r, opts.cwd)));
  }
  for (const e of report.errors) out.push(fileProblem('error', e, opts.cwd));
  // Each policy's findings once (the report holds them once, however many scenarios use it).
  for (const w of report.warnings) {
    const kind = w.severity === 'error' || opts.strict === true ? 'error' : 'warning';
    out.push(fileProblem(kind, w, opts.cwd));
  }
  out.push(command('notice', { title: 'trustspec' }, summaryLine(tally(report))));
  return `${out.join('\n')}\n`;
}

function scenarioPlace(r: ScenarioResult, cwd?: string): Place {
  return {
    file: displayPath(r.file, cwd),
    line: r.line,
    col: r.column,
    title: `trustspec: ${r.name}`,
  };
}

/** The mismatch, what STS answered, and the main diagnosis with its fix. */
function failureMessage(r: ScenarioResult, cwd?: string): string {
  const lines = [mismatchText(r)];
  const d = r.decision;
  if (d?.decision === 'deny') {
    const head = [d.code, d.message].filter((x) => x !== undefined && x !== '').join(': ');
    if (head !== '') lines.push(`STS: ${head}`);
  }
  const main = relativeDiagnoses(r.diagnoses, cwd)[0];
  if (main !== undefined) {
    lines.push(main.title);
    if (main.fix !== '') lines.push(`fix: ${main.fix}`);
    if (main.at !== undefined) {
      const file = main.at.file ?? displayPath(r.policyFile, cwd);
      lines.push(`at ${file}:${main.at.line}:${main.at.column}`);
    }
  }
  return lines.join('\n');
}

function fileProblem(kind: 'error' | 'warning', raw: FileError, cwd?: string): string {
  const e = userError(raw);
  const place: Place = {
    file: displayPath(e.file, cwd),
    line: e.line,
    col: e.column,
    title: `trustspec: ${e.code || kind}`,
  };
  const message =
    e.hint !== undefined && e.hint !== '' ? `${e.message}\nhint: ${e.hint}` : e.message;
  return command(kind, place, message);
}
