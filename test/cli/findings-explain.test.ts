/**
 * `trustspec explain` from flags, in-process: its text and its --json are in the user's terms (no
 * section numbers, UNCONFIRMED notes as their README line), its input errors are one message and
 * exit 2; and the bare command line (help, version, an unknown option, --output).
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARN, GHA, SOUND, cli, policy } from './findings-harness.js';

const ISS = `https://${GHA}`;
const NOW = ['--now', '2026-06-01T00:00:00Z'];
const TOKEN = [
  '--iss',
  ISS,
  '--sub',
  'repo:acme/app:ref:refs/heads/main',
  '--aud',
  'sts.amazonaws.com',
];

function compactJwt(claims: object): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256' })}.${part(claims)}.${Buffer.from('sig').toString('base64url')}`;
}

t.test('from flags: allowed, denied, as text and as JSON', async (t) => {
  const dir = t.testdir({ 'p.json': SOUND });
  const allowed = await cli(['explain', '--policy', 'p.json', ...TOKEN, ...NOW], dir);
  t.equal(allowed.code, 0);
  t.match(allowed.stdout, /^decision: ALLOW$/m);

  const denied = await cli(
    [
      'explain',
      '--policy',
      'p.json',
      '--iss',
      ISS,
      '--sub',
      'repo:acme/app:pull_request',
      '--aud',
      'sts.amazonaws.com',
      '--provider',
      `${ISS}=sts.amazonaws.com`,
      '--context',
      'aws:SourceIp=203.0.113.5',
      '--context',
      'aws:TagKeys=[a,b]',
      '--session-name',
      'ci',
      '--duration',
      '3600',
      '--verbose',
      ...NOW,
    ],
    dir,
  );
  t.equal(denied.code, 1);
  t.match(denied.stdout, /diagnosis: /);
  t.notMatch(denied.stdout, /§/);

  const json = await cli(['explain', '--policy', 'p.json', ...TOKEN, '--json', ...NOW], dir);
  const doc = JSON.parse(json.stdout) as Record<string, unknown>;
  t.match(doc, { version: 1, decision: 'allow' });
  t.notMatch(json.stdout, /§/);
});

t.test("--json: UNCONFIRMED notes and findings in the user's terms", async (t) => {
  // Several audiences (UNCONFIRMED [aud-array]) and a context key AWS never sets (a finding).
  const dir = t.testdir({ 'p.json': SOUND });
  const r = await cli(
    [
      'explain',
      '--policy',
      'p.json',
      '--claims',
      JSON.stringify({
        iss: ISS,
        sub: 'repo:acme/app:ref:refs/heads/main',
        aud: ['sts.amazonaws.com', 'x'],
      }),
      '--context',
      'aws:SourceVpc=vpc-1',
      '--json',
      ...NOW,
    ],
    dir,
  );
  t.equal(r.code, 1);
  const doc = JSON.parse(r.stdout) as {
    unconfirmed: string[];
    findings: { message: string; spec?: string }[];
  };
  t.match(doc.unconfirmed, [/^UNCONFIRMED \[aud-array\]: .*How exact is it\?/]);
  t.notMatch(r.stdout, /§/);
});

t.test('--jwt, --providers and --no-providers', async (t) => {
  const jwt = compactJwt({
    iss: ISS,
    sub: 'repo:acme/app:ref:refs/heads/main',
    aud: 'sts.amazonaws.com',
  });
  const dir = t.testdir({
    'p.json': SOUND,
    'token.jwt': jwt,
    'providers.json': JSON.stringify([{ url: ISS, clientIds: ['sts.amazonaws.com'] }]),
  });
  const base = ['explain', '--policy', 'p.json', ...NOW];
  t.equal(
    (await cli([...base, '--jwt', 'token.jwt', '--providers', 'providers.json'], dir)).code,
    0,
  );
  t.equal((await cli([...base, '--jwt', jwt], dir)).code, 0, 'an inline JWT');
  const none = await cli([...base, '--jwt', 'token.jwt', '--no-providers'], dir);
  t.equal(none.code, 1, 'no provider registered: denied at the token stage');
  t.match(none.stdout, /decision: DENY — token/);
  const roleArn = await cli([...base, ...TOKEN, '--role-arn', `${ARN}:role/x`], dir);
  t.equal(roleArn.code, 0);
});

t.test('input errors: one message, exit 2, no stack, no section number', async (t) => {
  const broken = policy([
    {
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::1:oidc-provider/x' },
      Action: 'sts:AssumeRoleWithWebIdentity',
    },
  ]);
  const dir = t.testdir({ 'p.json': SOUND, 'broken.json': broken, 'bad.json': '{"Version": 1' });
  for (const [name, argv, message] of [
    ['no token', ['explain', '--policy', 'p.json'], /no token given/],
    ['no role', ['explain', ...TOKEN], /explain needs a role/],
    [
      'a policy file that does not exist',
      ['explain', '--policy', 'nope.json', ...TOKEN],
      /--policy: no file "nope\.json"/,
    ],
    ['a policy that does not parse', ['explain', '--policy', 'bad.json', ...TOKEN], /bad\.json:1:/],
    [
      'a malformed principal',
      ['explain', '--policy', 'broken.json', ...TOKEN],
      /broken\.json:\d+:\d+: /,
    ],
    [
      'a bad --provider',
      ['explain', '--policy', 'p.json', ...TOKEN, '--provider', 'http://x'],
      /must start with https:\/\//,
    ],
    [
      'a bad --context',
      ['explain', '--policy', 'p.json', ...TOKEN, '--context', 'novalue'],
      /must be KEY=VALUE/,
    ],
    [
      'a bad --duration',
      ['explain', '--policy', 'p.json', ...TOKEN, '--duration', 'soon'],
      /not a whole number/,
    ],
    ['bad --claims', ['explain', '--policy', 'p.json', '--claims', '[1'], /--claims/],
    [
      'a bad --providers',
      ['explain', '--policy', 'p.json', ...TOKEN, '--providers', '{"url": 1}'],
      /--providers/,
    ],
  ] as const) {
    const r = await cli([...argv], dir);
    t.equal(r.code, 2, `${name}: exit 2`);
    t.match(r.stderr, message, name);
    t.notMatch(r.stderr, /^\s+at /m, `${name}: no stack`);
    t.notMatch(r.stderr, /§/, `${name}: no section number`);
  }
});

t.test('the bare command line', async (t) => {
  const dir = t.testdir({});
  const help = await cli([], dir);
  t.equal(help.code, 2, 'no command: the help, exit 2');
  t.match(help.stdout, /Usage: trustspec/);
  const version = await cli(['--version'], dir);
  t.equal(version.code, 0);
  t.match(version.stdout, /^\d+\.\d+\.\d+/);
  const unknown = await cli(['test', '--no-such-option'], dir);
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /unknown option/);
  const testHelp = await cli(['test', '--help'], dir);
  t.equal(testHelp.code, 0);
  t.match(testHelp.stdout, /--strict/);
  t.match(testHelp.stdout, /trustspec\.config\.yaml/);
});

t.test('--output writes the other report beside the printed one', async (t) => {
  const dir = t.testdir({
    'p.json': SOUND,
    'a.trustspec.yaml': [
      'version: 1',
      `role: { arn: '${ARN}:role/deploy', trustPolicy: ./p.json }`,
      'now: 2026-06-01T00:00:00Z',
      'scenarios:',
      '  - name: main deploys',
      '    github: { repository: acme/app, ref: refs/heads/main }',
      '    request: { roleSessionName: ci }',
      '    expect: allow',
    ].join('\n'),
  });
  const r = await cli(['test', '--output', 'json:report.json'], dir);
  t.equal(r.code, 0);
  const doc = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { summary: object };
  t.match(doc.summary, { passed: 1 });
});
