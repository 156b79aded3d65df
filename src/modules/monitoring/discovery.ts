import crypto from 'node:crypto';
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type client from 'prom-client';
import { and, eq, inArray } from 'drizzle-orm';
import type { TenantTx } from '../../core/db/tenant.ts';
import { requireOrgAdmin } from '../../core/access/actor.ts';
import { conflict, notFound } from '../../core/http/problem.ts';
import { phrase } from '../../core/http/problem-texts.ts';
import { refusal } from '../../core/net/outbound.ts';
import { registeredCounter } from '../../core/http/metrics.ts';
import { chassis } from './schema.ts';
import { createChassis, createUnit, type Chassis, type WirelessUnit } from './hardware.ts';
import type { Identity } from './adapters/types.ts';
import { MANUFACTURERS, type Protocol } from './adapters/types.ts';
import { decodeSlp, shureAnnouncement, SlpError, MAX_DATAGRAM } from './adapters/shure/slp.ts';
import {
  decodeDns,
  MAX_MDNS_DATAGRAM,
  MdnsError,
  sennheiserAnnouncements,
  sscQuery,
} from './adapters/sennheiser/mdns.ts';
import type { Family } from './adapters/shure/protocol.ts';

/**
 * Receivers found on the venue network by their own announcements: Shure's over SLP
 * (adapters/shure/slp.ts), Sennheiser's over multicast DNS (adapters/sennheiser/mdns.ts).
 * The listener keeps, per process and in memory, the devices heard from recently — a bounded set
 * whose entries expire when a device stops announcing. An org sees only the devices at addresses
 * the outbound rule lets it connect to (core/net/outbound.ts): the server's network is not shown
 * to tenants the operator has not opened it to.
 */

export interface DiscoveredReceiver {
  /** Stable for an address and port, so a console row and its Add button survive refreshes. */
  id: string;
  protocol: Protocol;
  address: string;
  port: number;
  family: Family | null;
  model: string | null;
  name: string | null;
  channels: number | null;
  deviceClass: string | null;
  firstSeen: Date;
  lastSeen: Date;
}

export interface ListenTarget {
  /** Local address to bind (0.0.0.0 for every interface). */
  address: string;
  port: number;
  /** Multicast group to join, or null to listen for unicast announcements only. */
  group: string | null;
}

/** What one datagram announces: receivers (none when it is about something else), or why it is unusable. */
type Announced = Pick<DiscoveredReceiver, 'protocol' | 'port' | 'family' | 'model' | 'name' | 'channels'> & {
  deviceClass: string | null;
};
type Heard = { announced: Announced[] } | { malformed: string };

/** How receivers announce themselves: Shure over SLP, Sennheiser over mDNS (DNS-SD). */
export type Announcements = 'slp' | 'mdns';

const SOURCES: Record<Announcements, { maxBytes: number; read: (datagram: Buffer) => Heard }> = {
  slp: {
    maxBytes: MAX_DATAGRAM,
    read: (datagram) => {
      try {
        const message = decodeSlp(datagram);
        const shure = message && shureAnnouncement(message);
        return { announced: shure ? [{ protocol: 'shure', ...shure }] : [] };
      } catch (err) {
        if (err instanceof SlpError) return { malformed: err.message };
        throw err;
      }
    },
  },
  mdns: {
    maxBytes: MAX_MDNS_DATAGRAM,
    read: (datagram) => {
      try {
        const found = sennheiserAnnouncements(decodeDns(datagram));
        return { announced: found.map((a) => ({ ...a, family: null, deviceClass: null })) };
      } catch (err) {
        if (err instanceof MdnsError) return { malformed: err.message };
        throw err;
      }
    },
  },
};

export interface DiscoveryOptions {
  log: FastifyBaseLogger;
  registry: client.Registry;
  /** Devices remembered at most; the one heard from longest ago makes room. */
  maxEntries?: number;
  /** A device not heard from for this long is forgotten. */
  ttlMs?: number;
  /** How often the mDNS group is asked who offers SSC. */
  queryEveryMs?: number;
  now?: () => number;
}

type Outcome = 'kept' | 'ignored' | 'malformed';

const DATAGRAM_METRIC = 'roster_monitoring_discovery_datagrams_total';
/** Senders whose malformed datagrams were logged already (one line each, then only the counter). */
const MAX_LOGGED_SENDERS = 256;

const datagramCounter = (registry: client.Registry) =>
  registeredCounter(registry, {
    name: DATAGRAM_METRIC,
    help: 'Discovery datagrams received, by outcome (kept, ignored: not a receiver, malformed)',
    labelNames: ['outcome'],
  });

const entryId = (address: string, port: number) =>
  crypto.createHash('sha256').update(`${address}|${port}`).digest('hex').slice(0, 16);

export function createDiscovery(opts: DiscoveryOptions) {
  const maxEntries = opts.maxEntries ?? 256;
  const ttlMs = opts.ttlMs ?? 10 * 60_000;
  const queryEveryMs = opts.queryEveryMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const counter = datagramCounter(opts.registry);
  // Insertion order is the order last heard from: the first entry is the stalest.
  const entries = new Map<string, DiscoveredReceiver>();
  const loggedSenders = new Set<string>();
  const waiters = new Set<(outcome: Outcome) => void>();
  const sockets = new Map<
    Announcements,
    { socket: dgram.Socket; target: ListenTarget; askedAt: number | null }
  >();

  function settle(outcome: Outcome): Outcome {
    counter.inc({ outcome });
    for (const w of waiters) w(outcome);
    waiters.clear();
    return outcome;
  }

  function malformed(from: string, reason: string): Outcome {
    if (!loggedSenders.has(from) && loggedSenders.size < MAX_LOGGED_SENDERS) {
      loggedSenders.add(from);
      opts.log.warn({ from, reason }, 'malformed discovery datagram (further ones from it only counted)');
    }
    return settle('malformed');
  }

  function remember(address: string, announced: Announced) {
    const id = entryId(address, announced.port);
    const before = entries.get(id);
    const at = new Date(now());
    entries.delete(id);
    entries.set(id, {
      id,
      protocol: announced.protocol,
      address,
      port: announced.port,
      family: announced.family ?? before?.family ?? null,
      model: announced.model ?? before?.model ?? null,
      name: announced.name ?? before?.name ?? null,
      channels: announced.channels ?? before?.channels ?? null,
      deviceClass: announced.deviceClass ?? before?.deviceClass ?? null,
      firstSeen: before?.firstSeen ?? at,
      lastSeen: at,
    });
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
  }

  /**
   * Takes one datagram from `address` (an SLP message unless said otherwise): the sender's address
   * is the device's, whatever the message claims.
   */
  function receive(datagram: Buffer, address: string, source: Announcements = 'slp'): Outcome {
    const { maxBytes, read } = SOURCES[source];
    if (datagram.length > maxBytes) return malformed(address, `datagram of ${datagram.length} bytes`);
    const heard = read(datagram);
    if ('malformed' in heard) return malformed(address, heard.malformed);
    if (!heard.announced.length) return settle('ignored');
    for (const announced of heard.announced) remember(address, announced);
    return settle('kept');
  }

  /** Forgets devices silent for longer than the time to live. */
  function prune() {
    const oldest = now() - ttlMs;
    for (const [id, e] of entries) {
      if (e.lastSeen.getTime() >= oldest) break;
      entries.delete(id);
    }
  }

  /** Listens for `source`'s announcements at `target` (once per source; again after a failure). */
  async function listen(target: ListenTarget, source: Announcements = 'slp'): Promise<AddressInfo> {
    const open = sockets.get(source);
    if (open) return open.socket.address();
    // Several servers on one host may all listen: the group's datagrams reach each of them.
    const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    s.on('message', (msg, rinfo) => {
      try {
        receive(msg, rinfo.address, source);
      } catch (err) {
        opts.log.error({ err, from: rinfo.address }, 'discovery datagram not handled');
      }
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(target.port, target.address, () => {
        s.off('error', reject);
        resolve();
      });
    });
    s.on('error', (err) => {
      opts.log.warn({ err, source }, 'discovery listener failed; it starts again at the next tick');
      closeOne(source);
    });
    if (target.group) {
      try {
        s.addMembership(target.group);
      } catch (err) {
        // No multicast route (a container, a host without a LAN): unicast announcements still arrive.
        opts.log.warn({ err, group: target.group }, 'discovery cannot join the multicast group');
      }
    }
    sockets.set(source, { socket: s, target, askedAt: null });
    return s.address();
  }

  /**
   * Asks the mDNS group who offers SSC, at most once per `queryEveryMs`: Sennheiser devices answer
   * questions rather than repeating their announcement. Unicast-only listeners ask nobody.
   * Says whether it asked this time.
   */
  function ask(): boolean {
    const open = sockets.get('mdns');
    if (!open?.target.group) return false;
    if (open.askedAt !== null && now() - open.askedAt < queryEveryMs) return false;
    open.askedAt = now();
    open.socket.send(sscQuery(), open.target.port, open.target.group, (err) => {
      if (err) opts.log.warn({ err }, 'discovery cannot send its mDNS question');
    });
    return true;
  }

  function closeOne(source: Announcements) {
    sockets.get(source)?.socket.close();
    sockets.delete(source);
  }

  function close() {
    for (const source of [...sockets.keys()]) closeOne(source);
  }

  return {
    receive,
    prune,
    listen,
    ask,
    close,
    /** Listening for `source`'s announcements, or for any when not said. */
    listening: (source?: Announcements) => (source ? sockets.has(source) : sockets.size > 0),
    /** Devices heard from within the time to live, most recent first. */
    found(): DiscoveredReceiver[] {
      prune();
      return [...entries.values()].reverse();
    },
    /** Resolves with the outcome of the next datagram handled (tests wait on it instead of sleeping). */
    next: () => new Promise<Outcome>((resolve) => waiters.add(resolve)),
  };
}

export type Discovery = ReturnType<typeof createDiscovery>;

/** A discovered receiver as an org sees it: with the chassis it already is, if any. */
export type DiscoveredForOrg = DiscoveredReceiver & { chassisId: string | null };

const allowedFor = (t: TenantTx) => (e: DiscoveredReceiver) =>
  refusal(e.address, e.port, { orgId: t.orgId }) === null;

async function withChassis(t: TenantTx, found: DiscoveredReceiver[]): Promise<DiscoveredForOrg[]> {
  const addresses = [...new Set(found.map((e) => e.address))];
  const existing = addresses.length
    ? await t.tx
        .select({ id: chassis.id, ip: chassis.ip, port: chassis.port })
        .from(chassis)
        .where(inArray(chassis.ip, addresses))
    : [];
  const byAddress = new Map(existing.map((c) => [`${c.ip}|${c.port}`, c.id]));
  return found.map((e) => ({ ...e, chassisId: byAddress.get(`${e.address}|${e.port}`) ?? null }));
}

/** The receivers an org admin may add: those at addresses the org may connect to. */
export async function listDiscovered(t: TenantTx, discovery: Discovery): Promise<DiscoveredForOrg[]> {
  requireOrgAdmin(t.actor, 'see discovered receivers');
  return withChassis(t, discovery.found().filter(allowedFor(t)));
}

/** One discovered receiver the org may add; 404 when unknown, expired or not reachable for it. */
export async function getDiscovered(
  t: TenantTx,
  discovery: Discovery,
  id: string,
): Promise<DiscoveredForOrg> {
  requireOrgAdmin(t.actor, 'add discovered receivers');
  const entry = discovery.found().find((e) => e.id === id);
  if (!entry || !allowedFor(t)(entry)) throw notFound('Discovered receiver');
  const [withOwn] = await withChassis(t, [entry]);
  return withOwn;
}

export interface AddDiscoveredInput {
  name?: string;
  locationId?: string | null;
}

/**
 * Adds a discovered receiver as a chassis with one unit per channel. What the receiver answered
 * when asked (`identity`) wins over what it announced; without either, the chassis gets no units
 * and the admin adds them by hand.
 */
export async function addDiscovered(
  t: TenantTx,
  entry: DiscoveredForOrg,
  identity: Identity | null,
  input: AddDiscoveredInput,
): Promise<{ chassis: Chassis; units: WirelessUnit[] }> {
  const [taken] = await t.tx
    .select({ id: chassis.id, name: chassis.name })
    .from(chassis)
    .where(and(eq(chassis.ip, entry.address), eq(chassis.port, entry.port)));
  if (taken) throw conflict(phrase('receiver.taken', { chassis: taken.name }));
  const model = identity?.model || entry.model || '';
  const channels = identity?.channels || entry.channels || 0;
  const label = identity?.name || entry.name;
  const vendor = MANUFACTURERS[entry.protocol];
  const rack = await createChassis(t, {
    name: input.name || label || `${model || `${vendor} receiver`} ${entry.address}`,
    manufacturer: vendor,
    model,
    serial: identity?.serial ?? null,
    firmware: identity?.firmware ?? '',
    ip: entry.address,
    port: entry.port,
    locationId: input.locationId ?? null,
    protocol: entry.protocol,
    isOnline: identity !== null,
  });
  const units: WirelessUnit[] = [];
  for (let slot = 1; slot <= channels; slot++)
    units.push(await createUnit(t, { chassisId: rack.id, name: `CH${slot}`, slot }));
  return { chassis: rack, units };
}
