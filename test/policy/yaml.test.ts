import t from 'tap';
import { LineCounter, parseDocument } from 'yaml';
import {
  astToValue,
  MAX_YAML_NODES,
  parsePolicy,
  parseYaml,
  yamlDocumentToAst,
  yamlNodeToAst,
} from '../../lib/policy/index.js';

function codes(text: string): string[] {
  return parseYaml(text).findings.map(
    (f) => `${f.code}@${f.span?.start.line}:${f.span?.start.column}`,
  );
}

t.test('values and positions', async (t) => {
  const text = 'a: 1\nb:\n  - x\n  - "y"\n  - true\n  - null\n  - 1.5\nc: {d: e}\nempty:\n';
  const r = parseYaml(text);
  t.same(r.findings, []);
  t.same(r.ast && astToValue(r.ast), {
    a: 1,
    b: ['x', 'y', true, null, 1.5],
    c: { d: 'e' },
    empty: null,
  });
  const root = r.ast?.kind === 'object' ? r.ast : undefined;
  const b = root?.members[1];
  t.same(b?.keySpan.start, { line: 2, column: 1, offset: 5 });
  const items = b?.value.kind === 'array' ? b.value.items : [];
  t.same(
    items.map((i) => `${i.span.start.line}:${i.span.start.column}-${i.span.end.column}`),
    ['3:5-6', '4:5-8', '5:5-9', '6:5-9', '7:5-8'],
  );
  const empty = root?.members[3];
  t.equal(empty?.value.kind, 'null');
  t.ok(empty && empty.value.span.start.offset <= text.length);
});

t.test('syntax errors, several documents, empty documents', async (t) => {
  t.same(codes('a: [1, 2\n'), ['yaml-syntax@2:1']);
  t.same(codes('a: 1\n---\nb: 2\n'), ['yaml-multiple-documents@2:1']);
  t.same(codes(''), ['empty-input@1:1']);
  t.same(codes('# only a comment\n'), ['empty-input@1:1']);
  t.same(codes('a: "unterminated\n'), ['yaml-syntax@2:1']);
  t.ok(parseYaml('a: b: c').findings.every((f) => f.severity === 'error'));
  const r = parsePolicy('Version: "2012-10-17"\nStatement: [\n');
  t.notOk(r.ok);
  t.ok(
    r.findings.every((f) => f.code.startsWith('yaml-')),
    'no policy findings on top of a broken document',
  );
});

t.test('duplicate keys are reported once, as in JSON', async (t) => {
  const r = parseYaml('a: 1\nb: 2\na: 3\n');
  t.same(
    r.findings.map((f) => [f.code, f.span?.start.line, f.span?.start.column, f.message]),
    [['duplicate-key', 3, 1, 'duplicate key "a" (first at line 1, column 1)']],
  );
  const p = parsePolicy('Statement:\n  Effect: Allow\n  Effect: Allow\n');
  t.equal(p.findings.filter((f) => f.code === 'duplicate-key').length, 1);
});

t.test('aliases are expanded', async (t) => {
  const text = 'base: &aud sts.amazonaws.com\nlist: &l [x, y]\nuse: *aud\nuseList: *l\n';
  const r = parseYaml(text);
  t.same(r.findings, []);
  t.same(r.ast && astToValue(r.ast), {
    base: 'sts.amazonaws.com',
    list: ['x', 'y'],
    use: 'sts.amazonaws.com',
    useList: ['x', 'y'],
  });
  const use = r.ast?.kind === 'object' ? r.ast.members[2] : undefined;
  t.same(use?.value.span.start, { line: 3, column: 6, offset: 50 }, 'the alias node sits at *aud');

  const policy = `Version: "2012-10-17"
Statement:
  - Effect: Allow
    Principal: &p {Federated: accounts.google.com}
    Action: sts:AssumeRoleWithWebIdentity
  - Effect: Deny
    Principal: *p
    Action: sts:AssumeRoleWithWebIdentity
`;
  const p = parsePolicy(policy);
  t.ok(p.ok);
  t.same(p.ok && p.policy.statements.map((s) => s.principal.federated.map((f) => f.value)), [
    ['accounts.google.com'],
    ['accounts.google.com'],
  ]);
});

t.test('alias bombs are cut off', async (t) => {
  const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  const names = 'abcdefghi';
  for (let i = 1; i < names.length; i++) {
    const prev = names[i - 1]!;
    levels.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(', ')}]`);
  }
  // 9^9 nodes if expanded: refused by counting nodes, never built (tap's time limit guards a hang;
  // no wall-clock assertion, which a busy machine would make flaky).
  const r = parseYaml(levels.join('\n') + '\n');
  t.equal(r.ast, undefined);
  t.same(
    r.findings.map((f) => f.code),
    ['yaml-too-large'],
  );
  t.match(r.findings[0]?.message, String(MAX_YAML_NODES));
  const small = parseYaml(levels.slice(0, 3).join('\n') + '\n', { maxNodes: 50 });
  t.same(
    small.findings.map((f) => f.code),
    ['yaml-too-large'],
    'the cap can be set',
  );
});

t.test('alias cycles and unknown aliases', async (t) => {
  t.same(codes('a: &a [*a]\n'), ['yaml-alias-cycle@1:8']);
  t.same(codes('a: &a {b: *a}\n'), ['yaml-alias-cycle@1:11']);
  const lc = new LineCounter();
  const doc = parseDocument('anchor: &x value\ninner:\n  k: *x\n', { lineCounter: lc });
  const inner = doc.get('inner', true);
  const withDoc = yamlNodeToAst(inner, lc, { doc });
  t.same(withDoc.ast && astToValue(withDoc.ast), { k: 'value' }, 'resolved through the document');
  const withoutDoc = yamlNodeToAst(inner, lc);
  t.same(
    withoutDoc.findings.map((f) => f.code),
    ['yaml-unknown-alias'],
    'without the document the anchor is out of reach',
  );
});

t.test('values that are not JSON data', async (t) => {
  t.same(codes('a: .inf\n'), ['yaml-non-json-value@1:4']);
  t.same(
    codes('a: !!binary aGVsbG8=\n'),
    ['yaml-non-json-value@1:13'],
    'at the value, after its tag',
  );
  t.same(codes('? [a, b]\n: c\n'), ['yaml-invalid-key@1:3']);
  t.same(codes('a: !Ref x\n'), ['yaml-warning@1:4']);
  const r = parseYaml('1: one\ntrue: yes\n');
  t.same(r.ast && astToValue(r.ast), { '1': 'one', true: 'yes' }, 'scalar keys become strings');
  const big = parseYaml('a: 12345678901234567890\n', {});
  t.equal(big.ast?.kind === 'object' && big.ast.members[0]?.value.kind, 'number');
});

t.test('deep nesting does not throw', async (t) => {
  const deep = '['.repeat(5000) + ']'.repeat(5000);
  t.doesNotThrow(() => parseYaml(deep));
  t.ok(parseYaml(deep).findings.some((f) => f.severity === 'error'));
  t.doesNotThrow(() => parsePolicy(deep, { format: 'yaml' }));
});

t.test('a document parsed elsewhere', async (t) => {
  const text = 'x: 1\npolicy:\n  Effect: Allow\n  Effect: Deny\n';
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  const r = yamlDocumentToAst(doc, lc);
  t.same(
    r.findings.map((f) => [f.code, f.span?.start.line, f.span?.start.column]),
    [['duplicate-key', 4, 3]],
    "the library's own duplicate-key error is not repeated",
  );
  const node = yamlNodeToAst(doc.get('policy', true), lc, { duplicateKeys: false });
  t.same(node.findings, []);
  t.equal(node.ast?.span.start.line, 3, 'spans point into the bigger file');
});

t.test('nodes from documents parsed with other options', async (t) => {
  const lc = new LineCounter();
  const doc = parseDocument('v: 2012-10-17\nn: 12\n', {
    lineCounter: lc,
    customTags: ['timestamp'],
    intAsBigInt: true,
  });
  const r = yamlNodeToAst(doc.contents, lc, { doc });
  t.same(r.findings, []);
  t.same(r.ast && astToValue(r.ast), { v: '2012-10-17', n: 12 }, 'timestamps keep their text');
  const odd = yamlNodeToAst({ not: 'a yaml node' }, lc);
  t.same(
    odd.findings.map((f) => f.code),
    ['yaml-non-json-value'],
  );
  t.equal(yamlNodeToAst(null, lc).ast?.kind, 'null');
});
