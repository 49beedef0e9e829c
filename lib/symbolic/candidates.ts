/**
 * Candidate values of one atom, at least one in every cell of its domain (design note §4.1,
 * §4.2): a shortest witness per string region found by the product search, subsets of element
 * regions for multivalued claims, breakpoint cells for numbers, dates, IP addresses and the clock,
 * and "absent" where the atom may be missing. Domains follow the pipeline (§2): `sub`/`aud` are
 * required non-empty claims, a registered provider's aud is one of its client IDs, a session name
 * and a source identity are 2–64 characters of `[\w+=,.@-]`.
 */
import type { CompiledClause } from '../conditions/evaluate.js';
import { ANY_STRING, NON_EMPTY, SESSION_NAME, type Domain } from './alphabet.js';
import { NETWORK_KEYS, type AtomRef, type AtomValue } from './bindings.js';
import { clockCandidates, dateCandidates, ipCandidates, numericCandidates } from './cells.js';
import { parseDate } from '../conditions/date.js';
import { parseDecimal } from '../conditions/numeric.js';
import { partition, type Partition, type Tokens } from './partition.js';
import {
  clauseKey,
  constantResolver,
  tokensKey,
  valueKind,
  valueTokens,
  type ValueKind,
} from './patterns.js';
import type { ProviderIdentity } from './providers.js';
import type { SideSpace, SpaceOptions } from './space.js';

/** The cells of an atom cannot be listed exactly: the answer is `unknown`, with this reason. */
export class Unknown extends Error {}

/** A clause that reads a key fed by the atom, with its role. */
export interface AtomReader {
  side: number;
  clause: CompiledClause;
  keyLower: string;
}

export interface Candidates {
  values: AtomValue[];
  inDomain(v: AtomValue): boolean;
  /** Product configurations the string search visited. */
  configurations: number;
  /** The string partition, for looking up concrete values (string atoms). */
  partition?: Partition;
  /** String atoms: each value's partition key (`absent` for undefined), parallel to `values`. */
  keys?: string[];
  /** String atoms: the index of each pattern in the partition, by its tokens joined with `,`. */
  patternIndex?: Map<string, number>;
}

interface Env {
  provider: ProviderIdentity;
  sides: readonly SideSpace[];
  options: SpaceOptions;
}

/** Multivalued claims: element regions beyond this many make the answer `unknown`. */
const MAX_ELEMENT_REGIONS = 10;

function kindOf(atom: AtomRef, readers: readonly AtomReader[]): ValueKind {
  const kinds = new Set<ValueKind>();
  for (const r of readers) {
    const k = valueKind(r.clause.clause.operator.base);
    if (k !== 'null') kinds.add(k);
  }
  if (kinds.size === 0) return 'string';
  if (kinds.size > 1 || kinds.has('binary')) {
    throw new Unknown(
      `${atom.name} is compared by ${[...kinds].join(' and ')} operators at once, which are not analysed together`,
    );
  }
  return [...kinds][0] as ValueKind;
}

/** The distinct patterns of the values of the clauses (roles share most of theirs in a diff). */
function patternsOf(readers: readonly AtomReader[], env: Env): Tokens[] {
  const out: Tokens[] = [];
  const seen = new Set<string>();
  // A clause written the same as one read before gives the same patterns (the two roles of a
  // diff mostly write the same statements).
  const clauses = new Set<string>();
  for (const r of readers) {
    const same = clauseKey(r.clause);
    if (same !== undefined) {
      if (clauses.has(same)) continue;
      clauses.add(same);
    }
    const side = env.sides[r.side] as SideSpace;
    const version = side.analysis.role.policy.policy.version;
    const resolve = constantResolver(side.constants);
    for (const v of r.clause.clause.values) {
      const t = valueTokens(r.clause.clause, v.value, version, resolve);
      const key = t && tokensKey(t);
      if (t && key !== undefined && !seen.has(key)) {
        seen.add(key);
        out.push(t);
      }
    }
  }
  return out;
}

function codePoints(s: string): number[] {
  return [...s].map((ch) => ch.codePointAt(0) as number);
}

function searched(
  atom: AtomRef,
  patterns: Tokens[],
  domain: Domain,
  env: Env,
): { partition: Partition; witnesses: string[] } {
  const p = partition(patterns, domain, env.options.budget);
  if (!p.complete) {
    throw new Unknown(
      `the patterns on ${atom.name} are too complex: the search stopped after ${p.configurations} configurations`,
    );
  }
  return { partition: p, witnesses: p.regions.map((r) => r.witness) };
}

function stringAtom(
  atom: AtomRef,
  readers: readonly AtomReader[],
  env: Env,
  domain: Domain,
  optional: boolean,
): Candidates {
  const patterns = patternsOf(readers, env);
  const registered = env.sides.filter((s) => s.provider.registered);
  if (atom.id === 'claim:aud' && env.provider.kind === 'oidc' && registered.length > 0) {
    const lists = registered.map((s) => s.provider.clientIds);
    if (lists.every((l) => l !== undefined)) {
      // Every role's provider has a client-ID list: aud is one of them (§1.3).
      const finite = [...new Set(lists.flatMap((l) => [...(l ?? [])]))].filter((x) => x !== '');
      return { values: finite, inDomain: (v) => finite.includes(v as string), configurations: 0 };
    }
    // Some role takes any aud: the others' client IDs split the audiences.
    for (const l of lists) for (const id of l ?? []) patterns.push(codePoints(id));
  }
  const { partition: p, witnesses } = searched(atom, patterns, domain, env);
  const keys = p.regions.map((r) => r.key);
  const patternIndex = new Map<string, number>();
  patterns.forEach((t, i) => {
    const key = tokensKey(t);
    if (!patternIndex.has(key)) patternIndex.set(key, i);
  });
  return {
    patternIndex,
    values: optional ? [undefined, ...witnesses] : witnesses,
    keys: optional ? ['absent', ...keys] : keys,
    inDomain: (v) =>
      v === undefined ? optional : typeof v === 'string' && p.keyOf(v) !== undefined,
    configurations: p.configurations,
    partition: p,
  };
}

function multiAtom(atom: AtomRef, readers: readonly AtomReader[], env: Env): Candidates {
  const { partition: p, witnesses } = searched(atom, patternsOf(readers, env), ANY_STRING, env);
  if (witnesses.length > MAX_ELEMENT_REGIONS) {
    throw new Unknown(
      `${atom.name} has ${witnesses.length} kinds of values, too many sets to list`,
    );
  }
  const values: AtomValue[] = [undefined];
  for (let mask = 1; mask < 1 << witnesses.length; mask++) {
    values.push(witnesses.filter((_, i) => (mask & (1 << i)) !== 0));
  }
  return {
    values,
    inDomain: (v) => v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string')),
    configurations: p.configurations,
    partition: p,
  };
}

function constants(readers: readonly AtomReader[], keyLower?: string): string[] {
  return readers
    .filter((r) => keyLower === undefined || r.keyLower === keyLower)
    .flatMap((r) => r.clause.clause.values.map((v) => v.value));
}

function orderedAtom(
  kind: ValueKind,
  readers: readonly AtomReader[],
  optional: boolean,
): Candidates {
  const found =
    kind === 'numeric'
      ? numericCandidates(constants(readers).filter((c) => parseDecimal(c) !== undefined))
      : kind === 'date'
        ? dateCandidates(constants(readers))
        : ipCandidates(constants(readers));
  if (!found) throw new Unknown(`a ${kind} constant is out of the range the analysis splits`);
  return {
    values: optional ? [undefined, ...found] : found,
    inDomain: (v) => (v === undefined ? optional : typeof v === 'string'),
    configurations: 0,
  };
}

function clockAtom(readers: readonly AtomReader[], env: Env): Candidates {
  const dates: number[] = [];
  const epochs: number[] = [];
  for (const r of readers) {
    const k = valueKind(r.clause.clause.operator.base);
    const ok =
      r.keyLower === 'aws:currenttime'
        ? k === 'date' || k === 'null'
        : k === 'numeric' || k === 'null';
    if (!ok)
      throw new Unknown(
        `${r.clause.clause.key} is compared by a ${k} operator, which the clock is not split for`,
      );
    for (const v of r.clause.clause.values) {
      if (k === 'date') {
        const ms = parseDate(v.value);
        if (ms !== undefined) dates.push(ms);
      } else if (k === 'numeric' && parseDecimal(v.value)) epochs.push(Number(v.value));
    }
  }
  const values = clockCandidates(dates, epochs, Math.floor(env.options.now / 1000));
  return { values, inDomain: (v) => typeof v === 'number', configurations: 0 };
}

/** The candidate values of an atom. Throws `Unknown` when its cells cannot be listed exactly. */
export function atomCandidates(
  atom: AtomRef,
  readers: readonly AtomReader[],
  env: Env,
): Candidates {
  switch (atom.kind) {
    case 'tags':
      return {
        values: [undefined, true],
        inDomain: (v) => v === undefined || v === true,
        configurations: 0,
      };
    case 'clock':
      return clockAtom(readers, env);
    case 'session':
      return stringAtom(atom, readers, env, SESSION_NAME, false);
    case 'source-identity':
      return stringAtom(atom, readers, env, SESSION_NAME, true);
    default:
      break;
  }
  const kind = kindOf(atom, readers);
  if (atom.kind === 'context') {
    // Network keys are present or absent together with the call path; the others always present.
    const optional = Object.values(NETWORK_KEYS).includes(atom.name);
    return kind === 'string'
      ? stringAtom(atom, readers, env, ANY_STRING, optional)
      : orderedAtom(kind, readers, optional);
  }
  const oauth = env.provider.kind === 'oauth';
  const required = oauth
    ? (env.provider.module.oauthRequiredClaims ?? []).includes(atom.name)
    : atom.name === 'sub' || atom.name === 'aud';
  if (atom.multiValued) return multiAtom(atom, readers, env);
  if (kind !== 'string') return orderedAtom(kind, readers, !required);
  return stringAtom(atom, readers, env, required && !oauth ? NON_EMPTY : ANY_STRING, !required);
}
