import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { describeEachBackend, type Client } from '../../../test/support/env.ts';
import { allowExactly } from '../../core/net/outbound.ts';
import client from 'prom-client';
import type { FastifyBaseLogger } from 'fastify';
import { discoveryOf } from './index.ts';
import { createDiscovery } from './discovery.ts';
import { discoveryProbe } from './adapters/test-support.ts';
import { startShureReceiver, type SimulatedShureReceiver } from './adapters/shure/simulator.ts';
import { decodeSlp, encodeSrvReg, shureAnnouncement, shureSrvReg } from './adapters/shure/slp.ts';
import type { Organization } from '../identity/service.ts';

const M = '/api/monitoring';

type Found = {
  id: string;
  address: string;
  port: number;
  model: string | null;
  name: string | null;
  channels: number | null;
  chassis_id: string | null;
};

test('an SLP registration round-trips: family, model, name (escaped), port, device class', () => {
  const datagram = shureSrvReg({
    family: 'axtd',
    model: 'AD4Q',
    name: 'Rack (left), A',
    host: '10.0.0.9',
    port: 2202,
  });
  const message = decodeSlp(datagram);
  assert.ok(message);
  assert.deepEqual(shureAnnouncement(message), {
    family: 'axtd',
    model: 'AD4Q',
    name: 'Rack (left), A',
    channels: 4,
    port: 2202,
    deviceClass: '0000',
  });
});

test('malformed SLP is refused with a reason; other services and questions announce nothing', () => {
  const good = shureSrvReg({ family: 'ulxd', model: 'ULXD4D', name: 'X', host: '10.0.0.1', port: 2202 });
  assert.throws(() => decodeSlp(Buffer.from('hello')), /version/);
  assert.throws(() => decodeSlp(good.subarray(0, good.length - 3)), /length/);
  const lying = Buffer.from(good);
  lying.writeUIntBE(good.length + 50, 2, 3);
  assert.throws(() => decodeSlp(lying), /length field/);
  const printer = encodeSrvReg({
    url: 'service:printer:lpr://10.0.0.2',
    serviceType: 'service:printer',
    attributes: '(x=1)',
  });
  assert.equal(shureAnnouncement(decodeSlp(printer)!), null);
  const request = Buffer.from(good);
  request.writeUInt8(1, 1); // a service request: asks, announces nothing
  assert.equal(decodeSlp(request), null);
});

test('the listener remembers a bounded number of devices and forgets silent ones', () => {
  let clock = 0;
  const warnings: string[] = [];
  const log = { warn: (_: unknown, msg: string) => warnings.push(msg) } as unknown as FastifyBaseLogger;
  const d = createDiscovery({
    log,
    registry: new client.Registry(),
    maxEntries: 3,
    ttlMs: 60_000,
    now: () => clock,
  });
  const hello = (n: number) =>
    d.receive(
      shureSrvReg({ family: 'ulxd', model: 'ULXD4', name: `R${n}`, host: 'h', port: 2202 }),
      `10.0.0.${n}`,
    );
  for (let n = 1; n <= 5; n++) {
    clock += 1000;
    assert.equal(hello(n), 'kept');
  }
  assert.deepEqual(
    d.found().map((e) => e.name),
    ['R5', 'R4', 'R3'],
    'the stalest make room',
  );
  clock += 30_000;
  hello(3);
  clock += 31_000;
  assert.deepEqual(
    d.found().map((e) => e.name),
    ['R3'],
    'silent for longer than the time to live: forgotten',
  );
  assert.equal(d.found()[0].firstSeen.getTime(), 3000, 'first seen kept across announcements');
  for (let i = 0; i < 3; i++) assert.equal(d.receive(Buffer.from([2, 3, 0]), '10.0.0.66'), 'malformed');
  assert.equal(warnings.length, 1, 'a sender of malformed datagrams is logged once, then counted');
});

describeEachBackend(
  'receiver discovery: SLP announcements → list → add into a location',
  (env) => {
    let admin: Client;
    let member: Client;
    let org: Organization;
    let listener: { address: string; port: number };
    const receivers: SimulatedShureReceiver[] = [];
    const disallow: (() => void)[] = [];

    const { deliver, announce, malformedCount } = discoveryProbe(env, () => listener);
    const found = async (client = admin) =>
      (await client.get<string, { listening: boolean; items: Found[] }>(`${M}/discovery`)).body;

    after(async () => {
      for (const undo of disallow) undo();
      await Promise.all(receivers.map((r) => r.close()));
    });

    test('setup: an org, a listener on a loopback port, two simulated receivers', async () => {
      ({ org, admin } = await env().makeOrg('discovering'));
      ({ client: member } = await env().makeUser(org, 'discovering.tech'));
      const at = await discoveryOf(env().app).listen({ address: '127.0.0.1', port: 0, group: null });
      listener = { address: '127.0.0.1', port: at.port };
      receivers.push(await startShureReceiver({ model: 'ULXD4D', deviceId: 'Stage_Left' }));
      receivers.push(await startShureReceiver({ model: 'AD4Q', deviceId: 'Studio' }));
    });

    test('a receiver on a network the org may not reach is not shown to it', async () => {
      assert.equal(await announce(receivers[0]), 'kept');
      const list = await found();
      assert.equal(list.listening, true);
      assert.deepEqual(list.items, [], 'loopback is refused by the outbound rule unless allowed');
    });

    test('allowed for the org: listed with model, name, channel count, not yet added', async () => {
      for (const rx of receivers) disallow.push(allowExactly(org.id, rx.host, rx.port));
      await announce(receivers[1]);
      const { items } = await found();
      assert.deepEqual(
        items.map((i) => [i.model, i.name, i.channels, i.address, i.port, i.chassis_id]),
        [
          ['AD4Q', 'Studio', 4, '127.0.0.1', receivers[1].port, null],
          ['ULXD4D', 'Stage_Left', 2, '127.0.0.1', receivers[0].port, null],
        ],
        'most recently heard first',
      );
      const other = await env().makeOrg('not-allowed');
      assert.deepEqual((await found(other.admin)).items, [], 'another org is not allowed these addresses');
      assert.equal((await member.get(`${M}/discovery`)).status, 403, 'org admins only');
    });

    test('malformed datagrams are counted and change nothing; the listener keeps working', async () => {
      const before = await malformedCount();
      const good = shureSrvReg({ family: 'ulxd', model: 'ULXD4Q', name: 'X', host: 'h', port: 2202 });
      assert.equal(await deliver(Buffer.from('not SLP at all')), 'malformed');
      assert.equal(await deliver(good.subarray(0, 20)), 'malformed');
      assert.equal(await deliver(Buffer.alloc(0)), 'malformed');
      assert.equal(await deliver(Buffer.alloc(9000, 2)), 'malformed');
      const printer = encodeSrvReg({
        url: 'service:printer://x',
        serviceType: 'service:printer',
        attributes: '',
      });
      assert.equal(await deliver(printer), 'ignored');
      assert.equal((await malformedCount()) - before, 4);
      assert.equal((await found()).items.length, 2);
      assert.equal(await announce(receivers[0]), 'kept');
    });

    test('add: a chassis with one unit per channel, in the location; then shown as added', async () => {
      const place = (await admin.post(`${M}/locations`, { building: 'Hall', room: 'Stage' })).body;
      const entry = (await found()).items.find((i) => i.model === 'ULXD4D')!;
      const added = await admin.post(`${M}/discovery/${entry.id}/add`, { location_id: place.id });
      assert.equal(added.status, 201);
      const { chassis, units } = added.body;
      assert.deepEqual(
        [chassis.name, chassis.manufacturer, chassis.model, chassis.protocol, chassis.ip, chassis.port],
        ['Stage_Left', 'Shure', 'ULXD4D', 'shure', '127.0.0.1', receivers[0].port],
      );
      assert.equal(chassis.location_id, place.id);
      assert.equal(chassis.serial, 'Stage_Left', 'the device id the receiver answered');
      assert.deepEqual(
        units.map((u: { slot: number; name: string }) => [u.slot, u.name]),
        [
          [1, 'CH1'],
          [2, 'CH2'],
        ],
      );
      const again = (await found()).items.find((i) => i.id === entry.id)!;
      assert.equal(again.chassis_id, chassis.id);
      const twice = await admin.post(`${M}/discovery/${entry.id}/add`, {});
      assert.equal(twice.status, 409);
    });

    test('bad input is a clear 4xx and creates nothing', async () => {
      const entry = (await found()).items.find((i) => i.model === 'AD4Q')!;
      const count = async () =>
        (await admin.get<string, { items: unknown[] }>(`${M}/chassis`)).body.items.length;
      const before = await count();
      const cases: [string, unknown, number, string?][] = [
        [`${M}/discovery/nothex/add`, {}, 400, 'params.id'],
        [`${M}/discovery/0123456789abcdef/add`, {}, 404],
        [`${M}/discovery/${entry.id}/add`, { location_id: 'nope' }, 400, 'body.location_id'],
        [`${M}/discovery/${entry.id}/add`, { colour: 'red' }, 400, 'body'],
        [`${M}/discovery/${entry.id}/add`, { location_id: '01900000-0000-7000-8000-000000000000' }, 404],
      ];
      for (const [url, body, status, path] of cases) {
        const res = await admin.post<string, { errors?: { path: string }[] }>(url, body);
        assert.equal(res.status, status, `${url} ${JSON.stringify(body)}`);
        if (path)
          assert.ok(
            res.body.errors?.some((e) => e.path.startsWith(path)),
            JSON.stringify(res.body),
          );
      }
      assert.equal((await member.post(`${M}/discovery/${entry.id}/add`, {})).status, 403);
      assert.equal(await count(), before);
    });
  },
  { outboundAllowNetworks: [] },
);
