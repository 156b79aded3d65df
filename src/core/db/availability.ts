import type { Pool } from 'pg';
import type { Dependency } from '../health/dependencies.ts';

/**
 * Why the database cannot do what a request asks, when the fault is the database's and not the
 * request's: it is out of disk space (reads still work, writes fail), or it cannot be reached at
 * all (refused, shutting down, connections cut, no connection to be had in time).
 */
export type Outage = 'disk full' | 'unreachable';

export const OUTAGE_DETAIL: Record<Outage, string> = {
  'disk full': 'The database is out of disk space',
  unreachable: 'The database is unavailable',
};

/** Thrown instead of waiting on a connection while the database is known to be unreachable. */
export class DatabaseUnavailableError extends Error {
  readonly code = 'ROSTER_DB_UNAVAILABLE';
  constructor(detail: string) {
    super(detail);
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ROSTER_DB_UNAVAILABLE',
]);
const LOST_CONNECTION = new RegExp(
  [
    'Connection terminated',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error',
    'Connection closed',
    'Client was closed',
  ].join('|'),
  'i',
);

/** The outage `err` (or an error it wraps, as Drizzle wraps the driver's) reveals, if any. */
export function outageOf(err: unknown): Outage | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (code === '53100' || code === 'ENOSPC') return 'disk full';
    if (typeof message === 'string' && /No space left on device/i.test(message)) return 'disk full';
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || /^(08...|57P0[123]|53300)$/.test(code)))
      return 'unreachable';
    if (typeof message === 'string' && LOST_CONNECTION.test(message)) return 'unreachable';
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Opens and closes the circuit in front of a node-postgres pool. Once a probe has confirmed the
 * database unreachable, every connection request fails at once (no request waits for its own
 * connection timeout) and a probe runs every second until the database answers again. A full
 * disk does not open the circuit: reads still work; it ends at the next write that commits.
 */
export interface Breaker {
  /** Tells the breaker about an error a query met. */
  observe(err: unknown): void;
  /** A transaction that wrote has committed (the disk has room again). */
  wrote(): void;
  readonly diskFull: boolean;
  stop(): void;
}

export function guardPool(pool: Pool, health: Dependency, probe: () => Promise<void>): Breaker {
  let outage: Outage | undefined;
  let probing = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const runProbe = () => {
    if (probing || stopped) return;
    probing = true;
    probe().then(
      () => {
        probing = false;
        if (outage === 'unreachable') {
          outage = undefined;
          health.up();
        }
      },
      (err: Error) => {
        probing = false;
        outage = 'unreachable';
        health.down(`${OUTAGE_DETAIL.unreachable} (${err.message})`);
        if (!stopped) timer = setTimeout(runProbe, 1000).unref();
      },
    );
  };

  const observe = (err: unknown) => {
    const found = outageOf(err);
    if (!found || err instanceof DatabaseUnavailableError) return;
    if (found === 'disk full') {
      if (outage === 'unreachable') return;
      outage = 'disk full';
      health.down(OUTAGE_DETAIL['disk full']);
    } else runProbe();
  };

  const unavailable = () =>
    outage === 'unreachable' ? new DatabaseUnavailableError(OUTAGE_DETAIL.unreachable) : undefined;

  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  pool.connect = ((...args: unknown[]) => {
    // The callback form is the pool's own (pool.query): guarded there.
    if (typeof args[0] === 'function') return connect(...args);
    const refused = unavailable();
    if (refused) return Promise.reject(refused);
    return (connect() as Promise<unknown>).catch((err: unknown) => {
      observe(err);
      throw err;
    });
  }) as Pool['connect'];
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((...args: unknown[]) => {
    if (typeof args[args.length - 1] === 'function') return query(...args);
    const refused = unavailable();
    if (refused) return Promise.reject(refused);
    return (query(...args) as Promise<unknown>).then(
      (result) => {
        if (outage === 'disk full' && writes(args[0])) recovered();
        return result;
      },
      (err: unknown) => {
        observe(err);
        throw err;
      },
    );
  }) as Pool['query'];

  function recovered() {
    if (outage !== 'disk full') return;
    outage = undefined;
    health.up();
  }

  return {
    observe,
    wrote: recovered,
    get diskFull() {
      return outage === 'disk full';
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** Does this statement change data (so its commit proves the disk takes writes again)? */
export const writes = (config: unknown) => {
  const text = typeof config === 'string' ? config : (config as { text?: unknown } | null)?.text;
  return typeof text === 'string' && /\b(insert|update|delete)\b/i.test(text);
};
