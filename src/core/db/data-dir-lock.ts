import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';

/**
 * One process at a time owns a data folder (its embedded database above all: two processes
 * writing one PGlite folder each believe their writes stored, and after a restart one side's are
 * gone). The owner listens on a Unix socket named after the folder; the OS closes it when the
 * process ends in any way, kill -9 included, so the lock is never left behind.
 *
 * On Linux the socket lives in the abstract namespace (nothing on disk, and taking it is atomic:
 * a second listener gets EADDRINUSE). Elsewhere it is `DATA_DIR/roster.sock`; a socket file nobody
 * answers on is left from a dead owner and is taken over.
 *
 * The socket is also how other commands reach the owner: a line of JSON asks, lines of JSON
 * answer. `who` names the holder; the owner can add requests of its own (`serve`).
 */
export interface Holder {
  pid: number;
  startedAt: string;
  /** The command line that holds the folder, e.g. `roster start`. */
  command: string;
  dataDir: string;
}

export class DataDirHeld extends Error {
  constructor(readonly holder: Holder) {
    super(
      `DATA_DIR ${holder.dataDir} is held by ${holder.command} ` +
        `(pid ${holder.pid}, started ${holder.startedAt})`,
    );
  }
}

/** Writes answer lines to the asker; resolves when the answer is complete. */
export type RequestHandler = (
  request: Record<string, unknown>,
  send: (line: string) => Promise<void>,
) => Promise<void>;

export interface DataDirLock {
  holder: Holder;
  /** Answers requests of type `op` from other processes. */
  serve(op: string, handler: RequestHandler): void;
  release(): Promise<void>;
}

const HOLDER_FILE = 'roster.lock';

function socketAddress(dataDir: string): string {
  if (process.platform === 'linux') {
    const id = crypto.createHash('sha256').update(dataDir).digest('hex').slice(0, 32);
    return `\0roster-data-dir-${id}`;
  }
  return path.join(dataDir, 'roster.sock');
}

/** The folder's real path, so every spelling of one folder meets at one lock. */
function realDir(dataDir: string): string {
  fs.mkdirSync(dataDir, { recursive: true });
  return fs.realpathSync(dataDir);
}

/** Takes the folder for this process, or throws `DataDirHeld` naming the owner. */
export async function holdDataDir(dataDir: string, command: string): Promise<DataDirLock> {
  const dir = realDir(dataDir);
  const address = socketAddress(dir);
  const holder: Holder = { pid: process.pid, startedAt: new Date().toISOString(), command, dataDir: dir };
  const handlers = new Map<string, RequestHandler>([
    ['who', async (_request, send) => send(JSON.stringify(holder))],
  ]);
  const server = net.createServer((socket) => void answer(socket, handlers));
  server.on('error', () => {});
  for (let attempt = 0; ; attempt++) {
    try {
      await listen(server, address);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt > 0) throw err;
      const owner = await askOwner(dir, { op: 'who' });
      if (owner) throw new DataDirHeld(JSON.parse(owner[0]) as Holder);
      // A socket file left by an owner that died: nobody answers on it.
      fs.rmSync(address, { force: true });
    }
  }
  server.unref();
  fs.writeFileSync(path.join(dir, HOLDER_FILE), `${JSON.stringify(holder)}\n`);
  return {
    holder,
    serve: (op, handler) => void handlers.set(op, handler),
    release: async () => {
      fs.rmSync(path.join(dir, HOLDER_FILE), { force: true });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server: net.Server, address: string) {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(address, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function answer(socket: net.Socket, handlers: Map<string, RequestHandler>) {
  socket.on('error', () => {});
  const lines = readline.createInterface({ input: socket });
  const send = (line: string) =>
    new Promise<void>((resolve, reject) =>
      socket.write(`${line}\n`, (err) => (err ? reject(err) : resolve())),
    );
  for await (const line of lines) {
    try {
      const request = JSON.parse(line) as Record<string, unknown>;
      const handler = handlers.get(String(request.op));
      if (!handler) throw new Error(`the holder of this DATA_DIR does not answer "${String(request.op)}"`);
      await handler(request, send);
      socket.end();
    } catch (err) {
      // The asker tells a failure from an answer by this one shape.
      const message = err instanceof Error ? err.message : String(err);
      socket.end(`${JSON.stringify({ '@': 'error', message })}\n`);
    }
    return;
  }
}

/**
 * Asks the folder's owner; its answer lines (each passed to `onLine` as it arrives, or collected
 * and returned). Null when nobody owns the folder. Rejects with the owner's error if it failed.
 */
export async function askOwner(
  dataDir: string,
  request: Record<string, unknown>,
  onLine?: (line: string) => void | Promise<void>,
): Promise<string[] | null> {
  const dir = fs.existsSync(dataDir) ? fs.realpathSync(dataDir) : path.resolve(dataDir);
  const socket = net.connect(socketAddress(dir));
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ENOENT') return null;
    throw err;
  }
  socket.write(`${JSON.stringify(request)}\n`);
  const collected: string[] = [];
  for await (const line of readline.createInterface({ input: socket })) {
    if (line.startsWith('{"@":"error"')) throw new Error((JSON.parse(line) as { message: string }).message);
    if (onLine) await onLine(line);
    else collected.push(line);
  }
  return collected;
}

/**
 * For a command about to open the database: takes the data folder when the database is the
 * embedded one (PostgreSQL serialises its own writers, so there is nothing to take). A folder
 * already held is refused with one line naming the holder; `start` and the other commands word
 * it each their way.
 */
export async function takeDataDirFor(
  config: { dataDir: string; databaseUrl?: string },
  command: string,
): Promise<DataDirLock | undefined> {
  if (config.databaseUrl) return undefined;
  try {
    return await holdDataDir(config.dataDir, `roster ${command}`);
  } catch (err) {
    if (!(err instanceof DataDirHeld)) throw err;
    const advice =
      command === 'start'
        ? 'another Roster already serves this folder; stop it or give this one another DATA_DIR'
        : 'stop it first — nothing was read or written';
    throw new Error(`${err.message}: ${advice}`, { cause: err });
  }
}
