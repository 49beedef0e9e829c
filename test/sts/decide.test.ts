/** decide() must reach the same decision as simulate(), on random requests against random policies. */
import t from 'tap';
import fc from 'fast-check';
import { decide, simulate } from '../../lib/sts/simulate.js';
import { allow, GH, GH_ARN, githubInput, NOW_SEC, policy } from '../helpers/policy.js';

const subs = [
  'repo:acme/app:ref:refs/heads/main',
  'repo:acme/app:ref:refs/heads/dev',
  'repo:acme/app:pull_request',
  'repo:acme/app:environment:prod',
  'repo:Acme/app:ref:refs/heads/main',
  'repo:acme@1/app@2:ref:refs/heads/main',
];
const patterns = [
  'repo:acme/app:*',
  'repo:acme/*',
  '*:pull_request',
  'repo:acme/app:ref:refs/heads/main',
  '*',
];
const operators = [
  'StringEquals',
  'StringLike',
  'StringNotLike',
  'ForAllValues:StringLike',
  'StringEqualsIgnoreCase',
];

const statement = fc.record({
  effect: fc.constantFrom('Allow', 'Deny'),
  op: fc.constantFrom(...operators),
  pattern: fc.constantFrom(...patterns),
  key: fc.constantFrom(`${GH}:sub`, `${GH}:aud`, `${GH}:repository_owner`),
  action: fc.constantFrom('sts:AssumeRoleWithWebIdentity', 'sts:AssumeRole*', 'sts:TagSession'),
  other: fc.boolean(),
});

t.test(
  'decide() agrees with simulate() on decision, stage, code, message and failed check',
  async (t) => {
    fc.assert(
      fc.property(
        fc.array(statement, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...subs),
        fc.constantFrom('sts.amazonaws.com', 'other'),
        fc.integer({ min: -100, max: 100 }),
        fc.boolean(),
        fc.constantFrom('GitHubActions', 'a', 'bad name'),
        (stmts, sub, aud, expIn, tags, session) => {
          const doc = policy(
            ...stmts.map((s) => ({
              ...allow(
                { Federated: s.other ? `arn:aws:iam::999999999999:oidc-provider/${GH}` : GH_ARN },
                { [s.op]: { [s.key]: s.pattern } },
              ),
              Effect: s.effect,
              Action: s.action,
            })),
          );
          const claims: Record<string, unknown> = { sub, aud, exp: NOW_SEC + expIn };
          if (tags) claims['https://aws.amazon.com/tags'] = { principal_tags: { team: ['x'] } };
          const input = githubInput(doc, claims, { request: { roleSessionName: session } });
          const full = simulate(input);
          const fast = decide(input);
          for (const k of ['decision', 'stage', 'code', 'message', 'failedCheck'] as const) {
            if (full[k] !== fast[k])
              throw new Error(`${k}: simulate ${full[k]} vs decide ${fast[k]}`);
          }
        },
      ),
      { numRuns: 400, seed: 20261122 },
    );
    t.pass('400 random requests agree');
  },
);

t.test('decide() keeps only the failed check, and no trace', async (t) => {
  const d = decide(
    githubInput(policy(allow({ Federated: GH_ARN }, { StringEquals: { [`${GH}:sub`]: 'x' } }))),
  );
  t.equal(d.decision, 'deny');
  t.same(
    d.checks.map((c) => c.id),
    ['trust-policy.sts:AssumeRoleWithWebIdentity'],
  );
  t.same(d.statements, []);
  t.same(d.context, []);
});
