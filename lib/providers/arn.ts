/**
 * Issuer URL ↔ host/path ↔ provider ARN ↔ Federated principal ↔ role ARN (spec §1.3, §2.1).
 * Pure string functions; every failure is returned as data with a hint.
 */
import { memoize } from '../memo.js';
import type { Partition, ProviderId } from './types.js';
import {
  BUILT_IN_PROVIDERS,
  COGNITO_CN,
  isPartition,
  parseFederatedPrincipal as parsePrincipal,
} from '../policy/principal.js';

export type HostPathResult =
  | {
      ok: true;
      /** The issuer without `https://`: the provider ARN's tail and the condition-key prefix. */
      hostPath: string;
      /** The issuer ends with `/`; kept in `hostPath` because STS compares exactly (UNCONFIRMED 6). */
      trailingSlash: boolean;
      /** Set when the issuer was accepted in a special form (Google's scheme-less `iss`). */
      note?: string;
    }
  | { ok: false; message: string; hint?: string };

const HTTPS = 'https://';
const UNCONFIRMED_6 =
  '§1.3 (UNCONFIRMED 6): the provider URL and iss are taken to be compared exactly, case-sensitively, after stripping https://';

/**
 * `https://host[/path]` → `host[/path]`. Refuses other schemes, a query string, a fragment, a port,
 * user info and white space (§1.3). A trailing `/` is kept and reported (`trailingSlash`).
 * Google documents `accounts.google.com` without a scheme as a valid `iss`; it is accepted as is.
 */
export function hostPathFromIssuer(iss: string): HostPathResult {
  if (typeof iss !== 'string' || iss === '') {
    return { ok: false, message: 'the issuer is empty', hint: 'an issuer is an https:// URL' };
  }
  if (/\s/.test(iss)) {
    return {
      ok: false,
      message: `the issuer ${JSON.stringify(iss)} contains white space`,
      hint: 'remove the spaces or line breaks',
    };
  }
  if (!iss.startsWith(HTTPS)) {
    if (iss === 'accounts.google.com') {
      return {
        ok: true,
        hostPath: iss,
        trailingSlash: false,
        note: 'Google ID tokens may carry iss "accounts.google.com" without a scheme',
      };
    }
    if (/^https:\/\//i.test(iss)) {
      return {
        ok: false,
        message: `the issuer "${iss}" spells the scheme in capitals; the provider URL is case-sensitive (§1.3)`,
        hint: `write ${HTTPS}${iss.slice(HTTPS.length)}`,
      };
    }
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(iss);
    if (scheme) {
      return {
        ok: false,
        message: `the issuer "${iss}" uses ${scheme[1]}://; an OpenID Connect issuer must begin with https:// (§1.3)`,
        hint: `${HTTPS}${iss.slice(scheme[0].length)}`,
      };
    }
    return {
      ok: false,
      message: `the issuer "${iss}" has no https:// scheme (§1.3)`,
      hint: `${HTTPS}${iss}`,
    };
  }
  const rest = iss.slice(HTTPS.length);
  const fragment = rest.indexOf('#');
  if (fragment >= 0) {
    return {
      ok: false,
      message: `the issuer "${iss}" has a fragment ("${rest.slice(fragment)}"); an issuer URL has none`,
      hint: `${HTTPS}${rest.slice(0, fragment)}`,
    };
  }
  const query = rest.indexOf('?');
  if (query >= 0) {
    return {
      ok: false,
      message: `the issuer "${iss}" has a query string; the provider URL must not contain one (§1.3)`,
      hint: `${HTTPS}${rest.slice(0, query)}`,
    };
  }
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  if (host === '') {
    return { ok: false, message: `the issuer "${iss}" has no host`, hint: 'https://HOST[/PATH]' };
  }
  if (host.includes('@')) {
    return {
      ok: false,
      message: `the issuer "${iss}" contains user information ("${host.slice(0, host.lastIndexOf('@') + 1)}")`,
      hint: `${HTTPS}${rest.slice(host.lastIndexOf('@') + 1)}`,
    };
  }
  if (host.includes(':')) {
    return {
      ok: false,
      message: `the issuer "${iss}" names a port; the provider URL must not contain one (§1.3)`,
      hint: `${HTTPS}${host.slice(0, host.indexOf(':'))}${slash < 0 ? '' : rest.slice(slash)}`,
    };
  }
  return { ok: true, hostPath: rest, trailingSlash: rest.endsWith('/') };
}

/**
 * A registered provider URL → host/path. Accepts `https://…` (as created) and the scheme-less form
 * `GetOpenIDConnectProvider` is commonly seen to return (UNCONFIRMED 7).
 */
export function hostPathFromProviderUrl(url: string): HostPathResult {
  if (typeof url === 'string' && url !== '' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    return hostPathFromIssuer(HTTPS + url);
  }
  return hostPathFromIssuer(url);
}

export type IssuerComparison =
  | { match: true }
  | {
      match: false;
      reason:
        'invalid-issuer' | 'invalid-provider-url' | 'trailing-slash' | 'letter-case' | 'different';
      message: string;
      hint?: string;
      unconfirmed?: string;
    };

/**
 * Does the token's `iss` name this registered provider? Exact and case-sensitive after stripping
 * `https://` (our reading of UNCONFIRMED 6). A difference only in a trailing `/` or only in letter
 * case is reported with its own reason, since AWS's normalisation there is unknown.
 */
export function compareIssuer(iss: string, providerUrl: string): IssuerComparison {
  const a = hostPathFromIssuer(iss);
  if (!a.ok) return { match: false, reason: 'invalid-issuer', message: a.message, hint: a.hint };
  const b = hostPathFromProviderUrl(providerUrl);
  if (!b.ok)
    return { match: false, reason: 'invalid-provider-url', message: b.message, hint: b.hint };
  if (a.hostPath === b.hostPath) return { match: true };
  const strip = (s: string): string => s.replace(/\/+$/, '');
  if (strip(a.hostPath) === strip(b.hostPath)) {
    const issHas = a.trailingSlash;
    return {
      match: false,
      reason: 'trailing-slash',
      message: issHas
        ? `the token's iss "${iss}" ends with a trailing "/" but the provider URL "${providerUrl}" does not; STS compares them exactly`
        : `the provider URL "${providerUrl}" ends with a trailing "/" but the token's iss "${iss}" does not; STS compares them exactly`,
      hint: issHas
        ? `register the provider as ${HTTPS}${a.hostPath} or have the IdP issue ${HTTPS}${b.hostPath}`
        : `register the provider as ${HTTPS}${a.hostPath} (without the trailing "/"; the AWS CLI is known to add one)`,
      unconfirmed: UNCONFIRMED_6,
    };
  }
  if (a.hostPath.toLowerCase() === b.hostPath.toLowerCase()) {
    return {
      match: false,
      reason: 'letter-case',
      message: `the token's iss "${iss}" and the provider URL "${providerUrl}" differ only in letter case; the provider URL is case-sensitive (§1.3)`,
      hint: `register the provider as ${HTTPS}${a.hostPath}`,
      unconfirmed: UNCONFIRMED_6,
    };
  }
  return {
    match: false,
    reason: 'different',
    message: `the token's iss "${iss}" is not the provider URL "${providerUrl}"`,
  };
}

/** `arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST[/PATH]` (§1.3). */
export function oidcProviderArn(partition: Partition, account: string, hostPath: string): string {
  return `arn:${partition}:iam::${account}:oidc-provider/${hostPath}`;
}

/**
 * The built-in providers' Federated values (§1.3, §2.1): the policy layer's list
 * (`BUILT_IN_PROVIDERS`) plus the aws-cn Cognito name.
 */
export const BUILT_IN_PRINCIPALS: Readonly<Record<string, ProviderId>> = {
  ...BUILT_IN_PROVIDERS,
  [COGNITO_CN]: 'cognito',
};

const UNCONFIRMED_13 =
  '§2.1 (UNCONFIRMED 13): cognito-identity.amazonaws.com.cn as the aws-cn Cognito principal is seen only in third-party templates';

/**
 * A Federated value as the simulator matches it: the provider it names, or why it names none.
 * A view of the one parser's result (`FederatedPrincipal` in lib/policy/principal.ts).
 */
export type ProviderPrincipal =
  | {
      kind: 'builtin';
      /** The domain: both the Federated value and the key prefix. */
      hostPath: string;
      provider: ProviderId;
      /** Only set when the value implies a partition (`….amazonaws.com.cn` → `aws-cn`). */
      partition?: Partition;
      unconfirmed?: string;
    }
  | { kind: 'oidc'; partition: Partition; account: string; hostPath: string; arn: string }
  | { kind: 'saml'; partition: Partition; account: string; name: string; arn: string }
  | { kind: 'invalid'; message: string; hint?: string };

/**
 * A `Principal.Federated` value → built-in domain, IAM OIDC provider ARN, SAML provider ARN, or an
 * explained invalid value (§2.1). It reads the value with the policy parser
 * (`parseFederatedPrincipal` of lib/policy/principal.ts), so the two never disagree; only the
 * shape differs. Matching is exact and case-sensitive (UNCONFIRMED 6): a built-in name in other
 * letter case, which the parser accepts with a warning, names no provider here. Remembered per
 * value: the result is shared, so callers never modify it.
 */
export const parseFederatedPrincipal: (value: string) => ProviderPrincipal = memoize(
  readFederatedPrincipal,
  1024,
);

function readFederatedPrincipal(value: string): ProviderPrincipal {
  const r = parsePrincipal(value);
  if (!r.ok) {
    const issue = r.issues[0];
    return {
      kind: 'invalid',
      message: issue?.message ?? `${JSON.stringify(value)} is not a Federated principal`,
      ...(issue?.hint ? { hint: issue.hint } : {}),
    };
  }
  const p = r.principal;
  switch (p.kind) {
    case 'built-in': {
      if (p.caseDiffers) {
        return {
          kind: 'invalid',
          message: `${JSON.stringify(value)} differs from the built-in provider "${p.domain}" in letter case; the principal is matched exactly`,
          hint: p.domain,
        };
      }
      return p.partition
        ? {
            kind: 'builtin',
            hostPath: p.name,
            provider: p.provider,
            partition: p.partition,
            unconfirmed: UNCONFIRMED_13,
          }
        : { kind: 'builtin', hostPath: p.name, provider: p.provider };
    }
    case 'oidc':
      return {
        kind: 'oidc',
        partition: p.partition,
        account: p.account,
        hostPath: p.provider,
        arn: value,
      };
    case 'saml':
      return { kind: 'saml', partition: p.partition, account: p.account, name: p.name, arn: value };
  }
}

/**
 * The Federated value a trust policy must name for tokens of `hostPath`: the domain for built-in
 * providers, else the IAM OIDC provider ARN in the role's partition and account (§2.1).
 */
export function federatedPrincipalFor(
  hostPath: string,
  builtIn: boolean,
  partition: Partition,
  account: string,
): string {
  return builtIn ? hostPath : oidcProviderArn(partition, account, hostPath);
}

export type RoleArnResult =
  | {
      ok: true;
      arn: string;
      partition: Partition;
      account: string;
      /** `/` or `/a/b/`. */
      path: string;
      name: string;
    }
  | { ok: false; message: string; hint?: string };

const ACCOUNT_RE = /^\d{12}$/;
const ROLE_NAME_RE = /^[\w+=,.@-]{1,64}$/;
const PATH_SEGMENT_RE = /^[\u0021-\u007e]+$/;

/**
 * `arn:PARTITION:iam::ACCOUNT:role[/PATH]/NAME` → parts (§1.2, §2.1): RoleArn 20–2048 characters,
 * name 1–64 of `[\w+=,.@-]`, path `/` or `/…/` of printable ASCII, at most 512 characters.
 */
export function parseRoleArn(arn: string): RoleArnResult {
  if (typeof arn !== 'string' || arn === '') {
    return {
      ok: false,
      message: 'the role ARN is empty',
      hint: 'arn:aws:iam::ACCOUNT_ID:role/NAME',
    };
  }
  const session = /^arn:([^:]*):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(arn);
  if (session) {
    return {
      ok: false,
      message: `"${arn}" is an assumed-role session ARN, not a role ARN`,
      hint: `arn:${session[1]}:iam::${session[2]}:role/${session[3]} (with the role's path, if it has one)`,
    };
  }
  const parts = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/.exec(arn);
  if (!parts) {
    return {
      ok: false,
      message: `"${arn}" is not a well-formed ARN`,
      hint: 'arn:aws:iam::ACCOUNT_ID:role/NAME',
    };
  }
  const [, partition = '', service = '', region = '', account = '', resource = ''] = parts;
  if (service !== 'iam' || !/^role\//.test(resource)) {
    return {
      ok: false,
      message: `"${arn}" is not an IAM role ARN`,
      hint: 'arn:aws:iam::ACCOUNT_ID:role/NAME',
    };
  }
  if (!isPartition(partition)) {
    return {
      ok: false,
      message: `"${arn}": "${partition}" is not a partition (aws, aws-cn, aws-us-gov, …)`,
      hint: arn.replace(/^arn:[^:]*:/, 'arn:aws:'),
    };
  }
  if (region !== '') {
    return {
      ok: false,
      message: `"${arn}": IAM ARNs have no region, but "${region}" is given`,
      hint: `arn:${partition}:iam::${account}:${resource}`,
    };
  }
  if (!ACCOUNT_RE.test(account)) {
    return {
      ok: false,
      message: `"${arn}": the account "${account}" is not 12 digits`,
      hint: 'the 12-digit id of the account that owns the role',
    };
  }
  if (arn.length < 20 || arn.length > 2048) {
    return {
      ok: false,
      message: `RoleArn must be 20–2048 characters; "${arn}" has ${arn.length} (§1.2)`,
    };
  }
  const segments = resource.slice('role/'.length).split('/');
  const name = segments.pop() ?? '';
  if (name === '') {
    return {
      ok: false,
      message: `"${arn}" ends with "/": the role name is missing`,
      hint: `arn:${partition}:iam::${account}:${resource.replace(/\/+$/, '')}`,
    };
  }
  if (!ROLE_NAME_RE.test(name)) {
    const bad = [...name].filter((c) => !/[\w+=,.@-]/.test(c));
    return {
      ok: false,
      message:
        name.length > 64
          ? `the role name "${name}" has ${name.length} characters; at most 64 are allowed (§2.1)`
          : `the role name "${name}" contains ${bad.map((c) => JSON.stringify(c)).join(', ')}; only letters, digits and _+=,.@- are allowed (§2.1)`,
      hint: 'role names are 1–64 characters of [A-Za-z0-9_+=,.@-]',
    };
  }
  if (segments.some((s) => s === '' || !PATH_SEGMENT_RE.test(s))) {
    return {
      ok: false,
      message: `the role path in "${arn}" is not "/" or "/…/" of printable ASCII without empty parts (§2.1)`,
      hint: 'e.g. arn:aws:iam::123456789012:role/application_abc/component_xyz/RDSAccess',
    };
  }
  const path = segments.length === 0 ? '/' : `/${segments.join('/')}/`;
  if (path.length > 512) {
    return {
      ok: false,
      message: `the role path has ${path.length} characters; at most 512 are allowed (§2.1)`,
    };
  }
  return { ok: true, arn, partition, account, path, name };
}
