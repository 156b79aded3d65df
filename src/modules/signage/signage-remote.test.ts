import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { eq } from 'drizzle-orm';
import type { ProblemBody } from '../../../test/support/api-types.ts';
import { describeEachBackend, type TestEnv } from '../../../test/support/env.ts';
import { connectLive, type LiveClient } from '../../../test/support/live.ts';
import { auditLog } from '../../core/db/platform-schema.ts';
import { signageDeviceCommands, signageDeviceHealth, signageScreenshots } from './schema.ts';
import { multipart, pairScreen, png, poll } from './test-fixtures.ts';

/** Uploads `data` as the multipart field "file" with the screen's token. */
async function upload(env: TestEnv, token: string, data: Buffer, query = '') {
  const body = multipart({}, { name: 'shot.png', type: 'image/png', data });
  const res = await env.app.inject({
    method: 'POST',
    url: `/api/device/screenshot${query}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': body.type },
    payload: body.payload,
  });
  return { status: res.statusCode, body: res.json<ProblemBody & { id?: string; taken_at?: string }>() };
}

describeEachBackend('signage: remote control, health and screenshots', (env) => {
  let port = 0;
  const sockets: LiveClient[] = [];
  before(async () => {
    await env().app.listen({ port: 0, host: '127.0.0.1' });
    port = (env().app.server.address() as { port: number }).port;
  });
  after(() => {
    for (const s of sockets) s.close();
  });
  const live = async (token: string) => {
    const socket = await connectLive(port, { token });
    sockets.push(socket);
    return socket;
  };

  test('a command reaches its screen on the next poll, is acknowledged once, and is listed and audited', async () => {
    const { org, admin } = await env().makeOrg('remote-a');
    const hall = await pairScreen(env(), admin, 'Hall');
    const cafe = await pairScreen(env(), admin, 'Cafe');

    const sent = await admin.post(`/api/signage/devices/${hall.id}/commands`, { command: 'reload' });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    assert.equal(sent.body.status, 'pending');
    assert.equal(sent.body.device_id, hall.id);
    const polled = await poll(hall.screen);
    assert.deepEqual(
      polled.body.commands?.map((c) => [c.id, c.command]),
      [[sent.body.id, 'reload']],
    );
    assert.equal((await poll(cafe.screen)).body.commands, undefined, 'only the screen it was sent to');

    const failed = await hall.screen.post(`/api/device/commands/${sent.body.id}/ack`, {
      outcome: 'failed',
      detail: 'page would not load',
    });
    assert.equal(failed.status, 200, JSON.stringify(failed.body));
    assert.equal(failed.body.status, 'failed');
    assert.equal(failed.body.detail, 'page would not load');
    // The first answer stands: a repeated acknowledgement changes nothing.
    const again = await hall.screen.post(`/api/device/commands/${sent.body.id}/ack`, { outcome: 'done' });
    assert.equal(again.body.status, 'failed');
    assert.equal(again.body.acknowledged_at, failed.body.acknowledged_at);
    assert.equal((await poll(hall.screen)).body.commands, undefined);

    const shot = await admin.post(`/api/signage/devices/${hall.id}/commands`, { command: 'screenshot' });
    const list = await admin.get(`/api/signage/devices/${hall.id}/commands`);
    assert.deepEqual(
      list.body.items.map((c) => [c.command, c.status]),
      [
        ['screenshot', 'pending'],
        ['reload', 'failed'],
      ],
    );
    const pendingOnly = await admin.get(`/api/signage/devices/${hall.id}/commands?status=pending`);
    assert.deepEqual(
      pendingOnly.body.items.map((c) => c.id),
      [shot.body.id],
    );
    const paged = await admin.get(`/api/signage/devices/${hall.id}/commands?limit=1`);
    assert.equal(paged.body.items.length, 1);
    const next = await admin.get(
      `/api/signage/devices/${hall.id}/commands?limit=1&cursor=${paged.body.next_cursor}`,
    );
    assert.equal(next.body.items[0].command, 'reload');

    const trail = await env()
      .database.db.select({ action: auditLog.action, message: auditLog.message, label: auditLog.actorLabel })
      .from(auditLog)
      .where(eq(auditLog.entityId, sent.body.id));
    assert.deepEqual(trail.map((a) => a.action).sort(), ['create', 'update']);
    assert.ok(trail.some((a) => a.label === 'device:Hall' && a.message.includes('failed')));

    // Refusals: no row is added.
    const count = async () => (await env().database.db.select().from(signageDeviceCommands)).length;
    const before = await count();
    const { client: member } = await env().makeUser(org, 'remote-a.member');
    assert.equal(
      (await member.post(`/api/signage/devices/${hall.id}/commands`, { command: 'reload' })).status,
      403,
    );
    const bad = await admin.post(`/api/signage/devices/${hall.id}/commands`, { command: 'format-disk' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors?.[0].path, 'body.command');
    const extra = await admin.post(`/api/signage/devices/${hall.id}/commands`, { command: 'reload', at: 1 });
    assert.equal(extra.status, 400);
    const unknown = '01890000-0000-7000-8000-000000000000';
    assert.equal(
      (await admin.post(`/api/signage/devices/${unknown}/commands`, { command: 'reload' })).status,
      404,
    );
    const other = await env().makeOrg('remote-a-other');
    assert.equal(
      (await other.admin.post(`/api/signage/devices/${hall.id}/commands`, { command: 'reload' })).status,
      404,
    );
    assert.equal((await other.admin.get(`/api/signage/devices/${hall.id}/commands`)).status, 404);
    assert.equal((await admin.get(`/api/signage/devices/${hall.id}/commands?status=lost`)).status, 400);
    const badAck = await hall.screen.post(`/api/device/commands/${shot.body.id}/ack`, { outcome: 'maybe' });
    assert.equal(badAck.status, 400);
    assert.equal((await cafe.screen.post(`/api/device/commands/${shot.body.id}/ack`)).status, 404);
    assert.equal((await admin.post(`/api/device/commands/${shot.body.id}/ack`)).status, 403);
    assert.equal(await count(), before);
    const still = await admin.get(`/api/signage/devices/${hall.id}/commands?status=pending`);
    assert.equal(still.body.items.length, 1, 'the refused acknowledgements left it pending');
  });

  test('a connected screen hears its own commands and the emergency message at once, and nothing else', async () => {
    const { admin } = await env().makeOrg('remote-b');
    const hall = await pairScreen(env(), admin, 'Hall');
    const cafe = await pairScreen(env(), admin, 'Cafe');
    const hallLive = await live(hall.token);
    const cafeLive = await live(cafe.token);

    const toHall = await admin.post(`/api/signage/devices/${hall.id}/commands`, { command: 'next' });
    const toCafe = await admin.post(`/api/signage/devices/${cafe.id}/commands`, { command: 'previous' });
    const heard = await hallLive.next((m) => m.type === 'signage.screen.command');
    assert.deepEqual(heard.data, {
      id: toHall.body.id,
      command: 'next',
      created_at: toHall.body.created_at,
    });
    await cafeLive.next((m) => m.type === 'signage.screen.command' && m.data.id === toCafe.body.id);
    assert.ok(!cafeLive.messages.some((m) => m.data.id === toHall.body.id), "not another screen's command");

    const expires = new Date(Date.now() + 3600_000).toISOString();
    await admin.post('/api/signage/emergency', {
      message: 'Fire drill',
      device_ids: [hall.id],
      expires_at: expires,
    });
    const shown = await hallLive.next(
      (m) => m.type === 'signage.screen.emergency' && m.data.emergency !== null,
    );
    assert.equal((shown.data.emergency as { message: string }).message, 'Fire drill');
    await admin.post('/api/signage/emergency', { message: 'Closed today', expires_at: expires });
    // The first message named only the hall: the cafe hears the org-wide one.
    const orgWide = await cafeLive.next(
      (m) =>
        m.type === 'signage.screen.emergency' &&
        (m.data.emergency as { message?: string })?.message === 'Closed today',
    );
    assert.ok(orgWide);
    await admin.delete('/api/signage/emergency');
    await cafeLive.next((m) => m.type === 'signage.screen.emergency' && m.data.emergency === null);
    // People's events (screen added, command sent…) never reach a screen.
    for (const m of [...hallLive.messages, ...cafeLive.messages])
      assert.ok(['hello', 'signage.screen.command', 'signage.screen.emergency'].includes(m.type), m.type);
  });

  test('the heartbeat reports health; the console reads it; bad reports change nothing', async () => {
    const { admin } = await env().makeOrg('remote-c');
    const hall = await pairScreen(env(), admin, 'Hall');
    const empty = await admin.get(`/api/signage/devices/${hall.id}/health`);
    assert.equal(empty.status, 200);
    assert.equal(empty.body.last_seen, null);
    assert.equal(empty.body.player_version, null);
    assert.equal(empty.body.screenshot, null);

    const beat = await hall.screen.post('/api/device/heartbeat', {
      player_version: 'roster-player 1.2',
      screen_width: 1920,
      screen_height: 1080,
      free_storage_bytes: 5_000_000_000,
    });
    assert.equal(beat.status, 200, JSON.stringify(beat.body));
    const health = await admin.get(`/api/signage/devices/${hall.id}/health`);
    assert.equal(health.body.is_online, true);
    assert.ok(health.body.last_seen);
    assert.equal(health.body.player_version, 'roster-player 1.2');
    assert.deepEqual(health.body.resolution, { width: 1920, height: 1080 });
    assert.equal(health.body.free_storage_bytes, 5_000_000_000);

    const stored = async () => env().database.db.select().from(signageDeviceHealth);
    const kept = await stored();
    for (const body of [
      { screen_width: 0 },
      { free_storage_bytes: -1 },
      { player_version: 'x'.repeat(101) },
      { cpu: 99 },
      { screen_height: '1080' },
    ]) {
      const res = await hall.screen.post('/api/device/heartbeat', body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    assert.deepEqual(await stored(), kept);
    // A bare heartbeat keeps the last report.
    await hall.screen.post('/api/device/heartbeat');
    assert.equal(
      (await admin.get(`/api/signage/devices/${hall.id}/health`)).body.player_version,
      'roster-player 1.2',
    );
    const other = await env().makeOrg('remote-c-other');
    assert.equal((await other.admin.get(`/api/signage/devices/${hall.id}/health`)).status, 404);
  });

  test('a screenshot answers its command, replaces the last one and is shown with its time', async () => {
    const { admin } = await env().makeOrg('remote-d');
    const hall = await pairScreen(env(), admin, 'Hall');
    const cmd = await admin.post(`/api/signage/devices/${hall.id}/commands`, { command: 'screenshot' });
    const first = png();
    const up = await upload(env(), hall.token, first, `?command_id=${cmd.body.id}`);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const done = await admin.get(`/api/signage/devices/${hall.id}/commands`);
    assert.equal(done.body.items[0].status, 'done');

    const health = await admin.get(`/api/signage/devices/${hall.id}/health`);
    const shot = health.body.screenshot;
    assert.ok(shot);
    assert.equal(shot.taken_at, up.body.taken_at);
    assert.equal(shot.mimetype, 'image/png');
    const image = await env().app.inject({
      method: 'GET',
      url: shot.url,
      headers: { authorization: `Bearer ${admin.token}` },
    });
    assert.equal(image.statusCode, 200);
    assert.equal(image.headers['content-type'], 'image/png');
    assert.deepEqual(image.rawPayload, first);

    // Unasked screenshots are fine too; the newest replaces the last.
    const second = png(64);
    assert.equal((await upload(env(), hall.token, second)).status, 201);
    const rows = await env().database.db.select().from(signageScreenshots);
    assert.equal(rows.filter((r) => r.deviceId === hall.id).length, 1);
    const latest = (await admin.get(`/api/signage/devices/${hall.id}/health`)).body.screenshot;
    const replaced = await env().app.inject({
      method: 'GET',
      url: latest!.url,
      headers: { authorization: `Bearer ${admin.token}` },
    });
    assert.deepEqual(replaced.rawPayload, second);

    // Refused uploads leave the last screenshot as it was.
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    assert.equal((await upload(env(), hall.token, html)).status, 400);
    const huge = png(9 * 1024 * 1024);
    assert.equal((await upload(env(), hall.token, huge)).status, 413);
    const reload = await admin.post(`/api/signage/devices/${hall.id}/commands`, { command: 'reload' });
    const wrong = await upload(env(), hall.token, png(), `?command_id=${reload.body.id}`);
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.errors?.[0].path, 'query.command_id');
    assert.equal(
      (await upload(env(), admin.token!, png())).status,
      403,
      'only a screen sends its screenshot',
    );
    const now = (await admin.get(`/api/signage/devices/${hall.id}/health`)).body.screenshot;
    assert.deepEqual(now, latest);
    const other = await env().makeOrg('remote-d-other');
    assert.equal((await other.admin.get(`/api/signage/devices/${hall.id}/screenshot`)).status, 404);
    const fresh = await pairScreen(env(), admin, 'Fresh');
    assert.equal((await admin.get(`/api/signage/devices/${fresh.id}/screenshot`)).status, 404);

    // Removing the screen removes its screenshot file, not another screen's.
    assert.equal((await upload(env(), fresh.token, png())).status, 201);
    const files = async () =>
      (await env().database.db.select().from(signageScreenshots)).map((r) => ({
        device: r.deviceId,
        file: path.join(env().config.uploadsDir, r.storageKey),
      }));
    const stored = await files();
    assert.ok(stored.every((f) => fs.existsSync(f.file)));
    assert.equal((await admin.delete(`/api/signage/devices/${hall.id}`)).status, 204);
    const hallFile = stored.find((f) => f.device === hall.id)!.file;
    assert.equal(fs.existsSync(hallFile), false, 'the deleted screen’s screenshot file is gone');
    assert.deepEqual(
      (await files()).map((f) => [f.device, fs.existsSync(f.file)]),
      [[fresh.id, true]],
    );
  });
});
