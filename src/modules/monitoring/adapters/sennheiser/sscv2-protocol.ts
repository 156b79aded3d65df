/**
 * Sennheiser Sound Control Protocol v2 (SSCv2), as newer receivers (EW-DX, Digital 6000 …) speak
 * it: REST over HTTPS/1.1 with JSON bodies, HTTP basic authentication (user `api`, the third-party
 * password set in Sennheiser's Control Cockpit), and subscriptions as Server-Sent Events: `GET
 * /api/ssc/state/subscriptions` opens the stream, whose first event (`open`) names the session;
 * `PUT /api/ssc/state/subscriptions/{session}` with a list of resource paths subscribes them, and
 * every change then arrives as `data: {"<path>": <value>}`. A refused resource answers
 * `{"path": …, "error": <HTTP-like code>}` (404 unknown, 424 no linked transmitter).
 *
 * The resources mirror SSC's address tree (protocol.ts) under `/api`: a resource's path and value
 * become the SSC message with that address, so one DeviceState reads both protocol versions.
 */

export const SSCV2_PORT = 443;
export const SUBSCRIPTIONS = '/api/ssc/state/subscriptions';
export const API_USER = 'api';

export const IDENTITY = '/api/device/identity';
export const SITE = '/api/device/site';
export const ACTIVE = '/api/mates/active';
export const rxPath = (n: number) => `/api/rx${n}`;
export const txPath = (n: number) => `/api/mates/tx${n}`;
export const meterPath = (n: number) => `/api/m/rx${n}`;

/** What is read once per channel (name, frequency, transmitter) and which transmitters are linked. */
export const staticPaths = (channels: number) => [
  ...Array.from({ length: channels }, (_, i) => [rxPath(i + 1), txPath(i + 1)]).flat(),
  ACTIVE,
];
export const meterPaths = (channels: number) => Array.from({ length: channels }, (_, i) => meterPath(i + 1));

type Tree = { [key: string]: unknown };

/** The SSC message saying `value` at `path` (`/api/mates/tx1` → `{mates: {tx1: value}}`). */
export function messageOf(path: string, value: unknown): Tree | null {
  const words = path.split('/').filter(Boolean);
  if (words[0] !== 'api' || words.length < 2) return null;
  // The device's label is `deviceName` on the site resource, `name` in the SSC tree.
  if (path === SITE)
    return { device: { name: (value as { deviceName?: unknown } | null)?.deviceName ?? null } };
  let tree: unknown = value;
  for (const w of words.slice(1).reverse()) tree = { [w]: tree };
  return tree as Tree;
}

/** An error body (`{path, error}`) as SSC's `/osc/error` entry, which DeviceState reads. */
export function errorMessageOf(body: unknown): Tree | null {
  const b = body as { path?: unknown; error?: unknown } | null;
  if (typeof b?.path !== 'string' || typeof b.error !== 'number') return null;
  const entry = messageOf(b.path, [b.error]);
  return entry ? { osc: { error: [entry] } } : null;
}

/** One Server-Sent Event. */
export interface ServerEvent {
  event: string;
  data: string;
}

/** Splits a text/event-stream into events; comments and fields other than event/data are skipped. */
export class EventStreamReader {
  private buffer = '';
  constructor(private readonly maxChars = 256 * 1024) {}

  push(chunk: string): { events: ServerEvent[]; overflow: boolean } {
    this.buffer += chunk.replace(/\r\n?/g, '\n');
    const events: ServerEvent[] = [];
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length) events.push({ event, data: data.join('\n') });
    }
    const overflow = this.buffer.length > this.maxChars;
    if (overflow) this.buffer = '';
    return { events, overflow };
  }
}
