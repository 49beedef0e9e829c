/**
 * Condition keys → the free inputs they read (design note §2, C1). A key is a function of one or
 * more *atoms* — a token claim, the session name, the source identity, the session tags, the
 * clock, a request-context key — or a constant of the role (its tags, `aws:SecureTransport`), or
 * always absent (keys of other providers, claims AWS does not expose, keys never set on this
 * unsigned call). The order of the lookups is the simulator's (lib/sts/stages/context.ts).
 */
import { lowerKey, type ContextEntry, type RequestContext } from '../conditions/context.js';
import {
  claimEntry,
  preparedKeys,
  type Claims,
  type PreparedKey,
  type ProviderModule,
} from '../providers/index.js';
import { globalEntries } from '../sts/context.js';
import type { RoleInput } from '../sts/types.js';

/** A value of an atom: absent (undefined), a string, a set of strings, clock seconds, or tags. */
export type AtomValue = string | readonly string[] | number | boolean | undefined;

export type AtomKind = 'claim' | 'session' | 'source-identity' | 'tags' | 'clock' | 'context';

export interface AtomRef {
  id: string;
  kind: AtomKind;
  /** The claim name (claim atoms) or the context key's canonical spelling (context atoms). */
  name: string;
  multiValued: boolean;
}

/** How the request gets a key the policy reads. */
export type Binding =
  | {
      kind: 'atoms';
      key: string;
      keyLower: string;
      atoms: AtomRef[];
      multiValued: boolean;
      /** The key's entry for these atom values (in `atoms` order). */
      entry(values: readonly AtomValue[]): ContextEntry | undefined;
    }
  /** A constant of the role or the call; may differ between the question's roles. */
  | { kind: 'constant'; keyLower: string }
  /** Read from the session tags: not analysed (the answer is `unknown`). */
  | { kind: 'tag-key'; keyLower: string };

/** Context keys a web-identity call may carry, set by the caller's network path (§3.5). */
export const NETWORK_KEYS: Readonly<Record<string, string>> = {
  'aws:sourceip': 'aws:SourceIp',
  'aws:vpcsourceip': 'aws:VpcSourceIp',
  'aws:sourcevpc': 'aws:SourceVpc',
  'aws:sourcevpce': 'aws:SourceVpce',
  'aws:sourcevpcarn': 'aws:SourceVpcArn',
};
/** Context keys always present on the call with a caller-chosen value (§3.5). */
export const FREE_KEYS: Readonly<Record<string, string>> = {
  'aws:requestedregion': 'aws:RequestedRegion',
  'aws:useragent': 'aws:UserAgent',
};
/** Keys whose presence and value AWS does not document for this call (spec §3.5, UNCONFIRMED 14/16). */
export const UNDOCUMENTED_KEYS = new Set([
  'aws:principaltype',
  'aws:userid',
  'aws:principalaccount',
  'aws:federatedprovider',
]);

export const SOURCE_IDENTITY_CLAIM = 'https://aws.amazon.com/source_identity';
export const TAGS_CLAIM = 'https://aws.amazon.com/tags';

const RESOURCE_TAG = /^(aws|iam):resourcetag\//;
const TAG_KEYS = /^(aws:requesttag\/|aws:tagkeys$|sts:transitivetagkeys$)/;

function single(key: string, value: AtomValue): ContextEntry | undefined {
  if (typeof value !== 'string') return undefined;
  return { key, values: [value], multiValued: false, type: 'String', source: 'symbolic' };
}

/** Claims that feed a provider key (the Google aud rule reads `azp`, else `aud`; §3.1). */
function claimsRead(module: ProviderModule, pk: PreparedKey): string[] {
  if (module.id === 'google' && pk.ck.name === 'aud') return ['azp', 'aud'];
  return [pk.ck.claim ?? pk.ck.name];
}

function claimAtom(name: string, multiValued: boolean): AtomRef {
  return { id: `claim:${name}`, kind: 'claim', name, multiValued };
}

function claimBinding(module: ProviderModule, pk: PreparedKey): Binding {
  const names = claimsRead(module, pk);
  const atoms = names.map((n) => claimAtom(n, pk.ck.multiValued));
  return {
    kind: 'atoms',
    key: pk.key,
    keyLower: pk.keyLower,
    atoms,
    multiValued: pk.ck.multiValued,
    entry(values) {
      const claims: Record<string, unknown> = {};
      names.forEach((n, i) => {
        const v = values[i];
        if (v !== undefined) claims[n] = v;
      });
      return claimEntry(module, pk, claims as Claims, undefined, []);
    },
  };
}

export type AtomsBinding = Extract<Binding, { kind: 'atoms' }>;

function atomBinding(key: string, atom: AtomRef, entry: AtomsBinding['entry']): Binding {
  return {
    kind: 'atoms',
    key,
    keyLower: lowerKey(key),
    atoms: [atom],
    multiValued: false,
    entry,
  };
}

export const CLOCK_ATOM: AtomRef = { id: 'clock', kind: 'clock', name: 'now', multiValued: false };
export const SESSION_ATOM: AtomRef = {
  id: 'session',
  kind: 'session',
  name: 'RoleSessionName',
  multiValued: false,
};
export const SOURCE_IDENTITY_ATOM: AtomRef = {
  id: 'source-identity',
  kind: 'source-identity',
  name: SOURCE_IDENTITY_CLAIM,
  multiValued: false,
};
export const TAGS_ATOM: AtomRef = {
  id: 'tags',
  kind: 'tags',
  name: TAGS_CLAIM,
  multiValued: false,
};

function clockBinding(keyLower: string): Binding {
  const key = keyLower === 'aws:currenttime' ? 'aws:CurrentTime' : 'aws:EpochTime';
  return atomBinding(key, CLOCK_ATOM, (values) => {
    const s = values[0];
    if (typeof s !== 'number') return undefined;
    return globalEntries(s * 1000).find((e) => lowerKey(e.key) === keyLower);
  });
}

/** The binding of a key (lower-cased) for tokens of one provider. */
export function bindKey(keyLower: string, module: ProviderModule, hostPath: string): Binding {
  if (/^(aws|iam|sts):/.test(keyLower)) {
    if (RESOURCE_TAG.test(keyLower)) return { kind: 'constant', keyLower };
    if (keyLower === 'aws:currenttime' || keyLower === 'aws:epochtime')
      return clockBinding(keyLower);
    if (keyLower === 'aws:securetransport' || keyLower === 'aws:viaawsservice')
      return { kind: 'constant', keyLower };
    if (keyLower === 'sts:rolesessionname')
      return atomBinding('sts:RoleSessionName', SESSION_ATOM, (v) =>
        single('sts:RoleSessionName', v[0]),
      );
    if (keyLower === 'sts:sourceidentity')
      return atomBinding('sts:SourceIdentity', SOURCE_IDENTITY_ATOM, (v) =>
        single('sts:SourceIdentity', v[0]),
      );
    if (TAG_KEYS.test(keyLower)) return { kind: 'tag-key', keyLower };
    const name = NETWORK_KEYS[keyLower] ?? FREE_KEYS[keyLower];
    if (name !== undefined) {
      const atom: AtomRef = {
        id: `context:${keyLower}`,
        kind: 'context',
        name,
        multiValued: false,
      };
      return atomBinding(name, atom, (v) => single(name, v[0]));
    }
  }
  const pk = preparedKeys(module, hostPath).byLower.get(keyLower);
  if (pk) return claimBinding(module, pk);
  return { kind: 'constant', keyLower };
}

/** The constant keys of a role and the call: role tags and the always-set globals (§3.4, §3.5). */
export function constantContext(role: RoleInput): RequestContext {
  const entries = new Map<string, ContextEntry>();
  for (const e of globalEntries(0)) {
    const lower = lowerKey(e.key);
    if (lower === 'aws:securetransport' || lower === 'aws:viaawsservice') entries.set(lower, e);
  }
  const tags = role.tags ?? {};
  // A key may differ in case from the tag; the first tag whose name matches wins, as in the simulator.
  const lookupTag = (keyLower: string): ContextEntry | undefined => {
    const m = RESOURCE_TAG.exec(keyLower);
    if (!m) return undefined;
    const name = keyLower.slice(m[0].length);
    const tag = Object.keys(tags).find((k) => k.toLowerCase() === name);
    if (tag === undefined) return undefined;
    const key = `${m[1]}:ResourceTag/${tag}`;
    return {
      key,
      values: [tags[tag] as string],
      multiValued: false,
      type: 'String',
      source: 'role tag',
    };
  };
  return { get: (keyLower) => lookupTag(keyLower) ?? entries.get(keyLower) };
}
