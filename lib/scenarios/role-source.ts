/**
 * A scenario file's `role:` read from where the role lives: `cloudformation:`, `cdk:`,
 * `terraform:` or `live:` (lib/sources), and `providers: live`. The asynchronous part — reading
 * templates and plans, calling IAM — happens once per run for each distinct source
 * (`RoleSources`, shared by every file); the scenario loader then builds the role from the
 * answer synchronously, with every finding placed in the file it is about.
 */
import { basename, resolve } from 'node:path';
import type { Finding } from '../diagnostics.js';
import { parsePolicy } from '../policy/parse.js';
import type { ProviderEntry } from '../providers/types.js';
import { resolveSource } from '../sources/index.js';
import type { ProvidersResult } from '../sources/live.js';
import type {
  ResolvedRole,
  SourceFinding,
  SourceOptions,
  SourceResult,
  SourceSpec,
} from '../sources/types.js';
import { compilePolicy, type CompiledPolicy } from '../sts/compile.js';
import { readText } from '../files.js';
import { displayPath } from './discover.js';
import { isPlainObject } from './expand.js';
import { codeFrame } from './frame.js';
import { findingsToFileErrors } from './policy.js';
import type { FileError } from './types.js';

/** The keys that name a role's source, in the order the README lists them. */
export const SOURCE_KEYS = ['cloudformation', 'cdk', 'terraform', 'live'] as const;
export type SourceKey = (typeof SOURCE_KEYS)[number];

/** The fields each kind of source reads besides its own key. */
const OPTIONS: Record<SourceKey, readonly string[]> = {
  cloudformation: [
    'logicalId',
    'parameters',
    'parametersFile',
    'account',
    'region',
    'partition',
    'stackName',
    'resources',
    'imports',
  ],
  cdk: [
    'stack',
    'construct',
    'logicalId',
    'parameters',
    'parametersFile',
    'account',
    'region',
    'partition',
    'resources',
    'imports',
  ],
  terraform: ['address', 'resources', 'account', 'partition'],
  live: ['profile', 'region'],
};

/** Every source option, for "this field belongs to …" messages. */
const ALL_OPTIONS = new Set(Object.values(OPTIONS).flat());

/** A problem of the `role:` mapping itself, placed at one of its keys. */
export interface RoleProblem {
  code: string;
  message: string;
  /** The key of the role mapping the problem is at (its value for `at: 'value'`). */
  key?: string;
  hint?: string;
}

/** The source key a role mapping names, if any (the first, when it names several). */
export function sourceKeyOf(role: Record<string, unknown>): SourceKey | undefined {
  return SOURCE_KEYS.find((k) => role[k] !== undefined);
}

function kindsOf(option: string): string {
  const kinds = SOURCE_KEYS.filter((k) => OPTIONS[k].includes(option));
  return kinds.map((k) => `${k}:`).join(' or ');
}

/** The fields of a role mapping that do not fit its kind (a source option without its source…). */
export function roleShapeProblems(role: Record<string, unknown>): RoleProblem[] {
  const problems: RoleProblem[] = [];
  const named = SOURCE_KEYS.filter((k) => role[k] !== undefined);
  const kind = named[0];
  for (const extra of named.slice(1)) {
    problems.push({
      code: 'role-sources-conflict',
      message: `the role names two sources, ${kind}: and ${extra}:`,
      key: extra,
      hint: 'a role is read from one place: keep one of them (another scenario may name the other)',
    });
  }
  if (kind !== undefined && role['trustPolicy'] !== undefined) {
    problems.push({
      code: 'role-source-and-policy',
      message: `the role gives both trustPolicy and ${kind}: — the trust policy would come from two places`,
      key: 'trustPolicy',
      hint: `remove trustPolicy to test the policy ${kind}: defines, or remove ${kind}: to test this one`,
    });
  }
  for (const key of Object.keys(role)) {
    if (!ALL_OPTIONS.has(key) || (kind !== undefined && OPTIONS[kind].includes(key))) continue;
    problems.push({
      code: 'role-field-not-for-source',
      message:
        kind === undefined
          ? `"${key}" is for a role read from ${kindsOf(key)}, and this role gives trustPolicy`
          : `"${key}" is for a role read from ${kindsOf(key)}, not from ${kind}:`,
      key,
      hint:
        kind === undefined
          ? `remove "${key}", or read the role from ${kindsOf(key)}`
          : `a ${kind}: role takes ${OPTIONS[kind].join(', ')}`,
    });
  }
  if (kind === undefined) {
    for (const field of ['arn', 'trustPolicy']) {
      if (role[field] !== undefined) continue;
      problems.push({
        code: 'missing-field',
        message: `missing required field "${field}" in the role`,
        hint:
          field === 'arn'
            ? 'arn: arn:aws:iam::ACCOUNT_ID:role/NAME (the ARN of the role the scenarios assume)'
            : `trustPolicy: a path to the policy (JSON or YAML), an inline mapping — or read the role from where it lives: ${SOURCE_KEYS.map((k) => `${k}:`).join(', ')}`,
      });
    }
  }
  return problems;
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

function stringParameters(
  v: unknown,
): Readonly<Record<string, string | readonly string[]>> | undefined {
  if (!isPlainObject(v)) return undefined;
  const out: Record<string, string | readonly string[]> = {};
  for (const [k, value] of Object.entries(v)) {
    out[k] = Array.isArray(value) ? value.map((x) => String(x)) : String(value);
  }
  return out;
}

/** A `role:` mapping with a source key → what lib/sources reads. */
export function specOf(role: Record<string, unknown>, kind: SourceKey): SourceSpec {
  const str = (k: string): Record<string, string> => {
    const v = text(role[k]);
    return v !== undefined ? { [k]: v } : {};
  };
  const map = (k: string): Record<string, Readonly<Record<string, unknown>>> =>
    isPlainObject(role[k]) ? { [k]: role[k] } : {};
  const params = stringParameters(role['parameters']);
  const template = {
    ...str('logicalId'),
    ...(params ? { parameters: params } : {}),
    ...str('parametersFile'),
    ...str('account'),
    ...str('region'),
    ...str('partition'),
    ...map('resources'),
    ...map('imports'),
  };
  switch (kind) {
    case 'cloudformation':
      return {
        kind,
        file: String(role['cloudformation']),
        ...template,
        ...str('stackName'),
      };
    case 'cdk':
      return { kind, dir: String(role['cdk']), ...template, ...str('stack'), ...str('construct') };
    case 'terraform':
      return {
        kind,
        file: String(role['terraform']),
        ...str('address'),
        ...map('resources'),
        ...str('account'),
        ...str('partition'),
      };
    case 'live':
      return { kind, arn: String(role['live']), ...str('profile'), ...str('region') };
  }
}

/** A source's trust policy, parsed and compiled once per run. */
export interface SourcePolicy {
  compiled?: CompiledPolicy;
  errors: FileError[];
  warnings: FileError[];
  /** The file the policy is in (absolute), or the API call's label for a live role. */
  file: string;
}

/** What `RoleSources` needs: the working folder (for names in reports) and the AWS settings. */
export interface RoleSourcesOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  aws?: SourceOptions['aws'];
}

/**
 * The sources of one run: each distinct source is read once (however many files and scenarios
 * name it), each policy parsed and compiled once, each account's providers listed once.
 */
export class RoleSources {
  private readonly results = new Map<string, Promise<SourceResult>>();
  private readonly providerLists = new Map<string, Promise<ProvidersResult>>();
  private readonly policies = new Map<SourceResult, SourcePolicy>();
  private readonly texts = new Map<string, string | undefined>();
  /** Each compiled policy's document as the source resolved it (for Access Analyzer). */
  private readonly documents = new WeakMap<object, ResolvedRole['trustPolicy']>();

  constructor(private readonly opts: RoleSourcesOptions = {}) {}

  /** The source `spec`, relative to `baseDir` (the scenario file's folder). */
  read(spec: SourceSpec, baseDir: string): Promise<SourceResult> {
    const key = JSON.stringify([baseDir, spec]);
    let pending = this.results.get(key);
    if (!pending) {
      pending = resolveSource(spec, this.sourceOptions(baseDir)).catch(
        (e: unknown): SourceResult => ({
          ok: false,
          findings: [
            {
              code: 'internal-error',
              severity: 'error',
              message: `internal error while reading the role's source: ${(e as Error).message}`,
            },
          ],
        }),
      );
      this.results.set(key, pending);
    }
    return pending;
  }

  /** The OIDC providers of `account` (`providers: live`). */
  liveProviders(
    account: string,
    partition: string,
    more: { profile?: string; region?: string },
  ): Promise<ProvidersResult> {
    const key = JSON.stringify([account, partition, more.profile ?? '', more.region ?? '']);
    let pending = this.providerLists.get(key);
    if (!pending) {
      pending = import('../sources/live.js').then(
        ({ resolveLiveProviders }) =>
          resolveLiveProviders(account, {
            ...this.sourceOptions(this.opts.cwd ?? process.cwd()),
            partition,
            ...(more.profile !== undefined ? { profile: more.profile } : {}),
            ...(more.region !== undefined ? { region: more.region } : {}),
          }),
        (e: unknown): ProvidersResult => ({
          ok: false,
          findings: [
            {
              code: 'internal-error',
              severity: 'error',
              message: `internal error while listing the OIDC providers: ${(e as Error).message}`,
            },
          ],
        }),
      );
      this.providerLists.set(key, pending);
    }
    return pending;
  }

  private sourceOptions(baseDir: string): SourceOptions {
    return {
      baseDir,
      ...(this.opts.env ? { env: this.opts.env } : {}),
      ...(this.opts.aws ? { aws: this.opts.aws } : {}),
    };
  }

  /**
   * The trust policy a compiled policy was made from, as the source resolved it — plain data
   * and the place of each value in the source (what the cross-check sends and maps back).
   */
  trustPolicyOf(policy: object): ResolvedRole['trustPolicy'] | undefined {
    return this.documents.get(policy);
  }

  /** The text of a source file, for code frames (undefined: not a readable file). */
  textOf(file: string): string | undefined {
    if (!this.texts.has(file)) {
      const read = readText(file);
      this.texts.set(file, read.ok ? read.text : undefined);
    }
    return this.texts.get(file);
  }

  /** How a file is named in reports. */
  shown(file: string): string {
    return displayPath(file, this.opts.cwd);
  }

  /** The trust policy of a resolved source, parsed with positions into the source, compiled. */
  policyOf(result: Extract<SourceResult, { ok: true }>): SourcePolicy {
    const cached = this.policies.get(result);
    if (cached) return cached;
    const tp = result.role.trustPolicy;
    const file = tp.file;
    const parsed = parsePolicy(tp.document as object, {
      ...(tp.spanOf ? { spanOf: tp.spanOf } : {}),
      ...(tp.at ? { at: tp.at } : {}),
    });
    const source = this.textOf(file);
    const shown = this.shown(file);
    const found = (findings: readonly Finding[]): { errors: FileError[]; warnings: FileError[] } =>
      findingsToFileErrors(findings, shown, source ?? '', undefined, source !== undefined);
    const out: SourcePolicy = { file, ...found(parsed.findings) };
    if (parsed.ok) {
      const compiled = compilePolicy(parsed.policy);
      const c = found(compiled.findings);
      out.errors.push(...c.errors);
      out.warnings.push(...c.warnings);
      if (compiled.ok && out.errors.length === 0) {
        out.compiled = compiled;
        this.documents.set(compiled, tp);
      }
    }
    this.policies.set(result, out);
    return out;
  }

  /**
   * A source's finding as a file error: placed in the file it is about when it has a place there,
   * else at `fallback` (the source's key in the scenario file), naming the file in the message.
   */
  fileError(f: SourceFinding, fallback: FileError): FileError {
    const file = f.file !== undefined ? resolve(this.opts.cwd ?? '.', f.file) : undefined;
    const source = file !== undefined ? this.textOf(file) : undefined;
    const severity = f.severity === 'error' ? 'error' : 'warning';
    if (file !== undefined && f.span && source !== undefined) {
      const { line, column } = f.span.start;
      return {
        file: this.shown(file),
        line,
        column,
        message: f.message,
        code: f.code,
        ...(f.hint ? { hint: f.hint } : {}),
        frame: codeFrame(source, line, column),
        severity,
      };
    }
    // Name the file unless the message already does (as given, or by its name).
    const named =
      f.file !== undefined && (f.message.includes(f.file) || f.message.includes(basename(f.file)));
    const where = f.file !== undefined && !named ? `${f.file}: ` : '';
    return {
      ...fallback,
      message: `${where}${f.message}`,
      code: f.code,
      ...(f.hint ? { hint: f.hint } : {}),
      severity,
    };
  }
}

/** The providers a scenario uses: its own, else the file's, else the ones its role's source defines. */
export function chooseProviders(
  own: readonly ProviderEntry[] | undefined,
  file: readonly ProviderEntry[] | undefined,
  source: readonly ProviderEntry[] | undefined,
): ProviderEntry[] | undefined {
  const chosen = own ?? file ?? source;
  return chosen === undefined ? undefined : [...chosen];
}
