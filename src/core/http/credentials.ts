import type { FastifyRequest } from 'fastify';
import { forbidden } from './problem.ts';

/**
 * The kinds of credential a request can carry. A route names the kinds it was made for; any other
 * kind is refused before the handler runs, so a screen's token cannot read the member list and a
 * new route is closed to screens until it says otherwise.
 * - `session`: a person logged in to the console (Bearer token or session cookie);
 * - `api_key`: an organization's API key (scripts, integrations, Anthias-compatible clients);
 * - `device`: a paired screen's token, for the screen-facing API under `/api/device/`;
 * - `display`: a read-only display link (a wall on a screen at side of stage), for its own routes.
 */
export const CREDENTIAL_KINDS = ['session', 'api_key', 'device', 'display'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** What an `/api/` route accepts when its config names no kinds: people and API keys. */
export const DEFAULT_CREDENTIALS: readonly CredentialKind[] = ['session', 'api_key'];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Credential kinds this route accepts (default: session and API key). */
    credentials?: readonly CredentialKind[];
  }
}

/** The credential kinds the request's route accepts. */
export function acceptedCredentials(request: FastifyRequest): readonly CredentialKind[] {
  return request.routeOptions.config?.credentials ?? DEFAULT_CREDENTIALS;
}

/** 403 when the request's actor holds a kind of credential its route was not made for. */
export function requireAcceptedCredential(request: FastifyRequest): void {
  const actor = request.actor;
  if (!actor) return;
  if (!(acceptedCredentials(request) as readonly string[]).includes(actor.via))
    throw forbidden('This credential cannot be used here');
}

/** The secret each request authenticated with, for handlers that re-check it later (live connections). */
const tokens = new WeakMap<FastifyRequest, string>();

export function rememberCredential(request: FastifyRequest, token: string | undefined): void {
  if (token) tokens.set(request, token);
}

/** The secret the request authenticated with (header, cookie, or a redeemed live ticket). */
export function credentialOf(request: FastifyRequest): string | undefined {
  return tokens.get(request);
}
