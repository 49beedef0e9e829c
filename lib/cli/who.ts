/** `trustspec who`: who can assume a role — every token its trust policy lets in, for all tokens. */
import type { Command } from 'commander';
import { EXIT, type Io } from './io.js';
import { timer } from './timing.js';

export interface WhoCommandOptions {
  json?: boolean;
  roleArn?: string;
  provider: string[];
  now?: string;
}

export async function whoCommand(file: string, opts: WhoCommandOptions, io: Io): Promise<number> {
  const { loadRole } = await import('./roles.js');
  const { whoCanAssume, whoText } = await import('../symbolic/index.js');
  const loaded = await loadRole(file, io, opts);
  const result = timer(io)('who', () =>
    whoCanAssume(loaded.analysis, { now: loaded.now, seeds: loaded.seeds }),
  );
  if (loaded.arnNote) result.assumptions.unshift(loaded.arnNote);
  io.stdout.write(
    opts.json ? `${JSON.stringify(result, null, 2)}\n` : whoText(result, loaded.source),
  );
  return result.exact ? EXIT.ok : EXIT.usage;
}

/** Registers `trustspec who`; its code (and the symbolic engine) load only when it runs. */
export function addWho(cli: Command, io: Io, out: { code: number }): void {
  cli
    .command('who')
    .description(
      "list who can assume a role, for all tokens: per identity provider, the allowed tokens in the policy's own terms, an example token each, and breadth warnings",
    )
    .argument('<file>', 'a trust policy (JSON or YAML) or a *.trustspec.yaml scenario file')
    .option('--json', 'print the result as JSON')
    .option(
      '--role-arn <arn>',
      'the role ARN, for a policy file (default: the account of its Federated principal, role "simulated-role")',
    )
    .option(
      '--provider <url[=clientId,...]>',
      "for a policy file: an IAM OIDC provider registered in the role's account; repeatable. Without any, issuers the policy names are assumed registered with any audience",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option(
      '--now <iso>',
      "the clock of the example tokens (default: the scenario file's now, else the wall clock)",
    )
    .addHelpText(
      'after',
      "\nExit codes: 0 the answer is exact, 2 the input could not be used or some provider's answer is unknown.\n" +
        'Examples:\n  trustspec who spec-examples/github-actions/deny-pull-requests.trustspec.yaml\n' +
        '  trustspec who role.trust.json --provider https://token.actions.githubusercontent.com=sts.amazonaws.com --json',
    )
    .action(async (file: string, opts: WhoCommandOptions) => {
      out.code = await whoCommand(file, opts, io);
    });
}
