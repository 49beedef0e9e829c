import t from 'tap';
import { parseIp, parseCidr, cidrContains } from '../../lib/conditions/ip.js';
import { splitArn, compileArnPatternText, arnMatches } from '../../lib/conditions/arn.js';
import { parseDecimal, compareDecimal } from '../../lib/conditions/numeric.js';
import { parseDate } from '../../lib/conditions/date.js';
import { parseBool } from '../../lib/conditions/bool.js';
import { parseBase64, bytesEqual } from '../../lib/conditions/binary.js';

t.test('§5.4 IP addresses', async (t) => {
  const valid = [
    '0.0.0.0',
    '255.255.255.255',
    '203.0.113.7',
    '::',
    '::1',
    '2001:db8::',
    '2001:DB8:0:0:0:0:0:1',
    '2001:db8::1:2:3:4:5',
    '::ffff:192.0.2.1',
    '1:2:3:4:5:6:1.2.3.4',
  ];
  for (const s of valid) t.ok(parseIp(s), `§5.4 valid address ${s}`);
  const invalid = [
    '',
    'abc',
    '256.0.0.1',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.4/32',
    '1::2::3',
    ':::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '12345::',
    'fe80::1%eth0',
    '::1.2.3',
    ' 1.2.3.4',
  ];
  for (const s of invalid) t.notOk(parseIp(s), `§5.4 invalid address ${JSON.stringify(s)}`);
  t.same(parseIp('::ffff:192.0.2.1')?.words, [0, 0, 0xffff, 0xc0000201]);
});

t.test('§5.4 CIDR blocks', async (t) => {
  const rows: Array<[string, string, boolean]> = [
    ['203.0.113.0/24', '203.0.113.0', true],
    ['203.0.113.0/24', '203.0.113.255', true],
    ['203.0.113.0/24', '203.0.114.0', false],
    ['203.0.113.9', '203.0.113.9', true],
    ['203.0.113.9', '203.0.113.10', false],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.0', false],
    ['192.168.1.128/25', '192.168.1.127', false],
    ['192.168.1.128/25', '192.168.1.200', true],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['2001:db8::1', '2001:db8::1', true],
    ['2001:db8::1', '2001:db8::2', false],
    ['::/0', '::1', true],
    ['::/0', '1.2.3.4', false],
    ['0.0.0.0/0', '::1', false],
    ['2001:db8:0:0:8000::/65', '2001:db8::8000:0:0:1', true],
    ['2001:db8:0:0:8000::/65', '2001:db8::7fff:0:0:1', false],
  ];
  for (const [cidr, ip, expect] of rows) {
    const c = parseCidr(cidr);
    const a = parseIp(ip);
    t.ok(c && a, `parsed ${cidr} ${ip}`);
    if (c && a) t.equal(cidrContains(c, a), expect, `§5.4 ${ip} in ${cidr} → ${expect}`);
  }
  for (const bad of [
    '1.2.3.4/33',
    '::/129',
    '1.2.3.4/',
    '1.2.3.4/08',
    '1.2.3.4/x',
    '1.2.3.4/8/8',
    'x/8',
  ]) {
    t.notOk(parseCidr(bad), `§5.4 invalid CIDR ${bad}`);
  }
  t.ok(parseCidr('203.0.113.5/24')?.hostBitsSet);
  t.notOk(parseCidr('203.0.113.0/24')?.hostBitsSet);
});

t.test('§5.4 ARN fields', async (t) => {
  t.same(splitArn('arn:aws:iam::123456789012:role/a:b:c'), [
    'arn',
    'aws',
    'iam',
    '',
    '123456789012',
    'role/a:b:c',
  ]);
  t.equal(splitArn('arn:aws:iam::123'), undefined);
  t.equal(compileArnPatternText('arn:aws:*'), undefined, 'fewer than six fields');
  // `unusable`: the pattern does not compile (fewer than six fields), so it can match no ARN.
  const rows: Array<[string, string, boolean | 'unusable']> = [
    ['arn:aws:iam::*:role/x', 'arn:aws:iam::123456789012:role/x', true],
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::123456789012:role/a/b', true],
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::123456789012:role/a:b', true],
    ['arn:aws:*:role/x', 'arn:aws:iam::1:role/x', 'unusable'],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/k', true],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::other/k', false],
    ['arn:aws:*:*:*:*', 'arn:aws:s3:::bucket/k', true],
    ['arn:aws:iam::1?:role/x', 'arn:aws:iam::12:role/x', true],
    ['arn:aws:iam::1?:role/x', 'arn:aws:iam::123:role/x', false],
    ['arn:aws:iam::123:role/X', 'arn:aws:iam::123:role/x', false],
    ['arn:*:iam::123:role/x', 'arn:aws-cn:iam::123:role/x', true],
    // `*` does not cross `:` between fields: the region `*` cannot absorb "us-east-1:123".
    ['arn:aws:sqs:*:queue', 'arn:aws:sqs:us-east-1:123:queue', 'unusable'],
    ['arn:aws:sqs:*:*:queue', 'arn:aws:sqs:us-east-1:123:queue', true],
  ];
  for (const [pattern, arn, expect] of rows) {
    const p = compileArnPatternText(pattern);
    const a = splitArn(arn);
    t.ok(a, `${arn} splits into six fields`);
    if (expect === 'unusable') {
      t.equal(p, undefined, `§5.4 ${pattern} has fewer than six fields: it matches nothing`);
      continue;
    }
    t.ok(p, `${pattern} compiles`);
    if (p && a) t.equal(arnMatches(p, a), expect, `§5.4 ${arn} vs ${pattern} → ${expect}`);
  }
});

t.test('§5.4 numbers', async (t) => {
  // A 4th element `choice`: the simulator's reading where §5.4 ("integer or decimal") is silent.
  const valid: Array<[string, string, number, 'choice'?]> = [
    ['10', '10.0', 0],
    ['0.1', '0.10', 0],
    ['-0', '0', 0],
    ['+5', '5', 0],
    ['1e3', '1000', 0, 'choice'],
    ['2.5', '10', -1],
    ['10', '9.99', 1],
    ['-3', '-2', -1],
    ['-3', '2', -1],
    ['9007199254740993', '9007199254740992', 1],
    ['0.0001', '0.001', -1],
    ['.5', '0.5', 0],
    ['5.', '5', 0],
    ['123.456', '123.4559', 1],
    ['100', '99', 1],
    ['1e-2', '0.01', 0, 'choice'],
  ];
  for (const [a, b, cmp, tag = '§5.4'] of valid) {
    const da = parseDecimal(a);
    const db = parseDecimal(b);
    t.ok(da && db, `parse ${a} ${b}`);
    if (da && db) {
      t.equal(compareDecimal(da, db), cmp, `${tag} ${a} vs ${b} → ${cmp}`);
      t.equal(compareDecimal(db, da), -cmp || 0, `${tag} ${b} vs ${a} → ${-cmp}`);
    }
  }
  for (const bad of [
    '',
    'abc',
    '1,000',
    ' 1',
    '1 ',
    '0x10',
    'Infinity',
    'NaN',
    '.',
    '-',
    '1e',
    '--1',
    '1.2.3',
  ]) {
    t.equal(parseDecimal(bad), undefined, `§5.4 invalid number ${JSON.stringify(bad)}`);
  }
});

t.test('§5.4 dates', async (t) => {
  // A 3rd element `choice`: the simulator's reading where W3C-DTF (§5.4) says otherwise or nothing.
  const same: Array<[string, string, 'choice'?]> = [
    ['2026-06-01', '2026-06-01T00:00:00Z'],
    ['2026-06', '2026-06-01T00:00:00Z'],
    ['2026-06-01T00:00Z', '2026-06-01T00:00:00Z'],
    ['2026-06-01T02:00:00+02:00', '2026-06-01T00:00:00Z'],
    ['2026-05-31T19:00:00-0500', '2026-06-01T00:00:00Z'],
    ['2026-06-01T00:00:00.000Z', '2026-06-01T00:00:00Z'],
    ['1780272000', '2026-06-01T00:00:00Z'],
    ['0', '1970-01-01T00:00:00Z'],
    ['2026-06-01t00:00:00z', '2026-06-01T00:00:00Z'],
    ['2026-06-01T00:00:00', '2026-06-01T00:00:00Z', 'choice'], // no zone: taken as UTC
    ['2024-02-29', '2024-02-29T00:00:00+00:00'],
    ['0099-01-01', '0099-01-01T00:00:00Z'],
  ];
  for (const [a, b, tag = '§5.4'] of same) {
    const da = parseDate(a);
    t.ok(da !== undefined, `parse ${a}`);
    t.equal(da, parseDate(b), `${tag} ${a} = ${b}`);
  }
  t.equal(parseDate('1780272000'), Date.UTC(2026, 5, 1));
  t.equal(parseDate('0099-01-01'), new Date('0099-01-01T00:00:00Z').getTime(), 'no 19xx quirk');
  t.equal(parseDate('2026-06-01T00:00:00.5Z'), Date.UTC(2026, 5, 1) + 500);
  t.equal(parseDate('1780272000.25'), Date.UTC(2026, 5, 1) + 250);
  t.equal(parseDate('-86400'), Date.UTC(1969, 11, 31));
  t.equal(
    parseDate('2026'),
    2026000,
    'choice: digits are epoch seconds, although W3C-DTF also has a bare year',
  );
  for (const bad of [
    '',
    'yesterday',
    '2026-13-01',
    '2026-00-01',
    '2026-02-29',
    '2026-04-31',
    '2026-06-01T24:00:00Z',
    '2026-06-01T00:60:00Z',
    '2026-06-01T00:00:60Z',
    '2026-06-01T00:00:00+24:00',
    '2026-06-01Z',
    '2026/06/01',
    '26-06-01',
    '2026-6-1',
    '2026-06-01T00Z',
  ]) {
    t.equal(parseDate(bad), undefined, `§5.4 invalid date ${JSON.stringify(bad)}`);
  }
});

t.test('§5.4 booleans and base64', async (t) => {
  t.equal(parseBool('true'), true);
  t.equal(parseBool('TRUE'), true, 'choice: any letter case (lib/conditions/bool.ts)');
  t.equal(parseBool('false'), false);
  t.equal(parseBool('False'), false, 'choice: any letter case (lib/conditions/bool.ts)');
  for (const bad of ['', 'yes', '1', 'truee', ' true'])
    t.equal(parseBool(bad), undefined, `invalid bool ${bad}`);
  const a = parseBase64('QmluYXJ5');
  t.same(a && Array.from(a), Array.from(Buffer.from('Binary')));
  t.ok(parseBase64(''), 'empty is zero bytes');
  t.ok(parseBase64('QQ=='));
  t.ok(parseBase64('QUI='));
  for (const bad of ['QQ', 'QQ=', 'Q', 'QQ==QQ==', 'Q Q==', 'QQ-_', '!!!!']) {
    t.equal(parseBase64(bad), undefined, `invalid base64 ${bad}`);
  }
  t.ok(
    bytesEqual(parseBase64('QQ==') as Uint8Array, parseBase64('QR==') as Uint8Array),
    'choice: non-canonical base64 (QR==) reads as the same bytes as QQ==',
  );
  t.notOk(bytesEqual(parseBase64('QQ==') as Uint8Array, parseBase64('QUI=') as Uint8Array));
});
