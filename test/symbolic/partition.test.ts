/**
 * The string partition against the simulator's own matchers: for small pattern sets, every string
 * up to a length over a small alphabet has the acceptance vector the matcher gives it, every
 * vector some such string has is among the regions (nothing is missed), and every region's
 * witness really has its vector (nothing is invented).
 */
import t from 'tap';
import fc from 'fast-check';
import { WildcardPattern } from '../../lib/conditions/wildcard.js';
import { compileArnPatternText, arnMatches, splitArn } from '../../lib/conditions/arn.js';
import {
  ANY_STRING,
  FOLD,
  FoldUnsupported,
  NON_EMPTY,
  ONE,
  SESSION_NAME,
  STAR,
} from '../../lib/symbolic/alphabet.js';
import { partition, type Tokens } from '../../lib/symbolic/partition.js';
import { valueTokens, constantResolver } from '../../lib/symbolic/patterns.js';
import { parseOperator } from '../../lib/policy/operators.js';
import type { ConditionClause } from '../../lib/policy/model.js';
import { NO_SPAN } from '../../lib/diagnostics.js';

/** IAM glob text → tokens (`*`, `?` wildcards). */
function glob(text: string): Tokens {
  return [...text].map((c) => (c === '*' ? STAR : c === '?' ? ONE : (c.codePointAt(0) as number)));
}

function fold(text: string): Tokens {
  return [...text.toLowerCase()].map((c) => FOLD + (c.codePointAt(0) as number));
}

/** Every string over `alphabet` of length 0..max. */
function* strings(alphabet: string, max: number): Generator<string> {
  yield '';
  let level = [''];
  for (let n = 1; n <= max; n++) {
    const next: string[] = [];
    for (const s of level) for (const c of alphabet) next.push(s + c);
    yield* next;
    level = next;
  }
}

function vector(matchers: ReadonlyArray<(s: string) => boolean>, s: string): string {
  return matchers
    .map((m, i) => (m(s) ? i : -1))
    .filter((i) => i >= 0)
    .join(',');
}

/** What is wrong with the partition of `patterns` against the simulator's `matchers` (nothing: []). */
function problems(
  patterns: Tokens[],
  matchers: ReadonlyArray<(s: string) => boolean>,
  alphabet: string,
  max: number,
  domain = ANY_STRING,
): string[] {
  const out: string[] = [];
  const p = partition(patterns, domain);
  if (!p.complete) out.push('the search did not complete');
  const keys = new Set(p.regions.map((r) => r.key));
  if (keys.size !== p.regions.length) out.push('two regions share a vector');
  for (const r of p.regions) {
    const v = vector(matchers, r.witness);
    if (v !== r.key) out.push(`witness ${JSON.stringify(r.witness)} has [${v}], not [${r.key}]`);
  }
  for (const s of strings(alphabet, max)) {
    if ([...s].length < domain.minLength) continue;
    const v = vector(matchers, s);
    if (p.keyOf(s) !== v)
      out.push(`keyOf(${JSON.stringify(s)}) is [${p.keyOf(s)}], the matcher says [${v}]`);
    if (!keys.has(v)) out.push(`[${v}] of ${JSON.stringify(s)} is missing from the regions`);
  }
  return [...new Set(out)];
}

t.test('the worked example: three regions, the fourth combination proven empty', async (t) => {
  const p = partition([glob('repo:acme/app:*'), glob('repo:acme/*')], NON_EMPTY);
  t.same(
    p.regions.map((r) => [r.key, r.witness]),
    [
      ['', 'a'],
      ['1', 'repo:acme/'],
      ['0,1', 'repo:acme/app:'],
    ],
  );
  // 17 configurations stepped one by one; from `repo:acme/` on, `repo:acme/*` matches every
  // continuation, so the rest is searched apart (its own start counted again): 19.
  t.equal(p.configurations, 19);
  t.equal(p.keyOf('repo:acme/app2:ref:refs/heads/main'), '1');
  t.equal(p.keyOf(''), undefined, 'the empty string is outside a non-empty domain');
});

t.test('brute force: random globs over a, b, : against WildcardPattern', async (t) => {
  const patternText = fc.stringMatching(/^[ab:*?]{0,4}$/);
  fc.assert(
    fc.property(fc.array(patternText, { minLength: 1, maxLength: 3 }), (texts) => {
      const matchers = texts.map((x) => {
        const w = WildcardPattern.fromText(x);
        return (s: string) => w.test(s);
      });
      const found = problems(texts.map(glob), matchers, 'ab:c', 5);
      if (found.length > 0) throw new Error(`${JSON.stringify(texts)}: ${found.join('; ')}`);
      return true;
    }),
    { numRuns: 150 },
  );
  t.pass('held');
});

t.test('IgnoreCase literals fold per code point, as toLowerCase does', async (t) => {
  const texts = ['ab', 'AK', 'k'];
  const matchers = texts.map((x) => (s: string) => s.toLowerCase() === x.toLowerCase());
  // Kelvin sign (U+212A) lower-cases to k; İ (U+0130) lower-cases to two code points.
  t.same(problems(texts.map(fold), matchers, 'aAbBkK\u212a\u0130', 2), []);
  for (const text of ['σα', 'ας', 'i\u0307']) {
    let thrown: unknown;
    try {
      partition([fold(text)], ANY_STRING);
    } catch (e) {
      thrown = e;
    }
    t.ok(thrown instanceof FoldUnsupported, `${text}: its folding is not per code point`);
  }
});

t.test('a literal and its fold side by side: the fold class excludes the literal', async (t) => {
  const matchers = [(s: string) => s === 'a', (s: string) => s.toLowerCase() === 'a'];
  t.same(problems([glob('a'), fold('a')], matchers, 'aAb', 2), []);
});

function arnClause(op: string, value: string): ConditionClause {
  const spec = parseOperator(op);
  if (!spec.ok) throw new Error(op);
  return {
    operator: spec.spec,
    operatorSpan: NO_SPAN,
    key: 'aws:SourceVpcArn',
    keyLower: 'aws:sourcevpcarn',
    keySpan: NO_SPAN,
    values: [{ value, span: NO_SPAN }],
    nonStringValues: false,
  };
}

t.test(
  'ARN patterns: wildcards stay in their field, fewer than six fields never match',
  async (t) => {
    const texts = ['a:*:b:::*', 'a:?:::b:*', '*:*:*:*:*:*', 'a:b'];
    const resolve = constantResolver({ get: () => undefined });
    const tokens = texts
      .map((x) => valueTokens(arnClause('ArnLike', x), x, '2012-10-17', resolve))
      .filter((x): x is Tokens => x !== undefined);
    t.equal(tokens.length, 3, 'the five-field value never matches');
    const matchers = texts.slice(0, 3).map((x) => {
      const p = compileArnPatternText(x);
      return (s: string) => {
        const f = splitArn(s);
        return p !== undefined && f !== undefined && arnMatches(p, f);
      };
    });
    t.same(problems(tokens, matchers, 'ab:', 7), []);
  },
);

t.test('a session-name domain: 2–64 characters of [\\w+=,.@-] only', async (t) => {
  const p = partition([glob('a*')], SESSION_NAME);
  t.equal(p.regions.length, 2);
  for (const r of p.regions)
    t.ok(/^[\w+=,.@-]{2,64}$/.test(r.witness), `${r.witness} is a session name`);
  t.equal(p.keyOf('a'), undefined, 'too short');
  t.equal(p.keyOf('a b'), undefined, 'a space is outside the domain');
  t.equal(p.keyOf('a'.repeat(65)), undefined, 'too long');
  t.equal(p.keyOf('ab'), '0');
  // Length-sensitive: `?` counts; the domain's 64 caps what can match.
  const q = partition([glob('?'.repeat(65))], SESSION_NAME);
  t.same(
    q.regions.map((r) => r.key),
    [''],
    'a 65-character pattern matches no session name',
  );
});

t.test('the budget: an exhausted search says incomplete, never complete', async (t) => {
  const p = partition([glob('*a??????????'), glob('b*')], NON_EMPTY, 100);
  t.equal(p.complete, false);
  const q = partition([glob('*a??????????'), glob('b*')], NON_EMPTY);
  t.equal(q.complete, true);
  t.equal(q.regions.length, 4);
});
