import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { Actor } from '../access/actor.ts';
import { actorOf, resolveToken, type RosterApp } from '../http/app.ts';
import { credentialOf } from '../http/credentials.ts';
import { issueLiveTicket, LIVE_PATH } from '../http/live-tickets.ts';
import { unauthorized } from '../http/problem.ts';
import { mayReceive } from './bus.ts';

/** Credentials are re-checked this often so a revoked session stops receiving within a minute. */
const RECHECK_MS = 60_000;

/** Close code of a connection over its credential's or its org's cap (WebSocket "policy violation"). */
export const LIVE_CAP_CLOSE_CODE = 1008;

/** The credential a connection counts against: one session, one API key. */
function credentialKey(actor: Actor): string {
  return (
    actor.sessionId ??
    actor.apiKeyId ??
    actor.deviceId ??
    actor.displayLinkId ??
    `${actor.via}:${actor.label}`
  );
}

/** Open connections of this process by key; a key's entry goes when its last connection closes. */
function createCounter() {
  const open = new Map<string, number>();
  return {
    count: (key: string) => open.get(key) ?? 0,
    add: (key: string) => void open.set(key, (open.get(key) ?? 0) + 1),
    remove(key: string) {
      const n = (open.get(key) ?? 1) - 1;
      if (n > 0) open.set(key, n);
      else open.delete(key);
    },
  };
}

/**
 * `GET /api/live` (WebSocket): the caller's org's live events that the caller may see, as JSON
 * messages `{type, data, at}`. Authenticate with a Bearer header, the session cookie (from our own
 * pages only), `?ticket=` from `POST /api/live/ticket`, or `?token=` (older clients).
 * Each credential and each org may hold a bounded number of connections in this process
 * (LIVE_MAX_PER_SESSION, LIVE_MAX_PER_ORG): one leaked token cannot pin a server's sockets.
 */
export function registerLiveRoute(app: RosterApp) {
  const { liveMaxPerSession, liveMaxPerOrg, secret } = app.deps.config;
  const perCredential = createCounter();
  const perOrg = createCounter();

  // Screens and display links connect too (each hears only events addressed to it, see mayReceive).
  const config = { credentials: ['session', 'api_key', 'device', 'display'] } as const;
  app.post(
    `${LIVE_PATH}/ticket`,
    {
      config,
      schema: {
        tags: ['live'],
        summary: 'A single-use ticket (valid 30 s) to open /api/live?ticket= without the token in the URL',
        response: { 201: z.object({ ticket: z.string(), expires_at: z.string() }) },
      },
    },
    async (req, reply) => {
      actorOf(req);
      const token = credentialOf(req);
      if (!token) throw unauthorized();
      const { ticket, expiresAt } = issueLiveTicket(secret, token);
      return reply.code(201).send({ ticket, expires_at: expiresAt.toISOString() });
    },
  );

  // The credential may come in the query (browsers cannot set headers on a WebSocket).
  const liveQuery = z.object({ ticket: z.string().optional(), token: z.string().optional() });
  const liveSchema = { hide: true, querystring: liveQuery };
  app.get(LIVE_PATH, { websocket: true, config, schema: liveSchema }, (socket: WebSocket, req) => {
    const actor = actorOf(req);
    const key = credentialKey(actor);
    // Screens are bounded by the plan's screen count, not by the people's per-org cap: an org
    // with thousands of players must not lock its admins out of live updates.
    const orgFull = actor.via !== 'device' && perOrg.count(actor.orgId) >= liveMaxPerOrg;
    if (perCredential.count(key) >= liveMaxPerSession || orgFull) {
      socket.close(LIVE_CAP_CLOSE_CODE, 'too many live connections');
      return;
    }
    perCredential.add(key);
    if (actor.via !== 'device') perOrg.add(actor.orgId);
    const token = credentialOf(req);
    const unsubscribe = app.deps.bus.subscribe((event) => {
      if (socket.readyState === socket.OPEN && mayReceive(actor, event))
        socket.send(JSON.stringify({ type: event.type, data: event.data, at: event.at }));
    });
    const recheck = setInterval(() => {
      // Straight to the authenticators, past the cache: this is the periodic database re-check.
      void (token ? resolveToken(app, token, req).catch(() => null) : Promise.resolve(null)).then((still) => {
        if (!still || still.orgId !== actor.orgId) socket.close(4401, 'credentials no longer valid');
      });
    }, RECHECK_MS);
    recheck.unref();
    socket.on('close', () => {
      clearInterval(recheck);
      unsubscribe();
      perCredential.remove(key);
      if (actor.via !== 'device') perOrg.remove(actor.orgId);
    });
    socket.on('message', (raw) => {
      const text = messageText(raw);
      if (text === 'ping') socket.send(JSON.stringify({ type: 'pong', at: new Date().toISOString() }));
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        data: { org_id: actor.orgId, user_id: actor.userId, role: actor.orgRole },
        at: new Date().toISOString(),
      }),
    );
  });
}

/** The text of a WebSocket message, whichever of its three shapes `ws` delivers it in. */
export function messageText(raw: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString();
  return Buffer.isBuffer(raw) ? raw.toString() : Buffer.from(new Uint8Array(raw)).toString();
}
