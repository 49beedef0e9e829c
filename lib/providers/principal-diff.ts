/**
 * How a written Federated principal differs from the one that names the caller's provider: the one
 * comparison that the simulator's trace and `explain`'s diagnoses both read (§2.1).
 */
import { parseFederatedPrincipal } from './arn.js';

export type PrincipalDifference =
  | {
      /** The Federated value as written. */
      value: string;
      kind: 'oidc';
      partition?: { written: string; caller: string };
      account?: { written: string; caller: string };
      host?: { written: string; caller: string; how: 'missing-path' | 'letter-case' | 'other' };
    }
  | { value: string; kind: 'not-the-provider' };

/** Compares one written Federated value with the caller's principal (exact, case-sensitive). */
export function federatedDifference(written: string, caller: string): PrincipalDifference {
  const want = parseFederatedPrincipal(caller);
  const got = parseFederatedPrincipal(written);
  if (got.kind !== 'oidc' || want.kind !== 'oidc')
    return { value: written, kind: 'not-the-provider' };
  const diff: PrincipalDifference = { value: written, kind: 'oidc' };
  if (got.partition !== want.partition)
    diff.partition = { written: got.partition, caller: want.partition };
  if (got.account !== want.account) diff.account = { written: got.account, caller: want.account };
  if (got.hostPath !== want.hostPath) {
    const how = want.hostPath.startsWith(got.hostPath + '/')
      ? 'missing-path'
      : got.hostPath.toLowerCase() === want.hostPath.toLowerCase()
        ? 'letter-case'
        : 'other';
    diff.host = { written: got.hostPath, caller: want.hostPath, how };
  }
  return diff;
}
