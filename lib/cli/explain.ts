/** `trustspec explain`: one token against one role, stage by stage, with the cause and the fix. */
import { extname, relative, resolve } from 'node:path';
import { yaml } from '../packages.js';
import { parsePolicy } from '../policy/parse.js';
import type { TrustPolicy } from '../policy/model.js';
import { compilePolicy } from '../sts/compile.js';
import { simulate } from '../sts/simulate.js';
import type { ContextInputValue, SimulationInput } from '../sts/types.js';
import type { ProviderEntry } from '../providers/types.js';
import { parseFederatedPrincipal } from '../providers/index.js';
import { diagnose, userDecision, userDiagnosis, userText } from '../explain/index.js';
import type { Finding } from '../diagnostics.js';
import { formatDecision } from '../report/explain-text.js';
import { pathExists, readText, type TextRead } from '../files.js';
import { codeFrame, framesAllowed } from '../scenarios/frame.js';
import { loadScenarioFileAsync, RoleSources, scenarioInput } from '../scenarios/index.js';
import { decodeCompactJwt, looksLikeJwt } from '../token.js';
import { signatureFromOptions, type JwksOptions } from './jwks.js';
import { providersOption } from './roles.js';
import type { ExplainedDiagnosis } from '../explain/types.js';
import { serviceAccountExplained, serviceAccountOption } from './explain-service-account.js';
import { clockOf, EXIT, parseNow, stdinOf, UsageError, useColor, type Io } from './io.js';
import type { WorkflowFlags } from './explain-workflow.js';

export interface ExplainOptions extends JwksOptions, Omit<WorkflowFlags, 'provider'> {
  scenario?: string;
  policy?: string;
  roleArn?: string;
  maxSessionDuration?: string;
  jwt?: string;
  claims?: string;
  iss?: string;
  sub?: string;
  aud?: string;
  exp?: string;
  sessionName?: string;
  duration?: string;
  providerId?: string;
  provider: string[];
  providers?: string | boolean;
  context: string[];
  now?: string;
  json?: boolean;
  verbose?: boolean;
  cloudtrail?: string;
  principalId?: string;
  serviceAccount?: string;
}

/** The text of a file the user named, or a UsageError naming the option, the file and why. */
function fileText(read: TextRead, value: string, what: string): string {
  if (read.ok) return read.text;
  if (read.code === 'file-not-found') throw new UsageError(`${what}: no file "${value}"`);
  throw new UsageError(`${what}: the file "${value}" ${read.message}`, read.hint);
}

function readInput(io: Io, value: string, what: string): { text: string; file?: string } {
  if (value === '-') return { text: fileText(stdinOf(io), 'standard input', what) };
  const path = resolve(io.cwd, value);
  if (pathExists(path)) return { text: fileText(readText(path), value, what), file: path };
  // Inline JSON/YAML, or a compact JWT (three base64url parts); anything else names a file.
  if (/^\s*[[{]/.test(value) || looksLikeJwt(value)) return { text: value };
  throw new UsageError(`${what}: no file "${value}"`);
}

/** The largest number of seconds an option takes: STS's DurationSeconds is a 32-bit integer. */
const MAX_SECONDS = 2 ** 31 - 1;

/**
 * A whole, non-negative number of seconds within `range`. Out of STS's range but a number is left
 * to the simulation when `range` is absent (`--duration 60` is refused as STS refuses it).
 */
function seconds(
  value: string | undefined,
  flag: string,
  range?: { min: number; max: number; why: string },
): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  const min = range?.min ?? 0;
  const max = range?.max ?? MAX_SECONDS;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(
      `${flag} "${value}" is not a whole number of seconds from ${min} to ${max}`,
      range?.why,
    );
  }
  return n;
}

function parseData(text: string, what: string): unknown {
  try {
    return yaml().parse(text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (e) {
    throw new UsageError(
      `${what} is not valid JSON or YAML: ${(e as Error).message.split('\n')[0]}`,
    );
  }
}

function providersFrom(opts: ExplainOptions, io: Io): ProviderEntry[] | undefined {
  if (opts.providers === false) return [];
  const list: ProviderEntry[] = [];
  if (typeof opts.providers === 'string') {
    const data = parseData(readInput(io, opts.providers, '--providers').text, '--providers');
    if (!Array.isArray(data))
      throw new UsageError('--providers must be a list of {url, clientIds}');
    for (const p of data) {
      const e = p as { url?: unknown; clientIds?: unknown };
      if (
        typeof e.url !== 'string' ||
        !Array.isArray(e.clientIds) ||
        e.clientIds.some((c) => typeof c !== 'string')
      ) {
        throw new UsageError(
          '--providers: each entry needs url (a string) and clientIds (a list of strings)',
        );
      }
      list.push({ url: e.url, clientIds: e.clientIds as string[] });
    }
  }
  list.push(...(providersOption(opts.provider) ?? []));
  return list.length > 0 || typeof opts.providers === 'string' ? list : undefined;
}

function contextFrom(specs: string[]): Record<string, ContextInputValue> | undefined {
  if (specs.length === 0) return undefined;
  const out: Record<string, ContextInputValue> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0)
      throw new UsageError(
        `--context "${spec}" must be KEY=VALUE`,
        'e.g. --context aws:SourceIp=203.0.113.5',
      );
    const value = spec.slice(eq + 1);
    out[spec.slice(0, eq)] = /^\[.*\]$/.test(value)
      ? value
          .slice(1, -1)
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean)
      : value;
  }
  return out;
}

function timeClaim(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return Math.floor(parseNow(value, '--exp') / 1000);
}

function claimsFrom(
  opts: ExplainOptions,
  io: Io,
  base: Record<string, unknown> = {},
): {
  claims: Record<string, unknown>;
  header?: Record<string, unknown>;
  length?: number;
  jwt?: string;
} {
  let claims: Record<string, unknown> = { ...base };
  let header: Record<string, unknown> | undefined;
  let length: number | undefined;
  let jwt: string | undefined;
  if (opts.jwt !== undefined) {
    const { text } = readInput(io, opts.jwt, '--jwt');
    const d = decodeCompactJwt(text);
    if (!d.ok) throw new UsageError(`--jwt: ${d.message}`);
    ({ claims, header, length } = d);
    jwt = text;
  }
  if (opts.claims !== undefined) {
    const data = parseData(readInput(io, opts.claims, '--claims').text, '--claims');
    if (data === null || typeof data !== 'object' || Array.isArray(data))
      throw new UsageError('--claims must be a JSON/YAML object of claims');
    claims = { ...claims, ...(data as Record<string, unknown>) };
  }
  if (opts.iss !== undefined) claims['iss'] = opts.iss;
  if (opts.sub !== undefined) claims['sub'] = opts.sub;
  if (opts.aud !== undefined) claims['aud'] = opts.aud;
  const exp = timeClaim(opts.exp);
  if (exp !== undefined) claims['exp'] = exp;
  if (Object.keys(claims).length === 0) {
    throw new UsageError(
      'no token given',
      'give --jwt FILE, --claims FILE|JSON, or --iss/--sub/--aud',
    );
  }
  return {
    claims,
    ...(header ? { header } : {}),
    ...(length !== undefined ? { length } : {}),
    ...(jwt !== undefined ? { jwt } : {}),
  };
}

function print(
  io: Io,
  opts: ExplainOptions,
  input: SimulationInput,
  policyFile: string | undefined,
  first: ExplainedDiagnosis[] = [],
): number {
  const decision = simulate(input);
  const diagnoses = [...first, ...diagnose(decision, input, policyFile ? { policyFile } : {})];
  if (opts.json) {
    // Notes in the user's terms: no section numbers of trustspec's own notes.
    const shown = {
      version: 1,
      ...userDecision(decision),
      diagnoses: diagnoses.map(userDiagnosis),
    };
    io.stdout.write(JSON.stringify(shown, null, 2) + '\n');
  } else {
    const text = formatDecision(decision, {
      color: useColor(io.stdout, io.env),
      diagnoses,
      verbose: opts.verbose === true,
      ...(policyFile ? { policyFile } : {}),
    });
    io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
  // A pod whose ServiceAccount names another role never asks this one: not an allow.
  const elsewhere = first.some((g) => g.severity === 'error');
  return decision.decision === 'allow' && !elsewhere ? EXIT.ok : EXIT.failed;
}

/** At most this many candidates are listed when --scenario names none or several. */
const LISTED = 30;

/** `"a", "b", "c"` (and how many more). */
function candidates(names: string[]): string {
  const shown = names.slice(0, LISTED).map((n) => JSON.stringify(n));
  return names.length > LISTED
    ? `${shown.join(', ')} and ${names.length - LISTED} more`
    : shown.join(', ');
}

/**
 * The scenario `--scenario` names, matched as `test --filter` matches: a part of the name in any
 * letter case. An exact full name wins over names that merely contain it. None or several: exit
 * 2, listing the candidates.
 */
export function pickScenario<S extends { name: string }>(
  scenarios: S[],
  wanted: string | undefined,
  file: string,
): S {
  const names = scenarios.map((s) => s.name);
  if (wanted === undefined) {
    if (scenarios.length === 1) return scenarios[0] as S;
    throw new UsageError(
      `${file} has ${names.length} scenarios: name one with --scenario`,
      `scenarios: ${candidates(names)} (a part of a name will do)`,
    );
  }
  const exact = scenarios.filter((s) => s.name === wanted);
  if (exact.length === 1) return exact[0] as S;
  const lower = wanted.toLowerCase();
  const same = scenarios.filter((s) => s.name.toLowerCase() === lower);
  if (same.length === 1) return same[0] as S;
  const hits = scenarios.filter((s) => s.name.toLowerCase().includes(lower));
  if (hits.length === 1) return hits[0] as S;
  if (hits.length === 0) {
    throw new UsageError(
      `no scenario of ${file} has "${wanted}" in its name`,
      `scenarios: ${candidates(names)}`,
    );
  }
  throw new UsageError(
    `${hits.length} scenarios of ${file} have "${wanted}" in their name: say which`,
    `candidates: ${candidates(hits.map((s) => s.name))}`,
  );
}

/**
 * A scenario file says the whole request: a flag that would change it is refused, never ignored
 * (only --scenario, --now, --json and --verbose apply to a file).
 */
function refuseRequestFlags(opts: ExplainOptions): void {
  const given: [string, boolean][] = [
    ['--policy', opts.policy !== undefined],
    ['--role-arn', opts.roleArn !== undefined],
    ['--max-session-duration', opts.maxSessionDuration !== undefined],
    ['--jwt', opts.jwt !== undefined],
    ['--claims', opts.claims !== undefined],
    ['--iss', opts.iss !== undefined],
    ['--sub', opts.sub !== undefined],
    ['--aud', opts.aud !== undefined],
    ['--exp', opts.exp !== undefined],
    ['--session-name', opts.sessionName !== undefined && opts.sessionName !== 'trustspec'],
    ['--duration', opts.duration !== undefined],
    ['--provider-id', opts.providerId !== undefined],
    ['--provider', opts.provider.length > 0],
    ['--providers / --no-providers', opts.providers !== undefined && opts.providers !== true],
    ['--context', opts.context.length > 0],
    ['--service-account', opts.serviceAccount !== undefined],
    ['--jwks', opts.jwks !== undefined],
    ['--fetch-jwks', opts.fetchJwks !== undefined && opts.fetchJwks !== false],
  ];
  const flags = given.filter(([, on]) => on).map(([name]) => name);
  if (flags.length === 0) return;
  throw new UsageError(
    `${flags.join(', ')} ${flags.length > 1 ? 'describe' : 'describes'} the request, and a scenario file already says it`,
    'edit the scenario in the file (--scenario NAME picks one), or leave the file out to build the request from flags',
  );
}

/** `explain FILE`: a scenario of a scenario file (its role sources read first). */
async function explainFile(
  file: string,
  opts: ExplainOptions,
  io: Io,
  nowOpt: number | undefined,
): Promise<number> {
  refuseRequestFlags(opts);
  const loaded = await loadScenarioFileAsync(resolve(io.cwd, file), {
    now: nowOpt,
    defaultNow: clockOf(io),
    cwd: io.cwd,
    sources: new RoleSources({ cwd: io.cwd, env: io.env }),
  });
  if (loaded.errors.length > 0) {
    for (const e of loaded.errors) {
      io.stderr.write(
        `${e.file}:${e.line}:${e.column}: ${userText(e.message)}\n${e.hint ? `  ${userText(e.hint)}\n` : ''}${e.frame ? e.frame + '\n' : ''}`,
      );
    }
    return EXIT.usage;
  }
  const scenario = pickScenario(loaded.scenarios, opts.scenario, file);
  return print(
    io,
    opts,
    scenarioInput(scenario),
    relative(io.cwd, scenario.role.policyFile) || scenario.role.policyFile,
    scenario.serviceAccount
      ? serviceAccountExplained(scenario.serviceAccount, scenario.role.arn)
      : [],
  );
}

/** A role in the account of the policy's IAM OIDC provider, when no ARN is given. */
function simulatedRoleArn(policy: TrustPolicy): string {
  const oidc = policy.statements
    .flatMap((s) => s.principal.federated)
    .map((f) => parseFederatedPrincipal(f.value))
    .find((p) => p.kind === 'oidc');
  if (!oidc || oidc.kind !== 'oidc') {
    throw new UsageError(
      '--role-arn is needed: the policy names no IAM OIDC provider to take the account from',
    );
  }
  return `arn:${oidc.partition}:iam::${oidc.account}:role/simulated-role`;
}

export async function explainCommand(
  file: string | undefined,
  opts: ExplainOptions,
  io: Io,
): Promise<number> {
  if (opts.cloudtrail !== undefined || opts.principalId !== undefined) {
    const { explainCloudTrail } = await import('./explain-cloudtrail.js');
    return explainCloudTrail(file, opts, io);
  }
  if (opts.workflow !== undefined) {
    const { explainWorkflow } = await import('./explain-workflow.js');
    return explainWorkflow(file, { ...opts }, io);
  }
  const nowOpt = opts.now !== undefined ? parseNow(opts.now) : undefined;
  if (file !== undefined) return explainFile(file, opts, io, nowOpt);

  if (opts.policy === undefined) {
    throw new UsageError(
      'explain needs a role',
      'give --policy FILE (and --role-arn ARN), or a scenario file and --scenario NAME',
    );
  }
  // Options are checked before any file is read.
  const duration = seconds(opts.duration, '--duration');
  const maxSessionDuration = seconds(opts.maxSessionDuration, '--max-session-duration', {
    min: 3600,
    max: 43200,
    why: "a role's MaxSessionDuration is 1 to 12 hours; IAM stores no other value",
  });
  const policyPath = resolve(io.cwd, opts.policy);
  const text = fileText(readText(policyPath), opts.policy, '--policy');
  const ext = extname(policyPath).toLowerCase();
  const parsed = parsePolicy(text, {
    format: ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : 'auto',
  });
  const shown = relative(io.cwd, policyPath) || policyPath;
  const shownFindings = (list: readonly Finding[]): Finding[] =>
    list.filter((f) => f.severity === 'error');
  const compiled = parsed.ok ? compilePolicy(parsed.policy) : undefined;
  // Lines of the file only when it is a policy (any file can be named: never quote a key file).
  const frames = framesAllowed(
    text,
    parsed.findings.map((f) => f.code),
  );
  // Errors stop the run; write-time errors (IAM would refuse to store the policy) are shown too.
  for (const f of [...shownFindings(parsed.findings), ...shownFindings(compiled?.findings ?? [])]) {
    const line = f.span?.start.line ?? 1;
    const column = f.span?.start.column ?? 1;
    io.stderr.write(
      `${shown}:${line}:${column}: ${userText(f.message)}
${
  f.hint
    ? `  ${userText(f.hint)}
`
    : ''
}${
        frames
          ? `${codeFrame(text, line, column)}
`
          : ''
      }`,
    );
  }
  if (!parsed.ok || !compiled || !compiled.ok) return EXIT.usage;

  const sa =
    opts.serviceAccount !== undefined
      ? serviceAccountOption(opts.serviceAccount, io, compiled, opts.iss)
      : undefined;
  if (sa && !sa.ok) {
    io.stderr.write(sa.text);
    return EXIT.usage;
  }
  const roleArn = opts.roleArn ?? sa?.roleArn ?? simulatedRoleArn(parsed.policy);
  const { jwt, ...token } = claimsFrom(opts, io, sa?.claims);
  const signature = await signatureFromOptions(opts, io, { ...token, ...(jwt ? { jwt } : {}) });
  const providers = providersFrom(opts, io);
  const context = contextFrom(opts.context);
  const input: SimulationInput = {
    role: {
      arn: roleArn,
      policy: compiled,
      ...(maxSessionDuration !== undefined ? { maxSessionDuration } : {}),
    },
    ...(providers !== undefined ? { providers } : {}),
    token: { ...token, ...(signature ? { signature } : {}) },
    request: {
      ...(opts.sessionName !== undefined ? { roleSessionName: opts.sessionName } : {}),
      ...(duration !== undefined ? { durationSeconds: duration } : {}),
      ...(opts.providerId !== undefined ? { providerId: opts.providerId } : {}),
    },
    ...(context ? { context } : {}),
    now: nowOpt ?? clockOf(io),
  };
  return print(io, opts, input, shown, sa ? serviceAccountExplained(sa.facts, roleArn) : []);
}
