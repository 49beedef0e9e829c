/**
 * The SARIF writer: its logs validate against the official SARIF 2.1.0 JSON schema (both OASIS
 * copies, test/fixtures/sarif/SOURCE.md), levels, places and rules are as SARIF and GitHub code
 * scanning read them, and fingerprints do not change when a policy only moves or is re-indented.
 */
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Finding } from '../../lib/diagnostics.js';
import {
  artifactLocation,
  codeInWords,
  FINGERPRINT_KEY,
  toSarif,
  type SarifItem,
  type SarifLog,
  type SarifTool,
} from '../../lib/lint/sarif.js';
import { parsePolicy } from '../../lib/policy/parse.js';
import { compilePolicy } from '../../lib/sts/compile.js';
import { fromValidatePolicy, mergeFindings } from '../../lib/aws/access-analyzer-findings.js';

const FIXTURES = new URL('../fixtures/sarif/', import.meta.url);
const readSchema = (name: string) =>
  JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, unknown>;

/** RFC 3986 characters, percent-escapes well formed. */
const URI_CHARS = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#[\]]|%[0-9A-Fa-f]{2})*$/;

function validator(schema: Record<string, unknown>): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('uri', (s: string) => URI_CHARS.test(s) && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s));
  ajv.addFormat('uri-reference', (s: string) => URI_CHARS.test(s));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(schema);
}

/** Both OASIS copies of the schema; the draft-04 one read as draft-07 (see SOURCE.md). */
function schemas(t: Test): [string, ValidateFunction][] {
  const draft07 = readSchema('sarif-schema-2.1.0.draft-07.json');
  t.equal(draft07.$schema, 'http://json-schema.org/draft-07/schema#');
  const errata = readSchema('sarif-schema-2.1.0.json');
  t.equal(errata.$schema, 'http://json-schema.org/draft-04/schema#');
  const text = readFileSync(new URL('sarif-schema-2.1.0.json', FIXTURES), 'utf8');
  t.notMatch(
    text,
    /exclusiveM(in|ax)imum/,
    'no keyword whose meaning differs between draft-04 and draft-07',
  );
  const { id, ...rest } = errata;
  const as07 = { ...rest, $schema: 'http://json-schema.org/draft-07/schema#', $id: id };
  return [
    ['draft-07 copy (2021)', validator(draft07)],
    ['Errata 01 (2023, normative)', validator(as07)],
  ];
}

const TOOL: SarifTool = {
  name: 'trustspec',
  version: '0.1.0',
  informationUri: 'https://example.org/trustspec',
  helpUri: (code) => `https://example.org/trustspec#${code}`,
};

const POLICY = `{
  "Statement": [
    {
      "Sid": "GitHub",
      "Effect": "Allow",
      "Principal": { "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": "repo:octo-org/*"
        }
      }
    }
  ]
}
`;

/** trustspec's own findings on a policy text (parse + compile). */
function findingsOf(text: string): Finding[] {
  const parsed = parsePolicy(text);
  if (!parsed.ok) return parsed.findings;
  return [...parsed.findings, ...compilePolicy(parsed.policy).findings];
}

function items(file: string, text: string): SarifItem[] {
  return findingsOf(text).map((finding) => ({ file, finding, text }));
}

const results = (log: SarifLog) => log.runs[0]?.results ?? [];

/** Where Access Analyzer would put the `sub` value of POLICY (0-based columns). */
const SUB = POLICY.indexOf('"repo:octo-org/*"');
const SUB_COLUMN = SUB - (POLICY.lastIndexOf('\n', SUB) + 1);
const SUB_SPAN = {
  start: { line: 11, column: SUB_COLUMN, offset: SUB },
  end: { line: 11, column: SUB_COLUMN + 17, offset: SUB + 17 },
};

t.test('the log validates against the SARIF 2.1.0 schema', (t) => {
  const awsFinding = fromValidatePolicy({
    findingDetails:
      'Using a wildcard (*) in token.actions.githubusercontent.com:sub can allow requests from more sources than you intended.',
    findingType: 'SECURITY_WARNING',
    issueCode: 'SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED',
    learnMoreLink:
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-general-warning-specific-github-repo-and-branch-recommended',
    locations: [{ path: [{ value: 'Statement' }], span: SUB_SPAN }],
  });
  const logs: [string, SarifLog][] = [
    ['no findings', toSarif([], TOOL)],
    ['a policy file', toSarif(items('roles/gh deploy.json', POLICY), TOOL)],
    [
      'with Access Analyzer, a merged finding and a file-level one',
      toSarif(
        [
          ...mergeFindings(findingsOf(POLICY), [awsFinding]).map((finding) => ({
            file: 'a/b.json',
            finding,
            text: POLICY,
          })),
          {
            file: 'c:\\repo\\x.json',
            finding: {
              code: 'policy-not-object',
              severity: 'error',
              message: 'a trust policy is an object',
            },
          },
          {
            file: '/abs/y.json',
            finding: {
              code: 'missing-version',
              severity: 'info',
              message: 'no Version',
              hint: 'add it',
            },
          },
        ],
        { name: 'trustspec', version: '0.1.0' },
      ),
    ],
  ];
  const validators = schemas(t);
  for (const [schema, validate] of validators) {
    for (const [name, log] of logs) {
      const ok = validate(JSON.parse(JSON.stringify(log)));
      t.ok(
        ok,
        `${name} — ${schema}${ok ? '' : `: ${JSON.stringify(validate.errors?.slice(0, 3))}`}`,
      );
    }
    // The validators are not vacuous: a region without a start is refused (Errata 01), a level
    // that SARIF does not define by both.
    const broken = JSON.parse(JSON.stringify(logs[1]?.[1])) as SarifLog;
    const first = results(broken)[0] as unknown as { level: string };
    first.level = 'warn';
    t.notOk(validate(broken), `an unknown level is refused — ${schema}`);
  }
  const [, errata] = validators[1] as [string, ValidateFunction];
  const noStart = JSON.parse(JSON.stringify(logs[1]?.[1])) as SarifLog;
  const loc = results(noStart)[0]?.locations[0]?.physicalLocation as unknown as { region: object };
  loc.region = { startColumn: 3 };
  t.notOk(errata(noStart), 'Errata 01: a region needs startLine (or an offset)');
  t.end();
});

t.test('results: rule, level, message, place', (t) => {
  const log = toSarif(items('roles/gh.json', POLICY), TOOL);
  const run = log.runs[0];
  t.same(
    results(log).map((r) => [r.ruleId, r.level]),
    [
      ['missing-version', 'note'],
      ['wildcard-without-like', 'warning'],
    ],
  );
  const wildcard = results(log)[1];
  t.same(wildcard?.locations, [
    {
      physicalLocation: {
        artifactLocation: { uri: 'roles/gh.json', uriBaseId: '%SRCROOT%' },
        region: { startLine: 11, startColumn: 54, endLine: 11, endColumn: 71 },
      },
    },
  ]);
  t.equal(
    POLICY.split('\n')[10]?.slice(53, 70),
    '"repo:octo-org/*"',
    'startColumn..endColumn (1-based, end exclusive) cover the value',
  );
  t.match(wildcard?.message.text, /^.+\n.+/, 'the message, then the hint on its own line');
  t.equal(run?.tool.driver.rules[wildcard?.ruleIndex ?? -1]?.id, 'wildcard-without-like');
  t.equal(run?.columnKind, 'utf16CodeUnits');
  t.equal(log.version, '2.1.0');
  t.end();
});

t.test('levels: error → error, warning → warning, info → note', (t) => {
  const log = toSarif(
    (['error', 'warning', 'info'] as const).map((severity) => ({
      file: 'p.json',
      finding: { code: `c-${severity}`, severity, message: severity },
    })),
    TOOL,
  );
  t.same(
    results(log).map((r) => r.level),
    ['error', 'warning', 'note'],
  );
  t.same(
    log.runs[0]?.tool.driver.rules.map((r) => r.defaultConfiguration.level),
    ['error', 'warning', 'note'],
  );
  t.end();
});

t.test('rules: one per code, with description, help and a help page', (t) => {
  const aws = fromValidatePolicy({
    findingDetails: 'Add a Version element.',
    findingType: 'WARNING',
    issueCode: 'MISSING_VERSION',
    learnMoreLink:
      'https://docs.aws.amazon.com/x.html#access-analyzer-reference-policy-checks-general-warning-missing-version',
    locations: [],
  });
  const f = (code: string, message: string, hint?: string): Finding => ({
    code,
    severity: 'warning',
    message,
    ...(hint ? { hint } : {}),
  });
  const log = toSarif(
    [
      { file: 'a.json', finding: f('like-without-wildcard', 'first message', 'use StringEquals') },
      { file: 'b.json', finding: f('like-without-wildcard', 'second message', 'other hint') },
      { file: 'a.json', finding: aws },
      { file: 'a.json', finding: f('described', 'm') },
    ],
    {
      ...TOOL,
      describe: (code) =>
        code === 'described'
          ? { short: 'Own words', help: 'Own help', helpUri: 'https://x/own' }
          : undefined,
    },
  );
  const rules = log.runs[0]?.tool.driver.rules ?? [];
  t.same(
    rules.map((r) => [r.id, r.name, r.shortDescription.text, r.help.text, r.helpUri]),
    [
      [
        'like-without-wildcard',
        'LikeWithoutWildcard',
        'Like without wildcard',
        'use StringEquals',
        'https://example.org/trustspec#like-without-wildcard',
      ],
      [
        'access-analyzer/MISSING_VERSION',
        'AccessAnalyzerMissingVersion',
        'Access Analyzer: Missing version',
        aws.hint,
        aws.learnMoreLink,
      ],
      ['described', 'Described', 'Own words', 'Own help', 'https://x/own'],
    ],
  );
  t.same(
    results(log).map((r) => r.ruleIndex),
    [0, 0, 1, 2],
  );
  t.end();
});

t.test('codeInWords and artifact locations', (t) => {
  t.equal(codeInWords('wildcard-without-like'), 'Wildcard without like');
  t.equal(
    codeInWords('access-analyzer/FORALLVALUES_WITH_SINGLE_VALUED_KEY'),
    'Forallvalues with single valued key',
  );
  t.equal(codeInWords('x/'), 'x/');
  const rows: [string, { uri: string; uriBaseId?: string }][] = [
    ['roles/gh.json', { uri: 'roles/gh.json', uriBaseId: '%SRCROOT%' }],
    ['./roles//gh.json', { uri: 'roles/gh.json', uriBaseId: '%SRCROOT%' }],
    ['roles\\win\\gh.json', { uri: 'roles/win/gh.json', uriBaseId: '%SRCROOT%' }],
    ['my roles/#1 ?.json', { uri: 'my%20roles/%231%20%3F.json', uriBaseId: '%SRCROOT%' }],
    ['rôles/ü.json', { uri: 'r%C3%B4les/%C3%BC.json', uriBaseId: '%SRCROOT%' }],
    ['/abs/gh.json', { uri: 'file:///abs/gh.json' }],
    ['C:\\repo\\gh.json', { uri: 'file:///C:/repo/gh.json' }],
  ];
  for (const [file, want] of rows) t.same(artifactLocation(file), want, file);
  t.end();
});

const fingerprints = (log: SarifLog) =>
  results(log).map((r) => r.partialFingerprints[FINGERPRINT_KEY]);

t.test('fingerprints: stable across runs and moves, changed by what they point at', (t) => {
  const base = fingerprints(toSarif(items('roles/gh.json', POLICY), TOOL));
  t.equal(base.length, 2);
  t.match(base[0], /^[0-9a-f]{32}:1$/);
  t.same(fingerprints(toSarif(items('roles/gh.json', POLICY), TOOL)), base, 'the same run again');
  const moved = `\n\n\n${POLICY}`;
  const movedLog = toSarif(items('roles/gh.json', moved), TOOL);
  t.equal(
    results(movedLog)[1]?.locations[0]?.physicalLocation.region.startLine,
    14,
    'the lines moved',
  );
  t.same(fingerprints(movedLog), base, 'the fingerprints did not');
  const reindented = POLICY.replace(/\n {2}/g, '\n    ').replace(
    '"StringEquals": {',
    '"StringEquals" :  {',
  );
  t.same(fingerprints(toSarif(items('roles/gh.json', reindented), TOOL)), base, 're-indented');
  const edited = POLICY.replace('repo:octo-org/*', 'repo:octo-org/app*');
  const editedPrints = fingerprints(toSarif(items('roles/gh.json', edited), TOOL));
  t.equal(editedPrints[0], base[0], 'an unchanged finding keeps its fingerprint');
  t.not(editedPrints[1], base[1], 'a changed value makes a new one');
  t.not(fingerprints(toSarif(items('roles/other.json', POLICY), TOOL))[1], base[1], 'another file');
  t.end();
});

t.test(
  'fingerprints: equal fragments are told apart by order; no text falls back to the message',
  (t) => {
    const f: Finding = {
      code: 'duplicate-sid',
      severity: 'error',
      message: 'Sid "A" is used by another statement (line 4, column 7)',
      span: {
        start: { line: 9, column: 7, offset: 120 },
        end: { line: 9, column: 10, offset: 123 },
      },
    };
    const text = ' '.repeat(120) + '"A"';
    const twice = fingerprints(
      toSarif(
        [
          { file: 'p.json', finding: f, text },
          { file: 'p.json', finding: f, text },
        ],
        TOOL,
      ),
    );
    t.equal(twice[0]?.replace(/:\d+$/, ''), twice[1]?.replace(/:\d+$/, ''));
    t.same(
      twice.map((p) => p?.slice(-2)),
      [':1', ':2'],
    );
    const noText = (line: number) =>
      fingerprints(
        toSarif(
          [
            {
              file: 'p.json',
              finding: {
                ...f,
                message: `Sid "A" is used by another statement (line ${line}, column 7)`,
              },
            },
          ],
          TOOL,
        ),
      )[0];
    t.equal(noText(4), noText(40), 'line numbers in a message do not count');
    const fileLevel = fingerprints(
      toSarif(
        [
          {
            file: 'p.json',
            finding: { code: 'empty-input', severity: 'error', message: 'the file is empty' },
          },
        ],
        TOOL,
      ),
    );
    t.match(fileLevel[0], /^[0-9a-f]{32}:1$/);
    t.end();
  },
);

t.test('a finding without a span sits at the start of the file (GitHub needs a line)', (t) => {
  const log = toSarif(
    [{ file: 'p.json', finding: { code: 'empty-input', severity: 'error', message: 'empty' } }],
    TOOL,
  );
  t.same(results(log)[0]?.locations[0]?.physicalLocation.region, { startLine: 1 });
  t.end();
});

t.test("properties carry both names of a merged finding and Access Analyzer's type", (t) => {
  const aws = fromValidatePolicy({
    findingDetails: 'wildcard',
    findingType: 'WARNING',
    issueCode: 'WILDCARD_WITHOUT_LIKE_OPERATOR',
    learnMoreLink: 'https://docs.aws.amazon.com/x#y',
    locations: [{ path: [], span: SUB_SPAN }],
  });
  const ours = findingsOf(POLICY);
  const merged = mergeFindings(ours, [aws]);
  t.equal(merged.length, 2, 'merged into ours');
  const log = toSarif(
    merged.map((finding) => ({ file: 'p.json', finding, text: POLICY })),
    TOOL,
  );
  t.same(results(log)[1]?.properties, {
    names: ['wildcard-without-like', 'access-analyzer/WILDCARD_WITHOUT_LIKE_OPERATOR'],
  });
  const alone = toSarif([{ file: 'p.json', finding: aws }], TOOL);
  t.same(results(alone)[0]?.properties, { findingType: 'WARNING' });
  t.end();
});
