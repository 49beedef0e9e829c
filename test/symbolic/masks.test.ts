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
