/**
 * Reading a scenario file's YAML: merge keys, aliases, keys written twice and nesting, each
 * problem an error at its real place; and thousands of aliases read in linear work.
 */
import t, { type Test } from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Alias } from 'yaml';
import { MAX_YAML_DEPTH } from '../../lib/policy/index.js';
import { loadScenarioFile } from '../../lib/scenarios/index.js';
import { GHA_POLICY, GH, HEAD, NOW } from './helpers.js';
import { growth, measureWork } from './scenario-file-meter.js';

function load(t: Test, yaml: string) {
  const dir = t.testdir({ 'policy.json': GHA_POLICY, 'x.trustspec.yaml': yaml });
  return loadScenarioFile('x.trustspec.yaml', {
    cwd: dir,
    defaultNow: NOW,
    policyCache: new Map(),
  });
}

/** `name: a`, then `lines` (indented as scenario fields), then `expect: allow`. */
const scenario = (...lines: string[]) =>
  `${HEAD}  - name: a\n${lines.map((l) => `    ${l}\n`).join('')}    expect: allow\n`;

interface Row {
  name: string;
  yaml: string;
  /** code@line:column */
  error: string;
  message: RegExp | string;
}

const rows: Row[] = [
  {
    name: 'the number 1 and the string "1" are one key',
    yaml: scenario(`token: { sub: x, 1: a, "1": b }`),
    error: 'duplicate-key@10:28',
    message: 'the key "1" is written twice in one mapping',
  },
  {
    name: 'an empty key and a null key are one key',
    yaml: scenario(`token:`, `  "": a`, `  ~: b`),
    error: 'duplicate-key@12:7',
    message: 'the key "" is written twice',
  },
  {
    name: 'a merge key with a number',
    yaml: scenario(`token: { <<: 1 }`),
    error: 'yaml-merge@10:18',
    message: 'a merge key (<<) takes a mapping',
  },
  {
    name: 'a merge key with an alias of a string',
    yaml: scenario(`description: &d text`, `token: { <<: *d }`),
    error: 'yaml-merge@11:18',
    message: 'a merge key (<<) takes a mapping',
  },
  {
    name: 'a merge key with a list holding a number',
    yaml: scenario(`token: { <<: [{ sub: x }, 2] }`),
    error: 'yaml-merge@10:31',
    message: 'a merge key (<<) takes a mapping',
  },
  {
    name: 'an alias of no anchor',
    yaml: scenario(`token: { sub: *nope }`),
    error: 'yaml-unknown-alias@10:19',
    message: 'the alias *nope refers to no anchor defined before it',
  },
  {
    name: 'an alias inside its own anchor',
    yaml: scenario(`token: &t { sub: x, self: *t }`),
    error: 'yaml-alias-cycle@10:31',
    message: 'the alias *t refers to a value that contains it',
  },
  {
    name: 'a list as a key',
    yaml: scenario(`token: { [a, b]: 1 }`),
    error: 'yaml-invalid-key@10:14',
    message: 'a mapping key must be a plain value',
  },
  {
    name: 'a set',
    yaml: scenario(`token: { sub: !!set { a, b } }`),
    error: 'yaml-non-json-value@10:25',
    message: 'not plain data',
  },
  {
    name: 'binary data',
    yaml: scenario(`token: { sub: !!binary aGVsbG8= }`),
    error: 'yaml-non-json-value@10:28',
    message: 'not plain data',
  },
  {
    name: 'nesting past the limit',
    yaml: scenario(
      `token: { deep: ${'['.repeat(MAX_YAML_DEPTH + 5)}${']'.repeat(MAX_YAML_DEPTH + 5)} }`,
    ),
    error: `yaml-too-deep@10:${20 + MAX_YAML_DEPTH - 4}`,
    message: `the YAML is nested too deeply: more than ${MAX_YAML_DEPTH} levels`,
  },
  {
    name: 'nesting deeper than the yaml library can follow: the same place',
    yaml: scenario(`token: { deep: ${'['.repeat(5000)}${']'.repeat(5000)} }`),
    error: `yaml-too-deep@10:${20 + MAX_YAML_DEPTH - 4}`,
    message: `the YAML is nested too deeply: more than ${MAX_YAML_DEPTH} levels`,
  },
  {
    name: 'nesting through an alias: placed at the alias',
    yaml: scenario(
      `description: &d ${'['.repeat(60)}${']'.repeat(60)}`,
      `token: { sub: x, deep: ${'['.repeat(60)}*d${']'.repeat(60)} }`,
    ),
    error: `yaml-too-deep@11:${5 + 'token: { sub: x, deep: '.length + 60}`,
    message: 'nested too deeply',
  },
];

for (const row of rows) {
  t.test(row.name, (t) => {
    const { errors, scenarios } = load(t, row.yaml);
    t.same(
      errors.map((e) => `${e.code}@${e.line}:${e.column}`),
      [row.error],
    );
    t.match(errors[0]?.message, row.message);
    t.notMatch(errors[0]?.message ?? '', /stack|Maximum call/);
    t.ok(errors[0]?.hint, 'a hint says what would be right');
    t.same(scenarios, []);
    t.end();
  });
}

t.test('merge keys: written keys win, then earlier sources', (t) => {
  const yaml = `${HEAD}  - name: a
    token:
      sub: written
      <<: [{ sub: merged, x: first, y: 1 }, { x: second, z: 2 }]
      y: written after
    expect: allow
  - name: b
    token: &t { sub: repo:acme/app:ref:refs/heads/main, azp: c }
    expect: allow
  - name: c
    token: { <<: *t, azp: d }
    expect: allow
`;
  const { errors, scenarios } = load(t, yaml);
  t.same(errors, []);
  t.match(scenarios[0]?.claims, { sub: 'written', x: 'first', y: 'written after', z: 2 });
  t.match(scenarios[2]?.claims, { sub: 'repo:acme/app:ref:refs/heads/main', azp: 'd' });
  t.match(scenarios[1]?.claims, { azp: 'c' }, 'the anchored value itself is unchanged');
  t.end();
});

t.test('a key named __proto__ is an own key, and pollutes nothing', (t) => {
  const { errors, scenarios } = load(t, scenario(`token: { sub: x, __proto__: { polluted: 1 } }`));
  t.same(errors, []);
  t.ok(Object.hasOwn(scenarios[0]?.claims ?? {}, '__proto__'));
  t.equal(({} as Record<string, unknown>)['polluted'], undefined);
  t.end();
});

/** Calls of the yaml library's `Alias.resolve`, each of which walks the whole document. */
function resolveCalls(fn: () => void): number {
  const original = Alias.prototype.resolve;
  let calls = 0;
  Alias.prototype.resolve = function (this: Alias, ...args: Parameters<Alias['resolve']>) {
    calls++;
    return original.apply(this, args);
  };
  try {
    fn();
  } finally {
    Alias.prototype.resolve = original;
  }
  return calls;
}

t.test('thousands of aliases are read in linear work', (t) => {
  const dir = t.testdir({ 'policy.json': GHA_POLICY });
  const file = (anchors: number) => {
    let text = HEAD;
    for (let a = 0; a < anchors; a++) {
      text += `  - name: s${a}\n    token: { sub: &s${a} 'repo:acme/app:ref:refs/heads/main', seen: [${Array(50).fill(`*s${a}`).join(', ')}] }\n    expect: allow\n`;
    }
    const path = join(dir, `a${anchors}.trustspec.yaml`);
    writeFileSync(path, text);
    return path;
  };
  const loadIt = (path: string) =>
    loadScenarioFile(path, { cwd: dir, defaultNow: NOW, policyCache: new Map() });
  const loaded = loadIt(file(20));
  t.same(loaded.errors, []);
  t.equal((loaded.scenarios[19]?.claims['seen'] as unknown[]).length, 50);
  t.equal(loaded.scenarios[19]?.claims['iss'], `https://${GH}`);
  t.equal(
    resolveCalls(() => loadIt(file(40))),
    0,
    'no alias is resolved by walking the document',
  );
  const ratio = growth((n) => measureWork(() => loadIt(file(n))), 40);
  t.ok(ratio < 6, `4× the aliases take ${ratio.toFixed(2)}× the work (linear: about 4)`);
  t.end();
});
