import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { describeEachBackend } from '../../../test/support/env.ts';
import { PLAY_RETENTION_JOB } from './index.ts';
import { signageEmergencies, signagePlays } from './schema.ts';
import { pairScreen, poll } from './test-fixtures.ts';

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

describeEachBackend('signage: emergency messages and proof of play', (env) => {
  test('an emergency message reaches the chosen screens in their next poll and clearing it restores them', async () => {
    const { org, admin } = await env().makeOrg('emg-a');
    const hall = await pairScreen(env(), admin, 'Hall');
    const cafe = await pairScreen(env(), admin, 'Cafe');
    const before = await poll(hall.screen);
    assert.equal(before.body.emergency, undefined);

    const set = await admin.post('/api/signage/emergency', {
      message: 'Evacuate by the east stairs',
      background: '#cc0000',
      device_ids: [hall.id],
      expires_at: inAnHour(),
    });
    assert.equal(set.status, 201, JSON.stringify(set.body));
    const during = await poll(hall.screen);
    assert.notEqual(during.etag, before.etag);
    assert.equal(during.body.emergency?.message, 'Evacuate by the east stairs');
    assert.equal(during.body.emergency?.background, '#cc0000');
    assert.equal((await poll(cafe.screen)).body.emergency, undefined, 'not a chosen screen');

    // Bad input: 400 naming the field, the message in force unchanged.
    const { client: member } = await env().makeUser(org, 'emg-a.member');
    assert.equal(
      (await member.post('/api/signage/emergency', { message: 'x', expires_at: inAnHour() })).status,
      403,
    );
    const past = await admin.post('/api/signage/emergency', {
      message: 'x',
      expires_at: '2000-01-01T00:00:00Z',
    });
    assert.equal(past.status, 400);
    assert.equal(past.body.errors?.[0].path, 'body.expires_at');
    const stranger = await admin.post('/api/signage/emergency', {
      message: 'x',
      device_ids: ['01890000-0000-7000-8000-000000000000'],
      expires_at: inAnHour(),
    });
    assert.equal(stranger.status, 400);
    assert.equal(stranger.body.errors?.[0].path, 'body.device_ids.0');
    assert.equal((await admin.get('/api/signage/emergency')).body.message, 'Evacuate by the east stairs');

    // Every screen of the org when none are named.
    await admin.post('/api/signage/emergency', { message: 'Closed today', expires_at: inAnHour() });
    assert.equal((await poll(cafe.screen)).body.emergency?.message, 'Closed today');

    assert.equal((await admin.delete('/api/signage/emergency')).status, 204);
    const after = await poll(hall.screen);
    assert.equal(after.body.emergency, undefined);
    assert.equal(after.etag, before.etag);
    assert.equal((await admin.get('/api/signage/emergency')).status, 404);
    assert.equal((await admin.delete('/api/signage/emergency')).status, 204, 'clearing twice is harmless');

    // An expired message stops by itself.
    await admin.post('/api/signage/emergency', { message: 'Soon over', expires_at: inAnHour() });
    await env()
      .database.db.update(signageEmergencies)
      .set({ expiresAt: sql`now() - interval '1 second'` });
    assert.equal((await poll(hall.screen)).body.emergency, undefined);
  });

  test('plays are stored once per client id, listed, summarized, exported as CSV and purged after retention', async () => {
    const { admin } = await env().makeOrg('pop-a');
    const { screen, id: deviceId } = await pairScreen(env(), admin, 'Lobby');
    const asset = await admin.post('/api/signage/assets', {
      name: 'Poster, "big"',
      asset_type: 'image',
      uri: 'https://example.com/p.png',
      is_enabled: true,
    });
    // Recent plays (well inside the retention), a minute apart.
    const start = Date.now() - 3600_000;
    const plays = [0, 1, 2].map((i) => ({
      client_id: `c-${i}`,
      asset_id: asset.body.id,
      started_at: new Date(start + i * 60_000).toISOString(),
      duration_ms: 10_000,
      outcome: i === 2 ? 'interrupted' : 'completed',
    }));
    const first = await screen.post('/api/device/plays', { plays });
    assert.deepEqual(first.body, { accepted: 3, duplicates: 0 });
    // Sent again after a lost answer (the player's offline queue): stored once.
    const again = await screen.post('/api/device/plays', { plays });
    assert.deepEqual(again.body, { accepted: 0, duplicates: 3 });

    const bad = await screen.post('/api/device/plays', {
      plays: [{ ...plays[0], client_id: 'x', outcome: 'skipped' }],
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors?.[0].path, 'body.plays.0.outcome');
    assert.equal((await admin.post('/api/device/plays', { plays: [] })).status, 403);

    const page1 = await admin.get(`/api/signage/plays?limit=2&device_id=${deviceId}`);
    assert.equal(page1.status, 200, JSON.stringify(page1.body));
    assert.equal(page1.body.items.length, 2);
    assert.equal(page1.body.items[0].client_id, 'c-2');
    assert.equal(page1.body.retention_days, 30);
    const page2 = await admin.get(
      `/api/signage/plays?limit=2&device_id=${deviceId}&cursor=${page1.body.next_cursor}`,
    );
    assert.deepEqual(
      page2.body.items.map((p) => p.client_id),
      ['c-0'],
    );

    const byAsset = await admin.get('/api/signage/plays/summary?group_by=asset');
    assert.deepEqual(byAsset.body.items, [
      {
        key: asset.body.id,
        label: 'Poster, "big"',
        plays: 3,
        completed: 2,
        interrupted: 1,
        total_seconds: 30,
      },
    ]);
    const byDay = await admin.get('/api/signage/plays/summary?group_by=day&timezone=Pacific/Kiritimati');
    const kiritimatiDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Pacific/Kiritimati' }).format(start);
    assert.equal(byDay.body.items[0].key, kiritimatiDay);

    const csv = await admin.get<string, string>('/api/signage/plays/export');
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    assert.equal(
      lines[0],
      'started_at,device_id,device_name,asset_id,asset_name,duration_ms,outcome,client_id',
    );
    assert.equal(lines.length, 4);
    assert.ok(lines[1].includes('"Poster, ""big"""'));

    // Retention: plays older than the plan's days go with the job; newer ones stay.
    await env()
      .database.db.update(signagePlays)
      .set({ startedAt: sql`now() - interval '40 days'` })
      .where(sql`${signagePlays.clientId} = 'c-0'`);
    await env().runJob(PLAY_RETENTION_JOB);
    const left = await admin.get('/api/signage/plays');
    assert.deepEqual(left.body.items.map((p) => p.client_id).sort(), ['c-1', 'c-2']);
  });
});
