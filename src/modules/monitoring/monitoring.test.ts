import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { eq } from 'drizzle-orm';
import { describeEachBackend, type Client } from '../../../test/support/env.ts';
import type { LiveEvent } from '../../core/events/bus.ts';
import type { Organization } from '../identity/service.ts';
import { deviceAssignments, performerAssignments, performers } from './schema.ts';
import { migrateLegacyAssignments, monitoringModule } from './index.ts';
import type { z } from 'zod';
import type { BodyOf, ProblemBody } from '../../../test/support/api-types.ts';
import type { assignmentOut, chassisOut, groupOut, locationOut, performerOut, unitOut } from './views.ts';

const M = '/api/monitoring';

type LocationJson = z.infer<typeof locationOut>;
type ChassisJson = z.infer<typeof chassisOut>;
type UnitJson = z.infer<typeof unitOut>;
type GroupJson = z.infer<typeof groupOut>;
type PerformerJson = z.infer<typeof performerOut>;
type AssignmentJson = z.infer<typeof assignmentOut>;
/** A duplicate pair's 409 names the assignment to reuse. */
type DuplicatePair = ProblemBody & { existing_assignment_id: string };
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('rest-of-a-tiny-png'),
]);

function multipart(bytes: Buffer, filename: string, contentType: string) {
  const boundary = '----rosterTestBoundary';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\n` +
        `Content-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
        `Content-Type: ${contentType}\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describeEachBackend('monitoring: hardware, performers, groups, assignments, access through groups', (env) => {
  let org: Organization;
  let admin: Client;
  let tech: Client;
  let outsider: Client;
  let viewer: Client;
  let techId: number;
  let outsiderId: number;
  let location: LocationJson;
  let rack: ChassisJson;
  const units: UnitJson[] = [];
  let stageGroup: GroupJson;
  let sideGroup: GroupJson;
  let alice: PerformerJson;
  let bob: PerformerJson;
  let aliceOnCh1: AssignmentJson;

  test('admins build the inventory: location, chassis, units; bad input is a clear 4xx and stores nothing', async () => {
    ({ org, admin } = await env().makeOrg('stage'));
    ({ id: techId, client: tech } = await env().makeUser(org, 'tech1'));
    ({ id: outsiderId, client: outsider } = await env().makeUser(org, 'tech2'));
    ({ client: viewer } = await env().makeUser(org, 'watcher', 'viewer'));

    const loc = await admin.post(`${M}/locations`, { building: 'Main Hall', room: 'Stage' });
    assert.equal(loc.status, 201);
    location = loc.body;
    assert.deepEqual([location.building, location.room, location.unit_id], ['Main Hall', 'Stage', null]);
    const dup = await admin.post(`${M}/locations`, { building: 'Main Hall', room: 'Stage' });
    assert.equal(dup.status, 409);
    assert.match(dup.body.detail, /Main Hall \/ Stage already exists/);

    const strange = await admin.post(`${M}/chassis`, { name: 'Rack', org_id: 'x' });
    assert.equal(strange.status, 400);
    assert.deepEqual(strange.body.errors, [{ path: 'body.org_id', message: 'unknown field' }]);
    const nowhere = await admin.post(`${M}/chassis`, {
      name: 'Rack',
      location_id: '0190f1f4-0000-7000-8000-000000000000',
    });
    assert.equal(nowhere.status, 404);
    assert.equal(nowhere.body.detail, 'Location not found');
    assert.equal((await admin.get(`${M}/chassis`)).body.items.length, 0, 'refused creates stored nothing');

    const c = await admin.post(`${M}/chassis`, {
      name: 'Rack A',
      manufacturer: 'Shure',
      model: 'ULXD4Q',
      serial: 'S-1',
      ip: '203.0.113.5',
      port: 2202,
      firmware: '2.7',
      location_id: location.id,
      is_online: true,
    });
    assert.equal(c.status, 201);
    rack = c.body;
    assert.deepEqual(
      [rack.ip, rack.port, rack.location_id, rack.is_online],
      ['203.0.113.5', 2202, location.id, true],
    );
    assert.equal(
      (await admin.post(`${M}/chassis`, { name: 'Rack A', ip: 'not-an-ip' })).body.errors[0].path,
      'body.ip',
    );

    for (let slot = 1; slot <= 4; slot++) {
      const u = await admin.post(`${M}/units`, {
        chassis_id: rack.id,
        name: `CH${slot}`,
        model: 'ULXD2',
        slot,
        frequency: 470.5,
        battery: 90,
        rf_signal: 80,
        audio_level: 40,
        status: 'online',
      });
      assert.equal(u.status, 201, JSON.stringify(u.body));
      units.push(u.body);
    }
    assert.deepEqual(
      [units[0].battery, units[0].rf_signal, units[0].status, units[0].is_active],
      [90, 80, 'online', true],
    );
    const taken = await admin.post(`${M}/units`, { chassis_id: rack.id, name: 'again', slot: 1 });
    assert.equal(taken.status, 409);
    assert.match(taken.body.detail, /Slot 1 of chassis Rack A is already taken/);
    const badBattery = await admin.post(`${M}/units`, {
      chassis_id: rack.id,
      name: 'x',
      slot: 9,
      battery: 140,
    });
    assert.equal(badBattery.status, 400);
    assert.equal(badBattery.body.errors[0].path, 'body.battery');
    assert.equal((await admin.get(`${M}/units?chassis_id=${rack.id}`)).body.items.length, 4);

    const memberCreate = await tech.post(`${M}/locations`, { building: 'Annex' });
    assert.equal(memberCreate.status, 403);
    assert.equal((await admin.get(`${M}/locations`)).body.items.length, 1);
  });

  test(
    'performers: create, get by id and by name (case-insensitive), list, search, ' +
      'update only given fields, count',
    async () => {
      const created = await admin.post(`${M}/performers`, {
        name: 'Alice Johnson',
        title: 'Lead Vocals',
        email: 'alice@band.com',
        phone: '+1234567890',
        notes: 'Session singer',
        role_description: 'Front',
      });
      assert.equal(created.status, 201);
      alice = created.body;
      assert.deepEqual(
        [
          alice.name,
          alice.title,
          alice.email,
          alice.phone,
          alice.notes,
          alice.role_description,
          alice.is_active,
          alice.has_photo,
        ],
        [
          'Alice Johnson',
          'Lead Vocals',
          'alice@band.com',
          '+1234567890',
          'Session singer',
          'Front',
          true,
          false,
        ],
      );
      bob = (await admin.post(`${M}/performers`, { name: 'Bob Stone', title: 'Guitar' })).body;
      await admin.post(`${M}/performers`, { name: 'Carla Keys', title: 'Keys' });

      assert.equal((await admin.get(`${M}/performers/${alice.id}`)).body.name, 'Alice Johnson');
      const byName = await admin.get(`${M}/performers/by-name?name=${encodeURIComponent('alice JOHNSON')}`);
      assert.equal(byName.status, 200);
      assert.equal(byName.body.id, alice.id);
      assert.equal((await admin.get(`${M}/performers/by-name?name=nobody`)).status, 404);

      const search = await admin.get(`${M}/performers/search?q=voc`);
      assert.deepEqual(
        search.body.items.map((p) => p.name),
        ['Alice Johnson'],
      );
      assert.deepEqual(
        (await admin.get(`${M}/performers?q=stone`)).body.items.map((p) => p.name),
        ['Bob Stone'],
      );
      assert.equal((await admin.get(`${M}/performers/search`)).status, 400, 'search needs q');

      const updated = await admin.patch(`${M}/performers/${alice.id}`, {
        title: 'Co-Lead',
        notes: 'Now co-lead',
      });
      assert.equal(updated.status, 200);
      assert.deepEqual(
        [updated.body.title, updated.body.notes, updated.body.email, updated.body.phone],
        ['Co-Lead', 'Now co-lead', 'alice@band.com', '+1234567890'],
      );
      const badEmail = await admin.patch(`${M}/performers/${alice.id}`, { email: 'not-mail' });
      assert.equal(badEmail.status, 400);
      assert.equal((await admin.get(`${M}/performers/${alice.id}`)).body.email, 'alice@band.com');

      const page1 = await admin.get(`${M}/performers?limit=2`);
      assert.equal(page1.body.items.length, 2);
      const page2 = await admin.get(`${M}/performers?limit=2&cursor=${page1.body.next_cursor}`);
      assert.deepEqual(
        page2.body.items.map((p) => p.name),
        ['Carla Keys'],
      );
      assert.equal(page2.body.next_cursor, null);
      assert.deepEqual((await admin.get(`${M}/performers/count`)).body, { count: 3 });
      assert.equal((await tech.post(`${M}/performers`, { name: 'Sneaky' })).status, 403);
    },
  );

  test('deactivated performers leave the default list and count; reactivate restores them', async () => {
    const carla = (await admin.get(`${M}/performers/by-name?name=carla keys`)).body;
    const off = await admin.post(`${M}/performers/${carla.id}/deactivate`);
    assert.equal(off.status, 200);
    assert.equal(off.body.is_active, false);
    assert.deepEqual(
      (await admin.get(`${M}/performers`)).body.items.map((p) => p.name),
      ['Alice Johnson', 'Bob Stone'],
    );
    assert.equal((await admin.get(`${M}/performers?include_inactive=true`)).body.items.length, 3);
    assert.deepEqual((await admin.get(`${M}/performers/count`)).body, { count: 2 });
    assert.deepEqual((await admin.get(`${M}/performers/count?include_inactive=true`)).body, { count: 3 });
    assert.equal((await admin.post(`${M}/performers/${carla.id}/reactivate`)).body.is_active, true);
  });

  test('monitoring groups: admins create them with members; members of another org are refused', async () => {
    const g = await admin.post(`${M}/groups`, {
      name: 'Main Stage',
      description: 'Stage mics',
      members: [techId],
    });
    assert.equal(g.status, 201);
    stageGroup = g.body;
    assert.deepEqual(
      [stageGroup.name, stageGroup.members, stageGroup.is_active],
      ['Main Stage', [techId], true],
    );
    sideGroup = (await admin.post(`${M}/groups`, { name: 'Side Stage', members: [outsiderId] })).body;
    assert.equal((await admin.post(`${M}/groups`, { name: 'Main Stage' })).status, 409);

    const { org: other } = await env().makeOrg('elsewhere');
    const { id: strangerId } = await env().makeUser(other, 'stranger');
    const bad = await admin.post(`${M}/groups`, { name: 'Mixed', members: [techId, strangerId] });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors, [
      { path: 'body.members.1', message: `user ${strangerId} is not a member of this organization` },
    ]);
    assert.equal((await admin.get(`${M}/groups`)).body.items.length, 2, 'nothing stored');
    assert.equal((await tech.post(`${M}/groups`, { name: 'Mine' })).status, 403);
  });

  test(
    'assignments: create with every field, 409 naming the existing pair, ' +
      '422 for inactive performers, 404 for other orgs',
    async () => {
      const res = await admin.post(`${M}/assignments`, {
        performer_id: alice.id,
        wireless_unit_id: units[0].id,
        monitoring_group_id: stageGroup.id,
        priority: 'high',
        notes: 'Lead microphone',
        alert_on_audio_low: true,
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      aliceOnCh1 = res.body;
      assert.deepEqual(aliceOnCh1.performer, { id: alice.id, name: 'Alice Johnson' });
      assert.deepEqual(aliceOnCh1.wireless_unit, { id: units[0].id, name: 'CH1' });
      assert.deepEqual(aliceOnCh1.monitoring_group, { id: stageGroup.id, name: 'Main Stage' });
      assert.equal(aliceOnCh1.priority, 'high');
      assert.equal(aliceOnCh1.is_active, true);
      assert.deepEqual(aliceOnCh1.alert_preferences, {
        battery_low: true,
        signal_loss: true,
        audio_low: true,
        device_offline: true,
      });
      assert.equal(typeof aliceOnCh1.assigned_by, 'number');
      assert.ok(aliceOnCh1.assigned_at && aliceOnCh1.updated_at);

      const again = await admin.post<string, DuplicatePair>(`${M}/assignments`, {
        performer_id: alice.id,
        wireless_unit_id: units[0].id,
        monitoring_group_id: sideGroup.id,
      });
      assert.equal(again.status, 409);
      assert.ok(!again.body.detail.includes(aliceOnCh1.id), 'the 409 text names things in words, not ids');
      assert.match(again.body.detail, new RegExp(`${alice.name}.*${units[0].name}`));
      assert.deepEqual(again.body.errors, [
        { path: 'body.wireless_unit_id', message: `${alice.name} is already assigned to this unit` },
      ]);
      assert.equal(
        again.body.existing_assignment_id,
        aliceOnCh1.id,
        'the existing assignment can be reused straight from the 409',
      );

      // A shared unit: two performers on the same unit is allowed.
      const bobOnCh1 = await admin.post(`${M}/assignments`, {
        performer_id: bob.id,
        wireless_unit_id: units[0].id,
        monitoring_group_id: stageGroup.id,
        alert_enabled: false,
        priority: 'low',
      });
      assert.equal(bobOnCh1.status, 201);
      assert.deepEqual(bobOnCh1.body.alert_preferences, {
        battery_low: false,
        signal_loss: false,
        audio_low: false,
        device_offline: false,
      });
      assert.equal(
        (
          await admin.post(`${M}/assignments`, {
            performer_id: bob.id,
            wireless_unit_id: units[1].id,
            monitoring_group_id: stageGroup.id,
            priority: 'critical',
          })
        ).status,
        201,
      );
      assert.equal(
        (
          await admin.post(`${M}/assignments`, {
            performer_id: bob.id,
            wireless_unit_id: units[3].id,
            monitoring_group_id: sideGroup.id,
          })
        ).status,
        201,
      );

      const carla = (await admin.get(`${M}/performers/by-name?name=carla keys`)).body;
      await admin.post(`${M}/performers/${carla.id}/deactivate`);
      const inactive = await admin.post(`${M}/assignments`, {
        performer_id: carla.id,
        wireless_unit_id: units[2].id,
        monitoring_group_id: stageGroup.id,
      });
      assert.equal(inactive.status, 422);
      assert.equal(inactive.body.detail, 'Performer Carla Keys is inactive and cannot be assigned');
      await admin.post(`${M}/performers/${carla.id}/reactivate`);

      const badPriority = await admin.post(`${M}/assignments`, {
        performer_id: carla.id,
        wireless_unit_id: units[2].id,
        monitoring_group_id: stageGroup.id,
        priority: 'urgent',
      });
      assert.equal(badPriority.status, 400);
      assert.equal(badPriority.body.errors[0].path, 'body.priority');

      const { admin: otherAdmin } = await env().makeOrg('rival');
      const theirs = (await otherAdmin.post(`${M}/performers`, { name: 'Rival Singer' })).body;
      const cross = await admin.post(`${M}/assignments`, {
        performer_id: theirs.id,
        wireless_unit_id: units[2].id,
        monitoring_group_id: stageGroup.id,
      });
      assert.equal(cross.status, 404);
      assert.equal(cross.body.detail, 'Performer not found');
      assert.equal(
        (await otherAdmin.get(`${M}/performers/${alice.id}`)).status,
        404,
        'another org never sees our performer',
      );
      assert.equal(
        (await admin.get(`${M}/assignments/count`)).body.total,
        4,
        'refused creates stored nothing',
      );
    },
  );

  test('assignment queries: by performer, by unit, by group, by priority, counts, needing alerts with after', async () => {
    assert.deepEqual(
      (await admin.get(`${M}/performers/${bob.id}/assignments`)).body.items.map((a) => a.wireless_unit.name),
      ['CH1', 'CH2', 'CH4'],
    );
    assert.deepEqual(
      (await admin.get(`${M}/units/${units[0].id}/assignments`)).body.items.map((a) => a.performer.name),
      ['Alice Johnson', 'Bob Stone'],
    );
    assert.equal((await admin.get(`${M}/groups/${stageGroup.id}/assignments`)).body.items.length, 3);
    assert.deepEqual(
      (await admin.get(`${M}/assignments?priority=critical`)).body.items.map((a) => a.wireless_unit.name),
      ['CH2'],
    );
    assert.deepEqual((await admin.get(`${M}/assignments/count`)).body, { total: 4, with_alerts: 3 });
    assert.deepEqual((await admin.get(`${M}/assignments/count?monitoring_group_id=${stageGroup.id}`)).body, {
      total: 3,
      with_alerts: 2,
    });

    const needing = await admin.get(`${M}/assignments/needing-alerts?monitoring_group_id=${stageGroup.id}`);
    assert.deepEqual(
      needing.body.items.map((a) => `${a.performer.name}@${a.wireless_unit.name}`),
      ['Alice Johnson@CH1', 'Bob Stone@CH2'],
    );
    const future = new Date(Date.now() + 3600_000).toISOString();
    assert.equal(
      (await admin.get(`${M}/assignments/needing-alerts?after=${encodeURIComponent(future)}`)).body.items
        .length,
      0,
    );
    const past = new Date(Date.now() - 3600_000).toISOString();
    assert.equal(
      (await admin.get(`${M}/assignments/needing-alerts?after=${encodeURIComponent(past)}`)).body.items
        .length,
      3,
    );
    assert.equal((await admin.get(`${M}/assignments/needing-alerts?after=yesterday`)).status, 400);
  });

  test('update, alert preferences, bulk alert toggle, deactivate and reactivate an assignment', async () => {
    const up = await admin.patch(`${M}/assignments/${aliceOnCh1.id}`, {
      priority: 'critical',
      notes: 'Changed to critical',
      alert_enabled: true,
      alert_on_audio_low: false,
    });
    assert.equal(up.status, 200);
    assert.deepEqual([up.body.priority, up.body.notes], ['critical', 'Changed to critical']);
    assert.deepEqual((await admin.get(`${M}/assignments/${aliceOnCh1.id}/alert-preferences`)).body, {
      battery_low: true,
      signal_loss: true,
      audio_low: false,
      device_offline: true,
    });
    assert.equal(
      (await admin.patch(`${M}/assignments/${aliceOnCh1.id}`, { performer_id: bob.id })).status,
      400,
      'the pair itself is not editable',
    );

    const bulk = await admin.post(`${M}/assignments/alerts`, {
      monitoring_group_id: stageGroup.id,
      alert_enabled: false,
    });
    assert.equal(bulk.status, 200);
    assert.equal(bulk.body.updated, 3);
    assert.deepEqual((await admin.get(`${M}/assignments/count`)).body, { total: 4, with_alerts: 1 });
    const one = await admin.post(`${M}/assignments/alerts`, {
      assignment_ids: [aliceOnCh1.id],
      alert_on_battery_low: true,
    });
    assert.deepEqual(one.body, { updated: 1, ids: [aliceOnCh1.id] });
    assert.deepEqual((await admin.get(`${M}/assignments/${aliceOnCh1.id}/alert-preferences`)).body, {
      battery_low: true,
      signal_loss: false,
      audio_low: false,
      device_offline: false,
    });
    const unknown = await admin.post(`${M}/assignments/alerts`, {
      assignment_ids: [aliceOnCh1.id, '0190f1f4-0000-7000-8000-000000000000'],
      alert_enabled: true,
    });
    assert.equal(unknown.status, 404);
    assert.equal(
      (await admin.get(`${M}/assignments/${aliceOnCh1.id}/alert-preferences`)).body.signal_loss,
      false,
      'all-or-nothing',
    );
    assert.equal(
      (await admin.post(`${M}/assignments/alerts`, { assignment_ids: [aliceOnCh1.id] })).status,
      400,
      'a toggle is required',
    );

    const off = await admin.post(`${M}/assignments/${aliceOnCh1.id}/deactivate`);
    assert.equal(off.body.is_active, false);
    assert.deepEqual(
      (await admin.get(`${M}/units/${units[0].id}/assignments`)).body.items.map((a) => a.performer.name),
      ['Bob Stone'],
    );
    assert.equal(
      (await admin.get(`${M}/assignments?include_inactive=true&wireless_unit_id=${units[0].id}`)).body.items
        .length,
      2,
    );
    assert.equal((await admin.post(`${M}/assignments/${aliceOnCh1.id}/reactivate`)).body.is_active, true);
    await admin.post(`${M}/assignments/alerts`, { monitoring_group_id: stageGroup.id, alert_enabled: true });
  });

  test('a technician sees only what their groups reach: me/groups, me/performers, me/devices', async () => {
    assert.deepEqual(
      (await tech.get(`${M}/me/groups`)).body.items.map((g) => g.name),
      ['Main Stage'],
    );
    assert.deepEqual(
      (await tech.get(`${M}/me/performers`)).body.items.map((p) => p.name),
      ['Alice Johnson', 'Bob Stone'],
    );
    assert.deepEqual(
      (await tech.get(`${M}/me/devices`)).body.items.map((u) => u.name),
      ['CH1', 'CH2'],
    );
    assert.deepEqual(
      (await tech.get(`${M}/chassis`)).body.items.map((c) => c.name),
      ['Rack A'],
    );
    assert.deepEqual(
      (await tech.get(`${M}/assignments`)).body.items.map((a) => a.wireless_unit.name),
      ['CH1', 'CH1', 'CH2'],
    );
    assert.deepEqual((await tech.get(`${M}/assignments/count`)).body, { total: 3, with_alerts: 3 });

    assert.deepEqual(
      (await outsider.get(`${M}/me/performers`)).body.items.map((p) => p.name),
      ['Bob Stone'],
    );
    assert.deepEqual(
      (await outsider.get(`${M}/me/devices`)).body.items.map((u) => u.name),
      ['CH4'],
    );
    assert.equal((await admin.get(`${M}/me/performers`)).body.items.length, 3, 'org admins see all');
    const noGroup = await viewer.get(`${M}/me/groups`);
    assert.deepEqual(noGroup.body, { items: [], next_cursor: null });
  });

  test('a technician outside the group gets 404 for its performer, unit, assignment and group', async () => {
    for (const url of [
      `${M}/performers/${alice.id}`,
      `${M}/units/${units[0].id}`,
      `${M}/assignments/${aliceOnCh1.id}`,
      `${M}/groups/${stageGroup.id}`,
      `${M}/performers/${alice.id}/assignments`,
    ]) {
      const res = await outsider.get<string, ProblemBody>(url);
      assert.equal(res.status, 404, url);
      assert.match(res.body.detail, /not found$/);
    }
    const assign = await outsider.post(`${M}/assignments`, {
      performer_id: alice.id,
      wireless_unit_id: units[3].id,
      monitoring_group_id: sideGroup.id,
    });
    assert.equal(assign.status, 404);
    assert.equal(assign.body.detail, 'Performer not found');
    assert.equal(
      (await outsider.patch(`${M}/assignments/${aliceOnCh1.id}`, { priority: 'low' })).status,
      404,
    );
    assert.equal((await admin.get(`${M}/assignments/${aliceOnCh1.id}`)).body.priority, 'critical');
    assert.equal((await outsider.patch(`${M}/units/${units[0].id}`, { battery: 1 })).status, 404);
  });

  test('troubleshooting: a user in no group sees nothing until added to one; then the group’s performers appear', async () => {
    const { id: newcomerId, client: newcomer } = await env().makeUser(org, 'newcomer');
    assert.deepEqual(
      (await newcomer.get(`${M}/me/groups`)).body.items,
      [],
      '"MonitoringGroup not found": no groups yet',
    );
    assert.equal(
      (await newcomer.get(`${M}/performers/${alice.id}`)).status,
      404,
      'access denied: the performer is in none of their groups',
    );
    const members = (await admin.get(`${M}/groups/${stageGroup.id}`)).body.members;
    assert.equal(
      (await admin.patch(`${M}/groups/${stageGroup.id}`, { members: [...members, newcomerId] })).status,
      200,
    );
    assert.deepEqual(
      (await newcomer.get(`${M}/me/groups`)).body.items.map((g) => g.name),
      ['Main Stage'],
    );
    assert.equal((await newcomer.get(`${M}/performers/${alice.id}`)).body.name, 'Alice Johnson');
    assert.equal(
      (await admin.patch(`${M}/groups/${stageGroup.id}`, { members })).status,
      200,
      'membership restored for the next tests',
    );
  });

  test('a technician manages assignments inside their group; performers stay admin-managed (403)', async () => {
    const bobCh2 = (await tech.get(`${M}/assignments?performer_id=${bob.id}`)).body.items.find(
      (a) => a.wireless_unit.name === 'CH2',
    );
    assert.ok(bobCh2, 'Bob is on CH2');
    const up = await tech.patch(`${M}/assignments/${bobCh2.id}`, { notes: 'checked at soundcheck' });
    assert.equal(up.status, 200);
    assert.equal(up.body.notes, 'checked at soundcheck');
    // Alice and CH2 are both reached by Main Stage, so the technician may pair them there.
    const created = await tech.post(`${M}/assignments`, {
      performer_id: alice.id,
      wireless_unit_id: units[1].id,
      monitoring_group_id: stageGroup.id,
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.assigned_by, techId);
    const wrongGroup = await tech.post(`${M}/assignments`, {
      performer_id: alice.id,
      wireless_unit_id: units[2].id,
      monitoring_group_id: sideGroup.id,
    });
    assert.equal(wrongGroup.status, 404);
    assert.equal(wrongGroup.body.detail, 'Monitoring group not found');
    assert.equal((await tech.delete(`${M}/assignments/${created.body.id}`)).status, 204);

    const edit = await tech.patch(`${M}/performers/${alice.id}`, { title: 'Hacked' });
    assert.equal(edit.status, 403);
    assert.equal((await tech.patch(`${M}/units/${units[0].id}`, { battery: 1 })).status, 403);
    assert.equal((await admin.get(`${M}/performers/${alice.id}`)).body.title, 'Co-Lead');
  });

  test('unit changes and assignment changes are published to the groups that reach the unit and to org admins', async () => {
    const seen: LiveEvent[] = [];
    const off = env().bus.subscribe((e) => seen.push(e));
    try {
      const up = await admin.patch(`${M}/units/${units[0].id}`, {
        battery: 15,
        last_seen: new Date().toISOString(),
      });
      assert.equal(up.body.battery, 15);
      await admin.post(`${M}/assignments/${aliceOnCh1.id}/deactivate`);
      await admin.post(`${M}/assignments/${aliceOnCh1.id}/reactivate`);
    } finally {
      off();
    }
    const unit = seen.find((e) => e.type === 'monitoring.unit.updated')!;
    assert.equal((unit.data as UnitJson).battery, 15);
    assert.deepEqual(unit.audience, { userIds: [techId], orgRoles: ['owner', 'admin'] });
    assert.deepEqual(
      seen.filter((e) => e.type.startsWith('monitoring.assignment.')).map((e) => e.type),
      ['monitoring.assignment.deactivated', 'monitoring.assignment.reactivated'],
    );
    assert.ok(seen.every((e) => e.orgId === org.id));
  });

  test('a deactivated performer drops out of every assignment query and of me/performers', async () => {
    await admin.post(`${M}/performers/${alice.id}/deactivate`);
    assert.deepEqual(
      (await admin.get(`${M}/units/${units[0].id}/assignments`)).body.items.map((a) => a.performer.name),
      ['Bob Stone'],
    );
    assert.equal(
      (await admin.get(`${M}/assignments?include_inactive=true`)).body.items.filter(
        (a) => a.performer.id === alice.id,
      ).length,
      0,
    );
    assert.equal(
      (await admin.get(`${M}/assignments/needing-alerts`)).body.items.filter(
        (a) => a.performer.id === alice.id,
      ).length,
      0,
    );
    assert.deepEqual(
      (await tech.get(`${M}/me/performers`)).body.items.map((p) => p.name),
      ['Bob Stone'],
    );
    assert.equal((await tech.get(`${M}/performers/${alice.id}`)).status, 404);
    assert.deepEqual(
      (await admin.get(`${M}/performers/with-assignments`)).body.items.map((p) => p.name),
      ['Bob Stone'],
    );
    await admin.post(`${M}/performers/${alice.id}/reactivate`);
    assert.deepEqual(
      (await admin.get(`${M}/performers/with-assignments`)).body.items.map((p) => p.name),
      ['Alice Johnson', 'Bob Stone'],
    );
  });

  test('photo: an image is stored and streamed back; not-an-image is a 400 and stores nothing', async () => {
    const uploads = path.join(env().config.dataDir, 'uploads');
    const files = () =>
      fs.existsSync(uploads)
        ? fs
            .readdirSync(uploads, { recursive: true })
            .filter((f) => fs.statSync(path.join(uploads, String(f))).isFile())
        : [];

    const upload = async (who: Client, part: ReturnType<typeof multipart>) => {
      const res = await env().app.inject({
        method: 'POST',
        url: `${M}/performers/${bob.id}/photo`,
        payload: part.body,
        headers: { ...part.headers, authorization: `Bearer ${who.token}` },
      });
      return {
        status: res.statusCode,
        body: res.json<BodyOf<`${typeof M}/performers/${string}/photo`, 'post'>>(),
      };
    };
    const fake = multipart(Buffer.from('#!/bin/sh\necho not a picture\n'), 'photo.png', 'image/png');
    const refused = await upload(admin, fake);
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body.errors, [{ path: 'file', message: 'unrecognised content' }]);
    assert.equal(files().length, 0);
    assert.equal((await admin.get(`${M}/performers/${bob.id}`)).body.has_photo, false);
    assert.equal((await admin.get(`${M}/performers/${bob.id}/photo`)).status, 404);

    const huge = multipart(Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]), 'huge.png', 'image/png');
    const tooBig = await upload(admin, huge);
    assert.equal(tooBig.status, 413);
    assert.match(tooBig.body.detail, /exceeds the 5120 KiB limit/);
    assert.equal(files().length, 0, 'the partial file is removed');

    const pdf = multipart(Buffer.from('%PDF-1.7 fake'), 'photo.pdf', 'application/pdf');
    assert.equal((await upload(admin, pdf)).body.errors[0].message, 'content is application/pdf');
    assert.equal(
      (await admin.post(`${M}/performers/${bob.id}/photo`, { file: 'x' })).status,
      400,
      'JSON is not an upload',
    );

    const png = multipart(PNG, 'bob.png', 'image/png');
    const ok = await upload(admin, png);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.has_photo, true);
    assert.equal(ok.body.photo_url, `${M}/performers/${bob.id}/photo`);
    const back = await env().app.inject({
      method: 'GET',
      url: `${M}/performers/${bob.id}/photo`,
      headers: { authorization: `Bearer ${tech.token}` },
    });
    assert.equal(back.statusCode, 200);
    assert.equal(back.headers['content-type'], 'image/png');
    assert.deepEqual(back.rawPayload, PNG);
    assert.equal(files().length, 1);
    assert.equal((await upload(tech, png)).status, 403);
  });

  test('a location tied to an org unit is hidden from users outside that unit', async () => {
    const unit = await admin.post('/api/auth/units/', { unit_name: 'Plant 7', unit_code: 'P7' });
    assert.equal(unit.status, 201, JSON.stringify(unit.body));
    const tied = await admin.post(`${M}/locations`, {
      building: 'Plant 7',
      room: 'Hall',
      unit_id: unit.body.id,
    });
    assert.equal(tied.status, 201);
    assert.equal(tied.body.unit_id, unit.body.id);
    assert.deepEqual(
      (await tech.get(`${M}/locations`)).body.items.map((l) => l.building),
      ['Main Hall'],
    );
    assert.equal((await tech.get(`${M}/locations/${tied.body.id}`)).status, 404);
    assert.equal((await admin.get(`${M}/locations`)).body.items.length, 2);
  });

  test('hard delete of a performer removes its assignments and is audited', async () => {
    const before = (await admin.get(`${M}/performers/${bob.id}/assignments`)).body.items.length;
    assert.equal(before, 3);
    assert.equal((await tech.delete(`${M}/performers/${bob.id}`)).status, 403);
    const del = await admin.delete(`${M}/performers/${bob.id}`);
    assert.equal(del.status, 200);
    assert.deepEqual(del.body, { deleted_assignments: 3 });
    assert.equal((await admin.get(`${M}/performers/${bob.id}`)).status, 404);
    const left = await env().inOrg(org, (t) =>
      t.tx.select().from(performerAssignments).where(eq(performerAssignments.performerId, bob.id)),
    );
    assert.equal(left.length, 0);
    const audit = await admin.get('/api/audit?action=monitoring.performer.deleted');
    assert.ok(audit.body.items.some((a) => a.message === 'Deleted performer Bob Stone and 3 assignment(s)'));
  });

  test('legacy device assignments stay readable and migrate idempotently into performer assignments', async () => {
    const { org: legacyOrg, admin: legacyAdmin } = await env().makeOrg('legacy');
    const { id: oldTechId, client: oldTech } = await env().makeUser(legacyOrg, 'old.tech');
    const c = (await legacyAdmin.post(`${M}/chassis`, { name: 'Old rack' })).body;
    const u1 = (await legacyAdmin.post(`${M}/units`, { chassis_id: c.id, name: 'OLD1', slot: 1 })).body;
    const u2 = (await legacyAdmin.post(`${M}/units`, { chassis_id: c.id, name: 'OLD2', slot: 2 })).body;
    await env().inOrg(legacyOrg, (t) =>
      t.tx.insert(deviceAssignments).values([
        {
          orgId: legacyOrg.id,
          userId: oldTechId,
          wirelessUnitId: u1.id,
          alertEnabled: true,
          notes: 'handheld',
        },
        { orgId: legacyOrg.id, userId: oldTechId, wirelessUnitId: u2.id, alertEnabled: false },
      ]),
    );
    const legacy = await legacyAdmin.get(`${M}/legacy-assignments`);
    assert.deepEqual(
      legacy.body.items.map((l) => [l.user.username, l.wireless_unit.name, l.alert_enabled]),
      [
        ['old.tech', 'OLD1', true],
        ['old.tech', 'OLD2', false],
      ],
    );
    assert.equal((await oldTech.get(`${M}/legacy-assignments`)).status, 403);

    const first = await env().inOrg(legacyOrg, (t) => migrateLegacyAssignments(t));
    assert.deepEqual(first, { created_performers: 1, created_assignments: 2, skipped: 0 });
    const second = await env().inOrg(legacyOrg, (t) => migrateLegacyAssignments(t));
    assert.deepEqual(second, { created_performers: 0, created_assignments: 0, skipped: 2 });

    const migrated = (await legacyAdmin.get(`${M}/assignments`)).body.items;
    assert.deepEqual(
      migrated.map((a) => [
        a.performer.name,
        a.wireless_unit.name,
        a.monitoring_group.name,
        a.alert_preferences.battery_low,
      ]),
      [
        ['old.tech', 'OLD1', 'Legacy assignments', true],
        ['old.tech', 'OLD2', 'Legacy assignments', false],
      ],
    );
    assert.deepEqual(
      (await oldTech.get(`${M}/me/devices`)).body.items.map((u) => u.name),
      ['OLD1', 'OLD2'],
      'the legacy user keeps seeing their units',
    );
    const count = await env().inOrg(legacyOrg, (t) => t.tx.select().from(performers));
    assert.equal(count.length, 1);
  });

  test('demo seed: two stages on two Shure receivers, each group staffed by its own technician', async () => {
    const { org: demo, admin: demoAdmin } = await env().makeOrg('demo-mon');
    const { id: demoTechId, client: demoTech } = await env().makeUser(demo, 'demo.tech');
    const { id: studioTechId, client: studioTech } = await env().makeUser(demo, 'demo.stage.tech');
    await env().inOrg(demo, (t) =>
      monitoringModule.seedDemo!(t, { tech: demoTechId, 'stage.tech': studioTechId }),
    );
    assert.deepEqual(
      (await demoTech.get(`${M}/me/groups`)).body.items.map((g) => [g.name, g.members]),
      [['Main Stage', [demoTechId]]],
    );
    assert.deepEqual(
      (await studioTech.get(`${M}/me/groups`)).body.items.map((g) => [g.name, g.members]),
      [['Studio B', [studioTechId]]],
    );
    assert.equal((await demoTech.get(`${M}/me/performers`)).body.items.length, 4);
    assert.deepEqual(
      (await studioTech.get(`${M}/me/performers`)).body.items.map((p) => p.name).sort(),
      ['Emma Li', 'Farah Haddad'],
      'each technician sees only their stage',
    );
    assert.deepEqual(
      (await demoAdmin.get(`${M}/chassis`)).body.items.map((c) => [c.model, c.protocol]).sort(),
      [
        ['AD4D', 'shure'],
        ['ULXD4Q', 'shure'],
      ],
    );
    assert.equal((await demoAdmin.get(`${M}/units`)).body.items.length, 6);
    assert.deepEqual(
      (await demoAdmin.get(`${M}/assignments?priority=critical`)).body.items.map((a) => a.performer.name),
      ['Alice Johnson'],
    );
  });
});
