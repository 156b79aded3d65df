import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, runCli } from '../support/processes.ts';
import { canRunThrowaways, PASSWORD, throwawayPostgres, type ThrowawayPostgres } from './throwaway.ts';

/**
 * Each wrong start-up setting stops `roster start` with a non-zero code and one line on stderr that
 * names the variable and the cause, before anything is opened.
 */
const START_CEILING_MS = 30_000;

const start = (env: Record<string, string>) =>
  runCli(['start'], { DATABASE_URL: '', REDIS_URL: '', PORT: '0', ...env }, START_CEILING_MS);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function assertRefused(env: Record<string, string>, line: RegExp) {
  const { code, stderr } = await start(env);
  assert.notEqual(code, 0, `exits non-zero; stderr:\n${stderr}`);
  assert.equal(code, 1, `exits 1 (not killed at the ceiling); stderr:\n${stderr}`);
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr:\n${stderr}`);
  assert.match(lines[0], line);
}

describe('start-up settings are checked and named', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-startup-'));
  const readOnly = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-readonly-'));
  let mounted = false;
  let postgres: ThrowawayPostgres | undefined;

  before(async () => {
    if (canRunThrowaways) {
      postgres = await throwawayPostgres();
      await postgres.start();
    }
    // A read-only file system refuses even root; where mounting is not allowed, a file stands in
    // for the directory (equally unwritable).
    mounted =
      process.getuid?.() === 0 &&
      spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', readOnly]).status === 0;
  });
  after(() => {
    if (mounted) spawnSync('umount', [readOnly]);
    postgres?.remove();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(readOnly, { recursive: true, force: true });
  });

  test('DATABASE_URL that is not a URL', () =>
    assertRefused(
      { DATA_DIR: dataDir, DATABASE_URL: 'postgres//127.0.0.1/roster' },
      /^roster: DATABASE_URL: not a valid URL/,
    ));

  test('DATABASE_URL of another kind of database', () =>
    assertRefused(
      { DATA_DIR: dataDir, DATABASE_URL: 'mysql://127.0.0.1/roster' },
      /^roster: DATABASE_URL: unsupported scheme "mysql:"/,
    ));

  test('DATABASE_URL whose host does not answer', async () => {
    const port = await freePort();
    await assertRefused(
      { DATA_DIR: dataDir, DATABASE_URL: `postgres://roster@127.0.0.1:${port}/roster` },
      new RegExp(`^roster: DATABASE_URL: cannot reach 127\\.0\\.0\\.1:${port} \\(connection refused\\)$`),
    );
  });

  test('DATABASE_URL with a wrong password', { skip: !canRunThrowaways && 'no Postgres binaries' }, () =>
    assertRefused(
      { DATA_DIR: dataDir, DATABASE_URL: `postgres://postgres:wrong@127.0.0.1:${postgres!.port}/postgres` },
      new RegExp(
        `^roster: DATABASE_URL: authentication failed for user "postgres" at 127\\.0\\.0\\.1:${postgres!.port}$`,
      ),
    ),
  );

  test(
    'DATABASE_URL naming a database that does not exist',
    { skip: !canRunThrowaways && 'no Postgres' },
    () =>
      assertRefused(
        {
          DATA_DIR: dataDir,
          DATABASE_URL: `postgres://postgres:${PASSWORD}@127.0.0.1:${postgres!.port}/no_such_db`,
        },
        /^roster: DATABASE_URL: database "no_such_db" does not exist at 127\.0\.0\.1:\d+$/,
      ),
  );

  test('the password of DATABASE_URL is never printed', async () => {
    const port = await freePort();
    const { stderr } = await start({
      DATA_DIR: dataDir,
      DATABASE_URL: `postgres://roster:sekrit-value@127.0.0.1:${port}/roster`,
    });
    assert.doesNotMatch(stderr, /sekrit-value/);
  });

  test('DATA_DIR that cannot be written', () => {
    const dir = mounted ? readOnly : path.join(dataDir, 'a-file');
    if (!mounted) fs.writeFileSync(dir, '');
    return assertRefused(
      { DATA_DIR: dir },
      new RegExp(
        `^roster: DATA_DIR: ${escape(dir)} is not writable ` +
          '\\((read-only file system|not a directory|it cannot be created)\\)$',
      ),
    );
  });

  test('REDIS_URL that is not a URL', () =>
    assertRefused(
      { DATA_DIR: dataDir, REDIS_URL: 'redis//127.0.0.1' },
      /^roster: REDIS_URL: not a valid URL/,
    ));

  test('REDIS_URL whose server does not answer', async () => {
    const port = await freePort();
    await assertRefused(
      { DATA_DIR: dataDir, REDIS_URL: `redis://127.0.0.1:${port}` },
      new RegExp(`^roster: REDIS_URL: cannot reach 127\\.0\\.0\\.1:${port} \\(connection refused\\)$`),
    );
  });
});
