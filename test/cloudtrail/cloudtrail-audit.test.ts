/**
 * Cases added by the December 2026 mutation audit (docs/test-audit-2026-12.md): each one fails
 * with a deliberate bug that the other CloudTrail tests let through.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicy } from '../../lib/policy/parse.js';
import { compilePolicy, type CompiledPolicy } from '../../lib/sts/compile.js';
import { simulate } from '../../lib/sts/simulate.js';
import { readCloudTrail, type RecordedCall } from '../../lib/explain/cloudtrail.js';
import { parsePrincipalId, readProvider } from '../../lib/explain/cloudtrail-principal.js';
import {
  compareOutcome,
  replayInput,
  TOKEN_ERROR_CODES,
  type Verdict,
} from '../../lib/explain/cloudtrail-replay.js';
import { REPO } from '../cli/helpers.js';

const DIR = join(REPO, 'test', 'fixtures', 'cloudtrail');
const NOW = Date.parse('2026-06-01T00:00:00Z');
const GH = 'token.actions.githubusercontent.com';

function compiled(text: string): CompiledPolicy {
  const parsed = parsePolicy(text);
  if (!parsed.ok) throw new Error('the policy does not parse');
  const c = compilePolicy(parsed.policy);
  if (!c.ok) throw new Error('the policy does not compile');
  return c;
}

const githubPolicy = (): CompiledPolicy =>
  compiled(readFileSync(join(DIR, 'policies', 'github.trust.json'), 'utf8'));

function successCall(): RecordedCall {
  const r = readCloudTrail(readFileSync(join(DIR, 'event-success.json'), 'utf8'));
  const c = r.calls[0];
  if (!c) throw new Error('event-success.json has no call');
  return c;
}

t.test(
  'a problem inside an escaped CloudTrailEvent string is placed at its file character',
  async (t) => {
    // Each escape of the embedded JSON string is one character of the event written with 2 (or,
    // \uXXXX, 6) characters of the file; the problem (userIdentity 7) must land on the 7 itself.
    const notes: [string, string, string][] = [
      ['no escape', 'plain', ' '],
      ['\\u escapes', '\\u00e9t\\u00e9', ' '],
      ['a surrogate pair', '\\ud83d\\ude00', ' '],
      ['an escaped backslash and slash', 'a\\\\\\\\b\\/c', ' '],
      ['escaped quotes', '\\\\\\"quoted\\\\\\"', ' '],
      ['a raw non-ASCII character', 'été', ' '],
      ['escaped white space between members', 'plain', '\\n\\t'],
      ['all of them', '\\u00e9\\\\\\\\\\/\\ud83d\\ude00', '\\r\\n'],
    ];
    for (const [name, note, gap] of notes) {
      const inner =
        `{\\"eventName\\": \\"AssumeRoleWithWebIdentity\\",${gap}\\"note\\": \\"${note}\\",${gap}` +
        `\\"requestParameters\\": {\\"roleArn\\": \\"arn:aws:iam::111122223333:role/r\\"},${gap}` +
        `\\"userIdentity\\": 7}`;
      const file = `{"Events": [\n  {"EventId": "x",\n   "CloudTrailEvent": "${inner}"}]}`;
      // The JSON above is what lookup-events prints; the test input is that text itself.
      const r = readCloudTrail(file);
      t.equal(r.errors.length, 1, `${name}: one error`);
      t.match(r.errors[0]?.message, /userIdentity must be an object/, name);
      const seven = file.indexOf('\\"userIdentity\\": 7') + '\\"userIdentity\\": '.length;
      const before = file.slice(0, seven).split('\n');
      t.same(
        { line: r.errors[0]?.line, column: r.errors[0]?.column },
        { line: before.length, column: (before.at(-1) as string).length + 1 },
        `${name}: at the 7`,
      );
    }
  },
);

t.test('principal ids the provider shapes alone must split one way', async (t) => {
  const cases: [string, string, { aud: string; sub: string } | RegExp][] = [
    [
      // A customised GitHub subject (include_claim_keys: repository_owner, repo, context): the
      // default audience wins over an audience with ":" before a repo-shaped tail.
      'customised GitHub subject',
      `arn:aws:iam::111122223333:oidc-provider/${GH}:sts.amazonaws.com:repository_owner:acme:repo:acme/app:ref:refs/heads/main`,
      {
        aud: 'sts.amazonaws.com',
        sub: 'repository_owner:acme:repo:acme/app:ref:refs/heads/main',
      },
    ],
    [
      'Cognito ids in upper case',
      'cognito-identity.amazonaws.com:us-east-1:AAAAAAAA-1111-2222-3333-444444444444:us-east-1:BBBBBBBB-5555-6666-7777-888888888888',
      {
        aud: 'us-east-1:AAAAAAAA-1111-2222-3333-444444444444',
        sub: 'us-east-1:BBBBBBBB-5555-6666-7777-888888888888',
      },
    ],
    ['an empty audience', 'accounts.google.com::109876543210', /does not split/],
    [
      'an empty subject',
      'accounts.google.com:1234-example.apps.googleusercontent.com:',
      /does not split/,
    ],
    [
      'a built-in domain followed by more host',
      'accounts.google.com.example.org:aud:123',
      /does not start with an IAM OIDC provider ARN/,
    ],
  ];
  for (const [name, id, want] of cases) {
    const r = parsePrincipalId(id);
    if (want instanceof RegExp) {
      t.notOk(r.ok, name);
      if (!r.ok) t.match(r.message, want, name);
      continue;
    }
    t.ok(r.ok, name);
    if (r.ok)
      t.same(
        { aud: r.aud, sub: r.sub, ambiguous: r.ambiguous.length },
        { ...want, ambiguous: 0 },
        name,
      );
  }
  // An identityProvider field naming a longer host is not the built-in provider.
  t.ok('message' in readProvider('www.amazon.com.example.org'), 'not www.amazon.com');
});

t.test('when userName and the recorded audience disagree, the audience decides', async (t) => {
  const id = 'arn:aws:iam::111122223333:oidc-provider/auth.example.com:a:b:c';
  const r = parsePrincipalId(id, { sub: 'c', aud: 'a' });
  t.same(r.ok && [r.aud, r.sub, r.basis], ['a', 'b:c', 'the event’s audience']);
  // They agree: userName pins it.
  const agree = parsePrincipalId(id, { sub: 'c', aud: 'a:b' });
  t.same(agree.ok && [agree.aud, agree.sub, agree.basis], ['a:b', 'c', 'the event’s userName']);
});

t.test('a denial matches only the error code CloudTrail recorded', async (t) => {
  const p = githubPolicy();
  const ok = successCall();
  // A session name STS refuses: the simulation answers ValidationError at the request stage.
  const badName: RecordedCall = { ...ok, roleSessionName: 'bad name' };
  // A subject the policy refuses: AccessDenied at the trust policy.
  const otherRepo: RecordedCall = { ...ok, sub: 'repo:evil/app:ref:refs/heads/main' };
  const cases: [string, RecordedCall, RecordedCall['outcome'], Verdict][] = [
    ['AccessDenied vs AccessDenied', otherRepo, { kind: 'error', code: 'AccessDenied' }, 'match'],
    [
      'AccessDenied vs ValidationError',
      badName,
      { kind: 'error', code: 'AccessDenied' },
      'mismatch',
    ],
    [
      'ValidationError vs ValidationError',
      badName,
      { kind: 'error', code: 'ValidationError' },
      'match',
    ],
    [
      'ValidationError vs AccessDenied',
      otherRepo,
      { kind: 'error', code: 'ValidationError' },
      'mismatch',
    ],
    ['allowed vs AccessDenied', otherRepo, { kind: 'allow' }, 'mismatch'],
  ];
  for (const [name, call, outcome, want] of cases) {
    const c = { ...call, outcome };
    const cmp = compareOutcome(c, simulate(replayInput(c, p, { now: NOW })));
    t.equal(cmp.verdict, want, name);
  }
});

t.test('every token error code is unverifiable because the token is gone', async (t) => {
  const p = githubPolicy();
  const ok = successCall();
  const codes = [
    'InvalidIdentityToken',
    'ExpiredTokenException',
    'IDPRejectedClaim',
    'IDPCommunicationError',
  ];
  t.same([...TOKEN_ERROR_CODES].sort(), [...codes].sort());
  for (const code of codes) {
    const c: RecordedCall = { ...ok, outcome: { kind: 'error', code } };
    const cmp = compareOutcome(c, simulate(replayInput(c, p, { now: NOW })));
    t.equal(cmp.verdict, 'unverifiable', code);
    t.match(cmp.reason, /refused the token itself/, `${code}: the reason`);
  }
});

t.test('a key CloudTrail does give (Google oaud, from aud) makes a real mismatch', async (t) => {
  // accounts.google.com:oaud carries the token's aud (IAM User Guide, "Available keys for
  // AWS web identity federation"): it is recorded, so a denial on it is a mismatch.
  const google = compiled(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'accounts.google.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { 'accounts.google.com:oaud': 'other.apps.googleusercontent.com' },
          },
        },
      ],
    }),
  );
  const call: RecordedCall = {
    index: 1,
    line: 1,
    column: 1,
    roleArn: 'arn:aws:iam::111122223333:role/google',
    roleSessionName: 'web',
    provider: {
      value: 'accounts.google.com',
      kind: 'builtin',
      hostPath: 'accounts.google.com',
      provider: 'google',
    },
    aud: '1234-example.apps.googleusercontent.com',
    sub: '109876543210',
    principalBasis: 'test',
    ambiguous: [],
    outcome: { kind: 'allow' },
  };
  const cmp = compareOutcome(call, simulate(replayInput(call, google, { now: NOW })));
  t.equal(cmp.verdict, 'mismatch');
  t.same(cmp.unrecordedKeys, []);
});
