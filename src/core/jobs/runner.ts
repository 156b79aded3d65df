import crypto from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Database, ExclusiveLock } from '../db/client.ts';

/**
 * A periodic job. By default it runs in exactly one process at a time (telemetry poller, daily
 * usage…); `eachProcess` jobs run in every process on their own timer (work on what this process
 * alone holds, such as the API calls it counted).
 */
export interface Job {
  name: string;
  everyMs: number;
  run(): Promise<void>;
  eachProcess?: boolean;
}

/** How often a process that is not the leader of a job checks whether the leader went away. */
const FOLLOWER_RETRY_MS = 5_000;

export function jobLockKey(name: string): number {
  return crypto.createHash('sha256').update(`roster-job:${name}`).digest().readInt32BE(0);
}

/**
 * Runs each job in the one process that holds its Postgres advisory lock. When that process
 * dies its connection closes, the lock is released, and another instance takes over within
 * FOLLOWER_RETRY_MS. Runs of one job never overlap: the next is scheduled after the last ends.
 * With `enabled: false` (ROSTER_JOBS=off) `start()` starts nothing; `runNow` still runs one tick.
 */
export function createJobRunner(
  database: Database,
  log: FastifyBaseLogger,
  opts: { enabled: boolean } = { enabled: true },
) {
  const jobs = new Map<string, Job>();
  const timers = new Set<NodeJS.Timeout>();
  const locks = new Map<string, ExclusiveLock>();
  let running = false;

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    t.unref();
    timers.add(t);
  };

  const runLogged = async (job: Job) => {
    try {
      await job.run();
    } catch (err) {
      log.error({ err, job: job.name }, 'job run failed');
    }
  };

  /** An `eachProcess` job: its first run one period after start, like the timer it replaces. */
  function repeat(job: Job) {
    later(job.everyMs, () => {
      if (!running) return;
      void runLogged(job).then(() => running && repeat(job));
    });
  }

  async function lead(job: Job) {
    if (!running) return;
    let lock: ExclusiveLock | null = null;
    try {
      lock = await database.tryExclusive(jobLockKey(job.name));
    } catch (err) {
      log.warn({ err, job: job.name }, 'job lock unavailable');
    }
    if (!lock) return later(FOLLOWER_RETRY_MS, () => void lead(job));
    locks.set(job.name, lock);
    log.info({ job: job.name }, 'leading job');
    let lost = false;
    void lock.lost.then(() => {
      lost = true;
    });
    const tick = async () => {
      if (!running) return;
      if (lost) {
        locks.delete(job.name);
        return later(FOLLOWER_RETRY_MS, () => void lead(job));
      }
      await runLogged(job);
      later(job.everyMs, () => void tick());
    };
    await tick();
  }

  return {
    add(job: Job) {
      if (jobs.has(job.name)) throw new Error(`job ${job.name} registered twice`);
      jobs.set(job.name, job);
    },
    /** Names of the registered jobs. */
    names: () => [...jobs.keys()],
    /** Names of the jobs one process leads at a time (not those every process runs). */
    ledNames: () => [...jobs.values()].filter((j) => !j.eachProcess).map((j) => j.name),
    /** Whether `start()` starts the jobs (ROSTER_JOBS). */
    enabled: opts.enabled,
    /** Runs one tick of a job now in this process, lock or not, started or not (tests, `roster` commands). */
    async runNow(name: string) {
      const job = jobs.get(name);
      if (!job) throw new Error(`no job named ${name}`);
      await job.run();
    },
    start() {
      if (running) return;
      if (!opts.enabled) {
        log.info('periodic jobs are off (ROSTER_JOBS=off)');
        return;
      }
      running = true;
      for (const job of jobs.values()) {
        if (job.eachProcess) repeat(job);
        else void lead(job);
      }
    },
    async stop() {
      running = false;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all([...locks.values()].map((l) => l.release()));
      locks.clear();
    },
    /** Jobs this process leads right now. */
    leading: () => [...locks.keys()],
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
