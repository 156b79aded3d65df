import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { describeEachBackend, type Client } from '../../../test/support/env.ts';
import { hashToken } from '../../core/auth/secrets.ts';
import type { Organization } from '../identity/service.ts';
import { createEvent, createRoom } from '../events/service.ts';
import { annonces, roomAssignments, rooms, sessions } from '../events/schema.ts';
import { createUnit as createOrgUnit } from '../org/service.ts';
import { addDevice } from '../signage/devices.ts';
import { setOrgPlan } from '../signage/plans.ts';
import { signageDevices } from '../signage/schema.ts';
import { screenPanel } from './panel.ts';
import { roomScreens } from './schema.ts';
import { eventWithRooms, roomSlot, stageWithMic, venueOrgs, type VenueOrgs } from './test-fixtures.ts';

const HOUR = 3600_000;
const fromNow = (ms: number) => new Date(Date.now() + ms);
const at = (hhmmss: string) => new Date(`2026-06-01T${hhmmss}Z`);

interface PanelBody {
  kind: 'room' | 'lobby';
  room: { name: string; capacity: number; occupancy: number };
  current: { title: string } | null;
  next: { title: string } | null;
  timetable?: Array<{ title: string; room_name: string }>;
  announcements: Array<{ title: string }>;
}

describeEachBackend('venue: room panels on the room’s screens, and the room page', (env) => {
  // Set by venueOrgs() before the tests.
  let org: Organization, rival: Organization, admin: Client, rivalAdmin: Client, user: VenueOrgs['user'];
  const id: Record<string, string> = {};
  const screen: Record<string, Client> = {};

  /** A screen with a device token, as pairing leaves it (the token's hash stored on the screen). */
  const screenOf = async (inOrg: Organization, name: string, unitId?: number) => {
    const token = `rd_${name.replace(/\W/g, '')}_${Math.random().toString(36).slice(2)}`;
    const deviceId = await env().inOrg(inOrg, async (t) => {
      const device = await addDevice(t, { name, unitId });
      await t.tx
        .update(signageDevices)
        .set({ tokenHash: hashToken(token) })
        .where(eq(signageDevices.id, device.id));
      return device.id;
    });
    return { deviceId, client: env().client(token) };
  };

  const link = (
    inOrg: Organization,
    roomId: string,
    deviceId: string,
    placement: 'door' | 'in_room' | 'lobby',
  ) =>
    env().inOrg(inOrg, (t) =>
      t.tx.insert(roomScreens).values({ orgId: t.orgId, roomId, deviceId, placement }).returning(),
    );

  const session = (eventId: string, roomId: string, title: string, startTime: Date, endTime: Date) =>
    env().inOrg(org, (t) =>
      t.tx.insert(sessions).values({ orgId: t.orgId, eventId, roomId, title, startTime, endTime }),
    );

  before(async () => {
    ({ org, admin, rival, rivalAdmin, user } = await venueOrgs(env(), 'panel', ['gest', 'late']));
    await env().inOrg(org, async (t) => {
      await setOrgPlan(t, 'pro');
      const { eventId, room } = await eventWithRooms(
        t,
        { name: 'Summit', startDate: new Date('2026-05-01T00:00:00Z'), endDate: fromNow(48 * HOUR) },
        { 'Salle 1': 50, 'Salle 2': 80, Hall: 500 },
        [user.gest.id, user.late.id],
      );
      id.event = eventId;
      [id.salle1, id.salle2, id.hall] = [room['Salle 1'], room['Salle 2'], room.Hall];
      const author = user.gest.id;
      const published = new Date('2026-05-31T09:00:00Z');
      for (const [title, target] of [
        ['Welcome everyone', 'all'],
        ['Lunch for participants', 'participants'],
        ['Staff briefing', 'gestionnaires'],
      ] as const)
        await t.tx.insert(annonces).values({
          orgId: t.orgId,
          eventId,
          title,
          description: title,
          target,
          createdBy: author,
          createdAt: published,
        });
      const unit = await createOrgUnit(t, { unitName: 'Venue', unitCode: 'VEN' });
      id.unit = String(unit.id);
      const place = { building: 'Centre', room: 'Salle 2 stage', unitId: unit.id };
      id.stage2 = (await stageWithMic(t, place, { rack: 'Rack 2', mic: 'Mic S2' }, id.salle2)).locationId;
    });
    await session(id.event, id.salle2, 'Morning talk', at('12:00:00'), at('14:00:00'));
    await session(id.event, id.salle2, 'Keynote', at('14:00:00'), at('16:00:00'));
    await session(id.event, id.salle2, 'Closing', at('16:00:00'), at('17:00:00'));
    await session(id.event, id.salle1, 'Workshop', at('14:00:00'), at('15:00:00'));
    await session(id.event, id.salle2, 'Live now', fromNow(-HOUR), fromNow(HOUR));

    let s = await screenOf(org, 'Door Salle 2', Number(id.unit));
    id.door2 = s.deviceId;
    screen.door2 = s.client;
    s = await screenOf(org, 'Door Salle 1');
    id.door1 = s.deviceId;
    screen.door1 = s.client;
    s = await screenOf(org, 'Lobby');
    id.lobby = s.deviceId;
    screen.lobby = s.client;
    s = await screenOf(org, 'Unlinked');
    screen.unlinked = s.client;
    await link(org, id.salle2, id.door2, 'door');
    await link(org, id.salle1, id.door1, 'in_room');
    await link(org, id.hall, id.lobby, 'lobby');

    await env().inOrg(rival, async (t) => {
      const event = await createEvent(t, {
        name: 'Rival expo',
        startDate: fromNow(-HOUR),
        endDate: fromNow(HOUR),
      });
      id.rivalRoom = (await createRoom(t, event.id, { name: 'Rival room', capacity: 10 })).id;
    });
    s = await screenOf(rival, 'Rival door');
    screen.rival = s.client;
    await link(rival, id.rivalRoom, s.deviceId, 'door');
  });

  test('a screen serving a room plays its panel after its playlist; a screen serving none does not', async () => {
    const linked = await screen.door2.get<string, { items: Array<{ asset_type: string; url: string }> }>(
      '/api/device/playlist',
    );
    assert.equal(linked.status, 200);
    assert.deepEqual(
      linked.body.items.map((i) => [i.asset_type, i.url]),
      [['room_panel', '/api/device/room-panel']],
    );
    const lobby = await screen.lobby.get<string, { items: Array<{ asset_type: string }> }>(
      '/api/device/playlist',
    );
    assert.deepEqual(
      lobby.body.items.map((i) => i.asset_type),
      ['lobby_board'],
    );
    const unlinked = await screen.unlinked.get<string, { items: unknown[] }>('/api/device/playlist');
    assert.deepEqual(unlinked.body.items, []);
  });

  test('the panel follows the timetable at session boundaries, with the room audience’s announcements', async () => {
    const panel = (hhmmss: string) => env().inOrg(org, (t) => screenPanel(t, id.door2, at(hhmmss)));
    const titles = async (hhmmss: string) => {
      const p = await panel(hhmmss);
      assert.equal(p.kind, 'room');
      return p.kind === 'room' ? [p.current?.title ?? null, p.next?.title ?? null] : [];
    };
    assert.deepEqual(await titles('13:59:59'), ['Morning talk', 'Keynote']);
    assert.deepEqual(await titles('14:00:00'), ['Keynote', 'Closing']);
    assert.deepEqual(await titles('15:59:59'), ['Keynote', 'Closing']);
    // After the day's last session, the next one is the session running today ('Live now').
    assert.deepEqual(await titles('16:00:00'), ['Closing', 'Live now']);
    assert.deepEqual(await titles('17:00:00'), [null, 'Live now']);
    const p = await panel('14:00:00');
    assert.deepEqual(
      p.announcements.map((a) => a.title).sort(),
      ['Lunch for participants', 'Welcome everyone'],
      'staff announcements never reach a screen',
    );
    const early = await env().inOrg(org, (t) => screenPanel(t, id.door2, new Date('2026-05-31T08:00:00Z')));
    assert.deepEqual(early.announcements, [], 'not yet published');
  });

  test('each screen reads its own room only; occupancy is live; other credentials and orgs are refused', async () => {
    const door2 = await screen.door2.get<string, PanelBody>('/api/device/room-panel');
    assert.equal(door2.status, 200);
    assert.equal(door2.body.kind, 'room');
    assert.equal(door2.body.room.name, 'Salle 2');
    assert.equal(door2.body.current?.title, 'Live now');
    assert.equal(door2.body.room.capacity, 80);
    assert.equal(door2.body.room.occupancy, 0);
    await env().inOrg(org, (t) =>
      t.tx.update(rooms).set({ currentOccupancy: 42 }).where(eq(rooms.id, id.salle2)),
    );
    const after = await screen.door2.get<string, PanelBody>('/api/device/room-panel');
    assert.equal(after.body.room.occupancy, 42);

    const door1 = await screen.door1.get<string, PanelBody>('/api/device/room-panel');
    assert.equal(door1.body.room.name, 'Salle 1');
    assert.equal(door1.body.current, null, 'never another room’s session');

    const rivalPanel = await screen.rival.get<string, PanelBody>('/api/device/room-panel');
    assert.equal(rivalPanel.status, 200);
    assert.equal(rivalPanel.body.room.name, 'Rival room');
    assert.deepEqual(rivalPanel.body.announcements, [], 'never another org’s announcements');
    assert.equal((await screen.unlinked.get('/api/device/room-panel')).status, 404);
    assert.equal((await admin.get('/api/device/room-panel')).status, 403, 'a person is not a screen');
    // Even named, another org's screen is invisible from this org (RLS): no panel.
    await assert.rejects(
      env().inOrg(rival, (t) => screenPanel(t, id.door2, new Date())),
      (err: { status?: number }) => err.status === 404,
    );
  });

  test('a lobby screen shows the event’s timetable across rooms and its announcements', async () => {
    const p = await env().inOrg(org, (t) => screenPanel(t, id.lobby, at('14:30:00')));
    assert.equal(p.kind, 'lobby');
    if (p.kind !== 'lobby') return;
    assert.deepEqual(
      p.timetable.map((s) => `${s.roomName}: ${s.title}`),
      ['Salle 1: Workshop', 'Salle 2: Keynote', 'Salle 2: Closing', 'Salle 2: Live now'],
    );
    assert.equal(p.announcements.length, 2);
  });

  test('the room page: the room manager during their slot, event managers any time; nobody else', async () => {
    const page = `/api/venue/rooms/${id.salle2}`;
    const adminView = await admin.get<string, { room: { name: string }; stage: { name: string } | null }>(
      page,
    );
    assert.equal(adminView.status, 200);
    assert.equal(adminView.body.room.name, 'Salle 2');
    assert.equal(adminView.body.stage?.name, 'Centre · Salle 2 stage');
    assert.equal((await user.gest.client.get(page)).status, 404, 'no slot: not found');
    assert.equal(
      (await user.gest.client.get(`/api/signage/devices/${id.door2}/health`)).status,
      404,
      'a unit-tied screen is out of sight without the slot',
    );

    const slotId = await env().inOrg(org, (t) =>
      roomSlot(t, {
        eventId: id.event,
        roomId: id.salle2,
        userId: user.gest.id,
        startsAt: fromNow(-HOUR),
        endsAt: fromNow(HOUR),
      }),
    );
    const gestView = await user.gest.client.get<
      string,
      { current: { title: string } | null; screens: Array<{ name: string; placement: string }> }
    >(page);
    assert.equal(gestView.status, 200);
    assert.equal(gestView.body.current?.title, 'Live now');
    assert.deepEqual(
      gestView.body.screens.map((s) => [s.name, s.placement]),
      [['Door Salle 2', 'door']],
    );
    assert.equal((await user.gest.client.get(`/api/signage/devices/${id.door2}/health`)).status, 200);
    assert.equal((await user.gest.client.get(`/api/venue/rooms/${id.salle1}`)).status, 404, 'another room');
    assert.equal((await user.late.client.get(page)).status, 404, 'another manager without a slot');
    assert.equal((await rivalAdmin.get(page)).status, 404, 'another org');
    assert.equal((await admin.get('/api/venue/rooms/not-a-uuid')).status, 400);

    await env().inOrg(org, (t) =>
      t.tx.update(roomAssignments).set({ isActive: false }).where(eq(roomAssignments.id, slotId)),
    );
    assert.equal((await user.gest.client.get(page)).status, 404, 'slot ended: gone at once');
    assert.equal((await user.gest.client.get(`/api/signage/devices/${id.door2}/health`)).status, 404);
  });
});
