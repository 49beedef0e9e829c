import t from 'tap';
import { BASE_OPERATORS } from '../../lib/policy/operators.js';
import { makeContext } from '../../lib/conditions/context.js';
import {
  MAX_COMPARISONS,
  NOTE_BARE_MULTIVALUED,
  NOTE_BOOL_VARIABLES,
  NOTE_CLAIM_VARIABLE,
  NOTE_EMPTY_STAR,
  NOTE_EMPTY_VALUES,
  NOTE_NON_STRING_VALUES,
  compileClause,
  evaluateClause,
  testClause,
} from '../../lib/conditions/evaluate.js';
import { V2012, clause, ctxOf, entry, rowName, run, type Row } from './fixtures/clauses.js';
import { clauseReason } from '../../lib/explain/describe.js';

const P = 'token.actions.githubusercontent.com';
const SUB = `${P}:sub`;
const T0 = '2026-06-01T00:00:00Z';
const T0_EPOCH = '1780272000';

/**
 * Rows for every operator of the table (positive and negative), with the rule that decides.
 * A row tagged `choice` instead of a § pins the simulator's own rule where the spec is silent or
 * reads otherwise (test-audit §3); its note says where lib/ documents that rule.
 */
// prettier-ignore
const operatorRows: Row[] = [
  // String (§5.3, §3.6)
  { spec: '§5.3', op: 'StringEquals', key: SUB, values: ['x'], ctx: { [SUB]: 'x' }, expect: true, rule: 'compare' },
  { spec: '§5.3', op: 'StringEquals', key: SUB, values: ['y'], ctx: { [SUB]: 'x' }, expect: false, rule: 'compare' },
  { spec: '§3.6', op: 'StringEquals', key: SUB, values: ['X'], ctx: { [SUB]: 'x' }, expect: false, note: 'values case-sensitive' },
  { spec: '§5.1', op: 'StringEquals', key: SUB, values: ['y', 'x'], ctx: { [SUB]: 'x' }, expect: true, note: 'values OR' },
  { spec: '§5.3', op: 'StringEquals', key: SUB, values: ['repo:*'], ctx: { [SUB]: 'repo:a' }, expect: false, note: '* literal' },
  { spec: '§5.3', op: 'StringEquals', key: SUB, values: ['repo:*'], ctx: { [SUB]: 'repo:*' }, expect: true, note: '* literal' },
  { spec: '§5.3', op: 'StringNotEquals', key: SUB, values: ['y'], ctx: { [SUB]: 'x' }, expect: true, rule: 'compare' },
  { spec: '§5.3', op: 'StringNotEquals', key: SUB, values: ['x'], ctx: { [SUB]: 'x' }, expect: false, rule: 'compare' },
  { spec: '§5.1', op: 'StringNotEquals', key: SUB, values: ['a', 'b'], ctx: { [SUB]: 'b' }, expect: false, note: 'negated AND' },
  { spec: '§5.1', op: 'StringNotEquals', key: SUB, values: ['a', 'b'], ctx: { [SUB]: 'c' }, expect: true, note: 'negated AND' },
  { spec: '§5.3', op: 'StringEqualsIgnoreCase', key: SUB, values: ['Repo:O/R'], ctx: { [SUB]: 'repo:o/r' }, expect: true },
  { spec: '§5.3', op: 'StringEqualsIgnoreCase', key: SUB, values: ['repo:o/x'], ctx: { [SUB]: 'REPO:O/R' }, expect: false },
  { spec: '§5.3', op: 'StringNotEqualsIgnoreCase', key: SUB, values: ['ABC'], ctx: { [SUB]: 'abc' }, expect: false },
  { spec: '§5.3', op: 'StringNotEqualsIgnoreCase', key: SUB, values: ['abd'], ctx: { [SUB]: 'abc' }, expect: true },
  { spec: '§5.1', op: 'StringNotEqualsIgnoreCase', key: SUB, values: ['A', 'B'], ctx: { [SUB]: 'b' }, expect: false, note: 'negated AND' },
  { spec: '§5.3', op: 'StringLike', key: SUB, values: ['repo:o/r:*'], ctx: { [SUB]: 'repo:o/r:ref:refs/heads/main' }, expect: true },
  { spec: '§5.3', op: 'StringLike', key: SUB, values: ['repo:o/r:ref:refs/heads/*'], ctx: { [SUB]: 'repo:o/r:pull_request' }, expect: false },
  { spec: '§3.6', op: 'StringLike', key: SUB, values: ['REPO:*'], ctx: { [SUB]: 'repo:o/r' }, expect: false, note: 'case-sensitive' },
  { spec: '§5.3', op: 'StringLike', key: SUB, values: ['repo:o/?'], ctx: { [SUB]: 'repo:o/r' }, expect: true },
  { spec: '§5.3', op: 'StringLike', key: SUB, values: ['repo:o/?'], ctx: { [SUB]: 'repo:o/rr' }, expect: false },
  { spec: '§5.1', op: 'StringLike', key: SUB, values: ['a*', 'b*'], ctx: { [SUB]: 'bz' }, expect: true, note: 'values OR' },
  { spec: '§5.3', op: 'StringNotLike', key: SUB, values: ['repo:o/*'], ctx: { [SUB]: 'repo:o/r' }, expect: false },
  { spec: '§5.3', op: 'StringNotLike', key: SUB, values: ['repo:x/*'], ctx: { [SUB]: 'repo:o/r' }, expect: true },
  { spec: '§5.1', op: 'StringNotLike', key: SUB, values: ['a*', 'b*'], ctx: { [SUB]: 'bz' }, expect: false, note: 'negated AND' },
  { spec: '§5.1', op: 'StringNotLike', key: SUB, values: ['a*', 'b*'], ctx: { [SUB]: 'cz' }, expect: true, note: 'negated AND' },
  // Numeric (§5.4)
  { spec: '§5.4', op: 'NumericEquals', key: 'k', values: ['10'], ctx: { k: '10.0' }, expect: true },
  { spec: '§5.4', op: 'NumericEquals', key: 'k', values: ['10'], ctx: { k: '11' }, expect: false },
  { spec: '§5.4', op: 'NumericEquals', key: 'k', values: ['0.1'], ctx: { k: '0.10' }, expect: true, note: 'decimals' },
  { spec: '§5.4', op: 'NumericNotEquals', key: 'k', values: ['10'], ctx: { k: '11' }, expect: true },
  { spec: '§5.4', op: 'NumericNotEquals', key: 'k', values: ['10'], ctx: { k: '10' }, expect: false },
  { spec: '§5.1', op: 'NumericNotEquals', key: 'k', values: ['1', '2'], ctx: { k: '2' }, expect: false, note: 'negated AND' },
  { spec: '§5.4', op: 'NumericLessThan', key: 'k', values: ['10'], ctx: { k: '9.99' }, expect: true },
  { spec: '§5.4', op: 'NumericLessThan', key: 'k', values: ['10'], ctx: { k: '10' }, expect: false },
  { spec: '§5.4', op: 'NumericLessThanEquals', key: 'k', values: ['10'], ctx: { k: '10' }, expect: true },
  { spec: '§5.4', op: 'NumericLessThanEquals', key: 'k', values: ['10'], ctx: { k: '10.5' }, expect: false },
  { spec: '§5.4', op: 'NumericGreaterThan', key: 'k', values: ['-1.5'], ctx: { k: '-1' }, expect: true },
  { spec: '§5.4', op: 'NumericGreaterThan', key: 'k', values: ['10'], ctx: { k: '10' }, expect: false },
  { spec: '§5.4', op: 'NumericGreaterThanEquals', key: 'k', values: ['10'], ctx: { k: '10' }, expect: true },
  { spec: '§5.4', op: 'NumericGreaterThanEquals', key: 'k', values: ['10'], ctx: { k: '9.5' }, expect: false },
  // Date (§5.4): ISO vs epoch, compared as instants
  { spec: '§5.4', op: 'DateEquals', key: 'aws:CurrentTime', values: [T0], ctx: { 'aws:CurrentTime': T0 }, expect: true },
  { spec: '§5.4', op: 'DateEquals', key: 'aws:EpochTime', values: [T0], ctx: { 'aws:EpochTime': T0_EPOCH }, expect: true, note: 'ISO vs epoch' },
  { spec: '§5.4', op: 'DateEquals', key: 'aws:CurrentTime', values: [T0_EPOCH], ctx: { 'aws:CurrentTime': '2026-06-01T02:00:00+02:00' }, expect: true, note: 'epoch vs offset' },
  { spec: '§5.4', op: 'DateEquals', key: 'aws:CurrentTime', values: [T0], ctx: { 'aws:CurrentTime': '2026-06-01T00:00:01Z' }, expect: false },
  { spec: '§5.4', op: 'DateNotEquals', key: 'aws:CurrentTime', values: [T0], ctx: { 'aws:CurrentTime': '2026-06-01T00:00:01Z' }, expect: true },
  { spec: '§5.4', op: 'DateNotEquals', key: 'aws:CurrentTime', values: ['2026-06-01'], ctx: { 'aws:CurrentTime': T0 }, expect: false },
  { spec: '§5.4', op: 'DateLessThan', key: 'aws:CurrentTime', values: ['2026-06-01'], ctx: { 'aws:CurrentTime': '2026-05-31T23:59:59Z' }, expect: true },
  { spec: '§5.4', op: 'DateLessThan', key: 'aws:CurrentTime', values: ['2026-06-01'], ctx: { 'aws:CurrentTime': T0 }, expect: false },
  { spec: '§5.4', op: 'DateLessThanEquals', key: 'aws:EpochTime', values: ['2026-06-01'], ctx: { 'aws:EpochTime': T0_EPOCH }, expect: true },
  { spec: '§5.4', op: 'DateLessThanEquals', key: 'aws:EpochTime', values: ['2026-06-01'], ctx: { 'aws:EpochTime': '1780272001' }, expect: false },
  { spec: '§5.4', op: 'DateGreaterThan', key: 'aws:CurrentTime', values: ['2026-06-01T00:00:00.000Z'], ctx: { 'aws:CurrentTime': '2026-06-01T00:00:00.001Z' }, expect: true, note: 'fractions' },
  { spec: '§5.4', op: 'DateGreaterThan', key: 'aws:CurrentTime', values: [T0], ctx: { 'aws:CurrentTime': T0 }, expect: false },
  { spec: '§5.4', op: 'DateGreaterThanEquals', key: 'aws:CurrentTime', values: [T0_EPOCH], ctx: { 'aws:CurrentTime': T0 }, expect: true },
  { spec: '§5.4', op: 'DateGreaterThanEquals', key: 'aws:CurrentTime', values: ['2026-06-01T00:00:00-01:00'], ctx: { 'aws:CurrentTime': '2026-06-01T00:30:00Z' }, expect: false, note: 'offset' },
  // Bool, Binary (§5.4)
  { spec: '§5.4', op: 'Bool', key: 'aws:SecureTransport', values: ['true'], ctx: { 'aws:SecureTransport': 'true' }, expect: true },
  { spec: '§5.4', op: 'Bool', key: 'aws:SecureTransport', values: ['true'], ctx: { 'aws:SecureTransport': 'false' }, expect: false },
  { spec: 'choice', op: 'Bool', key: 'aws:SecureTransport', values: ['false'], ctx: { 'aws:SecureTransport': 'FALSE' }, expect: true, note: 'Bool accepts any letter case, lib/conditions/bool.ts' },
  { spec: '§5.4', op: 'BinaryEquals', key: 'k', values: ['QmluYXJ5VmFsdWU='], ctx: { k: 'QmluYXJ5VmFsdWU=' }, expect: true },
  { spec: '§5.4', op: 'BinaryEquals', key: 'k', values: ['QmluYXJ5VmFsdWU='], ctx: { k: 'QmluYXJ5' }, expect: false },
  // IP (§5.4)
  { spec: '§5.4', op: 'IpAddress', key: 'aws:SourceIp', values: ['203.0.113.0/24'], ctx: { 'aws:SourceIp': '203.0.113.7' }, expect: true },
  { spec: '§5.4', op: 'IpAddress', key: 'aws:SourceIp', values: ['203.0.113.0/24'], ctx: { 'aws:SourceIp': '198.51.100.1' }, expect: false },
  { spec: '§5.4', op: 'IpAddress', key: 'aws:SourceIp', values: ['203.0.113.7'], ctx: { 'aws:SourceIp': '203.0.113.7' }, expect: true, note: 'bare = /32' },
  { spec: '§5.4', op: 'IpAddress', key: 'aws:SourceIp', values: ['203.0.113.7'], ctx: { 'aws:SourceIp': '203.0.113.8' }, expect: false, note: 'bare = /32' },
  { spec: '§5.4', op: 'IpAddress', key: 'aws:SourceIp', values: ['2001:db8::/32'], ctx: { 'aws:SourceIp': '2001:db8:1::5' }, expect: true, note: 'IPv6' },
  { spec: '§5.4', op: 'IpAddress', key: 'aws:SourceIp', values: ['2001:db8::/32'], ctx: { 'aws:SourceIp': '2001:db9::5' }, expect: false, note: 'IPv6' },
  { spec: '§5.4', op: 'IpAddress', key: 'aws:SourceIp', values: ['2001:db8::1'], ctx: { 'aws:SourceIp': '2001:db8::1' }, expect: true, note: 'bare = /128' },
  { spec: '§5.1', op: 'IpAddress', key: 'aws:SourceIp', values: ['10.0.0.0/8', '2001:db8::/32'], ctx: { 'aws:SourceIp': '2001:db8::9' }, expect: true, note: 'values OR' },
  { spec: '§5.4', op: 'NotIpAddress', key: 'aws:SourceIp', values: ['203.0.113.0/24'], ctx: { 'aws:SourceIp': '198.51.100.1' }, expect: true },
  { spec: '§5.4', op: 'NotIpAddress', key: 'aws:SourceIp', values: ['203.0.113.0/24'], ctx: { 'aws:SourceIp': '203.0.113.1' }, expect: false },
  { spec: '§5.1', op: 'NotIpAddress', key: 'aws:SourceIp', values: ['10.0.0.0/8', '203.0.113.0/24'], ctx: { 'aws:SourceIp': '203.0.113.1' }, expect: false, note: 'negated AND' },
  // ARN (§5.4): field-wise, case-sensitive, `*` stays within a field
  { spec: '§5.4', op: 'ArnEquals', key: 'aws:SourceArn', values: ['arn:aws:iam::123456789012:role/x'], ctx: { 'aws:SourceArn': 'arn:aws:iam::123456789012:role/x' }, expect: true },
  { spec: '§5.4', op: 'ArnEquals', key: 'aws:SourceArn', values: ['arn:aws:iam::*:role/x'], ctx: { 'aws:SourceArn': 'arn:aws:iam::123456789012:role/x' }, expect: true, note: 'ArnEquals ≡ ArnLike' },
  { spec: '§5.4', op: 'ArnEquals', key: 'aws:SourceArn', values: ['arn:aws:iam::123456789012:role/X'], ctx: { 'aws:SourceArn': 'arn:aws:iam::123456789012:role/x' }, expect: false, note: 'case-sensitive' },
  { spec: '§5.4', op: 'ArnLike', key: 'aws:SourceArn', values: ['arn:aws:s3:::bucket/*'], ctx: { 'aws:SourceArn': 'arn:aws:s3:::bucket/a:b' }, expect: true, note: 'resource keeps colons' },
  { spec: '§5.4', op: 'ArnLike', key: 'aws:SourceArn', values: ['arn:aws:sqs:*:queue'], ctx: { 'aws:SourceArn': 'arn:aws:sqs:us-east-1:123:queue' }, expect: false, note: '* does not cross :' },
  { spec: '§5.4', op: 'ArnLike', key: 'aws:SourceArn', values: ['arn:aws:sqs:*:*:queue'], ctx: { 'aws:SourceArn': 'arn:aws:sqs:us-east-1:123:queue' }, expect: true },
  { spec: '§5.4', op: 'ArnNotEquals', key: 'aws:SourceArn', values: ['arn:aws:iam::1:role/a'], ctx: { 'aws:SourceArn': 'arn:aws:iam::1:role/b' }, expect: true },
  { spec: '§5.4', op: 'ArnNotEquals', key: 'aws:SourceArn', values: ['arn:aws:iam::1:role/*'], ctx: { 'aws:SourceArn': 'arn:aws:iam::1:role/b' }, expect: false },
  { spec: '§5.4', op: 'ArnNotLike', key: 'aws:SourceArn', values: ['arn:aws:iam::2:*'], ctx: { 'aws:SourceArn': 'arn:aws:iam::1:role/b' }, expect: true },
  { spec: '§5.1', op: 'ArnNotLike', key: 'aws:SourceArn', values: ['arn:aws:iam::2:*', 'arn:aws:iam::1:*'], ctx: { 'aws:SourceArn': 'arn:aws:iam::1:role/b' }, expect: false, note: 'negated AND' },
  // Null (§5.2)
  { spec: '§5.2', op: 'Null', key: 'aws:TokenIssueTime', values: ['true'], ctx: {}, expect: true, rule: 'null-check' },
  { spec: '§5.2', op: 'Null', key: 'aws:TokenIssueTime', values: ['true'], ctx: { 'aws:TokenIssueTime': T0 }, expect: false, rule: 'null-check' },
  { spec: '§5.2', op: 'Null', key: 'aws:TokenIssueTime', values: ['false'], ctx: { 'aws:TokenIssueTime': T0 }, expect: true, rule: 'null-check' },
  { spec: '§5.2', op: 'Null', key: 'aws:TokenIssueTime', values: ['false'], ctx: {}, expect: false, rule: 'null-check' },
  { spec: 'choice', op: 'Null', key: 'tags', values: ['true'], ctx: { tags: [] }, expect: true, note: 'empty multivalued key = absent, evaluate.ts' },
  { spec: '§5.2', op: 'Null', key: 'tags', values: ['false'], ctx: { tags: ['a'] }, expect: true },
  { spec: '§5.2', op: 'Null', key: 'k', values: ['false'], ctx: { k: '' }, expect: true, note: 'empty string is present' },
];

t.test('every operator of the table has rows', async (t) => {
  const covered = new Set(operatorRows.map((r) => r.op));
  for (const name of BASE_OPERATORS.keys()) t.ok(covered.has(name), `${name} has rows`);
  for (const name of BASE_OPERATORS.keys()) {
    const rows = operatorRows.filter((r) => r.op === name);
    t.ok(
      rows.some((r) => r.expect) && rows.some((r) => !r.expect),
      `${name} has a true and a false row`,
    );
  }
});

/** A tap subtest (the type of the callback parameter of the last `t.test` overload). */
type Asserts = Parameters<Parameters<typeof t.test>[0]>[0];

function runRows(t: Asserts, rows: Row[]): void {
  for (const r of rows) {
    const key = r.key ?? SUB;
    const trace = run(
      r.op,
      key,
      r.values,
      ctxOf(r.ctx),
      r.version === undefined ? V2012 : r.version,
    );
    t.equal(trace.result, r.expect, rowName(r));
    if (r.rule) t.equal(trace.rule, r.rule, `${rowName(r)}: rule ${r.rule}`);
    t.ok(clauseReason(trace).length > 0, 'has a reason');
  }
}

t.test('operator table', async (t) => runRows(t, operatorRows));

t.test('§5.2 missing keys: positive false, negated true', async (t) => {
  const samples: Record<string, string> = {
    String: 'x',
    Numeric: '1',
    Date: T0,
    Bool: 'true',
    Binary: 'QQ==',
    IpAddress: '10.0.0.0/8',
    Arn: 'arn:aws:iam::1:role/x',
  };
  const rows: Row[] = [];
  for (const base of BASE_OPERATORS.values()) {
    if (base.family === 'Null') continue;
    const value = samples[base.family] as string;
    rows.push({
      spec: '§5.2',
      op: base.name,
      key: 'absent:key',
      values: [value],
      ctx: { other: 'x' },
      expect: base.negated,
      rule: 'missing-key',
    });
    rows.push({
      spec: '§5.2',
      op: `${base.name}IfExists`,
      key: 'absent:key',
      values: [value],
      ctx: {},
      expect: true,
      rule: 'if-exists-missing',
    });
  }
  runRows(t, rows);
  const tr = run('StringNotEquals', 'absent:key', ['x'], ctxOf({}));
  t.equal(
    clauseReason(tr),
    'key "absent:key" is absent, so the negated operator StringNotEquals is true',
  );
  t.notOk(tr.present);
  t.same(tr.comparisons, []);
});

t.test('§5.2 IfExists with the key present: normal test', async (t) => {
  // prettier-ignore
  runRows(t, [
    { spec: '§5.2', op: 'StringEqualsIfExists', values: ['x'], ctx: { [SUB]: 'x' }, expect: true, rule: 'compare' },
    { spec: '§5.2', op: 'StringEqualsIfExists', values: ['x'], ctx: { [SUB]: 'y' }, expect: false, rule: 'compare' },
    { spec: '§5.2', op: 'StringNotEqualsIfExists', values: ['x'], ctx: { [SUB]: 'x' }, expect: false },
    { spec: '§5.2', op: 'StringNotEqualsIfExists', values: ['x'], ctx: {}, expect: true, rule: 'if-exists-missing' },
    { spec: '§5.2', op: 'NumericLessThanIfExists', key: 'k', values: ['5'], ctx: { k: '6' }, expect: false },
    { spec: '§5.2', op: 'IpAddressIfExists', key: 'aws:SourceIp', values: ['10.0.0.0/8'], ctx: { 'aws:SourceIp': '10.1.1.1' }, expect: true },
    { spec: 'choice', op: 'ForAnyValue:StringLikeIfExists', key: 'k', values: ['a*'], ctx: {}, expect: true, rule: 'if-exists-missing', note: 'IfExists wins over ForAnyValue on an absent key, evaluate.ts' },
    { spec: '§5.5', op: 'ForAnyValue:StringLikeIfExists', key: 'k', values: ['a*'], ctx: { k: ['b'] }, expect: false },
  ]);
});

t.test('§5.5 set operators', async (t) => {
  // prettier-ignore
  runRows(t, [
    // ForAnyValue: absent/empty false, single = one-element set, multi = some.
    { spec: '§5.5', op: 'ForAnyValue:StringEquals', key: 'amr', values: ['authenticated'], ctx: {}, expect: false, rule: 'for-any-value-empty' },
    { spec: '§5.5', op: 'ForAnyValue:StringEquals', key: 'amr', values: ['authenticated'], ctx: { amr: [] }, expect: false, rule: 'for-any-value-empty' },
    { spec: '§5.5', op: 'ForAnyValue:StringEquals', key: 'amr', values: ['authenticated'], ctx: { amr: 'authenticated' }, expect: true, rule: 'compare', note: 'single-valued key = one-element set' },
    { spec: '§5.5', op: 'ForAnyValue:StringEquals', key: 'amr', values: ['authenticated'], ctx: { amr: 'unauthenticated' }, expect: false },
    { spec: '§5.5', op: 'ForAnyValue:StringEquals', key: 'amr', values: ['authenticated'], ctx: { amr: ['x', 'authenticated'] }, expect: true },
    { spec: '§5.5', op: 'ForAnyValue:StringLike', key: 'amr', values: ['authenticated'], ctx: { amr: ['unauthenticated'] }, expect: false, note: 'vector 9' },
    { spec: '§5.5', op: 'ForAnyValue:StringLike', key: 'amr', values: ['x*', 'y*'], ctx: { amr: ['a', 'b', 'yes'] }, expect: true },
    // ForAllValues: absent/empty vacuously true.
    { spec: '§5.5', op: 'ForAllValues:StringEquals', key: 'tags', values: ['a', 'b'], ctx: {}, expect: true, rule: 'for-all-values-vacuous' },
    { spec: '§5.5', op: 'ForAllValues:StringEquals', key: 'tags', values: ['a', 'b'], ctx: { tags: [] }, expect: true, rule: 'for-all-values-vacuous' },
    { spec: '§5.5', op: 'ForAllValues:StringEquals', key: 'tags', values: ['a', 'b'], ctx: { tags: 'a' }, expect: true, note: 'single-valued' },
    { spec: '§5.5', op: 'ForAllValues:StringEquals', key: 'tags', values: ['a', 'b'], ctx: { tags: 'c' }, expect: false },
    { spec: '§5.5', op: 'ForAllValues:StringEquals', key: 'tags', values: ['a', 'b'], ctx: { tags: ['a', 'b', 'a'] }, expect: true },
    { spec: '§5.5', op: 'ForAllValues:StringEquals', key: 'tags', values: ['a', 'b'], ctx: { tags: ['a', 'c'] }, expect: false },
    { spec: '§5.5', op: 'ForAllValues:NumericLessThan', key: 'n', values: ['10'], ctx: { n: ['1', '9.9'] }, expect: true },
    { spec: '§5.5', op: 'ForAllValues:NumericLessThan', key: 'n', values: ['10'], ctx: { n: ['1', '10'] }, expect: false },
    // Negated base operators apply per request value (§5.5 [D]).
    { spec: '§5.5', op: 'ForAnyValue:StringNotEquals', key: 'tags', values: ['a'], ctx: { tags: ['a', 'b'] }, expect: true },
    { spec: '§5.5', op: 'ForAnyValue:StringNotEquals', key: 'tags', values: ['a', 'b'], ctx: { tags: ['a', 'b'] }, expect: false },
    { spec: '§5.5', op: 'ForAnyValue:StringNotEquals', key: 'tags', values: ['a'], ctx: {}, expect: false, rule: 'for-any-value-empty' },
    { spec: '§5.5', op: 'ForAllValues:StringNotEquals', key: 'tags', values: ['a'], ctx: { tags: ['b', 'c'] }, expect: true },
    { spec: '§5.5', op: 'ForAllValues:StringNotEquals', key: 'tags', values: ['a', 'x'], ctx: { tags: ['b', 'x'] }, expect: false },
    { spec: '§5.5', op: 'ForAllValues:StringNotLike', key: 'tags', values: ['adm*'], ctx: { tags: ['dev', 'ops'] }, expect: true },
    { spec: '§5.5', op: 'ForAllValues:StringNotLike', key: 'tags', values: ['adm*'], ctx: { tags: ['dev', 'admin'] }, expect: false },
    { spec: '§5.5', op: 'ForAnyValue:NotIpAddress', key: 'ips', values: ['10.0.0.0/8'], ctx: { ips: ['10.0.0.1', '11.0.0.1'] }, expect: true },
    // Bare operator on a multivalued key: false, flagged (§5.5 UNCONFIRMED 24).
    { spec: '§5.5', op: 'StringEquals', key: 'amr', values: ['authenticated'], ctx: { amr: ['authenticated'] }, expect: false, rule: 'bare-operator-multivalued' },
    { spec: '§5.5', op: 'StringNotEquals', key: 'amr', values: ['x'], ctx: { amr: ['a', 'b'] }, expect: false, rule: 'bare-operator-multivalued' },
    { spec: '§5.5', op: 'StringEqualsIfExists', key: 'amr', values: ['a'], ctx: { amr: ['a'] }, expect: false, rule: 'bare-operator-multivalued' },
    { spec: 'choice', op: 'StringNotEquals', key: 'amr', values: ['x'], ctx: { amr: [] }, expect: true, rule: 'missing-key', note: 'empty multivalued key = absent, evaluate.ts' },
  ]);
  const tr = run('StringEquals', 'amr', ['a'], ctxOf({ amr: ['a', 'b'] }));
  t.same(tr.unconfirmed, [NOTE_BARE_MULTIVALUED]);
  t.match(tr.unconfirmed[0], '§5.5 (UNCONFIRMED 24)');
  t.match(clauseReason(tr), /multivalued \(2 values: "a", "b"\).*UNCONFIRMED \[bare-multivalued\]/);
  t.equal(
    clauseReason(run('ForAllValues:StringEquals', 'tags', ['a'], ctxOf({}))),
    'key "tags" is absent, so ForAllValues:StringEquals is vacuously true',
  );
  t.equal(
    clauseReason(run('ForAnyValue:StringEquals', 'tags', ['a'], ctxOf({ tags: [] }))),
    'key "tags" has no values, so ForAnyValue:StringEquals is false (ForAnyValue needs at least one value)',
  );
});

t.test('§3.6 key names are case-insensitive', async (t) => {
  const ctx = makeContext([entry('aws:SourceIp', '203.0.113.7', { type: 'IpAddress' })]);
  for (const key of ['aws:SourceIp', 'AWS:SOURCEIP', 'aws:sourceip', 'Aws:SourceIP']) {
    const tr = run('IpAddress', key, ['203.0.113.0/24'], ctx);
    t.ok(tr.result, `§3.6 ${key} finds aws:SourceIp`);
    t.equal(tr.key, key, 'trace keeps the key as written');
  }
  const claim = ctxOf({ [`${P}:SUB`]: 'repo:o/r:ref:refs/heads/main' });
  t.ok(run('StringEquals', `${P}:sub`, ['repo:o/r:ref:refs/heads/main'], claim).result);
});

t.test('§5.3 IgnoreCase only for …IgnoreCase', async (t) => {
  // prettier-ignore
  runRows(t, [
    { spec: '§5.3', op: 'StringEqualsIgnoreCase', values: ['ÄBC'], ctx: { [SUB]: 'äbc' }, expect: true, note: 'non-ASCII' },
    { spec: '§5.3', op: 'StringEquals', values: ['ÄBC'], ctx: { [SUB]: 'äbc' }, expect: false },
    { spec: '§5.3', op: 'StringNotEqualsIgnoreCase', values: ['MAIN'], ctx: { [SUB]: 'main' }, expect: false },
    { spec: '§3.6', op: 'ArnLike', key: 'a', values: ['ARN:aws:iam::1:role/x'], ctx: { a: 'arn:aws:iam::1:role/x' }, expect: false },
    { spec: '§5.3', op: 'StringEqualsIgnoreCase', values: ['a*'], ctx: { [SUB]: 'A*' }, expect: true, note: '* literal' },
    { spec: '§5.3', op: 'StringEqualsIgnoreCase', values: ['a*'], ctx: { [SUB]: 'Ab' }, expect: false, note: '* literal' },
  ]);
});

t.test('§5.6 policy variables', async (t) => {
  const ctx = makeContext([
    entry(SUB, 'repo:acme/app:ref:refs/heads/main'),
    entry(`${P}:repository`, 'acme/app', { source: 'token claim "repository"' }),
    entry('aws:PrincipalTag/team', 'blue'),
    entry('multi', ['a', 'b']),
    entry('sts:RoleSessionName', 'octocat'),
    entry('aws:TagKeys', ['x']),
  ]);
  const r = (
    op: string,
    key: string,
    values: string[],
    version: typeof V2012 | '2008-10-17' | null = V2012,
  ) => run(op, key, values, ctx, version);

  const a = r('StringLike', SUB, [`repo:\${${P}:repository}:*`]);
  t.ok(a.result, '§5.6 ${key}');
  t.same(a.policyValues, ['repo:acme/app:*'], 'policyValues after substitution');
  t.ok(a.unconfirmed.includes(NOTE_CLAIM_VARIABLE), 'claim variable noted (UNCONFIRMED 25)');
  t.ok(
    r('StringLike', SUB, [`repo:\${${P.toUpperCase()}:REPOSITORY}:*`]).result,
    '§5.6 key inside ${} case-insensitive',
  );
  t.ok(
    r('StringEquals', 'aws:PrincipalTag/team', ["${aws:PrincipalTag/missing, 'blue'}"]).result,
    '§5.6 default used',
  );
  t.ok(
    r('StringEquals', 'aws:PrincipalTag/team', ["${ aws:principaltag/team , 'red' }"]).result,
    '§5.6 present key beats default',
  );
  t.notOk(
    r('StringEquals', 'aws:PrincipalTag/team', ["${aws:PrincipalTag/missing, 'red'}"]).result,
  );

  const un = r('StringEquals', 'sts:RoleSessionName', ['${aws:nope}']);
  t.notOk(un.result, '§5.6 unresolved never matches a positive operator');
  t.equal(un.rule, 'unresolved-variable');
  t.same(un.policyValues, ['${aws:nope}'], 'unresolved shows as written');
  t.match(clauseReason(un), '${aws:nope} (key absent) cannot be resolved');
  const unNeg = r('StringNotEquals', 'sts:RoleSessionName', ['${aws:nope}']);
  t.ok(unNeg.result, '§5.6 unresolved always differs for a negated operator');
  t.equal(unNeg.rule, 'unresolved-variable');
  const unNegMatch = r('StringNotEquals', 'sts:RoleSessionName', ['${aws:nope}', 'octocat']);
  t.notOk(
    unNegMatch.result,
    'a resolved value that matches still makes the negated operator false',
  );
  t.equal(unNegMatch.rule, 'compare');
  const unPosMatch = r('StringEquals', 'sts:RoleSessionName', ['${aws:nope}', 'octocat']);
  t.ok(unPosMatch.result);
  t.equal(unPosMatch.rule, 'compare');

  const multi = r('StringEquals', 'sts:RoleSessionName', ["${multi, 'octocat'}"]);
  t.notOk(multi.result, '§5.6 multivalued key → unresolvable (default not used)');
  t.match(clauseReason(multi), 'key is multivalued');

  t.ok(r('StringEquals', 'sts:RoleSessionName', ['${aws:nope}'], '2008-10-17').result === false);
  const lit = makeContext([entry('k', '${aws:x}')]);
  t.ok(
    run('StringEquals', 'k', ['${aws:x}'], lit, '2008-10-17').result,
    '§5.6 version 2008: literal text',
  );
  t.ok(run('StringEquals', 'k', ['${aws:x}'], lit, null).result, '§5.6 no Version: literal text');
  t.notOk(
    run('StringEquals', 'k', ['${aws:x}'], lit, V2012).result,
    '2012: a variable (absent key)',
  );

  t.ok(
    r('ArnLike', 'a', ['arn:aws:iam::${aws:PrincipalTag/team}:role/*']).result === false,
    'absent key a',
  );
  const arnCtx = makeContext([
    entry('a', 'arn:aws:iam::123:role/blue-x'),
    entry('acct', '123'),
    entry('t', 'blue'),
  ]);
  t.ok(
    run('ArnLike', 'a', ['arn:aws:iam::${acct}:role/${t}-*'], arnCtx).result,
    '§5.6 variables in ARN values',
  );
  t.notOk(run('ArnLike', 'a', ['arn:aws:iam::${acct}:role/${t}'], arnCtx).result);

  const sub = makeContext([entry('x', 'a*b'), entry('y', 'a*')]);
  t.notOk(
    run('StringLike', 'x', ['${y}b'], makeContext([entry('x', 'aZb'), entry('y', 'a*')])).result,
    'substituted * is literal',
  );
  t.ok(run('StringLike', 'x', ['${y}b'], sub).result, 'substituted * matches itself');

  const bool = run(
    'Bool',
    'b',
    ['${flag}'],
    makeContext([entry('b', 'true'), entry('flag', 'true')]),
  );
  t.ok(bool.result, '§5.4 Bool with a variable');
  t.ok(bool.unconfirmed.includes(NOTE_BOOL_VARIABLES), 'UNCONFIRMED 22 noted');
  const badBool = run(
    'Bool',
    'b',
    ['${flag}'],
    makeContext([entry('b', 'true'), entry('flag', 'yes')]),
  );
  t.notOk(badBool.result, 'a variable that is not a boolean never matches');
  t.match(clauseReason(badBool), 'after substitution');
});

t.test('§9 vector 14: ${*} is a literal star', async (t) => {
  const value = 'repo:o/r${*}';
  const yes = run('StringLike', SUB, [value], ctxOf({ [SUB]: 'repo:o/r*' }));
  t.ok(yes.result, '§9 #14 sub repo:o/r* → allow');
  t.same(yes.policyValues, ['repo:o/r${*}'], 'escape stays visible under a Like operator');
  t.notOk(
    run('StringLike', SUB, [value], ctxOf({ [SUB]: 'repo:o/rx' })).result,
    '§9 #14 sub repo:o/rx → deny',
  );
  t.ok(run('StringLike', SUB, ['a${?}*'], ctxOf({ [SUB]: 'a?xyz' })).result, '${?} literal ?');
  t.notOk(run('StringLike', SUB, ['a${?}*'], ctxOf({ [SUB]: 'abxyz' })).result);
  t.ok(
    run('StringEquals', SUB, ['cost${$}5'], ctxOf({ [SUB]: 'cost$5' })).result,
    '${$} literal $',
  );
  const eq = run('StringEquals', SUB, ['a${*}'], ctxOf({ [SUB]: 'a*' }));
  t.ok(eq.result);
  t.same(eq.policyValues, ['a*'], 'substituted under an Equals operator');
  t.ok(
    run('StringLike', SUB, [value], ctxOf({ [SUB]: 'repo:o/r${*}' }), '2008-10-17').result,
    '2008: ${*} is text',
  );
});

t.test('§9 condition-level vectors', async (t) => {
  // prettier-ignore
  runRows(t, [
    { spec: '§9#3', op: 'StringLike', values: ['repo:o/r:*'], ctx: { [SUB]: 'repo:o/r:environment:prod' }, expect: true, note: '* crosses :' },
    { spec: '§9#4', op: 'StringLike', values: ['repo:o*'], ctx: { [SUB]: 'repo:o-evil/x:ref:refs/heads/main' }, expect: true },
    { spec: '§9#5', op: 'StringLike', values: ['repo:o/r:*'], ctx: { [SUB]: 'repo:o@1/r@2:ref:refs/heads/main' }, expect: false },
    { spec: '§9#6', op: 'ForAllValues:StringLike', key: `${P}:sbu`, values: ['repo:o/r:*'], ctx: { [SUB]: 'repo:o/r:ref:refs/heads/main', [`${P}:aud`]: 'sts.amazonaws.com' }, expect: true, rule: 'for-all-values-vacuous' },
    { spec: '§9#7', op: 'StringNotEquals', key: `${P}:repository_owner`, values: ['evil'], ctx: { [SUB]: 'repo:o/r:ref:refs/heads/main' }, expect: true, rule: 'missing-key' },
    { spec: '§9#8', op: 'StringEquals', key: `${P}:repository_owner`, values: ['o'], ctx: { [SUB]: 'repo:o/r:ref:refs/heads/main' }, expect: false, rule: 'missing-key' },
    { spec: '§9#15', op: 'StringNotEquals', values: ['a', 'b'], ctx: { [SUB]: 'a' }, expect: false, rule: 'compare' },
    { spec: '§9#16', op: 'IpAddress', key: 'aws:SourceIp', values: ['203.0.113.0/24'], ctx: { 'aws:VpcSourceIp': '10.0.0.5' }, expect: false, rule: 'missing-key' },
  ]);
  const v15 = run('StringNotEquals', SUB, ['a', 'b'], ctxOf({ [SUB]: 'a' }));
  t.equal(
    clauseReason(v15),
    '"a" equals "a", so StringNotEquals is false (a negated operator needs the value to differ from every listed value)',
  );
});

t.test('invalid request values', async (t) => {
  // prettier-ignore
  runRows(t, [
    { spec: 'choice', op: 'IpAddress', key: 'aws:SourceIp', values: ['0.0.0.0/0'], ctx: { 'aws:SourceIp': 'abc' }, expect: false, rule: 'invalid-request-value', note: 'an unparsable request value satisfies no comparison, evaluate.ts' },
    { spec: 'choice', op: 'NotIpAddress', key: 'aws:SourceIp', values: ['10.0.0.0/8'], ctx: { 'aws:SourceIp': 'abc' }, expect: true, rule: 'invalid-request-value', note: 'an unparsable request value satisfies no comparison, evaluate.ts' },
    { spec: 'choice', op: 'NumericLessThan', key: 'n', values: ['10'], ctx: { n: 'five' }, expect: false, rule: 'invalid-request-value', note: 'an unparsable request value satisfies no comparison, evaluate.ts' },
    { spec: 'choice', op: 'NumericNotEquals', key: 'n', values: ['10'], ctx: { n: 'five' }, expect: true, rule: 'invalid-request-value', note: 'an unparsable request value satisfies no comparison, evaluate.ts' },
    { spec: 'choice', op: 'DateGreaterThan', key: 'd', values: [T0], ctx: { d: 'soon' }, expect: false, rule: 'invalid-request-value', note: 'an unparsable request value satisfies no comparison, evaluate.ts' },
    { spec: 'choice', op: 'DateNotEquals', key: 'd', values: [T0], ctx: { d: 'soon' }, expect: true, rule: 'invalid-request-value', note: 'an unparsable request value satisfies no comparison, evaluate.ts' },
    { spec: 'choice', op: 'Bool', key: 'b', values: ['true'], ctx: { b: 'yes' }, expect: false, rule: 'invalid-request-value', note: 'an unparsable request value satisfies no comparison, evaluate.ts' },
    { spec: 'choice', op: 'BinaryEquals', key: 'b', values: ['QQ=='], ctx: { b: '!!' }, expect: false, rule: 'invalid-request-value', note: 'an unparsable request value satisfies no comparison, evaluate.ts' },
    { spec: 'choice', op: 'ArnLike', key: 'a', values: ['arn:*:*:*:*:*'], ctx: { a: 'not-an-arn' }, expect: false, rule: 'invalid-request-value', note: 'an unparsable request value satisfies no comparison, evaluate.ts' },
    { spec: 'choice', op: 'ArnNotLike', key: 'a', values: ['arn:*:*:*:*:*'], ctx: { a: 'not-an-arn' }, expect: true, rule: 'invalid-request-value', note: 'an unparsable request value satisfies no comparison, evaluate.ts' },
    { spec: 'choice', op: 'ForAnyValue:IpAddress', key: 'ips', values: ['10.0.0.0/8'], ctx: { ips: ['abc', '10.1.2.3'] }, expect: true, rule: 'compare', note: 'an unparsable request value satisfies no comparison, evaluate.ts' },
    { spec: 'choice', op: 'ForAllValues:IpAddress', key: 'ips', values: ['10.0.0.0/8'], ctx: { ips: ['abc', '10.1.2.3'] }, expect: false, rule: 'invalid-request-value', note: 'an unparsable request value satisfies no comparison, evaluate.ts' },
  ]);
  const tr = run('IpAddress', 'aws:SourceIp', ['203.0.113.0/24'], ctxOf({ 'aws:SourceIp': 'abc' }));
  t.equal(
    clauseReason(tr),
    '"abc" is not in "203.0.113.0/24", so IpAddress is false; request value "abc" is not an IP address, so it satisfies no comparison',
  );
  t.same(tr.comparisons, [{ request: 'abc', policy: '203.0.113.0/24', matched: false }]);
});

t.test('traces: fields, reasons, comparisons', async (t) => {
  const tr = run(
    'StringLike',
    SUB,
    ['repo:acme/app:ref:refs/heads/*'],
    ctxOf({ [SUB]: 'repo:acme/app:pull_request' }),
  );
  t.match(tr, {
    operator: 'StringLike',
    key: SUB,
    present: true,
    requestValues: ['repo:acme/app:pull_request'],
    policyValues: ['repo:acme/app:ref:refs/heads/*'],
    result: false,
    rule: 'compare',
    unconfirmed: [],
  });
  t.equal(
    clauseReason(tr),
    '"repo:acme/app:pull_request" does not match "repo:acme/app:ref:refs/heads/*", so StringLike is false',
  );
  t.same(tr.comparisons, [
    {
      request: 'repo:acme/app:pull_request',
      policy: 'repo:acme/app:ref:refs/heads/*',
      matched: false,
    },
  ]);
  t.equal(
    clauseReason(run('StringEquals', SUB, ['a', 'b'], ctxOf({ [SUB]: 'b' }))),
    '"b" equals "b", so StringEquals is true',
  );
  t.equal(
    clauseReason(run('StringEquals', SUB, ['a', 'b'], ctxOf({ [SUB]: 'c' }))),
    '"c" does not equal any of "a", "b", so StringEquals is false',
  );
  t.equal(
    clauseReason(run('NumericLessThan', 'n', ['10'], ctxOf({ n: '12' }))),
    '"12" is not less than "10", so NumericLessThan is false',
  );
  t.equal(
    clauseReason(
      run('ForAnyValue:StringLike', 'amr', ['auth*'], ctxOf({ amr: ['x', 'authenticated'] })),
    ),
    'request value "authenticated" matches "auth*", so ForAnyValue:StringLike is true',
  );
  t.equal(
    clauseReason(run('ForAnyValue:StringLike', 'amr', ['auth*'], ctxOf({ amr: ['x', 'y'] }))),
    'none of the request values "x", "y" matches "auth*", so ForAnyValue:StringLike is false',
  );
  t.equal(
    clauseReason(run('ForAllValues:StringEquals', 'tags', ['a', 'b'], ctxOf({ tags: ['a', 'c'] }))),
    'request value "c" does not equal any of "a", "b", so ForAllValues:StringEquals is false',
  );
  t.equal(
    clauseReason(run('ForAllValues:StringEquals', 'tags', ['a', 'b'], ctxOf({ tags: ['a', 'b'] }))),
    'every request value ("a", "b") equals one of "a", "b", so ForAllValues:StringEquals is true',
  );
  t.equal(
    clauseReason(run('Null', 'k', ['true'], ctxOf({}))),
    'key "k" is absent, so Null "true" is true ("true" means the key is absent, "false" that it is present)',
  );
  t.equal(
    clauseReason(run('StringEqualsIfExists', 'k', ['x'], ctxOf({}))),
    'key "k" is absent, so StringEqualsIfExists is true (…IfExists is true when the key is missing)',
  );

  const many = Array.from({ length: 10 }, (_, i) => `v${i}`);
  const big = run(
    'ForAnyValue:StringEquals',
    'tags',
    many,
    ctxOf({ tags: many.map((v) => `r${v}`) }),
  );
  t.equal(big.comparisons.length, MAX_COMPARISONS, 'comparisons capped');
  t.notOk(big.result);
});

t.test('unconfirmed notes', async (t) => {
  const entryNote = '§3.1 (UNCONFIRMED 15): test note';
  const ctx = makeContext([entry('k', 'v', { unconfirmed: entryNote })]);
  t.same(run('StringEquals', 'k', ['v'], ctx).unconfirmed, [entryNote], 'entry note copied');
  t.same(
    run('StringEquals', 'k', ['v'], ctx).unconfirmed,
    [entryNote],
    'even when the result is compare',
  );

  const empty = run('StringLike', SUB, ['repo:o/r:*'], ctxOf({ [SUB]: 'repo:o/r:' }));
  t.ok(empty.result);
  t.same(empty.unconfirmed, [NOTE_EMPTY_STAR], '§5.3 UNCONFIRMED 21: rests on * matching ""');
  t.equal(empty.unconfirmed[0], '§5.3 (UNCONFIRMED 21): `*` matches the empty string');
  t.same(run('StringLike', SUB, ['repo:o/r:*'], ctxOf({ [SUB]: 'repo:o/r:x' })).unconfirmed, []);
  t.same(
    run('StringLike', SUB, ['repo:o/r:*', 'repo:*'], ctxOf({ [SUB]: 'repo:o/r:' })).unconfirmed,
    [],
    'another value matches without the empty star',
  );
  const neg = run('StringNotLike', SUB, ['a*'], ctxOf({ [SUB]: 'a' }));
  t.notOk(neg.result);
  t.same(neg.unconfirmed, [NOTE_EMPTY_STAR], 'negated false rests on the empty-star match');
  t.same(run('StringNotLike', SUB, ['b*'], ctxOf({ [SUB]: 'a' })).unconfirmed, []);
  const arn = run(
    'ArnLike',
    'a',
    ['arn:aws:iam:*:1:role/x'],
    ctxOf({ a: 'arn:aws:iam::1:role/x' }),
  );
  t.ok(arn.result);
  t.same(arn.unconfirmed, [NOTE_EMPTY_STAR], 'ARN region field matched by an empty *');

  const ns = compileClause(clause('StringEquals', 'k', ['10'], { nonStringValues: true }), V2012);
  t.same(evaluateClause(ns.compiled!, ctxOf({ k: '10' })).unconfirmed, [NOTE_NON_STRING_VALUES]);

  const none = compileClause(clause('StringEquals', 'k', []), V2012);
  t.ok(none.compiled);
  const noneTrace = evaluateClause(none.compiled!, ctxOf({ k: 'x' }));
  t.notOk(noneTrace.result, '§5.1 UNCONFIRMED 20: positive with no values is false');
  t.same(noneTrace.unconfirmed, [NOTE_EMPTY_VALUES]);
  t.match(clauseReason(noneTrace), 'lists no values');
  const noneNeg = compileClause(clause('StringNotEquals', 'k', []), V2012);
  t.ok(testClause(noneNeg.compiled!, ctxOf({ k: 'x' })), 'negated with no values is true');
});

t.test('testClause agrees with evaluateClause (a fixed grid of combinations)', async (t) => {
  const ops = [
    'StringEquals',
    'StringNotLike',
    'ForAnyValue:StringLike',
    'ForAllValues:StringNotEquals',
    'StringLikeIfExists',
  ];
  const vals = ['a', 'b*', '?', '${v}', "${w, 'a'}"];
  let n = 0;
  let held = 0;
  for (const op of ops) {
    for (let mask = 0; mask < 32; mask++) {
      const values = vals.filter((_, i) => mask & (1 << i));
      const contexts: Array<Record<string, string | string[]>> = [
        {},
        { k: 'a' },
        { k: ['a', 'bb'] },
        { k: [] },
        { k: 'b', v: 'b' },
        { k: 'x', v: ['x'] },
      ];
      for (const c of contexts) {
        if (run(op, 'k', values, ctxOf(c)).result) held++; // run() throws on disagreement
        n++;
      }
    }
  }
  // Agreement means little if nearly every combination gives the same answer.
  t.ok(
    held >= n / 4 && n - held >= n / 4,
    `${n} combinations agree: ${held} true, ${n - held} false`,
  );
});
