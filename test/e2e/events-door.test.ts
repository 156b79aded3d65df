// The door on the day, in Chromium: the camera reads a real badge's QR code (a fake camera stream
// made here from the demo badge), the scanner keeps deciding offline and uploads its queue when the
// network is back, and a participant shows their badge on a phone.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import QRCode from 'qrcode';
import { browserMissing, SUITE_TIMEOUT_MS, consoleInBrowser } from '../support/browser.ts';

const WIDTH = 640;
const HEIGHT = 480;
/** Chromium is told the camera's file at launch; the badge is drawn into it once the demo exists. */
const VIDEO = path.join(os.tmpdir(), `roster-e2e-door-camera-${process.pid}.y4m`);

/**
 * A Y4M video (the raw format Chromium's fake camera plays in a loop) of `payload` as a QR code,
 * black on white, centred: 4:2:0 frames whose chroma planes are neutral grey.
 */
function writeQrVideo(file: string, payload: string | null) {
  const luma = Buffer.alloc(WIDTH * HEIGHT, 235);
  if (payload) {
    const qr = QRCode.create(payload, { errorCorrectionLevel: 'M' });
    const modules = qr.modules.size;
    const scale = Math.floor((HEIGHT - 40) / (modules + 8));
    const side = (modules + 8) * scale;
    const left = Math.floor((WIDTH - side) / 2) + 4 * scale;
    const top = Math.floor((HEIGHT - side) / 2) + 4 * scale;
    for (let y = 0; y < modules * scale; y++)
      for (let x = 0; x < modules * scale; x++)
        if (qr.modules.get(Math.floor(y / scale), Math.floor(x / scale)))
          luma[(top + y) * WIDTH + left + x] = 16;
  }
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`);
  fs.writeFileSync(file, Buffer.concat([header, frame, frame, frame, frame, frame]));
}
writeQrVideo(VIDEO, null);

describe(
  'events: the door on the day (camera, offline, phone badge)',
  { skip: browserMissing, timeout: SUITE_TIMEOUT_MS },
  () => {
    const h = consoleInBrowser({
      chromiumArgs: [
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        `--use-file-for-fake-video-capture=${VIDEO}`,
      ],
    });
    const { api, apiLogin, signedIn, textMatches, shot } = h;
    let eventId = '';
    const people = new Map<string, { id: string; qr_payload: string; badge_id: string }>();

    async function demoBadges() {
      const token = await apiLogin('admin');
      const [event] = (await api<{ items: Array<{ id: string }> }>(token, 'GET', '/api/events/events')).items;
      eventId = event.id;
      const list = await api<{
        items: Array<{ id: string; full_name: string; qr_payload: string; badge_id: string }>;
      }>(token, 'GET', `/api/events/events/${eventId}/participants?limit=200`);
      for (const p of list.items) people.set(p.full_name, p);
      return token;
    }

    test('the camera reads a real badge in a browser without BarcodeDetector: GRANTED', async () => {
      await demoBadges();
      const paul = people.get('Paul Participant');
      assert.ok(paul, 'the demo has Paul Participant');
      writeQrVideo(VIDEO, paul.qr_payload);
      const phone = await signedIn('controleur', { width: 390, height: 844 });
      await phone.goto(`${h.base}/events/scanner`);
      await phone.getByText('Door of Salle 2').waitFor();
      assert.equal(await phone.evaluate(() => 'BarcodeDetector' in window), false);
      await phone.getByRole('button', { name: 'Scan with camera' }).click();
      await phone.locator('[data-engine=jsqr]').waitFor();
      const verdict = phone.getByTestId('verdict');
      await verdict.getByText('GRANTED').waitFor({ timeout: 60_000 });
      assert.match((await verdict.textContent()) ?? '', /Paul Participant/);
      await shot(phone, 'door-01-camera-granted');
      await phone.getByRole('button', { name: 'Stop camera' }).click();
    });

    test('offline, the door decides from its kit and uploads the queue when the network is back', async () => {
      const token = await demoBadges();
      const paul = people.get('Paul Participant')!;
      const unpaid = people.get('Alex Unpaid');
      assert.ok(unpaid, 'the demo has a participant who has not paid the running atelier');
      const phone = await signedIn('controleur', { width: 390, height: 844 });
      await phone.goto(`${h.base}/events/scanner`);
      await phone.getByText(/^Offline kit of /).waitFor();
      await phone.context().setOffline(true);
      await textMatches(phone.getByTestId('connection'), /^Offline/);

      const badge = phone.getByLabel('Badge QR payload or badge id');
      const verdict = phone.getByTestId('verdict');
      await badge.fill(unpaid.qr_payload);
      await phone.getByRole('button', { name: 'Scan', exact: true }).click();
      await verdict.getByText('DENIED').waitFor();
      assert.match((await verdict.textContent()) ?? '', /Payment required.*Decided offline/);
      await phone.getByRole('radio', { name: 'Exit' }).check();
      await badge.fill(paul.qr_payload);
      await phone.getByRole('button', { name: 'Scan', exact: true }).click();
      await verdict.getByText('GRANTED').waitFor();
      await textMatches(phone.getByTestId('queue'), /^2 scans waiting to upload$/);
      await shot(phone, 'door-02-offline-queue');

      await phone.context().setOffline(false);
      await textMatches(phone.getByTestId('connection'), /^Online$/);
      await textMatches(phone.getByTestId('queue'), /^Every scan is uploaded$/);
      const scans = await api<{
        items: Array<{
          participant_id: string;
          status: string;
          direction: string;
          device_scanned_at: string | null;
        }>;
      }>(token, 'GET', `/api/events/events/${eventId}/scans?limit=50`);
      const uploaded = scans.items.filter((s) => s.device_scanned_at !== null);
      assert.deepEqual(
        uploaded
          .map((s) => `${s.participant_id === paul.id ? 'paul' : 'alex'} ${s.direction} ${s.status}`)
          .sort(),
        ['alex in denied', 'paul out granted'],
      );
      const [{ current_room_id }] = [
        await api<{ current_room_id: string | null }>(
          token,
          'GET',
          `/api/events/events/${eventId}/participants/${paul.id}`,
        ),
      ];
      assert.equal(current_room_id, null, 'the exit taken offline moved the badge out');
      await shot(phone, 'door-03-queue-uploaded');
    });

    test('a participant shows their badge on a phone: a screen-wide QR code, kept without network', async () => {
      const phone = await signedIn('participant', { width: 390, height: 844 });
      await phone.goto(`${h.base}/events/my-badge`);
      const card = phone.getByRole('article', { name: 'Badge of Paul Participant' });
      await card.waitFor();
      const qr = card.getByRole('img', { name: 'Badge QR code' });
      const box = await qr.boundingBox();
      assert.ok(box && box.width >= 300, `the QR code is ${box?.width}px wide on a 390px screen`);
      await card.getByText('Sessions').waitFor();
      const print = card.getByRole('link', { name: 'Print my badge' });
      const href = (await print.getAttribute('href')) ?? '';
      assert.match(href, /\/participants\/[^/]+\/badge$/);
      await shot(phone, 'door-04-my-badge-phone');

      // Without network, the page opened again shows what the device kept.
      await phone.context().setOffline(true);
      // Away and back inside the console (the menu folds on a phone): the page mounts afresh.
      const go = (to: string) =>
        phone.evaluate((url) => {
          history.pushState(null, '', url);
          dispatchEvent(new PopStateEvent('popstate'));
        }, to);
      await go('/events/timetable');
      await card.waitFor({ state: 'detached' });
      await go('/events/my-badge');
      await card.waitFor();
      await phone.getByTestId('kept').waitFor();
      await phone.context().setOffline(false);
      const printed = await phone.context().newPage();
      await printed.goto(h.base + href);
      await printed.locator('svg').first().waitFor();
      assert.match(await printed.content(), /Paul Participant/);
    });
  },
);
