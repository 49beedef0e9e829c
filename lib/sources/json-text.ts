/**
 * Positions for a policy that arrives as JSON text: on its own (an IAM answer) or as a string
 * inside another JSON file (a Terraform plan's `assume_role_policy`). The text is read with the
 * positioned parser; `spanOf` then places each node of the plain document, mapped back through
 * the string's escapes to the enclosing file when there is one.
 */
import type { Finding, Span } from '../diagnostics.js';
import { astToValue, type AstNode, type LineIndex } from '../policy/ast.js';
import { parseJson } from '../policy/json.js';
import type { ValuePath, ValueSpanOptions } from '../policy/value.js';

/** The node at `path` (the last member of a repeated key, as `JSON.parse` keeps it). */
export function nodeAtPath(
  root: AstNode,
  path: ValuePath,
): { node: AstNode; keySpan?: Span } | undefined {
  let node: AstNode = root;
  let keySpan: Span | undefined;
  for (const step of path) {
    if (typeof step === 'number') {
      if (node.kind !== 'array') return undefined;
      const item = node.items[step];
      if (!item) return undefined;
      node = item;
      keySpan = undefined;
    } else {
      if (node.kind !== 'object') return undefined;
      let found: AstNode | undefined;
      for (const m of node.members) {
        if (m.key === step) {
          found = m.value;
          keySpan = m.keySpan;
        }
      }
      if (!found) return undefined;
      node = found;
    }
  }
  return keySpan ? { node, keySpan } : { node };
}

/** `spanOf` for a document read from `root`, each span passed through `map`. */
export function spanOfAst(
  root: AstNode,
  map: (span: Span) => Span = (s) => s,
): NonNullable<ValueSpanOptions['spanOf']> {
  return (path, part) => {
    const at = nodeAtPath(root, path);
    if (!at) return undefined;
    return map(part === 'key' && at.keySpan ? at.keySpan : at.node.span);
  };
}

/**
 * For the JSON string literal whose opening quote is at `quote` in `text`: the offset in `text`
 * of each UTF-16 unit of the decoded string (and one past its end). `\uXXXX` is one unit; a
 * surrogate pair written as two escapes is two units, as in the decoded string.
 */
export function literalOffsets(text: string, quote: number): number[] {
  const out: number[] = [];
  let i = quote + 1;
  while (i < text.length && text.charCodeAt(i) !== 0x22) {
    out.push(i);
    if (text.charCodeAt(i) === 0x5c) i += text.charCodeAt(i + 1) === 0x75 ? 6 : 2;
    else i += 1;
  }
  out.push(i);
  return out;
}

export interface EmbeddedJson {
  /** The plain document (undefined when the text is not JSON). */
  value: unknown;
  /** The parsed text's tree, for `spanOfAst`. */
  ast: AstNode | undefined;
  /** The parser's findings, their spans mapped like the nodes'. */
  findings: Finding[];
  /** Spans in the decoded text → spans in the enclosing file. */
  map: (span: Span) => Span;
}

/**
 * Parses `decoded`, the value of the string literal at `quote` in a file whose lines are `lines`
 * (omit both for text that stands alone: spans stay in the text itself).
 */
export function readEmbeddedJson(
  decoded: string,
  file?: { lines: LineIndex; quote: number },
): EmbeddedJson {
  const parsed = parseJson(decoded);
  let map: (span: Span) => Span = (s) => s;
  if (file) {
    const offsets = literalOffsets(file.lines.text, file.quote);
    const at = (o: number) => offsets[Math.min(o, offsets.length - 1)] as number;
    map = (s) => file.lines.span(at(s.start.offset), at(s.end.offset));
  }
  const findings = parsed.findings.map((f) => (f.span ? { ...f, span: map(f.span) } : f));
  return {
    value: parsed.ast ? astToValue(parsed.ast) : undefined,
    ast: parsed.ast,
    findings,
    map,
  };
}
