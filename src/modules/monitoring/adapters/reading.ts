import type { ChannelReading } from './types.ts';

/**
 * From what a receiver said of a microphone channel, in real units, to the vendor-neutral reading
 * the wall shows: every vendor's protocol file fills a `MicChannel` and calls `micReading`.
 */

export interface MicChannel {
  /** The transmitter is on and linked. */
  online: boolean;
  muted: boolean;
  battery: { bars: number; percent: number; runtimeMinutes: number | null } | null;
  rfDbm?: number;
  antenna?: string | null;
  audioDbfs?: number;
  peakDbfs?: number;
  name?: string;
  frequencyMhz?: number;
  txType?: string | null;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
/** dBm to the wall's percent: −100 dBm (nothing) … −20 dBm (next to the antenna). */
export const rfPercent = (dbm: number) => clamp(Math.round((dbm + 100) / 0.8), 0, 100);
/** dBFS to percent over a meter's −60…0 dBFS. */
export const audioPercent = (dbfs: number) => clamp(Math.round((dbfs + 60) / 0.6), 0, 100);

/** What the receiver calls the channel, its frequency and transmitter model, only when it said. */
export function channelExtras(ch: Pick<MicChannel, 'name' | 'frequencyMhz' | 'txType'>) {
  return {
    ...(ch.name !== undefined ? { name: ch.name } : {}),
    ...(ch.frequencyMhz !== undefined ? { frequency_mhz: ch.frequencyMhz } : {}),
    ...(ch.txType !== undefined ? { tx_type: ch.txType } : {}),
  };
}

/** A microphone channel as the rest of Roster reads it; a channel without transmitter has no meters. */
export function micReading(slot: number, ch: MicChannel): ChannelReading {
  const { online, muted } = ch;
  const extras = channelExtras(ch);
  if (!online) return { slot, kind: 'mic', online, muted, battery: null, rf: null, audio: null, ...extras };
  const b = ch.battery;
  return {
    slot,
    kind: 'mic',
    online,
    muted,
    battery: b === null ? null : { bars: b.bars, percent: b.percent, runtime_minutes: b.runtimeMinutes },
    rf:
      ch.rfDbm === undefined
        ? null
        : { level_percent: rfPercent(ch.rfDbm), level_dbm: ch.rfDbm, antenna: ch.antenna ?? null },
    audio:
      ch.audioDbfs === undefined
        ? null
        : {
            level_percent: muted ? 0 : audioPercent(ch.audioDbfs),
            level_dbfs: ch.audioDbfs,
            ...(ch.peakDbfs !== undefined ? { peak_dbfs: ch.peakDbfs } : {}),
          },
    ...extras,
  };
}
