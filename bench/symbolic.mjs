#!/usr/bin/env node
// Symbolic analysis benchmark (issue #10): `diff` of two trust policies at IAM's 4,096-character
// limit packed with as many statements and wildcard patterns as fit, two 20-statement policies
// with 10 patterns each through the library (beyond the quota), and `who` on every
// spec-example. Every figure is the FIRST call in a fresh process (cold JIT; module loading is
// timed apart), as CPU time of the process (user + system) — the machine is shared, and CPU time
// does not count waiting for a core — with wall time beside it. Medians over --runs processes.
// Where Linux gives it, the main thread's CPU time is shown too: the process's CPU time also
// counts V8's optimising compiler, which works on other threads while the call runs.
// The library is imported as a user imports it, through the package's entry (dist/lib/main.js:
// the bundle, lib/compile-cache.ts), each figure twice: without a code cache, and from the cache
// an earlier process of the same work wrote (every process of a user's script after its first).
// Run: npm run build && node bench/symbolic.mjs [--runs N] [--verbose]   (default 5)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import {
  edited,
  GH,
  NOW,
  packedStatements,
  packedValues,
  patterns,
  PROVIDERS,
  ROLE,
  size,
  statement,
} from './symbolic-cases.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;

async function child(kind, arg) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const trustspec = await import(join(root, 'dist', 'lib', 'main.js'));
  const { parsePolicy, compilePolicy } = trustspec;
  const symbolic = trustspec;
  const scenarios = trustspec;
  const load = { cpu: cpuMs(cpu0), wall: performance.now() - t0 };
  const compile = (doc) => {
    const r = parsePolicy(JSON.stringify(doc, null, 2));
    if (!r.ok) throw new Error(JSON.stringify(r.findings.slice(0, 2)));
    return compilePolicy(r.policy);
  };
  /** Beyond the quota the parser refuses the whole: statements parsed one by one, then joined. */
  const compileJoined = (doc) => {
    const statements = doc.Statement.flatMap((s, index) => {
      const r = parsePolicy(JSON.stringify({ Version: doc.Version, Statement: [s] }));
      if (!r.ok) throw new Error(JSON.stringify(r.findings.slice(0, 2)));
      return r.policy.statements.map((x) => ({ ...x, index }));
    });
    const one = parsePolicy(
      JSON.stringify({ Version: doc.Version, Statement: [doc.Statement[0]] }),
    );
    return compilePolicy({ ...one.policy, statements });
  };
  let call;
  let facts = {};
  if (kind === 'who') {
    // The async loader: some examples read their role from a template or a cloud assembly.
    const loaded = await scenarios.loadScenarioFileAsync(arg, { defaultNow: NOW });
    const s = loaded.scenarios[0];
    if (!s) throw new Error(`no scenario loaded: ${JSON.stringify(loaded.errors[0]?.message)}`);
    const role = { role: s.role, ...(s.providers ? { providers: s.providers } : {}) };
    const seeds = { claims: loaded.scenarios.map((x) => x.claims), sessionNames: [], contexts: [] };
    call = () => symbolic.whoCanAssume(role, { now: s.now, seeds });
  } else {
    const old =
      kind === 'diff-statements'
        ? packedStatements(2)
        : kind === 'diff-values'
          ? packedValues()
          : null;
    const docOld = old ?? {
      Version: '2012-10-17',
      Statement: Array.from({ length: 20 }, (_, i) => statement(i, patterns(i, 10))),
    };
    const docNew = edited(docOld);
    const make = old ? compile : compileJoined;
    const before = { role: { arn: ROLE, policy: make(docOld) }, providers: PROVIDERS };
    const after = { role: { arn: ROLE, policy: make(docNew) }, providers: PROVIDERS };
    facts = {
      statements: [docOld.Statement.length, docNew.Statement.length],
      patterns: [docOld, docNew].map((d) =>
        d.Statement.reduce((n, s) => n + s.Condition.StringLike[`${GH}:sub`].length, 0),
      ),
      size: [size(docOld), size(docNew)],
    };
    call = () => symbolic.difference(before, after, { now: NOW });
  }
  const m0 = mainThreadNs();
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const result = call();
  const first = { cpu: cpuMs(c0), wall: performance.now() - w0 };
  const m1 = mainThreadNs();
  if (m0 !== undefined && m1 !== undefined) first.main = (m1 - m0) / 1e6;
  const warm = [];
  const warmMain = [];
  for (let i = 0; i < Number(process.env['BENCH_WARM'] ?? 10); i++) {
    const c = process.cpuUsage();
    const m = mainThreadNs();
    call();
    warm.push(cpuMs(c));
    if (m !== undefined) warmMain.push((mainThreadNs() - m) / 1e6);
  }
  const summary =
    kind === 'who'
      ? { exact: result.exact }
      : {
          allowed: result.result.newlyAllowed.length,
          denied: result.result.newlyDenied.length,
          unknown: result.result.unknown.length,
        };
  process.stdout.write(
    JSON.stringify({
      load,
      first,
      warm: median(warm),
      ...(warmMain.length > 0 ? { warmMain: median(warmMain) } : {}),
      facts,
      summary,
    }),
  );
}

/** The CPU time of the calling thread in ns (Linux), or undefined. */
function mainThreadNs() {
  const file = '/proc/thread-self/schedstat';
  if (!existsSync(file)) return undefined;
  return Number(readFileSync(file, 'utf8').split(' ')[0]);
}

function cpuMs(from) {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** RUNS processes of one work; `cached`: from the code cache a first process of it wrote. */
function measure(kind, arg = '', cached = false) {
  const folder = cached ? mkdtempSync(join(tmpdir(), 'trustspec-bench-')) : undefined;
  const once = () => {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', kind, arg], {
      encoding: 'utf8',
      env: { ...process.env, TRUSTSPEC_COMPILE_CACHE: folder ?? 'off' },
    });
    if (r.status !== 0) throw new Error(`${kind} ${arg}: ${r.stderr.slice(0, 2000)}`);
    return JSON.parse(r.stdout);
  };
  const runs = [];
  try {
    if (folder) once();
    for (let i = 0; i < RUNS; i++) runs.push(once());
  } finally {
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
  const pick = (f) => median(runs.map(f));
  return {
    first: pick((r) => r.first.cpu),
    firstWall: pick((r) => r.first.wall),
    firstMain: runs.every((r) => r.first.main !== undefined)
      ? pick((r) => r.first.main)
      : undefined,
    warm: pick((r) => r.warm),
    warmMain: runs.every((r) => r.warmMain !== undefined) ? pick((r) => r.warmMain) : undefined,
    load: pick((r) => r.load.cpu),
    facts: runs[0].facts,
    summary: runs[0].summary,
  };
}

const ms = (x) => `${x.toFixed(1)} ms`;
const main = (m) => (m.firstMain === undefined ? '' : `, main thread ${ms(m.firstMain)}`);
const warm = (m) =>
  `warm ${ms(m.warm)}${m.warmMain === undefined ? '' : ` (main thread ${ms(m.warmMain)})`}`;

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4]);
} else {
  console.log(
    `symbolic bench: first call in a fresh process, CPU time (wall), median of ${RUNS} processes`,
  );
  const examples = join(root, 'spec-examples');
  const files = readdirSync(examples, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.trustspec.yaml'))
    .sort();
  for (const cached of [false, true]) {
    console.log(cached ? 'from the code cache:' : 'without a code cache:');
    for (const [kind, title] of [
      ['diff-statements', 'diff, 4,096-character policies, statements of 2 patterns'],
      ['diff-values', 'diff, 4,096-character policies, one statement of many patterns'],
      ['diff-library', 'diff, 20 statements × 10 patterns (library, beyond the quota)'],
    ]) {
      const m = measure(kind, '', cached);
      console.log(
        `  ${title}: ${ms(m.first)} (${ms(m.firstWall)} wall${main(m)}), ${warm(m)}; loading ${ms(m.load)}; ` +
          `${JSON.stringify(m.facts)} → ${JSON.stringify(m.summary)}`,
      );
    }
    const rows = files.map((f) => ({ f, m: measure('who', join(examples, f), cached) }));
    const worst = rows.reduce((a, b) => (b.m.first > a.m.first ? b : a));
    const total = rows.map((r) => r.m.first).sort((a, b) => a - b);
    const mains = rows.every((r) => r.m.firstMain !== undefined)
      ? rows.map((r) => r.m.firstMain)
      : undefined;
    console.log(
      `  who, ${rows.length} spec-examples: median ${ms(median(total))}, max ${ms(worst.m.first)} (${worst.f}), ` +
        `${rows.filter((r) => r.m.first < 20).length}/${rows.length} under 20 ms; warm max ${ms(Math.max(...rows.map((r) => r.m.warm)))}` +
        (mains
          ? `; main thread median ${ms(median(mains))}, max ${ms(Math.max(...mains))}, ${mains.filter((x) => x < 20).length}/${rows.length} under 20 ms`
          : ''),
    );
    if (process.argv.includes('--verbose'))
      for (const r of rows)
        console.log(
          `    ${r.f}: ${ms(r.m.first)} (${ms(r.m.firstWall)} wall${main(r.m)}), ${warm(r.m)}`,
        );
  }
}
