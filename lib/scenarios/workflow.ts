/**
 * `github: {workflow, job, repository}` in a scenario: one copy of the scenario per subject the
 * job can present (lib/sources/github-workflow.ts), each named after its event, with the token's
 * aud and the request's session name and duration the job's configure-aws-credentials step asks
 * for. Fields written in the scenario's own `request` (and `github.audience`,
 * `github.environment`) win over the workflow's.
 */
import { resolve } from 'node:path';
import { pathExists } from '../files.js';
import {
  readWorkflowJob,
  roleMatches,
  type WorkflowJob,
  type WorkflowSubject,
  type WorkflowSpec,
} from '../sources/github-workflow.js';
import { displayPath } from './discover.js';
import { isPlainObject, setOwn } from './expand.js';
import { codeFrame } from './frame.js';
import type { Path, Place } from './nodes.js';
import type { FileError } from './types.js';

type Obj = Record<string, unknown>;

/** The github shorthand's fields that describe the workflow file, not the token (with `job`). */
export const WORKFLOW_FIELDS = [
  'workflow',
  'job',
  'secrets',
  'vars',
  'inputs',
  'subTemplate',
  'defaultBranch',
  'calledWorkflow',
  'calledJob',
] as const;

/** Token fields the workflow's triggers decide: written beside `workflow:` they are refused. */
const DERIVED = ['ref', 'event', 'sub', 'jobWorkflowRef', 'workflow'] as const;

export interface WorkflowContext {
  /** The scenario file's folder, absolute. */
  dir: string;
  cwd?: string;
  /** The scenario file as reports name it, and its text (for code frames). */
  file: string;
  text: string;
  /** The place of a path inside the scenario (written there, or in defaults). */
  at: (path: Path) => Place;
  /** Workflow jobs read in this file, by their spec. */
  cache: Map<string, WorkflowJob>;
}

export interface WorkflowExpansion {
  copies: { name: string; value: Obj }[];
  /** Errors and warnings, each with its place (in the workflow file, or in the scenario). */
  findings: FileError[];
}

function strings(value: unknown): Record<string, string> | undefined {
  if (!isPlainObject(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) setOwn(out, k, String(v));
  return out;
}

/**
 * The copies of one (matrix-expanded) scenario: itself when its github shorthand names no
 * workflow, else one per subject of the job. `ownRequest` is the `request` written in the
 * scenario itself; `roleArn` the role it tests (compared with the job's role-to-assume).
 */
export function expandWorkflow(
  copy: Obj,
  name: string,
  ownRequest: unknown,
  roleArn: string | undefined,
  ctx: WorkflowContext,
): WorkflowExpansion {
  const github = copy['github'];
  // Without job, workflow is the workflow claim, as it always was.
  if (!isPlainObject(github) || typeof github['workflow'] !== 'string' || github['job'] == null)
    return { copies: [{ name, value: copy }], findings: claimOnly(github, ctx) };
  const findings: FileError[] = [];
  const inScenario = (path: Path, code: string, message: string, hint?: string): void => {
    const place = ctx.at(path);
    findings.push({
      file: ctx.file,
      line: place.line,
      column: place.column,
      message,
      code,
      ...(hint ? { hint } : {}),
      ...(ctx.text !== '' ? { frame: codeFrame(ctx.text, place.line, place.column) } : {}),
      severity: 'error',
    });
  };
  for (const key of DERIVED) {
    if (github[key] !== undefined && github[key] !== null && key !== 'workflow')
      inScenario(
        ['github', key],
        'workflow-derived-field',
        `github.${key} is derived from the workflow's triggers: it cannot be written beside workflow:`,
        'remove it; github.environment overrides the job environment, and the workflow file says the rest',
      );
  }
  // Without a repository the shorthand's own check reports it.
  if (typeof github['repository'] !== 'string')
    return { copies: [{ name, value: copy }], findings };
  if (findings.length > 0) return { copies: [], findings };
  const file = resolve(ctx.dir, github['workflow']);
  const spec: WorkflowSpec = {
    file,
    shown: ctx.cwd !== undefined ? displayPath(file, ctx.cwd) : github['workflow'],
    ...(ctx.cwd !== undefined ? { cwd: ctx.cwd } : {}),
    job: github['job'] as string,
    repository: github['repository'],
  };
  const optional: Array<[keyof WorkflowSpec, unknown]> = [
    ['secrets', strings(github['secrets'])],
    ['vars', strings(github['vars'])],
    ['inputs', strings(github['inputs'])],
    [
      'subTemplate',
      Array.isArray(github['subTemplate']) ? github['subTemplate'].map(String) : undefined,
    ],
    ['defaultBranch', github['defaultBranch']],
    ['environment', github['environment']],
    [
      'calledWorkflow',
      typeof github['calledWorkflow'] === 'string'
        ? resolve(ctx.dir, github['calledWorkflow'])
        : undefined,
    ],
    ['calledJob', github['calledJob']],
    ['roleArn', roleArn],
  ];
  for (const [k, v] of optional)
    if (v !== undefined && v !== null) setOwn(spec as unknown as Obj, k, v);
  const token: Obj = {};
  for (const [k, v] of Object.entries(github)) {
    if (!(WORKFLOW_FIELDS as readonly string[]).includes(k) && v !== null) setOwn(token, k, v);
  }
  spec.claims = token;
  const key = JSON.stringify(spec);
  let job = ctx.cache.get(key);
  if (!job) {
    job = readWorkflowJob(spec);
    ctx.cache.set(key, job);
  }
  findings.push(...jobFindings(job, ctx));
  if (!job.ok) return { copies: [], findings };
  const req = job.request;
  const written = req.roleWritten;
  if (
    roleArn !== undefined &&
    req.roleToAssume !== undefined &&
    written &&
    !roleMatches(req.roleToAssume, roleArn)
  ) {
    const text = job.texts.get(written.file) ?? '';
    const { line, column } = written.span.start;
    findings.push({
      file: written.file,
      line,
      column,
      message: `the job assumes ${req.roleToAssume}, not the scenario's role ${roleArn}`,
      code: 'workflow-role-mismatch',
      hint: 'test the role the workflow names, or correct role-to-assume (or the secret/var that gives it)',
      frame: codeFrame(text, line, column),
      severity: 'warning',
    });
  }
  const copies = job.subjects.map((sub) => subjectCopy(copy, name, token, ownRequest, job, sub));
  return { copies, findings };
}

/** The job's findings as file errors: in the workflow file, or (without a place) in the scenario. */
function jobFindings(job: WorkflowJob, ctx: WorkflowContext): FileError[] {
  const findings: FileError[] = [];
  for (const f of job.findings) {
    const text = f.file !== undefined ? job.texts.get(f.file) : undefined;
    if (!f.span || text === undefined || f.file === undefined) {
      const path =
        f.code === 'workflow-template-claim-unknown'
          ? ['github', 'subTemplate']
          : ['github', 'workflow'];
      const place = ctx.at(path);
      findings.push({
        file: ctx.file,
        line: place.line,
        column: place.column,
        message: f.message,
        code: f.code,
        ...(f.hint ? { hint: f.hint } : {}),
        ...(ctx.text !== '' ? { frame: codeFrame(ctx.text, place.line, place.column) } : {}),
        severity: f.severity === 'error' ? 'error' : 'warning',
      });
      continue;
    }
    const { line, column } = f.span.start;
    findings.push({
      file: f.file,
      line,
      column,
      message: f.message,
      code: f.code,
      ...(f.hint ? { hint: f.hint } : {}),
      frame: codeFrame(text, line, column),
      severity: f.severity === 'error' ? 'error' : 'warning',
    });
  }
  return findings;
}

/** One copy of the scenario for one subject of the job. */
function subjectCopy(
  copy: Obj,
  name: string,
  token: Obj,
  ownRequest: unknown,
  job: WorkflowJob,
  s: WorkflowSubject,
): { name: string; value: Obj } {
  const req = job.request;
  const value: Obj = {};
  for (const [k, v] of Object.entries(copy)) setOwn(value, k, v);
  const shorthand: Obj = { ...token };
  setOwn(shorthand, 'ref', s.ref);
  setOwn(shorthand, 'event', s.event);
  setOwn(shorthand, 'sub', s.sub);
  setOwn(shorthand, 'jobWorkflowRef', s.jobWorkflowRef);
  setOwn(shorthand, 'workflow', s.workflow);
  if (s.environment !== undefined) setOwn(shorthand, 'environment', s.environment);
  if (token['audience'] === undefined) setOwn(shorthand, 'audience', req.audience);
  setOwn(value, 'github', shorthand);
  const request: Obj = isPlainObject(copy['request']) ? { ...copy['request'] } : {};
  setOwn(request, 'roleSessionName', req.roleSessionName);
  setOwn(request, 'durationSeconds', req.durationSeconds);
  if (isPlainObject(ownRequest))
    for (const [k, v] of Object.entries(ownRequest)) setOwn(request, k, v);
  setOwn(value, 'request', request);
  const copyName = `${name} [${s.label}]`;
  setOwn(value, 'name', copyName);
  return { name: copyName, value };
}

/** `workflow:` naming a workflow file but no `job`: it is only the claim, and a warning says so. */
function claimOnly(github: unknown, ctx: WorkflowContext): FileError[] {
  if (!isPlainObject(github) || typeof github['workflow'] !== 'string') return [];
  const value = github['workflow'];
  if (!/\.ya?ml$/i.test(value) || !pathExists(resolve(ctx.dir, value))) return [];
  const place = ctx.at(['github', 'workflow']);
  return [
    {
      file: ctx.file,
      line: place.line,
      column: place.column,
      message: `github.workflow names the file ${value}, but without job it is only the workflow claim`,
      code: 'workflow-without-job',
      hint: 'add job: ID (its key under jobs:) to derive the subjects the job presents',
      ...(ctx.text !== '' ? { frame: codeFrame(ctx.text, place.line, place.column) } : {}),
      severity: 'warning',
    },
  ];
}
