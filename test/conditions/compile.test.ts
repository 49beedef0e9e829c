import fc from 'fast-check';
import t from 'tap';
import type { Severity } from '../../lib/diagnostics.js';
import { BASE_OPERATORS } from '../../lib/policy/operators.js';
import { familyFor } from '../../lib/conditions/compile.js';
import { WildcardPattern, splitPattern } from '../../lib/conditions/wildcard.js';
import type { PolicyVersion } from '../../lib/policy/model.js';
import { compileClause, evaluateClause } from '../../lib/conditions/evaluate.js';
import { V2012, clause, ctxOf, valueSpan } from './fixtures/clauses.js';
import { clauseReason } from '../../lib/explain/describe.js';

interface FindingRow {
  spec: string;
  op: string;
  values: string[];
  version?: PolicyVersion | null;
  code: string;
  severity: Severity;
  /** Index of the value the finding points at. */
  at: number;
}

// prettier-ignore

const rows: FindingRow[] = [
  { spec: '§5.4', op: 'NumericEquals', values: ['10', 'ten'], code: 'invalid-number', severity: 'error', at: 1 },
  { spec: '§5.4', op: 'NumericLessThanIfExists', values: ['1,5'], code: 'invalid-number', severity: 'error', at: 0 },
  { spec: '§5.4', op: 'DateLessThan', values: ['2026-02-30'], code: 'invalid-date', severity: 'error', at: 0 },
  { spec: '§5.4', op: 'DateGreaterThan', values: ['2026-06-01', 'tomorrow'], code: 'invalid-date', severity: 'error', at: 1 },
  { spec: '§5.4', op: 'IpAddress', values: ['10.0.0.0/33'], code: 'invalid-cidr', severity: 'error', at: 0 },
  { spec: '§5.4', op: 'NotIpAddress', values: ['10.0.0.0/8', '2001:db8::/129'], code: 'invalid-cidr', severity: 'error', at: 1 },
  { spec: '§5.4', op: 'BinaryEquals', values: ['not base64!'], code: 'invalid-base64', severity: 'error', at: 0 },
  { spec: '§5.4', op: 'Bool', values: ['yes'], code: 'invalid-bool', severity: 'error', at: 0 },
  { spec: '§5.2', op: 'Null', values: ['maybe'], code: 'invalid-null-value', severity: 'error', at: 0 },
  { spec: '§5.3', op: 'StringLike', values: ['repo:o/r:*', 'repo:o/r'], code: 'like-without-wildcard', severity: 'warning', at: 1 },
  { spec: '§5.3', op: 'StringNotLike', values: ['main'], code: 'like-without-wildcard', severity: 'warning', at: 0 },
  { spec: '§5.3', op: 'StringLike', values: ['repo:o/r${*}'], code: 'like-without-wildcard', severity: 'warning', at: 0 },
  { spec: '§5.3', op: 'StringEquals', values: ['repo:o/r:*'], code: 'wildcard-without-like', severity: 'warning', at: 0 },
  { spec: '§5.3', op: 'StringNotEqualsIgnoreCase', values: ['a', 'b?'], code: 'wildcard-without-like', severity: 'warning', at: 1 },
  { spec: '§5.6', op: 'StringEquals', values: ['${aws:username}'], version: '2008-10-17', code: 'variable-not-allowed', severity: 'warning', at: 0 },
  { spec: '§5.6', op: 'StringEquals', values: ['x', '${aws:username}'], version: null, code: 'variable-not-allowed', severity: 'warning', at: 1 },
  { spec: '§5.6', op: 'IpAddress', values: ['${aws:x}'], code: 'variable-not-allowed', severity: 'warning', at: 0 },
  { spec: '§5.6', op: 'StringEquals', values: ['repo:${aws:x'], code: 'unterminated-variable', severity: 'warning', at: 0 },
  { spec: '§5.6', op: 'StringEquals', values: ['${a b}'], code: 'invalid-variable', severity: 'warning', at: 0 },
  { spec: '§5.4', op: 'ArnLike', values: ['arn:aws:iam::1:role/x', 'arn:aws:*'], code: 'invalid-arn', severity: 'warning', at: 1 },
  { spec: '§5.4', op: 'DateLessThan', values: ['2027'], code: 'ambiguous-date', severity: 'warning', at: 0 },
  { spec: '§5.4', op: 'IpAddress', values: ['203.0.113.5/24'], code: 'cidr-host-bits', severity: 'info', at: 0 },
];

t.test('compile findings: code, severity, span', async (t) => {
  for (const r of rows) {
    const name = `${r.spec} ${r.op} ${JSON.stringify(r.values)} → ${r.severity} ${r.code}`;
    const version = r.version === undefined ? V2012 : (r.version ?? undefined);
    const { compiled, findings } = compileClause(clause(r.op, 'k', r.values), version);
    const f = findings.find((x) => x.code === r.code);
    t.ok(f, name);
    if (!f) continue;
    t.equal(f.severity, r.severity, `${name}: severity`);
    t.same(f.span, valueSpan(r.at), `${name}: span of value ${r.at}`);
    t.ok(f.message.length > 0 && f.hint, `${name}: message and hint`);
    t.equal(f.spec, r.spec, `${name}: spec`);
    const hasError = findings.some((x) => x.severity === 'error');
    t.equal(compiled === undefined, hasError, `${name}: compiled undefined iff an error`);
  }
});

t.test('clean values give no findings', async (t) => {
  const clean: Array<[string, string[]]> = [
    ['StringEquals', ['repo:o/r:ref:refs/heads/main', 'a${*}']],
    ['StringLike', ['repo:o/r:*', 'x?', 'a${*}*']],
    ['StringEqualsIgnoreCase', ['Main']],
    ['NumericEquals', ['10', '-2.5', '1e3']],
    ['DateLessThan', ['2026-06-01T00:00:00Z', '1780272000', '2026-06-01']],
    ['Bool', ['true', 'False']],
    ['BinaryEquals', ['QmluYXJ5VmFsdWU=']],
    ['IpAddress', ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7']],
    ['ArnLike', ['arn:aws:iam::*:role/*']],
    ['ArnEquals', ['arn:aws:iam::123456789012:role/${aws:PrincipalTag/role}']],
    ['Null', ['true', 'FALSE']],
    ['StringEquals', ["${aws:PrincipalTag/team, 'none'}"]],
  ];
  for (const [op, values] of clean) {
    const { compiled, findings } = compileClause(clause(op, 'k', values), V2012);
    t.same(findings, [], `${op} ${JSON.stringify(values)}: no findings`);
    t.ok(compiled, 'compiled');
  }
});

t.test('warnings describe what evaluation does', async (t) => {
  // wildcard-without-like: the * really is literal.
  const w = compileClause(clause('StringEquals', 'k', ['a*']), V2012);
  t.ok(w.compiled);
  t.notOk(evaluateClause(w.compiled!, ctxOf({ k: 'abc' })).result);
  // variable-not-allowed under 2008: literal.
  const v = compileClause(clause('StringEquals', 'k', ['${x}']), '2008-10-17');
  t.ok(evaluateClause(v.compiled!, ctxOf({ k: '${x}', x: 'y' })).result);
  // invalid-arn: never matches, even against itself.
  const a = compileClause(clause('ArnLike', 'k', ['arn:aws:*']), V2012);
  const tr = evaluateClause(a.compiled!, ctxOf({ k: 'arn:aws:iam::1:role/x' }));
  t.notOk(tr.result);
  t.match(clauseReason(tr), 'never matches');
  // Only one variable-not-allowed per value; unterminated keeps the text literal.
  const u = compileClause(clause('StringEquals', 'k', ['a${b']), V2012);
  t.equal(u.findings.length, 1);
  t.ok(evaluateClause(u.compiled!, ctxOf({ k: 'a${b' })).result);
  // Several errors are all reported.
  const many = compileClause(clause('NumericEquals', 'k', ['x', 'y', '3']), V2012);
  t.equal(many.compiled, undefined);
  t.same(
    many.findings.map((f) => [f.code, f.span]),
    [
      ['invalid-number', valueSpan(0)],
      ['invalid-number', valueSpan(1)],
    ],
  );
});

// A value without variables is compiled straight from its text (buildText, and WildcardPattern
// from text): it must give what the general path gives from the value's one text part.
const patternText = fc.string({
  unit: fc.constantFrom('a', 'B', '*', '?', '/', ':', 'Σ', 'İ', 'ß', '😀', '\ud800', ' '),
  maxLength: 10,
});

t.test('a pattern from text is the pattern from its parts', async (t) => {
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(
        patternText,
        fc.array(patternText, { maxLength: 6 }),
        fc.boolean(),
        (p, values, ignoreCase) => {
          const fromText = new WildcardPattern(p, { ignoreCase });
          const fromParts = new WildcardPattern(splitPattern(p), { ignoreCase });
          if (fromText.source !== fromParts.source)
            throw new Error(`source of ${JSON.stringify(p)}`);
          for (const v of [...values, p, p.replace(/[*?]/g, '')]) {
            if (fromText.test(v) !== fromParts.test(v))
              throw new Error(`${JSON.stringify(p)} vs ${JSON.stringify(v)}: test differs`);
            if (fromText.matchesOnlyViaEmptyStar(v) !== fromParts.matchesOnlyViaEmptyStar(v))
              throw new Error(`${JSON.stringify(p)} vs ${JSON.stringify(v)}: empty-star differs`);
          }
        },
      ),
      { numRuns: 2000, seed: 5 },
    ),
  );
});

t.test('every family builds a text value as it builds its one part', async (t) => {
  const texts = fc.oneof(
    patternText,
    fc.constantFrom(
      '10',
      '-2.5',
      '2026-06-01T00:00:00Z',
      'true',
      'QmluYXJ5',
      '10.0.0.0/8',
      'arn:aws:iam::*:role/x',
      '',
    ),
  );
  for (const base of BASE_OPERATORS.values()) {
    const fam = familyFor(base);
    if (!fam?.buildText) continue;
    const buildText = fam.buildText.bind(fam);
    t.doesNotThrow(
      () =>
        fc.assert(
          fc.property(texts, patternText, (text, request) => {
            const a = buildText(text);
            const b = fam.build(text === '' ? [] : [{ text, wild: true }]);
            if ((a === undefined) !== (b === undefined))
              throw new Error(`${text}: validity differs`);
            if (a === undefined || b === undefined) return;
            const r = fam.prepare(request);
            if (r !== undefined && fam.test(r, a) !== fam.test(r, b))
              throw new Error(`${JSON.stringify(text)} vs ${JSON.stringify(request)}`);
          }),
          { numRuns: 300, seed: 9 },
        ),
      base.name,
    );
  }
});
