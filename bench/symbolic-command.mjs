#!/usr/bin/env node
// `who` and `diff` as a user runs them: the command (dist/bin/trustspec.js) in a fresh process,
// from the start-up code cache its first run wrote (lib/compile-cache.ts), and without it
// (TRUSTSPEC_COMPILE_CACHE=off, as the very first run of a build). bench/symbolic.mjs measures the
// library's first call, where Node 20 has no code cache: every function is compiled on first use.
// The figures are the analysis alone — its wall time, and the process's CPU time meanwhile (V8's
// compiler and collector threads included), as the command reports them with TRUSTSPEC_TIMING=1
// (lib/cli/timing.ts) — so that starting node, reading files and printing are apart. (A CPU
// profile cannot give them: V8 runs this code several times slower under --cpu-prof.) The cache of
// each command is written by one run before the measured ones: `who` on the first spec-example,
// `diff` on the first pair, as a user's first run would.
// Run: npm run build && node bench/symbolic-command.mjs [--runs N]   (default 5)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { edited, packedStatements, packedValues } from './symbolic-cases.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist', 'bin', 'trustspec.js');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs takes a positive integer');

const work = mkdtempSync(join(tmpdir(), 'trustspec-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const cache = join(work, 'cache');

/** One run of the command; the ms its analysis took, as it reports them. */
function run(args, cacheDir) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TRUSTSPEC_COMPILE_CACHE: cacheDir, TRUSTSPEC_TIMING: '1' },
  });
  // who and diff exit 1 when they find something; 2 is a usage error.
  if (r.status === 2 || r.status === null)
    throw new Error(`trustspec ${args.join(' ')}: ${r.stderr.slice(0, 2000)}`);
  const m = /^trustspec: timing: \S+ ([\d.]+) ms \(process CPU ([\d.]+) ms\)$/m.exec(r.stderr);
  if (!m) throw new Error(`no timing from trustspec ${args.join(' ')}: ${r.stderr.slice(0, 500)}`);
  return { wall: Number(m[1]), cpu: Number(m[2]) };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Medians of RUNS runs from the cache and without it, interleaved: { cached, cold } of { wall, cpu }. */
function measure(args) {
  const cached = [];
  const cold = [];
  for (let i = 0; i < RUNS; i++) {
    cached.push(run(args, cache));
    cold.push(run(args, 'off'));
  }
  const of = (list) => ({
    wall: median(list.map((x) => x.wall)),
    cpu: median(list.map((x) => x.cpu)),
  });
  return { cached: of(cached), cold: of(cold) };
}

const ms = (x) => `${x.toFixed(1)} ms`;
const both = (x) => `${ms(x.wall)} (CPU ${ms(x.cpu)})`;

// The two diffs at IAM's limit, as policy files.
const diffs = [
  ['statements of 2 patterns', packedStatements(2)],
  ['one statement of many patterns', packedValues()],
].map(([title, doc], i) => {
  const before = join(work, `before-${i}.json`);
  const after = join(work, `after-${i}.json`);
  writeFileSync(before, JSON.stringify(doc, null, 2));
  writeFileSync(after, JSON.stringify(edited(doc), null, 2));
  return { title, args: ['diff', before, after] };
});
const examples = readdirSync(join(root, 'spec-examples'), { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.trustspec.yaml'))
  .sort()
  .map((name) => join('spec-examples', name));

console.log(
  `through the command: the analysis's wall time (and process CPU), median of ${RUNS} processes each; from the code cache | without it`,
);
run(diffs[0].args, cache);
for (const d of diffs) {
  const m = measure(d.args);
  console.log(`diff, 4,096-character policies, ${d.title}: ${both(m.cached)} | ${both(m.cold)}`);
}
run(['who', examples[0]], cache);
const who = examples.map((file) => ({ file, ...measure(['who', file]) }));
for (const w of who) console.log(`  who ${w.file}: ${both(w.cached)} | ${both(w.cold)}`);
const summary = (key) => {
  const wall = who.map((w) => w[key].wall);
  return `median ${ms(median(wall))}, max ${ms(Math.max(...wall))}, ${wall.filter((x) => x < 20).length} of ${wall.length} under 20 ms`;
};
console.log(`who on the spec-examples: ${summary('cached')} | ${summary('cold')}`);
