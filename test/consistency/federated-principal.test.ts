/**
 * The policy parser (lib/policy/principal.ts, which refuses bad principals with findings) and the
 * simulator (lib/providers/arn.ts, which matches principals against the token's provider) each
 * read Federated principals. They must agree: on what is valid, and on partition, account and
 * provider. A table of real and broken forms, then random mutations of valid ones.
 */
import t from 'tap';
import fc from 'fast-check';
import { parseFederatedPrincipal as policyParse } from '../../lib/policy/principal.js';
import { parseFederatedPrincipal as providerParse } from '../../lib/providers/arn.js';

interface Reading {
  valid: boolean;
  kind?: string;
  partition?: string;
  account?: string;
  provider?: string;
}

function byPolicy(v: string): Reading {
  const r = policyParse(v);
  if (!r.ok) return { valid: false };
  // A built-in written in other letter case is accepted with a warning, but under the exact,
  // case-sensitive reading (§3.6, UNCONFIRMED 6) it names no provider: the simulator never matches it.
  if (r.issues.some((i) => i.code === 'federated-principal-case')) return { valid: false };
  const p = r.principal;
  if (p.kind === 'built-in') return { valid: true, kind: 'builtin', provider: p.name };
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

function byProviders(v: string): Reading {
  const p = providerParse(v);
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

const A = '111122223333';
const table = [
  'accounts.google.com',
  'graph.facebook.com',
  'www.amazon.com',
  'cognito-identity.amazonaws.com',
  'cognito-identity.amazonaws.com.cn',
  'Accounts.Google.com',
  `arn:aws:iam::${A}:oidc-provider/token.actions.githubusercontent.com`,
  `arn:aws:iam::${A}:oidc-provider/token.actions.githubusercontent.com/acme`,
  `arn:aws-us-gov:iam::${A}:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/ABC123`,
  `arn:aws-cn:iam::${A}:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC123`,
  `arn:aws:iam::${A}:oidc-provider/api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc`,
  `arn:aws:iam::${A}:saml-provider/Okta`,
  `arn:aws:iam::${A}:oidc-provider/https://gitlab.com`,
  `arn:aws:iam::${A}:oidc-provider/gitlab.com/`,
  `arn:aws:iam::${A}:oidc-provider/`,
  `arn:aws:iam::1234:oidc-provider/gitlab.com`,
  `arn:aws:iam::*:oidc-provider/gitlab.com`,
  `arn:aws:sts::${A}:oidc-provider/gitlab.com`,
  `arn:aws:iam::${A}:role/x`,
  `arn:nope:iam::${A}:oidc-provider/gitlab.com`,
  `arn:aws:iam::${A}:oidc-provider/gitlab.com:443`,
  `arn:aws:iam::${A}:oidc-provider/git lab.com`,
  'gitlab.com',
  '',
  '*',
];

t.test('the parser and the simulator read every Federated principal alike', async (t) => {
  for (const v of table) t.same(byProviders(v), byPolicy(v), JSON.stringify(v));
});

t.test('…and every mutation of a valid one', async (t) => {
  const base = fc.constantFrom(...table.slice(0, 11));
  const edit = fc.tuple(
    base,
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
      const a = JSON.stringify(byPolicy(m));
      const b = JSON.stringify(byProviders(m));
      if (a !== b && disagreements.length < 20)
        disagreements.push(`${JSON.stringify(m)}: policy ${a} vs providers ${b}`);
      return true;
    }),
    { numRuns: 3000, seed: 42 },
  );
  t.same(disagreements, [], 'no disagreement');
});
