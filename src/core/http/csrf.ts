import type { FastifyRequest } from 'fastify';
import { HttpProblem } from './problem.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether the request must prove it comes from our own pages: it changes state (or opens a live
 * connection, which a browser also sends cookies with) and its credential is the session cookie,
 * which the browser attaches by itself to requests that other sites start.
 * A Bearer header is never attached by the browser, so Bearer clients are not concerned.
 */
function needsSameOrigin(request: FastifyRequest, cookieAuthenticated: boolean): boolean {
  if (!cookieAuthenticated) return false;
  const upgrade = String(request.headers.upgrade ?? '').toLowerCase() === 'websocket';
  return upgrade || !SAFE_METHODS.has(request.method);
}

/** The origin this server answers on, as the browser sees it (behind TRUST_PROXY, the proxy's). */
export function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/**
 * Refuses a cookie-authenticated write that a browser sent on behalf of another site. The browser
 * says where the request comes from: `Sec-Fetch-Site` (same-origin, or none when the user typed
 * it), else `Origin`, which must be this server's own origin or one listed in CORS_ORIGINS. A
 * request that says neither is refused too: browsers always send one of them on writes.
 */
export function refuseCrossSiteCookieRequest(
  request: FastifyRequest,
  cookieAuthenticated: boolean,
  allowedOrigins: readonly string[],
): void {
  if (!needsSameOrigin(request, cookieAuthenticated)) return;
  const site = request.headers['sec-fetch-site'];
  if (site === 'same-origin' || site === 'none') return;
  const origin = request.headers.origin;
  if (origin && (origin === ownOrigin(request) || allowedOrigins.includes(origin))) return;
  throw new HttpProblem(403, 'Forbidden', 'Cross-site request refused');
}
