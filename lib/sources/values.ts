/**
 * What evaluating a template gives: plain JSON-shaped values that remember where they stand in the
 * file (for `parsePolicy`'s `spanOf`) and where they came from (a parameter, its default, a value
 * the user supplied, a derivation), or an unknown value with the reasons it cannot be known.
 */
import type { Position, Span } from '../diagnostics.js';
import type { AstNode } from '../policy/ast.js';
import { parseJson } from '../policy/json.js';
import type { ValuePath } from '../policy/value.js';
import type { CharMap } from './template.js';
import type { Provenance } from './types.js';

/** Where a value not written literally in the file came from. */
export interface Origin {
  kind: Exclude<Provenance['kind'], 'file' | 'api' | 'override'>;
  /** e.g. `parameter RepoPattern (default "*")`. */
  note: string;
}

/** One step on the way from the place a value is used to the place it cannot be known. */
export interface Frame {
  file: string;
  span: Span;
  /** e.g. `{"Ref": "Provider"} is the ARN of AWS::IAM::OIDCProvider Provider, built from its Url`. */
  text: string;
}

/** Why a value cannot be known before deployment (or at all), and how to supply it. */
export interface Cause {
  /** Kebab-case finding code, e.g. `unresolved-parameter`. */
  code: string;
  /** The construct and why it is unknown, e.g. `Fn::GetAtt Cluster.OpenIdConnectIssuerUrl is known only after deployment`. */
  message: string;
  file: string;
  span: Span;
  /** The keys with which to supply it, each a full sentence fragment: `resources: { X.Attr: … }`. */
  keys: string[];
  /** The references that led here, outermost first. */
  frames: Frame[];
  /** A cause that no supplied value fixes (an invalid template): an error whatever the inputs. */
  invalid?: true;
}

export type PNode =
  | {
      k: 'scalar';
      v: string | number | boolean | null;
      span: Span;
      chars?: CharMap;
      origins?: Origin[];
      /** For a string built from parts: which characters came from where. */
      segments?: Segment[];
    }
  | { k: 'list'; items: PNode[]; span: Span }
  | { k: 'map'; entries: PEntry[]; span: Span }
  | { k: 'unknown'; span: Span; causes: Cause[] }
  | { k: 'novalue'; span: Span };

export interface PEntry {
  key: string;
  keySpan: Span;
  value: PNode;
  /** Where a key built by substitution came from. */
  keyOrigins?: Origin[];
}

/** Characters `start`..`end` of a string came from `origins`. */
export interface Segment {
  start: number;
  end: number;
  origins: Origin[];
}

export type PScalar = Extract<PNode, { k: 'scalar' }>;
export type PUnknown = Extract<PNode, { k: 'unknown' }>;

export function unknown(span: Span, causes: Cause[]): PUnknown {
  return { k: 'unknown', span, causes };
}

/** A string value with its character map and origins. */
export function text(v: string, span: Span, chars?: CharMap, origins?: Origin[]): PScalar {
  return {
    k: 'scalar',
    v,
    span,
    ...(chars ? { chars } : {}),
    ...(origins && origins.length > 0 ? { origins } : {}),
  };
}

/** Origins of several parts, without repeats. */
export function mergeOrigins(parts: readonly PNode[]): Origin[] {
  const out: Origin[] = [];
  for (const p of parts) {
    if (p.k !== 'scalar' || !p.origins) continue;
    for (const o of p.origins) {
      if (!out.some((x) => x.kind === o.kind && x.note === o.note)) out.push(o);
    }
  }
  return out;
}

/** All causes of the unknown parts. */
export function causesOf(parts: readonly PNode[]): Cause[] {
  const out: Cause[] = [];
  for (const p of parts) if (p.k === 'unknown') out.push(...p.causes);
  return out;
}

/** The places of the characters of a string value (`at` for those with no map). */
export function charsOf(p: PScalar): CharMap {
  const chars = p.chars;
  if (chars) return chars;
  const at = p.span.start;
  return () => at;
}

/**
 * Concatenates string parts into one string whose characters keep their places: a literal part
 * maps character by character, a substituted value maps to the place of its reference.
 */
export function concat(parts: readonly PScalar[], span: Span): PScalar {
  const starts: number[] = [];
  const maps: CharMap[] = [];
  const segments: Segment[] = [];
  let v = '';
  for (const p of parts) {
    starts.push(v.length);
    maps.push(charsOf(p));
    const part = String(p.v);
    for (const seg of segmentsOf(p, part.length)) {
      segments.push({ start: seg.start + v.length, end: seg.end + v.length, origins: seg.origins });
    }
    v += part;
  }
  const chars: CharMap = (i) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= i) lo = mid;
      else hi = mid - 1;
    }
    const map = maps[lo];
    return map ? map(i - (starts[lo] as number)) : span.start;
  };
  const out = text(v, span, chars, mergeOrigins(parts));
  if (segments.length > 0) out.segments = segments;
  return out;
}

/** The origin segments of a string: its own, or one covering all of it. */
function segmentsOf(p: PScalar, length: number): Segment[] {
  if (p.segments) return p.segments;
  if (p.origins && p.origins.length > 0) return [{ start: 0, end: length, origins: p.origins }];
  return [];
}

/** The origins of characters `start`..`end` of a string. */
function originsBetween(p: PScalar, start: number, end: number): Origin[] | undefined {
  const out: Origin[] = [];
  for (const seg of segmentsOf(p, String(p.v).length)) {
    if (seg.end <= start || seg.start >= end) continue;
    for (const o of seg.origins) {
      if (!out.some((x) => x.kind === o.kind && x.note === o.note)) out.push(o);
    }
  }
  return out.length > 0 ? out : undefined;
}

/** The plain JSON value (unknown and removed parts must be gone before this is called). */
export function plain(p: PNode): unknown {
  switch (p.k) {
    case 'scalar':
      return p.v;
    case 'list':
      return p.items.filter((i) => i.k !== 'novalue').map(plain);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const e of p.entries) {
        if (e.value.k === 'novalue') continue;
        Object.defineProperty(out, e.key, {
          value: plain(e.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    case 'unknown':
    case 'novalue':
      return null;
  }
}

/** `Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"]`. */
export function pathText(path: ValuePath, base = ''): string {
  let s = base;
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) s += s === '' ? p : `.${p}`;
    else s += `[${JSON.stringify(p)}]`;
  }
  return s;
}

/** Every node of a kind, with its path, depth first in document order. */
export function walk(
  p: PNode,
  visit: (node: PNode, path: (string | number)[]) => void,
  path: (string | number)[] = [],
): void {
  visit(p, path);
  if (p.k === 'list') {
    p.items.forEach((item, i) => walk(item, visit, [...path, i]));
  } else if (p.k === 'map') {
    for (const e of p.entries) walk(e.value, visit, [...path, e.key]);
  }
}

/** Removes the `novalue` parts (AWS::NoValue) so indexes match the plain value's. */
export function pruned(p: PNode): PNode {
  if (p.k === 'list') {
    return { ...p, items: p.items.filter((i) => i.k !== 'novalue').map(pruned) };
  }
  if (p.k === 'map') {
    return {
      ...p,
      entries: p.entries
        .filter((e) => e.value.k !== 'novalue')
        .map((e) => ({ ...e, value: pruned(e.value) })),
    };
  }
  return p;
}

/** `spanOf` for `parsePolicy`: the node at a path of the plain value, or undefined. */
export function spanFinder(
  root: PNode,
): (path: ValuePath, part: 'key' | 'value') => Span | undefined {
  return (path, part) => {
    let node: PNode = root;
    let keySpan: Span | undefined;
    for (const step of path) {
      if (typeof step === 'number' && node.k === 'list') {
        const next = node.items[step];
        if (!next) return undefined;
        node = next;
        keySpan = undefined;
      } else if (typeof step === 'string' && node.k === 'map') {
        let found: PEntry | undefined;
        for (const e of node.entries) if (e.key === step) found = e;
        if (!found) return undefined;
        node = found.value;
        keySpan = found.keySpan;
      } else return undefined;
    }
    return part === 'key' && keySpan ? keySpan : node.span;
  };
}

function after(p: Position): Position {
  return { line: p.line, column: p.column + 1, offset: p.offset + 1 };
}

/** A span of the string `s` (offsets `start`..`end`) placed through its character map. */
function placed(chars: CharMap, start: number, end: number): Span {
  return { start: chars(start), end: end > start ? after(chars(end - 1)) : chars(start) };
}

function fromAst(node: AstNode, whole: PScalar, chars: CharMap): PNode {
  const span = placed(chars, node.span.start.offset, node.span.end.offset);
  const origins = originsBetween(whole, node.span.start.offset, node.span.end.offset);
  switch (node.kind) {
    case 'object':
      return {
        k: 'map',
        span,
        entries: node.members.map((m) => {
          const keyOrigins = originsBetween(whole, m.keySpan.start.offset, m.keySpan.end.offset);
          return {
            key: m.key,
            keySpan: placed(chars, m.keySpan.start.offset, m.keySpan.end.offset),
            value: fromAst(m.value, whole, chars),
            ...(keyOrigins ? { keyOrigins } : {}),
          };
        }),
      };
    case 'array':
      return { k: 'list', span, items: node.items.map((i) => fromAst(i, whole, chars)) };
    case 'string':
      return text(node.value, span, undefined, origins);
    case 'number':
    case 'boolean':
      return { k: 'scalar', v: node.value, span, ...(origins ? { origins } : {}) };
    case 'null':
      return { k: 'scalar', v: null, span };
  }
}

export type JsonTextResult =
  { ok: true; value: PNode } | { ok: false; message: string; span: Span; hint?: string };

/**
 * Parses a string value that holds JSON (a `!Sub |` trust policy, a CfnJson `Value`) into values
 * whose spans point at the characters in the file they were built from.
 */
export function parseJsonText(s: PScalar): JsonTextResult {
  const source = String(s.v);
  const chars = charsOf(s);
  const parsed = parseJson(source);
  const err = parsed.findings.find((f) => f.severity === 'error');
  if (err || !parsed.ast) {
    const at = err?.span ? placed(chars, err.span.start.offset, err.span.end.offset) : s.span;
    return {
      ok: false,
      message: err ? err.message : 'the text is not JSON',
      span: at,
      ...(err?.hint ? { hint: err.hint } : {}),
    };
  }
  return { ok: true, value: fromAst(parsed.ast, s, chars) };
}
