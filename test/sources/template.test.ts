/**
 * Reading a template: YAML short-form tags become the long form, every node keeps its place,
 * strings keep a map from each character to its place (block scalars, quoted scalars, JSON
 * escapes), and what CloudFormation refuses (an intrinsic as a key, an unknown tag, a duplicate
 * key, bad JSON) is an error at its place.
 */
import t from 'tap';
import { readTemplate, SHORT_TAGS, type TNode } from '../../lib/sources/template.js';
import { place } from './helpers.js';

function shape(n: TNode | undefined): unknown {
  if (!n) return undefined;
  if (n.kind === 'scalar') return n.value;
  if (n.kind === 'array') return n.items.map(shape);
  const o: Record<string, unknown> = {};
  for (const m of n.members) o[m.key] = shape(m.value);
  return n.tag ? { [`(${n.tag})`]: o } : o;
}

t.test('every short-form tag becomes its long form', async (t) => {
  for (const [tag, name] of Object.entries(SHORT_TAGS)) {
    const r = readTemplate(`A: ${tag} x\n`, 't.yaml');
    t.same(r.findings, [], `${tag}: no findings`);
    t.same(shape(r.root), { A: { [`(${tag})`]: { [name]: 'x' } } }, tag);
  }
  const r = readTemplate('A: !If [C, !Ref X, [!Sub "${Y}"]]\nB: !GetAZs\n', 't.yaml');
  t.same(shape(r.root), {
    A: {
      '(!If)': {
        'Fn::If': ['C', { '(!Ref)': { Ref: 'X' } }, [{ '(!Sub)': { 'Fn::Sub': '${Y}' } }]],
      },
    },
    B: { '(!GetAZs)': { 'Fn::GetAZs': '' } },
  });
});

t.test('YAML 1.2: 2012-10-17 stays a string; numbers, booleans and nulls are values', async (t) => {
  const r = readTemplate('Version: 2012-10-17\nN: 3600\nB: true\nZ: ~\nQ: "1"\n', 't.yaml');
  t.same(shape(r.root), { Version: '2012-10-17', N: 3600, B: true, Z: null, Q: '1' });
  const j = readTemplate('{"N": 1.5, "B": false, "Z": null}', 't.json');
  t.same(shape(j.root), { N: 1.5, B: false, Z: null });
  const inf = readTemplate('N: .inf\n', 't.yaml');
  t.same(
    inf.findings.map((f) => f.code),
    ['yaml-non-json-value'],
    'a number JSON cannot hold',
  );
});

t.test('a tagged node starts at its tag', async (t) => {
  const text = 'A:\n  B: !Sub |\n    x\n  C: [!Ref X]\n';
  const r = readTemplate(text, 't.yaml');
  const a = r.root?.kind === 'object' ? r.root.members[0]?.value : undefined;
  const b = a?.kind === 'object' ? a.members[0]?.value : undefined;
  t.same([b?.span.start.line, b?.span.start.column], [2, 6]);
  const c = a?.kind === 'object' ? a.members[1]?.value : undefined;
  const ref = c?.kind === 'array' ? c.items[0] : undefined;
  t.same(
    [ref?.span.start.line, ref?.span.start.column],
    [place(text, '!Ref').line, place(text, '!Ref').column],
  );
});

/** The place of each character of the string at `A`. */
function charPlaces(text: string): string[] {
  const r = readTemplate(text, text.startsWith('{') ? 't.json' : 't.yaml');
  const a = r.root?.kind === 'object' ? r.root.members[0]?.value : undefined;
  if (!a || a.kind !== 'scalar' || typeof a.value !== 'string') throw new Error('no string at A');
  const chars = a.chars;
  const value = a.value;
  return [...value].map((ch, i) => {
    const p = chars ? chars(i) : a.span.start;
    return `${ch === '\n' ? '⏎' : ch}@${p.line}:${p.column}`;
  });
}

t.test('characters of strings keep their places', async (t) => {
  t.same(charPlaces('A: ab\n'), ['a@1:4', 'b@1:5'], 'plain');
  t.same(charPlaces("A: 'a''b'\n"), ['a@1:5', "'@1:6", 'b@1:8'], "single-quoted ('' is ')");
  t.same(charPlaces('A: "a\\tb"\n'), ['a@1:5', '\t@1:6', 'b@1:8'], 'double-quoted escapes');
  t.same(
    charPlaces('A: |\n  {\n    "k": 1\n  }\n'),
    [
      '{@2:3',
      '⏎@2:4',
      ' @3:3',
      ' @3:4',
      '"@3:5',
      'k@3:6',
      '"@3:7',
      ':@3:8',
      ' @3:9',
      '1@3:10',
      '⏎@3:11',
      '}@4:3',
      '⏎@4:4',
    ],
    'literal block',
  );
  t.same(
    charPlaces('A: >-\n  one line\n').slice(0, 3),
    ['o@2:3', 'n@2:4', 'e@2:5'],
    'folded block of one line',
  );
  t.same(
    charPlaces('A: >-\n  two\n  lines\n').slice(0, 5),
    ['t@1:4', 'w@1:4', 'o@1:4', ' @1:4', 'l@1:4'],
    'folded lines: the scalar start',
  );
  t.same(
    charPlaces('{"A": "a\\"\\u0041b"}'),
    ['a@1:8', '"@1:9', 'A@1:11', 'b@1:17'],
    'JSON escapes',
  );
  t.same(
    charPlaces('A: "two\n  lines"\n').slice(0, 2),
    ['t@1:4', 'w@1:4'],
    'multi-line flow: the scalar start',
  );
});

t.test('refusals, each at its place', async (t) => {
  const cases: { name: string; text: string; file?: string; code: string; at: string }[] = [
    {
      name: 'an intrinsic as a key',
      text: 'A:\n  !Sub "${X}:sub": v\n',
      code: 'cfn-intrinsic-key',
      at: '!Sub',
    },
    { name: 'an unknown tag', text: 'A: !Nope x\n', code: 'cfn-unknown-tag', at: '!Nope' },
    { name: 'a duplicate YAML key', text: 'A: 1\nA: 2\n', code: 'duplicate-key', at: 'A: 2' },
    {
      name: 'a duplicate JSON key',
      text: '{"A": 1, "A": 2}',
      file: 't.json',
      code: 'duplicate-key',
      at: '"A": 2',
    },
    { name: 'a YAML syntax error', text: 'A: [1, 2\n', code: 'yaml-syntax', at: '' },
    {
      name: 'several YAML documents',
      text: 'A: 1\n---\nB: 2\n',
      code: 'yaml-multiple-documents',
      at: '---',
    },
    {
      name: 'a JSON syntax error',
      text: '{"A": 1,}',
      file: 't.json',
      code: 'json-trailing-comma',
      at: ',}',
    },
    { name: 'a list, not a mapping', text: '- a\n', code: 'template-not-mapping', at: '- a' },
    { name: 'an empty file', text: '', code: 'empty-template', at: '' },
    { name: 'a non-string key', text: '[a]: 1\n', code: 'yaml-invalid-key', at: '[a]' },
    { name: 'an alias to nothing', text: 'A: *x\n', code: 'yaml-bad-alias', at: '*x' },
  ];
  for (const c of cases) {
    const r = readTemplate(c.text, c.file ?? 't.yaml');
    const f = r.findings.find((x) => x.severity === 'error');
    t.equal(f?.code, c.code, `${c.name}: ${JSON.stringify(r.findings.map((x) => x.code))}`);
    t.equal(r.root, undefined, `${c.name}: no tree`);
    if (c.at !== '' && f?.span) {
      const want = place(c.text, c.at);
      t.same(
        [f.span.start.line, f.span.start.column],
        [want.line, want.column],
        `${c.name}: place`,
      );
    }
    t.equal(f?.file, c.file ?? 't.yaml', `${c.name}: names the file`);
  }
});

t.test('aliases are expanded; an alias into itself is refused', async (t) => {
  const r = readTemplate('A: &a [x, y]\nB: *a\n', 't.yaml');
  t.same(shape(r.root), { A: ['x', 'y'], B: ['x', 'y'] });
  const loop = readTemplate('A: &a [x, *a]\n', 't.yaml');
  t.ok(loop.findings.some((f) => f.code === 'yaml-bad-alias' || f.code === 'yaml-syntax'));
});

t.test('a JSON template is read as JSON whatever its name when it starts with {', async (t) => {
  const r = readTemplate('  {"A": {"Fn::Sub": "x"}}', 'template.txt');
  t.equal(r.format, 'json');
  t.same(shape(r.root), { A: { 'Fn::Sub': 'x' } });
});

t.test('a template nested deeper than any real one is refused, not a stack overflow', async (t) => {
  const deep = `A: ${'['.repeat(600)}${']'.repeat(600)}\n`;
  const r = readTemplate(deep, 't.yaml');
  t.equal(r.root, undefined);
  t.same(
    r.findings.map((f) => f.code),
    ['template-too-large'],
  );
});
