import { assertOutboundAllowed } from '../../../../core/net/outbound.ts';
import type { ChannelReading, ReceiverAdapter, StreamEvents } from '../types.ts';
import { createWaiters, streamLife } from '../session.ts';
import { openTcp, openUdp } from './transport.ts';
import {
  command,
  DeviceState,
  familyOf,
  Framer,
  meterCommands,
  modelInfo,
  parseMessage,
  readCommands,
  splitDatagram,
  toReading,
  transportOf,
  type Family,
  type Message,
} from './protocol.ts';

/** Shure receivers over their ASCII command strings (protocol.ts), TCP port 2202. */

export const SHURE_PORT = 2202;

interface Session {
  state: DeviceState;
  send(lines: string[]): void;
  /** Resolves when `done(message)` says so; rejects on close or after `ms`. */
  until(done: (m: Message) => boolean, ms: number): Promise<void>;
  close(): void;
}

interface SessionHooks {
  onMalformed(context: Record<string, unknown>, message: string): void;
  /** A bad value about one channel; without this hook it goes to `onMalformed`. */
  onChannelMalformed?(channel: number, context: Record<string, unknown>): void;
  onChange?(channel: number): void;
  onClose?(reason: string): void;
  stallMs?: number;
}

/**
 * Opens the family's transport (TCP, or UDP for UHF-R) to the address the outbound rule checked
 * (core/net/outbound.ts); a refused address fails like an unreachable receiver, with the reason in
 * the server log only.
 */
async function openSession(
  host: string,
  port: number,
  family: Family,
  orgId: string | undefined,
  connectTimeoutMs: number,
  hooks: SessionHooks,
): Promise<Session> {
  const checked = await assertOutboundAllowed(host, port, { orgId });
  const state = new DeviceState(family);
  const stream = new Framer();
  const waiters = createWaiters<Message>();
  let closed: string | null = null;
  const garbled = (line: string) =>
    hooks.onMalformed({ line: line.slice(0, 200) }, 'garbled line from a Shure receiver');
  const handle = (inner: string) => {
    const m = parseMessage(inner);
    if (!m) {
      hooks.onMalformed({ line: inner.slice(0, 200) }, 'unrecognised message from a Shure receiver');
      return;
    }
    const changed = state.apply(m);
    if (changed !== null && typeof changed === 'object') {
      const context = { line: inner.slice(0, 200), why: changed.malformed };
      if (hooks.onChannelMalformed && m.type !== 'err' && m.channel)
        hooks.onChannelMalformed(m.channel, context);
      else hooks.onMalformed(context, 'malformed Shure telemetry');
    } else if (typeof changed === 'number' && changed > 0) hooks.onChange?.(changed);
    waiters.offer(m);
  };
  const open = transportOf(family) === 'udp' ? openUdp : openTcp;
  const transport = await open(
    checked,
    port,
    { connectTimeoutMs, stallMs: hooks.stallMs },
    {
      data(text, whole) {
        const read: { frames: string[]; garbage: string[]; overflow?: boolean } = whole
          ? splitDatagram(text)
          : stream.push(text);
        const { frames, garbage, overflow } = read;
        for (const g of garbage) garbled(g);
        if (overflow) hooks.onMalformed({}, 'Shure receiver sent an unterminated message; discarded');
        for (const inner of frames) handle(inner);
      },
      oversized: (bytes) => hooks.onMalformed({ bytes }, 'oversized datagram from a Shure receiver'),
      ended(reason) {
        closed ??= reason;
        waiters.end(reason);
        hooks.onClose?.(reason);
      },
    },
  );
  return {
    state,
    send: (lines) => {
      if (!closed) transport.write(lines.join(''));
    },
    until: (done, ms) => waiters.wait(done, ms),
    close: () => transport.close(),
  };
}

/** The last answer of a read: a device value every family reports, asked after everything else. */
const FENCE_KEY = 'FW_VER';
const isFence = (m: Message) =>
  m.type === 'rep' && (m.channel === null || m.channel === 0) && m.key === FENCE_KEY;

/** Asks for every channel's values and waits until the receiver has answered them all. */
async function readAll(session: Session, family: Family, channels: number, ms: number) {
  if (transportOf(family) === 'udp') return readEach(session, family, channels, ms);
  const lines: string[] = [];
  for (let n = 1; n <= channels; n++) lines.push(...readCommands(family, n));
  lines.push(command(family, `GET 0 ${FENCE_KEY}`));
  const answered = session.until(isFence, ms);
  session.send(lines);
  await answered;
}

/** Datagrams asked again while unanswered: this many times within a read's timeout. */
const UDP_ATTEMPTS = 3;

/**
 * Over UDP a question or its answer may be lost, and nothing says so: every value is asked on its
 * own, and those still unanswered are asked again, a few times within the timeout.
 */
async function readEach(session: Session, family: Family, channels: number, ms: number) {
  const pending = new Map<string, string>();
  for (let n = 1; n <= channels; n++)
    for (const line of readCommands(family, n)) pending.set(line.split(/\s+/).slice(2, 4).join(' '), line);
  const answered = session.until((m) => {
    if (m.type !== 'err' && m.channel) pending.delete(`${m.channel} ${m.type === 'rep' ? m.key : ''}`);
    return pending.size === 0;
  }, ms);
  const retry = setInterval(() => session.send([...pending.values()]), Math.max(50, ms / UDP_ATTEMPTS));
  session.send([...pending.values()]);
  try {
    await answered;
  } finally {
    clearInterval(retry);
  }
}

function readingsOf(state: DeviceState, channels: number): Map<number, ChannelReading> {
  const out = new Map<number, ChannelReading>();
  for (let n = 1; n <= channels; n++) out.set(n, toReading(state.family, n, state.channel(n)));
  return out;
}

/** The model a chassis is configured with, or what the receiver answers to `GET 0 MODEL`. */
async function resolveModel(session: Session | null, configured: string) {
  const known = modelInfo(configured);
  if (known || !session) return known;
  const answered = session.until((m) => m.type === 'err' || (m.type === 'rep' && m.key === 'MODEL'), 1000);
  session.send([command('ulxd', 'GET 0 MODEL')]);
  await answered.catch(() => {});
  return modelInfo(session.state.device.MODEL ?? '');
}

export const shureAdapter: ReceiverAdapter = {
  protocol: 'shure',
  defaultPort: SHURE_PORT,

  async read(c, opts) {
    const info = modelInfo(c.model);
    const malformed = new Map<number, true>();
    let session: Session;
    try {
      session = await openSession(c.ip, c.port, info?.family ?? 'ulxd', opts.orgId, opts.timeoutMs, {
        onMalformed: (context, message) => opts.onMalformed?.({ chassis: c.id, ...context }, message),
        // Counted by telemetry as a malformed channel; the unit keeps its last good state.
        onChannelMalformed: (slot) => malformed.set(slot, true),
      });
    } catch (err) {
      return { kind: 'unreachable', error: (err as Error).message };
    }
    try {
      const model = info ?? (await resolveModel(session, c.model));
      if (!model) return { kind: 'malformed', error: `unknown Shure model "${c.model}"` };
      session.state.family = model.family;
      await readAll(session, model.family, model.channels, opts.timeoutMs);
      const channels = new Map<number, ChannelReading | 'malformed'>(
        readingsOf(session.state, model.channels),
      );
      for (const slot of malformed.keys()) channels.set(slot, 'malformed');
      return { kind: 'ok', channels };
    } catch (err) {
      return { kind: 'unreachable', error: (err as Error).message };
    } finally {
      session.close();
    }
  },

  subscribe(c, opts, events: StreamEvents) {
    let session: Session | null = null;
    let live = false;
    let channels = 0;
    const life = streamLife(
      (reason) => events.closed(reason),
      () => session?.close(),
    );
    const end = life.end;
    const info = modelInfo(c.model);
    openSession(c.ip, c.port, info?.family ?? 'ulxd', opts.orgId, opts.stallMs, {
      stallMs: opts.stallMs,
      onMalformed: (context, message) => events.malformed('device', context, message),
      onChange: (n) => {
        if (live && !life.done && session && n <= channels)
          events.channel(n, toReading(session.state.family, n, session.state.channel(n)));
      },
      onClose: (reason) => end(reason),
    })
      .then(async (s) => {
        session = s;
        if (life.done) return s.close();
        const model = info ?? (await resolveModel(s, c.model));
        if (!model) return end(`unknown Shure model "${c.model}"`);
        s.state.family = model.family;
        channels = model.channels;
        // Values first (so a channel is never shown half-known), then meters at the asked rate.
        await readAll(s, model.family, channels, opts.stallMs);
        if (life.done) return;
        live = true;
        events.open();
        for (const [n, reading] of readingsOf(s.state, channels)) events.channel(n, reading);
        s.send(meterCommands(model.family, channels, opts.sampleMs));
      })
      .catch((err: Error) => end(err.message));
    return { close: life.close };
  },

  async identify(host, port, opts) {
    const hint = familyOf(opts.modelHint ?? '');
    const family = hint ?? 'ulxd';
    const session = await openSession(host, port, family, opts.orgId, opts.timeoutMs, {
      onMalformed: () => {},
    });
    try {
      const asks = ['MODEL', 'DEVICE_ID', 'FW_VER'].map((k) => command(family, `GET 0 ${k}`));
      // Which channels exist: a receiver answers CHAN_NAME for its own and ERR for the others.
      for (let n = 1; n <= 4; n++) asks.push(command(family, `GET ${n} CHAN_NAME`));
      asks.push(command(family, `GET 0 ${FENCE_KEY}`));
      let fences = 0;
      const answered = session.until((m) => isFence(m) && ++fences === 2, opts.timeoutMs);
      session.send(asks);
      await answered;
      const names = [...session.state.channels.entries()].filter(([, ch]) => ch.name !== undefined);
      const count = names.length ? Math.max(...names.map(([n]) => n)) : 0;
      const d = session.state.device;
      const byAnswer = modelInfo(d.MODEL ?? '');
      const model =
        byAnswer?.model ??
        (hint ? guessModel(hint, count) : null) ??
        (d.MODEL || opts.modelHint || 'unknown');
      return {
        protocol: 'shure',
        model,
        channels: count || (modelInfo(model)?.channels ?? 0),
        name: d.DEVICE_ID ?? '',
        serial: d.DEVICE_ID || null,
        firmware: d.FW_VER ?? '',
      };
    } finally {
      session.close();
    }
  },
};

/** Receivers that do not answer MODEL (older ULX-D firmware) are told apart by their channel count. */
function guessModel(family: Family, channels: number): string | null {
  const table: Partial<Record<Family, Record<number, string>>> = {
    ulxd: { 1: 'ULXD4', 2: 'ULXD4D', 4: 'ULXD4Q' },
    qlxd: { 1: 'QLXD4' },
    slxd: { 1: 'SLXD4', 2: 'SLXD4D' },
    axtd: { 2: 'AD4D', 4: 'AD4Q' },
    uhfr: { 1: 'UR4S', 2: 'UR4D' },
    p10t: { 2: 'P10T' },
  };
  return table[family]?.[channels] ?? null;
}
