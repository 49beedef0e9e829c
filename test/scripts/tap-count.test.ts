/**
 * scripts/tap-count.mjs: the closing line `N passed, N failed` of `npm test`, which CI reads, from
 * tap's per-file TAP. test/fixtures/tap/sample.tap is what tap 21 wrote to .tap/test-results for
 * a small test file; its run's summary was `# { total: 15, pass: 9, fail: 2, todo: 2, skip: 2 }`.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closingLines, countTap, sumCounts } from '../../scripts/tap-count.mjs';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tap');
const sample = readFileSync(join(FIXTURES, 'sample.tap'), 'utf8');

t.test('a recorded tap file: the leaf assertions, and why tap counts 3 more', async (t) => {
  const c = countTap(sample);
  // Leaves: 6 pass; "one is not two" and "boom" fail; the todo and skipped subtests (no body),
  // the todo failure and the skipped point are skipped.
  t.same(c, {
    passed: 6,
    failed: 2,
    skipped: 4,
    tapTotal: 15,
    closingCounted: { hash: 2, other: 1 },
    incomplete: 0,
  });
  t.equal(c.passed + c.failed + c.skipped + 3, 15, "tap's total: the leaves and 3 closing points");
  t.same(closingLines(sumCounts([c]), { files: 1, status: 1 }), [
    '# tap counts 15: the 12 assertions below and 3 points that close a subtest (2 named with "#", 1 without assertions, todo or skip)',
    '6 passed, 2 failed, 4 skipped',
  ]);
});

interface Case {
  name: string;
  tap: string;
  counts: { passed: number; failed: number; skipped: number; tapTotal: number };
  incomplete?: number;
}

const CASES: Case[] = [
  {
    name: 'flat points',
    tap: 'TAP version 14\nok 1 - a\nnot ok 2 - b\nok 3 - c # SKIP\nnot ok 4 - d # TODO\n1..4\n',
    counts: { passed: 1, failed: 1, skipped: 2, tapTotal: 4 },
  },
  {
    name: 'a subtest: its closing point is not an assertion',
    tap: 'TAP version 14\n# Subtest: s\n    ok 1 - x\n    ok 2 - y\n    1..2\nok 1 - s\n1..1\n',
    counts: { passed: 2, failed: 0, skipped: 0, tapTotal: 2 },
  },
  {
    // The heuristic this replaced ("the point after a child closes it") took `ok 2 - after`.
    name: 'a buffered subtest: the closing point comes first, with a brace',
    tap: 'TAP version 14\nok 1 - s {\n    ok 1 - x\n    not ok 2 - y\n    1..2\n}\nok 2 - after\n1..2\n',
    counts: { passed: 2, failed: 1, skipped: 0, tapTotal: 4 },
  },
  {
    name: 'a subtest whose name holds a hash sign: tap counts its closing point too',
    tap: 'TAP version 14\n# Subtest: a \\#1\n    ok 1 - x\n    1..1\nok 1 - a \\#1\n1..1\n',
    counts: { passed: 1, failed: 0, skipped: 0, tapTotal: 2 },
  },
  {
    name: 'nested subtests, a failure deep down',
    tap:
      'TAP version 14\n# Subtest: a\n    # Subtest: b\n        not ok 1 - deep\n        1..1\n' +
      '    not ok 1 - b\n    ok 2 - c\n    1..2\nnot ok 1 - a\n1..1\n',
    counts: { passed: 1, failed: 1, skipped: 0, tapTotal: 2 },
  },
  {
    // A subtest that timed out or crashed between its points: it failed, and nothing inside did.
    name: 'a failed subtest with every point inside passing counts one failure',
    tap: 'TAP version 14\n# Subtest: s\n    ok 1 - x\n    1..1\nnot ok 1 - s\n1..1\n',
    counts: { passed: 1, failed: 1, skipped: 0, tapTotal: 2 },
  },
  {
    name: 'a file cut short: no plan, the points it printed passed',
    tap: 'TAP version 14\nok 1 - a\n# Subtest: s\n    ok 1 - x\n',
    counts: { passed: 2, failed: 1, skipped: 0, tapTotal: 2 },
    incomplete: 1,
  },
  {
    name: 'a file that bailed out',
    tap: 'TAP version 14\nok 1 - a\nBail out! the database is gone\n',
    counts: { passed: 1, failed: 1, skipped: 0, tapTotal: 1 },
    incomplete: 1,
  },
  {
    name: 'an empty file',
    tap: '',
    counts: { passed: 0, failed: 1, skipped: 0, tapTotal: 0 },
    incomplete: 1,
  },
];

for (const c of CASES) {
  t.test(c.name, async (t) => {
    const got = countTap(c.tap);
    t.match(got, c.counts);
    t.equal(got.incomplete, c.incomplete ?? 0, 'incomplete');
  });
}

t.test('the closing line', async (t) => {
  const file = (passed: number, failed: number, skipped = 0) => ({
    passed,
    failed,
    skipped,
    tapTotal: passed + failed + skipped,
    closingCounted: { hash: 0, other: 0 },
    incomplete: 0,
  });
  const rows: { name: string; files: ReturnType<typeof file>[]; status: number; line: string }[] = [
    { name: 'all passed', files: [file(3, 0), file(2, 0)], status: 0, line: '5 passed, 0 failed' },
    {
      name: 'skips shown',
      files: [file(3, 0, 2)],
      status: 0,
      line: '3 passed, 0 failed, 2 skipped',
    },
    {
      name: 'failures added up',
      files: [file(3, 1), file(0, 2)],
      status: 1,
      line: '3 passed, 3 failed',
    },
    // A coverage floor missed, or a file that never ran: tap fails with no failing assertion.
    {
      name: 'tap failed, no assertion did',
      files: [file(3, 0)],
      status: 1,
      line: '3 passed, 1 failed',
    },
    { name: 'no result file at all', files: [], status: 0, line: '0 passed, 1 failed' },
  ];
  for (const r of rows) {
    const lines = closingLines(sumCounts(r.files), { files: r.files.length, status: r.status });
    t.same(lines, [r.line], `${r.name}: one line, with no note when tap's total agrees`);
  }
});

t.test('counts add up over files, the notes too', async (t) => {
  const a = countTap(sample);
  const b = countTap('TAP version 14\nok 1 - x\n1..1\n');
  const sum = sumCounts([a, b]);
  t.same(sum, {
    passed: 7,
    failed: 2,
    skipped: 4,
    tapTotal: 16,
    closingCounted: { hash: 2, other: 1 },
    incomplete: 0,
  });
});
