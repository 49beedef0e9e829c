#!/usr/bin/env node
// Runs the test suite with tap, then prints a one-line coverage summary and one closing line
// `N passed, N failed[, N skipped]` counted from tap's own per-file results (.tap/test-results),
// keeping tap's exit code. Arguments go to tap: `npm test -- --coverage-report=text` prints the
// full coverage table as well (`npx tap report text` prints it again after a run).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { closingLines, countTap, sumCounts } from './tap-count.mjs';

const resultsDir = join('.tap', 'test-results');
const summaryFile = join('.tap', 'report', 'coverage-summary.json');
rmSync(resultsDir, { recursive: true, force: true });
rmSync(summaryFile, { force: true });

const args = process.argv.slice(2);
// Coverage as one line (below), read from the json-summary report; a --coverage-report given
// here (text: the table) is added to it.
const coverageArgs = args.includes('--disable-coverage') ? [] : ['--coverage-report=json-summary'];
const tapPackage = createRequire(import.meta.url).resolve('tap/package.json');
const tapBin = join(dirname(tapPackage), JSON.parse(readFileSync(tapPackage, 'utf8')).bin.tap);
const run = spawnSync(process.execPath, [tapBin, ...coverageArgs, ...args], {
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

const files = [...tapFiles(resultsDir)].map((f) => countTap(readFileSync(f, 'utf8')));

if (existsSync(summaryFile)) {
  const total = JSON.parse(readFileSync(summaryFile, 'utf8')).total;
  const pct = (k) => `${k} ${total[k].pct}%`;
  console.log(
    `coverage: ${['lines', 'branches', 'functions', 'statements'].map(pct).join(', ')}` +
      ' (the table: npm test -- --coverage-report=text)',
  );
}
const status = run.status ?? 1;
for (const line of closingLines(sumCounts(files), { files: files.length, status })) {
  console.log(line);
}
process.exit(status);
