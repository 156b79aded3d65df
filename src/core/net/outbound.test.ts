import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import {
  allowExactly,
  assertOutboundAllowed,
  configureOutbound,
  embeddedIpv4,
  forbiddenRange,
  OutboundRefused,
  parseCidr,
  refusal,
} from './outbound.ts';

afterEach(() => configureOutbound({ allowNetworks: [] }));

test('IPv4: loopback, link-local, private, CGNAT, multicast, broadcast and unspecified are refused', () => {
  const refused = {
    '127.0.0.1': 'a loopback address',
    '127.255.0.9': 'a loopback address',
    '169.254.169.254': 'a link-local address',
    '10.0.0.5': 'a private address',
    '172.16.0.1': 'a private address',
    '172.31.255.255': 'a private address',
    '192.168.1.20': 'a private address',
    '100.64.0.1': 'a shared (carrier-grade NAT) address',
    '224.0.0.1': 'a multicast address',
    '239.255.255.250': 'a multicast address',
    '255.255.255.255': 'a reserved or broadcast address',
    '0.0.0.0': 'an unspecified address',
  };
  for (const [address, why] of Object.entries(refused)) assert.equal(forbiddenRange(address), why, address);
  for (const address of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '192.169.0.1', '11.0.0.1', '203.0.113.7'])
    assert.equal(forbiddenRange(address), null, `${address} is a public address`);
});

test('IPv6: loopback, unspecified, ULA, link-local and multicast are refused; global unicast is not', () => {
  const refused = {
    '::1': 'a loopback address',
    '::': 'an unspecified address',
    'fc00::1': 'a private (unique local) address',
    'fd12:3456::9': 'a private (unique local) address',
    'fe80::1': 'a link-local address',
    'fe80::1%eth0': 'a link-local address',
    'ff02::1': 'a multicast address',
  };
  for (const [address, why] of Object.entries(refused)) assert.equal(forbiddenRange(address), why, address);
  for (const address of ['2001:db8::1', '2606:4700:4700::1111', '2a00:1450:4007:80e::200e'])
    assert.equal(forbiddenRange(address), null, `${address} is a global address`);
  assert.equal(forbiddenRange('localhost'), 'not an IP address');
});

test('an IPv6 address embedding an IPv4 one is judged as that IPv4 address', () => {
  assert.equal(embeddedIpv4('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(embeddedIpv4('::ffff:7f00:1'), '127.0.0.1');
  assert.equal(embeddedIpv4('0:0:0:0:0:ffff:a9fe:a9fe'), '169.254.169.254');
  assert.equal(embeddedIpv4('64:ff9b::10.0.0.5'), '10.0.0.5');
  assert.equal(embeddedIpv4('2002:c0a8:0101::1'), '192.168.1.1');
  assert.equal(embeddedIpv4('2001:db8::1'), null);
  assert.equal(embeddedIpv4('10.0.0.5'), null);
  for (const address of ['::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', '::ffff:10.0.0.5'])
    assert.notEqual(forbiddenRange(address), null, `${address} is refused`);
  assert.equal(forbiddenRange('::ffff:8.8.8.8'), null, 'a mapped public address is public');
  assert.equal(forbiddenRange('::127.0.0.1'), 'an IPv4-compatible address');
});

test('the operator allows listed networks (mapped addresses included); nothing else opens', () => {
  assert.equal(refusal('10.20.3.4', 80), 'a private address');
  configureOutbound({ allowNetworks: ['10.20.0.0/16', 'fd00:1::/64'] });
  assert.equal(refusal('10.20.3.4', 80), null);
  assert.equal(refusal('::ffff:10.20.3.4', 80), null);
  assert.equal(refusal('fd00:1::7', 80), null);
  assert.equal(refusal('10.21.0.1', 80), 'a private address');
  assert.equal(refusal('127.0.0.1', 80), 'a loopback address');
  assert.equal(refusal('fd00:2::7', 80), 'a private (unique local) address');
});

test('one address and port allowed to one org stays closed to the others and to other ports', () => {
  const revoke = allowExactly('org-a', '127.0.0.1', 2202);
  try {
    assert.equal(refusal('127.0.0.1', 2202, { orgId: 'org-a' }), null);
    assert.equal(refusal('::ffff:127.0.0.1', 2202, { orgId: 'org-a' }), null);
    assert.equal(refusal('127.0.0.1', 2203, { orgId: 'org-a' }), 'a loopback address');
    assert.equal(refusal('127.0.0.1', 2202, { orgId: 'org-b' }), 'a loopback address');
    assert.equal(refusal('127.0.0.1', 2202), 'a loopback address');
  } finally {
    revoke();
  }
  assert.equal(refusal('127.0.0.1', 2202, { orgId: 'org-a' }), 'a loopback address');
});

test('hostnames are judged by every address they resolve to', async () => {
  await assert.rejects(assertOutboundAllowed('localhost', 80), (err: Error) => {
    assert.ok(err instanceof OutboundRefused);
    assert.match(err.message, /localhost refused: resolves to .*a loopback address/);
    return true;
  });
  await assert.rejects(assertOutboundAllowed('no-such-host.invalid', 80), OutboundRefused);
  await assert.rejects(assertOutboundAllowed('169.254.169.254', 80), /a link-local address/);
  assert.deepEqual(await assertOutboundAllowed('8.8.8.8', 53), { address: '8.8.8.8', family: 4 });
  configureOutbound({ allowNetworks: ['127.0.0.0/8', '::1/128'] });
  assert.match((await assertOutboundAllowed('localhost', 80)).address, /^(127\.|::1$)/);
});

test('CIDR notation: address and prefix length within the family', () => {
  assert.deepEqual(parseCidr('10.20.0.0/16'), { network: '10.20.0.0', prefix: 16, family: 'ipv4' });
  assert.deepEqual(parseCidr(' fd00::/8 '), { network: 'fd00::', prefix: 8, family: 'ipv6' });
  for (const bad of ['10.20.0.0', '10.20.0.0/33', 'fd00::/129', 'lan/24', '10.20.0.0/-1', ''])
    assert.throws(() => parseCidr(bad), /not a network in CIDR notation/, bad);
});
