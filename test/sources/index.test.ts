/**
 * resolveSource dispatches on the kind of source, loading each reader only when its kind is used
 * (so resolving a template never loads the AWS SDK a live reader will need); every kind of
 * SourceSpec has its reader.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import ts from 'typescript';
import { resolveSource, supportedKinds } from '../../lib/sources/index.js';
import { REPO } from '../cli/helpers.js';
import { FIXTURES } from './helpers.js';

t.test('the readers are imported only when their kind is resolved', async (t) => {
  const file = join(REPO, 'lib', 'sources', 'index.ts');
  const js = ts.transpileModule(readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const tree = ts.createSourceFile('index.js', js, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const staticImports = tree.statements
    .filter((s): s is ts.ImportDeclaration => ts.isImportDeclaration(s))
    .map((s) => (s.moduleSpecifier as ts.StringLiteral).text);
  t.same(staticImports, ['node:path'], 'no reader and no SDK at load time');
  t.match(js, /import\('\.\/cloudformation\.js'\)/);
  t.match(js, /import\('\.\/cdk\.js'\)/);
  t.match(js, /import\('\.\/terraform\.js'\)/);
  t.match(js, /import\('\.\/live\.js'\)/);
});

t.test('dispatch by kind', async (t) => {
  t.same(supportedKinds(), ['cloudformation', 'cdk', 'terraform', 'live']);
  const cfn = await resolveSource(
    {
      kind: 'cloudformation',
      file: 'cloudformation/github-actions-role-long-form.yaml',
      account: '111122223333',
      region: 'us-east-1',
    },
    { baseDir: FIXTURES },
  );
  t.ok(cfn.ok);
  const cdk = await resolveSource(
    {
      kind: 'cdk',
      dir: 'cdk/github-oidc',
      stack: 'GithubOidcIntegStack',
      account: '111122223333',
      region: 'us-east-1',
    },
    { baseDir: FIXTURES },
  );
  t.ok(cdk.ok);
  const tf = await resolveSource(
    {
      kind: 'terraform',
      file: 'terraform/service-role.plan.json',
      account: '111122223333',
    },
    { baseDir: FIXTURES },
  );
  t.ok(tf.ok, 'the Terraform reader');
  t.equal(tf.ok && tf.role.arn, 'arn:aws:iam::111122223333:role/test_role');
  const missing = await resolveSource(
    { kind: 'terraform', file: 'plan.json' },
    { baseDir: FIXTURES },
  );
  t.notOk(missing.ok);
  t.equal(missing.findings[0]?.file, join(FIXTURES, 'plan.json'), 'resolved against baseDir');
  // Not a role ARN: the live reader refuses it before any AWS call (no network here).
  const live = await resolveSource(
    { kind: 'live', arn: 'arn:aws:iam::1:role/x' },
    { baseDir: FIXTURES },
  );
  t.notOk(live.ok);
  t.equal(live.findings[0]?.code, 'live-role-arn', 'the live reader');
  t.equal(live.findings[0]?.file, undefined, 'a live role has no file');
});
