import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { isOrgAdmin, type Actor } from '../../core/access/actor.ts';
import { assignmentInForce } from '../../core/access/assignment.ts';
import { anyOf, definePolicy, toSql, type Condition } from '../../core/access/policy.ts';
import {
  annonces,
  eventAssignments,
  events,
  exposantScans,
  participants,
  roomAccesses,
  roomAssignments,
  rooms,
  sessionQuestions,
  sessions,
  type EventRole,
} from './schema.ts';

const ev = alias(events, 'ev');
const ea = alias(eventAssignments, 'ea');
const ra = alias(roomAssignments, 'ra');

/** The event's creator or president: full control of that event, like an org admin. */
export function managesEvent(actor: Actor, eventId: AnyColumn): Condition {
  if (isOrgAdmin(actor)) return true;
  if (actor.userId === null) return false;
  return sql`exists (select 1 from ${events} as ${ev} where ${ev.id} = ${eventId}
    and (${ev.createdBy} = ${actor.userId} or ${ev.presidentId} = ${actor.userId}))`;
}

/** The actor holds one of `roles` in the event (UserEventAssignment). */
export function holdsEventRole(actor: Actor, eventId: AnyColumn, roles: readonly EventRole[]): Condition {
  if (actor.userId === null) return false;
  const list = sql.join(
    roles.map((r) => sql`${r}`),
    sql`, `,
  );
  return sql`exists (select 1 from ${eventAssignments} as ${ea} where ${ea.eventId} = ${eventId}
    and ${ea.userId} = ${actor.userId} and ${ea.isActive} = true and ${ea.role} in (${list}))`;
}

/**
 * The actor's room slot in that room, as `role`, is in force right now (the rule the door scan and
 * `currentRoom` apply too).
 */
export function inRoomNow(
  actor: Actor,
  roomId: AnyColumn,
  role: 'gestionnaire_des_salles' | 'controlleur_des_badges',
): Condition {
  if (actor.userId === null) return false;
  return sql`exists (select 1 from ${roomAssignments} as ${ra}
    where ${ra.roomId} = ${roomId} and ${ra.userId} = ${actor.userId} and ${ra.role} = ${role}
      and ${assignmentInForce(ra)})`;
}

const heldSlot = alias(roomAssignments, 'room_slot_held');
const heldRoom = alias(rooms, 'room_slot_room');

/**
 * The room slots of `role` in force at `at` in active rooms, as rows `(org_id, room_id, user_id,
 * slot_id, starts_at, ends_at)`: who holds which room then. Other modules reach a room's staff
 * (and their time windows) through this, never through the slot table itself.
 */
export function roomSlotsInForce(role: 'gestionnaire_des_salles' | 'controlleur_des_badges', at: SQL): SQL {
  const s = heldSlot;
  return sql`select ${s.orgId} as org_id, ${s.roomId} as room_id, ${s.userId} as user_id,
      ${s.id} as slot_id, ${s.startsAt} as starts_at, ${s.endsAt} as ends_at
    from ${roomAssignments} ${s}
    join ${rooms} ${heldRoom} on ${heldRoom.orgId} = ${s.orgId} and ${heldRoom.id} = ${s.roomId}
    where ${s.role} = ${role} and ${heldRoom.isActive} and ${assignmentInForce(s, at)}`;
}

const anyEventRole = (actor: Actor, eventId: AnyColumn) =>
  anyOf(
    managesEvent(actor, eventId),
    holdsEventRole(actor, eventId, [
      'gestionnaire_des_salles',
      'controlleur_des_badges',
      'participant',
      'exposant',
    ]),
  );

export const eventPolicy = definePolicy({
  entity: 'Event',
  table: events,
  see: (actor) => anyEventRole(actor, events.id),
  // Grants derived elsewhere (the org unit an event belongs to) show the event, and only that.
  derived: {
    target: 'events.event',
  },
  describe: {
    kind: 'events.event',
    source: 'creating or presiding the event, or a role in it',
    label: () => sql`${events.name}`,
    id: () => sql`${events.id}::text`,
    timeAware: false,
  },
  actions: {
    manage: (actor) => managesEvent(actor, events.id),
    /** Scan badges at room doors and check people in at the entrance. */
    scan: (actor) => holdsEventRole(actor, events.id, ['controlleur_des_badges']),
    /**
     * Force an entry past a door's refusal: event managers, and gestionnaires (only into the room
     * they hold now, which the scan function checks).
     */
    supervise: (actor) =>
      anyOf(managesEvent(actor, events.id), holdsEventRole(actor, events.id, ['gestionnaire_des_salles'])),
    /** Gestionnaires publish announcements, and so do the event's managers. */
    announce: (actor) =>
      anyOf(managesEvent(actor, events.id), holdsEventRole(actor, events.id, ['gestionnaire_des_salles'])),
  },
});

export const roomPolicy = definePolicy({
  entity: 'Room',
  table: rooms,
  see: (actor) => anyEventRole(actor, rooms.eventId),
  describe: {
    kind: 'events.room',
    source: "creating or presiding the room's event, or a role in it",
    label: () => sql`${rooms.name}`,
    id: () => sql`${rooms.id}::text`,
    timeAware: false,
  },
  actions: {
    manage: (actor) => managesEvent(actor, rooms.eventId),
    /** Put sessions in this room: event managers, or the room's gestionnaire during their slot. */
    schedule: (actor) =>
      anyOf(managesEvent(actor, rooms.eventId), inRoomNow(actor, rooms.id, 'gestionnaire_des_salles')),
    /** Check everyone out at the end of a session: event managers, or the room's gestionnaire now. */
    empty: (actor) =>
      anyOf(managesEvent(actor, rooms.eventId), inRoomNow(actor, rooms.id, 'gestionnaire_des_salles')),
  },
});

/**
 * Participants, exposants and controllers read the whole programme; a gestionnaire sees and edits
 * only the sessions of the room they are assigned to at this moment.
 */
export const sessionPolicy = definePolicy({
  entity: 'Session',
  table: sessions,
  see: (actor) =>
    anyOf(
      managesEvent(actor, sessions.eventId),
      holdsEventRole(actor, sessions.eventId, ['participant', 'exposant', 'controlleur_des_badges']),
      inRoomNow(actor, sessions.roomId, 'gestionnaire_des_salles'),
    ),
  actions: {
    edit: (actor) =>
      anyOf(
        managesEvent(actor, sessions.eventId),
        inRoomNow(actor, sessions.roomId, 'gestionnaire_des_salles'),
      ),
    remove: (actor) => managesEvent(actor, sessions.eventId),
  },
});

/** A badge holder sees their own badge; controllers of the event see every badge (entrance check-in). */
export const participantPolicy = definePolicy({
  entity: 'Participant',
  table: participants,
  see: (actor) =>
    anyOf(
      managesEvent(actor, participants.eventId),
      holdsEventRole(actor, participants.eventId, ['controlleur_des_badges']),
      actor.userId === null ? false : sql`${participants.userId} = ${actor.userId}`,
    ),
  actions: {
    manage: (actor) => managesEvent(actor, participants.eventId),
    checkIn: (actor) =>
      anyOf(
        managesEvent(actor, participants.eventId),
        holdsEventRole(actor, participants.eventId, ['controlleur_des_badges']),
      ),
  },
});

/** Scans of a room: event managers see all; a controller sees those of the room they hold now. */
export const roomAccessPolicy = definePolicy({
  entity: 'Scan',
  table: roomAccesses,
  see: (actor) =>
    anyOf(
      managesEvent(actor, roomAccesses.eventId),
      inRoomNow(actor, roomAccesses.roomId, 'controlleur_des_badges'),
      // The room's manager reviews its scans, the conflicts of uploaded ones first of all.
      inRoomNow(actor, roomAccesses.roomId, 'gestionnaire_des_salles'),
    ),
  actions: {},
});

/** Room slots: event managers see all of the event's; staff see their own. */
export const roomAssignmentPolicy = definePolicy({
  entity: 'Room assignment',
  table: roomAssignments,
  see: (actor) =>
    anyOf(
      managesEvent(actor, roomAssignments.eventId),
      actor.userId === null ? false : sql`${roomAssignments.userId} = ${actor.userId}`,
    ),
  actions: {
    manage: (actor) => managesEvent(actor, roomAssignments.eventId),
  },
});

/** Event roles: event managers see the whole roster; everyone sees their own role. */
export const eventAssignmentPolicy = definePolicy({
  entity: 'Assignment',
  table: eventAssignments,
  see: (actor) =>
    anyOf(
      managesEvent(actor, eventAssignments.eventId),
      actor.userId === null ? false : sql`${eventAssignments.userId} = ${actor.userId}`,
    ),
  actions: {
    manage: (actor) => managesEvent(actor, eventAssignments.eventId),
  },
});

const ean = alias(eventAssignments, 'ean');
const qs = alias(sessions, 'qs');
const qp = alias(participants, 'qp');
const xp = alias(participants, 'xp');

/** Which `target` reaches which event role; `all` reaches every role. */
export const TARGET_OF_ROLE: Record<EventRole, (typeof annonces.$inferSelect)['target']> = {
  participant: 'participants',
  exposant: 'exposants',
  controlleur_des_badges: 'controlleurs',
  gestionnaire_des_salles: 'gestionnaires',
};
const targetOfRole = (role: AnyColumn) =>
  sql`case ${role} ${sql.join(
    Object.entries(TARGET_OF_ROLE).map(([r, target]) => sql`when ${r} then ${target}`),
    sql` `,
  )} end`;

/**
 * Every user reads exactly the announcements aimed at their role in the event (plus `all`); the
 * author always sees their own; event managers see every one. Only the author edits or deletes.
 */
export const annoncePolicy = definePolicy({
  entity: 'Annonce',
  table: annonces,
  see: (actor) =>
    anyOf(
      managesEvent(actor, annonces.eventId),
      actor.userId === null ? false : sql`${annonces.createdBy} = ${actor.userId}`,
      actor.userId === null
        ? false
        : sql`exists (select 1 from ${eventAssignments} as ${ean}
            where ${ean.eventId} = ${annonces.eventId} and ${ean.userId} = ${actor.userId} and ${ean.isActive} = true
              and (${annonces.target} = 'all' or ${annonces.target} = ${targetOfRole(ean.role)}))`,
    ),
  actions: {
    edit: (actor) => (actor.userId === null ? false : sql`${annonces.createdBy} = ${actor.userId}`),
  },
});

/** The gestionnaire holding the question's session room right now. */
const gestionnaireOfQuestionNow = (actor: Actor): Condition =>
  actor.userId === null
    ? false
    : sql`exists (select 1 from ${sessions} as ${qs}
        where ${qs.id} = ${sessionQuestions.sessionId} and ${inRoomNow(actor, qs.roomId, 'gestionnaire_des_salles')})`;

/**
 * Questions: the asker sees their own; answered ones are public to the event's badge holders; the
 * gestionnaire of the session's room (during their slot) sees and answers all of that room's.
 */
export const questionPolicy = definePolicy({
  entity: 'Question',
  table: sessionQuestions,
  see: (actor) =>
    anyOf(
      managesEvent(actor, sessionQuestions.eventId),
      gestionnaireOfQuestionNow(actor),
      actor.userId === null
        ? false
        : sql`exists (select 1 from ${participants} as ${qp}
            where ${qp.id} = ${sessionQuestions.participantId} and ${qp.userId} = ${actor.userId})`,
      sql`(${sessionQuestions.answeredAt} is not null
        and ${toSql(holdsEventRole(actor, sessionQuestions.eventId, ['participant', 'exposant']))})`,
    ),
  actions: {
    answer: (actor) => anyOf(managesEvent(actor, sessionQuestions.eventId), gestionnaireOfQuestionNow(actor)),
  },
});

/** Booth visits: an exposant sees their own visitors; event managers see every stand's. */
export const exposantScanPolicy = definePolicy({
  entity: 'Visit',
  table: exposantScans,
  see: (actor) =>
    anyOf(
      managesEvent(actor, exposantScans.eventId),
      actor.userId === null
        ? false
        : sql`exists (select 1 from ${participants} as ${xp}
            where ${xp.id} = ${exposantScans.exposantId} and ${xp.userId} = ${actor.userId})`,
    ),
  actions: {},
});
