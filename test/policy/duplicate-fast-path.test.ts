/**
 * parsePolicy on JSON text skips its walk for duplicate keys when the JSON parser saw no key
 * twice. These compare that path with the walk over the same tree (policyFromAst), on a table of
 * policies with a duplicate at every level and without any: the same findings, spans and hints.
 */
import t from 'tap';
import { parseJson } from '../../lib/policy/json.js';
import { parsePolicy, policyFromAst } from '../../lib/policy/parse.js';

const GH = 'token.actions.githubusercontent.com';
const ARN = `arn:aws:iam::111122223333:oidc-provider/${GH}`;
const statement = (extra = '', condition = `{"StringLike": {"${GH}:sub": "repo:acme/*"}}`) =>
  `{"Effect": "Allow", "Principal": {"Federated": "${ARN}"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": ${condition}${extra}}`;
const doc = (statements: string, top = '') =>
  `{\n  "Version": "2012-10-17",${top}\n  "Statement": [\n    ${statements}\n  ]\n}`;

const rows: Array<[string, string, number]> = [
  ['no duplicate', doc(statement()), 0],
  ['two statements, no duplicate', doc(`${statement()},\n    ${statement()}`), 0],
  ['policy element', doc(statement(), '\n  "Version": "2012-10-17",'), 1],
  ['statement element', doc(statement(', "Effect": "Allow"')), 1],
  [
    'operator block',
    doc(
      statement(
        '',
        `{"StringLike": {"${GH}:sub": "repo:acme/*"}, "StringLike": {"${GH}:sub": "repo:x/*"}}`,
      ),
    ),
    1,
  ],
  [
    'condition key',
    doc(statement('', `{"StringLike": {"${GH}:sub": "repo:acme/*", "${GH}:sub": "repo:x/*"}}`)),
    1,
  ],
  [
    'principal type',
    doc(
      `{"Effect": "Allow", "Principal": {"Federated": "${ARN}", "Federated": "${ARN}"}, "Action": "sts:AssumeRoleWithWebIdentity"}`,
    ),
    1,
  ],
  [
    'second statement only',
    doc(`${statement()},\n    ${statement(', "Sid": "A", "Sid": "B"')}`),
    1,
  ],
];

for (const [name, text, count] of rows) {
  t.test(name, async (t) => {
    const fast = parsePolicy(text);
    const tree = parseJson(text, { duplicateKeys: false });
    t.equal(tree.duplicateKeys, count > 0, 'the parser says whether it saw a key twice');
    if (!tree.ast) throw new Error('unreadable');
    const walked = policyFromAst(tree.ast, text);
    const dups = (fs: typeof fast.findings) => fs.filter((f) => f.code === 'duplicate-key');
    t.equal(dups(fast.findings).length, count);
    t.same(dups(fast.findings), dups(walked.findings), 'the same findings as the walk');
    t.equal(fast.ok, walked.ok);
  });
}

t.test('a parser that reports duplicates itself says so', async (t) => {
  t.equal(parseJson('{"a": 1}').duplicateKeys, true);
  t.equal(parseJson('{"a": 1}', { duplicateKeys: false }).duplicateKeys, false);
  t.equal(
    parseJson('[{"a": 1}, {"b": [{"a": 2, "a": 3}]}]', { duplicateKeys: false }).duplicateKeys,
    true,
  );
});
