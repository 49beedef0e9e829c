/**
 * Every intrinsic function, evaluated as CloudFormation evaluates it (a table of cases with the
 * value each gives), then every kind of value that cannot be known before deployment (a table of
 * cases with the finding code, the place and the key with which to supply it). Sources for the
 * semantics: AWS CloudFormation Template Reference, "Intrinsic function reference" and
 * "Pseudo parameters reference"; the partition table of the AWS SDK (lib/sources/partitions.ts).
 */
import t from 'tap';
import type { EvalEnv } from '../../lib/sources/intrinsics.js';
import { evaluate, place, placeAfter } from './helpers.js';

const ENV: EvalEnv = { account: '111122223333', region: 'us-east-1' };

const COMMON = `
Parameters:
  Org: { Type: String, Default: acme }
  NoDefault: { Type: String }
  Repos: { Type: CommaDelimitedList, Default: "app,lib" }
  Ports: { Type: List<Number>, Default: "80,443" }
  Duration: { Type: Number, Default: 7200 }
  Env: { Type: String, Default: prod, AllowedValues: [dev, prod] }
  Slug: { Type: String, Default: "", AllowedPattern: "[a-z-]*" }
  Bootstrap: { Type: "AWS::SSM::Parameter::Value<String>", Default: /cdk-bootstrap/version }
Mappings:
  Issuers:
    us-east-1: { Url: https://oidc.example.com/use1 }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Equals [!Ref Env, dev]
  HasSlug: !Not [!Equals [!Ref Slug, ""]]
  ProdAndNoSlug: !And [!Condition IsProd, !Not [!Condition HasSlug]]
  DevOrSlug: !Or [!Condition IsDev, !Condition HasSlug]
  Plain: true
  BySub: !Sub x
  ByList: !Condition [x]
  OneEq: !Equals [a]
  OneAnd: !And [!Equals [a, a]]
  NotUnknown: !Not [!Equals [!Ref NoDefault, x]]
Resources:
  Provider:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: https://token.actions.githubusercontent.com
      ClientIdList: [sts.amazonaws.com]
  CdkProvider:
    Type: Custom::AWSCDKOpenIdConnectProvider
    Properties:
      Url: https://oidc.eks.us-east-1.amazonaws.com/id/ABC
      ClientIDList: [sts.amazonaws.com]
  Named:
    Type: AWS::IAM::Role
    Properties:
      RoleName: deploy
      Path: /ci/
      AssumeRolePolicyDocument: {}
  Unnamed:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
  Cluster:
    Type: AWS::EKS::Cluster
    Properties: { Name: c }
  DevOnly:
    Type: AWS::SNS::Topic
    Condition: IsDev
  BadCondition:
    Type: AWS::SNS::Topic
    Condition: [IsProd]
  Nested:
    Type: AWS::CloudFormation::Stack
    Properties: { TemplateURL: https://x }
  MapUrl:
    Type: AWS::IAM::OIDCProvider
    Properties: { Url: { a: b } }
  NoValueJson:
    Type: Custom::AWSCDKCfnJson
    Properties: {}
  MapJson:
    Type: Custom::AWSCDKCfnJson
    Properties: { Value: { a: 1 } }
  AllJson:
    Type: Custom::AWSCDKCfnJson
    Properties: { Value: '{"a": [1, true, null, "s"]}' }
  BadJson:
    Type: Custom::AWSCDKCfnJson
    Properties: { Value: "{x}" }
  ListName:
    Type: AWS::IAM::Role
    Properties: { RoleName: [a], AssumeRolePolicyDocument: {} }
  UnknownName:
    Type: AWS::IAM::Role
    Properties: { RoleName: !Ref NoDefault, AssumeRolePolicyDocument: {} }
  CondJson:
    Type: Custom::AWSCDKCfnJson
    Properties:
      Value: !Join ["", ['{"', !Select [1, !Split [":oidc-provider/", !Ref CdkProvider]], ':sub":"system:serviceaccount:ns:sa"}']]
`;

interface ValueCase {
  name: string;
  test: string;
  env?: EvalEnv;
  value: unknown;
}

const VALUES: ValueCase[] = [
  { name: 'Ref of a parameter with a Default', test: '!Ref Org', value: 'acme' },
  {
    name: 'Ref of a given parameter',
    test: '!Ref Org',
    env: { parameters: { Org: 'octo' } },
    value: 'octo',
  },
  { name: 'Ref of a CommaDelimitedList is a list', test: '!Ref Repos', value: ['app', 'lib'] },
  {
    name: 'a given CommaDelimitedList is split on commas',
    test: '!Ref Repos',
    env: { parameters: { Repos: 'a,b,c' } },
    value: ['a', 'b', 'c'],
  },
  {
    name: 'a list given as a list',
    test: '!Ref Repos',
    env: { parameters: { Repos: ['x', 'y'] } },
    value: ['x', 'y'],
  },
  { name: 'List<Number>', test: '!Ref Ports', value: ['80', '443'] },
  { name: 'a Number parameter is its text', test: '!Ref Duration', value: '7200' },
  { name: 'long form Ref', test: '{ Ref: Org }', value: 'acme' },
  { name: 'AWS::AccountId', test: '!Ref AWS::AccountId', env: ENV, value: '111122223333' },
  { name: 'AWS::Region', test: '!Ref AWS::Region', env: ENV, value: 'us-east-1' },
  { name: 'AWS::Partition of us-east-1', test: '!Ref AWS::Partition', env: ENV, value: 'aws' },
  {
    name: 'AWS::Partition of cn-north-1',
    test: '!Ref AWS::Partition',
    env: { region: 'cn-north-1' },
    value: 'aws-cn',
  },
  {
    name: 'AWS::Partition of us-gov-west-1',
    test: '!Ref AWS::Partition',
    env: { region: 'us-gov-west-1' },
    value: 'aws-us-gov',
  },
  {
    name: 'AWS::Partition of us-iso-east-1',
    test: '!Ref AWS::Partition',
    env: { region: 'us-iso-east-1' },
    value: 'aws-iso',
  },
  {
    name: 'AWS::Partition of us-isob-east-1',
    test: '!Ref AWS::Partition',
    env: { region: 'us-isob-east-1' },
    value: 'aws-iso-b',
  },
  {
    name: 'AWS::Partition of eusc-de-east-1',
    test: '!Ref AWS::Partition',
    env: { region: 'eusc-de-east-1' },
    value: 'aws-eusc',
  },
  {
    name: 'AWS::Partition given',
    test: '!Ref AWS::Partition',
    env: { partition: 'aws-us-gov' },
    value: 'aws-us-gov',
  },
  { name: 'AWS::URLSuffix in aws', test: '!Ref AWS::URLSuffix', env: ENV, value: 'amazonaws.com' },
  {
    name: 'AWS::URLSuffix in aws-cn',
    test: '!Ref AWS::URLSuffix',
    env: { region: 'cn-northwest-1' },
    value: 'amazonaws.com.cn',
  },
  {
    name: 'AWS::StackName given',
    test: '!Ref AWS::StackName',
    env: { stackName: 'ci-roles' },
    value: 'ci-roles',
  },
  {
    name: 'AWS::NoValue removes a list item',
    test: '[a, !Ref AWS::NoValue, b]',
    value: ['a', 'b'],
  },
  {
    name: 'AWS::NoValue removes a member',
    test: '{ A: 1, B: !Ref AWS::NoValue }',
    value: { A: 1 },
  },
  {
    name: 'Fn::Sub with parameters and pseudo parameters',
    test: '!Sub "repo:${Org}/*:${AWS::Region}"',
    env: ENV,
    value: 'repo:acme/*:us-east-1',
  },
  {
    name: 'Fn::Sub with its own variables',
    test: '!Sub ["${A}-${Org}", { A: !Ref Duration }]',
    value: '7200-acme',
  },
  {
    name: 'Fn::Sub ${!Literal} stays literal',
    test: '!Sub "${!Org}:${Org}"',
    value: '${Org}:acme',
  },
  {
    name: 'Fn::Sub ${Provider.Arn} is the provider ARN from its Url',
    test: '!Sub "${Provider.Arn}"',
    env: ENV,
    value: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
  },
  {
    name: 'Fn::Sub ${Provider} is its Ref',
    test: '!Sub "x ${Provider}"',
    env: { account: '111122223333', region: 'cn-north-1' },
    value: 'x arn:aws-cn:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
  },
  { name: 'long-form Fn::Sub', test: '{ "Fn::Sub": "${Org}" }', value: 'acme' },
  {
    name: 'Ref of an OIDC provider is its ARN',
    test: '!Ref Provider',
    env: ENV,
    value: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
  },
  {
    name: 'Fn::GetAtt Provider.Arn (short form)',
    test: '!GetAtt Provider.Arn',
    env: ENV,
    value: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
  },
  {
    name: 'Fn::GetAtt [Provider, Arn] (long form)',
    test: '{ "Fn::GetAtt": [Provider, Arn] }',
    env: ENV,
    value: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
  },
  {
    name: 'Ref of a CDK OpenIdConnectProvider is its ARN',
    test: '!Ref CdkProvider',
    env: ENV,
    value: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC',
  },
  {
    name: 'Fn::GetAtt Role.Arn with RoleName and Path',
    test: '!GetAtt Named.Arn',
    env: ENV,
    value: 'arn:aws:iam::111122223333:role/ci/deploy',
  },
  { name: 'Ref of a role is its RoleName', test: '!Ref Named', value: 'deploy' },
  {
    name: 'CfnJson Value is its JSON text, parsed',
    test: '!GetAtt CondJson.Value',
    env: ENV,
    value: { 'oidc.eks.us-east-1.amazonaws.com/id/ABC:sub': 'system:serviceaccount:ns:sa' },
  },
  {
    name: 'a supplied attribute',
    test: '!GetAtt Cluster.OpenIdConnectIssuerUrl',
    env: { resources: { 'Cluster.OpenIdConnectIssuerUrl': 'https://oidc.eks' } },
    value: 'https://oidc.eks',
  },
  {
    name: 'a supplied Ref',
    test: '!Ref Cluster',
    env: { resources: { Cluster: 'c' } },
    value: 'c',
  },
  {
    name: 'a supplied value wins over the derivation',
    test: '!Ref Provider',
    env: { resources: { Provider: 'arn:x' } },
    value: 'arn:x',
  },
  { name: 'Fn::Join', test: '!Join [":", [a, !Ref Org, b]]', value: 'a:acme:b' },
  { name: 'Fn::Join of a list parameter', test: '!Join [",", !Ref Repos]', value: 'app,lib' },
  {
    name: 'Fn::Join with an empty delimiter, numbers as text',
    test: '!Join ["", [a, 1]]',
    value: 'a1',
  },
  {
    name: 'Fn::Join skips AWS::NoValue',
    test: '!Join ["-", [a, !Ref AWS::NoValue, b]]',
    value: 'a-b',
  },
  {
    name: 'Fn::Select from a written list evaluates the chosen item only',
    test: '!Select [1, [!Ref NoDefault, x]]',
    value: 'x',
  },
  { name: 'Fn::Select with an index as text', test: '!Select ["0", !Ref Repos]', value: 'app' },
  { name: 'Fn::Select from Fn::Split', test: '!Select [1, !Split ["/", "a/b/c"]]', value: 'b' },
  { name: 'Fn::Split', test: '!Split [",", "a,,b"]', value: ['a', '', 'b'] },
  { name: 'Fn::If true', test: '!If [IsProd, yes, no]', value: 'yes' },
  { name: 'Fn::If false', test: '!If [IsDev, yes, no]', value: 'no' },
  { name: 'Fn::If to AWS::NoValue', test: '[!If [IsDev, x, !Ref AWS::NoValue]]', value: [] },
  {
    name: 'Fn::And with Condition and Fn::Not',
    test: '!If [ProdAndNoSlug, yes, no]',
    value: 'yes',
  },
  {
    name: 'Fn::Or',
    test: '!If [DevOrSlug, yes, no]',
    env: { parameters: { Slug: 'x' } },
    value: 'yes',
  },
  { name: 'Fn::Equals as a value', test: '!Equals [!Ref Org, acme]', value: true },
  {
    name: 'Fn::FindInMap with AWS::Region',
    test: '!FindInMap [Issuers, !Ref AWS::Region, Url]',
    env: ENV,
    value: 'https://oidc.example.com/use1',
  },
  { name: 'Fn::Base64', test: '!Base64 "sts:a"', value: Buffer.from('sts:a').toString('base64') },
  {
    name: 'Fn::ImportValue supplied',
    test: '!ImportValue shared-provider-arn',
    env: { imports: { 'shared-provider-arn': 'arn:p' } },
    value: 'arn:p',
  },
  {
    name: 'Fn::ImportValue of a computed name',
    test: '!ImportValue { "Fn::Sub": "${Org}-arn" }',
    env: { imports: { 'acme-arn': 'arn:q' } },
    value: 'arn:q',
  },
  {
    name: 'Fn::GetAZs supplied',
    test: '!GetAZs ""',
    env: { resources: { 'Fn::GetAZs': 'us-east-1a,us-east-1b' } },
    value: ['us-east-1a', 'us-east-1b'],
  },
  {
    name: 'Fn::Cidr',
    test: '!Cidr ["10.0.0.0/16", 3, 8]',
    value: ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24'],
  },
  {
    name: 'Fn::Cidr from the start of the block',
    test: '!Cidr ["192.168.7.9/24", 2, 4]',
    value: ['192.168.7.0/28', '192.168.7.16/28'],
  },
  {
    name: 'a dynamic reference supplied',
    test: '"x-{{resolve:ssm:/a}}"',
    env: { resources: { '{{resolve:ssm:/a}}': 'v' } },
    value: 'x-v',
  },
  {
    name: 'plain values stay',
    test: '{ a: [1, true, null, "s"] }',
    value: { a: [1, true, null, 's'] },
  },
  {
    name: 'a supplied list',
    test: '!GetAtt Cluster.Ips',
    env: { resources: { 'Cluster.Ips': ['10.0.0.1', 2] } },
    value: ['10.0.0.1', 2],
  },
  {
    name: 'a supplied mapping',
    test: '!GetAtt Cluster.Tags',
    env: { resources: { 'Cluster.Tags': { a: true, b: null } } },
    value: { a: true, b: null },
  },
  {
    name: 'a supplied value of another type is its text',
    test: '!Ref Cluster',
    env: { resources: { Cluster: 10n } },
    value: '10',
  },
  {
    name: 'JSON text with every kind of value',
    test: '!GetAtt AllJson.Value',
    value: { a: [1, true, null, 's'] },
  },
];

t.test('each intrinsic gives the value CloudFormation would', async (t) => {
  for (const c of VALUES) {
    const text = `${COMMON}Test: ${c.test}\n`;
    const r = evaluate(text, c.env);
    t.same(
      r.causes.map((x) => x.message),
      [],
      `${c.name}: resolvable`,
    );
    t.same(r.value, c.value, c.name);
  }
});

interface UnknownCase {
  name: string;
  test: string;
  env?: EvalEnv;
  code: string;
  /** Text at the place the error points at: its first occurrence after `anchor`. */
  at: string;
  /** Default: the `Test:` line. */
  anchor?: string;
  /** Part of the message. */
  message: string;
  /** Part of the key that supplies it (or of the hint for an invalid template). */
  key: string;
}

const UNKNOWN: UnknownCase[] = [
  {
    name: 'a parameter without Default or value',
    test: '!Ref NoDefault',
    code: 'unresolved-parameter',
    at: '!Ref NoDefault',
    message: 'parameter NoDefault has no Default',
    key: 'parameters: { NoDefault: … } (--param NoDefault=…)',
  },
  {
    name: 'a parameter in Fn::Sub points at its ${}',
    test: '!Sub "repo:${NoDefault}:x"',
    code: 'unresolved-parameter',
    at: '${NoDefault}',
    message: 'NoDefault',
    key: '--param NoDefault=',
  },
  {
    name: 'an SSM parameter',
    test: '!Ref Bootstrap',
    code: 'unresolved-ssm-parameter',
    at: '!Ref Bootstrap',
    message: 'SSM parameter "/cdk-bootstrap/version"',
    key: 'parameters: { Bootstrap',
  },
  {
    name: 'a value not in AllowedValues',
    test: '!Ref Env',
    env: { parameters: { Env: 'qa' } },
    code: 'parameter-value-rejected',
    at: '!Ref Env',
    message: 'AllowedValues',
    key: '--param Env=',
  },
  {
    name: 'a value not matching AllowedPattern',
    test: '!Ref Slug',
    env: { parameters: { Slug: 'A_B' } },
    code: 'parameter-value-rejected',
    at: '!Ref Slug',
    message: 'AllowedPattern',
    key: '--param Slug=',
  },
  {
    name: 'a Number parameter given text',
    test: '!Ref Duration',
    env: { parameters: { Duration: 'long' } },
    code: 'parameter-value-rejected',
    at: '!Ref Duration',
    message: 'not a number',
    key: '--param Duration=',
  },
  {
    name: 'a list given to a String parameter',
    test: '!Ref Org',
    env: { parameters: { Org: ['a', 'b'] } },
    code: 'parameter-value-rejected',
    at: '!Ref Org',
    message: 'not a list',
    key: '--param Org=',
  },
  {
    name: 'AWS::AccountId without an account',
    test: '!Ref AWS::AccountId',
    code: 'unresolved-pseudo-parameter',
    at: '!Ref AWS::AccountId',
    message: 'AWS::AccountId',
    key: 'account: "111122223333" (--account',
  },
  {
    name: 'AWS::Region without a region',
    test: '!Sub "${AWS::Region}"',
    code: 'unresolved-pseudo-parameter',
    at: '${AWS::Region}',
    message: 'AWS::Region',
    key: '--region',
  },
  {
    name: 'AWS::Partition without a region',
    test: '!Sub "arn:${AWS::Partition}:x"',
    code: 'unresolved-pseudo-parameter',
    at: '${AWS::Partition}',
    message: 'AWS::Partition',
    key: '--region',
  },
  {
    name: 'AWS::URLSuffix without a region',
    test: '!Ref AWS::URLSuffix',
    code: 'unresolved-pseudo-parameter',
    at: '!Ref AWS::URLSuffix',
    message: 'AWS::Partition',
    key: '--region',
  },
  {
    name: 'an unknown region',
    test: '!Ref AWS::Partition',
    env: { region: 'mars-1' },
    code: 'unknown-region',
    at: '!Ref AWS::Partition',
    message: '"mars-1"',
    key: '--region',
  },
  {
    name: 'AWS::StackName not given',
    test: '!Ref AWS::StackName',
    code: 'unresolved-pseudo-parameter',
    at: '!Ref AWS::StackName',
    message: 'AWS::StackName',
    key: '--stack-name',
  },
  {
    name: 'AWS::StackId',
    test: '!Ref AWS::StackId',
    code: 'unresolved-pseudo-parameter',
    at: '!Ref AWS::StackId',
    message: 'known only after the stack is created',
    key: '--resource AWS::StackId=',
  },
  {
    name: 'AWS::NotificationARNs',
    test: '!Ref AWS::NotificationARNs',
    code: 'unresolved-pseudo-parameter',
    at: '!Ref AWS::NotificationARNs',
    message: 'AWS::NotificationARNs',
    key: 'resources: { "AWS::NotificationARNs"',
  },
  {
    name: "Fn::GetAtt of another resource's attribute",
    test: '!GetAtt Cluster.OpenIdConnectIssuerUrl',
    code: 'unresolved-resource-attribute',
    at: '!GetAtt Cluster',
    message: 'AWS::EKS::Cluster Cluster, known only after deployment',
    key: 'resources: { Cluster.OpenIdConnectIssuerUrl: … }',
  },
  {
    name: 'Ref of a resource with a physical id',
    test: '!Ref Cluster',
    code: 'unresolved-resource',
    at: '!Ref Cluster',
    message: 'physical id of AWS::EKS::Cluster',
    key: 'resources: { Cluster: … }',
  },
  {
    name: 'the ARN of a role without RoleName',
    test: '!GetAtt Unnamed.Arn',
    env: ENV,
    code: 'role-name-generated',
    at: '!GetAtt Unnamed.Arn',
    message: 'generates its name',
    key: 'resources: { Unnamed.Arn',
  },
  {
    name: 'Ref of a role without RoleName',
    test: '!Ref Unnamed',
    code: 'unresolved-resource',
    at: '!Ref Unnamed',
    message: 'no RoleName',
    key: 'resources: { Unnamed: … }',
  },
  {
    name: "a provider's ARN needs the account",
    test: '!Ref Provider',
    env: { region: 'us-east-1' },
    code: 'unresolved-pseudo-parameter',
    at: '!Ref Provider',
    message: 'the ARN of AWS::IAM::OIDCProvider Provider, built from its Url',
    key: 'resources: { Provider: arn:aws:iam::111122223333:oidc-provider/HOST/PATH }',
  },
  {
    name: 'Fn::ImportValue',
    test: '!ImportValue shared-provider-arn',
    code: 'unresolved-import',
    at: '!ImportValue',
    message: '"shared-provider-arn" is the export of another stack',
    key: 'imports: { "shared-provider-arn": … } (--import shared-provider-arn=…)',
  },
  {
    name: 'Fn::GetAZs',
    test: '!Select [0, !GetAZs ""]',
    code: 'unresolved-getazs',
    at: '!GetAZs',
    message: 'Availability Zones',
    key: '--resource Fn::GetAZs=',
  },
  {
    name: 'an SSM dynamic reference',
    test: '"{{resolve:ssm:/ci/org}}"',
    code: 'unresolved-dynamic-reference',
    at: '"{{resolve',
    message: 'SSM Parameter Store',
    key: 'resources: { "{{resolve:ssm:/ci/org}}"',
  },
  {
    name: 'a Secrets Manager dynamic reference',
    test: '"{{resolve:secretsmanager:x}}"',
    code: 'unresolved-dynamic-reference',
    at: '"{{resolve',
    message: 'Secrets Manager',
    key: '{{resolve:secretsmanager:x}}',
  },
  {
    name: 'Ref of a resource whose Condition is false',
    test: '!Ref DevOnly',
    code: 'cfn-ref-to-absent-resource',
    at: '!Ref DevOnly',
    message: 'which is false with these inputs',
    key: 'Fn::If',
  },
  {
    name: 'Ref of a resource whose Condition is unknown',
    test: '!Ref DevOnly',
    env: { parameters: { Env: 'qa' } },
    code: 'parameter-value-rejected',
    at: '!Ref DevOnly',
    message: 'depends on its Condition',
    key: '--param Env=',
  },
  {
    name: 'Ref of nothing',
    test: '!Ref Nothing',
    code: 'cfn-unknown-reference',
    at: '!Ref Nothing',
    message: 'no parameter or resource named Nothing',
    key: 'case-sensitive',
  },
  {
    name: 'Fn::GetAtt of nothing',
    test: '!GetAtt Nothing.Arn',
    code: 'cfn-unknown-reference',
    at: '!GetAtt Nothing',
    message: 'no resource named Nothing',
    key: 'case-sensitive',
  },
  {
    name: 'an unknown pseudo parameter',
    test: '!Ref AWS::Nothing',
    code: 'cfn-unknown-reference',
    at: '!Ref AWS::Nothing',
    message: 'not a pseudo parameter',
    key: 'pseudo parameters',
  },
  {
    name: 'Fn::Transform',
    test: '{ "Fn::Transform": { Name: M } }',
    code: 'unsupported-transform',
    at: '{ "Fn::Transform"',
    message: 'runs a macro',
    key: '--template-stage Processed',
  },
  {
    name: 'Fn::Length',
    test: '!Length [a]',
    code: 'unsupported-transform',
    at: '!Length',
    message: 'AWS::LanguageExtensions',
    key: 'Processed',
  },
  {
    name: 'Fn::ToJsonString',
    test: '{ "Fn::ToJsonString": {} }',
    code: 'unsupported-transform',
    at: '{ "Fn::ToJsonString"',
    message: 'AWS::LanguageExtensions',
    key: 'Processed',
  },
  {
    name: 'Fn::FindInMap with a DefaultValue',
    test: '!FindInMap [Issuers, x, Url, { DefaultValue: d }]',
    code: 'unsupported-transform',
    at: '!FindInMap',
    message: 'DefaultValue',
    key: 'Processed',
  },
  {
    name: 'an unknown function',
    test: '{ "Fn::Nope": 1 }',
    code: 'cfn-unknown-function',
    at: '{ "Fn::Nope"',
    message: 'not a CloudFormation intrinsic function',
    key: 'spelling',
  },
  {
    name: 'Fn::Select out of range',
    test: '!Select [2, [a, b]]',
    code: 'cfn-select-out-of-range',
    at: '!Select',
    message: 'index 2 is out of range for a list of 2',
    key: 'fails the deployment',
  },
  {
    name: 'Fn::Select out of range of a computed list',
    test: '!Select [5, !Split [",", "a,b"]]',
    code: 'cfn-select-out-of-range',
    at: '!Select',
    message: 'index 5',
    key: 'fails the deployment',
  },
  {
    name: 'Fn::FindInMap of a missing entry',
    test: '!FindInMap [Issuers, eu-west-1, Url]',
    code: 'cfn-mapping-missing',
    at: '!FindInMap',
    message: 'Mappings has no such entry',
    key: 'fails the deployment',
  },
  {
    name: 'Fn::If of an unknown condition',
    test: '!If [Nope, a, b]',
    code: 'cfn-unknown-condition',
    at: 'Nope',
    message: 'no condition named Nope',
    key: 'Conditions',
  },
  {
    name: 'Fn::Sub substituting a list',
    test: '!Sub "${Repos}"',
    code: 'cfn-invalid-intrinsic',
    at: '${Repos}',
    message: 'is a list',
    key: '!Join',
  },
  {
    name: 'Fn::Join of a list item',
    test: '!Join [",", [[a]]]',
    code: 'cfn-invalid-intrinsic',
    at: '[a]',
    message: 'item 0 is a list',
    key: 'joins strings',
  },
  {
    name: 'Fn::Join with a bad shape',
    test: '!Join [","]',
    code: 'cfn-invalid-intrinsic',
    at: '!Join',
    message: '!Join takes [delimiter, [value, …]]',
    key: 'write !Join',
  },
  {
    name: 'Fn::Sub with a bad shape',
    test: '!Sub [a, b, c]',
    code: 'cfn-invalid-intrinsic',
    at: '!Sub',
    message: 'takes [string',
    key: 'write !Sub',
  },
  {
    name: 'Fn::GetAtt with a bad shape',
    test: '!GetAtt NoDot',
    code: 'cfn-invalid-intrinsic',
    at: '!GetAtt',
    message: '[LogicalId, Attribute]',
    key: 'write !GetAtt',
  },
  {
    name: 'Fn::Select with a bad index',
    test: '!Select [x, [a]]',
    code: 'cfn-invalid-intrinsic',
    at: '!Select',
    message: 'whole-number index',
    key: 'write !Select',
  },
  {
    name: 'Fn::Cidr with too many blocks',
    test: '!Cidr ["10.0.0.0/24", 3, 7]',
    code: 'cfn-invalid-intrinsic',
    at: '!Cidr',
    message: 'do not fit',
    key: 'fails the deployment',
  },
  {
    name: 'Fn::Cidr with IPv6',
    test: '!Cidr ["2001:db8::/56", 1, 64]',
    code: 'cfn-invalid-intrinsic',
    at: '!Cidr',
    message: 'IPv6',
    key: 'fails the deployment',
  },
  {
    name: 'Ref with a bad shape',
    test: '!Ref [a]',
    code: 'cfn-invalid-intrinsic',
    at: '!Ref',
    message: 'the name of a parameter or resource',
    key: 'write !Ref',
  },
  {
    name: 'Fn::Not with two conditions',
    test: '!If [Bad, a, b]\nConditions2: x',
    code: 'cfn-unknown-condition',
    at: 'Bad',
    message: 'Bad',
    key: 'Conditions',
  },
  {
    name: 'Fn::Sub does not trim the name in ${ }',
    test: '!Sub "${ Org }"',
    code: 'cfn-unknown-reference',
    at: '${ Org }',
    message: 'no parameter or resource named  Org ',
    key: 'case-sensitive',
  },
  {
    name: 'a condition that is not a condition function',
    test: '!If [Plain, a, b]',
    code: 'cfn-invalid-condition',
    anchor: 'Plain:',
    at: 'true',
    message: 'a condition must be',
    key: 'condition function',
  },
  {
    name: 'a condition written with another function',
    test: '!If [BySub, a, b]',
    code: 'cfn-invalid-condition',
    anchor: 'BySub:',
    at: '!Sub',
    message: '!Sub is not a condition function',
    key: 'Fn::Equals',
  },
  {
    name: '!Condition of a list',
    test: '!If [ByList, a, b]',
    code: 'cfn-invalid-intrinsic',
    anchor: 'ByList:',
    at: '!Condition',
    message: 'takes a condition name',
    key: 'write !Condition',
  },
  {
    name: 'Fn::Equals with one value',
    test: '!If [OneEq, a, b]',
    code: 'cfn-invalid-intrinsic',
    anchor: 'OneEq:',
    at: '!Equals',
    message: 'takes [value1, value2]',
    key: 'write !Equals',
  },
  {
    name: 'Fn::And with one condition',
    test: '!If [OneAnd, a, b]',
    code: 'cfn-invalid-intrinsic',
    anchor: 'OneAnd:',
    at: '!And',
    message: '(2 to 10)',
    key: 'write !And',
  },
  {
    name: 'Fn::Not of an unknown condition',
    test: '!If [NotUnknown, a, b]',
    code: 'unresolved-parameter',
    anchor: 'NotUnknown:',
    at: '!Ref NoDefault',
    message: 'NoDefault',
    key: '--param NoDefault=',
  },
  {
    name: 'a resource Condition that is not a name',
    test: '!Ref BadCondition',
    code: 'cfn-invalid-condition',
    at: '!Ref BadCondition',
    message: 'Condition must be a condition name',
    key: 'Condition: ConditionName',
  },
  {
    name: 'a delimiter that is not a string',
    test: '!Join [[a], [b]]',
    code: 'cfn-invalid-intrinsic',
    at: '!Join',
    message: 'the delimiter must be a string',
    key: 'as a string',
  },
  {
    name: 'Fn::Join of something that is not a list',
    test: '!Join [",", abc]',
    code: 'cfn-invalid-intrinsic',
    at: '!Join',
    message: 'takes a list',
    key: 'write !Join',
  },
  {
    name: 'Fn::Join of an unknown item',
    test: '!Join [",", [a, !Ref NoDefault]]',
    code: 'unresolved-parameter',
    at: '!Ref NoDefault',
    message: 'NoDefault',
    key: '--param NoDefault=',
  },
  {
    name: 'Fn::Join of an unknown list',
    test: '!Join [",", !GetAZs ""]',
    code: 'unresolved-getazs',
    at: '!GetAZs',
    message: 'Availability Zones',
    key: 'Fn::GetAZs',
  },
  {
    name: 'Fn::Sub of something that is not a string',
    test: '!Sub [[a], {}]',
    code: 'cfn-invalid-intrinsic',
    at: '!Sub',
    message: 'takes a string',
    key: 'write !Sub',
  },
  {
    name: 'Fn::Sub variables that are not a mapping',
    test: '!Sub ["${A}", [a]]',
    code: 'cfn-invalid-intrinsic',
    at: '!Sub',
    message: 'takes [string, {Name',
    key: 'write !Sub',
  },
  {
    name: 'Fn::If with a bad shape',
    test: '!If [IsProd, a]',
    code: 'cfn-invalid-intrinsic',
    at: '!If',
    message: 'takes [ConditionName',
    key: 'write !If',
  },
  {
    name: 'Fn::If with a condition that is not a name',
    test: '!If [[IsProd], a, b]',
    code: 'cfn-invalid-intrinsic',
    at: '!If',
    message: 'takes [ConditionName',
    key: 'write !If',
  },
  {
    name: 'Fn::FindInMap with a bad shape',
    test: '!FindInMap [Issuers, x]',
    code: 'cfn-invalid-intrinsic',
    at: '!FindInMap',
    message: 'takes [MapName',
    key: 'write !FindInMap',
  },
  {
    name: 'Fn::FindInMap of an unknown key',
    test: '!FindInMap [Issuers, !Ref AWS::Region, Url]',
    code: 'unresolved-pseudo-parameter',
    at: '!Ref AWS::Region',
    message: 'AWS::Region',
    key: '--region',
  },
  {
    name: 'Fn::Split with a bad shape',
    test: '!Split [","]',
    code: 'cfn-invalid-intrinsic',
    at: '!Split',
    message: 'takes [delimiter, string]',
    key: 'write !Split',
  },
  {
    name: 'Fn::Split of an unknown string',
    test: '!Split [",", !Ref NoDefault]',
    code: 'unresolved-parameter',
    at: '!Ref NoDefault',
    message: 'NoDefault',
    key: '--param',
  },
  {
    name: 'Fn::Split with an unknown delimiter',
    test: '!Split [!Ref NoDefault, "a"]',
    code: 'unresolved-parameter',
    at: '!Ref NoDefault',
    message: 'NoDefault',
    key: '--param',
  },
  {
    name: 'Fn::Select with an unknown index',
    test: '!Select [!Ref NoDefault, [a]]',
    code: 'unresolved-parameter',
    at: '!Ref NoDefault',
    message: 'NoDefault',
    key: '--param',
  },
  {
    name: 'Fn::Select with a bad shape',
    test: '!Select [0]',
    code: 'cfn-invalid-intrinsic',
    at: '!Select',
    message: 'takes [index, [value',
    key: 'write !Select',
  },
  {
    name: 'Fn::Join with an unknown delimiter',
    test: '!Join [!Ref NoDefault, [a]]',
    code: 'unresolved-parameter',
    at: '!Ref NoDefault',
    message: 'NoDefault',
    key: '--param',
  },
  {
    name: 'Fn::Base64 of a list',
    test: '!Base64 [a]',
    code: 'cfn-invalid-intrinsic',
    at: '!Base64',
    message: 'the value must be a string',
    key: 'as a string',
  },
  {
    name: 'Fn::Base64 of an unknown value',
    test: '!Base64 { Ref: NoDefault }',
    code: 'unresolved-parameter',
    at: '{ Ref: NoDefault }',
    message: 'NoDefault',
    key: '--param',
  },
  {
    name: 'Fn::ImportValue of an unknown name',
    test: '!ImportValue { Ref: NoDefault }',
    code: 'unresolved-parameter',
    at: '{ Ref: NoDefault }',
    message: 'NoDefault',
    key: '--param',
  },
  {
    name: 'Fn::GetAZs of an unknown region',
    test: '!GetAZs { Ref: NoDefault }',
    code: 'unresolved-parameter',
    at: '{ Ref: NoDefault }',
    message: 'NoDefault',
    key: '--param',
  },
  {
    name: 'Fn::GetAZs of a named region',
    test: '!GetAZs eu-west-1',
    code: 'unresolved-getazs',
    at: '!GetAZs',
    message: 'Availability Zones',
    key: '--resource Fn::GetAZs:eu-west-1=',
  },
  {
    name: 'Fn::Cidr with a bad shape',
    test: '!Cidr ["10.0.0.0/16", 1]',
    code: 'cfn-invalid-intrinsic',
    at: '!Cidr',
    message: 'takes [ipBlock, count, cidrBits]',
    key: 'write !Cidr',
  },
  {
    name: 'Fn::Cidr of an unknown block',
    test: '!Cidr [!Ref NoDefault, 1, 8]',
    code: 'unresolved-parameter',
    at: '!Ref NoDefault',
    message: 'NoDefault',
    key: '--param',
  },
  {
    name: 'Fn::Cidr of no block',
    test: '!Cidr ["10.0.0.300/16", 1, 8]',
    code: 'cfn-invalid-intrinsic',
    at: '!Cidr',
    message: 'not an IPv4 CIDR block',
    key: 'fails the deployment',
  },
  {
    name: 'Fn::Cidr with a count of 0',
    test: '!Cidr ["10.0.0.0/16", 0, 8]',
    code: 'cfn-invalid-intrinsic',
    at: '!Cidr',
    message: 'count must be a whole number from 1 to 256',
    key: 'fails the deployment',
  },
  {
    name: 'Fn::Cidr with too many bits',
    test: '!Cidr ["10.0.0.0/16", 1, 17]',
    code: 'cfn-invalid-intrinsic',
    at: '!Cidr',
    message: 'cidrBits must be from 1 to 16',
    key: 'fails the deployment',
  },
  {
    name: 'Fn::GetAtt with an unknown attribute name',
    test: '!GetAtt [Cluster, !Ref NoDefault]',
    code: 'unresolved-parameter',
    at: '!Ref NoDefault',
    message: 'NoDefault',
    key: '--param',
  },
  {
    name: 'Fn::GetAtt with an attribute that is a list',
    test: '!GetAtt [Cluster, [a]]',
    code: 'cfn-invalid-intrinsic',
    at: '!GetAtt',
    message: '[LogicalId, Attribute]',
    key: 'write !GetAtt',
  },
  {
    name: 'an output of a nested stack whose template is not read',
    test: '!GetAtt Nested.Outputs.Arn',
    code: 'unresolved-resource-attribute',
    at: '!GetAtt Nested',
    message: 'AWS::CloudFormation::Stack Nested',
    key: 'resources: { Nested.Outputs.Arn: … }',
  },
  {
    name: 'a provider Url that is not a string',
    test: '!Ref MapUrl',
    env: ENV,
    code: 'cfn-provider-url',
    at: '!Ref MapUrl',
    message: 'MapUrl.Url is not a string',
    key: 'as a string',
  },
  {
    name: 'a CfnJson without Value',
    test: '!GetAtt NoValueJson.Value',
    code: 'cfn-invalid-template',
    at: '!GetAtt NoValueJson',
    message: 'has no Value',
    key: 'JSON text in Value',
  },
  {
    name: 'a CfnJson Value that is not text',
    test: '!GetAtt MapJson.Value',
    code: 'cfn-invalid-template',
    anchor: 'MapJson:',
    at: '{ a: 1 }',
    message: 'not a string of JSON text',
    key: 'JSON.parse',
  },
  {
    name: 'a CfnJson Value that is not JSON',
    test: '!GetAtt BadJson.Value',
    code: 'cfn-invalid-json-text',
    anchor: 'BadJson:',
    at: 'x}"',
    message: 'not valid JSON once resolved',
    key: 'fix the JSON text',
  },
  {
    name: 'a role ARN without the account',
    test: '!GetAtt Named.Arn',
    env: { region: 'us-east-1' },
    code: 'unresolved-pseudo-parameter',
    at: '!GetAtt Named.Arn',
    message: "built from role Named's RoleName and Path",
    key: '--account',
  },
  {
    name: 'a role ARN from a RoleName that is a list',
    test: '!GetAtt ListName.Arn',
    env: ENV,
    code: 'cfn-invalid-template',
    at: '!GetAtt ListName.Arn',
    message: 'RoleName and Path must be strings',
    key: 'as strings',
  },
  {
    name: 'Ref of a role whose RoleName is unknown',
    test: '!Ref UnknownName',
    code: 'unresolved-parameter',
    at: '!Ref UnknownName',
    message: 'Ref UnknownName is the RoleName of UnknownName',
    key: '--param NoDefault=',
  },
];

t.test(
  'each value that cannot be known is an error at its place, with the key to supply it',
  async (t) => {
    for (const c of UNKNOWN) {
      const text = `${COMMON}Test: ${c.test}\n`;
      const r = evaluate(text, c.env);
      const cause = r.causes[0];
      if (!cause) {
        t.fail(`${c.name}: unknown`);
        continue;
      }
      t.equal(cause.code, c.code, `${c.name}: code`);
      const outer = cause.frames[0]?.span ?? cause.span;
      const expected = placeAfter(text, c.at, c.anchor ?? '\nTest:');
      t.same({ line: outer.start.line, column: outer.start.column }, expected, `${c.name}: place`);
      const message = [...cause.frames.map((f) => f.text), cause.message].join('; ');
      t.match(message, c.message, `${c.name}: message`);
      t.ok(
        cause.keys.some((k) => k.includes(c.key)),
        `${c.name}: key ${c.key} in ${JSON.stringify(cause.keys)}`,
      );
    }
  },
);

t.test('a chain is placed where the value is used, and names every step', async (t) => {
  const text = `${COMMON}Test: !Select [0, [!GetAtt CondJson.Value]]\n`.replace(
    'Url: https://oidc.eks.us-east-1.amazonaws.com/id/ABC',
    'Url: !GetAtt Cluster.OpenIdConnectIssuerUrl',
  );
  const r = evaluate(text, ENV);
  const c = r.causes[0];
  t.ok(c);
  if (!c) return;
  t.equal(c.code, 'unresolved-resource-attribute');
  t.same(
    c.frames.map((f) => f.text),
    [
      "Fn::GetAtt CondJson.Value is the JSON text of Custom::AWSCDKCfnJson CondJson's Value, parsed",
      'Ref CdkProvider is the ARN of Custom::AWSCDKOpenIdConnectProvider CdkProvider, built from its Url',
    ],
  );
  t.same(c.keys, [
    'resources: { CdkProvider: arn:aws:iam::111122223333:oidc-provider/HOST/PATH } (--resource CdkProvider=arn:aws:iam::111122223333:oidc-provider/HOST/PATH)',
    'resources: { Cluster.OpenIdConnectIssuerUrl: … } (--resource Cluster.OpenIdConnectIssuerUrl=…)',
  ]);
  t.equal(c.span.start.line, place(text, 'Url: !GetAtt Cluster').line, 'the leaf is the Url');
  const outer = c.frames[0]?.span;
  t.same(
    [outer?.start.line, outer?.start.column],
    [place(text, '!GetAtt CondJson').line, place(text, '!GetAtt CondJson').column],
    'placed at the use',
  );
});

t.test(
  'conditions: a known false decides Fn::And, a known true Fn::Or, whatever else is unknown',
  async (t) => {
    const text = `${COMMON.replace('ProdAndNoSlug: !And [!Condition IsProd, !Not [!Condition HasSlug]]', 'ProdAndNoSlug: !And [!Condition IsDev, !Equals [!Ref NoDefault, x]]').replace('DevOrSlug: !Or [!Condition IsDev, !Condition HasSlug]', 'DevOrSlug: !Or [!Condition IsProd, !Equals [!Ref NoDefault, x]]')}Test: [!If [ProdAndNoSlug, a, b], !If [DevOrSlug, c, d]]\n`;
    t.same(evaluate(text).value, ['b', 'c']);
    const both = text.replace('IsDev: !Equals [!Ref Env, dev]', 'IsDev: !Equals [!Ref Env, prod]');
    const r = evaluate(both);
    t.equal(r.causes[0]?.code, 'unresolved-parameter', 'a true And part leaves it unknown');
  },
);

t.test('a condition that refers to itself is an invalid template', async (t) => {
  const r = evaluate(
    'Conditions:\n  A: !Condition B\n  B: !Not [!Condition A]\nTest: !If [A, x, y]\n',
  );
  t.equal(r.causes[0]?.code, 'cfn-condition-cycle');
});

t.test('a property that refers to itself is an invalid template', async (t) => {
  const r = evaluate(
    'Resources:\n  P:\n    Type: AWS::IAM::OIDCProvider\n    Properties:\n      Url: !Sub "https://${P}"\nTest: !Ref P\n',
    ENV,
  );
  t.equal(r.causes[0]?.code, 'cfn-circular-reference');
});

t.test('spaces around list items are kept, with a warning', async (t) => {
  const r = evaluate(`${COMMON}Test: !Ref Repos\n`, { parameters: { Repos: 'a, b' } });
  t.same(r.value, ['a', ' b']);
  t.equal(r.ev.warnings[0]?.code, 'list-parameter-spaces');
});

t.test('values remember where they came from', async (t) => {
  const text = `${COMMON}Test: !Sub "repo:\${Org}/\${Env}:x"\n`;
  const r = evaluate(text, { parameters: { Env: 'dev' }, parametersFrom: 'from params.json' });
  t.ok(r.node.k === 'scalar');
  if (r.node.k !== 'scalar') return;
  t.same(
    r.node.origins?.map((o) => [o.kind, o.note]),
    [
      ['parameter-default', 'parameter Org (default "acme")'],
      ['parameter', 'parameter Env (from params.json)'],
    ],
  );
  t.same(
    r.node.segments?.map((s) => [s.start, s.end]),
    [
      [5, 9],
      [10, 13],
    ],
    'which characters came from each',
  );
});
