/**
 * Reading CloudTrail: one event, a trail's log file and lookup-events output give the same calls;
 * every recorded field is recovered; problems are placed at the character of the file that holds
 * them, also inside an embedded `CloudTrailEvent` string. Fixtures: test/fixtures/cloudtrail/.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCloudTrail, type CloudTrailRead } from '../../lib/explain/cloudtrail.js';
import { REPO } from '../cli/helpers.js';

const DIR = join(REPO, 'test', 'fixtures', 'cloudtrail');
const text = (name: string): string => readFileSync(join(DIR, name), 'utf8');
const read = (name: string): CloudTrailRead => readCloudTrail(text(name));
const GH = 'token.actions.githubusercontent.com';

/** Line and column (1-based) of the first `needle` in `s`. */
function at(s: string, needle: string): { line: number; column: number } {
  const i = s.indexOf(needle);
  if (i < 0) throw new Error(`no ${needle}`);
  const before = s.slice(0, i).split('\n');
  return { line: before.length, column: (before.at(-1) as string).length + 1 };
}

t.test('the three inputs and what each gives', async (t) => {
  const cases: [string, CloudTrailRead['shape'], number, string[]][] = [
    ['event-success.json', 'event', 1, []],
    ['trail.json', 'records', 2, ['GetCallerIdentity']],
    ['lookup-events.json', 'lookup-events', 2, ['GetCallerIdentity']],
    ['errors.json', 'records', 6, []],
    ['mixed-roles.json', 'records', 3, []],
  ];
  for (const [file, shape, calls, skipped] of cases) {
    const r = read(file);
    t.same(r.errors, [], `${file}: no errors`);
    t.equal(r.shape, shape, `${file}: shape`);
    t.equal(r.calls.length, calls, `${file}: calls`);
    t.same(
      r.skipped.map((s) => s.eventName),
      skipped,
      `${file}: skipped`,
    );
  }
  const list = readCloudTrail(JSON.stringify([JSON.parse(text('event-success.json'))]));
  t.equal(list.shape, 'list');
  t.equal(list.calls.length, 1);
});

t.test('a successful call: every field CloudTrail recorded', async (t) => {
  const [c] = read('event-success.json').calls;
  t.match(c, {
    index: 1,
    line: 1,
    column: 1,
    eventId: 'aEXAMPLE-ee29-4ac0-a0ed-3f5c5EXAMP01',
    eventTime: '2026-05-20T09:01:00Z',
    time: Date.parse('2026-05-20T09:01:00Z'),
    region: 'us-east-2',
    roleArn: 'arn:aws:iam::111122223333:role/deploy/gha-deploy',
    roleSessionName: 'GitHubActions',
    durationSeconds: 3600,
    provider: { kind: 'oidc', hostPath: GH, provider: 'github', account: '111122223333' },
    aud: 'sts.amazonaws.com',
    sub: 'repo:reponame-rn/new-repo:environment:dev',
    outcome: { kind: 'allow' },
  });
});

t.test('the same event from a trail file and from lookup-events', async (t) => {
  const fromTrail = read('trail.json').calls.find((c) => c.outcome.kind === 'error');
  const fromLookup = read('lookup-events.json').calls.find((c) => c.outcome.kind === 'error');
  const strip = (c: typeof fromTrail) => c && { ...c, index: 0, line: 0, column: 0 };
  t.same(strip(fromLookup), strip(fromTrail));
  t.same(fromTrail?.outcome, {
    kind: 'error',
    code: 'AccessDenied',
    message: 'An unknown error occurred',
  });
});

t.test('lookup-events: an embedded event is placed in the file', async (t) => {
  const s = text('lookup-events.json');
  const [first] = read('lookup-events.json').calls;
  // The embedded event starts right after the opening quote of its CloudTrailEvent string.
  const quote = at(s, '"CloudTrailEvent": "');
  t.same(
    { line: first?.line, column: first?.column },
    { line: quote.line, column: quote.column + 20 },
  );
});

t.test('each error code is recovered as recorded', async (t) => {
  const r = read('errors.json');
  t.same(
    r.calls.map((c) => (c.outcome.kind === 'error' ? c.outcome.code : 'allow')),
    [
      'InvalidIdentityToken',
      'ExpiredTokenException',
      'IDPRejectedClaim',
      'IDPCommunicationError',
      'ValidationError',
      'PackedPolicyTooLarge',
    ],
  );
  const facebook = r.calls[2];
  t.match(facebook, {
    provider: { kind: 'builtin', provider: 'facebook' },
    aud: '1111222233334444',
    sub: '1234567890',
    providerId: 'graph.facebook.com',
  });
  t.notOk('durationSeconds' in (facebook ?? {}), 'no duration recorded, none made up');
  t.match(r.calls[5], {
    principalTags: { team: 'payments', 'cost-center': '24680' },
    transitiveTagKeys: ['team'],
  });
});

t.test('cross-partition events: partitions, and who asked for the token', async (t) => {
  t.match(read('govcloud-eks.json').calls[0], {
    roleArn: 'arn:aws-us-gov:iam::444455556666:role/payments-api',
    provider: { partition: 'aws-us-gov', provider: 'eks' },
    sub: 'system:serviceaccount:payments:api',
  });
  t.match(read('china-eks.json').calls[0], {
    provider: { partition: 'aws-cn', provider: 'eks' },
    outcome: { code: 'AccessDenied' },
  });
  t.match(read('cross-partition.json').calls[0], {
    provider: { partition: 'aws-us-gov', account: '444455556666' },
    crossPartition: {
      sourcePrincipalArn: 'arn:aws:iam::111122223333:role/exporter',
      sourceRegion: 'us-east-1',
    },
  });
});

t.test('Cognito: audience and subject with colons', async (t) => {
  t.match(read('cognito.json').calls[0], {
    provider: { kind: 'builtin', provider: 'cognito' },
    aud: 'us-east-1:11111111-2222-3333-4444-555555555555',
    sub: 'us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    principalBasis: 'the event’s userName',
  });
});

/** An event of `event-success.json`, changed by `edit`. */
function edited(edit: (e: Record<string, unknown>) => void): string {
  const e = JSON.parse(text('event-success.json')) as Record<string, unknown>;
  edit(e);
  return JSON.stringify(e, null, 2);
}

t.test('bad inputs: one error, at its place, saying what is wrong', async (t) => {
  const user = (e: Record<string, unknown>) => e['userIdentity'] as Record<string, unknown>;
  const params = (e: Record<string, unknown>) => e['requestParameters'] as Record<string, unknown>;
  const cases: [string, string, RegExp, string | undefined][] = [
    [
      'another API',
      text('bad-other-api.json'),
      /no AssumeRoleWithWebIdentity event: the event is of GetCallerIdentity/,
      undefined,
    ],
    [
      'no roleArn',
      text('bad-missing-role.json'),
      /requestParameters has no "roleArn"/,
      '{\n    "roleSessionName"',
    ],
    ['not JSON', '{"Records": [', /not valid JSON/, undefined],
    ['a trailing comma', '{"eventName": "x",}', /not valid JSON/, undefined],
    ['Records not a list', '{"Records": {}}', /"Records" must be a list/, '{}'],
    ['an empty list', '{"Records": []}', /the list is empty/, undefined],
    ['an event that is a string', '{"Records": ["x"]}', /event 1 must be an object/, '"x"'],
    [
      'no eventName',
      '{"Records": [{"eventSource": "sts.amazonaws.com"}]}',
      /no "eventName"/,
      undefined,
    ],
    ['something else', '{"Resources": []}', /not a CloudTrail event/, undefined],
    ['Events not a list', '{"Events": 3}', /"Events" must be a list/, '3'],
    ['no CloudTrailEvent', '{"Events": [{"EventId": "x"}]}', /has no "CloudTrailEvent"/, undefined],
    [
      'CloudTrailEvent a number',
      '{"Events": [{"CloudTrailEvent": 7}]}',
      /must be a JSON string/,
      '7',
    ],
    [
      'another identity type',
      edited((e) => (user(e)['type'] = 'AssumedRole')),
      /userIdentity.type is "AssumedRole", not "WebIdentityUser"/,
      '"AssumedRole"',
    ],
    [
      'no userIdentity',
      edited((e) => delete e['userIdentity']),
      /the event has no "userIdentity"/,
      undefined,
    ],
    [
      'no principalId',
      edited((e) => delete user(e)['principalId']),
      /userIdentity has no "principalId"/,
      undefined,
    ],
    [
      'a principal id of no provider',
      edited((e) => (user(e)['principalId'] = 'nobody:aud:sub')),
      /userIdentity.principalId: "nobody:aud:sub" does not start/,
      '"nobody:aud:sub"',
    ],
    [
      'another identityProvider',
      edited((e) => (user(e)['identityProvider'] = 'accounts.google.com')),
      /identityProvider "accounts.google.com" is not the provider/,
      '"accounts.google.com"',
    ],
    [
      'no requestParameters',
      edited((e) => (e['requestParameters'] = null)),
      /the event has no "requestParameters"/,
      undefined,
    ],
    [
      'a duration that is text',
      edited((e) => (params(e)['durationSeconds'] = '3600')),
      /durationSeconds must be a number/,
      '"3600"',
    ],
    [
      'tags that are a list',
      edited((e) => (params(e)['principalTags'] = ['a'])),
      /principalTags must be an object/,
      undefined,
    ],
    [
      'a tag that is a number',
      edited((e) => (params(e)['principalTags'] = { a: 1 })),
      /principal tag "a" must be a string/,
      undefined,
    ],
    [
      'transitive keys that are not strings',
      edited((e) => (params(e)['transitiveTagKeys'] = [1])),
      /transitiveTagKeys must be a list of strings/,
      undefined,
    ],
    [
      'an empty errorCode',
      edited((e) => (e['errorCode'] = '')),
      /errorCode must be a non-empty string/,
      '""',
    ],
  ];
  for (const [name, input, message, where] of cases) {
    const r = readCloudTrail(input);
    t.equal(r.errors.length, 1, `${name}: one error`);
    const e = r.errors[0];
    t.match(e?.message, message, name);
    t.ok((e?.line ?? 0) >= 1 && (e?.column ?? 0) >= 1, `${name}: placed`);
    if (where !== undefined)
      t.same({ line: e?.line, column: e?.column }, at(input, where), `${name}: at ${where}`);
  }
});

t.test('a broken embedded event is placed at its character in the file', async (t) => {
  const s = text('bad-lookup-embedded.json');
  const r = readCloudTrail(s);
  t.equal(r.errors.length, 1);
  t.match(r.errors[0]?.message, /Events\[0\]\.CloudTrailEvent is not valid JSON/);
  // The parser stops at the quote that should have been a colon: `\"eventSource\" \"sts…`.
  const broken = at(s, '\\"eventSource\\" ');
  t.same(
    { line: r.errors[0]?.line, column: r.errors[0]?.column },
    { line: broken.line, column: broken.column + '\\"eventSource\\" '.length },
  );
});

t.test('an embedded event of another API inside lookup-events is skipped and named', async (t) => {
  const r = read('lookup-events.json');
  const skipped = r.skipped[0];
  t.match(skipped, { index: 3, eventName: 'GetCallerIdentity', eventSource: 'sts.amazonaws.com' });
  t.ok((skipped?.column ?? 0) > 1, 'placed inside the string');
  // An embedded event written as an object (not a string) is read too.
  const obj = readCloudTrail(
    JSON.stringify({ Events: [{ CloudTrailEvent: JSON.parse(text('event-success.json')) }] }),
  );
  t.equal(obj.calls.length, 1);
});
