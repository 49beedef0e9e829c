import t from 'tap';
import { REPORTERS, REPORTER_NAMES, loadReporters } from '../../lib/report/index.js';
import { CWD, EMPTY, mixedReport } from './fixtures.js';

t.test('every reporter is registered under its --reporter name', async (t) => {
  t.same(Object.keys(REPORTERS).sort(), ['github', 'human', 'json', 'junit', 'tap']);
  t.same([...REPORTER_NAMES].sort(), Object.keys(REPORTERS).sort());
});

t.test('every reporter returns text ending with a newline, and is pure', async (t) => {
  for (const name of REPORTER_NAMES) {
    for (const report of [EMPTY, mixedReport()]) {
      const first = REPORTERS[name](report, { color: false, cwd: CWD });
      t.ok(first.endsWith('\n'), `${name} ends with a newline`);
      t.equal(
        REPORTERS[name](report, { color: false, cwd: CWD }),
        first,
        `${name} is deterministic`,
      );
    }
  }
  const report = mixedReport();
  const before = JSON.stringify(report);
  for (const name of REPORTER_NAMES)
    REPORTERS[name](report, { color: true, cwd: CWD, verbose: true });
  t.equal(JSON.stringify(report), before, 'reporters never change the report');
});

t.test('only the human reporter ever colors', async (t) => {
  for (const name of REPORTER_NAMES) {
    if (name === 'human') continue;
    // eslint-disable-next-line no-control-regex
    t.notMatch(REPORTERS[name](mixedReport(), { color: true, cwd: CWD }), /\u001b\[[0-9;]*m/, name);
  }
});

/** The reporters `trustspec test` loads by name are the ones the library exports by name. */
t.test('loadReporters gives each name the reporter REPORTERS has for it', async (t) => {
  const loaded = await loadReporters([...REPORTER_NAMES, 'json', 'human']);
  t.same([...loaded.keys()].sort(), [...REPORTER_NAMES].sort(), 'each name once');
  for (const name of REPORTER_NAMES) t.equal(loaded.get(name), REPORTERS[name], name);
});
