/**
 * `ignore:` — findings the user accepts, from a scenario file (for the file and the trust policies
 * its scenarios use) or from `trustspec.config.yaml` (for the whole run). A suppressed finding is
 * counted and listed as suppressed, never dropped; an entry of a scenario file that suppresses
 * nothing is itself a warning (a typo in a code would otherwise hide nothing and say nothing).
 */
import { isPlainObject } from './expand.js';
import type { Place } from './nodes.js';
import type { FileError, IgnoreRule, SuppressedFinding } from './types.js';

/** `like-without-wildcard` and `policy-like-without-wildcard` name the same finding. */
export function sameCode(a: string, b: string): boolean {
  const norm = (c: string): string =>
    c
      .trim()
      .toLowerCase()
      .replace(/^policy-/, '');
  return norm(a) === norm(b);
}

/**
 * The rules of a validated `ignore:` list: each entry a code, or `{code, reason, sid}`.
 * `placeOf(i)` is where entry `i` is written.
 */
export function ignoreRules(
  value: unknown,
  file: string,
  source: IgnoreRule['source'],
  placeOf: (i: number) => Place,
): IgnoreRule[] {
  if (!Array.isArray(value)) return [];
  const out: IgnoreRule[] = [];
  value.forEach((entry, i) => {
    const at = placeOf(i);
    const base = { file, line: at.line, column: at.column, source };
    if (typeof entry === 'string') out.push({ code: entry, ...base });
    else if (isPlainObject(entry) && typeof entry['code'] === 'string') {
      out.push({
        code: entry['code'],
        ...(typeof entry['reason'] === 'string' ? { reason: entry['reason'] } : {}),
        ...(typeof entry['sid'] === 'string' ? { sid: entry['sid'] } : {}),
        ...base,
      });
    }
  });
  return out;
}

/** A rule and the files (as reports show them) whose findings it may suppress; `undefined`: all. */
export interface ScopedRule {
  rule: IgnoreRule;
  files?: ReadonlySet<string>;
}

function matches(s: ScopedRule, w: FileError): boolean {
  if (!sameCode(s.rule.code, w.code)) return false;
  if (s.files !== undefined && !s.files.has(w.file)) return false;
  return s.rule.sid === undefined || s.rule.sid === w.sid;
}

export interface Suppression {
  warnings: FileError[];
  suppressed: SuppressedFinding[];
  /** Rules of scenario files that matched no warning: reported as `unused-ignore` warnings. */
  unused: FileError[];
}

/**
 * Splits `warnings` into those still shown and those an `ignore:` rule accepts (the first rule
 * that matches, scenario-file rules before the config's). Only warnings are ever suppressed:
 * errors that stop a run cannot be ignored.
 */
export function applyIgnores(warnings: FileError[], rules: readonly ScopedRule[]): Suppression {
  const used = new Set<ScopedRule>();
  const shown: FileError[] = [];
  const suppressed: SuppressedFinding[] = [];
  const ordered = [
    ...rules.filter((r) => r.rule.source === 'scenario-file'),
    ...rules.filter((r) => r.rule.source !== 'scenario-file'),
  ];
  for (const w of warnings) {
    const hits = ordered.filter((r) => matches(r, w));
    for (const h of hits) used.add(h);
    const first = hits[0];
    if (first === undefined) shown.push(w);
    else suppressed.push({ ...w, ignoredBy: first.rule });
  }
  const unused: FileError[] = [];
  for (const r of rules) {
    if (used.has(r) || r.rule.source !== 'scenario-file') continue;
    const where = r.rule.sid !== undefined ? ` in statement "${r.rule.sid}"` : '';
    unused.push({
      file: r.rule.file,
      line: r.rule.line,
      column: r.rule.column,
      code: 'unused-ignore',
      severity: 'warning',
      message: `ignore: no finding with the code "${r.rule.code}"${where} in this file or the trust policies it uses`,
      hint: 'use a code shown in [brackets] after a warning, or remove the entry if the finding is gone',
    });
  }
  return { warnings: shown, suppressed, unused };
}
