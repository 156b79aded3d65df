import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decodeDns,
  encodeDns,
  MdnsError,
  sennheiserAnnouncements,
  sennheiserMdnsResponse,
  sscQuery,
  txtAttributes,
} from './mdns.ts';

/** A name written label by label, ending in a compression pointer to `pointer` when given. */
const name = (labels: string[], pointer?: number) =>
  Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([Buffer.byteLength(l)]), Buffer.from(l)])),
    pointer === undefined ? Buffer.from([0]) : Buffer.from([0xc0 | (pointer >> 8), pointer & 0xff]),
  ]);
const u16 = (...values: number[]) => Buffer.from(values.flatMap((v) => [v >> 8, v & 0xff]));
const u32 = (v: number) => u16(v >>> 16, v & 0xffff);
const record = (owner: Buffer, type: number, cls: number, ttl: number, data: Buffer) =>
  Buffer.concat([owner, u16(type, cls), u32(ttl), u16(data.length), data]);
const txt = (...entries: string[]) =>
  Buffer.concat(entries.map((e) => Buffer.concat([Buffer.from([Buffer.byteLength(e)]), Buffer.from(e)])));

/**
 * An EW-DX receiver's answer as it goes on the wire: names compressed with pointers (the
 * service name written once, at offset 12), the cache-flush bit on the unique records, PTR in the
 * answers, SRV, TXT and A in the additional records, and a record of a type this file skips (NSEC).
 */
function receiverAnswer(): Buffer {
  const header = u16(0, 0x8400, 0, 1, 0, 4);
  const service = name(['_ssc', '_udp', 'local']); // at offset 12
  const ptrData = name(['EM 4 Stage left'], 12);
  const ptr = record(service, 12, 1, 4500, ptrData);
  const instanceAt = 12 + service.length + 10; // the PTR's data: the instance name
  const host = name(['EWDX-EM4-2A3F9C', 'local']);
  const srvData = Buffer.concat([u16(0, 0, 45), host]);
  const srv = record(u16(0xc000 | instanceAt), 33, 0x8001, 120, srvData);
  const hostAt = 12 + service.length + 10 + ptrData.length + 2 + 10 + 6;
  const txtRec = record(u16(0xc000 | instanceAt), 16, 0x8001, 4500, txt('txtvers=1', 'version=1.4'));
  const a = record(u16(0xc000 | hostAt), 1, 0x8001, 120, Buffer.from([10, 20, 0, 41]));
  const nsec = record(u16(0xc000 | hostAt), 47, 0x8001, 120, Buffer.from([0xc0, hostAt, 0, 1, 0x40]));
  return Buffer.concat([header, service, ptr.subarray(service.length), srv, txtRec, a, nsec]);
}

describe('mDNS (DNS-SD) messages of Sennheiser receivers', () => {
  test('a compressed answer from a receiver: instance, port, TXT, address', () => {
    const message = decodeDns(receiverAnswer());
    assert.equal(message.response, true);
    const [srv] = message.records.filter((r) => r.type === 'SRV');
    assert.deepEqual(srv, {
      name: 'EM 4 Stage left._ssc._udp.local',
      type: 'SRV',
      ttl: 120,
      priority: 0,
      weight: 0,
      port: 45,
      target: 'EWDX-EM4-2A3F9C.local',
    });
    assert.deepEqual(
      message.records.find((r) => r.type === 'A'),
      { name: 'EWDX-EM4-2A3F9C.local', type: 'A', ttl: 120, address: '10.20.0.41' },
    );
    assert.deepEqual(sennheiserAnnouncements(message), [
      { protocol: 'sennheiser', name: 'EM 4 Stage left', model: null, channels: null, port: 45 },
    ]);
  });

  test('SSCv2: version 2 or an https URI means HTTPS on the URI port; a model names the channels', () => {
    const announce = (entries: string[]) =>
      sennheiserAnnouncements(
        decodeDns(
          encodeDns({
            answers: [{ name: '_ssc._tcp.local', type: 'PTR', ttl: 4500, target: 'Rack B._ssc._tcp.local' }],
            additionals: [{ name: 'Rack B._ssc._tcp.local', type: 'TXT', ttl: 4500, entries }],
          }),
        ),
      );
    assert.deepEqual(announce(['version=2.0', 'http-uri=https://10.0.0.7:8443/api', 'model=EW-DX EM 2']), [
      { protocol: 'sennheiser-sscv2', name: 'Rack B', model: 'EW-DX EM 2', channels: 2, port: 8443 },
    ]);
    assert.equal(announce(['version=2'])[0].port, 443, 'the default HTTPS port');
    assert.deepEqual(announce(['version=1.0']), [], 'SSC over TCP: the _ssc._udp instance is the one used');
  });

  test("the simulators' announcement round-trips; a receiver's own name survives dots and spaces", () => {
    const message = decodeDns(
      sennheiserMdnsResponse({ name: 'Rack 2.left', host: '10.0.0.9', port: 45, version: '1.0' }),
    );
    assert.deepEqual(sennheiserAnnouncements(message), [
      { protocol: 'sennheiser', name: 'Rack 2 left', model: null, channels: null, port: 45 },
    ]);
  });

  test('questions, other services and an instance outside its service announce nothing', () => {
    assert.deepEqual(sennheiserAnnouncements(decodeDns(sscQuery())), []);
    assert.deepEqual(
      decodeDns(sscQuery()).questions.map((q) => q.name),
      ['_ssc._udp.local', '_ssc._tcp.local'],
    );
    const other = encodeDns({
      answers: [{ name: '_http._tcp.local', type: 'PTR', ttl: 10, target: 'Printer._http._tcp.local' }],
    });
    assert.deepEqual(sennheiserAnnouncements(decodeDns(other)), []);
    const elsewhere = encodeDns({
      answers: [{ name: '_ssc._udp.local', type: 'PTR', ttl: 10, target: 'Spoof._http._tcp.local' }],
    });
    assert.deepEqual(sennheiserAnnouncements(decodeDns(elsewhere)), []);
    assert.deepEqual(
      txtAttributes(['A=1', 'a=2', 'flag', '=x']),
      new Map([
        ['a', '1'],
        ['flag', ''],
      ]),
    );
  });

  test('malformed: every truncation, pointer loops, oversized labels and counts are MdnsErrors', () => {
    const good = receiverAnswer();
    for (let n = 0; n < good.length; n++)
      assert.throws(() => decodeDns(good.subarray(0, n)), MdnsError, `truncated to ${n} bytes`);
    const loop = Buffer.concat([u16(0, 0x8400, 0, 1, 0, 0), u16(0xc00c), u16(12, 1), u32(1), u16(0)]);
    assert.throws(() => decodeDns(loop), /pointer loops/);
    const forward = Buffer.concat([u16(0, 0x8400, 0, 1, 0, 0), u16(0xc0ff)]);
    assert.throws(() => decodeDns(forward), MdnsError);
    const longLabel = Buffer.concat([u16(0, 0x8400, 0, 1, 0, 0), Buffer.from([64]), Buffer.alloc(64, 97)]);
    assert.throws(() => decodeDns(longLabel), /label length/);
    const moreThanThere = Buffer.from(good);
    moreThanThere.writeUInt16BE(9, 10);
    assert.throws(() => decodeDns(moreThanThere), MdnsError);
    const badTxt = record(name(['x', 'local']), 16, 1, 1, Buffer.from([9, 97]));
    assert.throws(() => decodeDns(Buffer.concat([u16(0, 0x8400, 0, 1, 0, 0), badTxt])), /TXT/);
    const badA = record(name(['x', 'local']), 1, 1, 1, Buffer.from([10, 0, 0]));
    assert.throws(() => decodeDns(Buffer.concat([u16(0, 0x8400, 0, 1, 0, 0), badA])), /A record/);
    const ptrPastItsLength = record(name(['_ssc', '_udp', 'local']), 12, 1, 1, Buffer.from([3, 97]));
    assert.throws(() => decodeDns(Buffer.concat([u16(0, 0x8400, 0, 1, 0, 0), ptrPastItsLength])), MdnsError);
    assert.throws(() => decodeDns(Buffer.alloc(9001)), /datagram of 9001 bytes/);
  });
});
