/**
 * resolveTerraform on `terraform show -json` output: a real Terraform 1.5.7 plan and plans/states
 * constructed in the documented shape (test/fixtures/sources/terraform/SOURCE.md), then a table of
 * every way the input can be wrong or not yet known.
 */
import t, { type Test } from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePolicy } from '../../lib/policy/parse.js';
import { literalOffsets } from '../../lib/sources/json-text.js';
import { moduleCalls, referencesIn } from '../../lib/sources/terraform-json.js';
import { decodeText, resolveTerraform, supplyKey } from '../../lib/sources/terraform.js';
import type { SourceResult, SourceSpec } from '../../lib/sources/types.js';
import { parseJson } from '../../lib/policy/json.js';
import { mkfifo } from '../cli/hostile-harness.js';

const DIR = fileURLToPath(new URL('../fixtures/sources/terraform/', import.meta.url));
const opts = { baseDir: DIR };
type TfSpec = Extract<SourceSpec, { kind: 'terraform' }>;
const tf = (file: string, more: Partial<TfSpec> = {}): TfSpec => ({
  kind: 'terraform',
  file,
  ...more,
});

type Ok = Extract<SourceResult, { ok: true }>;
function ok(t: Test, r: SourceResult): Ok | undefined {
  t.ok(r.ok, r.ok ? 'resolved' : `not resolved: ${r.findings.map((f) => f.message).join('; ')}`);
  return r.ok ? r : undefined;
}

/** The raw text of the fixture at a span. */
function at(
  file: string,
  span: { start: { offset: number }; end: { offset: number } } | undefined,
): string {
  const text = readFileSync(join(DIR, file), 'utf8');
  return span ? text.slice(span.start.offset, span.end.offset) : '(no span)';
}

t.test(
  'a real Terraform 1.5.7 plan: the one role, its policy with positions in the plan',
  async (t) => {
    const r = ok(t, await resolveTerraform(tf('service-role.plan.json'), opts));
    if (!r) return;
    t.same(r.role.trustPolicy.document, {
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'ec2.amazonaws.com' },
          Sid: '',
        },
      ],
      Version: '2012-10-17',
    });
    t.equal(r.role.arn, undefined, 'the ARN is known only after apply');
    t.match(r.findings, [{ code: 'tf-role-arn-unknown', severity: 'warning', hint: /account:/ }]);
    t.equal(r.role.maxSessionDuration, 3600);
    t.same(r.role.tags, { 'tag-key': 'tag-value' });
    t.equal(r.providers, undefined, 'the plan defines no provider');
    // The plan is one line: a node's span is its escaped text inside the assume_role_policy string.
    const span = r.role.trustPolicy.spanOf?.(['Statement', 0, 'Principal', 'Service'], 'value');
    t.equal(at('service-role.plan.json', span), '\\"ec2.amazonaws.com\\"');
    t.equal(span?.start.line, 1);
    const key = r.role.trustPolicy.spanOf?.(['Statement', 0, 'Principal'], 'key');
    t.equal(at('service-role.plan.json', key), '\\"Principal\\"');
    t.match(r.provenance['trustPolicy'], {
      kind: 'file',
      file: 'service-role.plan.json',
      pointer: '/resource_changes/0/change/after/assume_role_policy',
    });
    t.match(r.provenance['maxSessionDuration'], {
      pointer: '/resource_changes/0/change/after/max_session_duration',
    });
    t.match(r.provenance['tags'], { note: /tags_all/ });
    const parsed = parsePolicy(r.role.trustPolicy.document as object, {
      spanOf: r.role.trustPolicy.spanOf,
    });
    t.ok(parsed.ok, 'the document is a policy');
  },
);

t.test('with account: the ARN is built from name and path, and says so', async (t) => {
  const r = ok(
    t,
    await resolveTerraform(tf('service-role.plan.json', { account: '111122223333' }), opts),
  );
  if (!r) return;
  t.equal(r.role.arn, 'arn:aws:iam::111122223333:role/test_role');
  t.match(r.provenance['arn'], {
    kind: 'derived',
    note: /account 111122223333 \(given\), partition aws \(default/,
  });
  t.same(r.findings, []);
  const cn = ok(
    t,
    await resolveTerraform(
      tf('service-role.plan.json', { account: '111122223333', partition: 'aws-cn' }),
      opts,
    ),
  );
  t.equal(cn?.role.arn, 'arn:aws-cn:iam::111122223333:role/test_role');
});

const GH_ROLE = 'module.github_oidc_role.aws_iam_role.this[0]';

t.test(
  'a module role whose policy a data source renders; the provider read by a data source',
  async (t) => {
    const r = ok(
      t,
      await resolveTerraform(tf('github-oidc-module.plan.json', { address: GH_ROLE }), opts),
    );
    if (!r) return;
    const doc = r.role.trustPolicy.document as {
      Statement: { Condition: Record<string, unknown> }[];
    };
    t.same(Object.keys(doc.Statement[0]?.Condition ?? {}), [
      'ForAllValues:StringEquals',
      'StringLike',
    ]);
    t.match(r.provenance['trustPolicy'], {
      note: `${GH_ROLE}.assume_role_policy, rendered by module.github_oidc_role.data.aws_iam_policy_document.this[0]`,
    });
    t.same(r.providers, [
      { url: 'https://token.actions.githubusercontent.com', clientIds: ['sts.amazonaws.com'] },
    ]);
    t.match(r.provenance['providers[0]'], {
      note: 'data.aws_iam_openid_connect_provider.github.url (stored without https://, as IAM returns it)',
    });
    t.same(
      r.role.tags,
      { Environment: 'prod', ManagedBy: 'terraform' },
      'tags_all, default tags included',
    );
    t.match(r.findings, [
      { code: 'tf-role-arn-unknown', message: /its name is chosen at apply \(name_prefix/ },
    ]);
    // Pretty-printed plan: the span's line is the line of the assume_role_policy attribute.
    const span = r.role.trustPolicy.spanOf?.(['Statement', 0, 'Sid'], 'value');
    t.equal(at('github-oidc-module.plan.json', span), '\\"GithubOidcAuth\\"');
    const text = readFileSync(join(DIR, 'github-oidc-module.plan.json'), 'utf8');
    t.match(text.split('\n')[(span?.start.line ?? 0) - 1], /^\s+"assume_role_policy": /);
    t.ok(parsePolicy(doc, { spanOf: r.role.trustPolicy.spanOf }).ok);
  },
);

t.test('the address of a policy document data source gives its json, no role facts', async (t) => {
  const address = 'module.github_oidc_role.data.aws_iam_policy_document.this[0]';
  const r = ok(t, await resolveTerraform(tf('github-oidc-module.plan.json', { address }), opts));
  if (!r) return;
  t.match(r.role.trustPolicy.document, {
    Version: '2012-10-17',
    Statement: [{ Sid: 'GithubOidcAuth' }],
  });
  t.equal(r.role.arn, undefined);
  t.equal(r.role.maxSessionDuration, undefined);
  t.match(r.provenance['trustPolicy'], {
    pointer: /^\/prior_state\/values\/root_module\/child_modules\/0\/resources\/1\/values\/json$/,
  });
  // The json is pretty-printed inside a string: "\n  " escapes are skipped over correctly.
  const span = r.role.trustPolicy.spanOf?.(['Statement', 0, 'Condition', 'StringLike'], 'key');
  t.equal(at('github-oidc-module.plan.json', span), '\\"StringLike\\"');
});

t.test('a role that depends on a provider created in the same apply', async (t) => {
  const r = await resolveTerraform(tf('provider-and-role-same-apply.plan.json'), opts);
  t.notOk(r.ok, 'no guess');
  const f = r.findings.find((x) => x.code === 'tf-unknown-value');
  t.ok(f);
  t.equal(
    f?.message,
    'aws_iam_role.deploy.assume_role_policy is known only after apply (after_unknown in the plan); it depends on data.aws_iam_policy_document.trust.json, which Terraform reads only during apply (read_because_dependency_pending) because it refers to aws_iam_openid_connect_provider.github.arn',
  );
  t.match(
    f?.hint,
    /^supply it: resources: \{ aws_iam_role\.deploy\.assume_role_policy: '\{"Version":"2012-10-17","Statement":\[…\]\}' \}/,
  );
  t.equal(f?.file, join(DIR, 'provider-and-role-same-apply.plan.json'), 'the file, absolute');
  t.equal(at('provider-and-role-same-apply.plan.json', f?.span), '"assume_role_policy": true');
});

t.test('…and resolved once the policy is supplied', async (t) => {
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: {
          Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
        },
        Action: 'sts:AssumeRoleWithWebIdentity',
      },
    ],
  };
  for (const value of [policy, JSON.stringify(policy)]) {
    const r = ok(
      t,
      await resolveTerraform(
        tf('provider-and-role-same-apply.plan.json', {
          resources: { 'aws_iam_role.deploy.assume_role_policy': value },
          account: '111122223333',
        }),
        opts,
      ),
    );
    if (!r) continue;
    t.same(r.role.trustPolicy.document, policy, typeof value);
    t.same(r.provenance['trustPolicy'], {
      kind: 'supplied',
      note: 'resources: aws_iam_role.deploy.assume_role_policy',
    });
    t.equal(r.role.arn, 'arn:aws:iam::111122223333:role/gha-deploy');
    t.same(r.providers, [
      { url: 'https://token.actions.githubusercontent.com', clientIds: ['sts.amazonaws.com'] },
    ]);
    t.match(r.provenance['providers[0]'], { note: 'aws_iam_openid_connect_provider.github.url' });
  }
});

t.test('a state: for_each module keys, a deposed object skipped', async (t) => {
  const none = await resolveTerraform(tf('eks-irsa.state.json'), opts);
  t.notOk(none.ok);
  t.match(none.findings, [
    {
      code: 'tf-role-ambiguous',
      message:
        '2 roles in this state: module.irsa["app"].aws_iam_role.this[0], module.irsa["jobs"].aws_iam_role.this[0]',
      hint: 'choose one: address: module.irsa["app"].aws_iam_role.this[0]',
    },
  ]);
  const r = ok(
    t,
    await resolveTerraform(
      tf('eks-irsa.state.json', { address: 'module.irsa["jobs"].aws_iam_role.this[0]' }),
      opts,
    ),
  );
  if (!r) return;
  t.equal(r.role.arn, 'arn:aws:iam::111122223333:role/irsa/jobs-runner');
  t.equal(r.role.maxSessionDuration, 43200);
  t.match(
    r.role.trustPolicy.document,
    {
      Statement: [
        {
          Condition: {
            StringEquals: {
              'oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub':
                'system:serviceaccount:jobs:runner',
            },
          },
        },
      ],
    },
    'the current object, not the deposed one',
  );
  t.same(r.providers, [
    {
      url: 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
      clientIds: ['sts.amazonaws.com'],
    },
  ]);
  t.same(r.findings, []);
  t.match(r.provenance['arn'], {
    pointer: '/values/root_module/child_modules/1/resources/0/values/arn',
  });
});

t.test('an address without its instance key: the hint names the instances', async (t) => {
  const r = await resolveTerraform(
    tf('eks-irsa.state.json', { address: 'module.irsa.aws_iam_role.this' }),
    opts,
  );
  t.notOk(r.ok);
  t.match(r.findings, [
    {
      code: 'tf-address-not-found',
      message: 'no resource module.irsa.aws_iam_role.this in this state',
      hint: /with count or for_each the address has the instance key: module\.irsa\["app"\]\.aws_iam_role\.this\[0\], module\.irsa\["jobs"\]/,
    },
  ]);
  const other = await resolveTerraform(
    tf('github-oidc-module.plan.json', { address: 'aws_iam_role.nope' }),
    opts,
  );
  t.match(other.findings, [
    { code: 'tf-address-not-found', hint: `roles in this plan: ${GH_ROLE}` },
  ]);
});

t.test('supplyKey quotes what YAML needs quoted', (t) => {
  t.equal(supplyKey('aws_iam_role.deploy', 'arn'), 'aws_iam_role.deploy.arn');
  t.equal(
    supplyKey('module.ci.aws_iam_role.this[0]', 'arn'),
    "'module.ci.aws_iam_role.this[0].arn'",
  );
  t.equal(
    supplyKey('module.irsa["app"].aws_iam_role.this', 'arn'),
    `'module.irsa["app"].aws_iam_role.this.arn'`,
  );
  t.equal(
    supplyKey('aws_iam_role.this["it\'s"]', 'arn'),
    JSON.stringify(`aws_iam_role.this["it's"].arn`),
  );
  t.end();
});

t.test('literalOffsets maps each decoded unit back through escapes', (t) => {
  const raw = '{"s":"a\\"b\\\\c\\u00e9\\ud83d\\ude00d"}';
  const quote = raw.indexOf('"a');
  const decoded = JSON.parse(raw).s as string;
  const offsets = literalOffsets(raw, quote);
  t.equal(offsets.length, decoded.length + 1);
  t.same([...decoded].length, 8, 'a " b \\ c é 😀 d: 8 code points, 9 UTF-16 units');
  const unit = (i: number) => raw.slice(offsets[i], offsets[i + 1]);
  t.same(
    Array.from({ length: decoded.length }, (_, i) => unit(i)),
    ['a', '\\"', 'b', '\\\\', 'c', '\\u00e9', '\\ud83d', '\\ude00', 'd'],
  );
  t.equal(raw[offsets[decoded.length] as number], '"', 'the end is the closing quote');
  t.end();
});

t.test('moduleCalls and referencesIn', (t) => {
  t.same(moduleCalls('module.a[0].module.b["x.y"].module.c'), ['a', 'b', 'c']);
  t.same(moduleCalls(undefined), []);
  const parsed = parseJson(
    '{"a":{"references":["data.x.y[0].json","data.x.y[0]","data.x.y"]},"b":[{"c":{"references":["var.v"]}}]}',
  );
  t.same(referencesIn(parsed.ast), ['data.x.y[0].json', 'var.v']);
  t.end();
});

t.test('decodeText: UTF-8 with or without BOM, UTF-16 both ways', (t) => {
  const s = '{"format_version":"1.2"}';
  t.equal(decodeText(Buffer.from(s)), s);
  t.equal(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s)])), s);
  t.equal(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')])), s);
  const be = Buffer.from(s, 'utf16le');
  be.swap16();
  t.equal(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), be])), s);
  t.end();
});

// ---- a table of inputs that must not resolve, or resolve only with a warning --------------------

const ROLE_DOC = JSON.stringify({
  Statement: [
    {
      Action: 'sts:AssumeRoleWithWebIdentity',
      Effect: 'Allow',
      Principal: {
        Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
      },
    },
  ],
  Version: '2012-10-17',
});

interface Change {
  address: string;
  type?: string;
  mode?: 'managed' | 'data';
  actions?: string[];
  after?: Record<string, unknown> | null;
  unknown?: Record<string, unknown>;
}

function change(c: Change): object {
  const [, type, name] = /^(?:data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)/.exec(c.address) ?? [];
  return {
    address: c.address,
    mode: c.mode ?? 'managed',
    type: c.type ?? type,
    name,
    provider_name: 'registry.terraform.io/hashicorp/aws',
    change: {
      actions: c.actions ?? ['create'],
      before: null,
      after:
        c.after === undefined ? { assume_role_policy: ROLE_DOC, name: 'r', path: '/' } : c.after,
      after_unknown: c.unknown ?? { arn: true },
    },
  };
}

function plan(changes: Change[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    format_version: '1.2',
    terraform_version: '1.9.8',
    resource_changes: changes.map(change),
    ...extra,
  });
}

interface BadCase {
  name: string;
  content: string | Buffer;
  spec?: Partial<TfSpec>;
  code: string;
  message?: RegExp;
  hint?: RegExp;
  /** The text at the finding's span. */
  at?: string;
  /** Resolves, with this warning. */
  warning?: true;
}

const BAD: BadCase[] = [
  {
    name: 'not JSON (HCL)',
    content: 'resource "aws_iam_role" "x" {}\n',
    code: 'json-unexpected-char',
    hint: /terraform show -json/,
  },
  {
    name: 'the binary plan',
    content: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('tfplan')]),
    code: 'tf-binary-plan',
    hint: /terraform show -json bad\.json > plan\.json/,
  },
  {
    name: 'a raw terraform.tfstate',
    content: JSON.stringify({
      version: 4,
      terraform_version: '1.9.8',
      serial: 3,
      lineage: 'x',
      outputs: {},
      resources: [],
    }),
    code: 'tf-raw-state',
  },
  { name: 'not an object', content: '[1]', code: 'tf-not-show-json' },
  { name: 'another JSON', content: '{"Version":"2012-10-17"}', code: 'tf-not-show-json' },
  {
    name: 'a format of another major version',
    content: JSON.stringify({ format_version: '2.0', resource_changes: [] }),
    code: 'tf-format-version',
    at: '"2.0"',
  },
  { name: 'no role at all', content: plan([]), code: 'tf-no-role' },
  {
    name: 'the address of something else',
    content: plan([{ address: 'aws_iam_role.r' }, { address: 'aws_s3_bucket.b', after: {} }]),
    spec: { address: 'aws_s3_bucket.b' },
    code: 'tf-not-a-role',
    message: /aws_s3_bucket\.b is a aws_s3_bucket, not an aws_iam_role/,
    hint: /roles in this plan: aws_iam_role\.r/,
  },
  {
    name: 'a role planned for deletion',
    content: plan([{ address: 'aws_iam_role.r', actions: ['delete'], after: null }]),
    spec: { address: 'aws_iam_role.r' },
    code: 'tf-role-deleted',
  },
  {
    name: 'a deleted role is not a candidate',
    content: plan([{ address: 'aws_iam_role.r', actions: ['delete'], after: null }]),
    code: 'tf-no-role',
  },
  {
    name: 'a policy that is not JSON',
    content: plan([
      { address: 'aws_iam_role.r', after: { assume_role_policy: '{"Version": 2012-10-17}' } },
    ]),
    code: 'json-unexpected-char',
  },
  {
    name: 'a policy with a duplicate key',
    content: plan([
      {
        address: 'aws_iam_role.r',
        after: {
          assume_role_policy: '{"Version":"2012-10-17","Version":"2008-10-17","Statement":[]}',
        },
      },
    ]),
    code: 'duplicate-key',
    at: '\\"Version\\"',
  },
  {
    name: 'a policy that is an object, not a string',
    content: plan([
      { address: 'aws_iam_role.r', after: { assume_role_policy: { Version: '2012-10-17' } } },
    ]),
    code: 'tf-policy-type',
  },
  {
    name: 'no policy',
    content: plan([{ address: 'aws_iam_role.r', after: { name: 'r' } }]),
    code: 'tf-no-policy',
  },
  {
    name: 'a supplied policy that is not JSON',
    content: plan([
      { address: 'aws_iam_role.r', after: { name: 'r' }, unknown: { assume_role_policy: true } },
    ]),
    spec: { resources: { 'aws_iam_role.r.assume_role_policy': '{nope' } },
    code: 'tf-supplied-policy',
  },
  {
    name: 'an EKS provider whose url is known only after apply',
    content: plan([
      { address: 'aws_iam_role.r' },
      {
        address: 'aws_iam_openid_connect_provider.eks',
        after: { client_id_list: ['sts.amazonaws.com'] },
        unknown: { arn: true, url: true },
      },
    ]),
    code: 'tf-unknown-value',
    message: /^aws_iam_openid_connect_provider\.eks\.url is known only after apply/,
    hint: /resources: \{ aws_iam_openid_connect_provider\.eks\.url: https:\/\/oidc\.eks\.REGION\.amazonaws\.com\/id\/ID \}/,
    at: '"url":true',
  },
  {
    name: 'a provider whose client ids are partly unknown',
    content: plan([
      { address: 'aws_iam_role.r' },
      {
        address: 'aws_iam_openid_connect_provider.p',
        after: { url: 'https://idp.example.com' },
        unknown: { client_id_list: [false, true] },
      },
    ]),
    code: 'tf-unknown-value',
    message: /client_id_list is known only after apply/,
  },
  {
    name: 'a provider without a url',
    content: plan([
      { address: 'aws_iam_role.r' },
      { address: 'aws_iam_openid_connect_provider.p', after: { client_id_list: [] } },
    ]),
    code: 'tf-provider-incomplete',
  },
  {
    name: 'an errored plan (resolves, with a warning)',
    content: plan([{ address: 'aws_iam_role.r' }], { errored: true }),
    code: 'tf-plan-errored',
    warning: true,
  },
  {
    name: 'max_session_duration known only after apply (resolves, with a warning)',
    content: plan(
      [{ address: 'aws_iam_role.r', unknown: { arn: true, max_session_duration: true } }],
      {},
    ),
    spec: { account: '111122223333' },
    code: 'tf-unknown-value',
    message: /max_session_duration is known only after apply/,
    warning: true,
  },
];

t.test('inputs that do not resolve', async (t) => {
  const dir = t.testdir({});
  for (const c of BAD) {
    writeFileSync(join(dir, 'bad.json'), c.content);
    const r = await resolveTerraform(tf('bad.json', c.spec ?? {}), { baseDir: dir });
    t.equal(r.ok, c.warning === true, `${c.name}: ${c.warning ? 'resolves' : 'does not resolve'}`);
    const f = r.findings.find((x) => x.code === c.code);
    t.ok(f, `${c.name}: ${c.code} (got ${r.findings.map((x) => x.code).join(', ')})`);
    if (!f) continue;
    t.equal(f.severity, c.warning ? 'warning' : 'error', `${c.name}: severity`);
    t.equal(f.file, join(dir, 'bad.json'), `${c.name}: names the file (absolute)`);
    if (c.message) t.match(f.message, c.message, `${c.name}: message`);
    if (c.hint) t.match(f.hint, c.hint, `${c.name}: hint`);
    if (c.at !== undefined) {
      const text = typeof c.content === 'string' ? c.content : '';
      t.equal(
        f.span ? text.slice(f.span.start.offset, f.span.end.offset) : '(none)',
        c.at,
        `${c.name}: place`,
      );
    }
  }
});

t.test('a missing file', async (t) => {
  const r = await resolveTerraform(tf('nope.json'), opts);
  t.notOk(r.ok);
  t.match(r.findings, [
    {
      code: 'source-not-found',
      message: 'the Terraform plan or state nope.json does not exist',
      file: join(DIR, 'nope.json'),
    },
  ]);
});

t.test('what is not a regular file is refused without being read', async (t) => {
  const dir = t.testdir({ folder: {} });
  mkfifo(join(dir, 'fifo.json'));
  const cases: [string, string, RegExp][] = [
    ['folder', 'tf-file-unreadable', /folder is a folder, not a file/],
    ['fifo.json', 'tf-file-unreadable', /fifo\.json is a named pipe \(FIFO\), not a regular file/],
  ];
  for (const [name, code, message] of cases) {
    const r = await resolveTerraform(tf(name), { baseDir: dir });
    t.notOk(r.ok, name);
    t.match(r.findings, [{ code, message }], name);
  }
});

t.test('a UTF-16 file (PowerShell 5 redirect) reads like UTF-8', async (t) => {
  const dir = t.testdir({});
  writeFileSync(
    join(dir, 'p.json'),
    Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(plan([{ address: 'aws_iam_role.r' }]), 'utf16le'),
    ]),
  );
  const r = ok(t, await resolveTerraform(tf('p.json'), { baseDir: dir }));
  t.match(r?.role.trustPolicy.document, { Version: '2012-10-17' });
});

t.test('supplied values for the ARN, max_session_duration and a provider url', async (t) => {
  const dir = t.testdir({
    'p.json': plan([
      {
        address: 'aws_iam_role.r',
        after: { assume_role_policy: ROLE_DOC },
        unknown: { arn: true, name: true, max_session_duration: true },
      },
      {
        address: 'aws_iam_openid_connect_provider.eks',
        after: { client_id_list: ['sts.amazonaws.com'] },
        unknown: { url: true },
      },
    ]),
  });
  const r = ok(
    t,
    await resolveTerraform(
      tf('p.json', {
        resources: {
          'aws_iam_role.r.arn': 'arn:aws:iam::111122223333:role/r-2026',
          'aws_iam_role.r.max_session_duration': 7200,
          'aws_iam_openid_connect_provider.eks.url':
            'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC',
        },
      }),
      { baseDir: dir },
    ),
  );
  if (!r) return;
  t.equal(r.role.arn, 'arn:aws:iam::111122223333:role/r-2026');
  t.equal(r.role.maxSessionDuration, 7200);
  t.same(r.providers, [
    { url: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC', clientIds: ['sts.amazonaws.com'] },
  ]);
  t.same(r.provenance['arn'], { kind: 'supplied', note: 'resources: aws_iam_role.r.arn' });
  t.same(r.provenance['providers[0]'], {
    kind: 'supplied',
    note: 'resources: aws_iam_openid_connect_provider.eks.url',
  });
  t.same(r.findings, []);
});

t.test('a data.aws_iam_role (an existing role read while planning)', async (t) => {
  const dir = t.testdir({
    'p.json': JSON.stringify({
      format_version: '1.2',
      resource_changes: [],
      prior_state: {
        format_version: '1.0',
        values: {
          root_module: {
            resources: [
              {
                address: 'data.aws_iam_role.existing',
                mode: 'data',
                type: 'aws_iam_role',
                name: 'existing',
                values: {
                  arn: 'arn:aws:iam::111122223333:role/ci/existing',
                  assume_role_policy: ROLE_DOC,
                  max_session_duration: 3600,
                  name: 'existing',
                  path: '/ci/',
                  tags: {},
                },
              },
            ],
          },
        },
      },
    }),
  });
  const r = ok(t, await resolveTerraform(tf('p.json'), { baseDir: dir }));
  t.equal(r?.role.arn, 'arn:aws:iam::111122223333:role/ci/existing');
  t.same(r?.role.tags, {});
});

t.test(
  'the README example: resolve, parse with positions, simulate with the plan’s providers',
  async (t) => {
    const trustspec = await import('../../lib/index.js');
    const source = await trustspec.resolveTerraform(
      { kind: 'terraform', file: 'github-oidc-module.plan.json', address: GH_ROLE },
      { baseDir: DIR },
    );
    if (!source.ok) throw new Error(source.findings.map((f) => f.message).join('\n'));
    const { trustPolicy, arn, maxSessionDuration } = source.role;
    const parsed = trustspec.parsePolicy(trustPolicy.document as object, {
      spanOf: trustPolicy.spanOf,
    });
    if (!parsed.ok) throw new Error(parsed.findings.map((f) => f.message).join('\n'));
    const input = (sub: string) => ({
      role: {
        arn: arn ?? 'arn:aws:iam::111122223333:role/ci/deploy',
        policy: trustspec.compilePolicy(parsed.policy),
        maxSessionDuration,
      },
      providers: source.providers,
      token: {
        claims: {
          iss: 'https://token.actions.githubusercontent.com',
          aud: 'sts.amazonaws.com',
          sub,
        },
      },
      request: { roleSessionName: 'GitHubActions' },
      now: Date.UTC(2026, 5, 1),
    });
    t.equal(trustspec.simulate(input('repo:acme/app:ref:refs/heads/main')).decision, 'allow');
    t.match(trustspec.simulate(input('repo:acme/app:pull_request')), {
      decision: 'deny',
      code: 'AccessDenied',
    });
    t.type(trustspec.resolveLive, 'function');
    t.type(trustspec.resolveLiveProviders, 'function');
  },
);
