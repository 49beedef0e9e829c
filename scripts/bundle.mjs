#!/usr/bin/env node
// Bundles the command (dist/lib/cli/bin.js, tsc's output) into dist/bin/trustspec.js, with one
// chunk per lazily imported part in dist/bin/chunks/. Node's ES module loader costs about as much
// per module as the work of a small run: `trustspec test` loaded some 160 of our modules, and
// bundling them takes its cold start down by about a tenth (bench/cold-start.mjs). Packages stay
// outside (yaml, commander, ajv's runtime, the AWS SDK), and every `await import()` stays lazy:
// the SDK is still loaded only by a command that talks to AWS.
// Run: npm run build (tsc, then this).
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
// The previous build's chunks: their names carry a hash, so new ones never overwrite them.
rmSync(`${root}dist/bin/chunks`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { trustspec: 'dist/lib/cli/bin.js' },
  outdir: 'dist/bin',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  banner: { js: '#!/usr/bin/env node' },
  // Less text for V8 to parse on every start (about a fifth); names are kept, so stack traces
  // and `name` properties read as in the source.
  minifyWhitespace: true,
  minifySyntax: true,
  // Maps back to lib/*.ts through tsc's maps (node --enable-source-maps).
  sourcemap: true,
  logLevel: 'warning',
});
