#!/usr/bin/env node
// Bundles trustspec into CommonJS scripts that run through V8's code cache (lib/compile-cache.ts):
// the command (dist/lib/cli/bin.js, tsc's output) into dist/bin/trustspec.cjs, which
// dist/bin/trustspec.js runs, and the library (dist/lib/index.js) into dist/lib/library.cjs, which
// dist/lib/main.js — the package's entry, written here with the library's export names —
// re-exports. Node's ES module loader costs about as much per module as the work of a small run
// (`trustspec test` loaded some 160 of our modules, the library some 150), and only a classic
// script can use V8's code cache on Node 20. Packages stay outside (yaml, commander, ajv's
// runtime, the AWS SDK, loaded with require or import() when used), and our own lazily imported
// modules stay lazy: their code is in the script, but it runs only when imported.
// The first line names the build: `// trustspec build ID`, ID a hash of the bundle's text, which
// keys the code cache (V8 itself checks only the text's length).
// Run: npm run build (tsc, then this).
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const PLACEHOLDER = '0'.repeat(16);
// The build line and the global through which the bundle imports packages, as the loader reads
// them (tsc has just built it).
const { BUILD_PREFIX, IMPORT_HOOK_KEY } = await import(
  new URL('../dist/lib/compile-cache.js', import.meta.url).href
);
// An earlier build's ES module chunks.
rmSync(`${root}dist/bin/chunks`, { recursive: true, force: true });

/** Bundles `entry` (relative to the root) into the CommonJS script `out`, named by its hash. */
async function bundle(entry, out) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // The three uses of import.meta.url: the script's own file URL.
    define: { 'import.meta.url': '__trustspec_url' },
    banner: {
      js: [
        `${BUILD_PREFIX}${PLACEHOLDER}`,
        '"use strict";',
        'var __trustspec_url = require("node:url").pathToFileURL(__filename).href;',
        // import() of a package (the AWS SDK, jose), as the loader does it: V8 loses a vm script's
        // import() callback in functions compiled from a code cache (Node 20).
        `var __trustspec_import = globalThis[Symbol.for("${IMPORT_HOOK_KEY}")] ?? ((s) => import(s));`,
      ].join('\n'),
    },
    metafile: true,
    // Less text for V8 to parse when there is no cache yet (about a fifth); names are kept, so stack
    // traces and `name` properties read as in the source.
    minifyWhitespace: true,
    minifySyntax: true,
    // Maps back to lib/*.ts through tsc's maps (node --enable-source-maps).
    sourcemap: true,
    logLevel: 'warning',
  });
  // Every import() of a package, as esbuild wrote it, goes through __trustspec_import.
  const packages = new Set(
    Object.values(result.metafile.inputs).flatMap((input) =>
      input.imports.filter((i) => i.kind === 'dynamic-import' && i.external).map((i) => i.path),
    ),
  );
  let built = readFileSync(out, 'utf8').replace(PLACEHOLDER, '');
  for (const name of packages) {
    const call = `import(${JSON.stringify(name)})`;
    const hooked = `__trustspec_import(${JSON.stringify(name)})`;
    if (!built.includes(call)) throw new Error(`bundle: esbuild did not write ${call}`);
    built = built.replaceAll(call, hooked);
  }
  const left = /\bimport\(\s*["'`]/.exec(built.replace(/\(s\) => import\(s\)/, ''));
  if (left)
    throw new Error(
      `bundle: an import() not of a known package: ${built.slice(left.index, left.index + 80)}`,
    );
  const id = createHash('sha256').update(built).digest('hex').slice(0, 16);
  // The same length as with the placeholder: the source map's positions stay right.
  write(out, built.replace(BUILD_PREFIX, `${BUILD_PREFIX}${id}`));
}

/** Atomically: a file replaced by a whole new one. */
function write(file, text) {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

await bundle('dist/lib/cli/bin.js', `${root}dist/bin/trustspec.cjs`);
await bundle('dist/lib/index.js', `${root}dist/lib/library.cjs`);
// The package's entry: the library's names, from the bundle. (Its types are dist/lib/index.d.ts.)
const names = Object.keys(await import(pathToFileURL(`${root}dist/lib/index.js`).href)).sort();
if (names.some((n) => !/^[A-Za-z_$][\w$]*$/.test(n)))
  throw new Error(`bundle: an export name the entry cannot declare: ${names.join(', ')}`);
write(
  `${root}dist/lib/main.js`,
  [
    "// trustspec's library: dist/lib/index.js, bundled into library.cjs (scripts/bundle.mjs) and",
    "// loaded through V8's code cache (lib/compile-cache.ts). Written by the build.",
    "import { loadLibrary } from './compile-cache.js';",
    '',
    "const { exports: lib } = loadLibrary(new URL('./library.cjs', import.meta.url), process.env);",
    `export const {\n${names.map((n) => `  ${n},`).join('\n')}\n} = lib;`,
    '',
  ].join('\n'),
);
