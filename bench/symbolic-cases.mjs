// The policies of the symbolic benchmarks (bench/symbolic.mjs, bench/symbolic-command.mjs): a
// diff of two policies at IAM's 4,096-character limit packed with statements or with patterns, and
// 20 statements of 10 patterns each (beyond the quota).
export const GH = 'token.actions.githubusercontent.com';
export const ARN = `arn:aws:iam::111122223333:oidc-provider/${GH}`;
export const ROLE = 'arn:aws:iam::111122223333:role/deploy/gha-deploy';
export const NOW = Date.UTC(2026, 5, 1);
export const PROVIDERS = [{ url: `https://${GH}`, clientIds: ['sts.amazonaws.com'] }];

export function statement(i, subs, effect = 'Allow') {
  return {
    Sid: `S${i}`,
    Effect: effect,
    Principal: { Federated: ARN },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      ...(effect === 'Allow' ? { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' } } : {}),
      StringLike: { [`${GH}:sub`]: subs },
    },
  };
}

/** Sub patterns of service i: a branch glob, an environment, a tag glob, pull requests of forks. */
export function patterns(i, n) {
  const all = [
    `repo:acme/svc-${i}:ref:refs/heads/*`,
    `repo:acme/svc-${i}:environment:prod`,
    `repo:acme/svc-${i}:ref:refs/tags/v*`,
    `repo:acme/svc-${i}-*:pull_request`,
    `repo:acme/svc-${i}:environment:stag*`,
  ];
  return Array.from({ length: n }, (_, k) =>
    k < all.length ? all[k] : `repo:acme/svc-${i}-${k}:*`,
  );
}

/** Non-whitespace characters, as IAM counts them against the quota. */
export const size = (doc) => JSON.stringify(doc).replace(/\s/g, '').length;

/** As many statements of `per` patterns as fit in 4,096 characters, the edited version too. */
export function packedStatements(per) {
  let doc = { Version: '2012-10-17', Statement: [] };
  for (let i = 0; ; i++) {
    const next = { ...doc, Statement: [...doc.Statement, statement(i, patterns(i, per))] };
    if (Math.max(size(next), size(edited(next))) > 4096) return doc;
    doc = next;
  }
}

/** One statement with as many patterns as fit, the edited version too. */
export function packedValues() {
  let doc;
  for (let n = 1; ; n++) {
    const subs = Array.from({ length: n }, (_, i) => `repo:acme/svc-${i}:ref:refs/heads/*`);
    const next = { Version: '2012-10-17', Statement: [statement(0, subs)] };
    if (Math.max(size(next), size(edited(next))) > 4096) return doc;
    doc = next;
  }
}

/** The new version: one pattern widened, a Deny for pull requests added. */
export function edited(doc) {
  const st = JSON.parse(JSON.stringify(doc.Statement));
  const first = st[0].Condition.StringLike[`${GH}:sub`];
  first[0] = 'repo:acme/svc-0*';
  st.push(statement(st.length, ['repo:*:pull_request'], 'Deny'));
  return { Version: '2012-10-17', Statement: st };
}
