// How the server answers at `/` when the console has not been built, and that the console never
// swallows API or documentation paths.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ProblemBody } from '../support/api-types.ts';
import { loadConfig } from '../../src/core/config.ts';
import { buildApp, type RosterApp } from '../../src/core/http/app.ts';
import { openRuntime, type Runtime } from '../../src/server.ts';
import { coreModule } from '../../src/core/module.ts';
import { createConsoleModule } from '../../src/modules/console/index.ts';

describe('console serving', () => {
  let app: RosterApp;
  let runtime: Runtime;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-console-'));
  const dist = path.join(dir, 'dist');

  before(async () => {
    const config = { ...loadConfig(), dataDir: dir, secret: 'console-test' };
    runtime = await openRuntime(config, { memory: true });
    app = await buildApp({ config, ...runtime }, { modules: [coreModule, createConsoleModule(dist)] });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await runtime.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('without web/dist, / and deep links explain how to build the console', async () => {
    for (const url of ['/', '/events/scanner']) {
      const res = await app.inject({
        method: 'GET',
        url,
        headers: { accept: 'text/html,application/xhtml+xml' },
      });
      assert.equal(res.statusCode, 503);
      assert.match(res.headers['content-type'] as string, /text\/html/);
      assert.match(res.body, /npm run build:web/);
    }
  });

  test('with web/dist, files are served, other paths get index.html, API paths stay problems', async () => {
    fs.mkdirSync(path.join(dist, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
    fs.writeFileSync(path.join(dist, 'assets', 'app-123.js'), 'console.log(1)');
    const index = await app.inject({
      method: 'GET',
      url: '/org/users?unit=1',
      headers: { accept: 'text/html,*/*;q=0.8' },
    });
    assert.equal(index.statusCode, 200);
    assert.equal(index.body, '<!doctype html><div id="root"></div>');
    assert.equal(index.headers['cache-control'], 'no-cache');
    const asset = await app.inject({ method: 'GET', url: '/assets/app-123.js' });
    assert.equal(asset.body, 'console.log(1)');
    assert.match(asset.headers['cache-control'] as string, /immutable/);
    // Only a browser page load falls back to the app; other clients get the usual 404 problem.
    const curl = await app.inject({ method: 'GET', url: '/org/users', headers: { accept: '*/*' } });
    assert.equal(curl.statusCode, 404);
    assert.equal(curl.json<ProblemBody>().detail, 'No route GET /org/users');
    const traversal = await app.inject({ method: 'GET', url: '/../../etc/passwd' });
    assert.doesNotMatch(traversal.body, /root:/);
    const api = await app.inject({ method: 'GET', url: '/api/does-not-exist' });
    assert.equal(api.statusCode, 401);
    const docs = await app.inject({ method: 'GET', url: '/docs/nothing-here' });
    assert.equal(docs.statusCode, 404);
    assert.equal(docs.json<ProblemBody>().title, 'Not Found');
  });
});
