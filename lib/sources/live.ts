/**
 * `role: { live: ARN }`: the role as deployed, from `iam:GetRole` — its trust policy, ARN,
 * MaxSessionDuration and tags — and, when asked (`providers: live`), the OIDC providers of the
 * role's account from `iam:ListOpenIDConnectProviders` + `iam:GetOpenIDConnectProvider`.
 *
 * The IAM adapter (lib/aws/iam.ts, which loads the AWS SDK) is imported when a live source is
 * resolved, not when this module is loaded. A role that cannot be read is an error finding with
 * one line saying why ("could not read role …: throttled after 3 attempts"): never a stale or
 * empty policy.
 */
import type { AwsFault, IamCallOptions } from '../aws/iam.js';
import type { ProviderEntry } from '../providers/types.js';
import { readEmbeddedJson, spanOfAst } from './json-text.js';
import type {
  Provenance,
  SourceFinding,
  SourceOptions,
  SourceResult,
  SourceSpec,
} from './types.js';

export type LiveSpec = Extract<SourceSpec, { kind: 'live' }>;

/** What `providers: live` resolves to. */
export type ProvidersResult =
  | {
      ok: true;
      providers: ProviderEntry[];
      provenance: Record<string, Provenance>;
      findings: SourceFinding[];
    }
  | { ok: false; findings: SourceFinding[] };

export interface LiveProviderOptions extends SourceOptions {
  /** The partition of the account (default `aws`); picks IAM's endpoint. */
  partition?: string;
  profile?: string;
  region?: string;
}

function callOptions(
  opts: SourceOptions,
  more: { profile?: string | undefined; region?: string | undefined; partition?: string },
): IamCallOptions {
  return {
    ...(opts.env ? { env: opts.env } : {}),
    ...(more.profile ? { profile: more.profile } : {}),
    ...(more.region ? { region: more.region } : {}),
    ...(more.partition ? { partition: more.partition } : {}),
    ...(opts.aws ?? {}),
  };
}

/** A fault of a live call → the finding a scenario reports (an input error: exit 2). */
export function faultFinding(subject: string, fault: AwsFault, account?: string): SourceFinding {
  const message = `could not read ${subject}: ${fault.message}`;
  switch (fault.kind) {
    case 'not-found':
      return {
        code: 'live-role-not-found',
        severity: 'error',
        message,
        hint: `check the ARN (path and name, letter case included)${account ? ` and that the credentials are for account ${account}` : ''}`,
      };
    case 'no-credentials':
      return {
        code: 'live-no-credentials',
        severity: 'error',
        message,
        hint: 'give role.profile (a profile of ~/.aws/config), or set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
      };
    case 'access-denied':
    case 'credentials-rejected':
      return {
        code: fault.kind === 'access-denied' ? 'live-access-denied' : 'live-credentials-rejected',
        severity: 'error',
        message,
        hint: `the credentials need ${fault.action} on the resource${account ? ` in account ${account}` : ''}`,
      };
    case 'bad-input':
    case 'bad-answer':
      return { code: `live-${fault.kind}`, severity: 'error', message };
    default:
      return {
        code: 'live-unavailable',
        severity: 'error',
        message,
        hint: 'IAM could not be reached or answered with errors: try again; nothing was evaluated against an old or empty policy',
      };
  }
}

/** `https://` + what IAM returns (IAM gives the URL without its scheme). */
function providerUrl(url: string): string {
  return /^https:\/\//i.test(url) ? url : `https://${url}`;
}

/** The OIDC providers of `account`, as the credentials' account lists them. */
export async function resolveLiveProviders(
  account: string,
  opts: LiveProviderOptions,
): Promise<ProvidersResult> {
  const { listOidcProviders } = await import('../aws/iam.js');
  const partition = opts.partition ?? 'aws';
  const listed = await listOidcProviders({
    ...callOptions(opts, { profile: opts.profile, region: opts.region }),
    partition,
  });
  if (!listed.ok) {
    return {
      ok: false,
      findings: [faultFinding(`the OIDC providers of account ${account}`, listed.fault, account)],
    };
  }
  const others = listed.value.filter((p) => p.arn.split(':')[4] !== account);
  if (others.length > 0) {
    const theirs = others[0]?.arn.split(':')[4] ?? '?';
    return {
      ok: false,
      findings: [
        {
          code: 'live-providers-wrong-account',
          severity: 'error',
          message: `the credentials list the OIDC providers of account ${theirs}, not of ${account} (the role's account)`,
          hint: `use credentials (role.profile) for account ${account}`,
        },
      ],
    };
  }
  const providers: ProviderEntry[] = [];
  const provenance: Record<string, Provenance> = {};
  listed.value.forEach((p, i) => {
    providers.push({ url: providerUrl(p.url), clientIds: [...p.clientIds] });
    provenance[`providers[${i}]`] = {
      kind: 'api',
      api: 'iam:GetOpenIDConnectProvider',
      note: `${p.arn} (Url ${p.url}, as IAM returns it: without https://)`,
    };
  });
  const findings: SourceFinding[] =
    providers.length === 0
      ? [
          {
            code: 'live-no-providers',
            severity: 'warning',
            message: `the credentials' account has no OIDC providers (it could not be confirmed to be ${account}): every OIDC token will be refused`,
          },
        ]
      : [];
  return { ok: true, providers, provenance, findings };
}

/** `role: { live: ARN }` → the role as IAM has it. */
export async function resolveLive(spec: LiveSpec, opts: SourceOptions): Promise<SourceResult> {
  const { getRole, parseRoleArn } = await import('../aws/iam.js');
  const parts = parseRoleArn(spec.arn);
  if (!parts) {
    return {
      ok: false,
      findings: [
        {
          code: 'live-role-arn',
          severity: 'error',
          message: `"${spec.arn}" is not a role ARN`,
          hint: 'write live: arn:aws:iam::111122223333:role/PATH/NAME (the path as IAM shows it, / when none)',
        },
      ],
    };
  }
  const call = callOptions(opts, {
    profile: spec.profile,
    region: spec.region,
    partition: parts.partition,
  });
  const got = await getRole(spec.arn, call);
  if (!got.ok) {
    return { ok: false, findings: [faultFinding(`role ${spec.arn}`, got.fault, parts.account)] };
  }
  const role = got.value;
  const label = `${role.arn} (iam:GetRole)`;
  const text = readEmbeddedJson(role.assumeRolePolicyDocument);
  if (!text.ast) {
    return {
      ok: false,
      findings: text.findings.map((f) => ({
        ...f,
        file: label,
        message: `the trust policy IAM returned is not JSON: ${f.message}`,
      })),
    };
  }
  const api: Provenance = { kind: 'api', api: 'iam:GetRole', note: spec.arn };
  const provenance: Record<string, Provenance> = {
    arn: api,
    trustPolicy: { ...api, note: `${spec.arn}: AssumeRolePolicyDocument, percent-decoded` },
    tags: api,
  };
  if (role.maxSessionDuration !== undefined) provenance['maxSessionDuration'] = api;
  const result: Extract<SourceResult, { ok: true }> = {
    ok: true,
    role: {
      arn: role.arn,
      ...(role.maxSessionDuration !== undefined
        ? { maxSessionDuration: role.maxSessionDuration }
        : {}),
      tags: role.tags,
      trustPolicy: {
        document: text.value,
        file: label,
        spanOf: spanOfAst(text.ast),
        at: text.ast.span,
      },
    },
    provenance,
    findings: text.findings.map((f) => ({ ...f, file: label })),
  };
  if (spec.providers) {
    const listed = await resolveLiveProviders(parts.account, {
      ...opts,
      partition: parts.partition,
      ...(spec.profile ? { profile: spec.profile } : {}),
      ...(spec.region ? { region: spec.region } : {}),
    });
    if (!listed.ok) return { ok: false, findings: [...result.findings, ...listed.findings] };
    result.providers = listed.providers;
    Object.assign(result.provenance, listed.provenance);
    result.findings.push(...listed.findings);
  }
  return result;
}
