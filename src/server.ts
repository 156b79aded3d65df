import type { Config } from './core/config.ts';
import { openDatabase, type Database } from './core/db/client.ts';
import { createMemoryBus, createRedisBus, type EventBus } from './core/events/bus.ts';
import { buildApp, type RosterApp, type RosterModule } from './core/http/app.ts';
import { createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from './core/http/rate-limit.ts';
import { coreModule } from './core/module.ts';
import { identityModule } from './modules/identity/index.ts';
import { orgModule } from './modules/org/index.ts';
import { eventsModule } from './modules/events/index.ts';
import { monitoringModule } from './modules/monitoring/index.ts';
import { signageModule } from './modules/signage/index.ts';
import { consoleModule } from './modules/console/index.ts';
import path from 'node:path';

/** Every module, in registration order. */
export const modules: RosterModule[] = [
  coreModule,
  identityModule,
  orgModule,
  eventsModule,
  monitoringModule,
  signageModule,
  consoleModule,
];

export interface Runtime {
  database: Database;
  bus: EventBus;
  rateLimiter: RateLimiter;
  close(): Promise<void>;
}

/** Opens the database (PGlite under DATA_DIR unless DATABASE_URL is set), the bus and the limiter. */
export async function openRuntime(config: Config, opts: { memory?: boolean } = {}): Promise<Runtime> {
  const database = await openDatabase({
    url: config.databaseUrl,
    poolSize: config.databasePoolSize,
    dataDir: opts.memory ? undefined : path.join(config.dataDir, 'pglite'),
  });
  let bus: EventBus = createMemoryBus();
  let rateLimiter: RateLimiter = createMemoryRateLimiter();
  let closeRedis = async () => {};
  if (config.redisUrl) {
    const { Redis } = await import('ioredis');
    const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
    bus = await createRedisBus(config.redisUrl);
    rateLimiter = createRedisRateLimiter(redis);
    closeRedis = () => Promise.resolve(redis.disconnect());
  }
  return {
    database,
    bus,
    rateLimiter,
    close: async () => {
      await closeRedis();
      await bus.close();
      await database.close();
    },
  };
}

export async function createServer(
  config: Config,
  runtime: Runtime,
  opts: { logger?: boolean | object } = {},
): Promise<RosterApp> {
  const app = await buildApp(
    { config, database: runtime.database, bus: runtime.bus, rateLimiter: runtime.rateLimiter },
    { modules, logger: opts.logger },
  );
  return app;
}
