import type { FastifyRequest } from 'fastify';
import { badRequest, type FieldError } from './problem.ts';

const MESSAGE = 'contains a NUL character, which cannot be stored';

/** The 400 for text holding NUL, whether this check or the database found it. */
export const nulRefused = (errors?: FieldError[]) =>
  badRequest('Text contains a character that cannot be stored (NUL)', errors);

/** Paths of the strings under `value` that contain NUL (`body.items.2.name`). */
function nulPaths(value: unknown, path: string, out: FieldError[]): FieldError[] {
  if (out.length >= 20) return out;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) out.push({ path, message: MESSAGE });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => nulPaths(item, `${path}.${i}`, out));
  } else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [key, item] of Object.entries(value)) nulPaths(item, `${path}.${key}`, out);
  }
  return out;
}

/**
 * Text in Postgres cannot hold NUL, so no request carrying one in a field can be stored or even
 * searched: it is refused before validation, once for every route, naming each field — the same
 * 400 whichever route or database would otherwise have met it.
 */
export function refuseNul(request: FastifyRequest, _reply: unknown, done: (err?: Error) => void) {
  const errors = nulPaths(request.body, 'body', nulPaths(request.query, 'query', []));
  if (errors.length === 0) return done();
  done(nulRefused(errors));
}
