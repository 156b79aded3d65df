import { z } from 'zod';
import { bodyIntId, intId, uuidParam } from '../../core/db/ids.ts';
import { tenant, type RosterApp } from '../../core/http/app.ts';
import { mapPage, pageOf, pageQuery } from '../../core/http/pagination.ts';
import { base, eventParams, eventRole, flag, flagValue, instant, roomRole, tags } from './inputs.ts';
import * as roles from './roles.ts';
import * as svc from './service.ts';
import { assignmentOut, assignmentView, myRoomOut, myRoomView, slotOut, slotView } from './views.ts';
import {
  memberCandidateOut,
  memberCandidateView,
  staffInvitationOut,
  staffInvitationView,
} from './views-staffing.ts';

/** Per-event roles: who is a gestionnaire, controller, participant or exposant of the event. */
export function registerEventRoles(app: RosterApp) {
  app.get(
    `${base}/:id/assignments`,
    {
      schema: {
        tags,
        summary: 'Roles in the event (managers: all; others: their own)',
        params: eventParams,
        querystring: pageQuery.extend({ role: eventRole.optional() }),
        response: { 200: pageOf(assignmentOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { role, ...page } = req.query;
        const result = await roles.listEventAssignments(t, req.params.id, { role, page });
        return { items: result.items.map(assignmentView), next_cursor: result.next_cursor };
      }),
  );
  app.post(
    `${base}/:id/assignments`,
    {
      schema: {
        tags,
        summary: 'Give a user a role in the event (participants and exposants get a badge)',
        params: eventParams,
        body: z.strictObject({ user_id: bodyIntId, role: eventRole }),
        response: { 201: assignmentOut },
      },
    },
    async (req, reply) => {
      const input = { userId: req.body.user_id, role: req.body.role };
      const a = await tenant(req, (t) => roles.assignEventRole(t, req.params.id, input));
      return reply.code(201).send(assignmentView(a));
    },
  );
  app.delete(
    `${base}/:id/assignments/:assignmentId`,
    {
      schema: {
        tags,
        summary: 'Take a role away (ends room slots, deactivates the badge)',
        params: z.object({ id: uuidParam, assignmentId: uuidParam }),
      },
    },
    async (req, reply) => {
      await tenant(req, (t) => roles.removeEventRole(t, req.params.id, req.params.assignmentId));
      return reply.code(204).send();
    },
  );
}

/** Finding people for the event: the org's members to pick from, and an invitation by email or username. */
export function registerStaffPicking(app: RosterApp) {
  app.get(
    `${base}/:id/member-candidates`,
    {
      schema: {
        tags,
        summary:
          "The organization's members to give a role in the event (managers), searched by name, username " +
          'or email, each with the role they hold in the event (assigned=true: those holding one)',
        params: eventParams,
        querystring: pageQuery.extend({ q: z.string().trim().max(100).optional(), assigned: flag }),
        response: { 200: pageOf(memberCandidateOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { q, assigned, ...page } = req.query;
        const filter = { q, assigned: flagValue(assigned), page };
        return mapPage(await roles.memberCandidates(t, req.params.id, filter), memberCandidateView);
      }),
  );
  app.post(
    `${base}/:id/invitations`,
    {
      schema: {
        tags,
        summary:
          'Give a role by email or username: a member gets it at once (201); anyone else is invited to the ' +
          'organization (202, org admins only) and given the role once they have joined',
        params: eventParams,
        body: z.strictObject({ login: z.string().trim().min(1).max(254), role: eventRole }),
        response: { 201: staffInvitationOut, 202: staffInvitationOut },
      },
    },
    async (req, reply) => {
      const r = await tenant(req, (t) => roles.inviteToEvent(t, req.params.id, req.body));
      return reply.code(r.kind === 'assigned' ? 201 : 202).send(staffInvitationView(r));
    },
  );
}

/** Room slots: a gestionnaire or controller in one room for a time window. */
export function registerRoomSlots(app: RosterApp) {
  app.get(
    `${base}/:id/room-assignments`,
    {
      schema: {
        tags,
        summary: 'Room slots (managers: all; staff: their own)',
        params: eventParams,
        querystring: pageQuery.extend({ room_id: uuidParam.optional(), user_id: intId.optional() }),
        response: { 200: pageOf(slotOut) },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        const { room_id, user_id, ...page } = req.query;
        const filter = { roomId: room_id, userId: user_id, page };
        const result = await svc.listRoomAssignments(t, req.params.id, filter);
        return { items: result.items.map(slotView), next_cursor: result.next_cursor };
      }),
  );
  app.post(
    `${base}/:id/room-assignments`,
    {
      schema: {
        tags,
        summary: 'Put a gestionnaire or controller in a room for a time slot (one room at a time)',
        params: eventParams,
        body: z.strictObject({
          user_id: bodyIntId,
          room_id: uuidParam,
          role: roomRole,
          start_time: instant,
          end_time: instant,
        }),
        response: { 201: slotOut },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const input = {
        userId: b.user_id,
        roomId: b.room_id,
        role: b.role,
        startsAt: b.start_time,
        endsAt: b.end_time,
      };
      const slot = await tenant(req, (t) => svc.assignRoom(t, req.params.id, input));
      return reply.code(201).send(slotView(slot));
    },
  );
  app.delete(
    `${base}/:id/room-assignments/:slotId`,
    { schema: { tags, summary: 'End a room slot', params: z.object({ id: uuidParam, slotId: uuidParam }) } },
    async (req, reply) => {
      await tenant(req, (t) => svc.endRoomAssignment(t, req.params.id, req.params.slotId));
      return reply.code(204).send();
    },
  );
  app.get(
    `${base}/:id/my-room`,
    {
      schema: {
        tags,
        summary: 'The room I staff right now (from the clock), or null',
        params: eventParams,
        response: { 200: myRoomOut },
      },
    },
    async (req) =>
      tenant(req, async (t) => {
        await svc.getEvent(t, req.params.id);
        return myRoomView(await svc.currentRoom(t, req.params.id));
      }),
  );
}
