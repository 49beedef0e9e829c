/** argv → a command. Every user error ends as one message and exit code 2, never a stack trace. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { REPORTER_NAMES } from '../report/names.js';
import { EXIT, UsageError, type Io } from './io.js';
import { addWho } from './who.js';
import { addDiff } from './diff.js';
import { addLint } from './lint.js';
import { addInit } from './init.js';
import { addFromCloudTrail } from './from-cloudtrail.js';

/** Where a command's action leaves its exit code. */
interface Outcome {
  code: number;
}

/** The package's version: package.json is three folders up from dist/lib/cli, two from lib/cli. */
function version(): string {
  for (const up of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as {
        name?: string;
        version: string;
      };
      if (pkg.name === 'trustspec') return pkg.version;
    } catch {
      // Not this folder.
    }
  }
  return 'unknown';
}

/** A terminal's width, or commander's default of 80 columns (a pipe, or no width known). */
const helpWidth = (stream: { isTTY?: boolean; columns?: number }): number =>
  (stream.isTTY === true && stream.columns) || 80;

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
      // Help wraps to the terminal the command writes to, not to this process's own stdout.
      getOutHelpWidth: () => helpWidth(io.stdout),
      getErrHelpWidth: () => helpWidth(io.stderr),
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
    .option('--strict', 'warnings fail the run (exit code 1)')
    .option('--no-strict', 'warnings do not fail the run, whatever trustspec.config.yaml says')
    .option(
      '--cross-check',
      "also run IAM Access Analyzer's ValidatePolicy and CheckNoPublicAccess on each trust policy (AWS credentials)",
    )
    .option(
      '--require-cross-check',
      'as --cross-check, and a policy Access Analyzer could not check makes the run exit 2',
    )
    .option('--profile <name>', 'the AWS profile for the cross-check')
    .option('--region <region>', 'the AWS region for the cross-check')
    .option(
      '--coverage',
      'also report which statements, conditions, condition values and allowed regions of each policy the scenarios exercised',
    )
    .option(
      '--coverage-threshold <n|metric=n,...>',
      'exit 1 when less than N% of condition values are covered (or METRIC=N for statements, clauses, values, regions); implies --coverage',
    )
    .option(
      '--coverage-output <lcov:file>',
      'also write the coverage as lcov to FILE; implies --coverage',
    )
    .option(
      '-w, --watch',
      'run again whenever a scenario file, policy or source the run read changes, or a scenario file appears (Ctrl-C stops; the last run gives the exit code)',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 every scenario met its expectation, 1 at least one did not (or, with --strict, a warning; or a coverage threshold is missed), 2 the input could not be used.\n' +
        'Defaults (reporter, strict, ignore, paths) come from the nearest trustspec.config.yaml, up to the repository root.\n' +
        'Examples:\n  trustspec test\n  trustspec test --watch\n  trustspec test policies/ --reporter junit --output junit:report.xml\n  trustspec test "**/*.trustspec.yaml" --filter deploy --now 2026-06-01T00:00:00Z',
    )
    .action(async (paths: string[], opts) => {
      // Each command is loaded when it runs, so --help and --version stay light.
      if (opts.watch) {
        const { watchTests } = await import('./test-watch.js');
        out.code = await watchTests(paths, opts, io, io.watch);
        return;
      }
      const { testCommand } = await import('./test.js');
      out.code = await testCommand(paths, opts, io);
    });
}

/** `explain --workflow` and the options that go with it. */
function workflowOptions(cmd: Command): Command {
  return cmd
    .option(
      '--workflow <file>',
      'a GitHub Actions workflow: explain every subject --job can present',
    )
    .option('--job <id>', 'with --workflow: the job (its key under jobs:)')
    .option('--repository <owner/repo>', 'with --workflow: the repository it runs in')
    .option(
      '--secret <name=value>',
      'with --workflow: a ${{ secrets.NAME }} value; repeatable',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option(
      '--var <name=value>',
      'with --workflow: a ${{ vars.NAME }} value; repeatable',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option(
      '--input <name=value>',
      'with --workflow: a ${{ inputs.NAME }} value; repeatable',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option(
      '--environment <name>',
      "with --workflow: the job's environment (when it is an expression)",
    )
    .option(
      '--sub-template <keys>',
      "with --workflow: the repository's OIDC subject template, e.g. repo,context,job_workflow_ref",
    )
    .option(
      '--called-workflow <file>',
      'with --workflow: a local copy of the reusable workflow the job calls',
    )
    .option('--called-job <id>', 'with --workflow: the job of the called workflow')
    .option('--default-branch <name>', 'with --workflow: the default branch (default main)');
}

function addExplain(cli: Command, io: Io, out: Outcome): void {
  const cmd = cli
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
    .option(
      '--jwks <file>',
      "the provider's keys (a JWKS file): verify the --jwt token's signature, kid and alg as STS would",
    )
    .option(
      '--fetch-jwks [url]',
      "fetch the provider's keys (from URL, or the jwks_uri of the issuer's discovery document) and verify as --jwks does; the only network use of explain",
    )
    .option('--iss <url>', 'token issuer')
    .option('--sub <sub>', 'token subject')
    .option('--aud <aud>', 'token audience')
    .option('--exp <time>', 'token expiry (ISO 8601 or epoch seconds)')
    .option(
      '--service-account <file[#[namespace/]name]>',
      'the token of an EKS pod running as this ServiceAccount (a manifest, or kubectl get sa -o yaml), and the role its eks.amazonaws.com/role-arn names',
    )
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
    .option(
      '--cloudtrail <file>',
      'replay the AssumeRoleWithWebIdentity calls CloudTrail recorded (one event, a trail file, or lookup-events output; - for standard input) against --policy, and say whether each outcome matches the recorded one (exit 1 on a mismatch)',
    )
    .option(
      '--principal-id <id>',
      'explain the call of a CloudTrail principal id PROVIDER:AUD:SUB against --policy',
    )
    .option('--json', 'print the decision, trace and diagnosis as JSON')
    .option('-v, --verbose', 'show every statement and the request context');
  workflowOptions(cmd)
    .addHelpText(
      'after',
      '\nExit codes: 0 allowed, 1 denied, 2 the input could not be used.\n' +
        'Examples:\n  trustspec explain --policy role.trust.json --jwt token.jwt --provider https://token.actions.githubusercontent.com=sts.amazonaws.com\n' +
        '  trustspec explain --policy role.trust.json --iss https://token.actions.githubusercontent.com --sub repo:acme/app:pull_request --aud sts.amazonaws.com\n' +
        '  trustspec explain deploy.trustspec.yaml --scenario "main branch deploys"\n' +
        '  trustspec explain --policy role.trust.json --cloudtrail events.json\n' +
        '  trustspec explain --workflow .github/workflows/deploy.yml --job deploy --repository acme/app --policy role.trust.json',
    )
    .action(async (file: string | undefined, opts) => {
      const { explainCommand } = await import('./explain.js');
      out.code = await explainCommand(file, opts, io);
    });
}

function addResolve(cli: Command, io: Io, out: Outcome): void {
  const many = (v: string, prev: string[]) => [...prev, v];
  cli
    .command('resolve')
    .description(
      "show what a role source resolves to: the trust policy, the role's facts and the OIDC providers, each value with where it came from",
    )
    .argument(
      '<source>',
      "a CloudFormation template (JSON or YAML), a CDK cloud assembly folder (cdk.out), `terraform show -json` output, or a deployed role's ARN (read with iam:GetRole)",
    )
    .option('--logical-id <id>', 'the AWS::IAM::Role to resolve (default: the only one)')
    .option('--stack <name>', 'CDK: the stack (artifact id or display name)')
    .option('--construct <path>', 'CDK: the role construct path, e.g. Stack/DeployRole')
    .option('--address <address>', 'Terraform: the aws_iam_role resource address')
    .option('--param <key=value>', 'a template parameter value; repeatable', many, [] as string[])
    .option(
      '--parameters-file <file>',
      'parameter values in the CLI, CodePipeline or KEY=VALUE-list JSON format',
    )
    .option(
      '--account <id>',
      'the account the stack or plan is deployed in (AWS::AccountId; builds the role ARN)',
    )
    .option(
      '--region <region>',
      'the region the stack is deployed in (AWS::Region; the partition follows)',
    )
    .option('--partition <partition>', 'aws, aws-cn, aws-us-gov, … (default: from --region)')
    .option('--stack-name <name>', 'CloudFormation: AWS::StackName')
    .option(
      '--resource <key=value>',
      'a value known only after deployment: LogicalId (its Ref) or LogicalId.Attribute; repeatable',
      many,
      [] as string[],
    )
    .option(
      '--import <name=value>',
      'the value of an Fn::ImportValue export; repeatable',
      many,
      [] as string[],
    )
    .option('--profile <name>', 'a live role: the AWS profile of the credentials')
    .option(
      '--providers',
      "a live role: also list the OIDC providers of the role's account (iam:ListOpenIDConnectProviders)",
    )
    .option('--json', 'print {role, providers, provenance, findings} as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 resolved, 2 the source could not be resolved (each reason at its file:line:column, with the key that supplies the value).\n' +
        'Examples:\n  trustspec resolve infra/github-oidc.yaml --param GitHubOrganization=acme --account 111122223333 --region us-east-1\n' +
        '  trustspec resolve cdk.out --construct PipelineStack/DeployRole --json\n' +
        '  trustspec resolve plan.json --address module.ci.aws_iam_role.this[0] --account 111122223333\n' +
        '  trustspec resolve arn:aws:iam::111122223333:role/deploy/gha-deploy --providers --profile prod',
    )
    .action(async (source: string, opts) => {
      const { resolveCommand } = await import('./resolve.js');
      out.code = await resolveCommand(source, opts, io);
    });
}

export async function main(argv: string[], io: Io): Promise<number> {
  const out: Outcome = { code: EXIT.ok };
  const cli = program(io);
  addTest(cli, io, out);
  addExplain(cli, io, out);
  addResolve(cli, io, out);
  addWho(cli, io, out);
  addDiff(cli, io, out);
  addLint(cli, io, out, version());
  addInit(cli, io, out);
  addFromCloudTrail(cli, io, out);
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
