/**
 * A bare process around the job runner, for the leader-election test when no module registers a
 * job of its own: it leads the job `scale-probe` (or waits for it) on DATABASE_URL and logs like the server,
 * plus one `lock attempt` line per try at the job's lock, so a test can tell when a follower has retried.
 */
import { openDatabase } from '../../src/core/db/client.ts';
import { createJobRunner } from '../../src/core/jobs/runner.ts';

const line = (level: string) => (obj: unknown, msg?: string) =>
  console.log(
    JSON.stringify({ level, ...(typeof obj === 'object' ? obj : { msg: obj }), ...(msg ? { msg } : {}) }),
  );
const log = {
  info: line('info'),
  warn: line('warn'),
  error: line('error'),
  debug: () => {},
  trace: () => {},
  fatal: line('fatal'),
  child: () => log,
  level: 'info',
  silent: () => {},
};

const database = await openDatabase({ url: process.env.DATABASE_URL!, poolSize: 1 });
const tryExclusive = database.tryExclusive.bind(database);
database.tryExclusive = async (key) => {
  const lock = await tryExclusive(key);
  log.info({ acquired: lock !== null }, 'lock attempt');
  return lock;
};
const runner = createJobRunner(database, log as never);
let runs = 0;
runner.add({
  name: 'scale-probe',
  everyMs: 200,
  run: () => {
    runs += 1;
    return Promise.resolve();
  },
});
runner.start();
console.log(`job process ready ${process.pid}`);
setInterval(() => console.log(JSON.stringify({ msg: 'runs', runs })), 500);
