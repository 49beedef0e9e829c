/**
 * The request context remembers what it worked out for a key under the clause's slot (a number
 * compilePolicy gives each distinct key of a policy). These pin that the numbering is per key,
 * case-insensitive, and that a slot read for another key is worked out again, never answered
 * from the other key's entry.
 */
import t from 'tap';
import { Recorder } from '../../lib/sts/trace.js';
import { requestStage } from '../../lib/sts/stages/request.js';
import { tokenStage } from '../../lib/sts/stages/token.js';
import { contextStage } from '../../lib/sts/stages/context.js';
import { decide, simulate } from '../../lib/sts/simulate.js';
import {
  allow,
  compile,
  EKS,
  EKS_ARN,
  GH,
  GH_ARN,
  githubInput,
  policy,
} from '../helpers/policy.js';

t.test('compilePolicy numbers each distinct key once, case-insensitively', async (t) => {
  const compiled = compile(
    policy(
      allow(
        { Federated: GH_ARN },
        {
          StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${GH}:sub`]: 'repo:acme/*' },
        },
      ),
      allow(
        { Federated: GH_ARN },
        { StringEquals: { [`${GH.toUpperCase()}:SUB`]: 'repo:acme/app:ref:refs/heads/main' } },
      ),
    ),
  );
  const slots = compiled.statements.map((s) => s.clauses.map((c) => [c.clause.key, c.slot]));
  t.same(slots, [
    [
      [`${GH}:aud`, 0],
      [`${GH}:sub`, 1],
    ],
    [[`${GH.toUpperCase()}:SUB`, 1]],
  ]);
  t.equal(compiled.keySlots, 2);
});

t.test('a slot read for another key answers for that key', async (t) => {
  const input = githubInput(policy(allow({ Federated: GH_ARN })), {
    sub: 'repo:acme/app:ref:refs/heads/main',
  });
  const rec = new Recorder(false);
  const req = requestStage(input, rec);
  if (!req.ok) throw new Error('request refused');
  const tok = tokenStage(input, rec, req.role);
  if (!tok.ok) throw new Error('token refused');
  const ctx = contextStage(input, rec, tok.facts);
  const sub = `${GH}:sub`;
  const aud = `${GH}:aud`;
  t.same(ctx.get(sub, 0)?.values, ['repo:acme/app:ref:refs/heads/main']);
  t.same(ctx.get(aud, 0)?.values, ['sts.amazonaws.com'], 'slot 0 now read for aud');
  t.same(ctx.get(sub, 0)?.values, ['repo:acme/app:ref:refs/heads/main'], 'and back');
  t.equal(ctx.get(`${GH}:nonexistent`, 1), undefined);
  t.equal(ctx.get(`${GH}:nonexistent`, 1), undefined, 'an absent key is remembered as absent');
  t.same(ctx.get(sub)?.values, ['repo:acme/app:ref:refs/heads/main'], 'without a slot');
});

// ---- the per-policy slot plan and the issuer-level caches of decide() ----------------------

t.test(
  'a claim read through slots and by name is worked out once (its warning once)',
  async (t) => {
    // `sub` as a one-element array: the key is taken from it, with a warning. The trace lists the
    // context (reads by name) before the statements read it by slot: one warning, not two.
    const input = githubInput(
      policy(
        allow({ Federated: GH_ARN }, { StringLike: { [`${GH}:sub`]: 'repo:acme/*' } }),
        allow({ Federated: GH_ARN }, { StringEquals: { [`${GH}:sub`]: 'repo:acme/app:x' } }),
      ),
      { sub: ['repo:acme/app:ref:refs/heads/main'] },
    );
    for (const [name, run] of [
      ['simulate', simulate],
      ['decide', decide],
    ] as const) {
      const d = run(input);
      t.equal(d.decision, 'allow', name);
      const codes = d.findings.map((f) => f.code).filter((c) => c.startsWith('claim-'));
      t.same(codes, ['claim-array-for-single-valued-key'], `${name}: one warning`);
    }
  },
);

t.test('a context read with the slots of another policy answers by key', async (t) => {
  const a = githubInput(
    policy(
      allow(
        { Federated: GH_ARN },
        {
          StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${GH}:sub`]: 'repo:acme/*' },
        },
      ),
    ),
    { sub: 'repo:acme/app:ref:refs/heads/main', repository_owner_id: '42' },
  );
  // Another policy numbers other keys with the same slots 0 and 1.
  const b = compile(
    policy(
      allow(
        { Federated: GH_ARN },
        {
          StringEquals: { [`${GH}:repository_owner_id`]: '42' },
          StringLike: { [`${GH}:sub`]: 'repo:acme/*' },
          Null: { 'aws:TagKeys': 'true' },
        },
      ),
    ),
  );
  const rec = new Recorder(false);
  const req = requestStage(a, rec);
  if (!req.ok) throw new Error('request refused');
  const tok = tokenStage(a, rec, req.role);
  if (!tok.ok) throw new Error('token refused');
  const ctx = contextStage(a, rec, tok.facts);
  const read = (slotted: typeof b) =>
    slotted.statements.flatMap((s) =>
      s.clauses.map((c) => [c.slot, ctx.get(c.clause.keyLower, c.slot)?.values ?? null]),
    );
  t.same(read(a.role.policy), [
    [0, ['sts.amazonaws.com']],
    [1, ['repo:acme/app:ref:refs/heads/main']],
  ]);
  t.same(read(b), [
    [0, ['42']],
    [1, ['repo:acme/app:ref:refs/heads/main']],
    [2, null],
  ]);
  t.same(
    read(a.role.policy),
    [
      [0, ['sts.amazonaws.com']],
      [1, ['repo:acme/app:ref:refs/heads/main']],
    ],
    'and the policy’s own slots still answer for their keys',
  );
});

t.test(
  'requests that alternate issuers, accounts, provider lists and names decide each alone',
  async (t) => {
    const both = policy(
      allow({ Federated: GH_ARN }, { StringLike: { [`${GH}:sub`]: 'repo:acme/*' } }),
      allow(
        { Federated: EKS_ARN },
        { StringEquals: { [`${EKS}:sub`]: 'system:serviceaccount:a:b' } },
      ),
    );
    const gh = githubInput(both);
    const eks = githubInput(both, {
      iss: `https://${EKS}`,
      sub: 'system:serviceaccount:a:b',
    });
    const providers = [
      { url: `https://${GH}`, clientIds: ['sts.amazonaws.com'] },
      { url: `https://${EKS}`, clientIds: ['sts.amazonaws.com'] },
    ];
    const otherAccount = `arn:aws:iam::999988887777:role/deploy`;
    // Expected: decision, code, caller. The other account's provider ARN is not the policy's.
    const rows: Array<[string, SimulationInputLike, string, string | undefined, string]> = [
      ['github', { ...gh, providers }, 'allow', undefined, GH_ARN],
      ['eks', { ...eks, providers }, 'allow', undefined, EKS_ARN],
      [
        'github, eks not registered',
        { ...gh, providers: providers.slice(0, 1) },
        'allow',
        undefined,
        GH_ARN,
      ],
      [
        'eks, not registered',
        { ...eks, providers: providers.slice(0, 1) },
        'deny',
        'InvalidIdentityToken',
        EKS_ARN,
      ],
      ['eks, registered again', { ...eks, providers }, 'allow', undefined, EKS_ARN],
      [
        'github, other account',
        { ...gh, providers, role: { ...gh.role, arn: otherAccount } },
        'deny',
        'AccessDenied',
        `arn:aws:iam::999988887777:oidc-provider/${GH}`,
      ],
      ['github, own account', { ...gh, providers }, 'allow', undefined, GH_ARN],
      [
        'invalid session name',
        { ...gh, providers, request: { roleSessionName: 'a b' } },
        'deny',
        'ValidationError',
        '',
      ],
      [
        'valid session name',
        { ...gh, providers, request: { roleSessionName: 'ab' } },
        'allow',
        undefined,
        GH_ARN,
      ],
      [
        'invalid again',
        { ...gh, providers, request: { roleSessionName: 'a b' } },
        'deny',
        'ValidationError',
        '',
      ],
    ];
    for (let round = 0; round < 2; round++) {
      for (const [name, input, decision, code, caller] of rows) {
        const fast = decide(input);
        const full = simulate(input);
        t.equal(fast.decision, decision, `${name}: decision`);
        t.equal(fast.code, code, `${name}: code`);
        if (caller !== '') t.equal(fast.caller, caller, `${name}: caller`);
        t.same(
          [full.decision, full.code, full.caller],
          [fast.decision, fast.code, fast.caller],
          `${name}: simulate agrees`,
        );
      }
    }
  },
);

type SimulationInputLike = Parameters<typeof decide>[0];

t.test(
  'what decide() keeps for the usual token never answers for another (claim entries, provider facts, accepted tokens)',
  async (t) => {
    const p = policy(
      allow(
        { Federated: GH_ARN },
        {
          StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${GH}:sub`]: 'repo:acme/app:*' },
        },
      ),
      allow(
        { Federated: EKS_ARN },
        {
          StringEquals: {
            [`${EKS}:aud`]: 'sts.amazonaws.com',
            [`${EKS}:sub`]: 'system:serviceaccount:a:b',
          },
        },
      ),
      allow(
        { Federated: 'cognito-identity.amazonaws.com' },
        { StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:pool' } },
      ),
    );
    const gh = githubInput(p);
    // Every GitHub token with the same providers list, so that what one request keeps is at
    // hand for the next (githubInput makes a new list each call).
    const github = (claims: Record<string, unknown>): SimulationInputLike => ({
      ...githubInput(p, claims),
      providers: gh.providers,
    });
    const eks = (claims: Record<string, unknown>) =>
      githubInput(p, { iss: `https://${EKS}`, sub: 'system:serviceaccount:a:b', ...claims });
    const cognito = (aud: string) =>
      githubInput(p, { iss: 'https://cognito-identity.amazonaws.com', aud, sub: 'us-east-1:x' });
    const providers = [
      { url: `https://${GH}`, clientIds: ['sts.amazonaws.com'] },
      { url: `https://${EKS}`, clientIds: ['sts.amazonaws.com'] },
    ];
    const otherClient = [{ url: `https://${GH}`, clientIds: ['other-client'] }];
    const tags = { 'https://aws.amazon.com/tags': { principal_tags: { team: ['ci'] } } };
    // name, input, decision, code, provider facts (id, arn), claim-* / aud-* warnings
    const rows: Array<[string, SimulationInputLike, string, string | undefined, string, string[]]> =
      [
        ['github main', gh, 'allow', undefined, `github ${GH_ARN}`, []],
        [
          'github, another sub (a new entry)',
          github({ sub: 'repo:other/app:ref:refs/heads/main' }),
          'deny',
          'AccessDenied',
          `github ${GH_ARN}`,
          [],
        ],
        ['github main again', gh, 'allow', undefined, `github ${GH_ARN}`, []],
        [
          'github, providers with another client id',
          { ...gh, providers: otherClient },
          'deny',
          'InvalidIdentityToken',
          `github ${GH_ARN}`,
          [],
        ],
        ['github, providers back', gh, 'allow', undefined, `github ${GH_ARN}`, []],
        [
          'github with session tags (TagSession not allowed)',
          github(tags),
          'deny',
          'AccessDenied',
          `github ${GH_ARN}`,
          [],
        ],
        ['github without tags', gh, 'allow', undefined, `github ${GH_ARN}`, []],
        [
          'eks, aud as one-element array',
          { ...eks({ aud: ['sts.amazonaws.com'] }), providers },
          'allow',
          undefined,
          `eks ${EKS_ARN}`,
          [],
        ],
        [
          'eks, aud as a string',
          { ...eks({ aud: 'sts.amazonaws.com' }), providers },
          'allow',
          undefined,
          `eks ${EKS_ARN}`,
          [],
        ],
        [
          'eks, a one-element array of another audience',
          {
            ...eks({ aud: ['other'] }),
            providers: [{ url: `https://${EKS}`, clientIds: ['other'] }],
          },
          'deny',
          'AccessDenied',
          `eks ${EKS_ARN}`,
          [],
        ],
        [
          'eks, sub as a one-element array (warned: not the aud fast path)',
          { ...eks({ aud: ['sts.amazonaws.com'], sub: ['system:serviceaccount:a:b'] }), providers },
          'allow',
          undefined,
          `eks ${EKS_ARN}`,
          ['claim-array-for-single-valued-key'],
        ],
        ['cognito, its pool', cognito('us-east-1:pool'), 'allow', undefined, 'cognito ', []],
        [
          'cognito, another pool',
          cognito('us-east-1:other'),
          'deny',
          'AccessDenied',
          'cognito ',
          [],
        ],
      ];
    for (let round = 0; round < 2; round++) {
      for (const [name, input, decision, code, provider, warnings] of rows) {
        const fast = decide(input);
        const full = simulate(input);
        t.same(
          [fast.decision, fast.code, `${fast.provider?.id} ${fast.provider?.arn ?? ''}`],
          [decision, code, provider],
          `${name}: decision, code, provider`,
        );
        const codes = (d: typeof fast) =>
          d.findings.map((f) => f.code).filter((c) => /^(claim|aud)-/.test(c));
        t.same(codes(fast), warnings, `${name}: warnings`);
        t.same(
          [full.decision, full.code, full.provider, codes(full)],
          [fast.decision, fast.code, fast.provider, codes(fast)],
          `${name}: simulate agrees`,
        );
      }
    }
  },
);
