import { z } from 'zod';

/**
 * What a receiver adapter must do, whatever the vendor's protocol: read a receiver's channels once
 * (a poll), keep a telemetry stream open (pushed meters), and say what the receiver is (discovery,
 * manual add). Every adapter produces the same `ChannelReading`, which telemetry.ts turns into unit
 * state, history and alerts; a vendor is one folder under adapters/.
 */

export const PROTOCOLS = ['roster-json', 'shure', 'sennheiser', 'sennheiser-sscv2'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Who makes the receivers of each protocol: a discovered receiver's chassis gets it as manufacturer. */
export const MANUFACTURERS: Record<Protocol, string> = {
  'roster-json': 'Roster',
  shure: 'Shure',
  sennheiser: 'Sennheiser',
  'sennheiser-sscv2': 'Sennheiser',
};

/** One channel as a receiver reports it, polled or pushed, in vendor-neutral units. */
export const channelReading = z.object({
  slot: z.number().int().min(0),
  /** The transmitter is on and linked to the channel. */
  online: z.boolean(),
  muted: z.boolean(),
  battery: z
    .object({
      bars: z.number().int().min(0).max(5),
      percent: z.number().min(0).max(100),
      /** Null while the receiver does not know it (no transmitter data yet, still calculating). */
      runtime_minutes: z.number().min(0).nullable(),
    })
    .nullable(),
  rf: z
    .object({
      level_percent: z.number().min(0).max(100),
      level_dbm: z.number(),
      /** The antenna receiving (A/B), null for receivers that do not say. */
      antenna: z.string().max(8).nullable(),
    })
    .nullable(),
  audio: z
    .object({
      level_percent: z.number().min(0).max(100),
      level_dbfs: z.number(),
      /** The peak of the last metering period, for receivers that report it. */
      peak_dbfs: z.number().optional(),
    })
    .nullable(),
  /** What the receiver calls the channel, its frequency and the transmitter model, when it says. */
  name: z.string().max(64).optional(),
  frequency_mhz: z.number().min(0).max(10_000).optional(),
  tx_type: z.string().max(32).nullable().optional(),
  /** `iem`: an in-ear monitor transmitter channel (no battery or RF to read back). */
  kind: z.enum(['mic', 'iem']).optional(),
});
export type ChannelReading = z.infer<typeof channelReading>;

/** The receiver as the poller knows it: where it is, how it speaks, how it has been answering. */
export type ChassisRow = {
  id: string;
  name: string;
  ip: string;
  port: number;
  protocol: Protocol;
  model: string;
  missedPolls: number;
  isOnline: boolean;
};

export type Reading =
  | { kind: 'ok'; channels: Map<number, ChannelReading | 'malformed'> }
  | { kind: 'unreachable'; error: string }
  | { kind: 'malformed'; error: string };

/** What a receiver says it is. */
export interface Identity {
  protocol: Protocol;
  model: string;
  channels: number;
  name: string;
  serial: string | null;
  firmware: string;
}

/** What a telemetry stream tells its owner (subscriptions.ts). */
export interface StreamEvents {
  /** The receiver answered: the stream is live. */
  open(): void;
  channel(slot: number, reading: ChannelReading): void;
  /** Something unusable arrived; the stream carries on. */
  malformed(reason: 'device' | 'channel', context: Record<string, unknown>, message: string): void;
  /** The stream ended; `unsupported`: the receiver offers none, ask again much later. */
  closed(reason: string, unsupported?: boolean): void;
}

export interface StreamOptions {
  orgId: string;
  /** A stream silent for this long is dropped. */
  stallMs: number;
  /** Metering period asked of the receiver. */
  sampleMs: number;
}

export interface ReadOptions {
  orgId: string;
  timeoutMs: number;
  /** Unusable input that belongs to no channel (a garbled line): logged once and counted. */
  onMalformed?: (context: Record<string, unknown>, message: string) => void;
}

export interface ReceiverAdapter {
  protocol: Protocol;
  /** Port a receiver of this protocol listens on when none is configured. */
  defaultPort: number;
  /** One read of every channel; never throws (an unreachable receiver is a reading too). */
  read(c: ChassisRow, opts: ReadOptions): Promise<Reading>;
  /** Opens a telemetry stream; events arrive until `close()` or `closed`. */
  subscribe(c: ChassisRow, opts: StreamOptions, events: StreamEvents): { close(): void };
  /** Asks the receiver what it is; throws when it cannot be reached or does not answer. */
  identify(
    host: string,
    port: number,
    opts: { orgId?: string; timeoutMs: number; modelHint?: string },
  ): Promise<Identity>;
}

/** A channel that parsed, one with a slot but unusable values, or no slot at all. */
export function parseChannel(raw: unknown): ChannelReading | 'malformed' | null {
  const ch = channelReading.safeParse(raw);
  if (ch.success) return ch.data;
  const slot = (raw as { slot?: unknown } | null)?.slot;
  return typeof slot === 'number' ? 'malformed' : null;
}
