/**
 * The structures that make the product search and descriptions fast, against plain references:
 * the trie of literal heads (patterns sharing long prefixes, as trust policies write them) must
 * give the regions, shortest witnesses and value placement that brute force over all short
 * strings gives; the lazy greedy cover must choose exactly what counting every atom at every
 * step chooses.
 */
import t from 'tap';
import fc from 'fast-check';
import { WildcardPattern } from '../../lib/conditions/wildcard.js';
import {
  ANY_STRING,
  NON_EMPTY,
  ONE,
  SESSION_NAME,
  STAR,
  preferenceRank,
  type Domain,
} from '../../lib/symbolic/alphabet.js';
import { partition, type Tokens } from '../../lib/symbolic/partition.js';
import { greedyCover, popcount } from '../../lib/symbolic/describe.js';

function glob(text: string): Tokens {
  return [...text].map((c) => (c === '*' ? STAR : c === '?' ? ONE : (c.codePointAt(0) as number)));
}

/** Every string over `chars` (in that order) of length 0..max, shortest first. */
function* strings(chars: readonly string[], max: number): Generator<string> {
  yield '';
  let level = [''];
  for (let n = 1; n <= max; n++) {
    const next: string[] = [];
    for (const s of level) for (const c of chars) next.push(s + c);
    yield* next;
    level = next;
  }
}

function vectorOf(texts: readonly string[], s: string): string {
  return texts
    .map((x, i) => (WildcardPattern.fromText(x).test(s) ? i : -1))
    .filter((i) => i >= 0)
    .join(',');
}

/**
 * Patterns as trust policies write them: a shared head (`ab:`), a few literal continuations,
 * then maybe a wildcard and more literals — so heads share long prefixes and tails recur.
 */
const headed = fc
  .tuple(
    fc.constantFrom('', 'a', 'ab', 'ab:'),
    fc.stringMatching(/^[ab:]{0,2}$/),
    fc.constantFrom('', '*', '?', '*:', '*b', ':*', '?*'),
  )
  .map(([h, m, tail]) => `${h}${m}${tail}`);

/** Problems of the partition of `texts` against brute force over strings up to `max`. */
function problems(texts: readonly string[], max: number, domain = ANY_STRING): string[] {
  const out: string[] = [];
  const p = partition(texts.map(glob), domain);
  if (!p.complete) out.push('incomplete');
  // The representatives the search picks: the literals, and the most preferred other character
  // (a second one too, of the same class, to show it changes nothing).
  const literals = [...new Set(texts.join('').replace(/[*?]/g, ''))];
  const others = [...'abcdefgh'].filter((c) => !literals.includes(c)).slice(0, 2);
  const chars = [...literals, ...others].sort(
    (x, y) =>
      preferenceRank(x.codePointAt(0) as number) - preferenceRank(y.codePointAt(0) as number),
  );
  const first = new Map<string, string>();
  const all = [...strings(chars, max)].filter((s) => s.length >= domain.minLength);
  for (const s of all) {
    const v = vectorOf(texts, s);
    if (!first.has(v)) first.set(v, s);
  }
  const regions = new Map(p.regions.map((r) => [r.key, r.witness]));
  for (const [v, s] of first) {
    const w = regions.get(v);
    if (w === undefined) out.push(`[${v}] of ${JSON.stringify(s)} is missing`);
    // Shortest, then first in preference order: brute force in that order finds it first.
    else if (w.length <= max && w !== s)
      out.push(`[${v}]: witness ${JSON.stringify(w)}, first string ${JSON.stringify(s)}`);
  }
  for (const [v, w] of regions) {
    if (vectorOf(texts, w) !== v) out.push(`witness ${JSON.stringify(w)} is not in [${v}]`);
  }
  // Placing values in any order (keyOf resumes from the previous value's prefix).
  const shuffled = [...all].sort((x, y) => ((x.length * 7 + y.length) % 5) - 2);
  for (const s of [...all, ...shuffled]) {
    if (p.keyOf(s) !== vectorOf(texts, s))
      out.push(`keyOf(${JSON.stringify(s)}) is [${p.keyOf(s)}]`);
  }
  return [...new Set(out)];
}

t.test('trie of heads: regions, shortest witnesses and placement equal brute force', async (t) => {
  fc.assert(
    fc.property(fc.array(headed, { minLength: 1, maxLength: 5 }), (texts) => {
      const found = problems(texts, 5);
      if (found.length > 0) throw new Error(`${JSON.stringify(texts)}: ${found.join('; ')}`);
      return true;
    }),
    { numRuns: 150 },
  );
  t.pass('held');
});

t.test('a table of head shapes', async (t) => {
  const cases: Array<[string, string[]]> = [
    ['one head a prefix of another', ['ab', 'ab:*', 'a*']],
    ['identical patterns', ['ab*', 'ab*']],
    ['identical tails after different heads', ['a*:b', 'b*:b', '*:b']],
    ['a literal pattern and its star', ['a', 'a*', '?']],
    ['heads that end where others go on', ['a', 'ab', 'ab:', 'ab:a']],
    ['no head at all', ['*', '?*', '*a*']],
    ['set aside at two depths, the later pattern first', ['ab:*', 'a*', '*:b']],
  ];
  for (const [name, texts] of cases) t.same(problems(texts, 5), [], name);
  t.same(problems(['ab', 'ab*'], 4, NON_EMPTY), [], 'a non-empty domain');
});

t.test('placement resumes safely across astral characters and dead ends', async (t) => {
  const texts = ['a\u{1F600}b*', 'a\u{1F601}*', 'a*'];
  const p = partition(texts.map(glob), ANY_STRING);
  const values = [
    'a\u{1F600}bc',
    'a\u{1F601}',
    'a\u{1F600}',
    'a\u{1F601}bc',
    'ax',
    'a\u{1F600}b',
    'b',
    'a\u{1F600}b',
  ];
  for (const v of values) t.equal(p.keyOf(v), vectorOf(texts, v), JSON.stringify(v));
  const q = partition([glob('ab')], { chars: (cp) => cp !== 0x78, minLength: 1, maxLength: 3 });
  for (const v of ['ab', 'axb', 'axbc', 'ab', 'abcd', 'abcde', 'abc', 'a', 'ab'])
    t.equal(q.keyOf(v), v.includes('x') || v.length > 3 ? undefined : vectorOf(['ab'], v), v);
});

/** Greedy cover counting every atom at every step: the reference. */
function naiveCover(target: bigint, masks: readonly bigint[]): number[] | undefined {
  let left = target;
  const chosen: number[] = [];
  while (left !== 0n) {
    let best = -1;
    let gain = 0;
    masks.forEach((m, i) => {
      const g = popcount(m & left);
      if (g > gain) {
        gain = g;
        best = i;
      }
    });
    if (best < 0) return undefined;
    chosen.push(best);
    left &= ~(masks[best] as bigint);
  }
  return chosen;
}

t.test('the lazy greedy cover chooses what the plain greedy cover chooses', async (t) => {
  const regions = 70;
  const mask = fc.bigInt({ min: 0n, max: (1n << BigInt(regions)) - 1n });
  const sparse = fc
    .array(fc.integer({ min: 0, max: regions - 1 }), { maxLength: 4 })
    .map((bits) => bits.reduce((m, b) => m | (1n << BigInt(b)), 0n));
  fc.assert(
    fc.property(mask, fc.array(fc.oneof(mask, sparse), { maxLength: 30 }), (target, masks) => {
      const lazy = greedyCover(target, masks, regions);
      const plain = naiveCover(target, masks);
      if (JSON.stringify(lazy) !== JSON.stringify(plain))
        throw new Error(`${JSON.stringify(lazy)} vs ${JSON.stringify(plain)}`);
      // Stopped once it would take more than `limit` masks: the same cover when it fits.
      for (const limit of [0, 1, 2, 3]) {
        const cut = greedyCover(target, masks, regions, limit);
        const fits = plain !== undefined && plain.length <= limit;
        if (JSON.stringify(cut) !== JSON.stringify(fits ? plain : undefined))
          throw new Error(`limit ${limit}: ${JSON.stringify(cut)} vs ${JSON.stringify(plain)}`);
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.same(greedyCover(0b111n, [0b1n, 0b110n, 0b11n, 0b100n], 3), [1, 0], 'ties go to the first');
  t.equal(greedyCover(0b1000n, [0b1n, 0b110n], 4), undefined, 'an uncoverable target');
  t.same(greedyCover(0n, [0b1n], 1), [], 'nothing to cover');
  t.same(greedyCover(0b111n, [0b1n, 0b110n], 3, 2), [1, 0], 'a cover of exactly the limit');
  t.equal(greedyCover(0b111n, [0b1n, 0b110n], 3, 1), undefined, 'one mask more than the limit');
  t.same(greedyCover(0n, [0b1n], 1, 0), [], 'nothing to cover needs no mask');
});

t.test('a variable no pattern constrains: what the search gave, without a search', async (t) => {
  const none = { minLength: 0, maxLength: Infinity, chars: () => false };
  // [domain, regions, configurations, keyOf '', 'ab', 'abc'] — as the product search answered.
  const cases: Array<[string, Domain, string[], number, Array<string | undefined>]> = [
    ['any string', ANY_STRING, [''], 1, ['', '', '']],
    ['non-empty', NON_EMPTY, ['a'], 2, [undefined, '', '']],
    ['a session name', SESSION_NAME, ['aa'], 3, [undefined, '', '']],
    ['no character allowed', none, [''], 1, ['', undefined, undefined]],
    [
      'no character, non-empty',
      { ...none, minLength: 1 },
      [],
      1,
      [undefined, undefined, undefined],
    ],
    [
      'longer than allowed',
      { minLength: 3, maxLength: 2 },
      [],
      3,
      [undefined, undefined, undefined],
    ],
    ['only the empty string', { minLength: 0, maxLength: 0 }, [''], 1, ['', undefined, undefined]],
  ];
  for (const [name, domain, witnesses, configurations, keys] of cases) {
    const p = partition([], domain);
    t.same(
      p.regions,
      witnesses.map((witness) => ({ key: '', witness })),
      name,
    );
    t.equal(p.configurations, configurations, `${name}: configurations`);
    t.same(
      ['', 'ab', 'abc'].map((v) => p.keyOf(v)),
      keys,
      `${name}: keyOf`,
    );
  }
  const cut = partition([], SESSION_NAME, 2);
  t.equal(cut.complete, false, 'a budget that stops the search still says incomplete');
});

t.test(
  'patterns that match every continuation are set aside, the rest searched once',
  async (t) => {
    // Each `…/h*` ends where `*:p` is in the same state: one search of that rest serves all three.
    const texts = ['r:a/h*', 'r:b/h*', 'r:ab/h*', 'r:*:p', 'r:a*'];
    t.same(problems(texts, 6), []);
    const p = partition(texts.map(glob), NON_EMPTY);
    t.same(
      p.regions.filter((r) => r.key.split(',').includes('3')).map((r) => [r.key, r.witness]),
      [
        ['3', 'r::p'],
        ['3,4', 'r:a:p'],
        ['0,3,4', 'r:a/h:p'],
        ['1,3', 'r:b/h:p'],
        ['2,3,4', 'r:ab/h:p'],
      ],
      'the rest’s vectors joined to each set-aside pattern, with the shortest witnesses',
    );
    for (const [v, key] of [
      ['r:a/hxyz:p', '0,3,4'],
      ['r:a/h:pq', '0,4'],
      ['r:b/h:p', '1,3'],
      ['r:b/h', '1'],
      ['r:ab/h:', '2,4'],
    ] as const)
      t.equal(p.keyOf(v), key, `keyOf ${v}`);
  },
);

t.test('the budget counts the searches of rests too', async (t) => {
  const texts = ['a*', '*b??????????'];
  const small = partition(texts.map(glob), NON_EMPTY, 50);
  t.equal(small.complete, false, 'the rest’s search ran out: incomplete');
  const full = partition(texts.map(glob), NON_EMPTY);
  t.equal(full.complete, true);
  t.same(
    full.regions.map((r) => r.key),
    ['0', '', '1', '0,1'],
  );
});

/** Everything a partition answers, for comparing two searches. */
function answers(
  texts: readonly string[],
  domain: Domain,
  budget: number,
  share: boolean,
  shareRests = true,
) {
  const p = partition(texts.map(glob), domain, budget, { shareExits: share, shareRests });
  const literals = [...new Set(texts.join('').replace(/[*?]/g, ''))];
  const values = [...strings([...literals, 'x'], 4)];
  return {
    regions: p.regions,
    complete: p.complete,
    configurations: p.configurations,
    keys: values.map((v) => p.keyOf(v) ?? null),
  };
}

t.test('successors that leave the trie, shared by tail part, change no answer', async (t) => {
  // Trust-policy shapes: repositories under one owner, their branches and tags, a `repo:*` Deny.
  const owner = fc.constantFrom('r:a/', 'r:ab/', 'r:b/');
  const shaped = fc
    .tuple(owner, fc.stringMatching(/^[ab]{0,2}$/), fc.constantFrom('', ':h*', ':t*', '*:p', ':*'))
    .map(([o, name, rest]) => `${o}${name}${rest}`);
  const domains: Domain[] = [ANY_STRING, NON_EMPTY, { minLength: 3, maxLength: 9 }];
  fc.assert(
    fc.property(
      fc.array(fc.oneof(shaped, headed, fc.constantFrom('r:*:p', 'r:*', '*:p')), {
        minLength: 1,
        maxLength: 7,
      }),
      fc.constantFrom(...domains),
      fc.constantFrom(5, 40, 200_000),
      (texts, domain, budget) => {
        const shared = answers(texts, domain, budget, true);
        const plain = answers(texts, domain, budget, false);
        if (JSON.stringify(shared) !== JSON.stringify(plain))
          throw new Error(`${JSON.stringify({ texts, domain, budget })} differ`);
        return true;
      },
    ),
    { numRuns: 300 },
  );
  // Pinned: the policy shape the sharing is for gives the plain search's answers, with a budget
  // that stops either search at the same configuration.
  const policy = ['r:a/x:h*', 'r:a/y:h*', 'r:a/xy:h*', 'r:a/x*', 'r:*:p'];
  for (const budget of [200_000, 30, 7]) {
    t.same(
      answers(policy, NON_EMPTY, budget, true),
      answers(policy, NON_EMPTY, budget, false),
      `budget ${budget}`,
    );
  }
  t.equal(answers(policy, NON_EMPTY, 200_000, true).complete, true);
  t.equal(answers(policy, NON_EMPTY, 7, true).complete, false);
});

t.test('rests off the trie of the same states, searched once, change no answer', async (t) => {
  // Each repository's `…-*:p` beside a `r:*:p` Deny: after each `…/h*` the rest is the two
  // `*:p` tails in the same states, with other pattern numbers — one search serves them all.
  const repo = fc.constantFrom('a', 'b', 'ab', 'ba');
  const shaped = fc
    .tuple(repo, fc.constantFrom(':h*', '-*:p', ':t*', '*:p', ':*', '-*', ''))
    .map(([name, rest]) => `r:${name}${rest}`);
  const domains: Domain[] = [ANY_STRING, NON_EMPTY, { minLength: 3, maxLength: 9 }];
  fc.assert(
    fc.property(
      fc.array(fc.oneof(shaped, headed, fc.constantFrom('r:*:p', 'r:*', '*:p', '*p*')), {
        minLength: 1,
        maxLength: 8,
      }),
      fc.constantFrom(...domains),
      fc.constantFrom(5, 40, 200_000),
      (texts, domain, budget) => {
        const shared = answers(texts, domain, budget, true, true);
        const plain = answers(texts, domain, budget, true, false);
        if (JSON.stringify(shared) !== JSON.stringify(plain))
          throw new Error(`${JSON.stringify({ texts, domain, budget })} differ`);
        return true;
      },
    ),
    { numRuns: 400 },
  );
  // Pinned: three repositories' rests share one search; regions, witnesses, placement and the
  // configurations counted are the plain search's, with budgets that stop it in the middle.
  const policy = ['r:a:h*', 'r:a-*:p', 'r:b:h*', 'r:b-*:p', 'r:ab:h*', 'r:ab-*:p', 'r:*:p'];
  for (const budget of [200_000, 60, 25, 7]) {
    t.same(
      answers(policy, NON_EMPTY, budget, true, true),
      answers(policy, NON_EMPTY, budget, true, false),
      `budget ${budget}`,
    );
  }
  t.same(problems(policy, 7), []);
  const p = partition(policy.map(glob), NON_EMPTY);
  t.equal(p.keyOf('r:b:hx-:p'), '2,6', 'placed through a shared rest, in its own numbers');
  t.equal(p.keyOf('r:b-x:p'), '3,6');
});
