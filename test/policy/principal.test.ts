import t from 'tap';
import { PARTITIONS, parseFederatedPrincipal, parsePolicy } from '../../lib/policy/index.js';
import { compilePolicy } from '../../lib/sts/compile.js';

const valid: [string, unknown][] = [
  ['accounts.google.com', { kind: 'built-in', name: 'accounts.google.com' }],
  ['graph.facebook.com', { kind: 'built-in', name: 'graph.facebook.com' }],
  ['www.amazon.com', { kind: 'built-in', name: 'www.amazon.com' }],
  ['cognito-identity.amazonaws.com', { kind: 'built-in', name: 'cognito-identity.amazonaws.com' }],
  [
    'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
    {
      kind: 'oidc',
      partition: 'aws',
      account: '123456789012',
      host: 'token.actions.githubusercontent.com',
      path: '',
      provider: 'token.actions.githubusercontent.com',
    },
  ],
  [
    'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com/acme-corp',
    { kind: 'oidc', path: '/acme-corp', provider: 'token.actions.githubusercontent.com/acme-corp' },
  ],
  [
    'arn:aws-us-gov:iam::123456789012:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
    { kind: 'oidc', partition: 'aws-us-gov', host: 'oidc.eks.us-gov-west-1.amazonaws.com' },
  ],
  [
    'arn:aws:iam::123456789012:oidc-provider/api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc',
    { kind: 'oidc', path: '/2.0/workspaces/acme/pipelines-config/identity/oidc' },
  ],
  [
    'arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/0c2b6a6e-1b8e-4a0a-8b1e-3f4a5b6c7d8e',
    { kind: 'oidc', host: 'oidc.circleci.com' },
  ],
  ['arn:aws:iam::123456789012:oidc-provider/localhost', { kind: 'oidc', host: 'localhost' }],
  [
    'arn:aws:iam::123456789012:oidc-provider/idp.example.com/realms/a%2Fb',
    { kind: 'oidc', path: '/realms/a%2Fb' },
  ],
  // Provider URLs ending with "/" are valid and keep the slash in the ARN and the key prefix
  // (fidelity corrections, item 2): Mozilla's production Auth0 setup documents Federated
  // "arn:aws:iam::*:oidc-provider/auth.mozilla.auth0.com/" with keys "auth.mozilla.auth0.com/:aud"
  // (mozilla-iam/mozilla-aws-cli README, Troubleshooting); SAM CLI created the provider
  // "own-gitlab.com/" (https://github.com/aws/aws-sam-cli/issues/7432); Entra ID v1 issuers are
  // https://sts.windows.net/TENANT/.
  [
    'arn:aws:iam::111122223333:oidc-provider/auth-dev.example.auth0.com/',
    {
      kind: 'oidc',
      host: 'auth-dev.example.auth0.com',
      path: '/',
      provider: 'auth-dev.example.auth0.com/',
    },
  ],
  [
    'arn:aws:iam::111122223333:oidc-provider/sts.windows.net/9188040d-6c67-4c5b-b112-36a304b66dad/',
    {
      kind: 'oidc',
      host: 'sts.windows.net',
      path: '/9188040d-6c67-4c5b-b112-36a304b66dad/',
      provider: 'sts.windows.net/9188040d-6c67-4c5b-b112-36a304b66dad/',
    },
  ],
  [
    'arn:aws:iam::111122223333:oidc-provider/own-gitlab.com/',
    { kind: 'oidc', provider: 'own-gitlab.com/' },
  ],
  [
    'arn:aws:iam::123456789012:saml-provider/Okta_Prod-1',
    { kind: 'saml', partition: 'aws', account: '123456789012', name: 'Okta_Prod-1' },
  ],
];

t.test('valid Federated principals', async (t) => {
  for (const [value, expected] of valid) {
    const r = parseFederatedPrincipal(value);
    t.ok(r.ok, value);
    if (r.ok) t.match(r.principal, expected, value);
    t.notOk(
      r.issues.some((i) => i.severity === 'error'),
      `${value}: no error`,
    );
  }
  for (const p of PARTITIONS) {
    const r = parseFederatedPrincipal(`arn:${p}:iam::123456789012:oidc-provider/gitlab.com`);
    t.ok(r.ok && r.principal.kind === 'oidc' && r.principal.partition === p, p);
  }
});

const invalid: [string, string, RegExp?][] = [
  ['', 'invalid-federated-principal'],
  ['gitlab.com', 'invalid-federated-principal', /oidc-provider\/gitlab\.com/],
  ['https://gitlab.com/', 'federated-principal-scheme', /oidc-provider\/gitlab\.com$/],
  ['HTTPS://gitlab.com', 'federated-principal-scheme'],
  ['arn:aws:iam::123456789012:oidc-provider/https://gitlab.com/', 'federated-principal-scheme'],
  ['arn:aws:iam::123456789012:oidc-provider/gitlab.com//', 'federated-principal-trailing-slash'],
  [
    'arn:aws:iam::123456789012:oidc-provider/sts.windows.net/tenant//',
    'federated-principal-trailing-slash',
    /at most one "\/"/,
  ],
  [
    'arn:aws:iam::123456789012:oidc-provider/sts.windows.net//tenant/',
    'invalid-federated-principal',
  ],
  ['arn:aws:iam::123456789012:oidc-provider//', 'invalid-federated-principal', /names no host/],
  ['arn:aws:iam::123456789012:oidc-provider/', 'invalid-federated-principal', /names no host/],
  ['arn:aws:iam::123456789012:oidc-provider', 'invalid-federated-principal'],
  ['arn:aws:iam::123456789012', 'invalid-federated-principal', /complete ARN/],
  [
    'arn:aws:iam::1234567890123:oidc-provider/gitlab.com',
    'invalid-federated-principal',
    /12 digits/,
  ],
  [
    'arn:aws:iam::12345678901a:oidc-provider/gitlab.com',
    'invalid-federated-principal',
    /12 digits/,
  ],
  [
    'arn:AWS:iam::123456789012:oidc-provider/gitlab.com',
    'invalid-federated-principal',
    /partition/,
  ],
  ['arn:aws:IAM::123456789012:oidc-provider/gitlab.com', 'invalid-federated-principal'],
  ['arn:aws:iam::123456789012:OIDC-provider/gitlab.com', 'invalid-federated-principal'],
  ['arn:aws:iam::123456789012:oidc-provider/-gitlab.com', 'invalid-federated-principal'],
  ['arn:aws:iam::123456789012:oidc-provider/gitlab..com', 'invalid-federated-principal'],
  ['arn:aws:iam::123456789012:oidc-provider/gitlab.com:443', 'invalid-federated-principal', /port/],
  ['arn:aws:iam::123456789012:oidc-provider/host/a b', 'invalid-federated-principal'],
  ['arn:aws:iam::123456789012:oidc-provider/host/a%2G', 'invalid-federated-principal'],
  ['arn:aws:iam::123456789012:oidc-provider/host/a%2', 'invalid-federated-principal'],
  ['arn:aws:iam::123456789012:saml-provider/', 'invalid-federated-principal'],
  ['arn:aws:iam::123456789012:saml-provider/a/b', 'invalid-federated-principal'],
];

t.test('invalid Federated principals', async (t) => {
  for (const [value, code, hint] of invalid) {
    const r = parseFederatedPrincipal(value);
    t.notOk(r.ok, value);
    t.equal(r.issues[0]?.code, code, value);
    t.equal(r.issues[0]?.severity, 'error');
    t.ok(r.issues[0]?.hint, 'says what is right');
    if (hint) t.match(`${r.issues[0]?.message} | ${r.issues[0]?.hint}`, hint, value);
  }
});

t.test('valid but unusual forms carry a note', async (t) => {
  const cn = parseFederatedPrincipal('cognito-identity.amazonaws.com.cn');
  t.ok(cn.ok);
  t.same(
    cn.issues.map((i) => [i.code, i.severity]),
    [['cognito-cn-principal', 'info']],
  );
  const caseDiff = parseFederatedPrincipal('WWW.Amazon.com');
  t.ok(caseDiff.ok);
  t.same(
    caseDiff.issues.map((i) => [i.code, i.severity]),
    [['federated-principal-case', 'warning']],
  );
  const saml = parseFederatedPrincipal('arn:aws:iam::123456789012:saml-provider/Okta');
  t.same(
    saml.issues.map((i) => [i.code, i.severity]),
    [['saml-principal', 'warning']],
  );
});

t.test('a trailing slash is kept and noted once (fidelity corrections, item 2)', async (t) => {
  const rows: [string, string][] = [
    [
      'arn:aws:iam::111122223333:oidc-provider/auth-dev.example.auth0.com/',
      'auth-dev.example.auth0.com/',
    ],
    [
      'arn:aws-cn:iam::111122223333:oidc-provider/sts.chinacloudapi.cn/tenant/',
      'sts.chinacloudapi.cn/tenant/',
    ],
    [
      'arn:aws:iam::111122223333:oidc-provider/auth-dev.example.auth0.com',
      'auth-dev.example.auth0.com',
    ],
  ];
  for (const [value, provider] of rows) {
    const r = parseFederatedPrincipal(value);
    t.ok(r.ok && r.principal.kind === 'oidc' && r.principal.provider === provider, value);
    const notes = r.issues.filter((i) => i.code === 'oidc-provider-trailing-slash');
    if (provider.endsWith('/')) {
      t.same(
        notes.map((i) => i.severity),
        ['info'],
        `${value}: one note`,
      );
      t.match(
        notes[0]?.message,
        `"${provider}:aud"`,
        'the note names the key prefix with the slash',
      );
    } else t.same(notes, [], `${value}: no note`);
  }
});

t.test('a policy trusting a provider with a trailing slash, keys written with it', async (t) => {
  // Mozilla's Auth0 roles: Federated ".../oidc-provider/auth.mozilla.auth0.com/" with the keys
  // "auth.mozilla.auth0.com/:aud" and ForAnyValue:StringLike on ".../:amr"
  // (mozilla-iam/mozilla-aws-cli README, Troubleshooting; fidelity corrections, item 2).
  const host = 'auth-dev.example.auth0.com/';
  const text = JSON.stringify({
    Version: '2012-10-17',
    Statement: {
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${host}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { [`${host}:aud`]: 'client-id' },
        'ForAnyValue:StringLike': { [`${host}:amr`]: 'team_*' },
      },
    },
  });
  const r = parsePolicy(text);
  t.ok(r.ok, 'parses');
  t.same(
    r.findings.map((f) => [f.code, f.severity]),
    [['oidc-provider-trailing-slash', 'info']],
  );
  if (!r.ok) return;
  t.same(
    r.policy.statements[0]?.conditions.map((c) => c.keyLower),
    [`${host}:aud`, `${host}:amr`],
    'the keys keep the slash',
  );
  const compiled = compilePolicy(r.policy);
  t.ok(compiled.ok, 'compiles');
  t.same([...compiled.federatedIssuers], [host], 'the issuer keeps the slash');
});

t.test('compiled statements: each statement its principals, each issuer once', async (t) => {
  const A = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';
  const B = 'arn:aws:iam::111122223333:oidc-provider/gitlab.com';
  const st = (federated: string | string[]) => ({
    Effect: 'Allow',
    Principal: { Federated: federated },
    Action: 'sts:AssumeRoleWithWebIdentity',
  });
  const r = parsePolicy({
    Version: '2012-10-17',
    Statement: [st(A), st(A), st([A, B]), st([B, A]), st('accounts.google.com'), st(A)],
  });
  if (!r.ok) return t.fail('parses');
  const compiled = compilePolicy(r.policy);
  t.same(
    compiled.statements.map((s) => [...s.federated]),
    [[A], [A], [A, B], [B, A], ['accounts.google.com'], [A]],
  );
  t.same([...compiled.federatedIssuers], ['token.actions.githubusercontent.com', 'gitlab.com']);
  t.same(
    compiled.statements.map((s) => s.actions.map((a) => a.text)),
    Array.from({ length: 6 }, () => ['sts:AssumeRoleWithWebIdentity']),
  );
});
