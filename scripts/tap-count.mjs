/**
 * Counting a test run's assertions from tap's per-file TAP (.tap/test-results/**.tap), for the
 * closing line `N passed, N failed[, N skipped]` that CI reads.
 *
 * An assertion is a test point that does not close a subtest, at any depth; tap-parser marks the
 * closing ones (`closingTestPoint`) whether the subtest is written `# Subtest: name` … `ok N -
 * name` or buffered as `ok N - name {` … `}`.
 *
 * tap's own summary (`# { total, pass }`) counts the points that reach tap-parser's top-level
 * `result` event. That also takes in some closing points: those of a subtest whose name holds "#"
 * (tap-parser compares the escaped name of `# Subtest: a \#1` with the unescaped name of its
 * closing point, and they differ), and those of a subtest with no assertion of its own or marked
 * todo or skip. `tapTotal` and `closingCounted` say how far apart the two counts are, and why.
 */
import { Parser } from 'tap-parser';

/**
 * Counts one file's TAP.
 *
 * @param {string} text
 * @returns {{ passed: number, failed: number, skipped: number, tapTotal: number,
 *   closingCounted: { hash: number, other: number }, incomplete: number }}
 */
export function countTap(text) {
  const counts = {
    passed: 0,
    failed: 0,
    skipped: 0,
    tapTotal: 0,
    closingCounted: { hash: 0, other: 0 },
    incomplete: 0,
  };
  /**
   * Counts a parser's points and its children's; returns its scope. A subtest that failed with no
   * failed assertion inside (a crash, a timeout) counts as one failure.
   */
  const attach = (parser) => {
    const scope = { failed: 0, points: 0 };
    /** Each child's scope, in the order their closing points arrive. */
    const children = [];
    parser.on('child', (child) => children.push({ name: child.name, scope: attach(child) }));
    parser.on('assert', (a) => {
      if (a.closingTestPoint) {
        const child = children.shift();
        const failedInside = child ? child.scope.failed : 0;
        if (!a.ok && !a.todo && !a.skip && failedInside === 0) {
          counts.failed++;
          scope.failed++;
        }
        scope.failed += failedInside;
        return;
      }
      scope.points++;
      if (a.skip || a.todo) counts.skipped++;
      else if (a.ok) counts.passed++;
      else {
        counts.failed++;
        scope.failed++;
      }
    });
    return scope;
  };
  const parser = new Parser();
  const top = attach(parser);
  parser.on('result', (r) => {
    counts.tapTotal++;
    if (!r.closingTestPoint) return;
    if (r.name.includes('#')) counts.closingCounted.hash++;
    else counts.closingCounted.other++;
  });
  parser.on('complete', (final) => {
    // A file cut short (no plan, a bail-out) or that printed nothing fails even if every point it
    // printed passed.
    if ((!final.ok || text.trim() === '') && top.failed === 0) {
      counts.incomplete = 1;
      counts.failed++;
    }
  });
  parser.end(text);
  return counts;
}

/**
 * Adds up the files' counts.
 *
 * @param {ReturnType<typeof countTap>[]} files
 */
export function sumCounts(files) {
  const sum = {
    passed: 0,
    failed: 0,
    skipped: 0,
    tapTotal: 0,
    closingCounted: { hash: 0, other: 0 },
    incomplete: 0,
  };
  for (const c of files) {
    sum.passed += c.passed;
    sum.failed += c.failed;
    sum.skipped += c.skipped;
    sum.tapTotal += c.tapTotal;
    sum.closingCounted.hash += c.closingCounted.hash;
    sum.closingCounted.other += c.closingCounted.other;
    sum.incomplete += c.incomplete;
  }
  return sum;
}

/**
 * The last lines of the run: why tap's total differs, when it does, then the closing line. A run
 * with no result file, or one tap failed without a failing assertion (a coverage floor missed, a
 * file that did not start), counts one failure.
 *
 * @param {ReturnType<typeof sumCounts>} sum
 * @param {{ files: number, status: number }} run
 * @returns {string[]}
 */
export function closingLines(sum, run) {
  const lines = [];
  const counted = sum.passed + sum.failed + sum.skipped - sum.incomplete;
  const extra = sum.tapTotal - counted;
  if (extra !== 0) {
    const why = [];
    if (sum.closingCounted.hash > 0) why.push(`${sum.closingCounted.hash} named with "#"`);
    if (sum.closingCounted.other > 0)
      why.push(`${sum.closingCounted.other} without assertions, todo or skip`);
    lines.push(
      `# tap counts ${sum.tapTotal}: the ${counted} assertions below and ${extra} points that close a subtest` +
        (why.length > 0 ? ` (${why.join(', ')})` : ''),
    );
  }
  let failed = sum.failed;
  if (run.files === 0 || (run.status !== 0 && failed === 0)) failed++;
  lines.push(
    `${sum.passed} passed, ${failed} failed${sum.skipped ? `, ${sum.skipped} skipped` : ''}`,
  );
  return lines;
}
