import dgram from 'node:dgram';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  applyControl,
  batteryNow,
  initialState,
  type ChannelState,
  type ControlCommand,
  type ReceiverOptions,
  type ReceiverState,
} from '../../simulator.ts';
import {
  command,
  Framer,
  modelInfo,
  splitDatagram,
  transportOf,
  type Family,
  type ModelInfo,
} from './protocol.ts';
import { shureSrvReg } from './slp.ts';
import { sendAnnouncement } from '../announce.ts';

/**
 * A Shure receiver, simulated on a local port (TCP, or UDP for UHF-R as the real ones): answers the
 * command strings of its model's family (`GET`, `SET … METER_RATE`, UHF-R's `METER`), reports changes unsolicited as real
 * receivers do, sends SAMPLE lines at the asked rate, and plays scripted faults: battery drain, RF
 * drop-out, mute, transmitter or receiver power off, garbled lines, slow responses. It can announce
 * itself for discovery (SLP, slp.ts).
 */

export interface ShureFaults {
  /** Every answer and sample is followed by a garbled line and a SAMPLE in the wrong layout. */
  garbled?: boolean;
  /** Answers (not samples) wait this long. */
  slow_ms?: number;
  /** UDP (UHF-R): the next this many datagrams received are lost on the way. */
  drop_next?: number;
}

export type ShureControl = ControlCommand & ShureFaults & { name?: string };

export interface ShureReceiverOptions extends Omit<ReceiverOptions, 'model' | 'channels' | 'streaming'> {
  /** ULXD4Q, QLXD4, SLXD4D, AD4Q, UR4D, P10T … */
  model: string;
  deviceId?: string;
}

export interface SimulatedShureReceiver {
  host: string;
  port: number;
  model: string;
  family: Family;
  state: ReceiverState;
  faults: ShureFaults;
  /** Open connections. */
  connections(): number;
  control(cmd: ShureControl): void;
  /** Sends one discovery announcement to `group:port` (multicast or unicast). */
  announce(target: { address: string; port: number }): Promise<void>;
  close(): Promise<void>;
}

const pad = (n: number, width: number) => String(Math.max(0, Math.round(n))).padStart(width, '0');
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The simulated channel's meters in real units. */
function meters(ch: ChannelState, jitter: boolean) {
  const wobble = (v: number, by: number) =>
    jitter ? clamp(Math.round(v + (Math.random() * 2 - 1) * by), 0, 100) : v;
  const rf = ch.online ? wobble(ch.rfPercent, 3) : 0;
  const audio = !ch.online || ch.muted || ch.audioPercent === 0 ? 0 : wobble(ch.audioPercent, 10);
  return {
    dbm: ch.online ? -100 + rf * 0.8 : -120,
    dbfs: audio === 0 ? -120 : -60 + audio * 0.6,
  };
}

/** `AX`: antenna A receiving, `XB`: B, `XX`: no transmitter. */
const antennaStatus = (ch: ChannelState) => (ch.online ? (ch.antenna === 'A' ? 'AX' : 'XB') : 'XX');

const TX: Record<Family, string> = {
  ulxd: 'ULXD2',
  qlxd: 'QLXD2',
  slxd: 'SLXD2',
  axtd: 'AD2',
  uhfr: 'UR2',
  p10t: 'P10T',
};

/** The REP lines of one channel's values, in the family's command names and encodings. */
function channelReports(family: Family, ch: ChannelState, now: number): string[] {
  const n = ch.slot;
  const pct = batteryNow(ch, now);
  const bars = ch.online ? Math.ceil(pct / 20) : 255;
  const charge = ch.online ? pct : 255;
  const mins = ch.online ? Math.round((pct / 100) * 600) : 65535;
  const khz = Math.round(ch.frequencyMhz * 1000);
  const rep = (key: string, value: string) =>
    command(family, `${family === 'uhfr' ? 'REPORT' : 'REP'} ${n} ${key} ${value}`);
  const name = rep('CHAN_NAME', `{${ch.name.padEnd(8, ' ')}}`);
  const m = meters(ch, false);
  // Name, frequency (Axient pads kHz to seven digits), then the transmitter model or "unknown".
  const head = (digits: number, txKey: string, unknown: string) => [
    name,
    rep('FREQUENCY', pad(khz, digits)),
    rep(txKey, ch.online ? TX[family] : unknown),
  ];
  switch (family) {
    case 'ulxd':
    case 'qlxd':
      return [
        ...head(6, 'TX_TYPE', 'UNKN'),
        rep('BATT_BARS', pad(bars, 3)),
        rep('BATT_CHARGE', pad(charge, 3)),
        rep('BATT_RUN_TIME', pad(mins, 5)),
        ...(family === 'ulxd' ? [rep('AUDIO_MUTE', ch.muted ? 'ON' : 'OFF')] : []),
        rep('TX_MUTE_STATUS', ch.online ? (family === 'qlxd' && ch.muted ? 'ON' : 'OFF') : 'UNKN'),
        rep('RX_RF_LVL', pad(clamp(m.dbm + 128, 0, 115), 3)),
        rep('RF_ANTENNA', antennaStatus(ch)),
        rep('AUDIO_LVL', pad(clamp(m.dbfs + 50, 0, 50), 3)),
        rep('AUDIO_GAIN', '030'),
      ];
    case 'slxd':
      return [
        ...head(6, 'TX_TYPE', 'UNKNOWN'),
        rep('TX_BATT_BARS', pad(bars, 3)),
        rep('TX_BATT_MINS', pad(mins, 5)),
        rep('AUDIO_GAIN', '030'),
      ];
    case 'axtd':
      return [
        ...head(7, 'TX_MODEL', 'UNKNOWN'),
        rep('TX_BATT_BARS', pad(bars, 3)),
        rep('TX_BATT_CHARGE_PERCENT', pad(charge, 3)),
        rep('TX_BATT_MINS', pad(mins, 5)),
        rep('AUDIO_MUTE', 'OFF'),
        rep('TX_MUTE_MODE_STATUS', ch.online ? (ch.muted ? 'MUTE' : 'ON') : 'UNKNOWN'),
        rep('ANTENNA_STATUS', antennaStatus(ch)),
        rep('RSSI', `1 ${pad(clamp(m.dbm + 120, 0, 120), 3)}`),
        rep('AUDIO_LEVEL_RMS', pad(clamp(m.dbfs + 120, 0, 120), 3)),
      ];
    case 'uhfr':
      return [name, rep('TX_BAT', ch.online ? String(bars) : 'U'), rep('FREQUENCY', pad(khz, 6))];
    case 'p10t': {
      const level = ch.muted ? 0 : Math.round(ch.audioPercent * 25_000);
      return [
        name,
        rep('FREQUENCY', pad(khz, 6)),
        rep('AUDIO_IN_LVL_L', String(level)),
        rep('AUDIO_IN_LVL_R', String(level)),
      ];
    }
  }
}

/** One SAMPLE line of a channel, in the family's layout. */
function sampleLine(family: Family, ch: ChannelState, jitter: boolean): string | null {
  const m = meters(ch, jitter);
  const ant = antennaStatus(ch);
  const audio120 = pad(clamp(m.dbfs + 120, 0, 120), 3);
  const rf120 = pad(clamp(m.dbm + 120, 0, 120), 3);
  switch (family) {
    case 'ulxd':
    case 'qlxd':
      return `< SAMPLE ${ch.slot} ALL ${ant} ${pad(clamp(m.dbm + 128, 0, 115), 3)} ${pad(clamp(m.dbfs + 50, 0, 50), 3)} >`;
    case 'slxd':
      return `< SAMPLE ${ch.slot} ALL ${pad(clamp(m.dbfs + 126, 0, 120), 3)} ${audio120} ${rf120} >`;
    case 'axtd': {
      const other = pad(clamp(m.dbm + 110, 0, 120), 3);
      const [a, b] = ch.antenna === 'A' ? [rf120, other] : [other, rf120];
      const peak = pad(clamp(m.dbfs + 126, 0, 120), 3);
      return `< SAMPLE ${ch.slot} ALL ${ch.online ? '005' : '255'} 007 ${peak} ${audio120} ${ant} 031 ${a} 031 ${b} >`;
    }
    case 'uhfr': {
      const segments = m.dbfs <= -120 ? 0 : clamp(Math.round((m.dbfs + 48) / 6), 0, 8);
      const battery = ch.online ? String(Math.ceil(batteryNow(ch) / 20)) : 'U';
      return `* SAMPLE ${ch.slot} ALL ${ant} ${pad(clamp(-m.dbm, 0, 130), 3)} 0 ${battery} ${pad(2 ** segments - 1, 3)} *`;
    }
    case 'p10t':
      return null;
  }
}

/**
 * What a garbled receiver adds to its answers: noise and a SAMPLE in no family's layout; over UDP
 * also a datagram cut short.
 */
const GARBAGE = {
  tcp: ['#@!~ \u0007garbled 0x3f3f', '< SAMPLE 1 ALL ZZ 999 >'],
  udp: ['#@!~ \u0007garbled 0x3f3f', '* SAMPLE 1 ALL ZZ 999 *', '* REPORT 1 TX_BAT'],
};

/** Someone talking to the simulated receiver, with the meter timer their METER asked for. */
interface Peer {
  meter: NodeJS.Timeout | null;
  send(lines: string[]): void;
  drop(): void;
}

/** Starts one simulated Shure receiver on a local port (0: any free port). */
export async function startShureReceiver(opts: ShureReceiverOptions): Promise<SimulatedShureReceiver> {
  const known = modelInfo(opts.model);
  if (!known) throw new Error(`unknown Shure model ${opts.model}`);
  const info: ModelInfo & { model: string } = known;
  const family = info.family;
  const host = opts.host ?? '127.0.0.1';
  const state = initialState({ ...opts, channels: info.channels, model: info.model });
  const deviceId = opts.deviceId ?? state.serial;
  const faults: ShureFaults = {};
  // Whoever talks to the receiver: a TCP connection, or (UHF-R) a UDP sender's address and port.
  const peers = new Map<string, Peer>();

  const write = (peer: Peer, lines: string[], slow = true) => {
    if (lines.length === 0) return;
    const out = faults.garbled ? [...lines, ...GARBAGE[transport]] : lines;
    const send = () => peer.send(out);
    if (slow && faults.slow_ms) setTimeout(send, faults.slow_ms).unref();
    else send();
  };
  const broadcast = (lines: string[]) => {
    for (const peer of peers.values()) write(peer, lines, false);
  };
  const forget = (key: string) => {
    const peer = peers.get(key);
    if (peer?.meter) clearInterval(peer.meter);
    peer?.drop();
    peers.delete(key);
  };
  const deviceReports = (key: string): string[] | null => {
    const rep = (v: string) => [command(family, `${family === 'uhfr' ? 'REPORT' : 'REP'} ${key} ${v}`)];
    if (key === 'MODEL')
      // Older ULX-D, QLX-D and UHF-R firmware does not answer MODEL.
      return ['ulxd', 'qlxd', 'uhfr'].includes(family) ? null : rep(`{${info.model}}`);
    if (key === 'DEVICE_ID') return rep(`{${deviceId}}`);
    if (key === 'FW_VER') return rep(`{${state.firmware}}`);
    return null;
  };
  const channelOf = (n: number) => state.channels.find((c) => c.slot === n);

  function answer(peer: Peer, inner: string): string[] {
    const err = [command(family, 'REP ERR')];
    const w = inner.split(/\s+/);
    const n = Number(w[1]);
    if (w[0] === 'GET' && w.length === 3) {
      if (n === 0 && w[2] === 'ALL')
        return state.channels.flatMap((ch) => channelReports(family, ch, Date.now()));
      if (n === 0) return deviceReports(w[2]) ?? err;
      const ch = channelOf(n);
      if (!ch) return err;
      const all = channelReports(family, ch, Date.now());
      if (w[2] === 'ALL') return all;
      const one = all.filter((l) => l.split(/\s+/)[3] === w[2]);
      return one.length ? one : err;
    }
    if (w[0] === 'SET' && w[2] === 'METER_RATE' && w.length === 4 && family !== 'uhfr') {
      const ms = Number(w[3]);
      if (!Number.isInteger(ms) || ms < 0 || ms > 99999) return err;
      meter(peer, ms === 0 ? 0 : Math.max(100, ms));
      return [command(family, `REP ${w[1]} METER_RATE ${pad(ms, 5)}`)];
    }
    if (w[0] === 'METER' && family === 'uhfr' && w[2] === 'ALL') {
      meter(peer, w[3] === 'STOP' ? 0 : Math.max(100, Number(w[3]) * 30));
      return [];
    }
    return err;
  }

  function meter(peer: Peer, ms: number) {
    if (peer.meter) clearInterval(peer.meter);
    peer.meter = null;
    if (ms === 0) return;
    peer.meter = setInterval(() => {
      const lines = state.channels
        .map((ch) => sampleLine(family, ch, state.jitter))
        .filter((l): l is string => l !== null);
      write(peer, lines, false);
    }, ms);
    peer.meter.unref();
  }

  /** Answers what arrived from a peer; anything outside a frame gets the receiver's ERR. */
  function receive(peer: Peer, { frames, garbage }: { frames: string[]; garbage: string[] }) {
    const out = frames.flatMap((inner) => answer(peer, inner));
    if (garbage.length) out.push(command(family, 'REP ERR'));
    write(peer, out);
  }

  const transport = transportOf(family);
  const listener = transport === 'udp' ? await listenUdp() : await listenTcp();
  if (!opts.keepProcessAlive) listener.unref();
  const port = listener.port;

  async function listenTcp() {
    const server = net.createServer((socket) => {
      if (state.offline) return socket.destroy();
      socket.setEncoding('latin1');
      const key = `${socket.remoteAddress}|${socket.remotePort}`;
      const peer: Peer = {
        meter: null,
        send: (lines) => {
          if (!socket.destroyed) socket.write(lines.join('\r\n') + '\r\n');
        },
        drop: () => socket.destroy(),
      };
      peers.set(key, peer);
      const framer = new Framer();
      socket.on('data', (chunk: string) => receive(peer, framer.push(chunk)));
      socket.on('close', () => forget(key));
      socket.on('error', () => forget(key));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => resolve());
    });
    return {
      port: (server.address() as AddressInfo).port,
      unref: () => server.unref(),
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  async function listenUdp() {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (buf, from) => {
      // A receiver without power hears nothing and says nothing.
      if (state.offline) return;
      const key = `${from.address}|${from.port}`;
      let peer = peers.get(key);
      if (!peer) {
        peer = {
          meter: null,
          // One message per datagram, to the port the question came from.
          send: (lines) => {
            for (const line of lines) socket.send(line, from.port, from.address);
          },
          drop: () => {},
        };
        peers.set(key, peer);
      }
      if (faults.drop_next) {
        faults.drop_next--;
        return;
      }
      receive(peer, splitDatagram(buf.toString('latin1')));
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(opts.port ?? 0, host, () => resolve());
    });
    return {
      port: socket.address().port,
      unref: () => socket.unref(),
      close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
    };
  }

  return {
    host,
    port,
    model: info.model,
    family,
    state,
    faults,
    connections: () => peers.size,
    control(cmd) {
      const { garbled, slow_ms, drop_next, name, ...rest } = cmd;
      if (garbled !== undefined) faults.garbled = garbled;
      if (drop_next !== undefined) faults.drop_next = drop_next;
      if (slow_ms !== undefined) faults.slow_ms = slow_ms;
      const refused = applyControl(state, rest);
      if (refused) throw new Error(refused);
      if (name !== undefined)
        for (const ch of state.channels)
          if (rest.channel === undefined || ch.slot === rest.channel) ch.name = name;
      if (state.offline) {
        for (const key of [...peers.keys()]) forget(key);
        return;
      }
      // Receivers report a changed value on their own, to every connection.
      const changed = state.channels.filter((c) => rest.channel === undefined || c.slot === rest.channel);
      broadcast(changed.flatMap((ch) => channelReports(family, ch, Date.now())));
    },
    announce: (target) =>
      sendAnnouncement(host, target, shureSrvReg({ family, model: info.model, name: deviceId, host, port })),
    close: () => {
      for (const key of [...peers.keys()]) forget(key);
      return listener.close();
    },
  };
}
