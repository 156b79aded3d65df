import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { and, eq } from 'drizzle-orm';
import { orgChecksum } from '../support/routes.ts';
import { describeEachBackend, type Client } from '../support/env.ts';
import { memberships } from '../../src/core/db/platform-schema.ts';
import type { TenantTx } from '../../src/core/db/tenant.ts';
import type { Organization } from '../../src/modules/identity/service.ts';
import { createAssignment } from '../../src/modules/monitoring/assignments.ts';
import { createGroup } from '../../src/modules/monitoring/groups.ts';
import { createChassis, createLocation, createUnit } from '../../src/modules/monitoring/hardware.ts';
import { createPerformer } from '../../src/modules/monitoring/performers.ts';
import { groupMembers, monitoringGroups, performerAssignments } from '../../src/modules/monitoring/schema.ts';
import { eventAssignments, EVENT_ROLES } from '../../src/modules/events/schema.ts';
import { createEvent } from '../../src/modules/events/service.ts';

/**
 * Generated actors (issue 8, "Isolation and authorization suite"). fast-check draws, for the users
 * of org A, an org role, monitoring group memberships, which groups and performer assignments are
 * active, and event roles; the state is written straight into the database, then every actor calls
 * the list routes and every id route of both orgs. The expected answer of each call is computed
 * here from the policies' own definitions (monitoring/policy.ts, events/policy.ts), independently
 * of the code under test:
 *
 * - a performer is visible to an org owner/admin, or to a member/viewer when one of their active
 *   groups has an active assignment of that (active) performer; managing it is admin-only, so a
 *   visible performer answers 403 to others and an invisible one 404;
 * - a monitoring group is visible to owners/admins, or to its members while it is active;
 * - an event is visible to owners/admins (they manage every event) or to a holder of an active
 *   event role;
 * - nothing of org B is ever visible or writable (404), and B's rows never change.
 */
const USERS = 4;
const GROUPS = 4;
const PERFORMERS = 8;
const UNITS = 4;
const EVENTS = 2;
const NUM_RUNS = Number(process.env.ISOLATION_RUNS ?? 12);

type Role = 'admin' | 'member' | 'viewer';
interface Fixture {
  performers: string[];
  groups: string[];
  events: string[];
  assignments: { id: string; performer: number; group: number }[];
}
interface Draw {
  roles: Role[];
  memberOf: boolean[][];
  groupActive: boolean[];
  assignmentActive: boolean[];
  eventRole: (null | (typeof EVENT_ROLES)[number])[][];
}

async function buildFixture(
  inOrg: <T>(fn: (t: TenantTx) => Promise<T>) => Promise<T>,
  tag: string,
): Promise<Fixture> {
  return inOrg(async (t) => {
    const site = await createLocation(t, { building: `Hall ${tag}` });
    const rack = await createChassis(t, { name: `Rack ${tag}`, serial: `ISO-${tag}`, locationId: site.id });
    const units = [];
    for (let s = 1; s <= UNITS; s++)
      units.push(await createUnit(t, { chassisId: rack.id, name: `CH${s}`, slot: s }));
    const groups = [];
    for (let g = 0; g < GROUPS; g++) groups.push(await createGroup(t, { name: `Zone ${tag}${g}` }));
    const performers = [];
    for (let p = 0; p < PERFORMERS; p++)
      performers.push(await createPerformer(t, { name: `Artist ${tag}${p}` }));
    // Performer p in group p % GROUPS on unit p % UNITS, plus a second assignment for the first half.
    const assignments = [];
    for (let p = 0; p < PERFORMERS; p++) {
      const pairs = p < PERFORMERS / 2 ? [p % GROUPS, (p + 1) % GROUPS] : [p % GROUPS];
      for (const [k, g] of pairs.entries()) {
        const a = await createAssignment(t, {
          performerId: performers[p].id,
          wirelessUnitId: units[(p + k) % UNITS].id,
          monitoringGroupId: groups[g].id,
        });
        assignments.push({ id: a.a.id, performer: p, group: g });
      }
    }
    const events = [];
    for (let e = 0; e < EVENTS; e++) {
      events.push(
        await createEvent(t, {
          name: `Fair ${tag}${e}`,
          startDate: new Date(Date.now() - 3600_000),
          endDate: new Date(Date.now() + 86_400_000),
        }),
      );
    }
    return {
      performers: performers.map((p) => p.id),
      groups: groups.map((g) => g.id),
      events: events.map((e) => e.id),
      assignments,
    };
  });
}

const isAdmin = (role: Role) => role === 'admin';

function model(fixture: Fixture, d: Draw, u: number) {
  const myGroups = new Set(d.memberOf[u].flatMap((m, g) => (m && d.groupActive[g] ? [g] : [])));
  const performerVisible = (p: number) =>
    isAdmin(d.roles[u]) ||
    fixture.assignments.some((a, i) => a.performer === p && d.assignmentActive[i] && myGroups.has(a.group));
  const groupVisible = (g: number) => isAdmin(d.roles[u]) || myGroups.has(g);
  const eventVisible = (e: number) => isAdmin(d.roles[u]) || d.eventRole[u][e] !== null;
  return { performerVisible, groupVisible, eventVisible };
}

describeEachBackend(
  'isolation and authorization: generated actors against the policies’ definitions',
  (env) => {
    let alpha: Organization;
    let beta: Organization;
    let a: Fixture;
    let b: Fixture;
    const users: { id: number; client: Client }[] = [];
    let betaAdmin: Client;

    before(async () => {
      let alphaOwner: Client;
      ({ org: alpha, admin: alphaOwner } = await env().makeOrg('iso-alpha'));
      ({ org: beta, admin: betaAdmin } = await env().makeOrg('iso-beta'));
      void alphaOwner;
      a = await buildFixture((fn) => env().inOrg(alpha, fn), 'A');
      b = await buildFixture((fn) => env().inOrg(beta, fn), 'B');
      for (let u = 0; u < USERS; u++) users.push(await env().makeUser(alpha, `iso-alpha-${u}`, 'member'));
    });

    const apply = async (d: Draw) => {
      const db = env().database.db;
      await db.transaction(async (tx) => {
        for (let u = 0; u < USERS; u++)
          await tx
            .update(memberships)
            .set({ role: d.roles[u] })
            .where(and(eq(memberships.orgId, alpha.id), eq(memberships.userId, users[u].id)));
        await tx.delete(groupMembers).where(eq(groupMembers.orgId, alpha.id));
        const rows = users.flatMap((user, u) =>
          d.memberOf[u].flatMap((m, g) =>
            m ? [{ orgId: alpha.id, groupId: a.groups[g], userId: user.id }] : [],
          ),
        );
        if (rows.length) await tx.insert(groupMembers).values(rows);
        for (let g = 0; g < GROUPS; g++)
          await tx
            .update(monitoringGroups)
            .set({ isActive: d.groupActive[g] })
            .where(and(eq(monitoringGroups.orgId, alpha.id), eq(monitoringGroups.id, a.groups[g])));
        for (const [i, as] of a.assignments.entries())
          await tx
            .update(performerAssignments)
            .set({ isActive: d.assignmentActive[i] })
            .where(and(eq(performerAssignments.orgId, alpha.id), eq(performerAssignments.id, as.id)));
        await tx.delete(eventAssignments).where(eq(eventAssignments.orgId, alpha.id));
        const roles = users.flatMap((user, u) =>
          d.eventRole[u].flatMap((role, e) =>
            role ? [{ orgId: alpha.id, eventId: a.events[e], userId: user.id, role }] : [],
          ),
        );
        if (roles.length) await tx.insert(eventAssignments).values(roles);
      });
    };

    const draw = (): fc.Arbitrary<Draw> =>
      fc.record({
        roles: fc.array(fc.constantFrom<Role>('admin', 'member', 'viewer'), {
          minLength: USERS,
          maxLength: USERS,
        }),
        memberOf: fc.array(fc.array(fc.boolean(), { minLength: GROUPS, maxLength: GROUPS }), {
          minLength: USERS,
          maxLength: USERS,
        }),
        groupActive: fc.array(fc.boolean(), { minLength: GROUPS, maxLength: GROUPS }),
        assignmentActive: fc.array(fc.boolean(), {
          minLength: PERFORMERS * 1.5,
          maxLength: PERFORMERS * 1.5,
        }),
        eventRole: fc.array(
          fc.array(fc.option(fc.constantFrom(...EVENT_ROLES), { nil: null }), {
            minLength: EVENTS,
            maxLength: EVENTS,
          }),
          { minLength: USERS, maxLength: USERS },
        ),
      });

    test('lists and single reads match the policy definitions; org B is never reachable', async (t) => {
      assert.equal(a.assignments.length, PERFORMERS * 1.5);
      const db = env().database.db;
      const betaBefore = await orgChecksum(db, beta.id);
      let calls = 0;
      await fc.assert(
        fc.asyncProperty(draw(), async (d) => {
          await apply(d);
          const failures: string[] = [];
          const expect = (what: string, got: number, want: number) => {
            calls++;
            if (got !== want) failures.push(`${what}: got ${got}, policy says ${want}`);
          };
          for (let u = 0; u < USERS; u++) {
            const m = model(a, d, u);
            const c = users[u].client;
            const who = `user ${u} (${d.roles[u]})`;

            const mine = await c.get('/api/monitoring/me/performers?limit=200');
            expect(`${who} me/performers status`, mine.status, 200);
            const want = a.performers.filter((_, p) => m.performerVisible(p)).sort();
            const got = (mine.body.items as { id: string }[]).map((p) => p.id).sort();
            calls++;
            if (JSON.stringify(got) !== JSON.stringify(want))
              failures.push(
                `${who} me/performers: got ${got.length} ${JSON.stringify(got)}, policy says ${want.length}`,
              );

            const groups = await c.get('/api/monitoring/groups?limit=200');
            const wantGroups = a.groups
              .filter((_, g) => m.groupVisible(g) && (isAdmin(d.roles[u]) ? d.groupActive[g] : true))
              .sort();
            const gotGroups = (groups.body.items as { id: string }[]).map((g) => g.id).sort();
            calls++;
            if (JSON.stringify(gotGroups) !== JSON.stringify(wantGroups))
              failures.push(
                `${who} groups list: got ${JSON.stringify(gotGroups)}, policy says ${JSON.stringify(wantGroups)}`,
              );

            const eventsList = await c.get('/api/events/events?limit=200');
            const wantEvents = a.events.filter((_, e) => m.eventVisible(e)).sort();
            const gotEvents = (eventsList.body.items as { id: string }[]).map((e) => e.id).sort();
            calls++;
            if (JSON.stringify(gotEvents) !== JSON.stringify(wantEvents))
              failures.push(
                `${who} events list: got ${JSON.stringify(gotEvents)}, policy says ${JSON.stringify(wantEvents)}`,
              );

            for (const [p, id] of a.performers.entries()) {
              const visible = m.performerVisible(p);
              expect(
                `${who} GET performer ${p}`,
                (await c.get(`/api/monitoring/performers/${id}`)).status,
                visible ? 200 : 404,
              );
              const patch = await c.patch(`/api/monitoring/performers/${id}`, { notes: `touched by ${u}` });
              expect(
                `${who} PATCH performer ${p}`,
                patch.status,
                !visible ? 404 : isAdmin(d.roles[u]) ? 200 : 403,
              );
            }
            for (const [g, id] of a.groups.entries())
              expect(
                `${who} GET group ${g}`,
                (await c.get(`/api/monitoring/groups/${id}`)).status,
                m.groupVisible(g) ? 200 : 404,
              );
            for (const [e, id] of a.events.entries())
              expect(
                `${who} GET event ${e}`,
                (await c.get(`/api/events/events/${id}`)).status,
                m.eventVisible(e) ? 200 : 404,
              );

            // Org B: whatever the actor's role and assignments in A, every id of B is "not found".
            for (const id of b.performers.slice(0, 3)) {
              expect(`${who} GET B performer`, (await c.get(`/api/monitoring/performers/${id}`)).status, 404);
              expect(
                `${who} PATCH B performer`,
                (await c.patch(`/api/monitoring/performers/${id}`, { notes: 'from A' })).status,
                404,
              );
            }
            for (const id of b.groups.slice(0, 2))
              expect(`${who} GET B group`, (await c.get(`/api/monitoring/groups/${id}`)).status, 404);
            for (const id of b.events) {
              expect(`${who} GET B event`, (await c.get(`/api/events/events/${id}`)).status, 404);
              expect(
                `${who} PATCH B event`,
                (await c.patch(`/api/events/events/${id}`, { name: 'from A' })).status,
                404,
              );
            }
            const bAssignment = b.assignments[0].id;
            expect(
              `${who} PATCH B assignment`,
              (await c.patch(`/api/monitoring/assignments/${bAssignment}`, { notes: 'from A' })).status,
              404,
            );
          }
          assert.deepEqual(failures, [], JSON.stringify(d));
        }),
        { numRuns: NUM_RUNS, endOnFailure: true },
      );
      t.diagnostic(`${NUM_RUNS} generated states, ${calls} checked answers`);
      assert.deepEqual(await orgChecksum(db, beta.id), betaBefore, 'org B is unchanged');
      // B's own admin still sees all of B's performers: the refusals above were isolation, not breakage.
      const own = await betaAdmin.get('/api/monitoring/me/performers?limit=200');
      assert.equal(own.body.items.length, PERFORMERS);
    });
  },
);
