import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/processes.ts';

/**
 * Throwaway Postgres and Redis servers of a test's own, on their own ports, so a test can stop
 * and restart them to cause an outage without touching the machine's shared ones.
 */
const PG_BIN = '/usr/lib/postgresql/15/bin';
export const PASSWORD = 'throwaway-pass';

/** Whether a throwaway Postgres and Redis can be started here (binaries present). */
export const canRunThrowaways = fs.existsSync(path.join(PG_BIN, 'initdb')) && hasRedis();

function hasRedis() {
  return spawnSync('redis-server', ['--version']).status === 0;
}

/** initdb refuses root: as root, run the server tools as the postgres user. */
function asPostgres(args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', ...args]] : [args[0], args.slice(1)];
}

function run(args: string[]) {
  const [cmd, rest] = asPostgres(args);
  const res = spawnSync(cmd, rest, { encoding: 'utf8', timeout: 60_000 });
  if (res.status !== 0) throw new Error(`${args.join(' ')} failed: ${res.stderr || res.stdout}`);
}

/** Resolves once something accepts TCP connections on `port` (or rejects after `ms`). */
export function waitForPort(port: number, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${port} after ${ms} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

export interface ThrowawayPostgres {
  port: number;
  url: string;
  start(): Promise<void>;
  /** Fast shutdown: clients get "terminating connection due to administrator command". */
  stop(): void;
  remove(): void;
}

export async function throwawayPostgres(): Promise<ThrowawayPostgres> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roster-pg-'));
  fs.chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  const pwfile = path.join(dir, 'pw');
  fs.writeFileSync(pwfile, PASSWORD, { mode: 0o644 });
  run([
    `${PG_BIN}/initdb`,
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=scram-sha-256',
    `--pwfile=${pwfile}`,
    '--no-sync',
  ]);
  const pgCtl = (action: string, extra: string[] = []) =>
    run([`${PG_BIN}/pg_ctl`, '-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '60', ...extra, action]);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`;
  let running = false;
  return {
    port,
    url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`,
    start: async () => {
      pgCtl('start', ['-o', opts]);
      running = true;
      await waitForPort(port);
    },
    stop: () => {
      if (!running) return;
      pgCtl('stop', ['-m', 'fast']);
      running = false;
    },
    remove: () => {
      if (running) {
        try {
          pgCtl('stop', ['-m', 'immediate']);
        } catch {
          // Already gone: nothing to stop.
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ThrowawayRedis {
  port: number;
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function throwawayRedis(): Promise<ThrowawayRedis> {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const stop = async () => {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc!.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start: async () => {
      proc = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
        stdio: 'ignore',
      });
      await waitForPort(port);
    },
    stop,
  };
}
