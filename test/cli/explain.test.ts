/** `trustspec explain`: one token against one role, stage by stage, with the diagnosis and fix. */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FIXTURES,
  NOW,
  REPO,
  STACK_LINE,
  compactJwt,
  fixtureDir,
  placeOf,
  cli,
} from './helpers.js';

const GITHUB = 'https://token.actions.githubusercontent.com';
const MAIN = 'repo:acme/app:ref:refs/heads/main';
const TOKEN = ['--iss', GITHUB, '--sub', MAIN, '--aud', 'sts.amazonaws.com'];
const REGISTERED = ['--provider', `${GITHUB}=sts.amazonaws.com`];

const DUP_KEY_POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
      },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {
          "token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main",
          "token.actions.githubusercontent.com:sub": "repo:acme/app:environment:prod"
        }
      }
    }
  ]
}
`;

const nowSeconds = Date.parse(NOW) / 1000;

t.test('a scenario of a file, named with --scenario: denied', async (t) => {
  const r = await cli(['explain', 'failing.trustspec.yaml', '--scenario', 'pull requests deploy'], {
    cwd: FIXTURES,
  });
  t.equal(r.status, 1, 'exit 1: denied');
  t.equal(r.stderr, '');
  t.match(r.stdout, /^ {2}✗ Deny "NoPullRequests" deploy\.trust\.json:\d+ — applies/m);
  t.match(
    r.stdout,
    /^ {2}✗ .*\[trust-policy\.sts:AssumeRoleWithWebIdentity\]$/m,
    'the failed check',
  );
  t.match(r.stdout, /^decision: DENY — trust-policy · AccessDenied/m);
  t.match(r.stdout, /^diagnosis: Deny statement "NoPullRequests" applies to this request$/m);
  t.match(r.stdout, /^ {2}fix: \S/m);
});

t.test('from flags, the provider registered: allowed', async (t) => {
  const r = await cli(
    ['explain', '--policy', 'deploy.trust.json', ...TOKEN, ...REGISTERED, '--now', NOW],
    { cwd: FIXTURES },
  );
  t.equal(r.status, 0, 'exit 0: allowed');
  t.equal(r.stderr, '');
  t.match(r.stdout, /^decision: ALLOW$/m);
  t.notMatch(r.stdout, /✗/, 'no failed check');
  t.match(
    r.stdout,
    /✓ https:\/\/token\.actions\.githubusercontent\.com is registered as arn:aws:iam::111122223333:oidc-provider\/token\.actions\.githubusercontent\.com \[token\.provider\]/,
    'the provider given by --provider, not assumed',
  );
  t.notMatch(r.stdout, /\(assumed\)/);
  t.match(r.stdout, /✓ Allow "DeployFromMainOrProd" deploy\.trust\.json:\d+ — applies/);
});

t.test('--jwt FILE: the claims are decoded from a compact JWT', async (t) => {
  const jwt = compactJwt({
    iss: GITHUB,
    sub: 'repo:acme/app:environment:prod',
    aud: 'sts.amazonaws.com',
    iat: nowSeconds - 60,
    exp: nowSeconds + 300,
  });
  const dir = fixtureDir(t, { 'prod.jwt': `${jwt}\n` });
  const r = await cli(
    ['explain', '--policy', 'deploy.trust.json', '--jwt', 'prod.jwt', ...REGISTERED, '--now', NOW],
    { cwd: dir },
  );
  // Only the decoded sub (environment prod) and aud let the Allow statement apply.
  t.equal(r.status, 0, 'allowed');
  t.equal(r.stderr, '');
  t.match(r.stdout, /^decision: ALLOW$/m);
  t.match(
    r.stdout,
    /✓ the token expires at 2026-06-01T00:05:00Z, after now \(2026-06-01T00:00:00Z\) \[token\.exp\]/,
    "the JWT's exp is read",
  );
});

/**
 * The fixture has no sub condition IAM recognises (its key is written with the provider ARN), so
 * IAM would refuse to store it: the one thing on stderr, and the command still explains.
 */
const WRITE_TIME =
  /^arn-key\.trust\.json:\d+:\d+: IAM would refuse to store this trust policy: "MalformedPolicyDocument: [^\n]*"\n {2}add a condition[^\n]*\n(?:[ >]+\d+ \|[^\n]*\n| +\|[^\n]*\n)+\n?$/;

t.test('--json, and the key written with the provider ARN', async (t) => {
  const keyAt = placeOf(
    readFileSync(join(FIXTURES, 'arn-key.trust.json'), 'utf8'),
    '"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com:sub"',
  );
  const args = ['explain', '--policy', 'arn-key.trust.json', ...TOKEN, ...REGISTERED, '--now', NOW];

  t.test('--json parses, with the decision, checks, statements and diagnoses', async (t) => {
    const r = await cli([...args, '--json'], { cwd: FIXTURES });
    t.equal(r.status, 1);
    t.match(r.stderr, WRITE_TIME, 'the write-time error, and nothing else, on stderr');
    const doc = JSON.parse(r.stdout) as {
      decision: string;
      stage: string;
      code: string;
      checks: { id: string; ok: boolean }[];
      statements: { sid?: string; conditions: { key: string; result: boolean }[] }[];
      diagnoses: { cause: string; fix: string; at?: { line: number; column: number } }[];
    };
    for (const key of ['decision', 'checks', 'statements', 'diagnoses'])
      t.ok(key in doc, `has ${key}`);
    t.match(doc, { decision: 'deny', stage: 'trust-policy', code: 'AccessDenied' });
    t.same(
      doc.checks.filter((c) => !c.ok).map((c) => c.id),
      ['trust-policy.sts:AssumeRoleWithWebIdentity'],
    );
    t.equal(doc.statements.length, 1);
    t.equal(doc.statements[0]?.sid, 'KeysWrittenWithTheProviderArn');
    t.match(doc.statements[0]?.conditions, [{ result: false }]);
    t.match(doc.diagnoses[0], {
      cause: 'key-written-with-provider-arn',
      fix: /"token\.actions\.githubusercontent\.com:sub"/,
      at: keyAt,
    });
  });

  t.test('the human diagnosis names the key to write', async (t) => {
    const r = await cli(args, { cwd: FIXTURES });
    t.equal(r.status, 1);
    t.match(r.stderr, WRITE_TIME, 'the write-time error, and nothing else, on stderr');
    t.match(r.stdout, /^decision: DENY — trust-policy · AccessDenied/m);
    t.match(r.stdout, /^diagnosis: The condition key is written with the provider ARN$/m);
    t.match(r.stdout, /^ {2}fix: write the key as "token\.actions\.githubusercontent\.com:sub"$/m);
    t.ok(
      r.stdout.includes(`\n  at arn-key.trust.json:${keyAt.line}:${keyAt.column}\n`),
      'at the key in the policy',
    );
  });
});

t.test('--no-providers: refused at the token stage', async (t) => {
  const r = await cli(
    ['explain', '--policy', 'deploy.trust.json', ...TOKEN, '--no-providers', '--now', NOW],
    { cwd: FIXTURES },
  );
  t.equal(r.status, 1);
  t.equal(r.stderr, '');
  t.match(
    r.stdout,
    /^ {2}✗ No OpenIDConnect provider found in your account for https:\/\/token\.actions\.githubusercontent\.com.*\[token\.provider\]$/m,
  );
  t.match(r.stdout, /^decision: DENY — token · InvalidIdentityToken/m);
  t.notMatch(r.stdout, /^trust policy/m, 'the trust policy is never reached');
});

t.test('a policy with a duplicate key: exit 2, file:line:column and a code frame', async (t) => {
  const dir = fixtureDir(t, { 'dup.trust.json': DUP_KEY_POLICY });
  const second = placeOf(
    DUP_KEY_POLICY,
    '"token.actions.githubusercontent.com:sub": "repo:acme/app:environment:prod"',
  );
  const r = await cli(['explain', '--policy', 'dup.trust.json', ...TOKEN, '--now', NOW], {
    cwd: dir,
  });
  t.equal(r.status, 2);
  t.equal(r.stdout, '', 'no explanation of an unusable policy');
  t.ok(
    r.stderr.startsWith(`dup.trust.json:${second.line}:${second.column}: duplicate key `),
    `at dup.trust.json:${second.line}:${second.column}`,
  );
  t.match(r.stderr, new RegExp(`^> ${second.line} \\|.*environment:prod`, 'm'), 'the line, marked');
  t.match(r.stderr, new RegExp(`^ +\\| {${second.column}}\\^$`, 'm'), 'a caret under the column');
  t.notMatch(r.stderr, STACK_LINE);
});

t.test('no token: exit 2 with a hint', async (t) => {
  const r = await cli(['explain', '--policy', 'deploy.trust.json', '--now', NOW], {
    cwd: FIXTURES,
  });
  t.equal(r.status, 2);
  t.equal(r.stdout, '');
  t.match(
    r.stderr,
    /^trustspec: no token given\n {2}give --jwt FILE, --claims FILE\|JSON, or --iss\/--sub\/--aud\n$/,
  );
  t.notMatch(r.stderr, STACK_LINE);
});

t.test('--jwt naming a file that does not exist: exit 2, the file named', async (t) => {
  const r = await cli(
    ['explain', '--policy', 'deploy.trust.json', '--jwt', 'missing.jwt', '--now', NOW],
    {
      cwd: FIXTURES,
    },
  );
  t.equal(r.status, 2);
  t.equal(r.stdout, '');
  t.notMatch(r.stderr, STACK_LINE);
  t.match(
    r.stderr,
    /^trustspec: --jwt: no file "missing\.jwt"/,
    'the message names the missing file',
  );
});

t.test('a file of several scenarios without --scenario: exit 2, the names listed', async (t) => {
  const r = await cli(['explain', 'failing.trustspec.yaml'], { cwd: FIXTURES });
  t.equal(r.status, 2);
  t.equal(r.stdout, '');
  t.match(
    r.stderr,
    /^trustspec: failing\.trustspec\.yaml has 3 scenarios: name one with --scenario\n/,
  );
  t.match(
    r.stderr,
    /scenarios: "main branch deploys", "pull requests deploy", "another repository is refused"/,
  );
  t.notMatch(r.stderr, STACK_LINE);
});

t.test('--jwt -: the token is read from standard input', async (t) => {
  const jwt = compactJwt({
    iss: GITHUB,
    sub: 'repo:acme/app:environment:prod',
    aud: 'sts.amazonaws.com',
    exp: nowSeconds + 300,
  });
  const args = ['explain', '--policy', 'deploy.trust.json', '--jwt', '-', ...REGISTERED];
  const r = await cli([...args, '--now', NOW], { cwd: FIXTURES, input: `${jwt}\n` });
  t.equal(r.status, 0, 'allowed: the sub of the token on stdin');
  t.equal(r.stderr, '');
  t.match(r.stdout, /✓ the token expires at 2026-06-01T00:05:00Z/, "the token's own exp");

  // Without --now the command's clock is the io's: the wall clock would be another.
  const onTime = await cli(args, { cwd: FIXTURES, input: jwt, now: Date.parse(NOW) });
  t.equal(onTime.status, 0, "allowed at the io's clock, NOW");
  const late = await cli(args, { cwd: FIXTURES, input: jwt, now: Date.parse(NOW) + 600_000 });
  t.equal(late.status, 1, "denied ten minutes later by the io's clock: expired");
  t.match(late.stdout, /^decision: DENY — token · ExpiredTokenException/m);

  for (const input of ['', 'not a token\n']) {
    const bad = await cli(args, { cwd: FIXTURES, input });
    t.equal(bad.status, 2, `${JSON.stringify(input)} on stdin: exit 2`);
    t.equal(bad.stdout, '');
    t.match(bad.stderr, /^trustspec: --jwt: /);
    t.notMatch(bad.stderr, STACK_LINE);
  }
});

t.test('a scenario file says the whole request: request flags beside it are refused', async (t) => {
  const file = 'spec-examples/github-actions/branch-deploy.trustspec.yaml';
  const cases: [string[], string][] = [
    [['--duration', '7200'], '--duration describes the request'],
    [['--sub', 'repo:x/y:ref:refs/heads/main', '--aud', 'a'], '--sub, --aud describe the request'],
    [['--session-name', 'other'], '--session-name describes'],
    [['--context', 'aws:SourceIp=203.0.113.5'], '--context describes'],
    [['--no-providers'], '--providers / --no-providers describes'],
  ];
  for (const [flags, message] of cases) {
    const r = await cli(['explain', file, ...flags], { cwd: REPO });
    t.equal(r.status, 2, flags.join(' '));
    t.match(r.stderr, message, flags.join(' '));
  }
  const ok = await cli(['explain', file, '--scenario', 'a push to main deploys', '--json'], {
    cwd: REPO,
  });
  t.equal(ok.status, 0, '--scenario and --json still apply');
});
