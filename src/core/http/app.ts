import crypto from 'node:crypto';
import Fastify, {
  type FastifyInstance,
  type FastifyRequest,
  type FastifyBaseLogger,
  type RawServerDefault,
} from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { EventBus } from '../events/bus.ts';
import { AUTH_INVALIDATE, createAuthCache, type AuthInvalidation } from '../auth/cache.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { Actor } from '../access/actor.ts';
import { withTenant, type TenantDeps, type TenantTx } from '../db/tenant.ts';
import { errorHandler, notFoundHandler } from './errors.ts';
import { forbidden, unauthorized } from './problem.ts';
import { createMetrics, instrument, requireMetricsToken, type Metrics } from './metrics.ts';
import { addSecurityHeaders } from './security-headers.ts';
import { rememberCredential, requireAcceptedCredential } from './credentials.ts';
import { refuseCrossSiteCookieRequest } from './csrf.ts';
import { liveQueryCredential } from './live-tickets.ts';
import { loggerOptions } from './logging.ts';
import { strictQuerystring } from './strict-query.ts';
import { refuseNul } from './nul.ts';
import { responseSerializerCompiler } from './serializer.ts';
import { z } from 'zod';
import { createJobRunner, type Job, type JobRunner } from '../jobs/runner.ts';
import { lacksAutovacuum, refreshStatistics, STATISTICS_EVERY_MS } from '../db/statistics.ts';
import { readiness, registerDependencyMetrics } from '../health/readiness.ts';
import { shapeChecks } from '../db/statements.ts';

/** Turns a bearer secret into an actor, or null when this authenticator does not know it. */
export type Authenticator = (token: string, request: FastifyRequest) => Promise<Actor | null>;

export interface AppDeps {
  config: Config;
  database: Database;
  bus: EventBus;
  rateLimiter: RateLimiter;
}

export type RosterApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** A `roster …` command of a module; runs with the app built (deps, jobs) but not listening. */
export interface ModuleCommand {
  summary: string;
  run(app: RosterApp, args: string[]): Promise<void>;
}

/** A module plugs its routes (and authenticators, jobs via `app.jobs.add`) into the app. */
export interface RosterModule {
  name: string;
  register(app: RosterApp): Promise<void> | void;
  /** Called by `roster start` once the server listens (start demo helpers such as a simulator). */
  onStart?(app: RosterApp): Promise<void> | void;
  /** Keyed by the whole phrase after `roster`, e.g. `monitoring migrate-legacy`. */
  commands?: Record<string, ModuleCommand>;
  /** Adds the module's demo data to the demo org (first start); `users` maps demo usernames to ids. */
  seedDemo?(t: TenantTx, users: Record<string, number>): Promise<void>;
}

declare module '../access/actor.ts' {
  interface Actor {
    /** A session opened with a temporary or reset password: it may only change it (see below). */
    mustChangePassword?: boolean;
  }
}

/** What a session with a temporary password may still do: see who it is, change it, log out. */
const TEMPORARY_PASSWORD_ROUTES = new Set([
  'GET /api/auth/me',
  'POST /api/auth/password',
  'POST /api/auth/logout',
]);

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** Reachable without credentials, and by any kind of credential (login, health, device pairing). */
    public?: boolean;
  }
  interface FastifyInstance {
    deps: AppDeps;
    metrics: Metrics;
    authenticators: Authenticator[];
    jobs: JobRunner;
  }
}

export const SESSION_COOKIE = 'roster_session';

function headerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

function cookieToken(request: FastifyRequest): string | undefined {
  return request.cookies?.[SESSION_COOKIE];
}

/** The authenticated actor, or a 401. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized();
  return request.actor;
}

/** What a tenant transaction needs from the server: the database and the live event bus. */
export function tenantDeps(request: FastifyRequest): TenantDeps {
  return { db: request.server.deps.database.db, bus: request.server.deps.bus };
}

/** Runs `fn` in a tenant transaction for the request's actor (RLS, audit metadata, live events). */
export function tenant<T>(request: FastifyRequest, fn: (t: TenantTx) => Promise<T>): Promise<T> {
  return withTenant(tenantDeps(request), actorOf(request), fn, { requestId: request.id, ip: request.ip });
}

export interface BuildOptions {
  logger?: boolean | object;
  modules: RosterModule[];
}

/** Keeps planner statistics where no autovacuum does (db/statistics.ts); idle under autovacuum. */
function statisticsJob(database: Database): Job {
  let needed: Promise<boolean> | undefined;
  return {
    name: 'core.statistics',
    everyMs: STATISTICS_EVERY_MS,
    run: async () => {
      needed ??= lacksAutovacuum(database);
      if (await needed) await refreshStatistics(database.db);
    },
  };
}

export async function buildApp(deps: AppDeps, opts: BuildOptions): Promise<RosterApp> {
  const app = Fastify({
    logger: loggerOptions(opts.logger),
    trustProxy: deps.config.trustProxy,
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler({ checkResponses: deps.config.checkResponses }));
  // The same test-time switch checks that statements built once per shape really depend on it alone.
  if (deps.config.checkResponses) shapeChecks.on = true;
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.addHook('onRoute', strictQuerystring);
  app.addHook('preValidation', refuseNul);
  // Auth invalidations also evict from this process's cache synchronously, before the bus carries
  // them to the other instances: a logout must not race the next request on the same server.
  const authCache = createAuthCache(deps.config.authCacheMs);
  const bus: EventBus = {
    ...deps.bus,
    publish: async (event) => {
      if (event.type === AUTH_INVALIDATE) authCache.evict(event.orgId, event.data as AuthInvalidation);
      await deps.bus.publish(event);
    },
  };
  authCache.follow(deps.bus);
  app.decorate('deps', { ...deps, bus });
  app.decorate('authenticators', [] as Authenticator[]);
  // Jobs are registered by modules but only started by `roster start`, and only when ROSTER_JOBS is
  // on; tests run one tick by hand (`runNow`).
  app.decorate('jobs', createJobRunner(deps.database, app.log, { enabled: deps.config.jobs }));
  app.jobs.add(statisticsJob(deps.database));
  app.addHook('onClose', async () => app.jobs.stop());
  app.decorateRequest('actor', null);

  const metrics = createMetrics(deps.database);
  app.decorate('metrics', metrics);
  instrument(app, metrics);

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  addSecurityHeaders(app);
  const origins = deps.config.corsOrigins;
  await app.register(cors, { origin: origins.length ? origins : false, credentials: true });
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: deps.config.maxUploadBytes, files: 1, fields: 20 } });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Roster API',
        version: '0.1.0',
        description: 'Multi-tenant operations platform: access follows assignment.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  app.addHook('onRequest', async (request) => {
    const isPublic = request.routeOptions.config?.public === true || !request.url.startsWith('/api/');
    // A credential the client names (header, live ticket) wins over the cookie the browser adds.
    const header = headerToken(request);
    const query = await liveQueryCredential(request, deps.config.secret, deps.rateLimiter);
    const cookie = header || query.given ? undefined : cookieToken(request);
    if (!isPublic) refuseCrossSiteCookieRequest(request, cookie !== undefined, origins);
    const token = header ?? query.token ?? cookie;
    if (token) {
      request.actor = authCache.get(token) ?? null;
      if (!request.actor) {
        request.actor = await resolveToken(app, token, request);
        // Only a fresh database answer starts a cache window; hits never extend it.
        if (request.actor) authCache.set(token, request.actor);
      }
      rememberCredential(request, token);
    }
    if (isPublic) return;
    if (!request.actor)
      throw unauthorized(
        token || query.given ? 'Invalid, expired or revoked credentials' : 'Authentication required',
      );
    requireAcceptedCredential(request);
    // Whoever holds a temporary password (given by an admin, or mailed) is not yet the account's
    // owner for sure: nothing else happens until they choose their own.
    if (
      request.actor.mustChangePassword &&
      !TEMPORARY_PASSWORD_ROUTES.has(`${request.method} ${request.routeOptions.url}`)
    )
      throw forbidden('Change your temporary password first');
  });

  registerOps(app, deps, metrics);
  for (const module of opts.modules) await module.register(app);
  return app;
}

/** The actor behind a bearer secret, asking each module's authenticator in turn (no cache). */
export async function resolveToken(
  app: FastifyInstance,
  token: string,
  request: FastifyRequest,
): Promise<Actor | null> {
  for (const authenticate of app.authenticators) {
    const actor = await authenticate(token, request);
    if (actor) return actor;
  }
  return null;
}

function registerOps(app: RosterApp, deps: AppDeps, metrics: Metrics) {
  const hidden = { hide: true } as const;
  app.get('/openapi.json', { config: { public: true }, schema: hidden }, () =>
    Promise.resolve(app.swagger()),
  );
  app.get('/healthz', { config: { public: true }, schema: hidden }, () => Promise.resolve({ status: 'ok' }));
  const readyQuery = z.object({ verbose: z.string().optional() });
  app.get(
    '/readyz',
    { config: { public: true }, schema: { ...hidden, querystring: readyQuery } },
    async (req, reply) => {
      const verbose = req.query.verbose !== undefined;
      const ready = await readiness(deps.database, deps.bus, verbose);
      return reply.code(ready.code).send(ready.body);
    },
  );
  registerDependencyMetrics(metrics.registry, deps.bus);
  // Outages are logged once per change of state, in the server's log.
  deps.database.health.useLog(app.log);
  deps.bus.health?.useLog(app.log);
  app.get('/metrics', { config: { public: true }, schema: hidden }, async (req, reply) => {
    requireMetricsToken(req, deps.config.metricsToken);
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
