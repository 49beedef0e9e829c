/**
 * The role behind a `who` / `diff` argument: a trust policy file (JSON or YAML; the role ARN from
 * `--role-arn` or the account of its Federated principal) or a scenario file (its role and
 * providers, read with the scenario loader; its scenarios' tokens become the seeds of realistic
 * examples and its `now` the examples' clock). Problems are positioned errors, exit code 2.
 */
import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseFederatedPrincipal } from '../providers/index.js';
import type { ProviderEntry } from '../providers/types.js';
import {
  loadPolicyFile,
  loadScenarioFileAsync,
  RoleSources,
  SCENARIO_FILE,
  type FileError,
} from '../scenarios/index.js';
import type { AnalysisRole } from '../symbolic/providers.js';
import type { Seeds } from '../symbolic/realism.js';
import { fileErrorText } from '../report/index.js';
import { parseNow, UsageError, useColor, type Io } from './io.js';

export interface RoleOptions {
  roleArn?: string;
  provider: string[];
  now?: string;
}

export interface LoadedRole {
  analysis: AnalysisRole;
  /** The policy file, as shown (relative to the working folder). */
  policyFile: string;
  /** The argument, as shown. */
  source: string;
  now: number;
  seeds: Seeds;
  /** Set when the role ARN was made up (no --role-arn, no OIDC principal to take the account from). */
  arnNote?: string;
}

/** Each error as `trustspec test` prints a file error: place, message, hint and code frame. */
export function printErrors(io: Io, errors: readonly FileError[]): void {
  const color = useColor(io.stderr, io.env);
  for (const e of errors) io.stderr.write(fileErrorText(e, color));
}

/** `--provider URL[=clientId,…]` (repeatable), as `explain` reads it; none: providers omitted. */
export function providersOption(specs: readonly string[]): ProviderEntry[] | undefined {
  if (specs.length === 0) return undefined;
  return specs.map((spec) => {
    const eq = spec.indexOf('=');
    const url = eq < 0 ? spec : spec.slice(0, eq);
    if (!url.startsWith('https://')) {
      throw new UsageError(
        `--provider "${spec}": the provider URL must start with https://`,
        'e.g. --provider https://token.actions.githubusercontent.com=sts.amazonaws.com',
      );
    }
    return {
      url,
      clientIds:
        eq < 0
          ? []
          : spec
              .slice(eq + 1)
              .split(',')
              .filter(Boolean),
    };
  });
}

async function fromScenarioFile(
  path: string,
  shown: string,
  io: Io,
  opts: RoleOptions,
): Promise<LoadedRole> {
  const loaded = await loadScenarioFileAsync(path, {
    sources: new RoleSources({ cwd: io.cwd, env: io.env }),
    ...(opts.now !== undefined ? { now: parseNow(opts.now) } : {}),
    defaultNow: Date.now(),
    cwd: io.cwd,
  });
  if (loaded.errors.length > 0) {
    printErrors(io, loaded.errors);
    throw new UsageError(`${shown} cannot be used`);
  }
  const first = loaded.scenarios[0];
  if (!first) throw new UsageError(`${shown} has no scenarios, so no role`);
  const distinct = new Set(
    loaded.scenarios.map(
      (s) => `${s.role.arn}|${s.role.policyFile}|${JSON.stringify(s.providers ?? null)}`,
    ),
  );
  if (distinct.size > 1) {
    throw new UsageError(
      `${shown} describes ${distinct.size} different roles (scenarios override role or providers)`,
      'give the policy file itself, with --role-arn and --provider',
    );
  }
  const role = first.role;
  return {
    analysis: {
      role: {
        arn: role.arn,
        policy: role.policy,
        ...(role.maxSessionDuration !== undefined
          ? { maxSessionDuration: role.maxSessionDuration }
          : {}),
        ...(role.tags ? { tags: role.tags } : {}),
      },
      ...(first.providers ? { providers: first.providers } : {}),
    },
    policyFile: relative(io.cwd, role.policyFile) || role.policyFile,
    source: shown,
    now: first.now,
    seeds: {
      claims: loaded.scenarios.map((s) => s.claims),
      sessionNames: [
        ...new Set(
          loaded.scenarios
            .map((s) => s.request.roleSessionName)
            .filter((n): n is string => n !== undefined),
        ),
      ],
      contexts: loaded.scenarios.map((s) => s.context ?? {}),
    },
  };
}

export function roleArnFor(
  policy: AnalysisRole['role']['policy'],
  opts: RoleOptions,
): { arn: string; note?: string } {
  if (opts.roleArn !== undefined) return { arn: opts.roleArn };
  for (const s of policy.policy.statements) {
    for (const f of s.principal.federated) {
      const p = parseFederatedPrincipal(f.value);
      if (p.kind === 'oidc')
        return { arn: `arn:${p.partition}:iam::${p.account}:role/simulated-role` };
    }
  }
  return {
    arn: 'arn:aws:iam::111122223333:role/simulated-role',
    note: 'no --role-arn and no IAM OIDC provider to take the account from: the role ARN is made up (built-in providers do not depend on it)',
  };
}

function fromPolicyFile(path: string, shown: string, io: Io, opts: RoleOptions): LoadedRole {
  const entry = loadPolicyFile(path, shown, new Map());
  if (entry.readError)
    throw new UsageError(`${shown}: ${entry.readError.message}`, entry.readError.hint);
  if (!entry.compiled) {
    printErrors(io, entry.errors);
    throw new UsageError(`${shown} cannot be used`);
  }
  const { arn, note } = roleArnFor(entry.compiled, opts);
  const providers = providersOption(opts.provider);
  return {
    analysis: { role: { arn, policy: entry.compiled }, ...(providers ? { providers } : {}) },
    policyFile: shown,
    source: shown,
    now: opts.now !== undefined ? parseNow(opts.now) : Date.now(),
    seeds: { claims: [], sessionNames: [], contexts: [] },
    ...(note ? { arnNote: note } : {}),
  };
}

/** The role of a policy or scenario file. */
export async function loadRole(arg: string, io: Io, opts: RoleOptions): Promise<LoadedRole> {
  const path = resolve(io.cwd, arg);
  const shown = relative(io.cwd, path) || arg;
  if (!existsSync(path)) throw new UsageError(`no file "${arg}"`);
  if (statSync(path).isDirectory())
    throw new UsageError(`"${arg}" is a folder: give a policy or scenario file`);
  if (SCENARIO_FILE.test(path)) {
    if (opts.roleArn !== undefined || opts.provider.length > 0) {
      throw new UsageError(
        `--role-arn and --provider apply to policy files; ${shown} names its own role and providers`,
      );
    }
    return fromScenarioFile(path, shown, io, opts);
  }
  return fromPolicyFile(path, shown, io, opts);
}
