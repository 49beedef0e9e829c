import t from 'tap';
import {
  astToValue,
  LineIndex,
  MAX_JSON_DEPTH,
  parseJson,
  type AstNode,
} from '../../lib/policy/index.js';

function value(text: string): unknown {
  const r = parseJson(text);
  if (!r.ast || r.findings.length > 0)
    throw new Error(`did not parse: ${JSON.stringify(r.findings)}`);
  return astToValue(r.ast);
}

/** `code@line:column` of every finding. */
function problems(text: string): string[] {
  return parseJson(text).findings.map(
    (f) => `${f.code}@${f.span?.start.line}:${f.span?.start.column}`,
  );
}

t.test('escapes', async (t) => {
  t.equal(value(String.raw`"\"\\\/\b\f\n\r\t"`), '"\\/\b\f\n\r\t');
  t.equal(value(String.raw`"caf\u00e9 \u00E9"`), 'café é');
  t.equal(value(String.raw`"\uD83D\uDE00"`), '😀', 'surrogate pair');
  t.equal(value('"😀 raw"'), '😀 raw');
  t.equal(
    value(String.raw`"\uD800"`),
    JSON.parse(String.raw`"\uD800"`),
    'lone surrogate as JSON.parse',
  );
  t.equal(value(String.raw`"\u0000"`), '\u0000');
  t.same(problems(String.raw`"a\x"`), ['json-invalid-escape@1:3']);
  t.same(problems(String.raw`"\u12"`), ['json-invalid-escape@1:2']);
  t.same(problems(String.raw`"\u12G4"`), ['json-invalid-escape@1:2']);
  const recovered = parseJson(String.raw`{"a": "b\qc"}`);
  t.ok(recovered.ast, 'a bad escape is recoverable');
  t.same(recovered.ast && astToValue(recovered.ast), { a: 'bqc' });
});

t.test('strings: control characters and line breaks', async (t) => {
  const tab = parseJson('{"a": "x\ty"}');
  t.same(
    tab.findings.map((f) => [f.code, f.span?.start.column, f.hint]),
    [['json-control-char', 9, 'escape it as \\t']],
  );
  t.ok(tab.ast, 'recoverable');
  t.same(problems('{"a": "x\ny"}'), ['json-unterminated-string@1:7']);
  t.same(problems('{"a": "xy'), ['json-unterminated-string@1:7']);
  t.same(problems('"abc\\'), ['json-unterminated-string@1:1']);
  t.same(problems('"\u0001"'), ['json-control-char@1:2']);
});

t.test('numbers', async (t) => {
  for (const n of [
    '0',
    '-0',
    '12',
    '-1.5e-3',
    '1E+2',
    '1e10',
    '6.02214076e23',
    '1e400',
    '-1e-400',
  ]) {
    t.same(value(n), JSON.parse(n), n);
  }
  const r = parseJson('[1.50, 1e3]');
  t.same(
    r.ast?.kind === 'array' && r.ast.items.map((i) => i.kind === 'number' && i.raw),
    ['1.50', '1e3'],
    'raw text kept',
  );
  t.same(problems('01'), ['json-invalid-number@1:1']);
  t.same(problems('-'), ['json-invalid-number@1:1']);
  t.same(problems('1.'), ['json-invalid-number@1:1']);
  t.same(problems('1.e3'), ['json-invalid-number@1:1']);
  t.same(problems('1e'), ['json-invalid-number@1:1']);
  t.same(problems('[-a]'), ['json-invalid-number@1:2']);
  t.same(problems('+1'), ['json-unexpected-char@1:1']);
  t.same(problems('.5'), ['json-unexpected-char@1:1']);
  t.same(problems('[1, NaN]'), ['json-unexpected-char@1:5']);
  t.same(problems('Infinity'), ['json-unexpected-char@1:1']);
  t.same(problems('1x'), ['json-trailing-content@1:2']);
});

t.test('literals', async (t) => {
  t.same(value('[true, false, null]'), [true, false, null]);
  const r = parseJson('{"a": True}');
  t.equal(r.findings[0]?.message, 'unexpected "True" — expected a value');
  t.equal(r.findings[0]?.hint, 'JSON literals are lower-case: write true');
  t.same(problems('[nul]'), ['json-unexpected-char@1:2']);
  t.same(problems('[truex]'), ['json-unexpected-char@1:2']);
  t.same(problems('{"a": undefined}'), ['json-unexpected-char@1:7']);
});

t.test('structure errors with positions and hints', async (t) => {
  t.same(problems('{"a": 1 "b": 2}'), ['json-unexpected-char@1:9']);
  t.match(parseJson('{"a": 1 "b": 2}').findings[0]?.hint, /"," is missing/);
  t.same(problems('{"a" 1}'), ['json-unexpected-char@1:6']);
  t.same(problems('{a: 1}'), ['json-unexpected-char@1:2']);
  t.match(parseJson('{a: 1}').findings[0]?.hint, /keys are strings in double quotes/);
  t.same(problems('{"a": 1,}'), ['json-trailing-comma@1:8']);
  t.same(problems('[1, 2, ]'), ['json-trailing-comma@1:6']);
  t.ok(parseJson('[1, 2, ]').ast, 'a trailing comma is recoverable');
  t.same(problems('[1 2]'), ['json-unexpected-char@1:4']);
  t.same(problems('[,]'), ['json-unexpected-char@1:2']);
  t.same(problems('{,}'), ['json-unexpected-char@1:2']);
  t.same(problems('{"a": [1, 2}'), ['json-unexpected-char@1:12']);
  t.same(problems('{"a": 1'), ['json-unexpected-end@1:8']);
  t.same(problems('{"a":'), ['json-unexpected-end@1:6']);
  t.same(problems('['), ['json-unexpected-end@1:2']);
  t.same(problems('// c\n{}'), ['json-unexpected-char@1:1']);
  t.match(parseJson('// c\n{}').findings[0]?.hint, /no comments/);
});

t.test('empty input and trailing garbage', async (t) => {
  t.same(problems(''), ['empty-input@1:1']);
  t.same(problems(' \n\t '), ['empty-input@2:3']);
  t.same(problems('\ufeff'), ['empty-input@1:2']);
  t.same(problems('{} {}'), ['json-trailing-content@1:4']);
  t.same(problems('{}\n\nx'), ['json-trailing-content@3:1']);
  t.same(problems('1 2'), ['json-trailing-content@1:3']);
  const r = parseJson('{}x');
  t.equal(r.ast, undefined, 'no tree when the text does not end where the value does');
});

t.test('byte-order mark', async (t) => {
  const r = parseJson('\ufeff{"a": 1}');
  t.same(r.findings, []);
  t.same(r.ast && astToValue(r.ast), { a: 1 });
  const key = r.ast?.kind === 'object' ? r.ast.members[0]?.keySpan.start : undefined;
  t.same(key, { line: 1, column: 3, offset: 2 });
});

t.test('nesting depth', async (t) => {
  const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
  t.same(parseJson(deep(MAX_JSON_DEPTH)).findings, [], `${MAX_JSON_DEPTH} levels parse`);
  t.same(value('[[[[[{"a": [[{"b": {}}]]}]]]]]'), [[[[[{ a: [[{ b: {} }]] }]]]]]);
  t.same(problems(deep(MAX_JSON_DEPTH + 1)), [`json-too-deep@1:${MAX_JSON_DEPTH + 1}`]);
  t.doesNotThrow(() => parseJson('['.repeat(200_000)), 'no stack overflow');
  t.doesNotThrow(() => parseJson('{"a":'.repeat(100_000)));
});

t.test('duplicate keys are reported, the tree keeps both', async (t) => {
  const text = '{\n  "a": 1,\n  "b": {"x": 1, "x": 2},\n  "a": 3\n}';
  const r = parseJson(text);
  t.same(
    r.findings.map((f) => [f.code, f.span?.start.line, f.span?.start.column, f.message]),
    [
      ['duplicate-key', 3, 17, 'duplicate key "x" (first at line 3, column 9)'],
      ['duplicate-key', 4, 3, 'duplicate key "a" (first at line 2, column 3)'],
    ],
  );
  t.equal(r.ast?.kind === 'object' && r.ast.members.length, 3);
  t.same(r.ast && astToValue(r.ast), JSON.parse(text), 'astToValue agrees with JSON.parse');
  t.same(parseJson(text, { duplicateKeys: false }).findings, [], 'can be turned off');
  t.same(problems('{"a": 1, "A": 2}'), [], 'keys differing in case are distinct JSON keys');
});

t.test('spans of members, keys and values', async (t) => {
  const text = '{\n  "Effect" : "Allow",\n  "n": [1, {"k": null}]\n}';
  const r = parseJson(text);
  const root = r.ast as AstNode & { kind: 'object' };
  const show = (s: {
    start: { line: number; column: number };
    end: { line: number; column: number };
  }) => `${s.start.line}:${s.start.column}-${s.end.line}:${s.end.column}`;
  t.equal(show(root.span), '1:1-4:2');
  const [effect, n] = root.members;
  t.equal(show(effect!.keySpan), '2:3-2:11');
  t.equal(show(effect!.value.span), '2:14-2:21');
  t.equal(show(effect!.span), '2:3-2:21');
  t.equal(show(n!.value.span), '3:8-3:24');
  const inner = n!.value.kind === 'array' ? n!.value.items[1] : undefined;
  t.equal(inner && show(inner.span), '3:12-3:23');
  t.equal(root.span.end.offset, text.length);
});

t.test('line breaks: LF, CRLF and lone CR', async (t) => {
  const crlf = parseJson('{\r\n  "a": 1,\r\n  "a": 2\r\n}');
  t.same(crlf.findings[0]?.span?.start, { line: 3, column: 3, offset: 16 });
  const cr = parseJson('{\r  "a": 1,\r  "a": 2\r}');
  t.same(cr.findings[0]?.span?.start, { line: 3, column: 3, offset: 14 });
  const idx = new LineIndex('ab\ncd\r\nef\rg');
  t.same(
    [0, 2, 3, 5, 7, 9, 10, 11, 99].map((o) => {
      const p = idx.position(o);
      return `${p.line}:${p.column}`;
    }),
    ['1:1', '1:3', '2:1', '2:3', '3:1', '3:3', '4:1', '4:2', '4:2'],
  );
});

t.test('__proto__ is an ordinary key', async (t) => {
  const text = '{"__proto__": {"polluted": true}, "a": 1}';
  const v = value(text) as Record<string, unknown>;
  t.same(Object.keys(v), ['__proto__', 'a']);
  t.equal(Object.getPrototypeOf(v), Object.prototype);
  t.same(v, JSON.parse(text));
  t.equal(({} as Record<string, unknown>).polluted, undefined);
});

// No clock here (tests never time themselves): a quadratic parser would not finish these within
// tap's per-file timeout; bench/parse.mjs measures speed.
t.test('big input', async (t) => {
  const big = JSON.stringify(
    Array.from({ length: 50_000 }, (_, i) => ({
      key: `value-${i}`,
      n: i,
      ok: i % 2 === 0,
      s: 'x\\"y',
    })),
  );
  const r = parseJson(big);
  t.same(r.findings, []);
  t.same(r.ast && astToValue(r.ast), JSON.parse(big));
  t.same(r.scan, { whiteSpace: 0, allowedChars: true }, 'one pass saw every character');
  const longString = '"' + 'a'.repeat(2_000_000) + '"';
  t.same(parseJson(longString).findings, [], 'a 2 MB string');
});
