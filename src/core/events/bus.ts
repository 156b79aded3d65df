import type { Actor, OrgRole } from '../access/actor.ts';

/**
 * Who may receive a live event. The publishing module decides, from its own assignments, which
 * users may see the thing that changed; the live endpoint only matches the connection against it.
 */
export interface Audience {
  /** Every member of the org. */
  everyone?: boolean;
  userIds?: number[];
  orgRoles?: OrgRole[];
}

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
  publish(event: LiveEvent): Promise<void>;
  subscribe(handler: LiveHandler): () => void;
  close(): Promise<void>;
}

export function mayReceive(actor: Actor, event: LiveEvent): boolean {
  if (event.orgId !== actor.orgId) return false;
  const a = event.audience;
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
 * Redis pub/sub: every server process publishes to one channel and delivers what it receives, its
 * own messages included, so a WebSocket client sees the same stream whichever instance it is on.
 */
export async function createRedisBus(url: string): Promise<EventBus> {
  const { Redis } = await import('ioredis');
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  const sub = new Redis(url, { lazyConnect: true });
  await Promise.all([pub.connect(), sub.connect()]);
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
    async publish(event) {
      await pub.publish(CHANNEL, JSON.stringify(event));
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    close() {
      handlers.clear();
      sub.disconnect();
      pub.disconnect();
      return Promise.resolve();
    },
  };
}

export function liveEvent(orgId: string, type: string, data: unknown, audience: Audience): LiveEvent {
  return { orgId, type, data, audience, at: new Date().toISOString() };
}
