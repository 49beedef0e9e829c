/**
 * `trustspec resolve SOURCE`: what a role source resolves to — the trust policy, the role's facts
 * and the OIDC providers — each value with where it came from. The debugging tool for sources:
 * a value that cannot be known is an error at its file:line:column with the key that supplies it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Finding, Span } from '../diagnostics.js';
import { isBlocking } from '../diagnostics.js';
import { parsePolicy } from '../policy/parse.js';
import { codeFrame } from '../scenarios/frame.js';
import { resolveSource } from '../sources/index.js';
import type { Provenance, SourceFinding, SourceResult, SourceSpec } from '../sources/types.js';
import { EXIT, UsageError, type Io } from './io.js';

export interface ResolveOptions {
  logicalId?: string;
  stack?: string;
  construct?: string;
  address?: string;
  param: string[];
  parametersFile?: string;
  account?: string;
  region?: string;
  partition?: string;
  stackName?: string;
  resource: string[];
  import: string[];
  profile?: string;
  providers?: boolean;
  json?: boolean;
}

/** `K=V` pairs → a record; the value may hold `=`; a repeated key is a usage error. */
function pairs(list: readonly string[], flag: string, json = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag} "${item}" is not KEY=VALUE`);
    const key = item.slice(0, eq);
    const raw = item.slice(eq + 1);
    if (Object.prototype.hasOwnProperty.call(out, key))
      throw new UsageError(`${flag} ${key} is given twice`);
    let value: unknown = raw;
    if (json && /^\s*[[{]/.test(raw)) {
      try {
        value = JSON.parse(raw);
      } catch {
        throw new UsageError(`${flag} ${key}: the value starts like JSON but is not valid JSON`);
      }
    }
    out[key] = value;
  }
  return out;
}

type Kind = SourceSpec['kind'];

/** The kind of source a path names: a cloud assembly, a Terraform plan/state, or a template. */
export function detectKind(path: string): { kind: Kind; path: string } {
  if (!existsSync(path)) throw new UsageError(`no file or folder ${path}`);
  if (statSync(path).isDirectory()) {
    if (existsSync(join(path, 'manifest.json'))) return { kind: 'cdk', path };
    throw new UsageError(
      `${path} is a folder without a manifest.json, so not a CDK cloud assembly`,
      'give the cdk.out folder, a CloudFormation template, or a Terraform plan/state JSON',
    );
  }
  if (/\.json$/i.test(path)) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      return { kind: 'cloudformation', path };
    }
    const o = data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : {};
    if ('format_version' in o && ('planned_values' in o || 'values' in o))
      return { kind: 'terraform', path };
    if ('artifacts' in o && typeof o['version'] === 'string')
      return { kind: 'cdk', path: dirname(path) };
  }
  return { kind: 'cloudformation', path };
}

const KIND_NAMES: Record<Kind, string> = {
  cloudformation: 'a CloudFormation template',
  cdk: 'a CDK cloud assembly',
  terraform: 'a Terraform plan or state',
  live: 'a live role',
};

/** Refuses flags that do not apply to the detected kind of source. */
function only(
  opts: ResolveOptions,
  keys: (keyof ResolveOptions)[],
  kind: Kind,
  flags: string,
): void {
  for (const k of keys) {
    if (opts[k] !== undefined)
      throw new UsageError(`${flags} can be used only with ${KIND_NAMES[kind]}`);
  }
}

/** A deployed role, by its ARN: only --profile, --region and --providers apply. */
function liveSpec(arn: string, opts: ResolveOptions): SourceSpec {
  const templateOnly = [
    'logicalId',
    'stack',
    'construct',
    'address',
    'parametersFile',
    'account',
    'partition',
    'stackName',
  ] as const;
  for (const k of templateOnly) {
    if (opts[k] !== undefined) {
      const flag = k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      throw new UsageError(
        `--${flag} does not apply to a live role: IAM says what the role is`,
        'a live role takes --profile, --region and --providers',
      );
    }
  }
  if (opts.param.length + opts.resource.length + opts.import.length > 0) {
    throw new UsageError(
      '--param, --resource and --import do not apply to a live role: IAM says what the role is',
    );
  }
  return {
    kind: 'live',
    arn,
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
    ...(opts.region !== undefined ? { region: opts.region } : {}),
    ...(opts.providers === true ? { providers: true } : {}),
  };
}

/** The source spec the options describe. */
export function specFrom(source: string, opts: ResolveOptions, io: Io): SourceSpec {
  if (/^arn:/.test(source)) return liveSpec(source, opts);
  const { kind, path } = detectKind(resolve(io.cwd, source));
  only(opts, ['profile', 'providers'], 'live', '--profile and --providers');
  const common = {
    ...(opts.logicalId !== undefined ? { logicalId: opts.logicalId } : {}),
    ...(opts.param.length > 0
      ? { parameters: pairs(opts.param, '--param') as Record<string, string> }
      : {}),
    ...(opts.parametersFile !== undefined ? { parametersFile: opts.parametersFile } : {}),
    ...(opts.account !== undefined ? { account: opts.account } : {}),
    ...(opts.region !== undefined ? { region: opts.region } : {}),
    ...(opts.partition !== undefined ? { partition: opts.partition } : {}),
    ...(opts.resource.length > 0 ? { resources: pairs(opts.resource, '--resource', true) } : {}),
    ...(opts.import.length > 0 ? { imports: pairs(opts.import, '--import', true) } : {}),
  };
  if (opts.construct !== undefined && opts.logicalId !== undefined) {
    throw new UsageError('give --construct or --logical-id, not both');
  }
  if (kind === 'terraform') {
    if (opts.param.length > 0 || opts.import.length > 0) {
      throw new UsageError(
        '--param and --import can be used only with CloudFormation and CDK sources',
      );
    }
    const templateOnly = [
      'logicalId',
      'stack',
      'construct',
      'parametersFile',
      'region',
      'stackName',
    ] as const;
    for (const k of templateOnly) {
      if (opts[k] !== undefined) {
        const flag = k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
        throw new UsageError(`--${flag} can be used only with CloudFormation and CDK sources`);
      }
    }
    return {
      kind,
      file: path,
      ...(opts.address !== undefined ? { address: opts.address } : {}),
      ...(common.resources ? { resources: common.resources } : {}),
      ...(opts.account !== undefined ? { account: opts.account } : {}),
      ...(opts.partition !== undefined ? { partition: opts.partition } : {}),
    };
  }
  only(opts, ['address'], 'terraform', '--address');
  if (kind === 'cdk') {
    only(opts, ['stackName'], 'cloudformation', '--stack-name');
    return {
      kind,
      dir: path,
      ...common,
      ...(opts.stack !== undefined ? { stack: opts.stack } : {}),
      ...(opts.construct !== undefined ? { construct: opts.construct } : {}),
    };
  }
  only(opts, ['stack', 'construct'], 'cdk', '--stack and --construct');
  return {
    kind: 'cloudformation',
    file: path,
    ...common,
    ...(opts.stackName !== undefined ? { stackName: opts.stackName } : {}),
  };
}

// ── output ─────────────────────────────────────────────────────────────────────────────────

function shown(io: Io, file: string | undefined): string {
  if (!file) return '(input)';
  const rel = relative(io.cwd, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function where(io: Io, file: string | undefined, span: Span | undefined): string {
  return `${shown(io, file)}:${span?.start.line ?? 1}:${span?.start.column ?? 1}`;
}

const texts = new Map<string, string>();
function textOf(file: string): string | undefined {
  if (!texts.has(file)) {
    try {
      texts.set(file, readFileSync(file, 'utf8'));
    } catch {
      return undefined;
    }
  }
  return texts.get(file);
}

/** `file:line:col: severity[code]: message`, the hint, and a code frame. */
export function printFinding(io: Io, f: SourceFinding, fallbackFile?: string): void {
  const file = f.file ?? fallbackFile;
  const text = file ? textOf(file) : undefined;
  const frame =
    text !== undefined && f.span
      ? `${codeFrame(text, f.span.start.line, f.span.start.column)}\n`
      : '';
  const label =
    f.severity === 'error' && f.writeTime ? 'error (IAM refuses to store this policy)' : f.severity;
  io.stderr.write(
    `${where(io, file, f.span)}: ${label}[${f.code}]: ${f.message}\n${f.hint ? `  ${f.hint}\n` : ''}${frame}`,
  );
}

function provenanceText(io: Io, p: Provenance | undefined): string {
  if (!p) return '';
  const at = p.file ? where(io, p.file, p.span) : (p.api ?? '');
  return `${p.kind}${p.note ? `: ${p.note}` : ''}${at ? ` (${at})` : ''}`;
}

function human(io: Io, result: Extract<SourceResult, { ok: true }>): string {
  const { role, provenance } = result;
  const tp = provenance['trustPolicy'];
  const lines: string[] = [
    `role ${tp?.note?.replace(/\.AssumeRolePolicyDocument$/, '') ?? ''} (${where(io, role.trustPolicy.file, tp?.span)})`,
  ];
  const fact = (name: string, value: string, key: string) =>
    lines.push(
      `  ${name.padEnd(20)}${value}${provenance[key] ? `    ← ${provenanceText(io, provenance[key])}` : ''}`,
    );
  fact('arn', role.arn ?? '(not known: see the warnings)', 'arn');
  fact(
    'maxSessionDuration',
    role.maxSessionDuration !== undefined
      ? String(role.maxSessionDuration)
      : '(not set: IAM uses 3600)',
    'maxSessionDuration',
  );
  fact('tags', role.tags ? JSON.stringify(role.tags) : '(none)', 'tags');
  lines.push(
    '',
    'trust policy',
    ...JSON.stringify(role.trustPolicy.document, null, 2)
      .split('\n')
      .map((l) => `  ${l}`),
  );
  const derived = Object.keys(provenance).filter(
    (k) => k.startsWith('trustPolicy.') || k.startsWith('trustPolicy['),
  );
  if (derived.length > 0) {
    lines.push('', 'values of the trust policy not written as such in the file');
    for (const k of derived)
      lines.push(
        `  ${k.slice('trustPolicy'.length).replace(/^\./, '')}`,
        `      ← ${provenanceText(io, provenance[k])}`,
      );
  }
  lines.push(
    '',
    result.providers
      ? 'OIDC providers the source creates'
      : 'OIDC providers: the source creates none',
  );
  for (const [i, p] of (result.providers ?? []).entries()) {
    lines.push(
      `  ${p.url}  client IDs: ${p.clientIds.length > 0 ? p.clientIds.join(', ') : '(none)'}`,
      `      ← ${provenanceText(io, provenance[`providers[${i}]`])}`,
    );
    for (const part of ['url', 'clientIds']) {
      const p2 = provenance[`providers[${i}].${part}`];
      if (p2) lines.push(`      ${part} ← ${provenanceText(io, p2)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function jsonFinding(io: Io, f: SourceFinding): Record<string, unknown> {
  return {
    file: shown(io, f.file),
    line: f.span?.start.line ?? 1,
    column: f.span?.start.column ?? 1,
    severity: f.severity,
    code: f.code,
    message: f.message,
    ...(f.hint ? { hint: f.hint } : {}),
  };
}

function jsonOutput(io: Io, result: SourceResult, policyFindings: SourceFinding[]): string {
  const findings = [...result.findings, ...policyFindings].map((f) => jsonFinding(io, f));
  if (!result.ok)
    return `${JSON.stringify({ role: null, providers: null, provenance: {}, errors: findings.filter((f) => f['severity'] === 'error'), findings }, null, 2)}\n`;
  const provenance: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(result.provenance)) {
    provenance[k] = {
      kind: p.kind,
      ...(p.file
        ? {
            file: shown(io, p.file),
            line: p.span?.start.line ?? 1,
            column: p.span?.start.column ?? 1,
          }
        : {}),
      ...(p.pointer ? { pointer: p.pointer } : {}),
      ...(p.api ? { api: p.api } : {}),
      ...(p.note ? { note: p.note } : {}),
    };
  }
  const { role } = result;
  return `${JSON.stringify(
    {
      role: {
        arn: role.arn ?? null,
        maxSessionDuration: role.maxSessionDuration ?? null,
        tags: role.tags ?? null,
        trustPolicy: role.trustPolicy.document,
      },
      providers: result.providers ?? null,
      provenance,
      findings,
    },
    null,
    2,
  )}\n`;
}

export async function resolveCommand(
  source: string,
  opts: ResolveOptions,
  io: Io,
): Promise<number> {
  const spec = specFrom(source, opts, io);
  const result = await resolveSource(spec, { baseDir: io.cwd, env: io.env });
  let policyFindings: SourceFinding[] = [];
  let blocked = !result.ok;
  if (result.ok) {
    const tp = result.role.trustPolicy;
    const parsed = parsePolicy(tp.document as object, {
      ...(tp.spanOf ? { spanOf: tp.spanOf } : {}),
      ...(tp.at ? { at: tp.at } : {}),
    });
    policyFindings = parsed.findings.map((f: Finding) => ({ ...f, file: tp.file }));
    blocked = policyFindings.some(isBlocking);
  }
  for (const f of [...result.findings, ...policyFindings]) printFinding(io, f);
  if (opts.json) io.stdout.write(jsonOutput(io, result, policyFindings));
  else if (result.ok) io.stdout.write(human(io, result));
  return blocked ? EXIT.usage : EXIT.ok;
}
