// Staffing and registration, the stand's leads and the door statistics, in a real browser.
// Screenshots go to test/artifacts/ for review. Skipped, with a message, when Chromium is missing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { browserMissing, SUITE_TIMEOUT_MS, consoleInBrowser, HOUR, localInput } from '../support/browser.ts';

describe(
  'events staffing, stand and statistics in Chromium',
  { skip: browserMissing, timeout: SUITE_TIMEOUT_MS },
  () => {
    const h = consoleInBrowser();
    const { api, apiLogin, signedIn, shot, textMatches } = h;
    /** The id of the event of that name, as the admin sees the list. */
    const eventNamed = async (token: string, name: string) =>
      (
        await api<{ items: Array<{ id: string; name: string }> }>(
          token,
          'GET',
          '/api/events/events?limit=100',
        )
      ).items.find((e) => e.name === name)!.id;

    test('a created event opens; it is staffed, registered by hand and by CSV, a role removed', async () => {
      const page = await signedIn('admin');
      await page.goto(`${h.base}/events/manage`);
      await page.getByRole('button', { name: 'New event' }).click();
      const form = page.getByRole('form', { name: 'New event' });
      await form.getByLabel('Event name').fill('Staffing Day');
      await form.getByLabel(/^Starts/).fill(localInput(Date.now() - HOUR));
      await form.getByLabel(/^Ends/).fill(localInput(Date.now() + 8 * HOUR));
      await form.getByRole('button', { name: 'Create event' }).click();
      await page.getByRole('status').filter({ hasText: 'Event Staffing Day created and opened' }).waitFor();
      await page.getByRole('heading', { name: 'Manage — Staffing Day' }).waitFor();
      await page.getByRole('link', { name: /staff it and register/ }).click();

      await page.getByRole('heading', { name: 'Staffing & registration — Staffing Day' }).waitFor();

      // A member picked by search gets a role.
      const give = page.getByRole('form', { name: 'Give a role to a member' });
      await give.getByLabel('Find a member').fill('controleur');
      await give.getByRole('radio', { name: /Chloé Contrôleur/ }).check();
      await give.getByLabel('Role', { exact: true }).selectOption('controlleur_des_badges');
      await give.getByRole('button', { name: 'Give the role' }).click();
      await give.getByRole('status').filter({ hasText: 'is now badge controller' }).waitFor();

      // By username: a member gets the role at once.
      const invite = page.getByRole('form', { name: 'Invite by e-mail or username' });
      await invite.getByLabel('E-mail or username').fill('plant.user');
      await invite.getByRole('button', { name: 'Invite' }).click();
      await invite.getByRole('status').filter({ hasText: 'plant.user is a member' }).waitFor();
      const holders = page.getByRole('region', { name: 'Roles in the event' });
      await holders.getByRole('row', { name: 'Priya Plant' }).waitFor();

      // One participant by hand: their badge, ready to print.
      const one = page.getByRole('form', { name: 'Register a participant' });
      await one.getByLabel('Full name').fill('Zoé Zed');
      await one.getByRole('button', { name: 'Register and issue the badge' }).click();
      await one
        .getByRole('status')
        .filter({ hasText: /Badge BDG-\S+ issued to Zoé Zed/ })
        .waitFor();
      assert.equal(await one.getByRole('link', { name: 'Print badge' }).count(), 1);

      // A file with a bad row: its errors are listed and the import stays off.
      const importer = page.getByRole('region', { name: 'Import participants from a CSV file' });
      const file = (text: string) => ({
        name: 'people.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(text),
      });
      await importer
        .getByLabel('CSV file')
        .setInputFiles(file('full_name;email\nLin Qi;lin@example.org\nBad Mail;not-mail\n'));
      await importer.getByRole('button', { name: 'Check the file' }).click();
      await importer.getByText('1 row of 2 is in error').waitFor();
      await importer.getByRole('cell', { name: 'not-mail is not an email address' }).waitFor();
      assert.equal(await importer.getByRole('button', { name: /^Import \d+ row/ }).isDisabled(), true);
      await shot(page, 'events-staffing-01-csv-errors');
      await importer
        .getByLabel('CSV file')
        .setInputFiles(file('full_name;email;role\nLin Qi;lin@example.org;\nMo Ali;;exposant\n'));
      await importer.getByRole('button', { name: 'Check the file' }).click();
      await importer.getByText('2 rows ready to import.').waitFor();
      await importer.getByRole('button', { name: 'Import 2 rows' }).click();
      await importer.getByRole('status').filter({ hasText: '2 participants registered.' }).waitFor();
      await shot(page, 'events-staffing-02-page');

      const token = await apiLogin('admin');
      const id = await eventNamed(token, 'Staffing Day');
      const badges = await api<{ items: Array<{ full_name: string }> }>(
        token,
        'GET',
        `/api/events/events/${id}/participants?limit=50`,
      );
      assert.deepEqual(badges.items.map((b) => b.full_name).sort(), [
        'Lin Qi',
        'Mo Ali',
        'Priya Plant',
        'Zoé Zed',
      ]);

      // Removing a role asks first.
      await holders.getByRole('button', { name: 'Remove role of Priya Plant' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Remove role' }).click();
      await holders.getByRole('row', { name: 'Priya Plant' }).waitFor({ state: 'detached' });
    });

    test("the exhibitor's stand: figures, filters, a lead rated and annotated, export links", async () => {
      const page = await signedIn('exposant');
      await page.goto(`${h.base}/events/stand`);
      const leads = page.getByRole('region', { name: 'Leads' });
      const figures = leads.getByRole('definition');
      await figures.first().waitFor();
      const rows = leads.getByRole('row');
      await rows.nth(1).waitFor();
      const all = (await rows.count()) - 1;
      assert.ok(all >= 3, `the demo stand has leads (${all})`);
      const filters = leads.getByRole('form', { name: 'Lead filters' });
      await filters.getByLabel('Tag').fill('api');
      await filters.getByRole('button', { name: 'Filter' }).click();
      // The filtered list replaces the full one; a generous ceiling for a busy machine.
      for (let i = 0; i < 300 && (await rows.count()) - 1 === all; i++) await page.waitForTimeout(100);
      const tagged = (await rows.count()) - 1;
      assert.ok(tagged >= 1 && tagged < all, `tag filter kept ${tagged} of ${all}`);
      const csv = await filters.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
      assert.match(csv ?? '', /export\.csv\?tag=api$/);
      const json = await filters.getByRole('link', { name: 'Export JSON' }).getAttribute('href');
      assert.match(json ?? '', /export\.json\?tag=api$/);

      const first = rows.nth(1);
      const who = (await first.getAttribute('aria-label')) ?? '';
      await first.getByLabel(`Rating of ${who}`).selectOption('2');
      await first.getByLabel(`New note about ${who}`).fill('Sent the brochure');
      await first.getByRole('button', { name: `Save the lead ${who}` }).click();
      await leads
        .getByRole('row', { name: who })
        .getByText(/Sent the brochure/)
        .waitFor();
      await shot(page, 'events-staffing-03-stand');

      // A printed badge id typed by hand records a lead; without network it waits and goes up later.
      const token = await apiLogin('admin');
      const eventId = await eventNamed(token, 'Demo Tech Days');
      const visitor = (full_name: string) =>
        api<{ badge_id: string }>(token, 'POST', `/api/events/events/${eventId}/participants`, { full_name });
      const [typed, later] = [await visitor('Tia Typed'), await visitor('Olu Offline')];
      await filters.getByLabel('Tag').fill('');
      await filters.getByRole('button', { name: 'Filter' }).click();
      const badge = page.getByLabel('Visitor badge QR payload or badge id');
      await badge.fill(typed.badge_id.toLowerCase());
      await page.getByRole('button', { name: 'Record visit' }).click();
      await page.getByRole('status').getByText(`Tia Typed · ${typed.badge_id}`).waitFor();
      await leads.getByRole('row', { name: 'Tia Typed' }).waitFor();

      await page.context().setOffline(true);
      await textMatches(page.getByTestId('connection'), /^Offline/);
      await badge.fill(later.badge_id);
      await page.getByRole('button', { name: 'Record visit' }).click();
      await page.getByText('KEPT ON THIS DEVICE', { exact: true }).waitFor();
      await textMatches(page.getByTestId('queue'), /^1 scans waiting to upload$/);
      await page.context().setOffline(false);
      await textMatches(page.getByTestId('queue'), /^Every scan is uploaded$/);
      const sent = page.getByRole('region', { name: 'Scans sent after the network came back' });
      await sent.getByText(`${later.badge_id} · RECORDED`).waitFor();
      await leads.getByRole('row', { name: 'Olu Offline' }).waitFor();
    });

    test('door statistics: a chart with its table, per room for the event managers', async () => {
      const page = await signedIn('admin');
      await page.goto(`${h.base}/events/statistics`);
      await page.getByRole('heading', { name: /^Door statistics — / }).waitFor();
      await page.getByRole('definition').first().waitFor();
      const chart = page.getByRole('img');
      if (await chart.count()) {
        assert.match((await chart.first().textContent()) ?? '', /quarter hour/);
        await page.getByRole('button', { name: 'Show as a table' }).click();
        await page.getByRole('columnheader', { name: 'Entries' }).waitFor();
      } else await page.getByText('No scan yet.').waitFor();
      await shot(page, 'events-staffing-04-statistics');
    });
  },
);
