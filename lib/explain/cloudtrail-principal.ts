/**
 * A CloudTrail `WebIdentityUser` principal id, `PROVIDER:AUD:SUB`, split back into its parts.
 *
 * AWS writes the three parts joined by `:` (CloudTrail userIdentity element, "Values for AWS STS
 * APIs with SAML and web identity federation": "a combination of the issuer, application ID, and
 * user ID"), and each part may itself hold `:` — an IAM OIDC provider ARN always does, a Cognito
 * identity-pool audience and identity id do (`us-east-1:UUID`), GitHub and EKS subjects do. The
 * provider comes first and has a known form (an ARN up to the host/path, or a built-in domain);
 * the rest splits at one of its colons, chosen by the shapes the provider's audiences and
 * subjects take. When two splits fit equally well the answer says so and lists both.
 */
import {
  BUILT_IN_PRINCIPALS,
  parseFederatedPrincipal,
  providerForHostPath,
  type Partition,
  type ProviderId,
} from '../providers/index.js';

/** The provider part of a principal id. */
export interface RecordedProvider {
  /** As CloudTrail wrote it: an IAM OIDC provider ARN, or a built-in provider's domain. */
  value: string;
  kind: 'oidc' | 'builtin';
  /** The issuer without `https://` (or the built-in domain). */
  hostPath: string;
  provider: ProviderId;
  /** For IAM OIDC providers: the ARN's partition and account. */
  partition?: Partition;
  account?: string;
}

export interface PrincipalReading {
  aud: string;
  sub: string;
  /** How well the parts fit the provider's known shapes: higher is better. */
  score: number;
  /** Why this split was read, in a few words. */
  basis: string;
}

export type PrincipalIdResult =
  | {
      ok: true;
      provider: RecordedProvider;
      /** The reading taken (the best-fitting split). */
      aud: string;
      sub: string;
      basis: string;
      /** Other splits that fit as well as the one taken: the split is ambiguous. */
      ambiguous: PrincipalReading[];
      /** Splits that fit less well but are possible. */
      others: PrincipalReading[];
    }
  | { ok: false; message: string; hint?: string };

const OIDC_ARN = /^arn:([a-z-]+):iam::(\d{12}):oidc-provider\/([^:]+)/;

/**
 * The AWS CloudTrail User Guide writes Cognito's identity provider as `cognito-identity.amazon.com`
 * (userIdentity element, STS values); STS's own name is `cognito-identity.amazonaws.com`.
 */
const PROVIDER_ALIASES: Readonly<Record<string, string>> = {
  'cognito-identity.amazon.com': 'cognito-identity.amazonaws.com',
};

/** The provider a principal id, or an `identityProvider` field, starts with; and the rest. */
export function readProvider(
  text: string,
): { provider: RecordedProvider; rest: string } | { message: string; hint?: string } {
  const arn = OIDC_ARN.exec(text);
  if (arn) {
    const value = arn[0];
    const p = parseFederatedPrincipal(value);
    if (p.kind !== 'oidc') {
      return {
        message: `${JSON.stringify(value)} is not an IAM OIDC provider ARN`,
        ...(p.kind === 'invalid' && p.hint ? { hint: p.hint } : {}),
      };
    }
    return {
      provider: {
        value,
        kind: 'oidc',
        hostPath: p.hostPath,
        provider: providerForHostPath(p.hostPath).id,
        partition: p.partition,
        account: p.account,
      },
      rest: text.slice(value.length),
    };
  }
  const names = [...Object.keys(BUILT_IN_PRINCIPALS), ...Object.keys(PROVIDER_ALIASES)];
  const name = names.find((n) => text === n || text.startsWith(`${n}:`));
  if (name !== undefined) {
    const domain = PROVIDER_ALIASES[name] ?? name;
    return {
      provider: {
        value: domain,
        kind: 'builtin',
        hostPath: domain,
        provider: BUILT_IN_PRINCIPALS[domain] as ProviderId,
      },
      rest: text.slice(name.length),
    };
  }
  return {
    message: `${JSON.stringify(text.slice(0, 120))} does not start with an IAM OIDC provider ARN (arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST) or a built-in provider (${Object.keys(BUILT_IN_PRINCIPALS).join(', ')})`,
    hint: 'a WebIdentityUser principal id is PROVIDER:AUDIENCE:SUBJECT, as CloudTrail records it in userIdentity.principalId',
  };
}

const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** A Cognito identity-pool id or identity id: `REGION:UUID`. */
const COGNITO_ID = new RegExp(`^${REGION}:${UUID}$`, 'i');
/** An audience written as a URL (GitLab's default, GitHub's custom audiences): `scheme://host[:port][/path]`. */
const URL_AUDIENCE = /^[a-z][a-z0-9+.-]*:\/\/[^:/]+(?::\d+)?(?:\/[^:]*)?$/i;

/** Subjects as each provider forms them (§7). */
const SUB_SHAPES: Partial<Record<ProviderId, RegExp>> = {
  github: /^repo:[^:/]+\/[^:]+:.+$/,
  eks: /^system:serviceaccount:[^:]+:[^:]+$/,
  cognito: COGNITO_ID,
  gitlab: /^project_path:[^:]+:ref_type:[^:]+:ref:.+$/,
  terraform: /^organization:[^:]+:project:[^:]+:workspace:[^:]+:run_phase:[^:]+$/,
  google: /^\d+$/,
  circleci: /^org\/[^/]+\/project\/[^/]+\/user\/.+$/,
};

/** Audiences as each provider forms them, beyond its default audience and URLs. */
const AUD_SHAPES: Partial<Record<ProviderId, RegExp>> = {
  cognito: COGNITO_ID,
  google: /\.apps\.googleusercontent\.com$/,
  terraform: /^aws\.workload\.identity$/,
};

/** `sts.amazonaws.com`: the audience GitHub's and AWS's tooling set by default. */
const DEFAULT_AUDIENCE = 'sts.amazonaws.com';

function audScore(provider: ProviderId, aud: string): [number, string] {
  if (aud === '') return [-9, ''];
  const shape = AUD_SHAPES[provider];
  if (shape?.test(aud)) return [2, 'an audience of the provider’s form'];
  if (shape) return [0, 'an audience not of the provider’s form'];
  if (aud === DEFAULT_AUDIENCE && provider !== 'google') return [2, 'the default audience'];
  if (URL_AUDIENCE.test(aud)) return [2, 'a URL audience'];
  return aud.includes(':') ? [0, 'an audience with ":"'] : [1, 'an audience without ":"'];
}

function subScore(provider: ProviderId, sub: string): [number, string] {
  if (sub === '') return [-9, ''];
  const shape = SUB_SHAPES[provider];
  if (!shape) return [1, 'any subject'];
  if (shape.test(sub)) return [2, 'a subject of the provider’s form'];
  // GitHub subjects can be customised (include_claim_keys, §7.1): other forms are possible.
  return provider === 'github'
    ? [1, 'a customised subject']
    : [0, 'a subject not of the provider’s form'];
}

/** Every split of `AUD:SUB`, best first. */
function readings(provider: ProviderId, rest: string): PrincipalReading[] {
  const out: PrincipalReading[] = [];
  for (let i = rest.indexOf(':'); i >= 0; i = rest.indexOf(':', i + 1)) {
    const aud = rest.slice(0, i);
    const sub = rest.slice(i + 1);
    const [a, aWhy] = audScore(provider, aud);
    const [s, sWhy] = subScore(provider, sub);
    if (a < 0 || s < 0) continue;
    out.push({ aud, sub, score: a + s, basis: `${aWhy}, ${sWhy}` });
  }
  return out.sort((x, y) => y.score - x.score);
}

/**
 * `PROVIDER:AUD:SUB` → its parts. `known` pins what the event says elsewhere (`userName` is the
 * subject, `identityProvider` the provider): a split that agrees with them is taken as certain.
 */
export function parsePrincipalId(
  principalId: string,
  known: { sub?: string; aud?: string } = {},
): PrincipalIdResult {
  const head = readProvider(principalId);
  if ('message' in head) return { ok: false, ...head };
  const { provider } = head;
  if (!head.rest.startsWith(':')) {
    return {
      ok: false,
      message: `${JSON.stringify(principalId)} has no audience and subject after the provider`,
      hint: 'a WebIdentityUser principal id is PROVIDER:AUDIENCE:SUBJECT',
    };
  }
  const rest = head.rest.slice(1);
  if (known.sub !== undefined && rest.endsWith(`:${known.sub}`)) {
    const aud = rest.slice(0, rest.length - known.sub.length - 1);
    if (known.aud === undefined || known.aud === aud)
      return {
        ok: true,
        provider,
        aud,
        sub: known.sub,
        basis: 'the event’s userName',
        ambiguous: [],
        others: [],
      };
  }
  if (known.aud !== undefined && rest.startsWith(`${known.aud}:`)) {
    return {
      ok: true,
      provider,
      aud: known.aud,
      sub: rest.slice(known.aud.length + 1),
      basis: 'the event’s audience',
      ambiguous: [],
      others: [],
    };
  }
  const all = readings(provider.provider, rest);
  const best = all[0];
  if (!best) {
    return {
      ok: false,
      message: `${JSON.stringify(rest)} does not split into an audience and a subject of ${provider.hostPath}`,
      hint: 'after the provider comes AUDIENCE:SUBJECT, e.g. sts.amazonaws.com:repo:OWNER/REPO:ref:refs/heads/main',
    };
  }
  const ties = all.filter((r) => r !== best && r.score === best.score);
  return {
    ok: true,
    provider,
    aud: best.aud,
    sub: best.sub,
    basis: best.basis,
    ambiguous: ties,
    others: all.filter((r) => r.score < best.score),
  };
}
