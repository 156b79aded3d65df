// A tour of every console page, each as the demo user whose work it is, on a 1366×768 desktop and a
// 390×844 phone: axe-core finds no serious or critical violation, and nothing is wider than the phone.
// A screenshot of the viewport is taken of each page: into docs/img/ when DOCS_SCREENSHOTS=1 (the
// pictures of docs/console.md), otherwise into test/artifacts/ for review.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ROOT } from '../support/processes.ts';
import {
  ARTIFACTS,
  assertAccessible,
  browserMissing,
  consoleInBrowser,
  openPath,
  PHONE,
} from '../support/browser.ts';

const DESKTOP = { width: 1366, height: 768 };
const VIEWPORTS = [
  ['desktop', DESKTOP],
  ['phone', PHONE],
] as const;
const SHOTS = process.env.DOCS_SCREENSHOTS === '1' ? path.join(ROOT, 'docs/img') : ARTIFACTS;

/**
 * Each page of the menu and the demo user who works there (see src/seed.ts and each module's demo
 * data). A page that shows one record is reached as its user reaches it: `follow` names the link
 * they take from the menu's page.
 */
const TOUR: Array<{ path: string; user: string; follow?: string }> = [
  { path: '/', user: 'admin' },
  { path: '/events/timetable', user: 'participant' },
  { path: '/events/manage', user: 'admin' },
  { path: '/events/slots', user: 'admin' },
  { path: '/events/staffing', user: 'admin' },
  { path: '/events/statistics', user: 'admin' },
  { path: '/events/questions', user: 'participant' },
  { path: '/events/badges', user: 'admin' },
  { path: '/events/my-badge', user: 'participant' },
  { path: '/events/announcements', user: 'participant' },
  { path: '/events/stand', user: 'exposant' },
  { path: '/events/scanner', user: 'controleur' },
  { path: '/events/check-in', user: 'controleur' },
  { path: '/org/users', user: 'admin' },
  { path: '/org/units', user: 'admin' },
  { path: '/org/audit', user: 'admin' },
  { path: '/org/access', user: 'admin' },
  { path: '/venue/room', user: 'gestionnaire', follow: 'Salle 1' },
  { path: '/monitoring', user: 'tech' },
  { path: '/monitoring/performers', user: 'tech' },
  { path: '/monitoring/groups', user: 'admin' },
  { path: '/monitoring/hardware', user: 'admin' },
  { path: '/signage', user: 'admin' },
  { path: '/signage/playlists', user: 'admin' },
  { path: '/signage/screens', user: 'admin' },
  { path: '/signage/reports', user: 'admin' },
];

/** The file name of a page's screenshots: `/events/my-badge` → `events-my-badge`, `/` → `home`. */
const shotName = (page: string) => page.slice(1).replace(/\//g, '-') || 'home';

/**
 * The menu's targets as App.tsx writes them: a path, or a page's exported constant naming its path
 * (`href: ROOM_PAGE`), resolved from the console's sources.
 */
function menuPaths(): string[] {
  const web = path.join(ROOT, 'web/src');
  const constants = new Map<string, string>();
  for (const file of fs.readdirSync(web, { recursive: true }).map(String)) {
    if (!/\.tsx?$/.test(file)) continue;
    const text = fs.readFileSync(path.join(web, file), 'utf8');
    for (const m of text.matchAll(/^export const ([A-Z_]+) = '([^']+)';$/gm)) constants.set(m[1], m[2]);
  }
  const app = fs.readFileSync(path.join(web, 'App.tsx'), 'utf8');
  return [...app.matchAll(/^\s+href: (?:'([^']+)'|([A-Z_]+)),$/gm)].map(
    (m) => m[1] ?? constants.get(m[2]) ?? m[2],
  );
}

/** Requests in flight per page, so a page is looked at once it has its data, not after a fixed delay. */
const inFlight = new WeakMap<Page, number>();
function countRequests(page: Page) {
  inFlight.set(page, 0);
  const done = () => inFlight.set(page, (inFlight.get(page) ?? 1) - 1);
  page.on('request', () => inFlight.set(page, (inFlight.get(page) ?? 0) + 1));
  page.on('requestfinished', done);
  page.on('requestfailed', done);
}

/** Waits until no request of `page` has been in flight for half a second (ceiling: two minutes). */
async function settled(page: Page) {
  const until = Date.now() + 120_000;
  let quietSince = Date.now();
  while (Date.now() < until) {
    if ((inFlight.get(page) ?? 0) > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= 500) return;
    await page.waitForTimeout(100);
  }
  assert.fail(`${page.url()} kept loading for two minutes`);
}

/** The outermost elements that reach past the viewport's right edge, named `tag.class`. */
function tooWide(page: Page): Promise<string> {
  return page.evaluate(() => {
    const past = (el: Element) => el.getBoundingClientRect().right > window.innerWidth + 1;
    const name = (el: Element) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
    return [...document.querySelectorAll('body *')]
      .filter((el) => past(el) && !(el.parentElement && past(el.parentElement)))
      .slice(0, 5)
      .map(name)
      .join(', ');
  });
}

describe('a tour of every console page', { skip: browserMissing, timeout: 3_600_000 }, () => {
  const h = consoleInBrowser();
  const pages = new Map<string, Page>();

  /** One signed-in tab per user and viewport, reused from page to page as a person would. */
  async function tab(user: string, viewport: { width: number; height: number }) {
    const key = `${user}@${viewport.width}`;
    let page = pages.get(key);
    if (!page) {
      page = await h.signedInAs(user, 'en-US', viewport);
      countRequests(page);
      pages.set(key, page);
    }
    return page;
  }

  /**
   * The checks every page passes, then its screenshot. What a page fails is returned rather than
   * thrown, so one tour names every page that needs work.
   */
  async function inspect(page: Page, name: string, kind: 'desktop' | 'phone'): Promise<string[]> {
    await settled(page);
    const found: string[] = [];
    await assertAccessible(page, `${name} (${kind})`).catch((err: Error) => found.push(err.message));
    if (kind === 'phone') {
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > PHONE.width + 1)
        found.push(`${name} is ${width} px wide on a ${PHONE.width} px phone: ${await tooWide(page)}`);
    }
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${kind}.png`) });
    return found;
  }

  test('the tour names every page of the menu', () => {
    const menu = menuPaths();
    assert.ok(menu.length > 10, 'the menu was read from App.tsx');
    assert.deepEqual(
      menu.filter((href) => !TOUR.some((p) => p.path === href)),
      [],
      'pages of the menu missing from the tour',
    );
  });

  for (const [kind, viewport] of VIEWPORTS) {
    test(`every signed-in page on a ${kind} (${viewport.width}×${viewport.height})`, async () => {
      const found: string[] = [];
      for (const stop of TOUR) {
        const page = await tab(stop.user, viewport);
        await openPath(page, stop.path);
        if (stop.follow) {
          await page.getByRole('main').getByRole('link', { name: stop.follow, exact: true }).click();
          await page.locator('main h1', { hasText: stop.follow }).waitFor();
        }
        found.push(...(await inspect(page, shotName(stop.path), kind)));
      }
      assert.deepEqual(found, []);
    });

    test(`the screen player and the side-of-stage display on a ${kind}`, async () => {
      const context = await h.newContext({ viewport, bypassCSP: true });
      const player = await context.newPage();
      countRequests(player);
      await player.goto(`${h.base}/player`, { timeout: 180_000 });
      await player.locator('h1').first().waitFor();
      const found = await inspect(player, 'player', kind);

      const token = await h.apiLogin('admin');
      const groups = await h.api<{ items: Array<{ id: string }> }>(token, 'GET', '/api/monitoring/groups');
      const link = await h.api<{ url: string }>(token, 'POST', '/api/monitoring/display-links', {
        name: `Tour ${kind}`,
        monitoring_group_id: groups.items[0].id,
      });
      const display = await context.newPage();
      countRequests(display);
      await display.goto(`${h.base}${link.url}`, { timeout: 180_000 });
      await display.locator('h1').first().waitFor();
      // The group's channels as tiles, with the demo receiver's live readings in their meters.
      await display.waitForFunction(
        () =>
          [...document.querySelectorAll('.display-tile .display-meter-value')].some((value) =>
            /\d/.test(value.textContent ?? ''),
          ),
        undefined,
        { timeout: 60_000 },
      );
      found.push(...(await inspect(display, 'display', kind)));
      assert.deepEqual(found, []);
    });
  }
});
