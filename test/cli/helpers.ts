/**
 * Driving the command line: `cli()` calls `main(argv, io)` in this process with captured streams,
 * a cwd, an environment and a fixed clock (what almost every CLI test uses); `trustspec()` runs the
 * real, built `node dist/bin/trustspec.js ...` in a child process (the smoke tests). Both see an
 * environment free of the test runner's own settings (tap sets NO_COLOR, FORCE_COLOR and a
 * NODE_OPTIONS hook for its children). Also readers for what the reporters print.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Parser, type FinalResults, type Result } from 'tap-parser';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Test } from 'tap';
import { main } from '../../lib/cli/main.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(REPO, 'dist', 'bin', 'trustspec.js');
export const FIXTURES = join(REPO, 'test', 'fixtures', 'cli');
export const SPEC_EXAMPLES = join(REPO, 'spec-examples');
/** The clock every fixture of test/fixtures/cli is written for. */
export const NOW = '2026-06-01T00:00:00Z';

/** A line of a JavaScript stack trace. */
export const STACK_LINE = /^\s+at /m;
/** Any ANSI escape sequence (CSI). */
// eslint-disable-next-line no-control-regex
export const ANSI = /\u001b\[/;
/** An SGR sequence (colors, bold, dim), to strip them. */
// eslint-disable-next-line no-control-regex
export const SGR = /\u001b\[[0-9;]*m/g;

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  /** Added to the clean environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Standard input (`--jwt -`); none means an empty one. */
  input?: string;
}

export interface CliOptions extends RunOptions {
  /** Whether stdout and stderr say they are terminals (default: no, like a pipe). */
  isTTY?: boolean;
  /** The wall clock the command sees, in epoch ms (default: NOW). */
  now?: number;
}

/** The runner's variables that must not reach the CLI, and the ones tests set themselves. */
const DROP = /^(TAP|_TAPJS_|NODE_OPTIONS$|NODE_V8_COVERAGE$|NO_COLOR$|FORCE_COLOR$|TRUSTSPEC_)/;

export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!DROP.test(k)) env[k] = v;
  env['TZ'] = 'UTC';
  // No code cache in the user's folders (test/compile-cache.test.ts tests it in its own).
  env['TRUSTSPEC_COMPILE_CACHE'] = 'off';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** A stdout or stderr that keeps what is written to it. */
export class Capture extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super({ decodeStrings: false });
  }
  override _write(chunk: string | Buffer, _encoding: string, done: () => void): void {
    this.text += String(chunk);
    done();
  }
}

/** What `runMain` passes to `main`: the environment exactly as given, nothing added. */
export interface MainIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  isTTY?: boolean;
  /** The clock in epoch ms; none: the command's own default (the wall clock). */
  now?: number;
  /** Standard input; none: an empty one. */
  input?: string;
}

/** `main(args, io)` in this process with captured stdout and stderr; every in-process harness uses it. */
export async function runMain(args: string[], opts: MainIo): Promise<Run & { status: number }> {
  const stdout = new Capture(opts.isTTY === true);
  const stderr = new Capture(opts.isTTY === true);
  const now = opts.now;
  const status = await main(args, {
    stdout,
    stderr,
    cwd: opts.cwd,
    env: opts.env,
    ...(now !== undefined ? { now: () => now } : {}),
    readStdin: () => opts.input ?? '',
  });
  return { status, stdout: stdout.text, stderr: stderr.text };
}

/**
 * Runs the command in this process: `main(args, io)` with captured output. Like `trustspec()`, the
 * environment is the clean one (TZ=UTC unless `env` says otherwise) and stdin is `input` or empty.
 * The process's TZ is set from that environment for the call, since dates read it (a child would
 * have its own), and put back after.
 */
export async function cli(args: string[], opts: CliOptions = {}): Promise<Run> {
  const env = cleanEnv(opts.env);
  const tz = process.env['TZ'];
  setTz(env['TZ']);
  try {
    return await runMain(args, {
      cwd: opts.cwd ?? REPO,
      env,
      isTTY: opts.isTTY === true,
      now: opts.now ?? Date.parse(NOW),
      ...(opts.input !== undefined ? { input: opts.input } : {}),
    });
  } finally {
    setTz(tz);
  }
}

function setTz(tz: string | undefined): void {
  if (tz === undefined) delete process.env['TZ'];
  else process.env['TZ'] = tz;
}

let spawns = 0;
/** How many times this test file started the CLI (to keep the suite fast). */
export const spawnCount = (): number => spawns;

/** Runs the built bin with `args`; stdout and stderr are piped, so neither is a TTY. */
export function trustspec(args: string[], opts: RunOptions = {}): Run {
  spawns++;
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? REPO,
    env: cleanEnv(opts.env),
    encoding: 'utf8',
    // A guard against a hang, not a measure of speed: far above what a loaded machine needs (a
    // spawn is about a second of CPU), below tap's per-file limit.
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temporary folder holding a copy of test/fixtures/cli plus `extra` files. */
export function fixtureDir(t: Test, extra: Parameters<Test['testdir']>[0] = {}): string {
  const dir = t.testdir(extra);
  cpSync(FIXTURES, dir, { recursive: true });
  return dir;
}

/** 1-based line and column of the first occurrence of `needle` in a file's text. */
export function placeOf(text: string, needle: string): { line: number; column: number } {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`"${needle}" is not in the text`);
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: (before[before.length - 1] as string).length + 1 };
}

/** The line and column of `- name: NAME` in a scenario file: where a scenario's place is. */
export function scenarioPlace(file: string, name: string): { line: number; column: number } {
  const p = placeOf(readFileSync(file, 'utf8'), `- name: ${name}\n`);
  return { line: p.line, column: p.column + 2 };
}

// ── the reporters' formats, read back by real consumers ──────────────────────────────────────

export interface ParsedTap {
  final: FinalResults;
  /** Top-level test points. */
  asserts: Result[];
  /** Lines that are not TAP. */
  extra: string[];
  version: number | undefined;
}

export function parseTap(text: string): ParsedTap {
  const asserts: Result[] = [];
  const extra: string[] = [];
  let final: FinalResults | undefined;
  let version: number | undefined;
  const parser = new Parser({ strict: true });
  parser.on('assert', (r: Result) => asserts.push(r));
  parser.on('extra', (line: string) => extra.push(line));
  parser.on('version', (v: number) => (version = v));
  parser.on('complete', (r: FinalResults) => (final = r));
  parser.end(text);
  if (final === undefined) throw new Error('tap-parser did not complete');
  return { final, asserts, extra, version };
}

export interface JunitCase {
  '@name': string;
  '@line'?: string;
  failure?: { '@message': string; '@type': string; '#text'?: string };
  error?: { '@message': string; '@type': string; '#text'?: string };
  skipped?: { '@message': string };
}
export interface JunitSuite {
  '@name': string;
  '@tests': string;
  '@failures': string;
  '@errors': string;
  '@skipped': string;
  testcase?: JunitCase[];
}
export interface Junit {
  testsuites: {
    '@tests': string;
    '@failures': string;
    '@errors': string;
    testsuite?: JunitSuite[];
  };
}

/** Well-formed XML, parsed with attributes as `@name` and suites/cases always as lists. */
export function parseJunit(xml: string): Junit {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid.err)}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseAttributeValue: false,
    parseTagValue: false,
    isArray: (name) => name === 'testsuite' || name === 'testcase',
  });
  return parser.parse(xml) as Junit;
}

/** The JSON report of the contract (scenario-format.md) and what trustspec adds to it. */
export interface JsonResult {
  file: string;
  line: number;
  name: string;
  expected: 'allow' | 'deny';
  decision: 'allow' | 'deny' | null;
  /** A property's verdict; null for a scenario. */
  property: { kind: string; result: string } | null;
  stage: string | null;
  code: string | null;
  ok: boolean;
  explanation: {
    checks: { id: string; ok: boolean }[];
    diagnoses: { cause: string; title: string; fix: string }[];
  } | null;
  skipped?: boolean;
  skipReason?: string | null;
}
export interface JsonFileError {
  file: string;
  line: number;
  column: number;
  message: string;
  code?: string;
  frame?: string | null;
}
export interface JsonReport {
  version: number;
  summary: {
    files: number;
    scenarios: number;
    passed: number;
    failed: number;
    errors: number;
    skipped?: number;
    warnings?: number;
  };
  results: JsonResult[];
  errors: JsonFileError[];
  warnings?: JsonFileError[];
}

export const CONTRACT_TOP_KEYS = ['version', 'summary', 'results', 'errors'];
export const CONTRACT_SUMMARY_KEYS = ['files', 'scenarios', 'passed', 'failed', 'errors'];
export const CONTRACT_RESULT_KEYS = [
  'file',
  'line',
  'name',
  'expected',
  'decision',
  'stage',
  'code',
  'ok',
  'explanation',
];
export const CONTRACT_ERROR_KEYS = ['file', 'line', 'column', 'message'];

/** `3 passed, 1 failed, 0 skipped, 2 errors · 4 files` → the numbers. */
export function summaryOf(human: string): {
  passed: number;
  failed: number;
  skipped: number;
  errors: number;
  files: number;
} {
  const m =
    /^(\d+) passed, (\d+) failed, (\d+) skipped, (\d+) errors?(?:, \d+ warnings?)?(?:, \d+ suppressed)? · (\d+) files?$/m.exec(
      human,
    );
  if (!m) throw new Error(`no summary line in:\n${human}`);
  const [passed, failed, skipped, errors, files] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return { passed, failed, skipped, errors, files };
}

/** A compact JWT with the given claims: base64url header and payload, and a dummy signature. */
export function compactJwt(claims: Record<string, unknown>): string {
  const part = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256' })}.${part(claims)}.${Buffer.from('not a signature').toString('base64url')}`;
}
