/**
 * Files of thousands of scenarios load in linear work, good or bad: measured by counting what the
 * built-in array and string methods walk (scenario-file-meter.ts), never by a clock.
 */
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioFile } from '../../lib/scenarios/index.js';
import { GHA_POLICY, HEAD, NOW } from './helpers.js';
import { growth, measureWork } from './scenario-file-meter.js';

interface Case {
  name: string;
  /** One scenario entry (two-space list indentation), numbered `i`. */
  entry: (i: number) => string;
  /** The error each scenario gives, or none. */
  error?: { code: string; line: number; column: number; message: string };
}

const cases: Case[] = [
  {
    name: 'a bad expect in every scenario',
    entry: (i) => `  - name: s${i}\n    github: { repository: acme/app }\n    expect: alow\n`,
    error: { code: 'bad-expect', line: 11, column: 13, message: '"expect" must be allow, deny' },
  },
  {
    name: 'an unknown field in every scenario',
    entry: (i) => `  - name: s${i}\n    tokn: {}\n    expect: allow\n`,
    error: { code: 'unknown-field', line: 10, column: 5, message: 'unknown field "tokn"' },
  },
  {
    name: 'a value of the wrong type in every scenario',
    entry: (i) => `  - name: s${i}\n    request: { durationSeconds: soon }\n    expect: allow\n`,
    error: {
      code: 'bad-value',
      line: 10,
      column: 33,
      message: '"durationSeconds" must be an integer',
    },
  },
  {
    name: 'good scenarios',
    entry: (i) => `  - name: s${i}\n    github: { repository: acme/app }\n    expect: allow\n`,
  },
];

for (const c of cases) {
  t.test(c.name, (t) => {
    const dir = t.testdir({ 'policy.json': GHA_POLICY });
    const load = (n: number) => {
      const file = join(dir, `n${n}.trustspec.yaml`);
      writeFileSync(file, HEAD + Array.from({ length: n }, (_, i) => c.entry(i)).join(''));
      return loadScenarioFile(file, { cwd: dir, defaultNow: NOW, policyCache: new Map() });
    };
    const loaded = load(50);
    if (c.error) {
      t.equal(loaded.errors.length, 50, 'one error per scenario');
      t.match(loaded.errors[0], c.error);
      t.match(loaded.errors[49], { ...c.error, line: c.error.line + 49 * 3 });
    } else {
      t.same(loaded.errors, []);
      t.equal(loaded.scenarios.length, 50);
    }
    const ratio = growth((n) => measureWork(() => load(n)), 300);
    t.ok(ratio < 6, `4× the scenarios take ${ratio.toFixed(2)}× the work (linear: about 4)`);
    t.end();
  });
}

t.test('the work meter itself tells linear from quadratic', (t) => {
  const linear = (n: number) =>
    measureWork(() => Array.from({ length: n }, (_, i) => i).map(String));
  const quadratic = (n: number) =>
    measureWork(() => {
      const seen: number[] = [];
      for (let i = 0; i < n; i++) if (!seen.some((x) => x === i)) seen.push(i);
    });
  t.equal(
    measureWork(() => ['a', 'b'].filter(Boolean)),
    2,
    'one unit per callback call',
  );
  t.equal(
    measureWork(() => 'abcdef'.indexOf('c')),
    3,
    'indexOf counts what it scanned, up to the match',
  );
  t.equal(growth(linear, 100), 4);
  t.ok(growth(quadratic, 100) > 14, 'a rescanning loop grows with the square');
  t.end();
});
