/** The JSON Schema: one definition in lib/scenarios/schema.ts, written out to schema/. */
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { format, resolveConfig } from 'prettier';
import { parse } from 'yaml';
import { formatJson, SCHEMA, schemaJson, type SchemaNode } from '../../lib/scenarios/schema.js';
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
    if (!props) continue;
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
  t.equal(checked, 13, `${checked} closed objects`);
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
