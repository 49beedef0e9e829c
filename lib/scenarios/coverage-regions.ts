/**
 * The symbolic part of `trustspec test --coverage`: for each role the scenarios use, the allowed
 * regions its policy gives each provider (one per Allow statement, the Deny statements carving
 * into it — what `trustspec who` lists), and for each region whether some scenario's request
 * falls in it. A scenario is placed by the region of each variable of its provider's space (its
 * claims, session name, context and clock, read as the engine reads them); a region no scenario
 * falls in gets an example token, replayed through the simulator, to paste as a scenario.
 */
import type { ProviderEntry } from '../providers/types.js';
import {
  allowedRegions,
  Boxes,
  constraintText,
  contains,
  describeBox,
  exampleIn,
  InternalError,
  replay,
  signatureOf,
  type AnalysisRole,
  type Box,
  type Constraint,
  type ProviderAnalysis,
  type Variable,
} from '../symbolic/index.js';
import { ASSUME_ACTION } from '../sts/vocabulary.js';
import type { CompiledPolicy } from '../sts/compile.js';
import { policyRequest, type PolicyCoverage, type RegionCoverage } from './coverage.js';
import { scenarioInput } from './run.js';
import type { Scenario } from './types.js';

const SOURCE_IDENTITY_CLAIM = 'https://aws.amazon.com/source_identity';
const TAGS_CLAIM = 'https://aws.amazon.com/tags';

type AtomValue = string | readonly string[] | number | boolean | undefined;

/** A claim value as the engine's atoms hold it: a one-element list is its element (§3.1). */
function claimValue(v: unknown, multiValued: boolean): AtomValue {
  if (v === undefined || v === null) return undefined;
  if (multiValued) {
    if (Array.isArray(v)) return v.map(String);
    return [String(v)];
  }
  if (Array.isArray(v)) return v.length === 1 ? claimValue(v[0], false) : (v as string[]);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function contextValue(s: Scenario, name: string): AtomValue {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(s.context ?? {})) {
    if (k.toLowerCase() !== lower) continue;
    return Array.isArray(v) ? v.map(String) : String(v);
  }
  return undefined;
}

function atomValue(atom: Variable['atoms'][number], s: Scenario): AtomValue {
  switch (atom.kind) {
    case 'claim':
      return claimValue(s.claims[atom.name], atom.multiValued);
    case 'source-identity':
      return claimValue(s.claims[SOURCE_IDENTITY_CLAIM], false);
    case 'session':
      return s.request.roleSessionName;
    case 'context':
      return contextValue(s, atom.name);
    case 'clock':
      return Math.floor(s.now / 1000);
    case 'tags':
      return s.claims[TAGS_CLAIM] !== undefined ? true : undefined;
  }
}

/** The cell of a scenario in a provider's space; undefined when a value is outside it. */
function cellOf(a: ProviderAnalysis, s: Scenario): number[] | undefined {
  const cell: number[] = [];
  for (const v of a.space.variables) {
    const values = v.atoms.map((atom) => atomValue(atom, s));
    if (!v.atoms.every((atom, i) => atom.inDomain(values[i]))) return undefined;
    const r = v.bySignature.get(signatureOf(v, values, a.space.sides));
    if (r === undefined) return undefined;
    cell.push(r);
  }
  return cell;
}

function conditions(list: readonly Constraint[], hostPath: string): string {
  return list.length === 0
    ? 'any token the provider accepts'
    : list.map((c) => constraintText(c, hostPath)).join(', and ');
}

function statementName(s: { index: number; sid?: string }): string {
  return s.sid ? `"${s.sid}" (#${s.index + 1})` : `#${s.index + 1}`;
}

interface Region {
  out: RegionCoverage;
  part: Box[];
}

/** The allowed regions of one provider, as `trustspec who` lists them. */
function providerRegions(a: ProviderAnalysis): Region[] {
  const side = a.sides[0];
  if (!side || side.allowed.length === 0) return [];
  const host = a.space.provider.hostPath;
  const care: Box = side.accepted[0] ?? a.boxes.universe;
  const out: Region[] = [];
  for (const s of side.allows.get(ASSUME_ACTION) ?? []) {
    const part = a.boxes.intersection(side.allowed, [s.box]);
    if (part.length === 0) continue;
    const within = Boxes.intersect(s.box, care) ?? s.box;
    let description = `via ${statementName(ref(s.statement.statement))}: ${conditions(describeBox(a.space, s.box, care), host)}`;
    for (const d of side.denies.get(ASSUME_ACTION) ?? []) {
      if (!Boxes.intersect(within, d.box)) continue;
      description += ` except ${conditions(describeBox(a.space, d.box, within), host)} (Deny ${statementName(ref(d.statement.statement))})`;
    }
    out.push({
      out: {
        provider: host,
        module: a.space.provider.module.id,
        statement: ref(s.statement.statement),
        description,
        hits: 0,
      },
      part,
    });
  }
  return out;
}

function ref(st: { index: number; sid?: { value: string } }): { index: number; sid?: string } {
  return { index: st.index, ...(st.sid ? { sid: st.sid.value } : {}) };
}

function roleKey(s: Scenario): string {
  const r = s.role;
  return JSON.stringify([r.arn, r.policyFile, r.maxSessionDuration, r.tags, s.providers ?? null]);
}

function analysisRole(s: Scenario): AnalysisRole {
  const r = s.role;
  const providers: ProviderEntry[] | undefined = s.providers;
  return {
    role: {
      arn: r.arn,
      policy: r.policy,
      ...(r.maxSessionDuration !== undefined ? { maxSessionDuration: r.maxSessionDuration } : {}),
      ...(r.tags ? { tags: r.tags } : {}),
    },
    ...(providers ? { providers } : {}),
  };
}

/** The provider's allowed regions, each with the scenarios that fall in it (or an example). */
function placed(
  a: ProviderAnalysis,
  group: readonly Scenario[],
  hosts: ReadonlyArray<string | undefined>,
  now: number,
): RegionCoverage[] {
  const regions = providerRegions(a);
  for (const [i, s] of group.entries()) {
    if (hosts[i] !== a.space.provider.hostPath) continue;
    const cell = cellOf(a, s);
    if (!cell) continue;
    for (const r of regions) if (contains(r.part, cell)) r.out.hits++;
  }
  const seeds = {
    claims: group.map((s) => s.claims),
    sessionNames: [
      ...new Set(
        group.map((s) => s.request.roleSessionName).filter((n): n is string => n !== undefined),
      ),
    ],
    contexts: group.map((s) => (s.context ?? {}) as Record<string, unknown>),
  };
  for (const r of regions) {
    if (r.out.hits > 0) continue;
    const ex = exampleIn(a, r.part[0] as Box, { now, seeds });
    replay(a, ex);
    r.out.example = { token: ex.claims, request: ex.request, context: ex.context };
  }
  return regions.map((r) => r.out);
}

/**
 * Adds the allowed regions of every role the scenarios use to its policy's coverage, and counts
 * the scenarios that fall in each.
 */
export function regionCoverage(
  scenarios: readonly Scenario[],
  policies: Map<CompiledPolicy, PolicyCoverage>,
): void {
  const groups = new Map<string, Scenario[]>();
  for (const s of scenarios) {
    const k = roleKey(s);
    const g = groups.get(k);
    if (g) g.push(s);
    else groups.set(k, [s]);
  }
  for (const group of groups.values()) {
    const first = group[0] as Scenario;
    const cov = policies.get(first.role.policy);
    if (!cov) continue;
    const role = analysisRole(first);
    const now = first.now;
    // The provider each scenario's token reached the policy with (none: stopped before it).
    const hosts = group.map((s) => policyRequest(scenarioInput(s))?.facts.hostPath);
    for (const a of allowedRegions(role, { now })) {
      if (a.unknown.length > 0) {
        cov.unknown.push(`${a.space.provider.hostPath}: ${a.unknown.join('; ')}`);
        continue;
      }
      try {
        cov.regions.push(...placed(a, group, hosts, now));
      } catch (e) {
        // A budget run out, or the engine disagreeing with the simulator: said, never a result,
        // and the scenarios' own results still stand.
        const why = e instanceof InternalError ? 'internal error of the symbolic engine: ' : '';
        cov.unknown.push(
          `${a.space.provider.hostPath}: ${why}${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
  }
}
