/**
 * A positioned syntax tree for JSON-shaped documents. Both the JSON parser and the YAML converter
 * produce it, so the policy builder reads one shape whatever the input format was.
 */
import type { Position, Span } from '../diagnostics.js';

export interface AstObject {
  kind: 'object';
  /** Members in source order; duplicated keys are kept (the parsers report them). */
  members: AstMember[];
  span: Span;
}

export interface AstMember {
  /** The key, decoded. */
  key: string;
  keySpan: Span;
  value: AstNode;
  /** From the key's start to the value's end. */
  span: Span;
}

export interface AstArray {
  kind: 'array';
  items: AstNode[];
  span: Span;
}

export interface AstString {
  kind: 'string';
  value: string;
  span: Span;
}

export interface AstNumber {
  kind: 'number';
  value: number;
  /** The number as written (JSON), or as a JSON serializer would write it (YAML). */
  raw: string;
  span: Span;
}

export interface AstBoolean {
  kind: 'boolean';
  value: boolean;
  span: Span;
}

export interface AstNull {
  kind: 'null';
  span: Span;
}

export type AstNode = AstObject | AstArray | AstString | AstNumber | AstBoolean | AstNull;
export type AstKind = AstNode['kind'];

/** How a node kind is named in messages: `an object`, `a string`, … */
export function describeKind(kind: AstKind): string {
  switch (kind) {
    case 'object':
      return 'an object';
    case 'array':
      return 'a list';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'null':
      return 'null';
  }
}

/**
 * Maps 0-based UTF-16 offsets to 1-based line/column positions. Lines end at `\n`, `\r\n` or a
 * lone `\r`; columns count UTF-16 units, as the offsets do.
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  /** The line of the previous lookup: parsers ask in (nearly) ascending order. */
  private last = 0;

  position(offset: number): Position {
    const at = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.starts;
    let line = this.last;
    if (!((starts[line] ?? 0) <= at && at < (starts[line + 1] ?? Infinity))) {
      let low = 0;
      let high = starts.length - 1;
      while (low < high) {
        const mid = (low + high + 1) >> 1;
        if ((starts[mid] ?? 0) <= at) low = mid;
        else high = mid - 1;
      }
      line = low;
      this.last = line;
    }
    return { line: line + 1, column: at - (starts[line] ?? 0) + 1, offset: at };
  }

  span(start: number, end: number): Span {
    return { start: this.position(start), end: this.position(end) };
  }
}

/**
 * The plain value of a node, as `JSON.parse` would give it (a later duplicate key wins). Keys such
 * as `__proto__` become own properties, never prototypes.
 */
export function astToValue(node: AstNode): unknown {
  switch (node.kind) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const m of node.members) {
        Object.defineProperty(out, m.key, {
          value: astToValue(m.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    case 'array':
      return node.items.map(astToValue);
    case 'string':
    case 'number':
    case 'boolean':
      return node.value;
    case 'null':
      return null;
  }
}

/** Looks a member up by its exact key (the first one, when the key is duplicated). */
export function getMember(node: AstObject, key: string): AstMember | undefined {
  return node.members.find((m) => m.key === key);
}
