/**
 * A CloudFormation template (JSON or YAML) → a positioned tree in which every short-form tag
 * (`!Sub`, `!Ref`, `!GetAtt`, …) has become its long form (`{"Fn::Sub": …}`, `{"Ref": …}`), so the
 * evaluator reads one shape whatever the file's format. Every node keeps its span; every string
 * keeps a map from its characters to their places in the file, so a JSON document built by `!Sub`
 * from a block scalar can still be placed line by line.
 *
 * JSON goes through the strict positioned parser of lib/policy (duplicate keys, trailing commas
 * and raw control characters are errors, as JSON requires); YAML through the `yaml` package's
 * syntax tree with no custom tags, reading each node's tag ourselves (shared notes §1.3).
 */
import { yaml } from '../packages.js';
import type { Document, LineCounter, Node as YamlNode, Scalar } from 'yaml';
import type { Position, Span } from '../diagnostics.js';
import type { AstNode } from '../policy/ast.js';
import { LineIndex } from '../policy/ast.js';
import { JSON_ESCAPES, parseJson } from '../policy/json.js';
import type { SourceFinding } from './types.js';

/** The place in the file of character `i` of a string value. */
export type CharMap = (i: number) => Position;

export interface TScalar {
  kind: 'scalar';
  value: string | number | boolean | null;
  span: Span;
  /** For strings: where each character sits in the file (absent: at `span.start`). */
  chars?: CharMap;
}

export interface TMember {
  key: string;
  keySpan: Span;
  value: TNode;
}

export interface TObject {
  kind: 'object';
  members: TMember[];
  span: Span;
  /** The short-form tag this object was written as (`!Sub`), when it was one. */
  tag?: string;
}

export interface TArray {
  kind: 'array';
  items: TNode[];
  span: Span;
}

export type TNode = TScalar | TObject | TArray;

export interface Template {
  /** The file, as the reader names it in findings and provenance. */
  file: string;
  format: 'json' | 'yaml';
  /** The document's root, when the text could be read. */
  root: TNode | undefined;
  /** Syntax errors and warnings, each with `file` and `span`. */
  findings: SourceFinding[];
}

/** The short-form tags of CloudFormation YAML and the long-form key each one stands for. */
export const SHORT_TAGS: Readonly<Record<string, string>> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!Sub': 'Fn::Sub',
  '!GetAtt': 'Fn::GetAtt',
  '!Join': 'Fn::Join',
  '!If': 'Fn::If',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!FindInMap': 'Fn::FindInMap',
  '!Base64': 'Fn::Base64',
  '!Equals': 'Fn::Equals',
  '!Not': 'Fn::Not',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!ImportValue': 'Fn::ImportValue',
  '!GetAZs': 'Fn::GetAZs',
  '!Cidr': 'Fn::Cidr',
  '!Transform': 'Fn::Transform',
  '!Length': 'Fn::Length',
  '!ToJsonString': 'Fn::ToJsonString',
  '!ForEach': 'Fn::ForEach',
  '!Contains': 'Fn::Contains',
};

/** Above this many nodes (aliases expanded) a template is refused: no real template comes near. */
const MAX_NODES = 2_000_000;
const MAX_DEPTH = 500;

/** Offsets in the file of each character of a decoded string, or undefined when unsure. */
type Offsets = number[] | undefined;

function charMapOf(offsets: Offsets, place: (offset: number) => Position): CharMap | undefined {
  if (!offsets) return undefined;
  return (i) => place(offsets[Math.max(0, Math.min(i, offsets.length - 1))] ?? 0);
}

/**
 * The file offset of each UTF-16 unit of a JSON string literal's value (`start` is the offset of
 * its opening quote). Verified against the decoded value; undefined when they disagree.
 */
export function jsonStringOffsets(text: string, start: number, value: string): Offsets {
  const offsets: number[] = [];
  let decoded = '';
  let i = start + 1;
  while (i < text.length && text[i] !== '"') {
    if (text[i] === '\\') {
      const e = text[i + 1] ?? '';
      if (e === 'u') {
        decoded += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        offsets.push(i);
        i += 6;
      } else {
        decoded += JSON_ESCAPES[e] ?? e;
        offsets.push(i);
        i += 2;
      }
    } else {
      decoded += text[i];
      offsets.push(i);
      i++;
    }
  }
  offsets.push(i);
  return decoded === value ? offsets : undefined;
}

// ── JSON ─────────────────────────────────────────────────────────────────────────────────────

function fromJsonAst(node: AstNode, text: string, lines: LineIndex): TNode {
  const place = (offset: number) => lines.position(offset);
  switch (node.kind) {
    case 'object':
      return {
        kind: 'object',
        members: node.members.map((m) => ({
          key: m.key,
          keySpan: m.keySpan,
          value: fromJsonAst(m.value, text, lines),
        })),
        span: node.span,
      };
    case 'array':
      return {
        kind: 'array',
        items: node.items.map((n) => fromJsonAst(n, text, lines)),
        span: node.span,
      };
    case 'string': {
      const chars = charMapOf(jsonStringOffsets(text, node.span.start.offset, node.value), place);
      return { kind: 'scalar', value: node.value, span: node.span, ...(chars ? { chars } : {}) };
    }
    case 'number':
    case 'boolean':
      return { kind: 'scalar', value: node.value, span: node.span };
    case 'null':
      return { kind: 'scalar', value: null, span: node.span };
  }
}

function readJson(text: string, file: string): Template {
  const parsed = parseJson(text);
  const findings: SourceFinding[] = parsed.findings.map((f) => ({ ...f, file }));
  const root =
    parsed.ast && !findings.some((f) => f.severity === 'error')
      ? fromJsonAst(parsed.ast, text, parsed.lines)
      : undefined;
  return { file, format: 'json', root, findings };
}

// ── YAML ─────────────────────────────────────────────────────────────────────────────────────

/** Offsets of the characters of a block scalar's value: literal, or folded with no folding. */
function blockOffsets(text: string, start: number, end: number, value: string): Offsets {
  const header = text.indexOf('\n', start);
  if (header < 0 || header >= end) return undefined;
  const lines: { at: number; content: string }[] = [];
  let indent = -1;
  for (let at = header + 1; at < end;) {
    const nl = text.indexOf('\n', at);
    const stop = nl < 0 || nl > end ? end : nl;
    const line = text.slice(at, stop).replace(/\r$/, '');
    if (indent < 0 && line.trim() !== '') indent = line.length - line.trimStart().length;
    lines.push({ at, content: line });
    at = stop + 1;
  }
  if (indent < 0) return undefined;
  const offsets: number[] = [];
  let rebuilt = '';
  for (const line of lines) {
    const content = line.content.slice(indent);
    for (let c = 0; c < content.length; c++) offsets.push(line.at + indent + c);
    rebuilt += content;
    offsets.push(line.at + indent + content.length);
    rebuilt += '\n';
  }
  // Chomping decides how the value ends: compare on the common prefix.
  if (rebuilt.startsWith(value)) return offsets.slice(0, value.length + 1);
  return undefined;
}

/** Offsets for a one-line flow scalar: plain, single-quoted ('' is ') or double-quoted. */
function flowOffsets(
  text: string,
  start: number,
  end: number,
  type: string,
  value: string,
): Offsets {
  const raw = text.slice(start, end);
  if (raw.includes('\n')) return undefined;
  if (type === 'PLAIN')
    return raw === value ? [...raw].map((_, i) => start + i).concat(end) : undefined;
  if (type === 'QUOTE_DOUBLE') return jsonStringOffsets(text, start, value);
  const offsets: number[] = [];
  let decoded = '';
  for (let i = start + 1; i < end - 1; i++) {
    offsets.push(i);
    decoded += text[i];
    if (text[i] === "'" && text[i + 1] === "'") i++;
  }
  offsets.push(end - 1);
  return decoded === value ? offsets : undefined;
}

interface YamlContext {
  text: string;
  file: string;
  lc: LineCounter;
  doc: Document;
  findings: SourceFinding[];
  count: number;
}

class TooLarge {}

function yamlSpan(ctx: YamlContext, range: readonly number[] | null | undefined): Span {
  const start = range?.[0] ?? 0;
  const end = range?.[1] ?? start;
  return { start: yamlPos(ctx.lc, start), end: yamlPos(ctx.lc, Math.max(start, end)) };
}

function yamlPos(lc: LineCounter, offset: number): Position {
  const { line, col } = lc.linePos(offset);
  if (line === 0) return { line: 1, column: offset + 1, offset };
  return { line, column: col, offset };
}

function error(ctx: YamlContext, code: string, message: string, span: Span, hint?: string): void {
  ctx.findings.push({
    code,
    severity: 'error',
    message,
    span,
    file: ctx.file,
    ...(hint ? { hint } : {}),
  });
}

function yamlScalar(ctx: YamlContext, node: Scalar, span: Span): TScalar {
  const v = node.value;
  if (typeof v === 'string') {
    const [start, end] = node.range ?? [0, 0];
    const type = String(node.type);
    const offsets = type.startsWith('BLOCK')
      ? blockOffsets(ctx.text, start, end, v)
      : flowOffsets(ctx.text, start, end, type, v);
    const chars = charMapOf(offsets, (o) => yamlPos(ctx.lc, o));
    return { kind: 'scalar', value: v, span, ...(chars ? { chars } : {}) };
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) {
      error(
        ctx,
        'yaml-non-json-value',
        `${node.source ?? String(v)} is not a number a template can hold`,
        span,
        'quote it if a string is meant',
      );
    }
    return { kind: 'scalar', value: v, span };
  }
  if (typeof v === 'boolean' || v === null || v === undefined)
    return { kind: 'scalar', value: v ?? null, span };
  // A YAML 1.1 timestamp or a binary: keep the text as written.
  return { kind: 'scalar', value: node.source ?? String(v), span };
}

/** The node's span widened to start at its tag (the library's range starts after the tag). */
function tagSpan(ctx: YamlContext, tag: string, span: Span): Span {
  const at = ctx.text.lastIndexOf(tag, span.start.offset);
  if (at < 0 || ctx.text.slice(at + tag.length, span.start.offset).trim() !== '') return span;
  return { start: yamlPos(ctx.lc, at), end: span.end };
}

function tagged(ctx: YamlContext, tag: string, inner: TNode, span: Span): TNode {
  const name = SHORT_TAGS[tag];
  if (name === undefined) {
    error(
      ctx,
      'cfn-unknown-tag',
      `unknown tag ${tag}: CloudFormation's short forms are ${Object.keys(SHORT_TAGS).slice(0, 17).join(' ')}`,
      span,
      'write a known short form, or the long form {"Fn::Name": …}',
    );
    return inner;
  }
  return { kind: 'object', members: [{ key: name, keySpan: span, value: inner }], span, tag };
}

function convertYaml(ctx: YamlContext, node: unknown, depth: number, seen: Set<unknown>): TNode {
  const y = yaml();
  const span = yamlSpan(ctx, (node as { range?: number[] } | null)?.range);
  if (++ctx.count > MAX_NODES || depth > MAX_DEPTH) throw new TooLarge();
  if (node === null || node === undefined) return { kind: 'scalar', value: null, span };
  if (y.isAlias(node)) {
    const target = node.resolve(ctx.doc);
    if (!target || seen.has(target)) {
      error(
        ctx,
        'yaml-bad-alias',
        `alias *${node.source} has no anchor before it, or points into itself`,
        span,
      );
      return { kind: 'scalar', value: null, span };
    }
    seen.add(target);
    const converted = convertYaml(ctx, target, depth + 1, seen);
    seen.delete(target);
    return converted;
  }
  let out: TNode;
  if (y.isScalar(node)) out = yamlScalar(ctx, node, span);
  else if (y.isSeq(node)) {
    seen.add(node);
    out = {
      kind: 'array',
      items: node.items.map((n) => convertYaml(ctx, n, depth + 1, seen)),
      span,
    };
    seen.delete(node);
  } else {
    // A mapping (pairs only appear inside one).
    seen.add(node);
    out = {
      kind: 'object',
      members: yamlMembers(ctx, (node as { items: unknown[] }).items, depth, seen),
      span,
    };
    seen.delete(node);
  }
  const tag = (node as YamlNode).tag;
  if (tag && tag.startsWith('!') && !tag.startsWith('!!'))
    return tagged(ctx, tag, out, tagSpan(ctx, tag, span));
  return out;
}

function yamlMembers(
  ctx: YamlContext,
  pairs: readonly unknown[],
  depth: number,
  seen: Set<unknown>,
): TMember[] {
  const y = yaml();
  const members: TMember[] = [];
  const first = new Map<string, Span>();
  for (const pair of pairs) {
    if (!y.isPair(pair)) continue;
    const keyNode = pair.key as YamlNode | null;
    const keySpan = yamlSpan(ctx, keyNode?.range);
    if (!y.isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
      error(
        ctx,
        'yaml-invalid-key',
        'a mapping key must be a plain string',
        keySpan,
        'write the key as a string',
      );
      continue;
    }
    const key = String(keyNode.source ?? keyNode.value);
    if (keyNode.tag && SHORT_TAGS[keyNode.tag]) {
      error(
        ctx,
        'cfn-intrinsic-key',
        `${keyNode.tag} ${JSON.stringify(key)} is used as a key: CloudFormation allows intrinsic functions only in values, and rejects the template`,
        tagSpan(ctx, keyNode.tag, keySpan),
        'to compute a condition key, write the whole AssumeRolePolicyDocument as a !Sub | JSON string (keys included)',
      );
      continue;
    }
    const firstSpan = first.get(key);
    if (firstSpan) {
      error(
        ctx,
        'duplicate-key',
        `duplicate key ${JSON.stringify(key)} (first at line ${firstSpan.start.line}, column ${firstSpan.start.column})`,
        keySpan,
        'a key may appear only once in a mapping: remove or merge one',
      );
      continue;
    }
    first.set(key, keySpan);
    const value = convertYaml(ctx, pair.value, depth + 1, seen);
    members.push({ key, keySpan, value });
  }
  return members;
}

function yamlFinding(
  ctx: YamlContext,
  err: { code: string; message: string; pos: [number, number]; name: string },
): SourceFinding {
  const first = (err.message.split('\n')[0] ?? err.message)
    .replace(/ at line \d+, column \d+:?\s*$/, '')
    .trim();
  return {
    code: err.code === 'MULTIPLE_DOCS' ? 'yaml-multiple-documents' : 'yaml-syntax',
    severity: 'error',
    message: `${first} (${err.code})`,
    span: yamlSpan(ctx, [
      Math.min(err.pos[0], ctx.text.length),
      Math.min(err.pos[1], ctx.text.length),
    ]),
    file: ctx.file,
    hint: 'check the indentation, quotes and brackets at this place',
  };
}

function readYaml(text: string, file: string): Template {
  const y = yaml();
  const lc = new y.LineCounter();
  const doc = y.parseDocument(text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false });
  const ctx: YamlContext = { text, file, lc, doc, findings: [], count: 0 };
  for (const err of doc.errors) ctx.findings.push(yamlFinding(ctx, err));
  if (ctx.findings.length > 0)
    return { file, format: 'yaml', root: undefined, findings: ctx.findings };
  if (doc.contents === null || doc.contents === undefined) {
    return { file, format: 'yaml', root: undefined, findings: ctx.findings };
  }
  let root: TNode | undefined;
  try {
    root = convertYaml(ctx, doc.contents, 0, new Set());
  } catch (e) {
    if (!(e instanceof TooLarge)) throw e;
    error(
      ctx,
      'template-too-large',
      `the template expands to more than ${MAX_NODES} nodes or ${MAX_DEPTH} levels`,
      yamlSpan(ctx, [0, 0]),
    );
    root = undefined;
  }
  const ok = !ctx.findings.some((f) => f.severity === 'error');
  return { file, format: 'yaml', root: ok ? root : undefined, findings: ctx.findings };
}

/**
 * Reads a template's text. `json` when the file name ends in `.json` or the text starts with `{`,
 * else YAML. Never throws for bad input: problems are findings, and `root` is undefined after an
 * error.
 */
export function readTemplate(text: string, file: string): Template {
  const isJson = /\.json$/i.test(file) || /^\s*\{/.test(text);
  const t = isJson ? readJson(text, file) : readYaml(text, file);
  if (t.root === undefined && !t.findings.some((f) => f.severity === 'error')) {
    t.findings.push({
      code: 'empty-template',
      severity: 'error',
      message: 'the template is empty',
      file,
    });
  }
  if (t.root && t.root.kind !== 'object') {
    t.findings.push({
      code: 'template-not-mapping',
      severity: 'error',
      message: 'a template is a mapping with Resources (and Parameters, Conditions, …)',
      span: t.root.span,
      file,
    });
    t.root = undefined;
  }
  return t;
}

/** The member `key` of an object node. */
export function member(node: TNode | undefined, key: string): TMember | undefined {
  if (!node || node.kind !== 'object') return undefined;
  return node.members.find((m) => m.key === key);
}

/** The value of member `key` of an object node. */
export function get(node: TNode | undefined, key: string): TNode | undefined {
  return member(node, key)?.value;
}

/** A node's string value, if it is a string scalar. */
export function str(node: TNode | undefined): string | undefined {
  return node && node.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
}
