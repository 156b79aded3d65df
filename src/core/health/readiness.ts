import client from 'prom-client';
import { OUTAGE_DETAIL } from '../db/availability.ts';
import type { Database } from '../db/client.ts';
import type { EventBus } from '../events/bus.ts';
import type { DependencyReport } from './dependencies.ts';

export interface Readiness {
  /** 200 while requests can be served (Redis down or a full disk only degrade), 503 otherwise. */
  code: 200 | 503;
  body: Record<string, unknown>;
}

const PING_CEILING_MS = 2000;

/**
 * What `/readyz` answers. The database is pinged (bounded; at once refused while the breaker knows
 * it down); Redis is reported as its connection was last seen. When everything is up, the short
 * form `{status, database: kind, bus: kind}`; otherwise, or with `?verbose`, each dependency's
 * state, since when, and why.
 */
export async function readiness(database: Database, bus: EventBus, verbose: boolean): Promise<Readiness> {
  let db: DependencyReport = database.health.report();
  if (db.state === 'up' || db.detail === OUTAGE_DETAIL['disk full']) {
    try {
      await Promise.race([
        database.ping(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('database ping timed out')), PING_CEILING_MS).unref(),
        ),
      ]);
    } catch (err) {
      database.observe(err);
      const now = database.health.report();
      db = now.state === 'down' ? now : { ...now, state: 'down', detail: (err as Error).message };
    }
  }
  const redis = bus.health?.report();
  const diskFull = db.state === 'down' && db.detail === OUTAGE_DETAIL['disk full'];
  const dbDown = db.state === 'down' && !diskFull;
  const degraded = diskFull || redis?.state === 'down';
  if (!dbDown && !degraded && !verbose)
    return { code: 200, body: { status: 'ready', database: database.kind, bus: bus.kind } };
  return {
    code: dbDown ? 503 : 200,
    body: {
      status: dbDown ? 'not ready' : degraded ? 'degraded' : 'ready',
      database: db,
      redis: redis ?? { state: 'not configured' },
      bus: bus.kind,
    },
  };
}

/** Live events this process could not hand to Redis, as a Prometheus counter. */
export function registerDependencyMetrics(registry: client.Registry, bus: EventBus) {
  new client.Counter({
    name: 'roster_live_events_dropped_total',
    help: 'Live events not delivered to other instances because Redis was unreachable',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(bus.dropped?.() ?? 0);
    },
  });
}
