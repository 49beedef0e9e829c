/**
 * UNCONFIRMED readings a scenario's token was built on (a shorthand's or a workflow's subject),
 * listed with the result's own UNCONFIRMED rules — only when the result can rest on them, i.e.
 * when the trust policy reads the claim the reading shaped.
 */
import { PULL_REQUEST_TARGET_NOTE } from '../providers/index.js';
import type { Claims } from '../providers/types.js';
import type { CompiledPolicy } from '../sts/compile.js';

/** Does some condition of the policy read `claim` (as its key, or through a policy variable)? */
function readsClaim(policy: CompiledPolicy, claim: string): boolean {
  const key = `:${claim}`;
  const variable = `${key}}`;
  for (const cs of policy.statements) {
    for (const c of cs.statement.conditions) {
      if (c.keyLower.endsWith(key)) return true;
      for (const v of c.values) if (v.value.toLowerCase().includes(variable)) return true;
    }
  }
  return false;
}

/** The readings the token's claims rest on that the policy can see. */
export function tokenAssumptions(claims: Claims, policy: CompiledPolicy): string[] {
  const sub = claims['sub'];
  if (
    claims['event_name'] === 'pull_request_target' &&
    typeof sub === 'string' &&
    sub.endsWith(':pull_request') &&
    readsClaim(policy, 'sub')
  ) {
    return [PULL_REQUEST_TARGET_NOTE];
  }
  return [];
}
