/**
 * Cases added by the December 2026 mutation audit (docs/test-audit-2026-12.md) for
 * `tokenAssumptions` (lib/scenarios/assumptions.ts): a pull_request_target token's subject is an
 * UNCONFIRMED reading, listed when the policy reads `sub` — as a condition key, or through a policy
 * variable (IAM User Guide, "IAM policy elements: Variables and tags": web identity keys such as
 * `${www.amazon.com:user_id}` can be variables; key names are case-insensitive), in any statement.
 */
import t from 'tap';
import { PULL_REQUEST_TARGET_NOTE } from '../../lib/providers/index.js';
import { tokenAssumptions } from '../../lib/scenarios/assumptions.js';
import { allow, compile, GH, GH_ARN, policy } from '../helpers/policy.js';

const TARGET = { event_name: 'pull_request_target', sub: 'repo:acme/app:pull_request' };

t.test('the policy reads sub: as a key or a variable, in any case, in any statement', async (t) => {
  const aud = { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' } };
  const rows: [string, unknown, boolean][] = [
    [
      'sub as a key',
      policy(allow({ Federated: GH_ARN }, { StringLike: { [`${GH}:sub`]: 'repo:acme/*' } })),
      true,
    ],
    [
      'sub through a variable',
      policy(
        allow(
          { Federated: GH_ARN },
          {
            StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
            StringLike: { [`${GH}:job_workflow_ref`]: `\${${GH}:sub}` },
          },
        ),
      ),
      true,
    ],
    [
      'a variable written in another case',
      policy(
        allow(
          { Federated: GH_ARN },
          {
            StringLike: {
              [`${GH}:job_workflow_ref`]: '${Token.Actions.GitHubUserContent.com:SUB}',
            },
          },
        ),
      ),
      true,
    ],
    [
      'sub in the second statement only',
      policy(
        allow({ Federated: GH_ARN }, aud),
        allow(
          { Federated: GH_ARN },
          { StringEquals: { [`${GH}:sub`]: 'repo:acme/app:pull_request' } },
        ),
      ),
      true,
    ],
    ['no statement reads sub', policy(allow({ Federated: GH_ARN }, aud)), false],
    [
      'a variable of another claim',
      policy(
        allow(
          { Federated: GH_ARN },
          { StringLike: { [`${GH}:job_workflow_ref`]: `\${${GH}:repository}/*` } },
        ),
      ),
      false,
    ],
  ];
  for (const [name, doc, listed] of rows) {
    t.same(tokenAssumptions(TARGET, compile(doc)), listed ? [PULL_REQUEST_TARGET_NOTE] : [], name);
  }
});
