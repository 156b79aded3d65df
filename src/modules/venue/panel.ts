import { eq, sql, type SQL } from 'drizzle-orm';
import type { TenantTx } from '../../core/db/tenant.ts';
import { notFound } from '../../core/http/problem.ts';
import { rooms } from '../events/schema.ts';
import { screenDeviceId } from '../signage/device-auth.ts';
import {
  eventTimetable,
  roomAnnouncements,
  roomPlace,
  roomSessions,
  type RoomAnnouncement,
  type RoomPlace,
  type RoomSession,
} from './room-state.ts';
import { roomScreens, type ScreenPlacement } from './schema.ts';

/** Where a screen's panel data is served, with the screen's own token (never a room id: no other room's). */
export const PANEL_PATH = '/api/device/room-panel';
/** How long a panel stays on screen between the playlist's other items. */
const PANEL_SECONDS = 30;

/** A door or in-room screen: the room's live state. */
export interface RoomPanel {
  kind: 'room';
  at: Date;
  placement: ScreenPlacement;
  room: RoomPlace;
  current: RoomSession | null;
  next: RoomSession | null;
  announcements: RoomAnnouncement[];
}

/** A lobby screen: the event's timetable (running and coming sessions, every room) and announcements. */
export interface LobbyPanel {
  kind: 'lobby';
  at: Date;
  room: RoomPlace;
  timetable: Array<RoomSession & { roomName: string }>;
  announcements: RoomAnnouncement[];
}

export type ScreenPanel = RoomPanel | LobbyPanel;

/**
 * What screen `deviceId` shows on its panel at `at`: the state of the room it serves, or the
 * event's board for a lobby screen. 404 when the screen serves no room (or its room was deleted).
 */
export async function screenPanel(t: TenantTx, deviceId: string, at: Date): Promise<ScreenPanel> {
  const [link] = await t.tx
    .select({ roomId: roomScreens.roomId, placement: roomScreens.placement })
    .from(roomScreens)
    .where(eq(roomScreens.deviceId, deviceId));
  const room = link && (await roomPlace(t, sql`${rooms.id} = ${link.roomId} and ${rooms.isActive}`));
  if (!room) throw notFound('Room panel');
  const announcements = await roomAnnouncements(t, room.eventId, at);
  if (link.placement === 'lobby')
    return { kind: 'lobby', at, room, timetable: await eventTimetable(t, room.eventId, at), announcements };
  const { current, next } = await roomSessions(t, room.id, at);
  return { kind: 'room', at, placement: link.placement, room, current, next, announcements };
}

/** The panel of the screen calling (its device token says which screen, so which room). */
export function myPanel(t: TenantTx): Promise<ScreenPanel> {
  return screenPanel(t, screenDeviceId(t.actor), new Date());
}

/**
 * A screen serving a room plays its panel after its playlist's items (alone when it has no
 * playlist): one item, read in the poll's own statement (signage's screen-items registry).
 */
export function panelItems(deviceId: SQL): SQL {
  const lobby = sql`s.placement = 'lobby'`;
  return sql`select 0 as position, json_build_object(
      'id', s.id,
      'name', case when ${lobby} then 'Lobby · ' else 'Room panel · ' end || r.name,
      'asset_type', case when ${lobby} then 'lobby_board' else 'room_panel' end,
      'mimetype', 'application/json', 'uri', ${PANEL_PATH}::text, 'storage_key', null, 'md5', '',
      'duration', ${PANEL_SECONDS}::int, 'nocache', true, 'skip_asset_check', true) as item
    from ${roomScreens} s
    join ${rooms} r on r.org_id = s.org_id and r.id = s.room_id and r.is_active
   where s.device_id = ${deviceId}`;
}
