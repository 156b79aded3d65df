import type { RouteOptions } from 'fastify';
import { z } from 'zod';

/**
 * Every API route refuses query parameters it does not know (400 naming each one), so a misspelt
 * filter can never silently answer with everything. Routes declare their parameters with a zod
 * object; it is made strict here, once, and a route declaring none accepts none.
 */
export function strictQuerystring(route: RouteOptions): void {
  const schema = route.schema ?? {};
  const query = schema.querystring;
  if (query === undefined) {
    if (!route.url.startsWith('/api/')) return;
    route.schema = { ...schema, querystring: z.strictObject({}) };
    return;
  }
  if (query instanceof z.ZodObject) {
    route.schema = { ...schema, querystring: query.strict() };
    return;
  }
  throw new Error(`${String(route.method)} ${route.url}: its querystring schema must be a zod object`);
}
