/** Choosing what runs and when: --filter, --now over the files' own clock, skip and only. */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, fixtureDir, summaryOf, cli, type JsonReport } from './helpers.js';

t.test('--filter runs only the scenarios whose name contains the text', async (t) => {
  // Copies in a dot-folder and in node_modules must not be found.
  const failing = readFileSync(join(FIXTURES, 'failing.trustspec.yaml'), 'utf8');
  const dir = fixtureDir(t, {
    '.cache': { 'failing.trustspec.yaml': failing },
    node_modules: { pkg: { 'failing.trustspec.yaml': failing } },
  });
  // No path: every scenario file under the current folder.
  const r = await cli(['test', '--filter', 'DEPLOY', '--reporter', 'json'], { cwd: dir });
  // Case-insensitive: "main branch deploys" ×2, "the prod environment deploys", and the wrong
  // expectation "pull requests deploy" (so exit 1); nothing of clock or focus.
  t.equal(r.status, 1);
  t.equal(r.stderr, '');
  const doc = JSON.parse(r.stdout) as JsonReport;
  t.same(
    doc.results.map((x) => `${x.file} › ${x.name}`),
    [
      'failing.trustspec.yaml › main branch deploys',
      'failing.trustspec.yaml › pull requests deploy',
      'passing.trustspec.yaml › main branch deploys',
      'passing.trustspec.yaml › the prod environment deploys',
    ],
  );
  t.same(doc.errors, []);
  t.match(doc.summary, { files: 2, scenarios: 4, passed: 3, failed: 1, errors: 0, skipped: 0 });
});

t.test('--now overrides the clock written in the file', async (t) => {
  const dir = fixtureDir(t);
  const file = 'clock.trustspec.yaml';

  const own = await cli(['test', file], { cwd: dir });
  t.equal(own.status, 0, "the file's clock (midnight): the token, valid till noon, is fresh");
  t.match(summaryOf(own.stdout), { passed: 1, failed: 0 });

  const later = await cli(['test', file, '--now', '2026-06-01T13:00:00Z', '--reporter', 'json'], {
    cwd: dir,
  });
  t.equal(later.status, 1, '--now 13:00Z: the token has expired');
  const result = (JSON.parse(later.stdout) as JsonReport).results[0];
  t.match(result, {
    ok: false,
    decision: 'deny',
    stage: 'token',
    code: 'ExpiredTokenException',
  });

  // Without a zone the time is UTC whatever the machine's zone: 13:00 in Auckland would be
  // 01:00Z, still before the noon expiry, and would pass.
  const noZone = await cli(['test', file, '--now', '2026-06-01T13:00:00', '--reporter', 'json'], {
    cwd: dir,
    env: { TZ: 'Pacific/Auckland' },
  });
  t.equal(noZone.status, 1, 'a --now without a zone is read as UTC');
  t.match((JSON.parse(noZone.stdout) as JsonReport).results[0], {
    code: 'ExpiredTokenException',
  });
});

t.test('only: the other scenarios are skipped, with the reason', async (t) => {
  const r = await cli(['test', 'focus.trustspec.yaml', '--reporter', 'json'], { cwd: FIXTURES });
  // "a skipped wrong expectation" would fail if it ran: skipped, it does not.
  t.equal(r.status, 0);
  const doc = JSON.parse(r.stdout) as JsonReport;
  t.same(
    doc.results.map((x) => [x.name, x.skipped, x.skipReason, x.decision]),
    [
      ['the focused one', false, null, 'allow'],
      ['a plain allow', true, 'other scenarios are marked only', null],
      ['a skipped wrong expectation', true, 'waiting for the release role', null],
      ['a plain deny', true, 'other scenarios are marked only', null],
    ],
  );
  t.match(doc.summary, { scenarios: 4, passed: 1, failed: 0, skipped: 3 });
});

t.test('skip without only: the rest run, the skipped one does not', async (t) => {
  // The filter leaves "the focused one" (the only `only`) out.
  const r = await cli(['test', 'focus.trustspec.yaml', '--filter', 'a '], { cwd: FIXTURES });
  t.equal(r.status, 0);
  t.equal(r.stderr, '');
  t.match(r.stdout, /^ {2}✓ a plain allow$/m);
  t.match(
    r.stdout,
    /^ {2}- a skipped wrong expectation \(skipped: waiting for the release role\)$/m,
  );
  t.match(r.stdout, /^ {2}✓ a plain deny$/m);
  t.notMatch(r.stdout, /focused/);
  t.match(summaryOf(r.stdout), { passed: 2, failed: 0, skipped: 1, errors: 0, files: 1 });
});
