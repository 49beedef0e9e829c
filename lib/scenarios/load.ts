/**
 * Loading one scenario file: YAML → schema check → role and policy → defaults, shorthands and
 * matrices expanded → Scenarios. Every problem becomes a FileError with its place and a code
 * frame; nothing here throws for bad input.
 */
import { dirname, resolve } from 'node:path';
import type { Document, YAMLError } from 'yaml';
import { yaml } from '../packages.js';
import { MAX_YAML_DEPTH } from '../policy/yaml.js';
import {
  cognitoClaims,
  eksClaims,
  githubClaims,
  gitlabClaims,
  parseRoleArn,
  terraformClaims,
  type ProviderEntry,
} from '../providers/index.js';
import type { ContextInputValue, RequestInput, Stage, StsErrorCode } from '../sts/types.js';
import { decodeCompactJwt, jwtShaped } from '../token.js';
import { claimTime, parseDate } from './dates.js';
import { displayPath } from './discover.js';
import { PendingSignatures, readJwksFile, type JwksFileRead, type Signing } from './jwks.js';
import {
  copyName,
  deepMerge,
  isPlainObject,
  matrixRows,
  mergeContext,
  withoutNulls,
  placeholderPaths,
  setOwn,
  substitute,
  type ExpandProblem,
  type Row,
} from './expand.js';
import { codeFrame } from './frame.js';
import {
  documentValue,
  firstTooDeep,
  keyPlace,
  lookup,
  placeAt,
  placeOf,
  type Path,
  type Place,
} from './nodes.js';
import { loadInlinePolicy, loadPolicyFile, readText, type PolicyCache } from './policy.js';
import { scenarioInput } from './run.js';
import { DEFAULT_ROLE_SESSION_NAME } from './schema.js';
import { ignoreRules } from './suppress.js';
import {
  RoleSources,
  roleShapeProblems,
  sourceKeyOf,
  specOf,
  type SourceKey,
} from './role-source.js';
import type { SourceResult } from '../sources/types.js';
import type { ProvidersResult } from '../sources/live.js';
import {
  caseRepeats,
  contextKeyOwner,
  validateFile,
  validateScenario,
  type SchemaProblem,
} from './validate.js';
import type {
  BlockedScenario,
  Expectation,
  FileError,
  IgnoreRule,
  LoadedRole,
  Property,
  Scenario,
} from './types.js';
import { parsePredicate, PROPERTY_KINDS } from '../symbolic/predicate.js';
import type { ManifestRead } from '../sources/k8s-service-account.js';
import { resolveServiceAccount } from './k8s-service-account.js';
import type { WorkflowJob } from '../sources/github-workflow.js';
import { expandWorkflow, type WorkflowContext } from './workflow.js';
import { tokenAssumptions } from './assumptions.js';

export interface LoadOptions {
  /** Epoch ms; overrides the file's `now` (the command line's `--now`). */
  now?: number;
  /** Epoch ms used when neither `now` nor the file gives a clock (the CLI passes `Date.now()`). */
  defaultNow?: number;
  /** File names in results and errors are relative to this folder. */
  cwd?: string;
  /** Policy files already loaded in this run (keyed by absolute path); shared across files. */
  policyCache?: PolicyCache;
  /**
   * Role sources (`cloudformation:`, `cdk:`, `terraform:`, `live:`, `providers: live`) read in
   * this run, shared across files; only the asynchronous loader reads them.
   */
  sources?: RoleSources;
}

export interface LoadResult {
  scenarios: Scenario[];
  errors: FileError[];
  warnings: FileError[];
  /** The file's `ignore:` entries. */
  ignore: IgnoreRule[];
  /** Scenarios written in the file that could not be built, each with the error that stopped it. */
  blocked: BlockedScenario[];
  /** The file's `properties:`, each with the file's role (decided by `loadAndRunAsync`). */
  properties: Property[];
}

/** Aliases may make at most this many times the nodes written; more is an alias bomb. */
export const MAX_ALIAS_COUNT = 100;

type Obj = Record<string, unknown>;

/** What the providers of a file or scenario are: a list, not said (undefined), or unusable. */
type ProvidersChoice = ProviderEntry[] | undefined | false;

/** Source findings that say only that the role's ARN is not known (answered by `arn:`). */
const ARN_UNKNOWN: ReadonlySet<string> = new Set([
  'role-name-generated',
  'role-arn-incomplete',
  'tf-role-arn-unknown',
]);

/** A problem found before any source was read, kept to be reported where it belongs. */
interface RoleProblemAt {
  /** Undefined: the problem is reported elsewhere (the role's own error). */
  problem: { code: string; message: string; hint?: string } | undefined;
}

/** The plain value at `path` of the file's value (an empty mapping when it is not one). */
function lookupValue(file: Obj, path: Path): Obj {
  let cur: unknown = file;
  for (const step of path)
    cur =
      isPlainObject(cur) || Array.isArray(cur)
        ? (cur as Record<string | number, unknown>)[step]
        : undefined;
  return isPlainObject(cur) ? cur : {};
}

const SHORTHANDS = ['github', 'eks', 'gitlab', 'terraform', 'cognito'] as const;
type Shorthand = (typeof SHORTHANDS)[number];

const REQUIRED_SHORTHAND_FIELDS: Record<Shorthand, string[]> = {
  github: ['repository'],
  eks: ['issuer', 'namespace', 'serviceAccount'],
  gitlab: ['projectPath'],
  terraform: ['organization', 'workspace'],
  cognito: ['identityPoolId', 'identityId'],
};

const SHORTHAND_HELP: Record<Shorthand, string> = {
  github: 'e.g. github: {repository: acme/app, ref: refs/heads/main}',
  eks: 'e.g. eks: {issuer: https://oidc.eks.us-east-1.amazonaws.com/id/ID, namespace: web, serviceAccount: api}',
  gitlab: 'e.g. gitlab: {projectPath: group/project, ref: main}',
  terraform: 'e.g. terraform: {organization: acme, workspace: prod}',
  cognito: "e.g. cognito: {identityPoolId: 'us-east-1:…', identityId: 'us-east-1:…'}",
};

const TIME_CLAIMS = ['exp', 'iat', 'nbf'];

/** The keys of a path and of each of its prefixes, shortest first (`[]` included). */
function prefixKeys(path: Path): string[] {
  const keys = ['[]'];
  for (let i = 1; i <= path.length; i++) keys.push(JSON.stringify(path.slice(0, i)));
  return keys;
}

/**
 * Paths with schema problems. A path is bad when it lies under one of them or holds one: both
 * are set look-ups, so a file with thousands of bad scenarios is checked in linear time.
 */
class BadPaths {
  private readonly bad = new Set<string>();
  private readonly holders = new Set<string>();

  add(path: Path): void {
    const keys = prefixKeys(path);
    this.bad.add(keys[keys.length - 1] as string);
    for (const k of keys) this.holders.add(k);
  }

  has(path: Path): boolean {
    // Most files have no schema problem: no keys to build then.
    if (this.bad.size === 0) return false;
    const keys = prefixKeys(path);
    return this.holders.has(keys[keys.length - 1] as string) || keys.some((k) => this.bad.has(k));
  }
}

class FileLoader {
  readonly errors: FileError[] = [];
  readonly warnings: FileError[] = [];
  readonly scenarios: Scenario[] = [];
  readonly properties: Property[] = [];
  /** Properties that could not be built, each with the error that stopped it. */
  private readonly blockedProperties: BlockedScenario[] = [];
  private readonly abs: string;
  private readonly dir: string;
  private readonly file: string;
  private readonly cache: PolicyCache;
  private text = '';
  private lc = new (yaml().LineCounter)();
  private doc: Document | undefined;
  /** Paths with schema problems: what lies under them is not looked at again. */
  private readonly badPaths = new BadPaths();
  /** Policy files whose problems were already reported for this file. */
  private readonly reportedPolicies = new Set<string>();
  private readonly seenErrors = new Set<string>();
  private ignore: IgnoreRule[] = [];
  /** The `scenarios:` entries as written, to account for those that could not be built. */
  private entries: unknown[] = [];
  /** Role sources read by the asynchronous loader, by the JSON of the role's path. */
  private readonly sourceResults = new Map<string, SourceResult>();
  /** `providers: live` answers, by the JSON of the providers' path. */
  private readonly liveProviderResults = new Map<string, ProvidersResult | RoleProblemAt>();
  /** The providers each role's source defines (a template's AWS::IAM::OIDCProvider…). */
  private readonly sourceProviders = new WeakMap<LoadedRole, ProviderEntry[]>();
  private sharedSources: RoleSources | undefined;
  /** `token.jwks` signatures to verify once the scenarios are built, and the JWKS files read. */
  private readonly signatures = new PendingSignatures();
  private readonly jwksFiles = new Map<string, JwksFileRead>();
  /** Workflow jobs read for `github: {workflow, job}` (lib/scenarios/workflow.ts). */
  private readonly workflows = new Map<string, WorkflowJob>();

  constructor(
    path: string,
    private readonly opts: LoadOptions,
  ) {
    this.abs = resolve(opts.cwd ?? '.', path);
    this.dir = dirname(this.abs);
    this.file = opts.cwd !== undefined ? displayPath(this.abs, opts.cwd) : path;
    this.cache = opts.policyCache ?? new Map();
  }

  // ── problems ──────────────────────────────────────────────────────────────────────

  private report(
    severity: 'error' | 'warning',
    code: string,
    message: string,
    place: Place,
    hint?: string,
  ): void {
    const id = `${severity}|${place.line}|${place.column}|${code}|${message}`;
    if (this.seenErrors.has(id)) return;
    this.seenErrors.add(id);
    const fe: FileError = {
      file: this.file,
      line: place.line,
      column: place.column,
      message,
      code,
      ...(hint ? { hint } : {}),
      ...(this.text !== '' ? { frame: codeFrame(this.text, place.line, place.column) } : {}),
      severity,
    };
    (severity === 'error' ? this.errors : this.warnings).push(fe);
  }

  private error(code: string, message: string, place: Place, hint?: string): void {
    this.report('error', code, message, place, hint);
  }

  private warn(code: string, message: string, place: Place, hint?: string): void {
    this.report('warning', code, message, place, hint);
  }

  /** The place of the value at `path` (or of what exists of the path). */
  private at(path: Path): Place {
    if (!this.doc) return { line: 1, column: 1 };
    return placeOf(lookup(this.doc, path).deepest, this.lc);
  }

  /** A path inside scenario `i`: written in the scenario, else in `defaults`, else the scenario. */
  private inScenario(i: number, path: Path, key?: string): Place {
    if (!this.doc) return { line: 1, column: 1 };
    const own = lookup(this.doc, ['scenarios', i, ...path]);
    // A key given in defaults only (e.g. a context key) is placed there.
    const keyInDefaults =
      key !== undefined &&
      !lookup(this.doc, ['scenarios', i, ...path, key]).complete &&
      lookup(this.doc, ['defaults', ...path, key]).complete;
    if (own.complete && !keyInDefaults)
      return key
        ? keyPlace(this.doc, this.lc, ['scenarios', i, ...path], key)
        : placeOf(own.value, this.lc);
    const fromDefaults = lookup(this.doc, ['defaults', ...path]);
    if (fromDefaults.complete) {
      return key
        ? keyPlace(this.doc, this.lc, ['defaults', ...path], key)
        : placeOf(fromDefaults.value, this.lc);
    }
    return placeOf(own.deepest, this.lc);
  }

  private schemaProblem(p: SchemaProblem, base: Path, scenario?: number, prefix = ''): void {
    const place =
      scenario !== undefined
        ? this.inScenario(scenario, p.path, p.key)
        : p.key !== undefined && this.doc
          ? keyPlace(this.doc, this.lc, [...base, ...p.path], p.key)
          : this.at([...base, ...p.path]);
    this.error(p.code, `${prefix}${p.message}`, place, p.hint);
    // An unknown key taints only itself, so the rest of its mapping is still checked.
    this.badPaths.add(p.key !== undefined ? [...base, ...p.path, p.key] : [...base, ...p.path]);
  }

  private isBad(path: Path): boolean {
    return this.badPaths.has(path);
  }

  // ── the file ──────────────────────────────────────────────────────────────────────

  load(): LoadResult {
    try {
      const value = this.parseFile();
      if (value) this.semantic(value);
      for (const place of this.signatures.places())
        this.error(
          'jwks-not-verified',
          'token.jwks: signatures are verified by the asynchronous loader, and this file was loaded without it',
          place,
          'use loadScenarioFileAsync or loadAndRunAsync (trustspec test does)',
        );
    } catch (e) {
      this.internalError(e);
    }
    return this.result();
  }

  /** As `load`, reading the role sources the file names first (templates, plans, IAM). */
  async loadAsync(): Promise<LoadResult> {
    try {
      const value = this.parseFile();
      if (value) {
        await this.readSources(value);
        this.semantic(value);
        await this.signatures.verifyAll();
      }
    } catch (e) {
      this.internalError(e);
    }
    return this.result();
  }

  /** A bug of ours must not stop the other files: it is reported as this file's error. */
  private internalError(e: unknown): void {
    this.error('internal-error', `internal error while loading the file: ${(e as Error).message}`, {
      line: 1,
      column: 1,
    });
  }

  private result(): LoadResult {
    const byPlace = (a: FileError, b: FileError): number => a.line - b.line || a.column - b.column;
    return {
      scenarios: this.scenarios,
      errors: this.errors.sort(byPlace),
      warnings: this.warnings.sort(byPlace),
      ignore: this.ignore,
      blocked: [...this.blocked(), ...this.blockedProperties],
      properties: this.properties,
    };
  }

  /**
   * The entries of `scenarios:` that gave no scenario: each is blocked by the first error written
   * inside it, else by the first error of the file (its role, its policy, its clock).
   */
  private blocked(): BlockedScenario[] {
    if (this.errors.length === 0 || !this.doc) return [];
    const built = new Set(this.scenarios.map((s) => s.line));
    const starts = this.entries.map((_e, i) => this.at(['scenarios', i]));
    // This file's errors by line; entries are in line order too, so one walk pairs them.
    const own = this.errors.filter((e) => e.file === this.file).sort((a, b) => a.line - b.line);
    let next = 0;
    const out: BlockedScenario[] = [];
    this.entries.forEach((entry, i) => {
      const at = starts[i] as Place;
      const end = starts[i + 1]?.line ?? Infinity;
      while (next < own.length && (own[next] as FileError).line < at.line) next++;
      const candidate = own[next];
      const inside = candidate !== undefined && candidate.line < end ? candidate : undefined;
      if (built.has(at.line)) return;
      const name = isPlainObject(entry) ? entry['name'] : undefined;
      out.push({
        file: this.file,
        line: at.line,
        column: at.column,
        name: typeof name === 'string' && name !== '' ? name : `scenario ${i + 1}`,
        error: inside ?? (this.errors[0] as FileError),
      });
    });
    return out;
  }

  /** The file's value, when it is a YAML mapping that passed the schema's checks. */
  private parseFile(): Obj | undefined {
    const read = readText(this.abs);
    const top = { line: 1, column: 1 };
    if (!read.ok) {
      const what =
        read.code === 'file-not-found'
          ? 'the scenario file does not exist'
          : `the file ${read.message}`;
      this.error(read.code, what, top, read.hint ?? 'check the path');
      return undefined;
    }
    this.text = read.text;
    if (this.text.replace(/^\uFEFF/, '').trim() === '') {
      this.error(
        'empty-file',
        'the file is empty',
        top,
        'a scenario file holds at least role: and scenarios:',
      );
      return undefined;
    }
    let doc: Document;
    try {
      doc = yaml().parseDocument(this.text, {
        lineCounter: this.lc,
        // Keys written twice are found while the value is read (documentValue), in linear time and
        // by the key the data will have (`1` and "1" are the same key).
        uniqueKeys: false,
        prettyErrors: false,
        merge: true,
      });
    } catch (e) {
      this.error(
        'yaml-syntax',
        `cannot parse the YAML: ${(e as Error).message}`,
        top,
        'is this a YAML file?',
      );
      return undefined;
    }
    this.doc = doc;
    const exhausted = doc.errors.some((e) => e.code === 'RESOURCE_EXHAUSTION');
    for (const err of doc.errors) if (err.code !== 'RESOURCE_EXHAUSTION') this.yamlError(err);
    if (exhausted) this.tooDeep(firstTooDeep(doc.contents, MAX_YAML_DEPTH));
    for (const w of doc.warnings) {
      this.warn('yaml-warning', cleanYamlMessage(w.message), placeAt(w.pos[0], this.lc));
    }
    if (doc.errors.length > 0) return undefined;
    if (doc.contents === null || doc.contents === undefined) {
      this.error(
        'empty-file',
        'the file holds no YAML content (only comments)',
        top,
        'a scenario file holds at least role: and scenarios:',
      );
      return undefined;
    }
    const { value, problems } = documentValue(doc, {
      maxDepth: MAX_YAML_DEPTH,
      maxGrowth: MAX_ALIAS_COUNT,
    });
    for (const p of problems) this.error(p.code, p.message, placeOf(p.node, this.lc), p.hint);
    if (problems.length > 0) return undefined;
    if (!isPlainObject(value)) {
      this.error(
        'not-a-mapping',
        `the top level of a scenario file must be a mapping (version:, role:, scenarios:, …), not ${Array.isArray(value) ? 'a list' : 'a single value'}`,
        placeOf(doc.contents, this.lc),
        'start with role: and scenarios:',
      );
      return undefined;
    }
    for (const p of validateFile(value)) this.schemaProblem(p, []);
    return value;
  }

  /** Nesting the yaml library could not follow (it ran out of stack): placed where it passes the limit. */
  private tooDeep(node: unknown): void {
    this.error(
      'yaml-too-deep',
      `the YAML is nested too deeply: more than ${MAX_YAML_DEPTH} levels of lists and mappings`,
      node === undefined ? { line: 1, column: 1 } : placeOf(node, this.lc),
      'a scenario file nests a few levels: write the data flatter',
    );
  }

  private yamlError(err: YAMLError): void {
    const place = placeAt(err.pos[0], this.lc);
    if (err.code === 'MULTIPLE_DOCS') {
      this.error(
        'yaml-multiple-documents',
        'the file holds more than one YAML document ("---")',
        place,
        'a scenario file is one document: remove the "---" and what follows, or merge the documents',
      );
    } else {
      this.error(
        'yaml-syntax',
        `YAML syntax error: ${cleanYamlMessage(err.message)}`,
        place,
        'check the indentation, the colons and the closing brackets and quotes here or just before',
      );
    }
  }

  // ── meaning ───────────────────────────────────────────────────────────────────────

  private semantic(file: Obj): void {
    this.entries = Array.isArray(file['scenarios']) ? file['scenarios'] : [];
    if (!this.isBad(['ignore'])) {
      this.ignore = ignoreRules(file['ignore'], this.file, 'scenario-file', (i) =>
        this.at(['ignore', i]),
      );
    }
    let fileNow: number | undefined;
    if (file['now'] !== undefined && !this.isBad(['now'])) {
      const d = parseDate(file['now']);
      if (d.ok) fileNow = d.ms;
      else this.error('bad-date', `"now": ${d.message}`, this.at(['now']), d.hint);
    }
    const now = this.opts.now ?? fileNow ?? this.opts.defaultNow;

    for (const path of placeholderPaths(file['role'], ['role'])) {
      this.error(
        'placeholder-in-role',
        'matrix placeholders are not replaced in role',
        this.at(path),
        'give each value its own scenario, or name the role in full',
      );
    }
    let fileRole: LoadedRole | undefined;
    let fileRoleBroken = false;
    if (isPlainObject(file['role'])) {
      if (this.isBad(['role'])) fileRoleBroken = true;
      else {
        fileRole = this.loadRole(file['role'], ['role']);
        fileRoleBroken = fileRole === undefined;
      }
    }
    const providers = this.providersChoice(file['providers'], ['providers']);
    this.loadProperties(file, {
      role: fileRole,
      providers:
        providers !== undefined ? providers : fileRole && this.sourceProviders.get(fileRole),
      now,
    });
    const defaults = isPlainObject(file['defaults']) ? file['defaults'] : {};
    if (this.isBad(['defaults']) || !this.contextKeysOnce(defaults['context'], ['defaults']))
      return;

    const list = Array.isArray(file['scenarios']) ? file['scenarios'] : [];
    if (Array.isArray(file['scenarios']) && list.length === 0) {
      this.warn('no-scenarios', 'the file has no scenarios', this.at(['scenarios']));
    }
    if (now === undefined && list.some((e) => !isPlainObject(e) || e['now'] === undefined)) {
      this.error(
        'no-clock',
        'no clock: the file has no "now" and none was given',
        this.at(['scenarios']),
        'write now: 2026-06-01T00:00:00Z in the file (or in each scenario), or pass --now',
      );
      return;
    }

    const names = new Map<string, { line: number; index: number }>();
    list.forEach((entry, i) => {
      if (!isPlainObject(entry)) return;
      const rawName = entry['name'];
      if (typeof rawName === 'string') {
        const first = names.get(rawName);
        if (first && first.index !== i) {
          this.error(
            'duplicate-name',
            `duplicate scenario name "${rawName}" — already used on line ${first.line}`,
            this.at(['scenarios', i, 'name']),
            'scenario names are unique in a file',
          );
          return;
        }
        names.set(rawName, { line: this.at(['scenarios', i, 'name']).line, index: i });
      }
      if (this.isBad(['scenarios', i])) return;
      this.scenarioEntry(entry, i, {
        defaults,
        fileRole,
        fileRoleBroken,
        providers,
        now,
        names,
      });
    });
  }

  private loadRole(role: Obj, path: Path): LoadedRole | undefined {
    const problems = roleShapeProblems(role);
    for (const p of problems) {
      const place =
        p.key !== undefined && this.doc ? keyPlace(this.doc, this.lc, path, p.key) : this.at(path);
      this.error(p.code, p.message, place, p.hint);
    }
    if (problems.length > 0) return undefined;
    const kind = sourceKeyOf(role);
    if (kind !== undefined) return this.sourceRole(role, path, kind);
    const arn = String(role['arn']);
    const parsed = parseRoleArn(arn);
    let ok = true;
    if (!parsed.ok) {
      ok = false;
      this.error(
        'bad-role-arn',
        `role.arn: ${parsed.message}`,
        this.at([...path, 'arn']),
        parsed.hint ?? 'arn:aws:iam::ACCOUNT_ID:role/NAME',
      );
    }
    const tp = role['trustPolicy'];
    let compiled: LoadedRole['policy'] | undefined;
    let policyFile = this.abs;
    if (typeof tp === 'string') {
      const abs = resolve(this.dir, tp);
      const entry = loadPolicyFile(abs, displayPath(abs, this.opts.cwd), this.cache);
      policyFile = abs;
      if (entry.readError) {
        const missing = entry.readError.code === 'file-not-found';
        this.error(
          missing ? 'policy-file-not-found' : `policy-${entry.readError.code}`,
          missing
            ? `the trust policy file "${tp}" does not exist (looked for ${abs})`
            : `the trust policy file "${tp}" ${entry.readError.message}`,
          this.at([...path, 'trustPolicy']),
          missing
            ? 'the path is relative to this scenario file'
            : (entry.readError.hint ?? 'give the path of a policy file (JSON or YAML)'),
        );
        return undefined;
      }
      if (!this.reportedPolicies.has(abs)) {
        this.reportedPolicies.add(abs);
        this.errors.push(...entry.errors);
        this.warnings.push(...entry.warnings);
      }
      compiled = entry.compiled;
    } else if (isPlainObject(tp) && this.doc) {
      const node = lookup(this.doc, [...path, 'trustPolicy']).value;
      const inline = loadInlinePolicy(
        node,
        this.lc,
        this.doc,
        this.file,
        this.text,
        this.at([...path, 'trustPolicy']),
      );
      this.errors.push(...inline.errors);
      this.warnings.push(...inline.warnings);
      compiled = inline.compiled;
    }
    if (!ok || !compiled) return undefined;
    const max = role['maxSessionDuration'];
    const tags = role['tags'];
    return {
      arn,
      ...(typeof max === 'number' ? { maxSessionDuration: max } : {}),
      ...(isPlainObject(tags) ? { tags: tags as Record<string, string> } : {}),
      policy: compiled,
      policyFile,
    };
  }

  // ── role sources ──────────────────────────────────────────────────────────────────

  private get roleSources(): RoleSources {
    this.sharedSources ??=
      this.opts.sources ??
      new RoleSources(this.opts.cwd !== undefined ? { cwd: this.opts.cwd } : {});
    return this.sharedSources;
  }

  /** A finding prepared elsewhere (a source's), reported once. */
  private push(fe: FileError): void {
    const severity = fe.severity ?? 'error';
    const id = `${fe.file}|${severity}|${fe.line}|${fe.column}|${fe.code}|${fe.message}`;
    if (this.seenErrors.has(id)) return;
    this.seenErrors.add(id);
    (severity === 'error' ? this.errors : this.warnings).push({ ...fe, severity });
  }

  /** A file error at `place` in this file, for a source's finding without a place of its own. */
  private fileErrorAt(place: Place, severity: 'error' | 'warning'): FileError {
    return {
      file: this.file,
      line: place.line,
      column: place.column,
      message: '',
      code: '',
      ...(this.text !== '' ? { frame: codeFrame(this.text, place.line, place.column) } : {}),
      severity,
    };
  }

  /** The role mappings with a source key, and each `providers: live`, read before the scenarios are built. */
  private async readSources(file: Obj): Promise<void> {
    const roles: Path[] = [];
    const lists: { path: Path; role: Path | undefined }[] = [];
    const fileRole = isPlainObject(file['role']) && !this.isBad(['role']) ? ['role'] : undefined;
    if (fileRole) roles.push(fileRole);
    if (file['providers'] === 'live' && !this.isBad(['providers']))
      lists.push({ path: ['providers'], role: fileRole });
    const scenarios = Array.isArray(file['scenarios']) ? file['scenarios'] : [];
    scenarios.forEach((entry, i) => {
      if (!isPlainObject(entry) || this.isBad(['scenarios', i])) return;
      const own = isPlainObject(entry['role']) ? ['scenarios', i, 'role'] : undefined;
      if (own) roles.push(own);
      if (entry['providers'] === 'live')
        lists.push({ path: ['scenarios', i, 'providers'], role: own ?? fileRole });
    });
    await Promise.all(
      roles.map(async (path) => {
        const role = lookupValue(file, path);
        const kind = sourceKeyOf(role);
        if (kind === undefined || roleShapeProblems(role).length > 0) return;
        const result = await this.roleSources.read(specOf(role, kind), this.dir);
        this.sourceResults.set(JSON.stringify(path), result);
      }),
    );
    await Promise.all(
      lists.map(async ({ path, role }) => {
        const answer = await this.liveProviders(file, role);
        this.liveProviderResults.set(JSON.stringify(path), answer);
      }),
    );
  }

  /** `providers: live` for the role at `rolePath`: the providers of the role's account. */
  private async liveProviders(
    file: Obj,
    rolePath: Path | undefined,
  ): Promise<ProvidersResult | RoleProblemAt> {
    const role = rolePath ? lookupValue(file, rolePath) : {};
    const kind = sourceKeyOf(role);
    const result = rolePath ? this.sourceResults.get(JSON.stringify(rolePath)) : undefined;
    const arn =
      typeof role['arn'] === 'string'
        ? role['arn']
        : result?.ok === true
          ? result.role.arn
          : undefined;
    const parsed = arn !== undefined ? parseRoleArn(arn) : undefined;
    // A role that could not be read has its own error, which blocks the same scenarios.
    if (!parsed?.ok && result?.ok === false) return { problem: undefined };
    if (!parsed?.ok) {
      return {
        problem: {
          code: 'live-providers-no-account',
          message:
            "providers: live lists the OIDC providers of the role's account, and the role's ARN is not known",
          hint: "give the role's arn (or the account its source needs), or list the providers: [{url, clientIds}]",
        },
      };
    }
    return this.roleSources.liveProviders(parsed.account, parsed.partition, {
      ...(kind === 'live' && typeof role['profile'] === 'string'
        ? { profile: role['profile'] }
        : {}),
      ...(kind === 'live' && typeof role['region'] === 'string' ? { region: role['region'] } : {}),
    });
  }

  /** The providers written at `path`: a list, `live` (as read), or not written. */
  private providersChoice(value: unknown, path: Path): ProvidersChoice {
    if (this.isBad(path)) return value === undefined ? undefined : false;
    if (Array.isArray(value)) return value as ProviderEntry[];
    if (value !== 'live') return undefined;
    const answer = this.liveProviderResults.get(JSON.stringify(path));
    const place = this.at(path);
    if (answer === undefined) {
      this.error(
        'role-source-not-read',
        'providers: live is read by the asynchronous loader, and this file was loaded without it',
        place,
        'use loadScenarioFileAsync or loadAndRunAsync (trustspec test does)',
      );
      return false;
    }
    if ('problem' in answer) {
      const p = answer.problem;
      if (p) this.error(p.code, p.message, place, p.hint);
      return false;
    }
    for (const f of answer.findings)
      this.push(
        this.roleSources.fileError(
          f,
          this.fileErrorAt(place, f.severity === 'error' ? 'error' : 'warning'),
        ),
      );
    return answer.ok ? answer.providers : false;
  }

  /** A role read from its source, with the fields written beside the source overriding it. */
  private sourceRole(role: Obj, path: Path, kind: SourceKey): LoadedRole | undefined {
    const at = this.at([...path, kind]);
    const result = this.sourceResults.get(JSON.stringify(path));
    if (result === undefined) {
      this.error(
        'role-source-not-read',
        `the role's ${kind}: source was not read: role sources are read by the asynchronous loader`,
        at,
        'use loadScenarioFileAsync or loadAndRunAsync (trustspec test does)',
      );
      return undefined;
    }
    const sources = this.roleSources;
    // "The ARN is not known: give arn:" is answered when the file gives it.
    const answered = typeof role['arn'] === 'string' ? ARN_UNKNOWN : new Set<string>();
    for (const f of result.findings) {
      if (answered.has(f.code)) continue;
      this.push(
        sources.fileError(f, this.fileErrorAt(at, f.severity === 'error' ? 'error' : 'warning')),
      );
    }
    if (!result.ok) return undefined;
    const policy = sources.policyOf(result);
    for (const fe of [...policy.errors, ...policy.warnings]) this.push(fe);
    if (!policy.compiled) return undefined;
    const arn = this.sourceRoleArn(role, path, kind, result.role.arn);
    if (arn === undefined) return undefined;
    const from = `${kind}: ${String(role[kind])}`;
    const max = this.overridden(
      path,
      'maxSessionDuration',
      role['maxSessionDuration'],
      result.role.maxSessionDuration,
      from,
    );
    const tags = this.overridden(path, 'tags', role['tags'], result.role.tags, from);
    const loaded: LoadedRole = {
      arn,
      ...(typeof max === 'number' ? { maxSessionDuration: max } : {}),
      ...(isPlainObject(tags) ? { tags: tags as Record<string, string> } : {}),
      policy: policy.compiled,
      policyFile: policy.file,
    };
    if (result.providers) this.sourceProviders.set(loaded, result.providers);
    return loaded;
  }

  /** The role's ARN: written beside the source (an override), else the source's. */
  private sourceRoleArn(
    role: Obj,
    path: Path,
    kind: SourceKey,
    fromSource: string | undefined,
  ): string | undefined {
    const written = typeof role['arn'] === 'string' ? role['arn'] : undefined;
    const arn = this.overridden(
      path,
      'arn',
      written,
      fromSource,
      `${kind}: ${String(role[kind])}`,
    ) as string | undefined;
    if (arn === undefined) {
      this.error(
        'role-arn-unknown',
        `the ARN of the role cannot be known from ${kind}: ${String(role[kind])} before it is deployed`,
        this.at([...path, kind]),
        kind === 'terraform'
          ? "give account: (the plan has the role's name and path), or write arn: arn:aws:iam::ACCOUNT_ID:role/NAME"
          : 'give account: and region: (when the template names the role), or write arn: arn:aws:iam::ACCOUNT_ID:role/NAME',
      );
      return undefined;
    }
    const parsed = parseRoleArn(arn);
    if (!parsed.ok) {
      this.error(
        'bad-role-arn',
        `role.arn: ${parsed.message}`,
        written !== undefined ? this.at([...path, 'arn']) : this.at([...path, kind]),
        parsed.hint ?? 'arn:aws:iam::ACCOUNT_ID:role/NAME',
      );
      return undefined;
    }
    return arn;
  }

  /** A field written beside a source wins; a warning says so when the source says otherwise. */
  private overridden(
    path: Path,
    field: string,
    written: unknown,
    fromSource: unknown,
    from: string,
  ): unknown {
    if (written === undefined) return fromSource;
    if (fromSource !== undefined && JSON.stringify(written) !== JSON.stringify(fromSource)) {
      this.warn(
        'role-source-override',
        `role.${field} written here overrides ${JSON.stringify(fromSource)} from ${from}: the scenarios test a role that differs from its source`,
        this.at([...path, field]),
        `remove ${field} to test the role as ${from} defines it`,
      );
    }
    return written;
  }

  // ── properties ────────────────────────────────────────────────────────────────────

  private loadProperties(
    file: Obj,
    ctx: { role: LoadedRole | undefined; providers: ProvidersChoice; now: number | undefined },
  ): void {
    if (!Array.isArray(file['properties'])) return;
    const before = this.errors.length;
    file['properties'].forEach((entry: unknown, i: number) => {
      const path = ['properties', i];
      if (!isPlainObject(entry)) return;
      const built = this.isBad(path) ? undefined : this.property(entry, path, ctx);
      if (built) {
        this.properties.push(built);
        return;
      }
      const at = this.at(path);
      this.blockedProperties.push({
        file: this.file,
        line: at.line,
        column: at.column,
        name: String(entry['name']),
        error:
          this.errors.find((e) => e.file === this.file && e.line >= at.line) ??
          this.errors[before] ??
          (this.errors[0] as FileError),
      });
    });
  }

  private property(
    entry: Obj,
    path: Path,
    ctx: { role: LoadedRole | undefined; providers: ProvidersChoice; now: number | undefined },
  ): Property | undefined {
    const kinds = PROPERTY_KINDS.filter((k) => entry[k] !== undefined);
    const kind = kinds[0];
    if (kind === undefined || kinds.length > 1) {
      this.error(
        'property-kind',
        kind === undefined
          ? `property "${String(entry['name'])}" says neither only, never nor always`
          : `property "${String(entry['name'])}" gives ${kinds.join(' and ')}: a property is one of them`,
        kinds.length > 1 && this.doc
          ? keyPlace(this.doc, this.lc, path, kinds[1] as string)
          : this.at(path),
        'only: every allowed token matches; never: no allowed token matches; always: every matching token is allowed — write one property for each',
      );
      return undefined;
    }
    const parsed = parsePredicate(entry[kind]);
    for (const p of parsed.problems)
      this.error('bad-property', p.message, this.at([...path, kind, ...p.path]), p.hint);
    let now = ctx.now;
    if (entry['now'] !== undefined) {
      const d = parseDate(entry['now']);
      if (d.ok) now = d.ms;
      else this.error('bad-date', `"now": ${d.message}`, this.at([...path, 'now']), d.hint);
    }
    if (!ctx.role) {
      if (this.errors.length === 0)
        this.error(
          'missing-role',
          `property "${String(entry['name'])}" has no role: properties are about the file's role`,
          this.at(path),
          'give the file a role: {arn, trustPolicy} (or a source)',
        );
      return undefined;
    }
    if (!parsed.predicate || now === undefined || ctx.providers === false) return undefined;
    const skip = entry['skip'];
    return {
      file: this.file,
      ...this.at(path),
      name: String(entry['name']),
      kind,
      predicate: parsed.predicate,
      role: ctx.role,
      ...(ctx.providers ? { providers: ctx.providers } : {}),
      now,
      skip: skip === true || typeof skip === 'string',
      ...(typeof skip === 'string' ? { skipReason: skip } : {}),
      ...(typeof entry['description'] === 'string' ? { description: entry['description'] } : {}),
    };
  }

  // ── scenarios ─────────────────────────────────────────────────────────────────────

  private scenarioEntry(
    entry: Obj,
    i: number,
    ctx: {
      defaults: Obj;
      fileRole: LoadedRole | undefined;
      fileRoleBroken: boolean;
      providers: ProvidersChoice;
      /** The clock of the command line or the file, if any (a scenario may have its own). */
      now: number | undefined;
      names: Map<string, { line: number; index: number }>;
    },
  ): void {
    const place = this.at(['scenarios', i]);
    const rawName = String(entry['name']);

    for (const path of placeholderPaths(entry['role'], ['role'])) {
      this.error(
        'placeholder-in-role',
        'matrix placeholders are not replaced in role',
        this.inScenario(i, path),
        'give each role its own scenario, or name the role in full',
      );
    }
    // Without a usable role the scenario is still checked, so that all its problems show at once.
    let role: LoadedRole | undefined;
    if (isPlainObject(entry['role'])) {
      role = this.loadRole(entry['role'], ['scenarios', i, 'role']);
    } else {
      role = ctx.fileRole;
      if (!role && !ctx.fileRoleBroken) {
        this.error(
          'missing-role',
          `scenario "${rawName}" has no role`,
          place,
          'give the file a role: {arn, trustPolicy}, or give the scenario its own role',
        );
      }
    }
    const own = this.providersChoice(entry['providers'], ['scenarios', i, 'providers']);
    let providers = own !== undefined ? own : ctx.providers;
    if (providers === undefined && role) providers = this.sourceProviders.get(role);
    // Providers that could not be read stop the scenario (their error says why); its other
    // fields are still checked.
    if (providers === false) role = undefined;

    const body: Obj = {};
    for (const [k, v] of Object.entries(entry))
      if (k !== 'role' && k !== 'matrix' && k !== 'providers') setOwn(body, k, v);
    if (!this.contextKeysOnce(entry['context'], ['scenarios', i])) return;
    const merged = deepMerge(ctx.defaults, body) as Obj;
    const context = mergeContext(ctx.defaults['context'], body['context']);
    if (context !== undefined) setOwn(merged, 'context', context);

    const hasMatrix = entry['matrix'] !== undefined;
    const { rows, problem } = hasMatrix
      ? matrixRows(entry['matrix'])
      : { rows: [undefined] as (Row | undefined)[], problem: undefined };
    if (problem) {
      this.error(problem.code, problem.message, this.inScenario(i, problem.path), problem.hint);
      return;
    }
    const ownClaims = new Set(isPlainObject(entry['token']) ? Object.keys(entry['token']) : []);
    const copies = new Map<string, Row>();
    for (const row of rows) {
      const problems: ExpandProblem[] = [];
      const copy = substitute(merged, row, [], problems) as Obj;
      for (const p of problems) this.error(p.code, p.message, this.inScenario(i, p.path), p.hint);
      if (problems.length > 0) continue;
      let name = rawName;
      if (row) {
        name = copyName(
          rawName,
          row,
          typeof copy['name'] === 'string' ? copy['name'] : JSON.stringify(copy['name']),
        );
        setOwn(copy, 'name', name);
        const schemaProblems = validateScenario(copy);
        for (const p of schemaProblems)
          this.schemaProblem(p, [], i, `in the matrix copy "${name}": `);
        if (schemaProblems.length > 0) continue;
        const twin = copies.get(name);
        if (twin) {
          this.error(
            'duplicate-name',
            `two matrix copies are both named "${name}"`,
            this.inScenario(i, ['matrix']),
            'put ${{ matrix.NAME }} for each matrix value into the name, or leave placeholders out of it',
          );
          continue;
        }
        copies.set(name, row);
        const other = ctx.names.get(name);
        if (other && other.index !== i) {
          this.error(
            'duplicate-name',
            `the matrix copy "${name}" has the name of the scenario on line ${other.line}`,
            this.inScenario(i, ['name']),
            'scenario names are unique in a file, matrix copies included: rename one of them',
          );
          continue;
        }
        if (!other) ctx.names.set(name, { line: place.line, index: i });
      }
      // github: {workflow, job}: one copy per subject the job can present.
      const jobs = expandWorkflow(copy, name, entry['request'], role?.arn, this.workflowAt(i));
      for (const fe of jobs.findings) this.push(fe);
      for (const w of jobs.copies) {
        const scenario = this.build(
          w.value,
          i,
          w.name,
          role,
          providers || undefined,
          ctx.now,
          place,
          row,
          ownClaims,
        );
        if (scenario) this.scenarios.push(scenario);
      }
    }
  }

  /** What `expandWorkflow` needs to read scenario `i`'s workflow and place its problems. */
  private workflowAt(i: number): WorkflowContext {
    return {
      dir: this.dir,
      ...(this.opts.cwd !== undefined ? { cwd: this.opts.cwd } : {}),
      file: this.file,
      text: this.text,
      at: (p) => this.inScenario(i, p),
      cache: this.workflows,
    };
  }

  private build(
    v: Obj,
    i: number,
    name: string,
    role: LoadedRole | undefined,
    providers: ProviderEntry[] | undefined,
    fileNow: number | undefined,
    place: Place,
    row: Row | undefined,
    own: ReadonlySet<string>,
  ): Scenario | undefined {
    const before = this.errors.length;
    const sa = this.serviceAccount(v, i, role);
    const token = sa === false ? undefined : this.claims(sa ? { ...v, eks: sa.eks } : v, i, own);
    const expect = this.expectation(v['expect'], i);
    const now = this.clock(v['now'], i, fileNow, place);
    const context = this.context(v['context'], i);
    if (!role || !token || !expect || now === undefined || context === false) return undefined;
    if (this.errors.length > before) return undefined;
    const skip = v['skip'];
    const assumptions = tokenAssumptions(token.claims, role.policy);
    const fields: Omit<Scenario, 'input'> = {
      file: this.file,
      line: place.line,
      column: place.column,
      name,
      role,
      ...(providers !== undefined ? { providers } : {}),
      claims: token.claims,
      ...(token.header !== undefined ? { header: token.header } : {}),
      ...(token.length !== undefined ? { tokenLength: token.length } : {}),
      request: requestOf(v['request']),
      ...(context !== undefined ? { context } : {}),
      now,
      expect,
      skip: skip === true || typeof skip === 'string',
      only: v['only'] === true,
      ...(typeof skip === 'string' && skip !== '' ? { skipReason: skip } : {}),
      ...(typeof v['description'] === 'string' ? { description: v['description'] } : {}),
      ...(row ? { matrix: row } : {}),
      ...(sa ? { serviceAccount: sa.facts } : {}),
      ...(assumptions.length > 0 ? { assumptions } : {}),
    };
    Object.defineProperty(fields, 'input', {
      get(this: Scenario) {
        return scenarioInput(this);
      },
      enumerable: false,
    });
    if (token.signing) this.signatures.add(fields as Scenario, token.signing);
    return fields as Scenario;
  }

  private readonly manifests = new Map<string, ManifestRead>();

  /** `eks: {serviceAccount: FILE}`: the shorthand read from a manifest (k8s-service-account.ts). */
  private serviceAccount(
    v: Obj,
    i: number,
    role: LoadedRole | undefined,
  ): ReturnType<typeof resolveServiceAccount> {
    if (!isPlainObject(v['eks'])) return undefined;
    return resolveServiceAccount(withoutNulls(v['eks']), role, {
      dir: this.dir,
      cwd: this.opts.cwd,
      at: (field) => this.inScenario(i, ['eks', field]),
      error: (code, message, place, hint) => this.error(code, message, place, hint),
      warn: (code, message, place, hint) => this.warn(code, message, place, hint),
      push: (fe) => this.push(fe),
      manifests: this.manifests,
    });
  }

  /** The clock: the command line's, else the scenario's own `now`, else the file's. */
  private clock(
    own: unknown,
    i: number,
    fileNow: number | undefined,
    place: Place,
  ): number | undefined {
    if (this.opts.now !== undefined) return this.opts.now;
    if (own !== undefined && own !== null) {
      const d = parseDate(own);
      if (d.ok) return d.ms;
      this.error('bad-date', `"now": ${d.message}`, this.inScenario(i, ['now']), d.hint);
      return undefined;
    }
    if (fileNow === undefined)
      this.error(
        'no-clock',
        'no clock: the scenario has no "now" and the file has none',
        place,
        'write now: in the file or in the scenario, or pass --now',
      );
    return fileNow;
  }

  /**
   * Keys written twice in one context mapping, in different letter case (condition keys are
   * case-insensitive, so one would silently replace the other): an error. False when there are.
   */
  private contextKeysOnce(context: unknown, at: Path): boolean {
    if (!isPlainObject(context) || !this.doc) return true;
    const repeats = caseRepeats(Object.keys(context));
    for (const { key, first } of repeats) {
      this.error(
        'duplicate-context-key',
        `the context key "${key}" is "${first}" again: condition keys are case-insensitive`,
        keyPlace(this.doc, this.lc, [...at, 'context'], key),
        "write each key once (a scenario's key replaces the one in defaults, whatever its case)",
      );
    }
    return repeats.length === 0;
  }

  /**
   * The scenario's context without its null keys. A key the token, the request, the clock or the
   * role determines is an error (false): the context would contradict what it is derived from.
   */
  private context(c: unknown, i: number): Record<string, ContextInputValue> | false | undefined {
    if (!isPlainObject(c)) return undefined;
    const out: Record<string, ContextInputValue> = {};
    let ok = true;
    for (const [key, value] of Object.entries(c)) {
      const owner = contextKeyOwner(key);
      if (owner) {
        // Reported once per place (a key of defaults), but every scenario it reaches is refused.
        this.error(
          'context-key-derived',
          `context cannot set "${key}": ${owner.by} determines it`,
          this.inScenario(i, ['context'], key),
          owner.hint,
        );
        ok = false;
      } else if (value !== null) {
        setOwn(out, key, value);
      }
    }
    return ok && out;
  }

  private expectation(e: unknown, i: number): Expectation | undefined {
    if (e === 'allow') return { decision: 'allow' };
    if (e === 'deny') return { decision: 'deny' };
    if (isPlainObject(e) && 'deny' in e) {
      const d = isPlainObject(e['deny']) ? e['deny'] : {};
      return {
        decision: 'deny',
        ...(typeof d['stage'] === 'string' ? { stage: d['stage'] as Stage } : {}),
        ...(typeof d['because'] === 'string' ? { because: d['because'] } : {}),
        ...(typeof d['code'] === 'string' ? { code: d['code'] as StsErrorCode } : {}),
      };
    }
    if (e === undefined) {
      this.error(
        'missing-expect',
        'missing required field "expect" in a scenario (write it in the scenario or in defaults)',
        this.at(['scenarios', i]),
        'expect: allow, expect: deny, or expect: {deny: {stage, because}}',
      );
    } else {
      this.error(
        'bad-expect',
        '"expect" must be allow, deny, or {deny: {stage, because}}',
        this.inScenario(i, ['expect']),
        'expect: allow, expect: deny, or expect: {deny: {stage, because}}',
      );
    }
    return undefined;
  }

  /**
   * Claims, in rising precedence: a shorthand's, those of `defaults.token`, the JWT's, then those
   * written in the scenario's own `token` (`own`: its keys).
   */
  private claims(
    v: Obj,
    i: number,
    own: ReadonlySet<string>,
  ):
    | { claims: Obj; header?: Record<string, unknown>; length?: number; signing?: Signing }
    | undefined {
    const claims: Obj = {};
    let ok = true;
    // A shorthand written as null drops the one of defaults.
    const given = SHORTHANDS.filter((s) => v[s] !== undefined && v[s] !== null);
    if (given.length > 1) {
      this.error(
        'conflicting-shorthands',
        `a scenario takes one token shorthand, but has ${given.join(' and ')}`,
        this.inScenario(i, [given[1] as string]),
        'one may come from defaults: write the other claims in token',
      );
      return undefined;
    }
    const short = given[0];
    if (short !== undefined) {
      const input = withoutNulls(v[short] as Obj);
      const missing = REQUIRED_SHORTHAND_FIELDS[short].filter((f) => input[f] === undefined);
      if (missing.length > 0) {
        this.error(
          'missing-field',
          `the ${short} shorthand needs ${missing.map((m) => `"${m}"`).join(' and ')}`,
          this.inScenario(i, [short]),
          SHORTHAND_HELP[short],
        );
        return undefined;
      }
      try {
        for (const [k, val] of Object.entries(shorthandClaims(short, input)))
          setOwn(claims, k, val);
      } catch (e) {
        this.error(
          'bad-shorthand',
          `${short}: ${(e as Error).message}`,
          this.inScenario(i, [short]),
          SHORTHAND_HELP[short],
        );
        return undefined;
      }
    }
    const token = isPlainObject(v['token']) ? v['token'] : {};
    let header: Record<string, unknown> | undefined;
    let length: number | undefined;
    let jwtText: string | undefined;
    const written = (fromScenario: boolean): void => {
      for (const [k, val] of Object.entries(token)) {
        if (k === 'jwt' || k === 'jwks' || own.has(k) !== fromScenario) continue;
        if (val === null) {
          // null: the token has no such claim, whatever gave it before.
          delete claims[k];
        } else if (TIME_CLAIMS.includes(k)) {
          const t = claimTime(val);
          if (!t.ok) {
            this.error(
              'bad-date',
              `token.${k}: ${t.message}`,
              this.inScenario(i, ['token', k]),
              t.hint,
            );
            ok = false;
            continue;
          }
          setOwn(claims, k, t.value);
        } else {
          setOwn(claims, k, val);
        }
      }
    };
    // defaults' claims < the JWT's < the scenario's own claims.
    written(false);
    if (token['jwt'] !== undefined && token['jwt'] !== null) {
      const jwt = this.jwt(String(token['jwt']), i);
      if (jwt) {
        for (const [k, val] of Object.entries(jwt.claims)) setOwn(claims, k, val);
        header = jwt.header;
        length = jwt.length;
        jwtText = jwt.text;
      } else {
        ok = false;
      }
    }
    written(true);
    const signing = this.signing(token['jwks'], i, jwtText, header);
    if (!ok || signing === false) return undefined;
    return {
      claims,
      ...(header ? { header } : {}),
      ...(length !== undefined ? { length } : {}),
      ...(signing ? { signing } : {}),
    };
  }

  /** `token.jwks`: the keys that verify `token.jwt`'s signature (false: an error was reported). */
  private signing(
    value: unknown,
    i: number,
    jwt: string | undefined,
    header: Record<string, unknown> | undefined,
  ): Signing | undefined | false {
    if (value === undefined || value === null) return undefined;
    const place = this.inScenario(i, ['token', 'jwks']);
    if (jwt === undefined || header === undefined) {
      this.error(
        'jwks-without-jwt',
        'token.jwks verifies the signature of token.jwt, and this token has no jwt',
        place,
        'give the token as the issuer signed it: jwt: ./token.jwt (a compact JWT or a file holding one)',
      );
      return false;
    }
    const abs = resolve(this.dir, String(value));
    let read = this.jwksFiles.get(abs);
    if (!read) {
      read = readJwksFile(abs, displayPath(abs, this.opts.cwd));
      this.jwksFiles.set(abs, read);
    }
    if (!read.ok) {
      if (read.message !== undefined)
        this.error(
          read.missing ? 'jwks-file-not-found' : 'bad-jwks',
          read.message,
          place,
          read.hint,
        );
      for (const e of read.errors) this.push(e);
      return false;
    }
    for (const w of read.warnings) this.push(w);
    return { jwt, header, set: read.set, place };
  }

  private readonly jwtFiles = new Map<string, ReturnType<typeof readText>>();

  /** The place of character `at` of an inline JWT, when the file holds it as written. */
  private placeInJwt(i: number, value: string, at: number | undefined): Place | undefined {
    if (!this.doc || at === undefined) return undefined;
    const own = lookup(this.doc, ['scenarios', i, 'token', 'jwt']);
    const found = own.complete ? own : lookup(this.doc, ['defaults', 'token', 'jwt']);
    const range = (found.value as { range?: readonly number[] } | undefined)?.range;
    if (!found.complete || !range) return undefined;
    const k = this.text.slice(range[0], range[1]).indexOf(value.trim());
    return k < 0 ? undefined : placeAt((range[0] as number) + k + at, this.lc);
  }

  private jwt(
    value: string,
    i: number,
  ): { claims: Obj; header: Record<string, unknown>; length: number; text: string } | undefined {
    const place = this.inScenario(i, ['token', 'jwt']);
    const inline = decodeCompactJwt(value);
    if (inline.ok) return { ...inline, text: value };
    // Not a usable JWT: it may be a file name such as main.push.jwt.
    const abs = resolve(this.dir, value.trim());
    let read = this.jwtFiles.get(abs);
    if (!read) {
      read = readText(abs);
      this.jwtFiles.set(abs, read);
    }
    if (!read.ok) {
      if (read.code === 'file-not-found' && jwtShaped(value)) {
        this.error(
          'bad-jwt',
          `token.jwt: ${inline.message}`,
          this.placeInJwt(i, value, inline.at) ?? place,
          'a compact JWT is three base64url parts (header.payload.signature), as the CI job received it; or give the path of a file holding one',
        );
      } else if (read.code === 'file-not-found') {
        this.error(
          'jwt-file-not-found',
          `token.jwt: "${value}" is neither a compact JWT nor an existing file (looked for ${abs})`,
          place,
          'give a compact JWT (header.payload.signature), or a path relative to this scenario file',
        );
      } else {
        this.error(
          'bad-jwt',
          `token.jwt: the file "${value}" ${read.message}`,
          place,
          read.hint ?? 'give the path of a file holding the JWT',
        );
      }
      return undefined;
    }
    const d = decodeCompactJwt(read.text);
    if (!d.ok) {
      this.error(
        'bad-jwt',
        `token.jwt: the file "${value}" holds no usable JWT: ${d.message}`,
        place,
        'the file holds one compact JWT (header.payload.signature), as a CI job would receive it',
      );
      return undefined;
    }
    return { ...d, text: read.text };
  }
}

function cleanYamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?\s*$/, '').trim();
}

/** The claims a token shorthand (`github:`, `eks:`, …) stands for; throws when its fields build none. */
export function shorthandClaims(kind: Shorthand, input: Obj): Obj {
  switch (kind) {
    case 'github':
      return githubClaims(input as unknown as Parameters<typeof githubClaims>[0]);
    case 'eks':
      return eksClaims(input as unknown as Parameters<typeof eksClaims>[0]);
    case 'gitlab': {
      const { audience, ...rest } = input;
      return gitlabClaims({
        ...(rest as unknown as Parameters<typeof gitlabClaims>[0]),
        ...(audience !== undefined ? { aud: audience as string | string[] } : {}),
      });
    }
    case 'terraform':
      return terraformClaims(input as unknown as Parameters<typeof terraformClaims>[0]);
    case 'cognito':
      return cognitoClaims(input as unknown as Parameters<typeof cognitoClaims>[0]);
  }
}

/**
 * The request: a field written as null is absent; RoleSessionName, which every call needs, is
 * `trustspec` when not written (as `trustspec explain`'s --session-name), absent when null.
 */
function requestOf(given: unknown): RequestInput {
  const r = isPlainObject(given) ? given : {};
  const out: RequestInput = {};
  const name = r['roleSessionName'];
  if (typeof name === 'string') out.roleSessionName = name;
  else if (name === undefined) out.roleSessionName = DEFAULT_ROLE_SESSION_NAME;
  if (typeof r['durationSeconds'] === 'number') out.durationSeconds = r['durationSeconds'];
  if (typeof r['providerId'] === 'string') out.providerId = r['providerId'];
  if (typeof r['policy'] === 'string') out.policy = r['policy'];
  else if (isPlainObject(r['policy'])) out.policy = JSON.stringify(r['policy']);
  if (Array.isArray(r['policyArns'])) out.policyArns = r['policyArns'].map(String);
  return out;
}

/**
 * Loads one scenario file. Never throws for bad input: every problem of the file is in `errors`
 * (with file, line, column, code, hint and a code frame), and the scenarios that could be built
 * are returned beside them.
 */
export function loadScenarioFile(path: string, opts: LoadOptions = {}): LoadResult {
  return new FileLoader(path, opts).load();
}

/**
 * As `loadScenarioFile`, and the role sources the file names (`cloudformation:`, `cdk:`,
 * `terraform:`, `live:`, `providers: live`) are read: pass one `sources` to every file of a run,
 * so that each source is read once.
 */
export function loadScenarioFileAsync(path: string, opts: LoadOptions = {}): Promise<LoadResult> {
  return new FileLoader(path, opts).loadAsync();
}
