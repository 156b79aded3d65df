import type { Config } from './core/config.ts';
import { openDatabase, type Database } from './core/db/client.ts';
import { createMemoryBus, createRedisBus, redisCommands, type EventBus } from './core/events/bus.ts';
import { createDependency, watchRedis } from './core/health/dependencies.ts';
import { buildApp, type RosterApp, type RosterModule } from './core/http/app.ts';
import {
  createFallbackRateLimiter,
  createMemoryRateLimiter,
  createRedisRateLimiter,
  type RateLimiter,
} from './core/http/rate-limit.ts';
import { coreModule } from './core/module.ts';
import { identityModule } from './modules/identity/index.ts';
import { orgModule } from './modules/org/index.ts';
import { eventsModule } from './modules/events/index.ts';
import { monitoringModule } from './modules/monitoring/index.ts';
import { signageModule } from './modules/signage/index.ts';
import { venueModule } from './modules/venue/index.ts';
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
  venueModule,
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
    // Redis is optional while running: live events and rate limits carry on without it (see
    // createRedisBus and createFallbackRateLimiter), and its state shows in /readyz.
    const health = createDependency('redis', 'redis');
    const redis = await redisCommands(config.redisUrl);
    const watcher = watchRedis(redis, health);
    await redis.connect();
    bus = await createRedisBus(config.redisUrl, { health, publisher: redis });
    rateLimiter = createFallbackRateLimiter(createRedisRateLimiter(redis), health);
    closeRedis = () => {
      watcher.closing();
      return Promise.resolve(redis.disconnect());
    };
  }
  return {
    database,
    bus,
    rateLimiter,
    close: async () => {
      await bus.close();
      await closeRedis();
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
