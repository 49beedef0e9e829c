/**
 * The JSON parser reads a copy of the text's code units that may live in a buffer shared by
 * successive parses (lib/policy/json.ts, `codeUnits`). A parse must never see what an earlier,
 * longer text left there, nor lose characters outside Latin-1; and condition keys, lowered once
 * per distinct key, must stay exactly what `toLowerCase` gives.
 */
import t from 'tap';
import { parseJson, parsePolicy } from '../../lib/policy/index.js';

/** A long document whose characters, at every offset, would complete each short one below. */
const LONG = `{"a": true, "b": [1, 2, 3], "c": "${'x'.repeat(70_000)}"}`;

t.test('a short text after a longer one is read to its own end only', async (t) => {
  const cases: [text: string, code: string | undefined][] = [
    ['{"a": tr', 'json-unexpected-char'],
    ['{"a": ', 'json-unexpected-end'],
    ['{"a"', 'json-unexpected-end'],
    ['{"a": true', 'json-unexpected-end'],
    ['{"a": true, "b": [1, 2', 'json-unexpected-end'],
    ['"abc', 'json-unterminated-string'],
    ['1', undefined],
    ['{"a": true}', undefined],
  ];
  for (const long of [LONG, LONG.slice(0, 200) + '"}']) {
    for (const [text, code] of cases) {
      parseJson(long, { duplicateKeys: false });
      const r = parseJson(text, { duplicateKeys: false });
      t.same(
        r.findings.map((f) => f.code),
        code ? [code] : [],
        `${JSON.stringify(text)} after ${long.length} characters`,
      );
      if (code) t.equal(r.ast, undefined, `${JSON.stringify(text)}: no tree`);
    }
  }
});

t.test('characters beyond Latin-1 and surrogate pairs keep their code units', async (t) => {
  const cases: [text: string, value: unknown, whiteSpace: number, allowed: boolean][] = [
    ['["中 文"]', ['中 文'], 1, false],
    ['{"k😀": "v"}', { 'k😀': 'v' }, 1, false],
    ['["\u0100"]', ['\u0100'], 0, false],
    ['["é\u00ff"]', ['é\u00ff'], 0, true],
    // A code unit whose low byte is a quote or a brace must not end the string.
    ['["\u0122\u017d\u015c"]', ['\u0122\u017d\u015c'], 0, false],
  ];
  for (const [text, value, whiteSpace, allowedChars] of cases) {
    parseJson(LONG);
    const r = parseJson(text);
    t.same(r.findings, [], text);
    t.same(r.scan, { whiteSpace, allowedChars }, `${text}: scan`);
    t.same(JSON.parse(text), value, `${text}: the reference agrees`);
    t.equal(r.ast?.span.end.offset, text.length, `${text}: read to the end`);
  }
});

t.test('condition keys are lowered as toLowerCase does, however often they recur', async (t) => {
  const keys = ['Token.Actions.GitHubUserContent.com:Sub', 'AWS:SourceIp', 'k:ÄÖ', 'K:ÞÀ ß', 'x:a'];
  // (IAM refuses characters beyond Latin-1 in a policy: such keys never reach a clause.)
  for (let round = 0; round < 3; round++) {
    for (const key of keys) {
      const text = JSON.stringify({
        Version: '2012-10-17',
        Statement: {
          Effect: 'Allow',
          Principal: '*',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [key]: 'v' } },
        },
      });
      const r = parsePolicy(text);
      const clause = r.policy?.statements[0]?.conditions[0];
      t.equal(clause?.key, key, `${key}: as written`);
      t.equal(clause?.keyLower, key.toLowerCase(), `${key}: lowered (round ${round})`);
    }
  }
});
