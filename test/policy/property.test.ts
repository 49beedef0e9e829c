import { deepStrictEqual } from 'node:assert';
import fc from 'fast-check';
import t from 'tap';
import { stringify as stringifyYaml } from 'yaml';
import type { Finding } from '../../lib/diagnostics.js';
import {
  astToValue,
  invalidCharacterFindings,
  LineIndex,
  nonWhitespaceLength,
  parseJson,
  parsePolicy,
  type JsonParseResult,
} from '../../lib/policy/index.js';

const VALID_JSON = `{
  "Version": "2012-10-17",
  "Id": "deploy",
  "Statement": [
    {
      "Sid": "GitHub",
      "Effect": "Allow",
      "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
      "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
      "Condition": {
        "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
        "StringLike": {"token.actions.githubusercontent.com:sub": ["repo:acme/app:ref:refs/heads/main", "repo:acme/*"]},
        "NumericLessThan": {"k:n": 10},
        "ForAnyValue:StringEquals": {"k:list": ["a\\u00e9", "b"]}
      }
    },
    {"Effect": "Deny", "Principal": "*", "Action": "sts:*", "Condition": {"Null": {"k:x": "true"}}}
  ]
}`;

const VALID_YAML = `Version: "2012-10-17"
Statement:
  - Sid: GitHub
    Effect: Allow
    Principal:
      Federated: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com
    Action: [sts:AssumeRoleWithWebIdentity, sts:TagSession]
    Condition:
      StringEquals: {token.actions.githubusercontent.com:aud: sts.amazonaws.com}
      StringLike:
        token.actions.githubusercontent.com:sub:
          - &main repo:acme/app:ref:refs/heads/main
          - "repo:acme/*"
  - Effect: Deny
    Principal: "*"
    Action: sts:*
    Condition: {StringNotEquals: {k:x: *main}}
`;

/** Characters that matter to JSON and YAML, plus a few IAM refuses. */
const SYNTAX = '{}[]",:\\ \n\r\t\'#&*!|>-?.eE01aZ\u00e9\u4e2d\ud83d\ude00\ufeff\u0000\u000b%@`';
const unit = fc.constantFrom(...Array.from(SYNTAX));

const mutation = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 4 }),
  insert: fc.string({ unit, maxLength: 4 }),
});

function mutate(text: string, mutations: { at: number; remove: number; insert: string }[]): string {
  let out = text;
  for (const m of mutations) {
    const p = m.at % (out.length + 1);
    out = out.slice(0, p) + m.insert + out.slice(p + m.remove);
  }
  return out;
}

/** A description of what is wrong with a finding's span, or undefined. */
function spanProblem(f: Finding, text: string, lines?: LineIndex): string | undefined {
  if (f.code.endsWith('internal-error')) return `internal error: ${f.message}`;
  if (f.severity !== 'error') return undefined;
  const s = f.span;
  if (!s) return `${f.code} has no span`;
  if (!(0 <= s.start.offset && s.start.offset <= s.end.offset && s.end.offset <= text.length)) {
    return `${f.code} span ${s.start.offset}-${s.end.offset} outside 0-${text.length}`;
  }
  if (s.start.line < 1 || s.start.column < 1 || s.end.line < 1 || s.end.column < 1) {
    return `${f.code} has a non-positive line/column`;
  }
  if (lines) {
    for (const p of [s.start, s.end]) {
      const want = lines.position(p.offset);
      if (want.line !== p.line || want.column !== p.column) {
        return `${f.code}: offset ${p.offset} is ${want.line}:${want.column}, span says ${p.line}:${p.column}`;
      }
    }
  }
  return undefined;
}

function checkPolicy(text: string, format: 'json' | 'yaml' | 'auto'): void {
  const r = parsePolicy(text, { format });
  const lines = format === 'json' ? new LineIndex(text) : undefined;
  for (const f of r.findings) {
    const problem = spanProblem(f, text, lines);
    if (problem) throw new Error(`${problem} for ${JSON.stringify(text)}`);
  }
  if (r.ok !== !r.findings.some((f) => f.severity === 'error' && !f.writeTime)) {
    throw new Error('ok must be false exactly when there is an error (write-time findings aside)');
  }
}

t.test('parsePolicy never throws on random strings; error spans are in bounds', async (t) => {
  const anyText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({ unit, maxLength: 200 }),
  );
  for (const format of ['json', 'yaml', 'auto'] as const) {
    t.doesNotThrow(
      () =>
        fc.assert(
          fc.property(anyText, (s) => checkPolicy(s, format)),
          { numRuns: 300, seed: 1 },
        ),
      format,
    );
  }
});

t.test('parsePolicy never throws on mutated valid policies', async (t) => {
  t.ok(parsePolicy(VALID_JSON).ok, 'the JSON seed is valid');
  t.ok(parsePolicy(VALID_YAML).ok, 'the YAML seed is valid');
  for (const [seed, format] of [
    [VALID_JSON, 'json'],
    [VALID_YAML, 'yaml'],
    [VALID_JSON, 'auto'],
  ] as const) {
    t.doesNotThrow(
      () =>
        fc.assert(
          fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (ms) =>
            checkPolicy(mutate(seed, ms), format),
          ),
          { numRuns: 400, seed: 2 },
        ),
      `${format} seed`,
    );
  }
});

t.test('the JSON tree converts back to what JSON.parse gives', async (t) => {
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2, '\t'), (v, indent) => {
        const text = JSON.stringify(v, null, indent);
        const r = parseJson(text);
        deepStrictEqual(r.findings, []);
        if (!r.ast) throw new Error('no tree');
        deepStrictEqual(astToValue(r.ast), JSON.parse(text));
        if (r.ast.span.start.offset !== 0 || r.ast.span.end.offset !== text.length) {
          throw new Error('the root spans the whole text');
        }
      }),
      { numRuns: 500, seed: 3 },
    ),
  );
});

/** JSON.parse as the reference: parseJson accepts `text` exactly when it does, with its value. */
function agreesWithJsonParse(text: string): void {
  let expected: unknown;
  let accepted = true;
  try {
    expected = JSON.parse(text);
  } catch {
    accepted = false;
  }
  const r = parseJson(text, { duplicateKeys: false });
  const ours = r.ast !== undefined && r.findings.length === 0;
  if (ours !== accepted) {
    throw new Error(`JSON.parse ${accepted ? 'accepts' : 'refuses'} ${JSON.stringify(text)}`);
  }
  if (ours && r.ast) deepStrictEqual(astToValue(r.ast), expected);
  for (const f of r.findings) {
    const problem = spanProblem(f, text, r.lines);
    if (problem) throw new Error(problem);
  }
}

t.test('parseJson accepts exactly what JSON.parse accepts', async (t) => {
  const jsonText = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v, null, 1));
  const candidates = fc.oneof(
    fc.tuple(jsonText, fc.array(mutation, { maxLength: 3 })).map(([s, ms]) => mutate(s, ms)),
    fc.string({ unit, maxLength: 30 }),
  );
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(candidates, (text) => {
        fc.pre(!text.startsWith('\ufeff'));
        agreesWithJsonParse(text);
      }),
      { numRuns: 1000, seed: 20261130 },
    ),
  );
});

/**
 * Numbers are where a hand-written JSON parser most often goes wrong (test audit §2.3): leading
 * zeros, a bare ".", a sign without digits, an exponent without digits. Built from the pieces of
 * the number grammar, right and wrong, in the places a number can stand.
 */
const TRICKY_NUMBERS = [
  '01',
  '00',
  '-01',
  '01.5',
  '1.',
  '-1.',
  '1.e3',
  '.5',
  '-.5',
  '-',
  '+1',
  '1e',
  '1e+',
  '1E-',
  '0x1',
  '1_000',
  'Infinity',
  '-Infinity',
  'NaN',
  '0',
  '-0',
  '0.0',
  '0e0',
  '1E+2',
  '1e-0',
  '10',
];
const numberText = fc.oneof(
  fc.constantFrom(...TRICKY_NUMBERS),
  fc
    .tuple(
      fc.constantFrom('', '', '-', '+', '--'),
      fc.string({ unit: fc.constantFrom('0', '1', '9'), maxLength: 3 }),
      fc.constantFrom('', '', '.', '.0', '.5', '.05', '..1'),
      fc.constantFrom('', '', 'e', 'E', 'e+', 'e-', 'e1', 'E+2', 'e-07', 'e+-1', 'e.1'),
    )
    .map((parts) => parts.join('')),
);
const numberPlace = fc.constantFrom(
  (n: string) => n,
  (n: string) => `[${n}]`,
  (n: string) => `{"a": ${n}}`,
  (n: string) => `[1, ${n}, 2]`,
  (n: string) => ` ${n}\n`,
);

t.test('numbers: parseJson accepts exactly what JSON.parse accepts', async (t) => {
  const cases = fc.tuple(numberText, numberPlace).map(([n, place]) => place(n));
  t.doesNotThrow(() =>
    fc.assert(fc.property(cases, agreesWithJsonParse), { numRuns: 1500, seed: 7 }),
  );
  // The generator reaches the classic mistakes (so a parser accepting them fails above).
  const seen = new Set(fc.sample(numberText, { numRuns: 1500, seed: 7 }));
  for (const tricky of TRICKY_NUMBERS) t.ok(seen.has(tricky), `the generator writes ${tricky}`);
});

t.test('the one-pass scan counts white space and spots refused characters', async (t) => {
  const rows: [string, JsonParseResult['scan']][] = [
    ['{"a": "b c"}', { whiteSpace: 2, allowedChars: true }],
    ['{\r\n\t"a": 1\r\n}', { whiteSpace: 6, allowedChars: true }],
    ['["caf\u00e9", "\\u4e2d"]', { whiteSpace: 1, allowedChars: true }],
    ['["\u4e2d"]', { whiteSpace: 0, allowedChars: false }],
    ['["😀 x"]', { whiteSpace: 1, allowedChars: false }],
    ['\ufeff{}', { whiteSpace: 0, allowedChars: false }],
    ['[1,]', undefined],
    ['["a\tb"]', undefined],
    ['{"a": 1', undefined],
  ];
  for (const [text, scan] of rows) t.same(parseJson(text).scan, scan, JSON.stringify(text));
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 3 }),
        fc.constantFrom(undefined, 1, '\t', '\r\n '),
        (v, indent) => {
          let text = JSON.stringify(v, null, indent as string | number | undefined);
          if (indent === '\r\n ') text = text.replace(/\n/g, '\r\n');
          const r = parseJson(text);
          if (!r.scan) throw new Error(`no scan for ${JSON.stringify(text)}`);
          const ws = text.length - nonWhitespaceLength(text);
          if (r.scan.whiteSpace !== ws) throw new Error(`${r.scan.whiteSpace} ≠ ${ws}`);
          const refused = invalidCharacterFindings(text).length > 0;
          if (r.scan.allowedChars === refused) throw new Error('allowedChars is wrong');
        },
      ),
      { numRuns: 500, seed: 4 },
    ),
  );
});

// ---- JSON ↔ YAML: one random policy, written both ways, reads the same ------------------------

const GH = 'token.actions.githubusercontent.com';
/** Mostly what a real policy holds; now and then a mistake. */
function mostly<T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 9, arbitrary: usual }, { weight: 1, arbitrary: odd });
}
const valueText = fc.oneof(
  fc.constantFrom(
    'sts.amazonaws.com',
    `repo:acme/app:ref:refs/heads/main`,
    'repo:acme/*',
    'repo:acme/app:environment:prod?',
    '${aws:username}',
    '${x',
    '',
    '10',
    'true',
    'null',
    '2026-06-01T00:00:00Z',
    '203.0.113.0/24',
    'arn:aws:iam::*:role/x',
    'caf\u00e9 au lait',
    '# not a comment',
    '- dash',
    "it's",
  ),
  fc.string({
    unit: fc.constantFrom('a', 'Z', '0', '*', '?', ':', '/', ' ', '-', '"'),
    maxLength: 8,
  }),
);
const conditionValue = fc.oneof(
  { weight: 16, arbitrary: valueText },
  { weight: 4, arbitrary: fc.array(valueText, { maxLength: 3 }) },
  { weight: 2, arbitrary: fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.boolean()) },
  { weight: 1, arbitrary: fc.constantFrom(null, { nested: 'x' }, [[]]) },
);
const operator = mostly(
  fc.constantFrom('StringEquals', 'StringLike', 'ForAnyValue:StringLike'),
  fc.constantFrom(
    'StringEquals',
    'StringLike',
    'StringNotLike',
    'StringEqualsIgnoreCase',
    'ForAnyValue:StringLike',
    'ForAllValues:StringEquals',
    'NumericLessThan',
    'DateGreaterThan',
    'Bool',
    'IpAddress',
    'ArnLike',
    'Null',
    'StringEqual',
    'ForAnyvalue:StringLike',
    'NullIfExists',
  ),
);
const conditionKey = mostly(
  fc.constantFrom(`${GH}:aud`, `${GH}:sub`, 'aws:SourceIp'),
  fc.constantFrom('k:x', 'K:X', ''),
);
const condition = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.dictionary(
      operator,
      fc.dictionary(conditionKey, conditionValue, { maxKeys: 3 }),
      { maxKeys: 3 },
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('StringEquals', [], { StringEquals: 'x' }) },
);
const federated = fc.oneof(
  { weight: 3, arbitrary: fc.constant(`arn:aws:iam::123456789012:oidc-provider/${GH}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      `arn:aws:iam::123456789012:oidc-provider/${GH}`,
      `arn:aws:iam::123456789012:oidc-provider/${GH}/`,
      'arn:aws:iam::123456789012:oidc-provider/gitlab.com//',
      'accounts.google.com',
      'Accounts.Google.com',
      'cognito-identity.amazonaws.com.cn',
      `https://${GH}`,
      GH,
      'arn:aws-foo:iam::123456789012:oidc-provider/x.example',
      'arn:aws:iam::123456789012:saml-provider/Okta',
      '*',
    ),
  },
);
const principal = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      Federated: fc.oneof(federated, fc.array(federated, { minLength: 1, maxLength: 2 })),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '*',
      'arn:aws:iam::1:root',
      { AWS: '*' },
      { Service: 'pods.eks.amazonaws.com' },
      {},
    ),
  },
  { weight: 1, arbitrary: fc.record({ federated }) },
);
const statement = fc
  .tuple(
    fc.record(
      {
        Sid: mostly(fc.constant<unknown>('Deploy'), fc.constantFrom('a-b', '', 7)),
        Effect: mostly(fc.constantFrom<unknown>('Allow', 'Deny'), fc.constantFrom('allow', 1)),
        Principal: principal,
        Action: mostly(
          fc.constantFrom<unknown>(
            'sts:AssumeRoleWithWebIdentity',
            ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
            'sts:*',
          ),
          fc.constantFrom('AssumeRole', []),
        ),
        Condition: condition,
      },
      { requiredKeys: ['Effect', 'Principal', 'Action'] },
    ),
    mostly(
      fc.constant({}),
      fc.constantFrom({ NotAction: 'sts:TagSession' }, { Resource: '*' }, { Extra: true }),
    ),
  )
  .map(([s, extra]) => ({ ...s, ...extra }));
const policyDoc = fc.record(
  {
    Version: mostly(
      fc.constant<unknown>('2012-10-17'),
      fc.constantFrom('2008-10-17', '2012-10-18'),
    ),
    Id: mostly(fc.constant<unknown>('id'), fc.constant(5)),
    Statement: fc.oneof(
      { weight: 5, arbitrary: fc.array(statement, { maxLength: 3 }) },
      { weight: 2, arbitrary: statement },
      { weight: 1, arbitrary: fc.constantFrom('Allow', 42) },
    ),
  },
  { requiredKeys: ['Statement'] },
);

/** The model without places. */
function withoutSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSpans);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k !== 'span' && !k.endsWith('Span')) out[k] = withoutSpans(v);
    }
    return out;
  }
  return value;
}

t.test('a policy written as JSON and as YAML: same model, same finding codes', async (t) => {
  let refused = 0;
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(policyDoc, fc.constantFrom(0, 2), (doc, indent) => {
        const json = parsePolicy(JSON.stringify(doc, null, indent), { format: 'json' });
        // Written out in full: shared objects would otherwise become anchors and aliases.
        const yaml = parsePolicy(stringifyYaml(doc, { aliasDuplicateObjects: false }), {
          format: 'yaml',
        });
        const codes = (r: typeof json): string[] =>
          r.findings.map((f) => `${f.code}/${f.severity}`).sort();
        deepStrictEqual(codes(yaml), codes(json));
        deepStrictEqual(yaml.ok, json.ok);
        deepStrictEqual(withoutSpans(yaml.policy), withoutSpans(json.policy));
        if (!json.ok) refused++;
      }),
      { numRuns: 400, seed: 12 },
    ),
  );
  t.ok(
    refused > 50 && refused < 390,
    `both refused and accepted policies were drawn (${refused} refused)`,
  );
});
