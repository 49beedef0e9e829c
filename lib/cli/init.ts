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
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdtempSync,
  openSync,
  closeSync,
  fsyncSync,
  realpathSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { clockOf, EXIT, parseNow, UsageError, writeFileAtomic, type Io } from './io.js';

export interface InitCommandOptions {
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

interface Target {
  /** The path written (a link's target). */
  path: string;
  exists: boolean;
  mode?: number;
}

/** Where the file goes; refuses what is not a regular file, and an existing one without --force. */
function target(file: string, shown: string, force: boolean, policy: string): Target {
  let link;
  try {
    link = lstatSync(file);
  } catch {
    if (!existsSync(dirname(file)) || !statSync(dirname(file)).isDirectory())
      throw new UsageError(`-o ${shown}: the folder ${dirname(shown)} does not exist`);
    return { path: file, exists: false };
  }
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new UsageError(`-o ${shown} is a link to nothing: not replaced`);
  }
  if (!st.isFile()) {
    const what = st.isDirectory()
      ? 'a folder'
      : st.isFIFO()
        ? 'a named pipe'
        : 'not a regular file';
    throw new UsageError(
      `-o ${shown} is ${link.isSymbolicLink() ? `a link to ${what}` : what}: trustspec init writes only regular files`,
    );
  }
  const real = realpathSync(file);
  if (real === realpathSync(policy)) throw new UsageError(`-o ${shown} is the policy itself`);
  if (!force)
    throw new UsageError(
      `${shown} exists: not replaced`,
      'give --force to replace it, or -o another file (-o - prints it)',
    );
  return { path: real, exists: true, mode: Number(st.mode) & 0o7777 };
}

/** Writes a new file atomically without ever replacing one: a temporary file, linked into place. */
function writeNew(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST')
      throw new UsageError(`${path} was created meanwhile: not replaced`);
    throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** `./x.trust.json`, `../policies/x.json`: the policy as the scenario file names it. */
function relativeRef(fromFolder: string, policy: string): string {
  const rel = relative(fromFolder, policy).split(sep).join('/');
  return rel.startsWith('../') ? rel : `./${rel}`;
}

export async function initCommand(file: string, opts: InitCommandOptions, io: Io): Promise<number> {
  const { loadRole } = await import('./roles.js');
  const { SCENARIO_FILE } = await import('../scenarios/discover.js');
  const path = resolve(io.cwd, file);
  if (SCENARIO_FILE.test(path))
    throw new UsageError(
      `${file} is a scenario file: trustspec init takes the trust policy it tests`,
    );
  const now = opts.now !== undefined ? parseNow(opts.now) : clockOf(io);
  const loaded = loadRole(file, io, { ...opts, now: new Date(now).toISOString() });
  const toStdout = opts.output === '-';
  const outFile = toStdout ? undefined : resolve(io.cwd, opts.output ?? defaultOutput(file));
  const shown = outFile ? relative(io.cwd, outFile) || outFile : '-';
  const where = outFile ? target(outFile, shown, opts.force === true, path) : undefined;
  const init = await import('../scenarios/init.js');
  const sc = await import('../scenarios/index.js');
  const result = init.initScenarios(loaded.analysis, { now, seeds: loaded.seeds });
  if (result.scenarios.length === 0) {
    throw new UsageError(
      `no scenario could be made for ${loaded.source}: nothing written`,
      result.notes.join('; ') || 'no provider can present a token to this role',
    );
  }
  const roleNotes = [
    ...(loaded.arnNote
      ? [`${loaded.arnNote}: set role.arn`]
      : opts.roleArn === undefined
        ? [
            "role.arn: the account is the policy's, the role's name is made up: set the real ARN (its partition, account and path matter)",
          ]
        : []),
    ...(loaded.analysis.providers
      ? []
      : [
          "providers: omitted, so every issuer the policy names is taken as registered with any audience; list your account's IAM OIDC providers (url, clientIds) to test the audience check too (or give --provider).",
        ]),
  ];
  const text = verified(
    {
      role: loaded.analysis,
      result,
      source: loaded.source,
      now,
      roleNotes,
      policy: path,
      policyRef: relativeRef(outFile ? dirname(outFile) : io.cwd, path),
    },
    init,
    sc,
    io,
  );
  if (!where) {
    io.stdout.write(text);
    return EXIT.ok;
  }
  if (where.exists) writeFileAtomic(where.path, text, where.mode);
  else writeNew(where.path, text);
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
  /** The policy's absolute path (for the check) and as the written file names it. */
  policy: string;
  policyRef: string;
}

/**
 * The file's text, after loading and running it (in a temporary folder, naming the policy by its
 * absolute path): a scenario that fails with a shorthand is written with its raw claims; one that
 * still fails is left out, with a warning.
 */
function verified(r: Render, init: InitModule, sc: ScenariosModule, io: Io): string {
  const render = (raw: ReadonlySet<string>, policyRef: string): string =>
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
  cli
    .command('init')
    .description(
      'write a scenario file for an existing trust policy: one allow per region of the tokens it allows, and the near misses a reviewer wants refused, each named in words',
    )
    .argument('<policy>', 'a trust policy file (JSON or YAML)')
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
    .option('--now <iso>', "the file's clock (default: now)")
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
