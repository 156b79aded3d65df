// The console in a real browser: a real `roster start` (PGlite, demo data, monitoring simulator)
// driven by Debian's Chromium through playwright-core. Each e2e file calls `consoleInBrowser()` once
// inside its describe block; screenshots go to test/artifacts/ for review.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { freePort, ROOT } from './processes.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'test/artifacts');
export const DEMO_PASSWORD = 'e2e-demo-password';
export const HOUR = 3_600_000;
export const PHONE = { width: 390, height: 844 };
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/** axe-core on the current page: serious and critical violations fail the test, naming each. */
export async function assertAccessible(page: Page, what: string) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<unknown> } }).axe;
    const result = (await axe.run(document, { resultTypes: ['violations'] })) as {
      violations: AxeViolation[];
    };
    return result.violations;
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')})`),
    [],
    `accessibility of ${what}`,
  );
}

/** Opens `path` in the console without a reload, as the menu does, once its heading is shown. */
export async function openPath(page: Page, path: string) {
  await page.evaluate((p) => {
    history.pushState(null, '', p);
    dispatchEvent(new PopStateEvent('popstate'));
  }, path);
  await page.locator('main h1').first().waitFor();
}

/**
 * The value a `datetime-local` input takes for an instant on the clock of `zone`, to the minute or,
 * for an input with `step="1"`, to the second.
 */
export const localInput = (ms: number, zone = 'Europe/Paris', seconds = false) =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: seconds ? '2-digit' : undefined,
    hourCycle: 'h23',
  })
    .format(ms)
    .replace(' ', 'T');

/**
 * A browser suite's ceiling: only there to stop a hung suite. A suite builds the console and starts
 * a server, and on a machine busy with other work that alone can take minutes; its steps wait for
 * what they expect, never for a time.
 */
export const SUITE_TIMEOUT_MS = 900_000;
/** The ceiling of one browser step (a navigation, a click, a wait for an element). */
const STEP_TIMEOUT_MS = 90_000;

/** Why browser tests are skipped here, or false when Chromium is installed. */
export const browserMissing = fs.existsSync(CHROMIUM)
  ? false
  : `chromium not installed: ${CHROMIUM} is missing (apt-get install chromium, or set CHROMIUM_PATH)`;

export interface BrowserOptions {
  /** Extra environment for the server (e.g. a faster poll). */
  env?: NodeJS.ProcessEnv;
  /** Extra Chromium flags (e.g. a fake camera stream). */
  chromiumArgs?: string[];
}

/** Registers before/after hooks that start the server and the browser; returns the harness. */
export function consoleInBrowser(options: BrowserOptions = {}) {
  let server: ChildProcess | undefined;
  let dataDir = '';
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const h = {
    base: '',
    serverLog: '',
    /** `host:port` of the demo receiver simulator, when the server log names one. */
    receiver: '',
    get browser() {
      return browser;
    },
    api: async <T = unknown>(
      token: string | null,
      method: string,
      url: string,
      body?: unknown,
    ): Promise<T> => {
      const res = await fetch(h.base + url, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      assert.ok(res.ok, `${method} ${url} → ${res.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    apiLogin: async (username: string) => {
      return (
        await h.api<{ token: string }>(null, 'POST', '/api/auth/login', { username, password: DEMO_PASSWORD })
      ).token;
    },
    /** A fresh browser context (closed after the file's tests). */
    newContext: async (opts: Parameters<Browser['newContext']>[0] = {}) => {
      const context = await browser.newContext(opts);
      // Playwright's 30 s default is a quiet machine's: on a busy one a page load alone has taken longer.
      // Every wait still ends as soon as what it waits for appears.
      context.setDefaultTimeout(STEP_TIMEOUT_MS);
      context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
      contexts.push(context);
      return context;
    },
    signedIn: async (
      username: string,
      viewport = { width: 1280, height: 860 },
      locale?: string,
    ): Promise<Page> => {
      const context = await h.newContext({ viewport, ...(locale ? { locale } : {}) });
      const page = await context.newPage();
      page.on('pageerror', (err) => console.error(`[${username}] page error: ${err.message}`));
      await page.goto(`${h.base}/`);
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Log out' }).first().waitFor();
      return page;
    },
    /**
     * A signed-in page in a browser whose language is `locale`: the session is put where the console
     * keeps it, so the sign-in form (whose labels follow the language) is not part of the journey.
     * The CSP is bypassed so that axe-core can be injected as an inline script.
     */
    signedInAs: async (
      username: string,
      locale: 'en-US' | 'fr-FR' = 'en-US',
      viewport = { width: 1280, height: 860 },
    ): Promise<Page> => {
      const token = await h.apiLogin(username);
      const context = await h.newContext({ viewport, locale, bypassCSP: true });
      await context.addInitScript((t) => localStorage.setItem('roster.token', t), token);
      const page = await context.newPage();
      page.on('pageerror', (err) => console.error(`[${username}] page error: ${err.message}`));
      await page.goto(`${h.base}/`, { timeout: 180_000 });
      await page.getByRole('button', { name: locale === 'fr-FR' ? 'Se déconnecter' : 'Log out' }).waitFor();
      return page;
    },
    /** Polls a locator's text until it matches (live updates arrive without a reload). */
    textMatches: async (locator: Locator, pattern: RegExp, timeoutMs = 60_000) => {
      const until = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < until) {
        last = (await locator.textContent().catch(() => '')) ?? '';
        if (pattern.test(last)) return last;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.fail(`"${last}" never matched ${pattern}`);
    },
    shot: (page: Page, name: string) => {
      return page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
    },
  };

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-web.mjs')], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-e2e-'));
    const port = await freePort();
    h.base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ROSTER_DEMO_PASSWORD: DEMO_PASSWORD,
      LOG_LEVEL: 'info',
      MONITORING_POLL_MS: '250',
      ...options.env,
    };
    // One backend is enough for the browser journeys: PGlite, in-process bus.
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = proc;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${h.serverLog}`)), 300_000);
      const onData = (chunk: Buffer) => {
        h.serverLog += chunk.toString();
        const sim =
          /"address":"([^"]+)","msg":"demo receiver simulator started"|demo receiver simulator started[^\n]*"address":"([^"]+)"/.exec(
            h.serverLog,
          );
        if (sim) h.receiver = sim[1] ?? sim[2];
        if (h.serverLog.includes('Roster listening on')) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout.on('data', onData);
      proc.stderr.on('data', onData);
      proc.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${h.serverLog}`)));
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        ...(options.chromiumArgs ?? []),
      ],
      // playwright gives every launch a fresh temporary profile of its own (no --user-data-dir).
    });
  });

  // A test's pages close when it ends: pages left open keep their live connections and re-render on
  // every push, and on a busy machine a dozen of them slowed the next test's page load past its ceiling.
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    if (server && server.exitCode === null) {
      const proc = server;
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  return h;
}
