/**
 * parsePolicy also takes an already-parsed value (CloudFormation, Terraform, a YAML loader): it is
 * read directly, with the same refusals as text. A table of documents, each given as JSON text and
 * as the equivalent object, must give the same finding codes and the same model apart from spans;
 * then what only a value can hold (functions, dates, cycles, …), and where spans point.
 */
import fc from 'fast-check';
import t from 'tap';
import { NO_SPAN, type Finding, type Span } from '../../lib/diagnostics.js';
import {
  nonWhitespaceLength,
  parseJson,
  parsePolicy,
  serializedSize,
  valueToAst,
  type ValuePath,
} from '../../lib/policy/index.js';

const GH = 'token.actions.githubusercontent.com';
const GH_ARN = `arn:aws:iam::123456789012:oidc-provider/${GH}`;
const ACTION = 'sts:AssumeRoleWithWebIdentity';

function statement(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Effect: 'Allow',
    Principal: { Federated: GH_ARN },
    Action: ACTION,
    Condition: { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' } },
    ...extra,
  };
}

function doc(...statements: unknown[]): Record<string, unknown> {
  return { Version: '2012-10-17', Statement: statements };
}

/** The model without places (and the text-only `size`, compared separately). */
function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'span' || k.endsWith('Span')) continue;
      out[k] = strip(v);
    }
    return out;
  }
  return value;
}

function codes(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.code}/${f.severity}${f.writeTime ? '/write-time' : ''}`).sort();
}

const rows: { name: string; value: unknown }[] = [
  {
    name: 'GitHub deploy role, two statements',
    value: doc(
      statement({
        Sid: 'Deploy',
        Condition: {
          StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${GH}:sub`]: ['repo:acme/app:ref:refs/heads/main', 'repo:acme/*'] },
        },
      }),
      statement({ Effect: 'Deny', Principal: '*', Action: 'sts:*' }),
    ),
  },
  { name: 'Statement as one object', value: { Version: '2012-10-17', Statement: statement() } },
  { name: 'no Version', value: { Statement: [statement()] } },
  {
    name: 'a variable without Version 2012-10-17',
    value: {
      Version: '2008-10-17',
      Statement: statement({ Condition: { StringEquals: { 'k:sub': '${aws:username}' } } }),
    },
  },
  { name: 'unknown policy element', value: { ...doc(statement()), statement: [] } },
  { name: 'unknown statement element', value: doc(statement({ Principals: {} })) },
  { name: 'Resource', value: doc(statement({ Resource: '*' })) },
  { name: 'NotPrincipal', value: doc(statement({ NotPrincipal: { AWS: '123456789012' } })) },
  { name: 'Effect in other case', value: doc(statement({ Effect: 'allow' })) },
  { name: 'Effect a number', value: doc(statement({ Effect: 1 })) },
  { name: 'no Principal', value: doc({ Effect: 'Allow', Action: ACTION }) },
  { name: 'bad action', value: doc(statement({ Action: ['AssumeRole', 'sts:*'] })) },
  { name: 'Action and NotAction', value: doc(statement({ NotAction: 'sts:TagSession' })) },
  { name: 'NotAction', value: doc({ ...statement(), Action: undefined, NotAction: 'sts:X' }) },
  {
    name: 'unknown operator',
    value: doc(statement({ Condition: { StringEqual: { 'k:a': 'x' } } })),
  },
  {
    name: 'unknown set operator',
    value: doc(statement({ Condition: { 'ForAnyvalue:StringLike': { 'k:a': 'x*' } } })),
  },
  { name: 'Null…IfExists', value: doc(statement({ Condition: { NullIfExists: { 'k:a': 'x' } } })) },
  { name: 'empty condition block', value: doc(statement({ Condition: { StringEquals: {} } })) },
  {
    name: 'empty value list',
    value: doc(statement({ Condition: { StringEquals: { 'k:a': [] } } })),
  },
  {
    name: 'number and boolean values',
    value: doc(statement({ Condition: { NumericLessThan: { 'k:n': 10 }, Bool: { 'k:b': true } } })),
  },
  {
    name: 'keys differing in case',
    value: doc(statement({ Condition: { StringEquals: { 'k:sub': 'x', 'K:Sub': 'y' } } })),
  },
  {
    name: 'a list as a condition value',
    value: doc(statement({ Condition: { Bool: { 'k:b': [[]] } } })),
  },
  {
    name: 'Sid with a dash, twice',
    value: doc(statement({ Sid: 'a-b' }), statement({ Sid: 'a-b' })),
  },
  { name: 'Principal "*"', value: doc(statement({ Principal: '*' })) },
  { name: 'Principal {AWS: "*"}', value: doc(statement({ Principal: { AWS: '*' } })) },
  { name: 'a partial wildcard', value: doc(statement({ Principal: { Federated: `${GH_ARN}*` } })) },
  { name: 'a bare issuer host', value: doc(statement({ Principal: { Federated: GH } })) },
  {
    name: 'a provider with a trailing slash',
    value: doc(statement({ Principal: { Federated: `${GH_ARN}/` } })),
  },
  {
    name: 'a SAML provider',
    value: doc(
      statement({ Principal: { Federated: 'arn:aws:iam::123456789012:saml-provider/Okta' } }),
    ),
  },
  { name: 'unknown principal type', value: doc(statement({ Principal: { federated: GH_ARN } })) },
  { name: 'empty Principal list', value: doc(statement({ Principal: { Federated: [] } })) },
  { name: 'Statement: []', value: { Version: '2012-10-17', Statement: [] } },
  { name: 'Statement a string', value: { Version: '2012-10-17', Statement: 'Allow' } },
  { name: 'a statement that is a number', value: { Version: '2012-10-17', Statement: [42] } },
  { name: 'no Statement', value: { Version: '2012-10-17' } },
  { name: 'Version unknown', value: { ...doc(statement()), Version: '2012-10-18' } },
  { name: 'Id a number', value: { ...doc(statement()), Id: 5 } },
  { name: 'the policy is a list', value: [doc(statement())] },
  {
    name: 'a character IAM refuses',
    value: doc(statement({ Condition: { StringEquals: { 'k:a': 'caf\u4e2d' } } })),
  },
  {
    name: 'over 2,048 characters',
    value: doc(statement({ Condition: { StringLike: { 'k:sub': 'a b\t"\\'.repeat(400) + '*' } } })),
  },
  {
    name: 'over 4,096 characters',
    value: doc(statement({ Condition: { StringLike: { 'k:sub': 'x'.repeat(4100) + '*' } } })),
  },
];

t.test('JSON text and the equivalent object: same findings, same model', async (t) => {
  for (const row of rows) {
    const text = JSON.stringify(row.value, null, 2);
    const fromText = parsePolicy(text, { format: 'json' });
    const fromValue = parsePolicy(row.value as object);
    t.same(codes(fromValue.findings), codes(fromText.findings), `${row.name}: finding codes`);
    t.equal(fromValue.ok, fromText.ok, `${row.name}: ok`);
    t.same(strip(fromValue.policy), strip(fromText.policy), `${row.name}: model`);
    for (const f of fromValue.findings) {
      if (f.severity === 'error') t.ok(f.hint, `${row.name}: ${f.code} says what is right`);
    }
  }
  t.ok(
    rows.every((r) => {
      const p = parsePolicy(r.value as object);
      return p.findings.length > 0 || p.ok;
    }),
    'every row is ok or has findings',
  );
  t.ok(rows.filter((r) => !parsePolicy(r.value as object).ok).length >= 20, 'most rows refuse');
});

class Custom {
  Effect = 'Allow';
}
const cyclic: Record<string, unknown> = doc(statement());
(cyclic.Statement as unknown[]).push(cyclic);
const throwing = doc(statement());
Object.defineProperty(throwing, 'Id', {
  enumerable: true,
  get() {
    throw new Error('no Id today');
  },
});

const nonJson: { name: string; value: unknown; message: RegExp; hint?: RegExp }[] = [
  {
    name: 'a function',
    value: doc(statement({ Sid: () => 'x' })),
    message: /Statement\[0\]\.Sid is a function/,
  },
  { name: 'a symbol', value: doc(statement({ Sid: Symbol('x') })), message: /a symbol/ },
  {
    name: 'undefined in a list',
    value: doc(statement({ Action: [ACTION, undefined] })),
    message: /Statement\[0\]\.Action\[1\] is undefined/,
  },
  {
    name: 'NaN',
    value: doc(statement({ Condition: { NumericEquals: { 'k:n': NaN } } })),
    message: /is NaN/,
  },
  { name: 'Infinity', value: { ...doc(statement()), Id: Infinity }, message: /Id is Infinity/ },
  {
    name: 'a Date (YAML loaders make one of an unquoted 2012-10-17)',
    value: { ...doc(statement()), Version: new Date(Date.UTC(2012, 9, 17)) },
    message: /Version is a Date/,
    hint: /quote it/,
  },
  { name: 'a Map', value: { ...doc(statement()), Statement: new Map() }, message: /a Map object/ },
  { name: 'a class instance', value: doc(new Custom()), message: /a Custom object/ },
  { name: 'a cycle', value: cyclic, message: /contains itself/ },
  { name: 'a throwing getter', value: throwing, message: /no Id today/ },
  { name: 'undefined at the root', value: undefined, message: /the document is undefined/ },
];

t.test('values JSON cannot hold are refused, with a hint', async (t) => {
  for (const row of nonJson) {
    const r = parsePolicy(row.value as object);
    t.equal(r.ok, false, `${row.name}: refused`);
    const f = r.findings.find((x) => x.code === 'non-json-value');
    t.ok(f, `${row.name}: non-json-value`);
    if (!f) continue;
    t.equal(f.severity, 'error');
    t.match(f.message, row.message, `${row.name}: message`);
    t.ok(f.hint, `${row.name}: hint`);
    if (row.hint) t.match(f.hint, row.hint, `${row.name}: hint`);
  }
});

t.test('what JSON.stringify would keep is read alike', async (t) => {
  const withUndefined = { ...doc(statement({ Sid: undefined })), Id: undefined };
  const r = parsePolicy(withUndefined);
  t.ok(r.ok, 'a member whose value is undefined is left out, as JSON.stringify does');
  t.equal(r.policy?.statements[0]?.sid, undefined);
  const bare = Object.assign(Object.create(null) as object, doc(statement()));
  t.ok(parsePolicy(bare).ok, 'an object without a prototype is plain data');
  const big = parsePolicy(doc(statement({ Condition: { NumericLessThan: { 'k:n': 10n } } })));
  t.same(
    big.policy?.statements[0]?.conditions[0]?.values.map((v) => v.value),
    ['10'],
    'a bigint',
  );
  let deep: unknown = 'x';
  for (let i = 0; i < 1200; i++) deep = [deep];
  t.same(
    parsePolicy({ ...doc(statement()), Id: deep }).findings.map((f) => f.code),
    ['json-too-deep'],
    'nesting is capped as for JSON text',
  );
});

t.test('spans: at the start, at a given place, or where the caller says', async (t) => {
  const bad = doc(statement({ Effect: 'allow', Foo: 1 }));
  const r = parsePolicy(bad);
  t.ok(r.findings.length > 0);
  t.ok(
    r.findings.every((f) => f.span === undefined || f.span.start.offset === 0),
    'by default every span is at the start',
  );
  const at: Span = {
    start: { line: 12, column: 7, offset: 300 },
    end: { line: 12, column: 7, offset: 300 },
  };
  t.ok(
    parsePolicy(bad, { at }).findings.every((f) => f.span === at),
    'or where the caller puts the whole policy',
  );
  const places = new Map<string, Span>([
    ['value Statement/0/Effect', span(5, 17)],
    ['key Statement/0/Foo', span(9, 7)],
  ]);
  const seen: string[] = [];
  const located = parsePolicy(bad, {
    at,
    spanOf: (path: ValuePath, part) => {
      seen.push(`${part} ${path.join('/')}`);
      return places.get(`${part} ${path.join('/')}`);
    },
  });
  const where = (code: string): unknown => {
    const s = located.findings.find((f) => f.code === code)?.span;
    return s && [s.start.line, s.start.column];
  };
  t.same(where('invalid-effect'), [5, 17], 'a value at its place');
  t.same(where('unknown-element'), [9, 7], 'a key at its place');
  t.ok(seen.includes('value '), 'the root is asked for');
  t.ok(seen.includes('key Statement/0/Principal/Federated'), 'keys are asked for');
  t.ok(
    seen.includes(
      'value Statement/0/Condition/StringEquals/token.actions.githubusercontent.com:aud',
    ),
  );
  t.equal(NO_SPAN.start.line, 1, 'the default place is line 1, column 1');
});

function span(line: number, column: number): Span {
  const p = { line, column, offset: line * 100 + column };
  return { start: p, end: p };
}

t.test('never throws on any value; ok exactly when no blocking error', async (t) => {
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything({ withBigInt: true, withDate: true, withMap: true, withNullPrototype: true }),
          fc.record({ Version: fc.constant('2012-10-17'), Statement: fc.anything() }),
        ),
        (v) => {
          const r = parsePolicy(v as object);
          const blocking = r.findings.some((f) => f.severity === 'error' && !f.writeTime);
          if (r.ok === blocking) throw new Error(`ok ${r.ok} with findings ${codes(r.findings)}`);
        },
      ),
      { numRuns: 500, seed: 7 },
    ),
  );
});

t.test('the size of a value is what IAM would count in its JSON text (§5.7)', async (t) => {
  const unit = fc.oneof(
    fc.constantFrom(
      ' ',
      '\t',
      '\n',
      '"',
      '\\',
      '\u0000',
      '\u001f',
      '\u00e9',
      '\u2028',
      '\ud800',
      '\udc00',
    ),
    fc.constantFrom('😀', 'a', '/', '!', '#'),
  );
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      fc.string({ unit, maxLength: 8 }),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('node'), { maxLength: 4 }),
      fc.dictionary(fc.string({ unit, maxLength: 4 }), tie('node'), { maxKeys: 4 }),
    ),
  })).node;
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(value, (v) => {
        const r = valueToAst(v);
        if (!r.ast) throw new Error('no tree');
        const want = nonWhitespaceLength(JSON.stringify(v));
        const got = serializedSize(r.ast);
        if (got !== want) throw new Error(`${JSON.stringify(v)}: ${got}, JSON.stringify ${want}`);
      }),
      { numRuns: 1000, seed: 11 },
    ),
  );
});

t.test('big objects: duplicates and sizes beyond the small-object scans', async (t) => {
  // 40 members, two keys repeated: duplicate-key findings and the size of what JSON.parse keeps.
  const members = Array.from({ length: 40 }, (_, i) => `"k${i % 38}": "v${i}"`).join(', ');
  const text = `{"Version": "2012-10-17", "Statement": [], "Id": {${members}}}`;
  const r = parsePolicy(text);
  t.same(
    r.findings.filter((f) => f.code === 'duplicate-key').map((f) => f.message.slice(0, 20)),
    ['duplicate key "k0" (', 'duplicate key "k1" ('],
  );
  const tree = parseJson(`{${members}}`, { duplicateKeys: false }).ast;
  t.equal(
    tree && serializedSize(tree),
    nonWhitespaceLength(JSON.stringify(JSON.parse(`{${members}}`))),
    'the size counts a repeated key once, with its last value',
  );
  const keys = Array.from({ length: 40 }, (_, i) => `"K:${i % 38}": "x"`).join(', ');
  const block = parsePolicy(
    `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:*", "Condition": {"StringEquals": {${keys}, "k:1": "y"}}}}`,
  );
  t.same(
    block.findings.filter((f) => f.code.startsWith('duplicate')).map((f) => f.code),
    ['duplicate-key', 'duplicate-key', 'duplicate-condition-key'],
    'a big condition block: repeats and keys differing only in case',
  );
});
