#!/usr/bin/env node
// Symbolic analysis benchmark (issue #10): `diff` of two trust policies at IAM's 4,096-character
// limit packed with as many statements and wildcard patterns as fit, two 20-statement policies
// with 10 patterns each through the library (beyond the quota), and `who` on every
// spec-example. Every figure is the FIRST call in a fresh process (cold JIT; module loading is
// timed apart), as CPU time of the process (user + system) — the machine is shared, and CPU time
// does not count waiting for a core — with wall time beside it. Medians over --runs processes.
// Where Linux gives it, the main thread's CPU time is shown too: the process's CPU time also
// counts V8's optimising compiler, which works on other threads while the call runs.
// Run: npm run build && node bench/symbolic.mjs [--runs N] [--verbose]   (default 5)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
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
const dist = (p) => join(root, 'dist', 'lib', p);
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;

async function child(kind, arg) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { parsePolicy } = await import(dist('policy/parse.js'));
  const { compilePolicy } = await import(dist('sts/compile.js'));
  const symbolic = await import(dist('symbolic/index.js'));
  const scenarios = await import(dist('scenarios/index.js'));
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
  for (let i = 0; i < Number(process.env['BENCH_WARM'] ?? 10); i++) {
    const c = process.cpuUsage();
    call();
    warm.push(cpuMs(c));
  }
  const summary =
    kind === 'who'
      ? { exact: result.exact }
      : {
          allowed: result.result.newlyAllowed.length,
          denied: result.result.newlyDenied.length,
          unknown: result.result.unknown.length,
        };
  process.stdout.write(JSON.stringify({ load, first, warm: median(warm), facts, summary }));
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

function measure(kind, arg = '') {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', kind, arg], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`${kind} ${arg}: ${r.stderr.slice(0, 2000)}`);
    runs.push(JSON.parse(r.stdout));
  }
  const pick = (f) => median(runs.map(f));
  return {
    first: pick((r) => r.first.cpu),
    firstWall: pick((r) => r.first.wall),
    firstMain: runs.every((r) => r.first.main !== undefined)
      ? pick((r) => r.first.main)
      : undefined,
    warm: pick((r) => r.warm),
    load: pick((r) => r.load.cpu),
    facts: runs[0].facts,
    summary: runs[0].summary,
  };
}

const ms = (x) => `${x.toFixed(1)} ms`;
const main = (m) => (m.firstMain === undefined ? '' : `, main thread ${ms(m.firstMain)}`);

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4]);
} else {
  console.log(
    `symbolic bench: first call in a fresh process, CPU time (wall), median of ${RUNS} processes`,
  );
  for (const [kind, title] of [
    ['diff-statements', 'diff, 4,096-character policies, statements of 2 patterns'],
    ['diff-values', 'diff, 4,096-character policies, one statement of many patterns'],
    ['diff-library', 'diff, 20 statements × 10 patterns (library, beyond the quota)'],
  ]) {
    const m = measure(kind);
    console.log(
      `${title}: ${ms(m.first)} (${ms(m.firstWall)} wall${main(m)}), warm ${ms(m.warm)}; modules ${ms(m.load)}; ` +
        `${JSON.stringify(m.facts)} → ${JSON.stringify(m.summary)}`,
    );
  }
  const examples = join(root, 'spec-examples');
  const files = readdirSync(examples, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.trustspec.yaml'))
    .sort();
  const rows = files.map((f) => ({ f, m: measure('who', join(examples, f)) }));
  const worst = rows.reduce((a, b) => (b.m.first > a.m.first ? b : a));
  const total = rows.map((r) => r.m.first).sort((a, b) => a - b);
  const mains = rows.every((r) => r.m.firstMain !== undefined)
    ? rows.map((r) => r.m.firstMain)
    : undefined;
  console.log(
    `who, ${rows.length} spec-examples: median ${ms(median(total))}, max ${ms(worst.m.first)} (${worst.f}), ` +
      `${rows.filter((r) => r.m.first < 20).length}/${rows.length} under 20 ms; warm max ${ms(Math.max(...rows.map((r) => r.m.warm)))}` +
      (mains
        ? `; main thread median ${ms(median(mains))}, max ${ms(Math.max(...mains))}, ${mains.filter((x) => x < 20).length}/${rows.length} under 20 ms`
        : ''),
  );
  if (process.argv.includes('--verbose'))
    for (const r of rows)
      console.log(
        `  ${r.f}: ${ms(r.m.first)} (${ms(r.m.firstWall)} wall${main(r.m)}), warm ${ms(r.m.warm)}`,
      );
}
