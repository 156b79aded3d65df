import type { Protocol } from '../types.ts';
import { channelsOfModel, SSC_PORT } from './protocol.ts';
import { SSCV2_PORT } from './sscv2-protocol.ts';
import { ByteReader, announcedText } from '../byte-reader.ts';

/**
 * Sennheiser devices announce themselves with DNS-SD over multicast DNS (RFC 6762/6763): DNS
 * messages in UDP datagrams to the group 224.0.0.251, port 5353. Sennheiser's SSC specification has
 * every networked SSC device publish the service `_ssc._udp` (and `_ssc._tcp` when it also speaks
 * SSC over TCP), the instance name being the device's name; the TXT record may carry `version`
 * (the SSC version) and `http-uri` (the base URI when the device offers SSC over HTTP(S), as SSCv2
 * devices do). This file reads and writes the few DNS records that carry that — PTR, SRV, TXT, A —
 * and tells what an answer says about the Sennheiser devices in it.
 */

export const MDNS_GROUP = '224.0.0.251';
export const MDNS_PORT = 5353;
/** The DNS-SD service types of SSC devices (RFC 6763 names, in the `local` domain). */
export const SSC_SERVICES = ['_ssc._udp.local', '_ssc._tcp.local'] as const;
/** mDNS messages fit a 9000-byte jumbo frame at most (RFC 6762 §17); anything bigger is not one. */
export const MAX_MDNS_DATAGRAM = 9000;

const TYPE = { A: 1, PTR: 12, TXT: 16, AAAA: 28, SRV: 33 } as const;
const CLASS_IN = 1;
/** The top bit of a question's class asks for a unicast answer; of a record's, flushes caches. */
const CLASS_MASK = 0x7fff;
const RESPONSE_FLAG = 0x8000;

export type DnsRecord =
  | { name: string; type: 'PTR'; ttl: number; target: string }
  | { name: string; type: 'SRV'; ttl: number; priority: number; weight: number; port: number; target: string }
  | { name: string; type: 'TXT'; ttl: number; entries: string[] }
  | { name: string; type: 'A'; ttl: number; address: string }
  | { name: string; type: 'other'; ttl: number; code: number };

export interface DnsMessage {
  id: number;
  response: boolean;
  questions: { name: string; type: number }[];
  /** Answers, authority and additional records together: DNS-SD spreads a device's over all three. */
  records: DnsRecord[];
}

/** Thrown for a datagram that is not a well-formed DNS message. */
export class MdnsError extends Error {}

/** DNS names are case-insensitive: compared in lower case, without the trailing dot. */
const canonical = (name: string) => name.toLowerCase().replace(/\.$/, '');

/** Reads a DNS message's fields and names, refusing any compression pointer loop. */
class Reader extends ByteReader {
  constructor(buf: Buffer) {
    super(buf, (message) => new MdnsError(message));
  }
  /** A name of labels, possibly ending in a pointer to an earlier name (message compression). */
  name(): string {
    const labels: string[] = [];
    let at = this.at;
    let resumeAt: number | null = null;
    let length = 0;
    for (let jumps = 0; ;) {
      if (at >= this.buf.length) throw new MdnsError('name runs past the end of the message');
      const len = this.buf[at];
      if (len === 0) {
        at += 1;
        break;
      }
      if ((len & 0xc0) === 0xc0) {
        if (at + 1 >= this.buf.length) throw new MdnsError('name pointer runs past the end of the message');
        const target = ((len & 0x3f) << 8) | this.buf[at + 1];
        // A pointer only ever points back to a name already written: forwards (or to itself) is a loop.
        if (target >= at || ++jumps > 64) throw new MdnsError('name pointer loops');
        resumeAt ??= at + 2;
        at = target;
        continue;
      }
      if (len > 63) throw new MdnsError(`label length ${len}`);
      if (at + 1 + len > this.buf.length) throw new MdnsError('label runs past the end of the message');
      labels.push(this.buf.toString('utf8', at + 1, at + 1 + len));
      length += len + 1;
      if (length > 255) throw new MdnsError('name longer than 255 bytes');
      at += 1 + len;
    }
    this.at = resumeAt ?? at;
    return labels.join('.');
  }
}

function readRecord(r: Reader): DnsRecord {
  const name = r.name();
  const code = r.u16();
  const cls = r.u16() & CLASS_MASK;
  const ttl = r.u32();
  const rdLength = r.u16();
  const end = r.at + rdLength;
  const data = r.bytes(rdLength);
  if (cls !== CLASS_IN) return { name, type: 'other', ttl, code };
  const inside = (parse: () => DnsRecord) => {
    // Names inside the record may point anywhere before; the record must still end where it says.
    const record = parse();
    if (r.at !== end) throw new MdnsError(`record of type ${code} shorter or longer than its length`);
    return record;
  };
  switch (code) {
    case TYPE.PTR:
      r.at = end - rdLength;
      return inside(() => ({ name, type: 'PTR', ttl, target: r.name() }));
    case TYPE.SRV:
      r.at = end - rdLength;
      return inside(() => {
        const priority = r.u16();
        const weight = r.u16();
        const port = r.u16();
        return { name, type: 'SRV', ttl, priority, weight, port, target: r.name() };
      });
    case TYPE.TXT: {
      const entries: string[] = [];
      for (let i = 0; i < data.length;) {
        const len = data[i];
        if (i + 1 + len > data.length) throw new MdnsError('TXT string runs past its record');
        if (len) entries.push(data.toString('utf8', i + 1, i + 1 + len));
        i += 1 + len;
      }
      return { name, type: 'TXT', ttl, entries };
    }
    case TYPE.A:
      if (rdLength !== 4) throw new MdnsError(`A record of ${rdLength} bytes`);
      return { name, type: 'A', ttl, address: [...data].join('.') };
    default:
      return { name, type: 'other', ttl, code };
  }
}

/** Reads one DNS message; throws MdnsError for anything malformed. */
export function decodeDns(buf: Buffer): DnsMessage {
  if (buf.length > MAX_MDNS_DATAGRAM) throw new MdnsError(`datagram of ${buf.length} bytes`);
  const r = new Reader(buf);
  const id = r.u16();
  const flags = r.u16();
  const counts = [r.u16(), r.u16(), r.u16(), r.u16()];
  const questions = [];
  for (let i = 0; i < counts[0]; i++) {
    const name = r.name();
    const type = r.u16();
    r.u16(); // class, and the unicast-answer bit
    questions.push({ name, type });
  }
  const records: DnsRecord[] = [];
  for (let i = 0; i < counts[1] + counts[2] + counts[3]; i++) records.push(readRecord(r));
  return { id, response: (flags & RESPONSE_FLAG) !== 0, questions, records };
}

/** A name as labels, uncompressed (what this file writes is small). */
function writeName(name: string): Buffer {
  const parts = name
    .replace(/\.$/, '')
    .split('.')
    .filter(Boolean)
    .map((label) => {
      const b = Buffer.from(label, 'utf8');
      if (b.length > 63) throw new Error(`DNS label longer than 63 bytes: ${label}`);
      return Buffer.concat([Buffer.from([b.length]), b]);
    });
  return Buffer.concat([...parts, Buffer.from([0])]);
}

const u16 = (v: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
};

function writeRecord(rec: Exclude<DnsRecord, { type: 'other' }>): Buffer {
  let code: number;
  let data: Buffer;
  switch (rec.type) {
    case 'PTR':
      code = TYPE.PTR;
      data = writeName(rec.target);
      break;
    case 'SRV':
      code = TYPE.SRV;
      data = Buffer.concat([u16(rec.priority), u16(rec.weight), u16(rec.port), writeName(rec.target)]);
      break;
    case 'TXT':
      code = TYPE.TXT;
      data = Buffer.concat(
        (rec.entries.length ? rec.entries : ['']).map((e) => {
          const b = Buffer.from(e, 'utf8');
          return Buffer.concat([Buffer.from([Math.min(b.length, 255)]), b.subarray(0, 255)]);
        }),
      );
      break;
    case 'A':
      code = TYPE.A;
      data = Buffer.from(rec.address.split('.').map(Number));
      break;
  }
  const head = Buffer.alloc(10);
  head.writeUInt16BE(code, 0);
  head.writeUInt16BE(CLASS_IN, 2);
  head.writeUInt32BE(rec.ttl, 4);
  head.writeUInt16BE(data.length, 8);
  return Buffer.concat([writeName(rec.name), head, data]);
}

/** A DNS message: a query when it has questions only, else a response carrying the records. */
export function encodeDns(m: {
  id?: number;
  questions?: string[];
  answers?: Exclude<DnsRecord, { type: 'other' }>[];
  additionals?: Exclude<DnsRecord, { type: 'other' }>[];
}): Buffer {
  const questions = m.questions ?? [];
  const answers = m.answers ?? [];
  const additionals = m.additionals ?? [];
  const head = Buffer.alloc(12);
  head.writeUInt16BE(m.id ?? 0, 0);
  // mDNS responses are authoritative answers; queries carry no flags.
  head.writeUInt16BE(answers.length || additionals.length ? RESPONSE_FLAG | 0x0400 : 0, 2);
  head.writeUInt16BE(questions.length, 4);
  head.writeUInt16BE(answers.length, 6);
  head.writeUInt16BE(0, 8);
  head.writeUInt16BE(additionals.length, 10);
  return Buffer.concat([
    head,
    ...questions.map((q) => Buffer.concat([writeName(q), u16(TYPE.PTR), u16(CLASS_IN)])),
    ...answers.map(writeRecord),
    ...additionals.map(writeRecord),
  ]);
}

/** The query the listener multicasts: who offers SSC? */
export const sscQuery = () => encodeDns({ questions: [...SSC_SERVICES] });

/** What an announcement tells of one Sennheiser device. */
export interface SennheiserAnnouncement {
  protocol: Extract<Protocol, 'sennheiser' | 'sennheiser-sscv2'>;
  /** The DNS-SD instance name, which SSC makes the device's own name. */
  name: string | null;
  model: string | null;
  channels: number | null;
  port: number;
}

/** TXT entries (`key=value`) as lower-case keys → values; a bare key maps to "". */
export function txtAttributes(entries: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of entries) {
    const at = e.indexOf('=');
    const key = (at < 0 ? e : e.slice(0, at)).trim().toLowerCase();
    // RFC 6763 §6.4: the first occurrence of a key wins.
    if (key && !out.has(key)) out.set(key, at < 0 ? '' : e.slice(at + 1));
  }
  return out;
}

/** The port of an `http-uri` (`https://host:8443/api`), the scheme's own when none is written. */
function portOfUri(uri: string): { secure: boolean; port: number } | null {
  try {
    const u = new URL(uri);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
    const secure = u.protocol === 'https:';
    return { secure, port: u.port ? Number(u.port) : secure ? SSCV2_PORT : 80 };
  } catch {
    return null;
  }
}

/**
 * The devices an mDNS message announces: each SSC service instance named by a PTR record, with its
 * SRV (port) and TXT (version, http-uri, model) in the same message. A device whose TXT says SSC
 * version 2 or gives an HTTPS `http-uri` is reached over SSCv2 (HTTPS, the URI's port); any other
 * `_ssc._udp` instance over SSC (UDP, the SRV port). Records of other services are ignored.
 */
export function sennheiserAnnouncements(m: DnsMessage): SennheiserAnnouncement[] {
  if (!m.response) return [];
  const byName = (type: DnsRecord['type'], name: string) =>
    m.records.find((r) => r.type === type && canonical(r.name) === canonical(name));
  const found = new Map<string, SennheiserAnnouncement>();
  for (const ptr of m.records) {
    if (ptr.type !== 'PTR') continue;
    const service = canonical(ptr.name);
    if (!(SSC_SERVICES as readonly string[]).includes(service)) continue;
    const instance = ptr.target;
    if (!canonical(instance).endsWith(`.${service}`)) continue;
    const srv = byName('SRV', instance);
    const txt = byName('TXT', instance);
    const attrs = txtAttributes(txt?.type === 'TXT' ? txt.entries : []);
    const uri = portOfUri(attrs.get('http-uri') ?? '');
    const major = Number((attrs.get('version') ?? '').split('.')[0]);
    const model = announcedText(attrs.get('model') ?? attrs.get('product'), 64);
    const base = {
      name: announcedText(instance.slice(0, instance.length - service.length - 1), 64),
      model,
      channels: model ? channelsOfModel(model) : null,
    };
    let announced: SennheiserAnnouncement | null = null;
    if (uri?.secure || (uri && major >= 2))
      announced = { ...base, protocol: 'sennheiser-sscv2', port: uri.port };
    else if (major >= 2) announced = { ...base, protocol: 'sennheiser-sscv2', port: SSCV2_PORT };
    else if (service === '_ssc._udp.local')
      announced = {
        ...base,
        protocol: 'sennheiser',
        port: srv?.type === 'SRV' && srv.port > 0 ? srv.port : SSC_PORT,
      };
    // A device publishes the same name under both service types: one entry per protocol and port.
    if (announced) found.set(`${announced.protocol}|${announced.port}|${base.name}`, announced);
  }
  return [...found.values()];
}

/**
 * The response a Sennheiser device multicasts to say it is there (the simulators'; real devices
 * send their own): PTR to its instance, SRV with its port, TXT with its SSC version, A with its
 * address.
 */
export function sennheiserMdnsResponse(d: {
  name: string;
  host: string;
  port: number;
  /** `2` and an https URI for an SSCv2 device. */
  version: string;
  httpUri?: string;
  model?: string;
}): Buffer {
  const service = '_ssc._udp.local';
  const instance = `${d.name.replace(/\./g, ' ')}.${service}`;
  const target = `${d.name.replace(/[^A-Za-z0-9-]/g, '-')}.local`;
  const ttl = 120;
  return encodeDns({
    answers: [{ name: service, type: 'PTR', ttl: 4500, target: instance }],
    additionals: [
      { name: instance, type: 'SRV', ttl, priority: 0, weight: 0, port: d.port, target },
      {
        name: instance,
        type: 'TXT',
        ttl: 4500,
        entries: [
          'txtvers=1',
          `version=${d.version}`,
          ...(d.httpUri ? [`http-uri=${d.httpUri}`] : []),
          ...(d.model ? [`model=${d.model}`] : []),
        ],
      },
      { name: target, type: 'A', ttl, address: d.host },
    ],
  });
}
