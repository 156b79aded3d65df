import type { ChannelReading } from '../types.ts';
import { channelExtras, micReading } from '../reading.ts';

/**
 * Shure's ASCII command strings, as networked Shure receivers speak them on TCP port 2202:
 * `< GET 1 BATT_BARS >` asks, `< REP 1 BATT_BARS 004 >` answers (also unsolicited, when a value
 * changes), `< SET 1 METER_RATE 01000 >` starts `< SAMPLE 1 ALL … >` meter lines every second,
 * `< REP ERR >` refuses a command. UHF-R frames the same words with asterisks (`* GET 1 TX_BAT *`).
 * Channel 0 means the device (or every channel, for SET).
 *
 * Families differ in command names and SAMPLE layouts; this file knows them and turns whatever a
 * receiver said into vendor-neutral channel readings.
 */

export type Family = 'ulxd' | 'qlxd' | 'slxd' | 'axtd' | 'uhfr' | 'p10t';

export interface ModelInfo {
  family: Family;
  channels: number;
  /** What the receiver tells; `iem` = PSM 1000 in-ear transmitter. */
  kind: 'mic' | 'iem';
}

/** Receivers by model name as `GET 0 MODEL` answers it (or as configured on the chassis). */
export const MODELS: Record<string, ModelInfo> = {
  ULXD4: { family: 'ulxd', channels: 1, kind: 'mic' },
  ULXD4D: { family: 'ulxd', channels: 2, kind: 'mic' },
  ULXD4Q: { family: 'ulxd', channels: 4, kind: 'mic' },
  QLXD4: { family: 'qlxd', channels: 1, kind: 'mic' },
  SLXD4: { family: 'slxd', channels: 1, kind: 'mic' },
  SLXD4D: { family: 'slxd', channels: 2, kind: 'mic' },
  AD4D: { family: 'axtd', channels: 2, kind: 'mic' },
  AD4Q: { family: 'axtd', channels: 4, kind: 'mic' },
  UR4S: { family: 'uhfr', channels: 1, kind: 'mic' },
  UR4D: { family: 'uhfr', channels: 2, kind: 'mic' },
  P10T: { family: 'p10t', channels: 2, kind: 'iem' },
};

/** The model as written by people (`ULXD4Q=-G50`, `ad4q`, `PSM1000`) in the table's spelling. */
export function modelInfo(model: string): (ModelInfo & { model: string }) | null {
  const key = model.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (MODELS[key]) return { ...MODELS[key], model: key };
  if (key.startsWith('PSM1000') || key.startsWith('P10T')) return { ...MODELS.P10T, model: 'P10T' };
  const prefix = Object.keys(MODELS)
    .sort((a, b) => b.length - a.length)
    .find((m) => key.startsWith(m));
  return prefix ? { ...MODELS[prefix], model: prefix } : null;
}

/** The family tokens Shure's discovery announcements name receivers by. */
export const ANNOUNCE_TYPES: Record<Family, string> = {
  ulxd: 'ULXD',
  qlxd: 'QLXD',
  slxd: 'SLXD',
  axtd: 'AXTD',
  uhfr: 'UHFR',
  p10t: 'P10T',
};

/** The family of a model name or of a discovery token (`AXTD`). */
export function familyOf(nameOrToken: string): Family | null {
  const token = nameOrToken.toUpperCase();
  const byToken = (Object.keys(ANNOUNCE_TYPES) as Family[]).find((f) => ANNOUNCE_TYPES[f] === token);
  return byToken ?? modelInfo(nameOrToken)?.family ?? null;
}

export const framing = (family: Family) => (family === 'uhfr' ? '*' : '<');

/**
 * UHF-R receivers take their command strings as UDP datagrams on port 2202 (one message each,
 * answered to the sender's port); every later family keeps a TCP connection on the same port.
 */
export const transportOf = (family: Family): 'tcp' | 'udp' => (family === 'uhfr' ? 'udp' : 'tcp');

/** A UHF-R datagram larger than this is not one of its messages (they take a few dozen bytes). */
export const MAX_DATAGRAM = 1024;

/** A command in the family's framing. */
export function command(family: Family, words: string): string {
  return framing(family) === '*' ? `* ${words} *` : `< ${words} >`;
}

/** The commands that read every value the wall shows of one channel. */
export function readCommands(family: Family, channel: number): string[] {
  if (family === 'uhfr')
    return ['CHAN_NAME', 'TX_BAT', 'FREQUENCY'].map((k) => command(family, `GET ${channel} ${k}`));
  return [command(family, `GET ${channel} ALL`)];
}

/** Starts (or, with 0, stops) SAMPLE lines for every channel, `ms` apart. */
export function meterCommands(family: Family, channels: number, ms: number): string[] {
  if (family === 'p10t') return [];
  if (family === 'uhfr')
    // UHF-R counts its metering period in 30 ms ticks.
    return Array.from({ length: channels }, (_, i) =>
      ms === 0
        ? command(family, `METER ${i + 1} ALL STOP`)
        : command(family, `METER ${i + 1} ALL ${String(Math.max(1, Math.round(ms / 30))).padStart(3, '0')}`),
    );
  return [command(family, `SET 0 METER_RATE ${String(ms).padStart(5, '0')}`)];
}

export type Message =
  | { type: 'rep'; channel: number | null; key: string; value: string; args: string[] }
  | { type: 'sample'; channel: number; fields: string[] }
  | { type: 'err' };

/** Splits a received byte stream into framed messages; what is outside any frame is garbage. */
export class Framer {
  private buffer = '';
  constructor(private readonly maxChars = 64 * 1024) {}

  /** Messages (inner text) and garbage found in `chunk` plus what was left over. */
  push(chunk: string): { frames: string[]; garbage: string[]; overflow: boolean } {
    this.buffer += chunk;
    const frames: string[] = [];
    const garbage: string[] = [];
    let i = 0;
    const b = this.buffer;
    while (i < b.length) {
      const c = b[i];
      if (c === ' ' || c === '\r' || c === '\n' || c === '\t') {
        i++;
        continue;
      }
      if (c === '<' || c === '*') {
        const close = b.indexOf(c === '<' ? '>' : '*', i + 1);
        if (close < 0) break;
        const inner = b.slice(i + 1, close);
        // A frame never spans lines: a newline inside means the opening was garbage.
        const nl = inner.search(/[\r\n]/);
        if (nl >= 0) {
          garbage.push(b.slice(i, i + 1 + nl).trim());
          i = i + 1 + nl;
          continue;
        }
        frames.push(inner.trim());
        i = close + 1;
        continue;
      }
      // Garbage runs to the next frame start or line end.
      let end = i;
      while (end < b.length && b[end] !== '<' && b[end] !== '*' && b[end] !== '\n') end++;
      if (end === b.length && b.length - i < 256) break;
      garbage.push(b.slice(i, end).trim());
      i = end;
    }
    this.buffer = b.slice(i);
    const overflow = this.buffer.length > this.maxChars;
    if (overflow) this.buffer = '';
    return { frames, garbage: garbage.filter(Boolean), overflow };
  }

  /** What is left unterminated, as garbage (a datagram holds whole messages); the buffer empties. */
  end(): string | null {
    const rest = this.buffer.trim();
    this.buffer = '';
    return rest || null;
  }
}

/** The messages of one datagram, read on its own: what it leaves unterminated is garbage. */
export function splitDatagram(text: string): { frames: string[]; garbage: string[] } {
  const framer = new Framer();
  const { frames, garbage } = framer.push(text);
  const rest = framer.end();
  return { frames, garbage: rest ? [...garbage, rest] : garbage };
}

/** Words of a frame; `{…}` (names with spaces) is one word, braces kept off. */
function words(inner: string): string[] {
  const out: string[] = [];
  const re = /\{([^}]*)\}|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(inner))) out.push(m[1] !== undefined ? m[1].trim() : m[2]);
  return out;
}

/** One frame's meaning, or null when it is not a message this adapter understands. */
export function parseMessage(inner: string): Message | null {
  const w = words(inner);
  const type = w[0];
  if (type === 'REP' && w[1] === 'ERR') return { type: 'err' };
  if (type === 'REP' || type === 'REPORT') {
    if (w.length < 3) return null;
    if (/^\d+$/.test(w[1])) {
      if (w.length < 3) return null;
      return { type: 'rep', channel: Number(w[1]), key: w[2], value: w.slice(3).join(' '), args: w.slice(3) };
    }
    return { type: 'rep', channel: null, key: w[1], value: w.slice(2).join(' '), args: w.slice(2) };
  }
  if (type === 'SAMPLE') {
    if (w.length < 4 || !/^\d+$/.test(w[1]) || w[2] !== 'ALL') return null;
    return { type: 'sample', channel: Number(w[1]), fields: w.slice(3) };
  }
  return null;
}

/** What is known of one channel, updated by every REP and SAMPLE about it. */
export interface ChannelState {
  name?: string;
  frequencyMhz?: number;
  txType?: string | null;
  batteryBars?: number | null;
  batteryPercent?: number | null;
  runtimeMinutes?: number | null;
  rfDbm?: number;
  antenna?: string | null;
  audioDbfs?: number;
  peakDbfs?: number;
  rxMuted?: boolean;
  txMuted?: boolean;
  /** PSM 1000: input meters of the two sides, on Micboard's 0–80 scale. */
  iemLeft?: number;
  iemRight?: number;
}

/** A value outside what its key allows. */
const BAD: unique symbol = Symbol('bad');
type Bad = typeof BAD;

const int = (v: string | undefined) => (v !== undefined && /^-?\d+$/.test(v) ? Number(v) : NaN);

/** Battery bars: 0–5, 255 (or UHF-R's `U`) = no transmitter data. */
function bars(v: string): number | null | Bad {
  if (v === 'U') return null;
  const n = int(v);
  if (n === 255) return null;
  return n >= 0 && n <= 5 ? n : BAD;
}

/** `BATT_CHARGE` / `TX_BATT_CHARGE_PERCENT`: 0–100, 255 = unknown. */
function percent(v: string): number | null | Bad {
  const n = int(v);
  if (n === 255) return null;
  return n >= 0 && n <= 100 ? n : BAD;
}

/** Runtime minutes: 65535 unknown, 65534 still calculating, 65533 transmitter communication warning. */
function minutes(v: string): number | null | Bad {
  const n = int(v);
  if (n >= 65533 && n <= 65535) return null;
  return n >= 0 && n < 65533 ? n : BAD;
}

/** FREQUENCY in kHz, six digits (`470125` = 470.125 MHz); Axient pads to seven. */
function frequency(v: string): number | Bad {
  const n = int(v);
  return /^\d{6,7}$/.test(v) && n > 0 ? n / 1000 : BAD;
}

/** ULX-D/QLX-D RF level 0–115, dBm = value − 128 (RX_RF_LVL and SAMPLE). */
const ulxRf = (v: string): number | Bad => {
  const n = int(v);
  return n >= 0 && n <= 115 ? n - 128 : BAD;
};
/** ULX-D/QLX-D audio level 0–50, dBFS = value − 50. */
const ulxAudio = (v: string): number | Bad => {
  const n = int(v);
  return n >= 0 && n <= 50 ? n - 50 : BAD;
};
/** Axient Digital and SLX-D meters: 0–120 with a 120 offset (dBFS for audio, dBm for RF). */
const offset120 = (v: string): number | Bad => {
  const n = int(v);
  return n >= 0 && n <= 120 ? n - 120 : BAD;
};
/** UHF-R's audio meter is a bitmap of lit segments (0, 1, 3, 7 … 255). */
const UHFR_AUDIO: Record<number, number> = { 0: 0, 1: 1, 3: 2, 7: 3, 15: 4, 31: 5, 63: 6, 127: 7, 255: 8 };
/** PSM 1000 input meter thresholds (raw linear value → level on a 0–80 scale). */
const IEM_STEPS = [10272, 23728, 85488, 246260, 641928, 1588744, 2157767, 2502970];
function iemLevel(v: string): number | Bad {
  const n = int(v);
  if (!(n >= 0)) return BAD;
  return IEM_STEPS.filter((s) => n >= s).length * 10;
}

function onOff(v: string): boolean | null | Bad {
  if (v === 'ON' || v === 'MUTE') return true;
  if (v === 'OFF') return false;
  if (v === 'UNKN' || v === 'UNKNOWN') return null;
  return BAD;
}

/** Applies a REP to a channel; false when the value is not what the key allows (a malformed line). */
export function applyReport(family: Family, ch: ChannelState, key: string, value: string): boolean {
  const set = <K extends keyof ChannelState>(k: K, v: ChannelState[K] | Bad): boolean => {
    if (v === BAD) return false;
    ch[k] = v;
    return true;
  };
  switch (key) {
    case 'CHAN_NAME':
      return set('name', value.slice(0, 64));
    case 'FREQUENCY':
      return set('frequencyMhz', frequency(value));
    case 'TX_TYPE':
    case 'TX_MODEL': {
      if (!/^[A-Z0-9_+-]{1,32}$/.test(value)) return false;
      return set('txType', value === 'UNKN' || value === 'UNKNOWN' ? null : value);
    }
    case 'BATT_BARS':
    case 'TX_BATT_BARS':
    case 'TX_BAT':
      return set('batteryBars', bars(value));
    case 'BATT_CHARGE':
    case 'TX_BATT_CHARGE_PERCENT':
      return set('batteryPercent', percent(value));
    case 'BATT_RUN_TIME':
    case 'TX_BATT_MINS':
      return set('runtimeMinutes', minutes(value));
    case 'RX_RF_LVL':
      return set('rfDbm', family === 'ulxd' || family === 'qlxd' ? ulxRf(value) : offset120(value));
    case 'RSSI':
      // Axient names the antenna before the level (`RSSI 1 085`); the level is the last word.
      return set('rfDbm', offset120(value.split(' ').at(-1) ?? ''));
    case 'RF_ANTENNA':
    case 'ANTENNA_STATUS':
      return /^[ABXR]{2,4}$/.test(value) ? set('antenna', antennaOf(value)) : false;
    case 'AUDIO_LVL':
      return set('audioDbfs', ulxAudio(value));
    case 'AUDIO_LEVEL_RMS':
      return set('audioDbfs', offset120(value));
    case 'AUDIO_LEVEL_PEAK':
      return set('peakDbfs', offset120(value));
    case 'AUDIO_MUTE': {
      const m = onOff(value);
      return m === BAD ? false : set('rxMuted', m === true);
    }
    case 'TX_MUTE_STATUS':
    case 'TX_MUTE_MODE_STATUS': {
      // Axient says ON for a live transmitter and MUTE for a muted one.
      const m = key === 'TX_MUTE_MODE_STATUS' && value === 'ON' ? false : onOff(value);
      return m === BAD ? false : set('txMuted', m === true);
    }
    case 'AUDIO_IN_LVL_L':
      return set('iemLeft', iemLevel(value));
    case 'AUDIO_IN_LVL_R':
      return set('iemRight', iemLevel(value));
    default:
      // Everything else a receiver reports (gain, locks, encryption …) is not on the wall.
      return true;
  }
}

/** `AX` = antenna A receiving, `XB` = B, `XX` = none (Axient adds C/D with quadversity). */
function antennaOf(status: string): string | null {
  const letters = 'ABCD';
  const active = [...status].map((c, i) => (c === 'A' || c === 'B' ? letters[i] : null)).filter(Boolean);
  return active.length ? active.join('') : null;
}

/** Applies a SAMPLE line's fields (after `SAMPLE n ALL`); false when its layout is not the family's. */
export function applySample(family: Family, ch: ChannelState, f: string[]): boolean {
  const all = (values: (number | Bad)[]): values is number[] => values.every((v) => v !== BAD);
  switch (family) {
    case 'ulxd':
    case 'qlxd': {
      // antenna, RF level, audio level
      if (f.length !== 3 || !/^[ABX]{2}$/.test(f[0])) return false;
      const v: (number | Bad)[] = [ulxRf(f[1]), ulxAudio(f[2])];
      if (!all(v)) return false;
      [ch.rfDbm, ch.audioDbfs] = v;
      ch.peakDbfs = undefined;
      ch.antenna = antennaOf(f[0]);
      return true;
    }
    case 'slxd': {
      // audio peak, audio RMS, RSSI
      if (f.length !== 3) return false;
      const v: (number | Bad)[] = [offset120(f[0]), offset120(f[1]), offset120(f[2])];
      if (!all(v)) return false;
      [ch.peakDbfs, ch.audioDbfs, ch.rfDbm] = v;
      return true;
    }
    case 'axtd': {
      // quality, audio LED bitmap, audio peak, audio RMS, antenna status, then per antenna
      // (A, B, and C, D with quadversity): RF bitmap, RSSI.
      if ((f.length !== 9 && f.length !== 13) || !/^[ABXR]{2,4}$/.test(f[4])) return false;
      const rssi: (number | Bad)[] = [];
      for (let i = 6; i < f.length; i += 2) rssi.push(offset120(f[i]));
      const v: (number | Bad)[] = [offset120(f[2]), offset120(f[3]), ...rssi];
      if (!all(v) || !(int(f[0]) >= 0 && int(f[0]) <= 255)) return false;
      ch.peakDbfs = v[0];
      ch.audioDbfs = v[1];
      // Diversity: the wall shows the strongest antenna's level.
      ch.rfDbm = Math.max(...v.slice(2));
      ch.antenna = antennaOf(f[4]);
      return true;
    }
    case 'uhfr': {
      // antenna, RF (−dBm), squelch flag, battery bars, audio bitmap
      if (f.length < 5 || !/^[ABX]{2}$/.test(f[0])) return false;
      const rf = int(f[1]);
      const b = bars(f[3]);
      const audio = UHFR_AUDIO[int(f[4])];
      if (!(rf >= 0 && rf <= 130) || b === BAD || audio === undefined) return false;
      ch.rfDbm = -rf;
      ch.batteryBars = b;
      // Eight segments over the meter's −48…0 dBFS.
      ch.audioDbfs = audio === 0 ? -120 : -48 + audio * 6;
      ch.antenna = antennaOf(f[0]);
      return true;
    }
    case 'p10t':
      return false;
  }
}

/** The channel as the rest of Roster reads it. */
export function toReading(family: Family, slot: number, ch: ChannelState): ChannelReading {
  if (family === 'p10t') {
    const level = Math.max(ch.iemLeft ?? 0, ch.iemRight ?? 0);
    return {
      slot,
      kind: 'iem',
      online: true,
      muted: ch.rxMuted === true,
      battery: null,
      rf: null,
      audio: { level_percent: Math.round((level / 80) * 100), level_dbfs: level === 0 ? -120 : level - 80 },
      ...channelExtras(ch),
    };
  }
  // A transmitter that is off reports no type and no battery (255/UNKN).
  const online =
    ch.txType !== undefined && family !== 'uhfr' ? ch.txType !== null : (ch.batteryBars ?? null) !== null;
  const bars = ch.batteryBars ?? null;
  return micReading(slot, {
    ...ch,
    online,
    muted: ch.rxMuted === true || ch.txMuted === true,
    battery:
      bars === null
        ? null
        : {
            bars,
            // Without a charge reading (alkaline cells), bars are the only measure: 20 % each.
            percent: ch.batteryPercent ?? bars * 20,
            runtimeMinutes: ch.runtimeMinutes ?? null,
          },
  });
}

/** A receiver's state as its messages build it up. */
export class DeviceState {
  readonly channels = new Map<number, ChannelState>();
  readonly device: Record<string, string> = {};
  constructor(public family: Family) {}

  channel(n: number): ChannelState {
    let ch = this.channels.get(n);
    if (!ch) this.channels.set(n, (ch = {}));
    return ch;
  }

  /**
   * Applies one message; returns the channel it changed (0 for device-level), or 'malformed'
   * with why, or null for a message that changes nothing on the wall.
   */
  apply(m: Message): number | null | { malformed: string } {
    if (m.type === 'err') return null;
    if (m.type === 'rep' && (m.channel === null || m.channel === 0)) {
      this.device[m.key] = m.value;
      return 0;
    }
    const n = m.channel!;
    if (n < 1 || n > 64) return { malformed: `channel ${n} out of range` };
    if (m.type === 'rep')
      return applyReport(this.family, this.channel(n), m.key, m.value)
        ? n
        : { malformed: `bad ${m.key} value` };
    return applySample(this.family, this.channel(n), m.fields)
      ? n
      : { malformed: `SAMPLE not in the ${this.family} layout` };
  }
}
