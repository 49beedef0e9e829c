/**
 * Token claims → condition-context entries `PREFIX:name` (§3.1). Only the claims a provider exposes
 * become keys; every other claim is absent. Values are strings; problems are findings, never throws.
 */
import type { ContextEntry } from '../conditions/context.js';
import type { Finding } from '../diagnostics.js';
import type { ClaimContext, ClaimKey, ClaimRead, Claims, ProviderModule } from './types.js';

const UNCONFIRMED_4 =
  '§3.1 (UNCONFIRMED 4): how STS fills the aud key from an aud array is undocumented; taken as the first audience that is a client id of the provider, else the first';
const SHAPE_NOTE =
  '§3.1: AWS does not document single-valued keys fed by arrays or objects; nested claims are not in the request context';

type Scalar = string | number | boolean | bigint;

function isScalar(v: unknown): v is Scalar {
  return (
    typeof v === 'string' ||
    typeof v === 'number' ||
    typeof v === 'boolean' ||
    typeof v === 'bigint'
  );
}

function stringify(v: Scalar): string {
  return typeof v === 'string' ? v : String(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : typeof v;
}

function readClaim(module: ProviderModule, key: ClaimKey, claims: Claims): ClaimRead | undefined {
  if (module.claimValue) return module.claimValue(key, claims);
  const claim = key.claim ?? key.name;
  if (!Object.prototype.hasOwnProperty.call(claims, claim)) return undefined;
  const value = claims[claim];
  return value === undefined ? undefined : { claim, value };
}

interface Values {
  values: string[];
  unconfirmed?: string;
}

/**
 * Build the claim-derived context entries for one token.
 *
 * `aud` (UNCONFIRMED 4): a string, or a one-element array, is the value. With several audiences
 * the key stays single-valued and takes the first audience found in `clientIds` (the provider's
 * client-ID list), else the first element; the entry carries an `unconfirmed` note. An empty array
 * leaves the key absent.
 *
 * Other single-valued keys: an array with one scalar is unwrapped (warning); a longer or empty
 * array, an object or `null` leaves the key absent (warning). Multivalued keys (`amr`) take an array
 * (scalars stringified; other elements dropped with a warning) or a lone scalar as one value.
 */
/** A provider's key for one issuer, with its full and lower-cased names, built once. */
export interface PreparedKey {
  /** Position in the provider's key list (a per-request cache is an array indexed by it). */
  index: number;
  ck: ClaimKey;
  key: string;
  keyLower: string;
  /** The trace's `source` of the entry, when the claim read is the key's own. */
  source: string;
  /**
   * The claim a plain string value is read from, when the key is the common case (a
   * single-valued String key read as is, no UNCONFIRMED note): then a string claim is the
   * value. Undefined for the other keys.
   */
  plainClaim: string | undefined;
  /**
   * The last plain value read and its entry: most tokens of a run carry the same `aud` (and
   * often the same `sub`), so the entry is built once and shared (entries are never modified).
   */
  lastValue: string | undefined;
  lastEntry: ContextEntry | undefined;
}

/** A provider's keys for one issuer, in order and by lower-cased name. */
export interface PreparedKeys {
  list: readonly PreparedKey[];
  byLower: ReadonlyMap<string, PreparedKey>;
}

const prepared = new WeakMap<ProviderModule, Map<string, PreparedKeys>>();

/** The keys a provider sets for tokens of `hostPath`, built once per issuer (the same few recur). */
export function preparedKeys(module: ProviderModule, hostPath: string): PreparedKeys {
  let byHost = prepared.get(module);
  if (!byHost) {
    byHost = new Map();
    prepared.set(module, byHost);
  }
  let keys = byHost.get(hostPath);
  if (!keys) {
    if (byHost.size >= 1024) byHost.clear();
    const list = module.claimKeys(hostPath).map((ck, index): PreparedKey => {
      const key = `${hostPath}:${ck.name}`;
      const claim = ck.claim ?? ck.name;
      const plain =
        !module.claimValue &&
        ck.type === 'String' &&
        !ck.multiValued &&
        ck.unconfirmed === undefined;
      return {
        index,
        ck,
        key,
        keyLower: key.toLowerCase(),
        source: `token claim "${claim}"`,
        plainClaim: plain ? claim : undefined,
        lastValue: undefined,
        lastEntry: undefined,
      };
    });
    keys = { list, byLower: new Map(list.map((k) => [k.keyLower, k])) };
    byHost.set(hostPath, keys);
  }
  return keys;
}

/**
 * The context entry of one provider key for this token, or `undefined` when the key is absent;
 * what it noticed on the way (a null claim, an array for a single-valued key, …) goes to `findings`.
 */
export function claimEntry(
  module: ProviderModule,
  pk: PreparedKey,
  claims: Claims,
  clientIds: readonly string[] | undefined,
  findings: Finding[],
): ContextEntry | undefined {
  // The common case first: a plain string claim for a single-valued String key.
  const plain = pk.plainClaim;
  if (plain !== undefined) {
    let v = claims[plain];
    // An `aud` array of one string is that string (EKS tokens carry their audience so).
    if (plain === 'aud' && Array.isArray(v) && v.length === 1) v = v[0];
    if (typeof v === 'string' && Object.prototype.hasOwnProperty.call(claims, plain)) {
      if (pk.lastValue === v) return pk.lastEntry;
      const entry: ContextEntry = {
        key: pk.key,
        values: [v],
        multiValued: false,
        type: 'String',
        source: pk.source,
      };
      pk.lastValue = v;
      pk.lastEntry = entry;
      return entry;
    }
  }
  return readEntry(module, pk, claims, clientIds, findings);
}

/**
 * The entry of a key whose claim is not a plain string (or whose key is not plain): read as the
 * provider says, with a warning for each surprise. (Apart from claimEntry's fast path: its
 * `warn` closure would otherwise cost every plain read a context allocation.)
 */
function readEntry(
  module: ProviderModule,
  pk: PreparedKey,
  claims: Claims,
  clientIds: readonly string[] | undefined,
  findings: Finding[],
): ContextEntry | undefined {
  const { ck, key } = pk;
  const read = readClaim(module, ck, claims);
  if (read === undefined) return undefined;
  const warn: Warn = (code, message, spec, hint) => {
    findings.push({ code, severity: 'warning', message, spec, ...(hint ? { hint } : {}) });
  };
  let got: Values | undefined;
  if (read.value === null) {
    warn('claim-null', `claim "${read.claim}" is null, so ${key} is absent`, '§3.1');
  } else if (read.claim === 'aud' && !ck.multiValued) {
    got = audience(read.value, key, clientIds, warn);
  } else if (ck.multiValued) {
    got = multiValues(read, key, warn);
  } else {
    got = singleValue(read, key, warn);
  }
  if (got === undefined) return undefined;
  typeWarnings(ck, key, read.claim, got.values, warn);
  const entry: ContextEntry = {
    key,
    values: got.values,
    multiValued: ck.multiValued,
    type: ck.type,
    source: read.claim === (ck.claim ?? ck.name) ? pk.source : `token claim "${read.claim}"`,
  };
  if (ck.unconfirmed !== undefined || got.unconfirmed !== undefined) {
    entry.unconfirmed = [ck.unconfirmed, got.unconfirmed].filter((n) => n !== undefined).join('; ');
  }
  return entry;
}

function typeWarnings(
  ck: ClaimKey,
  key: string,
  claim: string,
  values: string[],
  warn: Warn,
): void {
  if (ck.type === 'Numeric' && !values.every((v) => /^-?\d+(\.\d+)?$/.test(v))) {
    warn(
      'claim-not-numeric',
      `${key} is a Numeric key but claim "${claim}" is ${JSON.stringify(values[0])}; numeric operators will not match it`,
      '§5.4',
    );
  }
  if (ck.type === 'Bool' && !values.every((v) => v === 'true' || v === 'false')) {
    warn(
      'claim-not-bool',
      `${key} is a Bool key but claim "${claim}" is ${JSON.stringify(values[0])}`,
      '§5.4',
    );
  }
}

export function contextFromClaims(
  module: ProviderModule,
  hostPath: string,
  claims: Claims,
  clientIds?: readonly string[],
): ClaimContext {
  const entries: ContextEntry[] = [];
  const findings: Finding[] = [];
  for (const pk of preparedKeys(module, hostPath).list) {
    const entry = claimEntry(module, pk, claims, clientIds, findings);
    if (entry) entries.push(entry);
  }
  return { entries, findings };
}

type Warn = (code: string, message: string, spec: string, hint?: string) => void;

function audience(
  value: unknown,
  key: string,
  clientIds: readonly string[] | undefined,
  warn: Warn,
): Values | undefined {
  if (isScalar(value)) return { values: [stringify(value)] };
  if (!Array.isArray(value)) {
    warn(
      'claim-object-for-single-valued-key',
      `claim "aud" is ${describe(value)}, so ${key} is absent`,
      '§3.1',
    );
    return undefined;
  }
  const scalars = value.filter(isScalar).map(stringify);
  if (scalars.length < value.length) {
    warn(
      'claim-array-non-scalar',
      `claim "aud" has ${value.length - scalars.length} element(s) that are not strings; they are ignored`,
      '§3.1',
    );
  }
  if (scalars.length === 0) {
    warn('aud-empty', `claim "aud" is an empty array, so ${key} is absent`, '§10 (UNCONFIRMED 4)');
    return undefined;
  }
  if (scalars.length === 1) return { values: scalars };
  const known = clientIds ? scalars.find((a) => clientIds.includes(a)) : undefined;
  const chosen = known ?? (scalars[0] as string);
  warn(
    'aud-multiple-values',
    `claim "aud" has ${scalars.length} audiences (${scalars.map((a) => JSON.stringify(a)).join(', ')}); ${key} is taken as ${JSON.stringify(chosen)}${
      known !== undefined
        ? ', the first that is a client id of the provider'
        : clientIds
          ? ' (the first; none is a client id of the provider)'
          : ' (the first)'
    }`,
    '§10 (UNCONFIRMED 4)',
    'give the token a single audience to avoid relying on undocumented behaviour',
  );
  return { values: [chosen], unconfirmed: UNCONFIRMED_4 };
}

function singleValue(read: ClaimRead, key: string, warn: Warn): Values | undefined {
  const { value, claim } = read;
  if (isScalar(value)) return { values: [stringify(value)] };
  if (Array.isArray(value) && value.length === 1 && isScalar(value[0])) {
    warn(
      'claim-array-for-single-valued-key',
      `claim "${claim}" is a one-element array; ${key} is single-valued and is taken as ${JSON.stringify(stringify(value[0]))}`,
      '§3.1',
    );
    return { values: [stringify(value[0])], unconfirmed: SHAPE_NOTE };
  }
  warn(
    Array.isArray(value)
      ? 'claim-array-for-single-valued-key'
      : 'claim-object-for-single-valued-key',
    `claim "${claim}" is ${describe(value)}; ${key} is single-valued, so it is absent`,
    '§3.1',
  );
  return undefined;
}

function multiValues(read: ClaimRead, key: string, warn: Warn): Values | undefined {
  const { value, claim } = read;
  if (isScalar(value)) return { values: [stringify(value)] };
  if (!Array.isArray(value)) {
    warn(
      'claim-object-for-multivalued-key',
      `claim "${claim}" is ${describe(value)}, not a list, so ${key} is absent`,
      '§3.1',
    );
    return undefined;
  }
  const scalars = value.filter(isScalar).map(stringify);
  if (scalars.length < value.length) {
    warn(
      'claim-array-non-scalar',
      `claim "${claim}" has ${value.length - scalars.length} element(s) that are not strings; ${key} leaves them out`,
      '§3.1',
    );
  }
  return { values: scalars };
}
