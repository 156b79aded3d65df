import type { Config } from '../../../../core/config.ts';
import http from 'node:http';
import https from 'node:https';
import { outboundRequestOptions } from '../../../../core/net/outbound.ts';
import type { ChannelReading, ReceiverAdapter, StreamEvents } from '../types.ts';
import { streamLife } from '../session.ts';
import { channelsOfModel, DeviceState, MAX_CHANNELS, readingsOf, type Applied } from './protocol.ts';
import {
  API_USER,
  errorMessageOf,
  EventStreamReader,
  IDENTITY,
  messageOf,
  meterPaths,
  rxPath,
  SITE,
  SSCV2_PORT,
  staticPaths,
  SUBSCRIPTIONS,
} from './sscv2-protocol.ts';

/** Sennheiser receivers over SSCv2 (sscv2-protocol.ts): REST and Server-Sent Events over HTTPS. */

/** Password and TLS mode for every SSCv2 receiver (read by loadConfig, set at start). */
export type Sscv2Settings = Config['sennheiserSscv2'];

let settings: Sscv2Settings = { password: null, tls: 'self-signed', ca: null };

/** The settings from the configuration (the module at start, tests, the simulator CLI). */
export function configureSscv2(s: Partial<Sscv2Settings>) {
  settings = { ...settings, ...s };
}

/** An answer longer than this is not a receiver's resource. */
const MAX_BODY = 256 * 1024;

interface Answer {
  status: number;
  body: unknown;
  /** The body was not JSON. */
  garbled: boolean;
}

/** OpenSSL's codes for a certificate that does not check out (node's `err.code`). */
const UNTRUSTED = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS_CERT_ALTNAME/;

/** A refused certificate said plainly, with the setting that decides it; other errors as they are. */
function tlsRefusal(err: Error): Error {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (!UNTRUSTED.test(code)) return err;
  const trust = settings.ca
    ? 'the certificates of SENNHEISER_SSCV2_CA'
    : "the system's certificate authorities";
  return new Error(
    `the receiver's TLS certificate is not trusted (${code}: ${err.message}); it is checked against ` +
      `${trust} (SENNHEISER_SSCV2_TLS=verify)`,
  );
}

/** HTTP(S) requests to one receiver at the address the outbound rule checked, on kept-alive sockets. */
async function connect(host: string, port: number, orgId: string | undefined) {
  const base = await outboundRequestOptions(host, port, { orgId });
  const s = settings;
  const secure = s.tls !== 'off';
  const agent = secure
    ? new https.Agent({
        keepAlive: true,
        maxSockets: 4,
        rejectUnauthorized: s.tls === 'verify',
        // Pinned: with a CA file, only its certificates are trusted, not the system's authorities.
        ...(s.tls === 'verify' && s.ca ? { ca: s.ca } : {}),
      })
    : new http.Agent({ keepAlive: true, maxSockets: 4 });
  const auth = s.password ? `Basic ${Buffer.from(`${API_USER}:${s.password}`).toString('base64')}` : null;
  const request = (method: string, path: string, headers: http.OutgoingHttpHeaders) =>
    (secure ? https : http).request({
      ...base,
      agent,
      method,
      path,
      headers: { accept: 'application/json', ...(auth ? { authorization: auth } : {}), ...headers },
    });

  function call(method: string, path: string, timeoutMs: number, body?: unknown): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(method, path, payload ? { 'content-type': 'application/json' } : {});
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(tlsRefusal(err));
      });
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (text.length > MAX_BODY) req.destroy(new Error(`answer over ${MAX_BODY} bytes`));
        });
        res.on('end', () => {
          clearTimeout(timer);
          if (!text) return resolve({ status: res.statusCode ?? 0, body: null, garbled: false });
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown, garbled: false });
          } catch {
            resolve({ status: res.statusCode ?? 0, body: text.slice(0, 200), garbled: true });
          }
        });
      });
      req.end(payload);
    });
  }

  /** Opens the subscription stream; `onText` gets its chunks, `onEnd` why it ended. */
  function events(onText: (text: string) => void, onEnd: (reason: string) => void) {
    const req = request('GET', SUBSCRIPTIONS, { accept: 'text/event-stream' });
    req.on('error', (err) => onEnd(tlsRefusal(err).message));
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return onEnd(`HTTP ${res.statusCode} opening the subscription`);
      }
      res.setEncoding('utf8');
      res.on('data', onText);
      res.on('end', () => onEnd('subscription ended by the receiver'));
      res.on('error', (err) => onEnd(err.message));
    });
    req.end();
    return { close: () => req.destroy() };
  }

  return { call, events, close: () => agent.destroy() };
}

type Connection = Awaited<ReturnType<typeof connect>>;

/** Applies one answer to the state: a value, an error body, or something unusable. */
function applyAnswer(state: DeviceState, path: string, a: Answer): Applied | 'garbled' | null {
  if (a.garbled) return 'garbled';
  if (a.status === 200) {
    const message = messageOf(path, a.body);
    return message ? state.apply(message) : null;
  }
  const error = errorMessageOf(a.body) ?? errorMessageOf({ path, error: a.status });
  return error ? state.apply(error) : null;
}

/** Reads `paths` all at once; throws when the receiver cannot be reached or refuses the password. */
async function readPaths(
  conn: Connection,
  state: DeviceState,
  paths: string[],
  timeoutMs: number,
  onApplied: (path: string, applied: Applied | 'garbled' | null) => void,
) {
  const answers = await Promise.all(paths.map((p) => conn.call('GET', p, timeoutMs)));
  answers.forEach((a, i) => {
    if (a.status === 401) throw new Error('HTTP 401: the receiver refused the third-party password');
    onApplied(paths[i], applyAnswer(state, paths[i], a));
  });
}

export const sscv2Adapter: ReceiverAdapter = {
  protocol: 'sennheiser-sscv2',
  defaultPort: SSCV2_PORT,

  async read(c, opts) {
    const channels = channelsOfModel(c.model) ?? MAX_CHANNELS;
    const state = new DeviceState();
    const bad = new Set<number>();
    let conn: Connection | null = null;
    try {
      conn = await connect(c.ip, c.port, opts.orgId);
      await readPaths(
        conn,
        state,
        [...staticPaths(channels), ...meterPaths(channels)],
        opts.timeoutMs,
        (path, a) => {
          if (a === 'garbled') opts.onMalformed?.({ chassis: c.id, path }, 'SSCv2 answer that is not JSON');
          else for (const m of a?.malformed ?? []) if (m.channel !== null) bad.add(m.channel);
        },
      );
    } catch (err) {
      return { kind: 'unreachable', error: (err as Error).message };
    } finally {
      conn?.close();
    }
    const out = new Map<number, ChannelReading | 'malformed'>(readingsOf(state, channels));
    for (const n of bad) if (out.has(n)) out.set(n, 'malformed');
    return { kind: 'ok', channels: out };
  },

  subscribe(c, opts, events: StreamEvents) {
    const channels = channelsOfModel(c.model) ?? MAX_CHANNELS;
    const state = new DeviceState();
    const reader = new EventStreamReader();
    let conn: Connection | null = null;
    let stream: { close(): void } | null = null;
    let session: string | null = null;
    let live = false;
    let stall: NodeJS.Timeout | null = null;
    const life = streamLife(
      (reason) => events.closed(reason),
      () => {
        if (stall) clearTimeout(stall);
        stream?.close();
        // Ends the session on the receiver too, which keeps a few of them only.
        if (conn && session) void conn.call('DELETE', `${SUBSCRIPTIONS}/${session}`, 2000).catch(() => {});
        setTimeout(() => conn?.close(), 2000).unref();
      },
    );
    const heard = () => {
      if (stall) clearTimeout(stall);
      stall = setTimeout(() => life.end(`no telemetry for ${opts.stallMs} ms`), opts.stallMs);
      stall.unref();
    };
    const report = (applied: Applied | 'garbled' | null, context: Record<string, unknown>) => {
      if (applied === 'garbled') return events.malformed('device', context, 'SSCv2 data that is not JSON');
      for (const m of applied?.malformed ?? [])
        if (m.channel !== null)
          events.malformed('channel', { slot: m.channel }, `malformed SSCv2 value: ${m.why}`);
        else events.malformed('device', { why: m.why }, 'malformed SSCv2 answer');
      if (!live) return;
      for (const n of applied?.changed ?? [])
        if (n <= channels && !state.missing.has(n)) events.channel(n, readingsOf(state, n).get(n)!);
    };
    /** The session opens: values first (a channel is never shown half-known), then the subscription. */
    const opened = async (uuid: string) => {
      if (!conn || life.done) return;
      session = uuid;
      await readPaths(conn, state, staticPaths(channels), opts.stallMs, (path, a) => report(a, { path }));
      if (life.done) return;
      live = true;
      events.open();
      for (const [n, reading] of readingsOf(state, channels)) events.channel(n, reading);
      const put = await conn.call('PUT', `${SUBSCRIPTIONS}/${uuid}`, opts.stallMs, [
        ...staticPaths(channels),
        ...meterPaths(channels),
      ]);
      if (put.status < 200 || put.status > 299) life.end(`HTTP ${put.status} subscribing`);
    };
    const onText = (text: string) => {
      heard();
      const { events: received, overflow } = reader.push(text);
      if (overflow) events.malformed('device', {}, 'SSCv2 event longer than any receiver sends; discarded');
      for (const e of received) {
        let data: unknown;
        try {
          data = JSON.parse(e.data);
        } catch {
          report('garbled', { data: e.data.slice(0, 200) });
          continue;
        }
        if (e.event === 'open') {
          const uuid = (data as { sessionUUID?: unknown } | null)?.sessionUUID;
          if (typeof uuid !== 'string' || !/^[\w-]{1,64}$/.test(uuid))
            life.end('subscription opened without a session');
          else opened(uuid).catch((err: Error) => life.end(err.message));
          continue;
        }
        if (data === null || typeof data !== 'object' || Array.isArray(data)) {
          report('garbled', { data: e.data.slice(0, 200) });
          continue;
        }
        for (const [path, value] of Object.entries(data)) {
          const message = messageOf(path, value);
          if (message) report(state.apply(message), { path });
        }
      }
    };
    heard();
    connect(c.ip, c.port, opts.orgId)
      .then((cn) => {
        conn = cn;
        if (life.done) return cn.close();
        stream = cn.events(onText, (reason) => life.end(reason));
      })
      .catch((err: Error) => life.end(err.message));
    return { close: life.close };
  },

  async identify(host, port, opts) {
    const conn = await connect(host, port, opts.orgId);
    try {
      const state = new DeviceState();
      const rx = Array.from({ length: MAX_CHANNELS }, (_, i) => rxPath(i + 1));
      await readPaths(conn, state, [IDENTITY, SITE, ...rx], opts.timeoutMs, () => {});
      const d = state.device;
      let count = 0;
      while (count < MAX_CHANNELS && state.channels.get(count + 1)?.name !== undefined) count++;
      if (!d.product && count === 0) throw new Error('not an SSCv2 receiver');
      return {
        protocol: 'sennheiser-sscv2',
        model: d.product ?? opts.modelHint ?? '',
        channels: count,
        name: d.name ?? '',
        serial: d.serial ?? null,
        firmware: d.version ?? '',
      };
    } finally {
      conn.close();
    }
  },
};
