import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eq } from 'drizzle-orm';
import type { BodyOf } from '../../../test/support/api-types.ts';
import { describeEachBackend, TEST_PASSWORD } from '../../../test/support/env.ts';
import { users } from '../../core/db/platform-schema.ts';
import { sessions, securityLog } from './schema.ts';
import { LOGIN_LIMIT } from './sessions.ts';

describeEachBackend('identity: login, sessions, password, members, API keys', (env) => {
  test('a user logs in with username and password and /me tells user, org and role', async () => {
    const { org } = await env().makeOrg('acme');
    await env().makeUser(org, 'alice', 'member');
    const res = await env().client().post('/api/auth/login', { username: 'alice', password: TEST_PASSWORD });
    assert.equal(res.status, 200);
    assert.match(res.body.token, /^rs_/);
    assert.equal(res.body.user.username, 'alice');
    assert.equal(res.body.org.slug, 'acme');
    assert.equal(res.body.role, 'member');
    assert.ok(!('password_hash' in res.body.user), 'the hash never leaves the server');
    assert.match(String(res.headers['set-cookie']), /roster_session=rs_.*HttpOnly/i);
    const me = await env().client(res.body.token).get('/api/auth/me');
    assert.equal(me.status, 200);
    assert.deepEqual(
      [me.body.user?.username, me.body.org.slug, me.body.role, me.body.via],
      ['alice', 'acme', 'member', 'session'],
    );
    assert.deepEqual(
      me.body.orgs.map((o) => o.org.slug),
      ['acme'],
    );
  });

  test('the session cookie authenticates like the bearer token', async () => {
    const alice = await env().login('alice');
    const me = await env()
      .client()
      .request<BodyOf<'/api/auth/me', 'get'>>('GET', '/api/auth/me', undefined, {
        cookie: `roster_session=${alice.token}`,
      });
    assert.equal(me.body.user?.username, 'alice');
  });

  test('a wrong password is a 401, changes nothing, and is recorded in the security log and the org audit', async () => {
    const { database } = env();
    const [before] = await database.db.select().from(users).where(eq(users.username, 'alice'));
    const res = await env().client().post('/api/auth/login', { username: 'alice', password: 'nope-nope' });
    assert.equal(res.status, 401);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(res.body.detail, 'Wrong username or password');
    const [after] = await database.db.select().from(users).where(eq(users.username, 'alice'));
    assert.deepEqual(after.lastLogin, before.lastLogin);
    const logged = await database.db.select().from(securityLog).where(eq(securityLog.username, 'alice'));
    assert.ok(logged.some((l) => l.event === 'login.failed' && l.detail === 'wrong password'));
    const admin = await env().login('acme.admin');
    const audit = await admin.get('/api/audit?action=login.failed');
    assert.equal(audit.status, 200);
    assert.ok(audit.body.items.some((a) => a.message.startsWith('Failed login for alice')));
  });

  test('an unknown user gets the same 401 as a wrong password', async () => {
    const res = await env().client().post('/api/auth/login', { username: 'nobody', password: 'whatever1' });
    assert.equal(res.status, 401);
    assert.equal(res.body.detail, 'Wrong username or password');
  });

  test(`after ${LOGIN_LIMIT.attempts} failures login is 429 with Retry-After, even with the right password`, async () => {
    const { org } = await env().makeOrg('throttle');
    await env().makeUser(org, 'bob');
    for (let i = 0; i < LOGIN_LIMIT.attempts; i++) {
      assert.equal(
        (await env().client().post('/api/auth/login', { username: 'bob', password: 'wrong-password' }))
          .status,
        401,
      );
    }
    const res = await env().client().post('/api/auth/login', { username: 'bob', password: TEST_PASSWORD });
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers['retry-after']) > 0);
  });

  test('logout revokes the token: it is 401 afterwards', async () => {
    const alice = await env().login('alice');
    assert.equal((await alice.post('/api/auth/logout')).status, 204);
    const me = await alice.get('/api/auth/me');
    assert.equal(me.status, 401);
    assert.equal(me.body.detail, 'Invalid, expired or revoked credentials');
  });

  test('an expired session is 401', async () => {
    const alice = await env().login('alice');
    const [user] = await env().database.db.select().from(users).where(eq(users.username, 'alice'));
    await env()
      .database.db.update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.userId, user.id));
    assert.equal((await alice.get('/api/auth/me')).status, 401);
  });

  test('a generated temporary password must be changed; changing it ends the other sessions', async () => {
    const { org, admin } = await env().makeOrg('pwco');
    const { createUser } = await import('./service.ts');
    const { temporaryPassword } = await env().inOrg(org, (t) => createUser(t, { username: 'carol' }));
    assert.ok(temporaryPassword && temporaryPassword.length >= 12);
    const first = await env().login('carol', undefined, temporaryPassword);
    const second = await env().login('carol', undefined, temporaryPassword);
    assert.equal((await first.get('/api/auth/me')).body.user?.must_change_password, true);

    const wrong = await first.post('/api/auth/password', {
      current_password: 'not-it-at-all',
      new_password: 'new-password-1',
    });
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.body.errors, [
      { path: 'body.current_password', message: 'is not your current password' },
    ]);
    const short = await first.post('/api/auth/password', {
      current_password: temporaryPassword,
      new_password: 'short',
    });
    assert.equal(short.status, 400);
    assert.equal(short.body.errors[0].path, 'body.new_password');
    assert.equal(
      (await first.get('/api/auth/me')).body.user?.must_change_password,
      true,
      'refused changes leave the flag',
    );

    assert.equal(
      (
        await first.post('/api/auth/password', {
          current_password: temporaryPassword,
          new_password: 'new-password-1',
        })
      ).status,
      204,
    );
    assert.equal((await first.get('/api/auth/me')).body.user?.must_change_password, false);
    assert.equal((await second.get('/api/auth/me')).status, 401, 'the other session ended');
    assert.equal(
      (await env().client().post('/api/auth/login', { username: 'carol', password: temporaryPassword }))
        .status,
      401,
    );
    await env().login('carol', undefined, 'new-password-1');
    void admin;
  });

  test('a user of two orgs logs into either and switches the session between them', async () => {
    const { org: one } = await env().makeOrg('one');
    const { admin: twoAdmin } = await env().makeOrg('two');
    const { client: daveInOne } = await env().makeUser(one, 'dave');
    // Another org invites; dave joins only by accepting.
    const invited = await twoAdmin.post('/api/members', { login: 'dave', role: 'viewer' });
    assert.equal(invited.status, 202);
    const [invitation] = (await daveInOne.get('/api/auth/invitations')).body.items;
    assert.equal(invitation.org.slug, 'two');
    const accepted = await daveInOne.post(`/api/auth/invitations/${invitation.id}/accept`);
    assert.equal(accepted.status, 200);
    const dave = await env().login('dave', 'two');
    assert.equal((await dave.get('/api/auth/me')).body.org.slug, 'two');
    assert.equal((await dave.get('/api/auth/me')).body.role, 'viewer');
    const sw = await dave.post('/api/auth/switch-org', { org: 'one' });
    assert.equal(sw.status, 200);
    assert.deepEqual([sw.body.org.slug, sw.body.role], ['one', 'member']);
    assert.equal((await dave.get('/api/auth/me')).body.org.slug, 'one');
    assert.equal(
      (await dave.post('/api/auth/switch-org', { org: 'acme' })).status,
      404,
      'not a member of acme',
    );
    assert.equal(
      (
        await env()
          .client()
          .post('/api/auth/login', { username: 'dave', password: TEST_PASSWORD, org: 'acme' })
      ).status,
      401,
    );
  });

  test('auth/me lists my own orgs only, and shows a renamed org or a removed membership at once', async () => {
    const { org: north } = await env().makeOrg('north');
    const { admin: southAdmin } = await env().makeOrg('south');
    const { id: gusId, client: gus } = await env().makeUser(north, 'gus');
    await env().makeUser(north, 'hal');
    const invited = await southAdmin.post('/api/members', { login: 'gus', role: 'viewer' });
    assert.equal(invited.status, 202);
    const [invitation] = (await gus.get('/api/auth/invitations')).body.items;
    assert.equal((await gus.post(`/api/auth/invitations/${invitation.id}/accept`)).status, 200);
    const orgsOf = async () => {
      const me = await gus.get('/api/auth/me');
      assert.equal(me.status, 200);
      assert.deepEqual([me.body.user?.username, me.body.org.slug], ['gus', 'north']);
      return me.body.orgs.map((o) => [o.org.slug, o.org.name, o.role]);
    };
    assert.deepEqual(await orgsOf(), [
      ['north', 'Org north', 'member'],
      ['south', 'Org south', 'viewer'],
    ]);
    assert.equal((await southAdmin.patch('/api/org', { name: 'South Pole' })).status, 200);
    assert.deepEqual((await orgsOf())[1], ['south', 'South Pole', 'viewer']);
    assert.equal((await southAdmin.delete(`/api/members/${gusId}`)).status, 204);
    assert.deepEqual(await orgsOf(), [['north', 'Org north', 'member']]);
    // An API key has no user: no user, no orgs, whatever the setting of another request left.
    const created = await southAdmin.post('/api/api-keys', { name: 'me-check', role: 'viewer' });
    const me = await env().client(created.body.key).get('/api/auth/me');
    assert.deepEqual([me.status, me.body.user, me.body.orgs, me.body.org.slug], [200, null, [], 'south']);
  });

  test('members: admins add, change and remove; the last owner cannot be demoted; members may not manage', async () => {
    const { org, admin } = await env().makeOrg('members');
    const { id: erinId, client: erin } = await env().makeUser(org, 'erin');
    assert.equal((await erin.post('/api/members', { login: 'alice', role: 'admin' })).status, 403);
    const list = await admin.get('/api/members?limit=1');
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 1);
    assert.ok(list.body.next_cursor);
    const page2 = await admin.get(`/api/members?limit=1&cursor=${list.body.next_cursor}`);
    assert.notEqual(page2.body.items[0].user.id, list.body.items[0].user.id);

    const promoted = await admin.patch(`/api/members/${erinId}`, { role: 'admin' });
    assert.equal(promoted.status, 200);
    assert.equal(promoted.body.role, 'admin');
    const owner = (await admin.get('/api/auth/me')).body.user;
    assert.ok(owner);
    const ownerId = owner.id;
    const demote = await admin.patch(`/api/members/${ownerId}`, { role: 'member' });
    assert.equal(demote.status, 422);
    assert.equal((await admin.get('/api/auth/me')).body.role, 'owner');
    const mass = await admin.patch(`/api/members/${erinId}`, { role: 'admin', org_id: 'x' });
    assert.equal(mass.status, 400);
    assert.deepEqual(mass.body.errors, [{ path: 'body.org_id', message: 'unknown field' }]);
    assert.equal((await admin.delete(`/api/members/${erinId}`)).status, 204);
    assert.equal((await erin.get('/api/auth/me')).status, 401, 'a removed member’s session no longer works');
  });

  test('API keys: the secret is shown once, works as bearer with its role, and stops working when revoked', async () => {
    const { admin } = await env().makeOrg('keys');
    const created = await admin.post('/api/api-keys', { name: 'ci', role: 'viewer' });
    assert.equal(created.status, 201);
    assert.match(created.body.key, /^rk_/);
    const listed = await admin.get('/api/api-keys');
    assert.equal(listed.body.items[0].name, 'ci');
    assert.ok(!('key' in listed.body.items[0]), 'the secret is never listed');
    const key = env().client(created.body.key);
    const me = await key.get('/api/auth/me');
    assert.deepEqual(
      [me.status, me.body.via, me.body.role, me.body.org.slug],
      [200, 'api_key', 'viewer', 'keys'],
    );
    assert.equal((await key.post('/api/api-keys', { name: 'escalate', role: 'admin' })).status, 403);
    assert.equal((await admin.delete(`/api/api-keys/${created.body.id}`)).status, 200);
    assert.equal((await key.get('/api/auth/me')).status, 401);
    assert.equal((await admin.get('/api/api-keys')).body.items.length, 1, 'a refused create stored nothing');
  });
});

describeEachBackend(
  'identity: the credentials cache never outlives a revocation',
  (env) => {
    test('logout, member removal, role change and API key revocation take effect on the very next request', async () => {
      const { org, admin } = await env().makeOrg('cache');
      const { id: zoeId, client: zoe } = await env().makeUser(org, 'zoe');
      assert.equal((await zoe.get('/api/auth/me')).body.role, 'member', 'now cached');
      assert.equal((await admin.patch(`/api/members/${zoeId}`, { role: 'viewer' })).status, 200);
      assert.equal(
        (await zoe.get('/api/auth/me')).body.role,
        'viewer',
        'the role change evicted the cached actor',
      );
      assert.equal((await admin.delete(`/api/members/${zoeId}`)).status, 204);
      assert.equal((await zoe.get('/api/auth/me')).status, 401);

      const key = await admin.post('/api/api-keys', { name: 'cached', role: 'member' });
      const keyClient = env().client(key.body.key);
      assert.equal((await keyClient.get('/api/auth/me')).status, 200, 'now cached');
      await admin.delete(`/api/api-keys/${key.body.id}`);
      assert.equal((await keyClient.get('/api/auth/me')).status, 401);

      const again = await env().login('cache.admin');
      assert.equal((await again.get('/api/auth/me')).status, 200, 'now cached');
      assert.equal((await again.post('/api/auth/logout')).status, 204);
      assert.equal((await again.get('/api/auth/me')).status, 401);
    });

    test('a cached session still ends at its expiry time, never later', async () => {
      const { org } = await env().makeOrg('cache-expiry');
      const { id, client } = await env().makeUser(org, 'yann');
      await env()
        .database.db.update(sessions)
        .set({ expiresAt: new Date(Date.now() + 300) })
        .where(eq(sessions.userId, id));
      assert.equal((await client.get('/api/auth/me')).status, 200, 'valid, and now cached');
      await new Promise((r) => setTimeout(r, 350));
      assert.equal((await client.get('/api/auth/me')).status, 401);
    });
  },
  { authCacheMs: 60_000 },
);
