/**
 * `Ref` and `Fn::GetAtt` of the template's own resources. A few can be computed before
 * deployment from the template itself:
 *
 * - an OIDC provider's ARN (`AWS::IAM::OIDCProvider` Ref/Arn, CDK's
 *   `Custom::AWSCDKOpenIdConnectProvider` Ref) from its `Url` — never from its logical id, which
 *   is what an IAM ARN does not contain (shared notes §1.2);
 * - CDK's `Custom::AWSCDKCfnJson` `Value` attribute: its handler returns `JSON.parse` of the
 *   `Value` property (aws-cdk-lib core/lib/private/cfn-utils-provider, `cfnJsonHandler`);
 * - a role's name (Ref) and ARN when `RoleName` is set;
 * - a nested stack's `Outputs.Name`, when the nested template can be read (CDK assemblies).
 *
 * Everything else is known only after deployment: an unknown value naming the key to supply it.
 */
import type { Span } from '../diagnostics.js';
import { get, member, type TNode } from './template.js';
import type { Evaluator } from './intrinsics.js';
import { supplyKey } from './supply.js';
import { parseJsonText, text, unknown, type PNode, type PUnknown } from './values.js';

export const PROVIDER_TYPES = ['AWS::IAM::OIDCProvider', 'Custom::AWSCDKOpenIdConnectProvider'];
const ARN_EXAMPLE = 'arn:aws:iam::111122223333:oidc-provider/HOST/PATH';

/**
 * The value of a resource's property, evaluated once (a cycle is an invalid template); undefined
 * when it is not set, or set to AWS::NoValue.
 */
export function property(ev: Evaluator, id: string, name: string): PNode | undefined {
  const key = `${id}#${name}`;
  const memo = ev.attributeMemo.get(key);
  if (memo) return memo;
  const node: TNode | undefined = get(get(ev.resource(id), 'Properties'), name);
  if (!node) return undefined;
  if (ev.attributeStack.has(key)) {
    return ev.invalid(
      `${id}.${name} refers to itself`,
      node.span,
      'remove the circular reference',
      'cfn-circular-reference',
    );
  }
  ev.attributeStack.add(key);
  const v = ev.eval(node);
  ev.attributeStack.delete(key);
  // `!If [Cond, value, !Ref AWS::NoValue]`: the property is not set.
  if (v.k === 'novalue') return undefined;
  ev.attributeMemo.set(key, v);
  return v;
}

/** Is the resource created with these inputs? An unknown or false answer as a value. */
function existence(ev: Evaluator, id: string, what: string, span: Span): PUnknown | undefined {
  const exists = ev.resourceExists(id);
  if (exists === true) return undefined;
  const cond = member(ev.resource(id), 'Condition');
  if (exists === false) {
    return ev.invalid(
      `${what}: resource ${id} has Condition ${JSON.stringify((cond?.value as { value?: unknown } | undefined)?.value)}, which is false with these inputs, so CloudFormation does not create it and a template that refers to it fails to deploy`,
      span,
      'give parameters that make the condition true, or refer to the resource only under the same condition (Fn::If)',
      'cfn-ref-to-absent-resource',
    );
  }
  return ev.wrap(exists, {
    span,
    text: `${what}: whether resource ${id} exists depends on its Condition`,
  }) as PUnknown;
}

export function resourceRef(ev: Evaluator, id: string, span: Span): PNode {
  const absent = existence(ev, id, `Ref ${id}`, span);
  if (absent) return absent;
  const given = ev.supplied(id, span);
  if (given) return given;
  const type = ev.resourceType(id) ?? '(no Type)';
  if (PROVIDER_TYPES.includes(type)) return providerArn(ev, id, type, span, `Ref ${id}`);
  if (type === 'AWS::IAM::Role') return roleName(ev, id, span);
  return ev.cause(
    'unresolved-resource',
    `Ref ${id} is the physical id of ${type} ${id}, known only after deployment`,
    span,
    [supplyKey.resource(id)],
  );
}

export function resourceAttribute(ev: Evaluator, id: string, attr: string, span: Span): PNode {
  const what = `Fn::GetAtt ${id}.${attr}`;
  const absent = existence(ev, id, what, span);
  if (absent) return absent;
  const given = ev.supplied(`${id}.${attr}`, span);
  if (given) return given;
  const type = ev.resourceType(id) ?? '(no Type)';
  if (type === 'AWS::IAM::OIDCProvider' && attr === 'Arn')
    return providerArn(ev, id, type, span, what);
  if (type === 'Custom::AWSCDKCfnJson' && attr === 'Value') return cfnJson(ev, id, span);
  if (type === 'AWS::IAM::Role' && attr === 'Arn') return roleArn(ev, id, span);
  if (type === 'AWS::CloudFormation::Stack' && attr.startsWith('Outputs.')) {
    const out = ev.env.nestedOutput?.(id, attr.slice('Outputs.'.length), span);
    if (out) return out;
  }
  return ev.cause(
    'unresolved-resource-attribute',
    `${what} is an attribute of ${type} ${id}, known only after deployment`,
    span,
    [supplyKey.resource(`${id}.${attr}`)],
  );
}

/** An OIDC provider's URL, with the https:// IAM requires; an invalid URL is an invalid template. */
export function providerUrl(ev: Evaluator, id: string, span: Span): PNode {
  const url = property(ev, id, 'Url');
  if (!url) {
    return ev.invalid(
      `${ev.resourceType(id)} ${id} has no Url`,
      ev.resourcePlace(id) ?? span,
      'an OIDC provider needs its issuer URL: Url: https://…',
      'cfn-provider-url',
    );
  }
  if (url.k === 'scalar' && (typeof url.v !== 'string' || !url.v.startsWith('https://'))) {
    return ev.invalid(
      `${id}.Url ${JSON.stringify(url.v)} does not start with https://`,
      url.span,
      'IAM accepts only https:// issuer URLs',
      'cfn-provider-url',
    );
  }
  if (url.k !== 'scalar' && url.k !== 'unknown') {
    return ev.invalid(
      `${id}.Url is not a string`,
      url.span,
      'write the issuer URL as a string',
      'cfn-provider-url',
    );
  }
  return url;
}

/** `arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST/PATH` of a provider, from its Url. */
export function providerArn(
  ev: Evaluator,
  id: string,
  type: string,
  span: Span,
  what: string,
): PNode {
  const frame = { span, text: `${what} is the ARN of ${type} ${id}, built from its Url` };
  const keys = [supplyKey.resource(id, ARN_EXAMPLE)];
  const url = providerUrl(ev, id, span);
  if (url.k !== 'scalar') return ev.wrap(url, frame, keys);
  const partition = ev.partition(span);
  if ('k' in partition) return ev.wrap(partition, frame, keys);
  const account = ev.accountFor(span);
  if (typeof account !== 'string') return ev.wrap(account, frame, keys);
  const hostPath = String(url.v).slice('https://'.length);
  return text(
    `arn:${partition.id}:iam::${account}:oidc-provider/${hostPath}`,
    span,
    () => span.start,
    [{ kind: 'derived', note: `ARN of ${type} ${id}, from its Url` }, ...(url.origins ?? [])],
  );
}

/** `Fn::GetAtt X.Value` of a CDK CfnJson resource: its Value property, parsed as JSON. */
function cfnJson(ev: Evaluator, id: string, span: Span): PNode {
  const frame = {
    span,
    text: `Fn::GetAtt ${id}.Value is the JSON text of Custom::AWSCDKCfnJson ${id}'s Value, parsed`,
  };
  const value = property(ev, id, 'Value');
  if (!value) {
    return ev.invalid(
      `Custom::AWSCDKCfnJson ${id} has no Value`,
      span,
      'a CfnJson resource holds its JSON text in Value',
      'cfn-invalid-template',
    );
  }
  if (value.k === 'unknown') return ev.wrap(value, frame);
  if (value.k !== 'scalar' || typeof value.v !== 'string') {
    return ev.invalid(
      `Custom::AWSCDKCfnJson ${id}: Value is not a string of JSON text`,
      value.span,
      'the CfnJson handler parses Value with JSON.parse',
      'cfn-invalid-template',
    );
  }
  const parsed = parseJsonText(value);
  if (!parsed.ok) {
    return ev.invalid(
      `Custom::AWSCDKCfnJson ${id}: Value is not valid JSON once resolved (${parsed.message})`,
      parsed.span,
      'the CfnJson handler would fail: fix the JSON text',
      'cfn-invalid-json-text',
    );
  }
  return parsed.value;
}

function roleName(ev: Evaluator, id: string, span: Span): PNode {
  const name = property(ev, id, 'RoleName');
  if (name) return ev.wrap(name, { span, text: `Ref ${id} is the RoleName of ${id}` });
  return ev.cause(
    'unresolved-resource',
    `Ref ${id} is the name of role ${id}, which has no RoleName: CloudFormation generates the name at deployment`,
    span,
    [supplyKey.resource(id)],
  );
}

/** A role's ARN from its RoleName and Path; unknown when CloudFormation generates the name. */
export function roleArn(ev: Evaluator, id: string, span: Span): PNode {
  const frame = { span, text: `Fn::GetAtt ${id}.Arn is built from role ${id}'s RoleName and Path` };
  const name = property(ev, id, 'RoleName');
  if (!name) {
    return ev.cause(
      'role-name-generated',
      `role ${id} has no RoleName: CloudFormation generates its name (stack name, logical id and a random suffix) at deployment`,
      span,
      [supplyKey.resource(`${id}.Arn`, 'arn:aws:iam::111122223333:role/NAME')],
    );
  }
  const path = property(ev, id, 'Path') ?? text('/', span);
  const partition = ev.partition(span);
  const account = ev.accountFor(span);
  const parts = [
    name,
    path,
    ...('k' in partition ? [partition] : []),
    ...(typeof account === 'string' ? [] : [account]),
  ];
  const missing = parts.filter((p) => p.k === 'unknown');
  if (missing.length > 0)
    return ev.wrap(
      unknown(
        span,
        missing.flatMap((p) => (p.k === 'unknown' ? p.causes : [])),
      ),
      frame,
    );
  if (
    name.k !== 'scalar' ||
    path.k !== 'scalar' ||
    'k' in partition ||
    typeof account !== 'string'
  ) {
    return ev.invalid(
      `role ${id}: RoleName and Path must be strings`,
      span,
      'write RoleName and Path as strings',
      'cfn-invalid-template',
    );
  }
  return text(
    `arn:${partition.id}:iam::${account}:role${String(path.v)}${String(name.v)}`,
    span,
    () => span.start,
    [
      { kind: 'derived', note: `ARN of role ${id}, from its RoleName and Path` },
      ...(name.origins ?? []),
    ],
  );
}
