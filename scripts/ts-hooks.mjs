/**
 * Module hooks that run the TypeScript sources (registered by scripts/ts-loader.mjs).
 *
 * ts-node, tap's own loader, loads TypeScript twice per process and keeps nothing between
 * processes, so each test file paid about a second to start and several more to transpile lib/
 * again. These hooks transpile a file with TypeScript's own transpileModule and the compiler
 * options of tsconfig.json, and keep the output in node_modules/.cache, keyed by everything it
 * depends on (TypeScript's version, tsconfig.json, the file's path and text): TypeScript is loaded
 * only when a file has changed. An import of `./x.js` finds `./x.ts` when only that exists, as
 * `tsc` resolves it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TSCONFIG = join(ROOT, 'tsconfig.json');
const require = createRequire(import.meta.url);

let compiler;
/** TypeScript and the compiler options of tsconfig.json, loaded on the first cache miss. */
function typescript() {
  if (compiler === undefined) {
    const ts = require('typescript');
    const parsed = ts.getParsedCommandLineOfConfigFile(TSCONFIG, undefined, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    });
    const options = {
      ...parsed.options,
      // The package is "type": "module": every .ts is an ES module. NodeNext resolution insists on
      // module NodeNext, which transpileModule cannot apply to one file; it resolves nothing.
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      sourceMap: true,
      inlineSourceMap: false,
      declaration: false,
      declarationMap: false,
    };
    // The output stands where its source is: no outDir/rootDir for the map's paths to follow.
    delete options.outDir;
    delete options.rootDir;
    compiler = { ts, options };
  }
  return compiler;
}

/** The output with its source map inline, naming the file itself (it sits beside the output). */
function withInlineMap(file, out) {
  const map = JSON.parse(out.sourceMapText);
  map.file = basename(file);
  map.sources = [basename(file)];
  delete map.sourceRoot;
  const base64 = Buffer.from(JSON.stringify(map)).toString('base64');
  return (
    out.outputText.replace(/\/\/# sourceMappingURL=\S+\s*$/, '') +
    `//# sourceMappingURL=data:application/json;charset=utf-8;base64,${base64}\n`
  );
}

/**
 * A transpiler with its cache in `cacheDir`; `stats` counts what it did.
 *
 * @param {string} cacheDir
 */
export function createTranspiler(cacheDir) {
  const version = JSON.parse(readFileSync(require.resolve('typescript/package.json'), 'utf8'));
  const salt = `2\0${version.version}\0${readFileSync(TSCONFIG, 'utf8')}\0`;
  const stats = { cached: 0, transpiled: 0 };
  /** The JavaScript for one TypeScript file, from the cache or transpiled now. */
  function transpile(file, source) {
    const key = createHash('sha256').update(salt).update(file).update('\0').update(source);
    const entry = join(cacheDir, `${key.digest('hex')}.js`);
    try {
      const js = readFileSync(entry, 'utf8');
      stats.cached++;
      return js;
    } catch {
      // Not cached yet.
    }
    const { ts, options } = typescript();
    const out = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: options,
      reportDiagnostics: true,
    });
    const first = out.diagnostics?.[0];
    if (first) {
      const at = first.file && first.file.getLineAndCharacterOfPosition(first.start ?? 0);
      const where = at ? `:${at.line + 1}:${at.character + 1}` : '';
      const text = ts.flattenDiagnosticMessageText(first.messageText, '\n');
      throw new SyntaxError(`${file}${where}: ${text}`);
    }
    stats.transpiled++;
    const js = withInlineMap(file, out);
    // Two test processes may write the same entry at once: each writes its own file, renamed.
    const tmp = `${entry}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      mkdirSync(cacheDir, { recursive: true });
      writeFileSync(tmp, js);
      renameSync(tmp, entry);
    } catch {
      rmSync(tmp, { force: true }); // a cache that cannot be written only costs time
    }
    return js;
  }
  return { transpile, stats };
}

let transpiler;
const TS_FILE = /\.m?ts$/;

export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (/^\.{1,2}\//.test(specifier) && /\.m?js$/.test(specifier) && parent?.startsWith('file:')) {
    const js = new URL(specifier, parent);
    const source = new URL(js.href.replace(/js$/, 'ts'));
    if (!existsSync(js) && existsSync(source)) return nextResolve(source.href, context);
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !TS_FILE.test(url) || url.endsWith('.d.ts')) {
    return nextLoad(url, context);
  }
  transpiler ??= createTranspiler(join(ROOT, 'node_modules', '.cache', 'trustspec-tap-ts'));
  const file = fileURLToPath(url);
  return {
    format: 'module',
    source: transpiler.transpile(file, readFileSync(file, 'utf8')),
    shortCircuit: true,
  };
}
