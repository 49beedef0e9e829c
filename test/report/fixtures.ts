/**
 * Hand-built results for the reporter tests: Decisions for each way a request ends (allow, a
 * trust-policy deny with failing conditions, an explicit Deny, a token deny, a request deny) and a
 * RunReport mixing them with a skipped scenario, file errors, a warning and hostile names.
 */
import type { ClauseTrace } from '../../lib/conditions/trace.js';
import type { ContextEntry } from '../../lib/conditions/context.js';
import type { Span } from '../../lib/diagnostics.js';
import type {
  Diagnosis,
  Expectation,
  FileError,
  RunReport,
  ScenarioResult,
} from '../../lib/scenarios/types.js';
import type { Check, Decision, StatementTrace } from '../../lib/sts/types.js';
import type { ConditionClause } from '../../lib/policy/model.js';
import { parseOperator, type OperatorSpec } from '../../lib/policy/operators.js';

export const CWD = '/repo';
export const ISSUER = 'token.actions.githubusercontent.com';
export const PROVIDER_ARN = `arn:aws:iam::111122223333:oidc-provider/${ISSUER}`;
export const ASSUME = 'sts:AssumeRoleWithWebIdentity';
export const SUB = 'repo:acme/app:pull_request';
export const SUB_PATTERN = 'repo:acme/app:ref:refs/heads/*';

/** Every character the reporters must carry or escape. */
export const NASTY = `a & b < c > d " e ' f # g \\ h : i , j % k\nsecond line\r\tünïcödé 🚀 \u0001\u001b[31m {`;

export function span(line: number, column = 5): Span {
  return {
    start: { line, column, offset: line * 10 },
    end: { line, column: column + 10, offset: line * 10 + 10 },
  };
}

const NOW = 1780272000;

const requestOk: Check[] = [
  {
    stage: 'request',
    id: 'request.role-arn',
    ok: true,
    data: {
      arn: 'arn:aws:iam::111122223333:role/deploy/gha-deploy',
      role: { partition: 'aws', account: '111122223333', path: '/deploy/', name: 'gha-deploy' },
    },
  },
  { stage: 'request', id: 'request.role-session-name', ok: true, data: { name: 'ci' } },
];

const tokenOk: Check[] = [
  {
    stage: 'token',
    id: 'token.provider',
    ok: true,
    data: {
      kind: 'oidc',
      hostPath: ISSUER,
      displayName: 'GitHub Actions',
      issuer: `https://${ISSUER}`,
      arn: PROVIDER_ARN,
      account: '111122223333',
      registered: [`https://${ISSUER}`],
    },
  },
  {
    stage: 'token',
    id: 'token.audience',
    ok: true,
    data: {
      audiences: ['sts.amazonaws.com'],
      clientIds: ['sts.amazonaws.com'],
      accepted: 'sts.amazonaws.com',
      multiple: false,
    },
  },
  {
    stage: 'token',
    id: 'token.exp',
    ok: true,
    data: { claim: 'exp', value: NOW + 3600, now: NOW, skew: 300 },
  },
];

const durationOk: Check = {
  stage: 'request',
  id: 'request.max-session-duration',
  ok: true,
  data: { requested: 3600, maximum: 3600 },
};

export function operator(name: string): OperatorSpec {
  const r = parseOperator(name);
  if (!r.ok) throw new Error(r.message);
  return r.spec;
}

function modelClause(op: OperatorSpec, key: string, values: string[], at: Span): ConditionClause {
  return {
    operator: op,
    operatorSpan: at,
    key,
    keyLower: key.toLowerCase(),
    keySpan: at,
    values: values.map((value) => ({ value, span: at })),
    nonStringValues: false,
  };
}

export function context(sub = SUB): ContextEntry[] {
  return [
    {
      key: `${ISSUER}:sub`,
      values: [sub],
      multiValued: false,
      type: 'String',
      source: 'token claim "sub"',
    },
    {
      key: `${ISSUER}:aud`,
      values: ['sts.amazonaws.com'],
      multiValued: false,
      type: 'String',
      source: 'token claim "aud"',
    },
    {
      key: 'aws:TagKeys',
      values: [],
      multiValued: true,
      type: 'String',
      source: 'token claim "https://aws.amazon.com/tags"',
      unconfirmed: '§3.2 (UNCONFIRMED 17): tag keys from the token',
    },
  ];
}

/** A clause trace; `match` is the policy value each request value matched (-1: none). */
export function clause(
  over: Partial<ClauseTrace> & Pick<ClauseTrace, 'key' | 'result'> & { match?: number },
): ClauseTrace {
  const { match = over.result ? 0 : -1, ...rest } = over;
  const operatorName = rest.operator ?? 'StringEquals';
  const op = operator(operatorName);
  const at = rest.span ?? span(12, 9);
  const requestValues = rest.requestValues ?? ['sts.amazonaws.com'];
  const policyValues = rest.policyValues ?? ['sts.amazonaws.com'];
  return {
    operator: operatorName,
    op,
    clause: modelClause(op, rest.key, policyValues, at),
    span: at,
    present: true,
    given: true,
    requestValues,
    policyValues,
    rule: 'compare',
    outcomes: requestValues.map((value) => ({
      value,
      match,
      satisfied: over.result,
      invalid: false,
      unresolved: false,
      emptyStarOnly: false,
    })),
    unresolved: [],
    dead: [],
    comparisons: [],
    unconfirmed: [],
    ...rest,
  };
}

const audClause = clause({
  key: `${ISSUER}:aud`,
  result: true,
  comparisons: [{ request: 'sts.amazonaws.com', policy: 'sts.amazonaws.com', matched: true }],
});

function subClause(sub: string): ClauseTrace {
  const ok = sub.startsWith('repo:acme/app:ref:refs/heads/');
  return clause({
    operator: 'StringLike',
    key: `${ISSUER}:sub`,
    span: span(13, 9),
    requestValues: [sub],
    policyValues: [SUB_PATTERN],
    result: ok,
    comparisons: [{ request: sub, policy: SUB_PATTERN, matched: ok }],
  });
}

/** The policy-model statement a trace points at (only its place and effect are read). */
function modelStatement(
  index: number,
  effect: 'Allow' | 'Deny',
  at: Span,
): StatementTrace['statement'] {
  return {
    index,
    effect: { value: effect, span: at },
    principal: { star: false, federated: [], other: [], span: at },
    action: { negated: false, patterns: [], span: at },
    conditions: [],
    span: at,
  };
}

function allowStatement(sub: string, applies: boolean): StatementTrace {
  const conditions = [audClause, subClause(sub)];
  const met = conditions.every((c) => c.result);
  return {
    index: 0,
    sid: 'GitHubDeploy',
    effect: 'Allow',
    span: span(4, 5),
    statement: modelStatement(0, 'Allow', span(4, 5)),
    principal: {
      matched: true,
      caller: PROVIDER_ARN,
      written: [PROVIDER_ARN],
      via: 'federated',
      noFederated: false,
      differences: [],
      span: span(7, 7),
    },
    actions: [
      {
        action: ASSUME,
        matched: true,
        negated: false,
        hit: ASSUME,
        patterns: [ASSUME],
        span: span(9, 7),
      },
    ],
    conditions,
    conditionsMet: met,
    appliesTo: applies && met ? [ASSUME] : [],
  };
}

/** A Deny statement on another path: it applies only when `applies`. */
function denyStatement(applies: boolean): StatementTrace {
  return {
    index: 1,
    effect: 'Deny',
    span: span(20, 5),
    statement: modelStatement(1, 'Deny', span(20, 5)),
    principal: {
      matched: true,
      caller: PROVIDER_ARN,
      written: ['*'],
      via: 'star',
      noFederated: true,
      differences: [],
      span: span(22, 7),
    },
    actions: [
      {
        action: ASSUME,
        matched: true,
        negated: false,
        hit: 'sts:*',
        patterns: ['sts:*'],
        span: span(23, 7),
      },
    ],
    conditions: [
      clause({
        operator: 'ForAllValues:StringEquals',
        key: 'aws:TagKeys',
        span: span(25, 9),
        present: false,
        requestValues: [],
        policyValues: ['team'],
        result: true,
        rule: 'for-all-values-vacuous',
        outcomes: [],
        unconfirmed: ['§5.5 (UNCONFIRMED 24): vacuous truth of ForAllValues'],
      }),
      clause({
        operator: 'StringEqualsIfExists',
        key: 'aws:SourceIp',
        span: span(26, 9),
        present: false,
        requestValues: [],
        policyValues: ['203.0.113.5'],
        result: applies,
        given: false,
        rule: applies ? 'if-exists-missing' : 'missing-key',
        outcomes: [],
      }),
    ],
    conditionsMet: applies,
    appliesTo: applies ? [ASSUME] : [],
  };
}

function base(): Pick<Decision, 'provider' | 'caller' | 'unconfirmed' | 'findings'> {
  return {
    caller: PROVIDER_ARN,
    provider: {
      id: 'github',
      hostPath: ISSUER,
      arn: PROVIDER_ARN,
      registered: true,
      assumed: false,
    },
    unconfirmed: [],
    findings: [],
  };
}

export function allowDecision(): Decision {
  const statements = [
    allowStatement('repo:acme/app:ref:refs/heads/main', true),
    denyStatement(false),
  ];
  return {
    ...base(),
    decision: 'allow',
    checks: [
      ...requestOk,
      ...tokenOk,
      {
        stage: 'trust-policy',
        id: `trust-policy.${ASSUME}`,
        ok: true,
        data: {
          action: ASSUME,
          caller: PROVIDER_ARN,
          allowedBy: [{ index: 0, sid: 'GitHubDeploy' }],
          deniedBy: [],
        },
      },
      durationOk,
    ],
    context: context('repo:acme/app:ref:refs/heads/main'),
    statements,
    actions: [{ action: ASSUME, allowed: true, allowedBy: [0], deniedBy: [] }],
  };
}

/** `sub` does not match: no statement allows the action (AccessDenied). */
export function trustDenyDecision(): Decision {
  return {
    ...base(),
    decision: 'deny',
    stage: 'trust-policy',
    code: 'AccessDenied',
    message: `Not authorized to perform ${ASSUME}`,
    failedCheck: `trust-policy.${ASSUME}`,
    checks: [
      ...requestOk,
      ...tokenOk,
      {
        stage: 'trust-policy',
        id: `trust-policy.${ASSUME}`,
        ok: false,
        data: { action: ASSUME, caller: PROVIDER_ARN, allowedBy: [], deniedBy: [] },
      },
    ],
    context: context(SUB),
    statements: [allowStatement(SUB, false), denyStatement(false)],
    actions: [{ action: ASSUME, allowed: false, allowedBy: [], deniedBy: [] }],
    unconfirmed: ['§5.5 (UNCONFIRMED 24): vacuous truth of ForAllValues'],
    findings: [
      {
        code: 'condition-key-absent',
        severity: 'warning',
        message: 'aws:SourceIp is never present in an AssumeRoleWithWebIdentity request',
        span: span(26, 9),
        spec: '§3.5',
        hint: 'remove the condition',
      },
    ],
  };
}

/** The Deny statement applies: explicitly denied. */
export function explicitDenyDecision(): Decision {
  return {
    ...trustDenyDecision(),
    checks: [
      ...requestOk,
      ...tokenOk,
      {
        stage: 'trust-policy',
        id: `trust-policy.${ASSUME}`,
        ok: false,
        data: {
          action: ASSUME,
          caller: PROVIDER_ARN,
          allowedBy: [{ index: 0, sid: 'GitHubDeploy' }],
          deniedBy: [{ index: 1 }],
        },
      },
    ],
    context: context('repo:acme/app:ref:refs/heads/main'),
    statements: [allowStatement('repo:acme/app:ref:refs/heads/main', true), denyStatement(true)],
    actions: [{ action: ASSUME, allowed: false, allowedBy: [0], deniedBy: [1] }],
    findings: [],
  };
}

export function tokenDenyDecision(): Decision {
  return {
    ...base(),
    decision: 'deny',
    stage: 'token',
    code: 'InvalidIdentityToken',
    message: 'Incorrect token audience',
    failedCheck: 'token.audience',
    checks: [
      ...requestOk,
      tokenOk[0] as Check,
      {
        stage: 'token',
        id: 'token.audience',
        ok: false,
        data: { audiences: ['api://wrong'], clientIds: ['sts.amazonaws.com'], multiple: false },
      },
    ],
    context: [],
    statements: [],
    actions: [],
  };
}

export function requestDenyDecision(): Decision {
  const message =
    "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2";
  return {
    decision: 'deny',
    stage: 'request',
    code: 'ValidationError',
    message,
    failedCheck: 'request.role-session-name',
    checks: [
      requestOk[0] as Check,
      {
        stage: 'request',
        id: 'request.role-session-name',
        ok: false,
        data: { name: 'x', constraint: 'Member must have length greater than or equal to 2' },
      },
    ],
    context: [],
    statements: [],
    actions: [],
    unconfirmed: [],
    findings: [],
  };
}

export const SUB_DIAGNOSIS: Diagnosis = {
  cause: 'github-pull-request-subject',
  title: 'pull requests present the subject repo:acme/app:pull_request',
  detail: `the sub condition only admits branches (${SUB_PATTERN})`,
  fix: 'add "repo:acme/app:pull_request" to the StringLike values, if pull requests may deploy',
  at: { file: '/repo/policies/gha-deploy.trust.json', line: 13, column: 9 },
};

export function result(
  over: Partial<ScenarioResult> & Pick<ScenarioResult, 'name' | 'line'>,
): ScenarioResult {
  const decision = over.decision;
  const expected: Expectation = over.expected ?? { decision: 'allow' };
  const ok = over.ok ?? (decision !== undefined && decision.decision === expected.decision);
  return {
    file: '/repo/policies/gha-deploy.trustspec.yaml',
    column: 5,
    expected,
    skipped: false,
    ok,
    diagnoses: [],
    policyFile: '/repo/policies/gha-deploy.trust.json',
    ...over,
  };
}

export const FILE_A = '/repo/policies/gha-deploy.trustspec.yaml';
export const FILE_B = 'policies/eks.trustspec.yml';
export const FILE_C = '/repo/policies/broken.trustspec.yaml';

export const FILE_ERROR: FileError = {
  file: FILE_C,
  line: 3,
  column: 5,
  message: `unknown field "tokn" & <more> "quoted" 'single' # \\ : , % {`,
  code: 'unknown-field',
  hint: 'did you mean "token"?',
  frame: '  2 | scenarios:\n> 3 |   - tokn: {}\n    |     ^',
};

export const WARNING: FileError = {
  file: FILE_A,
  line: 8,
  column: 3,
  message: 'providers omitted: the issuer is taken as registered',
  code: 'providers-assumed',
  severity: 'warning',
};

/** The mixed report every reporter test reads. */
export function mixedReport(): RunReport {
  return {
    files: [FILE_A, FILE_B, FILE_C],
    results: [
      result({ name: 'main branch deploys', line: 21, decision: allowDecision() }),
      result({
        name: 'pull requests deploy',
        line: 25,
        decision: trustDenyDecision(),
        ok: false,
        mismatch: 'expected allow, but STS denied at trust-policy (AccessDenied)',
        diagnoses: [SUB_DIAGNOSIS],
      }),
      result({
        name: NASTY,
        line: 30,
        expected: { decision: 'deny' },
        decision: allowDecision(),
        ok: false,
      }),
      result({ name: 'work in progress', line: 35, skipped: true, ok: true }),
      result({
        file: FILE_B,
        policyFile: 'policies/eks.trust.json',
        name: 'wrong audience is refused',
        line: 5,
        expected: { decision: 'deny', stage: 'token', because: 'token.audience' },
        decision: tokenDenyDecision(),
      }),
      result({
        file: FILE_B,
        policyFile: 'policies/eks.trust.json',
        name: 'short session name',
        line: 9,
        decision: requestDenyDecision(),
        ok: false,
      }),
      result({
        file: FILE_B,
        policyFile: 'policies/eks.trust.json',
        name: 'dup\u0001',
        line: 13,
        expected: { decision: 'deny', stage: 'token' },
        decision: explicitDenyDecision(),
        ok: false,
        mismatch: 'expected deny at token, got deny at trust-policy (AccessDenied)',
      }),
      result({
        file: FILE_B,
        policyFile: 'policies/eks.trust.json',
        name: 'dup\u0002',
        line: 17,
        decision: allowDecision(),
      }),
    ],
    errors: [FILE_ERROR],
    warnings: [WARNING],
  };
}

export const EMPTY: RunReport = { files: [], results: [], errors: [], warnings: [] };

/** Counts of the mixed report. */
export const MIXED = { scenarios: 8, passed: 3, failed: 4, skipped: 1, errors: 1, files: 3 };
