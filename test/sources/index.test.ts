/**
 * resolveSource dispatches on the kind of source, loading each reader only when its kind is used
 * (so resolving a template never loads the AWS SDK a live reader will need); a kind this build
 * cannot read is a finding, never a throw.
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
});

t.test('dispatch by kind', async (t) => {
  t.same(supportedKinds(), ['cloudformation', 'cdk']);
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
  const tf = await resolveSource({ kind: 'terraform', file: 'plan.json' }, { baseDir: FIXTURES });
  t.notOk(tf.ok);
  t.equal(tf.findings[0]?.code, 'source-kind-unsupported');
  t.equal(tf.findings[0]?.file, join(FIXTURES, 'plan.json'));
  t.equal(tf.findings[0]?.span?.start.line, 1);
  const live = await resolveSource(
    { kind: 'live', arn: 'arn:aws:iam::111122223333:role/x' },
    { baseDir: FIXTURES },
  );
  t.equal(live.findings[0]?.code, 'source-kind-unsupported');
  t.equal(live.findings[0]?.file, undefined, 'a live role has no file');
});
