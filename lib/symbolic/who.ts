/**
 * `who`: for one role, per provider that could present a token, the allowed set in the policy's
 * own terms — one entry per Allow statement, its conditions, the Deny statements that carve into
 * it — with one replayed example token each, and the breadth findings (design note §6.1).
 */
import { formatEpoch, ASSUME_ACTION } from '../sts/vocabulary.js';
import { isAwsOutboundIssuer } from '../providers/index.js';
import type { CompiledStatement } from '../sts/compile.js';
import { breadth, type BreadthFinding } from './breadth.js';
import { Boxes, type Box } from './boxes.js';
import { describeBox, type Constraint } from './describe.js';
import { analyseProvider, type ProviderAnalysis, type SideSets } from './engine.js';
import { providerIdentities, type AnalysisRole, type ProviderIdentity } from './providers.js';
import type { SpaceOptions } from './space.js';
import { exampleIn, replay, type Example, type ExampleOptions } from './witness.js';
import type { Seeds } from './realism.js';

export interface StatementRef {
  index: number;
  sid?: string;
  line?: number;
}

/** A request usable as a scenario: `token` is the claims, `now` only when time matters. */
export interface ScenarioExample {
  token: Record<string, unknown>;
  request: { roleSessionName: string; providerId?: string };
  context: Record<string, string>;
  now?: string;
}

export interface AllowedEntry {
  statement: StatementRef;
  /** The statement's conditions, within what the token stage accepts. */
  when: Constraint[];
  /** Deny statements that take part of it away, with their conditions there. */
  except: Array<{ statement: StatementRef; when: Constraint[] }>;
  example: ScenarioExample;
}

export interface WhoProvider {
  issuer: string;
  kind: ProviderIdentity['kind'];
  registered: boolean;
  /** Registered by assumption (providers omitted). */
  assumed: boolean;
  /** The audiences the token stage accepts; undefined: any. */
  audiences?: string[];
  status: 'allowed' | 'nobody' | 'unknown';
  allowed: AllowedEntry[];
  /** Why nobody, or why unknown. */
  reasons: string[];
  breadth: Array<
    Omit<BreadthFinding, 'example' | 'statements'> & {
      statements: StatementRef[];
      example: ScenarioExample;
    }
  >;
}

export interface WhoResult {
  version: 1;
  role: string;
  exact: boolean;
  assumptions: string[];
  providers: WhoProvider[];
  stats: { providers: number; variables: number; regions: number; configurations: number };
}

export interface WhoOptions {
  /** The clock of examples (epoch ms), e.g. the scenario file's `now`. */
  now: number;
  seeds?: Seeds;
  budget?: number;
}

export function statementRef(s: CompiledStatement): StatementRef {
  const st = s.statement;
  return {
    index: st.index,
    ...(st.sid ? { sid: st.sid.value } : {}),
    line: st.span.start.line,
  };
}

/** An example as a scenario would hold it. */
export function scenarioExample(ex: Example, withTime: boolean): ScenarioExample {
  return {
    token: ex.claims,
    request: ex.request,
    context: ex.context,
    ...(withTime ? { now: formatEpoch(Math.floor(ex.now / 1000)) } : {}),
  };
}

export function timeMatters(a: ProviderAnalysis): boolean {
  return a.space.variableOf.has('clock');
}

function refOf(a: ProviderAnalysis, index: number): StatementRef {
  const s = a.space.sides[0]?.analysis.role.policy.statements.find(
    (x) => x.statement.index === index,
  );
  return s ? statementRef(s) : { index };
}

function nobodyReasons(a: ProviderAnalysis, side: SideSets): string[] {
  const p = side.side.provider;
  if (!p.registered) {
    const named = a.space.sides[0]?.analysis.role.policy.federatedIssuers.has(
      a.space.provider.hostPath,
    );
    return [
      named
        ? "the policy names it, but it is not among the account's registered providers: STS refuses its tokens"
        : 'not registered in the account',
    ];
  }
  const allows = side.allows.get(ASSUME_ACTION) ?? [];
  if (isAwsOutboundIssuer(`https://${a.space.provider.hostPath}`))
    return [
      'it is an AWS outbound identity federation issuer: AWS documents that its tokens cannot be used with AssumeRoleWithWebIdentity (UNCONFIRMED [aws-outbound]: the error STS returns is not documented)',
    ];
  if (side.accepted.length === 0)
    return ['the token stage accepts none of its tokens (no client ID)'];
  if (side.side.statements.length === 0) return ['no statement names it as its principal'];
  if (allows.length === 0)
    return [
      'no Allow statement for it can ever apply (its conditions never hold, or it does not allow sts:AssumeRoleWithWebIdentity)',
    ];
  return [
    'every token an Allow statement admits is refused by a Deny statement, the audience check, or a missing sts:TagSession / sts:SetSourceIdentity',
  ];
}

function entries(a: ProviderAnalysis, side: SideSets, opts: ExampleOptions): AllowedEntry[] {
  const care: Box = side.accepted[0] ?? a.boxes.universe;
  const out: AllowedEntry[] = [];
  for (const s of side.allows.get(ASSUME_ACTION) ?? []) {
    const part = a.boxes.intersection(side.allowed, [s.box]);
    if (part.length === 0) continue;
    const within = Boxes.intersect(s.box, care) ?? s.box;
    const except: AllowedEntry['except'] = [];
    for (const d of side.denies.get(ASSUME_ACTION) ?? []) {
      if (!Boxes.intersect(within, d.box)) continue;
      except.push({
        statement: statementRef(d.statement),
        when: describeBox(a.space, d.box, within),
      });
    }
    const ex = exampleIn(a, part[0] as Box, opts);
    replay(a, ex, { trace: false });
    out.push({
      statement: statementRef(s.statement),
      when: describeBox(a.space, s.box, care),
      except,
      example: scenarioExample(ex, timeMatters(a)),
    });
  }
  return out;
}

function whoProvider(
  role: AnalysisRole,
  id: ProviderIdentity,
  opts: WhoOptions,
): { out: WhoProvider; a: ProviderAnalysis } {
  const spaceOptions: SpaceOptions = {
    now: opts.now,
    ...(opts.budget !== undefined ? { budget: opts.budget } : {}),
  };
  const a = analyseProvider([role], id, spaceOptions);
  const p = id.sides[0];
  const out: WhoProvider = {
    issuer: id.hostPath,
    kind: id.kind,
    registered: p?.registered ?? false,
    assumed: p?.assumed ?? false,
    ...(p?.clientIds ? { audiences: [...p.clientIds] } : {}),
    status: 'nobody',
    allowed: [],
    reasons: [],
    breadth: [],
  };
  if (a.unknown.length > 0) {
    out.status = 'unknown';
    out.reasons = a.unknown;
    return { out, a };
  }
  const side = a.sides[0] as SideSets;
  if (side.allowed.length === 0) {
    out.reasons = nobodyReasons(a, side);
    return { out, a };
  }
  const ex: ExampleOptions = { now: opts.now, ...(opts.seeds ? { seeds: opts.seeds } : {}) };
  out.status = 'allowed';
  out.allowed = entries(a, side, ex);
  out.breadth = breadth(a, ex).map((f) => ({
    code: f.code,
    severity: f.severity,
    message: f.message,
    statements: f.statements.map((i) => refOf(a, i)),
    example: scenarioExample(f.example, timeMatters(a)),
  }));
  return { out, a };
}

/** Who can assume the role: every provider's allowed set, described and exemplified. */
export function whoCanAssume(role: AnalysisRole, opts: WhoOptions): WhoResult {
  const result: WhoResult = {
    version: 1,
    role: role.role.arn,
    exact: true,
    assumptions: [],
    providers: [],
    stats: { providers: 0, variables: 0, regions: 0, configurations: 0 },
  };
  for (const id of providerIdentities([role])) {
    const { out, a } = whoProvider(role, id, opts);
    result.providers.push(out);
    if (out.status === 'unknown') result.exact = false;
    for (const x of a.space.assumptions)
      if (!result.assumptions.includes(x)) result.assumptions.push(x);
    if (out.assumed) {
      const note = `${id.hostPath} is taken as registered with the token's aud as a client ID (no providers given)`;
      result.assumptions.push(note);
    }
    result.stats.providers++;
    result.stats.variables += a.space.variables.length;
    result.stats.regions += a.space.stats.cells;
    result.stats.configurations += a.space.stats.configurations;
  }
  return result;
}
