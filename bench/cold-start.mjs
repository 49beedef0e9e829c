#!/usr/bin/env node
// Cold start of `trustspec test spec-examples` against its floor: a node process that only imports
// `yaml` and parses the same *.trustspec.yaml files. Each run is a new process; they are spawned
// in turn (so a busy machine slows all alike) and the medians are compared. The command runs two
// ways: from V8's code cache (every run after the first of a build: lib/compile-cache.ts; the
// cache lives in a temporary folder here) and without one (TRUSTSPEC_COMPILE_CACHE=off, as the
// first run of a build, or where no cache folder can be written).
// Run: npm run bench:cold-start   (builds first; `-- --runs 31` for more runs, default 15)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist', 'bin', 'trustspec.js');
const examples = 'spec-examples';
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs takes a positive integer');

const files = readdirSync(join(root, examples), { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.trustspec.yaml'))
  .sort()
  .map((name) => join(root, examples, name));

// The floor: start node, import yaml, read and parse every scenario file.
const floorScript = `
import { readFileSync } from 'node:fs';
import { parse } from ${JSON.stringify(import.meta.resolve('yaml'))};
for (const file of process.argv.slice(1)) parse(readFileSync(file, 'utf8'));
`;

const cacheDir = mkdtempSync(join(tmpdir(), 'trustspec-bench-cache-'));
process.on('exit', () => rmSync(cacheDir, { recursive: true, force: true }));

function timed(args, what, cache) {
  const env = { ...process.env, TRUSTSPEC_COMPILE_CACHE: cache ?? 'off' };
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env });
  const ms = performance.now() - start;
  if (r.status !== 0)
    throw new Error(`${what} exited with ${r.status}: ${(r.stderr || r.stdout).slice(0, 2000)}`);
  return ms;
}

const cli = () => timed([bin, 'test', examples], `trustspec test ${examples}`, cacheDir);
const cliNoCache = () => timed([bin, 'test', examples], `trustspec test ${examples}`, 'off');
const floor = () => timed(['--input-type=module', '-e', floorScript, ...files], 'the floor');

function median(list) {
  const s = [...list].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// One of each first, unmeasured: file-system caches, and the code cache written.
cli();
cliNoCache();
floor();
const cliMs = [];
const coldMs = [];
const floorMs = [];
for (let i = 0; i < RUNS; i++) {
  cliMs.push(cli());
  coldMs.push(cliNoCache());
  floorMs.push(floor());
}
const c = median(cliMs);
const n = median(coldMs);
const f = median(floorMs);
console.log(
  `cold start, median of ${RUNS}: trustspec test ${examples} ${c.toFixed(0)} ms from the code cache (${n.toFixed(0)} ms without), baseline (node + yaml parsing the same ${files.length} files) ${f.toFixed(0)} ms, ratio ${(c / f).toFixed(2)}× (${(n / f).toFixed(2)}× without the cache)`,
);
