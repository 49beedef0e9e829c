/**
 * Malformed tokens: a JWT that is not base64url is reported by part and by character (not as "not
 * three parts"), and time claims that are not NumericDates (RFC 7519 §2) say so — written in a
 * scenario they are an error of the file, carried in a JWT they are what STS refuses.
 */
import t, { type Test } from 'tap';
import { decodeCompactJwt, numericDateProblem } from '../../lib/token.js';
import { loadScenarioFile } from '../../lib/scenarios/index.js';
import { decide, simulate } from '../../lib/sts/simulate.js';
import { GH, GHA_POLICY, HEAD, makeJwt, NOW, NOW_SEC } from './helpers.js';

const H = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');
const P = Buffer.from(JSON.stringify({ sub: 'x' })).toString('base64url');
const b64 = (text: string) => Buffer.from(text).toString('base64url');

// prettier-ignore
const malformed: Array<[name: string, token: string, message: string, at?: number]> = [
  ['empty', '  ', 'not a compact JWT: it is empty, where a JWT has three base64url parts joined by "." (header.payload.signature)'],
  ['one part', 'abc', 'not a compact JWT: it has 1 part, where a JWT has three'],
  ['two parts', `${H}.${P}`, 'not a compact JWT: it has 2 parts'],
  ['five parts (JWE)', 'a.b.c.d.e', 'it has five parts, as an encrypted token (JWE) has'],
  ['standard base64 "+" in the payload', `${H}.${P.slice(0, 4)}+${P.slice(5)}.c2ln`, `the payload (part 2) is not base64url: "+" (standard base64; base64url writes - and _) at character ${H.length + 6} of the token`, H.length + 5],
  ['"/" in the signature', `${H}.${P}.c2/n`, `the signature (part 3) is not base64url: "/" (standard base64; base64url writes - and _) at character ${H.length + P.length + 5} of the token`, H.length + P.length + 4],
  ['padding in the header', `${H}=.${P}.c2ln`, `the header (part 1) is not base64url: "=" (padding, which base64url leaves out) at character ${H.length + 1}`, H.length],
  ['white space inside', `${H}. ${P}.c2ln`, `the payload (part 2) is not base64url: white space at character ${H.length + 2}`, H.length + 1],
  ['an empty header', `.${P}.c2ln`, 'the header (part 1) is empty'],
  ['an empty payload', `${H}..c2ln`, 'the payload (part 2) is empty'],
  ['a 4n+1 long payload', `${H}.${P}x.c2ln`.replace(`${P}x`, `${P}${P.length % 4 === 0 ? 'x' : 'xxxxx'.slice(0, 5 - (P.length % 4))}`), 'the payload (part 2) is not base64url'],
  ['a header that is not UTF-8', 'abcd.efgh.ijkl', 'the header (part 1) decodes to bytes that are not UTF-8 text'],
  ['a payload that is not JSON', `${H}.${b64('not json')}.c2ln`, 'the payload (part 2) decodes to text that is not JSON: "not json"'],
  ['a payload that is a list', `${H}.${b64('[1]')}.c2ln`, 'the payload (part 2) is JSON but not an object: [1]'],
];

t.test('each way a JWT is malformed has its own message', async (t) => {
  for (const [name, token, message, at] of malformed) {
    const d = decodeCompactJwt(token);
    t.equal(d.ok, false, name);
    if (d.ok) continue;
    t.match(d.message, message, name);
    t.equal(d.at, at, `${name}: the character at fault`);
  }
  const good = decodeCompactJwt(`  ${makeJwt({ sub: 'x', exp: 1 })}\n`);
  t.ok(good.ok, 'white space around a token is no part of it');
  t.match(good, { claims: { sub: 'x', exp: 1 }, header: { alg: 'RS256' } });
});

// prettier-ignore
const dates: Array<[value: unknown, problem: string | undefined]> = [
  [undefined, undefined],
  [1780272000, undefined],
  [-5, undefined],
  [1.5e9 + 0.5, '"exp" is 1500000000.5: a NumericDate with a fraction of a second, which STS refuses (it takes whole seconds)'],
  ['123', '"exp" must be a NumericDate (a JSON number of seconds since the epoch), not the string "123"'],
  [true, '"exp" must be a NumericDate (a JSON number of seconds since the epoch), not true'],
  [null, '"exp" must be a NumericDate (a JSON number of seconds since the epoch), not null'],
  [{ s: 1 }, 'not {"s":1}'],
];

t.test('NumericDate: a JSON number; a fraction is one, but STS takes whole seconds', async (t) => {
  for (const [value, problem] of dates) {
    const got = numericDateProblem('exp', value);
    if (problem === undefined) t.equal(got, undefined, JSON.stringify(value));
    else t.match(got, problem, JSON.stringify(value));
  }
});

function load(t: Test, yaml: string) {
  const dir = t.testdir({ 'policy.json': GHA_POLICY, 'x.trustspec.yaml': yaml });
  return loadScenarioFile('x.trustspec.yaml', {
    cwd: dir,
    defaultNow: NOW,
    policyCache: new Map(),
  });
}

t.test('a bad character of an inline JWT is placed at that character', (t) => {
  const bad = `${H}.${P.slice(0, 4)}+${P.slice(5)}.c2ln`;
  const prefix = '    token: { jwt: ';
  const { errors } = load(t, `${HEAD}  - name: a\n${prefix}${bad} }\n    expect: allow\n`);
  t.match(errors, [
    {
      code: 'bad-jwt',
      line: 10,
      column: prefix.length + H.length + 6,
      message: 'token.jwt: the payload (part 2) is not base64url: "+"',
    },
  ]);
  t.match(errors[0]?.frame, /\^$/m);
  const quoted = load(t, `${HEAD}  - name: a\n${prefix}'${bad}' }\n    expect: allow\n`);
  t.equal(quoted.errors[0]?.column, prefix.length + H.length + 7, 'inside quotes too');
  const unshaped = load(t, `${HEAD}  - name: a\n${prefix}./tokens/none.jwt }\n    expect: allow\n`);
  t.match(unshaped.errors, [{ code: 'jwt-file-not-found', column: prefix.length + 1 }]);
  t.end();
});

t.test('time claims written in a scenario must be NumericDates or ISO dates', (t) => {
  const schema = '"exp" must be whole epoch seconds (a NumericDate) or an ISO 8601 date-time';
  const rows: Array<[string, string, string]> = [
    ['"1780272000"', 'bad-date', 'token.exp: the string "1780272000" is not a NumericDate'],
    ['true', 'wrong-type', schema],
    ['[1]', 'wrong-type', schema],
    ['1780272000.5', 'wrong-type', schema],
    ['soon', 'bad-date', 'token.exp: "soon" is not a date'],
  ];
  for (const [value, code, message] of rows) {
    const { errors } = load(
      t,
      `${HEAD}  - name: a\n    token: { sub: x, exp: ${value} }\n    expect: allow\n`,
    );
    t.match(errors, [{ code, line: 10, column: 27, message }], value);
    t.ok(errors[0]?.hint);
  }
  t.end();
});

t.test('a JWT whose exp, nbf or iat is not a whole NumericDate is refused by STS', (t) => {
  const base = {
    iss: `https://${GH}`,
    aud: 'sts.amazonaws.com',
    sub: 'repo:acme/app:ref:refs/heads/main',
  };
  const rows: Array<[string, Record<string, unknown>, string]> = [
    [
      'a fractional exp',
      { exp: NOW_SEC + 0.5 },
      '"exp" is 1780272000.5: a NumericDate with a fraction',
    ],
    [
      'a string exp',
      { exp: String(NOW_SEC + 300) },
      '"exp" must be a NumericDate (a JSON number of seconds since the epoch), not the string',
    ],
    ['a boolean exp', { exp: true }, '"exp" must be a NumericDate'],
    ['a fractional nbf', { nbf: NOW_SEC - 0.5 }, '"nbf" is 1780271999.5'],
    ['a string iat', { iat: 'yesterday' }, '"iat" must be a NumericDate'],
  ];
  for (const [name, claims, message] of rows) {
    const jwt = makeJwt({ ...base, ...claims });
    const { errors, scenarios } = load(
      t,
      `${HEAD}  - name: a\n    token: { jwt: ${jwt} }\n    expect: deny\n`,
    );
    t.same(errors, [], `${name}: the file is fine`);
    const s = scenarios[0];
    if (!s) continue;
    const d = decide(s.input);
    t.match(d, { decision: 'deny', stage: 'token', code: 'InvalidIdentityToken' }, name);
    t.match(d.message, `The token's ${message}`, `${name}: not "expired"`);
    t.notMatch(d.message, /expired/i);
    const traced = simulate(s.input);
    t.equal(traced.message, d.message, `${name}: simulate says the same`);
  }
  t.end();
});
