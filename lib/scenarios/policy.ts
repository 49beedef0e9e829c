/**
 * Trust policies for scenarios: a policy file is read, parsed and compiled once per run (the cache
 * is keyed by absolute path and shared by every scenario file); an inline policy is parsed from the
 * scenario file's own YAML node, so its problems point into the scenario file.
 */
import { extname } from 'node:path';
import type { Document, LineCounter } from 'yaml';
import type { Finding } from '../diagnostics.js';
import { parsePolicy, policyFromYamlNode } from '../policy/parse.js';
import type { ParseResult } from '../policy/model.js';
import { compilePolicy, type CompiledPolicy } from '../sts/compile.js';
import { readText } from '../files.js';
import { codeFrame, framesAllowed } from './frame.js';
import type { FileError } from './types.js';

export interface PolicyEntry {
  /** Absolute path of the policy file. */
  path: string;
  /** How the file is named in reports. */
  file: string;
  /** Set when the file could not be read (missing, not a regular file, too large, binary, not UTF-8). */
  readError?: { code: string; message: string; hint?: string };
  text?: string;
  /** The compiled policy; absent when the policy has errors. */
  compiled?: CompiledPolicy;
  errors: FileError[];
  warnings: FileError[];
  /** How many times the file was read and parsed (1: the cache works). */
  parses: number;
}

/** Shared by all the scenario files of a run; keyed by absolute policy path. */
export type PolicyCache = Map<string, PolicyEntry>;

/** Input files are read by the one safe reader (lib/files.ts): regular files of at most 5 MB. */
export { readText, type TextRead } from '../files.js';

function policyCode(code: string): string {
  return code.startsWith('policy-') ? code : `policy-${code}`;
}

/**
 * Policy findings (from parsing or compiling) as file errors and warnings; with a code frame
 * unless `frames` is false (a file that is not a policy: see `framesAllowed`).
 */
export function findingsToFileErrors(
  findings: readonly Finding[],
  file: string,
  text: string,
  fallback: { line: number; column: number } = { line: 1, column: 1 },
  frames = true,
): { errors: FileError[]; warnings: FileError[] } {
  const errors: FileError[] = [];
  const warnings: FileError[] = [];
  for (const f of findings) {
    if (f.severity === 'info') continue;
    const line = f.span?.start.line ?? fallback.line;
    const column = f.span?.start.column ?? fallback.column;
    const fe: FileError = {
      file,
      line,
      column,
      message: f.message,
      code: policyCode(f.code),
      ...(f.hint ? { hint: f.hint } : {}),
      ...(frames ? { frame: codeFrame(text, line, column) } : {}),
      severity: f.severity,
    };
    // A write-time error (IAM would refuse to store the policy) is reported but does not stop the
    // scenarios: the role may exist, and the simulation can evaluate it.
    (f.severity === 'error' && !f.writeTime ? errors : warnings).push(fe);
  }
  return { errors, warnings };
}

function finish(
  parsed: ParseResult,
  file: string,
  text: string,
  fallback?: { line: number; column: number },
  frames = true,
): Pick<PolicyEntry, 'compiled' | 'errors' | 'warnings'> {
  const { errors, warnings } = findingsToFileErrors(parsed.findings, file, text, fallback, frames);
  if (!parsed.ok) return { errors, warnings };
  const compiled = compilePolicy(parsed.policy);
  const c = findingsToFileErrors(compiled.findings, file, text, fallback, frames);
  errors.push(...c.errors);
  warnings.push(...c.warnings);
  return { ...(compiled.ok && errors.length === 0 ? { compiled } : {}), errors, warnings };
}

/** The policy file at `path`, from the cache or read, parsed and compiled now. */
export function loadPolicyFile(path: string, file: string, cache: PolicyCache): PolicyEntry {
  const cached = cache.get(path);
  if (cached) return cached;
  const entry: PolicyEntry = { path, file, errors: [], warnings: [], parses: 0 };
  cache.set(path, entry);
  const read = readText(path);
  if (!read.ok) {
    entry.readError = {
      code: read.code,
      message: read.message,
      ...(read.hint ? { hint: read.hint } : {}),
    };
    return entry;
  }
  entry.text = read.text;
  entry.parses++;
  const ext = extname(path).toLowerCase();
  const format = ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : 'auto';
  let parsed: ParseResult;
  try {
    parsed = parsePolicy(read.text, { format });
  } catch (e) {
    parsed = {
      ok: false,
      findings: [
        {
          code: 'internal-error',
          severity: 'error',
          message: `cannot parse the policy: ${(e as Error).message}`,
        },
      ],
    };
  }
  const frames = framesAllowed(
    read.text,
    parsed.findings.map((f) => f.code),
  );
  Object.assign(entry, finish(parsed, file, read.text, undefined, frames));
  return entry;
}

/** An inline policy: a mapping node of the scenario file. */
export function loadInlinePolicy(
  node: unknown,
  lineCounter: LineCounter,
  doc: Document,
  file: string,
  text: string,
  place: { line: number; column: number },
): Pick<PolicyEntry, 'compiled' | 'errors' | 'warnings'> {
  let parsed: ParseResult;
  try {
    parsed = policyFromYamlNode(node, lineCounter, { doc, text });
  } catch (e) {
    parsed = {
      ok: false,
      findings: [
        {
          code: 'internal-error',
          severity: 'error',
          message: `cannot parse the policy: ${(e as Error).message}`,
        },
      ],
    };
  }
  return finish(parsed, file, text, place);
}
