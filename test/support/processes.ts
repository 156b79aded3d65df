import type { BodyOf, Method } from './api-types.ts';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CliResult {
  /** The exit code; -1 when the command was killed at its ceiling. */
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `roster ARGS` run to its end with `env` over this process's environment (logs at warn), killed
 * if it outlives `ceilingMs`.
 */
export function runCli(args: string[], env: Record<string, string>, ceilingMs: number): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args],
      { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, timeout: ceilingMs },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * Real `roster start` processes for the multi-instance tests, the fault tests and the benchmark:
 * each on its own port and data directory, all sharing what the environment gives them.
 */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A new empty database next to the one DATABASE_URL names; `drop()` removes it (forcing out connections). */
export async function createDatabase(
  baseUrl: string,
  prefix = 'roster_scale',
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const pg = (await import('pg')).default;
  const name = `${prefix}_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface ServerProcess {
  name: string;
  port: number;
  base: string;
  proc: ChildProcess;
  pid: number;
  /** Everything the process wrote on stdout so far (pino JSON lines plus the start banner). */
  stdout: () => string;
  stderr: () => string;
  /** Parsed JSON log lines so far. */
  logLines: () => Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitFor: (done: () => boolean, what: string, ms?: number) => Promise<void>;
  kill: (signal?: NodeJS.Signals) => Promise<void>;
  /** Removes the data directory (after kill). */
  cleanup: () => void;
}

export interface StartOptions {
  name: string;
  env: Record<string, string>;
  port?: number;
  /** Resolves when the server printed its listening line (default 90 s: first start migrates). */
  readyTimeoutMs?: number;
}

export async function startServer(opts: StartOptions): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `roster-${opts.name}-`));
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  proc.stdout.setEncoding('utf8').on('data', (c: string) => {
    out += c;
    notify();
  });
  proc.stderr.setEncoding('utf8').on('data', (c: string) => {
    err += c;
    notify();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      resolve({ code, signal });
      notify();
    }),
  );
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const waitFor = (done: () => boolean, what: string, ms = 30_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (done()) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        } else if (hasExited) {
          waiters.delete(check);
          clearTimeout(timer);
          reject(
            new Error(
              `${opts.name} exited before ${what}\nstdout (tail):\n${out.slice(-3000)}\nstderr:\n${err.slice(-3000)}`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(
            `timed out after ${ms} ms waiting for ${what} on ${opts.name}\n` +
              `stdout (tail):\n${out.slice(-3000)}\nstderr:\n${err.slice(-3000)}`,
          ),
        );
      }, ms);
      waiters.add(check);
      check();
    });

  const server: ServerProcess = {
    name: opts.name,
    port,
    base: `http://127.0.0.1:${port}`,
    proc,
    pid: proc.pid!,
    stdout: () => out,
    stderr: () => err,
    logLines: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
    exited,
    waitFor,
    kill: async (signal = 'SIGKILL') => {
      if (!hasExited) {
        proc.kill(signal);
        await exited;
      }
    },
    cleanup: () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
  try {
    await waitFor(
      () => out.includes(`Roster listening on http://127.0.0.1:${port}`),
      'the listening line',
      opts.readyTimeoutMs ?? 90_000,
    );
  } catch (e) {
    await server.kill();
    server.cleanup();
    throw e;
  }
  return server;
}

/** JSON over fetch with a hard timeout, so a hung server fails the test instead of stalling it. */
export async function call<
  M extends Uppercase<Method>,
  U extends string,
  T = BodyOf<U, Lowercase<M> & Method>,
>(
  base: string,
  method: M,
  url: U,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(base + url, {
    method,
    headers: {
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  let body: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
  return { status: res.status, body: body as T, headers: res.headers };
}

/**
 * Resolves once `done()` holds, checking every `everyMs`; rejects naming `what` after `ms`. For
 * conditions no process announces (rows in a table, a count reached): the test waits exactly as
 * long as the condition takes, on a busy machine too.
 */
export async function eventually(
  done: () => boolean | Promise<boolean>,
  what: string,
  ms = 30_000,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** What a connection keeps of the text it sent: enough for a short-lived lock connection. */
const RELAY_KEEP_CHARS = 64 * 1024;

/**
 * A TCP relay in front of the Postgres at `databaseUrl`, for one process to connect through:
 * `url` is the same database reached via the relay. `connectionsSending(...parts)` counts the
 * connections whose first statements contained every part, so a test can see an attempt that
 * the process does not log (a refused advisory lock leaves no other trace).
 */
export async function sqlRelay(databaseUrl: string): Promise<{
  url: string;
  connectionsSending: (...parts: string[]) => number;
  close: () => Promise<void>;
}> {
  const target = new URL(databaseUrl);
  const sent: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const index = sent.push('') - 1;
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) sockets.add(s);
    client.on('data', (chunk: Buffer) => {
      if (sent[index].length < RELAY_KEEP_CHARS) sent[index] += chunk.toString('latin1');
    });
    client.pipe(upstream);
    upstream.pipe(client);
    // Either side going away ends the other: a killed process's locks are released at once.
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) s.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    connectionsSending: (...parts) => sent.filter((text) => parts.every((p) => text.includes(p))).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
