import { deepStrictEqual } from 'node:assert';
import fc from 'fast-check';
import t from 'tap';
import type { Finding } from '../../lib/diagnostics.js';
import { astToValue, LineIndex, parseJson, parsePolicy } from '../../lib/policy/index.js';

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
          { numRuns: 300 },
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
          { numRuns: 400 },
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
      { numRuns: 500 },
    ),
  );
});

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
      }),
      { numRuns: 1000 },
    ),
  );
});
