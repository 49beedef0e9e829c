/**
 * The table of equivalent codes and the merge of trustspec's findings with Access Analyzer's: a
 * finding both tools report (equivalent meaning, same place) appears once, with both names.
 */
import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding, Span } from '../../lib/diagnostics.js';
import {
  EQUIVALENT_CODES,
  issueCodeOfLink,
  trustspecCodesFor,
} from '../../lib/aws/access-analyzer-codes.js';
import {
  fromValidatePolicy,
  mergeFindings,
  samePlace,
  spanFromAccessAnalyzer,
  valuePathOf,
  type AccessAnalyzerFinding,
  type MergedFinding,
} from '../../lib/aws/access-analyzer-findings.js';
import { validateTrustPolicy } from '../../lib/aws/access-analyzer.js';
import { parsePolicy } from '../../lib/policy/parse.js';
import { compilePolicy } from '../../lib/sts/compile.js';
import { awsTestEnv, noWaitRetries } from '../helpers/aws-env.js';
import { startFakeAccessAnalyzer } from '../helpers/fake-access-analyzer.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOC =
  'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html';

t.test('the code a learnMoreLink anchor spells, by the title rule', (t) => {
  const rows: [string, string | undefined][] = [
    // Real answers (test/fixtures/access-analyzer): the anchor spells the issueCode that came with it.
    [
      `${DOC}#access-analyzer-reference-policy-checks-suggestion-empty-sid-value`,
      'EMPTY_SID_VALUE',
    ],
    [
      `${DOC}#access-analyzer-reference-policy-checks-error-mismatched-action-for-principal`,
      'MISMATCHED_ACTION_FOR_PRINCIPAL',
    ],
    [
      `${DOC}#access-analyzer-reference-policy-checks-error-unsupported-action-for-condition-key`,
      'UNSUPPORTED_ACTION_FOR_CONDITION_KEY',
    ],
    [
      `${DOC}#access-analyzer-reference-policy-checks-security-warning-forallvalues-with-single-valued-key`,
      'FORALLVALUES_WITH_SINGLE_VALUED_KEY',
    ],
    [
      `${DOC}#access-analyzer-reference-policy-checks-general-warning-missing-version`,
      'MISSING_VERSION',
    ],
    [`${DOC}#Access-Analyzer-Reference-Policy-Checks-Error-Missing-Action`, 'MISSING_ACTION'],
    [`${DOC}#access-analyzer-reference-policy-checks-error-`, undefined],
    [`${DOC}#access-analyzer-reference-policy-checks-notice-something`, undefined],
    [`${DOC}#something-else`, undefined],
    [DOC, undefined],
    ['', undefined],
  ];
  for (const [link, code] of rows) t.equal(issueCodeOfLink(link), code, link || '(empty)');
  t.equal(issueCodeOfLink(undefined), undefined);
  t.end();
});

t.test('the real answer fixture: every issueCode equals the code its anchor spells', (t) => {
  const answer = JSON.parse(
    readFileSync(join(ROOT, 'test/fixtures/access-analyzer/cognito-validate-policy.json'), 'utf8'),
  ) as { findings: { issueCode: string; learnMoreLink: string }[] };
  t.equal(answer.findings.length, 3);
  for (const f of answer.findings) t.equal(issueCodeOfLink(f.learnMoreLink), f.issueCode);
  t.end();
});

t.test('every issueCode of the table names a documented check', (t) => {
  const anchors = readFileSync(
    join(ROOT, 'test/fixtures/access-analyzer/check-anchors.txt'),
    'utf8',
  )
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
  t.ok(anchors.length > 100, 'the anchor list is read');
  const documented = new Set(anchors.map((a) => issueCodeOfLink(`${DOC}#${a}`)));
  for (const e of EQUIVALENT_CODES) t.ok(documented.has(e.issueCode), e.issueCode);
  t.equal(
    new Set(EQUIVALENT_CODES.map((e) => e.issueCode)).size,
    EQUIVALENT_CODES.length,
    'no repeats',
  );
  t.end();
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

t.test(
  'every trustspec code of the table is one trustspec emits (no typo can hide a match)',
  (t) => {
    const text = sources(join(ROOT, 'lib'))
      .filter((f) => !f.includes(`${join('lib', 'aws')}`))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const code of new Set(EQUIVALENT_CODES.flatMap((e) => e.trustspec))) {
      t.ok(text.includes(`'${code}'`), code);
    }
    t.end();
  },
);

t.test('trustspecCodesFor: by issueCode, else by the anchor, else none', (t) => {
  t.same(trustspecCodesFor('NULL_WITH_IF_EXISTS'), ['null-if-exists']);
  t.same(
    trustspecCodesFor(
      'FOR_ALL_VALUES_WITH_SINGLE_VALUED_KEY',
      `${DOC}#access-analyzer-reference-policy-checks-security-warning-forallvalues-with-single-valued-key`,
    ),
    ['for-all-values-single-valued'],
    'a code spelled otherwise still matches through its documented anchor',
  );
  t.same(trustspecCodesFor('CONFIRM_AUDIENCE_CLAIM_TYPE'), []);
  t.same(trustspecCodesFor('NO_SUCH_CODE', `${DOC}#x`), []);
  t.end();
});

t.test('positions: AWS counts columns from 0, trustspec from 1', (t) => {
  t.same(
    spanFromAccessAnalyzer({
      start: { line: 5, column: 19, offset: 79 },
      end: { line: 5, column: 21, offset: 81 },
    }),
    { start: { line: 5, column: 20, offset: 79 }, end: { line: 5, column: 22, offset: 81 } },
  );
  const bad = [
    {},
    { start: { line: 0, column: 0, offset: 0 }, end: { line: 1, column: 0, offset: 0 } },
    { start: { line: 1, column: -1, offset: 0 }, end: { line: 1, column: 0, offset: 0 } },
    { start: { line: 1, column: 4, offset: 4 }, end: { line: 1, column: 2, offset: 2 } },
    { start: { line: 1.5, column: 0, offset: 0 }, end: { line: 2, column: 0, offset: 3 } },
  ];
  for (const s of bad) t.equal(spanFromAccessAnalyzer(s), undefined, JSON.stringify(s));
  t.same(
    valuePathOf([
      { value: 'Statement' },
      { index: 2 },
      { value: 'Condition' },
      { key: 'StringEqual' },
    ]),
    { path: ['Statement', 2, 'Condition', 'StringEqual'], part: 'key' },
  );
  t.same(valuePathOf([{ value: 'Version' }, { substring: { start: 0, length: 4 } }]), {
    path: ['Version'],
    part: 'value',
  });
  t.end();
});

const span = (start: number, end: number): Span => ({
  start: { line: 1, column: start + 1, offset: start },
  end: { line: 1, column: end + 1, offset: end },
});

t.test('samePlace: overlap, and an empty span inside the other', (t) => {
  const rows: [Span, Span, boolean][] = [
    [span(10, 20), span(15, 25), true],
    [span(10, 20), span(20, 30), false],
    [span(10, 20), span(0, 10), false],
    [span(10, 20), span(12, 14), true],
    [span(0, 0), span(0, 50), true],
    [span(50, 50), span(0, 50), true],
    [span(51, 51), span(0, 50), false],
    [span(30, 40), span(35, 35), true],
    [span(7, 7), span(7, 7), true],
  ];
  for (const [a, b, same] of rows) {
    t.equal(
      samePlace(a, b),
      same,
      `${a.start.offset}-${a.end.offset} / ${b.start.offset}-${b.end.offset}`,
    );
    t.equal(samePlace(b, a), same, 'either way round');
  }
  t.end();
});

const ours = (
  code: string,
  s: Span | undefined,
  severity: Finding['severity'] = 'warning',
): Finding => ({
  code,
  severity,
  message: `ours: ${code}`,
  hint: `fix ${code}`,
  ...(s ? { span: s } : {}),
});

function theirs(
  issueCode: string,
  spans: Span[],
  findingType = 'WARNING',
  link?: string,
): AccessAnalyzerFinding {
  const f = fromValidatePolicy({
    issueCode,
    findingType,
    findingDetails: `theirs: ${issueCode}`,
    learnMoreLink: link ?? `${DOC}#code-${issueCode}`,
    locations: spans.map((s) => ({
      path: [{ value: 'Statement' }],
      span: {
        start: { line: s.start.line, column: s.start.column - 1, offset: s.start.offset },
        end: { line: s.end.line, column: s.end.column - 1, offset: s.end.offset },
      },
    })),
  });
  return f;
}

t.test('merge: table of cases', (t) => {
  interface Row {
    name: string;
    ours: Finding[];
    theirs: AccessAnalyzerFinding[];
    /** The codes that come out, each with its names when merged. */
    out: (string | [string, string[], string])[];
  }
  const rows: Row[] = [
    {
      name: 'equivalent and at the same place: once, both names, the higher severity',
      ours: [ours('wildcard-without-like', span(40, 57))],
      theirs: [theirs('WILDCARD_WITHOUT_LIKE_OPERATOR', [span(40, 57)])],
      out: [
        [
          'wildcard-without-like',
          ['wildcard-without-like', 'access-analyzer/WILDCARD_WITHOUT_LIKE_OPERATOR'],
          'warning',
        ],
      ],
    },
    {
      name: "Access Analyzer's ERROR lifts trustspec's warning",
      ours: [ours('principal-wildcard', span(5, 8))],
      theirs: [
        theirs('ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL', [span(5, 8)], 'ERROR'),
      ],
      out: [
        [
          'principal-wildcard',
          [
            'principal-wildcard',
            'access-analyzer/ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL',
          ],
          'error',
        ],
      ],
    },
    {
      name: 'an info of ours is lifted to their WARNING (missing Version at the document)',
      ours: [ours('missing-version', span(0, 0), 'info')],
      theirs: [theirs('MISSING_VERSION', [span(0, 120)])],
      out: [['missing-version', ['missing-version', 'access-analyzer/MISSING_VERSION'], 'warning']],
    },
    {
      name: 'equivalent but elsewhere: both stay',
      ours: [ours('wildcard-without-like', span(40, 57))],
      theirs: [theirs('WILDCARD_WITHOUT_LIKE_OPERATOR', [span(80, 97)])],
      out: ['wildcard-without-like', 'access-analyzer/WILDCARD_WITHOUT_LIKE_OPERATOR'],
    },
    {
      name: 'same place, different meaning: both stay',
      ours: [ours('like-without-wildcard', span(40, 57))],
      theirs: [theirs('WILDCARD_WITHOUT_LIKE_OPERATOR', [span(40, 57)])],
      out: ['like-without-wildcard', 'access-analyzer/WILDCARD_WITHOUT_LIKE_OPERATOR'],
    },
    {
      name: 'a second location of theirs at our place is enough',
      ours: [ours('invalid-action', span(60, 75), 'error')],
      theirs: [theirs('INVALID_ACTION', [span(10, 20), span(60, 75)], 'ERROR')],
      out: [['invalid-action', ['invalid-action', 'access-analyzer/INVALID_ACTION'], 'error']],
    },
    {
      name: 'matched by the anchor when the code is spelled otherwise',
      ours: [ours('for-all-values-single-valued', span(30, 60))],
      theirs: [
        theirs(
          'FOR_ALL_VALUES_SINGLE',
          [span(30, 60)],
          'SECURITY_WARNING',
          `${DOC}#access-analyzer-reference-policy-checks-security-warning-forallvalues-with-single-valued-key`,
        ),
      ],
      out: [
        [
          'for-all-values-single-valued',
          ['for-all-values-single-valued', 'access-analyzer/FOR_ALL_VALUES_SINGLE'],
          'warning',
        ],
      ],
    },
    {
      name: 'no span of ours: never merged',
      ours: [ours('missing-version', undefined, 'info')],
      theirs: [theirs('MISSING_VERSION', [span(0, 120)])],
      out: ['missing-version', 'access-analyzer/MISSING_VERSION'],
    },
    {
      name: 'no span of theirs: never merged',
      ours: [ours('missing-version', span(0, 0), 'info')],
      theirs: [theirs('MISSING_VERSION', [])],
      out: ['missing-version', 'access-analyzer/MISSING_VERSION'],
    },
    {
      name: 'one of theirs merges into one of ours only; the rest keep their order',
      ours: [
        ours('empty-list', span(10, 12)),
        ours('empty-list', span(10, 12)),
        ours('duplicate-sid', span(90, 95)),
      ],
      theirs: [
        theirs('EMPTY_ARRAY_ACTION', [span(10, 12)]),
        theirs('REDUNDANT_ACTION', [span(10, 12)]),
      ],
      out: [
        ['empty-list', ['empty-list', 'access-analyzer/EMPTY_ARRAY_ACTION'], 'warning'],
        'empty-list',
        'duplicate-sid',
        'access-analyzer/REDUNDANT_ACTION',
      ],
    },
    {
      name: 'two of theirs at one finding of ours: both names once',
      ours: [ours('duplicate-sid', span(90, 95), 'error')],
      theirs: [
        theirs('UNIQUE_SIDS_REQUIRED', [span(90, 95)], 'ERROR'),
        theirs('UNIQUE_SIDS_RECOMMENDED', [span(90, 95)]),
      ],
      out: [
        [
          'duplicate-sid',
          [
            'duplicate-sid',
            'access-analyzer/UNIQUE_SIDS_REQUIRED',
            'access-analyzer/UNIQUE_SIDS_RECOMMENDED',
          ],
          'error',
        ],
      ],
    },
  ];
  for (const row of rows) {
    const merged = mergeFindings(row.ours, row.theirs);
    const shape = merged.map((f) =>
      'names' in f ? [f.code, (f as MergedFinding).names, f.severity] : f.code,
    );
    t.same(shape, row.out, row.name);
  }
  t.end();
});

t.test('a merged finding keeps our message and adds their link to the hint', (t) => {
  const [m] = mergeFindings(
    [ours('null-if-exists', span(3, 9), 'error')],
    [theirs('NULL_WITH_IF_EXISTS', [span(3, 9)], 'ERROR')],
  ) as MergedFinding[];
  t.equal(m?.message, 'ours: null-if-exists');
  t.equal(
    m?.hint,
    `fix null-if-exists; also reported by Access Analyzer as access-analyzer/NULL_WITH_IF_EXISTS: ${DOC}#code-NULL_WITH_IF_EXISTS`,
  );
  t.equal(m?.accessAnalyzer.length, 1);
  t.end();
});

/** An Access Analyzer position (0-based column) of an offset in `text`, computed independently. */
function awsPosition(text: string, offset: number) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1), offset };
}

t.test('end to end: trustspec and Access Analyzer on one policy file, merged', async (t) => {
  const text = `{
  "Statement": [
    {
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
  const parsed = parsePolicy(text);
  if (!parsed.ok) throw new Error('the policy parses');
  const compiled = compilePolicy(parsed.policy);
  const local = [...parsed.findings, ...compiled.findings];
  t.same(
    local.map((f) => f.code),
    ['missing-version', 'wildcard-without-like'],
  );

  const sub = text.indexOf('"repo:octo-org/*"');
  const at = (start: number, end: number) => ({
    start: awsPosition(text, start),
    end: awsPosition(text, end),
  });
  const subPath = [
    { value: 'Statement' },
    { index: 0 },
    { value: 'Condition' },
    { value: 'StringEquals' },
    { value: 'token.actions.githubusercontent.com:sub' },
  ];
  const f = await startFakeAccessAnalyzer();
  t.teardown(() => f.close());
  awsTestEnv(t, f.url);
  f.queue('ValidatePolicy', {
    body: {
      findings: [
        {
          findingDetails: 'Add a Version element to the policy.',
          findingType: 'WARNING',
          issueCode: 'MISSING_VERSION',
          learnMoreLink: `${DOC}#access-analyzer-reference-policy-checks-general-warning-missing-version`,
          locations: [{ path: [], span: at(0, text.length - 1) }],
        },
        {
          findingDetails: 'Your condition value includes a * or ? character.',
          findingType: 'WARNING',
          issueCode: 'WILDCARD_WITHOUT_LIKE_OPERATOR',
          learnMoreLink: `${DOC}#access-analyzer-reference-policy-checks-general-warning-wildcard-without-like-operator`,
          locations: [{ path: subPath, span: at(sub, sub + '"repo:octo-org/*"'.length) }],
        },
        {
          findingDetails:
            'Using a wildcard (*) in token.actions.githubusercontent.com:sub can allow requests from more sources than you intended.',
          findingType: 'WARNING',
          issueCode: 'SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED',
          learnMoreLink: `${DOC}#access-analyzer-reference-policy-checks-general-warning-specific-github-repo-and-branch-recommended`,
          locations: [{ path: subPath, span: at(sub, sub + '"repo:octo-org/*"'.length) }],
        },
      ],
    },
  });
  const aa = await validateTrustPolicy(text, { retryStrategy: noWaitRetries(), file: 'gh.json' });
  if (aa.status !== 'ok') throw new Error(`unexpected ${JSON.stringify(aa)}`);
  const merged = mergeFindings(local, aa.findings);
  t.same(
    merged.map((x) => [
      'names' in x ? (x as MergedFinding).names.join(' + ') : x.code,
      x.severity,
      x.span?.start.line,
      x.span?.start.column,
    ]),
    [
      ['missing-version + access-analyzer/MISSING_VERSION', 'warning', 1, 1],
      ['wildcard-without-like + access-analyzer/WILDCARD_WITHOUT_LIKE_OPERATOR', 'warning', 10, 54],
      ['access-analyzer/SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED', 'warning', 10, 54],
    ],
  );
});
