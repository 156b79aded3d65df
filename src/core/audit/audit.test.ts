import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { describeEachBackend, type Client } from '../../../test/support/env.ts';
import type { Organization } from '../../modules/identity/service.ts';
import { newId } from '../db/columns.ts';
import { auditLog, users } from '../db/platform-schema.ts';

interface Entry {
  id: string;
  actor: string;
  actor_name: string;
  actor_user_id: number | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  entity_name: string | null;
  message: string;
}

describeEachBackend('audit log as a history', (env) => {
  let org: Organization;
  let admin: Client;
  let adminId: number;
  let member: Client;
  let memberId: number;
  let stranger: number;
  const room = newId();

  /** Trail rows written as the services write them, at fixed instants, in `orgId`. */
  async function trail(
    orgId: string,
    rows: Array<{ action: string; type: string; id: string; diff?: object; actor?: number; at?: number }>,
  ) {
    await env()
      .database.db.insert(auditLog)
      .values(
        rows.map((r, i) => ({
          orgId,
          id: newId(),
          actorUserId: r.actor ?? null,
          actorLabel: r.actor ? `user ${r.actor}` : 'import',
          action: r.action,
          entityType: r.type,
          entityId: r.id,
          message: `${r.action} ${r.type} ${r.id}`,
          diff: (r.diff ?? null) as Record<string, { before: unknown; after: unknown }> | null,
          createdAt: new Date(Date.UTC(2021, 0, 1, 8, i)),
        })),
      );
  }

  before(async () => {
    ({ org, admin } = await env().makeOrg('history'));
    adminId = (await admin.get('/api/auth/me')).body.user!.id;
    await env().database.db.update(users).set({ fullName: 'Hélène Histoire' }).where(eq(users.id, adminId));
    ({ id: memberId, client: member } = await env().makeUser(org, 'history.member'));
    const other = await env().makeOrg('elsewhere');
    stranger = (await other.admin.get('/api/auth/me')).body.user!.id;
    await trail(org.id, [
      { action: 'create', type: 'event_room', id: room, diff: { name: { before: null, after: 'Salle 1' } } },
      {
        action: 'update',
        type: 'event_room',
        id: room,
        actor: adminId,
        diff: { capacity: { before: 5, after: 9 } },
      },
      {
        action: 'update',
        type: 'event_room',
        id: room,
        actor: adminId,
        diff: { name: { before: 'Salle 1', after: 'Grande salle' } },
      },
      {
        action: 'update',
        type: 'unit',
        id: '7',
        diff: { unit_name: { before: 'Old', after: 'Pune Plant' } },
      },
      { action: 'update', type: 'user', id: String(memberId), actor: stranger },
      { action: 'update', type: 'user', id: String(stranger), actor: adminId },
      {
        action: 'create',
        type: 'event_annonce',
        id: 'a1',
        actor: adminId,
        diff: {
          title: { before: null, after: '=HYPERLINK("x")' },
          body: { before: null, after: 'a,b\n"c"' },
        },
      },
    ]);
    // The same entity id in another organization, under another name: never shown here.
    await trail(other.org.id, [
      { action: 'create', type: 'event_room', id: room, diff: { name: { before: null, after: 'Secret' } } },
      { action: 'create', type: 'hidden_kind', id: 'x' },
    ]);
  });

  test('entries name their entity from its latest name in the trail, and their actor by full name', async () => {
    const res = await admin.get<string, { items: Entry[] }>(`/api/audit?entity_type=event_room`);
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.items.map((e) => [e.action, e.entity_name, e.actor_name]),
      [
        ['update', 'Grande salle', 'Hélène Histoire'],
        ['update', 'Grande salle', 'Hélène Histoire'],
        ['create', 'Grande salle', 'import'],
      ],
    );
    // What was recorded at the time stays: the label is kept beside the current name.
    assert.equal(res.body.items[0].actor, `user ${adminId}`);
  });

  test('names recorded in the API’s snake_case are found too', async () => {
    const res = await admin.get<string, { items: Entry[] }>(`/api/audit?entity_type=unit&entity_id=7`);
    assert.deepEqual(
      res.body.items.map((e) => e.entity_name),
      ['Pune Plant'],
    );
  });

  test('users are named only when the viewer may see them', async () => {
    const res = await admin.get<string, { items: Entry[] }>(`/api/audit?entity_type=user&action=update`);
    const byId = (id: number) => res.body.items.find((e) => e.entity_id === String(id));
    assert.equal(byId(memberId)?.entity_name, 'history.member');
    // A user of another organization acted here (an import, a support login): their label only.
    assert.equal(byId(memberId)?.actor_name, `user ${stranger}`);
    assert.equal(byId(stranger)?.entity_name, null);
  });

  test('the kinds picker lists this organization’s entity types and one type’s actions', async () => {
    const kinds = await admin.get<string, { entity_types: string[]; actions: string[] }>('/api/audit/kinds');
    assert.equal(kinds.status, 200);
    assert.ok(kinds.body.entity_types.includes('event_room'));
    assert.ok(kinds.body.entity_types.includes('organization'));
    assert.ok(!kinds.body.entity_types.includes('hidden_kind'));
    assert.deepEqual(kinds.body.entity_types, [...kinds.body.entity_types].sort());
    assert.deepEqual(kinds.body.actions, []);
    const room = await admin.get<string, { actions: string[] }>('/api/audit/kinds?entity_type=event_room');
    assert.deepEqual(room.body.actions, ['create', 'update']);
  });

  test('the CSV export has every column, names, the filters, and defused formulas', async () => {
    const res = await admin.request<string>('GET', '/api/audit/export.csv?entity_type=event_annonce');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    assert.match(String(res.headers['content-disposition']), /attachment; filename="audit-log.csv"/);
    const text = String(res.body);
    const lines = text.split('\r\n');
    assert.equal(
      lines[0],
      'created_at,actor_user_id,actor,actor_name,action,entity_type,entity_id,entity_name,message,diff,request_id,ip',
    );
    assert.equal(lines.length, 3, text);
    assert.ok(
      lines[1].startsWith(`2021-01-01T08:06:00.000Z,${adminId},user ${adminId},Hélène Histoire,create,`),
    );
    // A name starting with = is written as text, and JSON with quotes and commas is quoted.
    assert.match(lines[1], /,"'=HYPERLINK\(""x""\)",/);
    assert.match(lines[1], /"\{""body"":/);
    const all = await admin.request<string>('GET', '/api/audit/export.csv');
    assert.ok(String(all.body).includes('Grande salle'));
    assert.ok(!String(all.body).includes('Secret'));
  });

  test('members may not read or export the trail; bad filters are a 400 naming the field', async () => {
    for (const url of ['/api/audit', '/api/audit/kinds', '/api/audit/export.csv'])
      assert.equal((await member.get(url)).status, 403, url);
    const backwards = await admin.get<string, { errors: Array<{ path: string }> }>(
      '/api/audit/export.csv?from=2021-01-02T00:00:00Z&to=2021-01-01T00:00:00Z',
    );
    assert.equal(backwards.status, 400);
    assert.deepEqual(
      backwards.body.errors.map((e) => e.path),
      ['query.to'],
    );
    const unknown = await admin.get<string, { errors: Array<{ path: string }> }>('/api/audit/kinds?actor=1');
    assert.equal(unknown.status, 400);
    assert.deepEqual(
      unknown.body.errors.map((e) => e.path),
      ['query.actor'],
    );
  });
});
