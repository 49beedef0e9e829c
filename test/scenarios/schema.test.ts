/** The JSON Schema: one definition in lib/scenarios/schema.ts, written out to schema/. */
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { Ajv, type ErrorObject } from 'ajv';
import fc from 'fast-check';
import { format, resolveConfig } from 'prettier';
import { parse } from 'yaml';
import { formatJson, SCHEMA, schemaJson, type SchemaNode } from '../../lib/scenarios/schema.js';
import * as generated from '../../lib/scenarios/validators.generated.js';
import {
  AJV_OPTIONS,
  VALIDATORS_PATH,
  validatorsSource,
} from '../../scripts/generate-validators.mjs';
import { FIXTURES } from './helpers.js';

const SCHEMA_FILE = fileURLToPath(new URL('../../schema/scenario.schema.json', import.meta.url));

t.test('the committed schema file equals schemaJson(), byte for byte', (t) => {
  t.equal(
    readFileSync(SCHEMA_FILE, 'utf8'),
    schemaJson(),
    'regenerate schema/scenario.schema.json from schemaJson()',
  );
  t.end();
});

t.test('schemaJson() is already formatted as Prettier would', async (t) => {
  const config = (await resolveConfig(SCHEMA_FILE)) ?? {};
  t.equal(await format(schemaJson(), { ...config, parser: 'json' }), schemaJson());
  const sample = {
    short: ['a', 'b', 1, true, null],
    long: Array.from({ length: 12 }, (_, i) => `value-number-${i}`),
    nested: { empty: {}, list: [], objects: [{ a: 1 }, { b: [1, 2] }] },
  };
  t.equal(await format(formatJson(sample), { ...config, parser: 'json' }), formatJson(sample));
  t.end();
});

/** Every schema node under `node`, with its path. */
function* nodes(node: unknown, path: string): Generator<[string, SchemaNode]> {
  if (Array.isArray(node)) {
    for (const [i, n] of node.entries()) yield* nodes(n, `${path}/${i}`);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  yield [path, node as SchemaNode];
  for (const [k, v] of Object.entries(node)) {
    if (k === 'enum' || k === 'required' || k === 'default' || k === 'const') continue;
    yield* nodes(v, `${path}/${k}`);
  }
}

t.test('every field has a description', (t) => {
  let checked = 0;
  for (const [path, node] of nodes(SCHEMA, '#')) {
    const props = node['properties'] as Record<string, SchemaNode> | undefined;
    // A node reached through `properties` is a map of fields: its `properties` entry is the
    // scenario file's own `properties:` field, not a schema keyword.
    if (!props || path.endsWith('/properties')) continue;
    for (const [name, prop] of Object.entries(props)) {
      checked++;
      const described =
        typeof prop['description'] === 'string' ||
        (typeof prop['$ref'] === 'string' &&
          typeof (SCHEMA['definitions'] as Record<string, SchemaNode>)[
            String(prop['$ref']).split('/').pop() as string
          ]?.['description'] === 'string');
      t.ok(described, `${path}/properties/${name}`);
    }
  }
  // Without a guard the test would pass on a walk that visits nothing.
  t.ok(checked >= 80, `${checked} fields checked (at least 80)`);
  t.end();
});

t.test('objects refuse unknown fields, except the open ones', (t) => {
  const open = [
    '#/definitions/token',
    '#/definitions/context',
    '#/definitions/role/properties/tags',
    // Keyed by the template's parameter names, logical ids and export names.
    '#/definitions/role/properties/parameters',
    '#/definitions/role/properties/resources',
    '#/definitions/role/properties/imports',
    // Keyed by the names of a workflow's secrets, variables and inputs.
    '#/definitions/github/properties/secrets',
    '#/definitions/github/properties/vars',
    '#/definitions/github/properties/inputs',
    // A property's predicate: keys are claim names and condition keys; shorthands hold patterns.
    ...['only', 'never', 'always'].flatMap((k) => [
      `#/definitions/property/properties/${k}`,
      `#/definitions/property/properties/${k}/additionalProperties/anyOf/2`,
    ]),
    '#/definitions/token/properties/https://aws.amazon.com/tags',
    '#/definitions/matrix/anyOf/0',
    '#/definitions/matrix/anyOf/1/items',
  ];
  let checked = 0;
  for (const [path, node] of nodes(SCHEMA, '#')) {
    const types = Array.isArray(node['type']) ? node['type'] : [node['type']];
    if (!types.includes('object') || types.includes('string')) continue;
    if (open.includes(path)) continue;
    checked++;
    t.equal(node['additionalProperties'], false, path);
  }
  t.equal(checked, 15, `${checked} closed objects`);
  t.end();
});

t.test('enums for expect, stage and providerId', (t) => {
  const defs = SCHEMA['definitions'] as Record<string, SchemaNode>;
  const expectText = JSON.stringify(defs['expect']);
  t.match(expectText, '"enum":["allow","deny"]');
  t.match(expectText, '"enum":["request","token","trust-policy"]');
  t.same((defs['request']?.['properties'] as Record<string, SchemaNode>)['providerId']?.['enum'], [
    'graph.facebook.com',
    'www.amazon.com',
    null,
  ]);
  t.end();
});

t.test('the schema file validates the good fixtures as an editor would', (t) => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
  const dirs = [`${FIXTURES}good/`, `${FIXTURES}good/nested/`];
  for (const dir of dirs) {
    for (const name of readdirSync(dir).filter((n) => /\.trustspec\.ya?ml$/.test(n))) {
      const ok = validate(parse(readFileSync(dir + name, 'utf8')));
      t.ok(ok, `${name}: ${JSON.stringify(validate.errors)}`);
    }
  }
  t.notOk(validate({ scenarios: [{ name: 'a', tokn: {} }] }), 'and refuses an unknown field');
  t.end();
});

t.test('the committed validators are generated from SCHEMA, byte for byte', (t) => {
  const committed = readFileSync(new URL(`../../${VALIDATORS_PATH}`, import.meta.url), 'utf8');
  t.ok(
    committed === validatorsSource(SCHEMA),
    `${VALIDATORS_PATH} is what its generator writes (out of date? run \`npm run generate\`)`,
  );
  t.end();
});

interface Validator {
  (value: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** The validators as the loader compiled them at start-up before they were generated. */
function compiledNow(): { file: Validator; scenario: Validator } {
  const ajv = new Ajv(AJV_OPTIONS);
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  return {
    file: ajv.compile(SCHEMA),
    scenario: ajv.compile({
      definitions: SCHEMA['definitions'],
      allOf: [{ $ref: '#/definitions/scenario' }],
    }),
  };
}

/** Every scenario file of the fixtures and the examples, parsed. */
function goodDocuments(): unknown[] {
  const roots = [FIXTURES, fileURLToPath(new URL('../../spec-examples/', import.meta.url))];
  const docs: unknown[] = [];
  for (const root of roots) {
    for (const name of readdirSync(root, { recursive: true, encoding: 'utf8' }).sort()) {
      if (/\.trustspec\.ya?ml$/.test(name)) docs.push(parse(readFileSync(root + name, 'utf8')));
    }
  }
  return docs;
}

type Step = string | number;

/** The path of every value in `value`, the root included. */
function paths(value: unknown, at: Step[] = []): Step[][] {
  const out: Step[][] = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...at, i])));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}

/** A copy of `doc` with the value at `path` replaced (`undefined`: removed). */
function mutate(doc: unknown, path: Step[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(doc) as Record<Step, unknown>;
  let parent = copy;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<Step, unknown>;
  const last = path[path.length - 1] as Step;
  if (value === undefined && !Array.isArray(parent)) delete parent[last];
  else parent[last] = value;
  return copy;
}

const someValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: 50000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom('', 'allow', 'deny', 'token', 'https://x', '${{ matrix.a }}', 'x\ud83d\ude00'),
  fc.string({ maxLength: 6 }),
  fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), { maxLength: 2 }),
  fc.dictionary(
    fc.constantFrom('name', 'sub', 'expect', 'tokn', 'bad name', 'a'),
    fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.constant({})),
    { maxKeys: 2 },
  ),
);

t.test('the generated validators report exactly what a compiled schema reports', (t) => {
  const fresh = compiledNow();
  const gen = generated as unknown as { file: Validator; scenario: Validator };
  const same = (name: 'file' | 'scenario', value: unknown): boolean => {
    const a = gen[name](value);
    const b = fresh[name](value);
    return a === b && isDeepStrictEqual(gen[name].errors ?? null, fresh[name].errors ?? null);
  };
  const docs = goodDocuments();
  t.ok(docs.length >= 40, `${docs.length} scenario files`);
  for (const doc of docs) t.ok(gen.file(doc) && same('file', doc), 'a good file is valid');
  const cases = docs.flatMap((doc) => paths(doc).map((path) => ({ doc, path })));
  fc.assert(
    fc.property(fc.constantFrom(...cases), someValue, ({ doc, path }, value) => {
      const bad = mutate(doc, path, value);
      const scenarios = (bad as { scenarios?: unknown } | null)?.scenarios;
      return (
        same('file', bad) &&
        (!Array.isArray(scenarios) || scenarios.every((s) => same('scenario', s)))
      );
    }),
    { numRuns: 1500, seed: 20261130 },
  );
  t.pass('1500 mutated files: the same verdict and the same errors');
  t.end();
});
