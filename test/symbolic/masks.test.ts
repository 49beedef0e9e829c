/**
 * The bit helpers the engine caches for speed, against their plain definitions: a test's mask is
 * the set of regions whose signature has the test true (for every test of every variable, also
 * past 4, 64 and 128 regions), and `popcount` counts the set bits of any non-negative bigint.
 */
import t from 'tap';
import fc from 'fast-check';
import { analyseProvider, testMask } from '../../lib/symbolic/engine.js';
import { popcount } from '../../lib/symbolic/describe.js';
import { providerIdentities } from '../../lib/symbolic/providers.js';
import { doc, GH, NOW, role, statement } from './helpers.js';

function naiveCount(m: bigint): number {
  return [...m.toString(2)].filter((c) => c === '1').length;
}

t.test('popcount: a table, then random values of up to 300 bits', (t) => {
  const table: Array<[bigint, number]> = [
    [0n, 0],
    [1n, 1],
    [0xffffffffn, 32],
    [0x1_0000_0000n, 1],
    [(1n << 64n) - 1n, 64],
    [1n << 64n, 1],
    [(1n << 200n) - 1n, 200],
    [(1n << 199n) | 1n, 2],
    [0x8000_0000_8000_0000_8000_0000n, 3],
  ];
  for (const [m, n] of table) t.equal(popcount(m), n, `popcount(0x${m.toString(16)})`);
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: (1n << 300n) - 1n }), (m) => {
      return popcount(m) === naiveCount(m);
    }),
    { numRuns: 500, seed: 10 },
  );
  t.end();
});

/** A policy whose sub variable has `n` patterns, hence about n regions or more. */
function subs(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `repo:acme/s${i}:*`);
}

t.test('testMask: the regions whose signature has the test true', (t) => {
  for (const n of [1, 3, 5, 63, 64, 65, 130]) {
    const r = role(
      doc(
        statement('Allow', { StringLike: { [`${GH}:sub`]: subs(n) } }),
        statement('Deny', { StringLike: { [`${GH}:sub`]: 'repo:*:pull_request' } }),
      ),
    );
    const [id] = providerIdentities([r]);
    if (!id) throw new Error('no provider');
    const a = analyseProvider([r], id, { now: NOW });
    t.same(a.unknown, [], `${n} patterns: exact`);
    let checked = 0;
    for (const v of a.space.variables) {
      v.tests.forEach((_, i) => {
        let naive = 0n;
        v.regions.forEach((region, j) => {
          if (region.signature[i] === '1') naive |= 1n << BigInt(j);
        });
        // Twice: the second answer comes from the cache.
        if (testMask(v, i) !== naive || testMask(v, i) !== naive)
          t.fail(`${n} patterns: variable ${v.index}, test ${i}`);
        checked++;
      });
    }
    const sub = a.space.variables.find((v) => v.regions.length > n);
    t.ok(sub, `${n} patterns: the sub variable has more than ${n} regions`);
    t.ok(checked > n, `${n} patterns: ${checked} masks checked`);
  }
  t.end();
});

t.test('bySignature finds every region by its signature, however the variable was built', (t) => {
  // A sub variable built from partition keys alone (signatures worked out when read), an aud
  // variable built cell by cell, and a variable of several network keys.
  const r = role(
    doc(
      statement('Allow', {
        StringLike: { [`${GH}:sub`]: subs(5) },
        StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
        IpAddress: { 'aws:SourceIp': '203.0.113.0/24' },
      }),
      statement('Allow', { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' } }),
      statement('Deny', { StringLike: { [`${GH}:sub`]: 'repo:*:pull_request' } }),
    ),
  );
  const [id] = providerIdentities([r]);
  if (!id) throw new Error('no provider');
  const a = analyseProvider([r], id, { now: NOW });
  t.same(a.unknown, []);
  t.ok(a.space.variables.length >= 3, 'several variables');
  for (const v of a.space.variables) {
    const name = v.atoms.map((x) => x.name).join('+');
    t.equal(v.bySignature.size, v.regions.length, `${name}: one signature per region`);
    v.regions.forEach((region, i) => {
      if (v.bySignature.get(region.signature) !== i) t.fail(`${name}: region ${i}`);
    });
  }
  t.end();
});

t.test(
  'a clause written alike in both roles is evaluated once; a policy variable keeps two apart',
  (t) => {
    const sub = `${GH}:sub`;
    const aud = `${GH}:aud`;
    const body = () =>
      doc(
        statement('Allow', {
          StringEquals: { [aud]: 'sts.amazonaws.com' },
          StringLike: { [sub]: ['repo:acme/app:*', 'repo:acme/web:*'] },
        }),
        // The same text on both sides, read through each role's own tag.
        statement('Allow', { StringLike: { [sub]: 'repo:${aws:ResourceTag/team}/*' } }),
        statement('Deny', { StringLike: { [sub]: 'repo:*:pull_request' } }),
        statement('Allow', { StringNotLike: { [sub]: ['repo:acme/*', 'repo:beta/*'] } }),
      );
    const old = role(body(), undefined, { tags: { team: 'acme' } });
    const now = role(body(), undefined, { tags: { team: 'beta' } });
    const [id] = providerIdentities([old, now]);
    if (!id) throw new Error('no provider');
    const a = analyseProvider([old, now], id, { now: NOW });
    t.same(a.unknown, []);
    let twins = 0;
    for (const v of a.space.variables) {
      v.tests.forEach((test, i) => {
        if (test.kind !== 'clause' || !test.clause) return;
        const written = JSON.stringify(test.clause.clause.values.map((x) => x.value));
        if (test.twin !== undefined) {
          twins++;
          const of = v.tests[test.twin];
          t.equal(of?.kind, 'clause', `test ${i}: its twin is a clause`);
          t.equal(of?.side, 0, `test ${i}: the twin is the old role's`);
          t.equal(JSON.stringify(of?.clause?.clause.values.map((x) => x.value)), written);
          t.notOk(written.includes('$'), `test ${i}: no policy variable in a twin`);
        }
        // Every clause test's mask, twin or not, is what its own clause gives on each region.
        let naive = 0n;
        v.regions.forEach((region, j) => {
          if (region.signature[i] === '1') naive |= 1n << BigInt(j);
        });
        t.equal(testMask(v, i), naive, `variable ${v.index}, test ${i}: mask`);
      });
    }
    t.equal(twins, 4, 'aud, sub, the Deny and the StringNotLike: twins; the tag variable is not');
    // The policy variable reads each role's own tag: the two clauses differ on acme's and beta's
    // repositories, so the roles' allowed sets differ.
    const subVar = a.space.variables.find((v) => v.atoms.some((x) => x.name === 'sub'));
    if (!subVar) throw new Error('no sub variable');
    const tagged = subVar.tests
      .map((test, i) => ({ test, i }))
      .filter(
        ({ test }) => test.kind === 'clause' && test.clause?.clause.values[0]?.value.includes('$'),
      );
    t.equal(tagged.length, 2);
    t.not(testMask(subVar, tagged[0]?.i ?? -1), testMask(subVar, tagged[1]?.i ?? -1));
    t.end();
  },
);
