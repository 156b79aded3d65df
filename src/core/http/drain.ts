import type { RosterApp } from './app.ts';

/** WebSocket close code "going away": the client should reconnect, to another instance if need be. */
const GOING_AWAY = 1001;

/**
 * Stops the server on SIGTERM/SIGINT without cutting anyone off: it stops listening (new
 * connections are refused), tells live WebSocket clients it is going away, lets every request it
 * has accepted finish and get its answer, then closes `release` (Redis, the database) and exits 0.
 * Past `timeoutMs` it exits 1 whatever is still running, so an orchestrator's stop never hangs.
 */
export function drainOnSignals(app: RosterApp, release: () => Promise<void>, timeoutMs: number) {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Stop accepting before saying so: the listening socket closes now, while the server's close
    // callback (which app.close waits for) still fires only once every accepted connection ends.
    app.server.close();
    app.log.info({ signal, timeoutMs }, 'draining in-flight requests');
    const force = setTimeout(() => {
      app.log.error({ timeoutMs }, 'requests still running at the shutdown timeout; exiting');
      process.exit(1);
    }, timeoutMs);
    force.unref();
    for (const client of app.websocketServer?.clients ?? []) client.close(GOING_AWAY, 'server shutting down');
    try {
      await app.close();
      await release();
    } catch (err) {
      app.log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
    app.log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
