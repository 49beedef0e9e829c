/** Real consumers of the reporters' output: tap-parser, fast-xml-parser, a workflow-command reader. */
import { Parser, type Result } from 'tap-parser';
import type { FinalResults } from 'tap-parser';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface ParsedTap {
  final: FinalResults;
  asserts: Result[];
  bailouts: string[];
  /** Lines tap-parser could not read as TAP (garbage YAML lands here too). */
  extra: string[];
  comments: string[];
  version: number | undefined;
}

export function parseTap(text: string): ParsedTap {
  const asserts: Result[] = [];
  const bailouts: string[] = [];
  const extra: string[] = [];
  const comments: string[] = [];
  let final: FinalResults | undefined;
  let version: number | undefined;
  const parser = new Parser({ strict: true });
  parser.on('assert', (r: Result) => asserts.push(r));
  parser.on('bailout', (reason: string) => bailouts.push(reason));
  parser.on('extra', (line: string) => extra.push(line));
  parser.on('comment', (line: string) => comments.push(line));
  parser.on('version', (v: number) => (version = v));
  parser.on('complete', (r: FinalResults) => (final = r));
  parser.end(text);
  if (final === undefined) throw new Error('tap-parser did not complete');
  return { final, asserts, bailouts, extra, comments, version };
}

export interface XmlNode {
  [key: string]: unknown;
}

/** Parse JUnit XML after checking it is well-formed; testsuite/testcase always arrays. */
export function parseJunit(xml: string): { testsuites: XmlNode & { testsuite: XmlNode[] } } {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`invalid XML: ${JSON.stringify(valid.err)}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    htmlEntities: true,
    isArray: (name) => name === 'testsuite' || name === 'testcase',
  });
  return parser.parse(xml) as { testsuites: XmlNode & { testsuite: XmlNode[] } };
}

/**
 * What fast-xml-parser's validator lets through but XML 1.0 forbids: characters outside the
 * Char production, a `&` that starts no reference, a `<` inside an attribute value.
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  for (const ch of xml) {
    const c = ch.codePointAt(0) as number;
    const ok =
      c === 0x09 ||
      c === 0x0a ||
      c === 0x0d ||
      (c >= 0x20 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd) ||
      c >= 0x10000;
    if (!ok) problems.push(`illegal character U+${c.toString(16)}`);
  }
  for (const m of xml.matchAll(/&([^;\s]*);?/g)) {
    if (!/^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);$/.test(m[0])) {
      problems.push(`bad reference ${m[0]}`);
    }
  }
  for (const m of xml.matchAll(/="([^"]*)"/g)) {
    if ((m[1] as string).includes('<')) problems.push(`< in attribute ${m[0]}`);
  }
  return problems;
}

export interface WorkflowCommand {
  kind: string;
  props: Record<string, string>;
  message: string;
}

const unescapeData = (s: string): string =>
  s.replace(
    /%(25|0D|0A)/g,
    (_m, code: string) => ({ '25': '%', '0D': '\r', '0A': '\n' })[code] as string,
  );
const unescapeProperty = (s: string): string =>
  s.replace(
    /%(25|0D|0A|3A|2C)/g,
    (_m, code: string) =>
      ({ '25': '%', '0D': '\r', '0A': '\n', '3A': ':', '2C': ',' })[code] as string,
  );

/** Read one `::kind k=v,k=v::message` line as the Actions runner does. */
export function parseCommand(line: string): WorkflowCommand {
  const m = /^::([a-z]+)(?: ([^:]*))?::(.*)$/s.exec(line);
  if (!m) throw new Error(`not a workflow command: ${line}`);
  const props: Record<string, string> = {};
  for (const pair of (m[2] ?? '').split(',').filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`bad property ${pair}`);
    props[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
  }
  return { kind: m[1] as string, props, message: unescapeData(m[3] as string) };
}

// eslint-disable-next-line no-control-regex
export const ANSI = /\u001b\[[0-9;]*m/;

/** A control character other than tab, LF, CR. */
// eslint-disable-next-line no-control-regex
export const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** The escape character, anywhere. */
// eslint-disable-next-line no-control-regex
export const ESC_RE = /\u001b/;
