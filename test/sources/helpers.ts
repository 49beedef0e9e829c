/** Evaluating template snippets, and finding places in texts, for the source reader tests. */
import { join } from 'node:path';
import { Evaluator, type EvalEnv } from '../../lib/sources/intrinsics.js';
import { get, readTemplate } from '../../lib/sources/template.js';
import type { SourceFinding, SourceResult } from '../../lib/sources/types.js';
import { plain, pruned, type Cause, type PNode } from '../../lib/sources/values.js';
import { REPO } from '../cli/helpers.js';

export const FIXTURES = join(REPO, 'test', 'fixtures', 'sources');

export interface Evaluated {
  node: PNode;
  /** The plain value, when known. */
  value?: unknown;
  causes: Cause[];
  ev: Evaluator;
}

/** Evaluates the top-level key `Test` of a YAML (or JSON) template text. */
export function evaluate(text: string, env: EvalEnv = {}, file = 'test.yaml'): Evaluated {
  const template = readTemplate(text, file);
  if (!template.root) {
    throw new Error(
      `the template does not read: ${template.findings.map((f) => f.message).join('; ')}`,
    );
  }
  const ev = new Evaluator(template, env);
  const node = ev.eval(get(template.root, 'Test') as NonNullable<ReturnType<typeof get>>);
  const causes: Cause[] = [];
  const collect = (p: PNode) => {
    if (p.k === 'unknown') causes.push(...p.causes);
    else if (p.k === 'list') p.items.forEach(collect);
    else if (p.k === 'map') p.entries.forEach((e) => collect(e.value));
  };
  collect(node);
  return { node, causes, ev, ...(causes.length === 0 ? { value: plain(pruned(node)) } : {}) };
}

/** 1-based line and column of the `n`-th (0-based) occurrence of `needle` in `text`. */
export function place(text: string, needle: string, n = 0): { line: number; column: number } {
  let index = -1;
  for (let i = 0; i <= n; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`"${needle}" (occurrence ${n}) is not in the text`);
  }
  const before = text.slice(0, index).split('\n');
  return { line: before.length, column: (before[before.length - 1] as string).length + 1 };
}

/** The place of the first `needle` after the first `anchor`. */
export function placeAfter(
  text: string,
  needle: string,
  anchor: string,
): { line: number; column: number } {
  const from = text.indexOf(anchor);
  const index = text.indexOf(needle, from < 0 ? 0 : from);
  if (index < 0) throw new Error(`"${needle}" is not in the text after "${anchor}"`);
  const before = text.slice(0, index).split('\n');
  return { line: before.length, column: (before[before.length - 1] as string).length + 1 };
}

/** `line:column` of a finding. */
export function at(f: { span?: { start: { line: number; column: number } } }): string {
  return `${f.span?.start.line}:${f.span?.start.column}`;
}

export function codes(r: SourceResult): string[] {
  return r.findings.map((f) => f.code);
}

export function errors(r: SourceResult): SourceFinding[] {
  return r.findings.filter((f) => f.severity === 'error');
}
