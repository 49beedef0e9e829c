/**
 * Places a path of a policy sent to Access Analyzer as JSON back in its YAML source (a YAML policy
 * file, or the inline `role.trustPolicy` of a scenario file): the text AWS sees is not the file's
 * text, so its spans are replaced by the spans of the same path in the source.
 */
import type { LineCounter, Node } from 'yaml';
import { yaml } from '../packages.js';
import type { Span } from '../diagnostics.js';
import { yamlPosition as position } from '../policy/yaml.js';
import type { Locator } from '../aws/access-analyzer-findings.js';

function spanOf(
  lc: LineCounter,
  node: { range?: [number, number, number] | null },
): Span | undefined {
  const r = node.range;
  if (!r) return undefined;
  return { start: position(lc, r[0]), end: position(lc, r[1]) };
}

/**
 * The value at `base` of a YAML text, as JSON text, with a locator for paths in it; undefined
 * when the text does not parse or holds no mapping there.
 */
export function yamlPolicy(
  text: string,
  base: readonly (string | number)[] = [],
): { json: string; locate: Locator } | undefined {
  const lc = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter: lc, uniqueKeys: false });
  if (doc.errors.length > 0) return undefined;
  const root = base.length === 0 ? doc.contents : doc.getIn(base, true);
  if (!yaml().isMap(root)) return undefined;
  const value: unknown = (root as Node).toJSON();
  const locate: Locator = (path, part) => {
    let node: unknown = root;
    let keyNode: unknown;
    for (const step of path) {
      keyNode = undefined;
      if (typeof step === 'number') {
        if (!yaml().isSeq(node)) return undefined;
        node = node.items[step];
      } else if (yaml().isMap(node)) {
        const pair = node.items.find((p) => yaml().isScalar(p.key) && String(p.key.value) === step);
        if (!pair) return undefined;
        keyNode = pair.key;
        node = pair.value;
      } else return undefined;
    }
    const target = part === 'key' ? keyNode : node;
    return target && typeof target === 'object' ? spanOf(lc, target as Node) : undefined;
  };
  return { json: JSON.stringify(value, null, 2), locate };
}
