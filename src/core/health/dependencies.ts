/**
 * The state of one outside dependency (the database, Redis) as this process last saw it. Requests
 * and probes report what they meet; only a change of state is logged, so an outage under load
 * writes two lines (down, then up) instead of one per failed request.
 */
export type DependencyState = 'up' | 'down';

export interface DependencyReport {
  state: DependencyState;
  /** What sits behind it: `postgres`, `pglite`, `redis`… */
  kind: string;
  /** When the current state began (ISO 8601). */
  since: string;
  /** Why it is down, in words an operator can act on; absent when up. */
  detail?: string;
}

export interface DependencyLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface Dependency {
  readonly name: string;
  readonly kind: string;
  readonly state: DependencyState;
  report(): DependencyReport;
  down(detail: string): void;
  up(): void;
  /** Called on every change of state (after logging). */
  onChange(listener: (state: DependencyState) => void): void;
  /** Where state changes are logged (the app's logger once it exists). */
  useLog(log: DependencyLog): void;
}

/** Until a server's logger takes over (CLI commands, tests), state changes go to stderr as one line. */
const stderrLog: DependencyLog = {
  info: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 30, ...obj, msg })}\n`),
  warn: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 40, ...obj, msg })}\n`),
};

export function createDependency(name: string, kind: string): Dependency {
  let state: DependencyState = 'up';
  let since = new Date().toISOString();
  let detail: string | undefined;
  let log = stderrLog;
  const listeners: Array<(state: DependencyState) => void> = [];
  const change = (next: DependencyState, why?: string) => {
    if (state === next) {
      if (next === 'down') detail = why;
      return;
    }
    state = next;
    since = new Date().toISOString();
    detail = why;
    if (next === 'down') log.warn({ dependency: name, kind, detail: why }, `${name} unavailable`);
    else log.info({ dependency: name, kind }, `${name} available again`);
    for (const l of listeners) l(next);
  };
  return {
    name,
    kind,
    get state() {
      return state;
    },
    report: () => ({ state, kind, since, ...(detail ? { detail } : {}) }),
    down: (why) => change('down', why),
    up: () => change('up'),
    onChange: (listener) => void listeners.push(listener),
    useLog: (l) => void (log = l),
  };
}

interface RedisConnection {
  on(event: 'ready', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

/**
 * Follows one Redis connection: down when it is lost (ioredis keeps reconnecting by itself), up when
 * it is ready again. Connection errors are expected while Redis is away: they mark the state and
 * are otherwise silent (ioredis would print each reconnection attempt).
 */
export function watchRedis(redis: RedisConnection, health: Dependency) {
  let closing = false;
  let lastError = 'connection lost';
  redis.on('ready', () => health.up());
  redis.on('error', (err) => {
    lastError = err.message || (err as { code?: string }).code || 'connection error';
  });
  redis.on('close', () => {
    if (!closing) health.down(`Redis is unreachable (${lastError})`);
  });
  return {
    closing: () => {
      closing = true;
    },
  };
}
