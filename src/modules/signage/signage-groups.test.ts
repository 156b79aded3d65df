import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/client.ts';
import type { ProblemBody } from '../../../test/support/api-types.ts';
import { describeEachBackend, type Client, type TestEnv } from '../../../test/support/env.ts';
import { wallClockAt } from './schedule.ts';
import type { DayPart } from './schema.ts';
import { pairScreen, poll } from './test-fixtures.ts';
import type { effectiveView } from './views.ts';

type Effective = ReturnType<typeof effectiveView> & ProblemBody;
const effective = (admin: Client, id: string, at?: string) =>
  admin.get<string, Effective>(
    `/api/signage/devices/${id}/effective${at ? `?at=${encodeURIComponent(at)}` : ''}`,
  );
const MISSING = '01890000-0000-7000-8000-000000000000';

/** A paired screen that evaluates schedules and day-parts in `timezone`. */
const pairIn = (env: TestEnv, admin: Client, name: string, timezone = 'UTC') =>
  pairScreen(env, admin, name, { settings: { timezone } });

/** A playlist holding one link asset of the same name, enabled. */
async function playlistWith(admin: Client, name: string) {
  const asset = await admin.post('/api/signage/assets', {
    name,
    asset_type: 'webpage',
    uri: `https://example.com/${encodeURIComponent(name)}`,
    is_enabled: true,
  });
  assert.equal(asset.status, 201, JSON.stringify(asset.body));
  const playlist = await admin.post('/api/signage/playlists', { name, asset_ids: [asset.body.id] });
  assert.equal(playlist.status, 201, JSON.stringify(playlist.body));
  return { playlistId: playlist.body.id, assetId: asset.body.id };
}

/** The reference rule, written independently of the SQL: minutes of the wall clock against each window. */
function playsAt(windows: DayPart[], wall: string): boolean {
  if (windows.length === 0) return true;
  const isoDay = ((new Date(`${wall.slice(0, 10)}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
  const yesterday = isoDay === 1 ? 7 : isoDay - 1;
  const minute =
    Number(wall.slice(11, 13)) * 60 + Number(wall.slice(14, 16)) + Number(wall.slice(17, 19)) / 60;
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return windows.some((w) => {
    const from = minutes(w.from);
    const until = minutes(w.until);
    if (from < until) return w.days.includes(isoDay) && minute >= from && minute < until;
    return (w.days.includes(isoDay) && minute >= from) || (w.days.includes(yesterday) && minute < until);
  });
}

/** A small deterministic generator, so a failure replays exactly. */
function random(seed: number) {
  let state = seed >>> 0;
  return (n: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
}

describeEachBackend('signage: screen groups, schedules, day-parts, effective playlist', (env) => {
  test('groups: CRUD, membership (a screen in several groups), pagination, bad input refused and nothing stored', async () => {
    const { org, admin } = await env().makeOrg('grp-a');
    const hall = await pairIn(env(), admin, 'Hall');
    const cafe = await pairIn(env(), admin, 'Cafe');
    const lobby = await admin.post('/api/signage/groups', {
      name: 'Lobby',
      description: 'Ground floor',
      kind: 'location',
      device_ids: [hall.id, cafe.id],
    });
    assert.equal(lobby.status, 201, JSON.stringify(lobby.body));
    assert.equal(lobby.body.screen_count, 2);
    const menus = await admin.post('/api/signage/groups', { name: 'Menu boards', kind: 'purpose' });
    assert.equal(menus.status, 201);
    const added = await admin.post(`/api/signage/groups/${menus.body.id}/screens`, {
      device_ids: [cafe.id, cafe.id],
    });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.equal(added.body.screen_count, 1, 'a screen is in a group once');
    const screen = await admin.get(`/api/signage/devices/${cafe.id}`);
    assert.deepEqual(new Set(screen.body.group_ids), new Set([lobby.body.id, menus.body.id]));
    const inMenus = await admin.get(`/api/signage/devices?group_id=${menus.body.id}`);
    assert.deepEqual(
      inMenus.body.items.map((d) => d.name),
      ['Cafe'],
    );

    // Pages, search and the groups of one screen.
    for (let i = 0; i < 3; i++) await admin.post('/api/signage/groups', { name: `Floor ${i}` });
    const first = await admin.get('/api/signage/groups?limit=2');
    assert.equal(first.body.items.length, 2);
    assert.ok(first.body.next_cursor);
    const rest = await admin.get(`/api/signage/groups?limit=10&cursor=${first.body.next_cursor}`);
    assert.equal(first.body.items.length + rest.body.items.length, 5);
    assert.deepEqual(
      (await admin.get('/api/signage/groups?q=floor%201')).body.items.map((g) => g.name),
      ['Floor 1'],
    );
    assert.equal((await admin.get(`/api/signage/groups?device_id=${cafe.id}`)).body.items.length, 2);
    const members = await admin.get(`/api/signage/groups/${lobby.body.id}/screens?limit=1`);
    assert.equal(members.body.items.length, 1);
    assert.ok(members.body.next_cursor);

    // Bad input: 4xx naming the field, nothing stored.
    const unknownScreen = await admin.post(`/api/signage/groups/${menus.body.id}/screens`, {
      device_ids: [hall.id, MISSING],
    });
    assert.equal(unknownScreen.status, 400);
    assert.equal(unknownScreen.body.errors?.[0].path, 'body.device_ids.1');
    assert.equal((await admin.get(`/api/signage/groups/${menus.body.id}`)).body.screen_count, 1);
    const duplicate = await admin.post('/api/signage/groups', { name: 'Lobby' });
    assert.equal(duplicate.status, 409);
    const badKind = await admin.post('/api/signage/groups', { name: 'X', kind: 'colour' });
    assert.equal(badKind.status, 400);
    assert.equal(badKind.body.errors?.[0].path, 'body.kind');
    const badPlaylist = await admin.patch(`/api/signage/groups/${lobby.body.id}`, { playlist_id: MISSING });
    assert.equal(badPlaylist.status, 400);
    assert.equal(badPlaylist.body.errors?.[0].path, 'body.playlist_id');
    const withUnknown = await admin.post('/api/signage/groups', { name: 'Ghosts', device_ids: [MISSING] });
    assert.equal(withUnknown.status, 400);
    assert.equal((await admin.get('/api/signage/groups?q=Ghosts')).body.items.length, 0);

    // Members see groups; only admins change them.
    const { client: member } = await env().makeUser(org, 'grp-a.member');
    assert.equal((await member.get('/api/signage/groups')).body.items.length, 5);
    assert.equal((await member.post('/api/signage/groups', { name: 'Mine' })).status, 403);
    assert.equal((await member.patch(`/api/signage/groups/${lobby.body.id}`, { name: 'Mine' })).status, 403);
    assert.equal(
      (await member.delete(`/api/signage/groups/${lobby.body.id}/screens/${hall.id}`)).status,
      403,
    );

    // Proof of play by group: a play counts for each group its screen is in.
    const poster = await admin.post('/api/signage/assets', {
      name: 'Poster',
      asset_type: 'image',
      uri: 'https://example.com/p.png',
    });
    const played = await cafe.screen.post('/api/device/plays', {
      plays: [
        {
          client_id: 'g-1',
          asset_id: poster.body.id,
          started_at: new Date(Date.now() - 60_000).toISOString(),
          duration_ms: 10_000,
          outcome: 'completed',
        },
      ],
    });
    assert.equal(played.status, 200, JSON.stringify(played.body));
    const byGroup = await admin.get('/api/signage/plays/summary?group_by=group');
    assert.equal(byGroup.status, 200, JSON.stringify(byGroup.body));
    assert.deepEqual(byGroup.body.items.map((r) => [r.label, r.plays]).sort(), [
      ['Lobby', 1],
      ['Menu boards', 1],
    ]);

    // Taking a screen out, then deleting the group: the screens stay.
    assert.equal((await admin.delete(`/api/signage/groups/${lobby.body.id}/screens/${hall.id}`)).status, 204);
    assert.equal((await admin.delete(`/api/signage/groups/${lobby.body.id}/screens/${hall.id}`)).status, 404);
    assert.equal((await admin.delete(`/api/signage/groups/${lobby.body.id}`)).status, 204);
    assert.equal((await admin.get(`/api/signage/groups/${lobby.body.id}`)).status, 404);
    assert.deepEqual((await admin.get(`/api/signage/devices/${cafe.id}`)).body.group_ids, [menus.body.id]);
    assert.equal((await admin.get(`/api/signage/devices/${hall.id}`)).status, 200);
  });

  test(
    'the effective playlist: schedule for the screen > for its ' +
      'group > for the org > its own > its group > default, explained',
    async () => {
      const { admin } = await env().makeOrg('grp-b');
      const hall = await pairIn(env(), admin, 'Hall', 'Europe/Paris');
      const fallback = await playlistWith(admin, 'House default');
      await admin.patch(`/api/signage/playlists/${fallback.playlistId}`, { is_default: true });
      const reason = async (at?: string) => {
        const r = await effective(admin, hall.id, at);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        return [r.body.playlist?.name, r.body.reason?.source, r.body.reason?.text];
      };
      assert.deepEqual(await reason(), ['House default', 'default', "the organization's default playlist"]);

      const lobbyLoop = await playlistWith(admin, 'Lobby loop');
      const low = await admin.post('/api/signage/groups', {
        name: 'Annex',
        playlist_id: fallback.playlistId,
      });
      const lobby = await admin.post('/api/signage/groups', {
        name: 'Lobby',
        priority: 5,
        playlist_id: lobbyLoop.playlistId,
        device_ids: [hall.id],
      });
      await admin.post(`/api/signage/groups/${low.body.id}/screens`, { device_ids: [hall.id] });
      assert.deepEqual(await reason(), ['Lobby loop', 'group', 'from group "Lobby"']);

      const own = await playlistWith(admin, 'Hall own');
      await admin.patch(`/api/signage/devices/${hall.id}`, { playlist_id: own.playlistId });
      assert.deepEqual(await reason(), ['Hall own', 'screen', "the screen's own playlist"]);

      // Weekday mornings 07:00–11:00 on the screen's clock (Paris): 2030-06-03 is a Monday.
      const breakfast = await playlistWith(admin, 'Breakfast');
      const mornings = await admin.post('/api/signage/schedules', {
        name: 'Weekday mornings',
        playlist_id: breakfast.playlistId,
        group_id: lobby.body.id,
        dayparts: [{ days: [1, 2, 3, 4, 5], from: '07:00', until: '11:00' }],
      });
      assert.equal(mornings.status, 201, JSON.stringify(mornings.body));
      assert.equal(mornings.body.target, 'group');
      const mondayNine = '2030-06-03T07:00:00Z'; // 09:00 in Paris (summer time)
      assert.deepEqual(await reason(mondayNine), [
        'Breakfast',
        'group_schedule',
        'from group "Lobby", schedule "Weekday mornings"',
      ]);
      assert.deepEqual((await reason('2030-06-03T10:00:00Z')).slice(0, 2), ['Hall own', 'screen'], 'noon');
      assert.deepEqual(
        (await reason('2030-06-08T07:00:00Z')).slice(0, 2),
        ['Hall own', 'screen'],
        'Saturday',
      );
      const preview = await effective(admin, hall.id, mondayNine);
      assert.equal(preview.body.local_time, '2030-06-03T09:00:00');
      assert.deepEqual(
        preview.body.items.map((i) => i.name),
        ['Breakfast'],
      );

      const orgWide = await playlistWith(admin, 'Announcements');
      await admin.post('/api/signage/schedules', {
        name: 'All day everywhere',
        playlist_id: orgWide.playlistId,
      });
      assert.deepEqual(
        (await reason(mondayNine)).slice(0, 2),
        ['Breakfast', 'group_schedule'],
        'group beats org',
      );
      assert.deepEqual((await reason('2030-06-03T10:00:00Z')).slice(0, 2), ['Announcements', 'org_schedule']);
      const screenOnly = await playlistWith(admin, 'Hall special');
      await admin.post('/api/signage/schedules', {
        name: 'Hall special',
        playlist_id: screenOnly.playlistId,
        device_id: hall.id,
        starts_on: '2030-06-03',
        ends_on: '2030-06-03',
      });
      assert.deepEqual((await reason(mondayNine)).slice(0, 2), ['Hall special', 'screen_schedule']);
      assert.deepEqual((await reason('2030-06-04T07:00:00Z')).slice(0, 2), ['Breakfast', 'group_schedule']);

      // Bad schedules: 400 naming the field, nothing stored.
      const count = async () => (await admin.get('/api/signage/schedules?limit=100')).body.items.length;
      const stored = await count();
      for (const [body, path] of [
        [{ name: 'x', playlist_id: MISSING }, 'body.playlist_id'],
        [
          { name: 'x', playlist_id: breakfast.playlistId, device_id: hall.id, group_id: lobby.body.id },
          'body.group_id',
        ],
        [{ name: 'x', playlist_id: breakfast.playlistId, group_id: MISSING }, 'body.group_id'],
        [
          { name: 'x', playlist_id: breakfast.playlistId, starts_on: '2030-06-05', ends_on: '2030-06-04' },
          'body.ends_on',
        ],
        [{ name: 'x', playlist_id: breakfast.playlistId, starts_on: '2030-02-30' }, 'body.starts_on'],
        [
          {
            name: 'x',
            playlist_id: breakfast.playlistId,
            dayparts: [{ days: [1], from: '25:00', until: '02:00' }],
          },
          'body.dayparts.0.from',
        ],
      ] as const) {
        const r = await admin.post('/api/signage/schedules', body);
        assert.equal(r.status, 400, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
        assert.equal(r.body.errors?.[0].path, path, JSON.stringify(r.body));
      }
      assert.equal(await count(), stored);
      assert.equal((await effective(admin, hall.id, 'yesterday')).status, 400);
      assert.equal((await effective(admin, MISSING)).status, 404);
    },
  );

  test('day-parts on an asset and a playlist entry: overnight windows, the poll and its ETag follow the clock', async () => {
    const { admin } = await env().makeOrg('grp-c');
    const bar = await pairIn(env(), admin, 'Bar', 'Europe/Paris');
    const { playlistId, assetId } = await playlistWith(admin, 'Happy hour');
    const always = await admin.post('/api/signage/assets', {
      name: 'Logo',
      asset_type: 'webpage',
      uri: 'https://example.com/logo',
      is_enabled: true,
    });
    await admin.put(`/api/signage/playlists/${playlistId}/assets`, { asset_ids: [assetId, always.body.id] });
    await admin.patch(`/api/signage/devices/${bar.id}`, { playlist_id: playlistId });

    // The asset plays Fridays 22:00 to Saturday 02:00 (belongs to Friday).
    const set = await admin.patch(`/api/signage/assets/${assetId}`, {
      dayparts: [{ days: [5], from: '22:00', until: '02:00' }],
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body.dayparts, [{ days: [5], from: '22:00', until: '02:00' }]);
    const names = async (at: string) => (await effective(admin, bar.id, at)).body.items.map((i) => i.name);
    // 2030-06-07 is a Friday; Paris is UTC+2 in June.
    assert.deepEqual(await names('2030-06-07T19:59:00Z'), ['Logo'], 'Friday 21:59');
    assert.deepEqual(await names('2030-06-07T20:00:00Z'), ['Happy hour', 'Logo'], 'Friday 22:00');
    assert.deepEqual(await names('2030-06-07T23:59:00Z'), ['Happy hour', 'Logo'], 'Saturday 01:59');
    assert.deepEqual(await names('2030-06-08T00:00:00Z'), ['Logo'], 'Saturday 02:00');
    assert.deepEqual(await names('2030-06-08T20:30:00Z'), ['Logo'], 'Saturday 22:30 is not Friday');

    // An entry's own window narrows it further in that playlist only.
    const entry = await admin.put(`/api/signage/playlists/${playlistId}/entries/${always.body.id}/dayparts`, {
      dayparts: [{ days: [6, 7], from: '00:00', until: '24:00' }],
    });
    assert.equal(entry.status, 200, JSON.stringify(entry.body));
    assert.deepEqual(await names('2030-06-07T20:00:00Z'), ['Happy hour'], 'Logo only at weekends here');
    assert.deepEqual(await names('2030-06-08T10:00:00Z'), ['Logo']);
    // Reordering keeps the entry's window.
    await admin.put(`/api/signage/playlists/${playlistId}/assets`, { asset_ids: [always.body.id, assetId] });
    const reordered = await admin.get(`/api/signage/playlists/${playlistId}`);
    assert.deepEqual(reordered.body.entries[0].dayparts, [{ days: [6, 7], from: '00:00', until: '24:00' }]);

    // The poll follows the real clock: a window that opens or closes changes the answer and its ETag.
    const now = new Date();
    const local = wallClockAt(now, 'Europe/Paris');
    const isoDay = ((new Date(`${local.slice(0, 10)}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
    await admin.put(`/api/signage/playlists/${playlistId}/entries/${always.body.id}/dayparts`, {
      dayparts: [],
    });
    await admin.patch(`/api/signage/assets/${assetId}`, { dayparts: [] });
    const open = await poll(bar.screen);
    assert.equal(open.body.items.length, 2);
    // Two days ahead: still not today should the test run across midnight.
    const otherDay = ((isoDay + 1) % 7) + 1;
    await admin.patch(`/api/signage/assets/${assetId}`, {
      dayparts: [{ days: [otherDay], from: '00:00', until: '24:00' }],
    });
    const closed = await poll(bar.screen);
    assert.deepEqual(
      closed.body.items.map((i) => i.name),
      ['Logo'],
    );
    assert.notEqual(closed.etag, open.etag);

    // Bad windows: 400 naming the field, nothing stored.
    for (const [dayparts, path] of [
      [[{ days: [], from: '08:00', until: '09:00' }], 'body.dayparts.0.days'],
      [[{ days: [8], from: '08:00', until: '09:00' }], 'body.dayparts.0.days.0'],
      [[{ days: [1, 1], from: '08:00', until: '09:00' }], 'body.dayparts.0.days'],
      [[{ days: [1], from: '8:00', until: '09:00' }], 'body.dayparts.0.from'],
      [[{ days: [1], from: '24:00', until: '02:00' }], 'body.dayparts.0.from'],
      [[{ days: [1], from: '09:00', until: '09:00' }], 'body.dayparts.0.until'],
      [[{ days: [1], from: '09:00', until: '10:60' }], 'body.dayparts.0.until'],
      [[{ days: [1], from: '09:00', until: '10:00', extra: true }], 'body.dayparts.0.extra'],
    ] as const) {
      const r = await admin.patch(`/api/signage/assets/${assetId}`, { dayparts });
      assert.equal(r.status, 400, `${JSON.stringify(dayparts)} → ${JSON.stringify(r.body)}`);
      assert.equal(r.body.errors?.[0].path, path, JSON.stringify(r.body));
      const e = await admin.put(`/api/signage/playlists/${playlistId}/entries/${assetId}/dayparts`, {
        dayparts,
      });
      assert.equal(e.status, 400);
    }
    assert.deepEqual((await admin.get(`/api/signage/assets/${assetId}`)).body.dayparts, [
      { days: [otherDay], from: '00:00', until: '24:00' },
    ]);
    const notInPlaylist = await admin.post('/api/signage/assets', {
      name: 'Loose',
      asset_type: 'webpage',
      uri: 'https://example.com/loose',
    });
    assert.equal(
      (
        await admin.put(`/api/signage/playlists/${playlistId}/entries/${notInPlaylist.body.id}/dayparts`, {
          dayparts: [],
        })
      ).status,
      404,
    );
  });

  test('property: the database reads day-parts like the reference rule, across DST changes and midnight', async () => {
    const db = env().database.db;
    const next = random(20300329);
    const zones = ['Europe/Paris', 'America/New_York', 'Australia/Sydney', 'UTC', 'Asia/Kolkata'];
    // Around spring-forward and fall-back of Europe, America and Australia, and plain midnights.
    const moments = [
      '2030-03-31T00:30:00Z',
      '2030-10-27T00:30:00Z',
      '2030-03-10T06:30:00Z',
      '2030-11-03T05:30:00Z',
      '2030-04-06T15:30:00Z',
      '2030-10-05T15:30:00Z',
      '2030-06-30T21:30:00Z',
      '2030-12-31T22:30:00Z',
    ].map((iso) => Date.parse(iso));
    const hhmm = (m: number) =>
      `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    const cases: Array<{ windows: DayPart[]; at: Date; zone: string }> = [];
    for (let i = 0; i < 400; i++) {
      const windows: DayPart[] = [];
      for (let w = next(3); w >= 0; w--) {
        const days = [...new Set(Array.from({ length: 1 + next(3) }, () => 1 + next(7)))].sort();
        // Quarter-hour boundaries near the changes, some exactly on them.
        const from = next(96) * 15;
        let until = next(97) * 15;
        if (until === from) until = (from + 15) % 1440 || 1440;
        windows.push({ days, from: hhmm(from), until: until === 1440 ? '24:00' : hhmm(until) });
      }
      const at = new Date(moments[next(moments.length)] + (next(241) - 120) * 60_000);
      cases.push({ windows: i % 10 === 0 ? [] : windows, at, zone: zones[next(zones.length)] });
    }
    const rows = await queryRows<{ ok: boolean; local: string }>(
      db,
      sql`select signage_in_dayparts(c.windows, c.at at time zone c.zone) as ok,
            to_char(c.at at time zone c.zone, 'YYYY-MM-DD"T"HH24:MI:SS') as local
          from jsonb_to_recordset(${JSON.stringify(cases)}::jsonb)
            as c(windows jsonb, at timestamptz, zone text)`,
    );
    assert.equal(rows.length, cases.length);
    cases.forEach((c, i) => {
      const wall = wallClockAt(c.at, c.zone);
      assert.equal(rows[i].local, wall, `wall clock of ${c.at.toISOString()} in ${c.zone}`);
      assert.equal(
        rows[i].ok,
        playsAt(c.windows, wall),
        `${JSON.stringify(c.windows)} at ${wall} (${c.zone}, ${c.at.toISOString()})`,
      );
    });
  });

  test('commands and emergency messages reach the screens of a group', async () => {
    const { org, admin } = await env().makeOrg('grp-d');
    const hall = await pairIn(env(), admin, 'Hall');
    const cafe = await pairIn(env(), admin, 'Cafe');
    const lobby = await admin.post('/api/signage/groups', { name: 'Lobby', device_ids: [hall.id] });
    const set = await admin.post('/api/signage/emergency', {
      message: 'Lobby closed',
      group_ids: [lobby.body.id],
      expires_at: new Date(Date.now() + 3600_000).toISOString(),
    });
    assert.equal(set.status, 201, JSON.stringify(set.body));
    assert.deepEqual(set.body.group_ids, [lobby.body.id]);
    assert.equal((await poll(hall.screen)).body.emergency?.message, 'Lobby closed');
    assert.equal((await poll(cafe.screen)).body.emergency, undefined);
    // A screen joining the group later shows it at its next poll.
    await admin.post(`/api/signage/groups/${lobby.body.id}/screens`, { device_ids: [cafe.id] });
    assert.equal((await poll(cafe.screen)).body.emergency?.message, 'Lobby closed');
    const unknown = await admin.post('/api/signage/emergency', {
      message: 'x',
      group_ids: [MISSING],
      expires_at: new Date(Date.now() + 3600_000).toISOString(),
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.errors?.[0].path, 'body.group_ids.0');
    assert.equal((await admin.get('/api/signage/emergency')).body.message, 'Lobby closed');

    // A command to a group reaches the screens in it now, once each even when also named.
    const third = await pairIn(env(), admin, 'Office');
    const queued = await admin.post('/api/signage/commands', {
      command: 'reload',
      device_ids: [hall.id],
      group_ids: [lobby.body.id],
    });
    assert.equal(queued.status, 201, JSON.stringify(queued.body));
    assert.deepEqual(new Set(queued.body.device_ids), new Set([hall.id, cafe.id]));
    assert.equal(queued.body.commands.length, 2);
    assert.deepEqual(
      (await poll(hall.screen)).body.commands?.map((c) => c.command),
      ['reload'],
    );
    assert.equal((await poll(third.screen)).body.commands, undefined, 'not in the group');

    // Refused with the field named, and nothing queued: an unknown group, a bad command, a non-admin.
    const commandsOf = async (id: string) =>
      (await admin.get(`/api/signage/devices/${id}/commands`)).body.items.length;
    const before = await commandsOf(third.id);
    const missing = await admin.post('/api/signage/commands', { command: 'reload', group_ids: [MISSING] });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.errors?.[0].path, 'body.group_ids.0');
    const bad = await admin.post('/api/signage/commands', { command: 'format-disk' as 'reload' });
    assert.equal(bad.status, 400);
    const { client: member } = await env().makeUser(org, 'grp-d.member');
    const refused = await member.post('/api/signage/commands', { command: 'reload' });
    assert.equal(refused.status, 403);
    assert.equal(await commandsOf(third.id), before);
  });
});
