import type { WebSocket } from 'ws';
import { actorOf, bearerToken, liveQueryToken, resolveToken, type RosterApp } from '../http/app.ts';
import { mayReceive } from './bus.ts';

/** Credentials are re-checked this often so a revoked session stops receiving within a minute. */
const RECHECK_MS = 60_000;

/**
 * `GET /api/live` (WebSocket): the caller's org's live events that the caller may see, as JSON
 * messages `{type, data, at}`. Authenticate with the session cookie, a Bearer header, or `?token=`.
 */
export function registerLiveRoute(app: RosterApp) {
  app.get('/api/live', { websocket: true, schema: { hide: true } }, (socket: WebSocket, req) => {
    const actor = actorOf(req);
    const token = bearerToken(req) ?? liveQueryToken(req);
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
