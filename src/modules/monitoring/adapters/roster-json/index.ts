import http from 'node:http';
import { z } from 'zod';
import { outboundGet, outboundRequestOptions } from '../../../../core/net/outbound.ts';
import {
  parseChannel,
  type ChannelReading,
  type ReceiverAdapter,
  type Reading,
  type StreamEvents,
} from '../types.ts';

/**
 * Roster's own JSON device API: `GET /api/v1/device` (the whole device) and `GET /api/v1/subscribe`
 * (NDJSON, one channel per line). The built-in simulator (simulator.ts) speaks it.
 */

const deviceReading = z.object({
  channels: z.array(z.unknown()),
  model: z.string().max(64).optional(),
  serial: z.string().max(128).optional(),
  firmware: z.string().max(64).optional(),
  name: z.string().max(128).optional(),
});

/** A device answer longer than this is not a receiver's (64 channels take a few kilobytes). */
const MAX_DEVICE_BYTES = 1024 * 1024;
/** A pushed line is one channel, well under a kilobyte: longer means this is not a receiver. */
const MAX_LINE_CHARS = 64 * 1024;
const UNSUPPORTED = new Set([404, 405, 501]);

async function fetchDevice(
  host: string,
  port: number,
  orgId: string | undefined,
  timeoutMs: number,
): Promise<{ kind: 'ok'; device: z.infer<typeof deviceReading> } | Exclude<Reading, { kind: 'ok' }>> {
  let body: string;
  try {
    const res = await outboundGet(host, port, '/api/v1/device', {
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
  return { kind: 'ok', device: device.data };
}

export const rosterJsonAdapter: ReceiverAdapter = {
  protocol: 'roster-json',
  defaultPort: 80,

  /**
   * A receiver that does not answer within the timeout is unreachable (a missed poll); so is one
   * whose address the outbound rule refuses: the org sees it offline, the reason is in the log only.
   */
  async read(c, opts) {
    const answer = await fetchDevice(c.ip, c.port, opts.orgId, opts.timeoutMs);
    if (answer.kind !== 'ok') return answer;
    const channels = new Map<number, ChannelReading | 'malformed'>();
    for (const raw of answer.device.channels) {
      const ch = parseChannel(raw);
      if (ch === null) return { kind: 'malformed', error: 'channel without a slot' };
      channels.set((raw as { slot: number }).slot, ch);
    }
    return { kind: 'ok', channels };
  },

  subscribe(c, opts, events: StreamEvents) {
    let request: http.ClientRequest | null = null;
    let done = false;
    const end = (reason: string, unsupported = false) => {
      if (done) return;
      done = true;
      request?.destroy();
      events.closed(reason, unsupported);
    };
    const receive = (line: string) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return events.malformed(
          'device',
          { line: line.slice(0, 200) },
          'malformed pushed telemetry: not JSON',
        );
      }
      const reading = parseChannel(parsed);
      if (reading === null)
        return events.malformed(
          'device',
          { line: line.slice(0, 200) },
          'malformed pushed telemetry: no slot',
        );
      const slot = (parsed as { slot: number }).slot;
      if (reading === 'malformed')
        return events.malformed('channel', { slot }, 'malformed pushed channel telemetry');
      events.channel(slot, reading);
    };
    outboundRequestOptions(c.ip, c.port, { orgId: opts.orgId }).then(
      (target) => {
        if (done) return;
        const req = http.get({
          ...target,
          path: '/api/v1/subscribe',
          headers: { accept: 'application/x-ndjson' },
        });
        request = req;
        // Socket idle time: covers both a receiver that never answers and a stream that goes quiet.
        req.setTimeout(opts.stallMs, () => req.destroy(new Error(`no telemetry for ${opts.stallMs} ms`)));
        req.on('error', (err) => end(err.message));
        req.on('response', (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            return end(`HTTP ${res.statusCode}`, UNSUPPORTED.has(res.statusCode ?? 0));
          }
          events.open();
          let buffer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            let at: number;
            while (!done && (at = buffer.indexOf('\n')) >= 0) {
              const line = buffer.slice(0, at).trim();
              buffer = buffer.slice(at + 1);
              if (line) receive(line);
            }
            if (buffer.length > MAX_LINE_CHARS) end(`a pushed line longer than ${MAX_LINE_CHARS} characters`);
          });
          res.on('close', () => end('stream closed by the receiver'));
        });
      },
      (err: Error) => end(err.message),
    );
    return {
      close() {
        done = true;
        request?.destroy();
      },
    };
  },

  async identify(host, port, opts) {
    const answer = await fetchDevice(host, port, opts.orgId, opts.timeoutMs);
    if (answer.kind !== 'ok') throw new Error(answer.error);
    const d = answer.device;
    return {
      protocol: 'roster-json',
      model: d.model ?? '',
      channels: d.channels.length,
      name: d.name ?? d.serial ?? '',
      serial: d.serial ?? null,
      firmware: d.firmware ?? '',
    };
  },
};
