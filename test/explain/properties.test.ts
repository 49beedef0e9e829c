/** Properties over generated GitHub requests, end to end through the real core. */
import t from 'tap';
import fc from 'fast-check';
import { EKS_CLAIMS, eksPolicy, GH_CLAIMS, githubPolicy, NOW_SEC, run } from './helpers.js';

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
const RUNS = { numRuns: 60 };

t.test(
  'the allowed branch gets no diagnosis; another branch is a branch mismatch naming it',
  async (t) => {
    fc.assert(
      fc.property(name, name, name, name, (owner, repo, branch, other) => {
        fc.pre(branch !== other);
        const policy = githubPolicy(
          `repo:${owner}/${repo}:ref:refs/heads/${branch}`,
          'StringEquals',
        );
        const ok = run({
          policy,
          claims: { ...GH_CLAIMS, sub: `repo:${owner}/${repo}:ref:refs/heads/${branch}` },
        });
        if (ok.decision.decision !== 'allow') return false;
        if (ok.diagnoses.some((d) => d.severity !== 'info')) return false;
        const no = run({
          policy,
          claims: { ...GH_CLAIMS, sub: `repo:${owner}/${repo}:ref:refs/heads/${other}` },
        });
        const first = no.diagnoses[0];
        return (
          first?.cause === 'github-branch-mismatch' && first.fix.includes(`refs/heads/${other}`)
        );
      }),
      RUNS,
    );
    t.pass('held');
  },
);

t.test('an environment job against a branch pattern is an environment subject', async (t) => {
  fc.assert(
    fc.property(name, name, name, (owner, repo, env) => {
      const policy = githubPolicy(`repo:${owner}/${repo}:ref:refs/heads/*`);
      const r = run({
        policy,
        claims: { ...GH_CLAIMS, sub: `repo:${owner}/${repo}:environment:${env}` },
      });
      const first = r.diagnoses[0];
      return (
        first?.cause === 'github-environment-subject' &&
        first.fix.includes(`repo:${owner}/${repo}:environment:${env}`)
      );
    }),
    RUNS,
  );
  t.pass('held');
});

t.test('an owner spelt in capitals is a case mismatch', async (t) => {
  fc.assert(
    fc.property(name, name, (owner, repo) => {
      fc.pre(owner.toUpperCase() !== owner);
      const policy = githubPolicy(`repo:${owner.toUpperCase()}/${repo}:*`);
      const r = run({
        policy,
        claims: { ...GH_CLAIMS, sub: `repo:${owner}/${repo}:pull_request` },
      });
      const first = r.diagnoses[0];
      return (
        first?.cause === 'value-case-mismatch' && first.fix.includes(`"repo:${owner}/${repo}:*"`)
      );
    }),
    RUNS,
  );
  t.pass('held');
});

t.test('every denial gets a cause first; every allow gets no cause', async (t) => {
  const sub = fc.oneof(
    fc.constantFrom(
      'repo:acme/app:ref:refs/heads/main',
      'repo:acme/app:pull_request',
      'repo:Acme/app:ref:refs/heads/main',
    ),
    fc.tuple(name, name).map(([a, b]) => `repo:${a}/${b}:environment:prod`),
    fc.tuple(name, name).map(([a, b]) => `repo:acme@1/app@2:ref:refs/heads/${a}${b}`),
    name,
  );
  const aud = fc.constantFrom('sts.amazonaws.com', 'https://github.com/acme', [
    'sts.amazonaws.com',
  ]);
  const exp = fc.integer({ min: -600, max: 600 }).map((d) => NOW_SEC + d);
  const pattern = fc.constantFrom(
    'repo:acme/app:ref:refs/heads/main',
    'repo:acme/*',
    'repo:acme/app:*',
    'repo:acme/app:environment:prod',
  );
  const op = fc.constantFrom('StringLike', 'StringEquals', 'ForAllValues:StringEquals');
  const session = fc.constantFrom('ci', 'my session', 'x');
  fc.assert(
    fc.property(sub, aud, exp, pattern, op, session, (s, a, e, p, o, n) => {
      const r = run({
        policy: githubPolicy(p, o),
        claims: { ...GH_CLAIMS, sub: s, aud: a, exp: e },
        request: { roleSessionName: n },
      });
      const errors = r.diagnoses.filter((d) => d.severity === 'error');
      if (r.decision.decision === 'allow') return errors.length === 0;
      return (
        r.diagnoses[0]?.severity === 'error' &&
        errors.every((d) => d.fix.length > 0 && d.title.length > 0)
      );
    }),
    { numRuns: 300 },
  );
  t.pass('held');
});

t.test('EKS: any other service account in the allowed namespace is named', async (t) => {
  fc.assert(
    fc.property(name, name, name, (ns, sa, other) => {
      fc.pre(sa !== other);
      const policy = eksPolicy(`system:serviceaccount:${ns}:${sa}`);
      const r = run({
        policy,
        claims: { ...EKS_CLAIMS, sub: `system:serviceaccount:${ns}:${other}` },
      });
      const first = r.diagnoses[0];
      return first?.cause === 'eks-service-account-mismatch' && first.fix.includes(`"${sa}"`);
    }),
    RUNS,
  );
  t.pass('held');
});
