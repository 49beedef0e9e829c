/**
 * The `trustspec` command. `npm run build` bundles this module and everything it imports into
 * dist/bin/trustspec.js (scripts/bundle.mjs): a start loads a few files, not some 160 modules.
 */
import { runCli } from './io.js';
import { main } from './main.js';

// The AWS SDK warns on every run under Node < 22 that its releases after January 2027 will need
// Node 22. trustspec pins its SDK and supports Node 20: the warning would be noise in every
// report that talks to AWS. A user who sets the variable keeps their own value.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

await runCli(main, process.argv.slice(2), process);
