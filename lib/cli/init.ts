/**
 * `trustspec init POLICY [-o FILE] [--force]`: write a scenario file for an existing trust policy
 * (lib/scenarios/init.ts makes it). Before anything is written the file is loaded and run: every
 * scenario must pass; one that does not with its provider's shorthand is written with its raw
 * claims, and one that still does not is left out with a warning (never silently).
 *
 * Writing: a temporary file beside the target, then renamed into place — linked, without
 * `--force`, so that a file created meanwhile is never replaced. An existing file is replaced
 * only with `--force`, and only a regular file (through a link, its target); a folder, a named
 * pipe, a device or a link to one is refused, and so is the policy itself. `-o -` prints it.
 */
import type { Command } from 'commander';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { ResolveOptions } from './resolve.js';
import { clockOf, EXIT, parseNow, UsageError, writeFileAtomic, type Io } from './io.js';
import { outputTarget, writeTarget } from './write-new.js';

export interface InitCommandOptions extends ResolveOptions {
  output?: string;
  force?: boolean;
  roleArn?: string;
  provider: string[];
  now?: string;
}

/** `x.trust.json` → `x.trustspec.yaml`, beside it. */
export function defaultOutput(policy: string): string {
  const name = basename(policy).replace(/(\.trust)?\.(json|ya?ml)$/i, '');
  return join(dirname(policy), `${name || 'policy'}.trustspec.yaml`);
}

/** `./x.trust.json`, `../policies/x.json`: the policy as the scenario file names it. */
function relativeRef(fromFolder: string, policy: string): string {
  const rel = relative(fromFolder, policy).split(sep).join('/');
  return rel.startsWith('../') ? rel : `./${rel}`;
}

/** What the file is made from: the role, its seeds, and how the file names the policy. */
interface Origin {
  analysis: import('../symbolic/index.js').AnalysisRole;
  seeds?: import('../symbolic/index.js').Seeds;
  source: string;
  /** For the check (an absolute path, or the policy inline) and for the file written. */
  policy: string | object;
  policyRef: string | object;
  notes: string[];
}

async function policyOrigin(
  file: string,
  opts: InitCommandOptions,
  io: Io,
  now: number,
  outFolder: string,
): Promise<Origin> {
  const path = resolve(io.cwd, file);
  const { isSource, sourceRole } = await import('./init-source.js');
  if (isSource(path)) {
    const r = await sourceRole(file, opts, io);
    return { ...r, policy: r.document, policyRef: r.document };
  }
  const { loadRole } = await import('./roles.js');
  const loaded = await loadRole(file, io, { ...opts, now: new Date(now).toISOString() });
  return {
    analysis: loaded.analysis,
    seeds: loaded.seeds,
    source: loaded.source,
    policy: path,
    policyRef: relativeRef(outFolder, path),
    notes: loaded.arnNote
      ? [`${loaded.arnNote}: set role.arn`]
      : opts.roleArn === undefined
        ? [
            "role.arn: the account is the policy's, the role's name is made up: set the real ARN (its partition, account and path matter)",
          ]
        : [],
  };
}

export async function initCommand(file: string, opts: InitCommandOptions, io: Io): Promise<number> {
  const { SCENARIO_FILE } = await import('../scenarios/discover.js');
  const path = resolve(io.cwd, file);
  if (SCENARIO_FILE.test(path))
    throw new UsageError(
      `${file} is a scenario file: trustspec init takes the trust policy it tests`,
    );
  if (!existsSync(path)) throw new UsageError(`no file "${file}"`);
  const now = opts.now !== undefined ? parseNow(opts.now) : clockOf(io);
  const toStdout = opts.output === '-';
  const outFile = toStdout ? undefined : resolve(io.cwd, opts.output ?? defaultOutput(path));
  const shown = outFile ? relative(io.cwd, outFile) || outFile : '-';
  const where = outFile
    ? outputTarget(outFile, shown, opts.force === true, 'trustspec init', {
        path,
        what: 'the policy (or source)',
      })
    : undefined;
  const origin = await policyOrigin(file, opts, io, now, outFile ? dirname(outFile) : io.cwd);
  const init = await import('../scenarios/init.js');
  const sc = await import('../scenarios/index.js');
  const result = init.initScenarios(origin.analysis, {
    now,
    ...(origin.seeds ? { seeds: origin.seeds } : {}),
  });
  if (result.scenarios.length === 0) {
    throw new UsageError(
      `no scenario could be made for ${origin.source}: nothing written`,
      result.notes.join('; ') || 'no provider can present a token to this role',
    );
  }
  const roleNotes = [
    ...origin.notes,
    ...(origin.analysis.providers
      ? []
      : [
          "providers: omitted, so every issuer the policy names is taken as registered with any audience; list your account's IAM OIDC providers (url, clientIds) to test the audience check too (or give --provider).",
        ]),
  ];
  const text = verified(
    {
      role: origin.analysis,
      result,
      source: origin.source,
      now,
      roleNotes,
      policy: origin.policy,
      policyRef: origin.policyRef,
    },
    init,
    sc,
    io,
  );
  if (!where) {
    io.stdout.write(text);
    return EXIT.ok;
  }
  writeTarget(where, text, shown);
  const allow = result.scenarios.filter((s) => s.expect.decision === 'allow').length;
  if (!SCENARIO_FILE.test(where.path))
    io.stderr.write(
      `trustspec init: note: ${shown} is not named *.trustspec.yaml, so \`trustspec test\` finds it only when named\n`,
    );
  io.stdout.write(
    `wrote ${shown}: ${result.scenarios.length} scenarios (${allow} allow, ${result.scenarios.length - allow} deny); review it, then run trustspec test ${shown}\n`,
  );
  return EXIT.ok;
}

type InitModule = typeof import('../scenarios/init.js');
type ScenariosModule = typeof import('../scenarios/index.js');

interface Render {
  role: import('../symbolic/index.js').AnalysisRole;
  result: import('../scenarios/init.js').InitResult;
  source: string;
  now: number;
  roleNotes: string[];
  /** The policy's absolute path (for the check) and as the written file names it; or inline. */
  policy: string | object;
  policyRef: string | object;
}

/**
 * The file's text, after loading and running it (in a temporary folder, naming the policy by its
 * absolute path): a scenario that fails with a shorthand is written with its raw claims; one that
 * still fails is left out, with a warning.
 */
function verified(r: Render, init: InitModule, sc: ScenariosModule, io: Io): string {
  const render = (raw: ReadonlySet<string>, policyRef: string | object): string =>
    init.initYaml(r.role, r.result, {
      policyRef,
      source: r.source,
      now: r.now,
      raw,
      roleNotes: r.roleNotes,
    });
  const dir = mkdtempSync(join(tmpdir(), 'trustspec-init-'));
  const failing = (raw: ReadonlySet<string>): string[] => {
    const file = join(dir, 'check.trustspec.yaml');
    writeFileAtomic(file, render(raw, r.policy));
    const loaded = sc.loadScenarioFile(file, { cwd: dir, defaultNow: r.now });
    if (loaded.errors.length > 0) {
      throw new Error(
        `the generated file does not load: ${loaded.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('; ')}`,
      );
    }
    return sc
      .runScenarios(loaded.scenarios)
      .filter((x) => !x.ok)
      .map((x) => x.name);
  };
  const raw = new Set<string>();
  try {
    let bad = failing(raw);
    if (bad.length > 0) {
      for (const n of bad) raw.add(n);
      bad = failing(raw);
    }
    if (bad.length > 0) {
      for (const n of bad)
        io.stderr.write(`trustspec init: warning: left out "${n}": it does not pass as written\n`);
      r.result.scenarios = r.result.scenarios.filter((s) => !bad.includes(s.name));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return render(raw, r.policyRef);
}

/** Registers `trustspec init`; its code (and the symbolic engine) load only when it runs. */
export function addInit(cli: Command, io: Io, out: { code: number }): void {
  const command = cli
    .command('init')
    .description(
      'write a scenario file for an existing trust policy: one allow per region of the tokens it allows, and the near misses a reviewer wants refused, each named in words',
    )
    .argument(
      '<policy|source>',
      'a trust policy file (JSON or YAML), or a CloudFormation template, CDK cloud assembly or Terraform plan/state (as `trustspec resolve` takes)',
    )
    .option(
      '-o, --output <file>',
      'the scenario file to write (default: beside the policy, x.trust.json → x.trustspec.yaml); - prints it',
    )
    .option('--force', 'replace an existing file (a regular file only)')
    .option(
      '--role-arn <arn>',
      'the role ARN (default: the account of the policy\'s Federated principal, role "simulated-role")',
    )
    .option(
      '--provider <url[=clientId,...]>',
      "an IAM OIDC provider registered in the role's account; repeatable; written into the file",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--now <iso>', "the file's clock (default: now)");
  addSourceOptions(command);
  command
    .addHelpText(
      'after',
      '\nExit codes: 0 written, 2 the input could not be used or the file exists (without --force).\n' +
        'Examples:\n  trustspec init roles/deploy.trust.json\n' +
        '  trustspec init roles/deploy.trust.json --provider https://token.actions.githubusercontent.com=sts.amazonaws.com -o roles/deploy.trustspec.yaml --force',
    )
    .action(async (file: string, opts: InitCommandOptions) => {
      out.code = await initCommand(file, opts, io);
    });
}

/** The flags of `trustspec resolve`, for a source. */
function addSourceOptions(command: Command): void {
  const many = (v: string, prev: string[]) => [...prev, v];
  command
    .option('--logical-id <id>', 'source: the AWS::IAM::Role to use (default: the only one)')
    .option('--stack <name>', 'CDK: the stack')
    .option('--construct <path>', 'CDK: the role construct path')
    .option('--address <address>', 'Terraform: the aws_iam_role resource address')
    .option('--param <key=value>', 'source: a template parameter value; repeatable', many, [])
    .option(
      '--parameters-file <file>',
      'source: parameter values (CLI, CodePipeline or KEY=VALUE JSON)',
    )
    .option('--account <id>', 'source: the account the stack is deployed in')
    .option('--region <region>', 'source: the region the stack is deployed in')
    .option('--partition <partition>', 'source: aws, aws-cn, aws-us-gov, …')
    .option('--stack-name <name>', 'CloudFormation: AWS::StackName')
    .option(
      '--resource <key=value>',
      'source: a value known only after deployment; repeatable',
      many,
      [],
    )
    .option('--import <name=value>', 'source: an Fn::ImportValue export; repeatable', many, []);
}
