/**
 * The lint codes table: lib/lint/codes.ts lists every code lint's own checks and explain's shape
 * findings can report, and the README's "Lint codes" table is that list, row for row, with the
 * same severity (the one table users read).
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { LINT_CODES, lintCode } from '../../lib/lint/codes.js';
import { EQUIVALENT_CODES } from '../../lib/aws/access-analyzer-codes.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** `code: 'x'` literals of a source file. */
const literalCodes = (path: string) =>
  [...read(path).matchAll(/code: '([a-z][a-z0-9-]+)'/g)].map((m) => m[1] as string);

t.test('every code the checks can report is in the catalogue, with its severity', async (t) => {
  for (const path of ['lib/lint/checks.ts', 'lib/explain/lint.ts', 'lib/sts/write-checks.ts']) {
    const codes = literalCodes(path);
    t.ok(codes.length > 0, `${path} has codes`);
    for (const code of codes) t.ok(lintCode(code), `${path}: ${code} is in the catalogue`);
  }
  t.equal(new Set(LINT_CODES.map((c) => c.code)).size, LINT_CODES.length, 'no code twice');
});

t.test("the README's lint codes table is the catalogue", async (t) => {
  const readme = read('README.md');
  const start = readme.indexOf('### Lint codes');
  t.ok(start > 0, 'the section exists');
  const section = readme.slice(start, readme.indexOf('\n## ', start));
  const rows = [
    ...section.matchAll(/^\| `(policy-[a-z0-9-]+)` +\| (error|warning|info) +\|/gm),
  ].map((m) => [m[1], m[2]]);
  t.same(
    rows,
    LINT_CODES.map((c) => [c.code, c.severity]),
    'one row per code, in order, severity as reported',
  );
});

t.test('Access Analyzer equivalents named in the table are the merge table', async (t) => {
  for (const c of LINT_CODES) {
    if (!c.accessAnalyzer) continue;
    const entry = EQUIVALENT_CODES.find((e) => e.issueCode === c.accessAnalyzer);
    t.ok(
      entry?.trustspec.includes(c.code.replace(/^policy-/, '')),
      `${c.code} ↔ ${c.accessAnalyzer} is in lib/aws/access-analyzer-codes.ts`,
    );
  }
});
