import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { and, asc, eq, sql } from 'drizzle-orm';
import { integer, pgTable, timestamp } from 'drizzle-orm/pg-core';
import { describeEachBackend } from '../../../test/support/env.ts';
import { queryRows, type Tx } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { memberships } from '../db/platform-schema.ts';
import { HttpProblem } from '../http/problem.ts';
import { isOrgAdmin, type Actor, type OrgRole } from './actor.ts';
import { assignmentColumns, assignmentInForce, windowsOverlap } from './assignment.ts';
import { allOf, anyOf, definePolicy, toSql } from './policy.ts';
import type { Organization } from '../../modules/identity/service.ts';

/**
 * The worked example: members of an org. Admins see and update every membership; anyone else
 * sees only their own row and may not update it. One definition serves lists and single rows.
 */
const membershipPolicy = definePolicy({
  entity: 'Membership',
  table: memberships,
  see: (actor) =>
    isOrgAdmin(actor) ? true : actor.userId === null ? false : eq(memberships.userId, actor.userId),
  actions: {
    update: (actor) => isOrgAdmin(actor),
    leave: (actor) => (actor.userId === null ? false : eq(memberships.userId, actor.userId)),
  },
});

describe('Condition combinators fold constants', () => {
  const a = sql`a`;
  const b = sql`b`;
  test('anyOf: any true is true, all false (or nothing) is false, a single condition is itself', () => {
    assert.equal(anyOf(a, true), true);
    assert.equal(anyOf(false, false), false);
    assert.equal(anyOf(), false);
    assert.equal(anyOf(false, a), a);
  });
  test('allOf: any false is false, all true (or nothing) is true, a single condition is itself', () => {
    assert.equal(allOf(a, false), false);
    assert.equal(allOf(true, true), true);
    assert.equal(allOf(), true);
    assert.equal(allOf(true, b), b);
  });
  test('mayEver is false only for a constant false rule', () => {
    const admin = { userId: 1, label: 'a', orgId: 'x', orgRole: 'admin', via: 'session' } as Actor;
    const member = { ...admin, orgRole: 'member' } as Actor;
    const key = { ...member, userId: null, via: 'api_key' } as Actor;
    assert.equal(membershipPolicy.mayEver(admin, 'update'), true);
    assert.equal(membershipPolicy.mayEver(member, 'update'), false);
    assert.equal(membershipPolicy.mayEver(member, 'leave'), true, 'a SQL condition may match some rows');
    assert.equal(membershipPolicy.mayEver(key, 'leave'), false);
  });
});

describeEachBackend('policy: one rule gives the list filter and the single-row check', (env) => {
  let org: Organization;
  let other: Organization;
  const ids: Record<string, number> = {};
  const actorFor = (username: string, orgRole: OrgRole, inOrg = org): Actor => ({
    userId: ids[username],
    label: username,
    orgId: inOrg.id,
    orgRole,
    via: 'session',
  });

  before(async () => {
    ({ org } = await env().makeOrg('policy'));
    ({ org: other } = await env().makeOrg('policy-other'));
    for (const [name, role] of [
      ['pat', 'admin'],
      ['mia', 'member'],
      ['max', 'member'],
      ['vic', 'viewer'],
    ] as const) {
      ids[name] = (await env().makeUser(org, name, role)).id;
    }
    ids['policy.admin'] = Number(
      (await env().database.db.select().from(memberships).where(eq(memberships.orgId, org.id))).find(
        (m) => m.role === 'owner',
      )!.userId,
    );
    ids.outsider = (await env().makeUser(other, 'outsider', 'member')).id;
  });

  const deps = () => ({ db: env().database.db });
  const visibleUserIds = (actor: Actor) =>
    withTenant(deps(), actor, async (t) =>
      (
        await t.tx
          .select({ userId: memberships.userId })
          .from(memberships)
          .where(membershipPolicy.visible(actor))
          .orderBy(asc(memberships.userId))
      ).map((r) => r.userId),
    );
  const authorize = (actor: Actor, action: 'see' | 'update' | 'leave', userId: number) =>
    withTenant(deps(), actor, (t) =>
      membershipPolicy.authorize(t.tx, actor, action, eq(memberships.userId, userId)),
    );
  const problem = (status: number, detail: string) => (err: unknown) =>
    err instanceof HttpProblem && err.status === status && err.detail === detail;

  test('visible() as a list WHERE: an admin gets every member of the org, a member only their own row', async () => {
    const everyone = ['policy.admin', 'pat', 'mia', 'max', 'vic'].map((n) => ids[n]).sort((a, b) => a - b);
    assert.deepEqual(await visibleUserIds(actorFor('pat', 'admin')), everyone);
    assert.deepEqual(await visibleUserIds(actorFor('mia', 'member')), [ids.mia]);
    assert.deepEqual(await visibleUserIds(actorFor('vic', 'viewer')), [ids.vic]);
    assert.deepEqual(
      await visibleUserIds({ ...actorFor('mia', 'member'), userId: null, via: 'api_key' }),
      [],
      'a member key without a user sees nothing',
    );
  });

  test('allowed() as a WHERE: only the rows the action may touch', async () => {
    const mia = actorFor('mia', 'member');
    const rows = await withTenant(deps(), mia, (t) =>
      t.tx
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(membershipPolicy.allowed(mia, 'update')),
    );
    assert.deepEqual(rows, []);
    const pat = actorFor('pat', 'admin');
    const updatable = await withTenant(deps(), pat, (t) =>
      t.tx
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(membershipPolicy.allowed(pat, 'update')),
    );
    assert.equal(updatable.length, 5);
  });

  test('authorize(): 404 when invisible, 403 when visible but not allowed, passes when allowed', async () => {
    const mia = actorFor('mia', 'member');
    await assert.rejects(authorize(mia, 'see', ids.max), problem(404, 'Membership not found'));
    await assert.rejects(
      authorize(mia, 'update', ids.max),
      problem(404, 'Membership not found'),
      'invisible wins over forbidden',
    );
    await assert.rejects(
      authorize(mia, 'update', ids.mia),
      problem(403, 'You may not update this membership'),
    );
    await authorize(mia, 'see', ids.mia);
    await authorize(mia, 'leave', ids.mia);
    const pat = actorFor('pat', 'admin');
    await authorize(pat, 'update', ids.max);
    await assert.rejects(authorize(pat, 'leave', ids.max), problem(403, 'You may not leave this membership'));
    await assert.rejects(
      authorize(pat, 'see', 999_999),
      problem(404, 'Membership not found'),
      'a row that does not exist',
    );
  });

  test('load(): the row itself when allowed, the same 404 and 403 as authorize() otherwise', async () => {
    const mia = actorFor('mia', 'member');
    const load = (actor: Actor, action: 'see' | 'update' | 'leave', userId: number) =>
      withTenant(deps(), actor, (t) =>
        membershipPolicy.load(t.tx, actor, action, eq(memberships.userId, userId)),
      );
    const own = await load(mia, 'leave', ids.mia);
    assert.deepEqual([own.userId, own.orgId, own.role], [ids.mia, org.id, 'member']);
    await assert.rejects(load(mia, 'see', ids.max), problem(404, 'Membership not found'));
    await assert.rejects(load(mia, 'update', ids.mia), problem(403, 'You may not update this membership'));
    await assert.rejects(
      load(actorFor('pat', 'admin'), 'see', 999_999),
      problem(404, 'Membership not found'),
      'a row that does not exist',
    );
  });

  test('access() and authorize(): a rule that comes out NULL refuses, exactly as it filters nothing in a WHERE', async () => {
    // Rules comparing with NULL (a column with no value, an unknown id) are NULL, not false.
    const nullish = definePolicy({
      entity: 'Membership',
      table: memberships,
      see: (actor) => (actor.orgRole === 'viewer' ? sql`${memberships.userId} = ${null}` : true),
      actions: { update: () => sql`${memberships.userId} = ${null}` },
    });
    const pat = actorFor('pat', 'admin');
    const vic = actorFor('vic', 'viewer');
    const access = (actor: Actor, action: 'see' | 'update') =>
      withTenant(
        deps(),
        actor,
        async (t) =>
          (
            await queryRows<{ a: string }>(
              t.tx,
              sql`select ${nullish.access(actor, action)} as a from ${memberships} where ${eq(memberships.userId, ids.max)}`,
            )
          )[0].a,
      );
    assert.equal(await access(pat, 'see'), 'allowed');
    assert.equal(await access(pat, 'update'), 'forbidden', 'a NULL action is not allowed');
    assert.equal(await access(vic, 'update'), 'not_found', 'a NULL see rule hides the row');
    const listed = await withTenant(deps(), pat, (t) =>
      t.tx.select().from(memberships).where(nullish.allowed(pat, 'update')),
    );
    assert.deepEqual(listed, [], 'the same rule as a WHERE matches nothing');
    await assert.rejects(
      withTenant(deps(), pat, (t) => nullish.authorize(t.tx, pat, 'update', eq(memberships.userId, ids.max))),
      problem(403, 'You may not update this membership'),
    );
    await assert.rejects(
      withTenant(deps(), vic, (t) => nullish.authorize(t.tx, vic, 'see', eq(memberships.userId, ids.max))),
      problem(404, 'Membership not found'),
    );
  });

  test('authorize() on another org’s row is a 404 even for an admin: RLS hides it before the rule runs', async () => {
    const pat = actorFor('pat', 'admin');
    await assert.rejects(authorize(pat, 'update', ids.outsider), problem(404, 'Membership not found'));
    // The same row, seen from its own org, exists: the 404 above is isolation, not absence.
    const outsiderOrgAdmin: Actor = {
      userId: null,
      label: 'test',
      orgId: other.id,
      orgRole: 'owner',
      via: 'system',
    };
    await authorize(outsiderOrgAdmin, 'update', ids.outsider);
  });

  test('anyOf / allOf compose rules that still run in SQL', async () => {
    const mia = actorFor('mia', 'member');
    const miaOrViewers = anyOf(eq(memberships.userId, ids.mia), eq(memberships.role, 'viewer'));
    const membersNotMia = allOf(eq(memberships.role, 'member'), sql`${memberships.userId} <> ${ids.mia}`);
    const run = (c: ReturnType<typeof anyOf>) =>
      withTenant(deps(), mia, async (t) =>
        (
          await t.tx
            .select({ userId: memberships.userId })
            .from(memberships)
            .where(toSql(c))
            .orderBy(asc(memberships.userId))
        ).map((r) => r.userId),
      );
    assert.deepEqual(
      await run(miaOrViewers),
      [ids.mia, ids.vic].sort((a, b) => a - b),
    );
    assert.deepEqual(await run(membersNotMia), [ids.max]);
    assert.deepEqual(await run(anyOf(false, false)), []);
    assert.equal((await run(allOf())).length, 5);
  });
});

/** An assignment table as a module would declare it: subject, scope, and the shared columns. */
const shifts = pgTable('test_shifts', {
  id: integer('id').notNull(),
  userId: integer('user_id').notNull(),
  ...assignmentColumns(),
});
const slots = pgTable('test_slots', {
  id: integer('id').notNull(),
  startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
  endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
});

describeEachBackend('assignments: in force and overlapping windows', (env) => {
  const at = (h: number) => new Date(Date.UTC(2030, 0, 1, h));

  /** Runs `fn` with a temporary copy of the tables, dropped at commit (one connection: the transaction). */
  const withShifts = <T>(fn: (tx: Tx) => Promise<T>) =>
    env().database.db.transaction(async (tx) => {
      await tx.execute(sql`create temp table test_shifts (
          id int not null, user_id int not null, role text, starts_at timestamptz, ends_at timestamptz,
          is_active boolean not null default true, assigned_by bigint,
          assigned_at timestamptz not null default now(), updated_at timestamptz not null default now()
        ) on commit drop`);
      await tx.execute(sql`create temp table test_slots (
          id int not null, starts_at timestamptz not null, ends_at timestamptz not null
        ) on commit drop`);
      await tx.insert(shifts).values([
        { id: 1, userId: 1, role: 'technician' },
        { id: 2, userId: 1, role: 'technician', isActive: false },
        { id: 3, userId: 2, startsAt: at(8), endsAt: at(12) },
        { id: 4, userId: 2, startsAt: at(12), endsAt: at(18) },
        { id: 5, userId: 3, startsAt: at(14) },
        { id: 6, userId: 3, endsAt: at(9) },
        { id: 7, userId: 4, startsAt: at(8), endsAt: at(18), isActive: false },
      ]);
      await tx.insert(slots).values([
        { id: 1, startsAt: at(8), endsAt: at(10) },
        { id: 2, startsAt: at(10), endsAt: at(12) },
        { id: 3, startsAt: at(11), endsAt: at(13) },
        { id: 4, startsAt: at(6), endsAt: at(20) },
      ]);
      return fn(tx);
    });

  const inForceAt = (when: Date) =>
    withShifts(async (tx) =>
      (
        await tx
          .select({ id: shifts.id })
          .from(shifts)
          .where(assignmentInForce(shifts, when))
          .orderBy(shifts.id)
      ).map((r) => r.id),
    );

  test('assignmentColumns defaults: active, assigned now', async () => {
    const [row] = await withShifts((tx) => tx.select().from(shifts).where(eq(shifts.id, 1)));
    assert.equal(row.isActive, true);
    assert.ok(row.assignedAt instanceof Date && Math.abs(row.assignedAt.getTime() - Date.now()) < 60_000);
    assert.equal(row.startsAt, null);
    assert.equal(row.endsAt, null);
  });

  test('in force respects is_active, open starts/ends, and an exclusive end', async () => {
    // 07:00 — open-ended #1, #6 (ends 09:00); #3 not yet started; #5 not yet started.
    assert.deepEqual(await inForceAt(at(7)), [1, 6]);
    // 09:00 — #6 has ended (end exclusive), #3 runs.
    assert.deepEqual(await inForceAt(at(9)), [1, 3]);
    // 12:00 — back-to-back slots: #3 ended, #4 started; never both at the boundary.
    assert.deepEqual(await inForceAt(at(12)), [1, 4]);
    // 14:00 — #5 starts exactly now (start inclusive).
    assert.deepEqual(await inForceAt(at(14)), [1, 4, 5]);
    // 18:00 — #4 ended; inactive #2 and #7 never count.
    assert.deepEqual(await inForceAt(at(18)), [1, 5]);
  });

  test('in force defaults to now() and accepts a SQL instant', async () => {
    const ids = await withShifts(async (tx) => {
      const byNow = (
        await tx.select({ id: shifts.id }).from(shifts).where(assignmentInForce(shifts)).orderBy(shifts.id)
      ).map((r) => r.id);
      const bySql = await queryRows<{ id: number }>(
        tx,
        sql`select id from test_shifts where ${assignmentInForce(shifts, sql`'2030-01-01T10:00:00Z'::timestamptz`)} order by id`,
      );
      return { byNow, bySql: bySql.map((r) => r.id) };
    });
    // Today is before 2030: the dated windows have not started, #6 (ended 2030) still runs.
    assert.deepEqual(ids.byNow, [1, 6]);
    assert.deepEqual(ids.bySql, [1, 3]);
  });

  test('windowsOverlap: shared instants only, touching windows do not overlap', async () => {
    const overlapping = (from: Date, to: Date) =>
      withShifts(async (tx) =>
        (
          await tx
            .select({ id: slots.id })
            .from(slots)
            .where(windowsOverlap(slots.startsAt, slots.endsAt, from, to))
            .orderBy(slots.id)
        ).map((r) => r.id),
      );
    assert.deepEqual(await overlapping(at(12), at(14)), [3, 4], '10–12 only touches 12–14');
    assert.deepEqual(await overlapping(at(9), at(10)), [1, 4]);
    assert.deepEqual(await overlapping(at(20), at(22)), [], '06–20 ends when 20–22 starts');
    assert.deepEqual(await overlapping(at(0), at(23)), [1, 2, 3, 4]);
  });

  test('a module combines in-force with its own conditions in one WHERE', async () => {
    const ids = await withShifts(async (tx) =>
      (
        await tx
          .select({ id: shifts.id })
          .from(shifts)
          .where(and(eq(shifts.userId, 2), assignmentInForce(shifts, at(13))))
      ).map((r) => r.id),
    );
    assert.deepEqual(ids, [4]);
  });
});
