/**
 * `role: { cloudformation: ./template.yaml, logicalId, parameters | parametersFile, account,
 * region, resources, imports }` → the role the template creates with those inputs, read from
 * the template as written (JSON, or YAML with short-form tags), its intrinsics evaluated as
 * CloudFormation evaluates them; never deployed, never sent to AWS.
 */
import { resolve } from 'node:path';
import type { Span } from '../diagnostics.js';
import { decodeText, readFileBytes } from '../files.js';
import { MAX_SOURCE_BYTES } from './supply.js';
import { Evaluator, type EvalEnv } from './intrinsics.js';
import { isAccountId, partitionById, partitionOfRegion } from './partitions.js';
import { readParametersFile } from './parameters.js';
import { resolveRole, selectRole } from './role.js';
import { get, str, readTemplate, type Template } from './template.js';
import type { SourceFinding, SourceOptions, SourceResult, SourceSpec } from './types.js';

export type CloudFormationSpec = Extract<SourceSpec, { kind: 'cloudformation' }>;

/** Largest template read (see MAX_SOURCE_BYTES). */
export const MAX_TEMPLATE_BYTES = MAX_SOURCE_BYTES;

export type FileText = { ok: true; text: string } | { ok: false; finding: SourceFinding };

const READ_CODES: Record<string, string> = {
  'file-not-found': 'source-not-found',
  'not-a-file': 'source-not-a-file',
  'not-a-regular-file': 'source-not-a-file',
  'file-too-large': 'source-too-large',
};

const READ_HINTS: Record<string, string> = {
  'file-not-found': "check the path (relative paths start from the scenario file's folder)",
  'not-a-file': 'name the file itself',
  'file-too-large': 'trustspec reads templates, plans and states of at most 50 MB',
};

/**
 * A source file's text, or a finding that names it: read by the one safe reader (lib/files.ts),
 * so a FIFO, a device or a folder is refused without being opened for reading.
 */
export function readSourceFile(path: string, what: string): FileText {
  const read = readFileBytes(path, MAX_SOURCE_BYTES);
  const text = read.ok ? decodeText(read.bytes) : read;
  if (text.ok) return { ok: true, text: text.text.replace(/^\uFEFF/, '') };
  return {
    ok: false,
    finding: {
      code: READ_CODES[text.code] ?? 'source-unreadable',
      severity: 'error',
      message:
        text.code === 'file-not-found'
          ? `${what} ${path} does not exist`
          : `${what} ${path} ${text.message}`,
      file: path,
      hint: READ_HINTS[text.code] ?? text.hint ?? 'name a regular file',
    },
  };
}

/** Top-level `Transform`s: SAM leaves IAM roles as written; any other transform is refused. */
export function transformFindings(t: Template): SourceFinding[] {
  const node = get(t.root, 'Transform');
  if (!node) return [];
  const names =
    node.kind === 'array'
      ? node.items.map((i) => ({ name: str(i), span: i.span }))
      : [{ name: str(node), span: node.span }];
  return names.map(({ name, span }): SourceFinding =>
    name === 'AWS::Serverless-2016-10-31'
      ? {
          code: 'sam-transform',
          severity: 'warning',
          message:
            'the template uses the AWS SAM transform; SAM does not change AWS::IAM::Role resources, so the role is read as written',
          span,
          file: t.file,
          hint: 'a reference to a resource SAM generates cannot be resolved from the written template: supply it (resources:)',
        }
      : {
          code: 'unsupported-transform',
          severity: 'error',
          message: `the template uses the transform ${name ?? '(an intrinsic)'}, which changes the template at deployment; trustspec reads templates as CloudFormation receives them, without running transforms`,
          span,
          file: t.file,
          hint: 'test the processed template instead: aws cloudformation get-template --stack-name STACK --template-stage Processed',
        },
  );
}

/** The findings for account, region and partition as given. */
export function environmentFindings(
  env: { account?: string; region?: string; partition?: string },
  file: string,
): SourceFinding[] {
  const out: SourceFinding[] = [];
  const bad = (code: string, message: string, hint: string) =>
    out.push({ code, severity: 'error', message, file, hint });
  if (env.account !== undefined && !isAccountId(env.account)) {
    bad(
      'account-invalid',
      `account ${JSON.stringify(env.account)} is not a 12-digit AWS account id`,
      'write the account id as 12 digits, quoted in YAML ("011122223333")',
    );
  }
  if (env.region !== undefined && !partitionOfRegion(env.region)) {
    bad(
      'region-invalid',
      `region ${JSON.stringify(env.region)} is not a region of any AWS partition`,
      'write a region name such as us-east-1, eu-west-1, cn-north-1, us-gov-west-1',
    );
  }
  if (env.partition !== undefined && !partitionById(env.partition)) {
    bad(
      'partition-invalid',
      `partition ${JSON.stringify(env.partition)} is not an AWS partition`,
      'write aws, aws-cn, aws-us-gov, …',
    );
  }
  const fromRegion = env.region ? partitionOfRegion(env.region)?.id : undefined;
  if (env.partition && fromRegion && env.partition !== fromRegion) {
    bad(
      'partition-mismatch',
      `region ${env.region} is in partition ${fromRegion}, not ${env.partition}`,
      'give a region of the partition, or leave the partition out (it follows from the region)',
    );
  }
  return out;
}

/** Parameters from `parametersFile` (read relative to `baseDir`) overlaid with `parameters`. */
export function parameterInputs(
  spec: { parameters?: CloudFormationSpec['parameters']; parametersFile?: string },
  baseDir: string,
): {
  values: Record<string, string | readonly string[]>;
  from?: string;
  findings: SourceFinding[];
} {
  let values: Record<string, string | readonly string[]> = {};
  const findings: SourceFinding[] = [];
  let from: string | undefined;
  if (spec.parametersFile !== undefined) {
    const path = resolve(baseDir, spec.parametersFile);
    const file = readSourceFile(path, 'the parameters file');
    if (!file.ok) findings.push(file.finding);
    else {
      const r = readParametersFile(file.text, path);
      findings.push(...r.findings);
      values = r.values;
      from = `from ${spec.parametersFile}`;
    }
  }
  if (spec.parameters) {
    values = { ...values, ...spec.parameters };
    if (from) from = `${from} or given`;
  }
  return { values, ...(from ? { from } : {}), findings };
}

const START: Span = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};

/** Places file-level findings (no position of their own) at the start of the file. */
export function placed(findings: SourceFinding[]): SourceFinding[] {
  return findings.map((f) => (f.span ? f : { ...f, span: START }));
}

export async function resolveCloudFormation(
  spec: CloudFormationSpec,
  opts: SourceOptions,
): Promise<SourceResult> {
  const path = resolve(opts.baseDir, spec.file);
  const file = readSourceFile(path, 'the template');
  if (!file.ok) return { ok: false, findings: placed([file.finding]) };
  const template = readTemplate(file.text, path);
  const params = parameterInputs(spec, opts.baseDir);
  const findings = [...template.findings, ...params.findings, ...environmentFindings(spec, path)];
  if (template.root) findings.push(...transformFindings(template));
  if (!template.root || findings.some((f) => f.severity === 'error'))
    return { ok: false, findings: placed(findings) };
  const env: EvalEnv = {
    parameters: params.values,
    ...(params.from ? { parametersFrom: params.from } : {}),
    ...pick(spec, ['account', 'region', 'partition', 'stackName', 'resources', 'imports']),
  };
  const ev = new Evaluator(template, env);
  ev.undeclaredParameters();
  const id = selectRole(ev, spec.logicalId);
  if (typeof id !== 'string') return { ok: false, findings: placed([...findings, id]) };
  const result = resolveRole(ev, id, findings);
  return { ...result, findings: placed(result.findings) };
}

/** The keys of `o` that are set. */
export function pick<T extends object, K extends keyof T>(
  o: T,
  keys: readonly K[],
): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
