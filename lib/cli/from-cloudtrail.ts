/**
 * `trustspec from-cloudtrail FILE [-o FILE] [--force] [--policy [ROLE=]FILE]...`: a scenario file
 * that pins each recorded AssumeRoleWithWebIdentity call with the outcome CloudTrail recorded —
 * regression tests from real traffic, grouped by role. A role whose policy is not given is read
 * from the account when the file is tested (`role: {live: ARN}`).
 *
 * Pinned: calls that were allowed, refused by the trust policy (AccessDenied) or refused for their
 * parameters (ValidationError). Calls refused for their token cannot be replayed (CloudTrail keeps
 * no token) and are listed in the file's header and on standard error, never dropped unseen.
 *
 * Writing: a new file is written beside the target and linked into place, so that a file created
 * meanwhile is never replaced; an existing file is replaced only with --force, atomically, and
 * only a regular file (through a link, its target).
 */
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import type { RecordedCall } from '../explain/cloudtrail.js';
import type { CompiledPolicy } from '../sts/compile.js';
import { clockOf, EXIT, UsageError, type Io } from './io.js';
import { outputTarget, writeTarget } from './write-new.js';

export interface FromCloudTrailOptions {
  output?: string;
  force?: boolean;
  policy: string[];
}

/** The outcomes a scenario can pin: the stage and code STS refuses with. */
const PINNED: Readonly<Record<string, { stage: string; code: string }>> = {
  AccessDenied: { stage: 'trust-policy', code: 'AccessDenied' },
  ValidationError: { stage: 'request', code: 'ValidationError' },
};

function pinnable(call: RecordedCall): boolean {
  return call.outcome.kind === 'allow' || PINNED[call.outcome.code] !== undefined;
}

/** `events.json` → `events.trustspec.yaml`, beside it. */
function defaultOutput(input: string): string {
  const name = basename(input).replace(/\.(json|txt)$/i, '');
  return join(dirname(input), `${name || 'cloudtrail'}.trustspec.yaml`);
}

/**
 * A string as YAML: single-quoted (only `'` is doubled, every other character kept as it is), or
 * JSON's double quotes when it holds a control character.
 */
const q = (s: string): string =>
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f]/.test(s) ? JSON.stringify(s) : `'${s.replace(/'/g, "''")}'`;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function scalar(v: unknown): string {
  return typeof v === 'string'
    ? q(v)
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : 'null';
}

/** A mapping as block YAML, nested mappings indented, lists of scalars in flow style. */
function block(map: Record<string, unknown>, indent: string): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(map)) {
    const key = PLAIN_KEY.test(k) ? k : q(k);
    if (Array.isArray(v)) out.push(`${indent}${key}: [${v.map(scalar).join(', ')}]`);
    else if (v !== null && typeof v === 'object')
      out.push(`${indent}${key}:`, ...block(v as Record<string, unknown>, `${indent}  `));
    else out.push(`${indent}${key}: ${scalar(v)}`);
  }
  return out;
}

/** `ROLE=FILE` and `FILE` → the policy file of each recorded role (absolute paths). */
function policiesByRole(specs: string[], roles: string[], cwd: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq < 0) {
      if (roles.length !== 1)
        throw new UsageError(
          `--policy ${spec}: the events name ${roles.length} roles, say which this policy is for`,
          `--policy ROLE=FILE, ROLE being a role's ARN or name: ${roles.join(', ')}`,
        );
      out.set(roles[0] as string, resolve(cwd, spec));
      continue;
    }
    const role = spec.slice(0, eq);
    const hits = roles.filter((r) => r === role || r.slice(r.lastIndexOf('/') + 1) === role);
    if (hits.length !== 1)
      throw new UsageError(
        `--policy ${spec}: ${hits.length === 0 ? 'no recorded call assumes' : 'several recorded roles are named'} "${role}"`,
        `the roles the events name: ${roles.join(', ')}`,
      );
    out.set(hits[0] as string, resolve(cwd, spec.slice(eq + 1)));
  }
  return out;
}

/**
 * The file's role: read from the account (no --policy), the policy file, or the source it lives in
 * (a template, cloud assembly or plan, named by its kind, with the recorded ARN beside it).
 */
function roleOf(
  arn: string,
  policy: string | undefined,
  from: string,
  kinds: ReadonlyMap<string, string>,
): Record<string, string> {
  if (policy === undefined) return { live: arn };
  const r = relative(from, policy).split(sep).join('/');
  const rel = r.startsWith('../') ? r : `./${r}`;
  const kind = kinds.get(policy);
  return kind ? { [kind]: rel, arn } : { arn, trustPolicy: rel };
}

function expectOf(call: RecordedCall): string | Record<string, unknown> {
  if (call.outcome.kind === 'allow') return 'allow';
  return { deny: PINNED[call.outcome.code] };
}

function scenarioName(call: RecordedCall): string {
  const outcome = call.outcome.kind === 'allow' ? 'allowed' : call.outcome.code;
  return `event ${call.index}${call.eventTime ? ` at ${call.eventTime}` : ''}: ${call.sub} (${outcome})`;
}

interface Render {
  source: string;
  calls: RecordedCall[];
  left: { call: RecordedCall; why: string }[];
  roles: string[];
  policies: Map<string, string>;
  /** The kind of each policy that is a source (cloudformation, cdk, terraform), by path. */
  kinds: Map<string, string>;
  folder: string;
  now: number;
}

async function render(r: Render): Promise<string> {
  const replay = await import('../explain/cloudtrail-replay.js');
  const one = r.roles.length === 1;
  const out: string[] = [
    `# Made by trustspec from-cloudtrail from ${r.source}: each AssumeRoleWithWebIdentity call pinned`,
    '# with the outcome CloudTrail recorded. CloudTrail keeps the provider, audience and subject of the',
    '# token, not its other claims: a policy that reads them needs them added to the token here.',
    ...r.left.map(
      (l) =>
        `# Not pinned: event ${l.call.index}${l.call.eventTime ? ` at ${l.call.eventTime}` : ''} (${l.why}).`,
    ),
    'version: 1',
  ];
  const first = r.roles[0] as string;
  if (one)
    out.push('role:', ...block(roleOf(first, r.policies.get(first), r.folder, r.kinds), '  '));
  const providers = new Map<string, Set<string>>();
  for (const c of r.calls)
    for (const p of replay.recordedProviders(c)) {
      const ids = providers.get(p.url) ?? new Set<string>();
      for (const id of p.clientIds) ids.add(id);
      providers.set(p.url, ids);
    }
  if (providers.size > 0) {
    out.push(
      "# The IAM OIDC providers the calls show registered in their role's account, with the audiences seen.",
      'providers:',
    );
    for (const [url, ids] of providers)
      out.push(`  - url: ${q(url)}`, `    clientIds: [${[...ids].map(q).join(', ')}]`);
  }
  out.push(`now: ${q(new Date(r.now).toISOString())}`, 'scenarios:');
  for (const role of r.roles) {
    out.push(`  # ${role}`);
    for (const c of r.calls.filter((x) => x.roleArn === role)) {
      const providerId = replay.recordedProviderId(c);
      const request = {
        ...(c.roleSessionName !== undefined ? { roleSessionName: c.roleSessionName } : {}),
        ...(c.durationSeconds !== undefined ? { durationSeconds: c.durationSeconds } : {}),
        ...(providerId !== undefined ? { providerId } : {}),
      };
      const expect = expectOf(c);
      out.push(`  - name: ${q(scenarioName(c))}`);
      if (c.eventId !== undefined)
        out.push(`    description: ${q(`CloudTrail eventID ${c.eventId}`)}`);
      if (c.eventTime !== undefined && c.time !== undefined) out.push(`    now: ${q(c.eventTime)}`);
      if (!one)
        out.push(
          '    role:',
          ...block(roleOf(role, r.policies.get(role), r.folder, r.kinds), '      '),
        );
      out.push('    token:', ...block({ ...replay.recordedClaims(c) }, '      '));
      if (Object.keys(request).length > 0) out.push('    request:', ...block(request, '      '));
      if (typeof expect === 'string') out.push(`    expect: ${expect}`);
      else out.push('    expect:', ...block(expect, '      '));
    }
  }
  return out.join('\n') + '\n';
}

/**
 * With the policies given, does each pinned call replay to its recorded outcome? Warnings if not.
 * Returns the kind of each policy that is a source (template, cloud assembly, plan), by path.
 */
async function check(
  calls: RecordedCall[],
  policies: Map<string, string>,
  io: Io,
  now: number,
): Promise<Map<string, string>> {
  const kinds = new Map<string, string>();
  const { policyFrom } = await import('./explain-cloudtrail.js');
  const replay = await import('../explain/cloudtrail-replay.js');
  const compiled = new Map<string, CompiledPolicy>();
  for (const [role, file] of policies) {
    const p = await policyFrom(io, relative(io.cwd, file) || file);
    if (!p) throw new UsageError(`--policy for ${role}: the policy cannot be used (see above)`);
    compiled.set(role, p.policy);
    if (p.kind !== undefined) kinds.set(file, p.kind);
  }
  for (const c of calls) {
    const policy = compiled.get(c.roleArn);
    if (!policy) continue;
    const cmp = replay.replayOutcome(c, policy, { now });
    if (cmp.verdict !== 'match')
      io.stderr.write(`trustspec from-cloudtrail: warning: event ${c.index}: ${cmp.reason}\n`);
  }
  return kinds;
}

export async function fromCloudTrailCommand(
  file: string,
  opts: FromCloudTrailOptions,
  io: Io,
): Promise<number> {
  const { readCloudTrailFile, reportRead } = await import('./explain-cloudtrail.js');
  const toStdout = opts.output === '-' || (opts.output === undefined && file === '-');
  const outFile = toStdout
    ? undefined
    : resolve(io.cwd, opts.output ?? defaultOutput(resolve(io.cwd, file)));
  const shown = outFile ? relative(io.cwd, outFile) || outFile : '-';
  const read = readCloudTrailFile(io, file, 'from-cloudtrail');
  if (!reportRead(io, read)) return EXIT.usage;
  const where = outFile
    ? outputTarget(
        outFile,
        shown,
        opts.force === true,
        'trustspec from-cloudtrail',
        file === '-' ? undefined : { path: resolve(io.cwd, file), what: 'the CloudTrail file' },
      )
    : undefined;
  const { TOKEN_ERROR_CODES } = await import('../explain/cloudtrail-replay.js');
  const calls = read.calls.filter(pinnable);
  const left = read.calls
    .filter((c) => !pinnable(c))
    .map((c) => {
      const code = c.outcome.kind === 'error' ? c.outcome.code : '';
      return {
        call: c,
        why: TOKEN_ERROR_CODES.includes(code)
          ? `${code}: STS refused the token itself, and CloudTrail keeps no token to replay`
          : `${code}: not decided by what a scenario describes`,
      };
    });
  for (const l of left)
    io.stderr.write(
      `${read.shown}:${l.call.line}:${l.call.column}: not pinned: event ${l.call.index} (${l.why})\n`,
    );
  if (calls.length === 0)
    throw new UsageError(
      `no call of ${read.shown} can be pinned: nothing written`,
      'only calls CloudTrail recorded as allowed, AccessDenied or ValidationError can be replayed',
    );
  const roles = [...new Set(calls.map((c) => c.roleArn))];
  const policies = policiesByRole(opts.policy, roles, io.cwd);
  const now = clockOf(io);
  const kinds = await check(calls, policies, io, now);
  const text = await render({
    source: read.shown === '<stdin>' ? 'standard input' : basename(read.shown),
    calls,
    left,
    roles,
    policies,
    kinds,
    folder: outFile ? dirname(outFile) : io.cwd,
    now: calls.find((c) => c.time !== undefined)?.time ?? now,
  });
  if (!where) {
    io.stdout.write(text);
    return EXIT.ok;
  }
  writeTarget(where, text, shown);
  const live = roles.filter((r) => !policies.has(r));
  io.stdout.write(
    `wrote ${shown}: ${calls.length} scenario${calls.length === 1 ? '' : 's'} for ${roles.length} role${roles.length === 1 ? '' : 's'}${live.length > 0 ? ` (${live.length} read from the account when tested: give --policy ROLE=FILE to test a file instead)` : ''}; run trustspec test ${shown}\n`,
  );
  return EXIT.ok;
}

/** Registers `trustspec from-cloudtrail`; its code loads only when it runs. */
export function addFromCloudTrail(cli: Command, io: Io, out: { code: number }): void {
  cli
    .command('from-cloudtrail')
    .description(
      'write a scenario file pinning each AssumeRoleWithWebIdentity call CloudTrail recorded with its recorded outcome, grouped by role',
    )
    .argument(
      '<file>',
      'one CloudTrail event, a trail log file ({"Records": [...]}) or the output of aws cloudtrail lookup-events; - for standard input',
    )
    .option(
      '-o, --output <file>',
      'the scenario file to write (default: FILE.trustspec.yaml beside FILE; - prints it)',
    )
    .option('--force', 'replace an existing file (a regular file only)')
    .option(
      '-p, --policy <[role=]file>',
      "a role's trust policy (JSON or YAML), for the role named by ARN or name (with one role, the file alone); repeatable. A role without one is read from the account when tested (live:)",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 written, 2 the input could not be used or the file exists (without --force).\n' +
        'Examples:\n  trustspec from-cloudtrail events.json --policy deploy.trust.json -o deploy-traffic.trustspec.yaml\n' +
        '  aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=AssumeRoleWithWebIdentity | trustspec from-cloudtrail - -o traffic.trustspec.yaml',
    )
    .action(async (file: string, opts: FromCloudTrailOptions) => {
      out.code = await fromCloudTrailCommand(file, opts, io);
    });
}
