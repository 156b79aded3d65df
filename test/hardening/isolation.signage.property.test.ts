import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { and, eq, like } from 'drizzle-orm';
import { describeEachBackend, type Client } from '../support/env.ts';
import { changedTables, databaseChecksum, orgChecksum } from '../support/routes.ts';
import { memberships } from '../../src/core/db/platform-schema.ts';
import type { Organization } from '../../src/modules/identity/service.ts';
import { createUrlAsset } from '../../src/modules/signage/assets.ts';
import type { devicePlaylist } from '../../src/modules/signage/device-playlist.ts';
import { setOrgPlan } from '../../src/modules/signage/plans.ts';
import { signageAssets, signageMemberPermissions } from '../../src/modules/signage/schema.ts';

/**
 * Generated actors for signage (issue 8, "Isolation and authorization suite"). fast-check draws,
 * for the members of org A, an org role (admin / member / viewer) and the `view_all_assets`
 * permission, plus who created each actor's throw-away asset; every actor then lists, reads,
 * changes and deletes assets of both orgs. Expected answers come from docs/signage.md's role table
 * (seed 003's `user_asset_access`), written here independently of src/modules/signage/policy.ts:
 *
 * - see(u, asset): u is owner/admin, or created it, or holds `view_all_assets` (viewers too);
 * - change/delete: not seen → 404; viewer → 403; admin → yes; member → only what they created (403);
 * - org B's assets, playlists and screens are 404 to everyone of A, and A's screen token never
 *   plays, fetches or reaches anything of B (nor B's of A).
 * Reads and refused writes leave the database unchanged; org B's rows never change.
 */
const USERS = 4;
const OWNER = USERS;
const CREATORS = USERS + 2; // users, the owner, and the system (no creator)
const NUM_RUNS = Number(process.env.ISOLATION_RUNS ?? 8);

type Role = 'admin' | 'member' | 'viewer';
interface Draw {
  roles: Role[];
  viewAll: boolean[];
  /** Creator (index into CREATORS) of the asset each actor tries to delete. */
  scratchCreator: number[];
}
interface Asset {
  id: string;
  creator: number;
}

/** The API call counter is flushed into signage_usage_metrics on a timer: usage, not data. */
const METERING = /^signage_usage_metrics:/;

function model(d: Draw) {
  const role = (u: number): Role => (u === OWNER ? 'admin' : d.roles[u]);
  const sees = (u: number, creator: number) => role(u) === 'admin' || creator === u || d.viewAll[u];
  const change = (u: number, creator: number) =>
    !sees(u, creator) ? 404 : role(u) === 'viewer' ? 403 : role(u) === 'admin' || creator === u ? 200 : 403;
  return { role, sees, change };
}

describeEachBackend(
  'isolation and authorization: generated signage actors against docs/signage.md',
  (env) => {
    let alpha: Organization;
    let beta: Organization;
    const users: { id: number; client: Client }[] = [];
    let alphaOwner: Client;
    let alphaOwnerId: number;
    let betaOwner: Client;
    const assetsA: Asset[] = [];
    const assetsB: string[] = [];
    let playlistA: string;
    let playlistB: string;
    let deviceA: { id: string; client: Client };
    let deviceB: { id: string; client: Client };

    type DevicePlaylist = Awaited<ReturnType<typeof devicePlaylist>>;

    const pairScreen = async (owner: Client, name: string, playlistId: string) => {
      const anon = env().client();
      const pairing = await anon.post('/api/device/pair');
      assert.equal(pairing.status, 201, JSON.stringify(pairing.body));
      const claim = await owner.post('/api/signage/devices/claim', {
        code: pairing.body.code,
        name,
        playlist_id: playlistId,
      });
      assert.equal(claim.status, 201, JSON.stringify(claim.body));
      const paired = await anon.get(`/api/device/pair/${pairing.body.pairing_secret}`);
      assert.equal(paired.status, 200, JSON.stringify(paired.body));
      assert.ok(paired.body.status === 'paired');
      return { id: claim.body.id, client: env().client(paired.body.device_token) };
    };

    const linkAsset = async (c: Client, name: string) => {
      const res = await c.post('/api/signage/assets', {
        name,
        asset_type: 'webpage',
        uri: `https://example.test/${encodeURIComponent(name)}`,
        is_enabled: true,
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id;
    };

    before(async () => {
      ({ org: alpha, admin: alphaOwner } = await env().makeOrg('iso-sign-a'));
      ({ org: beta, admin: betaOwner } = await env().makeOrg('iso-sign-b'));
      // Thousands of calls per minute from one org: lift the plan's rate and seat limits.
      for (const org of [alpha, beta])
        await env().inOrg(org, (t) => setOrgPlan(t, 'enterprise', { apiRatePerMinute: 1_000_000 }));
      const me = (await alphaOwner.get('/api/auth/me')).body.user;
      assert.ok(me);
      alphaOwnerId = me.id;
      for (let u = 0; u < USERS; u++) users.push(await env().makeUser(alpha, `iso-sign-a-${u}`, 'member'));
      for (let u = 0; u < USERS; u++)
        for (let k = 0; k < 2; k++)
          assetsA.push({ id: await linkAsset(users[u].client, `A user ${u} #${k}`), creator: u });
      assetsA.push({ id: await linkAsset(alphaOwner, 'A owner'), creator: OWNER });
      assetsA.push({
        id: (
          await env().inOrg(alpha, (t) =>
            createUrlAsset(t, {
              name: 'A system',
              assetType: 'webpage',
              uri: 'https://example.test/system',
              isEnabled: true,
            }),
          )
        ).id,
        creator: OWNER + 1,
      });
      for (let k = 0; k < 3; k++) assetsB.push(await linkAsset(betaOwner, `B owner #${k}`));
      const pa = await alphaOwner.post('/api/signage/playlists', {
        name: 'A loop',
        is_default: true,
        asset_ids: assetsA.map((x) => x.id),
      });
      const pb = await betaOwner.post('/api/signage/playlists', {
        name: 'B loop',
        is_default: true,
        asset_ids: assetsB,
      });
      assert.equal(pa.status, 201, JSON.stringify(pa.body));
      assert.equal(pb.status, 201, JSON.stringify(pb.body));
      playlistA = pa.body.id;
      playlistB = pb.body.id;
      deviceA = await pairScreen(alphaOwner, 'A hall', playlistA);
      deviceB = await pairScreen(betaOwner, 'B hall', playlistB);
    });

    /** Roles, permissions, and one fresh throw-away asset per actor with the drawn creator. */
    const apply = async (d: Draw) => {
      const db = env().database.db;
      const scratch: Asset[] = [];
      await db.transaction(async (tx) => {
        for (let u = 0; u < USERS; u++) {
          await tx
            .update(memberships)
            .set({ role: d.roles[u] })
            .where(and(eq(memberships.orgId, alpha.id), eq(memberships.userId, users[u].id)));
          await tx
            .insert(signageMemberPermissions)
            .values({ orgId: alpha.id, userId: users[u].id, viewAllAssets: d.viewAll[u] })
            .onConflictDoUpdate({
              target: [signageMemberPermissions.orgId, signageMemberPermissions.userId],
              set: { viewAllAssets: d.viewAll[u] },
            });
        }
        await tx
          .delete(signageAssets)
          .where(and(eq(signageAssets.orgId, alpha.id), like(signageAssets.name, 'scratch %')));
        for (let u = 0; u < USERS; u++) {
          const creator = d.scratchCreator[u];
          const createdBy = creator < USERS ? users[creator].id : creator === OWNER ? alphaOwnerId : null;
          const [row] = await tx
            .insert(signageAssets)
            .values({
              orgId: alpha.id,
              name: `scratch ${u}`,
              assetType: 'webpage',
              uri: 'https://example.test/scratch',
              mimetype: 'webpage',
              processingStatus: 'ready',
              createdBy,
            })
            .returning({ id: signageAssets.id });
          scratch.push({ id: row.id, creator });
        }
      });
      return scratch;
    };

    const draw = (): fc.Arbitrary<Draw> =>
      fc.record({
        roles: fc.array(fc.constantFrom<Role>('admin', 'member', 'member', 'viewer'), {
          minLength: USERS,
          maxLength: USERS,
        }),
        viewAll: fc.array(fc.boolean(), { minLength: USERS, maxLength: USERS }),
        scratchCreator: fc.array(fc.nat(CREATORS - 1), { minLength: USERS, maxLength: USERS }),
      });

    test('assets answer as docs/signage.md says; org B is never reachable', async (t) => {
      const db = env().database.db;
      const betaBefore = await orgChecksum(db, beta.id, { except: ['signage_usage_metrics'] });
      let calls = 0;
      let allowedWrites = 0;
      await fc.assert(
        fc.asyncProperty(draw(), async (d) => {
          const scratch = await apply(d);
          const m = model(d);
          const failures: string[] = [];
          const expect = (what: string, got: number, want: number, body?: unknown) => {
            calls++;
            if (got !== want)
              failures.push(`${what}: got ${got}, docs say ${want} (${JSON.stringify(body).slice(0, 200)})`);
          };
          const who = (u: number) => `user ${u} (${d.roles[u]}${d.viewAll[u] ? ', view_all_assets' : ''})`;
          const all = [...assetsA, ...scratch];
          const allowed: { u: number; method: 'patch' | 'delete'; asset: Asset; what: string }[] = [];

          // ---- reads and refused writes: the database must not change
          const quiet = await databaseChecksum(db);
          for (let u = 0; u < USERS; u++) {
            const c = users[u].client;
            const list = await c.get('/api/signage/assets?limit=200');
            expect(`${who(u)} GET assets status`, list.status, 200, list.body);
            const got = ((list.body.items ?? []) as { id: string }[]).map((x) => x.id).sort();
            const want = all
              .filter((x) => m.sees(u, x.creator))
              .map((x) => x.id)
              .sort();
            calls++;
            if (JSON.stringify(got) !== JSON.stringify(want))
              failures.push(
                `${who(u)} GET assets: got ${got.length} ${JSON.stringify(got)}, docs say ${want.length} ${JSON.stringify(want)}`,
              );
            for (const [i, asset] of all.entries()) {
              const one = await c.get(`/api/signage/assets/${asset.id}`);
              expect(
                `${who(u)} GET asset ${i} (creator ${asset.creator})`,
                one.status,
                m.sees(u, asset.creator) ? 200 : 404,
                one.body,
              );
              const want = m.change(u, asset.creator);
              // Only scratch assets are deleted; fixture assets are only patched (a no-op description).
              const isScratch = i >= assetsA.length;
              if (isScratch && scratch[u] !== asset) continue;
              const method = isScratch ? 'delete' : 'patch';
              if (want === 200) {
                allowed.push({
                  u,
                  method,
                  asset,
                  what: `${who(u)} ${method.toUpperCase()} asset ${i} (creator ${asset.creator})`,
                });
                continue;
              }
              const res =
                method === 'delete'
                  ? await c.delete(`/api/signage/assets/${asset.id}`)
                  : await c.patch(`/api/signage/assets/${asset.id}`, { description: 'from an actor' });
              expect(
                `${who(u)} ${method.toUpperCase()} asset ${i} (creator ${asset.creator})`,
                res.status,
                want,
                res.body,
              );
            }
            // Playlists are visible to every member; none of B's, and no B asset inside A's.
            const playlists = await c.get('/api/signage/playlists?limit=200');
            expect(`${who(u)} GET playlists`, playlists.status, 200, playlists.body);
            const pids = (playlists.body.items ?? []) as { id: string; asset_ids: string[] }[];
            calls++;
            if (JSON.stringify(pids.map((p) => p.id)) !== JSON.stringify([playlistA]))
              failures.push(
                `${who(u)} GET playlists: ${JSON.stringify(pids.map((p) => p.id))}, expected only A's`,
              );
            for (const p of pids)
              for (const id of p.asset_ids)
                if (assetsB.includes(id)) failures.push(`${who(u)} sees B asset ${id} in a playlist`);

            // Org B: 404 whatever u's role and permission in A.
            for (const id of assetsB) {
              expect(`${who(u)} GET B asset`, (await c.get(`/api/signage/assets/${id}`)).status, 404);
              expect(
                `${who(u)} GET B asset content`,
                (await c.get(`/api/signage/assets/${id}/content`)).status,
                404,
              );
              const p = await c.patch(`/api/signage/assets/${id}`, { description: 'from A' });
              expect(`${who(u)} PATCH B asset`, p.status, 404, p.body);
              const del = await c.delete(`/api/signage/assets/${id}`);
              expect(`${who(u)} DELETE B asset`, del.status, 404, del.body);
            }
            expect(
              `${who(u)} GET B playlist`,
              (await c.get(`/api/signage/playlists/${playlistB}`)).status,
              404,
            );
            expect(`${who(u)} GET B screen`, (await c.get(`/api/signage/devices/${deviceB.id}`)).status, 404);
            if (m.role(u) !== 'viewer') {
              // Putting B's asset in A's playlist is refused as an unknown asset, nothing stored.
              const put = await c.put(`/api/signage/playlists/${playlistA}/assets`, {
                asset_ids: [assetsB[0]],
              });
              expect(`${who(u)} PUT A playlist with a B asset`, put.status, 400, put.body);
            }
          }
          const changed = changedTables(quiet, await databaseChecksum(db)).filter((x) => !METERING.test(x));
          calls++;
          if (changed.length)
            failures.push(`reads and refused writes changed the database: ${changed.join('; ')}`);

          // ---- allowed writes: PATCH a fixture asset (description only) or DELETE the actor's scratch asset
          for (const w of allowed) {
            const c = users[w.u].client;
            if (w.method === 'delete') {
              const res = await c.delete(`/api/signage/assets/${w.asset.id}`);
              expect(w.what, res.status, 204, res.body);
              expect(
                `${w.what}, then GET by its owner`,
                (await alphaOwner.get(`/api/signage/assets/${w.asset.id}`)).status,
                404,
              );
            } else {
              const res = await c.patch(`/api/signage/assets/${w.asset.id}`, {
                description: `touched by ${w.u}`,
              });
              expect(w.what, res.status, 200, res.body);
              calls++;
              if (res.status === 200 && res.body.description !== `touched by ${w.u}`)
                failures.push(`${w.what}: description ${res.body.description}`);
            }
            allowedWrites++;
          }
          if (failures.length)
            throw new Error(
              `${failures.length} answers differ from docs/signage.md:\n${failures.slice(0, 30).join('\n')}\n${JSON.stringify(d)}`,
            );
        }),
        { numRuns: NUM_RUNS, endOnFailure: true, includeErrorInReport: true },
      );
      t.diagnostic(`${NUM_RUNS} generated states, ${calls} checked answers, ${allowedWrites} allowed writes`);
      assert.deepEqual(
        await orgChecksum(db, beta.id, { except: ['signage_usage_metrics'] }),
        betaBefore,
        'org B is unchanged',
      );
      const own = await betaOwner.get('/api/signage/assets?limit=200');
      assert.deepEqual(own.body.items.map((x: { id: string }) => x.id).sort(), [...assetsB].sort());
    });

    test('screen tokens play and fetch only their own org’s assets', async () => {
      const db = env().database.db;
      const before = await databaseChecksum(db);
      for (const [screen, mine, theirs, theirPlaylist] of [
        [deviceA, assetsA.map((x) => x.id), assetsB, playlistB],
        [deviceB, assetsB, assetsA.map((x) => x.id), playlistA],
      ] as const) {
        const play = await screen.client.get<'/api/device/playlist', DevicePlaylist>('/api/device/playlist');
        assert.equal(play.status, 200, JSON.stringify(play.body));
        assert.ok(play.body.playlist, 'a screen with a playlist');
        assert.notEqual(play.body.playlist.id, theirPlaylist);
        // Every enabled asset of its own playlist, in order, and nothing else.
        assert.deepEqual(
          play.body.items.map((x) => x.id),
          mine,
        );
        for (const id of theirs) {
          const content = await screen.client.get(`/api/device/assets/${id}/content`);
          assert.equal(content.status, 404, JSON.stringify(content.body));
          assert.equal(content.body.status, 404);
        }
        // A link asset of its own org is found, and refused as "not a file" (not a 404).
        assert.equal((await screen.client.get(`/api/device/assets/${mine[0]}/content`)).status, 400);
        // The console API is closed to screens, whatever the id.
        for (const url of [
          '/api/signage/assets',
          `/api/signage/assets/${theirs[0]}`,
          `/api/signage/assets/${mine[0]}`,
          `/api/signage/playlists/${theirPlaylist}`,
        ]) {
          const res = await screen.client.get(url);
          assert.equal(res.status, 403, `${url}: ${JSON.stringify(res.body)}`);
        }
        assert.equal(
          (await screen.client.patch(`/api/signage/assets/${theirs[0]}`, { description: 'from a screen' }))
            .status,
          403,
        );
      }
      assert.deepEqual(
        changedTables(before, await databaseChecksum(db)).filter((x) => !METERING.test(x)),
        [],
      );
    });
  },
);
