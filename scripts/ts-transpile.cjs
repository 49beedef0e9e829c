'use strict';
/* global require, exports, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- ts-node loads a transpiler by require() */
/**
 * The TypeScript transpiler of the test run (tsconfig.tap.json names it for tap's ts-node).
 *
 * ts-node keeps no cache between processes, so each of the ~50 test files used to transpile most
 * of lib/ again: about 5 s of CPU per file, the larger part of the suite's time. This transpiler
 * gives the same output (TypeScript's own transpileModule, same compiler options) and keeps it in
 * node_modules/.cache, keyed by everything the output depends on: the TypeScript version, the
 * compiler options, the emit kind, the file's path and its text. A changed file is a new key, so
 * the cache never serves stale code; a file with diagnostics is not cached.
 */
const { createHash, randomBytes } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const CACHE = join(__dirname, '..', 'node_modules', '.cache', 'trustspec-tap-ts');

let ts;
/** TypeScript itself, loaded only on a cache miss. */
const typescript = () => (ts ??= require('typescript'));

/** Reads a cached output, or undefined. */
function readCached(file) {
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8'));
    return typeof cached.outputText === 'string' ? cached : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a cache entry atomically: two test processes may write the same one at once. */
function writeCached(file, value) {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(tmp, JSON.stringify(value));
    renameSync(tmp, file);
  } catch {
    // A cache that cannot be written only costs time.
    rmSync(tmp, { force: true });
  }
}

exports.create = function create({ service, nodeModuleEmitKind }) {
  // The package's "type": "module" makes every .ts an ES module; ts-node says which kind to emit.
  const esm = nodeModuleEmitKind !== 'nodecjs';
  const version = JSON.parse(
    readFileSync(require.resolve('typescript/package.json'), 'utf8'),
  ).version;
  let compilerOptions;
  const options = () =>
    (compilerOptions ??= {
      ...service.config.options,
      module: esm ? typescript().ModuleKind.ESNext : typescript().ModuleKind.CommonJS,
      // NodeNext resolution insists on module NodeNext; transpiling one file resolves nothing.
      moduleResolution: typescript().ModuleResolutionKind.Bundler,
    });
  const salt = JSON.stringify([version, service.config.options, esm]);
  return {
    transpile(input, { fileName }) {
      const key = createHash('sha256')
        .update(salt)
        .update('\0')
        .update(fileName)
        .update('\0')
        .update(input)
        .digest('hex');
      const file = join(CACHE, `${key}.json`);
      const cached = readCached(file);
      if (cached) return cached;
      const out = typescript().transpileModule(input, {
        fileName,
        compilerOptions: options(),
        reportDiagnostics: true,
      });
      if (out.diagnostics && out.diagnostics.length > 0) return out;
      const value = { outputText: out.outputText, sourceMapText: out.sourceMapText };
      writeCached(file, value);
      return value;
    },
  };
};
