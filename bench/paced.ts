import http from 'node:http';
import type { Request } from 'autocannon';

/** What a paced run measured, in the shape `measure` reads from autocannon's result. */
export interface PacedResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  statusCodeStats: Record<string, { count: number }>;
  errors: number;
  timeouts: number;
}

/**
 * Requests sent at an even pace, `rate` per second over `seconds`, on up to `connections` kept-alive
 * connections: what screens polling every ten seconds look like to the server. autocannon's fixed
 * rate is not that: each connection sends its share of the second back to back, then waits for the
 * next second, so every second opens with a burst of the whole second's requests. Latency counts
 * from when a request was due, not from when a connection was free to send it, so a server that
 * falls behind shows it (no coordinated omission). `requests` cycle as autocannon cycles them,
 * `setupRequest` included.
 */
export async function paced(opts: {
  url: string;
  requests: Request[];
  rate: number;
  seconds: number;
  connections: number;
  timeoutSeconds: number;
}): Promise<PacedResult> {
  const base = new URL(opts.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const total = Math.round(opts.rate * opts.seconds);
  const interval = 1000 / opts.rate;
  const latencies: number[] = [];
  const statuses: Record<string, { count: number }> = {};
  let errors = 0;
  let timeouts = 0;
  const started = performance.now();

  const send = (i: number, due: number) =>
    new Promise<void>((resolve) => {
      const template = opts.requests[i % opts.requests.length];
      const req = template.setupRequest ? template.setupRequest({ ...template }, {}) : template;
      const outgoing = http.request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method: req.method ?? 'GET',
          path: req.path ?? '/',
          headers: req.headers,
          timeout: opts.timeoutSeconds * 1000,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - due);
            const code = String(res.statusCode);
            statuses[code] = { count: (statuses[code]?.count ?? 0) + 1 };
            resolve();
          });
        },
      );
      outgoing.on('timeout', () => {
        timeouts++;
        outgoing.destroy();
      });
      outgoing.on('error', () => {
        errors++;
        resolve();
      });
      outgoing.end(req.body);
    });

  const inFlight: Promise<void>[] = [];
  let next = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      // Every request whose time has come, each stamped with the instant it was due.
      while (next < total && started + next * interval <= now) {
        inFlight.push(send(next, started + next * interval));
        next++;
      }
      if (next < total) setTimeout(tick, Math.max(0, started + next * interval - performance.now()));
      else done();
    };
    tick();
  });
  await Promise.all(inFlight);
  agent.destroy();
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : 0;
  return {
    requests: { average: latencies.length / elapsed },
    latency: { p50: Number(at(0.5).toFixed(1)), p99: Number(at(0.99).toFixed(1)) },
    statusCodeStats: statuses,
    errors,
    timeouts,
  };
}
