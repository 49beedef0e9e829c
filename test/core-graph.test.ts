/**
 * What an entry point loads, read from the module graph of the TypeScript sources (never from a
 * clock): `trustspec/core` must load none of the edge libraries, and `trustspec test` must not
 * load the AWS SDK. Each file is compiled the way tsc emits it, so type-only imports do not count.
 * An import runs when the importing module runs if it is static, or dynamic (`import()`,
 * `require()`) outside any function; a dynamic import inside a function runs only when called and
 * is listed as lazy.
 */
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Edge {
  /** A repository-relative source file, or a package name. */
  to: string;
  /** Runs only when a function containing the import is called. */
  lazy: boolean;
  /** `import()` or `require()`. */
  dynamic: boolean;
}

/** Source text by repository-relative path (`undefined`: no such file). */
type Read = (file: string) => string | undefined;

const readRepo: Read = (file) =>
  existsSync(join(ROOT, file)) ? readFileSync(join(ROOT, file), 'utf8') : undefined;

/** The package a bare specifier names: `yaml`, `@aws-sdk/client-iam`, `ajv` for `ajv/dist/x`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

/** `./x.js` from `lib/a.ts` → `lib/x.ts` (the source tsc compiles to it). */
function resolveLocal(from: string, specifier: string, read: Read): string {
  const target = join(dirname(from), specifier);
  for (const [js, src] of [
    ['.js', '.ts'],
    ['.mjs', '.mts'],
  ] as const) {
    if (target.endsWith(js)) {
      const source = target.slice(0, -js.length) + src;
      if (read(source) !== undefined) return source;
    }
  }
  if (read(target) !== undefined) return target;
  throw new Error(`${from}: cannot resolve "${specifier}"`);
}

function outerParens(node: ts.Node): ts.Node {
  return ts.isParenthesizedExpression(node.parent) ? outerParens(node.parent) : node;
}

/** A function body runs when the function is called, unless it is called where it stands. */
function isDeferred(node: ts.Node): boolean {
  if (!ts.isFunctionLike(node)) return false;
  if (!ts.isArrowFunction(node) && !ts.isFunctionExpression(node)) return true;
  const outer = outerParens(node);
  return !(ts.isCallExpression(outer.parent) && outer.parent.expression === outer);
}

const repoImports = new Map<string, Edge[]>();

/** The imports of one source file, as tsc emits it (type-only imports are gone). */
function importsOf(file: string, read: Read): Edge[] {
  const cached = read === readRepo ? repoImports.get(file) : undefined;
  if (cached) return cached;
  const source = read(file);
  if (source === undefined) throw new Error(`no file ${file}`);
  const js = ts.transpileModule(source, {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const tree = ts.createSourceFile(
    `${file}.js`,
    js,
    ts.ScriptTarget.ES2022,
    true,
    ts.ScriptKind.JS,
  );
  const edges: Edge[] = [];
  const add = (specifier: string, lazy: boolean, dynamic: boolean) => {
    if (specifier.startsWith('node:')) return;
    const to = specifier.startsWith('.')
      ? resolveLocal(file, specifier, read)
      : packageOf(specifier);
    edges.push({ to, lazy, dynamic });
  };
  const visit = (node: ts.Node, lazy: boolean): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, false, false);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const arg = node.arguments[0];
      if ((isImport || isRequire) && arg && ts.isStringLiteralLike(arg)) add(arg.text, lazy, true);
    }
    ts.forEachChild(node, (child) => visit(child, lazy || isDeferred(child)));
  };
  visit(tree, false);
  if (read === readRepo) repoImports.set(file, edges);
  return edges;
}

/** `name`'s runtime dependencies, from its installed package.json. */
function packageDependencies(name: string): string[] {
  const file = join(ROOT, 'node_modules', name, 'package.json');
  if (!existsSync(file)) return [];
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  return Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies });
}

interface Reach {
  /** How each loaded module was first reached: entry → … → it. */
  chains: Map<string, string[]>;
  /** Dynamic imports inside functions on the way: not loaded by importing the entries. */
  lazy: { chain: string[]; to: string }[];
}

/**
 * Everything the `entries` load when imported, breadth first (so each chain is a shortest one).
 * A package counts with its own dependencies (the packages it may load in turn).
 */
function reach(entries: string[], read: Read = readRepo): Reach {
  const chains = new Map<string, string[]>(entries.map((e) => [e, [e]]));
  const lazy: Reach['lazy'] = [];
  const queue = [...entries];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const chain = chains.get(next) as string[];
    const isSource = /\.[mc]?[tj]s$/.test(next) && read(next) !== undefined;
    const out: Edge[] = isSource
      ? importsOf(next, read)
      : packageDependencies(next).map((to) => ({ to, lazy: false, dynamic: false }));
    for (const edge of out) {
      if (edge.lazy) {
        lazy.push({ chain, to: edge.to });
        continue;
      }
      if (chains.has(edge.to)) continue;
      const step = edge.dynamic ? `${edge.to} (dynamic import at load)` : edge.to;
      chains.set(edge.to, [...chain, step]);
      queue.push(edge.to);
    }
  }
  return { chains, lazy };
}

const show = (chain: string[]) => chain.join(' → ');

/**
 * yaml is loaded by the policy parser until lib/policy/parse.ts loads it only for YAML input
 * (another branch, being merged). Delete this once that has landed: the chain must not come back.
 */
const EDGE_LIBRARIES = ['yaml', 'ajv', 'minimatch', 'commander'];

t.test('trustspec/core loads none of yaml, ajv, minimatch, commander', (t) => {
  const { chains, lazy } = reach(['lib/core.ts']);
  t.ok(chains.has('lib/policy/parse.ts') && chains.has('lib/sts/simulate.ts'), 'the walk runs');
  for (const name of EDGE_LIBRARIES) {
    const chain = chains.get(name);
    const message = chain ? `importing trustspec/core loads ${name}: ${show(chain)}` : name;
    t.notOk(chain, message);
  }
  for (const { chain, to } of lazy) {
    if (EDGE_LIBRARIES.includes(packageOf(to)))
      t.comment(`loaded lazily, when called: ${show(chain)} ⇢ ${to}`);
  }
  t.end();
});

t.test('package.json exports trustspec/core from lib/core.ts', (t) => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    exports: Record<string, { types: string; default: string }>;
  };
  t.same(pkg.exports['./core'], { types: './dist/lib/core.d.ts', default: './dist/lib/core.js' });
  t.end();
});

/**
 * `trustspec test` runs bin/trustspec.ts and the command module lib/cli/main.ts imports for
 * `test` (lazily, when the command is chosen). Whatever loads the AWS SDK must be imported only
 * where AWS is needed, inside a function.
 */
t.test('trustspec test does not load the AWS SDK', (t) => {
  const main = importsOf('lib/cli/main.ts', readRepo);
  t.ok(
    main.some((e) => e.to === 'lib/cli/test.ts' && e.lazy),
    'lib/cli/main.ts loads lib/cli/test.ts for the test command',
  );
  const { chains } = reach(['bin/trustspec.ts', 'lib/cli/test.ts']);
  t.ok(chains.has('lib/scenarios/load.ts'), 'the walk reaches the scenario loader');
  const sdk = [...chains.keys()].filter((m) => m.startsWith('@aws-sdk/'));
  const found = sdk.map((m) => show(chains.get(m) as string[]));
  t.equal(
    found.length,
    0,
    found.length ? `trustspec test loads the AWS SDK: ${found.join('; ')}` : 'no @aws-sdk/* module',
  );
  t.end();
});

/**
 * The Terraform reader and the scenario runner never load the AWS SDK; the live reader loads it
 * only when it resolves a role (a dynamic import inside a function), through lib/aws/iam.ts.
 */
t.test('role sources load the AWS SDK only when a live source is resolved', (t) => {
  const sdkIn = (chains: Map<string, string[]>) =>
    [...chains.keys()].filter((m) => m.startsWith('@aws-sdk/') || m.startsWith('@smithy/'));
  for (const entry of [
    'lib/sources/terraform.ts',
    'lib/sources/live.ts',
    'lib/aws/iam.ts',
    'lib/scenarios/index.ts',
  ]) {
    const { chains } = reach([entry]);
    const found = sdkIn(chains).map((m) => show(chains.get(m) as string[]));
    t.same(found, [], `importing ${entry} loads no @aws-sdk/* or @smithy/* module`);
  }
  const live = reach(['lib/sources/live.ts']);
  t.ok(
    live.lazy.some((l) => l.to === 'lib/aws/iam.ts'),
    'lib/sources/live.ts imports lib/aws/iam.ts inside a function',
  );
  const iam = reach(['lib/aws/iam.ts']);
  t.same(
    iam.lazy.map((l) => l.to).sort(),
    ['@aws-sdk/client-iam', '@smithy/core'],
    'lib/aws/iam.ts imports the SDK inside functions only',
  );
  t.end();
});

/** Sources for checking the walk itself. */
const VIRTUAL: Record<string, string> = {
  'v/entry.ts': `
import { a } from 'static-pkg';
import type { T } from 'type-only';
import { U } from 'types-in-braces';
import './local.js';
export * from '@scope/re-export/deep/path.js';
export type * from 'type-star';
const top = await import('top-level');
(async () => {
  await import('iife');
})();
const req = require('required');
export function later(): Promise<unknown> {
  return import('in-function');
}
export const arrow = () => require('in-arrow');
export const x: T | U = a(top, req);
`,
  'v/local.ts': `import 'deep-pkg';\n`,
};

t.test('the walk itself: what it counts as loaded at import', (t) => {
  const read: Read = (file) => VIRTUAL[file];
  const edges = importsOf('v/entry.ts', read);
  const by = (to: string) => edges.filter((e) => e.to === to);
  const loaded = (to: string, dynamic: boolean) => [{ to, lazy: false, dynamic }];
  t.same(by('static-pkg'), loaded('static-pkg', false), 'a static import');
  t.same(by('type-only'), [], 'import type is erased');
  t.same(by('types-in-braces'), [], 'an import used only as a type is erased');
  t.same(by('type-star'), [], 'export type * is erased');
  t.same(by('@scope/re-export'), loaded('@scope/re-export', false), 'export * of a scoped package');
  t.same(by('v/local.ts'), loaded('v/local.ts', false), './local.js is the source local.ts');
  t.same(by('top-level'), loaded('top-level', true), 'await import() at the top level');
  t.same(by('iife'), loaded('iife', true), 'import() in a function called where it stands');
  t.same(by('required'), loaded('required', true), 'require() at the top level');
  t.same(by('in-function'), [{ to: 'in-function', lazy: true, dynamic: true }], 'lazy import()');
  t.same(by('in-arrow'), [{ to: 'in-arrow', lazy: true, dynamic: true }], 'lazy require()');
  const { chains, lazy } = reach(['v/entry.ts'], read);
  t.equal(show(chains.get('deep-pkg') as string[]), 'v/entry.ts → v/local.ts → deep-pkg');
  t.equal(
    show(chains.get('top-level') as string[]),
    'v/entry.ts → top-level (dynamic import at load)',
  );
  t.notOk(chains.has('in-function'), 'a lazy import is not loaded by importing');
  t.same(
    lazy.map((l) => l.to),
    ['in-function', 'in-arrow'],
  );
  t.end();
});

t.test('a package counts with its dependencies', (t) => {
  const { chains } = reach(['tap']);
  t.equal(show(chains.get('@tapjs/core') ?? ['(not reached)']), 'tap → @tapjs/core');
  t.end();
});
