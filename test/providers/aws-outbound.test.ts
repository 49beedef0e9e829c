/**
 * AWS as the issuer (issue #11, part 5). Sources: IAM User Guide, "Understanding token claims"
 * (issuer https://abc123-def456-ghi789-jkl012.tokens.sts.global.api.aws, sub the principal's ARN,
 * AWS claims under https://sts.amazonaws.com/) and "Getting started with outbound identity
 * federation" (the tokens "cannot be used for OpenID Connect (OIDC) federation into AWS (via the
 * AssumeRoleWithWebIdentity API)"). The error STS returns is not documented: UNCONFIRMED.
 */
import t from 'tap';
import { isAwsOutboundIssuer, providerForHostPath } from '../../lib/providers/index.js';
import { simulate } from '../../lib/sts/simulate.js';
import { compilePolicy } from '../../lib/sts/compile.js';
import { parsePolicy } from '../../lib/policy/parse.js';

t.test('which issuers are an account’s outbound federation issuer', async (t) => {
  const rows: [unknown, boolean][] = [
    ['https://abc123-def456-ghi789-jkl012.tokens.sts.global.api.aws', true],
    ['https://a1faa616-d595-447d-bdfd-64b774ab199c.tokens.sts.global.api.aws', true],
    ['https://a1faa616-d595-447d-bdfd-64b774ab199c.tokens.sts.global.api.aws/', true],
    ['https://tokens.sts.global.api.aws', false],
    ['http://abc.tokens.sts.global.api.aws', false],
    ['https://sts.amazonaws.com', false],
    ['https://abc.tokens.sts.global.api.aws.evil.example', false],
    ['https://token.actions.githubusercontent.com', false],
    ['https://ABC123.Tokens.STS.Global.API.AWS', true], // host names are case-insensitive
    ['HTTPS://abc123.tokens.sts.global.api.aws', false],
    ['https://abc123.tokens.sts.global.api.aws//', false],
    ['https://abc123.tokens.sts.global.api.aws/path', false],
    ['https://-abc.tokens.sts.global.api.aws', false],
    [undefined, false],
  ];
  for (const [iss, want] of rows) t.equal(isAwsOutboundIssuer(iss), want, String(iss));
  t.equal(providerForHostPath('abc123.tokens.sts.global.api.aws').id, 'aws-outbound');
});

function decide(roleArn: string, federated: string) {
  const parsed = parsePolicy(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: federated },
          Action: 'sts:AssumeRoleWithWebIdentity',
        },
      ],
    }),
  );
  if (!parsed.ok) throw new Error('policy');
  const policy = compilePolicy(parsed.policy);
  if (!policy.ok) throw new Error('compile');
  return simulate({
    role: { arn: roleArn, policy },
    token: {
      claims: {
        iss: 'https://abc123-def456-ghi789-jkl012.tokens.sts.global.api.aws',
        aud: 'sts.amazonaws.com',
        sub: 'arn:aws:iam::444455556666:role/DataProcessingRole',
        iat: 1780271700,
        exp: 1780272000,
        'https://sts.amazonaws.com/': { aws_account: '444455556666', org_id: 'o-abc1234567' },
      },
    },
    request: { roleSessionName: 'trustspec' },
    now: Date.parse('2026-06-01T00:00:00Z'),
  });
}

t.test('refused in another account and in another partition alike', async (t) => {
  const host = 'abc123-def456-ghi789-jkl012.tokens.sts.global.api.aws';
  for (const [role, fed] of [
    ['arn:aws:iam::111122223333:role/ingest', `arn:aws:iam::111122223333:oidc-provider/${host}`],
    [
      'arn:aws-us-gov:iam::111122223333:role/ingest',
      `arn:aws-us-gov:iam::111122223333:oidc-provider/${host}`,
    ],
  ]) {
    const d = decide(role as string, fed as string);
    t.match(
      d,
      {
        decision: 'deny',
        stage: 'token',
        code: 'InvalidIdentityToken',
        failedCheck: 'token.aws-issued',
      },
      String(role),
    );
    t.match(d?.unconfirmed, [/UNCONFIRMED \[aws-outbound\]/]);
  }
});
