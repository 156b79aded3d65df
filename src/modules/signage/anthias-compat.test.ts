import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProblemBody } from '../../../test/support/api-types.ts';
import { describeEachBackend, type TestEnv } from '../../../test/support/env.ts';
import { signageAssets, signageOrgSettings } from './schema.ts';
import { multipart, pairScreen, png, poll } from './test-fixtures.ts';

/**
 * Replays the requests of Anthias's own API tests and of its web UI against /api/v2, and compares
 * the answers with what Anthias answers (status codes, field names, shapes).
 */

/** Anthias's test fixture for creating an asset (its api/tests common data). */
const ASSET_CREATION_DATA = {
  name: 'Anthias',
  uri: 'https://anthias.screenly.io',
  start_date: '2019-08-24T14:15:22Z',
  end_date: '2029-08-24T14:15:22Z',
  duration: 20,
  mimetype: 'webpage',
  is_enabled: 0,
  nocache: 0,
  play_order: 0,
  skip_asset_check: 0,
};
/** Its update fixture: a form-style body (duration as a string, flags as 0/1). */
const ASSET_UPDATE_DATA = {
  ...ASSET_CREATION_DATA,
  duration: '15',
  is_enabled: 1,
};

/** An answer read field by field (Anthias shapes the typed client does not know). */
type Untyped = ProblemBody & Record<string, string | number | boolean | null | undefined | unknown[]>;

const PNG = png(64);

async function send(
  env: TestEnv,
  token: string,
  method: 'POST' | 'PUT' | 'PATCH',
  url: string,
  body: { payload: Buffer | string; type: string },
) {
  const res = await env.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, 'content-type': body.type },
    payload: body.payload,
  });
  return { status: res.statusCode, body: (res.body ? res.json() : {}) as Untyped };
}

const form = (fields: Record<string, unknown>) => ({
  payload: new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString(),
  type: 'application/x-www-form-urlencoded',
});

async function setup(env: TestEnv, slug: string) {
  const { org, admin } = await env.makeOrg(slug);
  const res = await admin.post('/api/api-keys', { name: `anthias-${slug}`, role: 'admin' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const key = env.client(res.body.key);
  return { org, admin, key, token: res.body.key };
}

describeEachBackend('signage: Anthias v2 compatibility (replayed requests)', (env) => {
  test('the web UI loads: info, device_settings and integrations answer in Anthias shapes', async () => {
    const { key } = await setup(env(), 'ant-ui');
    const info = await key.get<string, Untyped>('/api/v2/info');
    assert.equal(info.status, 200);
    for (const field of ['viewlog', 'loadavg', 'free_space', 'display_power', 'up_to_date'])
      assert.ok(field in info.body, field);
    assert.match(String(info.body.free_space), /^\d+\.\d GB$/);
    const settings = await key.get<string, Untyped>('/api/v2/device_settings');
    assert.equal(settings.status, 200);
    assert.equal(settings.body.default_duration, 10);
    assert.equal(settings.body.auth_backend, '');
    assert.equal(settings.body.username, '');
    const integrations = await key.get('/api/v2/integrations');
    assert.deepEqual(integrations.body, {
      is_balena: false,
      balena_device_id: null,
      balena_app_id: null,
      balena_app_name: null,
      balena_supervisor_version: null,
      balena_host_os_version: null,
      balena_device_name_at_init: null,
    });
  });

  test("assets CRUD with Anthias's fixtures, as multipart (its test client's default) and JSON", async () => {
    const { key, token } = await setup(env(), 'ant-crud');
    const created = await send(env(), token, 'POST', '/api/v2/assets', multipart(ASSET_CREATION_DATA));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.name, 'Anthias');
    assert.equal(created.body.uri, 'https://anthias.screenly.io');
    assert.equal(created.body.is_enabled, false);
    assert.equal(created.body.duration, 20);
    assert.equal(created.body.start_date, '2019-08-24T14:15:22Z');
    const id = String(created.body.asset_id);
    assert.equal((await key.get('/api/v2/assets')).body.length, 1);

    const put = await send(env(), token, 'PUT', `/api/v2/assets/${id}`, multipart(ASSET_UPDATE_DATA));
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.duration, 15);
    assert.equal(put.body.is_enabled, true);

    const json = await key.put(`/api/v2/assets/${id}`, {
      ...ASSET_UPDATE_DATA,
      duration: 15,
      is_enabled: true,
      nocache: false,
      skip_asset_check: false,
    });
    assert.equal(json.status, 200);
    const patched = await send(env(), token, 'PATCH', `/api/v2/assets/${id}`, form({ is_enabled: 'false' }));
    assert.equal(patched.body.is_enabled, false);

    // Anthias's 32-hex spelling of the id addresses the same asset.
    assert.equal((await key.get(`/api/v2/assets/${id.replace(/-/g, '')}`)).status, 200);
    assert.equal((await key.delete(`/api/v2/assets/${id}`)).status, 204);
    assert.equal((await key.get(`/api/v2/assets/${id}`)).status, 404);
    assert.equal((await key.delete(`/api/v2/assets/${id}`)).status, 404);
  });

  test("the UI's add-asset body (skipAssetCheck, is_active) is accepted; bad values are 400 naming the field", async () => {
    const { key, token } = await setup(env(), 'ant-ui-add');
    const res = await key.post('/api/v2/assets', {
      name: 'Dashboard',
      uri: 'https://example.com/dash',
      mimetype: 'webpage',
      start_date: '2020-01-01T00:00:00.000Z',
      end_date: '2099-01-01T00:00:00.000Z',
      duration: '30',
      is_enabled: 'true',
      is_active: 1,
      skipAssetCheck: false,
      asset_id: 'ignored',
      play_order: 0,
      nocache: false,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.duration, 30);
    assert.equal(res.body.is_active, true);
    assert.notEqual(res.body.asset_id, 'ignored');

    const countBefore = (await env().database.db.select().from(signageAssets)).length;
    const bad = await send(
      env(),
      token,
      'POST',
      '/api/v2/assets',
      form({
        name: 'x',
        uri: 'https://example.com/',
        mimetype: 'webpage',
        duration: 'ten',
        nocache: 'perhaps',
      }),
    );
    assert.equal(bad.status, 400);
    const paths = (bad.body.errors as Array<{ path: string }>).map((e) => e.path).sort();
    assert.deepEqual(paths, ['body.duration', 'body.nocache']);
    assert.equal((await env().database.db.select().from(signageAssets)).length, countBefore);
    // Roster's own API stays strict about unknown keys.
    const strict = await key.post('/api/signage/assets', {
      name: 'y',
      asset_type: 'webpage',
      uri: 'https://example.com/',
      skipAssetCheck: true,
    });
    assert.equal(strict.status, 400);
  });

  test('file_asset upload → create with its uri → content gives the file; a link gives its url', async () => {
    const { key, token } = await setup(env(), 'ant-file');
    const upload = await send(
      env(),
      token,
      'POST',
      '/api/v2/file_asset',
      multipart({}, { field: 'file_upload', name: 'poster.png', data: PNG }),
    );
    assert.equal(upload.status, 200, JSON.stringify(upload.body));
    assert.equal(upload.body.ext, '.png');
    assert.match(String(upload.body.uri), /^\/uploads\/[0-9a-f]{32}$/);
    const created = await send(
      env(),
      token,
      'POST',
      '/api/v2/assets',
      multipart({
        name: 'Poster',
        uri: upload.body.uri,
        ext: upload.body.ext,
        mimetype: 'image',
        duration: 10,
        is_enabled: 1,
        start_date: '2020-01-01T00:00:00Z',
        end_date: '2099-01-01T00:00:00Z',
      }),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.mimetype, 'image/png');
    const content = await key.get<string, Untyped>(`/api/v2/assets/${String(created.body.asset_id)}/content`);
    assert.deepEqual(content.body, {
      type: 'file',
      filename: 'Poster',
      mimetype: 'image/png',
      content: PNG.toString('base64'),
    });
    // The upload was consumed: the same uri cannot make a second asset.
    const again = await key.post('/api/v2/assets', {
      name: 'Again',
      uri: String(upload.body.uri),
      mimetype: 'image',
    });
    assert.equal(again.status, 400);
    assert.equal(again.body.errors?.[0].path, 'body.uri');

    const missing = await send(env(), token, 'POST', '/api/v2/file_asset', multipart({ other: 'x' }));
    assert.equal(missing.status, 400);
    assert.equal(missing.body.errors[0].path, 'file_upload');
    const notImage = await send(
      env(),
      token,
      'POST',
      '/api/v2/file_asset',
      multipart({}, { field: 'file_upload', name: 'notes.txt', data: Buffer.from('hello') }),
    );
    assert.equal(notImage.status, 400);

    const link = await key.post('/api/v2/assets', { ...ASSET_CREATION_DATA, name: 'Site' });
    const url = await key.get<string, Untyped>(`/api/v2/assets/${link.body.asset_id}/content`);
    assert.deepEqual(url.body, { type: 'url', url: 'https://anthias.screenly.io' });
  });

  test('order takes the comma list; device_settings PATCH/PUT save; 400 names each bad field, saves nothing', async () => {
    const { key, token } = await setup(env(), 'ant-settings');
    const a = await key.post('/api/v2/assets', { ...ASSET_CREATION_DATA, name: 'A' });
    const b = await key.post('/api/v2/assets', { ...ASSET_CREATION_DATA, name: 'B' });
    const order = await send(
      env(),
      token,
      'POST',
      '/api/v2/assets/order',
      form({ ids: `${b.body.asset_id},${a.body.asset_id}` }),
    );
    assert.equal(order.status, 204);
    assert.deepEqual(
      (await key.get('/api/v2/assets')).body.map((x) => x.name),
      ['B', 'A'],
    );

    const saved = await key.patch('/api/v2/device_settings', {
      player_name: 'New Player',
      audio_output: 'hdmi',
      default_duration: 20,
      show_splash: true,
      username: '',
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.deepEqual(saved.body, { message: 'Settings were successfully saved.' });
    const put = await send(
      env(),
      token,
      'PUT',
      '/api/v2/device_settings',
      form({ timezone: 'Europe/Stockholm' }),
    );
    assert.equal(put.status, 200);
    const read = await key.get<string, Untyped>('/api/v2/device_settings');
    assert.equal(read.body.player_name, 'New Player');
    assert.equal(read.body.default_duration, 20);
    assert.equal(read.body.timezone, 'Europe/Stockholm');
    // A new asset without a duration gets the default duration, as on a player.
    const defaulted = await key.post('/api/v2/assets', {
      name: 'C',
      uri: 'https://example.com/c',
      mimetype: 'webpage',
    });
    assert.equal(defaulted.body.duration, 20);

    const stored = async () => (await env().database.db.select().from(signageOrgSettings))[0]?.settings;
    const before = await stored();
    const bad = await key.patch<string, Untyped>('/api/v2/device_settings', {
      default_duration: 'not_an_integer',
      show_splash: 'not_a_boolean',
    });
    assert.equal(bad.status, 400);
    assert.deepEqual((bad.body.errors as Array<{ path: string }>).map((e) => e.path).sort(), [
      'body.default_duration',
      'body.show_splash',
    ]);
    assert.equal((await key.patch('/api/v2/device_settings', { screen_rotation: 45 })).status, 400);
    assert.equal((await key.patch('/api/v2/device_settings', { timezone: 'Mars/Olympus' })).status, 400);
    assert.equal((await key.patch('/api/v2/device_settings', { auth_backend: 'auth_basic' })).status, 400);
    assert.deepEqual(await stored(), before);
  });

  test('control next/previous, reboot, shutdown reach every screen as commands; acknowledged ones stop', async () => {
    const { admin, key } = await setup(env(), 'ant-control');
    const { screen } = await pairScreen(env(), admin, 'Hall');
    const quiet = await poll(screen);
    assert.equal(quiet.body.commands, undefined);

    const next = await key.get('/api/v2/assets/control/next');
    assert.equal(next.status, 200);
    assert.equal(next.body, 'Asset switched');
    assert.equal((await key.post('/api/v2/reboot')).status, 200);
    const busy = await poll(screen);
    assert.notEqual(busy.etag, quiet.etag);
    assert.deepEqual(
      busy.body.commands?.map((c) => c.command),
      ['next', 'reboot'],
    );
    for (const c of busy.body.commands ?? [])
      assert.equal((await screen.post(`/api/device/commands/${c.id}/ack`)).status, 200);
    const done = await poll(screen);
    assert.equal(done.body.commands, undefined);
    assert.equal(done.etag, quiet.etag);
    assert.equal((await key.get('/api/v2/assets/control/asset&1')).status, 400);
    // Another org's screen cannot acknowledge these.
    const other = await setup(env(), 'ant-control-b');
    const { screen: stranger } = await pairScreen(env(), other.admin, 'Elsewhere');
    await key.post('/api/v2/shutdown');
    const pending = (await poll(screen)).body.commands ?? [];
    assert.equal((await stranger.post(`/api/device/commands/${pending[0].id}/ack`)).status, 404);
  });
  test('backup then recover into another org round-trips assets, files and playlists', async () => {
    const a = await setup(env(), 'ant-backup-a');
    const upload = await send(
      env(),
      a.token,
      'POST',
      '/api/v2/file_asset',
      multipart({}, { field: 'file_upload', name: 'poster.png', data: PNG }),
    );
    const poster = await send(
      env(),
      a.token,
      'POST',
      '/api/v2/assets',
      multipart({
        name: 'Poster',
        uri: upload.body.uri,
        mimetype: 'image',
        duration: 12,
        is_enabled: 1,
        start_date: '2020-01-01T00:00:00Z',
        end_date: '2099-01-01T00:00:00Z',
      }),
    );
    assert.equal(poster.status, 201, JSON.stringify(poster.body));
    const link = await a.key.post<string, Untyped>('/api/v2/assets', {
      name: 'Dashboard',
      uri: 'https://example.com/dash',
      mimetype: 'webpage',
      is_enabled: true,
    });
    const playlist = await a.admin.post('/api/signage/playlists', {
      name: 'Lobby',
      is_default: true,
      asset_ids: [String(link.body.asset_id), String(poster.body.asset_id)],
    });
    assert.equal(playlist.status, 201, JSON.stringify(playlist.body));

    const made = await a.key.post<string, string>('/api/v2/backup');
    assert.equal(made.status, 201);
    assert.match(made.body, /^roster-signage-backup-.*\.tar\.gz$/);
    const download = await env().app.inject({
      method: 'GET',
      url: `/api/v2/backup/${made.body}`,
      headers: { authorization: `Bearer ${a.token}` },
    });
    assert.equal(download.statusCode, 200);
    const archive = download.rawPayload;
    assert.deepEqual([...archive.subarray(0, 2)], [0x1f, 0x8b]);

    const b = await setup(env(), 'ant-backup-b');
    // Another org cannot fetch it.
    assert.equal((await b.key.get(`/api/v2/backup/${made.body}`)).status, 404);
    const recover = (data: Buffer, name = 'backup.tar.gz', field = 'backup_upload') =>
      send(env(), b.token, 'POST', '/api/v2/recover', multipart({}, { field, name, data }));
    const names = async () =>
      (await b.key.get<string, Untyped[]>('/api/v2/assets')).body.map((x) => String(x.name)).sort();

    // Refusals first: nothing is added.
    assert.equal((await recover(archive, 'backup.zip')).status, 400);
    const none = await recover(archive, 'backup.tar.gz', 'other');
    assert.equal(none.status, 400);
    assert.equal((none.body.errors as Array<{ path: string }>)[0].path, 'backup_upload');
    assert.equal((await recover(Buffer.from('not a tarball'))).status, 400);
    assert.deepEqual(await names(), []);

    const done = await recover(archive);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body, 'Recovery successful.');
    assert.deepEqual(await names(), ['Dashboard', 'Poster']);
    const recovered = (await b.key.get<string, Untyped[]>('/api/v2/assets')).body;
    const copy = recovered.find((x) => x.name === 'Poster')!;
    assert.equal(copy.duration, 12);
    const content = await b.key.get<string, Untyped>(`/api/v2/assets/${String(copy.asset_id)}/content`);
    assert.equal(content.body.content, PNG.toString('base64'));
    const lists = await b.admin.get('/api/signage/playlists');
    const lobby = lists.body.items.find((p) => p.name === 'Lobby');
    assert.ok(lobby?.is_default);
    assert.equal(lobby.asset_ids.length, 2);
    // Recovering again adds nothing.
    assert.equal((await recover(archive)).status, 200);
    assert.deepEqual(await names(), ['Dashboard', 'Poster']);
    assert.equal((await b.admin.get('/api/signage/playlists')).body.items.length, lists.body.items.length);
  });
});
