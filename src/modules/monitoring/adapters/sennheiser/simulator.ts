import dgram from 'node:dgram';
import {
  applyControl,
  batteryNow,
  initialState,
  type ControlCommand,
  type ReceiverOptions,
  type ReceiverState,
} from '../../simulator.ts';
import { channelsOfModel } from './protocol.ts';
import { sennheiserMdnsResponse } from './mdns.ts';
import { sendAnnouncement } from '../announce.ts';

/**
 * A Sennheiser receiver, simulated on a local UDP port: answers SSC requests (protocol.ts) for
 * its channels and transmitters, refuses unknown addresses (404) and an unlinked transmitter's
 * values (424), keeps meter subscriptions for their lifetime (values at once, then every period
 * and on every scripted change), and plays scripted faults: battery drain, RF drop-out, mute,
 * transmitter or receiver power off, garbled datagrams, slow answers.
 */

export interface SennheiserFaults {
  /** Every answer is followed by a datagram that is not JSON and one with a wrong value type. */
  garbled?: boolean;
  /** Answers (not meter notifications) wait this long. */
  slow_ms?: number;
}

export type SennheiserControl = ControlCommand & SennheiserFaults & { name?: string };

export interface SennheiserReceiverOptions extends Omit<ReceiverOptions, 'model' | 'channels' | 'streaming'> {
  /** `EW-DX EM 2`, `EW-DX EM 4 Dante`, `SLDW EM 4` …: the channel count follows the name. */
  model?: string;
  deviceName?: string;
}

export interface SimulatedSennheiserReceiver {
  host: string;
  port: number;
  model: string;
  state: ReceiverState;
  faults: SennheiserFaults;
  /** Live meter subscriptions (SSCv2: open subscription streams). */
  subscriptions(): number;
  control(cmd: SennheiserControl): void;
  /** Sends one mDNS announcement (DNS-SD, `_ssc._udp`; SSCv2: version 2 and its URI) to `group:port`. */
  announce(target: { address: string; port: number }): Promise<void>;
  close(): Promise<void>;
}

/**
 * A scripting command on a simulated Sennheiser receiver, whichever protocol it speaks: faults,
 * channel state, and `name` (the device's, or a channel's when one is named). Throws when the
 * command is refused; returns the device's name after it.
 */
export function applySennheiserControl(
  state: ReceiverState,
  faults: SennheiserFaults,
  cmd: SennheiserControl,
  deviceName: string,
): string {
  const { garbled, slow_ms, name: label, ...rest } = cmd;
  if (garbled !== undefined) faults.garbled = garbled;
  if (slow_ms !== undefined) faults.slow_ms = slow_ms;
  const refused = applyControl(state, rest);
  if (refused) throw new Error(refused);
  if (label === undefined) return deviceName;
  for (const ch of state.channels) if (ch.slot === rest.channel) ch.name = label;
  return rest.channel === undefined ? label : deviceName;
}

type Tree = { [key: string]: unknown };
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The receiver's value at an address, or an error code. */
function valueAt(
  state: ReceiverState,
  name: string,
  path: string[],
  jitter: boolean,
): { value: unknown } | { error: number } {
  const [head, second, third, fourth] = path;
  const chOf = (word: string | undefined, prefix: string) =>
    state.channels.find((c) => `${prefix}${c.slot}` === word);
  if (head === 'device') {
    const key = second === 'identity' ? third : second;
    const values: Record<string, string> = {
      product: state.model,
      serial: state.serial,
      version: state.firmware,
      name,
    };
    return key && key in values ? { value: values[key] } : { error: 404 };
  }
  if (head === 'mates' && second === 'active')
    return { value: state.channels.filter((c) => c.online).map((c) => `tx${c.slot}`) };
  if (head === 'mates') {
    const ch = chOf(second, 'tx');
    if (!ch) return { error: 404 };
    if (!ch.online) return { error: 424 };
    const pct = batteryNow(ch);
    if (third === 'battery' && fourth === 'gauge') return { value: pct };
    if (third === 'battery' && fourth === 'lifetime') return { value: Math.round((pct / 100) * 480) };
    if (third === 'device_type') return { value: ch.slot % 2 ? 'HANDHELD' : 'BODYPACK' };
    if (third === 'mute') return { value: ch.muted };
    return { error: 404 };
  }
  if (head === 'm') {
    const ch = chOf(second, 'rx');
    if (!ch) return { error: 404 };
    const wobble = (v: number) => (jitter ? clamp(v + (Math.random() * 2 - 1) * 3, 0, 100) : v);
    if (third === 'rssi') return { value: ch.online ? Math.round(-100 + wobble(ch.rfPercent) * 0.8) : -120 };
    if (third === 'rsqi') return { value: ch.online ? Math.round(wobble(ch.rfPercent)) : 0 };
    if (third === 'divi') return { value: ch.online ? (ch.antenna === 'A' ? 1 : 2) : 0 };
    if (third === 'af') {
      const silent = !ch.online || ch.muted || ch.audioPercent === 0;
      return { value: silent ? -120 : Math.round(-60 + wobble(ch.audioPercent) * 0.6) };
    }
    return { error: 404 };
  }
  const ch = chOf(head, 'rx');
  if (!ch) return { error: 404 };
  if (second === 'name') return { value: ch.name };
  if (second === 'frequency') return { value: Math.round(ch.frequencyMhz * 1000) };
  if (second === 'mute') return { value: false };
  return { error: 404 };
}

/** Fills every `null` leaf of a request; refused leaves go to `errors` with their code. */
export function answer(state: ReceiverState, name: string, request: unknown, jitter: boolean) {
  const errors: Tree[] = [];
  const fill = (node: unknown, path: string[]): unknown => {
    if (node === null) {
      const v = valueAt(state, name, path, jitter);
      if ('value' in v) return v.value;
      const err: Tree = {};
      let at = err;
      path.forEach((k, i) => (at = (at[k] = i === path.length - 1 ? [v.error] : {}) as Tree));
      errors.push(err);
      return undefined;
    }
    if (typeof node !== 'object' || Array.isArray(node)) return node;
    const out: Tree = {};
    for (const [k, v] of Object.entries(node as Tree)) {
      const filled = fill(v, [...path, k]);
      if (filled !== undefined && !(typeof filled === 'object' && filled && Object.keys(filled).length === 0))
        out[k] = filled;
    }
    return out;
  };
  const filled = fill(request, []) as Tree;
  return { filled, errors };
}

interface Subscription {
  what: Tree;
  until: number;
  timer: NodeJS.Timeout;
}

/** Starts one simulated Sennheiser receiver on a local UDP port (0: any free port). */
export async function startSennheiserReceiver(
  opts: SennheiserReceiverOptions = {},
): Promise<SimulatedSennheiserReceiver> {
  const model = opts.model ?? 'EW-DX EM 2';
  const channels = channelsOfModel(model);
  if (!channels) throw new Error(`unknown Sennheiser receiver model ${model} (EW-DX EM 2, EM 4 …)`);
  const host = opts.host ?? '127.0.0.1';
  const state = initialState({ ...opts, channels, model });
  let name = opts.deviceName ?? state.serial;
  const faults: SennheiserFaults = {};
  const subscriptions = new Map<string, Subscription>();
  const socket = dgram.createSocket('udp4');

  const send = (to: { address: string; port: number }, tree: Tree, slow: boolean) => {
    const out = [JSON.stringify(tree)];
    if (faults.garbled) out.push('{"m":{"rx1":{"rssi":', JSON.stringify({ m: { rx1: { rssi: 'strong' } } }));
    const go = () => {
      for (const text of out) socket.send(text, to.port, to.address);
    };
    if (slow && faults.slow_ms) setTimeout(go, faults.slow_ms).unref();
    else go();
  };
  const notify = (key: string, s: Subscription) => {
    const [address, port] = key.split('|');
    if (Date.now() > s.until) {
      clearInterval(s.timer);
      subscriptions.delete(key);
      return;
    }
    const { filled } = answer(state, name, s.what, state.jitter);
    send({ address, port: Number(port) }, filled, false);
  };

  function subscribe(from: dgram.RemoteInfo, entries: unknown) {
    if (!Array.isArray(entries)) return false;
    for (const entry of entries as Tree[]) {
      const { '#': options, ...what } = entry ?? {};
      const o = (options ?? {}) as { lifetime?: unknown; min?: unknown };
      const lifetime = typeof o.lifetime === 'number' ? clamp(o.lifetime, 1, 3600) : 10;
      const period = typeof o.min === 'number' ? clamp(o.min, 100, 60_000) : 1000;
      const key = `${from.address}|${from.port}`;
      const old = subscriptions.get(key);
      if (old) clearInterval(old.timer);
      const s: Subscription = {
        what: what,
        until: Date.now() + lifetime * 1000,
        timer: setInterval(() => notify(key, s), period),
      };
      s.timer.unref();
      subscriptions.set(key, s);
      // The subscribed values at once, then every period until the lifetime runs out.
      notify(key, s);
    }
    return true;
  }

  socket.on('message', (buf, from) => {
    if (state.offline) return;
    let request: unknown;
    try {
      request = JSON.parse(buf.toString('utf8'));
    } catch {
      return send(from, { osc: { error: [{ osc: [400] }] } }, true);
    }
    if (request === null || typeof request !== 'object' || Array.isArray(request))
      return send(from, { osc: { error: [{ osc: [400] }] } }, true);
    const r = request as Tree;
    const subscription = (r.osc as { state?: { subscribe?: unknown } } | undefined)?.state?.subscribe;
    if (subscription !== undefined) {
      send(from, { osc: { state: { subscribe: subscription } } }, true);
      if (!subscribe(from, subscription)) send(from, { osc: { error: [{ osc: { state: [400] } }] } }, true);
      return;
    }
    const { filled, errors } = answer(state, name, r, false);
    send(from, errors.length ? { ...filled, osc: { error: errors } } : filled, true);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(opts.port ?? 0, host, () => resolve());
  });
  if (!opts.keepProcessAlive) socket.unref();
  const port = socket.address().port;

  return {
    host,
    port,
    model,
    state,
    faults,
    subscriptions: () => subscriptions.size,
    control(cmd) {
      name = applySennheiserControl(state, faults, cmd, name);
      // Subscribers hear of a change at once, as from a real receiver.
      if (!state.offline) for (const [key, s] of subscriptions) notify(key, s);
    },
    announce: (target) =>
      sendAnnouncement(host, target, sennheiserMdnsResponse({ name, host, port, version: '1.0' })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of subscriptions.values()) clearInterval(s.timer);
        subscriptions.clear();
        socket.close(() => resolve());
      }),
  };
}
