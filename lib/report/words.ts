/**
 * The sentences of the trace (lib/explain/describe.ts) as reports print them: in the user's
 * terms, without section numbers of trustspec's own notes.
 */
import type { ClauseTrace } from '../conditions/trace.js';
import {
  actionReason as rawActionReason,
  clauseReason as rawClauseReason,
  describeCheck as rawDescribeCheck,
  principalReason as rawPrincipalReason,
} from '../explain/describe.js';
import { userText } from '../explain/notes.js';
import type { ActionTrace, Check, PrincipalTrace } from '../sts/types.js';

export const clauseReason = (c: ClauseTrace): string => userText(rawClauseReason(c));
export const principalReason = (p: PrincipalTrace): string => userText(rawPrincipalReason(p));
export const actionReason = (a: ActionTrace): string => userText(rawActionReason(a));

export function describeCheck(c: Check): { message: string; expected?: string; actual?: string } {
  const t = rawDescribeCheck(c);
  return {
    message: userText(t.message),
    ...(t.expected !== undefined ? { expected: userText(t.expected) } : {}),
    ...(t.actual !== undefined ? { actual: userText(t.actual) } : {}),
  };
}
