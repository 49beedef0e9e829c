#!/usr/bin/env node
// End-to-end benchmark of `trustspec test`:
//  - a generated corpus of 200 roles × 100 scenarios (bench/.corpus, not committed);
//  - wall time of `trustspec test` on it against the floor: a process that only reads and parses
//    the same files with `yaml` (and the policies with JSON.parse);
//  - peak memory (max RSS) of `trustspec test` on the corpus;
//  - cold start of `trustspec test spec-examples`, and whether any AWS SDK module was loaded.
// Run: npm run build && node bench/e2e.mjs
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { tmpdir } from 'node:os';

const ROLES = 200;
const SCENARIOS = 100;
const RUNS = 5;
const root = new URL('..', import.meta.url).pathname;
const corpus = join(root, 'bench', '.corpus');
const GH = 'token.actions.githubusercontent.com';

function generate() {
  rmSync(corpus, { recursive: true, force: true });
  for (let r = 0; r < ROLES; r++) {
    const dir = join(corpus, `role-${String(r).padStart(3, '0')}`);
    mkdirSync(dir, { recursive: true });
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Deploy',
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${GH}` },
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
          Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${GH}` },
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
      'now: 2026-06-01T00:00:00Z',
      'defaults:',
      '  token:',
      `    iss: https://${GH}`,
      '    aud: sts.amazonaws.com',
      '  request:',
      '    roleSessionName: GitHubActions',
      'scenarios:',
    ];
    for (let s = 0; s < SCENARIOS; s++) {
      const kind = s % 4;
      const sub =
        kind === 0
          ? `repo:acme/svc-${r}:ref:refs/heads/main`
          : kind === 1
            ? `repo:acme/svc-${r}:environment:prod`
            : kind === 2
              ? `repo:acme/svc-${r}:pull_request`
              : `repo:acme/svc-${r}:ref:refs/heads/feature-${s}`;
      lines.push(
        `  - name: scenario ${s}`,
        `    token: { sub: "${sub}" }`,
        `    expect: ${kind < 2 ? 'allow' : 'deny'}`,
      );
    }
    writeFileSync(join(dir, 'role.trustspec.yaml'), lines.join('\n') + '\n');
  }
}

const floorScript = `
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
let n = 0;
for (const d of readdirSync(process.argv[2]).filter((n) => n.startsWith('role-')).sort()) {
  const dir = join(process.argv[2], d);
  n += parse(readFileSync(join(dir, 'role.trustspec.yaml'), 'utf8')).scenarios.length;
  JSON.parse(readFileSync(join(dir, 'role.trust.json'), 'utf8'));
}
if (n !== ${ROLES * SCENARIOS}) process.exit(3);
`;

function timed(args, opts = {}) {
  const out = join(tmpdir(), `trustspec-probe-${process.pid}.json`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, TRUSTSPEC_PROBE_OUT: out, NO_COLOR: '1' },
    ...opts,
  });
  const ms = performance.now() - t0;
  let probe;
  try {
    probe = JSON.parse(readFileSync(out, 'utf8'));
    rmSync(out);
  } catch {
    probe = undefined;
  }
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr, probe };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

generate();
const floorFile = join(root, 'bench', '.corpus', 'floor.mjs');
writeFileSync(floorFile, floorScript);
const bin = join(root, 'dist', 'bin', 'trustspec.js');
const probe = join(root, 'bench', 'probe.mjs');

const floor = [];
const human = [];
const json = [];
let rss = 0;
let rssJson = 0;
let report;
for (let i = 0; i < RUNS; i++) {
  const f = timed([floorFile, corpus]);
  if (f.status !== 0) throw new Error(`floor run failed: ${f.stderr}`);
  floor.push(f.ms);
  // The probe measures peak memory; its hooks run off the main thread and cost little here.
  const h = timed(['--import', probe, bin, 'test', corpus]);
  if (h.status !== 0)
    throw new Error(`trustspec test failed (${h.status}): ${h.stderr.slice(0, 2000)}`);
  human.push(h.ms);
  rss = Math.max(rss, h.probe?.maxRssKiB ?? 0);
  const r = timed(['--import', probe, bin, 'test', corpus, '--reporter', 'json']);
  if (r.status !== 0) throw new Error(`trustspec test --reporter json failed (${r.status})`);
  json.push(r.ms);
  rssJson = Math.max(rssJson, r.probe?.maxRssKiB ?? 0);
  report = JSON.parse(r.stdout);
}
const cold = [];
for (let i = 0; i < RUNS; i++) {
  const r = timed([bin, 'test', 'spec-examples']);
  if (r.status !== 0)
    throw new Error(
      `trustspec test spec-examples failed (${r.status}): ${r.stderr.slice(0, 2000)}`,
    );
  cold.push(r.ms);
}
const sdkRun = timed(['--import', probe, bin, 'test', 'spec-examples']);
const sdk = sdkRun.probe?.awsSdkModules ?? ['(probe did not report)'];

const s = report.summary;
const f0 = median(floor);
console.log(
  `corpus: ${ROLES} roles × ${SCENARIOS} scenarios = ${s.scenarios} scenarios in ${s.files} files (${s.passed} passed, ${s.failed} failed)`,
);
console.log(
  `floor (read + parse the same files with yaml), median of ${RUNS}: ${f0.toFixed(0)} ms`,
);
console.log(
  `trustspec test (default reporter), median of ${RUNS}: ${median(human).toFixed(0)} ms  (${(median(human) / f0).toFixed(2)}× the floor); peak memory ${(rss / 1024).toFixed(0)} MiB`,
);
console.log(
  `trustspec test --reporter json, median of ${RUNS}: ${median(json).toFixed(0)} ms  (${(median(json) / f0).toFixed(2)}× the floor); peak memory ${(rssJson / 1024).toFixed(0)} MiB`,
);
console.log(
  `cold start of trustspec test spec-examples (${cold.length} runs), median: ${median(cold).toFixed(0)} ms; AWS SDK modules loaded: ${sdk.length}`,
);
