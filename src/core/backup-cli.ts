import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { askOwner, takeDataDirFor, type DataDirLock } from './db/data-dir-lock.ts';
import { UploadsRestore } from './backup-files.ts';
import { isEmpty, restoreBackup, writeBackup } from './backup.ts';

/** The embedded database's folder inside DATA_DIR. */
const pgliteDir = (config: Config) => path.join(config.dataDir, 'pglite');

async function withDatabase<T>(config: Config, fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase({
    url: config.databaseUrl,
    poolSize: 2,
    dataDir: config.databaseUrl ? undefined : pgliteDir(config),
  });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

/** The server that owns DATA_DIR answers backup requests with a snapshot of its own database. */
export function serveBackups(lock: DataDirLock, database: Database, uploadsDir: string) {
  lock.serve('backup', (_request, send) => writeBackup(database, uploadsDir, send));
}

/**
 * `roster backup FILE`: written to FILE.partial, flushed, then renamed, so FILE is always a whole
 * backup (ending with its end line) or absent. On the embedded database the server holding
 * DATA_DIR takes the snapshot itself; with nobody holding it, this command does.
 */
export async function backupCommand(config: Config, file: string | undefined) {
  if (!file) throw new Error('backup needs a FILE to write');
  const partial = `${file}.partial`;
  const fd = fs.openSync(partial, 'w');
  let last = '';
  let rows = 0;
  let files = 0;
  const write = (line: string) => {
    fs.writeSync(fd, `${line}\n`);
    if (line.startsWith('{"r":')) rows++;
    else if (line.startsWith('{"@":"file"')) files++;
    last = line;
  };
  let via = 'the database';
  try {
    const answered = config.databaseUrl ? null : await askOwner(config.dataDir, { op: 'backup' }, write);
    if (answered) via = 'the running server';
    else {
      if (!config.databaseUrl && !fs.existsSync(path.join(pgliteDir(config), 'PG_VERSION')))
        throw new Error(`there is no database in DATA_DIR ${config.dataDir}`);
      const lock = await takeDataDirFor(config, 'backup');
      try {
        await withDatabase(config, (database) => writeBackup(database, config.uploadsDir, write));
      } finally {
        await lock?.release();
      }
    }
    if (!last.startsWith('{"@":"end"'))
      throw new Error('the backup stopped before its end: nothing was written');
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(partial, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  fs.renameSync(partial, file);
  const tables = Object.keys((JSON.parse(last) as { tables: object }).tables).length;
  console.log(`backup written to ${file} by ${via}: ${tables} tables, ${rows} rows, ${files} uploaded files`);
}

/**
 * `roster restore FILE`: into an empty DATA_DIR (embedded) or an empty DATABASE_URL database,
 * migrated first; one transaction, checked against the backup's checksums before it commits.
 */
export async function restoreCommand(config: Config, file: string | undefined) {
  if (!file) throw new Error('restore needs the backup FILE to read');
  if (!fs.existsSync(file)) throw new Error(`no such file: ${file}`);
  const lock = await takeDataDirFor(config, 'restore');
  try {
    await withDatabase(config, async (database) => {
      const target = config.databaseUrl ? 'the database of DATABASE_URL' : `DATA_DIR ${config.dataDir}`;
      if (!(await isEmpty(database.db)))
        throw new Error(
          `${target} already holds data: restore goes into an empty one only (nothing was changed)`,
        );
      const uploads = new UploadsRestore(config.uploadsDir);
      await database.migrate();
      const input = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
      let sums;
      try {
        // Taken at once: lines read before anyone iterates would be dropped.
        sums = await restoreBackup(database, input[Symbol.asyncIterator](), uploads);
      } catch (err) {
        uploads.discard();
        throw err;
      }
      uploads.commit();
      const rows = sums.reduce((n, s) => n + s.rows, 0);
      console.log(
        `restored ${file} into ${target}: ${sums.length} tables, ${rows} rows, ` +
          `${uploads.sum.count} uploaded files, checksums match`,
      );
    });
  } finally {
    await lock?.release();
  }
}
