import t from 'tap';
import fc from 'fast-check';
import {
  WildcardPattern,
  compilePattern,
  compileWildcard,
  hasWildcard,
  splitPattern,
  wildcardMatch,
  type PatternPart,
} from '../../lib/conditions/wildcard.js';

/** Reference: memoised recursion over code points, straight from the grammar (§5.3). */
function reference(parts: readonly PatternPart[], value: string, ignoreCase = false): boolean {
  const tok: Array<string | '*' | '?'> = [];
  const kinds: Array<'lit' | 'star' | 'one'> = [];
  for (const p of parts) {
    if ('star' in p) {
      tok.push('*');
      kinds.push('star');
    } else if ('one' in p) {
      tok.push('?');
      kinds.push('one');
    } else {
      for (const ch of ignoreCase ? p.lit.toLowerCase() : p.lit) {
        tok.push(ch);
        kinds.push('lit');
      }
    }
  }
  const v = Array.from(ignoreCase ? value.toLowerCase() : value);
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const k = i * (v.length + 1) + j;
    const hit = memo.get(k);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === tok.length) r = j === v.length;
    else if (kinds[i] === 'star') r = go(i + 1, j) || (j < v.length && go(i, j + 1));
    else if (kinds[i] === 'one') r = j < v.length && go(i + 1, j + 1);
    else r = j < v.length && tok[i] === v[j] && go(i + 1, j + 1);
    memo.set(k, r);
    return r;
  };
  return go(0, 0);
}

const rows: Array<{ spec: string; pattern: string; value: string; expect: boolean }> = [
  { spec: '§5.3', pattern: 'abc', value: 'abc', expect: true },
  { spec: '§5.3', pattern: 'abc', value: 'abcd', expect: false },
  { spec: '§5.3', pattern: 'abc', value: 'ab', expect: false },
  { spec: '§5.3', pattern: 'abc', value: 'ABC', expect: false },
  { spec: '§5.3', pattern: '*', value: '', expect: true },
  { spec: '§5.3', pattern: '*', value: 'anything/at:all', expect: true },
  { spec: '§5.3', pattern: '?', value: '', expect: false },
  { spec: '§5.3', pattern: '?', value: 'x', expect: true },
  { spec: '§5.3', pattern: '?', value: 'xy', expect: false },
  { spec: '§5.3', pattern: 'a*', value: 'a', expect: true },
  { spec: '§5.3', pattern: 'repo:o/r:*', value: 'repo:o/r:ref:refs/heads/main', expect: true },
  { spec: '§5.3', pattern: 'repo:o/r:*', value: 'repo:o/r', expect: false },
  { spec: '§5.3', pattern: 'repo:o*', value: 'repo:o-evil/x:ref:refs/heads/main', expect: true },
  { spec: '§5.3', pattern: 'a/*/c', value: 'a/b/x/c', expect: true },
  { spec: '§5.3', pattern: 'a?c', value: 'a/c', expect: true },
  { spec: '§5.3', pattern: 'a?c', value: 'a:c', expect: true },
  {
    spec: '§5.3',
    pattern: 'arn:aws:someservice:*:111122223333:finance/*',
    value: 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/x',
    expect: true,
  },
  { spec: '§5.3', pattern: '*a*b*', value: 'xxaxxbxx', expect: true },
  { spec: '§5.3', pattern: '*a*b*', value: 'xxbxxaxx', expect: false },
  { spec: '§5.3', pattern: 'a*b*c', value: 'abbbc', expect: true },
  { spec: '§5.3', pattern: 'a*b*c', value: 'acb', expect: false },
  { spec: '§5.3', pattern: 'a**b', value: 'ab', expect: true },
  { spec: '§5.3', pattern: '*?*', value: '', expect: false },
  { spec: '§5.3', pattern: '*??', value: 'a', expect: false },
  { spec: '§5.3', pattern: '*??', value: 'ab', expect: true },
  { spec: '§5.3', pattern: 'ab*ba', value: 'aba', expect: false },
  { spec: '§5.3', pattern: 'ab*ba', value: 'abba', expect: true },
  { spec: '§5.3', pattern: '*x?z*', value: 'aaxyzbb', expect: true },
  { spec: '§5.3', pattern: '*x?z*', value: 'aaxyybb', expect: false },
  // No escapes, classes, braces, negation or globstar: all literal (§5.3).
  { spec: '§5.3', pattern: 'a\\*', value: 'a\\xyz', expect: true },
  { spec: '§5.3', pattern: 'a\\*', value: 'a*', expect: false },
  { spec: '§5.3', pattern: '[ab]', value: 'a', expect: false },
  { spec: '§5.3', pattern: '[ab]', value: '[ab]', expect: true },
  { spec: '§5.3', pattern: '{a,b}', value: '{a,b}', expect: true },
  { spec: '§5.3', pattern: '{a,b}', value: 'a', expect: false },
  { spec: '§5.3', pattern: '!a', value: '!a', expect: true },
  { spec: '§5.3', pattern: '@(a)', value: '@(a)', expect: true },
  { spec: '§5.3', pattern: '**/x', value: 'a/b/c/x', expect: true },
  { spec: '§5.3', pattern: 'a.c', value: 'abc', expect: false },
  { spec: '§5.3', pattern: '^a$', value: '^a$', expect: true },
];

t.test('wildcard table', async (t) => {
  for (const r of rows) {
    t.equal(
      wildcardMatch(r.pattern, r.value),
      r.expect,
      `${r.spec} ${JSON.stringify(r.pattern)} vs ${JSON.stringify(r.value)} → ${r.expect}`,
    );
    t.equal(
      reference(splitPattern(r.pattern), r.value),
      r.expect,
      `reference agrees: ${r.pattern}`,
    );
  }
});

t.test('compile once, match many; compileWildcard alias', async (t) => {
  const p = compilePattern('repo:acme/*:ref:refs/heads/?ain');
  t.ok(p.test('repo:acme/app:ref:refs/heads/main'));
  t.ok(p.test('repo:acme/x/y:ref:refs/heads/rain'));
  t.notOk(p.test('repo:acme/app:ref:refs/heads/mainline'));
  t.ok(
    wildcardMatch(p, 'repo:acme/:ref:refs/heads/main'),
    'wildcardMatch takes a compiled pattern',
  );
  const a = compileWildcard('sts:AssumeRole*', { ignoreCase: true });
  t.ok(a.test('STS:assumerolewithwebidentity'));
  t.notOk(a.test('sts:TagSession'));
});

t.test('ignoreCase', async (t) => {
  t.ok(wildcardMatch('Repo:*', 'REPO:X', { ignoreCase: true }));
  t.notOk(wildcardMatch('Repo:*', 'REPO:X'));
  t.ok(wildcardMatch('A?C', 'abc', { ignoreCase: true }));
});

t.test('pre-split parts: a literal * from ${*} is not a wildcard', async (t) => {
  const p = compilePattern([{ lit: 'repo:o/r' }, { lit: '*' }]);
  t.ok(p.test('repo:o/r*'));
  t.notOk(p.test('repo:o/rx'));
  t.notOk(p.hasStar);
  const q = compilePattern([{ lit: 'a' }, { star: true }, { lit: '?' }, { one: true }]);
  t.ok(q.test('axyz?!'));
  t.notOk(q.test('axyzq!'));
  t.equal(q.source, 'a*??');
});

t.test('hasWildcard / splitPattern', async (t) => {
  t.ok(hasWildcard('a*'));
  t.ok(hasWildcard('a?'));
  t.notOk(hasWildcard('a[b]{c}\\'));
  t.same(splitPattern('a*b?c'), [
    { lit: 'a' },
    { star: true },
    { lit: 'b' },
    { one: true },
    { lit: 'c' },
  ]);
  t.same(splitPattern(''), []);
});

t.test('? is one code point (surrogate pairs)', async (t) => {
  t.ok(wildcardMatch('a?b', 'a😀b'), '? takes a whole astral character');
  t.notOk(wildcardMatch('a??b', 'a😀b'));
  t.ok(wildcardMatch('*?', '😀'));
  t.ok(wildcardMatch('a*b', 'a😀😀b'));
  t.ok(wildcardMatch('?😀*', 'x😀'));
});

t.test('matchesOnlyViaEmptyStar (§5.3 UNCONFIRMED 21)', async (t) => {
  const p = WildcardPattern.fromText('repo:o/r:*');
  t.ok(p.matchesOnlyViaEmptyStar('repo:o/r:'));
  t.notOk(p.matchesOnlyViaEmptyStar('repo:o/r:x'));
  t.notOk(p.matchesOnlyViaEmptyStar('nope'));
  t.notOk(WildcardPattern.fromText('abc').matchesOnlyViaEmptyStar('abc'));
  t.ok(WildcardPattern.fromText('a*b*c').matchesOnlyViaEmptyStar('abxc'));
});

const alphabet = fc.constantFrom('a', 'b', '/', ':', '*', '?');
const valueAlphabet = fc.constantFrom('a', 'b', '/', ':', '*', '?', 'A');

t.test('property: matcher agrees with the reference (random patterns)', async (t) => {
  fc.assert(
    fc.property(
      fc.array(alphabet, { maxLength: 10 }).map((a) => a.join('')),
      fc.array(valueAlphabet, { maxLength: 14 }).map((a) => a.join('')),
      fc.boolean(),
      (pattern, value, ignoreCase) => {
        const got = compilePattern(pattern, { ignoreCase }).test(value);
        return got === reference(splitPattern(pattern), value, ignoreCase);
      },
    ),
    { numRuns: 5000 },
  );
  t.pass('5000 random patterns agree');
});

t.test('property: values built from the pattern always match', async (t) => {
  fc.assert(
    fc.property(
      fc.array(alphabet, { maxLength: 10 }).map((a) => a.join('')),
      fc.array(fc.array(valueAlphabet, { maxLength: 3 }), { minLength: 20, maxLength: 20 }),
      (pattern, fill) => {
        let value = '';
        let k = 0;
        for (const ch of pattern) {
          const f = fill[k++ % fill.length] ?? [];
          if (ch === '*') value += f.join('');
          else if (ch === '?') value += f[0] ?? 'z';
          else value += ch;
        }
        return compilePattern(pattern).test(value);
      },
    ),
    { numRuns: 2000 },
  );
  t.pass('generated values match');
});

t.test('property: pre-split parts with literal * and ? agree with the reference', async (t) => {
  const part = fc.oneof(
    fc.constantFrom('a', 'b', '*', '?', ':').map((lit): PatternPart => ({ lit })),
    fc.constant<PatternPart>({ star: true }),
    fc.constant<PatternPart>({ one: true }),
  );
  fc.assert(
    fc.property(
      fc.array(part, { maxLength: 8 }),
      fc.array(valueAlphabet, { maxLength: 10 }).map((a) => a.join('')),
      (parts, value) => compilePattern(parts).test(value) === reference(parts, value),
    ),
    { numRuns: 3000 },
  );
  t.pass('parts agree');
});

t.test('property: astral values agree with the reference', async (t) => {
  const ch = fc.constantFrom('a', '😀', '𝄞', '*', '?');
  fc.assert(
    fc.property(
      fc.array(ch, { maxLength: 8 }).map((a) => a.join('')),
      fc.array(fc.constantFrom('a', '😀', '𝄞'), { maxLength: 8 }).map((a) => a.join('')),
      (pattern, value) =>
        compilePattern(pattern).test(value) === reference(splitPattern(pattern), value),
    ),
    { numRuns: 2000 },
  );
  t.pass('astral agree');
});

t.test('worst case: 25 stars against 20,000 characters (correctness only)', async (t) => {
  const value = 'a'.repeat(20000);
  const p1 = compilePattern('*a'.repeat(24) + '*b');
  t.equal((p1.source.match(/\*/g) ?? []).length, 25);
  t.notOk(p1.test(value));
  const p2 = compilePattern('*a'.repeat(24) + '*');
  t.ok(p2.test(value));
  const p3 = compilePattern('*a?'.repeat(24) + '*b*');
  t.notOk(p3.test(value));
  t.notOk(compilePattern('*?a'.repeat(12) + '*b').test('😀' + value), 'slow code-point path too');
});
