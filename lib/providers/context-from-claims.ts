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
/** A provider's keys for one issuer, with their full names, built once: the same few recur per run. */
interface PreparedKey {
  ck: ClaimKey;
  key: string;
}
const prepared = new WeakMap<ProviderModule, Map<string, PreparedKey[]>>();
function keysFor(module: ProviderModule, hostPath: string): PreparedKey[] {
  let byHost = prepared.get(module);
  if (!byHost) {
    byHost = new Map();
    prepared.set(module, byHost);
  }
  let keys = byHost.get(hostPath);
  if (!keys) {
    if (byHost.size >= 1024) byHost.clear();
    keys = module.claimKeys(hostPath).map((ck) => ({ ck, key: `${hostPath}:${ck.name}` }));
    byHost.set(hostPath, keys);
  }
  return keys;
}

export function contextFromClaims(
  module: ProviderModule,
  hostPath: string,
  claims: Claims,
  clientIds?: readonly string[],
): ClaimContext {
  const entries: ContextEntry[] = [];
  const findings: Finding[] = [];
  for (const { ck, key } of keysFor(module, hostPath)) {
    const read = readClaim(module, ck, claims);
    if (read === undefined) continue;
    const warn = (code: string, message: string, spec: string, hint?: string): void => {
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
    if (got === undefined) continue;
    if (ck.type === 'Numeric' && !got.values.every((v) => /^-?\d+(\.\d+)?$/.test(v))) {
      warn(
        'claim-not-numeric',
        `${key} is a Numeric key but claim "${read.claim}" is ${JSON.stringify(got.values[0])}; numeric operators will not match it`,
        '§5.4',
      );
    }
    if (ck.type === 'Bool' && !got.values.every((v) => v === 'true' || v === 'false')) {
      warn(
        'claim-not-bool',
        `${key} is a Bool key but claim "${read.claim}" is ${JSON.stringify(got.values[0])}`,
        '§5.4',
      );
    }
    const entry: ContextEntry = {
      key,
      values: got.values,
      multiValued: ck.multiValued,
      type: ck.type,
      source: `token claim "${read.claim}"`,
    };
    if (ck.unconfirmed !== undefined || got.unconfirmed !== undefined) {
      entry.unconfirmed = [ck.unconfirmed, got.unconfirmed]
        .filter((n) => n !== undefined)
        .join('; ');
    }
    entries.push(entry);
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
