import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Actor, OrgRole } from '../../core/access/actor.ts';
import { audit } from '../../core/audit/service.ts';
import { queryRows, type Db } from '../../core/db/client.ts';
import { memberships, organizations, users } from '../../core/db/platform-schema.ts';
import { withTenant, type TenantDeps, type TenantTx } from '../../core/db/tenant.ts';
import { conflict, notFound, unauthorized } from '../../core/http/problem.ts';
import { phrase } from '../../core/http/problem-texts.ts';
import { invitations } from './schema.ts';
import { assertMayChangeOwnership } from './service.ts';

export type Invitation = typeof invitations.$inferSelect;

/**
 * What other modules attach to an invitation (e.g. a role in an event) is given when it is
 * accepted: each listener runs in the accepting transaction, as the new member.
 */
export type AcceptedListener = (t: TenantTx, invitation: Invitation) => Promise<void>;
const acceptedListeners = new Set<AcceptedListener>();
export function onInvitationAccepted(listener: AcceptedListener): void {
  acceptedListeners.add(listener);
}

/** Long enough to be noticed after a holiday; a forgotten invitation must not stay open for ever. */
export const INVITATION_TTL_MS = 14 * 24 * 3600 * 1000;

const pending = (now = new Date()) =>
  and(
    isNull(invitations.acceptedAt),
    isNull(invitations.declinedAt),
    isNull(invitations.revokedAt),
    gt(invitations.expiresAt, now),
  );

/**
 * Invites whoever `login` (a username or an email) names to the current org. The answer is the
 * same whether or not such an account exists: the account is resolved here but never shown, and
 * an invitation naming nobody simply expires. Only the org's own members are told apart (409),
 * and those its admins see anyway.
 */
export async function inviteMember(t: TenantTx, login: string, role: OrgRole): Promise<Invitation> {
  assertMayChangeOwnership(t.actor, null, role);
  const typed = login.trim();
  const [{ id }] = await queryRows<{ id: string | null }>(
    t.tx,
    sql`select coalesce(app_user_id_by_username(${typed}), app_user_id_by_email(${typed})) as id`,
  );
  const invitedUserId = id === null ? null : Number(id);
  if (invitedUserId !== null) {
    // RLS shows memberships of this org only: this tells nothing about other orgs.
    const [member] = await t.tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(eq(memberships.userId, invitedUserId));
    if (member) throw conflict(phrase('user.alreadyMember', { who: typed }));
  }
  const [open] = await t.tx
    .select()
    .from(invitations)
    .where(and(sql`lower(${invitations.login}) = lower(${typed})`, pending()));
  if (open) return open;
  const [invitation] = await t.tx
    .insert(invitations)
    .values({
      orgId: t.orgId,
      login: typed,
      invitedUserId,
      role,
      invitedBy: t.actor.userId,
      expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
    })
    .returning();
  await audit(t, {
    action: 'invite',
    entityType: 'invitation',
    entityId: invitation.id,
    message: `${typed} invited to the organization as ${role}`,
    after: { login: typed, role },
  });
  return invitation;
}

export async function listOrgInvitations(t: TenantTx): Promise<Invitation[]> {
  return t.tx.select().from(invitations).orderBy(desc(invitations.createdAt)).limit(500);
}

export async function revokeInvitation(t: TenantTx, id: string): Promise<Invitation> {
  const [revoked] = await t.tx
    .update(invitations)
    .set({ revokedAt: new Date() })
    .where(and(eq(invitations.id, id), pending()))
    .returning();
  if (revoked) {
    await audit(t, {
      action: 'revoke',
      entityType: 'invitation',
      entityId: id,
      message: `Invitation of ${revoked.login} revoked`,
    });
    return revoked;
  }
  const [closed] = await t.tx.select().from(invitations).where(eq(invitations.id, id));
  if (!closed) throw notFound('Invitation');
  return closed;
}

/**
 * The open invitations addressed to the logged-in user, across orgs. Read on the owner connection:
 * they belong to orgs the user is not (yet) a member of, so no tenant can show them.
 */
export async function myInvitations(db: Db, userId: number) {
  return db
    .select({ invitation: invitations, org: organizations })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .where(and(eq(invitations.invitedUserId, userId), pending(), eq(organizations.isActive, true)))
    .orderBy(desc(invitations.createdAt));
}

/** Accepts (joins the org with the offered role) or declines an open invitation addressed to the actor. */
export async function answerInvitation(
  deps: TenantDeps,
  actor: Actor,
  id: string,
  answer: 'accept' | 'decline',
) {
  const userId = actor.userId;
  if (userId === null || actor.via !== 'session') throw unauthorized('Only a logged-in user can answer');
  const [found] = (await myInvitations(deps.db, userId)).filter((r) => r.invitation.id === id);
  // Someone else's invitation looks like no invitation at all.
  if (!found) throw notFound('Invitation');
  const [user] = await deps.db.select({ username: users.username }).from(users).where(eq(users.id, userId));
  const invitee: Actor = {
    userId,
    label: user.username,
    orgId: found.org.id,
    orgRole: 'viewer',
    via: 'session',
  };
  const invitation = await withTenant(deps, invitee, async (t) => {
    const now = new Date();
    const [answered] = await t.tx
      .update(invitations)
      .set(answer === 'accept' ? { acceptedAt: now } : { declinedAt: now })
      .where(and(eq(invitations.id, id), pending(now)))
      .returning();
    if (!answered) throw notFound('Invitation');
    if (answer === 'accept') {
      const [member] = await t.tx
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(eq(memberships.userId, userId));
      if (member) throw conflict('You are already a member of this organization');
      await t.tx.insert(memberships).values({ orgId: t.orgId, userId, role: answered.role });
      for (const listener of acceptedListeners) await listener(t, answered);
    }
    const verb = answer === 'accept' ? 'accepted' : 'declined';
    await audit(t, {
      action: `invitation.${answer}`,
      entityType: 'invitation',
      entityId: id,
      message: `${user.username} ${verb} the invitation as ${answered.role}`,
    });
    return answered;
  });
  return { invitation, org: found.org };
}
