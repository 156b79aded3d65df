import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { ProblemBody } from '../../../test/support/api-types.ts';
import { describeEachBackend, type Client, type TestEnv } from '../../../test/support/env.ts';
import { queryRows } from '../../core/db/client.ts';
import type { LiveEvent } from '../../core/events/bus.ts';
import { signPayload, webhookSecret } from './billing.ts';
import { OFFLINE_JOB, USAGE_JOB, apiCallCounterOf } from './index.ts';
import { setOrgPlan } from './plans.ts';
import {
  signageAssets,
  signageDevices,
  signageSubscriptions,
  signageUsageMetrics,
  signageWebhookEvents,
} from './schema.ts';
import { pairPoll, poll } from './test-fixtures.ts';
import { utcDay } from './usage.ts';
import type { anthiasAssetOut, stripeResultOut } from './views.ts';

async function apiKey(admin: Client, env: TestEnv, role = 'member') {
  const res = await admin.post('/api/api-keys', { name: `key-${role}-${Math.random()}`, role });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return env.client(res.body.key);
}

/** Posts a Stripe-signed event, as Stripe does (raw JSON body, Stripe-Signature header). */
async function stripe(
  env: TestEnv,
  event: object,
  opts: { at?: number; secret?: string; signature?: string } = {},
) {
  const raw = JSON.stringify(event);
  const t = opts.at ?? Math.floor(Date.now() / 1000);
  const signature =
    opts.signature ?? `t=${t},v1=${signPayload(opts.secret ?? webhookSecret(env.config), t, raw)}`;
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/signage/webhooks/stripe',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    payload: raw,
  });
  return {
    status: res.statusCode,
    body: res.json<z.infer<typeof stripeResultOut> & Omit<ProblemBody, 'status'>>(),
  };
}

let eventSeq = 0;
function subscriptionEvent(
  type: string,
  orgId: string,
  over: { id?: string; status?: string; plan?: string; amount?: number; interval?: string } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return {
    id: `evt_${++eventSeq}_${Date.now()}`,
    type,
    data: {
      object: {
        id: over.id ?? 'sub_A',
        object: 'subscription',
        status: over.status ?? 'active',
        metadata: { org_id: orgId },
        trial_end: null,
        current_period_start: now,
        current_period_end: now + 30 * 86400,
        items: {
          data: [
            {
              price: {
                unit_amount: over.amount ?? 4900,
                currency: 'eur',
                lookup_key: over.plan ?? 'pro',
                recurring: { interval: over.interval ?? 'month' },
              },
            },
          ],
        },
      },
    },
  };
}

const countRows = async (env: TestEnv, table: typeof signageWebhookEvents | typeof signageSubscriptions) =>
  (await env.database.db.select().from(table)).length;

function captureLive(env: TestEnv) {
  const seen: LiveEvent[] = [];
  const stop = env.bus.subscribe((e) => seen.push(e));
  return { seen, stop };
}

describeEachBackend(
  'signage SaaS: Anthias API, subscriptions, usage, rate limits, offline screens',
  (env) => {
    test('Anthias v2: an API key lists, creates, reads, updates, orders and deletes assets in the Anthias shape', async () => {
      const { admin } = await env().makeOrg('ant');
      const key = await apiKey(admin, env());
      const created = await key.post('/api/v2/assets', {
        name: 'Dashboard',
        uri: 'https://example.com/dash',
        mimetype: 'webpage',
        start_date: '2020-01-01T00:00:00Z',
        end_date: '2099-01-01T00:00:00Z',
        duration: 30,
        is_enabled: true,
        nocache: false,
        play_order: 0,
        skip_asset_check: false,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(
        Object.keys(created.body).sort(),
        [
          'asset_id',
          'duration',
          'end_date',
          'is_active',
          'is_enabled',
          'is_processing',
          'mimetype',
          'name',
          'nocache',
          'play_order',
          'skip_asset_check',
          'start_date',
          'uri',
        ].sort(),
      );
      assert.deepEqual(
        [
          created.body.name,
          created.body.uri,
          created.body.mimetype,
          created.body.start_date,
          created.body.end_date,
          created.body.duration,
          created.body.is_enabled,
          created.body.is_active,
        ],
        [
          'Dashboard',
          'https://example.com/dash',
          'webpage',
          '2020-01-01T00:00:00Z',
          '2099-01-01T00:00:00Z',
          30,
          true,
          true,
        ],
      );
      // Anthias renames a taken name instead of refusing it.
      const again = await key.post('/api/v2/assets', {
        name: 'Dashboard',
        uri: 'https://example.com/d2',
        mimetype: 'image',
        start_date: '2020-01-01T00:00:00Z',
        end_date: '2099-01-01T00:00:00Z',
        duration: 10,
        is_enabled: false,
      });
      assert.equal(again.body.name, 'Dashboard-1');

      // A form-encoded create (Anthias scripts using requests' data=) works too.
      const form = await env().app.inject({
        method: 'POST',
        url: '/api/v2/assets',
        headers: {
          authorization: `Bearer ${key.token}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: 'name=Stream&uri=rtsp%3A%2F%2Fcam%2Flive&mimetype=streaming&duration=60&is_enabled=1',
      });
      assert.equal(form.statusCode, 201, form.body);
      const formAsset = form.json<z.infer<typeof anthiasAssetOut>>();
      assert.deepEqual(
        [formAsset.mimetype, formAsset.duration, formAsset.is_enabled],
        ['streaming', 60, true],
      );

      const list = await key.get('/api/v2/assets');
      assert.ok(Array.isArray(list.body));
      assert.deepEqual(list.body.map((a) => a.name).sort(), ['Dashboard', 'Dashboard-1', 'Stream']);

      // A script that GETs an asset, edits it and PUTs the whole thing back (read-only fields included).
      const hexId = created.body.asset_id.replace(/-/g, '');
      const fetched = (await key.get(`/api/v2/assets/${hexId}`)).body;
      assert.equal(
        fetched.asset_id,
        created.body.asset_id,
        'the 32-hex Anthias spelling addresses the same asset',
      );
      const put = await key.put(`/api/v2/assets/${created.body.asset_id}`, {
        ...fetched,
        name: 'Dashboard v2',
        is_enabled: false,
      });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      assert.deepEqual(
        [put.body.name, put.body.is_enabled, put.body.is_active, put.body.uri],
        ['Dashboard v2', false, false, 'https://example.com/dash'],
      );
      const incomplete = await key.put(`/api/v2/assets/${created.body.asset_id}`, { name: 'only a name' });
      assert.equal(incomplete.status, 400);
      assert.ok(incomplete.body.errors.some((e) => e.path === 'body.is_enabled'));
      const patched = await key.patch(`/api/v2/assets/${created.body.asset_id}`, { duration: 45 });
      assert.deepEqual([patched.body.duration, patched.body.name], [45, 'Dashboard v2']);

      const order = await key.post('/api/v2/assets/order', {
        ids: [formAsset.asset_id, created.body.asset_id, again.body.asset_id].join(','),
      });
      assert.equal(order.status, 204);
      assert.deepEqual(
        (await key.get('/api/v2/assets')).body.map((a) => [a.name, a.play_order]),
        [
          ['Stream', 0],
          ['Dashboard v2', 1],
          ['Dashboard-1', 2],
        ],
      );

      assert.equal((await key.delete(`/api/v2/assets/${again.body.asset_id}`)).status, 204);
      assert.equal((await key.get(`/api/v2/assets/${again.body.asset_id}`)).status, 404);
      // The same assets through the console API.
      assert.equal((await admin.get('/api/signage/assets')).body.items.length, 2);
    });

    test(
      'Anthias v2: bad input is a 4xx naming the field, nothing ' +
        'changes; another org and read-only keys are kept out',
      async () => {
        const admin = await env().login('ant.admin');
        const key = await apiKey(admin, env());
        const before = (await env().database.db.select().from(signageAssets)).length;
        const badType = await key.post('/api/v2/assets', {
          name: 'x',
          uri: 'https://example.com/',
          mimetype: 'application/pdf',
        });
        assert.equal(badType.status, 400);
        assert.equal(badType.body.errors[0].path, 'body.mimetype');
        const window = await key.post('/api/v2/assets', {
          name: 'x',
          uri: 'https://example.com/',
          mimetype: 'webpage',
          start_date: '2025-02-01T00:00:00Z',
          end_date: '2025-01-01T00:00:00Z',
        });
        assert.deepEqual(window.body.errors, [
          { path: 'body.end_date', message: 'must be after start_date' },
        ]);
        const file = await key.post('/api/v2/assets', {
          name: 'x',
          uri: '/home/pi/screenly_assets/a.png',
          mimetype: 'image',
        });
        assert.equal(file.body.errors[0].path, 'body.uri');
        // Unknown keys are ignored as Anthias ignores them (anthias-compat.test.ts); a bad value is not.
        const badValue = await key.post('/api/v2/assets', {
          name: 'x',
          uri: 'https://example.com/',
          mimetype: 'webpage',
          is_enabled: 'maybe',
        });
        assert.equal(badValue.status, 400);
        assert.equal(badValue.body.errors[0].path, 'body.is_enabled');
        const existing = (await key.get('/api/v2/assets')).body;
        const badOrder = await key.post('/api/v2/assets/order', {
          ids: `${existing[0].asset_id},01890000-0000-7000-8000-000000000000`,
        });
        assert.equal(badOrder.status, 400);
        assert.deepEqual(badOrder.body.errors, [{ path: 'body.ids.1', message: 'asset not found' }]);
        assert.deepEqual((await key.get('/api/v2/assets')).body, existing, 'order unchanged');
        assert.equal((await env().database.db.select().from(signageAssets)).length, before);

        const { admin: other } = await env().makeOrg('ant-other');
        const otherKey = await apiKey(other, env());
        assert.deepEqual((await otherKey.get('/api/v2/assets')).body, []);
        assert.equal((await otherKey.get(`/api/v2/assets/${existing[0].asset_id}`)).status, 404);
        assert.equal((await otherKey.delete(`/api/v2/assets/${existing[0].asset_id}`)).status, 404);
        const viewer = await apiKey(admin, env(), 'viewer');
        assert.equal(
          (
            await viewer.post('/api/v2/assets', {
              name: 'v',
              uri: 'https://example.com/',
              mimetype: 'webpage',
            })
          ).status,
          403,
        );
        assert.equal((await env().client().get('/api/v2/assets')).status, 401);
      },
    );

    test(
      'Stripe webhook: a signed subscription event creates the ' +
        'subscription and sets the plan; replays change nothing',
      async () => {
        const { org, admin } = await env().makeOrg('bill');
        assert.equal((await admin.get('/api/signage/subscription')).status, 404);
        const live = captureLive(env());
        const event = subscriptionEvent('customer.subscription.created', org.id, {
          status: 'trialing',
          plan: 'pro',
          amount: 4900,
        });
        const res = await stripe(env(), event);
        live.stop();
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.deepEqual(res.body, { received: true, status: 'trialing', plan_name: 'pro' });
        const sub = await admin.get('/api/signage/subscription');
        assert.deepEqual(
          [
            sub.body.plan_name,
            sub.body.plan_price,
            sub.body.currency,
            sub.body.billing_cycle,
            sub.body.status,
            sub.body.external_subscription_id,
          ],
          ['pro', '49.00', 'eur', 'monthly', 'trialing', 'sub_A'],
        );
        assert.equal((await admin.get('/api/signage/limits')).body.plan, 'pro');
        assert.ok(live.seen.some((e) => e.type === 'signage.subscription.updated' && e.orgId === org.id));

        const duplicate = await stripe(env(), event);
        assert.deepEqual(duplicate.body, { received: true, duplicate: true });

        const { member } = { member: (await env().makeUser(org, 'bill.member')).client };
        assert.equal((await member.get('/api/signage/subscription')).status, 403);
      },
    );

    test('Stripe webhook: bad or missing signature, replayed timestamp, wrong secret → 400 and nothing stored', async () => {
      const admin = await env().login('bill.admin');
      const orgId = (await admin.get('/api/auth/me')).body.org.id;
      const events = await countRows(env(), signageWebhookEvents);
      const before = (await admin.get('/api/signage/subscription')).body;
      const event = subscriptionEvent('customer.subscription.updated', orgId, { status: 'canceled' });
      const old = await stripe(env(), event, { at: Math.floor(Date.now() / 1000) - 301 });
      assert.equal(old.status, 400);
      assert.match(old.body.detail, /tolerance/);
      const wrong = await stripe(env(), event, { secret: 'whsec_wrong' });
      assert.deepEqual([wrong.status, wrong.body.detail], [400, 'Stripe signature does not match']);
      const garbled = await stripe(env(), event, { signature: 'nonsense' });
      assert.equal(garbled.status, 400);
      const none = await env().app.inject({
        method: 'POST',
        url: '/api/signage/webhooks/stripe',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(event),
      });
      assert.equal(none.statusCode, 400);
      assert.equal(none.json<ProblemBody>().detail, 'Missing Stripe-Signature header');
      // A valid signature over a body that was altered afterwards.
      const t = Math.floor(Date.now() / 1000);
      const sig = `t=${t},v1=${signPayload(webhookSecret(env().config), t, JSON.stringify(event))}`;
      const tampered = await env().app.inject({
        method: 'POST',
        url: '/api/signage/webhooks/stripe',
        headers: { 'content-type': 'application/json', 'stripe-signature': sig },
        payload: JSON.stringify({ ...event, id: 'evt_other' }),
      });
      assert.equal(tampered.statusCode, 400);
      assert.equal(await countRows(env(), signageWebhookEvents), events);
      assert.deepEqual((await admin.get('/api/signage/subscription')).body, before);
    });

    test(
      'a downgrade through the webhook lowers the limits: the next ' +
        'create over the new limit is refused with 422',
      async () => {
        const { org, admin } = await env().makeOrg('down');
        assert.equal(
          (
            await stripe(
              env(),
              subscriptionEvent('customer.subscription.created', org.id, { id: 'sub_down', plan: 'pro' }),
            )
          ).status,
          200,
        );
        for (let i = 0; i < 4; i++)
          assert.equal(
            (
              await admin.post('/api/signage/assets', {
                name: `a${i}`,
                asset_type: 'webpage',
                uri: `https://example.com/${i}`,
              })
            ).status,
            201,
          );
        await env().inOrg(org, (t) => setOrgPlan(t, 'pro', { maxAssets: 1000 }));
        // Downgrade to free, whose limit we lower to 4 through the plan table for the test.
        const down = await stripe(
          env(),
          subscriptionEvent('customer.subscription.updated', org.id, {
            id: 'sub_down',
            plan: 'free',
            amount: 0,
          }),
        );
        assert.deepEqual(down.body, { received: true, status: 'active', plan_name: 'free' });
        const limits = (await admin.get('/api/signage/limits')).body;
        assert.deepEqual([limits.plan, limits.limits.max_assets], ['free', 100]);
        await env().inOrg(org, (t) => setOrgPlan(t, 'free', { maxAssets: 4 }));
        const refused = await admin.post('/api/signage/assets', {
          name: 'one too many',
          asset_type: 'webpage',
          uri: 'https://example.com/x',
        });
        assert.equal(refused.status, 422);
        assert.match(refused.body.detail, /max_assets is 4/);

        // Payment failure: past_due, plan kept; deletion: canceled and back on free.
        const failed = await stripe(env(), {
          id: `evt_fail_${Date.now()}`,
          type: 'invoice.payment_failed',
          data: { object: { id: 'in_1', object: 'invoice', subscription: 'sub_down' } },
        });
        assert.deepEqual(failed.body, { received: true, status: 'past_due', plan_name: 'free' });
        const up = await stripe(
          env(),
          subscriptionEvent('customer.subscription.updated', org.id, {
            id: 'sub_down',
            plan: 'enterprise',
            status: 'past_due',
            interval: 'year',
            amount: 99900,
          }),
        );
        assert.equal(up.body.plan_name, 'enterprise');
        assert.equal((await admin.get('/api/signage/limits')).body.limits.max_assets, 100_000);
        const gone = await stripe(
          env(),
          subscriptionEvent('customer.subscription.deleted', org.id, {
            id: 'sub_down',
            plan: 'enterprise',
            status: 'canceled',
            interval: 'year',
            amount: 99900,
          }),
        );
        assert.equal(gone.body.status, 'canceled');
        const sub = (await admin.get('/api/signage/subscription')).body;
        assert.deepEqual([sub.status, sub.billing_cycle, sub.plan_price], ['canceled', 'yearly', '999.00']);
        assert.equal((await admin.get('/api/signage/limits')).body.plan, 'free');
      },
    );

    test(
      'an external subscription id is unique across orgs: forged ' +
        'metadata cannot move it, an unknown org is refused',
      async () => {
        const { org } = await env().makeOrg('steal');
        const events = await countRows(env(), signageWebhookEvents);
        // sub_A belongs to org "bill"; a forged metadata.org_id cannot move it.
        const res = await stripe(
          env(),
          subscriptionEvent('customer.subscription.created', org.id, { id: 'sub_A' }),
        );
        assert.equal(res.status, 200, 'the known id routes the event to its own org');
        const [billSub] = await env()
          .database.db.select()
          .from(signageSubscriptions)
          .where(eq(signageSubscriptions.externalSubscriptionId, 'sub_A'));
        assert.notEqual(billSub.orgId, org.id);
        assert.equal(await countRows(env(), signageWebhookEvents), events + 1);
        // A tenant row cannot claim another org's provider id either: the composite FK refuses it.
        await assert.rejects(
          env().inOrg(org, (t) =>
            t.tx.insert(signageSubscriptions).values({
              orgId: org.id,
              planName: 'pro',
              status: 'active',
              currentPeriodStart: new Date(),
              currentPeriodEnd: new Date(),
              externalSubscriptionId: 'sub_A',
            }),
          ),
        );
        const unknownOrg = await stripe(
          env(),
          subscriptionEvent('customer.subscription.created', '01890000-0000-7000-8000-000000000000', {
            id: 'sub_nobody',
          }),
        );
        assert.equal(unknownOrg.status, 422);
        assert.equal(await countRows(env(), signageWebhookEvents), events + 1);
      },
    );

    test('usage: the job writes one row per org, type and day; API calls are counted; admins read them', async () => {
      const { org, admin } = await env().makeOrg('use');
      await admin.post('/api/signage/assets', {
        name: 'u1',
        asset_type: 'webpage',
        uri: 'https://example.com/u1',
      });
      await admin.get('/api/signage/assets');
      await env().app.jobs.runNow(USAGE_JOB);
      await admin.get('/api/signage/assets');
      await env().app.jobs.runNow(USAGE_JOB);
      const today = utcDay();
      const usage = await admin.get(`/api/signage/usage?from=${today}&to=${today}`);
      assert.equal(usage.status, 200, JSON.stringify(usage.body));
      const byType = Object.fromEntries(usage.body.items.map((i) => [i.metric_type, i.value]));
      assert.deepEqual(Object.keys(byType).sort(), ['api_calls', 'assets', 'devices', 'storage']);
      assert.deepEqual([byType.assets, byType.devices, byType.storage], [1, 0, 0]);
      // post + get + get before the second run (the usage read itself is counted after).
      assert.equal(byType.api_calls, 3);
      const rows = await env()
        .database.db.select()
        .from(signageUsageMetrics)
        .where(eq(signageUsageMetrics.orgId, org.id));
      assert.equal(rows.length, 4, 'running twice the same day upserts');
      assert.deepEqual(
        (await admin.get(`/api/signage/usage?type=assets`)).body.items.map((i) => [i.date, i.value]),
        [[today, 1]],
      );
      const bad = await admin.get('/api/signage/usage?from=2025-02-01&to=2025-01-01');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errors[0].path, 'query.to');
      assert.equal((await admin.get('/api/signage/usage?from=yesterday')).status, 400);
      const member = (await env().makeUser(org, 'use.member')).client;
      assert.equal((await member.get('/api/signage/usage')).status, 403);
      apiCallCounterOf(env().app).drain();
    });

    test(
      'rate limit per org by plan: 429 with Retry-After on signage, ' +
        'v2 and device routes; other orgs unaffected',
      async () => {
        const { org, admin } = await env().makeOrg('rate');
        const { admin: other } = await env().makeOrg('rate-other');
        await env().inOrg(org, (t) => setOrgPlan(t, 'free', { apiRatePerMinute: 3 }));
        const key = await apiKey(admin, env());
        const statuses = [];
        for (let i = 0; i < 3; i++) statuses.push((await admin.get('/api/signage/assets')).status);
        assert.deepEqual(statuses, [200, 200, 200]);
        const limited = await key.get('/api/v2/assets');
        assert.equal(limited.status, 429);
        assert.ok(
          Number(limited.headers['retry-after']) >= 1 && Number(limited.headers['retry-after']) <= 60,
        );
        assert.match(limited.body.detail, /3 API requests per minute/);
        assert.equal(
          (await admin.get('/api/signage/playlists')).status,
          429,
          'the limit is per org, whichever credential',
        );
        assert.equal((await other.get('/api/signage/assets')).status, 200);
        assert.equal((await admin.get('/api/auth/me')).status, 200, 'other modules are not metered');
        await env().app.deps.rateLimiter.reset(`signage:org:${org.id}`);
        assert.equal((await admin.get('/api/signage/assets')).status, 200);
      },
    );

    test('max_users: an org over its seat limit cannot add assets or screens (422 naming max_users)', async () => {
      const { org, admin } = await env().makeOrg('seats');
      await env().makeUser(org, 'seats.two');
      await env().inOrg(org, (t) => setOrgPlan(t, 'free', { maxUsers: 1 }));
      const before = (await env().database.db.select().from(signageAssets)).length;
      const res = await admin.post('/api/signage/assets', {
        name: 's',
        asset_type: 'webpage',
        uri: 'https://example.com/s',
      });
      assert.equal(res.status, 422);
      assert.equal(res.body.errors[0].path, 'max_users');
      assert.match(res.body.detail, /max_users is 1 \(2 active members/);
      assert.equal((await env().database.db.select().from(signageAssets)).length, before);
    });

    test(
      'a scripted screen: pairing → claim → playlist → heartbeat → missed ' +
        'heartbeats → offline job → live event → back online',
      async () => {
        const { org, admin } = await env().makeOrg('scr');
        const asset = (
          await admin.post('/api/signage/assets', {
            name: 'welcome',
            asset_type: 'webpage',
            uri: 'https://example.com/w',
            is_enabled: true,
          })
        ).body;
        const playlist = (await admin.post('/api/signage/playlists', { name: 'Loop', asset_ids: [asset.id] }))
          .body;
        const pair = await env().client().post('/api/device/pair');
        const claim = await admin.post('/api/signage/devices/claim', {
          code: pair.body.code,
          name: 'Door',
          playlist_id: playlist.id,
        });
        assert.equal(claim.status, 201);
        const token = (await pairPoll(env().client(), pair.body.pairing_secret)).body.device_token;
        const screen = env().client(token);
        const play = await poll(screen);
        assert.deepEqual(
          play.body.items.map((i) => i.url),
          ['https://example.com/w'],
        );

        const live = captureLive(env());
        assert.equal((await screen.post('/api/device/heartbeat')).status, 200);
        assert.ok(live.seen.some((e) => e.type === 'signage.device.online' && e.orgId === org.id));
        await env().app.jobs.runNow(OFFLINE_JOB);
        assert.equal(
          live.seen.filter((e) => e.type === 'signage.device.offline').length,
          0,
          'a screen that just beat stays online',
        );

        await env()
          .database.db.update(signageDevices)
          .set({ lastSeen: sql`now() - interval '91 seconds'` })
          .where(eq(signageDevices.id, claim.body.id));
        await env().app.jobs.runNow(OFFLINE_JOB);
        const offline = live.seen.filter((e) => e.type === 'signage.device.offline');
        assert.equal(offline.length, 1);
        assert.deepEqual(
          [offline[0].orgId, (offline[0].data as { id: string }).id, offline[0].audience],
          [org.id, claim.body.id, { orgRoles: ['owner', 'admin'] }],
        );
        const [stored] = await queryRows<{ is_online: boolean }>(
          env().database.db,
          sql`select is_online from signage_devices where id = ${claim.body.id}`,
        );
        assert.equal(stored.is_online, false);
        assert.equal((await admin.get(`/api/signage/devices/${claim.body.id}`)).body.is_online, false);
        await env().app.jobs.runNow(OFFLINE_JOB);
        assert.equal(
          live.seen.filter((e) => e.type === 'signage.device.offline').length,
          1,
          'announced once per outage',
        );

        await screen.post('/api/device/heartbeat');
        live.stop();
        assert.equal(live.seen.filter((e) => e.type === 'signage.device.online').length, 2);
        assert.equal((await admin.get(`/api/signage/devices/${claim.body.id}`)).body.is_online, true);
      },
    );
  },
);
