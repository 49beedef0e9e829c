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

/**
 * Letter case for `ignoreCase`, written out rather than computed: the oracle below must not share
 * `toLowerCase` with the matcher (test-audit §2.2). The alphabet holds an ASCII pair, a Latin-1
 * pair and an astral pair (Deseret), each folding to one code point.
 */
const LOWER: ReadonlyMap<string, string> = new Map([
  ['A', 'a'],
  ['B', 'b'],
  ['Ä', 'ä'],
  ['\u{10400}', '\u{10428}'],
]);
const UPPER: ReadonlyMap<string, string> = new Map([...LOWER].map(([u, l]) => [l, u]));
const fold = (ch: string): string => LOWER.get(ch) ?? ch;
const swapCase = (ch: string): string => LOWER.get(ch) ?? UPPER.get(ch) ?? ch;

/**
 * Oracle for pattern text: its own tokenizer (every `*` and `?` of the text, by code point; no
 * splitPattern) and a bottom-up table, `m[i][j]` = tokens from i match the value from j (§5.3).
 */
function oracle(pattern: string, value: string, ignoreCase = false): boolean {
  const norm = (ch: string) => (ignoreCase ? fold(ch) : ch);
  const tok = Array.from(pattern, (ch) => (ch === '*' || ch === '?' ? ch : { lit: norm(ch) }));
  const v = Array.from(value, norm);
  let next: boolean[] = v.map(() => false).concat(true); // no tokens left: only the end matches
  for (let i = tok.length - 1; i >= 0; i--) {
    const cur: boolean[] = new Array<boolean>(v.length + 1).fill(false);
    const k = tok[i];
    for (let j = v.length; j >= 0; j--) {
      if (k === '*') cur[j] = next[j] === true || (j < v.length && cur[j + 1] === true);
      else if (k === '?') cur[j] = j < v.length && next[j + 1] === true;
      else cur[j] = j < v.length && k !== undefined && k.lit === v[j] && next[j + 1] === true;
    }
    next = cur;
  }
  return next[0] === true;
}

const LETTERS = ['a', 'b', 'A', 'B', 'ä', 'Ä', '\u{10400}', '\u{10428}', '/', ':'];
const patternChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...LETTERS) },
  { weight: 2, arbitrary: fc.constant('*') },
  { weight: 1, arbitrary: fc.constant('?') },
);
const valueChar = fc.constantFrom(...LETTERS, '*', '?', 'x');

/** A change to a value built from its pattern: insert, delete, replace, or swap a letter's case. */
const mutation = fc.record({
  kind: fc.constantFrom('insert', 'delete', 'replace', 'case'),
  at: fc.nat(),
  ch: valueChar,
});

/**
 * A pattern and a value that often matches it: each `*` becomes 0–3 characters, each `?` one, each
 * literal itself (in the other letter case, sometimes, when the match ignores case); then, in
 * about 40 % of cases, one mutation.
 */
const matchCase = fc
  .record({
    pattern: fc.array(patternChar, { maxLength: 10 }).map((a) => a.join('')),
    fills: fc.array(fc.array(valueChar, { maxLength: 3 }), { minLength: 10, maxLength: 10 }),
    recase: fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
    ignoreCase: fc.boolean(),
    mutate: fc.option(mutation, { freq: 3 }),
  })
  .map(({ pattern, fills, recase, ignoreCase, mutate }) => {
    const out: string[] = [];
    Array.from(pattern).forEach((ch, k) => {
      const fill = fills[k % fills.length] ?? [];
      if (ch === '*') out.push(...fill);
      else if (ch === '?') out.push(fill[0] ?? 'x');
      else out.push(ignoreCase && recase[k % recase.length] ? swapCase(ch) : ch);
    });
    if (mutate) {
      const at = out.length === 0 ? 0 : mutate.at % out.length;
      if (mutate.kind === 'insert') out.splice(at, 0, mutate.ch);
      else if (mutate.kind === 'delete') out.splice(at, 1);
      else if (mutate.kind === 'replace') out.splice(at, 1, mutate.ch);
      else out[at] = swapCase(out[at] ?? '');
    }
    return { pattern, value: out.join(''), ignoreCase, mutated: mutate !== null };
  });

t.test('the oracle and its case table', async (t) => {
  for (const [u, l] of LOWER) t.equal(u.toLowerCase(), l, `${u} folds to ${l}, as Unicode says`);
  t.ok(oracle('a*B?', 'axyzBq'));
  t.notOk(oracle('a*B?', 'axyzbq'));
  t.ok(oracle('a*B?', 'AXYZbq', true));
  t.ok(oracle('\u{10400}?', '\u{10428}ä', true), 'astral letters fold');
  t.notOk(oracle('?', '', true));
  for (const r of rows) t.equal(oracle(r.pattern, r.value), r.expect, `oracle: ${r.pattern}`);
});

t.test('property: matcher agrees with the oracle, matches and misses alike', async (t) => {
  let runs = 0;
  let matches = 0;
  let folded = 0;
  fc.assert(
    fc.property(matchCase, ({ pattern, value, ignoreCase }) => {
      const want = oracle(pattern, value, ignoreCase);
      runs++;
      if (want) matches++;
      if (want && ignoreCase && !oracle(pattern, value)) folded++;
      return compilePattern(pattern, { ignoreCase }).test(value) === want;
    }),
    { numRuns: 5000, seed: 20261130 },
  );
  t.ok(matches >= 0.3 * runs, `${matches} of ${runs} cases match (at least 30 %)`);
  t.ok(runs - matches >= 0.15 * runs, `${runs - matches} of ${runs} cases miss (at least 15 %)`);
  t.ok(folded >= 0.05 * runs, `${folded} cases match only by ignoring case (at least 5 %)`);
});

t.test('property: an unchanged value built from its pattern matches', async (t) => {
  fc.assert(
    fc.property(
      matchCase.filter((c) => !c.mutated),
      ({ pattern, value, ignoreCase }) =>
        oracle(pattern, value, ignoreCase) &&
        compilePattern(pattern, { ignoreCase }).test(value) &&
        wildcardMatch(pattern, value, { ignoreCase }),
    ),
    { numRuns: 2000, seed: 20261130 },
  );
  t.pass('2000 built values match');
});

t.test('property: ignoreCase does not see letter case, on either side', async (t) => {
  const swapAll = (s: string, flips: boolean[]) =>
    Array.from(s, (ch, k) => (flips[k % flips.length] ? swapCase(ch) : ch)).join('');
  fc.assert(
    fc.property(
      matchCase,
      fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }),
      ({ pattern, value }, pf, vf) => {
        const got = compilePattern(pattern, { ignoreCase: true }).test(value);
        return (
          got === oracle(pattern, value, true) &&
          compilePattern(swapAll(pattern, pf), { ignoreCase: true }).test(swapAll(value, vf)) ===
            got
        );
      },
    ),
    { numRuns: 2000, seed: 20261130 },
  );
  t.pass('case changes on either side change nothing under ignoreCase');
});

const valueAlphabet = fc.constantFrom('a', 'b', '/', ':', '*', '?', 'A');

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

t.test('property: astral values agree with the oracle, with and without ignoreCase', async (t) => {
  const ch = fc.constantFrom('a', '😀', '𝄞', '\u{10400}', '\u{10428}', '*', '?');
  fc.assert(
    fc.property(
      fc.array(ch, { maxLength: 8 }).map((a) => a.join('')),
      fc
        .array(fc.constantFrom('a', '😀', '𝄞', '\u{10400}', '\u{10428}'), { maxLength: 8 })
        .map((a) => a.join('')),
      fc.boolean(),
      (pattern, value, ignoreCase) =>
        compilePattern(pattern, { ignoreCase }).test(value) === oracle(pattern, value, ignoreCase),
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
