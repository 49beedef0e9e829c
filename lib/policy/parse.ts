/**
 * Trust-policy text → the typed model, refusing what IAM refuses (§4.1, §5, §5.7). Every problem
 * is a Finding with the span of the element at fault; all of them are reported in one pass.
 */
import type { Document, LineCounter } from 'yaml';
import { isBlocking, type Finding, type Span } from '../diagnostics.js';
import { parseOperator } from './operators.js';
import { describeKind, LineIndex, type AstMember, type AstNode, type AstObject } from './ast.js';
import { readCleanPolicy } from './clean.js';
import { ACTION_PATTERN, ASSUME, lowerKey, SID_PATTERN } from './elements.js';
import { duplicateKeyFinding, parseJson } from './json.js';
import {
  firstInvalidChar,
  invalidCharacterFindings,
  nonWhitespaceLength,
  sizeOf,
  sizeFinding,
} from './limits.js';
import type {
  ConditionClause,
  Effect,
  Located,
  ParseResult,
  PolicyVersion,
  PrincipalSpec,
  Statement,
  TrustPolicy,
} from './model.js';
import { parseFederatedPrincipal, type FederatedParse } from './principal.js';
import { valueToAst, type ValueSpanOptions } from './value.js';
import { parseYaml, yamlNodeToAst } from './yaml.js';

export type PolicyFormat = 'json' | 'yaml' | 'auto';

export interface ParsePolicyOptions extends ValueSpanOptions {
  /**
   * For text: `auto` (default) reads JSON when the first non-whitespace character is `{`, else
   * YAML. Not used for an already-parsed value.
   */
  format?: PolicyFormat;
}

const VERSIONS: readonly PolicyVersion[] = ['2012-10-17', '2008-10-17'];
const POLICY_ELEMENTS = ['Version', 'Id', 'Statement'];
const STATEMENT_ELEMENTS = ['Sid', 'Effect', 'Principal', 'Action', 'NotAction', 'Condition'];
const PRINCIPAL_TYPES = ['Federated', 'AWS', 'Service', 'CanonicalUser'];

/**
 * The first member before `i` with the same key as member `i`, or undefined. Policy objects have
 * a handful of members, so a scan beats a map; `seen` (first member by key, filled in order) is
 * given for big objects, which only broken input has.
 */
function firstBefore(
  members: readonly AstMember[],
  i: number,
  seen: Map<string, AstMember> | undefined,
): AstMember | undefined {
  const m = members[i] as AstMember;
  if (seen) {
    const first = seen.get(m.key);
    if (!first) seen.set(m.key, m);
    return first;
  }
  for (let j = 0; j < i; j++) if ((members[j] as AstMember).key === m.key) return members[j];
  return undefined;
}

const ACTION_HINT =
  'write "sts:AssumeRoleWithWebIdentity" (service prefix, colon, action name; * and ? as wildcards)';

function actionHint(): string {
  return ACTION_HINT;
}

function principalValuesHint(type: string): string {
  return `write ${q(type)}: "..." or ${q(type)}: ["...", "..."]`;
}

function valuesHint(key: string): string {
  return `write ${q(key)}: "value" or ${q(key)}: ["value1", "value2"]`;
}

/**
 * `"Statement": []`: no AWS text says what IAM answers; it answers "MalformedPolicyDocument: Syntax
 * errors in policy." for `"Statement": null` (kops#13095), so most likely the same (fidelity
 * corrections, item 1). A write-time error: the simulation evaluates the policy, which allows
 * nothing.
 */
function emptyStatementList(span: Span): Finding {
  return {
    code: 'empty-statement-list',
    severity: 'error',
    message:
      'Statement is an empty list: IAM would most likely refuse to store this policy (MalformedPolicyDocument: Syntax errors in policy.); simulated, it allows nothing (an implicit deny for every request)',
    span,
    hint: 'add a statement: "Statement": [{"Effect": "Allow", "Principal": {...}, "Action": "sts:AssumeRoleWithWebIdentity"}] (the write-time refusal is UNCONFIRMED: no AWS text; IAM answers so for "Statement": null, kops#13095)',
    spec: '§4.1',
    writeTime: true,
  };
}

/** Which policy element an object is, for duplicate-key hints. */
type Role = 'policy' | 'statement' | 'condition' | 'block' | 'other';

function caseFix(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  return known.find((k) => k.toLowerCase() === lower && k !== name);
}

function q(s: string): string {
  return JSON.stringify(s);
}

/**
 * Sorts by place (stable) and drops exact repeats (same code and span). With `keepRepeats` (a
 * value's nodes often share one span) only sorts.
 */
function tidy(findings: Finding[], keepRepeats = false): Finding[] {
  if (findings.length === 0) return findings;
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of findings) {
    const id = `${f.code}@${f.span?.start.offset ?? -1}-${f.span?.end.offset ?? -1}`;
    if (!keepRepeats && seen.has(id)) continue;
    seen.add(id);
    out.push(f);
  }
  return out
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) =>
        (a.f.span?.start.offset ?? Infinity) - (b.f.span?.start.offset ?? Infinity) || a.i - b.i,
    )
    .map((x) => x.f);
}

function result(
  policy: TrustPolicy | undefined,
  findings: Finding[],
  keepRepeats = false,
): ParseResult {
  const all = tidy(findings, keepRepeats);
  if (policy && !all.some(isBlocking)) {
    return { ok: true, policy, findings: all };
  }
  return { ok: false, findings: all };
}

interface BuildOptions {
  /** The text the spans point into. */
  text?: string;
  /** The text is the JSON IAM receives: characters and size were checked on it already. */
  rawChecked: boolean;
  /** The parser saw every object and no key twice: the tree need not be walked for duplicates. */
  noDuplicateKeys?: boolean;
}

class Builder {
  readonly findings: Finding[] = [];
  /** Sids so far and where: a list, as a policy has a few statements. */
  private readonly sids: Located<string>[] = [];
  /** Federated values read so far: statements of one policy often name the same provider. */
  private readonly principals: { value: string; parsed: FederatedParse }[] = [];

  constructor(private readonly opts: BuildOptions) {}

  private add(
    severity: Finding['severity'],
    code: string,
    message: string,
    span: Span,
    hint?: string,
    spec?: string,
  ): void {
    this.findings.push({
      code,
      severity,
      message,
      span,
      ...(hint ? { hint } : {}),
      ...(spec ? { spec } : {}),
    });
  }

  private error(code: string, message: string, span: Span, hint?: string, spec?: string): void {
    this.add('error', code, message, span, hint, spec);
  }

  // ---- whole-tree checks -------------------------------------------------------------------

  /** Duplicate keys in every object of the tree, with hints that fit the element. */
  private duplicates(node: AstNode, role: Role): void {
    if (node.kind === 'array') {
      const child = role === 'statement' ? 'statement' : 'other';
      for (const item of node.items)
        if (item.kind === 'object' || item.kind === 'array') this.duplicates(item, child);
      return;
    }
    if (node.kind !== 'object') return;
    const members = node.members;
    const seen = members.length > 32 ? new Map<string, AstMember>() : undefined;
    for (let i = 0; i < members.length; i++) {
      const m = members[i] as AstMember;
      const first = firstBefore(members, i, seen);
      if (first) {
        const hint =
          role === 'condition'
            ? `write one ${q(m.key)} block holding all its keys: IAM refuses the same operator twice in one Condition`
            : role === 'block'
              ? `give ${q(m.key)} once, with all its values in one list`
              : undefined;
        this.findings.push(duplicateKeyFinding(m.key, m.keySpan, first.keySpan, hint));
      }
      const v = m.value;
      if (v.kind !== 'object' && v.kind !== 'array') continue;
      let child: Role = 'other';
      if (role === 'policy' && m.key === 'Statement') child = 'statement';
      else if (role === 'statement' && m.key === 'Condition') child = 'condition';
      else if (role === 'condition') child = 'block';
      this.duplicates(v, child);
    }
  }

  /** Characters IAM refuses, checked on decoded keys and strings (YAML and inline sources). */
  private characters(root: AstNode): void {
    const text = this.opts.text;
    let lines: LineIndex | undefined;
    const check = (value: string, span: Span): void => {
      const bad = firstInvalidChar(value);
      if (bad === undefined) return;
      let at = span;
      if (text !== undefined) {
        const i = text.slice(span.start.offset, span.end.offset).indexOf(bad);
        if (i >= 0) {
          const start = span.start.offset + i;
          lines ??= new LineIndex(text);
          at = lines.span(start, start + bad.length);
        }
      }
      const code = bad.codePointAt(0) ?? 0;
      this.error(
        'invalid-character',
        `character U+${code.toString(16).toUpperCase().padStart(4, '0')} ${q(bad)} is not allowed in a policy document`,
        at,
        'IAM accepts only tab, line feed, carriage return and U+0020–U+00FF in a policy document: remove or replace the character',
        '§5.7',
      );
    };
    const stack: AstNode[] = [root];
    while (stack.length > 0) {
      const node = stack.pop() as AstNode;
      if (node.kind === 'string') check(node.value, node.span);
      else if (node.kind === 'array') stack.push(...node.items);
      else if (node.kind === 'object') {
        for (const m of node.members) {
          check(m.key, m.keySpan);
          stack.push(m.value);
        }
      }
    }
  }

  // ---- the policy ---------------------------------------------------------------------------

  build(root: AstNode): TrustPolicy | undefined {
    if (!this.opts.noDuplicateKeys) this.duplicates(root, 'policy');
    let size: number | undefined;
    if (!this.opts.rawChecked) {
      const measured = sizeOf(root);
      if (!measured.allowedChars) this.characters(root);
      size = measured.size;
      const f = sizeFinding(size, root.span);
      if (f) this.findings.push(f);
    }
    if (root.kind !== 'object') {
      this.error(
        'policy-not-object',
        `a trust policy is an object, found ${describeKind(root.kind)}`,
        root.span,
        'write {"Version": "2012-10-17", "Statement": [...]}',
        '§4.1',
      );
      return undefined;
    }
    let version: PolicyVersion | undefined;
    let versionSpan: Span | undefined;
    let id: string | undefined;
    let statementNode: AstMember | undefined;
    for (const m of root.members) {
      switch (m.key) {
        case 'Version':
          versionSpan = m.value.span;
          if (
            m.value.kind === 'string' &&
            (VERSIONS as readonly string[]).includes(m.value.value)
          ) {
            version = m.value.value as PolicyVersion;
          } else {
            this.error(
              'invalid-version',
              `Version must be "2012-10-17" or "2008-10-17", found ${m.value.kind === 'string' ? q(m.value.value) : describeKind(m.value.kind)}`,
              m.value.span,
              'write "Version": "2012-10-17" (the only version with policy variables)',
              '§4.1',
            );
          }
          break;
        case 'Id':
          if (m.value.kind === 'string') id = m.value.value;
          else {
            this.error(
              'invalid-id',
              `Id must be a string, found ${describeKind(m.value.kind)}`,
              m.value.span,
              'write "Id": "..." or leave Id out',
              '§4.1',
            );
          }
          break;
        case 'Statement':
          statementNode ??= m;
          break;
        default: {
          const fix = caseFix(m.key, POLICY_ELEMENTS);
          const misplaced = STATEMENT_ELEMENTS.includes(m.key);
          this.error(
            'unknown-element',
            `unknown policy element ${q(m.key)}`,
            m.keySpan,
            fix
              ? `element names are case-sensitive: write ${q(fix)}`
              : misplaced
                ? `${q(m.key)} belongs inside a statement: "Statement": [{"Effect": ..., ${q(m.key)}: ...}]`
                : 'a policy has only "Version", "Id" and "Statement"',
            '§4.1',
          );
        }
      }
    }
    if (version === undefined && versionSpan === undefined) {
      this.add(
        'info',
        'missing-version',
        'no Version: AWS then uses 2008-10-17, in which policy variables such as ${...} are literal text',
        { start: root.span.start, end: root.span.start },
        'add "Version": "2012-10-17"',
        '§4.1',
      );
    }
    const statements = this.statementList(statementNode, root);
    if (version !== '2012-10-17') this.literalVariables(statements, versionSpan);
    return {
      version,
      ...(id !== undefined ? { id } : {}),
      statements,
      span: root.span,
      ...(versionSpan ? { versionSpan } : {}),
      ...(size !== undefined ? { size } : {}),
    };
  }

  /** The `Statement` element: one statement object or a list of them. */
  private statementList(member: AstMember | undefined, root: AstNode): Statement[] {
    const statements: Statement[] = [];
    if (!member) {
      this.error(
        'missing-statement',
        'the policy has no Statement',
        root.span,
        'add "Statement": [{"Effect": "Allow", "Principal": {...}, "Action": "sts:AssumeRoleWithWebIdentity"}]',
        '§4.1',
      );
      return statements;
    }
    const s = member.value;
    if (s.kind === 'object') {
      const st = this.statement(s, 0);
      if (st) statements.push(st);
    } else if (s.kind === 'array' && s.items.length === 0) {
      this.findings.push(emptyStatementList(s.span));
    } else if (s.kind === 'array') {
      s.items.forEach((item, i) => {
        if (item.kind !== 'object') {
          this.error(
            'invalid-statement',
            `a statement is an object, found ${describeKind(item.kind)}`,
            item.span,
            'write each statement as {"Effect": ..., "Principal": ..., "Action": ...}',
            '§4.1',
          );
          return;
        }
        const st = this.statement(item, i);
        if (st) statements.push(st);
      });
    } else {
      this.error(
        'invalid-statement',
        `Statement must be an object or a non-empty list of objects, found ${describeKind(s.kind)}`,
        s.span,
        'write "Statement": [{"Effect": "Allow", "Principal": {...}, "Action": "sts:AssumeRoleWithWebIdentity"}]',
        '§4.1',
      );
    }
    return statements;
  }

  /** Without Version 2012-10-17, `${...}` in a condition value is compared literally (§5.6). */
  private literalVariables(statements: Statement[], versionSpan: Span | undefined): void {
    for (const st of statements) {
      for (const c of st.conditions) {
        for (const v of c.values) {
          if (!/\$\{[^}]*\}/.test(v.value)) continue;
          this.add(
            'warning',
            'policy-variable-literal',
            `${q(v.value)} holds a policy variable, but without "Version": "2012-10-17" it is literal text`,
            v.span,
            versionSpan
              ? 'set "Version": "2012-10-17" to substitute policy variables'
              : 'add "Version": "2012-10-17" to substitute policy variables',
            '§4.1, §5.6',
          );
        }
      }
    }
  }

  // ---- statements ---------------------------------------------------------------------------

  private statement(node: AstObject, index: number): Statement | undefined {
    let sid: Located<string> | undefined;
    let effect: Located<Effect> | undefined;
    let effectSeen = false;
    let principal: PrincipalSpec | undefined;
    let principalSeen = false;
    let action: AstMember | undefined;
    let notAction: AstMember | undefined;
    let conditions: ConditionClause[] = [];
    for (const m of node.members) {
      switch (m.key) {
        case 'Sid':
          sid = this.sid(m) ?? sid;
          break;
        case 'Effect':
          effectSeen = true;
          effect = this.effect(m.value) ?? effect;
          break;
        case 'Principal':
          principalSeen = true;
          principal = this.principal(m.value) ?? principal;
          break;
        case 'NotPrincipal':
          this.error(
            'not-principal-in-trust-policy',
            'NotPrincipal is not allowed in a role trust policy',
            m.keySpan,
            'name who may assume the role with "Principal"; use a Deny statement to exclude callers',
            '§4.1',
          );
          break;
        case 'Resource':
        case 'NotResource':
          this.error(
            'resource-in-trust-policy',
            `${m.key} is not allowed in a role trust policy`,
            m.keySpan,
            `remove ${q(m.key)}: the resource of a trust policy is the role itself (IAM answers "Has prohibited field ${m.key}")`,
            '§4.1',
          );
          break;
        case 'Action':
          action ??= m;
          break;
        case 'NotAction':
          notAction ??= m;
          break;
        case 'Condition':
          conditions = this.condition(m.value);
          break;
        default: {
          const fix = caseFix(m.key, [...STATEMENT_ELEMENTS, 'NotPrincipal']);
          this.error(
            'unknown-element',
            `unknown statement element ${q(m.key)}`,
            m.keySpan,
            fix
              ? `element names are case-sensitive: write ${q(fix)}`
              : POLICY_ELEMENTS.includes(m.key)
                ? `${q(m.key)} belongs at the top of the policy, not inside a statement`
                : 'a statement has only "Sid", "Effect", "Principal", "Action" or "NotAction", and "Condition"',
            '§4.1',
          );
        }
      }
    }
    if (!effectSeen) {
      this.error(
        'missing-effect',
        'the statement has no Effect',
        node.span,
        'add "Effect": "Allow" or "Effect": "Deny"',
        '§4.1',
      );
    }
    if (!principalSeen) {
      this.error(
        'missing-principal',
        'the statement has no Principal (required in a role trust policy)',
        node.span,
        'add "Principal": {"Federated": "arn:aws:iam::ACCOUNT:oidc-provider/HOST"}',
        '§4.1',
      );
    }
    const act = this.actionElement(node, action, notAction);
    if (!effect || !principal || !act) return undefined;
    return {
      index,
      ...(sid ? { sid } : {}),
      effect,
      principal,
      action: act,
      conditions,
      span: node.span,
    };
  }

  /** `Action` or `NotAction` (not both, not neither) of a statement. */
  private actionElement(
    node: AstObject,
    action: AstMember | undefined,
    notAction: AstMember | undefined,
  ): Statement['action'] | undefined {
    let patterns: Located<string>[] | undefined;
    let actionSpan: Span | undefined;
    if (action && notAction) {
      this.error(
        'action-and-not-action',
        'a statement has either Action or NotAction, not both',
        notAction.keySpan,
        'remove "NotAction" and list the actions under "Action"',
        '§4.1',
      );
    } else if (!action && !notAction) {
      this.error(
        'missing-action',
        'the statement has no Action',
        node.span,
        'add "Action": "sts:AssumeRoleWithWebIdentity"',
        '§4.1',
      );
    }
    if (action) {
      patterns = this.actions(action.value);
      actionSpan = action.value.span;
    }
    if (notAction) {
      const p = this.actions(notAction.value);
      this.add(
        'warning',
        'not-action',
        'NotAction in a trust policy: whether IAM accepts it is UNCONFIRMED (18)',
        notAction.keySpan,
        'list the allowed actions under "Action", e.g. "sts:AssumeRoleWithWebIdentity"',
        '§4.1',
      );
      if (!action) {
        patterns = p;
        actionSpan = notAction.value.span;
      }
    }
    if (!patterns || !actionSpan) return undefined;
    return { negated: !action, patterns, span: actionSpan };
  }

  private sid(m: AstMember): Located<string> | undefined {
    const v = m.value;
    if (v.kind !== 'string') {
      this.error(
        'invalid-sid',
        `Sid must be a string, found ${describeKind(v.kind)}`,
        v.span,
        'write "Sid": "AllowGitHubDeploy"',
        '§4.1',
      );
      return undefined;
    }
    if (!SID_PATTERN.test(v.value)) {
      this.add(
        'warning',
        'sid-not-alphanumeric',
        `Sid ${q(v.value)} has characters other than letters and digits`,
        v.span,
        `IAM expects alphanumerics only, e.g. ${q(v.value.replace(/[^A-Za-z0-9]/g, '') || 'Statement1')}`,
        '§4.1',
      );
    }
    if (v.value !== '') {
      const first = this.sids.find((x) => x.value === v.value)?.span;
      if (first) {
        this.error(
          'duplicate-sid',
          `Sid ${q(v.value)} is used by another statement (line ${first.start.line}, column ${first.start.column})`,
          v.span,
          'give every statement its own Sid',
          '§4.1',
        );
      } else this.sids.push({ value: v.value, span: v.span });
    }
    return { value: v.value, span: v.span };
  }

  private effect(v: AstNode): Located<Effect> | undefined {
    if (v.kind === 'string' && (v.value === 'Allow' || v.value === 'Deny')) {
      return { value: v.value, span: v.span };
    }
    const fix = v.kind === 'string' ? caseFix(v.value, ['Allow', 'Deny']) : undefined;
    this.error(
      'invalid-effect',
      `Effect must be "Allow" or "Deny", found ${v.kind === 'string' ? q(v.value) : describeKind(v.kind)}`,
      v.span,
      fix
        ? `Effect is case-sensitive: write ${q(fix)}`
        : 'write "Effect": "Allow" or "Effect": "Deny"',
      '§3.6',
    );
    return undefined;
  }

  /**
   * A string or a non-empty list of strings. `code` names the error for a wrong type; `hint` is
   * called only when there is an error to explain.
   */
  private strings(
    v: AstNode,
    element: string,
    code: string,
    hintFor: (name: string) => string,
    name: string,
  ): Located<string>[] | undefined {
    if (v.kind === 'string') return [{ value: v.value, span: v.span }];
    if (v.kind === 'array') {
      if (v.items.length === 0) {
        this.error('empty-list', `${element} is an empty list`, v.span, hintFor(name), '§4.1');
        return undefined;
      }
      const out: Located<string>[] = [];
      let ok = true;
      for (const item of v.items) {
        if (item.kind === 'string') out.push({ value: item.value, span: item.span });
        else {
          ok = false;
          this.error(
            code,
            `${element} values are strings, found ${describeKind(item.kind)}`,
            item.span,
            hintFor(name),
            '§4.1',
          );
        }
      }
      return ok ? out : undefined;
    }
    this.error(
      code,
      `${element} must be a string or a list of strings, found ${describeKind(v.kind)}`,
      v.span,
      hintFor(name),
      '§4.1',
    );
    return undefined;
  }

  // ---- Principal ----------------------------------------------------------------------------

  private wildcardWarning(span: Span, written: string): void {
    this.add(
      'warning',
      'principal-wildcard',
      `Principal ${written} lets every caller past the principal check: only the conditions protect the role`,
      span,
      'name the identity provider: {"Federated": "arn:aws:iam::ACCOUNT:oidc-provider/HOST"} (whether IAM accepts "*" here, and whether it matches web-identity callers, is UNCONFIRMED 18)',
      '§4.1, §8.1',
    );
  }

  private principal(v: AstNode): PrincipalSpec | undefined {
    const spec: PrincipalSpec = { star: false, federated: [], other: [], span: v.span };
    if (v.kind === 'string') {
      if (v.value === '*') {
        spec.star = true;
        this.wildcardWarning(v.span, '"*"');
        return spec;
      }
      this.error(
        'invalid-principal',
        `Principal must be "*" or an object such as {"Federated": ...}, found the string ${q(v.value)}`,
        v.span,
        v.value.startsWith('arn:') || v.value.includes('.')
          ? `write "Principal": {"Federated": ${q(v.value)}}`
          : `write "Principal": {"Federated": "arn:aws:iam::ACCOUNT:oidc-provider/HOST"}`,
        '§2.1',
      );
      return undefined;
    }
    if (v.kind !== 'object' || v.members.length === 0) {
      this.error(
        'invalid-principal',
        v.kind === 'object'
          ? 'Principal is an empty object'
          : `Principal must be "*" or an object such as {"Federated": ...}, found ${describeKind(v.kind)}`,
        v.span,
        'write "Principal": {"Federated": "arn:aws:iam::ACCOUNT:oidc-provider/HOST"}',
        '§2.1',
      );
      return undefined;
    }
    let ok = true;
    for (const m of v.members) {
      if (!PRINCIPAL_TYPES.includes(m.key)) {
        const fix = caseFix(m.key, PRINCIPAL_TYPES);
        this.error(
          'unknown-principal-type',
          `unknown principal type ${q(m.key)}`,
          m.keySpan,
          fix
            ? `principal types are case-sensitive: write ${q(fix)}`
            : 'the principal types are "Federated", "AWS", "Service" and "CanonicalUser"; web identity uses "Federated"',
          '§2.1',
        );
        ok = false;
        continue;
      }
      const values = this.strings(
        m.value,
        `Principal ${m.key}`,
        'invalid-principal-value',
        principalValuesHint,
        m.key,
      );
      if (!values) {
        ok = false;
        continue;
      }
      const kept: Located<string>[] = [];
      for (const val of values) {
        if (val.value === '*') {
          if (m.key === 'AWS') {
            spec.star = true;
            this.wildcardWarning(val.span, '{"AWS": "*"}');
          } else {
            ok = false;
            this.error(
              'invalid-principal-wildcard',
              `"*" is not a valid ${m.key} principal`,
              val.span,
              'a wildcard principal is written "Principal": "*" or {"AWS": "*"}; for web identity name the provider',
              '§2.1',
            );
          }
          continue;
        }
        if (val.value.includes('*')) {
          ok = false;
          this.error(
            'principal-partial-wildcard',
            `a principal cannot contain a wildcard: ${q(val.value)}`,
            val.span,
            'IAM allows no partial wildcards in principals: write the full name or ARN, and narrow callers with conditions',
            '§2.1',
          );
          continue;
        }
        if (m.key === 'Federated') {
          let parsed = this.principals.find((x) => x.value === val.value)?.parsed;
          if (!parsed) {
            parsed = parseFederatedPrincipal(val.value);
            if (this.principals.length < 16) this.principals.push({ value: val.value, parsed });
          }
          for (const issue of parsed.issues) this.findings.push({ ...issue, span: val.span });
          if (!parsed.ok) {
            ok = false;
            continue;
          }
        }
        kept.push(val);
      }
      if (m.key === 'Federated') spec.federated.push(...kept);
      else if (kept.length > 0) {
        const existing = spec.other.find((o) => o.type === m.key);
        if (existing) existing.values.push(...kept);
        else spec.other.push({ type: m.key, values: kept });
      }
    }
    return ok ? spec : undefined;
  }

  // ---- Action -------------------------------------------------------------------------------

  private actions(v: AstNode): Located<string>[] | undefined {
    const values = this.strings(v, 'Action', 'invalid-action', actionHint, '');
    if (!values) return undefined;
    let ok = true;
    for (const a of values) {
      if (a.value === ASSUME || a.value === '*' || ACTION_PATTERN.test(a.value)) continue;
      ok = false;
      this.error(
        'invalid-action',
        `${q(a.value)} is not a valid action`,
        a.span,
        ACTION_HINT,
        '§4.1',
      );
    }
    return ok ? values : undefined;
  }

  // ---- Condition ----------------------------------------------------------------------------

  private condition(v: AstNode): ConditionClause[] {
    if (v.kind !== 'object') {
      this.error(
        'invalid-condition',
        `Condition must be an object of operator blocks, found ${describeKind(v.kind)}`,
        v.span,
        'write "Condition": {"StringEquals": {"KEY": "value"}}',
        '§5.1',
      );
      return [];
    }
    const clauses: ConditionClause[] = [];
    for (const block of v.members) {
      const op = parseOperator(block.key);
      if (!op.ok) this.error(op.code, op.message, block.keySpan, op.hint, '§5');
      const b = block.value;
      if (b.kind !== 'object') {
        this.error(
          'invalid-condition-block',
          `the ${q(block.key)} block must be an object of condition keys, found ${describeKind(b.kind)}`,
          b.span,
          `write ${q(block.key)}: {"KEY": "value"}`,
          '§5.1',
        );
        continue;
      }
      if (b.members.length === 0) {
        this.add(
          'warning',
          'empty-condition-block',
          `the ${q(block.key)} block has no condition keys: it tests nothing`,
          b.span,
          'add the keys to test, or remove the block',
          '§5.1',
        );
      }
      const keys = b.members;
      // Lower-cased keys so far: a list for the usual handful, a map for many.
      const lowers: string[] = [];
      const byLower = keys.length > 32 ? new Map<string, AstMember>() : undefined;
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i] as AstMember;
        const keyLower = lowerKey(k.key);
        if (k.key === '') {
          this.error(
            'invalid-condition-key',
            'an empty condition key',
            k.keySpan,
            'write a key such as "token.actions.githubusercontent.com:sub"',
            '§3',
          );
        }
        let first: AstMember | undefined;
        if (byLower) {
          first = byLower.get(keyLower);
          if (!first) byLower.set(keyLower, k);
        } else {
          const j = lowers.indexOf(keyLower);
          first = j >= 0 ? keys[j] : undefined;
          lowers.push(keyLower);
        }
        if (first && first.key !== k.key) {
          this.error(
            'duplicate-condition-key',
            `condition key ${q(k.key)} repeats ${q(first.key)} (line ${first.keySpan.start.line}, column ${first.keySpan.start.column}): key names are case-insensitive`,
            k.keySpan,
            `give the key once under ${q(block.key)}, with all its values in one list`,
            '§3.6',
          );
        }
        const values = this.conditionValues(k.value, k.key);
        if (!op.ok || !values) continue;
        clauses.push({
          operator: op.spec,
          operatorSpan: block.keySpan,
          key: k.key,
          keyLower,
          keySpan: k.keySpan,
          values: values.values,
          nonStringValues: values.nonString,
        });
      }
    }
    return clauses;
  }

  private conditionValues(
    v: AstNode,
    key: string,
  ): { values: Located<string>[]; nonString: boolean } | undefined {
    if (v.kind === 'string') {
      return { values: [{ value: v.value, span: v.span }], nonString: false };
    }
    const items = v.kind === 'array' ? v.items : [v];
    if (v.kind === 'array' && items.length === 0) {
      this.error(
        'empty-list',
        `condition key ${q(key)} has an empty list of values`,
        v.span,
        `${valuesHint(key)} (AWS's own guidance on an empty list is contradictory, UNCONFIRMED 20)`,
        '§5.1',
      );
      return undefined;
    }
    const values: Located<string>[] = [];
    let nonString = false;
    let ok = true;
    for (const item of items) {
      switch (item.kind) {
        case 'string':
          values.push({ value: item.value, span: item.span });
          break;
        case 'number':
        case 'boolean': {
          const text = item.kind === 'number' ? item.raw : String(item.value);
          nonString = true;
          values.push({ value: text, span: item.span });
          this.add(
            'warning',
            'non-string-condition-value',
            `condition value ${text} is written as a JSON ${item.kind}; it is compared as the string ${q(text)}`,
            item.span,
            `quote it: ${q(text)} (whether IAM accepts unquoted values is UNCONFIRMED 23)`,
            '§5.4',
          );
          break;
        }
        default:
          ok = false;
          this.error(
            'invalid-condition-value',
            `a condition value is a string, number or boolean, found ${describeKind(item.kind)}${v.kind === 'array' ? ' in the list' : ''}`,
            item.span,
            valuesHint(key),
            '§5.1',
          );
      }
    }
    return ok ? { values, nonString } : undefined;
  }
}

/**
 * Builds the model from a tree. For inline policies (a mapping inside a bigger YAML file): `text`
 * is the text the spans point into, used to place character findings precisely. Reports
 * duplicate keys itself; when the tree came from `yamlNodeToAst`/`parseJson` with duplicate
 * reporting on, drop their `duplicate-key` findings (or convert with `duplicateKeys: false`).
 */
export function policyFromAst(ast: AstNode, text?: string): ParseResult {
  try {
    const builder = new Builder({ ...(text !== undefined ? { text } : {}), rawChecked: false });
    const policy = builder.build(ast);
    return result(policy, builder.findings);
  } catch (e) {
    return { ok: false, findings: [internalError(e)] };
  }
}

/**
 * An inline trust policy: a YAML node of an already parsed file (e.g. a scenario's
 * `role.trustPolicy` mapping) → the model, spans pointing into that file. `doc` lets aliases
 * resolve; `text` (the file's text) places character findings at the character. Never throws.
 */
export function policyFromYamlNode(
  node: unknown,
  lineCounter: LineCounter,
  opts: { doc?: Document; text?: string } = {},
): ParseResult {
  const converted = yamlNodeToAst(node, lineCounter, {
    ...(opts.doc ? { doc: opts.doc } : {}),
    duplicateKeys: false,
  });
  if (!converted.ast) return result(undefined, converted.findings);
  const built = policyFromAst(converted.ast, opts.text);
  const findings = [...converted.findings, ...built.findings];
  return result(built.ok ? built.policy : undefined, findings);
}

/** An already-parsed value → the model, with the character and size checks done on the tree. */
function policyFromValue(value: unknown, opts: ValueSpanOptions): ParseResult {
  try {
    const read = valueToAst(value, opts);
    if (!read.ast) return result(undefined, read.findings, true);
    // The tree's members come from Object.keys: no key twice, no walk to look for one.
    const builder = new Builder({ rawChecked: false, noDuplicateKeys: true });
    const policy = builder.build(read.ast);
    return result(policy, [...read.findings, ...builder.findings], true);
  } catch (e) {
    return { ok: false, findings: [internalError(e)] };
  }
}

function internalError(e: unknown): Finding {
  return {
    code: 'internal-error',
    severity: 'error',
    message: `internal error while reading the policy: ${e instanceof Error ? e.message : String(e)}`,
  };
}

/** Which parser `auto` picks: JSON when the first non-whitespace character is `{`. */
export function detectFormat(text: string): 'json' | 'yaml' {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b) return 'json';
    // White space as \s knows it (ASCII, Latin-1, Unicode spaces, line separators) and the BOM.
    if (!(c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xfeff || (c > 0x7f && isSpace(c)))) {
      return 'yaml';
    }
  }
  return 'yaml';
}

function isSpace(c: number): boolean {
  return /\s/.test(String.fromCharCode(c));
}

/**
 * JSON text → the model by the full reader: `parseJson`, then the builder, every finding. Exported
 * for the tests that compare it with the clean-policy fast path (`readCleanPolicy`).
 */
export function policyFromJsonText(text: string): ParseResult {
  try {
    const parsed = parseJson(text, { duplicateKeys: false });
    // A clean parse has seen every character: no second scan of the text is needed.
    const scan = parsed.scan;
    const findings =
      scan?.allowedChars === true
        ? parsed.findings
        : [...parsed.findings, ...invalidCharacterFindings(text, parsed.lines)];
    const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const size = (scan ? text.length - scan.whiteSpace : nonWhitespaceLength(text)) - bom;
    const sizeSpan = parsed.ast?.span ?? parsed.lines.span(0, text.length);
    const sizeIssue = sizeFinding(size, sizeSpan);
    if (sizeIssue) findings.push(sizeIssue);
    let policy: TrustPolicy | undefined;
    if (parsed.ast) {
      const builder = new Builder({
        text,
        rawChecked: true,
        noDuplicateKeys: !parsed.duplicateKeys,
      });
      policy = builder.build(parsed.ast);
      findings.push(...builder.findings);
      if (policy) policy.size = size;
    }
    return result(policy, findings);
  } catch (e) {
    return { ok: false, findings: [internalError(e)] };
  }
}

/**
 * Parses a trust policy into the model. Never throws: every problem is a finding.
 *
 * `input` is the document's text (JSON or YAML, see `format`) or an already-parsed value (an
 * object from CloudFormation, Terraform or a YAML loader), which is read directly. The same
 * refusals apply to both; a value's spans point at `opts.at` (default line 1, column 1), or
 * wherever `opts.spanOf` places a node. For YAML nodes with positions, see `policyFromYamlNode`.
 */
export function parsePolicy(input: string | object, opts: ParsePolicyOptions = {}): ParseResult {
  if (typeof input !== 'string') return policyFromValue(input, opts);
  const text = input;
  try {
    const format =
      opts.format === undefined || opts.format === 'auto' ? detectFormat(text) : opts.format;
    if (format === 'json') {
      // A clean policy (no finding at all) is read straight into the model; anything else by
      // the full reader, which reports every finding.
      const clean = readCleanPolicy(text);
      return clean ? { ok: true, policy: clean, findings: [] } : policyFromJsonText(text);
    }
    const parsed = parseYaml(text, { duplicateKeys: false });
    const findings = [...parsed.findings];
    // A broken document would only add guesses: build the policy from a readable one.
    const syntaxBroken = findings.some((f) => f.code === 'yaml-syntax');
    let policy: TrustPolicy | undefined;
    if (parsed.ast && !syntaxBroken) {
      const builder = new Builder({ text, rawChecked: false });
      policy = builder.build(parsed.ast);
      findings.push(...builder.findings);
    }
    return result(policy, findings);
  } catch (e) {
    return { ok: false, findings: [internalError(e)] };
  }
}
