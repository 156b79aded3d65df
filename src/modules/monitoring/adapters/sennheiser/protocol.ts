import type { ChannelReading } from '../types.ts';
import { micReading } from '../reading.ts';

/**
 * Sennheiser Sound Control Protocol (SSC), as EW-DX and SpeechLine Digital receivers speak it: one
 * JSON object per UDP datagram on port 45. A request is the address tree with `null` where a value
 * is wanted (`{"rx1":{"name":null}}`); the answer is the same tree with the values filled in.
 * Meters are read by subscription only (`/osc/state/subscribe`): the receiver then sends the
 * subscribed values at once and again as they change, until the subscription's lifetime runs out.
 * A refused address comes back under `/osc/error` with an HTTP-like code (404 unknown, 424 no
 * linked transmitter).
 *
 * Addresses read per channel n: /rx{n}/name, frequency (kHz), mute; /mates/tx{n}/battery/gauge (%)
 * and lifetime (minutes), device_type, mute; /mates/active (linked transmitters); meters
 * /m/rx{n}/rssi (dBm), rsqi (link quality %), divi (antenna 1 or 2), af (audio dBFS).
 */

export const SSC_PORT = 45;
/** SSC receivers have at most this many channels (EW-DX EM 4). */
export const MAX_CHANNELS = 4;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Tree = { [key: string]: Json };

/** A request as one datagram: the JSON object and the line ending SSC devices accept. */
export const request = (tree: Tree) => `${JSON.stringify(tree)}\r\n`;

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** What a receiver is: its product name, serial, firmware and label. */
export const deviceQuery = (): Tree => ({
  device: { identity: { product: null, serial: null, version: null }, name: null },
});

/** The values of channel n that are not meters. */
export const channelQuery = (n: number): Tree => ({
  [`rx${n}`]: { name: null, frequency: null, mute: null },
});

export const mateQuery = (n: number): Tree => ({
  mates: { [`tx${n}`]: { battery: { gauge: null, lifetime: null }, device_type: null, mute: null } },
});

export const activeQuery = (): Tree => ({ mates: { active: null } });

/** Meters (and the transmitter values that change under way) pushed for `lifetimeS` seconds. */
export function subscribeMeters(
  channels: number,
  o: { lifetimeS: number; minMs: number; transmitters: boolean },
): Tree {
  const m: Tree = {};
  const mates: Tree = { active: null };
  for (const n of range(channels)) {
    m[`rx${n}`] = { rssi: null, rsqi: null, divi: null, af: null };
    mates[`tx${n}`] = { battery: { gauge: null, lifetime: null }, mute: null };
  }
  const what: Tree = o.transmitters ? { m, mates } : { m };
  return { osc: { state: { subscribe: [{ '#': { lifetime: o.lifetimeS, min: o.minMs }, ...what }] } } };
}

/** Channels of a model as its name says (`EW-DX EM 4 Dante` → 4), or null when it does not. */
export function channelsOfModel(model: string): number | null {
  const m = /\bEM\s*([124])\b/i.exec(model);
  return m ? Number(m[1]) : null;
}

/** What is known of one channel. */
export interface ChannelState {
  name?: string;
  frequencyMhz?: number;
  rxMuted?: boolean;
  txMuted?: boolean;
  txType?: string | null;
  gauge?: number | null;
  lifetimeMinutes?: number | null;
  /** Linked transmitter (from /mates/active or a 424 on its values). */
  linked?: boolean;
  rssiDbm?: number;
  antenna?: 'A' | 'B' | null;
  afDbfs?: number;
}

/** One leaf of a message: its address and value. */
type Leaf = { path: string[]; value: Json };

function leaves(tree: Json, path: string[] = [], out: Leaf[] = []): Leaf[] {
  if (tree !== null && typeof tree === 'object' && !Array.isArray(tree)) {
    for (const [k, v] of Object.entries(tree)) leaves(v, [...path, k], out);
  } else out.push({ path, value: tree });
  return out;
}

const channelOf = (word: string | undefined, prefix: 'rx' | 'tx') => {
  const m = word === undefined ? null : new RegExp(`^${prefix}([1-9]\\d?)$`).exec(word);
  return m ? Number(m[1]) : null;
};

const num = (v: Json, lo: number, hi: number) =>
  typeof v === 'number' && v >= lo && v <= hi ? v : undefined;

export type Applied = { changed: Set<number>; malformed: { channel: number | null; why: string }[] };

/** A receiver's state as its answers build it up. */
export class DeviceState {
  readonly channels = new Map<number, ChannelState>();
  readonly device: { product?: string; serial?: string; version?: string; name?: string } = {};
  /** Channels the receiver said do not exist (404 on /rx{n}). */
  readonly missing = new Set<number>();

  channel(n: number): ChannelState {
    let ch = this.channels.get(n);
    if (!ch) this.channels.set(n, (ch = {}));
    return ch;
  }

  /** Applies one parsed datagram; says which channels changed and which values were unusable. */
  apply(message: unknown): Applied {
    const out: Applied = { changed: new Set(), malformed: [] };
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      out.malformed.push({ channel: null, why: 'not a JSON object' });
      return out;
    }
    for (const { path, value } of leaves(message as Json)) this.applyLeaf(path, value, out);
    return out;
  }

  private applyLeaf(path: string[], value: Json, out: Applied) {
    const [head, second, third, fourth] = path;
    const bad = (channel: number | null, why: string) => out.malformed.push({ channel, why });
    if (head === 'osc') {
      if (second === 'error' && Array.isArray(value)) for (const e of value) this.applyError(e, out);
      return; // other /osc answers (subscription echoes, pings) change nothing on the wall
    }
    if (head === 'device') {
      const key = second === 'identity' ? third : second;
      if (key && ['product', 'serial', 'version', 'name'].includes(key) && typeof value === 'string')
        this.device[key as 'product'] = value.slice(0, 128);
      return;
    }
    if (head === 'mates' && second === 'active') {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
        return bad(null, 'mates/active is not a list of names');
      const linked = new Set(value.map((v) => channelOf(v, 'tx')));
      for (const [n, ch] of this.channels) {
        if (ch.linked !== linked.has(n)) out.changed.add(n);
        ch.linked = linked.has(n);
      }
      for (const n of linked) if (n !== null && !this.channels.has(n)) this.channel(n).linked = true;
      return;
    }
    const n =
      head === 'm'
        ? channelOf(second, 'rx')
        : head === 'mates'
          ? channelOf(second, 'tx')
          : channelOf(head, 'rx');
    if (n === null || n > MAX_CHANNELS * 16) return;
    const ch = this.channel(n);
    const set = <K extends keyof ChannelState>(k: K, v: ChannelState[K] | undefined, why: string) => {
      if (v === undefined) return bad(n, why);
      if (ch[k] !== v) out.changed.add(n);
      ch[k] = v;
    };
    if (head === 'm') {
      if (third === 'rssi') return set('rssiDbm', num(value, -140, 20), 'bad rssi');
      if (third === 'af') return set('afDbfs', num(value, -140, 20), 'bad af');
      if (third === 'divi') {
        const a = value === 1 ? 'A' : value === 2 ? 'B' : value === 0 ? null : undefined;
        return set('antenna', a, 'bad divi');
      }
      return; // rsqi and other meters are not on the wall
    }
    if (head === 'mates') {
      if (third === 'battery' && fourth === 'gauge')
        return set('gauge', num(value, 0, 100), 'bad battery gauge');
      if (third === 'battery' && fourth === 'lifetime')
        return set('lifetimeMinutes', num(value, 0, 100_000), 'bad battery lifetime');
      if (third === 'device_type')
        return set(
          'txType',
          typeof value === 'string' && value.length <= 32 ? value : undefined,
          'bad device_type',
        );
      if (third === 'mute') return set('txMuted', typeof value === 'boolean' ? value : undefined, 'bad mute');
      return;
    }
    if (second === 'name')
      return set('name', typeof value === 'string' ? value.slice(0, 64) : undefined, 'bad name');
    if (second === 'frequency') {
      const khz = num(value, 1, 10_000_000);
      return set('frequencyMhz', khz === undefined ? undefined : khz / 1000, 'bad frequency');
    }
    if (second === 'mute') return set('rxMuted', typeof value === 'boolean' ? value : undefined, 'bad mute');
  }

  /** An `/osc/error` entry: the address tree it refuses, with the code at its leaf. */
  private applyError(entry: Json, out: Applied) {
    for (const { path, value } of leaves(entry)) {
      const code = Array.isArray(value) ? value[0] : value;
      const [head, second] = path;
      const rx = head?.startsWith('rx') ? channelOf(head, 'rx') : null;
      if (rx !== null && code === 404) this.missing.add(rx);
      const tx = head === 'mates' ? channelOf(second, 'tx') : null;
      // 424: the channel has no linked transmitter, so it has none of its values.
      if (tx !== null && code === 424) {
        const ch = this.channel(tx);
        if (ch.linked !== false) out.changed.add(tx);
        ch.linked = false;
      }
    }
  }
}

/** The channel as the rest of Roster reads it. */
export function toReading(slot: number, ch: ChannelState): ChannelReading {
  const gauge = ch.gauge ?? null;
  return micReading(slot, {
    ...ch,
    online: ch.linked ?? gauge !== null,
    muted: ch.rxMuted === true || ch.txMuted === true,
    battery:
      gauge === null
        ? null
        : { bars: Math.ceil(gauge / 20), percent: gauge, runtimeMinutes: ch.lifetimeMinutes ?? null },
    rfDbm: ch.rssiDbm,
    audioDbfs: ch.afDbfs,
  });
}

/** Every channel the receiver did not say is missing, as the wall reads it. */
export function readingsOf(state: DeviceState, channels: number): Map<number, ChannelReading> {
  const out = new Map<number, ChannelReading>();
  for (let n = 1; n <= channels; n++) if (!state.missing.has(n)) out.set(n, toReading(n, state.channel(n)));
  return out;
}

/** Parses one datagram; null when it is not JSON. */
export function parseDatagram(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
