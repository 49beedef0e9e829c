/**
 * The fast path of `parsePolicy` for JSON text: reads a trust policy straight from the text into
 * the model, without the intermediate tree, when the policy is clean — exactly the policies for
 * which the full reader (`parseJson`, then the model builder in parse.ts) reports no finding at
 * all. At the first thing it does not take (any syntax other than plain JSON objects, lists and
 * strings; an escape; a character outside U+0020–U+00FF in a string; an element, value or shape
 * that the full reader would warn about or refuse; a policy over the size quota) it gives up and
 * the full reader runs, so every finding still comes from one place. What it returns is the very
 * model the full reader builds, spans included (test/policy/clean.test.ts compares them).
 */
import type { Position, Span } from '../diagnostics.js';
import { ACTION_PATTERN, ASSUME, lowerKey, SID_PATTERN } from './elements.js';
import { codeUnits } from './json.js';
import { TRUST_POLICY_DEFAULT_QUOTA } from './limits.js';
import type {
  ConditionClause,
  Effect,
  Located,
  PrincipalSpec,
  Statement,
  TrustPolicy,
} from './model.js';
import { parseOperator } from './operators.js';
import { parseFederatedPrincipal } from './principal.js';

/** Thrown to give up; caught by `readCleanPolicy`. */
class GiveUp {}
const GIVE_UP = new GiveUp();

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;

class CleanReader {
  private pos = 0;
  /** 1-based line of `pos`, and the offset where that line starts (as in json.ts). */
  private line = 1;
  private lineStart = 0;
  /** White space between tokens and spaces in strings: what IAM's size rule leaves out. */
  whiteSpace = 0;
  /** Where the last string read began (its opening quote). */
  private open = 0;
  /** The span of the last value `strings` read (a string or a list). */
  private valueSpan: Span | undefined;
  private readonly sids: string[] = [];
  /** The last Federated value found clean: statements often repeat it. */
  private federated: string | undefined;
  private readonly codes: Uint16Array;
  /** Condition keys met so far (a few per policy): offset of the first of each, length, lower case. */
  private readonly keyAt: number[] = [];
  private readonly keyLength: number[] = [];
  private readonly keyLower: string[] = [];

  constructor(private readonly text: string) {
    this.codes = codeUnits(text);
  }

  read(): TrustPolicy | undefined {
    try {
      const policy = this.policy();
      this.ws();
      if (this.pos !== this.text.length) return undefined;
      return policy;
    } catch (e) {
      if (e instanceof GiveUp) return undefined;
      throw e;
    }
  }

  private at(offset: number): Position {
    return { line: this.line, column: offset - this.lineStart + 1, offset };
  }

  /** White space, counted, with its line breaks (LF, CRLF or a lone CR), as json.ts skips it. */
  /** `skipWs` when white space follows: small enough for the JIT to inline at every call. */
  private ws(): void {
    if ((this.codes[this.pos] as number) <= 0x20) this.skipWs();
  }

  private skipWs(): void {
    const codes = this.codes;
    const from = this.pos;
    let p = from;
    for (;;) {
      const c = codes[p];
      if (c === 0x20 || c === 0x09) p++;
      else if (c === 0x0a) {
        p++;
        this.line++;
        this.lineStart = p;
      } else if (c === 0x0d) {
        p++;
        if (codes[p] === 0x0a) p++;
        this.line++;
        this.lineStart = p;
      } else break;
    }
    this.whiteSpace += p - from;
    this.pos = p;
  }

  /** Steps over `c` (after white space), or gives up. */
  private expect(c: number): void {
    this.ws();
    if (this.codes[this.pos] !== c) throw GIVE_UP;
    this.pos++;
  }

  /** Steps over `close` when it comes next (after white space). */
  private closes(close: number): boolean {
    this.ws();
    if (this.codes[this.pos] !== close) return false;
    this.pos++;
    return true;
  }

  /** After a member or an item: true at `close` (stepped over), false at a comma. */
  private ends(close: number): boolean {
    this.ws();
    const c = this.codes[this.pos++];
    if (c === close) return true;
    if (c === 0x2c) return false;
    throw GIVE_UP;
  }

  /** A plain string (no escape, every character in U+0020–U+00FF); `open` is its quote. */
  private string(): string {
    this.ws();
    const codes = this.codes;
    const open = this.pos;
    if (codes[open] !== QUOTE) throw GIVE_UP;
    let p = open + 1;
    let spaces = 0;
    for (;;) {
      const c = codes[p] as number;
      if (c > QUOTE && c <= 0xff && c !== 0x5c) p++;
      else if (c === QUOTE) break;
      else if (c === 0x20 || c === 0x21) {
        if (c === 0x20) spaces++;
        p++;
      } else throw GIVE_UP; // an escape, a control character, beyond Latin-1, or the end
    }
    this.whiteSpace += spaces;
    this.open = open;
    this.pos = p + 1;
    return this.text.slice(open + 1, p);
  }

  private located(): Located<string> {
    const value = this.string();
    return { value, span: { start: this.at(this.open), end: this.at(this.pos) } };
  }

  /** `{` (after white space) stepped over; its position. */
  private objectStart(): Position {
    this.ws();
    const p = this.pos;
    if (this.codes[p] !== OPEN_BRACE) throw GIVE_UP;
    this.pos = p + 1;
    return this.at(p);
  }

  /** A member's key and the colon after it. */
  private key(): string {
    const key = this.string();
    this.expect(0x3a);
    return key;
  }

  private policy(): TrustPolicy {
    const start = this.objectStart();
    let versionSpan: Span | undefined;
    let id: string | undefined;
    let statements: Statement[] | undefined;
    if (this.closes(CLOSE_BRACE)) throw GIVE_UP;
    do {
      switch (this.key()) {
        case 'Version': {
          const v = this.located();
          // 2008-10-17 may turn policy variables into literal text: a warning.
          if (versionSpan || v.value !== '2012-10-17') throw GIVE_UP;
          versionSpan = v.span;
          break;
        }
        case 'Id':
          if (id !== undefined) throw GIVE_UP;
          id = this.string();
          break;
        case 'Statement':
          if (statements) throw GIVE_UP;
          statements = this.statementList();
          break;
        default:
          throw GIVE_UP;
      }
    } while (!this.ends(CLOSE_BRACE));
    if (!statements || !versionSpan) throw GIVE_UP;
    const span = { start, end: this.at(this.pos) };
    return {
      version: '2012-10-17',
      ...(id !== undefined ? { id } : {}),
      statements,
      span,
      versionSpan,
    };
  }

  /** One statement object, or a non-empty list of them. */
  private statementList(): Statement[] {
    this.ws();
    if (this.codes[this.pos] === OPEN_BRACE) return [this.statement(0)];
    this.expect(OPEN_BRACKET);
    if (this.closes(CLOSE_BRACKET)) throw GIVE_UP; // an empty list: a finding
    const statements: Statement[] = [];
    do statements.push(this.statement(statements.length));
    while (!this.ends(CLOSE_BRACKET));
    return statements;
  }

  private statement(index: number): Statement {
    const start = this.objectStart();
    let sid: Located<string> | undefined;
    let effect: Located<Effect> | undefined;
    let principal: PrincipalSpec | undefined;
    let action: Statement['action'] | undefined;
    let conditions: ConditionClause[] | undefined;
    if (this.closes(CLOSE_BRACE)) throw GIVE_UP;
    do {
      switch (this.key()) {
        case 'Sid':
          if (sid) throw GIVE_UP;
          sid = this.sid();
          break;
        case 'Effect': {
          const e = this.located();
          if (effect || (e.value !== 'Allow' && e.value !== 'Deny')) throw GIVE_UP;
          effect = e as Located<Effect>;
          break;
        }
        case 'Principal':
          if (principal) throw GIVE_UP;
          principal = this.principal();
          break;
        case 'Action': {
          if (action) throw GIVE_UP;
          const patterns = this.strings();
          for (const a of patterns) {
            // The usual action becomes the constant: one string for every policy, which the
            // compiler and each evaluation then compare by reference.
            if (a.value === ASSUME) a.value = ASSUME;
            else if (a.value !== '*' && !ACTION_PATTERN.test(a.value)) throw GIVE_UP;
          }
          action = { negated: false, patterns, span: this.valueSpan as Span };
          break;
        }
        case 'Condition':
          if (conditions) throw GIVE_UP;
          conditions = this.condition();
          break;
        default:
          throw GIVE_UP; // NotAction, NotPrincipal, Resource, … all have findings
      }
    } while (!this.ends(CLOSE_BRACE));
    if (!effect || !principal || !action) throw GIVE_UP;
    return {
      index,
      ...(sid ? { sid } : {}),
      effect,
      principal,
      action,
      conditions: conditions ?? [],
      span: { start, end: this.at(this.pos) },
    };
  }

  private sid(): Located<string> {
    const sid = this.located();
    if (!SID_PATTERN.test(sid.value)) throw GIVE_UP;
    if (sid.value !== '') {
      if (this.sids.includes(sid.value)) throw GIVE_UP;
      this.sids.push(sid.value);
    }
    return sid;
  }

  /** `{"Federated": …}` naming providers without a finding (a `"*"` principal has a warning). */
  private principal(): PrincipalSpec {
    const start = this.objectStart();
    let federated: Located<string>[] | undefined;
    if (this.closes(CLOSE_BRACE)) throw GIVE_UP;
    do {
      if (this.key() !== 'Federated' || federated) throw GIVE_UP;
      federated = this.strings();
      for (const f of federated) {
        if (f.value === this.federated) {
          f.value = this.federated; // one string for the repeats (compared by reference later)
          continue;
        }
        if (f.value.includes('*')) throw GIVE_UP;
        const parsed = parseFederatedPrincipal(f.value);
        if (!parsed.ok || parsed.issues.length > 0) throw GIVE_UP;
        this.federated = f.value;
      }
    } while (!this.ends(CLOSE_BRACE));
    return {
      star: false,
      federated: federated as Located<string>[],
      other: [],
      span: { start, end: this.at(this.pos) },
    };
  }

  /** A string or a non-empty list of strings; `valueSpan` is then the value's span. */
  private strings(): Located<string>[] {
    this.ws();
    const p = this.pos;
    if (this.codes[p] !== OPEN_BRACKET) {
      const one = this.located();
      this.valueSpan = one.span;
      return [one];
    }
    const start = this.at(p);
    this.pos = p + 1;
    if (this.closes(CLOSE_BRACKET)) throw GIVE_UP; // an empty list: a finding
    const values: Located<string>[] = [];
    do values.push(this.located());
    while (!this.ends(CLOSE_BRACKET));
    this.valueSpan = { start, end: this.at(this.pos) };
    return values;
  }

  /**
   * `lowerKey(key)` for the key whose text starts at `at`. Statements repeat their keys: a key met
   * before in this policy is recognised by comparing the code units of the two places in the text
   * (from the end, where keys of one provider differ), cheaper than hashing the key again.
   */
  private lower(key: string, at: number): string {
    const codes = this.codes;
    const n = key.length;
    for (let i = 0; i < this.keyAt.length; i++) {
      if (this.keyLength[i] !== n) continue;
      const first = this.keyAt[i] as number;
      let j = n - 1;
      while (j >= 0 && codes[first + j] === codes[at + j]) j--;
      if (j < 0) return this.keyLower[i] as string;
    }
    const lower = lowerKey(key);
    if (this.keyAt.length < 16) {
      this.keyAt.push(at);
      this.keyLength.push(n);
      this.keyLower.push(lower);
    }
    return lower;
  }

  private condition(): ConditionClause[] {
    this.objectStart();
    const clauses: ConditionClause[] = [];
    if (this.closes(CLOSE_BRACE)) return clauses;
    const operators: string[] = [];
    do {
      const block = this.located();
      this.expect(0x3a);
      const op = parseOperator(block.value);
      if (!op.ok || operators.includes(block.value)) throw GIVE_UP;
      operators.push(block.value);
      this.objectStart();
      if (this.closes(CLOSE_BRACE)) throw GIVE_UP; // an empty block: a warning
      const keys: string[] = [];
      do {
        const k = this.located();
        const keyLower = this.lower(k.value, this.open + 1);
        this.expect(0x3a);
        // An empty key is an error; a key twice (in any case) is one too.
        if (k.value === '' || keys.includes(keyLower)) throw GIVE_UP;
        keys.push(keyLower);
        clauses.push({
          operator: op.spec,
          operatorSpan: block.span,
          key: k.value,
          keyLower,
          keySpan: k.span,
          values: this.strings(),
          nonStringValues: false,
        });
      } while (!this.ends(CLOSE_BRACE));
    } while (!this.ends(CLOSE_BRACE));
    return clauses;
  }
}

/**
 * The model of a clean JSON trust policy (see above), with its size; undefined when the text is
 * not one, and the full reader must run. Never throws on any input.
 */
export function readCleanPolicy(text: string): TrustPolicy | undefined {
  const reader = new CleanReader(text);
  const policy = reader.read();
  if (!policy) return undefined;
  const size = text.length - reader.whiteSpace;
  if (size > TRUST_POLICY_DEFAULT_QUOTA) return undefined; // the quota finding
  policy.size = size;
  return policy;
}
