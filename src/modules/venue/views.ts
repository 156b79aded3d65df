import { z } from 'zod';
import { SCREEN_PLACEMENTS, type EventUnit, type RoomScreen, type RoomStage } from './schema.ts';

// The venue module's wire format (snake_case, like the other modules' APIs).

export const roomStageOut = z.object({
  id: z.string(),
  room_id: z.string(),
  location_id: z.string(),
  linked_by: z.number().nullable(),
  created_at: z.string(),
});

export const roomScreenOut = z.object({
  id: z.string(),
  room_id: z.string(),
  device_id: z.string(),
  placement: z.enum(SCREEN_PLACEMENTS),
  linked_by: z.number().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const eventUnitOut = z.object({
  id: z.string(),
  event_id: z.string(),
  unit_id: z.number(),
  department_id: z.number().nullable(),
  linked_by: z.number().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const roomStageView = (r: RoomStage): z.infer<typeof roomStageOut> => ({
  id: r.id,
  room_id: r.roomId,
  location_id: r.locationId,
  linked_by: r.linkedBy,
  created_at: r.createdAt.toISOString(),
});

export const roomScreenView = (r: RoomScreen): z.infer<typeof roomScreenOut> => ({
  id: r.id,
  room_id: r.roomId,
  device_id: r.deviceId,
  placement: r.placement,
  linked_by: r.linkedBy,
  created_at: r.createdAt.toISOString(),
  updated_at: r.updatedAt.toISOString(),
});

export const eventUnitView = (r: EventUnit): z.infer<typeof eventUnitOut> => ({
  id: r.id,
  event_id: r.eventId,
  unit_id: r.unitId,
  department_id: r.departmentId,
  linked_by: r.linkedBy,
  created_at: r.createdAt.toISOString(),
  updated_at: r.updatedAt.toISOString(),
});
