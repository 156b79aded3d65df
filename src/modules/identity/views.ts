import { z } from 'zod';
import { ORG_ROLES } from '../../core/access/actor.ts';
import type { ApiKey } from './api-keys.ts';
import type { Invitation } from './invitations.ts';
import type { Member, MemberIdentity, OrgIdentity } from './service.ts';

// The identity module's wire format: response schemas and the row → JSON mappers.

export const orgRoleOut = z.enum(ORG_ROLES);

export const userOut = z.object({
  id: z.number(),
  username: z.string(),
  email: z.string().nullable(),
  full_name: z.string(),
  is_active: z.boolean(),
  last_login: z.string().nullable(),
  must_change_password: z.boolean(),
});
export const orgOut = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  domain: z.string().nullable(),
  is_active: z.boolean(),
});
export const memberOut = z.object({ user: userOut, role: orgRoleOut, is_active: z.boolean() });
export const apiKeyOut = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  role: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

/** The user as the API shows it: never the hash. */
export const userView = (u: MemberIdentity): z.infer<typeof userOut> => ({
  id: u.id,
  username: u.username,
  email: u.email,
  full_name: u.fullName,
  is_active: u.isActive,
  last_login: u.lastLogin?.toISOString() ?? null,
  must_change_password: u.mustChangePassword,
});

export const orgView = (o: OrgIdentity): z.infer<typeof orgOut> => ({
  id: o.id,
  name: o.name,
  slug: o.slug,
  domain: o.domain,
  is_active: o.isActive,
});

export const memberView = (m: Member): z.infer<typeof memberOut> => ({
  user: userView(m.user),
  role: m.role,
  is_active: m.membershipActive,
});

/** An API key as the API shows it: never the hash, the secret only once at creation. */
export const apiKeyView = (k: ApiKey): z.infer<typeof apiKeyOut> => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  role: k.role,
  created_at: k.createdAt.toISOString(),
  last_used_at: k.lastUsedAt?.toISOString() ?? null,
  revoked_at: k.revokedAt?.toISOString() ?? null,
});

export const invitationOut = z.object({
  id: z.string(),
  login: z.string(),
  role: orgRoleOut,
  status: z.enum(['pending', 'accepted', 'declined', 'revoked', 'expired']),
  invited_by: z.number().nullable(),
  created_at: z.string(),
  expires_at: z.string(),
  accepted_at: z.string().nullable(),
  declined_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});
export const myInvitationOut = invitationOut.extend({ org: orgOut });

const statusOf = (i: Invitation): z.infer<typeof invitationOut>['status'] =>
  i.acceptedAt
    ? 'accepted'
    : i.declinedAt
      ? 'declined'
      : i.revokedAt
        ? 'revoked'
        : i.expiresAt.getTime() <= Date.now()
          ? 'expired'
          : 'pending';

/** An invitation as the inviting org sees it: what it typed and offered, never whom the login names. */
export const invitationView = (i: Invitation): z.infer<typeof invitationOut> => ({
  id: i.id,
  login: i.login,
  role: i.role,
  status: statusOf(i),
  invited_by: i.invitedBy,
  created_at: i.createdAt.toISOString(),
  expires_at: i.expiresAt.toISOString(),
  accepted_at: i.acceptedAt?.toISOString() ?? null,
  declined_at: i.declinedAt?.toISOString() ?? null,
  revoked_at: i.revokedAt?.toISOString() ?? null,
});
