import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { RateLimiter } from './rate-limit.ts';

/** How long a live ticket may wait before the WebSocket is opened with it. */
export const LIVE_TICKET_TTL_MS = 30_000;
export const LIVE_PATH = '/api/live';

/**
 * A live ticket lets a browser open `/api/live` without putting its session token in the URL
 * (browsers cannot set headers on a WebSocket, and URLs end up in logs and histories). It is the
 * caller's credential sealed with the server secret (AES-256-GCM), an expiry and a nonce: any
 * instance sharing ROSTER_SECRET can open it, nobody else can read or forge it, it dies with the
 * credential behind it, and the nonce makes it single-use (counted in the shared rate limiter, so
 * across instances too on Redis).
 */
interface Sealed {
  token: string;
  expiresAt: number;
  nonce: string;
}

function keyOf(secret: string): Buffer {
  return crypto.createHash('sha256').update(`roster live ticket\0${secret}`).digest();
}

export function issueLiveTicket(
  secret: string,
  token: string,
  now: number = Date.now(),
  ttlMs: number = LIVE_TICKET_TTL_MS,
): { ticket: string; expiresAt: Date } {
  const sealed: Sealed = {
    token,
    expiresAt: now + ttlMs,
    nonce: crypto.randomBytes(16).toString('base64url'),
  };
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', keyOf(secret), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(sealed), 'utf8'), cipher.final()]);
  const ticket = `lt_${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  return { ticket, expiresAt: new Date(sealed.expiresAt) };
}

/** The sealed contents, or null for a ticket that is forged, damaged or expired. */
function openTicket(secret: string, ticket: string, now: number): Sealed | null {
  if (!ticket.startsWith('lt_')) return null;
  const raw = Buffer.from(ticket.slice(3), 'base64url');
  if (raw.length < 29) return null;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', keyOf(secret), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    const sealed = JSON.parse(text) as Sealed;
    return sealed.expiresAt > now ? sealed : null;
  } catch {
    return null;
  }
}

/** The credential inside a live ticket, at most once per ticket; undefined when it cannot be used. */
export async function redeemLiveTicket(
  secret: string,
  limiter: RateLimiter,
  ticket: string,
  now: number = Date.now(),
): Promise<string | undefined> {
  const sealed = openTicket(secret, ticket, now);
  if (!sealed) return undefined;
  const windowSeconds = Math.ceil((sealed.expiresAt - now) / 1000) + 1;
  const use = await limiter.hit(`live-ticket:${sealed.nonce}`, 1, windowSeconds);
  return use.allowed ? sealed.token : undefined;
}

function queryValue(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The credential given in the query of `/api/live`, the one route that accepts one there:
 * `?ticket=` (preferred) or `?token=` (older clients; redacted from logs like every credential).
 */
export async function liveQueryCredential(
  request: FastifyRequest,
  secret: string,
  limiter: RateLimiter,
): Promise<{ token?: string; given: boolean }> {
  if (request.routeOptions.url !== LIVE_PATH) return { given: false };
  const ticket = queryValue(request, 'ticket');
  if (ticket) return { token: await redeemLiveTicket(secret, limiter, ticket), given: true };
  const token = queryValue(request, 'token');
  return { token, given: token !== undefined };
}
