#!/usr/bin/env node
// Runs the test suite with tap, then prints one closing line `N passed, N failed[, N skipped]`
// counted from tap's own per-file results (.tap/test-results), keeping tap's exit code.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from 'tap-parser';

const resultsDir = join('.tap', 'test-results');
rmSync(resultsDir, { recursive: true, force: true });

const run = spawnSync('npx', ['--no-install', 'tap', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, TZ: 'UTC' },
});

function* tapFiles(dir) {
  let names = [];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* tapFiles(path);
    else if (name.endsWith('.tap')) yield path;
  }
}

let passed = 0;
let failed = 0;
let skipped = 0;
let files = 0;
/**
 * Count leaf assertions at every depth. The first point after a subtest's body closes that
 * subtest and is not an assertion of its own (tap-parser's closingTestPoint misses names with "#").
 */
function attach(parser) {
  let closing = false;
  parser.on('child', (child) => {
    attach(child);
    closing = true;
  });
  parser.on('assert', (a) => {
    if (closing) {
      closing = false;
      return;
    }
    if (a.skip || a.todo) skipped++;
    else if (a.ok) passed++;
    else failed++;
  });
}
for (const file of tapFiles(resultsDir)) {
  files++;
  const parser = new Parser();
  attach(parser);
  parser.end(readFileSync(file, 'utf8'));
}
const status = run.status ?? 1;
// A run that produced no results, or failed without a failing assertion, still counts as a failure.
if (files === 0 || (status !== 0 && failed === 0)) failed++;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(status);
