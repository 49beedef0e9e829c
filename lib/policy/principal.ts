/**
 * The shapes a `Principal.Federated` value may take (§2.1), parsed and checked. This is the one
 * reader of Federated principals: the policy parser reports its issues as findings, and the
 * simulator (lib/providers/arn.ts) matches callers against what it returns.
 */
import type { Finding } from '../diagnostics.js';

/**
 * Federated names IAM knows without a registered provider (§2.1), with the provider each one
 * stands for. The name is also the prefix of the provider's condition keys.
 */
export const BUILT_IN_PROVIDERS = {
  'accounts.google.com': 'google',
  'graph.facebook.com': 'facebook',
  'www.amazon.com': 'amazon',
  'cognito-identity.amazonaws.com': 'cognito',
} as const;

export type BuiltInDomain = keyof typeof BUILT_IN_PROVIDERS;
export type BuiltInProviderId = (typeof BUILT_IN_PROVIDERS)[BuiltInDomain];

/** The built-in Federated names (§2.1), in the order of `BUILT_IN_PROVIDERS`. */
export const BUILT_IN_FEDERATED: readonly BuiltInDomain[] = Object.keys(
  BUILT_IN_PROVIDERS,
) as BuiltInDomain[];

/** Third-party templates use this for Cognito in aws-cn (§2.1, UNCONFIRMED 13). */
export const COGNITO_CN = 'cognito-identity.amazonaws.com.cn';

/** The AWS partitions: the one list for provider ARNs and role ARNs alike (§2.1). */
export const PARTITIONS = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
] as const;

export type Partition = (typeof PARTITIONS)[number];

export function isPartition(value: string): value is Partition {
  return (PARTITIONS as readonly string[]).includes(value);
}

export type FederatedPrincipal =
  | {
      kind: 'built-in';
      /** As written. */
      name: string;
      /** The built-in name it stands for: the condition-key prefix. */
      domain: BuiltInDomain | typeof COGNITO_CN;
      provider: BuiltInProviderId;
      /** Set when the name implies a partition (`….amazonaws.com.cn` → `aws-cn`). */
      partition?: Partition;
      /**
       * The value differs from `domain` in letter case. It is accepted (with a warning), but under
       * the exact reading of principals (UNCONFIRMED 6) it names no caller.
       */
      caseDiffers?: true;
    }
  | {
      kind: 'oidc';
      partition: Partition;
      account: string;
      host: string;
      /** `''`, `/seg/seg`, or either with a trailing `/` (`/`, `/seg/`) when the provider has one. */
      path: string;
      /** `HOST[/PATH]`: the condition-key prefix and the issuer without `https://` (§1.3). */
      provider: string;
    }
  | { kind: 'saml'; partition: Partition; account: string; name: string };

/** A finding without its place; the caller adds the span of the value. */
export type Issue = Omit<Finding, 'span'>;

export type FederatedParse =
  { ok: true; principal: FederatedPrincipal; issues: Issue[] } | { ok: false; issues: Issue[] };

const FORMS =
  'a Federated principal is "accounts.google.com", "graph.facebook.com", "www.amazon.com", ' +
  '"cognito-identity.amazonaws.com", "arn:aws:iam::ACCOUNT:oidc-provider/HOST[/PATH]" or ' +
  '"arn:aws:iam::ACCOUNT:saml-provider/NAME"';

function q(s: string): string {
  return JSON.stringify(s);
}

function invalid(
  message: string,
  hint: string = FORMS,
  code = 'invalid-federated-principal',
): FederatedParse {
  return { ok: false, issues: [{ code, severity: 'error', message, hint, spec: '§2.1' }] };
}

function ok(principal: FederatedPrincipal, issues?: Issue[]): FederatedParse {
  return { ok: true, principal, issues: issues ?? [] };
}

function isAlnum(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);
}

/**
 * Labels of letters, digits and inner hyphens, 1–63 characters each, 253 at most in all: the
 * characters of `s` from `from` to `to`. (Reading them in place, not from a slice: a slice of a
 * longer string is slower to read character by character.)
 */
function isDnsName(s: string, from = 0, to = s.length): boolean {
  const n = to - from;
  if (n === 0 || n > 253) return false;
  let start = from;
  for (let i = from; i <= to; i++) {
    const c = i < to ? s.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      const len = i - start;
      if (len === 0 || len > 63) return false;
      if (!isAlnum(s.charCodeAt(start)) || !isAlnum(s.charCodeAt(i - 1))) return false;
      start = i + 1;
    } else if (!isAlnum(c) && c !== 0x2d) return false;
  }
  return true;
}

/** RFC 3986 path characters (pchar) other than `%`, without `*`, which principals never take. */
function isPathChar(c: number): boolean {
  return (
    isAlnum(c) ||
    c === 0x2e || // .
    c === 0x5f || // _
    c === 0x7e || // ~
    c === 0x21 || // !
    c === 0x24 || // $
    c === 0x26 || // &
    c === 0x27 || // '
    c === 0x28 || // (
    c === 0x29 || // )
    c === 0x2b || // +
    c === 0x2c || // ,
    c === 0x3b || // ;
    c === 0x3d || // =
    c === 0x3a || // :
    c === 0x40 || // @
    c === 0x2d // -
  );
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** `/seg/seg` (or empty): non-empty segments of pchar or %XX, the characters of `s` from `from` to `to`. */
function isPath(s: string, from: number, to: number): boolean {
  let segment = 0;
  for (let i = from + 1; i <= to; i++) {
    const c = i < to ? s.charCodeAt(i) : 0x2f;
    if (c === 0x2f) {
      if (segment === 0) return false;
      segment = 0;
    } else if (c === 0x25) {
      if (!isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2)) || i + 2 >= to) return false;
      i += 2;
      segment += 3;
    } else if (isPathChar(c)) segment++;
    else return false;
  }
  return true;
}

function isSamlName(name: string): boolean {
  const n = name.length;
  if (n === 0 || n > 128) return false;
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i);
    if (!isAlnum(c) && c !== 0x2e && c !== 0x5f && c !== 0x2d) return false;
  }
  return true;
}

function isAccount(account: string): boolean {
  if (account.length !== 12) return false;
  for (let i = 0; i < 12; i++) {
    const c = account.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** The length of a leading `scheme://` (letters only), or 0. */
function schemeLength(v: string): number {
  let i = 0;
  for (; i < v.length; i++) {
    const c = v.charCodeAt(i) | 0x20;
    if (c < 0x61 || c > 0x7a) break;
  }
  return i > 0 && v.startsWith('://', i) ? i + 3 : 0;
}

function hasWhiteSpace(v: string): boolean {
  return /\s/.test(v);
}

function stripScheme(v: string): string {
  return v.slice(schemeLength(v)).replace(/\/+$/, '');
}

const BUILT_IN_SET: ReadonlySet<string> = new Set(BUILT_IN_FEDERATED);

function builtIn(name: string): BuiltInDomain | undefined {
  return BUILT_IN_SET.has(name) ? (name as BuiltInDomain) : undefined;
}

/** Checks the host-and-path part of an OIDC provider ARN (after `oidc-provider/`). */
function parseProvider(
  value: string,
  from: number,
  head: () => string,
): FederatedParse | { host: string; path: string; provider: string } {
  const rest = value.slice(from);
  const scheme = schemeLength(rest);
  if (scheme > 0) {
    return invalid(
      `the OIDC provider ARN contains a URL scheme (${q(rest)}): the provider part keeps no scheme`,
      `write the host without ${q(rest.slice(0, scheme))}: ${head()}oidc-provider/${stripScheme(rest)}`,
      'federated-principal-scheme',
    );
  }
  if (rest.endsWith('//')) {
    const bare = rest.replace(/\/+$/, '');
    return invalid(
      `the OIDC provider ARN ends with ${q(rest.slice(bare.length))}`,
      `a provider URL ends with at most one "/": write ${head()}oidc-provider/${bare} or ${head()}oidc-provider/${bare}/, as the provider is registered`,
      'federated-principal-trailing-slash',
    );
  }
  if (rest === '' || rest.startsWith('/')) {
    return invalid(
      `${q(value)} names no provider after "oidc-provider/"`,
      `the ARN names no host: write ${head()}oidc-provider/HOST[/PATH]`,
    );
  }
  const end = value.length;
  const slash = value.indexOf('/', from);
  const hostEnd = slash < 0 ? end : slash;
  // A provider registered with a trailing "/" (Auth0, Entra ID v1) keeps it in its ARN and key prefix.
  const pathEnd = slash >= 0 && value.endsWith('/') ? end - 1 : end;
  if (!isDnsName(value, from, hostEnd)) {
    const host = value.slice(from, hostEnd);
    return invalid(
      `${q(host)} is not a DNS host name`,
      host.includes(':')
        ? 'the provider is named by its host (and path) only, without a port'
        : 'the provider part is the issuer URL without "https://": HOST[/PATH], e.g. token.actions.githubusercontent.com',
    );
  }
  if (!isPath(value, hostEnd, pathEnd)) {
    return invalid(
      `the provider path ${q(value.slice(hostEnd))} is malformed`,
      'the path is the issuer URL path: non-empty segments separated by single "/"',
    );
  }
  return { host: value.slice(from, hostEnd), path: value.slice(hostEnd), provider: rest };
}

/**
 * Parses a `Federated` principal value. Invalid forms give one error issue; valid unusual forms
 * (SAML, the aws-cn Cognito name, a built-in name in other letter case) give warnings/notes.
 * Never throws. Remembered per value (policies repeat their principals): the result is shared,
 * so callers never modify it.
 */
export function parseFederatedPrincipal(value: string): FederatedParse {
  let r = parsed.get(value);
  if (r === undefined) {
    if (parsed.size >= 1024) parsed.clear(); // bounded: a stream of new values cannot grow it
    r = readFederatedPrincipal(value);
    parsed.set(value, r);
  }
  return r;
}
const parsed = new Map<string, FederatedParse>();

function readFederatedPrincipal(value: string): FederatedParse {
  if (typeof value !== 'string') return invalid('the Federated principal is not a string');
  const domain = builtIn(value);
  if (domain !== undefined) {
    return ok({ kind: 'built-in', name: value, domain, provider: BUILT_IN_PROVIDERS[domain] });
  }
  const r = value.startsWith('arn:') ? parseArn(value) : parseName(value);
  // White space never passes the checks; when it is there, it is the thing to point out.
  if (!r.ok && hasWhiteSpace(value)) {
    return invalid(
      `the Federated principal ${q(value)} contains white space`,
      `write it without white space: ${q(value.replace(/\s+/g, ''))}`,
    );
  }
  return r;
}

/** A value that is not an ARN: the aws-cn Cognito name, a built-in in other case, or a mistake. */
function parseName(value: string): FederatedParse {
  if (value === COGNITO_CN) {
    return ok(
      {
        kind: 'built-in',
        name: value,
        domain: COGNITO_CN,
        provider: 'cognito',
        partition: 'aws-cn',
      },
      [
        {
          code: 'cognito-cn-principal',
          severity: 'info',
          message: `"${COGNITO_CN}" is accepted as the Cognito principal of the aws-cn partition`,
          hint: 'AWS documents only "cognito-identity.amazonaws.com"; the .cn form comes from third-party templates (UNCONFIRMED 13)',
          spec: '§2.1',
        },
      ],
    );
  }
  if (value === '') return invalid('the Federated principal is empty');
  const lower = value.toLowerCase();
  const folded = builtIn(lower);
  if (folded !== undefined) {
    return ok(
      {
        kind: 'built-in',
        name: value,
        domain: folded,
        provider: BUILT_IN_PROVIDERS[folded],
        caseDiffers: true,
      },
      [
        {
          code: 'federated-principal-case',
          severity: 'warning',
          message: `${q(value)} differs from the built-in provider "${folded}" in letter case`,
          hint: `write "${folded}" (whether IAM matches it case-insensitively is UNCONFIRMED 6)`,
          spec: '§2.1',
        },
      ],
    );
  }
  if (schemeLength(value) > 0) {
    const tail = stripScheme(value);
    return invalid(
      `${q(value)} is a URL; a Federated principal names the provider without a scheme`,
      builtIn(tail) !== undefined
        ? `a built-in provider is named by its domain: write "${tail}"`
        : `name an OIDC provider by its ARN: arn:aws:iam::ACCOUNT:oidc-provider/${tail}`,
      'federated-principal-scheme',
    );
  }
  const slash = value.indexOf('/');
  const looksLikeHost = value.includes('.') && isDnsName(slash < 0 ? value : value.slice(0, slash));
  return invalid(
    `${q(value)} is not a built-in provider; an IAM OIDC provider is named by its ARN (§2.1)`,
    looksLikeHost
      ? `write its ARN: arn:aws:iam::ACCOUNT:oidc-provider/${value.replace(/\/+$/, '')}`
      : FORMS,
  );
}

/**
 * A provider URL may end with "/" (Auth0 `https://TENANT.auth0.com/`, Entra ID v1
 * `https://sts.windows.net/TENANT/`): the ARN, the key prefix and the matching `iss` keep it.
 */
function trailingSlashNote(provider: string): Issue {
  return {
    code: 'oidc-provider-trailing-slash',
    severity: 'info',
    message: `the provider URL ends with "/": its condition keys are "${provider}:aud", "${provider}:sub", …, and only tokens whose iss ends with "/" match it`,
    hint: 'keep the slash in the keys as well; a token whose iss has no trailing "/" needs a provider registered without it',
    spec: '§1.3',
  };
}

/** `arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST[/PATH]` or `…:saml-provider/NAME`. */
function parseArn(value: string): FederatedParse {
  // arn : partition : service : region : account : resource (the resource may hold colons)
  const c1 = 3;
  const c2 = value.indexOf(':', c1 + 1);
  const c3 = c2 < 0 ? -1 : value.indexOf(':', c2 + 1);
  const c4 = c3 < 0 ? -1 : value.indexOf(':', c3 + 1);
  const c5 = c4 < 0 ? -1 : value.indexOf(':', c4 + 1);
  if (c5 < 0) {
    return invalid(
      `${q(value)} is not a complete ARN (a well-formed one has six fields)`,
      'write arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST[/PATH]',
    );
  }
  const partition = value.slice(c1 + 1, c2);
  const service = value.slice(c2 + 1, c3);
  const region = value.slice(c3 + 1, c4);
  const account = value.slice(c4 + 1, c5);
  const resource = value.slice(c5 + 1);
  if (!isPartition(partition)) {
    return invalid(
      `${q(partition)} is not a partition, in ${q(value)}`,
      `the partition is one of ${PARTITIONS.join(', ')}`,
    );
  }
  const oidc = resource.startsWith('oidc-provider/');
  if (service !== 'iam' || !(oidc || resource.startsWith('saml-provider/'))) {
    return invalid(
      `${q(value)} is not an identity-provider ARN: a Federated principal names an IAM oidc-provider or saml-provider (other principals go under "AWS" or "Service")`,
      'write arn:aws:iam::ACCOUNT:oidc-provider/HOST or arn:aws:iam::ACCOUNT:saml-provider/NAME',
    );
  }
  if (region !== '') {
    return invalid(
      `IAM ARNs have no region, but ${q(region)} is given`,
      `leave the region field empty: arn:${partition}:iam::${account}:${resource}`,
    );
  }
  if (!isAccount(account)) {
    return invalid(
      `the account ${q(account)} in a provider ARN is not 12 digits`,
      'write the 12-digit account ID of the account that holds the identity provider',
    );
  }
  if (resource.includes('*') || resource.includes('?')) {
    return invalid(
      `wildcards are not allowed inside a principal: ${q(value)}`,
      'name the provider exactly, and narrow callers with conditions',
      'principal-partial-wildcard',
    );
  }
  if (oidc) {
    const r = parseProvider(
      value,
      c5 + 1 + 'oidc-provider/'.length,
      () => `arn:${partition}:iam::${account}:`,
    );
    if ('ok' in r) return r;
    const provider = r.provider;
    return ok(
      { kind: 'oidc', partition, account, host: r.host, path: r.path, provider },
      provider.endsWith('/') ? [trailingSlashNote(provider)] : undefined,
    );
  }
  const name = resource.slice('saml-provider/'.length);
  if (!isSamlName(name)) {
    return invalid(
      `${q(name)} is not a valid SAML provider name`,
      'a SAML provider name is 1–128 letters, digits, ".", "_" or "-"',
    );
  }
  return ok({ kind: 'saml', partition, account, name }, [
    {
      code: 'saml-principal',
      severity: 'warning',
      message: 'a SAML provider principal never matches a web-identity caller',
      hint: 'SAML principals go with sts:AssumeRoleWithSAML; AssumeRoleWithWebIdentity needs an oidc-provider or a built-in provider',
      spec: '§4.1',
    },
  ]);
}
