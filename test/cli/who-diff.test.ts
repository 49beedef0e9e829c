/**
 * `trustspec who` and `trustspec diff`, in process through `main(argv, io)`: outputs, the JSON
 * shapes, the exit codes, and the errors for unusable input (one message, exit 2, no stack).
 */
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { runMain } from './helpers.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const GH = 'token.actions.githubusercontent.com';
const GH_ARN = `arn:aws:iam::111122223333:oidc-provider/${GH}`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command line in this process, with its output captured. */
async function run(args: string[], cwd = REPO): Promise<Run> {
  const r = await runMain(args, { cwd, env: {} });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function policy(sub: string | string[], extra: unknown[] = []): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Deploy',
          Effect: 'Allow',
          Principal: { Federated: GH_ARN },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
            StringLike: { [`${GH}:sub`]: sub },
          },
        },
        ...extra,
      ],
    },
    null,
    2,
  );
}

const STACK = /^\s+at /m;

t.test('who and diff are listed in the help, each with its exit codes', async (t) => {
  const help = await run(['--help']);
  t.match(help.stdout, /^\s+who \[options\] <file>/m);
  t.match(help.stdout, /^\s+diff \[options\] \[files\.\.\.\]/m);
  const who = await run(['who', '--help']);
  t.equal(who.code, 0);
  for (const o of ['--json', '--role-arn <arn>', '--provider <url[=clientId,...]>', '--now <iso>'])
    t.ok(who.stdout.includes(o), `who mentions ${o}`);
  t.match(who.stdout, /Exit codes: 0 .*, 2 /);
  const diff = await run(['diff', '--help']);
  t.equal(diff.code, 0);
  t.match(diff.stdout, /"human",\s+"json",\s+"github",\s+"markdown"/);
  t.match(diff.stdout, /--fail-on <what>/);
  t.match(diff.stdout, /Exit codes: 0 no newly allowed token, 1 some/);
});

t.test("who on a scenario file: the policy's words, an example, a warning", async (t) => {
  const r = await run(['who', 'spec-examples/github-actions/org-read-only.trustspec.yaml']);
  t.equal(r.code, 0);
  t.equal(r.stderr, '');
  t.match(r.stdout, /via "EveryAcmeRepository" \(#1\): sub matches "repo:acme\/\*"/);
  t.match(
    r.stdout,
    /except sub matches "repo:acme\/legacy-billing:\*" {2}\(Deny "NotTheArchivedBillingRepo", #2\)/,
  );
  t.match(r.stdout, /⚠ any-repository: any repository of acme/);
});

t.test('who --json: one document, per provider, with examples usable as scenarios', async (t) => {
  const r = await run(['who', 'spec-examples/eks-irsa/payments.trustspec.yaml', '--json']);
  t.equal(r.code, 0);
  const doc = JSON.parse(r.stdout) as {
    version: number;
    exact: boolean;
    providers: Array<{
      issuer: string;
      status: string;
      allowed: Array<{ example: { token: Record<string, unknown> } }>;
    }>;
  };
  t.equal(doc.version, 1);
  t.equal(doc.exact, true);
  t.same(
    doc.providers.map((p) => p.status),
    ['allowed', 'nobody'],
  );
  t.equal(
    doc.providers[0]?.allowed[0]?.example.token['sub'],
    'system:serviceaccount:payments:payments-api',
  );
});

t.test('who on a policy file: providers assumed, or given with --provider', async (t) => {
  const dir = t.testdir({ 'role.trust.json': policy('repo:acme/*') });
  const assumed = await run(['who', 'role.trust.json'], dir);
  t.equal(assumed.code, 0);
  t.match(assumed.stdout, /^role\.trust\.json → arn:aws:iam::111122223333:role\/simulated-role/);
  t.match(assumed.stdout, /assumed registered: no providers given/);
  t.match(
    assumed.stdout,
    /assumption: token\.actions\.githubusercontent\.com is taken as registered/,
  );
  const given = await run(
    [
      'who',
      'role.trust.json',
      '--provider',
      `https://${GH}=sts.amazonaws.com`,
      '--role-arn',
      'arn:aws:iam::111122223333:role/x',
    ],
    dir,
  );
  t.equal(given.code, 0);
  t.match(given.stdout, /\(registered; aud ∈ \{sts\.amazonaws\.com\}\)/);
});

t.test(
  'who: unusable input is exit 2 with one message; an unknown answer is exit 2 too',
  async (t) => {
    const dir = t.testdir({
      'bad.trust.json': '{ "Version": "2012-10-17", "Statement": [ }',
      'relational.trust.json': policy(`repo:\${${GH}:actor}/*`),
    });
    const missing = await run(['who', 'nope.json'], dir);
    t.equal(missing.code, 2);
    t.match(missing.stderr, /trustspec: no file "nope\.json"/);
    const bad = await run(['who', 'bad.trust.json'], dir);
    t.equal(bad.code, 2);
    t.match(bad.stderr, /^bad\.trust\.json:1:\d+: /m);
    t.notMatch(bad.stderr, STACK);
    const folder = await run(['who', '.'], dir);
    t.equal(folder.code, 2);
    t.match(folder.stderr, /is a folder/);
    const unknown = await run(['who', 'relational.trust.json'], dir);
    t.equal(unknown.code, 2);
    t.match(unknown.stdout, /unknown — .*relational policy variables/);
    const flags = await run([
      'who',
      'spec-examples/eks-irsa/payments.trustspec.yaml',
      '--role-arn',
      'arn:aws:iam::1:role/x',
    ]);
    t.equal(flags.code, 2);
    t.match(flags.stderr, /apply to policy files/);
  },
);

t.test('diff: a widened pattern is access gained, exit 1, with a token', async (t) => {
  const dir = t.testdir({
    'old.json': policy('repo:acme/app:*'),
    'new.json': policy('repo:acme/*'),
  });
  const r = await run(
    ['diff', 'old.json', 'new.json', '--provider', `https://${GH}=sts.amazonaws.com`],
    dir,
  );
  t.equal(r.code, 1);
  t.match(r.stdout, /^old\.json → new\.json {3}ACCESS GAINED/);
  t.match(r.stdout, /sub matches "repo:acme\/\*" but not "repo:acme\/app:\*"/);
  t.match(
    r.stdout,
    /e\.g\. token \{ sub: repo:acme\/app2:ref:refs\/heads\/main, aud: sts\.amazonaws\.com \}/,
  );
  const back = await run(['diff', 'new.json', 'old.json'], dir);
  t.equal(back.code, 0, 'only newly denied: exit 0');
  t.match(back.stdout, /ACCESS REMOVED/);
  const strict = await run(['diff', 'new.json', 'old.json', '--fail-on', 'any'], dir);
  t.equal(strict.code, 1, '--fail-on any: any change fails');
  const same = await run(['diff', 'old.json', 'old.json', '--fail-on', 'any'], dir);
  t.equal(same.code, 0);
  t.match(same.stdout, /NO CHANGE[\s\S]*no token changes: proven/);
});

t.test('diff --json: exactly the keys of the issue, tokens usable as scenarios', async (t) => {
  const dir = t.testdir({
    'old.json': policy('repo:acme/app:*'),
    'new.json': policy('repo:acme/*'),
  });
  for (const args of [['--json'], ['--reporter', 'json']]) {
    const r = await run(['diff', 'old.json', 'new.json', ...args], dir);
    t.equal(r.code, 1);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    t.same(Object.keys(doc), [
      'version',
      'old',
      'new',
      'newlyAllowed',
      'newlyDenied',
      'unknown',
      'unchanged',
    ]);
    t.equal(doc['old'], 'old.json');
    t.equal(doc['unchanged'], false);
    const [entry] = doc['newlyAllowed'] as Array<Record<string, unknown>>;
    t.same(Object.keys(entry ?? {}), ['provider', 'description', 'token', 'request', 'context']);
    t.same(entry?.['token'], {
      iss: `https://${GH}`,
      sub: 'repo:acme/app2:ref:refs/heads/main',
      aud: 'sts.amazonaws.com',
    });
  }
  const both = await run(['diff', 'old.json', 'new.json', '--json', '--reporter', 'markdown'], dir);
  t.equal(both.code, 2);
  t.match(both.stderr, /two formats/);
});

t.test('diff --reporter markdown and github', async (t) => {
  const dir = t.testdir({
    'old.json': policy('repo:acme/app:*', [
      {
        Sid: 'NoPRs',
        Effect: 'Deny',
        Principal: { Federated: GH_ARN },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringLike: { [`${GH}:sub`]: '*:pull_request' } },
      },
    ]),
    'new.json': policy('repo:acme/app:*'),
  });
  const md = await run(['diff', 'old.json', 'new.json', '--reporter', 'markdown'], dir);
  t.equal(md.code, 1);
  t.match(md.stdout, /^### 🔴 trustspec diff: `old\.json` → `new\.json` — access gained/);
  t.match(
    md.stdout,
    /\| `token\.actions\.githubusercontent\.com` \| sub matches "repo:acme\/app:\*" and sub matches "\*:pull_request"|\| `token\.actions\.githubusercontent\.com` \| .*pull_request/,
  );
  t.match(
    md.stdout,
    /old "NoPRs" \(#2\) \(Deny\) applies|old statement #2 "NoPRs" \(Deny\) applies/,
  );
  const gh = await run(['diff', 'old.json', 'new.json', '--reporter', 'github'], dir);
  t.equal(gh.code, 1);
  t.match(
    gh.stdout,
    /^::error file=new\.json,line=4,title=trustspec diff%3A newly allowed::token\.actions\.githubusercontent\.com: /m,
  );
  t.match(gh.stdout, /^::notice title=trustspec diff::1 newly allowed, 0 newly denied, 0 unknown/m);
});

t.test('diff of two scenario files compares their roles and providers', async (t) => {
  const r = await run([
    'diff',
    'spec-examples/github-actions/branch-deploy.trustspec.yaml',
    'spec-examples/github-actions/environment-prod.trustspec.yaml',
    '--json',
  ]);
  const doc = JSON.parse(r.stdout) as {
    newlyAllowed: Array<{ token: Record<string, unknown> }>;
    newlyDenied: unknown[];
  };
  t.equal(r.code, 1);
  t.equal(doc.newlyAllowed[0]?.token['sub'], 'repo:acme/app:environment:prod');
  t.equal(doc.newlyDenied.length, 1);
});

t.test(
  'diff: an unknown part is exit 2; a scenario file with several roles is refused',
  async (t) => {
    const dir = t.testdir({
      'old.json': policy('repo:acme/app:*'),
      'new.json': policy(`repo:\${${GH}:actor}/*`),
      'two.trustspec.yaml': [
        'version: 1',
        'role: { arn: "arn:aws:iam::111122223333:role/a", trustPolicy: ./old.json }',
        'scenarios:',
        '  - { name: one, github: { repository: acme/app }, expect: allow }',
        '  - name: two',
        '    role: { arn: "arn:aws:iam::111122223333:role/b", trustPolicy: ./new.json }',
        '    github: { repository: acme/app }',
        '    expect: deny',
        '',
      ].join('\n'),
    });
    const unknown = await run(['diff', 'old.json', 'new.json'], dir);
    t.equal(unknown.code, 2);
    t.match(
      unknown.stdout,
      /UNKNOWN[\s\S]*unknown: token\.actions\.githubusercontent\.com: .*relational/,
    );
    const two = await run(['diff', 'two.trustspec.yaml', 'old.json'], dir);
    t.equal(two.code, 2);
    t.match(two.stderr, /describes 2 different roles/);
    t.notMatch(two.stderr, STACK);
  },
);

t.test('diff --reporter github: newly denied as notices, unknown as errors', async (t) => {
  const dir = t.testdir({
    'wide.json': policy('repo:acme/*'),
    'narrow.json': policy('repo:acme/app:*'),
    'relational.json': policy(`repo:\${${GH}:actor}/*`),
  });
  const denied = await run(['diff', 'wide.json', 'narrow.json', '--reporter', 'github'], dir);
  t.equal(denied.code, 0);
  t.match(
    denied.stdout,
    /^::notice file=wide\.json,line=4,title=trustspec diff%3A newly denied::/m,
  );
  t.match(denied.stdout, /0 newly allowed, 1 newly denied, 0 unknown region\(s\)$/m);
  const unknown = await run(['diff', 'wide.json', 'relational.json', '--reporter', 'github'], dir);
  t.equal(unknown.code, 2);
  t.match(
    unknown.stdout,
    /^::error file=relational\.json,title=trustspec diff%3A unknown::token\.actions/m,
  );
  const same = await run(['diff', 'wide.json', 'wide.json', '-r', 'github'], dir);
  t.match(same.stdout, /: no token changes$/m);
});

t.test('scenario files and policy files that cannot be used', async (t) => {
  const dir = t.testdir({
    'broken.trustspec.yaml':
      'version: 1\nrole: { arn: "arn:aws:iam::111122223333:role/a", trustPolicy: ./missing.json }\nscenarios:\n  - { name: one, github: { repository: acme/app }, expect: allow }\n',
    'binary.json': Buffer.from([0, 1, 2]),
    'builtin.json': JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'accounts.google.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
        },
      ],
    }),
  });
  const broken = await run(['who', 'broken.trustspec.yaml'], dir);
  t.equal(broken.code, 2);
  t.match(broken.stderr, /^broken\.trustspec\.yaml:2:\d+: /m);
  t.match(broken.stderr, /trustspec: broken\.trustspec\.yaml cannot be used/);
  const binary = await run(['who', 'binary.json'], dir);
  t.equal(binary.code, 2);
  t.match(binary.stderr, /binary data/);
  const builtin = await run(['who', 'builtin.json', '--now', '2026-06-01T00:00:00Z'], dir);
  t.equal(builtin.code, 0);
  t.match(builtin.stdout, /accounts\.google\.com {2}\(built-in\)/);
  t.match(builtin.stdout, /assumption: no --role-arn and no IAM OIDC provider/);
  const badProvider = await run(['who', 'builtin.json', '--provider', 'http://x'], dir);
  t.equal(badProvider.code, 2);
  t.match(badProvider.stderr, /must start with https:\/\//);
});

t.test('the symbolic engine loads only when who or diff runs', async (t) => {
  const { readFileSync } = await import('node:fs');
  for (const file of ['lib/cli/who.ts', 'lib/cli/diff.ts', 'lib/cli/main.ts']) {
    const text = readFileSync(`${REPO}/${file}`, 'utf8');
    t.notMatch(
      text,
      /^import [^;]*from '\.\.\/symbolic\//m,
      `${file}: no static import of lib/symbolic`,
    );
    t.notMatch(
      text,
      /^import [^;]*from '\.\/roles\.js'/m,
      `${file}: no static import of the loader`,
    );
  }
});
