import t from 'tap';
import { humanReport } from '../../lib/report/human.js';
import { ANSI, ESC_RE } from './consumers.js';
import { CWD, EMPTY, allowDecision, mixedReport, result } from './fixtures.js';

t.test('no ANSI without color; ANSI with it; same text once colors are removed', async (t) => {
  const plain = humanReport(mixedReport(), { color: false, cwd: CWD });
  const colored = humanReport(mixedReport(), { color: true, cwd: CWD });
  t.notMatch(plain, ANSI, 'no escape sequence at all');
  t.notMatch(plain, ESC_RE, 'not even the one in a scenario name');
  t.match(colored, ANSI);
  // eslint-disable-next-line no-control-regex
  t.equal(colored.replace(/\u001b\[[0-9;]*m/g, ''), plain);
});

t.test('one line a scenario, grouped by file, with a summary', async (t) => {
  const text = humanReport(mixedReport(), { color: false, cwd: CWD });
  const lines = text.split('\n');
  t.equal(lines[0], 'policies/gha-deploy.trustspec.yaml', 'files relative to cwd');
  t.equal(lines[1], '  ✓ main branch deploys');
  t.equal(lines[2], '  ✗ pull requests deploy policies/gha-deploy.trustspec.yaml:25');
  t.equal(lines[3], '    expected allow, but STS denied at trust-policy (AccessDenied)');
  t.ok(lines.includes('  - work in progress (skipped)'));
  t.ok(lines.includes('policies/eks.trustspec.yml'));
  t.ok(lines.includes('  ✓ wrong audience is refused'), 'passes carry no explanation');
  t.match(
    text,
    /\n {2}✗ a & b < c > d " e ' f # g \\ h : i , j % k\\nsecond line\\r\\tünïcödé 🚀 \\u0001\\u001b\[31m \{ /,
  );
  t.match(text, /\n {4}expected deny, got allow\n/);
  t.ok(text.endsWith('3 passed, 4 failed, 1 skipped, 1 error, 1 warning · 3 files\n'));
  t.ok(
    lines.indexOf('policies/eks.trustspec.yml') > lines.indexOf('  - work in progress (skipped)'),
    'files in the order of the run',
  );
});

t.test('verbose: a failure shows the whole trace, stage by stage', async (t) => {
  const text = humanReport(mixedReport(), { color: false, cwd: CWD, verbose: true });
  const start = text.indexOf('  ✗ pull requests deploy');
  const block = text.slice(start, text.indexOf('\n\n', start));
  t.match(
    block,
    '      ✗ StringLike token.actions.githubusercontent.com:sub: request ["repo:acme/app:pull_request"] vs policy ["repo:acme/app:ref:refs/heads/*"] → "repo:acme/app:pull_request" does not match "repo:acme/app:ref:refs/heads/*", so StringLike is false policies/gha-deploy.trust.json:13',
  );
  t.match(
    block,
    '    decision: DENY — trust-policy · AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity',
  );
  t.match(block, '      fix: add "repo:acme/app:pull_request"');
  t.ok(block.indexOf('    request') < block.indexOf('    token'), 'request before token');
  t.ok(block.indexOf('    token') < block.indexOf('    trust policy'), 'token before trust policy');

  const token = text.slice(text.indexOf('  ✗ short session name'));
  t.match(token, "      ✗ 1 validation error detected: Value 'x' at 'roleSessionName'");
  t.match(token, '          expected: 2–64 characters\n          actual:   1 characters\n');
});

t.test('file errors as file:line:column with hint and frame', async (t) => {
  const text = humanReport(mixedReport(), { color: false, cwd: CWD });
  t.match(
    text,
    /\npolicies\/broken\.trustspec\.yaml\n {2}policies\/broken\.trustspec\.yaml:3:5: error: unknown field "tokn"/,
  );
  t.match(
    text,
    '\n    hint: did you mean "token"?\n      2 | scenarios:\n    > 3 |   - tokn: {}\n        |     ^\n',
  );
  t.match(text, 'policies/gha-deploy.trustspec.yaml:8:3: warning: providers omitted');
});

t.test('verbose explains passes too, with the request context', async (t) => {
  const text = humanReport(mixedReport(), { color: false, cwd: CWD, verbose: true });
  const pass = text.slice(
    text.indexOf('  ✓ main branch deploys'),
    text.indexOf('  ✗ pull requests deploy'),
  );
  t.match(pass, 'decision: ALLOW');
  t.match(pass, /request context\n {6}key +values +source\n/);
});

t.test(
  'an empty run: the counts (finding no file is an error of the run, not of the report)',
  async (t) => {
    t.equal(
      humanReport(EMPTY, { color: false }),
      '0 passed, 0 failed, 0 skipped, 0 errors · 0 files\n',
    );
  },
);

t.test('all passing: summary only, green when colored', async (t) => {
  const report = {
    files: ['a.yaml'],
    results: [result({ file: 'a.yaml', name: 'fine', line: 1, decision: allowDecision() })],
    errors: [],
    warnings: [],
  };
  t.equal(
    humanReport(report, { color: false }),
    'a.yaml\n  ✓ fine\n\n1 passed, 0 failed, 0 skipped, 0 errors · 1 file\n',
  );
  t.match(humanReport(report, { color: true }), '\u001b[32m1 passed');
});

t.test('a skip reason is shown', async (t) => {
  const report = {
    files: ['a.yaml'],
    results: [
      result({
        file: 'a.yaml',
        name: 'later',
        line: 1,
        skipped: true,
        skipReason: 'waiting on #12',
      }),
    ],
    errors: [],
    warnings: [],
  };
  t.match(humanReport(report, { color: false }), '\n  - later (skipped: waiting on #12)\n');
});
