import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { readTarGz, writeTarGz } from '../../core/files/tar.ts';
import { describeEachBackend, type Client, type TestEnv } from '../../../test/support/env.ts';
import { setOrgPlan } from './plans.ts';
import { multipart, pairPoll, pairScreen, png, poll } from './test-fixtures.ts';

/**
 * Anthias's backup and recover over the whole of an org's signage: recovering into an empty org
 * reproduces what the first one showed and recorded; a bad or foreign archive changes nothing.
 */

type Row = Record<string, unknown>;
type Rows = { items: Row[] };
const PNG = png(64);
const DAY_PARTS = [
  { days: [1, 2, 3, 4, 5], from: '07:00', until: '11:00' },
  { days: [5, 6], from: '22:00', until: '02:00' },
];

async function setup(env: TestEnv, slug: string) {
  const { org, admin } = await env.makeOrg(slug);
  const res = await admin.post('/api/api-keys', { name: `backup-${slug}`, role: 'admin' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { org, admin, token: res.body.key };
}

const body = async <T = Row>(c: Client, url: string) => {
  const res = await c.get<string, T>(url);
  assert.equal(res.status, 200, `${url}: ${JSON.stringify(res.body)}`);
  return res.body;
};

/** Everything recovering must bring back, named rather than by id (ids differ between orgs). */
async function snapshot(admin: Client) {
  const assets = (await body<Rows>(admin, '/api/signage/assets')).items;
  const playlists = (await body<Rows>(admin, '/api/signage/playlists')).items;
  const screens = (await body<Rows>(admin, '/api/signage/devices')).items;
  const groups = (await body<Rows>(admin, '/api/signage/groups')).items;
  const schedules = (await body<Rows>(admin, '/api/signage/schedules')).items;
  const name = (list: Row[], id: unknown) => list.find((x) => x.id === id)?.name ?? null;
  const emergency = await admin.get<string, Row>('/api/signage/emergency');
  const commands = [];
  for (const s of screens)
    for (const c of (await body<Rows>(admin, `/api/signage/devices/${String(s.id)}/commands`)).items)
      commands.push([s.name, c.command, c.status, c.outcome, c.detail]);
  const byName = (a: Row, b: Row) => String(a.name).localeCompare(String(b.name));
  return {
    settings: await body(admin, '/api/v2/device_settings'),
    assets: assets.sort(byName).map((a) => [a.name, a.asset_type, a.duration, a.md5, a.dayparts, a.timezone]),
    playlists: playlists
      .sort(byName)
      .map((p) => [
        p.name,
        p.is_default,
        p.shuffle,
        (p.entries as Row[]).map((e) => [name(assets, e.asset_id), e.dayparts]),
      ]),
    screens: screens
      .sort(byName)
      .map((s) => [
        s.name,
        s.mac,
        s.location,
        s.settings,
        name(playlists, s.playlist_id),
        (s.group_ids as string[]).map((g) => name(groups, g)),
      ]),
    groups: groups
      .sort(byName)
      .map((g) => [g.name, g.kind, g.priority, name(playlists, g.playlist_id), g.screen_count]),
    schedules: schedules
      .sort(byName)
      .map((s) => [
        s.name,
        name(playlists, s.playlist_id),
        name(screens, s.device_id),
        name(groups, s.group_id),
        s.dayparts,
        s.starts_on,
        s.ends_on,
      ]),
    emergency:
      emergency.status === 200
        ? [
            emergency.body.message,
            emergency.body.background,
            name(assets, emergency.body.image_asset_id),
            (emergency.body.group_ids as string[] | null)?.map((g) => name(groups, g)),
            emergency.body.expires_at,
          ]
        : null,
    plays: (await body<Rows>(admin, '/api/signage/plays')).items
      .map((p) => [p.device_name, p.asset_name, p.client_id, p.started_at, p.duration_ms, p.outcome])
      .sort((a, b) => String(a[2]).localeCompare(String(b[2]))),
    commands: commands.sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
  };
}

/** An org with something of every kind: settings, day-parts, screens, groups, schedules, plays… */
async function fill(env: TestEnv, admin: Client, token: string) {
  const settings = await env.app.inject({
    method: 'PATCH',
    url: '/api/v2/device_settings',
    headers: { authorization: `Bearer ${token}` },
    payload: { default_duration: 25, audio_output: 'hdmi', show_splash: false },
  });
  assert.equal(settings.statusCode, 200, settings.body);
  const { payload, type } = multipart(
    { name: 'Poster', is_enabled: 'true' },
    { name: 'poster.png', data: PNG },
  );
  const upload = await env.app.inject({
    method: 'POST',
    url: '/api/signage/assets/upload',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    payload,
  });
  assert.equal(upload.statusCode, 201, upload.body);
  const poster = upload.json<Row>();
  const page = await admin.post('/api/signage/assets', {
    name: 'Menu',
    asset_type: 'webpage',
    uri: 'https://example.com/menu',
    is_enabled: true,
    timezone: 'Europe/Paris',
    dayparts: DAY_PARTS,
  });
  assert.equal(page.status, 201, JSON.stringify(page.body));
  const lobby = await admin.post('/api/signage/playlists', {
    name: 'Lobby',
    is_default: true,
    asset_ids: [page.body.id, String(poster.id)],
  });
  assert.equal(lobby.status, 201, JSON.stringify(lobby.body));
  const night = await admin.post('/api/signage/playlists', { name: 'Night', asset_ids: [String(poster.id)] });
  const entry = await admin.put(
    `/api/signage/playlists/${lobby.body.id}/entries/${String(poster.id)}/dayparts`,
    {
      dayparts: [DAY_PARTS[1]],
    },
  );
  assert.equal(entry.status, 200, JSON.stringify(entry.body));
  const hall = await pairScreen(env, admin, 'Hall', {
    mac: '00:11:22:33:44:55',
    location: 'Hall A',
    settings: { timezone: 'Europe/Paris' },
    playlist_id: night.body.id,
  });
  const bar = await pairScreen(env, admin, 'Bar');
  const group = await admin.post('/api/signage/groups', {
    name: 'Ground floor',
    kind: 'location',
    priority: 3,
    playlist_id: lobby.body.id,
    device_ids: [hall.id, bar.id],
  });
  assert.equal(group.status, 201, JSON.stringify(group.body));
  for (const schedule of [
    { name: 'Mornings', playlist_id: night.body.id, group_id: group.body.id, dayparts: DAY_PARTS },
    { name: 'Hall evenings', playlist_id: lobby.body.id, device_id: hall.id, starts_on: '2025-01-01' },
  ])
    assert.equal((await admin.post('/api/signage/schedules', schedule)).status, 201);
  const emergency = await admin.post('/api/signage/emergency', {
    message: 'Fire drill at noon',
    background: '#b00020',
    image_asset_id: String(poster.id),
    group_ids: [group.body.id],
    expires_at: new Date(Date.now() + 3600_000).toISOString(),
  });
  assert.equal(emergency.status, 201, JSON.stringify(emergency.body));
  const plays = await hall.screen.post('/api/device/plays', {
    plays: [
      {
        client_id: 'p-1',
        asset_id: page.body.id,
        started_at: '2026-01-05T08:00:00Z',
        duration_ms: 10_000,
        outcome: 'completed',
      },
      {
        client_id: 'p-2',
        asset_id: String(poster.id),
        started_at: '2026-01-05T08:00:10Z',
        duration_ms: 4_000,
        outcome: 'interrupted',
      },
    ],
  });
  assert.equal(plays.status, 200, JSON.stringify(plays.body));
  const sent = await admin.post(`/api/signage/devices/${hall.id}/commands`, { command: 'reload' });
  const ack = await hall.screen.post(`/api/device/commands/${sent.body.id}/ack`, {
    outcome: 'failed',
    detail: 'busy',
  });
  assert.equal(ack.status, 200, JSON.stringify(ack.body));
  // Still pending when backed up: not carried over (it would be carried out again).
  assert.equal(
    (await admin.post(`/api/signage/devices/${bar.id}/commands`, { command: 'reboot' })).status,
    201,
  );
}

async function backup(env: TestEnv, token: string) {
  const made = await env.app.inject({
    method: 'POST',
    url: '/api/v2/backup',
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(made.statusCode, 201, made.body);
  const name = made.json<string>();
  const download = await env.app.inject({
    method: 'GET',
    url: `/api/v2/backup/${name}`,
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(download.statusCode, 200);
  return download.rawPayload;
}

async function recover(env: TestEnv, token: string, data: Buffer) {
  const { payload, type } = multipart({}, { field: 'backup_upload', name: 'backup.tar.gz', data });
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/v2/recover',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    payload,
  });
  return { status: res.statusCode, body: res.json<Row | string>() };
}

/** The archive with its manifest changed by `edit`. */
function tampered(archive: Buffer, edit: (manifest: Row) => void) {
  const entries = readTarGz(archive, 50 * 1024 * 1024);
  return writeTarGz(
    entries.map((e) => {
      if (e.name !== 'roster-signage.json') return e;
      const manifest = JSON.parse(e.data.toString('utf8')) as Row;
      edit(manifest);
      return { name: e.name, data: Buffer.from(JSON.stringify(manifest)) };
    }),
  );
}

describeEachBackend('signage: backup and recover the whole org', (env) => {
  test('recovering into an empty org reproduces settings, screens, groups, schedules, day-parts and plays', async () => {
    const a = await setup(env(), 'bk-full-a');
    await fill(env(), a.admin, a.token);
    const before = await snapshot(a.admin);
    const archive = await backup(env(), a.token);
    assert.ok(gunzipSync(archive).includes('roster-signage/2'));

    const b = await setup(env(), 'bk-full-b');
    const done = await recover(env(), b.token, archive);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body, 'Recovery successful.');
    const after = await snapshot(b.admin);
    assert.deepEqual(after, { ...before, commands: before.commands.filter((c) => c[2] !== 'pending') });
    assert.equal(after.plays.length, 2);
    assert.equal(after.screens.length, 2);
    assert.deepEqual(after.commands, [['Hall', 'reload', 'failed', 'failed', 'busy']]);

    // Twice adds nothing; the recovered screens have no token until paired again.
    assert.equal((await recover(env(), b.token, archive)).status, 200);
    assert.deepEqual(await snapshot(b.admin), after);
    const screens = (await body<Rows>(b.admin, '/api/signage/devices')).items;
    assert.ok(screens.every((s) => s.last_seen === null));

    // A player paired onto a recovered record plays what that screen played before.
    const hall = screens.find((s) => s.name === 'Hall')!;
    const pair = await env().client().post('/api/device/pair');
    const again = await b.admin.post(`/api/signage/devices/${String(hall.id)}/pair`, {
      code: pair.body.code,
    });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    const paired = await pairPoll(env().client(), pair.body.pairing_secret);
    assert.equal(paired.body.device_id, hall.id);
    const played = await poll(env().client(paired.body.device_token));
    assert.equal(played.status, 200);
    const effective = await body<{ playlist: Row | null }>(
      b.admin,
      `/api/signage/devices/${String(hall.id)}/effective`,
    );
    assert.ok(played.body.playlist);
    assert.equal(played.body.playlist.id, effective.playlist?.id);
  });

  test('a bad or foreign archive is refused with a 400 and changes nothing', async () => {
    const a = await setup(env(), 'bk-bad-a');
    await fill(env(), a.admin, a.token);
    const archive = await backup(env(), a.token);
    const b = await setup(env(), 'bk-bad-b');
    await b.admin.post('/api/signage/assets', {
      name: 'Own',
      asset_type: 'webpage',
      uri: 'https://example.com/own',
    });
    const empty = await snapshot(b.admin);

    // An Anthias player's own backup: its database and config, no Roster manifest.
    const anthias = writeTarGz([
      { name: '.screenly/screenly.conf', data: Buffer.from('[main]\n') },
      { name: '.screenly/screenly.db', data: Buffer.from('SQLite format 3\0') },
    ]);
    const foreign = await recover(env(), b.token, anthias);
    assert.equal(foreign.status, 400);
    assert.match(String((foreign.body as Row).detail), /not a Roster signage backup/);

    const later = await recover(
      env(),
      b.token,
      tampered(archive, (m) => (m.format = 'roster-signage/9')),
    );
    assert.equal(later.status, 400);
    assert.equal(((later.body as Row).errors as Row[])[0].path, 'backup.format');

    const dangling = await recover(
      env(),
      b.token,
      tampered(archive, (m) => ((m.schedules as Row[])[0].group_id = '0190c0de-0000-7000-8000-000000000000')),
    );
    assert.equal(dangling.status, 400);
    assert.equal(((dangling.body as Row).errors as Row[])[0].path, 'backup.schedules.0.group_id');

    const badDayPart = await recover(
      env(),
      b.token,
      tampered(
        archive,
        (m) => ((m.assets as Row[])[0].dayparts = [{ days: [8], from: '07:00', until: '09:00' }]),
      ),
    );
    assert.equal(badDayPart.status, 400);

    // Refused half-way by a plan limit (screens come after assets and playlists): rolled back whole.
    await env().inOrg(b.org, (t) => setOrgPlan(t, 'free', { maxDevices: 1 }));
    const full = await recover(env(), b.token, archive);
    assert.equal(full.status, 422, JSON.stringify(full.body));
    assert.deepEqual(await snapshot(b.admin), empty);
  });
});
