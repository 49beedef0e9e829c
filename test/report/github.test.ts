import t from 'tap';
import fc from 'fast-check';
import {
  escapeData,
  escapeProperty,
  githubReport,
  visibleControls,
} from '../../lib/report/github.js';
import { RAW_CONTROL, parseCommand } from './consumers.js';
import { CWD, EMPTY, FILE_ERROR, NASTY, allowDecision, mixedReport, result } from './fixtures.js';
import type { RunReport } from '../../lib/scenarios/types.js';

const opts = { color: true, cwd: CWD };

t.test('one command a line: failures, file errors, warnings, a notice', async (t) => {
  const text = githubReport(mixedReport(), opts);
  t.ok(text.endsWith('\n'));
  const lines = text.slice(0, -1).split('\n');
  const cmds = lines.map(parseCommand);
  t.same(
    cmds.map((c) => c.kind),
    ['error', 'error', 'error', 'error', 'error', 'warning', 'notice'],
    'the findings a scenario met are in its trace; the report warnings are annotated once',
  );
  const [pr, nasty, session, dup, fileError, warning, notice] = cmds;
  t.same(pr?.props, {
    file: 'policies/gha-deploy.trustspec.yaml',
    line: '25',
    col: '5',
    title: 'trustspec: pull requests deploy',
  });
  t.equal(
    pr?.message,
    [
      'expected allow, but STS denied at trust-policy (AccessDenied)',
      'STS: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity',
      'pull requests present the subject repo:acme/app:pull_request',
      'fix: add "repo:acme/app:pull_request" to the StringLike values, if pull requests may deploy',
      'at policies/gha-deploy.trust.json:13:9',
    ].join('\n'),
  );
  t.equal(
    nasty?.props['title'],
    `trustspec: ${visibleControls(NASTY)}`,
    'the hostile title round-trips',
  );
  t.notMatch(text, RAW_CONTROL, 'no raw control character reaches the log');
  t.equal(nasty?.message, 'expected deny, got allow');
  t.match(
    session?.message,
    /^expected allow, got deny at request \(ValidationError\)\nSTS: ValidationError: /,
  );
  t.equal(dup?.props['line'], '13');
  t.same(fileError?.props, {
    file: 'policies/broken.trustspec.yaml',
    line: '3',
    col: '5',
    title: 'trustspec: unknown-field',
  });
  t.equal(fileError?.message, `${FILE_ERROR.message}\nhint: did you mean "token"?`);
  t.equal(warning?.props['file'], 'policies/gha-deploy.trustspec.yaml');
  t.equal(notice?.message, '3 passed, 4 failed, 1 skipped, 1 error, 1 warning · 3 files');
});

t.test('each report warning once; strict makes them errors', async (t) => {
  const report = mixedReport();
  // The same finding met by a second scenario: scenarios' decision findings are not annotated.
  report.results.push({
    ...(report.results[1] as (typeof report.results)[number]),
    name: 'again',
    line: 40,
  });
  const lines = githubReport(report, opts).split('\n');
  t.equal(lines.filter((l) => l.includes('condition-key-absent')).length, 0);
  t.equal(lines.filter((l) => l.startsWith('::warning')).length, report.warnings.length);
  const strict = githubReport(report, { ...opts, strict: true }).split('\n');
  t.equal(strict.filter((l) => l.startsWith('::warning')).length, 0);
  t.ok(strict.some((l) => l.startsWith('::error') && l.includes('providers-assumed')));
});

t.test('escaping', async (t) => {
  t.equal(escapeData('100% done\r\nnext: a,b'), '100%25 done%0D%0Anext: a,b');
  t.equal(escapeProperty('a:b,c%\n'), 'a%3Ab%2Cc%25%0A');
  t.equal(escapeData('%0A'), '%250A', 'an escape in the data is itself escaped');
  t.equal(escapeData('a\u001b[31mb\u0000\u0085'), 'a\\u001b[31mb\\u0000\\u0085');
});

t.test('a run with only passes prints only the notice', async (t) => {
  const report: RunReport = {
    files: ['a.yaml'],
    results: [result({ file: 'a.yaml', name: 'ok', line: 1, decision: allowDecision() })],
    errors: [],
    warnings: [],
  };
  t.equal(
    githubReport(report, opts),
    '::notice title=trustspec::1 passed, 0 failed, 0 skipped, 0 errors · 1 file\n',
  );
  t.match(githubReport(EMPTY, opts), /^::notice title=trustspec::0 passed/);
});

t.test('property: any name, file and mismatch round-trip through a command', async (t) => {
  fc.assert(
    fc.property(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => s !== ''),
      fc.string({ unit: 'binary', maxLength: 60 }).filter((s) => s !== ''),
      (name, file, mismatch) => {
        const report: RunReport = {
          files: [file],
          results: [
            result({
              file,
              name,
              line: 7,
              column: 3,
              decision: allowDecision(),
              ok: false,
              mismatch,
            }),
          ],
          errors: [],
          warnings: [],
        };
        const first = githubReport(report, { color: false }).split('\n')[0] as string;
        const cmd = parseCommand(first);
        return (
          cmd.kind === 'error' &&
          cmd.props['file'] === visibleControls(file) &&
          cmd.props['line'] === '7' &&
          cmd.props['col'] === '3' &&
          cmd.props['title'] === `trustspec: ${visibleControls(name)}` &&
          cmd.message === visibleControls(mismatch)
        );
      },
    ),
    { numRuns: 300 },
  );
  t.pass('300 random commands');
});
