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
import { claimEntry, preparedKeys, type PreparedKeys } from '../../providers/index.js';
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

/** The keys derived from the token, the request, the clock and the role; built on first use. */
class DerivedContext implements RequestContext {
  private readonly keys: PreparedKeys;
  /** Provider keys worked out so far, by position (`null`: absent); allocated on first use. */
  private claims: Array<ContextEntry | null | undefined> | undefined;
  private tagKeys: Map<string, ContextEntry> | undefined;

  constructor(
    private readonly input: SimulationInput,
    private readonly t: TokenFacts,
    private readonly findings: Finding[],
  ) {
    this.keys = preparedKeys(t.module, t.hostPath);
  }

  /** What `get` answered per clause slot, and for which key (a slot belongs to one policy). */
  private slotEntries: Array<ContextEntry | null> | undefined;
  private slotKeys: string[] | undefined;

  /**
   * The entry of a key. A policy reads the same few keys in every statement: the answer is kept
   * under the clause's slot, so a repeated read costs an array lookup.
   */
  get(keyLower: string, slot = -1): ContextEntry | undefined {
    if (slot < 0) return this.lookup(keyLower);
    const keys = (this.slotKeys ??= []);
    const entries = (this.slotEntries ??= []);
    if (keys[slot] === keyLower) return entries[slot] ?? undefined;
    const entry = this.lookup(keyLower);
    keys[slot] = keyLower;
    entries[slot] = entry ?? null;
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
    if (!pk) return undefined;
    const cache = (this.claims ??= new Array<ContextEntry | null | undefined>(
      this.keys.list.length,
    ));
    const known = cache[pk.index];
    if (known !== undefined) return known ?? undefined;
    const entry = claimEntry(
      this.t.module,
      pk,
      this.input.token.claims,
      this.t.clientIds,
      this.findings,
    );
    cache[pk.index] = entry ?? null;
    return entry;
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
  if (rec.trace) {
    const derivedEntries = derived.entries().filter((e) => !given?.has(lowerKey(e.key)));
    rec.context = [...derivedEntries, ...(given?.values() ?? [])];
  }
  return ctx;
}
