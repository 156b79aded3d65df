import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { auditLog, memberships, users } from '../../src/core/db/platform-schema.ts';
import type { Organization } from '../../src/modules/identity/service.ts';
import { describeEachBackend, TEST_PASSWORD, type Client, type TestEnv } from '../support/env.ts';

/**
 * Accounts belong to their owner, roles are not raised by those they limit, the directory follows
 * access, temporary passwords are changed first. Each test replays an attack on the HTTP API and
 * checks the refusal and that nothing changed.
 */
describeEachBackend('security: accounts, roles, directory, temporary passwords', (env) => {
  let a: { org: Organization; admin: Client };
  let b: { org: Organization; admin: Client };
  let alice: { id: number; client: Client };
  let ownerId: number;
  let admA: { id: number; client: Client };
  let member: { id: number; client: Client };

  /** The account as its own org's admins read it. */
  const account = async (id: number) => {
    const [u] = await env().database.db.select().from(users).where(eq(users.id, id));
    return { username: u.username, email: u.email, fullName: u.fullName, passwordHash: u.passwordHash };
  };
  const membership = async (org: Organization, userId: number) => {
    const [m] = await env()
      .database.db.select({ role: memberships.role, active: memberships.isActive })
      .from(memberships)
      .where(and(eq(memberships.orgId, org.id), eq(memberships.userId, userId)));
    return m ?? null;
  };
  const myId = async (c: Client) => {
    const me = (await c.get('/api/auth/me')).body.user;
    assert.ok(me);
    return me.id;
  };

  before(async () => {
    const e: TestEnv = env();
    a = await e.makeOrg('sec-a');
    b = await e.makeOrg('sec-b');
    alice = await e.makeUser(a.org, 'alice', 'member');
    admA = await e.makeUser(a.org, 'adm.a', 'admin');
    member = await e.makeUser(a.org, 'plain.a', 'member');
    ownerId = await myId(a.admin);
  });

  test('no silent add: another org gets an invitation showing only what it typed', async () => {
    const res = await b.admin.post('/api/members', { login: 'alice', role: 'admin' });
    assert.equal(res.status, 202);
    assert.deepEqual([res.body.login, res.body.role, res.body.status], ['alice', 'admin', 'pending']);
    const text = JSON.stringify(res.body);
    assert.ok(!text.includes('alice@test.roster') && !text.includes('last_login'), text);
    assert.equal(await membership(b.org, alice.id), null, 'not a member until she accepts');
    assert.equal((await alice.client.get('/api/auth/me')).body.orgs.length, 1);

    // The same answer for a login nobody has: the endpoint tells nothing about who exists.
    const ghost = await b.admin.post('/api/members', { login: 'nobody@nowhere.test', role: 'admin' });
    assert.equal(ghost.status, 202);
    assert.deepEqual(Object.keys(ghost.body).sort(), Object.keys(res.body).sort());

    // Alice sees it and declines: still not a member.
    const [mine] = (await alice.client.get('/api/auth/invitations')).body.items;
    assert.equal(mine.org.slug, 'sec-b');
    assert.equal((await alice.client.post(`/api/auth/invitations/${mine.id}/decline`)).status, 200);
    assert.equal(await membership(b.org, alice.id), null);
    assert.equal(
      (await alice.client.post(`/api/auth/invitations/${mine.id}/accept`)).status,
      404,
      'a declined invitation cannot be accepted later',
    );
    // Nobody else can answer an invitation addressed to alice.
    const again = await b.admin.post('/api/members', { login: 'alice', role: 'member' });
    assert.equal((await member.client.post(`/api/auth/invitations/${again.body.id}/accept`)).status, 404);
    assert.equal(await membership(b.org, member.id), null);
  });

  test('an org the user joined cannot rename her or change her email; her managing org can', async () => {
    const [inv] = (await alice.client.get('/api/auth/invitations')).body.items;
    assert.equal((await alice.client.post(`/api/auth/invitations/${inv.id}/accept`)).status, 200);
    assert.deepEqual(await membership(b.org, alice.id), { role: 'member', active: true });
    const before = await account(alice.id);
    const url = `/api/auth/users/${alice.id}/` as const;
    for (const body of [{ username: 'pwned' }, { email: 'attacker@evil.test' }, { full_name: 'Pwned' }]) {
      const res = await b.admin.put(url, body);
      assert.equal(res.status, 403, JSON.stringify(body));
      assert.equal(res.body.detail, 'This account is managed by another organization');
    }
    assert.deepEqual(await account(alice.id), before);
    // B still manages what is its own: her membership there.
    assert.equal((await b.admin.patch(`/api/members/${alice.id}`, { role: 'viewer' })).status, 200);
    assert.deepEqual(await account(alice.id), before);
    // Her own org's admins may.
    const ok = await a.admin.put(url, { full_name: 'Alice A.' });
    assert.equal(ok.status, 200);
    assert.equal((await account(alice.id)).fullName, 'Alice A.');
  });

  test('creating a user tells only that a username or email is taken, nothing about the account', async () => {
    const count = (await b.admin.get('/api/members')).body.items.length;
    const taken = await b.admin.post('/api/auth/users/', { username: 'plain.a' });
    assert.equal(taken.status, 409);
    const text = JSON.stringify(taken.body);
    assert.ok(!text.includes('plain.a@test.roster') && !text.includes(String(member.id)), text);
    const email = await b.admin.post('/api/auth/users/', {
      username: 'fresh.b',
      email: 'plain.a@test.roster',
    });
    assert.equal(email.status, 409);
    assert.ok(!JSON.stringify(email.body).includes('plain.a"'), 'the account behind the email is not named');
    assert.equal((await b.admin.get('/api/members')).body.items.length, count, 'nobody was created');
    // Inviting by email answers alike whether or not the email has an account.
    const known = await b.admin.post('/api/members', { login: 'plain.a@test.roster' });
    const unknown = await b.admin.post('/api/members', { login: 'no.one@test.roster' });
    assert.deepEqual([known.status, unknown.status], [202, 202]);
    const shape = (body: object) => Object.entries(body).map(([k, v]) => [k, typeof v]);
    assert.deepEqual(shape(known.body), shape(unknown.body));
    assert.equal(await membership(b.org, member.id), null);
  });

  test('failed logins are audited only in orgs whose admins may see the user', async () => {
    const c = await env().makeOrg('sec-c');
    await c.admin.post('/api/members', { login: 'plain.a', role: 'member' });
    const res = await env()
      .client()
      .post('/api/auth/login', { username: 'plain.a', password: 'wrong-password' });
    assert.equal(res.status, 401);
    const failures = (org: Organization) =>
      env().inOrg(org, (t) =>
        t.tx
          .select()
          .from(auditLog)
          .where(and(eq(auditLog.action, 'login.failed'), eq(auditLog.entityId, String(member.id)))),
      );
    assert.equal((await failures(a.org)).length, 1, 'her own org sees it');
    assert.equal((await failures(c.org)).length, 0, 'an org that merely invited her does not');
  });

  test('an admin cannot make anyone owner, nor demote, deactivate or remove an owner', async () => {
    const adm = admA.client;
    const self = await adm.patch(`/api/members/${admA.id}`, { role: 'owner' });
    assert.equal(self.status, 403);
    assert.equal((await adm.patch(`/api/members/${member.id}`, { role: 'owner' })).status, 403);
    assert.equal((await adm.post('/api/members', { login: 'sec-b.admin', role: 'owner' })).status, 403);
    assert.equal((await adm.patch(`/api/members/${ownerId}`, { role: 'member' })).status, 403);
    assert.equal((await adm.patch(`/api/members/${ownerId}`, { is_active: false })).status, 403);
    assert.equal((await adm.put(`/api/auth/users/${ownerId}/`, { is_active: false })).status, 403);
    assert.equal((await adm.delete(`/api/members/${ownerId}`)).status, 403);
    assert.deepEqual(await membership(a.org, admA.id), { role: 'admin', active: true });
    assert.deepEqual(await membership(a.org, member.id), { role: 'member', active: true });
    assert.deepEqual(await membership(a.org, ownerId), { role: 'owner', active: true });
    // Owners do grant owner.
    assert.equal((await a.admin.patch(`/api/members/${member.id}`, { role: 'owner' })).status, 200);
    assert.equal((await a.admin.patch(`/api/members/${member.id}`, { role: 'member' })).status, 200);
  });

  test('the last active owner cannot demote or remove themself', async () => {
    const d = await env().makeOrg('sec-d');
    const id = await myId(d.admin);
    assert.equal((await d.admin.patch(`/api/members/${id}`, { role: 'admin' })).status, 422);
    assert.equal((await d.admin.patch(`/api/members/${id}`, { is_active: false })).status, 422);
    assert.equal((await d.admin.delete(`/api/members/${id}`)).status, 422);
    assert.deepEqual(await membership(d.org, id), { role: 'owner', active: true });
    // A second owner whose account is deactivated cannot log in: they do not count as the one kept.
    const dormant = await env().makeUser(d.org, 'dormant.owner', 'owner');
    await env().database.db.update(users).set({ isActive: false }).where(eq(users.id, dormant.id));
    assert.equal((await d.admin.patch(`/api/members/${id}`, { role: 'admin' })).status, 422);
    assert.equal((await d.admin.delete(`/api/members/${id}`)).status, 422);
    assert.deepEqual(await membership(d.org, id), { role: 'owner', active: true });
  });

  test('an API key never acts above its creator: demoted creator, removed creator', async () => {
    const e = await env().makeOrg('sec-e');
    const creator = await env().makeUser(e.org, 'keymaker', 'admin');
    const made = await creator.client.post('/api/api-keys', { name: 'ops', role: 'admin' });
    assert.equal(made.status, 201);
    const key = env().client(made.body.key);
    assert.equal((await key.get('/api/auth/me')).body.role, 'admin');

    assert.equal((await e.admin.patch(`/api/members/${creator.id}`, { role: 'member' })).status, 200);
    assert.equal((await key.get('/api/auth/me')).body.role, 'member', 'the key follows its creator');
    const minted = await key.post('/api/api-keys', { name: 'escalate', role: 'admin' });
    assert.equal(minted.status, 403);
    assert.equal((await key.get('/api/members')).status, 403);
    assert.equal((await e.admin.get('/api/api-keys')).body.items.length, 1, 'no key was minted');

    assert.equal((await e.admin.delete(`/api/members/${creator.id}`)).status, 204);
    assert.equal((await key.get('/api/auth/me')).status, 401, 'a removed creator’s key stops working');
  });

  test('the member directory is for admins: members, viewer keys and devices see nothing', async () => {
    const list = await member.client.get('/api/members');
    assert.equal(list.status, 403);
    assert.ok(!JSON.stringify(list.body).includes('@test.roster'));
    const viewerKey = await a.admin.post('/api/api-keys', { name: 'read', role: 'viewer' });
    assert.equal((await env().client(viewerKey.body.key).get('/api/members')).status, 403);

    const pair = await env().client().post('/api/device/pair');
    const claim = await a.admin.post('/api/signage/devices/claim', { code: pair.body.code, name: 'lobby' });
    assert.equal(claim.status, 201, JSON.stringify(claim.body));
    const poll = await env().client().get(`/api/device/pair/${pair.body.pairing_secret}`);
    assert.ok('device_token' in poll.body);
    const device = env().client(poll.body.device_token);
    assert.ok([401, 403].includes((await device.get('/api/members')).status));
    assert.ok([401, 403].includes((await device.get('/api/auth/users/')).status));

    const admins = await a.admin.get('/api/members');
    assert.equal(admins.status, 200);
    assert.ok(admins.body.items.some((m) => m.user.email === 'plain.a@test.roster'));
  });

  test('a Unit Head sees the people of their unit without their emails', async () => {
    const unit = await a.admin.post('/api/auth/units/', { unit_name: 'Lab', unit_code: 'LAB' });
    const assignments = [{ unit_id: unit.body.id, department_ids: [] }];
    const head = await env().makeUser(a.org, 'head.a', 'member');
    await a.admin.put(`/api/auth/users/${head.id}/`, {
      role: 'Unit Head',
      unit_assignments_data: assignments,
    });
    await a.admin.put(`/api/auth/users/${member.id}/`, { unit_assignments_data: assignments });
    const seen = (await head.client.get('/api/auth/users/')).body.items;
    const other = seen.find((u) => u.id === member.id);
    assert.ok(other, 'the Unit Head sees the people of the unit');
    assert.equal(other.email, null);
    assert.equal(seen.find((u) => u.id === head.id)?.email, 'head.a@test.roster', 'their own email');
    // Saving back what they saw changes nothing.
    const saved = await head.client.put(`/api/auth/users/${member.id}/`, {
      email: null,
      unit_assignments_data: assignments,
    });
    assert.equal(saved.status, 200);
    assert.equal((await account(member.id)).email, 'plain.a@test.roster');
  });

  test('a session with a temporary password can only read /me, change it and log out', async () => {
    const created = await a.admin.post('/api/auth/users/', { username: 'temp.a', role: 'User' });
    assert.equal(created.status, 201);
    const login = await env()
      .client()
      .post('/api/auth/login', { username: 'temp.a', password: created.body.temporary_password });
    assert.equal(login.status, 200);
    const temp = env().client(login.body.token);
    for (const res of [
      await temp.get('/api/auth/users/'),
      await temp.get('/api/auth/invitations'),
      await temp.post('/api/auth/switch-org', { org: 'sec-b' }),
      await temp.post('/api/api-keys', { name: 'x', role: 'viewer' }),
    ]) {
      assert.equal(res.status, 403);
      assert.equal(res.body.detail, 'Change your temporary password first');
    }
    assert.equal((await temp.get('/api/auth/me')).status, 200);
    const password = { current_password: created.body.temporary_password, new_password: TEST_PASSWORD };
    assert.equal((await temp.post('/api/auth/password', password)).status, 204);
    assert.equal((await temp.get('/api/auth/users/')).status, 200, 'now the session works');
  });
});
