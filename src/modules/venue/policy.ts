import { anyOf, definePolicy } from '../../core/access/policy.ts';
import { inRoomNow, managesEvent } from '../events/policy.ts';
import { rooms } from '../events/schema.ts';

/**
 * The room page brings a room's session, door, stage and screens together for whoever runs the
 * room: its manager during their slot, the event's managers and org admins at any time.
 */
export const roomPagePolicy = definePolicy({
  entity: 'Room',
  table: rooms,
  see: (actor) =>
    anyOf(managesEvent(actor, rooms.eventId), inRoomNow(actor, rooms.id, 'gestionnaire_des_salles')),
  actions: {},
});
