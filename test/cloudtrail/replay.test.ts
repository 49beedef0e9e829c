/**
 * Replaying recorded calls: the simulated outcome against the recorded one. A disagreement is a
 * mismatch (the policy under test is not the one that ran) unless it rests on what CloudTrail does
 * not keep — the token itself, or claims other than the audience and subject.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicy } from '../../lib/policy/parse.js';
import { compilePolicy, type CompiledPolicy } from '../../lib/sts/compile.js';
import { simulate } from '../../lib/sts/simulate.js';
import { readCloudTrail, type RecordedCall } from '../../lib/explain/cloudtrail.js';
import {
  compareOutcome,
  recordedClaims,
  recordedProviderId,
  recordedProviders,
  replayInput,
  replayOutcome,
  type Verdict,
} from '../../lib/explain/cloudtrail-replay.js';
import { REPO } from '../cli/helpers.js';

const DIR = join(REPO, 'test', 'fixtures', 'cloudtrail');
const NOW = Date.parse('2026-06-01T00:00:00Z');

function policy(name: string): CompiledPolicy {
  const parsed = parsePolicy(readFileSync(join(DIR, 'policies', name), 'utf8'));
  if (!parsed.ok) throw new Error(`${name} does not parse`);
  const compiled = compilePolicy(parsed.policy);
  if (!compiled.ok) throw new Error(`${name} does not compile`);
  return compiled;
}

function calls(file: string): RecordedCall[] {
  const r = readCloudTrail(readFileSync(join(DIR, file), 'utf8'));
  if (r.errors.length > 0) throw new Error(`${file}: ${r.errors[0]?.message}`);
  return r.calls;
}

function verdicts(file: string, policyName: string): Verdict[] {
  const p = policy(policyName);
  return calls(file).map(
    (c) => compareOutcome(c, simulate(replayInput(c, p, { now: NOW }))).verdict,
  );
}

t.test('each recorded outcome against the policy that ran and an edited one', async (t) => {
  const cases: [string, string, Verdict[]][] = [
    ['trail.json', 'github.trust.json', ['match', 'match']],
    // The edited policy allows every acme/app subject: the refused pull request now passes.
    ['trail.json', 'github-edited.trust.json', ['match', 'mismatch']],
    // ... and drops the environment: the recorded success is now refused.
    ['event-success.json', 'github-edited.trust.json', ['mismatch']],
    [
      'errors.json',
      'github.trust.json',
      ['unverifiable', 'unverifiable', 'unverifiable', 'unverifiable', 'match', 'unverifiable'],
    ],
    ['govcloud-eks.json', 'govcloud-eks.trust.json', ['match']],
    ['china-eks.json', 'china-eks.trust.json', ['match']],
    ['cross-partition.json', 'cross-partition.trust.json', ['match']],
    // A commercial-partition policy for a GovCloud role: the principal names the wrong partition.
    ['govcloud-eks.json', 'github.trust.json', ['mismatch']],
    // The policy reads claims CloudTrail does not record: not verifiable, never a match.
    ['event-success.json', 'github-repository.trust.json', ['unverifiable']],
    ['cognito.json', 'cognito.trust.json', ['unverifiable']],
  ];
  for (const [file, policyName, want] of cases)
    t.same(verdicts(file, policyName), want, `${file} against ${policyName}`);
});

t.test('the reasons say what was compared and what cannot be', async (t) => {
  const edited = policy('github-edited.trust.json');
  const [, denied] = calls('trail.json');
  const d = denied as RecordedCall;
  const cmp = compareOutcome(d, simulate(replayInput(d, edited, { now: NOW })));
  t.match(cmp, {
    recorded: 'AccessDenied',
    simulated: 'allowed',
    reason: /not the one that ran/,
  });
  const cognito = calls('cognito.json')[0] as RecordedCall;
  const c2 = compareOutcome(
    cognito,
    simulate(replayInput(cognito, policy('cognito.trust.json'), { now: NOW })),
  );
  t.same(c2.unrecordedKeys, ['cognito-identity.amazonaws.com:amr']);
  t.match(c2.reason, /does not record/);
  const expired = calls('errors.json')[1] as RecordedCall;
  const c3 = compareOutcome(
    expired,
    simulate(replayInput(expired, policy('github.trust.json'), { now: NOW })),
  );
  t.match(c3.reason, /ExpiredTokenException.*with a valid token the policy would have allowed/);
});

t.test('the simulation input stands for the recorded call', async (t) => {
  const [ok] = calls('event-success.json');
  const c = ok as RecordedCall;
  const input = replayInput(c, policy('github.trust.json'), { now: NOW, maxSessionDuration: 7200 });
  t.same(input.token.claims, {
    iss: 'https://token.actions.githubusercontent.com',
    aud: 'sts.amazonaws.com',
    sub: 'repo:reponame-rn/new-repo:environment:dev',
  });
  t.same(input.providers, [
    { url: 'https://token.actions.githubusercontent.com', clientIds: ['sts.amazonaws.com'] },
  ]);
  t.same(input.request, { roleSessionName: 'GitHubActions', durationSeconds: 3600 });
  t.equal(input.now, Date.parse('2026-05-20T09:01:00Z'), 'the clock of the event');
  t.equal(input.role.maxSessionDuration, 7200);
  const noTime = replayInput(
    { ...c, time: undefined } as unknown as RecordedCall,
    input.role.policy,
    {
      now: NOW,
    },
  );
  t.equal(noTime.now, NOW, 'without an event time, the command’s clock');
});

t.test('OAuth providers, source identity and session tags', async (t) => {
  const [, , facebook, , , tagged] = calls('errors.json') as RecordedCall[];
  const fb = facebook as RecordedCall;
  t.same(recordedClaims(fb), { app_id: '1111222233334444', id: '1234567890' });
  t.equal(recordedProviderId(fb), 'graph.facebook.com');
  t.same(recordedProviders(fb), [], 'built-in providers need no IAM provider');
  const amazon: RecordedCall = {
    ...fb,
    providerId: undefined,
    provider: {
      ...fb.provider,
      value: 'www.amazon.com',
      hostPath: 'www.amazon.com',
      provider: 'amazon',
    },
  } as unknown as RecordedCall;
  delete (amazon as { providerId?: string }).providerId;
  t.same(recordedClaims(amazon), { app_id: '1111222233334444', user_id: '1234567890' });
  t.equal(recordedProviderId(amazon), 'www.amazon.com');
  t.same(recordedClaims({ ...(tagged as RecordedCall), sourceIdentity: 'alice' }), {
    iss: 'https://token.actions.githubusercontent.com',
    aud: 'sts.amazonaws.com',
    sub: 'repo:acme/app:ref:refs/heads/main',
    'https://aws.amazon.com/source_identity': 'alice',
    'https://aws.amazon.com/tags': {
      principal_tags: { team: ['payments'], 'cost-center': ['24680'] },
      transitive_tag_keys: ['team'],
    },
  });
});

t.test(
  'replayOutcome (decision first, trace on disagreement) gives the same verdicts',
  async (t) => {
    const cases: [string, string][] = [
      ['trail.json', 'github.trust.json'],
      ['trail.json', 'github-edited.trust.json'],
      ['errors.json', 'github.trust.json'],
      ['cognito.json', 'cognito.trust.json'],
      ['event-success.json', 'github-repository.trust.json'],
    ];
    for (const [file, policyName] of cases) {
      const p = policy(policyName);
      t.same(
        calls(file).map((c) => replayOutcome(c, p, { now: NOW }).verdict),
        verdicts(file, policyName),
        `${file} against ${policyName}`,
      );
    }
  },
);
