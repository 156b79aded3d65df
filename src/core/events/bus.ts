import type { Actor, OrgRole } from '../access/actor.ts';
import type { Redis } from 'ioredis';
import { watchRedis, type Dependency } from '../health/dependencies.ts';

/**
 * Who may receive a live event. The publishing module decides, from its own assignments, which
 * users may see the thing that changed; the live endpoint only matches the connection against it.
 */
export interface Audience {
  /** Every member of the org. */
  everyone?: boolean;
  userIds?: number[];
  orgRoles?: OrgRole[];
  /** Paired screens (device credentials): every screen of the org, or the named ones. */
  screens?: true | string[];
  /** Display links (read-only walls) by id: each hears only what its own scope shows. */
  displays?: string[];
}

/** The org's owners and admins: they run the org, so they hear what concerns all of it. */
export const ORG_ADMINS: Audience = { orgRoles: ['owner', 'admin'] };

/** The org's owners and admins, and the given users. */
export const orgAdminsAnd = (userIds: number[]): Audience => ({ userIds, orgRoles: ['owner', 'admin'] });

export interface LiveEvent {
  orgId: string;
  /** Dotted name: `monitoring.unit.updated`, `events.annonce.created`… */
  type: string;
  data: unknown;
  audience: Audience;
  at: string;
}

export type LiveHandler = (event: LiveEvent) => void;

export interface EventBus {
  kind: 'memory' | 'redis';
  /**
   * Never waits on the broker: an event that cannot be handed over now is dropped and counted
   * (`dropped`), since a live screen catches up at its next read while a write must not stall.
   */
  publish(event: LiveEvent): Promise<void>;
  /** Live events this process could not hand to the broker (Redis down), since start. */
  dropped?(): number;
  /** The broker's state, when there is one. */
  health?: Dependency;
  subscribe(handler: LiveHandler): () => void;
  close(): Promise<void>;
}

export function mayReceive(actor: Actor, event: LiveEvent): boolean {
  if (event.orgId !== actor.orgId) return false;
  const a = event.audience;
  // A screen hears only what is addressed to screens: never the people's events, `everyone` included.
  if (actor.via === 'device')
    return a.screens === true || (!!actor.deviceId && !!a.screens?.includes(actor.deviceId));
  // A display link hears only what is addressed to it, never the people's events.
  if (actor.via === 'display') return !!actor.displayLinkId && !!a.displays?.includes(actor.displayLinkId);
  if (a.everyone) return true;
  if (actor.userId !== null && a.userIds?.includes(actor.userId)) return true;
  return a.orgRoles?.includes(actor.orgRole) ?? false;
}

function fanOut(handlers: Set<LiveHandler>, event: LiveEvent) {
  for (const h of handlers) {
    try {
      h(event);
    } catch {
      // One broken subscriber (a closed socket) must not stop delivery to the others.
    }
  }
}

export function createMemoryBus(): EventBus {
  const handlers = new Set<LiveHandler>();
  return {
    kind: 'memory',
    publish(event) {
      fanOut(handlers, event);
      return Promise.resolve();
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    close() {
      handlers.clear();
      return Promise.resolve();
    },
  };
}

const CHANNEL = 'roster:live';

/**
 * A Redis connection for commands (publish, rate-limit counters) that never waits for Redis: no
 * offline queue, no retries, a one-second ceiling per command. Connect it with `connect()`.
 */
export async function redisCommands(url: string): Promise<Redis> {
  const { Redis: Client } = await import('ioredis');
  const redis = new Client(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 1000,
  });
  redis.on('error', () => {});
  return redis;
}

/**
 * Redis pub/sub: every server process publishes to one channel and delivers what it receives, its
 * own messages included, so a WebSocket client sees the same stream whichever instance it is on.
 */
export async function createRedisBus(
  url: string,
  opts: { health?: Dependency; publisher?: Redis } = {},
): Promise<EventBus> {
  const { health } = opts;
  const own = !opts.publisher;
  const pub = opts.publisher ?? (await redisCommands(url));
  const { Redis: Client } = await import('ioredis');
  const sub = new Client(url, { lazyConnect: true });
  const watcher = health && own ? watchRedis(pub, health) : undefined;
  sub.on('error', () => {});
  await Promise.all([own ? pub.connect() : undefined, sub.connect()]);
  let dropped = 0;
  const pending = new Set<Promise<unknown>>();
  const handlers = new Set<LiveHandler>();
  sub.on('message', (_channel: string, message: string) => {
    let event: LiveEvent;
    try {
      event = JSON.parse(message) as LiveEvent;
    } catch {
      return;
    }
    fanOut(handlers, event);
  });
  await sub.subscribe(CHANNEL);
  return {
    kind: 'redis',
    health,
    publish(event) {
      if (pub.status !== 'ready') {
        dropped += 1;
        return Promise.resolve();
      }
      const sent = pub.publish(CHANNEL, JSON.stringify(event)).catch(() => {
        dropped += 1;
      });
      pending.add(sent);
      void sent.finally(() => pending.delete(sent));
      return Promise.resolve();
    },
    dropped: () => dropped,
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async close() {
      handlers.clear();
      // Events handed over before closing still go out.
      await Promise.allSettled(pending);
      watcher?.closing();
      sub.disconnect();
      if (own) pub.disconnect();
    },
  };
}

export function liveEvent(orgId: string, type: string, data: unknown, audience: Audience): LiveEvent {
  return { orgId, type, data, audience, at: new Date().toISOString() };
}
