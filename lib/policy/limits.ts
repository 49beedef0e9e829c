/** The character set and size limits IAM applies to a policy document (§5.7). */
import type { Finding, Span } from '../diagnostics.js';
import { LineIndex, type AstMember, type AstNode } from './ast.js';

/** Default quota for a role trust policy, in non-whitespace characters (§5.7). */
export const TRUST_POLICY_DEFAULT_QUOTA = 2048;
/** The most the quota can be raised to (§5.7, UNCONFIRMED 26). */
export const TRUST_POLICY_MAX_QUOTA = 4096;

/** At most this many `invalid-character` findings are reported one by one. */
const MAX_CHAR_FINDINGS = 20;

/** True for the characters IAM allows in a policy: U+0009, U+000A, U+000D, U+0020–U+00FF. */
export function isAllowedPolicyChar(code: number): boolean {
  return code === 0x09 || code === 0x0a || code === 0x0d || (code >= 0x20 && code <= 0xff);
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** The length IAM checks against the quota: every character except whitespace (§5.7). */
export function nonWhitespaceLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (!isSpace(text.charCodeAt(i))) n++;
  return n;
}

/** `U+4E2D "中"`. */
export function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  const name = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return code < 0x20 || (code >= 0x7f && code < 0xa0) ? name : `${name} ${JSON.stringify(ch)}`;
}

const CHAR_HINT =
  'IAM accepts only tab, line feed, carriage return and U+0020–U+00FF in a policy document: remove or replace the character';

function charFinding(ch: string, span: Span, runLength: number): Finding {
  return {
    code: 'invalid-character',
    severity: 'error',
    message:
      `character ${describeChar(ch)} is not allowed in a policy document` +
      (runLength > 1 ? ` (and ${runLength - 1} more after it)` : ''),
    span,
    hint: CHAR_HINT,
    spec: '§5.7',
  };
}

/**
 * Findings for characters IAM refuses in the raw text, one per run of such characters (the span
 * covers the run), at most 20 then a summary. A leading byte-order mark is a warning: editors add
 * it, and it must not reach IAM.
 */
export function invalidCharacterFindings(
  text: string,
  lines: LineIndex = new LineIndex(text),
): Finding[] {
  const findings: Finding[] = [];
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) {
    findings.push({
      code: 'byte-order-mark',
      severity: 'warning',
      message: 'the document starts with a byte-order mark (U+FEFF)',
      span: lines.span(0, 1),
      hint: 'save the file without a BOM: IAM accepts only U+0009, U+000A, U+000D and U+0020–U+00FF',
      spec: '§5.7',
    });
    i = 1;
  }
  let runs = 0;
  let extra = 0;
  while (i < text.length) {
    if (isAllowedPolicyChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    let count = 0;
    while (i < text.length && !isAllowedPolicyChar(text.charCodeAt(i))) {
      i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
      count++;
    }
    runs++;
    if (runs <= MAX_CHAR_FINDINGS) {
      const first = String.fromCodePoint(text.codePointAt(start) ?? 0);
      findings.push(charFinding(first, lines.span(start, Math.min(i, text.length)), count));
    } else extra++;
  }
  if (extra > 0) {
    findings.push({
      code: 'invalid-character',
      severity: 'error',
      message: `${extra} more runs of characters that are not allowed in a policy document`,
      span: lines.span(text.length, text.length),
      hint: CHAR_HINT,
      spec: '§5.7',
    });
  }
  return findings;
}

/**
 * The first character IAM refuses in a decoded string, or undefined. Used where the source is
 * not the JSON IAM will receive (YAML, inline policies).
 */
export function firstInvalidChar(value: string): string | undefined {
  for (let i = 0; i < value.length; i++) {
    if (!isAllowedPolicyChar(value.charCodeAt(i))) {
      return String.fromCodePoint(value.codePointAt(i) ?? 0);
    }
  }
  return undefined;
}

/** The quota finding for a trust policy of `size` non-whitespace characters, if any. */
export function sizeFinding(size: number, span: Span): Finding | undefined {
  if (size <= TRUST_POLICY_DEFAULT_QUOTA) return undefined;
  const over = size > TRUST_POLICY_MAX_QUOTA;
  return {
    code: 'policy-size-quota',
    severity: over ? 'error' : 'warning',
    message: over
      ? `the policy has ${size} non-whitespace characters, over the ${TRUST_POLICY_MAX_QUOTA} that a role trust policy can have`
      : `the policy has ${size} non-whitespace characters, over the default role trust policy quota of ${TRUST_POLICY_DEFAULT_QUOTA}`,
    span,
    hint: over
      ? `shorten the policy (e.g. merge statements, use fewer values) to at most ${TRUST_POLICY_MAX_QUOTA} characters`
      : `the quota can be raised to ${TRUST_POLICY_MAX_QUOTA} (Service Quotas: "Role trust policy length"); or shorten the policy`,
    spec: '§5.7',
  };
}

/**
 * Characters IAM refuses were seen by `stringSize` since the last `sizeOf` (a flag beside the
 * count, so that one pass over the strings both measures and checks them).
 */
let sawInvalid = false;

/** Printable Latin-1 without space, `"` and `\\`: written as is by `JSON.stringify`, every character counted. */
const PLAIN_STRING = /^[\x21\x23-\x5b\x5d-\xff]*$/;

/** Non-whitespace length of a string as `JSON.stringify` writes it (quotes and escapes included). */
function stringSize(s: string): number {
  // Most policy strings hold no space, quote, backslash or character outside printable Latin-1:
  // one native regex test answers for them (a JavaScript loop per character cost more).
  if (PLAIN_STRING.test(s)) return s.length + 2;
  let n = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x23 && c < 0xd800) {
      if (c > 0xff) sawInvalid = true;
      n += c === 0x5c ? 2 : 1;
    } else if (c === 0x20) {
      // a space is white space: not counted
    } else if (c === 0x22 || c === 0x21) {
      n += c === 0x22 ? 2 : 1;
    } else if (c < 0x20) {
      if (c !== 0x09 && c !== 0x0a && c !== 0x0d) sawInvalid = true;
      n += c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 2 : 6;
    } else {
      sawInvalid = true;
      if (c >= 0xd800 && c <= 0xdbff) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          n += 2;
          i++;
        } else n += 6; // a lone surrogate is written \udXXX
      } else n += c >= 0xdc00 && c <= 0xdfff ? 6 : 1;
    }
  }
  return n;
}

/**
 * `serializedSize` of the tree, and whether every key and string holds only characters IAM
 * allows (see `isAllowedPolicyChar`) — one walk for both.
 */
export function sizeOf(node: AstNode): { size: number; allowedChars: boolean } {
  sawInvalid = false;
  const size = serializedSize(node);
  return { size, allowedChars: !sawInvalid };
}

/**
 * The size IAM would count for the tree written as compact JSON: the non-whitespace length of
 * `JSON.stringify` of its value (a later duplicate key replaces an earlier one), computed from the
 * tree without writing the text (§5.7).
 */
export function serializedSize(node: AstNode): number {
  switch (node.kind) {
    case 'string':
      return stringSize(node.value);
    case 'number':
      return Number.isFinite(node.value) ? String(node.value).length : 4;
    case 'boolean':
      return node.value ? 4 : 5;
    case 'null':
      return 4;
    case 'array': {
      let n = node.items.length > 0 ? node.items.length + 1 : 2;
      for (const item of node.items) n += serializedSize(item);
      return n;
    }
    case 'object': {
      const members = node.members;
      const last = members.length > 16 ? lastIndexByKey(members) : undefined;
      let n = 2;
      let count = 0;
      for (let i = 0; i < members.length; i++) {
        const m = members[i] as AstMember;
        if (last ? last.get(m.key) !== i : laterDuplicate(members, i)) continue;
        n += stringSize(m.key) + 1 + serializedSize(m.value);
        count++;
      }
      return count > 0 ? n + count - 1 : n;
    }
  }
}

function lastIndexByKey(members: readonly AstMember[]): Map<string, number> {
  const last = new Map<string, number>();
  members.forEach((m, i) => last.set(m.key, i));
  return last;
}

/** A member with the same key comes later (small objects: a scan beats a map). */
function laterDuplicate(members: readonly AstMember[], i: number): boolean {
  const key = (members[i] as AstMember).key;
  for (let j = i + 1; j < members.length; j++)
    if ((members[j] as AstMember).key === key) return true;
  return false;
}
