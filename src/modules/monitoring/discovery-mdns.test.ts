import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, test } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import client from 'prom-client';
import { describeEachBackend, type Client } from '../../../test/support/env.ts';
import { allowExactly } from '../../core/net/outbound.ts';
import { discoveryOf } from './index.ts';
import { discoveryProbe } from './adapters/test-support.ts';
import {
  startSennheiserReceiver,
  type SimulatedSennheiserReceiver,
} from './adapters/sennheiser/simulator.ts';
import { startSscv2Receiver, type SimulatedSscv2Receiver } from './adapters/sennheiser/sscv2-simulator.ts';
import { decodeDns, sennheiserMdnsResponse, sscQuery } from './adapters/sennheiser/mdns.ts';
import { createDiscovery } from './discovery.ts';
import type { Organization } from '../identity/service.ts';

const M = '/api/monitoring';

type Found = {
  id: string;
  protocol: string;
  vendor: string;
  address: string;
  port: number;
  name: string | null;
  chassis_id: string | null;
};

/** A UDP port free on the loopback interface now (bound, read, released). */
async function freeUdpPort(): Promise<number> {
  const probe = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise<void>((resolve) => probe.close(resolve));
  return port;
}

test('the mDNS group is asked who offers SSC at most once per interval; a unicast listener asks nobody', async () => {
  let clock = 1_000_000;
  const log = { warn: () => undefined, error: () => undefined } as unknown as FastifyBaseLogger;
  const d = createDiscovery({ log, registry: new client.Registry(), queryEveryMs: 60_000, now: () => clock });
  const unicast = createDiscovery({ log, registry: new client.Registry(), now: () => clock });
  try {
    assert.equal(d.ask(), false, 'not listening yet: nobody to ask');
    // The loopback address stands in for the group: the question comes back to the listener itself.
    const port = await freeUdpPort();
    await d.listen({ address: '127.0.0.1', port, group: '127.0.0.1' }, 'mdns');
    const first = d.next();
    assert.equal(d.ask(), true);
    assert.equal(await first, 'ignored', 'a question announces no device');
    clock += 59_999;
    assert.equal(d.ask(), false, 'asked less than a minute ago');
    clock += 1;
    const second = d.next();
    assert.equal(d.ask(), true, 'a minute later it asks again');
    assert.equal(await second, 'ignored');
    assert.deepEqual(
      decodeDns(sscQuery()).questions.map((q) => q.name),
      ['_ssc._udp.local', '_ssc._tcp.local'],
      'the question names both SSC services',
    );

    await unicast.listen({ address: '127.0.0.1', port: 0, group: null }, 'mdns');
    assert.equal(unicast.ask(), false);
  } finally {
    d.close();
    unicast.close();
  }
});

describeEachBackend(
  'receiver discovery: Sennheiser mDNS announcements → list → add',
  (env) => {
    let admin: Client;
    let org: Organization;
    let listener: { address: string; port: number };
    let ssc: SimulatedSennheiserReceiver;
    let sscv2: SimulatedSscv2Receiver;
    const disallow: (() => void)[] = [];

    const { deliver, announce, malformedCount } = discoveryProbe(env, () => listener);
    const found = async (client = admin) =>
      (await client.get<string, { listening: boolean; items: Found[] }>(`${M}/discovery`)).body;

    after(async () => {
      for (const undo of disallow) undo();
      await ssc?.close();
      await sscv2?.close();
    });

    test('setup: an mDNS listener on a loopback port, an SSC and an SSCv2 receiver', async () => {
      ({ org, admin } = await env().makeOrg('mdns-discovering'));
      const at = await discoveryOf(env().app).listen({ address: '127.0.0.1', port: 0, group: null }, 'mdns');
      listener = { address: '127.0.0.1', port: at.port };
      assert.equal(discoveryOf(env().app).listening('mdns'), true);
      ssc = await startSennheiserReceiver({ model: 'EW-DX EM 2', deviceName: 'Stage_Right' });
      sscv2 = await startSscv2Receiver({ model: 'EW-DX EM 4', deviceName: 'Studio_C' });
    });

    test('announced on a network the org may not reach: heard, not shown', async () => {
      assert.equal(await announce(ssc), 'kept');
      assert.deepEqual((await found()).items, []);
    });

    test('allowed: listed with vendor, protocol and port; another org does not see them', async () => {
      disallow.push(allowExactly(org.id, ssc.host, ssc.port), allowExactly(org.id, sscv2.host, sscv2.port));
      assert.equal(await announce(sscv2), 'kept');
      const { items } = await found();
      assert.deepEqual(
        items.map((i) => [i.vendor, i.protocol, i.name, i.address, i.port, i.chassis_id]),
        [
          ['Sennheiser', 'sennheiser-sscv2', 'Studio_C', '127.0.0.1', sscv2.port, null],
          ['Sennheiser', 'sennheiser', 'Stage_Right', '127.0.0.1', ssc.port, null],
        ],
      );
      const other = await env().makeOrg('mdns-not-allowed');
      assert.deepEqual((await found(other.admin)).items, []);
    });

    test('malformed mDNS datagrams are counted and change nothing; the listener keeps working', async () => {
      const before = await malformedCount();
      const good = sennheiserMdnsResponse({ name: 'X', host: '127.0.0.1', port: 45, version: '1.0' });
      assert.equal(await deliver(good.subarray(0, good.length - 5)), 'malformed');
      assert.equal(
        await deliver(Buffer.from([0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0xc0, 12])),
        'malformed',
      );
      assert.equal(await deliver(Buffer.alloc(3)), 'malformed');
      assert.equal((await malformedCount()) - before, 3);
      assert.equal((await found()).items.length, 2);
      assert.equal(await announce(ssc), 'kept');
    });

    test('add: a Sennheiser chassis speaking SSC, one unit per channel the receiver reports', async () => {
      const entry = (await found()).items.find((i) => i.protocol === 'sennheiser')!;
      const added = await admin.post(`${M}/discovery/${entry.id}/add`, {});
      assert.equal(added.status, 201, JSON.stringify(added.body));
      const { chassis, units } = added.body;
      assert.deepEqual(
        [chassis.name, chassis.manufacturer, chassis.model, chassis.protocol, chassis.ip, chassis.port],
        ['Stage_Right', 'Sennheiser', 'EW-DX EM 2', 'sennheiser', '127.0.0.1', ssc.port],
      );
      assert.equal(units.length, 2);
      const again = (await found()).items.find((i) => i.id === entry.id)!;
      assert.equal(again.chassis_id, chassis.id);
      assert.equal((await admin.post(`${M}/discovery/${entry.id}/add`, {})).status, 409);
    });
  },
  { outboundAllowNetworks: [] },
);
