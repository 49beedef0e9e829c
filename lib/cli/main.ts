/** argv → a command. Every user error ends as one message and exit code 2, never a stack trace. */
import { existsSync, readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { REPORTER_NAMES } from '../report/names.js';
import { EXIT, UsageError, type Io } from './io.js';
import { addWho } from './who.js';
import { addDiff } from './diff.js';

/** Where a command's action leaves its exit code. */
interface Outcome {
  code: number;
}

function version(): string {
  // dist/lib/cli/main.js in the build; lib/cli/main.ts when tests run the sources in process.
  const at = ['../../package.json', '../../../package.json'].map(
    (p) => new URL(p, import.meta.url),
  );
  const pkg = JSON.parse(readFileSync(at.find((u) => existsSync(u)) ?? (at[1] as URL), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function program(io: Io): Command {
  return new Command('trustspec')
    .description(
      'Test AWS IAM role trust policies for web-identity federation (GitHub Actions, EKS, GitLab, Cognito, any OIDC issuer)\n' +
        'by simulating sts:AssumeRoleWithWebIdentity exactly, and explaining every decision.',
    )
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s.replace(/^error: /, 'trustspec: ')),
    });
}

function addTest(cli: Command, io: Io, out: Outcome): void {
  cli
    .command('test')
    .description(
      'run every scenario in *.trustspec.yaml files and report which met their expectation',
    )
    .argument('[paths...]', 'files, folders or globs (default: the current folder)')
    .addOption(new Option('-r, --reporter <name>', 'output format').choices(REPORTER_NAMES))
    .option('-f, --filter <text>', 'run only scenarios whose name contains TEXT (case-insensitive)')
    .option(
      '--now <iso>',
      "the simulated clock for every file (ISO 8601 or epoch seconds); overrides the files' now",
    )
    .option(
      '-o, --output <[reporter:]file>',
      'also write a report to FILE (reporter from the prefix, or from the extension: .xml junit, .json json, .tap tap); repeatable',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('-v, --verbose', 'show the full trace (request context, every statement) for failures')
    .addHelpText(
      'after',
      '\nExit codes: 0 every scenario met its expectation, 1 at least one did not, 2 the input could not be used.\n' +
        'Examples:\n  trustspec test\n  trustspec test policies/ --reporter junit --output junit:report.xml\n  trustspec test "**/*.trustspec.yaml" --filter deploy --now 2026-06-01T00:00:00Z',
    )
    .action(async (paths: string[], opts) => {
      // Each command is loaded when it runs, so --help and --version stay light.
      const { testCommand } = await import('./test.js');
      out.code = await testCommand(paths, opts, io);
    });
}

function addExplain(cli: Command, io: Io, out: Outcome): void {
  cli
    .command('explain')
    .description(
      'simulate one token against one role, stage by stage, and say why it is refused and how to fix it',
    )
    .argument(
      '[scenario-file]',
      'take role, token and request from a scenario file (with --scenario)',
    )
    .option('-s, --scenario <name>', 'the scenario of SCENARIO-FILE to explain')
    .option('-p, --policy <file>', "the role's trust policy (JSON or YAML)")
    .option(
      '--role-arn <arn>',
      'the role ARN (partition, account and path matter); default: the account of the policy\'s Federated principal, role "simulated-role"',
    )
    .option(
      '--max-session-duration <seconds>',
      "the role's MaxSessionDuration (3600–43200, default 3600)",
    )
    .option(
      '--jwt <file|token>',
      'the web identity token: a compact JWT, a file holding one, or - for standard input',
    )
    .option('--claims <file|json>', "the token's claims as a JSON/YAML file or inline JSON")
    .option('--iss <url>', 'token issuer')
    .option('--sub <sub>', 'token subject')
    .option('--aud <aud>', 'token audience')
    .option('--exp <time>', 'token expiry (ISO 8601 or epoch seconds)')
    .option('--session-name <name>', 'RoleSessionName', 'trustspec')
    .option('--duration <seconds>', 'DurationSeconds')
    .option('--provider-id <id>', 'ProviderId (graph.facebook.com or www.amazon.com)')
    .option(
      '--provider <url[=clientId,...]>',
      "an IAM OIDC provider registered in the role's account; repeatable. Without any, issuers named by the policy are assumed registered",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option(
      '--providers <file|json>',
      "the account's providers as a JSON/YAML list of {url, clientIds}",
    )
    .option('--no-providers', 'the account has no IAM OIDC providers')
    .option(
      '-c, --context <key=value>',
      'a request-context key (e.g. aws:SourceIp=203.0.113.5); repeatable; a value a,b,c with [] around it is a list',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--now <iso>', 'the simulated clock (default: now)')
    .option('--json', 'print the decision, trace and diagnosis as JSON')
    .option('-v, --verbose', 'show every statement and the request context')
    .addHelpText(
      'after',
      '\nExit codes: 0 allowed, 1 denied, 2 the input could not be used.\n' +
        'Examples:\n  trustspec explain --policy role.trust.json --jwt token.jwt --provider https://token.actions.githubusercontent.com=sts.amazonaws.com\n' +
        '  trustspec explain --policy role.trust.json --iss https://token.actions.githubusercontent.com --sub repo:acme/app:pull_request --aud sts.amazonaws.com\n' +
        '  trustspec explain deploy.trustspec.yaml --scenario "main branch deploys"',
    )
    .action(async (file: string | undefined, opts) => {
      const { explainCommand } = await import('./explain.js');
      out.code = await explainCommand(file, opts, io);
    });
}

export async function main(argv: string[], io: Io): Promise<number> {
  const out: Outcome = { code: EXIT.ok };
  const cli = program(io);
  addTest(cli, io, out);
  addExplain(cli, io, out);
  addWho(cli, io, out);
  addDiff(cli, io, out);
  try {
    if (argv.length === 0) {
      cli.outputHelp();
      return EXIT.usage;
    }
    await cli.parseAsync(argv, { from: 'user' });
    return out.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError) {
      io.stderr.write(`trustspec: ${e.message}\n${e.hint ? `  ${e.hint}\n` : ''}`);
      return EXIT.usage;
    }
    const err = e as Error;
    io.stderr.write(
      `trustspec: internal error: ${err.message}\n` +
        (io.env['TRUSTSPEC_DEBUG']
          ? `${err.stack}\n`
          : '  (set TRUSTSPEC_DEBUG=1 for the stack; please report it)\n'),
    );
    return EXIT.usage;
  }
}
