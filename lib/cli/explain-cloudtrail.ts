/**
 * `trustspec explain --cloudtrail FILE|-` and `--principal-id STRING`: start from what CloudTrail
 * recorded. Each AssumeRoleWithWebIdentity call is replayed against the policy and compared with
 * the outcome CloudTrail recorded; a disagreement means the policy under test is not the one that
 * ran. Exit 0 when every call agrees (or, for --principal-id, when the call would be allowed),
 * 1 on a disagreement (a denied call for --principal-id), 2 when the input cannot be used.
 */
import { extname, relative, resolve } from 'node:path';
import { parsePolicy } from '../policy/parse.js';
import { compilePolicy, type CompiledPolicy } from '../sts/compile.js';
import { simulate } from '../sts/simulate.js';
import type { Decision, SimulationInput } from '../sts/types.js';
import { parseFederatedPrincipal } from '../providers/index.js';
import { diagnose, userDecision, userDiagnosis, userText } from '../explain/index.js';
import { readCloudTrail, type CloudTrailRead, type RecordedCall } from '../explain/cloudtrail.js';
import { parsePrincipalId } from '../explain/cloudtrail-principal.js';
import { compareOutcome, replayInput, type Comparison } from '../explain/cloudtrail-replay.js';
import { formatDecision } from '../report/explain-text.js';
import { pathExists, readText } from '../files.js';
import { clockOf, EXIT, parseNow, stdinOf, UsageError, useColor, type Io } from './io.js';

export interface CloudTrailExplainOptions {
  cloudtrail?: string;
  principalId?: string;
  policy?: string;
  roleArn?: string;
  maxSessionDuration?: string;
  sessionName?: string;
  duration?: string;
  now?: string;
  json?: boolean;
  verbose?: boolean;
}

/** The CloudTrail file's text and the name errors are placed in (`-` reads standard input). */
export function readCloudTrailFile(
  io: Io,
  value: string,
  what: string,
): CloudTrailRead & { shown: string } {
  const shown = value === '-' ? '<stdin>' : value;
  const read = value === '-' ? stdinOf(io) : readText(resolve(io.cwd, value));
  if (!read.ok) {
    if (read.code === 'file-not-found' || (value !== '-' && !pathExists(resolve(io.cwd, value))))
      throw new UsageError(`${what}: no file "${value}"`);
    throw new UsageError(`${what}: the file "${value}" ${read.message}`, read.hint);
  }
  return { ...readCloudTrail(read.text), shown };
}

/** Prints the input's problems (`file:line:col: message`), or the events skipped; true if usable. */
export function reportRead(io: Io, read: CloudTrailRead & { shown: string }): boolean {
  for (const e of read.errors)
    io.stderr.write(
      `${read.shown}:${e.line}:${e.column}: ${e.message}\n${e.hint ? `  ${e.hint}\n` : ''}`,
    );
  if (read.errors.length > 0) return false;
  for (const s of read.skipped) {
    io.stderr.write(
      `${read.shown}:${s.line}:${s.column}: skipped event ${s.index}: ${s.eventName}${s.eventSource ? ` (${s.eventSource})` : ''} is not AssumeRoleWithWebIdentity\n`,
    );
  }
  return true;
}

/** The trust policy of --policy, compiled; its errors printed at file:line:col. */
export function policyOption(io: Io, file: string): CompiledPolicy | undefined {
  const path = resolve(io.cwd, file);
  const read = readText(path);
  if (!read.ok) {
    if (read.code === 'file-not-found') throw new UsageError(`--policy: no file "${file}"`);
    throw new UsageError(`--policy: the file "${file}" ${read.message}`, read.hint);
  }
  const ext = extname(path).toLowerCase();
  const parsed = parsePolicy(read.text, {
    format: ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : 'auto',
  });
  const compiled = parsed.ok ? compilePolicy(parsed.policy) : undefined;
  const shown = relative(io.cwd, path) || path;
  for (const f of [...parsed.findings, ...(compiled?.findings ?? [])]) {
    if (f.severity !== 'error') continue;
    io.stderr.write(
      `${shown}:${f.span?.start.line ?? 1}:${f.span?.start.column ?? 1}: ${userText(f.message)}\n${f.hint ? `  ${userText(f.hint)}\n` : ''}`,
    );
  }
  return parsed.ok && compiled?.ok ? compiled : undefined;
}

/**
 * The policy to replay against: a policy file, or where the role lives — a CloudFormation
 * template, a CDK cloud assembly, a Terraform plan or state (with one role), or a deployed role's
 * ARN (read with iam:GetRole, the standard credential chain) — resolved as `trustspec resolve`
 * resolves it.
 */
export async function policyFrom(
  io: Io,
  arg: string,
): Promise<{ policy: CompiledPolicy; policyFile: string; kind?: string } | undefined> {
  const { isSource, sourceRole } = await import('./init-source.js');
  if (/^arn:/.test(arg) || isSource(resolve(io.cwd, arg))) {
    const r = await sourceRole(arg, { param: [], resource: [], import: [], provider: [] }, io);
    return { policy: r.analysis.role.policy, policyFile: r.source, kind: r.kind };
  }
  const policy = policyOption(io, arg);
  return policy ? { policy, policyFile: relative(io.cwd, resolve(io.cwd, arg)) || arg } : undefined;
}

function maxSession(opts: CloudTrailExplainOptions): number | undefined {
  if (opts.maxSessionDuration === undefined) return undefined;
  const n = Number(opts.maxSessionDuration);
  if (!/^\d+$/.test(opts.maxSessionDuration) || n < 3600 || n > 43200)
    throw new UsageError(
      `--max-session-duration "${opts.maxSessionDuration}" is not a whole number of seconds from 3600 to 43200`,
    );
  return n;
}

function describeCall(call: RecordedCall, source: string | undefined): string {
  const lines = [
    source === undefined
      ? `principal id (${call.principalBasis})`
      : `${source}:${call.line}:${call.column}: event ${call.index}${call.eventTime ? ` at ${call.eventTime}` : ''}${call.eventId ? ` (eventID ${call.eventId})` : ''}`,
    `  role       ${call.roleArn}`,
    `  provider   ${call.provider.value}`,
    `  aud        ${call.aud}`,
    `  sub        ${call.sub}`,
  ];
  for (const r of call.ambiguous)
    lines.push(`  ambiguous  the principal id also reads as aud "${r.aud}", sub "${r.sub}"`);
  const session = [
    call.roleSessionName !== undefined ? `name ${call.roleSessionName}` : 'no name recorded',
    ...(call.durationSeconds !== undefined ? [`duration ${call.durationSeconds}s`] : []),
    ...(call.sourceIdentity !== undefined ? [`source identity ${call.sourceIdentity}`] : []),
  ];
  lines.push(`  session    ${session.join(', ')}`);
  if (call.crossPartition) {
    const c = call.crossPartition;
    lines.push(
      `  federated  across partitions from ${c.sourcePrincipalArn ?? 'an unrecorded principal'}${c.sourceRegion ? ` in ${c.sourceRegion}` : ''}`,
    );
  }
  if (source !== undefined)
    lines.push(
      `  recorded   ${call.outcome.kind === 'allow' ? 'allowed' : `${call.outcome.code}${call.outcome.message ? `: ${call.outcome.message}` : ''}`}`,
    );
  return lines.join('\n') + '\n';
}

const VERDICT_MARK = {
  match: '✓ matches CloudTrail',
  mismatch: '✗ MISMATCH',
  unverifiable: '? not verifiable',
};

interface Replayed {
  call: RecordedCall;
  input: SimulationInput;
  decision: Decision;
  comparison?: Comparison;
}

function printHuman(
  io: Io,
  opts: CloudTrailExplainOptions,
  source: string | undefined,
  runs: Replayed[],
  policyFile: string,
): void {
  const color = useColor(io.stdout, io.env);
  for (const r of runs) {
    io.stdout.write(describeCall(r.call, source));
    const text = formatDecision(r.decision, {
      color,
      diagnoses: diagnose(r.decision, r.input, { policyFile }),
      verbose: opts.verbose === true,
      policyFile,
    });
    io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    if (r.comparison)
      io.stdout.write(`${VERDICT_MARK[r.comparison.verdict]}: ${r.comparison.reason}\n\n`);
  }
}

function replay(
  calls: RecordedCall[],
  policy: CompiledPolicy,
  now: number,
  opts: CloudTrailExplainOptions,
  compare: boolean,
): Replayed[] {
  const maxSessionDuration = maxSession(opts);
  return calls.map((call) => {
    const input = replayInput(call, policy, {
      now,
      ...(maxSessionDuration !== undefined ? { maxSessionDuration } : {}),
    });
    const decision = simulate(input);
    return {
      call,
      input,
      decision,
      ...(compare ? { comparison: compareOutcome(call, decision) } : {}),
    };
  });
}

function printJson(
  io: Io,
  read: Pick<CloudTrailRead, 'shape' | 'skipped'> | undefined,
  runs: Replayed[],
  policyFile: string,
): void {
  const shown = {
    version: 1,
    ...(read ? { input: read.shape, skipped: read.skipped } : {}),
    events: runs.map((r) => ({
      call: r.call,
      ...userDecision(r.decision),
      diagnoses: diagnose(r.decision, r.input, { policyFile }).map(userDiagnosis),
      ...(r.comparison ? { comparison: r.comparison } : {}),
    })),
    summary: summary(runs),
  };
  io.stdout.write(JSON.stringify(shown, null, 2) + '\n');
}

function summary(runs: Replayed[]): Record<'events' | Comparison['verdict'], number> {
  const count = { events: runs.length, match: 0, mismatch: 0, unverifiable: 0 };
  for (const r of runs) if (r.comparison) count[r.comparison.verdict]++;
  return count;
}

/** A call made from a bare principal id and the request flags. */
function principalIdCall(opts: CloudTrailExplainOptions, policy: CompiledPolicy): RecordedCall {
  const read = parsePrincipalId(opts.principalId as string);
  if (!read.ok) throw new UsageError(`--principal-id: ${read.message}`, read.hint);
  let roleArn = opts.roleArn;
  if (roleArn === undefined) {
    const where =
      read.provider.account !== undefined
        ? { partition: read.provider.partition ?? 'aws', account: read.provider.account }
        : policyAccount(policy);
    if (where === undefined)
      throw new UsageError(
        '--role-arn is needed: neither the principal id nor the policy names an account',
      );
    roleArn = `arn:${where.partition}:iam::${where.account}:role/simulated-role`;
  }
  const duration = opts.duration !== undefined ? Number(opts.duration) : undefined;
  if (duration !== undefined && !/^\d+$/.test(opts.duration as string))
    throw new UsageError(`--duration "${opts.duration}" is not a whole number of seconds`);
  return {
    index: 1,
    line: 1,
    column: 1,
    roleArn,
    ...(opts.sessionName !== undefined ? { roleSessionName: opts.sessionName } : {}),
    ...(duration !== undefined ? { durationSeconds: duration } : {}),
    provider: read.provider,
    aud: read.aud,
    sub: read.sub,
    principalBasis: read.basis,
    ambiguous: read.ambiguous,
    outcome: { kind: 'allow' },
  };
}

function policyAccount(policy: CompiledPolicy): { partition: string; account: string } | undefined {
  for (const s of policy.policy.statements)
    for (const f of s.principal.federated) {
      const p = parseFederatedPrincipal(f.value);
      if (p.kind === 'oidc') return { partition: p.partition, account: p.account };
    }
  return undefined;
}

/** The token flags, and for --cloudtrail the request flags: the record says them, so they are refused. */
function refuseFlags(file: string | undefined, opts: CloudTrailExplainOptions & OtherFlags): void {
  const flag = opts.cloudtrail !== undefined ? '--cloudtrail' : '--principal-id';
  if (file !== undefined)
    throw new UsageError(`${flag} replays against --policy FILE, not a scenario file (${file})`);
  const given: [string, boolean][] = [
    ['--jwt', opts.jwt !== undefined],
    ['--claims', opts.claims !== undefined],
    ['--iss', opts.iss !== undefined],
    ['--sub', opts.sub !== undefined],
    ['--aud', opts.aud !== undefined],
    ['--exp', opts.exp !== undefined],
    ['--provider-id', opts.providerId !== undefined],
    ['--provider', (opts.provider ?? []).length > 0],
    ['--providers / --no-providers', opts.providers !== undefined && opts.providers !== true],
    ['--context', (opts.context ?? []).length > 0],
    ...(opts.cloudtrail !== undefined
      ? ([
          ['--role-arn', opts.roleArn !== undefined],
          ['--session-name', opts.sessionName !== undefined && opts.sessionName !== 'trustspec'],
          ['--duration', opts.duration !== undefined],
        ] as [string, boolean][])
      : []),
  ];
  const flags = given.filter(([, on]) => on).map(([name]) => name);
  if (flags.length > 0)
    throw new UsageError(
      `${flags.join(', ')} cannot be given with ${flag}: ${opts.cloudtrail !== undefined ? 'the event records the call' : 'the principal id gives the provider, audience and subject'}`,
    );
}

/** explain's other flags, refused here. */
export interface OtherFlags {
  jwt?: string;
  claims?: string;
  iss?: string;
  sub?: string;
  aud?: string;
  exp?: string;
  providerId?: string;
  provider?: string[];
  providers?: string | boolean;
  context?: string[];
}

export async function explainCloudTrail(
  file: string | undefined,
  opts: CloudTrailExplainOptions & OtherFlags,
  io: Io,
): Promise<number> {
  if (opts.cloudtrail !== undefined && opts.principalId !== undefined)
    throw new UsageError('give --cloudtrail or --principal-id, not both');
  refuseFlags(file, opts);
  if (opts.policy === undefined)
    throw new UsageError(
      `${opts.cloudtrail !== undefined ? '--cloudtrail' : '--principal-id'} needs the trust policy to replay against`,
      'give --policy FILE, a template, plan or cdk.out with one role, or a role ARN (the role ARN, session name and duration come from the event)',
    );
  const now = opts.now !== undefined ? parseNow(opts.now) : clockOf(io);
  const read =
    opts.cloudtrail !== undefined
      ? readCloudTrailFile(io, opts.cloudtrail, '--cloudtrail')
      : undefined;
  if (read && !reportRead(io, read)) return EXIT.usage;
  const from = await policyFrom(io, opts.policy);
  if (!from) return EXIT.usage;
  const { policy, policyFile } = from;
  if (!read) {
    const call = principalIdCall(opts, policy);
    const runs = replay([call], policy, now, opts, false);
    const decision = (runs[0] as Replayed).decision;
    if (opts.json) printJson(io, undefined, runs, policyFile);
    else printHuman(io, opts, undefined, runs, policyFile);
    return decision.decision === 'allow' ? EXIT.ok : EXIT.failed;
  }
  const runs = replay(read.calls, policy, now, opts, true);
  const count = summary(runs);
  if (opts.json) printJson(io, read, runs, policyFile);
  else {
    printHuman(io, opts, read.shown, runs, policyFile);
    io.stdout.write(
      `${count.events} AssumeRoleWithWebIdentity event${count.events === 1 ? '' : 's'}: ${count.match} match CloudTrail, ${count.mismatch} mismatch, ${count.unverifiable} not verifiable${read.skipped.length > 0 ? `; ${read.skipped.length} event${read.skipped.length === 1 ? '' : 's'} of other APIs skipped` : ''}\n`,
    );
  }
  return count.mismatch > 0 ? EXIT.failed : EXIT.ok;
}
