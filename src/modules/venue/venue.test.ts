import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { eq, sql, type SQL } from 'drizzle-orm';
import { describeEachBackend, type Client } from '../../../test/support/env.ts';
import type { Actor } from '../../core/access/actor.ts';
import { derivedReach } from '../../core/access/derived.ts';
import type { Policy } from '../../core/access/policy.ts';
import { queryRows } from '../../core/db/client.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { auditLog } from '../../core/db/platform-schema.ts';
import type { Organization } from '../identity/service.ts';
import { createEvent } from '../events/service.ts';
import { eventAssignments, roomAssignments } from '../events/schema.ts';
import { createAssignment } from '../monitoring/assignments.ts';
import { createGroup } from '../monitoring/groups.ts';
import { createLocation } from '../monitoring/hardware.ts';
import { unitAudiences } from '../monitoring/live.ts';
import { createPerformer } from '../monitoring/performers.ts';
import {
  alertPolicy,
  chassisPolicy,
  locationPolicy,
  performerPolicy,
  unitPolicy,
} from '../monitoring/policy.ts';
import { alerts } from '../monitoring/schema.ts';
import { createDepartment, createUnit as createOrgUnit } from '../org/service.ts';
import { updateOrgUser } from '../org/user-service.ts';
import { addDevice } from '../signage/devices.ts';
import { devicePolicy } from '../signage/policy.ts';
import { eventPolicy } from '../events/policy.ts';
import { eventWithRooms, roomSlot, stageWithMic, venueOrgs, type VenueOrgs } from './test-fixtures.ts';

const M = '/api/monitoring';
const V = '/api/venue';
const HOUR = 3600_000;
const fromNow = (ms: number) => new Date(Date.now() + ms);
/** The fixed slot the boundary tests read: Salle 2, 14:00–16:00 UTC on a given day. */
const SLOT_START = new Date('2026-06-01T14:00:00Z');
const SLOT_END = new Date('2026-06-01T16:00:00Z');

describeEachBackend('venue: shared places and slot-bound access across modules', (env) => {
  // Set by venueOrgs() before the tests.
  let org: Organization, rival: Organization, admin: Client, rivalAdmin: Client, user: VenueOrgs['user'];
  const id: Record<string, string> = {};
  const unit: Record<string, number> = {};

  /** A room manager slot in Salle 2 of the summit. */
  const slot = (userId: number, startsAt: Date, endsAt: Date) =>
    env().inOrg(org, (t) => roomSlot(t, { eventId: id.event, roomId: id.salle2, userId, startsAt, endsAt }));

  before(async () => {
    const members = ['gest', 'late', 'plant', 'other.plant'];
    ({ org, admin, rival, rivalAdmin, user } = await venueOrgs(env(), 'venue', members));
    await env().inOrg(org, async (t) => {
      const mum = await createOrgUnit(t, { unitName: 'Mumbai Plant', unitCode: 'MUM' });
      const pun = await createOrgUnit(t, { unitName: 'Pune Plant', unitCode: 'PUN' });
      unit.MUM = mum.id;
      unit.PUN = pun.id;
      unit.MUM_QC = (await createDepartment(t, { unitId: mum.id, departmentName: 'QC' })).id;
      unit.PUN_QA = (await createDepartment(t, { unitId: pun.id, departmentName: 'QA' })).id;
      await updateOrgUser(t, user.plant.id, { assignments: [{ unitId: mum.id, departmentIds: [] }] });
      await updateOrgUser(t, user['other.plant'].id, {
        assignments: [{ unitId: pun.id, departmentIds: [] }],
      });

      const { eventId, room } = await eventWithRooms(
        t,
        { name: 'Summit', startDate: fromNow(-48 * HOUR), endDate: fromNow(48 * HOUR) },
        { 'Salle 1': 50, 'Salle 2': 80 },
        [user.gest.id, user.late.id],
      );
      id.event = eventId;
      [id.salle1, id.salle2] = [room['Salle 1'], room['Salle 2']];
      id.otherEvent = (
        await createEvent(t, { name: 'Pune Expo', startDate: fromNow(-HOUR), endDate: fromNow(HOUR) })
      ).id;

      // The stages are not linked to their rooms yet: the links are made through the API below.
      const stage2 = { building: 'Centre', room: 'Salle 2 stage', unitId: mum.id };
      const stage1 = { building: 'Centre', room: 'Salle 1 stage', unitId: pun.id };
      ({ locationId: id.stage2, micId: id.mic2 } = await stageWithMic(t, stage2, {
        rack: 'Rack 2',
        mic: 'Mic S2',
      }));
      ({ locationId: id.stage1, micId: id.mic1 } = await stageWithMic(t, stage1, {
        rack: 'Rack 1',
        mic: 'Mic S1',
      }));
      const group = await createGroup(t, { name: 'Audio' });
      id.singer = (await createPerformer(t, { name: 'Singer in Salle 2' })).id;
      id.speaker = (await createPerformer(t, { name: 'Speaker in Salle 1' })).id;
      const a2 = await createAssignment(t, {
        performerId: id.singer,
        wirelessUnitId: id.mic2,
        monitoringGroupId: group.id,
      });
      await createAssignment(t, {
        performerId: id.speaker,
        wirelessUnitId: id.mic1,
        monitoringGroupId: group.id,
      });
      for (const [severity, kind] of [
        ['critical', 'signal_loss'],
        ['warning', 'battery_low'],
      ] as const) {
        const [row] = await t.tx
          .insert(alerts)
          .values({
            orgId: t.orgId,
            unitId: id.mic2,
            performerId: id.singer,
            assignmentId: a2.a.id,
            kind,
            severity,
            priority: 'normal',
            message: `${kind} on Mic S2`,
            raisedAt: new Date(),
          })
          .returning();
        id[`${severity}Alert`] = row.id;
      }
      id.screenMum = (await addDevice(t, { name: 'Door MUM', unitId: mum.id })).id;
      id.screenPun = (await addDevice(t, { name: 'Door PUN', unitId: pun.id })).id;
      id.screenLobby = (await addDevice(t, { name: 'Lobby' })).id;
    });
    await env().inOrg(rival, async (t) => {
      id.rivalLocation = (await createLocation(t, { building: 'Rival hall' })).id;
    });
  });

  test('room–stage links: org admins only, one stage per room and one room per stage, other orgs refused', async () => {
    const member = await user.gest.client.post(`${V}/room-stages`, {
      room_id: id.salle2,
      location_id: id.stage2,
    });
    assert.equal(member.status, 403);
    const unknown = await admin.post(`${V}/room-stages`, {
      room_id: id.salle2,
      location_id: id.stage2,
      x: 1,
    });
    assert.deepEqual(unknown.body.errors, [{ path: 'body.x', message: 'unknown field' }]);
    const notUuid = await admin.post(`${V}/room-stages`, { room_id: 'salle-2', location_id: id.stage2 });
    assert.equal(notUuid.body.errors[0].path, 'body.room_id');
    const theirs = await admin.post(`${V}/room-stages`, {
      room_id: id.salle2,
      location_id: id.rivalLocation,
    });
    assert.equal(theirs.status, 400);
    assert.deepEqual(theirs.body.errors, [
      { path: 'body.location_id', message: 'no such record in this organization' },
    ]);
    assert.equal((await admin.get(`${V}/room-stages`)).body.items.length, 0, 'refusals stored nothing');

    const made = await admin.post(`${V}/room-stages`, { room_id: id.salle2, location_id: id.stage2 });
    assert.equal(made.status, 201);
    id.link2 = made.body.id;
    const again = await admin.post(`${V}/room-stages`, { room_id: id.salle2, location_id: id.stage1 });
    assert.deepEqual([again.status, again.body.detail], [409, 'This room already has a stage']);
    const taken = await admin.post(`${V}/room-stages`, { room_id: id.salle1, location_id: id.stage2 });
    assert.deepEqual(
      [taken.status, taken.body.detail],
      [409, 'This location is already the stage of another room'],
    );
    const link1 = await admin.post(`${V}/room-stages`, { room_id: id.salle1, location_id: id.stage1 });
    assert.equal(link1.status, 201);

    const first = await admin.get(`${V}/room-stages?limit=1`);
    assert.equal(first.body.items.length, 1);
    assert.ok(first.body.next_cursor);
    const second = await admin.get(`${V}/room-stages?limit=1&cursor=${first.body.next_cursor}`);
    assert.deepEqual(
      [second.body.items.length, second.body.next_cursor, second.body.items[0].id !== first.body.items[0].id],
      [1, null, true],
    );
    const filtered = await admin.get(`${V}/room-stages?room_id=${id.salle2}`);
    assert.deepEqual(
      filtered.body.items.map((l) => l.location_id),
      [id.stage2],
    );
    assert.equal((await rivalAdmin.get(`${V}/room-stages/${id.link2}`)).status, 404, 'another org: 404');
    assert.equal((await rivalAdmin.delete(`${V}/room-stages/${id.link2}`)).status, 404);
    assert.equal((await admin.get(`${V}/room-stages/${id.link2}`)).body.room_id, id.salle2);

    assert.equal((await admin.delete(`${V}/room-stages/${link1.body.id}`)).status, 204);
    assert.equal((await admin.get(`${V}/room-stages/${link1.body.id}`)).status, 404);
    const trail = await queryRows<{ action: string }>(
      env().database.db,
      sql`select action from ${auditLog} where ${auditLog.orgId} = ${org.id} and action like 'venue.stage.%'
          order by id`,
    );
    assert.deepEqual(
      trail.map((r) => r.action),
      ['venue.stage.linked', 'venue.stage.linked', 'venue.stage.unlinked'],
    );
  });

  test('room–screen links: a screen serves one room, at its door or inside; bad placements are 400', async () => {
    const bad = await admin.post(`${V}/room-screens`, {
      room_id: id.salle2,
      device_id: id.screenMum,
      placement: 'ceiling',
    });
    assert.equal(bad.body.errors[0].path, 'body.placement');
    const door = await admin.post(`${V}/room-screens`, {
      room_id: id.salle2,
      device_id: id.screenMum,
      placement: 'door',
    });
    assert.equal(door.status, 201);
    const twice = await admin.post(`${V}/room-screens`, {
      room_id: id.salle1,
      device_id: id.screenMum,
      placement: 'in_room',
    });
    assert.deepEqual([twice.status, twice.body.detail], [409, 'This screen already serves a room']);
    const moved = await admin.patch(`${V}/room-screens/${door.body.id}`, { placement: 'in_room' });
    assert.equal(moved.body.placement, 'in_room');
    assert.equal((await admin.patch(`${V}/room-screens/${door.body.id}`, { placement: 'roof' })).status, 400);
    assert.equal((await admin.get(`${V}/room-screens/${door.body.id}`)).body.placement, 'in_room');
    assert.deepEqual(
      (await admin.get(`${V}/room-screens?room_id=${id.salle2}`)).body.items.map((s) => s.device_id),
      [id.screenMum],
    );
    assert.equal((await user.gest.client.get(`${V}/room-screens`)).status, 403);
  });

  test('org units scope events and screens: a plant user sees their unit’s and nothing of the other unit', async () => {
    const wrongDept = await admin.post(`${V}/event-units`, {
      event_id: id.event,
      unit_id: unit.MUM,
      department_id: unit.PUN_QA,
    });
    assert.deepEqual(wrongDept.body.errors, [
      { path: 'body.department_id', message: 'not a department of this unit' },
    ]);
    const stringId = await admin.post(`${V}/event-units`, { event_id: id.event, unit_id: String(unit.MUM) });
    assert.equal(stringId.body.errors[0].path, 'body.unit_id');
    assert.equal((await admin.get(`${V}/event-units`)).body.items.length, 0);

    assert.deepEqual((await user.plant.client.get('/api/events/events')).body.items, [], 'before: nothing');
    const mum = await admin.post(`${V}/event-units`, { event_id: id.event, unit_id: unit.MUM });
    assert.equal(mum.status, 201);
    const pun = await admin.post(`${V}/event-units`, { event_id: id.otherEvent, unit_id: unit.PUN });
    assert.equal(pun.status, 201);
    assert.equal(
      (await admin.post(`${V}/event-units`, { event_id: id.event, unit_id: unit.PUN })).status,
      409,
    );

    const names = async (c: Client) => (await c.get('/api/events/events')).body.items.map((e) => e.name);
    assert.deepEqual(await names(user.plant.client), ['Summit']);
    assert.deepEqual(await names(user['other.plant'].client), ['Pune Expo']);
    assert.equal((await user.plant.client.get(`/api/events/events/${id.otherEvent}`)).status, 404);
    assert.equal(
      (await user.plant.client.patch(`/api/events/events/${id.event}`, { name: 'Mine' })).status,
      403,
      'seeing an event is not managing it',
    );

    const screens = async (c: Client) =>
      (await c.get('/api/signage/devices')).body.items.map((d) => d.name).sort();
    assert.deepEqual(await screens(user.plant.client), ['Door MUM', 'Lobby']);
    assert.deepEqual(await screens(user['other.plant'].client), ['Door PUN', 'Lobby']);
    assert.deepEqual(await screens(admin), ['Door MUM', 'Door PUN', 'Lobby']);
    assert.equal((await user.plant.client.get(`/api/signage/devices/${id.screenPun}`)).status, 404);

    const locations = async (c: Client) =>
      (await c.get(`${M}/locations`)).body.items.map((l) => l.room).sort();
    assert.deepEqual(await locations(user.plant.client), ['Salle 2 stage']);

    // Narrowed to a department the plant user is not limited from (all departments): still seen.
    const narrowed = await admin.patch(`${V}/event-units/${mum.body.id}`, { department_id: unit.MUM_QC });
    assert.equal(narrowed.body.department_id, unit.MUM_QC);
    assert.deepEqual(await names(user.plant.client), ['Summit']);
    const moved = await admin.patch(`${V}/event-units/${mum.body.id}`, { unit_id: unit.PUN });
    assert.deepEqual(
      [moved.body.unit_id, moved.body.department_id],
      [unit.PUN, null],
      'the old department goes',
    );
    assert.deepEqual(await names(user.plant.client), []);
    assert.equal((await admin.delete(`${V}/event-units/${mum.body.id}`)).status, 204);
    assert.deepEqual(await names(user['other.plant'].client), ['Pune Expo']);
  });

  test('the room manager sees the stage of the room they hold, read-only, during their slot only', async () => {
    id.gestSlot = await slot(user.gest.id, fromNow(-HOUR), fromNow(HOUR));
    await slot(user.late.id, fromNow(-3 * HOUR), fromNow(-1000));
    const gest = user.gest.client;

    assert.equal((await gest.get(`${M}/locations/${id.stage2}`)).status, 200);
    assert.deepEqual(
      (await gest.get(`${M}/units`)).body.items.map((u) => u.name),
      ['Mic S2'],
      'only the units of the stage of their room',
    );
    assert.deepEqual(
      (await gest.get(`${M}/performers`)).body.items.map((p) => p.name),
      ['Singer in Salle 2'],
    );
    assert.equal((await gest.get(`${M}/units/${id.mic1}`)).status, 404, 'another room’s stage');
    assert.equal((await gest.get(`${M}/units/${id.mic2}/history`)).status, 200, 'telemetry of the stage');
    assert.deepEqual(
      (await gest.get(`${M}/alerts`)).body.items.map((a) => a.severity),
      ['critical'],
      'critical alerts only',
    );
    assert.equal((await gest.get(`${M}/alerts/${id.warningAlert}`)).status, 404);
    const ack = await gest.post(`${M}/alerts/${id.criticalAlert}/acknowledge`);
    assert.equal(ack.status, 403, 'read-only: acknowledging needs a group assignment');
    assert.equal((await gest.get(`${M}/groups`)).body.items.length, 0, 'no monitoring group membership');

    const late = user.late.client;
    assert.equal((await late.get(`${M}/locations/${id.stage2}`)).status, 404, 'an ended slot grants nothing');
    assert.deepEqual((await late.get(`${M}/units`)).body.items, []);

    // Live: the slot holder hears the stage's units now; the one whose slot ended does not.
    const audience = await env().inOrg(org, (t) => unitAudiences(t, [id.mic2]));
    assert.ok(audience.get(id.mic2)!.userIds!.includes(user.gest.id));
    assert.ok(!audience.get(id.mic2)!.userIds!.includes(user.late.id));
    const direct = await env().inOrg(org, (t) => unitAudiences(t, [id.mic2], { derived: false }));
    assert.ok(!direct.get(id.mic2)!.userIds!.includes(user.gest.id), 'warnings keep the direct audience');

    await env().inOrg(org, (t) =>
      t.tx.update(roomAssignments).set({ isActive: false }).where(eq(roomAssignments.id, id.gestSlot)),
    );
    assert.equal((await gest.get(`${M}/locations/${id.stage2}`)).status, 404, 'an ended slot: gone at once');
  });

  test('every list with derived sight shows exactly the rows its single-row check lets each person see', async () => {
    await slot(user.gest.id, fromNow(-HOUR), fromNow(HOUR));
    const policies = [
      performerPolicy,
      unitPolicy,
      chassisPolicy,
      locationPolicy,
      alertPolicy,
      devicePolicy,
      eventPolicy,
    ] as Policy<string>[];
    const seen = { listed: 0, checked: 0 };
    for (const name of ['gest', 'late', 'plant', 'other.plant'] as const) {
      const actor: Actor = {
        userId: user[name].id,
        label: name,
        orgId: org.id,
        orgRole: 'member',
        via: 'session',
      };
      await withTenant({ db: env().database.db }, actor, async (t) => {
        for (const policy of policies) {
          const ids = async (where: SQL) =>
            (
              await queryRows<{ id: string }>(
                t.tx,
                sql`select id from ${policy.table} where ${where} order by id`,
              )
            ).map((r) => r.id);
          const listed = await ids(policy.visible(actor));
          const checked = await ids(sql`(${policy.access(actor, 'see')}) = 'allowed'`);
          assert.deepEqual(listed, checked, `${name}: ${policy.entity}`);
          seen.listed += listed.length;
          seen.checked += checked.length;
        }
      });
    }
    assert.ok(seen.listed > 0, 'the people here see some rows, through their units and their slot');
  });

  test('slot boundaries 13:59:59, 14:00, 15:59:59, 16:00 and across tenants', async () => {
    await slot(user.gest.id, SLOT_START, SLOT_END);
    const gest: Actor = {
      userId: user.gest.id,
      label: 'gest',
      orgId: org.id,
      orgRole: 'member',
      via: 'session',
    };
    const reachesAt = (actor: Actor, locationId: string, at: string) =>
      withTenant({ db: env().database.db }, actor, async (t) => {
        const cond = derivedReach(
          'monitoring.location',
          actor,
          sql`${locationId}::uuid`,
          sql`${at}::timestamptz`,
        );
        const [row] = await queryRows<{ ok: boolean }>(t.tx, sql`select (${cond}) as ok`);
        return row.ok;
      });
    const day = '2026-06-01T';
    assert.deepEqual(
      await Promise.all(
        ['13:59:59Z', '14:00:00Z', '15:59:59Z', '16:00:00Z'].map((h) => reachesAt(gest, id.stage2, day + h)),
      ),
      [false, true, true, false],
    );
    assert.equal(await reachesAt(gest, id.stage1, `${day}15:00:00Z`), false, 'not another room’s stage');
    const explained = async (h: string) =>
      (
        await admin.get(
          `/api/access/explain?user=${user.gest.id}&object=monitoring.location:${id.stage2}&at=${encodeURIComponent(day + h)}`,
        )
      ).body.allowed;
    assert.deepEqual(
      [
        await explained('13:59:59Z'),
        await explained('14:00:00Z'),
        await explained('15:59:59Z'),
        await explained('16:00:00Z'),
      ],
      [false, true, true, false],
      'explain replays the same windows',
    );

    // The same person, member of another org too, reaches nothing there through this org's slot.
    await env()
      .inOrg(rival, (t) =>
        t.tx.insert(eventAssignments).values({
          orgId: t.orgId,
          eventId: id.event,
          userId: user.gest.id,
          role: 'participant',
        }),
      )
      .then(
        () => assert.fail('an event of another org is refused by the database'),
        () => undefined,
      );
    const inRival: Actor = { ...gest, orgId: rival.id };
    assert.equal(await reachesAt(inRival, id.stage2, `${day}15:00:00Z`), false);
    assert.equal(await reachesAt(inRival, id.rivalLocation, `${day}15:00:00Z`), false);
  });
});
