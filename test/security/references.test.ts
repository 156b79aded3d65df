import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { describeEachBackend, type Client } from '../support/env.ts';
import { queryRows } from '../../src/core/db/client.ts';

/**
 * Org B's admin sends org A's ids in every kind of reference a body carries. Each must be refused
 * (400 naming the field, or 404) and neither org's data may change: a reference never crosses
 * organizations, whatever the service checked, because the database keys it by org_id.
 */
const M = '/api/monitoring';

/** Tables the attacks could write to, fingerprinted whole (both orgs) through the owner connection. */
const WATCHED = [
  'monitoring_locations',
  'wireless_chassis',
  'wireless_units',
  'performer_assignments',
  'departments',
  'signage_playlists',
  'signage_playlist_assets',
  'signage_devices',
];

interface Ids {
  unit: number;
  location: string;
  chassis: string;
  wirelessUnit: string;
  performer: string;
  group: string;
  asset: string;
  playlist: string;
}

async function fixtures(admin: Client, tag: string): Promise<Ids> {
  const created = async (res: Promise<{ status: number; body: unknown }>) => {
    const r = await res;
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: string };
  };
  const unit = (await created(admin.post('/api/auth/units/', { unit_name: `${tag} Plant`, unit_code: tag })))
    .id as unknown as number;
  const location = (await created(admin.post(`${M}/locations`, { building: `${tag} Hall`, unit_id: unit })))
    .id;
  const chassis = (await created(admin.post(`${M}/chassis`, { name: `${tag} Rack`, location_id: location })))
    .id;
  const wirelessUnit = (
    await created(admin.post(`${M}/units`, { chassis_id: chassis, name: 'CH1', slot: 1 }))
  ).id;
  const performer = (await created(admin.post(`${M}/performers`, { name: `${tag} Singer` }))).id;
  const group = (await created(admin.post(`${M}/groups`, { name: `${tag} Stage` }))).id;
  const asset = (
    await created(
      admin.post('/api/signage/assets', {
        name: `${tag} page`,
        asset_type: 'webpage',
        uri: 'https://example.com/',
      }),
    )
  ).id;
  const playlist = (
    await created(admin.post('/api/signage/playlists', { name: `${tag} loop`, asset_ids: [asset] }))
  ).id;
  return { unit, location, chassis, wirelessUnit, performer, group, asset, playlist };
}

describeEachBackend('security: references never cross organizations', (env) => {
  let a: Ids;
  let b: Ids;
  let adminB: Client;

  const fingerprint = async () => {
    const out: Record<string, string> = {};
    for (const table of WATCHED) {
      const [row] = await queryRows<{ digest: string }>(
        env().database.db,
        sql`select count(*) || ':' || md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest
            from ${sql.identifier(table)} t`,
      );
      out[table] = row.digest;
    }
    return out;
  };

  /** The attack is refused (400 naming `field`, or 404) and nothing in either org changed. */
  const refused = async (attempt: () => Promise<{ status: number; body: unknown }>, field: string) => {
    const before = await fingerprint();
    const res = await attempt();
    const body = res.body as { errors?: Array<{ path: string }> };
    // A list names the field or its offending item (`body.asset_ids` or `body.asset_ids.0`).
    const named = (path: string) => path === field || path.startsWith(`${field}.`);
    if (res.status === 400)
      assert.ok(body.errors?.length && body.errors.every((e) => named(e.path)), JSON.stringify(body));
    else assert.equal(res.status, 404, `${field}: ${res.status} ${JSON.stringify(body)}`);
    assert.deepEqual(await fingerprint(), before, `${field}: no row changed`);
  };

  before(async () => {
    const orgA = await env().makeOrg('refs-a');
    const orgB = await env().makeOrg('refs-b');
    adminB = orgB.admin;
    a = await fixtures(orgA.admin, 'AAA');
    b = await fixtures(orgB.admin, 'BBB');
  });

  test('monitoring: a location cannot be tied to another org unit, on create or update', async () => {
    await refused(
      () => adminB.post(`${M}/locations`, { building: 'Stolen', unit_id: a.unit }),
      'body.unit_id',
    );
    await refused(() => adminB.patch(`${M}/locations/${b.location}`, { unit_id: a.unit }), 'body.unit_id');
  });

  test('monitoring: chassis, wireless units and assignments take only their own org ids', async () => {
    await refused(
      () => adminB.post(`${M}/chassis`, { name: 'X', location_id: a.location }),
      'body.location_id',
    );
    await refused(
      () => adminB.patch(`${M}/chassis/${b.chassis}`, { location_id: a.location }),
      'body.location_id',
    );
    await refused(
      () => adminB.post(`${M}/units`, { chassis_id: a.chassis, name: 'X', slot: 2 }),
      'body.chassis_id',
    );
    const assignment = {
      performer_id: b.performer,
      wireless_unit_id: b.wirelessUnit,
      monitoring_group_id: b.group,
    };
    for (const [field, foreign] of [
      ['performer_id', a.performer],
      ['wireless_unit_id', a.wirelessUnit],
      ['monitoring_group_id', a.group],
    ] as const) {
      await refused(
        () => adminB.post(`${M}/assignments`, { ...assignment, [field]: foreign }),
        `body.${field}`,
      );
    }
  });

  test('org: a department cannot be created in another org unit', async () => {
    await refused(
      () => adminB.post('/api/auth/departments/', { unit_id: a.unit, department_name: 'Stolen' }),
      'body.unit_id',
    );
  });

  test('signage: playlists take their own org assets, screens their own org playlist and unit', async () => {
    await refused(
      () => adminB.post('/api/signage/playlists', { name: 'Stolen', asset_ids: [a.asset] }),
      'body.asset_ids',
    );
    await refused(
      () => adminB.put(`/api/signage/playlists/${b.playlist}/assets`, { asset_ids: [a.asset] }),
      'body.asset_ids',
    );
    for (const [field, foreign] of [
      ['unit_id', a.unit],
      ['playlist_id', a.playlist],
    ] as const) {
      const pair = await env().client().post('/api/device/pair');
      assert.equal(pair.status, 201);
      await refused(
        () =>
          adminB.post('/api/signage/devices/claim', {
            code: pair.body.code,
            name: `screen ${field}`,
            [field]: foreign,
          }),
        `body.${field}`,
      );
    }
  });
});
