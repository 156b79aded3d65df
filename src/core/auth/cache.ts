import type { Actor } from '../access/actor.ts';
import { liveEvent, type EventBus, type LiveEvent } from '../events/bus.ts';

/**
 * Which cached credentials a change invalidates: a session, a user's every session, an API key,
 * a device. Published on the event bus (type AUTH_INVALIDATE, empty audience, so no WebSocket
 * client ever receives it) and applied by every server process.
 */
export interface AuthInvalidation {
  sessionId?: string;
  userId?: number;
  apiKeyId?: string;
  deviceId?: string;
}

export const AUTH_INVALIDATE = 'auth.invalidate';

export function authInvalidation(orgId: string, match: AuthInvalidation): LiveEvent {
  return liveEvent(orgId, AUTH_INVALIDATE, match, {});
}

interface Entry {
  actor: Actor;
  until: number;
}

/**
 * Token → actor for a few seconds, so a busy client (a badge scanner, a screen polling its
 * playlist) does not cost a credentials query per request. Logout, revocation and role changes
 * evict at once on every instance through AUTH_INVALIDATE; anything else (a direct database
 * edit) applies within `ttlMs`.
 */
export function createAuthCache(ttlMs: number, maxEntries = 50_000) {
  const entries = new Map<string, Entry>();
  const matches = (a: Actor, m: AuthInvalidation) =>
    (m.sessionId !== undefined && a.sessionId === m.sessionId) ||
    (m.userId !== undefined && a.userId === m.userId) ||
    (m.apiKeyId !== undefined && a.apiKeyId === m.apiKeyId) ||
    (m.deviceId !== undefined && a.deviceId === m.deviceId);
  return {
    enabled: ttlMs > 0,
    get(token: string): Actor | undefined {
      const e = entries.get(token);
      if (!e) return undefined;
      if (e.until <= Date.now()) {
        entries.delete(token);
        return undefined;
      }
      return e.actor;
    },
    set(token: string, actor: Actor) {
      if (ttlMs <= 0) return;
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(token, { actor, until: Math.min(Date.now() + ttlMs, actor.validUntil ?? Infinity) });
    },
    evict(orgId: string, m: AuthInvalidation) {
      for (const [token, e] of entries)
        if (e.actor.orgId === orgId && matches(e.actor, m)) entries.delete(token);
    },
    /** Applies invalidations published by any process (this one included). */
    follow(bus: EventBus) {
      return bus.subscribe((event) => {
        if (event.type === AUTH_INVALIDATE) this.evict(event.orgId, event.data as AuthInvalidation);
      });
    },
  };
}

export type AuthCache = ReturnType<typeof createAuthCache>;
