/** The reporters, by the name `--reporter` takes. Each is a pure function of the run's results. */
import { githubReport } from './github.js';
import { humanReport } from './human.js';
import { jsonReport } from './json.js';
import { junitReport } from './junit.js';
import { tapReport } from './tap.js';

import type { ReporterName } from './names.js';
import type { Reporter } from './load.js';

export { REPORTER_NAMES, type ReporterName } from './names.js';
export { loadReporters, type Reporter } from './load.js';

export const REPORTERS: Record<ReporterName, Reporter> = {
  human: humanReport,
  tap: tapReport,
  junit: junitReport,
  json: jsonReport,
  github: githubReport,
};

export type { ReporterOptions } from './common.js';
export { formatDecision, explainResult, type ExplainOptions } from './explain-text.js';
export { humanReport, fileErrorText } from './human.js';
export { compactFailure, COLUMNS, MAX_ROWS, rows } from './compact.js';
export { exitCodeOf, summaryLine, tally, type Tally } from './common.js';
export { tapReport } from './tap.js';
export { junitReport } from './junit.js';
export { jsonReport, jsonDocument, type Json } from './json.js';
export { githubReport, escapeData, escapeProperty } from './github.js';
