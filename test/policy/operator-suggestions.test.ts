/**
 * An unknown condition operator gets the nearest real one as a hint ("did you mean …?"), letter
 * case ignored, for typos in the set operator, the base operator and IfExists alike; a name near
 * no operator gets the list of families instead of a wild guess.
 */
import t from 'tap';
import { nearestOperator, parseOperator, parsePolicy } from '../../lib/policy/index.js';

// prettier-ignore
const rows: Array<[raw: string, code: string, hint: string | RegExp]> = [
  ['ForAllValue:StringEquals', 'unknown-set-operator', 'did you mean "ForAllValues:StringEquals"?'],
  ['ForAnyValues:StringLike', 'unknown-set-operator', 'did you mean "ForAnyValue:StringLike"?'],
  ['forallvalues:stringequals', 'unknown-set-operator', 'operator names are case-sensitive: did you mean "ForAllValues:StringEquals"?'],
  ['StringEqual', 'unknown-operator', 'did you mean "StringEquals"?'],
  ['StringEqualz', 'unknown-operator', 'did you mean "StringEquals"?'],
  ['stringequals', 'unknown-operator', 'operator names are case-sensitive: did you mean "StringEquals"?'],
  ['StringEqualsIfExist', 'unknown-operator', 'did you mean "StringEqualsIfExists"?'],
  ['StringEqualsIfexists', 'unknown-operator', 'operator names are case-sensitive: did you mean "StringEqualsIfExists"?'],
  ['ForAllValues:StringEqualsIfExist', 'unknown-operator', 'did you mean "ForAllValues:StringEqualsIfExists"?'],
  ['StringNotEqualIgnoreCase', 'unknown-operator', 'did you mean "StringNotEqualsIgnoreCase"?'],
  ['DateGreaterThen', 'unknown-operator', 'did you mean "DateGreaterThan"?'],
  ['IPAddress', 'unknown-operator', 'operator names are case-sensitive: did you mean "IpAddress"?'],
  ['ArnLke', 'unknown-operator', 'did you mean "ArnLike"?'],
  ['Bol', 'unknown-operator', 'did you mean "Bool"?'],
  ['Null ', 'unknown-operator', 'did you mean "Null"?'],
  ['Foo', 'unknown-operator', /^see the IAM condition operators/],
  ['ForAllValues:Foo', 'unknown-operator', /^see the IAM condition operators/],
  ['StringLikeIgnoreCase', 'unknown-operator', /^see the IAM condition operators/],
  ['Any:StringEquals', 'unknown-set-operator', 'the set operators are "ForAnyValue:" and "ForAllValues:"'],
  ['', 'unknown-operator', /^see the IAM condition operators/],
];

t.test('the hint names the nearest operator', async (t) => {
  for (const [raw, code, hint] of rows) {
    const r = parseOperator(raw);
    t.equal(r.ok, false, JSON.stringify(raw));
    if (r.ok) continue;
    t.equal(r.code, code, `${JSON.stringify(raw)}: code`);
    if (typeof hint === 'string') t.equal(r.hint, hint, `${JSON.stringify(raw)}: hint`);
    else t.match(r.hint, hint, `${JSON.stringify(raw)}: hint`);
  }
});

t.test('every real operator is its own nearest', async (t) => {
  for (const name of ['StringEquals', 'ForAnyValue:StringLikeIfExists', 'Null', 'Bool']) {
    t.equal(nearestOperator(name), name);
    t.ok(parseOperator(name).ok);
  }
});

t.test('in a policy the finding sits at the operator and carries the hint', async (t) => {
  const text = JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'accounts.google.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { 'ForAllValue:StringEquals': { 'accounts.google.com:aud': 'x' } },
        },
      ],
    },
    null,
    2,
  );
  const r = parsePolicy(text);
  t.equal(r.ok, false);
  t.match(r.findings, [
    {
      code: 'unknown-set-operator',
      hint: 'did you mean "ForAllValues:StringEquals"?',
      span: { start: { line: 11, column: 9 } },
    },
  ]);
});
