#!/usr/bin/env node
// Cold start of `trustspec test spec-examples` against its floor: a node process that only imports
// `yaml` and parses the same *.trustspec.yaml files. Each run is a new process; the two are
// spawned in turn (so a busy machine slows both alike) and the medians are compared.
// Run: npm run bench:cold-start   (builds first; `-- --runs 31` for more runs, default 15)
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
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

function timed(args, what) {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (r.status !== 0)
    throw new Error(`${what} exited with ${r.status}: ${(r.stderr || r.stdout).slice(0, 2000)}`);
  return ms;
}

const cli = () => timed([bin, 'test', examples], `trustspec test ${examples}`);
const floor = () => timed(['--input-type=module', '-e', floorScript, ...files], 'the floor');

function median(list) {
  const s = [...list].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// One of each first, unmeasured: file-system caches.
cli();
floor();
const cliMs = [];
const floorMs = [];
for (let i = 0; i < RUNS; i++) {
  cliMs.push(cli());
  floorMs.push(floor());
}
const c = median(cliMs);
const f = median(floorMs);
console.log(
  `cold start, median of ${RUNS}: trustspec test ${examples} ${c.toFixed(0)} ms, baseline (node + yaml parsing the same ${files.length} files) ${f.toFixed(0)} ms, ratio ${(c / f).toFixed(2)}×`,
);
