import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A networked wireless receiver, simulated: one HTTP server per receiver (one port each, like real
 * hardware, so a chassis is configured by ip:port alone).
 *
 *   GET  /api/v1/device     what the poller reads: model, serial, firmware and every channel's
 *                           battery (bars 0–5, percent, runtime minutes), RF (dBm, %, antenna),
 *                           audio (dBFS, %), mute and online flags
 *   GET  /api/v1/subscribe  the same channels pushed as NDJSON, one line per channel sample: all
 *                           channels on connect and at every sample (1 Hz), a scripted channel at
 *                           once when it changes (how networked receivers report meters)
 *   GET  /control         the scripted state
 *   POST /control         script it: {"channel": 2, "battery": 8} … (see `ControlCommand`)
 */

export interface ChannelState {
  slot: number;
  name: string;
  online: boolean;
  muted: boolean;
  /** Battery percent at `batterySetAt`; it falls by `drainPerMinute` from then on. */
  battery: number;
  drainPerMinute: number;
  batterySetAt: number;
  rfPercent: number;
  antenna: 'A' | 'B';
  audioPercent: number;
  frequencyMhz: number;
}

export type MalformedMode = 'json' | 'schema' | null;

export interface ReceiverState {
  serial: string;
  model: string;
  firmware: string;
  /** Not answering the device API at all (connection reset), as a receiver that lost power. */
  offline: boolean;
  /**
   * Broken telemetry: `json` = truncated body, `schema` = wrong types in `malformedChannel` (all
   * when null).
   */
  malformed: MalformedMode;
  malformedChannel: number | null;
  /** Small random movement of RF and audio, so a demo looks alive. Off in tests. */
  jitter: boolean;
  /** Serves `/api/v1/subscribe`; false answers 404 there and ends open streams, as older firmware. */
  streaming: boolean;
  channels: ChannelState[];
}

/** One scripted change; every field is optional, `channel` selects the slot the channel fields apply to. */
export interface ControlCommand {
  channel?: number;
  battery?: number;
  drain_per_minute?: number;
  rf?: number;
  antenna?: 'A' | 'B';
  audio?: number;
  muted?: boolean;
  online?: boolean;
  offline?: boolean;
  malformed?: MalformedMode;
  streaming?: boolean;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function batteryNow(ch: ChannelState, now = Date.now()): number {
  return clamp(Math.round(ch.battery - (ch.drainPerMinute * (now - ch.batterySetAt)) / 60_000), 0, 100);
}

/** Roughly ten hours on a full pair of AA cells. */
const RUNTIME_AT_FULL_MINUTES = 600;

export function channelTelemetry(ch: ChannelState, jitter: boolean, now = Date.now()) {
  if (!ch.online) {
    return {
      slot: ch.slot,
      name: ch.name,
      online: false,
      muted: ch.muted,
      frequency_mhz: ch.frequencyMhz,
      battery: null,
      rf: null,
      audio: null,
    };
  }
  const wobble = (v: number, by: number) =>
    jitter ? clamp(Math.round(v + (Math.random() * 2 - 1) * by), 0, 100) : v;
  const percent = batteryNow(ch, now);
  const rf = wobble(ch.rfPercent, 3);
  const audio = ch.muted ? 0 : ch.audioPercent > 0 ? wobble(ch.audioPercent, 10) : 0;
  return {
    slot: ch.slot,
    name: ch.name,
    online: true,
    muted: ch.muted,
    frequency_mhz: ch.frequencyMhz,
    battery: {
      bars: Math.ceil(percent / 20),
      percent,
      runtime_minutes: Math.round((percent / 100) * RUNTIME_AT_FULL_MINUTES),
    },
    // -100 dBm (nothing) to -20 dBm (transmitter next to the antenna).
    rf: { level_percent: rf, level_dbm: Math.round(-100 + rf * 0.8), antenna: ch.antenna },
    audio: { level_percent: audio, level_dbfs: audio === 0 ? -120 : Math.round(-60 + audio * 0.6) },
  };
}

export function deviceTelemetry(state: ReceiverState, now = Date.now()) {
  return {
    serial: state.serial,
    model: state.model,
    firmware: state.firmware,
    channels: state.channels.map((ch) => channelTelemetry(ch, state.jitter, now)),
  };
}

type Telemetry = ReturnType<typeof channelTelemetry>;

/** A channel broken as scripted (`schema`): wrong types where the numbers belong. */
function brokenChannel(state: ReceiverState, ch: Telemetry): object {
  return state.malformed === 'schema' &&
    (state.malformedChannel === null || state.malformedChannel === ch.slot)
    ? { ...ch, battery: { bars: 'full', percent: 'lots' }, rf: 'strong' }
    : ch;
}

/** The body the device API sends, malformed as scripted. */
function deviceBody(state: ReceiverState): string {
  const device = deviceTelemetry(state);
  if (state.malformed === 'json') return JSON.stringify(device).slice(0, 40);
  return JSON.stringify({ ...device, channels: device.channels.map((ch) => brokenChannel(state, ch)) });
}

/** One pushed line per channel, malformed as scripted (`json`: a truncated line). */
function channelLines(state: ReceiverState, slots: Set<number> | null, now = Date.now()): string {
  let out = '';
  for (const ch of state.channels) {
    if (slots && !slots.has(ch.slot)) continue;
    const line = JSON.stringify(brokenChannel(state, channelTelemetry(ch, state.jitter, now)));
    out += `${state.malformed === 'json' ? line.slice(0, 25) : line}\n`;
  }
  return out;
}

export function applyControl(state: ReceiverState, cmd: ControlCommand, now = Date.now()): string | null {
  if (cmd.offline !== undefined) state.offline = cmd.offline;
  if (cmd.malformed !== undefined) {
    state.malformed = cmd.malformed;
    state.malformedChannel = cmd.channel ?? null;
  }
  if (cmd.streaming !== undefined) state.streaming = cmd.streaming;
  const channelFields = [
    cmd.battery,
    cmd.drain_per_minute,
    cmd.rf,
    cmd.antenna,
    cmd.audio,
    cmd.muted,
    cmd.online,
  ].some((v) => v !== undefined);
  if (!channelFields) return null;
  const targets =
    cmd.channel === undefined ? state.channels : state.channels.filter((c) => c.slot === cmd.channel);
  if (targets.length === 0) return `no channel ${cmd.channel}`;
  for (const ch of targets) {
    if (cmd.battery !== undefined || cmd.drain_per_minute !== undefined) {
      // Re-anchor the drain so the new rate applies from now, from the level reached so far.
      ch.battery = cmd.battery ?? batteryNow(ch, now);
      ch.batterySetAt = now;
      if (cmd.drain_per_minute !== undefined) ch.drainPerMinute = cmd.drain_per_minute;
    }
    if (cmd.rf !== undefined) ch.rfPercent = clamp(cmd.rf, 0, 100);
    if (cmd.antenna !== undefined) ch.antenna = cmd.antenna;
    if (cmd.audio !== undefined) ch.audioPercent = clamp(cmd.audio, 0, 100);
    if (cmd.muted !== undefined) ch.muted = cmd.muted;
    if (cmd.online !== undefined) ch.online = cmd.online;
  }
  return null;
}

function validControl(body: unknown): ControlCommand | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object';
  const b = body as Record<string, unknown>;
  const known = new Set([
    'channel',
    'battery',
    'drain_per_minute',
    'rf',
    'antenna',
    'audio',
    'muted',
    'online',
    'offline',
    'malformed',
    'streaming',
  ]);
  for (const key of Object.keys(b)) if (!known.has(key)) return `unknown field ${key}`;
  const num = (k: string, lo: number, hi: number) =>
    b[k] === undefined ||
    (typeof b[k] === 'number' && b[k] >= lo && b[k] <= hi) ||
    `${k} must be a number ${lo}–${hi}`;
  const bool = (k: string) => b[k] === undefined || typeof b[k] === 'boolean' || `${k} must be true or false`;
  const checks = [
    num('channel', 0, 1024),
    num('battery', 0, 100),
    num('drain_per_minute', 0, 100),
    num('rf', 0, 100),
    num('audio', 0, 100),
    bool('muted'),
    bool('online'),
    bool('offline'),
    bool('streaming'),
    b.antenna === undefined || b.antenna === 'A' || b.antenna === 'B' || 'antenna must be A or B',
    b.malformed === undefined ||
      b.malformed === null ||
      b.malformed === 'json' ||
      b.malformed === 'schema' ||
      'malformed must be "json", "schema" or null',
  ];
  const failed = checks.find((c) => c !== true);
  return typeof failed === 'string' ? failed : b;
}

export interface ReceiverOptions {
  port?: number;
  host?: string;
  channels?: number;
  serial?: string;
  model?: string;
  jitter?: boolean;
  /** Initial battery percent per slot (1-based order); others start full. */
  batteries?: number[];
  /** Battery drain of every channel, percent per minute. */
  drainPerMinute?: number;
  /** Keep the process alive while serving (`roster simulate receivers`); the in-app demo does not. */
  keepProcessAlive?: boolean;
  /** Serve `/api/v1/subscribe` (default true). */
  streaming?: boolean;
  /** Period of the pushed samples, ms (default 1000: 1 Hz). */
  sampleIntervalMs?: number;
}

export interface SimulatedReceiver {
  host: string;
  port: number;
  state: ReceiverState;
  /** Open `/api/v1/subscribe` streams. */
  subscribers(): number;
  control(cmd: ControlCommand): void;
  close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body: string) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

/** A receiver's scripted state as it starts: every channel online, full unless `batteries` says. */
export function initialState(opts: ReceiverOptions): ReceiverState {
  const now = Date.now();
  const count = opts.channels ?? 4;
  return {
    serial: opts.serial ?? `SIM-${Math.random().toString(36).slice(2, 8).toUpperCase()}`,
    model: opts.model ?? `SIM-RX${count}`,
    firmware: '1.0.0-sim',
    offline: false,
    malformed: null,
    malformedChannel: null,
    jitter: opts.jitter ?? false,
    streaming: opts.streaming ?? true,
    channels: Array.from({ length: count }, (_, i) => ({
      slot: i + 1,
      name: `CH${i + 1}`,
      online: true,
      muted: false,
      battery: opts.batteries?.[i] ?? 100,
      drainPerMinute: opts.drainPerMinute ?? 0,
      batterySetAt: now,
      rfPercent: 80,
      antenna: i % 2 === 0 ? 'A' : 'B',
      audioPercent: 40,
      frequencyMhz: Math.round((470.125 + i * 0.6) * 1000) / 1000,
    })),
  };
}

/** Starts one receiver; port 0 (default) picks a free port. */
export async function startReceiver(opts: ReceiverOptions = {}): Promise<SimulatedReceiver> {
  const host = opts.host ?? '127.0.0.1';
  const state = initialState(opts);

  const streams = new Set<http.ServerResponse>();
  let sampling: NodeJS.Timeout | null = null;
  const push = (slots: Set<number> | null) => {
    if (streams.size === 0) return;
    const lines = channelLines(state, slots);
    for (const res of streams) res.write(lines);
  };
  const subscribe = (res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    streams.add(res);
    res.once('close', () => {
      streams.delete(res);
      if (streams.size === 0 && sampling) {
        clearInterval(sampling);
        sampling = null;
      }
    });
    res.write(channelLines(state, null));
    if (!sampling) {
      sampling = setInterval(() => push(null), opts.sampleIntervalMs ?? 1000);
      sampling.unref();
    }
  };
  /** Applies a scripted change, then tells subscribers at once (or drops them, as the change says). */
  const script = (cmd: ControlCommand): string | null => {
    const refused = applyControl(state, cmd);
    if (refused) return refused;
    if (state.offline) for (const res of streams) res.socket?.destroy();
    else if (!state.streaming) for (const res of streams) res.end();
    else push(cmd.channel === undefined ? null : new Set([cmd.channel]));
    return null;
  };

  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && url === '/api/v1/device') {
      if (state.offline) return req.socket.destroy();
      return send(res, 200, deviceBody(state));
    }
    if (req.method === 'GET' && url === '/api/v1/subscribe') {
      if (state.offline) return req.socket.destroy();
      if (!state.streaming) return send(res, 404, JSON.stringify({ error: 'not found' }));
      return subscribe(res);
    }
    if (url === '/control' && req.method === 'GET') return send(res, 200, JSON.stringify(state));
    if (url === '/control' && req.method === 'POST') {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw || '{}');
        } catch {
          return send(res, 400, JSON.stringify({ error: 'body is not JSON' }));
        }
        const cmd = validControl(parsed);
        if (typeof cmd === 'string') return send(res, 400, JSON.stringify({ error: cmd }));
        const refused = script(cmd);
        if (refused) return send(res, 404, JSON.stringify({ error: refused }));
        return send(res, 200, JSON.stringify(state));
      });
      return;
    }
    send(res, 404, JSON.stringify({ error: 'not found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  // A demo simulator inside `roster start` must not keep the process alive on shutdown.
  if (!opts.keepProcessAlive) server.unref();
  return {
    host,
    port: (server.address() as AddressInfo).port,
    state,
    subscribers: () => streams.size,
    control: (cmd) => {
      const refused = script(cmd);
      if (refused) throw new Error(refused);
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (sampling) clearInterval(sampling);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `count` receivers on consecutive ports from `basePort` (0: any free ports). */
export async function startReceivers(
  count: number,
  opts: ReceiverOptions & { basePort?: number } = {},
): Promise<SimulatedReceiver[]> {
  const started: SimulatedReceiver[] = [];
  try {
    for (let i = 0; i < count; i++) {
      started.push(
        await startReceiver({
          ...opts,
          port: opts.basePort ? opts.basePort + i : 0,
          serial: `SIM-${String(i + 1).padStart(3, '0')}`,
        }),
      );
    }
  } catch (err) {
    await Promise.all(started.map((r) => r.close()));
    throw err;
  }
  return started;
}

/** Reads a request body as JSON and checks it as a scripted change; a string says what is wrong. */
function readControl(req: http.IncomingMessage): Promise<ControlCommand | string> {
  return new Promise((resolve) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      raw += chunk;
      // A control body is a few fields: anything longer is not one.
      if (raw.length > 4096) req.destroy();
    });
    req.on('end', () => {
      try {
        resolve(validControl(JSON.parse(raw || '{}')));
      } catch {
        resolve('body is not JSON');
      }
    });
  });
}

/**
 * A loopback-only HTTP port scripting simulated receivers that have no HTTP port of their own (the
 * Shure and Sennheiser ones speak their vendor's protocol): `POST /control` scripts the first
 * receiver, `POST /control/<name>` the named one, with the fields of `ControlCommand`; `GET
 * /control` lists the receivers' names.
 */
export async function startControlServer(
  receivers: { name: string; control(cmd: ControlCommand): void }[],
): Promise<{ host: string; port: number; close(): Promise<void> }> {
  const host = '127.0.0.1';
  const server = http.createServer((req, res) => {
    const [path] = (req.url ?? '/').split('?');
    const match = /^\/control(?:\/([^/]+))?$/.exec(path);
    if (!match) return send(res, 404, JSON.stringify({ error: 'not found' }));
    if (req.method === 'GET') return send(res, 200, JSON.stringify(receivers.map((r) => r.name)));
    if (req.method !== 'POST') return send(res, 405, JSON.stringify({ error: 'GET or POST' }));
    const name = match[1] === undefined ? undefined : decodeURIComponent(match[1]);
    const target = name === undefined ? receivers[0] : receivers.find((r) => r.name === name);
    if (!target) return send(res, 404, JSON.stringify({ error: `no receiver ${name}` }));
    void readControl(req).then((cmd) => {
      if (typeof cmd === 'string') return send(res, 400, JSON.stringify({ error: cmd }));
      try {
        target.control(cmd);
      } catch (err) {
        return send(res, 404, JSON.stringify({ error: (err as Error).message }));
      }
      send(res, 200, JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  server.unref();
  return {
    host,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
