/**
 * `role: { terraform: plan.json, address: … }`: a role as Terraform plans it or has it in its
 * state, read from the JSON of `terraform show -json` (never from HCL: variables, modules, data
 * sources and functions are Terraform's to evaluate). Reads the `aws_iam_role` (or
 * `data.aws_iam_role`) at the address — its `assume_role_policy`, a JSON string parsed with
 * positions mapped back into the plan file, its ARN, `max_session_duration` and tags — and the
 * OIDC providers of the plan (`aws_iam_openid_connect_provider`, and
 * `data.aws_iam_openid_connect_provider` read while planning). An address of a
 * `data.aws_iam_policy_document` gives that document (its `json`) without role facts.
 *
 * A value known only after apply (`after_unknown`) is an error naming the address, the attribute,
 * what it depends on (from `configuration`) and the `resources:` key that supplies it: never a
 * guess.
 */
import { resolve } from 'node:path';
import type { Span } from '../diagnostics.js';
import { readFileBytes } from '../files.js';
import { MAX_SOURCE_BYTES } from './supply.js';
import type { AstNode } from '../policy/ast.js';
import type { ProviderEntry } from '../providers/types.js';
import { readEmbeddedJson, spanOfAst } from './json-text.js';
import {
  configOf,
  hasUnknown,
  member,
  memberSpan,
  pointerStep,
  readTerraformJson,
  referencesIn,
  stringOf,
  type TfDocument,
  type TfInstance,
} from './terraform-json.js';
import type {
  Provenance,
  ResolvedRole,
  SourceFinding,
  SourceOptions,
  SourceResult,
  SourceSpec,
} from './types.js';

export type TerraformSpec = Extract<SourceSpec, { kind: 'terraform' }>;

/** What an attribute of an instance is: its value, known only after apply, supplied, or absent. */
type Attr =
  | { state: 'known'; node: AstNode; pointer: string }
  | { state: 'supplied'; value: unknown; key: string }
  | { state: 'unknown'; span?: Span }
  | { state: 'absent' };

/** The key under `resources:` that supplies `attribute` of `address`, quoted for YAML if needed. */
export function supplyKey(address: string, attribute: string): string {
  const key = `${address}.${attribute}`;
  if (/^[A-Za-z0-9_.-]+$/.test(key)) return key;
  return key.includes("'") ? JSON.stringify(key) : `'${key}'`;
}

interface Ctx {
  spec: TerraformSpec;
  file: string;
  doc: TfDocument;
  findings: SourceFinding[];
}

function attr(ctx: Ctx, inst: TfInstance, name: string): Attr {
  const key = `${inst.address}.${name}`;
  const supplied = ctx.spec.resources?.[key];
  if (supplied !== undefined) return { state: 'supplied', value: supplied, key };
  const unknown = member(inst.unknown, name);
  if (hasUnknown(unknown)) {
    const span = inst.unknown?.kind === 'object' ? memberSpan(inst.unknown, name) : undefined;
    return span ? { state: 'unknown', span } : { state: 'unknown' };
  }
  const node = member(inst.values, name);
  if (!node || node.kind === 'null') return { state: 'absent' };
  return { state: 'known', node, pointer: inst.pointer + pointerStep(name) };
}

function fileProvenance(ctx: Ctx, a: { node: AstNode; pointer: string }, note: string): Provenance {
  return { kind: 'file', file: ctx.file, span: a.node.span, pointer: a.pointer, note };
}

function suppliedProvenance(key: string): Provenance {
  return { kind: 'supplied', note: `resources: ${key}` };
}

/** The span that stands for an instance: its `address` member, else the whole entry. */
function instanceSpan(inst: TfInstance): Span {
  return memberSpan(inst.entry, 'address') ?? inst.entry.span;
}

function error(
  ctx: Ctx,
  code: string,
  message: string,
  span: Span | undefined,
  hint: string,
): SourceFinding {
  const f: SourceFinding = { code, severity: 'error', message, hint, file: ctx.file };
  if (span) f.span = span;
  return f;
}

/**
 * Why an attribute is unknown, from the configuration: what its expression refers to, and for a
 * `data.aws_iam_policy_document` among them, when it is read and what it refers to in turn.
 */
function dependencies(ctx: Ctx, inst: TfInstance, name: string): string {
  const config = configOf(ctx.doc, inst);
  const refs = referencesIn(member(member(config, 'expressions'), name));
  if (refs.length === 0) return '';
  const prefix = inst.module ? `${inst.module}.` : '';
  const parts = refs.slice(0, 4).map((ref) => {
    const doc = /^data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)/.exec(ref);
    if (!doc) return `${prefix}${ref}`;
    const base = `${prefix}data.aws_iam_policy_document.${doc[1]}`;
    const source = ctx.doc.instances.find(
      (i) => i.address === base || i.address.startsWith(`${base}[`),
    );
    if (!source?.actions?.includes('read')) return `${prefix}${ref}`;
    const why = source.actionReason ? ` (${source.actionReason})` : '';
    const its = referencesIn(member(configOf(ctx.doc, source), 'expressions'))
      .filter(
        (r) =>
          !r.startsWith('var.') &&
          !r.startsWith('local.') &&
          !r.startsWith('each.') &&
          !r.startsWith('count.'),
      )
      .slice(0, 3)
      .map((r) => `${prefix}${r}`);
    return `${prefix}${ref}, which Terraform reads only during apply${why}${its.length ? ` because it refers to ${its.join(', ')}` : ''}`;
  });
  return `; it depends on ${parts.join('; and on ')}`;
}

function unknownFinding(
  ctx: Ctx,
  inst: TfInstance,
  name: string,
  span: Span | undefined,
  example: string,
): SourceFinding {
  return error(
    ctx,
    'tf-unknown-value',
    `${inst.address}.${name} is known only after apply (after_unknown in the plan)${dependencies(ctx, inst, name)}`,
    span ?? instanceSpan(inst),
    `supply it: resources: { ${supplyKey(inst.address, name)}: ${example} } in the scenario's role — or apply what it depends on first and plan again, or test the state after apply (terraform show -json > state.json)`,
  );
}

const POLICY_EXAMPLE = `'{"Version":"2012-10-17","Statement":[…]}'`;

/** The trust policy of a role (or the `json` of a policy document data source). */
function trustPolicy(
  ctx: Ctx,
  inst: TfInstance,
  name: 'assume_role_policy' | 'json',
  provenance: Record<string, Provenance>,
): ResolvedRole['trustPolicy'] | undefined {
  const a = attr(ctx, inst, name);
  if (a.state === 'unknown') {
    ctx.findings.push(unknownFinding(ctx, inst, name, a.span, POLICY_EXAMPLE));
    return undefined;
  }
  if (a.state === 'absent') {
    ctx.findings.push(
      error(
        ctx,
        'tf-no-policy',
        `${inst.address} has no ${name} in the ${ctx.doc.kind}`,
        instanceSpan(inst),
        `check the address; supply it with resources: { ${supplyKey(inst.address, name)}: ${POLICY_EXAMPLE} }`,
      ),
    );
    return undefined;
  }
  if (a.state === 'supplied') {
    let value = a.value;
    if (typeof value === 'string') {
      const text = readEmbeddedJson(value);
      if (!text.ast) {
        ctx.findings.push(
          error(
            ctx,
            'tf-supplied-policy',
            `resources: ${a.key} is not JSON: ${text.findings[0]?.message ?? ''}`,
            instanceSpan(inst),
            'give the policy as JSON text or as a mapping',
          ),
        );
        return undefined;
      }
      value = text.value;
    }
    provenance['trustPolicy'] = suppliedProvenance(a.key);
    return { document: value, file: ctx.file, at: instanceSpan(inst) };
  }
  if (a.node.kind !== 'string') {
    ctx.findings.push(
      error(
        ctx,
        'tf-policy-type',
        `${inst.address}.${name} is ${a.node.kind === 'object' ? 'an object' : `a ${a.node.kind}`}, not the JSON string the AWS provider stores`,
        a.node.span,
        'give the output of terraform show -json unchanged',
      ),
    );
    return undefined;
  }
  const text = readEmbeddedJson(a.node.value, {
    lines: ctx.doc.lines,
    quote: a.node.span.start.offset,
  });
  for (const f of text.findings) ctx.findings.push({ ...f, file: ctx.file });
  if (!text.ast || text.findings.some((f) => f.severity === 'error')) {
    if (!text.ast || ctx.findings.every((f) => f.severity !== 'error')) {
      ctx.findings.push(
        error(
          ctx,
          'tf-policy-json',
          `${inst.address}.${name} is not valid JSON`,
          a.node.span,
          'IAM would refuse this policy',
        ),
      );
    }
    return undefined;
  }
  const config = configOf(ctx.doc, inst);
  const from = referencesIn(member(member(config, 'expressions'), name)).find((r) =>
    r.startsWith('data.aws_iam_policy_document.'),
  );
  provenance['trustPolicy'] = fileProvenance(
    ctx,
    a,
    `${inst.address}.${name}${from ? `, rendered by ${inst.module ? `${inst.module}.` : ''}${from.replace(/\.json$/, '')}` : ''}`,
  );
  return {
    document: text.value,
    file: ctx.file,
    spanOf: spanOfAst(text.ast, text.map),
    at: a.node.span,
  };
}

const ROLE_TYPES = new Set(['aws_iam_role']);

function isRole(i: TfInstance): boolean {
  return ROLE_TYPES.has(i.type) && (i.mode === 'managed' || i.mode === 'data');
}

function isDeleted(i: TfInstance): boolean {
  return (
    i.origin === 'resource_changes' && (i.actions ?? []).length === 1 && i.actions?.[0] === 'delete'
  );
}

function listed(addresses: string[]): string {
  const shown = addresses.slice(0, 12).join(', ');
  return addresses.length > 12 ? `${shown}, … (${addresses.length} in all)` : shown;
}

/** The instance the spec names, or a finding saying which there are. */
function select(ctx: Ctx): TfInstance | undefined {
  const roles = ctx.doc.instances.filter((i) => isRole(i) && !isDeleted(i));
  const wanted = ctx.spec.address;
  if (wanted === undefined) {
    if (roles.length === 1) return roles[0];
    const what =
      roles.length === 0
        ? `no aws_iam_role in this ${ctx.doc.kind}`
        : `${roles.length} roles in this ${ctx.doc.kind}: ${listed(roles.map((r) => r.address))}`;
    ctx.findings.push({
      code: roles.length === 0 ? 'tf-no-role' : 'tf-role-ambiguous',
      severity: 'error',
      message: what,
      hint:
        roles.length === 0
          ? 'plan the configuration that creates the role, or give address: of a data.aws_iam_policy_document'
          : `choose one: address: ${roles[0]?.address ?? ''}`,
      file: ctx.file,
    });
    return undefined;
  }
  const hit = ctx.doc.instances.find((i) => i.address === wanted);
  if (hit && isDeleted(hit)) {
    ctx.findings.push(
      error(
        ctx,
        'tf-role-deleted',
        `${wanted} is planned for deletion: after this plan it does not exist`,
        instanceSpan(hit),
        'test a role that the plan keeps or creates',
      ),
    );
    return undefined;
  }
  if (hit && (isRole(hit) || (hit.mode === 'data' && hit.type === 'aws_iam_policy_document')))
    return hit;
  if (hit) {
    ctx.findings.push(
      error(
        ctx,
        'tf-not-a-role',
        `${wanted} is a ${hit.mode === 'data' ? 'data source ' : ''}${hit.type}, not an aws_iam_role`,
        instanceSpan(hit),
        roles.length
          ? `roles in this ${ctx.doc.kind}: ${listed(roles.map((r) => r.address))}`
          : 'give the address of an aws_iam_role',
      ),
    );
    return undefined;
  }
  const near = roles.filter(
    (r) =>
      r.address.startsWith(`${wanted}[`) ||
      r.address.replace(/\[[^\]]*\]/g, '') === wanted.replace(/\[[^\]]*\]/g, ''),
  );
  ctx.findings.push({
    code: 'tf-address-not-found',
    severity: 'error',
    message: `no resource ${wanted} in this ${ctx.doc.kind}`,
    hint: near.length
      ? `with count or for_each the address has the instance key: ${listed(near.map((r) => r.address))}`
      : roles.length
        ? `roles in this ${ctx.doc.kind}: ${listed(roles.map((r) => r.address))}`
        : `there is no aws_iam_role in this ${ctx.doc.kind}`,
    file: ctx.file,
  });
  return undefined;
}

/** `arn` as planned or stored; else supplied; else built from name and path with `account:`. */
function roleArn(
  ctx: Ctx,
  inst: TfInstance,
  provenance: Record<string, Provenance>,
): string | undefined {
  const a = attr(ctx, inst, 'arn');
  if (a.state === 'known' && a.node.kind === 'string') {
    provenance['arn'] = fileProvenance(ctx, a, `${inst.address}.arn`);
    return a.node.value;
  }
  if (a.state === 'supplied' && typeof a.value === 'string') {
    provenance['arn'] = suppliedProvenance(a.key);
    return a.value;
  }
  const name = attr(ctx, inst, 'name');
  const path = attr(ctx, inst, 'path');
  const nameText = name.state === 'known' ? stringOf(name.node) : undefined;
  const pathText =
    path.state === 'known' ? stringOf(path.node) : path.state === 'absent' ? '/' : undefined;
  const account = ctx.spec.account;
  if (nameText && pathText && account) {
    const partition = ctx.spec.partition ?? 'aws';
    provenance['arn'] = {
      kind: 'derived',
      file: ctx.file,
      span: instanceSpan(inst),
      note: `from ${inst.address} name and path, account ${account} (given)${ctx.spec.partition ? '' : ', partition aws (default; give partition: for aws-cn or aws-us-gov)'}`,
    };
    return `arn:${partition}:iam::${account}:role${pathText}${nameText}`;
  }
  const why =
    name.state === 'unknown'
      ? 'its name is chosen at apply (name_prefix, or a name known only after apply)'
      : !account
        ? 'the plan does not know it yet'
        : 'its path is known only after apply';
  ctx.findings.push({
    code: 'tf-role-arn-unknown',
    severity: 'warning',
    message: `the ARN of ${inst.address} is not in the ${ctx.doc.kind}: ${why}`,
    hint: `give arn: in the scenario's role, or resources: { ${supplyKey(inst.address, 'arn')}: arn:aws:iam::111122223333:role/… }${!account && nameText ? ', or account: (the ARN is then built from its name and path)' : ''}`,
    file: ctx.file,
    span: instanceSpan(inst),
  });
  return undefined;
}

function stringMap(node: AstNode): Record<string, string> | undefined {
  if (node.kind !== 'object') return undefined;
  const out: Record<string, string> = {};
  for (const m of node.members) {
    if (m.value.kind !== 'string') return undefined;
    out[m.key] = m.value.value;
  }
  return out;
}

/** `max_session_duration` and `tags_all` (or `tags`), when known. */
function roleFacts(
  ctx: Ctx,
  inst: TfInstance,
  role: ResolvedRole,
  provenance: Record<string, Provenance>,
): void {
  const msd = attr(ctx, inst, 'max_session_duration');
  if (msd.state === 'known' && msd.node.kind === 'number') {
    role.maxSessionDuration = msd.node.value;
    provenance['maxSessionDuration'] = fileProvenance(
      ctx,
      msd,
      `${inst.address}.max_session_duration`,
    );
  } else if (msd.state === 'supplied' && typeof msd.value === 'number') {
    role.maxSessionDuration = msd.value;
    provenance['maxSessionDuration'] = suppliedProvenance(msd.key);
  } else if (msd.state === 'unknown') {
    ctx.findings.push({
      ...unknownFinding(ctx, inst, 'max_session_duration', msd.span, '3600'),
      severity: 'warning',
    });
  }
  for (const name of ['tags_all', 'tags'] as const) {
    const t = attr(ctx, inst, name);
    const tags = t.state === 'known' ? stringMap(t.node) : undefined;
    if (t.state === 'known' && tags) {
      role.tags = tags;
      provenance['tags'] = fileProvenance(
        ctx,
        t,
        name === 'tags_all'
          ? `${inst.address}.tags_all (with the provider's default_tags)`
          : `${inst.address}.tags (tags_all is known only after apply: the provider's default_tags are not included)`,
      );
      return;
    }
  }
}

function providerUrl(url: string): string {
  return /^https:\/\//i.test(url) ? url : `https://${url}`;
}

/** The OIDC providers the plan or state defines; undefined when it defines none. */
function providers(ctx: Ctx, provenance: Record<string, Provenance>): ProviderEntry[] | undefined {
  const found = ctx.doc.instances.filter(
    (i) => i.type === 'aws_iam_openid_connect_provider' && !isDeleted(i),
  );
  if (found.length === 0) return undefined;
  const out: ProviderEntry[] = [];
  for (const inst of found) {
    const url = attr(ctx, inst, 'url');
    const ids = attr(ctx, inst, 'client_id_list');
    let urlText: string | undefined;
    if (url.state === 'known') urlText = stringOf(url.node);
    else if (url.state === 'supplied' && typeof url.value === 'string') urlText = url.value;
    else if (url.state === 'unknown')
      ctx.findings.push(
        unknownFinding(ctx, inst, 'url', url.span, 'https://oidc.eks.REGION.amazonaws.com/id/ID'),
      );
    let clientIds: string[] | undefined;
    if (
      ids.state === 'known' &&
      ids.node.kind === 'array' &&
      ids.node.items.every((x) => x.kind === 'string')
    )
      clientIds = ids.node.items.map((x) => (x as { value: string }).value);
    else if (
      ids.state === 'supplied' &&
      Array.isArray(ids.value) &&
      ids.value.every((x) => typeof x === 'string')
    )
      clientIds = ids.value as string[];
    else if (ids.state === 'unknown')
      ctx.findings.push(
        unknownFinding(ctx, inst, 'client_id_list', ids.span, '[sts.amazonaws.com]'),
      );
    else if (ids.state === 'absent') clientIds = [];
    if (urlText === undefined || clientIds === undefined) {
      if (url.state !== 'unknown' && ids.state !== 'unknown')
        ctx.findings.push(
          error(
            ctx,
            'tf-provider-incomplete',
            `${inst.address} has no readable url or client_id_list`,
            instanceSpan(inst),
            `supply them: resources: { ${supplyKey(inst.address, 'url')}: …, ${supplyKey(inst.address, 'client_id_list')}: [...] }`,
          ),
        );
      continue;
    }
    const index = out.length;
    out.push({ url: providerUrl(urlText), clientIds });
    const scheme = /^https:\/\//i.test(urlText)
      ? ''
      : ' (stored without https://, as IAM returns it)';
    provenance[`providers[${index}]`] =
      url.state === 'known'
        ? fileProvenance(ctx, url, `${inst.address}.url${scheme}`)
        : suppliedProvenance(supplyKey(inst.address, 'url'));
  }
  return out;
}

/** The file's text: UTF-8 (a BOM dropped), or UTF-16 as PowerShell 5 redirects write it. */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

async function load(
  spec: TerraformSpec,
  opts: SourceOptions,
): Promise<{ doc?: TfDocument; findings: SourceFinding[] }> {
  const file = resolve(opts.baseDir, spec.file);
  const read = readFileBytes(file, MAX_SOURCE_BYTES);
  if (!read.ok) {
    return {
      findings: [
        {
          code: read.code === 'file-not-found' ? 'source-not-found' : 'tf-file-unreadable',
          severity: 'error',
          message:
            read.code === 'file-not-found'
              ? `the Terraform plan or state ${spec.file} does not exist`
              : `the Terraform plan or state ${spec.file} ${read.message}`,
          hint:
            read.code === 'file-not-found'
              ? "check the path (relative paths start from the scenario file's folder); write the JSON with terraform show -json plan.out > plan.json"
              : read.code === 'file-too-large'
                ? 'trustspec reads plans and states of at most 50 MB'
                : (read.hint ?? 'name a regular file'),
          file,
        },
      ],
    };
  }
  const bytes = read.bytes;
  if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    return {
      findings: [
        {
          code: 'tf-binary-plan',
          severity: 'error',
          message: `${spec.file} is a binary plan file (terraform plan -out), not JSON`,
          hint: `convert it: terraform show -json ${spec.file} > plan.json`,
          file,
        },
      ],
    };
  }
  const json = readTerraformJson(decodeText(bytes));
  return {
    ...(json.doc ? { doc: json.doc } : {}),
    findings: json.findings.map((f) => ({ ...f, file })),
  };
}

/** `role: { terraform: FILE, address: ADDRESS }` → the role. */
export async function resolveTerraform(
  spec: TerraformSpec,
  opts: SourceOptions,
): Promise<SourceResult> {
  const loaded = await load(spec, opts);
  if (!loaded.doc) return { ok: false, findings: loaded.findings };
  const ctx: Ctx = { spec, file: resolve(opts.baseDir, spec.file), doc: loaded.doc, findings: [] };
  if (ctx.doc.errored) {
    ctx.findings.push({
      code: 'tf-plan-errored',
      severity: 'warning',
      message: 'planning failed (errored: true): the plan may lack resources and values',
      hint: 'fix the plan errors and plan again',
      file: ctx.file,
    });
  }
  const inst = select(ctx);
  if (!inst) return { ok: false, findings: ctx.findings };
  const provenance: Record<string, Provenance> = {};
  const isDocument = inst.type === 'aws_iam_policy_document';
  const policy = trustPolicy(ctx, inst, isDocument ? 'json' : 'assume_role_policy', provenance);
  const role: ResolvedRole = { trustPolicy: policy ?? { document: undefined, file: ctx.file } };
  if (!isDocument) {
    const arn = roleArn(ctx, inst, provenance);
    if (arn) role.arn = arn;
    roleFacts(ctx, inst, role, provenance);
  }
  const found = providers(ctx, provenance);
  if (!policy || ctx.findings.some((f) => f.severity === 'error'))
    return { ok: false, findings: ctx.findings };
  return {
    ok: true,
    role,
    ...(found ? { providers: found } : {}),
    provenance,
    findings: ctx.findings,
  };
}
