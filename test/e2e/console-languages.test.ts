// The console in English and French, each person's own home, and the audit log as a history, in
// Chromium (see test/support/browser.ts), with axe-core checking every page visited: no serious or
// critical accessibility violation. Phone-width screenshots go to test/artifacts/ (docs/console.md).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import {
  assertAccessible,
  browserMissing,
  SUITE_TIMEOUT_MS,
  consoleInBrowser,
  openPath,
  PHONE,
} from '../support/browser.ts';

describe('console languages, homes and history', { skip: browserMissing, timeout: SUITE_TIMEOUT_MS }, () => {
  const h = consoleInBrowser();
  const as = h.signedInAs;

  test('each person lands on their own work, in English, on a phone', async () => {
    const homes: Array<[string, RegExp[]]> = [
      [
        'plant.user',
        [/My units/, /Mumbai Plant/, /Pune Plant/, /Departments: QC, Production/, /Priya Plant/],
      ],
      ['tech', [/My monitoring groups/, /Open alerts/]],
      ['gestionnaire', [/You hold Salle 1 until \d\d:\d\d \(Europe\/Paris\)/, /Questions waiting/]],
      ['controleur', [/You hold the door of Salle 2/, /Granted/, /Open the scanner/]],
      ['participant', [/Badge BDG-/, /Now and next/, /Announcements/]],
      ['exposant', [/Visits today \(Europe\/Paris\)/, /Unique visitors/, /Rated leads/]],
      ['admin', [/Organization health/, /Members/, /Screens offline/, /Open alerts/, /Checked in \/ badges/]],
    ];
    for (const [user, texts] of homes) {
      const page = await as(user, 'en-US', PHONE);
      const main = page.locator('main');
      for (const text of texts) await h.textMatches(main, text, 30_000);
      await assertAccessible(page, `the home of ${user}`);
      await h.shot(page, `lang-home-${user}-390`);
    }
  });

  test('a plant user sees only themselves in their units, never the people of other units', async () => {
    const page = await as('plant.user', 'en-US');
    const people = page.getByRole('list', { name: 'People of Mumbai Plant' });
    await people.waitFor();
    assert.deepEqual(await people.getByRole('listitem').allTextContents(), ['Priya Plant · User']);
    assert.equal(await page.getByText('Bangalore Plant').count(), 0);
  });

  test('one page of each module, in English and in French', async () => {
    const pages: Array<[string, string, string, string]> = [
      ['admin', '/org/users', 'Users', 'Utilisateurs'],
      ['participant', '/events/timetable', 'Timetable', 'Programme'],
      ['admin', '/signage/screens', 'Screens & groups', 'Écrans et groupes'],
      ['tech', '/monitoring', 'Mic wall', 'Mur des micros'],
    ];
    for (const [user, path, english, french] of pages) {
      for (const [locale, title] of [
        ['en-US', english],
        ['fr-FR', french],
      ] as const) {
        const page = await as(user, locale);
        await openPath(page, path);
        assert.equal(await page.evaluate(() => document.documentElement.lang), locale.slice(0, 2));
        await h.textMatches(page.getByRole('navigation', { name: 'Modules' }), new RegExp(title));
        await assertAccessible(page, `${path} in ${locale}`);
        if (path === '/org/users') await h.shot(page, `lang-users-${locale}`);
      }
    }
  });

  test('the home and an API refusal read in French', async () => {
    const page = await as('plant.user', 'fr-FR');
    await h.textMatches(page.locator('main'), /Mes unités.*Services : QC, Production/s);
    await assertAccessible(page, 'the French home of plant.user');
    await h.shot(page, 'lang-home-plant.user-fr');
    // The API answers the console in its language: a refused request is worded in French.
    const answer = await page.evaluate(async () => {
      const res = await fetch('/api/auth/users/999999999', {
        headers: {
          authorization: `Bearer ${localStorage.getItem('roster.token')}`,
          'accept-language': document.documentElement.lang,
        },
      });
      return { language: res.headers.get('content-language'), body: (await res.json()) as { title: string } };
    });
    assert.deepEqual(answer, { language: 'fr', body: { ...answer.body, title: 'Introuvable' } });
  });

  test('the audit log reads like a history: names, pickers, changes and a CSV export', async () => {
    const token = await h.apiLogin('admin');
    const unit = await h.api<{ id: number }>(token, 'POST', '/api/auth/units', {
      unit_name: 'History Plant',
      unit_code: 'HIS',
    });
    await h.api(token, 'PATCH', `/api/auth/units/${unit.id}`, { unit_name: 'Heritage Plant' });

    const page = await as('admin', 'en-US');
    await openPath(page, '/org/audit');
    await page.getByLabel('What kind').selectOption({ label: 'unit' });
    // The entries' rows (each diff is a table of its own inside a row).
    const rows = page.locator('.table-wrap > table > tbody > tr');
    await h.textMatches(rows.first(), /Heritage Plant/);
    // Both entries name the unit by its latest name, linked to the page where units are managed.
    assert.equal(await page.getByRole('link', { name: 'Heritage Plant' }).count(), 2);
    assert.equal(
      await page.getByRole('link', { name: 'Heritage Plant' }).first().getAttribute('href'),
      '/org/units',
    );
    await h.textMatches(rows.first().locator('td').nth(1), /\S/);
    await rows.first().getByText('changes').click();
    const diff = rows.first().locator('table.diff');
    await h.textMatches(diff, /History Plant.*Heritage Plant/s);
    await page.getByLabel('Who').selectOption({ index: 1 });
    await page.getByLabel('Who').selectOption({ index: 0 });
    await page.getByLabel('Action').selectOption({ label: 'updated' });
    // Once the list is reloaded no creation is left in it.
    await h.textMatches(page.locator('.table-wrap > table > tbody'), /^(?![\s\S]*\bcreated\b)[\s\S]*updated/);
    assert.equal(await rows.count(), await rows.filter({ hasText: 'updated' }).count());
    await assertAccessible(page, 'the audit log');
    await h.shot(page, 'lang-audit-history');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const csv = fs.readFileSync(await (await download).path(), 'utf8');
    assert.match(csv.split('\r\n')[0], /^created_at,actor_user_id,actor,actor_name,action,entity_type/);
    assert.match(csv, /,update,unit,\d+,Heritage Plant,/);
    assert.doesNotMatch(csv, /,create,unit,/, 'the export follows the action filter');

    const phone = await as('admin', 'fr-FR', PHONE);
    await openPath(phone, '/org/audit');
    await phone.getByLabel('Type d’élément').selectOption({ label: 'unité' });
    await h.textMatches(phone.locator('.table-wrap > table > tbody > tr').first(), /Heritage Plant/);
    await assertAccessible(phone, 'the French audit log on a phone');
    await h.shot(phone, 'lang-audit-fr-390');
  });
});
