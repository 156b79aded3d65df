import client from 'prom-client';
import type { TenantTx } from '../../core/db/tenant.ts';
import { readSettings } from './settings.ts';
import { emptyReport, type TelemetryDeps, type TelemetryWriter } from './telemetry.ts';
import { adapterFor, type ChannelReading, type ChassisRow, type Reading } from './receiver.ts';

/**
 * Telemetry pushed by the receivers: one stream per chassis through its protocol's adapter (a JSON
 * `GET /api/v1/subscribe`, a Shure connection with METER_RATE on), kept open by the process that
 * leads the poll job. A channel reading that differs from the channel's previous one is applied at
 * once (alerts included); unchanged samples
 * only refresh the cache the poll tick reads for history, last-seen and duration-based alerts.
 * A chassis without a working stream is polled instead, and its stream retried with backoff.
 */

export interface SubscriptionOptions {
  /** First reconnect delay after a stream drops; doubles per failure up to `reconnectMaxMs`. */
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  /** A receiver that answers the subscribe request with 404/405/501 is polled, and asked again after this. */
  unsupportedRetryMs?: number;
  /**
   * A stream silent for this long (no sample, no connect) is dropped; receivers push at least
   * every second.
   */
  stallMs?: number;
  /** Metering period asked of receivers that take one (Shure METER_RATE), ms. */
  sampleMs?: number;
  /** Without a reconcile for this long, this process no longer leads the poll job: close everything. */
  orphanMs?: number;
}

interface Subscription {
  orgId: string;
  chassis: ChassisRow;
  address: string;
  /** The open (or opening) stream of the chassis's adapter. */
  stream: { close(): void } | null;
  live: boolean;
  /** The last reading of each slot, serialized, to spot a change. */
  raw: Map<number, string>;
  /** The last good reading of each slot. */
  latest: Map<number, ChannelReading>;
  failures: number;
  retryAt: number;
}

type PendingChassis = { chassis: ChassisRow; channels: Map<number, ChannelReading> };
/**
 * The changes of an org waiting for its next write, by chassis. `urgent`: a change that can raise,
 * escalate or resolve an alert or change a status; `meters`: only RF and audio levels moved.
 */
type Pending = { urgent: Map<string, PendingChassis>; meters: Map<string, PendingChassis> };

/** A reading with its meter levels left out: what tells an urgent change from a meter one. */
function withoutMeters(r: ChannelReading) {
  return JSON.stringify({ ...r, rf: r.rf && { antenna: r.rf.antenna }, audio: r.audio !== null });
}

const FLUSH_SLICE = 50;

export function createSubscriptions(
  deps: TelemetryDeps & { writer: TelemetryWriter },
  opts: SubscriptionOptions = {},
) {
  const reconnectBaseMs = opts.reconnectBaseMs ?? 1000;
  const reconnectMaxMs = opts.reconnectMaxMs ?? 30_000;
  const unsupportedRetryMs = opts.unsupportedRetryMs ?? 300_000;
  const stallMs = opts.stallMs ?? 3000;
  const orphanMs = opts.orphanMs ?? 10_000;
  const sampleMs = opts.sampleMs ?? 1000;
  const subs = new Map<string, Subscription>();
  const pending = new Map<string, Pending>();
  const flushQueued = new Set<string>();
  let lastReconcileAt = 0;

  const gauge = deps.registry.getSingleMetric('roster_monitoring_telemetry_subscriptions');
  if (!gauge) {
    new client.Gauge({
      name: 'roster_monitoring_telemetry_subscriptions',
      help: 'Receivers streaming telemetry to this process (the others are polled)',
      registers: [deps.registry],
      collect() {
        this.set([...subs.values()].filter((s) => s.live).length);
      },
    });
  }

  /**
   * Opens the chassis's stream through its protocol's adapter, which connects only where the
   * outbound rule allows (core/net/outbound.ts); a refused address fails like an unreachable one.
   */
  function connect(s: Subscription) {
    const handle: { close(): void } = adapterFor(s.chassis.protocol).subscribe(
      s.chassis,
      { orgId: s.orgId, stallMs, sampleMs },
      {
        open: () => {
          if (s.stream !== handle) return;
          s.live = true;
          deps.log.info({ chassis: s.chassis.id, name: s.chassis.name }, 'telemetry subscription open');
        },
        channel: (slot, reading) => {
          if (s.stream === handle) receive(s, slot, reading);
        },
        malformed: (reason, context, message) => {
          if (s.stream === handle)
            deps.writer.countMalformed(
              reason,
              { chassis: s.chassis.id, name: s.chassis.name, ...context },
              message,
            );
        },
        closed: (reason, unsupported) => drop(s, handle, reason, unsupported),
      },
    );
    s.stream = handle;
  }

  /** Forgets a stream (if `stream` is still its current one) and schedules the next attempt. */
  function drop(s: Subscription, stream: { close(): void }, reason: string, unsupported = false) {
    if (s.stream !== stream) return;
    stream.close();
    s.stream = null;
    const wasLive = s.live;
    s.live = false;
    s.raw.clear();
    s.latest.clear();
    s.failures++;
    const delay = unsupported
      ? unsupportedRetryMs
      : Math.min(reconnectMaxMs, reconnectBaseMs * 2 ** (s.failures - 1));
    s.retryAt = Date.now() + delay;
    const context = { chassis: s.chassis.id, name: s.chassis.name, reason, retry_in_ms: delay };
    if (wasLive)
      deps.log.warn(context, 'telemetry subscription dropped; polling the receiver until it reconnects');
    else
      deps.log.info(
        context,
        unsupported
          ? 'receiver offers no telemetry subscription; polling it'
          : 'telemetry subscription failed; polling the receiver',
      );
  }

  function close(s: Subscription) {
    s.stream?.close();
    s.stream = null;
    s.live = false;
    subs.delete(s.chassis.id);
  }

  function receive(s: Subscription, slot: number, reading: ChannelReading) {
    if (Date.now() - lastReconcileAt > orphanMs) {
      // The poll job moved to another process (or stopped): it owns the receivers now.
      for (const other of [...subs.values()]) close(other);
      return;
    }
    s.failures = 0;
    const raw = JSON.stringify(reading);
    if (s.raw.get(slot) === raw) return;
    const previous = s.latest.get(slot);
    s.raw.set(slot, raw);
    s.latest.set(slot, reading);
    queue(s, slot, reading, !previous || withoutMeters(previous) !== withoutMeters(reading));
  }

  /**
   * Collects a changed channel for the org's next write; at most one write per org waits in line.
   * Metering moves every channel every second, so on a large estate meter changes queue up faster
   * than one write applies them: an urgent change (a battery crossing) goes to its own queue, which
   * the next write takes first, so it never waits behind the meters of other receivers.
   */
  function queue(s: Subscription, slot: number, reading: ChannelReading, urgent: boolean) {
    let batch = pending.get(s.orgId);
    if (!batch) pending.set(s.orgId, (batch = { urgent: new Map(), meters: new Map() }));
    const id = s.chassis.id;
    let entry = batch.urgent.get(id);
    if (!entry && urgent) {
      // The chassis's waiting meter changes go with it, so no older reading is applied after.
      entry = batch.meters.get(id) ?? { chassis: s.chassis, channels: new Map() };
      batch.meters.delete(id);
      batch.urgent.set(id, entry);
    }
    entry ??= batch.meters.get(id);
    if (!entry) batch.meters.set(id, (entry = { chassis: s.chassis, channels: new Map() }));
    entry.channels.set(slot, reading);
    schedule(s.orgId);
  }

  function schedule(orgId: string) {
    if (flushQueued.has(orgId)) return;
    flushQueued.add(orgId);
    deps.writer
      .write(orgId, (t) => flush(t))
      .catch((err) => deps.log.error({ err, orgId }, 'applying pushed telemetry failed'));
  }

  /** Up to a slice of the waiting chassis, urgent ones first; the rest waits for the next write. */
  function take(batch: Pending): PendingChassis[] {
    const from = batch.urgent.size ? batch.urgent : batch.meters;
    const entries = [...from.values()].slice(0, FLUSH_SLICE);
    for (const e of entries) from.delete(e.chassis.id);
    return entries;
  }

  async function flush(t: TenantTx) {
    flushQueued.delete(t.orgId);
    const batch = pending.get(t.orgId);
    if (!batch) return;
    // At most a slice of receivers per transaction (all of them report at once when streams open).
    const entries = take(batch);
    if (batch.urgent.size || batch.meters.size) schedule(t.orgId);
    else pending.delete(t.orgId);
    const settings = await readSettings(t);
    const readings: Reading[] = entries.map((e) => ({ kind: 'ok', channels: e.channels }));
    await deps.writer.apply(
      t,
      settings,
      entries.map((e) => e.chassis),
      readings,
      new Date(),
      emptyReport(),
    );
  }

  return {
    /**
     * The org's configured receivers (from the poll tick): opens missing streams whose backoff has
     * passed, closes those of removed or re-addressed chassis.
     */
    reconcile(orgId: string, receivers: ChassisRow[]) {
      lastReconcileAt = Date.now();
      const wanted = new Set(receivers.map((c) => c.id));
      for (const s of [...subs.values()]) if (s.orgId === orgId && !wanted.has(s.chassis.id)) close(s);
      for (const c of receivers) {
        const address = `${c.protocol}://${c.ip}:${c.port}/${c.model}`;
        let s = subs.get(c.id);
        if (s && s.address !== address) {
          close(s);
          s = undefined;
        }
        if (!s)
          subs.set(
            c.id,
            (s = {
              orgId,
              chassis: c,
              address,
              stream: null,
              live: false,
              raw: new Map(),
              latest: new Map(),
              failures: 0,
              retryAt: 0,
            }),
          );
        s.chassis = c;
        if (!s.stream && Date.now() >= s.retryAt) connect(s);
      }
    },
    /** Closes the streams of orgs that no longer have anything to poll. */
    keepOrgs(orgIds: Set<string>) {
      lastReconcileAt = Date.now();
      for (const s of [...subs.values()]) if (!orgIds.has(s.orgId)) close(s);
    },
    /** What a live stream last said about each channel, or undefined when the chassis must be polled. */
    reading(chassisId: string): Reading | undefined {
      const s = subs.get(chassisId);
      return s?.live ? { kind: 'ok', channels: new Map(s.latest) } : undefined;
    },
    /** Chassis ids with a live stream. */
    live: () => [...subs.values()].filter((s) => s.live).map((s) => s.chassis.id),
    close() {
      for (const s of [...subs.values()]) close(s);
      pending.clear();
    },
  };
}

export type Subscriptions = ReturnType<typeof createSubscriptions>;
