/**
 * `trustspec explain --workflow FILE --job ID --repository OWNER/REPO [--policy FILE]`: will this
 * job be able to assume this role, and from which events? One row per subject the job can
 * present (lib/sources/github-workflow.ts): event → subject → allowed/denied, with the diagnosis
 * of each denial. Without --policy, the subjects alone.
 */
import { relative, resolve } from 'node:path';
import { diagnose, userDiagnosis, userText } from '../explain/index.js';
import { githubClaims, parseFederatedPrincipal } from '../providers/index.js';
import { codeFrame } from '../scenarios/frame.js';
import { loadPolicyFile } from '../scenarios/index.js';
import type { FileError } from '../scenarios/types.js';
import {
  readWorkflowJob,
  type WorkflowJob,
  type WorkflowSpec,
  type WorkflowSubject,
} from '../sources/github-workflow.js';
import type { CompiledPolicy } from '../sts/compile.js';
import { simulate } from '../sts/simulate.js';
import type { SimulationInput } from '../sts/types.js';
import { EXIT, UsageError, clockOf, parseNow, type Io } from './io.js';
import { providersOption } from './roles.js';

/** The flags `explain --workflow` reads. */
export interface WorkflowFlags {
  workflow?: string;
  job?: string;
  repository?: string;
  secret?: string[];
  var?: string[];
  input?: string[];
  environment?: string;
  subTemplate?: string;
  calledWorkflow?: string;
  calledJob?: string;
  defaultBranch?: string;
  policy?: string;
  roleArn?: string;
  provider: string[];
  now?: string;
  json?: boolean;
}

/** Flags that describe the token or the request by hand: the workflow says them. */
const TOKEN_FLAGS: Array<[string, string]> = [
  ['jwt', '--jwt'],
  ['claims', '--claims'],
  ['iss', '--iss'],
  ['sub', '--sub'],
  ['aud', '--aud'],
  ['exp', '--exp'],
  ['duration', '--duration'],
  ['providerId', '--provider-id'],
];

function pairs(specs: readonly string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of specs ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0)
      throw new UsageError(
        `${flag} "${spec}" must be NAME=VALUE`,
        `e.g. ${flag} AWS_ROLE_ARN=arn:aws:iam::111122223333:role/deploy`,
      );
    out[spec.slice(0, eq)] = spec.slice(eq + 1);
  }
  return out;
}

function specOf(opts: WorkflowFlags, io: Io): WorkflowSpec {
  if (opts.job === undefined || opts.repository === undefined)
    throw new UsageError(
      `--workflow needs ${opts.job === undefined ? '--job' : '--repository'}`,
      'e.g. trustspec explain --workflow .github/workflows/deploy.yml --job deploy --repository acme/app --policy role.trust.json',
    );
  if (!/^[^/\s]+\/[^/\s]+$/.test(opts.repository))
    throw new UsageError(
      `--repository "${opts.repository}" is not OWNER/REPO`,
      'e.g. --repository acme/app',
    );
  const file = resolve(io.cwd, opts.workflow as string);
  const optional: Partial<WorkflowSpec> = {
    ...(opts.environment !== undefined ? { environment: opts.environment } : {}),
    ...(opts.subTemplate !== undefined
      ? {
          subTemplate: opts.subTemplate
            .split(',')
            .map((k) => k.trim())
            .filter(Boolean),
        }
      : {}),
    ...(opts.calledWorkflow !== undefined
      ? { calledWorkflow: resolve(io.cwd, opts.calledWorkflow) }
      : {}),
    ...(opts.calledJob !== undefined ? { calledJob: opts.calledJob } : {}),
    ...(opts.defaultBranch !== undefined ? { defaultBranch: opts.defaultBranch } : {}),
    ...(opts.roleArn !== undefined ? { roleArn: opts.roleArn } : {}),
  };
  return {
    file,
    shown: relative(io.cwd, file) || file,
    cwd: io.cwd,
    job: opts.job,
    repository: opts.repository,
    secrets: pairs(opts.secret, '--secret'),
    vars: pairs(opts.var, '--var'),
    inputs: pairs(opts.input, '--input'),
    ...optional,
  };
}

function printError(io: Io, e: FileError): void {
  const warning = e.severity === 'warning' ? 'warning: ' : '';
  io.stderr.write(
    `${e.file}:${e.line}:${e.column}: ${warning}${userText(e.message)}${e.code ? ` [${e.code}]` : ''}\n${
      e.hint ? `  ${userText(e.hint)}\n` : ''
    }${e.frame ? `${e.frame}\n` : ''}`,
  );
}

function jobFindings(job: WorkflowJob, shown: string): FileError[] {
  return job.findings.map((f) => {
    const file = f.file || shown;
    const text = job.texts.get(file);
    const line = f.span?.start.line ?? 1;
    const column = f.span?.start.column ?? 1;
    return {
      file,
      line,
      column,
      message: f.message,
      code: f.code,
      ...(f.hint ? { hint: f.hint } : {}),
      ...(text !== undefined && f.span ? { frame: codeFrame(text, line, column) } : {}),
      severity: f.severity === 'error' ? 'error' : 'warning',
    };
  });
}

interface Policy {
  compiled: CompiledPolicy;
  shown: string;
}

function policyOf(opts: WorkflowFlags, io: Io): Policy | undefined {
  if (opts.policy === undefined) return undefined;
  const abs = resolve(io.cwd, opts.policy);
  const shown = relative(io.cwd, abs) || abs;
  const entry = loadPolicyFile(abs, shown, new Map());
  if (entry.readError) {
    throw new UsageError(
      entry.readError.code === 'file-not-found'
        ? `--policy: no file "${opts.policy}"`
        : `--policy: the file "${opts.policy}" ${entry.readError.message}`,
      entry.readError.hint,
    );
  }
  for (const e of entry.errors) printError(io, e);
  if (!entry.compiled || entry.errors.length > 0) return undefined;
  return { compiled: entry.compiled, shown };
}

/** The role tested: --role-arn, else the job's role-to-assume, else the policy's account. */
function roleArnOf(opts: WorkflowFlags, job: WorkflowJob, policy: Policy): string {
  if (opts.roleArn !== undefined) return opts.roleArn;
  const written = job.request.roleToAssume;
  if (written !== undefined && written.startsWith('arn:')) return written;
  const oidc = policy.compiled.policy.statements
    .flatMap((s) => s.principal.federated)
    .map((f) => parseFederatedPrincipal(f.value))
    .find((p) => p.kind === 'oidc');
  if (!oidc || oidc.kind !== 'oidc')
    throw new UsageError(
      '--role-arn is needed: the job names no role ARN and the policy no IAM OIDC provider to take the account from',
    );
  return `arn:${oidc.partition}:iam::${oidc.account}:role/simulated-role`;
}

interface Row {
  subject: WorkflowSubject;
  claims: Record<string, unknown>;
  decision?: 'allow' | 'deny';
  stage?: string;
  code?: string;
  message?: string;
  diagnoses: { title: string; detail: string; fix: string }[];
}

function rowsOf(
  opts: WorkflowFlags,
  io: Io,
  job: WorkflowJob,
  policy: Policy | undefined,
  repository: string,
): Row[] {
  const providers = providersOption(opts.provider);
  const now = opts.now !== undefined ? parseNow(opts.now) : clockOf(io);
  const roleArn = policy ? roleArnOf(opts, job, policy) : undefined;
  return job.subjects.map((s) => {
    const claims = githubClaims({
      repository,
      ref: s.ref,
      event: s.event,
      sub: s.sub,
      jobWorkflowRef: s.jobWorkflowRef,
      workflow: s.workflow,
      audience: job.request.audience,
      ...(s.environment !== undefined ? { environment: s.environment } : {}),
    });
    if (!policy || roleArn === undefined) return { subject: s, claims, diagnoses: [] };
    const input: SimulationInput = {
      role: { arn: roleArn, policy: policy.compiled },
      ...(providers !== undefined ? { providers } : {}),
      token: { claims },
      request: {
        roleSessionName: job.request.roleSessionName,
        durationSeconds: job.request.durationSeconds,
      },
      now,
    };
    const d = simulate(input);
    const diagnoses =
      d.decision === 'deny'
        ? diagnose(d, input, { policyFile: policy.shown })
            .filter((g) => g.severity === 'error')
            .map(userDiagnosis)
        : [];
    return {
      subject: s,
      claims,
      decision: d.decision,
      ...(d.decision === 'deny' ? { stage: d.stage, code: d.code, message: d.message } : {}),
      diagnoses,
    };
  });
}

function pad(text: string, width: number): string {
  return text.length >= width ? `${text}  ` : text.padEnd(width + 2);
}

function table(io: Io, spec: WorkflowSpec, job: WorkflowJob, rows: Row[], roleArn?: string): void {
  const r = job.request;
  const lines = [
    `workflow ${spec.shown}, job ${spec.job}, repository ${spec.repository}`,
    `  role-to-assume: ${r.roleWritten?.text ?? '(none)'}${
      r.roleToAssume !== undefined && r.roleToAssume !== r.roleWritten?.text
        ? ` = ${r.roleToAssume}`
        : ''
    }${roleArn !== undefined ? `   tested: ${roleArn}` : ''}`,
    `  aud: ${r.audience}   session: ${r.roleSessionName}   duration: ${r.durationSeconds} s`,
    `  id-token: ${r.idToken ? 'write' : 'NOT granted: the job cannot request an OIDC token'}`,
    '',
  ];
  const ew = Math.max(5, ...rows.map((x) => x.subject.label.length));
  const sw = Math.max(7, ...rows.map((x) => x.subject.sub.length));
  const judged = rows.some((x) => x.decision !== undefined);
  lines.push(`${pad('EVENT', ew)}${judged ? pad('SUBJECT', sw) + 'RESULT' : 'SUBJECT'}`);
  for (const x of rows) {
    const result =
      x.decision === undefined
        ? ''
        : x.decision === 'allow'
          ? 'allowed'
          : `denied (${x.stage}, ${x.code})`;
    lines.push(
      `${pad(x.subject.label, ew)}${judged ? pad(x.subject.sub, sw) + result : x.subject.sub}`,
    );
    for (const g of x.diagnoses) lines.push(`    why: ${g.title}`, `    fix: ${g.fix}`);
    if (x.decision === 'deny' && x.diagnoses.length === 0 && x.message)
      lines.push(`    why: ${x.message}`);
    for (const n of x.subject.notes) lines.push(`    note: ${userText(n)}`);
  }
  if (judged) {
    const allowed = rows.filter((x) => x.decision === 'allow').length;
    lines.push('', `${allowed} of ${rows.length} subjects allowed.`);
  }
  io.stdout.write(`${lines.join('\n')}\n`);
}

/** `explain --workflow …`; `file` is a scenario file given beside it (refused). */
export function explainWorkflow(
  file: string | undefined,
  opts: WorkflowFlags & Record<string, unknown>,
  io: Io,
): number {
  if (file !== undefined)
    throw new UsageError(
      '--workflow and a scenario file are two ways to say the job: give one',
      'in a scenario file, write github: {workflow, job, repository}',
    );
  const given = TOKEN_FLAGS.filter(([k]) => opts[k] !== undefined).map(([, f]) => f);
  if (opts['sessionName'] !== undefined && opts['sessionName'] !== 'trustspec')
    given.push('--session-name');
  if (Array.isArray(opts['context']) && opts['context'].length > 0) given.push('--context');
  if (opts['providers'] !== undefined && opts['providers'] !== true)
    given.push('--providers / --no-providers');
  if (opts['maxSessionDuration'] !== undefined) given.push('--max-session-duration');
  if (opts['scenario'] !== undefined) given.push('--scenario');
  if (given.length > 0)
    throw new UsageError(
      `${given.join(', ')} ${given.length > 1 ? 'describe' : 'describes'} the token or request, and --workflow derives them from the job`,
      'leave them out; --secret, --var, --input and --environment supply what the workflow leaves open',
    );
  const spec = specOf(opts, io);
  const policy = policyOf(opts, io);
  if (opts.policy !== undefined && !policy) return EXIT.usage;
  const job = readWorkflowJob(spec);
  const findings = jobFindings(job, spec.shown);
  for (const f of findings) printError(io, f);
  if (!job.ok) return EXIT.usage;
  const rows = rowsOf(opts, io, job, policy, spec.repository);
  const roleArn = policy ? roleArnOf(opts, job, policy) : undefined;
  if (opts.json) {
    io.stdout.write(
      `${JSON.stringify(
        {
          version: 1,
          workflow: spec.shown,
          job: spec.job,
          repository: spec.repository,
          request: { ...job.request, roleWritten: job.request.roleWritten?.text },
          ...(roleArn !== undefined ? { roleArn } : {}),
          subjects: rows.map((x) => ({
            event: x.subject.event,
            label: x.subject.label,
            sub: x.subject.sub,
            claims: x.claims,
            ...(x.decision !== undefined ? { decision: x.decision } : {}),
            ...(x.stage !== undefined ? { stage: x.stage, code: x.code, message: x.message } : {}),
            diagnoses: x.diagnoses,
            notes: x.subject.notes.map(userText),
          })),
          warnings: findings.filter((f) => f.severity === 'warning'),
        },
        null,
        2,
      )}\n`,
    );
  } else table(io, spec, job, rows, roleArn);
  const denied = rows.some((x) => x.decision === 'deny');
  return denied || (policy !== undefined && !job.request.idToken) ? EXIT.failed : EXIT.ok;
}
