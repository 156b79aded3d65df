import fs from 'node:fs';
import path from 'node:path';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

/**
 * The embedded database is Postgres compiled to WebAssembly writing through Emscripten's NODEFS,
 * and out of the box nothing it writes is flushed to disk: PGlite starts Postgres with `-F`
 * (fsync off), `fdatasync()` is a no-op in its system-call layer and NODEFS has no `fsync`. An
 * answered write then lives only in the OS page cache until the kernel gets round to it, and a
 * power cut or OS crash can take it away.
 *
 * Here Postgres runs with fsync on and `wal_sync_method=fsync`, and NODEFS gets an `fsync` that
 * flushes the real file: a commit is answered only once its WAL record is on disk (one flush per
 * commit, as Postgres itself does), and a checkpoint flushes the data files it wrote before it
 * lets the WAL that could redo them be recycled — Postgres' own ordering, now honoured.
 */
export function durablePglite(PGliteClass: typeof PGlite, dataDir: string) {
  const params = PGliteClass.defaultStartParams;
  // Without PGlite's own parameters Postgres would start in a mode PGlite does not drive.
  if (!params?.includes('--single')) throw new Error('PGlite start parameters not found');
  const fresh = !fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  const options: PGliteOptions = {
    fs: new FlushingNodeFS(dataDir),
    startParams: [...params.filter((p) => p !== '-F'), ...['-c', 'fsync=on', '-c', 'wal_sync_method=fsync']],
  };
  return {
    options,
    /**
     * After `waitReady`. A new folder was written by PGlite's initdb through the emulated file
     * system with no flush at all: flush it whole once, so the first answered write stands on a
     * folder that is itself on disk.
     */
    opened: () => {
      if (fresh) flushTree(dataDir);
    },
  };
}

interface NodeStream {
  nfd?: number;
}
interface WithNodeFs {
  NODEFS: { stream_ops: { fsync?: (stream: NodeStream) => number } };
}

class FlushingNodeFS extends NodeFS {
  override async init(pg: PGlite, opts: Parameters<NodeFS['init']>[1]) {
    const result = await super.init(pg, opts);
    result.emscriptenOpts.preRun = [
      ...(result.emscriptenOpts.preRun ?? []),
      (mod: unknown) => {
        // Postgres' `fsync(fd)` arrives here (through WASI fd_sync) with the file's stream, whose
        // `nfd` is the real descriptor (folders are opened too, so their fsync works as well).
        (mod as WithNodeFs).NODEFS.stream_ops.fsync = (stream) => {
          if (stream.nfd !== undefined) fs.fsyncSync(stream.nfd);
          return 0;
        };
      },
    ];
    return result;
  }
}

/** fsync every file and folder under `dir`, folders after their entries so new names stick. */
export function flushTree(dir: string) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) flushTree(full);
    else if (entry.isFile()) flushPath(full);
  }
  flushPath(dir);
}

function flushPath(file: string) {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
