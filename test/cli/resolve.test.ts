/**
 * `trustspec resolve SOURCE`, run as a user runs it (the built binary in a child process): the
 * kind of source from the path, the human and JSON outputs with provenance, and every error as
 * `file:line:column` with the key that supplies the value, exit code 2, never a stack trace.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { UsageError } from '../../lib/cli/io.js';
import { resolveCommand, type ResolveOptions } from '../../lib/cli/resolve.js';
import { cleanEnv, REPO, STACK_LINE, trustspec, type Run } from './helpers.js';

const CWD = join(REPO, 'test', 'fixtures', 'sources');
const FED = 'cloudformation/gha-federation-and-role.yml';
const GH = 'token.actions.githubusercontent.com';
/** The built binary in a child process, as a user runs it. */
const spawned = (args: string[], cwd = CWD) => trustspec(['resolve', ...args], { cwd });

function sink(): Writable & { text: string } {
  const w = new Writable({
    write(chunk: Buffer, _enc, done) {
      w.text += chunk.toString();
      done();
    },
  }) as Writable & { text: string };
  w.text = '';
  return w;
}

const FLAGS: Record<string, keyof ResolveOptions> = {
  '--logical-id': 'logicalId',
  '--stack': 'stack',
  '--construct': 'construct',
  '--address': 'address',
  '--parameters-file': 'parametersFile',
  '--account': 'account',
  '--region': 'region',
  '--partition': 'partition',
  '--stack-name': 'stackName',
};
const LISTS: Record<string, 'param' | 'resource' | 'import'> = {
  '--param': 'param',
  '--resource': 'resource',
  '--import': 'import',
};

/**
 * The command in this process (fast, and counted by coverage): the arguments as commander hands
 * them to the action (main.ts's addResolve), a UsageError as main reports it.
 */
async function run(args: string[], cwd = CWD): Promise<Run> {
  const stdout = sink();
  const stderr = sink();
  const opts: ResolveOptions = { param: [], resource: [], import: [] };
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const flag = FLAGS[a];
    const list = LISTS[a];
    if (a === '--json') opts.json = true;
    else if (flag) (opts as unknown as Record<string, string>)[flag] = args[++i] as string;
    else if (list) opts[list].push(args[++i] as string);
    else rest.push(a);
  }
  try {
    const status = await resolveCommand(rest[0] as string, opts, {
      stdout,
      stderr,
      cwd,
      env: cleanEnv(),
    });
    return { status, stdout: stdout.text, stderr: stderr.text };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return {
      status: 2,
      stdout: stdout.text,
      stderr: `trustspec: ${e.message}\n${e.hint ? `  ${e.hint}\n` : ''}`,
    };
  }
}

t.test('a template with its parameters: the role, the trust policy, the provenance', async (t) => {
  const r = spawned([
    FED,
    '--param',
    'GitHubOrganization=acme',
    '--param',
    'RoleName=gha-deploy',
    '--account',
    '111122223333',
    '--region',
    'us-east-1',
  ]);
  t.equal(r.status, 0, r.stderr);
  t.match(
    r.stdout,
    /^role RoleGithubActions \(cloudformation\/gha-federation-and-role\.yml:\d+:9\)$/m,
  );
  t.match(
    r.stdout,
    /arn {17}arn:aws:iam::111122223333:role\/gha-deploy {4}← parameter: RoleName "gha-deploy"/,
  );
  t.match(r.stdout, `"${GH}:sub": "repo:acme/*:ref:refs/heads/*"`);
  t.match(
    r.stdout,
    /Statement\[0\]\.Condition\.StringLike\["token\.actions\.githubusercontent\.com:sub"\]\n {6}← parameter-default: .*RepositoryName \(default "\*"\).*\(cloudformation\/gha-federation-and-role\.yml:\d+:\d+\)/,
  );
  t.match(r.stdout, `https://${GH}  client IDs: sts.amazonaws.com, https://github.com/acme/*`);
  t.match(
    r.stderr,
    /info\[missing-version\]/,
    'what the policy parser says about the resolved policy, in the template',
  );
  t.notMatch(r.stderr, STACK_LINE);
});

t.test(
  'unresolvable values: exit 2, each at file:line:column with the key and a code frame',
  async (t) => {
    const r = spawned([FED, '--account', '111122223333', '--region', 'us-east-1']);
    t.equal(r.status, 2);
    t.equal(r.stdout, '');
    t.match(
      r.stderr,
      /^cloudformation\/gha-federation-and-role\.yml:\d+:\d+: error\[unresolved-parameter\]: RoleGithubActions\.AssumeRolePolicyDocument\.Statement\[0\]\.Condition\.StringLike\["token\.actions\.githubusercontent\.com:sub"\]: parameter GitHubOrganization has no Default/m,
    );
    t.match(
      r.stderr,
      /^ {2}supply it: parameters: \{ GitHubOrganization: … \} \(--param GitHubOrganization=…\)$/m,
    );
    t.match(
      r.stderr,
      /^> +\d+ \| .*token\.actions\.githubusercontent\.com:sub: !Sub/m,
      'a code frame',
    );
    t.notMatch(r.stderr, STACK_LINE);
    const j = await run([FED, '--json']);
    t.equal(j.status, 2);
    const out = JSON.parse(j.stdout) as {
      role: unknown;
      errors: { file: string; line: number; code: string }[];
    };
    t.equal(out.role, null);
    t.ok(out.errors.some((e) => e.code === 'unresolved-parameter' && e.file === FED && e.line > 1));
  },
);

t.test(
  'a CDK cloud assembly, --json: role, providers, provenance with files relative to here',
  async (t) => {
    const arn = 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC';
    const r = await run([
      'cdk/eks-service-account',
      '--construct',
      'aws-eks-service-account-sdk-calls-test/Cluster/my-service-account/Role',
      '--resource',
      `ClusterOpenIdConnectProviderE7EB0530=${arn}`,
      '--json',
    ]);
    t.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      role: {
        arn: string | null;
        maxSessionDuration: number | null;
        tags: unknown;
        trustPolicy: { Statement: { Principal: { Federated: string } }[] };
      };
      providers: { url: string; clientIds: string[] }[];
      provenance: Record<
        string,
        { kind: string; file: string; line: number; column: number; note?: string }
      >;
      findings: { code: string; severity: string }[];
    };
    t.same(Object.keys(out), ['role', 'providers', 'provenance', 'findings']);
    t.same(Object.keys(out.role), ['arn', 'maxSessionDuration', 'tags', 'trustPolicy']);
    t.equal(out.role.arn, null);
    t.equal(out.role.trustPolicy.Statement[0]?.Principal.Federated, arn);
    t.same(out.providers, [
      { url: 'https://oidc.eks.us-east-1.amazonaws.com/id/ABC', clientIds: ['sts.amazonaws.com'] },
    ]);
    const fed = out.provenance['trustPolicy.Statement[0].Principal.Federated'];
    t.equal(fed?.kind, 'supplied');
    t.equal(
      fed?.file,
      'cdk/eks-service-account/aws-eks-service-account-sdk-calls-test.template.json',
    );
    t.ok((fed?.line ?? 0) > 1);
    t.same(
      out.findings.map((f) => f.code),
      ['role-name-generated'],
    );
  },
);

t.test('the kind of source comes from the path', async (t) => {
  const dir = t.testdir({
    'plan.json': JSON.stringify({ format_version: '1.2', planned_values: { root_module: {} } }),
    'state.json': JSON.stringify({ format_version: '1.0', values: {} }),
    empty: {},
  });
  for (const f of ['plan.json', 'state.json']) {
    const r = await run([join(dir, f)]);
    t.equal(r.status, 2, f);
    t.match(r.stderr, /error\[tf-no-role\]: no aws_iam_role in this (plan|state)/, f);
  }
  const manifest = await run([
    join(CWD, 'cdk/github-oidc/manifest.json'),
    '--stack',
    'GithubOidcIntegStack',
    '--account',
    '111122223333',
    '--region',
    'us-east-1',
  ]);
  t.equal(manifest.status, 0, `a manifest.json stands for its assembly: ${manifest.stderr}`);
  const folder = await run([join(dir, 'empty')]);
  t.equal(folder.status, 2);
  t.match(folder.stderr, 'is a folder without a manifest.json, so not a CDK cloud assembly');
  const template = await run([
    'cdk/github-oidc/GithubOidcIntegStack.template.json',
    '--account',
    '111122223333',
    '--region',
    'us-east-1',
  ]);
  t.equal(template.status, 0, 'a synthesized template reads as a CloudFormation template');
});

t.test('usage errors: exit 2, one message, no stack trace', async (t) => {
  const cases: [string[], RegExp][] = [
    [['nope.yaml'], /no file or folder .*nope\.yaml/],
    [[FED, '--param', 'X'], /--param "X" is not KEY=VALUE/],
    [[FED, '--param', 'A=1', '--param', 'A=2'], /--param A is given twice/],
    [
      [FED, '--resource', 'X={bad'],
      /--resource X: the value starts like JSON but is not valid JSON/,
    ],
    [
      [FED, '--address', 'aws_iam_role.x'],
      /--address can be used only with a Terraform plan or state/,
    ],
    [[FED, '--stack', 'S'], /--stack and --construct can be used only with a CDK cloud assembly/],
    [
      ['cdk/github-oidc', '--stack-name', 'S'],
      /--stack-name can be used only with a CloudFormation template/,
    ],
    [
      ['cdk/github-oidc', '--construct', 'A/B', '--logical-id', 'B'],
      /give --construct or --logical-id, not both/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = await run(args);
    t.equal(r.status, 2, args.join(' '));
    t.match(r.stderr, message, args.join(' '));
    t.notMatch(r.stderr, STACK_LINE);
  }
});

t.test(
  'terraform-only and template-only flags are checked against the detected kind',
  async (t) => {
    const dir = t.testdir({
      'plan.json': JSON.stringify({ format_version: '1.2', planned_values: {} }),
    });
    const r = await run([join(dir, 'plan.json'), '--param', 'A=1']);
    t.equal(r.status, 2);
    t.match(r.stderr, '--param and --import can be used only with CloudFormation and CDK sources');
    const r2 = await run([join(dir, 'plan.json'), '--region', 'us-east-1']);
    t.match(r2.stderr, '--region can be used only with CloudFormation and CDK sources');
    const r3 = await run([
      join(dir, 'plan.json'),
      '--address',
      'aws_iam_role.x',
      '--resource',
      'aws_iam_role.x.arn=["a"]',
    ]);
    t.match(
      r3.stderr,
      'tf-address-not-found',
      'the terraform spec (with its address) is read by the Terraform reader',
    );
  },
);

t.test(
  '--parameters-file is read relative to the working folder; --help lists the command',
  async (t) => {
    const dir = t.testdir({
      'p.json': JSON.stringify({ Parameters: { GitHubOrganization: 'octo', RoleName: 'r' } }),
    });
    const r = await run(
      [
        join(CWD, FED),
        '--parameters-file',
        'p.json',
        '--account',
        '111122223333',
        '--region',
        'us-east-1',
      ],
      dir,
    );
    t.equal(r.status, 0, r.stderr);
    t.match(r.stdout, 'repo:octo/*');
    t.match(r.stdout, 'parameter GitHubOrganization (from p.json)');
    const help = trustspec(['--help']);
    t.match(help.stdout, /resolve \[options\] <source>/);
  },
);

t.test(
  'human output: facts from parameters, no providers, a provider URL derived from a supplied ARN',
  async (t) => {
    const long = await run([
      'cloudformation/github-actions-role-long-form.yaml',
      '--account',
      '111122223333',
      '--region',
      'ap-northeast-2',
    ]);
    t.equal(long.status, 0, long.stderr);
    t.match(
      long.stdout,
      /maxSessionDuration {2}21600 {4}← parameter-default: parameter RoleMaxSessionDuration \(default "21600"\)/,
    );
    t.match(
      long.stdout,
      /tags {16}\{"ManagedBy":"CF","Name":"simplydemoGithubActionsRole"\} {4}← file/,
    );
    const none = await run([
      FED,
      '--param',
      'GitHubOrganization=a',
      '--param',
      'RoleName=r',
      '--param',
      'UseExistingProvider=yes',
      '--account',
      '111122223333',
      '--region',
      'us-east-1',
    ]);
    t.match(none.stdout, 'OIDC providers: the source creates none');
    t.match(none.stdout, 'maxSessionDuration  (not set: IAM uses 3600)');
    const eks = await run([
      'cdk/eks-service-account',
      '--logical-id',
      'ClustermyserviceaccountRole11FFD0A4',
      '--resource',
      'ClusterOpenIdConnectProviderE7EB0530=arn:aws:iam::111122223333:oidc-provider/oidc.eks/id/X',
    ]);
    t.match(eks.stdout, 'arn                 (not known: see the warnings)');
    t.match(
      eks.stdout,
      /url ← derived: Url from the supplied ARN of ClusterOpenIdConnectProviderE7EB0530/,
    );
    t.match(eks.stdout, '(key)');
    t.match(eks.stderr, /warning\[role-name-generated\]/);
  },
);

t.test('a .json file that is not JSON is read as a template, and its error placed', async (t) => {
  const dir = t.testdir({ 'broken.json': '{"Resources": {\n  "R": ,\n}}' });
  const r = await run([join(dir, 'broken.json')]);
  t.equal(r.status, 2);
  t.match(r.stderr, /broken\.json:2:\d+: error\[/);
});
