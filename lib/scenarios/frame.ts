/** A few lines of source around a place, with line numbers and a caret under the column. */

/** Longest line shown whole; longer lines (minified JSON) are cut to a window around the column. */
const MAX_WIDTH = 120;

/**
 * The lines of the last text framed: a file with thousands of errors is split once, not once per
 * error (which made loading such a file quadratic).
 */
let lastSplit: { text: string; lines: string[] } | undefined;

function splitLines(text: string): string[] {
  if (lastSplit?.text !== text) lastSplit = { text, lines: text.split(/\r\n|\r|\n/) };
  return lastSplit.lines;
}

/**
 * Two lines before `line`, the line itself (marked `>`), a caret line, and one line after.
 * `line` and `column` are 1-based; out-of-range values are clamped, so this never throws.
 */
export function codeFrame(text: string, line: number, column: number): string {
  const lines = splitLines(text);
  const at = Math.min(Math.max(1, Math.floor(line) || 1), lines.length);
  const first = Math.max(1, at - 2);
  const last = Math.min(lines.length, at + 1);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const raw = lines[n - 1] ?? '';
    const col = Math.max(1, Math.floor(column) || 1);
    const { shown, caretAt } = windowed(raw, n === at ? col : 1);
    const gutter = `${n === at ? '>' : ' '} ${String(n).padStart(width)} |`;
    out.push(shown === '' ? gutter : `${gutter} ${shown}`);
    if (n === at) {
      // Keep tabs in the caret line so the caret sits under the same character.
      const lead = shown.slice(0, caretAt - 1).replace(/[^\t]/g, ' ');
      out.push(`  ${' '.repeat(width)} | ${lead}^`);
    }
  }
  return out.join('\n');
}

/** The part of a long line around `column`, and where the column falls in it (1-based). */
function windowed(raw: string, column: number): { shown: string; caretAt: number } {
  const clamped = Math.min(column, raw.length + 1);
  if (raw.length <= MAX_WIDTH) return { shown: raw, caretAt: clamped };
  const start = Math.max(0, Math.min(clamped - 1 - MAX_WIDTH / 2, raw.length - MAX_WIDTH));
  const end = Math.min(raw.length, start + MAX_WIDTH);
  const prefix = start > 0 ? '…' : '';
  const suffix = end < raw.length ? '…' : '';
  return {
    shown: `${prefix}${raw.slice(start, end)}${suffix}`,
    caretAt: clamped - start + prefix.length,
  };
}

/** Codes of a text that did not parse as JSON or YAML, or not into a mapping. */
const UNPARSED = new Set([
  'yaml-syntax',
  'yaml-internal-error',
  'yaml-multiple-documents',
  'empty-input',
  'internal-error',
  'policy-not-object',
]);

/** A policy element as a key: `"Statement":`, `Version:`, `'Statement' :`. */
const POLICY_KEY = /(?:^|[\s{,])["']?(?:Statement|Version)["']?\s*:/;

/**
 * Whether the lines of a policy file may be shown in a code frame. Any path can be named as a
 * `trustPolicy` or `--policy` (a key file, a configuration with secrets): its lines are quoted in
 * reports, and so in CI logs, only when the file parsed as JSON or YAML text into a mapping that
 * names `Version` or `Statement`. Otherwise errors keep their file, line and column, without lines.
 */
export function framesAllowed(text: string, codes: readonly string[]): boolean {
  if (codes.some((c) => c.startsWith('json-') || UNPARSED.has(c))) return false;
  return POLICY_KEY.test(text);
}
