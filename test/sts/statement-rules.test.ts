/**
 * How statements decide, pinned through both entry points: every row runs through decide() (what
 * `trustspec test` uses for passing scenarios) and through simulate() (the full trace), and both
 * must give the spec's answer. The rows cover the shapes where deliberate bugs once survived the
 * whole suite (test-audit §1.2): NotAction, Principal "*", later condition clauses, a Deny on
 * sts:TagSession / sts:SetSourceIdentity, multivalued aws:TagKeys, and nbf = now.
 * Only public fields are asserted: decision, stage, code, failed check, and per action the
 * statements that allowed and denied it (indexes from 0).
 */
import t from 'tap';
import { decide, simulate } from '../../lib/sts/simulate.js';
import type { SimulationInput } from '../../lib/sts/types.js';
import { ACCOUNT, GH, GH_ARN, githubInput, NOW_SEC, policy } from '../helpers/policy.js';

const ASSUME = 'sts:AssumeRoleWithWebIdentity';
const TAG = 'sts:TagSession';
const SET_SI = 'sts:SetSourceIdentity';
const SUB = `${GH}:sub`;
const AUD_OK = { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' } };
const GH_FED = { Federated: GH_ARN };
const OTHER_ACCOUNT_GH = `arn:aws:iam::999999999999:oidc-provider/${GH}`;
const TAGS = 'https://aws.amazon.com/tags';
const SOURCE_IDENTITY = 'https://aws.amazon.com/source_identity';
const tags = (...keys: string[]) => ({
  [TAGS]: { principal_tags: Object.fromEntries(keys.map((k) => [k, ['v']])) },
});

function st(
  effect: 'Allow' | 'Deny',
  principal: unknown,
  action: { Action: unknown } | { NotAction: unknown },
  condition?: unknown,
): unknown {
  return {
    Effect: effect,
    Principal: principal,
    ...action,
    ...(condition ? { Condition: condition } : {}),
  };
}
const A = (a: unknown) => ({ Action: a });
const NA = (a: unknown) => ({ NotAction: a });

interface Row {
  spec: string;
  name: string;
  statements: unknown[];
  /** Merged over the usual GitHub token (sub repo:acme/app:ref:refs/heads/main, aud sts.amazonaws.com). */
  claims?: Record<string, unknown>;
  over?: Partial<SimulationInput>;
  /** `allow`, or the failed check of the denial (its stage is the part before the first dot). */
  expect: string;
  /** Per authorised action: [allowedBy, deniedBy]. */
  actions?: Record<string, [number[], number[]]>;
}

// prettier-ignore
const rows: Row[] = [
  // ── NotAction (§4.2: a statement covers every action its NotAction does not list) ─────
  { spec: '§4.2', name: 'Allow NotAction sts:TagSession covers the assume',
    statements: [st('Allow', GH_FED, NA(TAG), AUD_OK)],
    expect: 'allow', actions: { [ASSUME]: [[0], []] } },
  { spec: '§4.2', name: 'Allow NotAction iam:* covers the assume and sts:TagSession',
    statements: [st('Allow', GH_FED, NA(['iam:*']), AUD_OK)], claims: tags('team'),
    expect: 'allow', actions: { [ASSUME]: [[0], []], [TAG]: [[0], []] } },
  { spec: '§4.2', name: 'Allow NotAction sts:AssumeRoleWithWebIdentity does not cover the assume',
    statements: [st('Allow', GH_FED, NA(ASSUME), AUD_OK)],
    expect: `trust-policy.${ASSUME}`, actions: { [ASSUME]: [[], []] } },
  { spec: '§4.2', name: 'Allow NotAction sts:TagSession leaves a tagged token without sts:TagSession',
    statements: [st('Allow', GH_FED, NA(TAG), AUD_OK)], claims: tags('team'),
    expect: `trust-policy.${TAG}`, actions: { [ASSUME]: [[0], []], [TAG]: [[], []] } },
  { spec: '§4.3', name: 'Deny NotAction sts:TagSession denies the assume',
    statements: [st('Allow', GH_FED, A(ASSUME), AUD_OK), st('Deny', GH_FED, NA(TAG))],
    expect: `trust-policy.${ASSUME}`, actions: { [ASSUME]: [[0], [1]] } },
  { spec: '§4.3', name: 'Deny NotAction sts:AssumeRoleWithWebIdentity leaves the assume allowed',
    statements: [st('Allow', GH_FED, A(ASSUME), AUD_OK), st('Deny', GH_FED, NA(ASSUME))],
    expect: 'allow', actions: { [ASSUME]: [[0], []] } },
  { spec: '§3.6', name: 'NotAction names are case-insensitive',
    statements: [st('Allow', GH_FED, NA('STS:ASSUMEROLEWITHWEBIDENTITY'), AUD_OK)],
    expect: `trust-policy.${ASSUME}`, actions: { [ASSUME]: [[], []] } },
  { spec: '§3.6', name: 'Action names are case-insensitive',
    statements: [st('Allow', GH_FED, A('sts:assumerolewithwebidentity'), AUD_OK)],
    expect: 'allow', actions: { [ASSUME]: [[0], []] } },

  // ── Principal "*", {"AWS": "*"} and lists (§2.1; §4.1: "*" matches every caller) ────────
  { spec: '§4.1', name: 'Allow Principal "*" lets the caller in',
    statements: [st('Allow', '*', A(ASSUME), AUD_OK)],
    expect: 'allow', actions: { [ASSUME]: [[0], []] } },
  { spec: '§4.1', name: 'Allow Principal {"AWS": "*"} lets the caller in',
    statements: [st('Allow', { AWS: '*' }, A(ASSUME), AUD_OK)],
    expect: 'allow', actions: { [ASSUME]: [[0], []] } },
  { spec: '§4.3', name: 'Deny Principal "*" overrides the Allow',
    statements: [st('Allow', GH_FED, A(ASSUME), AUD_OK), st('Deny', '*', A(ASSUME), { StringLike: { [SUB]: 'repo:acme/*' } })],
    expect: `trust-policy.${ASSUME}`, actions: { [ASSUME]: [[0], [1]] } },
  { spec: '§4.3', name: 'Deny Principal {"AWS": "*"} overrides the Allow',
    statements: [st('Allow', GH_FED, A(ASSUME), AUD_OK), st('Deny', { AWS: '*' }, A('sts:*'))],
    expect: `trust-policy.${ASSUME}`, actions: { [ASSUME]: [[0], [1]] } },
  { spec: '§4.1', name: 'Principal "*" lets a built-in provider (Cognito) in',
    statements: [st('Allow', '*', A(ASSUME), { StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:pool' } })],
    claims: { iss: 'https://cognito-identity.amazonaws.com', aud: 'us-east-1:pool', sub: 'us-east-1:id', amr: ['authenticated'] },
    over: { providers: [] },
    expect: 'allow', actions: { [ASSUME]: [[0], []] } },
  { spec: '§2.1', name: 'a Federated list is an OR',
    statements: [st('Allow', { Federated: ['accounts.google.com', GH_ARN] }, A(ASSUME), AUD_OK)],
    expect: 'allow', actions: { [ASSUME]: [[0], []] } },
  { spec: '§2.1', name: 'a Federated list without the caller does not match',
    statements: [st('Allow', { Federated: ['accounts.google.com', OTHER_ACCOUNT_GH] }, A(ASSUME), AUD_OK)],
    expect: `trust-policy.${ASSUME}`, actions: { [ASSUME]: [[], []] } },
  { spec: '§4.2', name: 'Federated beside AWS still names the caller',
    statements: [st('Allow', { Federated: GH_ARN, AWS: `arn:aws:iam::${ACCOUNT}:root` }, A(ASSUME), AUD_OK)],
    expect: 'allow', actions: { [ASSUME]: [[0], []] } },
  { spec: '§4.2', name: 'an AWS account principal never names a web-identity caller',
    statements: [st('Allow', { AWS: `arn:aws:iam::${ACCOUNT}:root` }, A(ASSUME), AUD_OK)],
    expect: `trust-policy.${ASSUME}`, actions: { [ASSUME]: [[], []] } },

  // ── Every clause must hold (§5.1: operators AND, keys under an operator AND) ────────────
  { spec: '§5.1', name: 'the second operator fails',
    statements: [st('Allow', GH_FED, A(ASSUME), { ...AUD_OK, StringLike: { [SUB]: 'repo:acme/app:ref:refs/heads/dev' } })],
    expect: `trust-policy.${ASSUME}`, actions: { [ASSUME]: [[], []] } },
  { spec: '§5.1', name: 'the second key under one operator fails',
    statements: [st('Allow', GH_FED, A(ASSUME), { StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [SUB]: 'repo:acme/app:pull_request' } })],
    expect: `trust-policy.${ASSUME}`, actions: { [ASSUME]: [[], []] } },
  { spec: '§5.1', name: 'the first operator fails, the second holds',
    statements: [st('Allow', GH_FED, A(ASSUME), { StringEquals: { [`${GH}:aud`]: 'other' }, StringLike: { [SUB]: 'repo:acme/*' } })],
    expect: `trust-policy.${ASSUME}`, actions: { [ASSUME]: [[], []] } },
  { spec: '§5.1', name: 'the third operator fails',
    statements: [st('Allow', GH_FED, A(ASSUME), { ...AUD_OK, StringLike: { [SUB]: 'repo:acme/*' }, Bool: { 'aws:SecureTransport': 'false' } })],
    expect: `trust-policy.${ASSUME}`, actions: { [ASSUME]: [[], []] } },
  { spec: '§5.1', name: 'three operators hold',
    statements: [st('Allow', GH_FED, A(ASSUME), { ...AUD_OK, StringLike: { [SUB]: 'repo:acme/*' }, Bool: { 'aws:SecureTransport': 'true' } })],
    expect: 'allow', actions: { [ASSUME]: [[0], []] } },
  { spec: '§5.1', name: 'a negated operator with several values, as a later clause, fails (AND)',
    statements: [st('Allow', GH_FED, A(ASSUME), { ...AUD_OK, StringNotEquals: { [SUB]: ['repo:acme/app:pull_request', 'repo:acme/app:ref:refs/heads/main'] } })],
    expect: `trust-policy.${ASSUME}`, actions: { [ASSUME]: [[], []] } },
  { spec: '§5.1', name: 'a Deny whose second clause fails does not apply',
    statements: [st('Allow', GH_FED, A(ASSUME), AUD_OK), st('Deny', GH_FED, A(ASSUME), { ...AUD_OK, StringLike: { [SUB]: 'repo:evil/*' } })],
    expect: 'allow', actions: { [ASSUME]: [[0], []] } },
  { spec: '§5.1', name: 'a Deny whose clauses all hold applies',
    statements: [st('Allow', GH_FED, A(ASSUME), AUD_OK), st('Deny', GH_FED, A(ASSUME), { ...AUD_OK, StringLike: { [SUB]: 'repo:acme/*' } })],
    expect: `trust-policy.${ASSUME}`, actions: { [ASSUME]: [[0], [1]] } },

  // ── A Deny wins for the actions a token adds (§4.3 with §3.2, §3.3) ───────────────────────
  { spec: '§4.3 §3.2', name: 'a Deny on sts:TagSession refuses a tagged token',
    statements: [st('Allow', GH_FED, A([ASSUME, TAG]), AUD_OK), st('Deny', GH_FED, A(TAG))], claims: tags('team'),
    expect: `trust-policy.${TAG}`, actions: { [ASSUME]: [[0], []], [TAG]: [[0], [1]] } },
  { spec: '§4.3 §3.2', name: 'a Deny on sts:TagSession does not concern a token without tags',
    statements: [st('Allow', GH_FED, A([ASSUME, TAG]), AUD_OK), st('Deny', GH_FED, A(TAG))],
    expect: 'allow', actions: { [ASSUME]: [[0], []] } },
  { spec: '§4.3 §3.2', name: 'a Deny on sts:TagSession for one tag key applies when the token has it',
    statements: [st('Allow', GH_FED, A('sts:*'), AUD_OK), st('Deny', '*', A(TAG), { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'admin' } })],
    claims: tags('team', 'admin'),
    expect: `trust-policy.${TAG}`, actions: { [ASSUME]: [[0], []], [TAG]: [[0], [1]] } },
  { spec: '§4.3 §3.2', name: 'a Deny on sts:TagSession for one tag key lets other tags through',
    statements: [st('Allow', GH_FED, A('sts:*'), AUD_OK), st('Deny', '*', A(TAG), { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'admin' } })],
    claims: tags('team'),
    expect: 'allow', actions: { [ASSUME]: [[0], []], [TAG]: [[0], []] } },
  { spec: '§4.3 §3.3', name: 'a Deny on sts:SetSourceIdentity refuses a token with a source identity',
    statements: [st('Allow', GH_FED, A([ASSUME, SET_SI]), AUD_OK), st('Deny', GH_FED, A(SET_SI))],
    claims: { [SOURCE_IDENTITY]: 'octocat' },
    expect: `trust-policy.${SET_SI}`, actions: { [ASSUME]: [[0], []], [SET_SI]: [[0], [1]] } },
  { spec: '§4.3 §3.3', name: 'a Deny on sts:* for one source identity refuses every action',
    statements: [st('Allow', GH_FED, A([ASSUME, SET_SI]), AUD_OK), st('Deny', '*', A('sts:*'), { StringEquals: { 'sts:SourceIdentity': 'root' } })],
    claims: { [SOURCE_IDENTITY]: 'root' },
    expect: `trust-policy.${ASSUME}`, actions: { [ASSUME]: [[0], [1]], [SET_SI]: [[0], [1]] } },

  // ── aws:TagKeys, sts:TransitiveTagKeys and amr are multivalued (§3.1, §3.2, §5.5) ─────────
  { spec: '§3.2 §5.5', name: 'a bare StringEquals on aws:TagKeys is false, even for its one value',
    statements: [st('Allow', GH_FED, A([ASSUME, TAG]), { StringEquals: { 'aws:TagKeys': 'team' } })], claims: tags('team'),
    expect: `trust-policy.${ASSUME}`, actions: { [ASSUME]: [[], []], [TAG]: [[], []] } },
  { spec: '§3.2 §5.5', name: 'a bare StringNotEquals on aws:TagKeys is false too',
    statements: [st('Allow', GH_FED, A([ASSUME, TAG]), { StringNotEquals: { 'aws:TagKeys': 'admin' } })], claims: tags('team'),
    expect: `trust-policy.${ASSUME}`, actions: { [ASSUME]: [[], []], [TAG]: [[], []] } },
  { spec: '§3.2 §5.5', name: 'ForAnyValue:StringEquals on aws:TagKeys finds a tag key',
    statements: [st('Allow', GH_FED, A([ASSUME, TAG]), { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'team' } })], claims: tags('env', 'team'),
    expect: 'allow', actions: { [ASSUME]: [[0], []], [TAG]: [[0], []] } },
  { spec: '§3.2 §5.5', name: 'ForAllValues:StringEquals on aws:TagKeys holds when every key is listed',
    statements: [st('Allow', GH_FED, A([ASSUME, TAG]), { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } })], claims: tags('env', 'team'),
    expect: 'allow', actions: { [ASSUME]: [[0], []], [TAG]: [[0], []] } },
  { spec: '§3.2 §5.5', name: 'ForAllValues:StringEquals on aws:TagKeys fails on an unlisted key',
    statements: [st('Allow', GH_FED, A([ASSUME, TAG]), { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } })], claims: tags('team', 'admin'),
    expect: `trust-policy.${ASSUME}`, actions: { [ASSUME]: [[], []], [TAG]: [[], []] } },
  { spec: '§3.2 §5.5', name: 'a bare StringEquals on sts:TransitiveTagKeys is false',
    statements: [st('Allow', GH_FED, A([ASSUME, TAG]), { StringEquals: { 'sts:TransitiveTagKeys': 'team' } })],
    claims: { [TAGS]: { principal_tags: { team: ['blue'] }, transitive_tag_keys: ['team'] } },
    expect: `trust-policy.${ASSUME}`, actions: { [ASSUME]: [[], []], [TAG]: [[], []] } },
  { spec: '§3.2 §5.5', name: 'ForAnyValue:StringEquals on sts:TransitiveTagKeys finds the key',
    statements: [st('Allow', GH_FED, A([ASSUME, TAG]), { 'ForAnyValue:StringEquals': { 'sts:TransitiveTagKeys': 'team' } })],
    claims: { [TAGS]: { principal_tags: { team: ['blue'] }, transitive_tag_keys: ['team'] } },
    expect: 'allow', actions: { [ASSUME]: [[0], []], [TAG]: [[0], []] } },
  { spec: '§3.1 §5.5', name: 'a bare StringEquals on Cognito amr is false',
    statements: [st('Allow', { Federated: 'cognito-identity.amazonaws.com' }, A(ASSUME), { StringEquals: { 'cognito-identity.amazonaws.com:amr': 'authenticated' } })],
    claims: { iss: 'https://cognito-identity.amazonaws.com', aud: 'us-east-1:pool', sub: 'us-east-1:id', amr: ['authenticated'] },
    expect: `trust-policy.${ASSUME}`, actions: { [ASSUME]: [[], []] } },
  { spec: '§3.1 §5.5', name: 'ForAnyValue:StringEquals on Cognito amr finds authenticated',
    statements: [st('Allow', { Federated: 'cognito-identity.amazonaws.com' }, A(ASSUME), { 'ForAnyValue:StringEquals': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } })],
    claims: { iss: 'https://cognito-identity.amazonaws.com', aud: 'us-east-1:pool', sub: 'us-east-1:id', amr: ['authenticated', 'accounts.google.com'] },
    expect: 'allow', actions: { [ASSUME]: [[0], []] } },

  // ── nbf (§1.3): a token is valid from its nbf on, so nbf = now is not refused ──────────────
  { spec: '§1.3', name: 'nbf equal to now is not refused',
    statements: [st('Allow', GH_FED, A(ASSUME), AUD_OK)], claims: { nbf: NOW_SEC },
    expect: 'allow', actions: { [ASSUME]: [[0], []] } },
];

for (const [name, fn] of [
  ['decide', decide],
  ['simulate', simulate],
] as const) {
  t.test(`statement rules through ${name}()`, async (t) => {
    for (const r of rows) {
      const d = fn(githubInput(policy(...r.statements), r.claims ?? {}, r.over ?? {}));
      const label = `${r.spec} ${r.name} → ${r.expect}`;
      if (r.expect === 'allow') {
        t.same(
          [d.decision, d.stage, d.code, d.failedCheck],
          ['allow', undefined, undefined, undefined],
          label,
        );
      } else {
        const stage = r.expect.slice(0, r.expect.indexOf('.'));
        t.same([d.decision, d.stage, d.failedCheck], ['deny', stage, r.expect], label);
        if (stage === 'trust-policy') t.equal(d.code, 'AccessDenied', `${label}: AccessDenied`);
      }
      if (r.actions) {
        t.same(
          Object.fromEntries(d.actions.map((a) => [a.action, [a.allowedBy, a.deniedBy]])),
          r.actions,
          `${label}: allowedBy / deniedBy`,
        );
      }
    }
  });
}

t.test('nbf = now: the token check passes in both paths (§1.3)', async (t) => {
  // No trust policy can allow here, so only the token stage speaks.
  const input = githubInput(policy(st('Allow', GH_FED, A('sts:AssumeRoleWithSAML'))), {
    nbf: NOW_SEC,
  });
  for (const d of [decide(input), simulate(input)]) {
    t.equal(d.stage, 'trust-policy', 'the token stage let it through');
    t.not(d.failedCheck, 'token.nbf', 'not refused by nbf');
  }
});
