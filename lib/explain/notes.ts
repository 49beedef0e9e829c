/**
 * Notes in the user's terms. The simulator's layers tag a sentence with the section of trustspec's
 * semantics notes it rests on (`§5.5`) and an UNCONFIRMED rule with its number there; users have
 * neither document. Everything printed passes through `userText`, and every UNCONFIRMED rule has
 * one line here saying what is unsure — the same line as the README's "How exact is it?" table.
 */

import type { Finding } from '../diagnostics.js';
import type { Decision } from '../sts/types.js';

/** Where the README lists every UNCONFIRMED rule. */
export const UNCONFIRMED_SEE = 'see "How exact is it?" in the README';

export interface UnconfirmedRule {
  /** Stable name, shown in output and in the README table. */
  id: string;
  /** What trustspec does, in one line. */
  reading: string;
  /** What is unsure about it, in a few words. */
  unsure: string;
}

/**
 * Every UNCONFIRMED rule a result can rest on, keyed by its number in the semantics notes (the
 * raw notes of lib/ carry `UNCONFIRMED N`); two notes carry no number and are matched by text.
 */
export const UNCONFIRMED_RULES: Readonly<Record<string, UnconfirmedRule>> = {
  '1': {
    id: 'session-name-ascii',
    reading: 'the \\w of the RoleSessionName pattern is taken as ASCII letters, digits and _',
    unsure: 'whether STS accepts other letters',
  },
  '2': {
    id: 'alg-error',
    reading: 'a token signed with an algorithm STS does not accept gets InvalidIdentityToken',
    unsure: 'the error code and message',
  },
  '3': {
    id: 'nbf-skew',
    reading: '`nbf` is enforced with the same five minutes of skew as `exp`',
    unsure: "no AWS text; the message is trustspec's",
  },
  '4': {
    id: 'aud-array',
    reading:
      'an `aud` array with several audiences is refused (InvalidIdentityToken); from a one-element array the aud key takes that audience',
    unsure: 'observed once (Auth0), not documented',
  },
  '5': {
    id: 'signature-error',
    reading:
      'a signature STS cannot verify gets InvalidIdentityToken; no key for the `kid`: "Couldn\'t retrieve verification key…"',
    unsure: 'the code and message (that message seen elsewhere)',
  },
  '6': {
    id: 'issuer-exact',
    reading: 'the provider URL and `iss` are compared exactly and case-sensitively, after https://',
    unsure: 'not documented',
  },
  '8': {
    id: 'extra-action-error',
    reading: 'a missing `sts:TagSession` / `sts:SetSourceIdentity` gives AccessDenied',
    unsure: 'the code and message',
  },
  '10': {
    id: 'check-order',
    reading: "when several checks fail, the first in trustspec's order decides",
    unsure: "the order of STS's checks is not documented",
  },
  '13': {
    id: 'cognito-cn',
    reading: '`cognito-identity.amazonaws.com.cn` is the Cognito principal of aws-cn',
    unsure: 'seen only in third-party templates',
  },
  '15': {
    id: 'generic-oidc-keys',
    reading: "a generic OIDC provider exposes `oaud` (the token's aud), `email` and `azp` as keys",
    unsure: "listed only in secondary summaries of AWS's key page",
  },
  '17': {
    id: 'session-tags',
    reading:
      'a malformed session-tags claim is refused (InvalidIdentityToken); of a tag with several values the first is used',
    unsure: 'the error, and which value is used',
  },
  '18': {
    id: 'not-action-star',
    reading:
      'IAM stores a trust policy with NotAction or Principal "*", and "*" matches web-identity callers',
    unsure: 'not documented for trust policies',
  },
  '20': {
    id: 'empty-values',
    reading:
      'a condition key with an empty value list: positive operators false, negated ones true',
    unsure: 'what IAM does (or whether it stores such a policy)',
  },
  '21': {
    id: 'empty-star',
    reading: '`*` matches the empty string',
    unsure: 'not documented',
  },
  '22': {
    id: 'bool-variables',
    reading: 'policy variables are substituted in a Bool value',
    unsure: 'not documented',
  },
  '23': {
    id: 'non-string-values',
    reading: 'unquoted JSON booleans and numbers as condition values are taken as their text',
    unsure: 'not documented',
  },
  '24': {
    id: 'bare-multivalued',
    reading: 'a plain operator (no ForAnyValue:/ForAllValues:) on a multivalued key is false',
    unsure: 'not documented',
  },
  '25': {
    id: 'claim-variable',
    reading: "a token claim's key used as a policy variable in a trust policy is substituted",
    unsure: 'not documented',
  },
  '28': {
    id: 'shared-issuers',
    reading:
      'the issuers AWS treats as shared (and whose roles must check `sub` or `aud`) are those of a third-party list',
    unsure: "AWS's own list is not published in full",
  },
  'claim-shape': {
    id: 'claim-shape',
    reading:
      'a single-valued key fed by a one-element array takes that element; arrays and objects give no value',
    unsure: 'not documented',
  },
  'google-org': {
    id: 'google-org',
    reading: 'the Google organization key is read from the `google.organization_number` claim',
    unsure: 'AWS names the key, not the claim',
  },
  'jwks-keys': {
    id: 'jwks-keys',
    reading:
      'no `kid`: only a one-key JWKS verifies; keys with `use: enc` or `key_ops` unused; duplicate kids: the last; RSA ≥ 2048 bits',
    unsure: 'not documented; seen by a third-party probe (2026)',
  },
  'aws-outbound': {
    id: 'aws-outbound',
    reading:
      'a token of GetWebIdentityToken (outbound federation) gets InvalidIdentityToken from AssumeRoleWithWebIdentity',
    unsure: 'documented as unusable here; the error is not',
  },
  'pull-request-target': {
    id: 'pull-request-target',
    reading:
      'a `pull_request_target` run presents the `pull_request` subject (`repo:O/R:pull_request`), its `ref` the base branch',
    unsure: 'GitHub documents that subject for "a pull request event"; seen in public CI logs',
  },
  // Not notes of a decision but of a finding's text; listed so the README table is complete.
  'token-old': {
    id: 'token-old',
    reading: 'from 24 hours after `iat` trustspec warns that STS may answer `Token too old`',
    unsure: 'the limit is unpublished (seen from ~42 h)',
  },
  'empty-statement': {
    id: 'empty-statement',
    reading: '`"Statement": []` evaluates as an implicit deny, with a write-time error finding',
    unsure: 'what IAM answers when storing it',
  },
};

/** The rule a raw note (as the simulator records it) stands for, when one is known. */
export function unconfirmedRule(note: string): UnconfirmedRule | undefined {
  const n = /UNCONFIRMED \(?(\d+)/.exec(note)?.[1];
  if (n !== undefined) return UNCONFIRMED_RULES[n];
  const named = /UNCONFIRMED \[([\w-]+)\]/.exec(note)?.[1];
  if (named !== undefined) return Object.values(UNCONFIRMED_RULES).find((r) => r.id === named);
  if (/single-valued keys fed by arrays/.test(note)) return UNCONFIRMED_RULES['claim-shape'];
  if (/organization_number/.test(note)) return UNCONFIRMED_RULES['google-org'];
  return undefined;
}

/** One line: `UNCONFIRMED [aud-array]: … — unsure: …; see "How exact is it?" in the README`. */
export function unconfirmedLine(note: string): string {
  const rule = unconfirmedRule(note);
  if (rule === undefined) return `UNCONFIRMED: ${userText(note)} (${UNCONFIRMED_SEE})`;
  return `UNCONFIRMED [${rule.id}]: ${rule.reading} — ${rule.unsure} (${UNCONFIRMED_SEE})`;
}

/** Several raw notes as their lines, each rule once. */
export function unconfirmedLines(notes: readonly string[]): string[] {
  return [...new Set(notes.map(unconfirmedLine))];
}

const SECTION = String.raw`§\s?\d+(?:\.\d+)*(?:\s+items?\s+\d+(?:(?:,\s*|\s+and\s+)\d+)*)?`;
const SECTIONS = String.raw`${SECTION}(?:\s*(?:,|and)\s*${SECTION})*`;
/** `UNCONFIRMED 24` or `UNCONFIRMED (24)` → `UNCONFIRMED [bare-multivalued]`. */
const NUMBERED = /UNCONFIRMED (?:\((\d+)\)|(\d+))/g;

const RULES: ReadonlyArray<[RegExp, string]> = [
  // `§5.3 (UNCONFIRMED 21): text` (a raw note as a prefix).
  [new RegExp(String.raw`^${SECTIONS}\s*\((UNCONFIRMED \d+)\):\s*`, 'g'), '$1: '],
  // ` (§1.3, §3.1)`: a reference alone in parentheses goes, with the space before it.
  [new RegExp(String.raw`\s*\(${SECTIONS}\)`, 'g'), ''],
  // `(§5.2: text)` / `(§5.5, UNCONFIRMED 24)`: the reference goes, the rest stays.
  [new RegExp(String.raw`\(${SECTIONS}(?::\s*|,\s*)`, 'g'), '('],
  // `(text, §4.1)` / `text (§10 (UNCONFIRMED 4))`.
  [new RegExp(String.raw`,\s*${SECTIONS}(?=\))`, 'g'), ''],
  // `§3.1: text` or `§3.1 text` anywhere else.
  [new RegExp(String.raw`${SECTIONS}:?\s*`, 'g'), ''],
];

/**
 * A sentence of the simulator in the user's terms: no section numbers of documents users do not
 * have; an UNCONFIRMED rule named by its README id. Idempotent; text without `§` is unchanged
 * but for the UNCONFIRMED ids.
 */
export function userText(text: string): string {
  let s = text;
  if (s.includes('§')) {
    for (const [re, by] of RULES) s = s.replace(re, by);
    s = s
      .replace(/\(\s*\)/g, '')
      .replace(/ {2,}/g, ' ')
      .replace(/ ([.,;])/g, '$1');
  }
  if (s.includes('UNCONFIRMED ')) {
    s = s.replace(NUMBERED, (_all, a: string | undefined, b: string | undefined) => {
      const rule = UNCONFIRMED_RULES[a ?? b ?? ''];
      return rule ? `UNCONFIRMED [${rule.id}]` : 'UNCONFIRMED';
    });
  }
  return s;
}

/**
 * A finding's source reference as users can follow it: an AWS document stays; a section of
 * trustspec's own notes is no reference for them (`undefined`).
 */
export function userSpec(spec: string | undefined): string | undefined {
  if (spec === undefined) return undefined;
  const s = userText(spec).replace(/^[\s,;:]+|[\s,;:]+$/g, '');
  return s === '' || /^\(?UNCONFIRMED(?: \[[\w-]+\])?\)?$/.test(s) ? undefined : s;
}

/**
 * A decision with every note in the user's terms (for printing it as data): UNCONFIRMED notes as
 * their one line — a context key's only when a condition reads the key — and findings without
 * section numbers.
 */
export function userDecision(d: Decision): Decision {
  const read = new Set<string>();
  for (const s of d.statements) for (const c of s.conditions) read.add(c.key.toLowerCase());
  const line = (u: string | undefined): string | undefined =>
    u === undefined ? undefined : unconfirmedLine(u);
  return {
    ...d,
    checks: d.checks.map((c) =>
      c.unconfirmed !== undefined ? { ...c, unconfirmed: line(c.unconfirmed) } : c,
    ) as Decision['checks'],
    statements: d.statements.map((s) => ({
      ...s,
      conditions: s.conditions.map((c) => ({ ...c, unconfirmed: unconfirmedLines(c.unconfirmed) })),
    })),
    context: d.context.map((e) => {
      if (e.unconfirmed === undefined) return e;
      const { unconfirmed, ...rest } = e;
      return read.has(e.key.toLowerCase()) ? { ...rest, unconfirmed: line(unconfirmed) } : rest;
    }),
    unconfirmed: unconfirmedLines(d.unconfirmed),
    findings: d.findings.map((f) => userFinding(f)),
  };
}

/** A finding's message and hint without section numbers; its source only when users can follow it. */
export function userFinding(f: Finding): Finding {
  const { spec, ...rest } = f;
  const source = userSpec(spec);
  return {
    ...rest,
    message: userText(f.message),
    ...(f.hint !== undefined ? { hint: userText(f.hint) } : {}),
    ...(source !== undefined ? { spec: source } : {}),
  };
}

/** A diagnosis's sentences without section numbers. */
export function userDiagnosis<T extends { title: string; detail: string; fix: string }>(g: T): T {
  return { ...g, title: userText(g.title), detail: userText(g.detail), fix: userText(g.fix) };
}
