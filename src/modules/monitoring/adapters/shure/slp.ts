import { ANNOUNCE_TYPES, familyOf, modelInfo, type Family } from './protocol.ts';
import { SHURE_PORT } from './index.ts';
import { ByteReader, announcedText } from '../byte-reader.ts';

/**
 * Shure devices announce themselves with the Service Location Protocol, version 2 (RFC 2608): UDP
 * datagrams to the multicast group 239.255.254.253, port 8427, which Shure's own tools (and
 * Micboard) listen to. This file reads and writes the SLPv2 messages that carry a service URL and
 * an attribute list, and tells what a Shure announcement says about the device.
 */

export const SLP_GROUP = '239.255.254.253';
export const SLP_PORT = 8427;

/** The SLPv2 messages that carry a device's URL and attributes (others are questions or acks). */
const FUNCTIONS = { srvReg: 3, attrRply: 7, daAdvert: 8, saAdvert: 11 } as const;
/** An SLP datagram larger than this is not an announcement (real ones take a few hundred bytes). */
export const MAX_DATAGRAM = 4096;

export interface SlpMessage {
  functionId: number;
  urls: string[];
  serviceType: string | null;
  attributes: Map<string, string>;
}

/** Thrown for a datagram that is not a well-formed SLPv2 message. */
export class SlpError extends Error {}

/** Reads SLP's fields, strings preceded by their 16-bit length included. */
class Reader extends ByteReader {
  constructor(buf: Buffer) {
    super(buf, (message) => new SlpError(message));
  }
  /** A string preceded by its 16-bit length. */
  text() {
    return this.bytes(this.u16()).toString('utf8');
  }
}

/** A URL entry: reserved, lifetime, the URL, then its authentication blocks (skipped). */
function urlEntry(r: Reader): string {
  r.u8();
  r.u16();
  const url = r.text();
  skipAuths(r);
  return url;
}

function skipAuths(r: Reader) {
  const count = r.u8();
  for (let i = 0; i < count; i++) {
    r.u16(); // block structure descriptor
    const length = r.u16();
    // The length counts the whole block, descriptor and length included.
    if (length < 4) throw new SlpError('authentication block shorter than its header');
    r.skip(length - 4);
  }
}

/**
 * An attribute list (`(model=ULXD4Q),(name=Rack A),cd:0000`) as lower-case tags → values; a bare
 * keyword maps to "". SLP escapes reserved characters as `\xx` hex pairs.
 */
export function parseAttributes(list: string): Map<string, string> {
  const out = new Map<string, string>();
  const unescape = (s: string) =>
    s.replace(/\\([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  for (const item of list.match(/\([^)]*\)|[^,()]+/g) ?? []) {
    const inner = item.replace(/^\(|\)$/g, '').trim();
    if (!inner) continue;
    // Micboard's device class identifier is written `cd:0000` rather than `cd=0000`.
    const at = inner.search(/[=:]/);
    const tag = (at < 0 ? inner : inner.slice(0, at)).trim().toLowerCase();
    if (tag) out.set(tag, at < 0 ? '' : unescape(inner.slice(at + 1).trim()));
  }
  return out;
}

/**
 * Reads one SLPv2 datagram; null for a well-formed message that announces nothing (a request, an
 * acknowledgement); throws SlpError for anything malformed.
 */
export function decodeSlp(buf: Buffer): SlpMessage | null {
  if (buf.length > MAX_DATAGRAM) throw new SlpError(`datagram of ${buf.length} bytes`);
  const r = new Reader(buf);
  const version = r.u8();
  if (version !== 2) throw new SlpError(`SLP version ${version}, not 2`);
  const functionId = r.u8();
  const length = r.u24();
  if (length !== buf.length) throw new SlpError(`length field ${length}, datagram of ${buf.length} bytes`);
  r.u16(); // flags
  r.u24(); // next extension offset
  r.u16(); // transaction id
  r.text(); // language tag
  const base = { functionId, urls: [] as string[], serviceType: null as string | null };
  switch (functionId) {
    case FUNCTIONS.srvReg: {
      const url = urlEntry(r);
      const serviceType = r.text();
      r.text(); // scopes
      const attributes = parseAttributes(r.text());
      return { ...base, urls: [url], serviceType, attributes };
    }
    case FUNCTIONS.attrRply: {
      r.u16(); // error code
      return { ...base, attributes: parseAttributes(r.text()) };
    }
    case FUNCTIONS.daAdvert: {
      r.u16(); // error code
      r.skip(4); // boot timestamp
      const url = r.text();
      r.text(); // scopes
      return { ...base, urls: [url], attributes: parseAttributes(r.text()) };
    }
    case FUNCTIONS.saAdvert: {
      const url = r.text();
      r.text(); // scopes
      return { ...base, urls: [url], attributes: parseAttributes(r.text()) };
    }
    default:
      return null;
  }
}

/** An SLPv2 service registration (the announcement a device multicasts). */
export function encodeSrvReg(m: {
  url: string;
  serviceType: string;
  attributes: string;
  xid?: number;
}): Buffer {
  const text = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    const len = Buffer.alloc(2);
    len.writeUInt16BE(b.length);
    return Buffer.concat([len, b]);
  };
  const urlEntryHead = Buffer.from([0, 0xff, 0xff]); // reserved, lifetime 65535 s
  const body = Buffer.concat([
    urlEntryHead,
    text(m.url),
    Buffer.from([0]), // no URL authentication
    text(m.serviceType),
    text('default'),
    text(m.attributes),
    Buffer.from([0]), // no attribute authentication
  ]);
  const lang = text('en');
  const header = Buffer.alloc(12);
  header.writeUInt8(2, 0);
  header.writeUInt8(FUNCTIONS.srvReg, 1);
  header.writeUIntBE(12 + lang.length + body.length, 2, 3);
  header.writeUInt16BE(0x4000, 5); // fresh registration
  header.writeUIntBE(0, 7, 3);
  header.writeUInt16BE(m.xid ?? 0, 10);
  return Buffer.concat([header, lang, body]);
}

/** What a Shure announcement tells of the device that sent it. */
export interface ShureAnnouncement {
  family: Family | null;
  /** In the model table's spelling when known (`ULXD4Q`), as announced otherwise. */
  model: string | null;
  name: string | null;
  /** Channels of the model, when the model is known. */
  channels: number | null;
  /** The command-string port (2202 on real hardware). */
  port: number;
  /** Shure's device class identifier (`cd:` attribute), for the operator. */
  deviceClass: string | null;
}

/** The family token of `service:<token>…` URLs and types (`service:ULXD:shure-wireless`). */
function familyInUrl(texts: string[]): Family | null {
  for (const t of texts) {
    for (const word of t.toUpperCase().split(/[^A-Z0-9]+/)) {
      const family = (Object.keys(ANNOUNCE_TYPES) as Family[]).find((f) => ANNOUNCE_TYPES[f] === word);
      if (family) return family;
    }
  }
  return null;
}

/**
 * The Shure device an SLP message announces, or null when the message is not a Shure device's
 * (any host may send to the group: only messages naming Shure or a Shure family are kept).
 */
export function shureAnnouncement(m: SlpMessage): ShureAnnouncement | null {
  const texts = [...m.urls, m.serviceType ?? ''];
  const a = m.attributes;
  const announcedModel = announcedText(a.get('model') ?? a.get('model-name') ?? a.get('modelname'), 64);
  const known = announcedModel ? modelInfo(announcedModel) : null;
  const family = known?.family ?? familyInUrl(texts) ?? (announcedModel ? familyOf(announcedModel) : null);
  const saysShure = [...texts, a.get('manufacturer') ?? ''].some((t) => /shure/i.test(t));
  if (!family && !saysShure) return null;
  const port = Number(a.get('port'));
  return {
    family,
    model: known?.model ?? announcedModel,
    name: announcedText(
      a.get('name') ?? a.get('device-name') ?? a.get('devicename') ?? a.get('device_id'),
      64,
    ),
    channels: known?.channels ?? null,
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : SHURE_PORT,
    deviceClass: announcedText(a.get('cd'), 32),
  };
}

/** An attribute value with SLP's reserved characters escaped (`\2c` for a comma). */
const escapeValue = (v: string) =>
  v.replace(/[(),\\!<=>~]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** The announcement a Shure device of `family` sends (the simulator's; real devices send their own). */
export function shureSrvReg(d: { family: Family; model: string; name: string; host: string; port: number }) {
  const name = escapeValue(d.name);
  return encodeSrvReg({
    url: `service:${ANNOUNCE_TYPES[d.family].toLowerCase()}.shure://${d.host}:${d.port}`,
    serviceType: `service:${ANNOUNCE_TYPES[d.family].toLowerCase()}.shure`,
    attributes: `(manufacturer=Shure),(model=${d.model}),(name=${name}),(port=${d.port}),cd:0000`,
  });
}
