import type { TestEnv } from '../../../../test/support/env.ts';
import { createPoller } from '../poller.ts';
import { discoveryOf } from '../index.ts';
import { sendAnnouncement } from './announce.ts';
import type { ChannelReading, ChassisRow, Protocol, StreamEvents } from './types.ts';

/**
 * What the adapter tests share: a poller on a fake clock over a test app, the malformed-telemetry
 * count, a chassis row for a simulated receiver, a stream recorder whose events can be awaited, and
 * datagrams to the discovery listener.
 */

/**
 * A poller of the test's own on a fake clock (every poll one simulated second after the previous
 * one, no sleeping); a receiver read may take long on a busy machine without counting as unreachable.
 */
export function fakeClockPoller(env: () => TestEnv, start = '2030-01-01T20:00:00Z') {
  let poller: ReturnType<typeof createPoller> | undefined;
  let clock = Date.parse(start);
  return {
    poll(seconds = 1) {
      clock += seconds * 1000;
      poller ??= createPoller({
        db: env().app.deps.database.db,
        bus: env().bus,
        log: env().app.log,
        registry: env().app.metrics.registry,
        fetchTimeoutMs: 30_000,
      });
      return poller.poll(new Date(clock));
    },
    /** The fake clock's time: that of the last poll (the start before the first). */
    now: () => new Date(clock),
    async close() {
      poller?.close();
      await poller?.settled();
    },
  };
}

/** Malformed telemetry counted so far on the app's metrics, whatever the reason. */
export async function malformedCount(env: () => TestEnv): Promise<number> {
  const metric = env().app.metrics.registry.getSingleMetric('roster_monitoring_malformed_telemetry_total');
  return ((await metric?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}

/** The poller's view of a simulated receiver at `host:port`. */
export const chassisRow = (
  rx: { host: string; port: number },
  protocol: Protocol,
  model: string,
): ChassisRow => ({
  id: `c-${rx.port}`,
  name: `Rack ${model}`,
  ip: rx.host,
  port: rx.port,
  protocol,
  model,
  missedPolls: 0,
  isOnline: true,
});

export type StreamEvent = { type: string; slot?: number; reading?: ChannelReading; reason?: string };

/** A stream whose events can be awaited: `next(pred)` resolves at the first matching event. */
export function recorder() {
  const events: StreamEvent[] = [];
  const waiters: { pred: (e: StreamEvent) => boolean; resolve: () => void }[] = [];
  const push = (e: StreamEvent) => {
    events.push(e);
    for (const w of [...waiters])
      if (w.pred(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  };
  const handlers: StreamEvents = {
    open: () => push({ type: 'open' }),
    channel: (slot, reading) => push({ type: 'channel', slot, reading }),
    malformed: (_r, _c, message) => push({ type: 'malformed', reason: message }),
    closed: (reason) => push({ type: 'closed', reason }),
  };
  const next = (pred: (e: StreamEvent) => boolean) =>
    new Promise<void>((resolve) => {
      if (events.some(pred)) return resolve();
      waiters.push({ pred, resolve });
    });
  return { events, handlers, next };
}

/**
 * Datagrams to a discovery listener of the test app (at `listener()`, known once it listens), each
 * awaited until the listener has handled it; and the malformed ones counted so far.
 */
export function discoveryProbe(env: () => TestEnv, listener: () => { address: string; port: number }) {
  const handled = () => discoveryOf(env().app).next();
  return {
    deliver: async (payload: Buffer) => {
      const outcome = handled();
      await sendAnnouncement('127.0.0.1', listener(), payload);
      return outcome;
    },
    announce: async (rx: { announce(target: { address: string; port: number }): Promise<void> }) => {
      const outcome = handled();
      await rx.announce(listener());
      return outcome;
    },
    malformedCount: async () => {
      const metric = env().app.metrics.registry.getSingleMetric(
        'roster_monitoring_discovery_datagrams_total',
      );
      const values = (await metric?.get())?.values ?? [];
      return values.find((v) => v.labels.outcome === 'malformed')?.value ?? 0;
    },
  };
}
