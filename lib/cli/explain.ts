/** `trustspec explain`: one token against one role, stage by stage, with the cause and the fix. */
import { existsSync, readFileSync } from 'node:fs';
import { extname, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parsePolicy } from '../policy/parse.js';
import { compilePolicy } from '../sts/compile.js';
import { simulate } from '../sts/simulate.js';
import type { ContextInputValue, SimulationInput } from '../sts/types.js';
import type { ProviderEntry } from '../providers/types.js';
import { parseFederatedPrincipal } from '../providers/index.js';
import { diagnose } from '../explain/index.js';
import type { Finding } from '../diagnostics.js';
import { formatDecision } from '../report/explain-text.js';
import { codeFrame } from '../scenarios/frame.js';
import { loadScenarioFile, scenarioInput } from '../scenarios/index.js';
import { decodeCompactJwt, looksLikeJwt } from '../token.js';
import { clockOf, EXIT, parseNow, stdinOf, UsageError, useColor, type Io } from './io.js';

export interface ExplainOptions {
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
}

function readInput(io: Io, value: string, what: string): { text: string; file?: string } {
  if (value === '-') return { text: stdinOf(io) };
  const path = resolve(io.cwd, value);
  if (existsSync(path)) return { text: readFileSync(path, 'utf8'), file: path };
  // Inline JSON/YAML, or a compact JWT (three base64url parts); anything else names a file.
  if (/^\s*[[{]/.test(value) || looksLikeJwt(value)) return { text: value };
  throw new UsageError(`${what}: no file "${value}"`);
}

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value))
    throw new UsageError(`${flag} "${value}" is not a whole number of seconds`);
  return Number(value);
}

function parseData(text: string, what: string): unknown {
  try {
    return parseYaml(text, { uniqueKeys: true, maxAliasCount: 100 });
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
  for (const spec of opts.provider) {
    const eq = spec.indexOf('=');
    const url = eq < 0 ? spec : spec.slice(0, eq);
    if (!url.startsWith('https://')) {
      throw new UsageError(
        `--provider "${spec}": the provider URL must start with https://`,
        'e.g. --provider https://token.actions.githubusercontent.com=sts.amazonaws.com',
      );
    }
    list.push({
      url,
      clientIds:
        eq < 0
          ? []
          : spec
              .slice(eq + 1)
              .split(',')
              .filter(Boolean),
    });
  }
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
): { claims: Record<string, unknown>; header?: Record<string, unknown>; length?: number } {
  let claims: Record<string, unknown> = {};
  let header: Record<string, unknown> | undefined;
  let length: number | undefined;
  if (opts.jwt !== undefined) {
    const { text } = readInput(io, opts.jwt, '--jwt');
    const d = decodeCompactJwt(text);
    if (!d.ok) throw new UsageError(`--jwt: ${d.message}`);
    ({ claims, header, length } = d);
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
  return { claims, ...(header ? { header } : {}), ...(length !== undefined ? { length } : {}) };
}

function print(
  io: Io,
  opts: ExplainOptions,
  input: SimulationInput,
  policyFile: string | undefined,
): number {
  const decision = simulate(input);
  const diagnoses = diagnose(decision, input, policyFile ? { policyFile } : {});
  if (opts.json) {
    io.stdout.write(JSON.stringify({ version: 1, ...decision, diagnoses }, null, 2) + '\n');
  } else {
    const text = formatDecision(decision, {
      color: useColor(io.stdout, io.env),
      diagnoses,
      verbose: opts.verbose === true,
      ...(policyFile ? { policyFile } : {}),
    });
    io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
  return decision.decision === 'allow' ? EXIT.ok : EXIT.failed;
}

export async function explainCommand(
  file: string | undefined,
  opts: ExplainOptions,
  io: Io,
): Promise<number> {
  const nowOpt = opts.now !== undefined ? parseNow(opts.now) : undefined;
  if (file !== undefined) {
    const loaded = loadScenarioFile(resolve(io.cwd, file), {
      now: nowOpt,
      defaultNow: clockOf(io),
      cwd: io.cwd,
    });
    if (loaded.errors.length > 0) {
      for (const e of loaded.errors) {
        io.stderr.write(
          `${e.file}:${e.line}:${e.column}: ${e.message}\n${e.hint ? `  ${e.hint}\n` : ''}${e.frame ? e.frame + '\n' : ''}`,
        );
      }
      return EXIT.usage;
    }
    const names = loaded.scenarios.map((s) => s.name);
    const scenario =
      opts.scenario !== undefined
        ? loaded.scenarios.find((s) => s.name === opts.scenario)
        : loaded.scenarios.length === 1
          ? loaded.scenarios[0]
          : undefined;
    if (!scenario) {
      throw new UsageError(
        opts.scenario !== undefined
          ? `no scenario named "${opts.scenario}" in ${file}`
          : `${file} has ${names.length} scenarios: name one with --scenario`,
        `scenarios: ${names.map((n) => `"${n}"`).join(', ')}`,
      );
    }
    return print(
      io,
      opts,
      scenarioInput(scenario),
      relative(io.cwd, scenario.role.policyFile) || scenario.role.policyFile,
    );
  }

  if (opts.policy === undefined) {
    throw new UsageError(
      'explain needs a role',
      'give --policy FILE (and --role-arn ARN), or a scenario file and --scenario NAME',
    );
  }
  const policyPath = resolve(io.cwd, opts.policy);
  if (!existsSync(policyPath)) throw new UsageError(`--policy: no file "${opts.policy}"`);
  const text = readFileSync(policyPath, 'utf8');
  const ext = extname(policyPath).toLowerCase();
  const parsed = parsePolicy(text, {
    format: ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : 'auto',
  });
  const shown = relative(io.cwd, policyPath) || policyPath;
  const shownFindings = (list: readonly Finding[]): Finding[] =>
    list.filter((f) => f.severity === 'error');
  const compiled = parsed.ok ? compilePolicy(parsed.policy) : undefined;
  // Errors stop the run; write-time errors (IAM would refuse to store the policy) are shown too.
  for (const f of [...shownFindings(parsed.findings), ...shownFindings(compiled?.findings ?? [])]) {
    const line = f.span?.start.line ?? 1;
    const column = f.span?.start.column ?? 1;
    io.stderr.write(
      `${shown}:${line}:${column}: ${f.message}\n${f.hint ? `  ${f.hint}\n` : ''}${codeFrame(text, line, column)}\n`,
    );
  }
  if (!parsed.ok || !compiled || !compiled.ok) return EXIT.usage;

  let roleArn = opts.roleArn;
  if (roleArn === undefined) {
    const oidc = parsed.policy.statements
      .flatMap((s) => s.principal.federated)
      .map((f) => parseFederatedPrincipal(f.value))
      .find((p) => p.kind === 'oidc');
    if (!oidc || oidc.kind !== 'oidc') {
      throw new UsageError(
        '--role-arn is needed: the policy names no IAM OIDC provider to take the account from',
      );
    }
    roleArn = `arn:${oidc.partition}:iam::${oidc.account}:role/simulated-role`;
  }
  const token = claimsFrom(opts, io);
  const providers = providersFrom(opts, io);
  const context = contextFrom(opts.context);
  const duration = integer(opts.duration, '--duration');
  const maxSessionDuration = integer(opts.maxSessionDuration, '--max-session-duration');
  const input: SimulationInput = {
    role: {
      arn: roleArn,
      policy: compiled,
      ...(maxSessionDuration !== undefined ? { maxSessionDuration } : {}),
    },
    ...(providers !== undefined ? { providers } : {}),
    token,
    request: {
      ...(opts.sessionName !== undefined ? { roleSessionName: opts.sessionName } : {}),
      ...(duration !== undefined ? { durationSeconds: duration } : {}),
      ...(opts.providerId !== undefined ? { providerId: opts.providerId } : {}),
    },
    ...(context ? { context } : {}),
    now: nowOpt ?? clockOf(io),
  };
  return print(io, opts, input, shown);
}
