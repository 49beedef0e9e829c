/**
 * `difference` on a table of edits (issue #10: widened pattern, added statement, removed Deny,
 * changed aud, case change, added IfExists, reordered values): which regions became allowed or
 * denied, what their example tokens are, and "unchanged" as a proof when nothing moved. Every
 * example is replayed against both roles inside `difference` (a disagreement throws).
 */
import t, { type Test } from 'tap';
import { decide } from '../../lib/sts/simulate.js';
import { difference, type DiffReport } from '../../lib/symbolic/diff.js';
import { diffMarkdown, diffText } from '../../lib/symbolic/render.js';
import { doc, GH, GH_PROVIDER, NOW, request, role, statement } from './helpers.js';
import type { AnalysisRole } from '../../lib/symbolic/providers.js';

const SUB = `${GH}:sub`;
const AUD = `${GH}:aud`;
const REPO = `${GH}:repository`;
const aud = { StringEquals: { [AUD]: 'sts.amazonaws.com' } };

function like(sub: string | string[], extra: Record<string, Record<string, unknown>> = {}) {
  return statement('Allow', { ...aud, StringLike: { [SUB]: sub }, ...extra }, { Sid: 'Deploy' });
}

interface Case {
  name: string;
  before: AnalysisRole;
  after: AnalysisRole;
  allowed: number;
  denied: number;
  /** Substrings of the descriptions, in order of the entries. */
  describe?: string[];
  /** Claims every newly allowed (or denied, when none is allowed) example carries. */
  claims?: Record<string, unknown>;
}

const orgRead = (deny: boolean) =>
  role(
    doc(
      statement('Allow', { ...aud, StringLike: { [SUB]: 'repo:acme/*' } }),
      ...(deny ? [statement('Deny', { StringLike: { [SUB]: 'repo:acme/legacy-billing:*' } })] : []),
    ),
  );

const CASES: Case[] = [
  {
    name: 'a widened pattern lets in every other acme repository',
    before: role(doc(like('repo:acme/app:*'))),
    after: role(doc(like('repo:acme/*'))),
    allowed: 1,
    denied: 0,
    describe: ['sub matches "repo:acme/*" but not "repo:acme/app:*"'],
    claims: { sub: 'repo:acme/app2:ref:refs/heads/main' },
  },
  {
    name: 'an added statement for one environment',
    before: role(doc(like('repo:acme/app:ref:refs/heads/main'))),
    after: role(
      doc(
        like('repo:acme/app:ref:refs/heads/main'),
        statement('Allow', { ...aud, StringEquals: { [SUB]: 'repo:acme/app:environment:prod' } }),
      ),
    ),
    allowed: 1,
    denied: 0,
    describe: ['sub equals "repo:acme/app:environment:prod"'],
    claims: { sub: 'repo:acme/app:environment:prod' },
  },
  {
    name: 'a removed Deny lets the archived repository back in',
    before: orgRead(true),
    after: orgRead(false),
    allowed: 1,
    denied: 0,
    describe: ['sub matches "repo:acme/legacy-billing:*"'],
  },
  {
    name: 'a changed aud condition refuses every token the provider accepts',
    before: role(doc(like('repo:acme/app:*'))),
    after: role(
      doc(
        statement('Allow', {
          StringEquals: { [AUD]: 'https://github.com/acme' },
          StringLike: { [SUB]: 'repo:acme/app:*' },
        }),
      ),
    ),
    allowed: 0,
    denied: 1,
  },
  {
    name: 'a client ID added to the provider, with no aud condition in the policy',
    before: role(doc(statement('Allow', { StringLike: { [SUB]: 'repo:acme/app:*' } }))),
    after: role(doc(statement('Allow', { StringLike: { [SUB]: 'repo:acme/app:*' } })), [
      { ...GH_PROVIDER, clientIds: ['sts.amazonaws.com', 'https://github.com/acme'] },
    ]),
    allowed: 1,
    denied: 0,
    claims: { aud: 'https://github.com/acme' },
  },
  {
    name: 'a case change: StringEquals to StringEqualsIgnoreCase',
    before: role(doc(statement('Allow', { ...aud, StringEquals: { [REPO]: 'acme/app' } }))),
    after: role(
      doc(statement('Allow', { ...aud, StringEqualsIgnoreCase: { [REPO]: 'acme/app' } })),
    ),
    allowed: 1,
    denied: 0,
    describe: ['repository equals (ignoring case) "acme/app" but does not equal "acme/app"'],
  },
  {
    name: 'a case change in a value moves access both ways',
    before: role(doc(like('repo:Acme/app:*'))),
    after: role(doc(like('repo:acme/app:*'))),
    allowed: 1,
    denied: 1,
  },
  {
    name: 'an added IfExists admits tokens without the claim',
    before: role(doc(statement('Allow', { ...aud, StringLike: { [REPO]: 'acme/*' } }))),
    after: role(doc(statement('Allow', { ...aud, StringLikeIfExists: { [REPO]: 'acme/*' } }))),
    allowed: 1,
    denied: 0,
    describe: ['repository is absent'],
  },
  {
    name: 'reordered values: no change',
    before: role(
      doc(like(['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:environment:prod'])),
    ),
    after: role(doc(like(['repo:acme/app:environment:prod', 'repo:acme/app:ref:refs/heads/main']))),
    allowed: 0,
    denied: 0,
  },
  {
    name: 'reordered statements and a new Sid: no change',
    before: role(
      doc(like('repo:acme/app:*'), statement('Deny', { StringLike: { [SUB]: '*:pull_request' } })),
    ),
    after: role(
      doc(
        statement('Deny', { StringLike: { [SUB]: '*:pull_request' } }, { Sid: 'NoPRs' }),
        like('repo:acme/app:*'),
      ),
    ),
    allowed: 0,
    denied: 0,
  },
  {
    name: 'a Deny narrowed from every pull request to one repository',
    before: role(
      doc(like('repo:acme/*'), statement('Deny', { StringLike: { [SUB]: '*:pull_request' } })),
    ),
    after: role(
      doc(
        like('repo:acme/*'),
        statement('Deny', { StringLike: { [SUB]: 'repo:acme/app:pull_request' } }),
      ),
    ),
    allowed: 1,
    denied: 0,
    claims: { sub: 'repo:acme/app2:pull_request' },
  },
];

function check(t: Test, c: Case, r: DiffReport): void {
  const x = r.result;
  t.equal(x.newlyAllowed.length, c.allowed, 'newly allowed regions');
  t.equal(x.newlyDenied.length, c.denied, 'newly denied regions');
  t.same(x.unknown, [], 'nothing unknown');
  t.equal(x.unchanged, c.allowed + c.denied === 0, 'unchanged iff no region moved');
  (c.describe ?? []).forEach((d, i) => {
    const e = x.newlyAllowed[i] ?? x.newlyDenied[i];
    t.ok(e?.description.includes(d), `description ${i + 1} says ${d} (${e?.description})`);
  });
  const first = x.newlyAllowed[0] ?? x.newlyDenied[0];
  for (const [k, v] of Object.entries(c.claims ?? {}))
    t.equal(first?.token[k], v, `the example's ${k}`);
  // The example tokens, replayed here too: allowed by one role, refused by the other.
  for (const [list, yes, no] of [
    [x.newlyAllowed, c.after, c.before],
    [x.newlyDenied, c.before, c.after],
  ] as const) {
    for (const e of list) {
      const claims = { ...e.token };
      delete claims['iss'];
      t.equal(decide(request(yes, claims, e.request)).decision, 'allow');
      t.equal(decide(request(no, claims, e.request)).decision, 'deny');
    }
  }
}

for (const c of CASES) {
  t.test(c.name, async (t) => {
    check(t, c, difference(c.before, c.after, { now: NOW }));
  });
}

t.test('the human and markdown texts name the regions and the proof', async (t) => {
  const c = CASES[0] as Case;
  const r = difference(c.before, c.after, { now: NOW, files: ['old.json', 'new.json'] });
  const text = diffText(r);
  t.match(text, /^old\.json → new\.json {3}ACCESS GAINED$/m);
  t.match(text, /newly allowed \(1 region\)/);
  t.match(text, /allowed by new "Deploy" \(#1\); no old statement allows it/);
  t.match(
    text,
    /e\.g\. token \{ sub: repo:acme\/app2:ref:refs\/heads\/main, aud: sts\.amazonaws\.com \}/,
  );
  t.match(text, /newly denied: none/);
  t.match(
    text,
    /no other token changes: proven over every region of\n {2}token\.actions\.githubusercontent\.com \(/,
  );
  const md = diffMarkdown(r);
  t.match(md, /^### 🔴 trustspec diff: `old\.json` → `new\.json` — access gained/);
  t.match(md, /\| provider \| which tokens \| why \| example \|/);
  const same = difference(c.before, c.before, { now: NOW });
  t.match(diffText(same), /NO CHANGE[\s\S]*no token changes: proven/);
  t.match(diffMarkdown(same), /🟢[\s\S]*No token changes its decision/);
});
