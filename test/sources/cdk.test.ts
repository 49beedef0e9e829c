/**
 * resolveCdk on two real `cdk synth` outputs (trimmed copies under test/fixtures/sources/cdk, see
 * the SOURCE.md beside each): a GitHub OIDC role with a native AWS::IAM::OIDCProvider, and an EKS
 * service-account role whose condition block is a Custom::AWSCDKCfnJson and whose provider is a
 * Custom::AWSCDKOpenIdConnectProvider; then assemblies written here for nested stacks, stages,
 * environments and cross-stack references.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { resolveCdk, type CdkSpec } from '../../lib/sources/cdk.js';
import type { SourceResult } from '../../lib/sources/types.js';
import { at, codes, errors, FIXTURES, place } from './helpers.js';

const CDK = join(FIXTURES, 'cdk');
const GH = 'token.actions.githubusercontent.com';
const EKS_STACK = 'aws-eks-service-account-sdk-calls-test';
const EKS_TEMPLATE = join(CDK, 'eks-service-account', `${EKS_STACK}.template.json`);
const ISSUER = 'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';

function resolve(
  dir: string,
  extra: Omit<CdkSpec, 'kind' | 'dir'> = {},
  baseDir = CDK,
): Promise<SourceResult> {
  return resolveCdk({ kind: 'cdk', dir, ...extra }, { baseDir });
}

function ok(r: SourceResult): Extract<SourceResult, { ok: true }> {
  if (!r.ok)
    throw new Error(
      `not resolved: ${r.findings.map((f) => `${at(f)} ${f.code} ${f.message}`).join('\n')}`,
    );
  return r;
}

const eksText = readFileSync(EKS_TEMPLATE, 'utf8');
const eksAt = (needle: string, n = 0) => {
  const p = place(eksText, needle, n);
  return `${p.line}:${p.column}`;
};

t.test('github-oidc: two stacks; the stack by name, display name or construct path', async (t) => {
  const amb = await resolve('github-oidc');
  t.same(codes(amb), ['cdk-stack-ambiguous']);
  t.match(amb.findings[0]?.hint, 'GithubOidcIntegStack, GithubOidcAssertionsStack');
  const expect = {
    arn: 'arn:aws:iam::111122223333:role/github-oidc-integ-role',
    doc: {
      Statement: [
        {
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringLike: { [`${GH}:sub`]: 'repo:octo-org/octo-repo:ref:refs/heads/main' },
            StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
          },
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${GH}` },
        },
      ],
      Version: '2012-10-17',
    },
  };
  const env = { account: '111122223333', region: 'us-east-1' };
  for (const spec of [
    { stack: 'GithubOidcIntegStack' },
    { construct: 'GithubOidcIntegStack/GithubActionsRole' },
    { construct: '/GithubOidcIntegStack/GithubActionsRole/Resource' },
    { logicalId: 'GithubActionsRoleF5CC769F', stack: 'GithubOidcIntegStack' },
  ]) {
    const r = ok(await resolve('github-oidc', { ...spec, ...env }));
    t.equal(r.role.arn, expect.arn, JSON.stringify(spec));
    t.same(r.role.trustPolicy.document, expect.doc, JSON.stringify(spec));
    t.same(r.providers, [{ url: `https://${GH}`, clientIds: ['sts.amazonaws.com'] }]);
    t.equal(
      r.role.trustPolicy.file,
      join(CDK, 'github-oidc', 'GithubOidcIntegStack.template.json'),
    );
  }
  t.same(codes(await resolve('github-oidc', { stack: 'Nope' })), ['cdk-stack-not-found']);
  t.same(codes(await resolve('github-oidc', { construct: 'Nope/Role' })), ['cdk-stack-not-found']);
  const noConstruct = await resolve('github-oidc', { construct: 'GithubOidcIntegStack/Nope' });
  t.same(codes(noConstruct), ['cdk-construct-not-found']);
  t.match(noConstruct.findings[0]?.hint, 'GithubActionsRoleF5CC769F');
  t.same(
    codes(
      await resolve('github-oidc', {
        stack: 'GithubOidcIntegStack',
        logicalId: 'GithubProvider1CDE27EB',
      }),
    ),
    ['not-a-role'],
  );
  t.same(
    codes(await resolve('github-oidc', { stack: 'GithubOidcIntegStack', logicalId: 'Nope' })),
    ['role-not-found'],
  );
});

t.test('github-oidc: the BootstrapVersion SSM parameter is never needed', async (t) => {
  const r = ok(
    await resolve('github-oidc', {
      stack: 'GithubOidcIntegStack',
      account: '111122223333',
      region: 'us-west-2',
    }),
  );
  t.same(r.findings, []);
});

const EKS_ROLE = `${EKS_STACK}/Cluster/my-service-account/Role`;

t.test(
  'eks-service-account: the provider ARN is known only after deployment — two errors, each at its use',
  async (t) => {
    const r = await resolve('eks-service-account', { construct: EKS_ROLE });
    t.notOk(r.ok);
    const list = errors(r);
    const object = (key: string) => {
      const p = place(eksText, `${key}: {`);
      return `${p.line}:${p.column + key.length + 2}`;
    };
    t.same(
      list.map((f) => `${f.code} ${at(f)}`),
      [
        `unresolved-resource-attribute ${object('"StringEquals"')}`,
        `unresolved-resource-attribute ${object('"Federated"')}`,
        `unresolved-resource-attribute ${object('"Url"')}`,
      ],
    );
    t.match(
      list[0]?.message,
      'ClustermyserviceaccountRole11FFD0A4.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals',
    );
    t.match(list[0]?.message, 'Custom::AWSCDKCfnJson');
    t.match(
      list[0]?.message,
      'Custom::AWSCDKOpenIdConnectProvider ClusterOpenIdConnectProviderE7EB0530, built from its Url',
    );
    t.match(list[0]?.message, 'Fn::GetAtt Cluster9EE0221C.OpenIdConnectIssuerUrl');
    t.match(list[1]?.message, 'Statement[0].Principal.Federated');
    for (const f of list.slice(0, 2)) {
      t.match(
        f.hint,
        'resources: { ClusterOpenIdConnectProviderE7EB0530: arn:aws:iam::111122223333:oidc-provider/HOST/PATH }',
      );
      t.match(f.hint, 'resources: { Cluster9EE0221C.OpenIdConnectIssuerUrl: … }');
    }
    t.equal(list[0]?.file, EKS_TEMPLATE);
  },
);

t.test(
  'eks-service-account: with the provider ARN supplied, the CfnJson condition block is read',
  async (t) => {
    const arn = `arn:aws:iam::111122223333:oidc-provider/${ISSUER}`;
    const r = ok(
      await resolve('eks-service-account', {
        construct: EKS_ROLE,
        resources: { ClusterOpenIdConnectProviderE7EB0530: arn },
      }),
    );
    t.same(r.role.trustPolicy.document, {
      Statement: [
        {
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              [`${ISSUER}:aud`]: 'sts.amazonaws.com',
              [`${ISSUER}:sub`]: `system:serviceaccount:default:awseksserviceaccountsdkcallstestclustermyserviceaccount6d090a02`,
            },
          },
          Effect: 'Allow',
          Principal: { Federated: arn },
        },
      ],
      Version: '2012-10-17',
    });
    t.same(r.providers, [{ url: `https://${ISSUER}`, clientIds: ['sts.amazonaws.com'] }]);
    t.same(codes(r), ['role-name-generated'], 'the role has no RoleName');
    const spanOf = r.role.trustPolicy.spanOf!;
    const aud = spanOf(['Statement', 0, 'Condition', 'StringEquals', `${ISSUER}:aud`], 'key');
    t.equal(
      `${aud?.start.line}:${aud?.start.column}`,
      eksAt('"{\\"",').replace(/:(\d+)$/, (_, c: string) => `:${Number(c) + 2}`),
      'the key starts at the \\" in the Join literal',
    );
    const sub = spanOf(['Statement', 0, 'Condition', 'StringEquals', `${ISSUER}:sub`], 'value');
    t.equal(
      sub?.start.line,
      place(eksText, ':sub\\":\\"system').line,
      'the value is in the last Join literal',
    );
    t.equal(r.provenance['trustPolicy.Statement[0].Principal.Federated']?.kind, 'supplied');
  },
);

t.test(
  'eks-service-account: with the issuer URL supplied, the ARN is derived from it',
  async (t) => {
    const r = ok(
      await resolve('eks-service-account', {
        logicalId: 'ClustermyserviceaccountRole11FFD0A4',
        account: '111122223333',
        region: 'eu-west-1',
        resources: { 'Cluster9EE0221C.OpenIdConnectIssuerUrl': `https://${ISSUER}` },
      }),
    );
    const doc = r.role.trustPolicy.document as {
      Statement: { Principal: { Federated: string } }[];
    };
    t.equal(
      doc.Statement[0]?.Principal.Federated,
      `arn:aws:iam::111122223333:oidc-provider/${ISSUER}`,
    );
    t.match(r.provenance['trustPolicy.Statement[0].Principal.Federated']?.note, 'from its Url');
    t.equal(r.provenance['providers[0].url']?.kind, 'supplied');
  },
);

t.test('eks-service-account: two roles, so one must be named', async (t) => {
  const r = await resolve('eks-service-account');
  t.same(codes(r), ['role-ambiguous']);
  t.match(r.findings[0]?.hint, 'ClustermyserviceaccountRole11FFD0A4 (line 110, web identity)');
});

// ── assemblies written here ────────────────────────────────────────────────────────────────

const stackArtifact = (templateFile: string, extra: Record<string, unknown> = {}) => ({
  type: 'aws:cloudformation:stack',
  environment: 'aws://unknown-account/unknown-region',
  properties: { templateFile },
  ...extra,
});

const TRUST = (federated: unknown) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: 'sts:AssumeRoleWithWebIdentity',
      Principal: { Federated: federated },
    },
  ],
});

const HASH = 'a'.repeat(64);

function nestedAssembly(): Record<string, string> {
  const parent = {
    Parameters: { Issuer: { Type: 'String', Default: 'token.actions.githubusercontent.com' } },
    Resources: {
      Provider: {
        Type: 'AWS::IAM::OIDCProvider',
        Properties: {
          Url: { 'Fn::Sub': 'https://${Issuer}' },
          ClientIdList: ['sts.amazonaws.com'],
        },
      },
      ByMetadata: {
        Type: 'AWS::CloudFormation::Stack',
        Properties: {
          TemplateURL: 'https://x',
          Parameters: {
            ProviderArn: { Ref: 'Provider' },
            Duration: 7200,
            Subs: { 'Fn::Split': [',', 'repo:acme/a:*,repo:acme/b:*'] },
          },
        },
        Metadata: { 'aws:asset:path': 'AppByMetadata.nested.template.json' },
      },
      ByAsset: {
        Type: 'AWS::CloudFormation::Stack',
        Properties: {
          TemplateURL: {
            'Fn::Join': ['', ['https://s3.', { Ref: 'AWS::URLSuffix' }, `/bucket/${HASH}.json`]],
          },
        },
      },
      Outer: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: 'outer',
          AssumeRolePolicyDocument: TRUST({ 'Fn::GetAtt': ['ByAsset', 'Outputs.Arn'] }),
        },
      },
      PathRole: {
        Type: 'AWS::IAM::Role',
        Metadata: { 'aws:cdk:path': 'App/PathRole/Resource' },
        Properties: {
          AssumeRolePolicyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Action: 'sts:AssumeRoleWithWebIdentity',
                Principal: { Federated: { 'Fn::GetAtt': ['ByAsset', 'Outputs.Arn'] } },
                Condition: { StringEquals: { 'Fn::GetAtt': ['ByAsset', 'Outputs.Cond'] } },
              },
            ],
          },
        },
      },
      Lost: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: TRUST({ 'Fn::GetAtt': ['ByAsset', 'Outputs.Later'] }),
        },
      },
      Unread: {
        Type: 'AWS::CloudFormation::Stack',
        Properties: { TemplateURL: `https://s3/bucket/${'b'.repeat(64)}.json` },
      },
      Gone: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Statement: [
              { Principal: { Federated: { 'Fn::GetAtt': ['Unread', 'Outputs.Arn'] } } },
              { Principal: { Federated: { 'Fn::GetAtt': ['ByAsset', 'Outputs.Nope'] } } },
            ],
          },
        },
      },
    },
  };
  const byMetadata = {
    Parameters: {
      ProviderArn: { Type: 'String' },
      Duration: { Type: 'Number' },
      Subs: { Type: 'CommaDelimitedList' },
    },
    Resources: {
      Inner: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: 'inner',
          MaxSessionDuration: { Ref: 'Duration' },
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'sts:AssumeRoleWithWebIdentity',
                Principal: { Federated: { Ref: 'ProviderArn' } },
                Condition: { StringLike: { [`${GH}:sub`]: { Ref: 'Subs' } } },
              },
            ],
          },
        },
      },
    },
  };
  const byAsset = {
    Resources: {
      Gitlab: {
        Type: 'AWS::IAM::OIDCProvider',
        Properties: { Url: 'https://gitlab.com', ClientIdList: ['https://gitlab.com'] },
      },
      Json: {
        Type: 'Custom::AWSCDKCfnJson',
        Properties: {
          Value: '{"gitlab.com:sub": "project_path:acme/app:ref_type:branch:ref:main"}',
        },
      },
      Topic: { Type: 'AWS::SNS::Topic' },
    },
    Outputs: {
      Arn: { Value: { Ref: 'Gitlab' } },
      Cond: { Value: { 'Fn::GetAtt': ['Json', 'Value'] } },
      Later: { Value: { Ref: 'Topic' } },
    },
  };
  const manifest = {
    version: '53.0.0',
    artifacts: {
      App: stackArtifact('App.template.json', {
        environment: 'aws://111122223333/eu-west-1',
        metadata: { '/App/Inner/Resource': [{ type: 'aws:cdk:logicalId', data: 'Inner' }] },
      }),
    },
  };
  const assets = {
    version: '48.0.0',
    files: {
      [HASH]: {
        source: { path: 'AppByAsset.nested.template.json', packaging: 'file' },
        destinations: { d: { bucketName: 'b', objectKey: `${HASH}.json` } },
      },
    },
  };
  return {
    'manifest.json': JSON.stringify(manifest),
    'App.template.json': JSON.stringify(parent, null, 1),
    'App.assets.json': JSON.stringify(assets),
    'AppByMetadata.nested.template.json': JSON.stringify(byMetadata, null, 1),
    'AppByAsset.nested.template.json': JSON.stringify(byAsset, null, 1),
  };
}

t.test(
  'nested stacks: found by asset metadata or the asset manifest; parameters and outputs cross',
  async (t) => {
    const dir = t.testdir(nestedAssembly());
    const inner = ok(await resolve(dir, { construct: 'App/Inner' }));
    t.equal(
      inner.role.arn,
      'arn:aws:iam::111122223333:role/inner',
      'account and region from the stack environment',
    );
    t.same(
      (inner.role.trustPolicy.document as { Statement: { Principal: unknown }[] }).Statement[0]
        ?.Principal,
      { Federated: `arn:aws:iam::111122223333:oidc-provider/${GH}` },
    );
    t.equal(inner.role.trustPolicy.file, join(dir, 'AppByMetadata.nested.template.json'));
    t.match(
      inner.provenance['trustPolicy.Statement[0].Principal.Federated']?.note,
      'parameter ProviderArn of nested stack ByMetadata',
    );
    t.same(
      inner.providers?.map((p) => p.url),
      [`https://${GH}`, 'https://gitlab.com'],
      'the providers of every template of the stack',
    );
    t.equal(inner.role.maxSessionDuration, 7200, 'a number from the parent');
    t.same(
      (inner.role.trustPolicy.document as { Statement: { Condition: unknown }[] }).Statement[0]
        ?.Condition,
      { StringLike: { [`${GH}:sub`]: ['repo:acme/a:*', 'repo:acme/b:*'] } },
      'a list from the parent',
    );
    const byPath = ok(await resolve(dir, { construct: 'App/PathRole' }));
    t.same(
      (byPath.role.trustPolicy.document as { Statement: { Condition: unknown }[] }).Statement[0]
        ?.Condition,
      { StringEquals: { 'gitlab.com:sub': 'project_path:acme/app:ref_type:branch:ref:main' } },
      "found by the template's aws:cdk:path; a condition block from a nested stack's output",
    );
    const lost = await resolve(dir, { logicalId: 'Lost' });
    t.equal(errors(lost)[0]?.code, 'unresolved-resource');
    t.equal(
      errors(lost)[0]?.file,
      join(dir, 'App.template.json'),
      'placed where the output is used',
    );
    t.match(errors(lost)[0]?.message, 'output Later of nested stack ByAsset');
    const gone = await resolve(dir, { logicalId: 'Gone' });
    t.same(
      errors(gone).map((f) => f.code),
      ['unresolved-resource-attribute', 'unresolved-resource-attribute'],
      'a nested stack whose template is not in the assembly; an output it does not have',
    );
    const outer = ok(await resolve(dir, { logicalId: 'Outer' }));
    t.same(
      (outer.role.trustPolicy.document as { Statement: { Principal: unknown }[] }).Statement[0]
        ?.Principal,
      { Federated: 'arn:aws:iam::111122223333:oidc-provider/gitlab.com' },
    );
    t.match(
      outer.provenance['trustPolicy.Statement[0].Principal.Federated']?.note,
      'output Arn of nested stack ByAsset',
    );
    const other = ok(
      await resolve(dir, { logicalId: 'Outer', account: '444455556666', region: 'us-east-1' }),
    );
    t.equal(other.role.arn, 'arn:aws:iam::444455556666:role/outer', 'given account and region win');
    const amb = await resolve(dir);
    t.same(codes(amb), ['role-ambiguous']);
    t.match(amb.findings[0]?.hint, 'Inner in AppByMetadata.nested.template.json');
  },
);

t.test(
  'nested stacks: an unknown value in the parent is reported through the parameter',
  async (t) => {
    const files = nestedAssembly();
    const parent = JSON.parse(files['App.template.json'] as string);
    parent.Resources.ByMetadata.Properties.Parameters.ProviderArn = { 'Fn::ImportValue': 'shared' };
    files['App.template.json'] = JSON.stringify(parent, null, 1);
    const dir = t.testdir(files);
    const r = await resolve(dir, { construct: 'App/Inner' });
    const f = errors(r)[0];
    t.equal(f?.code, 'unresolved-import');
    t.equal(
      f?.file,
      join(dir, 'AppByMetadata.nested.template.json'),
      'placed where the nested stack uses it',
    );
    t.match(f?.message, 'parameter ProviderArn of nested stack ByMetadata, given by');
  },
);

t.test(
  'stages: the stacks of a nested cloud assembly; cross-stack exports are read from the exporting stack',
  async (t) => {
    const exporter = {
      Resources: {
        P: {
          Type: 'AWS::IAM::OIDCProvider',
          Properties: { Url: `https://${GH}`, ClientIdList: ['sts.amazonaws.com'] },
        },
      },
      Outputs: {
        ExportsOutputRefP: { Value: { Ref: 'P' }, Export: { Name: 'Prod-Oidc:ExportsOutputRefP' } },
      },
    };
    const importer = {
      Resources: {
        R: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: 'r',
            AssumeRolePolicyDocument: TRUST({ 'Fn::ImportValue': 'Prod-Oidc:ExportsOutputRefP' }),
          },
        },
      },
    };
    const stage = {
      version: '53.0.0',
      artifacts: {
        ProdOidc: stackArtifact('ProdOidc.template.json', {
          displayName: 'Prod/Oidc',
          environment: 'aws://111122223333/us-east-1',
          properties: { templateFile: 'ProdOidc.template.json', stackName: 'Prod-Oidc' },
        }),
        ProdApp: stackArtifact('ProdApp.template.json', {
          displayName: 'Prod/App',
          environment: 'aws://111122223333/us-east-1',
          metadata: { '/Prod/App/R/Resource': [{ type: 'aws:cdk:logicalId', data: 'R' }] },
        }),
      },
    };
    const dir = t.testdir({
      'manifest.json': JSON.stringify({
        version: '53.0.0',
        artifacts: {
          assemblyProd: {
            type: 'cdk:cloud-assembly',
            properties: { directoryName: 'assembly-Prod' },
          },
        },
      }),
      'assembly-Prod': {
        'manifest.json': JSON.stringify(stage),
        'ProdOidc.template.json': JSON.stringify(exporter),
        'ProdApp.template.json': JSON.stringify(importer),
      },
    });
    const r = ok(await resolve(dir, { construct: 'Prod/App/R' }));
    t.same(
      (r.role.trustPolicy.document as { Statement: { Principal: unknown }[] }).Statement[0]
        ?.Principal,
      { Federated: `arn:aws:iam::111122223333:oidc-provider/${GH}` },
    );
    t.match(
      r.provenance['trustPolicy.Statement[0].Principal.Federated']?.note,
      'export Prod-Oidc:ExportsOutputRefP of stack Prod/Oidc',
    );
    t.equal(r.providers, undefined, 'the importing stack creates no provider');
    t.same(codes(await resolve(dir, { stack: 'Prod-Oidc', logicalId: 'P' })), ['not-a-role']);
    t.same(
      codes(await resolve(dir, { stack: 'Prod-Oidc' })),
      ['no-role'],
      'a stack by its stack name',
    );
  },
);

t.test(
  'cross-stack exports that refer to each other end as an unknown import, not a loop',
  async (t) => {
    const a = {
      Resources: {
        R: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: 'r',
            AssumeRolePolicyDocument: TRUST({ 'Fn::ImportValue': 'B:x' }),
          },
        },
      },
      Outputs: { Y: { Value: { 'Fn::ImportValue': 'B:x' }, Export: { Name: 'A:y' } } },
    };
    const b = { Outputs: { X: { Value: { 'Fn::ImportValue': 'A:y' }, Export: { Name: 'B:x' } } } };
    const dir = t.testdir({
      'manifest.json': JSON.stringify({
        version: '53.0.0',
        artifacts: { A: stackArtifact('A.template.json'), B: stackArtifact('B.template.json') },
      }),
      'A.template.json': JSON.stringify(a),
      'B.template.json': JSON.stringify(b),
    });
    const r = await resolve(dir, { stack: 'A' });
    t.equal(errors(r)[0]?.code, 'unresolved-import');
    t.match(errors(r)[0]?.message, 'is an output of another stack of the assembly');
  },
);

t.test('a single synthesized template may stand for the assembly', async (t) => {
  const r = ok(
    await resolve(join('github-oidc', 'GithubOidcIntegStack.template.json'), {
      account: '111122223333',
      region: 'us-east-1',
    }),
  );
  t.equal(r.role.arn, 'arn:aws:iam::111122223333:role/github-oidc-integ-role');
});

t.test('a broken assembly: each problem is a finding naming the file', async (t) => {
  const dir = t.testdir({
    none: {},
    bad: { 'manifest.json': '{' },
    list: { 'manifest.json': '[]' },
    empty: { 'manifest.json': '{"version": "53.0.0", "artifacts": {}}' },
    lost: {
      'manifest.json': JSON.stringify({
        version: '53.0.0',
        artifacts: { S: stackArtifact('S.template.json') },
      }),
    },
    meta: {
      'manifest.json': JSON.stringify({
        version: '53.0.0',
        artifacts: {
          S: stackArtifact('S.template.json', { additionalMetadataFile: 'S.metadata.json' }),
        },
      }),
      'S.template.json': '{}',
    },
  });
  t.same(codes(await resolve(join(dir, 'none'))), ['source-not-found']);
  t.same(codes(await resolve(join(dir, 'bad'))), ['cdk-manifest-invalid']);
  t.same(codes(await resolve(join(dir, 'list'))), ['cdk-manifest-invalid']);
  t.same(codes(await resolve(join(dir, 'empty'))), ['cdk-no-stacks']);
  t.same(codes(await resolve(join(dir, 'lost'))), ['source-not-found']);
  t.same(codes(await resolve(join(dir, 'meta'))), ['source-not-found']);
  t.same(codes(await resolve(join(dir, 'empty'), { account: 'x' })), ['account-invalid']);
});
