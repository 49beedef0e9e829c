/**
 * The JSON that `terraform show -json` prints, for a plan or for a state (format 1.x,
 * https://developer.hashicorp.com/terraform/internals/json-format), read with positions: every
 * resource instance with its values, which of them are known only after apply, where it sits in
 * the file (span and JSON pointer), and the configuration's references for it.
 *
 * Where each kind of instance is found:
 * - plan, managed resources: `resource_changes[]` (`change.after`, `change.after_unknown`,
 *   `change.actions`) — "all resources in the configuration are included in this list";
 * - plan, data sources read while planning: only in `prior_state.values.root_module` (a real
 *   Terraform 1.5.7 plan has them nowhere else); data sources read during apply are in
 *   `resource_changes` with `actions: ["read"]` and an `action_reason`;
 * - state: `values.root_module`, with `child_modules` nested; deposed objects (`deposed_key`,
 *   `deposed`) are skipped: they are about to be destroyed.
 */
import type { Finding, Span } from '../diagnostics.js';
import type { AstNode, AstObject, LineIndex } from '../policy/ast.js';
import { parseJson } from '../policy/json.js';

export interface TfInstance {
  address: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  /** `module.a[0].module.b`, absent in the root module. */
  module?: string;
  /** The attribute values (`change.after` or `values`); undefined when the object goes away. */
  values?: AstObject;
  /** JSON pointer of `values`. */
  pointer: string;
  /** `change.after_unknown`, for plan changes. */
  unknown?: AstNode;
  unknownPointer?: string;
  /** The whole entry, for its place in the file. */
  entry: AstObject;
  origin: 'resource_changes' | 'prior_state' | 'values';
  actions?: string[];
  actionReason?: string;
}

export interface TfDocument {
  kind: 'plan' | 'state';
  formatVersion: string;
  terraformVersion?: string;
  errored: boolean;
  instances: TfInstance[];
  /** `configuration.root_module` of a plan. */
  config?: AstObject;
  lines: LineIndex;
}

/** The last member named `key` (as `JSON.parse` keeps it). */
export function member(node: AstNode | undefined, key: string): AstNode | undefined {
  if (!node || node.kind !== 'object') return undefined;
  let found: AstNode | undefined;
  for (const m of node.members) if (m.key === key) found = m.value;
  return found;
}

export function memberSpan(node: AstObject, key: string): Span | undefined {
  let found: Span | undefined;
  for (const m of node.members) if (m.key === key) found = m.span;
  return found;
}

export function stringOf(node: AstNode | undefined): string | undefined {
  return node?.kind === 'string' ? node.value : undefined;
}

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
export function pointerStep(key: string | number): string {
  return `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** True when `node` is `true` or holds a `true` leaf: all or part of the value is unknown. */
export function hasUnknown(node: AstNode | undefined): boolean {
  if (!node) return false;
  if (node.kind === 'boolean') return node.value;
  if (node.kind === 'array') return node.items.some(hasUnknown);
  if (node.kind === 'object') return node.members.some((m) => hasUnknown(m.value));
  return false;
}

function instanceBase(
  entry: AstObject,
): Pick<TfInstance, 'address' | 'mode' | 'type' | 'name'> | undefined {
  const address = stringOf(member(entry, 'address'));
  const type = stringOf(member(entry, 'type'));
  const name = stringOf(member(entry, 'name'));
  const mode = stringOf(member(entry, 'mode'));
  if (!address || !type || !name || (mode !== 'managed' && mode !== 'data')) return undefined;
  return { address, type, name, mode };
}

function moduleOf(address: string, mode: string, type: string): string | undefined {
  const marker = `${mode === 'data' ? 'data.' : ''}${type}.`;
  const at = address.lastIndexOf(marker);
  return at > 0 ? address.slice(0, at - 1) : undefined;
}

/** `values.root_module` (or `prior_state.values.root_module`), child modules included. */
function walkModule(
  module: AstNode | undefined,
  pointer: string,
  origin: TfInstance['origin'],
  keep: (mode: string) => boolean,
  out: TfInstance[],
): void {
  if (!module || module.kind !== 'object') return;
  const resources = member(module, 'resources');
  if (resources?.kind === 'array') {
    resources.items.forEach((entry, i) => {
      if (entry.kind !== 'object' || member(entry, 'deposed_key') !== undefined) return;
      const base = instanceBase(entry);
      if (!base || !keep(base.mode)) return;
      const values = member(entry, 'values');
      const mod = moduleOf(base.address, base.mode, base.type);
      out.push({
        ...base,
        ...(mod ? { module: mod } : {}),
        ...(values?.kind === 'object' ? { values } : {}),
        pointer: `${pointer}/resources/${i}/values`,
        entry,
        origin,
      });
    });
  }
  const children = member(module, 'child_modules');
  if (children?.kind === 'array') {
    children.items.forEach((child, i) =>
      walkModule(child, `${pointer}/child_modules/${i}`, origin, keep, out),
    );
  }
}

function changes(root: AstObject, out: TfInstance[]): void {
  const list = member(root, 'resource_changes');
  if (list?.kind !== 'array') return;
  list.items.forEach((entry, i) => {
    if (entry.kind !== 'object' || member(entry, 'deposed') !== undefined) return;
    const base = instanceBase(entry);
    const change = member(entry, 'change');
    if (!base || change?.kind !== 'object') return;
    const after = member(change, 'after');
    const unknown = member(change, 'after_unknown');
    const actions = member(change, 'actions');
    const reason = stringOf(member(entry, 'action_reason'));
    const mod =
      stringOf(member(entry, 'module_address')) ?? moduleOf(base.address, base.mode, base.type);
    out.push({
      ...base,
      ...(mod ? { module: mod } : {}),
      ...(after?.kind === 'object' ? { values: after } : {}),
      pointer: `/resource_changes/${i}/change/after`,
      ...(unknown
        ? { unknown, unknownPointer: `/resource_changes/${i}/change/after_unknown` }
        : {}),
      entry,
      origin: 'resource_changes',
      actions:
        actions?.kind === 'array'
          ? actions.items.map((a) => stringOf(a)).filter((a): a is string => a !== undefined)
          : [],
      ...(reason ? { actionReason: reason } : {}),
    });
  });
}

export interface ReadResult {
  doc?: TfDocument;
  findings: Finding[];
}

function problem(code: string, message: string, hint: string, span?: Span): Finding {
  return { code, severity: 'error', message, hint, ...(span ? { span } : {}) };
}

const SHOW_JSON =
  'terraform show -json tfplan > plan.json (or, for the state: terraform show -json > state.json)';

/** The text of a `terraform show -json` output → its instances, or why it is not one. */
export function readTerraformJson(text: string): ReadResult {
  const parsed = parseJson(text, { duplicateKeys: false });
  const root = parsed.ast;
  if (!root || parsed.findings.some((f) => f.severity === 'error')) {
    return {
      findings: parsed.findings.map((f) => ({
        ...f,
        hint: `${f.hint ? `${f.hint}; ` : ''}the file must be the JSON output of ${SHOW_JSON}`,
      })),
    };
  }
  if (root.kind !== 'object') {
    return {
      findings: [
        problem(
          'tf-not-show-json',
          `the file holds ${root.kind === 'array' ? 'a list' : 'a value'}, not the object terraform show -json prints`,
          `give the output of ${SHOW_JSON}`,
          root.span,
        ),
      ],
    };
  }
  const version = member(root, 'format_version');
  if (version === undefined) {
    const rawState =
      member(root, 'version')?.kind === 'number' && member(root, 'resources') !== undefined;
    return {
      findings: [
        problem(
          rawState ? 'tf-raw-state' : 'tf-not-show-json',
          rawState
            ? 'this is a state file as Terraform stores it (terraform.tfstate), not the output of terraform show -json'
            : 'no format_version: this is not the output of terraform show -json',
          `run ${SHOW_JSON}`,
          root.span,
        ),
      ],
    };
  }
  const formatVersion = stringOf(version) ?? '';
  if (!/^1\.\d+$/.test(formatVersion)) {
    return {
      findings: [
        problem(
          'tf-format-version',
          `format_version ${JSON.stringify(formatVersion || version.kind)} is not a 1.x version; trustspec reads format 1 (Terraform 0.12 and later; a new major version may change the meaning of the fields)`,
          'use a Terraform release whose show -json prints format_version "1.x", or report the new format',
          version.span,
        ),
      ],
    };
  }
  const instances: TfInstance[] = [];
  const isPlan =
    member(root, 'resource_changes') !== undefined ||
    member(root, 'planned_values') !== undefined ||
    member(root, 'prior_state') !== undefined;
  if (isPlan) {
    changes(root, instances);
    const seen = new Set(instances.map((i) => i.address));
    const prior: TfInstance[] = [];
    walkModule(
      member(member(member(root, 'prior_state'), 'values'), 'root_module'),
      '/prior_state/values/root_module',
      'prior_state',
      (mode) => mode === 'data',
      prior,
    );
    for (const p of prior) if (!seen.has(p.address)) instances.push(p);
  } else {
    walkModule(
      member(member(root, 'values'), 'root_module'),
      '/values/root_module',
      'values',
      () => true,
      instances,
    );
  }
  const config = member(member(root, 'configuration'), 'root_module');
  const tfVersion = stringOf(member(root, 'terraform_version'));
  return {
    doc: {
      kind: isPlan ? 'plan' : 'state',
      formatVersion,
      ...(tfVersion ? { terraformVersion: tfVersion } : {}),
      errored:
        member(root, 'errored')?.kind === 'boolean' &&
        (member(root, 'errored') as { value: boolean }).value,
      instances,
      ...(config?.kind === 'object' ? { config } : {}),
      lines: parsed.lines,
    },
    findings: [],
  };
}

/** `module.a[0].module.b["x"]` → `['a', 'b']`: the module calls, instance keys dropped. */
export function moduleCalls(module: string | undefined): string[] {
  if (!module) return [];
  const out: string[] = [];
  const re = /module\.([A-Za-z0-9_-]+)(?:\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?/g;
  for (let m = re.exec(module); m; m = re.exec(module)) out.push(m[1] as string);
  return out;
}

/** The configuration block of an instance (`resources[]` of its module), when the plan has one. */
export function configOf(doc: TfDocument, inst: TfInstance): AstObject | undefined {
  let module: AstNode | undefined = doc.config;
  for (const call of moduleCalls(inst.module)) {
    module = member(member(member(module, 'module_calls'), call), 'module');
  }
  const resources = member(module, 'resources');
  if (resources?.kind !== 'array') return undefined;
  const local = `${inst.mode === 'data' ? 'data.' : ''}${inst.type}.${inst.name}`;
  for (const r of resources.items) {
    if (r.kind === 'object' && stringOf(member(r, 'address')) === local) return r;
  }
  return undefined;
}

/** Every `references` string under an expression tree, most specific first, no repeats. */
export function referencesIn(node: AstNode | undefined): string[] {
  const all: string[] = [];
  const visit = (n: AstNode | undefined): void => {
    if (!n) return;
    if (n.kind === 'array') n.items.forEach(visit);
    if (n.kind !== 'object') return;
    for (const m of n.members) {
      if (m.key === 'references' && m.value.kind === 'array') {
        for (const r of m.value.items) if (r.kind === 'string') all.push(r.value);
      } else visit(m.value);
    }
  };
  visit(node);
  // "a.b.c" implies "a.b" and "a" (the format lists them too): keep the longest.
  const unique = [...new Set(all)];
  return unique.filter(
    (r) => !unique.some((o) => o !== r && (o.startsWith(`${r}.`) || o.startsWith(`${r}[`))),
  );
}
