/** Shared pieces of the scenario tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** 2026-06-01T00:00:00Z — the fixed clock of every scenario test. */
export const NOW = Date.UTC(2026, 5, 1);
export const NOW_SEC = NOW / 1000;

export const FIXTURES = fileURLToPath(new URL('../fixtures/scenarios/', import.meta.url));

export const GH = 'token.actions.githubusercontent.com';
export const GH_ARN = `arn:aws:iam::111122223333:oidc-provider/${GH}`;
export const ROLE_ARN = 'arn:aws:iam::111122223333:role/deploy/gha-deploy';

/** The GitHub deploy policy of the fixtures (main branch and the prod environment; no pull requests). */
export const GHA_POLICY = readFileSync(`${FIXTURES}policies/gha-deploy.trust.json`, 'utf8');

/** A scenario file's head: 8 lines, so the first scenario entry is on line 9. */
export const HEAD = `role:
  arn: ${ROLE_ARN}
  trustPolicy: ./policy.json
now: 2026-06-01T00:00:00Z
defaults:
  token: { iss: https://${GH}, aud: sts.amazonaws.com }
  request: { roleSessionName: ci }
scenarios:
`;

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A compact JWT made by hand (the signature is not real: the simulator never checks it). */
export function makeJwt(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT' },
): string {
  return `${b64url(header)}.${b64url(claims)}.${Buffer.from('signature').toString('base64url')}`;
}
