import { forbidden } from '../http/problem.ts';

/** Organization-wide roles of a membership (identity module). Module roles come from assignments. */
export const ORG_ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

/** Who is acting, resolved once per request from a session, an API key or a device token. */
export interface Actor {
  /** The user behind the request; null for API keys without a user and for devices. */
  userId: number | null;
  /** Human-readable label for audit rows: a username, `api-key:name` or `device:name`. */
  label: string;
  orgId: string;
  orgRole: OrgRole;
  via: 'session' | 'api_key' | 'device' | 'display' | 'system';
  sessionId?: string;
  apiKeyId?: string;
  deviceId?: string;
  /** The display link (a read-only wall on a screen) a `display` credential stands for. */
  displayLinkId?: string;
  /** When the credentials expire (epoch ms); a cached actor is never used past it. */
  validUntil?: number;
}

export function isOrgAdmin(actor: Actor): boolean {
  return actor.orgRole === 'owner' || actor.orgRole === 'admin';
}

/** Viewers read; everything that changes data needs at least member. */
export function canWrite(actor: Actor): boolean {
  return actor.orgRole !== 'viewer';
}

/** The actor for platform jobs (seeding, pollers, scheduled jobs) acting inside one org. */
export function systemActor(orgId: string, label = 'system'): Actor {
  return { userId: null, label, orgId, orgRole: 'owner', via: 'system' };
}

/** Throws 403 unless the actor administers the org (owner or admin). */
export function requireOrgAdmin(actor: Actor, what = 'do this'): void {
  if (!isOrgAdmin(actor)) throw forbidden(`Only organization admins may ${what}`);
}

/** Throws 403 for viewers (read-only members and read-only API keys). */
export function requireWriter(actor: Actor): void {
  if (!canWrite(actor)) throw forbidden('Your role is read-only');
}
