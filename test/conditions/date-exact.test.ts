/**
 * §5.4 Date operators compare exact instants: digits below the millisecond are never rounded
 * away (a policy bound of 23:59:59.999999999Z is before midnight, not equal to it).
 */
import t from 'tap';
import { compareDecimal } from '../../lib/conditions/numeric.js';
import { parseDate, parseInstant } from '../../lib/conditions/date.js';
import { decide, simulate } from '../../lib/sts/simulate.js';
import { ctxOf, rowName, run, type Row } from './fixtures/clauses.js';
import { allow, GH, GH_ARN, githubInput, NOW, policy } from '../helpers/policy.js';

const NOW_ISO = '2026-06-01T00:00:00Z';
const JUST_BEFORE = '2026-05-31T23:59:59.999999999Z';
const CT = 'aws:CurrentTime';

// prettier-ignore
const rows: Row[] = [
  { spec: '§5.4', op: 'DateGreaterThan', key: CT, values: [JUST_BEFORE], ctx: { [CT]: NOW_ISO }, expect: true, note: 'nine fraction digits' },
  { spec: '§5.4', op: 'DateLessThan', key: CT, values: [JUST_BEFORE], ctx: { [CT]: NOW_ISO }, expect: false },
  { spec: '§5.4', op: 'DateEquals', key: CT, values: [JUST_BEFORE], ctx: { [CT]: NOW_ISO }, expect: false },
  { spec: '§5.4', op: 'DateNotEquals', key: CT, values: [JUST_BEFORE], ctx: { [CT]: NOW_ISO }, expect: true },
  { spec: '§5.4', op: 'DateLessThanEquals', key: CT, values: ['2026-06-01T00:00:00.0000000001Z'], ctx: { [CT]: NOW_ISO }, expect: true, note: 'ten fraction digits' },
  { spec: '§5.4', op: 'DateGreaterThan', key: CT, values: ['1780271999.999999999'], ctx: { [CT]: NOW_ISO }, expect: true, note: 'epoch seconds with a fraction' },
  { spec: '§5.4', op: 'DateEquals', key: CT, values: ['1780272000.000000000'], ctx: { [CT]: NOW_ISO }, expect: true, note: 'trailing zeros' },
  { spec: '§5.4', op: 'DateEquals', key: CT, values: ['2026-06-01T00:00:00.5Z'], ctx: { [CT]: '2026-06-01T02:00:00.500+02:00' }, expect: true, note: 'offset and fraction' },
  { spec: '§5.4', op: 'DateGreaterThan', key: CT, values: ['2026-06-01T00:00:00.100000000000000001Z'], ctx: { [CT]: '2026-06-01T00:00:00.1Z' }, expect: false, note: 'eighteen digits' },
  { spec: '§5.4', op: 'DateEquals', key: CT, values: ['1969-12-31T23:59:59.25Z'], ctx: { [CT]: '-0.75' }, expect: true, note: 'before 1970' },
  { spec: '§5.4', op: 'DateLessThan', key: CT, values: ['-1.5'], ctx: { [CT]: '1969-12-31T23:59:58.4Z' }, expect: true, note: 'before 1970' },
];

t.test('the operators on sub-millisecond instants', async (t) => {
  for (const r of rows) {
    const trace = run(r.op, r.key ?? CT, r.values, ctxOf(r.ctx));
    t.equal(trace.result, r.expect, rowName(r));
  }
});

t.test('parseInstant agrees with parseDate wherever milliseconds are exact', async (t) => {
  const samples = [
    NOW_ISO,
    '2026-06-01',
    '2026-06',
    '2026-06-01T12:30',
    '2026-06-01T12:30:15.123Z',
    '2026-06-01T12:30:15+0530',
    '2026-06-01T12:30:15-08',
    '1969-07-20T20:17:40Z',
    '1780272000',
    '-5',
    '0',
  ];
  const sorted = [...samples].sort((a, b) => (parseDate(a) as number) - (parseDate(b) as number));
  const exact = [...samples].sort((a, b) =>
    compareDecimal(parseInstant(a) as never, parseInstant(b) as never),
  );
  t.same(exact, sorted, 'the same order');
  for (const bad of ['2026-02-30', 'tomorrow', '2026-06-01T24:00:00Z', '']) {
    t.equal(parseInstant(bad), undefined, `${JSON.stringify(bad)} is not a date`);
  }
});

t.test('a whole decision: now at midnight against a bound a nanosecond earlier', async (t) => {
  const doc = policy(
    allow(
      { Federated: GH_ARN },
      {
        StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
        DateGreaterThan: { [CT]: JUST_BEFORE },
      },
    ),
  );
  const input = githubInput(doc);
  t.equal(input.now, NOW);
  t.equal(simulate(input).decision, 'allow');
  t.equal(decide(input).decision, 'allow');
  const earlier = { ...input, now: NOW - 1 };
  t.equal(decide(earlier).decision, 'deny', 'a millisecond earlier is before the bound');
});
