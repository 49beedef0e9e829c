/**
 * The other domains, exhaustively on small grids: breakpoint cells for numbers, dates, IP
 * addresses and the clock; Google's aud/azp pair (one key reading two claims); Cognito's
 * multivalued amr under ForAnyValue/ForAllValues/bare operators; the network keys, set together
 * by the call path. For each grid point the simulator's decision must equal the engine's answer
 * for its cell.
 */
import t, { type Test } from 'tap';
import { compile, NOW } from '../helpers/policy.js';
import { decide } from '../../lib/sts/simulate.js';
import type { SimulationInput } from '../../lib/sts/types.js';
import {
  clockCandidates,
  dateCandidates,
  formatIp,
  INVALID_VALUE,
  ipCandidates,
  numericCandidates,
} from '../../lib/symbolic/cells.js';
import { parseDecimal, compareDecimal } from '../../lib/conditions/numeric.js';
import { parseDate } from '../../lib/conditions/date.js';
import { parseIp } from '../../lib/conditions/ip.js';
import { analyseProvider, contains } from '../../lib/symbolic/engine.js';
import { providerIdentities, type AnalysisRole } from '../../lib/symbolic/providers.js';
import { mergeBoxes, regionsOf, Boxes } from '../../lib/symbolic/boxes.js';
import { cellOf, doc, GH, request, role, statement } from './helpers.js';

t.test(
  'numeric candidates: every constant, a value in every gap, beyond, and not a number',
  async (t) => {
    const c = numericCandidates(['10', '2.5', '-3', '1e2']) as string[];
    t.ok(c, 'made');
    const values = c.filter((x) => x !== INVALID_VALUE).map((x) => parseDecimal(x));
    t.ok(
      values.every((v) => v !== undefined),
      'all parse',
    );
    for (const k of ['10', '2.5', '-3', '100']) {
      const d = parseDecimal(k);
      t.ok(
        values.some((v) => v && d && compareDecimal(v, d) === 0),
        `the point ${k}`,
      );
    }
    t.ok(c.includes(INVALID_VALUE));
    const sorted = [...values].sort((a, b) => compareDecimal(a!, b!));
    t.ok(compareDecimal(sorted[0]!, parseDecimal('-3')!) < 0, 'one below the smallest');
    t.ok(
      compareDecimal(sorted[sorted.length - 1]!, parseDecimal('100')!) > 0,
      'one above the largest',
    );
    t.same(numericCandidates([]), ['1', INVALID_VALUE], 'no constants: one number');
    t.equal(numericCandidates(['1e99']), undefined, 'out of the split range: unknown');
  },
);

t.test('date candidates and the clock', async (t) => {
  const d = dateCandidates(['2026-06-01T00:00:00Z', '2026-01-01']) as string[];
  for (const k of ['2026-06-01T00:00:00Z', '2026-01-01']) {
    t.ok(
      d.some((x) => parseDate(x) === parseDate(k)),
      `the point ${k}`,
    );
  }
  t.ok(d.includes(INVALID_VALUE));
  t.equal(dateCandidates([])?.length, 2, 'no constants: one date and invalid');
  const clock = clockCandidates([Date.UTC(2026, 5, 1) + 500], [1780272000.5], 42);
  t.ok(clock.includes(42), 'the preferred reading');
  t.ok(
    clock.every((s) => Number.isInteger(s)),
    'whole seconds',
  );
  t.ok(
    clock.includes(1780272000) && clock.includes(1780272001),
    'both sides of a fractional breakpoint',
  );
  t.same(clockCandidates([], [1e20], 7), [7], 'beyond what a Date holds: left out');
});

t.test('IP candidates and their text', async (t) => {
  const c = ipCandidates([
    '203.0.113.0/24',
    '2001:db8::/32',
    '10.0.0.1',
    '255.255.255.255/32',
    'nonsense',
  ]);
  for (const x of [
    '203.0.113.0',
    '203.0.114.0',
    '2001:db8::',
    '2001:db9::',
    '10.0.0.1',
    '10.0.0.2',
    '0.0.0.0',
    '::',
  ]) {
    t.ok(c.includes(x), x);
  }
  t.notOk(c.includes('256.0.0.0'), 'nothing past the last address');
  for (const x of c) t.ok(parseIp(x), `${x} parses back`);
  t.equal(formatIp(0x20010db8000000000000000000000001n, true), '2001:db8::1');
  t.equal(formatIp(0x00010002000300040005000600070008n, true), '1:2:3:4:5:6:7:8');
  t.equal(formatIp(0xfe800000000000000000000000000000n, true), 'fe80::');
});

t.test('boxes: subtraction splits, merging joins, regions listed', async (t) => {
  const b = new Boxes([3, 2]);
  const all = b.universe;
  t.same(all, [7n, 3n]);
  const cut = b.subtract(all, [1n, 1n]);
  t.same(
    cut,
    [
      [6n, 3n],
      [1n, 2n],
    ],
    'outside the first variable, then outside the second',
  );
  t.same(
    mergeBoxes([
      [1n, 1n],
      [2n, 1n],
      [4n, 2n],
    ]),
    [
      [3n, 1n],
      [4n, 2n],
    ],
  );
  t.same(regionsOf(0b1011n), [0, 1, 3]);
  t.same(b.union([[1n, 1n]], [[1n, 3n]]), [
    [1n, 1n],
    [1n, 2n],
  ]);
  const tiny = new Boxes([2, 2, 2], 3);
  t.throws(
    () =>
      tiny.difference(
        [tiny.universe],
        [
          [1n, 1n, 1n],
          [2n, 2n, 2n],
        ],
      ),
    /exceed 3 boxes/,
  );
});

function agree(
  t: Test,
  r: AnalysisRole,
  issuer: string,
  inputs: SimulationInput[],
  name: string,
): void {
  const id = providerIdentities([r]).find((p) => p.hostPath === issuer);
  if (!id) throw new Error(`no provider ${issuer}`);
  const a = analyseProvider([r], id, { now: NOW });
  t.same(a.unknown, [], `${name}: exact`);
  let wrong = 0;
  let allowed = 0;
  for (const input of inputs) {
    const d = decide(input).decision;
    const cell = cellOf(a, input);
    const symbolic = cell !== undefined && contains(a.sides[0]?.allowed ?? [], cell);
    if ((d === 'allow') !== symbolic) {
      wrong++;
      t.comment(
        `${name}: ${d} vs ${symbolic}: ${JSON.stringify(input.token.claims)} ${JSON.stringify(input.context)}`,
      );
    }
    if (d === 'allow') allowed++;
  }
  t.equal(wrong, 0, `${name}: ${inputs.length} requests agree (${allowed} allowed)`);
  t.ok(allowed > 0 && allowed < inputs.length, `${name}: both answers occur`);
}

function builtIn(document: unknown): AnalysisRole {
  return { role: { arn: 'arn:aws:iam::111122223333:role/app', policy: compile(document) } };
}

function federated(name: string, condition: Record<string, Record<string, unknown>>): unknown {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: name },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: condition,
      },
    ],
  };
}

t.test(
  'Google: aud reads azp when present, oaud the aud; a numeric organization number',
  async (t) => {
    const G = 'accounts.google.com';
    const r = builtIn(
      federated(G, {
        StringEquals: { [`${G}:aud`]: ['web', 'android'] },
        StringLike: { [`${G}:oaud`]: 'an*' },
        NumericGreaterThanEquals: { [`${G}:google/organization_number`]: '100' },
      }),
    );
    const inputs: SimulationInput[] = [];
    for (const azp of [undefined, 'web', 'other'])
      for (const aud of ['web', 'android', 'ios'])
        for (const org of [undefined, '50', '100', '1e3', 'x']) {
          inputs.push({
            role: r.role,
            token: {
              claims: {
                iss: `https://${G}`,
                sub: '1',
                aud,
                ...(azp ? { azp } : {}),
                ...(org ? { 'google/organization_number': org } : {}),
              },
            },
            request: { roleSessionName: 'trustspec' },
            now: NOW,
          });
        }
    agree(t, r, G, inputs, 'google');
  },
);

t.test('Cognito: amr sets under ForAnyValue, ForAllValues and a bare operator', async (t) => {
  const C = 'cognito-identity.amazonaws.com';
  const SETS = [
    undefined,
    [],
    ['authenticated'],
    ['unauthenticated'],
    ['authenticated', 'graph.facebook.com'],
    ['graph.facebook.com'],
  ];
  for (const [name, condition] of [
    ['ForAnyValue', { 'ForAnyValue:StringLike': { [`${C}:amr`]: 'authenticated' } }],
    ['ForAllValues', { 'ForAllValues:StringNotEquals': { [`${C}:amr`]: 'unauthenticated' } }],
    [
      'bare operator',
      { StringEquals: { [`${C}:amr`]: 'authenticated' }, Null: { [`${C}:amr`]: 'false' } },
    ],
  ] as const) {
    const r = builtIn(federated(C, { StringEquals: { [`${C}:aud`]: 'pool' }, ...condition }));
    const inputs: SimulationInput[] = [];
    for (const aud of ['pool', 'other'])
      for (const amr of SETS)
        inputs.push({
          role: r.role,
          token: { claims: { iss: `https://${C}`, sub: 'id', aud, ...(amr ? { amr } : {}) } },
          request: { roleSessionName: 'trustspec' },
          now: NOW,
        });
    if (name === 'bare operator') {
      // A bare operator on a multivalued key is false (UNCONFIRMED 24): nothing is allowed.
      const id = providerIdentities([r]).find((p) => p.hostPath === C);
      const a = analyseProvider([r], id as NonNullable<typeof id>, { now: NOW });
      t.same(a.sides[0]?.allowed, [], 'bare operator: nobody');
      t.ok(
        inputs.every((i) => decide(i).decision === 'deny'),
        'and the simulator agrees',
      );
    } else agree(t, r, C, inputs, name);
  }
});

t.test(
  'network keys: over the internet aws:SourceIp, through a VPC endpoint the VPC keys',
  async (t) => {
    const r = role(
      doc(
        statement('Allow', { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } }),
        statement('Allow', {
          StringEquals: { 'aws:SourceVpc': 'vpc-1' },
          ArnLike: { 'aws:SourceVpcArn': 'arn:aws:ec2:*:111122223333:vpc/*' },
        }),
        statement('Deny', { NotIpAddressIfExists: { 'aws:SourceIp': '203.0.113.0/25' } }),
      ),
    );
    const inputs: SimulationInput[] = [];
    for (const ip of ['203.0.113.1', '203.0.113.200', '2001:db8::5', '10.1.1.1']) {
      inputs.push(
        request(r, { sub: 's', aud: 'sts.amazonaws.com' }, { context: { 'aws:SourceIp': ip } }),
      );
    }
    for (const vpc of ['vpc-1', 'vpc-2'])
      for (const arn of [
        'arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1',
        'arn:aws:ec2:us-east-1:444455556666:vpc/x',
        'nonsense',
      ])
        inputs.push(
          request(
            r,
            { sub: 's', aud: 'sts.amazonaws.com' },
            { context: { 'aws:SourceVpc': vpc, 'aws:SourceVpcArn': arn } },
          ),
        );
    agree(t, r, GH, inputs, 'network');
  },
);

t.test('a date condition on a claim and numbers on the clock', async (t) => {
  const r = role(
    doc(
      statement('Allow', {
        DateLessThanIfExists: { [`${GH}:actor`]: '2026-01-01T00:00:00Z' },
        NumericLessThan: { 'aws:EpochTime': '1780272000' },
      }),
    ),
  );
  const inputs: SimulationInput[] = [];
  for (const actor of [
    undefined,
    '2025-12-31T23:59:59Z',
    '2026-01-01T00:00:00Z',
    '1767225600.5',
    'octocat',
  ])
    for (const now of [NOW - 1000, NOW, NOW + 1000])
      inputs.push(
        request(r, { sub: 's', aud: 'sts.amazonaws.com', ...(actor ? { actor } : {}) }, { now }),
      );
  agree(t, r, GH, inputs, 'dates');
});
