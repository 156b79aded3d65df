// The screens' player in a real browser: paired, it plays a playlist of Roster's own demo files,
// reports its plays, carries out remote commands and shows, then clears, an emergency message.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { browserMissing, SUITE_TIMEOUT_MS, consoleInBrowser } from '../support/browser.ts';

interface Command {
  id: string;
  status: string;
}

describe('signage player in Chromium', { skip: browserMissing, timeout: SUITE_TIMEOUT_MS }, () => {
  const h = consoleInBrowser();
  const { api, apiLogin, shot } = h;

  /** Polls the API until `check` is satisfied: the player acts on its own clock. */
  async function until<T>(what: string, read: () => Promise<T>, check: (v: T) => boolean, ms = 60_000) {
    const end = Date.now() + ms;
    let last: T = await read();
    while (!check(last)) {
      if (Date.now() > end) assert.fail(`${what}: never happened; last ${JSON.stringify(last)}`);
      await new Promise((r) => setTimeout(r, 250));
      last = await read();
    }
    return last;
  }

  test('a paired player plays, reports plays, obeys commands and shows an emergency message', async () => {
    const admin = await apiLogin('admin');
    const asset = await api<{ id: string }>(admin, 'POST', '/api/signage/assets', {
      name: 'E2E safety slide',
      asset_type: 'image',
      uri: '/signage-demo/safety.svg',
      duration: 2,
      is_enabled: true,
    });
    const playlist = await api<{ id: string }>(admin, 'POST', '/api/signage/playlists', {
      name: 'E2E player loop',
      asset_ids: [asset.id],
    });

    const context = await h.newContext({ viewport: { width: 960, height: 540 } });
    const screen = await context.newPage();
    screen.on('pageerror', (err) => console.error(`[player] page error: ${err.message}`));
    await screen.goto(`${h.base}/player`);
    await screen.waitForFunction(() =>
      /\w{4,}/.test(document.querySelector('[data-testid=pair-code]')?.textContent ?? ''),
    );
    const code = ((await screen.getByTestId('pair-code').textContent()) ?? '').trim();
    const device = await api<{ id: string }>(admin, 'POST', '/api/signage/devices/claim', {
      code,
      name: 'E2E player',
      playlist_id: playlist.id,
    });

    // It plays the slide Roster serves itself.
    const player = screen.getByTestId('player');
    await player.waitFor({ timeout: 60_000 });
    assert.equal(await player.getAttribute('data-asset'), 'E2E safety slide');
    await screen.waitForFunction(
      () => (document.querySelector<HTMLImageElement>('[data-testid=player] img')?.naturalWidth ?? 0) > 0,
    );
    await shot(screen, 'signage-player-01-playing');

    // Its heartbeat tells its version and resolution.
    const health = await until(
      'health report',
      () => api<{ player_version: string | null }>(admin, 'GET', `/api/signage/devices/${device.id}/health`),
      (h) => h.player_version !== null,
    );
    assert.match(health.player_version ?? '', /^roster-player\//);

    // A finished play waits in the browser; a reload command sends it before reloading.
    await screen.waitForFunction(
      () => (JSON.parse(localStorage.getItem('roster.player.plays') ?? '[]') as unknown[]).length > 0,
      undefined,
      { timeout: 30_000 },
    );
    const reload = await api<Command>(admin, 'POST', `/api/signage/devices/${device.id}/commands`, {
      command: 'reload',
    });
    const commands = () =>
      api<{ items: Command[] }>(admin, 'GET', `/api/signage/devices/${device.id}/commands`);
    await until(
      'reload acknowledged',
      commands,
      (c) => c.items.find((x) => x.id === reload.id)?.status === 'done',
    );
    const plays = await api<{ items: Array<{ asset_id: string; device_id: string; outcome: string }> }>(
      admin,
      'GET',
      `/api/signage/plays?device_id=${device.id}`,
    );
    assert.ok(plays.items.length > 0, 'plays reported');
    assert.ok(plays.items.every((p) => p.asset_id === asset.id));
    assert.ok(plays.items.some((p) => p.outcome === 'completed'));

    // A screenshot of what is on screen, uploaded by the player.
    await player.waitFor();
    const snap = await api<Command>(admin, 'POST', `/api/signage/devices/${device.id}/commands`, {
      command: 'screenshot',
    });
    await until(
      'screenshot taken',
      commands,
      (c) => c.items.find((x) => x.id === snap.id)?.status === 'done',
    );
    const withShot = await api<{ screenshot: { url: string } | null }>(
      admin,
      'GET',
      `/api/signage/devices/${device.id}/health`,
    );
    assert.ok(withShot.screenshot);
    const image = await fetch(h.base + withShot.screenshot.url, {
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(image.headers.get('content-type'), 'image/png');

    // The emergency message covers the playlist at once (pushed live), and clearing it restores it.
    await api(admin, 'POST', '/api/signage/emergency', {
      message: 'Please leave by the nearest exit',
      device_ids: [device.id],
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const emergency = screen.getByTestId('emergency');
    await emergency.getByText('Please leave by the nearest exit').waitFor({ timeout: 10_000 });
    await shot(screen, 'signage-player-02-emergency');
    await api(admin, 'DELETE', '/api/signage/emergency');
    await player.waitFor({ timeout: 10_000 });
    assert.equal(await emergency.count(), 0);
  });
});
