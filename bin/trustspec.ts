#!/usr/bin/env node
// Runs the bundle of lib/cli/bin.ts that `npm run build` writes beside this file, through V8's code
// cache (lib/compile-cache.ts); a build without the bundle (tsc alone) runs the modules.
import { runBundle } from '../lib/compile-cache.js';

await runBundle(
  new URL('./trustspec.cjs', import.meta.url),
  process.argv.slice(2),
  process.env,
  async () => {
    const { start } = await import('../lib/cli/bin.js');
    await start();
  },
);
