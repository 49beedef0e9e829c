/**
 * policyFindings: the findings of a trust policy's shape, read from the policy alone (so every
 * run reports the same ones, whatever the tokens). A table of statements and the codes expected.
 */
import t from 'tap';
import { policyFindings } from '../../lib/explain/lint.js';
import { parsePolicy } from '../../lib/policy/parse.js';

const ARN = 'arn:aws:iam::111122223333:oidc-provider';
const GHA = 'token.actions.githubusercontent.com';

function statement(federated: string, condition: object, effect = 'Allow'): object {
  return {
    Sid: 'S',
    Effect: effect,
    Principal: { Federated: federated },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: condition,
  };
}

const GHA_BASE = { StringEquals: { [`${GHA}:sub`]: 'repo:acme/app:ref:refs/heads/main' } };

const ROWS: { name: string; statement: object; codes: string[] }[] = [
  { name: 'a sound GitHub statement', statement: statement(`${ARN}/${GHA}`, GHA_BASE), codes: [] },
  {
    name: ':iss is never a condition key',
    statement: statement(`${ARN}/${GHA}`, {
      ...GHA_BASE,
      StringLike: { [`${GHA}:iss`]: 'https://*' },
    }),
    codes: ['condition-key-absent'],
  },
  {
    name: "GitHub's repository_owner claim is not exposed",
    statement: statement(`${ARN}/${GHA}`, {
      StringEquals: {
        [`${GHA}:sub`]: 'repo:acme/app:ref:refs/heads/main',
        [`${GHA}:repository_owner`]: 'acme',
      },
    }),
    codes: ['condition-key-absent'],
  },
  {
    name: 'a typo of sub under ForAllValues',
    statement: statement(`${ARN}/${GHA}`, {
      ...GHA_BASE,
      'ForAllValues:StringEquals': { [`${GHA}:sbu`]: 'x' },
    }),
    codes: ['condition-key-absent'],
  },
  {
    name: 'ForAllValues on the single-valued sub',
    statement: statement(`${ARN}/${GHA}`, {
      'ForAllValues:StringLike': { [`${GHA}:sub`]: 'repo:acme/*' },
    }),
    codes: ['for-all-values-single-valued'],
  },
  {
    name: 'ForAnyValue on the multivalued amr of a generic provider is fine',
    statement: statement(`${ARN}/auth.example.com`, {
      StringEquals: { 'auth.example.com:sub': 'u' },
      'ForAllValues:StringEquals': { 'auth.example.com:amr': 'mfa' },
    }),
    codes: [],
  },
  {
    name: 'a key written with the provider ARN',
    statement: statement(`${ARN}/${GHA}`, {
      ...GHA_BASE,
      StringEquals: { [`${ARN}/${GHA}:aud`]: 'sts.amazonaws.com', [`${GHA}:sub`]: 'repo:a/b:*' },
    }),
    codes: ['key-written-with-provider-arn'],
  },
  {
    name: 'gitlab.com without a sub condition',
    statement: statement(`${ARN}/gitlab.com`, { StringEquals: { 'gitlab.com:aud': 'x' } }),
    codes: ['tenancy-condition-missing'],
  },
  {
    name: 'gitlab.com with sub "*" only',
    statement: statement(`${ARN}/gitlab.com`, { StringLike: { 'gitlab.com:sub': '*' } }),
    codes: ['tenancy-condition-missing'],
  },
  {
    name: 'gitlab.com scoped by sub',
    statement: statement(`${ARN}/gitlab.com`, {
      StringLike: { 'gitlab.com:sub': 'project_path:acme/*' },
    }),
    codes: [],
  },
  {
    name: 'gitlab.com in a Deny needs no sub',
    statement: statement(`${ARN}/gitlab.com`, { StringEquals: { 'gitlab.com:aud': 'x' } }, 'Deny'),
    codes: [],
  },
  {
    name: "GitHub's shared issuer is left to the write-time check",
    statement: statement(`${ARN}/${GHA}`, {
      StringEquals: { [`${GHA}:aud`]: 'sts.amazonaws.com' },
    }),
    codes: [],
  },
  {
    name: 'a private issuer needs no sub',
    statement: statement(`${ARN}/auth.example.com`, {
      StringEquals: { 'auth.example.com:aud': 'app' },
    }),
    codes: [],
  },
  {
    name: "keys of another service or provider are not the statement's",
    statement: statement(`${ARN}/${GHA}`, {
      ...GHA_BASE,
      IpAddress: { 'aws:SourceIp': '203.0.113.0/24' },
      StringEquals: { [`${GHA}:sub`]: 'repo:a/b:*', 'gitlab.com:iss': 'x' },
    }),
    codes: [],
  },
];

t.test('the findings of a statement, by table', async (t) => {
  for (const row of ROWS) {
    const parsed = parsePolicy(
      JSON.stringify({ Version: '2012-10-17', Statement: [row.statement] }),
    );
    if (!parsed.ok) throw new Error(`${row.name}: ${JSON.stringify(parsed.findings)}`);
    const found = policyFindings(parsed.policy);
    t.same(
      found.map((f) => f.code),
      row.codes,
      row.name,
    );
    for (const f of found) {
      t.equal(f.severity, 'warning', `${row.name}: a warning`);
      t.ok(f.span && f.span.start.line >= 1, `${row.name}: placed`);
      t.ok(f.hint !== undefined && f.hint !== '', `${row.name}: says what would be right`);
    }
  }
});

t.test('the same policy always gets the same findings', async (t) => {
  // Sids are unique in a policy.
  const statements = ROWS.map((r, i) => ({ ...r.statement, Sid: `S${i}` }));
  const text = JSON.stringify({ Version: '2012-10-17', Statement: statements });
  const a = parsePolicy(text);
  const b = parsePolicy(text);
  if (!a.ok || !b.ok) throw new Error('parse');
  t.same(policyFindings(a.policy), policyFindings(b.policy));
  t.equal(
    policyFindings(a.policy).length,
    ROWS.reduce((n, r) => n + r.codes.length, 0),
    'the statements add up',
  );
});
