import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { describeEachBackend, type Client } from '../../../test/support/env.ts';
import type { Organization } from '../identity/service.ts';
import { createEvent, createRoom } from '../events/service.ts';
import { roomAssignments } from '../events/schema.ts';
import { createAssignment } from '../monitoring/assignments.ts';
import { createGroup } from '../monitoring/groups.ts';
import { createPerformer } from '../monitoring/performers.ts';
import { createUnit as createOrgUnit } from '../org/service.ts';
import { userUnits } from '../org/schema.ts';
import { addDevice } from '../signage/devices.ts';
import { eventUnits } from './schema.ts';
import { roomSlot, stageWithMic } from './test-fixtures.ts';

const HOUR = 3600_000;
const E = '/api/access/explain';

/** A small deterministic PRNG (mulberry32): the same seed draws the same people, windows and objects. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)],
    hours: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
  };
}

describeEachBackend('access explain: the same policies answer "why?" and filter the routes', (env) => {
  let org: Organization;
  let admin: Client;
  const people: { id: number; client: Client; name: string }[] = [];
  const id: Record<string, string> = {};
  const unit: Record<string, number> = {};
  /** Every object the property test asks about, with the route that opens it. */
  const objects: { ref: string; url: string }[] = [];

  before(async () => {
    ({ org, admin } = await env().makeOrg('explain'));
    await env().inOrg(org, async (t) => {
      unit.MUM = (await createOrgUnit(t, { unitName: 'Mumbai Plant', unitCode: 'MUM' })).id;
      unit.PUN = (await createOrgUnit(t, { unitName: 'Pune Plant', unitCode: 'PUN' })).id;
      const event = await createEvent(t, {
        name: 'Summit',
        startDate: new Date(Date.now() - 48 * HOUR),
        endDate: new Date(Date.now() + 48 * HOUR),
      });
      id.event = event.id;
      const plain = await createEvent(t, {
        name: 'Untied',
        startDate: new Date(Date.now() - HOUR),
        endDate: new Date(Date.now() + HOUR),
      });
      await t.tx.insert(eventUnits).values({ orgId: t.orgId, eventId: event.id, unitId: unit.MUM });
      const group = await createGroup(t, { name: 'Audio' });
      for (const [n, unitId] of [
        ['1', unit.MUM],
        ['2', unit.PUN],
      ] as const) {
        id[`room${n}`] = (await createRoom(t, event.id, { name: `Salle ${n}`, capacity: 40 })).id;
        const place = { building: 'Centre', room: `Stage ${n}`, unitId };
        const names = { rack: `Rack ${n}`, mic: `Mic ${n}` };
        const { locationId, micId } = await stageWithMic(t, place, names, id[`room${n}`]);
        const performer = await createPerformer(t, { name: `Performer ${n}` });
        await createAssignment(t, {
          performerId: performer.id,
          wirelessUnitId: micId,
          monitoringGroupId: group.id,
        });
        id[`location${n}`] = locationId;
        objects.push(
          { ref: `monitoring.location:${locationId}`, url: `/api/monitoring/locations/${locationId}` },
          { ref: `monitoring.unit:${micId}`, url: `/api/monitoring/units/${micId}` },
          { ref: `monitoring.performer:${performer.id}`, url: `/api/monitoring/performers/${performer.id}` },
        );
      }
      objects.push(
        { ref: `events.event:${event.id}`, url: `/api/events/events/${event.id}` },
        { ref: `events.event:${plain.id}`, url: `/api/events/events/${plain.id}` },
      );
      for (const [name, unitId] of [
        ['Door MUM', unit.MUM],
        ['Door PUN', unit.PUN],
        ['Lobby', null],
      ] as const) {
        const screen = await addDevice(t, { name, unitId });
        objects.push({ ref: `signage.screen:${screen.id}`, url: `/api/signage/devices/${screen.id}` });
      }
    });
    for (const name of ['ana', 'ben', 'cai', 'dov'])
      people.push({ ...(await env().makeUser(org, name)), name });
  });

  /** Fresh random unit assignments and room slots, each window either around now or beside it. */
  async function shuffleAssignments(seed: number) {
    const r = random(seed);
    await env().inOrg(org, async (t) => {
      await t.tx.delete(userUnits);
      await t.tx.delete(roomAssignments);
      for (const p of people) {
        const start = r.hours(-4, 1);
        const unitId = r.pick([unit.MUM, unit.PUN, null]);
        if (unitId !== null)
          await t.tx.insert(userUnits).values({
            orgId: t.orgId,
            userId: p.id,
            unitId,
            startsAt: new Date(Date.now() + start * HOUR),
            endsAt: r.pick([null, new Date(Date.now() + (start + r.hours(1, 6)) * HOUR)]),
          });
        const slotStart = r.hours(-3, 1);
        const room = r.pick([id.room1, id.room2, null]);
        if (room !== null)
          await roomSlot(t, {
            eventId: id.event,
            roomId: room,
            userId: p.id,
            startsAt: new Date(Date.now() + slotStart * HOUR),
            endsAt: new Date(Date.now() + (slotStart + r.hours(1, 4)) * HOUR),
          });
      }
    });
  }

  test('property: for random people, objects and assignment windows, explain allows ⇔ the route allows', async () => {
    let allowedSeen = 0;
    let refusedSeen = 0;
    for (const seed of [7, 42, 2026]) {
      await shuffleAssignments(seed);
      for (const person of people)
        for (const object of objects) {
          const said = await admin.get(`${E}?user=${person.id}&object=${object.ref}`);
          assert.equal(said.status, 200, JSON.stringify(said.body));
          const route = await person.client.get(object.url);
          assert.ok([200, 404].includes(route.status), `${object.url}: ${route.status}`);
          assert.equal(
            said.body.allowed,
            route.status === 200,
            `seed ${seed}, ${person.name}, ${object.ref}: explain ${JSON.stringify(said.body.reasons)}`,
          );
          if (said.body.allowed) allowedSeen++;
          else refusedSeen++;
        }
    }
    assert.ok(allowedSeen > 10 && refusedSeen > 10, `both answers drawn (${allowedSeen}/${refusedSeen})`);
  });

  test('a person: everything they reach now, each with the granting assignment and until when', async () => {
    await shuffleAssignments(1);
    const ana = people[0];
    const until = new Date(Date.now() + 2 * HOUR);
    const slotId = await env().inOrg(org, async (t) => {
      await t.tx.delete(roomAssignments);
      const [row] = await t.tx
        .insert(roomAssignments)
        .values({
          orgId: t.orgId,
          eventId: id.event,
          roomId: id.room2,
          userId: ana.id,
          role: 'gestionnaire_des_salles',
          startsAt: new Date(Date.now() - HOUR),
          endsAt: until,
        })
        .returning();
      return row.id;
    });
    const mine = await ana.client.get(`${E}?user=${ana.id}&kind=monitoring.unit`);
    assert.equal(mine.status, 200, 'a person may ask about themselves');
    assert.deepEqual(
      mine.body.reaches!.map((r) => [r.kind, r.label]),
      [['monitoring.unit', 'Mic 2']],
    );
    assert.deepEqual(mine.body.reaches![0].reasons, [
      {
        rule: 'venue.room_slot_stage',
        source: "room manager's slot in the room this location is the stage of (read-only)",
        grant: 'venue.room_slot_stage',
        assignment: {
          kind: 'events.room_assignment',
          id: slotId,
          starts_at: mine.body.reaches![0].reasons[0].assignment!.starts_at,
          until: until.toISOString(),
        },
      },
    ]);
    assert.equal((await ana.client.get(`${E}?user=${people[1].id}`)).status, 403, 'not about someone else');
    assert.equal((await ana.client.get(`${E}?object=events.event:${id.event}`)).status, 403);

    const who = await admin.get(`${E}?object=monitoring.location:${id.location2}`);
    assert.equal(who.status, 200);
    const ofAna = who.body.people!.find((p) => p.user_id === ana.id);
    assert.equal(ofAna?.reasons.find((r) => r.grant)?.assignment?.id, slotId);
    assert.ok(
      who.body.people!.some((p) => p.reasons.some((r) => r.rule === 'org.admin')),
      'the org owner reaches it by org role',
    );

    // Yesterday at that hour the slot did not exist: the derived grant is read from the windows.
    const yesterday = new Date(Date.now() - 24 * HOUR).toISOString();
    const then = await admin.get(
      `${E}?user=${ana.id}&object=monitoring.unit:${objects[4].ref.split(':')[1]}&at=${encodeURIComponent(yesterday)}`,
    );
    assert.equal(then.body.allowed, false);
    assert.equal(then.body.refused_by?.rule, 'monitoring.unit.see');
    assert.deepEqual(
      then.body.would_grant!.map((g) => g.rule),
      ['monitoring.unit.see', 'venue.room_slot_stage', 'org.admin'],
    );
  });

  test('at a past instant, slots read as they stood then: ended since still counts, made since does not', async () => {
    const [ana, ben] = people;
    const dayBefore = new Date(Date.now() - 24 * HOUR);
    const slotOf = (userId: number, assignedAt: Date) =>
      env().inOrg(org, (t) =>
        roomSlot(t, {
          eventId: id.event,
          roomId: id.room1,
          userId,
          startsAt: new Date(dayBefore.getTime() - HOUR),
          endsAt: new Date(dayBefore.getTime() + HOUR),
          assignedAt,
        }),
      );
    await env().inOrg(org, async (t) => {
      await t.tx.delete(roomAssignments);
      await t.tx.delete(userUnits);
    });
    // Ana's slot was made two days ago and ended early today; Ben's was written today, after the fact.
    const anaSlot = await slotOf(ana.id, new Date(Date.now() - 48 * HOUR));
    await env().inOrg(org, (t) =>
      t.tx
        .update(roomAssignments)
        .set({ isActive: false, updatedAt: new Date() })
        .where(eq(roomAssignments.id, anaSlot)),
    );
    await slotOf(ben.id, new Date());
    const ask = (userId: number, at?: Date) => {
      const when = at ? `&at=${encodeURIComponent(at.toISOString())}` : '';
      return admin.get(`${E}?user=${userId}&object=monitoring.location:${id.location1}${when}`);
    };
    const anaThen = await ask(ana.id, dayBefore);
    assert.equal(anaThen.body.allowed, true, JSON.stringify(anaThen.body));
    assert.equal(anaThen.body.reasons?.find((r) => r.grant)?.assignment?.id, anaSlot);
    assert.equal((await ask(ana.id)).body.allowed, false, 'ended: not now');
    assert.equal((await ask(ben.id, dayBefore)).body.allowed, false, 'not yet written then');
  });

  test('bad questions are 400s naming the field; unknown people and objects are 404', async () => {
    const none = await admin.get(E);
    assert.equal(none.body.errors?.[0].path, 'query.user');
    const badKind = await admin.get(`${E}?object=printer:1`);
    assert.equal(badKind.body.errors?.[0].path, 'query.object');
    const badAt = await admin.get(`${E}?user=${people[0].id}&at=yesterday`);
    assert.equal(badAt.body.errors?.[0].path, 'query.at');
    const badListKind = await admin.get(`${E}?user=${people[0].id}&kind=printers`);
    assert.equal(badListKind.body.errors?.[0].path, 'query.kind');
    assert.equal((await admin.get(`${E}?user=999999999`)).status, 404);
    assert.equal(
      (await admin.get(`${E}?object=events.event:00000000-0000-4000-8000-000000000000`)).status,
      404,
    );
  });
});
