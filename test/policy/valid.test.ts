import fc from 'fast-check';
import t, { type Test } from 'tap';
import { LineCounter, parseDocument } from 'yaml';
import type { Span } from '../../lib/diagnostics.js';
import {
  detectFormat,
  parseJson,
  parsePolicy,
  policyFromAst,
  policyFromYamlNode,
  type TrustPolicy,
} from '../../lib/policy/index.js';

const GITHUB = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';

const SINGLE = `{
  "Version": "2012-10-17",
  "Id": "gha-deploy",
  "Statement": {
    "Sid": "GitHubDeploy",
    "Effect": "Allow",
    "Principal": {"Federated": "${GITHUB}"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {
      "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
      "StringLike": {"Token.Actions.GitHubUserContent.com:Sub": ["repo:acme/app:ref:refs/heads/main", "repo:acme/app:environment:prod"]}
    }
  }
}`;

function at(span: Span): string {
  return `${span.start.line}:${span.start.column}-${span.end.line}:${span.end.column}`;
}

function mustParse(t: Test, text: string, format?: 'json' | 'yaml'): TrustPolicy {
  const r = parsePolicy(text, format ? { format } : {});
  if (!r.ok) {
    t.fail(`did not parse: ${JSON.stringify(r.findings, null, 1)}`);
    throw new Error('parse failed');
  }
  t.same(
    r.findings.filter((f) => f.severity === 'error'),
    [],
    'no errors',
  );
  return r.policy;
}

/** The model without spans, to compare JSON and YAML input. */
function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'span' || k.endsWith('Span') || k === 'size') continue;
      out[k] = strip(v);
    }
    return out;
  }
  return value;
}

t.test('Statement as an object; the model keeps every place', async (t) => {
  const p = mustParse(t, SINGLE);
  t.equal(p.version, '2012-10-17');
  t.equal(p.id, 'gha-deploy');
  t.equal(at(p.span), '1:1-14:2');
  t.equal(p.versionSpan && at(p.versionSpan), '2:14-2:26');
  t.equal(p.statements.length, 1);
  const s = p.statements[0]!;
  t.equal(s.index, 0);
  t.equal(at(s.span), '4:16-13:4');
  t.same(s.sid && { value: s.sid.value, at: at(s.sid.span) }, {
    value: 'GitHubDeploy',
    at: '5:12-5:26',
  });
  t.same({ value: s.effect.value, at: at(s.effect.span) }, { value: 'Allow', at: '6:15-6:22' });
  t.equal(s.principal.star, false);
  t.same(
    s.principal.federated.map((f) => [f.value, at(f.span)]),
    [[GITHUB, `7:32-7:${32 + GITHUB.length + 2}`]],
  );
  t.same(s.principal.other, []);
  t.equal(at(s.principal.span), `7:18-7:${32 + GITHUB.length + 3}`);
  t.same(s.action.negated, false);
  t.same(
    s.action.patterns.map((a) => [a.value, at(a.span)]),
    [['sts:AssumeRoleWithWebIdentity', '8:15-8:46']],
  );
  t.equal(at(s.action.span), '8:15-8:46');
  t.equal(s.conditions.length, 2);
  const [aud, sub] = s.conditions;
  t.equal(aud!.operator.base.name, 'StringEquals');
  t.equal(at(aud!.operatorSpan), '10:7-10:21');
  t.equal(aud!.key, 'token.actions.githubusercontent.com:aud');
  t.equal(aud!.keyLower, 'token.actions.githubusercontent.com:aud');
  t.equal(at(aud!.keySpan), '10:24-10:65');
  t.same(
    aud!.values.map((v) => [v.value, at(v.span)]),
    [['sts.amazonaws.com', '10:67-10:86']],
  );
  t.equal(aud!.nonStringValues, false);
  t.equal(sub!.operator.base.name, 'StringLike');
  t.equal(sub!.key, 'Token.Actions.GitHubUserContent.com:Sub', 'key as written');
  t.equal(sub!.keyLower, 'token.actions.githubusercontent.com:sub', 'key lower-cased');
  t.same(
    sub!.values.map((v) => v.value),
    ['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:environment:prod'],
  );
  t.equal(at(sub!.values[1]!.span), '11:103-11:135');
  t.equal(p.size, SINGLE.replace(/\s/g, '').length, 'size counts non-whitespace');
});

t.test('Statement as a list; Action and Principal as lists', async (t) => {
  const text = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Federated": ["${GITHUB}", "accounts.google.com"], "AWS": ["arn:aws:iam::123456789012:root"], "Service": "ec2.amazonaws.com"},
      "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]
    },
    {
      "Effect": "Deny",
      "Principal": {"AWS": "*"},
      "Action": "sts:*",
      "Condition": {"StringNotEquals": {"aws:SourceIp": "203.0.113.5"}}
    },
    {
      "Effect": "Allow",
      "Principal": "*",
      "NotAction": ["s3:*", "iam:Get?ser"]
    }
  ]
}`;
  const p = mustParse(t, text);
  t.same(
    p.statements.map((s) => [s.index, s.effect.value]),
    [
      [0, 'Allow'],
      [1, 'Deny'],
      [2, 'Allow'],
    ],
  );
  const [a, b, c] = p.statements;
  t.same(
    a!.principal.federated.map((f) => f.value),
    [GITHUB, 'accounts.google.com'],
  );
  t.same(
    a!.principal.other.map((o) => [o.type, o.values.map((v) => v.value)]),
    [
      ['AWS', ['arn:aws:iam::123456789012:root']],
      ['Service', ['ec2.amazonaws.com']],
    ],
  );
  t.same(
    a!.action.patterns.map((x) => x.value),
    ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
  );
  t.equal(at(a!.action.span), '7:17-7:68');
  t.equal(b!.principal.star, true, '{"AWS": "*"} is star');
  t.same(b!.principal.other, []);
  t.equal(b!.conditions[0]!.operator.base.negated, true);
  t.equal(c!.principal.star, true, '"*" is star');
  t.equal(c!.action.negated, true);
  t.same(
    c!.action.patterns.map((x) => x.value),
    ['s3:*', 'iam:Get?ser'],
  );
  const r = parsePolicy(text);
  t.same(r.findings.map((f) => f.code).sort(), [
    'not-action',
    'principal-wildcard',
    'principal-wildcard',
  ]);
});

t.test('condition values written as numbers and booleans are stringified', async (t) => {
  const text = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "cognito-identity.amazonaws.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {
      "Bool": {"aws:MultiFactorAuthPresent": true},
      "NumericLessThan": {"k:n": [10, 1.50, -2e3]},
      "StringEquals": {"k:s": ["a", false]},
      "ForAnyValue:StringLikeIfExists": {"cognito-identity.amazonaws.com:amr": "authenticated"}
    }
  }]
}`;
  const p = mustParse(t, text);
  const cs = p.statements[0]!.conditions;
  t.same(
    cs.map((c) => [c.operator.raw, c.values.map((v) => v.value), c.nonStringValues]),
    [
      ['Bool', ['true'], true],
      ['NumericLessThan', ['10', '1.50', '-2e3'], true],
      ['StringEquals', ['a', 'false'], true],
      ['ForAnyValue:StringLikeIfExists', ['authenticated'], false],
    ],
  );
  const op = cs[3]!.operator;
  t.same([op.setOperator, op.base.name, op.ifExists], ['ForAnyValue', 'StringLike', true]);
  const r = parsePolicy(text);
  t.equal(r.findings.filter((f) => f.code === 'non-string-condition-value').length, 5);
});

t.test('Version absent or 2008-10-17', async (t) => {
  const body =
    '"Statement": {"Effect": "Allow", "Principal": {"Federated": "www.amazon.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}';
  const none = parsePolicy(`{${body}}`);
  t.ok(none.ok);
  t.equal(none.ok && none.policy.version, undefined);
  t.same(
    none.findings.map((f) => [f.code, f.severity]),
    [['missing-version', 'info']],
  );
  const old = parsePolicy(`{"Version": "2008-10-17", ${body}}`);
  t.equal(old.ok && old.policy.version, '2008-10-17');
  t.same(old.findings, []);
});

const YAML_POLICY = `# the same policy as SINGLE, in YAML
Version: "2012-10-17"
Id: gha-deploy
Statement:
  Sid: GitHubDeploy
  Effect: Allow
  Principal:
    Federated: ${GITHUB}
  Action: sts:AssumeRoleWithWebIdentity
  Condition:
    StringEquals:
      token.actions.githubusercontent.com:aud: sts.amazonaws.com
    StringLike:
      Token.Actions.GitHubUserContent.com:Sub:
        - repo:acme/app:ref:refs/heads/main
        - repo:acme/app:environment:prod
`;

t.test('YAML input gives the same model, with YAML positions', async (t) => {
  const fromYaml = mustParse(t, YAML_POLICY);
  const fromJson = mustParse(t, SINGLE);
  t.same(strip(fromYaml), strip(fromJson));
  const s = fromYaml.statements[0]!;
  t.equal(at(s.effect.span), '6:11-6:16');
  t.equal(at(s.conditions[0]!.keySpan), '12:7-12:46');
  t.equal(at(s.conditions[1]!.values[1]!.span), '16:11-16:41');
  t.equal(fromYaml.size, fromJson.size, 'size is that of the JSON it stands for');
});

t.test('YAML values: unquoted numbers and booleans, timestamps in YAML 1.1', async (t) => {
  const text = `Version: "2012-10-17"
Statement:
  - Effect: Allow
    Principal: {Federated: accounts.google.com}
    Action: [sts:AssumeRoleWithWebIdentity]
    Condition:
      StringEquals: {accounts.google.com:aud: 12345, accounts.google.com:x: yes}
      Bool: {aws:SecureTransport: true}
`;
  const p = mustParse(t, text);
  t.same(
    p.statements[0]!.conditions.map((c) => [
      c.key,
      c.values.map((v) => v.value),
      c.nonStringValues,
    ]),
    [
      ['accounts.google.com:aud', ['12345'], true],
      ['accounts.google.com:x', ['yes'], false],
      ['aws:SecureTransport', ['true'], true],
    ],
  );
  const v11 = mustParse(t, `%YAML 1.1\n---\n${text.replace('"2012-10-17"', '2012-10-17')}`);
  t.equal(v11.version, '2012-10-17', 'a YAML 1.1 timestamp keeps its text');
});

t.test('format detection', async (t) => {
  t.equal(detectFormat('  \n {"a": 1}'), 'json');
  t.equal(detectFormat('\ufeff{}'), 'json');
  t.equal(detectFormat('Version: x'), 'yaml');
  t.equal(detectFormat('["a"]'), 'yaml');
  t.equal(detectFormat(''), 'yaml');
  t.equal(detectFormat('\u00a0\u2028\u3000\t{}'), 'json', 'Unicode white space before {');
  t.equal(detectFormat('\u00a0x'), 'yaml');
  t.equal(detectFormat('\u200b{}'), 'yaml', 'a zero-width space is not white space');
  // The rule as first written: a regular expression. The loop must agree with it everywhere.
  const rule = (s: string): string => (/^[\s\uFEFF]*(.)/u.exec(s)?.[1] === '{' ? 'json' : 'yaml');
  const unit = fc.constantFrom(
    ' ',
    '\n',
    '\t',
    '\v',
    '\u00a0',
    '\u1680',
    '\u2029',
    '\ufeff',
    '\u200b',
    '{',
    'a',
    '😀',
  );
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 6 }), (s) => {
        if (detectFormat(s) !== rule(s)) throw new Error(JSON.stringify(s));
      }),
      { numRuns: 2000, seed: 3 },
    ),
  );
  const forced = parsePolicy(SINGLE, { format: 'yaml' });
  t.ok(forced.ok, 'JSON is YAML too');
  const asJson = parsePolicy(YAML_POLICY, { format: 'json' });
  t.notOk(asJson.ok);
  t.equal(asJson.findings[0]?.code, 'json-unexpected-char');
});

t.test('policyFromAst on a parsed JSON tree', async (t) => {
  const parsed = parseJson(SINGLE);
  t.ok(parsed.ast);
  const r = policyFromAst(parsed.ast!, SINGLE);
  t.ok(r.ok);
  t.same(strip(r.ok && r.policy), strip(mustParse(t, SINGLE)));
  const dup = parseJson('{"Statement": {}, "Statement": {}}');
  const r2 = policyFromAst(dup.ast!);
  t.ok(
    r2.findings.some((f) => f.code === 'duplicate-key'),
    'reports duplicates itself',
  );
});

t.test('an inline policy in a bigger YAML file keeps that file’s positions', async (t) => {
  const file = `version: 1
role:
  arn: arn:aws:iam::123456789012:role/deploy
  trustPolicy:
    Version: "2012-10-17"
    Statement:
      - Effect: Allow
        Principal: { Federated: ${GITHUB} }
        Action: sts:AssumeRoleWithWebIdentity
        Condition:
          StringLike:
            token.actions.githubusercontent.com:sub: &sub repo:acme/app:*
          StringEquals:
            token.actions.githubusercontent.com:aud: sts.amazonaws.com
scenarios:
  - name: x
    sub: *sub
`;
  const lineCounter = new LineCounter();
  const doc = parseDocument(file, { lineCounter, uniqueKeys: true });
  const node = doc.getIn(['role', 'trustPolicy'], true);
  const r = policyFromYamlNode(node, lineCounter, { doc, text: file });
  t.ok(r.ok, JSON.stringify(r.findings));
  if (!r.ok) return;
  t.equal(at(r.policy.span).split('-')[0], '5:5');
  const c = r.policy.statements[0]!.conditions[0]!;
  t.equal(at(c.keySpan), '12:13-12:52');
  t.equal(at(c.values[0]!.span), '12:59-12:74');

  const bad = file
    .replace('Effect: Allow', 'Effect: allow')
    .replace('Action:', 'Resource: "*"\n        Action:');
  const lc2 = new LineCounter();
  const doc2 = parseDocument(bad, { lineCounter: lc2 });
  const r2 = policyFromYamlNode(doc2.getIn(['role', 'trustPolicy'], true), lc2, {
    doc: doc2,
    text: bad,
  });
  t.notOk(r2.ok);
  t.same(
    r2.findings.map((f) => [f.code, f.span?.start.line, f.span?.start.column]),
    [
      ['invalid-effect', 7, 17],
      ['resource-in-trust-policy', 9, 9],
    ],
  );
});

t.test(
  'an inline policy: characters refused at the character, duplicates reported once',
  async (t) => {
    const file =
      'policy:\n  Statement:\n    Effect: Allow\n    Effect: Allow\n    Sid: "Ünïcödé✓"\n';
    const lc = new LineCounter();
    const doc = parseDocument(file, { lineCounter: lc });
    const r = policyFromYamlNode(doc.get('policy', true), lc, { doc, text: file });
    t.same(
      r.findings
        .filter((f) => f.severity === 'error')
        .map((f) => [f.code, f.span?.start.line, f.span?.start.column]),
      [
        ['duplicate-key', 4, 5],
        ['invalid-character', 5, 18],
        ['missing-principal', 3, 5],
        ['missing-action', 3, 5],
      ].sort((a, b) => (a[1] as number) - (b[1] as number) || (a[2] as number) - (b[2] as number)),
    );
  },
);
