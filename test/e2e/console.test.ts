// The web console in a real browser (see test/support/browser.ts). Screenshots go to
// test/artifacts/ for review. Skipped, with a message, when Chromium is missing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { browserMissing, SUITE_TIMEOUT_MS, consoleInBrowser, HOUR, localInput } from '../support/browser.ts';

describe('web console in Chromium', { skip: browserMissing, timeout: SUITE_TIMEOUT_MS }, () => {
  const h = consoleInBrowser();
  const { api, apiLogin, signedIn, textMatches, shot } = h;

  test('serves the console on deep links and keeps API 404s as problems', async () => {
    const deep = await fetch(`${h.base}/events/scanner`, { headers: { accept: 'text/html' } });
    assert.equal(deep.status, 200);
    assert.match(await deep.text(), /<div id="root">/);
    const api404 = await fetch(`${h.base}/api/nope`, { headers: { authorization: 'Bearer x' } });
    assert.equal(api404.status, 401);
    const docs404 = await fetch(`${h.base}/docs/nope`);
    assert.equal(docs404.status, 404);
    assert.equal(((await docs404.json()) as { title: string }).title, 'Not Found');
  });

  test(
    'admin creates a user with two units and departments through the ' +
      'checkbox tree, who must then change password',
    async () => {
      const page = await signedIn('admin');
      await shot(page, '01-home-admin');
      await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Users' }).click();
      await page.getByRole('button', { name: 'New user' }).click();
      await page.getByLabel('Username').fill('e2e.inspector');
      await page.getByLabel('Full name').fill('Ines Inspector');
      await page.getByRole('checkbox', { name: /Mumbai Plant/ }).check();
      const mumbai = page.getByRole('group', { name: /Departments of Mumbai Plant/ });
      await assert.doesNotReject(mumbai.getByText('All departments').waitFor());
      await mumbai.getByRole('checkbox', { name: 'QC' }).check();
      await mumbai.getByRole('checkbox', { name: 'R&D' }).check();
      await page.getByRole('checkbox', { name: /Pune Plant/ }).check();
      const pune = page.getByRole('group', { name: /Departments of Pune Plant/ });
      await pune.getByText('All departments').waitFor();
      // Departments of a unit that is not checked are not offered.
      assert.equal(await page.getByRole('group', { name: /Departments of Bangalore Plant/ }).count(), 0);
      await shot(page, '02-user-form-tree');
      await page.getByRole('button', { name: 'Create user' }).click();
      const notice = await page
        .getByRole('status')
        .filter({ hasText: 'e2e.inspector created' })
        .textContent();
      const temporary = /Temporary password \(shown once\): (\S+)/.exec(notice ?? '')?.[1];
      assert.ok(temporary, `no temporary password in "${notice}"`);

      const token = await apiLogin('admin');
      const found = await api<{
        items: Array<{
          username: string;
          unit_assignments: Array<{
            unit: { unit_name: string };
            departments: Array<{ department_name: string }>;
          }>;
        }>;
      }>(token, 'GET', '/api/auth/users?q=e2e.inspector');
      assert.deepEqual(
        found.items[0].unit_assignments
          .map((a) => [a.unit.unit_name, a.departments.map((d) => d.department_name).sort()])
          .sort(),
        [
          ['Mumbai Plant', ['QC', 'R&D']],
          ['Pune Plant', []],
        ],
      );
      // The list filtered by a department shows the user with their assignments.
      await page.getByLabel('Unit').selectOption({ label: 'Mumbai Plant' });
      await page.getByLabel('Department').selectOption({ label: 'R&D' });
      const row = page.getByRole('row', { name: /e2e\.inspector/ });
      await row.waitFor();
      assert.match((await row.textContent()) ?? '', /Mumbai Plant: QC, R&D.*Pune Plant: All departments/);
      await page.getByLabel('Department').selectOption({ label: 'Production' });
      await page.getByRole('row', { name: /e2e\.inspector/ }).waitFor({ state: 'detached' });
      await shot(page, '03-users-filtered');

      // The new user logs in with the temporary password and must choose a new one first.
      const context = await h.newContext();
      const fresh = await context.newPage();
      await fresh.goto(`${h.base}/`);
      await fresh.getByLabel('Username').fill('e2e.inspector');
      await fresh.getByLabel('Password').fill(temporary);
      await fresh.getByRole('button', { name: 'Sign in' }).click();
      await fresh.getByRole('heading', { name: 'Choose a new password' }).waitFor();
      await fresh.getByLabel('Temporary password').fill(temporary);
      await fresh.getByLabel('New password', { exact: true }).fill('a-brand-new-password-42');
      await fresh.getByLabel('New password again').fill('a-brand-new-password-42');
      await fresh.getByRole('button', { name: 'Change password' }).click();
      await fresh.getByRole('heading', { name: /Hello Ines Inspector/ }).waitFor();
    },
  );

  test('a controller scans a badge: denied for payment, granted once the payment is marked', async () => {
    const token = await apiLogin('admin');
    const [event] = (await api<{ items: Array<{ id: string }> }>(token, 'GET', '/api/events/events')).items;
    const unpaid = (
      await api<{ items: Array<{ badge_id: string; full_name: string }> }>(
        token,
        'GET',
        `/api/events/events/${event.id}/participants?role=participant`,
      )
    ).items.find((p) => p.full_name === 'Alex Unpaid');
    assert.ok(unpaid, 'the demo has a participant who has not paid the running atelier');

    const phone = await signedIn('controleur', { width: 390, height: 844 });
    await phone.goto(`${h.base}/events/scanner`);
    await phone.getByText('Door of Salle 2').waitFor();
    await phone.getByLabel('Badge QR payload or badge id').fill(unpaid.badge_id);
    await phone.getByRole('button', { name: 'Scan', exact: true }).click();
    const verdict = phone.getByTestId('verdict');
    await verdict.getByText('DENIED').waitFor();
    assert.match((await verdict.textContent()) ?? '', /Payment required/);
    await shot(phone, '04-scanner-denied-phone');

    const admin = await signedIn('admin');
    await admin.goto(`${h.base}/events/timetable`);
    const atelier = admin.getByRole('listitem').filter({ hasText: 'Hands-on: building APIs (paid)' });
    await atelier.getByPlaceholder('Badge id that paid').fill(unpaid.badge_id);
    await atelier.getByRole('button', { name: 'Mark paid' }).click();
    await atelier.getByText(`${unpaid.full_name} paid`).waitFor();
    await shot(admin, '05-timetable');

    await phone.getByLabel('Badge QR payload or badge id').fill(unpaid.badge_id);
    await phone.getByRole('button', { name: 'Scan', exact: true }).click();
    await verdict.getByText('GRANTED').waitFor();
    assert.match((await verdict.textContent()) ?? '', /Alex Unpaid/);
    await shot(phone, '06-scanner-granted-phone');
  });

  test('a screen opens /player, shows a pairing code, is claimed in the console and plays', async () => {
    const context = await h.newContext({ viewport: { width: 960, height: 540 } });
    const screen = await context.newPage();
    await screen.goto(`${h.base}/player`);
    const codeEl = screen.getByTestId('pair-code');
    await screen.waitForFunction(() =>
      /\w{4,}/.test(document.querySelector('[data-testid=pair-code]')?.textContent ?? ''),
    );
    const code = ((await codeEl.textContent()) ?? '').trim();
    await shot(screen, '07-player-pairing');

    const admin = await signedIn('admin');
    await admin.goto(`${h.base}/signage`);
    await admin.getByRole('heading', { name: /^Plan:/ }).waitFor();
    // Upload a real image through the console (XMLHttpRequest with a progress bar) into a new playlist.
    const slide = await admin.screenshot({ clip: { x: 0, y: 0, width: 320, height: 180 } });
    await admin
      .getByLabel('Image or video')
      .setInputFiles({ name: 'e2e-slide.png', mimeType: 'image/png', buffer: slide });
    await admin.getByLabel('Name', { exact: true }).fill('E2E slide');
    await admin.getByRole('button', { name: 'Upload' }).click();
    await admin.getByRole('listitem').filter({ hasText: 'E2E slide' }).first().waitFor();
    await admin.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Playlists' }).click();
    await admin.getByLabel('New playlist').fill('E2E loop');
    await admin.getByRole('button', { name: 'Create' }).click();
    const playlist = admin.locator('details', { has: admin.getByText('E2E loop', { exact: true }) });
    await playlist.getByLabel('Add asset').selectOption({ label: 'E2E slide' });
    await playlist.getByText('1 item', { exact: true }).waitFor();
    await admin
      .getByRole('navigation', { name: 'Modules' })
      .getByRole('link', { name: 'Screens & groups' })
      .click();
    await admin.getByLabel('Pairing code').fill(code);
    await admin.getByLabel('Screen name').fill('E2E screen');
    await admin
      .locator('form', { has: admin.getByLabel('Pairing code') })
      .getByLabel('Playlist')
      .selectOption({ label: 'E2E loop' });
    await admin.getByRole('button', { name: 'Claim screen' }).click();
    await admin.getByRole('cell', { name: /E2E screen/ }).waitFor();
    await shot(admin, '08-signage');

    const player = screen.getByTestId('player');
    await player.waitFor({ timeout: 60_000 });
    assert.equal(await player.getAttribute('data-asset'), 'E2E slide');
    await screen.waitForFunction(
      () => document.querySelector<HTMLImageElement>('[data-testid=player] img')?.naturalWidth === 320,
    );
    await shot(screen, '09-player-playing');
    // The server becomes unreachable and the screen reloads: it keeps playing what it cached.
    await context.route('**/api/device/**', (route) => route.abort('connectionrefused'));
    await screen.reload();
    await screen.getByText('offline — playing cached playlist').waitFor();
    await screen.waitForFunction(
      () => document.querySelector<HTMLImageElement>('[data-testid=player] img')?.naturalWidth === 320,
    );
    await shot(screen, '09b-player-offline');

    // The screen's hardware is replaced: the new player is paired onto the same record and plays its loop.
    const replacement = await (await h.newContext({ viewport: { width: 960, height: 540 } })).newPage();
    await replacement.goto(`${h.base}/player`);
    await replacement.waitForFunction(() =>
      /\w{4,}/.test(document.querySelector('[data-testid=pair-code]')?.textContent ?? ''),
    );
    const newCode = ((await replacement.getByTestId('pair-code').textContent()) ?? '').trim();
    await admin.getByLabel('Pair onto').selectOption({ label: 'E2E screen' });
    await admin.getByLabel('Pairing code').fill(newCode);
    await admin.getByRole('button', { name: 'Claim screen' }).click();
    const replaced = replacement.getByTestId('player');
    await replaced.waitFor({ timeout: 60_000 });
    assert.equal(await replaced.getAttribute('data-asset'), 'E2E slide');
    assert.equal(await admin.getByRole('cell', { name: /E2E screen/ }).count(), 1, 'no second screen');
  });

  test('an event manager creates a session (field errors shown next to the field) and finds it in the timetable', async () => {
    const admin = await signedIn('admin');
    await admin.goto(`${h.base}/events/manage`);
    await admin.getByRole('heading', { name: 'Sessions' }).waitFor();
    await admin.getByRole('button', { name: 'New session' }).click();
    const form = admin.getByRole('form', { name: 'New session' });
    const hour = Math.floor(Date.now() / HOUR) * HOUR;
    await form.getByLabel('Room').selectOption({ label: 'Salle 3' });
    await form.getByLabel('Session starts').fill(localInput(hour + 6 * HOUR));
    await form.getByLabel('Session ends').fill(localInput(hour + 7 * HOUR));
    await form.getByLabel('Speaker').fill('Eve Example');
    // No title: the API's 400 names body.title and the console puts the message under that field.
    await form.getByRole('button', { name: 'Create session' }).click();
    const titleError = form.locator('[data-field=title]');
    await titleError.waitFor();
    assert.equal(await form.getByLabel('Title').getAttribute('aria-invalid'), 'true');
    await shot(admin, '11-session-field-error');
    await form.getByLabel('Title').fill('E2E: browsers in CI');
    await form.getByRole('button', { name: 'Create session' }).click();
    await admin.getByRole('row', { name: /E2E: browsers in CI/ }).waitFor();

    await admin.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Timetable' }).click();
    const salle3 = admin.getByRole('region', { name: 'Salle 3' });
    await salle3.getByText('E2E: browsers in CI').waitFor();
    assert.match(
      (await salle3.getByRole('listitem').filter({ hasText: 'E2E: browsers in CI' }).textContent()) ?? '',
      /Eve Example · conference/,
    );
  });

  test('room slots: an overlapping slot is refused with the reason, a free one lands on the room timeline', async () => {
    const token = await apiLogin('admin');
    const [controleur] = (
      await api<{ items: Array<{ id: number; full_name: string; username: string }> }>(
        token,
        'GET',
        '/api/auth/users?q=controleur',
      )
    ).items;
    const admin = await signedIn('admin');
    await admin.goto(`${h.base}/events/slots`);
    const form = admin.getByRole('form', { name: 'New room slot' });
    await form.getByLabel('Staff member').selectOption(String(controleur.id));
    await form.getByLabel('Room').selectOption({ label: 'Salle 3' });
    const hour = Math.floor(Date.now() / HOUR) * HOUR;
    // The controller already holds Salle 2 until 8 h from now.
    await form.getByLabel('From').fill(localInput(hour + HOUR));
    await form.getByLabel('Until').fill(localInput(hour + 2 * HOUR));
    await form.getByRole('button', { name: 'Add slot' }).click();
    const conflict = form.getByTestId('slot-conflict');
    await conflict.waitFor();
    assert.match((await conflict.textContent()) ?? '', /Overlap — not saved/);
    await shot(admin, '12-room-slot-overlap');
    const salle3 = admin.getByRole('group', { name: 'Slots of Salle 3' });
    const controleurName = controleur.full_name || controleur.username;
    assert.equal(await salle3.locator('.slot-block').filter({ hasText: controleurName }).count(), 0);

    await form.getByLabel('From').fill(localInput(hour + 22 * HOUR));
    await form.getByLabel('Until').fill(localInput(hour + 26 * HOUR));
    await form.getByRole('button', { name: 'Add slot' }).click();
    await form.getByRole('status').waitFor();
    await salle3.locator('.slot-block').filter({ hasText: controleurName }).waitFor();
    assert.equal(await form.getByTestId('slot-conflict').count(), 0);
    await shot(admin, '13-room-slots');
  });

  test(
    'session Q&A: a participant asks, the room manager sees it live ' +
      'and answers, the participant sees the answer live',
    async () => {
      // The room manager's page is open before the question exists: `events.question.asked` brings it in.
      const gestionnaire = await signedIn('gestionnaire');
      await gestionnaire.goto(`${h.base}/events/questions`);
      await gestionnaire.getByRole('heading', { name: 'Questions to answer' }).waitFor();
      await gestionnaire.locator('.live-live').waitFor();

      const participant = await signedIn('participant');
      await participant.goto(`${h.base}/events/questions`);
      await participant.locator('.live-live').waitFor();
      const ask = participant.getByRole('form', { name: 'Ask a question' });
      await ask.getByLabel('About the session').selectOption({
        label: await ask
          .getByLabel('About the session')
          .locator('option', { hasText: 'The state of the web' })
          .innerText(),
      });
      await ask.getByLabel('Your question').fill('Will the slides be shared?');
      await ask.getByRole('button', { name: 'Ask' }).click();
      await ask.getByText('Question sent').waitFor();
      const mine = participant.getByTestId('question').filter({ hasText: 'Will the slides be shared?' });
      await mine.getByText('yours — waiting').waitFor();

      const q = gestionnaire.getByTestId('question').filter({ hasText: 'Will the slides be shared?' });
      await q.waitFor({ timeout: 60_000 });
      await q.getByLabel('Answer to: Will the slides be shared?').fill('Yes, right after the talk.');
      await q.getByRole('button', { name: 'Send answer' }).click();
      await q.getByText('A: Yes, right after the talk.').waitFor();
      await shot(gestionnaire, '14-questions-answered');

      // No reload: `events.question.answered` refetches the participant's list.
      await mine.getByText('A: Yes, right after the talk.').waitFor({ timeout: 60_000 });
      assert.match((await mine.textContent()) ?? '', /answered/);
    },
  );

  test('badge printing: a per-participant printable badge and a print-all list', async () => {
    const admin = await signedIn('admin');
    await admin.goto(`${h.base}/events/badges`);
    const link = admin.getByRole('link', { name: 'Print badge of Paul Participant' });
    await link.waitFor();
    const badge = await admin.context().newPage();
    await badge.goto(h.base + ((await link.getAttribute('href')) ?? ''));
    await badge.locator('svg').first().waitFor();
    assert.match((await badge.content()) ?? '', /Paul Participant/);
    await badge.close();
    const rows = await admin.getByRole('link', { name: /^Print badge of/ }).count();
    await admin.getByRole('button', { name: /^Print all/ }).click();
    await admin.getByRole('button', { name: `Print ${rows} badges` }).waitFor();
    assert.equal(await admin.locator('iframe.badge-frame').count(), rows);
  });

  test('the mic wall follows the simulator live: a drained battery changes the tile and raises an alert', async (t) => {
    if (!h.receiver)
      return t.skip(`no demo receiver simulator in the server log:\n${h.serverLog.slice(-2000)}`);
    const admin = await signedIn('admin');
    await admin.goto(`${h.base}/monitoring`);
    const tile = admin.getByRole('listitem', { name: /Alice Johnson on CH1/ });
    await textMatches(tile.getByTestId('battery'), /\b(9\d|100)%/);
    const res = await fetch(`http://${h.receiver}/control`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 1, battery: 4 }),
    });
    assert.ok(res.ok, `simulator control answered ${res.status}`);
    await textMatches(tile.getByTestId('battery'), /^\s*[0-4]%/);
    assert.match((await tile.getAttribute('class')) ?? '', /\bhealth-bad\b/);
    const alert = admin.getByTestId('alert').filter({ hasText: 'Alice Johnson' }).first();
    await alert.waitFor({ timeout: 60_000 });
    await shot(admin, '10-mic-wall');
    await alert.getByRole('button', { name: 'Acknowledge' }).click();
    await admin
      .getByTestId('alert')
      .filter({ hasText: 'Alice Johnson' })
      .getByText('acknowledged')
      .first()
      .waitFor();
  });
  test(
    'monitoring: a performer is created with a photo and a mic, shows on ' +
      'the wall by group and location, with a history chart',
    async () => {
      const admin = await signedIn('admin');
      await admin.goto(`${h.base}/monitoring/performers`);
      await admin.getByRole('button', { name: 'New performer' }).click();
      const form = admin.getByRole('form', { name: 'New performer' });
      await form.getByLabel('E-mail').fill('not-an-email');
      await form.getByRole('button', { name: 'Create performer' }).click();
      await form.locator('[data-field=name]').waitFor();
      await form.getByLabel('Name').fill('Eddie Encore');
      await form.getByLabel('E-mail').fill('eddie@example.org');
      await form.getByLabel('Title').fill('Backing vocals');
      await form.getByRole('button', { name: 'Create performer' }).click();
      await admin.getByRole('form', { name: 'Performer Eddie Encore' }).waitFor();

      const face = await admin.screenshot({ clip: { x: 0, y: 0, width: 96, height: 96 } });
      await admin
        .getByLabel(/^Photo \(PNG/)
        .setInputFiles({ name: 'eddie.png', mimeType: 'image/png', buffer: face });
      await admin.getByRole('button', { name: 'Upload photo' }).click();
      await admin.getByRole('img', { name: 'Photo of Eddie Encore' }).waitFor();

      const assign = admin.getByRole('form', { name: 'Assign a microphone' });
      await assign.getByLabel('Wireless unit').locator('option').nth(1).waitFor({ state: 'attached' });
      const unitName =
        (await assign.getByLabel('Wireless unit').locator('option').nth(1).textContent()) ?? '';
      await assign.getByLabel('Wireless unit').selectOption({ label: unitName });
      await assign.getByLabel('Priority').selectOption('high');
      await assign.getByRole('checkbox', { name: 'Offline' }).uncheck();
      await assign.getByRole('button', { name: 'Assign' }).click();
      const row = admin.getByRole('row', { name: new RegExp(`^${unitName} in `) });
      await row.waitFor();
      // The same unit twice: the API's 409 names body.wireless_unit_id and shows under that field.
      await assign.getByRole('button', { name: 'Assign' }).click();
      await assign.locator('[data-field=wireless_unit_id]').waitFor();
      // The toggle saves at once; the box shows the stored state once the API has answered.
      await row.getByRole('checkbox', { name: 'Audio low' }).click();
      await row.getByRole('checkbox', { name: 'Audio low', checked: true }).waitFor();
      await shot(admin, '15-performer-assignments');
      const token = await apiLogin('admin');
      const [mine] = (
        await api<{
          items: Array<{
            id: string;
            priority: string;
            alert_on_audio_low: boolean;
            alert_on_device_offline: boolean;
            performer: { name: string };
          }>;
        }>(token, 'GET', '/api/monitoring/assignments?limit=200')
      ).items.filter((a) => a.performer.name === 'Eddie Encore');
      const until = Date.now() + 30_000;
      let prefs = mine;
      while (!prefs.alert_on_audio_low && Date.now() < until)
        prefs = await api(token, 'GET', `/api/monitoring/assignments/${mine.id}`);
      assert.deepEqual(
        [prefs.priority, prefs.alert_on_audio_low, prefs.alert_on_device_offline],
        ['high', true, false],
      );

      await admin
        .getByRole('navigation', { name: 'Modules' })
        .getByRole('link', { name: 'Mic wall' })
        .click();
      const tile = admin.getByRole('listitem', { name: `Eddie Encore on ${unitName}` });
      await tile.locator('img.performer-photo').waitFor();
      await admin
        .getByRole('region', { name: 'Priority: high' })
        .getByRole('listitem', { name: /Eddie Encore/ })
        .waitFor();
      await admin.getByLabel('View by').selectOption('location');
      assert.ok((await admin.getByRole('region', { name: /^Location: / }).count()) >= 1);
      await admin.getByLabel('View by').selectOption('group');
      assert.ok((await admin.getByRole('region', { name: /^Group: / }).count()) >= 1);
      await admin
        .getByRole('listitem', { name: /Alice Johnson on CH1/ })
        .getByRole('button', { name: 'History' })
        .click();
      const chart = admin.getByTestId('history-chart');
      await chart.waitFor();
      await admin.waitForFunction(
        () => Number(document.querySelector('[data-testid=history-chart]')?.getAttribute('data-samples')) > 0,
        undefined,
        { timeout: 60_000 },
      );
      assert.match((await chart.getAttribute('aria-label')) ?? '', /battery \d+–\d+ %/);
      await shot(admin, '16-wall-history');
    },
  );
  test('events management: deletes behind an accessible confirmation, and a manual session status', async () => {
    const token = await apiLogin('admin');
    const events = (
      await api<{ items: Array<{ id: string; name: string }> }>(token, 'GET', '/api/events/events?limit=100')
    ).items;
    const event = events[0];
    const hour = Math.floor(Date.now() / HOUR) * HOUR;
    const room = await api<{ id: string }>(token, 'POST', `/api/events/events/${event.id}/rooms`, {
      name: 'E2E spare room',
      capacity: 20,
    });
    await api(token, 'POST', `/api/events/events/${event.id}/sessions`, {
      room_id: room.id,
      title: 'E2E cancelled talk',
      start_time: new Date(hour + 2 * HOUR).toISOString(),
      end_time: new Date(hour + 3 * HOUR).toISOString(),
      session_type: 'conference',
    });
    const throwaway = await api<{ id: string }>(token, 'POST', '/api/events/events', {
      name: 'E2E throwaway event',
      start_date: new Date(hour + 48 * HOUR).toISOString(),
      end_date: new Date(hour + 50 * HOUR).toISOString(),
    });
    const sessionTitles = async () =>
      (
        await api<{ items: Array<{ title: string }> }>(
          token,
          'GET',
          `/api/events/events/${event.id}/sessions?limit=200`,
        )
      ).items.map((x) => x.title);

    const admin = await signedIn('admin');
    await admin.goto(`${h.base}/events/manage`);
    await admin.getByRole('combobox', { name: /^Event\b/ }).selectOption(event.id);
    const row = admin.getByRole('row', { name: 'Session E2E cancelled talk' });
    await row.getByRole('button', { name: 'Delete session E2E cancelled talk' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Delete the session E2E cancelled talk?' });
    await dialog.waitFor();
    // Focus starts on Cancel and Tab cycles inside the dialog; Escape cancels and nothing is deleted.
    assert.equal(await admin.evaluate(() => document.activeElement?.textContent), 'Cancel');
    for (let i = 0; i < 3; i++) {
      await admin.keyboard.press('Tab');
      assert.ok(
        await admin.evaluate(() => !!document.activeElement?.closest('dialog[open]')),
        'focus left the dialog',
      );
    }
    await shot(admin, '19-confirm-delete-session');
    await admin.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.ok((await sessionTitles()).includes('E2E cancelled talk'));
    await row.getByRole('button', { name: 'Delete session E2E cancelled talk' }).click();
    await dialog.getByRole('button', { name: 'Delete session' }).click();
    await row.waitFor({ state: 'detached' });
    assert.ok(!(await sessionTitles()).includes('E2E cancelled talk'));

    const roomRow = admin.getByRole('row', { name: 'Room E2E spare room' });
    await roomRow.getByRole('button', { name: 'Delete room E2E spare room' }).click();
    await admin
      .getByRole('dialog', { name: 'Delete the room E2E spare room?' })
      .getByRole('button', { name: 'Delete room' })
      .click();
    await roomRow.waitFor({ state: 'detached' });
    const rooms = (
      await api<{ items: Array<{ name: string }> }>(
        token,
        'GET',
        `/api/events/events/${event.id}/rooms?limit=200`,
      )
    ).items.map((r) => r.name);
    assert.ok(!rooms.includes('E2E spare room'), `room still listed: ${rooms.join(', ')}`);

    await admin.getByRole('combobox', { name: /^Event\b/ }).selectOption(throwaway.id);
    await admin.getByRole('button', { name: 'Delete event' }).click();
    await admin
      .getByRole('dialog', { name: 'Delete the event E2E throwaway event?' })
      .getByRole('button', { name: 'Delete event' })
      .click();
    await admin.getByRole('status').filter({ hasText: 'Event E2E throwaway event deleted' }).waitFor();
    const gone = await fetch(`${h.base}/api/events/events/${throwaway.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(gone.status, 404);

    // The room manager holding Salle 1 forces a session's status; the event manager returns it to the clock.
    const findSession = async () =>
      (
        await api<{ items: Array<{ title: string; status: string; status_is_manual: boolean }> }>(
          token,
          'GET',
          `/api/events/events/${event.id}/sessions?limit=200`,
        )
      ).items.find((x) => x.title === 'Closing panel')!;
    const gestionnaire = await signedIn('gestionnaire');
    await gestionnaire.goto(`${h.base}/events/timetable`);
    const closing = gestionnaire.getByRole('listitem').filter({ hasText: 'Closing panel' });
    await closing.getByLabel('Status of Closing panel').selectOption('en_cours');
    await closing.getByText('Status set: now').waitFor();
    await closing.getByText('(set by hand)').waitFor();
    assert.deepEqual(
      [(await findSession()).status, (await findSession()).status_is_manual],
      ['en_cours', true],
    );
    await shot(gestionnaire, '20-session-status-override');
    await admin.goto(`${h.base}/events/timetable`);
    const closingAdmin = admin.getByRole('listitem').filter({ hasText: 'Closing panel' });
    await closingAdmin.getByLabel('Status of Closing panel').selectOption('clock');
    await closingAdmin.getByText('Status set: by the clock').waitFor();
    assert.deepEqual(
      [(await findSession()).status, (await findSession()).status_is_manual],
      ['pas_encore', false],
    );
  });

  test(
    'monitoring admin: a performer is deleted with their assignments, and a monitoring ' +
      'group is created, staffed, renamed, deactivated and another deleted',
    async () => {
      const token = await apiLogin('admin');
      const performer = await api<{ id: string }>(token, 'POST', '/api/monitoring/performers', {
        name: 'Dora Delete',
      });
      const [group] = (
        await api<{ items: Array<{ id: string }> }>(token, 'GET', '/api/monitoring/groups?limit=10')
      ).items;
      const units = (
        await api<{ items: Array<{ id: string }> }>(token, 'GET', '/api/monitoring/units?limit=10')
      ).items;
      for (const unit of units.slice(0, 2))
        await api(token, 'POST', '/api/monitoring/assignments', {
          performer_id: performer.id,
          wireless_unit_id: unit.id,
          monitoring_group_id: group.id,
        });

      const admin = await signedIn('admin');
      await admin.goto(`${h.base}/monitoring/performers`);
      await admin
        .getByRole('list', { name: 'Performers' })
        .getByRole('button', { name: /Dora Delete/ })
        .click();
      await admin.getByRole('button', { name: 'Delete performer' }).click();
      const dialog = admin.getByRole('dialog', { name: 'Delete Dora Delete for good?' });
      assert.match((await dialog.textContent()) ?? '', /2 microphone assignments will be deleted/);
      await shot(admin, '21-confirm-delete-performer');
      await dialog.getByRole('button', { name: 'Delete performer' }).click();
      await admin
        .getByRole('status')
        .filter({ hasText: 'Dora Delete deleted, with 2 assignments' })
        .waitFor();
      const gone = await fetch(`${h.base}/api/monitoring/performers/${performer.id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(gone.status, 404);

      await admin
        .getByRole('navigation', { name: 'Modules' })
        .getByRole('link', { name: 'Monitoring groups' })
        .click();
      await admin.getByRole('button', { name: 'New group' }).click();
      let form = admin.getByRole('form', { name: 'New group' });
      await form.getByLabel('Group name').fill('Main Stage');
      await form.getByLabel('Find a user to add').fill('gestion');
      await form.getByRole('button', { name: /^Add / }).first().click();
      const member = ((await form.getByRole('list', { name: 'Members' }).textContent()) ?? '')
        .replace('✕', '')
        .trim();
      assert.ok(member.length > 0);
      // A taken name is the API's 409, shown under the form; nothing is created.
      await form.getByRole('button', { name: 'Create group' }).click();
      await form
        .getByRole('alert')
        .filter({ hasText: /already exists/ })
        .waitFor();
      await form.getByLabel('Group name').fill('E2E Stage left');
      await form.getByRole('button', { name: 'Create group' }).click();
      const row = admin.getByRole('row', { name: 'Group E2E Stage left' });
      await row.waitFor();
      assert.ok(((await row.textContent()) ?? '').includes(member), `${member} not listed as a member`);
      await row.getByRole('button', { name: 'Edit group E2E Stage left' }).click();
      form = admin.getByRole('form', { name: 'Edit group E2E Stage left' });
      await form.getByLabel('Group name').fill('E2E Stage right');
      await form.getByRole('button', { name: 'Save group' }).click();
      const renamed = admin.getByRole('row', { name: 'Group E2E Stage right' });
      await renamed.getByRole('button', { name: 'Deactivate group E2E Stage right' }).click();
      await renamed.getByText('deactivated', { exact: true }).waitFor();
      await shot(admin, '22-monitoring-groups');
      const stored = (
        await api<{ items: Array<{ name: string; is_active: boolean; members: number[] }> }>(
          token,
          'GET',
          '/api/monitoring/groups?include_inactive=true&limit=200',
        )
      ).items.filter((g) => g.name.startsWith('E2E Stage'));
      const picked = (
        await api<{ items: Array<{ id: number; full_name: string; username: string }> }>(
          token,
          'GET',
          '/api/auth/users?limit=200',
        )
      ).items.find((u) => (u.full_name || u.username) === member)!;
      assert.deepEqual(
        stored.map((g) => [g.name, g.is_active, g.members]),
        [['E2E Stage right', false, [picked.id]]],
      );

      // Deleting a group: the dialog counts the assignments that go with it; Cancel keeps all.
      const doomed = await api<{ id: string }>(token, 'POST', '/api/monitoring/groups', {
        name: 'E2E Doomed stage',
      });
      const guest = await api<{ id: string }>(token, 'POST', '/api/monitoring/performers', {
        name: 'Gil Guest',
      });
      const assignment = await api<{ id: string }>(token, 'POST', '/api/monitoring/assignments', {
        performer_id: guest.id,
        wireless_unit_id: units[2].id,
        monitoring_group_id: doomed.id,
      });
      await admin.reload();
      const doomedRow = admin.getByRole('row', { name: 'Group E2E Doomed stage' });
      await doomedRow.getByRole('button', { name: 'Delete group E2E Doomed stage' }).click();
      let ask = admin.getByRole('dialog', { name: 'Delete the group E2E Doomed stage?' });
      assert.match((await ask.textContent()) ?? '', /1 microphone assignment will be deleted with it/);
      await ask.getByRole('button', { name: 'Cancel' }).click();
      await ask.waitFor({ state: 'detached' });
      assert.equal(
        (
          await fetch(`${h.base}/api/monitoring/assignments/${assignment.id}`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).status,
        200,
        'Cancel deletes nothing',
      );
      await doomedRow.getByRole('button', { name: 'Delete group E2E Doomed stage' }).click();
      ask = admin.getByRole('dialog', { name: 'Delete the group E2E Doomed stage?' });
      await ask.getByRole('button', { name: 'Delete group' }).click();
      await admin
        .getByRole('status')
        .filter({ hasText: 'Group E2E Doomed stage deleted, with 1 microphone assignment' })
        .waitFor();
      await doomedRow.waitFor({ state: 'detached' });
      for (const gone of [
        `/api/monitoring/groups/${doomed.id}`,
        `/api/monitoring/assignments/${assignment.id}`,
      ]) {
        assert.equal(
          (await fetch(`${h.base}${gone}`, { headers: { authorization: `Bearer ${token}` } })).status,
          404,
          `${gone} is gone`,
        );
      }
      assert.equal(
        (
          await fetch(`${h.base}/api/monitoring/performers/${guest.id}`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).status,
        200,
        'the performer stays',
      );
    },
  );

  test("signage: an asset's schedule is edited (bad window refused next to the field) with a preview, and a playlist is reordered by drag and drop", async () => {
    const admin = await signedIn('admin');
    await admin.goto(`${h.base}/signage`);
    await admin.getByRole('heading', { name: /^Plan:/ }).waitFor();
    for (const name of ['E2E lobby page', 'E2E news page']) {
      await admin.getByLabel('Link name').fill(name);
      await admin.getByLabel('URL', { exact: true }).fill(`${h.base}/healthz`);
      await admin.getByRole('button', { name: 'Add link' }).click();
      await admin.getByRole('listitem', { name: `Asset ${name}` }).waitFor();
    }
    await admin.getByRole('button', { name: 'Schedule & preview of E2E lobby page' }).click();
    const editor = admin.getByRole('region', { name: 'Schedule of E2E lobby page' });
    await editor.getByTitle('Preview of E2E lobby page').waitFor();
    await editor.getByLabel('Plays from').fill('2030-06-01T18:00');
    await editor.getByLabel('Plays until').fill('2030-06-01T08:00');
    await editor.getByLabel('Duration (seconds)').fill('25');
    await editor.getByRole('button', { name: 'Save schedule' }).click();
    assert.match(
      (await editor.locator('[data-field=end_date]').textContent()) ?? '',
      /The end must be after the start/,
    );
    await shot(admin, '17-asset-schedule-error');
    const token = await apiLogin('admin');
    const find = async () =>
      (
        await api<{
          items: Array<{
            id: string;
            name: string;
            start_date: string | null;
            end_date: string | null;
            duration: number;
          }>;
        }>(token, 'GET', '/api/signage/assets?limit=200')
      ).items.find((a) => a.name === 'E2E lobby page')!;
    assert.deepEqual([(await find()).start_date, (await find()).duration], [null, 10]);
    await editor.getByLabel('Plays until').fill('2030-06-30T20:00');
    await editor.getByRole('button', { name: 'Save schedule' }).click();
    await editor.waitFor({ state: 'detached' });
    await admin
      .getByRole('listitem', { name: 'Asset E2E lobby page' })
      .getByTestId('schedule')
      .getByText('2030-06-01 18:00 → 2030-06-30 20:00')
      .waitFor();
    const saved = await find();
    assert.deepEqual(
      [saved.start_date?.slice(0, 16), saved.end_date?.slice(0, 16), saved.duration],
      ['2030-06-01T18:00', '2030-06-30T20:00', 25],
    );

    await admin.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Playlists' }).click();
    await admin.getByLabel('New playlist').fill('E2E order');
    await admin.getByRole('button', { name: 'Create' }).click();
    const playlist = admin.locator('details', { has: admin.getByText('E2E order', { exact: true }) });
    await playlist.getByLabel('Add asset').selectOption({ label: 'E2E lobby page' });
    await playlist.getByText('1 item', { exact: true }).waitFor();
    await playlist.getByLabel('Add asset').selectOption({ label: 'E2E news page' });
    await playlist.getByText('2 items').waitFor();
    const items = playlist.getByTestId('playlist-item');
    await items.nth(1).dragTo(items.nth(0));
    await admin.waitForFunction(() =>
      document.querySelector('[aria-label="Items of E2E order"] li')?.textContent?.includes('E2E news page'),
    );
    const order = async () => {
      const pl = (
        await api<{ items: Array<{ name: string; asset_ids: string[] }> }>(
          token,
          'GET',
          '/api/signage/playlists?limit=100',
        )
      ).items.find((p) => p.name === 'E2E order')!;
      const names = new Map(
        (
          await api<{ items: Array<{ id: string; name: string }> }>(
            token,
            'GET',
            '/api/signage/assets?limit=200',
          )
        ).items.map((a) => [a.id, a.name]),
      );
      return pl.asset_ids.map((id) => names.get(id));
    };
    assert.deepEqual(await order(), ['E2E news page', 'E2E lobby page']);
    await shot(admin, '18-playlist-dragged');
    // The keyboard path stays: the arrow buttons move an item too.
    await playlist.getByRole('button', { name: 'Move E2E news page down' }).click();
    await admin.waitForFunction(() =>
      document.querySelector('[aria-label="Items of E2E order"] li')?.textContent?.includes('E2E lobby page'),
    );
    assert.deepEqual(await order(), ['E2E lobby page', 'E2E news page']);

    // On a phone: Top/Bottom exist and every reorder button is a 44 px target.
    await admin.setViewportSize({ width: 390, height: 844 });
    const sizes = await playlist
      .getByTestId('playlist-item')
      .first()
      .getByRole('button')
      .evaluateAll((els) =>
        els.map(
          (el) =>
            [
              el.getAttribute('aria-label'),
              el.getBoundingClientRect().width,
              el.getBoundingClientRect().height,
            ] as const,
        ),
      );
    for (const [label, w, h] of sizes) assert.ok(w >= 44 && h >= 44, `${label} is ${w}×${h}`);
    await playlist.getByRole('button', { name: 'Move E2E news page to the top' }).click();
    await admin.waitForFunction(() =>
      document.querySelector('[aria-label="Items of E2E order"] li')?.textContent?.includes('E2E news page'),
    );
    assert.deepEqual(await order(), ['E2E news page', 'E2E lobby page']);
    await playlist.getByRole('button', { name: 'Move E2E news page to the bottom' }).click();
    await admin.waitForFunction(() =>
      document
        .querySelector('[aria-label="Items of E2E order"] li:last-child')
        ?.textContent?.includes('E2E news page'),
    );
    assert.deepEqual(await order(), ['E2E lobby page', 'E2E news page']);
    await shot(admin, '23-playlist-phone');
  });
});
