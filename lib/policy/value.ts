/**
 * An already-parsed value (a policy document loaded from CloudFormation, Terraform, YAML or built
 * in code) → the positioned tree the policy reader takes, read directly: no serialising to JSON
 * text and back. What JSON text cannot hold is refused with a finding: functions, symbols,
 * `undefined` in a list, numbers that are not finite, dates and other non-plain objects, cycles.
 * A member whose value is `undefined` is left out, as `JSON.stringify` leaves it out.
 */
import { NO_SPAN, type Finding, type Span } from '../diagnostics.js';
import type { AstMember, AstNode } from './ast.js';
import { MAX_JSON_DEPTH } from './json.js';

/** The keys and list indexes from the root to a node. */
export type ValuePath = readonly (string | number)[];

export interface ValueSpanOptions {
  /** Where the spans of nodes without a known place point (default: line 1, column 1). */
  at?: Span;
  /**
   * The place of the node at `path` (`part` 'key': its key, when the node is an object member),
   * when the caller knows it, e.g. from a source map of the file the value was loaded from. The
   * path array is reused: copy it to keep it.
   */
  spanOf?: (path: ValuePath, part: 'key' | 'value') => Span | undefined;
}

export interface ValueAstResult {
  ast: AstNode | undefined;
  findings: Finding[];
}

class Stop {}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'number') return String(value);
  if (value instanceof Date) return 'a Date';
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? `a ${name} object` : 'an object';
}

class Reader {
  readonly findings: Finding[] = [];
  private readonly at: Span;
  private readonly spanOf: ValueSpanOptions['spanOf'];
  private readonly path: (string | number)[] = [];
  private readonly open = new Set<object>();

  constructor(opts: ValueSpanOptions) {
    this.at = opts.at ?? NO_SPAN;
    this.spanOf = opts.spanOf;
  }

  private span(part: 'key' | 'value'): Span {
    return (this.spanOf && this.spanOf(this.path, part)) || this.at;
  }

  private refuse(message: string, span: Span, hint: string): void {
    this.findings.push({ code: 'non-json-value', severity: 'error', message, span, hint });
  }

  private where(): string {
    let s = '';
    for (const p of this.path) s += typeof p === 'number' ? `[${p}]` : `.${p}`;
    return s === '' ? 'the document' : s.slice(s.startsWith('.') ? 1 : 0);
  }

  read(value: unknown, depth: number): AstNode {
    const span = this.span('value');
    switch (typeof value) {
      case 'string':
        return { kind: 'string', value, span };
      case 'boolean':
        return { kind: 'boolean', value, span };
      case 'number':
        if (!Number.isFinite(value)) {
          this.refuse(
            `${this.where()} is ${value}, which JSON cannot hold`,
            span,
            'write a finite number, or a string',
          );
        }
        return { kind: 'number', value, raw: String(value), span };
      case 'bigint':
        return { kind: 'number', value: Number(value), raw: value.toString(), span };
      case 'object':
        if (value === null) return { kind: 'null', span };
        return this.container(value, depth, span);
      default:
        this.refuse(
          `${this.where()} is ${describe(value)}, not JSON data`,
          span,
          'a trust policy holds only strings, numbers, booleans, null, lists and objects',
        );
        return { kind: 'null', span };
    }
  }

  private container(value: object, depth: number, span: Span): AstNode {
    if (depth >= MAX_JSON_DEPTH) {
      this.findings.push({
        code: 'json-too-deep',
        severity: 'error',
        message: `nesting deeper than ${MAX_JSON_DEPTH} levels`,
        span,
        hint: 'a trust policy nests only a few levels deep',
      });
      throw new Stop();
    }
    if (this.open.has(value)) {
      this.refuse(
        `${this.where()} contains itself (a cycle)`,
        span,
        'JSON data is a tree: give the value a copy, not a reference to an enclosing one',
      );
      return { kind: 'null', span };
    }
    if (Array.isArray(value)) {
      this.open.add(value);
      const items: AstNode[] = [];
      for (let i = 0; i < value.length; i++) {
        this.path.push(i);
        const item: unknown = value[i];
        if (item === undefined) {
          this.refuse(
            `${this.where()} is undefined`,
            this.span('value'),
            'a list holds values only: remove the empty place',
          );
          items.push({ kind: 'null', span: this.span('value') });
        } else items.push(this.read(item, depth + 1));
        this.path.pop();
      }
      this.open.delete(value);
      return { kind: 'array', items, span };
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const hint =
        value instanceof Date
          ? 'write the date as a string; a YAML loader turns an unquoted 2012-10-17 into a date, so quote it: "2012-10-17"'
          : 'convert it to plain data (objects, lists, strings, numbers, booleans) first';
      this.refuse(`${this.where()} is ${describe(value)}, not plain JSON data`, span, hint);
      return { kind: 'null', span };
    }
    this.open.add(value);
    const members: AstMember[] = [];
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const v = record[key];
      if (v === undefined) continue; // as JSON.stringify does
      this.path.push(key);
      const keySpan = this.span('key');
      const node = this.read(v, depth + 1);
      members.push({
        key,
        keySpan,
        value: node,
        span: keySpan === node.span ? keySpan : { start: keySpan.start, end: node.span.end },
      });
      this.path.pop();
    }
    this.open.delete(value);
    return { kind: 'object', members, span };
  }
}

/** Reads a plain value into the tree. Never throws (a throwing getter becomes a finding). */
export function valueToAst(value: unknown, opts: ValueSpanOptions = {}): ValueAstResult {
  const reader = new Reader(opts);
  try {
    return { ast: reader.read(value, 0), findings: reader.findings };
  } catch (e) {
    if (!(e instanceof Stop)) {
      reader.findings.push({
        code: 'non-json-value',
        severity: 'error',
        message: `cannot read the value: ${e instanceof Error ? e.message : String(e)}`,
        span: opts.at ?? NO_SPAN,
        hint: 'pass plain data (objects, lists, strings, numbers, booleans)',
      });
    }
    return { ast: undefined, findings: reader.findings };
  }
}
