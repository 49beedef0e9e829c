/** Finding scenario files: folders, globs, files; node_modules and dot-folders skipped; sorted. */
import t from 'tap';
import { join } from 'node:path';
import { discoverFiles, displayPath } from '../../lib/scenarios/index.js';

const tree = {
  'root.trustspec.yaml': '',
  'notes.yaml': '',
  'policy.trust.json': '',
  a: {
    'b.trustspec.yml': '',
    'a.trustspec.yaml': '',
    deep: { 'z.trustspec.YAML': '', 'other.yaml': '' },
  },
  node_modules: { pkg: { 'x.trustspec.yaml': '' } },
  '.hidden': { 'y.trustspec.yaml': '' },
  c: { 'explicit.yaml': '' },
};

function rel(dir: string, files: string[]): string[] {
  return files.map((f) => displayPath(f, dir));
}

t.test('no arguments: everything under cwd, sorted, skipping node_modules and dot-folders', (t) => {
  const dir = t.testdir(tree);
  const found = discoverFiles([], dir);
  t.same(found.errors, []);
  t.same(rel(dir, found.files), [
    'a/a.trustspec.yaml',
    'a/b.trustspec.yml',
    'a/deep/z.trustspec.YAML',
    'root.trustspec.yaml',
  ]);
  t.ok(
    found.files.every((f) => f.startsWith(dir)),
    'absolute paths',
  );
  t.end();
});

t.test('folders are searched recursively', (t) => {
  const dir = t.testdir(tree);
  t.same(rel(dir, discoverFiles(['a/deep'], dir).files), ['a/deep/z.trustspec.YAML']);
  t.same(rel(dir, discoverFiles([join(dir, 'a')], '/').files), [
    'a/a.trustspec.yaml',
    'a/b.trustspec.yml',
    'a/deep/z.trustspec.YAML',
  ]);
  t.same(
    discoverFiles(['c'], dir),
    { files: [], errors: [], warnings: [] },
    'a folder without scenarios is not an error',
  );
  t.end();
});

t.test('a file named directly is taken whatever its name', (t) => {
  const dir = t.testdir(tree);
  t.same(rel(dir, discoverFiles(['c/explicit.yaml'], dir).files), ['c/explicit.yaml']);
  t.same(rel(dir, discoverFiles(['.hidden/y.trustspec.yaml'], dir).files), [
    '.hidden/y.trustspec.yaml',
  ]);
  t.end();
});

t.test('globs', (t) => {
  const dir = t.testdir(tree);
  t.same(rel(dir, discoverFiles(['**/*.trustspec.yaml'], dir).files), [
    'a/a.trustspec.yaml',
    'root.trustspec.yaml',
  ]);
  t.same(rel(dir, discoverFiles(['a/*.trustspec.*'], dir).files), [
    'a/a.trustspec.yaml',
    'a/b.trustspec.yml',
  ]);
  t.same(
    rel(dir, discoverFiles(['**/*.yaml'], dir).files),
    ['a/a.trustspec.yaml', 'root.trustspec.yaml'],
    'only scenario files',
  );
  t.same(
    rel(dir, discoverFiles(['a/de*'], dir).files),
    ['a/deep/z.trustspec.YAML'],
    'a glob matching a folder',
  );
  t.same(
    rel(dir, discoverFiles(['node_modules/**/*.trustspec.yaml'], dir).files),
    ['node_modules/pkg/x.trustspec.yaml'],
    'a glob that names node_modules enters it',
  );
  t.same(
    rel(dir, discoverFiles([`${dir}/a/{a,b}.trustspec.*`], '/').files),
    ['a/a.trustspec.yaml', 'a/b.trustspec.yml'],
    'an absolute glob',
  );
  t.same(
    rel(dir, discoverFiles(['./a/*.trustspec.yml'], dir).files),
    ['a/b.trustspec.yml'],
    'a leading ./',
  );
  t.same(
    rel(dir, discoverFiles(['a/deep/../*.trustspec.yml'], dir).files),
    ['a/b.trustspec.yml'],
    'a ..',
  );
  const none = discoverFiles(['zzz/*.trustspec.yaml'], dir);
  t.same(none.files, []);
  t.match(none.errors, [
    { file: 'zzz/*.trustspec.yaml', code: 'glob-no-match', line: 0, column: 0 },
  ]);
  t.end();
});

t.test('duplicates are removed and the result is sorted', (t) => {
  const dir = t.testdir(tree);
  const found = discoverFiles(
    ['root.trustspec.yaml', 'a', './a/a.trustspec.yaml', '**/*.trustspec.yml', '.'],
    dir,
  );
  t.same(rel(dir, found.files), [
    'a/a.trustspec.yaml',
    'a/b.trustspec.yml',
    'a/deep/z.trustspec.YAML',
    'root.trustspec.yaml',
  ]);
  t.end();
});

t.test('a path that does not exist is an error; the others are still found', (t) => {
  const dir = t.testdir(tree);
  const found = discoverFiles(['missing.trustspec.yaml', 'a/a.trustspec.yaml'], dir);
  t.same(rel(dir, found.files), ['a/a.trustspec.yaml']);
  t.match(found.errors, [
    {
      file: 'missing.trustspec.yaml',
      code: 'path-not-found',
      message: '"missing.trustspec.yaml" does not exist',
    },
  ]);
  t.end();
});

t.test('a symlinked folder loop is walked once', (t) => {
  const dir = t.testdir({
    a: { 'x.trustspec.yaml': '', loop: t.fixture('symlink', '..') },
  });
  t.same(rel(dir, discoverFiles([], dir).files), ['a/x.trustspec.yaml']);
  t.end();
});

t.test('displayPath', (t) => {
  t.equal(displayPath('/w/p/a.yaml', '/w'), 'p/a.yaml');
  t.equal(displayPath('/w/p/a.yaml', undefined), '/w/p/a.yaml');
  t.equal(displayPath('/w', '/w'), '/w');
  t.equal(displayPath('/x/a.yaml', '/w'), '../x/a.yaml');
  t.end();
});
