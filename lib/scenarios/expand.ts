/**
 * Expanding a scenario entry: `defaults` deep-merged under it, then one copy per matrix row with
 * `${{ matrix.NAME }}` replaced. Works on plain values; problems carry paths into the scenario.
 */
import type { Path } from './nodes.js';
import { PLACEHOLDER_SOURCE } from './schema.js';

export type Row = Record<string, unknown>;

/** Upper bound on the copies one matrix may produce. */
export const MAX_MATRIX_COPIES = 10_000;

export interface ExpandProblem {
  path: Path;
  code: string;
  message: string;
  hint?: string;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** Sets an own property, even one named `__proto__`. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** `over` merged onto `base`: mappings merge key by key; anything else in `over` wins. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(base)) setOwn(out, k, v);
  for (const [k, v] of Object.entries(over)) setOwn(out, k, deepMerge(out[k], v));
  return out;
}

/**
 * `defaults.context` under a scenario's `context`: keys are case-insensitive, so a scenario's key
 * replaces the one of defaults whatever its case (`null` then drops it).
 */
export function mergeContext(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const replaced = new Set(Object.keys(over).map((k) => k.toLowerCase()));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(base)) if (!replaced.has(k.toLowerCase())) setOwn(out, k, v);
  for (const [k, v] of Object.entries(over)) setOwn(out, k, v);
  return out;
}

/** A mapping without its `null` fields (a field written as null is absent). */
export function withoutNulls(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) setOwn(out, k, v);
  return out;
}

/** The rows of a (schema-valid) matrix: the cartesian product of a mapping, or the list as is. */
export function matrixRows(matrix: unknown): { rows: Row[]; problem?: ExpandProblem } {
  if (Array.isArray(matrix)) return { rows: matrix.filter(isPlainObject) };
  if (!isPlainObject(matrix)) return { rows: [] };
  const entries = Object.entries(matrix).filter((e): e is [string, unknown[]] =>
    Array.isArray(e[1]),
  );
  const total = entries.reduce((n, [, values]) => n * values.length, 1);
  if (total > MAX_MATRIX_COPIES) {
    return {
      rows: [],
      problem: {
        path: ['matrix'],
        code: 'matrix-too-large',
        message: `the matrix makes ${total} copies, more than the ${MAX_MATRIX_COPIES} allowed`,
        hint: 'split the scenario, or list the rows you mean as a list of mappings',
      },
    };
  }
  let rows: Row[] = [{}];
  for (const [name, values] of entries) {
    const next: Row[] = [];
    for (const row of rows) {
      for (const v of values) {
        const r: Row = { ...row };
        setOwn(r, name, v);
        next.push(r);
      }
    }
    rows = next;
  }
  return { rows };
}

const ANY_EXPRESSION = /\$\{\{(.*?)\}\}/g;

function placeholderRe(): RegExp {
  return new RegExp(PLACEHOLDER_SOURCE, 'g');
}

export function hasPlaceholder(text: string): boolean {
  return text.includes('${{');
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Replaces the placeholders in one string. A string that is exactly one placeholder takes the
 * value itself (a number stays a number); otherwise values are written into the text.
 */
export function substituteString(
  text: string,
  row: Row | undefined,
  path: Path,
  problems: ExpandProblem[],
): unknown {
  if (!hasPlaceholder(text)) return text;
  for (const m of text.matchAll(ANY_EXPRESSION)) {
    if (!new RegExp(`^${PLACEHOLDER_SOURCE}$`).test(m[0])) {
      problems.push({
        path,
        code: 'bad-placeholder',
        message: `"${m[0]}" is not a matrix placeholder`,
        hint: "write ${{ matrix.NAME }}, with NAME a key of the scenario's matrix",
      });
      return text;
    }
  }
  const names = [...text.matchAll(placeholderRe())].map((m) => m[1] as string);
  if (!row) {
    problems.push({
      path,
      code: 'placeholder-without-matrix',
      message: `"\${{ matrix.${names[0] ?? ''} }}" is used, but the scenario has no matrix`,
      hint: 'add a matrix: to the scenario, or write the value itself',
    });
    return text;
  }
  for (const n of names) {
    if (!Object.prototype.hasOwnProperty.call(row, n)) {
      problems.push({
        path,
        code: 'unknown-matrix-value',
        message: `"\${{ matrix.${n} }}": the matrix has no value "${n}"${
          Object.keys(row).length ? ` (it has ${Object.keys(row).join(', ')})` : ''
        }`,
        hint: 'every ${{ matrix.NAME }} needs NAME in the matrix (in every row of a list matrix)',
      });
      return text;
    }
  }
  const whole = new RegExp(`^${PLACEHOLDER_SOURCE}$`).exec(text);
  if (whole) return row[whole[1] as string];
  return text.replace(placeholderRe(), (_m, n: string) => show(row[n]));
}

/** Every string of `value` (keys untouched) with placeholders replaced. */
export function substitute(
  value: unknown,
  row: Row | undefined,
  path: Path,
  problems: ExpandProblem[],
): unknown {
  if (typeof value === 'string') return substituteString(value, row, path, problems);
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, row, [...path, i], problems));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      setOwn(out, k, substitute(v, row, [...path, k], problems));
    return out;
  }
  return value;
}

/** A copy's name: the name with its placeholders replaced, or `name [a=1, b=x]`. */
export function copyName(name: string, row: Row, substituted: unknown): string {
  if (placeholderRe().test(name) && typeof substituted === 'string') return substituted;
  const values = Object.entries(row).map(([k, v]) => `${k}=${show(v)}`);
  return `${name} [${values.join(', ')}]`;
}

/** Paths of strings that hold a placeholder (to refuse them where none is replaced). */
export function placeholderPaths(value: unknown, path: Path = []): Path[] {
  if (typeof value === 'string') return hasPlaceholder(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => placeholderPaths(v, [...path, i]));
  if (isPlainObject(value))
    return Object.entries(value).flatMap(([k, v]) => placeholderPaths(v, [...path, k]));
  return [];
}
