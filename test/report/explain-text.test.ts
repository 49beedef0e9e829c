import t from 'tap';
import { unconfirmedLine } from '../../lib/explain/notes.js';
import { formatDecision } from '../../lib/report/explain-text.js';
import type { ClauseRule, ClauseTrace } from '../../lib/conditions/trace.js';
import type { Decision } from '../../lib/sts/types.js';
import { ANSI, ESC_RE } from './consumers.js';
import {
  SUB_DIAGNOSIS,
  allowDecision,
  explicitDenyDecision,
  requestDenyDecision,
  span,
  tokenDenyDecision,
  trustDenyDecision,
} from './fixtures.js';

const plain = { color: false, policyFile: 'policies/p.json' };

t.test('stages in STS order, each check with its mark and id', async (t) => {
  const text = formatDecision(trustDenyDecision(), plain);
  const lines = text.split('\n');
  t.equal(lines[0], 'request');
  t.equal(
    lines[1],
    '  ✓ RoleArn names role "gha-deploy" (path /deploy/) in account 111122223333, partition aws [request.role-arn]',
  );
  const token = lines.indexOf('token');
  const trust = lines.indexOf('trust policy (policies/p.json)');
  t.ok(token > 0 && trust > token, 'request, token, trust policy');
  t.equal(
    lines[trust + 1],
    '  ✗ Allow "GitHubDeploy" policies/p.json:4 — does not apply: conditions not met',
  );
  t.equal(
    lines[trust + 2],
    '      ✓ principal: Federated "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" names the token\'s provider',
  );
  t.equal(
    lines[trust + 3],
    '      ✓ action sts:AssumeRoleWithWebIdentity: Action "sts:AssumeRoleWithWebIdentity" covers sts:AssumeRoleWithWebIdentity',
  );
  t.match(
    lines[trust + 4],
    /^ {6}✓ StringEquals token\.actions\.githubusercontent\.com:aud: request \["sts\.amazonaws\.com"\] vs policy \["sts\.amazonaws\.com"\] → /,
  );
  t.match(
    lines[trust + 5],
    /^ {6}✗ StringLike .*:sub: request \["repo:acme\/app:pull_request"\] vs policy \["repo:acme\/app:ref:refs\/heads\/\*"\] → "repo:acme\/app:pull_request" does not match "repo:acme\/app:ref:refs\/heads\/\*", so StringLike is false policies\/p\.json:13$/,
  );
  t.equal(lines[trust + 6], '  - Deny #2 policies/p.json:20 — does not apply: conditions not met');
  t.match(
    text,
    '\ndecision: DENY — trust-policy · AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity\n',
  );
  t.match(text, `\nrests on UNCONFIRMED rules:\n  - ${unconfirmedLine('§5.5 (UNCONFIRMED 24)')}\n`);
  t.match(
    text,
    '\nwarning: aws:SourceIp is never present in an AssumeRoleWithWebIdentity request [condition-key-absent]\n  hint: remove the condition\n  at policies/p.json:26:9',
  );
  t.notMatch(text, ANSI);
  t.notMatch(text, /request context/, 'the context table is verbose-only');
  t.notMatch(text, / +$/m, 'no trailing spaces');
});

t.test('non-verbose hides what does not bear on the decision, never a failing check', async (t) => {
  const deny = formatDecision(trustDenyDecision(), plain);
  t.match(deny, '(details hidden for 1 statement not bearing on the decision; verbose shows them)');
  t.notMatch(deny, /aws:TagKeys/, 'the Deny that did not apply keeps its details to itself');

  const explicit = formatDecision(explicitDenyDecision(), plain);
  t.match(explicit, '  ✗ Deny #2 policies/p.json:20 — applies to sts:AssumeRoleWithWebIdentity');
  t.match(
    explicit,
    '✓ ForAllValues:StringEquals aws:TagKeys: request (absent) vs policy ["team"] → key "aws:TagKeys" has no values, so ForAllValues:StringEquals is vacuously true (ForAllValues: vacuously true)',
  );
  t.match(
    explicit,
    '✓ StringEqualsIfExists aws:SourceIp: request (absent) vs policy ["203.0.113.5"] → key "aws:SourceIp" is absent, so StringEqualsIfExists is true (…IfExists is true when the key is missing) (IfExists, key absent)',
  );
  t.notMatch(explicit, /StringLike/, 'the Allow that applied is not detailed');
  t.match(explicit, '  ✗ sts:AssumeRoleWithWebIdentity is explicitly denied by statement #2');

  const allow = formatDecision(allowDecision(), plain);
  t.match(
    allow,
    '  ✓ Allow "GitHubDeploy" policies/p.json:4 — applies to sts:AssumeRoleWithWebIdentity',
  );
  t.match(allow, /principal:/, 'the statement that allowed the call is detailed: it is the answer');
  t.match(allow, /\ndecision: ALLOW$/);
  t.notMatch(allow, /expected:/, 'passing checks do not repeat their values');
  t.ok(
    allow.indexOf('trust policy') < allow.lastIndexOf('\nrequest\n'),
    'the duration check comes after the trust policy, as STS does',
  );
});

t.test('verbose shows everything, the provider and the request context', async (t) => {
  const text = formatDecision(allowDecision(), { ...plain, verbose: true });
  t.match(
    text,
    '\nprovider\n  github token.actions.githubusercontent.com arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com (registered)\n',
  );
  t.match(text, /\nrequest context\n {2}key +values +source\n/);
  t.match(
    text,
    /\n {2}token\.actions\.githubusercontent\.com:sub +"repo:acme\/app:ref:refs\/heads\/main" +token claim "sub"\n/,
  );
  t.match(
    text,
    /\n {2}aws:TagKeys +\[\] +token claim "https:\/\/aws\.amazon\.com\/tags" \(UNCONFIRMED\)\n/,
  );
  t.match(
    text,
    '✗ StringEqualsIfExists aws:SourceIp: request (absent) vs policy ["203.0.113.5"] → key "aws:SourceIp" is absent, so StringEqualsIfExists is false (key absent)',
  );
  t.match(text, '      expected: sts.amazonaws.com\n      actual:   sts.amazonaws.com');
  t.match(text, `          ${unconfirmedLine('§5.5 (UNCONFIRMED 24)')}`);
  t.notMatch(text, /details hidden/);
  t.ok(text.indexOf('request context') < text.indexOf('trust policy'));
});

t.test('token and request denials stop where STS stops', async (t) => {
  const token = formatDecision(tokenDenyDecision(), plain);
  t.match(
    token,
    '  ✗ Incorrect token audience: aud "api://wrong" is not in the provider\'s client-ID list [sts.amazonaws.com] [token.audience]\n      expected: sts.amazonaws.com\n      actual:   api://wrong\n',
  );
  t.notMatch(token, /trust policy/);
  t.match(token, /\ndecision: DENY — token · InvalidIdentityToken: Incorrect token audience$/);

  const request = formatDecision(requestDenyDecision(), plain);
  t.notMatch(request, /\ntoken\n/);
  t.match(request, 'decision: DENY — request · ValidationError: 1 validation error detected');
});

t.test('diagnoses: title, detail, fix, place', async (t) => {
  const text = formatDecision(trustDenyDecision(), {
    ...plain,
    diagnoses: [
      SUB_DIAGNOSIS,
      { ...SUB_DIAGNOSIS, at: { line: 2, column: 3 } },
      { ...SUB_DIAGNOSIS, at: undefined },
    ],
  });
  t.match(
    text,
    '\ndiagnosis: pull requests present the subject repo:acme/app:pull_request\n  the sub condition only admits branches (repo:acme/app:ref:refs/heads/*)\n  fix: add "repo:acme/app:pull_request" to the StringLike values, if pull requests may deploy\n  at /repo/policies/gha-deploy.trust.json:13:9\n',
  );
  t.match(text, '\n  at policies/p.json:2:3\n', 'the policy file when the diagnosis names none');
  t.ok(text.indexOf('diagnosis:') > text.indexOf('decision:'), 'after the decision');
  t.ok(text.indexOf('diagnosis:') < text.indexOf('rests on UNCONFIRMED'), 'before the notes');
});

t.test('every clause rule is marked', async (t) => {
  const marks: Record<ClauseRule, string> = {
    compare: '',
    'missing-key': '(key absent)',
    'if-exists-missing': '(IfExists, key absent)',
    'null-check': '(Null check)',
    'for-all-values-vacuous': '(ForAllValues: vacuously true)',
    'for-any-value-empty': '(ForAnyValue: no values, false)',
    'bare-operator-multivalued': '(plain operator on a multivalued key: false)',
    'unresolved-variable': '(unresolved policy variable)',
    'invalid-request-value': "(request value not of the operator's type)",
  };
  for (const [rule, mark] of Object.entries(marks) as [ClauseRule, string][]) {
    const d = trustDenyDecision();
    const s = d.statements[0];
    const c: ClauseTrace = { ...(s?.conditions[1] as ClauseTrace), rule };
    if (s) s.conditions = [c];
    const line =
      formatDecision(d, plain)
        .split('\n')
        .find((l) => l.includes(':sub: request')) ?? '';
    if (mark === '')
      t.match(
        line,
        /→ "repo:acme\/app:pull_request" does not match "repo:acme\/app:ref:refs\/heads\/\*", so StringLike is false policies\/p\.json:13$/,
        rule,
      );
    else t.ok(line.includes(` ${mark} policies/p.json:13`), `${rule}: ${line}`);
  }
});

t.test('colors only when asked, and data cannot inject escapes', async (t) => {
  const d: Decision = trustDenyDecision();
  const s = d.statements[0];
  if (s)
    s.conditions[1] = {
      ...(s.conditions[1] as ClauseTrace),
      requestValues: ['\u001b[2Jevil\nline'],
      policyValues: ['bad\u001b[0m\rreason'],
    };
  const colored = formatDecision(d, { ...plain, color: true });
  t.match(colored, ANSI);
  t.match(colored, '\u001b[31m✗\u001b[39m');
  const text = formatDecision(d, plain);
  t.notMatch(text, ESC_RE);
  t.match(text, 'request ["\\u001b[2Jevil\\nline"]');
  t.match(text, 'vs policy ["bad\\u001b[0m\\rreason"]');
  t.notMatch(text, /\r/);
});

t.test('without a policy file, statements are placed by line', async (t) => {
  const text = formatDecision(trustDenyDecision(), { color: false });
  t.match(text, '\ntrust policy\n  ✗ Allow "GitHubDeploy" line 4 —');
  t.match(text, '  at line 26:9');
});

t.test('a Principal mismatch shows what was written and who called', async (t) => {
  const d = trustDenyDecision();
  const s = d.statements[0];
  if (s) {
    s.principal = {
      matched: false,
      caller: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
      written: ['arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com'],
      via: 'none',
      noFederated: false,
      differences: [
        {
          value: 'arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com',
          kind: 'oidc',
          account: { written: '999999999999', caller: '111122223333' },
        },
      ],
      span: span(7),
    };
    s.actions = s.actions.map((a) => ({ ...a, matched: false }));
  }
  const text = formatDecision(d, plain);
  t.match(
    text,
    '— does not apply: principal does not match, action does not match, conditions not met',
  );
  t.match(
    text,
    '      ✗ principal: Federated "arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com": account 999999999999 instead of the role\'s account 111122223333 (the provider must be in the role\'s account) — the caller is arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com\n          written: ["arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com"]\n          caller:  arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
  );
});

t.test('assumed providers and info findings', async (t) => {
  const d = allowDecision();
  d.checks = d.checks.map((c) => (c.id === 'token.provider' ? { ...c, assumed: true } : c));
  d.findings = [
    { code: 'note', severity: 'info', message: 'for your information' },
    { code: 'bad', severity: 'error', message: 'broken' },
  ];
  if (d.provider) d.provider = { ...d.provider, assumed: true };
  const text = formatDecision(d, plain);
  t.match(text, '(assumed) [token.provider]');
  t.notMatch(text, /for your information/, 'info findings are verbose-only');
  t.match(text, '\nerror: broken [bad]');
  const verbose = formatDecision(d, { ...plain, verbose: true });
  t.match(verbose, '\ninfo: for your information [note]');
  t.match(verbose, '(assumed registered)');
});

t.test('session tags: the statement that allows the call but not sts:TagSession', async (t) => {
  const d = trustDenyDecision();
  const s = d.statements[0];
  if (s) {
    s.conditions = s.conditions.map((c) => ({ ...c, result: true }));
    s.conditionsMet = true;
    s.actions.push({
      action: 'sts:TagSession',
      matched: false,
      negated: false,
      patterns: ['sts:AssumeRoleWithWebIdentity'],
      span: span(9, 7),
    });
    s.appliesTo = ['sts:AssumeRoleWithWebIdentity'];
  }
  d.actions = [
    { action: 'sts:AssumeRoleWithWebIdentity', allowed: true, allowedBy: [0], deniedBy: [] },
    { action: 'sts:TagSession', allowed: false, allowedBy: [], deniedBy: [] },
  ];
  d.checks[d.checks.length - 1] = {
    stage: 'trust-policy',
    id: 'trust-policy.sts:TagSession',
    ok: false,
    data: {
      action: 'sts:TagSession',
      caller: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
      allowedBy: [],
      deniedBy: [],
      neededFor: 'session-tags',
    },
    unconfirmed: '§1.5 (UNCONFIRMED 8): AccessDenied when sts:TagSession is not allowed',
  };
  const text = formatDecision(d, plain);
  t.match(
    text,
    '  ✓ Allow "GitHubDeploy" policies/p.json:4 — applies to sts:AssumeRoleWithWebIdentity; not to sts:TagSession\n',
  );
  t.match(
    text,
    '      ✗ action sts:TagSession: Action ["sts:AssumeRoleWithWebIdentity"] does not cover sts:TagSession\n',
    'the refusing action is detailed',
  );
  t.notMatch(text, /UNCONFIRMED \[extra-action-error\]/, 'per-check notes are verbose-only');
  t.match(
    formatDecision(d, { ...plain, verbose: true }),
    `\n      ${unconfirmedLine('UNCONFIRMED 8')}\n`,
  );
});
