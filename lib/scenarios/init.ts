/**
 * `trustspec init`: a scenario file for an existing trust policy. The allowed set of every provider
 * comes from the symbolic engine (lib/symbolic, as `trustspec who` computes it): one `expect:
 * allow` per allowed cell (a combination of one region per variable — tokens in one cell are
 * treated alike by every condition of the policy), with a realistic token replayed through the
 * simulator; then the denials a reviewer wants pinned: each cell where a Deny statement takes
 * away what an Allow grants, and the near misses of every allowed token (init-tokens.ts), kept
 * only when the simulator denies them. Every scenario's expectation is the simulator's own
 * decision, so the file passes as written; the command loads and runs it before writing it.
 */
import type { Node } from 'yaml';
import { yaml } from '../packages.js';
import {
  allowedRegions,
  Boxes,
  contains,
  exampleIn,
  replay,
  type AnalysisRole,
  type Box,
  type ProviderAnalysis,
  type Seeds,
} from '../symbolic/index.js';
import { simulate } from '../sts/simulate.js';
import type { Decision, SimulationInput } from '../sts/types.js';
import { ASSUME_ACTION, formatEpoch } from '../sts/vocabulary.js';
import { nearMisses, tokenWords, writeToken, type WrittenToken } from './init-tokens.js';
import { denialSources, judge } from './run.js';
import type { Expectation } from './types.js';

export interface InitOptions {
  /** Epoch ms: the file's clock, and the examples'. */
  now: number;
  seeds?: Seeds;
  /** Allowed cells listed per provider at most (the rest are counted in the header). */
  maxAllowed?: number;
}

export interface InitScenario {
  name: string;
  /** Why it is there: the statement that allows or denies it. */
  comment: string;
  written: WrittenToken;
  request: { roleSessionName: string; providerId?: string };
  context: Record<string, string>;
  /** Epoch ms, when the policy reads the clock. */
  now?: number;
  expect: Expectation;
}

export interface InitResult {
  scenarios: InitScenario[];
  /** Lines for the header: what to review (unknown answers, regions not listed). */
  notes: string[];
}

const MAX_ALLOWED = 24;
const MAX_DENIED_PER_PAIR = 4;

type Stmt = { index: number; sid?: string };

function statementName(s: Stmt): string {
  return s.sid ? `"${s.sid}" (#${s.index + 1})` : `statement #${s.index + 1}`;
}

/** The cells (one region index per variable) of a box, at most `max`. */
function cellsOf(box: Box, max: number): number[][] {
  let out: number[][] = [[]];
  for (const mask of box) {
    const bits: number[] = [];
    for (let i = 0, m = mask; m > 0n; i++, m >>= 1n) if (m & 1n) bits.push(i);
    const next: number[][] = [];
    for (const prefix of out) {
      for (const b of bits) {
        next.push([...prefix, b]);
        if (next.length >= max) break;
      }
      if (next.length >= max) break;
    }
    out = next;
  }
  return out;
}

const cellBox = (cell: readonly number[]): Box => cell.map((r) => 1n << BigInt(r));

function inputOf(
  role: AnalysisRole,
  claims: Record<string, unknown>,
  s: Pick<InitScenario, 'request' | 'context'>,
  now: number,
): SimulationInput {
  return {
    role: role.role,
    ...(role.providers ? { providers: role.providers } : {}),
    token: { claims },
    request: { ...s.request },
    ...(Object.keys(s.context).length > 0 ? { context: { ...s.context } } : {}),
    now,
  };
}

/** The expectation that pins a denial: its stage and what it came from (a Sid, a key, a check). */
function denyExpectation(d: Decision): Expectation {
  const src = denialSources(d);
  const explicit = d.actions.some((a) => a.deniedBy.length > 0);
  const because =
    d.stage === 'trust-policy'
      ? explicit
        ? (src.sids[0] ?? src.keys[0])
        : (src.keys[0] ?? src.check)
      : src.check;
  const expect: Expectation = {
    decision: 'deny',
    ...(d.stage ? { stage: d.stage } : {}),
    ...(because !== undefined ? { because } : {}),
  };
  // The runner judges with the same function: keep `because` only if it names the cause.
  if (judge(expect, d) === undefined) return expect;
  return { decision: 'deny', ...(d.stage ? { stage: d.stage } : {}) };
}

/** Details that tell two tokens of one cell apart in a name. */
function details(s: Pick<InitScenario, 'request' | 'context' | 'written'>): string {
  const parts: string[] = [];
  const si = s.written.claims['https://aws.amazon.com/source_identity'];
  if (typeof si === 'string') parts.push(`source identity ${si}`);
  if (s.written.claims['https://aws.amazon.com/tags'] !== undefined) parts.push('session tags');
  if (s.request.roleSessionName !== 'trustspec')
    parts.push(`session name ${s.request.roleSessionName}`);
  for (const [k, v] of Object.entries(s.context)) parts.push(`${k} ${v}`);
  return parts.length > 0 ? ` with ${parts.join(', ')}` : '';
}

class Collector {
  readonly scenarios: InitScenario[] = [];
  readonly notes: string[] = [];
  private readonly names = new Set<string>();
  private readonly tokens = new Set<string>();

  constructor(
    readonly role: AnalysisRole,
    readonly opts: InitOptions,
  ) {}

  /** Adds a scenario unless the same request is already there; names stay unique. */
  add(s: InitScenario): boolean {
    const id = JSON.stringify([s.written.claims, s.request, s.context, s.now]);
    if (this.tokens.has(id)) return false;
    this.tokens.add(id);
    let name = s.name;
    for (let i = 2; this.names.has(name); i++) name = `${s.name} (${i})`;
    this.names.add(name);
    this.scenarios.push({ ...s, name });
    return true;
  }

  private readonly misses = new Set<string>();
  /** A near miss the policy allows: said in the header, for review. */
  allowedMiss(text: string): void {
    if (this.misses.has(text)) return;
    this.misses.add(text);
    this.notes.push(`near miss the policy ALLOWS — intended? ${text}`);
  }

  decide(claims: Record<string, unknown>, s: Pick<InitScenario, 'request' | 'context' | 'now'>) {
    return simulate(inputOf(this.role, claims, s, s.now ?? this.opts.now));
  }
}

function timeMatters(a: ProviderAnalysis): boolean {
  return a.space.variableOf.has('clock');
}

/** A scenario for one cell of a provider's space, its token as the provider's shorthand writes it. */
function cellScenario(
  c: Collector,
  a: ProviderAnalysis,
  cell: readonly number[],
): Omit<InitScenario, 'name' | 'comment' | 'expect'> & { decision: Decision } {
  const ex = exampleIn(a, cellBox(cell), {
    now: c.opts.now,
    ...(c.opts.seeds ? { seeds: c.opts.seeds } : {}),
  });
  const [decision] = replay(a, ex) as [Decision];
  const base = {
    request: ex.request,
    context: ex.context,
    ...(timeMatters(a) ? { now: ex.now } : {}),
  };
  const written = writeToken(a.space.provider.module.id, ex.claims);
  // The shorthand builds claims the example has not: keep it only if the decision stays.
  const again = c.decide(written.claims, base);
  if (written.shorthand && again.decision === decision.decision) {
    return { ...base, written, decision: again };
  }
  return { ...base, written: { token: ex.claims, claims: ex.claims }, decision };
}

function allowedScenarios(c: Collector, a: ProviderAnalysis, allowed: number[][]): void {
  const side = a.sides[0];
  if (!side) return;
  const allows = side.allows.get(ASSUME_ACTION) ?? [];
  for (const cell of allowed) {
    const s = cellScenario(c, a, cell);
    const by = allows.filter((x) => contains([x.box], cell)).map((x) => x.statement.statement);
    const words = `${tokenWords(s.written)}${details(s)}`;
    c.add({
      ...s,
      name: `${words} is allowed`,
      comment: `allowed by ${by.map((x) => statementName({ index: x.index, ...(x.sid ? { sid: x.sid.value } : {}) })).join(', ')}`,
      expect: { decision: 'allow' },
    });
  }
}

function denyScenarios(c: Collector, a: ProviderAnalysis): void {
  const side = a.sides[0];
  if (!side) return;
  const accepted = side.accepted[0];
  if (!accepted) return;
  for (const d of side.denies.get(ASSUME_ACTION) ?? []) {
    const st = d.statement.statement;
    const deny = { index: st.index, ...(st.sid ? { sid: st.sid.value } : {}) };
    for (const allow of side.allows.get(ASSUME_ACTION) ?? []) {
      const box = a.boxes.intersection([accepted], a.boxes.intersection([allow.box], [d.box]));
      for (const b of box.slice(0, MAX_DENIED_PER_PAIR)) {
        for (const cell of cellsOf(b, 1)) {
          const s = cellScenario(c, a, cell);
          if (s.decision.decision !== 'deny') continue;
          c.add({
            ...s,
            name: `${tokenWords(s.written)}${details(s)} is refused by ${statementName(deny)}`,
            comment: `the Deny ${statementName(deny)} takes it away from ${statementName({ index: allow.statement.statement.index, ...(allow.statement.statement.sid ? { sid: allow.statement.statement.sid.value } : {}) })}`,
            expect: denyExpectation(s.decision),
          });
        }
      }
    }
  }
}

const SHORTHAND_MISSES = new Set(['github', 'eks', 'gitlab', 'terraform']);
const MAX_REGION_MISSES = 16;

/** How a request differs when one variable of its cell changes, in words. */
function variableWhy(v: ProviderAnalysis['space']['variables'][number], ex: InitScenario): string {
  const names = v.atoms.map((a) => {
    switch (a.kind) {
      case 'clock':
        return `another time (${formatEpoch(Math.floor((ex.now ?? 0) / 1000))})`;
      case 'session':
        return `another session name (${ex.request.roleSessionName})`;
      case 'context': {
        const value = ex.context[a.name];
        return value === undefined ? `without ${a.name}` : `another ${a.name} (${value})`;
      }
      case 'source-identity':
        return 'another source identity';
      case 'tags':
        return 'session tags';
      default: {
        const value = ex.written.claims[a.name];
        return value === undefined
          ? `without the ${a.name} claim`
          : `another ${a.name} (${JSON.stringify(value)})`;
      }
    }
  });
  return names.join(', ');
}

/**
 * Near misses the partition itself gives: an allowed cell with one variable moved to a region the
 * policy refuses — another time, source address, session name, claim — whatever the conditions
 * read. The provider's own near misses cover `sub` and `aud` where it has a shorthand.
 */
function regionMisses(c: Collector, a: ProviderAnalysis, allowed: readonly number[][]): void {
  const side = a.sides[0];
  if (!side) return;
  const skip = SHORTHAND_MISSES.has(a.space.provider.module.id)
    ? new Set(['claim:sub', 'claim:aud'])
    : new Set<string>();
  let made = 0;
  for (const cell of allowed) {
    for (const v of a.space.variables) {
      if (v.atoms.every((x) => skip.has(x.id))) continue;
      for (let r = 0; r < v.regions.length && made < MAX_REGION_MISSES; r++) {
        if (r === cell[v.index]) continue;
        const moved = [...cell];
        moved[v.index] = r;
        if (contains(side.allowed, moved)) continue;
        const s = cellScenario(c, a, moved);
        if (s.decision.decision !== 'deny') continue;
        const scenario = { ...s, name: '', comment: '', expect: denyExpectation(s.decision) };
        const why = variableWhy(v, scenario);
        if (
          c.add({
            ...scenario,
            name: `${tokenWords(s.written)}${details(s)} is refused (${why})`,
            comment: 'a near miss: one condition of an allowed request changed',
          })
        )
          made++;
      }
    }
  }
}

/** "branch x of o/r is refused (another branch)"; the reason left out when the words say it. */
function missName(why: string, words: string): string {
  return words.startsWith(why) ? `${words} is refused` : `${words} is refused (${why})`;
}

function nearMissScenarios(c: Collector, a: ProviderAnalysis, allowedFrom: InitScenario[]): void {
  for (const base of allowedFrom) {
    for (const miss of nearMisses(a.space.provider.module.id, base.written)) {
      const s = {
        request: base.request,
        context: base.context,
        ...(base.now !== undefined ? { now: base.now } : {}),
      };
      const d = c.decide(miss.written.claims, s);
      if (d.decision !== 'deny') {
        c.allowedMiss(`${miss.why} (${tokenWords(miss.written)})`);
        continue;
      }
      c.add({
        ...s,
        written: miss.written,
        name: missName(miss.why, tokenWords(miss.written)),
        comment: `near miss of "${base.name}"`,
        expect: denyExpectation(d),
      });
    }
  }
}

/**
 * A provider none of whose tokens is allowed: one token it would present (inside an Allow
 * statement's conditions when one names it), refused — and a line in the header, since a role
 * nobody can assume is rarely what was meant.
 */
function nobodyScenario(c: Collector, a: ProviderAnalysis): void {
  const side = a.sides[0];
  if (!side) return;
  const host = a.space.provider.hostPath;
  const universe = side.accepted[0] ?? a.boxes.universe;
  const allow = (side.allows.get(ASSUME_ACTION) ?? [])
    .map((x) => Boxes.intersect(x.box, universe))
    .find((b) => b !== undefined);
  const cell = cellsOf(allow ?? universe, 1)[0];
  if (!cell) return;
  const s = cellScenario(c, a, cell);
  if (s.decision.decision !== 'deny') return;
  c.notes.push(`NOBODY can assume this role with a token of ${host}: is that intended?`);
  c.add({
    ...s,
    name: `nobody is allowed: ${tokenWords(s.written)}${details(s)} is refused`,
    comment: `no token of ${host} is allowed (trustspec who says why)`,
    expect: denyExpectation(s.decision),
  });
}

/** The scenarios that pin what a role allows today, per provider that can present a token. */
export function initScenarios(role: AnalysisRole, opts: InitOptions): InitResult {
  const c = new Collector(role, opts);
  const max = opts.maxAllowed ?? MAX_ALLOWED;
  for (const a of allowedRegions(role, { now: opts.now })) {
    const host = a.space.provider.hostPath;
    if (a.unknown.length > 0) {
      c.notes.push(
        `${host}: the allowed tokens are unknown (${a.unknown.join('; ')}): no scenario for it`,
      );
      continue;
    }
    const side = a.sides[0];
    if (!side) continue;
    if (side.allowed.length === 0) {
      nobodyScenario(c, a);
      continue;
    }
    const cells: number[][] = [];
    let total = 0;
    for (const box of side.allowed) {
      const n = box.reduce((p, m) => p * bitCount(m), 1);
      total += n;
      if (cells.length < max) cells.push(...cellsOf(box, max - cells.length));
    }
    if (total > cells.length)
      c.notes.push(`${host}: ${total} allowed regions, the first ${cells.length} are listed`);
    const before = c.scenarios.length;
    allowedScenarios(c, a, cells);
    const allowed = c.scenarios.slice(before);
    denyScenarios(c, a);
    nearMissScenarios(c, a, allowed);
    regionMisses(c, a, cells);
  }
  return { scenarios: c.scenarios, notes: c.notes };
}

function bitCount(m: bigint): number {
  let n = 0;
  for (let x = m; x > 0n; x >>= 1n) if (x & 1n) n++;
  return n;
}

export interface InitFileOptions {
  /** The trust policy's path as the file writes it (relative to the file), or the policy inline. */
  policyRef: string | object;
  /** What the file was generated from, as shown. */
  source: string;
  /** Epoch ms. */
  now: number;
  /** Names of the scenarios to write with their raw claims instead of a shorthand. */
  raw?: ReadonlySet<string>;
  /** Review notes of the role itself (a made-up ARN, providers omitted). */
  roleNotes?: readonly string[];
}

function flow(n: unknown): void {
  if (yaml().isMap(n) || yaml().isSeq(n)) (n as { flow?: boolean }).flow = true;
}

/** The scenario file's text: a header saying what to review, then the role and the scenarios. */
export function initYaml(role: AnalysisRole, result: InitResult, opts: InitFileOptions): string {
  const allow = result.scenarios.filter((s) => s.expect.decision === 'allow').length;
  const body = {
    version: 1,
    role: {
      arn: role.role.arn,
      trustPolicy: opts.policyRef,
      ...(role.role.maxSessionDuration !== undefined
        ? { maxSessionDuration: role.role.maxSessionDuration }
        : {}),
      ...(role.role.tags ? { tags: role.role.tags } : {}),
    },
    ...(role.providers
      ? { providers: role.providers.map((p) => ({ url: p.url, clientIds: [...p.clientIds] })) }
      : {}),
    now: formatEpoch(Math.floor(opts.now / 1000)),
    scenarios: result.scenarios.map((s) => {
      const raw = opts.raw?.has(s.name) === true || !s.written.shorthand;
      const token = raw ? s.written.claims : s.written.token;
      return {
        name: s.name,
        ...(!raw && s.written.shorthand
          ? { [s.written.shorthand.kind]: s.written.shorthand.fields }
          : {}),
        ...(Object.keys(token).length > 0 ? { token } : {}),
        ...(s.request.roleSessionName !== 'trustspec' || s.request.providerId
          ? { request: s.request }
          : {}),
        ...(Object.keys(s.context).length > 0 ? { context: s.context } : {}),
        ...(s.now !== undefined ? { now: formatEpoch(Math.floor(s.now / 1000)) } : {}),
        expect:
          s.expect.decision === 'allow'
            ? 'allow'
            : {
                deny: {
                  ...(s.expect.stage ? { stage: s.expect.stage } : {}),
                  ...(s.expect.because ? { because: s.expect.because } : {}),
                },
              },
      };
    }),
  };
  const doc = new (yaml().Document)(body, { aliasDuplicateObjects: false });
  const scenarios = doc.get('scenarios', true);
  if (yaml().isSeq(scenarios)) {
    scenarios.items.forEach((item, i) => {
      const s = result.scenarios[i] as InitScenario;
      (item as Node).commentBefore = ` ${s.comment}`;
      if (!yaml().isMap(item)) return;
      for (const pair of item.items) {
        const key = String((pair.key as { value?: unknown }).value);
        if (key !== 'name' && key !== 'now') flow(pair.value);
        if (key === 'expect' && yaml().isMap(pair.value))
          pair.value.items.forEach((p) => flow(p.value));
      }
    });
  }
  const providers = doc.get('providers', true);
  if (yaml().isSeq(providers))
    providers.items.forEach((p) => yaml().isMap(p) && p.items.forEach((x) => flow(x.value)));
  const header = [
    `Generated by \`trustspec init\` from ${opts.source}. It pins what the policy allows TODAY: review it before trusting it, then keep it beside the policy and run \`trustspec test\`.`,
    `- ${allow} \`expect: allow\`: one per region of the tokens the policy allows (computed for all tokens, as \`trustspec who\` does). One that must not be allowed is a hole: fix the policy, then change its expect to deny.`,
    `- ${result.scenarios.length - allow} \`expect: deny\`: the tokens a Deny statement takes away, and the near misses of the allowed tokens (pull requests, other branches, owners, repositories, namespaces, service accounts, the wrong audience). One that should be allowed means the policy is too narrow.`,
    ...(opts.roleNotes ?? []).map((n) => `- ${n}`),
    ...result.notes.map((n) => `- ${n}`),
  ].flatMap((l) => wrap(l, 98));
  doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
  return doc.toString({ lineWidth: 0 });
}

/** A line broken at spaces to at most `width` characters; continuation lines indented. */
function wrap(line: string, width: number): string[] {
  const out: string[] = [];
  let rest = line;
  const indent = line.startsWith('- ') ? '  ' : '';
  while (rest.length > width) {
    const cut = rest.lastIndexOf(' ', width);
    if (cut <= indent.length) break;
    out.push(rest.slice(0, cut));
    rest = indent + rest.slice(cut + 1);
  }
  out.push(rest);
  return out;
}
