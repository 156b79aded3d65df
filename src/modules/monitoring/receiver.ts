import { z } from 'zod';
import { outboundGet } from '../../core/net/outbound.ts';

/**
 * The receiver protocol: what a wireless receiver answers about its channels, read over HTTP
 * (`GET /api/v1/device`, the whole device) or pushed as NDJSON lines (one channel per line). The
 * simulator (simulator.ts) is its producing side; the poller and the subscriptions consume it, and
 * telemetry.ts turns the readings into unit state and alerts.
 */

/** One channel as a receiver reports it, polled or pushed. */
export const channelReading = z.object({
  slot: z.number().int().min(0),
  online: z.boolean(),
  muted: z.boolean(),
  battery: z
    .object({
      bars: z.number().int().min(0).max(5),
      percent: z.number().min(0).max(100),
      runtime_minutes: z.number().min(0),
    })
    .nullable(),
  rf: z
    .object({ level_percent: z.number().min(0).max(100), level_dbm: z.number(), antenna: z.string().max(8) })
    .nullable(),
  audio: z.object({ level_percent: z.number().min(0).max(100), level_dbfs: z.number() }).nullable(),
});
export type ChannelReading = z.infer<typeof channelReading>;

/**
 * A channel that parsed, one with a slot but unusable values, or no slot at all (nothing to
 * attribute it to).
 */
export function parseChannel(raw: unknown): ChannelReading | 'malformed' | null {
  const ch = channelReading.safeParse(raw);
  if (ch.success) return ch.data;
  const slot = (raw as { slot?: unknown } | null)?.slot;
  return typeof slot === 'number' ? 'malformed' : null;
}

export type ChassisRow = {
  id: string;
  name: string;
  ip: string;
  port: number;
  missedPolls: number;
  isOnline: boolean;
};
export type Reading =
  | { kind: 'ok'; channels: Map<number, ChannelReading | 'malformed'> }
  | { kind: 'unreachable'; error: string }
  | { kind: 'malformed'; error: string };

const deviceReading = z.object({ channels: z.array(z.unknown()) });

/** A device answer longer than this is not a receiver's (64 channels take a few kilobytes). */
const MAX_DEVICE_BYTES = 1024 * 1024;

/**
 * One read of a receiver's whole device answer; a receiver that does not answer within
 * `timeoutMs` is unreachable (a missed poll). So is one whose address the outbound rule refuses
 * (core/net/outbound.ts): the org sees its receiver offline, the reason is in the server log only.
 */
export async function readDevice(c: ChassisRow, timeoutMs: number, orgId: string): Promise<Reading> {
  let body: string;
  try {
    const res = await outboundGet(c.ip, c.port, '/api/v1/device', {
      scope: { orgId },
      timeoutMs,
      maxBytes: MAX_DEVICE_BYTES,
    });
    if (res.status < 200 || res.status > 299) return { kind: 'unreachable', error: `HTTP ${res.status}` };
    body = res.body;
  } catch (err) {
    return { kind: 'unreachable', error: (err as Error).message };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { kind: 'malformed', error: 'not JSON' };
  }
  const device = deviceReading.safeParse(parsed);
  if (!device.success) return { kind: 'malformed', error: 'no channel list' };
  const channels = new Map<number, ChannelReading | 'malformed'>();
  for (const raw of device.data.channels) {
    const ch = parseChannel(raw);
    if (ch === null) return { kind: 'malformed', error: 'channel without a slot' };
    channels.set((raw as { slot: number }).slot, ch);
  }
  return { kind: 'ok', channels };
}
