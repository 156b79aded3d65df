import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { initialState } from '../../simulator.ts';
import { sendAnnouncement } from '../announce.ts';
import { sennheiserMdnsResponse } from './mdns.ts';
import { channelsOfModel } from './protocol.ts';
import {
  answer,
  applySennheiserControl,
  type SennheiserFaults,
  type SennheiserReceiverOptions,
  type SimulatedSennheiserReceiver,
} from './simulator.ts';
import { API_USER, ACTIVE, IDENTITY, messageOf, SITE, SUBSCRIPTIONS } from './sscv2-protocol.ts';

/**
 * A Sennheiser receiver speaking SSCv2 on a local port, over HTTPS when given a certificate (as the
 * real ones) or plain HTTP (the adapter's `tls: off` reaches that one): resources read with GET, refused with 404/424 error
 * bodies, basic authentication when a password is set, and subscriptions as Server-Sent Events
 * (the `open` event, then every subscribed resource at once, on every scripted change, and meters
 * every period). Faults as the SSC simulator: garbled events, slow answers, power off.
 */

export interface Sscv2ReceiverOptions extends SennheiserReceiverOptions {
  /** The third-party access password; unset: no authentication asked. */
  password?: string;
  /** How often subscribed meters are pushed. */
  meterMs?: number;
  /** Serve HTTPS with this certificate and key (PEM); plain HTTP without. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

/** As the SSC simulator: what the tests and the CLI drive does not depend on the protocol. */
export type SimulatedSscv2Receiver = SimulatedSennheiserReceiver;

type Tree = { [key: string]: unknown };

/** What a GET of each resource asks of the receiver's address tree (null: a value wanted). */
function templateOf(path: string): Tree | null {
  if (path === IDENTITY) return messageOf(path, { product: null, serial: null, version: null });
  if (path === ACTIVE) return messageOf(path, null);
  if (/^\/api\/rx\d+$/.test(path)) return messageOf(path, { name: null, frequency: null, mute: null });
  if (/^\/api\/mates\/tx\d+$/.test(path))
    return messageOf(path, { battery: { gauge: null, lifetime: null }, device_type: null, mute: null });
  if (/^\/api\/m\/rx\d+$/.test(path))
    return messageOf(path, { rssi: null, rsqi: null, divi: null, af: null });
  return null;
}

interface Stream {
  res: http.ServerResponse;
  paths: string[];
}

export async function startSscv2Receiver(opts: Sscv2ReceiverOptions = {}): Promise<SimulatedSscv2Receiver> {
  const model = opts.model ?? 'EW-DX EM 2';
  const channels = channelsOfModel(model);
  if (!channels) throw new Error(`unknown Sennheiser receiver model ${model} (EW-DX EM 2, EM 4 …)`);
  const host = opts.host ?? '127.0.0.1';
  const state = initialState({ ...opts, channels, model });
  let name = opts.deviceName ?? state.serial;
  const faults: SennheiserFaults = {};
  const streams = new Map<string, Stream>();
  const expected = opts.password
    ? `Basic ${Buffer.from(`${API_USER}:${opts.password}`).toString('base64')}`
    : null;

  /** A resource's value, or its error code. */
  function resource(path: string, jitter: boolean): { value: unknown } | { error: number } {
    if (path === SITE) return { value: { deviceName: name, location: '', position: '' } };
    if (path === ACTIVE) return { value: state.channels.filter((c) => c.online).map((c) => `tx${c.slot}`) };
    const template = templateOf(path);
    if (!template) return { error: 404 };
    const { filled, errors } = answer(state, name, template, jitter);
    if (errors.length) return { error: JSON.stringify(errors).includes('424') ? 424 : 404 };
    let value: unknown = filled;
    for (const w of path.split('/').slice(2)) value = (value as Tree | undefined)?.[w];
    return value === undefined ? { error: 404 } : { value };
  }

  const push = (s: Stream, paths = s.paths) => {
    const data: Tree = {};
    for (const p of paths) {
      const r = resource(p, state.jitter);
      if ('value' in r) data[p] = r.value;
    }
    if (Object.keys(data).length) s.res.write(`data: ${JSON.stringify(data)}\n\n`);
    if (faults.garbled)
      s.res.write(`data: {"/api/m/rx1": {"rssi": \n\ndata: {"/api/m/rx1": {"rssi": "strong"}}\n\n`);
  };
  const meters = setInterval(() => {
    for (const s of streams.values())
      push(
        s,
        s.paths.filter((p) => p.startsWith('/api/m/')),
      );
  }, opts.meterMs ?? 250);
  meters.unref();

  const reply = (res: http.ServerResponse, status: number, body: unknown) => {
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : faults.garbled ? '{"garbled' : JSON.stringify(body));
    };
    if (faults.slow_ms) setTimeout(send, faults.slow_ms).unref();
    else send();
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    // A receiver without power answers nothing.
    if (state.offline) return req.socket.destroy();
    if (expected && req.headers.authorization !== expected)
      return reply(res, 401, { path: req.url, error: 401 });
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === SUBSCRIPTIONS) {
      const uuid = crypto.randomUUID();
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'content-location': `${SUBSCRIPTIONS}/${uuid}`,
      });
      res.write(
        `event: open\ndata: ${JSON.stringify({ path: `${SUBSCRIPTIONS}/${uuid}`, sessionUUID: uuid })}\n\n`,
      );
      streams.set(uuid, { res, paths: [] });
      res.on('close', () => streams.delete(uuid));
      return;
    }
    const session = path.startsWith(`${SUBSCRIPTIONS}/`)
      ? streams.get(path.slice(SUBSCRIPTIONS.length + 1))
      : null;
    if (path.startsWith(`${SUBSCRIPTIONS}/`) && !session) return reply(res, 404, { path, error: 404 });
    if (req.method === 'PUT' && session) {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (text += c));
      req.on('end', () => {
        let paths: unknown;
        try {
          paths = JSON.parse(text);
        } catch {
          return reply(res, 400, { path, error: 400 });
        }
        if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string'))
          return reply(res, 400, { path, error: 400 });
        session.paths = paths;
        reply(res, 200, paths);
        // The subscribed values at once, then as they change.
        push(session);
      });
      return;
    }
    if (req.method === 'DELETE' && session) {
      session.res.end();
      return reply(res, 204, undefined);
    }
    if (req.method !== 'GET') return reply(res, 405, { path, error: 405 });
    const r = resource(path, false);
    return 'value' in r ? reply(res, 200, r.value) : reply(res, r.error, { path, error: r.error });
  };
  const server = opts.tls ? https.createServer(opts.tls, handle) : http.createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  if (!opts.keepProcessAlive) server.unref();
  const port = (server.address() as AddressInfo).port;

  return {
    host,
    port,
    model,
    state,
    faults,
    subscriptions: () => streams.size,
    control(cmd) {
      name = applySennheiserControl(state, faults, cmd, name);
      if (state.offline) {
        for (const s of streams.values()) s.res.destroy();
        streams.clear();
        server.closeAllConnections();
        return;
      }
      for (const s of streams.values()) push(s);
    },
    announce: (target) =>
      sendAnnouncement(
        host,
        target,
        sennheiserMdnsResponse({
          name,
          host,
          port,
          version: '2.0',
          httpUri: `${opts.tls ? 'https' : 'http'}://${host}:${port}/api`,
        }),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(meters);
        for (const s of streams.values()) s.res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
