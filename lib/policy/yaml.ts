/**
 * YAML → the same positioned tree as the JSON parser, using the `yaml` library's nodes and a
 * `LineCounter` for positions. A node of a bigger, already parsed file (an inline trust policy in a
 * scenario) converts with spans that point into that file. Aliases are expanded with a budget on
 * the number of nodes produced (alias bombs) and a cycle guard.
 */
import { yaml } from '../packages.js';
import type { Document, LineCounter, YAMLError } from 'yaml';
import type { Finding, Position, Span } from '../diagnostics.js';
import type { AstMember, AstNode } from './ast.js';
import { duplicateKeyFinding } from './json.js';

/** Default cap on the nodes one conversion may produce, aliases expanded. */
export const MAX_YAML_NODES = 100_000;
/**
 * Lists and mappings may nest this deep (a trust policy or a scenario file nests a few levels).
 * Well below the depth at which the yaml library runs out of stack (some 800 levels, less on a
 * smaller stack), so the limit, not the machine, decides.
 */
export const MAX_YAML_DEPTH = 100;

export interface YamlAstResult {
  ast: AstNode | undefined;
  findings: Finding[];
}

export interface YamlParseResult extends YamlAstResult {
  lineCounter: LineCounter;
}

export interface YamlConvertOptions {
  /** The document the node belongs to; lets aliases resolve to anchors outside the node. */
  doc?: Document;
  /** Cap on the nodes produced, aliases expanded (default `MAX_YAML_NODES`). */
  maxNodes?: number;
  /** Report keys written twice in one mapping (default true). */
  duplicateKeys?: boolean;
}

/** A 1-based position from a `LineCounter`. */
export function yamlPosition(lc: LineCounter, offset: number): Position {
  const { line, col } = lc.linePos(offset);
  // linePos answers line 0 when no line start is known before `offset`.
  if (line === 0) return { line: 1, column: offset + 1, offset };
  return { line, column: col, offset };
}

function yamlSpan(lc: LineCounter, start: number, end: number): Span {
  return { start: yamlPosition(lc, start), end: yamlPosition(lc, Math.max(start, end)) };
}

/** The message of a yaml error without the position the library appends to it. */
function cleanMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?\s*$/, '').trim();
}

/**
 * A yaml library error or warning as a Finding. The library may place an error one character past
 * the end of the text; give `textLength` to keep spans inside it.
 */
export function yamlErrorFinding(err: YAMLError, lc: LineCounter, textLength?: number): Finding {
  const max = textLength ?? Infinity;
  const start = Math.min(err.pos[0], max);
  const end = Math.min(Math.max(err.pos[1], start), max);
  const isWarning = err.name === 'YAMLWarning';
  const code =
    err.code === 'DUPLICATE_KEY'
      ? 'duplicate-key'
      : err.code === 'MULTIPLE_DOCS'
        ? 'yaml-multiple-documents'
        : isWarning
          ? 'yaml-warning'
          : 'yaml-syntax';
  const hint =
    err.code === 'MULTIPLE_DOCS'
      ? 'a policy file holds one document: remove the "---" separator and what follows'
      : err.code === 'TAG_RESOLVE_FAILED'
        ? 'a trust policy holds only strings, numbers, booleans, lists and mappings'
        : isWarning
          ? undefined
          : 'check the indentation, quotes and brackets at this place';
  return {
    code,
    severity: isWarning ? 'warning' : 'error',
    message: `${cleanMessage(err.message)} (${err.code})`,
    span: yamlSpan(lc, start, end),
    ...(hint ? { hint } : {}),
  };
}

/** The target of every alias of a document, worked out once per document. */
const aliasTargetsOf = new WeakMap<Document, ReadonlyMap<unknown, unknown>>();

/**
 * The node each alias of `doc` stands for: the last node anchored with its name before it, in
 * document order (what the yaml library's `Alias.resolve` answers). The library walks the whole
 * document for every alias it resolves, which made a policy of 10,000 aliases take seconds; this
 * walks it once, without recursion, and keeps the answer for the document.
 */
export function aliasTargets(doc: Document): ReadonlyMap<unknown, unknown> {
  const known = aliasTargetsOf.get(doc);
  if (known) return known;
  const y = yaml();
  const targets = new Map<unknown, unknown>();
  const anchors = new Map<string, unknown>();
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (y.isAlias(node)) {
      const target = anchors.get(node.source);
      if (target !== undefined) targets.set(node, target);
      continue;
    }
    const anchor = (node as { anchor?: unknown } | null | undefined)?.anchor;
    if (typeof anchor === 'string' && anchor !== '') anchors.set(anchor, node);
    // Children are pushed last first, so that they are taken in document order.
    if (y.isMap(node) || y.isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
    } else if (y.isPair(node)) {
      stack.push(node.value, node.key);
    }
  }
  aliasTargetsOf.set(doc, targets);
  return targets;
}

/**
 * The first list or mapping (in document order) nested `max` levels deep, found without recursion:
 * where a document too deep for the yaml library (which then reports it ran out of stack, at a
 * depth that depends on the machine) passes the limit.
 */
export function firstTooDeep(root: unknown, max: number): unknown {
  const y = yaml();
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (!y.isMap(node) && !y.isSeq(node)) continue;
    if (depth >= max) return node;
    for (let i = node.items.length - 1; i >= 0; i--) {
      const item: unknown = node.items[i];
      if (y.isPair(item)) stack.push([item.value, depth + 1], [item.key, depth + 1]);
      else stack.push([item, depth + 1]);
    }
  }
  return undefined;
}

class Stop {}

function tooDeepFinding(span: Span): Finding {
  return {
    code: 'yaml-too-deep',
    severity: 'error',
    message: `nested too deeply: more than ${MAX_YAML_DEPTH} levels of lists and mappings`,
    span,
    hint: 'a trust policy nests only a few levels deep',
  };
}

type YamlNode = unknown;

class Converter {
  readonly findings: Finding[] = [];
  private count = 0;
  private readonly anchors = new Map<string, YamlNode>();
  private readonly expanding = new Set<YamlNode>();
  private readonly maxNodes: number;
  private readonly duplicateKeys: boolean;

  constructor(
    private readonly lc: LineCounter,
    private readonly opts: YamlConvertOptions,
  ) {
    this.maxNodes = opts.maxNodes ?? MAX_YAML_NODES;
    this.duplicateKeys = opts.duplicateKeys ?? true;
  }

  private spanOf(node: YamlNode, fallback?: Span): Span {
    const range = (node as { range?: [number, number, number] | null } | null)?.range;
    if (range) return yamlSpan(this.lc, range[0], range[1]);
    return fallback ?? yamlSpan(this.lc, 0, 0);
  }

  private error(code: string, message: string, span: Span, hint?: string): void {
    this.findings.push({ code, severity: 'error', message, span, ...(hint ? { hint } : {}) });
  }

  private tooDeep(span: Span): never {
    this.findings.push(tooDeepFinding(span));
    throw new Stop();
  }

  private tick(span: Span): void {
    if (++this.count > this.maxNodes) {
      this.error(
        'yaml-too-large',
        `the document expands to more than ${this.maxNodes} nodes (aliases expanded)`,
        span,
        'a trust policy is small: write it out without deep alias nesting',
      );
      throw new Stop();
    }
  }

  private remember(node: YamlNode): void {
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) this.anchors.set(anchor, node);
  }

  private resolveAlias(node: YamlNode): YamlNode | undefined {
    if (!yaml().isAlias(node)) return undefined;
    const target = this.opts.doc ? aliasTargets(this.opts.doc).get(node) : undefined;
    return target ?? this.anchors.get(node.source);
  }

  convert(node: YamlNode, depth: number, fallback?: Span): AstNode {
    const span = this.spanOf(node, fallback);
    this.tick(span);
    if (depth > MAX_YAML_DEPTH) this.tooDeep(span);
    if (node === null || node === undefined) return { kind: 'null', span };
    if (yaml().isAlias(node)) {
      const target = this.resolveAlias(node);
      if (target === undefined) {
        this.error(
          'yaml-unknown-alias',
          `alias *${node.source} refers to no anchor defined before it`,
          span,
          `define &${node.source} before using *${node.source}`,
        );
        return { kind: 'null', span };
      }
      if (this.expanding.has(target)) {
        this.error(
          'yaml-alias-cycle',
          `alias *${node.source} refers to a node that contains it`,
          span,
          'an alias may not point into the node that contains it',
        );
        return { kind: 'null', span };
      }
      this.expanding.add(target);
      const converted = this.convert(target, depth + 1, span);
      this.expanding.delete(target);
      // The alias node itself sits where the alias is written; its contents keep their place.
      return { ...converted, span };
    }
    this.remember(node);
    if (yaml().isScalar(node)) return this.scalar(node.value, node.source, span);
    if (yaml().isMap(node)) {
      this.expanding.add(node);
      const members: AstMember[] = [];
      const seen = new Map<string, Span>();
      for (const pair of node.items) {
        if (!yaml().isPair(pair)) continue;
        const key = this.key(pair.key, span);
        const value =
          pair.value === null || pair.value === undefined
            ? { kind: 'null' as const, span: { start: key.span.end, end: key.span.end } }
            : this.convert(pair.value, depth + 1, key.span);
        if (key.text === undefined) continue;
        members.push({
          key: key.text,
          keySpan: key.span,
          value,
          span: { start: key.span.start, end: value.span.end },
        });
        if (this.duplicateKeys) {
          const first = seen.get(key.text);
          if (first) this.findings.push(duplicateKeyFinding(key.text, key.span, first));
          else seen.set(key.text, key.span);
        }
      }
      this.expanding.delete(node);
      return { kind: 'object', members, span };
    }
    if (yaml().isSeq(node)) {
      this.expanding.add(node);
      const items = node.items.map((item) => this.convert(item, depth + 1, span));
      this.expanding.delete(node);
      return { kind: 'array', items, span };
    }
    this.error('yaml-non-json-value', 'a value that is not JSON data', span);
    return { kind: 'null', span };
  }

  private scalar(value: unknown, source: string | undefined, span: Span): AstNode {
    switch (typeof value) {
      case 'string':
        return { kind: 'string', value, span };
      case 'boolean':
        return { kind: 'boolean', value, span };
      case 'bigint':
        return { kind: 'number', value: Number(value), raw: value.toString(), span };
      case 'number':
        if (!Number.isFinite(value)) {
          this.error(
            'yaml-non-json-value',
            `${source ?? String(value)} is not a number JSON can hold`,
            span,
            'quote it if a string is meant',
          );
        }
        return { kind: 'number', value, raw: String(value), span };
      case 'object':
        if (value === null) return { kind: 'null', span };
        // YAML 1.1 timestamps keep the text as written (`Version: 2012-10-17`).
        if (value instanceof Date) {
          return { kind: 'string', value: source ?? value.toISOString(), span };
        }
        break;
      case 'undefined':
        return { kind: 'null', span };
    }
    this.error(
      'yaml-non-json-value',
      'a value that is not JSON data (binary or another tagged type)',
      span,
      'a trust policy holds only strings, numbers, booleans, lists and mappings',
    );
    return { kind: 'string', value: source ?? '', span };
  }

  private key(key: unknown, parent: Span): { text: string | undefined; span: Span } {
    let node: unknown = key;
    const span = this.spanOf(key, parent);
    if (yaml().isAlias(node)) node = this.resolveAlias(node);
    if (yaml().isScalar(node)) {
      const v = node.value;
      if (typeof v === 'string') return { text: v, span };
      if (v !== null && v !== undefined && typeof v !== 'object') {
        return { text: node.source ?? String(v), span };
      }
    }
    this.error(
      'yaml-invalid-key',
      'a mapping key must be a plain string',
      span,
      'write the key as a string, e.g. Effect: Allow',
    );
    return { text: undefined, span };
  }
}

/**
 * Converts one yaml node (from a document parsed with a `LineCounter`) into the tree. Never
 * throws; the findings cover only the conversion (not the document's own errors).
 */
export function yamlNodeToAst(
  node: unknown,
  lineCounter: LineCounter,
  opts: YamlConvertOptions = {},
): YamlAstResult {
  const conv = new Converter(lineCounter, opts);
  try {
    return { ast: conv.convert(node, 0), findings: conv.findings };
  } catch (e) {
    if (!(e instanceof Stop)) {
      conv.findings.push({
        code: 'yaml-internal-error',
        severity: 'error',
        message: `cannot convert the YAML node: ${String(e)}`,
        span: yamlSpan(lineCounter, 0, 0),
      });
    }
    return { ast: undefined, findings: conv.findings };
  }
}

/**
 * The document's errors and warnings plus its contents converted. Duplicate keys are reported by
 * the conversion (so with the same wording as JSON), not from the library's error list.
 */
export function yamlDocumentToAst(
  doc: Document,
  lineCounter: LineCounter,
  opts: Omit<YamlConvertOptions, 'doc'> & { textLength?: number } = {},
): YamlAstResult {
  const findings: Finding[] = [];
  let exhausted = false;
  for (const err of [...doc.errors, ...doc.warnings]) {
    if (err.code === 'DUPLICATE_KEY') continue;
    if (err.code === 'RESOURCE_EXHAUSTION') exhausted = true;
    else findings.push(yamlErrorFinding(err, lineCounter, opts.textLength));
  }
  if (exhausted) {
    // The library ran out of stack on deep nesting: say so where the nesting passes the limit.
    const deep = firstTooDeep(doc.contents, MAX_YAML_DEPTH + 1) as { range?: number[] } | undefined;
    const start = deep?.range?.[0] ?? 0;
    findings.push(tooDeepFinding(yamlSpan(lineCounter, start, deep?.range?.[1] ?? start)));
    return { ast: undefined, findings };
  }
  if (doc.contents === null || doc.contents === undefined) {
    findings.push({
      code: 'empty-input',
      severity: 'error',
      message: 'empty document — expected a mapping',
      span: yamlSpan(lineCounter, 0, 0),
      hint: 'a trust policy is a mapping with Version and Statement',
    });
    return { ast: undefined, findings };
  }
  const converted = yamlNodeToAst(doc.contents, lineCounter, { ...opts, doc });
  return { ast: converted.ast, findings: [...findings, ...converted.findings] };
}

/** Parses YAML text (one document) into the tree. Never throws. */
export function parseYaml(
  text: string,
  opts: Omit<YamlConvertOptions, 'doc'> = {},
): YamlParseResult {
  const lineCounter = new (yaml().LineCounter)();
  let doc: Document;
  try {
    // Keys written twice are found by the conversion (linear; the library compares each key with
    // every key before it in its mapping).
    doc = yaml().parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  } catch (e) {
    return {
      ast: undefined,
      lineCounter,
      findings: [
        {
          code: 'yaml-syntax',
          severity: 'error',
          message: `cannot parse the YAML: ${e instanceof Error ? e.message : String(e)}`,
          span: yamlSpan(new (yaml().LineCounter)(), 0, 0),
        },
      ],
    };
  }
  return {
    ...yamlDocumentToAst(doc, lineCounter, { ...opts, textLength: text.length }),
    lineCounter,
  };
}
