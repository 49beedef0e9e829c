/** Largest template, plan or state read: CloudFormation's own limit is 1 MB (from S3); CDK output and plans may be larger. */
export const MAX_SOURCE_BYTES = 50 * 1024 * 1024;

/** How the user supplies a value trustspec cannot know: the same words in a scenario file and on the command line. */
export const supplyKey = {
  parameter: (name: string) => `parameters: { ${name}: … } (--param ${name}=…)`,
  resource: (key: string, example = '…') =>
    `resources: { ${/^[A-Za-z0-9.]+$/.test(key) ? key : JSON.stringify(key)}: ${example} } (--resource ${key}=${example})`,
  import: (name: string) => `imports: { ${JSON.stringify(name)}: … } (--import ${name}=…)`,
  account: 'account: "111122223333" (--account 111122223333)',
  region: 'region: us-east-1 (--region us-east-1)',
  stackName: 'stackName: … (--stack-name …)',
};
