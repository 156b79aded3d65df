import { z } from 'zod';
import type { ScreenPanel } from './panel.ts';
import type { RoomOverview } from './room-page.ts';
import type { RoomAnnouncement, RoomPlace, RoomSession } from './room-state.ts';
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

const sessionOut = z.object({
  id: z.string(),
  title: z.string(),
  speaker_name: z.string(),
  start_time: z.string(),
  end_time: z.string(),
});

const sessionView = (s: RoomSession): z.infer<typeof sessionOut> => ({
  id: s.id,
  title: s.title,
  speaker_name: s.speakerName,
  start_time: s.startTime.toISOString(),
  end_time: s.endTime.toISOString(),
});

const roomPlaceOut = z.object({
  id: z.string(),
  name: z.string(),
  capacity: z.number(),
  occupancy: z.number(),
  event: z.object({ id: z.string(), name: z.string(), timezone: z.string() }),
});

const roomPlaceView = (r: RoomPlace): z.infer<typeof roomPlaceOut> => ({
  id: r.id,
  name: r.name,
  capacity: r.capacity,
  occupancy: r.occupancy,
  event: { id: r.eventId, name: r.eventName, timezone: r.timezone },
});

const announcementOut = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  created_at: z.string(),
});

const announcementView = (a: RoomAnnouncement): z.infer<typeof announcementOut> => ({
  id: a.id,
  title: a.title,
  description: a.description,
  created_at: a.createdAt.toISOString(),
});

export const screenPanelOut = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('room'),
    at: z.string(),
    placement: z.enum(SCREEN_PLACEMENTS),
    room: roomPlaceOut,
    current: sessionOut.nullable(),
    next: sessionOut.nullable(),
    announcements: z.array(announcementOut),
  }),
  z.object({
    kind: z.literal('lobby'),
    at: z.string(),
    room: roomPlaceOut,
    timetable: z.array(sessionOut.extend({ room_name: z.string() })),
    announcements: z.array(announcementOut),
  }),
]);

export const screenPanelView = (p: ScreenPanel): z.infer<typeof screenPanelOut> =>
  p.kind === 'room'
    ? {
        kind: 'room',
        at: p.at.toISOString(),
        placement: p.placement,
        room: roomPlaceView(p.room),
        current: p.current && sessionView(p.current),
        next: p.next && sessionView(p.next),
        announcements: p.announcements.map(announcementView),
      }
    : {
        kind: 'lobby',
        at: p.at.toISOString(),
        room: roomPlaceView(p.room),
        timetable: p.timetable.map((s) => ({ ...sessionView(s), room_name: s.roomName })),
        announcements: p.announcements.map(announcementView),
      };

export const roomOverviewOut = z.object({
  at: z.string(),
  room: roomPlaceOut,
  current: sessionOut.nullable(),
  next: sessionOut.nullable(),
  last_scans: z.array(
    z.object({
      id: z.string(),
      scanned_at: z.string(),
      status: z.enum(['granted', 'denied']),
      direction: z.enum(['in', 'out']),
      reason: z.string().nullable(),
      participant_name: z.string().nullable(),
    }),
  ),
  stage: z.object({ location_id: z.string(), name: z.string() }).nullable(),
  screens: z.array(
    z.object({
      device_id: z.string(),
      name: z.string(),
      placement: z.enum(SCREEN_PLACEMENTS),
      last_seen: z.string().nullable(),
    }),
  ),
});

export const roomOverviewView = (o: RoomOverview): z.infer<typeof roomOverviewOut> => ({
  at: o.at.toISOString(),
  room: roomPlaceView(o.room),
  current: o.current && sessionView(o.current),
  next: o.next && sessionView(o.next),
  last_scans: o.lastScans.map((s) => ({
    id: s.id,
    scanned_at: s.scannedAt.toISOString(),
    status: s.status,
    direction: s.direction,
    reason: s.reason,
    participant_name: s.participantName,
  })),
  stage: o.stage && { location_id: o.stage.locationId, name: o.stage.name },
  screens: o.screens.map((s) => ({
    device_id: s.deviceId,
    name: s.name,
    placement: s.placement,
    last_seen: s.lastSeen?.toISOString() ?? null,
  })),
});
