#!/usr/bin/env node
// What coverage and init cost, in CPU time of a fresh process (user + system; the machine is
// shared, so CPU time moves less than wall time, given beside it):
//  - `trustspec test` against `trustspec test --coverage` on a generated corpus of 200 roles ×
//    100 scenarios (bench/.corpus/coverage, not committed), interleaved, medians of 5;
//  - `trustspec init -o -` on every spec-example policy (one fresh process each): median and max.
// Run: npm run build && node bench/coverage.mjs
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROLES = 200;
const SCENARIOS = 100;
const RUNS = 5;
const root = new URL('..', import.meta.url).pathname;
const corpus = join(root, 'bench', '.corpus', 'coverage');
const bin = join(root, 'dist', 'bin', 'trustspec.js');
const GH = 'token.actions.githubusercontent.com';
const NOW = '2026-06-01T00:00:00Z';

function generate() {
  rmSync(corpus, { recursive: true, force: true });
  for (let r = 0; r < ROLES; r++) {
    const dir = join(corpus, `role-${String(r).padStart(3, '0')}`);
    mkdirSync(dir, { recursive: true });
    const principal = { Federated: `arn:aws:iam::111122223333:oidc-provider/${GH}` };
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Deploy',
          Effect: 'Allow',
          Principal: principal,
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
            StringLike: {
              [`${GH}:sub`]: [
                `repo:acme/svc-${r}:ref:refs/heads/main`,
                `repo:acme/svc-${r}:environment:prod`,
              ],
            },
          },
        },
        {
          Sid: 'NoPullRequests',
          Effect: 'Deny',
          Principal: principal,
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringLike: { [`${GH}:sub`]: '*:pull_request' } },
        },
      ],
    };
    writeFileSync(join(dir, 'role.trust.json'), JSON.stringify(policy, null, 2) + '\n');
    const lines = [
      'version: 1',
      'role:',
      `  arn: arn:aws:iam::111122223333:role/ci/svc-${r}`,
      '  trustPolicy: ./role.trust.json',
      'providers:',
      `  - url: https://${GH}`,
      '    clientIds: [sts.amazonaws.com]',
      `now: ${NOW}`,
      'scenarios:',
    ];
    for (let s = 0; s < SCENARIOS; s++) {
      const kind = s % 4;
      const ref =
        kind === 0
          ? '{ ref: refs/heads/main }'
          : kind === 1
            ? '{ environment: prod }'
            : kind === 2
              ? '{ event: pull_request }'
              : `{ ref: refs/heads/feature-${s} }`;
      lines.push(
        `  - name: scenario ${s}`,
        `    github: { repository: acme/svc-${r}, ${ref.slice(2, -2)} }`,
        `    expect: ${kind < 2 ? 'allow' : 'deny'}`,
      );
    }
    writeFileSync(join(dir, 'role.trustspec.yaml'), lines.join('\n') + '\n');
  }
}

// Loaded into each measured process: its CPU time, written when it exits.
const hook = join(tmpdir(), `trustspec-cpu-${process.pid}.mjs`);
writeFileSync(
  hook,
  `import { writeFileSync } from 'node:fs';
process.on('exit', () => {
  const u = process.cpuUsage();
  writeFileSync(process.env.TRUSTSPEC_CPU_OUT, String((u.user + u.system) / 1000));
});
`,
);

function run(args) {
  const out = join(tmpdir(), `trustspec-cpu-${process.pid}.txt`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', hook, bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, TRUSTSPEC_CPU_OUT: out, NO_COLOR: '1' },
  });
  const wall = performance.now() - t0;
  const cpu = Number(readFileSync(out, 'utf8'));
  rmSync(out);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, cpu, wall };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(0)} ms`;

generate();
const plain = { cpu: [], wall: [] };
const covered = { cpu: [], wall: [] };
let table = '';
for (let i = 0; i < RUNS; i++) {
  const a = run(['test', corpus]);
  if (a.status !== 0) throw new Error(`trustspec test failed (${a.status}): ${a.stderr}`);
  plain.cpu.push(a.cpu);
  plain.wall.push(a.wall);
  const b = run(['test', corpus, '--coverage']);
  if (b.status !== 0)
    throw new Error(`trustspec test --coverage failed (${b.status}): ${b.stderr}`);
  covered.cpu.push(b.cpu);
  covered.wall.push(b.wall);
  table = b.stdout.split('\n').find((l) => l.startsWith('coverage ')) ?? '';
}
console.log(`corpus: ${ROLES} roles × ${SCENARIOS} scenarios; ${table.trim()}`);
console.log(
  `trustspec test: ${ms(median(plain.cpu))} CPU (${ms(median(plain.wall))} wall); with --coverage: ${ms(median(covered.cpu))} CPU (${ms(median(covered.wall))} wall), ${(median(covered.cpu) / median(plain.cpu)).toFixed(2)}× the CPU time; medians of ${RUNS}`,
);

const policies = [];
for (const d of readdirSync(join(root, 'spec-examples'), { withFileTypes: true })) {
  if (!d.isDirectory()) continue;
  for (const f of readdirSync(join(root, 'spec-examples', d.name)))
    if (f.endsWith('.trust.json')) policies.push(join('spec-examples', d.name, f));
}
const init = [];
for (const p of policies.sort()) {
  const r = run(['init', p, '-o', '-', '--now', NOW]);
  if (r.status !== 0) throw new Error(`trustspec init ${p} failed: ${r.stderr}`);
  init.push({ p, cpu: r.cpu, wall: r.wall });
}
const worst = init.reduce((a, b) => (b.cpu > a.cpu ? b : a));
const version = run(['--version']);
console.log(
  `trustspec init -o - on each of the ${init.length} spec-example policies (a fresh process each, loading included): median ${ms(median(init.map((x) => x.cpu)))} CPU (${ms(median(init.map((x) => x.wall)))} wall), max ${ms(worst.cpu)} (${worst.p}); \`trustspec --version\` alone: ${ms(version.cpu)} CPU`,
);
rmSync(hook);
