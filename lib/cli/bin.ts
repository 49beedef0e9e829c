/**
 * The `trustspec` command. `npm run build` bundles this module and everything it imports into
 * dist/bin/trustspec.cjs (scripts/bundle.mjs), which bin/trustspec.ts runs through V8's code cache
 * (lib/compile-cache.ts); without the bundle, bin/trustspec.ts imports this module directly.
 */
import { runCli } from './io.js';
import { main } from './main.js';

/** Runs the command line of this process; its exit code is left in `process.exitCode`. */
export async function start(): Promise<void> {
  // The AWS SDK warns on every run under Node < 22 that its releases after January 2027 will need
  // Node 22. trustspec pins its SDK and supports Node 20: the warning would be noise in every
  // report that talks to AWS. A user who sets the variable keeps their own value.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  await runCli(main, process.argv.slice(2), process);
}
