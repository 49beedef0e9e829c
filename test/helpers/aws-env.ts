/**
 * An AWS environment for tests that drive the real SDK: every variable the SDK reads is set or
 * removed here, so nothing from the machine (a profile, a region, instance metadata) takes part and
 * no request leaves loopback. The previous environment comes back at teardown.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';

/** Variables the SDK's credential, region, endpoint and retry providers read. */
const AWS_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_ACCESSANALYZER',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
  'AWS_MAX_ATTEMPTS',
  'AWS_RETRY_MODE',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
];

export interface AwsTestEnv {
  /** A folder for config/credentials files of this test. */
  dir: string;
  /** Writes a file into `dir`, returns its path. */
  file(name: string, text: string): string;
}

interface Teardown {
  teardown(fn: () => void): void;
}

/**
 * Test credentials by environment, region us-east-1, Access Analyzer at `endpoint`, empty shared
 * config and credentials files, instance metadata off. `set` overrides (undefined: removed).
 */
export function awsTestEnv(
  t: Teardown,
  endpoint: string,
  set: Record<string, string | undefined> = {},
): AwsTestEnv {
  const saved = new Map(AWS_VARIABLES.map((k) => [k, process.env[k]]));
  const dir = mkdtempSync(join(tmpdir(), 'trustspec-aws-'));
  const empty = join(dir, 'empty');
  writeFileSync(empty, '');
  const values: Record<string, string | undefined> = {
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLETRUSTSPEC',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-for-loopback-tests',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: empty,
    AWS_SHARED_CREDENTIALS_FILE: empty,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_ACCESSANALYZER: endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...set,
  };
  for (const k of AWS_VARIABLES) delete process.env[k];
  for (const [k, v] of Object.entries(values)) if (v !== undefined) process.env[k] = v;
  t.teardown(() => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    file(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}

/** The SDK's standard retries (3 attempts) without the waits between them. */
export const noWaitRetries = () => new ConfiguredRetryStrategy(3, 0);
