/**
 * A strict JSON (RFC 8259) parser that keeps positions and reports duplicate keys, which
 * `JSON.parse` silently resolves in favour of the last one (IAM refuses them, §4.1). It never
 * throws: every problem is a Finding. Linear in the input; nesting deeper than `MAX_DEPTH` is
 * refused rather than risking the call stack.
 *
 * Made for one pass: the parser counts lines as it skips white space (a JSON line break can only
 * sit there), so every position is known without a line table; the table (`lines`) is built
 * only when asked for, e.g. to place an error. The same pass counts white space and notes any
 * character IAM refuses, so a caller can skip its own scans of a clean text (`scan`).
 */
import type { Finding, Position, Span } from '../diagnostics.js';
import { LineIndex, type AstMember, type AstNode } from './ast.js';

export const MAX_JSON_DEPTH = 1000;

export interface JsonParseResult {
  /**
   * The tree, when the text could be read to its end. Present also after recoverable errors (a
   * trailing comma, a bad escape, a raw control character in a string), which are in `findings`.
   */
  ast: AstNode | undefined;
  findings: Finding[];
  /** Offsets → lines and columns for the whole text (built on first use). */
  lines: LineIndex;
  /**
   * What the parse saw of the raw text, when it read all of it without a finding: the number of
   * white-space characters (space, tab, LF, CR) and whether every character is one IAM allows
   * in a policy (§5.7). Undefined when the parse stopped early or found a problem.
   */
  scan: { whiteSpace: number; allowedChars: boolean } | undefined;
  /**
   * Whether some object has a key twice (always true when duplicates are reported, as then the
   * findings say which): a caller that checks duplicates itself may skip a clean tree.
   */
  duplicateKeys: boolean;
}

export interface JsonParseOptions {
  /** Report duplicate keys (default true). */
  duplicateKeys?: boolean;
}

/** Thrown inside the parser to stop at an unrecoverable error; never escapes `parseJson`. */
class Stop {}

const NO_CODES = new Uint16Array(0);

const WS_SPACE = 0x20;
const WS_TAB = 0x09;
const WS_LF = 0x0a;
const WS_CR = 0x0d;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function isWordChar(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    isDigit(c) ||
    c === 0x5f ||
    c === 0x24 ||
    c === 0x2d ||
    c === 0x2b ||
    c === 0x2e
  );
}

/** `"x"` for printable characters, `U+0007` for the others. */
export function showChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) || code === 0xfeff) {
    return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return JSON.stringify(ch);
}

/** What each one-character JSON escape (after the backslash) stands for. */
export const JSON_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

const CONTROL_ESCAPE: Record<number, string> = {
  0x08: '\\b',
  0x09: '\\t',
  0x0a: '\\n',
  0x0c: '\\f',
  0x0d: '\\r',
};

/** Host byte order is little-endian: a UTF-16LE write is then a copy of the code units. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Texts up to this many characters reuse one buffer; longer ones get their own (and free it). */
const SCRATCH_LIMIT = 1 << 16;
let scratch: Buffer | undefined;

/**
 * The UTF-16 code units of `text` as an array of exactly `text.length` elements. Reading an
 * element of a typed array costs the JIT far less than `charCodeAt` (which dispatches on the
 * string's representation at every call), and the hot loops below read every character. The
 * array may be a view of a shared buffer: valid until the next call, so only a synchronous parse
 * may hold it. Reads past the end give `undefined`, which compares like `charCodeAt`'s NaN.
 */
export function codeUnits(text: string): Uint16Array {
  const n = text.length;
  if (!LITTLE_ENDIAN) {
    const out = new Uint16Array(n);
    for (let i = 0; i < n; i++) out[i] = text.charCodeAt(i);
    return out;
  }
  let buf: Buffer;
  if (n > SCRATCH_LIMIT) buf = Buffer.allocUnsafeSlow(2 * n);
  else {
    if (!scratch || scratch.length < 2 * n) {
      scratch = Buffer.allocUnsafeSlow(Math.max(2 * n, 4096));
    }
    buf = scratch;
  }
  buf.write(text, 0, 2 * n, 'utf16le');
  return new Uint16Array(buf.buffer, buf.byteOffset, n);
}

class JsonParser {
  private pos = 0;
  /** 1-based line of `pos`, and the offset where that line starts. */
  private line = 1;
  private lineStart = 0;
  /** White-space characters skipped between tokens, and spaces inside strings. */
  whiteSpace = 0;
  /** A character outside U+0009, U+000A, U+000D, U+0020–U+00FF was seen in a string. */
  sawDisallowed = false;
  /** An object has a key twice (noted when duplicates are not reported). */
  sawDuplicate = false;
  readonly findings: Finding[] = [];
  private index: LineIndex | undefined;
  /** `text`'s code units, read by the hot loops (see `codeUnits`); emptied after the parse. */
  private codes: Uint16Array;

  constructor(
    private readonly text: string,
    readonly reportDuplicates: boolean,
  ) {
    this.codes = codeUnits(text);
  }

  /** The line table, for offsets anywhere in the text (errors, callers). */
  get lines(): LineIndex {
    return (this.index ??= new LineIndex(this.text));
  }

  /** The position of `offset`, which must lie on the current line at or before `pos`. */
  private at(offset: number): Position {
    return { line: this.line, column: offset - this.lineStart + 1, offset };
  }

  /** The span from `start` (taken when the node began) to the current position. */
  private spanFrom(start: Position): Span {
    return { start, end: this.at(this.pos) };
  }

  parse(): AstNode | undefined {
    try {
      return this.parseDocument();
    } finally {
      this.codes = NO_CODES;
    }
  }

  private parseDocument(): AstNode | undefined {
    const text = this.text;
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
    try {
      this.skipWs();
      if (this.pos >= text.length) {
        this.error(
          'empty-input',
          'empty document — expected a JSON value',
          this.pos,
          this.pos,
          'a trust policy is a JSON object: {"Version": "2012-10-17", "Statement": [...]}',
        );
        return undefined;
      }
      const value = this.parseValue(0);
      this.skipWs();
      if (this.pos < text.length) {
        const ch = this.charAt(this.pos);
        this.error(
          'json-trailing-content',
          `unexpected ${showChar(ch)} after the end of the document`,
          this.pos,
          text.length,
          'a JSON document holds exactly one value: remove what follows it',
        );
        return undefined;
      }
      return value;
    } catch (e) {
      if (e instanceof Stop) return undefined;
      this.error('json-internal-error', `internal parser error: ${String(e)}`, 0, 0);
      return undefined;
    }
  }

  private error(code: string, message: string, start: number, end: number, hint?: string): void {
    this.findings.push({
      code,
      severity: 'error',
      message,
      span: this.lines.span(start, end),
      ...(hint ? { hint } : {}),
    });
  }

  private fatal(code: string, message: string, start: number, end: number, hint?: string): never {
    this.error(code, message, start, end, hint);
    throw new Stop();
  }

  private charAt(i: number): string {
    const c = this.text.codePointAt(i);
    return c === undefined ? '' : String.fromCodePoint(c);
  }

  /** `skipWs`, with the call spared when no white space follows (small: inlined by the JIT). */
  private ws(): void {
    if ((this.codes[this.pos] as number) <= WS_SPACE) this.skipWs();
  }

  /** Skips white space, counting it and the line breaks in it (LF, CRLF or a lone CR). */
  private skipWs(): void {
    const codes = this.codes;
    const from = this.pos;
    let p = from;
    for (;;) {
      const c = codes[p] as number;
      if (c === WS_SPACE) p++;
      else if (c > WS_SPACE) break;
      else if (c === WS_LF) {
        p++;
        this.line++;
        this.lineStart = p;
      } else if (c === WS_TAB) p++;
      else if (c === WS_CR) {
        p++;
        if ((codes[p] as number) === WS_LF) p++;
        this.line++;
        this.lineStart = p;
      } else break;
    }
    this.whiteSpace += p - from;
    this.pos = p;
  }

  /** Reports an unexpected character (or the end of input) where `expected` should be. */
  private unexpected(expected: string, context: 'value' | 'key' | 'other'): never {
    const text = this.text;
    const p = this.pos;
    if (p >= text.length) {
      this.fatal(
        'json-unexpected-end',
        `unexpected end of input — expected ${expected}`,
        p,
        p,
        'the document ends early: close every open string, object and list',
      );
    }
    const c = text.charCodeAt(p);
    let hint =
      context === 'value'
        ? 'write a value here: a string in double quotes, a number, true, false, null, an object or a list'
        : context === 'key'
          ? 'write a key in double quotes, or close the object with "}"'
          : `write ${expected} here`;
    let end = p + this.charAt(p).length;
    if (c === 0x27) hint = 'JSON strings and keys are written in double quotes (")';
    else if (context === 'other' && (c === 0x22 || c === 0x7b || c === 0x5b)) {
      hint = `a "," is missing before this, or write ${expected} here`;
    } else if (c === 0x2f && (text[p + 1] === '/' || text[p + 1] === '*')) {
      hint = 'JSON has no comments: remove them';
    } else if (isWordChar(c) && c !== 0x2d && c !== 0x2e && c !== 0x2b) {
      while (end < text.length && isWordChar(text.charCodeAt(end))) end++;
      const word = text.slice(p, end);
      const lower = word.toLowerCase();
      if (context === 'key') hint = 'object keys are strings in double quotes';
      else if (lower === 'true' || lower === 'false' || lower === 'null') {
        hint = `JSON literals are lower-case: write ${lower}`;
      } else if (context === 'value') hint = 'strings are written in double quotes';
      this.fatal(
        'json-unexpected-char',
        `unexpected ${JSON.stringify(word)} — expected ${expected}`,
        p,
        end,
        hint,
      );
    }
    this.fatal(
      'json-unexpected-char',
      `unexpected ${showChar(this.charAt(p))} — expected ${expected}`,
      p,
      end,
      hint,
    );
  }

  private parseValue(depth: number): AstNode {
    const text = this.text;
    const start = this.pos;
    const c = this.codes[start] as number;
    const begin = this.at(start);
    switch (c) {
      case 0x7b: // {
      case 0x5b: // [
        if (depth >= MAX_JSON_DEPTH) {
          this.fatal(
            'json-too-deep',
            `nesting deeper than ${MAX_JSON_DEPTH} levels`,
            start,
            start + 1,
            'a trust policy nests only a few levels deep',
          );
        }
        return c === 0x7b ? this.parseObject(depth + 1, begin) : this.parseArray(depth + 1, begin);
      case 0x22: {
        const value = this.parseString();
        return { kind: 'string', value, span: this.spanFrom(begin) };
      }
      case 0x74: // t
        if (text.startsWith('true', start) && !isWordChar(text.charCodeAt(start + 4))) {
          this.pos = start + 4;
          return { kind: 'boolean', value: true, span: this.spanFrom(begin) };
        }
        break;
      case 0x66: // f
        if (text.startsWith('false', start) && !isWordChar(text.charCodeAt(start + 5))) {
          this.pos = start + 5;
          return { kind: 'boolean', value: false, span: this.spanFrom(begin) };
        }
        break;
      case 0x6e: // n
        if (text.startsWith('null', start) && !isWordChar(text.charCodeAt(start + 4))) {
          this.pos = start + 4;
          return { kind: 'null', span: this.spanFrom(begin) };
        }
        break;
      default:
        if (c === 0x2d || isDigit(c)) return this.parseNumber(begin);
    }
    return this.unexpected('a value', 'value');
  }

  private parseNumber(begin: Position): AstNode {
    const codes = this.codes;
    const text = this.text;
    const start = this.pos;
    let p = start;
    const bad = (at: number, what: string): never =>
      this.fatal(
        'json-invalid-number',
        `invalid number: ${what}`,
        start,
        Math.max(at, start + 1),
        'JSON numbers look like -12, 0.5 or 1e3 (no leading zeros, no "+", no ".5" or "5.")',
      );
    if ((codes[p] as number) === 0x2d) p++;
    const first = codes[p] as number;
    if (!isDigit(first)) {
      bad(p + 1, p >= text.length ? 'a digit is missing after "-"' : 'a digit must follow "-"');
    }
    p++;
    if (first === 0x30 && isDigit(codes[p] as number)) bad(p + 1, 'leading zeros are not allowed');
    while (isDigit(codes[p] as number)) p++;
    if ((codes[p] as number) === 0x2e) {
      p++;
      if (!isDigit(codes[p] as number)) bad(p + 1, 'a digit must follow "."');
      while (isDigit(codes[p] as number)) p++;
    }
    const e = codes[p] as number;
    if (e === 0x65 || e === 0x45) {
      p++;
      const sign = codes[p] as number;
      if (sign === 0x2b || sign === 0x2d) p++;
      if (!isDigit(codes[p] as number)) bad(p + 1, 'the exponent needs digits');
      while (isDigit(codes[p] as number)) p++;
    }
    this.pos = p;
    const raw = text.slice(start, p);
    return { kind: 'number', value: Number(raw), raw, span: this.spanFrom(begin) };
  }

  /** Reads a string starting at the opening quote; leaves `pos` after the closing quote. */
  private parseString(): string {
    const codes = this.codes;
    const text = this.text;
    const open = this.pos;
    const n = text.length;
    let p = open + 1;
    // The common case: printable Latin-1 up to the closing quote, no escape.
    let spaces = 0;
    for (;;) {
      const c = codes[p] as number;
      if (c > 0x22 && c <= 0xff && c !== 0x5c) p++;
      else if (c === 0x22) {
        this.whiteSpace += spaces;
        this.pos = p + 1;
        return text.slice(open + 1, p);
      } else if (c === WS_SPACE || c === 0x21) {
        if (c === WS_SPACE) spaces++;
        p++;
      } else break; // a backslash, a control character, beyond Latin-1, or the end
    }
    this.whiteSpace += spaces;
    let chunkStart = open + 1;
    let out = '';
    for (;;) {
      if (p >= n) {
        this.fatal(
          'json-unterminated-string',
          'unterminated string',
          open,
          text.length,
          'close the string with a double quote (")',
        );
      }
      const c = codes[p] as number;
      if (c === 0x22) {
        out += text.slice(chunkStart, p);
        this.pos = p + 1;
        return out;
      }
      if (c === 0x5c) {
        out += text.slice(chunkStart, p);
        p = this.parseEscape(p, (s) => (out += s));
        chunkStart = p;
        continue;
      }
      if (c === WS_SPACE) this.whiteSpace++;
      else if (c > 0xff) this.sawDisallowed = true;
      if (c < 0x20) {
        if (c === WS_LF || c === WS_CR) {
          this.fatal(
            'json-unterminated-string',
            'unterminated string (a line break inside a string)',
            open,
            p,
            'close the string before the end of the line, or write the line break as \\n',
          );
        }
        this.error(
          'json-control-char',
          `control character ${showChar(text[p] ?? '')} inside a string`,
          p,
          p + 1,
          `escape it${CONTROL_ESCAPE[c] ? ` as ${CONTROL_ESCAPE[c]}` : ` as \\u${c.toString(16).padStart(4, '0')}`}`,
        );
      }
      p++;
    }
  }

  /** Decodes the escape at `p` (a backslash), passing its text to `emit`; returns the next offset. */
  private parseEscape(p: number, emit: (s: string) => void): number {
    const text = this.text;
    const e = text[p + 1];
    if (e === undefined) return p + 1; // the unterminated-string check reports it
    if (e === 'u') {
      let ok = true;
      for (let i = 2; i < 6; i++) if (!isHex(text.charCodeAt(p + i))) ok = false;
      if (!ok) {
        let end = p + 2;
        while (end < p + 6 && isHex(text.charCodeAt(end))) end++;
        this.error(
          'json-invalid-escape',
          `invalid escape ${JSON.stringify(text.slice(p, end))}: \\u takes exactly four hex digits`,
          p,
          end,
          'write \\u followed by four hex digits, e.g. \\u00e9',
        );
        emit(text.slice(p + 1, end));
        return end;
      }
      emit(String.fromCharCode(parseInt(text.slice(p + 2, p + 6), 16)));
      return p + 6;
    }
    const decoded = JSON_ESCAPES[e];
    if (decoded === undefined) {
      const ch = this.charAt(p + 1);
      if (ch === '\n' || ch === '\r') return p + 1; // the line-break check reports it
      this.error(
        'json-invalid-escape',
        `invalid escape "\\${ch}"`,
        p,
        p + 1 + ch.length,
        'JSON escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX; write a backslash as \\\\',
      );
      emit(ch);
      return p + 1 + ch.length;
    }
    emit(decoded);
    return p + 2;
  }

  private parseArray(depth: number, begin: Position): AstNode {
    const codes = this.codes;
    this.pos++;
    const items: AstNode[] = [];
    this.ws();
    if ((codes[this.pos] as number) === 0x5d) {
      this.pos++;
      return { kind: 'array', items, span: this.spanFrom(begin) };
    }
    for (;;) {
      this.ws();
      items.push(this.parseValue(depth));
      if (this.endOfItem(0x5d, ']')) break;
    }
    return { kind: 'array', items, span: this.spanFrom(begin) };
  }

  /**
   * After an item of an array or object: `,` → false (another item follows), the closing
   * character → true (consumed). A trailing comma before the close is reported and forgiven.
   */
  private endOfItem(close: number, closeText: string): boolean {
    const codes = this.codes;
    this.ws();
    const c = codes[this.pos] as number;
    if (c === 0x2c) {
      const comma = this.pos;
      this.pos++;
      this.ws();
      if ((codes[this.pos] as number) !== close) return false;
      this.trailingComma(comma);
      this.pos++;
      return true;
    }
    if (c === close) {
      this.pos++;
      return true;
    }
    return this.unexpected(`"," or "${closeText}"`, 'other');
  }

  private trailingComma(at: number): void {
    this.error(
      'json-trailing-comma',
      'trailing comma',
      at,
      at + 1,
      'JSON allows no comma after the last element: remove it',
    );
  }

  private parseObject(depth: number, begin: Position): AstNode {
    const codes = this.codes;
    this.pos++;
    const members: AstMember[] = [];
    this.ws();
    if ((codes[this.pos] as number) === 0x7d) {
      this.pos++;
      return { kind: 'object', members, span: this.spanFrom(begin) };
    }
    for (;;) {
      this.ws();
      const keyStart = this.pos;
      if ((codes[keyStart] as number) !== 0x22) this.unexpected('a string key', 'key');
      const keyBegin = this.at(keyStart);
      const key = this.parseString();
      const keySpan = this.spanFrom(keyBegin);
      this.ws();
      if ((codes[this.pos] as number) !== 0x3a) this.unexpected('":"', 'other');
      this.pos++;
      this.ws();
      const value = this.parseValue(depth);
      if (this.reportDuplicates) {
        const first = firstWithKey(members, key);
        if (first) this.findings.push(duplicateKeyFinding(key, keySpan, first.keySpan));
      } else if (!this.sawDuplicate && firstWithKey(members, key)) this.sawDuplicate = true;
      members.push({ key, keySpan, value, span: { start: keySpan.start, end: value.span.end } });
      if (this.endOfItem(0x7d, '}')) break;
    }
    return { kind: 'object', members, span: this.spanFrom(begin) };
  }
}

/** The first member with this key: a scan, as policy objects have a handful of members. */
function firstWithKey(members: readonly AstMember[], key: string): AstMember | undefined {
  if (members.length > 32) return members.find((m) => m.key === key);
  for (let i = 0; i < members.length; i++) {
    const m = members[i] as AstMember;
    if (m.key === key) return m;
  }
  return undefined;
}

/** The finding for a key written twice in one object (`span` is the second one). */
export function duplicateKeyFinding(key: string, span: Span, first: Span, hint?: string): Finding {
  return {
    code: 'duplicate-key',
    severity: 'error',
    message: `duplicate key ${JSON.stringify(key)} (first at line ${first.start.line}, column ${first.start.column})`,
    span,
    hint:
      hint ??
      'a key may appear only once in an object (IAM refuses duplicates; JSON.parse would silently keep the last): remove or merge one',
    spec: '§4.1',
  };
}

/** Parses JSON text into a positioned tree. Never throws. */
export function parseJson(text: string, opts: JsonParseOptions = {}): JsonParseResult {
  const parser = new JsonParser(text, opts.duplicateKeys ?? true);
  const ast = parser.parse();
  const clean = ast !== undefined && parser.findings.length === 0;
  return {
    ast,
    findings: parser.findings,
    get lines() {
      return parser.lines;
    },
    duplicateKeys: parser.reportDuplicates || parser.sawDuplicate,
    scan: clean
      ? {
          whiteSpace: parser.whiteSpace,
          allowedChars: !parser.sawDisallowed && text.charCodeAt(0) !== 0xfeff,
        }
      : undefined,
  };
}
