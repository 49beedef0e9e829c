/**
 * The clean-policy fast path (lib/policy/clean.ts) against the full reader (`parseJson`, then the
 * model builder): whenever the fast path returns a model, the full reader must report no finding
 * and build the very same model — values, spans, sizes and the order of properties. Policies are
 * generated from the elements' usual and unusual shapes (about half of them clean), written with
 * several layouts, and mutated character by character.
 */
import { deepStrictEqual } from 'node:assert';
import fc from 'fast-check';
import t from 'tap';
import { readCleanPolicy } from '../../lib/policy/clean.js';
import { parsePolicy, policyFromJsonText } from '../../lib/policy/parse.js';

const GH = 'token.actions.githubusercontent.com';
const ARN = `arn:aws:iam::111122223333:oidc-provider/${GH}`;

/** Mostly what a clean policy holds, sometimes what draws a finding. */
const principal = fc.oneof(
  { weight: 32, arbitrary: fc.constant({ Federated: ARN }) },
  { weight: 2, arbitrary: fc.constant({ Federated: [ARN, 'cognito-identity.amazonaws.com'] }) },
  { weight: 2, arbitrary: fc.constant({ Federated: 'accounts.google.com' }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '*',
      { AWS: '*' },
      { Federated: [] },
      {},
      { federated: ARN },
      { Federated: 'arn:aws:iam::1:oidc-provider/x' },
      { Federated: `${ARN}*` },
      { AWS: 'arn:aws:iam::111122223333:root' },
      { Federated: 'Accounts.Google.com' },
    ),
  },
);
const action = fc.oneof(
  { weight: 32, arbitrary: fc.constant('sts:AssumeRoleWithWebIdentity') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'], '*', 'sts:*'),
  },
  { weight: 1, arbitrary: fc.constantFrom('sts assume', [], 7, ['sts:X', 1]) },
);
const values = fc.oneof(
  { weight: 48, arbitrary: fc.constantFrom('sts.amazonaws.com', 'repo:acme/*', 'a b', '${aws:x}') },
  {
    weight: 3,
    arbitrary: fc.array(fc.constantFrom('repo:a/b:ref:main', 'x*', 'é'), {
      minLength: 1,
      maxLength: 3,
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom([], 10, true, null, ['a', 2], { a: 'b' }, '中') },
);
const key = fc.oneof(
  {
    weight: 48,
    arbitrary: fc.constantFrom(`${GH}:sub`, `${GH}:aud`, 'aws:SourceIp', 'k:x', 'j:x'),
  },
  { weight: 1, arbitrary: fc.constantFrom(`${GH.toUpperCase()}:SUB`, '') },
);
const operator = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.constantFrom(
      'StringEquals',
      'StringLike',
      'ForAnyValue:StringLike',
      'StringNotEqualsIfExists',
      'IpAddress',
      'Null',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('StringEqual', 'stringequals') },
);
const block = fc.oneof(
  { weight: 48, arbitrary: fc.dictionary(key, values, { minKeys: 1, maxKeys: 2 }) },
  { weight: 1, arbitrary: fc.constant({}) },
);
const condition = fc.oneof(
  { weight: 24, arbitrary: fc.dictionary(operator, block, { minKeys: 1, maxKeys: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom({}, [], 'x') },
);
const statement = fc
  .record(
    {
      Sid: fc.oneof(
        { weight: 48, arbitrary: fc.stringMatching(/^[A-Za-z0-9]{1,10}$/) },
        { weight: 1, arbitrary: fc.constantFrom('', 'with-dash', 7) },
      ),
      Effect: fc.oneof(
        { weight: 36, arbitrary: fc.constantFrom('Allow', 'Deny') },
        { weight: 1, arbitrary: fc.constantFrom('allow', 1) },
      ),
      Principal: principal,
      Action: action,
      Condition: condition,
      NotAction: fc.constant('sts:TagSession'),
      Resource: fc.constant('*'),
    },
    { requiredKeys: [] },
  )
  .map((s) => {
    // Most statements have the three required elements and no NotAction or Resource.
    const h = JSON.stringify(s).length;
    if (h % 17 !== 0) {
      delete s.NotAction;
      delete s.Resource;
      s.Effect ??= 'Allow';
      s.Principal ??= { Federated: ARN };
      s.Action ??= 'sts:AssumeRoleWithWebIdentity';
    }
    return s;
  });
const policy = fc
  .record(
    {
      Version: fc.oneof(
        { weight: 48, arbitrary: fc.constant('2012-10-17') },
        { weight: 1, arbitrary: fc.constantFrom('2008-10-17', '2012-10-18', 2012, undefined) },
      ),
      Id: fc.option(fc.constantFrom('deploy', 'x y'), { freq: 3 }),
      Statement: fc.oneof(
        { weight: 32, arbitrary: fc.array(statement, { minLength: 1, maxLength: 4 }) },
        { weight: 2, arbitrary: statement },
        { weight: 1, arbitrary: fc.constantFrom([], 'x', null) },
      ),
      extra: fc.oneof(
        { weight: 30, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom('Statements', 'statement', 'Sid') },
      ),
    },
    { requiredKeys: ['Version', 'Statement', 'Id', 'extra'] },
  )
  .map(({ Version, Id, Statement, extra }) => ({
    ...(Version === undefined ? {} : { Version }),
    ...(Id === null ? {} : { Id }),
    Statement,
    ...(extra === null ? {} : { [extra]: [] }),
  }));
/** The layouts editors and tools write. */
const layout = fc.constantFrom(
  (v: unknown) => JSON.stringify(v),
  (v: unknown) => JSON.stringify(v, null, 2),
  (v: unknown) => JSON.stringify(v, null, '\t'),
  (v: unknown) => JSON.stringify(v, null, 4).replace(/\n/g, '\r\n'),
  (v: unknown) => `\n  ${JSON.stringify(v, null, 1).replace(/\n/g, '\r')}\n\n`,
);

/** Characters that matter to JSON, plus a few IAM refuses. */
const unit = fc.constantFrom(...Array.from('{}[]",:\\ \n\r\t*aZ0é中\u0000'));
const mutation = fc.record({
  at: fc.nat(),
  remove: fc.nat({ max: 3 }),
  insert: fc.string({ unit, maxLength: 3 }),
});

let accepted = 0;
let fullyClean = 0;

/** The fast path gives the full reader's model or nothing; parsePolicy is the full reader's answer. */
function agrees(text: string): void {
  const fast = readCleanPolicy(text);
  const full = policyFromJsonText(text);
  if (full.ok && full.findings.length === 0) fullyClean++;
  if (fast) {
    accepted++;
    if (!full.ok || full.findings.length > 0) {
      throw new Error(
        `the fast path took a policy with findings: ${JSON.stringify(full.findings.map((f) => f.code))}`,
      );
    }
    deepStrictEqual(fast, full.policy);
    if (JSON.stringify(fast) !== JSON.stringify(full.policy))
      throw new Error('property order differs');
  }
  const viaEntry = parsePolicy(text, { format: 'json' });
  deepStrictEqual(viaEntry, fast ? { ok: true, policy: fast, findings: [] } : full);
}

t.test('the fast path builds the full reader’s model, or leaves the policy to it', async (t) => {
  accepted = 0;
  fullyClean = 0;
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(policy, layout, (p, write) => agrees(write(p))),
      { numRuns: 1500, seed: 61 },
    ),
  );
  // Generated to be clean about half of the time: the comparison must not be vacuous.
  t.ok(accepted > 300, `the fast path took ${accepted} of 1500 policies`);
  t.ok(accepted >= fullyClean * 0.8, `${accepted} taken of ${fullyClean} without findings`);
});

t.test('mutated policies: the same agreement, whatever the damage', async (t) => {
  const seed = fc.tuple(policy, layout).map(([p, write]) => write(p));
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(seed, fc.array(mutation, { minLength: 1, maxLength: 4 }), (text, ms) => {
        let out = text;
        for (const m of ms) {
          const at = m.at % (out.length + 1);
          out = out.slice(0, at) + m.insert + out.slice(at + m.remove);
        }
        agrees(out);
      }),
      { numRuns: 1500, seed: 62 },
    ),
  );
});

t.test('what the fast path gives up on goes to the full reader', async (t) => {
  const clean = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Deploy',
        Effect: 'Allow',
        Principal: { Federated: ARN },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringLike: { [`${GH}:sub`]: 'repo:acme/app:*' } },
      },
    ],
  };
  const text = JSON.stringify(clean, null, 2);
  t.ok(readCleanPolicy(text), 'a clean policy is taken');
  const cases: [string, string][] = [
    ['\ufeff' + text, 'a byte-order mark'],
    [text.replace('Deploy', 'De\\u0070loy'), 'an escape'],
    [text.replace('"Version": "2012-10-17"', '"Version": "2008-10-17"'), 'the old version'],
    [text.replace('"Version": "2012-10-17",', ''), 'no Version'],
    [text.replace('"Sid": "Deploy"', '"Sid": "De-ploy"'), 'a Sid with a dash'],
    [
      text.replace('repo:acme/app:*', 'repo:acme/app:main'),
      'StringLike without a wildcard (compile warns, parse does not)',
    ],
    [text + ' x', 'trailing content'],
    [text.replace('}\n  ]', '},\n  ]'), 'a trailing comma'],
    [text.replace('"Effect": "Allow"', '"Effect": "Allow", "Effect": "Allow"'), 'a duplicate key'],
    [text.replace('StringLike', 'StringLikeX'), 'an unknown operator'],
    [
      text.replace('"StringLike": {', '"StringLike": {"k:x": "1"}, "StringLike": {'),
      'an operator block twice',
    ],
    [
      text.replace(`"${GH}:sub": `, `"k:x": "1", "K:X": "2", "${GH}:sub": `),
      'a key twice, in another case',
    ],
    [text.replace(`"${GH}:sub": `, `"k:x": "1", "k:x": "2", "${GH}:sub": `), 'a key twice'],
    [text.replace('"Version"', '"Id": "a", "Id": "b", "Version"'), 'Id twice'],
    [
      text.replace(
        '[\n    {',
        '[\n    {"Sid": "Deploy", "Effect": "Deny", "Principal": "*", "Action": "*"},\n    {',
      ),
      'a Sid twice (and a wildcard principal)',
    ],
    [
      text.replace(
        '[\n    {',
        '[\n    {"Sid": "Deploy", "Effect": "Deny", "Principal": {"Federated": "accounts.google.com"}, "Action": "*"},\n    {',
      ),
      'a Sid twice',
    ],
    [
      text.replace(
        '[\n    {',
        '[\n    {"Sid": "", "Effect": "Deny", "Principal": {"Federated": "accounts.google.com"}, "Action": "*"},\n    {"Sid": "",',
      ),
      'an empty Sid twice (no finding)',
    ],
    [text.replace('"Action"', '"NotAction"'), 'NotAction'],
    [text.replace('repo:acme/app:*', 'x'.repeat(2100)), 'over the size quota'],
    [text.replace('repo:acme/app:*', 'é'), 'Latin-1 in a value'],
    [text.replace('repo:acme/app:*', '中'), 'beyond Latin-1'],
  ];
  for (const [variant, why] of cases) {
    const full = policyFromJsonText(variant);
    const fast = readCleanPolicy(variant);
    if (fast) {
      t.ok(
        full.ok && full.findings.length === 0,
        `${why}: taken only when the full reader finds nothing`,
      );
      t.same(fast, full.policy, `${why}: the same model`);
    } else t.pass(`${why}: left to the full reader`);
    t.same(parsePolicy(variant), full, `${why}: parsePolicy answers as the full reader`);
  }
  t.ok(readCleanPolicy(text.replace('repo:acme/app:*', 'é')), 'a Latin-1 value is still clean');
  t.equal(
    readCleanPolicy(text.replace('repo:acme/app:*', '中')),
    undefined,
    'beyond Latin-1 is not',
  );
});
