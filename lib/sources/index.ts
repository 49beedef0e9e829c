/**
 * `resolveSource(spec, opts)`: one entry for every kind of role source. Each reader is loaded
 * when its kind is first used (dynamic `import()`), so reading a CloudFormation template never
 * loads the AWS SDK, and a program that resolves no source loads none of them.
 */
import { resolve } from 'node:path';
import type { SourceOptions, SourceResult, SourceSpec } from './types.js';

export type * from './types.js';

type Kind = SourceSpec['kind'];
type Reader<K extends Kind> = (
  spec: Extract<SourceSpec, { kind: K }>,
  opts: SourceOptions,
) => Promise<SourceResult>;

/** The readers, by kind. A reader added later is one line here. */
const READERS: { [K in Kind]?: () => Promise<Reader<K>> } = {
  cloudformation: async () => (await import('./cloudformation.js')).resolveCloudFormation,
  cdk: async () => (await import('./cdk.js')).resolveCdk,
  terraform: async () => (await import('./terraform.js')).resolveTerraform,
  live: async () => (await import('./live.js')).resolveLive,
};

/** The kinds this build can read. */
export function supportedKinds(): Kind[] {
  return Object.keys(READERS) as Kind[];
}

export async function resolveSource(spec: SourceSpec, opts: SourceOptions): Promise<SourceResult> {
  const load = READERS[spec.kind] as (() => Promise<Reader<typeof spec.kind>>) | undefined;
  if (!load) {
    const file = 'file' in spec ? spec.file : 'dir' in spec ? spec.dir : undefined;
    return {
      ok: false,
      findings: [
        {
          code: 'source-kind-unsupported',
          severity: 'error',
          message: `role sources of kind "${spec.kind}" are not supported by this version of trustspec`,
          hint: `supported kinds: ${supportedKinds().join(', ')}; export the trust policy to a JSON file meanwhile`,
          ...(file !== undefined
            ? {
                file: resolve(opts.baseDir, file),
                span: {
                  start: { line: 1, column: 1, offset: 0 },
                  end: { line: 1, column: 1, offset: 0 },
                },
              }
            : {}),
        },
      ],
    };
  }
  const read = await load();
  return read(spec as never, opts);
}
