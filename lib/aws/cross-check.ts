/**
 * The Access Analyzer cross-check of many policies: one client, each distinct policy text sent
 * once per check (a second file with the same text reuses the answer, placed in its own file), a
 * few calls at a time, and a summary that never counts an unanswered check as a pass:
 * "cross-check unavailable for K of M policies: <reason>".
 *
 * A cause that would fail every further call alike (no credentials, no region; a missing permission
 * for that check) stops the calls it would fail: the remaining policies are unavailable for the
 * same reason without a request each.
 */
import {
  openAccessAnalyzer,
  placePublicAccess,
  placeValidation,
  requestPublicAccessCheck,
  requestValidation,
  type AccessAnalyzerOptions,
  type AccessAnalyzerSession,
  type PublicAccessReply,
  type ValidateReply,
} from './access-analyzer.js';
import type { AccessAnalyzerFinding, Locator } from './access-analyzer-findings.js';
import type { Unavailable } from './unavailable.js';

/** One policy to cross-check. */
export interface PolicyToCheck {
  /** The file the findings belong to (and the summary names). */
  file: string;
  /** The policy text sent to AWS. */
  text: string;
  /** Places paths of `text` in `file` when `text` is not the file's own text (see Locator). */
  locate?: Locator;
}

/** `validate`: ValidatePolicy; `public`: CheckNoPublicAccess (charged per call by AWS). */
export type CrossCheckName = 'validate' | 'public';

export interface CrossCheckOptions extends AccessAnalyzerOptions {
  /** Default: both. */
  checks?: readonly CrossCheckName[];
  /** Calls in flight at once (default 2, at most 4). */
  concurrency?: number;
}

export interface PolicyCrossCheck {
  file: string;
  /** `ok`: every check answered (findings may follow); `unavailable`: at least one did not. */
  status: 'ok' | 'unavailable';
  /** Access Analyzer's findings, refusals included, placed in `file`. */
  findings: AccessAnalyzerFinding[];
  /** CheckNoPublicAccess's answer, when it gave one. */
  publicAccess?: 'PASS' | 'FAIL';
  /** The checks that gave no answer, and why (the reason in one line, as `Unavailable.reason`). */
  unavailable: { check: CrossCheckName; reason: string; hint?: string }[];
}

export interface CrossCheckReport {
  policies: PolicyCrossCheck[];
  /** Policies with at least one check unavailable. */
  unavailableCount: number;
  /** API calls answered, refusals of the input included (ValidatePolicy pages, CheckNoPublicAccess). */
  calls: number;
  /** CheckNoPublicAccess calls that gave PASS or FAIL: AWS charges for each custom policy check. */
  charged: number;
  /** "cross-check unavailable for K of M policies: <reason>"; absent when every check answered. */
  summary?: string;
}

interface Replies {
  validate?: ValidateReply;
  public?: PublicAccessReply;
}

/** The calls of one batch: cached by text, stopped by a cause that reaches further than a call. */
class Batch {
  private readonly replies = new Map<string, Promise<Replies>>();
  private readonly stopped = new Map<CrossCheckName | 'session', Unavailable>();
  calls = 0;
  charged = 0;

  constructor(
    private readonly session: AccessAnalyzerSession,
    private readonly checks: readonly CrossCheckName[],
  ) {}

  repliesFor(text: string): Promise<Replies> {
    let p = this.replies.get(text);
    if (!p) {
      p = this.ask(text);
      this.replies.set(text, p);
    }
    return p;
  }

  private blocked(check: CrossCheckName): Unavailable | undefined {
    return this.stopped.get('session') ?? this.stopped.get(check);
  }

  private note(check: CrossCheckName, reply: ValidateReply | PublicAccessReply): void {
    if (reply.status === 'unavailable') {
      if (reply.scope === 'session') this.stopped.set('session', reply);
      else if (reply.scope === 'action') this.stopped.set(check, reply);
    } else if (reply.status === 'ok') {
      this.calls += 'pages' in reply ? reply.pages : 1;
      if (check === 'public') this.charged++;
    } else {
      // Refused: AWS answered about the input (whether such a call is charged is not documented).
      this.calls++;
    }
  }

  private async ask(text: string): Promise<Replies> {
    const out: Replies = {};
    for (const check of this.checks) {
      const blocked = this.blocked(check);
      const reply =
        blocked ??
        (check === 'validate'
          ? await requestValidation(text, this.session)
          : await requestPublicAccessCheck(text, this.session));
      if (!blocked) this.note(check, reply);
      if (check === 'validate') out.validate = reply as ValidateReply;
      else out.public = reply as PublicAccessReply;
    }
    return out;
  }
}

function resultFor(p: PolicyToCheck, replies: Replies): PolicyCrossCheck {
  const place = { file: p.file, ...(p.locate ? { locate: p.locate } : {}) };
  const result: PolicyCrossCheck = { file: p.file, status: 'ok', findings: [], unavailable: [] };
  const outcomes = [
    ['validate', replies.validate && placeValidation(replies.validate, place)],
    ['public', replies.public && placePublicAccess(replies.public, p.text, place)],
  ] as const;
  for (const [check, outcome] of outcomes) {
    if (!outcome) continue;
    if (outcome.status === 'unavailable') {
      result.unavailable.push({
        check,
        reason: outcome.reason,
        ...(outcome.hint ? { hint: outcome.hint } : {}),
      });
      continue;
    }
    result.findings.push(...outcome.findings);
    if ('result' in outcome) result.publicAccess = outcome.result;
  }
  if (result.unavailable.length > 0) result.status = 'unavailable';
  return result;
}

/** "cross-check unavailable for K of M policies: <reason>[; <reason> (N)]…". */
export function summarize(policies: readonly PolicyCrossCheck[]): string | undefined {
  const down = policies.filter((p) => p.status === 'unavailable');
  if (down.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const p of down) {
    for (const reason of new Set(p.unavailable.map((u) => u.reason))) {
      counts.set(reason, (counts.get(reason) ?? 0) + 1);
    }
  }
  const reasons = [...counts].map(([reason, n]) =>
    counts.size === 1 || n === down.length ? reason : `${reason} (${n})`,
  );
  const noun = policies.length === 1 ? 'policy' : 'policies';
  return `cross-check unavailable for ${down.length} of ${policies.length} ${noun}: ${reasons.join('; ')}`;
}

/** Runs `work` on every item, at most `limit` at once, keeping the order of the results. */
async function pool<T, R>(
  items: readonly T[],
  limit: number,
  work: (t: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) out[i] = await work(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Cross-checks every policy with Access Analyzer; never throws, never reports a pass it did not get. */
export async function crossCheck(
  policies: readonly PolicyToCheck[],
  opts: CrossCheckOptions = {},
): Promise<CrossCheckReport> {
  const checks = opts.checks ?? ['validate', 'public'];
  const opened = opts.session ?? (await openAccessAnalyzer(opts));
  if ('status' in opened) {
    const results = policies.map((p) =>
      resultFor(p, {
        ...(checks.includes('validate') ? { validate: opened } : {}),
        ...(checks.includes('public') ? { public: opened } : {}),
      }),
    );
    return { policies: results, ...tally(results), calls: 0, charged: 0 };
  }
  try {
    const batch = new Batch(opened, checks);
    const limit = Math.max(1, Math.min(4, opts.concurrency ?? 2));
    const results = await pool(policies, limit, async (p) =>
      resultFor(p, await batch.repliesFor(p.text)),
    );
    return { policies: results, ...tally(results), calls: batch.calls, charged: batch.charged };
  } finally {
    if (!opts.session) opened.close();
  }
}

function tally(
  results: PolicyCrossCheck[],
): Pick<CrossCheckReport, 'unavailableCount' | 'summary'> {
  const summary = summarize(results);
  return {
    unavailableCount: results.filter((r) => r.status === 'unavailable').length,
    ...(summary ? { summary } : {}),
  };
}
