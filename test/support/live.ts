import WebSocket from 'ws';

/**
 * How long `next` waits for a matching message: a ceiling for a machine that may be very busy
 * (a message that is coming resolves the wait at once; only a missing one waits this long).
 */
const TIMEOUT_MS = 30_000;

/** One message of `/api/live`: its type, the event's data and when it was sent. */
export interface LiveMessage {
  type: string;
  data: Record<string, unknown>;
  at: string;
}

/** One open `/api/live` connection and everything it has received so far. */
export interface LiveClient {
  messages: LiveMessage[];
  /** Resolves with the first message (already received or coming) that matches. */
  next(match: (m: LiveMessage) => boolean): Promise<LiveMessage>;
  close(): void;
}

/** The text of a WebSocket frame, whichever form the library hands it over in. */
export function frameText(raw: WebSocket.RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return (Buffer.isBuffer(raw) ? raw : Buffer.from(raw)).toString('utf8');
}

/**
 * Opens `/api/live` on the server listening on `port` with a `?token=` or a Bearer header. Resolves
 * once the server greeted (credentials checked); a refused upgrade rejects with its status and body.
 */
export function connectLive(port: number, auth: { token?: string; bearer?: string }): Promise<LiveClient> {
  const query = auth.token ? `?token=${encodeURIComponent(auth.token)}` : '';
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live${query}`, {
    headers: auth.bearer ? { authorization: `Bearer ${auth.bearer}` } : {},
  });
  const messages: LiveMessage[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (raw) => {
    messages.push(JSON.parse(frameText(raw)) as LiveMessage);
    for (const w of [...waiters]) w();
  });
  const client: LiveClient = {
    messages,
    next: (match) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `no matching live message within ${TIMEOUT_MS} ms; got ${JSON.stringify(messages.map((m) => m.type))}`,
            ),
          );
        }, TIMEOUT_MS);
        waiters.add(check);
        check();
      }),
    close: () => ws.close(),
  };
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () =>
        reject(
          Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, body }),
        ),
      );
    });
    ws.once('error', reject);
    // Connected means greeted: the server sends `hello` once the credentials are checked.
    ws.once('open', () => {
      client.next((m) => m.type === 'hello').then(() => resolve(client), reject);
    });
  });
}
