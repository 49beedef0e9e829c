/** The public library entry: what README documents is exported and works end to end. */
import t from 'tap';
import * as trustspec from '../lib/index.js';

t.test('the entry exports the documented API', async (t) => {
  for (const name of [
    'parsePolicy',
    'compilePolicy',
    'simulate',
    'decide',
    'loadAndRun',
    'diagnose',
    'formatDecision',
  ]) {
    t.type((trustspec as Record<string, unknown>)[name], 'function', name);
  }
  t.same(Object.keys(trustspec.REPORTERS).sort(), ['github', 'human', 'json', 'junit', 'tap']);
});

t.test('the README example: parse once, compile once, simulate', async (t) => {
  const parsed = trustspec.parsePolicy(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: {
        Effect: 'Allow',
        Principal: {
          Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
        },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            'token.actions.githubusercontent.com:sub': 'repo:acme/app:ref:refs/heads/main',
          },
        },
      },
    }),
  );
  if (!parsed.ok) throw new Error('does not parse');
  const policy = trustspec.compilePolicy(parsed.policy);
  const input = (sub: string) => ({
    role: { arn: 'arn:aws:iam::111122223333:role/deploy', policy },
    providers: [
      { url: 'https://token.actions.githubusercontent.com', clientIds: ['sts.amazonaws.com'] },
    ],
    token: {
      claims: { iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub },
    },
    request: { roleSessionName: 'GitHubActions' },
    now: Date.UTC(2026, 5, 1),
  });
  t.equal(trustspec.simulate(input('repo:acme/app:ref:refs/heads/main')).decision, 'allow');
  const denied = trustspec.simulate(input('repo:acme/app:pull_request'));
  t.match(denied, { decision: 'deny', stage: 'trust-policy', code: 'AccessDenied' });
  t.equal(trustspec.decide(input('repo:acme/app:pull_request')).code, 'AccessDenied');
  const text = trustspec.formatDecision(denied, {
    color: false,
    diagnoses: trustspec.diagnose(denied, input('repo:acme/app:pull_request')),
  });
  t.match(text, /pull_request/);
  t.match(text, /fix:/);
});
