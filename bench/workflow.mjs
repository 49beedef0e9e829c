#!/usr/bin/env node
// Workflow benchmark: microseconds to read one GitHub Actions workflow job and derive its
// subjects (readWorkflowJob: read the file, parse the YAML with positions, resolve the step and
// the triggers), for the fixtures of test/fixtures/workflows, and the same reading with the YAML
// parse alone as a floor. Median of several timed rounds. Run on the build:
//   npm run build && node bench/workflow.mjs [--rounds N] [--ms N]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseDocument, LineCounter } from 'yaml';
import { readWorkflowJob } from '../dist/lib/sources/github-workflow.js';
import { readTemplate } from '../dist/lib/sources/template.js';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const ROUNDS = option('rounds', 9);
const ROUND_MS = option('ms', 60);
const DIR = fileURLToPath(new URL('../test/fixtures/workflows/', import.meta.url));

const CASES = [
  [
    'environment job',
    'acme-app/.github/workflows/deploy.yml',
    'deploy',
    { secrets: { AWS_ROLE_ARN: 'arn:aws:iam::111122223333:role/x' } },
  ],
  ['pull_request + push to 2 branches', 'acme-app/.github/workflows/ci.yml', 'integration', {}],
  [
    'reusable workflow (caller + callee)',
    'acme-app/.github/workflows/release.yml',
    'deploy',
    { secrets: { AWS_ROLE_ARN: 'arn:aws:iam::111122223333:role/x' } },
  ],
];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn) {
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ROUND_MS) {
      fn();
      n++;
      now = performance.now();
    }
    rounds.push(((now - start) * 1000) / n);
  }
  return median(rounds);
}

console.log(
  'what | readWorkflowJob µs | readTemplate (positioned tree) µs | yaml parseDocument µs',
);
for (const [name, file, job, extra] of CASES) {
  const spec = { file: DIR + file, shown: file, cwd: DIR, job, repository: 'acme/app', ...extra };
  const check = readWorkflowJob(spec);
  if (!check.ok) throw new Error(`${name}: ${JSON.stringify(check.findings)}`);
  const text = readFileSync(DIR + file, 'utf8');
  const full = time(() => readWorkflowJob(spec));
  const tree = time(() => readTemplate(text, file));
  const floor = time(() => parseDocument(text, { lineCounter: new LineCounter() }));
  console.log(
    `${name} (${check.subjects.length} subjects) | ${full.toFixed(1)} | ${tree.toFixed(1)} | ${floor.toFixed(1)}`,
  );
}
