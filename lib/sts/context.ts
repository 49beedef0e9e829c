/** Stage 3: the request context — claims → keys, session tags, source identity, global keys. */
import type { ContextEntry, ContextValueType } from '../conditions/context.js';
import type { Finding } from '../diagnostics.js';
import type { Claims } from '../providers/types.js';
import type { ContextInputValue } from './types.js';

export const TAGS_CLAIM = 'https://aws.amazon.com/tags';
export const SOURCE_IDENTITY_CLAIM = 'https://aws.amazon.com/source_identity';

/** Types of the global keys a caller may give (§3.5, IAM global condition keys). */
const GLOBAL_TYPES: Record<string, ContextValueType> = {
  'aws:sourceip': 'IpAddress',
  'aws:vpcsourceip': 'IpAddress',
  'aws:currenttime': 'Date',
  'aws:epochtime': 'Numeric',
  'aws:securetransport': 'Bool',
  'aws:viaawsservice': 'Bool',
  'aws:multifactorauthpresent': 'Bool',
  'aws:multifactorauthage': 'Numeric',
  'aws:tokenissuetime': 'Date',
  'aws:sourcevpcarn': 'Arn',
  'aws:principalarn': 'Arn',
  'aws:sourcearn': 'Arn',
};

/** Keys AWS never sets on this unsigned call (§3.5): given in a scenario, they are a mistake. */
export const NEVER_SET_KEYS = new Set([
  'aws:principalarn',
  'aws:principaltag',
  'aws:tokenissuetime',
  'aws:multifactorauthpresent',
  'aws:multifactorauthage',
  'aws:username',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalisawsservice',
  'aws:calledvia',
  'aws:calledviafirst',
  'aws:calledvialast',
  'aws:sourcearn',
  'aws:sourceaccount',
]);

export interface SessionTags {
  tags: { key: string; value: string }[];
  transitive: string[];
}

export type TagsParse =
  | { ok: true; value: SessionTags | undefined; unconfirmed: string[] }
  | { ok: false; message: string };

const NO_TAGS: TagsParse = Object.freeze({ ok: true, value: undefined, unconfirmed: [] });

/** Reads the `https://aws.amazon.com/tags` claim (§3.2). */
export function parseSessionTags(claims: Claims): TagsParse {
  const raw = claims[TAGS_CLAIM];
  if (raw === undefined) return NO_TAGS;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      ok: false,
      message: `the "${TAGS_CLAIM}" claim must be an object with principal_tags (and optionally transitive_tag_keys)`,
    };
  }
  const obj = raw as Record<string, unknown>;
  const pt = obj['principal_tags'];
  const unconfirmed: string[] = [];
  const tags: { key: string; value: string }[] = [];
  if (pt !== undefined) {
    if (pt === null || typeof pt !== 'object' || Array.isArray(pt)) {
      return {
        ok: false,
        message: `"principal_tags" in the "${TAGS_CLAIM}" claim must be an object of tag key → [value]`,
      };
    }
    for (const [key, v] of Object.entries(pt as Record<string, unknown>)) {
      const values = Array.isArray(v) ? v : [v];
      if (values.length === 0 || values.some((x) => typeof x !== 'string')) {
        return {
          ok: false,
          message: `session tag "${key}" must have a string value (written as ["value"])`,
        };
      }
      if (values.length > 1) {
        unconfirmed.push(
          `§3.2 (UNCONFIRMED 17): session tag "${key}" has ${values.length} values; the first is used`,
        );
      }
      if (key.length < 1 || key.length > 128)
        return { ok: false, message: `session tag key "${key}" must be 1–128 characters` };
      const value = values[0] as string;
      if (value.length > 256)
        return { ok: false, message: `session tag "${key}" value must be at most 256 characters` };
      tags.push({ key, value });
    }
  }
  if (tags.length > 50)
    return {
      ok: false,
      message: `the token carries ${tags.length} session tags; at most 50 are allowed`,
    };
  const tt = obj['transitive_tag_keys'];
  let transitive: string[] = [];
  if (tt !== undefined) {
    if (!Array.isArray(tt) || tt.some((x) => typeof x !== 'string')) {
      return {
        ok: false,
        message: `"transitive_tag_keys" in the "${TAGS_CLAIM}" claim must be a list of tag keys`,
      };
    }
    transitive = tt as string[];
  }
  return { ok: true, value: { tags, transitive }, unconfirmed };
}

export function tagEntries(t: SessionTags): ContextEntry[] {
  const src = `token claim "${TAGS_CLAIM}"`;
  return [
    ...t.tags.map((tag) => ({
      key: `aws:RequestTag/${tag.key}`,
      values: [tag.value],
      multiValued: false,
      type: 'String' as const,
      source: src,
    })),
    {
      key: 'aws:TagKeys',
      values: t.tags.map((x) => x.key),
      multiValued: true,
      type: 'String',
      source: src,
    },
    {
      key: 'sts:TransitiveTagKeys',
      values: t.transitive,
      multiValued: true,
      type: 'String',
      source: src,
    },
  ];
}

function stringify(v: string | number | boolean): string {
  return typeof v === 'string' ? v : String(v);
}

/** Caller-given context keys (a scenario's `context`). */
export function callerEntries(
  context: Readonly<Record<string, ContextInputValue>>,
  findings: Finding[],
): ContextEntry[] {
  const out: ContextEntry[] = [];
  for (const [key, value] of Object.entries(context)) {
    const lower = key.toLowerCase();
    const base = lower.includes('/') ? lower.slice(0, lower.indexOf('/')) : lower;
    if (NEVER_SET_KEYS.has(base)) {
      findings.push({
        code: 'context-key-never-set',
        severity: 'warning',
        message: `"${key}" is given in the context, but AWS never sets it on AssumeRoleWithWebIdentity, an unsigned call`,
        hint: 'remove it: a real request would not carry it, so a condition on it sees the key as absent',
        spec: '§3.5',
      });
    }
    const multi = Array.isArray(value);
    out.push({
      key,
      values: multi ? value.map(stringify) : [stringify(value)],
      multiValued: multi,
      type:
        GLOBAL_TYPES[lower] ??
        (typeof value === 'number' ? 'Numeric' : typeof value === 'boolean' ? 'Bool' : 'String'),
      source: 'scenario context',
    });
  }
  return out;
}

let lastNow: { now: number; entries: readonly ContextEntry[] } | undefined;

/**
 * Global keys derived from the simulated clock and the call itself (§3.5). Runs use one clock for
 * many requests, so the entries of the last clock are kept (they are never mutated).
 */
export function globalEntries(now: number): readonly ContextEntry[] {
  if (lastNow?.now === now) return lastNow.entries;
  const entries: ContextEntry[] = [
    {
      key: 'aws:CurrentTime',
      values: [new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z')],
      multiValued: false,
      type: 'Date',
      source: 'now',
    },
    {
      key: 'aws:EpochTime',
      values: [String(Math.floor(now / 1000))],
      multiValued: false,
      type: 'Numeric',
      source: 'now',
    },
    {
      key: 'aws:SecureTransport',
      values: ['true'],
      multiValued: false,
      type: 'Bool',
      source: 'STS is called over HTTPS',
    },
    {
      key: 'aws:ViaAWSService',
      values: ['false'],
      multiValued: false,
      type: 'Bool',
      source: 'the caller is not an AWS service',
    },
  ];
  lastNow = { now, entries };
  return entries;
}
