/**
 * The partition lemma, end to end (design note §4.1, tests (1) and (4)): for random small
 * policies and random requests, the simulator's decision on a request equals the engine's answer
 * for the request's cell — the region of each of its values — and every cell of every allowed box
 * has an example that the simulator allows.
 */
import t from 'tap';
import fc from 'fast-check';
import { decide } from '../../lib/sts/simulate.js';
import { analyseProvider, contains } from '../../lib/symbolic/engine.js';
import { providerIdentities } from '../../lib/symbolic/providers.js';
import { exampleIn, replay } from '../../lib/symbolic/witness.js';
import { SOURCE_IDENTITY_CLAIM, TAGS_CLAIM } from '../../lib/symbolic/bindings.js';
import { cellOf, doc, GH, GH_PROVIDER, NOW, request, role, statement } from './helpers.js';

const CHARS = ['a', 'b', 'A', ':', '*', '?'];
const value = fc.array(fc.constantFrom(...CHARS), { maxLength: 3 }).map((a) => a.join(''));
const OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringLike',
  'StringNotLike',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLikeIfExists',
  'StringNotLikeIfExists',
  'ForAnyValue:StringLike',
  'ForAllValues:StringEquals',
];
const STRING_KEYS = [`${GH}:sub`, `${GH}:repository`, 'sts:RoleSessionName', 'sts:SourceIdentity'];

const stringClause = fc.record({
  op: fc.constantFrom(...OPERATORS),
  key: fc.constantFrom(...STRING_KEYS),
  values: fc.array(value, { minLength: 1, maxLength: 2 }),
});
const otherClause = fc.constantFrom(
  { op: 'Null', key: `${GH}:repository`, values: ['true'] },
  { op: 'Null', key: `${GH}:repository`, values: ['false'] },
  { op: 'IpAddress', key: 'aws:SourceIp', values: ['203.0.113.0/24'] },
  { op: 'NotIpAddressIfExists', key: 'aws:SourceIp', values: ['203.0.113.8/29', '198.51.100.1'] },
  { op: 'DateLessThan', key: 'aws:CurrentTime', values: ['2026-06-01T00:00:00Z'] },
  { op: 'NumericGreaterThanEquals', key: 'aws:EpochTime', values: ['1780272000'] },
  { op: 'Bool', key: 'aws:SecureTransport', values: ['true'] },
  { op: 'StringEquals', key: `${GH}:aud`, values: ['sts.amazonaws.com'] },
  { op: 'StringEquals', key: `${GH}:repository_owner`, values: ['acme'] },
);
const clause = fc.oneof(
  { arbitrary: stringClause, weight: 4 },
  { arbitrary: otherClause, weight: 1 },
);
const ACTIONS = [
  'sts:AssumeRoleWithWebIdentity',
  'sts:*',
  ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
];

const policy = fc
  .array(
    fc.record({
      effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
      clauses: fc.array(clause, { maxLength: 3 }),
      action: fc.constantFrom(...ACTIONS),
    }),
    { minLength: 1, maxLength: 3 },
  )
  .map((statements) =>
    doc(
      ...statements.map((s) => {
        const condition: Record<string, Record<string, unknown>> = {};
        for (const c of s.clauses) (condition[c.op] ??= {})[c.key] = c.values;
        return statement(s.effect as 'Allow' | 'Deny', condition, { Action: s.action });
      }),
    ),
  );

const str = fc
  .array(fc.constantFrom('a', 'b', 'A', 'B', ':'), { minLength: 1, maxLength: 4 })
  .map((a) => a.join(''));
const sessionName = fc
  .array(fc.constantFrom('a', 'b', 'A', '-'), { minLength: 2, maxLength: 4 })
  .map((a) => a.join(''));
const token = fc.record({
  sub: str,
  aud: fc.constantFrom('sts.amazonaws.com', 'other'),
  repository: fc.option(str, { nil: undefined }),
  session: sessionName,
  sourceIdentity: fc.option(sessionName, { nil: undefined }),
  tags: fc.boolean(),
  ip: fc.option(
    fc.constantFrom('203.0.113.9', '203.0.113.200', '198.51.100.1', '10.0.0.1', '2001:db8::1'),
    { nil: undefined },
  ),
  now: fc.constantFrom(NOW - 5000, NOW, NOW + 999, NOW + 86_400_000),
});

t.test('a request is allowed exactly when its cell is in an allowed box', async (t) => {
  let allowed = 0;
  let checked = 0;
  fc.assert(
    fc.property(policy, fc.array(token, { minLength: 8, maxLength: 8 }), (d, tokens) => {
      const r = role(d, [{ ...GH_PROVIDER, clientIds: ['sts.amazonaws.com'] }]);
      const id = providerIdentities([r]).find((p) => p.hostPath === GH);
      if (!id) throw new Error('no GitHub provider');
      const a = analyseProvider([r], id, { now: NOW });
      if (a.unknown.length > 0) throw new Error(`unknown: ${a.unknown.join('; ')}`);
      const side = a.sides[0];
      if (!side) throw new Error('no side');
      for (const tk of tokens) {
        const input = request(
          r,
          {
            sub: tk.sub,
            aud: tk.aud,
            ...(tk.repository !== undefined ? { repository: tk.repository } : {}),
            ...(tk.sourceIdentity !== undefined
              ? { [SOURCE_IDENTITY_CLAIM]: tk.sourceIdentity }
              : {}),
            ...(tk.tags ? { [TAGS_CLAIM]: { principal_tags: { team: ['ci'] } } } : {}),
          },
          {
            roleSessionName: tk.session,
            now: tk.now,
            ...(tk.ip ? { context: { 'aws:SourceIp': tk.ip } } : {}),
          },
        );
        const decision = decide(input).decision;
        const cell = cellOf(a, input);
        const symbolic = cell !== undefined && contains(side.allowed, cell);
        checked++;
        if (decision === 'allow') allowed++;
        if ((decision === 'allow') !== symbolic) {
          throw new Error(
            `simulator ${decision}, engine ${symbolic ? 'allow' : 'deny'}: ${JSON.stringify({ d, tk })}`,
          );
        }
      }
      // Every allowed box has an example, and the simulator agrees with it.
      for (const box of side.allowed) replay(a, exampleIn(a, box, { now: NOW }));
      return true;
    }),
    { numRuns: 250 },
  );
  t.ok(allowed > 0, `some of the ${checked} requests were allowed (${allowed})`);
  t.ok(allowed < checked, 'and some were not');
});

/** Every string over `alphabet` of length 1..max. */
function* strings(alphabet: string, max: number): Generator<string> {
  let level = [''];
  for (let n = 1; n <= max; n++) {
    const next: string[] = [];
    for (const s of level) for (const c of alphabet) next.push(s + c);
    yield* next;
    level = next;
  }
}

t.test('brute force: every sub up to five characters, tiny policies', async (t) => {
  const SUB = `${GH}:sub`;
  const cases: Array<[string, Record<string, unknown>]> = [
    [
      'Like and NotLike',
      doc(statement('Allow', { StringLike: { [SUB]: 'a*' }, StringNotLike: { [SUB]: '*:b' } })),
    ],
    [
      'Allow minus Deny',
      doc(
        statement('Allow', { StringLike: { [SUB]: '*a*' } }),
        statement('Deny', { StringLike: { [SUB]: '??' } }),
      ),
    ],
    [
      'two Allows, IgnoreCase',
      doc(
        statement('Allow', { StringEqualsIgnoreCase: { [SUB]: ['Ab', 'b:'] } }),
        statement('Allow', { StringLike: { [SUB]: 'b?*:' } }),
      ),
    ],
    [
      'ForAllValues on a single-valued key',
      doc(statement('Allow', { 'ForAllValues:StringLike': { [SUB]: ['a*', '*b'] } })),
    ],
    [
      'a negated Deny',
      doc(statement('Allow'), statement('Deny', { StringNotEquals: { [SUB]: ['ab', 'ba'] } })),
    ],
  ];
  for (const [name, d] of cases) {
    const r = role(d);
    const id = providerIdentities([r]).find((p) => p.hostPath === GH);
    const a = analyseProvider([r], id as NonNullable<typeof id>, { now: NOW });
    const side = a.sides[0];
    let wrong = 0;
    let allowed = 0;
    for (const sub of strings('abA:', 5)) {
      const input = request(r, { sub, aud: 'sts.amazonaws.com' });
      const decision = decide(input).decision;
      const cell = cellOf(a, input);
      const symbolic = cell !== undefined && side !== undefined && contains(side.allowed, cell);
      if ((decision === 'allow') !== symbolic) wrong++;
      if (decision === 'allow') allowed++;
    }
    t.equal(
      wrong,
      0,
      `${name}: the engine agrees with the simulator on all 1,364 subs (${allowed} allowed)`,
    );
  }
});
