/**
 * resolveCloudFormation on real public templates (trimmed copies under
 * test/fixtures/sources/cloudformation, each with its source URL in its first line) and on small
 * templates written here for each rule: what the role resolves to, where each value came from,
 * and an error at its place, with the key that supplies it, for each value that cannot be known.
 */
import { readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { parsePolicy } from '../../lib/policy/parse.js';
import {
  MAX_TEMPLATE_BYTES,
  resolveCloudFormation,
  type CloudFormationSpec,
} from '../../lib/sources/cloudformation.js';
import type { SourceResult } from '../../lib/sources/types.js';
import { at, codes, errors, FIXTURES, place } from './helpers.js';

const DIR = join(FIXTURES, 'cloudformation');
const ACCOUNT = { account: '111122223333', region: 'us-east-1' };
const GH = 'token.actions.githubusercontent.com';

function resolve(
  file: string,
  extra: Omit<CloudFormationSpec, 'kind' | 'file'> = {},
  baseDir = DIR,
): Promise<SourceResult> {
  return resolveCloudFormation({ kind: 'cloudformation', file, ...extra }, { baseDir });
}

function ok(r: SourceResult): Extract<SourceResult, { ok: true }> {
  if (!r.ok)
    throw new Error(
      `not resolved: ${r.findings.map((f) => `${at(f)} ${f.code} ${f.message}`).join('\n')}`,
    );
  return r;
}

const text = (file: string) => readFileSync(join(DIR, file), 'utf8');
const where = (file: string, needle: string, n = 0) => {
  const p = place(text(file), needle, n);
  return `${p.line}:${p.column}`;
};

// ── aws-actions/configure-aws-credentials: examples/federated-setup ─────────────────────────

const FED = 'gha-federation-and-role.yml';

t.test(`${FED}: without inputs, each missing value is an error at its place`, async (t) => {
  const r = await resolve(FED);
  t.notOk(r.ok);
  const list = errors(r).map((f) => `${f.code} ${at(f)} ${f.message.split(':')[0]}`);
  t.same(list, [
    `unresolved-pseudo-parameter ${where(FED, '!Ref IdpGitHubOidc')} RoleGithubActions.AssumeRolePolicyDocument.Statement[0].Principal.Federated`,
    `unresolved-parameter ${where(FED, '${GitHubOrganization}', 1)} RoleGithubActions.AssumeRolePolicyDocument.Statement[0].Condition.StringLike["token.actions.githubusercontent.com`,
    `unresolved-parameter ${where(FED, '!Ref RoleName')} RoleGithubActions.RoleName`,
    `unresolved-parameter ${where(FED, '${GitHubOrganization}')} IdpGitHubOidc.ClientIdList[1]`,
  ]);
  const sub = errors(r)[1];
  t.equal(
    sub?.hint,
    'supply it: parameters: { GitHubOrganization: … } (--param GitHubOrganization=…)',
  );
  t.match(
    errors(r)[0]?.hint,
    /resources: \{ IdpGitHubOidc: arn:aws:iam::111122223333:oidc-provider\/HOST\/PATH \}.*or region: us-east-1/,
  );
  t.ok(
    r.findings.every((f) => f.file === join(DIR, FED)),
    'every finding names the template',
  );
});

t.test(
  `${FED}: with its parameters, the role, its provider and where the values came from`,
  async (t) => {
    const r = ok(
      await resolve(FED, {
        ...ACCOUNT,
        parameters: { GitHubOrganization: 'acme', RoleName: 'gha-deploy' },
      }),
    );
    t.equal(r.role.arn, 'arn:aws:iam::111122223333:role/gha-deploy');
    t.same(r.role.trustPolicy.document, {
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${GH}` },
          Condition: { StringLike: { [`${GH}:sub`]: 'repo:acme/*:ref:refs/heads/*' } },
        },
      ],
    });
    t.same(r.providers, [
      { url: `https://${GH}`, clientIds: ['sts.amazonaws.com', 'https://github.com/acme/*'] },
    ]);
    const sub = r.provenance[`trustPolicy.Statement[0].Condition.StringLike["${GH}:sub"]`];
    t.equal(sub?.kind, 'parameter-default', 'a default widened the pattern, and it says so');
    t.match(
      sub?.note,
      /parameter RepositoryName \(default "\*"\); parameter BranchName \(default "\*"\)/,
    );
    t.equal(`${sub?.span?.start.line}:${sub?.span?.start.column}`, where(FED, '!Sub repo:'));
    t.same(r.provenance['trustPolicy.Statement[0].Principal.Federated']?.kind, 'derived');
    t.match(r.provenance['trustPolicy.Statement[0].Principal.Federated']?.note, 'from its Url');
    t.equal(r.provenance['arn']?.kind, 'parameter');
    t.same(r.findings, []);
    const spanOf = r.role.trustPolicy.spanOf;
    const key = spanOf?.(['Statement', 0, 'Condition', 'StringLike', `${GH}:sub`], 'key');
    t.equal(
      `${key?.start.line}:${key?.start.column}`,
      where(FED, `${GH}:sub`),
      'spanOf places keys',
    );
    const parsed = parsePolicy(r.role.trustPolicy.document as object, {
      spanOf: spanOf!,
      at: r.role.trustPolicy.at!,
    });
    t.ok(parsed.ok, 'the policy parser reads it');
    const missingVersion = parsed.findings.find((f) => f.code === 'missing-version');
    t.equal(
      missingVersion?.span?.start.line,
      place(text(FED), 'Statement:').line,
      'and places its findings in the template',
    );
  },
);

t.test(
  `${FED}: with an existing provider, none is created and the ARN is built by !Sub`,
  async (t) => {
    const r = ok(
      await resolve(FED, {
        account: '111122223333',
        region: 'cn-north-1',
        parameters: { GitHubOrganization: 'acme', RoleName: 'r', UseExistingProvider: 'yes' },
      }),
    );
    t.equal(
      r.providers,
      undefined,
      'the provider has a false Condition: the template creates none',
    );
    const doc = r.role.trustPolicy.document as {
      Statement: { Principal: { Federated: string } }[];
    };
    t.equal(
      doc.Statement[0]?.Principal.Federated,
      `arn:aws-cn:iam::111122223333:oidc-provider/${GH}`,
    );
    t.equal(r.role.arn, 'arn:aws-cn:iam::111122223333:role/r');
  },
);

t.test(`${FED}: a value outside AllowedValues is refused as CloudFormation would`, async (t) => {
  const r = await resolve(FED, {
    ...ACCOUNT,
    parameters: { GitHubOrganization: 'a', RoleName: 'r', UseExistingProvider: 'maybe' },
  });
  t.ok(codes(r).includes('parameter-value-rejected'));
});

// ── chiwooiac/cloudformation-stacks: long-form intrinsics, a Number parameter ──────────────

const LONG = 'github-actions-role-long-form.yaml';

t.test(
  `${LONG}: long-form Fn::Join and Ref, MaxSessionDuration from a Number parameter, tags`,
  async (t) => {
    const r = ok(await resolve(LONG, ACCOUNT));
    t.equal(r.role.arn, 'arn:aws:iam::111122223333:role/simplydemoGithubActionsRole');
    t.equal(r.role.maxSessionDuration, 21600);
    t.equal(r.provenance['maxSessionDuration']?.kind, 'parameter-default');
    t.same(r.role.tags, { ManagedBy: 'CF', Name: 'simplydemoGithubActionsRole' });
    t.same(r.providers, [{ url: `https://${GH}`, clientIds: ['sts.amazonaws.com'] }]);
    const doc = r.role.trustPolicy.document as {
      Statement: { Condition: Record<string, Record<string, string>> }[];
    };
    t.equal(doc.Statement[0]?.Condition['StringLike']?.[`${GH}:sub`], 'repo:simplydemo/*:*');
    t.notOk('Version' in (doc as object), 'a policy without Version stays without it');
    const r2 = await resolve(LONG, { ...ACCOUNT, parameters: { RoleMaxSessionDuration: '60' } });
    t.ok(codes(r2).includes('parameter-value-rejected'), 'MinValue is checked');
  },
);

t.test(
  `${LONG}: without the account, the ARN is not known and a warning says what to give`,
  async (t) => {
    const r = ok(
      await resolve(LONG, {
        region: 'us-east-1',
        resources: { GithubOidc: `arn:aws:iam::111122223333:oidc-provider/${GH}` },
      }),
    );
    t.equal(r.role.arn, undefined);
    t.same(codes(r), ['role-arn-incomplete']);
    t.match(r.findings[0]?.hint, '--account');
  },
);

// ── bambooengineering/example-eks-oidc-iam-cloudformation: !Sub | JSON ────────────────────

const EKS = 'eks-pod-role-sub-json.yaml';

t.test(`${EKS}: a !Sub | JSON policy; errors point into the block scalar`, async (t) => {
  const r = await resolve(EKS, ACCOUNT);
  t.same(
    errors(r).map((f) => `${f.code} ${at(f)}`),
    [
      `unresolved-parameter ${where(EKS, '${ClusterOIDCURL}"')}`,
      `unresolved-parameter ${where(EKS, '${ClusterOIDCURL}:sub')}`,
      `unresolved-parameter ${where(EKS, '${EKSClusterName}-pod-role')}`,
    ],
  );
});

t.test(`${EKS}: resolved, values keep their places in the block scalar`, async (t) => {
  const issuer = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
  const r = ok(
    await resolve(EKS, {
      ...ACCOUNT,
      parameters: { EKSClusterName: 'prod', ClusterOIDCURL: issuer },
    }),
  );
  t.equal(r.role.arn, 'arn:aws:iam::111122223333:role/prod-pod-role');
  const doc = r.role.trustPolicy.document as {
    Statement: {
      Principal: { Federated: string };
      Condition: { StringEquals: Record<string, string> };
    }[];
  };
  t.equal(
    doc.Statement[0]?.Principal.Federated,
    `arn:aws:iam::111122223333:oidc-provider/${issuer}`,
  );
  t.same(doc.Statement[0]?.Condition.StringEquals, {
    [`${issuer}:sub`]: 'system:serviceaccount:test-namespace:test-service-account',
  });
  const spanOf = r.role.trustPolicy.spanOf!;
  const fed = spanOf(['Statement', 0, 'Principal', 'Federated'], 'value');
  t.equal(
    `${fed?.start.line}:${fed?.start.column}`,
    where(EKS, '"arn:aws:iam::'),
    'the value in the block scalar',
  );
  const key = spanOf(['Statement', 0, 'Condition', 'StringEquals', `${issuer}:sub`], 'key');
  t.equal(
    `${key?.start.line}:${key?.start.column}`,
    where(EKS, '"${ClusterOIDCURL}:sub"'),
    'the key in the block scalar',
  );
  t.equal(
    r.provenance[`trustPolicy.Statement[0].Condition.StringEquals["${issuer}:sub"] (key)`]?.kind,
    'parameter',
  );
  t.equal(
    r.provenance['trustPolicy.Statement[0].Principal.Federated']?.note,
    'account; parameter ClusterOIDCURL (given)',
  );
  t.equal(
    r.provenance['trustPolicy.Statement[0].Action'],
    undefined,
    'a literal needs no provenance beyond the file',
  );
});

// ── small templates, one rule each ─────────────────────────────────────────────────────────

const ROLE = (
  extra = '',
  doc = 'AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [] }',
) =>
  `Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: r\n      ${doc}\n${extra}`;

async function inline(
  t: Test,
  body: string,
  spec: Omit<CloudFormationSpec, 'kind' | 'file'> = ACCOUNT,
  name = 't.yaml',
): Promise<SourceResult> {
  const dir = t.testdir({ [name]: body });
  return resolve(name, spec, dir);
}

t.test('the role: by logical id, the only one, or a list of the candidates', async (t) => {
  const two = `${ROLE()}  S:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: { Statement: [{ Principal: { Federated: x } }] }\n  T:\n    Type: AWS::SNS::Topic\n`;
  const amb = await inline(t, two);
  t.same(codes(amb), ['role-ambiguous']);
  t.match(amb.findings[0]?.hint, 'R (line 2), S (line 7, web identity)');
  t.ok((await inline(t, two, { ...ACCOUNT, logicalId: 'S' })).ok);
  t.same(codes(await inline(t, two, { ...ACCOUNT, logicalId: 'X' })), ['role-not-found']);
  const notRole = await inline(t, two, { ...ACCOUNT, logicalId: 'T' });
  t.same(codes(notRole), ['not-a-role']);
  t.match(notRole.findings[0]?.message, 'T is AWS::SNS::Topic');
  t.same(codes(await inline(t, 'Resources:\n  T:\n    Type: AWS::SNS::Topic\n')), ['no-role']);
});

t.test("the role's facts: each invalid one is an error at its place", async (t) => {
  const cases: {
    name: string;
    body: string;
    code: string;
    at?: string;
    spec?: Omit<CloudFormationSpec, 'kind' | 'file'>;
  }[] = [
    {
      name: 'a RoleName that is a list',
      body: ROLE().replace('RoleName: r', 'RoleName: [r]'),
      code: 'role-name-invalid',
      at: '[r]',
    },
    {
      name: 'MaxSessionDuration below 3600',
      body: ROLE('      MaxSessionDuration: 60\n'),
      code: 'max-session-duration-invalid',
      at: '60',
    },
    {
      name: 'MaxSessionDuration as text',
      body: ROLE('      MaxSessionDuration: "1h"\n'),
      code: 'max-session-duration-invalid',
      at: '"1h"',
    },
    {
      name: 'a Path without slashes',
      body: ROLE('      Path: ci\n'),
      code: 'role-path-invalid',
      at: 'ci',
    },
    {
      name: 'Tags that are not Key/Value',
      body: ROLE('      Tags: [{ Name: x }]\n'),
      code: 'role-tags-invalid',
      at: '{ Name',
    },
    {
      name: 'Tags not a list',
      body: ROLE('      Tags: { a: b }\n'),
      code: 'role-tags-invalid',
      at: '{ a: b }',
    },
    {
      name: 'no AssumeRolePolicyDocument',
      body: ROLE('', 'Description: x'),
      code: 'trust-policy-missing',
      at: 'R:\n',
    },
    {
      name: 'a document string that is not JSON',
      body: ROLE('', 'AssumeRolePolicyDocument: !Sub "{\\"a\\": ${AWS::Region}}"'),
      code: 'trust-policy-not-json',
      at: '${AWS::Region}',
    },
    {
      name: 'a document that is a list',
      body: ROLE('', 'AssumeRolePolicyDocument: [a]'),
      code: 'trust-policy-not-object',
      at: '[a]',
    },
    {
      name: 'a role whose Condition is false',
      body: `${ROLE().replace('    Type: AWS::IAM::Role\n', '    Type: AWS::IAM::Role\n    Condition: No\n')}Conditions:\n  No: !Equals [a, b]\n`,
      code: 'role-not-created',
      at: 'R:\n',
    },
    {
      name: 'a provider Url without https://',
      body: `${ROLE()}  P:\n    Type: AWS::IAM::OIDCProvider\n    Properties: { Url: http://x }\n`,
      code: 'cfn-provider-url',
      at: 'http://x',
    },
    {
      name: 'a provider without Url',
      body: `${ROLE()}  P:\n    Type: AWS::IAM::OIDCProvider\n    Properties: { ClientIdList: [a] }\n`,
      code: 'cfn-provider-url',
      at: 'P:\n',
    },
    {
      name: 'client IDs that are not strings',
      body: `${ROLE()}  P:\n    Type: AWS::IAM::OIDCProvider\n    Properties: { Url: https://x, ClientIdList: [[a]] }\n`,
      code: 'provider-client-ids-invalid',
      at: '[[a]]',
    },
    {
      name: 'a provider Url known only after deployment',
      body: `${ROLE()}  P:\n    Type: AWS::IAM::OIDCProvider\n    Properties: { Url: !GetAtt C.Issuer }\n  C:\n    Type: AWS::EKS::Cluster\n`,
      code: 'unresolved-resource-attribute',
      at: '!GetAtt C.Issuer',
    },
    {
      name: 'a provider whose Condition is unknown',
      body: `${ROLE()}  P:\n    Type: AWS::IAM::OIDCProvider\n    Condition: C\n    Properties: { Url: https://x }\nParameters:\n  X: { Type: String }\nConditions:\n  C: !Equals [!Ref X, y]\n`,
      code: 'unresolved-parameter',
      at: '!Ref X',
    },
    {
      name: 'a RoleName known only after deployment',
      body: ROLE().replace('RoleName: r', 'RoleName: !GetAtt T.Name'),
      code: 'unresolved-resource-attribute',
      at: '!GetAtt T.Name',
      spec: ACCOUNT,
    },
  ];
  for (const c of cases) {
    const body =
      c.name === 'a RoleName known only after deployment'
        ? `${c.body}  T:\n    Type: AWS::SNS::Topic\n`
        : c.body;
    const r = await inline(t, body, c.spec ?? ACCOUNT);
    t.notOk(r.ok, `${c.name}: not resolved`);
    const f = errors(r)[0];
    t.equal(f?.code, c.code, `${c.name}: ${JSON.stringify(codes(r))}`);
    if (c.at) {
      const p = place(body, c.at);
      t.equal(at(f ?? {}), `${p.line}:${p.column}`, `${c.name}: place`);
    }
  }
});

t.test('a provider known only after deployment: its Url follows from a supplied ARN', async (t) => {
  const body = `${ROLE('', 'AssumeRolePolicyDocument: { Statement: [{ Principal: { Federated: !Ref P } }] }')}  P:\n    Type: AWS::IAM::OIDCProvider\n    Properties: { Url: !GetAtt C.Issuer, ClientIdList: [sts.amazonaws.com] }\n  C:\n    Type: AWS::EKS::Cluster\n`;
  const r = ok(
    await inline(t, body, {
      ...ACCOUNT,
      resources: { P: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks/id/X' },
    }),
  );
  t.same(r.providers, [{ url: 'https://oidc.eks/id/X', clientIds: ['sts.amazonaws.com'] }]);
  t.equal(r.provenance['providers[0].url']?.kind, 'derived');
});

t.test('a role without RoleName: resolved, with a warning that its ARN is not known', async (t) => {
  const r = ok(await inline(t, ROLE().replace('      RoleName: r\n', ''), ACCOUNT));
  t.equal(r.role.arn, undefined);
  t.same(codes(r), ['role-name-generated']);
  t.match(r.findings[0]?.hint, 'role.arn');
});

t.test('a Path is part of the ARN; RoleName may be computed', async (t) => {
  const r = ok(
    await inline(
      t,
      ROLE('      Path: /ci/deploy/\n').replace('RoleName: r', 'RoleName: !Sub "${AWS::Region}-r"'),
      ACCOUNT,
    ),
  );
  t.equal(r.role.arn, 'arn:aws:iam::111122223333:role/ci/deploy/us-east-1-r');
});

t.test(
  'transforms: SAM reads as written, with a warning; any other transform is refused',
  async (t) => {
    const sam = await inline(t, `Transform: AWS::Serverless-2016-10-31\n${ROLE()}`);
    t.ok(sam.ok);
    t.same(codes(sam), ['sam-transform']);
    const lx = await inline(
      t,
      `Transform: [AWS::Serverless-2016-10-31, AWS::LanguageExtensions]\n${ROLE()}`,
    );
    t.same(codes(lx), ['sam-transform', 'unsupported-transform']);
    t.match(errors(lx)[0]?.hint, '--template-stage Processed');
  },
);

t.test('inputs that are not valid are errors before anything is evaluated', async (t) => {
  const cases: [Omit<CloudFormationSpec, 'kind' | 'file'>, string][] = [
    [{ account: '1234' }, 'account-invalid'],
    [{ region: 'moon-1' }, 'region-invalid'],
    [{ partition: 'aws-mars' }, 'partition-invalid'],
    [{ region: 'cn-north-1', partition: 'aws' }, 'partition-mismatch'],
  ];
  for (const [spec, code] of cases) t.same(codes(await inline(t, ROLE(), spec)), [code], code);
});

t.test(
  'files: missing, a folder, bad JSON, a YAML error — each a finding naming the file',
  async (t) => {
    const dir = t.testdir({
      'bad.json': '{"Resources": {,}}',
      'bad.yaml': 'Resources: [\n',
      sub: {},
    });
    const missing = await resolve('nope.yaml', {}, dir);
    t.same(codes(missing), ['source-not-found']);
    t.equal(missing.findings[0]?.file, join(dir, 'nope.yaml'));
    t.same(at(missing.findings[0] ?? {}), '1:1', 'placed at the start');
    t.same(codes(await resolve('sub', {}, dir)), ['source-not-a-file']);
    t.ok(codes(await resolve('bad.json', {}, dir)).length > 0);
    t.ok(codes(await resolve('bad.yaml', {}, dir)).includes('yaml-syntax'));
  },
);

t.test('parameter files in the three formats; given parameters override them', async (t) => {
  const body =
    'Parameters:\n  A: { Type: String }\n  L: { Type: CommaDelimitedList }\n' +
    ROLE().replace('RoleName: r', 'RoleName: !Join ["-", [!Ref A, !Select [1, !Ref L]]]');
  const files: Record<string, string> = {
    'cli.json': JSON.stringify([
      { ParameterKey: 'A', ParameterValue: 'x' },
      { ParameterKey: 'L', ParameterValue: 'p,q' },
    ]),
    'pipeline.json': JSON.stringify({ Parameters: { A: 'x', L: 'p,q' }, Tags: { t: 'v' } }),
    'overrides.json': JSON.stringify(['A=x', 'L=p,q']),
  };
  const dir = t.testdir({ 't.yaml': body, ...files });
  for (const f of Object.keys(files)) {
    const r = ok(await resolve('t.yaml', { ...ACCOUNT, parametersFile: f }, dir));
    t.equal(r.role.arn, 'arn:aws:iam::111122223333:role/x-q', f);
    t.match(r.provenance['arn']?.note, `parameter A (from ${f})`);
  }
  const over = ok(
    await resolve(
      't.yaml',
      { ...ACCOUNT, parametersFile: 'cli.json', parameters: { A: 'y' } },
      dir,
    ),
  );
  t.equal(over.role.arn, 'arn:aws:iam::111122223333:role/y-q');
  t.match(over.provenance['arn']?.note, 'from cli.json or given');
});

t.test('parameter values written as numbers, booleans or lists in a parameters file', async (t) => {
  const body =
    'Parameters:\n  N: { Type: Number }\n  B: { Type: String }\n  L: { Type: CommaDelimitedList }\n' +
    ROLE().replace('RoleName: r', 'RoleName: !Join ["-", [!Ref N, !Ref B, !Select [1, !Ref L]]]');
  const dir = t.testdir({
    't.yaml': body,
    'p.json': JSON.stringify({ Parameters: { N: 7, B: false, L: ['x', 'y'] } }),
  });
  const r = ok(await resolve('t.yaml', { ...ACCOUNT, parametersFile: 'p.json' }, dir));
  t.equal(r.role.arn, 'arn:aws:iam::111122223333:role/7-false-y');
});

t.test('bad parameter files are findings at their place', async (t) => {
  const cases: Record<string, string> = {
    'prev.json': '[{"ParameterKey": "A", "UsePreviousValue": true}]',
    'nokey.json': '[{"ParameterValue": "x"}]',
    'noeq.json': '["A"]',
    'obj.json': '{"A": "x"}',
    'num.json': '7',
    'nested.json': '{"Parameters": {"A": {"x": 1}}}',
    'item.json': '[7]',
    'novalue.json': '[{"ParameterKey": "A"}]',
    'syntax.json': '[',
  };
  const dir = t.testdir({ 't.yaml': ROLE(), ...cases });
  for (const name of Object.keys(cases)) {
    const r = await resolve('t.yaml', { ...ACCOUNT, parametersFile: name }, dir);
    t.notOk(r.ok, name);
    t.equal(r.findings[0]?.file, join(dir, name), `${name}: names the parameters file`);
  }
  t.match(
    (await resolve('t.yaml', { ...ACCOUNT, parametersFile: 'prev.json' }, dir)).findings[0]
      ?.message,
    'uses its previous value, which only the deployed stack knows',
  );
  t.same(codes(await resolve('t.yaml', { ...ACCOUNT, parametersFile: 'none.json' }, dir)), [
    'source-not-found',
  ]);
});

t.test(
  'a parameter the template does not declare: a warning naming the declared ones',
  async (t) => {
    const r = ok(
      await inline(t, `Parameters:\n  Org: { Type: String, Default: a }\n${ROLE()}`, {
        ...ACCOUNT,
        parameters: { Orgg: 'x' },
      }),
    );
    t.same(codes(r), ['parameter-not-in-template']);
    t.match(r.findings[0]?.hint, 'Org');
  },
);

t.test('JSON templates: errors carry line and column in the JSON text', async (t) => {
  const body = JSON.stringify(
    {
      Resources: {
        R: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: 'r',
            AssumeRolePolicyDocument: {
              Statement: [{ Principal: { Federated: { 'Fn::ImportValue': 'shared-arn' } } }],
            },
          },
        },
      },
    },
    null,
    2,
  );
  const r = await inline(t, body, ACCOUNT, 't.json');
  const f = errors(r)[0];
  t.equal(f?.code, 'unresolved-import');
  const p = place(body, '"Federated": {');
  t.equal(
    at(f ?? {}),
    `${p.line}:${p.column + '"Federated": '.length}`,
    'at the object that holds Fn::ImportValue',
  );
  t.equal(f?.hint, 'supply it: imports: { "shared-arn": … } (--import shared-arn=…)');
  const done = ok(
    await inline(t, body, { ...ACCOUNT, imports: { 'shared-arn': 'arn:x' } }, 't.json'),
  );
  t.equal(done.provenance['trustPolicy.Statement[0].Principal.Federated']?.kind, 'supplied');
});

t.test('a file larger than trustspec reads is refused before reading it', async (t) => {
  const dir = t.testdir({ 'big.yaml': '' });
  truncateSync(join(dir, 'big.yaml'), MAX_TEMPLATE_BYTES + 1);
  t.same(codes(await resolve('big.yaml', {}, dir)), ['source-too-large']);
});
