/**
 * Stage 3: the request context the trust policy is evaluated against (§3). A key's entry comes
 * from, in rising precedence: the provider's claim keys, session tags, source identity,
 * RoleSessionName, the global keys of the clock and the call, the role's tags, and last the
 * scenario's own `context` (which is warned about when it overrides the token).
 *
 * Entries are built when a condition asks for them, so `decide` works out only the two or three
 * keys a policy reads; `simulate` lists them all through the same lookups.
 */
import { lowerKey, type ContextEntry, type RequestContext } from '../../conditions/context.js';
import type { Finding } from '../../diagnostics.js';
import {
  claimEntry,
  preparedKeys,
  type PreparedKey,
  type PreparedKeys,
} from '../../providers/index.js';
import type { CompiledPolicy } from '../compile.js';
import { callerEntries, globalEntries, SOURCE_IDENTITY_CLAIM, tagEntries } from '../context.js';
import type { Recorder } from '../trace.js';
import type { SimulationInput } from '../types.js';
import type { TokenFacts } from './token.js';

function single(key: string, value: string, source: string): ContextEntry {
  return { key, values: [value], multiValued: false, type: 'String', source };
}

/** `aws:…`, `iam:…` or `sts:…` (tested without building a substring: this runs per key read). */
function awsOwned(keyLower: string): boolean {
  return (
    keyLower.charCodeAt(3) === 58 &&
    (keyLower.startsWith('aws') || keyLower.startsWith('iam') || keyLower.startsWith('sts'))
  );
}

const RESOURCE_TAG_PREFIXES = ['aws:resourcetag/', 'iam:resourcetag/'];

/** Global keys by lower-cased name, for the clock of the last run (runs share one clock). */
let globalsFor: { now: number; byLower: Map<string, ContextEntry> } | undefined;
function globals(now: number): ReadonlyMap<string, ContextEntry> {
  if (globalsFor?.now !== now) {
    globalsFor = { now, byLower: new Map(globalEntries(now).map((e) => [lowerKey(e.key), e])) };
  }
  return globalsFor.byLower;
}

/** A slot read from the AWS-owned layers (role tags, globals, request, session tags). */
const AWS_KEY = 0;
/** A slot whose key no layer of this provider sets. */
const NO_KEY = 1;

/**
 * Where each clause slot of one policy reads from, for one provider's keys: the provider key
 * (its claim), an AWS-owned key, or nothing. The same for every request of that policy and
 * issuer, so it is worked out once, and a request reads a slot without a lookup by name.
 */
interface SlotPlan {
  policy: CompiledPolicy;
  prepared: PreparedKeys;
  /** The lower-cased key of each slot. */
  keys: string[];
  sources: Array<PreparedKey | typeof AWS_KEY | typeof NO_KEY>;
  /** The slot of each provider key (by its position in the provider's list), or -1. */
  slotOf: number[];
}

const slotPlans = new WeakMap<CompiledPolicy, SlotPlan[]>();
let lastPlan: SlotPlan | undefined;

function slotPlan(policy: CompiledPolicy, prepared: PreparedKeys): SlotPlan {
  if (lastPlan !== undefined && lastPlan.policy === policy && lastPlan.prepared === prepared)
    return lastPlan;
  let plans = slotPlans.get(policy);
  if (!plans) slotPlans.set(policy, (plans = []));
  let plan: SlotPlan | undefined;
  for (const p of plans) if (p.prepared === prepared) plan = p;
  if (!plan) {
    const keys: string[] = [];
    for (const cs of policy.statements)
      for (const c of cs.clauses) if (c.slot >= 0) keys[c.slot] = c.keyLower;
    const sources = keys.map((k) => (awsOwned(k) ? AWS_KEY : (prepared.byLower.get(k) ?? NO_KEY)));
    const slotOf = prepared.list.map(() => -1);
    sources.forEach((src, slot) => {
      if (typeof src === 'object') slotOf[src.index] = slot;
    });
    plan = { policy, prepared, keys, sources, slotOf };
    if (plans.length < 8) plans.push(plan);
  }
  lastPlan = plan;
  return plan;
}

/** The keys derived from the token, the request, the clock and the role; built on first use. */
class DerivedContext implements RequestContext {
  private readonly keys: PreparedKeys;
  /** Provider keys worked out so far, by position (`null`: absent); allocated on first use. */
  private claims: Array<ContextEntry | null | undefined> | undefined;
  private tagKeys: Map<string, ContextEntry> | undefined;
  /** The policy's slots for this provider (undefined when the policy numbers no key). */
  private readonly plan: SlotPlan | undefined;
  /** What `get` answered per slot of the plan (`null`: absent); allocated on first use. */
  private slotEntries: Array<ContextEntry | null | undefined> | undefined;

  constructor(
    private readonly input: SimulationInput,
    private readonly t: TokenFacts,
    private readonly findings: Finding[],
  ) {
    this.keys = t.keys ?? preparedKeys(t.module, t.hostPath);
    const policy = input.role.policy;
    this.plan = policy.keySlots > 0 ? slotPlan(policy, this.keys) : undefined;
  }

  /**
   * The entry of a key. A policy reads the same few keys in every statement: the answer is kept
   * under the clause's slot, so a repeated read costs an array lookup. A slot read for a key
   * that is not the slot's own (a clause of another policy) is worked out by name.
   */
  get(keyLower: string, slot = -1): ContextEntry | undefined {
    const plan = this.plan;
    if (slot < 0 || plan === undefined || plan.keys[slot] !== keyLower)
      return this.lookup(keyLower);
    const entries = (this.slotEntries ??= new Array<ContextEntry | null | undefined>(
      plan.keys.length,
    ));
    const known = entries[slot];
    if (known !== undefined) return known ?? undefined;
    const source = plan.sources[slot];
    // A provider key of the plan is this slot's own (plan.slotOf says so): its entry is worked
    // out here and kept under the slot, as `claim` would.
    const entry =
      source === NO_KEY
        ? undefined
        : source === AWS_KEY
          ? this.lookup(keyLower)
          : claimEntry(
              this.t.module,
              source as PreparedKey,
              this.input.token.claims,
              this.t.clientIds,
              this.findings,
            );
    entries[slot] = entry ?? null;
    return entry;
  }

  /**
   * A provider key's entry, worked out once per request (its findings are recorded once): kept
   * under the key's slot when the policy reads it, else by its position in the provider's list.
   */
  private claim(pk: PreparedKey): ContextEntry | undefined {
    const slot = this.plan?.slotOf[pk.index] ?? -1;
    let cache: Array<ContextEntry | null | undefined>;
    let at = pk.index;
    if (slot >= 0) {
      cache = this.slotEntries ??= new Array<ContextEntry | null | undefined>(
        (this.plan as SlotPlan).keys.length,
      );
      at = slot;
    } else {
      cache = this.claims ??= new Array<ContextEntry | null | undefined>(this.keys.list.length);
    }
    const known = cache[at];
    if (known !== undefined) return known ?? undefined;
    const entry = claimEntry(
      this.t.module,
      pk,
      this.input.token.claims,
      this.t.clientIds,
      this.findings,
    );
    cache[at] = entry ?? null;
    return entry;
  }

  /**
   * The entry of a key, worked out. A provider key is worked out once per request, cached by its
   * position in the provider's key list.
   */
  private lookup(keyLower: string): ContextEntry | undefined {
    // Only the AWS-owned prefixes name keys of the other layers; a provider key is `HOST:claim`.
    if (awsOwned(keyLower)) {
      const entry = this.awsKey(keyLower);
      if (entry) return entry;
    }
    const pk = this.keys.byLower.get(keyLower);
    return pk ? this.claim(pk) : undefined;
  }

  /** Role tags, global keys, RoleSessionName, source identity and session tags. */
  private awsKey(keyLower: string): ContextEntry | undefined {
    const { input, t } = this;
    const tags = input.role.tags;
    if (tags && RESOURCE_TAG_PREFIXES.some((p) => keyLower.startsWith(p))) {
      const tag = Object.keys(tags).find((k) => k.toLowerCase() === keyLower.slice(16));
      if (tag !== undefined) {
        const key = `${keyLower.startsWith('aws') ? 'aws' : 'iam'}:ResourceTag/${tag}`;
        return single(key, tags[tag] as string, 'role tag');
      }
    }
    const global = globals(input.now).get(keyLower);
    if (global) return global;
    const name = input.request.roleSessionName;
    if (keyLower === 'sts:rolesessionname' && name !== undefined)
      return single('sts:RoleSessionName', name, 'request RoleSessionName');
    if (keyLower === 'sts:sourceidentity' && t.sourceIdentity !== undefined)
      return single(
        'sts:SourceIdentity',
        t.sourceIdentity,
        `token claim "${SOURCE_IDENTITY_CLAIM}"`,
      );
    if (!t.tags) return undefined;
    this.tagKeys ??= new Map(tagEntries(t.tags).map((e) => [lowerKey(e.key), e]));
    return this.tagKeys.get(keyLower);
  }

  /** Every key the request has, in the order of the layers (for the trace). */
  entries(): ContextEntry[] {
    const { input, t } = this;
    const names = [
      ...this.keys.list.map((k) => k.keyLower),
      ...(t.tags ? tagEntries(t.tags).map((e) => lowerKey(e.key)) : []),
      'sts:sourceidentity',
      'sts:rolesessionname',
      ...globals(input.now).keys(),
      ...Object.keys(input.role.tags ?? {}).flatMap((k) =>
        RESOURCE_TAG_PREFIXES.map((p) => p + k.toLowerCase()),
      ),
    ];
    const out: ContextEntry[] = [];
    for (const n of new Set(names)) {
      const e = this.get(n);
      if (e) out.push(e);
    }
    return out;
  }
}

/** The scenario's own keys over the derived ones. */
class CallerContext implements RequestContext {
  constructor(
    private readonly derived: DerivedContext,
    private readonly given: ReadonlyMap<string, ContextEntry>,
  ) {}

  get(keyLower: string, slot?: number): ContextEntry | undefined {
    return this.given.get(keyLower) ?? this.derived.get(keyLower, slot);
  }
}

export function contextStage(input: SimulationInput, rec: Recorder, t: TokenFacts): RequestContext {
  const derived = new DerivedContext(input, t, rec.findings);
  let ctx: RequestContext = derived;
  let given: Map<string, ContextEntry> | undefined;
  if (input.context) {
    given = new Map();
    for (const e of callerEntries(input.context, rec.findings)) {
      const lower = lowerKey(e.key);
      const prior = derived.get(lower);
      if (prior && prior.source.startsWith('token claim')) {
        rec.findings.push({
          code: 'context-overrides-token',
          severity: 'warning',
          message: `the scenario context sets "${e.key}", which the token already sets (${prior.source}); the context value is used`,
          hint: 'put token claims under token:, so the simulation derives the key as AWS does',
        });
      }
      given.set(lower, e);
    }
    ctx = new CallerContext(derived, given);
  }
  if (rec.trace) rec.context = listed(derived, given);
  return ctx;
}

/**
 * Every key of the request for the trace: the derived ones the scenario does not override, then
 * the scenario's. (Apart from contextStage, whose every call would otherwise allocate the
 * filter's closure context.)
 */
function listed(
  derived: DerivedContext,
  given: ReadonlyMap<string, ContextEntry> | undefined,
): ContextEntry[] {
  const derivedEntries = derived.entries().filter((e) => !given?.has(lowerKey(e.key)));
  return [...derivedEntries, ...(given?.values() ?? [])];
}
