// The web console in a real browser: a real `roster start` (PGlite, demo data, monitoring
// simulator) driven by Debian's Chromium through playwright-core. Screenshots go to
// test/artifacts/ for review. Skipped, with a message, when /usr/bin/chromium is missing.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = path.resolve(import.meta.dirname, '../..');
const ARTIFACTS = path.join(ROOT, 'test/artifacts');
const PASSWORD = 'e2e-demo-password';
const missing = fs.existsSync(CHROMIUM) ? false : `chromium not installed: ${CHROMIUM} is missing (apt-get install chromium, or set CHROMIUM_PATH)`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('web console in Chromium', { skip: missing, timeout: 150_000 }, () => {
  let server: ChildProcess;
  let dataDir: string;
  let base: string;
  let receiver = '';
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let serverLog = '';

  async function api<T = any>(token: string | null, method: string, url: string, body?: unknown): Promise<T> {
    const res = await fetch(base + url, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${url} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
  const apiLogin = async (username: string) => (await api<{ token: string }>(null, 'POST', '/api/auth/login', { username, password: PASSWORD })).token;

  async function signedIn(username: string, viewport = { width: 1280, height: 860 }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error(`[${username}] page error: ${err.message}`));
    await page.goto(`${base}/`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Log out' }).first().waitFor();
    return page;
  }
  /** Polls a locator's text until it matches (live updates arrive without a reload). */
  async function textMatches(locator: Locator, pattern: RegExp, timeoutMs = 15_000) {
    const until = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < until) {
      last = (await locator.textContent().catch(() => '')) ?? '';
      if (pattern.test(last)) return last;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.fail(`"${last}" never matched ${pattern}`);
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-web.mjs')], { cwd: ROOT, stdio: 'inherit' });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-e2e-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ROSTER_DEMO_PASSWORD: PASSWORD, LOG_LEVEL: 'info', MONITORING_POLL_MS: '250' };
    // One backend is enough for the browser journeys: PGlite, in-process bus.
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    server = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${serverLog}`)), 60_000);
      const onData = (chunk: Buffer) => {
        serverLog += chunk.toString();
        const sim = /"address":"([^"]+)","msg":"demo receiver simulator started"|demo receiver simulator started[^\n]*"address":"([^"]+)"/.exec(serverLog);
        if (sim) receiver = sim[1] ?? sim[2];
        if (serverLog.includes('Roster listening on')) {
          clearTimeout(timer);
          resolve();
        }
      };
      server.stdout!.on('data', onData);
      server.stderr!.on('data', onData);
      server.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${serverLog}`)));
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      // playwright gives every launch a fresh temporary profile of its own (no --user-data-dir).
    });
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('serves the console on deep links and keeps API 404s as problems', async () => {
    const deep = await fetch(`${base}/events/scanner`, { headers: { accept: 'text/html' } });
    assert.equal(deep.status, 200);
    assert.match(await deep.text(), /<div id="root">/);
    const api404 = await fetch(`${base}/api/nope`, { headers: { authorization: 'Bearer x' } });
    assert.equal(api404.status, 401);
    const docs404 = await fetch(`${base}/docs/nope`);
    assert.equal(docs404.status, 404);
    assert.equal(((await docs404.json()) as { title: string }).title, 'Not Found');
  });

  test('admin creates a user with two units and departments through the checkbox tree, who must then change password', async () => {
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
    const notice = await page.getByRole('status').filter({ hasText: 'e2e.inspector created' }).textContent();
    const temporary = /Temporary password \(shown once\): (\S+)/.exec(notice ?? '')?.[1];
    assert.ok(temporary, `no temporary password in "${notice}"`);

    const token = await apiLogin('admin');
    const found = await api<{ items: Array<{ username: string; unit_assignments: Array<{ unit: { unit_name: string }; departments: Array<{ department_name: string }> }> }> }>(token, 'GET', '/api/auth/users?q=e2e.inspector');
    assert.deepEqual(
      found.items[0].unit_assignments.map((a) => [a.unit.unit_name, a.departments.map((d) => d.department_name).sort()]).sort(),
      [['Mumbai Plant', ['QC', 'R&D']], ['Pune Plant', []]],
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
    const context = await browser.newContext();
    contexts.push(context);
    const fresh = await context.newPage();
    await fresh.goto(`${base}/`);
    await fresh.getByLabel('Username').fill('e2e.inspector');
    await fresh.getByLabel('Password').fill(temporary);
    await fresh.getByRole('button', { name: 'Sign in' }).click();
    await fresh.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await fresh.getByLabel('Temporary password').fill(temporary);
    await fresh.getByLabel('New password', { exact: true }).fill('a-brand-new-password-42');
    await fresh.getByLabel('New password again').fill('a-brand-new-password-42');
    await fresh.getByRole('button', { name: 'Change password' }).click();
    await fresh.getByRole('heading', { name: /Hello Ines Inspector/ }).waitFor();
  });

  test('a controller scans a badge: denied for payment, granted once the payment is marked', async () => {
    const token = await apiLogin('admin');
    const [event] = (await api<{ items: Array<{ id: string }> }>(token, 'GET', '/api/events/events')).items;
    const [paul] = (await api<{ items: Array<{ badge_id: string; full_name: string }> }>(token, 'GET', `/api/events/events/${event.id}/participants?role=participant`)).items;

    const phone = await signedIn('controleur', { width: 390, height: 844 });
    await phone.goto(`${base}/events/scanner`);
    await phone.getByText('Door of Salle 2').waitFor();
    await phone.getByLabel('Badge QR payload or badge id').fill(paul.badge_id);
    await phone.getByRole('button', { name: 'Scan' }).click();
    const verdict = phone.getByTestId('verdict');
    await verdict.getByText('DENIED').waitFor();
    assert.match((await verdict.textContent()) ?? '', /Payment required/);
    await shot(phone, '04-scanner-denied-phone');

    const admin = await signedIn('admin');
    await admin.goto(`${base}/events/timetable`);
    const atelier = admin.getByRole('listitem').filter({ hasText: 'Hands-on: building APIs (paid)' });
    await atelier.getByPlaceholder('Badge id that paid').fill(paul.badge_id);
    await atelier.getByRole('button', { name: 'Mark paid' }).click();
    await atelier.getByText(`${paul.full_name} paid`).waitFor();
    await shot(admin, '05-timetable');

    await phone.getByLabel('Badge QR payload or badge id').fill(paul.badge_id);
    await phone.getByRole('button', { name: 'Scan' }).click();
    await verdict.getByText('GRANTED').waitFor();
    assert.match((await verdict.textContent()) ?? '', /Paul Participant/);
    await shot(phone, '06-scanner-granted-phone');
  });

  test('a screen opens /player, shows a pairing code, is claimed in the console and plays', async () => {
    const context = await browser.newContext({ viewport: { width: 960, height: 540 } });
    contexts.push(context);
    const screen = await context.newPage();
    await screen.goto(`${base}/player`);
    const codeEl = screen.getByTestId('pair-code');
    await screen.waitForFunction(() => /\w{4,}/.test(document.querySelector('[data-testid=pair-code]')?.textContent ?? ''));
    const code = ((await codeEl.textContent()) ?? '').trim();
    await shot(screen, '07-player-pairing');

    const admin = await signedIn('admin');
    await admin.goto(`${base}/signage`);
    await admin.getByRole('heading', { name: /^Plan:/ }).waitFor();
    // Upload a real image through the console (XMLHttpRequest with a progress bar) into a new playlist.
    const slide = await admin.screenshot({ clip: { x: 0, y: 0, width: 320, height: 180 } });
    await admin.getByLabel('Image or video').setInputFiles({ name: 'e2e-slide.png', mimeType: 'image/png', buffer: slide });
    await admin.getByLabel('Name', { exact: true }).fill('E2E slide');
    await admin.getByRole('button', { name: 'Upload' }).click();
    await admin.getByRole('listitem').filter({ hasText: 'E2E slide' }).first().waitFor();
    await admin.getByLabel('New playlist').fill('E2E loop');
    await admin.getByRole('button', { name: 'Create' }).click();
    const playlist = admin.locator('details', { has: admin.getByText('E2E loop', { exact: true }) });
    await playlist.getByLabel('Add asset').selectOption({ label: 'E2E slide' });
    await playlist.getByText('1 items').waitFor();
    await admin.getByLabel('Pairing code').fill(code);
    await admin.getByLabel('Screen name').fill('E2E screen');
    await admin.locator('form', { has: admin.getByLabel('Pairing code') }).getByLabel('Playlist').selectOption({ label: 'E2E loop' });
    await admin.getByRole('button', { name: 'Claim screen' }).click();
    await admin.getByRole('cell', { name: /E2E screen/ }).waitFor();
    await shot(admin, '08-signage');

    const player = screen.getByTestId('player');
    await player.waitFor({ timeout: 20_000 });
    assert.equal(await player.getAttribute('data-asset'), 'E2E slide');
    await screen.waitForFunction(() => (document.querySelector('[data-testid=player] img') as HTMLImageElement | null)?.naturalWidth === 320);
    await shot(screen, '09-player-playing');
    // The server becomes unreachable and the screen reloads: it keeps playing what it cached.
    await context.route('**/api/device/**', (route) => route.abort('connectionrefused'));
    await screen.reload();
    await screen.getByText('offline — playing cached playlist').waitFor();
    await screen.waitForFunction(() => (document.querySelector('[data-testid=player] img') as HTMLImageElement | null)?.naturalWidth === 320);
    await shot(screen, '09b-player-offline');
  });

  test('the mic wall follows the simulator live: a drained battery changes the tile and raises an alert', async (t) => {
    if (!receiver) return t.skip(`no demo receiver simulator in the server log:\n${serverLog.slice(-2000)}`);
    const admin = await signedIn('admin');
    await admin.goto(`${base}/monitoring`);
    const tile = admin.getByRole('listitem', { name: /Alice Johnson on CH1/ });
    await textMatches(tile.getByTestId('battery'), /\b(9\d|100)%/);
    const res = await fetch(`http://${receiver}/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel: 1, battery: 4 }) });
    assert.ok(res.ok, `simulator control answered ${res.status}`);
    await textMatches(tile.getByTestId('battery'), /^\s*[0-4]%/);
    assert.match((await tile.getAttribute('class')) ?? '', /\bhealth-bad\b/);
    const alert = admin.getByTestId('alert').filter({ hasText: 'Alice Johnson' }).first();
    await alert.waitFor({ timeout: 15_000 });
    await shot(admin, '10-mic-wall');
    await alert.getByRole('button', { name: 'Acknowledge' }).click();
    await admin.getByTestId('alert').filter({ hasText: 'Alice Johnson' }).getByText('acknowledged').first().waitFor();
  });
});
