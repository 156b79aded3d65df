import { and, eq, isNotNull, isNull, or, sql } from 'drizzle-orm';
import { isOrgAdmin } from '../../core/access/actor.ts';
import { audit } from '../../core/audit/service.ts';
import { memberships, users } from '../../core/db/platform-schema.ts';
import { containsText } from '../../core/db/search.ts';
import type { TenantTx } from '../../core/db/tenant.ts';
import { keyset, type PageQuery } from '../../core/http/pagination.ts';
import { conflict, forbidden } from '../../core/http/problem.ts';
import { phrase } from '../../core/http/problem-texts.ts';
import { inviteMember, type Invitation } from '../identity/invitations.ts';
import { issueBadge } from './participants.ts';
import { eventAssignmentPolicy } from './policy.ts';
import {
  eventAssignments,
  eventRoleInvitations,
  events,
  participants,
  roomAssignments,
  type EventRole,
} from './schema.ts';
import { assertMember, getEvent } from './service.ts';

/**
 * The role a user holds in one event. It sits above both the event rules (service.ts) and the
 * badges (participants.ts): a participant or exposant role issues a badge, ending a role ends it.
 */
export type EventAssignment = typeof eventAssignments.$inferSelect;

export async function assignEventRole(
  t: TenantTx,
  eventId: string,
  input: { userId: number; role: EventRole },
): Promise<EventAssignment> {
  await getEvent(t, eventId, 'manage');
  return grantEventRole(t, eventId, input);
}

/** Gives the role (and the badge it comes with); the caller decided who may. */
async function grantEventRole(
  t: TenantTx,
  eventId: string,
  input: { userId: number; role: EventRole },
  invitedBy?: number | null,
): Promise<EventAssignment> {
  await assertMember(t, input.userId, 'body.user_id');
  const [existing] = await t.tx
    .select()
    .from(eventAssignments)
    .where(and(eq(eventAssignments.eventId, eventId), eq(eventAssignments.userId, input.userId)));
  if (existing?.isActive)
    throw conflict(phrase('event.roleHeld', { role: existing.role }), [
      { path: 'body.user_id', message: 'already assigned in this event' },
    ]);
  const values = {
    role: input.role,
    isActive: true,
    assignedBy: invitedBy === undefined ? t.actor.userId : invitedBy,
    assignedAt: new Date(),
    updatedAt: new Date(),
  };
  const [assignment] = existing
    ? await t.tx.update(eventAssignments).set(values).where(eq(eventAssignments.id, existing.id)).returning()
    : await t.tx
        .insert(eventAssignments)
        .values({ orgId: t.orgId, eventId, userId: input.userId, ...values })
        .returning();
  if (input.role === 'participant' || input.role === 'exposant') {
    const [user] = await t.tx
      .select({ fullName: users.fullName, username: users.username, email: users.email })
      .from(users)
      .where(eq(users.id, input.userId));
    await issueBadge(t, eventId, {
      userId: input.userId,
      fullName: user.fullName || user.username,
      email: user.email,
      role: input.role,
    });
  }
  await audit(t, {
    action: 'assign',
    entityType: 'event_assignment',
    entityId: assignment.id,
    message:
      invitedBy === undefined
        ? `User ${input.userId} assigned as ${input.role}`
        : `User ${input.userId} assigned as ${input.role} on accepting the invitation`,
    before: existing ?? null,
    after: assignment,
  });
  return assignment;
}

export async function listEventAssignments(
  t: TenantTx,
  eventId: string,
  opts: { role?: EventRole; page: PageQuery },
) {
  await getEvent(t, eventId);
  const ks = keyset<EventAssignment>({ columns: [eventAssignments.id], key: (a) => [a.id], page: opts.page });
  const rows = await t.tx
    .select()
    .from(eventAssignments)
    .where(
      and(
        eq(eventAssignments.eventId, eventId),
        eq(eventAssignments.isActive, true),
        eventAssignmentPolicy.visible(t.actor),
        opts.role ? eq(eventAssignments.role, opts.role) : undefined,
        ks.after,
      ),
    )
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(rows);
}

/** Ends a role in the event: its room slots end with it, and a badge stops opening doors. */
export async function removeEventRole(t: TenantTx, eventId: string, assignmentId: string): Promise<void> {
  const where = and(
    eq(eventAssignments.id, assignmentId),
    eq(eventAssignments.eventId, eventId),
    eq(eventAssignments.isActive, true),
  )!;
  const before = await eventAssignmentPolicy.load(t.tx, t.actor, 'manage', where);
  await t.tx
    .update(eventAssignments)
    .set({ isActive: false, updatedAt: new Date() })
    .where(eq(eventAssignments.id, assignmentId));
  await t.tx
    .update(roomAssignments)
    .set({ isActive: false, updatedAt: new Date() })
    .where(and(eq(roomAssignments.eventId, eventId), eq(roomAssignments.userId, before.userId)));
  await t.tx
    .update(participants)
    .set({ isActive: false, updatedAt: new Date() })
    .where(and(eq(participants.eventId, eventId), eq(participants.userId, before.userId)));
  await audit(t, {
    action: 'unassign',
    entityType: 'event_assignment',
    entityId: assignmentId,
    message: `User ${before.userId} removed from role ${before.role}`,
    before,
    after: { ...before, isActive: false },
  });
}

export interface MemberCandidate {
  userId: number;
  username: string;
  fullName: string;
  email: string | null;
  /** The role the member holds in the event now, if any. */
  assignment: Pick<EventAssignment, 'id' | 'role'> | null;
}

/**
 * The organization's active members as the event's managers pick them for a role: searched by
 * name, username or email, each with the role they already hold in the event.
 */
export async function memberCandidates(
  t: TenantTx,
  eventId: string,
  opts: { q?: string; assigned?: boolean; page: PageQuery },
) {
  await getEvent(t, eventId, 'manage');
  const ks = keyset<MemberCandidate>({
    columns: [users.username],
    key: (m) => [m.username],
    page: opts.page,
  });
  const rows = await t.tx
    .select({
      userId: users.id,
      username: users.username,
      fullName: users.fullName,
      email: users.email,
      assignmentId: eventAssignments.id,
      role: eventAssignments.role,
    })
    .from(users)
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.isActive, true)))
    .leftJoin(
      eventAssignments,
      and(
        eq(eventAssignments.userId, users.id),
        eq(eventAssignments.eventId, eventId),
        eq(eventAssignments.isActive, true),
      ),
    )
    .where(
      and(
        eq(users.isActive, true),
        opts.q ? containsText(opts.q, users.fullName, users.username, users.email) : undefined,
        opts.assigned === undefined
          ? undefined
          : opts.assigned
            ? isNotNull(eventAssignments.id)
            : isNull(eventAssignments.id),
        ks.after,
      ),
    )
    .orderBy(...ks.orderBy)
    .limit(ks.limit);
  return ks.finish(
    rows.map((r): MemberCandidate => ({
      userId: r.userId,
      username: r.username,
      fullName: r.fullName,
      email: r.email,
      assignment: r.assignmentId && r.role ? { id: r.assignmentId, role: r.role } : null,
    })),
  );
}

export type StaffInvitation =
  { kind: 'assigned'; assignment: EventAssignment } | { kind: 'invited'; invitation: Invitation };

/**
 * Gives the event role to whoever `login` (a username or an email) names. A member of the
 * organization gets the role at once. Anyone else is invited to join the organization (the
 * identity module's invitation, so org admins only) and the event role goes with the invitation:
 * it is given when they accept (grantInvitedRoles). The answer is the same whether or not such an
 * account exists, so nothing is learnt about other orgs.
 */
export async function inviteToEvent(
  t: TenantTx,
  eventId: string,
  input: { login: string; role: EventRole },
): Promise<StaffInvitation> {
  await getEvent(t, eventId, 'manage');
  const typed = input.login.trim();
  const [member] = await t.tx
    .select({ id: users.id })
    .from(users)
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.isActive, true)))
    .where(or(sql`lower(${users.username}) = lower(${typed})`, sql`lower(${users.email}) = lower(${typed})`));
  if (member)
    return {
      kind: 'assigned',
      assignment: await assignEventRole(t, eventId, { userId: member.id, role: input.role }),
    };
  if (!isOrgAdmin(t.actor)) throw forbidden(phrase('event.notMemberInvite', { who: typed }));
  const invitation = await inviteMember(t, typed, 'member');
  // Inviting again for this event (the same open invitation) offers the latest role.
  await t.tx
    .insert(eventRoleInvitations)
    .values({
      orgId: t.orgId,
      eventId,
      invitationId: invitation.id,
      role: input.role,
      invitedBy: t.actor.userId,
    })
    .onConflictDoUpdate({
      target: [eventRoleInvitations.orgId, eventRoleInvitations.invitationId, eventRoleInvitations.eventId],
      set: { role: input.role, invitedBy: t.actor.userId },
    });
  return { kind: 'invited', invitation };
}

/**
 * The new member accepted an invitation: the event roles offered with it are given now (audited
 * as given on acceptance), except in events since cancelled or removed.
 */
export async function grantInvitedRoles(t: TenantTx, invitation: { id: string }): Promise<void> {
  const offered = await t.tx
    .select({ offer: eventRoleInvitations })
    .from(eventRoleInvitations)
    .innerJoin(
      events,
      and(eq(events.orgId, eventRoleInvitations.orgId), eq(events.id, eventRoleInvitations.eventId)),
    )
    .where(
      and(
        eq(eventRoleInvitations.invitationId, invitation.id),
        isNull(eventRoleInvitations.grantedAt),
        eq(events.isActive, true),
      ),
    );
  for (const { offer } of offered) {
    await grantEventRole(t, offer.eventId, { userId: t.actor.userId!, role: offer.role }, offer.invitedBy);
    await t.tx
      .update(eventRoleInvitations)
      .set({ grantedAt: new Date() })
      .where(eq(eventRoleInvitations.id, offer.id));
  }
}
