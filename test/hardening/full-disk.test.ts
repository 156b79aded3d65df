import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { loadConfig, type Config } from '../../src/core/config.ts';
import { queryRows } from '../../src/core/db/client.ts';
import type { RosterApp } from '../../src/core/http/app.ts';
import { createServer, modules, openRuntime, type Runtime } from '../../src/server.ts';
import { seedDemo } from '../../src/seed.ts';

/**
 * A real full disk under the embedded database: its folder lives on a small tmpfs of this test's
 * own, which a filler file then fills to the last byte. Writes that meet the full disk are answered
 * 503 with Retry-After at once (nothing hangs), reads and /healthz are still answered, and writing
 * resumes without a restart once space is freed. Every write answered 201 is there after the
 * folder is reopened. Needs root (to mount); skipped elsewhere.
 */
const PASSWORD = 'full-disk-demo-pass';
const FAST_MS = 1000;
/** Enough to hold the seeded demo with room to spare before the filler takes the rest. */
const DISK = '160m';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-full-disk-'));
const mounted =
  process.getuid?.() === 0 &&
  spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK}`, 'tmpfs', root]).status === 0;

describe(
  'embedded database on a full disk',
  { skip: !mounted && 'needs root to mount a small tmpfs' },
  () => {
    const dataDir = path.join(root, 'data');
    const filler = path.join(root, 'filler');
    let config: Config;
    let runtime: Runtime | undefined;
    let app: RosterApp;
    let token = '';

    async function open() {
      runtime = await openRuntime(config);
      await runtime.database.migrate();
      app = await createServer(config, runtime, { logger: false });
      await app.ready();
    }
    async function close() {
      await app?.close();
      await runtime?.close();
      runtime = undefined;
    }
    const createUnit = (n: number) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/units',
        headers: { authorization: `Bearer ${token}` },
        // Wide rows so that the table and its indexes grow into new pages quickly.
        payload: { unit_name: `Full disk unit ${n} ${'x'.repeat(180)}`, unit_code: `FD${n}` },
      });
    const listUnits = () =>
      app.inject({
        method: 'GET',
        url: '/api/auth/units?limit=1',
        headers: { authorization: `Bearer ${token}` },
      });

    /** Fills the file system to its last byte. */
    function fillDisk() {
      const fd = fs.openSync(filler, 'w');
      const block = Buffer.alloc(1 << 20, 1);
      try {
        for (;;) fs.writeSync(fd, block);
      } catch (err) {
        assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
      }
      // The last partial block, so that not even a page is left.
      try {
        for (;;) fs.writeSync(fd, block.subarray(0, 4096));
      } catch {
        /* full */
      } finally {
        fs.closeSync(fd);
      }
    }

    before(async () => {
      config = loadConfig({
        DATA_DIR: dataDir,
        ROSTER_SECRET: 'full-disk-secret',
        ROSTER_DEMO_PASSWORD: PASSWORD,
        ROSTER_JOBS: 'off',
      });
      await open();
      await seedDemo(runtime!.database.db, config, modules);
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'admin', password: PASSWORD },
      });
      assert.equal(login.statusCode, 200, login.body);
      token = login.json<{ token: string }>().token;
    });
    after(async () => {
      await close();
      spawnSync('umount', [root]);
      fs.rmSync(root, { recursive: true, force: true });
    });

    test('writes 503 + Retry-After at once, reads answered, writing resumes, answered writes kept', async () => {
      const answered: number[] = [];
      for (let n = 0; n < 5; n++) {
        const res = await createUnit(n);
        assert.equal(res.statusCode, 201, res.body);
        answered.push(n);
      }
      fillDisk();

      // Writes go on until one needs a page the disk has not: that one, and the next, are 503s.
      let refused: Awaited<ReturnType<typeof createUnit>> | undefined;
      let n = answered.length;
      for (; n < 5000 && !refused; n++) {
        const started = Date.now();
        const res = await createUnit(n);
        if (res.statusCode === 201) answered.push(n);
        else {
          assert.equal(res.statusCode, 503, res.body);
          assert.ok(Date.now() - started < FAST_MS, `refused in ${Date.now() - started} ms`);
          refused = res;
        }
      }
      assert.ok(refused, `${n} writes all fit on a full disk`);
      assert.match(String(refused.headers['retry-after']), /^[1-5]$/);
      assert.equal(refused.json<{ detail: string }>().detail, 'The database is out of disk space');

      const health = await app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(health.statusCode, 200);
      const read = await listUnits();
      assert.equal(read.statusCode, 200, 'a read is still answered');

      fs.rmSync(filler);
      const again = await createUnit(n);
      assert.equal(again.statusCode, 201, again.body);
      answered.push(n);

      // Every write that was answered 201 is in the folder once reopened.
      await close();
      await open();
      const stored = await queryRows<{ code: string }>(
        runtime!.database.db,
        sql`select unit_code as code from units where unit_code like 'FD%'`,
      );
      const codes = new Set(stored.map((r) => r.code));
      for (const a of answered) assert.ok(codes.has(`FD${a}`), `answered write FD${a} is stored`);
    });
  },
);
