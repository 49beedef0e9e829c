/**
 * How `trustspec init` writes tokens: a claim set that a shorthand builds is written as that
 * shorthand with nothing under `token:`, and reads back as the same claims; what the shorthand
 * does not build stays under `token:`; a subject no shorthand builds is written as claims. Near
 * misses change one thing and keep the rest.
 */
import t from 'tap';
import {
  eksClaims,
  githubClaims,
  gitlabClaims,
  terraformClaims,
} from '../../lib/providers/builders.js';
import { nearMisses, tokenWords, writeToken } from '../../lib/scenarios/init-tokens.js';

const EKS_ISSUER = 'https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789';

const ROUND_TRIPS: Array<[string, string, Record<string, unknown>, string]> = [
  [
    'github',
    'a branch',
    githubClaims({ repository: 'acme/app', ref: 'refs/heads/main' }),
    'branch main of acme/app',
  ],
  [
    'github',
    'a tag',
    githubClaims({ repository: 'acme/app', ref: 'refs/tags/v1.2.3' }),
    'tag v1.2.3 of acme/app',
  ],
  [
    'github',
    'an environment',
    githubClaims({ repository: 'acme/app', environment: 'prod' }),
    'a job of acme/app in environment prod',
  ],
  [
    'github',
    'a pull request',
    githubClaims({ repository: 'acme/app', event: 'pull_request' }),
    'a pull request of acme/app',
  ],
  [
    'github',
    'another audience',
    githubClaims({ repository: 'acme/app', audience: 'https://github.com/acme' }),
    'branch main of acme/app',
  ],
  [
    'github',
    'an enterprise issuer',
    githubClaims({
      repository: 'acme/app',
      issuer: 'https://token.actions.githubusercontent.com/acme-ent',
    }),
    'branch main of acme/app',
  ],
  [
    'eks',
    'a service account',
    eksClaims({ issuer: EKS_ISSUER, namespace: 'web', serviceAccount: 'api' }),
    'service account api in namespace web',
  ],
  [
    'gitlab',
    'a branch',
    gitlabClaims({ projectPath: 'acme/infra', ref: 'main' }),
    'branch main of acme/infra',
  ],
  [
    'gitlab',
    'a tag on a self-managed host',
    gitlabClaims({ projectPath: 'acme/infra', ref: 'v1', refType: 'tag', host: 'gitlab.acme.dev' }),
    'tag v1 of acme/infra',
  ],
  [
    'terraform',
    'a plan',
    terraformClaims({
      organization: 'acme',
      workspace: 'prod',
      project: 'infra',
      runPhase: 'plan',
    }),
    'a plan of workspace prod in organization acme',
  ],
];

t.test("a shorthand's own claims are written as the shorthand alone", (t) => {
  for (const [module, what, claims, words] of ROUND_TRIPS) {
    const w = writeToken(module, claims);
    t.equal(w.shorthand?.kind, module, `${module} ${what}: shorthand`);
    t.same(w.token, {}, `${module} ${what}: nothing under token`);
    t.same(w.claims, claims, `${module} ${what}: the same claims`);
    t.equal(tokenWords(w), words, `${module} ${what}: in words`);
  }
  t.end();
});

t.test(
  'claims beyond the shorthand stay under token:, and a custom subject is written raw',
  (t) => {
    const claims = {
      iss: 'https://token.actions.githubusercontent.com',
      sub: 'repo:acme/app:ref:refs/heads/main',
      aud: 'sts.amazonaws.com',
      job_workflow_ref: 'acme/shared/.github/workflows/deploy.yml@refs/heads/main',
    };
    const w = writeToken('github', claims);
    t.same(w.shorthand?.fields, { repository: 'acme/app', ref: 'refs/heads/main' });
    t.same(w.token, { job_workflow_ref: claims.job_workflow_ref });
    t.match(w.claims, claims, 'the written token holds every claim given');
    const custom = { ...claims, sub: 'repo:acme/app:job_workflow_ref:x' };
    t.same(writeToken('github', custom), { token: custom, claims: custom });
    const immutable = { ...claims, sub: 'repo:acme@1/app@2:ref:refs/heads/main' };
    t.equal(writeToken('github', immutable).shorthand, undefined, 'immutable subjects are raw');
    const other = { iss: 'https://auth.example.com', sub: 'u1', aud: 'x' };
    t.same(writeToken('generic', other), { token: other, claims: other });
    t.end();
  },
);

t.test('near misses change one thing and keep the rest', (t) => {
  const base = writeToken('github', {
    ...githubClaims({ repository: 'acme/app', ref: 'refs/heads/main' }),
    job_workflow_ref: 'acme/shared/.github/workflows/deploy.yml@refs/heads/main',
  });
  const misses = nearMisses('github', base);
  const pr = misses.find((m) => m.why === 'a pull request');
  t.equal(pr?.written.claims['sub'], 'repo:acme/app:pull_request');
  t.equal(pr?.written.claims['event_name'], 'pull_request', 'the claims follow the subject');
  t.equal(
    pr?.written.claims['job_workflow_ref'],
    'acme/shared/.github/workflows/deploy.yml@refs/heads/main',
    'what the shorthand does not build is kept',
  );
  const owner = misses.find((m) => m.why === 'another owner');
  t.equal(owner?.written.claims['repository_owner'], 'another-owner');
  t.equal(new Set(misses.map((m) => m.why)).size, misses.length, 'each reason once');
  for (const m of misses)
    t.not(JSON.stringify(m.written.claims), JSON.stringify(base.claims), m.why);
  t.end();
});
