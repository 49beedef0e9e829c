import t from 'tap';
import {
  ALL_PROVIDERS,
  federatedPrincipalFor,
  hostPathFromIssuer,
  parseFederatedPrincipal,
  providerById,
  providerForHostPath,
  providerForOAuthId,
  tenancyFor,
} from '../../lib/providers/index.js';
import type { ProviderId } from '../../lib/providers/index.js';

const ACCOUNT = '123456789012';
const PARTITIONS = ['aws', 'aws-us-gov', 'aws-cn'] as const;

interface Row {
  iss: string;
  hostPath: string;
  provider: ProviderId;
  builtIn: boolean;
  spec: string;
}

/** issuer → hostPath → provider module → Federated principal per partition → key prefix. */
const ROWS: Row[] = [
  {
    iss: 'https://token.actions.githubusercontent.com',
    hostPath: 'token.actions.githubusercontent.com',
    provider: 'github',
    builtIn: false,
    spec: '§2.1, §7.1',
  },
  {
    iss: 'https://token.actions.githubusercontent.com/octo-enterprise',
    hostPath: 'token.actions.githubusercontent.com/octo-enterprise',
    provider: 'github',
    builtIn: false,
    spec: '§2.1 enterprise issuer',
  },
  {
    iss: 'https://token.actions.octocorp.ghe.com',
    hostPath: 'token.actions.octocorp.ghe.com',
    provider: 'github',
    builtIn: false,
    spec: '§3.1, §7.1 data residency',
  },
  {
    iss: 'https://github.com/enterprises/octocorp',
    hostPath: 'github.com/enterprises/octocorp',
    provider: 'github',
    builtIn: false,
    spec: '§3.1 SAR prefix',
  },
  {
    iss: 'https://ghes.example.com/_services/token',
    hostPath: 'ghes.example.com/_services/token',
    provider: 'oidc',
    builtIn: false,
    spec: '§7.1 GHES: not in the SAR',
  },
  {
    iss: 'https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
    hostPath: 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
    provider: 'eks',
    builtIn: false,
    spec: '§2.1, §7.2',
  },
  {
    iss: 'https://oidc.eks.cn-north-1.amazonaws.com.cn/id/ABCDEF0123',
    hostPath: 'oidc.eks.cn-north-1.amazonaws.com.cn/id/ABCDEF0123',
    provider: 'eks',
    builtIn: false,
    spec: '§7.2 China regions',
  },
  {
    iss: 'https://gitlab.com',
    hostPath: 'gitlab.com',
    provider: 'gitlab',
    builtIn: false,
    spec: '§2.1, §7.3',
  },
  {
    iss: 'https://gitlab.example.com',
    hostPath: 'gitlab.example.com',
    provider: 'oidc',
    builtIn: false,
    spec: '§7.3 self-managed: not recognisable by host',
  },
  {
    iss: 'https://app.terraform.io',
    hostPath: 'app.terraform.io',
    provider: 'terraform',
    builtIn: false,
    spec: '§2.1, §7.4',
  },
  {
    iss: 'https://api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc',
    hostPath: 'api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc',
    provider: 'bitbucket',
    builtIn: false,
    spec: '§2.1, §7.5',
  },
  {
    iss: 'https://oidc.circleci.com/org/0c4b9a2e-9f2c-4c59-9c3d-1a2b3c4d5e6f',
    hostPath: 'oidc.circleci.com/org/0c4b9a2e-9f2c-4c59-9c3d-1a2b3c4d5e6f',
    provider: 'circleci',
    builtIn: false,
    spec: '§2.1, §7.5',
  },
  {
    iss: 'https://agent.buildkite.com',
    hostPath: 'agent.buildkite.com',
    provider: 'buildkite',
    builtIn: false,
    spec: '§2.1, §7.5',
  },
  {
    iss: 'https://agent.acme.buildkite.dev',
    hostPath: 'agent.acme.buildkite.dev',
    provider: 'buildkite',
    builtIn: false,
    spec: '§3.1 SAR hosts',
  },
  {
    iss: 'https://cognito-identity.amazonaws.com',
    hostPath: 'cognito-identity.amazonaws.com',
    provider: 'cognito',
    builtIn: true,
    spec: '§1.3, §7.6',
  },
  {
    iss: 'https://cognito-identity.amazonaws.com.cn',
    hostPath: 'cognito-identity.amazonaws.com.cn',
    provider: 'cognito',
    builtIn: true,
    spec: '§2.1 UNCONFIRMED 13',
  },
  {
    iss: 'https://accounts.google.com',
    hostPath: 'accounts.google.com',
    provider: 'google',
    builtIn: true,
    spec: '§1.3',
  },
  {
    iss: 'accounts.google.com',
    hostPath: 'accounts.google.com',
    provider: 'google',
    builtIn: true,
    spec: "§1.3 Google's scheme-less iss",
  },
  {
    iss: 'https://server.example.com',
    hostPath: 'server.example.com',
    provider: 'oidc',
    builtIn: false,
    spec: '§1.3 any OIDC IdP',
  },
];

for (const r of ROWS) {
  t.test(`${r.iss} (${r.spec})`, async (t) => {
    const hp = hostPathFromIssuer(r.iss);
    t.ok(hp.ok, 'issuer accepted');
    if (!hp.ok) return;
    t.equal(hp.hostPath, r.hostPath, 'hostPath');
    const module = providerForHostPath(hp.hostPath);
    t.equal(module.id, r.provider, `module ${r.provider}`);
    t.equal(module.builtIn, r.builtIn, `builtIn ${r.builtIn}`);
    for (const partition of PARTITIONS) {
      const principal = federatedPrincipalFor(hp.hostPath, module.builtIn, partition, ACCOUNT);
      const want = r.builtIn
        ? r.hostPath
        : `arn:${partition}:iam::${ACCOUNT}:oidc-provider/${r.hostPath}`;
      t.equal(principal, want, `${partition}: Federated ${want}`);
      const parsed = parseFederatedPrincipal(principal);
      t.equal(parsed.kind, r.builtIn ? 'builtin' : 'oidc', `${partition}: principal parses back`);
      if (parsed.kind === 'oidc') {
        t.equal(parsed.partition, partition);
        t.equal(parsed.hostPath, r.hostPath, `${partition}: key prefix ${r.hostPath}:`);
      }
      if (parsed.kind === 'builtin')
        t.equal(parsed.hostPath, r.hostPath, `key prefix ${r.hostPath}:`);
    }
    const keys = module.claimKeys(hp.hostPath);
    t.ok(keys.length > 0, 'the provider has claim keys (so the loop below checks something)');
    for (const k of keys) {
      t.notOk(
        k.name.includes(':'),
        `key suffix ${k.name} has no ":" so PREFIX:name splits at the first ":"`,
      );
    }
  });
}

t.test('host matching is not fooled by look-alikes (§2.1)', async (t) => {
  const rows: Array<[string, ProviderId]> = [
    ['token.actions.githubusercontent.com.evil.com', 'oidc'],
    ['evil.com/token.actions.githubusercontent.com', 'oidc'],
    ['token.actions.githubusercontent.com/a/b', 'oidc'],
    ['gitlab.com.evil.com', 'oidc'],
    ['gitlab.com/group', 'oidc'],
    ['oidc.eks.us-east-1.amazonaws.com', 'oidc'],
    ['oidc.eks.us-east-1.amazonaws.com/id/', 'oidc'],
    ['app.terraform.io.example', 'oidc'],
    ['oidc.circleci.com', 'oidc'],
    ['api.bitbucket.org/2.0/workspaces/acme', 'oidc'],
    ['TOKEN.ACTIONS.GITHUBUSERCONTENT.COM', 'github'],
  ];
  for (const [hostPath, id] of rows)
    t.equal(providerForHostPath(hostPath).id, id, `${hostPath} → ${id}`);
});

t.test('providerForOAuthId (§1.4)', async (t) => {
  t.equal(providerForOAuthId('graph.facebook.com').id, 'facebook');
  t.equal(providerForOAuthId('www.amazon.com').id, 'amazon');
  t.equal(
    providerForOAuthId('accounts.google.com').id,
    'oidc',
    'Google is OIDC, not an OAuth ProviderId: generic fallback',
  );
  t.ok(providerForOAuthId('graph.facebook.com').oauth);
  t.ok(providerForOAuthId('www.amazon.com').oauth);
});

t.test('ALL_PROVIDERS: every id once, oidc last; providerById', async (t) => {
  const ids = ALL_PROVIDERS.map((m) => m.id);
  t.same([...ids].sort(), [
    'amazon',
    'aws-outbound',
    'bitbucket',
    'buildkite',
    'circleci',
    'cognito',
    'eks',
    'facebook',
    'github',
    'gitlab',
    'google',
    'oidc',
    'terraform',
  ]);
  t.equal(ids[ids.length - 1], 'oidc');
  for (const m of ALL_PROVIDERS) t.equal(providerById(m.id), m);
  const builtIns = ALL_PROVIDERS.filter((m) => m.builtIn)
    .map((m) => m.id)
    .sort();
  t.same(
    builtIns,
    ['amazon', 'cognito', 'facebook', 'google'],
    'built-ins need no IAM provider (§1.3)',
  );
  const oauth = ALL_PROVIDERS.filter((m) => m.oauth)
    .map((m) => m.id)
    .sort();
  t.same(oauth, ['amazon', 'facebook'], 'OAuth 2.0 providers (§1.4)');
});

t.test('shared issuers and required keys (§8.2)', async (t) => {
  const rows: Array<{
    hostPath: string;
    shared: boolean;
    requiredKeys: string[];
    unconfirmed?: boolean;
  }> = [
    { hostPath: 'token.actions.githubusercontent.com', shared: true, requiredKeys: ['sub'] },
    // IAM refuses such a role without a sub condition (observed 2024-06-06:
    // https://github.com/unfunco/terraform-aws-oidc-github/issues/57).
    {
      hostPath: 'token.actions.githubusercontent.com/octo-enterprise',
      shared: true,
      requiredKeys: ['sub'],
    },
    { hostPath: 'token.actions.octocorp.ghe.com', shared: false, requiredKeys: [] },
    { hostPath: 'gitlab.com', shared: true, requiredKeys: ['sub'] },
    { hostPath: 'app.terraform.io', shared: true, requiredKeys: ['sub'] },
    { hostPath: 'agent.buildkite.com', shared: true, requiredKeys: ['sub'] },
    { hostPath: 'agent.acme.buildkite.dev', shared: false, requiredKeys: [] },
    { hostPath: 'cognito-identity.amazonaws.com', shared: true, requiredKeys: ['aud'] },
    { hostPath: 'oidc.eks.us-east-1.amazonaws.com/id/ABC', shared: false, requiredKeys: [] },
    { hostPath: 'oidc.circleci.com/org/abc', shared: false, requiredKeys: [] },
    { hostPath: 'accounts.google.com', shared: false, requiredKeys: [] },
    { hostPath: 'server.example.com', shared: false, requiredKeys: [] },
    { hostPath: 'oidc.codefresh.io', shared: true, requiredKeys: ['sub'], unconfirmed: true },
    { hostPath: 'oidc.vercel.com', shared: true, requiredKeys: ['aud'], unconfirmed: true },
    { hostPath: 'api.pulumi.com/oidc', shared: true, requiredKeys: ['aud'], unconfirmed: true },
  ];
  for (const r of rows) {
    const got = tenancyFor(r.hostPath);
    t.equal(got.shared, r.shared, `${r.hostPath} shared=${r.shared}`);
    t.same(
      got.requiredKeys,
      r.requiredKeys,
      `${r.hostPath} requires [${r.requiredKeys.join(', ')}]`,
    );
    if (r.unconfirmed) t.match(got.unconfirmed, /UNCONFIRMED 28/);
  }
  const moduleShared = ALL_PROVIDERS.filter((m) => m.shared)
    .map((m) => `${m.id}:${m.requiredKeys.join(',')}`)
    .sort();
  t.same(moduleShared, [
    'buildkite:sub',
    'cognito:aud',
    'github:sub',
    'gitlab:sub',
    'terraform:sub',
  ]);
});

t.test('default audiences (§7.1, §7.2, §7.4)', async (t) => {
  t.equal(providerById('github').defaultAudience, 'sts.amazonaws.com');
  t.equal(providerById('eks').defaultAudience, 'sts.amazonaws.com');
  t.equal(providerById('terraform').defaultAudience, 'aws.workload.identity');
  t.equal(
    providerById('gitlab').defaultAudience,
    undefined,
    'GitLab has no platform default (§7.3)',
  );
});

t.test('tenancy of a self-managed GitLab chosen by the caller is private (§8.2)', async (t) => {
  t.same(tenancyFor('gitlab.example.com', providerById('gitlab')), {
    shared: false,
    requiredKeys: [],
  });
  t.equal(providerById('nope' as ProviderId).id, 'oidc', 'unknown id → generic module');
});
