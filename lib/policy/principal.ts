/** The shapes a `Principal.Federated` value may take (§2.1), parsed and checked. */
import type { Finding } from '../diagnostics.js';

/** Federated names IAM knows without a registered provider (§2.1). */
export const BUILT_IN_FEDERATED = [
  'accounts.google.com',
  'graph.facebook.com',
  'www.amazon.com',
  'cognito-identity.amazonaws.com',
] as const;

/** Third-party templates use this for Cognito in aws-cn (§2.1, UNCONFIRMED 13). */
export const COGNITO_CN = 'cognito-identity.amazonaws.com.cn';

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

export type FederatedPrincipal =
  | { kind: 'built-in'; name: string }
  | {
      kind: 'oidc';
      partition: string;
      account: string;
      host: string;
      /** `''` or `/seg/seg`. */
      path: string;
      /** `HOST[/PATH]`: the condition-key prefix and the issuer without `https://` (§1.3). */
      provider: string;
    }
  | { kind: 'saml'; partition: string; account: string; name: string };

/** A finding without its place; the caller adds the span of the value. */
export type Issue = Omit<Finding, 'span'>;

export type FederatedParse =
  { ok: true; principal: FederatedPrincipal; issues: Issue[] } | { ok: false; issues: Issue[] };

const DNS_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
/** RFC 3986 path characters (pchar), without `*`, which principals never take. */
const PATH_SEGMENT = /^(?:[A-Za-z0-9._~!$&'()+,;=:@-]|%[0-9A-Fa-f]{2})+$/;
const SAML_NAME = /^[A-Za-z0-9._-]{1,128}$/;

const FORMS =
  'a Federated principal is "accounts.google.com", "graph.facebook.com", "www.amazon.com", ' +
  '"cognito-identity.amazonaws.com", "arn:aws:iam::ACCOUNT:oidc-provider/HOST[/PATH]" or ' +
  '"arn:aws:iam::ACCOUNT:saml-provider/NAME"';

function invalid(
  message: string,
  hint: string = FORMS,
  code = 'invalid-federated-principal',
): FederatedParse {
  return { ok: false, issues: [{ code, severity: 'error', message, hint, spec: '§2.1' }] };
}

function isDnsName(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  return host.split('.').every((label) => DNS_LABEL.test(label));
}

function stripScheme(v: string): string {
  return v.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
}

/** Checks the host-and-path part of an OIDC provider ARN (after `oidc-provider/`). */
function parseProvider(
  rest: string,
  arnHead: string,
): FederatedParse | { host: string; path: string } {
  if (/^[a-z]+:\/\//i.test(rest)) {
    return invalid(
      `the OIDC provider ARN contains a URL scheme: ${JSON.stringify(rest)}`,
      `write the host without "https://": ${arnHead}oidc-provider/${stripScheme(rest)}`,
      'federated-principal-scheme',
    );
  }
  if (rest.endsWith('/')) {
    return invalid(
      'the OIDC provider ARN ends with "/"',
      `remove the trailing slash: ${arnHead}oidc-provider/${rest.replace(/\/+$/, '')} (provider ARNs never end with "/")`,
      'federated-principal-trailing-slash',
    );
  }
  if (rest === '')
    return invalid('the OIDC provider ARN names no host', `write ${arnHead}oidc-provider/HOST`);
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash);
  if (!isDnsName(host)) {
    return invalid(
      `${JSON.stringify(host)} is not a DNS host name`,
      host.includes(':')
        ? 'the provider is named by its host (and path) only, without a port'
        : 'the provider part is the issuer URL without "https://": HOST[/PATH], e.g. token.actions.githubusercontent.com',
    );
  }
  if (
    path !== '' &&
    !path
      .slice(1)
      .split('/')
      .every((seg) => PATH_SEGMENT.test(seg))
  ) {
    return invalid(
      `the provider path ${JSON.stringify(path)} is malformed`,
      'the path is the issuer URL path: non-empty segments separated by single "/"',
    );
  }
  return { host, path };
}

/**
 * Parses a `Federated` principal value. Invalid forms give one error issue; valid unusual forms
 * (SAML, the aws-cn Cognito name, a built-in name in other letter case) give warnings/notes.
 * Wildcards are the caller's business (they are refused before this is called).
 */
export function parseFederatedPrincipal(value: string): FederatedParse {
  if ((BUILT_IN_FEDERATED as readonly string[]).includes(value)) {
    return { ok: true, principal: { kind: 'built-in', name: value }, issues: [] };
  }
  if (value === COGNITO_CN) {
    return {
      ok: true,
      principal: { kind: 'built-in', name: value },
      issues: [
        {
          code: 'cognito-cn-principal',
          severity: 'info',
          message: `"${COGNITO_CN}" is accepted as the Cognito principal of the aws-cn partition`,
          hint: 'AWS documents only "cognito-identity.amazonaws.com"; the .cn form comes from third-party templates (UNCONFIRMED 13)',
          spec: '§2.1',
        },
      ],
    };
  }
  const lower = value.toLowerCase();
  const builtIn = BUILT_IN_FEDERATED.find((b) => b === lower);
  if (builtIn !== undefined) {
    return {
      ok: true,
      principal: { kind: 'built-in', name: value },
      issues: [
        {
          code: 'federated-principal-case',
          severity: 'warning',
          message: `${JSON.stringify(value)} differs from the built-in provider "${builtIn}" in letter case`,
          hint: `write "${builtIn}" (whether IAM matches it case-insensitively is UNCONFIRMED 6)`,
          spec: '§2.1',
        },
      ],
    };
  }
  if (/^[a-z]+:\/\//i.test(value)) {
    return invalid(
      `a Federated principal is not a URL: ${JSON.stringify(value)}`,
      `name an OIDC provider by its ARN: arn:aws:iam::ACCOUNT:oidc-provider/${stripScheme(value)}`,
      'federated-principal-scheme',
    );
  }
  if (!value.startsWith('arn:')) {
    const looksLikeHost = isDnsName(value.split('/')[0] ?? '') && value.includes('.');
    return invalid(
      `${JSON.stringify(value)} is not a valid Federated principal`,
      looksLikeHost
        ? `an IAM OIDC provider is named by its ARN: arn:aws:iam::ACCOUNT:oidc-provider/${value.replace(/\/+$/, '')}`
        : FORMS,
    );
  }
  const parts = value.split(':');
  if (parts.length < 6) return invalid(`${JSON.stringify(value)} is not a complete ARN`);
  const [, partition = '', service = '', region = '', account = ''] = parts;
  const resource = parts.slice(5).join(':');
  const head = `arn:${partition}:iam::${/^\d{12}$/.test(account) ? account : 'ACCOUNT'}:`;
  if (!(PARTITIONS as readonly string[]).includes(partition)) {
    return invalid(
      `unknown partition ${JSON.stringify(partition)} in ${JSON.stringify(value)}`,
      `the partition is one of ${PARTITIONS.join(', ')}`,
    );
  }
  if (service !== 'iam') {
    return invalid(
      `a Federated principal ARN names an IAM identity provider, not a "${service}" resource`,
      'write arn:aws:iam::ACCOUNT:oidc-provider/HOST or arn:aws:iam::ACCOUNT:saml-provider/NAME',
    );
  }
  if (region !== '') {
    return invalid(
      `IAM ARNs have no region, found ${JSON.stringify(region)}`,
      `leave the region field empty: ${head}…`,
    );
  }
  if (!/^\d{12}$/.test(account)) {
    return invalid(
      `the account in a provider ARN is exactly 12 digits, found ${JSON.stringify(account)}`,
      'write the 12-digit account ID of the account that holds the identity provider',
    );
  }
  if (resource.startsWith('oidc-provider/')) {
    const r = parseProvider(resource.slice('oidc-provider/'.length), head);
    if ('ok' in r) return r;
    return {
      ok: true,
      principal: {
        kind: 'oidc',
        partition,
        account,
        host: r.host,
        path: r.path,
        provider: r.host + r.path,
      },
      issues: [],
    };
  }
  if (resource.startsWith('saml-provider/')) {
    const name = resource.slice('saml-provider/'.length);
    if (!SAML_NAME.test(name)) {
      return invalid(
        `${JSON.stringify(name)} is not a valid SAML provider name`,
        'a SAML provider name is 1–128 letters, digits, ".", "_" or "-"',
      );
    }
    return {
      ok: true,
      principal: { kind: 'saml', partition, account, name },
      issues: [
        {
          code: 'saml-principal',
          severity: 'warning',
          message: 'a SAML provider principal never matches a web-identity caller',
          hint: 'SAML principals go with sts:AssumeRoleWithSAML; AssumeRoleWithWebIdentity needs an oidc-provider or a built-in provider',
          spec: '§4.1',
        },
      ],
    };
  }
  return invalid(
    `the ARN ${JSON.stringify(value)} names neither an oidc-provider nor a saml-provider`,
    `write ${head}oidc-provider/HOST[/PATH]`,
  );
}
