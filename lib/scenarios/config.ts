/**
 * `trustspec.config.yaml`: a repository's defaults for `trustspec test` — reporter, strict,
 * ignore, paths, coverageThreshold. The nearest one is used, looking in the working directory and then each folder
 * above it, up to and including the repository root (the folder that holds `.git`) or else the
 * filesystem root. Command-line options win over it. Every problem (bad YAML, an unknown key, a
 * value of the wrong kind) is an error with its file, line and column: exit code 2.
 */
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Node, Pair } from 'yaml';
import { yaml } from '../packages.js';
import { editDistance } from '../providers/index.js';
import { parseThresholds, type Threshold } from './coverage-threshold.js';
import { displayPath } from './discover.js';
import { codeFrame } from './frame.js';
import { placeAt, type Place } from './nodes.js';
import { readText } from './policy.js';
import { IGNORE, formatJson, type SchemaNode } from './schema.js';
import { ignoreRules } from './suppress.js';
import type { FileError, IgnoreRule } from './types.js';

/** The names looked for, in this order, in each folder. */
export const CONFIG_FILES = ['trustspec.config.yaml', 'trustspec.config.yml'] as const;

export interface Config {
  /** Absolute path of the file (undefined: none was found). */
  path?: string;
  reporter?: string;
  strict?: boolean;
  ignore: IgnoreRule[];
  /** Absolute paths (written relative to the config file's folder). */
  paths?: string[];
  /** Coverage minimums: `test` measures coverage and fails below them (as --coverage-threshold). */
  coverageThreshold?: Threshold[];
}

export interface ConfigLoad {
  config: Config;
  errors: FileError[];
}

const KEYS = ['$schema', 'reporter', 'strict', 'ignore', 'paths', 'coverageThreshold'] as const;

/** The JSON Schema of the file (`schema/config.schema.json`), for the reporter names given. */
export function configSchema(reporters: readonly string[]): SchemaNode {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'trustspec.config.yaml',
    description:
      "A repository's defaults for `trustspec test`, found by looking from the working directory up to the repository root (the folder holding .git). Command-line options win over it.",
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string', description: 'The schema editors use for this file.' },
      reporter: {
        type: 'string',
        enum: [...reporters],
        description: 'The reporter when --reporter is not given.',
      },
      strict: {
        type: 'boolean',
        description: 'Warnings fail the run (exit code 1), as with --strict.',
      },
      ignore: {
        ...IGNORE,
        description:
          'Findings accepted in every file of the run: each a finding code, or {code, reason, sid}.',
      },
      paths: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        description:
          'Files, folders or globs to test when none are given on the command line, relative to this file.',
      },
      coverageThreshold: {
        type: ['number', 'string'],
        minimum: 0,
        maximum: 100,
        pattern:
          '^\\s*(?:(?:statements|clauses|values|regions)\\s*=\\s*)?\\d+(?:\\.\\d+)?\\s*%?\\s*(?:,\\s*(?:(?:statements|clauses|values|regions)\\s*=\\s*)?\\d+(?:\\.\\d+)?\\s*%?\\s*)*$',
        description:
          '`trustspec test` measures coverage and fails below this, as --coverage-threshold (which wins over it): a percentage of condition values (80), or METRIC=PERCENT pairs ("values=80,statements=100"; metrics statements, clauses, values, regions).',
      },
    },
  };
}

/** The text of `schema/config.schema.json`. */
export function configSchemaJson(reporters: readonly string[]): string {
  return formatJson(configSchema(reporters));
}

/** The nearest config file from `cwd` up to the repository or filesystem root. */
export function findConfig(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    for (const name of CONFIG_FILES) {
      const path = join(dir, name);
      if (exists(path)) return path;
    }
    if (exists(join(dir, '.git'))) return undefined;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

class ConfigReader {
  readonly errors: FileError[] = [];
  readonly config: Config;
  private readonly lc = new (yaml().LineCounter)();
  private text = '';

  constructor(
    private readonly path: string,
    private readonly file: string,
    private readonly reporters: readonly string[],
  ) {
    this.config = { path, ignore: [] };
  }

  private place(node: unknown): Place {
    const range = (node as { range?: readonly number[] } | null | undefined)?.range;
    return range ? placeAt(range[0] as number, this.lc) : { line: 1, column: 1 };
  }

  private error(code: string, message: string, at: Place, hint?: string): void {
    this.errors.push({
      file: this.file,
      line: at.line,
      column: at.column,
      code,
      message,
      severity: 'error',
      ...(hint !== undefined ? { hint } : {}),
      ...(this.text !== '' ? { frame: codeFrame(this.text, at.line, at.column) } : {}),
    });
  }

  read(): void {
    let isFile = false;
    try {
      isFile = statSync(this.path).isFile();
    } catch {
      // Reported below as unreadable.
    }
    const read = isFile ? readText(this.path) : undefined;
    if (!read?.ok) {
      this.error(
        'config-unreadable',
        `the config file ${read ? read.message : 'is not a regular file'}`,
        { line: 1, column: 1 },
        read?.hint ?? 'make it a UTF-8 YAML file, or remove it',
      );
      return;
    }
    this.text = read.text;
    const doc = yaml().parseDocument(this.text, { lineCounter: this.lc, uniqueKeys: true });
    for (const e of doc.errors) {
      this.error(
        'yaml-syntax',
        `YAML syntax error: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?\s*$/, '')}`,
        placeAt(e.pos[0], this.lc),
        'check the indentation, the colons and the quotes here or just before',
      );
    }
    if (doc.errors.length > 0 || doc.contents === null) return;
    if (!yaml().isMap(doc.contents)) {
      this.error(
        'not-a-mapping',
        'the config file must be a mapping of reporter, strict, ignore, paths and coverageThreshold',
        this.place(doc.contents),
        'e.g. strict: true',
      );
      return;
    }
    for (const pair of doc.contents.items) this.member(pair as Pair<Node, Node | null>);
  }

  private member(pair: Pair<Node, Node | null>): void {
    const key = yaml().isScalar(pair.key) ? String(pair.key.value) : '';
    const at = this.place(pair.key);
    if (!(KEYS as readonly string[]).includes(key)) {
      const near = KEYS.find((k) => editDistance(k, key) <= 2);
      this.error(
        'unknown-field',
        `unknown key "${key}" in the config file`,
        at,
        near !== undefined
          ? `did you mean "${near}"? The keys are ${KEYS.slice(1).join(', ')}`
          : `the keys are ${KEYS.slice(1).join(', ')}`,
      );
      return;
    }
    const v = pair.value;
    const vat = v ? this.place(v) : at;
    const scalar = yaml().isScalar(v) ? v.value : undefined;
    if (key === '$schema') {
      if (typeof scalar !== 'string') this.error('bad-value', '"$schema" must be a string', vat);
    } else if (key === 'reporter') {
      if (typeof scalar === 'string' && this.reporters.includes(scalar)) {
        this.config.reporter = scalar;
      } else {
        this.error(
          'bad-value',
          `"reporter" must be one of ${this.reporters.join(', ')}`,
          vat,
          'e.g. reporter: junit',
        );
      }
    } else if (key === 'strict') {
      if (typeof scalar === 'boolean') this.config.strict = scalar;
      else this.error('bad-value', '"strict" must be true or false', vat);
    } else if (key === 'ignore') this.ignore(v);
    else if (key === 'coverageThreshold') this.threshold(scalar, vat);
    else this.paths(v, vat);
  }

  private threshold(scalar: unknown, at: Place): void {
    const parsed =
      typeof scalar === 'number' || typeof scalar === 'string'
        ? parseThresholds(String(scalar))
        : '"coverageThreshold" must be a percentage or METRIC=PERCENT pairs';
    if (typeof parsed === 'string') {
      this.error(
        'bad-value',
        `"coverageThreshold": ${parsed}`,
        at,
        'e.g. coverageThreshold: 80, or coverageThreshold: "values=80,statements=100"',
      );
      return;
    }
    this.config.coverageThreshold = parsed;
  }

  private paths(v: Node | null, at: Place): void {
    const items = yaml().isSeq(v) ? v.items : undefined;
    const ok =
      items !== undefined &&
      items.every((i) => yaml().isScalar(i) && typeof i.value === 'string' && i.value !== '');
    if (!ok) {
      this.error(
        'bad-value',
        '"paths" must be a list of files, folders or globs',
        at,
        'e.g. paths: [policies/, "infra/**/*.trustspec.yaml"]',
      );
      return;
    }
    const base = dirname(this.path);
    this.config.paths = items.map((i) => resolve(base, String((i as { value: string }).value)));
  }

  private ignore(v: Node | null): void {
    const items = yaml().isSeq(v) ? v.items : undefined;
    if (items === undefined) {
      this.error(
        'bad-value',
        '"ignore" must be a list of finding codes or {code, reason, sid}',
        v ? this.place(v) : { line: 1, column: 1 },
        'e.g. ignore: [like-without-wildcard]',
      );
      return;
    }
    const values = items.map((item) => (this.ignoreEntry(item) ? toJs(item) : undefined));
    this.config.ignore = ignoreRules(values, this.file, 'config', (i) => this.place(items[i]));
  }

  /** Is the entry a finding code, or `{code, reason, sid}` with string values? Else an error. */
  private ignoreEntry(item: unknown): boolean {
    const at = this.place(item);
    const keys = yaml().isMap(item)
      ? item.items.map((p) => (yaml().isScalar(p.key) ? String(p.key.value) : ''))
      : [];
    const extra = keys.find((k) => !['code', 'reason', 'sid'].includes(k));
    if (extra !== undefined) {
      this.error(
        'unknown-field',
        `unknown key "${extra}" in an ignore entry`,
        at,
        'the keys are code, reason, sid',
      );
      return false;
    }
    const value = toJs(item);
    const code = yaml().isMap(item) ? (value as Record<string, unknown>)['code'] : value;
    const strings =
      !yaml().isMap(item) ||
      ['reason', 'sid'].every((k) => {
        const x = (value as Record<string, unknown>)[k];
        return x === undefined || typeof x === 'string';
      });
    if (typeof code === 'string' && CODE.test(code) && strings) return true;
    this.error(
      'bad-value',
      'an ignore entry is a finding code (e.g. like-without-wildcard), or {code, reason, sid}',
      at,
      'e.g. - {code: like-without-wildcard, reason: "generated by our Terraform module"}',
    );
    return false;
  }
}

/** A finding code, as the schema defines it. */
const CODE = new RegExp(
  ((IGNORE['items'] as { anyOf: SchemaNode[] }).anyOf[0] as SchemaNode)['pattern'] as string,
);

function toJs(node: unknown): unknown {
  return (
    (node as { toJSON?: () => unknown } | null)?.toJSON?.() ??
    (yaml().isScalar(node) ? node.value : undefined)
  );
}

/**
 * The config that applies in `cwd` (none found: empty defaults). `reporters` are the names
 * `reporter:` may take (the report layer's list).
 */
export function loadConfig(
  cwd: string,
  reporters: readonly string[],
  path: string | undefined = findConfig(cwd),
): ConfigLoad {
  if (path === undefined) return { config: { ignore: [] }, errors: [] };
  const reader = new ConfigReader(path, displayPath(path, cwd), reporters);
  reader.read();
  return { config: reader.config, errors: reader.errors };
}
