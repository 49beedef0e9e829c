/**
 * `role: { cdk: ./cdk.out, stack, construct | logicalId }` → the role as `cdk synth` wrote it into
 * the cloud assembly. The CDK app is never run: `manifest.json` names the stacks and their
 * templates, construct paths map to logical ids through the `aws:cdk:logicalId` metadata (in the
 * manifest, in an `additionalMetadataFile`, or the templates' `aws:cdk:path`), nested stacks are
 * the `*.nested.template.json` files the parent's asset metadata (or its asset manifest) names.
 * From there it is a CloudFormation template, read by the same evaluator, with CDK's
 * `Custom::AWSCDKCfnJson` and `Custom::AWSCDKOpenIdConnectProvider` understood.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Span } from '../diagnostics.js';
import {
  environmentFindings,
  parameterInputs,
  pick,
  placed,
  readSourceFile,
  transformFindings,
} from './cloudformation.js';
import { Evaluator, type EvalEnv } from './intrinsics.js';
import { describeCandidates, resolveRole, roleCandidates, type RoleCandidate } from './role.js';
import { get, readTemplate, str, type TNode } from './template.js';
import type { SourceFinding, SourceOptions, SourceResult, SourceSpec } from './types.js';
import { text, type PNode } from './values.js';

export type CdkSpec = Extract<SourceSpec, { kind: 'cdk' }>;

interface Stack {
  /** Artifact id (also the stack's path in a stage: `Stage/Stack` via displayName). */
  id: string;
  displayName: string;
  stackName: string;
  templateFile: string;
  dir: string;
  account?: string;
  region?: string;
  /** Construct path (`/Stack/Role/Resource`) → logical id. */
  logicalIds: Map<string, string>;
}

type Json = Record<string, unknown>;

function asObject(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

function readJson(path: string, what: string, findings: SourceFinding[]): Json | undefined {
  const file = readSourceFile(path, what);
  if (!file.ok) {
    findings.push(file.finding);
    return undefined;
  }
  try {
    const v = asObject(JSON.parse(file.text));
    if (v) return v;
  } catch (e) {
    findings.push({
      code: 'cdk-manifest-invalid',
      severity: 'error',
      message: `${what} is not valid JSON: ${(e as Error).message}`,
      file: path,
      hint: 'run cdk synth again',
    });
    return undefined;
  }
  findings.push({
    code: 'cdk-manifest-invalid',
    severity: 'error',
    message: `${what} is not a JSON object`,
    file: path,
    hint: 'run cdk synth again',
  });
  return undefined;
}

function addLogicalIds(into: Map<string, string>, metadata: unknown): void {
  for (const [path, entries] of Object.entries(asObject(metadata) ?? {})) {
    if (!Array.isArray(entries)) continue;
    for (const e of entries) {
      const entry = asObject(e);
      if (entry?.['type'] === 'aws:cdk:logicalId' && typeof entry['data'] === 'string')
        into.set(path, entry['data']);
    }
  }
}

/** The stacks of an assembly, and of the assemblies nested in it (CDK Stages). */
function readAssembly(dir: string, findings: SourceFinding[], depth = 0): Stack[] {
  const manifestPath = join(dir, 'manifest.json');
  const manifest = readJson(manifestPath, 'the cloud assembly manifest', findings);
  if (!manifest) return [];
  const stacks: Stack[] = [];
  for (const [id, a] of Object.entries(asObject(manifest['artifacts']) ?? {})) {
    const artifact = asObject(a);
    const props = asObject(artifact?.['properties']) ?? {};
    if (
      artifact?.['type'] === 'cdk:cloud-assembly' &&
      typeof props['directoryName'] === 'string' &&
      depth < 5
    ) {
      stacks.push(...readAssembly(join(dir, props['directoryName']), findings, depth + 1));
      continue;
    }
    if (
      artifact?.['type'] !== 'aws:cloudformation:stack' ||
      typeof props['templateFile'] !== 'string'
    )
      continue;
    const logicalIds = new Map<string, string>();
    addLogicalIds(logicalIds, artifact['metadata']);
    const extra = artifact['additionalMetadataFile'];
    if (typeof extra === 'string')
      addLogicalIds(logicalIds, readJson(join(dir, extra), 'the stack metadata file', findings));
    const env = /^aws:\/\/([^/]*)\/(.*)$/.exec(String(artifact['environment'] ?? ''));
    stacks.push({
      id,
      displayName: typeof artifact['displayName'] === 'string' ? artifact['displayName'] : id,
      stackName: typeof props['stackName'] === 'string' ? props['stackName'] : id,
      templateFile: join(dir, props['templateFile']),
      dir,
      ...(env && env[1] !== 'unknown-account' && env[1] !== '' ? { account: env[1] } : {}),
      ...(env && env[2] !== 'unknown-region' && env[2] !== '' ? { region: env[2] } : {}),
      logicalIds,
    });
  }
  return stacks;
}

const trimSlash = (p: string) => p.replace(/^\/+|\/+$/g, '');

function stackChoice(stacks: readonly Stack[]): string {
  return stacks
    .map((s) => (s.displayName === s.id ? s.id : `${s.displayName} (${s.id})`))
    .join(', ');
}

function selectStack(
  stacks: readonly Stack[],
  spec: CdkSpec,
  manifest: string,
): Stack | SourceFinding {
  const fail = (code: string, message: string, hint: string): SourceFinding => ({
    code,
    severity: 'error',
    message,
    file: manifest,
    hint,
  });
  if (stacks.length === 0)
    return fail(
      'cdk-no-stacks',
      'the cloud assembly has no CloudFormation stacks',
      'point at the cdk.out folder of an app that defines stacks',
    );
  if (spec.stack !== undefined) {
    const found = stacks.filter(
      (s) => s.id === spec.stack || s.displayName === spec.stack || s.stackName === spec.stack,
    );
    if (found.length === 1) return found[0] as Stack;
    return fail(
      'cdk-stack-not-found',
      `the cloud assembly has no stack ${JSON.stringify(spec.stack)}`,
      `the stacks are: ${stackChoice(stacks)}`,
    );
  }
  if (spec.construct !== undefined) {
    const path = trimSlash(spec.construct);
    const owners = stacks
      .filter((s) => path === s.displayName || path.startsWith(`${s.displayName}/`))
      .sort((a, b) => b.displayName.length - a.displayName.length);
    if (owners[0]) return owners[0];
    return fail(
      'cdk-stack-not-found',
      `no stack of the assembly holds construct ${JSON.stringify(spec.construct)}`,
      `construct paths start with a stack: ${stackChoice(stacks)}`,
    );
  }
  if (stacks.length === 1) return stacks[0] as Stack;
  return fail(
    'cdk-stack-ambiguous',
    `the cloud assembly has ${stacks.length} stacks; say which one`,
    `give stack: (--stack) one of ${stackChoice(stacks)}`,
  );
}

// ── templates of a stack: the root and its nested stacks ──────────────────────────────────────

interface Loaded {
  ev: Evaluator;
  /** The parent's evaluator and the nested stack's logical id in it. */
  parent?: { ev: Evaluator; id: string };
}

/** The file of a nested stack: its asset path metadata, or its TemplateURL's asset in the asset manifest. */
function nestedTemplateFile(
  resource: TNode,
  stack: Stack,
  assets: Map<string, string>,
): string | undefined {
  const assetPath = str(get(get(resource, 'Metadata'), 'aws:asset:path'));
  if (assetPath && assetPath.endsWith('.json')) return join(stack.dir, assetPath);
  const keys: string[] = [];
  const visit = (n: TNode | undefined) => {
    if (!n) return;
    if (n.kind === 'scalar' && typeof n.value === 'string')
      keys.push(...(n.value.match(/[0-9a-f]{64}\.json/g) ?? []));
    else if (n.kind === 'array') n.items.forEach(visit);
    else if (n.kind === 'object') n.members.forEach((m) => visit(m.value));
  };
  visit(get(get(resource, 'Properties'), 'TemplateURL'));
  for (const k of keys) {
    const source = assets.get(k);
    if (source) return join(stack.dir, source);
  }
  return undefined;
}

/** Object key (`<hash>.json`) → source path, from the stack's asset manifests. */
function assetSources(stack: Stack, findings: SourceFinding[]): Map<string, string> {
  const out = new Map<string, string>();
  const file = join(stack.dir, `${stack.id}.assets.json`);
  if (!existsSync(file)) return out;
  const manifest = readJson(file, 'the asset manifest', findings);
  for (const asset of Object.values(asObject(manifest?.['files']) ?? {})) {
    const a = asObject(asset);
    const path = asObject(a?.['source'])?.['path'];
    for (const d of Object.values(asObject(a?.['destinations']) ?? {})) {
      const key = asObject(d)?.['objectKey'];
      if (typeof key === 'string' && typeof path === 'string') out.set(key, path);
    }
  }
  return out;
}

class StackTemplates {
  readonly loaded: Loaded[] = [];
  readonly findings: SourceFinding[] = [];
  private readonly assets: Map<string, string>;

  constructor(
    readonly stack: Stack,
    readonly env: EvalEnv,
  ) {
    this.assets = assetSources(stack, this.findings);
  }

  load(file: string, env: EvalEnv, parent?: Loaded['parent'], depth = 0): Evaluator | undefined {
    const source = readSourceFile(file, 'the stack template');
    if (!source.ok) {
      this.findings.push(source.finding);
      return undefined;
    }
    const template = readTemplate(source.text, file);
    this.findings.push(...template.findings);
    if (template.root) this.findings.push(...transformFindings(template));
    if (!template.root) return undefined;
    const ev = new Evaluator(template, env);
    this.loaded.push({ ev, ...(parent ? { parent } : {}) });
    if (depth < 10) this.loadNested(ev, depth);
    return ev;
  }

  private loadNested(parentEv: Evaluator, depth: number): void {
    const resources = parentEv.section('Resources');
    if (!resources || resources.kind !== 'object') return;
    for (const m of resources.members) {
      if (str(get(m.value, 'Type')) !== 'AWS::CloudFormation::Stack') continue;
      const file = nestedTemplateFile(m.value, this.stack, this.assets);
      if (!file || !existsSync(file)) continue;
      const id = m.key;
      const childEnv: EvalEnv = {
        ...pick(this.env, ['account', 'region', 'partition', 'resources', 'imports']),
        externalParameter: (name, at) => this.parentParameter(parentEv, id, name, at, file),
      };
      const child = this.load(file, childEnv, { ev: parentEv, id }, depth + 1);
      if (child) {
        const previous = parentEv.env.nestedOutput;
        parentEv.env.nestedOutput = (logicalId, output, at) =>
          logicalId === id
            ? nestedOutput(child, parentEv, id, output, at)
            : previous?.(logicalId, output, at);
      }
    }
  }

  /** A nested stack's parameter: the parent's `Parameters` entry, evaluated in the parent. */
  private parentParameter(
    parentEv: Evaluator,
    id: string,
    name: string,
    at: Span,
    childFile: string,
  ): PNode | undefined {
    const node = get(get(get(parentEv.resource(id), 'Properties'), 'Parameters'), name);
    if (!node) return undefined;
    const v = parentEv.eval(node);
    const note = `parameter ${name} of nested stack ${id}, given by ${parentEv.file} line ${node.span.start.line}`;
    if (v.k === 'unknown') {
      return {
        k: 'unknown',
        span: at,
        causes: v.causes.map((c) => ({
          ...c,
          frames: [{ file: childFile, span: at, text: note }, ...c.frames],
        })),
      };
    }
    return replaced(v, at, note);
  }
}

/** A value computed in another file, re-placed at the reference that uses it. */
function replaced(v: PNode, at: Span, note: string): PNode {
  if (v.k === 'scalar') {
    return typeof v.v === 'string'
      ? text(v.v, at, () => at.start, [...(v.origins ?? []), { kind: 'derived', note }])
      : {
          k: 'scalar',
          v: v.v,
          span: at,
          origins: [...(v.origins ?? []), { kind: 'derived', note }],
        };
  }
  if (v.k === 'list')
    return { k: 'list', span: at, items: v.items.map((i) => replaced(i, at, note)) };
  if (v.k === 'map')
    return {
      k: 'map',
      span: at,
      entries: v.entries.map((e) => ({
        key: e.key,
        keySpan: at,
        value: replaced(e.value, at, note),
      })),
    };
  return { ...v, span: at };
}

function nestedOutput(
  child: Evaluator,
  parent: Evaluator,
  id: string,
  output: string,
  at: Span,
): PNode | undefined {
  const node = get(get(child.section('Outputs'), output), 'Value');
  if (!node) return undefined;
  const v = child.eval(node);
  const note = `output ${output} of nested stack ${id} (${child.file} line ${node.span.start.line})`;
  if (v.k === 'unknown') {
    return {
      k: 'unknown',
      span: at,
      causes: v.causes.map((c) => ({
        ...c,
        frames: [{ file: parent.file, span: at, text: note }, ...c.frames],
      })),
    };
  }
  return replaced(v, at, note);
}

// ── the role ───────────────────────────────────────────────────────────────────────────────

interface Found {
  ev: Evaluator;
  id: string;
}

function findRole(st: StackTemplates, spec: CdkSpec): Found | SourceFinding {
  const all = st.loaded.flatMap((l) => roleCandidates(l.ev).map((r) => ({ ev: l.ev, r })));
  const root = st.loaded[0]?.ev.file ?? st.stack.templateFile;
  const list = (xs: typeof all) =>
    describeCandidates(
      xs.map(
        (x) =>
          ({
            ...x.r,
            id:
              st.loaded.length > 1
                ? `${x.r.id} in ${x.ev.file.slice(st.stack.dir.length + 1)}`
                : x.r.id,
          }) as RoleCandidate,
      ),
    );
  const fail = (code: string, message: string, hint: string): SourceFinding => ({
    code,
    severity: 'error',
    message,
    file: root,
    hint,
  });
  let wanted = spec.logicalId;
  if (spec.construct !== undefined) {
    const path = `/${trimSlash(spec.construct)}`;
    wanted = st.stack.logicalIds.get(path) ?? st.stack.logicalIds.get(`${path}/Resource`);
    if (wanted === undefined) {
      const byPath = all.filter(({ ev, r }) => {
        const p = str(get(get(ev.resource(r.id), 'Metadata'), 'aws:cdk:path'));
        return p !== undefined && (`/${p}` === path || `/${p}` === `${path}/Resource`);
      });
      if (byPath.length === 1)
        return {
          ev: (byPath[0] as (typeof all)[number]).ev,
          id: (byPath[0] as (typeof all)[number]).r.id,
        };
      return fail(
        'cdk-construct-not-found',
        `stack ${st.stack.displayName} has no construct ${JSON.stringify(spec.construct)} with a logical id`,
        all.length > 0 ? `the roles are: ${list(all)}` : 'the stack has no AWS::IAM::Role',
      );
    }
  }
  const matches = wanted === undefined ? all : all.filter((x) => x.r.id === wanted);
  if (matches.length === 1)
    return {
      ev: (matches[0] as (typeof all)[number]).ev,
      id: (matches[0] as (typeof all)[number]).r.id,
    };
  if (wanted !== undefined) {
    const other = st.loaded.map((l) => l.ev.resourceType(wanted as string)).find((t) => t);
    return fail(
      other ? 'not-a-role' : 'role-not-found',
      other
        ? `${wanted} is ${other}, not an AWS::IAM::Role`
        : `stack ${st.stack.displayName} has no resource ${wanted}`,
      all.length > 0 ? `the roles are: ${list(all)}` : 'the stack has no AWS::IAM::Role',
    );
  }
  if (all.length === 0)
    return fail(
      'no-role',
      `stack ${st.stack.displayName} has no AWS::IAM::Role`,
      'choose the stack that creates the role (--stack)',
    );
  return fail(
    'role-ambiguous',
    `stack ${st.stack.displayName} has ${all.length} roles; say which one`,
    `give construct: (--construct) or logicalId: (--logical-id) of one of: ${list(all)}`,
  );
}

function envOf(
  spec: CdkSpec,
  stack: Stack | undefined,
  params: ReturnType<typeof parameterInputs>,
): EvalEnv {
  return {
    ...(stack?.account ? { account: stack.account } : {}),
    ...(stack?.region ? { region: stack.region } : {}),
    ...(stack ? { stackName: stack.stackName } : {}),
    ...pick(spec, ['account', 'region', 'partition', 'resources', 'imports']),
    parameters: params.values,
    ...(params.from ? { parametersFrom: params.from } : {}),
  };
}

/** A single synthesized template given instead of the assembly folder. */
function singleTemplate(
  spec: CdkSpec,
  path: string,
  params: ReturnType<typeof parameterInputs>,
): SourceResult {
  const fake: Stack = {
    id: '',
    displayName: path,
    stackName: '',
    templateFile: path,
    dir: dirname(path),
    logicalIds: new Map(),
  };
  const env = envOf(spec, undefined, params);
  const st = new StackTemplates(fake, env);
  st.load(path, env);
  return finish(st, spec, params.findings);
}

function finish(st: StackTemplates, spec: CdkSpec, extra: SourceFinding[]): SourceResult {
  const findings = [...extra, ...st.findings];
  if (st.loaded.length === 0 || findings.some((f) => f.severity === 'error'))
    return { ok: false, findings: placed(findings) };
  const found = findRole(st, spec);
  if ('code' in found) return { ok: false, findings: placed([...findings, found]) };
  const result = resolveRole(
    found.ev,
    found.id,
    findings,
    st.loaded.map((l) => l.ev),
  );
  return { ...result, findings: placed(result.findings) };
}

export async function resolveCdk(spec: CdkSpec, opts: SourceOptions): Promise<SourceResult> {
  const dir = resolve(opts.baseDir, spec.dir);
  const params = parameterInputs(spec, opts.baseDir);
  const envFindings = environmentFindings(spec, dir);
  if (envFindings.length > 0)
    return { ok: false, findings: placed([...params.findings, ...envFindings]) };
  if (existsSync(dir) && statSync(dir).isFile()) return singleTemplate(spec, dir, params);
  const findings: SourceFinding[] = [...params.findings];
  const stacks = readAssembly(dir, findings);
  if (findings.some((f) => f.severity === 'error'))
    return { ok: false, findings: placed(findings) };
  const stack = selectStack(stacks, spec, join(dir, 'manifest.json'));
  if ('code' in stack) return { ok: false, findings: placed([...findings, stack]) };
  const env = envOf(spec, stack, params);
  env.exportValue = exportsOf(stacks, stack, spec);
  const st = new StackTemplates(stack, env);
  st.load(stack.templateFile, env)?.undeclaredParameters();
  return finish(st, spec, findings);
}

/**
 * `Fn::ImportValue` of an export another stack of the same assembly defines (CDK's cross-stack
 * references, `Stack:ExportsOutputRef…`): that stack's output, evaluated in that stack.
 */
function exportsOf(stacks: readonly Stack[], self: Stack, spec: CdkSpec): EvalEnv['exportValue'] {
  const evaluators = new Map<Stack, Evaluator | undefined>();
  const busy = new Set<string>();
  const evaluatorOf = (s: Stack): Evaluator | undefined => {
    if (!evaluators.has(s)) {
      const file = readSourceFile(s.templateFile, 'the stack template');
      const t = file.ok ? readTemplate(file.text, s.templateFile) : undefined;
      const env: EvalEnv = {
        ...envOf({ ...spec, parameters: {} } as CdkSpec, s, { values: {}, findings: [] }),
        exportValue: lookup,
      };
      evaluators.set(s, t?.root ? new Evaluator(t, env) : undefined);
    }
    return evaluators.get(s);
  };
  function lookup(name: string, at: Span): PNode | undefined {
    if (busy.has(name)) return undefined;
    busy.add(name);
    try {
      for (const s of stacks) {
        if (s === self) continue;
        const ev = evaluatorOf(s);
        const outputs = ev?.section('Outputs');
        if (!ev || !outputs || outputs.kind !== 'object') continue;
        for (const o of outputs.members) {
          const exported = get(get(o.value, 'Export'), 'Name');
          const value = get(o.value, 'Value');
          if (!exported || !value) continue;
          const n = ev.eval(exported);
          if (n.k !== 'scalar' || n.v !== name) continue;
          const note = `export ${name} of stack ${s.displayName} (${ev.file} line ${value.span.start.line})`;
          return replaced(ev.eval(value), at, note);
        }
      }
      return undefined;
    } finally {
      busy.delete(name);
    }
  }
  return lookup;
}
