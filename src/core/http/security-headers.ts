import helmet, { type HelmetOptions } from 'helmet';
import type { FastifyInstance } from 'fastify';

/** What browsers are told about this origin: the console, its API and the screens' player. */
const OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
      mediaSrc: ["'self'", 'blob:', 'https:'],
      styleSrc: ["'self'", "'unsafe-inline'"],
      scriptSrc: ["'self'"],
      connectSrc: ["'self'", 'ws:', 'wss:'],
      frameSrc: ["'self'", 'https:'],
    },
  },
  crossOriginEmbedderPolicy: false,
};

/**
 * The headers helmet sets for `options`, as name → value. Helmet's middleware only calls
 * `setHeader`/`removeHeader` on the response, and with no function-valued directive (no nonces)
 * what it sets does not depend on the request, so it is run once, against a recorder.
 */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = value),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet(options)({} as never, recorder as never, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error('helmet refused its options', { cause: err });
  });
  return headers;
}

/**
 * Helmet's headers on every response (404s and errors included), computed once at start.
 * @fastify/helmet built helmet's middleware again on every request, parsing the directives each
 * time: about 6 % of the server's CPU for a door scan (docs/performance.md).
 */
export function addSecurityHeaders(app: FastifyInstance): void {
  const headers = helmetHeaders(OPTIONS);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
