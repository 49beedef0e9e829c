/**
 * Without --coverage nothing of coverage loads: `trustspec test` (bin → lib/cli/main.ts →
 * lib/cli/test.ts) reaches, through the imports that run when a module runs, neither the
 * symbolic engine nor the coverage computation; those come only through lib/cli/test-coverage.ts,
 * which test.ts imports lazily. Read from the sources compiled as tsc emits them (type-only
 * imports vanish), the way test/core-graph.test.ts reads the graph; never from a clock.
 */
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The local modules a module imports at its top level (what runs when it runs). */
function staticImports(file: string): string[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const out: string[] = [];
  const sf = ts.createSourceFile(file, js, ts.ScriptTarget.ES2022);
  for (const st of sf.statements) {
    const spec =
      (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) &&
      st.moduleSpecifier &&
      ts.isStringLiteral(st.moduleSpecifier)
        ? st.moduleSpecifier.text
        : undefined;
    if (!spec?.startsWith('.')) continue;
    const target = normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts');
    if (existsSync(join(ROOT, target))) out.push(target);
  }
  return out;
}

/** Every local module that loads when `entries` load. */
function reach(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...entries];
  while (todo.length > 0) {
    const f = todo.pop() as string;
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...staticImports(f));
  }
  return seen;
}

const COVERAGE = [
  'lib/scenarios/coverage.ts',
  'lib/scenarios/coverage-regions.ts',
  'lib/scenarios/coverage-report.ts',
  'lib/cli/test-coverage.ts',
];

t.test('trustspec test without --coverage loads no symbolic or coverage module', (t) => {
  const loaded = reach(['bin/trustspec.ts', 'lib/cli/main.ts', 'lib/cli/test.ts']);
  t.ok(loaded.has('lib/scenarios/run.ts'), 'the walk reaches the runner');
  t.ok(loaded.has('lib/report/human.ts'), 'and the default reporter');
  // Every other format is loaded by its name (lib/report/load.ts), when a run asks for it.
  t.same(
    ['lib/report/json.ts', 'lib/report/junit.ts', 'lib/report/tap.ts'].filter((f) => loaded.has(f)),
    [],
    'no other reporter',
  );
  // The properties' predicate parser (no engine in it) is the scenario loader's.
  t.same(
    [...loaded].filter((f) => f.startsWith('lib/symbolic/')),
    ['lib/symbolic/predicate.ts'],
    'no lib/symbolic module but the predicate parser',
  );
  t.same(
    COVERAGE.filter((f) => loaded.has(f)),
    [],
    'no coverage computation',
  );
  const testTs = readFileSync(join(ROOT, 'lib/cli/test.ts'), 'utf8');
  t.match(testTs, /await import\('\.\/test-coverage\.js'\)/, 'test.ts imports it when asked');
  t.end();
});

t.test('the walk can fail: --coverage reaches the engine through test-coverage.ts', (t) => {
  const loaded = reach(['lib/cli/test-coverage.ts']);
  t.ok(loaded.has('lib/symbolic/index.ts'));
  t.ok(loaded.has('lib/scenarios/coverage-regions.ts'));
  t.end();
});
