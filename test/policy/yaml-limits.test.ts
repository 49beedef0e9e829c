/**
 * YAML policies at the limits: thousands of aliases convert in linear work (no alias walks the
 * whole document), aliases resolve exactly as the yaml library says, and nesting too deep for the
 * library is one positioned "nested too deeply" whatever the machine's stack.
 */
import t from 'tap';
import { Alias, isAlias, parseDocument, visit, type Document } from 'yaml';
import {
  aliasTargets,
  astToValue,
  MAX_YAML_DEPTH,
  parsePolicy,
  parseYaml,
} from '../../lib/policy/index.js';
import { growth, measureWork } from '../scenarios/scenario-file-meter.js';

const GH = 'token.actions.githubusercontent.com';

/** A YAML policy whose sub condition lists `n` aliases of one anchor. */
function aliasPolicy(n: number): string {
  return `Version: "2012-10-17"
Statement:
  - Effect: Allow
    Principal: { Federated: arn:aws:iam::111122223333:oidc-provider/${GH} }
    Action: sts:AssumeRoleWithWebIdentity
    Condition:
      StringLike:
        ${GH}:sub: &sub repo:acme/app:*
        ${GH}:aud: [${Array(n).fill('*sub').join(', ')}]
`;
}

/** Calls of the yaml library's `Alias.resolve`, each of which walks the whole document. */
function resolveCalls(fn: () => void): number {
  const original = Alias.prototype.resolve;
  let calls = 0;
  Alias.prototype.resolve = function (this: Alias, ...args: Parameters<Alias['resolve']>) {
    calls++;
    return original.apply(this, args);
  };
  try {
    fn();
  } finally {
    Alias.prototype.resolve = original;
  }
  return calls;
}

t.test('a policy of thousands of aliases converts in linear work', (t) => {
  const parsed = parseYaml(aliasPolicy(2000));
  t.same(parsed.findings, []);
  const value = parsed.ast && (astToValue(parsed.ast) as { Statement: unknown[] });
  t.same(
    (value?.Statement[0] as { Condition: unknown }).Condition,
    {
      StringLike: {
        [`${GH}:sub`]: 'repo:acme/app:*',
        [`${GH}:aud`]: Array(2000).fill('repo:acme/app:*'),
      },
    },
    'every alias became a value',
  );
  const small = parsePolicy(aliasPolicy(3), { format: 'yaml' });
  t.ok(small.ok, 'a policy with a few aliases parses');
  t.equal(
    resolveCalls(() => parseYaml(aliasPolicy(1000))),
    0,
    'no alias is resolved by walking the document',
  );
  const ratio = growth((n) => measureWork(() => parseYaml(aliasPolicy(n))), 1000);
  t.ok(ratio < 6, `4× the aliases take ${ratio.toFixed(2)}× the work (linear: about 4)`);
  t.end();
});

/** What the yaml library says each alias of `doc` stands for. */
function libraryTargets(doc: Document): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  visit(doc, {
    Alias: (_key, node) => {
      out.push([node.source, node.resolve(doc)]);
    },
  });
  return out;
}

t.test('aliases resolve to the last anchor of their name before them, as the library says', (t) => {
  const docs = [
    'a: &x 1\nb: *x\nc: &x 2\nd: *x\n',
    'a: &x [1, *x]\n',
    'a: &x {k: &y v, l: *y}\nb: *x\nc: [*y, &y w, *y]\n',
    '- &a 1\n- {&b k: *a, *b : 2}\n',
    'a: *nope\nb: &nope 1\n',
  ];
  for (const text of docs) {
    const doc = parseDocument(text, { uniqueKeys: false });
    const ours = aliasTargets(doc);
    const theirs = libraryTargets(doc);
    t.ok(theirs.length > 0, `${JSON.stringify(text)} has aliases`);
    const list: unknown[] = [];
    visit(doc, { Alias: (_k, node) => void list.push(node) });
    t.same(
      list.map((node) => (isAlias(node) ? ours.get(node) : undefined)),
      theirs.map(([, target]) => target),
      JSON.stringify(text),
    );
  }
  t.end();
});

t.test('nesting deeper than the limit is one positioned finding, however deep', (t) => {
  const flow = (n: number) => `Version: ${'['.repeat(n)}${']'.repeat(n)}\n`;
  const block = (n: number) =>
    Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n';
  const cases = [
    { name: 'flow lists just past the limit', text: flow(MAX_YAML_DEPTH + 5), at: '1:110' },
    { name: 'flow lists deeper than the library can follow', text: flow(5000), at: '1:110' },
    { name: 'block mappings past the limit', text: block(MAX_YAML_DEPTH + 5), at: '102:102' },
    { name: 'block mappings the library cannot follow', text: block(2000), at: '102:102' },
  ];
  for (const c of cases) {
    const r = parseYaml(c.text);
    t.same(
      r.findings.map((f) => `${f.code}@${f.span?.start.line}:${f.span?.start.column}`),
      [`yaml-too-deep@${c.at}`],
      c.name,
    );
    t.match(r.findings[0]?.message, `nested too deeply: more than ${MAX_YAML_DEPTH} levels`);
    t.notMatch(r.findings[0]?.message, /stack/);
  }
  t.same(parseYaml(flow(MAX_YAML_DEPTH - 5)).findings, [], 'just under the limit is fine');
  t.end();
});

t.test('keys written twice: "1" and 1 are one key', (t) => {
  const findings = parseYaml('Version: "2012-10-17"\nStatement:\n  - {1: a, "1": b}\n').findings;
  t.same(
    findings.map((f) => `${f.code}@${f.span?.start.line}:${f.span?.start.column}`),
    ['duplicate-key@3:12'],
  );
  t.end();
});
