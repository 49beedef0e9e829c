/**
 * scripts/ts-hooks.mjs, the loader every test file runs through: TypeScript to JavaScript with a
 * source map that points back at the file, a cache that serves only what it was given for the
 * same path and text, and `./x.js` resolved to `./x.ts`.
 */
import t from 'tap';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createTranspiler, load, resolve } from '../../scripts/ts-hooks.mjs';

const SOURCE = `interface Point { x: number }
export const origin: Point = { x: 0 };
export function twice(n: number): number {
  return n * 2;
}
`;

/** The inline source map of an output. */
function mapOf(js: string): { sources: string[]; file: string; mappings: string } {
  const m = /\/\/# sourceMappingURL=data:application\/json;charset=utf-8;base64,(\S+)\n$/.exec(js);
  if (!m) throw new Error('no inline source map');
  return JSON.parse(Buffer.from(m[1] as string, 'base64').toString('utf8'));
}

t.test('types go, code stays, the map names the file', async (t) => {
  const { transpile } = createTranspiler(t.testdir());
  const js = transpile('/src/point.ts', SOURCE);
  t.notMatch(js, /interface|: number|: Point/, 'no types left');
  t.match(js, /^export const origin = \{ x: 0 \};$/m);
  t.match(js, /^export function twice\(n\) \{$/m);
  const map = mapOf(js);
  t.same(map.sources, ['point.ts'], 'the source beside the output: coverage maps to it');
  t.equal(map.file, 'point.ts');
  t.ok(map.mappings.length > 0);
  t.equal(js.match(/sourceMappingURL/g)?.length, 1, 'one map comment');
});

t.test('the cache: the same path and text once, anything else again', async (t) => {
  const dir = t.testdir();
  const a = createTranspiler(dir);
  const first = a.transpile('/src/point.ts', SOURCE);
  t.same(a.stats, { cached: 0, transpiled: 1 });
  t.equal(a.transpile('/src/point.ts', SOURCE), first, 'the same output');
  t.same(a.stats, { cached: 1, transpiled: 1 }, 'the second time from the cache');

  const changed = SOURCE.replace('n * 2', 'n * 3');
  t.match(a.transpile('/src/point.ts', changed), /return n \* 3;/, 'a changed file is new');
  t.same(a.stats, { cached: 1, transpiled: 2 });
  a.transpile('/src/elsewhere.ts', SOURCE);
  t.same(a.stats, { cached: 1, transpiled: 3 }, 'another path is another entry (its map)');

  const b = createTranspiler(dir);
  t.equal(b.transpile('/src/point.ts', SOURCE), first, 'another process reads the same entry');
  t.same(b.stats, { cached: 1, transpiled: 0 });
  t.same(
    readdirSync(dir).filter((f) => !f.endsWith('.js')),
    [],
    'no temporary file left behind',
  );
});

t.test('a syntax error: thrown with the file and place, nothing cached', async (t) => {
  const dir = t.testdir();
  const { transpile, stats } = createTranspiler(dir);
  t.throws(() => transpile('/src/broken.ts', 'export const x = ;\n'), {
    name: 'SyntaxError',
    message: /^\/src\/broken\.ts:1:18: Expression expected/,
  });
  t.same(readdirSync(dir), []);
  t.same(stats, { cached: 0, transpiled: 0 });
});

t.test('resolve: ./x.js is ./x.ts when only that exists', async (t) => {
  const dir = t.testdir({ 'a.ts': '', 'b.js': '', 'b.ts': '', 'c.mts': '' });
  const parentURL = pathToFileURL(join(dir, 'main.ts')).href;
  const asked: string[] = [];
  const next = (specifier: string) => {
    asked.push(specifier);
    return { url: specifier };
  };
  const cases: [string, string][] = [
    ['./a.js', pathToFileURL(join(dir, 'a.ts')).href],
    ['./b.js', './b.js'],
    ['./c.mjs', pathToFileURL(join(dir, 'c.mts')).href],
    ['./missing.js', './missing.js'],
    ['yaml', 'yaml'],
    ['node:fs', 'node:fs'],
  ];
  for (const [specifier, expected] of cases) {
    const r = await resolve(specifier, { parentURL }, next);
    t.equal(r.url, expected, `${specifier} → ${expected}`);
  }
  t.equal(asked.length, cases.length, 'always through the next resolver');
  const noParent = await resolve('./a.js', {}, next);
  t.equal(noParent.url, './a.js', 'an entry point is left alone');
});

t.test('load: only TypeScript files are taken', async (t) => {
  const dir = t.testdir({ 'm.ts': 'export const n: number = 1;\n', 'x.d.ts': '' });
  const passed: string[] = [];
  const next = (url: string) => {
    passed.push(url);
    return { format: 'builtin' };
  };
  const ts = await load(pathToFileURL(join(dir, 'm.ts')).href, {}, next);
  t.equal(ts.format, 'module');
  t.equal(ts.shortCircuit, true);
  t.match(String(ts.source), /^export const n = 1;$/m);
  for (const url of ['node:fs', pathToFileURL(join(dir, 'x.d.ts')).href, 'file:///a/b.js']) {
    await load(url, {}, next);
  }
  t.equal(passed.length, 3, 'the rest go to the next loader');
});
