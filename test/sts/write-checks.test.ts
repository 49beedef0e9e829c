/**
 * What IAM refuses at write time although the policy reads fine: the identity-provider control for
 * GitHub's shared issuers. Source: IAM User Guide, "Identity-provider controls for shared OIDC
 * providers" (role creation and trust-policy updates fail when the control is not evaluated);
 * observed error text and probes: https://github.com/unfunco/terraform-aws-oidc-github/issues/57
 * and the 2026 form naming job_workflow_ref (shared/notes/fidelity-corrections.md, item 8).
 */
import t from 'tap';
import { parsePolicy } from '../../lib/policy/parse.js';
import { compilePolicy } from '../../lib/sts/compile.js';
import { decide } from '../../lib/sts/simulate.js';
import { ACCOUNT, allow, EKS_ARN, GH, GH_ARN, githubInput, policy } from '../helpers/policy.js';

const SLUG = `${GH}/octo-enterprise`;
const SLUG_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${SLUG}`;
const GHE_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.octocorp.ghe.com`;

const rows: Array<{ name: string; doc: unknown; refused: boolean }> = [
  { name: 'no condition at all', doc: policy(allow({ Federated: GH_ARN })), refused: true },
  {
    name: 'only aud',
    doc: policy(
      allow({ Federated: GH_ARN }, { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' } }),
    ),
    refused: true,
  },
  {
    name: 'sub scoped to all ("*")',
    doc: policy(allow({ Federated: GH_ARN }, { StringLike: { [`${GH}:sub`]: '*' } })),
    refused: true,
  },
  {
    name: 'sub "repo:*" is accepted (observed probe)',
    doc: policy(allow({ Federated: GH_ARN }, { StringLike: { [`${GH}:sub`]: 'repo:*' } })),
    refused: false,
  },
  {
    name: 'a value list with "*" and a real value is accepted (observed probe)',
    doc: policy(
      allow({ Federated: GH_ARN }, { StringLike: { [`${GH}:sub`]: ['repo:acme/x:*', '*'] } }),
    ),
    refused: false,
  },
  {
    name: 'a condition only on repository is refused (observed probe)',
    doc: policy(allow({ Federated: GH_ARN }, { StringEquals: { [`${GH}:repository`]: 'acme/x' } })),
    refused: true,
  },
  {
    name: 'job_workflow_ref instead of sub is accepted (2026 message form)',
    doc: policy(
      allow(
        { Federated: GH_ARN },
        { StringLike: { [`${GH}:job_workflow_ref`]: 'acme/wf/.github/workflows/d.yml@*' } },
      ),
    ),
    refused: false,
  },
  {
    name: 'StringEqualsIgnoreCase on sub is accepted',
    doc: policy(
      allow(
        { Federated: GH_ARN },
        { StringEqualsIgnoreCase: { [`${GH}:sub`]: 'repo:acme/x:ref:refs/heads/main' } },
      ),
    ),
    refused: false,
  },
  {
    name: 'StringNotEquals on sub is not one of the three operators',
    doc: policy(
      allow(
        { Federated: GH_ARN },
        { StringNotEquals: { [`${GH}:sub`]: 'repo:evil/x:pull_request' } },
      ),
    ),
    refused: true,
  },
  {
    name: 'key names are case-insensitive',
    doc: policy(allow({ Federated: GH_ARN }, { StringLike: { [`${GH}:SUB`]: 'repo:acme/*' } })),
    refused: false,
  },
  {
    name: 'an enterprise-slug issuer is shared too',
    doc: policy(
      allow({ Federated: SLUG_ARN }, { StringEquals: { [`${SLUG}:aud`]: 'sts.amazonaws.com' } }),
    ),
    refused: true,
  },
  {
    name: 'an enterprise-slug issuer with its own sub key',
    doc: policy(allow({ Federated: SLUG_ARN }, { StringLike: { [`${SLUG}:sub`]: 'repo:acme/*' } })),
    refused: false,
  },
  {
    name: 'the public key prefix does not scope an enterprise-slug principal',
    doc: policy(allow({ Federated: SLUG_ARN }, { StringLike: { [`${GH}:sub`]: 'repo:acme/*' } })),
    refused: true,
  },
  {
    name: 'GHE.com data residency is a private issuer',
    doc: policy(allow({ Federated: GHE_ARN })),
    refused: false,
  },
  { name: 'EKS is a private issuer', doc: policy(allow({ Federated: EKS_ARN })), refused: false },
  {
    name: 'a Deny statement needs no control',
    doc: policy({ ...allow({ Federated: GH_ARN }), Effect: 'Deny' }),
    refused: false,
  },
];

for (const row of rows) {
  t.test(row.name, async (t) => {
    const parsed = parsePolicy(JSON.stringify(row.doc, null, 2));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.findings));
    const compiled = compilePolicy(parsed.policy);
    const found = compiled.findings.filter((f) => f.code === 'idp-control-missing');
    t.equal(found.length, row.refused ? 1 : 0, row.refused ? 'refused at write time' : 'accepted');
    t.ok(compiled.ok, 'a write-time error does not stop the simulation');
    for (const f of found) {
      t.equal(f.severity, 'error');
      t.equal(f.writeTime, true);
      t.match(
        f.message,
        /MalformedPolicyDocument: Trust policy with trusted principal arn:aws:iam::111122223333:oidc-provider\/.* must evaluate, using StringEquals, StringLike or StringEqualsIgnoreCase, .*:sub or .*:job_workflow_ref which is not scoped to all\./,
      );
      t.equal(f.span?.start.line, 7, 'placed at the Federated principal');
    }
  });
}

t.test(
  'a role refused at write time still answers as AWS would for a role that exists',
  async (t) => {
    const doc = policy(allow({ Federated: GH_ARN }));
    const d = decide(githubInput(doc, { sub: 'repo:evil/app:ref:refs/heads/main' }));
    t.equal(d.decision, 'allow', 'every repository on GitHub gets in: the reason IAM refuses it');
  },
);
