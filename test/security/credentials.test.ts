import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RosterApp } from '../../src/core/http/app.ts';
import {
  CREDENTIAL_KINDS,
  DEFAULT_CREDENTIALS,
  type CredentialKind,
} from '../../src/core/http/credentials.ts';
import { setOrgPlan } from '../../src/modules/signage/plans.ts';
import type { Organization } from '../../src/modules/identity/service.ts';
import { describeEachBackend, type Client } from '../support/env.ts';
import { appWithRoutes, orgChecksum, samplePath, type WalkedRoute } from '../support/routes.ts';

/**
 * Each kind of credential reaches only the routes made for it. Every registered route is called
 * with an org owner's session, an admin API key, a paired screen's token and no credential at all:
 * a kind the route did not name is refused by the request hook (401 without credentials, 403
 * "This credential cannot be used here" otherwise) before the handler runs, and a kind it named
 * gets past the hook. Routes are discovered at run time, so a route added later is walked too —
 * and, naming nothing, is closed to screens.
 */

const REFUSED = 'This credential cannot be used here';
type Walked = 'session' | 'api_key' | 'device' | 'none';

/** What the route accepts: `any` for public routes (login, pairing), else its kinds or the default. */
function accepted(route: WalkedRoute): readonly CredentialKind[] | 'any' {
  const config = route.options.config as { public?: boolean; credentials?: CredentialKind[] } | undefined;
  if (config?.public || !route.url.startsWith('/api/')) return 'any';
  return config?.credentials ?? DEFAULT_CREDENTIALS;
}

/** Ending the session being walked with would turn the rest of the walk into 401s: it goes last. */
const last = (r: WalkedRoute) => (r.url === '/api/auth/logout' ? 1 : 0);

describeEachBackend('credential kinds per route', (env) => {
  let walker: RosterApp;
  let routes: WalkedRoute[];
  const tokens: Partial<Record<Walked, string>> = {};
  let owner: Client;
  let org: Organization;

  const pairScreen = async (owner: Client) => {
    const anon = env().client();
    const pairing = await anon.post('/api/device/pair');
    assert.equal(pairing.status, 201, JSON.stringify(pairing.body));
    const claim = await owner.post('/api/signage/devices/claim', { code: pairing.body.code, name: 'Lobby' });
    assert.equal(claim.status, 201, JSON.stringify(claim.body));
    const paired = await anon.get(`/api/device/pair/${pairing.body.pairing_secret}`);
    assert.equal(paired.status, 200, JSON.stringify(paired.body));
    assert.ok('device_token' in paired.body);
    return paired.body.device_token;
  };

  before(async () => {
    const { org: created, admin } = await env().makeOrg('cred-a');
    org = created;
    owner = admin;
    // Hundreds of signage calls in one minute: lift the plan's rate limit.
    await env().inOrg(org, (t) => setOrgPlan(t, 'enterprise', { apiRatePerMinute: 1_000_000 }));
    const key = await admin.post('/api/api-keys', { name: 'walker', role: 'admin' });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    // A session of its own: the walk ends with a logout.
    tokens.session = (await env().login('cred-a.admin', 'cred-a')).token;
    tokens.api_key = key.body.key;
    tokens.device = await pairScreen(admin);
    ({ app: walker, routes } = await appWithRoutes(env().app.deps));
    routes.sort((a, b) => last(a) - last(b));
  });

  after(async () => {
    await walker?.close();
  });

  const call = (route: WalkedRoute, token: string | undefined) => {
    const withBody = route.method !== 'GET' && route.method !== 'DELETE';
    return walker.inject({
      method: route.method as 'GET',
      url: samplePath(route),
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(withBody ? { 'content-type': 'application/json' } : {}),
      },
      ...(withBody ? { payload: '{}' } : {}),
    });
  };

  test('the credential kinds are session, API key, screen and the reserved display link', () => {
    assert.deepEqual([...CREDENTIAL_KINDS], ['session', 'api_key', 'device', 'display']);
    assert.deepEqual([...DEFAULT_CREDENTIALS], ['session', 'api_key']);
  });

  test('every route refuses the kinds it did not name, and lets through the ones it did', async () => {
    const failures: string[] = [];
    let walked = 0;
    for (const route of routes) {
      const kinds = accepted(route);
      if (kinds === 'any') continue;
      for (const kind of ['device', 'api_key', 'none', 'session'] as const) {
        const res = await call(route, tokens[kind as Exclude<Walked, 'none'>]);
        walked += 1;
        const detail = res.headers['content-type']?.toString().includes('json')
          ? ((JSON.parse(res.body || '{}') as { detail?: string }).detail ?? '')
          : '';
        const where = `${route.method} ${route.url} as ${kind}: ${res.statusCode} ${detail}`;
        if (kind === 'none') {
          if (res.statusCode !== 401) failures.push(`${where} (expected 401)`);
        } else if (!kinds.includes(kind)) {
          if (res.statusCode !== 403 || detail !== REFUSED)
            failures.push(`${where} (expected 403 "${REFUSED}")`);
        } else if (res.statusCode === 401 || detail === REFUSED) {
          failures.push(`${where} (this kind is accepted here)`);
        }
      }
    }
    assert.ok(walked > 400, `walked only ${walked} calls`);
    assert.deepEqual(failures, []);
  });

  test('a screen token sent to every route not made for screens changes nothing', async () => {
    const before = await orgChecksum(env().database.db, org.id);
    for (const route of routes) {
      const kinds = accepted(route);
      if (kinds === 'any' || kinds.includes('device')) continue;
      assert.equal((await call(route, tokens.device)).statusCode, 403, `${route.method} ${route.url}`);
    }
    assert.deepEqual(await orgChecksum(env().database.db, org.id), before);
  });

  test('the screen-facing routes answer a screen, and nothing else', async () => {
    const screenRoutes = routes.filter((r) => accepted(r) !== 'any' && r.url.startsWith('/api/device/'));
    assert.deepEqual(screenRoutes.map((r) => `${r.method} ${r.url}`).sort(), [
      'GET /api/device/assets/:id/content',
      'GET /api/device/playlist',
      'GET /api/device/room-panel',
      'POST /api/device/commands/:id/ack',
      'POST /api/device/heartbeat',
      'POST /api/device/plays',
      'POST /api/device/screenshot',
    ]);
    const screen = env().client(tokens.device);
    assert.equal((await screen.get('/api/device/playlist')).status, 200);
    assert.equal((await screen.post('/api/device/heartbeat')).status, 200);
    for (const client of [owner, env().client(tokens.api_key)]) {
      const res = await client.get('/api/device/playlist');
      assert.equal(res.status, 403, 'people and API keys on the screen API');
      assert.equal(res.body.detail, REFUSED);
    }
  });

  test('a screen token reads no member list, profile, units, events or monitoring', async () => {
    const screen = env().client(tokens.device);
    for (const url of [
      '/api/members',
      '/api/auth/me',
      '/api/auth/units',
      '/api/auth/departments',
      '/api/events/events',
      '/api/monitoring/units',
      '/api/signage/assets',
      '/api/v2/assets',
    ] as const) {
      const res = await screen.get<typeof url, { detail?: string }>(url);
      assert.equal(res.status, 403, url);
      assert.equal(res.body.detail, REFUSED, url);
    }
    // People and API keys still read them.
    assert.equal((await owner.get('/api/members')).status, 200);
    assert.equal((await env().client(tokens.api_key).get('/api/v2/assets')).status, 200);
  });
});
