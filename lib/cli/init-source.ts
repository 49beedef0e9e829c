/**
 * `trustspec init SOURCE`: the role of a CloudFormation template, a CDK cloud assembly or a
 * Terraform plan/state, resolved as `trustspec resolve` resolves it (the same flags). The written
 * file holds the resolved trust policy inline, so that its scenarios were checked against exactly
 * what they pin; its header says where it came from, that it is a copy, and how to point the
 * file's role at the source itself (`role: {cloudformation: …}`) instead.
 */
import { existsSync, statSync } from 'node:fs';
import { readText } from '../files.js';
import { relative, resolve } from 'node:path';
import { yaml } from '../packages.js';
import { isBlocking } from '../diagnostics.js';
import { parsePolicy } from '../policy/parse.js';
import { compilePolicy } from '../sts/compile.js';
import { resolveSource } from '../sources/index.js';
import type { AnalysisRole } from '../symbolic/providers.js';
import { UsageError, type Io } from './io.js';
import { printFinding, specFrom, type ResolveOptions } from './resolve.js';
import { providersOption, roleArnFor } from './roles.js';

/** A folder (a cloud assembly), or a file whose top level is a template's, a plan's or a manifest's. */
export function isSource(path: string): boolean {
  if (!existsSync(path)) return false;
  if (statSync(path).isDirectory()) return true;
  // The one safe reader: a FIFO or a device is refused (by the policy loader, with its reason).
  const read = readText(path);
  if (!read.ok) return false;
  let data: unknown;
  try {
    data = yaml().parse(read.text, { logLevel: 'silent', uniqueKeys: false });
  } catch {
    // Tags such as !Sub make the plain parser fail: only a template writes them.
    return /^\s*(AWSTemplateFormatVersion|Resources)\s*:/m.test(read.text);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return false;
  const top = data as Record<string, unknown>;
  return (
    'Resources' in top ||
    'AWSTemplateFormatVersion' in top ||
    'format_version' in top ||
    ('artifacts' in top && typeof top['version'] === 'string')
  );
}

export interface SourceRole {
  analysis: AnalysisRole;
  source: string;
  /** The kind of source (cloudformation, cdk, terraform, live). */
  kind: string;
  /** The resolved trust policy, to write inline. */
  document: object;
  notes: string[];
}

/** The role a source resolves to; its problems are printed at their place, then exit 2. */
export async function sourceRole(
  arg: string,
  opts: ResolveOptions & { roleArn?: string; provider: string[] },
  io: Io,
): Promise<SourceRole> {
  const path = resolve(io.cwd, arg);
  const shown = relative(io.cwd, path) || arg;
  const spec = specFrom(arg, opts, io);
  const result = await resolveSource(spec, { baseDir: io.cwd, env: io.env });
  for (const f of result.findings) printFinding(io, f);
  if (!result.ok) throw new UsageError(`${shown} could not be resolved to a role`);
  const tp = result.role.trustPolicy;
  const parsed = parsePolicy(tp.document as object, {
    ...(tp.spanOf ? { spanOf: tp.spanOf } : {}),
    ...(tp.at ? { at: tp.at } : {}),
  });
  for (const f of parsed.findings) printFinding(io, { ...f, file: tp.file });
  if (!parsed.ok || parsed.findings.some(isBlocking))
    throw new UsageError(`the trust policy of ${shown} cannot be used`);
  const policy = compilePolicy(parsed.policy);
  const notes = [
    `the trust policy is a copy of the one ${shown} resolves to: to test the source itself as it changes, replace arn and trustPolicy under role with the source (e.g. cloudformation: ${shown}, with its parameters, account and region; see "Where policies live" in the README)`,
  ];
  let arn = opts.roleArn ?? result.role.arn;
  if (arn === undefined) {
    const made = roleArnFor(policy, { provider: [] });
    arn = made.arn;
    notes.push(
      made.note ??
        "role.arn: the source does not determine it (give --account, or --role-arn): the account is the policy's, the name made up",
    );
  }
  const providers = providersOption(opts.provider) ?? result.providers;
  return {
    analysis: {
      role: {
        arn,
        policy,
        ...(result.role.maxSessionDuration !== undefined
          ? { maxSessionDuration: result.role.maxSessionDuration }
          : {}),
        ...(result.role.tags ? { tags: { ...result.role.tags } } : {}),
      },
      ...(providers ? { providers } : {}),
    },
    source: shown,
    kind: spec.kind,
    document: tp.document as object,
    notes,
  };
}
