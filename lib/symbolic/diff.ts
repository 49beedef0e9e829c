/**
 * `diff`: which requests one role configuration allows and the other does not (design note §6.3,
 * the offline CheckNoNewAccess with tokens). The difference of the two allowed sets is computed
 * exactly per provider; each region of it is described in the policies' terms and exemplified by
 * a token replayed against both roles; an empty difference is a proof that no other token's
 * decision changed.
 */
import type { Decision } from '../sts/types.js';
import { SOURCE_IDENTITY_ATOM, TAGS_ATOM } from './bindings.js';
import { mergeBoxes, type Box } from './boxes.js';
import { atomLabel, constraintText, describeBox, shortKey } from './describe.js';
import { analyseProvider, type ProviderAnalysis, type SideSets } from './engine.js';
import { ASSUME_ACTION } from '../sts/vocabulary.js';
import { providerIdentities, type AnalysisRole } from './providers.js';
import type { Seeds } from './realism.js';
import { exampleIn, replay } from './witness.js';
import { scenarioExample, timeMatters, type ScenarioExample, type StatementRef } from './who.js';

export interface DiffOptions {
  now: number;
  seeds?: Seeds;
  budget?: number;
  /** How the two roles are named in descriptions (default "old", "new"). */
  names?: [string, string];
  /** The `old` and `new` of the result, e.g. the file names (default: the names). */
  files?: [string, string];
}

/** One region of the difference, with a token of it. */
export interface DiffEntry extends ScenarioExample {
  provider: string;
  description: string;
}

/** What the human, markdown and GitHub renderings use beyond the JSON document. */
export interface DiffDetail {
  /** The region in the policies' terms (without the statements). */
  conditions: string;
  /** The statements that allow the example under the role that allows it. */
  allowedBy: StatementRef[];
  /** Why the other role refuses the example. */
  refusal: string;
  /** The refusing role's Deny statements that apply to the example (none: no Allow applies). */
  refusedBy: StatementRef[];
}

export interface DiffResult {
  version: 1;
  old: string;
  new: string;
  newlyAllowed: DiffEntry[];
  newlyDenied: DiffEntry[];
  unknown: Array<{ provider: string; reason: string }>;
  unchanged: boolean;
}

export interface DiffReport {
  result: DiffResult;
  /** Parallel to `newlyAllowed` / `newlyDenied`. */
  details: { newlyAllowed: DiffDetail[]; newlyDenied: DiffDetail[] };
  /** Statements of the proof: variables and regions compared, per provider. */
  proof: Array<{ provider: string; variables: Array<{ name: string; regions: number }> }>;
  /** Differences outside the token space (e.g. MaxSessionDuration). */
  notes: string[];
}

function label(
  a: ProviderAnalysis,
  side: number,
  index: number,
  name: string,
): StatementRef & { text: string } {
  const s = a.space.sides[side]?.analysis.role.policy.statements.find(
    (x) => x.statement.index === index,
  );
  const sid = s?.statement.sid?.value;
  return {
    index,
    ...(sid ? { sid } : {}),
    ...(s ? { line: s.statement.span.start.line } : {}),
    text: `${name} statement #${index + 1}${sid ? ` "${sid}"` : ''}`,
  };
}

function refusal(a: ProviderAnalysis, side: number, d: Decision, name: string): string {
  if (d.decision === 'allow') return '';
  if (d.stage !== 'trust-policy')
    return `the ${name} role's STS refuses it at the ${d.stage} stage (${d.code}: ${d.message})`;
  const refused = d.actions.find((x) => !x.allowed);
  const action =
    refused && refused.action !== 'sts:AssumeRoleWithWebIdentity'
      ? ` (${refused.action} is needed and not allowed)`
      : '';
  if (refused && refused.deniedBy.length > 0) {
    return `${refused.deniedBy.map((i) => label(a, side, i, name).text).join(', ')} (Deny) applies${action}`;
  }
  return `no ${name} statement allows it${action}`;
}

/** The Deny statements of a role that refuse at the trust policy, with their lines. */
function refusedBy(a: ProviderAnalysis, side: number, d: Decision, name: string): StatementRef[] {
  if (d.decision === 'allow' || d.stage !== 'trust-policy') return [];
  const refused = d.actions.find((x) => !x.allowed);
  return (refused?.deniedBy ?? []).map((i) => {
    const { text: _t, ...ref } = label(a, side, i, name);
    return ref;
  });
}

/**
 * The tokens a description speaks of: those the allowing role's token stage accepts, and — for
 * the source identity and session tags — only what some role allows at all. (Without a statement
 * allowing sts:SetSourceIdentity / sts:TagSession, a token carrying them is refused by both
 * roles; saying so in every region would be noise.)
 */
function careOf(a: ProviderAnalysis, allowing: number): Box {
  const care = [...(a.sides[allowing]?.accepted[0] ?? a.boxes.universe)];
  for (const id of [SOURCE_IDENTITY_ATOM.id, TAGS_ATOM.id]) {
    const v = a.space.variableOf.get(id);
    if (v === undefined) continue;
    let hull = 0n;
    for (const side of a.sides) for (const b of side.allowed) hull |= b[v] as bigint;
    if (hull !== 0n) care[v] = hull;
  }
  return care;
}

function entriesOf(
  a: ProviderAnalysis,
  boxes: readonly Box[],
  allowing: 0 | 1,
  opts: DiffOptions,
): Array<{ entry: DiffEntry; detail: DiffDetail }> {
  const names = opts.names ?? ['old', 'new'];
  const refusing = allowing === 0 ? 1 : 0;
  const care = careOf(a, allowing);
  return boxes.map((box) => {
    const ex = exampleIn(a, box, { now: opts.now, ...(opts.seeds ? { seeds: opts.seeds } : {}) });
    // The decisions' traces are not read: replayed without them.
    const decisions = replay(a, ex, { trace: false });
    const yes = decisions[allowing] as Decision;
    const no = decisions[refusing] as Decision;
    const allowedBy = (yes.actions[0]?.allowedBy ?? []).map((i) =>
      label(a, allowing, i, names[allowing] as string),
    );
    const conditions = describeBox(a.space, box, care, names)
      .map((c) => constraintText(c, a.space.provider.hostPath))
      .join(', and ');
    const why = refusal(a, refusing, no, names[refusing] as string);
    const by = allowedBy.map((s) => s.text).join(', ');
    const description = `${conditions === '' ? 'every token' : conditions} — allowed by ${by}; ${why}`;
    return {
      entry: {
        provider: a.space.provider.hostPath,
        description,
        ...scenarioExample(ex, timeMatters(a)),
      },
      detail: {
        conditions,
        allowedBy: allowedBy.map(({ text: _t, ...r }) => r),
        refusal: why,
        refusedBy: refusedBy(a, refusing, no, names[refusing] as string),
      },
    };
  });
}

/**
 * Regions of a difference, grouped by why the refusing role refuses them — one of its Deny
 * statements applies, or none of its Allow statements does — and merged within each group, so
 * that each region has one explanation (and a description without "or" across the groups).
 */
function byReason(a: ProviderAnalysis, diff: readonly Box[], refusing: SideSets): Box[] {
  if (diff.length === 0) return [];
  const denied = a.boxes.unionAll((refusing.denies.get(ASSUME_ACTION) ?? []).map((d) => d.box));
  return [
    ...mergeBoxes(a.boxes.intersection(diff, denied)),
    ...mergeBoxes(a.boxes.difference(diff, denied)),
  ];
}

/** The difference between two role configurations, for every provider either may trust. */
export function difference(
  oldRole: AnalysisRole,
  newRole: AnalysisRole,
  opts: DiffOptions,
): DiffReport {
  const names = opts.names ?? ['old', 'new'];
  const report: DiffReport = {
    result: {
      version: 1,
      old: opts.files?.[0] ?? names[0],
      new: opts.files?.[1] ?? names[1],
      newlyAllowed: [],
      newlyDenied: [],
      unknown: [],
      unchanged: true,
    },
    details: { newlyAllowed: [], newlyDenied: [] },
    proof: [],
    notes: [],
  };
  const space = { now: opts.now, ...(opts.budget !== undefined ? { budget: opts.budget } : {}) };
  for (const id of providerIdentities([oldRole, newRole])) {
    const a = analyseProvider([oldRole, newRole], id, space);
    if (a.unknown.length > 0) {
      for (const reason of a.unknown) report.result.unknown.push({ provider: id.hostPath, reason });
      continue;
    }
    const [before, after] = a.sides;
    if (!before || !after) continue;
    const gained = byReason(a, a.boxes.difference(after.allowed, before.allowed), before);
    const lost = byReason(a, a.boxes.difference(before.allowed, after.allowed), after);
    for (const { entry, detail } of entriesOf(a, gained, 1, opts)) {
      report.result.newlyAllowed.push(entry);
      report.details.newlyAllowed.push(detail);
    }
    for (const { entry, detail } of entriesOf(a, lost, 0, opts)) {
      report.result.newlyDenied.push(entry);
      report.details.newlyDenied.push(detail);
    }
    report.proof.push({
      provider: id.hostPath,
      variables: a.space.variables.map((v) => ({
        name: v.keys[0] ? shortKey(v.keys[0].key, id.hostPath) : v.atoms.map(atomLabel).join('+'),
        regions: v.regions.length,
      })),
    });
  }
  const oldMax = oldRole.role.maxSessionDuration ?? 3600;
  const newMax = newRole.role.maxSessionDuration ?? 3600;
  if (oldMax !== newMax)
    report.notes.push(
      `MaxSessionDuration changed from ${oldMax} to ${newMax} seconds (not part of the token space)`,
    );
  const r = report.result;
  r.unchanged = r.newlyAllowed.length === 0 && r.newlyDenied.length === 0 && r.unknown.length === 0;
  return report;
}
