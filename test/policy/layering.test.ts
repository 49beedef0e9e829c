/**
 * lib/policy is the bottom layer (structure review P5): it imports nothing from the other lib
 * folders except lib/diagnostics.ts and lib/packages.ts (the leaf that loads a package on first
 * use), and it loads the `yaml` package only when YAML is parsed (`import type` is fine), so a
 * core entry that parses JSON never loads it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';

const DIR = join(import.meta.dirname, '..', '..', 'lib', 'policy');
const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

interface Import {
  file: string;
  spec: string;
  typeOnly: boolean;
}

function imports(): Import[] {
  const out: Import[] = [];
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(DIR, file), 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      out.push({ file, spec: m[3] as string, typeOnly: m[2] !== undefined });
    }
  }
  return out;
}

/** Why an import breaks the rule, or undefined. */
function problem(i: Import): string | undefined {
  if (i.spec === '../diagnostics.js' || i.spec === '../packages.js') return undefined;
  if (i.spec.startsWith('./'))
    return i.spec.includes('/', 2) ? 'reaches below lib/policy' : undefined;
  if (i.spec.startsWith('node:')) return undefined;
  if (i.spec === 'yaml') return i.typeOnly ? undefined : 'loads yaml at import time';
  return 'imports outside lib/policy';
}

t.test('the rule itself', async (t) => {
  const rows: [Import, boolean][] = [
    [{ file: 'a.ts', spec: './json.js', typeOnly: false }, true],
    [{ file: 'a.ts', spec: '../diagnostics.js', typeOnly: true }, true],
    [{ file: 'a.ts', spec: '../packages.js', typeOnly: false }, true],
    [{ file: 'a.ts', spec: '../memo.js', typeOnly: false }, false],
    [{ file: 'a.ts', spec: 'node:module', typeOnly: false }, true],
    [{ file: 'a.ts', spec: 'yaml', typeOnly: true }, true],
    [{ file: 'a.ts', spec: 'yaml', typeOnly: false }, false],
    [{ file: 'a.ts', spec: '../conditions/operators.js', typeOnly: true }, false],
    [{ file: 'a.ts', spec: '../providers/arn.js', typeOnly: false }, false],
    [{ file: 'a.ts', spec: 'minimatch', typeOnly: false }, false],
  ];
  for (const [i, ok] of rows)
    t.equal(problem(i) === undefined, ok, `${i.spec} typeOnly=${i.typeOnly}`);
});

t.test('lib/policy imports only itself, lib/diagnostics.ts and node built-ins', async (t) => {
  const found = imports();
  t.ok(found.length > 10, 'the imports were found');
  t.same(
    found
      .filter((i) => problem(i) !== undefined)
      .map((i) => `${i.file}: ${i.spec} (${problem(i)})`),
    [],
  );
});
