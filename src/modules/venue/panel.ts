import { eq, sql } from 'drizzle-orm';
import type { Actor } from '../../core/access/actor.ts';
import { withTenantStatement, type TenantDeps, type TenantTx } from '../../core/db/tenant.ts';
import { notFound } from '../../core/http/problem.ts';
import { rooms } from '../events/schema.ts';
import { screenDeviceId } from '../signage/device-auth.ts';
import type { ScreenItem } from '../signage/device-playlist.ts';
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
 * playlist). One statement, group-committed like the poll itself: screens poll often.
 */
export async function panelItems(deps: TenantDeps, actor: Actor, deviceId: string): Promise<ScreenItem[]> {
  const rows = await withTenantStatement<{ id: string; placement: ScreenPlacement; room_name: string }>(
    deps,
    actor,
    {
      shape: 'venue.panel-item',
      values: { deviceId },
      build: (v) => sql`select s.id, s.placement, r.name as room_name
        from venue_room_screens s
        join event_rooms r on r.org_id = s.org_id and r.id = s.room_id and r.is_active
       where s.device_id = ${v.deviceId}::uuid`,
    },
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.placement === 'lobby' ? `Lobby · ${r.room_name}` : `Room panel · ${r.room_name}`,
    assetType: r.placement === 'lobby' ? 'lobby_board' : 'room_panel',
    mimetype: 'application/json',
    url: PANEL_PATH,
    md5: '',
    duration: PANEL_SECONDS,
    nocache: true,
    skipAssetCheck: true,
  }));
}
