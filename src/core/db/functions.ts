import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Database functions and triggers are not versioned like tables: each migration set keeps the one
 * current definition of the ones it owns in a functions file, written so that applying it again
 * changes nothing (CREATE OR REPLACE), and `database.migrate()` applies every file after the
 * migrations. Changing a function is editing its file; the migrations that created functions are
 * history.
 */

const srcRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where a migration set keeps its functions: core's beside this file, a module's in its own folder. */
export const functionsFileOf = (set: string) =>
  set === 'core'
    ? path.join(srcRoot, 'core', 'db', 'functions.sql')
    : path.join(srcRoot, 'modules', set, 'functions.sql');

export interface FunctionsFile {
  set: string;
  file: string;
  sql: string;
}

/** The functions files of these sets (those that have one), in the sets' order. */
export function functionsFiles(sets: readonly string[]): FunctionsFile[] {
  return sets
    .map((set) => ({ set, file: functionsFileOf(set) }))
    .filter(({ file }) => fs.existsSync(file))
    .map(({ set, file }) => ({ set, file, sql: fs.readFileSync(file, 'utf8') }));
}

/**
 * Runs each file's SQL as one multi-statement script through `exec` (the caller holds the
 * transaction). A failure names the file it came from.
 */
export async function applyFunctionsFiles(
  files: FunctionsFile[],
  exec: (script: string) => Promise<unknown>,
): Promise<void> {
  for (const { file, sql } of files) {
    try {
      await exec(sql);
    } catch (err) {
      const where = path.relative(path.dirname(srcRoot), file);
      throw new Error(`${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
}
