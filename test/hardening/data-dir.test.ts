import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, startServer, type ServerProcess } from '../support/processes.ts';

/**
 * One owner per embedded data folder: a second server on the folder is refused with the holder
 * named, a CLI command that would write while the server runs is refused (never "created" for a
 * write that is not stored), a backup goes through the running server, and kill -9 of the holder
 * frees the folder for the next start.
 */
const skip = process.env.DATABASE_URL ? 'the data-folder lock is for the embedded database' : false;
const CLI_TIMEOUT_MS = 180_000;

const roster = (args: string[], env: Record<string, string>) => runCli(args, env, CLI_TIMEOUT_MS);

describe('data folder: one owner', { skip }, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-datadir-'));
  const env = { DATA_DIR: dataDir, ROSTER_DEMO_PASSWORD: 'data-dir-pass', REDIS_URL: '', DATABASE_URL: '' };
  let first: ServerProcess | undefined;
  let second: ServerProcess | undefined;

  before(async () => {
    first = await startServer({ name: 'datadir-first', env, readyTimeoutMs: 180_000 });
  });
  after(async () => {
    for (const server of [first, second]) {
      await server?.kill();
      server?.cleanup();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('a second server on the same DATA_DIR is refused, naming the holder', async () => {
    const res = await roster(['start'], { ...env, PORT: String(first!.port + 1), HOST: '127.0.0.1' });
    assert.notEqual(res.code, 0);
    const line = res.stderr.trim();
    assert.match(line, new RegExp(`held by roster start \\(pid ${first!.pid}, started \\d{4}-`));
    assert.match(line, /another Roster already serves this folder/);
    assert.equal(line.split('\n').length, 1, `one line: ${line}`);
  });

  test('CLI writes while the server runs are refused, never reported as done', async () => {
    const cases = [
      ['create-user', '--org', 'demo', '--username', 'ghost'],
      ['create-org', '--name', 'Ghost', '--slug', 'ghost'],
      ['migrate'],
      ['seed'],
    ];
    for (const args of cases) {
      const res = await roster(args, env);
      assert.notEqual(res.code, 0, `${args[0]} exit code`);
      assert.doesNotMatch(res.stdout, /created|applied/, `${args[0]} claims success`);
      assert.match(res.stderr, new RegExp(`pid ${first!.pid}.*nothing was read or written`));
    }
  });

  test('a backup while the server runs is taken by the server', async () => {
    const file = path.join(dataDir, 'live.backup');
    const res = await roster(['backup', file], env);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /by the running server: \d+ tables, [1-9]\d* rows/);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    assert.match(lines[0], /^\{"@":"roster-backup"/);
    assert.match(lines.at(-1)!, /^\{"@":"end"/);
  });

  test('kill -9 of the holder frees the folder: the next server starts on it', async () => {
    await first!.kill('SIGKILL');
    second = await startServer({
      name: 'datadir-second',
      env: { ...env, HOST: '127.0.0.1' },
      readyTimeoutMs: 180_000,
    });
    assert.ok(second.pid);
    const res = await roster(['create-user', '--org', 'demo', '--username', 'ghost'], env);
    assert.match(res.stderr, new RegExp(`pid ${second.pid}`));
  });
});
