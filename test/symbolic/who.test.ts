/**
 * `whoCanAssume` on the bundled spec-examples: per provider who may assume the role, the
 * descriptions in the policy's own words, the breadth findings, and every example token allowed
 * by the simulator (checked here again, independently of the engine's own replay).
 */
import t from 'tap';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenarioFileAsync } from '../../lib/scenarios/index.js';
import { decide } from '../../lib/sts/simulate.js';
import type { SimulationInput } from '../../lib/sts/types.js';
import { constraintText } from '../../lib/symbolic/describe.js';
import type { AnalysisRole } from '../../lib/symbolic/providers.js';
import { whoCanAssume, type WhoResult } from '../../lib/symbolic/who.js';
import { difference } from '../../lib/symbolic/diff.js';
import { whoText } from '../../lib/symbolic/render.js';
import { doc, GH, NOW, role, statement } from './helpers.js';

const EXAMPLES = fileURLToPath(new URL('../../spec-examples', import.meta.url));

async function load(file: string): Promise<{
  analysis: AnalysisRole;
  now: number;
  claims: Record<string, unknown>[];
}> {
  const l = await loadScenarioFileAsync(join(EXAMPLES, file), { cwd: EXAMPLES, defaultNow: NOW });
  const s = l.scenarios[0];
  if (!s || l.errors.length > 0) throw new Error(`${file}: ${l.errors[0]?.message}`);
  return {
    analysis: { role: s.role, ...(s.providers ? { providers: s.providers } : {}) },
    now: s.now,
    claims: l.scenarios.map((x) => ({ ...x.claims })),
  };
}

async function who(file: string): Promise<WhoResult> {
  const { analysis, now, claims } = await load(file);
  return whoCanAssume(analysis, { now, seeds: { claims, sessionNames: [], contexts: [] } });
}

interface Row {
  file: string;
  /** Per provider: status, and for allowed ones the description of each entry. */
  providers: Record<string, 'nobody' | 'unknown' | string[]>;
  breadth?: string[];
}

const GH_ARN_PREFIX = 'token.actions.githubusercontent.com';
const TABLE: Row[] = [
  {
    file: 'github-actions/branch-deploy.trustspec.yaml',
    providers: { [GH_ARN_PREFIX]: ['sub equals "repo:acme/app:ref:refs/heads/main"'] },
    breadth: [],
  },
  {
    file: 'github-actions/deny-pull-requests.trustspec.yaml',
    providers: {
      [GH_ARN_PREFIX]: ['sub matches "repo:acme/app:*" except sub matches "repo:*:pull_request"'],
    },
    breadth: ['any-branch'],
  },
  {
    file: 'github-actions/org-read-only.trustspec.yaml',
    providers: {
      [GH_ARN_PREFIX]: [
        'sub matches "repo:acme/*" except sub matches "repo:acme/legacy-billing:*"',
      ],
    },
    breadth: ['any-repository'],
  },
  {
    file: 'misconfigurations/for-all-values-typo-in-key.trustspec.yaml',
    providers: { [GH_ARN_PREFIX]: [''] },
    breadth: ['any-owner'],
  },
  {
    file: 'eks-irsa/payments.trustspec.yaml',
    providers: {
      'oidc.eks.us-east-1.amazonaws.com/id/7C1E5A3B9D2F4E6A8B0C2D4E6F8A0B1C': [
        'sub equals "system:serviceaccount:payments:payments-api" or "system:serviceaccount:payments:ledger-worker"',
      ],
      'oidc.eks.us-east-1.amazonaws.com/id/3F9B2D7E1A5C4B8D6E0F2A4C6E8B0D13': 'nobody',
    },
    breadth: [],
  },
  {
    file: 'cognito/authenticated.trustspec.yaml',
    providers: {
      'cognito-identity.amazonaws.com': [
        'aud equals "us-east-1:6f1c8e2a-3b7d-4c95-a0e4-9d2b5f7c1a38", and amr has a value that matches "authenticated"',
      ],
    },
    breadth: [],
  },
  {
    file: 'github-actions/self-hosted-runner.trustspec.yaml',
    providers: {
      [GH_ARN_PREFIX]: [
        'sub equals "repo:acme/infra:ref:refs/heads/main", and aws:SourceIp is in "203.0.113.10/32" or "203.0.113.11/32"',
      ],
    },
  },
  {
    file: 'govcloud/gov-deploy-commercial-arn.trustspec.yaml',
    providers: { [GH_ARN_PREFIX]: 'nobody' },
  },
  {
    file: 'misconfigurations/condition-on-unexposed-claim.trustspec.yaml',
    providers: { [GH_ARN_PREFIX]: 'nobody' },
  },
  {
    file: 'misconfigurations/principal-in-another-account.trustspec.yaml',
    providers: { [GH_ARN_PREFIX]: 'nobody' },
  },
];

for (const row of TABLE) {
  t.test(row.file, async (t) => {
    const r = await who(row.file);
    t.equal(r.exact, true);
    for (const [issuer, want] of Object.entries(row.providers)) {
      const p = r.providers.find((x) => x.issuer === issuer);
      if (!p) {
        t.fail(`no provider ${issuer}`);
        continue;
      }
      if (typeof want === 'string') {
        t.equal(p.status, want, `${issuer} is ${want}`);
        continue;
      }
      t.equal(p.status, 'allowed');
      const texts = p.allowed.map((e) => {
        const when = e.when.map((c) => constraintText(c, issuer)).join(', and ');
        const except = e.except.map(
          (x) => ` except ${x.when.map((c) => constraintText(c, issuer)).join(', and ')}`,
        );
        return `${when}${except.join('')}`;
      });
      t.same(texts, want, "the allowed tokens in the policy's words");
      if (row.breadth)
        t.same(
          p.breadth.map((b) => b.code),
          row.breadth,
          'breadth findings',
        );
    }
  });
}

t.test('every spec-example: an exact answer, and every example token is allowed', async (t) => {
  const files = readdirSync(EXAMPLES, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.trustspec.yaml'))
    .sort();
  t.ok(files.length >= 30, `${files.length} files`);
  for (const file of files) {
    const loaded = await load(file);
    const { analysis } = loaded;
    const r = await who(file);
    t.equal(r.exact, true, `${file} is exact`);
    for (const p of r.providers) {
      const examples = [...p.allowed.map((e) => e.example), ...p.breadth.map((b) => b.example)];
      for (const ex of examples) {
        const input: SimulationInput = {
          role: analysis.role,
          ...(analysis.providers ? { providers: analysis.providers } : {}),
          token: { claims: ex.token },
          request: ex.request,
          ...(Object.keys(ex.context).length ? { context: ex.context } : {}),
          now: ex.now ? Date.parse(ex.now) : loaded.now,
        };
        const d = decide(input);
        if (d.decision !== 'allow') t.fail(`${file}: ${JSON.stringify(ex)} is ${d.decision}`);
      }
    }
  }
});

t.test('the human text: providers, statements, exceptions, examples, warnings', async (t) => {
  const text = whoText(
    await who('github-actions/deny-pull-requests.trustspec.yaml'),
    'deny-pull-requests.trustspec.yaml',
  );
  t.match(
    text,
    /^deny-pull-requests\.trustspec\.yaml → arn:aws:iam::111122223333:role\/ci\/gha-app-integration {2}\(exact\)$/m,
  );
  t.match(
    text,
    /^token\.actions\.githubusercontent\.com {2}\(registered; aud ∈ \{sts\.amazonaws\.com\}\)$/m,
  );
  t.match(text, /^ {2}via "AnyWorkflowOfTheRepo" \(#1\): sub matches "repo:acme\/app:\*"$/m);
  t.match(
    text,
    /^ {6}except sub matches "repo:\*:pull_request" {2}\(Deny "DenyPullRequests", #2\)$/m,
  );
  t.match(text, /^ {6}e\.g\. token \{ sub: repo:acme\/app:ref:refs\/heads\//m);
  t.match(text, /^ {2}ℹ any-branch: any branch of acme\/app — via "AnyWorkflowOfTheRepo" \(#1\)$/m);
  const nobody = whoText(await who('govcloud/gov-deploy-commercial-arn.trustspec.yaml'), 'x');
  t.match(
    nobody,
    /token\.actions\.githubusercontent\.com: nobody — no statement names it as its principal/,
  );
  t.match(nobody, /nobody can assume this role/);
});

t.test('unknown, never a guess: relational variables and session-tag keys', async (t) => {
  const SUB = `${GH}:sub`;
  for (const [name, d, reason] of [
    [
      'a claim variable',
      doc(
        statement('Allow', {
          StringLike: { [SUB]: 'repo:${token.actions.githubusercontent.com:actor}/*' },
        }),
      ),
      /relational policy variables/,
    ],
    [
      'a session tag key',
      doc(statement('Allow', { StringEquals: { 'aws:RequestTag/team': 'ci' } })),
      /session tags, which are not analysed/,
    ],
    [
      'a search budget',
      doc(statement('Allow', { StringLike: { [SUB]: ['*a??????????', 'b*'] } })),
      /too complex/,
    ],
  ] as const) {
    const r = whoCanAssume(role(d), { now: NOW, budget: 200 });
    const p = r.providers.find((x) => x.issuer === GH);
    t.equal(r.exact, false, `${name}: not exact`);
    t.equal(p?.status, 'unknown');
    t.match(p?.reasons.join(' '), reason);
  }
});

t.test(
  'time conditions give examples a clock; session names and network keys a request',
  async (t) => {
    const SUB = `${GH}:sub`;
    const r = whoCanAssume(
      role(
        doc(
          statement('Allow', {
            StringLike: { [SUB]: 'repo:acme/*', 'sts:RoleSessionName': 'ci-*' },
            DateLessThan: { 'aws:CurrentTime': '2026-07-01T00:00:00Z' },
            DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' },
          }),
          statement('Allow', { StringEquals: { 'aws:SourceVpc': 'vpc-0a1b2c' } }),
        ),
      ),
      { now: Date.UTC(2027, 0, 1) },
    );
    const p = r.providers.find((x) => x.issuer === GH);
    const [first, second] = p?.allowed ?? [];
    t.match(first?.example.now, /^2026-0[1-6]-/, 'a clock inside the window');
    t.match(first?.example.request.roleSessionName, /^ci-/);
    t.same(second?.example.context, { 'aws:SourceVpc': 'vpc-0a1b2c' });
  },
);

t.test(
  'breadth findings per provider, each with the statement and a replayed example',
  async (t) => {
    const EKS = 'oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789';
    const on = (federated: string, condition?: Record<string, Record<string, unknown>>) => ({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Wide',
          Effect: 'Allow',
          Principal: { Federated: federated },
          Action: 'sts:AssumeRoleWithWebIdentity',
          ...(condition ? { Condition: condition } : {}),
        },
      ],
    });
    const account = (host: string) => `arn:aws:iam::111122223333:oidc-provider/${host}`;
    const rows: Array<[string, unknown, string, string[]]> = [
      [
        'GitHub owner prefix',
        on(account(GH), { StringLike: { [`${GH}:sub`]: 'repo:acme*' } }),
        GH,
        ['any-repository', 'owner-prefix'],
      ],
      [
        'GitHub any owner',
        on(account(GH), { StringLike: { [`${GH}:sub`]: 'repo:*:pull_request' } }),
        GH,
        ['any-owner'],
      ],
      ['EKS any namespace', on(account(EKS)), EKS, ['any-namespace']],
      [
        'EKS one namespace',
        on(account(EKS), { StringLike: { [`${EKS}:sub`]: 'system:serviceaccount:web:*' } }),
        EKS,
        ['any-service-account'],
      ],
      ['GitLab', on(account('gitlab.com')), 'gitlab.com', ['any-project']],
      ['HCP Terraform', on(account('app.terraform.io')), 'app.terraform.io', ['any-organization']],
      [
        'Cognito',
        on('cognito-identity.amazonaws.com'),
        'cognito-identity.amazonaws.com',
        ['any-identity-pool'],
      ],
      ['Google', on('accounts.google.com'), 'accounts.google.com', ['any-client']],
      ['Facebook', on('graph.facebook.com'), 'graph.facebook.com', ['any-app']],
      ['another issuer', on(account('idp.example.com')), 'idp.example.com', ['any-subject']],
    ];
    for (const [name, d, issuer, codes] of rows) {
      const r = whoCanAssume(
        { role: { arn: 'arn:aws:iam::111122223333:role/x', policy: role(d).role.policy } },
        { now: NOW },
      );
      const p = r.providers.find((x) => x.issuer === issuer);
      t.same(
        p?.breadth.map((b) => b.code),
        codes,
        name,
      );
      t.same(
        p?.breadth[0]?.statements.map((s) => s.sid),
        ['Wide'],
        `${name}: the statement`,
      );
    }
  },
);

t.test('providers nobody can use, and why', async (t) => {
  const SUB = `${GH}:sub`;
  const cases: Array<[string, ReturnType<typeof role>, RegExp]> = [
    [
      'no Allow applies',
      role(doc(statement('Allow', { StringEquals: { 'aws:SecureTransport': 'false' } }))),
      /no Allow statement for it can ever apply/,
    ],
    [
      'no client ID',
      role(doc(statement('Allow')), [{ url: `https://${GH}`, clientIds: [] }]),
      /accepts none of its tokens/,
    ],
    [
      'denied',
      role(doc(statement('Allow'), statement('Deny', { StringLike: { [SUB]: '*' } }))),
      /refused by a Deny statement/,
    ],
    [
      'not registered',
      role(doc(statement('Allow')), []),
      /not among the account's registered providers/,
    ],
  ];
  for (const [name, r, reason] of cases) {
    const p = whoCanAssume(r, { now: NOW }).providers.find((x) => x.issuer === GH);
    t.equal(p?.status, 'nobody', name);
    t.match(p?.reasons.join(' '), reason, name);
  }
});

t.test('the library entry exports the engine', async (t) => {
  const lib = await import('../../lib/index.js');
  const r = role(doc(statement('Allow', { StringLike: { [`${GH}:sub`]: 'repo:acme/*' } })));
  const result = lib.whoCanAssume(r, { now: NOW });
  t.equal(result.providers[0]?.status, 'allowed');
  t.match(lib.whoText(result, 'role.json'), /via #1: sub matches "repo:acme\/\*"/);
  const regions = lib.allowedRegions(r, { now: NOW });
  t.equal(regions[0]?.sides[0]?.allowed.length, 1);
  const d = lib.difference(r, r, { now: NOW });
  t.equal(d.result.unchanged, true);
  t.match(lib.diffText(d), /NO CHANGE/);
  t.match(lib.diffMarkdown(d), /no change/);
});

t.test(
  'an AWS outbound-federation issuer: nobody, said why; diff finds no change, never an internal error',
  async (t) => {
    // IAM User Guide, "Getting started with outbound identity federation": GetWebIdentityToken
    // tokens "cannot be used ... via the AssumeRoleWithWebIdentity API"; the simulator refuses them
    // at the token stage, so the engine must not offer one as an allowed example.
    const HOST = 'a1b2c3d4-0000-4e5f-9a8b-123456789abc.tokens.sts.global.api.aws';
    const outbound = (aud: string): AnalysisRole =>
      role(
        doc(
          statement(
            'Allow',
            { StringEquals: { [`${HOST}:aud`]: aud } },
            { Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${HOST}` } },
          ),
        ),
        [{ url: `https://${HOST}`, clientIds: ['sts.amazonaws.com', 'other'] }],
      );
    const r = whoCanAssume(outbound('sts.amazonaws.com'), { now: NOW });
    const p = r.providers.find((x) => x.issuer === HOST);
    t.equal(p?.status, 'nobody');
    t.match(p?.reasons.join(' '), /AWS outbound identity federation issuer/);
    const d = difference(outbound('sts.amazonaws.com'), outbound('other'), { now: NOW });
    t.same(d.result.newlyAllowed, []);
    t.same(d.result.newlyDenied, []);
    t.equal(d.result.unchanged, true);
  },
);
