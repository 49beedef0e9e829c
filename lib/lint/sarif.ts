/**
 * Findings → a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange Format), as GitHub code
 * scanning takes it: one rule per finding code (with a description, help text and a help page),
 * one result per finding at its place in the file (path relative to the repository root, under
 * `%SRCROOT%`), and fingerprints that stay the same while the policy text they point at stays the
 * same — moving it to other lines or re-indenting it does not make a new alert.
 *
 * A pure function: no files, no clock. Columns are UTF-16 code units (`columnKind`), as trustspec
 * counts them; SARIF's `endColumn`, like trustspec's span end, is the column after the region.
 */
import { createHash } from 'node:crypto';
import type { Finding, Severity } from '../diagnostics.js';

/** The schema's own id (OASIS SARIF 2.1.0 with Errata 01). */
export const SARIF_SCHEMA =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const FINGERPRINT_KEY = 'trustspecFingerprint/v1';

/** One finding of one file. */
export interface SarifItem {
  /** The file, relative to the repository root (`/` or `\` separators). */
  file: string;
  finding: Finding & { learnMoreLink?: string; findingType?: string; names?: string[] };
  /** The file's text: the fingerprint hashes the fragment under the finding's span. */
  text?: string;
}

/** What a rule says about itself; every field optional (defaults below). */
export interface RuleText {
  /** One line (default: the code in words). */
  short?: string;
  /** Longer (default: the first finding's message). */
  full?: string;
  /** How to fix (default: the first finding's hint). */
  help?: string;
  /** A page about the rule (default: an Access Analyzer finding's learnMoreLink, else `helpUri`). */
  helpUri?: string;
}

export interface SarifTool {
  name: string;
  version: string;
  informationUri?: string;
  /** The help page of a code, e.g. a README anchor. */
  helpUri?: (code: string) => string | undefined;
  /** A rule's own words, when the caller has them. */
  describe?: (code: string) => RuleText | undefined;
}

export type SarifLevel = 'error' | 'warning' | 'note';

export interface SarifRegion {
  startLine: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId?: string };
      region: SarifRegion;
    };
  }[];
  partialFingerprints: Record<string, string>;
  properties?: Record<string, unknown>;
}

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string };
  helpUri?: string;
  defaultConfiguration: { level: SarifLevel };
  properties?: { tags: string[] };
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: {
    tool: {
      driver: {
        name: string;
        version: string;
        semanticVersion: string;
        informationUri?: string;
        rules: SarifRule[];
      };
    };
    columnKind: 'utf16CodeUnits';
    results: SarifResult[];
  }[];
}

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };

/** `wildcard-without-like` → `Wildcard without like`; `access-analyzer/MISSING_VERSION` → `Missing version`. */
export function codeInWords(code: string): string {
  const tail = code
    .slice(code.lastIndexOf('/') + 1)
    .replace(/[-_]+/g, ' ')
    .trim()
    .toLowerCase();
  return tail === '' ? code : tail[0]?.toUpperCase() + tail.slice(1);
}

/** `access-analyzer/MISSING_VERSION` → `AccessAnalyzerMissingVersion` (SARIF's rule `name`). */
function ruleName(code: string): string {
  return code
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w[0]?.toUpperCase() + w.slice(1).toLowerCase())
    .join('');
}

/**
 * The file as a URI reference: relative paths stay relative (under `%SRCROOT%`), with `/`
 * separators and each segment percent-encoded; an absolute path becomes a `file:` URI.
 */
export function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  const slashed = file.replace(/\\/g, '/');
  const drive = /^[A-Za-z]:\//.test(slashed);
  const absolute = slashed.startsWith('/') || drive;
  const segments = slashed
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .map((s, i) => (drive && i === 0 ? s : encodeURIComponent(s)));
  const path = segments.join('/');
  if (absolute) return { uri: `file:///${path}` };
  return { uri: path, uriBaseId: '%SRCROOT%' };
}

/** The text under the span without white space: what the fingerprint hashes. */
function fragment(item: SarifItem): string {
  const span = item.finding.span;
  if (!span) return '';
  if (item.text !== undefined) {
    return item.text.slice(span.start.offset, span.end.offset).replace(/\s+/g, '');
  }
  // No text: the message, without the line and column numbers some messages quote.
  return item.finding.message.replace(/\b(line|column)s? \d+/g, '$1');
}

function region(finding: Finding): SarifRegion {
  const span = finding.span;
  // A finding about the whole file: GitHub needs a line, and the file starts at line 1.
  if (!span) return { startLine: 1 };
  return {
    startLine: span.start.line,
    startColumn: span.start.column,
    endLine: span.end.line,
    endColumn: span.end.column,
  };
}

function ruleFor(code: string, first: SarifItem, tool: SarifTool): SarifRule {
  const f = first.finding;
  const own = tool.describe?.(code) ?? {};
  const helpUri = own.helpUri ?? f.learnMoreLink ?? tool.helpUri?.(code);
  const prefix = code.startsWith('access-analyzer/') ? 'Access Analyzer: ' : '';
  const security = f.findingType === 'SECURITY_WARNING';
  return {
    id: code,
    name: ruleName(code),
    shortDescription: { text: own.short ?? `${prefix}${codeInWords(code)}` },
    fullDescription: { text: own.full ?? f.message },
    help: { text: own.help ?? f.hint ?? f.message },
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: LEVEL[f.severity] },
    ...(security ? { properties: { tags: ['security'] } } : {}),
  };
}

function properties(f: SarifItem['finding']): Record<string, unknown> | undefined {
  const p: Record<string, unknown> = {};
  if (f.names) p.names = f.names;
  if (f.findingType) p.findingType = f.findingType;
  if (f.writeTime) p.writeTime = true;
  return Object.keys(p).length ? p : undefined;
}

/** A SARIF 2.1.0 log of the findings, in their order, from one run of `tool`. */
export function toSarif(items: readonly SarifItem[], tool: SarifTool): SarifLog {
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const seen = new Map<string, number>();
  const results = items.map((item): SarifResult => {
    const f = item.finding;
    let index = ruleIndex.get(f.code);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(f.code, index);
      rules.push(ruleFor(f.code, item, tool));
    }
    const location = artifactLocation(item.file);
    const hash = createHash('sha256')
      .update(`${f.code}\u0000${location.uri}\u0000${fragment(item)}`)
      .digest('hex')
      .slice(0, 32);
    // Equal fragments of one code in one file are told apart by their order, as GitHub does.
    const nth = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, nth);
    const props = properties(f);
    return {
      ruleId: f.code,
      ruleIndex: index,
      level: LEVEL[f.severity],
      message: { text: f.hint ? `${f.message}\n${f.hint}` : f.message },
      locations: [{ physicalLocation: { artifactLocation: location, region: region(f) } }],
      partialFingerprints: { [FINGERPRINT_KEY]: `${hash}:${nth}` },
      ...(props ? { properties: props } : {}),
    };
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            semanticVersion: tool.version,
            ...(tool.informationUri ? { informationUri: tool.informationUri } : {}),
            rules,
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}
