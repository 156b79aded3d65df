import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { ProblemBody } from '../../../test/support/api-types.ts';
import { describeEachBackend, type Client, type TestEnv } from '../../../test/support/env.ts';
import { withTenant } from '../../core/db/tenant.ts';
import { queryRows } from '../../core/db/client.ts';
import { setOrgPlan } from './plans.ts';
import { signageModule } from './index.ts';
import { multipart, pairPoll, pairScreen, png, poll, type PollBody } from './test-fixtures.ts';
import type { assetOut } from './views.ts';
import { signageAssets, signageDevices } from './schema.ts';

const PNG = png();

async function upload(
  env: TestEnv,
  client: Client,
  fields: Record<string, string>,
  file?: { name: string; type: string; data: Buffer },
) {
  const body = multipart(fields, file);
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/signage/assets/upload',
    headers: { authorization: `Bearer ${client.token}`, 'content-type': body.type },
    payload: body.payload,
  });
  return { status: res.statusCode, body: res.json<z.infer<typeof assetOut> & ProblemBody>() };
}

function uploadedFiles(env: TestEnv): string[] {
  const root = env.config.uploadsDir;
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => d.name);
}

const countAssets = async (env: TestEnv) => (await env.database.db.select().from(signageAssets)).length;

describeEachBackend(
  'signage: plans, assets, playlists, screens',
  (env) => {
    test('an org without a plan row is on free; admins see usage against limits, members may not', async () => {
      const { org, admin } = await env().makeOrg('sig-a');
      const limits = await admin.get('/api/signage/limits');
      assert.equal(limits.status, 200);
      assert.deepEqual(limits.body, {
        plan: 'free',
        limits: {
          max_assets: 100,
          max_users: 5,
          max_storage_gb: 10,
          max_devices: 3,
          api_rate_per_minute: 600,
        },
        usage: { assets: 0, users: 1, devices: 0, storage_bytes: 0, storage_gb: 0 },
      });
      const { client: member } = await env().makeUser(org, 'sig-a.member');
      const refused = await member.get('/api/signage/limits');
      assert.equal(refused.status, 403);
      assert.match(refused.body.detail, /admins/);
    });

    test('a link asset is created with all its fields; is_active follows enabled and the window', async () => {
      const admin = await env().login('sig-a.admin');
      const res = await admin.post('/api/signage/assets', {
        name: 'Lobby page',
        asset_type: 'webpage',
        uri: 'https://example.com/lobby',
        description: 'welcome',
        duration: 15,
        is_enabled: true,
        start_date: '2020-01-01T00:00:00',
        end_date: '2099-01-01T00:00:00',
        timezone: 'Europe/Paris',
        tags: ['lobby'],
        category: 'info',
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.name, 'Lobby page');
      assert.equal(res.body.mimetype, 'webpage');
      assert.equal(res.body.is_active, true);
      assert.equal(res.body.start_date, '2020-01-01T00:00:00');
      assert.deepEqual(
        [res.body.tags, res.body.category, res.body.processing_status, res.body.md5, res.body.file_size],
        [['lobby'], 'info', 'ready', '', 0],
      );
      assert.equal(typeof res.body.created_by, 'number');
      assert.match(res.body.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7/);

      const future = await admin.post('/api/signage/assets', {
        name: 'Later',
        asset_type: 'image',
        uri: 'https://example.com/a.png',
        is_enabled: true,
        start_date: '2098-01-01T00:00:00Z',
      });
      assert.equal(future.body.is_active, false);
      const disabled = await admin.post('/api/signage/assets', {
        name: 'Off',
        asset_type: 'stream',
        uri: 'rtsp://example.com/live',
      });
      assert.equal(disabled.body.is_active, false);

      const dup = await admin.post('/api/signage/assets', {
        name: 'Lobby page',
        asset_type: 'webpage',
        uri: 'https://example.com/x',
      });
      assert.equal(dup.status, 409);
    });

    test('bad asset input is a 400 naming the field and stores nothing', async () => {
      const admin = await env().login('sig-a.admin');
      const before = await countAssets(env());
      const window = await admin.post('/api/signage/assets', {
        name: 'Backwards',
        asset_type: 'image',
        uri: 'https://example.com/a.png',
        start_date: '2025-02-01T00:00:00',
        end_date: '2025-01-01T00:00:00',
      });
      assert.equal(window.status, 400);
      assert.deepEqual(window.body.errors, [{ path: 'body.end_date', message: 'must be after start_date' }]);
      const scheme = await admin.post('/api/signage/assets', {
        name: 'Bad',
        asset_type: 'webpage',
        uri: 'ftp://example.com/',
      });
      assert.equal(scheme.status, 400);
      assert.equal(scheme.body.errors[0].path, 'body.uri');
      const tz = await admin.post('/api/signage/assets', {
        name: 'Bad tz',
        asset_type: 'webpage',
        uri: 'https://example.com/',
        timezone: 'Mars/Olympus',
      });
      assert.equal(tz.body.errors[0].path, 'body.timezone');
      const unknown = await admin.post('/api/signage/assets', {
        name: 'Extra',
        asset_type: 'webpage',
        uri: 'https://example.com/',
        owner: 1,
      });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.errors[0].path, 'body.owner');
      assert.equal(await countAssets(env()), before);
    });

    test('an upload is streamed, checksummed and sniffed; wrong, empty or oversized files leave nothing', async () => {
      const admin = await env().login('sig-a.admin');
      const ok = await upload(
        env(),
        admin,
        { name: 'Photo', is_enabled: 'true', tags: 'a,b' },
        { name: 'p.png', type: 'image/png', data: PNG },
      );
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      assert.deepEqual(
        [ok.body.asset_type, ok.body.mimetype, ok.body.file_size, ok.body.md5, ok.body.tags],
        ['image', 'image/png', PNG.length, crypto.createHash('md5').update(PNG).digest('hex'), ['a', 'b']],
      );
      assert.equal(ok.body.uri, `/api/device/assets/${ok.body.id}/content`);
      const content = await env().app.inject({
        method: 'GET',
        url: `/api/signage/assets/${ok.body.id}/content`,
        headers: { authorization: `Bearer ${admin.token}` },
      });
      assert.equal(content.statusCode, 200);
      assert.deepEqual(content.rawPayload, PNG);

      const files = uploadedFiles(env());
      const assets = await countAssets(env());
      const lying = await upload(
        env(),
        admin,
        { name: 'Fake' },
        { name: 'x.png', type: 'image/png', data: Buffer.from('#!/bin/sh\necho pwned\n') },
      );
      assert.equal(lying.status, 400);
      assert.equal(lying.body.errors[0].path, 'file');
      const mismatch = await upload(
        env(),
        admin,
        { name: 'Claimed jpeg' },
        { name: 'x.jpg', type: 'image/jpeg', data: PNG },
      );
      assert.equal(mismatch.status, 400);
      assert.match(mismatch.body.errors[0].message, /image\/png/);
      const empty = await upload(
        env(),
        admin,
        { name: 'Empty' },
        { name: 'e.png', type: 'image/png', data: Buffer.alloc(0) },
      );
      assert.equal(empty.status, 400);
      assert.equal(empty.body.detail, 'The file is empty');
      const big = await upload(
        env(),
        admin,
        { name: 'Big' },
        { name: 'b.png', type: 'image/png', data: Buffer.concat([PNG, Buffer.alloc(70 * 1024)]) },
      );
      assert.equal(big.status, 413);
      const window = await upload(
        env(),
        admin,
        { name: 'Window', start_date: '2025-02-01T00:00:00', end_date: '2025-01-01T00:00:00' },
        { name: 'p.png', type: 'image/png', data: PNG },
      );
      assert.equal(window.status, 400);
      assert.equal(window.body.errors[0].path, 'body.end_date');
      const dupName = await upload(
        env(),
        admin,
        { name: 'Photo' },
        { name: 'p.png', type: 'image/png', data: PNG },
      );
      assert.equal(dupName.status, 409);
      assert.equal(await countAssets(env()), assets);
      assert.deepEqual(uploadedFiles(env()), files, 'no file left behind');
    });

    test('two creates racing for the last asset slot: one wins, the other gets 422 naming max_assets', async () => {
      const { org, admin } = await env().makeOrg('sig-race');
      await env().inOrg(org, (t) => setOrgPlan(t, 'free', { maxAssets: 2, maxDevices: 1 }));
      assert.equal(
        (
          await admin.post('/api/signage/assets', {
            name: 'one',
            asset_type: 'webpage',
            uri: 'https://example.com/1',
          })
        ).status,
        201,
      );
      const results = await Promise.all([
        admin.post('/api/signage/assets', {
          name: 'two',
          asset_type: 'webpage',
          uri: 'https://example.com/2',
        }),
        upload(env(), admin, { name: 'three' }, { name: 'p.png', type: 'image/png', data: PNG }),
      ]);
      assert.deepEqual(results.map((r) => r.status).sort(), [201, 422]);
      const refused = results.find((r) => r.status === 422)!;
      assert.match(refused.body.detail, /max_assets is 2/);
      assert.equal(refused.body.errors[0].path, 'max_assets');
      assert.equal((await admin.get('/api/signage/limits')).body.usage.assets, 2);

      const pairs = await Promise.all([
        env().client().post('/api/device/pair'),
        env().client().post('/api/device/pair'),
      ]);
      const claims = await Promise.all(
        pairs.map((p, i) =>
          admin.post('/api/signage/devices/claim', { code: p.body.code, name: `screen ${i}` }),
        ),
      );
      assert.deepEqual(claims.map((c) => c.status).sort(), [201, 422]);
      assert.match(claims.find((c) => c.status === 422)!.body.detail, /max_devices is 1/);
      assert.equal((await admin.get('/api/signage/devices')).body.items.length, 1);
    });

    test('a member without view_all_assets sees and manages only their own assets (policy and RLS)', async () => {
      const { org, admin } = await env().makeOrg('sig-perm');
      const mine = await env().makeUser(org, 'sig-perm.mia');
      const other = await env().makeUser(org, 'sig-perm.olaf');
      const adminAsset = (
        await admin.post('/api/signage/assets', {
          name: 'admin asset',
          asset_type: 'webpage',
          uri: 'https://example.com/a',
        })
      ).body;
      const miaAsset = (
        await mine.client.post('/api/signage/assets', {
          name: 'mia asset',
          asset_type: 'webpage',
          uri: 'https://example.com/m',
        })
      ).body;
      const olafAsset = (
        await other.client.post('/api/signage/assets', {
          name: 'olaf asset',
          asset_type: 'webpage',
          uri: 'https://example.com/o',
        })
      ).body;

      assert.deepEqual(
        (await mine.client.get('/api/signage/assets')).body.items.map((a) => a.name),
        ['mia asset'],
      );
      assert.equal((await mine.client.get(`/api/signage/assets/${olafAsset.id}`)).status, 404);
      const patchOther = await mine.client.patch(`/api/signage/assets/${olafAsset.id}`, { name: 'hijacked' });
      assert.equal(patchOther.status, 404);
      assert.equal((await admin.get('/api/signage/assets')).body.items.length, 3);

      const grant = await admin.put(`/api/signage/permissions/${mine.id}`, { view_all_assets: true });
      assert.deepEqual(grant.body, { user_id: mine.id, view_all_assets: true });
      assert.deepEqual((await mine.client.get('/api/signage/assets')).body.items.map((a) => a.name).sort(), [
        'admin asset',
        'mia asset',
        'olaf asset',
      ]);
      const stillNot = await mine.client.patch(`/api/signage/assets/${olafAsset.id}`, { name: 'hijacked' });
      assert.equal(stillNot.status, 403);
      assert.equal((await admin.get(`/api/signage/assets/${olafAsset.id}`)).body.name, 'olaf asset');
      assert.equal(
        (await mine.client.patch(`/api/signage/assets/${miaAsset.id}`, { duration: 30 })).body.duration,
        30,
      );
      assert.equal(
        (await mine.client.put(`/api/signage/permissions/${other.id}`, { view_all_assets: true })).status,
        403,
      );

      // The database refuses too: a query without the policy's WHERE still sees only Olaf's own row.
      const db = env().database.db;
      const actor = {
        userId: other.id,
        label: 'olaf',
        orgId: org.id,
        orgRole: 'member' as const,
        via: 'session' as const,
      };
      const seen = await withTenant({ db }, actor, (t) =>
        queryRows<{ name: string }>(t.tx, sql`select name from signage_assets order by name`),
      );
      assert.deepEqual(
        seen.map((r) => r.name),
        ['olaf asset'],
      );
      const updated = await withTenant({ db }, actor, (t) =>
        t.tx.update(signageAssets).set({ name: 'x' }).where(eq(signageAssets.id, adminAsset.id)).returning(),
      );
      assert.equal(updated.length, 0);
      await assert.rejects(
        withTenant({ db }, actor, (t) =>
          t.tx.insert(signageAssets).values({
            orgId: org.id,
            name: 'forged',
            assetType: 'webpage',
            uri: 'https://e.com',
            mimetype: 'webpage',
            createdBy: mine.id,
          }),
        ),
      );
    });

    test('playlists: ordered assets replaced in one call, one default, another org’s asset refused', async () => {
      const { admin } = await env().makeOrg('sig-pl');
      const { admin: otherAdmin } = await env().makeOrg('sig-pl2');
      const ids: string[] = [];
      for (const n of ['a', 'b', 'c'])
        ids.push(
          (
            await admin.post('/api/signage/assets', {
              name: n,
              asset_type: 'webpage',
              uri: `https://example.com/${n}`,
            })
          ).body.id,
        );
      const foreign = (
        await otherAdmin.post('/api/signage/assets', {
          name: 'foreign',
          asset_type: 'webpage',
          uri: 'https://example.com/f',
        })
      ).body.id;

      const first = await admin.post('/api/signage/playlists', {
        name: 'Main',
        is_default: true,
        asset_ids: ids,
      });
      assert.equal(first.status, 201);
      assert.deepEqual(first.body.asset_ids, ids);
      const reordered = await admin.put(`/api/signage/playlists/${first.body.id}/assets`, {
        asset_ids: [ids[2], ids[0]],
      });
      assert.deepEqual(reordered.body.asset_ids, [ids[2], ids[0]]);

      const bad = await admin.put(`/api/signage/playlists/${first.body.id}/assets`, {
        asset_ids: [ids[1], foreign],
      });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body.errors, [{ path: 'body.asset_ids.1', message: 'asset not found' }]);
      const dup = await admin.put(`/api/signage/playlists/${first.body.id}/assets`, {
        asset_ids: [ids[1], ids[1]],
      });
      assert.equal(dup.status, 400);
      assert.deepEqual(
        (await admin.get(`/api/signage/playlists/${first.body.id}`)).body.asset_ids,
        [ids[2], ids[0]],
        'unchanged',
      );
      const created = await admin.post('/api/signage/playlists', { name: 'Smuggler', asset_ids: [foreign] });
      assert.equal(created.status, 400);
      assert.equal((await admin.get('/api/signage/playlists')).body.items.length, 1, 'no playlist stored');

      const second = await admin.post('/api/signage/playlists', {
        name: 'Evening',
        is_default: true,
        shuffle: true,
      });
      const all = (await admin.get('/api/signage/playlists')).body.items;
      assert.deepEqual(
        all.map((p) => [p.name, p.is_default]),
        [
          ['Main', false],
          ['Evening', true],
        ],
      );
      assert.equal((await otherAdmin.get(`/api/signage/playlists/${second.body.id}`)).status, 404);
    });

    test('a scripted screen: pairing → playlist (schedule at its local time, ETag) → heartbeat → offline', async () => {
      const { admin } = await env().makeOrg('sig-screen');
      const pair = await env().client().post('/api/device/pair');
      assert.equal(pair.status, 201);
      assert.match(pair.body.code, /^[A-Z2-9]{6}$/);
      const pending = await pairPoll(env().client(), pair.body.pairing_secret);
      assert.deepEqual(
        [pending.status, pending.body.status, pending.body.code],
        [202, 'pending', pair.body.code],
      );
      assert.equal(
        (await admin.post('/api/signage/devices/claim', { code: 'NOPE42', name: 'ghost' })).status,
        404,
      );

      // Wall-clock window around "now" in Pacific/Kiritimati (UTC+14) but not in UTC.
      const kiri = new Date(Date.now() + 14 * 3600_000).toISOString().slice(0, 19);
      const start = new Date(Date.now() + 14 * 3600_000 - 3600_000).toISOString().slice(0, 19);
      const end = new Date(Date.now() + 14 * 3600_000 + 3600_000).toISOString().slice(0, 19);
      assert.ok(kiri > start && kiri < end);
      const always = (
        await admin.post('/api/signage/assets', {
          name: 'always',
          asset_type: 'image',
          uri: 'https://example.com/a.png',
          is_enabled: true,
          duration: 5,
        })
      ).body;
      const local = (
        await admin.post('/api/signage/assets', {
          name: 'local hour',
          asset_type: 'webpage',
          uri: 'https://example.com/l',
          is_enabled: true,
          start_date: start,
          end_date: end,
        })
      ).body;
      const off = (
        await admin.post('/api/signage/assets', {
          name: 'off',
          asset_type: 'webpage',
          uri: 'https://example.com/o',
        })
      ).body;
      const photo = await upload(
        env(),
        admin,
        { name: 'photo', is_enabled: 'true' },
        { name: 'p.png', type: 'image/png', data: PNG },
      );
      const playlist = (
        await admin.post('/api/signage/playlists', {
          name: 'Screen loop',
          asset_ids: [local.id, always.id, off.id, photo.body.id],
        })
      ).body;

      const unit = await admin.post('/api/auth/units/', { unit_name: 'Hall plant', unit_code: 'HP' });
      assert.equal(unit.status, 201, JSON.stringify(unit.body));
      const claim = await admin.post('/api/signage/devices/claim', {
        code: pair.body.code.toLowerCase(),
        name: 'Hall',
        mac: '00:11:22:33:44:55',
        unit_id: unit.body.id,
        location: 'Hall A',
        playlist_id: playlist.id,
        settings: { timezone: 'Pacific/Kiritimati' },
      });
      assert.equal(claim.status, 201, JSON.stringify(claim.body));
      assert.deepEqual(
        [claim.body.name, claim.body.mac, claim.body.unit_id, claim.body.is_online, claim.body.playlist_id],
        ['Hall', '00:11:22:33:44:55', unit.body.id, false, playlist.id],
      );
      const paired = await pairPoll(env().client(), pair.body.pairing_secret);
      assert.equal(paired.status, 200);
      assert.match(paired.body.device_token, /^rd_/);
      assert.equal(paired.body.device_id, claim.body.id);
      assert.equal(
        (await pairPoll(env().client(), pair.body.pairing_secret)).status,
        404,
        'the token is handed out once',
      );
      const [stored] = await env()
        .database.db.select()
        .from(signageDevices)
        .where(eq(signageDevices.id, claim.body.id));
      assert.notEqual(stored.tokenHash, paired.body.device_token);

      const screen = env().client(paired.body.device_token);
      const now = await poll(screen);
      assert.equal(now.status, 200);
      assert.equal(now.body.timezone, 'Pacific/Kiritimati');
      assert.deepEqual(
        now.body.items.map((i) => i.name),
        ['local hour', 'always', 'photo'],
      );
      assert.equal(now.body.items[2].url, `/api/device/assets/${photo.body.id}/content`);
      const etag = String(now.headers.etag);
      const unchanged = await screen.request('GET', '/api/device/playlist', undefined, {
        'if-none-match': etag,
      });
      assert.equal(unchanged.status, 304);
      const file = await env().app.inject({
        method: 'GET',
        url: now.body.items[2].url,
        headers: { authorization: `Bearer ${paired.body.device_token}` },
      });
      assert.deepEqual(file.rawPayload, PNG);

      // In UTC the local-hour asset is outside its window.
      await admin.patch(`/api/signage/devices/${claim.body.id}`, { settings: { timezone: 'UTC' } });
      const utc = await screen.request<PollBody>('GET', '/api/device/playlist', undefined, {
        'if-none-match': etag,
      });
      assert.equal(utc.status, 200);
      assert.deepEqual(
        utc.body.items.map((i) => i.name),
        ['always', 'photo'],
      );
      // A zone name Postgres does not know (stored behind the API's back) plays in UTC instead of failing.
      await env()
        .database.db.update(signageDevices)
        .set({ settings: { timezone: 'Mars/Olympus_Mons' } })
        .where(eq(signageDevices.id, claim.body.id));
      const unknownZone = await poll(screen);
      assert.deepEqual(
        [unknownZone.status, unknownZone.body.timezone, unknownZone.body.items.map((i) => i.name)],
        [200, 'UTC', ['always', 'photo']],
      );

      assert.equal(
        (await screen.get('/api/signage/assets')).status,
        403,
        'a screen token does not open the console API',
      );
      const beat = await screen.post('/api/device/heartbeat');
      assert.equal(beat.status, 200);
      assert.equal(beat.body.heartbeat_interval_seconds, 30);
      let listed = (await admin.get('/api/signage/devices')).body.items[0];
      assert.equal(listed.is_online, true);
      assert.ok(listed.last_seen);
      await env()
        .database.db.update(signageDevices)
        .set({ lastSeen: new Date(Date.now() - 91_000) })
        .where(eq(signageDevices.id, claim.body.id));
      listed = (await admin.get('/api/signage/devices')).body.items[0];
      assert.equal(listed.is_online, false, 'three missed heartbeats');
      assert.deepEqual(
        (await admin.get('/api/signage/devices?online=false')).body.items.map((d) => d.id),
        [claim.body.id],
      );

      // An unassigned screen plays the default playlist.
      await admin.patch(`/api/signage/playlists/${playlist.id}`, { is_default: true });
      await admin.patch(`/api/signage/devices/${claim.body.id}`, { playlist_id: null });
      assert.equal((await poll(screen)).body.playlist?.id, playlist.id);

      // Removing the screen revokes its token.
      assert.equal((await admin.delete(`/api/signage/devices/${claim.body.id}`)).status, 204);
      assert.equal((await poll(screen)).status, 401);
    });

    test("a device token of one org never reads another org's playlist or files", async () => {
      const { admin: a } = await env().makeOrg('sig-iso-a');
      const { admin: b } = await env().makeOrg('sig-iso-b');
      const secret = await upload(
        env(),
        a,
        { name: 'secret', is_enabled: 'true' },
        { name: 'p.png', type: 'image/png', data: PNG },
      );
      await a.post('/api/signage/playlists', {
        name: 'A default',
        is_default: true,
        asset_ids: [secret.body.id],
      });
      const { screen } = await pairScreen(env(), b, 'B screen');
      const mine = await poll(screen);
      assert.deepEqual(mine.body, { playlist: null, timezone: 'UTC', items: [] });
      assert.equal((await screen.get(`/api/device/assets/${secret.body.id}/content`)).status, 404);
      const dupMac = await pairScreen(env(), b, 'B two', { mac: 'AA:BB:CC:DD:EE:01' });
      assert.ok(dupMac.id);
      const pair = await env().client().post('/api/device/pair');
      const clash = await b.post('/api/signage/devices/claim', {
        code: pair.body.code,
        name: 'B three',
        mac: 'aa:bb:cc:dd:ee:01',
      });
      assert.equal(clash.status, 409);
      assert.equal(
        (await pairPoll(env().client(), pair.body.pairing_secret)).status,
        202,
        'the refused claim left the code unclaimed',
      );
    });

    test('a screen paired again keeps its record; the old token stops at once; a refused pairing changes nothing', async () => {
      const { org, admin } = await env().makeOrg('sig-repair');
      const { admin: stranger } = await env().makeOrg('sig-repair-x');
      const { client: member } = await env().makeUser(org, 'sig-repair.member');
      const lobby = (await admin.post('/api/signage/playlists', { name: 'Lobby loop' })).body;
      const old = await pairScreen(env(), admin, 'Lobby', { playlist_id: lobby.id });
      assert.equal((await poll(old.screen)).status, 200);

      const pair = await env().client().post('/api/device/pair');
      const refusals = [
        [await member.post(`/api/signage/devices/${old.id}/pair`, { code: pair.body.code }), 403],
        [await stranger.post(`/api/signage/devices/${old.id}/pair`, { code: pair.body.code }), 404],
        [await admin.post(`/api/signage/devices/${old.id}/pair`, { code: 'ZZZZZZ' }), 404],
        [await admin.post(`/api/signage/devices/${old.id}/pair`, { code: pair.body.code, name: 'x' }), 400],
      ] as const;
      assert.deepEqual(
        refusals.map(([res]) => res.status),
        refusals.map(([, status]) => status),
      );
      assert.equal((await poll(old.screen)).status, 200, 'a refused pairing leaves the old token working');
      assert.equal((await pairPoll(env().client(), pair.body.pairing_secret)).status, 202);

      const again = await admin.post(`/api/signage/devices/${old.id}/pair`, { code: pair.body.code });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.id, old.id);
      assert.equal(again.body.name, 'Lobby');
      assert.equal(
        (await poll(old.screen)).status,
        401,
        'the old token is cut off when the admin pairs again',
      );
      const paired = await pairPoll(env().client(), pair.body.pairing_secret);
      assert.equal(paired.status, 200);
      assert.equal(paired.body.device_id, old.id);
      const fresh = await poll(env().client(paired.body.device_token));
      assert.equal(fresh.status, 200);
      assert.equal(fresh.body.playlist?.id, lobby.id, 'the record keeps its playlist');
      const screens = await admin.get<string, { items: unknown[] }>('/api/signage/devices');
      assert.equal(screens.body.items.length, 1, 'pairing again adds no screen');
      const used = await admin.post(`/api/signage/devices/${old.id}/pair`, { code: pair.body.code });
      assert.equal(used.status, 404, 'a code pairs one screen once');
    });

    test('bad device and playlist references are 400 and store nothing', async () => {
      const { admin } = await env().makeOrg('sig-bad-ref');
      const pair = await env().client().post('/api/device/pair');
      const before = (await env().database.db.select().from(signageDevices)).length;
      const res = await admin.post('/api/signage/devices/claim', {
        code: pair.body.code,
        name: 'x',
        playlist_id: '01890000-0000-7000-8000-000000000000',
      });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body.errors, [{ path: 'body.playlist_id', message: 'playlist not found' }]);
      const tz = await admin.post('/api/signage/devices/claim', {
        code: pair.body.code,
        name: 'x',
        settings: { timezone: 'Nowhere/Else' },
      });
      assert.equal(tz.body.errors[0].path, 'body.settings.timezone');
      assert.equal((await env().database.db.select().from(signageDevices)).length, before);
    });

    test('the demo seed: pro plan, link assets, a default playlist and two screens', async () => {
      const { org, admin } = await env().makeOrg('sig-demo');
      await env().inOrg(org, (t) => signageModule.seedDemo!(t, {}));
      const limits = (await admin.get('/api/signage/limits')).body;
      assert.deepEqual([limits.plan, limits.usage.assets, limits.usage.devices], ['pro', 4, 2]);
      const playlists = (await admin.get('/api/signage/playlists')).body.items;
      assert.deepEqual(
        playlists.map((p) => [p.name, p.is_default, p.asset_ids.length]),
        [['Lobby loop', true, 4]],
      );
      assert.deepEqual(
        (await admin.get('/api/signage/devices')).body.items.map((d) => d.name),
        ['Lobby screen', 'Cafeteria screen'],
      );
    });
  },
  { maxUploadBytes: 64 * 1024 },
);
