// One venue in Chromium: the demo room manager opens their room's page from their home (session,
// occupancy, the stage's mics), and an org admin asks who can see a performer now and yesterday.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { browserMissing, consoleInBrowser, HOUR } from '../support/browser.ts';

interface Overview {
  room: { name: string; capacity: number };
  current: { title: string } | null;
  next: { title: string } | null;
  stage: { location_id: string } | null;
}

describe('venue: the room page and the access page', { skip: browserMissing, timeout: 600_000 }, () => {
  const h = consoleInBrowser();
  const { api, apiLogin, signedIn, textMatches } = h;

  test('the demo room manager opens their room from home: session, occupancy and the stage’s mics', async () => {
    const token = await apiLogin('gestionnaire');
    const [event] = (await api<{ items: Array<{ id: string }> }>(token, 'GET', '/api/events/events')).items;
    const mine = await api<{ room: { id: string } | null }>(
      token,
      'GET',
      `/api/events/events/${event.id}/my-room`,
    );
    assert.ok(mine.room, 'the demo room manager holds a room now');
    const overview = await api<Overview>(token, 'GET', `/api/venue/rooms/${mine.room.id}`);
    assert.ok(overview.stage, 'the demo room has a stage');

    const page = await signedIn('gestionnaire');
    await page.getByRole('link', { name: 'Open the room page' }).click();
    await page
      .getByRole('heading', { name: new RegExp(`^${overview.room.name} — `) })
      .waitFor({ timeout: 60_000 });
    const sessions = page.getByTestId('room-sessions');
    const shown = overview.current ?? overview.next;
    if (shown) await textMatches(sessions, new RegExp(shown.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await textMatches(page.getByTestId('room-door'), new RegExp(`\\d+ / ${overview.room.capacity}`));
    // The stage's mics, read through the slot's derived grant (the manager is in no monitoring group).
    await textMatches(page.getByTestId('room-mics'), /CH1/);
    assert.equal(
      (await api<{ items: unknown[] }>(token, 'GET', '/api/monitoring/me/groups')).items.length,
      0,
    );
  });

  test('an admin asks who can see a performer; the time picker changes the answer', async () => {
    const token = await apiLogin('admin');
    const gest = await apiLogin('gestionnaire');
    const [event] = (await api<{ items: Array<{ id: string }> }>(gest, 'GET', '/api/events/events')).items;
    const mine = await api<{ room: { id: string } }>(gest, 'GET', `/api/events/events/${event.id}/my-room`);
    const overview = await api<Overview>(gest, 'GET', `/api/venue/rooms/${mine.room.id}`);
    const chassis = await api<{ items: Array<{ id: string }> }>(
      token,
      'GET',
      `/api/monitoring/chassis?location_id=${overview.stage!.location_id}`,
    );
    const units = await api<{ items: Array<{ id: string }> }>(
      token,
      'GET',
      `/api/monitoring/units?chassis_id=${chassis.items[0].id}`,
    );
    const assignments = await api<{
      items: Array<{ performer: { id: string }; wireless_unit: { id: string } }>;
    }>(token, 'GET', '/api/monitoring/assignments?limit=200');
    const performer = assignments.items.find((a) => a.wireless_unit.id === units.items[0].id)!.performer;

    const page = await signedIn('admin');
    await page.goto(`${h.base}/org/access`);
    await page.getByLabel('Object').fill(`monitoring.performer:${performer.id}`);
    await page.getByRole('button', { name: 'Explain' }).click();
    const row = page.getByRole('row').filter({ hasText: 'gestionnaire' });
    await textMatches(row, /venue\.room_slot_stage/);

    // A day ago the room manager's slot had not started: they are not among the people then.
    const yesterday = await page.evaluate((ms) => {
      const d = new Date(Date.now() - ms);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:00`;
    }, 24 * HOUR);
    await page.getByLabel('At').fill(yesterday);
    await page.getByRole('button', { name: 'Explain' }).click();
    await textMatches(page.getByRole('table'), /admin/);
    await row.first().waitFor({ state: 'detached', timeout: 60_000 });
    assert.equal(await row.count(), 0, 'the room manager could not see the performer yesterday');
  });
});
