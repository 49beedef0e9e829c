/**
 * The allowed set of each role for one provider, as disjoint boxes over the space's variables
 * (design note §4.3): per required action, the union of the Allow statements' boxes minus the
 * union of the Deny statements' boxes; the token must pass the audience check, and a token that
 * carries a source identity or session tags also needs `sts:SetSourceIdentity` / `sts:TagSession`
 * allowed (§3.2, §3.3):
 *
 *   Allowed = Accepted ∩ A(AssumeRoleWithWebIdentity) ∩ (no source identity ∪ A(SetSourceIdentity))
 *             ∩ (no tags ∪ A(TagSession))
 */
import type { CompiledClause } from '../conditions/evaluate.js';
import { testClause } from '../conditions/evaluate.js';
import type { CompiledStatement } from '../sts/compile.js';
import { actionMatch } from '../sts/compile.js';
import type { AuthorizedAction } from '../sts/types.js';
import { ASSUME_ACTION, SET_SOURCE_IDENTITY, TAG_SESSION } from '../sts/vocabulary.js';
import { isAwsOutboundIssuer } from '../providers/index.js';
import { SOURCE_IDENTITY_ATOM, TAGS_ATOM } from './bindings.js';
import { Boxes, type Box } from './boxes.js';
import { Unknown } from './candidates.js';
import type { AnalysisRole, ProviderIdentity } from './providers.js';
import {
  buildSpace,
  maskOfWords,
  type SideSpace,
  type Space,
  type SpaceOptions,
  type Variable,
} from './space.js';

export const ACTIONS: readonly AuthorizedAction[] = [
  ASSUME_ACTION,
  TAG_SESSION,
  SET_SOURCE_IDENTITY,
];

export interface StatementBox {
  statement: CompiledStatement;
  box: Box;
}

export interface SideSets {
  side: SideSpace;
  /** Tokens the token stage accepts (a registered provider, an aud among its client IDs). */
  accepted: Box[];
  /** Per action, the boxes of the statements that apply to it (empty boxes left out). */
  allows: Map<AuthorizedAction, StatementBox[]>;
  denies: Map<AuthorizedAction, StatementBox[]>;
  /** The allowed set, disjoint. */
  allowed: Box[];
}

export interface ProviderAnalysis {
  space: Space;
  boxes: Boxes;
  sides: SideSets[];
  /** Why the answer is not exact; empty when it is. */
  unknown: string[];
}

function covers(s: CompiledStatement, action: string): boolean {
  const hit = actionMatch(s, action) !== undefined;
  return s.statement.action.negated ? !hit : hit;
}

/** Every test's mask of a variable, made once (a variable's regions never change once built). */
const masks = new WeakMap<Variable, { regions: number; masks: bigint[] }>();

/** The mask of the regions whose signature has test `t` true. */
export function testMask(v: Variable, t: number): bigint {
  if (v.masks && v.words) {
    let m = v.masks[t];
    // A twin clause's mask is its twin's.
    const twin = v.tests[t]?.twin;
    if (m === undefined && twin !== undefined) v.masks[t] = m = testMask(v, twin);
    if (m === undefined) {
      const words = v.words[t];
      v.masks[t] = m = words ? maskOfWords(words) : 0n;
    }
    return m;
  }
  const known = masks.get(v);
  let all = known?.masks;
  if (!all || all.length !== v.tests.length || known?.regions !== v.regions.length) {
    // One pass over the signatures, each test's bits gathered as hex digits of 4 regions.
    all = [];
    const n = v.regions.length;
    for (let j = 0; j < v.tests.length; j++) {
      let hex = '';
      for (let i = n - 1 - ((n - 1) % 4); i >= 0; i -= 4) {
        let d = 0;
        for (let k = 3; k >= 0; k--) {
          const r = v.regions[i + k];
          d = (d << 1) | (r !== undefined && r.signature[j] === '1' ? 1 : 0);
        }
        hex += d.toString(16);
      }
      all.push(hex === '' ? 0n : BigInt(`0x${hex}`));
    }
    masks.set(v, { regions: n, masks: all });
  }
  return all[t] ?? 0n;
}

/** Where each clause of each role lives: its variable and test, for building boxes (made once). */
const clauseIndexes = new WeakMap<
  Space,
  Map<number, Map<CompiledClause, { v: number; t: number }>>
>();
function clauseIndex(space: Space): Map<number, Map<CompiledClause, { v: number; t: number }>> {
  const known = clauseIndexes.get(space);
  if (known) return known;
  const out = new Map<number, Map<CompiledClause, { v: number; t: number }>>();
  clauseIndexes.set(space, out);
  for (const v of space.variables) {
    v.tests.forEach((t, i) => {
      if (t.kind !== 'clause' || !t.clause) return;
      let m = out.get(t.side);
      if (!m) out.set(t.side, (m = new Map()));
      m.set(t.clause, { v: v.index, t: i });
    });
  }
  return out;
}

function statementBox(
  space: Space,
  side: SideSpace,
  s: CompiledStatement,
  where: Map<CompiledClause, { v: number; t: number }> | undefined,
  universe: Box,
): Box | undefined {
  const box = [...universe];
  for (const c of s.clauses) {
    const at = where?.get(c);
    if (at) {
      box[at.v] = (box[at.v] as bigint) & testMask(space.variables[at.v] as Variable, at.t);
    } else if (!testClause(c, side.constants)) {
      // A clause on a constant of the role (its tags, aws:SecureTransport, an absent key).
      return undefined;
    }
  }
  return Boxes.isEmpty(box) ? undefined : box;
}

/** The box where an atom is absent (its presence test false), or undefined when not in the space. */
function absentBox(space: Space, atomId: string, universe: Box): Box | undefined {
  const v = space.variableOf.get(atomId);
  if (v === undefined) return undefined;
  const variable = space.variables[v] as Variable;
  const a = variable.atoms.findIndex((x) => x.id === atomId);
  const t = variable.tests.findIndex((x) => x.kind === 'present' && x.atom === a);
  const box = [...universe];
  box[v] =
    (variable.regions.length ? (1n << BigInt(variable.regions.length)) - 1n : 0n) &
    ~testMask(variable, t);
  return box;
}

function acceptedBox(space: Space, side: SideSpace, universe: Box): Box[] {
  if (!side.provider.registered) return [];
  // AWS's own outbound-federation tokens are refused at the token stage whatever the policy says
  // (lib/providers/aws-outbound.ts): no token of such an issuer is accepted.
  if (isAwsOutboundIssuer(`https://${space.provider.hostPath}`)) return [];
  const box = [...universe];
  for (const v of space.variables) {
    v.tests.forEach((t, i) => {
      if (t.kind === 'accept' && t.side === side.index)
        box[v.index] = (box[v.index] as bigint) & testMask(v, i);
    });
  }
  return Boxes.isEmpty(box) ? [] : [box];
}

function sideSets(space: Space, boxes: Boxes, side: SideSpace): SideSets {
  const universe = boxes.universe;
  const where = clauseIndex(space).get(side.index);
  const allows = new Map<AuthorizedAction, StatementBox[]>();
  const denies = new Map<AuthorizedAction, StatementBox[]>();
  for (const a of ACTIONS) {
    allows.set(a, []);
    denies.set(a, []);
  }
  for (const s of side.statements) {
    const box = statementBox(space, side, s, where, universe);
    if (!box) continue;
    for (const a of ACTIONS) {
      if (!covers(s, a)) continue;
      (s.statement.effect.value === 'Allow' ? allows : denies).get(a)?.push({ statement: s, box });
    }
  }
  const granted = (a: AuthorizedAction): Box[] =>
    boxes.difference(
      boxes.unionAll((allows.get(a) ?? []).map((x) => x.box)),
      (denies.get(a) ?? []).map((x) => x.box),
    );
  const accepted = acceptedBox(space, side, universe);
  let allowed = boxes.intersection(accepted, granted(ASSUME_ACTION));
  const needs: Array<[string, AuthorizedAction]> = [
    [SOURCE_IDENTITY_ATOM.id, SET_SOURCE_IDENTITY],
    [TAGS_ATOM.id, TAG_SESSION],
  ];
  for (const [atom, action] of needs) {
    const absent = absentBox(space, atom, universe);
    if (absent && allowed.length > 0) {
      allowed = boxes.intersection(allowed, boxes.union([absent], granted(action)));
    }
  }
  return { side, accepted, allows, denies, allowed };
}

/** The allowed sets of every role of a question, for one provider. */
export function analyseProvider(
  roles: readonly AnalysisRole[],
  provider: ProviderIdentity,
  options: SpaceOptions,
): ProviderAnalysis {
  const space = buildSpace(roles, provider, options);
  const boxes = new Boxes(space.variables.map((v) => v.regions.length));
  const analysis: ProviderAnalysis = { space, boxes, sides: [], unknown: [...space.unknown] };
  if (analysis.unknown.length > 0) return analysis;
  try {
    analysis.sides = space.sides.map((s) => sideSets(space, boxes, s));
  } catch (e) {
    if (!(e instanceof Unknown)) throw e;
    analysis.unknown.push(e.message);
  }
  return analysis;
}

/** Is the cell (one region index per variable) inside the list of boxes? */
export function contains(list: readonly Box[], cell: readonly number[]): boolean {
  return list.some((b) => cell.every((r, v) => ((b[v] as bigint) >> BigInt(r)) & 1n));
}
