#!/usr/bin/env node
// `trustspec lint` benchmark, in CPU time (process.cpuUsage, so a busy machine slows it less):
//  1. lintPolicy (explain's shape findings + lint's checks) per parsed policy, beside parse +
//     compile of the same policies, on a mix of GitHub, EKS, Cognito and GitLab policies
//     (1-4 statements, some with findings);
//  2. lintPaths end to end on a folder of N generated *.trust.json files (read, parse, compile,
//     check, suppress, sort), per file;
//  3. lintPaths on spec-examples/ (scenario files through the loader, 34 policies).
// Each figure is the median of several rounds. Run on the build:  npm run build && node bench/lint.mjs
// Options: --rounds N (default 7), --files N (default 1000).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const ROUNDS = Number(option('rounds', 7));
const FILES = Number(option('files', 1000));
const dist = new URL('../dist/lib/', import.meta.url);
const { parsePolicy } = await import(new URL('policy/parse.js', dist));
const { compilePolicy } = await import(new URL('sts/compile.js', dist));
const { lintPolicy, lintPaths } = await import(new URL('lint/index.js', dist));

const ACCOUNT = '111122223333';
const GH = 'token.actions.githubusercontent.com';
const EKS = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const COGNITO = 'cognito-identity.amazonaws.com';
const oidc = (host) => ({ Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}` });
const allow = (principal, condition, action = 'sts:AssumeRoleWithWebIdentity') => ({
  Effect: 'Allow',
  Principal: principal,
  Action: action,
  Condition: condition,
});

function policyText(i) {
  const n = i % 4;
  const statements = [];
  for (let k = 0; k <= n; k++) {
    const kind = (i + k) % 4;
    if (kind === 0)
      statements.push(
        allow(oidc(GH), {
          StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${GH}:sub`]: i % 7 === 0 ? 'repo:*' : `repo:org${i}/app${k}:*` },
        }),
      );
    else if (kind === 1)
      statements.push(
        allow(oidc(EKS), {
          StringEquals: {
            [`${EKS}:aud`]: 'sts.amazonaws.com',
            [`${EKS}:sub`]: `system:serviceaccount:ns${k}:sa${i}`,
          },
        }),
      );
    else if (kind === 2)
      statements.push(
        allow(
          { Federated: COGNITO },
          {
            StringEquals: { [`${COGNITO}:aud`]: `us-east-1:${i}` },
            'ForAnyValue:StringLike': { [`${COGNITO}:amr`]: 'authenticated' },
          },
        ),
      );
    else
      statements.push(
        allow(oidc('gitlab.com'), {
          StringEquals: { 'gitlab.com:sub': `project_path:group${i}/p:ref_type:branch:ref:main` },
        }),
      );
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000; // ms
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function rounds(work) {
  const out = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = cpu();
    await work();
    out.push(cpu() - start);
  }
  return median(out);
}

const texts = Array.from({ length: 2000 }, (_, i) => policyText(i));
const policies = texts.map((t) => parsePolicy(t).policy);
const parseMs = await rounds(() => {
  for (const t of texts) compilePolicy(parsePolicy(t).policy);
});
const lintMs = await rounds(() => {
  for (const p of policies) lintPolicy(p);
});
console.log(
  `lintPolicy: ${((lintMs * 1000) / texts.length).toFixed(1)} µs per policy (parse + compile: ${((parseMs * 1000) / texts.length).toFixed(1)} µs)`,
);

const dir = mkdtempSync(join(tmpdir(), 'trustspec-lint-bench-'));
try {
  for (let i = 0; i < FILES; i++)
    writeFileSync(join(dir, `role${i}.trust.json`), texts[i % texts.length]);
  let found = 0;
  const folderMs = await rounds(async () => {
    const r = await lintPaths(['.'], { cwd: dir });
    found = r.findings.length;
  });
  console.log(
    `lintPaths on ${FILES} policy files: ${folderMs.toFixed(0)} ms CPU, ${((folderMs * 1000) / FILES).toFixed(0)} µs per file (${found} findings)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const repo = new URL('..', import.meta.url).pathname;
const examplesMs = await rounds(() => lintPaths(['spec-examples'], { cwd: repo }));
console.log(
  `lintPaths on spec-examples/ (42 scenario files, 34 policies): ${examplesMs.toFixed(0)} ms CPU`,
);
