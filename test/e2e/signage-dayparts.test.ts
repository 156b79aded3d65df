// The console's day-part editor in a real browser: several windows per asset, a wrong one worded
// next to it (in English and French) and not sent, removal, and a playlist row naming its schedules.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { browserMissing, SUITE_TIMEOUT_MS, consoleInBrowser, openPath } from '../support/browser.ts';

interface Asset {
  id: string;
  name: string;
  dayparts: Array<{ days: number[]; from: string; until: string }>;
}

describe('signage day-parts in Chromium', { skip: browserMissing, timeout: SUITE_TIMEOUT_MS }, () => {
  const h = consoleInBrowser();
  const { api, apiLogin, signedInAs } = h;

  test('an asset gets several windows; a window without a weekday is refused next to it', async () => {
    const token = await apiLogin('admin');
    const asset = await api<Asset>(token, 'POST', '/api/signage/assets', {
      name: 'E2E windows page',
      asset_type: 'webpage',
      uri: `${h.base}/healthz`,
      is_enabled: true,
    });
    const stored = async () => (await api<Asset>(token, 'GET', `/api/signage/assets/${asset.id}`)).dayparts;
    const admin = await signedInAs('admin');
    await openPath(admin, '/signage');
    await admin.getByRole('button', { name: 'Schedule & preview of E2E windows page' }).click();
    const editor = admin.getByRole('region', { name: 'Schedule of E2E windows page' });
    await editor.getByRole('button', { name: 'Add a window' }).click();
    await editor.getByRole('button', { name: 'Add a window' }).click();
    const second = editor.getByRole('group', { name: 'Window 2' });
    for (const day of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri']) await second.getByLabel(day).uncheck();
    await second.getByText('Choose at least one weekday.').waitFor();
    await editor.getByRole('button', { name: 'Save schedule' }).click();
    // Nothing was sent: the asset still plays at any time.
    assert.deepEqual(await stored(), []);

    await second.getByLabel('Sat').check();
    await second.getByLabel('From').fill('22:00');
    await second.getByLabel('Until').fill('02:00');
    assert.equal(await second.getByText('Choose at least one weekday.').count(), 0);
    await editor.getByRole('button', { name: 'Save schedule' }).click();
    await editor.waitFor({ state: 'detached' });
    assert.deepEqual(await stored(), [
      { days: [1, 2, 3, 4, 5], from: '09:00', until: '17:00' },
      { days: [6], from: '22:00', until: '02:00' },
    ]);
    await admin
      .getByRole('listitem', { name: 'Asset E2E windows page' })
      .getByTestId('dayparts')
      .getByText('Mon Tue Wed Thu Fri 09:00–17:00 · Sat 22:00–02:00')
      .waitFor();

    // The first window removed, the second stays as it was.
    await admin.getByRole('button', { name: 'Schedule & preview of E2E windows page' }).click();
    await editor.getByRole('button', { name: 'Remove window 1' }).click();
    await editor.getByRole('button', { name: 'Save schedule' }).click();
    await editor.waitFor({ state: 'detached' });
    assert.deepEqual(await stored(), [{ days: [6], from: '22:00', until: '02:00' }]);
  });

  test('in French the mistake is worded in French, and a playlist row names its schedules', async () => {
    const token = await apiLogin('admin');
    const playlist = await api<{ id: string }>(token, 'POST', '/api/signage/playlists', {
      name: 'E2E soirées',
    });
    await api(token, 'POST', '/api/signage/schedules', {
      name: 'E2E weekend nights',
      playlist_id: playlist.id,
      dayparts: [{ days: [6, 7], from: '20:00', until: '01:00' }],
    });
    const page = await signedInAs('admin', 'fr-FR');
    await openPath(page, '/signage/playlists');
    const row = page.locator('details', { has: page.getByText('E2E soirées', { exact: true }) });
    await row
      .getByTestId('playlist-schedule')
      .filter({ hasText: 'Programmée par E2E weekend nights' })
      .getByText('20:00–01:00')
      .waitFor();

    await openPath(page, '/signage/screens');
    const form = page.getByRole('form', { name: 'Nouvelle programmation' });
    await form.getByRole('button', { name: 'Ajouter une plage' }).click();
    const window = form.getByRole('group', { name: 'Plage 1' });
    await window.getByLabel('De', { exact: true }).fill('08:00');
    await window.getByLabel('À', { exact: true }).fill('08:00');
    await window.getByText('Cette plage est vide').waitFor();
  });
});
