import t from 'tap';
import fc from 'fast-check';
import { tapReport, description } from '../../lib/report/tap.js';
import { oneLine } from '../../lib/report/common.js';
import { parseTap, ESC_RE } from './consumers.js';
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

const opts = { color: false, cwd: CWD };

t.test('the mixed report parses cleanly with the right counts', async (t) => {
  const text = tapReport(mixedReport(), opts);
  t.ok(text.startsWith('TAP version 14\n1..9\n'), 'version, then the plan');
  t.ok(text.endsWith('\n'));
  const p = parseTap(text);
  t.equal(p.version, 14);
  t.same(p.bailouts, [], 'no bail out');
  t.same(p.extra, [], 'no line outside TAP');
  t.equal(p.final.plan.start, 1);
  t.equal(p.final.plan.end, 9);
  t.equal(p.final.count, MIXED.scenarios + MIXED.errors);
  t.equal(p.final.fail, MIXED.failed + MIXED.errors, 'failures and the file error');
  t.equal(p.final.skip, MIXED.skipped);
  t.equal(p.final.pass, MIXED.passed + MIXED.skipped, 'tap-parser counts a skip as a pass');
  t.notOk(p.final.ok);
  t.equal(
    p.final.failures.filter((f) => 'tapError' in f && f.tapError).length,
    0,
    'no TAP errors among the failures',
  );
});

t.test('test points: names, ids, skip directive, YAML diagnostics', async (t) => {
  const p = parseTap(tapReport(mixedReport(), opts));
  const names = p.asserts.map((a) => a.name);
  t.same(
    p.asserts.map((a) => a.id),
    [1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  t.equal(names[0], 'policies/gha-deploy.trustspec.yaml › main branch deploys', 'relative to cwd');
  t.equal(
    names[2],
    `policies/gha-deploy.trustspec.yaml › ${oneLine(NASTY)}\u200b`,
    'hostile name round-trips',
  );
  t.equal(p.asserts[3]?.skip, 'skipped in the scenario file');
  t.equal(names[8], `policies/broken.trustspec.yaml:3:5: ${FILE_ERROR.message}\u200b`);

  const pr = p.asserts[1];
  t.equal(pr?.ok, false);
  const diag = pr?.diag as Record<string, unknown>;
  t.match(diag, {
    message: 'expected allow, but STS denied at trust-policy (AccessDenied)',
    severity: 'fail',
    expected: 'allow',
    decision: 'deny',
    stage: 'trust-policy',
    code: 'AccessDenied',
    stsMessage: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
    at: 'policies/gha-deploy.trustspec.yaml:25',
  });
  t.same(diag['diagnoses'], [
    {
      cause: 'github-pull-request-subject',
      title: 'pull requests present the subject repo:acme/app:pull_request',
      detail: 'the sub condition only admits branches (repo:acme/app:ref:refs/heads/*)',
      fix: 'add "repo:acme/app:pull_request" to the StringLike values, if pull requests may deploy',
      at: 'policies/gha-deploy.trust.json:13:9',
    },
  ]);
  const explanation = diag['explanation'] as string;
  t.match(explanation, /^request\n/);
  t.match(
    explanation,
    /✗ StringLike token\.actions\.githubusercontent\.com:sub: request \["repo:acme\/app:pull_request"\]/,
  );
  t.notMatch(explanation, ESC_RE, 'no colors in TAP');

  const allowed = p.asserts[2]?.diag as Record<string, unknown>;
  t.equal(allowed['decision'], 'allow');
  t.equal(allowed['stage'], null, 'stage null on allow');
  t.equal(allowed['code'], null);

  const wrongStage = p.asserts[6]?.diag as Record<string, unknown>;
  t.equal(wrongStage['expectedStage'], 'token');
  t.equal(wrongStage['wanted'], 'deny at token');

  const err = p.asserts[8]?.diag as Record<string, unknown>;
  t.match(err, {
    message: FILE_ERROR.message,
    severity: 'error',
    code: 'unknown-field',
    hint: 'did you mean "token"?',
    at: 'policies/broken.trustspec.yaml:3:5',
    frame: FILE_ERROR.frame,
  });
  t.ok(p.comments.some((c) => c.includes('warning: policies/gha-deploy.trustspec.yaml:8:3')));
});

t.test('passing scenarios carry no diagnostics', async (t) => {
  const p = parseTap(tapReport(mixedReport(), opts));
  t.equal(p.asserts[0]?.diag, null);
  t.equal(p.asserts[4]?.diag, null);
});

t.test('an empty run is a valid skipped plan', async (t) => {
  const text = tapReport(EMPTY, opts);
  const p = parseTap(text);
  t.equal(p.final.count, 0);
  t.same(p.bailouts, []);
  t.ok(p.final.ok);
  t.equal(p.final.plan.skipAll, true);
});

t.test('description escapes backslash and hash, and keeps one line', async (t) => {
  t.equal(description('a # b \\ c'), 'a \\# b \\\\ c');
  t.equal(description('x\ny'), 'x\\\\ny');
  t.equal(description('  padded  '), 'padded');
  t.equal(description('opens {'), 'opens {\u200b');
  t.equal(description('Bail out! no'), 'Bail out! no');
});

t.test('a name that looks like a directive or a bail-out stays a name', async (t) => {
  const report: RunReport = {
    files: ['f.yaml'],
    results: [
      result({ file: 'f.yaml', name: '# SKIP not really', line: 1, decision: allowDecision() }),
      result({ file: 'f.yaml', name: 'x # TODO nope', line: 2, decision: allowDecision() }),
      result({
        file: 'f.yaml',
        name: 'Bail out! nope\nBail out! again',
        line: 3,
        decision: trustDenyDecision(),
        ok: false,
      }),
      result({ file: 'f.yaml', name: 'ok 5 - fake\nnot ok 6', line: 4, decision: allowDecision() }),
    ],
    errors: [],
    warnings: [],
  };
  const p = parseTap(tapReport(report, opts));
  t.same(p.bailouts, []);
  t.same(p.extra, []);
  t.equal(p.final.count, 4);
  t.equal(p.final.skip, 0);
  t.equal(p.final.todo, 0);
  t.equal(p.final.fail, 1);
  t.same(
    p.asserts.map((a) => a.name),
    [
      'f.yaml › # SKIP not really',
      'f.yaml › x # TODO nope',
      'f.yaml › Bail out! nope\\nBail out! again',
      'f.yaml › ok 5 - fake\\nnot ok 6',
    ],
  );
});

t.test('property: any name, mismatch, message and frame survive tap-parser', async (t) => {
  fc.assert(
    fc.property(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.boolean(),
      (name, mismatch, message, frame, skipped) => {
        const report: RunReport = {
          files: ['s.yaml'],
          results: [
            result({ file: 's.yaml', name, line: 1, decision: allowDecision() }),
            result({
              file: 's.yaml',
              name,
              line: 2,
              decision: trustDenyDecision(),
              ok: false,
              mismatch,
              skipped,
            }),
          ],
          errors: [{ ...FILE_ERROR, file: 's.yaml', message, frame, hint: mismatch }],
          warnings: [],
        };
        const p = parseTap(tapReport(report, opts));
        if (p.bailouts.length > 0 || p.extra.length > 0) return false;
        if (p.final.count !== 3 || p.final.fail !== (skipped ? 1 : 2)) return false;
        if (p.final.skip !== (skipped ? 1 : 0)) return false;
        const wantName = oneLine(`s.yaml › ${name}`).trim();
        const got = p.asserts[0]?.name ?? '';
        if (got.replace(/\u200b$/, '') !== wantName) return false;
        if (!skipped) {
          const diag = p.asserts[1]?.diag as Record<string, unknown>;
          if (mismatch !== '' && diag['message'] !== mismatch) return false;
        }
        const err = p.asserts[2]?.diag as Record<string, unknown>;
        return err['message'] === message && err['frame'] === frame && err['hint'] === mismatch;
      },
    ),
    { numRuns: 300 },
  );
  t.pass('300 random reports parsed back');
});

t.test('a skip reason and an expected code reach the TAP', async (t) => {
  const report: RunReport = {
    files: ['f.yaml'],
    results: [
      result({
        file: 'f.yaml',
        name: 'later',
        line: 1,
        skipped: true,
        skipReason: 'needs #42 \\ fixed',
      }),
      result({
        file: 'f.yaml',
        name: 'code',
        line: 2,
        expected: { decision: 'deny', code: 'InvalidIdentityToken' },
        decision: trustDenyDecision(),
        ok: false,
      }),
    ],
    errors: [],
    warnings: [],
  };
  const p = parseTap(tapReport(report, opts));
  t.equal(p.final.skip, 1);
  t.equal(p.asserts[0]?.skip, 'needs #42 \\ fixed');
  t.match(p.asserts[1]?.diag, {
    expectedCode: 'InvalidIdentityToken',
    wanted: 'deny with InvalidIdentityToken',
  });
});
