import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tableSums } from '../../src/core/backup.ts';
import { openDatabase } from '../../src/core/db/client.ts';
import { createDatabase, runCli } from '../support/processes.ts';

/**
 * Backup and restore by round trip through the real CLI: the demo data of an embedded folder is
 * backed up, restored into a new folder (and, with DATABASE_URL, into a new PostgreSQL database),
 * and every table comes back with the same rows (row count and checksum per table). A target that
 * holds data and a backup cut short are refused with nothing changed.
 */
const CLI_TIMEOUT_MS = 240_000;

const roster = (args: string[], env: Record<string, string>) => runCli(args, env, CLI_TIMEOUT_MS);

/** Row count and checksum per table of the embedded database in `dataDir` (opened, read, closed). */
async function embeddedSums(dataDir: string) {
  const database = await openDatabase({ dataDir: path.join(dataDir, 'pglite') });
  try {
    return await tableSums(database.db);
  } finally {
    await database.close();
  }
}

describe('backup and restore', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-backup-'));
  const source = path.join(root, 'source');
  const file = path.join(root, 'demo.backup');
  const embedded = { DATABASE_URL: '', REDIS_URL: '', ROSTER_DEMO_PASSWORD: 'backup-pass' };
  let sums: Awaited<ReturnType<typeof tableSums>>;

  /** Uploaded files as the storage leaves them: nested keys, binary bytes, a half-written `.part`. */
  const uploads: Record<string, Buffer> = {
    'org-a/asset-1.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255, 254]),
    'org-b/deep/video.mp4': Buffer.alloc(200_000, 7),
  };
  /** Every file under `dir` (relative path → bytes). */
  const filesIn = (dir: string) =>
    fs.existsSync(dir)
      ? Object.fromEntries(
          fs
            .readdirSync(dir, { recursive: true, withFileTypes: true })
            .filter((e) => e.isFile())
            .map((e) => [
              path.relative(dir, path.join(e.parentPath, e.name)),
              fs.readFileSync(path.join(e.parentPath, e.name)),
            ]),
        )
      : {};

  before(async () => {
    const seeded = await roster(['seed'], { ...embedded, DATA_DIR: source });
    assert.equal(seeded.code, 0, seeded.stderr);
    for (const [rel, bytes] of Object.entries(uploads)) {
      fs.mkdirSync(path.dirname(path.join(source, 'uploads', rel)), { recursive: true });
      fs.writeFileSync(path.join(source, 'uploads', rel), bytes);
    }
    fs.writeFileSync(path.join(source, 'uploads', 'org-a', 'half.png.1a2b.part'), 'not yet stored');
    const backup = await roster(['backup', file], { ...embedded, DATA_DIR: source });
    assert.equal(backup.code, 0, backup.stderr);
    sums = await embeddedSums(source);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  test('the backup holds every table with its rows', () => {
    const end = JSON.parse(fs.readFileSync(file, 'utf8').trim().split('\n').at(-1)!) as {
      tables: typeof sums;
    };
    assert.deepEqual(end.tables, sums);
    assert.ok(Object.values(sums).some((s) => s.rows > 0));
    assert.deepEqual((end as { files?: unknown }).files, { count: 2, bytes: 200_009 });
  });

  test('embedded → embedded: same rows in every table', async () => {
    const target = path.join(root, 'target');
    const res = await roster(['restore', file], { ...embedded, DATA_DIR: target });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /checksums match/);
    assert.match(res.stdout, /2 uploaded files/);
    assert.deepEqual(await embeddedSums(target), sums);
    assert.deepEqual(filesIn(path.join(target, 'uploads')), uploads);

    const again = await roster(['restore', file], { ...embedded, DATA_DIR: target });
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /already holds data: restore goes into an empty one only/);
    assert.deepEqual(await embeddedSums(target), sums);
  });

  test('a backup cut short is refused and nothing is restored', async () => {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const cut = path.join(root, 'cut.backup');
    fs.writeFileSync(cut, lines.slice(0, Math.floor(lines.length / 2)).join('\n'));
    const target = path.join(root, 'cut-target');
    const res = await roster(['restore', cut], { ...embedded, DATA_DIR: target });
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /incomplete/);
    const left = await embeddedSums(target);
    assert.ok(Object.values(left).every((s) => s.rows === 0));
    assert.deepEqual(
      fs.readdirSync(target).filter((f) => f.startsWith('uploads')),
      [],
    );
  });

  test('an uploaded file altered in the backup is refused and nothing is restored', async () => {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"path":"org-a/asset-1.png"'));
    assert.ok(at > 0, 'the backup holds the uploaded file');
    lines[at + 1] = JSON.stringify({ d: Buffer.from('tampered').toString('base64') });
    const altered = path.join(root, 'altered.backup');
    fs.writeFileSync(altered, lines.join('\n'));
    const target = path.join(root, 'altered-target');
    const res = await roster(['restore', altered], { ...embedded, DATA_DIR: target });
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /file org-a\/asset-1\.png restored as 8 bytes, the backup has 9/);
    assert.ok(Object.values(await embeddedSums(target)).every((s) => s.rows === 0));
    assert.deepEqual(
      fs.readdirSync(target).filter((f) => f.startsWith('uploads')),
      [],
    );
  });

  test(
    'embedded → PostgreSQL: same rows in every table',
    { skip: process.env.DATABASE_URL ? false : 'needs DATABASE_URL (a throwaway database is created)' },
    async () => {
      const database = await createDatabase(process.env.DATABASE_URL!, 'roster_restore');
      try {
        const res = await roster(['restore', file], { ...embedded, DATABASE_URL: database.url });
        assert.equal(res.code, 0, res.stderr);
        const pg = await openDatabase({ url: database.url, poolSize: 1 });
        try {
          assert.deepEqual(await tableSums(pg.db), sums);
        } finally {
          await pg.close();
        }
        const back = path.join(root, 'from-postgres.backup');
        const backup = await roster(['backup', back], { ...embedded, DATABASE_URL: database.url });
        assert.equal(backup.code, 0, backup.stderr);
        const end = JSON.parse(fs.readFileSync(back, 'utf8').trim().split('\n').at(-1)!) as {
          tables: typeof sums;
        };
        assert.deepEqual(end.tables, sums);
      } finally {
        await database.drop();
      }
    },
  );
});
