import crypto from 'node:crypto';
import client from 'prom-client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../db/client.ts';
import { unauthorized } from './problem.ts';

/**
 * Prometheus metrics on a registry of this app's own (tests build many apps in one process).
 * Modules add their counters through `app.metrics.registry`.
 */
export function createMetrics(database: Database) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'roster_' });
  const requests = new client.Counter({
    name: 'roster_http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'roster_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  new client.Gauge({
    name: 'roster_db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const s = database.poolStats();
      this.set({ state: 'total' }, s.total);
      this.set({ state: 'idle' }, s.idle);
      this.set({ state: 'waiting' }, s.waiting);
    },
  });
  return { registry, requests, duration };
}

export type Metrics = ReturnType<typeof createMetrics>;

export function instrument(app: FastifyInstance, metrics: Metrics) {
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL: ids must not explode the label set.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
}

/**
 * With METRICS_TOKEN set, `/metrics` answers only a scraper that sends it as a Bearer token: the
 * metrics name routes, request rates and pool sizes, which are nobody else's business.
 */
export function requireMetricsToken(request: FastifyRequest, token: string | undefined): void {
  if (!token) return;
  const header = request.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7).trim() : '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected))
    throw unauthorized('Metrics require the METRICS_TOKEN bearer token');
}

/**
 * A module's counter on an app's registry, created at its first use: a module may be set up more
 * than once on one app (tests, jobs), and a registry refuses a second metric of the same name.
 */
export function registeredCounter<L extends string>(
  registry: client.Registry,
  c: { name: string; help: string; labelNames: readonly L[] },
): client.Counter<L> {
  const existing = registry.getSingleMetric(c.name);
  if (existing) return existing as client.Counter<L>;
  return new client.Counter({ ...c, registers: [registry] });
}
