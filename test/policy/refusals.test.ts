/**
 * One row per thing IAM refuses (or we warn about): the finding's code, severity and the exact
 * line and column where its span starts. Fixtures are multi-line JSON written out in full, so the
 * positions can be checked by eye.
 */
import t, { type Test } from 'tap';
import type { Severity } from '../../lib/diagnostics.js';
import { parsePolicy } from '../../lib/policy/index.js';
import { compilePolicy } from '../../lib/sts/compile.js';
import { decide } from '../../lib/sts/simulate.js';
import { githubInput } from '../helpers/policy.js';

const EFFECT = '"Effect": "Allow"';
const FED =
  '"Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}';
const ACTION = '"Action": "sts:AssumeRoleWithWebIdentity"';

/**
 * A one-statement policy. Member i (0-based) sits on line 5 + i, its key at column 7; so a value
 * after `"Effect": ` or `"Action": ` starts at column 17, after `"Principal": ` at 20, a Federated
 * value at 34; in `"Condition": {"StringEquals": {"k:sub": V}}` the operator is at 21, the key
 * at 38 and V at 47.
 */
function policy(...members: string[]): string {
  return [
    '{',
    '  "Version": "2012-10-17",',
    '  "Statement": [',
    '    {',
    members.map((m) => '      ' + m).join(',\n'),
    '    }',
    '  ]',
    '}',
  ].join('\n');
}

function fed(value: string): string {
  return `"Principal": {"Federated": ${JSON.stringify(value)}}`;
}

function cond(block: string): string {
  return `"Condition": ${block}`;
}

interface Row {
  name: string;
  text: string;
  code: string;
  line: number;
  column: number;
  severity?: Severity;
  message?: RegExp;
  hint?: RegExp;
  format?: 'json' | 'yaml';
}

const errors: Row[] = [
  // --- invalid JSON
  {
    name: 'a value is missing',
    text: '{\n  "Version": "2012-10-17",\n  "Statement": }\n}',
    code: 'json-unexpected-char',
    line: 3,
    column: 16,
    message: /^unexpected "\}" — expected a value$/,
  },
  {
    name: 'unterminated string',
    text: '{\n  "Version": "2012-10-17,\n  "Statement": []\n}',
    code: 'json-unterminated-string',
    line: 2,
    column: 14,
    message: /unterminated string/,
  },
  {
    name: 'trailing comma',
    text: policy(EFFECT, FED, ACTION + ','),
    code: 'json-trailing-comma',
    line: 7,
    column: 48,
    message: /^trailing comma$/,
  },
  {
    name: 'content after the document',
    text: '{"Statement": []}\n}',
    code: 'json-trailing-content',
    line: 2,
    column: 1,
  },
  {
    name: 'single quotes',
    text: "{\n  'Version': '2012-10-17'\n}",
    code: 'json-unexpected-char',
    line: 2,
    column: 3,
    hint: /double quotes/,
  },
  {
    name: 'empty JSON input',
    text: '   \n  ',
    format: 'json',
    code: 'empty-input',
    line: 2,
    column: 3,
  },
  // --- duplicate keys
  {
    name: 'duplicate top-level key',
    text: '{\n  "Version": "2012-10-17",\n  "Version": "2008-10-17",\n  "Statement": []\n}',
    code: 'duplicate-key',
    line: 3,
    column: 3,
    message: /first at line 2, column 3/,
  },
  {
    name: 'duplicate statement key',
    text: policy(EFFECT, FED, ACTION, '"Effect": "Deny"'),
    code: 'duplicate-key',
    line: 8,
    column: 7,
  },
  {
    name: 'the same operator block twice',
    text: policy(
      EFFECT,
      FED,
      ACTION,
      cond('{"StringEquals": {"k:sub": "x"}, "StringEquals": {"k:aud": "y"}}'),
    ),
    code: 'duplicate-key',
    line: 8,
    column: 53,
    hint: /one "StringEquals" block/,
  },
  {
    name: 'the same condition key twice',
    text: policy(EFFECT, FED, ACTION, cond('{"StringEquals": {"k:sub": "x", "k:sub": "y"}}')),
    code: 'duplicate-key',
    line: 8,
    column: 52,
  },
  {
    name: 'condition keys differing only in case',
    text: policy(EFFECT, FED, ACTION, cond('{"StringEquals": {"k:sub": "x", "K:Sub": "y"}}')),
    code: 'duplicate-condition-key',
    line: 8,
    column: 52,
  },
  // --- unknown / forbidden elements
  {
    name: 'unknown top-level element (case)',
    text: '{\n  "Version": "2012-10-17",\n  "statement": []\n}',
    code: 'unknown-element',
    line: 3,
    column: 3,
    hint: /write "Statement"/,
  },
  {
    name: 'unknown statement element',
    text: policy(EFFECT, FED, ACTION, '"Principals": {}'),
    code: 'unknown-element',
    line: 8,
    column: 7,
  },
  {
    name: 'Resource',
    text: policy(EFFECT, FED, ACTION, '"Resource": "*"'),
    code: 'resource-in-trust-policy',
    line: 8,
    column: 7,
    message: /not allowed in a role trust policy/,
  },
  {
    name: 'NotResource',
    text: policy(EFFECT, FED, ACTION, '"NotResource": "*"'),
    code: 'resource-in-trust-policy',
    line: 8,
    column: 7,
  },
  {
    name: 'NotPrincipal',
    text: policy(EFFECT, '"NotPrincipal": {"AWS": "123456789012"}', FED, ACTION),
    code: 'not-principal-in-trust-policy',
    line: 6,
    column: 7,
    message: /not allowed in a role trust policy/,
  },
  // --- policy structure
  {
    name: 'missing Statement',
    text: '{\n  "Version": "2012-10-17"\n}',
    code: 'missing-statement',
    line: 1,
    column: 1,
  },
  {
    name: 'Statement is a string',
    text: '{\n  "Version": "2012-10-17",\n  "Statement": "Allow"\n}',
    code: 'invalid-statement',
    line: 3,
    column: 16,
  },
  {
    name: 'a statement that is not an object',
    text: '{\n  "Version": "2012-10-17",\n  "Statement": [\n    42\n  ]\n}',
    code: 'invalid-statement',
    line: 4,
    column: 5,
  },
  {
    name: 'the policy is a list',
    text: '[\n  {}\n]',
    format: 'json',
    code: 'policy-not-object',
    line: 1,
    column: 1,
  },
  {
    name: 'Version not a known version',
    text: '{\n  "Version": "2012-10-18",\n  "Statement": []\n}',
    code: 'invalid-version',
    line: 2,
    column: 14,
  },
  {
    name: 'Id not a string',
    text: '{\n  "Version": "2012-10-17",\n  "Id": 5,\n  "Statement": []\n}',
    code: 'invalid-id',
    line: 3,
    column: 9,
  },
  {
    name: 'missing Principal',
    text: policy(EFFECT, ACTION),
    code: 'missing-principal',
    line: 4,
    column: 5,
  },
  {
    name: 'missing Action and NotAction',
    text: policy(EFFECT, FED),
    code: 'missing-action',
    line: 4,
    column: 5,
  },
  {
    name: 'both Action and NotAction',
    text: policy(EFFECT, FED, ACTION, '"NotAction": "sts:TagSession"'),
    code: 'action-and-not-action',
    line: 8,
    column: 7,
  },
  {
    name: 'missing Effect',
    text: policy(FED, ACTION),
    code: 'missing-effect',
    line: 4,
    column: 5,
  },
  {
    name: 'Effect in the wrong case',
    text: policy('"Effect": "allow"', FED, ACTION),
    code: 'invalid-effect',
    line: 5,
    column: 17,
    hint: /case-sensitive: write "Allow"/,
  },
  {
    name: 'Effect neither Allow nor Deny',
    text: policy('"Effect": "Permit"', FED, ACTION),
    code: 'invalid-effect',
    line: 5,
    column: 17,
  },
  {
    name: 'Sid used twice',
    text: [
      '{',
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      '    { "Sid": "One", "Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity" },',
      '    { "Sid": "One", "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity" }',
      '  ]',
      '}',
    ].join('\n'),
    code: 'duplicate-sid',
    line: 5,
    column: 14,
  },
  {
    name: 'Sid not a string',
    text: policy('"Sid": 1', EFFECT, FED, ACTION),
    code: 'invalid-sid',
    line: 5,
    column: 14,
  },
  // --- Principal
  {
    name: 'Principal as a plain ARN string',
    text: policy(
      EFFECT,
      '"Principal": "arn:aws:iam::123456789012:oidc-provider/x.example.com"',
      ACTION,
    ),
    code: 'invalid-principal',
    line: 6,
    column: 20,
    hint: /\{"Federated": "arn:aws:iam::123456789012:oidc-provider\/x.example.com"\}/,
  },
  {
    name: 'Principal an empty object',
    text: policy(EFFECT, '"Principal": {}', ACTION),
    code: 'invalid-principal',
    line: 6,
    column: 20,
  },
  {
    name: 'unknown principal type',
    text: policy(EFFECT, '"Principal": {"WebIdentity": "x"}', ACTION),
    code: 'unknown-principal-type',
    line: 6,
    column: 21,
  },
  {
    name: 'principal type in the wrong case',
    text: policy(EFFECT, '"Principal": {"federated": "accounts.google.com"}', ACTION),
    code: 'unknown-principal-type',
    line: 6,
    column: 21,
    hint: /write "Federated"/,
  },
  {
    name: 'partial wildcard in a principal',
    text: policy(EFFECT, fed('arn:aws:iam::*:oidc-provider/x'), ACTION),
    code: 'principal-partial-wildcard',
    line: 6,
    column: 34,
  },
  {
    name: '"*" as a Federated principal',
    text: policy(EFFECT, fed('*'), ACTION),
    code: 'invalid-principal-wildcard',
    line: 6,
    column: 34,
  },
  {
    name: 'empty principal list',
    text: policy(EFFECT, '"Principal": {"Federated": []}', ACTION),
    code: 'empty-list',
    line: 6,
    column: 34,
  },
  {
    name: 'principal value not a string',
    text: policy(EFFECT, '"Principal": {"Federated": [42]}', ACTION),
    code: 'invalid-principal-value',
    line: 6,
    column: 35,
  },
  {
    name: 'Federated: a bare issuer host',
    text: policy(EFFECT, fed('token.actions.githubusercontent.com'), ACTION),
    code: 'invalid-federated-principal',
    line: 6,
    column: 34,
    hint: /arn:aws:iam::ACCOUNT:oidc-provider\/token\.actions\.githubusercontent\.com/,
  },
  {
    name: 'Federated: the issuer URL',
    text: policy(EFFECT, fed('https://token.actions.githubusercontent.com'), ACTION),
    code: 'federated-principal-scheme',
    line: 6,
    column: 34,
  },
  {
    name: 'Federated: https:// inside the ARN',
    text: policy(EFFECT, fed('arn:aws:iam::123456789012:oidc-provider/https://gitlab.com'), ACTION),
    code: 'federated-principal-scheme',
    line: 6,
    column: 34,
    hint: /oidc-provider\/gitlab\.com$/,
  },
  {
    name: 'Federated: two trailing slashes',
    text: policy(EFFECT, fed('arn:aws:iam::123456789012:oidc-provider/gitlab.com//'), ACTION),
    code: 'federated-principal-trailing-slash',
    line: 6,
    column: 34,
    hint: /at most one "\/"/,
  },
  {
    name: 'Federated: unknown partition',
    text: policy(EFFECT, fed('arn:aws-xx:iam::123456789012:oidc-provider/gitlab.com'), ACTION),
    code: 'invalid-federated-principal',
    line: 6,
    column: 34,
    message: /partition/,
  },
  {
    name: 'Federated: 11-digit account',
    text: policy(EFFECT, fed('arn:aws:iam::12345678901:oidc-provider/gitlab.com'), ACTION),
    code: 'invalid-federated-principal',
    line: 6,
    column: 34,
    message: /12 digits/,
  },
  {
    name: 'Federated: a region',
    text: policy(
      EFFECT,
      fed('arn:aws:iam:us-east-1:123456789012:oidc-provider/gitlab.com'),
      ACTION,
    ),
    code: 'invalid-federated-principal',
    line: 6,
    column: 34,
    message: /no region/,
  },
  {
    name: 'Federated: not an IAM ARN',
    text: policy(EFFECT, fed('arn:aws:sts::123456789012:oidc-provider/gitlab.com'), ACTION),
    code: 'invalid-federated-principal',
    line: 6,
    column: 34,
  },
  {
    name: 'Federated: a role ARN',
    text: policy(EFFECT, fed('arn:aws:iam::123456789012:role/deploy'), ACTION),
    code: 'invalid-federated-principal',
    line: 6,
    column: 34,
  },
  {
    name: 'Federated: host not a DNS name',
    text: policy(EFFECT, fed('arn:aws:iam::123456789012:oidc-provider/git_lab.com'), ACTION),
    code: 'invalid-federated-principal',
    line: 6,
    column: 34,
  },
  {
    name: 'Federated: empty path segment',
    text: policy(
      EFFECT,
      fed('arn:aws:iam::123456789012:oidc-provider/oidc.example.com//id'),
      ACTION,
    ),
    code: 'invalid-federated-principal',
    line: 6,
    column: 34,
  },
  // --- Action
  {
    name: 'Action without a service prefix',
    text: policy(EFFECT, FED, '"Action": "AssumeRoleWithWebIdentity"'),
    code: 'invalid-action',
    line: 7,
    column: 17,
  },
  {
    name: 'a bad Action in a list',
    text: policy(EFFECT, FED, '"Action": ["sts:AssumeRoleWithWebIdentity", "sts:Assume Role"]'),
    code: 'invalid-action',
    line: 7,
    column: 51,
  },
  {
    name: 'Action an empty list',
    text: policy(EFFECT, FED, '"Action": []'),
    code: 'empty-list',
    line: 7,
    column: 17,
  },
  {
    name: 'Action a number',
    text: policy(EFFECT, FED, '"Action": 5'),
    code: 'invalid-action',
    line: 7,
    column: 17,
  },
  // --- Condition
  {
    name: 'Condition not an object',
    text: policy(EFFECT, FED, ACTION, cond('"StringEquals"')),
    code: 'invalid-condition',
    line: 8,
    column: 20,
  },
  {
    name: 'operator block not an object',
    text: policy(EFFECT, FED, ACTION, cond('{"StringEquals": "k:sub"}')),
    code: 'invalid-condition-block',
    line: 8,
    column: 37,
  },
  {
    name: 'condition value an object',
    text: policy(EFFECT, FED, ACTION, cond('{"StringEquals": {"k:sub": {"a": "b"}}}')),
    code: 'invalid-condition-value',
    line: 8,
    column: 47,
  },
  {
    name: 'condition value null',
    text: policy(EFFECT, FED, ACTION, cond('{"StringEquals": {"k:sub": null}}')),
    code: 'invalid-condition-value',
    line: 8,
    column: 47,
  },
  {
    name: 'condition value an empty list',
    text: policy(EFFECT, FED, ACTION, cond('{"StringEquals": {"k:sub": []}}')),
    code: 'empty-list',
    line: 8,
    column: 47,
  },
  {
    name: 'condition value a nested list',
    text: policy(EFFECT, FED, ACTION, cond('{"StringEquals": {"k:sub": ["a", ["b"]]}}')),
    code: 'invalid-condition-value',
    line: 8,
    column: 53,
  },
  {
    name: 'unknown operator',
    text: policy(EFFECT, FED, ACTION, cond('{"StringEqual": {"k:sub": "x"}}')),
    code: 'unknown-operator',
    line: 8,
    column: 21,
  },
  {
    name: 'operator in the wrong case',
    text: policy(EFFECT, FED, ACTION, cond('{"stringequals": {"k:sub": "x"}}')),
    code: 'unknown-operator',
    line: 8,
    column: 21,
    hint: /"StringEquals"/,
  },
  {
    name: 'unknown set operator',
    text: policy(EFFECT, FED, ACTION, cond('{"ForAnyValues:StringEquals": {"k:sub": "x"}}')),
    code: 'unknown-set-operator',
    line: 8,
    column: 21,
    hint: /ForAnyValue:/,
  },
  {
    name: 'Null with IfExists',
    text: policy(EFFECT, FED, ACTION, cond('{"NullIfExists": {"k:sub": "true"}}')),
    code: 'null-if-exists',
    line: 8,
    column: 21,
  },
  {
    name: 'empty condition key',
    text: policy(EFFECT, FED, ACTION, cond('{"StringEquals": {"": "x"}}')),
    code: 'invalid-condition-key',
    line: 8,
    column: 38,
  },
  // --- characters and size
  {
    name: 'a character outside U+0000–U+00FF',
    text: policy(EFFECT, FED, ACTION, cond('{"StringEquals": {"k:sub": "repo:ö/€"}}')),
    code: 'invalid-character',
    line: 8,
    column: 55,
  },
  {
    name: 'a control character outside strings',
    text: '{\n  "Version": "2012-10-17",\u000b\n  "Statement": []\n}',
    code: 'invalid-character',
    line: 2,
    column: 27,
  },
  {
    name: 'over 4,096 characters',
    text: policy(EFFECT, FED, ACTION, cond(`{"StringEquals": {"k:sub": "${'a'.repeat(4100)}"}}`)),
    code: 'policy-size-quota',
    line: 1,
    column: 1,
    message: /over the 4096/,
  },
  // --- YAML
  {
    name: 'YAML syntax error',
    text: 'Version: "2012-10-17"\nStatement:\n  - Effect: Allow\n   Action: [sts:AssumeRoleWithWebIdentity\n',
    code: 'yaml-syntax',
    line: 4,
    column: 1,
  },
  {
    name: 'YAML duplicate key',
    text: 'Version: "2012-10-17"\nStatement:\n  Effect: Allow\n  Effect: Deny\n',
    code: 'duplicate-key',
    line: 4,
    column: 3,
  },
];

const warnings: Row[] = [
  {
    name: 'no Version',
    text: '{\n  "Statement": {"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}\n}',
    code: 'missing-version',
    line: 1,
    column: 1,
    severity: 'info',
  },
  {
    name: 'Sid with a dash',
    text: policy('"Sid": "allow-gh"', EFFECT, FED, ACTION),
    code: 'sid-not-alphanumeric',
    line: 5,
    column: 14,
    severity: 'warning',
  },
  {
    name: 'Principal "*"',
    text: policy(EFFECT, '"Principal": "*"', ACTION),
    code: 'principal-wildcard',
    line: 6,
    column: 20,
    severity: 'warning',
  },
  {
    name: 'Principal {"AWS": "*"}',
    text: policy(EFFECT, '"Principal": {"AWS": "*"}', ACTION),
    code: 'principal-wildcard',
    line: 6,
    column: 28,
    severity: 'warning',
  },
  {
    name: 'NotAction',
    text: policy(EFFECT, FED, '"NotAction": "sts:TagSession"'),
    code: 'not-action',
    line: 7,
    column: 7,
    severity: 'warning',
  },
  {
    name: 'a number as a condition value',
    text: policy(EFFECT, FED, ACTION, cond('{"NumericLessThan": {"k:n": 10}}')),
    code: 'non-string-condition-value',
    line: 8,
    column: 48,
    severity: 'warning',
  },
  {
    name: 'a boolean as a condition value',
    text: policy(EFFECT, FED, ACTION, cond('{"Bool": {"aws:SecureTransport": true}}')),
    code: 'non-string-condition-value',
    line: 8,
    column: 53,
    severity: 'warning',
  },
  {
    name: 'SAML provider',
    text: policy(EFFECT, fed('arn:aws:iam::123456789012:saml-provider/Okta'), ACTION),
    code: 'saml-principal',
    line: 6,
    column: 34,
    severity: 'warning',
    hint: /AssumeRoleWithSAML/,
  },
  {
    name: 'Cognito in aws-cn',
    text: policy(EFFECT, fed('cognito-identity.amazonaws.com.cn'), ACTION),
    code: 'cognito-cn-principal',
    line: 6,
    column: 34,
    severity: 'info',
  },
  {
    // Providers registered with a trailing "/" exist and work with STS: SAM CLI created
    // `own-gitlab.com/` (https://github.com/aws/aws-sam-cli/issues/7432); Mozilla's production
    // setup trusts `oidc-provider/auth.mozilla.auth0.com/` (mozilla-iam/mozilla-aws-cli README,
    // Troubleshooting). Accepted, with a note on the key prefix (fidelity corrections, item 2).
    name: 'Federated: a provider URL with a trailing slash',
    text: policy(EFFECT, fed('arn:aws:iam::123456789012:oidc-provider/gitlab.com/'), ACTION),
    code: 'oidc-provider-trailing-slash',
    line: 6,
    column: 34,
    severity: 'info',
    message: /"gitlab\.com\/:aud"/,
  },
  {
    name: 'built-in provider in other case',
    text: policy(EFFECT, fed('Accounts.Google.com'), ACTION),
    code: 'federated-principal-case',
    line: 6,
    column: 34,
    severity: 'warning',
  },
  {
    name: 'empty operator block',
    text: policy(EFFECT, FED, ACTION, cond('{"StringEquals": {}}')),
    code: 'empty-condition-block',
    line: 8,
    column: 37,
    severity: 'warning',
  },
  {
    name: 'policy variable without Version 2012-10-17',
    text: '{\n  "Version": "2008-10-17",\n  "Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity",\n    "Condition": {"StringEquals": {"k:sub": "${aws:username}"}}}\n}',
    code: 'policy-variable-literal',
    line: 4,
    column: 45,
    severity: 'warning',
  },
  {
    name: 'over 2,048 characters',
    text: policy(EFFECT, FED, ACTION, cond(`{"StringEquals": {"k:sub": "${'a'.repeat(2100)}"}}`)),
    code: 'policy-size-quota',
    line: 1,
    column: 1,
    severity: 'warning',
    message: /default role trust policy quota of 2048/,
  },
  {
    name: 'byte-order mark',
    text: '\ufeff' + policy(EFFECT, FED, ACTION),
    code: 'byte-order-mark',
    line: 1,
    column: 1,
    severity: 'warning',
  },
];

function check(t: Test, row: Row, expectOk: boolean): void {
  const r = parsePolicy(row.text, row.format ? { format: row.format } : {});
  const f = r.findings.find((x) => x.code === row.code);
  if (!f) {
    t.fail(`no ${row.code} finding; got ${r.findings.map((x) => x.code).join(', ')}`);
    return;
  }
  t.equal(f.severity, row.severity ?? 'error', 'severity');
  t.same(
    { line: f.span?.start.line, column: f.span?.start.column },
    { line: row.line, column: row.column },
    'span start',
  );
  if (row.message) t.match(f.message, row.message, 'message');
  if (row.hint) t.match(f.hint ?? '', row.hint, 'hint');
  if ((row.severity ?? 'error') === 'error') t.ok(f.hint, 'an error says what is right');
  t.equal(r.ok, expectOk, expectOk ? 'still ok' : 'refused');
}

t.test('refusals', async (t) => {
  for (const row of errors) t.test(row.name, async (t) => check(t, row, false));
});

t.test('warnings and notes leave the policy usable', async (t) => {
  for (const row of warnings) t.test(row.name, async (t) => check(t, row, true));
});

t.test(
  '"Statement": [] is evaluated, with a write-time error (fidelity corrections, item 1)',
  async (t) => {
    // No AWS text says what IAM answers to an empty Statement list. The closest observed answer:
    // "MalformedPolicyDocument: Syntax errors in policy." to "Statement": null
    // (https://github.com/kubernetes/kops/issues/13095). So: UNCONFIRMED write-time refusal, and the
    // simulation evaluates the policy as it is — no statement can allow, an implicit deny.
    const rows: {
      name: string;
      text: string;
      format?: 'json' | 'yaml';
      line: number;
      column: number;
    }[] = [
      {
        name: 'JSON',
        text: '{\n  "Version": "2012-10-17",\n  "Statement": []\n}',
        line: 3,
        column: 16,
      },
      { name: 'YAML', text: 'Version: "2012-10-17"\nStatement: []\n', line: 2, column: 12 },
      { name: 'YAML, no Version', text: 'Statement: []\n', format: 'yaml', line: 1, column: 12 },
    ];
    for (const row of rows) {
      const r = parsePolicy(row.text, row.format ? { format: row.format } : {});
      t.equal(r.ok, true, `${row.name}: the policy is evaluated`);
      t.same(r.policy?.statements, [], `${row.name}: with no statement`);
      const f = r.findings.find((x) => x.code === 'empty-statement-list');
      t.ok(f, `${row.name}: finding`);
      if (!f) continue;
      t.equal(f.severity, 'error', 'an error…');
      t.equal(f.writeTime, true, '…at write time: IAM would refuse to store it');
      t.same([f.span?.start.line, f.span?.start.column], [row.line, row.column], 'at the list');
      t.match(f.message, /MalformedPolicyDocument: Syntax errors in policy\./);
      t.match(f.hint, /UNCONFIRMED/);
      t.match(f.hint, /kops#13095/);
    }
    const empty = parsePolicy('{"Version": "2012-10-17", "Statement": []}');
    t.equal(empty.ok && compilePolicy(empty.policy).ok, true, 'it compiles');
    t.match(
      decide(githubInput({ Version: '2012-10-17', Statement: [] })),
      { decision: 'deny', stage: 'trust-policy', code: 'AccessDenied' },
      'every request is denied: no statement allows',
    );
    const other = parsePolicy('{\n  "Version": "2012-10-17",\n  "Statement": [],\n  "Id": 5\n}');
    t.equal(other.ok, false, 'another error still refuses the policy');
    t.same(
      other.findings.map((f) => [f.code, f.writeTime ?? false]),
      [
        ['empty-statement-list', true],
        ['invalid-id', false],
      ],
    );
    const notAList = parsePolicy('{"Version": "2012-10-17", "Statement": "Allow"}');
    t.same(
      notAList.findings.map((f) => [f.code, f.writeTime ?? false]),
      [['invalid-statement', false]],
      'a Statement that is not a list is still an input error',
    );
  },
);

t.test('all findings are reported in one pass', async (t) => {
  const text = policy(
    '"Effect": "allow"',
    '"Principal": {"Federated": "https://gitlab.com"}',
    '"Action": "AssumeRole"',
    '"Resource": "*"',
    cond('{"StringEqual": {"k:sub": "x"}, "StringLike": {"k:aud": []}}'),
  );
  const r = parsePolicy(text);
  t.equal(r.ok, false);
  t.same(
    r.findings.map((f) => f.code),
    [
      'invalid-effect',
      'federated-principal-scheme',
      'invalid-action',
      'resource-in-trust-policy',
      'unknown-operator',
      'empty-list',
    ],
    'in source order',
  );
});

t.test('characters IAM refuses: spans and limits', async (t) => {
  const emoji = parsePolicy(
    policy(EFFECT, FED, ACTION, cond('{"StringEquals": {"k:sub": "a😀"}}')),
  );
  const f = emoji.findings.find((x) => x.code === 'invalid-character');
  t.same(
    f && [f.span?.start.column, f.span?.end.column],
    [49, 51],
    'a surrogate pair is one character of two UTF-16 units',
  );
  const many = Array.from({ length: 25 }, (_, i) => `"k:${i}": "x€"`).join(', ');
  const r = parsePolicy(policy(EFFECT, FED, ACTION, cond(`{"StringEquals": {${many}}}`)));
  const chars = r.findings.filter((x) => x.code === 'invalid-character');
  t.equal(chars.length, 21, '20 one by one, then a summary');
  t.match(chars[20]?.message, /^5 more runs/);
  const yaml = parsePolicy(
    'Statement:\n  Effect: Allow\n  Principal: "*"\n  Action: sts:AssumeRoleWithWebIdentity\n  Condition: {StringEquals: {"k:√": x}}\n# comments may hold anything: √\n',
  );
  t.same(
    yaml.findings
      .filter((x) => x.code === 'invalid-character')
      .map((x) => [x.span?.start.line, x.span?.start.column]),
    [[5, 33]],
    'YAML: only keys and values are checked, at the character',
  );
});
