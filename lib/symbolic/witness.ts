/**
 * From a box to a token: pick a realistic cell inside the box (realism.ts), make it a concrete
 * AssumeRoleWithWebIdentity request, and replay it through the simulator. Every example the
 * engine reports goes through `replay`: if the simulator decides otherwise than the boxes say,
 * that is an internal error (a bug in the engine), never a result (design note §4.3 step 6).
 */
import type { Claims } from '../providers/types.js';
import { decide, simulate } from '../sts/simulate.js';
import type { Decision, SimulationInput } from '../sts/types.js';
import { SOURCE_IDENTITY_CLAIM, TAGS_CLAIM, type AtomValue } from './bindings.js';
import type { Box } from './boxes.js';
import { contains, type ProviderAnalysis } from './engine.js';
import { NO_SEEDS, realisticValues, type Seeds, type ValueList } from './realism.js';
import { signatureOf, type SideSpace, type Variable } from './space.js';

export interface ExampleOptions {
  /** Epoch ms: the clock of examples when the policy does not constrain it. */
  now: number;
  seeds?: Seeds;
}

/** A concrete request: what a scenario's `token`, `request` and `context` would hold. */
export interface Example {
  claims: Record<string, unknown>;
  request: { roleSessionName: string; providerId?: string };
  context: Record<string, string>;
  /** Epoch ms. */
  now: number;
  /** The region of each variable. */
  cell: number[];
}

export class InternalError extends Error {}

/** The region of concrete atom values, or undefined when they are outside the variable's domain. */
export function regionIndex(
  v: Variable,
  values: readonly AtomValue[],
  sides: readonly SideSpace[],
): number | undefined {
  const atom = v.atoms[0];
  const value = values[0];
  if (v.byKey && atom?.partition && (typeof value === 'string' || value === undefined)) {
    // A single string atom: the value's partition key decides its region.
    if (value === undefined) return atom.inDomain(value) ? v.byKey.get('absent') : undefined;
    const key = atom.partition.keyOf(value);
    if (key === undefined) return undefined;
    const r = v.byKey.get(key);
    if (r !== undefined) return r;
  }
  if (!v.atoms.every((a, i) => a.inDomain(values[i]))) return undefined;
  return v.bySignature.get(signatureOf(v, values, sides));
}

const MAX_TRIES = 400;

/** The realistic values of a variable's atoms, made once per analysis, seeds and clock. */
const realisticLists = new WeakMap<ProviderAnalysis, Map<string, ValueList[]>>();
function realistic(
  analysis: ProviderAnalysis,
  v: Variable,
  opts: ExampleOptions,
  make: () => ValueList[],
): ValueList[] {
  let table = realisticLists.get(analysis);
  if (!table) realisticLists.set(analysis, (table = new Map()));
  const key = `${v.index}|${opts.now}|${opts.seeds === undefined ? '' : seedKey(opts.seeds)}`;
  let lists = table.get(key);
  if (!lists) table.set(key, (lists = make()));
  return lists;
}

/** A number per seeds object: the seeds a list was made with, without comparing them. */
const seedKeys = new WeakMap<Seeds, number>();
let seedCount = 0;
function seedKey(seeds: Seeds): string {
  let k = seedKeys.get(seeds);
  if (k === undefined) seedKeys.set(seeds, (k = ++seedCount));
  return String(k);
}

/** Realistic atom values for a variable, inside `mask` (falls back to a region's own values). */
function chooseValues(
  analysis: ProviderAnalysis,
  v: Variable,
  mask: bigint,
  opts: ExampleOptions,
): { values: AtomValue[]; region: number } {
  const { space } = analysis;
  const lists = realistic(analysis, v, opts, () =>
    v.atoms.map((a) =>
      realisticValues(
        v,
        a,
        space.provider.module.id,
        opts.seeds ?? NO_SEEDS,
        opts.now,
        space.provider.module.defaultAudience,
      ),
    ),
  );
  const tried = new Set<string>();
  let tries = 0;
  const attempt = (values: AtomValue[]): number | undefined => {
    const only = values.length === 1 ? values[0] : undefined;
    const key = typeof only === 'string' ? `s${only}` : `j${JSON.stringify(values)}`;
    if (tried.has(key) || tries++ > MAX_TRIES) return undefined;
    tried.add(key);
    const r = regionIndex(v, values, space.sides);
    return r !== undefined && ((mask >> BigInt(r)) & 1n) === 1n ? r : undefined;
  };
  if (v.atoms.length === 1) {
    const list = lists[0];
    for (let i = 0; list !== undefined && i < list.length; i++) {
      const value = list.at(i);
      const r = attempt([value]);
      if (r !== undefined) return { values: [value], region: r };
    }
  } else {
    // A few values per atom, combined; the region's own values below otherwise.
    let combos: AtomValue[][] = [[]];
    for (const list of lists) {
      const first: AtomValue[] = [];
      for (let i = 0; i < list.length && i < 6; i++) first.push(list.at(i));
      combos = combos.flatMap((c) => first.map((x) => [...c, x]));
    }
    for (const values of combos) {
      const r = attempt(values);
      if (r !== undefined) return { values, region: r };
    }
  }
  const region = v.regions.findIndex((_, i) => ((mask >> BigInt(i)) & 1n) === 1n);
  if (region < 0) throw new InternalError(`an empty region set was asked for an example`);
  return { values: [...(v.regions[region]?.values ?? [])], region };
}

const DEFAULT_SUBJECTS: Readonly<Record<string, string>> = {
  github: 'repo:acme/app:ref:refs/heads/main',
  eks: 'system:serviceaccount:default:app',
  gitlab: 'project_path:acme/app:ref_type:branch:ref:main',
  terraform: 'organization:acme:project:default:workspace:prod:run_phase:apply',
  cognito: 'us-east-1:11111111-1111-4111-8111-111111111111',
  google: '110169484474386276334',
};

const DEFAULT_AUDIENCES: Readonly<Record<string, string>> = {
  google: '123456789012-example.apps.googleusercontent.com',
  cognito: 'us-east-1:00000000-0000-4000-8000-000000000000',
};

function firstSeed(seeds: Seeds, claim: string): string | undefined {
  for (const c of seeds.claims)
    if (typeof c[claim] === 'string' && c[claim] !== '') return c[claim] as string;
  return undefined;
}

/** A concrete request inside the box. */
export function exampleIn(analysis: ProviderAnalysis, box: Box, opts: ExampleOptions): Example {
  const { space } = analysis;
  const provider = space.provider;
  const seeds = opts.seeds ?? NO_SEEDS;
  const claims: Record<string, unknown> = {};
  const context: Record<string, string> = {};
  const request: Example['request'] = { roleSessionName: seeds.sessionNames[0] ?? 'trustspec' };
  let now = opts.now;
  const cell: number[] = [];
  for (const v of space.variables) {
    const { values, region } = chooseValues(analysis, v, box[v.index] as bigint, opts);
    cell.push(region);
    v.atoms.forEach((a, i) => {
      const value = values[i];
      if (value === undefined) return;
      if (a.kind === 'claim' || a.kind === 'source-identity') claims[a.name] = value;
      else if (a.kind === 'session') request.roleSessionName = value as string;
      else if (a.kind === 'context') context[a.name] = value as string;
      else if (a.kind === 'clock') now = (value as number) * 1000;
      else if (a.kind === 'tags') claims[TAGS_CLAIM] = { principal_tags: { team: ['ci'] } };
    });
  }
  if (provider.kind === 'oauth') {
    request.providerId = provider.hostPath;
    for (const c of provider.module.oauthRequiredClaims ?? [])
      claims[c] ??= firstSeed(seeds, c) ?? 'example';
  } else {
    claims['iss'] ??= `https://${provider.hostPath}`;
    claims['sub'] ??= firstSeed(seeds, 'sub') ?? DEFAULT_SUBJECTS[provider.module.id] ?? 'example';
    claims['aud'] ??=
      firstSeed(seeds, 'aud') ??
      provider.module.defaultAudience ??
      DEFAULT_AUDIENCES[provider.module.id] ??
      'sts.amazonaws.com';
  }
  // The issuer first, as a token reads.
  const ordered = Object.fromEntries(
    Object.entries(claims).sort(([a], [b]) => order(a) - order(b)),
  );
  return { claims: ordered, request, context, now, cell };
}

function order(claim: string): number {
  const i = ['iss', 'sub', 'aud'].indexOf(claim);
  return i >= 0 ? i : claim === SOURCE_IDENTITY_CLAIM || claim === TAGS_CLAIM ? 9 : 3;
}

/** The simulation input of an example against one role of the question. */
export function inputFor(side: SideSpace, ex: Example): SimulationInput {
  return {
    role: side.analysis.role,
    ...(side.analysis.providers ? { providers: side.analysis.providers } : {}),
    token: { claims: ex.claims as Claims },
    request: { ...ex.request },
    ...(Object.keys(ex.context).length > 0 ? { context: { ...ex.context } } : {}),
    now: ex.now,
  };
}

/**
 * Replay an example on every role: the simulator's decision must be the one the boxes give
 * (allowed iff the cell is in the role's allowed set). Returns the decisions, with their traces;
 * `trace: false` replays through `decide()` — the same stages and statement evaluator, the same
 * decision, stage, code, message and per-action Allow/Deny, without the trace — for callers that
 * read none of it.
 */
export function replay(
  analysis: ProviderAnalysis,
  ex: Example,
  opts: { trace?: boolean } = {},
): Decision[] {
  const run = opts.trace === false ? decide : simulate;
  return analysis.sides.map((s) => {
    const decision = run(inputFor(s.side, ex));
    const expected = contains(s.allowed, ex.cell);
    if ((decision.decision === 'allow') !== expected) {
      throw new InternalError(
        `the symbolic engine says ${expected ? 'allow' : 'deny'} but the simulator says ${decision.decision} for ${JSON.stringify({ claims: ex.claims, request: ex.request, context: ex.context, now: ex.now })} against role ${s.side.index + 1}`,
      );
    }
    return decision;
  });
}
