import type { RosterModule, RosterApp } from '../../core/http/app.ts';
import { createLocalStorage } from '../../core/files/storage.ts';
import { tooManyRequests } from '../../core/http/problem.ts';
import { phrase } from '../../core/http/problem-texts.ts';
import { registerAnthiasRoutes } from './anthias-routes.ts';
import { createUrlAsset } from './assets.ts';
import { webhookSecret } from './billing.ts';
import { registerBillingRoutes } from './billing-routes.ts';
import { authenticateDevice } from './device-auth.ts';
import { addDevice } from './devices.ts';
import { demoAssetUrl, registerDemoAssetRoutes } from './demo-assets.ts';
import { HEARTBEAT_SECONDS, markOfflineDevices } from './heartbeat.ts';
import { registerDeviceRoutes } from './device-routes.ts';
import { createRateLookup, setOrgPlan } from './plans.ts';
import { createPlaylist } from './playlists.ts';
import { purgeOldPlays } from './plays.ts';
import { registerSignageRoutes } from './routes.ts';
import { createApiCallCounter, flushApiCalls, snapshotUsage, type ApiCallCounter } from './usage.ts';

/** The routes a plan's `api_rate_per_minute` covers and whose calls count as `api_calls`. */
const METERED = ['/api/signage/', '/api/device/', '/api/v2/'];
export const USAGE_JOB = 'signage.usage';
export const OFFLINE_JOB = 'signage.devices.offline';
export const PLAY_RETENTION_JOB = 'signage.plays.retention';
/** How often each process adds its counted API calls to today's row. */
const FLUSH_EVERY_MS = 60_000;

const counters = new WeakMap<RosterApp, ApiCallCounter>();
/** This app's in-memory API call counter (tests flush it through the usage job). */
export const apiCallCounterOf = (app: RosterApp) => counters.get(app)!;

/**
 * Per-org rate limit by plan, shared by every process through `app.deps.rateLimiter` (Redis when
 * REDIS_URL is set). Runs after authentication (core's onRequest hook is registered first), so the
 * org is known; unauthenticated calls (pairing, the webhook) are not metered.
 */
function meterRequests(app: RosterApp, counter: ApiCallCounter) {
  const rateOf = createRateLookup(app.deps.database.db);
  app.addHook('onRequest', async (request, reply) => {
    const actor = request.actor;
    if (!actor || actor.via === 'system' || !METERED.some((p) => request.url.startsWith(p))) return;
    const limit = await rateOf(actor.orgId);
    const decision = await app.deps.rateLimiter.hit(`signage:org:${actor.orgId}`, limit, 60);
    reply.header('x-ratelimit-limit', limit).header('x-ratelimit-remaining', decision.remaining);
    if (!decision.allowed)
      throw tooManyRequests(
        phrase('plan.rate', { limit, seconds: decision.retryAfterSeconds }),
        decision.retryAfterSeconds,
      );
    counter.add(actor.orgId);
  });
}

/** Digital signage: plans and limits, assets, playlists, screens, billing and usage. */
export const signageModule: RosterModule = {
  name: 'signage',
  async register(app) {
    const { database, config, bus } = app.deps;
    const storage = createLocalStorage(config.uploadsDir);
    const counter = createApiCallCounter();
    counters.set(app, counter);
    app.authenticators.push((token) => authenticateDevice(database.db, token));
    meterRequests(app, counter);
    registerSignageRoutes(app, storage);
    registerDeviceRoutes(app, storage);
    registerDemoAssetRoutes(app);
    await registerAnthiasRoutes(app, storage);
    await registerBillingRoutes(app);

    app.jobs.add({
      name: USAGE_JOB,
      everyMs: 3600_000,
      run: async () => {
        await flushApiCalls(database.db, counter);
        await snapshotUsage(database.db);
      },
    });
    app.jobs.add({
      name: OFFLINE_JOB,
      everyMs: HEARTBEAT_SECONDS * 1000,
      run: async () => void (await markOfflineDevices(database.db, bus)),
    });
    app.jobs.add({
      name: PLAY_RETENTION_JOB,
      everyMs: 3600_000,
      run: async () => void (await purgeOldPlays(database.db)),
    });
    // API calls are counted in every process, so each flushes its own (a job of every process).
    app.jobs.add({
      name: 'signage.api-call-flush',
      everyMs: FLUSH_EVERY_MS,
      eachProcess: true,
      run: async () => void (await flushApiCalls(database.db, counter)),
    });
    app.addHook('onClose', async () => {
      await flushApiCalls(database.db, counter).catch(() => {});
    });
  },

  commands: {
    'signage webhook-secret': {
      summary:
        'print the Stripe webhook signing secret (STRIPE_WEBHOOK_SECRET, else derived from ROSTER_SECRET)',
      run: (app) => {
        console.log(webhookSecret(app.deps.config));
        return Promise.resolve();
      },
    },
    'signage usage-snapshot': {
      summary: "record today's usage metrics for every org now (the hourly job's work)",
      run: async (app) => {
        await app.jobs.runNow(USAGE_JOB);
        console.log('usage recorded');
      },
    },
  },

  async seedDemo(t) {
    await setOrgPlan(t, 'pro');
    const assets = [
      await createUrlAsset(t, {
        name: 'Welcome page',
        assetType: 'webpage',
        uri: demoAssetUrl('welcome.html'),
        duration: 20,
        isEnabled: true,
        category: 'lobby',
        tags: ['welcome'],
      }),
      await createUrlAsset(t, {
        name: 'Product photo',
        assetType: 'image',
        uri: demoAssetUrl('product.svg'),
        duration: 10,
        isEnabled: true,
        category: 'marketing',
        tags: ['product'],
      }),
      await createUrlAsset(t, {
        name: 'Opening hours',
        assetType: 'image',
        uri: demoAssetUrl('opening-hours.svg'),
        duration: 8,
        isEnabled: true,
        startDate: '2024-01-01T08:00:00',
        endDate: '2099-12-31T20:00:00',
        category: 'lobby',
      }),
      await createUrlAsset(t, {
        name: 'Safety notice',
        assetType: 'image',
        uri: demoAssetUrl('safety.svg'),
        duration: 8,
        isEnabled: false,
        category: 'safety',
        tags: ['safety'],
      }),
    ];
    const playlist = await createPlaylist(t, {
      name: 'Lobby loop',
      isDefault: true,
      assetIds: assets.map((a) => a.id),
    });
    // Demo screens hold no token: a real screen pairs with a code instead.
    await addDevice(t, {
      name: 'Lobby screen',
      location: 'Main entrance',
      mac: '02:00:00:00:00:01',
      playlistId: playlist.id,
      settings: { timezone: 'Europe/Paris' },
    });
    await addDevice(t, {
      name: 'Cafeteria screen',
      location: 'Cafeteria',
      mac: '02:00:00:00:00:02',
      settings: { timezone: 'Europe/Paris' },
    });
  },
};
