/**
 * Schema validation of a scenario file, with ajv's errors turned into problems in the user's
 * terms: one problem per mistake, at the path of the value (or of the unknown key). The validators
 * are Ajv's code generated ahead of time from SCHEMA (scripts/generate-validators.mjs), so no
 * schema is compiled when trustspec starts.
 */
import type { ErrorObject } from 'ajv';
import { editDistance } from '../providers/index.js';
import { globalEntries, SOURCE_IDENTITY_CLAIM, TAGS_CLAIM } from '../sts/context.js';
import { SCHEMA, type SchemaNode } from './schema.js';
import type { Path } from './nodes.js';
import * as generated from './validators.generated.js';

export interface SchemaProblem {
  path: Path;
  /** Set for an unknown field: the problem sits at this key of the mapping at `path`. */
  key?: string;
  code: string;
  message: string;
  hint?: string;
}

/** Where Ajv's generated code places a value it validates (its second, optional argument). */
interface ValidationContext {
  instancePath: string;
  parentData: unknown;
  parentDataProperty: string | number;
  rootData: unknown;
}

/** A validator as Ajv generates it: true or false, with the errors of the last call. */
interface Validator {
  (value: unknown, context?: ValidationContext): boolean;
  errors?: ErrorObject[] | null;
}

const validators = generated as unknown as { file: Validator; scenario: Validator };

function push(into: ErrorObject[], errors: ErrorObject[] | null | undefined): void {
  for (const e of errors ?? []) into.push(e);
}

/**
 * Problems of a whole file's value (`[]` when it is valid). The scenarios are validated one by
 * one, each at its place in the file: Ajv's code for the whole file copies the error list once
 * per failing scenario (`concat`), which made a file of thousands of bad scenarios quadratic.
 */
export function validateFile(value: unknown): SchemaProblem[] {
  const list =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)['scenarios']
      : undefined;
  if (!Array.isArray(list)) {
    const v = validators.file;
    return v(value) ? [] : explain(v.errors ?? [], value);
  }
  const errors: ErrorObject[] = [];
  if (!validators.file({ ...(value as Record<string, unknown>), scenarios: [] }))
    push(errors, validators.file.errors);
  list.forEach((item, i) => {
    const context = {
      instancePath: `/scenarios/${i}`,
      parentData: list,
      parentDataProperty: i,
      rootData: value,
    };
    if (!validators.scenario(item, context)) push(errors, validators.scenario.errors);
  });
  return errors.length === 0 ? [] : explain(errors, value);
}

/** Problems of one scenario (a matrix copy after substitution), with paths inside the scenario. */
export function validateScenario(value: unknown): SchemaProblem[] {
  const v = validators.scenario;
  return v(value) ? [] : explain(v.errors ?? [], value);
}

function decodePointer(pointer: string): Path {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

function isCombinator(e: ErrorObject): boolean {
  return e.keyword === 'anyOf' || e.keyword === 'oneOf';
}

/**
 * The errors at `instancePath` or below it, for every instance path that has errors: one list per
 * ancestor of each error (so a combinator finds its inner errors without scanning all of them).
 */
function errorsBelow(errors: readonly ErrorObject[]): Map<string, ErrorObject[]> {
  const below = new Map<string, ErrorObject[]>();
  const add = (path: string, e: ErrorObject): void => {
    const list = below.get(path);
    if (list) list.push(e);
    else below.set(path, [e]);
  };
  for (const e of errors) {
    const path = e.instancePath;
    add('', e);
    for (let i = path.indexOf('/', 1); i !== -1; i = path.indexOf('/', i + 1))
      add(path.slice(0, i), e);
    if (path !== '') add(path, e);
  }
  return below;
}

/**
 * Keeps the errors that say what is wrong, dropping the noise of failed alternatives. Linear in
 * the errors for a file of many scenarios: a combinator looks only at the errors at or below its
 * own instance path.
 */
export function selectErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const consumed = new Set<ErrorObject>();
  const out: ErrorObject[] = [];
  const combos = errors
    .filter(isCombinator)
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  const below = combos.length > 0 ? errorsBelow(errors) : undefined;
  for (const c of combos) {
    if (consumed.has(c)) continue;
    consumed.add(c);
    const prefix = `${c.schemaPath}/`;
    const inner = (below?.get(c.instancePath) ?? []).filter(
      (e) => e !== c && e.schemaPath.startsWith(prefix),
    );
    for (const e of inner) consumed.add(e);
    out.push(...resolveCombinator(c, inner));
  }
  for (const e of errors) if (!consumed.has(e)) out.push(e);
  return out;
}

/**
 * An `anyOf` failed. When exactly one alternative has the right shape at this level (its errors
 * all lie deeper), its errors are the real ones; otherwise the combinator's own message is.
 */
function resolveCombinator(c: ErrorObject, inner: ErrorObject[]): ErrorObject[] {
  const branches = new Map<string, ErrorObject[]>();
  for (const e of inner) {
    const branch = e.schemaPath.slice(c.schemaPath.length + 1).split('/')[0] ?? '';
    const list = branches.get(branch) ?? [];
    list.push(e);
    branches.set(branch, list);
  }
  const deeper = [...branches.values()].filter((errs) =>
    errs.every((e) => e.instancePath.length > c.instancePath.length),
  );
  if (deeper.length === 1) return selectErrors(deeper[0] as ErrorObject[]);
  return [c];
}

function fieldOf(path: Path): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const step = path[i];
    if (typeof step === 'string') {
      const rest = path.slice(i + 1);
      return rest.length === 0 ? step : `${step}${rest.map((n) => `[${n}]`).join('')}`;
    }
  }
  return 'the file';
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
      return Number.isInteger(value) ? `the number ${value}` : `the number ${value}`;
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'empty',
};

function typeWords(type: unknown): string {
  const list = Array.isArray(type) ? type : [type];
  const words = list.map((t) => TYPE_WORDS[String(t)] ?? String(t));
  if (words.length <= 1) return words[0] ?? 'something else';
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function oneOfList(values: readonly unknown[]): string {
  const words = values.map((v) => String(v));
  if (words.length <= 2) return words.join(' or ');
  return `${words.slice(0, -1).join(', ')}, or ${words[words.length - 1]}`;
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  return best !== undefined && bestD <= limit ? best : undefined;
}

/** Scenario fields written at the top level (a missing `scenarios:` or wrong indentation). */
const SCENARIO_FIELDS = [
  'name',
  'token',
  'request',
  'context',
  'expect',
  'github',
  'eks',
  'matrix',
];

function codeFor(path: Path, fallback: string): string {
  if (path.includes('expect')) return 'bad-expect';
  if (path.includes('matrix')) return 'bad-matrix';
  return fallback;
}

/** What a handler of one ajv keyword reads. */
interface ErrorContext {
  e: ErrorObject;
  root: unknown;
  path: Path;
  parent: SchemaNode;
  /** The schema's own message for this node (`errorMessage`), when it has one. */
  custom: string | undefined;
  /** The mapping's title, e.g. "a scenario". */
  title: string;
  /** The field's name, for messages. */
  field: string;
  params: Record<string, unknown>;
}

function unknownField(c: ErrorContext): SchemaProblem {
  const name = String(c.params['additionalProperty']);
  const known = Object.keys((c.parent['properties'] as Record<string, unknown> | undefined) ?? {});
  const guess = closest(name, known);
  const topLevelScenarioField = c.path.length === 0 && SCENARIO_FIELDS.includes(name);
  return {
    path: c.path,
    key: name,
    code: codeFor(c.path, 'unknown-field'),
    message: `unknown field "${name}" in ${c.title}${guess ? ` — did you mean "${guess}"?` : ''}`,
    hint: topLevelScenarioField
      ? `"${name}" belongs to a scenario: write it under "scenarios:" as part of a "- name: …" entry`
      : `the fields of ${c.title} are ${known.join(', ')}`,
  };
}

function missingField(c: ErrorContext): SchemaProblem {
  const name = String(c.params['missingProperty']);
  const props = (c.parent['properties'] as Record<string, SchemaNode> | undefined) ?? {};
  const about = descriptionOf(props[name]);
  return {
    path: c.path,
    code: codeFor(c.path, 'missing-field'),
    message: `missing required field "${name}" in ${c.title}`,
    ...(about ? { hint: `${name}: ${about}` } : {}),
  };
}

function notInEnum(c: ErrorContext): SchemaProblem {
  const allowed = (c.params['allowedValues'] as unknown[] | undefined) ?? [];
  const actual = valueAt(c.root, c.path);
  const guess =
    typeof actual === 'string'
      ? closest(
          actual,
          allowed.map((a) => String(a)),
        )
      : undefined;
  return {
    path: c.path,
    code: codeFor(c.path, 'bad-value'),
    message: c.custom ?? `"${c.field}" must be ${oneOfList(allowed)}, not ${describeValue(actual)}`,
    ...(guess ? { hint: `did you mean "${guess}"?` } : {}),
  };
}

function notConst(c: ErrorContext): SchemaProblem {
  const version = c.path.length === 1 && c.path[0] === 'version';
  return {
    path: c.path,
    code: version ? 'unsupported-version' : codeFor(c.path, 'bad-value'),
    message: `"${c.field}" must be ${JSON.stringify(c.params['allowedValue'])}, not ${describeValue(valueAt(c.root, c.path))}`,
    ...(c.path[0] === 'version' ? { hint: 'this trustspec reads version 1 scenario files' } : {}),
  };
}

function outOfRange(c: ErrorContext): SchemaProblem {
  const min = c.parent['minimum'];
  const max = c.parent['maximum'];
  const range =
    typeof min === 'number' && typeof max === 'number'
      ? `between ${min} and ${max}`
      : c.e.keyword === 'minimum'
        ? `at least ${String(c.params['limit'])}`
        : `at most ${String(c.params['limit'])}`;
  return {
    path: c.path,
    code: codeFor(c.path, 'out-of-range'),
    message: `"${c.field}" must be ${range}, not ${describeValue(valueAt(c.root, c.path))}`,
  };
}

function empty(c: ErrorContext): SchemaProblem {
  const { path } = c;
  if (path.length >= 2 && path[path.length - 2] === 'matrix') {
    return { path, code: 'bad-matrix', message: `the matrix variable "${c.field}" has no values` };
  }
  return {
    path,
    code: codeFor(path, 'empty-value'),
    message: c.custom ?? `"${c.field}" must not be empty`,
  };
}

/** One handler per ajv keyword; any other keyword gets ajv's own words. */
const HANDLERS: Readonly<Record<string, (c: ErrorContext) => SchemaProblem>> = {
  additionalProperties: unknownField,
  required: missingField,
  type: (c) => ({
    path: c.path,
    code: codeFor(c.path, 'wrong-type'),
    message:
      c.custom ??
      `"${c.field}" must be ${typeWords(c.params['type'])}, not ${describeValue(valueAt(c.root, c.path))}`,
  }),
  enum: notInEnum,
  const: notConst,
  minimum: outOfRange,
  maximum: outOfRange,
  minLength: empty,
  minItems: empty,
  minProperties: empty,
  pattern: (c) => ({
    path: c.path,
    code: codeFor(c.path, 'bad-value'),
    message: c.custom ?? `"${c.field}" must match ${String(c.params['pattern'])}`,
  }),
  propertyNames: (c) => ({
    path: c.path,
    key: String(c.params['propertyName']),
    code: codeFor(c.path, 'bad-value'),
    message: `"${String(c.params['propertyName'])}" is not a valid name in "${c.field}": use letters, digits, "_" and "-"`,
  }),
  anyOf: (c) => notValidHere(c),
  oneOf: (c) => notValidHere(c),
};

function notValidHere(c: ErrorContext): SchemaProblem {
  return {
    path: c.path,
    code: codeFor(c.path, 'bad-value'),
    message:
      c.custom ?? `"${c.field}" is not valid here: ${describeValue(valueAt(c.root, c.path))}`,
  };
}

function problemOf(e: ErrorObject, root: unknown): SchemaProblem {
  const path = decodePointer(e.instancePath);
  const parent = (e.parentSchema ?? {}) as SchemaNode;
  const c: ErrorContext = {
    e,
    root,
    path,
    parent,
    custom: typeof parent['errorMessage'] === 'string' ? parent['errorMessage'] : undefined,
    title: typeof parent['title'] === 'string' ? parent['title'] : 'this mapping',
    field: fieldOf(path),
    params: e.params as Record<string, unknown>,
  };
  const handler = Object.hasOwn(HANDLERS, e.keyword) ? HANDLERS[e.keyword] : undefined;
  if (handler) return handler(c);
  return {
    path,
    code: codeFor(path, 'bad-value'),
    message: `"${c.field}" ${e.message ?? 'is not valid'}`,
  };
}

/** A schema node's description, following a `$ref` into the definitions. */
function descriptionOf(node: SchemaNode | undefined): string | undefined {
  if (!node) return undefined;
  if (typeof node['description'] === 'string') return node['description'];
  const ref = node['$ref'];
  if (typeof ref === 'string') {
    const defs = SCHEMA['definitions'] as Record<string, SchemaNode>;
    return descriptionOf(defs[ref.split('/').pop() ?? '']);
  }
  return undefined;
}

function valueAt(root: unknown, path: Path): unknown {
  let cur = root;
  for (const step of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[step];
  }
  return cur;
}

function explain(errors: ErrorObject[], root: unknown): SchemaProblem[] {
  // A propertyNames failure also reports the failing pattern for the name: keep one.
  const kept = selectErrors(errors).filter(
    (e) => !(e.keyword === 'pattern' && e.propertyName !== undefined),
  );
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const e of kept) {
    const p = problemOf(e, root);
    // Without a better hint, say what the field is for (the text editors show for it).
    if (p.hint === undefined && p.key === undefined) {
      const about = descriptionOf((e.parentSchema ?? undefined) as SchemaNode | undefined);
      if (about) p.hint = about;
    }
    const id = `${JSON.stringify(p.path)}|${p.key ?? ''}|${p.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(p);
  }
  return out;
}

/** Who determines a request-context key, and what to write instead of setting it in `context`. */
export interface KeyOwner {
  by: string;
  hint: string;
}

let globalKeys: ReadonlyMap<string, KeyOwner> | undefined;

/** The keys of the clock and of the call itself, as the simulator derives them. */
function globalKeyOwners(): ReadonlyMap<string, KeyOwner> {
  globalKeys ??= new Map(
    globalEntries(0).map((e) => [
      e.key.toLowerCase(),
      e.source === 'now'
        ? {
            by: 'the clock',
            hint: 'set the clock with now: (in the scenario or the file) or --now',
          }
        : { by: `the call itself (${e.source})`, hint: 'remove it: every call has this value' },
    ]),
  );
  return globalKeys;
}

const TOKEN_TAGS: KeyOwner = {
  by: `the token's session tags (its "${TAGS_CLAIM}" claim)`,
  hint: `write the tags in the token's "${TAGS_CLAIM}" claim`,
};

/**
 * Who determines `key` when it is not the scenario's `context`: the token (a provider's claim
 * keys, session tags, source identity), the request (RoleSessionName), the clock, the call, the
 * role's tags. Undefined for a key only the context can give (aws:SourceIp, …). A context that
 * set one of these would contradict what it is derived from (a token of another repository would
 * pass a sub condition), so such a key is refused.
 */
export function contextKeyOwner(key: string): KeyOwner | undefined {
  const lower = key.toLowerCase();
  const global = globalKeyOwners().get(lower);
  if (global) return global;
  if (lower === 'sts:rolesessionname')
    return { by: 'the request', hint: 'write request: {roleSessionName: …}' };
  if (lower === 'sts:sourceidentity')
    return {
      by: `the token's "${SOURCE_IDENTITY_CLAIM}" claim`,
      hint: `write the claim under token:`,
    };
  if (lower === 'aws:tagkeys' || lower === 'sts:transitivetagkeys') return TOKEN_TAGS;
  if (lower.startsWith('aws:requesttag/')) return TOKEN_TAGS;
  if (lower.startsWith('aws:resourcetag/') || lower.startsWith('iam:resourcetag/'))
    return { by: "the role's tags", hint: 'write them under role: {tags: {KEY: value}}' };
  const colon = lower.indexOf(':');
  if (colon > 0 && /[./]/.test(lower.slice(0, colon))) {
    return {
      by: `the token (a claim key of the identity provider ${key.slice(0, colon)})`,
      hint: 'write the claim under token: (or use a shorthand such as github:), so the key is derived from it as STS does',
    };
  }
  return undefined;
}

/** Keys that repeat an earlier key but for letter case, each with the key it repeats. */
export function caseRepeats(keys: readonly string[]): Array<{ key: string; first: string }> {
  const seen = new Map<string, string>();
  const out: Array<{ key: string; first: string }> = [];
  for (const key of keys) {
    const first = seen.get(key.toLowerCase());
    if (first === undefined) seen.set(key.toLowerCase(), key);
    else out.push({ key, first });
  }
  return out;
}
