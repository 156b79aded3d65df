/**
 * A bare process around the job runner, for the leader-election test when no module registers a
 * job of its own: it leads the job `scale-probe` (or waits for it) on DATABASE_URL and logs like the server.
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
const runner = createJobRunner(database, log as never);
let runs = 0;
runner.add({ name: 'scale-probe', everyMs: 200, run: async () => void (runs += 1) });
runner.start();
console.log(`job process ready ${process.pid}`);
setInterval(() => console.log(JSON.stringify({ msg: 'runs', runs })), 500);
