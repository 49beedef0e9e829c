/**
 * The TypeScript loader of the test run, in place of tap's ts-node: `.taprc` starts each test
 * process with `--import=./scripts/ts-loader.mjs` in NODE_OPTIONS (so that it comes before tap's
 * coverage hook, which then sees the JavaScript) and turns ts-node off (TAP_TYPE_STRIP_ONLY=1).
 * One file runs without tap too: `node --import=./scripts/ts-loader.mjs test/x.test.ts`.
 *
 * ts-node loads TypeScript twice per process and keeps nothing between processes, so each test
 * file used to pay about a second to start and several more to transpile lib/ again. This loader
 * transpiles a file with TypeScript's own transpileModule and the compiler options of
 * tsconfig.json, and keeps the output in node_modules/.cache keyed by everything it depends on
 * (TypeScript's version, tsconfig.json, the file's path and text): TypeScript is loaded only when
 * a file has changed. An import of `./x.js` finds `./x.ts`, as `tsc` resolves it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'trustspec-tap-ts');
const TSCONFIG = join(ROOT, 'tsconfig.json');
const require = createRequire(import.meta.url);

if (isMainThread) {
  // Loaded by --import: register this same file as the hooks (which run on their own thread).
  register(import.meta.url);
  // A child process started from another folder must find this file too.
  const options = process.env['NODE_OPTIONS'];
  if (options) {
    process.env['NODE_OPTIONS'] = options.replace(
      /--import=\.\/scripts\/ts-loader\.mjs\b/,
      `--import=${import.meta.url}`,
    );
  }
}

let salt;
/** What every output depends on besides the file: TypeScript's version and tsconfig.json. */
function saltOf() {
  if (salt === undefined) {
    const version = JSON.parse(readFileSync(require.resolve('typescript/package.json'), 'utf8'));
    salt = `2\0${version.version}\0${readFileSync(TSCONFIG, 'utf8')}\0`;
  }
  return salt;
}

let compiler;
/** TypeScript and the compiler options, loaded on the first cache miss. */
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
    // The output stands where its source is: no outDir/rootDir to make the map's paths relative to.
    delete options.outDir;
    delete options.rootDir;
    compiler = { ts, options };
  }
  return compiler;
}

/** The JavaScript for one TypeScript file, from the cache or transpiled now. */
export function transpile(file, source) {
  const key = createHash('sha256').update(saltOf()).update(file).update('\0').update(source);
  const cached = join(CACHE, `${key.digest('hex')}.js`);
  try {
    return readFileSync(cached, 'utf8');
  } catch {
    // Not cached yet.
  }
  const { ts, options } = typescript();
  const out = ts.transpileModule(source, {
    fileName: file,
    compilerOptions: options,
    reportDiagnostics: true,
  });
  if (out.diagnostics && out.diagnostics.length > 0) {
    const d = out.diagnostics[0];
    throw new SyntaxError(`${file}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  }
  // The source map goes inline and names the file itself, which sits beside the output.
  const map = JSON.parse(out.sourceMapText);
  map.file = basename(file);
  map.sources = [basename(file)];
  delete map.sourceRoot;
  const js =
    out.outputText.replace(/\/\/# sourceMappingURL=\S+\s*$/, '') +
    `//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
  // Two test processes may write the same entry at once: each writes its own file and renames it.
  const tmp = `${cached}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(tmp, js);
    renameSync(tmp, cached);
  } catch {
    rmSync(tmp, { force: true }); // a cache that cannot be written only costs time
  }
  return js;
}

const TS = /\.(m?)ts$/;

export async function resolve(specifier, context, nextResolve) {
  // `./x.js` written in a .ts file names `./x.ts` when only that exists.
  const parent = context.parentURL;
  if (/^\.{1,2}\//.test(specifier) && /\.m?js$/.test(specifier) && parent?.startsWith('file:')) {
    const js = new URL(specifier, parent);
    const source = new URL(js.href.replace(/js$/, 'ts'));
    if (!existsSync(js) && existsSync(source)) return nextResolve(source.href, context);
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !TS.test(url) || url.endsWith('.d.ts')) {
    return nextLoad(url, context);
  }
  const file = fileURLToPath(url);
  return {
    format: 'module',
    source: transpile(file, readFileSync(file, 'utf8')),
    shortCircuit: true,
  };
}
