import t from 'tap';
import {
  parseTemplate,
  resolveTemplate,
  staticParts,
  substitute,
} from '../../lib/conditions/variables.js';
import { makeContext } from '../../lib/conditions/context.js';
import { ctxOf, entry } from './fixtures/clauses.js';

t.test('§5.6 parse: each form', async (t) => {
  const forms: Array<{ value: string; parts: unknown[] }> = [
    { value: 'plain', parts: [{ kind: 'text', text: 'plain' }] },
    { value: '', parts: [] },
    {
      value: 'repo:${aws:x}:y',
      parts: [
        { kind: 'text', text: 'repo:' },
        { kind: 'var', key: 'aws:x', keyLower: 'aws:x', defaultValue: undefined, raw: '${aws:x}' },
        { kind: 'text', text: ':y' },
      ],
    },
    {
      value: "${ aws:PrincipalTag/team , 'company-wide' }",
      parts: [
        {
          kind: 'var',
          key: 'aws:PrincipalTag/team',
          keyLower: 'aws:principaltag/team',
          defaultValue: 'company-wide',
          raw: "${ aws:PrincipalTag/team , 'company-wide' }",
        },
      ],
    },
    {
      value: "${k,''}",
      parts: [{ kind: 'var', key: 'k', keyLower: 'k', defaultValue: '', raw: "${k,''}" }],
    },
    {
      value: "${k, 'a}b'}",
      parts: [{ kind: 'var', key: 'k', keyLower: 'k', defaultValue: 'a}b', raw: "${k, 'a}b'}" }],
    },
    {
      value: 'a${*}b${?}c${$}d${ * }',
      parts: [
        { kind: 'text', text: 'a' },
        { kind: 'escape', char: '*', raw: '${*}' },
        { kind: 'text', text: 'b' },
        { kind: 'escape', char: '?', raw: '${?}' },
        { kind: 'text', text: 'c' },
        { kind: 'escape', char: '$', raw: '${$}' },
        { kind: 'text', text: 'd' },
        { kind: 'escape', char: '*', raw: '${ * }' },
      ],
    },
    { value: 'cost $5 {x}', parts: [{ kind: 'text', text: 'cost $5 {x}' }] },
  ];
  for (const f of forms) {
    const { template, issues } = parseTemplate(f.value, true);
    t.same(template.parts, f.parts, `§5.6 parse ${JSON.stringify(f.value)}`);
    t.same(issues, [], `no issues for ${JSON.stringify(f.value)}`);
  }
});

t.test('§5.6 parse: disabled means literal', async (t) => {
  const { template, issues } = parseTemplate('a${aws:x}${*}', false);
  t.same(template.parts, [{ kind: 'text', text: 'a${aws:x}${*}' }]);
  t.notOk(template.hasVariables);
  t.same(issues, []);
});

t.test('§5.6 parse: malformed', async (t) => {
  const u = parseTemplate('repo:${aws:x', true);
  t.same(u.template.parts, [{ kind: 'text', text: 'repo:${aws:x' }]);
  t.equal(u.issues[0]?.code, 'unterminated-variable');
  t.equal(u.issues[0]?.offset, 5);
  for (const bad of ['${}', '${ }', '${a b}', '${a, b}', "${a, 'b}", '${**}', '${a{b}']) {
    const r = parseTemplate(`x${bad}y`, true);
    t.notOk(r.template.hasVariables, `${bad} is not a variable`);
    t.ok(
      r.issues.some((i) => i.code === 'invalid-variable' || i.code === 'unterminated-variable'),
      `${bad} reported`,
    );
  }
  const both = parseTemplate('${bad one}${ok}', true);
  t.ok(both.template.hasVariables, 'parsing continues after an invalid variable');
  t.same(both.template.parts[0], { kind: 'text', text: '${bad one}' });
});

t.test('§5.6 resolve', async (t) => {
  const ctx = makeContext([
    entry('aws:PrincipalTag/Team', 'blue'),
    entry('multi', ['a', 'b']),
    entry('emptymulti', []),
  ]);
  const tpl = (s: string) => parseTemplate(s, true).template;
  t.equal(
    substitute(tpl('team-${aws:principaltag/team}'), ctx),
    'team-blue',
    'key case-insensitive',
  );
  t.equal(substitute(tpl('team-${AWS:PRINCIPALTAG/TEAM}'), ctx), 'team-blue');
  t.equal(substitute(tpl("${nope, 'dflt'}"), ctx), 'dflt', 'absent → default');
  t.equal(
    substitute(tpl("${emptymulti, 'dflt'}"), ctx),
    'dflt',
    'empty multivalued counts as absent',
  );
  t.equal(substitute(tpl('${nope}'), ctx), undefined, 'absent, no default → unresolvable');
  t.equal(substitute(tpl("${multi, 'd'}"), ctx), undefined, 'multivalued → unresolvable');
  const r = resolveTemplate(tpl('${multi}'), ctx);
  t.same(r, { ok: false, variable: '${multi}', why: 'multivalued' });
  const ok = resolveTemplate(tpl('a*${aws:principaltag/team}${*}'), ctx);
  t.ok(ok.ok);
  if (ok.ok) {
    t.same(ok.parts, [
      { text: 'a*', wild: true },
      { text: 'blue', wild: false },
      { text: '*', wild: false },
    ]);
    t.equal(ok.used.length, 1);
  }
  t.same(staticParts(tpl('a${$}')), [
    { text: 'a', wild: true },
    { text: '$', wild: false },
  ]);
  t.equal(substitute(tpl('x'), ctxOf({})), 'x');
});
