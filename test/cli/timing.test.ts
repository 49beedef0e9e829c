/**
 * TRUSTSPEC_TIMING: who and diff say how long their analysis took, on standard error, and change
 * nothing else. (The figure itself is the machine's; only its form is tested.)
 */
import t from 'tap';
import { cli } from './helpers.js';

const WHO = ['who', 'spec-examples/github-actions/org-read-only.trustspec.yaml'];
const DIFF = [
  'diff',
  'spec-examples/github-actions/branch-deploy.trust.json',
  'spec-examples/github-actions/org-read-only.trust.json',
];

for (const [name, args] of [
  ['who', WHO],
  ['diff', DIFF],
] as const) {
  t.test(`${name}: one timing line with TRUSTSPEC_TIMING, none without`, async (t) => {
    const plain = await cli([...args]);
    const timed = await cli([...args], { env: { TRUSTSPEC_TIMING: '1' } });
    t.equal(timed.status, plain.status, 'the same exit code');
    t.equal(timed.stdout, plain.stdout, 'the same output');
    const lines = timed.stderr.split('\n').filter((l) => l.startsWith('trustspec: timing:'));
    t.equal(lines.length, 1, timed.stderr);
    t.match(
      lines[0],
      new RegExp(`^trustspec: timing: ${name} \\d+\\.\\d ms \\(process CPU \\d+\\.\\d ms\\)$`),
    );
    t.equal(timed.stderr.replace(`${lines[0]}\n`, ''), plain.stderr, 'nothing else on stderr');
    for (const off of ['0', '']) {
      const r = await cli([...args], { env: { TRUSTSPEC_TIMING: off } });
      t.notMatch(r.stderr, /timing/, `TRUSTSPEC_TIMING=${JSON.stringify(off)}: off`);
    }
  });
}
