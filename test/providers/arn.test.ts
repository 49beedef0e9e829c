import fc from 'fast-check';
import t from 'tap';
import {
  PARTITIONS,
  parseFederatedPrincipal as parsePrincipal,
} from '../../lib/policy/principal.js';
import {
  compareIssuer,
  federatedPrincipalFor,
  hostPathFromIssuer,
  hostPathFromProviderUrl,
  oidcProviderArn,
  parseFederatedPrincipal,
  parseRoleArn,
} from '../../lib/providers/index.js';

t.test('hostPathFromIssuer: accepted issuers', async (t) => {
  const rows: Array<{ iss: string; hostPath: string; trailingSlash: boolean; spec: string }> = [
    {
      iss: 'https://token.actions.githubusercontent.com',
      hostPath: 'token.actions.githubusercontent.com',
      trailingSlash: false,
      spec: '§1.3',
    },
    {
      iss: 'https://oidc.eks.us-east-1.amazonaws.com/id/ABC123',
      hostPath: 'oidc.eks.us-east-1.amazonaws.com/id/ABC123',
      trailingSlash: false,
      spec: '§1.3 path kept',
    },
    {
      iss: 'https://server.example.com/',
      hostPath: 'server.example.com/',
      trailingSlash: true,
      spec: '§1.3 UNCONFIRMED 6: trailing / kept and reported',
    },
    {
      iss: 'https://Server.Example.com',
      hostPath: 'Server.Example.com',
      trailingSlash: false,
      spec: '§1.3 case-sensitive, kept as written',
    },
    {
      iss: 'accounts.google.com',
      hostPath: 'accounts.google.com',
      trailingSlash: false,
      spec: "§7 Google's scheme-less iss",
    },
  ];
  for (const r of rows) {
    const got = hostPathFromIssuer(r.iss);
    t.ok(got.ok, `${r.iss} accepted (${r.spec})`);
    if (got.ok) {
      t.equal(got.hostPath, r.hostPath, `${r.iss} → ${r.hostPath}`);
      t.equal(got.trailingSlash, r.trailingSlash, `${r.iss} trailingSlash ${r.trailingSlash}`);
    }
  }
});

t.test('hostPathFromIssuer: refused issuers (§1.3)', async (t) => {
  const rows: Array<{ iss: string; match: RegExp; hint?: string }> = [
    { iss: 'http://example.com', match: /http:\/\//, hint: 'https://example.com' },
    { iss: 'HTTPS://example.com', match: /capitals/, hint: 'write https://example.com' },
    { iss: 'example.com', match: /no https:\/\/ scheme/, hint: 'https://example.com' },
    { iss: 'https://example.com/x?tenant=1', match: /query string/, hint: 'https://example.com/x' },
    { iss: 'https://example.com/x#frag', match: /fragment/, hint: 'https://example.com/x' },
    { iss: 'https://example.com:8443/x', match: /port/, hint: 'https://example.com/x' },
    { iss: 'https://user@example.com', match: /user information/, hint: 'https://example.com' },
    { iss: 'https://', match: /no host/ },
    { iss: 'https:///path', match: /no host/ },
    { iss: '', match: /empty/ },
    { iss: 'https://exa mple.com', match: /white space/ },
  ];
  for (const r of rows) {
    const got = hostPathFromIssuer(r.iss);
    t.notOk(got.ok, `${JSON.stringify(r.iss)} refused`);
    if (!got.ok) {
      t.match(got.message, r.match, `${JSON.stringify(r.iss)}: ${got.message}`);
      if (r.hint) t.equal(got.hint, r.hint, `${JSON.stringify(r.iss)} hint`);
    }
  }
});

t.test('hostPathFromProviderUrl accepts the scheme-less form (UNCONFIRMED 7)', async (t) => {
  t.same(hostPathFromProviderUrl('token.actions.githubusercontent.com'), {
    ok: true,
    hostPath: 'token.actions.githubusercontent.com',
    trailingSlash: false,
  });
  t.same(hostPathFromProviderUrl('https://gitlab.com'), {
    ok: true,
    hostPath: 'gitlab.com',
    trailingSlash: false,
  });
  t.notOk(hostPathFromProviderUrl('http://gitlab.com').ok);
});

t.test(
  'compareIssuer: exact, with trailing-slash and letter-case as distinct failures (UNCONFIRMED 6)',
  async (t) => {
    const rows: Array<{ iss: string; url: string; reason?: string }> = [
      { iss: 'https://gitlab.com', url: 'https://gitlab.com' },
      { iss: 'https://gitlab.com', url: 'gitlab.com' },
      { iss: 'https://example.com/', url: 'https://example.com', reason: 'trailing-slash' },
      { iss: 'https://example.com', url: 'https://example.com/', reason: 'trailing-slash' },
      { iss: 'https://Example.com', url: 'https://example.com', reason: 'letter-case' },
      { iss: 'https://a.example.com', url: 'https://b.example.com', reason: 'different' },
      { iss: 'http://a.example.com', url: 'https://a.example.com', reason: 'invalid-issuer' },
      {
        iss: 'https://a.example.com',
        url: 'https://a.example.com?x',
        reason: 'invalid-provider-url',
      },
    ];
    for (const r of rows) {
      const got = compareIssuer(r.iss, r.url);
      if (r.reason === undefined) t.same(got, { match: true }, `${r.iss} = ${r.url}`);
      else {
        t.equal(got.match, false, `${r.iss} ≠ ${r.url}`);
        if (!got.match) {
          t.equal(got.reason, r.reason, `${r.iss} vs ${r.url}: ${got.reason}`);
          if (r.reason === 'trailing-slash' || r.reason === 'letter-case') {
            t.match(got.unconfirmed, /UNCONFIRMED 6/);
            t.ok(got.hint, 'a hint says how to fix it');
          }
        }
      }
    }
    const slash = compareIssuer('https://example.com', 'https://example.com/');
    t.match(
      !slash.match && slash.message,
      /provider URL "https:\/\/example.com\/" ends with a trailing "\/"/,
    );
  },
);

t.test('oidcProviderArn and federatedPrincipalFor in each partition (§1.3, §2.1)', async (t) => {
  for (const partition of ['aws', 'aws-us-gov', 'aws-cn']) {
    t.equal(
      oidcProviderArn(partition, '123456789012', 'server.example.com'),
      `arn:${partition}:iam::123456789012:oidc-provider/server.example.com`,
    );
    t.equal(
      federatedPrincipalFor('gitlab.com', false, partition, '123456789012'),
      `arn:${partition}:iam::123456789012:oidc-provider/gitlab.com`,
    );
    t.equal(
      federatedPrincipalFor('accounts.google.com', true, partition, '123456789012'),
      'accounts.google.com',
    );
  }
});

t.test('parseFederatedPrincipal: valid values (§2.1)', async (t) => {
  const rows: Array<{ value: string; want: Record<string, unknown>; spec: string }> = [
    {
      value: 'accounts.google.com',
      want: { kind: 'builtin', hostPath: 'accounts.google.com', provider: 'google' },
      spec: '§2.1',
    },
    {
      value: 'graph.facebook.com',
      want: { kind: 'builtin', hostPath: 'graph.facebook.com', provider: 'facebook' },
      spec: '§2.1',
    },
    {
      value: 'www.amazon.com',
      want: { kind: 'builtin', hostPath: 'www.amazon.com', provider: 'amazon' },
      spec: '§2.1',
    },
    {
      value: 'cognito-identity.amazonaws.com',
      want: { kind: 'builtin', hostPath: 'cognito-identity.amazonaws.com', provider: 'cognito' },
      spec: '§2.1',
    },
    {
      value: 'cognito-identity.amazonaws.com.cn',
      want: {
        kind: 'builtin',
        hostPath: 'cognito-identity.amazonaws.com.cn',
        provider: 'cognito',
        partition: 'aws-cn',
      },
      spec: '§2.1 UNCONFIRMED 13',
    },
    {
      value: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
      want: {
        kind: 'oidc',
        partition: 'aws',
        account: '123456789012',
        hostPath: 'token.actions.githubusercontent.com',
      },
      spec: '§2.1',
    },
    {
      value:
        'arn:aws-us-gov:iam::123456789012:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/ABC',
      want: {
        kind: 'oidc',
        partition: 'aws-us-gov',
        account: '123456789012',
        hostPath: 'oidc.eks.us-gov-west-1.amazonaws.com/id/ABC',
      },
      spec: '§2.1 partitions',
    },
    {
      value:
        'arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC',
      want: {
        kind: 'oidc',
        partition: 'aws-cn',
        hostPath: 'oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC',
      },
      spec: '§2.1 partitions',
    },
    {
      value: 'arn:aws:iam::123456789012:saml-provider/Okta',
      want: { kind: 'saml', partition: 'aws', account: '123456789012', name: 'Okta' },
      spec: '§2.1',
    },
  ];
  for (const r of rows) t.match(parseFederatedPrincipal(r.value), r.want, `${r.value} (${r.spec})`);
  const cn = parseFederatedPrincipal('cognito-identity.amazonaws.com.cn');
  t.match(cn.kind === 'builtin' && cn.unconfirmed, /UNCONFIRMED 13/);
  const gh = parseFederatedPrincipal(
    'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
  );
  t.equal(
    gh.kind === 'oidc' && gh.arn,
    'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
  );
});

t.test('parseFederatedPrincipal: invalid values with hints (§2.1)', async (t) => {
  const rows: Array<{ value: string; match: RegExp; hint?: string | RegExp }> = [
    { value: '', match: /empty/ },
    { value: 'Accounts.Google.com', match: /letter case/, hint: 'accounts.google.com' },
    {
      value: 'token.actions.githubusercontent.com',
      match: /named by its ARN/,
      // One parser reads principals (lib/policy/principal.ts); its hints write the account as ACCOUNT.
      hint: 'arn:aws:iam::ACCOUNT:oidc-provider/token.actions.githubusercontent.com',
    },
    {
      value: 'https://token.actions.githubusercontent.com',
      match: /is a URL/,
      hint: /oidc-provider\/token\.actions/,
    },
    { value: 'https://accounts.google.com', match: /is a URL/, hint: 'accounts.google.com' },
    { value: 'arn:aws:iam::123456789012:role/x', match: /not an identity-provider ARN/ },
    { value: 'arn:aws:iam::12345:oidc-provider/gitlab.com', match: /not 12 digits/ },
    {
      value: 'arn:aws:iam:us-east-1:123456789012:oidc-provider/gitlab.com',
      match: /no region/,
      hint: 'arn:aws:iam::123456789012:oidc-provider/gitlab.com',
    },
    { value: 'arn:amazon:iam::123456789012:oidc-provider/gitlab.com', match: /not a partition/ },
    { value: 'arn:aws:iam::123456789012:oidc-provider/*', match: /wildcards/ },
    { value: 'arn:aws:iam::123456789012:oidc-provider/', match: /names no provider/ },
    {
      value: 'arn:aws:iam::123456789012:oidc-provider/https://gitlab.com',
      match: /no scheme/,
      hint: 'arn:aws:iam::123456789012:oidc-provider/gitlab.com',
    },
    {
      value: 'arn:aws:iam::123456789012:saml-provider/bad name!',
      match: /white space|SAML provider name/,
    },
    { value: 'arn:aws:iam::123456789012:saml-provider/bad!', match: /SAML provider name/ },
    { value: 'arn:aws:iam', match: /well-formed/ },
    { value: ' accounts.google.com', match: /white space/ },
  ];
  for (const r of rows) {
    const got = parseFederatedPrincipal(r.value);
    t.equal(got.kind, 'invalid', `${JSON.stringify(r.value)} is invalid`);
    if (got.kind === 'invalid') {
      t.match(got.message, r.match, `${JSON.stringify(r.value)}: ${got.message}`);
      if (r.hint !== undefined) t.match(got.hint, r.hint, `${JSON.stringify(r.value)} hint`);
    }
  }
});

t.test('parseRoleArn: valid (§2.1)', async (t) => {
  const rows: Array<{
    arn: string;
    partition: string;
    account: string;
    path: string;
    name: string;
  }> = [
    {
      arn: 'arn:aws:iam::123456789012:role/deploy',
      partition: 'aws',
      account: '123456789012',
      path: '/',
      name: 'deploy',
    },
    {
      arn: 'arn:aws:iam::123456789012:role/application_abc/component_xyz/RDSAccess',
      partition: 'aws',
      account: '123456789012',
      path: '/application_abc/component_xyz/',
      name: 'RDSAccess',
    },
    {
      arn: 'arn:aws-us-gov:iam::123456789012:role/ci/gh',
      partition: 'aws-us-gov',
      account: '123456789012',
      path: '/ci/',
      name: 'gh',
    },
    {
      arn: 'arn:aws-cn:iam::123456789012:role/a+b=c,d.e@f-g_h',
      partition: 'aws-cn',
      account: '123456789012',
      path: '/',
      name: 'a+b=c,d.e@f-g_h',
    },
    {
      arn: `arn:aws:iam::123456789012:role/${'n'.repeat(64)}`,
      partition: 'aws',
      account: '123456789012',
      path: '/',
      name: 'n'.repeat(64),
    },
  ];
  for (const r of rows) {
    const got = parseRoleArn(r.arn);
    t.match(
      got,
      { ok: true, partition: r.partition, account: r.account, path: r.path, name: r.name },
      r.arn,
    );
  }
});

t.test('parseRoleArn: invalid with hints (§1.2, §2.1)', async (t) => {
  const rows: Array<{ arn: string; match: RegExp; hint?: RegExp }> = [
    { arn: '', match: /empty/ },
    { arn: 'deploy', match: /well-formed/ },
    {
      arn: 'arn:aws:sts::123456789012:assumed-role/deploy/session',
      match: /assumed-role session ARN/,
      hint: /arn:aws:iam::123456789012:role\/deploy/,
    },
    { arn: 'arn:aws:iam::123456789012:user/alice', match: /not an IAM role ARN/ },
    { arn: 'arn:aws:iam::123456789012:role/', match: /role name is missing/ },
    { arn: 'arn:aws:iam::123456789012:role/ci/', match: /role name is missing/, hint: /role\/ci$/ },
    { arn: 'arn:aws:iam::123456789012:role/has space', match: /" "/ },
    { arn: 'arn:aws:iam::123456789012:role/a:b', match: /":"/ },
    { arn: `arn:aws:iam::123456789012:role/${'n'.repeat(65)}`, match: /65 characters; at most 64/ },
    { arn: 'arn:aws:iam::123456789012:role/a//b', match: /role path/ },
    { arn: `arn:aws:iam::123456789012:role/${'p'.repeat(511)}/x`, match: /at most 512/ },
    { arn: 'arn:aws:iam::1234:role/x', match: /not 12 digits/ },
    { arn: 'arn:aws:iam:us-east-1:123456789012:role/x', match: /no region/ },
    { arn: 'arn:foo:iam::123456789012:role/x', match: /not a partition/ },
    { arn: `arn:aws:iam::123456789012:role/${'p/'.repeat(1100)}x`, match: /20–2048/ },
  ];
  for (const r of rows) {
    const got = parseRoleArn(r.arn);
    t.equal(got.ok, false, `${r.arn.slice(0, 60)} is invalid`);
    if (!got.ok) {
      t.match(got.message, r.match, `${r.arn.slice(0, 60)}: ${got.message.slice(0, 120)}`);
      if (r.hint) t.match(got.hint, r.hint);
    }
  }
});

t.test('hostPathFromIssuer: a port with a path keeps the path in the hint (§1.3)', async (t) => {
  const got = hostPathFromIssuer('https://example.com:443');
  t.match(!got.ok && got.hint, 'https://example.com');
});

t.test(
  'one partition list for role ARNs and Federated principals (structure review P4)',
  async (t) => {
    const rows: Array<{ partition: string; valid: boolean }> = [
      ...PARTITIONS.map((partition) => ({ partition, valid: true })),
      // Shaped like a partition, but not one: refused by both (before, role ARNs took any aws-*).
      { partition: 'aws-foo', valid: false },
      { partition: 'aws-iso-x', valid: false },
      { partition: 'aws-', valid: false },
      { partition: 'AWS', valid: false },
      { partition: 'amazon', valid: false },
      { partition: '', valid: false },
    ];
    for (const r of rows) {
      const role = parseRoleArn(`arn:${r.partition}:iam::123456789012:role/deploy`);
      t.equal(role.ok, r.valid, `role ARN in ${JSON.stringify(r.partition)}`);
      if (!role.ok && !r.valid) t.match(role.message, /not a partition/);
      const arn = `arn:${r.partition}:iam::123456789012:oidc-provider/gitlab.com`;
      t.equal(
        parsePrincipal(arn).ok,
        r.valid,
        `Federated principal in ${JSON.stringify(r.partition)}`,
      );
      t.equal(parseFederatedPrincipal(arn).kind, r.valid ? 'oidc' : 'invalid', `simulator's view`);
    }
  },
);

/** What a reading says, in one shape: valid or not, and which provider in which account. */
function viaPolicy(v: string): Record<string, unknown> {
  const r = parsePrincipal(v);
  if (!r.ok) return { valid: false };
  const p = r.principal;
  // A built-in in other letter case is accepted with a warning, but under the exact reading
  // (§3.6, UNCONFIRMED 6) it names no provider: the simulator never matches it.
  if (p.kind === 'built-in')
    return p.caseDiffers ? { valid: false } : { valid: true, kind: 'builtin', provider: p.name };
  if (p.kind === 'oidc')
    return {
      valid: true,
      kind: 'oidc',
      partition: p.partition,
      account: p.account,
      provider: p.provider,
    };
  return {
    valid: true,
    kind: 'saml',
    partition: p.partition,
    account: p.account,
    provider: p.name,
  };
}

function viaProviders(v: string): Record<string, unknown> {
  const p = parseFederatedPrincipal(v);
  if (p.kind === 'invalid') return { valid: false };
  if (p.kind === 'builtin') return { valid: true, kind: 'builtin', provider: p.hostPath };
  if (p.kind === 'oidc')
    return {
      valid: true,
      kind: 'oidc',
      partition: p.partition,
      account: p.account,
      provider: p.hostPath,
    };
  return {
    valid: true,
    kind: 'saml',
    partition: p.partition,
    account: p.account,
    provider: p.name,
  };
}

// Carried over from test/consistency (deleted once the simulator's reader became a view of the
// policy parser): real and broken forms, then random edits of valid ones.
const A = '111122223333';
const PRINCIPALS = [
  'accounts.google.com',
  'graph.facebook.com',
  'www.amazon.com',
  'cognito-identity.amazonaws.com',
  'cognito-identity.amazonaws.com.cn',
  `arn:aws:iam::${A}:oidc-provider/token.actions.githubusercontent.com`,
  `arn:aws:iam::${A}:oidc-provider/token.actions.githubusercontent.com/acme`,
  `arn:aws-us-gov:iam::${A}:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/ABC123`,
  `arn:aws-cn:iam::${A}:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC123`,
  `arn:aws:iam::${A}:oidc-provider/api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc`,
  `arn:aws:iam::${A}:saml-provider/Okta`,
  'Accounts.Google.com',
  `arn:aws:iam::${A}:oidc-provider/https://gitlab.com`,
  `arn:aws:iam::${A}:oidc-provider/`,
  `arn:aws:iam::1234:oidc-provider/gitlab.com`,
  `arn:aws:iam::*:oidc-provider/gitlab.com`,
  `arn:aws:sts::${A}:oidc-provider/gitlab.com`,
  `arn:aws:iam::${A}:role/x`,
  `arn:nope:iam::${A}:oidc-provider/gitlab.com`,
  `arn:aws-foo:iam::${A}:oidc-provider/gitlab.com`,
  `arn:aws:iam::${A}:oidc-provider/gitlab.com:443`,
  `arn:aws:iam::${A}:oidc-provider/git lab.com`,
  'gitlab.com',
  '',
  '*',
];
const VALID = 11;

t.test('the simulator reads every Federated principal as the policy parser does', async (t) => {
  PRINCIPALS.forEach((v, i) => {
    const got = viaProviders(v);
    t.same(got, viaPolicy(v), JSON.stringify(v));
    t.equal(got.valid, i < VALID, `${JSON.stringify(v)} is ${i < VALID ? 'valid' : 'invalid'}`);
  });
});

t.test('…and every edit of a valid one', async (t) => {
  const edit = fc.tuple(
    fc.constantFrom(...PRINCIPALS.slice(0, VALID)),
    fc.nat(80),
    fc.nat(3),
    fc.constantFrom('/', ':', '.', '-', 'A', '*', ' ', '%', '_', '9'),
  );
  const disagreements: string[] = [];
  fc.assert(
    fc.property(edit, ([v, at, op, ch]) => {
      const i = at % (v.length + 1);
      const m =
        op === 0
          ? v.slice(0, i) + ch + v.slice(i)
          : op === 1
            ? v.slice(0, i) + v.slice(i + 1)
            : op === 2
              ? v.slice(0, i) + ch + v.slice(i + 1)
              : v.slice(0, i);
      const a = JSON.stringify(viaPolicy(m));
      const b = JSON.stringify(viaProviders(m));
      if (a !== b && disagreements.length < 20)
        disagreements.push(`${JSON.stringify(m)}: policy ${a} vs providers ${b}`);
    }),
    { numRuns: 3000, seed: 42 },
  );
  t.same(disagreements, [], 'no disagreement');
});
