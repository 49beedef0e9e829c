/**
 * Who can present a token at all: the identity providers of the question's roles (design note §2,
 * C8). A provider is a registered IAM OIDC provider (or, with providers omitted, an issuer a
 * Federated principal names: taken as registered with the token's aud, as the simulator does), a
 * built-in provider (Google, Cognito) or an OAuth 2.0 provider (Facebook, Login with Amazon). An
 * issuer registered nowhere is refused at the token stage, so it is outside every allowed set.
 */
import {
  hostPathFromProviderUrl,
  oidcProviderArn,
  parseFederatedPrincipal,
  parseRoleArn,
  providerForHostPath,
  type ProviderEntry,
  type ProviderModule,
} from '../providers/index.js';
import type { CompiledStatement } from '../sts/compile.js';
import type { RoleInput } from '../sts/types.js';

/** One role configuration: the role (ARN, compiled policy, tags) and its account's providers. */
export interface AnalysisRole {
  role: RoleInput;
  /** Undefined: omitted (each issuer the policy names is taken as registered with any aud). */
  providers?: ProviderEntry[];
}

/** How one role's account and policy see a provider. */
export interface SideProvider {
  /** The principal a statement must name: the provider ARN, or the built-in domain. */
  caller: string;
  /** STS finds the provider (registered, built in, or assumed with providers omitted). */
  registered: boolean;
  /** Registered by assumption: providers were omitted. */
  assumed: boolean;
  /** The client IDs a token's aud must be one of; undefined: any aud. */
  clientIds: readonly string[] | undefined;
}

export interface ProviderIdentity {
  /** Issuer host[/path] (OIDC, built-in), or the OAuth ProviderId. */
  hostPath: string;
  module: ProviderModule;
  kind: 'oidc' | 'built-in' | 'oauth';
  /** One entry per role of the question, in order. */
  sides: SideProvider[];
}

/** The built-in providers; with `Principal: "*"` every one of them may present a token. */
const BUILT_INS = [
  'accounts.google.com',
  'cognito-identity.amazonaws.com',
  'graph.facebook.com',
  'www.amazon.com',
];

/** The statements whose principal names the caller (or is `*`). */
export function statementsFor(
  statements: readonly CompiledStatement[],
  caller: string,
): CompiledStatement[] {
  return statements.filter((s) => s.statement.principal.star || s.federated.has(caller));
}

function sideProvider(r: AnalysisRole, hostPath: string, module: ProviderModule): SideProvider {
  const parts = parseRoleArn(r.role.arn);
  if (module.oauth || module.builtIn) {
    return { caller: hostPath, registered: true, assumed: false, clientIds: undefined };
  }
  const caller = parts.ok ? oidcProviderArn(parts.partition, parts.account, hostPath) : '';
  if (!parts.ok) return { caller, registered: false, assumed: false, clientIds: undefined };
  if (r.providers === undefined) {
    const named = r.role.policy.federatedIssuers.has(hostPath);
    return { caller, registered: named, assumed: named, clientIds: undefined };
  }
  // The first registration of an issuer wins, as STS's lookup in the simulator finds it.
  const entry = r.providers.find((p) => {
    const hp = hostPathFromProviderUrl(p.url);
    return hp.ok && hp.hostPath === hostPath;
  });
  return entry
    ? { caller, registered: true, assumed: false, clientIds: [...entry.clientIds] }
    : { caller, registered: false, assumed: false, clientIds: undefined };
}

/** Every provider that may present a token to one of the roles, in a stable order. */
export function providerIdentities(sides: readonly AnalysisRole[]): ProviderIdentity[] {
  const hosts: string[] = [];
  const add = (hp: string): void => {
    if (!hosts.includes(hp)) hosts.push(hp);
  };
  for (const r of sides) {
    if (r.providers) {
      for (const p of r.providers) {
        const hp = hostPathFromProviderUrl(p.url);
        if (hp.ok) add(hp.hostPath);
      }
    }
    for (const s of r.role.policy.statements) {
      if (s.statement.principal.star) BUILT_INS.forEach(add);
      for (const f of s.statement.principal.federated) {
        const p = parseFederatedPrincipal(f.value);
        if (p.kind === 'builtin' || p.kind === 'oidc') add(p.hostPath);
      }
    }
  }
  return hosts.map((hostPath) => {
    const module = providerForHostPath(hostPath);
    const kind = module.oauth ? 'oauth' : module.builtIn ? 'built-in' : 'oidc';
    return {
      hostPath,
      module,
      kind,
      sides: sides.map((r) => sideProvider(r, hostPath, module)),
    };
  });
}
