/**
 * `BENCH_CPU_PROF=<folder> npm run bench`: loaded into each Roster server (NODE_OPTIONS --import,
 * where Node does not accept --cpu-prof), it profiles the whole process and writes
 * `<folder>/roster-<pid>.cpuprofile` when the process exits (open it in Chrome DevTools or
 * speedscope). The in-thread inspector session answers synchronously, so this works in `exit`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector';

const folder = process.env.BENCH_CPU_PROF;
if (folder) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.once('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err)
        fs.writeFileSync(
          path.join(folder, `roster-${process.pid}.cpuprofile`),
          JSON.stringify(result.profile),
        );
    });
  });
}
