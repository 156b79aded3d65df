// One place across modules, in Chromium over the demo: the room manager holding Salle 1 opens its
// room page (session, door, the stage's mics streaming from the demo receiver, the room's screens),
// then an org admin asks the access page why they could see the stage's mic, now and at a past instant.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { browserMissing, SUITE_TIMEOUT_MS, consoleInBrowser, localInput } from '../support/browser.ts';

interface Items<T> {
  items: T[];
}

describe(
  'venue: the room page and the access page',
  { skip: browserMissing, timeout: SUITE_TIMEOUT_MS },
  () => {
    const h = consoleInBrowser();
    const { api, apiLogin, signedInAs, textMatches, shot } = h;
    /** The demo's ids the two journeys share. */
    const demo = { eventId: '', salle1: '', slotId: '', slotEnd: '', ch1: '', gestionnaire: 0 };

    /** The demo event, Salle 1, the room manager's slot there and the main stage's first mic. */
    async function readDemo(admin: string) {
      const [event] = (await api<Items<{ id: string; name: string }>>(admin, 'GET', '/api/events/events'))
        .items;
      demo.eventId = event.id;
      const rooms = await api<Items<{ id: string; name: string }>>(
        admin,
        'GET',
        `/api/events/events/${event.id}/rooms?limit=100`,
      );
      demo.salle1 = rooms.items.find((r) => r.name === 'Salle 1')!.id;
      const me = await api<{ user: { id: number } }>(await apiLogin('gestionnaire'), 'GET', '/api/auth/me');
      demo.gestionnaire = me.user.id;
      const slots = await api<Items<{ id: string; end_time: string }>>(
        admin,
        'GET',
        `/api/events/events/${event.id}/room-assignments?room_id=${demo.salle1}&user_id=${me.user.id}`,
      );
      assert.equal(slots.items.length, 1, 'the demo room manager holds Salle 1');
      demo.slotId = slots.items[0].id;
      demo.slotEnd = slots.items[0].end_time;
      const units = await api<Items<{ id: string; name: string; serial: string | null }>>(
        admin,
        'GET',
        '/api/monitoring/units?limit=100',
      );
      demo.ch1 = units.items.find((u) => u.serial === 'DEMO-ULXD4Q-01-CH1')!.id;
    }

    test('the room manager opens Salle 1: session, door, the stage’s mics live, the screens', async (t) => {
      if (!h.receiver)
        return t.skip(`no demo receiver simulator in the server log:\n${h.serverLog.slice(-2000)}`);
      const admin = await apiLogin('admin');
      await readDemo(admin);
      // Somebody let in at Salle 1's door before the page opens.
      const people = await api<Items<{ full_name: string; qr_payload: string }>>(
        admin,
        'GET',
        `/api/events/events/${demo.eventId}/participants?limit=200`,
      );
      const camille = people.items.find((p) => p.full_name === 'Camille Durand')!;
      await api(admin, 'POST', `/api/events/events/${demo.eventId}/scans`, {
        qr: camille.qr_payload,
        force: true,
        reason: 'Speaker’s guest',
        room_id: demo.salle1,
      });

      const page = await signedInAs('gestionnaire');
      await page.getByRole('link', { name: 'Open the room page' }).click();
      await page.getByRole('heading', { level: 1, name: 'Salle 1 — Demo Tech Days' }).waitFor();

      // The demo's timetable is aligned to the hour it was seeded in, so which session runs depends
      // on when this test runs: the room's own answer says which ones the page must show.
      const now = await api<{ current: { title: string } | null; next: { title: string } | null }>(
        admin,
        'GET',
        `/api/venue/rooms/${demo.salle1}`,
      );
      const sessions = page.getByTestId('room-sessions');
      for (const s of [now.current, now.next]) if (s) await sessions.getByText(s.title).waitFor();
      assert.ok(now.current ?? now.next, 'Salle 1 has a session now or next');

      const door = page.getByTestId('room-door');
      await textMatches(door, /1 \/ 300/);
      await door.getByText(/Camille Durand · in · granted/).waitFor();
      await door.getByRole('link', { name: 'Open the scanner' }).waitFor();

      // The stage's mics come from monitoring's own routes, which admit the slot holder; the values are
      // the receiver's, polled from the demo simulator.
      const mics = page.getByTestId('room-mics');
      await mics.getByRole('heading', { name: 'Stage mics — Main Hall · Stage' }).waitFor();
      const tiles = mics.locator('li.tile');
      await tiles.nth(3).waitFor();
      assert.deepEqual(await tiles.locator('strong').allTextContents(), ['CH1', 'CH2', 'CH3', 'CH4']);
      const ch1 = mics.locator(`li.tile[data-unit="${demo.ch1}"]`);
      const battery = ch1.locator('dd').first();
      await textMatches(battery, /^(9\d|100)%$/);
      await textMatches(ch1.locator('dd').nth(1), /^\d+%$/);
      const res = await fetch(`http://${h.receiver}/control`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 1, battery: 4 }),
      });
      assert.ok(res.ok, `simulator control answered ${res.status}`);
      await textMatches(battery, /^[0-4]%$/);

      const screens = page.getByTestId('room-screens');
      const lobby = screens.getByRole('listitem').filter({ hasText: 'Lobby screen' });
      await lobby.getByText('lobby', { exact: true }).waitFor();
      // Signage's health route admits the slot holder too: the demo screen has never connected.
      await textMatches(lobby, /offline · never/);
      await shot(page, 'venue-01-room-page');
    });

    test('an org admin asks why: a person, an object, and the slot’s end at a past instant', async () => {
      const admin = await apiLogin('admin');
      if (!demo.slotId) await readDemo(admin);
      const page = await signedInAs('admin');
      await page.getByRole('link', { name: 'Access' }).first().click();
      await page.getByRole('heading', { level: 1, name: 'Access' }).waitFor();
      const form = page.locator('form.filters');
      const person = form.getByLabel('Person (user id)');
      const object = form.getByLabel('Object');
      const ask = () => form.getByRole('button', { name: 'Explain' }).click();
      const slot = `events.room_assignment ${demo.slotId}`;

      // A person: everything they reach, the main stage's mics among it through the room slot.
      await person.fill(String(demo.gestionnaire));
      await ask();
      const reached = page.getByRole('row').filter({ hasText: 'monitoring.unit' }).filter({ hasText: 'CH1' });
      await reached.first().waitFor();
      assert.match((await reached.first().textContent()) ?? '', /venue\.room_slot_stage/);

      // An object: who reaches the mic, the room manager through the same slot.
      await person.fill('');
      await object.fill(`monitoring.unit:${demo.ch1}`);
      await ask();
      const holder = page.getByRole('row').filter({ hasText: 'gestionnaire' });
      await holder.waitFor();
      assert.match((await holder.textContent()) ?? '', new RegExp(`venue\\.room_slot_stage.*${slot}`));

      // The slot ends now; asked at an instant before, the answer names the slot and its end.
      const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
      const before = Date.now() - 1000;
      await api(admin, 'DELETE', `/api/events/events/${demo.eventId}/room-assignments/${demo.slotId}`);
      await person.fill(String(demo.gestionnaire));
      await ask();
      const answer = page.getByRole('region', { name: 'Answer' });
      await answer.getByText('Refused', { exact: true }).waitFor();
      await answer.getByText('monitoring.unit.see', { exact: true }).first().waitFor();

      await form.getByLabel('At').fill(localInput(before, zone, true));
      await ask();
      await answer.getByText('Allowed', { exact: true }).waitFor();
      const end = await page.evaluate(
        (iso) =>
          new Intl.DateTimeFormat('en', { dateStyle: 'short', timeStyle: 'short', hourCycle: 'h23' }).format(
            new Date(iso),
          ),
        demo.slotEnd,
      );
      await answer.getByText(`${slot}, until ${end}`, { exact: false }).waitFor();
      await shot(page, 'venue-02-access-past-instant');
    });
  },
);
