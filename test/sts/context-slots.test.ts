/**
 * The request context remembers what it worked out for a key under the clause's slot (a number
 * compilePolicy gives each distinct key of a policy). These pin that the numbering is per key,
 * case-insensitive, and that a slot read for another key is worked out again, never answered
 * from the other key's entry.
 */
import t from 'tap';
import { Recorder } from '../../lib/sts/trace.js';
import { requestStage } from '../../lib/sts/stages/request.js';
import { tokenStage } from '../../lib/sts/stages/token.js';
import { contextStage } from '../../lib/sts/stages/context.js';
import { allow, compile, GH, GH_ARN, githubInput, policy } from '../helpers/policy.js';

t.test('compilePolicy numbers each distinct key once, case-insensitively', async (t) => {
  const compiled = compile(
    policy(
      allow(
        { Federated: GH_ARN },
        {
          StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${GH}:sub`]: 'repo:acme/*' },
        },
      ),
      allow(
        { Federated: GH_ARN },
        { StringEquals: { [`${GH.toUpperCase()}:SUB`]: 'repo:acme/app:ref:refs/heads/main' } },
      ),
    ),
  );
  const slots = compiled.statements.map((s) => s.clauses.map((c) => [c.clause.key, c.slot]));
  t.same(slots, [
    [
      [`${GH}:aud`, 0],
      [`${GH}:sub`, 1],
    ],
    [[`${GH.toUpperCase()}:SUB`, 1]],
  ]);
  t.equal(compiled.keySlots, 2);
});

t.test('a slot read for another key answers for that key', async (t) => {
  const input = githubInput(policy(allow({ Federated: GH_ARN })), {
    sub: 'repo:acme/app:ref:refs/heads/main',
  });
  const rec = new Recorder(false);
  const req = requestStage(input, rec);
  if (!req.ok) throw new Error('request refused');
  const tok = tokenStage(input, rec, req.role);
  if (!tok.ok) throw new Error('token refused');
  const ctx = contextStage(input, rec, tok.facts);
  const sub = `${GH}:sub`;
  const aud = `${GH}:aud`;
  t.same(ctx.get(sub, 0)?.values, ['repo:acme/app:ref:refs/heads/main']);
  t.same(ctx.get(aud, 0)?.values, ['sts.amazonaws.com'], 'slot 0 now read for aud');
  t.same(ctx.get(sub, 0)?.values, ['repo:acme/app:ref:refs/heads/main'], 'and back');
  t.equal(ctx.get(`${GH}:nonexistent`, 1), undefined);
  t.equal(ctx.get(`${GH}:nonexistent`, 1), undefined, 'an absent key is remembered as absent');
  t.same(ctx.get(sub)?.values, ['repo:acme/app:ref:refs/heads/main'], 'without a slot');
});
