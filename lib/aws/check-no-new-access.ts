/**
 * IAM Access Analyzer's CheckNoNewAccess for two versions of a trust policy: `POST
 * /policy/check-no-new-access` with `existingPolicyDocument`, `newPolicyDocument` and `policyType:
 * RESOURCE_POLICY` (the API takes no resource type for this check; AWS's reference: "Resource
 * policies include trust policies for IAM roles",
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CheckNoNewAccess.html).
 * A custom policy check: AWS charges for each call.
 *
 * The client, its retries, timeouts and deadline, and the fault model are those of
 * `access-analyzer.ts`: an answer that is not about the policies is `unavailable` with a one-line
 * reason — never a pass; a ValidationException is `refused` (about the input). Nothing here throws.
 */
import type { ReasonSummary } from '@aws-sdk/client-accessanalyzer';
import {
  errorName,
  neitherPassNorFail,
  INPUT_ERRORS,
  refusalData,
  underDeadline,
  withSession,
  type AccessAnalyzerOptions,
  type AccessAnalyzerSession,
  type RefusalData,
} from './access-analyzer.js';
import { classifyFault, type Unavailable } from './unavailable.js';

export const NO_NEW_ACCESS_ACTION = 'access-analyzer:CheckNoNewAccess';

/** Access Analyzer answered: PASS (no new access) or FAIL (the new policy may allow new access). */
export interface NoNewAccessAnswer {
  status: 'ok';
  result: 'PASS' | 'FAIL';
  message?: string;
  /** Access Analyzer's reasons: a description and the statement of the new policy. */
  reasons: Array<{ description: string; statementIndex?: number; statementId?: string }>;
}

/** Access Analyzer refused the input (a ValidationException and kin). */
export interface NoNewAccessRefused {
  status: 'refused';
  refusal: RefusalData;
}

export type NoNewAccessOutcome = NoNewAccessAnswer | NoNewAccessRefused | Unavailable;

function reasonOf(r: ReasonSummary): NoNewAccessAnswer['reasons'][number] {
  return {
    description: r.description ?? '',
    ...(typeof r.statementIndex === 'number' ? { statementIndex: r.statementIndex } : {}),
    ...(r.statementId ? { statementId: r.statementId } : {}),
  };
}

/** CheckNoNewAccess with a session, under its deadline. */
export async function requestNoNewAccess(
  existing: string,
  updated: string,
  s: AccessAnalyzerSession,
): Promise<NoNewAccessOutcome> {
  try {
    const out = await underDeadline(s, (abortSignal) =>
      s.client.send(
        new s.commands.CheckNoNewAccessCommand({
          existingPolicyDocument: existing,
          newPolicyDocument: updated,
          policyType: 'RESOURCE_POLICY',
        }),
        { abortSignal },
      ),
    );
    if (out.result !== 'PASS' && out.result !== 'FAIL')
      return neitherPassNorFail('CheckNoNewAccess', out);
    return {
      status: 'ok',
      result: out.result,
      ...(out.message ? { message: out.message } : {}),
      reasons: (out.reasons ?? []).map(reasonOf),
    };
  } catch (err) {
    if (INPUT_ERRORS.has(errorName(err))) return { status: 'refused', refusal: refusalData(err) };
    return classifyFault(err, { action: NO_NEW_ACCESS_ACTION, ...s.settings });
  }
}

/** Does `updated` allow access that `existing` does not? Access Analyzer's answer, or why none. */
export function checkNoNewAccess(
  existing: string,
  updated: string,
  opts: AccessAnalyzerOptions = {},
): Promise<NoNewAccessOutcome> {
  return withSession<NoNewAccessOutcome>(opts, (s) => requestNoNewAccess(existing, updated, s));
}
