/**
 * What every detector reads: the decision, the input, and a few values derived once (the token's
 * issuer host/path, the role's partition and account, the Federated principal the policy must name).
 */
import type { Span } from '../diagnostics.js';
import { parseRoleArn, providerForHostPath, providerForOAuthId } from '../providers/index.js';
import type { Claims, ProviderModule } from '../providers/types.js';
import type { ClauseTrace } from '../conditions/trace.js';
import type { Decision, SimulationInput } from '../sts/types.js';

export { formatEpoch as fmtEpoch, statementLabel } from '../sts/vocabulary.js';
export { tokenAudiences } from '../sts/stages/token.js';
import type { DiagnoseOptions, Diagnosis, DiagnosisSeverity, ExplainedDiagnosis } from './types.js';

export interface Facts {
  decision: Decision;
  input: SimulationInput;
  file?: string;
  claims: Claims;
  /** The token's issuer without `https://` (or the OAuth ProviderId), when it is valid. */
  hostPath?: string;
  module?: ProviderModule;
  role?: { partition: string; account: string; name: string };
  /** The Federated value that names the token's provider, in the role's partition and account. */
  caller?: string;
}

export function gatherFacts(
  decision: Decision,
  input: SimulationInput,
  opts: DiagnoseOptions,
): Facts {
  const claims = input.token.claims;
  const facts: Facts = {
    decision,
    input,
    claims,
    ...(opts.policyFile ? { file: opts.policyFile } : {}),
  };
  const role = parseRoleArn(input.role.arn);
  if (role.ok) facts.role = { partition: role.partition, account: role.account, name: role.name };
  // What the token stage found: the provider, or (when it refused) the issuer it looked up.
  const lookup = decision.checks.find((c) => c.id === 'token.provider');
  const hostPath =
    decision.provider?.hostPath ??
    (lookup?.id === 'token.provider' ? lookup.data.hostPath : undefined);
  if (hostPath === undefined) return facts;
  facts.hostPath = hostPath;
  facts.module =
    input.request.providerId !== undefined
      ? providerForOAuthId(input.request.providerId)
      : providerForHostPath(hostPath);
  if (decision.caller !== undefined) facts.caller = decision.caller;
  return facts;
}

export function diag(
  cause: string,
  title: string,
  detail: string,
  fix: string,
  where?: Diagnosis['at'],
  severity: DiagnosisSeverity = 'error',
): ExplainedDiagnosis {
  return { cause, title, detail, fix, ...(where ? { at: where } : {}), severity };
}

/** A place in the policy file for `Diagnosis.at`. */
export function at(f: Facts, span: Span | undefined): Diagnosis['at'] {
  if (!span) return undefined;
  return { ...(f.file ? { file: f.file } : {}), line: span.start.line, column: span.start.column };
}

/** Where a condition's key is written. */
export function keyAt(f: Facts, c: ClauseTrace): Diagnosis['at'] {
  return at(f, c.clause.keySpan);
}

/** The values as written in the policy (before variable substitution). */
export function writtenValues(c: ClauseTrace): string[] {
  return c.clause.values.map((v) => v.value);
}

/** `PREFIX:suffix` split at the last `:`; a key without `:` has an empty prefix. */
export function splitKey(key: string): { prefix: string; suffix: string } {
  const i = key.lastIndexOf(':');
  return i < 0
    ? { prefix: '', suffix: key }
    : { prefix: key.slice(0, i), suffix: key.slice(i + 1) };
}

export function quote(v: string): string {
  return `"${v}"`;
}

export function quoteList(values: readonly string[]): string {
  return values.length === 0 ? '(none)' : values.map(quote).join(', ');
}
