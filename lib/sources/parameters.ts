/**
 * Parameter files in the three formats AWS's tools read (the same three AWS's
 * cloudformation-iam-policy-validator accepts, shared notes §6.1):
 *
 * - the CLI's `aws cloudformation create-stack --parameters file://…`:
 *   `[{"ParameterKey": "K", "ParameterValue": "V"}, …]`;
 * - CodePipeline's template configuration (also read by `aws cloudformation deploy
 *   --parameter-overrides file://…`): `{"Parameters": {"K": "V"}, "Tags": {…}}`;
 * - `aws cloudformation deploy --parameter-overrides`' list form: `["K=V", …]`.
 */
import type { Span } from '../diagnostics.js';
import type { AstNode } from '../policy/ast.js';
import { parseJson } from '../policy/json.js';
import type { SourceFinding } from './types.js';

export type ParameterValues = Record<string, string | string[]>;

export interface ParametersFileResult {
  values: ParameterValues;
  findings: SourceFinding[];
}

function scalarText(node: AstNode): string | string[] | undefined {
  if (node.kind === 'string') return node.value;
  if (node.kind === 'number') return node.raw;
  if (node.kind === 'boolean') return String(node.value);
  if (node.kind === 'array' && node.items.every((i) => i.kind === 'string')) {
    return node.items.map((i) => (i as { value: string }).value);
  }
  return undefined;
}

const FORMATS_HINT =
  'write [{"ParameterKey": "K", "ParameterValue": "V"}], {"Parameters": {"K": "V"}} or ["K=V"]';

export function readParametersFile(text: string, file: string): ParametersFileResult {
  const parsed = parseJson(text);
  const findings: SourceFinding[] = parsed.findings.map((f) => ({ ...f, file }));
  const values: ParameterValues = {};
  const root = parsed.ast;
  if (!root || findings.some((f) => f.severity === 'error')) return { values, findings };
  const bad = (span: Span, message: string) =>
    findings.push({
      code: 'parameters-file-format',
      severity: 'error',
      message,
      span,
      file,
      hint: FORMATS_HINT,
    });
  const put = (key: string, value: string | string[] | undefined, span: Span) => {
    if (value === undefined) bad(span, `the value of parameter ${key} is not a string`);
    else values[key] = value;
  };
  if (root.kind === 'object') {
    const params = root.members.find((m) => m.key === 'Parameters');
    if (!params || params.value.kind !== 'object') {
      bad(root.span, 'a parameters object needs a "Parameters" mapping');
      return { values, findings };
    }
    for (const m of params.value.members) put(m.key, scalarText(m.value), m.value.span);
  } else if (root.kind === 'array') {
    for (const item of root.items) {
      if (item.kind === 'string') {
        const eq = item.value.indexOf('=');
        if (eq <= 0) bad(item.span, `"${item.value}" is not KEY=VALUE`);
        else values[item.value.slice(0, eq)] = item.value.slice(eq + 1);
      } else if (item.kind === 'object') {
        const key = item.members.find((m) => m.key === 'ParameterKey')?.value;
        const value = item.members.find((m) => m.key === 'ParameterValue')?.value;
        const previous = item.members.find((m) => m.key === 'UsePreviousValue')?.value;
        if (!key || key.kind !== 'string') bad(item.span, 'an item needs a ParameterKey string');
        else if (!value) {
          bad(
            item.span,
            previous
              ? `parameter ${key.value} uses its previous value, which only the deployed stack knows`
              : `parameter ${key.value} has no ParameterValue`,
          );
        } else put(key.value, scalarText(value), value.span);
      } else bad(item.span, 'each item is "KEY=VALUE" or {"ParameterKey": …, "ParameterValue": …}');
    }
  } else bad(root.span, 'a parameters file is a list or an object');
  return { values, findings };
}
