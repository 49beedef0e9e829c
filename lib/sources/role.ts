/**
 * One `AWS::IAM::Role` of an evaluated template → the shared `SourceResult`: its trust policy
 * (plain data with spans into the template), its ARN, `MaxSessionDuration` and tags, the OIDC
 * providers the template creates, where each value came from, and a positioned error for every
 * value that cannot be known.
 */
import type { Span } from '../diagnostics.js';
import type { ProviderEntry } from '../providers/types.js';
import type { Evaluator } from './intrinsics.js';
import { PROVIDER_TYPES, property, providerUrl } from './resources.js';
import { get, str, type TNode } from './template.js';
import type { Provenance, ResolvedRole, SourceFinding, SourceResult } from './types.js';
import {
  parseJsonText,
  pathText,
  plain,
  pruned,
  spanFinder,
  walk,
  type Cause,
  type Origin,
  type PNode,
} from './values.js';

const ROLE = 'AWS::IAM::Role';

export interface RoleCandidate {
  id: string;
  span: Span;
  /** Its trust policy names a Federated principal or AssumeRoleWithWebIdentity (as written). */
  webIdentity: boolean;
}

/** The template's roles, in file order. */
export function roleCandidates(ev: Evaluator): RoleCandidate[] {
  const resources = ev.section('Resources');
  if (!resources || resources.kind !== 'object') return [];
  return resources.members
    .filter((m) => str(get(m.value, 'Type')) === ROLE)
    .map((m) => ({
      id: m.key,
      span: m.keySpan,
      webIdentity: mentionsWebIdentity(get(get(m.value, 'Properties'), 'AssumeRolePolicyDocument')),
    }));
}

function mentionsWebIdentity(node: TNode | undefined): boolean {
  if (!node) return false;
  if (node.kind === 'scalar')
    return (
      typeof node.value === 'string' && /AssumeRoleWithWebIdentity|"Federated"/.test(node.value)
    );
  if (node.kind === 'array') return node.items.some(mentionsWebIdentity);
  return node.members.some((m) => m.key === 'Federated' || mentionsWebIdentity(m.value));
}

export function describeCandidates(roles: readonly RoleCandidate[]): string {
  return roles
    .map((r) => `${r.id} (line ${r.span.start.line}${r.webIdentity ? ', web identity' : ''})`)
    .join(', ');
}

/** The role to resolve: the one named, or the only one; a finding otherwise. */
export function selectRole(ev: Evaluator, logicalId: string | undefined): string | SourceFinding {
  const roles = roleCandidates(ev);
  const at: Span | undefined = ev.section('Resources')?.span;
  const base = { severity: 'error' as const, file: ev.file, ...(at ? { span: at } : {}) };
  if (logicalId !== undefined) {
    if (roles.some((r) => r.id === logicalId)) return logicalId;
    const other = ev.resourceType(logicalId);
    return {
      ...base,
      code: other ? 'not-a-role' : 'role-not-found',
      message: other
        ? `${logicalId} is ${other}, not an ${ROLE}`
        : `the template has no resource ${logicalId}`,
      hint:
        roles.length > 0
          ? `the roles are: ${describeCandidates(roles)}`
          : `the template has no ${ROLE}`,
    };
  }
  if (roles.length === 1) return (roles[0] as RoleCandidate).id;
  if (roles.length === 0) {
    return {
      ...base,
      code: 'no-role',
      message: `the template has no ${ROLE} resource`,
      hint: 'point at the template that creates the role',
    };
  }
  return {
    ...base,
    code: 'role-ambiguous',
    message: `the template has ${roles.length} roles; say which one`,
    hint: `give the logical id (logicalId: / --logical-id) of one of: ${describeCandidates(roles)}`,
  };
}

// ── unknown values → findings ──────────────────────────────────────────────────────────────

class Collector {
  readonly findings: SourceFinding[] = [];
  readonly provenance: Record<string, Provenance> = {};
  private readonly seen = new Set<string>();

  constructor(readonly ev: Evaluator) {}

  /** Records an error for each cause of each unknown part of `p` (placed at `where` + path). */
  unknowns(p: PNode, where: string): boolean {
    let found = false;
    walk(p, (node, path) => {
      if (node.k !== 'unknown') return;
      found = true;
      for (const c of node.causes) this.cause(c, pathText(path, where));
    });
    return found;
  }

  cause(c: Cause, where: string): void {
    const outer = c.frames[0] ?? { file: c.file, span: c.span };
    const key = `${outer.file}:${outer.span.start.offset}:${c.code}:${c.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const chain = c.frames.map((f) => f.text);
    const at =
      c.frames.length > 0
        ? ` (${c.file === outer.file ? '' : `${c.file}:`}line ${c.span.start.line}, column ${c.span.start.column})`
        : '';
    this.findings.push({
      code: c.code,
      severity: 'error',
      message: `${where}: ${[...chain, c.message].join('; ')}${at}`,
      span: outer.span,
      file: outer.file,
      hint: c.invalid ? c.keys.join('; ') : `supply it: ${c.keys.join(', or ')}`,
    });
  }

  error(
    code: string,
    message: string,
    span: Span | undefined,
    hint: string,
    file = this.ev.file,
  ): void {
    this.findings.push({ code, severity: 'error', message, file, hint, ...(span ? { span } : {}) });
  }

  warn(code: string, message: string, span: Span | undefined, hint: string): void {
    this.findings.push({
      code,
      severity: 'warning',
      message,
      file: this.ev.file,
      hint,
      ...(span ? { span } : {}),
    });
  }

  /** Provenance of a value: `file` when written literally, else from its origins. */
  record(
    key: string,
    span: Span,
    origins: readonly Origin[] | undefined,
    note?: string,
    file = this.ev.file,
  ): void {
    this.provenance[key] = provenanceOf(file, span, origins, note);
  }
}

const RANK: Origin['kind'][] = ['parameter-default', 'parameter', 'supplied', 'derived'];

export function provenanceOf(
  file: string,
  span: Span,
  origins: readonly Origin[] | undefined,
  note?: string,
): Provenance {
  const list = origins ?? [];
  const kind = RANK.find((k) => list.some((o) => o.kind === k)) ?? 'file';
  const notes = [...(note ? [note] : []), ...list.map((o) => o.note)];
  return { kind, file, span, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
}

// ── the role ───────────────────────────────────────────────────────────────────────────────

function trustDocument(ev: Evaluator, id: string, out: Collector): PNode | undefined {
  const raw = property(ev, id, 'AssumeRolePolicyDocument');
  const where = `${id}.AssumeRolePolicyDocument`;
  if (!raw) {
    out.error(
      'trust-policy-missing',
      `role ${id} has no AssumeRolePolicyDocument`,
      ev.resourcePlace(id),
      'CloudFormation requires AssumeRolePolicyDocument on AWS::IAM::Role',
    );
    return undefined;
  }
  if (out.unknowns(raw, where)) return undefined;
  let doc = pruned(raw);
  if (doc.k === 'scalar' && typeof doc.v === 'string') {
    const parsed = parseJsonText(doc);
    if (!parsed.ok) {
      out.error(
        'trust-policy-not-json',
        `${where} is a string that is not JSON once resolved: ${parsed.message}`,
        parsed.span,
        parsed.hint ?? 'a trust policy written as a string must be JSON text',
      );
      return undefined;
    }
    doc = pruned(parsed.value);
  }
  if (doc.k !== 'map') {
    out.error(
      'trust-policy-not-object',
      `${where} is not a policy document (a mapping with Version and Statement)`,
      doc.span,
      'write the trust policy as a mapping, or as a !Sub | JSON string',
    );
    return undefined;
  }
  walk(doc, (node, path) => {
    if (node.k === 'scalar' && node.origins)
      out.record(pathText(path, 'trustPolicy'), node.span, node.origins);
    if (node.k === 'map') {
      for (const e of node.entries) {
        if (e.keyOrigins)
          out.record(`${pathText([...path, e.key], 'trustPolicy')} (key)`, e.keySpan, e.keyOrigins);
      }
    }
  });
  return doc;
}

function roleArn(ev: Evaluator, id: string, out: Collector): string | undefined {
  const name = property(ev, id, 'RoleName');
  const path = property(ev, id, 'Path');
  const span = ev.resourcePlace(id);
  if (!name) {
    out.warn(
      'role-name-generated',
      `role ${id} has no RoleName: CloudFormation generates its name at deployment, so its ARN is not known`,
      span,
      "give the role's arn in the scenario file (role.arn), or set RoleName in the template",
    );
    return undefined;
  }
  const unknownName = out.unknowns(name, `${id}.RoleName`);
  const unknownPath = path ? out.unknowns(path, `${id}.Path`) : false;
  if (unknownName || unknownPath) return undefined;
  const p = path && path.k === 'scalar' ? String(path.v) : '/';
  if (name.k !== 'scalar' || (path && path.k !== 'scalar')) {
    out.error(
      'role-name-invalid',
      `${id}: RoleName and Path must be strings`,
      name.span,
      'write them as strings',
    );
    return undefined;
  }
  if (!/^\/(.*\/)?$/.test(p)) {
    out.error(
      'role-path-invalid',
      `${id}.Path ${JSON.stringify(p)} must begin and end with /`,
      path?.span,
      'write Path as / or /a/b/ (IAM refuses other paths)',
    );
    return undefined;
  }
  const partition = ev.partition(name.span);
  const account = ev.accountFor(name.span);
  if ('k' in partition || typeof account !== 'string') {
    const keys = [
      ...('k' in partition ? partition.causes : []),
      ...(typeof account === 'string' ? [] : account.causes),
    ].flatMap((c) => c.keys);
    out.warn(
      'role-arn-incomplete',
      `the ARN of role ${id} needs the account and the region (or partition)`,
      name.span,
      `give ${[...new Set(keys)].join(' and ')}`,
    );
    return undefined;
  }
  const arn = `arn:${partition.id}:iam::${account}:role${p}${String(name.v)}`;
  out.record(
    'arn',
    name.span,
    [
      ...(name.origins ?? []),
      ...(path && path.k === 'scalar' ? (path.origins ?? []) : []),
      partition.origin,
    ],
    `RoleName ${JSON.stringify(String(name.v))}, Path ${JSON.stringify(p)}, account ${account}`,
  );
  return arn;
}

function maxSessionDuration(ev: Evaluator, id: string, out: Collector): number | undefined {
  const v = property(ev, id, 'MaxSessionDuration');
  if (!v || out.unknowns(v, `${id}.MaxSessionDuration`)) return undefined;
  const n = v.k === 'scalar' && /^\d+$/.test(String(v.v)) ? Number(v.v) : NaN;
  if (!(n >= 3600 && n <= 43200)) {
    out.error(
      'max-session-duration-invalid',
      `${id}.MaxSessionDuration ${JSON.stringify(plain(v))} is not a whole number of seconds from 3600 to 43200`,
      v.span,
      'IAM accepts 3600 (1 hour) to 43200 (12 hours)',
    );
    return undefined;
  }
  out.record('maxSessionDuration', v.span, v.k === 'scalar' ? v.origins : undefined);
  return n;
}

function tags(ev: Evaluator, id: string, out: Collector): Record<string, string> | undefined {
  const v = property(ev, id, 'Tags');
  if (!v || out.unknowns(v, `${id}.Tags`)) return undefined;
  const list = pruned(v);
  const result: Record<string, string> = {};
  if (list.k === 'list') {
    for (const item of list.items) {
      const key = item.k === 'map' ? item.entries.find((e) => e.key === 'Key')?.value : undefined;
      const value =
        item.k === 'map' ? item.entries.find((e) => e.key === 'Value')?.value : undefined;
      if (key?.k === 'scalar' && value?.k === 'scalar' && typeof key.v === 'string') {
        result[key.v] = String(value.v);
        continue;
      }
      out.error(
        'role-tags-invalid',
        `${id}.Tags: each tag is {Key: string, Value: string}`,
        item.span,
        'write Tags as a list of Key/Value pairs',
      );
      return undefined;
    }
  } else {
    out.error(
      'role-tags-invalid',
      `${id}.Tags is not a list`,
      list.span,
      'write Tags as a list of Key/Value pairs',
    );
    return undefined;
  }
  out.record('tags', list.span, undefined);
  return result;
}

// ── providers ──────────────────────────────────────────────────────────────────────────────

function providerIds(ev: Evaluator): string[] {
  const resources = ev.section('Resources');
  if (!resources || resources.kind !== 'object') return [];
  return resources.members
    .filter((m) => PROVIDER_TYPES.includes(str(get(m.value, 'Type')) ?? ''))
    .map((m) => m.key);
}

function provider(
  ev: Evaluator,
  id: string,
  index: number,
  out: Collector,
): ProviderEntry | undefined {
  const type = ev.resourceType(id) as string;
  const span = ev.resourcePlace(id) as Span;
  const exists = ev.resourceExists(id);
  if (exists === false) return undefined;
  if (exists !== true) {
    out.unknowns(exists, `provider ${id} (its Condition)`);
    return undefined;
  }
  let url = providerUrl(ev, id, span);
  const given = ev.supplied(id, span);
  if (
    url.k === 'unknown' &&
    given &&
    given.k === 'scalar' &&
    typeof given.v === 'string' &&
    given.v.includes(':oidc-provider/')
  ) {
    const hostPath = given.v.slice(given.v.indexOf(':oidc-provider/') + ':oidc-provider/'.length);
    url = {
      k: 'scalar',
      v: `https://${hostPath}`,
      span,
      origins: [{ kind: 'derived', note: `Url from the supplied ARN of ${id}` }],
    };
  }
  const listName = type === 'AWS::IAM::OIDCProvider' ? 'ClientIdList' : 'ClientIDList';
  const clients = property(ev, id, listName);
  const badUrl = out.unknowns(url, `${id}.Url`);
  const badClients = clients ? out.unknowns(clients, `${id}.${listName}`) : false;
  if (badUrl || badClients || url.k !== 'scalar') return undefined;
  const clientIds: string[] = [];
  const list = clients ? pruned(clients) : undefined;
  if (
    list &&
    (list.k !== 'list' || list.items.some((i) => i.k !== 'scalar' || typeof i.v !== 'string'))
  ) {
    out.error(
      'provider-client-ids-invalid',
      `${id}.${listName} is not a list of strings`,
      list.span,
      'write the client IDs (audiences) as a list of strings',
      ev.file,
    );
    return undefined;
  }
  for (const item of list && list.k === 'list' ? list.items : [])
    if (item.k === 'scalar') clientIds.push(String(item.v));
  out.record(`providers[${index}]`, span, undefined, `${type} ${id}`, ev.file);
  if (url.origins) out.record(`providers[${index}].url`, url.span, url.origins, undefined, ev.file);
  if (list && list.k === 'list') {
    const origins = list.items.flatMap((i) => (i.k === 'scalar' ? (i.origins ?? []) : []));
    if (origins.length > 0)
      out.record(`providers[${index}].clientIds`, list.span, origins, undefined, ev.file);
  }
  return { url: String(url.v), clientIds };
}

/** The OIDC providers the template creates with these inputs (undefined: it creates none). */
function providers(sources: readonly Evaluator[], out: Collector): ProviderEntry[] | undefined {
  const list: ProviderEntry[] = [];
  for (const ev of sources) {
    for (const id of providerIds(ev)) {
      const p = provider(ev, id, list.length, out);
      if (p) list.push(p);
    }
  }
  return list.length > 0 ? list : undefined;
}

/**
 * Resolves role `id` of the evaluated template, and the providers of `providerSources` (the
 * template itself, or every template of a CDK stack).
 */
export function resolveRole(
  ev: Evaluator,
  id: string,
  extra: SourceFinding[] = [],
  providerSources: readonly Evaluator[] = [ev],
): SourceResult {
  const out = new Collector(ev);
  const exists = ev.resourceExists(id);
  if (exists === false) {
    const cond = str(get(ev.resource(id), 'Condition'));
    out.error(
      'role-not-created',
      `role ${id} has Condition ${cond}, which is false with these inputs: CloudFormation does not create it`,
      ev.resourcePlace(id),
      'give the parameters that make the condition true',
    );
  } else if (exists !== true) out.unknowns(exists, `role ${id} (its Condition)`);
  const doc = exists === true ? trustDocument(ev, id, out) : undefined;
  const role: Omit<ResolvedRole, 'trustPolicy'> = {};
  const arn = roleArn(ev, id, out);
  if (arn) role.arn = arn;
  const msd = maxSessionDuration(ev, id, out);
  if (msd !== undefined) role.maxSessionDuration = msd;
  const t = tags(ev, id, out);
  if (t) role.tags = t;
  const provs = providers(providerSources, out);
  const warnings = providerSources.includes(ev) ? providerSources : [ev, ...providerSources];
  const findings = [...extra, ...warnings.flatMap((e) => e.warnings), ...out.findings];
  if (!doc || findings.some((f) => f.severity === 'error')) return { ok: false, findings };
  out.provenance['trustPolicy'] = {
    kind: 'file',
    file: ev.file,
    span: doc.span,
    note: `${id}.AssumeRolePolicyDocument`,
  };
  return {
    ok: true,
    role: {
      ...role,
      trustPolicy: { document: plain(doc), file: ev.file, spanOf: spanFinder(doc), at: doc.span },
    },
    ...(provs ? { providers: provs } : {}),
    provenance: out.provenance,
    findings,
  };
}
