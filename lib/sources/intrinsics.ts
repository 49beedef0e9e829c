/**
 * The CloudFormation intrinsic functions, evaluated over a positioned template the way
 * CloudFormation evaluates them at deployment — with parameters (given, or their Default),
 * pseudo parameters, Conditions and Mappings — as far as that is possible before deployment.
 * What cannot be known (an attribute of a resource created by the stack, an export of another
 * stack, an SSM parameter, a parameter with no value) is an `unknown` value carrying the place,
 * the construct and the key with which to supply it: never a guess.
 *
 * Only what a caller asks for is evaluated (a role's trust policy and facts, the providers), so
 * an unresolvable value elsewhere in the template does not stand in the way.
 */
import type { Span } from '../diagnostics.js';
import { isAccountId, partitionById, partitionOfRegion } from './partitions.js';
import { cidr } from './cidr.js';
import { resourceAttribute, resourceRef } from './resources.js';
import { supplyKey } from './supply.js';
import {
  get,
  member,
  str,
  type CharMap,
  type TNode,
  type TObject,
  type Template,
} from './template.js';
import type { SourceFinding } from './types.js';
import {
  causesOf,
  concat,
  text,
  unknown,
  type Cause,
  type Frame,
  type Origin,
  type PNode,
  type PScalar,
  type PUnknown,
} from './values.js';

/** What the evaluation may use besides the template. */
export interface EvalEnv {
  account?: string;
  region?: string;
  partition?: string;
  stackName?: string;
  /** Parameter values given by the user (lists for list-typed parameters, or `a,b` text). */
  parameters?: Readonly<Record<string, string | readonly string[]>>;
  /** Where the given parameters came from, for provenance (e.g. `params.json`). */
  parametersFrom?: string;
  /** Values known only after deployment: `LogicalId` (its Ref) or `LogicalId.Attribute`. */
  resources?: Readonly<Record<string, unknown>>;
  /** `Fn::ImportValue` export name → value. */
  imports?: Readonly<Record<string, unknown>>;
  /** A value for one of this template's parameters from elsewhere (a nested stack's parent). */
  externalParameter?: (name: string, at: Span) => PNode | undefined;
  /** The value of an export of another stack that can be read (same cloud assembly). */
  exportValue?: (name: string, at: Span) => PNode | undefined;
  /** `Fn::GetAtt NestedStack.Outputs.Name` of a nested stack whose template can be read. */
  nestedOutput?: (logicalId: string, output: string, at: Span) => PNode | undefined;
}

/** Is `v` a parameter type whose `Ref` is a list? */
export function isListType(type: string): boolean {
  return (
    type === 'CommaDelimitedList' ||
    type.startsWith('List<') ||
    /^AWS::SSM::Parameter::Value<(List<.*>|CommaDelimitedList)>$/.test(type)
  );
}

const PSEUDO = [
  'AWS::AccountId',
  'AWS::Region',
  'AWS::Partition',
  'AWS::URLSuffix',
  'AWS::StackName',
  'AWS::StackId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
];

/** Functions that need a transform (or are valid only in Rules): refused, with the way out. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  'Fn::Transform': 'Fn::Transform runs a macro at deployment',
  'Fn::Length': 'Fn::Length needs the AWS::LanguageExtensions transform',
  'Fn::ToJsonString': 'Fn::ToJsonString needs the AWS::LanguageExtensions transform',
  'Fn::Contains': 'Fn::Contains is valid only in Rules',
};
const PROCESSED_HINT =
  'test the processed template instead: aws cloudformation get-template --stack-name STACK --template-stage Processed';

/** The name of an intrinsic as written: `!Sub` for a short form, `Fn::Sub` otherwise. */
function written(node: TObject, name: string): string {
  return node.tag ?? name;
}

/** Fixed-position CharMap for a substituted value: every character at its reference. */
const at0 =
  (span: Span): CharMap =>
  () =>
    span.start;

export class Evaluator {
  readonly file: string;
  readonly warnings: SourceFinding[] = [];
  private readonly root: TNode;
  private readonly conditionMemo = new Map<string, boolean | PUnknown>();
  private readonly conditionStack = new Set<string>();
  /** Resource attributes being evaluated (a cycle is an invalid template). */
  readonly attributeStack = new Set<string>();
  readonly attributeMemo = new Map<string, PNode>();

  constructor(
    readonly template: Template,
    readonly env: EvalEnv,
  ) {
    this.file = template.file;
    if (!template.root) throw new Error(`${template.file}: evaluate only a template that was read`);
    this.root = template.root;
  }

  // ── causes ───────────────────────────────────────────────────────────────────────────────

  cause(code: string, message: string, span: Span, keys: string[], invalid = false): PUnknown {
    const c: Cause = {
      code,
      message,
      file: this.file,
      span,
      keys,
      frames: [],
      ...(invalid ? { invalid: true as const } : {}),
    };
    return unknown(span, [c]);
  }

  invalid(message: string, span: Span, hint: string, code = 'cfn-invalid-template'): PUnknown {
    const u = this.cause(code, message, span, [], true);
    (u.causes[0] as Cause).keys = [hint];
    return u;
  }

  /** Adds a step to the causes of an unknown value: how the place of use reached them. */
  wrap(p: PNode, frame: Omit<Frame, 'file'>, keys: string[] = []): PNode {
    if (p.k !== 'unknown') return p;
    return unknown(
      frame.span,
      p.causes.map((c) => ({
        ...c,
        frames: [{ ...frame, file: this.file }, ...c.frames],
        keys: c.invalid ? c.keys : [...keys, ...c.keys.filter((k) => !keys.includes(k))],
      })),
    );
  }

  warn(code: string, message: string, span: Span, hint?: string): void {
    if (this.warnings.some((w) => w.code === code && w.message === message)) return;
    this.warnings.push({
      code,
      severity: 'warning',
      message,
      span,
      file: this.file,
      ...(hint ? { hint } : {}),
    });
  }

  // ── template sections ────────────────────────────────────────────────────────────────────

  section(name: string): TNode | undefined {
    return get(this.root, name);
  }

  resource(logicalId: string): TObject | undefined {
    const r = get(this.section('Resources'), logicalId);
    return r && r.kind === 'object' ? r : undefined;
  }

  /** Where the resource is named (its logical id in Resources), for findings about it. */
  resourcePlace(logicalId: string): Span | undefined {
    return member(this.section('Resources'), logicalId)?.keySpan;
  }

  resourceType(logicalId: string): string | undefined {
    return str(get(this.resource(logicalId), 'Type'));
  }

  // ── evaluation ───────────────────────────────────────────────────────────────────────────

  /** Evaluates a node: values stay values, intrinsics are applied. */
  eval(node: TNode): PNode {
    switch (node.kind) {
      case 'scalar':
        if (typeof node.value === 'string') return this.string(node.value, node.span, node.chars);
        return { k: 'scalar', v: node.value, span: node.span };
      case 'array':
        return { k: 'list', span: node.span, items: node.items.map((n) => this.eval(n)) };
      case 'object': {
        const fn = intrinsicName(node);
        if (fn !== undefined) return this.intrinsic(node, fn);
        return {
          k: 'map',
          span: node.span,
          entries: node.members.map((m) => ({
            key: m.key,
            keySpan: m.keySpan,
            value: this.eval(m.value),
          })),
        };
      }
    }
  }

  /** A literal string; a dynamic reference in it (`{{resolve:ssm:…}}`) is known only in AWS. */
  private string(v: string, span: Span, chars: CharMap | undefined): PNode {
    const refs = v.match(/\{\{resolve:[^}]*\}\}/g);
    if (!refs) return text(v, span, chars);
    const supplied = this.env.resources ?? {};
    const missing = refs.filter((r) => !(r in supplied));
    if (missing.length > 0) {
      const r = missing[0] as string;
      return this.cause(
        'unresolved-dynamic-reference',
        `the dynamic reference ${r} is read from ${r.startsWith('{{resolve:secretsmanager') ? 'Secrets Manager' : 'SSM Parameter Store'} at deployment`,
        span,
        [supplyKey.resource(r)],
      );
    }
    let out = v;
    for (const r of refs) out = out.split(r).join(String(supplied[r]));
    return text(out, span, undefined, [
      { kind: 'supplied', note: `resources[${JSON.stringify(refs[0])}]` },
    ]);
  }

  private intrinsic(node: TObject, fn: string): PNode {
    const arg = (node.members[0] as { value: TNode }).value;
    const name = written(node, fn);
    switch (fn) {
      case 'Ref':
        return this.refNode(arg, node, name);
      case 'Fn::Sub':
        return this.sub(arg, node, name);
      case 'Fn::GetAtt':
        return this.getAttNode(arg, node, name);
      case 'Fn::Join':
        return this.join(arg, node, name);
      case 'Fn::Select':
        return this.select(arg, node, name);
      case 'Fn::Split':
        return this.split(arg, node, name);
      case 'Fn::If':
        return this.fnIf(arg, node, name);
      case 'Fn::FindInMap':
        return this.findInMap(arg, node, name);
      case 'Fn::Base64':
        return this.base64(arg, node);
      case 'Fn::ImportValue':
        return this.importValue(arg, node, name);
      case 'Fn::GetAZs':
        return this.getAZs(arg, node, name);
      case 'Fn::Cidr':
        return this.cidrFn(arg, node, name);
      case 'Fn::Equals':
      case 'Fn::And':
      case 'Fn::Or':
      case 'Fn::Not': {
        const b = this.conditionValue(node);
        return typeof b === 'boolean' ? { k: 'scalar', v: b, span: node.span } : b;
      }
    }
    if (UNSUPPORTED[fn] || fn.startsWith('Fn::ForEach')) {
      return this.invalid(
        `${UNSUPPORTED[fn] ?? `${fn} needs the AWS::LanguageExtensions transform`}: trustspec reads templates as CloudFormation receives them, without running transforms`,
        node.span,
        PROCESSED_HINT,
        'unsupported-transform',
      );
    }
    return this.invalid(
      `${name} is not a CloudFormation intrinsic function`,
      node.span,
      'check the spelling: Fn::Sub, Fn::Join, Fn::GetAtt, Ref, …',
      'cfn-unknown-function',
    );
  }

  /** A string argument that must be a literal or evaluate to a string. */
  stringArg(node: TNode, what: string, at: TObject, name: string): PScalar | PUnknown {
    const p = this.eval(node);
    if (p.k === 'unknown') return p;
    if (p.k === 'scalar' && (typeof p.v === 'string' || typeof p.v === 'number')) {
      return typeof p.v === 'string' ? p : text(String(p.v), p.span, undefined, p.origins);
    }
    return this.invalid(
      `${name}: ${what} must be a string`,
      at.span,
      `write ${what} as a string`,
      'cfn-invalid-intrinsic',
    );
  }

  private shape(name: string, expected: string, at: TObject): PUnknown {
    return this.invalid(
      `${name} takes ${expected}`,
      at.span,
      `write ${name} ${expected}`,
      'cfn-invalid-intrinsic',
    );
  }

  // ── Ref and parameters ───────────────────────────────────────────────────────────────────

  private refNode(arg: TNode, node: TObject, name: string): PNode {
    const target = str(arg);
    if (target === undefined) return this.shape(name, 'the name of a parameter or resource', node);
    return this.ref(target, node.span);
  }

  /** `Ref name` at `span`. */
  ref(target: string, span: Span): PNode {
    if (target.startsWith('AWS::')) return this.pseudo(target, span);
    if (get(this.section('Parameters'), target)) return this.parameter(target, span);
    if (this.resource(target)) return resourceRef(this, target, span);
    return this.invalid(
      `Ref ${target}: the template has no parameter or resource named ${target}`,
      span,
      'refer to a parameter or resource the template defines (names are case-sensitive)',
      'cfn-unknown-reference',
    );
  }

  pseudo(name: string, span: Span): PNode {
    const { account, region } = this.env;
    switch (name) {
      case 'AWS::AccountId':
        if (account) return text(account, span, at0(span), [{ kind: 'supplied', note: 'account' }]);
        return this.cause(
          'unresolved-pseudo-parameter',
          'AWS::AccountId is the account the stack is deployed in',
          span,
          [supplyKey.account],
        );
      case 'AWS::Region':
        if (region) return text(region, span, at0(span), [{ kind: 'supplied', note: 'region' }]);
        return this.cause(
          'unresolved-pseudo-parameter',
          'AWS::Region is the region the stack is deployed in',
          span,
          [supplyKey.region],
        );
      case 'AWS::Partition':
      case 'AWS::URLSuffix':
        return this.partitionValue(name, span);
      case 'AWS::StackName':
        if (this.env.stackName) {
          return text(this.env.stackName, span, at0(span), [
            { kind: 'supplied', note: 'stack name' },
          ]);
        }
        return this.cause(
          'unresolved-pseudo-parameter',
          'AWS::StackName is chosen when the stack is created',
          span,
          [supplyKey.stackName],
        );
      case 'AWS::StackId':
      case 'AWS::NotificationARNs':
        return (
          this.supplied(name, span) ??
          this.cause(
            'unresolved-pseudo-parameter',
            `${name} is known only after the stack is created`,
            span,
            [supplyKey.resource(name)],
          )
        );
      case 'AWS::NoValue':
        return { k: 'novalue', span };
    }
    return this.invalid(
      `Ref ${name}: not a pseudo parameter (${PSEUDO.join(', ')})`,
      span,
      'use one of the pseudo parameters CloudFormation defines',
      'cfn-unknown-reference',
    );
  }

  /** The partition: given, or of the region; and its URL suffix. */
  partition(span: Span): { id: string; urlSuffix: string; origin: Origin } | PUnknown {
    const { partition, region } = this.env;
    const info = partition
      ? partitionById(partition)
      : region
        ? partitionOfRegion(region)
        : undefined;
    if (info) {
      const note = partition ? 'partition' : `partition of region ${region}`;
      return {
        id: info.id,
        urlSuffix: info.urlSuffix,
        origin: { kind: partition ? 'supplied' : 'derived', note },
      };
    }
    if (partition || region) {
      return this.cause(
        'unknown-region',
        partition
          ? `"${partition}" is not an AWS partition`
          : `"${region}" is not a region of any AWS partition`,
        span,
        [supplyKey.region],
      );
    }
    return this.cause(
      'unresolved-pseudo-parameter',
      'AWS::Partition follows from the region the stack is deployed in',
      span,
      [supplyKey.region],
    );
  }

  private partitionValue(name: string, span: Span): PNode {
    const p = this.partition(span);
    if ('k' in p) return p;
    const v = name === 'AWS::Partition' ? p.id : p.urlSuffix;
    return text(v, span, at0(span), [
      {
        kind: p.origin.kind,
        note: name === 'AWS::Partition' ? p.origin.note : `URL suffix of partition ${p.id}`,
      },
    ]);
  }

  /** A value from `resources:` (keyed by `LogicalId` or `LogicalId.Attribute`), as a value. */
  supplied(key: string, span: Span): PNode | undefined {
    const all = this.env.resources;
    if (!all || !Object.prototype.hasOwnProperty.call(all, key)) return undefined;
    return fromPlain(all[key], span, {
      kind: 'supplied',
      note: `resources[${JSON.stringify(key)}]`,
    });
  }

  private parameter(name: string, span: Span): PNode {
    const def = get(this.section('Parameters'), name);
    const type = str(get(def, 'Type')) ?? 'String';
    const given = this.env.parameters;
    let raw: string | readonly string[] | undefined;
    let origin: Origin;
    if (given && Object.prototype.hasOwnProperty.call(given, name)) {
      raw = given[name];
      origin = {
        kind: 'parameter',
        note: `parameter ${name}${this.env.parametersFrom ? ` (${this.env.parametersFrom})` : ' (given)'}`,
      };
    } else {
      const external = this.env.externalParameter?.(name, span);
      if (external) return external;
      if (type.startsWith('AWS::SSM::Parameter::Value<')) {
        const dflt = get(def, 'Default');
        return this.cause(
          'unresolved-ssm-parameter',
          `parameter ${name} is ${type}: CloudFormation reads its value from SSM parameter ${dflt && dflt.kind === 'scalar' ? JSON.stringify(String(dflt.value)) : '(the name given at deployment)'} when it deploys`,
          span,
          [supplyKey.parameter(name)],
        );
      }
      const dflt = get(def, 'Default');
      if (!dflt || dflt.kind !== 'scalar' || dflt.value === null) {
        return this.cause(
          'unresolved-parameter',
          `parameter ${name} has no Default and no value was given`,
          span,
          [supplyKey.parameter(name)],
        );
      }
      raw = String(dflt.value);
      origin = {
        kind: 'parameter-default',
        note: `parameter ${name} (default ${JSON.stringify(raw)})`,
      };
    }
    return this.parameterValue(name, type, def, raw as string | readonly string[], origin, span);
  }

  private parameterValue(
    name: string,
    type: string,
    def: TNode | undefined,
    raw: string | readonly string[],
    origin: Origin,
    span: Span,
  ): PNode {
    const list = isListType(type);
    const values = typeof raw === 'string' ? (list ? raw.split(',') : [raw]) : [...raw];
    if (!list && values.length !== 1) {
      return this.cause(
        'parameter-value-rejected',
        `parameter ${name} is ${type}, so its value is one string, not a list`,
        span,
        [supplyKey.parameter(name)],
      );
    }
    const rejected = values.map((v) => rejectedBy(def, type, v)).find((r) => r !== undefined);
    if (rejected) {
      return this.cause(
        'parameter-value-rejected',
        `CloudFormation would refuse parameter ${name} = ${JSON.stringify(typeof raw === 'string' ? raw : raw.join(','))}: ${rejected}`,
        span,
        [supplyKey.parameter(name)],
      );
    }
    if (list && values.some((v) => v !== v.trim())) {
      this.warn(
        'list-parameter-spaces',
        `parameter ${name} (${type}) has items with spaces around them: ${JSON.stringify(values)}; trustspec keeps the spaces (whether CloudFormation trims them is not documented)`,
        span,
        'write the list without spaces after the commas',
      );
    }
    const item = (v: string) => text(v, span, at0(span), [origin]);
    if (list) return { k: 'list', span, items: values.map(item) };
    return item(values[0] as string);
  }

  // ── functions ────────────────────────────────────────────────────────────────────────────

  private sub(arg: TNode, node: TObject, name: string): PNode {
    let template: TNode | undefined = arg;
    let vars: TNode | undefined;
    if (arg.kind === 'array') {
      if (arg.items.length !== 2) return this.shape(name, '[string, {Name: value, …}]', node);
      [template, vars] = arg.items;
      if (vars && vars.kind !== 'object')
        return this.shape(name, '[string, {Name: value, …}]', node);
    }
    if (!template || template.kind !== 'scalar' || typeof template.value !== 'string') {
      return this.shape(name, 'a string (or [string, {Name: value, …}])', node);
    }
    const s = template.value;
    const chars: CharMap = template.chars ?? at0(template.span);
    const parts: PScalar[] = [];
    const missing: PNode[] = [];
    const literal = (from: number, to: number, v?: string) => {
      if (to > from || v)
        parts.push(text(v ?? s.slice(from, to), template.span, (i) => chars(from + i)));
    };
    let last = 0;
    const re = /\$\{([^}]*)\}/g;
    for (let m = re.exec(s); m; m = re.exec(s)) {
      const inner = m[1] as string;
      if (inner.startsWith('!')) {
        literal(last, m.index);
        literal(m.index, m.index + m[0].length, '${' + inner.slice(1) + '}');
        last = m.index + m[0].length;
        continue;
      }
      literal(last, m.index);
      last = m.index + m[0].length;
      const span: Span = { start: chars(m.index), end: chars(Math.max(m.index, last - 1)) };
      const value = this.subVariable(inner, vars, span, name);
      if (value.k === 'scalar') parts.push({ ...value, span, chars: at0(span) });
      else missing.push(value);
    }
    literal(last, s.length);
    if (missing.length > 0) return unknown(node.span, causesOf(missing));
    if (parts.length === 0) return text('', template.span, chars);
    return { ...concat(parts, node.span), span: node.span };
  }

  private subVariable(
    inner: string,
    vars: TNode | undefined,
    span: Span,
    name: string,
  ): PScalar | PUnknown {
    const own = member(vars, inner);
    let p: PNode;
    if (own) p = this.eval(own.value);
    else if (inner.startsWith('AWS::')) p = this.pseudo(inner, span);
    else if (inner.includes('.')) {
      const dot = inner.indexOf('.');
      p = this.getAtt(inner.slice(0, dot), inner.slice(dot + 1), span);
    } else p = this.ref(inner, span);
    if (p.k === 'unknown') return p;
    if (p.k === 'scalar' && p.v !== null && typeof p.v !== 'boolean') {
      return typeof p.v === 'string' ? p : text(String(p.v), p.span, undefined, p.origins);
    }
    return this.invalid(
      `${name}: \${${inner}} is ${p.k === 'list' ? 'a list' : 'not a string'}, and Fn::Sub substitutes strings only`,
      span,
      `join the list first: \${${inner}} from a variable set to !Join [",", …]`,
      'cfn-invalid-intrinsic',
    );
  }

  private getAttNode(arg: TNode, node: TObject, name: string): PNode {
    let res: string | undefined;
    let attr: PNode | undefined;
    if (arg.kind === 'scalar' && typeof arg.value === 'string' && arg.value.includes('.')) {
      const dot = arg.value.indexOf('.');
      res = arg.value.slice(0, dot);
      attr = text(arg.value.slice(dot + 1), arg.span);
    } else if (arg.kind === 'array' && arg.items.length === 2) {
      res = str(arg.items[0]);
      attr = this.eval(arg.items[1] as TNode);
    }
    if (res === undefined || attr === undefined)
      return this.shape(name, '[LogicalId, Attribute] (or LogicalId.Attribute)', node);
    if (attr.k === 'unknown') return attr;
    if (attr.k !== 'scalar' || typeof attr.v !== 'string')
      return this.shape(name, '[LogicalId, Attribute] (or LogicalId.Attribute)', node);
    return this.getAtt(res, attr.v, node.span);
  }

  /** `Fn::GetAtt res.attr` at `span`. */
  getAtt(res: string, attr: string, span: Span): PNode {
    if (!this.resource(res)) {
      return this.invalid(
        `Fn::GetAtt ${res}.${attr}: the template has no resource named ${res}`,
        span,
        'name a resource of the template (names are case-sensitive)',
        'cfn-unknown-reference',
      );
    }
    return resourceAttribute(this, res, attr, span);
  }

  /** A list argument: a literal list, or an intrinsic that yields one. */
  private list(node: TNode, name: string, at: TObject): PNode {
    const p = this.eval(node);
    if (p.k === 'unknown' || p.k === 'list') return p;
    return this.shape(name, 'a list', at);
  }

  private join(arg: TNode, node: TObject, name: string): PNode {
    if (arg.kind !== 'array' || arg.items.length !== 2)
      return this.shape(name, '[delimiter, [value, …]]', node);
    const delim = this.stringArg(arg.items[0] as TNode, 'the delimiter', node, name);
    if (delim.k === 'unknown') return delim;
    const values = this.list(arg.items[1] as TNode, name, node);
    if (values.k !== 'list') return values;
    const items = values.items.filter((i) => i.k !== 'novalue');
    const missing = items.filter((i) => i.k === 'unknown');
    if (missing.length > 0) return unknown(node.span, causesOf(missing));
    const parts: PScalar[] = [];
    for (const [i, item] of items.entries()) {
      if (item.k !== 'scalar' || item.v === null || typeof item.v === 'boolean') {
        return this.invalid(
          `${name}: item ${i} is ${item.k === 'list' ? 'a list' : 'not a string'}`,
          item.span,
          'Fn::Join joins strings',
          'cfn-invalid-intrinsic',
        );
      }
      if (i > 0 && delim.v !== '') parts.push(delim);
      parts.push(
        typeof item.v === 'string'
          ? item
          : text(String(item.v), item.span, undefined, item.origins),
      );
    }
    return { ...concat(parts, node.span), span: node.span };
  }

  private select(arg: TNode, node: TObject, name: string): PNode {
    if (arg.kind !== 'array' || arg.items.length !== 2)
      return this.shape(name, '[index, [value, …]]', node);
    const index = this.eval(arg.items[0] as TNode);
    if (index.k === 'unknown') return index;
    const n = index.k === 'scalar' ? Number(index.v) : NaN;
    if (index.k !== 'scalar' || !/^\d+$/.test(String(index.v)) || !Number.isSafeInteger(n)) {
      return this.shape(name, '[index, [value, …]] with a whole-number index', node);
    }
    const from = arg.items[1] as TNode;
    // A written list: only the chosen item is evaluated (the others may be unknowable).
    const items =
      from.kind === 'array' && intrinsicName(from) === undefined
        ? from.items.map((i) => () => this.eval(i))
        : undefined;
    if (items) {
      const pick = items[n];
      if (!pick) return this.outOfRange(name, n, items.length, node);
      return pick();
    }
    const list = this.list(from, name, node);
    if (list.k !== 'list') return list;
    const kept = list.items.filter((i) => i.k !== 'novalue');
    return kept[n] ?? this.outOfRange(name, n, kept.length, node);
  }

  private outOfRange(name: string, n: number, length: number, node: TObject): PUnknown {
    return this.invalid(
      `${name}: index ${n} is out of range for a list of ${length}`,
      node.span,
      'CloudFormation fails the deployment: select an index below the length of the list',
      'cfn-select-out-of-range',
    );
  }

  private split(arg: TNode, node: TObject, name: string): PNode {
    if (arg.kind !== 'array' || arg.items.length !== 2)
      return this.shape(name, '[delimiter, string]', node);
    const delim = this.stringArg(arg.items[0] as TNode, 'the delimiter', node, name);
    if (delim.k === 'unknown') return delim;
    const source = this.stringArg(arg.items[1] as TNode, 'the source string', node, name);
    if (source.k === 'unknown') return source;
    const s = String(source.v);
    const d = String(delim.v);
    const chars = source.chars ?? at0(source.span);
    const pieces = d === '' ? [s] : s.split(d);
    const items: PNode[] = [];
    let offset = 0;
    for (const piece of pieces) {
      const from = offset;
      items.push({
        ...text(piece, node.span, (i) => chars(from + i), source.origins),
        ...(source.segments ? {} : {}),
      });
      offset += piece.length + d.length;
    }
    return { k: 'list', span: node.span, items };
  }

  private fnIf(arg: TNode, node: TObject, name: string): PNode {
    if (arg.kind !== 'array' || arg.items.length !== 3)
      return this.shape(name, '[ConditionName, value if true, value if false]', node);
    const cond = str(arg.items[0]);
    if (cond === undefined)
      return this.shape(name, '[ConditionName, value if true, value if false]', node);
    const b = this.condition(cond, (arg.items[0] as TNode).span);
    if (typeof b !== 'boolean') return b;
    return this.eval(arg.items[b ? 1 : 2] as TNode);
  }

  private findInMap(arg: TNode, node: TObject, name: string): PNode {
    if (arg.kind !== 'array' || arg.items.length !== 3) {
      return arg.kind === 'array' && arg.items.length === 4
        ? this.invalid(
            `${name} with a DefaultValue needs the AWS::LanguageExtensions transform`,
            node.span,
            PROCESSED_HINT,
            'unsupported-transform',
          )
        : this.shape(name, '[MapName, TopLevelKey, SecondLevelKey]', node);
    }
    const keys: string[] = [];
    for (const item of arg.items) {
      const k = this.stringArg(item, 'each key', node, name);
      if (k.k === 'unknown') return k;
      keys.push(String(k.v));
    }
    const [map, top, second] = keys as [string, string, string];
    const found = get(get(get(this.section('Mappings'), map), top), second);
    if (!found) {
      return this.invalid(
        `${name} [${map}, ${top}, ${second}]: Mappings has no such entry`,
        node.span,
        'CloudFormation fails the deployment: add the entry to Mappings, or check the keys',
        'cfn-mapping-missing',
      );
    }
    return this.eval(found);
  }

  private base64(arg: TNode, node: TObject): PNode {
    const s = this.stringArg(arg, 'the value', node, written(node, 'Fn::Base64'));
    if (s.k === 'unknown') return s;
    return text(
      Buffer.from(String(s.v), 'utf8').toString('base64'),
      node.span,
      at0(node.span),
      s.origins,
    );
  }

  private importValue(arg: TNode, node: TObject, name: string): PNode {
    const exportName = this.stringArg(arg, 'the export name', node, name);
    if (exportName.k === 'unknown') return exportName;
    const key = String(exportName.v);
    const imports = this.env.imports;
    if (imports && Object.prototype.hasOwnProperty.call(imports, key)) {
      return fromPlain(imports[key], node.span, {
        kind: 'supplied',
        note: `imports[${JSON.stringify(key)}]`,
      });
    }
    const fromAssembly = this.env.exportValue?.(key, node.span);
    if (fromAssembly) {
      return this.wrap(fromAssembly, {
        span: node.span,
        text: `${name} ${JSON.stringify(key)} is an output of another stack of the assembly`,
      });
    }
    return this.cause(
      'unresolved-import',
      `${name} ${JSON.stringify(key)} is the export of another stack, read at deployment`,
      node.span,
      [supplyKey.import(key)],
    );
  }

  private getAZs(arg: TNode, node: TObject, name: string): PNode {
    const region = this.stringArg(arg, 'the region', node, name);
    if (region.k === 'unknown') return region;
    const key = region.v === '' ? 'Fn::GetAZs' : `Fn::GetAZs:${String(region.v)}`;
    const given = this.supplied(key, node.span);
    if (given)
      return given.k === 'scalar' && typeof given.v === 'string'
        ? {
            k: 'list',
            span: node.span,
            items: given.v.split(',').map((z) => text(z, node.span, at0(node.span), given.origins)),
          }
        : given;
    return this.cause(
      'unresolved-getazs',
      `${name} lists the Availability Zones the account can use, known only in AWS`,
      node.span,
      [supplyKey.resource(key, 'us-east-1a,us-east-1b')],
    );
  }

  private cidrFn(arg: TNode, node: TObject, name: string): PNode {
    if (arg.kind !== 'array' || arg.items.length !== 3)
      return this.shape(name, '[ipBlock, count, cidrBits]', node);
    const parts: PScalar[] = [];
    for (const item of arg.items) {
      const p = this.stringArg(item, 'each argument', node, name);
      if (p.k === 'unknown') return p;
      parts.push(p);
    }
    const [block, count, bits] = parts.map((p) => String(p.v)) as [string, string, string];
    const r = cidr(block, Number(count), Number(bits));
    if (!r.ok)
      return this.invalid(
        `${name} [${block}, ${count}, ${bits}]: ${r.message}`,
        node.span,
        'CloudFormation fails the deployment with these arguments',
        'cfn-invalid-intrinsic',
      );
    return {
      k: 'list',
      span: node.span,
      items: r.blocks.map((b) => text(b, node.span, at0(node.span), mergeAll(parts))),
    };
  }

  // ── conditions ───────────────────────────────────────────────────────────────────────────

  /** The value of the template's condition `name`. */
  condition(name: string, span: Span): boolean | PUnknown {
    const memo = this.conditionMemo.get(name);
    if (memo !== undefined) return memo;
    const def = get(this.section('Conditions'), name);
    if (!def) {
      return this.invalid(
        `the template has no condition named ${name}`,
        span,
        'name a condition of the Conditions section',
        'cfn-unknown-condition',
      );
    }
    if (this.conditionStack.has(name)) {
      return this.invalid(
        `condition ${name} refers to itself`,
        def.span,
        'conditions may not refer to each other in a cycle',
        'cfn-condition-cycle',
      );
    }
    this.conditionStack.add(name);
    const v = this.conditionValue(def);
    this.conditionStack.delete(name);
    this.conditionMemo.set(name, v);
    return v;
  }

  /** A condition expression: Fn::Equals, Fn::And, Fn::Or, Fn::Not, Condition. */
  conditionValue(node: TNode): boolean | PUnknown {
    const fn = node.kind === 'object' ? intrinsicName(node, true) : undefined;
    if (node.kind !== 'object' || fn === undefined) {
      return this.invalid(
        'a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition',
        node.span,
        'write the condition with a condition function',
        'cfn-invalid-condition',
      );
    }
    const arg = (node.members[0] as { value: TNode }).value;
    const name = written(node, fn);
    if (fn === 'Condition') {
      const c = str(arg);
      return c === undefined
        ? this.shape(name, 'a condition name', node)
        : this.condition(c, node.span);
    }
    if (fn === 'Fn::Equals') return this.equals(arg, node, name);
    if (fn === 'Fn::Not' || fn === 'Fn::And' || fn === 'Fn::Or')
      return this.logic(fn, arg, node, name);
    const p = this.eval(node);
    return p.k === 'unknown'
      ? p
      : this.invalid(
          `${name} is not a condition function`,
          node.span,
          'use Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition',
          'cfn-invalid-condition',
        );
  }

  private equals(arg: TNode, node: TObject, name: string): boolean | PUnknown {
    if (arg.kind !== 'array' || arg.items.length !== 2)
      return this.shape(name, '[value1, value2]', node);
    const [a, b] = arg.items.map((i) => this.eval(i)) as [PNode, PNode];
    if (a.k === 'unknown' || b.k === 'unknown') return unknown(node.span, causesOf([a, b]));
    return comparable(a) === comparable(b);
  }

  private logic(fn: string, arg: TNode, node: TObject, name: string): boolean | PUnknown {
    const ok =
      arg.kind === 'array' &&
      (fn === 'Fn::Not' ? arg.items.length === 1 : arg.items.length >= 2 && arg.items.length <= 10);
    if (!ok || arg.kind !== 'array')
      return this.shape(
        name,
        fn === 'Fn::Not' ? '[condition]' : '[condition, condition, …] (2 to 10)',
        node,
      );
    const values = arg.items.map((i) => this.conditionValue(i));
    const known = values.filter((v): v is boolean => typeof v === 'boolean');
    if (fn === 'Fn::Not')
      return typeof values[0] === 'boolean' ? !values[0] : (values[0] as PUnknown);
    // A known false decides an And, a known true an Or, whatever the unknown parts are.
    if (fn === 'Fn::And' && known.includes(false)) return false;
    if (fn === 'Fn::Or' && known.includes(true)) return true;
    if (known.length < values.length)
      return unknown(
        node.span,
        values.flatMap((v) => (typeof v === 'boolean' ? [] : v.causes)),
      );
    return fn === 'Fn::And';
  }

  /** Does the resource exist with these inputs (its `Condition`)? */
  resourceExists(logicalId: string): boolean | PUnknown {
    const c = member(this.resource(logicalId), 'Condition');
    if (!c) return true;
    const name = str(c.value);
    if (name === undefined)
      return this.invalid(
        `resource ${logicalId}: Condition must be a condition name`,
        c.value.span,
        'write Condition: ConditionName',
        'cfn-invalid-condition',
      );
    return this.condition(name, c.value.span);
  }

  /** Warnings for given parameters the template does not declare (a typo, most often). */
  undeclaredParameters(): void {
    const declared = this.section('Parameters');
    const names = declared && declared.kind === 'object' ? declared.members.map((m) => m.key) : [];
    for (const name of Object.keys(this.env.parameters ?? {})) {
      if (names.includes(name)) continue;
      this.warn(
        'parameter-not-in-template',
        `parameter ${name} was given, but the template declares no parameter ${name} (CloudFormation refuses it)`,
        declared?.span ?? this.root.span,
        names.length > 0
          ? `the template's parameters are: ${names.join(', ')}`
          : 'the template has no Parameters',
      );
    }
  }

  /** Account for building ARNs. */
  accountFor(span: Span): string | PUnknown {
    const a = this.env.account;
    if (a && isAccountId(a)) return a;
    return this.cause(
      'unresolved-pseudo-parameter',
      'the account id is needed for this ARN',
      span,
      [supplyKey.account],
    );
  }
}

function mergeAll(parts: readonly PScalar[]): Origin[] {
  const out: Origin[] = [];
  for (const p of parts)
    for (const o of p.origins ?? []) if (!out.some((x) => x.note === o.note)) out.push(o);
  return out;
}

/** The name of the intrinsic an object stands for, if it is one (`Condition` only when asked). */
export function intrinsicName(node: TNode, conditions = false): string | undefined {
  if (node.kind !== 'object' || node.members.length !== 1) return undefined;
  const key = (node.members[0] as { key: string }).key;
  if (key === 'Ref' || key.startsWith('Fn::')) return key;
  if (conditions && key === 'Condition') return key;
  return undefined;
}

/** A JSON-shaped value (supplied by the user) as a value placed at `span`. */
export function fromPlain(v: unknown, span: Span, origin: Origin): PNode {
  if (Array.isArray(v)) return { k: 'list', span, items: v.map((i) => fromPlain(i, span, origin)) };
  if (v !== null && typeof v === 'object') {
    return {
      k: 'map',
      span,
      entries: Object.entries(v as Record<string, unknown>).map(([key, value]) => ({
        key,
        keySpan: span,
        value: fromPlain(value, span, origin),
      })),
    };
  }
  if (typeof v === 'string') return text(v, span, at0(span), [origin]);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null)
    return { k: 'scalar', v, span, origins: [origin] };
  return { k: 'scalar', v: String(v), span, origins: [origin] };
}

function comparable(p: PNode): string {
  if (p.k === 'scalar') return String(p.v);
  if (p.k === 'list') return JSON.stringify(p.items.map(comparable));
  if (p.k === 'map') return JSON.stringify(p.entries.map((e) => [e.key, comparable(e.value)]));
  return '';
}

/** Why CloudFormation would refuse `value` for a parameter, or undefined. */
function rejectedBy(def: TNode | undefined, type: string, value: string): string | undefined {
  const allowed = get(def, 'AllowedValues');
  if (allowed && allowed.kind === 'array') {
    const values = allowed.items.map((i) => (i.kind === 'scalar' ? String(i.value) : ''));
    if (!values.includes(value)) return `not one of its AllowedValues ${JSON.stringify(values)}`;
  }
  const pattern = str(get(def, 'AllowedPattern'));
  if (pattern !== undefined) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(`^(?:${pattern})$`, 'u');
    } catch {
      re = undefined;
    }
    if (re && !re.test(value))
      return `it does not match its AllowedPattern ${JSON.stringify(pattern)}`;
  }
  const num = (key: string) => {
    const n = get(def, key);
    return n && n.kind === 'scalar' && n.value !== null ? Number(n.value) : undefined;
  };
  if (type === 'Number' || type === 'List<Number>') {
    if (value.trim() === '' || !Number.isFinite(Number(value))) return 'it is not a number';
    const min = num('MinValue');
    const max = num('MaxValue');
    if (min !== undefined && Number(value) < min) return `it is below its MinValue ${min}`;
    if (max !== undefined && Number(value) > max) return `it is above its MaxValue ${max}`;
  }
  const minLength = num('MinLength');
  const maxLength = num('MaxLength');
  if (minLength !== undefined && value.length < minLength)
    return `it is shorter than its MinLength ${minLength}`;
  if (maxLength !== undefined && value.length > maxLength)
    return `it is longer than its MaxLength ${maxLength}`;
  return undefined;
}
