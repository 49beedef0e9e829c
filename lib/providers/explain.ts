/**
 * Why is a web-identity condition key absent? Explained in the user's terms (§3.1, §8.1 items 7
 * and 9, field notes): a claim AWS does not expose, a key written with the provider ARN, a key of
 * another provider, a typo.
 */
import { BUILT_IN_FEDERATED } from '../policy/principal.js';
import { GITHUB_PUBLIC_ISSUER_HOST } from './github.js';
import { JWT_REGISTERED_CLAIMS } from './keys.js';
import { providerForHostPath } from './registry.js';
import type { ClaimKey, Claims, ProviderModule } from './types.js';

export interface AbsentKeyContext {
  /** The token issuer's host/path (the prefix its keys carry). */
  hostPath?: string;
  /** The provider module chosen for the token, when not the one its host implies. */
  module?: ProviderModule;
  /** The token's claims, to tell "not a key" from "the token lacks the claim". */
  claims?: Claims;
}

/** Hosts whose misspelling is worth pointing out even without knowing the token's issuer. */
const WELL_KNOWN_PREFIXES: readonly string[] = [
  GITHUB_PUBLIC_ISSUER_HOST,
  'gitlab.com',
  'app.terraform.io',
  'agent.buildkite.com',
  ...BUILT_IN_FEDERATED,
];

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows: number[][] = [];
  for (let i = 0; i <= s.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= t.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const prev = rows[i - 1] as number[];
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return (rows[s.length] as number[])[t.length] as number;
}

function closest(name: string, candidates: readonly string[], max = 2): string | undefined {
  let best: string | undefined;
  let bestD = max + 1;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

function isUnexposed(module: ProviderModule, name: string): boolean {
  const n = name.toLowerCase();
  return module.knownUnexposedClaims.some((u) => {
    const l = u.toLowerCase();
    if (l.endsWith('*')) return n.startsWith(l.slice(0, -1));
    return n === l || n.startsWith(`${l}/`) || n.startsWith(`${l}.`);
  });
}

function note(module: ProviderModule, name: string, prefix: string): string | undefined {
  const notes = module.absentKeyNotes ?? {};
  const hit = Object.keys(notes).find((k) => k.toLowerCase() === name.toLowerCase());
  return hit === undefined ? undefined : (notes[hit] as string).replaceAll('{P}', prefix);
}

function label(module: ProviderModule, hostPath: string): string {
  return module.id === 'oidc'
    ? `${hostPath} (a generic OpenID Connect provider)`
    : module.displayName;
}

function exposedKey(module: ProviderModule, hostPath: string, name: string): ClaimKey | undefined {
  return module.claimKeys(hostPath).find((k) => k.name.toLowerCase() === name.toLowerCase());
}

/**
 * For a condition key that is absent from the request context, say why — or `undefined` when the
 * key is not a web-identity claim key (e.g. `aws:SourceIp`) or nothing useful can be said.
 */
export function explainAbsentKey(key: string, ctx: AbsentKeyContext = {}): string | undefined {
  const arn = /^arn:[^:]*:iam::[^:]*:oidc-provider\/(.*)$/.exec(key);
  if (arn) {
    const tail = arn[1] as string;
    const colon = tail.indexOf(':');
    if (colon < 0) {
      return `\`${key}\` is a provider ARN, not a condition key; claim keys are written \`${tail}:CLAIM\``;
    }
    const written = `${tail.slice(0, colon)}:${tail.slice(colon + 1)}`;
    const other =
      ctx.hostPath !== undefined && ctx.hostPath !== tail.slice(0, colon)
        ? ` (and the token's issuer is ${ctx.hostPath}, so its keys start with \`${ctx.hostPath}:\`)`
        : '';
    return `\`${key}\` names the provider by its ARN, so it never matches: condition keys are written with the provider's host/path — write \`${written}\`${other}`;
  }
  const scheme = /^https?:\/\//i.exec(key);
  if (scheme) {
    const rest = key.slice(scheme[0].length);
    return `\`${key}\` keeps the URL scheme, so it never matches: condition keys start with the provider's host/path — write \`${rest}\``;
  }
  const colon = key.indexOf(':');
  const hostPath = ctx.hostPath;
  if (colon < 0) {
    if (hostPath === undefined) return undefined;
    const module = ctx.module ?? providerForHostPath(hostPath);
    return exposedKey(module, hostPath, key)
      ? `\`${key}\` has no provider prefix; claim keys are written \`${hostPath}:${key}\``
      : undefined;
  }
  const prefix = key.slice(0, colon);
  const name = key.slice(colon + 1);
  if (!prefix.includes('.')) return undefined; // a service key (aws:, sts:, iam:, …)

  if (hostPath !== undefined && prefix.toLowerCase() !== hostPath.toLowerCase()) {
    return otherPrefix(key, prefix, name, hostPath, ctx.module ?? providerForHostPath(hostPath));
  }
  const hp = hostPath ?? prefix;
  const module = ctx.module ?? providerForHostPath(hp);
  if (hostPath === undefined && module.id === 'oidc') {
    const near = closest(prefix, WELL_KNOWN_PREFIXES);
    if (near !== undefined) {
      return `\`${key}\`: "${prefix}" is not a provider AWS knows; did you mean \`${near}:${name}\`?`;
    }
  }
  return sameProvider(key, name, hp, module, ctx.claims);
}

function otherPrefix(
  key: string,
  prefix: string,
  name: string,
  hostPath: string,
  tokenModule: ProviderModule,
): string {
  const suggestion = exposedKey(tokenModule, hostPath, name)
    ? `write \`${hostPath}:${exposedKey(tokenModule, hostPath, name)?.name}\``
    : `its keys are \`${hostPath}:…\``;
  const strip = (s: string): string => s.replace(/\/+$/, '').toLowerCase();
  if (strip(prefix) === strip(hostPath)) {
    return `\`${key}\`: the prefix "${prefix}" and the token's issuer "${hostPath}" differ in a trailing "/", and key prefixes are compared exactly; ${suggestion}`;
  }
  if (hostPath.toLowerCase().startsWith(`${prefix.toLowerCase()}/`)) {
    return `\`${key}\`: the prefix "${prefix}" lacks the path part "${hostPath.slice(prefix.length)}" of the token's issuer; ${suggestion}`;
  }
  if (editDistance(prefix, hostPath) <= 2) {
    return `\`${key}\`: the prefix "${prefix}" is not the token's issuer "${hostPath}" (a typo?); ${suggestion}`;
  }
  const other = providerForHostPath(prefix);
  const owner = other.id === 'oidc' ? `the issuer ${prefix}` : `${other.displayName} (${prefix})`;
  return `\`${key}\` is a key of ${owner}, but the token was issued by ${tokenModule.id === 'oidc' ? hostPath : `${hostPath} (${tokenModule.displayName})`}, so the key is absent; ${suggestion}`;
}

function sameProvider(
  key: string,
  name: string,
  hostPath: string,
  module: ProviderModule,
  claims: Claims | undefined,
): string | undefined {
  const keys = module.claimKeys(hostPath);
  const exposed = exposedKey(module, hostPath, name);
  if (exposed) {
    const claim = exposed.claim ?? exposed.name;
    if (claims !== undefined) {
      const read = module.claimValue
        ? module.claimValue(exposed, claims)
        : Object.prototype.hasOwnProperty.call(claims, claim)
          ? { claim, value: claims[claim] }
          : undefined;
      if (read !== undefined && read.value !== undefined) {
        const v = read.value;
        const isScalar = (x: unknown): boolean =>
          ['string', 'number', 'boolean', 'bigint'].includes(typeof x);
        // The claim gives the key a value (see contextFromClaims): nothing to explain.
        if (isScalar(v)) return undefined;
        if (Array.isArray(v) && (exposed.multiValued || (v.length === 1 && isScalar(v[0]))))
          return undefined;
        const what =
          v === null ? 'null' : Array.isArray(v) ? `an array of ${v.length}` : 'an object';
        return `\`${key}\` is absent: the token's "${read.claim}" claim is ${what}, which does not give the key a value (§3.1)`;
      }
    }
    return `\`${key}\` is a condition key for ${label(module, hostPath)}, but the token carries no "${claim}" claim, so it is absent`;
  }
  const list = keys.map((k) => k.name).join(', ');
  if (JWT_REGISTERED_CLAIMS.includes(name.toLowerCase())) {
    return `\`${key}\` is not a condition key: STS checks the token's "${name.toLowerCase()}" itself and exposes only ${list} for ${label(module, hostPath)} (§1.3, §3.1)`;
  }
  const advice = note(module, name, hostPath);
  const unexposed = isUnexposed(module, name);
  if (!unexposed && advice === undefined) {
    const typo = closest(
      name,
      keys.map((k) => k.name),
    );
    if (typo !== undefined) {
      return `\`${key}\` is not a condition key for ${label(module, hostPath)}; did you mean \`${hostPath}:${typo}\`? An absent key makes positive operators false and negated operators and ForAllValues true (§5.2, §5.5)`;
    }
  }
  const why = unexposed
    ? ` The token's "${name}" claim is not mapped to a key, so a condition on it never sees a value (§3.1)`
    : ' Other claims are not in the request context (§3.1)';
  return `\`${key}\` is not a condition key: AWS exposes only ${list} for ${label(module, hostPath)}${advice ? `; ${advice}` : ''}.${why}.`;
}
