/**
 * trustspec.config.yaml: where it is found, what it accepts (the reader and its JSON Schema agree
 * on a table of documents), and the schema file kept current. And applyIgnores, the suppression
 * both kinds of `ignore:` go through.
 */
import t from 'tap';
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import {
  configSchema,
  configSchemaJson,
  findConfig,
  loadConfig,
} from '../../lib/scenarios/config.js';
import { applyIgnores, sameCode } from '../../lib/scenarios/suppress.js';
import type { FileError, IgnoreRule } from '../../lib/scenarios/types.js';
import { REPORTER_NAMES } from '../../lib/report/names.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

t.test('found from the working directory up to the repository root', async (t) => {
  const root = t.testdir({
    'trustspec.config.yaml': 'strict: true\n',
    repo: {
      '.git': {},
      'trustspec.config.yml': 'strict: false\n',
      a: { b: { c: {} } },
      nested: { 'trustspec.config.yaml': 'reporter: tap\n', d: {} },
    },
    plain: { e: {} },
  });
  t.equal(
    findConfig(join(root, 'repo', 'a', 'b', 'c')),
    join(root, 'repo', 'trustspec.config.yml'),
  );
  t.equal(
    findConfig(join(root, 'repo', 'nested', 'd')),
    join(root, 'repo', 'nested', 'trustspec.config.yaml'),
    'the nearest',
  );
  t.equal(
    findConfig(join(root, 'plain', 'e')),
    join(root, 'trustspec.config.yaml'),
    'no .git: on up',
  );
  const noConfig = t.testdir({ '.git': {}, x: {} });
  t.equal(findConfig(join(noConfig, 'x')), undefined, 'the repository root ends the walk');
  t.same(loadConfig(join(noConfig, 'x'), REPORTER_NAMES), { config: { ignore: [] }, errors: [] });
});

t.test('a config is read with its places', async (t) => {
  const dir = t.testdir({
    '.git': {},
    'trustspec.config.yaml': [
      '$schema: ./schema/config.schema.json',
      'reporter: junit',
      'strict: false',
      'paths: [policies, "infra/**/*.trustspec.yaml"]',
      'ignore:',
      '  - like-without-wildcard',
      '  - { code: policy-condition-key-absent, reason: generated, sid: Deploy }',
    ].join('\n'),
  });
  const { config, errors } = loadConfig(join(dir), REPORTER_NAMES);
  t.same(errors, []);
  t.match(config, {
    reporter: 'junit',
    strict: false,
    paths: [join(dir, 'policies'), join(dir, 'infra/**/*.trustspec.yaml')],
  });
  t.same(
    config.ignore.map((r) => [r.code, r.reason, r.sid, r.line, r.column, r.source]),
    [
      ['like-without-wildcard', undefined, undefined, 6, 5, 'config'],
      ['policy-condition-key-absent', 'generated', 'Deploy', 7, 5, 'config'],
    ],
  );
});

/** Documents the reader and the JSON Schema must both accept (true) or both refuse (false). */
const TABLE: [string, boolean][] = [
  ['', true],
  ['strict: true', true],
  ['reporter: github', true],
  ['reporter: sarif', false],
  ['strict: "true"', false],
  ['paths: [a, b]', true],
  ['paths: a', false],
  ['paths: [""]', false],
  ['paths: [1]', false],
  ['ignore: [like-without-wildcard]', true],
  ['ignore: [{code: x-y, reason: r, sid: S}]', true],
  ['ignore: [{code: x, because: r}]', false],
  ['ignore: [{reason: r}]', false],
  ['ignore: ["Not A Code"]', false],
  ['ignore: [{code: x, sid: 1}]', false],
  ['ignore: x', false],
  ['strickt: true', false],
  ['$schema: ./x.json', true],
  ['coverageThreshold: 80', true],
  ['coverageThreshold: 0', true],
  ['coverageThreshold: 100', true],
  ['coverageThreshold: 87.5', true],
  ['coverageThreshold: "values=80,statements=100"', true],
  ['coverageThreshold: "regions = 50%"', true],
  ['coverageThreshold: 101', false],
  ['coverageThreshold: -1', false],
  ['coverageThreshold: "branches=80"', false],
  ['coverageThreshold: "values=80,"', false],
  ['coverageThreshold: [80]', false],
  ['coverageThreshold: true', false],
  ['coverageTreshold: 80', false],
];

t.test('the reader and the JSON Schema agree', async (t) => {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true });
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  const validate = ajv.compile(configSchema(REPORTER_NAMES));
  for (const [text, ok] of TABLE) {
    const dir = t.testdir({ '.git': {}, 'trustspec.config.yaml': text });
    const { errors } = loadConfig(dir, REPORTER_NAMES);
    t.equal(errors.length === 0, ok, `reader: ${JSON.stringify(text)}`);
    t.equal(validate(parse(text) ?? {}), ok, `schema: ${JSON.stringify(text)}`);
    for (const e of errors) t.ok(e.line >= 1 && e.column >= 1, `${text}: placed`);
  }
});

t.test('schema/config.schema.json is current (npm run generate)', async (t) => {
  t.equal(
    readFileSync(join(REPO, 'schema', 'config.schema.json'), 'utf8'),
    configSchemaJson(REPORTER_NAMES),
  );
});

const warning = (code: string, file: string, sid?: string): FileError => ({
  file,
  line: 3,
  column: 5,
  code,
  message: code,
  severity: 'warning',
  ...(sid !== undefined ? { sid } : {}),
});

const rule = (
  code: string,
  source: IgnoreRule['source'],
  extra: Partial<IgnoreRule> = {},
): IgnoreRule => ({
  code,
  file: source === 'config' ? 'trustspec.config.yaml' : 'a.trustspec.yaml',
  line: 9,
  column: 5,
  source,
  ...extra,
});

t.test('applyIgnores: codes with or without policy-, Sids, scopes, unused entries', async (t) => {
  t.ok(sameCode('policy-like-without-wildcard', 'like-without-wildcard'));
  t.ok(sameCode('Like-Without-Wildcard', 'policy-like-without-wildcard'));
  t.notOk(sameCode('like-without-wildcard', 'wildcard-without-like'));

  const warnings = [
    warning('policy-like-without-wildcard', 'p.json', 'Deploy'),
    warning('policy-condition-key-absent', 'p.json', 'Other'),
    warning('policy-condition-key-absent', 'q.json', 'Deploy'),
  ];
  const scope = new Set(['a.trustspec.yaml', 'p.json']);
  const split = applyIgnores(warnings, [
    { rule: rule('condition-key-absent', 'scenario-file', { sid: 'Deploy' }), files: scope },
    { rule: rule('like-without-wildcard', 'config') },
    { rule: rule('like-without-wildcard', 'scenario-file', { reason: 'mine' }), files: scope },
    { rule: rule('no-such-code', 'config') },
  ]);
  t.same(
    split.warnings.map((w) => [w.code, w.file]),
    [
      ['policy-condition-key-absent', 'p.json'],
      ['policy-condition-key-absent', 'q.json'],
    ],
    "a Sid that differs, and a policy outside the file's scope, stay",
  );
  t.same(
    split.suppressed.map((s) => [s.code, s.ignoredBy.source, s.ignoredBy.reason]),
    [['policy-like-without-wildcard', 'scenario-file', 'mine']],
    "the scenario file's entry before the config's",
  );
  t.same(
    split.unused.map((u) => [u.code, u.file, u.line]),
    [['unused-ignore', 'a.trustspec.yaml', 9]],
    'an unused entry of a scenario file is a warning; an unused entry of the config is not',
  );
});
