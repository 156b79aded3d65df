import dgram from 'node:dgram';
import { assertOutboundAllowed } from '../../../../core/net/outbound.ts';
import type { ChannelReading, ReceiverAdapter, StreamEvents } from '../types.ts';
import { createWaiters, streamLife } from '../session.ts';
import {
  activeQuery,
  channelQuery,
  channelsOfModel,
  deviceQuery,
  DeviceState,
  mateQuery,
  MAX_CHANNELS,
  parseDatagram,
  readingsOf,
  request,
  SSC_PORT,
  subscribeMeters,
  toReading,
  type Applied,
} from './protocol.ts';

/** Sennheiser receivers over SSC (protocol.ts): JSON datagrams on UDP port 45. */

interface Session {
  state: DeviceState;
  send(trees: object[]): void;
  /** Resolves once `count` answers (not meter notifications) arrived; rejects after `ms`. */
  answers(count: number, ms: number): Promise<void>;
  close(): void;
}

interface SessionHooks {
  onApplied(applied: Applied): void;
  onGarbage(text: string): void;
  onClose?(reason: string): void;
}

/** A meter notification (`/m/…`) or a subscription's echo: not the answer to a request. */
const isNotification = (message: unknown) => {
  const keys = message && typeof message === 'object' ? Object.keys(message) : [];
  return (
    keys.length > 0 &&
    keys.every((k) => k === 'm' || k === 'osc') &&
    !('error' in ((message as { osc?: object }).osc ?? {}))
  );
};

/** A UDP socket to the address the outbound rule checked, accepting datagrams from it alone. */
async function openSession(
  host: string,
  port: number,
  orgId: string | undefined,
  hooks: SessionHooks,
): Promise<Session> {
  const checked = await assertOutboundAllowed(host, port, { orgId });
  const socket = dgram.createSocket(checked.family === 6 ? 'udp6' : 'udp4');
  const state = new DeviceState();
  let answered = 0;
  const waiters = createWaiters<number>();
  let closed = false;
  const close = (reason: string) => {
    if (closed) return;
    closed = true;
    waiters.end(reason);
    socket.close();
    hooks.onClose?.(reason);
  };
  socket.on('error', (err) => close(err.message));
  socket.on('message', (buf) => {
    const text = buf.toString('utf8');
    const message = parseDatagram(text);
    if (message === null || typeof message !== 'object') return hooks.onGarbage(text);
    if (!isNotification(message)) answered++;
    hooks.onApplied(state.apply(message));
    waiters.offer(answered);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.connect(port, checked.address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return {
    state,
    send(trees) {
      for (const tree of trees) if (!closed) socket.send(request(tree as never));
    },
    answers: (count, ms) => {
      const target = answered + count;
      return waiters.wait((n) => n >= target, ms);
    },
    close: () => close('closed'),
  };
}

/** The values of every channel (not meters), then which transmitters are linked. */
const statics = (channels: number) => [
  ...Array.from({ length: channels }, (_, i) => [channelQuery(i + 1), mateQuery(i + 1)]).flat(),
  activeQuery(),
];

/** Metering asked of a stream is renewed at half its lifetime, so it never lapses between renewals. */
const STREAM_LIFETIME_S = 10;

export const sennheiserAdapter: ReceiverAdapter = {
  protocol: 'sennheiser',
  defaultPort: SSC_PORT,

  async read(c, opts) {
    const channels = channelsOfModel(c.model) ?? MAX_CHANNELS;
    const bad = new Set<number>();
    let session: Session;
    try {
      session = await openSession(c.ip, c.port, opts.orgId, {
        onApplied: (a) => {
          for (const m of a.malformed)
            if (m.channel !== null) bad.add(m.channel);
            else opts.onMalformed?.({ chassis: c.id, why: m.why }, 'malformed SSC answer');
        },
        onGarbage: (text) =>
          opts.onMalformed?.({ chassis: c.id, line: text.slice(0, 200) }, 'SSC datagram that is not JSON'),
      });
    } catch (err) {
      return { kind: 'unreachable', error: (err as Error).message };
    }
    try {
      const asks = statics(channels);
      const answered = session.answers(asks.length, opts.timeoutMs);
      // One meter sample: a subscription that lapses at once still sends the current values first.
      session.send([subscribeMeters(channels, { lifetimeS: 1, minMs: 100, transmitters: false }), ...asks]);
      await answered;
      const out = new Map<number, ChannelReading | 'malformed'>(readingsOf(session.state, channels));
      for (const n of bad) if (out.has(n)) out.set(n, 'malformed');
      return { kind: 'ok', channels: out };
    } catch (err) {
      return { kind: 'unreachable', error: (err as Error).message };
    } finally {
      session.close();
    }
  },

  subscribe(c, opts, events: StreamEvents) {
    const channels = channelsOfModel(c.model) ?? MAX_CHANNELS;
    let session: Session | null = null;
    let live = false;
    let stall: NodeJS.Timeout | null = null;
    let renew: NodeJS.Timeout | null = null;
    const life = streamLife(
      (reason) => events.closed(reason),
      () => {
        if (stall) clearTimeout(stall);
        if (renew) clearInterval(renew);
        session?.close();
      },
    );
    const end = life.end;
    const heard = () => {
      if (stall) clearTimeout(stall);
      stall = setTimeout(() => end(`no telemetry for ${opts.stallMs} ms`), opts.stallMs);
      stall.unref();
    };
    const meters = () =>
      subscribeMeters(channels, {
        lifetimeS: STREAM_LIFETIME_S,
        minMs: opts.sampleMs,
        transmitters: true,
      });
    heard();
    openSession(c.ip, c.port, opts.orgId, {
      onApplied: (a) => {
        heard();
        for (const m of a.malformed)
          if (m.channel !== null)
            events.malformed('channel', { slot: m.channel }, `malformed SSC value: ${m.why}`);
          else events.malformed('device', { why: m.why }, 'malformed SSC answer');
        if (!live || !session) return;
        for (const n of a.changed)
          if (n <= channels && !session.state.missing.has(n))
            events.channel(n, toReading(n, session.state.channel(n)));
      },
      onGarbage: (text) => {
        heard();
        events.malformed('device', { line: text.slice(0, 200) }, 'SSC datagram that is not JSON');
      },
      onClose: (reason) => end(reason),
    })
      .then(async (s) => {
        session = s;
        if (life.done) return s.close();
        // Values first (so a channel is never shown half-known), then meters at the asked rate.
        const asks = statics(channels);
        const answered = s.answers(asks.length, opts.stallMs);
        s.send(asks);
        await answered;
        if (life.done) return;
        live = true;
        events.open();
        for (const [n, reading] of readingsOf(s.state, channels)) events.channel(n, reading);
        s.send([meters()]);
        renew = setInterval(() => s.send([meters()]), (STREAM_LIFETIME_S * 1000) / 2);
        renew.unref();
      })
      .catch((err: Error) => end(err.message));
    return { close: life.close };
  },

  async identify(host, port, opts) {
    const session = await openSession(host, port, opts.orgId, { onApplied: () => {}, onGarbage: () => {} });
    try {
      const asks = [deviceQuery(), ...Array.from({ length: MAX_CHANNELS }, (_, i) => channelQuery(i + 1))];
      const answered = session.answers(asks.length, opts.timeoutMs);
      session.send(asks);
      await answered;
      const d = session.state.device;
      let channels = 0;
      while (channels < MAX_CHANNELS && !session.state.missing.has(channels + 1)) channels++;
      return {
        protocol: 'sennheiser',
        model: d.product ?? opts.modelHint ?? '',
        channels,
        name: d.name ?? '',
        serial: d.serial ?? null,
        firmware: d.version ?? '',
      };
    } finally {
      session.close();
    }
  },
};
