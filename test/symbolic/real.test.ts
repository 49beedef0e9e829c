/**
 * Real trust policies from public repositories (test/fixtures/symbolic/SOURCE.md): a change
 * between two commits of one policy, and a policy trusting every repository on GitHub.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { difference } from '../../lib/symbolic/diff.js';
import { whoCanAssume } from '../../lib/symbolic/who.js';
import { GH, NOW, role } from './helpers.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/symbolic/', import.meta.url));
const read = (name: string): unknown => JSON.parse(readFileSync(`${FIXTURES}${name}`, 'utf8'));

t.test(
  'ministryofjustice/operations-engineering: one repository swapped for another',
  async (t) => {
    const before = role(read('moj-github-oidc.before.json'));
    const after = role(read('moj-github-oidc.after.json'));
    const r = difference(before, after, { now: NOW }).result;
    t.same(
      r.newlyAllowed.map((e) => [e.description.split(' — ')[0], e.token['sub']]),
      [
        [
          'sub matches "repo:ministryofjustice/operations-engineering-terraform-dns-poc:*"',
          'repo:ministryofjustice/operations-engineering-terraform-dns-poc:ref:refs/heads/main',
        ],
      ],
      'newly allowed: the new repository, and nothing else — operations-engineering:* does not cover it',
    );
    t.same(
      r.newlyDenied.map((e) => [e.description.split(' — ')[0], e.token['sub']]),
      [
        [
          'sub matches "repo:ministryofjustice/dns:*"',
          'repo:ministryofjustice/dns:ref:refs/heads/main',
        ],
      ],
    );
    t.same(r.unknown, []);
  },
);

t.test('dvdmelamed/aws-infra: repo:* lets in any repository of any owner', async (t) => {
  const who = whoCanAssume(role(read('any-repo.trust.json')), { now: NOW });
  const p = who.providers.find((x) => x.issuer === GH);
  t.equal(who.exact, true);
  t.same(
    p?.breadth.map((b) => [b.code, b.example.token['sub']]),
    [['any-owner', 'repo:another-owner/any-repo:ref:refs/heads/main']],
  );
});
