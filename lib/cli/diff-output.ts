/**
 * `trustspec diff`: the comparisons of one run (one pair, or every changed role with `--base`),
 * Access Analyzer's CheckNoNewAccess beside them (`--cross-check`), the output in each reporter
 * and the exit code. The cross-check's fault model is lint's: no answer is *unavailable* — never
 * a pass — and `--require-cross-check` makes that exit 2; trustspec's own answer stands either way.
 */
import { readFileSync } from 'node:fs';
import { yaml } from '../packages.js';
import type { AccessAnalyzerSession } from '../aws/access-analyzer.js';
import type { NoNewAccessOutcome } from '../aws/check-no-new-access.js';
import type { Unavailable } from '../aws/unavailable.js';
import type { DiffReport, DiffResult } from '../symbolic/diff.js';
import { EXIT } from './io.js';
import type { Timer } from './timing.js';
import type { LoadedRole } from './roles.js';

export const DIFF_REPORTERS = ['human', 'json', 'github', 'markdown'] as const;
export type DiffReporter = (typeof DIFF_REPORTERS)[number];

export interface DiffCommandOptions {
  reporter?: DiffReporter;
  json?: boolean;
  failOn?: 'new-allow' | 'new-access' | 'any';
  roleArn?: string;
  provider: string[];
  now?: string;
  base?: string;
  crossCheck?: boolean;
  requireCrossCheck?: boolean;
  profile?: string;
  region?: string;
}

/** Access Analyzer's answer for one comparison, as reported. */
export interface CrossCheckView {
  status: 'PASS' | 'FAIL' | 'unavailable' | 'refused' | 'not-asked';
  /** Access Analyzer's message, the reason it is unavailable, or why it was not asked. */
  message: string;
  reasons?: Array<{ description: string; statementIndex?: number; statementId?: string }>;
  /** PASS/FAIL: does it agree with trustspec (FAIL ⇔ some newly allowed token)? */
  agrees?: boolean;
}

/** Two roles to compare, and the JSON texts of their policies (for the cross-check). */
export interface RolePair {
  before: LoadedRole;
  after: LoadedRole;
  /** Undefined: the policy is not a JSON/YAML document of its own (or the file is absent). */
  texts?: [string | undefined, string | undefined];
}

export interface Compared {
  pair: RolePair;
  report: DiffReport;
  crossCheck?: CrossCheckView;
}

export interface DiffRun {
  compared: Compared[];
  /** Pairs that could not be compared (`--base`), one line each. */
  errors: string[];
}

/** The exit code: known new access first; then unknown; then any change when asked. */
export function diffExitCode(
  r: { newlyAllowed: unknown[]; newlyDenied: unknown[]; unknown: unknown[] },
  failOn: 'new-allow' | 'new-access' | 'any',
): number {
  if (r.newlyAllowed.length > 0) return EXIT.failed;
  if (r.unknown.length > 0) return EXIT.usage;
  if (failOn === 'any' && r.newlyDenied.length > 0) return EXIT.failed;
  return EXIT.ok;
}

/** The exit code of a run: as one diff over all comparisons; errors and a required cross-check that did not answer are 2. */
export function exitOf(run: DiffRun, opts: DiffCommandOptions): number {
  const all = {
    newlyAllowed: run.compared.flatMap((c) => c.report.result.newlyAllowed),
    newlyDenied: run.compared.flatMap((c) => c.report.result.newlyDenied),
    unknown: [
      ...run.compared.flatMap((c) => c.report.result.unknown),
      ...run.errors,
      ...(opts.requireCrossCheck
        ? run.compared.filter(
            (c) => c.crossCheck && !['PASS', 'FAIL'].includes(c.crossCheck.status),
          )
        : []),
    ],
  };
  return diffExitCode(all, opts.failOn ?? 'new-allow');
}

/** A policy file's document as JSON text, or undefined when the file holds no policy of its own. */
export function policyJson(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
    if (isPolicy(doc)) return text;
  } catch {
    try {
      doc = yaml().parse(text);
    } catch {
      return undefined;
    }
  }
  if (isPolicy(doc)) return JSON.stringify(doc, null, 2);
  // A scenario file with the policy inline under role.trustPolicy.
  const inline = (doc as { role?: { trustPolicy?: unknown } } | null)?.role?.trustPolicy;
  return isPolicy(inline) ? JSON.stringify(inline, null, 2) : undefined;
}

function isPolicy(doc: unknown): doc is Record<string, unknown> {
  return doc !== null && typeof doc === 'object' && !Array.isArray(doc) && 'Statement' in doc;
}

function viewOf(outcome: NoNewAccessOutcome, report: DiffReport): CrossCheckView {
  if (outcome.status === 'ok') {
    const ours = report.result.newlyAllowed.length > 0;
    return {
      status: outcome.result,
      message: outcome.message ?? '',
      reasons: outcome.reasons,
      agrees: (outcome.result === 'FAIL') === ours,
    };
  }
  if (outcome.status === 'refused') {
    const r = outcome.refusal;
    return {
      status: 'refused',
      message: `Access Analyzer could not analyze the policies: ${r.message}${r.fields.length ? ` (${r.fields.join('; ')})` : ''}`,
    };
  }
  return { status: 'unavailable', message: outcome.reason };
}

/** CheckNoNewAccess for each comparison, one client; a cause beyond one call stops the others. */
async function crossCheckAll(compared: Compared[], opts: DiffCommandOptions): Promise<void> {
  const aa = await import('../aws/access-analyzer.js');
  const { requestNoNewAccess } = await import('../aws/check-no-new-access.js');
  const opened = await aa.openAccessAnalyzer({
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.region ? { region: opts.region } : {}),
  });
  let stop: Unavailable | undefined = 'status' in opened ? opened : undefined;
  const session = 'status' in opened ? undefined : (opened as AccessAnalyzerSession);
  try {
    for (const c of compared) {
      const [existing, updated] = c.pair.texts ?? [];
      if (existing === undefined || updated === undefined) {
        c.crossCheck = {
          status: 'not-asked',
          message:
            c.pair.texts && (existing === undefined) !== (updated === undefined)
              ? 'the file is new or removed: there is no other version to compare with'
              : 'the policy is not a JSON or YAML document of its own',
        };
        continue;
      }
      const outcome: NoNewAccessOutcome =
        stop ?? (await requestNoNewAccess(existing, updated, session as AccessAnalyzerSession));
      if (outcome.status === 'unavailable' && outcome.scope !== 'call') stop = outcome;
      c.crossCheck = viewOf(outcome, c.report);
    }
  } finally {
    session?.close();
  }
}

/** Compares each pair (and asks Access Analyzer beside, with --cross-check). */
export async function compareRoles(
  pairs: readonly RolePair[],
  opts: DiffCommandOptions,
  time: Timer = (_label, f) => f(),
): Promise<DiffRun> {
  const symbolic = await import('../symbolic/index.js');
  const compared = pairs.map((pair): Compared => {
    const { before, after } = pair;
    const report = time('diff', () =>
      symbolic.difference(before.analysis, after.analysis, {
        now: after.now,
        seeds: {
          claims: [...after.seeds.claims, ...before.seeds.claims],
          sessionNames: [...after.seeds.sessionNames, ...before.seeds.sessionNames],
          contexts: [...after.seeds.contexts, ...before.seeds.contexts],
        },
        files: [before.source, after.source],
      }),
    );
    return { pair, report };
  });
  if (opts.crossCheck) await crossCheckAll(compared, opts);
  return { compared, errors: [] };
}

function crossCheckLine(v: CrossCheckView): string {
  const head = `Access Analyzer CheckNoNewAccess: ${v.status}`;
  switch (v.status) {
    case 'PASS':
      return v.agrees
        ? `${head} — agrees: no new access`
        : `${head} — DISAGREES: trustspec found newly allowed tokens (listed above, each replayed through the simulator)`;
    case 'FAIL':
      return v.agrees
        ? `${head} — agrees: new access${v.message ? ` (${v.message})` : ''}`
        : `${head} — trustspec found no newly allowed token; Access Analyzer says the new policy might allow new access${v.message ? ` (${v.message})` : ''}`;
    case 'not-asked':
      return `Access Analyzer CheckNoNewAccess: not asked — ${v.message}`;
    default:
      return `Access Analyzer CheckNoNewAccess: ${v.status} — ${v.message} (not a pass)`;
  }
}

/** The JSON document of one comparison. */
function jsonOf(c: Compared): DiffResult & { crossCheck?: CrossCheckView } {
  return { ...c.report.result, ...(c.crossCheck ? { crossCheck: c.crossCheck } : {}) };
}

/** The count line of a run with the cross-check: how many comparisons it could not check. */
function crossCheckSummary(run: DiffRun): string | undefined {
  const asked = run.compared.filter((c) => c.crossCheck && c.crossCheck.status !== 'not-asked');
  const missing = asked.filter((c) => !['PASS', 'FAIL'].includes(c.crossCheck?.status ?? ''));
  if (missing.length === 0) return undefined;
  return `cross-check unavailable for ${missing.length} of ${asked.length} comparison(s): ${missing[0]?.crossCheck?.message}`;
}

export interface BaseInfo {
  ref: string;
  commit: string;
  paths: readonly string[];
}

function baseHeadline(run: DiffRun, base: BaseInfo): string {
  const where = base.paths.length ? base.paths.join(' ') : '.';
  const n = run.compared.length;
  const gained = run.compared.filter((c) => c.report.result.newlyAllowed.length > 0).length;
  if (n === 0 && run.errors.length === 0)
    return `no policy or scenario file under ${where} changed since ${base.ref} (${base.commit.slice(0, 12)})`;
  return `${n} role(s) under ${where} changed since ${base.ref} (${base.commit.slice(0, 12)}): ${gained} with newly allowed tokens${run.errors.length ? `, ${run.errors.length} could not be compared` : ''}`;
}

/** The output of a run in the chosen reporter. */
export async function render(
  run: DiffRun,
  reporter: DiffReporter,
  base: BaseInfo | undefined,
): Promise<string> {
  const symbolic = await import('../symbolic/index.js');
  const summary = crossCheckSummary(run);
  if (reporter === 'json') {
    const docs = run.compared.map(jsonOf);
    const doc =
      base === undefined && docs.length === 1
        ? docs[0]
        : {
            version: 1,
            base: base?.ref,
            commit: base?.commit,
            paths: base?.paths,
            diffs: docs,
            errors: run.errors,
          };
    return `${JSON.stringify(doc, null, 2)}\n`;
  }
  if (reporter === 'github') {
    const { githubDiff } = await import('./diff-github.js');
    return run.compared
      .map((c) =>
        githubDiff(
          c.report,
          c.pair.before.policyFile,
          c.pair.after.policyFile,
          c.crossCheck,
          base === undefined,
        ),
      )
      .join('');
  }
  const md = reporter === 'markdown';
  const parts = run.compared.map((c) => {
    let text = md ? symbolic.diffMarkdown(c.report) : symbolic.diffText(c.report);
    if (c.crossCheck)
      text += md ? `\n_${crossCheckLine(c.crossCheck)}_\n` : `${crossCheckLine(c.crossCheck)}\n`;
    return text;
  });
  const head: string[] = [];
  if (base)
    head.push(
      md
        ? `## trustspec diff since \`${base.ref}\`\n\n${baseHeadline(run, base)}\n`
        : `${baseHeadline(run, base)}\n`,
    );
  for (const e of run.errors)
    head.push(md ? `- ⚠️ could not compare: ${e}\n` : `could not compare: ${e}\n`);
  const tail = summary ? [md ? `\n_${summary}_\n` : `${summary}\n`] : [];
  return [...head, ...parts].join('\n') + (tail.length ? `\n${tail.join('')}` : '');
}
