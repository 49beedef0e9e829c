/**
 * Random AssumeRoleWithWebIdentity requests for the differential tests (decide vs simulate), built
 * to reach every stage: a share of requests with one request-parameter fault, a share with one
 * token fault, and the rest valid, judged by a random trust policy over the token's own values.
 *
 * Every choice is a small integer drawn by fast-check and read through fixed tables, so a case
 * shrinks well and the tables say what can be generated. `features` names the shapes a case holds
 * (NotAction, Principal "*", several clauses, …) so that a test can check they are generated.
 */
import fc from 'fast-check';
import type { Decision, SimulationInput } from '../../lib/sts/types.js';
import { ACCOUNT, compile, GH, GH_ARN, NOW, NOW_SEC, ROLE_ARN } from './policy.js';

/** `list[n mod length]`. */
export function pick<T>(list: readonly T[], n: number): T {
  if (list.length === 0) throw new Error('pick from an empty list');
  return list[n % list.length] as T;
}

/** A key of the request context, with the policy values a clause on it may use. */
interface Fact {
  key: string;
  family: 'String' | 'Numeric' | 'Date' | 'Bool' | 'Ip' | 'Arn' | 'Binary';
  /** Whether the request carries the key (aims `Null` clauses). */
  present: boolean;
  multi: boolean;
  /**
   * Policy values. The first `hits` of them match the request's value under a positive operator
   * (when the key is present); the rest do not. Only a guide for aiming clauses, which keeps
   * allows and denials balanced: set operators, IfExists and multivalued keys change the truth,
   * and no test relies on it (decide() and simulate() are the only judges).
   */
  pool: readonly string[];
  hits?: number;
}

export type ProviderKind = 'github' | 'cognito' | 'google' | 'facebook' | 'amazon';

const OTHER_GH_ARN = `arn:aws:iam::999999999999:oidc-provider/${GH}`;
const TAGS = 'https://aws.amazon.com/tags';
const SOURCE_IDENTITY = 'https://aws.amazon.com/source_identity';
const COGNITO = 'cognito-identity.amazonaws.com';
const GOOGLE = 'accounts.google.com';
const POOL_ID = 'us-east-1:6f1c8e2a-3b7d-4c95-a0e4-9d2b5f7c1a38';
const WEB_CLIENT = '830215467092-web.apps.googleusercontent.com';
const ANDROID_CLIENT = '830215467092-android.apps.googleusercontent.com';

const SUBS = [
  'repo:acme/app:ref:refs/heads/main',
  'repo:acme/app:ref:refs/heads/dev',
  'repo:acme/app:pull_request',
  'repo:acme/app:environment:prod',
  'repo:acme@1/app@2:ref:refs/heads/main',
];

/** The parts of one generated case, as small integers and flags. */
export interface CaseSeed {
  kind: 'request-fault' | 'token-fault' | 'valid';
  fault: number;
  provider: number;
  variant: number;
  sub: number;
  tags: boolean;
  sourceIdentity: boolean;
  context: number;
  time: number;
  extras: number;
  duration: number;
  statements: StatementSeed[];
}

export interface StatementSeed {
  effect: number;
  principal: number;
  action: number;
  clauses: ClauseSeed[];
  sid: boolean;
}

export interface ClauseSeed {
  fact: number;
  op: number;
  set: number;
  ifExists: number;
  values: number[];
  asList: boolean;
  /** Below 78: values aimed to make the clause hold (in an Allow) or fail (in a Deny). */
  aim: number;
}

/** 0..max, uniformly: the tables below set the shares, so no bias toward the bounds. */
const nat = (max: number) => fc.noBias(fc.nat(max));

const clauseSeed: fc.Arbitrary<ClauseSeed> = fc.record({
  fact: nat(999),
  op: nat(999),
  set: nat(99),
  ifExists: nat(99),
  values: fc.array(nat(999), { minLength: 1, maxLength: 3 }),
  asList: fc.boolean(),
  aim: nat(99),
});

const statementSeed: fc.Arbitrary<StatementSeed> = fc.record({
  effect: nat(99),
  principal: nat(99),
  action: nat(99),
  // 0–3 clauses: none, one, or several (every clause must hold, §5.1).
  clauses: fc.oneof(
    { weight: 2, arbitrary: fc.constant<ClauseSeed[]>([]) },
    { weight: 3, arbitrary: fc.array(clauseSeed, { minLength: 1, maxLength: 1 }) },
    { weight: 5, arbitrary: fc.array(clauseSeed, { minLength: 2, maxLength: 3 }) },
  ),
  sid: fc.boolean(),
});

/**
 * Unbiased throughout: fast-check's bias toward small sizes would make the first runs short
 * policies with few clauses, and the shares below depend on the tables alone.
 */
export const caseSeed: fc.Arbitrary<CaseSeed> = fc.noBias(
  fc.record({
    kind: fc.oneof(
      { weight: 10, arbitrary: fc.constant('request-fault' as const) },
      { weight: 15, arbitrary: fc.constant('token-fault' as const) },
      { weight: 75, arbitrary: fc.constant('valid' as const) },
    ),
    fault: nat(999),
    provider: nat(99),
    variant: nat(99),
    sub: nat(99),
    tags: nat(99).map((n) => n < 30),
    sourceIdentity: nat(99).map((n) => n < 15),
    context: nat(99),
    time: nat(99),
    extras: nat(99),
    duration: nat(99),
    statements: fc
      .tuple(statementSeed, fc.array(statementSeed, { maxLength: 3 }))
      .map(([first, rest]) => [first, ...rest]),
  }),
);

export interface Case {
  input: SimulationInput;
  /** The shapes this case holds (policy and request), for coverage counts. */
  features: Set<string>;
  /** The trust policy, as JSON, for failure messages. */
  policy: unknown;
  [fc.toStringMethod]: () => string;
}

function providerOf(n: number): ProviderKind {
  if (n < 50) return 'github';
  if (n < 70) return 'cognito';
  if (n < 85) return 'google';
  if (n < 93) return 'facebook';
  return 'amazon';
}

/** Claims, provider list and request of a valid token of each provider. */
function baseWorld(kind: ProviderKind, seed: CaseSeed) {
  const features = new Set<string>([`provider:${kind}`]);
  let claims: Record<string, unknown>;
  let providers: SimulationInput['providers'];
  let caller: string;
  let other: string;
  const facts: Fact[] = [];
  const request: SimulationInput['request'] = {
    roleSessionName: pick(
      ['GitHubActions', 'ci', 'octocat@acme.example', 'a=b,c.d-e_f+g'],
      seed.variant,
    ),
  };
  switch (kind) {
    case 'github': {
      const sub = pick(SUBS, seed.sub);
      claims = {
        iss: `https://${GH}`,
        aud: seed.variant % 7 === 3 ? ['sts.amazonaws.com', 'other'] : 'sts.amazonaws.com',
        sub,
        repository: 'acme/app',
        repository_owner: 'acme',
        actor: 'octocat',
      };
      caller = GH_ARN;
      other = OTHER_GH_ARN;
      const v = seed.variant % 4;
      if (v === 0) {
        providers = undefined;
        features.add('providers-omitted');
      } else if (v === 1) {
        providers = [
          { url: 'https://gitlab.com', clientIds: ['https://gitlab.com'] },
          { url: `https://${GH}`, clientIds: ['sts.amazonaws.com'] },
        ];
      } else {
        providers = [{ url: `https://${GH}`, clientIds: ['sts.amazonaws.com'] }];
      }
      facts.push(
        {
          key: `${GH}:sub`,
          family: 'String',
          present: true,
          multi: false,
          pool: [
            sub,
            'repo:acme/app:*',
            'repo:acme/*',
            `${sub.slice(0, -1)}?`,
            `repo:\${${GH}:repository}:*`,
            sub.toUpperCase(),
            'repo:evil/app:*',
            'repo:acme/app:ref:refs/heads/main',
            '*',
          ],
          hits: 5,
        },
        {
          key: `${GH}:aud`,
          family: 'String',
          present: true,
          multi: false,
          pool: ['sts.amazonaws.com', 'sts.*', 'STS.AMAZONAWS.COM', 'other'],
          hits: 2,
        },
        {
          key: `${GH}:repository`,
          family: 'String',
          present: true,
          multi: false,
          pool: ['acme/app', 'acme/*', 'Acme/App', 'evil/app'],
          hits: 2,
        },
        {
          // Not a key AWS sets (§3.1): always absent, whatever the token says.
          key: `${GH}:repository_owner`,
          family: 'String',
          present: false,
          multi: false,
          pool: ['acme', 'evil'],
        },
      );
      break;
    }
    case 'cognito': {
      const authenticated = seed.sub % 3 !== 0;
      claims = {
        iss: `https://${COGNITO}`,
        aud: seed.variant % 5 === 0 ? 'us-east-1:0d4b7e19-a2c6-4f38-8e51-b9c3a7d60e24' : POOL_ID,
        sub: 'us-east-1:2c9a41d7-58e3-4f0b-b6a2-e17d93c4f805',
        amr: authenticated
          ? ['authenticated', GOOGLE, `${GOOGLE}:112233445566778899001`]
          : ['unauthenticated'],
      };
      // Built-in: the account's provider list does not matter.
      providers = pick([undefined, [], [{ url: `https://${GH}`, clientIds: ['x'] }]], seed.variant);
      caller = COGNITO;
      other = GOOGLE;
      facts.push(
        {
          key: `${COGNITO}:aud`,
          family: 'String',
          present: true,
          multi: false,
          pool: [POOL_ID, 'us-east-1:*', 'us-east-1:0d4b7e19-a2c6-4f38-8e51-b9c3a7d60e24'],
          hits: 2,
        },
        {
          key: `${COGNITO}:amr`,
          family: 'String',
          present: true,
          multi: true,
          pool: ['authenticated', 'auth*', GOOGLE, 'unauthenticated', 'graph.facebook.com'],
          hits: 3,
        },
        {
          key: `${COGNITO}:sub`,
          family: 'String',
          present: true,
          multi: false,
          pool: ['us-east-1:*', 'us-east-1:2c9a41d7-58e3-4f0b-b6a2-e17d93c4f805', 'eu-west-1:*'],
          hits: 2,
        },
      );
      break;
    }
    case 'google': {
      claims = {
        iss: seed.variant % 2 === 0 ? `https://${GOOGLE}` : GOOGLE,
        aud: WEB_CLIENT,
        sub: '104758392016475829301',
        email: 'someone@example.com',
      };
      if (seed.variant % 3 === 0) claims['azp'] = ANDROID_CLIENT;
      if (seed.variant % 4 === 1) claims['google'] = { organization_number: 123456789 };
      providers = seed.variant % 5 === 0 ? undefined : [];
      caller = GOOGLE;
      other = COGNITO;
      facts.push(
        {
          key: `${GOOGLE}:aud`,
          family: 'String',
          present: true,
          multi: false,
          pool: [WEB_CLIENT, ANDROID_CLIENT, '830215467092-*', 'someone-else'],
          hits: 3,
        },
        {
          key: `${GOOGLE}:oaud`,
          family: 'String',
          present: true,
          multi: false,
          pool: [WEB_CLIENT, ANDROID_CLIENT],
        },
        {
          key: `${GOOGLE}:sub`,
          family: 'String',
          present: true,
          multi: false,
          pool: ['104758392016475829301', '1047*', '999'],
          hits: 2,
        },
        {
          key: `${GOOGLE}:google/organization_number`,
          family: 'Numeric',
          present: seed.variant % 4 === 1,
          multi: false,
          pool: ['123456789', '987654321'],
          hits: 1,
        },
        {
          // Not a key (§3.1): absent.
          key: `${GOOGLE}:email`,
          family: 'String',
          present: false,
          multi: false,
          pool: ['someone@example.com', '*@example.com'],
        },
      );
      break;
    }
    case 'facebook':
    case 'amazon': {
      const host = kind === 'facebook' ? 'graph.facebook.com' : 'www.amazon.com';
      const user = kind === 'facebook' ? 'id' : 'user_id';
      claims = { app_id: 'app-123', [user]: 'user-456' };
      request.providerId = host;
      providers = seed.variant % 2 === 0 ? undefined : [];
      caller = host;
      other = kind === 'facebook' ? 'www.amazon.com' : 'graph.facebook.com';
      features.add('oauth');
      facts.push(
        {
          key: `${host}:app_id`,
          family: 'String',
          present: true,
          multi: false,
          pool: ['app-123', 'app-*', 'app-999'],
          hits: 2,
        },
        {
          key: `${host}:${user}`,
          family: 'String',
          present: true,
          multi: false,
          pool: ['user-456', 'user-*', 'user-1'],
          hits: 2,
        },
      );
      break;
    }
  }
  return { claims, providers, caller, other, facts, request, features };
}

/** Keys every request has or may have (§3.2–§3.5), beside the provider's. */
function commonFacts(opts: {
  tags: boolean;
  sourceIdentity: boolean;
  context: Record<string, unknown> | undefined;
  roleTags: boolean;
  session: string | undefined;
}): Fact[] {
  const c = opts.context ?? {};
  return [
    {
      key: 'aws:EpochTime',
      family: 'Numeric',
      present: true,
      multi: false,
      pool: [String(NOW_SEC), String(NOW_SEC + 3600), String(NOW_SEC - 3600), '1780272000.5'],
    },
    {
      key: 'aws:CurrentTime',
      family: 'Date',
      present: true,
      multi: false,
      pool: ['2026-06-01T00:00:00Z', '2027-01-01T00:00:00Z', '2025-01-01', String(NOW_SEC + 60)],
    },
    {
      key: 'aws:SecureTransport',
      family: 'Bool',
      present: true,
      multi: false,
      pool: ['true', 'false'],
      hits: 1,
    },
    {
      key: 'aws:ViaAWSService',
      family: 'Bool',
      present: true,
      multi: false,
      pool: ['false', 'true'],
      hits: 1,
    },
    {
      key: 'sts:RoleSessionName',
      family: 'String',
      present: opts.session !== undefined,
      multi: false,
      pool: ['*', 'GitHubActions', 'ci', 'octocat@acme.example', 'nobody'],
      hits: 1,
    },
    {
      key: 'aws:SourceIp',
      family: 'Ip',
      present: 'aws:SourceIp' in c,
      multi: false,
      pool: ['203.0.113.0/24', '203.0.113.7', '10.0.0.0/8', '2001:db8::/32'],
      hits: 2,
    },
    {
      key: 'aws:SourceVpcArn',
      family: 'Arn',
      present: 'aws:SourceVpcArn' in c,
      multi: false,
      pool: [
        `arn:aws:ec2:*:${ACCOUNT}:vpc/*`,
        `arn:aws:ec2:us-east-1:${ACCOUNT}:vpc/vpc-1a2b`,
        'arn:aws:ec2:*:999999999999:vpc/*',
      ],
      hits: 2,
    },
    {
      key: 'custom:blob',
      family: 'Binary',
      present: 'custom:blob' in c,
      multi: false,
      pool: ['QQ==', 'QUI='],
      hits: 1,
    },
    {
      key: 'custom:teams',
      family: 'String',
      present: 'custom:teams' in c,
      multi: Array.isArray(c['custom:teams']),
      pool: ['blue', 'gr*', 'red'],
      hits: 2,
    },
    {
      key: 'aws:TagKeys',
      family: 'String',
      present: opts.tags,
      multi: true,
      pool: ['team', 'env', 't*', 'secret'],
      hits: 3,
    },
    {
      key: 'aws:RequestTag/team',
      family: 'String',
      present: opts.tags,
      multi: false,
      pool: ['blue', 'bl*', 'red'],
      hits: 2,
    },
    {
      key: 'sts:TransitiveTagKeys',
      family: 'String',
      present: opts.tags,
      multi: true,
      pool: ['team', 'env'],
      hits: 1,
    },
    {
      key: 'sts:SourceIdentity',
      family: 'String',
      present: opts.sourceIdentity,
      multi: false,
      pool: ['octocat-ci', 'octo*', 'admin'],
      hits: 2,
    },
    {
      key: 'aws:ResourceTag/owner',
      family: 'String',
      present: opts.roleTags,
      multi: false,
      pool: ['platform', 'other'],
      hits: 1,
    },
    {
      // Never set on this unsigned call (§3.5): absent.
      key: 'aws:PrincipalTag/team',
      family: 'String',
      present: false,
      multi: false,
      pool: ['blue'],
    },
  ];
}

const OPERATORS: Record<Fact['family'], readonly string[]> = {
  // Positive operators drawn more often than negated ones.
  String: [
    'StringEquals',
    'StringEquals',
    'StringLike',
    'StringLike',
    'StringLike',
    'StringEqualsIgnoreCase',
    'StringNotEquals',
    'StringNotLike',
    'StringNotEqualsIgnoreCase',
  ],
  Numeric: [
    'NumericEquals',
    'NumericNotEquals',
    'NumericLessThan',
    'NumericLessThanEquals',
    'NumericGreaterThan',
    'NumericGreaterThanEquals',
  ],
  Date: [
    'DateEquals',
    'DateNotEquals',
    'DateLessThan',
    'DateLessThanEquals',
    'DateGreaterThan',
    'DateGreaterThanEquals',
  ],
  Bool: ['Bool'],
  Ip: ['IpAddress', 'IpAddress', 'NotIpAddress'],
  Arn: ['ArnLike', 'ArnEquals', 'ArnNotLike', 'ArnNotEquals'],
  Binary: ['BinaryEquals'],
};

/** One clause: operator (with set prefix / IfExists), key, values. Adds the features it shows. */
function makeClause(
  seed: ClauseSeed,
  facts: readonly Fact[],
  features: Set<string>,
  want: boolean,
): { op: string; key: string; values: string[] | string } {
  // Provider keys first in the list: drawn about half the time.
  const fact = seed.fact < 500 ? pick(facts.slice(0, 4), seed.fact) : pick(facts, seed.fact);
  if (seed.op % 10 === 0) {
    features.add('Null');
    if (fact.multi) features.add('multivalued-key');
    // "true": the key is absent; "false": present (§5.2).
    const absent = seed.aim < 78 ? fact.present !== want : seed.values[0]! % 2 === 0;
    return { op: 'Null', key: fact.key, values: absent ? 'true' : 'false' };
  }
  let op = pick(OPERATORS[fact.family], Math.floor(seed.op / 10));
  const negated = /Not/.test(op);
  // Aimed: values from the part of the pool that makes the clause hold (`want`) or fail.
  let source = fact.pool;
  if (seed.aim < 78 && fact.hits !== undefined) {
    const hits = fact.pool.slice(0, fact.hits);
    const misses = fact.pool.slice(fact.hits);
    source = want !== negated ? hits : misses.length > 0 ? misses : hits;
  }
  const values = [...new Set(seed.values.map((n) => pick(source, n)))];
  if (fact.family !== 'String') features.add('non-String');
  if (negated && values.length > 1) features.add('negated-several-values');
  if (fact.multi) features.add('multivalued-key');
  if (fact.key === 'aws:TagKeys') features.add('aws:TagKeys');
  if (fact.key.endsWith(':amr')) features.add('amr');
  // Multivalued keys mostly under a set operator, single-valued ones rarely (§5.5).
  const setCut = fact.multi ? [45, 75] : [6, 12];
  if (seed.set < setCut[0]!) {
    op = `ForAnyValue:${op}`;
    features.add('ForAnyValue');
  } else if (seed.set < setCut[1]!) {
    op = `ForAllValues:${op}`;
    features.add('ForAllValues');
  }
  if (seed.ifExists < 15) {
    op = `${op}IfExists`;
    features.add('IfExists');
  }
  return { op, key: fact.key, values: values.length === 1 && !seed.asList ? values[0]! : values };
}

function principalOf(n: number, caller: string, other: string, features: Set<string>): unknown {
  if (n < 52) return { Federated: caller };
  if (n < 64) {
    features.add('principal-star');
    return '*';
  }
  if (n < 70) {
    features.add('principal-star');
    return { AWS: '*' };
  }
  if (n < 82) {
    features.add('principal-list');
    return { Federated: n % 2 === 0 ? [other, caller] : [caller, other] };
  }
  if (n < 87) {
    features.add('principal-list');
    return { Federated: [other] };
  }
  if (n < 93) return { Federated: caller, AWS: `arn:aws:iam::${ACCOUNT}:root` };
  if (n < 96) return { Service: 'ec2.amazonaws.com' };
  return { Federated: other };
}

/** Action or NotAction, as written in a statement. */
function actionOf(n: number, primary: boolean, features: Set<string>): Record<string, unknown> {
  const table: Array<[number, Record<string, unknown>]> = [
    [30, { Action: 'sts:AssumeRoleWithWebIdentity' }],
    [46, { Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:SetSourceIdentity'] }],
    [52, { Action: 'sts:AssumeRole*' }],
    [58, { Action: 'sts:*' }],
    [62, { Action: '*' }],
    [70, { NotAction: 'sts:TagSession' }],
    [78, { NotAction: ['iam:*', 'sts:AssumeRole'] }],
    [82, { NotAction: 'sts:AssumeRoleWithWebIdentity' }],
    [86, { Action: ['STS:assumerolewithwebidentity', 'sts:tagsession'] }],
    [90, { Action: 'sts:AssumeRoleWithSAML' }],
    [95, { Action: primary ? 'sts:AssumeRoleWithWebIdentity' : 'sts:TagSession' }],
    [100, { Action: primary ? ['sts:*'] : 'sts:SetSourceIdentity' }],
  ];
  for (const [cut, a] of table) {
    if (n < cut) {
      if ('NotAction' in a) features.add('NotAction');
      return a;
    }
  }
  throw new Error('unreachable');
}

/** The faults of stage 1 (§1.2): one per case, each refused with a ValidationError. */
const REQUEST_FAULTS: ReadonlyArray<(i: SimulationInput) => void> = [
  (i) => delete i.request.roleSessionName,
  (i) => (i.request.roleSessionName = 'a'),
  (i) => (i.request.roleSessionName = 'bad name'),
  (i) => (i.request.roleSessionName = 'repo/app'),
  (i) => (i.request.roleSessionName = 'x'.repeat(65)),
  (i) => (i.request.durationSeconds = 899),
  (i) => (i.request.durationSeconds = 43201),
  (i) => (i.request.durationSeconds = 1000.5),
  (i) => (i.request.providerId = 'accounts.google.com'),
  (i) => (i.request.policy = ''),
  (i) => (i.request.policy = 'x'.repeat(2049)),
  (i) => (i.request.policyArns = ['arn:aws:iam::aws:role/nope']),
  (i) => (i.token.length = 3),
  (i) => (i.role.arn = `arn:aws:sts::${ACCOUNT}:assumed-role/deploy/session`),
  (i) => (i.role.arn = 'arn:aws:iam::1:user/x'),
];

/** The faults of stage 2 (§1.3, §1.4, §3.2, §3.3) that apply to the provider. */
function tokenFaults(kind: ProviderKind): ReadonlyArray<(i: SimulationInput) => void> {
  const claims = (i: SimulationInput) => i.token.claims as Record<string, unknown>;
  const common: Array<(i: SimulationInput) => void> = [
    (i) => (claims(i)['exp'] = NOW_SEC - 3600),
    (i) => (claims(i)['exp'] = NOW_SEC + 0.5),
    (i) => (claims(i)['iat'] = String(NOW_SEC)),
    (i) => (claims(i)[TAGS] = 'team=blue'),
    (i) => (claims(i)[TAGS] = { principal_tags: { team: [7] } }),
    (i) => (claims(i)[SOURCE_IDENTITY] = 'a b'),
  ];
  if (kind === 'facebook' || kind === 'amazon') {
    return [...common, (i) => delete claims(i)['app_id']];
  }
  const oidc: Array<(i: SimulationInput) => void> = [
    ...common,
    (i) => (claims(i)['nbf'] = NOW_SEC + 3600),
    (i) => (i.token.header = { alg: 'HS256' }),
    (i) => (i.token.header = { alg: 'none' }),
    (i) => delete claims(i)['iss'],
    (i) => (claims(i)['iss'] = 'http://insecure.example.com'),
    (i) => delete claims(i)['sub'],
    (i) => (claims(i)['aud'] = []),
  ];
  if (kind === 'github') {
    oidc.push(
      (i) => {
        // Only a registered provider has a client-ID list (providers omitted: aud is assumed one).
        i.providers = [{ url: `https://${GH}`, clientIds: ['sts.amazonaws.com'] }];
        claims(i)['aud'] = 'https://github.com/acme';
      },
      (i) => (i.providers = []),
      (i) => (i.providers = [{ url: `https://${GH}/`, clientIds: ['sts.amazonaws.com'] }]),
      (i) => (claims(i)['iss'] = 'https://token.actions.githubusercontent.com/acme'),
    );
  }
  return oidc;
}

/** Build one case from its seed. Throws if the generated policy does not compile (a test bug). */
export function buildCase(seed: CaseSeed): Case {
  const kind = providerOf(seed.provider);
  const world = baseWorld(kind, seed);
  const features = world.features;
  const claims = world.claims;

  // Benign variety that keeps the request valid.
  const t = seed.time;
  claims['exp'] = t < 10 ? undefined : t < 70 ? NOW_SEC + 300 : NOW_SEC + 3600;
  if (claims['exp'] === undefined) delete claims['exp'];
  if (t % 4 === 1) claims['iat'] = NOW_SEC - 60;
  if (t % 9 === 2) claims['iat'] = NOW_SEC - 10 * 86400;
  // nbf at or before now is never refused (now == nbf included).
  if (t % 5 === 3) claims['nbf'] = t < 50 ? NOW_SEC : NOW_SEC - 60;
  if (seed.tags) {
    claims[TAGS] = {
      principal_tags: { team: ['blue'], env: ['prod'] },
      transitive_tag_keys: ['team'],
    };
    features.add('session-tags');
  }
  if (seed.sourceIdentity) {
    claims[SOURCE_IDENTITY] = 'octocat-ci';
    features.add('source-identity');
  }
  let context: Record<string, string | string[]> | undefined;
  if (seed.context < 45) {
    context = {};
    if (seed.context % 2 === 0) context['aws:SourceIp'] = '203.0.113.7';
    if (seed.context % 3 === 0)
      context['aws:SourceVpcArn'] = `arn:aws:ec2:us-east-1:${ACCOUNT}:vpc/vpc-1a2b`;
    if (seed.context % 5 < 2) context['custom:blob'] = 'QQ==';
    context['custom:teams'] = seed.context % 7 < 4 ? ['blue', 'green'] : 'blue';
    features.add('context');
  }
  const roleTags = seed.extras % 3 === 0;
  const input: SimulationInput = {
    role: {
      arn: ROLE_ARN,
      policy: undefined as never,
      ...(seed.duration % 3 === 1 ? { maxSessionDuration: 43200 } : {}),
      ...(roleTags ? { tags: { owner: 'platform' } } : {}),
    },
    ...(world.providers !== undefined ? { providers: world.providers } : {}),
    token: {
      claims,
      ...(seed.extras % 4 === 1 && kind !== 'facebook' && kind !== 'amazon'
        ? { header: { alg: pick(['RS256', 'ES384', 'RS512'], seed.extras) } }
        : {}),
      ...(seed.extras % 5 === 2 ? { length: 900 } : {}),
    },
    request: {
      ...world.request,
      ...(seed.duration < 25
        ? { durationSeconds: pick([900, 3600, 7200, 1800, 43200, 3600], seed.duration) }
        : {}),
    },
    ...(context ? { context } : {}),
    now: NOW,
  };

  const facts = [
    ...world.facts,
    ...commonFacts({
      tags: seed.tags,
      sourceIdentity: seed.sourceIdentity,
      context,
      roleTags,
      session: input.request.roleSessionName,
    }),
  ];
  const statements = seed.statements.map((s, i) => {
    const primary = i === 0;
    // The first statement is the Allow a real policy is written around; the others add Allows
    // and Denies (a Deny more often on the principal "*", as AWS's sample RCPs are written).
    const effect = primary || s.effect >= 35 ? 'Allow' : 'Deny';
    if (effect === 'Deny') features.add('Deny');
    let principalN = s.principal;
    if (primary && world.providers === undefined && kind === 'github') principalN %= 52;
    const condition: Record<string, Record<string, unknown>> = {};
    let clauses = 0;
    for (const c of s.clauses) {
      const cl = makeClause(c, facts, features, effect === 'Allow');
      const block = (condition[cl.op] ??= {});
      if (cl.key in block) continue;
      block[cl.key] = cl.values;
      clauses++;
    }
    features.add(clauses === 0 ? 'no-clause' : clauses === 1 ? 'one-clause' : 'several-clauses');
    return {
      ...(s.sid ? { Sid: `S${i}` } : {}),
      Effect: effect,
      Principal: principalOf(principalN, world.caller, world.other, features),
      ...actionOf(s.action, primary, features),
      ...(clauses > 0 ? { Condition: condition } : {}),
    };
  });
  const policy = { Version: '2012-10-17', Statement: statements };
  input.role.policy = compile(policy);

  if (seed.kind === 'request-fault') {
    pick(REQUEST_FAULTS, seed.fault)(input);
    features.add('request-fault');
  } else if (seed.kind === 'token-fault') {
    pick(tokenFaults(kind), seed.fault)(input);
    features.add('token-fault');
  }
  return {
    input,
    features,
    policy,
    // What fast-check prints for a counterexample: the policy as written, not as compiled.
    [fc.toStringMethod]: () =>
      JSON.stringify({
        policy,
        role: { ...input.role, policy: undefined },
        providers: input.providers,
        token: input.token,
        request: input.request,
        context: input.context,
        features: [...features],
      }),
  };
}

export const requestCase: fc.Arbitrary<Case> = caseSeed.map(buildCase);

/** A case's outcome for counting: `allow`, or `deny@STAGE`. */
export function outcome(d: Decision): string {
  return d.decision === 'allow' ? 'allow' : `deny@${d.stage ?? '?'}`;
}
