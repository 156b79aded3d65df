import type { FastifyRequest } from 'fastify';
import { OUTAGE_DETAIL, outageOf } from '../db/availability.ts';
import { HttpProblem } from './problem.ts';

/** Seconds a client should wait before retrying while the database is unavailable. */
export const RETRY_AFTER_SECONDS = 2;

/**
 * A request the database could not serve because of an outage (not of the request) is answered
 * 503 with Retry-After, naming the cause; the database's health hears of it, so the outage is
 * logged once when it begins rather than once per request.
 */
export function unavailableProblem(error: unknown, request: FastifyRequest): HttpProblem | undefined {
  const outage = outageOf(error);
  if (!outage) return undefined;
  (request.server as Partial<FastifyRequest['server']>).deps?.database.observe(error);
  return new HttpProblem(503, 'Service Unavailable', OUTAGE_DETAIL[outage], undefined, {
    'retry-after': String(RETRY_AFTER_SECONDS),
  });
}
