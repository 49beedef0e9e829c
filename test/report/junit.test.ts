import t from 'tap';
import fc from 'fast-check';
import { classnameFor, junitReport, legal } from '../../lib/report/junit.js';
import { parseJunit, xmlProblems, type XmlNode, ESC_RE } from './consumers.js';
import {
  CWD,
  EMPTY,
  FILE_ERROR,
  MIXED,
  NASTY,
  allowDecision,
  mixedReport,
  result,
  trustDenyDecision,
} from './fixtures.js';
import type { RunReport } from '../../lib/scenarios/types.js';

const opts = { color: true, cwd: CWD };

const cases = (suite: XmlNode): XmlNode[] => (suite['testcase'] as XmlNode[] | undefined) ?? [];

t.test('well-formed XML with one suite per file and the right counts', async (t) => {
  const xml = junitReport(mixedReport(), opts);
  t.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites'));
  t.same(xmlProblems(xml), [], 'nothing XML 1.0 forbids');
  const doc = parseJunit(xml);
  const root = doc.testsuites;
  t.match(root, {
    '@name': 'trustspec',
    '@tests': String(MIXED.scenarios + MIXED.errors),
    '@failures': String(MIXED.failed),
    '@errors': String(MIXED.errors),
    '@skipped': String(MIXED.skipped),
  });
  const suites = root.testsuite;
  t.same(
    suites.map((s) => s['@name']),
    [
      'policies/gha-deploy.trustspec.yaml',
      'policies/eks.trustspec.yml',
      'policies/broken.trustspec.yaml',
    ],
  );
  t.same(
    suites.map((s) => [s['@tests'], s['@failures'], s['@errors'], s['@skipped']]),
    [
      ['4', '2', '0', '1'],
      ['4', '2', '0', '0'],
      ['1', '0', '1', '0'],
    ],
  );
  for (const s of suites) {
    t.equal(String(cases(s).length), s['@tests'], `tests attribute of ${String(s['@name'])}`);
    const failures = cases(s).filter((c) => c['failure'] !== undefined).length;
    t.equal(String(failures), s['@failures']);
    const names = cases(s).map((c) => c['@name']);
    t.equal(new Set(names).size, names.length, 'names unique in the suite');
  }
});

t.test('test cases: names, classnames, failures, skipped, errors', async (t) => {
  const [a, b, c] = parseJunit(junitReport(mixedReport(), opts)).testsuites.testsuite as [
    XmlNode,
    XmlNode,
    XmlNode,
  ];
  const ca = cases(a);
  t.same(
    ca.map((x) => x['@name']),
    ['main branch deploys', 'pull requests deploy', legal(NASTY), 'work in progress'],
    'the hostile name round-trips (minus characters XML cannot carry)',
  );
  t.equal(ca[0]?.['@classname'], 'policies.gha-deploy');
  t.equal(ca[0]?.['@file'], 'policies/gha-deploy.trustspec.yaml');
  t.equal(ca[0]?.['@line'], '21');
  const failure = ca[1]?.['failure'] as XmlNode;
  t.equal(failure['@message'], 'expected allow, but STS denied at trust-policy (AccessDenied)');
  t.equal(failure['@type'], 'AccessDenied');
  const body = failure['#text'] as string;
  t.match(
    body,
    /StringLike token\.actions\.githubusercontent\.com:sub: request \["repo:acme\/app:pull_request"\] vs policy \["repo:acme\/app:ref:refs\/heads\/\*"\]/,
  );
  t.match(body, /fix: add "repo:acme\/app:pull_request"/);
  t.notMatch(body, ESC_RE, 'no ANSI even when the run asks for color');
  t.equal((ca[2]?.['failure'] as XmlNode)['@type'], 'allow');
  t.ok(ca[3]?.['skipped'] !== undefined, 'skipped element');

  t.same(
    cases(b).map((x) => x['@name']),
    ['wrong audience is refused', 'short session name', 'dup', 'dup (line 17)'],
    'names that collide once illegal characters are dropped are disambiguated',
  );
  t.equal(cases(b)[0]?.['@classname'], 'policies.eks');

  const err = cases(c)[0] as XmlNode;
  t.equal(err['@name'], `policies/broken.trustspec.yaml:3:5: ${FILE_ERROR.message}`);
  const e = err['error'] as XmlNode;
  t.equal(e['@message'], FILE_ERROR.message);
  t.equal(e['@type'], 'unknown-field');
  t.match(e['#text'] as string, /hint: did you mean "token"\?/);
  t.match(e['#text'] as string, /> 3 \| {3}- tokn: \{\}/);
  t.match(a['system-out'] as string, /warning: providers omitted/);
  const props = (a['properties'] as XmlNode)['property'] as XmlNode[] | XmlNode;
  t.match(
    (Array.isArray(props) ? props : [props]).map((x) => x['@value']),
    [/providers omitted.*\[providers-assumed\]/],
    'each warning a property too',
  );
});

t.test('classnames are stable and dotted', async (t) => {
  t.equal(classnameFor('policies/gha-deploy.trustspec.yaml'), 'policies.gha-deploy');
  t.equal(classnameFor('a/b/c.trustspec.yml'), 'a.b.c');
  t.equal(classnameFor('./x/y.yaml'), 'x.y');
  t.equal(classnameFor('..\\up\\z.trustspec.yaml'), 'up.z');
  t.equal(classnameFor('.trustspec.yaml'), 'trustspec');
});

t.test('an empty run is an empty, valid document', async (t) => {
  const xml = junitReport(EMPTY, opts);
  const doc = parseJunit(xml);
  t.equal(doc.testsuites['@tests'], '0');
  t.same(xmlProblems(xml), []);
});

t.test('a file with no scenarios is an empty suite', async (t) => {
  const xml = junitReport({ ...EMPTY, files: ['empty.trustspec.yaml'] }, opts);
  const suites = parseJunit(xml).testsuites.testsuite;
  t.equal(suites.length, 1);
  t.equal(suites[0]?.['@tests'], '0');
});

t.test('property: any names stay well-formed, unique and round-trip', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { minLength: 1, maxLength: 6 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      (names, text) => {
        const report: RunReport = {
          files: [`${text}.yaml`],
          results: names.map((name, i) =>
            result({
              file: `${text}.yaml`,
              name,
              line: i % 2 === 0 ? 1 : i,
              decision: i % 2 === 0 ? trustDenyDecision() : allowDecision(),
              mismatch: text,
            }),
          ),
          errors: [{ ...FILE_ERROR, file: `${text}.yaml`, message: text, frame: text }],
          warnings: [],
        };
        const xml = junitReport(report, opts);
        if (xmlProblems(xml).length > 0) return false;
        const suites = parseJunit(xml).testsuites.testsuite;
        if (suites.length !== 1) return false;
        const got = cases(suites[0] as XmlNode).map((c) => c['@name'] as string);
        if (new Set(got).size !== got.length || got.length !== names.length + 1) return false;
        // The first of each legal() name keeps it exactly.
        const seen = new Set<string>();
        return names.every((n, i) => {
          const want = legal(n);
          const first = !seen.has(want);
          seen.add(want);
          return !first || got[i] === want || got.slice(0, i).includes(want);
        });
      },
    ),
    { numRuns: 200 },
  );
  t.pass('200 random reports');
});

t.test('a skip reason is the skipped message', async (t) => {
  const report: RunReport = {
    files: ['f.yaml'],
    results: [
      result({
        file: 'f.yaml',
        name: 'later',
        line: 1,
        skipped: true,
        skipReason: 'only: <other> & "more"',
      }),
    ],
    errors: [],
    warnings: [],
  };
  const suite = parseJunit(junitReport(report, opts)).testsuites.testsuite[0] as XmlNode;
  t.equal((cases(suite)[0]?.['skipped'] as XmlNode)['@message'], 'only: <other> & "more"');
});
